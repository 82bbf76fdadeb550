"""Running the Dagster jobs from the command line: the instance, partition runs, what failed."""

from __future__ import annotations

import contextlib
import os
import socket
import uuid
from pathlib import Path

import dagster as dg

from ingestion import settings
from ingestion.warehouse.lock import warehouse_write_lock
from orchestration.cli.console import quiet, say, step_lines, where_the_log_is
from orchestration.cli.pool_watch import HOST_TAG, PID_TAG, wait_for_free_slot, watch_run
from orchestration.resources import WAREHOUSE_POOL

INSTANCE_TEMPLATE = Path(__file__).resolve().parent.parent / "dagster.yaml"
# Every run the CLI starts records its process (PID_TAG, HOST_TAG), so that a later command can tell a run that
# was killed (kill -9, a crash, a reboot) from one still running.
LOG_INFO = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


def ensure_dagster_home(path: Path) -> Path:
    """The folder with the project's instance template as its dagster.yaml when it has none."""
    path.mkdir(parents=True, exist_ok=True)
    target = path / "dagster.yaml"
    if not target.exists():
        partial = path / f"dagster.yaml.{os.getpid()}.partial"
        partial.write_text(INSTANCE_TEMPLATE.read_text())
        partial.replace(target)
    return path


def open_instance(warehouse: Path) -> dg.DagsterInstance:
    """The Dagster instance of ``settings.dagster_home`` (beside the warehouse unless DAGSTER_HOME is set),
    opened under the warehouse lock: two commands starting at once must not both create its storage."""
    home = ensure_dagster_home(settings.dagster_home(warehouse))
    with warehouse_write_lock(warehouse, "observatory (opening the Dagster instance)", on_wait=say) as waited:
        if waited >= 1:
            say(f"waited {waited:.1f} s for the warehouse write lock; going on")
        instance = dg.DagsterInstance.from_config(str(home))
        fail_orphaned_runs(instance)
        return instance


def fail_orphaned_runs(instance: dg.DagsterInstance) -> list[str]:
    """Runs this machine's CLI started whose process is gone (killed, crashed, rebooted) but that the instance
    still holds as started: mark them failed and free their pool slots, so the next run does not wait for a
    slot nobody will release. Their crawl resumes from its checkpoint on the next run."""
    orphaned = []
    active = [dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.CANCELING]
    for run in instance.get_runs(dg.RunsFilter(statuses=active, tags={HOST_TAG: socket.gethostname()})):
        pid = run.tags.get(PID_TAG)
        if not pid or _alive(int(pid)):
            continue
        message = (f"its process (pid {pid}) is gone: killed, crashed or rebooted. Marked failed by the next "
                   "observatory command; its pool slot is freed and an interrupted crawl resumes from its checkpoint")
        instance.report_run_failed(run, message)
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        say(f"run {run.run_id[:8]} ({run.job_name}) {message}")
        orphaned.append(run.run_id)
    return orphaned


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def run_job(defs, instance, job_name: str, *, resources: dict | None = None, partition_key: str | None = None,
            tags: dict | None = None, steps: bool = True, ops: dict | None = None):
    """One run of a job in this process, with INFO logs and the given resource configuration. While another
    run holds the warehouse pool, it waits (before and during the run) and says who holds it. With the full
    log in a file, the console gets a line per step (``steps``)."""
    run_config = {**LOG_INFO, **({"resources": resources} if resources else {}), **({"ops": ops} if ops else {})}
    tags = {**(tags or {}), PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}
    run_id = str(uuid.uuid4())
    wait_for_free_slot(instance, WAREHOUSE_POOL, say)
    lines = step_lines(instance, run_id) if steps and quiet() else contextlib.nullcontext()
    with watch_run(instance, run_id, WAREHOUSE_POOL, say), lines:
        return defs.resolve_job_def(job_name).execute_in_process(
            instance=instance, partition_key=partition_key, tags=tags, raise_on_error=False,
            run_config=run_config, run_id=run_id)


def run_partition(defs, instance, job_name: str, partitions_def, key: str, what: str, *,
                  resources: dict | None = None, tags: dict | None = None) -> None:
    """Add ``key`` to a dynamic partitions definition (a no-op when known) and land it in one run of
    ``job_name``; print the checks that did not pass and stop, naming ``what``, when the run fails."""
    instance.add_dynamic_partitions(partitions_def.name, [key])
    result = run_job(defs, instance, job_name, resources=resources, partition_key=key, tags=tags, steps=False)
    report_checks(result)
    if not result.success:
        raise SystemExit(f"error: {what} failed; nothing downstream was rebuilt (see {where_the_log_is()})")


def report_checks(result) -> None:
    """Print every check that did not pass: name, severity and what it found (with example values)."""
    failed = [e for e in result.get_asset_check_evaluations() if not e.passed]
    if not failed:
        return
    say("\nchecks that did not pass:")
    for evaluation in failed:
        say(f"  [{evaluation.severity.value}] {evaluation.asset_key.to_user_string()}:{evaluation.check_name}")
        if evaluation.description:
            say(f"      {evaluation.description}")
