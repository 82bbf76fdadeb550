"""The leaderboard's partitions: one per dataset revision on the Hub, one per archived snapshot date."""

import dagster as dg

from ingestion import settings

# One partition per revision of the leaderboard dataset on the Hub, keyed "<commit date>_<sha[:12]>"
# (sortable by date, readable, unique). The revision sensor adds one for every new revision.
leaderboard_revisions = dg.DynamicPartitionsDefinition(name="leaderboard_dataset_revisions")
REVISION_TAG = "leaderboard_revision"


def revision_partition_key(revision: str, modified: str | None) -> str:
    """The partition of a dataset revision: its commit date and the first 12 characters of its sha."""
    from datetime import date, datetime

    day = datetime.fromisoformat(modified).date() if modified else date.today()
    return f"{day.isoformat()}_{revision[:12]}"


def revision_sensor_tick(context: dg.SensorEvaluationContext, hub, repo_id: str,
                         partitions: dg.DynamicPartitionsDefinition, tag: str, refresh: str):
    """One tick of a sensor on a dataset's revisions (the leaderboard's, MTEB's): ask the Hub once for the current
    revision; when it is new, add its partition and request one run of it. An unreachable Hub (or, for a dataset
    the Hub does not serve, a 404) is a skip naming the endpoint; the next tick asks again."""
    from ingestion.hub.client import HubClient, is_unreachable

    endpoint = hub.resolved_endpoint()
    client = HubClient(endpoint, attempts=1, max_retries=0, timeout=20)  # a tick asks once; the next tick retries
    try:
        revision, modified = client.dataset_revision(repo_id)
    except Exception as exc:  # noqa: BLE001 - unreachable or absent is a reason to skip; anything else is raised
        if getattr(getattr(exc, "response", None), "status_code", None) == 404:
            return dg.SkipReason(f"the Hub at {endpoint} does not serve {repo_id}; asked again at the next tick")
        if not is_unreachable(exc):
            raise
        return dg.SkipReason(f"the Hub at {endpoint} cannot be reached ({type(exc).__name__}); "
                             f"{repo_id} will be asked again at the next tick")
    if revision == context.cursor:
        return dg.SkipReason(f"{repo_id} is still at {revision[:12]}")
    context.update_cursor(revision)
    key = revision_partition_key(revision, modified)
    return dg.SensorResult(  # adding a partition that exists already is a no-op
        run_requests=[dg.RunRequest(partition_key=key, run_key=f"{refresh}-{revision}",
                                    tags={tag: revision, "refresh": refresh})],
        dynamic_partitions_requests=[partitions.build_add_request([key])],
    )


def split_revision_key(key: str) -> tuple[str, str]:
    day, _, short = key.partition("_")
    if len(day) != 10 or not short:
        raise dg.Failure(f"partition {key!r} is not <commit date>_<revision>", allow_retries=False)
    return day, short


def resolve_revision(key: str, tagged: str | None, con, client) -> str:
    """The full revision sha a partition stands for: the run's tag (set by the sensor), else the
    revision this partition landed before, else the dataset's current revision if it matches."""
    _, short = split_revision_key(key)
    if tagged:
        if not tagged.startswith(short):
            raise dg.Failure(f"partition {key}: the run's revision tag {tagged[:12]} is another revision",
                             allow_retries=False)
        return tagged
    landed = [r for (r,) in con.execute(
        "select distinct source_revision from raw.leaderboard_hub_results where starts_with(source_revision, ?)",
        [short]).fetchall()]
    if landed:
        return landed[0]
    current, _ = client.dataset_revision(settings.LEADERBOARD_REPO_ID)
    if current.startswith(short):
        return current
    raise dg.Failure(f"partition {key}: revision {short} of {settings.LEADERBOARD_REPO_ID} was never landed and is "
                     f"not the current one ({current[:12]}); launch it with the tag {REVISION_TAG}=<full sha>",
                     allow_retries=False)


# One partition per snapshot date (the date in an export's file name). The sensor below adds a
# partition for every new file date; `observatory backfill-leaderboard` adds a whole folder's.
leaderboard_snapshots = dg.DynamicPartitionsDefinition(name="leaderboard_archive_snapshots")
