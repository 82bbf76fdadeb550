"""Every mart's shape is a promise: its dbt contract is enforced, typed, and holds MARTS.md's required columns."""

from __future__ import annotations

import json

from tests.support.marts_spec import MARTS


def test_every_mart_has_an_enforced_contract_with_every_required_column(dbt_manifest):
    manifest = json.loads(dbt_manifest.read_text())
    marts = {n["name"]: n for n in manifest["nodes"].values()
             if n["resource_type"] == "model" and n["fqn"][1] == "marts"}
    assert set(marts) == set(MARTS), "MARTS.md's marts are the marts dbt builds"
    for name, node in marts.items():
        assert node["config"]["contract"]["enforced"], f"{name}: contract not enforced"
        untyped = [c for c, spec in node["columns"].items() if not spec.get("data_type")]
        assert not untyped, f"{name}: columns without a data_type: {untyped}"
        required = ["population", *MARTS[name][0]]
        missing = [c for c in required if c not in node["columns"]]
        assert not missing, f"{name}: MARTS.md's required columns missing from the contract: {missing}"
