"""The marts as ../shared/docs/MARTS.md specifies them: required columns and the populations the real data allows.

Read by the acceptance tests on the real data and by the contract test (every required column is in the mart's
enforced dbt contract).
"""

ALL = {"hub", "leaderboard_v1", "leaderboard_v2"}
SCORED = {"leaderboard_v1", "leaderboard_v2"}
# Evaluations reported on the Hub after the leaderboard: the generated dump has them; the real-data warehouse of
# the acceptance tests is built from hub_dump and leaderboard only (../shared/data/evals has its own warehouse,
# tests/acceptance/test_real_evals.py), so there this population is absent.
EVALS = {"hub_evals"}
# ../shared/docs/MARTS.md: every mart with its required columns, and the populations the real data allows
MARTS = {
    "mart_daily_activity": (["activity_date", "new_models", "new_authors", "active_authors", "cumulative_models",
                             "cumulative_authors"], ALL),
    "mart_author_concentration": (["author", "author_rank", "n_models", "model_share", "cumulative_share"], ALL),
    "mart_ecosystem_summary": (["n_models", "n_authors", "top10_share", "top200_share", "price_sqrt_n_share",
                                "single_model_author_share"], ALL),
    "mart_model_types_monthly": (["month", "model_type", "new_models", "cumulative_models", "share_of_month"], ALL),
    "mart_architecture_share_weekly": (["week_start", "architecture_family", "new_models", "share_of_week"], ALL),
    "mart_base_model_popularity": (["base_model_id", "architecture_family", "direct_derivatives", "all_descendants",
                                    "finetune_derivatives", "adapter_derivatives", "quantized_derivatives",
                                    "merge_derivatives"], ALL),
    "mart_license_distribution": (["license", "n_models", "model_share", "commercial_use", "academic_use",
                                   "personal_use"], ALL),
    "mart_performance_over_time": (["benchmark", "task", "month", "model_type", "avg_score", "max_score", "n_models",
                                    "cumulative_models"], SCORED | EVALS),
    "mart_size_distribution": (["architecture_family", "size_bucket", "n_models", "best_model_id",
                                "best_avg_score"], ALL),
    "mart_downloads_by_size": (["size_bucket", "n_models", "downloads", "downloads_share",
                                "cumulative_downloads_share"], ALL),
    "mart_params_for_performance": (["benchmark", "task", "month", "score_threshold", "min_params_b", "model_id"],
                                    SCORED | EVALS),
    "mart_base_model_improvement": (["benchmark", "task", "base_model_id", "base_score", "best_derivative_id",
                                     "best_derivative_score", "improvement_pct", "n_derivatives"], SCORED | EVALS),
    "mart_improvement_timeline": (["benchmark", "task", "base_model_id", "days_since_release", "best_score_to_date",
                                   "improvement_pct", "improvement_pct_per_log_derivatives"], SCORED | EVALS),
    # the Hub over time (population hub; on the real data, one snapshot)
    "mart_download_concentration": (["snapshot_date", "grouping", "n_groups", "total_downloads", "hhi", "gini",
                                     "top10_share", "top100_share", "price_sqrt_n_share",
                                     "top_0_01pct_models_share"], {"hub"}),
    "mart_family_adoption": (["snapshot_date", "root_model_id", "n_descendants", "n_finetunes", "n_quantizations",
                              "n_adapters", "n_merges", "family_downloads", "root_downloads",
                              "derivative_download_share", "family_likes"], {"hub"}),
    "mart_adoption_trends": (["week_start", "model_id", "root_model_id", "downloads", "downloads_change", "likes",
                              "likes_change", "growth_rank"], {"hub"}),
    "mart_license_drift": (["month", "relation", "drift", "n_edges", "edge_share", "conflict_edges"], {"hub"}),
    # evaluations after the leaderboard
    "mart_benchmark_coverage": (["month", "benchmark", "task", "source", "n_models_evaluated", "n_new_results",
                                 "verified_share", "best_value", "best_model_id"], SCORED | EVALS),
}
