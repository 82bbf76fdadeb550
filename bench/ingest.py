"""Benchmark: Hub ingestion at scale against the local stand-in.

    .venv/bin/python bench/ingest.py [--models 1000000] [--workdir DIR] [--changed 0.01]

1. generates a dump of --models models (cached in --workdir between runs);
2. serves it from the Hub stand-in in its own process;
3. a full crawl into a new warehouse, in a child process: models/s, peak RSS, and where
   the time goes (waiting for pages, landing them, the final commit);
4. changes --changed of the models (new lastModified and downloads), restarts the stand-in
   on the same address, and times an incremental refresh.

Prints the figures and the targets of issue 4 (full >= 5,000 models/s with peak RSS
< 1.5 GB; the 1% refresh < 30 s). Figures, not a test: nothing here fails on a miss.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import run_measured  # noqa: E402

TARGET_RATE = 5000
TARGET_RSS_MB = 1536
TARGET_REFRESH_S = 30


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_hub(dump: Path, port: int) -> subprocess.Popen:
    began = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "ingestion.standin.server", str(dump), "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if "serving" not in line:
        proc.kill()
        raise SystemExit(f"the stand-in did not start: {line!r}")
    print(f"  stand-in up in {time.perf_counter() - began:.1f} s: {line.strip()}", flush=True)
    return proc


def run_child(endpoint: str, warehouse: Path, mode: str, page_size: int) -> tuple[dict, float]:
    """One ingestion in a child process; returns its result and its own peak RSS in MB."""
    out, status, rss_mb = run_measured([sys.executable, __file__, "--child", endpoint, str(warehouse), mode,
                                        str(page_size)], cwd=ROOT)
    if status != 0:
        raise SystemExit(f"the {mode} ingestion failed (status {status}): {out[-2000:]}")
    return json.loads(out.strip().splitlines()[-1]), rss_mb


def child(endpoint: str, warehouse: str, mode: str, page_size: int) -> None:
    import dataclasses

    from ingestion.hub.client import HubClient
    from ingestion.warehouse import connect
    from ingestion.hub.crawl import load_hub_models

    with connect(warehouse, memory_limit="1GB") as con:
        result = load_hub_models(con, HubClient(endpoint), mode=mode, page_size=page_size,
                                 progress=lambda text: print(f"    {text}", file=sys.stderr, flush=True),
                                 progress_interval=10)
    print(json.dumps(dataclasses.asdict(result)))


def change_fraction(src: Path, dst: Path, fraction: float) -> int:
    """Copy a dump, giving every 1/fraction-th model a new lastModified and download count."""
    dst.mkdir(parents=True, exist_ok=True)
    step = max(1, round(1 / fraction))
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    changed = 0
    with (src / "models.jsonl").open() as fin, (dst / "models.jsonl").open("w") as fout:
        for i, line in enumerate(fin):
            if i % step == 0:
                record = json.loads(line)
                record["lastModified"] = now
                record["downloads"] = record.get("downloads", 0) + 1
                line = json.dumps(record, separators=(",", ":")) + "\n"
                changed += 1
            fout.write(line)
    return changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/observatory-bench"))
    parser.add_argument("--changed", type=float, default=0.01)
    parser.add_argument("--page-size", type=int, default=1000)
    args = parser.parse_args()

    from ingestion.standin.synthetic import write_hub_dump

    dump = args.workdir / f"hub_dump_{args.models}"
    if not (dump / "models.jsonl").is_file():
        began = time.perf_counter()
        print(f"generating {args.models:,} models in {dump} ...", flush=True)
        write_hub_dump(dump, n_models=args.models, seed=1, leaderboard=False)
        print(f"  generated in {time.perf_counter() - began:.1f} s", flush=True)
    warehouse = args.workdir / "bench.duckdb"
    for stale in (warehouse, warehouse.with_name(warehouse.name + ".wal")):
        stale.unlink(missing_ok=True)

    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    print("full crawl:", flush=True)
    hub = start_hub(dump, port)
    try:
        full, full_rss = run_child(endpoint, warehouse, "full", args.page_size)
    finally:
        hub.terminate()
        hub.wait()

    changed_dump = args.workdir / f"hub_dump_{args.models}_changed"
    n_changed = change_fraction(dump, changed_dump, args.changed)
    print(f"incremental refresh ({n_changed:,} models changed):", flush=True)
    hub = start_hub(changed_dump, port)
    try:
        incr, incr_rss = run_child(endpoint, warehouse, "incremental", args.page_size)
    finally:
        hub.terminate()
        hub.wait()

    rate = full["records"] / full["seconds"]
    print()
    print(f"machine: {os.cpu_count()} cores; stand-in and ingestion share them")
    print(f"full crawl:   {full['records']:,} models in {full['seconds']:.1f} s = {rate:,.0f} models/s "
          f"(target >= {TARGET_RATE:,}: {'met' if rate >= TARGET_RATE else 'MISSED'})")
    print(f"              peak RSS of the ingestion process {full_rss:,.0f} MB "
          f"(target < {TARGET_RSS_MB:,}: {'met' if full_rss < TARGET_RSS_MB else 'MISSED'})")
    print(f"              where the time goes: pages (HTTP + JSON, stand-in included) {full['fetch_seconds']:.1f} s, "
          f"landing pages {full['land_seconds']:.1f} s, final commit {full['commit_seconds']:.1f} s")
    print(f"incremental:  {incr['records']:,} models fetched ({incr['new']} new, {incr['changed']:,} changed) "
          f"in {incr['seconds']:.1f} s (target < {TARGET_REFRESH_S}: "
          f"{'met' if incr['seconds'] < TARGET_REFRESH_S else 'MISSED'}); peak RSS {incr_rss:,.0f} MB")
    print(f"              pages {incr['fetch_seconds']:.1f} s, landing {incr['land_seconds']:.1f} s, "
          f"commit {incr['commit_seconds']:.1f} s")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    else:
        main()
