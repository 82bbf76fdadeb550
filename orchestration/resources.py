"""Resources shared by every source: the warehouse and the Hub. Resolved at run time, not import time."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path

import dagster as dg
import duckdb

from ingestion import settings
from ingestion.hub.client import HubClient
from ingestion.warehouse import connect
from ingestion.warehouse.lock import warehouse_write_lock

# Every writer to the DuckDB file runs in this pool (one slot): DuckDB allows one writing process.
WAREHOUSE_POOL = "duckdb_warehouse"


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse named by OBSERVATORY_WAREHOUSE (default data/warehouse.duckdb in the project);
    dbt reads the same variable, so both always open the same file."""

    memory_limit: str = "1GB"

    def resolved_path(self) -> Path:
        return settings.warehouse_path()

    @contextmanager
    def connect(self, context=None) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for the block, holding the warehouse write lock, with the raw and quality schemas."""
        from orchestration.quality.history import ensure_quality_schema

        with self.write_lock(context):
            con = connect(self.resolved_path(), memory_limit=self.memory_limit)
            try:
                ensure_quality_schema(con)
                yield con
            finally:
                con.close()

    @contextmanager
    def write_lock(self, context=None) -> Iterator[float]:
        """Serialise writers across runs and processes: wait (and say so in the run log) while another
        run writes. ``context`` is the step's context (for the log and the holder's name)."""
        log = getattr(context, "log", None)
        holder = _holder(context)
        with warehouse_write_lock(self.resolved_path(), holder, on_wait=log.warning if log else None) as waited:
            if waited >= 1 and log:
                log.warning(f"waited {waited:.1f} s for the warehouse write lock; writing now")
            yield waited


class HubScope(Enum):
    """What a Hub crawl covers: every model (optionally one pipeline_tag), or the models on the landed
    leaderboards plus all their ancestors (fetched one by one)."""

    all = "all"
    leaderboard = "leaderboard"


class HubResource(dg.ConfigurableResource):
    """The Hugging Face Hub or a stand-in. Without `endpoint`, OBSERVATORY_HUB_ENDPOINT names it.

    The token is never configuration: huggingface_hub reads HF_TOKEN itself at request
    time, so it appears in no run config, log or metadata.
    """

    endpoint: str | None = None
    page_size: int = 1000
    scope: HubScope = HubScope.all
    pipeline_tag: str | None = None

    def resolved_endpoint(self) -> str:
        return (self.endpoint or settings.hub_endpoint()).rstrip("/")

    def client(self) -> HubClient:
        return HubClient(self.resolved_endpoint())

    def cache_dir(self) -> Path:
        return settings.cache_dir()


def _holder(context) -> str:
    if context is None:
        return ""
    try:
        run_id = context.run.run_id
        step = context.op_execution_context.op.name if hasattr(context, "op_execution_context") else ""
    except Exception:  # noqa: BLE001 - only a label
        return ""
    return f"run {run_id[:8]} step {step}".strip()
