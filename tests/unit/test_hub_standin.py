"""The Hub stand-in answers the official client as the Hub does, and serves nothing outside its dump."""

from __future__ import annotations

import http.client
import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx2
import pandas as pd
import pytest
from huggingface_hub import HfApi, hf_hub_download
from huggingface_hub.errors import EntryNotFoundError, RepositoryNotFoundError, RevisionNotFoundError

from ingestion.settings import LEADERBOARD_FILENAME, LEADERBOARD_REPO_ID


def _ids(dump_dir):
    with (dump_dir / "models.jsonl").open() as fh:
        return [json.loads(line)["id"] for line in fh]


def test_list_models_pages_through_everything_exactly_once(hub, small_dump):
    api = HfApi(endpoint=hub.endpoint)
    # No limit: the client follows Link headers to the end (server pages of 1,000).
    listed = [m.id for m in api.list_models(sort="last_modified", expand=["lastModified", "author"])]
    assert len(listed) == len(set(listed)) == small_dump[1].n_models
    assert set(listed) == set(_ids(small_dump[0]))


def test_pagination_uses_absolute_next_links_with_a_cursor(hub):
    with httpx2.Client() as client:
        first = client.get(f"{hub.endpoint}/api/models", params={"limit": 100, "sort": "downloads"})
        assert first.status_code == 200
        assert len(first.json()) == 100
        next_url = first.links["next"]["url"]
        assert next_url.startswith(hub.endpoint + "/api/models?"), "absolute URL"
        query = parse_qs(urlsplit(next_url).query)
        assert "cursor" in query and query["limit"] == ["100"] and query["sort"] == ["downloads"]
        second = client.get(next_url)
        downloads = [m["downloads"] for m in first.json() + second.json()]
        assert downloads == sorted(downloads, reverse=True), "descending across the page boundary"
        assert not {m["id"] for m in first.json()} & {m["id"] for m in second.json()}


def test_keyset_pages_survive_inserts_at_the_head(hub):
    """A model inserted at the head after page 1 does not shift page 2."""
    with httpx2.Client() as client:
        first = client.get(f"{hub.endpoint}/api/models", params={"limit": 50, "sort": "lastModified",
                                                                  "expand": ["lastModified"]})
        hub.dump.models.append({"_id": "f" * 24, "id": "new-org/brand-new", "lastModified": "2099-01-01T00:00:00.000Z"})
        hub.dump._views.clear()
        try:
            second = client.get(first.links["next"]["url"])
        finally:
            hub.dump.models.pop()
            hub.dump._views.clear()
        ids_1 = [m["id"] for m in first.json()]
        ids_2 = [m["id"] for m in second.json()]
        assert "new-org/brand-new" not in ids_2 and not set(ids_1) & set(ids_2)


def test_expand_semantics(hub):
    with httpx2.Client() as client:
        default = client.get(f"{hub.endpoint}/api/models", params={"limit": 5}).json()
        assert all("author" not in m and "lastModified" not in m for m in default), \
            "the default payload lacks author and lastModified"
        expanded = client.get(f"{hub.endpoint}/api/models",
                              params=[("limit", 5), ("expand", "author"), ("expand", "lastModified")]).json()
        assert all(set(m) <= {"_id", "id", "author", "lastModified"} and "author" in m for m in expanded)
        bad = client.get(f"{hub.endpoint}/api/models", params=[("expand", "baseModels")])
        assert bad.status_code == 400, "baseModels works only on model_info"
        mixed = client.get(f"{hub.endpoint}/api/models", params=[("expand", "author"), ("full", "true")])
        assert mixed.status_code == 400


def test_filters(hub, small_dump):
    api = HfApi(endpoint=hub.endpoint)
    text_gen = list(api.list_models(pipeline_tag="text-generation", expand=["pipeline_tag"]))
    assert text_gen and all(m.pipeline_tag == "text-generation" for m in text_gen)
    author = small_dump[1].top_author[0]
    by_author = list(api.list_models(author=author))
    assert len(by_author) == small_dump[1].top_author[1]


def test_model_info_and_missing_repo(hub, small_dump):
    api = HfApi(endpoint=hub.endpoint)
    model_id = _ids(small_dump[0])[10]
    info = api.model_info(model_id)
    assert info.id == model_id and info.tags
    with pytest.raises(RepositoryNotFoundError):
        api.model_info("nobody/nothing-here")


def test_dataset_revision_and_download_through_the_client(hub, small_dump, tmp_path):
    api = HfApi(endpoint=hub.endpoint)
    info = api.dataset_info(LEADERBOARD_REPO_ID)
    assert len(info.sha) == 40
    assert LEADERBOARD_FILENAME in [s.rfilename for s in info.siblings]
    path = hf_hub_download(LEADERBOARD_REPO_ID, LEADERBOARD_FILENAME, repo_type="dataset", revision=info.sha,
                           cache_dir=tmp_path, endpoint=hub.endpoint)
    source = small_dump[0] / "datasets" / LEADERBOARD_REPO_ID / LEADERBOARD_FILENAME
    assert open(path, "rb").read() == source.read_bytes()
    assert len(pd.read_parquet(path)) == small_dump[1].n_leaderboard_rows
    with pytest.raises(RevisionNotFoundError):
        hf_hub_download(LEADERBOARD_REPO_ID, LEADERBOARD_FILENAME, repo_type="dataset", revision="0" * 40,
                        cache_dir=tmp_path / "other", endpoint=hub.endpoint)
    with pytest.raises(EntryNotFoundError):
        hf_hub_download(LEADERBOARD_REPO_ID, "data/missing.parquet", repo_type="dataset",
                        cache_dir=tmp_path / "third", endpoint=hub.endpoint)


def test_a_download_at_a_commit_looks_at_the_dataset_s_files_once_and_a_change_is_a_new_commit(tmp_path,
                                                                                            monkeypatch):
    """snapshot_download asks for every file at the commit it resolved first: the stand-in answers those
    without scanning the folder again (it did once per file: quadratic in a dataset of many files); asked for
    main after a file changed, it sees the change and serves a new commit."""
    from huggingface_hub import snapshot_download

    from ingestion.standin import HubStandIn
    from ingestion.standin import dump as dump_module

    dump = tmp_path / "hub_dump"
    (dump / "datasets" / "someone" / "many").mkdir(parents=True)
    (dump / "models.jsonl").write_text("")
    for i in range(30):
        (dump / "datasets" / "someone" / "many" / f"part-{i:02d}.json").write_text(json.dumps({"i": i}))
    scans = []
    real_signature = dump_module._signature
    monkeypatch.setattr(dump_module, "_signature", lambda base: scans.append(base) or real_signature(base))
    with HubStandIn(dump) as server:
        api = HfApi(endpoint=server.endpoint)
        first = api.dataset_info("someone/many").sha
        scans.clear()
        folder = snapshot_download("someone/many", repo_type="dataset", revision=first,
                                   cache_dir=tmp_path / "cache", endpoint=server.endpoint)
        assert len(list(Path(folder).glob("*.json"))) == 30
        assert len(scans) <= 1, f"{len(scans)} scans of the folder for one download"
        (dump / "datasets" / "someone" / "many" / "part-00.json").write_text(json.dumps({"i": "changed"}))
        second = api.dataset_info("someone/many").sha
        assert second != first, "a changed file is a new commit"


def test_head_on_resolve_gives_commit_and_etag(hub):
    with httpx2.Client() as client:
        r = client.head(f"{hub.endpoint}/datasets/{LEADERBOARD_REPO_ID}/resolve/main/{LEADERBOARD_FILENAME}")
    assert r.status_code == 200
    assert len(r.headers["X-Repo-Commit"]) == 40
    assert r.headers["ETag"].startswith('"') and int(r.headers["Content-Length"]) > 0


@pytest.mark.parametrize("path", [
    "/datasets/open-llm-leaderboard/contents/resolve/main/../../../../models.jsonl",
    "/datasets/open-llm-leaderboard/contents/resolve/main/%2e%2e/%2e%2e/%2e%2e/%2e%2e/models.jsonl",
    "/datasets/open-llm-leaderboard/contents/resolve/main/..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "/datasets/../../etc/resolve/main/passwd",
    "/datasets/open-llm-leaderboard/contents/resolve/main//etc/passwd",
])
def test_paths_outside_the_dump_are_refused(hub, path):
    host, port = hub.server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=10)
    conn.request("GET", path)  # sent verbatim: no client-side normalisation of ..
    response = conn.getresponse()
    body = response.read()
    conn.close()
    assert response.status == 404
    assert b"root:" not in body and b'"id"' not in body


def test_unknown_routes_are_404(hub):
    with httpx2.Client() as client:
        assert client.get(f"{hub.endpoint}/api/spaces").status_code == 404


def test_a_stopped_stand_in_answers_nothing_more_on_a_connection_kept_alive(small_dump, tmp_path):
    """The next day's stand-in on the same port serves the next day's Hub at once, even to a client that
    still keeps a connection to the stopped one alive (the Hub client does, for a few seconds)."""
    import shutil

    from ingestion.standin import HubStandIn

    served = tmp_path / "served"
    shutil.copytree(small_dump[0], served)
    model_id = _ids(served)[0]
    with HubStandIn(served, stable_port=True) as hub:
        endpoint = hub.endpoint
        downloads = HfApi(endpoint=endpoint).model_info(model_id).downloads
    path = served / "models.jsonl"
    lines = path.read_text().splitlines()
    record = json.loads(lines[0])
    assert record["id"] == model_id
    lines[0] = json.dumps({**record, "downloads": downloads + 1})
    path.write_text("\n".join(lines) + "\n")
    with HubStandIn(served, stable_port=True) as hub:
        assert hub.endpoint == endpoint
        assert HfApi(endpoint=endpoint).model_info(model_id).downloads == downloads + 1
