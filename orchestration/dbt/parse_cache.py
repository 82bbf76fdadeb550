"""dbt's saved parse, kept per warehouse, and lent to a new warehouse file of the same name.

dbt parses the whole project again (about 3 s of CPU here) when the profile differs from the one its saved
parse (partial_parse.msgpack) was made with. It tells by a hash of the profile's connection settings
(``state_check.profile_hash``), and the profile names the warehouse file. (It does not notice a parse made
in another checkout, whose seed paths point there: the parses are kept per project folder too.) So:

- the parse of the last invocation on a warehouse is kept for the next one on the same warehouse
  (``keep_parse``, ``saved_parse``);
- an invocation on a warehouse with no saved parse yet borrows the parse saved for the warehouse of the same
  file name and settings that last kept one (``lend_parse``; a small JSON file names it): the only setting that differs is the folder, and the parse
  depends on the database name (the file name), never on the folder. The borrowed copy carries the new
  profile's hash in place of the old. The two hashes are computed as dbt computes them; if the old one is not
  found in the file exactly once (a dbt that hashes otherwise), nothing is lent and dbt parses as before.
"""

from __future__ import annotations

import hashlib
import json
import os
import pprint
import shutil
from collections.abc import Mapping
from pathlib import Path

import yaml

from orchestration.dbt.project import DBT_PROJECT_DIR, dbt_project

PARSE_CACHE = DBT_PROJECT_DIR / "target" / "partial_parse"
PARTIAL_PARSE = "partial_parse.msgpack"
KEEP_PARSES = 20
WAREHOUSE_ENV = "OBSERVATORY_WAREHOUSE"
PROFILE_ENV = (WAREHOUSE_ENV, "OBSERVATORY_DBT_MEMORY_LIMIT")  # what profiles.yml reads
LENDER_PREFIX = "lender-"


def _key(values: str) -> str:
    return hashlib.sha256(values.encode()).hexdigest()[:16]


def saved_parse(env: Mapping[str, str] = os.environ) -> Path:
    """Where the parse of dbt invocations with these profile settings (the warehouse) is kept."""
    values = [f"project={DBT_PROJECT_DIR}"] + [f"{name}={env.get(name, '')}" for name in PROFILE_ENV]
    return PARSE_CACHE / f"{_key('|'.join(values))}.msgpack"


def _lender(env: Mapping[str, str] = os.environ) -> Path:
    """Which warehouse of this file name (and these other settings) last kept a parse: a JSON file naming it."""
    values = [f"project={DBT_PROJECT_DIR}", f"name={Path(env.get(WAREHOUSE_ENV) or 'warehouse.duckdb').name}"]
    values += [f"{name}={env.get(name, '')}" for name in PROFILE_ENV if name != WAREHOUSE_ENV]
    return PARSE_CACHE / f"{LENDER_PREFIX}{_key('|'.join(values))}.json"


def _write_atomically(destination: Path, data: bytes) -> None:
    """Written aside and renamed: a parallel run never reads half a file."""
    aside = destination.with_name(f"{destination.name}.{os.getpid()}.tmp")
    aside.write_bytes(data)
    os.replace(aside, destination)


def keep_parse(target_path: Path | str) -> None:
    """Save the parse dbt wrote in an invocation's target folder for the next invocation on this warehouse,
    and name this warehouse as the one to lend it to a new warehouse of the same name; older saved parses
    beyond the newest KEEP_PARSES go."""
    written = Path(dbt_project.project_dir) / target_path / PARTIAL_PARSE
    if not written.is_file():
        return
    PARSE_CACHE.mkdir(parents=True, exist_ok=True)
    _write_atomically(saved_parse(), written.read_bytes())
    _write_atomically(_lender(), json.dumps({WAREHOUSE_ENV: os.environ.get(WAREHOUSE_ENV, "")}).encode())
    for pattern in ("*.msgpack", f"{LENDER_PREFIX}*.json"):
        for old in sorted(PARSE_CACHE.glob(pattern), key=lambda p: p.stat().st_mtime, reverse=True)[KEEP_PARSES:]:
            old.unlink(missing_ok=True)


def start_from_saved_parse(target_folder: Path) -> str:
    """Put the parse this invocation should start from into its target folder; says which: "saved" (the last
    one on this warehouse), "lent" (one of a warehouse of the same name elsewhere) or "none" (dbt parses all)."""
    target_folder.mkdir(parents=True, exist_ok=True)
    saved = saved_parse()
    if saved.is_file():
        shutil.copyfile(saved, target_folder / PARTIAL_PARSE)
        return "saved"
    lent = lend_parse()
    if lent is not None:
        (target_folder / PARTIAL_PARSE).write_bytes(lent)
        return "lent"
    return "none"


def lend_parse() -> bytes | None:
    """The parse kept for the warehouse of this one's name that last kept one, with this profile's hash in place
    of its own; None when there is none, or when it cannot be shown to differ from this profile's in the hash
    alone."""
    try:
        made_for = json.loads(_lender().read_text())[WAREHOUSE_ENV]
        then_env = dict(os.environ, **{WAREHOUSE_ENV: made_for})
        data = saved_parse(then_env).read_bytes()
    except (OSError, ValueError, KeyError):
        return None
    then_database, then_hash = profile_hash(then_env)
    now_database, now_hash = profile_hash(os.environ)
    if then_database != now_database or data.count(then_hash.encode()) != 1:
        return None  # another database name, or the file's hash is not the one dbt would have made
    return data.replace(then_hash.encode(), now_hash.encode())


def profile_hash(env: Mapping[str, str]) -> tuple[str, str]:
    """The database name and dbt's profile hash (ManifestLoader.build_manifest_state_check: sha256 of the
    pretty-printed, sorted connection info of the credentials) for the project's profile under ``env``."""
    import jinja2
    from dbt.adapters.duckdb.credentials import DuckDBCredentials

    def env_var(name: str, default: str | None = None) -> str:  # dbt's env_var, on ``env``
        if name in env:
            return env[name]
        if default is None:
            raise KeyError(f"profiles.yml reads the environment variable {name}, which is not set")
        return default

    templates = jinja2.Environment()

    def render(value):
        if isinstance(value, dict):
            return {k: render(v) for k, v in value.items()}
        return templates.from_string(value).render(env_var=env_var) if isinstance(value, str) else value

    profile = yaml.safe_load((Path(dbt_project.profiles_dir) / "profiles.yml").read_text())["observatory"]
    output = render(dict(profile["outputs"][profile["target"]]))
    output.pop("type")
    output.pop("threads", None)
    data = DuckDBCredentials.translate_aliases(output)
    DuckDBCredentials.validate(data)
    credentials = DuckDBCredentials.from_dict(data)
    connection_info = sorted(credentials.connection_info())
    return credentials.database, hashlib.sha256(pprint.pformat(connection_info).encode()).hexdigest()
