"""A Hub dump directory held in memory: the models of ``models.jsonl`` and the dataset files.

Layout (that of ../shared/data/hub_dump): ``models.jsonl`` (one record a line, as the listing
serves them) and ``datasets/<org>/<name>/<files>``. Only files under the root are ever served.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
from datetime import datetime, timezone
from pathlib import Path


class HubDump:
    """The models of a dump directory, held in memory, with sorted views cached per query."""

    def __init__(self, root: str | Path):
        self.root = Path(root).resolve()
        models_path = self.root / "models.jsonl"
        if not models_path.is_file():
            raise FileNotFoundError(f"{models_path} not found: a Hub dump holds models.jsonl")
        self.models: list[dict] = []
        self.by_id: dict[str, dict] = {}
        with models_path.open("rb") as fh:
            for line_no, raw in enumerate(fh, 1):
                if not raw.strip():
                    continue
                record = _parse_line(models_path, line_no, raw)
                if "_id" not in record:
                    # Real records always carry a Mongo-like _id; derive a stable one when the dump lacks it.
                    record["_id"] = hashlib.sha1(record["id"].encode()).hexdigest()[:24]
                self.models.append(record)
                self.by_id[record["id"]] = record
        self._views: dict[tuple, list[dict]] = {}
        self._lock = threading.Lock()
        # datasets served from outside the dump: a folder (``mount``) or files held in memory (``put_files``)
        self.mounts: dict[str, Path] = {}
        self.virtual: dict[str, dict[str, bytes]] = {}
        self._mount_revisions: dict[str, tuple[str, datetime]] = {}
        self._revisions: dict[str, tuple[tuple, tuple[str, datetime]]] = {}
        self._virtual_time = datetime.now(timezone.utc)

    def mount(self, repo_id: str, folder: str | Path) -> None:
        """Serve ``folder`` as the dataset ``repo_id`` (only files under it)."""
        self.mounts[repo_id] = Path(folder).resolve()

    def put_files(self, repo_id: str, files: dict[str, bytes]) -> None:
        """Serve these files (relative path -> content) as the dataset ``repo_id``."""
        self.virtual[repo_id] = dict(files)

    def put(self, record: dict) -> None:
        """Add or replace a model (tests simulate Hub changes with this)."""
        record = dict(record)
        record.setdefault("_id", hashlib.sha1(record["id"].encode()).hexdigest()[:24])
        with self._lock:
            old = self.by_id.get(record["id"])
            if old is not None:
                self.models[self.models.index(old)] = record
            else:
                self.models.append(record)
            self.by_id[record["id"]] = record
            self._views.clear()

    def remove(self, model_id: str) -> dict:
        with self._lock:
            record = self.by_id.pop(model_id)
            self.models.remove(record)
            self._views.clear()
            return record

    def view(self, sort: str, filters: tuple, author: str | None, pipeline_tag: str | None,
             search: str | None) -> list[dict]:
        key = (sort, filters, author, pipeline_tag, search)
        with self._lock:
            cached = self._views.get(key)
        if cached is not None:
            return cached
        rows = self.models
        if author:
            rows = [r for r in rows if r.get("author", r["id"].split("/")[0]) == author]
        if pipeline_tag:
            rows = [r for r in rows if r.get("pipeline_tag") == pipeline_tag]
        if search:
            needle = search.lower()
            rows = [r for r in rows if needle in r["id"].lower()]
        for tag in filters:
            rows = [r for r in rows if tag in (r.get("tags") or ()) or r.get("pipeline_tag") == tag
                    or r.get("library_name") == tag]
        # Descending on (sort value, _id); records without the sort value come last.
        rows = sorted(rows, key=lambda r: _sort_key(r, sort), reverse=True)
        with self._lock:
            self._views[key] = rows
        return rows

    # -- datasets ---------------------------------------------------------------------------

    def has_dataset(self, repo_id: str) -> bool:
        return repo_id in self.virtual or self.dataset_dir(repo_id) is not None

    def dataset_ids(self) -> list[str]:
        """Every dataset served: the dump's ``datasets/<org>/<name>``, the mounted and the in-memory ones."""
        base = self.root / "datasets"
        ids = {f"{org.name}/{name.name}" for org in (base.iterdir() if base.is_dir() else ())
               if org.is_dir() for name in org.iterdir() if name.is_dir()}
        return sorted(ids | set(self.mounts) | set(self.virtual))

    def benchmark_ids(self) -> list[str]:
        """Registered benchmarks: the datasets with an ``eval.yaml`` at their top (EVALS.md §2)."""
        return [d for d in self.dataset_ids() if "eval.yaml" in self.dataset_files(d)]

    def virtual_file(self, repo_id: str, rel_path: str) -> bytes | None:
        return self.virtual.get(repo_id, {}).get(rel_path)

    def dataset_dir(self, repo_id: str) -> Path | None:
        if repo_id in self.mounts:
            return self.mounts[repo_id] if self.mounts[repo_id].is_dir() else None
        path = self._safe_path("datasets", repo_id)
        return path if path is not None and path.is_dir() else None

    def dataset_files(self, repo_id: str) -> list[str]:
        if repo_id in self.virtual:
            return sorted(self.virtual[repo_id])
        base = self.dataset_dir(repo_id)
        if base is None:
            return []
        return sorted(str(p.relative_to(base)) for p in base.rglob("*")
                      if p.is_file() and not p.is_symlink() and not p.name.endswith(".partial"))

    def dataset_revision(self, repo_id: str) -> tuple[str, datetime]:
        """Commit sha (from the files' content) and last modified time of a dataset."""
        if repo_id in self.virtual:
            digest = hashlib.sha1()
            for rel, content in sorted(self.virtual[repo_id].items()):
                digest.update(rel.encode())
                digest.update(hashlib.sha256(content).hexdigest().encode())
            return digest.hexdigest(), self._virtual_time
        if repo_id in self.mounts and repo_id in self._mount_revisions:
            return self._mount_revisions[repo_id]  # a mounted folder is read-only real data: hashed once
        base = self.dataset_dir(repo_id)
        # the files' names, times and sizes (one stat each): unchanged, the revision is the one computed last
        # (a dataset of many files is asked for its revision at every file of a download)
        signature = _signature(base)
        cached = self._revisions.get(repo_id)
        if cached is not None and cached[0] == signature:
            return cached[1]
        digest = hashlib.sha1()
        newest = 0.0
        for rel in self.dataset_files(repo_id):
            path = base / rel
            digest.update(rel.encode())
            digest.update(_file_sha256(path).encode())
            newest = max(newest, path.stat().st_mtime)
        revision = digest.hexdigest(), datetime.fromtimestamp(newest, tz=timezone.utc)
        if repo_id in self.mounts:
            self._mount_revisions[repo_id] = revision
        self._revisions[repo_id] = (signature, revision)
        return revision

    def is_last_revision(self, repo_id: str, sha: str) -> bool:
        """Whether ``sha`` is the commit the dataset had when its revision was last computed. A download
        names the commit it resolved first (``snapshot_download`` asks for every file at that sha): the Hub
        serves a commit as it was, so such a request is answered without looking at the files again (a
        dataset of many files would otherwise be scanned once per file)."""
        if repo_id in self._mount_revisions:
            return self._mount_revisions[repo_id][0] == sha
        cached = self._revisions.get(repo_id)
        return cached is not None and cached[1][0] == sha

    def _safe_path(self, *parts: str) -> Path | None:
        """Resolve a path under the dump root; None when it would leave it (or cannot be a path at all)."""
        try:
            resolved = self.root.joinpath(*parts).resolve()
        except (OSError, RuntimeError, ValueError):
            return None
        if resolved != self.root and self.root not in resolved.parents:
            return None
        return resolved

    def dataset_file(self, repo_id: str, rel_path: str) -> Path | None:
        base = self.dataset_dir(repo_id)
        if base is None or not rel_path or rel_path.startswith("/") or "\\" in rel_path:
            return None
        if any(part in ("..", "") for part in rel_path.split("/")):
            return None
        try:
            path = (base / rel_path).resolve()
        except (OSError, RuntimeError, ValueError):
            return None
        if base not in path.parents or not path.is_file():
            return None
        return path

    def open_inside(self, path: Path):
        """Open ``path`` and return the file only if the file actually opened lies under the dump: checked on
        the open descriptor, so a symlink swapped after ``dataset_file`` resolved it is refused."""
        try:
            fh = path.open("rb")
        except OSError:
            return None
        opened = Path(os.path.realpath(f"/proc/self/fd/{fh.fileno()}"))
        if not any(root in opened.parents for root in (self.root, *self.mounts.values())):
            fh.close()
            return None
        return fh


def _signature(base: Path) -> tuple:
    """(relative path, mtime in ns, size) of every file under ``base``, sorted: what the revision is made of."""
    entries = []
    stack = [base]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                for entry in it:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(Path(entry.path))
                    elif entry.is_file(follow_symlinks=False):
                        stat = entry.stat(follow_symlinks=False)
                        entries.append((entry.path, stat.st_mtime_ns, stat.st_size))
        except OSError:
            continue
    return tuple(sorted(entries))


_SHA_CACHE: dict[tuple[str, float, int], str] = {}


def _file_sha256(path: Path) -> str:
    stat = path.stat()
    key = (str(path), stat.st_mtime, stat.st_size)
    if key not in _SHA_CACHE:
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        _SHA_CACHE[key] = digest.hexdigest()
    return _SHA_CACHE[key]


def _sort_key(record: dict, sort: str) -> tuple:
    value = record.get(sort)
    if value is None:
        return (0, "", record["_id"])
    if isinstance(value, (int, float)):
        return (1, float(value), record["_id"])
    return (1, str(value), record["_id"])


def _parse_line(models_path: Path, line_no: int, raw: bytes) -> dict:
    """One record of models.jsonl; a bad line is an error naming the file and the line."""
    where = f"{models_path}:{line_no}"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{where}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{where}: not valid JSON ({exc.msg})") from None
    if not isinstance(record, dict):
        raise ValueError(f"{where}: a record is a JSON object, found {type(record).__name__}")
    if not isinstance(record.get("id"), str) or not record["id"]:
        raise ValueError(f"{where}: the record has no id (found {record.get('id')!r})")
    return record


def _encode_cursor(key: tuple) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple:
    padded = cursor + "=" * (-len(cursor) % 4)
    present, value, oid = json.loads(base64.urlsafe_b64decode(padded.encode()))
    return (int(present), value, str(oid))


def _first_after(rows: list[dict], after: tuple, sort: str) -> int:
    """Index of the first row strictly after the cursor key in descending order (binary search)."""
    lo, hi = 0, len(rows)
    while lo < hi:
        mid = (lo + hi) // 2
        if _sort_key(rows[mid], sort) >= _normalise(after):
            lo = mid + 1
        else:
            hi = mid
    return lo


def _normalise(key: tuple) -> tuple:
    present, value, oid = key
    if isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    return (present, value, oid)
