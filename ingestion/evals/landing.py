"""Landing the Community Evals that ride along with a Hub crawl (the listing's ``expand=evalResults``).

When a crawl is made visible (``ingestion.hub.landing.promote_crawl``), each model record of it that carries an
``evalResults`` key replaces that model's rows of origin ``eval_results`` in ``raw.hub_eval_results`` (its valid
entries) and in ``raw.hub_eval_results_quarantine`` (the items that could not be landed, with the file and the
reason), in the crawl's transaction; a record carrying its card's legacy ``model-index`` (top level, or in
``cardData``) does the same for origin ``model_index`` (ingestion/evals/model_index.py). A record without the key
(a crawl that did not ask for it) leaves the model's rows of that origin as they were. So the table holds, for every model, the entries of the latest record that reported them: a new revision of
a repo's ``.eval_results`` replaces its rows, and the incremental crawl, which only fetches models modified since
the last one, only touches those.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

import duckdb
import pyarrow as pa

from ingestion.evals.community import parse_eval_items
from ingestion.evals.model_index import parse_model_index

RAW = "raw"

EVALS_DDL = f"""
create table if not exists {RAW}.hub_eval_results (
    model_id varchar not null,
    origin varchar not null default 'eval_results',  -- eval_results (.eval_results/*.yaml) or model_index (the card)
    model_sha varchar,                  -- the repo revision whose record reported the entry
    crawl_id varchar not null,
    observed_at timestamptz not null,   -- when that record was fetched
    filename varchar,                   -- .eval_results/<file>.yaml
    entry_no integer not null,          -- position of the item in the record's evalResults (or model-index metric)
    verified boolean not null,
    pull_request integer,               -- set when the entry comes from an open pull request
    benchmark varchar not null,         -- dataset.id: the benchmark's Hub dataset
    task varchar not null,              -- dataset.task_id
    dataset_revision varchar,
    value double not null,
    evaluated_at timestamptz,           -- the entry's date, when it gives one
    source_url varchar,
    source_name varchar,
    source_user varchar,
    source_org varchar,
    notes varchar,
    entry json not null                 -- the entry as served
);
create table if not exists {RAW}.hub_eval_results_quarantine (
    model_id varchar not null,
    origin varchar not null default 'eval_results',
    model_sha varchar,
    crawl_id varchar not null,
    filename varchar,
    entry_no integer not null,
    item varchar,                       -- the item as served (cut at 10,000 characters)
    reason varchar not null,
    quarantined_at timestamptz not null
);
-- registered benchmarks: one row per benchmark dataset, the spec of the revision last fetched (ingestion/evals/load.py)
create table if not exists {RAW}.hub_benchmarks (
    benchmark varchar not null,         -- the dataset id
    revision varchar not null,          -- the dataset commit its eval.yaml was read at
    name varchar,
    evaluation_framework varchar,
    tasks json not null,                -- a list of (task_id, config, split)
    problems json not null,             -- how the spec departs from the format ([] when valid)
    fetched_at timestamptz not null
);
create table if not exists {RAW}.hub_benchmark_leaderboards (
    benchmark varchar not null,
    rank integer not null,
    model_id varchar not null,
    value double,
    verified boolean,
    filename varchar,
    pull_request integer,
    fetched_at timestamptz not null
);
-- MTEB's results dataset, one set of rows per dataset revision landed (ingestion/evals/load.py)
create table if not exists {RAW}.mteb_models (
    source_revision varchar not null,   -- the mteb/results commit
    path varchar not null,              -- results/<org>__<name>/<revision>/[experiments/<variant>/]model_meta.json
    model_dir varchar not null,
    revision_dir varchar not null,
    experiment varchar,
    model_id varchar not null,
    revision varchar,
    release_date varchar,
    n_parameters bigint,
    license varchar,
    adapted_from varchar,
    open_weights boolean,
    file_added_at timestamptz,
    loaded_at timestamptz not null
);
create table if not exists {RAW}.mteb_results (
    source_revision varchar not null,
    path varchar not null,
    model_dir varchar not null,
    revision_dir varchar not null,
    experiment varchar,
    task varchar not null,
    split varchar not null,
    subset varchar not null,
    main_score double not null,
    dataset_revision varchar,
    mteb_version varchar,
    evaluation_time double,
    file_added_at timestamptz,
    loaded_at timestamptz not null
);
create table if not exists {RAW}.mteb_results_quarantine (
    source_revision varchar not null,
    path varchar not null,
    reason varchar not null,
    quarantined_at timestamptz not null
);
"""

# Where each origin sits in a record: evalResults, or the card's model-index (served at the top level when asked
# for with expand, else inside cardData).
ORIGINS = {
    "eval_results": "payload -> '$.evalResults'",
    "model_index": "coalesce(payload -> '$.\"model-index\"', payload -> '$.cardData.\"model-index\"')",
}
# Columns added after the tables were first created (ingestion/warehouse/schema.py applies them on connect).
MIGRATIONS = [
    ("hub_eval_results", "origin", "varchar default 'eval_results'"),
    ("hub_eval_results_quarantine", "origin", "varchar default 'eval_results'"),
]

_SCHEMA = pa.schema([
    ("model_id", pa.string()), ("origin", pa.string()), ("model_sha", pa.string()), ("crawl_id", pa.string()),
    ("observed_at", pa.timestamp("us", tz="UTC")), ("filename", pa.string()), ("entry_no", pa.int32()),
    ("verified", pa.bool_()), ("pull_request", pa.int64()), ("benchmark", pa.string()), ("task", pa.string()),
    ("dataset_revision", pa.string()), ("value", pa.float64()), ("evaluated_at", pa.timestamp("us", tz="UTC")),
    ("source_url", pa.string()), ("source_name", pa.string()), ("source_user", pa.string()),
    ("source_org", pa.string()), ("notes", pa.string()), ("entry", pa.string()),
])


def land_staged_eval_results(con: duckdb.DuckDBPyConnection, crawl_id: str, staged: str = "_crawl") -> tuple[int, int]:
    """Replace the eval rows of every model of ``staged`` (model_id, payload, fetched_at), origin by origin, whose
    record carries that origin's key; inside the caller's transaction. Returns (entries landed, items quarantined)."""
    landed = quarantined = 0
    for origin, path in ORIGINS.items():
        records = con.execute(f"""
            select model_id, payload ->> '$.sha', fetched_at, try_cast(payload ->> '$.lastModified' as timestamptz),
                   {path}
            from {staged} where ({path}) is not null""").fetchall()
        if not records:
            continue
        rows, bad = [], []
        now = datetime.now(timezone.utc)
        for model_id, sha, fetched_at, last_commit, items in records:
            if origin == "eval_results":
                entries, rejected = parse_eval_items(json.loads(items), observed_at=fetched_at, last_commit=last_commit)
            else:
                entries, rejected = parse_model_index(json.loads(items))
            rows.extend((model_id, origin, sha, crawl_id, fetched_at, *e.row()) for e in entries)
            bad.extend((model_id, origin, sha, crawl_id, r.filename, r.entry_no, r.item, r.reason, now) for r in rejected)
        con.execute(f"create or replace temp table _eval_models as select model_id from {staged} where ({path}) is not null")
        for table in ("hub_eval_results", "hub_eval_results_quarantine"):
            con.execute(f"delete from {RAW}.{table} where origin = ? and model_id in (select model_id from _eval_models)",
                        [origin])
        con.execute("drop table _eval_models")
        if rows:
            table = pa.Table.from_pylist([dict(zip(_SCHEMA.names, r, strict=True)) for r in rows], schema=_SCHEMA)
            con.register("_eval_rows", table)
            con.execute(f"insert into {RAW}.hub_eval_results by name select * from _eval_rows")
            con.unregister("_eval_rows")
        if bad:
            con.executemany(f"""insert into {RAW}.hub_eval_results_quarantine
                                (model_id, origin, model_sha, crawl_id, filename, entry_no, item, reason, quarantined_at)
                                values (?, ?, ?, ?, ?, ?, ?, ?, ?)""", bad)
        landed += len(rows)
        quarantined += len(bad)
    return landed, quarantined
