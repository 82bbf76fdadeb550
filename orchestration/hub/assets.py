"""raw/hub_models and raw/hub_model_removals: the Hub's model metadata, landed by one crawl step."""

import sys
from datetime import timedelta
from enum import Enum

import dagster as dg
from pydantic import Field

from ingestion.hub.ancestors import load_leaderboard_models_and_ancestors
from ingestion.hub.crawl import load_hub_models
from orchestration.metadata import column_schema
from orchestration.quality.suites import import_in_background
from orchestration.reliability import fail_fast, step_retry_policy
from orchestration.resources import (
    WAREHOUSE_POOL,
    HubResource,
    HubScope,
    WarehouseResource,
)


class CrawlMode(Enum):
    """`auto`: incremental when a complete crawl of the scope exists, else full; `full`: the whole scope
    (also marks models no longer listed as removed); `incremental`: only models modified since the last
    complete crawl's start, minus a margin."""

    auto = "auto"
    full = "full"
    incremental = "incremental"


class HubModelsConfig(dg.Config):
    """How to crawl (see CrawlMode) and how far behind the watermark an incremental crawl starts."""

    mode: CrawlMode = CrawlMode.auto
    watermark_margin_minutes: int = Field(default=30, ge=0)


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
                "A crawl resumes from its last page if interrupted; once complete it waits (status 'landed') "
                "for its blocking check, which makes it visible in raw.hub_models or moves it to "
                "raw.hub_models_rejected, in one transaction with the verdict. Unparseable records go to "
                "raw.hub_models_quarantine."
            ),
        ),
        dg.AssetSpec(
            key=["raw", "hub_model_removals"],
            group_name="raw",
            kinds={"python", "duckdb"},
            owners=["team:data-engineering"],
            description=(
                "Models that a complete full crawl of their scope no longer saw: deleted, or renamed "
                "(same Hub `_id`, new repo id); recorded when the crawl's check accepts it. History is kept: "
                "their records stay in raw.hub_models."
            ),
        ),
        dg.AssetSpec(
            key=["raw", "hub_eval_results"],
            group_name="raw",
            kinds={"python", "duckdb"},
            owners=["team:data-engineering"],
            description=(
                "Community Evals: the entries of each model repo's `.eval_results/*.yaml`, served in the model "
                "records (`expand=evalResults`) and landed with them when the crawl's check accepts it: a "
                "model's rows are replaced by those of its newer record (the incremental crawl fetches only "
                "modified models). Items that cannot be an entry (the Hub's error items, a missing task id, "
                "a value that is not a finite number, a date in the future) go to "
                "raw.hub_eval_results_quarantine with the file and the reason."
            ),
        ),
    ],
    pool=WAREHOUSE_POOL,
    retry_policy=step_retry_policy(),
)
def hub_models(context: dg.AssetExecutionContext, config: HubModelsConfig, warehouse: WarehouseResource,
               hub: HubResource):
    import_in_background()  # for the gate that follows, while this step waits on the Hub
    client = hub.client()
    with fail_fast(), warehouse.connect(context) as con:
        if hub.scope == HubScope.leaderboard:
            result = load_leaderboard_models_and_ancestors(con, client, progress=context.log.info, promote=False)
        else:
            result = load_hub_models(
                con, client, mode=config.mode.value, page_size=hub.page_size, pipeline_tag=hub.pipeline_tag,
                watermark_margin=timedelta(minutes=config.watermark_margin_minutes),
                progress=context.log.info, progress_bar=sys.stderr.isatty(), promote=False,
            )
        # the table's rows once the gate accepts this crawl: what it holds plus the models new to it
        total = con.execute("select count(*) from raw.hub_models").fetchone()[0] + result.new
        removals = dict(con.execute("select removal, count(*) from raw.hub_model_removals group by 1").fetchall())
        schemas = {table: column_schema(con, "raw", table) for table in ("hub_models", "hub_model_removals")}
        evals = con.execute(
            "select count(*), coalesce(sum(json_array_length(payload -> '$.evalResults')), 0) "
            "from raw.hub_models_loading where crawl_id = ? and (payload -> '$.evalResults') is not null",
            [result.crawl_id]).fetchone()
        eval_rows = con.execute("select count(*) from raw.hub_eval_results").fetchone()[0]
        schemas["hub_eval_results"] = column_schema(con, "raw", "hub_eval_results")
    if result.quarantined:
        context.log.warning(f"{result.quarantined} records quarantined: {result.quarantine_reasons}")
    yield dg.MaterializeResult(asset_key=["raw", "hub_model_removals"], metadata={
        "deleted_total": removals.get("deleted", 0),
        "renamed_total": removals.get("renamed", 0),
        "dagster/row_count": sum(removals.values()),
        "dagster/column_schema": schemas["hub_model_removals"],
    })
    yield dg.MaterializeResult(asset_key=["raw", "hub_eval_results"], metadata={
        "models_reporting_evals": evals[0],
        "items_in_this_crawl": int(evals[1]),
        "status": "landed with the crawl: visible once hub_models_expectations accepts it",
        "dagster/row_count": eval_rows,
        "dagster/column_schema": schemas["hub_eval_results"],
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
        "status": "landed: visible once hub_models_expectations accepts it",
        "quarantined": result.quarantined,
        "not_found": result.not_found,
        "quarantine_reasons": dg.MetadataValue.json(result.quarantine_reasons),
        "pages": result.pages,
        "duration_s": round(result.seconds, 2),
        "models_per_s": round(result.rate, 1),
        "dagster/row_count": total,
        "dagster/column_schema": schemas["hub_models"],
    })
