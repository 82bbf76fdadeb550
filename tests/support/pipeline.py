"""The real Definitions run in the test's process: jobs, schedule ticks and sensor ticks, as the daemon does them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import dagster as dg


class Pipeline:
    """The real Definitions, run in this process against one warehouse and one Dagster instance."""

    def __init__(self, warehouse: Path, instance: dg.DagsterInstance, monkeypatch):
        from orchestration.definitions import defs

        self.defs, self.instance, self.warehouse = defs, instance, warehouse
        monkeypatch.setenv("OBSERVATORY_WAREHOUSE", str(warehouse))
        monkeypatch.delenv("OBSERVATORY_LEADERBOARD_ARCHIVE", raising=False)
        self.sensor_cursor: str | None = None

    def run(self, job_name: str, run_config: dict | None = None, tags: dict | None = None, only=None,
            partition_key: str | None = None):
        result = self.defs.resolve_job_def(job_name).execute_in_process(
            run_config=run_config or {}, instance=self.instance, tags=tags, raise_on_error=False,
            asset_selection=only, partition_key=partition_key)
        assert result.success, [e.message for e in result.all_events if e.is_failure][:3]
        return result

    def tick_schedule(self, name: str, at: datetime):
        schedule = self.defs.resolve_schedule_def(name)
        context = dg.build_schedule_context(instance=self.instance, scheduled_execution_time=at,
                                            repository_def=self.defs.get_repository_def())
        (request,) = schedule.evaluate_tick(context).run_requests
        return self.run(schedule.job_name, request.run_config, request.tags, partition_key=request.partition_key)

    def tick_sensor(self, name: str, run_as: str | None = None) -> int:
        """One tick of the sensor; the runs it asks for are run (with job ``run_as`` instead of the sensor's
        when given: a rebuild that lands what the sensor found, its one full build following)."""
        sensor = self.defs.resolve_sensor_def(name)
        # instance_ref: what the daemon gives a sensor (it lets a run request name a new dynamic partition)
        context = dg.build_sensor_context(instance=self.instance, instance_ref=self.instance.get_ref(),
                                          cursor=self.sensor_cursor, definitions=self.defs,
                                          resources={"hub": self.defs.resources["hub"]})
        data = sensor.evaluate_tick(context)
        self.sensor_cursor = data.cursor
        for added in data.dynamic_partitions_requests or []:  # as the daemon would
            self.instance.add_dynamic_partitions(added.partitions_def_name, list(added.partition_keys))
        for request in data.run_requests or []:
            self.run(run_as or sensor.job_name, request.run_config, request.tags, partition_key=request.partition_key)
        return len(data.run_requests or [])
