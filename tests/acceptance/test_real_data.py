"""The pipeline on the real extracts in ../shared/data: everything parses, counts match, invariants hold."""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter

import duckdb
import pytest

from tests.integration.test_pipeline import query
from tests.support.marts_spec import EVALS, MARTS

pytestmark = pytest.mark.acceptance

def test_shared_files_match_their_checksums(shared_data):
    for line in (shared_data / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        path = shared_data / name
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, f"{name} differs from SHA256SUMS"


def test_every_hub_record_landed(real):
    warehouse, data = real
    with (data / "hub_dump" / "models.jsonl").open() as fh:
        ids = [json.loads(line)["id"] for line in fh if line.strip()]
    assert query(warehouse, "select count(*), count(distinct model_id) from raw.hub_models") == [(len(ids), len(set(ids)))]
    assert query(warehouse, "select count(*) from raw.hub_models_quarantine") == [(0,)]


def test_every_leaderboard_export_parsed_with_its_row_count(real):
    warehouse, data = real
    landed = dict(query(warehouse, "select source_name, count(*) from raw.leaderboard_archive_results group by 1"))
    files = sorted((data / "leaderboard").rglob("*.csv"))
    assert len(files) == 9
    for path in files:
        with path.open(newline="", encoding="utf-8") as fh:
            n = sum(1 for _ in csv.DictReader(fh))
        assert landed.get(path.name) == n, f"{path.name}: {landed.get(path.name)} rows landed, file has {n}"
    variants = {v for (v,) in query(warehouse, "select distinct schema_variant from raw.leaderboard_archive_results")}
    assert variants == {"v1", "v2_early", "v2_late"}
    assert query(warehouse, "select count(*) from raw.leaderboard_hub_results") == [(3827,)]


def test_every_mart_has_its_columns_and_rows_for_every_population_its_inputs_allow(real):
    warehouse, _ = real
    for mart, (columns, populations) in MARTS.items():
        got = [c for (c,) in query(warehouse, "select column_name from information_schema.columns "
                                              "where table_schema = 'marts' and table_name = ?", [mart])]
        assert got, f"{mart} was not built"
        missing = set(columns) | {"population"}
        missing -= set(got)
        assert not missing, f"{mart} lacks {missing}"
        pops = {p for (p,) in query(warehouse, f"select distinct population from marts.{mart}")}
        assert pops == populations - EVALS, mart


def test_population_counts_match_the_sources(real):
    warehouse, data = real
    rows = dict(query(warehouse, "select population, n_models from marts.mart_ecosystem_summary"))
    assert rows["hub"] == 37658
    with next((data / "leaderboard" / "v1").glob("*.csv")).open(encoding="utf-8") as fh:
        v1 = {r["fullname"].strip() for r in csv.DictReader(fh)}
    assert rows["leaderboard_v1"] == len(v1)
    with (data / "leaderboard" / "v2" / "open_llm_leaderboard_v2_2025-03-21.csv").open(encoding="utf-8") as fh:
        v2 = {r["model_name"].strip() for r in csv.DictReader(fh)}
    assert rows["leaderboard_v2"] == len(v2), "the final v2 export decides v2 membership"


def test_hub_licence_counts_match_the_tags(real):
    warehouse, data = real
    counts = Counter()
    with (data / "hub_dump" / "models.jsonl").open() as fh:
        for line in fh:
            tags = json.loads(line).get("tags", [])
            counts[next((t.split(":", 1)[1] for t in tags if t.startswith("license:")), "unknown")] += 1
    rows = dict(query(warehouse, "select license, n_models from marts.mart_license_distribution where population='hub'"))
    assert rows == dict(counts)


def test_shares_sum_to_one_and_cumulative_shares_end_at_one(real):
    warehouse, _ = real
    for mart in ("mart_author_concentration", "mart_license_distribution"):
        for pop, total in query(warehouse, f"select population, sum(model_share) from marts.{mart} group by 1"):
            assert total == pytest.approx(1.0), (mart, pop)
    ends = query(warehouse, "select population, max(cumulative_share) from marts.mart_author_concentration group by 1")
    assert all(v == pytest.approx(1.0) for _, v in ends)
    summary = query(warehouse, "select top10_share, top200_share, price_sqrt_n_share, single_model_author_share "
                               "from marts.mart_ecosystem_summary")
    for row in summary:
        assert all(0 < v <= 1 for v in row)
        assert row[0] <= row[1]


def test_lineage_invariants(real):
    warehouse, _ = real
    not_roots = query(warehouse, """
        select m.model_id, m.root_model_id
        from intermediate.int_models m
        join intermediate.int_models r on r.model_id = m.root_model_id
        where r.root_model_id <> r.model_id or r.depth <> 0""")
    assert not_roots == [], "every descendant's root is a root"
    own_ancestor = query(warehouse, """
        select model_id from intermediate.int_models where depth > 0 and root_model_id = model_id""")
    assert own_ancestor == [], "no model is its own ancestor"
    # off the cycles, a model is one hop below its first parent, under the same root: the walk took each
    # model once, on its parent's path
    off_path = query(warehouse, """
        select m.model_id
        from intermediate.int_models m
        join intermediate.int_model_lineage l on l.model_key = hash(m.model_id)
        join intermediate.int_models p on p.model_id = m.first_parent_model_id
        where not l.stopped_at_cycle and (m.depth <> p.depth + 1 or m.root_model_id <> p.root_model_id)""")
    assert off_path == [], "every model's depth and root follow from its first parent's"
    edges = query(warehouse, "select count(*) from intermediate.int_model_parents where edge_source = 'hub_tags'")[0][0]
    assert edges >= 28155, "the dump's declared parent edges are all there"


def test_mart_invariants_on_real_data(real):
    warehouse, _ = real
    bad = query(warehouse, """
        select population, month, sum(share_of_month) s from marts.mart_model_types_monthly
        where share_of_month is not null group by all having abs(s - 1) > 1e-9""")
    assert bad == []
    bad = query(warehouse, """
        select population, week_start, sum(share_of_week) s from marts.mart_architecture_share_weekly
        group by all having abs(s - 1) > 1e-9""")
    assert bad == []
    assert query(warehouse, "select count(*) from marts.mart_base_model_popularity "
                            "where all_descendants < direct_derivatives") == [(0,)]
    wrong_base = query(warehouse, """
        select i.population, i.base_model_id from marts.mart_base_model_improvement i
        join intermediate.int_population_models p on p.population = i.population and p.model_id = i.base_model_id
        where p.best_score <> i.base_score""")
    assert wrong_base == [], "improvement is computed against the base's own score"
    increasing = query(warehouse, """
        select count(*) from (
            select min_params_b, lag(min_params_b) over (partition by population, benchmark, task, score_threshold
                                                         order by month) prev
            from marts.mart_params_for_performance) where min_params_b > prev""")
    assert increasing == [(0,)], "the smallest model reaching a score never gets bigger over time"


def test_every_v1_model_is_typed(real):
    warehouse, _ = real
    typed = dict(query(warehouse, "select model_type, count(*) from intermediate.int_population_models "
                                  "where population = 'leaderboard_v1' group by 1"))
    assert set(typed) <= {"pretrained", "continuously_pretrained", "fine_tuned", "chat", "merge", "multimodal",
                          "unknown"}
    assert typed.get("unknown", 0) < 0.05 * sum(typed.values()), "only the '?' rows are unknown"


def test_every_error_check_passes_and_only_the_known_quirks_warn(real):
    """On the real data no ERROR rule fails, nothing is quarantined, and the warnings that fire are
    exactly the documented quirks of the data (../shared/data/README.md)."""
    con = duckdb.connect(str(real[0]), read_only=True)
    assert con.execute("select count(*) from quality.check_results where severity = 'ERROR' and not passed"
                       ).fetchone() == (0,)
    assert con.execute("select count(*) from quality.quarantine").fetchone() == (0,)
    warnings = {(c, r): n for c, r, n in con.execute(
        "select check_name, rule, failing_rows from quality.check_results where not passed").fetchall()}
    assert set(warnings) <= {
        ("hub_models_expectations", "last_modified_mostly_present"),  # the extract has no lastModified for many
        ("leaderboard_archive_results_expectations", "model_id_namespaced"),  # legacy ids: gpt2, distilgpt2
        ("leaderboard_hub_results_expectations", "model_id_namespaced"),
        ("leaderboard_archive_results_expectations", "params_sane"),  # #Params (B) = -1 for unknown
        ("leaderboard_hub_results_expectations", "params_sane"),
        ("leaderboard_archive_results_expectations", "v1_merged_flag_matches_type"),  # v1 merged flag vs 🤝
        ("accepted_values_int_architecture_families_is_mapped__True", "accepted_values"),  # unmapped architectures
        ("leaderboard_archive_results_expectations", "v2_schema_unchanged"),  # the v2 export's columns changed once (early->late)
        ("lineage_edges_are_plausible", "is_true"),  # real tags: a 70B "finetune" of an 8B base, and the like
    }, warnings
    assert warnings[("leaderboard_archive_results_expectations", "v1_merged_flag_matches_type")] > 1000
    # the schema-drift rule fires on the real exports (early -> late v2 columns, CO2 cost added, ...)
    assert warnings[("leaderboard_archive_results_expectations", "v2_schema_unchanged")] > 0
    # every GX suite and a dbt test of every layer left a verdict
    checks = {c for (c,) in con.execute("select distinct check_name from quality.check_results").fetchall()}
    assert {"hub_models_expectations", "leaderboard_hub_results_expectations",
            "leaderboard_archive_results_expectations"} <= checks


def test_backfilling_the_archive_gives_one_partition_per_file(real):
    """Backfilling ../shared/data/leaderboard: one partition per export file, each materialized, and the
    over-time marts reach the month of the newest submission in every file."""
    import dagster as dg

    from ingestion.leaderboard.readers import snapshot_date_from_name

    warehouse, shared = real
    files = sorted((shared / "leaderboard").rglob("*.csv"))
    dates = sorted(snapshot_date_from_name(p).isoformat() for p in files)
    assert len(set(dates)) == len(files), "every export has its own date"
    with dg.DagsterInstance.from_config(str(warehouse.parent / "dagster_home")) as instance:
        assert instance.get_dynamic_partitions("leaderboard_archive_snapshots") == dates
        assert instance.get_materialized_partitions(dg.AssetKey(["raw", "leaderboard_archive_results"])) == set(dates)
    con = duckdb.connect(str(warehouse), read_only=True)
    newest = con.execute("""select source_name, leaderboard_version, strftime(max(submission_date), '%Y-%m')
                            from intermediate.int_leaderboard__results where source_kind = 'archive_csv'
                            group by all""").fetchall()
    assert len(newest) == len(files)
    months = set(con.execute("""select population, strftime(month, '%Y-%m')
                                from marts.mart_performance_over_time""").fetchall())
    for source, version, month in newest:
        assert (f"leaderboard_{version}", month) in months, f"{source}: month {month} missing from the mart"


def test_the_report_on_real_data_charts_every_population_and_holds_no_markup_from_the_data(real):
    from html.parser import HTMLParser

    warehouse, _ = real
    report = warehouse.parent / "report" / "real.html"
    page = report.read_text()

    class Tags(HTMLParser):
        tags: Counter = Counter()

        def handle_starttag(self, tag, attrs):
            self.tags[tag] += 1

    parser = Tags()
    parser.feed(page)
    # only the page's own elements: the leaderboard's raw-HTML `Model` column never becomes markup
    own = {"html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "p", "nav", "ol", "li", "a",
           "main", "section", "dl", "div", "dt", "dd", "figure", "figcaption", "svg", "line", "text", "polyline",
           "polygon", "rect", "circle", "ul", "span", "details", "summary", "table", "thead", "tbody", "tr", "th",
           "td", "code", "footer"}
    assert set(parser.tags) <= own, set(parser.tags) - own
    assert parser.tags["a"] == len(MARTS), "the only links are the table of contents"
    for mart, (_, populations) in MARTS.items():
        section = page[page.index(f'<section id="{mart}"'):]
        section = section[:section.index("</section>")]
        # one panel per population, except the marts drawn as one chart across populations
        panels = section.count('<figure class="chart"')
        assert panels == (1 if mart in ("mart_ecosystem_summary", "mart_daily_activity",
                                        "mart_author_concentration") else len(populations - EVALS)), mart
