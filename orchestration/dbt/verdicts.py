"""dbt's test results as rows of the quality history (``quality.check_results``)."""

import json
from collections.abc import Mapping
from typing import Any

import duckdb

from orchestration.dbt.project import translator
from orchestration.quality.results import examples_json

EXAMPLES_PER_TEST = 3
EXAMPLE_CHARS = 1000  # of a failed test's examples in its check's description (the metadata has them all)


def severity(node: Mapping[str, Any]) -> str:
    """ERROR or WARN: a dbt test's configured severity."""
    return "ERROR" if str(node["config"].get("severity", "error")).lower() == "error" else "WARN"


def verdict_row(node: Mapping[str, Any], asset: str, *, passed: bool, failing_rows: int, message: str | None,
                batch: str | None, examples: list[dict] | None = None) -> dict:
    """One dbt test's verdict as a row of the quality history."""
    return {
        "asset": asset,
        "check_name": node["name"],
        "rule": (node.get("test_metadata") or {}).get("name", "singular"),
        "severity": severity(node),
        "passed": passed,
        "failing_rows": failing_rows,
        "expected": (node.get("description") or node["name"])[:500],
        "message": message,
        "batch": batch,
        "examples": examples or [],
    }


def failing_rows(sql: str, limit: str = "") -> str:
    """A data test's SQL (the SELECT of its failing rows) as a subquery, on lines of its own as dbt wraps it: a
    trailing `--` comment in the test cannot swallow the closing bracket."""
    return f"(\n{sql}\n{limit}\n)"


def examples_of(con: duckdb.DuckDBPyConnection, sql: str, limit: int = EXAMPLES_PER_TEST) -> list[dict]:
    """The first ``limit`` failing rows of a data test (its compiled SQL), as plain JSON values (dates and
    decimals as text); none when the query fails now (the test's verdict stands: it was judged already)."""
    try:
        cursor = con.execute(f"select * from {failing_rows(sql)} as failing limit {int(limit)}")
    except duckdb.Error:
        return []
    columns = [d[0] for d in cursor.description]
    rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return json.loads(json.dumps(rows, default=str))


def examples_text(rows: list[dict]) -> str:
    """A failed dbt test's examples as its check's description shows them, models' tests and sources' alike."""
    return f"e.g. {examples_json(rows, EXAMPLE_CHARS)}"


def failing_examples(con: duckdb.DuckDBPyConnection, run_results: Mapping[str, Any],
                     limit: int = EXAMPLES_PER_TEST) -> dict[str, list[dict]]:
    """A few failing rows of every data test that did not pass, by unique id: its compiled query run again on
    the warehouse once dbt has finished (dbt counts the rows; the rows say what to fix, and a row_rules test's
    rows name the rules they break). A query that fails now gives no examples."""
    examples = {}
    for result in run_results.get("results", []):
        sql = result.get("compiled_code")
        if result["status"] not in ("fail", "warn") or not sql or not result["unique_id"].startswith("test."):
            continue
        examples[result["unique_id"]] = examples_of(con, sql, limit)
    return examples


def test_verdicts(run_results: Mapping[str, Any], manifest: Mapping[str, Any],
                  examples: Mapping[str, list[dict]] | None = None) -> list[dict]:
    """The data tests of a dbt invocation as rows of the quality history (skipped tests are left out), with
    the failing rows ``examples`` holds for them (failing_examples)."""
    verdicts = []
    for result in run_results.get("results", []):
        node = manifest["nodes"].get(result["unique_id"])
        if not node or node["resource_type"] != "test" or result["status"] not in ("pass", "fail", "warn", "error"):
            continue
        attached = node.get("attached_node") or next(iter(node["depends_on"]["nodes"]), None)
        parent = manifest["nodes"].get(attached) or manifest["sources"].get(attached)
        asset = translator.get_asset_key(parent).to_user_string() if parent else "(unknown)"
        verdicts.append(verdict_row(node, asset, passed=result["status"] == "pass",
                                    failing_rows=int(result.get("failures") or 0), message=result.get("message"),
                                    batch=run_results.get("metadata", {}).get("invocation_id"),
                                    examples=(examples or {}).get(result["unique_id"])))
    return verdicts
