"""The legacy ``model-index`` of a model card (../shared/docs/EVALS.md §5), flattened into evaluation entries.

A card lists results (task, dataset, metrics, source); each metric of each result is one entry: the benchmark is
``dataset.type`` (the dataset id), the task ``<dataset.config or default>:<metric.type>`` (a card reports several
metrics of one dataset: each is a series of its own), the value ``metric.value`` (a number, or text such as
``"20.0 ± 1.2"`` whose leading number is taken). Each result is checked on its own, unlike huggingface_hub's
``model_index_to_eval_results``, which gives up on the whole index at the first missing key: a result or metric
that cannot be an entry is rejected with the reason, the others land.
"""

from __future__ import annotations

import math
import re

from ingestion.evals.community import EvalEntry, RejectedEntry, as_json, text_or_none

FILENAME = "README.md"  # the card holds the index
_LEADING_NUMBER = re.compile(r"^\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)")


def parse_model_index(index) -> tuple[list[EvalEntry], list[RejectedEntry]]:
    if index is None:
        return [], []
    if not isinstance(index, list):
        return [], [RejectedEntry(FILENAME, 0, as_json(index), f"model-index is {type(index).__name__}, not a list")]
    entries, rejected = [], []
    n = 0
    for model in index:
        results = model.get("results") if isinstance(model, dict) else None
        if not isinstance(results, list):
            rejected.append(RejectedEntry(FILENAME, n, as_json(model), "a model-index item has no list of results"))
            n += 1
            continue
        for result in results:
            metrics = result.get("metrics") if isinstance(result, dict) else None
            if not isinstance(metrics, list) or not metrics:
                rejected.append(RejectedEntry(FILENAME, n, as_json(result), "a result has no list of metrics"))
                n += 1
                continue
            for metric in metrics:
                try:
                    entries.append(_entry(result, metric, n))
                except ValueError as exc:
                    rejected.append(RejectedEntry(FILENAME, n, as_json({**result, "metrics": [metric]}), str(exc)))
                n += 1
    return entries, rejected


def _entry(result: dict, metric, entry_no: int) -> EvalEntry:
    dataset = result.get("dataset")
    if not isinstance(dataset, dict) or not isinstance(dataset.get("type"), str) or not dataset["type"].strip():
        raise ValueError("dataset.type (the dataset id) is missing")
    if not isinstance(metric, dict) or not isinstance(metric.get("type"), str) or not metric["type"].strip():
        raise ValueError("metric.type is missing")
    value = _number(metric.get("value"))
    source = result.get("source") if isinstance(result.get("source"), dict) else {}
    config = dataset.get("config")
    return EvalEntry(
        filename=FILENAME, entry_no=entry_no, verified=metric.get("verified") is True, pull_request=None,
        benchmark=dataset["type"].strip(), task=f"{config if config not in (None, '') else 'default'}:{metric['type'].strip()}",
        dataset_revision=str(dataset["revision"]) if dataset.get("revision") is not None else None, value=value,
        evaluated_at=None, source_url=text_or_none(source.get("url")), source_name=text_or_none(source.get("name")),
        source_user=None, source_org=None, notes=text_or_none(metric.get("name")),
        entry=as_json({"task": result.get("task"), "dataset": dataset, "metric": metric, "source": source or None}),
    )


def _number(value) -> float:
    if isinstance(value, bool) or value is None:
        raise ValueError(f"metric.value {value!r} is not a number")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        match = _LEADING_NUMBER.match(str(value))
        if not match:
            raise ValueError(f"metric.value {str(value)[:100]!r} is not a number")
        number = float(match.group(1))
    if not math.isfinite(number):
        raise ValueError(f"metric.value {value!r} is not finite")
    return number
