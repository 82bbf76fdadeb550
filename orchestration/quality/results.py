"""Check verdicts as Dagster asset check results: metadata that explains itself."""

from __future__ import annotations

import json

import dagster as dg

from orchestration.quality.suites import ERROR, RuleResult


def check_result(results: list[RuleResult], extra: dict | None = None, quarantined: int | None = None,
                 **target) -> dg.AssetCheckResult:
    """An AssetCheckResult: failed with ERROR if an ERROR rule failed, WARN if only others did.

    Its metadata explains itself: a table of the rules (expected, failing rows, examples),
    the rules that failed, and how many rows went to quarantine.
    """
    failed = [r for r in results if not r.passed]
    errors = [r for r in failed if r.severity == ERROR]
    metadata = {
        "rules_checked": len(results),
        "rules_failed": len(failed),
        "failed_rules": ", ".join(f"{r.rule} [{r.severity}] ({r.failing_rows} rows)" for r in failed) or "(none)",
        "rules": dg.MetadataValue.md(rules_markdown(results)),
        "results": dg.MetadataValue.json({r.rule: r.as_metadata() for r in results}),
        **({"quarantined_rows": quarantined} if quarantined is not None else {}),
        **(extra or {}),
    }
    return dg.AssetCheckResult(
        **target,  # asset_key and check_name, where one step runs several checks
        passed=not failed,
        severity=dg.AssetCheckSeverity.ERROR if errors else dg.AssetCheckSeverity.WARN,
        metadata=metadata,
        description=failure_summary(errors or failed) or None,
    )


def failure_summary(failed: list[RuleResult], limit: int = 2000, example_chars: int = 300) -> str:
    """One line per failed rule: what was expected, how many rows failed, which ones. A rule that blocks the
    batch (severity ERROR) shows its examples whole, as far as ``limit`` allows: they say what to fix. Other
    rules' examples are cut at ``example_chars`` (the check's metadata and quality.check_results keep them)."""
    def examples(r: RuleResult) -> str:
        return examples_json(r.examples, None if r.severity == ERROR else example_chars)

    lines = [f"{r.rule} [{r.severity}]: expected {r.expected}; {r.failing_rows} rows failed, e.g. {examples(r)}"
             for r in failed]
    return "; ".join(lines)[:limit]


def rules_markdown(results: list[RuleResult]) -> str:
    def cell(text) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    lines = ["| rule | severity | verdict | expected | failing rows | examples |", "|---|---|---|---|---|---|"]
    for r in results:
        examples = examples_json(r.examples) if r.examples else ""
        lines.append(f"| {cell(r.rule)} | {r.severity} | {'pass' if r.passed else 'FAIL'} | {cell(r.expected)} "
                     f"| {r.failing_rows} | {cell(examples[:300])} |")
    return "\n".join(lines)


def examples_json(examples: list, limit: int | None = None) -> str:
    """The first three examples of a failed rule or test as one line of JSON, cut at ``limit`` characters."""
    text = json.dumps(examples[:3], default=str, ensure_ascii=False)
    return text if limit is None or len(text) <= limit else text[:limit] + " ..."
