"""Synthetic evaluation results tied to the generated lineage (issue: evaluations after the leaderboard).

- Community Evals: some text-generation models carry ``evalResults`` in their record, as the Hub serves them
  (``{filename, verified, data, pullRequest?}``), on registered benchmarks of different scales: a 0-100 score,
  a 0-1 fraction, an error rate (lower is better); one benchmark's entries cite two revisions of it; a few
  entries are verified or come from open pull requests; a few items are invalid (the Hub's error items, an
  entry without its task id, an implausible date) and one benchmark id is not registered. Derivatives of an evaluated model are
  often evaluated on their base's benchmarks, a little better on average, so improvements over the base exist.
  Dates fall between a model's creation and its last modification (over the generator's two years).
- model-index: a few text-generation models' cards carry the legacy ``model-index`` (MMLU, two metrics, now
  and then a value that is not a number).
- Benchmarks: each registered one is a dataset with an ``eval.yaml`` (``datasets/<org>/<name>/eval.yaml``).
- MTEB: ``datasets/mteb/results/results/<org>__<name>/<revision>/`` with ``model_meta.json`` (``adapted_from`` =
  the base model) and one ``<Task>.json`` per task, for the feature-extraction models.

A random stream of its own (from the seed and the model's index) decides all of it, so the rest of the dump is
exactly what it would be without evaluations.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timezone
from pathlib import Path


class Benchmark:
    def __init__(self, dataset_id: str, tasks: tuple[str, ...], low: float, high: float, higher_is_better: bool,
                 registered: bool = True, revisions: tuple[str, ...] = ()):
        self.dataset_id, self.tasks, self.low, self.high = dataset_id, tasks, low, high
        self.higher_is_better, self.registered, self.revisions = higher_is_better, registered, revisions

    def eval_yaml(self) -> str:
        tasks = "".join(f"  - id: {t}\n    config: default\n    split: test\n" for t in self.tasks)
        return (f"name: {self.dataset_id.split('/')[-1]}\ndescription: >\n  A synthetic benchmark for the "
                f"observatory's tests.\nevaluation_framework: inspect-ai\ntasks:\n{tasks}")


BENCHMARKS = (
    Benchmark("cais/hle", ("hle",), 2.0, 30.0, True),
    Benchmark("Idavidrein/gpqa", ("diamond", "main"), 0.25, 0.85, True,
              revisions=("90b8e5be2b1d3d2dbfe016cdab47981150600c4a", "d57bd7d4a5b1b6a9d3bb9a2e7cf07c1a3c0e4d21")),
    Benchmark("TIGER-Lab/MMLU-Pro", ("mmlu_pro",), 20.0, 80.0, True),
    Benchmark("hf-audio/open-asr-leaderboard", ("ami",), 6.0, 40.0, False),
    Benchmark("piqa", ("default",), 50.0, 90.0, True, registered=False),
)
MTEB_TASKS = ("ArguAna", "SCIDOCS", "STSBenchmark")
EVALUATED_SHARE = 0.08      # roots and other text-generation models evaluated on their own
CHILD_EVALUATED_SHARE = 0.6  # derivatives of an evaluated model evaluated on its benchmarks
MODEL_INDEX_SHARE = 0.05     # text-generation models whose card carries a legacy model-index


class SyntheticEvals:
    """Decides the evaluations of each generated model; ``decorate`` each record in order, then ``write``."""

    def __init__(self, seed: int):
        self.seed = seed
        self.scores: dict[int, dict[tuple[str, str], float]] = {}  # model index -> (benchmark, task) -> value
        self.mteb: dict[int, dict[str, float]] = {}
        self.mteb_models: list[tuple[dict, dict[str, float]]] = []

    def _rng(self, index: int) -> random.Random:
        return random.Random(self.seed * 1_000_003 + index)

    def decorate(self, record: dict, model) -> None:
        """Add ``evalResults`` to the record of ``model`` (a GeneratedModel) when it is evaluated."""
        rng = self._rng(model.index)
        if record.get("pipeline_tag") == "feature-extraction":
            self._mteb(record, model, rng)
            return
        if record.get("pipeline_tag") != "text-generation":
            return
        self._model_index(record, model)
        parent = self.scores.get(model.parents[0]) if model.parents else None
        if parent and rng.random() < CHILD_EVALUATED_SHARE:
            scores = {key: self._improved(key, value, rng) for key, value in parent.items()}
        elif rng.random() < EVALUATED_SHARE:
            chosen = rng.sample(BENCHMARKS, k=rng.choice((1, 2, 3)))
            scores = {(b.dataset_id, t): round(rng.uniform(b.low, b.high), 2 if b.high > 1 else 4)
                      for b in chosen for t in b.tasks}
        else:
            return
        self.scores[model.index] = scores
        created = _parse(record.get("createdAt")) or model.created
        modified = _parse(record["lastModified"])
        items = []
        for n, ((dataset_id, task), value) in enumerate(sorted(scores.items())):
            bench = next(b for b in BENCHMARKS if b.dataset_id == dataset_id)
            filename = f".eval_results/{dataset_id.split('/')[-1].lower()}.yaml"
            dataset = {"id": dataset_id, "task_id": task}
            if bench.revisions:
                dataset["revision"] = bench.revisions[model.index % len(bench.revisions)]
            when = created + (modified - created) * rng.random() if modified > created else modified
            data = {"dataset": dataset, "value": value, "date": when.date().isoformat(),
                    "source": {"url": f"https://huggingface.co/{record['id']}", "name": "Model card"}}
            item = {"filename": filename, "verified": rng.random() < 0.1, "data": data}
            if rng.random() < 0.1:
                item["pullRequest"] = 1 + rng.randrange(20)
            roll = rng.random()
            if roll < 0.01:
                item = {"filename": filename, "error": "Invalid YAML: expected a list of results"}
            elif roll < 0.015:
                del data["dataset"]["task_id"]
            elif roll < 0.02:  # a typing error the format allows: the quality gate quarantines it
                data["date"] = "2009-05-01"
            items.append(item)
            if n == 0 and rng.random() < 0.05:  # the same result reported again from an open pull request
                items.append({**item, "pullRequest": 1 + rng.randrange(20)} if "error" not in item else item)
        record["evalResults"] = items

    def _model_index(self, record: dict, model) -> None:
        """The card's legacy model-index, on a few models: MMLU with two metrics, now and then a value that is
        not a number."""
        rng = random.Random(self.seed * 7_000_003 + model.index)
        if rng.random() >= MODEL_INDEX_SHARE:
            return
        acc = round(rng.uniform(25, 80), 2)
        metrics = [{"type": "acc", "value": acc, "name": "accuracy"},
                   {"type": "acc_norm", "value": "n/a" if rng.random() < 0.05 else round(acc + rng.uniform(0, 3), 2)}]
        record["model-index"] = [{"name": record["id"], "results": [{
            "task": {"type": "text-generation", "name": "Text Generation"},
            "dataset": {"type": "cais/mmlu", "name": "MMLU (5-Shot)", "config": "all", "split": "test"},
            "metrics": metrics,
            "source": {"name": "Open LLM Leaderboard", "url": "https://huggingface.co/spaces/open-llm-leaderboard"},
        }]}]

    def _improved(self, key: tuple[str, str], base: float, rng: random.Random) -> float:
        bench = next(b for b in BENCHMARKS if b.dataset_id == key[0])
        span = bench.high - bench.low
        step = rng.gauss(0.03, 0.05) * span * (1 if bench.higher_is_better else -1)
        value = min(max(base + step, bench.low), bench.high)
        return round(value, 2 if bench.high > 1 else 4)

    def _mteb(self, record: dict, model, rng: random.Random) -> None:
        parent = self.mteb.get(model.parents[0]) if model.parents else None
        if parent is not None and rng.random() < CHILD_EVALUATED_SHARE:
            scores = {t: round(min(0.95, max(0.05, v + rng.gauss(0.01, 0.02))), 5) for t, v in parent.items()}
        elif rng.random() < 0.3:
            scores = {t: round(rng.uniform(0.2, 0.8), 5) for t in MTEB_TASKS}
        else:
            return
        self.mteb[model.index] = scores
        meta = {"name": record["id"], "revision": record["sha"],
                "release_date": (_parse(record.get("createdAt")) or model.created).date().isoformat(),
                "n_parameters": int(model.params_b * 1e9) if model.params_b else None,
                "license": (record.get("cardData") or {}).get("license"),
                "open_weights": True, "adapted_from": None}
        base = (record.get("cardData") or {}).get("base_model")
        if base:
            meta["adapted_from"] = base if isinstance(base, str) else base[0]
        self.mteb_models.append((meta, scores))

    def write(self, dump: Path) -> None:
        """The benchmark datasets' eval.yaml files and MTEB's results dataset, under ``dump/datasets``."""
        for bench in BENCHMARKS:
            if bench.registered:
                path = dump / "datasets" / bench.dataset_id / "eval.yaml"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(bench.eval_yaml(), encoding="utf-8")
        results = dump / "datasets" / "mteb" / "results" / "results"
        for meta, scores in self.mteb_models:
            folder = results / meta["name"].replace("/", "__") / meta["revision"]
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "model_meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
            for task, score in scores.items():
                doc = {"dataset_revision": "0" * 40, "task_name": task, "mteb_version": "2.3.0",
                       "scores": {"test": [{"main_score": score, "hf_subset": "default", "languages": ["eng-Latn"]}]},
                       "evaluation_time": 10.0}
                (folder / f"{task}.json").write_text(json.dumps(doc), encoding="utf-8")


def _parse(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)

