"""Evaluation results after the leaderboard: registered benchmarks and MTEB's results dataset (Community Evals
ride along with the Hub crawl, orchestration/hub/)."""
