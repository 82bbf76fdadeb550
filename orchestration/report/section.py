"""A report section (one per mart) and the helpers every section uses."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from orchestration.report import charts

POPULATION_LABELS = {"hub": "Hub", "leaderboard_v1": "Leaderboard v1", "leaderboard_v2": "Leaderboard v2",
                     "hub_evals": "Hub evaluations"}
POPULATION_ORDER = list(POPULATION_LABELS)
TOP_N = 15


@dataclass
class Section:
    mart: str
    title: str
    question: str
    caption: str = ""
    headlines: list[tuple[str, str]] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)  # figure bodies (svg plus legend), one per panel
    panel_titles: list[str] = field(default_factory=list)
    extra_html: str = ""  # a table after the charts (already escaped)

    def add(self, panel_title: str, svg: str, legend: list[str] | None = None) -> None:
        self.panel_titles.append(panel_title)
        self.figures.append(svg + (charts.legend(legend) if legend else ""))


def population_label(population: str) -> str:
    return POPULATION_LABELS.get(population, population)


def by_population(frame: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    present = list(frame["population"].unique()) if len(frame) else []
    ordered = [p for p in POPULATION_ORDER if p in present] + sorted(p for p in present if p not in POPULATION_ORDER)
    return [(p, frame[frame["population"] == p]) for p in ordered]


def by_series(frame: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """One panel per population, each on one benchmark task: scores of different tasks are never drawn on one
    axis. A population with several tasks (hub_evals) shows the one with the most rows, named in the title."""
    panels = []
    for population, part in by_population(frame):
        label = population_label(population)
        if "benchmark" in part.columns and "task" in part.columns and len(part):
            counts = part.groupby(["benchmark", "task"]).size().reset_index(name="n")
            counts = counts.sort_values(["n", "benchmark", "task"], ascending=[False, True, True])
            if len(counts) > 1 or population not in ("leaderboard_v1", "leaderboard_v2"):
                benchmark, task = counts.iloc[0]["benchmark"], counts.iloc[0]["task"]
                part = part[(part["benchmark"] == benchmark) & (part["task"] == task)]
                more = f", 1 of {len(counts)} tasks" if len(counts) > 1 else ""
                label = f"{label} ({benchmark} : {task}{more})"
        panels.append((label, part))
    return panels


def as_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(value).date()


def number(value) -> float | None:
    if value is None:
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None
