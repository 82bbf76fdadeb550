"""The real evaluation files of ../shared/data/evals, served by the stand-in and landed through the client as
from the live Hub: every Community Evals entry of every revision lands or is quarantined with its reason, the
benchmark specs are read (flawed ones flagged), MTEB's scores match its files, and int_evaluations holds them."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from pathlib import Path

import duckdb
import pytest
import yaml

from ingestion.evals.load import MTEB_REPO_ID, load_benchmarks, load_mteb_revision
from ingestion.hub.client import HubClient
from ingestion.hub.crawl import load_hub_models
from ingestion.standin.server import HubStandIn
from ingestion.warehouse import connect
from orchestration.dbt.project import DBT_PROJECT_DIR, dbt_executable
from orchestration.quality.history import ensure_quality_schema
from tests.conftest import build_once, project_env

pytestmark = pytest.mark.acceptance


@pytest.fixture(scope="session")
def landed_evals(shared_data, tmp_path_factory, dbt_manifest):
    """The evals folder replayed revision by revision (a full crawl each), then the benchmarks, MTEB's results
    and the dbt models down to mart_benchmark_coverage; what each step landed is kept for the tests."""
    def build(folder):
        dump = folder / "hub_dump"
        dump.mkdir()
        (dump / "models.jsonl").write_text("")
        steps = []
        with HubStandIn(dump, evals_dir=shared_data / "evals") as hub, connect(folder / "evals.duckdb") as con:
            ensure_quality_schema(con)
            client = HubClient(hub.endpoint)
            for step in range(hub.evals.steps):
                hub.serve_evals_step(step)
                load_hub_models(con, client, mode="full", progress=lambda _: None)
                steps.append({
                    "served": {r["id"]: r for r in hub.evals.model_records(step)},
                    "landed": con.execute("select model_id, filename, entry_no, benchmark, task, value, pull_request "
                                          "from raw.hub_eval_results").fetchall(),
                    "quarantined": con.execute("select model_id, filename, entry_no, reason "
                                               "from raw.hub_eval_results_quarantine").fetchall(),
                })
            load_benchmarks(con, client, folder / "cache", progress=lambda _: None)
            revision, _ = client.dataset_revision(MTEB_REPO_ID)
            load_mteb_revision(con, client, folder / "cache", revision, progress=lambda _: None)
        (folder / "steps.json").write_text(json.dumps(steps, default=str))
        out = subprocess.run([dbt_executable(), "build", "--select", "+mart_benchmark_coverage",
                              "+mart_base_model_improvement", "+mart_performance_over_time",
                              "--indirect-selection", "cautious",  # the tests whose every parent is built
                              "--exclude-resource-type", "unit_test", "--project-dir", str(DBT_PROJECT_DIR),
                              "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(folder / "target")],
                             cwd=DBT_PROJECT_DIR, env=project_env(OBSERVATORY_WAREHOUSE=str(folder / "evals.duckdb")),
                             capture_output=True, text=True, timeout=900)
        assert out.returncode == 0, out.stdout[-3000:]

    folder = build_once(tmp_path_factory, "real_evals", build)
    return folder / "evals.duckdb", json.loads((folder / "steps.json").read_text()), shared_data / "evals"


def _query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_every_community_evals_entry_of_every_revision_lands_or_is_quarantined_with_its_reason(landed_evals):
    _, steps, folder = landed_evals
    seen_entries = 0
    for step in steps:
        landed = {(m, f, n): (b, t, v, pr) for m, f, n, b, t, v, pr in step["landed"]}
        quarantined = {(m, f, n): reason for m, f, n, reason in step["quarantined"]}
        assert not set(landed) & set(quarantined)
        for model_id, record in step["served"].items():
            for n, item in enumerate(record["evalResults"]):
                key = (model_id, item["filename"], n)
                assert key in landed or key in quarantined, key
                seen_entries += 1
                if key in landed:  # with its model, benchmark, task and value, as the file has them
                    data = item["data"]
                    assert landed[key][:3] == (data["dataset"]["id"], str(data["dataset"]["task_id"]),
                                               float(data["value"])), key
                    assert landed[key][3] == item.get("pullRequest")
    # the folder's entries, file by file, as YAML reads them: each was served once per revision holding it
    files = list((folder / "hf_eval_results_yaml").rglob(".eval_results/*.yaml"))
    assert sum(len(yaml.safe_load(p.read_text())) for p in files) == 33
    assert seen_entries >= 33


def test_the_invalid_entries_are_those_dated_in_the_future_and_say_so(landed_evals):
    _, steps, _ = landed_evals
    last = steps[-1]
    reasons = Counter((m, r.split(":")[0]) for m, _, _, r in last["quarantined"])
    assert reasons == {("Ch3nOff/dual-loop-controller", "date 2026-09-17 is after the repo's last commit (2026-08-20)"): 18}


def test_a_new_revision_replaces_the_entries_of_the_last(landed_evals):
    _, steps, _ = landed_evals
    tasks = [sorted(t for m, _, _, _, t, _, _ in s["landed"] if m == "Vedika-advanced-AI/Aura-Gen-2.0") for s in steps]
    assert tasks[0] == ["MathArena/aime_2026", "gsm8k", "mmmu_pro_standard_4_options"]
    assert tasks[-1] == ["MathArena/aime_2026", "diamond", "gsm8k", "mmmu_pro_vision"]
    pulls = sorted(pr for m, *_, pr in steps[-1]["landed"] if m == "Vedika-advanced-AI/Vedika-4.1-flash")
    assert pulls == [1, 2, 3, 4, 5], "five open pull requests, one entry each"


def test_benchmark_specs_are_read_and_flawed_ones_flagged(landed_evals):
    warehouse, _, _ = landed_evals
    specs = {b: (fw, json.loads(problems), len(json.loads(tasks))) for b, fw, problems, tasks in _query(
        warehouse, "select benchmark, evaluation_framework, problems, tasks from raw.hub_benchmarks")}
    assert len(specs) == 8
    assert specs["Idavidrein/gpqa"][2] == 3, "diamond, main, extended"
    assert "evaluation_framework is missing" in specs["openai/gsm8k"][1]
    assert specs["final-bench/final-bench"][1] == [
        "evaluation_framework is missing", "field_spec, solvers, scorers at the top level (they belong to a task)"]
    assert specs["ChrisHayduk/nanoFold-Competition"] == ("nanofold", [], 1)
    assert specs["FutureMa/EvasionBench"][:2] == ("inspect-ai", [])


def test_mteb_result_counts_per_task_match_the_files(landed_evals):
    warehouse, _, folder = landed_evals
    root = folder / "mteb_results" / "results"
    files = [p for p in root.glob("*/*/*.json") if p.name != "model_meta.json"]
    per_task = Counter(p.stem for p in files)
    landed = dict(_query(warehouse, "select task, count(*) from raw.mteb_results where experiment is null group by 1"))
    assert landed == per_task and sum(per_task.values()) == 429
    # one row per model and task in int_evaluations: the models (by model_meta's name) with that task's file
    names = {}
    for p in files:
        names.setdefault(p.stem, set()).add(json.loads((p.parent / "model_meta.json").read_text())["name"])
    evaluated = dict(_query(warehouse, "select task, count(*) from intermediate.int_evaluations "
                                       "where source = 'mteb' group by 1"))
    assert evaluated == {task: len(models) for task, models in names.items()}


def test_the_evaluation_table_and_coverage_hold_every_source(landed_evals):
    warehouse, _, _ = landed_evals
    rows = dict(_query(warehouse, "select source, count(*) from intermediate.int_evaluations group by 1"))
    assert rows["community_evals"] == 9 and rows["mteb"] > 400, rows
    coverage = _query(warehouse, "select distinct population, source from marts.mart_benchmark_coverage")
    assert set(coverage) == {("hub_evals", "community_evals"), ("hub_evals", "mteb")}
    gpqa = _query(warehouse, "select best_value, best_model_id from marts.mart_benchmark_coverage "
                             "where benchmark = 'Idavidrein/gpqa' order by month desc limit 1")
    assert gpqa == [(78.8, "Vedika-advanced-AI/Vedika-4.1-flash")]


def test_an_mteb_model_s_improvement_over_its_adapted_from_base_is_in_the_improvement_mart(landed_evals):
    warehouse, _, folder = landed_evals
    # from the files: models whose model_meta.json names a base that has results on the same task
    results = {}
    bases = {}
    for meta in (folder / "mteb_results" / "results").glob("*/*/model_meta.json"):
        doc = json.loads(meta.read_text())
        bases[doc["name"]] = doc.get("adapted_from")
        for task in meta.parent.glob("*.json"):
            if task.name != "model_meta.json":
                results.setdefault(doc["name"], set()).add(task.stem)
    pairs = {(base, model, task) for model, base in bases.items() if base in results
             for task in results.get(model, set()) & results[base]}
    assert pairs, "the real files hold derivatives evaluated on their base's tasks"
    rows = _query(warehouse, """
        select base_model_id, best_derivative_id, task, improvement_pct from marts.mart_base_model_improvement
        where population = 'hub_evals' and benchmark = 'mteb/results'""")
    # every pair the mart holds is one the files hold (a derivative released before its base, or evaluated only
    # in an older revision, is left out)
    assert rows and {(b, d, t) for b, d, t, _ in rows} <= pairs
    kalm = {t: pct for b, d, t, pct in rows if b == "HIT-TMG/KaLM-embedding-multilingual-mini-instruct-v2"}
    assert kalm and all(pct > 0 for pct in kalm.values()), "KaLM v2.5 improves on v2 on every shared task"
    over_time = _query(warehouse, "select count(distinct task) from marts.mart_performance_over_time "
                                  "where population = 'hub_evals' and benchmark = 'mteb/results'")
    assert over_time == [(6,)]
