"""The Hub over time on the real extracts in ../shared/data (one crawl, so one snapshot): concentration over every
listed model, and every lineage edge classified for licence drift exactly once."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from tests.integration.test_pipeline import query

pytestmark = pytest.mark.acceptance


def test_the_latest_author_concentration_counts_every_listed_model(real):
    warehouse, data = real
    with (data / "hub_dump" / "models.jsonl").open() as fh:
        models = [json.loads(line) for line in fh if line.strip()]
    downloads = Counter()
    for m in models:  # a model without a download count counts 0
        downloads[m["id"].split("/")[0]] += m.get("downloads") or 0
    ((n_groups, total, hhi, gini, top_model_share),) = query(warehouse, """
        select n_groups, total_downloads, hhi, gini, top_0_01pct_models_share
        from marts.mart_download_concentration
        where grouping = 'author' order by snapshot_date desc limit 1""")
    assert n_groups == len(downloads)
    assert total == sum(downloads.values())
    shares = [v / total for v in downloads.values()]
    assert hhi == pytest.approx(sum(s * s for s in shares), rel=1e-9)
    ordered = sorted(downloads.values())
    n = len(ordered)
    assert gini == pytest.approx(sum((2 * i - n - 1) * x for i, x in enumerate(ordered, 1)) / (n * total), rel=1e-9)
    top = sorted((m.get("downloads") or 0 for m in models), reverse=True)
    assert top_model_share == pytest.approx(sum(top[:max(1, -(-len(models) // 10_000))]) / total, rel=1e-9)
    print(f"\nreal data, author grouping: {n_groups} authors, {total} downloads, HHI {hhi:.6f}, Gini {gini:.6f}")


def test_every_lineage_edge_is_classified_for_licence_drift_exactly_once(real):
    warehouse, _ = real
    assert query(warehouse, "select count(*) from intermediate.int_models where is_removed") == [(0,)], \
        "one crawl: no model was removed, so every edge counts"
    ((edges,),) = query(warehouse, "select count(*) from intermediate.int_model_parents")
    ((classified, conflicts),) = query(warehouse, "select sum(n_edges), sum(conflict_edges) "
                                                  "from marts.mart_license_drift")
    assert classified == edges > 0
    assert query(warehouse, """select month, relation, drift from marts.mart_license_drift
                               group by all having count(*) > 1""") == []
    top = query(warehouse, """select relation, drift, sum(n_edges) n from marts.mart_license_drift
                              group by all order by n desc, relation, drift limit 5""")
    print(f"\nreal data, licence drift: {edges} edges, {conflicts} conflicts; most edges: {top}")
