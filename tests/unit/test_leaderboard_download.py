"""Downloading the leaderboard dataset: a bad answer in the cache never blocks later runs."""

from __future__ import annotations

import pytest

from ingestion.hub.client import HubClient
from ingestion.leaderboard.load import load_leaderboard_from_hub
from ingestion.standin import HubStandIn
from ingestion.warehouse import connect


@pytest.fixture()
def con(tmp_path):
    connection = connect(tmp_path / "w.duckdb")
    yield connection
    connection.close()


class EmptyFileOnce:
    """The first download of a dataset file is answered as a 0-byte file (headers and body agree)."""

    def __init__(self):
        self.served = 0

    def __call__(self, handler) -> bool:
        if "/resolve/" not in handler.path or self.served >= 2:
            return False
        self.served += 1
        sha, _ = handler.dump.dataset_revision("open-llm-leaderboard/contents")
        handler.send_response(200)
        handler.send_header("Content-Type", "application/octet-stream")
        handler.send_header("Content-Length", "0")
        handler.send_header("ETag", '"empty"')
        handler.send_header("X-Repo-Commit", sha)
        handler.end_headers()
        return True


def test_an_empty_cached_file_is_fetched_again(small_dump, con, tmp_path):
    cache = tmp_path / "cache"
    with HubStandIn(small_dump[0], fault_hook=EmptyFileOnce()) as hub:
        client = HubClient(hub.endpoint, base_wait=0.01, max_wait=0.05, attempts=2, max_retries=1)
        result = load_leaderboard_from_hub(con, client, cache)
    assert result.rows == small_dump[1].n_leaderboard_rows
    assert con.execute("select count(*) from raw.leaderboard_hub_results").fetchone()[0] == result.rows


def test_an_empty_file_left_in_the_cache_by_an_earlier_run_is_fetched_again(small_dump, con, tmp_path):
    """The fault as found: an earlier run cached a 0-byte answer; a later fault-free run still lands."""
    from ingestion.hub.client import HubClient as Client

    cache = tmp_path / "cache"
    with HubStandIn(small_dump[0]) as hub:
        client = Client(hub.endpoint)
        revision, _ = client.dataset_revision("open-llm-leaderboard/contents")
        good = client.download_dataset_file("open-llm-leaderboard/contents", "data/train-00000-of-00001.parquet",
                                            revision, cache)
        good.resolve().write_bytes(b"")  # what the cut download left behind
        result = load_leaderboard_from_hub(con, client, cache)
    assert result.rows == small_dump[1].n_leaderboard_rows
