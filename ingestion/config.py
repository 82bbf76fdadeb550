"""Configuration shared by the CLI, the Dagster resources and the dbt profile.

One environment variable names the DuckDB warehouse for Python and dbt alike.
"""

from __future__ import annotations

import os
from pathlib import Path

WAREHOUSE_ENV = "OBSERVATORY_WAREHOUSE"
DEFAULT_WAREHOUSE = "data/warehouse.duckdb"

HUB_ENDPOINT_ENV = "OBSERVATORY_HUB_ENDPOINT"
DEFAULT_HUB_ENDPOINT = "https://huggingface.co"

LEADERBOARD_ARCHIVE_ENV = "OBSERVATORY_LEADERBOARD_ARCHIVE"
CACHE_DIR_ENV = "OBSERVATORY_CACHE_DIR"

LEADERBOARD_REPO_ID = "open-llm-leaderboard/contents"
LEADERBOARD_FILENAME = "data/train-00000-of-00001.parquet"


def warehouse_path() -> Path:
    """Absolute path of the DuckDB warehouse named by OBSERVATORY_WAREHOUSE."""
    return Path(os.environ.get(WAREHOUSE_ENV) or DEFAULT_WAREHOUSE).expanduser().resolve()


def hub_endpoint() -> str:
    return (os.environ.get(HUB_ENDPOINT_ENV) or DEFAULT_HUB_ENDPOINT).rstrip("/")


def leaderboard_archive_dir() -> Path | None:
    value = os.environ.get(LEADERBOARD_ARCHIVE_ENV)
    return Path(value).expanduser().resolve() if value else None


def cache_dir() -> Path:
    """Where downloaded files are cached: beside the warehouse unless configured."""
    value = os.environ.get(CACHE_DIR_ENV)
    if value:
        return Path(value).expanduser().resolve()
    return warehouse_path().parent / "hub_cache"
