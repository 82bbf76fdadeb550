"""Report sections on the Hub over time: concentration of use, families, rising models, licence drift."""

from __future__ import annotations

import pandas as pd

from orchestration.report import charts
from orchestration.report.charts import esc, fmt_int, fmt_number, fmt_share
from orchestration.report.section import TOP_N, Section, as_date, number

DRIFT_ORDER = ["same", "more_permissive", "more_restrictive", "changed", "added", "dropped"]


def _table(headers: list[str], rows: list[list[str]], numeric: set[int]) -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td class='num'>{esc(v)}</td>" if i in numeric else f"<td>{esc(v)}</td>"
                                    for i, v in enumerate(row)) + "</tr>" for row in rows)
    return f"<table class='data'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _latest(frame: pd.DataFrame, column: str) -> tuple[object, pd.DataFrame]:
    last = frame[column].max()
    return last, frame[frame[column] == last]


def concentration_section(frame: pd.DataFrame) -> Section:
    s = Section("mart_download_concentration", "Concentration of use",
                "How concentrated is adoption, and is it getting more so?")
    series = {}
    for grouping, part in frame.sort_values("snapshot_date").groupby("grouping", sort=True):
        for measure in ("gini", "hhi"):
            series[f"{grouping}: {measure.upper() if measure == 'hhi' else 'Gini'}"] = charts.thin_out(
                [(as_date(d), number(v)) for d, v in zip(part["snapshot_date"], part[measure])])
    s.add("Gini and HHI of 30-day downloads over time", charts.line_chart(
        series, title="Concentration of downloads by author and by family", x_label="snapshot date",
        y_label="index (0..1)", y_fmt=lambda v: f"{v:.2f}", y_fixed=(0.0, 1.0)), list(series))
    day, latest = _latest(frame, "snapshot_date")
    for row in latest.sort_values("grouping").itertuples():
        s.headlines.append((f"{row.grouping}s, {as_date(day)}",
                            f"Gini {number(row.gini) or 0:.3f}, HHI {number(row.hhi) or 0:.4f}, "
                            f"top 10: {fmt_share(row.top10_share)}"))
    if len(latest):
        s.headlines.append(("top 0.01% of models", f"{fmt_share(latest.iloc[0]['top_0_01pct_models_share'])} "
                                                   "of downloads"))
    s.caption = ("Inequality of 30-day downloads between authors and between families (a root model and its "
                 "descendants), every day of the adoption history: Gini over every group (0 = equal, 1 = one "
                 "group has all), HHI the sum of squared shares (1/n for equal groups, 1 for one).")
    return s


def family_section(frame: pd.DataFrame) -> Section:
    s = Section("mart_family_adoption", "Families and their derivatives",
                "Which families are used most, and how much of their use goes to derivatives?")
    day, latest = _latest(frame, "snapshot_date")
    largest = latest.sort_values(["family_downloads", "root_model_id"], ascending=[False, True]).head(TOP_N)
    rows = [(f"{r.root_model_id} ({fmt_number(r.family_downloads)})", number(r.derivative_download_share))
            for r in largest.itertuples()]
    s.add(f"The {len(rows)} most downloaded families on {as_date(day)}", charts.bar_chart(
        rows, title="Share of each family's downloads going to derivatives", x_label="share of the family's downloads",
        fmt=fmt_share))
    total = latest["family_downloads"].sum()
    derived = (latest["family_downloads"] - latest["root_downloads"]).sum()
    s.headlines.append(("families with descendants", fmt_int(len(latest))))
    s.headlines.append(("their downloads going to derivatives", fmt_share(derived / total) if total else "n/a"))
    conflicted = latest[latest["license_conflicts"] > 0].sort_values(
        ["license_conflicts", "family_downloads"], ascending=[False, False]).head(10)
    if len(conflicted):
        s.extra_html = ("<p class='note'>Families with the most licence conflicts (descendants claiming "
                        "commercial use their parent or an ancestor forbids):</p>" + _table(
                            ["root model", "conflicting descendants", "descendants", "family downloads"],
                            [[r.root_model_id, fmt_int(r.license_conflicts), fmt_int(r.n_descendants),
                              fmt_number(r.family_downloads)] for r in conflicted.itertuples()], {1, 2, 3}))
    s.caption = ("For the most downloaded families (label: their 30-day downloads), the share going to "
                 "fine-tunes, quantizations, adapters and merges rather than to the root model itself.")
    return s


def trends_section(frame: pd.DataFrame) -> Section:
    """``frame``: the latest week's top rows of mart_adoption_trends, as build.READERS reads them."""
    s = Section("mart_adoption_trends", "Rising models", "Which models and families are rising?")
    week, latest = _latest(frame, "week_start")
    risers = latest[latest["downloads_change"].notna()].sort_values("growth_rank").head(TOP_N)
    if len(risers):
        s.add(f"Largest rise in 30-day downloads, week of {as_date(week)}", charts.bar_chart(
            [(r.model_id, number(r.downloads_change)) for r in risers.itertuples()],
            title="Rise in 30-day downloads since the previous week", x_label="change in 30-day downloads"))
        s.extra_html = _table(
            ["rank", "model", "family root", "downloads", "change", "likes", "change"],
            [[fmt_int(r.growth_rank), r.model_id, r.root_model_id, fmt_number(r.downloads),
              f"{int(r.downloads_change):+,}", fmt_int(r.likes),
              f"{int(r.likes_change):+,}" if pd.notna(r.likes_change) else "n/a"] for r in risers.itertuples()],
            {0, 3, 4, 5, 6})
    else:
        top = latest.sort_values(["downloads", "model_id"], ascending=[False, True]).head(TOP_N)
        s.add(f"Most downloaded models, week of {as_date(week)}", charts.bar_chart(
            [(r.model_id, number(r.downloads)) for r in top.itertuples()],
            title="30-day downloads (no earlier week to compare with yet)", x_label="30-day downloads"))
        s.extra_html = (f"<p class='note'>Week of {esc(as_date(week))}: no earlier week to compare with yet "
                        "(rises need snapshots in two weeks), so the chart shows the most downloaded models.</p>")
    s.headlines.append(("weeks in the history", fmt_int(frame["n_weeks"].iloc[0])))
    s.headlines.append((f"models listed, week of {as_date(week)}", fmt_int(frame["n_models_in_week"].iloc[0])))
    s.caption = ("Models whose 30-day downloads rose most since the previous week, at the week's last snapshot.")
    return s


def drift_section(frame: pd.DataFrame) -> Section:
    s = Section("mart_license_drift", "Licence drift along lineage",
                "Do licences change along lineage, and how often does a derivative claim rights its base "
                "does not grant?")
    by_relation = frame.groupby(["relation", "drift"])["n_edges"].sum().unstack(fill_value=0)
    totals = by_relation.sum(axis=1).sort_values(ascending=False)
    rows = [(f"{relation} ({fmt_int(totals[relation])})",
             {d: by_relation.loc[relation].get(d, 0) / totals[relation] for d in DRIFT_ORDER})
            for relation in totals.index]
    s.add("Edges by relation and drift", charts.stacked_bar_chart(
        rows, DRIFT_ORDER, title="How the child's licence compares with its parent's",
        x_label="share of the relation's edges"), DRIFT_ORDER)
    edges, conflicts = int(frame["n_edges"].sum()), int(frame["conflict_edges"].sum())
    changed = int(frame.loc[frame["drift"] != "same", "n_edges"].sum())
    s.headlines.append(("lineage edges", fmt_int(edges)))
    s.headlines.append(("licence differs from the parent's", fmt_share(changed / edges) if edges else "n/a"))
    s.headlines.append(("conflicts (commercial use claimed, forbidden upstream)", fmt_int(conflicts)))
    s.caption = ("Every parent edge by its relation (label: number of edges), split by how the child's "
                 "licence compares with its parent's; the families with the most conflicts are listed under "
                 "'Families and their derivatives'.")
    return s
