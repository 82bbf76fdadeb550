"""The dataset routes of the Hub stand-in (``ingestion.standin.api``): listing (with the benchmark filter), info,
file tree, files at a revision, and a benchmark's leaderboard computed from the models' ``evalResults``."""

from __future__ import annotations

import hashlib
import os
from http import HTTPStatus
from urllib.parse import quote, unquote

from ingestion.standin.dump import _file_sha256


class HubError(Exception):
    def __init__(self, status: int, message: str, error_code: str | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.error_code = error_code


class DatasetRoutes:
    """Mixed into the request handler; reads ``self.dump`` and answers with its ``_send_json``."""

    # -- datasets ------------------------------------------------------------------------

    def _list_datasets(self, query: dict[str, list[str]]) -> None:
        """Dataset listing; ``filter=benchmark:official`` keeps the registered benchmarks (one page)."""
        filters = query.get("filter", [])
        ids = self.dump.dataset_ids()
        for f in filters:
            if f == "benchmark:official":
                ids = [d for d in ids if d in set(self.dump.benchmark_ids())]
            elif f.startswith("benchmark:"):
                raise HubError(HTTPStatus.BAD_REQUEST, f"invalid benchmark filter: {f}")
        author = _first(query, "author")
        if author:
            ids = [d for d in ids if d.split("/")[0] == author]
        body = []
        for repo_id in ids:
            sha, modified = self.dump.dataset_revision(repo_id)
            body.append({"_id": hashlib.sha1(repo_id.encode()).hexdigest()[:24], "id": repo_id,
                         "author": repo_id.split("/")[0], "sha": sha,
                         "lastModified": modified.strftime("%Y-%m-%dT%H:%M:%S.000Z"), "private": False,
                         "gated": False, "disabled": False, "downloads": 0, "likes": 0, "tags": []})
        self._send_json(body)

    def _leaderboard(self, repo_id: str, query: dict[str, list[str]]) -> None:
        """A benchmark's leaderboard, computed from the models' evalResults (EVALS.md §4): the entries naming the
        dataset, best value first; by default only models that declare no base_model (``base_model=false``: all)."""
        if not self.dump.has_dataset(repo_id):
            raise HubError(HTTPStatus.NOT_FOUND, f"Dataset {repo_id} not found", "RepoNotFound")
        if repo_id not in self.dump.benchmark_ids():
            raise HubError(HTTPStatus.BAD_REQUEST, f"Dataset {repo_id} has no leaderboard")
        base_only = (_first(query, "base_model") or "true").lower() != "false"
        entries = []
        for record in self.dump.models:
            card = record.get("cardData") if isinstance(record.get("cardData"), dict) else {}
            if base_only and card.get("base_model"):
                continue
            for item in record.get("evalResults") or ():
                data = item.get("data", item) if isinstance(item, dict) else None
                if not isinstance(data, dict) or "error" in item or not isinstance(data.get("dataset"), dict):
                    continue
                value = data.get("value")
                if data["dataset"].get("id") != repo_id or isinstance(value, bool) or not isinstance(value, (int, float)):
                    continue
                entry = {"modelId": record["id"], "value": value, "verified": bool(item.get("verified")),
                         "filename": item.get("filename"),
                         "author": {"type": "user", "name": record["id"].split("/")[0]}}
                if isinstance(data.get("source"), dict):
                    entry["source"] = data["source"]
                for key in ("pullRequest", "notes"):
                    if (item.get(key) if key == "pullRequest" else data.get(key)) is not None:
                        entry[key] = item.get(key) if key == "pullRequest" else data.get(key)
                entries.append(entry)
        entries.sort(key=lambda e: (-float(e["value"]), e["modelId"]))
        self._send_json([dict(e, rank=rank) for rank, e in enumerate(entries, 1)])

    def _dataset_sha(self, repo_id: str, revision: str) -> str:
        """The dataset's commit, when it exists and ``revision`` is main or that commit (else the Hub's 404)."""
        if not self.dump.has_dataset(repo_id):
            raise HubError(HTTPStatus.NOT_FOUND, f"Dataset {repo_id} not found", "RepoNotFound")
        revision = unquote(revision)
        if self.dump.is_last_revision(repo_id, revision):
            return revision
        sha, _ = self.dump.dataset_revision(repo_id)
        if revision not in ("main", sha):
            raise HubError(HTTPStatus.NOT_FOUND, f"Revision {revision} not found", "RevisionNotFound")
        return sha

    def _tree(self, rest: str) -> None:
        """The files of a dataset at a revision (``list_repo_tree``, recursive; one page), under a path if given."""
        repo_id, _, tail = rest.partition("/tree/")
        revision, _, prefix = tail.partition("/")
        self._dataset_sha(repo_id, revision)
        body = []
        for rel in self.dump.dataset_files(repo_id):
            if prefix and not rel.startswith(prefix.rstrip("/") + "/"):
                continue
            content = self.dump.virtual_file(repo_id, rel)
            if content is None:
                path = self.dump.dataset_file(repo_id, rel)
                size, oid = path.stat().st_size, _file_sha256(path)
            else:
                size, oid = len(content), hashlib.sha256(content).hexdigest()
            body.append({"type": "file", "oid": oid[:40], "size": size, "path": rel})
        self._send_json(body)

    def _dataset_info(self, rest: str) -> None:
        repo_id, _, revision = rest.partition("/revision/")
        if not self.dump.has_dataset(repo_id):
            raise HubError(HTTPStatus.NOT_FOUND, f"Dataset {repo_id} not found", "RepoNotFound")
        sha, modified = self.dump.dataset_revision(repo_id)
        if revision and unquote(revision) not in ("main", sha):
            raise HubError(HTTPStatus.NOT_FOUND, f"Revision {revision} not found", "RevisionNotFound")
        self._send_json({
            "_id": hashlib.sha1(repo_id.encode()).hexdigest()[:24],
            "id": repo_id,
            "author": repo_id.split("/")[0],
            "sha": sha,
            "lastModified": modified.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "private": False,
            "gated": False,
            "disabled": False,
            "tags": [],
            "siblings": [{"rfilename": f} for f in self.dump.dataset_files(repo_id)],
        })

    def _resolve(self, rest: str, head: bool) -> None:
        repo_id, _, tail = rest.partition("/resolve/")
        revision, _, rel_path = tail.partition("/")
        sha = self._dataset_sha(repo_id, revision)
        content = self.dump.virtual_file(repo_id, rel_path)
        if content is not None:
            self._send_bytes(content, sha, head)
            return
        path = self.dump.dataset_file(repo_id, rel_path)
        if path is None:
            raise HubError(HTTPStatus.NOT_FOUND, f"Entry {quote(rel_path)} not found", "EntryNotFound")
        handle = self.dump.open_inside(path)  # the file opened, resolved again: a swapped symlink is refused
        if handle is None:
            raise HubError(HTTPStatus.NOT_FOUND, f"Entry {quote(rel_path)} not found", "EntryNotFound")
        with handle:
            self._send_file(handle, path, sha, head)

    def _send_bytes(self, content: bytes, sha: str, head: bool) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(content)))
        self.send_header("ETag", f'"{hashlib.sha256(content).hexdigest()}"')
        self.send_header("X-Repo-Commit", sha)
        self.end_headers()
        if not head:
            self.wfile.write(content)

    def _send_file(self, fh, path, sha: str, head: bool) -> None:
        size = os.fstat(fh.fileno()).st_size
        etag = f'"{_file_sha256(path)}"'
        start, end = 0, size - 1
        status = HTTPStatus.OK
        range_header = self.headers.get("Range")
        if range_header and range_header.startswith("bytes=") and not head:
            first, _, last = range_header[len("bytes="):].partition("-")
            if first.isdigit():
                start = int(first)
                end = int(last) if last.isdigit() else size - 1
                status = HTTPStatus.PARTIAL_CONTENT
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(max(0, end - start + 1)))
        self.send_header("ETag", etag)
        self.send_header("X-Repo-Commit", sha)
        self.send_header("Accept-Ranges", "bytes")
        if status == HTTPStatus.PARTIAL_CONTENT:
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.end_headers()
        if head:
            return
        fh.seek(start)
        remaining = end - start + 1
        while remaining > 0:
            chunk = fh.read(min(1 << 16, remaining))
            if not chunk:
                break
            self.wfile.write(chunk)
            remaining -= len(chunk)


def _first(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None
