"""Batches that fail a gate are rejected whole: the raw tables keep what they had, and no later build
reads the rejected batch (faults found by adversarial tests, each reproduced here)."""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest

from tests.support.gates import assert_blocked, run_case

pytestmark = pytest.mark.integration


def test_an_id_served_twice_with_different_content_is_rejected_with_both_versions(case):
    warehouse, dump, archive, before, published = case
    path = dump / "models.jsonl"
    lines = path.read_text().splitlines()
    record = json.loads(lines[0])
    twin = {**record, "downloads": 123456789, "tags": [*record.get("tags", []), "license:other-one"]}
    path.write_text("\n".join([*lines, json.dumps(twin)]) + "\n")  # the listing serves the id twice
    out = run_case(warehouse, dump)
    assert_blocked(out, warehouse, before, published, "hub_models_expectations", "duplicate_ids_agree")
    text = out.stdout + out.stderr
    assert record["id"] in text and "123456789" in text, "the message shows both versions"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from raw.hub_models_rejected where model_id = ?",
                           [record["id"]]).fetchone()[0] >= 1


def test_a_second_export_of_the_same_date_cannot_double_a_snapshot(case):
    warehouse, dump, archive, before, published = case
    newest = sorted((archive / "v2").glob("*.csv"))[-1]
    shutil.copy(newest, newest.with_name(newest.stem + " (copy).csv"))
    out = run_case(warehouse, dump, archive)
    assert_blocked(out, warehouse, before, published, "leaderboard_archive_results_expectations", "evaluation_unique",
                   later_build=True)


def test_scores_written_as_text_reject_the_file_and_keep_the_last_good_snapshot(case):
    warehouse, dump, archive, before, published = case
    newest = sorted((archive / "v2").glob("*.csv"))[-1]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        snapshot_before = con.execute("select count(*), sum(hash(original_record)) from raw.leaderboard_archive_results "
                                      "where source_name = ?", [newest.name]).fetchone()
    lines = newest.read_text().splitlines()
    header = lines[0].split(",")
    col = header.index("model_average_score")
    rows = [line.split(",") for line in lines[1:]]
    for cells in rows:
        cells[col] = f"{cells[col]} points"
    newest.write_text("\n".join([lines[0], *(",".join(c) for c in rows)]) + "\n")
    out = run_case(warehouse, dump, archive)
    assert_blocked(out, warehouse, before, published, "leaderboard_archive_results_expectations", "average_is_number")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*), sum(hash(original_record)) from raw.leaderboard_archive_results "
                           "where source_name = ?", [newest.name]).fetchone() == snapshot_before, \
            "the last good snapshot is exactly as it was"
