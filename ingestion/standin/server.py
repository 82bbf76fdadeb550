"""Runs the Hub stand-in (``ingestion.standin.api``) on 127.0.0.1 in a background thread."""

from __future__ import annotations

import hashlib
import socket
import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path

from ingestion.standin.api import FaultHook, HubRequestHandler
from ingestion.standin.dump import HubDump


class _Server(ThreadingHTTPServer):
    """A threading HTTP server that, when stopped, also closes the connections clients keep alive. Otherwise
    the thread of a kept-alive connection would go on answering from the stopped stand-in's dump: a client
    that crawls again within its keep-alive time (a few seconds) would be served yesterday's Hub by a new
    stand-in on the same port."""

    daemon_threads = True

    def __init__(self, *args, **kwargs):
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def process_request(self, request, client_address):
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_open_connections(self) -> None:
        with self._open_lock:
            still_open = list(self._open)
        for connection in still_open:
            try:
                connection.shutdown(socket.SHUT_RDWR)  # the handler's next read ends; the client sees it closed
            except OSError:
                pass


class HubStandIn:
    """Runs the stand-in on 127.0.0.1 in a background thread; use as a context manager."""

    def __init__(self, dump_dir: str | Path, port: int = 0, fault_hook: FaultHook | None = None,
                 stable_port: bool = False, evals_dir: str | Path | None = None):
        """``port`` 0 picks a free port. With ``stable_port``, the port is derived from the dump's path (the
        same dump, the same endpoint: a crawl interrupted in one demo resumes in the next, since a crawl's
        checkpoint belongs to its endpoint), falling back to a free port when it is taken. ``evals_dir``: a
        folder of real evaluation files served beside the dump (ingestion/standin/evals.py)."""
        self.dump = HubDump(dump_dir)
        self.evals = None
        if evals_dir is not None:
            from ingestion.standin.evals import MTEB_REPO_ID, EvalsFolder

            self.evals = EvalsFolder(evals_dir)
            self.serve_evals_step(None)
            for repo_id, spec in self.evals.benchmarks.items():
                self.dump.put_files(repo_id, {"eval.yaml": spec})
            if self.evals.mteb_dir is not None:
                self.dump.mount(MTEB_REPO_ID, self.evals.mteb_dir)
        handler = type("BoundHubRequestHandler", (HubRequestHandler,),
                       {"dump": self.dump, "fault_hook": staticmethod(fault_hook) if fault_hook else None})
        if stable_port and not port:
            digest = hashlib.sha1(str(self.dump.root).encode()).digest()
            try:
                self.server = _Server(("127.0.0.1", 20000 + int.from_bytes(digest[:2]) % 20000), handler)
            except OSError:  # taken: any free port
                self.server = _Server(("127.0.0.1", 0), handler)
        else:
            self.server = _Server(("127.0.0.1", port), handler)
        self.server.seen_authorization = set()  # type: ignore[attr-defined]  (tests check tokens are sent)
        self._thread: threading.Thread | None = None

    def serve_evals_step(self, step: int | None) -> None:
        """Serve the evals folder's model repos at main revision ``step`` (None: the latest), as if the Hub had
        just received those commits (a replay of their history)."""
        for record in self.evals.model_records(step):
            self.dump.put(record)

    @property
    def endpoint(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> HubStandIn:
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), name="hub-standin", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.close_open_connections()
        self.server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> HubStandIn:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Serve a Hub dump directory on 127.0.0.1 like the Hub API.")
    parser.add_argument("dump", type=Path)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--evals", type=Path, help="a folder of evaluation files laid out like ../shared/data/evals")
    args = parser.parse_args(argv)
    with HubStandIn(args.dump, port=args.port, evals_dir=args.evals) as hub:
        # the orders the crawler lists all models by, sorted before the first request, as the Hub's index is:
        # sorting 2M records in Python on the first listing took 5 s, which a benchmark charged to the crawl
        from ingestion.hub.crawl import LISTING_SORT

        for sort in LISTING_SORT.values():
            hub.dump.view(sort, (), None, None, None)
        print(f"serving {args.dump} ({len(hub.dump.models)} models) at {hub.endpoint}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
