"""Thresholds and severities of the drift and volume checks (typed: Dagster validates them at launch)."""

from __future__ import annotations

from enum import Enum

import dagster as dg
from pydantic import Field


class Severity(Enum):
    """ERROR blocks everything downstream; WARN records the finding and lets the data flow on."""

    ERROR = "ERROR"
    WARN = "WARN"


class QualityResource(dg.ConfigurableResource):
    """Thresholds and severities of the drift and volume checks."""

    max_row_drop: float = Field(default=0.2, ge=0, le=1,
                                description="a snapshot may lose at most this share of the previous one's rows")
    volume_severity: Severity = Severity.ERROR
    schema_change_severity: Severity = Severity.WARN
    # an id served twice in one crawl with different content: the landing cannot know which one is right
    duplicate_id_severity: Severity = Severity.ERROR
