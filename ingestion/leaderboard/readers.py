"""Readers for Open LLM Leaderboard tables, normalised into one landing schema.

Four source shapes exist (see ../shared/data/README.md):

* ``v1``: archived v1 CSV exports (``arc``, ``hellaswag``, ... and emoji types);
* ``v2_early``: v2 CSV exports of July-November 2024 (``ifeval``, ``not_merged``, emoji types);
* ``v2_late``: v2 CSV exports from December 2024 (``model_name``, ``evaluations_*``);
* ``v2_hub``: the ``open-llm-leaderboard/contents`` parquet on the Hub (``Average ⬆️``, ...).

Every row lands with the same columns (``LANDING_COLUMNS``), values kept as
text exactly as read (staging casts them), plus ``original_record``: every
original column as JSON, so nothing of the source is lost, including columns
this code does not know yet. A source that lacks a required column is
rejected with an error naming the file and the column.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date
from pathlib import Path

import pandas as pd

LANDING_COLUMNS: tuple[str, ...] = (
    "leaderboard_version", "snapshot_date", "source_kind", "source_name", "source_revision",
    "schema_variant", "row_number", "model_id", "precision", "model_type_label", "architecture",
    "weight_type", "average_score", "params_b", "hub_license", "hub_hearts", "model_sha",
    "is_merged", "is_moe", "is_flagged", "available_on_hub", "base_model", "generation",
    "upload_date", "submission_date",
    "score_arc", "score_hellaswag", "score_mmlu", "score_truthfulqa", "score_winogrande", "score_gsm8k",
    "score_ifeval", "score_bbh", "score_math_lvl_5", "score_gpqa", "score_musr", "score_mmlu_pro",
    "original_record",
)

# landing column -> source column, per variant. A leading "!" inverts a boolean.
_V1 = {
    "model_id": "fullname", "precision": "precision", "model_type_label": "type", "architecture": "architecture",
    "weight_type": "weight_type", "average_score": "average", "params_b": "params_b",
    "hub_license": "hub_license", "hub_hearts": "hub_hearts", "model_sha": "model_sha", "is_merged": "merged",
    "is_moe": "moe", "is_flagged": "flagged", "available_on_hub": "available_on_the_hub",
    "submission_date": "date", "score_arc": "arc", "score_hellaswag": "hellaswag", "score_mmlu": "mmlu",
    "score_truthfulqa": "truthfulqa", "score_winogrande": "winogrande", "score_gsm8k": "gsm8k",
}
_V2_EARLY = {
    "model_id": "fullname", "precision": "precision", "model_type_label": "type", "architecture": "architecture",
    "weight_type": "weight_type", "average_score": "average", "params_b": "params_b",
    "hub_license": "hub_license", "hub_hearts": "hub_hearts", "model_sha": "model_sha",
    "is_merged": "!not_merged", "is_moe": "moe", "is_flagged": "flagged",
    "available_on_hub": "available_on_the_hub", "base_model": "base_model", "generation": "generation",
    "upload_date": "upload_to_hub_date", "submission_date": "submission_date",
    "score_ifeval": "ifeval", "score_bbh": "bbh", "score_math_lvl_5": "math_lvl_5", "score_gpqa": "gpqa",
    "score_musr": "musr", "score_mmlu_pro": "mmlupro",
}
_V2_LATE = {
    "model_id": "model_name", "precision": "model_precision", "model_type_label": "model_type",
    "architecture": "model_architecture", "weight_type": "model_weight_type",
    "average_score": "model_average_score", "params_b": "metadata_params_billions",
    "hub_license": "metadata_hub_license", "hub_hearts": "metadata_hub_hearts", "model_sha": "model_sha",
    "is_merged": "features_is_merged", "is_moe": "features_is_moe", "is_flagged": "features_is_flagged",
    "available_on_hub": "!features_is_not_available_on_hub", "base_model": "metadata_base_model",
    "generation": "metadata_generation", "upload_date": "metadata_upload_date",
    "submission_date": "metadata_submission_date",
    "score_ifeval": "evaluations_ifeval_normalized_score", "score_bbh": "evaluations_bbh_normalized_score",
    "score_math_lvl_5": "evaluations_math_normalized_score", "score_gpqa": "evaluations_gpqa_normalized_score",
    "score_musr": "evaluations_musr_normalized_score", "score_mmlu_pro": "evaluations_mmlu_pro_normalized_score",
}
_V2_HUB = {
    "model_id": "fullname", "precision": "Precision", "model_type_label": "Type", "architecture": "Architecture",
    "weight_type": "Weight type", "average_score": "Average ⬆️", "params_b": "#Params (B)",
    "hub_license": "Hub License", "hub_hearts": "Hub ❤️", "model_sha": "Model sha", "is_merged": "Merged",
    "is_moe": "MoE", "is_flagged": "Flagged", "available_on_hub": "Available on the hub",
    "base_model": "Base Model", "generation": "Generation", "upload_date": "Upload To Hub Date",
    "submission_date": "Submission Date", "score_ifeval": "IFEval", "score_bbh": "BBH",
    "score_math_lvl_5": "MATH Lvl 5", "score_gpqa": "GPQA", "score_musr": "MUSR", "score_mmlu_pro": "MMLU-PRO",
}
VARIANTS: dict[str, tuple[str, dict[str, str]]] = {
    "v1": ("v1", _V1),
    "v2_early": ("v2", _V2_EARLY),
    "v2_late": ("v2", _V2_LATE),
    "v2_hub": ("v2", _V2_HUB),
}
# Without these a row means nothing; their absence rejects the whole source.
REQUIRED = ("model_id", "average_score", "model_type_label", "precision")

_DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")


class LeaderboardSchemaError(ValueError):
    """A leaderboard source that cannot be read as a leaderboard table."""


def detect_variant(columns: list[str] | pd.Index, source: str) -> str:
    cols = set(columns)
    if "eval_name" in cols or "Average ⬆️" in cols:
        return "v2_hub"
    if "model_name" in cols or "model_average_score" in cols:
        return "v2_late"
    if "arc" in cols or "hellaswag" in cols:
        return "v1"
    if "ifeval" in cols or "not_merged" in cols:
        return "v2_early"
    raise LeaderboardSchemaError(
        f"{source}: not a known leaderboard schema (columns: {', '.join(sorted(cols)[:12])}...)")


def snapshot_date_from_name(path: Path) -> date:
    match = _DATE_IN_NAME.search(path.name)
    if not match:
        raise LeaderboardSchemaError(f"{path}: file name carries no snapshot date (expected ..._YYYY-MM-DD.csv)")
    try:
        return date.fromisoformat(match.group(1))
    except ValueError:
        raise LeaderboardSchemaError(f"{path}: {match.group(1)} in the file name is not a valid date") from None


def _text(value) -> str | None:
    """A cell as text, as read; None for empty or missing."""
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return repr(value)
    if isinstance(value, bool):
        return "True" if value else "False"
    text = str(value)
    return text if text != "" else None


def _invert(text: str | None) -> str | None:
    if text is None:
        return None
    lowered = text.strip().lower()
    if lowered in ("true", "1"):
        return "False"
    if lowered in ("false", "0"):
        return "True"
    return text  # not a boolean: leave it for the checks to flag


def normalise(frame: pd.DataFrame, *, source_name: str, source_kind: str, snapshot_date: date,
              source_revision: str | None = None, variant: str | None = None) -> pd.DataFrame:
    """Rows of one leaderboard table in the landing schema (all text, plus original_record JSON)."""
    variant = variant or detect_variant(frame.columns, source_name)
    version, mapping = VARIANTS[variant]
    missing = [f"{mapping[c]} (for {c})" for c in REQUIRED if mapping[c].lstrip("!") not in frame.columns]
    if missing:
        raise LeaderboardSchemaError(f"{source_name}: required column missing: {', '.join(missing)}")
    if frame.empty:
        raise LeaderboardSchemaError(f"{source_name}: the table has a header but no rows")
    columns = list(frame.columns)
    out: dict[str, list] = {c: [] for c in LANDING_COLUMNS}
    for row_number, values in enumerate(frame.itertuples(index=False, name=None), start=1):
        record = {col: _text(val) for col, val in zip(columns, values, strict=True)}
        for landing in LANDING_COLUMNS:
            source_col = mapping.get(landing)
            if source_col is None:
                continue
            if source_col.startswith("!"):
                out[landing].append(_invert(record.get(source_col[1:])))
            else:
                out[landing].append(record.get(source_col))
        out["original_record"].append(json.dumps(record, ensure_ascii=False))
    n = len(frame)
    fixed = {
        "leaderboard_version": version, "snapshot_date": snapshot_date.isoformat(), "source_kind": source_kind,
        "source_name": source_name, "source_revision": source_revision, "schema_variant": variant,
    }
    for landing in LANDING_COLUMNS:
        if landing in fixed:
            out[landing] = [fixed[landing]] * n
        elif landing == "row_number":
            out[landing] = list(range(1, n + 1))
        elif landing not in mapping and landing != "original_record":
            out[landing] = [None] * n
    result = pd.DataFrame(out, columns=list(LANDING_COLUMNS))
    result["row_number"] = result["row_number"].astype("int64")
    return result


def read_csv_export(path: str | Path) -> pd.DataFrame:
    """One archived CSV export, normalised; the snapshot date comes from the file name."""
    path = Path(path)
    snap = snapshot_date_from_name(path)
    if path.stat().st_size == 0:
        raise LeaderboardSchemaError(f"{path}: empty file")
    header = _check_text_and_header(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except pd.errors.EmptyDataError:
        raise LeaderboardSchemaError(f"{path}: empty file") from None
    except pd.errors.ParserError as exc:
        raise LeaderboardSchemaError(f"{path}: not a readable CSV ({exc})") from None
    repeated = frame.index[(frame.astype(str).values == [header]).all(axis=1)] if len(frame) else []
    if len(repeated):
        raise LeaderboardSchemaError(f"{path}: line {int(repeated[0]) + 2} repeats the header line")
    return normalise(frame, source_name=path.name, source_kind="archive_csv", snapshot_date=snap)


def _check_text_and_header(path: Path) -> list[str]:
    """The header's column names; a file that is not UTF-8 or names a column twice is rejected, naming
    the line or the column (pandas would rename a repeated column, and its values would be lost)."""
    import csv
    import io

    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise LeaderboardSchemaError(f"{path}: line {line} is not UTF-8 text ({exc.reason}: "
                                     f"{data[exc.start:exc.end]!r})") from None
    try:
        header = next(csv.reader(io.StringIO(text)), [])
    except csv.Error as exc:
        raise LeaderboardSchemaError(f"{path}: the header line is not readable CSV ({exc})") from None
    seen: set[str] = set()
    for column in header:
        if column in seen:
            raise LeaderboardSchemaError(f"{path}: column {column!r} appears twice in the header")
        seen.add(column)
    return header


def read_hub_parquet(path: str | Path, *, revision: str, commit_date: date,
                     source_name: str) -> pd.DataFrame:
    """The leaderboard ``contents`` parquet downloaded from the Hub at ``revision``.

    Its snapshot date is the state of the leaderboard the table shows: the latest
    submission date in it (no later than the commit). A commit's date alone can be
    far later than its content (a re-upload, or a stand-in serving an old file).
    """
    path = Path(path)
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise LeaderboardSchemaError(f"{source_name}: not a readable parquet file ({exc})") from None
    snapshot = commit_date
    if "Submission Date" in frame.columns:
        submitted = pd.to_datetime(frame["Submission Date"], errors="coerce", utc=True).max()
        if not pd.isna(submitted):
            snapshot = min(submitted.date(), commit_date)
    return normalise(frame, source_name=source_name, source_kind="hub_dataset",
                     snapshot_date=snapshot, source_revision=revision, variant="v2_hub")


def archive_files(folder: str | Path) -> list[Path]:
    """Every dated CSV export below a folder, oldest first."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"leaderboard archive folder {folder} does not exist")
    files = [p for p in folder.rglob("*.csv") if p.is_file()]
    return sorted(files, key=lambda p: (snapshot_date_from_name(p), p.name))
