"""The lineage rule on the real extracts: one rule for the crawler and the models, implausible edges
flagged and left out of the improvement analyses, leaderboard annotations never taken for models."""

from __future__ import annotations

import json

import pytest

from tests.integration.test_pipeline import query

pytestmark = pytest.mark.acceptance


def test_one_lineage_rule_for_the_crawler_and_the_models(real):
    """The crawler's ancestor walk (the warehouse rule over raw payloads, as ingestion.hub.ancestors asks it),
    int_model_parents and an independent Python reading of the rule give the same Hub edges on real data."""
    from tests.support.lineage import parent_edges

    warehouse, shared = real
    modelled = set(query(warehouse, """
        select model_id, parent_model_id, relation, parent_order from intermediate.int_model_parents
        where edge_source <> 'leaderboard'"""))
    crawler = set(query(warehouse, """
        with served as (select model_id, unnest(hub_record_lineage_fields(payload)) from raw.hub_models)
        select model_id, parent_model_id, relation, parent_order from lineage_edges('served')"""))
    reference = set()
    with (shared / "hub_dump" / "models.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            for order, (parent, relation) in enumerate(parent_edges(record), 1):
                reference.add((record["id"], parent, relation, order))
    assert len(modelled) >= 28155
    assert crawler == modelled
    assert reference == modelled


def test_implausible_lineage_is_flagged_and_left_out_of_improvement(real):
    """A 70B model tagged as a finetune of an 8B base, and derivatives released before their base, are
    counted by the plausibility check and left out of the improvement analyses."""
    warehouse, _ = real
    assert query(warehouse, """select implausibility from intermediate.int_lineage_edge_plausibility
                               where model_id = 'jondurbin/airoboros-70b-3.3'
                                 and parent_model_id = 'meta-llama/Meta-Llama-3-8B'""") == [("size_mismatch",)]
    assert query(warehouse, "select count(*) from marts.mart_base_model_improvement "
                            "where best_derivative_id = 'jondurbin/airoboros-70b-3.3'") == [(0,)]
    assert query(warehouse, "select count(*) from marts.mart_improvement_timeline where days_since_release < 0") \
        == [(0,)]
    (implausible,) = query(warehouse, "select count(*) from intermediate.int_lineage_edge_plausibility "
                                      "where not is_plausible")[0]
    recorded = query(warehouse, """select failing_rows from quality.check_results
                                   where check_name = 'lineage_edges_are_plausible' order by checked_at desc limit 1""")
    assert implausible > 0 and recorded == [(implausible,)]


def test_leaderboard_merge_annotations_are_not_models(real):
    """Leaderboard v2 writes a merge's base model as '<id> (Merge)', often the model itself: never a node."""
    warehouse, _ = real
    assert query(warehouse, "select count(*) from intermediate.int_model_parents "
                            "where regexp_matches(parent_model_id, '\\s')") == [(0,)]
    assert query(warehouse, "select count(*) from marts.mart_base_model_popularity "
                            "where regexp_matches(base_model_id, '\\s')") == [(0,)]
