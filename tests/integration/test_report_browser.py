"""The report after a real pipeline run, opened in headless Chromium: every chart renders, nothing is
fetched, no console error, and a model id holding <script> from the input shows as text. Also the
asset pages: every mart's materialization carries its row count, column schema and a preview."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections import Counter
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.support.lineage import declared_parents
from ingestion.standin.synthetic import write_hub_dump, write_leaderboard_archive
from orchestration.report.build import MARTS
from tests.conftest import ROOT, build_once, run_cli
from tests.integration.test_pipeline import run_demo

pytestmark = pytest.mark.integration

ARTIFACTS = ROOT / "test-artifacts"
HOSTILE_NAME = "<script>alert(1)"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Flags for a root user in a container, with every background connection of the browser turned off.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-default-apps", "--disable-extensions"]


def chromium_executable() -> str:
    """The browser to test in: $OBSERVATORY_CHROMIUM, else Chromium on the PATH. Outside CI a missing
    browser skips the test (with how to get one); where the browser is required it fails."""
    path = os.environ.get("OBSERVATORY_CHROMIUM") or next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)
    if path:
        return path
    reason = ("no Chromium found (install Debian's `chromium` package, or set OBSERVATORY_CHROMIUM); "
              "`.ci/run` installs it")
    if os.environ.get("OBSERVATORY_BROWSER_REQUIRED"):
        pytest.fail(reason)
    pytest.skip(reason)


def rename_model(source: Path, old: str, new: str) -> int:
    """Rename a model id everywhere the inputs mention it (its record, its children's lineage tags and
    cards, the leaderboard dataset and the archived exports). Returns the number of files changed."""
    pattern = re.compile(r"(?<![\w.\-/])" + re.escape(old) + r"(?![\w.\-])")
    changed = 0
    for path in sorted(source.rglob("*")):
        if path.suffix in (".jsonl", ".csv"):
            text = path.read_text(encoding="utf-8")
            updated = pattern.sub(new, text)
        elif path.suffix == ".parquet":
            frame = pd.read_parquet(path)
            text_columns = [c for c in frame.columns if frame[c].dtype == object]
            before = frame[text_columns].astype(str).to_numpy().tolist()
            for column in text_columns:
                frame[column] = frame[column].map(lambda v: pattern.sub(new, v) if isinstance(v, str) else v)
            if frame[text_columns].astype(str).to_numpy().tolist() != before:
                frame.to_parquet(path, index=False)
                changed += 1
            continue
        else:
            continue
        if updated != text:
            path.write_text(updated, encoding="utf-8")
            changed += 1
    return changed


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory, dbt_manifest):
    """A pipeline run on generated data whose most built-on base model is renamed to hold <script>. Built once
    for all test workers (build_once: a module fixture runs on each worker that runs one of its tests); the
    tests only read it."""

    def build(root: Path) -> None:
        dump, archive = root / "hub_dump", root / "leaderboard"
        write_hub_dump(dump, n_models=600, seed=11)
        write_leaderboard_archive(archive, n_models=600, seed=11)
        records = [json.loads(line) for line in (dump / "models.jsonl").read_text().splitlines()]
        children = Counter(parents[0] for r in records if (parents := declared_parents(r)))
        base, _ = children.most_common(1)[0]
        hostile = f"{base.split('/')[0]}/{HOSTILE_NAME}"
        assert rename_model(root, base, hostile) >= 1
        out = run_demo("--hub-dump", str(dump), "--leaderboard-archive", str(archive),
                       "--warehouse", str(root / "w.duckdb"))
        assert f"report: {root / 'report' / 'w.html'}" in out.stdout
        (root / "hostile.txt").write_text(hostile, encoding="utf-8")

    root = build_once(tmp_path_factory, "report_browser", build)
    return root / "w.duckdb", root / "report" / "w.html", (root / "hostile.txt").read_text(encoding="utf-8")


def test_the_hostile_name_reached_the_marts(hostile_run):
    warehouse, _, hostile = hostile_run
    with duckdb.connect(str(warehouse), read_only=True) as con:
        found = con.execute("select count(*) from marts.mart_base_model_popularity where base_model_id = ?",
                            [hostile]).fetchone()[0]
    assert found >= 1, "the renamed base model should be in base-model popularity"


@pytest.fixture(scope="module")
def browser_page(hostile_run):
    """The report opened in headless Chromium, with everything the page did along the way."""
    from playwright.sync_api import sync_playwright

    executable = chromium_executable()
    _, report, _ = hostile_run
    seen = {"console": [], "errors": [], "requests": [], "dialogs": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("console", lambda m: seen["console"].append((m.type, m.text)))
            page.on("pageerror", lambda e: seen["errors"].append(str(e)))
            page.on("request", lambda r: seen["requests"].append(r.url))
            page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
            page.goto(report.as_uri(), wait_until="load")
            seen["charts"] = page.evaluate("""() => [...document.querySelectorAll('figure.chart')].map(f => {
                const svg = f.querySelector('svg'); const box = svg ? svg.getBoundingClientRect() : null;
                const marks = [...f.querySelectorAll('.mark')].map(m => m.getBBox())
                    .filter(b => b.width + b.height > 0);
                return {mart: f.dataset.mart, width: box ? box.width : 0, height: box ? box.height : 0,
                        marks: marks.length};
            })""")
            seen["sections"] = page.evaluate(
                "() => [...document.querySelectorAll('section[data-mart]')].map(s => s.dataset.mart)")
            seen["scripts"] = page.evaluate("() => document.querySelectorAll('script').length")
            seen["text"] = page.evaluate("() => document.body.innerText")
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        finally:
            browser.close()
    return seen


def test_report_opens_offline_without_errors(browser_page, hostile_run):
    _, report, _ = hostile_run
    assert browser_page["requests"] == [report.as_uri()], "the report must fetch nothing but itself"
    errors = [text for kind, text in browser_page["console"] if kind in ("error", "warning")]
    assert errors == [] and browser_page["errors"] == []


def test_every_chart_rendered(browser_page):
    assert browser_page["sections"] == MARTS
    drawn = {c["mart"] for c in browser_page["charts"]}
    assert drawn == set(MARTS), f"marts without a chart: {set(MARTS) - drawn}"
    for chart in browser_page["charts"]:
        assert chart["width"] > 100 and chart["height"] > 100, chart
        assert chart["marks"] >= 1, f"a chart of {chart['mart']} drew no visible mark"
    assert (ARTIFACTS / "report.png").stat().st_size > 10_000


def test_a_script_tag_in_a_model_name_shows_as_text(browser_page, hostile_run):
    _, report, hostile = hostile_run
    assert browser_page["scripts"] == 0 and browser_page["dialogs"] == []
    assert hostile in browser_page["text"]
    assert "&lt;script&gt;alert(1)" in report.read_text()


def test_every_mart_materialization_shows_row_count_schema_and_preview(hostile_run, monkeypatch):
    import dagster as dg

    warehouse, report, _ = hostile_run
    monkeypatch.setenv("DAGSTER_HOME", str(warehouse.parent / "dagster_home"))
    with dg.DagsterInstance.get() as instance, duckdb.connect(str(warehouse), read_only=True) as con:
        for mart in MARTS:
            event = instance.get_latest_materialization_event(dg.AssetKey(["marts", mart]))
            assert event is not None, mart
            metadata = event.asset_materialization.metadata
            rows = con.execute(f"select count(*) from marts.{mart}").fetchone()[0]
            assert metadata["dagster/row_count"].value == rows, mart
            columns = metadata["dagster/column_schema"].schema.columns
            actual = [c for (c,) in con.execute(
                "select column_name from information_schema.columns where table_schema = 'marts' "
                "and table_name = ? order by ordinal_position", [mart]).fetchall()]
            assert [c.name for c in columns] == actual
            assert all(c.type and c.type != "?" for c in columns)
            assert columns[0].description, f"{mart}: column descriptions come from the dbt docs"
            preview = metadata["preview"].value
            assert 1 <= len(preview.records) <= 10 and set(preview.records[0].data) == set(actual)
        for raw in ("hub_models", "hub_model_removals", "leaderboard_hub_results"):
            metadata = instance.get_latest_materialization_event(dg.AssetKey(["raw", raw])).asset_materialization.metadata
            assert metadata["dagster/column_schema"].schema.columns, raw
            assert metadata["dagster/row_count"].value == con.execute(f"select count(*) from raw.{raw}").fetchone()[0]
        event = instance.get_latest_materialization_event(dg.AssetKey(["report", "observatory_report"]))
        metadata = event.asset_materialization.metadata
        assert metadata["path"].value == str(report)
        assert metadata["charts"].value >= len(MARTS)


def test_dbt_docs_generate_over_the_warehouse(hostile_run, tmp_path):
    # a copy: dbt opens the warehouse to write, and the other tests read the shared one meanwhile
    warehouse = tmp_path / "w.duckdb"
    shutil.copy2(hostile_run[0], warehouse)
    out = run_cli("docs", "--warehouse", str(warehouse), timeout=600)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    docs = warehouse.parent / "dbt_docs"
    assert f"dbt docs: {docs / 'static_index.html'}" in out.stdout
    assert (docs / "static_index.html").stat().st_size > 100_000
    catalog = json.loads((docs / "catalog.json").read_text())
    documented = {node["metadata"]["name"]: node for node in catalog["nodes"].values()}
    for mart in MARTS:
        assert mart in documented and "population" in documented[mart]["columns"], mart
