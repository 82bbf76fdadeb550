"""The Hub's adoption history: what each crawl saw of each model, one snapshot per day, only ever appended to.

``raw.hub_models`` keeps the latest record of each model, so every crawl overwrites downloads and likes.
Once a crawl is visible (its blocking checks accepted it), ``record_snapshot`` copies what it saw of each model
into ``raw.hub_model_snapshots`` under a day (the Dagster partition of ``raw/hub_model_snapshots``):

* a row per model the day's crawls saw: 30-day downloads, all-time downloads, likes, trending score, and when
  the crawl started (``observed_at``); an incremental crawl records the models it saw, a full crawl all of them;
* a row with ``listed = false`` for a model a full crawl of that day no longer saw (deleted or renamed), so
  that the marts stop counting it from that day; it is listed again the day a crawl sees it again.

Compact: models are numbered once (``raw.hub_model_keys``, a key on first sight, never reused), rows are
written in key order, and the values are narrow integers, so DuckDB's compression keeps a snapshot of a
model to a few bytes (bench/history.py measures it).

Which crawls make a day: the crawls already recorded under it (``raw.hub_snapshot_crawls``) and, when the day
is the latest of the history (or later), every complete crawl not recorded under any day yet. Re-running a day
rewrites its rows from those crawls and keeps the rows of models whose record a later crawl has since
replaced: a day is replaced exactly, and nothing seen is ever lost. A past day never takes a crawl made after
a later day was recorded (it is left for the next day's snapshot).

Retention: days older than ``daily_days`` before the latest are thinned to one per ISO week (the week's
latest day), each model keeping its latest value of the week there, so the end-of-week state is unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import duckdb

from ingestion.warehouse.schema import RAW_SCHEMA

R = RAW_SCHEMA



@dataclass
class SnapshotResult:
    day: date
    crawls: list[str] = field(default_factory=list)  # the crawls the day is made of
    new_crawls: list[str] = field(default_factory=list)  # of which recorded under the day by this call
    left_for_later: list[str] = field(default_factory=list)  # complete crawls too new for this (past) day
    seen: int = 0  # models written as seen
    unlisted: int = 0  # models written as no longer listed
    new_keys: int = 0  # models the history had never seen
    day_rows: int = 0  # the day's rows after the call
    thinned_days: list[date] = field(default_factory=list)  # days merged into their week's latest by retention

    def summary(self) -> str:
        text = (f"{self.day}: {self.seen} models seen, {self.unlisted} no longer listed, {self.new_keys} new to "
                f"the history, from {len(self.crawls)} crawl(s); the day has {self.day_rows} rows")
        if self.left_for_later:
            text += (f"; {len(self.left_for_later)} crawl(s) made after a later day was recorded are left for "
                     "the next day's snapshot")
        if self.thinned_days:
            text += f"; retention merged {len(self.thinned_days)} old day(s) into their week"
        return text


def record_snapshot(con: duckdb.DuckDBPyConnection, day: date, *, daily_days: int = 90) -> SnapshotResult:
    """Write ``day``'s snapshot from the crawls that make it (see the module's docstring), in one transaction."""
    if daily_days < 1:
        raise ValueError(f"daily_days must be at least 1, got {daily_days}")
    result = SnapshotResult(day)
    con.execute("begin transaction")
    try:
        _choose_crawls(con, day, result)
        _write_day(con, day, result)
        result.thinned_days = _thin(con, day - timedelta(days=daily_days))
        result.day_rows = con.execute(f"select count(*) from {R}.hub_model_snapshots where snapshot_day = ?",
                                      [day]).fetchone()[0]
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")
    return result


def _choose_crawls(con: duckdb.DuckDBPyConnection, day: date, result: SnapshotResult) -> None:
    latest = con.execute(f"select max(snapshot_day) from {R}.hub_snapshot_crawls").fetchone()[0]
    result.crawls = [c for (c,) in con.execute(
        f"select crawl_id from {R}.hub_snapshot_crawls where snapshot_day = ? order by crawl_id", [day]).fetchall()]
    unrecorded = [c for (c,) in con.execute(f"""
        select crawl_id from {R}.hub_crawls
        where status = 'complete' and crawl_id not in (select crawl_id from {R}.hub_snapshot_crawls)
        order by started_at""").fetchall()]
    if latest is not None and day < latest:
        result.left_for_later = unrecorded
        return
    result.new_crawls = unrecorded
    result.crawls += unrecorded
    if unrecorded:
        con.executemany(f"insert into {R}.hub_snapshot_crawls values (?, ?, now())", [[day, c] for c in unrecorded])


def _write_day(con: duckdb.DuckDBPyConnection, day: date, result: SnapshotResult) -> None:
    con.execute("create or replace temp table _day_crawls as select unnest(?::varchar[]) as crawl_id",
                [result.crawls])
    # what the day's crawls saw (their records still current in raw.hub_models) and what their full
    # crawls no longer saw
    con.execute(f"""
        create or replace temp table _day_rows as
        select h.model_id, true as listed, h.downloads, h.downloads_all_time, h.likes, h.trending_score,
               c.started_at as observed_at
        from {R}.hub_models as h
        join {R}.hub_crawls as c using (crawl_id)
        where h.crawl_id in (select crawl_id from _day_crawls)
        union all
        select r.model_id, false, null, null, null, null, c.started_at
        from {R}.hub_model_removals as r
        join {R}.hub_crawls as c using (crawl_id)
        where r.crawl_id in (select crawl_id from _day_crawls)""")
    result.new_keys = con.execute(f"""
        insert into {R}.hub_model_keys
        select coalesce((select max(model_key) from {R}.hub_model_keys), 0)
                 + row_number() over (order by model_id), model_id, ?
        from (select distinct model_id from _day_rows anti join {R}.hub_model_keys using (model_id))""",
                                  [day]).fetchone()[0]
    con.execute(f"""
        delete from {R}.hub_model_snapshots
        where snapshot_day = ? and model_key in (
            select k.model_key from _day_rows join {R}.hub_model_keys as k using (model_id))""", [day])
    # values beyond the columns' range (or negative) are not counts: they land as NULL, as staging casts do
    con.execute(f"""
        insert into {R}.hub_model_snapshots
        select ?, k.model_key, d.listed,
               try_cast(case when d.downloads >= 0 then d.downloads end as integer),
               case when d.downloads_all_time >= 0 then d.downloads_all_time end,
               try_cast(case when d.likes >= 0 then d.likes end as integer),
               try_cast(round(d.trending_score) as integer),
               d.observed_at
        from _day_rows as d
        join {R}.hub_model_keys as k using (model_id)
        order by k.model_key""", [day])
    counts = dict(con.execute("select listed, count(*) from _day_rows group by 1").fetchall())
    result.seen, result.unlisted = counts.get(True, 0), counts.get(False, 0)
    con.execute("drop table _day_rows")
    con.execute("drop table _day_crawls")


def _thin(con: duckdb.DuckDBPyConnection, before: date) -> list[date]:
    """Days before ``before`` that are not the latest of their ISO week: merged into it (latest value wins)."""
    con.execute(f"""
        create or replace temp table _thin as
        select * from (
            select snapshot_day,
                   max(snapshot_day) over (partition by date_trunc('week', snapshot_day)) as keep_day,
                   count(*) over (partition by date_trunc('week', snapshot_day)) as days_in_week
            from (select distinct snapshot_day from {R}.hub_model_snapshots where snapshot_day < ?))
        where days_in_week > 1  -- weeks already down to one day are left alone""", [before])
    days = [d for (d,) in con.execute("select snapshot_day from _thin where snapshot_day < keep_day "
                                      "order by 1").fetchall()]
    if days:
        con.execute(f"""
            create or replace temp table _merged as
            select t.keep_day as snapshot_day, s.model_key,
                   arg_max_null(s.listed, s.snapshot_day), arg_max_null(s.downloads, s.snapshot_day),
                   arg_max_null(s.downloads_all_time, s.snapshot_day), arg_max_null(s.likes, s.snapshot_day),
                   arg_max_null(s.trending_score, s.snapshot_day), arg_max_null(s.observed_at, s.snapshot_day)
            from {R}.hub_model_snapshots as s
            join _thin as t using (snapshot_day)
            group by t.keep_day, s.model_key""")
        con.execute(f"delete from {R}.hub_model_snapshots where snapshot_day in (select snapshot_day from _thin)")
        con.execute(f"insert into {R}.hub_model_snapshots select * from _merged order by snapshot_day, model_key")
        con.execute(f"update {R}.hub_snapshot_crawls as c set snapshot_day = t.keep_day from _thin as t "
                    "where c.snapshot_day = t.snapshot_day")
        con.execute("drop table _merged")
    con.execute("drop table _thin")
    return days
