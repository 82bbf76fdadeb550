"""Report sections on the ecosystem: growth, concentration, types, architectures, base models, licences."""

from __future__ import annotations

import math

import pandas as pd

from orchestration.report import charts
from orchestration.report.charts import esc, fmt_int, fmt_share
from orchestration.report.section import (
    TOP_N,
    Section,
    as_date,
    by_population,
    number,
    population_label,
)


def summary_section(frame: pd.DataFrame) -> Section:
    s = Section("mart_ecosystem_summary", "The ecosystem at a glance",
                "How many models and authors, and how concentrated is production?")
    rows = []
    for population, part in by_population(frame):
        r = part.iloc[0]
        s.headlines += [(f"{population_label(population)}: models", fmt_int(r["n_models"])),
                        (f"{population_label(population)}: authors", fmt_int(r["n_authors"]))]
        rows += [(f"{population_label(population)} · top 10 authors", number(r["top10_share"])),
                 (f"{population_label(population)} · top 200 authors", number(r["top200_share"])),
                 (f"{population_label(population)} · top \u221aN authors (Price)", number(r["price_sqrt_n_share"])),
                 (f"{population_label(population)} · single-model authors", number(r["single_model_author_share"]))]
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
    for population, part in by_population(frame):
        part = part.sort_values("activity_date")
        points = [(as_date(d), number(v)) for d, v in zip(part["activity_date"], part["cumulative_models"])]
        authors = [(as_date(d), number(v)) for d, v in zip(part["activity_date"], part["cumulative_authors"])]
        series[f"{population_label(population)} models"] = charts.thin_out(points)
        series[f"{population_label(population)} authors"] = charts.thin_out(authors)
        last = part.iloc[-1]
        busiest = part.loc[part["new_models"].idxmax()]
        s.headlines += [(f"{population_label(population)}: dated models by {as_date(last['activity_date'])}",
                         fmt_int(last["cumulative_models"])),
                        (f"{population_label(population)}: busiest day",
                         f"{as_date(busiest['activity_date'])} ({fmt_int(busiest['new_models'])} new models)")]
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
    for population, part in by_population(frame):
        part = part.sort_values("author_rank")
        points = [(int(r), number(c)) for r, c in zip(part["author_rank"], part["cumulative_share"])]
        series[population_label(population)] = charts.log_thin_out(points)
        top = part.iloc[0]
        s.headlines.append((f"{population_label(population)}: most prolific author",
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
    for population, part in by_population(frame):
        wide = part.pivot_table(index=time_col, columns=cat_col, values=share_col, aggfunc="sum").fillna(0.0)
        # periods without a new model have no mix to show: leave them out rather than draw a gap
        wide = wide.loc[wide.sum(axis=1) > 0].sort_index()
        order = list(part.groupby(cat_col)["new_models"].sum().sort_values(ascending=False).index)
        xs = [as_date(t) for t in wide.index]
        layers = {str(c): [float(v) for v in wide[c]] for c in order if c in wide.columns}
        s.add(population_label(population), charts.stacked_area_chart(
            xs, layers, title=f"{population_label(population)}: {what}", x_label=time_col.replace("_", " "),
            y_label="share of new models"), list(layers))
        leader = order[0] if order else None
        if leader is not None:
            total = part["new_models"].sum()
            share = part.loc[part[cat_col] == leader, "new_models"].sum() / total if total else 0
            s.headlines.append((f"{population_label(population)}: largest", f"{leader} ({fmt_share(share)} of new models)"))


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
    for population, part in by_population(frame):
        top = part.sort_values(["all_descendants", "base_model_id"], ascending=[False, True]).head(TOP_N)
        rows = [(f"{r.base_model_id} ({r.architecture_family})", number(r.all_descendants)) for r in top.itertuples()]
        s.add(population_label(population), charts.bar_chart(
            rows, title=f"{population_label(population)}: base models with the most descendants",
            x_label="descendants (any depth)", label_width=320))
        if len(top):
            lead = top.iloc[0]
            s.headlines.append((f"{population_label(population)}: most built on",
                                f"{lead['base_model_id']} ({fmt_int(lead['all_descendants'])} descendants, "
                                f"{fmt_int(lead['direct_derivatives'])} direct)"))
    s.caption = f"The {TOP_N} models with the most descendants (derivatives at any depth of the lineage)."
    return s


def license_section(frame: pd.DataFrame) -> Section:
    s = Section("mart_license_distribution", "Licences and what they permit",
                "Under which terms is the ecosystem released?")
    tables = []
    for population, part in by_population(frame):
        part = part.sort_values(["n_models", "license"], ascending=[False, True])
        rows = [(r.license, number(r.model_share)) for r in part.head(12).itertuples()]
        s.add(population_label(population), charts.bar_chart(rows, title=f"{population_label(population)}: share of models by licence",
                                                   x_label="share of models", fmt=fmt_share))
        commercial = part.loc[part["commercial_use"].fillna(False).astype(bool), "model_share"].sum()
        s.headlines.append((f"{population_label(population)}: commercial use allowed", fmt_share(commercial)))
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
    return (f"<details{' open' if population == 'hub' else ''}><summary>{esc(population_label(population))}: licences and "
            f"permissions</summary><table class='data'><thead><tr><th>licence</th><th>models</th><th>share</th>"
            f"<th>commercial</th><th>academic</th><th>personal</th><th>why</th></tr></thead><tbody>{body}"
            f"</tbody></table>{more}</details>")
