"""The `observatory` command line.

    observatory demo [--hub-dump DIR] [--leaderboard-archive DIR] [--evals DIR] [--day YYYY-MM-DD]
                     [--crawl MODE] [--warehouse PATH] [--verbose]
    observatory generate OUT [--models N] [--seed S] [--advance-to YYYY-MM-DD]
    observatory serve-hub DIR [--port P] [--evals DIR]
    observatory backfill-leaderboard FOLDER [--warehouse PATH] [--verbose]
    observatory manifest
    observatory sql QUERY [--live] [--warehouse PATH]
    observatory report [--warehouse PATH] [--out FILE]
    observatory docs [--warehouse PATH]

Modules: demo.py (demo, backfill-leaderboard), warehouse.py (sql, report, docs), runs.py (the
Dagster instance and job runs); the stand-in and generator live in ingestion.standin, the
manifest with the dbt project (orchestration.dbt.project).

`demo` runs the whole pipeline offline: it generates a synthetic Hub dump (or
serves the one given), starts the local Hub stand-in, materializes every asset
into the warehouse through the real huggingface_hub client, stops the
stand-in, and prints what it built.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ingestion import settings

# Each command imports what it needs when it runs: `observatory sql` loads neither Dagster nor dbt.


def _warehouse_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--warehouse", type=Path,
                         help=f"DuckDB file (default: ${settings.WAREHOUSE_ENV} or {settings.DEFAULT_WAREHOUSE})")


def _verbose_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--verbose", action="store_true",
                         help="print every log line of Dagster and dbt here (default: to a file, path printed)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="observatory", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="run the whole pipeline offline against a local Hub stand-in")
    demo.add_argument("--hub-dump", type=Path, help="serve this Hub dump directory instead of generating one")
    demo.add_argument("--leaderboard-archive", type=Path, help="also import the archived CSV exports in this folder")
    demo.add_argument("--evals", type=Path,
                      help="also serve the evaluation files of this folder (laid out like ../shared/data/evals): "
                           "model repos' .eval_results, benchmark eval.yaml files, MTEB's results as mteb/results")
    _warehouse_option(demo)
    demo.add_argument("--models", type=int, default=3000, help="size of the generated dump (default 3000)")
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument("--day", metavar="YYYY-MM-DD",
                      help="the day the crawl is recorded under in the adoption history (default: today, UTC)")
    demo.add_argument("--crawl", choices=["auto", "full", "incremental"], default="auto",
                      help="auto (default): incremental once a complete crawl exists, else full; full sees every "
                           "model's downloads and likes (they change without a commit, which is all an incremental "
                           "crawl asks for)")
    _verbose_option(demo)

    gen = sub.add_parser("generate", help="write a synthetic Hub dump and leaderboard archive")
    gen.add_argument("out", type=Path)
    gen.add_argument("--models", type=int, default=3000)
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("--advance-to", metavar="YYYY-MM-DD",
                     help="instead, advance the dump in OUT/hub_dump by one day, to the end of this day")

    serve = sub.add_parser("serve-hub", help="serve a Hub dump directory on 127.0.0.1")
    serve.add_argument("dump", type=Path)
    serve.add_argument("--port", type=int, default=0)
    serve.add_argument("--evals", type=Path, help="also serve a folder of evaluation files (see demo --evals)")

    backfill = sub.add_parser("backfill-leaderboard",
                              help="land every snapshot of a folder of archived leaderboard exports (one partition "
                                   "per file date), then rebuild the dbt models")
    backfill.add_argument("folder", type=Path)
    _warehouse_option(backfill)
    _verbose_option(backfill)

    sub.add_parser("manifest", help="prepare the dbt manifest the Dagster definitions load")

    report = sub.add_parser("report", help="write the HTML report from the published marts as they are now")
    _warehouse_option(report)
    report.add_argument("--out", type=Path, help=f"HTML file (default: ${settings.REPORT_ENV} or "
                                                 "report/<warehouse>.html beside the warehouse)")

    docs = sub.add_parser("docs", help="generate the dbt docs (models, columns, tests, lineage) for the warehouse")
    _warehouse_option(docs)

    sql = sub.add_parser("sql", help="run a read-only SQL query on the published marts (at once, even while a run "
                                     "writes) and print the result")
    sql.add_argument("query")
    sql.add_argument("--live", action="store_true",
                     help="query the warehouse itself instead (every schema: raw, staging, intermediate...); "
                          "waits while a run writes")
    _warehouse_option(sql)

    args = parser.parse_args(argv)
    if getattr(args, "warehouse", None) is not None:
        use_warehouse(args.warehouse)
    warehouse = settings.warehouse_path()
    if args.command == "demo":
        from orchestration.cli.demo import run_demo

        run_demo(args.hub_dump, args.leaderboard_archive, warehouse, models=args.models, seed=args.seed,
                 verbose=args.verbose, day=args.day, crawl=args.crawl, evals=args.evals)
    elif args.command == "generate":
        from ingestion.standin.synthetic import main as generate_main

        generate_main([str(args.out), "--models", str(args.models), "--seed", str(args.seed),
                       *(["--advance-to", args.advance_to] if args.advance_to else [])])
    elif args.command == "serve-hub":
        from ingestion.standin.server import main as serve_main

        serve_main([str(args.dump), "--port", str(args.port), *(["--evals", str(args.evals)] if args.evals else [])])
    elif args.command == "backfill-leaderboard":
        from orchestration.cli.demo import run_backfill

        run_backfill(args.folder, warehouse, verbose=args.verbose)
    elif args.command == "report":
        from orchestration.cli.warehouse import write_report_now

        write_report_now(warehouse, args.out)
    elif args.command == "docs":
        from orchestration.cli.warehouse import generate_docs

        generate_docs(warehouse)
    elif args.command == "manifest":
        from orchestration.dbt.project import prepare_manifest

        print(prepare_manifest(force=True))
    elif args.command == "sql":
        from orchestration.cli.warehouse import run_sql

        run_sql(args.query, warehouse, live=args.live)


def use_warehouse(path: Path) -> None:
    """--warehouse: the one place the CLI sets a setting in the environment, so that dbt (a child process)
    opens the same file. A relative path is taken from the working directory, as a user expects."""
    os.environ[settings.WAREHOUSE_ENV] = str(path.expanduser().resolve())

