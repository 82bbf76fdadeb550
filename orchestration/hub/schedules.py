"""The Hub's automatic refreshes: a daily incremental crawl and a weekly full reconcile, one job, partitioned by
the day its crawl is recorded under in the adoption history (the day the run was scheduled for, UTC)."""

from datetime import datetime, timezone

import dagster as dg

from ingestion import settings
from orchestration.dbt.assets import with_dbt_inputs
from orchestration.reliability import alert_on_permanent_failure

# the benchmarks ride along with the Hub's refreshes (Community Evals are part of the models' records)
HUB_ASSETS = dg.AssetSelection.assets(["raw", "hub_models"], ["raw", "hub_model_removals"],
                                      ["raw", "hub_eval_results"], ["raw", "hub_benchmarks"],
                                      ["raw", "hub_benchmark_leaderboards"])

hub_refresh_job = dg.define_asset_job(
    "hub_refresh",
    hooks={alert_on_permanent_failure},
    selection=with_dbt_inputs(HUB_ASSETS.downstream()),
    description="Fetch from the Hub (mode from the run config: incremental or full), record the day's snapshot "
                "of adoption (the run's partition), then rebuild every dbt model downstream (with the seeds and "
                "staging views they read), with every check.",
)


def _hub_schedule(name: str, mode: str, cron: str, description: str) -> dg.ScheduleDefinition:
    @dg.schedule(name=name, job=hub_refresh_job, cron_schedule=cron, execution_timezone="UTC",
                 default_status=dg.DefaultScheduleStatus.RUNNING, description=description)
    def _schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        # the margin is read at tick time, so that a change applies without reloading the code location
        margin = settings.watermark_margin_minutes()
        when = context.scheduled_execution_time or datetime.now(timezone.utc)
        return dg.RunRequest(
            partition_key=when.astimezone(timezone.utc).date().isoformat(),
            run_config={"ops": {"hub_models": {"config": {"mode": mode, "watermark_margin_minutes": margin}}}},
            tags={"refresh": mode, "scheduled_for": context.scheduled_execution_time.isoformat()
                  if context.scheduled_execution_time else ""},
        )

    return _schedule


hub_incremental_refresh = _hub_schedule(
    "hub_incremental_refresh", "incremental", settings.hub_refresh_cron(),
    f"Only models modified since the last complete crawl started (minus ${settings.WATERMARK_MARGIN_ENV}, "
    f"default {settings.DEFAULT_WATERMARK_MARGIN_MINUTES} min). Cadence: ${settings.HUB_REFRESH_CRON_ENV} "
    f"(default '{settings.DEFAULT_HUB_REFRESH_CRON}', daily).")

hub_full_reconcile = _hub_schedule(
    "hub_full_reconcile", "full", settings.hub_reconcile_cron(),
    f"The whole scope: refreshes likes and downloads (they change without a commit) and records deleted and "
    f"renamed models. Cadence: ${settings.HUB_RECONCILE_CRON_ENV} (default "
    f"'{settings.DEFAULT_HUB_RECONCILE_CRON}', weekly).")
