"""Adapters over HTTP: a bare endpoint against the same app's adapter, per framework (issue 8).

::

    python benchmarks/bench_http.py [--frameworks asgi,flask,django] [--rounds 7]
        [--requests 4000] [--blocks 8] [--concurrency 32] [--warmup 300] [--wsgi-workers 1]
        [--seconds 60] [--max-others 0.1] [--no-pin] [--json PATH]
    python benchmarks/bench_http.py --in-process [--frameworks ...] [--rounds 9] [--requests 2000]

For each framework one server process is started on a free 127.0.0.1 port (apps in
``benchmarks/http_apps.py``), serving every route:

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
answers 200; ``/stub`` is the same adapter in front of a receiver that answers that
200 without verifying, parsing or dispatching (``http_apps.AnswerOnly``), which
splits the adapter's own cost (stub - bare) from the receiver's (hooks - stub).
Every request is a real Kourier ``delivery.updated`` with its bearer token; in each
round, every route gets the very same body bytes (one distinct event per request).
After a warm-up of every route and a sanity check (a wrong token on ``/hooks`` must
answer 401, proving the adapter verifies), the rounds measure the three routes in
turns: a round sends ``--requests`` requests to each route in ``--blocks`` blocks, the
routes taking turns block by block in an order that rotates (each route first,
second and third in turn), so that a slow second of a shared machine lands on every
route alike rather than on whichever was being measured (with each route's requests
in one go, rounds swung 0.76-1.14 in ratio; in 8 blocks, 0.86-0.96). Each route keeps
``--concurrency`` keep-alive connections for the whole round (the load generator of
``benchmarks/loadtest.py``, imported, on asyncio streams, in this process, not the
server's); a block is bounded by ``--seconds``. Latency is per request, from
writing it to reading the whole answer, excluding the wait for a free connection; it
includes the TCP connect when the server closed the connection (gunicorn's sync
worker closes after every request).

The server runs on one core and the load generator on another (``sched_setaffinity``;
``--no-pin``, or more than one gunicorn worker, leaves placement to the scheduler). On
a shared machine another process may take CPU during a measurement: the CPU the
machine spent meanwhile (``/proc/stat``) minus the server's and the load generator's
is "others", added up over a route's blocks; a round in which others kept more than
``--max-others`` cores busy while any route was measured is measured again (up to
``MAX_ATTEMPTS`` times), and a round that still had them is marked ``*`` and left out
of the medians.

Reported per round: requests/s, p50 and p99 latency, and the server's CPU time per
request (all its processes); per framework, the median over rounds of the ratio
hooks/bare of requests/s, against the target (>= 0.9), and the server CPU per
request split into bare, adapter (stub - bare) and receiver (hooks - stub).

``--in-process`` starts no server: it calls each app the way its server would
(an ASGI scope like uvicorn's, an environ like gunicorn's, same headers and body),
``--requests`` times per round, all candidates interleaved, and prints the thread
CPU microseconds per request of ``/bare``, ``/stub`` and ``/hooks`` and of
``Receiver.handle`` alone in a loop.

Exit status: 0 when every request answered 200 in time (whether or not a target is
met: the table says), 1 when one did not, 2 when a server could not be started.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import io
import json
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

BENCHMARKS = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHMARKS))

import http_apps  # noqa: E402
import httpx2  # noqa: E402
import loadtest  # noqa: E402 - the load generator, server helpers and stats, reused
from _targets import HTTP  # noqa: E402
from http_apps import BARE_PATH, HOOK_PATH, STUB_PATH, TOKEN  # noqa: E402

FRAMEWORKS = ("asgi", "flask", "django")
TARGET = HTTP
"""Adapter requests/s at least this fraction of the bare endpoint's, for every framework."""
MAX_SECONDS = 240.0
"""``--seconds`` (per round) at most this."""
MAX_ATTEMPTS = 4
"""Measurements of one route in one round at most, while other processes keep the CPU busy."""
BACKOFF_SECONDS = 2.0
"""The pause before measuring a route again."""


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


def serve(
    framework: str, wsgi_workers: int, log: TextIO, cpus: frozenset[int] | None = None
) -> AbstractContextManager[tuple[str, int]]:
    """``framework``'s server (see :func:`loadtest.server`), ready once ``/bare`` answers; URL and pid.

    ``cpus``: the CPUs the server (and every worker it forks) may run on; ``None``, any.
    The server is stopped (terminate, then kill) however the block ends.
    """
    return loadtest.server(
        lambda port: server_command(framework, port, wsgi_workers),
        ready_path=BARE_PATH,
        log=log,
        cpus=cpus,
        what=f"{framework} server",
    )


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


def busy_cpu_seconds() -> float:
    """User, nice and system CPU seconds of the whole machine so far, from ``/proc/stat``."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    return (int(fields[1]) + int(fields[2]) + int(fields[3])) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """User plus system CPU seconds of this process (the load generator) so far."""
    times = os.times()
    return times.user + times.system


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
    others: float = 0.0
    """Cores the machine's other processes kept busy meanwhile, on average (see :func:`measure`)."""
    latencies: tuple[float, ...] = field(default=(), repr=False, compare=False)
    """Every request's latency, seconds (to pool blocks' percentiles)."""

    @property
    def rate(self) -> float:
        """Requests per second."""
        return self.requests / self.elapsed if self.elapsed else 0.0


async def measure(
    transport: loadtest.RawTransport,
    pid: int,
    route: str,
    work: Sequence[loadtest.Item],
    concurrency: int,
    seconds: float,
) -> Result:
    """Send ``work`` over ``transport``'s keep-alive connections; time it and the server's CPU."""
    machine, own, cpu = busy_cpu_seconds(), own_cpu_seconds(), tree_cpu_seconds(pid)
    done = await loadtest.run_round(transport, work, concurrency, time.monotonic() + seconds)
    server_cpu = tree_cpu_seconds(pid) - cpu
    others = busy_cpu_seconds() - machine - (own_cpu_seconds() - own) - server_cpu
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
        # Not clipped at 0: the kernel counts CPU time in 10 ms ticks, so over a short
        # block this is off by a tick either way, and combine() adds blocks up.
        others / done.elapsed if done.elapsed else 0.0,
        tuple(latencies),
    )


async def measure_once(
    base_url: str, pid: int, route: str, work: Sequence[loadtest.Item], concurrency: int, seconds: float
) -> Result:
    """:func:`measure` over fresh connections, closed after."""
    host, port = base_url.removeprefix("http://").rsplit(":", 1)
    transport = loadtest.RawTransport(host, int(port), concurrency)
    try:
        return await measure(transport, pid, route, work, concurrency, seconds)
    finally:
        await transport.aclose()


def combine(blocks: Sequence[Result]) -> Result:
    """One route's result over a round's blocks: requests and time added, latencies pooled."""
    requests = sum(block.requests for block in blocks)
    elapsed = sum(block.elapsed for block in blocks)
    latencies = [latency for block in blocks for latency in block.latencies]
    return Result(
        blocks[0].route,
        requests,
        elapsed,
        loadtest.percentile(latencies, 0.5) * 1000 if latencies else 0.0,
        loadtest.percentile(latencies, 0.99) * 1000 if latencies else 0.0,
        sum(block.server_cpu_us * block.requests for block in blocks) / max(1, requests),
        sum(block.client_cpu for block in blocks),
        sum((block.bad for block in blocks), Counter()),
        # CPU-seconds of other processes over the blocks' time: a block of 50 ms is too
        # short to judge alone (the kernel counts CPU time in 10 ms ticks).
        max(0.0, sum(block.others * block.elapsed for block in blocks) / max(1e-9, elapsed)),
        tuple(latencies),
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


ROUTES = (BARE_PATH, STUB_PATH, HOOK_PATH)
"""Measured in every round, in an order that rotates from round to round."""


@dataclass(slots=True)
class FrameworkRun:
    """Every round of one framework."""

    framework: str
    rounds: list[dict[str, Result]]
    """Per round, the result of each of :data:`ROUTES`."""
    failures: list[str]
    remeasured: int = 0
    """Measurements thrown away because other processes were busy (``--max-others``)."""
    max_others: float = 0.1
    """A round with a measurement kept although others were busier than this is left out."""

    def busy(self, number: int) -> bool:
        """Whether round ``number`` (from 0) kept a measurement taken while others were busy."""
        return any(result.others > self.max_others for result in self.rounds[number].values())

    def counted(self) -> list[dict[str, Result]]:
        """The rounds the medians are taken over: every round but the busy ones (all if all are)."""
        clean = [r for number, r in enumerate(self.rounds) if not self.busy(number)]
        return clean or self.rounds

    def ratios(self, path: str = HOOK_PATH) -> list[float]:
        """``path``'s requests/s over the bare endpoint's, per counted round."""
        return [r[path].rate / r[BARE_PATH].rate if r[BARE_PATH].rate else 0.0 for r in self.counted()]

    def median_ratio(self, path: str = HOOK_PATH) -> float:
        """The median of :meth:`ratios` (0 when there are none)."""
        ratios = self.ratios(path)
        return statistics.median(ratios) if ratios else 0.0

    def median(self, path: str, value: Callable[[Result], float]) -> float:
        """The median over counted rounds of ``value`` of ``path``'s result."""
        return statistics.median(value(r[path]) for r in self.counted())


async def measure_round(
    base_url: str, pid: int, payloads: Sequence[bytes], number: int, args: argparse.Namespace
) -> dict[str, Result]:
    """Round ``number``: every route gets ``payloads``, in ``--blocks`` blocks, the routes taking turns.

    Short blocks in turn, rather than each route's requests in one go, so that a slow
    second of a shared machine lands on every route alike instead of on whichever was
    being measured. Each route goes first, second and third in turn, from block to
    block and from round to round. Each route keeps its own keep-alive connections
    for the whole round, so the blocks add no connections.
    """
    host, port = base_url.removeprefix("http://").rsplit(":", 1)
    transports = {path: loadtest.RawTransport(host, int(port), args.concurrency) for path in ROUTES}
    order = ROUTES[number % len(ROUTES) :] + ROUTES[: number % len(ROUTES)]
    size = -(-len(payloads) // args.blocks)
    blocks: dict[str, list[Result]] = {path: [] for path in ROUTES}
    try:
        for start in range(0, len(payloads), size):
            chunk = payloads[start : start + size]
            for path in order:
                blocks[path].append(
                    await measure(
                        transports[path], pid, path, items(path, chunk), args.concurrency, args.seconds
                    )
                )
            order = order[1:] + order[:1]
    finally:
        for transport in transports.values():
            await transport.aclose()
    return {path: combine(blocks[path]) for path in ROUTES}


def run_framework(framework: str, args: argparse.Namespace, log: TextIO, run_id: str) -> FrameworkRun:
    """Start the server, warm up, check, then the interleaved rounds; stop the server."""
    rounds: list[dict[str, Result]] = []
    failures: list[str] = []
    remeasured = 0
    with serve(framework, args.wsgi_workers, log, args.server_cpus) as (base_url, pid):
        failures += asyncio.run(sanity(base_url))
        warm = bodies(f"{run_id}-{framework}-warm", args.warmup)
        for path in ROUTES:
            result = asyncio.run(
                measure_once(base_url, pid, path, items(path, warm), args.concurrency, args.seconds)
            )
            if result.bad:
                failures.append(f"warm-up {path}: {dict(result.bad)}")
        for number in range(args.rounds):
            payloads = bodies(f"{run_id}-{framework}-{number}", args.requests)
            for attempt in range(MAX_ATTEMPTS):
                if attempt:
                    # Another process took CPU meanwhile (a shared machine): some route
                    # had less of the machine than the others; measure the round again.
                    remeasured += 1
                    time.sleep(BACKOFF_SECONDS)
                results = asyncio.run(measure_round(base_url, pid, payloads, number, args))
                if any(r.bad for r in results.values()) or all(
                    r.others <= args.max_others for r in results.values()
                ):
                    break
            for path, result in results.items():
                if result.bad:
                    failures.append(f"round {number + 1} {path}: {dict(result.bad)}")
            rounds.append(results)
    return FrameworkRun(framework, rounds, failures, remeasured, args.max_others)


# --- in process: where a request's time goes -----------------------------------------------------


def asgi_scope(path: str, headers: Sequence[tuple[bytes, bytes]]) -> dict[str, object]:
    """The scope uvicorn (h11) builds for a POST to ``path`` on 127.0.0.1."""
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
        "scheme": "http",
        "method": "POST",
        "root_path": "",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": list(headers),
        "state": {},
    }


def wsgi_environ(path: str, headers: dict[str, str], body: bytes) -> dict[str, object]:
    """The environ gunicorn's sync worker builds for a POST to ``path`` (same keys, same order)."""
    environ: dict[str, object] = {
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "wsgi.input_terminated": True,
        "SERVER_SOFTWARE": "gunicorn",
        "wsgi.input": io.BytesIO(body),
        "REQUEST_METHOD": "POST",
        "QUERY_STRING": "",
        "RAW_URI": path,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8000",
    }
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key] = value
    environ.update(
        {
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.url_scheme": "http",
            "REMOTE_ADDR": "127.0.0.1",
            "REMOTE_PORT": "50000",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "PATH_INFO": path,
            "SCRIPT_NAME": "",
        }
    )
    return environ


Timer = Callable[[int], float]
"""Runs ``n`` requests, returns the CPU seconds this thread spent on them.

CPU time of the thread, not wall time: on a shared machine another process taking
the core stretches wall time but not this (it still pollutes the caches, which no
clock can take out; interleaving and the median take care of that).
"""


def asgi_timer(app: Any, path: str, body: bytes) -> Timer:
    """``n`` requests through ``app`` (an ASGI app) as uvicorn would call it; checks a 200."""
    raw = [(b"host", b"127.0.0.1:8000")]
    raw += [(k.lower().encode(), v.encode()) for k, v in loadtest.kourier_headers(TOKEN).items()]
    raw.append((b"content-length", str(len(body)).encode()))
    message = {"type": "http.request", "body": body, "more_body": False}
    statuses: list[int] = []

    async def receive() -> dict[str, object]:
        return message

    async def send(event: dict[str, Any]) -> None:
        if event["type"] == "http.response.start":
            statuses.append(event["status"])

    async def loop(n: int) -> float:
        started = time.thread_time()
        for _ in range(n):
            await app(asgi_scope(path, raw), receive, send)
        return time.thread_time() - started

    def run(n: int) -> float:
        statuses.clear()
        elapsed = asyncio.run(loop(n))
        if statuses != [200] * n:
            raise loadtest.SetupError(f"asgi {path}: {Counter(statuses)}")
        return elapsed

    return run


def wsgi_timer(app: Any, path: str, body: bytes) -> Timer:
    """``n`` requests through ``app`` (a WSGI app) as gunicorn's sync worker would; checks a 200."""
    headers = loadtest.kourier_headers(TOKEN)
    statuses: list[str] = []

    def start_response(status: str, response_headers: object, exc_info: object = None) -> None:
        statuses.append(status)

    def run(n: int) -> float:
        statuses.clear()
        environs = [wsgi_environ(path, headers, body) for _ in range(n)]
        started = time.thread_time()
        for environ in environs:
            result = app(environ, start_response)
            for _ in result:
                pass
            close = getattr(result, "close", None)
            if close is not None:
                close()
        elapsed = time.thread_time() - started
        if any(not status.startswith("200 ") for status in statuses) or len(statuses) != n:
            raise loadtest.SetupError(f"wsgi {path}: {Counter(statuses)}")
        return elapsed

    return run


def receiver_timer(body: bytes, *, wsgi: bool) -> Timer:
    """``n`` calls of ``receiver.handle`` alone, with headers as an adapter hands them over."""
    receiver = http_apps._receiver(use_async=False)
    if wsgi:
        headers: Any = [(k.lower(), v) for k, v in loadtest.kourier_headers(TOKEN).items()]
        headers.append(("content-length", str(len(body))))
    else:
        headers = [(b"host", b"127.0.0.1:8000")]
        headers += [(k.lower().encode(), v.encode()) for k, v in loadtest.kourier_headers(TOKEN).items()]
        headers.append((b"content-length", str(len(body)).encode()))

    def run(n: int) -> float:
        started = time.thread_time()
        for _ in range(n):
            reply = receiver.handle("POST", headers, body)
        elapsed = time.thread_time() - started
        if reply.status != 200:
            raise loadtest.SetupError(f"receiver.handle: {reply.status}")
        return elapsed

    return run


IN_PROCESS_ROUTES = (("bare", BARE_PATH), ("stub", STUB_PATH), ("hooks", HOOK_PATH))


def in_process(args: argparse.Namespace) -> int:
    """Time each app's routes called directly (no server, no sockets) and split the cost."""
    body = loadtest.kourier_body("in-process")
    timers: dict[tuple[str, str], Timer] = {
        ("receiver", "asgi headers"): receiver_timer(body, wsgi=False),
        ("receiver", "wsgi headers"): receiver_timer(body, wsgi=True),
    }
    for framework in args.frameworks:
        app = getattr(http_apps, f"create_{framework}")()
        for label, path in IN_PROCESS_ROUTES:
            make = asgi_timer if framework == "asgi" else wsgi_timer
            timers[framework, label] = make(app, path, body)
    for timer in timers.values():
        timer(200)  # warm up, and check every route answers 200
    samples: dict[tuple[str, str], list[float]] = {key: [] for key in timers}
    keys = list(timers)
    gc.collect()
    for number in range(args.rounds):
        # Rotate the order each round so a drift of the machine lands on every candidate.
        shift = number % len(keys)
        for key in keys[shift:] + keys[:shift]:
            samples[key].append(timers[key](args.requests) / args.requests * 1e6)

    def med(key: tuple[str, str]) -> float:
        return statistics.median(samples[key])

    print(
        f"# bench_http --in-process: {args.rounds} rounds x {args.requests} calls per candidate, "
        "interleaved; CPU microseconds per request, median (min..max) over rounds"
    )
    print(f"# {loadtest.machine()}")
    for key in keys:
        values = samples[key]
        print(f"{key[0]:<9}{key[1]:<14}{med(key):8.1f}  ({min(values):.1f}..{max(values):.1f})")
    print()
    print(
        f"{'framework':<9}{'bare':>8}{'stub':>8}{'hooks':>8}   {'adapter = stub - bare':>21}"
        f"   {'receiver = hooks - stub':>23}"
    )
    for framework in args.frameworks:
        bare, stub, hooks = (med((framework, label)) for label, _ in IN_PROCESS_ROUTES)
        print(
            f"{framework:<9}{bare:>8.1f}{stub:>8.1f}{hooks:>8.1f}"
            f"   {stub - bare:>+21.1f}   {hooks - stub:>23.1f}"
        )
    print(
        "(bare: the plain endpoint; stub: the adapter in front of a receiver that answers at once; "
        "hooks: the adapter verifying, parsing, dispatching)"
    )
    return 0


# --- report -------------------------------------------------------------------------------------


def report(runs: Sequence[FrameworkRun], args: argparse.Namespace) -> None:
    """Print the per-round table and the summary against the targets."""
    print(
        f"# bench_http: {args.rounds} rounds x {args.requests} requests per route in {args.blocks} blocks, "
        f"concurrency {args.concurrency}, warm-up {args.warmup}, gunicorn sync workers {args.wsgi_workers}"
    )
    placement = (
        "any CPU"
        if args.server_cpus is None
        else f"server on CPU {sorted(args.server_cpus)}, load generator on CPU {sorted(args.client_cpus)}"
    )
    print(f"# {loadtest.machine()}; {placement}")
    print(
        f"{'framework':<9}{'round':>6}  {'bare req/s':>10}{'p50 ms':>8}{'p99 ms':>8}{'cpu us':>8}"
        f"  {'stub req/s':>10}{'cpu us':>8}"
        f"  {'hooks req/s':>11}{'p50 ms':>8}{'p99 ms':>8}{'cpu us':>8}{'ratio':>7}{'others':>8}"
    )
    for run in runs:
        for number, r in enumerate(run.rounds):
            bare, stub, hooks = r[BARE_PATH], r[STUB_PATH], r[HOOK_PATH]
            ratio = hooks.rate / bare.rate if bare.rate else 0.0
            others = max(result.others for result in r.values())
            print(
                f"{run.framework:<9}{number + 1:>6}  {bare.rate:>10.0f}{bare.p50_ms:>8.2f}{bare.p99_ms:>8.2f}"
                f"{bare.server_cpu_us:>8.0f}  {stub.rate:>10.0f}{stub.server_cpu_us:>8.0f}"
                f"  {hooks.rate:>11.0f}{hooks.p50_ms:>8.2f}{hooks.p99_ms:>8.2f}{hooks.server_cpu_us:>8.0f}"
                f"{ratio:>7.2f}{others:>8.2f}{' *' if run.busy(number) else ''}"
            )
    print()
    print(
        f"{'framework':<9}  {'bare req/s':>10}{'p50 ms':>8}{'p99 ms':>8}  {'hooks req/s':>11}"
        f"{'p50 ms':>8}{'p99 ms':>8}  {'stub/bare':>9}  {'ratio':>6}  target >= {TARGET:g}"
    )
    for run in runs:
        if not run.rounds:
            continue
        ratio = run.median_ratio()
        ratios = run.ratios()
        bare_rate, bare_p50, bare_p99 = (
            run.median(BARE_PATH, lambda r: r.rate),
            run.median(BARE_PATH, lambda r: r.p50_ms),
            run.median(BARE_PATH, lambda r: r.p99_ms),
        )
        hooks_rate, hooks_p50, hooks_p99 = (
            run.median(HOOK_PATH, lambda r: r.rate),
            run.median(HOOK_PATH, lambda r: r.p50_ms),
            run.median(HOOK_PATH, lambda r: r.p99_ms),
        )
        print(
            f"{run.framework:<9}  {bare_rate:>10.0f}{bare_p50:>8.2f}{bare_p99:>8.2f}"
            f"  {hooks_rate:>11.0f}{hooks_p50:>8.2f}{hooks_p99:>8.2f}  {run.median_ratio(STUB_PATH):>9.2f}"
            f"  {ratio:>6.2f}  {'met' if ratio >= TARGET else 'MISSED'}"
            f" (rounds {min(ratios):.2f}..{max(ratios):.2f})"
        )
    print(
        "(medians over rounds; ratio = hooks/bare requests/s, median of per-round ratios; "
        "stub/bare the same for the adapter in front of a receiver that does no work)"
    )
    remeasured = sum(run.remeasured for run in runs)
    kept = sum(1 for run in runs for number in range(len(run.rounds)) if run.busy(number))
    print(
        f"(others: cores other processes kept busy while the round's busiest route was measured; "
        f"{remeasured} round(s) measured again for others > {args.max_others:g}, "
        f"{kept} kept after {MAX_ATTEMPTS} tries: marked *, and left out of the medians)"
    )
    print()
    print("server CPU per request, us (median over rounds):")
    print(
        f"{'framework':<9}{'bare':>8}{'stub':>8}{'hooks':>8}  {'adapter = stub - bare':>21}"
        f"  {'receiver = hooks - stub':>23}"
    )
    for run in runs:
        if not run.rounds:
            continue
        bare, stub, hooks = (run.median(path, lambda r: r.server_cpu_us) for path in ROUTES)
        print(
            f"{run.framework:<9}{bare:>8.0f}{stub:>8.0f}{hooks:>8.0f}"
            f"  {stub - bare:>+21.0f}  {hooks - stub:>+23.0f}"
        )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--frameworks", default=",".join(FRAMEWORKS), help="comma-separated subset")
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="no server: call each app directly and split the cost per request (see the docstring)",
    )
    parser.add_argument("--rounds", type=int, default=7, help="rounds per route (interleaved)")
    parser.add_argument("--requests", type=int, default=4000, help="requests per route per round")
    parser.add_argument(
        "--blocks", type=int, default=8, help="blocks a round's requests are split into, routes taking turns"
    )
    parser.add_argument("--concurrency", type=int, default=32, help="connections")
    parser.add_argument("--warmup", type=int, default=300, help="warm-up requests per route")
    parser.add_argument("--wsgi-workers", type=int, default=1, help="gunicorn sync workers")
    parser.add_argument(
        "--no-pin",
        action="store_true",
        help="let the scheduler place the server and the load generator (default: one core each)",
    )
    parser.add_argument(
        "--max-others",
        type=float,
        default=0.1,
        help="measure a route again when other processes kept this many cores busy meanwhile",
    )
    parser.add_argument(
        "--seconds", type=float, default=60.0, help=f"time limit per round, at most {MAX_SECONDS:g}"
    )
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON (for run.py)")
    args = parser.parse_args(argv)
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if args.no_pin or len(cpus) < 2 or args.wsgi_workers > 1:
        args.server_cpus = args.client_cpus = None
    else:
        # The server on one core, the load generator on another: otherwise the scheduler
        # may put both on one core for a while, or move them about, and a round pays
        # for it whichever route it measures.
        args.server_cpus, args.client_cpus = frozenset(cpus[-1:]), frozenset(cpus[:1])
    args.frameworks = [name.strip() for name in args.frameworks.split(",") if name.strip()]
    unknown = sorted(set(args.frameworks) - set(FRAMEWORKS))
    if unknown or not args.frameworks:
        parser.error(f"--frameworks: choose from {', '.join(FRAMEWORKS)}")
    if not (1 <= args.rounds <= 50 and 1 <= args.requests <= 100_000 and 1 <= args.concurrency <= 512):
        parser.error("--rounds 1..50, --requests 1..100000, --concurrency 1..512")
    if not 1 <= args.blocks <= args.requests:
        parser.error("--blocks 1..--requests")
    if not (0 <= args.warmup <= 100_000 and 1 <= args.wsgi_workers <= 8):
        parser.error("--warmup 0..100000, --wsgi-workers 1..8")
    if not 0 < args.seconds <= MAX_SECONDS:
        parser.error(f"--seconds must be in (0, {MAX_SECONDS:g}]")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run every framework; 0 when every request answered 200, 1 when not, 2 on setup failure."""
    args = parse_args(argv)
    if args.in_process:
        try:
            return in_process(args)
        except loadtest.SetupError as exc:
            return loadtest.setup_failed(exc)
    run_id = f"{os.getpid():x}{time.time_ns():x}"
    runs: list[FrameworkRun] = []
    if args.client_cpus is not None:
        os.sched_setaffinity(0, args.client_cpus)
    with tempfile.TemporaryDirectory(prefix="bench-http-") as tmp:
        log_path = Path(tmp) / "server.log"
        try:
            with log_path.open("w") as log, loadtest.gc_paused():
                for framework in args.frameworks:
                    runs.append(run_framework(framework, args, log, run_id))
        except loadtest.SetupError as exc:
            return loadtest.setup_failed(exc, log_path)
        server_log = log_path.read_text()
    report(runs, args)
    failures = [f"{run.framework}: {failure}" for run in runs for failure in run.failures]
    if "Traceback" in server_log:
        failures.append("a server logged a traceback")
        print(server_log[server_log.index("Traceback") :][:3000], file=sys.stderr)
    print("checks: " + ("all passed" if not failures else "FAILED"))
    for failure in failures:
        print(f"  - {failure}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(
                {"rounds": args.rounds, "frameworks": [summary(run) for run in runs], "failures": failures},
                out,
            )
    return 1 if failures else 0


def summary(run: FrameworkRun) -> dict[str, object]:
    """One framework's figures for ``--json``: the ratio and what it is the median of."""
    if not run.counted():
        return {"framework": run.framework, "ratio": None, "round_ratios": []}
    return {
        "framework": run.framework,
        "ratio": run.median_ratio(),
        "round_ratios": run.ratios(),
        "stub_ratio": run.median_ratio(STUB_PATH),
        "bare_rate": run.median(BARE_PATH, lambda r: r.rate),
        "hooks_rate": run.median(HOOK_PATH, lambda r: r.rate),
    }


if __name__ == "__main__":
    sys.exit(main())
