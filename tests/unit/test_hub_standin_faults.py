"""The stand-in answers every request (even a malformed one), never serves a file outside its dump, and
names the file and line of a bad record in the dump it is given."""

from __future__ import annotations

import http.client
import shutil

import pytest

from ingestion.standin import HubStandIn
from ingestion.standin.dump import HubDump


def raw_request(endpoint: str, path: str) -> int:
    host, port = endpoint.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.putrequest("GET", path, skip_accept_encoding=True)
    conn.endheaders()
    status = conn.getresponse().status
    conn.close()
    return status


@pytest.mark.parametrize("path", [
    "/datasets/open-llm-leaderboard/contents/resolve/main/data/%00.parquet",
    "/api/models/org/" + "x" * 300,
    "/datasets/open-llm-leaderboard/contents/resolve/main/" + "y" * 300 + "/file.parquet",
])
def test_a_malformed_path_gets_an_http_answer(hub, path):
    assert 400 <= raw_request(hub.endpoint, path) < 500


def test_a_symlink_swapped_after_the_check_is_refused(small_dump, tmp_path):
    dump = tmp_path / "dump"
    shutil.copytree(small_dump[0], dump)
    secret = tmp_path / "secret.txt"
    secret.write_text("outside the dump")
    served = HubDump(dump)
    inside = dump / "datasets" / "open-llm-leaderboard" / "contents" / "data" / "train-00000-of-00001.parquet"
    assert served.open_inside(inside) is not None
    swapped = inside.with_name("swapped.parquet")
    swapped.symlink_to(secret)  # what a swap between the check and the open would leave
    assert served.open_inside(swapped) is None


def test_the_swap_is_refused_through_http_too(small_dump, tmp_path, monkeypatch):
    dump = tmp_path / "dump"
    shutil.copytree(small_dump[0], dump)
    secret = tmp_path / "secret.txt"
    secret.write_text("outside the dump")
    link = dump / "datasets" / "open-llm-leaderboard" / "contents" / "data" / "late.parquet"
    link.symlink_to(secret)
    with HubStandIn(dump) as hub:
        # the path check passes (as it would have before the swap); the open must still refuse
        monkeypatch.setattr(hub.dump, "dataset_file", lambda repo_id, rel: link)
        assert raw_request(hub.endpoint, "/datasets/open-llm-leaderboard/contents/resolve/main/data/late.parquet") \
            == 404


@pytest.mark.parametrize("line, message", [
    (b'{"id": null, "tags": []}', "the record has no id"),
    (b'{"id": "org/\xff\xfe"}', "not UTF-8 text"),
    (b'["org/x"]', "a record is a JSON object"),
])
def test_a_bad_record_in_the_dump_is_named_by_file_and_line(tmp_path, line, message):
    (tmp_path / "models.jsonl").write_bytes(b'{"id": "org/ok"}\n' + line + b"\n")
    with pytest.raises(ValueError, match=rf"models.jsonl:2: {message}"):
        HubDump(tmp_path)
