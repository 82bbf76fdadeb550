"""Leaderboard readers: every schema variant lands in one schema; bad sources are rejected clearly."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from ingestion.leaderboard.readers import (
    LANDING_COLUMNS,
    LeaderboardSchemaError,
    archive_files,
    detect_variant,
    normalise,
    read_csv_export,
    read_hub_parquet,
    snapshot_date_from_name,
)

V1_ROW = {"t": "🤝", "model": "org/m", "average": "81.3", "arc": "78.5", "hellaswag": "90.3", "mmlu": "77.8",
          "truthfulqa": "75.8", "winogrande": "85.6", "gsm8k": "79.8", "type": "🤝 base merges and moerges",
          "architecture": "LlamaForCausalLM", "weight_type": "Original", "precision": "bfloat16",
          "merged": "False", "hub_license": "", "params_b": "0", "hub_hearts": "2",
          "available_on_the_hub": "True", "model_sha": "abc", "flagged": "True", "moe": "True",
          "date": "2024-05-05T12:22:44Z", "fullname": "org/m", "url": "https://huggingface.co/org/m"}


def _write(path, rows):
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_v1_export_lands_in_the_landing_schema(tmp_path):
    path = _write(tmp_path / "open_llm_leaderboard_v1_2024-07-13.csv", [V1_ROW])
    rows = read_csv_export(path)
    assert list(rows.columns) == list(LANDING_COLUMNS)
    row = rows.iloc[0]
    assert row["leaderboard_version"] == "v1" and row["schema_variant"] == "v1"
    assert row["snapshot_date"] == "2024-07-13"
    assert row["model_id"] == "org/m" and row["average_score"] == "81.3" and row["score_gsm8k"] == "79.8"
    assert row["hub_license"] is None, "an empty cell is missing, not an empty string"
    assert row["score_ifeval"] is None
    assert json.loads(row["original_record"]) == {k: (v or None) for k, v in V1_ROW.items()}


def test_v2_early_inverts_not_merged(tmp_path):
    row = {"t": "💬", "model": "a/b", "average": "40", "ifeval": "80", "type": "💬 chat models (RLHF, DPO, IFT, ...)",
           "precision": "bfloat16", "not_merged": "True", "fullname": "a/b", "mmlupro": "49"}
    rows = read_csv_export(_write(tmp_path / "open_llm_leaderboard_v2_2024-07-30.csv", [row]))
    assert rows.iloc[0]["schema_variant"] == "v2_early"
    assert rows.iloc[0]["is_merged"] == "False"
    assert rows.iloc[0]["score_mmlu_pro"] == "49"


def test_v2_late_maps_nested_names(tmp_path):
    row = {"id": "x", "model_name": "a/b", "model_precision": "float16", "model_type": "chatmodels",
           "model_average_score": "8.9", "evaluations_math_normalized_score": "1.4",
           "features_is_not_available_on_hub": "True", "metadata_base_model": "Removed", "brand_new_column": "kept"}
    rows = read_csv_export(_write(tmp_path / "open_llm_leaderboard_v2_2025-03-21.csv", [row]))
    r = rows.iloc[0]
    assert (r["schema_variant"], r["model_type_label"], r["score_math_lvl_5"]) == ("v2_late", "chatmodels", "1.4")
    assert r["available_on_hub"] == "False" and r["base_model"] == "Removed"
    assert json.loads(r["original_record"])["brand_new_column"] == "kept", "unknown columns are kept"


def test_missing_required_column_names_file_and_column(tmp_path):
    row = dict(V1_ROW)
    del row["average"]
    path = _write(tmp_path / "open_llm_leaderboard_v1_2024-07-13.csv", [row])
    with pytest.raises(LeaderboardSchemaError, match=r"open_llm_leaderboard_v1_2024-07-13.csv.*average"):
        read_csv_export(path)


def test_empty_and_header_only_files_are_rejected(tmp_path):
    empty = tmp_path / "open_llm_leaderboard_v2_2024-08-31.csv"
    empty.write_text("")
    with pytest.raises(LeaderboardSchemaError, match="2024-08-31.csv: empty file"):
        read_csv_export(empty)
    header_only = tmp_path / "open_llm_leaderboard_v1_2024-01-01.csv"
    header_only.write_text(",".join(V1_ROW) + "\n")
    with pytest.raises(LeaderboardSchemaError, match="no rows"):
        read_csv_export(header_only)


def test_unknown_schema_and_undated_names_are_rejected(tmp_path):
    with pytest.raises(LeaderboardSchemaError, match="not a known leaderboard schema"):
        detect_variant(["a", "b"], "x.csv")
    with pytest.raises(LeaderboardSchemaError, match="no snapshot date"):
        snapshot_date_from_name(tmp_path / "leaderboard.csv")


def test_hub_parquet_snapshot_is_its_latest_submission(tmp_path):
    frame = pd.DataFrame({"eval_name": ["a_b_bf16"], "fullname": ["a/b"], "Average ⬆️": [12.5], "Type": ["🟢 pretrained"],
                          "Precision": ["bfloat16"], "Submission Date": ["2025-02-12"], "Merged": [False]})
    path = tmp_path / "t.parquet"
    frame.to_parquet(path)
    rows = read_hub_parquet(path, revision="r" * 40, commit_date=date(2026, 1, 1), source_name="repo@r")
    r = rows.iloc[0]
    assert r["snapshot_date"] == "2025-02-12" and r["source_revision"] == "r" * 40
    assert r["average_score"] == "12.5" and r["is_merged"] == "False"


def test_truncated_parquet_is_a_clear_error(tmp_path):
    path = tmp_path / "t.parquet"
    pd.DataFrame({"fullname": ["a/b"]}).to_parquet(path)
    path.write_bytes(path.read_bytes()[: 40])
    with pytest.raises(LeaderboardSchemaError, match="repo@r: not a readable parquet"):
        read_hub_parquet(path, revision="r", commit_date=date(2025, 1, 1), source_name="repo@r")


def test_archive_files_are_ordered_by_date(small_archive):
    files = archive_files(small_archive)
    dates = [snapshot_date_from_name(p) for p in files]
    assert dates == sorted(dates) and len(files) > 3


def test_normalise_keeps_row_order_and_numbers():
    frame = pd.DataFrame([dict(V1_ROW, fullname=f"org/m{i}") for i in range(5)])
    rows = normalise(frame, source_name="f.csv", source_kind="archive_csv", snapshot_date=date(2024, 1, 1))
    assert rows["row_number"].tolist() == [1, 2, 3, 4, 5]
    assert rows["model_id"].tolist() == [f"org/m{i}" for i in range(5)]


def _export(tmp_path, text: str | bytes, name: str = "open_llm_leaderboard_v2_2024-09-01.csv"):
    path = tmp_path / name
    (path.write_bytes if isinstance(text, bytes) else path.write_text)(text)
    return path


V2_EARLY_HEADER = "fullname,precision,type,average,ifeval,not_merged,params_b"


def test_a_repeated_column_name_is_rejected_naming_the_column(tmp_path):
    path = _export(tmp_path, "fullname,precision,type,average,ifeval,ifeval\na/b,bfloat16,chatmodels,40,30,31\n")
    with pytest.raises(LeaderboardSchemaError, match=r"column 'ifeval' appears twice"):
        read_csv_export(path)


def test_a_repeated_header_line_is_rejected_naming_the_line(tmp_path):
    path = _export(tmp_path, f"{V2_EARLY_HEADER}\na/b,bfloat16,chatmodels,40,30,True,7\n{V2_EARLY_HEADER}\n")
    with pytest.raises(LeaderboardSchemaError, match=r"line 3 repeats the header"):
        read_csv_export(path)


def test_bytes_that_are_not_utf8_are_rejected_naming_the_file_and_line(tmp_path):
    path = _export(tmp_path, f"{V2_EARLY_HEADER}\na/b,bfloat16,chatmodels,40,30,True,7\n".encode()
                   + b"c/\xff\xfe,bfloat16,chatmodels,41,30,True,7\n")
    with pytest.raises(LeaderboardSchemaError, match=r"open_llm_leaderboard_v2_2024-09-01.csv: line 3 is not UTF-8"):
        read_csv_export(path)


def test_a_snapshot_is_unchanged_only_while_its_files_hold_exactly_what_landed(small_archive, tmp_path):
    """What the demo and `observatory backfill-leaderboard` land again: only the dates whose files changed."""
    import shutil

    from ingestion.leaderboard.load import (
        archive_snapshot_dates,
        load_leaderboard_archive,
        unchanged_archive_snapshots,
    )
    from ingestion.warehouse import connect

    folder = tmp_path / "archive"
    shutil.copytree(small_archive, folder)
    dates = archive_snapshot_dates(folder)
    with connect(tmp_path / "w.duckdb") as con:
        assert unchanged_archive_snapshots(con, folder, dates) == set(), "nothing landed yet"
        for snapshot in dates:
            load_leaderboard_archive(con, folder, snapshot_date=snapshot)
        assert unchanged_archive_snapshots(con, folder, dates) == set(dates)

        edited, emptied, doubled = (sorted(folder.rglob("*.csv"))[k] for k in (-1, -2, -3))
        lines = edited.read_text().splitlines()
        edited.write_text("\n".join([*lines[:-1], lines[-1].replace(",", ",9", 1)]) + "\n")  # one record
        emptied.write_text("")  # unreadable: landing it must say why
        shutil.copy(doubled, doubled.with_name(doubled.stem + " (copy).csv"))  # a second file of its date
        changed = {f"{p.stem[-10:]}" for p in (edited, emptied, doubled)}
        assert unchanged_archive_snapshots(con, folder, dates) == set(dates) - changed
