"""published/marts: the marts of a successful build, published as a new version readers can open at any time."""

import dagster as dg

from ingestion import settings
from ingestion.warehouse.published import publish
from orchestration.dbt.assets import observatory_dbt_models
from orchestration.resources import WAREHOUSE_POOL, WarehouseResource

MART_KEYS = sorted((key for key in observatory_dbt_models.keys
                    if observatory_dbt_models.group_names_by_key.get(key) == "marts"), key=lambda k: k.path[-1])


@dg.asset(
    key=["published", "marts"],
    deps=MART_KEYS,
    group_name="published",
    kinds={"duckdb", "parquet"},
    owners=["team:analytics-engineering"],
    pool=WAREHOUSE_POOL,
    description=(
        "Every mart of the build, copied into a new immutable version (a DuckDB catalog of tables and one "
        "Parquet file per mart) beside the warehouse (published/<warehouse>/, or OBSERVATORY_PUBLISHED), then "
        "made current atomically. `observatory sql`, the report and analysts read it while a run writes. "
        "Runs only when every mart's build succeeded: a failed build publishes nothing. The newest "
        "OBSERVATORY_PUBLISHED_KEEP versions (default 3) are kept."
    ),
)
def published_marts(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    database = warehouse.resolved_path()
    root = settings.published_dir(database)
    with warehouse.connect(context) as con:
        publication = publish(con, root, run_id=context.run.run_id, keep=settings.published_versions_kept(),
                              warehouse=database.name)
    context.log.info(f"published version {publication.version} of {len(publication.rows)} marts: {publication.path}")
    return dg.MaterializeResult(metadata={
        "version": publication.version,
        "path": dg.MetadataValue.path(str(publication.path)),
        "built_at": publication.built_at.isoformat(),
        "marts": len(publication.rows),
        "rows": dg.MetadataValue.json(publication.rows),
    })
