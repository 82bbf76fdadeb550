"""The one Definitions of the Open Model Observatory.

The flow, and where each step is:

    Hub API ─────────────> orchestration/hub/          raw/hub_models (ingestion/hub/ does the work), and
                                                       raw/hub_model_snapshots (the adoption history, a partition a day)
    leaderboard dataset ─> orchestration/leaderboard/  raw/leaderboard_hub_results (one partition per revision)
    benchmarks, MTEB ────> orchestration/evals/        raw/hub_benchmarks, raw/mteb_results (one partition per
                                                       revision); Community Evals ride along with raw/hub_models
    archived exports ────> orchestration/leaderboard/  raw/leaderboard_archive_results (one per snapshot date)
                           orchestration/quality/      Great Expectations suites, verdict history, quarantine
    dbt ─────────────────> orchestration/dbt/          staging, intermediate, audit, marts (dbt_project/)
    publication ─────────> orchestration/published/    published/marts (versioned snapshot readers open any time)
    report ──────────────> orchestration/report/       report/observatory_report (static HTML, from published/marts)

Importing this module does no network call and runs no dbt command: the dbt manifest is
prepared beforehand (`make manifest`, or `observatory demo`).
"""

from __future__ import annotations

import dagster as dg

from orchestration.dbt.assets import observatory_dbt_models
from orchestration.dbt.project import ObservatoryDbtCli, dbt_executable, dbt_project
from orchestration.evals import assets as evals_assets
from orchestration.evals.jobs import MTEB, benchmarks_refresh_job, mteb_load_job, mteb_refresh_job
from orchestration.evals.sensors import benchmark_registry_sensor, mteb_revision_sensor
from orchestration.hub import assets as hub_assets
from orchestration.hub import checks as hub_checks
from orchestration.hub import history as hub_history
from orchestration.hub.schedules import hub_full_reconcile, hub_incremental_refresh, hub_refresh_job
from orchestration.leaderboard import assets as leaderboard_assets
from orchestration.leaderboard import checks as leaderboard_checks
from orchestration.leaderboard.jobs import (
    ARCHIVE,
    DATASET,
    leaderboard_archive_load_job,
    leaderboard_archive_refresh_job,
    leaderboard_dataset_load_job,
    leaderboard_refresh_job,
)
from orchestration.leaderboard.resources import LeaderboardArchiveResource
from orchestration.leaderboard.sensors import leaderboard_archive_sensor, leaderboard_revision_sensor
from orchestration.quality.resources import QualityResource
from orchestration.reliability import alert_on_permanent_failure
from orchestration.published.assets import published_marts
from orchestration.report.asset import observatory_report
from orchestration.resources import HubResource, WarehouseResource

raw_assets = dg.load_assets_from_modules([hub_assets, hub_history, leaderboard_assets, evals_assets])
raw_checks = dg.load_asset_checks_from_modules([hub_checks, leaderboard_checks])

# Written by the blocking checks on the raw assets (rows that failed a row-level rule); read by
# the intermediate models, which leave those rows out.
quarantine = dg.AssetSpec(
    ["quality", "quarantine"],
    description="Rows that failed a row-level (QUARANTINE) rule of a raw asset's Great Expectations suite, "
                "with the rule and the reason. Written by the checks on raw/hub_models and the leaderboard "
                "assets; the intermediate models leave these rows out.",
    group_name="quality",
    kinds={"duckdb"},
)

refresh_everything = dg.define_asset_job(
    "refresh_everything",
    # the leaderboard's dataset revisions and archived exports, and MTEB's revisions, are partitions of their
    # own, landed by the leaderboard_* and mteb_* jobs (and their sensors); this job reads what they landed
    selection=dg.AssetSelection.all() - ARCHIVE - DATASET - MTEB,
    hooks={alert_on_permanent_failure},
    description="Fetch from the Hub and record the day's snapshot (the run's partition), then build every dbt model (over every landed leaderboard revision and "
                "snapshot) and run its tests, then publish the marts and write the report.",
)

build_models = dg.define_asset_job(
    "build_models",
    selection=dg.AssetSelection.assets(observatory_dbt_models, published_marts, observatory_report),
    hooks={alert_on_permanent_failure},
    description="Build every dbt model and run its tests on what is landed (after a backfill, for instance), "
                "then publish the marts and regenerate the report.",
)


def build_resources() -> dict:
    return {
        "warehouse": WarehouseResource(),
        "hub": HubResource(),
        "leaderboard_archive": LeaderboardArchiveResource(),
        "quality": QualityResource(),
        "dbt": ObservatoryDbtCli(project_dir=dbt_project, dbt_executable=dbt_executable()),
    }


defs = dg.Definitions(
    assets=[*raw_assets, quarantine, observatory_dbt_models, published_marts, observatory_report],
    asset_checks=raw_checks,
    jobs=[refresh_everything, build_models, hub_refresh_job, leaderboard_refresh_job, leaderboard_dataset_load_job,
          leaderboard_archive_load_job, leaderboard_archive_refresh_job, benchmarks_refresh_job, mteb_refresh_job,
          mteb_load_job],
    schedules=[hub_incremental_refresh, hub_full_reconcile],
    sensors=[leaderboard_revision_sensor, leaderboard_archive_sensor, mteb_revision_sensor, benchmark_registry_sensor],
    resources=build_resources(),
    # One process per run: every writer to the single DuckDB file runs one after another.
    executor=dg.in_process_executor,
)
