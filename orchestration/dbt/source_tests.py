"""dbt's tests on sources, shown as asset checks on the raw assets they test.

dbt's tests of a source (``data_tests`` under ``sources:`` in dbt_project/models/staging/_raw__sources.yml)
test what the ingestion assets landed, so their verdicts belong on the raw assets' pages, not on a model's.
They run in the gate step of the raw asset (orchestration/hub/checks.py), after the gate has accepted a
crawl and made it visible; the main `dbt build` leaves them out (SOURCE_TESTS_EXCLUDED), so each runs once.
Their checks are blocking: a failed one stops every dbt model downstream, as it stopped them inside
`dbt build` before.

dbt compiles them (`dbt compile` of the source tests, once per change of their definitions, kept in
target/source_tests.json) and the gate runs the compiled SQL on its own connection, judged as `dbt test`
judges it (``fail_calc``, ``warn_if``, ``error_if``, severity). A `dbt test` process per gate run cost about
3.5 s of dbt's start for a few milliseconds of SQL.

(dagster-dbt's own ``enable_source_tests_as_checks`` would put these checks inside the dbt step, and Dagster
exempts a step that checks an asset from waiting for that asset's other blocking checks: the dbt build
would then no longer wait for the gate. Hence this module.)
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
import uuid
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb

from orchestration.dbt.project import (
    DBT_PROJECT_DIR,
    dbt_executable,
    dbt_project,
    one_at_a_time,
    translator,
)
from orchestration.dbt.verdicts import examples_of, examples_text, failing_rows, severity, verdict_row

SOURCE_TESTS_EXCLUDED = "source:*"  # what the main dbt build leaves to the raw assets' gates
COMPILED = DBT_PROJECT_DIR / "target" / "source_tests.json"  # the compiled SQL of every source test
# the warehouse name the tests are compiled against: dbt-duckdb qualifies a relation with the warehouse file's
# name, which the SQL loses before it runs on a warehouse of any name
PLACEHOLDER_CATALOG = "observatory_source_tests"


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
    return dg.AssetCheckSeverity.ERROR if severity(node) == "ERROR" else dg.AssetCheckSeverity.WARN


def source_test_specs(asset_keys: Iterable[dg.AssetKey]) -> list[dg.AssetCheckSpec]:
    """One blocking check per dbt source test of ``asset_keys``."""
    specs = []
    for node, source, key in source_tests(asset_keys):
        rule = (node.get("test_metadata") or {}).get("name", "singular")
        column = node.get("column_name")
        described = node.get("description") or (
            f"dbt test `{rule}`" + (f" on column {column}" if column else "")
            + f" of source {source['source_name']}.{source['name']} ({source['original_file_path']}); "
            + f"severity {_severity(node).value}. Compiled by dbt, run by the gate after it accepts a crawl.")
        specs.append(dg.AssetCheckSpec(node["name"], asset=key, blocking=True, description=described))
    return specs


@cache
def _definitions_stamp() -> str:
    """What the compiled SQL of the source tests depends on: their definitions, the macros that render them
    (however deep: a project may override a generic test), the sources they read, and the dbt that compiles
    them; not the manifest's timestamps, which change at every parse. Once per process (the manifest is read
    once too)."""
    manifest = _manifest()
    tests = [(uid, n["raw_code"], n.get("test_metadata"), n["config"], n["depends_on"])
             for uid, n in sorted(manifest["nodes"].items())
             if n["resource_type"] == "test" and any(p in manifest["sources"] for p in n["depends_on"]["nodes"])]
    macros, pending = {}, [m for test in tests for m in test[4].get("macros", [])]
    while pending:
        macro = manifest["macros"].get(pending.pop())
        if macro and macro["unique_id"] not in macros:
            macros[macro["unique_id"]] = macro["macro_sql"]
            pending += macro["depends_on"]["macros"]
    sources = sorted((uid, s["schema"], s["identifier"]) for uid, s in manifest["sources"].items())
    key = json.dumps([tests, sorted(macros.items()), sources, manifest["metadata"].get("dbt_version")],
                     sort_keys=True, default=str)
    return hashlib.sha256(key.encode()).hexdigest()


def compiled_source_tests() -> dict[str, str]:
    """The SQL of every dbt test on a source (unique id -> SELECT of the failing rows), compiled by dbt and
    kept in COMPILED until the tests' definitions change. Its relations name no warehouse: the SQL runs on
    the connection's own. Processes that ask at once compile one after the other, not together."""
    stamp = _definitions_stamp()

    def kept() -> dict[str, str] | None:
        try:
            saved = json.loads(COMPILED.read_text())
        except (OSError, ValueError):
            return None
        return saved["tests"] if saved.get("stamp") == stamp else None

    if (tests := kept()) is not None:
        return tests
    with one_at_a_time(COMPILED.parent / ".source_tests.lock"):
        if (tests := kept()) is not None:
            return tests  # compiled by the process we waited for
        with tempfile.TemporaryDirectory(prefix="source-tests-") as scratch:
            env = dict(os.environ, OBSERVATORY_WAREHOUSE=str(Path(scratch) / f"{PLACEHOLDER_CATALOG}.duckdb"))
            done = subprocess.run(
                [dbt_executable(), "compile", "--select", "test_type:generic,source:*", "--quiet",
                 "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
                 "--target-path", str(Path(scratch) / "target")],
                env=env, cwd=DBT_PROJECT_DIR, capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"dbt could not compile the tests of the sources (exit {done.returncode}): "
                                   + (done.stdout + done.stderr).strip()[-2000:])
            compiled = json.loads((Path(scratch) / "target" / "manifest.json").read_text())
        qualifier = f'"{PLACEHOLDER_CATALOG}".'
        tests = {uid: n["compiled_code"].replace(qualifier, "") for uid, n in compiled["nodes"].items()
                 if n["resource_type"] == "test" and n.get("compiled_code")}
        aside = COMPILED.with_name(f"{COMPILED.name}.{os.getpid()}.tmp")
        aside.write_text(json.dumps({"stamp": stamp, "tests": tests}, indent=1))
        os.replace(aside, COMPILED)
        return tests


def judge(con: duckdb.DuckDBPyConnection, node: dict, sql: str) -> tuple[str, int]:
    """A test's status ('pass', 'warn' or 'fail') and its failure count, as `dbt test` judges them: the
    test's ``fail_calc`` over its failing rows, against ``warn_if`` and ``error_if``, by its severity."""
    config = node["config"]
    fail_calc = config.get("fail_calc") or "count(*)"
    limit = f"limit {int(config['limit'])}" if config.get("limit") is not None else ""
    failures, should_warn, should_error = con.execute(
        f"select {fail_calc} as failures, {fail_calc} {config.get('warn_if') or '!= 0'} as should_warn, "
        f"{fail_calc} {config.get('error_if') or '!= 0'} as should_error "
        f"from {failing_rows(sql, limit)} as dbt_internal_test").fetchone()
    if _severity(node) == dg.AssetCheckSeverity.ERROR and should_error:
        return "fail", int(failures or 0)
    return ("warn" if should_warn else "pass"), int(failures or 0)


def run_source_tests(context, con: duckdb.DuckDBPyConnection,
                     asset_keys: Iterable[dg.AssetKey]) -> tuple[list[dict], list[dg.AssetCheckResult]]:
    """Run the dbt tests of the sources of ``asset_keys`` on ``con``; returns their verdicts (rows of the
    quality history, as orchestration/dbt/verdicts.py makes them from dbt's run results) and one
    AssetCheckResult per test. A test that could not run (not compiled, or its SQL failed) fails, saying why."""
    tests = source_tests(asset_keys)
    if not tests:
        return [], []
    try:
        compiled = compiled_source_tests()
        not_compiled = None
    except RuntimeError as error:
        compiled, not_compiled = {}, str(error)
        context.log.error(not_compiled)
    batch = f"source-tests-{uuid.uuid4().hex[:12]}"
    verdicts, results = [], []
    for node, source, key in tests:
        sql = compiled.get(node["unique_id"])
        try:
            if sql is None:
                raise RuntimeError(not_compiled or f"dbt compiled no SQL for {node['unique_id']}")
            status, failures = judge(con, node, sql)
        except (duckdb.Error, RuntimeError) as error:
            context.log.error(f"the dbt source test {node['name']} could not run: {error}")
            results.append(dg.AssetCheckResult(
                asset_key=key, check_name=node["name"], passed=False, severity=_severity(node),
                description=f"this dbt test could not run: {str(error)[:500]}"))
            continue
        configured = node["config"].get("error_if" if status == "fail" else "warn_if") or "!= 0"
        message = None if status == "pass" else (
            f"Got {failures} result{'s' if failures != 1 else ''}, configured to "
            f"{'fail' if status == 'fail' else 'warn'} if {configured}")
        examples = [] if status == "pass" else examples_of(con, sql)
        verdict = verdict_row(node, key.to_user_string(), passed=status == "pass", failing_rows=failures,
                              message=message, batch=batch, examples=examples)
        verdicts.append(verdict)
        metadata = {"failing_rows": failures, "rule": verdict["rule"], "dbt_test": node["unique_id"],
                    "defined_in": node["original_file_path"], "source": f"{source['source_name']}.{source['name']}"}
        if examples:
            metadata["examples"] = dg.MetadataValue.json(examples)
        results.append(dg.AssetCheckResult(
            asset_key=key, check_name=node["name"], passed=verdict["passed"], severity=_severity(node),
            description=message and (message + (f"; {examples_text(examples)}" if examples else "")),
            metadata=metadata))
    return verdicts, results
