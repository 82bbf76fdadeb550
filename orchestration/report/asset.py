"""The report as an asset: regenerated after the marts, from the marts only."""

import dagster as dg

from ingestion import settings
from orchestration.dbt.assets import observatory_dbt_models
from orchestration.report.build import MARTS, write_report
from orchestration.resources import WAREHOUSE_POOL, WarehouseResource

MART_KEYS = sorted((key for key in observatory_dbt_models.keys
                    if observatory_dbt_models.group_names_by_key.get(key) == "marts"
                    and key.path[-1] in MARTS), key=lambda k: k.path[-1])


@dg.asset(
    key=["report", "observatory_report"],
    deps=MART_KEYS,
    group_name="report",
    kinds={"html", "python"},
    owners=["team:analytics-engineering"],
    pool=WAREHOUSE_POOL,
    description=(
        "A static HTML report with one section per mart: a chart that fits its question, a caption and "
        "the headline numbers. Self-contained (inline SVG and CSS, no script, nothing from the network); "
        "text from the data is escaped. Written beside the warehouse (report/<warehouse>.html) unless "
        "OBSERVATORY_REPORT names another path."
    ),
)
def observatory_report(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    database = warehouse.resolved_path()
    path = settings.report_path(database)
    with warehouse.connect(context) as con:  # DuckDB lets no reader in beside a writing process
        summary = write_report(con, path, source=database.name)
    if summary.empty_marts:
        context.log.warning(f"no rows to chart in: {', '.join(summary.empty_marts)}")
    context.log.info(f"report written to {path} ({summary.charts} charts, {summary.size_bytes:,} bytes)")
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(path)),
        "open": dg.MetadataValue.url(path.as_uri()),
        "sections": summary.sections,
        "charts": summary.charts,
        "size_bytes": summary.size_bytes,
        "marts_without_rows": dg.MetadataValue.json(summary.empty_marts),
    })
