"""Evaluation results on generated data: a new revision replaces a model's rows, a model that did not change is
not fetched again, each benchmark task keeps its own scale in the marts, and the whole graph lands them."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime, timezone

import duckdb
import pytest

from ingestion.hub.client import HubClient
from ingestion.hub.crawl import load_hub_models
from ingestion.warehouse import connect
from orchestration.dbt.project import DBT_PROJECT_DIR, dbt_executable
from orchestration.quality.history import ensure_quality_schema
from tests.conftest import project_env

pytestmark = pytest.mark.integration


def _evaluated(records: list[dict]) -> list[dict]:
    return [r for r in records if any("data" in i and "task_id" in i["data"]["dataset"]
                                      for i in r.get("evalResults", ()))]


def _rows(con, model_id: str) -> list[tuple]:
    return con.execute("select crawl_id, benchmark, task, value from raw.hub_eval_results where model_id = ? "
                       "order by entry_no", [model_id]).fetchall()


def test_a_new_revision_replaces_a_model_s_rows_and_an_unchanged_model_is_not_fetched_again(hub, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    client = HubClient(hub.endpoint)
    changed, unchanged = _evaluated(hub.dump.models)[:2]
    with connect(warehouse) as con:
        ensure_quality_schema(con)  # the quarantine the staging views read
        first = load_hub_models(con, client, mode="full", progress=lambda _: None)
        before_changed, before_unchanged = _rows(con, changed["id"]), _rows(con, unchanged["id"])
        assert before_changed and before_unchanged
        assert {r[0] for r in before_changed + before_unchanged} == {first.crawl_id}
        n_quarantined = con.execute("select count(*) from raw.hub_eval_results_quarantine").fetchone()[0]
        assert n_quarantined > 0, "the generated invalid items are quarantined"

        # a new commit to the repo: a new sha, modified now, the first entry's value changed
        items = json.loads(json.dumps(changed["evalResults"]))
        entry = next(i for i in items if "data" in i and "task_id" in i["data"]["dataset"])
        entry["data"]["value"] = round(entry["data"]["value"] + 0.5, 4)
        hub.dump.put(dict(changed, sha="f" * 40, evalResults=items,
                          lastModified=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")))
        second = load_hub_models(con, client, mode="incremental", progress=lambda _: None)
        assert second.records == 1, "only the modified model is fetched again"
        after_changed = _rows(con, changed["id"])
        assert {r[0] for r in after_changed} == {second.crawl_id}
        assert len(after_changed) == len(before_changed), "replaced, not appended"
        key = (entry["data"]["dataset"]["id"], str(entry["data"]["dataset"]["task_id"]))
        assert [r[3] for r in after_changed if r[1:3] == key][0] == entry["data"]["value"]
        assert _rows(con, unchanged["id"]) == before_unchanged, "the unchanged model keeps its rows"
        assert con.execute("select count(*) from raw.hub_eval_results_quarantine").fetchone()[0] == n_quarantined

    out = subprocess.run([dbt_executable(), "build", "--select", "+int_evaluations", "--exclude-resource-type",
                          "unit_test", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
                          "--target-path", str(tmp_path / "target")], cwd=DBT_PROJECT_DIR,
                         env=project_env(OBSERVATORY_WAREHOUSE=str(warehouse)), capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stdout[-3000:]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        value = con.execute("select value from intermediate.int_evaluations where model_id = ? and benchmark = ? "
                            "and task = ? and source = 'community_evals'", [changed["id"], *key]).fetchone()[0]
    assert value == entry["data"]["value"]


def test_each_benchmark_task_keeps_its_own_scale_and_direction(good):
    from ingestion.standin.synthetic.evals import BENCHMARKS

    warehouse = good[0]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        evaluations = con.execute("""
            select benchmark, task, min(value), max(value), count(*), bool_and(higher_is_better)
            from intermediate.int_evaluations where source = 'community_evals' group by all""").fetchall()
        coverage = con.execute("""
            select benchmark, task, max(best_value), min(best_value), max(month)
            from marts.mart_benchmark_coverage where population = 'hub_evals' group by all""").fetchall()
        final_best = dict(con.execute("""
            select benchmark || ':' || task, arg_max(best_value, month)
            from marts.mart_benchmark_coverage where population = 'hub_evals' group by all""").fetchall())
        sources = {r[0] for r in con.execute("select distinct source from marts.mart_benchmark_coverage").fetchall()}
        card_tasks = dict(con.execute("select task, count(*) from intermediate.int_evaluations "
                                      "where source = 'model_index' group by 1").fetchall())
        card_rejects = con.execute("select count(*) from raw.hub_eval_results_quarantine where origin = 'model_index' "
                                   "and reason = 'metric.value ''n/a'' is not a number'").fetchone()[0]
    scales = {b.dataset_id: b for b in BENCHMARKS}
    assert {(b, t) for b, t, *_ in evaluations} == {(b.dataset_id, t) for b in BENCHMARKS for t in b.tasks}
    for benchmark, task, low, high, n, higher_is_better in evaluations:
        spec = scales[benchmark]
        assert spec.low <= low and high <= spec.high, (benchmark, task, low, high)
        assert higher_is_better == spec.higher_is_better, benchmark
        best = final_best[f"{benchmark}:{task}"]
        assert best == (high if spec.higher_is_better else low), (benchmark, task)
    for benchmark, task, top, bottom, _ in coverage:
        if benchmark in scales:
            # a 0-1 benchmark's best never reaches another's 0-100 range, and the other way round
            assert scales[benchmark].low <= bottom <= top <= scales[benchmark].high, (benchmark, task)
    assert {"community_evals", "model_index", "mteb", "leaderboard_v1", "leaderboard_v2"} <= sources
    # the cards' model-index: one series per metric, the value that is not a number set aside with its reason
    assert set(card_tasks) == {"all:acc", "all:acc_norm"} and card_rejects > 0


def test_the_quality_gate_quarantines_implausible_entries_and_the_evaluation_table_leaves_them_out(good):
    warehouse = good[0]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        quarantined = con.execute("""
            select q.model_id, q.row_number, e.benchmark, e.task, e.evaluated_at
            from quality.quarantine q
            join raw.hub_eval_results e on e.model_id = q.model_id and e.crawl_id = q.crawl_id
                                       and e.entry_no = q.row_number
            where q.asset = 'raw/hub_eval_results' and q.rule = 'eval_date_plausible'""").fetchall()
        assert quarantined, "the generated entries dated 2009 are quarantined by the gate"
        assert {str(r[4])[:10] for r in quarantined} == {"2009-05-01"}
        for model_id, entry_no, benchmark, task, _ in quarantined:
            kept = con.execute("""
                select count(*) from raw.hub_eval_results e
                where model_id = ? and benchmark = ? and task = ? and entry_no <> ?
                  and not exists (select 1 from quality.quarantine q where q.asset = 'raw/hub_eval_results'
                                  and q.model_id = e.model_id and q.crawl_id = e.crawl_id
                                  and q.row_number = e.entry_no)""",
                               [model_id, benchmark, task, entry_no]).fetchone()[0]
            rows = con.execute("select count(*) from intermediate.int_evaluations where model_id = ? "
                               "and benchmark = ? and task = ? and source = 'community_evals'",
                               [model_id, benchmark, task]).fetchone()[0]
            assert rows == min(kept, 1), (model_id, benchmark, task)
        verdicts = dict(con.execute("""
            select rule, passed from quality.check_results
            where asset = 'raw/hub_eval_results' and check_name = 'hub_eval_results_expectations'""").fetchall())
    assert verdicts["eval_date_plausible"] is False and verdicts["eval_registered_benchmark"] is False
    assert verdicts["eval_value_plausible"] is True
