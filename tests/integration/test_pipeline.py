"""The whole asset graph, materialized by `observatory demo` on generated data, gives the right marts."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from orchestration.dbt.project import dbt_project
from tests.conftest import run_cli, walk_first_parents

pytestmark = pytest.mark.integration


def run_demo(*args: str, env_extra: dict | None = None, verbose: bool = True,
             fresh_process: bool = False) -> subprocess.CompletedProcess:
    out = run_cli("demo", *args, env_extra=env_extra, verbose=verbose, fresh_process=fresh_process)
    assert out.returncode == 0, f"demo failed:\n{out.stdout[-4000:]}\n{out.stderr[-4000:]}"
    return out


def query(warehouse: Path, sql: str, params=None):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture(scope="module")
def built(good_run, small_dump):
    """The session's demo on the small dump and archive (tests/integration/conftest.py), read only."""
    warehouse, out = good_run
    return warehouse, small_dump[1], out


def _records(dump_dir):
    with (dump_dir / "models.jsonl").open() as fh:
        return [json.loads(line) for line in fh]


def test_demo_prints_what_it_built(built):
    warehouse, _, out = built
    assert str(warehouse) in out.stdout
    from tests.acceptance.test_real_data import MARTS

    for mart in MARTS:
        assert f"marts.{mart}" in out.stdout
    assert "make dev" in out.stdout


ONE_SNAPSHOT_EMPTY = {("mart_adoption_trends", "downloads_change"), ("mart_adoption_trends", "likes_change")}


def test_every_mart_has_rows_on_generated_data(built):
    warehouse, _, _ = built
    from tests.acceptance.test_real_data import MARTS

    for mart, (columns, populations) in MARTS.items():
        pops = dict(query(warehouse, f"select population, count(*) from marts.{mart} group by 1"))
        assert set(pops) == populations, mart
        # a change needs a week before it: the demo's history has one day
        needed = [c for c in columns if (mart, c) not in ONE_SNAPSHOT_EMPTY]
        filled = query(warehouse, "select " + ", ".join(f"count({c})" for c in needed) + f" from marts.{mart}")[0]
        assert all(filled), f"{mart}: a required column is never filled: {dict(zip(needed, filled))}"


def test_generated_lineage_shows_in_base_model_popularity(built, small_dump):
    warehouse, summary, _ = built
    rows = dict(query(warehouse, """
        select sum(direct_derivatives), sum(finetune_derivatives) + sum(adapter_derivatives)
               + sum(quantized_derivatives) + sum(merge_derivatives)
        from marts.mart_base_model_popularity where population = 'hub'"""))
    (direct, by_relation), = rows.items()
    assert direct == by_relation, "every generated edge has one of the four relations"
    n_edges = query(warehouse, "select count(*) from intermediate.int_model_parents where edge_source = 'hub_tags'")
    assert direct == n_edges[0][0]
    improved = query(warehouse, "select count(*), avg(improvement_pct) from marts.mart_base_model_improvement")
    assert improved[0][0] > 0 and improved[0][1] > 0, "generated derivatives improve on their bases on average"


def test_summary_counts_match_the_generator(built):
    warehouse, summary, _ = built
    rows = query(warehouse, "select n_models, n_authors from marts.mart_ecosystem_summary where population = 'hub'")
    assert rows == [(summary.n_models, summary.n_authors)]


def test_top_author_is_the_generators_top_author(built):
    warehouse, summary, _ = built
    author, n = summary.top_author
    rows = query(warehouse, "select author, n_models, model_share from marts.mart_author_concentration "
                            "where population = 'hub' and author_rank = 1")
    assert rows[0][:2] == (author, n)
    assert rows[0][2] == pytest.approx(n / summary.n_models)
    top10 = sum(sorted(summary.author_counts.values(), reverse=True)[:10]) / summary.n_models
    got = query(warehouse, "select top10_share from marts.mart_ecosystem_summary where population = 'hub'")[0][0]
    assert got == pytest.approx(top10)


def test_license_counts_match_the_generator(built):
    warehouse, summary, _ = built
    rows = dict(query(warehouse, "select license, n_models from marts.mart_license_distribution "
                                 "where population = 'hub'"))
    assert rows == summary.license_counts
    unmapped = query(warehouse, "select license from marts.mart_license_distribution where not is_mapped")
    assert unmapped == [], "every generated licence is in the permissions seed"


def test_leaderboard_populations_match_the_files(built, small_archive):
    warehouse, _, _ = built
    v1_file = next((small_archive / "v1").glob("*.csv"))
    with v1_file.open() as fh:
        v1_models = {row["fullname"] for row in csv.DictReader(fh)}
    rows = dict(query(warehouse, "select population, n_models from marts.mart_ecosystem_summary"))
    assert rows["leaderboard_v1"] == len(v1_models)
    latest_v2 = sorted((small_archive / "v2").glob("*.csv"))[-1]
    with latest_v2.open() as fh:
        v2_models = {row["model_name"] for row in csv.DictReader(fh)}
    assert rows["leaderboard_v2"] == len(v2_models)


def test_lineage_walk_matches_the_tags(built, small_dump):
    warehouse, _, _ = built
    walk = walk_first_parents(_records(small_dump[0]))

    lineage = {m: (root, depth) for m, root, depth in query(
        warehouse, "select model_id, root_model_id, depth from intermediate.int_models where is_on_hub")}
    assert len(lineage) == small_dump[1].n_models
    expected = {m: walk(m) for m in lineage}
    assert lineage == expected
    relations = dict(query(warehouse, "select relation, count(distinct model_id) from intermediate.int_model_parents "
                                      "where edge_source = 'hub_tags' group by 1"))
    assert relations == small_dump[1].relation_counts


def test_dbt_tests_ran_as_checks_and_passed(built):
    """Every dbt test of the build left a verdict in the quality history, and none of severity error failed."""
    warehouse, _, out = built
    (dbt_tests, failed), = query(warehouse, """
        select count(*), count(*) filter (where not passed and severity = 'ERROR') from quality.check_results
        where batch in (select batch from quality.check_results where asset like 'marts/%')""")
    manifest = json.loads(dbt_project.manifest_path.read_text())
    # the tests of the sources run in the raw assets' gates, not in the build
    expected = [n for n in manifest["nodes"].values() if n["resource_type"] == "test"
                and not all(d.startswith("source.") for d in n["depends_on"]["nodes"])]
    assert dbt_tests == len(expected) > 100 and failed == 0


def test_rerun_updates_in_place(built, small_dump, small_archive, tmp_path):
    built_warehouse, summary, _ = built
    warehouse = tmp_path / "w.duckdb"
    shutil.copy(built_warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema if not exists analyst; create or replace table analyst.notes as select 1 as kept")
        history_before = con.execute("select count(*), min(checked_at), count(distinct run_id) "
                                     "from quality.check_results").fetchone()
    run_demo("--hub-dump", str(small_dump[0]), "--leaderboard-archive", str(small_archive),
             "--warehouse", str(warehouse))
    assert query(warehouse, "select kept from analyst.notes") == [(1,)], "the warehouse was not recreated"
    assert query(warehouse, "select count(*), count(distinct model_id) from raw.hub_models") == \
        [(summary.n_models, summary.n_models)]
    # the same dump is served at the same endpoint, so the second run is an incremental refresh: nothing
    # was modified since the first crawl started, nothing is fetched again
    crawls = query(warehouse, "select status, mode, records from raw.hub_crawls order by started_at")
    assert crawls == [("complete", "full", summary.n_models), ("complete", "incremental", 0)]
    rows = query(warehouse, "select n_models from marts.mart_ecosystem_summary where population = 'hub'")
    assert rows == [(summary.n_models,)], "no duplicates after a second run"
    # the leaderboard revision was already loaded: skipped, not duplicated
    assert query(warehouse, "select count(distinct loaded_at) from raw.leaderboard_hub_results") == [(1,)]
    # the quality history is appended to, never replaced: the first run's verdicts are still there
    (n, first, runs), = query(warehouse, "select count(*), min(checked_at), count(distinct run_id) "
                                         "from quality.check_results")
    assert n > history_before[0] and first == history_before[1] and runs > history_before[2]


def test_demo_without_a_dump_generates_one_and_says_briefly_what_it_did(tmp_path, dbt_manifest):
    """Without --verbose: one screen (a line per step with its time, the checks that did not pass, the
    summary), and the full Dagster and dbt log in the file it names. The warehouse is the one
    OBSERVATORY_WAREHOUSE names (no --warehouse), for the Python steps and dbt alike. A new interpreter, as a
    user starts the command: whatever a library says as it is imported would show here."""
    warehouse = tmp_path / "demo" / "warehouse.duckdb"
    out = run_demo("--models", "600", verbose=False, env_extra={"OBSERVATORY_WAREHOUSE": str(warehouse)},
                   fresh_process=True)
    assert (tmp_path / "demo" / "demo_source" / "hub_dump" / "models.jsonl").is_file()
    rows = dict(query(warehouse, "select population, n_models from marts.mart_ecosystem_summary"))
    assert rows["hub"] == 600 and rows["leaderboard_v1"] > 0 and rows["leaderboard_v2"] > 0
    assert "generating a synthetic Hub dump of 600 models" in out.stdout

    console = out.stdout + out.stderr
    assert len(console.splitlines()) <= 60, console  # one screen, even when a slow machine adds progress lines
    for step in ("hub_models", "hub_models_expectations", "observatory_dbt_models",
                 "report__observatory_report"):
        assert re.search(rf"^  {step} +done +[0-9.]+ s$", out.stdout, re.M), f"no line with the time of {step}"
    # a progress line every 10 s: on a busy machine the first may cover the first snapshot alone
    assert re.search(r"snapshots 1-\d+ of \d+ \(2024-01-01( to [0-9-]+)?\) landed and checked +[0-9.]+ s", out.stdout)
    assert "[WARN] raw/leaderboard_archive_results" in out.stdout, "checks that did not pass are shown"
    assert "Running with dbt" not in console and "dagster - INFO" not in console
    log = Path(re.search(r"^full log: (\S+)", out.stdout, re.M).group(1))
    text = log.read_text()
    assert "Running with dbt" in text and "Finished dbt command" in text and "hub models: page" in text
    assert log.parent == warehouse.parent / "logs"


def test_bad_hub_dump_is_a_clear_error(tmp_path, dbt_manifest):
    out = run_cli("demo", "--hub-dump", str(tmp_path), "--warehouse", str(tmp_path / "w.duckdb"), timeout=120)
    assert out.returncode != 0
    assert f"{tmp_path} is not a Hub dump" in out.stderr
