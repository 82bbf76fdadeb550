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
