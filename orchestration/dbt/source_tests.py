"""dbt's tests on sources, shown as asset checks on the raw assets they test.

dbt's tests of a source (``data_tests`` under ``sources:`` in dbt_project/models/staging/_raw__sources.yml)
test what the ingestion assets landed, so their verdicts belong on the raw assets' pages, not on a model's.
They run in the gate step of the raw asset (orchestration/hub/checks.py), after the gate has accepted a
crawl and made it visible, as `dbt test --select source:...`; the main `dbt build` leaves them out
(SOURCE_TESTS_EXCLUDED), so each runs once. Their checks are blocking: a failed one stops every dbt model
downstream, as it stopped them inside `dbt build` before.

(dagster-dbt's own ``enable_source_tests_as_checks`` would put these checks inside the dbt step, and Dagster
exempts a step that checks an asset from waiting for that asset's other blocking checks: the dbt build
would then no longer wait for the gate. Hence this module.)
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.dbt.project import dbt_project, keep_parse, prune_invocation_dirs, translator
from orchestration.dbt.verdicts import test_verdicts

SOURCE_TESTS_EXCLUDED = "source:*"  # what the main dbt build leaves to the raw assets' gates
INVOCATION_PREFIX = "raw_source_tests-"
KEEP_INVOCATION_DIRS = 3


@cache
def _manifest() -> dict[str, Any]:
    return json.loads(Path(dbt_project.manifest_path).read_text())


def source_tests(asset_keys: Iterable[dg.AssetKey]) -> list[tuple[dict, dict, dg.AssetKey]]:
    """The dbt tests of the sources mapped to ``asset_keys``: (test node, source node, asset key) each,
    in a stable order."""
    manifest = _manifest()
    wanted = set(asset_keys)
    found = []
    for unique_id in sorted(manifest["nodes"]):
        node = manifest["nodes"][unique_id]
        if node["resource_type"] != "test":
            continue
        for parent_id in node["depends_on"]["nodes"]:
            source = manifest["sources"].get(parent_id)
            if source and (key := translator.get_asset_key(source)) in wanted:
                found.append((node, source, key))
                break
    return found


def _severity(node: dict) -> dg.AssetCheckSeverity:
    error = str(node["config"].get("severity", "error")).lower() == "error"
    return dg.AssetCheckSeverity.ERROR if error else dg.AssetCheckSeverity.WARN


def source_test_specs(asset_keys: Iterable[dg.AssetKey]) -> list[dg.AssetCheckSpec]:
    """One blocking check per dbt source test of ``asset_keys``."""
    specs = []
    for node, source, key in source_tests(asset_keys):
        rule = (node.get("test_metadata") or {}).get("name", "singular")
        column = node.get("column_name")
        described = node.get("description") or (
            f"dbt test `{rule}`" + (f" on column {column}" if column else "")
            + f" of source {source['source_name']}.{source['name']} ({source['original_file_path']}); "
            + f"severity {_severity(node).value}. Run by dbt after the gate accepts a crawl.")
        specs.append(dg.AssetCheckSpec(node["name"], asset=key, blocking=True, description=described))
    return specs


def source_test_selection(asset_keys: Iterable[dg.AssetKey]) -> list[str]:
    """dbt selectors (`source:raw.hub_models`) of the sources with tests among ``asset_keys``."""
    return sorted({f"source:{s['source_name']}.{s['name']}" for _, s, _ in source_tests(asset_keys)})


def run_source_tests(context, dbt: DbtCliResource,
                     asset_keys: Iterable[dg.AssetKey]) -> tuple[list[dict], list[dg.AssetCheckResult]]:
    """Run the dbt tests of the sources of ``asset_keys``; returns their verdicts (rows of the quality history)
    and one AssetCheckResult per test. A test dbt did not run (dbt failed first) fails and points at dbt's output.

    The caller holds the warehouse write lock and has no connection open: dbt opens the DuckDB file itself.
    """
    keys = list(asset_keys)
    tests = source_tests(keys)
    if not tests:
        return [], []
    target_root = Path(dbt_project.project_dir) / "target"
    target = target_root / f"{INVOCATION_PREFIX}{uuid.uuid4().hex[:8]}"
    selection = " ".join(source_test_selection(keys))  # one argument: dagster-dbt reorders several
    invocation = dbt.cli(["test", "--select", selection], manifest=dbt_project.manifest_path,
                         dagster_dbt_translator=translator, target_path=target, raise_on_error=False)
    invocation.wait()
    keep_parse(invocation.target_path)
    try:
        verdicts = test_verdicts(invocation.get_artifact("run_results.json"), _manifest())
    except FileNotFoundError:
        verdicts = []
    prune_invocation_dirs(target_root, keep=KEEP_INVOCATION_DIRS, prefix=INVOCATION_PREFIX)
    by_name = {v["check_name"]: v for v in verdicts}
    results = []
    for node, _source, key in tests:
        verdict = by_name.get(node["name"])
        if verdict is None:
            context.log.error(f"dbt did not run the source test {node['name']}; see dbt's output above")
            results.append(dg.AssetCheckResult(
                asset_key=key, check_name=node["name"], passed=False, severity=_severity(node),
                description="dbt did not run this test (dbt failed before it; see the step's output)"))
            continue
        results.append(dg.AssetCheckResult(
            asset_key=key, check_name=node["name"], passed=verdict["passed"], severity=_severity(node),
            description=None if verdict["passed"] else (verdict["message"] or "the dbt test failed"),
            metadata={"failing_rows": verdict["failing_rows"], "rule": verdict["rule"],
                      "dbt_test": node["unique_id"], "defined_in": node["original_file_path"]}))
    return verdicts, results
