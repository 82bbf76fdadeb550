"""The UI for real: the Dagster webserver, started headless on a local port with the project's instance template,
serves the whole asset graph (raw to marts, with dependencies), the checks, the schedules and the sensors over
GraphQL; in a browser, the asset graph opens with no dialog over it."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, project_env

pytestmark = pytest.mark.integration

QUERY = """
{
  assetNodes {
    assetKey { path }
    groupName
    dependencyKeys { path }
    assetChecksOrError { ... on AssetChecks { checks { name blocking } } }
    internalFreshnessPolicy { ... on TimeWindowFreshnessPolicy { failWindowSeconds } }
  }
  repositoriesOrError {
    ... on RepositoryConnection { nodes { name schedules { name cronSchedule } sensors { name } } }
  }
}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=json.dumps({"query": query}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        body = json.loads(response.read())
    assert "errors" not in body, body["errors"]
    return body["data"]


@pytest.fixture(scope="module")
def webserver(tmp_path_factory, dbt_manifest):
    home = tmp_path_factory.mktemp("dagster_home")
    shutil.copy(ROOT / "orchestration" / "dagster.yaml", home / "dagster.yaml")  # as `make dev` does
    env = project_env(DAGSTER_HOME=str(home), OBSERVATORY_WAREHOUSE=str(home / "w.duckdb"))
    port = _free_port()
    webserver_bin = Path(sys.executable).with_name("dagster-webserver")
    log = (home / "webserver.log").open("w")
    proc = subprocess.Popen([str(webserver_bin), "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=5):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("the webserver did not start:\n" + (home / "webserver.log").read_text()[-3000:])
                time.sleep(1)
        # the code location loads in the background: wait until it serves assets
        while True:
            data = _graphql(port, QUERY)
            if data["assetNodes"] or time.monotonic() > deadline:
                break
            time.sleep(1)
        yield {**data, "port": port}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_the_asset_graph_is_served_from_raw_to_every_mart(webserver):
    nodes = {"/".join(n["assetKey"]["path"]): n for n in webserver["assetNodes"]}
    parents = {k: {"/".join(d["path"]) for d in n["dependencyKeys"]} for k, n in nodes.items()}
    marts = {k for k, n in nodes.items() if n["groupName"] == "marts"}
    assert len(marts) == 18

    def reaches(key, target, seen=frozenset()):
        return target in parents[key] or any(reaches(p, target, seen | {key}) for p in parents[key] - seen)

    for mart in marts:
        assert reaches(mart, "raw/hub_models"), f"{mart} is not connected to raw/hub_models in the UI"
    assert reaches("marts/mart_performance_over_time", "raw/leaderboard_archive_results")
    assert parents["staging/stg_hub__models"] >= {"raw/hub_models"}
    assert parents["intermediate/int_hub__models"] >= {"staging/stg_hub__models", "staging/stg_quality__quarantine"}
    assert parents["published/marts"] == marts  # every mart is published
    assert parents["report/observatory_report"] == {"published/marts"}  # the report is drawn from the publication


def test_checks_schedules_and_sensors_are_served(webserver):
    checks = {"/".join(n["assetKey"]["path"]): {c["name"]: c["blocking"] for c in n["assetChecksOrError"]["checks"]}
              for n in webserver["assetNodes"] if n.get("assetChecksOrError")}
    assert checks["raw/hub_models"]["hub_models_expectations"] is True
    assert checks["raw/hub_models"]["source_unique_raw_hub_models_model_id"] is True, "dbt's source tests"
    assert checks["raw/hub_model_removals"]["source_unique_raw_hub_model_removals_model_id"] is True
    assert checks["raw/leaderboard_archive_results"]["leaderboard_archive_results_expectations"] is True
    assert any(name.startswith("unique") for name in checks["marts/mart_ecosystem_summary"]), "dbt tests"
    windows = {"/".join(n["assetKey"]["path"]): (n["internalFreshnessPolicy"] or {}).get("failWindowSeconds")
               for n in webserver["assetNodes"]}
    assert windows["marts/mart_ecosystem_summary"] == 26 * 3600, "the marts' FreshnessPolicy reaches the UI"
    (repo,) = webserver["repositoriesOrError"]["nodes"]
    schedules = {s["name"]: s["cronSchedule"] for s in repo["schedules"]}
    assert schedules == {"hub_incremental_refresh": "0 3 * * *", "hub_full_reconcile": "0 4 * * 0"}
    assert {s["name"] for s in repo["sensors"]} == {"leaderboard_revision_sensor", "leaderboard_archive_sensor",
                                                    "mteb_revision_sensor", "benchmark_registry_sensor"}


def test_the_asset_graph_opens_with_no_dialog_over_it(webserver):
    """Dagster's first-visit "join the community" dialog is off in the instance template (nux: enabled: false):
    a first visit sees the asset graph, nothing in front of it. A screenshot is kept in test-artifacts/."""
    from playwright.sync_api import sync_playwright

    from tests.integration.test_report_browser import ARTIFACTS, CHROMIUM_ARGS, chromium_executable

    port = webserver["port"]
    assert _graphql(port, "{ shouldShowNux }") == {"shouldShowNux": False}
    executable = chromium_executable()
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(f"http://127.0.0.1:{port}/asset-groups", wait_until="networkidle", timeout=120_000)
            page.get_by_text("marts", exact=True).first.wait_for(timeout=120_000)  # the graph's group of marts
            page.wait_for_timeout(2000)  # a dialog the app opens after loading would be up by now
            page.screenshot(path=str(ARTIFACTS / "asset_graph.png"))
            dialogs = page.locator("[role=dialog], .bp5-dialog, .bp4-dialog, .bp5-overlay-open, .bp4-overlay-open")
            assert dialogs.count() == 0, f"a dialog covers the asset graph: {dialogs.first.inner_text()[:300]}"
            assert "Join the Dagster community" not in page.inner_text("body")
        finally:
            browser.close()
