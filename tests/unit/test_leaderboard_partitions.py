"""Leaderboard dataset revisions as partitions: their keys, and which revision a partition stands for."""

from __future__ import annotations

import dagster as dg
import duckdb
import pytest

from ingestion.warehouse import ensure_schema
from orchestration.leaderboard.partitions import resolve_revision, revision_partition_key

OLD = "a" * 12 + "1" * 28
CURRENT = "b" * 12 + "2" * 28


class Client:
    def dataset_revision(self, repo_id):
        return CURRENT, "2025-03-14T10:00:00+00:00"


@pytest.fixture()
def con():
    con = duckdb.connect()
    ensure_schema(con)
    con.execute("insert into raw.leaderboard_hub_results (source_revision, source_name, loaded_at) "
                "values (?, 'open-llm-leaderboard/contents@old', now())", [OLD])
    return con


def test_the_key_is_the_commit_date_and_the_short_sha():
    assert revision_partition_key(CURRENT, "2025-03-14T10:00:00+00:00") == "2025-03-14_bbbbbbbbbbbb"


def test_a_tagged_run_lands_the_tagged_revision(con):
    assert resolve_revision("2025-03-14_bbbbbbbbbbbb", CURRENT, con, Client()) == CURRENT


def test_a_tag_of_another_revision_is_refused(con):
    with pytest.raises(dg.Failure, match="another revision"):
        resolve_revision("2025-03-14_bbbbbbbbbbbb", OLD, con, Client())


def test_a_rerun_without_tag_lands_the_revision_it_landed_before(con):
    assert resolve_revision("2025-01-02_aaaaaaaaaaaa", None, con, Client()) == OLD


def test_an_unknown_partition_without_tag_is_a_clear_error(con):
    assert resolve_revision("2025-03-14_bbbbbbbbbbbb", None, con, Client()) == CURRENT
    with pytest.raises(dg.Failure, match="never landed and is not the current one"):
        resolve_revision("2025-02-01_cccccccccccc", None, con, Client())
    with pytest.raises(dg.Failure, match="is not <commit date>_<revision>"):
        resolve_revision("cccccccccccc", None, con, Client())


def test_the_revision_sensor_skips_with_the_endpoint_when_the_hub_cannot_be_reached():
    """`make dev` offline: the sensor's tick skips, naming the endpoint, instead of failing with a trace."""
    import socket

    from orchestration.leaderboard.sensors import leaderboard_revision_sensor
    from orchestration.resources import HubResource

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    endpoint = f"http://127.0.0.1:{port}"
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(instance=instance, resources={"hub": HubResource(endpoint=endpoint)})
        result = leaderboard_revision_sensor(context)
    assert isinstance(result, dg.SkipReason)
    assert endpoint in result.skip_message and "cannot be reached" in result.skip_message
