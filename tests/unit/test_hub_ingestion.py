"""Hub ingestion: complete under faults, resumable after a kill, incremental, idempotent, token-safe."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
from datetime import datetime, timezone

import duckdb
import pytest

from ingestion.standin import HubStandIn
from tests.support.faults import FaultPlan
from ingestion.hub.client import HubClient
from ingestion.warehouse import connect
from ingestion.hub.crawl import load_hub_models
from tests.conftest import ROOT


def fast_client(endpoint: str, **kwargs) -> HubClient:
    """Short waits so that retries take milliseconds in tests."""
    options = {"base_wait": 0.02, "max_wait": 0.05, "timeout": 5.0} | kwargs
    return HubClient(endpoint, **options)


def dump_ids(dump_dir) -> list[str]:
    with (dump_dir / "models.jsonl").open() as fh:
        return [json.loads(line)["id"] for line in fh]


def landed(con) -> dict[str, dict]:
    return {m: json.loads(p) for m, p in con.execute("select model_id, payload from raw.hub_models").fetchall()}


def assert_equals_dump(con, dump_dir):
    rows = con.execute("select count(*), count(distinct model_id) from raw.hub_models").fetchone()
    ids = dump_ids(dump_dir)
    assert rows == (len(ids), len(ids)), "nothing duplicated"
    got = landed(con)
    with (dump_dir / "models.jsonl").open() as fh:
        for line in fh:
            record = json.loads(line)
            payload = got[record["id"]]
            for field in ("author", "downloads", "lastModified", "tags", "sha"):
                assert payload.get(field) == record.get(field), (record["id"], field)


@pytest.fixture()
def con(tmp_path):
    connection = connect(tmp_path / "w.duckdb")
    yield connection
    connection.close()


@pytest.mark.parametrize("kind", ["429", "500", "503", "drop", "cut", "slow"])
def test_landing_equals_the_dump_under_faults(kind, small_dump, con):
    plan = FaultPlan.every(n=2, kind=kind, times=3, retry_after=0.05, delay=1.0)
    with HubStandIn(small_dump[0], fault_hook=plan) as hub:
        result = load_hub_models(con, fast_client(hub.endpoint, timeout=0.5), page_size=200, mode="full")
    assert len(plan.served) == 3, "the faults were really served"
    assert result.records == len(dump_ids(small_dump[0]))
    assert_equals_dump(con, small_dump[0])


def test_a_persistent_failure_fails_the_crawl_and_changes_nothing(small_dump, con):
    with HubStandIn(small_dump[0]) as hub:
        load_hub_models(con, fast_client(hub.endpoint), page_size=500, mode="full")
    before = landed(con)
    always = FaultPlan({i: "500" for i in range(2, 500)})
    with HubStandIn(small_dump[0], fault_hook=always) as hub:
        with pytest.raises(Exception, match="500"):
            load_hub_models(con, fast_client(hub.endpoint, max_retries=1, attempts=2), page_size=500, mode="full")
    assert landed(con) == before, "a failed crawl is never visible"
    status, error = con.execute("select status, error from raw.hub_crawls order by started_at desc limit 1").fetchone()
    assert status == "failed" and "500" in error


KILLER = textwrap.dedent("""
    import os, signal, sys
    from ingestion.hub.client import HubClient
    from ingestion.warehouse import connect
    from ingestion.hub.crawl import load_hub_models
    endpoint, warehouse, kill_after = sys.argv[1], sys.argv[2], int(sys.argv[3])
    con = connect(warehouse)
    pages = 0
    def progress(text):
        global pages
        if text.startswith("hub models: page"):
            pages += 1
            if pages == kill_after:
                os.kill(os.getpid(), signal.SIGKILL)
    load_hub_models(con, HubClient(endpoint), page_size=100, mode="full", progress=progress, progress_interval=0)
""")


def test_a_killed_crawl_resumes_from_its_checkpoint(small_dump, tmp_path):
    warehouse = tmp_path / "killed.duckdb"
    requests = FaultPlan({})  # counts requests, serves no fault
    with HubStandIn(small_dump[0], fault_hook=requests) as hub:
        out = subprocess.run([sys.executable, "-c", KILLER, hub.endpoint, str(warehouse), "6"], cwd=ROOT,
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == -signal.SIGKILL, out.stderr
        with duckdb.connect(str(warehouse)) as con:
            status, pages, next_url = con.execute("select status, pages, next_url from raw.hub_crawls").fetchone()
            assert (status, pages) == ("running", 6) and "cursor=" in next_url
            assert con.execute("select count(*) from raw.hub_models").fetchone()[0] == 0, "nothing visible yet"
            first_run = requests.count
            result = load_hub_models(con, HubClient(hub.endpoint), page_size=100, mode="full")
            assert result.resumed_at_page == 6
            total_pages = -(-len(dump_ids(small_dump[0])) // 100)
            assert requests.count - first_run == total_pages - 6, "the resumed run did not start over"
            assert_equals_dump(con, small_dump[0])


def test_incremental_refresh_fetches_only_what_changed_and_is_idempotent(small_dump, con):
    with HubStandIn(small_dump[0]) as hub:
        client = fast_client(hub.endpoint)
        full = load_hub_models(con, client, page_size=300)
        assert full.mode == "full"
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        ids = dump_ids(small_dump[0])
        for model_id in ids[:5]:
            edited = dict(hub.dump.by_id[model_id], lastModified=now, downloads=123456789)
            hub.dump.put(edited)
        for k in range(3):
            hub.dump.put({"id": f"fresh-org/new-model-{k}", "author": "fresh-org", "lastModified": now,
                          "tags": ["license:mit"], "createdAt": now})
        gone = hub.dump.remove(ids[10])
        refresh = load_hub_models(con, client, page_size=300)
        assert refresh.mode == "incremental" and refresh.watermark is not None
        assert (refresh.records, refresh.new, refresh.changed) == (8, 3, 5), "only the changed models were fetched"
        assert refresh.pages == 1
        assert landed(con)[ids[0]]["downloads"] == 123456789
        assert ids[10] in landed(con), "an incremental refresh cannot see deletions: history is kept"
        again = load_hub_models(con, client, page_size=300)
        assert (again.new, again.changed, again.unchanged) == (0, 0, 8), "re-running is idempotent"
        # a full reconcile marks the deleted model and a renamed one, and drops nothing
        renamed = hub.dump.remove(ids[20])
        hub.dump.put(dict(renamed, id="new-owner/renamed-model", lastModified=now))
        reconcile = load_hub_models(con, client, page_size=300, mode="full")
    assert reconcile.removed == 2
    removals = {r[0]: r[1:] for r in con.execute(
        "select model_id, removal, renamed_to from raw.hub_model_removals").fetchall()}
    assert removals == {gone["id"]: ("deleted", None), ids[20]: ("renamed", "new-owner/renamed-model")}
    assert con.execute("select count(*) from raw.hub_models").fetchone()[0] == len(ids) + 3 + 1


def test_the_token_is_sent_but_never_stored_or_logged(small_dump, tmp_path, monkeypatch, caplog):
    secret = "hf_observatoryTestSecret0123456789"
    monkeypatch.setenv("HF_TOKEN", secret)
    warehouse = tmp_path / "secret.duckdb"
    caplog.set_level("DEBUG")
    messages = []
    plan = FaultPlan({2: "500", 3: "drop"}, retry_after=0.05)
    with HubStandIn(small_dump[0], fault_hook=plan) as hub:
        with connect(warehouse) as con:
            load_hub_models(con, fast_client(hub.endpoint), page_size=500, mode="full", progress=messages.append)
        assert f"Bearer {secret}" in hub.server.seen_authorization, "HF_TOKEN is used when set"
        failing = FaultPlan({i: "500" for i in range(1, 100)})
        hub.server.RequestHandlerClass.fault_hook = staticmethod(failing)
        with connect(warehouse) as con, pytest.raises(Exception) as raised:
            load_hub_models(con, fast_client(hub.endpoint, max_retries=0, attempts=1), page_size=500, mode="full")
    assert secret not in str(raised.value)
    assert secret not in caplog.text and not any(secret in m for m in messages)
    assert secret.encode() not in warehouse.read_bytes()
    wal = warehouse.with_name(warehouse.name + ".wal")
    assert not wal.exists() or secret.encode() not in wal.read_bytes()


def test_client_repr_hides_the_token():
    client = HubClient("http://127.0.0.1:1", token="hf_hidden_value")
    assert "hf_hidden_value" not in repr(client) and "token=set" in repr(client)


def test_leaderboard_scope_fetches_leaderboard_models_and_all_their_ancestors(small_dump, small_archive, con):
    import pandas as pd
    from datetime import date

    from ingestion.leaderboard.landing import replace_leaderboard_source
    from ingestion.leaderboard.readers import normalise
    from ingestion.hub.ancestors import load_leaderboard_models_and_ancestors
    from ingestion.leaderboard.load import load_leaderboard_archive
    from tests.support.lineage import declared_parents

    load_leaderboard_archive(con, small_archive)
    ghost = normalise(pd.DataFrame({"fullname": ["ghost-org/deleted-model"], "average": ["1"], "type": ["x"],
                                    "precision": ["bf16"], "arc": ["1"]}),
                      source_name="ghost.csv", source_kind="archive_csv", snapshot_date=date(2024, 1, 1))
    replace_leaderboard_source(con, "leaderboard_archive_results", ghost)
    records = {}
    with (small_dump[0] / "models.jsonl").open() as fh:
        for line in fh:
            r = json.loads(line)
            records[r["id"]] = r
    on_board = {m for (m,) in con.execute("select distinct model_id from raw.leaderboard_archive_results").fetchall()}
    expected, stack = set(), [m for m in on_board if m in records]
    while stack:
        m = stack.pop()
        if m not in expected:
            expected.add(m)
            stack += [p for p in declared_parents(records[m]) if p in records]
    assert len(expected) > len(on_board & set(records)), "ancestors add models beyond the leaderboard"
    with HubStandIn(small_dump[0]) as hub:
        result = load_leaderboard_models_and_ancestors(con, fast_client(hub.endpoint), batch_size=100)
    assert result.not_found == 1
    got = {m for (m,) in con.execute("select model_id from raw.hub_models").fetchall()}
    assert got == expected
    payload = json.loads(con.execute("select payload from raw.hub_models limit 1").fetchone()[0])
    assert "tags" in payload and "author" in payload, "the records carry the expanded fields"


@pytest.mark.parametrize("prefix", ["/api/datasets", "/datasets/"])
def test_leaderboard_download_survives_faults_and_skips_a_known_revision(prefix, small_dump, con, tmp_path):
    from ingestion.leaderboard.load import load_leaderboard_from_hub

    plan = FaultPlan({1: "503", 2: "429"}, path_prefix=prefix, retry_after=0.05)
    with HubStandIn(small_dump[0], fault_hook=plan) as hub:
        client = fast_client(hub.endpoint)
        first = load_leaderboard_from_hub(con, client, tmp_path / "cache")
        again = load_leaderboard_from_hub(con, client, tmp_path / "cache")
    assert len(plan.served) == 2
    assert first.rows == small_dump[1].n_leaderboard_rows and not first.skipped
    assert again.skipped and again.rows == 0
    assert con.execute("select count(*) from raw.leaderboard_hub_results").fetchone()[0] == first.rows
