"""Landing: a crawl becomes visible whole, upserts keep history, bad records are quarantined."""

from __future__ import annotations

import json

import pytest

from ingestion.hub.landing import HubModelLanding
from ingestion.leaderboard.landing import replace_leaderboard_source
from ingestion.warehouse import connect
from ingestion.leaderboard.readers import normalise


@pytest.fixture()
def con(tmp_path):
    connection = connect(tmp_path / "w.duckdb")
    yield connection
    connection.close()


def _model(i, **extra):
    return {"id": f"org{i % 3}/model-{i}", "downloads": i, **extra}


def test_crawl_is_invisible_until_committed(con):
    landing = HubModelLanding(con, "http://hub", "q")
    landing.add_page([_model(i) for i in range(10)], next_url="http://hub/next")
    assert con.execute("select count(*) from raw.hub_models").fetchone()[0] == 0
    status, next_url = con.execute("select status, next_url from raw.hub_crawls").fetchone()
    assert status == "running" and next_url == "http://hub/next", "the checkpoint is recorded per page"
    stats = landing.commit()
    assert stats.new == 10 and stats.records == 10
    assert con.execute("select count(*) from raw.hub_models").fetchone()[0] == 10
    assert con.execute("select count(*) from raw.hub_models_loading").fetchone()[0] == 0
    assert con.execute("select status from raw.hub_crawls").fetchone()[0] == "complete"


def test_second_crawl_upserts_and_keeps_models_it_did_not_see(con):
    first = HubModelLanding(con, "http://hub", "q")
    first.add_page([_model(i) for i in range(10)], None)
    first.commit()
    second = HubModelLanding(con, "http://hub", "q")
    second.add_page([_model(i, downloads=999 if i == 3 else i) for i in range(3, 6)] + [_model(42)], None)
    stats = second.commit()
    assert (stats.new, stats.changed, stats.unchanged) == (1, 1, 2)
    rows = dict(con.execute("select model_id, payload from raw.hub_models").fetchall())
    assert len(rows) == 11, "models absent from the second crawl are kept"
    assert json.loads(rows["org0/model-3"])["downloads"] == 999


def test_duplicate_records_within_a_crawl_land_once(con):
    landing = HubModelLanding(con, "http://hub", "q")
    landing.add_page([_model(1), _model(2)], "n")
    landing.add_page([_model(2, downloads=7)], None)
    landing.commit()
    rows = dict(con.execute("select model_id, payload from raw.hub_models").fetchall())
    assert len(rows) == 2 and json.loads(rows["org2/model-2"])["downloads"] == 7, "the latest page wins"
    assert con.execute("select duplicate_records from raw.hub_crawls").fetchone() == (1,), \
        "the crawl counts ids served twice (the hub_models_expectations check reports them)"


def test_bad_records_are_quarantined_with_the_reason(con):
    landing = HubModelLanding(con, "http://hub", "q")
    landing.add_page([_model(1), {"downloads": 3}, "junk", {"id": "no-namespace"}], None)
    stats = landing.commit()
    assert stats.records == 1 and stats.quarantined == 3
    reasons = sorted(r[0] for r in con.execute("select reason from raw.hub_models_quarantine").fetchall())
    assert reasons == ["id 'no-namespace' is not namespace/name in the characters the Hub allows", "missing id",
                       "not a JSON object (str)"]


def test_replacing_a_leaderboard_source_is_atomic(con):
    import pandas as pd
    from datetime import date

    def rows(n, name):
        frame = pd.DataFrame({"fullname": [f"a/m{i}" for i in range(n)], "average": ["1"] * n, "type": ["x"] * n,
                              "precision": ["bf16"] * n, "arc": ["1"] * n})
        return normalise(frame, source_name=name, source_kind="archive_csv", snapshot_date=date(2024, 1, 1))

    replace_leaderboard_source(con, "leaderboard_archive_results", rows(5, "a.csv"))
    replace_leaderboard_source(con, "leaderboard_archive_results", rows(3, "b.csv"))
    replace_leaderboard_source(con, "leaderboard_archive_results", rows(2, "a.csv"))
    counts = dict(con.execute("select source_name, count(*) from raw.leaderboard_archive_results group by 1").fetchall())
    assert counts == {"a.csv": 2, "b.csv": 3}
    bad = rows(4, "b.csv").drop(columns=["model_id"])
    with pytest.raises(ValueError, match="lack landing columns"):
        replace_leaderboard_source(con, "leaderboard_archive_results", bad)
    counts = dict(con.execute("select source_name, count(*) from raw.leaderboard_archive_results group by 1").fetchall())
    assert counts == {"a.csv": 2, "b.csv": 3}, "a rejected batch changes nothing"


def test_a_snapshot_partition_is_replaced_exactly(con, small_archive, tmp_path):
    """Re-running one snapshot date replaces that snapshot's rows, even when its file was renamed,
    and leaves every other snapshot alone."""
    import shutil

    from ingestion.leaderboard.load import archive_snapshot_dates, load_leaderboard_archive

    folder = tmp_path / "archive"
    shutil.copytree(small_archive, folder)
    dates = archive_snapshot_dates(folder)
    assert len(dates) == len({p.name for p in folder.rglob("*.csv")}), "one partition per file date"
    for snapshot in dates:
        load_leaderboard_archive(con, folder, snapshot_date=snapshot)

    def per_snapshot():
        return dict(con.execute("select snapshot_date, count(*) from raw.leaderboard_archive_results "
                                "group by 1").fetchall())

    before = per_snapshot()
    assert sorted(before) == dates
    target = dates[-1]
    (path,) = [p for p in folder.rglob("*.csv") if target in p.name]
    lines = path.read_text().splitlines()
    path.unlink()
    (path.parent / f"renamed_export_{target}.csv").write_text("\n".join(lines[:-3]) + "\n")
    result = load_leaderboard_archive(con, folder, snapshot_date=target)
    after = per_snapshot()
    assert after[target] == before[target] - 3 == result.rows
    assert {d: n for d, n in after.items() if d != target} == {d: n for d, n in before.items() if d != target}
    with pytest.raises(FileNotFoundError, match="no leaderboard export dated 2030-01-01"):
        load_leaderboard_archive(con, folder, snapshot_date="2030-01-01")


def test_ids_with_characters_the_hub_never_allows_and_huge_records_are_quarantined(con):
    landing = HubModelLanding(con, "http://hub", "q")
    landing.add_page([{"id": "org/ok"}, {"id": "org/x'; drop table raw.hub_models; --"},
                      {"id": "org/with space"}, {"id": "org/big", "tags": ["x" * 2_000_000]}], None)
    landing.commit()
    assert [m for (m,) in con.execute("select model_id from raw.hub_models").fetchall()] == ["org/ok"]
    reasons = [r for (r,) in con.execute("select reason from raw.hub_models_quarantine order by position").fetchall()]
    assert len(reasons) == 3
    assert "not namespace/name" in reasons[0] and "not namespace/name" in reasons[1]
    assert reasons[2].startswith("record of 2,000,") and "bytes" in reasons[2]
