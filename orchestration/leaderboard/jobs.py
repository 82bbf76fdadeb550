"""The leaderboard's jobs: land one partition (and its checks), or land it and rebuild what depends on it."""

import dagster as dg

from orchestration.dbt.assets import with_dbt_inputs
from orchestration.reliability import alert_on_permanent_failure

DATASET = dg.AssetSelection.assets(["raw", "leaderboard_hub_results"])

leaderboard_refresh_job = dg.define_asset_job(
    "leaderboard_refresh",
    hooks={alert_on_permanent_failure},
    selection=with_dbt_inputs(DATASET.downstream()),
    description="Land one revision of the leaderboard dataset (a partition), then rebuild only the dbt models "
                "that depend on it.",
)

leaderboard_dataset_load_job = dg.define_asset_job(
    "leaderboard_dataset_load",
    hooks={alert_on_permanent_failure},
    selection=DATASET,
    description="Land one revision of the leaderboard dataset (a partition) and run its checks, nothing "
                "downstream (the demo follows it with one `refresh_everything`).",
)


ARCHIVE = dg.AssetSelection.assets(["raw", "leaderboard_archive_results"])

leaderboard_archive_load_job = dg.define_asset_job(
    "leaderboard_archive_load",
    selection=ARCHIVE,
    hooks={alert_on_permanent_failure},
    description="Land one snapshot of the archived exports (a partition) and run its checks; for backfills, "
                "followed by one `build_models` run.",
)

leaderboard_archive_refresh_job = dg.define_asset_job(
    "leaderboard_archive_refresh",
    selection=with_dbt_inputs(ARCHIVE.downstream()),
    hooks={alert_on_permanent_failure},
    description="Land a new snapshot of the archived exports, then rebuild the dbt models that depend on it.",
)
