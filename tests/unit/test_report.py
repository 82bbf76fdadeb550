"""The report renderer and its charts: escaping, axes, one section per mart, read from the marts as it reads them."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

import duckdb
import pandas as pd
import pytest

from orchestration.report import charts
from orchestration.report.section import TOP_N
from orchestration.report.build import MARTS, READERS, read_marts, render_report, write_report

HOSTILE_ID = "mallory/<script>alert(1)"
HOSTILE_LICENSE = '<img src=x onerror="alert(2)">'


class Elements(HTMLParser):
    """Every element the page really contains, as a browser's tokenizer sees it."""

    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def parse(page: str) -> Elements:
    parser = Elements()
    parser.feed(page)
    return parser


def frames(model_id: str = "meta-llama/Llama-3.1-8B", license_id: str = "apache-2.0") -> dict[str, pd.DataFrame]:
    """A tiny but complete set of marts, in the marts' shapes."""
    days = pd.to_datetime(["2024-01-01", "2024-01-02", "2024-02-05"])
    months = pd.to_datetime(["2024-01-01", "2024-02-01"])
    return {
        "mart_ecosystem_summary": pd.DataFrame({
            "population": ["hub", "leaderboard_v2"], "n_models": [100, 40], "n_authors": [20, 10],
            "top10_share": [0.6, 0.8], "top200_share": [1.0, 1.0], "price_sqrt_n_share": [0.5, 0.4],
            "single_model_author_share": [0.3, 0.2]}),
        "mart_daily_activity": pd.DataFrame({
            "population": ["hub"] * 3, "activity_date": days, "new_models": [5, 3, 2], "new_authors": [2, 1, 0],
            "active_authors": [2, 2, 1], "cumulative_models": [5, 8, 10], "cumulative_authors": [2, 3, 3]}),
        "mart_author_concentration": pd.DataFrame({
            "population": ["hub"] * 3, "author": ["a", "b", "c"], "author_rank": [1, 2, 3], "n_models": [5, 3, 2],
            "model_share": [0.5, 0.3, 0.2], "cumulative_share": [0.5, 0.8, 1.0]}),
        "mart_model_types_monthly": pd.DataFrame({
            "population": ["hub"] * 4, "month": list(months) * 2, "model_type": ["chat", "chat", "merge", "merge"],
            "new_models": [3, 0, 1, 0], "cumulative_models": [3, 3, 1, 1], "share_of_month": [0.75, 0.0, 0.25, 0.0]}),
        "mart_architecture_share_weekly": pd.DataFrame({
            "population": ["hub"] * 2, "week_start": pd.to_datetime(["2024-01-01", "2024-01-08"]),
            "architecture_family": ["llama", "llama"], "new_models": [2, 1], "share_of_week": [1.0, 1.0]}),
        "mart_base_model_popularity": pd.DataFrame({
            "population": ["hub", "hub"], "base_model_id": [model_id, "other/base"],
            "architecture_family": ["llama", "qwen2"], "direct_derivatives": [7, 2], "all_descendants": [9, 2],
            "popularity_rank": [1, 2]}),
        "mart_license_distribution": pd.DataFrame({
            "population": ["hub", "hub"], "license": [license_id, "unknown"], "n_models": [60, 40],
            "model_share": [0.6, 0.4], "commercial_use": [None, False], "academic_use": [None, False],
            "personal_use": [None, False], "permissions_rationale": [None, "No licence declared."]}),
        "mart_performance_over_time": pd.DataFrame({
            "population": ["leaderboard_v2"] * 2, "month": months, "model_type": ["chat", "chat"],
            "avg_score": [20.0, 25.0], "max_score": [30.0, 35.0], "n_models": [3, 4], "cumulative_models": [3, 7],
            "best_score_to_date": [30.0, 35.0]}),
        "mart_size_distribution": pd.DataFrame({
            "population": ["leaderboard_v2"] * 2, "architecture_family": ["llama", "llama"],
            "size_bucket": ["7-9", "unknown"], "size_bucket_order": [4, 9], "n_models": [3, 1],
            "best_model_id": [model_id, None], "best_avg_score": [35.0, None]}),
        "mart_downloads_by_size": pd.DataFrame({
            "population": ["hub"] * 2, "size_bucket": ["7-9", "unknown"], "size_bucket_order": [4, 9],
            "n_models": [3, 97], "downloads": [1_000_000, 50], "downloads_share": [0.99995, 0.00005],
            "cumulative_downloads_share": [0.99995, 1.0]}),
        "mart_params_for_performance": pd.DataFrame({
            "population": ["leaderboard_v2"] * 2, "month": months, "score_threshold": [30, 30],
            "min_params_b": [8.0, 3.0], "model_id": [model_id, "small/one"]}),
        "mart_base_model_improvement": pd.DataFrame({
            "population": ["leaderboard_v2"], "base_model_id": [model_id], "base_score": [20.0],
            "best_derivative_id": ["x/y"], "best_derivative_score": [30.0], "improvement_pct": [50.0],
            "n_derivatives": [4]}),
        "mart_improvement_timeline": pd.DataFrame({
            "population": ["leaderboard_v2"] * 2, "base_model_id": [model_id] * 2, "days_since_release": [3, 40],
            "base_score": [20.0, 20.0], "best_score_to_date": [25.0, 30.0], "derivatives_to_date": [1, 4],
            "improvement_pct": [25.0, 50.0], "improvement_pct_per_log_derivatives": [36.0, 36.0]}),
        # the Hub over time: two snapshot days, two weeks
        "mart_download_concentration": pd.DataFrame({
            "population": ["hub"] * 4, "snapshot_date": pd.to_datetime(["2024-03-03", "2024-03-03", "2024-03-04",
                                                                        "2024-03-04"]),
            "grouping": ["author", "family"] * 2, "n_groups": [4, 2, 4, 2], "total_downloads": [100, 100, 120, 120],
            "hhi": [0.665, 0.905, 0.6, 0.9], "gini": [0.625, 0.45, 0.6, 0.44], "top10_share": [1.0] * 4,
            "top100_share": [1.0] * 4, "price_sqrt_n_share": [0.95, 1.0, 0.9, 1.0],
            "top_0_01pct_models_share": [0.6, 0.6, 0.5, 0.5]}),
        "mart_family_adoption": pd.DataFrame({
            "population": ["hub"], "snapshot_date": pd.to_datetime(["2024-03-04"]), "root_model_id": [model_id],
            "n_descendants": [3], "n_finetunes": [2], "n_quantizations": [1], "n_adapters": [0], "n_merges": [0],
            "n_unspecified": [0], "family_downloads": [95], "root_downloads": [60],
            "derivative_download_share": [35 / 95], "family_likes": [4], "license_conflicts": [1], "family_rank": [1]}),
        "mart_adoption_trends": pd.DataFrame({
            "population": ["hub"] * 3, "week_start": pd.to_datetime(["2024-02-26", "2024-03-04", "2024-03-04"]),
            "as_of_date": pd.to_datetime(["2024-03-03", "2024-03-04", "2024-03-04"]),
            "model_id": [model_id, model_id, "new/one"], "root_model_id": [model_id, model_id, "new/one"],
            "downloads": [60, 80, 5], "downloads_change": [None, 20, None], "downloads_all_time": [600, 610, 5],
            "likes": [1, 2, 0], "likes_change": [None, 1, None], "growth_rank": [1, 1, 2]}),
        "mart_license_drift": pd.DataFrame({
            "population": ["hub"] * 3, "month": pd.to_datetime(["2024-01-01"] * 3),
            "relation": ["finetune", "finetune", "quantized"], "drift": ["same", "more_permissive", "dropped"],
            "n_edges": [3, 1, 2], "edge_share": [0.75, 0.25, 1.0], "conflict_edges": [0, 1, 0]}),
        "mart_benchmark_coverage": pd.DataFrame({
            "population": ["hub_evals", "hub_evals", "hub_evals", "leaderboard_v2"],
            "month": pd.to_datetime(["2026-01-01", "2026-02-01", "2026-01-01", "2024-06-01"]),
            "benchmark": ["Idavidrein/gpqa", "Idavidrein/gpqa", "hf-audio/open-asr-leaderboard",
                          "open_llm_leaderboard_v2"],
            "task": ["diamond", "diamond", "ami", "average"],
            "source": ["community_evals", "community_evals", "community_evals", "leaderboard_v2"],
            "n_models_evaluated": [2, 3, 1, 40], "n_new_results": [2, 1, 1, 40],
            "verified_share": [0.5, 0.0, 0.0, 1.0], "best_value": [0.61, 0.7, 12.5, 45.2],
            "best_model_id": [model_id, "org/other", model_id, model_id],
            "higher_is_better": [True, True, False, True]}),
    }


def warehouse(marts: dict[str, pd.DataFrame]) -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse holding these marts."""
    con = duckdb.connect()
    con.execute("create schema marts")
    for name, frame in marts.items():
        con.register("f", frame)
        con.execute(f"create table marts.{name} as select * from f")
        con.unregister("f")
    return con


def report(marts: dict[str, pd.DataFrame]):
    """The page and its sections for these marts, read as the report reads a warehouse."""
    frames, rows = read_marts(warehouse(marts))
    return render_report(frames, rows=rows)


def test_every_mart_has_a_section_with_a_chart():
    page, sections = report(frames())
    assert [s.mart for s in sections] == MARTS
    for section in sections:
        assert section.figures, f"{section.mart} drew no chart"
        assert section.caption and section.headlines, f"{section.mart} lacks a caption or headline numbers"
        assert f'id="{section.mart}"' in page
    assert page.count('<figure class="chart"') == sum(len(s.figures) for s in sections)


def test_text_from_the_data_is_escaped_everywhere():
    page, _ = report(frames(model_id=HOSTILE_ID, license_id=HOSTILE_LICENSE))
    parsed = parse(page)
    assert "script" not in parsed.tags and "img" not in parsed.tags
    assert "<script" not in page and "<img" not in page
    text = "".join(parsed.text)
    assert HOSTILE_ID in text  # shown as the characters it is made of
    assert HOSTILE_LICENSE in text
    assert "&lt;script&gt;alert(1)" in page


def test_the_page_loads_nothing_from_anywhere():
    page, _ = report(frames())
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert "@import" not in page and "url(" not in page
    assert "default-src 'none'" in page  # and the browser is told to refuse any load


def test_missing_marts_say_so_instead_of_drawing():
    page, sections = report({"mart_ecosystem_summary": frames()["mart_ecosystem_summary"]})
    assert sections[0].figures
    assert all(not s.figures for s in sections[1:])
    assert "No rows in mart_daily_activity yet" in page


def test_months_without_new_models_are_left_out_of_the_mix():
    page, sections = report(frames())
    types = next(s for s in sections if s.mart == "mart_model_types_monthly")
    # two months in the mart, one of them without any model: one column in the chart
    assert types.figures[0].count('class="mark area"') == 2
    assert "1 periods" in types.figures[0]


def test_write_report_is_atomic_and_reports_counts(tmp_path):
    con = warehouse(frames())
    path = tmp_path / "report" / "w.html"
    summary = write_report(con, path, source="w.duckdb")
    assert path.is_file() and not path.with_name("w.html.partial").exists()
    assert summary.sections == len(MARTS) and summary.empty_marts == []
    assert summary.charts == path.read_text().count('<figure class="chart"')


def test_the_sections_that_read_part_of_their_mart_draw_what_the_whole_mart_would_give():
    """READERS keep only the rows a section draws (at 2M models, 1M and 2M rows were read to draw 10): the page,
    row counts included, is the one the whole marts give when every row is drawn."""
    marts = frames()
    big = pd.DataFrame({
        "population": ["hub"] * 30 + ["leaderboard_v2"] * 3, "base_model_id": [f"org/base-{i:02d}" for i in range(33)],
        "architecture_family": ["llama"] * 33, "is_root": [True] * 33,
        "direct_derivatives": [1] * 33, "all_descendants": [30 - i % 7 for i in range(30)] + [5, 5, 2],
        "finetune_derivatives": [1] * 33, "adapter_derivatives": [0] * 33, "quantized_derivatives": [0] * 33,
        "merge_derivatives": [0] * 33, "unspecified_derivatives": [0] * 33})
    big["popularity_rank"] = big.sort_values(["all_descendants", "base_model_id"], ascending=[False, True]) \
        .groupby("population").cumcount().reindex(big.index) + 1
    marts["mart_base_model_popularity"] = big
    weeks = pd.to_datetime(["2024-02-19", "2024-02-26", "2024-03-04"])
    trends = pd.DataFrame([{"population": "hub", "week_start": w, "as_of_date": w, "model_id": f"org/m{i:02d}",
                            "root_model_id": f"org/m{i:02d}", "downloads": 100 + i * 7 % 13,
                            "downloads_change": None if k == 0 or i % 5 == 0 else (i * 11) % 17 - 3,
                            "downloads_all_time": 1000 + i, "likes": i, "likes_change": None}
                           for k, w in enumerate(weeks) for i in range(25)])
    trends["growth_rank"] = trends.assign(c=trends["downloads_change"].fillna(-1e9)) \
        .sort_values(["c", "downloads", "model_id"], ascending=[False, False, True]) \
        .groupby("week_start").cumcount().reindex(trends.index) + 1
    marts["mart_adoption_trends"] = trends
    con = warehouse(marts)
    frames_read, rows = read_marts(con)
    assert len(frames_read["mart_base_model_popularity"]) == TOP_N + 3
    assert len(frames_read["mart_adoption_trends"]) == TOP_N
    assert rows["mart_base_model_popularity"] == 33 and rows["mart_adoption_trends"] == 75
    page, _ = render_report(frames_read, rows=rows, generated_at=pd.Timestamp("2026-01-01"))
    whole = {mart: con.execute(f"select * from marts.{mart}").df() for mart in MARTS}
    whole["mart_adoption_trends"] = con.execute(READERS["mart_adoption_trends"].replace(
        f"where t.growth_rank <= {TOP_N}", "where true")).df()
    whole_page, _ = render_report(whole, generated_at=pd.Timestamp("2026-01-01"))
    assert page == whole_page.replace('data-rows="25"', 'data-rows="75"').replace("(25 rows)", "(75 rows)")
    assert "org/base-00" in page and "Largest rise in 30-day downloads, week of 2024-03-04" in page


@pytest.mark.parametrize("lo, hi", [(0, 1), (3, 97), (-12.5, 40), (0.001, 0.004), (1, 1)])
def test_nice_ticks_cover_the_range(lo, hi):
    ticks = charts.nice_ticks(lo, hi)
    assert ticks[0] <= lo and ticks[-1] >= hi
    assert 2 <= len(ticks) <= 12
    steps = {round(b - a, 9) for a, b in zip(ticks, ticks[1:])}
    assert len(steps) == 1


def test_log_axis_spans_powers_of_ten():
    axis = charts.Axis([3, 45_000], 0, 100, log=True)
    assert [v for v, _ in axis.ticks] == [1, 10, 100, 1000, 10_000, 100_000]
    assert axis(1) == 0 and axis(100_000) == 100
    assert axis(1000) == pytest.approx(60)


def test_date_ticks_are_years_for_long_spans_and_months_for_short():
    long = charts.date_ticks(date(2022, 3, 1).toordinal(), date(2025, 2, 1).toordinal())
    assert [label for _, label in long] == ["2023", "2024", "2025"]
    short = charts.date_ticks(date(2024, 1, 10).toordinal(), date(2024, 6, 20).toordinal())
    assert [label for _, label in short] == ["2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]


def test_formats():
    assert charts.fmt_number(1_234_567) == "1.23M"
    assert charts.fmt_number(950) == "950"
    assert charts.fmt_share(0.4234) == "42%"
    assert charts.fmt_share(0.031) == "3.1%"
    assert charts.fmt_share(0.00005) == "0.005%"
    assert charts.fmt_pct_change(265.3) == "+265%" and charts.fmt_pct_change(-4) == "-4.0%"
    assert charts.esc('<a href="x">') == "&lt;a href=&quot;x&quot;&gt;"


def test_a_log_bar_chart_keeps_every_bar_visible():
    svg = charts.bar_chart([("big", 1e6), ("tiny", 50), ("none", 0)], title="t", x_label="x", log=True)
    widths = [float(w) for w in re.findall(r'class="mark bar" x="[\d.]+" y="[\d.]+" width="([\d.]+)"', svg)]
    assert len(widths) == 3 and widths[0] > widths[1] > 0 and widths[2] >= 1
