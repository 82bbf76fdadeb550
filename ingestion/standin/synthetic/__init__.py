"""Seeded, deterministic generator of Hub-shaped data.

It writes, in exactly the layouts of ../shared/data:

* a Hub dump directory: ``models.jsonl`` (records as served by ``/api/models``,
  lineage and licences in tags as the Hub writes them) and the leaderboard
  ``contents`` dataset under ``datasets/open-llm-leaderboard/contents/data/``;
* evaluation results (synthetic/evals.py): Community Evals in the records, benchmark datasets with their
  ``eval.yaml``, MTEB's results dataset under ``datasets/mteb/results/``;
* an archive of leaderboard CSV exports: ``v1/open_llm_leaderboard_v1_<date>.csv``
  and ``v2/open_llm_leaderboard_v2_<date>.csv`` in the early (emoji types,
  ``not_merged``) and late (``model_name``, ``evaluations_*``) v2 schemas.

``advance_hub_dump`` (advance.py) moves a dump on by one day, for several snapshots of the Hub.

The shape is realistic on purpose (tests and benchmarks depend on it): authors
and downloads are heavy-tailed, lineage trees are several levels deep with all
four relations and multi-parent merges, licences and fields are sometimes
missing, dates spread over two years. Records are written as they are made, so
the size scales to millions of models.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from ingestion.settings import LEADERBOARD_FILENAME, LEADERBOARD_REPO_ID
from ingestion.standin.synthetic.advance import DayChanges, advance_hub_dump
from ingestion.standin.synthetic.evals import SyntheticEvals
from ingestion.standin.synthetic.hub import DumpSummary, GeneratedModel, HubGenerator
from ingestion.standin.synthetic.leaderboard import LeaderboardEvaluations

__all__ = ["DayChanges", "DumpSummary", "GeneratedModel", "HubGenerator", "LeaderboardEvaluations",
           "advance_hub_dump", "write_hub_dump", "write_leaderboard_archive", "main"]


def write_hub_dump(out_dir: str | Path, n_models: int = 3000, seed: int = 42,
                   leaderboard: bool = True, max_depth: int = 20, evals: bool = True) -> DumpSummary:
    """Write a Hub dump directory laid out like ../shared/data/hub_dump (with ``evals``: evaluation results in
    the records, benchmark datasets and MTEB's results, synthetic/evals.py)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    gen = HubGenerator(n_models, seed=seed, max_depth=max_depth)
    evaluations = SyntheticEvals(seed) if evals else None
    tmp = out / "models.jsonl.partial"
    with tmp.open("w", encoding="utf-8") as fh:
        for record in gen.records():
            if evaluations is not None:
                evaluations.decorate(record, gen.models[-1])
            fh.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
            fh.write("\n")
    tmp.replace(out / "models.jsonl")
    if evaluations is not None:
        evaluations.write(out)
    n_rows = n_lb_models = 0
    revision_date = ""
    if leaderboard:
        evals = LeaderboardEvaluations(gen, seed=seed)
        rows = evals.rows_until(evals.final_date, since=evals.v2_start)  # the v2 table
        n_rows, n_lb_models = len(rows), len({r.model.model_id for r in rows})
        revision_date = evals.final_date.isoformat()
        path = out / "datasets" / LEADERBOARD_REPO_ID / LEADERBOARD_FILENAME
        path.parent.mkdir(parents=True, exist_ok=True)
        evals.write_hub_parquet(path, rows)
    return DumpSummary(
        n_models=n_models,
        n_authors=len(gen.author_counts),
        author_counts=dict(gen.author_counts),
        license_counts=dict(gen.license_counts),
        relation_counts=dict(gen.relation_counts),
        n_leaderboard_rows=n_rows,
        n_leaderboard_models=n_lb_models,
        leaderboard_revision_date=revision_date,
    )


def write_leaderboard_archive(out_dir: str | Path, n_models: int = 3000, seed: int = 42) -> dict[str, int]:
    """Write archived leaderboard CSV exports (v1 and both v2 schemas), one file per date.

    Uses the same seed as ``write_hub_dump`` so that the evaluated models exist
    in the dump made with that seed. Returns {file name: number of rows}.
    """
    gen = HubGenerator(n_models, seed=seed)
    for _ in gen.records():
        pass
    evals = LeaderboardEvaluations(gen, seed=seed)
    return evals.write_archive(Path(out_dir))


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Generate a synthetic Hub dump and leaderboard archive.")
    parser.add_argument("out", type=Path, help="folder to write (hub_dump/ and leaderboard/ go inside)")
    parser.add_argument("--models", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--advance-to", type=date.fromisoformat, metavar="YYYY-MM-DD",
                        help="instead of generating, advance the dump in OUT/hub_dump by one day, to the end of this "
                             "day (downloads and likes move, some models rise, some are deleted, new ones appear)")
    args = parser.parse_args(argv)
    if args.advance_to:
        try:
            changes = advance_hub_dump(args.out / "hub_dump", args.advance_to, args.seed)
        except (FileNotFoundError, ValueError) as error:
            raise SystemExit(f"error: {error}") from None
        print(f"advanced {args.out / 'hub_dump'} to {args.advance_to}: {changes.n_models} models, "
              f"{len(changes.added)} new, {len(changes.deleted)} deleted, {len(changes.rising)} rising fast, "
              f"{len(changes.modified)} modified")
        return
    summary = write_hub_dump(args.out / "hub_dump", args.models, args.seed)
    files = write_leaderboard_archive(args.out / "leaderboard", args.models, args.seed)
    print(f"wrote {summary.n_models} models by {summary.n_authors} authors to {args.out / 'hub_dump'}")
    print(f"wrote {len(files)} leaderboard exports ({sum(files.values())} rows) to {args.out / 'leaderboard'}")


if __name__ == "__main__":
    main()
