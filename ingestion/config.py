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

# Cadences of the automatic refreshes (cron, UTC) and how often the sensor asks the Hub for a new
# leaderboard revision. Read when the Dagster definitions load.
HUB_REFRESH_CRON_ENV = "OBSERVATORY_HUB_REFRESH_CRON"
DEFAULT_HUB_REFRESH_CRON = "0 3 * * *"  # daily incremental refresh
HUB_RECONCILE_CRON_ENV = "OBSERVATORY_HUB_RECONCILE_CRON"
DEFAULT_HUB_RECONCILE_CRON = "0 4 * * 0"  # weekly full reconcile (Sundays)
WATERMARK_MARGIN_ENV = "OBSERVATORY_WATERMARK_MARGIN_MINUTES"  # incremental: re-fetch this far behind the watermark
DEFAULT_WATERMARK_MARGIN_MINUTES = 30
LEADERBOARD_POLL_ENV = "OBSERVATORY_LEADERBOARD_POLL_SECONDS"
DEFAULT_LEADERBOARD_POLL_SECONDS = 3600

REPORT_ENV = "OBSERVATORY_REPORT"  # where the HTML report is written (default: beside the warehouse)

LEADERBOARD_REPO_ID = "open-llm-leaderboard/contents"
LEADERBOARD_FILENAME = "data/train-00000-of-00001.parquet"


def warehouse_path() -> Path:
    """Absolute path of the DuckDB warehouse named by OBSERVATORY_WAREHOUSE."""
    return Path(os.environ.get(WAREHOUSE_ENV) or DEFAULT_WAREHOUSE).expanduser().resolve()


def report_path(warehouse: Path | None = None) -> Path:
    """The HTML report: OBSERVATORY_REPORT, else report/<warehouse name>.html beside the warehouse
    (data/report/warehouse.html by default)."""
    value = os.environ.get(REPORT_ENV)
    if value:
        return Path(value).expanduser().resolve()
    warehouse = warehouse or warehouse_path()
    return warehouse.parent / "report" / f"{warehouse.stem}.html"


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


def hub_refresh_cron() -> str:
    return os.environ.get(HUB_REFRESH_CRON_ENV) or DEFAULT_HUB_REFRESH_CRON


def hub_reconcile_cron() -> str:
    return os.environ.get(HUB_RECONCILE_CRON_ENV) or DEFAULT_HUB_RECONCILE_CRON


def watermark_margin_minutes() -> int:
    return _int_env(WATERMARK_MARGIN_ENV, DEFAULT_WATERMARK_MARGIN_MINUTES, minimum=0, unit="minutes")


def leaderboard_poll_seconds() -> int:
    return _int_env(LEADERBOARD_POLL_ENV, DEFAULT_LEADERBOARD_POLL_SECONDS, minimum=30, unit="seconds")


def _int_env(name: str, default: int, *, minimum: int, unit: str) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{name}={value!r} is not a whole number of {unit}") from None
    if number < minimum:
        raise ValueError(f"{name}={value!r}: must be at least {minimum} {unit}")
    return number
