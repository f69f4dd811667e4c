"""Adapters over HTTP under ``wrk``: ours against a bare endpoint and the provider's own library (issue 18).

::

    python benchmarks/bench_wrk.py [--frameworks asgi,flask,django]
        [--providers standard-webhooks,stripe,slack,courier,kourier] [--rounds 3]
        [--duration 3] [--warmup 1] [--connections 128] [--wsgi-worker-class sync|gthread]
        [--wsgi-threads 4] [--json PATH]
    python benchmarks/bench_wrk.py --quick     # a smoke run: 1 round of 1 s, no warm-up

Load comes from ``wrk`` (Debian: ``apt-get install wrk``), not from Python:
``benchmarks/bench_http.py``'s asyncio client could not keep one server core busy, so
it measured itself. Here the server runs under ``taskset -c 0`` and ``wrk -t1`` under
``taskset -c 1`` (a 2-core machine: one core each), with ``--connections`` keep-alive
connections, for ``--duration`` seconds per measurement, ``--latency`` for p50 and p99.
128 connections by default: with 32, uvicorn kept only ~75% of its core busy on the
2-vCPU VM this was written on (wrk at 25% of its own; each side waits to be woken), so
the figures said more about wake-ups than about the server; with 128, 93-97%.

Servers (apps: ``benchmarks/http_apps.py``), one process each, all started at once and
measured in turns:

- asgi: ``uvicorn --loop uvloop --http httptools``, 1 worker, ``WebhookMiddleware``
  around a Starlette app;
- flask and django: ``gunicorn``, 1 worker, ``--wsgi-worker-class`` (``sync`` by
  default: one request at a time, the connection closed after each answer; ``gthread``
  keeps connections alive).

Routes, per framework: ``/bare`` (reads the body, answers 200), ``/bare-json`` (the
same plus ``json.loads``), and per provider ``/ours/<provider>`` (our adapter: verify,
parse, dispatch to a handler that does nothing, no store) and ``/theirs/<provider>``
(what a user would write instead: ``standardwebhooks``, ``stripe``, ``slack_sdk``,
hand-written ``hmac`` for Courier, ``compare_digest`` for Kourier's token; then
``json.loads`` where the library does not parse). Every provider's body is a real-looking
event padded to exactly ``BODY_SIZE`` bytes. ``/bare-json`` is measured per provider,
with that provider's request, so that each ratio compares the same bytes; ``/bare``
only reads the bytes, so it is measured once per framework and round, with the
Standard Webhooks request (the most headers).
Per framework 16 routes, 3 s each, 3 rounds and 1 s of warm-up: about 9 minutes.

Signatures: each measurement signs its request when it starts, with the real clock;
every server checks with the real clock and the default tolerance (300 s), longer
than any measurement, so nothing in the servers is faked (no fixed clock).

Rounds: every round measures every (framework, route) once, framework by framework,
the order of frameworks and of each framework's routes rotating from round to round
(:func:`round_order`) so that a busy second of a shared machine does not always land on
the same route. Before round 1, ``--warmup`` seconds of load per route. Figures are
medians over rounds; the ratios (ours / bare+json, ours / bare, theirs / bare+json,
ours / theirs) are medians of the per-round ratios.

Per measurement: requests/s, p50 and p99 (wrk's latency distribution), the server's CPU
per request (``/proc/<pid>/stat`` utime+stime of the server and its workers over the
measurement, divided by wrk's requests), the server's busy fraction of its core (below
~0.9 the server was not the bottleneck) and "others": CPU used on the server's core by
processes other than the server, in cores (another tenant of the machine).

Checks before loading a framework's server: every route answers 200 to a valid request,
and a wrong signature (a different secret) answers 401 on every ``/ours/`` and
``/theirs/`` route (proof that both verify). During the load, wrk's non-2xx/3xx count
(and socket errors other than gunicorn sync's closed connections) must be 0.

Exit status: 0 when every check passed (whether or not a target is met: the table says),
1 when a check failed, 2 when ``wrk`` or a server could not be started.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TextIO

BENCHMARKS = Path(__file__).resolve().parent
REPOSITORY = BENCHMARKS.parent
# This checkout's library, here and in the servers (an editable install may point elsewhere).
sys.path[:0] = [str(BENCHMARKS), str(REPOSITORY)]

import loadtest  # noqa: E402 - server start/stop and the uvicorn command line, reused
from _machine import machine  # noqa: E402
from _targets import WRK  # noqa: E402
from bench_http import tree_cpu_seconds  # noqa: E402
from http_apps import BARE_PATH, JSON_PATH, WRK_PROVIDERS, our_path, our_provider, their_path  # noqa: E402

from webhook_receiver.testing import sample  # noqa: E402

FRAMEWORKS = ("asgi", "flask", "django")
TARGET = WRK
"""Our adapter's requests/s at least this fraction of the bare endpoint plus ``json.loads``'s."""
BODY_SIZE = 1024
"""Every provider's body, padded to exactly this many bytes."""
BASELINE_PROVIDER = "standard-webhooks"
"""Whose request ``/bare`` and ``/bare-json`` get (three signature headers, the most of the five)."""
SERVER_CPU = "0"
LOAD_CPU = "1"
WRK_TIMEOUT = 10
"""wrk's ``--timeout``: its default, 2 s, counted some of ASGI's slowest answers under 128
connections (the stripe library's route, p99 1.2 s) as socket errors; an answer later
than this one is an error here."""
WRK_GRACE_SECONDS = 30
"""How much longer than ``-d`` a wrk run may take before it is killed."""
WRONG_SECRETS = {
    "standard-webhooks": "whsec_" + "d3Jvbmcgc2VjcmV0IGZvciB0aGUgY2hlY2sh",
    "stripe": "whsec_wrong",
    "slack": "wrong",
    "courier": "wrong",
    "kourier": "wrong",
}
"""A different secret per provider: signing with it must be refused (401)."""


# --- requests -----------------------------------------------------------------------------------


def body(provider: str) -> bytes:
    """``provider``'s sample event (from ``webhook_receiver.testing``) padded to :data:`BODY_SIZE` bytes.

    The padding is a string field (``"note"``) at the top level, which every parser
    here ignores as it ignores any field it does not know.
    """
    payload = sample(provider).payload
    assert isinstance(payload, dict)
    padded = {**payload, "note": ""}
    size = len(json.dumps(padded, separators=(",", ":")).encode())
    padded["note"] = "x" * (BODY_SIZE - size)
    raw = json.dumps(padded, separators=(",", ":")).encode()
    assert len(raw) == BODY_SIZE, (provider, len(raw))
    return raw


def signed_headers(provider: str, raw: bytes, *, wrong: bool = False) -> dict[str, str]:
    """``provider``'s headers for ``raw``, signed now (with a wrong secret if ``wrong``)."""
    signer = our_provider(provider, WRONG_SECRETS[provider] if wrong else None)
    return {"Content-Type": "application/json", **signer.sign(raw)}


def post(url: str, raw: bytes, headers: Mapping[str, str]) -> int:
    """The status of one POST (urllib: no keep-alive, no retries)."""
    request = urllib.request.Request(url, data=raw, headers=dict(headers), method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - http://127.0.0.1 only
            answer.read()
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def lua_string(text: str) -> str:
    """``text`` as a Lua string literal (header names and values: printable ASCII)."""
    if not text.isascii() or not text.isprintable():
        raise ValueError(f"not printable ASCII: {text!r}")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def wrk_script(body_path: Path, headers: Mapping[str, str]) -> str:
    """A wrk script POSTing the bytes of ``body_path`` with ``headers``; ``done`` prints one JSON line."""
    lines = [
        f"local file = assert(io.open({lua_string(str(body_path))}, 'rb'))",
        "wrk.method = 'POST'",
        "wrk.body = file:read('*a')",
        "file:close()",
        *(f"wrk.headers[{lua_string(name)}] = {lua_string(value)}" for name, value in headers.items()),
        "done = function(summary, latency, requests)",
        "  local e = summary.errors",
        '  io.write(string.format(\'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,'
        '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,'
        '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\\n\',',
        "    summary.requests, summary.duration, summary.bytes,",
        "    e.connect, e.read, e.write, e.status, e.timeout,",
        "    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))",
        "end",
    ]
    return "\n".join(lines) + "\n"


# --- measuring ----------------------------------------------------------------------------------


def cpu_line(cpu: str) -> float:
    """Busy (user, nice, system, irq, softirq, steal) CPU seconds of ``cpu`` so far, from ``/proc/stat``."""
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith(f"cpu{cpu} "):
            fields = [int(value) for value in line.split()[1:]]
            busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7]
            return busy / os.sysconf("SC_CLK_TCK")
    raise RuntimeError(f"no cpu{cpu} in /proc/stat")


def children_cpu_seconds() -> float:
    """User plus system CPU seconds of this process's reaped children (the wrk runs)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass(slots=True)
class Measurement:
    """One wrk run against one route: what wrk counted and what the machine spent."""

    framework: str
    route: str
    provider: str
    round: int
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    non_2xx: int
    socket_errors: dict[str, int]
    server_cpu_us: float
    """Server CPU (all its processes) per request, microseconds."""
    server_busy: float
    """Server CPU seconds over wall seconds: 1.0 is its whole core."""
    others_on_server_core: float
    """CPU spent on the server's core by other processes, in cores."""
    wrk_busy: float
    """wrk's CPU seconds over wall seconds."""


WRK_TEXT_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s*(\d+)")


def run_wrk(
    url: str, script: Path, duration: int, connections: int, *, pin: bool
) -> tuple[dict[str, int], str, list[str]]:
    """Run wrk once; its ``done`` figures, its whole output and the command line."""
    command = [] if not pin else ["taskset", "-c", LOAD_CPU]
    command += ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", f"--timeout={WRK_TIMEOUT}s", "--latency"]
    command += ["-s", str(script), url]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + WRK_GRACE_SECONDS, check=False
    )
    output = result.stdout + result.stderr
    if result.returncode != 0:
        raise RuntimeError(f"wrk exited {result.returncode}:\n{output}")
    line = next((line for line in output.splitlines() if line.startswith("WRK_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no figures:\n{output}")
    figures: dict[str, int] = json.loads(line.removeprefix("WRK_JSON "))
    text_count = WRK_TEXT_NON_2XX.search(output)
    if text_count is not None and int(text_count.group(1)) != figures["status"]:
        raise RuntimeError(f"wrk's two non-2xx counts differ:\n{output}")
    return figures, output, command


@dataclass(slots=True)
class Server:
    """A running server: its framework, base URL and pid."""

    framework: str
    url: str
    pid: int


def measure(
    server: Server,
    route: str,
    provider: str,
    round_number: int,
    options: argparse.Namespace,
    workdir: Path,
    duration: int,
) -> tuple[Measurement, list[str]]:
    """Sign ``provider``'s body now, load ``route`` with wrk for ``duration`` s; the measurement."""
    raw = body(provider)
    body_path = workdir / f"{provider}.json"
    body_path.write_bytes(raw)
    script = workdir / f"{server.framework}-{route.strip('/').replace('/', '-')}-{provider}.lua"
    script.write_text(wrk_script(body_path, signed_headers(provider, raw)))
    cpu_before = tree_cpu_seconds(server.pid)
    core_before = cpu_line(SERVER_CPU) if options.pin else 0.0
    wrk_before = children_cpu_seconds()
    started = time.perf_counter()
    figures, _, command = run_wrk(server.url + route, script, duration, options.connections, pin=options.pin)
    wall = time.perf_counter() - started
    server_cpu = tree_cpu_seconds(server.pid) - cpu_before
    core_busy = (cpu_line(SERVER_CPU) - core_before) if options.pin else 0.0
    wrk_cpu = children_cpu_seconds() - wrk_before
    seconds = figures["duration_us"] / 1e6
    requests = figures["requests"]
    measurement = Measurement(
        framework=server.framework,
        route=route,
        provider=provider,
        round=round_number,
        requests=requests,
        seconds=seconds,
        rps=requests / seconds if seconds else 0.0,
        p50_ms=figures["p50_us"] / 1000,
        p90_ms=figures["p90_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        max_ms=figures["max_us"] / 1000,
        non_2xx=figures["status"],
        socket_errors={kind: figures[kind] for kind in ("connect", "read", "write", "timeout")},
        server_cpu_us=server_cpu / requests * 1e6 if requests else 0.0,
        server_busy=server_cpu / wall,
        others_on_server_core=max(0.0, core_busy - server_cpu) / wall if options.pin else float("nan"),
        wrk_busy=wrk_cpu / wall,
    )
    return measurement, command


def routes(providers: Sequence[str]) -> list[tuple[str, str]]:
    """Every (path, provider whose request it gets) measured per framework.

    ``/bare`` once (it only reads the bytes); ``/bare-json`` per provider, because
    ``json.loads`` costs what the body's structure costs, not only its size.
    """
    found = [(BARE_PATH, BASELINE_PROVIDER)]
    for provider in providers:
        found += [(JSON_PATH, provider), (our_path(provider), provider), (their_path(provider), provider)]
    return found


def round_order(
    servers: Sequence[Server], providers: Sequence[str], index: int, rounds: int
) -> list[tuple[Server, str, str]]:
    """Round ``index``'s measurements (of ``rounds``): server by server, each one's routes in turn.

    Both orders rotate from round to round: the servers by one, each server's routes by
    ``len(routes) / rounds``, so every route is measured early, midway and late in a
    framework's turn over the rounds, and no route always follows the same one.
    """
    paths = routes(providers)
    step = max(1, len(paths) // max(1, rounds)) * index
    paths = paths[step % len(paths) :] + paths[: step % len(paths)]
    first = index % max(1, len(servers))
    return [
        (server, path, provider)
        for server in [*servers[first:], *servers[:first]]
        for path, provider in paths
    ]


# --- servers ------------------------------------------------------------------------------------


def server_command(framework: str, port: int, options: argparse.Namespace) -> list[str]:
    """The command line serving ``framework``'s app on ``127.0.0.1:port``, pinned to the server core."""
    pin = ["taskset", "-c", SERVER_CPU] if options.pin else []
    if framework == "asgi":
        command = loadtest.uvicorn_command("http_apps:create_asgi", port, factory=True)
        return [*pin, *command, "--loop", "uvloop", "--http", "httptools"]
    factory = {"flask": "http_apps:create_flask()", "django": "http_apps:create_django()"}[framework]
    command = [sys.executable, "-m", "gunicorn", "--chdir", str(BENCHMARKS), "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "1", "--worker-class", options.wsgi_worker_class, "--backlog", "2048"]
    if options.wsgi_worker_class == "gthread":
        command += ["--threads", str(options.wsgi_threads)]
    return [*pin, *command, "--log-level", "warning", factory]


def server_environment() -> dict[str, str]:
    """This process's environment with this checkout first on ``PYTHONPATH``."""
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(REPOSITORY), environment.get("PYTHONPATH")])
    )
    return environment


def check_server(server: Server, providers: Sequence[str]) -> list[str]:
    """Every route answers 200 to a valid request, every verifying route 401 to a wrong signature."""
    problems = []
    for path, provider in routes(providers):
        raw = body(provider)
        status = post(server.url + path, raw, signed_headers(provider, raw))
        if status != 200:
            problems.append(f"{server.framework} {path}: a valid request answered {status}, not 200")
        if path != BARE_PATH and path != JSON_PATH:
            status = post(server.url + path, raw, signed_headers(provider, raw, wrong=True))
            if status != 401:
                problems.append(f"{server.framework} {path}: a wrong signature answered {status}, not 401")
    return problems


# --- report -------------------------------------------------------------------------------------


@dataclass(slots=True)
class Row:
    """Medians over rounds for one (framework, provider): per route, and the ratios."""

    framework: str
    provider: str
    figures: dict[str, dict[str, float]] = field(default_factory=dict)
    ratios: dict[str, float] = field(default_factory=dict)


ROUTE_KINDS = ("bare", "json", "ours", "theirs")
FIGURES = ("rps", "p50_ms", "p99_ms", "server_cpu_us", "server_busy", "others_on_server_core", "wrk_busy")


def kind_route(kind: str, provider: str) -> tuple[str, str]:
    """The path of route ``kind`` for ``provider``, and whose request it gets."""
    if kind == "bare":
        return BARE_PATH, BASELINE_PROVIDER
    paths = {"json": JSON_PATH, "ours": our_path(provider), "theirs": their_path(provider)}
    return paths[kind], provider


def summarise(
    measurements: Sequence[Measurement], frameworks: Sequence[str], providers: Sequence[str]
) -> list[Row]:
    """Per framework and provider: median figures per route and median per-round ratios."""
    by_key: dict[tuple[str, tuple[str, str], int], Measurement] = {
        (m.framework, (m.route, m.provider), m.round): m for m in measurements
    }
    rounds = sorted({m.round for m in measurements})
    rows = []
    for framework in frameworks:
        for provider in providers:
            row = Row(framework, provider)
            for kind in ROUTE_KINDS:
                found = [
                    by_key[key]
                    for r in rounds
                    if (key := (framework, kind_route(kind, provider), r)) in by_key
                ]
                if found:
                    row.figures[kind] = {
                        name: statistics.median(getattr(m, name) for m in found) for name in FIGURES
                    }
            for name, top, bottom in (
                ("ours/json", "ours", "json"),
                ("ours/bare", "ours", "bare"),
                ("theirs/json", "theirs", "json"),
                ("ours/theirs", "ours", "theirs"),
            ):
                per_round = []
                for r in rounds:
                    upper = by_key.get((framework, kind_route(top, provider), r))
                    lower = by_key.get((framework, kind_route(bottom, provider), r))
                    if upper and lower and lower.rps:
                        per_round.append(upper.rps / lower.rps)
                if per_round:
                    row.ratios[name] = statistics.median(per_round)
            rows.append(row)
    return rows


def print_table(rows: Sequence[Row], out: TextIO) -> None:
    """The table: per framework and provider, each route's figures, then the ratios."""
    head = f"{'framework':<9} {'provider':<17} {'route':<6} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7}"
    head += f" {'CPU us/req':>10} {'busy':>5} {'others':>6} {'wrk':>5}"
    print(head, file=out)
    for row in rows:
        for kind in ROUTE_KINDS:
            if kind not in row.figures:
                continue
            f = row.figures[kind]
            line = f"{row.framework:<9} {row.provider:<17} {kind:<6} {f['rps']:>8.0f} {f['p50_ms']:>7.2f}"
            line += f" {f['p99_ms']:>7.2f} {f['server_cpu_us']:>10.0f} {f['server_busy']:>5.2f}"
            line += f" {f['others_on_server_core']:>6.2f} {f['wrk_busy']:>5.2f}"
            print(line, file=out)
        ratios = "  ".join(f"{name} {value:.2f}x" for name, value in row.ratios.items())
        verdict = ""
        if "ours/json" in row.ratios:
            verdict = (
                f"  (target >= {TARGET}: " + ("met" if row.ratios["ours/json"] >= TARGET else "NOT met") + ")"
            )
        print(f"{'':<9} {'':<17} ratios {ratios}{verdict}", file=out)


def versions() -> dict[str, str]:
    """Versions of everything measured or measuring."""
    found = {"python": platform.python_version()}
    for name in (
        "webhook-receiver",
        "uvicorn",
        "uvloop",
        "httptools",
        "starlette",
        "gunicorn",
        "flask",
        "werkzeug",
        "django",
        "standardwebhooks",
        "stripe",
        "slack_sdk",
        "orjson",
    ):
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = "not installed"
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    found["wrk"] = (wrk.stdout + wrk.stderr).splitlines()[0] if (wrk.stdout + wrk.stderr).strip() else "?"
    git = subprocess.run(
        ["git", "-C", str(REPOSITORY), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    found["commit"] = git.stdout.strip() or "?"
    return found


# --- main ---------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--frameworks", default=",".join(FRAMEWORKS))
    parser.add_argument("--providers", default=",".join(WRK_PROVIDERS))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=3, help="seconds per measurement (wrk -d)")
    parser.add_argument(
        "--warmup", type=int, default=1, help="seconds of load per route before round 1 (0: none)"
    )
    parser.add_argument("--connections", type=int, default=128)
    parser.add_argument("--wsgi-worker-class", choices=("sync", "gthread"), default="sync")
    parser.add_argument("--wsgi-threads", type=int, default=4, help="threads of the gthread worker")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 1 round of 1 s, no warm-up")
    parser.add_argument("--json", type=Path, help="write the figures here")
    options = parser.parse_args(argv)
    if options.quick:
        options.rounds, options.duration, options.warmup = 1, 1, 0
    options.frameworks = [name for name in options.frameworks.split(",") if name]
    options.providers = [name for name in options.providers.split(",") if name]
    for name in options.frameworks:
        if name not in FRAMEWORKS:
            parser.error(f"unknown framework {name!r}")
    for name in options.providers:
        if name not in WRK_PROVIDERS:
            parser.error(f"unknown provider {name!r}")
    if not 1 <= options.duration <= 120 or options.rounds < 1 or options.warmup < 0:
        parser.error("--duration 1..120, --rounds >= 1, --warmup >= 0")
    options.pin = (os.cpu_count() or 1) >= 2 and shutil.which("taskset") is not None
    return options


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; the exit status."""
    options = parse_args(argv)
    out = sys.stdout
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 2
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as directory, ExitStack() as stack:
        workdir = Path(directory)
        servers: list[Server] = []
        commands: dict[str, list[str]] = {}
        logs: dict[str, Path] = {}
        try:
            for framework in options.frameworks:
                logs[framework] = workdir / f"{framework}.log"
                log = stack.enter_context(logs[framework].open("w"))
                url, pid = stack.enter_context(
                    loadtest.server(
                        lambda port, framework=framework: server_command(framework, port, options),
                        ready_path=BARE_PATH,
                        log=log,
                        environment=server_environment(),
                        what=f"{framework} server",
                    )
                )
                commands[framework] = server_command(framework, int(url.rsplit(":", 1)[1]), options)
                servers.append(Server(framework, url, pid))
        except loadtest.SetupError as error:
            for framework, path in logs.items():
                print(f"--- {framework} log\n{path.read_text()[-2000:]}", file=sys.stderr)
            return loadtest.setup_failed(error)
        import webhook_receiver

        print_header(options, commands, out, webhook_receiver.__file__)
        problems: list[str] = []
        for server in servers:
            problems += check_server(server, options.providers)
        print(f"checks: {'all passed' if not problems else '; '.join(problems)}", file=out)
        measurements: list[Measurement] = []
        wrk_command: list[str] = []
        if options.warmup:
            for server, path, provider in round_order(servers, options.providers, 0, 1):
                measure(server, path, provider, 0, options, workdir, options.warmup)
        for round_number in range(1, options.rounds + 1):
            for server, path, provider in round_order(
                servers, options.providers, round_number - 1, options.rounds
            ):
                measurement, wrk_command = measure(
                    server, path, provider, round_number, options, workdir, options.duration
                )
                measurements.append(measurement)
                if measurement.non_2xx:
                    problems.append(
                        f"{server.framework} {path}: {measurement.non_2xx} non-2xx answers under load"
                    )
                errors = {k: v for k, v in measurement.socket_errors.items() if v}
                if errors:
                    problems.append(f"{server.framework} {path}: socket errors under load {errors}")
            print(
                f"round {round_number}/{options.rounds} done at {time.monotonic() - started:.0f} s", file=out
            )
    rows = summarise(measurements, options.frameworks, options.providers)
    print(f"\nwrk command (per measurement): {shlex.join(wrk_command[:-3])} -s <script.lua> <url>", file=out)
    print(f"medians over {options.rounds} round(s) of {options.duration} s per route:\n", file=out)
    print_table(rows, out)
    wall = time.monotonic() - started
    print(f"\nwall time {wall:.0f} s", file=out)
    for problem in problems:
        print(f"FAILED: {problem}", file=out)
    if options.json:
        options.json.write_text(
            json.dumps(
                {
                    "machine": machine(),
                    "versions": versions(),
                    "settings": {key: value for key, value in vars(options).items() if key != "json"},
                    "server_commands": commands,
                    "wrk_command": wrk_command,
                    "body_size": BODY_SIZE,
                    "problems": problems,
                    "wall_seconds": wall,
                    "measurements": [asdict(m) for m in measurements],
                    "summary": [asdict(row) for row in rows],
                },
                indent=1,
                default=str,
            )
        )
    return 1 if problems else 0


def print_header(
    options: argparse.Namespace, commands: Mapping[str, list[str]], out: TextIO, library: str
) -> None:
    """Machine facts, versions, pins, commands and how the requests are signed."""
    print(f"machine: {machine()}, {platform.system()} {platform.release()}", file=out)
    print("versions: " + ", ".join(f"{k} {v}" for k, v in versions().items()), file=out)
    print(f"library imported from: {Path(library).parent}", file=out)
    if options.pin:
        print(f"pins: servers taskset -c {SERVER_CPU}, wrk taskset -c {LOAD_CPU} (-t1)", file=out)
    else:
        print("pins: NONE (fewer than 2 cores or no taskset): server and wrk share the CPUs", file=out)
    for framework, command in commands.items():
        print(f"server {framework}: {shlex.join(command)}", file=out)
    wsgi = options.wsgi_worker_class + (
        f" --threads {options.wsgi_threads}" if options.wsgi_worker_class == "gthread" else ""
    )
    print(f"WSGI worker: 1 {wsgi} worker; ASGI: 1 uvicorn worker on uvloop + httptools", file=out)
    print(
        f"bodies: {BODY_SIZE} bytes each (a sample event padded); /bare gets the {BASELINE_PROVIDER} "
        f"request, /bare-json each provider's; {options.connections} connections",
        file=out,
    )
    print(
        "signatures: made at the start of each measurement with the real clock; servers check with the "
        "real clock and the default tolerance (300 s), longer than any measurement (no fixed clock)",
        file=out,
    )


if __name__ == "__main__":
    sys.exit(main())
