"""The gates of the leaderboard landings, one per partition (a dataset revision, a snapshot date).

A run lands its partition's rows in raw.leaderboard_loading; the gate runs the Great Expectations
suite on them (and, for the archived exports, the drift rules against the previous snapshot of each
version). In one transaction with the verdicts: no ERROR rule failed, the rows replace the partition's
rows in the raw table and QUARANTINE rows go to quality.quarantine; an ERROR rule failed, the rows move
to raw.leaderboard_rejected and the previous good snapshot stays exactly as it was. A run without
a waiting batch (a re-check) checks what the raw table holds and changes nothing.
"""

from collections.abc import Callable

import dagster as dg

from ingestion.leaderboard.landing import pending_sources, promote_leaderboard_batch, reject_leaderboard_batch
from ingestion.warehouse import transaction
from orchestration.leaderboard.expectations import LEADERBOARD_KEYS, leaderboard_frame, leaderboard_rules
from orchestration.leaderboard.partitions import split_revision_key
from orchestration.quality.history import quarantine_rows, record_results
from orchestration.quality.resources import QualityResource
from orchestration.quality.results import check_result, failure_summary
from orchestration.quality.suites import ERROR, RuleResult, run_suite, volume_rule
from orchestration.resources import WarehouseResource


def _revision_filter(key: str) -> tuple[str, list]:
    """The rows of one partition of raw.leaderboard_hub_results (a dataset revision)."""
    return "starts_with(source_revision, ?)", [split_revision_key(key)[1]]


def _snapshot_filter(key: str) -> tuple[str, list]:
    """The rows of one partition of raw.leaderboard_archive_results (a snapshot date)."""
    return "snapshot_date = ?", [key]


def _gate(context, warehouse: WarehouseResource, quality: QualityResource, table: str,
          partition_filter: Callable[[str], tuple[str, list]], with_drift: bool):
    run_id = context.op_execution_context.run_id
    asset, check = f"raw/{table}", f"{table}_expectations"
    key = _partition_key(context)
    with warehouse.connect(context) as con:
        waiting = pending_sources(con, table, key) if key is not None else []
        if waiting:
            sources, frame = waiting, leaderboard_frame(con, table, pending_key=key)
        else:  # a re-check of what is landed: this partition's snapshot, else every snapshot
            where, params = partition_filter(key) if key is not None else ("true", [])
            sources = [r[0] for r in con.execute(
                f"select distinct source_name from raw.{table} where {where} order by 1", params).fetchall()]
            frame = leaderboard_frame(con, table, sources=sources)
        results = run_suite(frame, leaderboard_rules(), table, LEADERBOARD_KEYS)
        if with_drift:
            results += drift_rules(con, key, quality, pending=bool(waiting))
        accepted = not any(r.severity == ERROR and not r.passed for r in results)
        quarantined = 0
        with transaction(con):
            record_results(con, asset, check, results, run_id, ",".join(sources))
            if accepted:
                # the quarantine of what is checked is replaced (rows of snapshots no longer loaded go too)
                con.execute("delete from quality.quarantine where asset = ? and (? is null or source_name in "
                            "(select unnest(?)))", [asset, key, sources])
                quarantined = quarantine_rows(con, asset, check, results, run_id,
                                              {"model_id_present": "model_id", "model_id_format": "model_id",
                                               "average_in_range": "average"})
                if waiting:
                    promote_leaderboard_batch(con, table, key)
            elif waiting:
                reject_leaderboard_batch(con, table, key, failure_summary(
                    [r for r in results if r.severity == ERROR and not r.passed]))
    if quarantined:
        context.log.warning(f"{quarantined} leaderboard rows quarantined (see quality.quarantine)")
    if waiting and not accepted:
        context.log.error(f"partition {key} rejected: its rows moved to raw.leaderboard_rejected; raw.{table} "
                          "keeps the snapshot it had")
    verdict = ("accepted" if accepted else "rejected") if waiting else "re-checked what is landed"
    return check_result(results, {"rows_checked": len(frame), "sources_checked": len(sources),
                                  "snapshot": key or "(all)", "verdict": verdict}, quarantined=quarantined)


def drift_rules(con, snapshot: str | None, quality: QualityResource, pending: bool) -> list[RuleResult]:
    """Volume and columns of a snapshot (the waiting one, else the partition's, else the latest) against the
    snapshot before it, per leaderboard version."""
    snapshots = con.execute("""
        with rows as (
            select leaderboard_version, snapshot_date, original_record from raw.leaderboard_archive_results
            where not ($pending and snapshot_date = $snapshot)
            union all
            select leaderboard_version, snapshot_date, original_record from raw.leaderboard_loading
            where $pending and target_table = 'leaderboard_archive_results' and partition_key = $snapshot
        )
        select leaderboard_version, snapshot_date, count(*) as n_rows,
               list_sort(json_keys(any_value(original_record))) as columns
        from rows group by all order by leaderboard_version, snapshot_date""",
                            {"pending": pending, "snapshot": snapshot}).fetchall()
    results = []
    by_version: dict[str, list] = {}
    for version, snap, n_rows, columns in snapshots:
        by_version.setdefault(version, []).append((snap, n_rows, columns))
    for version, snaps in by_version.items():
        at = next((i for i, (d, _, _) in enumerate(snaps) if d == snapshot), None) if snapshot else len(snaps) - 1
        if at is None or at == 0:
            continue
        (_, prev_rows, prev_cols), (_, last_rows, last_cols) = snaps[at - 1], snaps[at]
        results.append(volume_rule(f"{version}_volume", prev_rows, last_rows, quality.max_row_drop,
                                   quality.volume_severity.value))
        added, removed = sorted(set(last_cols) - set(prev_cols)), sorted(set(prev_cols) - set(last_cols))
        results.append(RuleResult(
            f"{version}_schema_unchanged", quality.schema_change_severity.value, not added and not removed,
            "the snapshot has the previous snapshot's columns", len(added) + len(removed),
            [{"added": added, "removed": removed}] if added or removed else []))
    return results


def _partition_key(context) -> str | None:
    execution = context.op_execution_context
    return execution.partition_key if execution.has_partition_key else None


@dg.asset_check(asset=["raw", "leaderboard_hub_results"], blocking=True,
                description="The gate of a dataset revision: a Great Expectations suite (model ids, scores, dates, "
                            "sizes, type labels, one evaluation per model and precision). Passed: the revision's "
                            "rows replace what it landed before. An ERROR rule failed: they move to "
                            "raw.leaderboard_rejected and nothing downstream runs.")
def leaderboard_hub_results_expectations(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource,
                                         quality: QualityResource):
    return _gate(context, warehouse, quality, "leaderboard_hub_results", _revision_filter, with_drift=False)


@dg.asset_check(asset=["raw", "leaderboard_archive_results"], blocking=True,
                description="The gate of an archived snapshot: the Great Expectations suite (model ids, scores, "
                            "dates, sizes, type labels, the known quirks of the data) and drift against the "
                            "previous snapshot of each version (rows lost, columns changed; severities by "
                            "configuration). Passed: the files replace the snapshot. An ERROR rule failed: they "
                            "move to raw.leaderboard_rejected and the snapshot stays as it was.")
def leaderboard_archive_results_expectations(context: dg.AssetCheckExecutionContext,
                                             warehouse: WarehouseResource, quality: QualityResource):
    return _gate(context, warehouse, quality, "leaderboard_archive_results", _snapshot_filter, with_drift=True)
