"""Shared by the benchmarks: the 2M warehouse they start from, the one-parse baseline, mart fingerprints."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import threading
import time
from pathlib import Path

from ingestion.hub.fields import FIELDS

# Every field stg_hub__models reads from a Hub record (the landing's list): one json_extract of these paths
# parses a record once.
HUB_FIELDS = [field.path for field in FIELDS]


def run_measured(command: list[str], **popen) -> tuple[str, int, float]:
    """Run ``command`` to its end; its output, exit status and its own peak RSS in MB.

    The peak is the child's VmHWM, read from /proc while it runs (the high-water mark starts again at exec).
    Not wait4's ru_maxrss: a child forked from a benchmark that holds gigabytes reports the benchmark's
    resident pages as its own until it execs.
    """
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **popen)
    peak_kb = 0

    def watch() -> None:
        nonlocal peak_kb
        status = Path(f"/proc/{proc.pid}/status")
        while proc.poll() is None:
            try:
                for line in status.read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak_kb = max(peak_kb, int(line.split()[1]))
            except (OSError, ValueError):
                pass
            time.sleep(0.1)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    out = proc.stdout.read()
    status = proc.wait()
    watcher.join()
    return out, status, peak_kb / 1024


def scale_arguments(description: str) -> argparse.ArgumentParser:
    """The options every benchmark at Hub scale takes: how many models, how deep their lineage, where to work."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--models", type=int, default=2_000_000)
    parser.add_argument("--max-depth", type=int, default=20)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/observatory-bench"))
    return parser


def dump_and_archive(workdir: Path, models: int, max_depth: int) -> tuple[Path, Path]:
    """The generated Hub dump and leaderboard archive (made once, cached in ``workdir``)."""
    from ingestion.standin.synthetic import write_hub_dump, write_leaderboard_archive

    dump = workdir / f"hub_dump_{models}_depth{max_depth}"
    if not (dump / "models.jsonl").is_file():
        began = time.perf_counter()
        print(f"generating {models:,} models (max depth {max_depth}) in {dump} ...", flush=True)
        write_hub_dump(dump, n_models=models, seed=1, leaderboard=False, max_depth=max_depth)
        print(f"  {time.perf_counter() - began:.1f} s", flush=True)
    archive = workdir / "leaderboard_20000"
    if not archive.is_dir():
        write_leaderboard_archive(archive, n_models=20_000, seed=1)
    return dump, archive


def land_warehouse(warehouse: Path, dump: Path, archive: Path) -> int:
    """A new warehouse with the dump in raw.hub_models (one complete crawl, its fields typed as the landing types
    them) and the archive landed."""
    from ingestion.hub.fields import fields_select
    from ingestion.leaderboard.load import load_leaderboard_archive
    from ingestion.warehouse import connect
    from orchestration.quality.history import ensure_quality_schema

    for stale in (warehouse, warehouse.with_name(warehouse.name + ".wal")):
        stale.unlink(missing_ok=True)
    with connect(warehouse) as con:
        ensure_quality_schema(con)
        records = ("(select json ->> '$.id' as model_id, json as payload, 'bench' as crawl_id, now() as fetched_at "
                   "from read_ndjson_objects(?))")
        con.execute("insert into raw.hub_models by name "
                    + fields_select(records, "model_id, payload, crawl_id, fetched_at"), [str(dump / "models.jsonl")])
        con.execute("""insert into raw.hub_crawls (crawl_id, endpoint, query, started_at, status)
                       values ('bench', 'file', 'bench', now(), 'complete')""")
        load_leaderboard_archive(con, archive)
        return con.execute("select count(*) from raw.hub_models").fetchone()[0]


def dbt(*args: str, target: Path, env: dict | None = None) -> None:
    """A dbt command on the warehouse OBSERVATORY_WAREHOUSE names (in ``env``, else this process's
    environment), its artefacts in ``target``."""
    from orchestration.dbt.project import DBT_PROJECT_DIR, dbt_executable

    subprocess.run([dbt_executable(), *args, "--quiet", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir",
                    str(DBT_PROJECT_DIR), "--target-path", str(target)], check=True, cwd=DBT_PROJECT_DIR, env=env)


def fresh_target(target: Path) -> Path:
    """A dbt target folder emptied first: dbt starts from a partial_parse.msgpack it finds there, even one made
    by another checkout (a worktree measuring the code before a change), whose seed paths point into it."""
    shutil.rmtree(target, ignore_errors=True)
    return target


def keep_a_previous_runs_parse(target: Path) -> None:
    """The parse of the warehouse OBSERVATORY_WAREHOUSE names, kept as the pipeline's previous run on it would
    have left it (orchestration/dbt/parse_cache.py: keep_parse): a daily run starts from it, and without it the
    first dbt invocation measured would parse the whole project again."""
    from orchestration.dbt.parse_cache import keep_parse

    dbt("parse", target=fresh_target(target))
    keep_parse(target)


def one_parse_seconds(warehouse: Path, times: int = 3) -> float:
    """Seconds to parse every raw Hub record once (one json_extract of every field staging reads): the median of
    ``times`` parses, as one parse measured alone on this shared machine varied from 3.5 to 5.5 s."""
    import statistics

    import duckdb

    seconds = []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for _ in range(times):
            began = time.perf_counter()
            con.execute("create or replace temp table parsed as select model_id, json_extract(payload, ?) as fields "
                        "from raw.hub_models", [HUB_FIELDS])
            seconds.append(time.perf_counter() - began)
    return statistics.median(seconds)


def fingerprint(warehouse: Path, out: Path | None = None) -> dict:
    """Rows and an order-independent hash of every mart (tests/conftest.py's), written to ``out`` if given."""
    from tests.conftest import mart_fingerprint

    prints = {k: list(v) for k, v in mart_fingerprint(warehouse).items()}
    if out:
        out.write_text(json.dumps(prints, indent=1, default=str))
    return prints


def models_in_order(manifest: dict) -> list[dict]:
    """Every model node, each after the models it reads."""
    models = {k: v for k, v in manifest["nodes"].items() if v["resource_type"] == "model"}
    done: list[str] = []
    seen: set[str] = set()

    def visit(key: str) -> None:
        if key in seen:
            return
        seen.add(key)
        for parent in models[key]["depends_on"]["nodes"]:
            if parent in models:
                visit(parent)
        done.append(key)

    for key in sorted(models):
        visit(key)
    return [models[k] for k in done]


def bare_sql_seconds(warehouse: Path, target: Path) -> tuple[float, int]:
    """Seconds to run the compiled SQL of every model (in ``target``'s manifest: compiled by `dbt compile`, or by
    the build that wrote it) as bare statements on one connection, in dependency order, no tests; and how many.
    A model already in the warehouse is dropped first, as a view or a table, whichever it is."""
    import duckdb

    manifest = json.loads((target / "manifest.json").read_text())
    nodes = models_in_order(manifest)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("set memory_limit = '1700MB'; set preserve_insertion_order = false")
        # looked up before the clock starts: the catalog, not the models' SQL
        existing = {(schema, name): kind for schema, name, kind in con.execute(
            "select table_schema, table_name, table_type from information_schema.tables").fetchall()}
        for schema in sorted({node["schema"] for node in nodes}):
            con.execute(f'create schema if not exists "{schema}"')
        began = time.perf_counter()
        for node in nodes:
            kind = "view" if node["config"]["materialized"] == "view" else "table"
            relation = f'"{node["schema"]}"."{node["alias"]}"'
            kind_now = existing.get((node["schema"], node["alias"]))
            if kind_now:
                con.execute(f"drop {'view' if kind_now == 'VIEW' else 'table'} {relation}")
            con.execute(f"create {kind} {relation} as {node['compiled_code']}")
        return time.perf_counter() - began, len(nodes)
