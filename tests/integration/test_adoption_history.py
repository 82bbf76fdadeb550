"""The Hub over time: a three-day simulation of the generated Hub (downloads and likes moving, models added and
deleted), each day crawled in full and recorded under its day. The history holds three snapshots, the marts'
trends equal the changes made, re-running day 2 changes nothing, and the marts equal a rebuild from scratch."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import duckdb
import pytest

from ingestion.standin import HubStandIn
from ingestion.standin.synthetic import write_hub_dump
from ingestion.standin.synthetic.advance import advance_hub_dump
from tests.conftest import mart_fingerprint as fingerprint
from tests.support.pipeline import Pipeline

pytestmark = pytest.mark.integration

# a Sunday, then Monday and Tuesday of the next week: two weeks of trends
DAYS = [date(2025, 3, 2), date(2025, 3, 3), date(2025, 3, 4)]
HISTORY_MARTS = ("mart_download_concentration", "mart_family_adoption", "mart_adoption_trends", "mart_license_drift")
FULL = {"ops": {"hub_models": {"config": {"mode": "full"}}}}
# the crawl (with its gate) and the snapshot: the days are recorded first, the marts built after
CRAWL_AND_SNAPSHOT = [["raw", "hub_models"], ["raw", "hub_model_removals"], ["raw", "hub_eval_results"],
                      ["raw", "hub_model_snapshots"], ["raw", "hub_model_keys"]]


def records(dump: Path) -> dict[str, dict]:
    with (dump / "models.jsonl").open() as fh:
        return {r["id"]: r for r in map(json.loads, fh)}


def query(warehouse: Path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture(scope="module")
def days(tmp_path_factory):
    """The dump as it is at the end of each day: generated for day 1, then advanced a day at a time."""
    root = tmp_path_factory.mktemp("days")
    dumps = []
    for number, day in enumerate(DAYS):
        dump = root / f"day{number + 1}"
        if number == 0:
            write_hub_dump(dump, n_models=600, seed=17, leaderboard=False)
        else:
            shutil.copytree(dumps[-1], dump)
            advance_hub_dump(dump, day, seed=17, deleted_share=0.01, added_share=0.02, rising_share=0.02)
        dumps.append(dump)
    return dumps


def live_day(pipeline: Pipeline, served: Path, dump: Path, day: date, monkeypatch) -> None:
    """The Hub of ``dump`` crawled in full and recorded under ``day`` (crawl, gate and snapshot only)."""
    shutil.rmtree(served, ignore_errors=True)
    shutil.copytree(dump, served)
    import dagster as dg

    with HubStandIn(served, stable_port=True) as hub:
        monkeypatch.setenv("OBSERVATORY_HUB_ENDPOINT", hub.endpoint)
        result = pipeline.run("hub_refresh", FULL, partition_key=day.isoformat(),
                              only=[dg.AssetKey(k) for k in CRAWL_AND_SNAPSHOT])
    assert {e.check_name for e in result.get_asset_check_evaluations() if e.passed} >= {"hub_models_expectations"}


def build(pipeline: Pipeline) -> None:
    """The history marts and every dbt model they read (with their tests): the smallest build that proves
    them. The whole graph is built by the integration tests of the demo."""
    import dagster as dg

    from orchestration.dbt.assets import with_dbt_inputs

    marts = dg.AssetSelection.assets(*(dg.AssetKey(["marts", m]) for m in HISTORY_MARTS))
    pipeline.run("build_models", only=list(with_dbt_inputs(marts).resolve(pipeline.defs.resolve_asset_graph())))


def full_refresh(warehouse: Path, tmp_path: Path) -> None:
    """`dbt build --full-refresh` of what ``build`` builds: every incremental model rebuilt from the whole
    history."""
    from orchestration.dbt.project import DBT_PROJECT_DIR, dbt_executable
    from tests.conftest import project_env

    out = subprocess.run([dbt_executable(), "build", "--full-refresh", "--select", *(f"+{m}" for m in HISTORY_MARTS),
                          "--exclude", "source:*",
                          "--exclude-resource-type", "unit_test", "--project-dir", str(DBT_PROJECT_DIR),
                          "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(tmp_path / "refresh")],
                         cwd=DBT_PROJECT_DIR, env=project_env(OBSERVATORY_WAREHOUSE=str(warehouse)),
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout[-3000:]


def test_three_days_give_three_snapshots_trends_equal_to_the_changes_and_reruns_change_nothing(
        days, tmp_path, monkeypatch, dbt_manifest):
    import dagster as dg

    warehouse, served = tmp_path / "w.duckdb", tmp_path / "served"
    # an in-memory instance: no sensor here needs one it could reach from another process, and its event log
    # costs a fraction of a file's (each event opens no new SQLite engine)
    with dg.DagsterInstance.ephemeral() as instance:
        pipeline = Pipeline(warehouse, instance, monkeypatch)
        for dump, day in zip(days, DAYS, strict=True):  # a build a day: the marts grow incrementally
            live_day(pipeline, served, dump, day, monkeypatch)
            build(pipeline)
        built = fingerprint(warehouse, leave_out=())
        history = query(warehouse, "select * from raw.hub_model_snapshots order by all")

        # three snapshots, each the day's dump: every listed model, and those deleted that day as unlisted
        assert [d for (d,) in query(warehouse, "select distinct snapshot_day from raw.hub_model_snapshots "
                                              "order by 1")] == DAYS
        for number, (dump, day) in enumerate(zip(days, DAYS, strict=True)):
            listed = dict(query(warehouse, """select k.model_id, s.downloads from raw.hub_model_snapshots s
                                              join raw.hub_model_keys k using (model_key)
                                              where s.snapshot_day = ? and s.listed""", [day]))
            assert listed == {m: r["downloads"] for m, r in records(dump).items()}, day
            gone = set(records(days[number - 1])) - set(records(dump)) if number else set()
            assert {m for (m,) in query(warehouse, """select k.model_id from raw.hub_model_snapshots s
                                                       join raw.hub_model_keys k using (model_key)
                                                       where s.snapshot_day = ? and not s.listed""", [day])} == gone

        # concentration: every listed model of the day, once
        totals = dict(query(warehouse, "select snapshot_date, total_downloads from marts.mart_download_concentration "
                                       "where grouping = 'author'"))
        assert totals == {day: sum(r["downloads"] for r in records(dump).values())
                          for dump, day in zip(days, DAYS, strict=True)}

        # trends: the week of Monday 3 March holds the models listed on its last day (day 3), as they were
        # then; their change is from the week before's value (day 1, a Sunday)
        first = records(days[0])
        last = records(days[2])
        trends = {m: (d, dc, lk, lc) for m, d, dc, lk, lc in query(warehouse, """
            select model_id, downloads, downloads_change, likes, likes_change from marts.mart_adoption_trends
            where week_start = '2025-03-03'""")}
        assert set(trends) == set(last)
        for model_id, record in last.items():
            before = first.get(model_id)
            expected = (record["downloads"], record["downloads"] - before["downloads"] if before else None,
                        record["likes"], record["likes"] - before["likes"] if before else None)
            assert trends[model_id] == expected, model_id
        (top,) = query(warehouse, "select model_id from marts.mart_adoption_trends "
                                  "where week_start = '2025-03-03' and growth_rank = 1")
        assert top[0] == sorted((m for m in last if m in first), key=lambda m: (
            first[m]["downloads"] - last[m]["downloads"], -last[m]["downloads"], m))[0]

        # re-running day 2 once day 3 is recorded (the Hub is day 3's by then): nothing changes; the crawl
        # made now is left for the next day's snapshot
        live_day(pipeline, served, days[2], DAYS[1], monkeypatch)
        assert query(warehouse, "select * from raw.hub_model_snapshots order by all") == history
        build(pipeline)
        assert fingerprint(warehouse, leave_out=()) == built
        # and re-running day 3 on day 3's Hub replaces day 3 with the same values
        live_day(pipeline, served, days[2], DAYS[2], monkeypatch)
        assert [r[:-1] for r in query(warehouse, "select * from raw.hub_model_snapshots order by all")] == \
            [r[:-1] for r in history], "only observed_at (when the crawl ran) differs"

        build(pipeline)
        incremental = fingerprint(warehouse, leave_out=())

        # the same three days into a new warehouse, built once: the marts are equal, but for when the crawls ran
        scratch = tmp_path / "scratch.duckdb"
        rebuild = Pipeline(scratch, instance, monkeypatch)
        for dump, day in zip(days, DAYS, strict=True):
            live_day(rebuild, served, dump, day, monkeypatch)
        build(rebuild)
    rebuilt = fingerprint(scratch)  # without the crawl times: the replay's crawls ran later
    replayed = fingerprint(warehouse)
    for mart in HISTORY_MARTS:
        assert replayed[mart] == rebuilt[mart], mart
    # and every incremental model rebuilt from the whole history in the same warehouse: equal to the bit
    full_refresh(warehouse, tmp_path)
    assert fingerprint(warehouse, leave_out=()) == incremental
