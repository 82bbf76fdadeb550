"""The Definitions load fast, without network, as one connected graph from raw assets to marts."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import ROOT

PROBE = textwrap.dedent("""
    import json, socket, time
    attempts = []
    def refuse(self, address, *args, **kwargs):
        attempts.append(str(address))
        raise OSError("network is off in this test")
    socket.socket.connect = refuse
    socket.create_connection = lambda address, *a, **k: refuse(None, address)
    began = time.perf_counter()
    from orchestration.definitions import defs
    graph = defs.resolve_asset_graph()
    seconds = time.perf_counter() - began
    nodes = {k.to_user_string(): {"parents": sorted(p.to_user_string() for p in graph.get(k).parent_keys),
                                  "group": graph.get(k).group_name}
             for k in graph.get_all_asset_keys()}
    checks = sorted(c.asset_key.to_user_string() + ":" + c.name for c in graph.asset_check_keys)
    blocking = sorted(c.asset_key.to_user_string() + ":" + c.name for c in graph.asset_check_keys
                      if graph.get_check_spec(c).blocking)
    print(json.dumps({"seconds": seconds, "network": attempts, "nodes": nodes, "checks": checks,
                      "blocking": blocking}))
""")


def _load():
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_definitions_load_fast_without_network(dbt_manifest):
    result = _load()
    assert result["network"] == [], f"importing the definitions tried the network: {result['network']}"
    assert result["seconds"] < 10, f"loading took {result['seconds']:.1f} s"


def test_graph_is_connected_from_raw_to_every_mart(dbt_manifest):
    nodes = _load()["nodes"]
    raw = {k for k, v in nodes.items() if v["group"] == "raw"}
    assert raw == {"raw/hub_models", "raw/hub_model_removals", "raw/hub_model_snapshots", "raw/hub_model_keys",
                   "raw/leaderboard_hub_results", "raw/leaderboard_archive_results", "raw/hub_eval_results",
                   "raw/hub_benchmarks", "raw/hub_benchmark_leaderboards", "raw/mteb_results", "raw/mteb_models"}
    marts = {k for k, v in nodes.items() if v["group"] == "marts"}
    assert {"marts/mart_ecosystem_summary", "marts/mart_author_concentration",
            "marts/mart_license_distribution"} <= marts

    def ancestors(key, seen=None):
        seen = set() if seen is None else seen
        for parent in nodes[key]["parents"]:
            if parent not in seen:
                seen.add(parent)
                ancestors(parent, seen)
        return seen

    for mart in marts:
        above = ancestors(mart)
        assert "raw/hub_models" in above, f"{mart} is not connected to the Hub models"
        assert any(nodes[a]["group"] == "intermediate" for a in above), f"{mart} skips the intermediate layer"
    for key, node in nodes.items():
        if node["group"] == "staging":
            assert all(nodes[p]["group"] in ("raw", "quality") for p in node["parents"]), f"{key} reads beyond raw"
    # the intermediate models leave out the rows the raw assets' checks quarantined
    assert "staging/stg_quality__quarantine" in nodes["intermediate/int_hub__models"]["parents"]
    assert "staging/stg_quality__quarantine" in nodes["intermediate/int_leaderboard__results"]["parents"]
    assert "quality/quarantine" in nodes["staging/stg_quality__quarantine"]["parents"]
    # marts read intermediates, never other marts
    for mart in marts:
        assert not set(nodes[mart]["parents"]) & marts, f"{mart} reads another mart"
    assert {v["group"] for v in nodes.values()} == {"raw", "quality", "seeds", "staging", "intermediate", "audit",
                                                    "marts", "published", "report"}
    # every mart is published, and the report reads the publication
    assert set(nodes["published/marts"]["parents"]) == marts
    assert nodes["report/observatory_report"]["parents"] == ["published/marts"]


def test_dbt_tests_and_expectation_suites_are_checks_on_their_assets(dbt_manifest):
    result = _load()
    checked = {c.split(":")[0] for c in result["checks"]}
    nodes = result["nodes"]
    dbt_models = {k for k, v in nodes.items() if v["group"] in ("staging", "intermediate", "marts")}
    assert dbt_models and dbt_models <= checked, f"models without a dbt test: {sorted(dbt_models - checked)}"
    suites = {"raw/hub_models:hub_models_expectations",
              "raw/leaderboard_hub_results:leaderboard_hub_results_expectations",
              "raw/leaderboard_archive_results:leaderboard_archive_results_expectations"}
    assert suites <= set(result["blocking"]), "the raw assets' suites block what is downstream"
    # dbt's tests of the sources (_raw__sources.yml) are checks of the raw assets, blocking as the suites are
    sources = {"raw/hub_models:source_not_null_raw_hub_models_model_id",
               "raw/hub_models:source_unique_raw_hub_models_model_id",
               "raw/hub_model_removals:source_unique_raw_hub_model_removals_model_id"}
    assert sources <= set(result["blocking"])


def test_the_dbt_build_waits_for_the_gate_and_leaves_the_source_tests_to_it(dbt_manifest):
    """The dbt step starts after the gate of raw/hub_models (which runs dbt's source tests), and its own
    `dbt build` excludes the source tests, so each runs once, after the crawl it tests was accepted."""
    from orchestration.dbt.assets import observatory_dbt_models
    from orchestration.definitions import defs

    graph = defs.resolve_job_def("refresh_everything").graph
    inputs = next(deps for node, deps in graph.dependencies.items() if node.name == "observatory_dbt_models")
    waits_for = {(d.node, d.output) for dep in inputs.values() for d in dep.get_node_dependencies()}
    assert ("hub_models_expectations", "raw__hub_models_hub_models_expectations") in waits_for, waits_for
    assert ("hub_models_expectations", "raw__hub_models_source_unique_raw_hub_models_model_id") in waits_for
    assert observatory_dbt_models.op.tags.get("dagster_dbt/exclude") == "source:*"


def test_enumerated_settings_are_validated_at_launch(dbt_manifest):
    """A mode, scope or severity that does not exist fails run-config validation, before anything runs."""
    import dagster as dg

    from orchestration.definitions import defs

    job = defs.resolve_job_def("hub_refresh")
    assert dg.validate_run_config(job, {"ops": {"hub_models": {"config": {"mode": "incremental"}}}})
    for bad in ({"ops": {"hub_models": {"config": {"mode": "sometimes"}}}},
                {"resources": {"hub": {"config": {"scope": "everything"}}}},
                {"resources": {"quality": {"config": {"volume_severity": "LOUD"}}}}):
        with pytest.raises(dg.DagsterInvalidConfigError):
            dg.validate_run_config(job, bad)


def test_the_dbt_resource_knows_the_version_the_dbt_executable_reports():
    """ObservatoryDbtCli skips `dbt --version` before every build; it must name the version that reports."""
    import re

    from orchestration.dbt.project import ObservatoryDbtCli, dbt_executable, dbt_project

    reported = subprocess.run([dbt_executable(), "--version"], capture_output=True, text=True, check=True).stdout
    installed = re.search(r"installed: (\d+\.\d+\.\d+)", reported).group(1)
    resource = ObservatoryDbtCli(project_dir=dbt_project, dbt_executable=dbt_executable())
    assert str(resource._cli_version) == installed


@pytest.mark.parametrize("job_name", ["hub_refresh", "leaderboard_refresh", "leaderboard_archive_refresh"])
def test_a_partial_job_builds_every_dbt_model_its_models_read(dbt_manifest, job_name):
    """On a warehouse where no full build has run yet (the daily schedule's first tick), a job that rebuilds
    part of the dbt graph must find every view and table its models read: it builds them too. (The daily
    hub_refresh once failed there: int_hub__models reads stg_quality__quarantine, which it did not build.)"""
    from orchestration.dbt.assets import observatory_dbt_models
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    dbt_keys = set(observatory_dbt_models.keys)
    selected = defs.resolve_job_def(job_name).asset_layer.selected_asset_keys
    selected_dbt = selected & dbt_keys
    assert selected_dbt, f"{job_name} builds no dbt model"
    missing = {f"{parent.to_user_string()} (read by {key.to_user_string()})"
               for key in selected_dbt for parent in graph.get(key).parent_keys
               if parent in dbt_keys and parent not in selected}
    assert not missing, f"{job_name} does not build: {sorted(missing)}"
