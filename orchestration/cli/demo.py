"""`observatory demo` and `observatory backfill-leaderboard`: the whole pipeline against a local Hub stand-in,
and a folder of archived leaderboard exports landed one snapshot at a time."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from ingestion import settings
from orchestration.cli.console import full_log, log_file_for, say, where_the_log_is
from orchestration.cli.runs import open_instance, report_checks, run_job, run_partition
from orchestration.cli.warehouse import mart_row_counts, mart_rows_lines, reading
from orchestration.dbt.project import prepare_manifest


def _archive_resources(folder: Path | None) -> dict:
    return {"leaderboard_archive": {"config": {"folder": str(folder) if folder else None}}}


def history_day(day: str | None) -> str:
    """The partition of the adoption history a run records its crawl under: ``day`` checked, or today."""
    from orchestration.hub.history import HISTORY_START, today

    if day is None:
        return today()
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        raise SystemExit(f"error: --day {day!r} is not a date (YYYY-MM-DD)") from None
    if not HISTORY_START <= parsed.isoformat() <= today():
        raise SystemExit(f"error: --day {day}: the adoption history has days from {HISTORY_START} to today "
                         f"({today()}, UTC)")
    return parsed.isoformat()


def run_demo(hub_dump: Path | None, leaderboard_archive: Path | None, warehouse: Path,
             models: int = 3000, seed: int = 42, verbose: bool = False, day: str | None = None,
             crawl: str = "auto", evals: Path | None = None) -> dict[str, int]:
    """Run every asset once against a local Hub stand-in serving ``hub_dump`` (generated when None), the
    crawl (``crawl``: auto, full or incremental) recorded under ``day`` (YYYY-MM-DD, default today) in the
    adoption history; ``evals``: a folder of evaluation files served beside the dump. Returns rows per mart.
    The full log goes to a file beside the warehouse unless ``verbose``."""
    from ingestion.standin import HubStandIn
    from ingestion.standin.synthetic import write_hub_dump, write_leaderboard_archive

    if hub_dump is None:
        demo_dir = warehouse.parent / "demo_source"
        hub_dump = demo_dir / "hub_dump"
        say(f"generating a synthetic Hub dump of {models} models (seed {seed}) in {hub_dump}")
        write_hub_dump(hub_dump, n_models=models, seed=seed)
        if leaderboard_archive is None:
            leaderboard_archive = demo_dir / "leaderboard"
            write_leaderboard_archive(leaderboard_archive, n_models=models, seed=seed)
    hub_dump = hub_dump.expanduser().resolve()
    if not (hub_dump / "models.jsonl").is_file():
        raise SystemExit(f"error: {hub_dump} is not a Hub dump (no models.jsonl in it)")
    if leaderboard_archive is not None:
        leaderboard_archive = leaderboard_archive.expanduser().resolve()
        if not leaderboard_archive.is_dir():
            raise SystemExit(f"error: leaderboard archive folder {leaderboard_archive} does not exist")
    if evals is not None:
        evals = evals.expanduser().resolve()
        if not evals.is_dir():
            raise SystemExit(f"error: evals folder {evals} does not exist")
    day = history_day(day)
    prepare_manifest()

    from orchestration.definitions import defs

    began = time.perf_counter()
    log = None if verbose else log_file_for(warehouse, "demo")
    with full_log(log), open_instance(warehouse) as instance, \
            HubStandIn(hub_dump, stable_port=True, evals_dir=evals) as hub:
        if leaderboard_archive is not None:
            backfill_leaderboard_archive(defs, instance, leaderboard_archive, warehouse)
        say(f"Hub stand-in serving {hub_dump}" + (f" and {evals}" if evals else "") + f" at {hub.endpoint}")
        resources = {"hub": {"config": {"endpoint": hub.endpoint}}, **_archive_resources(leaderboard_archive)}
        land_leaderboard_revision(defs, instance, hub.endpoint)
        land_mteb_revision(defs, instance, hub.endpoint)
        say(f"refresh_everything for {day}: crawl the Hub, check, record the day's snapshot, build the dbt models, "
            "publish the marts, write the report")
        result = run_job(defs, instance, "refresh_everything", resources=resources, partition_key=day,
                         ops={"hub_models": {"config": {"mode": crawl}}})
    report_checks(result)
    if not result.success:
        failed = [e.step_key for e in result.all_events if e.is_step_failure]
        raise SystemExit(f"error: the pipeline failed (steps: {', '.join(failed) or 'unknown'}); "
                         f"see {where_the_log_is()}")
    counts = mart_row_counts(warehouse)
    say(f"\nbuilt in {time.perf_counter() - began:.1f} s; warehouse: {warehouse}")
    for line in mart_rows_lines(counts):
        say(line)
    say(f"published: {settings.published_dir(warehouse)}/current  (what analysts and `observatory sql` read, "
        "even while a run writes)")
    say(f"\nreport: {settings.report_path(warehouse)}  (open it in a browser; it works offline)")
    say("\nnext:")
    say("  make dev                      # the Dagster UI over this warehouse, at http://127.0.0.1:3000")
    say(f"  observatory sql --warehouse {warehouse} 'from marts.mart_ecosystem_summary'")
    return {name: sum(by.values()) for name, by in counts.items()}


def backfill_leaderboard_archive(defs, instance, folder: Path, warehouse: Path) -> list[str]:
    """One partition per snapshot date of the folder's exports, each landed and checked in its own run
    (re-running a date replaces it exactly). A date whose landed rows are exactly what its files hold now
    is left as it is: only what changed is landed again. Stops at the first snapshot that fails, naming it."""
    from ingestion.leaderboard.load import archive_snapshot_dates, unchanged_archive_snapshots
    from ingestion.leaderboard.readers import LeaderboardSchemaError
    from orchestration.leaderboard.partitions import leaderboard_snapshots

    try:
        dates = archive_snapshot_dates(folder)
    except (LeaderboardSchemaError, FileNotFoundError) as exc:
        raise SystemExit(f"error: {exc}") from None
    unchanged = set()
    if warehouse.is_file():
        import duckdb

        try:
            with reading(warehouse, "the archive backfill") as con:
                unchanged = unchanged_archive_snapshots(con, folder, dates)
        except duckdb.CatalogException:  # a warehouse with no raw tables yet
            pass
    known = set(instance.get_dynamic_partitions(leaderboard_snapshots.name))
    say(f"leaderboard archive {folder}: {len(dates)} snapshots ({len([d for d in dates if d not in known])} "
        f"new partitions, {len(unchanged)} landed already and unchanged)")
    dates = [d for d in dates if d not in unchanged]
    # a line at most every 10 s (and one at the end): progress on a long archive, few lines on a short one
    first, began = 1, time.perf_counter()
    for k, snapshot in enumerate(dates, 1):
        run_partition(defs, instance, "leaderboard_archive_load", leaderboard_snapshots, snapshot,
                      f"leaderboard archive snapshot {snapshot}", resources=_archive_resources(folder))
        took = time.perf_counter() - began
        if took >= 10 or k == len(dates):
            span = f"{dates[first - 1]}" + (f" to {snapshot}" if k > first else "")
            say(f"  snapshots {first}-{k} of {len(dates)} ({span}) landed and checked {took:7.1f} s")
            first, began = k + 1, time.perf_counter()
    return dates


def land_leaderboard_revision(defs, instance, endpoint: str) -> str:
    """The leaderboard dataset's current revision as its partition, landed and checked in one run (what
    the revision sensor does on a schedule, without the rebuild: the demo's main run follows)."""
    from ingestion.hub.client import HubClient
    from orchestration.leaderboard.partitions import REVISION_TAG, leaderboard_revisions, revision_partition_key

    revision, modified = HubClient(endpoint).dataset_revision(settings.LEADERBOARD_REPO_ID)
    key = revision_partition_key(revision, modified)
    began = time.perf_counter()
    run_partition(defs, instance, "leaderboard_dataset_load", leaderboard_revisions, key,
                  f"leaderboard dataset revision {revision[:12]}", tags={REVISION_TAG: revision},
                  resources={"hub": {"config": {"endpoint": endpoint}}})
    say(f"leaderboard dataset {settings.LEADERBOARD_REPO_ID}: revision {revision[:12]} (partition {key}) "
        f"landed and checked in {time.perf_counter() - began:.1f} s")
    return key


def land_mteb_revision(defs, instance, endpoint: str) -> str | None:
    """MTEB's results at the current revision as its partition, landed in one run (what its sensor does), when
    the Hub serves them."""
    from huggingface_hub.errors import RepositoryNotFoundError

    from ingestion.evals.load import MTEB_REPO_ID
    from ingestion.hub.client import HubClient
    from orchestration.evals.partitions import MTEB_REVISION_TAG, mteb_revisions
    from orchestration.leaderboard.partitions import revision_partition_key

    try:
        revision, modified = HubClient(endpoint).dataset_revision(MTEB_REPO_ID)
    except RepositoryNotFoundError:
        say(f"{MTEB_REPO_ID}: not served by this Hub, left out")
        return None
    key = revision_partition_key(revision, modified)
    began = time.perf_counter()
    run_partition(defs, instance, "mteb_load", mteb_revisions, key, f"{MTEB_REPO_ID} revision {revision[:12]}",
                  tags={MTEB_REVISION_TAG: revision}, resources={"hub": {"config": {"endpoint": endpoint}}})
    say(f"{MTEB_REPO_ID}: revision {revision[:12]} (partition {key}) landed in {time.perf_counter() - began:.1f} s")
    return key


def run_backfill(folder: Path, warehouse: Path, verbose: bool = False) -> None:
    """`observatory backfill-leaderboard`: every snapshot of a folder, then one build of the dbt models."""
    folder = folder.expanduser().resolve()
    prepare_manifest()
    from orchestration.definitions import defs

    log = None if verbose else log_file_for(warehouse, "backfill")
    with full_log(log), open_instance(warehouse) as instance:
        backfill_leaderboard_archive(defs, instance, folder, warehouse)
        say("build_models: the dbt models and their tests, then publish the marts and write the report")
        result = run_job(defs, instance, "build_models")
    report_checks(result)
    if not result.success:
        raise SystemExit(f"error: building the dbt models failed; see {where_the_log_is()}")
    for line in mart_rows_lines(mart_row_counts(warehouse)):
        say(line)
    say(f"report: {settings.report_path(warehouse)}")
