"""Checks on the leaderboard landings: Great Expectations suites (blocking, per partition) and drift."""

from collections.abc import Callable

import dagster as dg

from ingestion.warehouse import transaction
from orchestration.leaderboard.expectations import (
    LEADERBOARD_FRAME_SQL,
    LEADERBOARD_KEYS,
    leaderboard_rules,
)
from orchestration.leaderboard.partitions import split_revision_key
from orchestration.quality.history import quarantine_rows, record_results
from orchestration.quality.resources import QualityResource
from orchestration.quality.results import check_result
from orchestration.quality.suites import RuleResult, run_suite, volume_rule
from orchestration.resources import WarehouseResource


def _revision_filter(key: str) -> tuple[str, list]:
    """The rows of one partition of raw.leaderboard_hub_results (a dataset revision)."""
    return "starts_with(source_revision, ?)", [split_revision_key(key)[1]]


def _snapshot_filter(key: str) -> tuple[str, list]:
    """The rows of one partition of raw.leaderboard_archive_results (a snapshot date)."""
    return "snapshot_date = ?", [key]


def _leaderboard_expectations(context, warehouse: WarehouseResource, table: str,
                              partition_filter: Callable[[str], tuple[str, list]]):
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
        with transaction(con):
            # the quarantine of what is checked is replaced (rows of snapshots no longer loaded go too)
            con.execute("delete from quality.quarantine where asset = ? and (? is null or source_name in "
                        "(select unnest(?)))", [asset, snapshot, sources])
            quarantined = quarantine_rows(con, asset, f"{table}_expectations", results, run_id,
                                          {"model_id_present": "model_id", "model_id_format": "model_id",
                                           "average_in_range": "average"})
            record_results(con, asset, f"{table}_expectations", results, run_id, ",".join(sources))
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
                                       quality.volume_severity.value))
            added, removed = sorted(set(last_cols) - set(prev_cols)), sorted(set(prev_cols) - set(last_cols))
            results.append(RuleResult(
                f"{version}_schema_unchanged", quality.schema_change_severity.value, not added and not removed,
                "the snapshot has the previous snapshot's columns", len(added) + len(removed),
                [{"added": added, "removed": removed}] if added or removed else []))
            details[version] = f"{prev_date} ({prev_rows} rows) -> {last_date} ({last_rows} rows)"
        record_results(con, "raw/leaderboard_archive_results", "leaderboard_archive_drift", results,
                       context.op_execution_context.run_id, batch=snapshot or "latest snapshot per version")
    return check_result(results, {f"{v}_snapshots_compared": d for v, d in details.items()})
