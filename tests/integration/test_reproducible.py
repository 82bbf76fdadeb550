"""The marts are reproducible: the same input, rebuilt, gives the same bytes (no summation-order noise)."""

from __future__ import annotations

import pytest

from tests.conftest import mart_fingerprint, run_cli

pytestmark = pytest.mark.integration


def test_a_rebuild_on_unchanged_input_changes_no_bit_of_any_mart(case):
    warehouse, _, _, _, _ = case
    before = mart_fingerprint(warehouse, exact=True)  # as the demo built them
    # re-land one export exactly as it was, then rebuild every model; in a new interpreter, with a hash seed of
    # its own (a child of the tests' zygote shares the zygote's): no set's order may reach a mart
    out = run_cli("backfill-leaderboard", str(warehouse.parent / "one_good_export"), "--warehouse", str(warehouse),
                  fresh_process=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert mart_fingerprint(warehouse, exact=True) == before
