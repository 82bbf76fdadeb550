"""The house rules of the layout, checked: small modules, staging that only renames and casts, marts that
read intermediates, ingestion without dagster, the stand-in out of the production path."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import ROOT

MAX_MODULE_LINES = 300
PRODUCTION = ("ingestion", "orchestration")


def python_modules(*folders: str):
    for folder in folders:
        yield from (p for p in (ROOT / folder).rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("path", sorted(python_modules("ingestion", "orchestration", "tests", "bench")),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_is_long(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_MODULE_LINES


def test_ingestion_never_imports_dagster():
    offenders = [str(p.relative_to(ROOT)) for p in python_modules("ingestion")
                 if re.search(r"^\s*(import|from) dagster", p.read_text(encoding="utf-8"), re.M)]
    assert offenders == []


def test_production_code_does_not_import_the_standin():
    """Only the CLI's demo (and the tests) point the client at the stand-in."""
    allowed = {"ingestion/standin", "orchestration/cli"}
    offenders = []
    for path in python_modules(*PRODUCTION):
        rel = str(path.relative_to(ROOT))
        if any(rel.startswith(a) for a in allowed):
            continue
        if "ingestion.standin" in path.read_text(encoding="utf-8"):
            offenders.append(rel)
    assert offenders == []


def _sql_without_comments(text: str) -> str:
    text = re.sub(r"\{#.*?#\}", " ", text, flags=re.S)
    return re.sub(r"--[^\n]*", " ", text).lower()


def test_staging_only_renames_and_casts():
    for path in (ROOT / "dbt_project" / "models" / "staging").rglob("*.sql"):
        sql = _sql_without_comments(path.read_text(encoding="utf-8"))
        for word in ("join", "union", "where", "group by", "having", "qualify"):
            assert not re.search(rf"\b{word}\b", sql), f"{path.name} has a {word}"


def test_marts_read_intermediates_never_marts(dbt_manifest):
    manifest = json.loads(dbt_manifest.read_text())
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or node["fqn"][1] != "marts":
            continue
        upstream = [u.split(".")[-1] for u in node["depends_on"]["nodes"]]
        assert not [u for u in upstream if u.startswith("mart_")], f"{node['name']} reads a mart"
        assert not [u for u in upstream if u.startswith("stg_")], f"{node['name']} skips the intermediate layer"


def test_every_mart_has_its_own_yml(dbt_manifest):
    manifest = json.loads(dbt_manifest.read_text())
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model" and node["fqn"][1] == "marts":
            assert node["patch_path"].endswith(f"marts/{node['name']}.yml"), node["patch_path"]
