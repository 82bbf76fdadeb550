"""dbt models as Dagster assets: staging, intermediate and marts, grouped by folder; tests become checks."""

from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.dbt.project import (
    KEEP_INVOCATION_DIRS,
    dbt_project,
    prune_invocation_dirs,
    translator,
)
from orchestration.dbt.parse_cache import keep_parse
from orchestration.dbt.source_tests import SOURCE_TESTS_EXCLUDED
from orchestration.dbt.verdicts import examples_text, failing_examples, test_verdicts
from orchestration.metadata import table_metadata
from orchestration.quality.history import record_dbt_results
from orchestration.resources import WAREHOUSE_POOL, WarehouseResource


# the tests on sources run in the raw assets' gates (source_tests.py), not here
@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, dagster_dbt_translator=translator,
            exclude=SOURCE_TESTS_EXCLUDED, pool=WAREHOUSE_POOL)
def observatory_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    """`dbt build`: seeds, models and their tests, in dependency order.

    A test of severity error that fails makes dbt skip every model downstream of it, so their last
    good tables stay as they were; warnings are recorded. Every test verdict is appended to
    quality.check_results, next to the verdicts of the Great Expectations checks.
    """
    with warehouse.write_lock(context):  # dbt writes the same DuckDB file: one writer at a time
        # dbt's unit tests check the SQL, not the data: they run in the test suite
        # (tests/integration/test_dbt_unit_tests.py), not in every build
        invocation = dbt.cli(["build", "--exclude-resource-type", "unit_test"], context=context, raise_on_error=False)
        # dbt holds the DuckDB file while it runs (no other process may open it, even to read), so the
        # events are collected and described (row counts, schemas, previews) once dbt has finished.
        # dbt's own log streams to the step's output meanwhile.
        events = list(invocation.stream())
        keep_parse(invocation.target_path)
        with warehouse.connect(context) as con:
            try:
                run_results = invocation.get_artifact("run_results.json")
                examples = failing_examples(con, run_results)
                results = test_verdicts(run_results, invocation.get_artifact("manifest.json"), examples)
            except FileNotFoundError:  # dbt failed before it ran anything
                results, examples = [], {}
            if results:
                record_dbt_results(con, results, context.run.run_id)
            for event in events:
                yield with_examples(with_table_metadata(context, con, event), examples)
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


def with_examples(event, examples: dict[str, list[dict]]):
    """A failed dbt test's check result with a few of its failing rows (failing_examples), in its description
    (the demo prints it) and its metadata."""
    if not isinstance(event, dg.AssetCheckResult) or event.passed:
        return event

    def value(name):  # dagster-dbt's metadata, raw or wrapped
        raw = event.metadata.get(name)
        return getattr(raw, "value", raw)

    rows = examples.get(str(value("unique_id")))
    if not rows:
        return event
    failing = value("dagster_dbt/failed_row_count")
    count = f"{failing} failing rows" if failing is not None else "failing rows"
    return event._replace(metadata={**event.metadata, "examples": dg.MetadataValue.json(rows)},
                          description=f"{count}, {examples_text(rows)}")


def with_dbt_inputs(selection: dg.AssetSelection) -> dg.AssetSelection:
    """A job that rebuilds part of the dbt graph: ``selection`` and every dbt model, seed and view the
    selected dbt models read, however far up. On a warehouse where no full build has run yet those would
    not exist otherwise (a view reads the quarantine, a Hub mart reads the leaderboard's tables)."""
    return selection | (selection.upstream() & dg.AssetSelection.assets(observatory_dbt_models))
