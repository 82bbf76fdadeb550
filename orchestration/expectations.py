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
and that are appended to ``quality.check_results`` (the quality history).

Great Expectations is imported only when a suite runs, so that loading the Dagster
definitions stays fast.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from collections.abc import Callable
from datetime import datetime, timezone

import duckdb
import pandas as pd

ERROR = "ERROR"
WARN = "WARN"
QUARANTINE = "QUARANTINE"
HUB_EPOCH = "2022-03-02"  # the Hub floors createdAt at 2022-03-02T23:29:04Z
LEADERBOARD_EPOCH = "2023-04-01"  # the Open LLM Leaderboard opened in spring 2023
# Groups are non-capturing: pandas warns when a match pattern captures.
MODEL_ID_REGEX = r"^[^/\s]+/[^/\s]+$"
INTEGER_REGEX = r"^-?\d+$"
NUMBER_REGEX = r"^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$"
ISO_TIMESTAMP_REGEX = r"^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
LEGACY_OR_NAMESPACED_REGEX = r"^(?:[^/\s]+/)?[^/\s]+$"


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


# -- suites ------------------------------------------------------------------------------


def hub_model_rules() -> list[Rule]:
    _, gxe = _gx()
    tomorrow = pd.Timestamp.now(tz="UTC") + pd.Timedelta(days=1)
    hub_epoch = pd.Timestamp(HUB_EPOCH, tz="UTC")
    return [
        Rule("model_id_present", "every record has an id", lambda: gxe.ExpectColumnValuesToNotBeNull(column="model_id")),
        Rule("model_id_format", "ids are namespace/name (a malformed id is quarantined)",
             lambda: gxe.ExpectColumnValuesToMatchRegex(column="model_id", regex=MODEL_ID_REGEX), severity=QUARANTINE),
        Rule("model_id_unique", "one record per id in a crawl", lambda: gxe.ExpectColumnValuesToBeUnique(
            column="model_id")),
        Rule("downloads_is_integer", "downloads is an integer where present", lambda: gxe.ExpectColumnValuesToMatchRegex(
            column="downloads_raw", regex=INTEGER_REGEX)),
        Rule("downloads_not_negative", "downloads >= 0", lambda: gxe.ExpectColumnValuesToBeBetween(
            column="downloads", min_value=0)),
        Rule("likes_not_negative", "likes >= 0", lambda: gxe.ExpectColumnValuesToBeBetween(column="likes", min_value=0)),
        Rule("created_at_is_timestamp", "createdAt is an ISO timestamp where present",
             lambda: gxe.ExpectColumnValuesToMatchRegex(column="created_at_raw", regex=ISO_TIMESTAMP_REGEX)),
        Rule("created_at_plausible", f"createdAt between {HUB_EPOCH} (the Hub's floor) and tomorrow",
             lambda: gxe.ExpectColumnValuesToBeBetween(column="created_at", min_value=hub_epoch, max_value=tomorrow)),
        Rule("last_modified_is_timestamp", "lastModified is an ISO timestamp where present",
             lambda: gxe.ExpectColumnValuesToMatchRegex(column="last_modified_raw", regex=ISO_TIMESTAMP_REGEX)),
        Rule("last_modified_plausible", "lastModified between 2016-01-01 and tomorrow",
             lambda: gxe.ExpectColumnValuesToBeBetween(column="last_modified",
                                                       min_value=pd.Timestamp("2016-01-01", tz="UTC"),
                                                       max_value=tomorrow)),
        Rule("listing_is_public", "the public listing holds no private repos (one that does is quarantined)",
             lambda: gxe.ExpectColumnValuesToBeInSet(column="private", value_set=["false"]), severity=QUARANTINE),
        Rule("gated_known", "gated is false, auto or manual",
             lambda: gxe.ExpectColumnValuesToBeInSet(column="gated", value_set=["false", "auto", "manual"])),
        Rule("params_sane", "parameter counts between 1 thousand and 10 trillion (packed quantized formats "
             "under-report, so this warns)", lambda: gxe.ExpectColumnValuesToBeBetween(
                 column="params", min_value=1e3, max_value=1e13), severity=WARN),
        # Known quirk of real extracts: many records carry no lastModified (and none a createdAt);
        # the marts cope, so a gap is a warning, not an error.
        Rule("last_modified_mostly_present", "most records carry lastModified (gaps are a known quirk of "
             "partial extracts)", lambda: gxe.ExpectColumnValuesToNotBeNull(column="last_modified", mostly=0.9),
             severity=WARN),
    ]


HUB_FRAME_SQL = """
    select
        model_id,
        crawl_id,
        payload ->> '$.downloads' as downloads_raw,
        try_cast(payload ->> '$.downloads' as double) as downloads,
        try_cast(payload ->> '$.likes' as double) as likes,
        payload ->> '$.createdAt' as created_at_raw,
        try_cast(payload ->> '$.createdAt' as timestamptz) as created_at,
        payload ->> '$.lastModified' as last_modified_raw,
        try_cast(payload ->> '$.lastModified' as timestamptz) as last_modified,
        lower(payload ->> '$.private') as private,
        lower(payload ->> '$.gated') as gated,
        coalesce(try_cast(payload ->> '$.safetensors.total' as double),
                 try_cast(payload ->> '$.gguf.total' as double)) as params
    from raw.hub_models
    where crawl_id in (select unnest(?))
"""
HUB_KEYS = ["model_id", "crawl_id"]


LEADERBOARD_LABELS = [
    "pretrained", "continuouslypretrained", "finetunedondomainspecificdatasets", "chatmodels",
    "basemergesandmoerges", "multimodal", "other", "none",
]


def leaderboard_rules() -> list[Rule]:
    _, gxe = _gx()
    tomorrow = pd.Timestamp.now() + pd.Timedelta(days=1)
    return [
        Rule("model_id_present", "every row names a model (a row that names none is quarantined)",
             lambda: gxe.ExpectColumnValuesToNotBeNull(column="model_id"), severity=QUARANTINE),
        Rule("model_id_format", "model ids are namespace/name or a legacy id without namespace (a malformed id "
             "is quarantined)", lambda: gxe.ExpectColumnValuesToMatchRegex(
                 column="model_id", regex=LEGACY_OR_NAMESPACED_REGEX), severity=QUARANTINE),
        # Known quirk: early canonical models (gpt2, distilgpt2) were evaluated under ids without a namespace.
        Rule("model_id_namespaced", "model ids carry a namespace (legacy ids like `gpt2` are a known quirk)",
             lambda: gxe.ExpectColumnValuesToMatchRegex(column="model_id", regex=MODEL_ID_REGEX), severity=WARN),
        Rule("evaluation_unique", "one row per model and precision in each snapshot",
             lambda: gxe.ExpectCompoundColumnsToBeUnique(column_list=["source_name", "model_id", "precision"])),
        Rule("average_is_number", "the average score is a number", lambda: gxe.ExpectColumnValuesToMatchRegex(
            column="average_score", regex=NUMBER_REGEX)),
        Rule("average_in_range", "the average score is within 0..100 (a row outside is quarantined)",
             lambda: gxe.ExpectColumnValuesToBeBetween(column="average", min_value=0, max_value=100),
             severity=QUARANTINE),
        Rule("snapshot_date_plausible", f"snapshot dates between {LEADERBOARD_EPOCH} and tomorrow",
             lambda: gxe.ExpectColumnValuesToBeBetween(column="snapshot_date",
                                                       min_value=pd.Timestamp(LEADERBOARD_EPOCH),
                                                       max_value=tomorrow)),
        Rule("params_is_number", "#params is a number where present", lambda: gxe.ExpectColumnValuesToMatchRegex(
            column="params_b", regex=NUMBER_REGEX)),
        Rule("params_sane", "#params within 0..2000 billion (the real exports use -1 for unknown: a warning)",
             lambda: gxe.ExpectColumnValuesToBeBetween(column="params", min_value=0, max_value=2000), severity=WARN),
        Rule("type_label_known", "type labels reduce to a known type (spelling drift is normalised)",
             lambda: gxe.ExpectColumnValuesToBeInSet(column="type_key", value_set=LEADERBOARD_LABELS), severity=WARN),
        # Known quirks of the real v1 export (../shared/data/README.md), handled by explicit rules:
        Rule("v1_merged_flag_matches_type", "v1: the `merged` flag agrees with the 🤝 merge type (known not to "
             "for many rows: the type label is trusted)", lambda: gxe.ExpectColumnValuesToBeInSet(
                 column="merged_flag_consistent", value_set=[True]), severity=WARN),
        Rule("license_mostly_present", "most rows name a licence (about a quarter of v1 rows do not)",
             lambda: gxe.ExpectColumnValuesToNotBeNull(column="hub_license", mostly=0.6), severity=WARN),
    ]


LEADERBOARD_FRAME_SQL = """
    select
        source_name, row_number, leaderboard_version, nullif(trim(model_id), '') as model_id, precision,
        average_score,
        try_cast(average_score as double) as average,
        cast(snapshot_date as timestamp) as snapshot_date, params_b, try_cast(params_b as double) as params,
        hub_license,
        coalesce(nullif(lower(regexp_replace(regexp_replace(coalesce(model_type_label, ''), '\\(.*\\)', '', 'g'),
                                             '[^A-Za-z]', '', 'g')), ''), 'none') as type_key,
        case when leaderboard_version = 'v1' and is_merged is not null and model_type_label is not null
             then (lower(is_merged) = 'true') = (model_type_label like '%merge%') end as merged_flag_consistent
    from raw.{table}
    where source_name in (select unnest(?))
"""
LEADERBOARD_KEYS = ["source_name", "row_number", "model_id"]


# -- quality history and quarantine ------------------------------------------------------------


_HISTORY_INSERT = """
    insert into quality.check_results by name
    select ? as checked_at, ? as run_id, ? as asset, ? as check_name, ? as rule, ? as severity, ? as passed,
           ? as failing_rows, ? as expected, ? as examples, ? as batch
"""


def record_results(con: duckdb.DuckDBPyConnection, asset: str, check_name: str, results: list[RuleResult],
                   run_id: str | None, batch: str | None = None) -> None:
    """Append one row per rule to quality.check_results (the table is created by ingestion.landing)."""
    now = datetime.now(timezone.utc)
    _append_history(con, [(now, run_id, asset, check_name, r.rule, r.severity, r.passed, r.failing_rows, r.expected,
                           json.dumps(r.examples, default=str), batch) for r in results])


def record_dbt_results(con: duckdb.DuckDBPyConnection, verdicts: list[dict], run_id: str | None) -> None:
    """Append the verdicts of dbt's data tests (see orchestration.dbt.test_verdicts) to quality.check_results."""
    now = datetime.now(timezone.utc)
    _append_history(con, [
        (now, run_id, v["asset"], v["check_name"], v["rule"], v["severity"], v["passed"], v["failing_rows"],
         v["expected"], json.dumps([v["message"]] if v["message"] and not v["passed"] else []), v["batch"])
        for v in verdicts])


def _append_history(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    if rows:  # a check with nothing to compare (a first snapshot) has no verdict to keep
        con.executemany(_HISTORY_INSERT, rows)


def quarantine_rows(con: duckdb.DuckDBPyConnection, asset: str, check_name: str, results: list[RuleResult],
                    run_id: str | None, value_columns: dict[str, str]) -> int:
    """Write every row that failed a QUARANTINE rule to quality.quarantine. Returns the number of rows.

    ``value_columns`` maps a rule to the frame column it tested, to keep the offending value.
    Call ``clear_quarantine`` first for the batch being checked, so that a re-check replaces it.
    """
    now = datetime.now(timezone.utc)
    rows = []
    for r in results:
        for row in r.quarantined:
            value = row.get(value_columns.get(r.rule, ""), row.get("value"))
            rows.append((now, run_id, asset, check_name, r.rule, f"expected {r.expected}; found {value!r}",
                         row.get("model_id"), row.get("crawl_id"), row.get("source_name"), row.get("row_number"),
                         None if value is None else str(value)))
    if rows:
        con.executemany("insert into quality.quarantine values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return len({(r[6], r[7], r[8], r[9]) for r in rows})


# -- Dagster glue --------------------------------------------------------------------------------


def check_result(results: list[RuleResult], extra: dict | None = None, quarantined: int | None = None):
    """An AssetCheckResult: failed with ERROR if an ERROR rule failed, WARN if only others did.

    Its metadata explains itself: a table of the rules (expected, failing rows, examples),
    the rules that failed, and how many rows went to quarantine.
    """
    import dagster as dg

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
        passed=not failed,
        severity=dg.AssetCheckSeverity.ERROR if errors else dg.AssetCheckSeverity.WARN,
        metadata=metadata,
        description=failure_summary(errors or failed) or None,
    )


def failure_summary(failed: list[RuleResult], limit: int = 2000) -> str:
    """One line per failed rule: what was expected, how many rows failed, which ones."""
    lines = [f"{r.rule} [{r.severity}]: expected {r.expected}; {r.failing_rows} rows failed, e.g. "
             f"{json.dumps(r.examples[:3], default=str, ensure_ascii=False)}" for r in failed]
    return "; ".join(lines)[:limit]


def rules_markdown(results: list[RuleResult]) -> str:
    def cell(text) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    lines = ["| rule | severity | verdict | expected | failing rows | examples |", "|---|---|---|---|---|---|"]
    for r in results:
        examples = json.dumps(r.examples[:3], default=str, ensure_ascii=False) if r.examples else ""
        lines.append(f"| {cell(r.rule)} | {r.severity} | {'pass' if r.passed else 'FAIL'} | {cell(r.expected)} "
                     f"| {r.failing_rows} | {cell(examples[:300])} |")
    return "\n".join(lines)


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
