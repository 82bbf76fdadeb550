"""The static HTML report: one section per mart, a chart that fits its question, a caption and the
headline numbers. Self-contained: inline CSS and SVG, no script, no font or image from the network.

Everything that comes from the data is escaped (see ``charts.esc``): a model id holding
``<script>`` shows as those characters, it never becomes an element.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

from orchestration.report import charts
from orchestration.report.charts import esc, fmt_int, fmt_number, fmt_share

POPULATION_LABELS = {"hub": "Hub", "leaderboard_v1": "Leaderboard v1", "leaderboard_v2": "Leaderboard v2"}
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


@dataclass
class ReportSummary:
    path: Path
    sections: int
    charts: int
    empty_marts: list[str]
    size_bytes: int


def _label(population: str) -> str:
    return POPULATION_LABELS.get(population, population)


def _populations(frame: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    present = list(frame["population"].unique()) if len(frame) else []
    ordered = [p for p in POPULATION_ORDER if p in present] + sorted(p for p in present if p not in POPULATION_ORDER)
    return [(p, frame[frame["population"] == p]) for p in ordered]


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(value).date()


def _num(value) -> float | None:
    if value is None:
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


# ---------------------------------------------------------------- one function per mart

def summary_section(frame: pd.DataFrame) -> Section:
    s = Section("mart_ecosystem_summary", "The ecosystem at a glance",
                "How many models and authors, and how concentrated is production?")
    rows = []
    for population, part in _populations(frame):
        r = part.iloc[0]
        s.headlines += [(f"{_label(population)}: models", fmt_int(r["n_models"])),
                        (f"{_label(population)}: authors", fmt_int(r["n_authors"]))]
        rows += [(f"{_label(population)} · top 10 authors", _num(r["top10_share"])),
                 (f"{_label(population)} · top 200 authors", _num(r["top200_share"])),
                 (f"{_label(population)} · top \u221aN authors (Price)", _num(r["price_sqrt_n_share"])),
                 (f"{_label(population)} · single-model authors", _num(r["single_model_author_share"]))]
    if rows:
        palette = [charts.colour(i // 4) for i in range(len(rows))]
        s.add("Shares of all models", charts.bar_chart(rows, title="Share of models by author group",
                                                        x_label="share of the population's models",
                                                        fmt=fmt_share, colours=palette, label_width=300))
    s.caption = ("Share of each population's models made by its 10 and 200 most prolific authors, by the top "
                 "\u221aN authors (Price's law predicts about half), and the share of authors with one model.")
    return s


def daily_activity_section(frame: pd.DataFrame) -> Section:
    s = Section("mart_daily_activity", "Growth of models and authors",
                "How fast do users and new authors arrive?")
    series = {}
    for population, part in _populations(frame):
        part = part.sort_values("activity_date")
        points = [(_as_date(d), _num(v)) for d, v in zip(part["activity_date"], part["cumulative_models"])]
        authors = [(_as_date(d), _num(v)) for d, v in zip(part["activity_date"], part["cumulative_authors"])]
        series[f"{_label(population)} models"] = charts.thin_out(points)
        series[f"{_label(population)} authors"] = charts.thin_out(authors)
        last = part.iloc[-1]
        busiest = part.loc[part["new_models"].idxmax()]
        s.headlines += [(f"{_label(population)}: dated models by {_as_date(last['activity_date'])}",
                         fmt_int(last["cumulative_models"])),
                        (f"{_label(population)}: busiest day",
                         f"{_as_date(busiest['activity_date'])} ({fmt_int(busiest['new_models'])} new models)")]
    if series:
        s.add("Cumulative models and authors", charts.line_chart(
            series, title="Cumulative models and authors over time", x_label="date",
            y_label="cumulative count (log scale)", y_log=True), list(series))
    s.caption = ("Models and distinct authors seen so far, by day of release (log scale); models without a "
                 "known release date are not counted here.")
    return s


def author_concentration_section(frame: pd.DataFrame) -> Section:
    s = Section("mart_author_concentration", "Author concentration",
                "How concentrated is production among authors?")
    series = {}
    for population, part in _populations(frame):
        part = part.sort_values("author_rank")
        points = [(int(r), _num(c)) for r, c in zip(part["author_rank"], part["cumulative_share"])]
        series[_label(population)] = charts.log_thin_out(points)
        top = part.iloc[0]
        s.headlines.append((f"{_label(population)}: most prolific author",
                            f"{top['author']} ({fmt_int(top['n_models'])} models, {fmt_share(top['model_share'])})"))
    if series:
        s.add("Cumulative share by author rank", charts.line_chart(
            series, title="Cumulative share of models by author rank", dates=False, x_log=True,
            x_label="author rank (1 = most models, log scale)", y_label="cumulative share of models",
            y_fmt=fmt_share, y_fixed=(0.0, 1.0)), list(series))
    s.caption = ("Share of all models made by the top-k authors, for every k: the steeper the start, the more "
                 "concentrated the population.")
    return s


def _stacked(s: Section, frame: pd.DataFrame, time_col: str, cat_col: str, share_col: str, what: str) -> None:
    for population, part in _populations(frame):
        wide = part.pivot_table(index=time_col, columns=cat_col, values=share_col, aggfunc="sum").fillna(0.0)
        # periods without a new model have no mix to show: leave them out rather than draw a gap
        wide = wide.loc[wide.sum(axis=1) > 0].sort_index()
        order = list(part.groupby(cat_col)["new_models"].sum().sort_values(ascending=False).index)
        xs = [_as_date(t) for t in wide.index]
        layers = {str(c): [float(v) for v in wide[c]] for c in order if c in wide.columns}
        s.add(_label(population), charts.stacked_area_chart(
            xs, layers, title=f"{_label(population)}: {what}", x_label=time_col.replace("_", " "),
            y_label="share of new models"), list(layers))
        leader = order[0] if order else None
        if leader is not None:
            total = part["new_models"].sum()
            share = part.loc[part[cat_col] == leader, "new_models"].sum() / total if total else 0
            s.headlines.append((f"{_label(population)}: largest", f"{leader} ({fmt_share(share)} of new models)"))


def model_types_section(frame: pd.DataFrame) -> Section:
    s = Section("mart_model_types_monthly", "Model types over time",
                "How does the mix of pretrained, fine-tuned, chat and merged models shift?")
    _stacked(s, frame, "month", "model_type", "share_of_month", "share of new models by type, per month")
    s.caption = ("Each month's new models by type, as shares of that month (stacked to 100%); months without "
                 "a new model are left out.")
    return s


def architecture_section(frame: pd.DataFrame) -> Section:
    s = Section("mart_architecture_share_weekly", "Architectures over time",
                "Which architectures dominate, and how do new base models shift the mix?")
    _stacked(s, frame, "week_start", "architecture_family", "share_of_week",
             "share of new models by architecture family, per week")
    s.caption = ("Each week's new models by architecture family, as shares of that week; families under 5% "
                 "of all models are folded into 'other'.")
    return s


def base_model_popularity_section(frame: pd.DataFrame) -> Section:
    s = Section("mart_base_model_popularity", "Base-model popularity", "Which base models are built on most?")
    for population, part in _populations(frame):
        top = part.sort_values(["all_descendants", "base_model_id"], ascending=[False, True]).head(TOP_N)
        rows = [(f"{r.base_model_id} ({r.architecture_family})", _num(r.all_descendants)) for r in top.itertuples()]
        s.add(_label(population), charts.bar_chart(
            rows, title=f"{_label(population)}: base models with the most descendants",
            x_label="descendants (any depth)", label_width=320))
        if len(top):
            lead = top.iloc[0]
            s.headlines.append((f"{_label(population)}: most built on",
                                f"{lead['base_model_id']} ({fmt_int(lead['all_descendants'])} descendants, "
                                f"{fmt_int(lead['direct_derivatives'])} direct)"))
    s.caption = f"The {TOP_N} models with the most descendants (derivatives at any depth of the lineage)."
    return s


def license_section(frame: pd.DataFrame) -> Section:
    s = Section("mart_license_distribution", "Licences and what they permit",
                "Under which terms is the ecosystem released?")
    tables = []
    for population, part in _populations(frame):
        part = part.sort_values(["n_models", "license"], ascending=[False, True])
        rows = [(r.license, _num(r.model_share)) for r in part.head(12).itertuples()]
        s.add(_label(population), charts.bar_chart(rows, title=f"{_label(population)}: share of models by licence",
                                                   x_label="share of models", fmt=fmt_share))
        commercial = part.loc[part["commercial_use"].fillna(False).astype(bool), "model_share"].sum()
        s.headlines.append((f"{_label(population)}: commercial use allowed", fmt_share(commercial)))
        tables.append(_license_table(population, part))
    s.extra_html = "".join(tables)
    s.caption = ("Share of models under each declared licence (top 12), and in the tables what each licence "
                 "permits; 'unknown' means no licence was declared, which grants no rights by default.")
    return s


def _yes_no(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return '<td class="na">unmapped</td>'
    return '<td class="yes">yes</td>' if bool(value) else '<td class="no">no</td>'


def _license_table(population: str, part: pd.DataFrame, limit: int = 20) -> str:
    body = "".join(
        f"<tr><td>{esc(r.license)}</td><td class='num'>{fmt_int(r.n_models)}</td>"
        f"<td class='num'>{fmt_share(r.model_share)}</td>{_yes_no(r.commercial_use)}{_yes_no(r.academic_use)}"
        f"{_yes_no(r.personal_use)}<td>{esc(r.permissions_rationale if isinstance(r.permissions_rationale, str) else '')}</td></tr>"
        for r in part.head(limit).itertuples())
    more = f"<p class='note'>{len(part) - limit} more licences in the mart.</p>" if len(part) > limit else ""
    return (f"<details{' open' if population == 'hub' else ''}><summary>{esc(_label(population))}: licences and "
            f"permissions</summary><table class='data'><thead><tr><th>licence</th><th>models</th><th>share</th>"
            f"<th>commercial</th><th>academic</th><th>personal</th><th>why</th></tr></thead><tbody>{body}"
            f"</tbody></table>{more}</details>")


def performance_section(frame: pd.DataFrame) -> Section:
    s = Section("mart_performance_over_time", "Benchmark progress", "Is performance rising, and for which types?")
    for population, part in _populations(frame):
        series = {}
        for model_type, rows in part.sort_values("month").groupby("model_type", sort=True):
            series[str(model_type)] = [(_as_date(m), _num(v)) for m, v in zip(rows["month"], rows["best_score_to_date"])]
        s.add(_label(population), charts.line_chart(
            series, title=f"{_label(population)}: best average score to date by model type", x_label="month",
            y_label="best average score to date", step=True, y_zero=False), list(series))
        best = part.loc[part["max_score"].idxmax()] if len(part) else None
        if best is not None:
            s.headlines.append((f"{_label(population)}: best average score",
                                f"{best['max_score']:.1f} ({best['model_type']}, {_as_date(best['month']):%Y-%m})"))
    s.caption = ("The best average benchmark score reached so far by each model type, month by month. Scores "
                 "of the two leaderboard versions use different suites and are never compared.")
    return s


def _bucket_label(bucket: str) -> str:
    return "unknown size" if bucket == "unknown" else f"{bucket} B params"


def size_distribution_section(frame: pd.DataFrame) -> Section:
    s = Section("mart_size_distribution", "Model sizes", "Which sizes are built, and which model is best per size?")
    tables = []
    for population, part in _populations(frame):
        by_bucket = (part.groupby(["size_bucket_order", "size_bucket"], as_index=False)["n_models"].sum()
                     .sort_values("size_bucket_order"))
        rows = [(_bucket_label(r.size_bucket), _num(r.n_models)) for r in by_bucket.itertuples()]
        s.add(_label(population), charts.bar_chart(rows, title=f"{_label(population)}: models per size bucket",
                                                   x_label="models (log scale)", log=True, label_width=160))
        scored = part.dropna(subset=["best_avg_score"])
        if len(scored):
            best = (scored.sort_values(["best_avg_score", "best_model_id"], ascending=[False, True])
                    .groupby("size_bucket_order", as_index=False).head(1).sort_values("size_bucket_order"))
            body = "".join(f"<tr><td>{esc(r.size_bucket)}</td><td>{esc(r.best_model_id)}</td>"
                           f"<td>{esc(r.architecture_family)}</td><td class='num'>{r.best_avg_score:.2f}</td></tr>"
                           for r in best.itertuples())
            tables.append(f"<details><summary>{esc(_label(population))}: best model per size</summary>"
                          f"<table class='data'><thead><tr><th>size (B params)</th><th>best model</th><th>family</th>"
                          f"<th>average score</th></tr></thead><tbody>{body}</tbody></table></details>")
        known = by_bucket.loc[by_bucket["size_bucket"] != "unknown"]
        if len(known):
            mode = known.loc[known["n_models"].idxmax()]
            s.headlines.append((f"{_label(population)}: most common known size", f"{mode['size_bucket']} B params "
                                f"({fmt_int(mode['n_models'])} models)"))
    s.extra_html = "".join(tables)
    s.caption = "How many models fall in each parameter-count bucket (log scale), and the best-scoring model of each."
    return s


def downloads_section(frame: pd.DataFrame) -> Section:
    s = Section("mart_downloads_by_size", "Downloads by model size", "Do users download small or large models?")
    for population, part in _populations(frame):
        part = part.sort_values("size_bucket_order")
        rows = [(_bucket_label(r.size_bucket), _num(r.downloads)) for r in part.itertuples()]
        s.add(_label(population), charts.bar_chart(rows, title=f"{_label(population)}: downloads per size bucket",
                                                   x_label="downloads (log scale)", log=True, label_width=160))
        known = part.loc[part["size_bucket"] != "unknown"]
        if len(known) and known["downloads"].sum() > 0:
            top = known.loc[known["downloads"].idxmax()]
            s.headlines.append((f"{_label(population)}: most downloaded known size",
                                f"{top['size_bucket']} B params ({fmt_share(top['downloads_share'])} of downloads)"))
    s.caption = "Total downloads of the models in each size bucket, on a log scale."
    return s


def params_for_performance_section(frame: pd.DataFrame) -> Section:
    s = Section("mart_params_for_performance", "Parameters needed for a score",
                "How many parameters does a given score need, over time?")
    for population, part in _populations(frame):
        thresholds = sorted(part["score_threshold"].unique())
        shown = thresholds[:: -max(1, math.ceil(len(thresholds) / 6))][::-1]  # at most six, the highest included
        series = {}
        for threshold in shown:
            rows = part[part["score_threshold"] == threshold].sort_values("month")
            series[f"score \u2265 {fmt_number(threshold)}"] = [(_as_date(m), _num(p)) for m, p in
                                                               zip(rows["month"], rows["min_params_b"])]
        s.add(_label(population), charts.line_chart(
            series, title=f"{_label(population)}: smallest model reaching each score", x_label="month",
            y_label="billions of parameters (log scale)", y_log=True), list(series))
        if len(part):
            top = max(thresholds)
            last = part[part["score_threshold"] == top].sort_values("month").iloc[-1]
            s.headlines.append((f"{_label(population)}: smallest model scoring \u2265 {fmt_number(top)}",
                                f"{last['model_id']} ({fmt_number(last['min_params_b'])} B params)"))
    s.caption = ("For a few score thresholds, the parameter count of the smallest model reaching it by each "
                 "month (log scale): a falling line means the same score needs fewer parameters.")
    return s


def improvement_section(frame: pd.DataFrame) -> Section:
    s = Section("mart_base_model_improvement", "Community improvement on base models",
                "Which base models were improved most by the community?")
    for population, part in _populations(frame):
        top = part.dropna(subset=["improvement_pct"]).sort_values(
            ["improvement_pct", "base_model_id"], ascending=[False, True]).head(TOP_N)
        rows = [(str(r.base_model_id), _num(r.improvement_pct)) for r in top.itertuples()]
        s.add(_label(population), charts.bar_chart(
            rows, title=f"{_label(population)}: best derivative's gain over its base model",
            x_label="improvement over the base model's score (%)", label_width=320,
            fmt=charts.fmt_pct_change))
        if len(top):
            lead = top.iloc[0]
            s.headlines.append((f"{_label(population)}: most improved base", f"{lead['base_model_id']} "
                                f"({lead['improvement_pct']:+.1f}% by {lead['best_derivative_id']})"))
    s.caption = (f"The {TOP_N} base models whose best derivative (merges excluded) beats the base's own score "
                 "by the largest margin.")
    return s


def improvement_timeline_section(frame: pd.DataFrame, lines: int = 8) -> Section:
    s = Section("mart_improvement_timeline", "How fast derivatives improve",
                "How quickly do derivatives improve, normalised by how many there are?")
    for population, part in _populations(frame):
        final = part.sort_values("days_since_release").groupby("base_model_id").tail(1)
        chosen = final.sort_values(["derivatives_to_date", "base_model_id"], ascending=[False, True]).head(lines)
        series = {}
        for base in chosen["base_model_id"]:
            rows = part[part["base_model_id"] == base].sort_values("days_since_release")
            series[str(base)] = [(int(d), _num(v)) for d, v in zip(rows["days_since_release"], rows["improvement_pct"])]
        s.add(_label(population), charts.line_chart(
            series, title=f"{_label(population)}: improvement over time for the most derived base models",
            dates=False, x_label="days since the base model's release", y_label="improvement to date (%)",
            step=True, y_fmt=lambda v: f"{v:.0f}%"), list(series))
        if len(part):
            median_days = part.loc[part["improvement_pct"] > 0].groupby("base_model_id")["days_since_release"].min()
            if len(median_days):
                s.headlines.append((f"{_label(population)}: median days to the first gain",
                                    f"{median_days.median():.0f} days ({len(median_days)} base models)"))
    s.caption = (f"Improvement of the best derivative to date over its base model, by days since the base's "
                 f"release, for the {lines} base models with the most scored derivatives.")
    return s


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


def render_report(frames: dict[str, pd.DataFrame], *, generated_at: datetime | None = None,
                  source: str = "") -> tuple[str, list[Section]]:
    """The whole page for the given mart frames (missing marts count as empty)."""
    generated_at = generated_at or datetime.now(timezone.utc)
    sections, parts = [], []
    for mart, build in SECTIONS:
        frame = frames.get(mart)
        frame = frame if frame is not None else pd.DataFrame(columns=["population"])
        section = build(frame) if len(frame) else Section(mart, mart, "")
        sections.append(section)
        parts.append(render_section(section, len(frame)))
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


def read_marts(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    present = {t for (t,) in con.execute(
        "select table_name from information_schema.tables where table_schema = 'marts'").fetchall()}
    return {mart: con.execute(f'select * from marts."{mart}"').df() for mart in MARTS if mart in present}


def write_report(con: duckdb.DuckDBPyConnection, path: Path, *, source: str = "") -> ReportSummary:
    """Render the report from the marts and write it atomically (a reader never sees half a file)."""
    frames = read_marts(con)
    page, sections = render_report(frames, source=source)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(page, encoding="utf-8")
    partial.replace(path)
    empty = [s.mart for s in sections if not s.figures]
    return ReportSummary(path=path, sections=len(sections), charts=sum(len(s.figures) for s in sections),
                         empty_marts=empty, size_bytes=path.stat().st_size)
