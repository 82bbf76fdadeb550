"""The pipeline on the real extracts in ../shared/data: everything parses, counts match, invariants hold."""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter

import pytest

from tests.integration.test_pipeline import query, run_demo

pytestmark = pytest.mark.acceptance


@pytest.fixture(scope="module")
def real(shared_data, tmp_path_factory, dbt_manifest):
    warehouse = tmp_path_factory.mktemp("real") / "real.duckdb"
    run_demo("--hub-dump", str(shared_data / "hub_dump"), "--leaderboard-archive", str(shared_data / "leaderboard"),
             "--warehouse", str(warehouse))
    return warehouse, shared_data


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


def test_marts_have_rows_for_every_population(real):
    warehouse, _ = real
    for mart in ("mart_ecosystem_summary", "mart_author_concentration", "mart_license_distribution"):
        pops = {p for (p,) in query(warehouse, f"select distinct population from marts.{mart}")}
        assert pops == {"hub", "leaderboard_v1", "leaderboard_v2"}, mart


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
        select l.model_id, l.root_model_id
        from intermediate.int_model_lineage l
        join intermediate.int_model_lineage r on r.model_id = l.root_model_id
        where r.root_model_id <> r.model_id or r.depth <> 0""")
    assert not_roots == [], "every descendant's root is a root"
    own_ancestor = query(warehouse, """
        select model_id from intermediate.int_model_lineage
        where len(lineage_path) <> len(list_distinct(lineage_path)) or depth <> len(lineage_path) - 1""")
    assert own_ancestor == [], "no model is its own ancestor"
    edges = query(warehouse, "select count(*) from intermediate.int_model_parents where edge_source = 'hub_tags'")[0][0]
    assert edges >= 28155, "the dump's declared parent edges are all there"
