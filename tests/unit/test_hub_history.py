"""The adoption history: each day's crawls are appended under the day, a re-run replaces the day exactly,
nothing seen is lost, and retention keeps the end-of-week state."""

from __future__ import annotations

from datetime import date

import pytest

from ingestion.hub.history import record_snapshot
from ingestion.hub.landing import HubModelLanding, landed_crawls, promote_crawl
from ingestion.warehouse import connect, transaction

D1, D2, D3 = date(2025, 3, 3), date(2025, 3, 4), date(2025, 3, 5)


@pytest.fixture()
def con(tmp_path):
    connection = connect(tmp_path / "w.duckdb")
    yield connection
    connection.close()


def record(model_id: str, downloads: int, likes: int = 0) -> dict:
    return {"id": model_id, "_id": f"oid-{model_id}", "downloads": downloads, "downloadsAllTime": downloads * 10,
            "likes": likes, "trendingScore": 3, "createdAt": "2024-01-01T00:00:00.000Z",
            "lastModified": "2024-02-01T00:00:00.000Z", "private": False, "gated": False}


def crawl(con, records, mode="full"):
    landing = HubModelLanding(con, "http://hub", f"q-{len(landed_crawls(con))}", mode=mode)
    landing.add_page(records, None)
    landing.commit(promote=False)
    with transaction(con):
        promote_crawl(con, landing.crawl_id)
    return landing.crawl_id


def day_rows(con, day) -> dict[str, tuple]:
    return {m: rest for m, *rest in con.execute("""
        select k.model_id, s.listed, s.downloads, s.downloads_all_time, s.likes, s.trending_score
        from raw.hub_model_snapshots s join raw.hub_model_keys k using (model_key)
        where s.snapshot_day = ?""", [day]).fetchall()}


def test_each_day_appends_what_its_crawls_saw_and_earlier_days_stay(con):
    crawl(con, [record("org/a", 10, 1), record("org/b", 0)])
    first = record_snapshot(con, D1)
    assert (first.seen, first.unlisted, first.new_keys, first.day_rows) == (2, 0, 2, 2)
    crawl(con, [record("org/a", 25, 2)], mode="incremental")
    second = record_snapshot(con, D2)
    assert (second.seen, second.new_keys) == (1, 0)
    assert day_rows(con, D1) == {"org/a": [True, 10, 100, 1, 3], "org/b": [True, 0, 0, 0, 3]}
    assert day_rows(con, D2) == {"org/a": [True, 25, 250, 2, 3]}  # the incremental crawl saw only org/a
    assert con.execute("select count(*) from raw.hub_model_keys").fetchone() == (2,)


def test_a_model_a_full_crawl_no_longer_sees_is_recorded_as_unlisted(con):
    crawl(con, [record("org/a", 10), record("org/b", 5)])
    record_snapshot(con, D1)
    crawl(con, [record("org/a", 12)])
    result = record_snapshot(con, D2)
    assert result.unlisted == 1
    assert day_rows(con, D2) == {"org/a": [True, 12, 120, 0, 3], "org/b": [False, None, None, None, None]}


def test_re_running_a_day_replaces_it_exactly(con):
    crawl(con, [record("org/a", 10), record("org/b", 5)])
    record_snapshot(con, D1)
    before = day_rows(con, D1)
    again = record_snapshot(con, D1)
    assert again.new_crawls == [] and day_rows(con, D1) == before
    # the same day crawled again (as a re-run of the day's job does): the day takes the new values, once
    crawl(con, [record("org/a", 11), record("org/b", 5)])
    record_snapshot(con, D1)
    assert day_rows(con, D1) == {"org/a": [True, 11, 110, 0, 3], "org/b": [True, 5, 50, 0, 3]}
    assert con.execute("select count(*) from raw.hub_model_snapshots").fetchone() == (2,)


def test_re_running_a_past_day_after_a_later_one_loses_nothing_and_takes_no_new_crawl(con):
    crawl(con, [record("org/a", 10), record("org/b", 5)])
    record_snapshot(con, D1)
    crawl(con, [record("org/a", 20)], mode="incremental")
    record_snapshot(con, D2)
    crawl(con, [record("org/b", 7)], mode="incremental")  # made after D2 was recorded
    rerun = record_snapshot(con, D1)
    assert len(rerun.left_for_later) == 1
    assert day_rows(con, D1) == {"org/a": [True, 10, 100, 0, 3], "org/b": [True, 5, 50, 0, 3]}
    assert day_rows(con, D2) == {"org/a": [True, 20, 200, 0, 3]}
    record_snapshot(con, D3)  # the crawl left over lands in the next day
    assert day_rows(con, D3) == {"org/b": [True, 7, 70, 0, 3]}


def test_retention_merges_old_days_into_their_weeks_latest_with_each_models_latest_value(con):
    monday, tuesday, wednesday = date(2025, 1, 6), date(2025, 1, 7), date(2025, 1, 8)
    crawl(con, [record("org/a", 10), record("org/b", 5)])
    record_snapshot(con, monday)
    crawl(con, [record("org/a", 30)], mode="incremental")
    record_snapshot(con, tuesday)
    crawl(con, [record("org/c", 1)], mode="incremental")
    record_snapshot(con, wednesday)
    result = record_snapshot(con, date(2025, 3, 3), daily_days=30)  # everything before Feb 1 is weekly
    assert result.thinned_days == [monday, tuesday]
    assert day_rows(con, monday) == {} and day_rows(con, tuesday) == {}
    assert day_rows(con, wednesday) == {"org/a": [True, 30, 300, 0, 3], "org/b": [True, 5, 50, 0, 3],
                                        "org/c": [True, 1, 10, 0, 3]}
    assert con.execute("select distinct snapshot_day from raw.hub_snapshot_crawls").fetchall() == [(wednesday,)]


def test_a_failure_mid_snapshot_leaves_the_history_as_it_was(con, monkeypatch):
    crawl(con, [record("org/a", 10)])
    record_snapshot(con, D1)
    crawl(con, [record("org/a", 99)])
    import ingestion.hub.history as history

    def broken(*args):
        raise RuntimeError("disk full")
    monkeypatch.setattr(history, "_thin", broken)
    with pytest.raises(RuntimeError):
        record_snapshot(con, D2)
    assert day_rows(con, D2) == {}
    assert con.execute("select max(snapshot_day) from raw.hub_snapshot_crawls").fetchone() == (D1,)
    monkeypatch.undo()
    assert record_snapshot(con, D2).seen == 1
