"""Great Expectations suites for the raw landings, run with an ephemeral context.

A suite is a list of ``Rule``s: one expectation each, with a severity and a sentence
saying what is expected. Severities:

- ERROR: the batch is wrong (types, duplicates, impossible counts or dates); the check
  fails and blocks everything downstream in the run.
- QUARANTINE: a row cannot be used but the batch is sound (a malformed id, a score out of
  range); the failing rows go to ``quality.quarantine`` with the rule and the reason, the
  staging models leave them out, and the rest flows on. The check warns.
- WARN: a known quirk or a drift worth seeing; recorded, never blocking.

Running a suite returns plain ``RuleResult``s that the Dagster checks turn into metadata
(``orchestration.quality.results``) and that are appended to ``quality.check_results``, the
quality history (``orchestration.quality.history``). Each source's rules sit beside its checks
(``orchestration/<source>/expectations.py``).

Great Expectations is imported only when a suite runs, so that loading the Dagster
definitions stays fast. Its import costs some 3 s of CPU: a step that waits on the Hub before its gate
runs starts it on a thread of its own (``import_in_background``), so that the gate finds it done.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import sys
import threading
from collections.abc import Callable

import pandas as pd

ERROR = "ERROR"
WARN = "WARN"
QUARANTINE = "QUARANTINE"
# Patterns for text as landed. Groups are non-capturing: pandas warns when a match pattern captures.
INTEGER_REGEX = r"^-?\d+$"
NUMBER_REGEX = r"^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$"
ISO_TIMESTAMP_REGEX = r"^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"


@dataclasses.dataclass(frozen=True)
class Rule:
    name: str
    expected: str  # what is expected, in words
    make: Callable[[], object]  # builds the GX expectation (called with GX imported)
    severity: str = ERROR


@dataclasses.dataclass
class RuleResult:
    rule: str
    severity: str
    passed: bool
    expected: str
    failing_rows: int
    examples: list  # a few failing rows: their key columns and the offending value
    quarantined: list = dataclasses.field(default_factory=list)  # QUARANTINE rules: every failing row

    def as_metadata(self) -> dict:
        return {"passed": self.passed, "severity": self.severity, "expected": self.expected,
                "failing_rows": self.failing_rows, "examples": self.examples}


def gx_expectations():
    """``great_expectations.expectations``, imported on first use (rules are built lazily)."""
    return _gx()[1]


def import_in_background() -> None:
    """Start importing Great Expectations on a thread of its own, unless it is imported already."""
    if "great_expectations.expectations" not in sys.modules:
        threading.Thread(target=_gx, name="import-great-expectations", daemon=True).start()


def _gx():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    import great_expectations as gx
    import great_expectations.expectations as gxe

    return gx, gxe


def run_suite(frame: pd.DataFrame, rules: list[Rule], suite_name: str, keys: list[str]) -> list[RuleResult]:
    """Validate a DataFrame against rules in an ephemeral GX context.

    ``keys`` name the columns that identify a row (shown with every failing example). Rules of
    severity QUARANTINE are validated with the complete list of failing rows; the others keep
    five examples.
    """
    if frame.empty:
        return [RuleResult(r.name, r.severity, True, r.expected, 0, []) for r in rules]
    gx, _ = _gx()
    context = gx.get_context(mode="ephemeral")
    try:
        context.variables.progress_bars = {"globally": False}
    except Exception:  # noqa: BLE001 - only cosmetic
        pass
    asset = context.data_sources.add_pandas(f"{suite_name}_source").add_dataframe_asset(suite_name)
    batch = asset.add_batch_definition_whole_dataframe("whole").get_batch(batch_parameters={"dataframe": frame})
    by_rule = {r.name: r for r in rules}
    results: dict[str, RuleResult] = {}
    for complete in (False, True):
        chosen = [r for r in rules if (r.severity == QUARANTINE) == complete]
        if not chosen:
            continue
        suite = context.suites.add(gx.ExpectationSuite(name=f"{suite_name}_{'rows' if complete else 'batch'}"))
        for rule in chosen:
            expectation = rule.make()
            expectation.meta = {"rule": rule.name}
            suite.add_expectation(expectation)
        result_format = {"result_format": "COMPLETE" if complete else "SUMMARY", "partial_unexpected_count": 5,
                         "unexpected_index_column_names": keys, "return_unexpected_index_query": False}
        validation = batch.validate(suite, result_format=result_format)
        for item in validation.results:
            rule = by_rule[item.expectation_config.meta["rule"]]
            details = item.result or {}
            failing = details.get("unexpected_index_list" if complete else "partial_unexpected_index_list") or []
            failing = [{k: _plain(v) for k, v in row.items()} for row in failing]
            if not failing and not item.success:  # aggregate expectations (e.g. uniqueness) list values only
                failing = [{"value": _plain(v)} for v in (details.get("partial_unexpected_list") or [])]
            results[rule.name] = RuleResult(
                rule=rule.name, severity=rule.severity, passed=bool(item.success), expected=rule.expected,
                failing_rows=int(details.get("unexpected_count") or (0 if item.success else 1)),
                examples=failing[:5], quarantined=failing if complete else [],
            )
    return [results[r.name] for r in rules]


def _plain(value):
    if value is None or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        try:
            value = value.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def volume_rule(name: str, previous: int | None, current: int, max_drop: float, severity: str) -> RuleResult:
    """A snapshot that lost more than max_drop of the previous one's rows."""
    if not previous:
        return RuleResult(name, severity, True, f"no more than {max_drop:.0%} fewer rows than the previous snapshot",
                          0, [])
    lost = (previous - current) / previous
    return RuleResult(name, severity, lost <= max_drop,
                      f"no more than {max_drop:.0%} fewer rows than the previous snapshot",
                      max(0, previous - current), [{"previous_rows": previous, "current_rows": current,
                                                    "share_lost": round(lost, 4)}])
