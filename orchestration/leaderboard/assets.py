"""The leaderboard's raw assets: the dataset on the Hub (one partition per revision) and the archived
exports (one partition per snapshot date). ``ingestion.leaderboard`` does the reading and landing."""

from datetime import date

import dagster as dg

from ingestion import settings
from ingestion.leaderboard.load import (
    load_leaderboard_archive,
    load_leaderboard_revision,
)
from orchestration.leaderboard.partitions import (
    REVISION_TAG,
    leaderboard_revisions,
    leaderboard_snapshots,
    resolve_revision,
    split_revision_key,
)
from orchestration.leaderboard.resources import LeaderboardArchiveResource
from orchestration.metadata import column_schema
from orchestration.reliability import fail_fast, step_retry_policy
from orchestration.resources import WAREHOUSE_POOL, HubResource, WarehouseResource


@dg.asset(
    key=["raw", "leaderboard_hub_results"],
    group_name="raw",
    kinds={"python", "duckdb"},
    owners=["team:data-engineering"],
    pool=WAREHOUSE_POOL,
    retry_policy=step_retry_policy(),
    partitions_def=leaderboard_revisions,
    description=(
        "The leaderboard v2 `contents` dataset on the Hub, one partition per dataset revision (commit date "
        "and sha), normalised to the landing schema (every original column kept). The revision sensor adds "
        "a partition and a run for every new revision. The rows wait for the partition's blocking check, "
        "which replaces that revision's rows with them or rejects them (raw.leaderboard_rejected); "
        "re-running a partition replaces that revision's rows "
        "exactly. Downstream models read every revision."
    ),
)
def leaderboard_hub_results(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                            hub: HubResource) -> dg.MaterializeResult:
    key = context.partition_key
    client = hub.client()
    with fail_fast(), warehouse.connect(context) as con:
        revision = resolve_revision(key, context.run.tags.get(REVISION_TAG), con, client)
        result = load_leaderboard_revision(con, client, hub.cache_dir(), revision,
                                           date.fromisoformat(split_revision_key(key)[0]),
                                           progress=context.log.info, partition_key=key)
        total = con.execute("select count(*) from raw.leaderboard_hub_results").fetchone()[0]
        revisions = con.execute("select count(distinct source_revision) from raw.leaderboard_hub_results"
                                ).fetchone()[0]
        schema = column_schema(con, "raw", "leaderboard_hub_results")
    return dg.MaterializeResult(metadata={
        "revision": result.revision,
        "snapshot_date": str(result.snapshot_date),
        "rows_landed": result.rows,
        "revisions_landed": revisions,
        "rows_in_all_revisions": total,
        "dagster/row_count": result.rows,
        "dagster/column_schema": schema,
    })


@dg.asset(
    key=["raw", "leaderboard_archive_results"],
    group_name="raw",
    kinds={"python", "duckdb"},
    owners=["team:data-engineering"],
    pool=WAREHOUSE_POOL,
    retry_policy=step_retry_policy(),
    partitions_def=leaderboard_snapshots,
    description=(
        "Archived leaderboard CSV exports (v1 and every v2 schema) from the configured folder, normalised to "
        "the landing schema. Partitioned by snapshot date (the date in the file name): a run lands the "
        "files of its date; once the partition's blocking check accepts them they replace that snapshot "
        "exactly, else they go to raw.leaderboard_rejected and the snapshot stays as it was. Downstream "
        "models read every partition."
    ),
)
def leaderboard_archive_results(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                                leaderboard_archive: LeaderboardArchiveResource) -> dg.MaterializeResult:
    folder = leaderboard_archive.resolved_folder()
    snapshot = context.partition_key
    if folder is None:
        raise dg.Failure(f"snapshot {snapshot}: no leaderboard archive folder configured "
                         f"(set {settings.LEADERBOARD_ARCHIVE_ENV})", allow_retries=False)
    with fail_fast(), warehouse.connect(context) as con:
        result = load_leaderboard_archive(con, folder, progress=context.log.info, snapshot_date=snapshot,
                                          wait_for_checks=True)
        total = con.execute("select count(*) from raw.leaderboard_archive_results").fetchone()[0]
        schema = column_schema(con, "raw", "leaderboard_archive_results")
    return dg.MaterializeResult(metadata={
        "folder": str(folder),
        "snapshot_date": snapshot,
        "files_imported": len(result.files),
        "rows_landed": result.rows,
        "rows_per_file": dg.MetadataValue.json(result.files),
        "rows_in_all_snapshots": total,
        "dagster/row_count": result.rows,
        "dagster/column_schema": schema,
    })
