"""Resources: the warehouse, the Hub, the leaderboard archive. All resolved at run time, not import time."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from ingestion import config
from ingestion.hub import HubClient
from ingestion.landing import connect
from ingestion.warehouse_lock import warehouse_write_lock

# Every writer to the DuckDB file runs in this pool (one slot): DuckDB allows one writing process.
WAREHOUSE_POOL = "duckdb_warehouse"


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse. Without `path`, OBSERVATORY_WAREHOUSE names it (default data/warehouse.duckdb)."""

    path: str | None = None
    memory_limit: str = "1GB"

    def resolved_path(self) -> Path:
        return Path(self.path).expanduser().resolve() if self.path else config.warehouse_path()

    @contextmanager
    def connect(self, context=None) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for the block, holding the warehouse write lock (see ``write_lock``)."""
        with self.write_lock(context):
            con = connect(self.resolved_path(), memory_limit=self.memory_limit)
            try:
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


class HubResource(dg.ConfigurableResource):
    """The Hugging Face Hub or a stand-in. Without `endpoint`, OBSERVATORY_HUB_ENDPOINT names it.

    The token is never configuration: huggingface_hub reads HF_TOKEN itself at request
    time, so it appears in no run config, log or metadata.
    """

    endpoint: str | None = None
    page_size: int = 1000
    # Scope: "all" (every model, optionally only one pipeline_tag) or "leaderboard" (the models on
    # the landed leaderboards plus all their ancestors, fetched one by one).
    scope: str = "all"
    pipeline_tag: str | None = None

    def resolved_endpoint(self) -> str:
        return (self.endpoint or config.hub_endpoint()).rstrip("/")

    def client(self) -> HubClient:
        return HubClient(self.resolved_endpoint())

    def cache_dir(self) -> Path:
        return config.cache_dir()


class LeaderboardArchiveResource(dg.ConfigurableResource):
    """A folder of archived leaderboard CSV exports; OBSERVATORY_LEADERBOARD_ARCHIVE names it (optional)."""

    folder: str | None = None

    def resolved_folder(self) -> Path | None:
        if self.folder:
            return Path(self.folder).expanduser().resolve()
        return config.leaderboard_archive_dir()


class QualityResource(dg.ConfigurableResource):
    """Thresholds and severities of the drift and volume checks."""

    max_row_drop: float = 0.2              # a snapshot may lose at most this share of the previous one's rows
    volume_severity: str = "ERROR"          # ERROR blocks downstream assets; WARN records only
    schema_change_severity: str = "WARN"


def _holder(context) -> str:
    if context is None:
        return ""
    try:
        run_id = context.run.run_id
        step = context.op_execution_context.op.name if hasattr(context, "op_execution_context") else ""
    except Exception:  # noqa: BLE001 - only a label
        return ""
    return f"run {run_id[:8]} step {step}".strip()
