"""Hub models: the raw landing asset, its checks, and the schedules that refresh it."""

import sys

import dagster as dg

from ingestion import config as settings
from ingestion.loads import LEADERBOARD_SCOPE, load_hub_models, load_leaderboard_models_and_ancestors
from orchestration.reliability import alert_on_permanent_failure, fail_fast, step_retry_policy
from orchestration.resources import WAREHOUSE_POOL, HubResource, QualityResource, WarehouseResource
from orchestration.table_metadata import column_schema


class HubModelsConfig(dg.Config):
    """How to crawl: `auto` (incremental when a complete crawl of the scope exists, else full),
    `full` (the whole scope; also marks models no longer listed as removed) or `incremental`
    (only models modified since the last complete crawl's start, minus a margin)."""

    mode: str = "auto"
    watermark_margin_minutes: int = 30


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key=["raw", "hub_models"],
            group_name="raw",
            kinds={"python", "duckdb"},
            owners=["team:data-engineering"],
            description=(
                "Every Hub model in scope, fetched from `/api/models` through huggingface_hub with every "
                "field the marts need expanded, landed verbatim in raw.hub_models (latest record per model). "
                "A crawl becomes visible only when complete and resumes from its last page if interrupted; "
                "unparseable records go to raw.hub_models_quarantine."
            ),
        ),
        dg.AssetSpec(
            key=["raw", "hub_model_removals"],
            group_name="raw",
            kinds={"python", "duckdb"},
            owners=["team:data-engineering"],
            description=(
                "Models that a complete full crawl of their scope no longer saw: deleted, or renamed "
                "(same Hub `_id`, new repo id). History is kept: their records stay in raw.hub_models."
            ),
        ),
    ],
    pool=WAREHOUSE_POOL,
    retry_policy=step_retry_policy(),
)
def hub_models(context: dg.AssetExecutionContext, config: HubModelsConfig, warehouse: WarehouseResource,
               hub: HubResource):
    from datetime import timedelta

    client = hub.client()
    if hub.scope not in ("all", LEADERBOARD_SCOPE):
        raise dg.Failure(f"unknown Hub scope {hub.scope!r}: use 'all' (with an optional pipeline_tag) "
                         f"or '{LEADERBOARD_SCOPE}'", allow_retries=False)
    with fail_fast(), warehouse.connect(context) as con:
        if hub.scope == LEADERBOARD_SCOPE:
            result = load_leaderboard_models_and_ancestors(con, client, progress=context.log.info)
        else:
            result = load_hub_models(
                con, client, mode=config.mode, page_size=hub.page_size, pipeline_tag=hub.pipeline_tag,
                watermark_margin=timedelta(minutes=config.watermark_margin_minutes),
                progress=context.log.info, progress_bar=sys.stderr.isatty(),
            )
        total = con.execute("select count(*) from raw.hub_models").fetchone()[0]
        removals = dict(con.execute("select removal, count(*) from raw.hub_model_removals group by 1").fetchall())
        schemas = {table: column_schema(con, "raw", table) for table in ("hub_models", "hub_model_removals")}
    if result.quarantined:
        context.log.warning(f"{result.quarantined} records quarantined: {result.quarantine_reasons}")
    yield dg.MaterializeResult(asset_key=["raw", "hub_model_removals"], metadata={
        "removed_this_crawl": result.removed,
        "deleted_total": removals.get("deleted", 0),
        "renamed_total": removals.get("renamed", 0),
        "dagster/row_count": sum(removals.values()),
        "dagster/column_schema": schemas["hub_model_removals"],
    })
    yield dg.MaterializeResult(asset_key=["raw", "hub_models"], metadata={
        "endpoint": client.endpoint,
        "crawl_id": result.crawl_id,
        "mode": result.mode,
        "scope": result.scope,
        "watermark": result.watermark or "(none: full crawl)",
        "resumed_at_page": result.resumed_at_page if result.resumed_at_page is not None else "(fresh start)",
        "records_fetched": result.records,
        "new": result.new,
        "changed": result.changed,
        "unchanged": result.unchanged,
        "removed": result.removed,
        "quarantined": result.quarantined,
        "not_found": result.not_found,
        "quarantine_reasons": dg.MetadataValue.json(result.quarantine_reasons),
        "pages": result.pages,
        "duration_s": round(result.seconds, 2),
        "models_per_s": round(result.rate, 1),
        "dagster/row_count": total,
        "dagster/column_schema": schemas["hub_models"],
    })


@dg.asset_check(asset=["raw", "hub_models"], blocking=True,
                description="Great Expectations suite on every crawl not yet verified: ids, uniqueness, counts, "
                            "dates, flags and parameter counts. ERROR rules block everything downstream; rows "
                            "failing a QUARANTINE rule go to quality.quarantine and the rest flows on.")
def hub_models_expectations(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
    from orchestration.expectations import (
        ERROR,
        HUB_FRAME_SQL,
        HUB_KEYS,
        WARN,
        RuleResult,
        check_result,
        hub_model_rules,
        quarantine_rows,
        record_results,
        run_suite,
    )

    run_id = context.op_execution_context.run_id
    with warehouse.connect(context) as con:
        crawls = con.execute("""select crawl_id, coalesce(duplicate_records, 0) from raw.hub_crawls
                                where status = 'complete' and verified_at is null order by finished_at""").fetchall()
        crawl_ids = [c for c, _ in crawls]
        frame = con.execute(HUB_FRAME_SQL, [crawl_ids]).df()
        context.log.info(f"checking {len(frame)} records of {len(crawl_ids)} unverified crawl(s)")
        results = run_suite(frame, hub_model_rules(), "hub_models", HUB_KEYS)
        duplicates = sum(d for _, d in crawls)
        # Explicit rule for a listing quirk: the same id served twice in one crawl (a page boundary that
        # moved). The landing keeps the last record served, so this is recorded, not blocking.
        results.append(RuleResult("listing_ids_served_once", WARN, duplicates == 0,
                                  "each id is served once per crawl (the last record served is kept)",
                                  duplicates, [{"crawl_id": c, "duplicate_records": d} for c, d in crawls if d][:5]))
        con.execute("begin transaction")
        con.execute("delete from quality.quarantine where asset = 'raw/hub_models' and crawl_id in (select unnest(?))",
                    [crawl_ids])
        quarantined = quarantine_rows(con, "raw/hub_models", "hub_models_expectations", results, run_id,
                                      {"model_id_format": "model_id", "listing_is_public": "private"})
        record_results(con, "raw/hub_models", "hub_models_expectations", results, run_id, ",".join(crawl_ids))
        if not any(r.severity == ERROR and not r.passed for r in results):
            con.execute("update raw.hub_crawls set verified_at = now() where crawl_id in (select unnest(?))",
                        [crawl_ids])
        con.execute("commit")
    if quarantined:
        context.log.warning(f"{quarantined} Hub records quarantined (see quality.quarantine)")
    return check_result(results, {"crawls_checked": ", ".join(crawl_ids) or "(none)", "rows_checked": len(frame)},
                        quarantined=quarantined)


@dg.asset_check(asset=["raw", "hub_models"], blocking=True,
                description="Volume: a full crawl that lost more than the configured share of the previous "
                            "full crawl's models is flagged (severity by configuration).")
def hub_models_volume(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource,
                      quality: QualityResource):
    from orchestration.expectations import check_result, record_results, volume_rule

    with warehouse.connect(context) as con:
        rows = con.execute("""select records from raw.hub_crawls
                              where status = 'complete' and mode = 'full'
                                and scope = (select scope from raw.hub_crawls where status = 'complete'
                                             order by finished_at desc limit 1)
                              order by finished_at desc limit 2""").fetchall()
        current = rows[0][0] if rows else 0
        previous = rows[1][0] if len(rows) > 1 else None
        results = [volume_rule("full_crawl_volume", previous, current, quality.max_row_drop, quality.volume_severity)]
        record_results(con, "raw/hub_models", "hub_models_volume", results, context.op_execution_context.run_id,
                       batch="latest full crawl")
    return check_result(results, {"previous_full_crawl": previous or 0, "latest_full_crawl": current})


# -- automatic refreshes -----------------------------------------------------------------------

HUB_ASSETS = dg.AssetSelection.assets(["raw", "hub_models"], ["raw", "hub_model_removals"])

hub_refresh_job = dg.define_asset_job(
    "hub_refresh",
    hooks={alert_on_permanent_failure},
    selection=HUB_ASSETS.downstream(),
    description="Fetch from the Hub (mode from the run config: incremental or full), then rebuild every "
                "dbt model downstream, with every check.",
)


def _hub_schedule(name: str, mode: str, cron: str, description: str) -> dg.ScheduleDefinition:
    @dg.schedule(name=name, job=hub_refresh_job, cron_schedule=cron, execution_timezone="UTC",
                 default_status=dg.DefaultScheduleStatus.RUNNING, description=description)
    def _schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        # the margin is read at tick time, so that a change applies without reloading the code location
        margin = settings.watermark_margin_minutes()
        return dg.RunRequest(
            run_config={"ops": {"hub_models": {"config": {"mode": mode, "watermark_margin_minutes": margin}}}},
            tags={"refresh": mode, "scheduled_for": context.scheduled_execution_time.isoformat()
                  if context.scheduled_execution_time else ""},
        )

    return _schedule


hub_incremental_refresh = _hub_schedule(
    "hub_incremental_refresh", "incremental", settings.hub_refresh_cron(),
    f"Only models modified since the last complete crawl started (minus ${settings.WATERMARK_MARGIN_ENV}, "
    f"default {settings.DEFAULT_WATERMARK_MARGIN_MINUTES} min). Cadence: ${settings.HUB_REFRESH_CRON_ENV} "
    f"(default '{settings.DEFAULT_HUB_REFRESH_CRON}', daily).")

hub_full_reconcile = _hub_schedule(
    "hub_full_reconcile", "full", settings.hub_reconcile_cron(),
    f"The whole scope: refreshes likes and downloads (they change without a commit) and records deleted and "
    f"renamed models. Cadence: ${settings.HUB_RECONCILE_CRON_ENV} (default "
    f"'{settings.DEFAULT_HUB_RECONCILE_CRON}', weekly).")
