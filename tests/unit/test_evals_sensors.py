"""The evaluation sources' sensors: a new revision of MTEB's results adds its partition and one run; a newly
registered benchmark (or a new revision of one) asks for one refresh; nothing new, nothing asked; an unreachable
Hub is a skip."""

from __future__ import annotations

import dagster as dg
import pytest

from ingestion.evals.load import MTEB_REPO_ID
from orchestration.evals.partitions import MTEB_REVISION_TAG
from orchestration.resources import HubResource


@pytest.fixture(scope="module")
def sensors(dbt_manifest):
    """The two sensors; their jobs load the dbt manifest, which a clean checkout has only once the
    dbt_manifest fixture has prepared it, so they are imported here, never at collection time."""
    from orchestration.evals.sensors import benchmark_registry_sensor, mteb_revision_sensor

    return mteb_revision_sensor, benchmark_registry_sensor


def _tick(sensor, endpoint: str, instance, cursor: str | None = None):
    context = dg.build_sensor_context(instance=instance, cursor=cursor,
                                      resources={"hub": HubResource(endpoint=endpoint)})
    return sensor(context), context.cursor


def test_a_new_mteb_revision_adds_its_partition_and_one_run_once(hub, sensors):
    mteb_revision_sensor, _ = sensors
    with dg.DagsterInstance.ephemeral() as instance:
        first, cursor = _tick(mteb_revision_sensor, hub.endpoint, instance)
        (request,) = first.run_requests
        revision, _ = hub.dump.dataset_revision(MTEB_REPO_ID)
        assert request.tags[MTEB_REVISION_TAG] == revision and request.partition_key.endswith(revision[:12])
        assert first.dynamic_partitions_requests[0].partition_keys == [request.partition_key]
        again, _ = _tick(mteb_revision_sensor, hub.endpoint, instance, cursor)
        assert isinstance(again, dg.SkipReason) and revision[:12] in again.skip_message


def test_a_newly_registered_benchmark_asks_for_one_refresh(hub, sensors):
    _, benchmark_registry_sensor = sensors
    with dg.DagsterInstance.ephemeral() as instance:
        first, cursor = _tick(benchmark_registry_sensor, hub.endpoint, instance)
        assert isinstance(first, dg.RunRequest)
        same, _ = _tick(benchmark_registry_sensor, hub.endpoint, instance, cursor)
        assert isinstance(same, dg.SkipReason) and "none new or changed" in same.skip_message
        hub.dump.put_files("new-org/new-bench", {"eval.yaml": b"name: New\ndescription: x\n"
                                                              b"evaluation_framework: inspect-ai\ntasks:\n  - id: t\n"})
        registered, _ = _tick(benchmark_registry_sensor, hub.endpoint, instance, cursor)
        assert isinstance(registered, dg.RunRequest) and registered.run_key != first.run_key


def test_an_unreachable_hub_is_a_skip_naming_it(sensors):
    endpoint = "http://127.0.0.1:9"  # nothing listens on the discard port
    with dg.DagsterInstance.ephemeral() as instance:
        for sensor in sensors:
            result, _ = _tick(sensor, endpoint, instance)
            assert isinstance(result, dg.SkipReason) and "127.0.0.1:9" in result.skip_message
