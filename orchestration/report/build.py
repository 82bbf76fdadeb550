"""The static HTML report: one section per mart, a chart that fits its question, a caption and the
headline numbers. Self-contained: inline CSS and SVG, no script, no font or image from the network.

Everything that comes from the data is escaped (see ``charts.esc``): a model id holding
``<script>`` shows as those characters, it never becomes an element.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

from orchestration.report.charts import esc, fmt_int
from orchestration.report.ecosystem import (
    architecture_section,
    author_concentration_section,
    base_model_popularity_section,
    daily_activity_section,
    license_section,
    model_types_section,
    summary_section,
)
from orchestration.report.over_time import (
    concentration_section,
    drift_section,
    family_section,
    trends_section,
)
from orchestration.report.performance import (
    downloads_section,
    improvement_section,
    benchmark_coverage_section,
    improvement_timeline_section,
    params_for_performance_section,
    performance_section,
    size_distribution_section,
)
from orchestration.report.section import TOP_N, Section


@dataclass
class ReportSummary:
    path: Path
    sections: int
    charts: int
    empty_marts: list[str]
    size_bytes: int


SECTIONS: list[tuple[str, Callable[[pd.DataFrame], Section]]] = [
    ("mart_ecosystem_summary", summary_section),
    ("mart_daily_activity", daily_activity_section),
    ("mart_author_concentration", author_concentration_section),
    ("mart_model_types_monthly", model_types_section),
    ("mart_architecture_share_weekly", architecture_section),
    ("mart_base_model_popularity", base_model_popularity_section),
    ("mart_license_distribution", license_section),
    ("mart_performance_over_time", performance_section),
    ("mart_size_distribution", size_distribution_section),
    ("mart_downloads_by_size", downloads_section),
    ("mart_params_for_performance", params_for_performance_section),
    ("mart_base_model_improvement", improvement_section),
    ("mart_improvement_timeline", improvement_timeline_section),
    # evaluations after the leaderboard
    ("mart_benchmark_coverage", benchmark_coverage_section),
    # the Hub over time
    ("mart_download_concentration", concentration_section),
    ("mart_family_adoption", family_section),
    ("mart_adoption_trends", trends_section),
    ("mart_license_drift", drift_section),
]
MARTS = [mart for mart, _ in SECTIONS]


# ---------------------------------------------------------------- the page

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1a1a1a;background:#fafafa}
header,main{max-width:1100px;margin:0 auto;padding:0 24px}
header{padding-top:24px}h1{margin:0 0 4px}h2{margin:0 0 4px}.question{color:#555;margin:0 0 12px;font-style:italic}
section{background:#fff;border:1px solid #e2e2e2;border-radius:6px;padding:18px 22px;margin:18px 0}
nav ol{columns:2;padding-left:20px}dl.headlines{display:flex;flex-wrap:wrap;gap:10px;margin:0 0 12px}
dl.headlines div{background:#f2f6fb;border-radius:4px;padding:6px 10px}dt{font-size:12px;color:#555}
dd{margin:0;font-weight:600;overflow-wrap:anywhere}figure.chart{margin:10px 0}figcaption{font-size:13px;color:#333;margin:4px 0}
.chart-svg{max-width:100%;height:auto;font-size:11px}.axis{stroke:#444}.grid{stroke:#e6e6e6}
.tick{fill:#444}.axis-label{fill:#222;font-size:12px}.value{fill:#333;font-size:10px}
ul.legend{list-style:none;padding:0;margin:4px 0;display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px}
.swatch{display:inline-block;width:10px;height:10px;margin-right:5px;border-radius:2px}
.caption{font-size:14px}table.data{border-collapse:collapse;font-size:12px;margin:8px 0}
table.data td,table.data th{border:1px solid #ddd;padding:3px 6px;text-align:left}
td.num{text-align:right}td.yes{color:#05642c}td.no{color:#9b1c1c}td.na{color:#777}.note,.empty{color:#666}
footer{max-width:1100px;margin:0 auto;padding:8px 24px 30px;color:#666;font-size:12px}
"""


def render_section(section: Section, rows: int) -> str:
    heads = "".join(f"<div><dt>{esc(k)}</dt><dd>{esc(v)}</dd></div>" for k, v in section.headlines)
    figures = "".join(
        f'<figure class="chart" data-mart="{esc(section.mart)}"><figcaption>{esc(title)}</figcaption>{body}</figure>'
        for title, body in zip(section.panel_titles, section.figures))
    if not figures:
        figures = f'<p class="empty">No rows in {esc(section.mart)} yet: nothing to chart.</p>'
    return (f'<section id="{esc(section.mart)}" data-mart="{esc(section.mart)}" data-rows="{rows}">'
            f"<h2>{esc(section.title)}</h2><p class='question'>{esc(section.question)}</p>"
            f"{f'<dl class=headlines>{heads}</dl>' if heads else ''}"
            f"<p class='caption'>{esc(section.caption)}</p>{figures}{section.extra_html}"
            f"<p class='note'>Source: <code>marts.{esc(section.mart)}</code> ({fmt_int(rows)} rows).</p></section>")


def render_report(frames: dict[str, pd.DataFrame], *, rows: dict[str, int] | None = None,
                  generated_at: datetime | None = None, source: str = "") -> tuple[str, list[Section]]:
    """The whole page for the given mart frames (missing marts count as empty); ``rows``, each mart's row count
    where its frame holds only the rows drawn (read_marts)."""
    rows = rows or {}
    generated_at = generated_at or datetime.now(timezone.utc)
    sections, parts = [], []
    for mart, build in SECTIONS:
        frame = frames.get(mart)
        frame = frame if frame is not None else pd.DataFrame(columns=["population"])
        section = build(frame) if len(frame) else Section(mart, mart, "")
        sections.append(section)
        parts.append(render_section(section, rows.get(mart, len(frame))))
    toc = "".join(f'<li><a href="#{esc(s.mart)}">{esc(s.title)}</a></li>' for s in sections)
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "img-src data:\">"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>Open Model Observatory report</title><style>{STYLE}</style></head><body>"
        "<header><h1>Open Model Observatory</h1>"
        "<p>The open-model ecosystem measured from the Hugging Face Hub and the Open LLM Leaderboard: one "
        "section per mart of the warehouse, with its chart, what it shows and its headline numbers.</p>"
        f"<p class='note'>Generated {esc(generated_at.strftime('%Y-%m-%d %H:%M UTC'))}"
        f"{' from ' + esc(source) if source else ''}.</p><nav><ol>{toc}</ol></nav></header>"
        f"<main>{''.join(parts)}</main>"
        "<footer>Shares are fractions of each population's models; leaderboard v1 and v2 scores come from "
        "different benchmark suites and are never mixed. Hover a mark for its value.</footer></body></html>"
    )
    return page, sections


# What a section reads of its mart where that is a small part of it: at 2M Hub models these marts hold 1M and
# 2M rows, and reading them whole into pandas (then sorting them there) took most of the report's 5.6 s.
# Every other section reads its whole mart.
READERS = {
    # the TOP_N base models with the most descendants per population: popularity_rank is that order
    # (all_descendants descending, then base_model_id)
    "mart_base_model_popularity": f"select * from marts.mart_base_model_popularity where popularity_rank <= {TOP_N}",
    # the latest week's TOP_N by growth_rank (the largest rises; where no model has a change yet, the most
    # downloaded), with the number of weeks and of the latest week's models
    "mart_adoption_trends": f"""
        with weeks as (
            select max(week_start) as latest_week, count(distinct week_start) as n_weeks
            from marts.mart_adoption_trends
        ),
        latest as (
            select count(*) as n_models_in_week
            from marts.mart_adoption_trends join weeks on week_start = latest_week
        )
        select t.*, weeks.n_weeks, latest.n_models_in_week
        from marts.mart_adoption_trends as t
        join weeks on t.week_start = weeks.latest_week
        cross join latest
        where t.growth_rank <= {TOP_N}""",
}


def read_marts(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, pd.DataFrame], dict[str, int]]:
    """What each section reads of its mart (READERS, else the whole mart), and each mart's row count."""
    present = {t for (t,) in con.execute(
        "select table_name from information_schema.tables where table_schema = 'marts'").fetchall()}
    frames, rows = {}, {}
    for mart in MARTS:
        if mart not in present:
            continue
        frames[mart] = con.execute(READERS.get(mart, f'select * from marts."{mart}"')).df()
        if mart in READERS:
            (rows[mart],) = con.execute(f'select count(*) from marts."{mart}"').fetchone()
        else:
            rows[mart] = len(frames[mart])
    return frames, rows


def write_report(con: duckdb.DuckDBPyConnection, path: Path, *, source: str = "") -> ReportSummary:
    """Render the report from the marts and write it atomically (a reader never sees half a file)."""
    frames, rows = read_marts(con)
    page, sections = render_report(frames, rows=rows, source=source)
    path.parent.mkdir(parents=True, exist_ok=True)
    # its own partial file: two runs may write the report at once (it takes no lock: it reads the publication)
    partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.partial")
    partial.write_text(page, encoding="utf-8")
    partial.replace(path)
    empty = [s.mart for s in sections if not s.figures]
    return ReportSummary(path=path, sections=len(sections), charts=sum(len(s.figures) for s in sections),
                         empty_marts=empty, size_bytes=path.stat().st_size)
