"""The leaderboard's sensors: a new revision of the dataset on the Hub, a new dated export in the archive."""

import dagster as dg

from ingestion import settings
from ingestion.leaderboard.load import archive_snapshot_dates
from orchestration.leaderboard.jobs import (
    leaderboard_archive_refresh_job,
    leaderboard_refresh_job,
)
from orchestration.leaderboard.partitions import (
    REVISION_TAG,
    leaderboard_revisions,
    leaderboard_snapshots,
    revision_sensor_tick,
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
    return revision_sensor_tick(context, hub, settings.LEADERBOARD_REPO_ID, leaderboard_revisions, REVISION_TAG,
                                "leaderboard")


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
