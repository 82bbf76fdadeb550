"""dbt's test results as rows of the quality history (``quality.check_results``)."""

from collections.abc import Mapping
from typing import Any

from orchestration.dbt.project import translator


def severity(node: Mapping[str, Any]) -> str:
    """ERROR or WARN: a dbt test's configured severity."""
    return "ERROR" if str(node["config"].get("severity", "error")).lower() == "error" else "WARN"


def verdict_row(node: Mapping[str, Any], asset: str, *, passed: bool, failing_rows: int, message: str | None,
                batch: str | None) -> dict:
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
    }


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
        verdicts.append(verdict_row(node, asset, passed=result["status"] == "pass",
                                    failing_rows=int(result.get("failures") or 0), message=result.get("message"),
                                    batch=run_results.get("metadata", {}).get("invocation_id")))
    return verdicts
