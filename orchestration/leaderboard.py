"""Open LLM Leaderboard: the Hub dataset and the archived CSV exports, as raw landing assets."""

import dagster as dg

from ingestion.loads import load_leaderboard_archive, load_leaderboard_from_hub
from orchestration.resources import WAREHOUSE_POOL, HubResource, LeaderboardArchiveResource, WarehouseResource

@dg.asset(
    key=["raw", "leaderboard_hub_results"],
    group_name="raw",
    kinds={"python", "duckdb"},
    owners=["team:data-engineering"],
    pool=WAREHOUSE_POOL,
    description=(
        "The leaderboard v2 `contents` dataset, downloaded from the Hub at its current revision and "
        "normalised to the landing schema (every original column kept). A revision already loaded is skipped."
    ),
)
def leaderboard_hub_results(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                            hub: HubResource) -> dg.MaterializeResult:
    client = hub.client()
    with warehouse.connect() as con:
        result = load_leaderboard_from_hub(con, client, hub.cache_dir(), progress=context.log.info)
        total = con.execute("select count(*) from raw.leaderboard_hub_results").fetchone()[0]
    return dg.MaterializeResult(metadata={
        "revision": result.revision,
        "snapshot_date": result.snapshot_date,
        "rows_landed": result.rows,
        "skipped_unchanged_revision": result.skipped,
        "dagster/row_count": total,
    })

@dg.asset(
    key=["raw", "leaderboard_archive_results"],
    group_name="raw",
    kinds={"python", "duckdb"},
    owners=["team:data-engineering"],
    pool=WAREHOUSE_POOL,
    description=(
        "Archived leaderboard CSV exports (v1 and every v2 schema) from the configured folder, one "
        "snapshot per file date, normalised to the landing schema. Without a folder nothing is imported."
    ),
)
def leaderboard_archive_results(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                                leaderboard_archive: LeaderboardArchiveResource) -> dg.MaterializeResult:
    folder = leaderboard_archive.resolved_folder()
    with warehouse.connect() as con:
        if folder is None:
            context.log.info("no leaderboard archive folder configured (OBSERVATORY_LEADERBOARD_ARCHIVE): "
                             "nothing imported")
            files: dict[str, int] = {}
        else:
            result = load_leaderboard_archive(con, folder, progress=context.log.info)
            files = result.files
        total = con.execute("select count(*) from raw.leaderboard_archive_results").fetchone()[0]
    return dg.MaterializeResult(metadata={
        "folder": str(folder) if folder else "(none)",
        "files_imported": len(files),
        "rows_landed": sum(files.values()),
        "rows_per_file": dg.MetadataValue.json(files),
        "dagster/row_count": total,
    })
