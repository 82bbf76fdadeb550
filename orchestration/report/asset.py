"""The report as an asset: regenerated after every publication, from the published marts only."""

import dagster as dg

from ingestion import settings
from ingestion.warehouse.published import open_published
from orchestration.published.assets import published_marts
from orchestration.report.build import write_report
from orchestration.resources import WarehouseResource


@dg.asset(
    key=["report", "observatory_report"],
    deps=[published_marts],
    group_name="report",
    kinds={"html", "python"},
    owners=["team:analytics-engineering"],
    description=(
        "A static HTML report with one section per mart, from the published marts (it never waits for "
        "the warehouse's write lock): a chart that fits its question, a caption and the headline numbers. "
        "Self-contained (inline SVG and CSS, no script, nothing from the network); "
        "text from the data is escaped. Written beside the warehouse (report/<warehouse>.html) unless "
        "OBSERVATORY_REPORT names another path."
    ),
)
def observatory_report(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    database = warehouse.resolved_path()
    path = settings.report_path(database)
    with open_published(settings.published_dir(database)) as con:
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
