"""dbt's tests of the sources, compiled by dbt and run by the gate on its own connection, judged as `dbt test`
judges them; and the failing rows of a failed test, which a check shows as examples."""

from __future__ import annotations

import copy
import subprocess

import dagster as dg
import duckdb
import pytest

from ingestion.warehouse import connect
from orchestration.dbt import source_tests
from orchestration.dbt.source_tests import PLACEHOLDER_CATALOG, compiled_source_tests, judge, run_source_tests
from orchestration.dbt.verdicts import failing_examples

KEYS = [dg.AssetKey(["raw", "hub_models"]), dg.AssetKey(["raw", "hub_model_removals"])]


def node_named(name: str) -> dict:
    return next(node for node, _, _ in source_tests.source_tests(KEYS) if node["name"] == name)


def test_every_source_test_is_compiled_once_without_naming_a_warehouse(dbt_manifest, monkeypatch):
    compiled = compiled_source_tests()
    on_sources = {node["unique_id"] for node, _, _ in source_tests.source_tests(KEYS)}
    assert on_sources and on_sources <= set(compiled)
    for sql in compiled.values():
        assert PLACEHOLDER_CATALOG not in sql and '"raw".' in sql

    def no_dbt(*args, **kwargs):
        raise AssertionError("compiled again although the tests' definitions did not change")

    monkeypatch.setattr(subprocess, "run", no_dbt)
    assert compiled_source_tests() == compiled


def test_a_duplicate_fails_the_unique_test_and_counts_its_rows(dbt_manifest, tmp_path):
    with connect(tmp_path / "w.duckdb") as con:
        con.execute("""insert into raw.hub_model_removals (model_id, removal, detected_at, crawl_id)
                       select 'a/twice', 'deleted', now(), 'c' from range(2)
                       union all select 'b/once', 'deleted', now(), 'c'""")
        context = dg.build_asset_check_context()
        verdicts, results = run_source_tests(context, con, KEYS)

    by_name = {r.check_name: r for r in results}
    assert set(by_name) == {n["name"] for n, _, _ in source_tests.source_tests(KEYS)}
    failed = by_name["source_unique_raw_hub_model_removals_model_id"]
    assert not failed.passed and failed.severity == dg.AssetCheckSeverity.ERROR
    assert failed.metadata["failing_rows"].value == 1
    # the failing row itself, as the checks of the dbt models show theirs: what to fix
    assert failed.metadata["examples"].value == [{"unique_field": "a/twice", "n_records": 2}]
    assert failed.description == ('Got 1 result, configured to fail if != 0; '
                                  'e.g. [{"unique_field": "a/twice", "n_records": 2}]')
    assert all(r.passed and "examples" not in r.metadata for name, r in by_name.items() if name != failed.check_name)
    row = next(v for v in verdicts if v["check_name"] == failed.check_name)
    assert row["asset"] == "raw/hub_model_removals" and row["rule"] == "unique"
    assert (row["passed"], row["failing_rows"], row["severity"]) == (False, 1, "ERROR")
    assert row["examples"] == [{"unique_field": "a/twice", "n_records": 2}], "the quality history keeps the row"


@pytest.mark.parametrize("config, status", [
    ({}, "fail"),
    ({"severity": "warn"}, "warn"),
    ({"error_if": "> 5"}, "warn"),             # dbt: an error-severity test below its error_if warns
    ({"error_if": "> 5", "warn_if": "> 5"}, "pass"),
    ({"fail_calc": "sum(n_records)", "error_if": "> 2"}, "fail"),  # three records behind the one failing row
])
def test_a_test_is_judged_by_its_config_as_dbt_judges_it(dbt_manifest, tmp_path, config, status):
    node = copy.deepcopy(node_named("source_unique_raw_hub_models_model_id"))
    node["config"].update(config)
    sql = compiled_source_tests()[node["unique_id"]]
    with connect(tmp_path / "w.duckdb") as con:
        con.execute("""insert into raw.hub_models (model_id, payload, crawl_id, fetched_at)
                       select 'a/thrice', '{}', 'c', now() from range(3)""")
        assert judge(con, node, sql)[0] == status


def test_a_test_that_cannot_run_fails_saying_why(dbt_manifest, tmp_path):
    with connect(tmp_path / "w.duckdb") as con:
        con.execute("drop table raw.hub_model_removals")
        _, results = run_source_tests(dg.build_asset_check_context(), con, KEYS)
    broken = [r for r in results if r.asset_key == KEYS[1]]
    assert broken and all(not r.passed and "could not run" in r.description for r in broken)
    assert all(r.passed for r in results if r.asset_key == KEYS[0])


def test_a_test_ending_in_a_comment_and_one_with_a_limit_are_judged_whole(dbt_manifest, tmp_path):
    node = copy.deepcopy(node_named("source_unique_raw_hub_models_model_id"))
    sql = compiled_source_tests()[node["unique_id"]] + "-- a trailing comment"
    with connect(tmp_path / "w.duckdb") as con:
        con.execute("""insert into raw.hub_models (model_id, payload, crawl_id, fetched_at)
                       select 'id/' || (i % 2), '{}', 'c', now() from range(4) t(i)""")
        assert judge(con, node, sql) == ("fail", 2)
        node["config"]["limit"] = 1
        assert judge(con, node, sql) == ("fail", 1)


def test_the_compiled_sql_is_made_again_when_a_macro_behind_a_test_changes(dbt_manifest, monkeypatch):
    """A project may override a generic test's macro: its body, however deep, is part of what the SQL is kept by."""
    manifest = copy.deepcopy(source_tests._manifest())
    source_tests._definitions_stamp.cache_clear()
    before = source_tests._definitions_stamp()
    deeper = manifest["macros"]["macro.dbt.default__test_not_null"]  # test_not_null dispatches to it
    deeper["macro_sql"] += "\n-- overridden"
    monkeypatch.setattr(source_tests, "_manifest", lambda: manifest)
    source_tests._definitions_stamp.cache_clear()
    try:
        assert source_tests._definitions_stamp() != before
    finally:
        source_tests._definitions_stamp.cache_clear()


def test_a_failed_tests_examples_are_its_first_failing_rows_even_when_its_sql_ends_in_a_comment():
    con = duckdb.connect()
    con.execute("create table t as select i as id from range(10) t(i)")
    run_results = {"results": [
        {"unique_id": "test.p.too_big", "status": "fail", "compiled_code": "select * from t where id > 5 -- big"},
        {"unique_id": "test.p.fine", "status": "pass", "compiled_code": "select * from t where id < 0"},
        {"unique_id": "model.p.m", "status": "success", "compiled_code": "select * from t"},
    ]}
    examples = failing_examples(con, run_results, limit=2)
    assert list(examples) == ["test.p.too_big"]
    assert len(examples["test.p.too_big"]) == 2 and all(row["id"] > 5 for row in examples["test.p.too_big"])
