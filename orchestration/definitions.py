"""The one Definitions of the Open Model Observatory.

Importing this module does no network call and runs no dbt command: the dbt
manifest is prepared beforehand (`make manifest`, or `observatory demo`).
"""

from __future__ import annotations

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration import hub, leaderboard
from orchestration.dbt import dbt_project, observatory_dbt_models
from orchestration.dbt_paths import dbt_executable
from orchestration.resources import HubResource, LeaderboardArchiveResource, WarehouseResource

raw_assets = dg.load_assets_from_modules([hub, leaderboard])

refresh_everything = dg.define_asset_job(
    "refresh_everything",
    selection=dg.AssetSelection.all(),
    description="Fetch from the Hub and the leaderboard, then build every dbt model and run its tests.",
)


def build_resources() -> dict:
    return {
        "warehouse": WarehouseResource(),
        "hub": HubResource(),
        "leaderboard_archive": LeaderboardArchiveResource(),
        "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable()),
    }


defs = dg.Definitions(
    assets=[*raw_assets, observatory_dbt_models],
    jobs=[refresh_everything],
    resources=build_resources(),
    # One process per run: every writer to the single DuckDB file runs one after another.
    executor=dg.in_process_executor,
)
