"""The evaluation sources' sensors: a new revision of MTEB's results, a newly registered benchmark."""

import hashlib

import dagster as dg

from ingestion import settings
from ingestion.evals.load import MTEB_REPO_ID
from ingestion.hub.client import HubClient, is_unreachable
from orchestration.evals.jobs import benchmarks_refresh_job, mteb_refresh_job
from orchestration.evals.partitions import MTEB_REVISION_TAG, mteb_revisions
from orchestration.leaderboard.partitions import revision_sensor_tick
from orchestration.resources import HubResource


def _client(hub: HubResource) -> HubClient:
    return HubClient(hub.resolved_endpoint(), attempts=1, max_retries=0, timeout=20)  # the next tick retries


@dg.sensor(
    job=mteb_refresh_job,
    minimum_interval_seconds=settings.leaderboard_poll_seconds(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=f"Asks the Hub for the current revision of {MTEB_REPO_ID} and, when it is new, adds its partition "
                f"and runs the MTEB assets and what depends on them (one run per revision). Poll interval: "
                f"${settings.LEADERBOARD_POLL_ENV}.",
)
def mteb_revision_sensor(context: dg.SensorEvaluationContext, hub: HubResource):
    return revision_sensor_tick(context, hub, MTEB_REPO_ID, mteb_revisions, MTEB_REVISION_TAG, "mteb")


@dg.sensor(
    job=benchmarks_refresh_job,
    minimum_interval_seconds=settings.leaderboard_poll_seconds(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Lists the registered benchmarks and, when one is newly registered or has a new revision, reads "
                "them again (specs and leaderboards) and rebuilds what depends on them.",
)
def benchmark_registry_sensor(context: dg.SensorEvaluationContext, hub: HubResource):
    client = _client(hub)
    try:
        listed = sorted((d.id, d.sha or "") for d in client.api.list_datasets(benchmark="official"))
    except Exception as exc:  # noqa: BLE001
        if not is_unreachable(exc):
            raise
        return dg.SkipReason(f"the Hub at {client.endpoint} cannot be reached ({type(exc).__name__})")
    state = hashlib.sha1(repr(listed).encode()).hexdigest()
    if state == context.cursor:
        return dg.SkipReason(f"{len(listed)} registered benchmarks, none new or changed")
    context.update_cursor(state)
    return dg.RunRequest(run_key=f"benchmarks-{state}", tags={"refresh": "benchmarks"})
