"""MTEB's results dataset: one partition per revision of ``mteb/results`` on the Hub, as the leaderboard dataset."""

import dagster as dg

from ingestion.evals.load import MTEB_REPO_ID
from orchestration.leaderboard.partitions import split_revision_key

mteb_revisions = dg.DynamicPartitionsDefinition(name="mteb_results_revisions")
MTEB_REVISION_TAG = "mteb_revision"


def resolve_mteb_revision(key: str, tagged: str | None, con, client) -> str:
    """The full sha a partition stands for: the run's tag (set by the sensor), else the revision it landed
    before, else the dataset's current revision if it matches."""
    _, short = split_revision_key(key)
    if tagged:
        if not tagged.startswith(short):
            raise dg.Failure(f"partition {key}: the run's revision tag {tagged[:12]} is another revision",
                             allow_retries=False)
        return tagged
    landed = [r for (r,) in con.execute("select distinct source_revision from raw.mteb_models "
                                        "where starts_with(source_revision, ?)", [short]).fetchall()]
    if landed:
        return landed[0]
    current, _ = client.dataset_revision(MTEB_REPO_ID)
    if current.startswith(short):
        return current
    raise dg.Failure(f"partition {key}: revision {short} of {MTEB_REPO_ID} was never landed and is not the current "
                     f"one ({current[:12]}); launch it with the tag {MTEB_REVISION_TAG}=<full sha>",
                     allow_retries=False)
