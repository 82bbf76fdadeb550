"""MTEB's results dataset (``mteb/results`` on the Hub) in its published layout, read into landing rows.

``results/<org>__<name>/<revision>/model_meta.json`` describes a model at a revision (Hub id, revision, release
date, parameters, licence, ``adapted_from`` = its base model); each ``<Task>.json`` beside it holds the scores of
one task: ``scores.<split>[]`` with ``main_score`` and ``hf_subset``. ``experiments/<variant>/`` below a revision
holds the same for a variant of the model's settings (kept, flagged by ``experiment``). A file that cannot be read
is reported in ``problems`` with its path and the reason; the others are read.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

MODEL_COLUMNS = ("path", "model_dir", "revision_dir", "experiment", "model_id", "revision", "release_date",
                 "n_parameters", "license", "adapted_from", "open_weights")
RESULT_COLUMNS = ("path", "model_dir", "revision_dir", "experiment", "task", "split", "subset", "main_score",
                  "dataset_revision", "mteb_version", "evaluation_time")


@dataclass
class MtebRead:
    models: list[tuple] = field(default_factory=list)
    results: list[tuple] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)


def result_files(root: Path) -> Iterator[Path]:
    """Every JSON file of the results layout under ``root`` (the dataset's top folder), in a stable order."""
    base = root / "results"
    if base.is_dir():
        yield from sorted(p for p in base.rglob("*.json") if p.is_file())


def read_results(root: Path) -> MtebRead:
    out = MtebRead()
    for path in result_files(root):
        rel = path.relative_to(root).as_posix()
        parts = rel.split("/")
        # results/<model_dir>/<revision_dir>/[experiments/<variant>/]<file>.json
        if len(parts) == 4:
            experiment = None
        elif len(parts) == 6 and parts[3] == "experiments":
            experiment = parts[4]
        else:
            out.problems.append((rel, "not in the layout results/<org>__<name>/<revision>/<file>.json"))
            continue
        model_dir, revision_dir = parts[1], parts[2]
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            out.problems.append((rel, f"not readable JSON: {exc}"))
            continue
        if not isinstance(doc, dict):
            out.problems.append((rel, f"a results file is a JSON object, found {type(doc).__name__}"))
            continue
        where = (rel, model_dir, revision_dir, experiment)
        if parts[-1] == "model_meta.json":
            out.models.append(where + _model(doc, model_dir))
            continue
        try:
            out.results.extend(where + row for row in _scores(doc, Path(parts[-1]).stem))
        except ValueError as exc:
            out.problems.append((rel, str(exc)))
    return out


def _model(doc: dict, model_dir: str) -> tuple:
    name = doc.get("name") if isinstance(doc.get("name"), str) else model_dir.replace("__", "/", 1)
    n_parameters = doc.get("n_parameters")
    return (name, _text(doc.get("revision")), _text(doc.get("release_date")),
            int(n_parameters) if isinstance(n_parameters, (int, float)) and not isinstance(n_parameters, bool) else None,
            _text(doc.get("license")), _text(doc.get("adapted_from")),
            doc.get("open_weights") if isinstance(doc.get("open_weights"), bool) else None)


def _scores(doc: dict, stem: str) -> Iterator[tuple]:
    task = doc.get("task_name") or stem
    scores = doc.get("scores")
    if not isinstance(scores, dict) or not scores:
        raise ValueError("scores is missing (a mapping of split to a list of subsets)")
    for split, subsets in sorted(scores.items()):
        if not isinstance(subsets, list):
            raise ValueError(f"scores.{split} is not a list")
        for subset in subsets:
            value = subset.get("main_score") if isinstance(subset, dict) else None
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ValueError(f"scores.{split}: main_score {value!r} is not a finite number")
            yield (str(task), str(split), str(subset.get("hf_subset") or "default"), float(value),
                   _text(doc.get("dataset_revision")), _text(doc.get("mteb_version")),
                   doc.get("evaluation_time") if isinstance(doc.get("evaluation_time"), (int, float)) else None)


def _text(value) -> str | None:
    return None if value is None else str(value)
