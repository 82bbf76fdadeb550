"""raw/hub_model_snapshots: the Hub's adoption history, one Dagster partition per day (ingestion.hub.history).

Materialized after every accepted crawl, in the same run: the run's partition is the day the crawl is
recorded under (a schedule's run takes its scheduled day; `observatory demo --day` any day up to today).
"""

from datetime import date, datetime, timezone

import dagster as dg

from ingestion import settings
from ingestion.hub.history import record_snapshot
from orchestration.metadata import column_schema
from orchestration.reliability import step_retry_policy
from orchestration.resources import WAREHOUSE_POOL, WarehouseResource

# Generated dumps reach early 2025, so simulations can start there; today's partition exists (end_offset=1):
# the daily crawl records what it saw today.
HISTORY_START = "2025-01-01"
HISTORY_DAYS = dg.DailyPartitionsDefinition(start_date=HISTORY_START, end_offset=1, timezone="UTC")


def today() -> str:
    """Today's partition key (UTC)."""
    return datetime.now(timezone.utc).date().isoformat()


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key=["raw", "hub_model_snapshots"],
            deps=[["raw", "hub_models"], ["raw", "hub_model_removals"]],
            partitions_def=HISTORY_DAYS,
            group_name="raw",
            kinds={"python", "duckdb"},
            owners=["team:data-engineering"],
            description=(
                "What each day's accepted crawls saw of each model: 30-day and all-time downloads, likes, "
                "trending score and when, one partition per day, only ever appended to (raw.hub_model_snapshots). "
                "An incremental crawl records the models it saw, a full crawl all of them and, as unlisted, those "
                "it no longer saw. Re-running a day replaces that day exactly; days older than "
                f"${settings.HISTORY_DAILY_DAYS_ENV} (default {settings.DEFAULT_HISTORY_DAILY_DAYS}) are thinned "
                "to one per week, each model keeping its latest value of the week."
            ),
        ),
        dg.AssetSpec(
            key=["raw", "hub_model_keys"],
            deps=[["raw", "hub_models"], ["raw", "hub_model_removals"]],
            partitions_def=HISTORY_DAYS,
            group_name="raw",
            kinds={"python", "duckdb"},
            owners=["team:data-engineering"],
            description="The adoption history's model numbers (raw.hub_model_keys): one per repo id, given the "
                        "day a model is first seen (that day's partition) and never reused.",
        ),
    ],
    partitions_def=HISTORY_DAYS,
    pool=WAREHOUSE_POOL,
    retry_policy=step_retry_policy(),
)
def hub_model_snapshots(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    day = date.fromisoformat(context.partition_key)
    with warehouse.connect(context) as con:
        result = record_snapshot(con, day, daily_days=settings.history_daily_days())
        # cheap at any size: no distinct count over the whole history on every run
        days = con.execute("select count(distinct snapshot_day) from raw.hub_snapshot_crawls").fetchone()[0]
        rows = con.execute("select count(*) from raw.hub_model_snapshots").fetchone()[0]
        schema = column_schema(con, "raw", "hub_model_snapshots")
        keys = con.execute("select count(*) from raw.hub_model_keys").fetchone()[0]
        key_schema = column_schema(con, "raw", "hub_model_keys")
    context.log.info(result.summary())
    if result.left_for_later:
        context.log.warning(f"{day} is before the history's latest day: the crawl(s) {result.left_for_later} "
                            "made since are left for the next day's snapshot")
    yield dg.MaterializeResult(asset_key=["raw", "hub_model_keys"], metadata={
        "models_new_to_history": result.new_keys,
        "dagster/partition_row_count": result.new_keys,
        "dagster/row_count": keys,
        "dagster/column_schema": key_schema,
    })
    yield dg.MaterializeResult(asset_key=["raw", "hub_model_snapshots"], metadata={
        "day": day.isoformat(),
        "models_seen": result.seen,
        "models_no_longer_listed": result.unlisted,
        "models_new_to_history": result.new_keys,
        "crawls": dg.MetadataValue.json(result.crawls),
        "crawls_left_for_later": dg.MetadataValue.json(result.left_for_later),
        "day_rows": result.day_rows,
        "dagster/partition_row_count": result.day_rows,
        "days_thinned_by_retention": dg.MetadataValue.json([d.isoformat() for d in result.thinned_days]),
        "history_days": days,
        "history_models": keys,
        "dagster/row_count": rows,
        "dagster/column_schema": schema,
    })
