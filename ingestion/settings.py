"""Every setting of the observatory, read from the environment in one place.

The CLI, the Dagster resources, the schedules and the dbt profile all read their
settings here (dbt reads OBSERVATORY_WAREHOUSE itself, with the same rule for a
relative path: see dbt_project/profiles.yml). Nothing else reads or writes
``os.environ`` for the project's own settings.
"""

from __future__ import annotations

import os
from pathlib import Path

# The project root: relative paths in settings are taken from here, whatever the working directory,
# so that Python and dbt (which runs in dbt_project/) open the same files.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

WAREHOUSE_ENV = "OBSERVATORY_WAREHOUSE"
DEFAULT_WAREHOUSE = "data/warehouse.duckdb"

HUB_ENDPOINT_ENV = "OBSERVATORY_HUB_ENDPOINT"
DEFAULT_HUB_ENDPOINT = "https://huggingface.co"

LEADERBOARD_ARCHIVE_ENV = "OBSERVATORY_LEADERBOARD_ARCHIVE"
CACHE_DIR_ENV = "OBSERVATORY_CACHE_DIR"
REPORT_ENV = "OBSERVATORY_REPORT"  # where the HTML report is written (default: beside the warehouse)
PUBLISHED_ENV = "OBSERVATORY_PUBLISHED"  # where the published marts go (default: beside the warehouse)
PUBLISHED_KEEP_ENV = "OBSERVATORY_PUBLISHED_KEEP"  # how many published versions are kept
DEFAULT_PUBLISHED_KEEP = 3
HISTORY_DAILY_DAYS_ENV = "OBSERVATORY_HISTORY_DAILY_DAYS"  # adoption history: days kept daily, then weekly
DEFAULT_HISTORY_DAILY_DAYS = 90
DAGSTER_HOME_ENV = "DAGSTER_HOME"

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
STEP_RETRIES_ENV = "OBSERVATORY_STEP_RETRIES"
DEFAULT_STEP_RETRIES = 2
RETRY_DELAY_ENV = "OBSERVATORY_RETRY_DELAY_SECONDS"
DEFAULT_RETRY_DELAY_SECONDS = 60

# The leaderboard dataset on the Hub.
LEADERBOARD_REPO_ID = "open-llm-leaderboard/contents"
LEADERBOARD_FILENAME = "data/train-00000-of-00001.parquet"


def _path(value: str) -> Path:
    """A configured path: absolute as given, or relative to the project root."""
    path = Path(value).expanduser()
    return (path if path.is_absolute() else PROJECT_ROOT / path).resolve()


def warehouse_path() -> Path:
    """The DuckDB warehouse: OBSERVATORY_WAREHOUSE (relative to the project root), else
    data/warehouse.duckdb in the project."""
    return _path(os.environ.get(WAREHOUSE_ENV) or DEFAULT_WAREHOUSE)


def report_path(warehouse: Path | None = None) -> Path:
    """The HTML report: OBSERVATORY_REPORT, else report/<warehouse name>.html beside the warehouse."""
    value = os.environ.get(REPORT_ENV)
    if value:
        return _path(value)
    warehouse = warehouse or warehouse_path()
    return warehouse.parent / "report" / f"{warehouse.stem}.html"


def published_dir(warehouse: Path | None = None) -> Path:
    """The published marts (versioned snapshots readers open while a run writes): OBSERVATORY_PUBLISHED,
    else published/<warehouse name>/ beside the warehouse."""
    value = os.environ.get(PUBLISHED_ENV)
    if value:
        return _path(value)
    warehouse = warehouse or warehouse_path()
    return warehouse.parent / "published" / warehouse.stem


def published_versions_kept() -> int:
    return _int_env(PUBLISHED_KEEP_ENV, DEFAULT_PUBLISHED_KEEP, minimum=1, unit="versions")


def history_daily_days() -> int:
    return _int_env(HISTORY_DAILY_DAYS_ENV, DEFAULT_HISTORY_DAILY_DAYS, minimum=1, unit="days")


def dagster_home(warehouse: Path | None = None) -> Path:
    """Dagster's instance folder: DAGSTER_HOME, else dagster_home/ beside the warehouse."""
    value = os.environ.get(DAGSTER_HOME_ENV)
    return _path(value) if value else (warehouse or warehouse_path()).parent / "dagster_home"


def hub_endpoint() -> str:
    return (os.environ.get(HUB_ENDPOINT_ENV) or DEFAULT_HUB_ENDPOINT).rstrip("/")


def leaderboard_archive_dir() -> Path | None:
    value = os.environ.get(LEADERBOARD_ARCHIVE_ENV)
    return _path(value) if value else None


def cache_dir(warehouse: Path | None = None) -> Path:
    """Where downloaded files are cached: OBSERVATORY_CACHE_DIR, else hub_cache/ beside the warehouse."""
    value = os.environ.get(CACHE_DIR_ENV)
    return _path(value) if value else (warehouse or warehouse_path()).parent / "hub_cache"


def hub_refresh_cron() -> str:
    return os.environ.get(HUB_REFRESH_CRON_ENV) or DEFAULT_HUB_REFRESH_CRON


def hub_reconcile_cron() -> str:
    return os.environ.get(HUB_RECONCILE_CRON_ENV) or DEFAULT_HUB_RECONCILE_CRON


def watermark_margin_minutes() -> int:
    return _int_env(WATERMARK_MARGIN_ENV, DEFAULT_WATERMARK_MARGIN_MINUTES, minimum=0, unit="minutes")


def leaderboard_poll_seconds() -> int:
    return _int_env(LEADERBOARD_POLL_ENV, DEFAULT_LEADERBOARD_POLL_SECONDS, minimum=30, unit="seconds")


def step_retries() -> int:
    return _int_env(STEP_RETRIES_ENV, DEFAULT_STEP_RETRIES, minimum=0, unit="retries")


def retry_delay_seconds() -> int:
    return _int_env(RETRY_DELAY_ENV, DEFAULT_RETRY_DELAY_SECONDS, minimum=0, unit="seconds")


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
