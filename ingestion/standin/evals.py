"""A folder of real evaluation files (the layout of ../shared/data/evals), served by the stand-in as the Hub
serves them.

- ``hf_eval_results_yaml/<folder>/``: a model repo's ``.eval_results/*.yaml``. Either the files themselves
  (``.eval_results/`` directly in the folder: one revision), or one sub-folder per commit (``<sha>/.eval_results``):
  successive revisions of the main branch, or, when the folder name ends in ``__pr-commits``, one open pull
  request each (numbered 1, 2, ... in commit order). The model is the repository PROVENANCE.tsv names for the
  folder's files (else the folder name, ``org__name``). Its record carries ``evalResults``: one item per YAML list
  entry ``{filename, verified, data, pullRequest?}``, or ``{filename, error}`` for a file that is not a list of
  entries.
- ``hf_eval_yaml/<folder>/eval.yaml``: a benchmark dataset (its id from PROVENANCE.tsv, else the folder name); a
  Python file there holding verbatim copies of real ``eval.yaml`` files (a test, with the ``Source:`` URL of each
  in its docstring) contributes each copy as its benchmark's ``eval.yaml``.
- ``mteb_results/``: the dataset ``mteb/results``.

Commit dates come from PROVENANCE.tsv where it has them; a repo whose commit dates it does not know is served as
last modified when the folder was collected (the newest commit date PROVENANCE.tsv knows: its files existed then).
"""

from __future__ import annotations

import ast
import csv
import hashlib
import re
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import yaml

MTEB_REPO_ID = "mteb/results"
_SHA = re.compile(r"^[0-9a-f]{40}$")
_SOURCE = re.compile(r"Source:\s*https://huggingface\.co/datasets/([\w.-]+/[\w.-]+)/blob/[^/\s]+/eval\.yaml")


@dataclass
class Revision:
    sha: str
    committed_at: datetime | None
    files: dict[str, Path]  # ".eval_results/x.yaml" -> file


@dataclass
class EvalRepo:
    model_id: str
    folder: Path
    revisions: list[Revision]  # main branch, oldest first
    pull_requests: list[Revision] = field(default_factory=list)  # open pull requests, numbered from 1
    collected_at: datetime | None = None  # when the folder was collected: a bound on unknown commit dates

    def record(self, step: int | None = None) -> dict:
        """The Hub record of the model at main revision ``step`` (None: the latest), with its evalResults."""
        main = self.revisions[-1 if step is None else min(step, len(self.revisions) - 1)] if self.revisions else None
        items: list[dict] = []
        if main is not None:
            for filename, path in sorted(main.files.items()):
                items.extend(eval_items(filename, path))
        for number, pr in enumerate(self.pull_requests, 1):
            for filename, path in sorted(pr.files.items()):
                items.extend(dict(item, pullRequest=number) for item in eval_items(filename, path))
        dates = [r.committed_at for r in self.revisions + self.pull_requests if r.committed_at]
        modified = (main.committed_at if main and main.committed_at else max(dates, default=None)) or self.collected_at
        created = min(dates, default=modified)
        sha = main.sha if main else hashlib.sha1(self.model_id.encode()).hexdigest()
        return {
            "_id": hashlib.sha1(self.model_id.encode()).hexdigest()[:24],
            "id": self.model_id,
            "author": self.model_id.split("/")[0],
            "sha": sha,
            "createdAt": _iso(created),
            "lastModified": _iso(modified),
            "private": False,
            "gated": False,
            "downloads": 0,
            "likes": 0,
            "tags": [],
            "evalResults": items,
        }


def eval_items(filename: str, path: Path) -> list[dict]:
    """The items the Hub serves for one ``.eval_results`` file: one per entry, or one error item."""
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return [{"filename": filename, "error": f"invalid YAML: {str(exc).splitlines()[0]}"}]
    if not isinstance(entries, list):
        return [{"filename": filename, "error": "an .eval_results file is a list of entries"}]
    return [{"filename": filename, "verified": False, "data": _jsonable(entry)} for entry in entries]


class EvalsFolder:
    """The model repos, benchmark specs and MTEB results of an evals folder."""

    def __init__(self, root: str | Path):
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise FileNotFoundError(f"{self.root}: no such evals folder")
        self._provenance = _read_provenance(self.root / "PROVENANCE.tsv")
        known = [_date(row.get("commit_date")) for row in self._provenance]
        self.collected_at = max((d for d in known if d), default=None)
        self.repos = self._model_repos()
        self.benchmarks = self._benchmarks()
        mteb = self.root / "mteb_results"
        self.mteb_dir = mteb if (mteb / "results").is_dir() else None

    def _model_repos(self) -> list[EvalRepo]:
        base = self.root / "hf_eval_results_yaml"
        repos = []
        for folder in sorted(p for p in base.iterdir() if p.is_dir()) if base.is_dir() else []:
            commits = [p for p in folder.iterdir() if p.is_dir() and _SHA.match(p.name)]
            if commits:
                revisions = [Revision(c.name, self._commit_date("hf_eval_results_yaml", f"{folder.name}/{c.name}/"),
                                      _eval_files(c)) for c in commits]
                revisions.sort(key=lambda r: (r.committed_at or datetime.max.replace(tzinfo=timezone.utc), r.sha))
                revisions = [r for r in revisions if r.files]
            else:
                files = _eval_files(folder)
                digest = hashlib.sha1("".join(f"{k}{_sha256(p)}" for k, p in sorted(files.items())).encode())
                revisions = [Revision(digest.hexdigest(), None, files)] if files else []
            if not revisions:
                continue
            model_id = self._repo_for("hf_eval_results_yaml", f"{folder.name}/") or folder.name.replace("__", "/", 1)
            if folder.name.endswith("__pr-commits"):
                repos.append(EvalRepo(model_id, folder, [], revisions, collected_at=self.collected_at or _mtime(folder)))
            else:
                repos.append(EvalRepo(model_id, folder, revisions, collected_at=self.collected_at or _mtime(folder)))
        return repos

    def _benchmarks(self) -> dict[str, bytes]:
        """eval.yaml content per benchmark dataset id."""
        base = self.root / "hf_eval_yaml"
        specs: dict[str, bytes] = {}
        for folder in sorted(p for p in base.iterdir() if p.is_dir()) if base.is_dir() else []:
            spec = folder / "eval.yaml"
            if spec.is_file():
                repo = self._repo_for("hf_eval_yaml", f"{folder.name}/eval.yaml") or folder.name.replace("__", "/", 1)
                specs[repo] = spec.read_bytes()
            for source in sorted(folder.rglob("*.py")):
                for repo, text in embedded_eval_yamls(source.read_text(encoding="utf-8")).items():
                    specs.setdefault(repo, text.encode())
        return specs

    def _repo_for(self, source: str, prefix: str) -> str | None:
        repos = Counter(row["repo"] for row in self._provenance
                        if row["source"] == source and row["path_under_raw_source"].startswith(prefix))
        return repos.most_common(1)[0][0] if repos else None

    def _commit_date(self, source: str, prefix: str) -> datetime | None:
        for row in self._provenance:
            if row["source"] == source and row["path_under_raw_source"].startswith(prefix):
                return _date(row.get("commit_date"))
        return None

    @property
    def steps(self) -> int:
        """How many main revisions the repo with the most has (a replay serves steps 0 .. steps-1)."""
        return max((len(r.revisions) for r in self.repos), default=0)

    def model_records(self, step: int | None = None) -> list[dict]:
        return [repo.record(step) for repo in self.repos]


def embedded_eval_yamls(source: str) -> dict[str, str]:
    """Verbatim ``eval.yaml`` copies held in a Python file: each function whose docstring names the file's
    ``Source: https://huggingface.co/datasets/<id>/blob/<rev>/eval.yaml`` contributes the first string literal
    given to ``dedent`` in it."""
    found: dict[str, str] = {}
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return found
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        match = _SOURCE.search(ast.get_docstring(node) or "")
        if not match:
            continue
        for call in ast.walk(node):
            if (isinstance(call, ast.Call) and getattr(call.func, "attr", getattr(call.func, "id", None)) == "dedent"
                    and call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str)):
                found.setdefault(match.group(1), textwrap.dedent(call.args[0].value))
                break
    return found


def _eval_files(folder: Path) -> dict[str, Path]:
    base = folder / ".eval_results"
    if not base.is_dir():
        return {}
    return {f".eval_results/{p.name}": p for p in sorted(base.iterdir())
            if p.is_file() and p.suffix in (".yaml", ".yml")}


def _read_provenance(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def _jsonable(value):
    """YAML values as JSON would carry them (an unquoted date becomes its ISO string)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _date(text: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(text).astimezone(timezone.utc) if text else None
    except ValueError:  # "(commit date unknown)"
        return None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _mtime(folder: Path) -> datetime:
    newest = max((p.stat().st_mtime for p in folder.rglob("*") if p.is_file()), default=0.0)
    return datetime.fromtimestamp(newest, tz=timezone.utc)


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z") if moment else None

