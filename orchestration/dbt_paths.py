"""Where the dbt project and its manifest are, and which dbt runs (importable without dagster-dbt)."""

import shutil
import sys
from pathlib import Path

DBT_PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"
MANIFEST_PATH = DBT_PROJECT_DIR / "target" / "manifest.json"


def dbt_executable() -> str:
    """The dbt installed beside this Python (the venv's), so that no PATH set-up is needed."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else "dbt"


# dagster-dbt gives every invocation its own target folder (about 8 MB: compiled SQL, artifacts, logs).
# The newest few are kept for debugging; older ones go, so scheduled runs do not fill the disk.
KEEP_INVOCATION_DIRS = 5
INVOCATION_PREFIX = "observatory_dbt_models-"


def prune_invocation_dirs(target_root: Path, keep: int) -> list[Path]:
    """Remove all but the ``keep`` newest per-invocation target folders; returns those removed."""
    folders = sorted((p for p in target_root.glob(INVOCATION_PREFIX + "*") if p.is_dir()),
                     key=lambda p: p.stat().st_mtime, reverse=True)
    for folder in folders[keep:]:
        shutil.rmtree(folder, ignore_errors=True)
    return folders[keep:]
