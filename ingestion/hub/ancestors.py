"""Scope 'leaderboard': every model on the landed leaderboards plus all their ancestors.

Listing cannot select by id, so models are fetched one by one from ``/api/models/{id}``, a
few requests at a time, walking parents breadth first. Parents follow the one lineage rule
(``ingestion.warehouse.rules``), evaluated by the warehouse on the records just landed, so the
walk reaches exactly the ancestors ``int_model_parents`` will link. Models the Hub no longer
has are counted as not found and, like any model of the scope a crawl no longer sees,
recorded as removed. An interrupted crawl resumes with what it had fetched.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import duckdb

from ingestion.hub.client import HubClient
from ingestion.hub.crawl import HubLoadResult
from ingestion.hub.landing import HubModelLanding, abandon_unfinished_crawls
from ingestion.progress import Progress, ThrottledProgress, quiet

LEADERBOARD_SCOPE = "leaderboard"
_QUERY = "scope=leaderboard"

# Parents of the records of one crawl (one page, or every page): the Hub's own lineage first; a
# leaderboard's declared base model only for records the Hub gives no parent (rule 3).
_PARENTS_SQL = """
    with fetched as (
        select model_id, unnest(hub_record_lineage_fields(payload)) from raw.hub_models_loading
        where crawl_id = $crawl_id and ($page_no is null or page_no = $page_no)
    ),
    hub as (
        select model_id, parent_model_id from lineage_edges('fetched')
    ),
    leaderboard_rows as (
        select trim(model_id) as model_id, snapshot_date, nullif(trim(base_model), '') as base_model
        from raw.leaderboard_hub_results where leaderboard_version = 'v2'
        union all
        select trim(model_id), snapshot_date, nullif(trim(base_model), '')
        from raw.leaderboard_archive_results where leaderboard_version = 'v2'
    ),
    declared as (
        select model_id, declared_base_model(model_id, arg_max(base_model, (snapshot_date, base_model)))
               as parent_model_id
        from leaderboard_rows
        where base_model is not null and model_id in (select model_id from fetched)
        group by model_id
    )
    select parent_model_id from hub
    union
    select parent_model_id from declared
    where parent_model_id is not null and model_id not in (select model_id from hub)
"""


def parents_of_fetched(con: duckdb.DuckDBPyConnection, crawl_id: str, page_no: int | None = None) -> list[str]:
    """The parents (by the lineage rule) of the records a crawl landed: one page, or all of them."""
    rows = con.execute(_PARENTS_SQL, {"crawl_id": crawl_id, "page_no": page_no}).fetchall()
    return sorted(r[0] for r in rows)


def leaderboard_model_ids(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The repo ids on the landed leaderboards (legacy ids without a namespace are not Hub repos)."""
    rows = con.execute("""
        select distinct trim(model_id) from (
            select model_id from raw.leaderboard_hub_results
            union all select model_id from raw.leaderboard_archive_results)
        where is_model_id(trim(model_id))
        order by 1""").fetchall()
    return [r[0] for r in rows]


def load_leaderboard_models_and_ancestors(con: duckdb.DuckDBPyConnection, client: HubClient, *,
                                          workers: int = 8, batch_size: int = 500, resume: bool = True,
                                          progress: Progress = quiet, progress_interval: float = 5.0,
                                          promote: bool = True) -> HubLoadResult:
    """Fetch the leaderboard's models and all their ancestors, land them as one crawl of scope 'leaderboard'."""
    began = time.perf_counter()
    frontier = leaderboard_model_ids(con)
    if not frontier:
        raise ValueError("scope 'leaderboard' needs leaderboard results landed first (raw.leaderboard_*_results)")
    landing = HubModelLanding.resume(con, client.endpoint, _QUERY, scope=LEADERBOARD_SCOPE, mode="full") \
        if resume else None
    resumed_at = None
    done: set[str] = set()
    if landing is not None:
        resumed_at = landing.stats.pages
        done = {r[0] for r in con.execute("select model_id from raw.hub_models_loading where crawl_id = ?",
                                          [landing.crawl_id]).fetchall()}
        frontier += parents_of_fetched(con, landing.crawl_id)
        progress(f"resuming crawl {landing.crawl_id}: {len(done)} models already fetched")
    else:
        abandon_unfinished_crawls(con, client.endpoint, LEADERBOARD_SCOPE)
        landing = HubModelLanding(con, client.endpoint, _QUERY, scope=LEADERBOARD_SCOPE, mode="full")
    reporter = ThrottledProgress(progress, progress_interval)
    not_found = 0
    queued = set(done)
    todo = [m for m in dict.fromkeys(frontier) if m not in queued]
    queued.update(todo)
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            while todo:
                batch, todo = todo[:batch_size], todo[batch_size:]
                records = [r for r in pool.map(client.model_info_raw, batch) if r is not None]
                not_found += len(batch) - len(records)
                landing.add_page(records, "bfs")
                new_parents = [p for p in parents_of_fetched(con, landing.crawl_id, landing.stats.pages)
                               if p not in queued]
                queued.update(new_parents)
                todo += new_parents
                s = landing.stats
                reporter.update(len(records), f"hub models (leaderboard scope): {s.records} fetched, "
                                f"{len(todo)} queued, {not_found} not found")
    except BaseException as exc:
        landing.fail(client.redact(f"{type(exc).__name__}: {exc}"))
        raise
    stats = landing.commit(promote=promote)
    seconds = time.perf_counter() - began
    progress(f"hub models (leaderboard scope): {stats.records} models, {not_found} not found on the Hub, "
             f"{stats.removed} removed since the last crawl, {seconds:.1f} s")
    return HubLoadResult.from_stats(stats, mode="full", scope=LEADERBOARD_SCOPE, seconds=seconds,
                                    resumed_at_page=resumed_at, not_found=not_found)
