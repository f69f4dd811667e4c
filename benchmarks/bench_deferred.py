"""Deferred vs inline acknowledgement over HTTP: what answering before the handlers run buys.

::

    python benchmarks/bench_deferred.py [--rounds 3] [--requests 2000] [--concurrency 32]
        [--warmup 200] [--delay-ms 20] [--handler sync|async] [--worker async|threads]
        [--worker-concurrency 4] [--seconds 60] [--drain-seconds 120] [--dir DIR]
        [--json FILE] [--quick]

One ``uvicorn deferred_app:app`` process (1 worker, h11, see ``benchmarks/deferred_app.py``)
on a free 127.0.0.1 port serves four Kourier receivers behind ``WebhookMiddleware``,
one per mode:

================  ==================================================================
mode              what answers the request
================  ==================================================================
inline-noop       the handler runs in the request and does nothing (a reference)
inline            the handler runs in the request: ``time.sleep(--delay-ms)``, standing
                  for a call to a downstream API, then the 200
deferred-machine  the event is committed to a ``SQLiteInbox`` (WAL, ``synchronous=FULL``:
                  an fsync per commit), then the 202; a Worker started by the app's
                  lifespan runs the same handler later
deferred-process  the same with ``durability="process"`` (``synchronous=NORMAL``)
================  ==================================================================

A round sends ``--requests`` valid events (one distinct Kourier delivery each, bearer
token) to one mode over ``--concurrency`` keep-alive connections, with the load
generator of ``benchmarks/loadtest.py`` (asyncio streams, in this process), then waits
(at most ``--drain-seconds``) until every acknowledged event's handler has run and,
for a deferred mode, the inbox counts it done. Rounds go through the modes in order,
reversed every other round, so a drift of the machine lands on all of them; every
mode is warmed up (and drained) first, and a wrong token must answer 401 on every
path (proof that each route verifies).

Reported per round and mode: acknowledgement requests/s, p50 and p99 latency (from
writing the request to reading the whole answer, not counting the wait for a free
connection); "processed s", from the round's first request to the end of the last
acknowledged event's handler (the handler log's timestamps), and the events/s that
makes; the server's CPU per event (user + system, over the round and its drain).
The summary gives the median over rounds of each, and of each per-round ratio to
``inline`` (the slow handler, in the request) in the same round.

Checks, any failure exits 1: every request answered its mode's status (200 inline,
202 deferred) in time, no transport error; every acknowledged event's handler ran
exactly once (none missing, none twice, none for an event never acknowledged: the
handler log, read again after the server stopped); each inbox counts exactly as many
done events as were acknowledged to it, and none pending, running or dead; the
server logged no traceback and no lost lease. Exit 2 when the server could not start.

``--quick`` (the smoke test): 1 round of 100 requests per mode, concurrency 8, warm-up 20.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

BENCHMARKS = Path(__file__).resolve().parent
if str(BENCHMARKS) not in sys.path:  # run as a script it is already there (sys.path[0])
    sys.path.insert(0, str(BENCHMARKS))

import httpx2  # noqa: E402
import loadtest  # noqa: E402 - the load generator, server helpers and stats, reused
from _machine import filesystem, fsync_ms  # noqa: E402
from deferred_app import (  # noqa: E402
    DEFERRED_MODES,
    HANDLER_LOG,
    MODES,
    READY_PATH,
    TOKEN,
    inbox_path,
    mode_path,
)

from webhook_receiver import InboxState, SQLiteInbox  # noqa: E402

BASELINE = "inline"
"""The mode every ratio is taken against, in the same round."""
MAX_SECONDS = 240.0
POLL = 0.01
"""Seconds between looks at the handler log while waiting for a drain."""


def expected_status(mode: str) -> int:
    """The status a valid event gets from ``mode``: Kourier's 202 when deferred."""
    return 202 if mode in DEFERRED_MODES else 200


# --- the server -----------------------------------------------------------------------------------


class HandlerLog:
    """Follows the app's handler log: each event's run times, by delivery id."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.runs: dict[str, list[float]] = {}
        self._offset = 0
        self._partial = b""

    def read(self) -> None:
        """Take in the lines written since the last call (a half-written one waits)."""
        try:
            with self.path.open("rb") as log:
                log.seek(self._offset)
                data = log.read()
        except FileNotFoundError:
            return
        self._offset += len(data)
        *lines, self._partial = (self._partial + data).split(b"\n")
        for line in lines:
            _mode, delivery, at = line.decode().split()
            self.runs.setdefault(delivery, []).append(float(at))


# --- one round of one mode ----------------------------------------------------------------------


@dataclass(slots=True)
class Result:
    """One mode in one round."""

    mode: str
    round: int
    requests: int
    acknowledged: int
    elapsed: float
    p50_ms: float
    p99_ms: float
    processed_s: float
    """From the round's first request to the end of the last acknowledged event's handler."""
    cpu_us: float
    """Server CPU per event, over the round and its drain."""
    bad: dict[int, int] = field(default_factory=dict)
    """Answers other than the mode's status (0: transport error; -1: never sent)."""

    @property
    def rate(self) -> float:
        """Acknowledgements (HTTP answers) per second."""
        return self.requests / self.elapsed if self.elapsed else 0.0

    @property
    def processed_rate(self) -> float:
        """Events processed per second, counted from the round's first request."""
        return self.acknowledged / self.processed_s if self.processed_s else 0.0


@dataclass(slots=True)
class Run:
    """Everything the server did in one run, with what the checks need."""

    results: list[Result] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    acknowledged: set[str] = field(default_factory=set)
    """Every delivery id answered with its mode's 2xx (warm-up included)."""
    deferred_sent: Counter[str] = field(default_factory=Counter)
    """Deferred mode -> events acknowledged to its inbox."""


def events(prefix: str, count: int, mode: str) -> list[loadtest.Item]:
    """``count`` valid, distinct Kourier deliveries to ``mode``'s path."""
    headers = loadtest.kourier_headers(TOKEN)
    path = mode_path(mode)
    work = []
    for n in range(count):
        delivery = f"{prefix}-{n}"
        request = loadtest.Planned(
            "new", "POST", path, headers, loadtest.kourier_body(delivery), event=delivery
        )
        work.append(loadtest.Item((request,)))
    return work


async def send(
    base_url: str, work: Sequence[loadtest.Item], concurrency: int, seconds: float
) -> loadtest.Round:
    """``work`` over fresh keep-alive connections, bounded by ``seconds``."""
    host, port = base_url.removeprefix("http://").rsplit(":", 1)
    transport = loadtest.RawTransport(host, int(port), concurrency)
    try:
        return await loadtest.run_round(transport, work, concurrency, time.monotonic() + seconds)
    finally:
        await transport.aclose()


def measure(
    base_url: str,
    pid: int,
    mode: str,
    number: int,
    prefix: str,
    count: int,
    args: argparse.Namespace,
    handlers: HandlerLog,
    inboxes: dict[str, SQLiteInbox],
    run: Run,
) -> Result:
    """Send one round to ``mode``, wait until it is processed, and check it."""
    status = expected_status(mode)
    work = events(prefix, count, mode)
    cpu = loadtest.server_cpu_seconds(pid)
    started = time.time()
    done = asyncio.run(send(base_url, work, args.concurrency, args.seconds))
    acknowledged = [o.event for o in done.outcomes if o.final == status and o.event is not None]
    run.acknowledged.update(acknowledged)
    bad = Counter(s for o in done.outcomes for s in o.statuses if s != status)
    if done.unsent:
        bad[-1] += done.unsent
    where = f"{mode} round {number}" if number else f"{mode} warm-up"
    if bad:
        run.failures.append(f"{where}: answers other than {status}: {dict(bad)}")
    if mode in DEFERRED_MODES:
        run.deferred_sent[mode] += len(acknowledged)
    # The drain: every acknowledged event's handler has run, and a deferred one is done.
    deadline = time.monotonic() + args.drain_seconds
    while True:
        handlers.read()
        ran = all(delivery in handlers.runs for delivery in acknowledged)
        if ran and (mode not in DEFERRED_MODES or _done(inboxes[mode]) >= run.deferred_sent[mode]):
            break
        if time.monotonic() > deadline:
            run.failures.append(f"{where}: not processed within --drain-seconds {args.drain_seconds:g}")
            break
        time.sleep(POLL)
    server_cpu = loadtest.server_cpu_seconds(pid) - cpu
    finished = [handlers.runs[d][-1] for d in acknowledged if d in handlers.runs]
    latencies = [latency for o in done.outcomes for latency in o.latencies]
    return Result(
        mode,
        number,
        len(latencies),
        len(acknowledged),
        done.elapsed,
        loadtest.percentile(latencies, 0.5) * 1000,
        loadtest.percentile(latencies, 0.99) * 1000,
        max(finished, default=started) - started,
        server_cpu / max(1, len(acknowledged)) * 1e6,
        dict(bad),
    )


def _done(inbox: SQLiteInbox) -> int:
    return inbox.counts()[InboxState.DONE]


async def sanity(base_url: str) -> list[str]:
    """Every mode's path verifies: a wrong token answers 401 (and no handler runs)."""
    failures = []
    async with httpx2.AsyncClient(timeout=loadtest.REQUEST_TIMEOUT, trust_env=False) as client:
        for mode in MODES:
            response = await client.post(
                base_url + mode_path(mode),
                content=loadtest.kourier_body(f"sanity-{mode}"),
                headers=loadtest.kourier_headers("wrong-token"),
            )
            if response.status_code != 401:
                failures.append(f"{mode}: a wrong token answered {response.status_code}, expected 401")
    return failures


def drive(base_url: str, pid: int, args: argparse.Namespace, directory: Path, run_id: str) -> Run:
    """Sanity check, warm-up, then the interleaved rounds, against the running server."""
    run = Run()
    handlers = HandlerLog(directory / HANDLER_LOG)
    inboxes = {mode: SQLiteInbox(inbox_path(directory, mode)) for mode in DEFERRED_MODES}
    try:
        run.failures += asyncio.run(sanity(base_url))
        for mode in MODES:
            if args.warmup:
                measure(
                    base_url, pid, mode, 0, f"{run_id}-{mode}-w", args.warmup, args, handlers, inboxes, run
                )
        for number in range(1, args.rounds + 1):
            order = MODES if number % 2 else tuple(reversed(MODES))
            for mode in order:
                prefix = f"{run_id}-{mode}-{number}"
                run.results.append(
                    measure(base_url, pid, mode, number, prefix, args.requests, args, handlers, inboxes, run)
                )
    finally:
        for inbox in inboxes.values():
            inbox.close()
    return run


def final_checks(run: Run, directory: Path, server_log: str) -> dict[str, Any]:
    """Exactly once over the whole handler log, and each inbox's counts, after the server stopped."""
    handlers = HandlerLog(directory / HANDLER_LOG)
    handlers.read()
    runs = {delivery: len(times) for delivery, times in handlers.runs.items()}
    missing = len(run.acknowledged - runs.keys())
    twice = sum(1 for n in runs.values() if n > 1)
    unexpected = sum(n for delivery, n in runs.items() if delivery not in run.acknowledged)
    if missing:
        run.failures.append(f"{missing} acknowledged event(s) never reached a handler")
    if twice:
        run.failures.append(f"{twice} event(s) handled more than once")
    if unexpected:
        run.failures.append(f"{unexpected} handler run(s) for events never acknowledged")
    counts: dict[str, dict[str, int]] = {}
    for mode in DEFERRED_MODES:
        inbox = SQLiteInbox(inbox_path(directory, mode))
        try:
            found = {state.value: n for state, n in inbox.counts().items()}
        finally:
            inbox.close()
        counts[mode] = found
        wanted = {state.value: 0 for state in InboxState} | {"done": run.deferred_sent[mode]}
        if found != wanted:
            run.failures.append(f"{mode} inbox counts {found}, expected {wanted}")
    if "Traceback" in server_log:
        run.failures.append("the server logged a traceback")
    if "may run twice" in server_log:
        run.failures.append("the server warned that a lease ran out")
    return {
        "acknowledged": len(run.acknowledged),
        "handler_runs": sum(runs.values()),
        "missing": missing,
        "twice": twice,
        "unexpected": unexpected,
        "inbox_counts": counts,
    }


# --- report -------------------------------------------------------------------------------------


def summarise(results: Sequence[Result]) -> dict[str, dict[str, float]]:
    """Per mode, the median over rounds of each figure and of each per-round ratio to inline."""
    by_round: dict[int, dict[str, Result]] = {}
    for result in results:
        by_round.setdefault(result.round, {})[result.mode] = result
    summary: dict[str, dict[str, float]] = {}
    for mode in MODES:
        rows: list[dict[str, float]] = []
        for modes in by_round.values():
            if mode not in modes:
                continue
            mine, base = modes[mode], modes.get(BASELINE, modes[mode])
            rows.append(
                {
                    "ack_per_s": mine.rate,
                    "p50_ms": mine.p50_ms,
                    "p99_ms": mine.p99_ms,
                    "processed_s": mine.processed_s,
                    "processed_per_s": mine.processed_rate,
                    "cpu_us_per_event": mine.cpu_us,
                    "ack_ratio": _ratio(mine.rate, base.rate),
                    "p50_ratio": _ratio(mine.p50_ms, base.p50_ms),
                    "p99_ratio": _ratio(mine.p99_ms, base.p99_ms),
                    "processed_ratio": _ratio(mine.processed_rate, base.processed_rate),
                    "cpu_ratio": _ratio(mine.cpu_us, base.cpu_us),
                }
            )
        if rows:
            summary[mode] = {name: statistics.median(row[name] for row in rows) for name in rows[0]}
    return summary


def _ratio(value: float, base: float) -> float:
    return value / base if base else 0.0


def versions() -> str:
    """The server-side versions that matter here."""
    import sqlite3

    found = []
    for package in ("uvicorn", "starlette"):
        with suppress(metadata.PackageNotFoundError):
            found.append(f"{package} {metadata.version(package)}")
    return ", ".join([*found, f"SQLite {sqlite3.sqlite_version}"])


def describe(args: argparse.Namespace, argv: Sequence[str], directory: Path) -> list[str]:
    """The header lines: the setup, the command, the machine, where the inbox lives."""
    handler = (
        f"time.sleep({args.delay_ms:g} ms) in a plain function (run in a thread)"
        if args.handler == "sync"
        else f"await asyncio.sleep({args.delay_ms:g} ms) in an async function"
    )
    worker = "asyncio tasks (worker.running())" if args.worker == "async" else "threads (worker.start())"
    return [
        f"# bench_deferred: {args.rounds} round(s) x {args.requests} requests per mode, "
        f"concurrency {args.concurrency}, warm-up {args.warmup} per mode",
        f"# handler: {handler}; Worker per inbox: {worker} in the app's lifespan, "
        f"concurrency {args.worker_concurrency}",
        "# $ " + shlex.join(["python", "benchmarks/bench_deferred.py", *argv]),
        f"# {loadtest.machine()} ({versions()})",
        f"# inbox files on {filesystem(directory)}; 4 KiB write + fsync there: "
        f"{fsync_ms(directory):.2f} ms (median of 50)",
    ]


def report(
    run: Run, summary: dict[str, dict[str, float]], header: Sequence[str], checks: dict[str, Any]
) -> None:
    """Print the per-round table, the summary and the checks."""
    for line in header:
        print(line)
    print(
        f"{'mode':<17}{'round':>6}{'status':>7}  {'ack req/s':>9}{'p50 ms':>8}{'p99 ms':>8}"
        f"  {'processed s':>11}{'events/s':>9}{'cpu us/ev':>10}"
    )
    for r in sorted(run.results, key=lambda r: (MODES.index(r.mode), r.round)):
        print(
            f"{r.mode:<17}{r.round:>6}{expected_status(r.mode):>7}  {r.rate:>9.0f}{r.p50_ms:>8.2f}"
            f"{r.p99_ms:>8.2f}  {r.processed_s:>11.2f}{r.processed_rate:>9.0f}{r.cpu_us:>10.0f}"
        )
    print()
    print(f"medians over rounds; ratio = mode / {BASELINE} in the same round")
    print(
        f"{'mode':<17}{'ack req/s':>10}{'ratio':>7}{'p50 ms':>9}{'ratio':>7}{'p99 ms':>9}{'ratio':>7}"
        f"{'processed s':>13}{'events/s':>10}{'ratio':>7}{'cpu us/ev':>11}{'ratio':>7}"
    )
    for mode, s in summary.items():
        print(
            f"{mode:<17}{s['ack_per_s']:>10.0f}{s['ack_ratio']:>7.2f}{s['p50_ms']:>9.2f}{s['p50_ratio']:>7.2f}"
            f"{s['p99_ms']:>9.2f}{s['p99_ratio']:>7.2f}{s['processed_s']:>13.2f}{s['processed_per_s']:>10.0f}"
            f"{s['processed_ratio']:>7.2f}{s['cpu_us_per_event']:>11.0f}{s['cpu_ratio']:>7.2f}"
        )
    print()
    inboxes = ", ".join(f"{mode} {counts}" for mode, counts in checks["inbox_counts"].items())
    print(
        f"exactly once (warm-up included): {checks['acknowledged']} events acknowledged, "
        f"{checks['handler_runs']} handler runs, {checks['missing']} missing, {checks['twice']} twice, "
        f"{checks['unexpected']} unexpected; inboxes: {inboxes}"
    )
    print("checks: " + ("all passed" if not run.failures else "FAILED"))
    for failure in run.failures:
        print(f"  - {failure}")


# --- main ---------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds (every mode once per round)")
    parser.add_argument("--requests", type=int, default=2000, help="requests per mode per round")
    parser.add_argument("--concurrency", type=int, default=32, help="connections")
    parser.add_argument("--warmup", type=int, default=200, help="warm-up requests per mode")
    parser.add_argument(
        "--delay-ms", type=float, default=20.0, help="the handler's simulated downstream call"
    )
    parser.add_argument(
        "--handler", choices=("sync", "async"), default="sync", help="time.sleep or asyncio.sleep"
    )
    parser.add_argument(
        "--worker", choices=("async", "threads"), default="async", help="asyncio tasks or threads"
    )
    parser.add_argument("--worker-concurrency", type=int, default=4, help="each Worker's concurrency")
    parser.add_argument(
        "--seconds", type=float, default=60.0, help=f"sending time limit per round, <= {MAX_SECONDS:g}"
    )
    parser.add_argument("--drain-seconds", type=float, default=120.0, help="processing time limit per round")
    parser.add_argument(
        "--dir", type=Path, default=None, help="where the inbox files go (default: a temp dir)"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument(
        "--quick", action="store_true", help="1 round x 100 requests, concurrency 8, warm-up 20"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.requests, args.concurrency, args.warmup = 1, 100, 8, 20
    if not (1 <= args.rounds <= 20 and 1 <= args.requests <= 100_000 and 1 <= args.concurrency <= 512):
        parser.error("--rounds 1..20, --requests 1..100000, --concurrency 1..512")
    if not (
        0 <= args.warmup <= 100_000 and 1 <= args.worker_concurrency <= 64 and 0 <= args.delay_ms <= 10_000
    ):
        parser.error("--warmup 0..100000, --worker-concurrency 1..64, --delay-ms 0..10000")
    if not (0 < args.seconds <= MAX_SECONDS and 0 < args.drain_seconds <= 3600):
        parser.error(f"--seconds in (0, {MAX_SECONDS:g}], --drain-seconds in (0, 3600]")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; 0 when every check passed, 1 when one failed, 2 when the server did not start."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(arguments)
    run_id = f"{os.getpid():x}{time.time_ns():x}"
    if args.dir is not None:
        args.dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-deferred-", dir=args.dir) as tmp:
        directory = Path(tmp)
        header = describe(args, arguments, directory)
        environment = {
            **os.environ,
            "DEFERRED_BENCH_DIR": tmp,
            "DEFERRED_BENCH_DELAY_MS": str(args.delay_ms),
            "DEFERRED_BENCH_HANDLER": args.handler,
            "DEFERRED_BENCH_WORKER": args.worker,
            "DEFERRED_BENCH_WORKER_CONCURRENCY": str(args.worker_concurrency),
        }
        log_path = directory / "server.log"
        try:
            with (
                log_path.open("w") as log,
                loadtest.gc_paused(),
                loadtest.uvicorn_server(
                    "deferred_app:app", ready_path=READY_PATH, log=log, environment=environment
                ) as (base_url, pid),
            ):
                run = drive(base_url, pid, args, directory, run_id)
        except loadtest.SetupError as exc:
            return loadtest.setup_failed(exc, log_path)
        # The server has stopped: terminating it ran the app's lifespan shutdown, which
        # stopped its Workers. Every handler run is in the log.
        server_log = log_path.read_text()
        checks = final_checks(run, directory, server_log)
    summary = summarise(run.results)
    report(run, summary, header, checks)
    if "Traceback" in server_log:
        print(server_log[server_log.index("Traceback") :][:3000], file=sys.stderr)
    if args.json is not None:
        figures = {
            "command": header[2].removeprefix("# $ "),
            "machine": loadtest.machine(),
            "options": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
            "rounds": [asdict(r) | {"rate": r.rate, "processed_rate": r.processed_rate} for r in run.results],
            "summary": summary,
            "checks": checks,
            "failures": run.failures,
        }
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 1 if run.failures else 0


if __name__ == "__main__":
    sys.exit(main())
