"""Declarative freshness: each mart says how fresh it must be; a stale mart fails its check.

The hours come from the dbt model's `meta.freshness_hours` (set for the marts folder in
dbt_project.yml, overridable per mart). A sensor evaluates the checks every ten minutes, so
a mart that missed its refresh shows up red in the UI without anybody pressing a button.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from contextlib import contextmanager
from datetime import timedelta

import dagster as dg
from dagster_dbt.asset_utils import get_manifest_and_translator_from_dbt_assets

from orchestration.dbt.assets import observatory_dbt_models


def mart_freshness_hours() -> dict[dg.AssetKey, float]:
    """Asset key -> hours, for every dbt model that declares `freshness_hours` (from the manifest the
    dbt assets already loaded: it is not read twice)."""
    manifest, translator, _ = get_manifest_and_translator_from_dbt_assets([observatory_dbt_models])
    hours = {}
    for node in manifest["nodes"].values():
        declared = (node.get("config", {}).get("meta") or {}).get("freshness_hours")
        if node["resource_type"] == "model" and declared is not None:
            hours[translator.get_asset_key(node)] = float(declared)
    return hours


def build_freshness_checks() -> list[dg.AssetChecksDefinition]:
    by_hours: dict[float, list[dg.AssetKey]] = defaultdict(list)
    for key, hours in sorted(mart_freshness_hours().items(), key=lambda item: item[0].to_user_string()):
        by_hours[hours].append(key)
    checks = []
    for hours, keys in sorted(by_hours.items()):
        with _superseded_ok():
            checks.extend(dg.build_last_update_freshness_checks(
                assets=keys, lower_bound_delta=timedelta(hours=hours), severity=dg.AssetCheckSeverity.ERROR))
    return checks


@contextmanager
def _superseded_ok():
    # Dagster 1.13 prefers FreshnessPolicy objects, which open-source Dagster evaluates only with
    # `freshness: enabled` in dagster.yaml (a preview); these checks run anywhere and fail visibly.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*is superseded.*")
        yield


freshness_checks = build_freshness_checks()

with _superseded_ok():
    freshness_sensor = dg.build_sensor_for_freshness_checks(
        freshness_checks=freshness_checks,
        minimum_interval_seconds=600,
        name="mart_freshness_sensor",
        default_status=dg.DefaultSensorStatus.RUNNING,
    )
