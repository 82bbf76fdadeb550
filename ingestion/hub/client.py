"""Fetching from the Hugging Face Hub (or a stand-in) through the official client.

Listing goes through ``huggingface_hub``'s own HTTP layer (its session, headers,
token handling and retrying ``http_backoff``) page by page, so that every page's
raw JSON is kept as served and the next-page URL can be checkpointed. Model and
dataset info and file downloads use ``HfApi`` and ``hf_hub_download``. The
endpoint is always passed explicitly from configuration (HF_ENDPOINT is only
read at import time by the client).
"""

from __future__ import annotations

import dataclasses
import logging
import random
import time
from collections.abc import Iterator
from pathlib import Path

from huggingface_hub import HfApi, hf_hub_download
from huggingface_hub.utils import build_hf_headers, hf_raise_for_status, http_backoff

log = logging.getLogger(__name__)

# Every field the marts and checks need; all are allowed on listing (HUB_API.md, EVALS.md §3, §5). ``evalResults``
# (Community Evals) and the card's ``model-index`` ride along: the incremental crawl fetches them only for the
# models modified since the last.
MODEL_EXPAND_FIELDS: tuple[str, ...] = (
    "author", "cardData", "config", "createdAt", "downloads", "downloadsAllTime", "evalResults", "gated", "gguf",
    "lastModified", "library_name", "likes", "model-index", "pipeline_tag", "private", "safetensors", "sha", "tags",
)


@dataclasses.dataclass(frozen=True)
class ModelPage:
    """One page of a model listing, as the Hub served it."""

    records: list[dict]
    url: str
    next_url: str | None
    seconds: float


def redact(text: str, token: str | None) -> str:
    """Remove a token from a message before it is logged or stored."""
    if token:
        text = text.replace(token, "***")
    return text


class HubClient:
    """A thin typed wrapper over huggingface_hub, bound to one endpoint."""

    def __init__(self, endpoint: str, token: str | None = None, timeout: float = 60.0, *,
                 max_retries: int = 5, base_wait: float = 1.0, max_wait: float = 8.0, attempts: int = 4):
        """``max_retries``/``base_wait``/``max_wait`` tune the client's own backoff (``http_backoff``);
        when it gives up, the request is tried again up to ``attempts`` times in all, after an
        exponential wait with jitter, before the error is raised."""
        self.endpoint = endpoint.rstrip("/")
        self._token = token or None
        self.timeout = timeout
        self.max_retries = max_retries
        self.base_wait = base_wait
        self.max_wait = max_wait
        self.attempts = max(1, attempts)
        self.api = HfApi(endpoint=self.endpoint, token=self._token)

    def __repr__(self) -> str:  # never shows the token
        return f"HubClient(endpoint={self.endpoint!r}, token={'set' if self._token else 'unset'})"

    def redact(self, text: str) -> str:
        """``text`` without this client's token (for messages that are logged or stored)."""
        return redact(text, self._token)

    def _headers(self) -> dict[str, str]:
        # token=None lets the client fall back to HF_TOKEN or the saved login, as it does itself.
        return build_hf_headers(token=self._token, library_name="open-model-observatory")

    def list_model_urls(self, *, sort: str | None = "lastModified", page_size: int = 1000,
                        filters: tuple[str, ...] = (), author: str | None = None,
                        pipeline_tag: str | None = None, expand: tuple[str, ...] = MODEL_EXPAND_FIELDS) -> str:
        """The first listing URL for a query (later pages come from the Link header)."""
        from urllib.parse import urlencode

        params: list[tuple[str, str]] = [("limit", str(page_size))]
        if sort:
            params.append(("sort", sort))
        params += [("filter", f) for f in filters]
        if author:
            params.append(("author", author))
        if pipeline_tag:
            params.append(("pipeline_tag", pipeline_tag))
        params += [("expand", e) for e in expand]
        return f"{self.endpoint}/api/models?{urlencode(params)}"

    def iter_model_pages(self, start_url: str) -> Iterator[ModelPage]:
        """Follow a listing from ``start_url`` (a first URL or a checkpointed next URL)."""
        url: str | None = start_url
        while url is not None:
            began = time.perf_counter()
            response, records = self.get_json(url)
            if not isinstance(records, list):
                raise ValueError(f"{redact(url, self._token)}: expected a JSON array of models, "
                                 f"got {type(records).__name__}")
            next_url = response.links.get("next", {}).get("url")
            yield ModelPage(records, url, next_url, time.perf_counter() - began)
            url = next_url

    def get_json(self, url: str):
        """GET a Hub API URL through the client's retrying HTTP layer, with outer retries and jitter.

        Retried: 408, 429 (Retry-After honoured by the client), 5xx, timeouts, refused, dropped
        or cut connections, and bodies that end before their JSON does. Other HTTP errors
        (404, 401, ...) are raised at once. Returns (response, parsed JSON).
        """
        headers = self._headers()
        for attempt in range(1, self.attempts + 1):
            try:
                response = http_backoff("GET", url, headers=headers, timeout=self.timeout,
                                        max_retries=self.max_retries, base_wait_time=self.base_wait,
                                        max_wait_time=self.max_wait)
                hf_raise_for_status(response)
                return response, response.json()
            except Exception as exc:  # noqa: BLE001 - classified just below
                if not _is_transient(exc) or attempt == self.attempts:
                    raise _redacted(exc, self._token) from None
                wait = min(self.max_wait * 4, self.base_wait * 2 ** attempt) * (0.5 + random.random())
                log.warning("attempt %d/%d for %s failed (%s); retrying in %.1f s", attempt, self.attempts,
                            redact(url, self._token), redact(str(exc), self._token)[:200], wait)
                time.sleep(wait)
        raise AssertionError("unreachable")

    def model_info_raw(self, repo_id: str, expand: tuple[str, ...] = MODEL_EXPAND_FIELDS) -> dict | None:
        """One model's record (as served by ``/api/models/{id}``), or None if the Hub has no such repo."""
        from urllib.parse import quote, urlencode

        from huggingface_hub.errors import HfHubHTTPError

        url = f"{self.endpoint}/api/models/{quote(repo_id, safe='/')}?{urlencode([('expand', e) for e in expand])}"
        try:
            return self.get_json(url)[1]
        except HfHubHTTPError as exc:
            if exc.response is not None and exc.response.status_code in (401, 404):
                return None  # deleted, renamed away, or private: the Hub answers alike
            raise

    def dataset_revision(self, repo_id: str) -> tuple[str, str | None]:
        """(commit sha, lastModified ISO string) of a dataset's main branch."""
        info = _retry(lambda: self.api.dataset_info(repo_id, timeout=self.timeout), attempts=self.attempts,
                      base_wait=self.base_wait)
        modified = info.last_modified.isoformat() if info.last_modified else None
        return info.sha, modified

    def download_dataset_file(self, repo_id: str, filename: str, revision: str, cache_dir: Path, *,
                              force: bool = False) -> Path:
        """Download one dataset file at a fixed revision (immutable snapshot); cached by revision. A cached
        copy of 0 bytes (a cut or empty answer kept by the cache) is fetched again; ``force`` always does."""
        def fetch(again: bool) -> Path:
            return Path(hf_hub_download(repo_id, filename, repo_type="dataset", revision=revision,
                                        cache_dir=str(cache_dir), endpoint=self.endpoint, token=self._token,
                                        force_download=again))

        def forget(path: Path) -> None:
            # the cache keeps a snapshot entry pointing at the bad copy, and a forced download does not
            # replace an existing entry: remove both so the next download writes them anew
            target = path.resolve()
            path.unlink(missing_ok=True)
            if target != path:
                target.unlink(missing_ok=True)

        path = fetch(False)
        if force or path.stat().st_size == 0:
            if not force:
                log.warning("%s@%s/%s: the cached copy is empty; fetching it again", repo_id, revision[:12], filename)
            forget(path)
            path = fetch(True)
        return path


def is_unreachable(exc: BaseException) -> bool:
    """The Hub could not be reached at all (no network, a name that does not resolve, nothing listening)."""
    import httpx2

    return isinstance(exc, (httpx2.ConnectError, httpx2.ConnectTimeout, ConnectionError, OSError))


def _is_transient(exc: BaseException) -> bool:
    import json

    import httpx2
    from huggingface_hub.errors import HfHubHTTPError

    if isinstance(exc, HfHubHTTPError):
        status = exc.response.status_code if exc.response is not None else None
        return status in (408, 429, 500, 502, 503, 504)
    return isinstance(exc, (httpx2.TransportError, json.JSONDecodeError, ConnectionError, TimeoutError))


def _redacted(exc: BaseException, token: str | None) -> BaseException:
    """The same exception with the token removed from its message (it never carries one, but be sure)."""
    if token and token in str(exc):
        try:
            exc.args = tuple(redact(str(a), token) for a in exc.args)
        except Exception:  # noqa: BLE001
            return RuntimeError(redact(str(exc), token))
    return exc


def _retry(call, attempts: int = 5, base_wait: float = 1.0):
    """Retry calls the client does not retry itself (model_info, dataset_info) on transient errors."""
    for attempt in range(1, attempts + 1):
        try:
            return call()
        except Exception as exc:  # noqa: BLE001 - classified just below
            if not _is_transient(exc) or attempt == attempts:
                raise
            wait = base_wait * 2 ** (attempt - 1)
            response = getattr(exc, "response", None)
            retry_after = response.headers.get("Retry-After") if response is not None else None
            if retry_after:
                try:
                    wait = max(wait, float(retry_after))
                except ValueError:
                    pass
        time.sleep(min(wait, 60) * (0.5 + random.random() / 2))
    raise AssertionError("unreachable")
