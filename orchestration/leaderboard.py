"""Open LLM Leaderboard: the Hub dataset and the archived CSV exports, as raw landing assets."""

import dagster as dg

from ingestion import config
from ingestion.loads import load_leaderboard_archive, load_leaderboard_from_hub
from orchestration.reliability import alert_on_permanent_failure, fail_fast, step_retry_policy
from orchestration.resources import (
    WAREHOUSE_POOL,
    HubResource,
    LeaderboardArchiveResource,
    QualityResource,
    WarehouseResource,
)

@dg.asset(
    key=["raw", "leaderboard_hub_results"],
    group_name="raw",
    kinds={"python", "duckdb"},
    owners=["team:data-engineering"],
    pool=WAREHOUSE_POOL,
    retry_policy=step_retry_policy(),
    description=(
        "The leaderboard v2 `contents` dataset, downloaded from the Hub at its current revision and "
        "normalised to the landing schema (every original column kept). A revision already loaded is skipped."
    ),
)
def leaderboard_hub_results(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                            hub: HubResource) -> dg.MaterializeResult:
    client = hub.client()
    with fail_fast(), warehouse.connect(context) as con:
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
    retry_policy=step_retry_policy(),
    description=(
        "Archived leaderboard CSV exports (v1 and every v2 schema) from the configured folder, one "
        "snapshot per file date, normalised to the landing schema. Without a folder nothing is imported."
    ),
)
def leaderboard_archive_results(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                                leaderboard_archive: LeaderboardArchiveResource) -> dg.MaterializeResult:
    folder = leaderboard_archive.resolved_folder()
    with fail_fast(), warehouse.connect(context) as con:
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


def _leaderboard_expectations(context, warehouse: WarehouseResource, table: str):
    from orchestration.expectations import (
        LEADERBOARD_FRAME_SQL,
        LEADERBOARD_KEYS,
        check_result,
        leaderboard_rules,
        quarantine_rows,
        record_results,
        run_suite,
    )

    run_id = context.op_execution_context.run_id
    asset = f"raw/{table}"
    with warehouse.connect(context) as con:
        sources = [r[0] for r in con.execute(f"select distinct source_name from raw.{table} order by 1").fetchall()]
        frame = con.execute(LEADERBOARD_FRAME_SQL.format(table=table), [sources]).df()
        results = run_suite(frame, leaderboard_rules(), table, LEADERBOARD_KEYS)
        con.execute("begin transaction")
        # every snapshot is checked again: its quarantine is replaced, and rows of snapshots no longer loaded go
        con.execute("delete from quality.quarantine where asset = ?", [asset])
        quarantined = quarantine_rows(con, asset, f"{table}_expectations", results, run_id,
                                      {"model_id_present": "model_id", "model_id_format": "model_id",
                                       "average_in_range": "average"})
        record_results(con, asset, f"{table}_expectations", results, run_id, ",".join(sources))
        con.execute("commit")
    if quarantined:
        context.log.warning(f"{quarantined} leaderboard rows quarantined (see quality.quarantine)")
    return check_result(results, {"rows_checked": len(frame), "sources_checked": len(sources)},
                        quarantined=quarantined)


@dg.asset_check(asset=["raw", "leaderboard_hub_results"], blocking=True,
                description="Great Expectations suite: model ids, scores (type and range), dates, sizes, type "
                            "labels and the known quirks of the data. ERROR rules block everything downstream.")
def leaderboard_hub_results_expectations(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
    return _leaderboard_expectations(context, warehouse, "leaderboard_hub_results")


@dg.asset_check(asset=["raw", "leaderboard_archive_results"], blocking=True,
                description="Great Expectations suite: model ids, scores (type and range), dates, sizes, type "
                            "labels and the known quirks of the data (v1 merged flag, missing licences).")
def leaderboard_archive_results_expectations(context: dg.AssetCheckExecutionContext,
                                             warehouse: WarehouseResource):
    return _leaderboard_expectations(context, warehouse, "leaderboard_archive_results")


@dg.asset_check(asset=["raw", "leaderboard_archive_results"], blocking=True,
                description="Drift and volume between consecutive snapshots of each leaderboard version: a "
                            "snapshot that lost more than the configured share of rows, or whose columns "
                            "changed, is flagged (severities by configuration).")
def leaderboard_archive_drift(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource,
                              quality: QualityResource):
    from orchestration.expectations import RuleResult, check_result, record_results, volume_rule

    with warehouse.connect(context) as con:
        snapshots = con.execute("""
            select leaderboard_version, snapshot_date, count(*) as n_rows,
                   list_sort(json_keys(any_value(original_record))) as columns
            from raw.leaderboard_archive_results
            group by all order by leaderboard_version, snapshot_date""").fetchall()
        results, details = [], {}
        by_version: dict[str, list] = {}
        for version, snap, n_rows, columns in snapshots:
            by_version.setdefault(version, []).append((snap, n_rows, columns))
        for version, snaps in by_version.items():
            if len(snaps) < 2:
                continue
            (prev_date, prev_rows, prev_cols), (last_date, last_rows, last_cols) = snaps[-2], snaps[-1]
            results.append(volume_rule(f"{version}_volume", prev_rows, last_rows, quality.max_row_drop,
                                       quality.volume_severity))
            added, removed = sorted(set(last_cols) - set(prev_cols)), sorted(set(prev_cols) - set(last_cols))
            results.append(RuleResult(
                f"{version}_schema_unchanged", quality.schema_change_severity, not added and not removed,
                "the latest snapshot has the previous snapshot's columns", len(added) + len(removed),
                [{"added": added, "removed": removed}] if added or removed else []))
            details[version] = f"{prev_date} ({prev_rows} rows) -> {last_date} ({last_rows} rows)"
        record_results(con, "raw/leaderboard_archive_results", "leaderboard_archive_drift", results,
                       context.op_execution_context.run_id, batch="latest two snapshots per version")
    return check_result(results, {f"{v}_latest_snapshots": d for v, d in details.items()})


# -- automatic refresh: a new revision of the leaderboard dataset -------------------------------

leaderboard_refresh_job = dg.define_asset_job(
    "leaderboard_refresh",
    hooks={alert_on_permanent_failure},
    selection=dg.AssetSelection.assets(["raw", "leaderboard_hub_results"]).downstream(),
    description="Land the leaderboard dataset's new revision, then rebuild only the dbt models that depend on it.",
)


@dg.sensor(
    job=leaderboard_refresh_job,
    minimum_interval_seconds=config.leaderboard_poll_seconds(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=f"Asks the Hub for the current revision of {config.LEADERBOARD_REPO_ID} and, when it is new, "
                f"runs the leaderboard assets and what depends on them (one run per revision). Poll interval: "
                f"${config.LEADERBOARD_POLL_ENV} (default {config.DEFAULT_LEADERBOARD_POLL_SECONDS} s).",
)
def leaderboard_revision_sensor(context: dg.SensorEvaluationContext, hub: HubResource):
    revision, modified = hub.client().dataset_revision(config.LEADERBOARD_REPO_ID)
    if revision == context.cursor:
        return dg.SkipReason(f"{config.LEADERBOARD_REPO_ID} is still at {revision[:12]}")
    context.update_cursor(revision)
    return dg.RunRequest(
        run_key=f"leaderboard-{revision}",
        tags={"leaderboard_revision": revision, "refresh": "leaderboard"},
    )
