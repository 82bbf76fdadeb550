"""A local stand-in for the Hugging Face Hub, serving a dump directory.

It answers the endpoints the official ``huggingface_hub`` client calls, shaped
as the real Hub answers them (see ../shared/docs/HUB_API.md):

* ``GET /api/models``: listing with ``expand`` (repeated), ``filter``,
  ``author``, ``pipeline_tag``, ``search``, descending ``sort`` and keyset
  pagination: the next page is an absolute URL with an opaque ``cursor`` in
  the ``Link: <...>; rel="next"`` header;
* ``GET /api/models/{repo_id}`` (and ``/revision/{rev}``): model info;
* ``GET /api/datasets/{repo_id}`` (and ``/revision/{rev}``): dataset info with
  ``sha`` and ``lastModified``;
* ``GET /api/datasets`` (``filter=benchmark:official``: the registered benchmarks, the datasets with an
  ``eval.yaml``) and ``GET /api/datasets/{repo_id}/leaderboard`` (``base_model=false``), computed from the
  models' ``evalResults`` (../shared/docs/EVALS.md);
* ``HEAD``/``GET /datasets/{repo_id}/resolve/{revision}/{path}``: files with
  ``X-Repo-Commit``, ``ETag`` and ``Content-Length``.

Only files under the dump directory are ever served. The dump directory
holds ``models.jsonl`` and ``datasets/<org>/<name>/<files>``, the layout of
../shared/data/hub_dump.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from ingestion.standin.datasets_api import DatasetRoutes, HubError, _first
from ingestion.standin.dump import HubDump, _decode_cursor, _encode_cursor, _first_after, _sort_key

log = logging.getLogger(__name__)

# Fields the listing may expand (HUB_API.md); model_info-only ones are refused on listing.
LISTING_EXPANDS = frozenset({
    "author", "cardData", "config", "createdAt", "disabled", "downloads", "downloadsAllTime", "evalResults", "gated",
    "gguf", "inference", "lastModified", "library_name", "likes", "mask_token", "model-index",
    "pipeline_tag", "private", "safetensors", "sha", "siblings", "spaces", "tags", "transformersInfo",
    "trendingScore", "widgetData", "resourceGroup",
})
MODEL_INFO_ONLY_EXPANDS = frozenset({"baseModels", "childrenModelCount", "usedStorage"})
# What a listing returns without expand: no author, no lastModified (as the real Hub).
DEFAULT_LISTING_FIELDS = ("likes", "trendingScore", "private", "downloads", "tags", "pipeline_tag",
                          "library_name", "createdAt")
SORT_FIELDS = {"createdAt", "lastModified", "downloads", "likes", "trendingScore", "_id", "id"}
MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 1000


def _project(record: dict, fields: tuple[str, ...] | None) -> dict:
    """The payload for one model: `_id` and `id` always, then the requested fields present."""
    if fields is None:
        return dict(record)
    out = {"_id": record["_id"], "id": record["id"]}
    for field in fields:
        if field in record:
            out[field] = record[field]
        elif field == "author":
            out["author"] = record["id"].split("/")[0] if "/" in record["id"] else None
    if fields is DEFAULT_LISTING_FIELDS:
        out["modelId"] = record["id"]
    return out


# A fault injector may answer a request itself (return True) before the normal handler runs.
FaultHook = Callable[["HubRequestHandler"], bool]


class HubRequestHandler(DatasetRoutes, BaseHTTPRequestHandler):
    server_version = "HubStandIn/1.0"
    protocol_version = "HTTP/1.1"
    dump: HubDump  # set on the subclass made by HubStandIn
    fault_hook: FaultHook | None = None

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (signature of the base class)
        log.debug("hub stand-in: " + format, *args)

    # -- dispatch ------------------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802
        self._dispatch(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._dispatch(head=True)

    def _dispatch(self, head: bool) -> None:
        auth = self.headers.get("Authorization")
        if auth:
            self.server.seen_authorization.add(auth)  # type: ignore[attr-defined]
        try:
            if self.fault_hook is not None and self.fault_hook(self):
                return
            url = urlsplit(self.path)
            path = unquote(url.path)
            query = parse_qs(url.query, keep_blank_values=True)
            if path == "/api/models":
                self._list_models(query)
            elif path.startswith("/api/models/"):
                self._model_info(path[len("/api/models/"):], query)
            elif path == "/api/datasets":
                self._list_datasets(query)
            elif path.startswith("/api/datasets/") and "/tree/" in path:
                self._tree(path[len("/api/datasets/"):])
            elif path.startswith("/api/datasets/") and path.endswith("/leaderboard"):
                self._leaderboard(path[len("/api/datasets/"):-len("/leaderboard")], query)
            elif path.startswith("/api/datasets/"):
                self._dataset_info(path[len("/api/datasets/"):])
            elif path.startswith("/datasets/") and "/resolve/" in path:
                self._resolve(path[len("/datasets/"):], head)
            else:
                raise HubError(HTTPStatus.NOT_FOUND, f"No route for {url.path}")
        except HubError as err:
            self._send_json({"error": err.message}, status=err.status, error_code=err.error_code)
        except (BrokenPipeError, ConnectionResetError):
            pass
        except (ValueError, OSError) as exc:  # a NUL byte, a name too long, ...: an answer, never a cut connection
            self._send_json({"error": f"Bad request: {type(exc).__name__}"}, status=HTTPStatus.BAD_REQUEST)

    # -- responses -----------------------------------------------------------------------

    def _send_json(self, body, status: int = 200, headers: dict | None = None,
                   error_code: str | None = None) -> None:
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        if error_code:
            self.send_header("X-Error-Code", error_code)
            self.send_header("X-Error-Message", error_code)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def base_url(self) -> str:
        host = self.headers.get("Host") or f"{self.server.server_address[0]}:{self.server.server_address[1]}"
        return f"http://{host}"

    # -- models --------------------------------------------------------------------------

    def _list_models(self, query: dict[str, list[str]]) -> None:
        expand = tuple(query.get("expand", []))
        if expand and any(k in query for k in ("full", "cardData", "config")):
            raise HubError(HTTPStatus.BAD_REQUEST, "expand cannot be combined with full, cardData or config")
        bad = [e for e in expand if e not in LISTING_EXPANDS]
        if bad:
            raise HubError(HTTPStatus.BAD_REQUEST, f"invalid expand for listing: {', '.join(bad)}")
        sort = (query.get("sort") or ["_id"])[0]
        if sort not in SORT_FIELDS:
            raise HubError(HTTPStatus.BAD_REQUEST, f"invalid sort: {sort}")
        try:
            limit = int((query.get("limit") or [DEFAULT_PAGE_SIZE])[0])
        except ValueError:
            raise HubError(HTTPStatus.BAD_REQUEST, "limit must be an integer") from None
        limit = max(1, min(limit, MAX_PAGE_SIZE))
        rows = self.dump.view(sort, tuple(sorted(query.get("filter", []))), _first(query, "author"),
                              _first(query, "pipeline_tag"), _first(query, "search"))
        start = 0
        cursor = _first(query, "cursor")
        if cursor:
            try:
                after = _decode_cursor(cursor)
            except (ValueError, TypeError, json.JSONDecodeError):
                raise HubError(HTTPStatus.BAD_REQUEST, "invalid cursor") from None
            start = _first_after(rows, after, sort)
        page = rows[start:start + limit]
        if expand:
            fields: tuple[str, ...] | None = expand
        elif "full" in query:
            fields = None
        else:
            extra = tuple(k for k in ("cardData", "config") if k in query)
            fields = DEFAULT_LISTING_FIELDS + extra if extra else DEFAULT_LISTING_FIELDS
        body = [_project(r, fields) for r in page]
        headers = {}
        if start + limit < len(rows) and page:
            next_query = [(k, v) for k, values in query.items() if k != "cursor" for v in values]
            next_query.append(("cursor", _encode_cursor(_sort_key(page[-1], sort))))
            headers["Link"] = f'<{self.base_url()}/api/models?{urlencode(next_query)}>; rel="next"'
        self._send_json(body, headers=headers)

    def _model_info(self, rest: str, query: dict[str, list[str]]) -> None:
        repo_id, _, _revision = rest.partition("/revision/")
        record = self.dump.by_id.get(repo_id)
        if record is None:
            raise HubError(HTTPStatus.NOT_FOUND, f"Repository {repo_id} not found", "RepoNotFound")
        body = dict(record)
        body.setdefault("modelId", record["id"])
        body.setdefault("siblings", [])
        expand = query.get("expand", [])
        if expand:
            body = _project(body, tuple(expand))
        self._send_json(body)

