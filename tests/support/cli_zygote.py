"""`observatory` commands for the tests, each in a process of its own forked from one that has the heavy
libraries imported already.

Every `observatory demo` the suite starts would otherwise spend 5-6 CPU-seconds importing Dagster, dagster-dbt
(and dbt), Great Expectations, pandas and scipy before it does anything (a demo of 1,500 models without the
archive: 28.6-33.2 CPU-seconds as a new interpreter, 23.7-27.3 forked, four interleaved pairs), some thirty
times a run. The zygote (this module run as a script, one per test worker) imports those libraries once, then
for each request forks a child that becomes the command: the request's working folder, environment, arguments
and output files, then `python -m orchestration.cli` as usual, down to the interpreter's own exit (atexit
handlers, exit status, a traceback on an uncaught error). The project's own modules are never preloaded: each
command imports them afresh, so every setting they read at import comes from the request's environment. Only
libraries that read no project setting at import are preloaded (huggingface_hub reads its
endpoint and cache settings at import, so it is not). The children share the zygote's hash seed: a test
that two runs give the same bytes runs one of them as a new interpreter.

Protocol (one JSON object per line): the test sends {"args", "env", "cwd", "stdout", "stderr"}; the zygote
answers {"pid"} once the child runs and {"status", "cpu_seconds"} (the exit status, -N for a signal; the CPU
time of the command and the processes it waited for) when it ends. A command's time counts from its {"pid"}:
a new zygote answers its first request only after its imports, which on a busy machine take longer than some
commands are given. Should an answer never come, the zygote is stopped (a late answer would be taken for the
next command's), and the next command starts a new one.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# how long a new zygote may take to import the libraries below before it answers its first request
STARTUP_SECONDS = 300
# imported once, before any request: what an `observatory` command imports that costs the most
PRELOADED = ("dagster", "dagster_dbt", "great_expectations", "great_expectations.expectations", "pandas",
             "duckdb", "pyarrow", "networkx", "pygments.lexers", "rich", "alembic")


def _preload() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")  # as orchestration.quality.suites sets it
    for name in PRELOADED:
        __import__(name)


def _serve(control_in, control_out) -> dict:
    """Answer requests until the test worker goes away; in a forked child, return the child's request."""
    for line in control_in:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            return request
        with contextlib.suppress(OSError):  # the child does it too: whichever comes first
            os.setpgid(pid, pid)
        control_out.write(json.dumps({"pid": pid}) + "\n")
        control_out.flush()
        _, status, usage = os.wait4(pid, 0)
        control_out.write(json.dumps({"status": os.waitstatus_to_exitcode(status),
                                      "cpu_seconds": usage.ru_utime + usage.ru_stime}) + "\n")
        control_out.flush()
    raise SystemExit(0)


def _become(request: dict) -> None:
    """This forked child turns into the requested command's process."""
    os.setpgid(0, 0)  # its own process group: a timed-out command is stopped with whatever it started
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    tempfile.tempdir = None  # asked again, from this environment's TMPDIR
    devnull = os.open(os.devnull, os.O_RDONLY)
    out = os.open(request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    err = os.open(request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    for fd, target in ((devnull, 0), (out, 1), (err, 2)):
        os.dup2(fd, target)
        os.close(fd)
    sys.argv = ["observatory", *request["args"]]


def main() -> None:
    control_in = os.fdopen(os.dup(0), "r")
    control_out = os.fdopen(os.dup(1), "w")
    _preload()
    request = _serve(control_in, control_out)
    control_in.close()
    control_out.close()
    _become(request)
    import runpy

    runpy.run_module("orchestration.cli", run_name="__main__", alter_sys=True)


class Zygote:
    """The test side: one zygote per test process, started on first use, gone when the process ends."""

    def __init__(self, root: Path, env: dict[str, str]):
        # what the zygote itself might say (it says nothing unless it breaks) goes to a file beside the tests'
        self.log = Path(tempfile.gettempdir()) / f"cli-zygote-{os.getpid()}.log"
        with open(self.log, "wb") as errors:
            self.proc = subprocess.Popen([sys.executable, "-m", "tests.support.cli_zygote"], cwd=root, env=env,
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, bufsize=0)
        self.pending = b""
        self.cpu_seconds = 0.0  # of the last command, its children included
        atexit.register(self.close)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        if self.alive():
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        if self.log.is_file() and not self.log.stat().st_size:  # kept only when the zygote said something
            self.log.unlink()

    def run(self, args: list[str], cwd: Path, env: dict[str, str], timeout: float) -> subprocess.CompletedProcess:
        """``args`` as `observatory ARGS` would run them, output captured (as ``subprocess.run`` gives it)."""
        with tempfile.TemporaryDirectory(prefix="cli-") as scratch:
            stdout, stderr = Path(scratch) / "stdout", Path(scratch) / "stderr"
            request = {"args": args, "cwd": str(cwd), "env": env, "stdout": str(stdout), "stderr": str(stderr)}
            self.proc.stdin.write((json.dumps(request) + "\n").encode())
            pid = self._expect(STARTUP_SECONDS, "child for the command")["pid"]
            try:
                answer = self._answer(time.monotonic() + timeout)
                status, self.cpu_seconds = answer["status"], answer["cpu_seconds"]
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):  # it may have ended meanwhile
                    os.killpg(pid, signal.SIGKILL)
                self._expect(60, "end of the command it was told to stop")
                raise subprocess.TimeoutExpired(["observatory", *args], timeout) from None
            return subprocess.CompletedProcess(["observatory", *args], status, stdout.read_text(),
                                               stderr.read_text())

    def _expect(self, seconds: float, what: str) -> dict:
        """The zygote's next answer, which must come within ``seconds``; if it does not, the zygote is stopped:
        its answer, coming later, would be read as the next command's."""
        try:
            return self._answer(time.monotonic() + seconds)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise RuntimeError(f"the tests' command zygote gave no {what} within {seconds:.0f} s and was stopped "
                               f"(the next command starts a new one; its log: {self.log})") from None

    def _answer(self, deadline: float) -> dict:
        while b"\n" not in self.pending:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.proc.stdout], [], [], left)[0]:
                raise subprocess.TimeoutExpired("observatory", 0)
            chunk = os.read(self.proc.stdout.fileno(), 4096)
            if not chunk:
                raise RuntimeError(f"the tests' command zygote ended (exit status {self.proc.wait()}; its log: "
                                   f"{self.log})")
            self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        return json.loads(line)


if __name__ == "__main__":
    main()
