"""Benchmark: how long `observatory sql` takes while a demo run writes the warehouse.

    .venv/bin/python bench/sql_during_run.py [--models 3000] [--workdir DIR]

A first `observatory demo` builds and publishes the marts; a second one, on the same warehouse, then runs
from start to end while this script issues `observatory sql` over and over (a new process each time, as an
analyst would) and times each query from launch to answer. For every query it notes whether a run held the
warehouse's write lock at that moment (the lock file names its holder) and which published version
answered. Prints the count, the median and the slowest answer while the lock was held, and the target
(issue 17: under a second). Figures, not a test.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingestion.warehouse.lock import lock_path  # noqa: E402

TARGET_SECONDS = 1.0
QUERY = ("select s.version, count(*) from marts.mart_ecosystem_summary, published.snapshot s "
         "group by s.version")


def observatory(*args: str) -> list[str]:
    return [str(Path(sys.executable).parent / "observatory"), *args]


def lock_holder(warehouse: Path) -> str:
    """Who holds the warehouse's write lock now ('' when nobody): the holder writes itself into the file."""
    try:
        text = lock_path(warehouse).read_text()
    except FileNotFoundError:
        return ""
    if not text.strip():
        return ""
    try:
        return json.loads(text).get("holder") or "a writer"
    except ValueError:  # read while the holder was writing itself in
        return "a writer"


def timed_query(warehouse: Path) -> tuple[float, str, str]:
    """(seconds from launch to answer, what answered, the lock's holder when the query began)."""
    holder = lock_holder(warehouse)
    began = time.perf_counter()
    out = subprocess.run(observatory("sql", "--warehouse", str(warehouse), QUERY),
                         capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - began
    lines = out.stdout.strip().splitlines()
    # the last row of the table DuckDB draws (above its bottom border): version and count
    answer = " ".join(lines[-2].replace("│", " ").split()) if out.returncode == 0 and len(lines) >= 2 else \
        f"FAILED: {out.stderr.strip()[-300:]}"
    return seconds, answer, holder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=int, default=3000, help="models in the generated Hub dump")
    parser.add_argument("--workdir", type=Path, default=None, help="where the warehouse goes (default: a temp dir)")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="observatory-sql-bench-"))
    warehouse = workdir / "warehouse.duckdb"
    demo = observatory("demo", "--warehouse", str(warehouse), "--models", str(args.models))

    began = time.perf_counter()
    first = subprocess.run(demo, capture_output=True, text=True, cwd=ROOT)
    if first.returncode != 0:
        sys.exit(f"the first demo failed:\n{first.stdout[-3000:]}{first.stderr[-3000:]}")
    print(f"first demo (builds and publishes): {time.perf_counter() - began:.1f} s", flush=True)

    run = subprocess.Popen(demo, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
    began = time.perf_counter()
    samples = []
    while run.poll() is None:
        samples.append(timed_query(warehouse))
    output = run.stdout.read()
    run_seconds = time.perf_counter() - began
    if run.returncode != 0:
        sys.exit(f"the second demo failed:\n{output[-3000:]}")

    failed = [s for s in samples if s[1].startswith("FAILED")]
    locked = [s for s in samples if s[2]]
    print(f"second demo ran {run_seconds:.1f} s; {len(samples)} queries during it, {len(locked)} while a run "
          f"held the write lock, {len(failed)} failed")
    for seconds, answer, holder in samples[:2] + locked[:2] + samples[-2:]:
        print(f"  {seconds:5.2f} s  answer {answer!r}  lock held by: {holder or '(nobody)'}")
    if failed:
        print(f"first failure: {failed[0][1]}")
    if locked:
        times = [s[0] for s in locked]
        slowest = max(times)
        print(f"while the lock was held: median {statistics.median(times):.2f} s, slowest {slowest:.2f} s "
              f"(target < {TARGET_SECONDS:.0f} s: {'met' if slowest < TARGET_SECONDS and not failed else 'MISSED'})")
    print(f"answers seen: {sorted({s[1] for s in samples})}")


if __name__ == "__main__":
    main()
