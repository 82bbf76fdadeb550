"""Open LLM Leaderboard: the Hub dataset and the archived CSV exports, as raw landing assets."""

from collections.abc import Callable

import dagster as dg

from ingestion import config
from ingestion.loads import load_leaderboard_archive
from orchestration.reliability import alert_on_permanent_failure, fail_fast, step_retry_policy
from orchestration.resources import (
    WAREHOUSE_POOL,
    HubResource,
    LeaderboardArchiveResource,
    QualityResource,
    WarehouseResource,
)
from orchestration.table_metadata import column_schema

# One partition per revision of the leaderboard dataset on the Hub, keyed "<commit date>_<sha[:12]>"
# (sortable by date, readable, unique). The revision sensor adds one for every new revision.
leaderboard_revisions = dg.DynamicPartitionsDefinition(name="leaderboard_dataset_revisions")
REVISION_TAG = "leaderboard_revision"


def revision_partition_key(revision: str, modified: str | None) -> str:
    """The partition of a dataset revision: its commit date and the first 12 characters of its sha."""
    from datetime import date, datetime

    day = datetime.fromisoformat(modified).date() if modified else date.today()
    return f"{day.isoformat()}_{revision[:12]}"


def _split_revision_key(key: str) -> tuple[str, str]:
    day, _, short = key.partition("_")
    if len(day) != 10 or not short:
        raise dg.Failure(f"partition {key!r} is not <commit date>_<revision>", allow_retries=False)
    return day, short


def resolve_revision(key: str, tagged: str | None, con, client) -> str:
    """The full revision sha a partition stands for: the run's tag (set by the sensor), else the
    revision this partition landed before, else the dataset's current revision if it matches."""
    _, short = _split_revision_key(key)
    if tagged:
        if not tagged.startswith(short):
            raise dg.Failure(f"partition {key}: the run's revision tag {tagged[:12]} is another revision",
                             allow_retries=False)
        return tagged
    landed = [r for (r,) in con.execute(
        "select distinct source_revision from raw.leaderboard_hub_results where starts_with(source_revision, ?)",
        [short]).fetchall()]
    if landed:
        return landed[0]
    current, _ = client.dataset_revision(config.LEADERBOARD_REPO_ID)
    if current.startswith(short):
        return current
    raise dg.Failure(f"partition {key}: revision {short} of {config.LEADERBOARD_REPO_ID} was never landed and is "
                     f"not the current one ({current[:12]}); launch it with the tag {REVISION_TAG}=<full sha>",
                     allow_retries=False)


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
        "a partition and a run for every new revision; re-running a partition replaces that revision's rows "
        "exactly. Downstream models read every revision."
    ),
)
def leaderboard_hub_results(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                            hub: HubResource) -> dg.MaterializeResult:
    from datetime import date

    from ingestion.loads import load_leaderboard_revision

    key = context.partition_key
    client = hub.client()
    with fail_fast(), warehouse.connect(context) as con:
        revision = resolve_revision(key, context.run.tags.get(REVISION_TAG), con, client)
        result = load_leaderboard_revision(con, client, hub.cache_dir(), revision,
                                           date.fromisoformat(_split_revision_key(key)[0]),
                                           progress=context.log.info)
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


# One partition per snapshot date (the date in an export's file name). The sensor below adds a
# partition for every new file date; `observatory backfill-leaderboard` adds a whole folder's.
leaderboard_snapshots = dg.DynamicPartitionsDefinition(name="leaderboard_archive_snapshots")


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
        "files of its date, replacing that snapshot exactly; downstream models read every partition."
    ),
)
def leaderboard_archive_results(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                                leaderboard_archive: LeaderboardArchiveResource) -> dg.MaterializeResult:
    folder = leaderboard_archive.resolved_folder()
    snapshot = context.partition_key
    if folder is None:
        raise dg.Failure(f"snapshot {snapshot}: no leaderboard archive folder configured "
                         f"(set {config.LEADERBOARD_ARCHIVE_ENV})", allow_retries=False)
    with fail_fast(), warehouse.connect(context) as con:
        result = load_leaderboard_archive(con, folder, progress=context.log.info, snapshot_date=snapshot)
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


def _revision_filter(key: str) -> tuple[str, list]:
    """The rows of one partition of raw.leaderboard_hub_results (a dataset revision)."""
    return "starts_with(source_revision, ?)", [_split_revision_key(key)[1]]


def _snapshot_filter(key: str) -> tuple[str, list]:
    """The rows of one partition of raw.leaderboard_archive_results (a snapshot date)."""
    return "snapshot_date = ?", [key]


def _leaderboard_expectations(context, warehouse: WarehouseResource, table: str,
                              partition_filter: Callable[[str], tuple[str, list]]):
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
    snapshot = _partition_key(context)
    # a partition run checks its snapshot; otherwise every snapshot is checked again
    where, params = partition_filter(snapshot) if snapshot is not None else ("true", [])
    with warehouse.connect(context) as con:
        sources = [r[0] for r in con.execute(
            f"select distinct source_name from raw.{table} where {where} order by 1", params).fetchall()]
        frame = con.execute(LEADERBOARD_FRAME_SQL.format(table=table), [sources]).df()
        results = run_suite(frame, leaderboard_rules(), table, LEADERBOARD_KEYS)
        con.execute("begin transaction")
        # the quarantine of what is checked is replaced (rows of snapshots no longer loaded go too)
        con.execute("delete from quality.quarantine where asset = ? and (? is null or source_name in "
                    "(select unnest(?)))", [asset, snapshot, sources])
        quarantined = quarantine_rows(con, asset, f"{table}_expectations", results, run_id,
                                      {"model_id_present": "model_id", "model_id_format": "model_id",
                                       "average_in_range": "average"})
        record_results(con, asset, f"{table}_expectations", results, run_id, ",".join(sources))
        con.execute("commit")
    if quarantined:
        context.log.warning(f"{quarantined} leaderboard rows quarantined (see quality.quarantine)")
    return check_result(results, {"rows_checked": len(frame), "sources_checked": len(sources),
                                  "snapshot": snapshot or "(all)"}, quarantined=quarantined)


def _partition_key(context) -> str | None:
    execution = context.op_execution_context
    return execution.partition_key if execution.has_partition_key else None


@dg.asset_check(asset=["raw", "leaderboard_hub_results"], blocking=True,
                description="Great Expectations suite: model ids, scores (type and range), dates, sizes, type "
                            "labels and the known quirks of the data. ERROR rules block everything downstream.")
def leaderboard_hub_results_expectations(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
    return _leaderboard_expectations(context, warehouse, "leaderboard_hub_results", _revision_filter)


@dg.asset_check(asset=["raw", "leaderboard_archive_results"], blocking=True,
                description="Great Expectations suite: model ids, scores (type and range), dates, sizes, type "
                            "labels and the known quirks of the data (v1 merged flag, missing licences).")
def leaderboard_archive_results_expectations(context: dg.AssetCheckExecutionContext,
                                             warehouse: WarehouseResource):
    return _leaderboard_expectations(context, warehouse, "leaderboard_archive_results", _snapshot_filter)


@dg.asset_check(asset=["raw", "leaderboard_archive_results"], blocking=True,
                description="Drift and volume between consecutive snapshots of each leaderboard version: a "
                            "snapshot that lost more than the configured share of rows, or whose columns "
                            "changed, is flagged (severities by configuration).")
def leaderboard_archive_drift(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource,
                              quality: QualityResource):
    from orchestration.expectations import RuleResult, check_result, record_results, volume_rule

    snapshot = _partition_key(context)
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
            # the snapshot of this partition (else the latest) against the one before it
            at = next((i for i, (d, _, _) in enumerate(snaps) if d == snapshot), None) if snapshot else len(snaps) - 1
            if at is None or at == 0:
                continue
            (prev_date, prev_rows, prev_cols), (last_date, last_rows, last_cols) = snaps[at - 1], snaps[at]
            results.append(volume_rule(f"{version}_volume", prev_rows, last_rows, quality.max_row_drop,
                                       quality.volume_severity))
            added, removed = sorted(set(last_cols) - set(prev_cols)), sorted(set(prev_cols) - set(last_cols))
            results.append(RuleResult(
                f"{version}_schema_unchanged", quality.schema_change_severity, not added and not removed,
                "the snapshot has the previous snapshot's columns", len(added) + len(removed),
                [{"added": added, "removed": removed}] if added or removed else []))
            details[version] = f"{prev_date} ({prev_rows} rows) -> {last_date} ({last_rows} rows)"
        record_results(con, "raw/leaderboard_archive_results", "leaderboard_archive_drift", results,
                       context.op_execution_context.run_id, batch=snapshot or "latest snapshot per version")
    return check_result(results, {f"{v}_snapshots_compared": d for v, d in details.items()})


# -- automatic refresh: a new revision of the leaderboard dataset -------------------------------

DATASET = dg.AssetSelection.assets(["raw", "leaderboard_hub_results"])
# The seeds and staging views come along (a few hundred rows and views: nothing to recreate them): on
# a warehouse where no Hub refresh has run yet, the intermediate models would not find them otherwise.
FOUNDATIONS = dg.AssetSelection.groups("seeds", "staging")

leaderboard_refresh_job = dg.define_asset_job(
    "leaderboard_refresh",
    hooks={alert_on_permanent_failure},
    selection=DATASET.downstream() | FOUNDATIONS,
    partitions_def=leaderboard_revisions,
    description="Land one revision of the leaderboard dataset (a partition), then rebuild only the dbt models "
                "that depend on it.",
)

leaderboard_dataset_load_job = dg.define_asset_job(
    "leaderboard_dataset_load",
    hooks={alert_on_permanent_failure},
    selection=DATASET,
    partitions_def=leaderboard_revisions,
    description="Land one revision of the leaderboard dataset (a partition) and run its checks, nothing "
                "downstream (the demo follows it with one `refresh_everything`).",
)


@dg.sensor(
    job=leaderboard_refresh_job,
    minimum_interval_seconds=config.leaderboard_poll_seconds(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=f"Asks the Hub for the current revision of {config.LEADERBOARD_REPO_ID} and, when it is new, "
                f"adds its partition and runs the leaderboard assets and what depends on them (one run per "
                f"revision). Poll interval: ${config.LEADERBOARD_POLL_ENV} (default "
                f"{config.DEFAULT_LEADERBOARD_POLL_SECONDS} s).",
)
def leaderboard_revision_sensor(context: dg.SensorEvaluationContext, hub: HubResource):
    revision, modified = hub.client().dataset_revision(config.LEADERBOARD_REPO_ID)
    if revision == context.cursor:
        return dg.SkipReason(f"{config.LEADERBOARD_REPO_ID} is still at {revision[:12]}")
    context.update_cursor(revision)
    key = revision_partition_key(revision, modified)
    return dg.SensorResult(  # adding a partition that exists already is a no-op
        run_requests=[dg.RunRequest(partition_key=key, run_key=f"leaderboard-{revision}",
                                    tags={REVISION_TAG: revision, "refresh": "leaderboard"})],
        dynamic_partitions_requests=[leaderboard_revisions.build_add_request([key])],
    )


# -- archived exports: one partition per file date ----------------------------------------------

ARCHIVE = dg.AssetSelection.assets(["raw", "leaderboard_archive_results"])

leaderboard_archive_load_job = dg.define_asset_job(
    "leaderboard_archive_load",
    selection=ARCHIVE,
    partitions_def=leaderboard_snapshots,
    hooks={alert_on_permanent_failure},
    description="Land one snapshot of the archived exports (a partition) and run its checks; for backfills, "
                "followed by one `build_models` run.",
)

leaderboard_archive_refresh_job = dg.define_asset_job(
    "leaderboard_archive_refresh",
    selection=ARCHIVE.downstream() | FOUNDATIONS,
    partitions_def=leaderboard_snapshots,
    hooks={alert_on_permanent_failure},
    description="Land a new snapshot of the archived exports, then rebuild the dbt models that depend on it.",
)


@dg.sensor(
    job=leaderboard_archive_refresh_job,
    minimum_interval_seconds=config.leaderboard_poll_seconds(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=f"Watches the archive folder (${config.LEADERBOARD_ARCHIVE_ENV}) and adds a partition, and a run, "
                "for every snapshot date not seen before.",
)
def leaderboard_archive_sensor(context: dg.SensorEvaluationContext, leaderboard_archive: LeaderboardArchiveResource):
    from ingestion.loads import archive_snapshot_dates

    folder = leaderboard_archive.resolved_folder()
    if folder is None or not folder.is_dir():
        return dg.SkipReason(f"no leaderboard archive folder ({config.LEADERBOARD_ARCHIVE_ENV})")
    try:
        dates = archive_snapshot_dates(folder)
    except ValueError as exc:  # a file name without a valid date: say which, add nothing
        return dg.SkipReason(str(exc))
    known = set(context.instance.get_dynamic_partitions(leaderboard_snapshots.name))
    new = [d for d in dates if d not in known]
    if not new:
        return dg.SkipReason(f"no new snapshot in {folder} ({len(dates)} known)")
    return dg.SensorResult(
        run_requests=[dg.RunRequest(partition_key=d, run_key=f"leaderboard-archive-{d}") for d in new],
        dynamic_partitions_requests=[leaderboard_snapshots.build_add_request(new)],
    )
