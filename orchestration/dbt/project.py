"""The dbt project: where it is, its manifest (prepared by `dbt parse`, never at import time), the
translator that maps its nodes to Dagster assets, and housekeeping of dbt's target folders.

dbt reads the warehouse from OBSERVATORY_WAREHOUSE itself (dbt_project/profiles.yml), taking a
relative path from the project root as ``ingestion.settings`` does, so both open the same file.
"""

import fcntl
from contextlib import contextmanager
import importlib.metadata
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject
from packaging import version

from ingestion.settings import PROJECT_ROOT
from orchestration.dbt.freshness import freshness_policy

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
MANIFEST_PATH = DBT_PROJECT_DIR / "target" / "manifest.json"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def dbt_executable() -> str:
    """The dbt installed beside this Python (the venv's), so that no PATH set-up is needed."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else "dbt"


@contextmanager
def one_at_a_time(lock_file: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_file`` (made if absent) while the block runs: processes that prepare
    the same artefact at once take turns; each checks again inside whether the one before made it."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_file, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        yield


def prepare_manifest(force: bool = False) -> Path:
    """Run `dbt parse` so that the Dagster definitions can load the manifest (not done at import time).
    Processes that start at once (parallel tests, two commands) parse one after the other, not together."""
    if MANIFEST_PATH.exists() and not force and not _manifest_stale(DBT_PROJECT_DIR, MANIFEST_PATH):
        return MANIFEST_PATH
    with one_at_a_time(MANIFEST_PATH.parent / ".parse.lock"):
        if MANIFEST_PATH.exists() and not force and not _manifest_stale(DBT_PROJECT_DIR, MANIFEST_PATH):
            return MANIFEST_PATH  # parsed by the process we waited for
        print("preparing the dbt manifest (dbt parse)...", flush=True)
        subprocess.run([dbt_executable(), "parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
                        "--profiles-dir", str(DBT_PROJECT_DIR)], check=True, cwd=DBT_PROJECT_DIR)
    return MANIFEST_PATH


def _manifest_stale(project_dir: Path, manifest: Path) -> bool:
    built = manifest.stat().st_mtime
    for folder in ("models", "seeds", "macros", "snapshots", "tests"):
        for path in (project_dir / folder).rglob("*"):
            if path.is_file() and path.stat().st_mtime > built:
                return True
    return (project_dir / "dbt_project.yml").stat().st_mtime > built


class ObservatoryTranslator(DagsterDbtTranslator):
    """Groups follow the dbt folders (staging, intermediate, marts, seeds); sources map to raw assets."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "seeds"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "dbt"  # the folder under models/: staging, intermediate, audit, marts

    def get_owners(self, dbt_resource_props: Mapping[str, Any]):
        return ["team:analytics-engineering"]

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project) -> dg.AssetSpec:
        """dagster-dbt's spec, with the model's FreshnessPolicy (its `meta.freshness_hours`, freshness.py)."""
        spec = super().get_asset_spec(manifest, unique_id, project)
        policy = freshness_policy(self.get_resource_props(manifest, unique_id))
        return spec.replace_attributes(freshness_policy=policy) if policy else spec


# dbt tests become asset checks of the models they test. Tests on sources become checks of the raw assets,
# run by the raw assets' gates, not by the dbt build (source_tests.py says why).
translator = ObservatoryTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))

# dagster-dbt gives every invocation its own target folder (about 8 MB: compiled SQL, artifacts, logs).
# The newest few are kept for debugging; older ones go, so scheduled runs do not fill the disk.
KEEP_INVOCATION_DIRS = 5
INVOCATION_PREFIX = "observatory_dbt_models-"


def prune_invocation_dirs(target_root: Path, keep: int, prefix: str = INVOCATION_PREFIX) -> list[Path]:
    """Remove all but the ``keep`` newest per-invocation target folders named ``prefix*``; returns those removed."""
    folders = sorted((p for p in target_root.glob(prefix + "*") if p.is_dir()),
                     key=lambda p: p.stat().st_mtime, reverse=True)
    for folder in folders[keep:]:
        shutil.rmtree(folder, ignore_errors=True)
    return folders[keep:]


class ObservatoryDbtCli(DbtCliResource):
    """dagster-dbt's dbt CLI resource, with three savings on every invocation:

    - it knows the version of dbt-core installed beside it (the executable of ``dbt_executable()``, in the same
      environment) instead of starting `dbt --version` (about 2 s); tests/unit/test_definitions.py checks that
      the two agree;
    - it makes no dbt adapter in the Dagster process: dagster-dbt builds one (loading the profile and every
      macro of the project: 1.7 s the first time in a process, 0.5 s each time after) only for its
      ``fetch_row_counts`` and ``fetch_column_metadata``, which this project does not use (the asset
      metadata is read by orchestration/metadata.py once dbt has let go of the warehouse);
    - an invocation starts from the parse saved by the last one on the same warehouse, or lent by one on a
      warehouse of the same name (parse_cache.py), not from the project's, which was made for another
      warehouse path and makes dbt parse everything again.
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args) -> None:
        return None  # dagster-dbt's invocation takes None as "no adapter" (as with the Fusion engine)

    def cli(self, args, *, target_path: Path | None = None, context=None, **kwargs):
        # A job that builds part of the graph runs the tests whose every parent it builds, not those of
        # models it leaves alone that merely read a seed or model it builds (dbt's default, "eager", would
        # run a test of an unbuilt mart). dagster-dbt reads this variable when it picks the tests to run.
        os.environ.setdefault("DBT_INDIRECT_SELECTION", "cautious")
        target_path = target_path or self._get_unique_target_path(context=context)
        # dagster-dbt copies the project's parse only where none is there yet
        from orchestration.dbt.parse_cache import start_from_saved_parse  # it reads this module's paths

        start_from_saved_parse(Path(dbt_project.project_dir) / target_path)
        return super().cli(args, target_path=target_path, context=context, **kwargs)
