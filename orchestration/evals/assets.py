"""The evaluation sources that are not part of a model's record: the registered benchmarks (their specs and
leaderboards) and MTEB's results dataset (one partition per revision). ``ingestion.evals`` does the work."""

import dagster as dg
from pydantic import Field

from ingestion.evals.load import MTEB_REPO_ID, load_benchmarks, load_mteb_revision
from orchestration.evals.partitions import MTEB_REVISION_TAG, mteb_revisions, resolve_mteb_revision
from orchestration.leaderboard.partitions import split_revision_key
from orchestration.metadata import column_schema
from orchestration.reliability import fail_fast, step_retry_policy
from orchestration.resources import WAREHOUSE_POOL, HubResource, WarehouseResource


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key=["raw", "hub_benchmarks"], group_name="raw", kinds={"python", "duckdb"},
            owners=["team:data-engineering"],
            description=(
                "The registered benchmarks (`list_datasets(benchmark='official')`): each one's `eval.yaml` (its "
                "tasks, one leaderboard each), read again only when the dataset has a new revision. A spec that "
                "departs from the format is landed with its problems listed, never dropped."),
        ),
        dg.AssetSpec(
            key=["raw", "hub_benchmark_leaderboards"], group_name="raw", kinds={"python", "duckdb"},
            owners=["team:data-engineering"],
            description="Each registered benchmark's leaderboard on the Hub (`get_dataset_leaderboard`, every "
                        "model: `base_model_only=False`), replaced per benchmark at each refresh.",
        ),
    ],
    pool=WAREHOUSE_POOL,
    retry_policy=step_retry_policy(),
)
def hub_benchmarks(context: dg.AssetExecutionContext, warehouse: WarehouseResource, hub: HubResource):
    client = hub.client()
    with fail_fast(), warehouse.connect(context) as con:
        result = load_benchmarks(con, client, hub.cache_dir(), progress=context.log.info)
        counts = dict(con.execute("select 'specs', count(*) from raw.hub_benchmarks union all "
                                  "select 'rows', count(*) from raw.hub_benchmark_leaderboards").fetchall())
        schemas = {t: column_schema(con, "raw", t) for t in ("hub_benchmarks", "hub_benchmark_leaderboards")}
    if result.failures:
        context.log.warning(f"{len(result.failures)} benchmarks could not be read: {result.failures}")
    yield dg.MaterializeResult(asset_key=["raw", "hub_benchmarks"], metadata={
        "registered": result.registered,
        "specs_read_anew": result.fetched,
        "unchanged": result.unchanged,
        "departing_from_the_format": dg.MetadataValue.json(result.invalid),
        "not_read": dg.MetadataValue.json(result.failures),
        "dagster/row_count": counts.get("specs", 0),
        "dagster/column_schema": schemas["hub_benchmarks"],
    })
    yield dg.MaterializeResult(asset_key=["raw", "hub_benchmark_leaderboards"], metadata={
        "rows_landed": result.leaderboard_rows,
        "dagster/row_count": counts.get("rows", 0),
        "dagster/column_schema": schemas["hub_benchmark_leaderboards"],
    })


class MtebConfig(dg.Config):
    """Which MTEB tasks to land (their `<Task>.json` files); empty: every task of the revision."""

    tasks: list[str] = Field(default_factory=list)


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key=["raw", "mteb_results"], group_name="raw", kinds={"python", "duckdb"},
            owners=["team:data-engineering"],
            description=(
                f"MTEB's results (`{MTEB_REPO_ID}` on the Hub) at one revision per partition, read in the published "
                "layout: one row per model x revision x task x split x subset with its main_score. A re-run "
                "replaces that revision's rows; files that cannot be read go to raw.mteb_results_quarantine."),
        ),
        dg.AssetSpec(
            key=["raw", "mteb_models"], group_name="raw", kinds={"python", "duckdb"},
            owners=["team:data-engineering"],
            description="MTEB's model descriptions (`model_meta.json`: Hub id, revision, release date, "
                        "parameters, licence, `adapted_from` = the base model), landed with the results.",
        ),
    ],
    partitions_def=mteb_revisions,
    pool=WAREHOUSE_POOL,
    retry_policy=step_retry_policy(),
)
def mteb_results(context: dg.AssetExecutionContext, config: MtebConfig, warehouse: WarehouseResource,
                 hub: HubResource):
    key = context.partition_key
    client = hub.client()
    with fail_fast(), warehouse.connect(context) as con:
        revision = resolve_mteb_revision(key, context.run.tags.get(MTEB_REVISION_TAG), con, client)
        result = load_mteb_revision(con, client, hub.cache_dir(), revision, tasks=config.tasks or None,
                                    progress=context.log.info)
        schemas = {t: column_schema(con, "raw", t) for t in ("mteb_results", "mteb_models")}
    day, _ = split_revision_key(key)
    yield dg.MaterializeResult(asset_key=["raw", "mteb_results"], metadata={
        "revision": revision,
        "revision_date": day,
        "scores": result.results,
        "scores_per_task": dg.MetadataValue.json(result.per_task),
        "files_quarantined": result.quarantined,
        "dagster/row_count": result.results,
        "dagster/column_schema": schemas["mteb_results"],
    })
    yield dg.MaterializeResult(asset_key=["raw", "mteb_models"], metadata={
        "revision": revision,
        "dagster/row_count": result.models,
        "dagster/column_schema": schemas["mteb_models"],
    })
