"""Shared fixtures: generated dumps, the real data folder, a running Hub stand-in."""

from __future__ import annotations

import fcntl
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from ingestion.standin import HubStandIn
from ingestion.standin.synthetic import DumpSummary, write_hub_dump, write_leaderboard_archive

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"

# `make test` hands the tests to its workers one at a time (`--dist load --maxschedchunk 1`), in this order:
# the longest first, then the other tests that run pipelines, then the unit tests, which fill the gaps at the
# end. So no worker is still running a long test while the others have nothing left to do.
LONGEST_FIRST = (
    "tests/integration/test_scheduling.py",
    "tests/integration/test_adoption_history.py",
    "tests/integration/test_concurrency.py",
    "tests/acceptance/test_real_killed_run.py",
)


def pytest_collection_modifyitems(items):
    def rank(item) -> tuple[int, int]:
        module = item.nodeid.split("::")[0]
        if module in LONGEST_FIRST:
            return 0, LONGEST_FIRST.index(module)
        return (1 if module.startswith(("tests/integration/", "tests/acceptance/")) else 2), 0

    items.sort(key=rank)  # stable: the collection's order within each rank


def use_ram_for_scratch_files(min_free_bytes: int = 8 * 2**30) -> Path | None:
    """Put the tests' scratch files (pytest's tmp_path, every child's temporary folder) in RAM: a tmpfs
    /dev/shm with room to spare. The suite writes hundreds of small warehouses and Dagster SQLite event logs
    (a dozen commits per run step), and on disk every commit waits for the disk, which the parallel tests
    share. Nothing is changed where the developer chose TMPDIR, where OBSERVATORY_TEST_TMP_ON_DISK is set, or
    where no such tmpfs exists. Returns the folder used, or None."""
    if os.environ.get("TMPDIR") or os.environ.get("OBSERVATORY_TEST_TMP_ON_DISK"):
        return None
    shm = Path("/dev/shm")
    try:
        stats = os.statvfs(shm)
    except OSError:
        return None
    if stats.f_bavail * stats.f_frsize < min_free_bytes or not os.access(shm, os.W_OK):
        return None
    folder = shm / f"observatory-tests-{os.getuid()}"
    folder.mkdir(exist_ok=True)
    # others may pass through (not list): a test's server running as its own user (PostgreSQL's) reaches the
    # folder made for it inside, as it would under /tmp; pytest's own folders inside are private (0700)
    folder.chmod(0o711)
    os.environ["TMPDIR"] = str(folder)  # children (the `observatory` commands, dbt) inherit it
    tempfile.tempdir = None  # this process asks again
    return folder


def pytest_configure(config):
    use_ram_for_scratch_files()  # in pytest only (the benchmarks import this module for its fingerprint)

# Tests never reach the real Hub, whatever the developer's environment says.
os.environ.pop("HF_ENDPOINT", None)
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


def project_env(**overrides: str) -> dict[str, str]:
    """This process's environment without the project's settings (OBSERVATORY_*, DAGSTER_HOME), plus
    ``overrides``: a child command starts from its defaults, whatever the developer has set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OBSERVATORY_") and k != "DAGSTER_HOME"}
    env.update(overrides)
    return env


# The commands that run jobs print a short account and write the full log to a file; the tests read the
# full log (what Dagster and dbt said), so they ask for it on the console.
VERBOSE_COMMANDS = {"demo", "backfill-leaderboard"}


# The commands that load Dagster, dbt and Great Expectations. The tests run them in a child forked from a process
# that has imported those libraries already (tests/support/cli_zygote.py): each is spared 5-6 CPU-seconds of
# imports, some thirty times a run. The other commands, quick to start, run as a user starts them.
HEAVY_COMMANDS = {"demo", "backfill-leaderboard", "docs"}
_zygote = None


def run_cli(*args: str, env_extra: dict | None = None, timeout: float = 900, verbose: bool = True,
            fresh_process: bool = False) -> subprocess.CompletedProcess:
    """`observatory ARGS` in a child process (output captured), with ``project_env``; ``--verbose`` added to
    the commands that run jobs unless ``verbose`` is False. A heavy command's child is forked from the
    zygote (HEAVY_COMMANDS) unless ``fresh_process``; any other is a new interpreter,
    `python -m orchestration.cli ARGS`, as a user starts it."""
    global _zygote
    if verbose and args and args[0] in VERBOSE_COMMANDS:
        args = (*args, "--verbose")
    env = project_env(**(env_extra or {}))
    if fresh_process or not args or args[0] not in HEAVY_COMMANDS:
        return subprocess.run([sys.executable, "-m", "orchestration.cli", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=timeout)
    if _zygote is None or not _zygote.alive():
        from tests.support.cli_zygote import Zygote

        _zygote = Zygote(ROOT, project_env())
    return _zygote.run(list(args), ROOT, env, timeout)


def require_shared_data() -> Path:
    """The real data in ../shared/data; skip (with the reason) where it is absent, fail in CI."""
    if not (SHARED_DATA / "hub_dump" / "models.jsonl").is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{SHARED_DATA} is missing in CI, where it must be present")
        pytest.skip(f"real data folder {SHARED_DATA} is absent (it sits beside the checkout in CI)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def shared_data() -> Path:
    return require_shared_data()


@pytest.fixture(scope="session")
def small_dump(tmp_path_factory) -> tuple[Path, DumpSummary]:
    """A generated Hub dump of 1,500 models (seed 7) with its leaderboard dataset, one for the whole session
    (the same path for every worker: the stand-in's address follows from it)."""
    def build(folder):
        summary = write_hub_dump(folder / "hub_dump", n_models=1500, seed=7)
        (folder / "summary.pickle").write_bytes(pickle.dumps(summary))

    folder = build_once(tmp_path_factory, "small_dump", build)
    return folder / "hub_dump", pickle.loads((folder / "summary.pickle").read_bytes())


@pytest.fixture(scope="session")
def small_archive(tmp_path_factory) -> Path:
    return build_once(tmp_path_factory, "small_archive",
                      lambda folder: write_leaderboard_archive(folder, n_models=1500, seed=7))


@pytest.fixture()
def hub(small_dump):
    with HubStandIn(small_dump[0]) as server:
        yield server


@pytest.fixture(scope="session")
def dbt_manifest() -> Path:
    """The dbt manifest the Definitions load (prepared by dbt parse, never at import time)."""
    from orchestration.dbt.project import prepare_manifest

    return prepare_manifest()


def walk_first_parents(records: list[dict]):
    """A reference lineage walk in plain Python: model id -> (root, depth) by first declared parents."""
    from tests.support.lineage import declared_parents

    first_parent = {}
    for record in records:
        parents = declared_parents(record)
        if parents:
            first_parent[record["id"]] = parents[0]

    def walk(model_id: str) -> tuple[str, int]:
        depth = 0
        while model_id in first_parent:
            model_id, depth = first_parent[model_id], depth + 1
        return model_id, depth

    return walk


# When the crawls ran, not what they saw: two warehouses built from the same data at different times differ
# only there (the adoption marts' observed_through).
CRAWL_TIMES = ("observed_through",)


def mart_fingerprint(warehouse: Path, exact: bool = False, leave_out: tuple[str, ...] = CRAWL_TIMES) -> dict:
    """Row count and an order-independent hash of every mart, without the columns named in ``leave_out`` (by
    default the crawl times, see CRAWL_TIMES). Floating-point columns are rounded to 8 decimals first, unless
    ``exact``: then every bit counts (the marts are meant to be reproducible)."""
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        marts = [t for (t,) in con.execute("select table_name from information_schema.tables "
                                           "where table_schema = 'marts' order by 1").fetchall()]
        prints = {}
        for table in marts:
            columns = con.execute("select column_name, data_type from information_schema.columns "
                                  "where table_schema = 'marts' and table_name = ? order by ordinal_position",
                                  [table]).fetchall()
            columns = [(c, t) for c, t in columns if c not in leave_out]
            cells = ", ".join(f'round("{c}", 8)' if t in ("DOUBLE", "FLOAT") and not exact else f'"{c}"'
                              for c, t in columns)
            prints[table] = con.execute(f"select count(*), sum(hash(({cells}))) from marts.{table}").fetchone()
        return prints


def build_once(tmp_path_factory, name: str, build) -> Path:
    """A folder made by ``build(folder)`` once per test session, even under pytest-xdist (`make test`), where
    every worker runs the session fixtures: the first worker builds it in the folder the workers share, the
    others wait for it and read what it built. (Grouping the tests on one worker cannot do this here:
    pytest-xdist's groups do not take with pytest 9.)"""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    folder, done = shared / name, shared / f"{name}.built"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a failed attempt left
            folder.mkdir(parents=True)
            build(folder)
            done.touch()
    return folder
