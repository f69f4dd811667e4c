"""Adapters over HTTP: a bare endpoint against the same app's adapter, per framework (issue 8).

::

    python benchmarks/bench_http.py [--frameworks asgi,flask,django] [--rounds 5]
        [--requests 3000] [--concurrency 32] [--warmup 300] [--wsgi-workers 1] [--seconds 60]

For each framework one server process is started on a free 127.0.0.1 port (apps in
``benchmarks/http_apps.py``), serving both routes:

==========  ==============================================  ================================
framework   server                                          adapter on ``/hooks``
==========  ==============================================  ================================
asgi        ``uvicorn --factory http_apps:create_asgi``,    ``WebhookMiddleware`` around the
            1 worker, no access log                         Starlette app serving ``/bare``
flask       ``gunicorn 'http_apps:create_flask()'``, sync   a ``@webhook(receiver)`` view
            worker(s), ``--wsgi-workers``
django      ``gunicorn 'http_apps:create_django()'``, the   ``WebhookView.as_view(receiver=)``
            same
==========  ==============================================  ================================

``/bare`` reads the raw body and answers 200 ``{"ok":true}``; ``/hooks`` verifies the
bearer token, parses, dispatches to a handler that does nothing (no store) and
answers 200. Every request is a real Kourier ``delivery.updated`` with its bearer
token; in each round, bare and adapter get the very same body bytes (one distinct
event per request). After a warm-up of both routes and a sanity check (a wrong token
on ``/hooks`` must answer 401, proving the adapter verifies), rounds alternate,
ABBA-ordered (bare first in even rounds, adapter first in odd ones) so a drift of
the machine lands on both sides. A round is ``--requests`` requests over
``--concurrency`` keep-alive connections (the load generator of
``benchmarks/loadtest.py``, imported, on asyncio streams, in this process), bounded
by ``--seconds``. Latency is per request, from writing it to reading the whole
answer, excluding the wait for a free connection; it includes the TCP connect when
the server closed the connection (gunicorn's sync worker closes after every request).

Reported per round: requests/s, p50 and p99 latency, and the server's CPU time per
request (all its processes); per framework, the median over rounds of the ratio
adapter/bare of requests/s, against the target (>= 0.9).

Exit status: 0 when every request answered 200 in time (whether or not a target is
met: the table says), 1 when one did not, 2 when a server could not be started.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

BENCHMARKS = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHMARKS))

import httpx2  # noqa: E402
import loadtest  # noqa: E402 - the load generator, server helpers and stats, reused
from http_apps import BARE_PATH, HOOK_PATH, TOKEN  # noqa: E402

FRAMEWORKS = ("asgi", "flask", "django")
TARGET = 0.9
"""Adapter requests/s at least this fraction of the bare endpoint's, for every framework."""
MAX_SECONDS = 240.0
"""``--seconds`` (per round) at most this."""


# --- servers ------------------------------------------------------------------------------------


def server_command(framework: str, port: int, wsgi_workers: int) -> list[str]:
    """The command line serving ``framework``'s app on ``127.0.0.1:port``."""
    if framework == "asgi":
        return loadtest.uvicorn_command("http_apps:create_asgi", port, factory=True)
    factory = {"flask": "http_apps:create_flask()", "django": "http_apps:create_django()"}[framework]
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--chdir",
        str(BENCHMARKS),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(wsgi_workers),
        "--worker-class",
        "sync",
        "--backlog",
        "2048",
        "--log-level",
        "warning",
        factory,
    ]


@contextmanager
def serve(framework: str, wsgi_workers: int, log: TextIO) -> Iterator[tuple[str, int]]:
    """Start ``framework``'s server, wait (bounded) until ``/bare`` answers; yield URL and pid.

    The server is stopped (terminate, then kill) however the block ends.
    """
    port = loadtest.free_port()
    command = server_command(framework, port, wsgi_workers)
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + loadtest.STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                raise loadtest.SetupError(f"{framework} server exited early ({process.returncode})")
            try:
                if httpx2.get(base_url + BARE_PATH, timeout=2, trust_env=False).status_code == 200:
                    break
            except httpx2.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise loadtest.SetupError(
                    f"{framework} server did not answer within {loadtest.STARTUP_SECONDS:g} s"
                )
            time.sleep(0.1)
        yield base_url, process.pid
    finally:
        loadtest._stop(process)


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (gunicorn's workers), from ``/proc/<pid>/task/*/children``."""
    found = [pid]
    index = 0
    while index < len(found) and len(found) < 64:
        current = found[index]
        index += 1
        try:
            tasks = list(Path(f"/proc/{current}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            with suppress(OSError, ValueError):
                found.extend(int(child) for child in (task / "children").read_text().split())
    return found


def tree_cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds of ``pid`` and its descendants (those still running)."""
    total = 0.0
    for member in process_tree(pid):
        with suppress(OSError, IndexError, ValueError):
            total += loadtest.server_cpu_seconds(member)
    return total


# --- requests and rounds ------------------------------------------------------------------------


def bodies(run_id: str, count: int) -> list[bytes]:
    """``count`` Kourier events, one distinct delivery each."""
    return [loadtest.kourier_body(f"{run_id}-{n}") for n in range(count)]


def items(path: str, payloads: Sequence[bytes], token: str = TOKEN) -> list[loadtest.Item]:
    """One valid POST of each payload to ``path``, with Kourier's bearer token."""
    headers = loadtest.kourier_headers(token)
    return [loadtest.Item((loadtest.Planned("new", "POST", path, headers, body),)) for body in payloads]


@dataclass(frozen=True, slots=True)
class Result:
    """One measured round against one route."""

    route: str
    requests: int
    elapsed: float
    p50_ms: float
    p99_ms: float
    server_cpu_us: float
    """Server CPU per request, microseconds (every server process)."""
    client_cpu: float
    bad: Counter[int]
    """Statuses other than 200 (0: transport error) and unsent requests (-1)."""

    @property
    def rate(self) -> float:
        """Requests per second."""
        return self.requests / self.elapsed if self.elapsed else 0.0


async def measure(
    base_url: str, pid: int, route: str, work: Sequence[loadtest.Item], concurrency: int, seconds: float
) -> Result:
    """Send ``work`` over fresh keep-alive connections; time it and the server's CPU."""
    host, port = base_url.removeprefix("http://").rsplit(":", 1)
    transport = loadtest.RawTransport(host, int(port), concurrency)
    try:
        cpu = tree_cpu_seconds(pid)
        done = await loadtest.run_round(transport, work, concurrency, time.monotonic() + seconds)
        server_cpu = tree_cpu_seconds(pid) - cpu
    finally:
        await transport.aclose()
    latencies = [latency for o in done.outcomes for latency in o.latencies]
    bad: Counter[int] = Counter(s for o in done.outcomes for s in o.statuses if s != 200)
    if done.unsent:
        bad[-1] += done.unsent
    return Result(
        route,
        len(latencies),
        done.elapsed,
        loadtest.percentile(latencies, 0.5) * 1000,
        loadtest.percentile(latencies, 0.99) * 1000,
        server_cpu / max(1, len(latencies)) * 1e6,
        done.client_cpu,
        bad,
    )


async def sanity(base_url: str) -> list[str]:
    """The adapter verifies: a wrong token on ``/hooks`` answers 401, the right one 200."""
    failures = []
    payload = loadtest.kourier_body("sanity")
    async with httpx2.AsyncClient(timeout=loadtest.REQUEST_TIMEOUT, trust_env=False) as client:
        for token, expected in (("wrong-token", 401), (TOKEN, 200)):
            response = await client.post(
                base_url + HOOK_PATH, content=payload, headers=loadtest.kourier_headers(token)
            )
            if response.status_code != expected:
                failures.append(
                    f"{HOOK_PATH} with token {token!r}: {response.status_code}, expected {expected}"
                )
    return failures


@dataclass(slots=True)
class FrameworkRun:
    """Every round of one framework."""

    framework: str
    pairs: list[tuple[Result, Result]]
    """(bare, adapter) per round."""
    failures: list[str]

    def ratios(self) -> list[float]:
        """Adapter/bare requests/s, per round."""
        return [adapter.rate / bare.rate if bare.rate else 0.0 for bare, adapter in self.pairs]

    def median_ratio(self) -> float:
        """The median of :meth:`ratios` (0 when there are none)."""
        ratios = self.ratios()
        return statistics.median(ratios) if ratios else 0.0


def run_framework(framework: str, args: argparse.Namespace, log: TextIO, run_id: str) -> FrameworkRun:
    """Start the server, warm up, check, then the interleaved rounds; stop the server."""
    pairs: list[tuple[Result, Result]] = []
    failures: list[str] = []
    with serve(framework, args.wsgi_workers, log) as (base_url, pid):
        failures += asyncio.run(sanity(base_url))
        warm = bodies(f"{run_id}-{framework}-warm", args.warmup)
        for path in (BARE_PATH, HOOK_PATH):
            result = asyncio.run(
                measure(base_url, pid, path, items(path, warm), args.concurrency, args.seconds)
            )
            if result.bad:
                failures.append(f"warm-up {path}: {dict(result.bad)}")
        for number in range(args.rounds):
            payloads = bodies(f"{run_id}-{framework}-{number}", args.requests)
            order = (BARE_PATH, HOOK_PATH) if number % 2 == 0 else (HOOK_PATH, BARE_PATH)
            results: dict[str, Result] = {}
            for path in order:
                work = items(path, payloads)
                results[path] = asyncio.run(
                    measure(base_url, pid, path, work, args.concurrency, args.seconds)
                )
                if results[path].bad:
                    failures.append(f"round {number + 1} {path}: {dict(results[path].bad)}")
            pairs.append((results[BARE_PATH], results[HOOK_PATH]))
    return FrameworkRun(framework, pairs, failures)


# --- report -------------------------------------------------------------------------------------


def report(runs: Sequence[FrameworkRun], args: argparse.Namespace) -> None:
    """Print the per-round table and the summary against the targets."""
    print(
        f"# bench_http: {args.rounds} rounds x {args.requests} requests per route, concurrency "
        f"{args.concurrency}, warm-up {args.warmup}, gunicorn sync workers {args.wsgi_workers}"
    )
    print(f"# {loadtest.machine()}")
    header = (
        f"{'framework':<9}{'round':>6}  {'bare req/s':>10}{'p50 ms':>8}{'p99 ms':>8}{'cpu us':>8}"
        f"  {'adapter req/s':>13}{'p50 ms':>8}{'p99 ms':>8}{'cpu us':>8}{'ratio':>7}"
    )
    print(header)
    for run in runs:
        for number, ((bare, adapter), ratio) in enumerate(zip(run.pairs, run.ratios(), strict=True), 1):
            print(
                f"{run.framework:<9}{number:>6}  {bare.rate:>10.0f}{bare.p50_ms:>8.2f}{bare.p99_ms:>8.2f}"
                f"{bare.server_cpu_us:>8.0f}  {adapter.rate:>13.0f}{adapter.p50_ms:>8.2f}"
                f"{adapter.p99_ms:>8.2f}{adapter.server_cpu_us:>8.0f}{ratio:>7.2f}"
            )
    print()
    print(
        f"{'framework':<9}  {'bare req/s':>10}{'p50 ms':>8}{'p99 ms':>8}  {'adapter req/s':>13}"
        f"{'p50 ms':>8}{'p99 ms':>8}  {'cpu/req':>8}  {'ratio':>6}  target >= {TARGET:g}"
    )
    for run in runs:
        if not run.pairs:
            continue

        def med(values: list[float]) -> float:
            return statistics.median(values)

        bares = [bare for bare, _ in run.pairs]
        adapters = [adapter for _, adapter in run.pairs]
        ratio = run.median_ratio()
        cpu = med([a.server_cpu_us for a in adapters]) / max(1e-9, med([b.server_cpu_us for b in bares]))
        print(
            f"{run.framework:<9}  {med([b.rate for b in bares]):>10.0f}{med([b.p50_ms for b in bares]):>8.2f}"
            f"{med([b.p99_ms for b in bares]):>8.2f}  {med([a.rate for a in adapters]):>13.0f}"
            f"{med([a.p50_ms for a in adapters]):>8.2f}{med([a.p99_ms for a in adapters]):>8.2f}"
            f"  {cpu:>7.2f}x  {ratio:>6.2f}  {'met' if ratio >= TARGET else 'MISSED'}"
            f" (rounds {min(run.ratios()):.2f}..{max(run.ratios()):.2f})"
        )
    print(
        "(medians over rounds; ratio = adapter/bare requests/s, median of per-round ratios; "
        "cpu/req = server CPU per request, adapter/bare)"
    )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--frameworks", default=",".join(FRAMEWORKS), help="comma-separated subset")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per route (interleaved)")
    parser.add_argument("--requests", type=int, default=3000, help="requests per route per round")
    parser.add_argument("--concurrency", type=int, default=32, help="connections")
    parser.add_argument("--warmup", type=int, default=300, help="warm-up requests per route")
    parser.add_argument("--wsgi-workers", type=int, default=1, help="gunicorn sync workers")
    parser.add_argument(
        "--seconds", type=float, default=60.0, help=f"time limit per round, at most {MAX_SECONDS:g}"
    )
    args = parser.parse_args(argv)
    args.frameworks = [name.strip() for name in args.frameworks.split(",") if name.strip()]
    unknown = sorted(set(args.frameworks) - set(FRAMEWORKS))
    if unknown or not args.frameworks:
        parser.error(f"--frameworks: choose from {', '.join(FRAMEWORKS)}")
    if not (1 <= args.rounds <= 50 and 1 <= args.requests <= 100_000 and 1 <= args.concurrency <= 512):
        parser.error("--rounds 1..50, --requests 1..100000, --concurrency 1..512")
    if not (0 <= args.warmup <= 100_000 and 1 <= args.wsgi_workers <= 8):
        parser.error("--warmup 0..100000, --wsgi-workers 1..8")
    if not 0 < args.seconds <= MAX_SECONDS:
        parser.error(f"--seconds must be in (0, {MAX_SECONDS:g}]")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run every framework; 0 when every request answered 200, 1 when not, 2 on setup failure."""
    args = parse_args(argv)
    run_id = f"{os.getpid():x}{time.time_ns():x}"
    runs: list[FrameworkRun] = []
    with tempfile.TemporaryDirectory(prefix="bench-http-") as tmp:
        log_path = Path(tmp) / "server.log"
        # As in loadtest.py: latencies are timed in this process, keep full collections out.
        gc.freeze()
        gc.disable()
        try:
            with log_path.open("w") as log:
                for framework in args.frameworks:
                    runs.append(run_framework(framework, args, log, run_id))
        except loadtest.SetupError as exc:
            print(f"setup failed: {exc}", file=sys.stderr)
            print(log_path.read_text()[-4000:], file=sys.stderr)
            return 2
        finally:
            gc.enable()
        server_log = log_path.read_text()
    report(runs, args)
    failures = [f"{run.framework}: {failure}" for run in runs for failure in run.failures]
    if "Traceback" in server_log:
        failures.append("a server logged a traceback")
        print(server_log[server_log.index("Traceback") :][:3000], file=sys.stderr)
    print("checks: " + ("all passed" if not failures else "FAILED"))
    for failure in failures:
        print(f"  - {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
