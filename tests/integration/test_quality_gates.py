"""Bad data never reaches a mart: corrupted inputs fail the right gate, downstream does not run,
the marts built before stay exactly as they were, and the error names the record or file."""

from __future__ import annotations

import json
import re

import duckdb
import pytest

from tests.support.gates import (
    BUILD_RAN,
    assert_blocked,
    fingerprint,
    published_state,
    rewrite_first_records,
    run_case,
)

pytestmark = pytest.mark.integration


def test_hub_records_that_break_rules_block_the_crawl_naming_their_values(case):
    """Three records of one crawl, each breaking another rule of the Hub's suite (a negative count, a count
    that is not a number, a creation date in the future): each rule fails, the crawl is rejected whole."""
    warehouse, dump, archive, before, published = case
    damage = iter([{"downloads": -5}, {"downloads": "lots"}, {"createdAt": "2099-01-01T00:00:00.000Z"}])
    rewrite_first_records(dump, lambda r: r.update(next(damage)), n=3)
    out = run_case(warehouse, dump)
    assert_blocked(out, warehouse, before, published, "hub_models_expectations",
                   ["downloads_not_negative", "downloads_is_integer", "created_at_plausible"], later_build=True)
    text = out.stderr + out.stdout
    assert "-5" in text and "lots" in text and "2099-01-01" in text, "the failing values are named"


def test_archive_rows_that_break_rules_block_the_snapshot_naming_their_values(case):
    """The newest export cut to half its rows, a score that is not a number, an evaluation listed twice:
    each rule of the leaderboard's suite fails, the snapshot is rejected whole and named."""
    warehouse, dump, archive, before, published = case
    newest = sorted((archive / "v2").glob("*.csv"))[-1]
    lines = newest.read_text().splitlines()
    kept = lines[: 1 + (len(lines) - 1) // 2]
    col = lines[0].split(",").index("model_average_score")
    cells = kept[1].split(",")
    cells[col] = "n/a"
    kept[1] = ",".join(cells)
    newest.write_text("\n".join([*kept, kept[2]]) + "\n")  # the second evaluation again
    out = run_case(warehouse, dump, archive)
    assert_blocked(out, warehouse, before, published, "leaderboard_archive_results_expectations",
                   ["v2_volume", "average_is_number", "evaluation_unique"], later_build=True)
    text = out.stderr + out.stdout
    assert "n/a" in text and newest.name in text, "the failing value and the snapshot are named"


def test_snapshot_dated_in_the_future(case):
    warehouse, dump, archive, before, published = case
    newest = sorted((archive / "v2").glob("*.csv"))[-1]
    newest.rename(newest.with_name("open_llm_leaderboard_v2_2099-01-31.csv"))
    out = run_case(warehouse, dump, archive)
    assert_blocked(out, warehouse, before, published, "leaderboard_archive_results_expectations", "snapshot_date_plausible")


@pytest.mark.parametrize("damage, message", [
    ("empty", "empty file"),
    ("removed_column", "required column missing: model_average_score"),
])
def test_bad_file_is_rejected_whole_and_named(case, damage, message):
    warehouse, dump, archive, before, published = case
    newest = sorted((archive / "v2").glob("*.csv"))[-1]
    if damage == "empty":
        newest.write_text("")
    else:
        import csv

        with newest.open() as fh:
            rows = list(csv.reader(fh))
        drop = rows[0].index("model_average_score")
        with newest.open("w", newline="") as fh:
            csv.writer(fh).writerows([r[:drop] + r[drop + 1:] for r in rows])
    with duckdb.connect(str(warehouse), read_only=True) as con:
        raw_before = con.execute("select count(*) from raw.leaderboard_archive_results").fetchone()
    out = run_case(warehouse, dump, archive)
    assert out.returncode != 0
    assert newest.name in out.stderr and message in out.stderr
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from raw.leaderboard_archive_results").fetchone() == raw_before, \
            "nothing already loaded is changed"
    assert fingerprint(warehouse) == before


def test_truncated_parquet_is_rejected_and_named(case):
    warehouse, dump, archive, before, published = case
    parquet = dump / "datasets/open-llm-leaderboard/contents/data/train-00000-of-00001.parquet"
    parquet.write_bytes(parquet.read_bytes()[: parquet.stat().st_size // 2])
    out = run_case(warehouse, dump, archive)
    assert out.returncode != 0
    assert "not a readable parquet file" in out.stderr and "open-llm-leaderboard/contents@" in out.stderr
    assert fingerprint(warehouse) == before


def test_quality_history_keeps_every_verdict(good):
    warehouse, _, archive = good
    with duckdb.connect(str(warehouse), read_only=True) as con:
        checks = {c for (c,) in con.execute("select distinct check_name from quality.check_results").fetchall()}
        assert {"hub_models_expectations", "leaderboard_hub_results_expectations",
                "leaderboard_archive_results_expectations"} <= checks
        # one verdict per rule of each suite, for the crawl and every partition the demo landed
        from orchestration.hub.expectations import hub_model_rules

        hub_rules = len(hub_model_rules()) + 3  # the suite, the two duplicate-id rules, the volume rule
        per_run = con.execute("select count(*) from quality.check_results where check_name = "
                              "'hub_models_expectations' group by run_id").fetchall()
        assert per_run == [(hub_rules,)]
        partitions = con.execute("select count(distinct run_id) from quality.check_results "
                                 "where check_name = 'leaderboard_archive_results_expectations'").fetchone()[0]
        assert partitions == len(list(archive.rglob("*.csv")))


def test_row_level_failures_are_quarantined_and_the_rest_flows_on(case):
    """A private repo in the listing and a score out of range: those rows go to quarantine, the run succeeds."""
    warehouse, dump, archive, _, _ = case
    (private_id,) = rewrite_first_records(dump, lambda r: r.update(private=True))
    newest = sorted((archive / "v2").glob("*.csv"))[-1]
    import csv

    with newest.open() as fh:
        rows = list(csv.reader(fh))
    col, model_col = rows[0].index("model_average_score"), rows[0].index("model_name")
    rows[1][col] = "250"
    bad_model = rows[1][model_col]
    with newest.open("w", newline="") as fh:
        csv.writer(fh).writerows(rows)

    out = run_case(warehouse, dump, archive)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "quarantined" in out.stdout + out.stderr
    with duckdb.connect(str(warehouse), read_only=True) as con:
        # (the generated Community Evals dated 2009 are quarantined too: tests/integration/test_evaluations.py)
        quarantined = con.execute("select asset, rule, model_id, source_name, row_number, reason "
                                  "from quality.quarantine where asset <> 'raw/hub_eval_results' "
                                  "order by asset").fetchall()
        assert [(a, r) for a, r, *_ in quarantined] == [
            ("raw/hub_models", "listing_is_public"), ("raw/leaderboard_archive_results", "average_in_range")]
        assert quarantined[0][2] == private_id
        assert quarantined[1][3] == newest.name and "250" in quarantined[1][5]
        # the rows are left out after staging, the rest of their batches flowed on into the marts
        assert con.execute("select count(*) from staging.stg_hub__models where model_id = ?",
                           [private_id]).fetchone() == (1,), "staging only renames and casts"
        assert con.execute("select count(*) from intermediate.int_hub__models where model_id = ?",
                           [private_id]).fetchone() == (0,)
        assert con.execute("select count(*) from intermediate.int_hub__models").fetchone()[0] > 1000
        assert con.execute("select count(*) from intermediate.int_leaderboard__results where source_name = ? "
                           "and row_number = 1", [newest.name]).fetchone() == (0,)
        assert con.execute("select count(*) from intermediate.int_leaderboard__results where source_name = ?",
                           [newest.name]).fetchone()[0] == len(rows) - 2
        # the verdicts say how many rows went to quarantine
        warned = dict(con.execute("select rule, failing_rows from quality.check_results where not passed "
                                  "and severity = 'QUARANTINE' and asset <> 'raw/hub_eval_results'").fetchall())
        assert warned == {"listing_is_public": 1, "average_in_range": 1}
        # the quarantined row is the one edited, and its score reached no mart
        assert quarantined[1][2] == bad_model
        assert con.execute("select count(*) from intermediate.int_leaderboard__results "
                           "where average_score > 100").fetchone() == (0,)
        assert con.execute("select max(max_score) from marts.mart_performance_over_time "
                           "where population like 'leaderboard_%'").fetchone()[0] <= 100


def test_dbt_test_verdicts_join_the_history(good):
    warehouse, _, _ = good
    with duckdb.connect(str(warehouse), read_only=True) as con:
        layers = dict(con.execute("select split_part(asset, '/', 1), count(*) from quality.check_results "
                                  "where batch is not null group by 1").fetchall())
        assert {"raw", "staging", "intermediate", "marts"} <= set(layers)
        # the lineage plausibility check counts implausible edges (one failing row each) into the history
        assert con.execute("select count(*) from quality.check_results "
                           "where check_name = 'lineage_edges_are_plausible'").fetchone()[0] >= 1
        assert con.execute("select count(*) from quality.check_results where asset = 'marts/mart_ecosystem_summary' "
                           "and check_name like 'unique_mart_ecosystem_summary%' and passed").fetchone()[0] >= 1


def test_failing_dbt_test_blocks_the_models_downstream(case):
    """500 billion downloads passes the raw suite (non-negative) but not staging's range test: dbt
    skips everything downstream of stg_hub__models, the marts keep their last good version."""
    warehouse, dump, archive, before, published = case
    (model_id,) = rewrite_first_records(dump, lambda r: r.update(downloads=500_000_000_000))
    out = run_case(warehouse, dump, archive)
    assert out.returncode != 0
    text = out.stdout + out.stderr
    assert "stg_hub__models:stg_hub__models_row_rules" in text, "the failing dbt test is named"
    assert re.search(r'"broken_rules": \["downloads_30d_in_range"\], "model_id": "' + re.escape(model_id), text), \
        "with its failing row, the rule it breaks and the model"
    assert fingerprint(warehouse) == before, "previously built marts are unchanged"
    assert published_state(warehouse) == published, "a failed build publishes nothing"
    assert "published__marts" in text and "report__observatory_report" in text
    with duckdb.connect(str(warehouse), read_only=True) as con:
        severity, passed, failing_rows, examples = con.execute(
            """select severity, passed, failing_rows, examples from quality.check_results
               where check_name = 'stg_hub__models_row_rules' order by checked_at desc limit 1""").fetchone()
    assert (severity, passed, failing_rows) == ("ERROR", False, 1)
    assert [(e["model_id"], e["broken_rules"], e["downloads_30d"]) for e in json.loads(examples)] == [
        (model_id, ["downloads_30d_in_range"], 500_000_000_000)], "the history keeps the failing row"


def test_a_raw_table_that_breaks_a_dbt_source_test_stops_the_build(case):
    """dbt's tests of the sources are checks of the raw assets, run after the gate: a raw table that
    breaks one (here a model recorded as removed twice, as a faulty migration could leave it) fails the
    check on raw/hub_model_removals, and no dbt model is built or published."""
    warehouse, dump, archive, before, published = case
    with duckdb.connect(str(warehouse)) as con:
        con.execute("""insert into raw.hub_model_removals (model_id, removal, detected_at, crawl_id)
                       select 'ghost/removed-twice', 'deleted', now(), 'migration' from range(2)""")
    out = run_case(warehouse, dump)
    text = out.stdout + out.stderr
    assert out.returncode != 0
    assert "raw/hub_model_removals:source_unique_raw_hub_model_removals_model_id" in text
    assert '"unique_field": "ghost/removed-twice"' in text, "the failed check shows its failing row"
    assert not BUILD_RAN.search(text), "no dbt model was built"
    assert fingerprint(warehouse) == before and published_state(warehouse) == published
    with duckdb.connect(str(warehouse), read_only=True) as con:
        passed, failing, examples = con.execute("""select passed, failing_rows, examples from quality.check_results
                              where asset = 'raw/hub_model_removals'
                                and check_name = 'source_unique_raw_hub_model_removals_model_id'
                              order by checked_at desc limit 1""").fetchone()
    assert (passed, failing, json.loads(examples)) == (False, 1, [{"unique_field": "ghost/removed-twice",
                                                                   "n_records": 2}])
