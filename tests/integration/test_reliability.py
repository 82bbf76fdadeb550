"""Retries and alerts: a fetching step that keeps failing is retried by policy, then raises an ALERT in
the run log naming the step and the cause; nothing downstream runs and nothing landed changes."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.conftest import ROOT, project_env

pytestmark = pytest.mark.integration

# Runs in a fresh interpreter: the retry policy is read from the environment when the definitions load.
RUN_JOB = r"""
import json, sys
import dagster as dg
from orchestration.definitions import defs
from orchestration.hub.history import today

instance = dg.DagsterInstance.ephemeral()
result = defs.resolve_job_def("hub_refresh").execute_in_process(instance=instance, raise_on_error=False,
                                                                partition_key=today())
logs = [e.user_message for e in instance.all_logs(result.run_id)]
print(json.dumps({
    "success": result.success,
    "retries": [e.step_key for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"],
    "failures": [e.step_key for e in result.all_events if e.is_step_failure],
    "materialized": [e.asset_key.to_user_string() for e in result.all_events if e.is_step_materialization],
    "alerts": [m for m in logs if m.startswith("ALERT")],
}))
"""


class Forbidden(BaseHTTPRequestHandler):
    """A Hub that refuses every request (a revoked token, say): not transient for the HTTP layer."""

    requests = 0

    def do_GET(self):  # noqa: N802 - http.server's naming
        type(self).requests += 1
        body = b'{"error": "Forbidden: this token has no access"}'
        self.send_response(403)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture()
def refusing_hub():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Forbidden)
    Forbidden.requests = 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_permanent_failure_is_retried_then_alerts_with_its_cause(refusing_hub, tmp_path, dbt_manifest):
    env = project_env(OBSERVATORY_WAREHOUSE=str(tmp_path / "w.duckdb"), OBSERVATORY_HUB_ENDPOINT=refusing_hub,
                      OBSERVATORY_STEP_RETRIES="1", OBSERVATORY_RETRY_DELAY_SECONDS="0",
                      OBSERVATORY_CACHE_DIR=str(tmp_path / "cache"))
    out = subprocess.run([sys.executable, "-c", RUN_JOB], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stderr[-4000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert not result["success"]
    # both steps that ask the Hub (the model crawl and the benchmarks that ride along with it) meet the 403
    hub_steps = ["hub_benchmarks", "hub_models"]
    assert sorted(result["retries"]) == hub_steps, "each retried once, as the policy says"
    assert sorted(result["failures"]) == hub_steps, "failed for good after the retry; nothing downstream ran"
    assert result["materialized"] == []
    assert len(result["alerts"]) == 2, result["alerts"]
    for step, alert in zip(hub_steps, sorted(result["alerts"])):
        assert f"step {step}" in alert and "403" in alert and "failed after its retries" in alert
    assert Forbidden.requests == 4, "one request per attempt: a 403 is not retried by the HTTP layer"
