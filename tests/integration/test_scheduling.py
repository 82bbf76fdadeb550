"""The pipeline refreshes itself: three simulated days of Hub changes and a new leaderboard revision,
driven by ticking the real schedules and sensor. Each run fetches only what changed, and the marts
end up equal to a rebuild from scratch on the same inputs."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from ingestion.settings import LEADERBOARD_FILENAME, LEADERBOARD_REPO_ID
from ingestion.standin import HubStandIn
from ingestion.standin.synthetic import write_hub_dump
from tests.conftest import CRAWL_TIMES
from tests.conftest import mart_fingerprint as fingerprint
from tests.support.pipeline import Pipeline

pytestmark = pytest.mark.integration


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def latest_crawl(warehouse: Path) -> dict:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        row = con.execute("select mode, records, new_models, changed_models, removed_models from raw.hub_crawls "
                          "where status = 'complete' order by finished_at desc limit 1").fetchone()
    return dict(zip(["mode", "records", "new", "changed", "removed"], row, strict=True))


def day_rows(warehouse: Path, mart: str, column: str, day: datetime) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        # without when the crawls ran: the rebuild's ran later
        rows = con.execute(f"select * exclude ({', '.join(CRAWL_TIMES)}) from marts.{mart} where {column} = ? "
                           "order by all", [day.date()]).fetchall()
    assert rows, f"{mart} has no row for {day.date()}"
    return rows


def new_leaderboard_revision(dump: Path, model_id: str, moment: datetime) -> None:
    """The leaderboard publishes a new evaluation: a new parquet, hence a new dataset revision."""
    path = dump / "datasets" / LEADERBOARD_REPO_ID / LEADERBOARD_FILENAME
    frame = pd.read_parquet(path)
    row = frame.iloc[[0]].copy()
    row["fullname"] = model_id
    row["eval_name"] = model_id.replace("/", "_") + "_bfloat16"
    row["Model"] = f'<a href="https://huggingface.co/{model_id}">{model_id}</a>'
    row["Average ⬆️"] = float(frame["Average ⬆️"].max()) + 1.0
    row["Submission Date"] = moment.date().isoformat()
    pd.concat([frame, row], ignore_index=True).to_parquet(path)


@pytest.fixture()
def world(tmp_path):
    """A generated Hub (1,000 models) served by the stand-in; the revision-1 leaderboard kept aside."""
    dump = tmp_path / "hub_dump"
    write_hub_dump(dump, n_models=1000, seed=11)
    first_revision = tmp_path / "leaderboard_revision_1.parquet"
    shutil.copy2(dump / "datasets" / LEADERBOARD_REPO_ID / LEADERBOARD_FILENAME, first_revision)
    return dump, first_revision


def test_three_days_of_changes_refresh_incrementally_and_match_a_rebuild(world, tmp_path, monkeypatch,
                                                                         dbt_manifest):
    dump, first_revision = world
    warehouse = tmp_path / "scheduled.duckdb"
    now = datetime.now(timezone.utc)
    # the days of the simulation end today: the adoption history has no partition for a day to come
    start = now - timedelta(days=3)
    with HubStandIn(dump) as hub, dg.instance_for_test() as instance:
        monkeypatch.setenv("OBSERVATORY_HUB_ENDPOINT", hub.endpoint)
        monkeypatch.setenv("OBSERVATORY_CACHE_DIR", str(tmp_path / "cache"))
        # the simulated days pass in minutes: no safety margin behind the watermark
        monkeypatch.setenv("OBSERVATORY_WATERMARK_MARGIN_MINUTES", "0")
        pipeline = Pipeline(warehouse, instance, monkeypatch)
        hub_dump = hub.dump
        models = list(hub_dump.models)
        parents = {t.split(":")[-1] for m in models for t in m.get("tags", []) if t.startswith("base_model:")}
        on_leaderboard = set(pd.read_parquet(first_revision)["fullname"])
        leaves = [m for m in models if m["id"] not in parents and m["id"] not in on_leaderboard]

        # day 0: the first build, and the sensor sees the leaderboard's current revision
        pipeline.run("refresh_everything", partition_key=start.date().isoformat())
        assert latest_crawl(warehouse)["mode"] == "full"
        assert pipeline.tick_sensor("leaderboard_revision_sensor") == 1, "the first revision is news"
        assert pipeline.tick_sensor("leaderboard_revision_sensor") == 0, "the same revision is not"

        # day 1: three new models (one fine-tuned from an existing model), two edited
        base = models[0]["id"]
        for i in range(3):
            record = json.loads(json.dumps(leaves[i]))
            record.pop("_id", None)
            record["id"] = f"newcomer/model-{i}"
            record["createdAt"] = record["lastModified"] = iso(datetime.now(timezone.utc))
            record["tags"] = [t for t in record.get("tags", []) if not t.startswith("base_model:")]
            if i == 0:
                record["tags"] += [f"base_model:{base}", f"base_model:finetune:{base}"]
            hub_dump.put(record)
        for m in leaves[10:12]:
            hub_dump.put({**m, "downloads": m.get("downloads", 0) + 1000, "likes": 99,
                          "lastModified": iso(datetime.now(timezone.utc))})
        pipeline.tick_schedule("hub_incremental_refresh", start + timedelta(days=1))
        assert latest_crawl(warehouse) == {"mode": "incremental", "records": 5, "new": 3, "changed": 2,
                                           "removed": 0}, "day 1 fetched only what changed"

        # day 2: one more edit, and a model is deleted (an incremental listing cannot see deletions)
        deleted = leaves[20]["id"]
        hub_dump.remove(deleted)
        hub_dump.put({**leaves[21], "likes": 7, "lastModified": iso(datetime.now(timezone.utc))})
        pipeline.tick_schedule("hub_incremental_refresh", start + timedelta(days=2))
        assert latest_crawl(warehouse) == {"mode": "incremental", "records": 1, "new": 0, "changed": 1,
                                           "removed": 0}

        # day 3: the weekly full reconcile notices the deletion; the leaderboard publishes a revision
        pipeline.tick_schedule("hub_full_reconcile", now)
        crawl = latest_crawl(warehouse)
        assert crawl["mode"] == "full" and crawl["removed"] == 1 and crawl["new"] == 0
        new_leaderboard_revision(dump, "newcomer/model-0", now)
        assert pipeline.tick_sensor("leaderboard_revision_sensor") == 1, "a new revision triggers one run"
        with duckdb.connect(str(warehouse), read_only=True) as con:
            assert con.execute("select count(distinct source_revision) from raw.leaderboard_hub_results"
                               ).fetchone() == (2,)
            assert con.execute("select count(*) from raw.hub_model_removals where model_id = ?",
                               [deleted]).fetchone() == (1,)
        scheduled = fingerprint(warehouse)

        with duckdb.connect(str(warehouse), read_only=True) as con:
            revisions = [r for (r,) in con.execute("select distinct source_revision from raw.leaderboard_hub_results "
                                                   "order by 1").fetchall()]
        partitions = instance.get_dynamic_partitions("leaderboard_dataset_revisions")
        assert len(partitions) == 2 and {p.split("_")[1] for p in partitions} == {r[:12] for r in revisions}, \
            "one partition per dataset revision"

        # the same inputs from scratch: the leaderboard's two revisions landed as the sensor finds them (landed
        # and checked only, as the demo does), then the final state of the Hub in one full build
        current_revision = tmp_path / "leaderboard_revision_2.parquet"
        parquet = dump / "datasets" / LEADERBOARD_REPO_ID / LEADERBOARD_FILENAME
        shutil.copy2(parquet, current_revision)
        scratch = tmp_path / "scratch.duckdb"
        rebuild = Pipeline(scratch, instance, monkeypatch)
        for revision in (first_revision, current_revision):
            shutil.copy2(revision, parquet)
            assert rebuild.tick_sensor("leaderboard_revision_sensor", run_as="leaderboard_dataset_load") == 1
        rebuild.run("refresh_everything", partition_key=now.date().isoformat())
        assert latest_crawl(scratch)["mode"] == "full"

    rebuilt = fingerprint(scratch)
    assert len(scheduled) == 18
    # the adoption history differs by design (four days against one): those marts agree on the last day
    over_time = {"mart_download_concentration", "mart_family_adoption", "mart_adoption_trends"}
    study = {k: v for k, v in scheduled.items() if k not in over_time}
    assert study == {k: rebuilt[k] for k in study}, \
        {k: (scheduled[k], rebuilt.get(k)) for k in study if scheduled[k] != rebuilt.get(k)}
    last_day = {"mart_download_concentration": "snapshot_date", "mart_family_adoption": "snapshot_date"}
    for mart, column in last_day.items():
        assert day_rows(warehouse, mart, column, now) == day_rows(scratch, mart, column, now), mart


def test_the_archive_sensor_adds_a_partition_and_a_run_per_new_file_date(small_archive, tmp_path, dbt_manifest):
    from orchestration.definitions import defs
    from orchestration.leaderboard.resources import LeaderboardArchiveResource

    folder = tmp_path / "archive"
    shutil.copytree(small_archive, folder)
    newest = max(folder.rglob("*.csv"), key=lambda p: p.name[-14:])
    held_back = newest.read_bytes()
    newest.unlink()
    sensor = defs.resolve_sensor_def("leaderboard_archive_sensor")
    resources = {"leaderboard_archive": LeaderboardArchiveResource(folder=str(folder))}

    def tick(instance):
        # as the daemon does: the sensor's answer, then its partitions added, then its runs requested
        result = sensor(dg.build_sensor_context(instance=instance, resources=resources))
        if isinstance(result, dg.SkipReason):
            return []
        for request in result.dynamic_partitions_requests or []:
            instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
        return sorted(r.partition_key for r in result.run_requests or [])

    with dg.instance_for_test() as instance:
        first = tick(instance)
        assert first == sorted({p.name[-14:-4] for p in folder.rglob("*.csv")}), "one partition per file date"
        assert instance.get_dynamic_partitions("leaderboard_archive_snapshots") == first
        assert tick(instance) == [], "nothing new, no run"
        newest.write_bytes(held_back)
        assert tick(instance) == [newest.name[-14:-4]], "a new export: one new partition and one run"
