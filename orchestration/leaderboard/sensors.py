"""The leaderboard's sensors: a new revision of the dataset on the Hub, a new dated export in the archive."""

import dagster as dg

from ingestion import settings
from ingestion.hub.client import HubClient, is_unreachable
from ingestion.leaderboard.load import archive_snapshot_dates
from orchestration.leaderboard.jobs import (
    leaderboard_archive_refresh_job,
    leaderboard_refresh_job,
)
from orchestration.leaderboard.partitions import (
    REVISION_TAG,
    leaderboard_revisions,
    leaderboard_snapshots,
    revision_partition_key,
)
from orchestration.leaderboard.resources import LeaderboardArchiveResource
from orchestration.resources import HubResource


@dg.sensor(
    job=leaderboard_refresh_job,
    minimum_interval_seconds=settings.leaderboard_poll_seconds(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=f"Asks the Hub for the current revision of {settings.LEADERBOARD_REPO_ID} and, when it is new, "
                f"adds its partition and runs the leaderboard assets and what depends on them (one run per "
                f"revision). Poll interval: ${settings.LEADERBOARD_POLL_ENV} (default "
                f"{settings.DEFAULT_LEADERBOARD_POLL_SECONDS} s).",
)
def leaderboard_revision_sensor(context: dg.SensorEvaluationContext, hub: HubResource):
    endpoint = hub.resolved_endpoint()
    client = HubClient(endpoint, attempts=1, max_retries=0, timeout=20)  # a tick asks once; the next tick retries
    try:
        revision, modified = client.dataset_revision(settings.LEADERBOARD_REPO_ID)
    except Exception as exc:  # noqa: BLE001 - unreachable is a reason to skip; anything else is raised
        if not is_unreachable(exc):
            raise
        return dg.SkipReason(f"the Hub at {endpoint} cannot be reached ({type(exc).__name__}); "
                             f"{settings.LEADERBOARD_REPO_ID} will be asked again at the next tick")
    if revision == context.cursor:
        return dg.SkipReason(f"{settings.LEADERBOARD_REPO_ID} is still at {revision[:12]}")
    context.update_cursor(revision)
    key = revision_partition_key(revision, modified)
    return dg.SensorResult(  # adding a partition that exists already is a no-op
        run_requests=[dg.RunRequest(partition_key=key, run_key=f"leaderboard-{revision}",
                                    tags={REVISION_TAG: revision, "refresh": "leaderboard"})],
        dynamic_partitions_requests=[leaderboard_revisions.build_add_request([key])],
    )


@dg.sensor(
    job=leaderboard_archive_refresh_job,
    minimum_interval_seconds=settings.leaderboard_poll_seconds(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=f"Watches the archive folder (${settings.LEADERBOARD_ARCHIVE_ENV}) and adds a partition, and a run, "
                "for every snapshot date not seen before.",
)
def leaderboard_archive_sensor(context: dg.SensorEvaluationContext, leaderboard_archive: LeaderboardArchiveResource):
    folder = leaderboard_archive.resolved_folder()
    if folder is None or not folder.is_dir():
        return dg.SkipReason(f"no leaderboard archive folder ({settings.LEADERBOARD_ARCHIVE_ENV})")
    try:
        dates = archive_snapshot_dates(folder)
    except ValueError as exc:  # a file name without a valid date: say which, add nothing
        return dg.SkipReason(str(exc))
    known = set(context.instance.get_dynamic_partitions(leaderboard_snapshots.name))
    new = [d for d in dates if d not in known]
    if not new:
        return dg.SkipReason(f"no new snapshot in {folder} ({len(dates)} known)")
    return dg.SensorResult(
        run_requests=[dg.RunRequest(partition_key=d, run_key=f"leaderboard-archive-{d}") for d in new],
        dynamic_partitions_requests=[leaderboard_snapshots.build_add_request(new)],
    )
