"""Instructions per request of a gunicorn worker, ours against bare + ``json.loads`` (Flask, Django).

The noise-proof twin of ``bench_wrk.py``'s Flask and Django rows. Under ``wrk`` the
ratio of two routes moves by about 0.03 from one run to the next on this machine;
the instructions a request costs do not. Here a gunicorn ``SyncWorker`` runs in the
measured process, and each request goes through its whole ``handle()`` over a
socketpair, exactly as ``bench_wrk.py``'s servers serve it: gunicorn's parser and
environ, the framework's routing and request objects, the app, the response
written, the connection closed. The kernel's part, the accept and the scheduling are
all that a server adds. Each route is counted with ``_callgrind.measure``, which runs
the empty loop too and subtracts it. The routes are ``http_apps.py``'s:

- ``/bare-json``: a view that reads the body and runs ``json.loads`` on it, the
  baseline of issue 18's target;
- ``/ours/<provider>``: the adapter in front of a ``Receiver`` that verifies, parses,
  dispatches and answers.

The bodies and signed headers are ``bench_wrk.py``'s: 1 KiB, signed in the child
just before each provider is counted, with the real clock the receivers check.

    python benchmarks/count_wsgi.py [--frameworks flask,django] [--calls 100] [--json PATH]

The ratio printed is bare + ``json.loads`` over ours, as ``bench_wrk.py`` divides
requests per second (so 0.9 is the target's line). In a server the caches are cold
for every request, which instruction counts do not see; RESULTS.md ("Issue 18, fifth
part") explains why ``wrk`` then shows lower ratios. Needs ``valgrind`` and ``gcc``
(``_callgrind.py``), gunicorn, Flask and Django; about 2 minutes per framework.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import _callgrind  # noqa: E402
import http_apps  # noqa: E402

FRAMEWORKS = ("flask", "django")
PROVIDERS = ("standard-webhooks", "stripe", "slack", "courier", "kourier")
TARGET = 0.9
"""bench_wrk.py's target: ours serves at least 0.9x the requests of bare + json.loads."""


# --- the child: runs under callgrind ------------------------------------------------------------


def serve_once(worker: Any, request: bytes) -> Callable[[], bytes]:
    """One request through ``worker.handle`` over a socketpair: the bytes answered."""

    class Listener:  # what SyncWorker.handle asks of the listening socket
        def getsockname(self) -> tuple[str, int]:
            return ("127.0.0.1", 8000)

    listener = Listener()

    def call() -> bytes:
        client, server = socket.socketpair()
        try:
            client.sendall(request)
            client.shutdown(socket.SHUT_WR)  # the whole request sent: no wait for more
            worker.handle(listener, server, ("127.0.0.1", 40000))
            return client.recv(1 << 16)
        finally:
            client.close()

    return call


def child(framework: str, providers: list[str], calls: int) -> None:
    """Count each route's requests; the app and worker are made here, in the measured process."""
    import bench_wrk
    from gunicorn.config import Config
    from gunicorn.glogging import Logger
    from gunicorn.workers.sync import SyncWorker

    app = http_apps.create_django() if framework == "django" else http_apps.create_flask()
    config = Config()
    config.set("loglevel", "warning")
    worker = SyncWorker(0, os.getppid(), [], None, 30, config, Logger(config))
    worker.wsgi = app
    for provider in providers:
        raw = bench_wrk.body(provider)
        headers = bench_wrk.signed_headers(provider, raw)
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        for route in (http_apps.JSON_PATH, http_apps.our_path(provider)):
            request = (
                f"POST {route} HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n{head}Content-Length: {len(raw)}\r\n\r\n"
            ).encode() + raw
            call = serve_once(worker, request)
            answered = call()
            assert answered.startswith(b"HTTP/1.1 200"), (framework, route, answered[:300])
            _callgrind.measure(f"{provider}|{route}", call, calls)


# --- the parent ----------------------------------------------------------------------------------


def count(framework: str, providers: list[str], calls: int) -> list[dict[str, Any]]:
    """Run one framework's child under callgrind: a row per provider."""
    command = [sys.executable, __file__, "--child", framework, "--providers", ",".join(providers)]
    per_call = _callgrind.count([*command, "--calls", str(calls)], timeout=1800).per_call
    rows = []
    for provider in providers:
        bare, ours = (
            per_call[f"{provider}|{http_apps.JSON_PATH}"],
            per_call[f"{provider}|{http_apps.our_path(provider)}"],
        )
        rows.append(
            {
                "framework": framework,
                "provider": provider,
                "bare_json": bare,
                "ours": ours,
                "ratio": bare / ours,
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--frameworks", default=",".join(FRAMEWORKS))
    parser.add_argument("--providers", default=",".join(PROVIDERS))
    parser.add_argument("--calls", type=int, default=100, help="requests per route (default 100)")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    providers = [name for name in args.providers.split(",") if name]
    if args.child:
        child(args.child, providers, args.calls)
        return
    _callgrind.require_tools()
    print("# instructions per request of a gunicorn SyncWorker's handle(), in process (callgrind);")
    print(f"# ratio = bare + json.loads / ours (bench_wrk.py's target: >= {TARGET})")
    print(f"{'framework':<9} {'provider':<18} {'bare+json':>12} {'ours':>12} {'ratio':>7}")
    rows = []
    for framework in (name for name in args.frameworks.split(",") if name):
        for row in count(framework, providers, args.calls):
            rows.append(row)
            mark = "" if row["ratio"] >= TARGET else " !"
            print(
                f"{framework:<9} {row['provider']:<18} {row['bare_json']:>12,.0f} {row['ours']:>12,.0f}"
                f" {row['ratio']:>7.3f}{mark}"
            )
    if args.json:
        args.json.write_text(json.dumps({"target": TARGET, "rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
