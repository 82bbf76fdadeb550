"""The Hub gate's pieces: landed crawls wait, are judged together, and are promoted in order or rejected."""

from __future__ import annotations

import json

import pytest

from ingestion.hub.landing import HubModelLanding, landed_crawls, promote_crawl, reject_crawl
from ingestion.warehouse import connect, transaction
from orchestration.hub.expectations import HUB_KEYS, hub_frame, hub_model_rules
from orchestration.quality.suites import run_suite


@pytest.fixture()
def con(tmp_path):
    connection = connect(tmp_path / "w.duckdb")
    yield connection
    connection.close()


def record(model_id: str, downloads: int) -> dict:
    return {"id": model_id, "downloads": downloads, "createdAt": "2024-01-01T00:00:00.000Z",
            "lastModified": "2024-02-01T00:00:00.000Z", "private": False, "gated": False, "likes": 1}


def land(con, records, mode="incremental"):
    landing = HubModelLanding(con, "http://hub", f"q-{len(landed_crawls(con))}", mode=mode)
    landing.add_page(records, None)
    landing.commit(promote=False)
    return landing.crawl_id


def test_a_landed_crawl_is_invisible_until_promoted(con):
    crawl = land(con, [record("org/a", 1)])
    assert con.execute("select count(*) from raw.hub_models").fetchone() == (0,)
    assert landed_crawls(con) == [crawl]
    with transaction(con):
        promote_crawl(con, crawl)
    assert con.execute("select model_id from raw.hub_models").fetchall() == [("org/a",)]
    assert con.execute("select status from raw.hub_crawls").fetchone() == ("complete",)


def test_two_waiting_crawls_with_the_same_model_pass_together_and_the_newer_wins(con):
    first, second = land(con, [record("org/a", 1)]), land(con, [record("org/a", 2), record("org/b", 5)])
    results = run_suite(hub_frame(con, [first, second]), hub_model_rules(), "t", HUB_KEYS)
    assert all(r.passed for r in results), [r for r in results if not r.passed]
    with transaction(con):
        for crawl in landed_crawls(con):
            promote_crawl(con, crawl)
    rows = {m: json.loads(p)["downloads"] for m, p in con.execute("select model_id, payload from raw.hub_models").fetchall()}
    assert rows == {"org/a": 2, "org/b": 5}


def test_a_rejected_crawl_moves_out_and_raw_keeps_what_it_had(con):
    good = land(con, [record("org/a", 1)])
    with transaction(con):
        promote_crawl(con, good)
    bad = land(con, [record("org/a", -7)])
    with transaction(con):
        assert reject_crawl(con, bad, "downloads_not_negative failed") == 1
    assert [json.loads(p)["downloads"] for (p,) in con.execute("select payload from raw.hub_models").fetchall()] == [1]
    assert con.execute("select status, error from raw.hub_crawls where crawl_id = ?", [bad]).fetchone() == \
        ("rejected", "downloads_not_negative failed")
    assert con.execute("select count(*) from raw.hub_models_rejected").fetchone() == (1,)
    assert con.execute("select count(*) from raw.hub_models_loading").fetchone() == (0,)


def test_only_community_evals_are_held_to_the_registered_benchmarks(con):
    from orchestration.evals.expectations import eval_frame

    con.execute("""insert into raw.hub_benchmarks (benchmark, revision, tasks, problems, fetched_at)
                   values ('cais/hle', 'r1', '[{"task_id": "hle"}]', '[]', now())""")
    evals = [{"filename": ".eval_results/hle.yaml", "verified": False,
              "data": {"dataset": {"id": "cais/hle", "task_id": "hle"}, "value": 20.5, "date": "2024-01-10"}},
             {"filename": ".eval_results/piqa.yaml", "verified": False,
              "data": {"dataset": {"id": "piqa", "task_id": "default"}, "value": 0.8, "date": "2024-01-10"}}]
    card = [{"name": "org/a", "results": [{"task": {"type": "text-generation"},
                                          "dataset": {"type": "cais/mmlu", "name": "MMLU"},
                                          "metrics": [{"type": "acc", "value": 70.1}]}]}]
    crawl = land(con, [{**record("org/a", 1), "evalResults": evals, "model-index": card}])
    frame = eval_frame(con, [crawl])
    registered = {(o, b): r for o, b, r in zip(frame["source_name"], frame["benchmark"], frame["registered"])}
    assert registered == {("eval_results", "cais/hle"): True, ("eval_results", "piqa"): False,
                          ("model_index", "cais/mmlu"): True}
