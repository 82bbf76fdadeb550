"""Report sections on performance: benchmark progress, sizes, downloads, parameters for a score, improvement."""

from __future__ import annotations

import math

import pandas as pd

from orchestration.report import charts
from orchestration.report.charts import esc, fmt_int, fmt_number, fmt_share
from orchestration.report.section import (
    TOP_N,
    Section,
    as_date,
    by_population,
    by_series,
    number,
    population_label,
)


def performance_section(frame: pd.DataFrame) -> Section:
    s = Section("mart_performance_over_time", "Benchmark progress", "Is performance rising, and for which types?")
    for label, part in by_series(frame):
        series = {}
        for model_type, rows in part.sort_values("month").groupby("model_type", sort=True):
            series[str(model_type)] = [(as_date(m), number(v)) for m, v in zip(rows["month"], rows["best_score_to_date"])]
        s.add(label, charts.line_chart(
            series, title=f"{label}: best score to date by model type", x_label="month",
            y_label="best score to date", step=True, y_zero=False), list(series))
        lower_better = "higher_is_better" in part.columns and len(part) and not bool(part["higher_is_better"].iloc[0])
        best = (part.loc[part["max_score"].idxmin() if lower_better else part["max_score"].idxmax()]
                if len(part) else None)
        if best is not None:
            s.headlines.append((f"{label}: best score",
                                f"{best['max_score']:.1f} ({best['model_type']}, {as_date(best['month']):%Y-%m})"))
    s.caption = ("The best score reached so far by each model type, month by month (for the leaderboards, the "
                 "best average). Each leaderboard version and each benchmark task reported on the Hub is a series "
                 "of its own, never compared with another; for the Hub's evaluations, the task with the most "
                 "results is drawn.")
    return s


def _bucket_label(bucket: str) -> str:
    return "unknown size" if bucket == "unknown" else f"{bucket} B params"


def size_distribution_section(frame: pd.DataFrame) -> Section:
    s = Section("mart_size_distribution", "Model sizes", "Which sizes are built, and which model is best per size?")
    tables = []
    for population, part in by_population(frame):
        by_bucket = (part.groupby(["size_bucket_order", "size_bucket"], as_index=False)["n_models"].sum()
                     .sort_values("size_bucket_order"))
        rows = [(_bucket_label(r.size_bucket), number(r.n_models)) for r in by_bucket.itertuples()]
        s.add(population_label(population), charts.bar_chart(rows, title=f"{population_label(population)}: models per size bucket",
                                                   x_label="models (log scale)", log=True, label_width=160))
        scored = part.dropna(subset=["best_avg_score"])
        if len(scored):
            best = (scored.sort_values(["best_avg_score", "best_model_id"], ascending=[False, True])
                    .groupby("size_bucket_order", as_index=False).head(1).sort_values("size_bucket_order"))
            body = "".join(f"<tr><td>{esc(r.size_bucket)}</td><td>{esc(r.best_model_id)}</td>"
                           f"<td>{esc(r.architecture_family)}</td><td class='num'>{r.best_avg_score:.2f}</td></tr>"
                           for r in best.itertuples())
            tables.append(f"<details><summary>{esc(population_label(population))}: best model per size</summary>"
                          f"<table class='data'><thead><tr><th>size (B params)</th><th>best model</th><th>family</th>"
                          f"<th>average score</th></tr></thead><tbody>{body}</tbody></table></details>")
        known = by_bucket.loc[by_bucket["size_bucket"] != "unknown"]
        if len(known):
            mode = known.loc[known["n_models"].idxmax()]
            s.headlines.append((f"{population_label(population)}: most common known size", f"{mode['size_bucket']} B params "
                                f"({fmt_int(mode['n_models'])} models)"))
    s.extra_html = "".join(tables)
    s.caption = "How many models fall in each parameter-count bucket (log scale), and the best-scoring model of each."
    return s


def downloads_section(frame: pd.DataFrame) -> Section:
    s = Section("mart_downloads_by_size", "Downloads by model size", "Do users download small or large models?")
    for population, part in by_population(frame):
        part = part.sort_values("size_bucket_order")
        rows = [(_bucket_label(r.size_bucket), number(r.downloads)) for r in part.itertuples()]
        s.add(population_label(population), charts.bar_chart(rows, title=f"{population_label(population)}: downloads per size bucket",
                                                   x_label="downloads (log scale)", log=True, label_width=160))
        known = part.loc[part["size_bucket"] != "unknown"]
        if len(known) and known["downloads"].sum() > 0:
            top = known.loc[known["downloads"].idxmax()]
            s.headlines.append((f"{population_label(population)}: most downloaded known size",
                                f"{top['size_bucket']} B params ({fmt_share(top['downloads_share'])} of downloads)"))
    s.caption = "Total downloads of the models in each size bucket, on a log scale."
    return s


def params_for_performance_section(frame: pd.DataFrame) -> Section:
    s = Section("mart_params_for_performance", "Parameters needed for a score",
                "How many parameters does a given score need, over time?")
    for label, part in by_series(frame):
        thresholds = sorted(part["score_threshold"].unique())
        shown = thresholds[:: -max(1, math.ceil(len(thresholds) / 6))][::-1]  # at most six, the highest included
        series = {}
        for threshold in shown:
            rows = part[part["score_threshold"] == threshold].sort_values("month")
            series[f"score \u2265 {fmt_number(threshold)}"] = [(as_date(m), number(p)) for m, p in
                                                               zip(rows["month"], rows["min_params_b"])]
        s.add(label, charts.line_chart(
            series, title=f"{label}: smallest model reaching each score", x_label="month",
            y_label="billions of parameters (log scale)", y_log=True), list(series))
        if len(part):
            top = max(thresholds)
            last = part[part["score_threshold"] == top].sort_values("month").iloc[-1]
            s.headlines.append((f"{label}: smallest model scoring \u2265 {fmt_number(top)}",
                                f"{last['model_id']} ({fmt_number(last['min_params_b'])} B params)"))
    s.caption = ("For a few score thresholds, the parameter count of the smallest model reaching it by each "
                 "month (log scale): a falling line means the same score needs fewer parameters.")
    return s


def improvement_section(frame: pd.DataFrame) -> Section:
    s = Section("mart_base_model_improvement", "Community improvement on base models",
                "Which base models were improved most by the community?")
    for label, part in by_series(frame):
        top = part.dropna(subset=["improvement_pct"]).sort_values(
            ["improvement_pct", "base_model_id"], ascending=[False, True]).head(TOP_N)
        rows = [(str(r.base_model_id), number(r.improvement_pct)) for r in top.itertuples()]
        s.add(label, charts.bar_chart(
            rows, title=f"{label}: best derivative's gain over its base model",
            x_label="improvement over the base model's score (%)", label_width=320,
            fmt=charts.fmt_pct_change))
        if len(top):
            lead = top.iloc[0]
            s.headlines.append((f"{label}: most improved base", f"{lead['base_model_id']} "
                                f"({lead['improvement_pct']:+.1f}% by {lead['best_derivative_id']})"))
    s.caption = (f"The {TOP_N} base models whose best derivative (merges excluded) beats the base's own score "
                 "by the largest margin.")
    return s


def improvement_timeline_section(frame: pd.DataFrame, lines: int = 8) -> Section:
    s = Section("mart_improvement_timeline", "How fast derivatives improve",
                "How quickly do derivatives improve, normalised by how many there are?")
    for label, part in by_series(frame):
        final = part.sort_values("days_since_release").groupby("base_model_id").tail(1)
        chosen = final.sort_values(["derivatives_to_date", "base_model_id"], ascending=[False, True]).head(lines)
        series = {}
        for base in chosen["base_model_id"]:
            rows = part[part["base_model_id"] == base].sort_values("days_since_release")
            series[str(base)] = [(int(d), number(v)) for d, v in zip(rows["days_since_release"], rows["improvement_pct"])]
        s.add(label, charts.line_chart(
            series, title=f"{label}: improvement over time for the most derived base models",
            dates=False, x_label="days since the base model's release", y_label="improvement to date (%)",
            step=True, y_fmt=lambda v: f"{v:.0f}%"), list(series))
        if len(part):
            median_days = part.loc[part["improvement_pct"] > 0].groupby("base_model_id")["days_since_release"].min()
            if len(median_days):
                s.headlines.append((f"{label}: median days to the first gain",
                                    f"{median_days.median():.0f} days ({len(median_days)} base models)"))
    s.caption = (f"Improvement of the best derivative to date over its base model, by days since the base's "
                 f"release, for the {lines} base models with the most scored derivatives.")
    return s


def benchmark_coverage_section(frame: pd.DataFrame) -> Section:
    s = Section("mart_benchmark_coverage", "Evaluations reported on the Hub",
                "Which benchmarks does the ecosystem report, from which sources, how often verified?")
    tables = []
    for population, part in by_population(frame):
        totals = (part.groupby(["benchmark", "task", "source"], as_index=False)
                  .agg(results=("n_new_results", "sum"), verified=("verified_share", "mean"))
                  .sort_values(["results", "benchmark", "task"], ascending=[False, True, True]))
        rows = [(f"{r.benchmark} : {r.task} ({r.source})", number(r.results)) for r in totals.head(TOP_N).itertuples()]
        s.add(population_label(population), charts.bar_chart(
            rows, title=f"{population_label(population)}: results per benchmark task", x_label="results (log scale)",
            log=True, label_width=360))
        # the best to date of each benchmark task, on its own scale (never compared across tasks)
        best = part.sort_values("month").groupby(["benchmark", "task", "source"], as_index=False).tail(1)
        best = best.sort_values(["benchmark", "task", "source"])
        body = "".join(
            f"<tr><td>{esc(r.benchmark)}</td><td>{esc(r.task)}</td><td>{esc(r.source)}</td>"
            f"<td class='num'>{fmt_number(r.best_value)}</td><td>{'higher' if r.higher_is_better else 'lower'}</td>"
            f"<td>{esc(r.best_model_id)}</td><td class='num'>{fmt_int(r.n_models_evaluated)}</td></tr>"
            for r in best.head(60).itertuples())
        tables.append(f"<details><summary>{esc(population_label(population))}: best score to date per benchmark task"
                      f"</summary><table class='data'><thead><tr><th>benchmark</th><th>task</th><th>source</th>"
                      f"<th>best to date</th><th>better is</th><th>model</th><th>models evaluated</th></tr></thead>"
                      f"<tbody>{body}</tbody></table></details>")
        if len(totals):
            share = (part["verified_share"] * part["n_new_results"]).sum() / max(part["n_new_results"].sum(), 1)
            s.headlines.append((f"{population_label(population)}: benchmark tasks reported",
                                f"{fmt_int(len(totals))} ({fmt_share(share)} of results verified)"))
    s.extra_html = "".join(tables)
    s.caption = ("How many results each benchmark task has, by source (log scale), and the best score to date of "
                 "each, on that task's own scale: scores of different benchmarks or tasks are never compared.")
    return s
