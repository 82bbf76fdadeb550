"""Declarative freshness: each mart says how fresh it must be, as a Dagster FreshnessPolicy.

The hours come from the dbt model's `meta.freshness_hours` (set for the marts folder in dbt_project.yml,
overridable per mart); the translator (project.py) turns them into a time-window FreshnessPolicy on the asset.
Dagster's freshness daemon (`make dev`; `freshness: enabled: true` in the instance template) evaluates every
policy, so a mart that missed its refresh shows as failing its freshness in the UI without anybody pressing a
button.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import dagster as dg


def declared_freshness_hours(dbt_resource_props: Mapping[str, Any]) -> float | None:
    """A dbt model's `meta.freshness_hours`, if it declares one."""
    declared = (dbt_resource_props.get("config", {}).get("meta") or {}).get("freshness_hours")
    return float(declared) if declared is not None else None


def freshness_policy(dbt_resource_props: Mapping[str, Any]) -> dg.FreshnessPolicy | None:
    """The model's FreshnessPolicy: it fails when its last build is older than the declared hours."""
    hours = declared_freshness_hours(dbt_resource_props)
    return dg.FreshnessPolicy.time_window(fail_window=timedelta(hours=hours)) if hours else None
