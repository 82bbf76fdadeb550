"""Resources: the warehouse, the Hub, the leaderboard archive. All resolved at run time, not import time."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb

from ingestion import config
from ingestion.hub import HubClient
from ingestion.landing import connect

# Every writer to the DuckDB file runs in this pool (one slot): DuckDB allows one writing process.
WAREHOUSE_POOL = "duckdb_warehouse"


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse. Without `path`, OBSERVATORY_WAREHOUSE names it (default data/warehouse.duckdb)."""

    path: str | None = None
    memory_limit: str = "1GB"

    def resolved_path(self) -> Path:
        return Path(self.path).expanduser().resolve() if self.path else config.warehouse_path()

    def connect(self) -> duckdb.DuckDBPyConnection:
        return connect(self.resolved_path(), memory_limit=self.memory_limit)


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
