"""dbt models as Dagster assets: staging, intermediate and marts, grouped by folder; tests become checks."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets

from orchestration.dbt_paths import DBT_PROJECT_DIR, KEEP_INVOCATION_DIRS, prune_invocation_dirs
from orchestration.table_metadata import table_metadata
from orchestration.resources import WAREHOUSE_POOL, WarehouseResource

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)

class ObservatoryTranslator(DagsterDbtTranslator):
    """Groups follow the dbt folders (staging, intermediate, marts, seeds); sources map to raw assets."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "seeds"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "dbt"

    def get_owners(self, dbt_resource_props: Mapping[str, Any]):
        return ["team:analytics-engineering"]

translator = ObservatoryTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))

@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, dagster_dbt_translator=translator,
            pool=WAREHOUSE_POOL)
def observatory_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    """`dbt build`: seeds, models and their tests, in dependency order.

    A test of severity error that fails makes dbt skip every model downstream of it, so their last
    good tables stay as they were; warnings are recorded. Every test verdict is appended to
    quality.check_results, next to the verdicts of the Great Expectations checks.
    """
    with warehouse.write_lock(context):  # dbt writes the same DuckDB file: one writer at a time
        invocation = dbt.cli(["build"], context=context, raise_on_error=False)
        # dbt holds the DuckDB file while it runs (no other process may open it, even to read), so the
        # events are collected and described (row counts, schemas, previews) once dbt has finished.
        # dbt's own log streams to the step's output meanwhile.
        events = list(invocation.stream())
        try:
            results = test_verdicts(invocation.get_artifact("run_results.json"),
                                    invocation.get_artifact("manifest.json"))
        except FileNotFoundError:  # dbt failed before it ran anything
            results = []
        with warehouse.connect(context) as con:
            if results:
                from orchestration.expectations import record_dbt_results

                record_dbt_results(con, results, context.run.run_id)
            for event in events:
                yield with_table_metadata(context, con, event)
    prune_invocation_dirs(Path(invocation.target_path).parent, keep=KEEP_INVOCATION_DIRS)
    if not invocation.is_successful():
        failed = [f"{r['check_name']} on {r['asset']} ({r['failing_rows']} failing rows)" for r in results
                  if not r["passed"] and r["severity"] == "ERROR"]
        raise dg.Failure(
            description="dbt build failed" + (f": tests of severity error failed: {'; '.join(failed)}" if failed
                                              else "; see the dbt output above"),
            metadata={"failed_tests": dg.MetadataValue.json(failed)},
        )


def with_table_metadata(context: dg.AssetExecutionContext, con, event):
    """A dbt model's materialization with what its asset page shows: row count (tables only: counting
    a view would run it), column schema with the dbt descriptions, and for marts a preview."""
    if not isinstance(event, dg.Output | dg.AssetMaterialization):
        return event
    key = context.asset_key_for_output(event.output_name) if isinstance(event, dg.Output) else event.asset_key
    spec = observatory_dbt_models.specs_by_key.get(key)
    table_name = spec.metadata.get("dagster/table_name") if spec else None
    if not table_name:
        return event
    documented = spec.metadata.get("dagster/column_schema")
    descriptions = {c.name: c.description for c in documented.columns} if documented else {}
    is_view = spec.metadata.get("dagster-dbt/materialization_type") == "view"
    try:
        extra = table_metadata(con, table_name, count_rows=not is_view, preview=spec.group_name == "marts",
                               descriptions=descriptions)
    except duckdb.Error as error:  # describing is a courtesy: never fail the build over it
        context.log.warning(f"could not describe {table_name}: {error}")
        return event
    return event.with_metadata({**event.metadata, **extra})


def test_verdicts(run_results: Mapping[str, Any], manifest: Mapping[str, Any]) -> list[dict]:
    """The data tests of a dbt invocation as rows of the quality history (skipped tests are left out)."""
    verdicts = []
    for result in run_results.get("results", []):
        node = manifest["nodes"].get(result["unique_id"])
        if not node or node["resource_type"] != "test" or result["status"] not in ("pass", "fail", "warn", "error"):
            continue
        attached = node.get("attached_node") or next(iter(node["depends_on"]["nodes"]), None)
        parent = manifest["nodes"].get(attached) or manifest["sources"].get(attached)
        asset = translator.get_asset_key(parent).to_user_string() if parent else "(unknown)"
        verdicts.append({
            "asset": asset,
            "check_name": node["name"],
            "rule": (node.get("test_metadata") or {}).get("name", "singular"),
            "severity": "ERROR" if str(node["config"].get("severity", "error")).lower() == "error" else "WARN",
            "passed": result["status"] == "pass",
            "failing_rows": int(result.get("failures") or 0),
            "expected": (node.get("description") or node["name"])[:500],
            "message": result.get("message"),
            "batch": run_results.get("metadata", {}).get("invocation_id"),
        })
    return verdicts
