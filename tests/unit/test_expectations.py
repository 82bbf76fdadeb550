"""The Great Expectations suites: each rule catches what it says, names the failing rows, and
row-level rules hand every failing row to quarantine."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from ingestion.warehouse import connect
from orchestration.hub.expectations import HUB_KEYS, hub_model_rules
from orchestration.leaderboard.expectations import LEADERBOARD_KEYS, leaderboard_rules
from orchestration.quality.history import ensure_quality_schema, quarantine_rows, record_results
from orchestration.quality.results import check_result
from orchestration.quality.suites import ERROR, QUARANTINE, WARN, RuleResult, run_suite, volume_rule


def hub_frame(**overrides) -> pd.DataFrame:
    rows = []
    for i in range(4):
        row = {"model_id": f"org/m{i}", "crawl_id": "c1", "downloads_raw": str(i * 10), "downloads": float(i * 10),
               "likes": 1.0, "created_at_raw": "2024-01-02T00:00:00.000Z",
               "created_at": pd.Timestamp("2024-01-02", tz="UTC"), "last_modified_raw": "2024-02-02T00:00:00Z",
               "last_modified": pd.Timestamp("2024-02-02", tz="UTC"), "private": "false", "gated": "false",
               "params": 7e9}
        row.update({k: v[i] for k, v in overrides.items() if v[i] is not ...})
        rows.append(row)
    return pd.DataFrame(rows)


def verdicts(frame, rules, keys) -> dict[str, RuleResult]:
    return {r.rule: r for r in run_suite(frame, rules, "t", keys)}


def test_a_clean_crawl_passes_every_rule():
    results = verdicts(hub_frame(), hub_model_rules(), HUB_KEYS)
    assert all(r.passed for r in results.values()), [r for r in results.values() if not r.passed]


@pytest.mark.parametrize("column, bad, rule", [
    ("downloads", -5.0, "downloads_not_negative"),
    ("downloads_raw", "lots", "downloads_is_integer"),
    ("created_at", pd.Timestamp("2099-01-01", tz="UTC"), "created_at_plausible"),
    ("created_at", pd.Timestamp("2019-01-01", tz="UTC"), "created_at_plausible"),
    ("gated", "sometimes", "gated_known"),
])
def test_each_error_rule_names_the_failing_record(column, bad, rule):
    results = verdicts(hub_frame(**{column: [..., bad, ..., ...]}), hub_model_rules(), HUB_KEYS)
    failed = [r for r in results.values() if not r.passed]
    assert [r.rule for r in failed] == [rule]
    assert failed[0].severity == ERROR and failed[0].failing_rows == 1
    assert failed[0].examples[0]["model_id"] == "org/m1", "the example names the record"


def test_private_repos_are_quarantined_with_every_failing_row():
    results = verdicts(hub_frame(private=["true", ..., "true", ...]), hub_model_rules(), HUB_KEYS)
    rule = results["listing_is_public"]
    assert not rule.passed and rule.severity == QUARANTINE
    assert sorted(r["model_id"] for r in rule.quarantined) == ["org/m0", "org/m2"]


def test_verdicts_and_quarantine_are_written(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    ensure_quality_schema(con)
    results = run_suite(hub_frame(private=["true", ..., ..., ...]), hub_model_rules(), "t", HUB_KEYS)
    record_results(con, "raw/hub_models", "hub_models_expectations", results, "run-1", "c1")
    n = quarantine_rows(con, "raw/hub_models", "hub_models_expectations", results, "run-1",
                        {"listing_is_public": "private"})
    assert n == 1
    assert con.execute("select model_id, crawl_id, rule, value from quality.quarantine").fetchall() == [
        ("org/m0", "c1", "listing_is_public", "true")]
    assert con.execute("select count(*), count_if(not passed) from quality.check_results").fetchone() == (
        len(results), 1)


def test_check_result_blocks_only_on_errors():
    warn = RuleResult("a", WARN, False, "x", 3, [{"model_id": "o/m"}])
    error = RuleResult("b", ERROR, False, "y", 1, [{"model_id": "o/n", "downloads": -1}])
    quarantine = RuleResult("c", QUARANTINE, False, "z", 1, [])
    assert check_result([warn, quarantine]).severity.value == "WARN"
    blocked = check_result([warn, error])
    assert blocked.severity.value == "ERROR" and not blocked.passed
    assert "b [ERROR]: expected y" in blocked.description and "o/n" in blocked.description
    table = blocked.metadata["rules"].value
    assert "| b | ERROR | FAIL | y | 1 |" in table


def leaderboard_frame(n=4, **overrides) -> pd.DataFrame:
    rows = []
    for i in range(n):
        row = {"source_name": "v2.csv", "row_number": i + 1, "leaderboard_version": "v2", "model_id": f"org/m{i}",
               "snapshot_key": "v2:2024-10-01",
               "precision": "bfloat16", "average_score": "31.5", "average": 31.5,
               "snapshot_date": pd.Timestamp("2024-10-01"), "params_b": "7", "params": 7.0, "hub_license": "mit",
               "type_key": "chatmodels", "merged_flag_consistent": None}
        row.update({k: v[i] for k, v in overrides.items() if v[i] is not ...})
        rows.append(row)
    return pd.DataFrame(rows)


def test_duplicate_evaluations_in_a_snapshot_fail_the_batch():
    results = verdicts(leaderboard_frame(model_id=[..., "org/m0", ..., ...]), leaderboard_rules(), LEADERBOARD_KEYS)
    assert not results["evaluation_unique"].passed and results["evaluation_unique"].severity == ERROR
    # the same model in another precision is a different evaluation
    results = verdicts(leaderboard_frame(model_id=[..., "org/m0", ..., ...], precision=[..., "float16", ..., ...]),
                       leaderboard_rules(), LEADERBOARD_KEYS)
    assert results["evaluation_unique"].passed


def test_two_exports_of_one_date_are_one_snapshot():
    """A second file with the same date repeating the first's evaluations is a duplicate, though each file
    alone is unique; the same evaluation in another snapshot is not."""
    frame = leaderboard_frame(source_name=["a.csv", "a.csv", "b.csv", "b.csv"], model_id=[..., ..., "org/m0", "org/m1"])
    results = verdicts(frame, leaderboard_rules(), LEADERBOARD_KEYS)
    assert not results["evaluation_unique"].passed and results["evaluation_unique"].failing_rows >= 2
    frame = leaderboard_frame(source_name=["a.csv", "a.csv", "b.csv", "b.csv"], model_id=[..., ..., "org/m0", "org/m1"],
                              snapshot_key=[..., ..., "v2:2024-11-01", "v2:2024-11-01"])
    assert verdicts(frame, leaderboard_rules(), LEADERBOARD_KEYS)["evaluation_unique"].passed


def test_known_quirks_only_warn():
    frame = leaderboard_frame(model_id=["gpt2", ..., ..., ...], params=[-1.0, ..., ..., ...])
    results = verdicts(frame, leaderboard_rules(), LEADERBOARD_KEYS)
    failed = {r.rule: r.severity for r in results.values() if not r.passed}
    assert failed == {"model_id_namespaced": WARN, "params_sane": WARN}


def test_rows_without_a_model_or_with_impossible_scores_are_quarantined():
    frame = leaderboard_frame(model_id=[None, ..., ..., ...], average=[..., ..., 250.0, ...])
    results = verdicts(frame, leaderboard_rules(), LEADERBOARD_KEYS)
    assert [r["row_number"] for r in results["model_id_present"].quarantined] == [1]
    assert [r["row_number"] for r in results["average_in_range"].quarantined] == [3]
    assert not any(r.severity == ERROR and not r.passed for r in results.values())


def test_volume_rule_flags_a_snapshot_that_lost_too_many_rows():
    assert volume_rule("v", 100, 85, 0.2, ERROR).passed
    lost = volume_rule("v", 100, 50, 0.2, ERROR)
    assert not lost.passed and lost.failing_rows == 50 and lost.examples[0]["share_lost"] == 0.5
    assert volume_rule("v", None, 10, 0.2, ERROR).passed, "a first snapshot has nothing to compare with"
    assert json.dumps(lost.as_metadata())


def test_a_failure_summary_names_every_failed_rule_with_its_examples_cut_short():
    """What the console and the check's description show: every rule with a few examples; a warning's cut to a
    few hundred characters (a schema change lists every column; the metadata keeps them whole), a blocking
    rule's whole (both versions of a record served twice)."""
    from orchestration.quality.results import failure_summary

    columns = {"added": [f"column_{i}" for i in range(200)]}
    summary = failure_summary([RuleResult("schema_unchanged", WARN, False, "the previous columns", 73, [columns]),
                               RuleResult("downloads_not_negative", ERROR, False, ">= 0", 1, [{"downloads": -5}])])
    assert summary.startswith("schema_unchanged [WARN]") and "column_0" in summary and "column_199" not in summary
    assert " ..." in summary and len(summary) < 600
    assert 'downloads_not_negative [ERROR]: expected >= 0; 1 rows failed, e.g. [{"downloads": -5}]' in summary
    versions = [{"model_id": "o/m", "versions": [{"downloads": 1, "tags": ["x"] * 80}, {"downloads": 123456789}]}]
    assert "123456789" in failure_summary([RuleResult("duplicate_ids_agree", ERROR, False, "one", 2, versions)])
