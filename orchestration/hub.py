"""Hub models: the raw landing asset."""

import dagster as dg

from ingestion.loads import load_hub_models
from orchestration.resources import WAREHOUSE_POOL, HubResource, WarehouseResource

@dg.asset(
    key=["raw", "hub_models"],
    group_name="raw",
    kinds={"python", "duckdb"},
    owners=["team:data-engineering"],
    pool=WAREHOUSE_POOL,
    description=(
        "Every Hub model in scope, fetched from `/api/models` through huggingface_hub with every "
        "field the marts need expanded, landed verbatim in raw.hub_models (latest record per model). "
        "A crawl becomes visible only when complete; unparseable records go to raw.hub_models_quarantine."
    ),
)
def hub_models(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
               hub: HubResource) -> dg.MaterializeResult:
    client = hub.client()
    context.log.info(f"crawling models from {client.endpoint}")
    with warehouse.connect() as con:
        result = load_hub_models(con, client, page_size=hub.page_size, pipeline_tag=hub.pipeline_tag,
                                 progress=context.log.info)
        total = con.execute("select count(*) from raw.hub_models").fetchone()[0]
    if result.quarantined:
        context.log.warning(f"{result.quarantined} records quarantined: {result.quarantine_reasons}")
    return dg.MaterializeResult(metadata={
        "endpoint": client.endpoint,
        "crawl_id": result.crawl_id,
        "records_fetched": result.records,
        "new": result.new,
        "changed": result.changed,
        "unchanged": result.unchanged,
        "quarantined": result.quarantined,
        "pages": result.pages,
        "duration_s": round(result.seconds, 2),
        "models_per_s": round(result.rate, 1),
        "dagster/row_count": total,
    })
