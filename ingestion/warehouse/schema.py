"""The raw schema: the landing tables of every source, created (and migrated) on connect."""

from __future__ import annotations

import functools
import hashlib

import duckdb

from ingestion.evals.landing import EVALS_DDL
from ingestion.evals.landing import MIGRATIONS as EVALS_MIGRATIONS
from ingestion.hub.fields import FIELD_COLUMNS, columns_ddl, fields_select
from ingestion.leaderboard.readers import LANDING_COLUMNS
from ingestion.warehouse.rules import MACROS, install_rules

RAW_SCHEMA = "raw"
LEADERBOARD_TABLES = ("leaderboard_hub_results", "leaderboard_archive_results")

_HUB_DDL = f"""
create schema if not exists {RAW_SCHEMA};
create table if not exists {RAW_SCHEMA}.hub_crawls (
    crawl_id varchar not null,
    endpoint varchar not null,
    query varchar not null,
    scope varchar not null default 'all',       -- what the crawl covers (whole Hub, a filter, ...)
    mode varchar not null default 'full',       -- full (sees the whole scope) or incremental
    watermark timestamptz,                      -- incremental: fetch models modified at or after this
    started_at timestamptz not null,
    finished_at timestamptz,
    status varchar not null,                    -- running, landed (awaits its checks), complete, rejected,
                                                -- failed, abandoned
    next_url varchar,                           -- checkpoint: where to resume
    pages integer not null default 0,
    records integer not null default 0,
    quarantined integer not null default 0,
    new_models integer,
    changed_models integer,
    removed_models integer,
    error varchar
);
create table if not exists {RAW_SCHEMA}.hub_model_removals (
    model_id varchar not null,
    removal varchar not null,                   -- deleted or renamed
    renamed_to varchar,
    detected_at timestamptz not null,
    crawl_id varchar not null
);
create table if not exists {RAW_SCHEMA}.hub_models (
    model_id varchar not null,
    payload json not null,              -- the record exactly as the Hub served it
    crawl_id varchar not null,
    fetched_at timestamptz not null,
    -- the fields the pipeline reads, parsed once at landing (ingestion/hub/fields.py)
    {columns_ddl()}
);
create table if not exists {RAW_SCHEMA}.hub_models_loading (
    crawl_id varchar not null,
    page_no integer not null,
    position integer not null,
    model_id varchar not null,
    payload json not null,
    fetched_at timestamptz not null
);
create table if not exists {RAW_SCHEMA}.hub_models_rejected (
    crawl_id varchar not null,          -- a crawl whose blocking checks failed: none of it reached raw.hub_models
    page_no integer not null,
    position integer not null,
    model_id varchar not null,
    payload json not null,
    fetched_at timestamptz not null,
    rejected_at timestamptz not null,
    reason varchar not null
);
create table if not exists {RAW_SCHEMA}.hub_models_quarantine (
    crawl_id varchar not null,
    page_no integer,
    position integer,
    raw_record varchar,
    reason varchar not null,
    quarantined_at timestamptz not null
);
-- the adoption history (ingestion/hub/history.py)
create table if not exists {RAW_SCHEMA}.hub_model_keys (
    model_key integer not null,         -- a model's number in the history: assigned on first sight, never reused
    model_id varchar not null,
    first_day date not null             -- the snapshot day that first saw it
);
create table if not exists {RAW_SCHEMA}.hub_model_snapshots (
    snapshot_day date not null,         -- the day (Dagster partition) this row belongs to
    model_key integer not null,         -- raw.hub_model_keys
    listed boolean not null,            -- false: a full crawl of that day no longer saw the model
    downloads integer,                  -- downloads of the last 30 days, as the Hub reports them
    downloads_all_time bigint,
    likes integer,
    trending_score integer,
    observed_at timestamptz not null    -- when the crawl that saw it started
);
create table if not exists {RAW_SCHEMA}.hub_snapshot_crawls (
    snapshot_day date not null,
    crawl_id varchar not null,          -- a crawl recorded under that day (each crawl under one day only)
    recorded_at timestamptz not null
);
"""

# Columns added after a table was first created: applied to existing warehouses on connect.
_MIGRATIONS = [
    ("hub_crawls", "scope", "varchar default 'all'"),
    ("hub_crawls", "mode", "varchar default 'full'"),
    ("hub_crawls", "watermark", "timestamptz"),
    ("hub_crawls", "new_models", "integer"),
    ("hub_crawls", "changed_models", "integer"),
    ("hub_crawls", "removed_models", "integer"),
    ("hub_crawls", "error", "varchar"),
    ("hub_crawls", "verified_at", "timestamptz"),  # when the blocking quality checks passed on it
    ("hub_crawls", "duplicate_records", "integer"),  # records served again under an id already seen
    ("hub_crawls", "conflicting_duplicates", "integer"),  # ids served twice with different content
    ("hub_crawls", "duplicate_examples", "json"),  # a few of those, with both versions
    ("hub_crawls", "rejected_at", "timestamptz"),  # when its blocking checks rejected it
]


def _leaderboard_ddl(table: str) -> str:
    """A leaderboard landing table: every landing column as text (staging casts), as read."""
    cols = ",\n    ".join(
        f"{c} {'integer' if c == 'row_number' else 'json' if c == 'original_record' else 'varchar'}"
        for c in LANDING_COLUMNS)
    return f"create table if not exists {RAW_SCHEMA}.{table} (\n    {cols},\n    loaded_at timestamptz not null\n);"


def _leaderboard_waiting_ddl() -> str:
    """Batches waiting for their checks (loading), and batches the checks rejected."""
    base = _leaderboard_ddl("leaderboard_loading").rstrip().rstrip(");").rstrip()
    loading = (base + ",\n    target_table varchar not null,\n    partition_key varchar not null,"
               "\n    replace_snapshot varchar\n);")
    rejected = (f"create table if not exists {RAW_SCHEMA}.leaderboard_rejected as "
                f"select *, now() as rejected_at, ''::varchar as reason from {RAW_SCHEMA}.leaderboard_loading limit 0;")
    return loading + "\n" + rejected


# The warehouse records the fingerprint of the definitions it was last brought up to: a connection to a
# warehouse already there costs one query, not some thirty statements (each a catalog change that the
# connection's close then checkpoints). Any change of a definition, migration or rule changes the fingerprint.
SCHEMA_APPLIED = f"{RAW_SCHEMA}.schema_applied"


@functools.cache
def _definitions_fingerprint() -> str:
    parts = [_HUB_DDL, EVALS_DDL, repr(EVALS_MIGRATIONS), repr(_MIGRATIONS), repr(FIELD_COLUMNS), MACROS,
             _leaderboard_waiting_ddl(), *(_leaderboard_ddl(table) for table in LEADERBOARD_TABLES)]
    return hashlib.sha256("\n--\n".join(parts).encode()).hexdigest()


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create what is missing of the raw schema, and (re)install the shared rules: once per change of their
    definitions (SCHEMA_APPLIED)."""
    fingerprint = _definitions_fingerprint()
    try:
        if con.execute(f"select fingerprint from {SCHEMA_APPLIED}").fetchall() == [(fingerprint,)]:
            return
    except duckdb.CatalogException:  # a new warehouse, or one from before the fingerprint
        pass
    _apply_definitions(con)
    con.execute(f"create or replace table {SCHEMA_APPLIED} as "
                "select ?::varchar as fingerprint, now() as applied_at", [fingerprint])


def _apply_definitions(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(_HUB_DDL)
    con.execute(EVALS_DDL)
    for table, column, column_type in EVALS_MIGRATIONS:
        con.execute(f"alter table {RAW_SCHEMA}.{table} add column if not exists {column} {column_type}")
    for table, column, column_type in _MIGRATIONS:
        con.execute(f"alter table {RAW_SCHEMA}.{table} add column if not exists {column} {column_type}")
    for table in LEADERBOARD_TABLES:
        con.execute(_leaderboard_ddl(table))
    con.execute(_leaderboard_waiting_ddl())
    install_rules(con)
    _add_typed_hub_fields(con)


def _add_typed_hub_fields(con: duckdb.DuckDBPyConnection) -> None:
    """A warehouse landed before the typed fields existed: parse its records once, in one transaction."""
    have = {c for (c,) in con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = 'hub_models'",
        [RAW_SCHEMA]).fetchall()}
    if set(FIELD_COLUMNS) <= have:
        return
    con.execute("begin transaction")
    try:
        con.execute(f"create table {RAW_SCHEMA}.hub_models_typed as "
                    + fields_select(f"{RAW_SCHEMA}.hub_models", "model_id, payload, crawl_id, fetched_at"))
        con.execute(f"drop table {RAW_SCHEMA}.hub_models")
        con.execute(f"alter table {RAW_SCHEMA}.hub_models_typed rename to hub_models")
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")
