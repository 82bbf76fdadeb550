"""Landing Hub model records in ``raw.hub_models``, faithfully and atomically.

Pages of a crawl are written to ``raw.hub_models_loading`` as they arrive, with the next
page's URL as a checkpoint; the crawl becomes visible in ``raw.hub_models`` only when it is
complete, in one transaction. Records that cannot be landed (not an object, no id, an id
that is not ``namespace/name``) go to ``raw.hub_models_quarantine`` with the reason. Nothing
here deletes what an earlier crawl brought in unless a newer record of the same model replaces it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone

import duckdb
import pyarrow as pa

from ingestion.evals.landing import land_staged_eval_results
from ingestion.hub.fields import fields_select
from ingestion.warehouse import RAW_SCHEMA, transaction
from ingestion.warehouse.rules import is_model_id

# A record this large is not a Hub model record (the real ones are a few kB): quarantined, not landed.
MAX_RECORD_BYTES = 1_000_000


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class CrawlStats:
    crawl_id: str
    pages: int = 0
    records: int = 0
    quarantined: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    quarantine_reasons: dict[str, int] = field(default_factory=dict)


class HubModelLanding:
    """Lands the pages of one crawl; call ``add_page`` per page, then ``commit``.

    Pages go to ``raw.hub_models_loading`` with the next-page URL as a checkpoint, so a
    crawl killed half-way can be resumed (``HubModelLanding.resume``). ``commit`` makes
    the crawl visible in one transaction, or (``promote=False``) leaves it landed for its
    checks to accept or reject. A full crawl also records the models of its scope that it
    no longer saw as removed (deleted, or renamed when the same Hub ``_id`` now carries
    another id); history is never dropped.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, endpoint: str, query: str, *, scope: str = "all",
                 mode: str = "full", watermark: datetime | None = None, crawl_id: str | None = None,
                 _resumed: dict | None = None):
        if mode not in ("full", "incremental"):
            raise ValueError(f"mode must be full or incremental, not {mode!r}")
        self.con = con
        self.scope = scope
        self.mode = mode
        self.watermark = watermark
        if _resumed is not None:
            self.crawl_id = _resumed["crawl_id"]
            self.stats = CrawlStats(self.crawl_id, pages=_resumed["pages"], records=_resumed["records"],
                                    quarantined=_resumed["quarantined"])
            self.resumed_from: str | None = _resumed["next_url"]
            con.execute(f"update {RAW_SCHEMA}.hub_crawls set status = 'running', error = null where crawl_id = ?",
                        [self.crawl_id])
            return
        self.resumed_from = None
        self.crawl_id = crawl_id or f"crawl-{_now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
        self.stats = CrawlStats(self.crawl_id)
        con.execute(
            f"insert into {RAW_SCHEMA}.hub_crawls (crawl_id, endpoint, query, scope, mode, watermark, started_at, "
            "status) values (?, ?, ?, ?, ?, ?, ?, 'running')",
            [self.crawl_id, endpoint, query, scope, mode, watermark, _now()])

    @classmethod
    def resume(cls, con: duckdb.DuckDBPyConnection, endpoint: str, query: str, *, scope: str, mode: str,
               max_age_hours: float = 24.0) -> HubModelLanding | None:
        """The unfinished crawl of the same endpoint, query and mode, if one left a checkpoint."""
        row = con.execute(
            f"""select crawl_id, next_url, pages, records, quarantined, watermark from {RAW_SCHEMA}.hub_crawls
                where endpoint = ? and query = ? and scope = ? and mode = ? and status in ('running', 'failed')
                  and next_url is not null and pages > 0
                  and started_at >= now() - to_microseconds(cast(? * 3600e6 as bigint))
                order by started_at desc limit 1""",
            [endpoint, query, scope, mode, max_age_hours]).fetchone()
        if row is None:
            return None
        keys = ("crawl_id", "next_url", "pages", "records", "quarantined", "watermark")
        resumed = dict(zip(keys, row, strict=True))
        return cls(con, endpoint, query, scope=scope, mode=mode, watermark=resumed["watermark"], _resumed=resumed)

    def add_page(self, records: Iterable, next_url: str | None) -> None:
        page_no = self.stats.pages + 1
        fetched_at = _now()
        ids, payloads, positions, bad = [], [], [], []
        for position, record in enumerate(records):
            reason = _invalid_reason(record)
            payload = None if reason else json.dumps(record, ensure_ascii=False, separators=(",", ":"))
            if payload is not None and len(payload) > MAX_RECORD_BYTES:
                reason = f"record of {len(payload):,} bytes (a Hub record is far below {MAX_RECORD_BYTES:,})"
            if reason:
                kind = "record too large" if reason.startswith("record of") else reason
                bad.append((self.crawl_id, page_no, position, _dump(record)[:10_000], reason, fetched_at))
                self.stats.quarantine_reasons[kind] = self.stats.quarantine_reasons.get(kind, 0) + 1
                continue
            ids.append(record["id"])
            payloads.append(payload)
            positions.append(position)
        table = pa.table({
            "crawl_id": pa.array([self.crawl_id] * len(ids), pa.string()),
            "page_no": pa.array([page_no] * len(ids), pa.int32()),
            "position": pa.array(positions, pa.int32()),
            "model_id": pa.array(ids, pa.string()),
            "payload": pa.array(payloads, pa.string()),
            "fetched_at": pa.array([fetched_at] * len(ids), pa.timestamp("us", tz="UTC")),
        })
        with transaction(self.con) as con:
            con.register("_page", table)
            con.execute(f"insert into {RAW_SCHEMA}.hub_models_loading select * from _page")
            con.unregister("_page")
            if bad:
                con.executemany(f"insert into {RAW_SCHEMA}.hub_models_quarantine values (?, ?, ?, ?, ?, ?)", bad)
            con.execute(
                f"update {RAW_SCHEMA}.hub_crawls set pages = pages + 1, records = records + ?, "
                "quarantined = quarantined + ?, next_url = ? where crawl_id = ?",
                [len(ids), len(bad), next_url, self.crawl_id])
        self.stats.pages = page_no
        self.stats.records += len(ids)
        self.stats.quarantined += len(bad)

    def commit(self, promote: bool = True) -> CrawlStats:
        """End the crawl. With ``promote`` (the default) it becomes visible in raw.hub_models at once, in one
        transaction. Without, it waits in the loading table with status 'landed' until its checks accept it
        (``promote_crawl``) or reject it (``reject_crawl``), so a batch that fails them is never read."""
        with transaction(self.con) as con:
            stage_crawl(con, self.crawl_id)
            duplicates, conflicting, examples = con.execute(f"""
                with served as (
                    select model_id, count(*) as n, count(distinct payload::varchar) as versions,
                           list(distinct payload::varchar order by payload::varchar) as payloads
                    from {RAW_SCHEMA}.hub_models_loading where crawl_id = ? group by model_id having count(*) > 1)
                select coalesce(sum(n - 1), 0), count(*) filter (where versions > 1),
                       to_json((list({{'model_id': model_id, 'versions': payloads[1:2]}} order by model_id)
                                filter (where versions > 1))[1:3])
                from served""", [self.crawl_id]).fetchone()
            new, changed, unchanged = con.execute(f"""
                select count(*) filter (where h.model_id is null),
                       count(*) filter (where h.model_id is not null and h.payload::varchar <> c.payload::varchar),
                       count(*) filter (where h.model_id is not null and h.payload::varchar = c.payload::varchar)
                from _crawl c left join {RAW_SCHEMA}.hub_models h using (model_id)""").fetchone()
            con.execute("drop table _crawl")
            con.execute(f"update {RAW_SCHEMA}.hub_crawls set status = 'landed', finished_at = ?, next_url = null, "
                        "new_models = ?, changed_models = ?, duplicate_records = ?, conflicting_duplicates = ?, "
                        "duplicate_examples = ?, error = null where crawl_id = ?",
                        [_now(), new, changed, duplicates, conflicting, examples, self.crawl_id])
            removed = promote_crawl(con, self.crawl_id) if promote else 0
        self.stats.new, self.stats.changed, self.stats.unchanged = new, changed, unchanged
        self.stats.removed = removed
        return self.stats

    def fail(self, reason: str) -> None:
        self.con.execute(f"update {RAW_SCHEMA}.hub_crawls set status = 'failed', finished_at = ?, error = ? "
                         "where crawl_id = ?", [_now(), reason[:2000], self.crawl_id])


def latest_landed_records(crawl_filter: str) -> str:
    """SQL for each landed crawl's latest record per model (a model served twice keeps the last served), over
    the loading rows that ``crawl_filter`` selects: the one rule the landing and the gate's checks read by."""
    return f"""
        select * exclude (rn) from (
            select *, row_number() over (partition by crawl_id, model_id order by page_no desc, position desc) as rn
            from {RAW_SCHEMA}.hub_models_loading where {crawl_filter}
        ) where rn = 1"""


def stage_crawl(con: duckdb.DuckDBPyConnection, crawl_id: str) -> None:
    """Temp table ``_crawl``: the crawl's latest record per model."""
    con.execute(f"create or replace temp table _crawl as select model_id, payload, fetched_at "
                f"from ({latest_landed_records('crawl_id = ?')})", [crawl_id])


def landed_crawls(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Crawls that are landed and wait for their checks, oldest first."""
    return [r[0] for r in con.execute(f"select crawl_id from {RAW_SCHEMA}.hub_crawls where status = 'landed' "
                                      "order by finished_at, crawl_id").fetchall()]


def promote_crawl(con: duckdb.DuckDBPyConnection, crawl_id: str) -> int:
    """Make a landed crawl visible (inside the caller's transaction): upsert its latest record per model into
    raw.hub_models; a full crawl also records the models of its scope it no longer saw. Returns removals."""
    mode, scope = con.execute(f"select mode, scope from {RAW_SCHEMA}.hub_crawls where crawl_id = ?",
                              [crawl_id]).fetchone()
    stage_crawl(con, crawl_id)
    removed = _record_removals(con, crawl_id, scope) if mode == "full" else 0
    # a model seen again is no longer removed
    con.execute(f"delete from {RAW_SCHEMA}.hub_model_removals where model_id in (select model_id from _crawl)")
    con.execute(f"delete from {RAW_SCHEMA}.hub_models where model_id in (select model_id from _crawl)")
    con.execute(f"insert into {RAW_SCHEMA}.hub_models by name "
                + fields_select("_crawl", "model_id, payload, ?::varchar as crawl_id, fetched_at"), [crawl_id])
    land_staged_eval_results(con, crawl_id)
    con.execute(f"delete from {RAW_SCHEMA}.hub_models_loading where crawl_id = ?", [crawl_id])
    con.execute(f"update {RAW_SCHEMA}.hub_crawls set status = 'complete', removed_models = ? where crawl_id = ?",
                [removed, crawl_id])
    con.execute("drop table _crawl")
    return removed


def reject_crawl(con: duckdb.DuckDBPyConnection, crawl_id: str, reason: str) -> int:
    """Move a landed crawl out of the way (inside the caller's transaction): its records go to
    raw.hub_models_rejected with the reason; raw.hub_models keeps what it had. Returns the records moved."""
    n = con.execute(f"""insert into {RAW_SCHEMA}.hub_models_rejected
                        select crawl_id, page_no, position, model_id, payload, fetched_at, ?, ?
                        from {RAW_SCHEMA}.hub_models_loading where crawl_id = ?""",
                    [_now(), reason[:4000], crawl_id]).fetchone()[0]
    con.execute(f"delete from {RAW_SCHEMA}.hub_models_loading where crawl_id = ?", [crawl_id])
    con.execute(f"update {RAW_SCHEMA}.hub_crawls set status = 'rejected', rejected_at = ?, error = ? "
                "where crawl_id = ?", [_now(), reason[:2000], crawl_id])
    return n


def _record_removals(con: duckdb.DuckDBPyConnection, crawl_id: str, scope: str) -> int:
    """Models of this scope, present before, that a complete full crawl (staged in ``_crawl``) did not see."""
    con.execute(f"""
        create or replace temp table _gone as
        select h.model_id, h.payload ->> '$._id' as hub_oid
        from {RAW_SCHEMA}.hub_models h
        join {RAW_SCHEMA}.hub_crawls c on c.crawl_id = h.crawl_id
        where c.scope = ? and c.endpoint = (select endpoint from {RAW_SCHEMA}.hub_crawls where crawl_id = ?)
          and h.model_id not in (select model_id from _crawl)
          and h.model_id not in (select model_id from {RAW_SCHEMA}.hub_model_removals)""", [scope, crawl_id])
    n = con.execute(f"""
        insert into {RAW_SCHEMA}.hub_model_removals
        select g.model_id,
               case when n.model_id is not null then 'renamed' else 'deleted' end,
               n.model_id, ?, ?
        from _gone g
        left join (select model_id, payload ->> '$._id' as hub_oid from _crawl) n
          on n.hub_oid = g.hub_oid and g.hub_oid is not null and n.model_id <> g.model_id""",
                    [_now(), crawl_id]).fetchone()[0]
    con.execute("drop table _gone")
    return n


def abandon_unfinished_crawls(con: duckdb.DuckDBPyConnection, endpoint: str, scope: str) -> int:
    """Unfinished crawls of a scope that will not be resumed: mark them and free their loading rows."""
    ids = [r[0] for r in con.execute(
        f"select crawl_id from {RAW_SCHEMA}.hub_crawls where endpoint = ? and scope = ? "
        "and status in ('running', 'failed')", [endpoint, scope]).fetchall()]
    if ids:
        with transaction(con):
            con.execute(f"delete from {RAW_SCHEMA}.hub_models_loading where crawl_id in (select unnest(?))", [ids])
            con.execute(f"update {RAW_SCHEMA}.hub_crawls set status = 'abandoned', next_url = null "
                        "where crawl_id in (select unnest(?))", [ids])
    return len(ids)


def last_complete_crawl_start(con: duckdb.DuckDBPyConnection, endpoint: str, scope: str) -> datetime | None:
    """When the latest complete crawl of this scope started: the base of the next watermark."""
    row = con.execute(f"select max(started_at) from {RAW_SCHEMA}.hub_crawls "
                      "where endpoint = ? and scope = ? and status = 'complete'", [endpoint, scope]).fetchone()
    return row[0] if row else None


def _invalid_reason(record) -> str | None:
    if not isinstance(record, dict):
        return f"not a JSON object ({type(record).__name__})"
    model_id = record.get("id")
    if not isinstance(model_id, str) or not model_id:
        return "missing id"
    if not is_model_id(model_id):
        return f"id {model_id[:200]!r} is not namespace/name in the characters the Hub allows"
    return None


def _dump(record) -> str:
    try:
        return json.dumps(record, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(record)
