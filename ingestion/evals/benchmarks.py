"""Benchmark specifications: the ``eval.yaml`` of a registered benchmark dataset (../shared/docs/EVALS.md §2).

``parse_eval_yaml`` reads one file into a ``BenchmarkSpec``: its name, framework and tasks (each task is one
leaderboard), with the ways it departs from the specification listed in ``problems``. A spec with problems is
still landed (its tasks are what entries refer to) and is flagged, never dropped; one that is not YAML, or not a
mapping, has no tasks and says why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import yaml

# The allowed ``evaluation_framework`` values (huggingface.js packages/tasks/src/eval.ts, EVALS.md §2).
EVALUATION_FRAMEWORKS = frozenset({
    "exgentic", "inspect-ai", "math-arena", "mteb", "olmocr-bench", "harbor", "ifstruct", "pier", "redline-bench",
    "archipelago", "benchflow", "apex-evals", "screenspot-pro", "swe-bench", "swe-bench-pro", "nemo-evaluator",
    "yc-bench", "open-asr-leaderboard", "mdpbench", "real5-omnidocbench", "parsebench", "video-mme-v2", "claw-eval",
    "researchclawbench", "pbench", "wildclawbench", "wbench", "nanofold", "mmmu", "extractbench",
})
# Keys that belong to a task, not to the top level of the file.
TASK_KEYS = ("field_spec", "solvers", "scorers")


@dataclass(frozen=True)
class BenchmarkTask:
    task_id: str
    config: str
    split: str


@dataclass
class BenchmarkSpec:
    name: str | None
    evaluation_framework: str | None
    tasks: list[BenchmarkTask] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems

    def tasks_json(self) -> str:
        return json.dumps([t.__dict__ for t in self.tasks])


def parse_eval_yaml(text: str) -> BenchmarkSpec:
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return BenchmarkSpec(None, None, problems=[f"not YAML: {str(exc).splitlines()[0]}"])
    if not isinstance(doc, dict):
        return BenchmarkSpec(None, None, problems=[f"an eval.yaml is a mapping, found {type(doc).__name__}"])
    problems = []
    name = doc.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append("name is missing")
        name = None
    if not isinstance(doc.get("description"), str):
        problems.append("description is missing")
    framework = doc.get("evaluation_framework")
    if framework is None:
        problems.append("evaluation_framework is missing")
    elif framework not in EVALUATION_FRAMEWORKS:
        problems.append(f"evaluation_framework {framework!r} is not one the Hub knows")
    misplaced = [k for k in TASK_KEYS if k in doc]
    if misplaced:
        problems.append(f"{', '.join(misplaced)} at the top level (they belong to a task)")
    tasks = []
    raw_tasks = doc.get("tasks")
    if not isinstance(raw_tasks, list) or not raw_tasks:
        problems.append("tasks is missing (a list of at least one task)")
        raw_tasks = []
    for i, task in enumerate(raw_tasks, 1):
        task_id = task.get("id") if isinstance(task, dict) else None
        if not isinstance(task_id, (str, int)) or isinstance(task_id, bool) or str(task_id).strip() == "":
            problems.append(f"task {i} has no id")
            continue
        tasks.append(BenchmarkTask(str(task_id), str(task.get("config") or "default"), str(task.get("split") or "test")))
    return BenchmarkSpec(name.strip() if name else None, framework if isinstance(framework, str) else None,
                         tasks, problems)
