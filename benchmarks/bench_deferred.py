"""Deferred vs inline acknowledgement over HTTP, per back end: what answering before the handlers run buys.

::

    python benchmarks/bench_deferred.py [--rounds 3] [--requests 2000] [--concurrency 32]
        [--warmup 200] [--delay-ms 20] [--handler sync|async] [--worker async|threads]
        [--worker-concurrency 4] [--celery-pool prefork|threads] [--modes MODE,...]
        [--seconds 60] [--drain-seconds 120] [--dir DIR] [--json FILE] [--quick]

One ``uvicorn deferred_app:app`` process (1 worker, h11, see ``benchmarks/deferred_app.py``)
on a free 127.0.0.1 port serves one Kourier receiver per mode behind ``WebhookMiddleware``:

========================  ==============================================================
mode                      what answers the request, and what runs the handler
========================  ==============================================================
inline-noop               the handler runs in the request and does nothing (a reference)
inline                    the handler runs in the request: ``time.sleep(--delay-ms)``,
                          standing for a call to a downstream API, then the 200
deferred-machine          the event is committed to a ``SQLiteInbox`` (WAL,
                          ``synchronous=FULL``: an fsync per commit; the class's default
                          group commit, where it has one), then the 202; a Worker started
                          by the app's lifespan runs the same handler later
deferred-machine-nogroup  the same with ``SQLiteInbox(..., group_commit=False)``: skipped
                          (with the reason printed) while ``SQLiteInbox`` has no such option
deferred-process          the same as deferred-machine with ``durability="process"``
                          (``synchronous=NORMAL``)
deferred-postgres         the event is committed to a ``PostgresInbox`` (a table of its own
                          for the run, made by ``create_schema()`` before the server
                          starts), then the 202; a Worker in the lifespan runs it
deferred-celery           the event is published to Celery (``CeleryInbox``, Redis broker),
                          then the 202; a ``celery worker`` process (``--celery-pool``,
                          ``--worker-concurrency``), started and stopped here, runs it,
                          with a ``RedisStore`` on the receiver (the deferred guide's set-up)
========================  ==============================================================

PostgreSQL: ``WEBHOOK_RECEIVER_POSTGRES_URL``, else a throwaway cluster
(``tests/pg_server.py``, PostgreSQL's durability defaults) where PostgreSQL is
installed, else ``deferred-postgres`` is skipped with the reason printed. Redis:
``WEBHOOK_RECEIVER_REDIS_URL``, else a throwaway ``redis-server`` (no persistence) where
one is on the PATH, else ``deferred-celery`` is skipped. Both as in
``benchmarks/bench_stores.py``; the run's table is dropped and its Redis keys (all under
one prefix) deleted at the end. ``--modes`` runs a subset (``inline`` always: it is the
baseline).

A round sends ``--requests`` valid events (one distinct Kourier delivery each, bearer
token) to one mode over ``--concurrency`` keep-alive connections, with the load
generator of ``benchmarks/loadtest.py`` (asyncio streams, in this process), then waits
(at most ``--drain-seconds``) until every acknowledged event's handler has run and the
back end counts it done (the inbox's ``done`` state; Celery: the task's success
signal). Rounds go through the modes in order, reversed every other round, so a drift
of the machine lands on all of them; every mode is warmed up (and drained) first, and a
wrong token must answer 401 on every path (proof that each route verifies).

Reported per round and mode: acknowledgement requests/s, p50 and p99 latency (from
writing the request to reading the whole answer, not counting the wait for a free
connection); "processed s", from the round's first request to the end of the last
acknowledged event's handler (the handler log's timestamps), and the events/s that
makes; the server's CPU per event (user + system, over the round and its drain), and
the CPU per event of the mode's processes outside the server ("other": the Celery
worker's processes and Redis; the PostgreSQL server's processes when they run on this
machine). The summary gives the median over rounds of each, and of each per-round
ratio to ``inline`` (the slow handler, in the request) in the same round.

Checks, any failure exits 1: every request answered its mode's status (200 inline,
202 deferred) in time, no transport error; every acknowledged event's handler ran
exactly once (none missing, none twice, none for an event never acknowledged: the
handler log, which the Celery worker's processes write to as well, read again after
the server and the worker stopped); each inbox counts exactly as many done events as
were acknowledged to it, and none pending, running or dead; for Celery, exactly as
many tasks succeeded as events were acknowledged, none was retried or failed, none is
left in the queue or unacknowledged, and the ``RedisStore`` holds each event as done;
neither the server nor the Celery worker logged a traceback, and the server no lost
lease. Exit 2 when a server or the Celery worker could not start.

``--quick`` (the smoke test): 1 round of 100 requests per mode, concurrency 8, warm-up 20.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

BENCHMARKS = Path(__file__).resolve().parent
ROOT = BENCHMARKS.parent
for folder in (BENCHMARKS, ROOT):  # ROOT first: measure this checkout's library, not an installed one
    # Moved to the front even when present: an editable install's .pth puts the
    # project at the end, behind site-packages.
    while str(folder) in sys.path:
        sys.path.remove(str(folder))
    sys.path.insert(0, str(folder))

import httpx2  # noqa: E402
import loadtest  # noqa: E402 - the load generator, server helpers and stats, reused
from _machine import filesystem, fsync_ms  # noqa: E402
from deferred_app import (  # noqa: E402
    CELERY_LOG,
    CELERY_MODE,
    DEFERRED_MODES,
    HANDLER_LOG,
    MODES,
    POSTGRES_MODE,
    READY_PATH,
    SQLITE_MODES,
    TOKEN,
    inbox_path,
    mode_path,
    supports_group_commit,
)

from webhook_receiver import InboxState, SQLiteInbox  # noqa: E402

BASELINE = "inline"
"""The mode every ratio is taken against, in the same round."""
MAX_SECONDS = 240.0
POLL = 0.01
"""Seconds between looks at the handler log while waiting for a drain."""
STARTUP_SECONDS = 60.0
"""How long the Celery worker may take to start consuming (a busy 2-core machine is slow)."""
STOP_SECONDS = 60.0


def expected_status(mode: str) -> int:
    """The status a valid event gets from ``mode``: Kourier's 202 when deferred."""
    return 202 if mode in DEFERRED_MODES else 200


# --- the server -----------------------------------------------------------------------------------


class AppendedLines:
    """Follows a file that processes append whole lines to (``O_APPEND``), a look at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._offset = 0
        self._partial = b""

    def new(self) -> list[bytes]:
        """The whole lines written since the last call (a half-written one waits for the next)."""
        try:
            with self.path.open("rb") as file:
                file.seek(self._offset)
                data = file.read()
        except FileNotFoundError:
            return []
        self._offset += len(data)
        *lines, self._partial = (self._partial + data).split(b"\n")
        return lines


class HandlerLog:
    """Follows the app's handler log: each event's run times, by delivery id."""

    def __init__(self, path: Path) -> None:
        self.lines = AppendedLines(path)
        self.runs: dict[str, list[float]] = {}

    def read(self) -> None:
        """Take in the lines written since the last call."""
        for line in self.lines.new():
            _mode, delivery, at = line.decode().split()
            self.runs.setdefault(delivery, []).append(float(at))


# --- back ends: what counts an event done, and what else burns CPU for it -----------------------


class Tally(Protocol):
    """A deferred mode's own account of its events, next to the handler log."""

    def done(self) -> int:
        """Events the back end counts as done so far (the drain waits for this)."""
        ...

    def counts(self) -> dict[str, int]:
        """Every figure the final check compares."""
        ...

    def expected(self, acknowledged: int) -> dict[str, int]:
        """What :meth:`counts` must be once ``acknowledged`` events were answered and processed."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...


class InboxTally:
    """A durable inbox (SQLite, PostgreSQL) counted by state: all done, none pending, running or dead."""

    def __init__(self, inbox: Any) -> None:
        self.inbox = inbox

    def done(self) -> int:
        """The inbox's done events."""
        return int(self.inbox.counts()[InboxState.DONE])

    def counts(self) -> dict[str, int]:
        """Events per state."""
        return {state.value: n for state, n in self.inbox.counts().items()}

    def expected(self, acknowledged: int) -> dict[str, int]:
        """Every acknowledged event done, nothing else."""
        return {state.value: 0 for state in InboxState} | {"done": acknowledged}

    def close(self) -> None:
        """Close the inbox."""
        self.inbox.close()


class CeleryTally:
    """Celery's side: task outcomes from the worker's signals (``celery-tasks.log``), and Redis.

    There is no inbox to count. What can be checked instead: as many tasks succeeded as
    events were acknowledged, none was retried or failed (a dead letter), the queue and
    the broker's unacknowledged set are empty, and the receiver's ``RedisStore`` holds
    every event as done (none still claimed).
    """

    def __init__(self, directory: Path, redis_url: str, queue: str, key_prefix: str) -> None:
        import redis

        self.lines = AppendedLines(directory / CELERY_LOG)
        self.seen: Counter[str] = Counter()
        self.queue = queue
        self.key_prefix = key_prefix
        self.client = redis.Redis.from_url(redis_url, socket_timeout=30)

    def read(self) -> None:
        """Take in the outcome lines written since the last call."""
        for line in self.lines.new():
            self.seen[line.decode().split()[0]] += 1

    def done(self) -> int:
        """Tasks that succeeded."""
        self.read()
        return self.seen["success"]

    def counts(self) -> dict[str, int]:
        """Tasks by outcome, messages left in Redis, and the store's keys by state."""
        self.read()
        queued = sum(
            int(self.client.llen(key))
            for key in self.client.scan_iter(match=f"{self.key_prefix}{self.queue}*", count=1000)
            if self.client.type(key) == b"list"
        )
        states: Counter[str] = Counter()
        keys = list(self.client.scan_iter(match=f"{self.key_prefix}store:*", count=1000))
        for start in range(0, len(keys), 1000):
            for value in self.client.mget(keys[start : start + 1000]):
                states[(value or b"gone").split(b"|", 1)[0].decode()] += 1
        return {
            "succeeded": self.seen["success"],
            "retried": self.seen["retry"],
            "failed": self.seen["failure"],
            "queued": queued,
            "unacked": int(self.client.hlen(f"{self.key_prefix}unacked")),
            "store_done": states["done"],
            "store_other": sum(states.values()) - states["done"],
        }

    def expected(self, acknowledged: int) -> dict[str, int]:
        """Every acknowledged event's task succeeded once, at the first attempt; nothing left over."""
        return {
            "succeeded": acknowledged,
            "retried": 0,
            "failed": 0,
            "queued": 0,
            "unacked": 0,
            "store_done": acknowledged,
            "store_other": 0,
        }

    def close(self) -> None:
        """Close the Redis connection."""
        self.client.close()


def tree_cpu_seconds(root: int) -> float:
    """User plus system CPU of process ``root`` and every live descendant, with their reaped children."""
    parents: dict[int, int] = {}
    spent: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # it ended meanwhile
        parents[int(entry.name)] = int(fields[1])
        spent[int(entry.name)] = sum(int(f) for f in fields[11:15]) / tick  # utime stime cutime cstime
    tree, frontier = {root}, [root]
    children: dict[int, list[int]] = {}
    for pid, parent in parents.items():
        children.setdefault(parent, []).append(pid)
    while frontier:
        for child in children.get(frontier.pop(), []):
            if child not in tree:
                tree.add(child)
                frontier.append(child)
    return sum(spent.get(pid, 0.0) for pid in tree)


def redis_cpu_seconds(client: Any) -> float:
    """The Redis server's own CPU (``INFO cpu``), wherever it runs."""
    info = client.info("cpu")
    return float(info["used_cpu_sys"]) + float(info["used_cpu_user"])


def postmaster_pid(url: str) -> int | None:
    """The PostgreSQL server's main process, when it runs on this machine (a backend's parent)."""
    import psycopg

    with psycopg.connect(url, connect_timeout=10) as connection:
        backend = connection.execute("SELECT pg_backend_pid()").fetchone()
        # While connected: the backend process ends with the connection.
        try:
            stat = Path(f"/proc/{backend[0] if backend else 0}/stat").read_text()
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if Path(f"/proc/{parent}/comm").read_text().strip() in ("postgres", "postmaster"):
                return parent
        except (OSError, ValueError, IndexError):
            pass
    return None


@dataclass(slots=True)
class Backends:
    """The run's modes and what the optional back ends need, once they are up."""

    modes: tuple[str, ...]
    skipped: dict[str, str] = field(default_factory=dict)
    """Mode -> why it is not run."""
    environment: dict[str, str] = field(default_factory=dict)
    """For the app (and the Celery worker)."""
    notes: list[str] = field(default_factory=list)
    """Header lines: where each back end runs, and how durable it is."""
    postgres: tuple[str, str] | None = None
    """(URL, table)."""
    celery: tuple[str, str, str] | None = None
    """(Redis URL, queue, key prefix)."""
    other_cpu: dict[str, Callable[[], float]] = field(default_factory=dict)
    """Mode -> the CPU seconds so far of its processes outside the server."""

    def tallies(self, directory: Path) -> dict[str, Tally]:
        """A fresh tally per deferred mode of the run."""
        found: dict[str, Tally] = {}
        for mode in self.modes:
            if mode in SQLITE_MODES:
                found[mode] = InboxTally(SQLiteInbox(inbox_path(directory, mode)))
            elif mode == POSTGRES_MODE and self.postgres is not None:
                from webhook_receiver.postgres import PostgresInbox

                url, table = self.postgres
                found[mode] = InboxTally(PostgresInbox(url, table=table, max_connections=1))
            elif mode == CELERY_MODE and self.celery is not None:
                found[mode] = CeleryTally(directory, *self.celery)
        return found


def chosen_modes(requested: Sequence[str] | None) -> tuple[list[str], dict[str, str]]:
    """The modes asked for (all by default; ``inline`` always), less those this library cannot serve."""
    wanted = [mode for mode in MODES if requested is None or mode in requested or mode == BASELINE]
    skipped = {}
    if "deferred-machine-nogroup" in wanted and not supports_group_commit():
        skipped["deferred-machine-nogroup"] = (
            "this SQLiteInbox takes no group_commit option (no group commit to turn off)"
        )
    return [mode for mode in wanted if mode not in skipped], skipped


def prepare(stack: ExitStack, requested: Sequence[str] | None, run_id: str) -> Backends:
    """Start or reach what the chosen modes need, in ``stack``; a mode that cannot run is skipped."""
    modes, skipped = chosen_modes(requested)
    backends = Backends(tuple(modes), skipped)
    if POSTGRES_MODE in modes:
        reason = _prepare_postgres(stack, backends, f"bench_deferred_{run_id}")
        if reason:
            backends.skipped[POSTGRES_MODE] = reason
    if CELERY_MODE in modes:
        reason = _prepare_celery(stack, backends, f"bench-deferred-{run_id}")
        if reason:
            backends.skipped[CELERY_MODE] = reason
    backends.modes = tuple(mode for mode in modes if mode not in backends.skipped)
    backends.environment["DEFERRED_BENCH_MODES"] = ",".join(backends.modes)
    return backends


def _prepare_postgres(stack: ExitStack, backends: Backends, table: str) -> str | None:
    try:
        from webhook_receiver.postgres import PostgresInbox
    except ImportError as exc:
        return f"psycopg is not installed ({exc}); pip install 'webhook-receiver[postgres]'"
    import bench_stores  # its postgres_url(), reused

    given = bool(os.environ.get("WEBHOOK_RECEIVER_POSTGRES_URL"))
    try:
        url = stack.enter_context(bench_stores.postgres_url())
    except Exception as exc:  # the throwaway cluster did not start: say why, run the rest
        return f"the throwaway PostgreSQL cluster did not start: {type(exc).__name__}: {exc}"
    if url is None:
        return "no PostgreSQL: set WEBHOOK_RECEIVER_POSTGRES_URL, or install PostgreSQL (initdb)"
    try:
        inbox = PostgresInbox(url, table=table)
        try:
            inbox.create_schema()
        finally:
            inbox.close()
        stack.callback(_drop_table, url, table)
        settings = _postgres_settings(url)
    except Exception as exc:
        return f"PostgreSQL at {inbox_location(url)} failed: {type(exc).__name__}: {exc}"
    backends.postgres = (url, table)
    backends.environment |= {"DEFERRED_BENCH_POSTGRES_URL": url, "DEFERRED_BENCH_POSTGRES_TABLE": table}
    where = "WEBHOOK_RECEIVER_POSTGRES_URL" if given else "a throwaway cluster (tests/pg_server.py)"
    backends.notes.append(f"# {POSTGRES_MODE}: {settings} on {where}, table {table}")
    postmaster = postmaster_pid(url)
    if postmaster is not None:
        backends.other_cpu[POSTGRES_MODE] = lambda: tree_cpu_seconds(postmaster)
    return None


def inbox_location(url: str) -> str:
    """``url`` without its password."""
    from webhook_receiver.postgres import redact

    return redact(url)


def _postgres_settings(url: str) -> str:
    import psycopg

    with psycopg.connect(url, connect_timeout=10) as connection:
        found = {
            name: str((connection.execute(f"SHOW {name}").fetchone() or ("?",))[0])
            for name in ("server_version", "fsync", "synchronous_commit", "wal_sync_method")
        }
        with suppress(psycopg.Error):  # only superusers (and pg_read_all_settings) may look
            found["data"] = str((connection.execute("SHOW data_directory").fetchone() or ("",))[0])
    data = found.get("data", "")
    # The data directory's filesystem, where this process can see it (a server on this machine).
    disk = f", data on {filesystem(Path(data))}" if data and Path(data).parent.exists() else ""
    return (
        f"PostgreSQL {found['server_version']} (fsync={found['fsync']}, "
        f"synchronous_commit={found['synchronous_commit']}, wal_sync_method={found['wal_sync_method']}{disk})"
    )


def _drop_table(url: str, table: str) -> None:
    import psycopg
    from psycopg import sql

    with suppress(psycopg.Error), psycopg.connect(url, connect_timeout=10) as connection:
        connection.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(table)))


def _prepare_celery(stack: ExitStack, backends: Backends, key_prefix: str) -> str | None:
    try:
        import celery
        import redis

        import webhook_receiver.celery_inbox  # noqa: F401 - the extra is there
    except ImportError as exc:
        return f"Celery is not installed ({exc}); pip install 'webhook-receiver[celery]'"
    import bench_stores  # its redis_url(), reused

    given = bool(os.environ.get("WEBHOOK_RECEIVER_REDIS_URL"))
    url = stack.enter_context(bench_stores.redis_url())
    if url is None:
        return "no Redis: set WEBHOOK_RECEIVER_REDIS_URL, or put redis-server on the PATH"
    client = redis.Redis.from_url(url, socket_timeout=30)
    stack.callback(client.close)
    try:
        client.ping()
        info = client.info("server")
        persistence = client.info("persistence")
    except redis.RedisError as exc:
        return f"Redis does not answer: {type(exc).__name__}: {exc}"
    stack.callback(_delete_keys, client, key_prefix)
    queue = f"{key_prefix}-queue"
    backends.celery = (url, queue, f"{key_prefix}:")
    backends.environment |= {
        "DEFERRED_BENCH_REDIS_URL": url,
        "DEFERRED_BENCH_CELERY_QUEUE": queue,
        "DEFERRED_BENCH_KEY_PREFIX": f"{key_prefix}:",
    }
    where = "WEBHOOK_RECEIVER_REDIS_URL" if given else "a throwaway redis-server"
    aof = "appendonly" if persistence.get("aof_enabled") else "no appendonly"
    backends.notes.append(
        f"# {CELERY_MODE}: Celery {celery.__version__}, broker and RedisStore on Redis "
        f"{info.get('redis_version', '?')} ({where}, {aof})"
    )
    return None


def _delete_keys(client: Any, key_prefix: str) -> None:
    """Every key the run left under ``key_prefix`` (Celery's queue, bindings, the store's keys)."""
    import redis

    with suppress(redis.RedisError):
        keys = list(client.scan_iter(match=f"{key_prefix}*", count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])


@contextmanager
def celery_worker(
    directory: Path, environment: Mapping[str, str], args: argparse.Namespace, queue: str, run_id: str
) -> Iterator[int]:
    """``celery -A deferred_app:celery_app worker`` consuming ``queue``, for the block; yields its pid.

    Started in a session of its own, so that a pool process cannot outlive it; stopped
    with SIGTERM (Celery's warm shutdown: running tasks finish), then SIGKILL to the
    session after ``STOP_SECONDS``.
    """
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "deferred_app:celery_app",
        "worker",
        f"--pool={args.celery_pool}",
        f"--concurrency={args.worker_concurrency}",
        "--loglevel=WARNING",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-Q",
        queue,
        "-n",
        f"bench-{run_id}@%h",
    ]
    # Not DJANGO_SETTINGS_MODULE (pytest-django's): Celery would set Django up.
    env = {k: v for k, v in environment.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DEFERRED_BENCH_ROLE"] = "celery-worker"
    with (directory / "celery-worker.log").open("wb") as log:
        process = subprocess.Popen(
            command, cwd=BENCHMARKS, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        tasks_log = directory / CELERY_LOG
        deadline = time.monotonic() + STARTUP_SECONDS
        while f"ready {process.pid}\n" not in (tasks_log.read_text() if tasks_log.exists() else ""):
            if process.poll() is not None:
                raise loadtest.SetupError(
                    f"the Celery worker exited early ({process.returncode}); see its log"
                )
            if time.monotonic() > deadline:
                raise loadtest.SetupError(f"the Celery worker was not ready within {STARTUP_SECONDS:g} s")
            time.sleep(0.1)
        yield process.pid
    finally:
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            print(f"the Celery worker did not stop within {STOP_SECONDS:g} s: killed", file=sys.stderr)
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # any pool process left behind
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=STOP_SECONDS)


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
    other_cpu_us: float | None = 0.0
    """CPU per event of the mode's processes outside the server (``None``: not measurable here)."""

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


@dataclass(slots=True)
class Target:
    """The running server, and how to watch what it and the back ends do."""

    base_url: str
    pid: int
    handlers: HandlerLog
    tallies: Mapping[str, Tally]
    other_cpu: Mapping[str, Callable[[], float]] = field(default_factory=dict)


def measure(
    target: Target,
    mode: str,
    number: int,
    prefix: str,
    count: int,
    args: argparse.Namespace,
    run: Run,
) -> Result:
    """Send one round to ``mode``, wait until it is processed, and check it."""
    status = expected_status(mode)
    work = events(prefix, count, mode)
    other = target.other_cpu.get(mode)
    other_before = other() if other is not None else 0.0
    cpu = loadtest.server_cpu_seconds(target.pid)
    started = time.time()
    done = asyncio.run(send(target.base_url, work, args.concurrency, args.seconds))
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
    handlers = target.handlers
    deadline = time.monotonic() + args.drain_seconds
    while True:
        handlers.read()
        ran = all(delivery in handlers.runs for delivery in acknowledged)
        if ran and (mode not in DEFERRED_MODES or target.tallies[mode].done() >= run.deferred_sent[mode]):
            break
        if time.monotonic() > deadline:
            run.failures.append(f"{where}: not processed within --drain-seconds {args.drain_seconds:g}")
            break
        time.sleep(POLL)
    server_cpu = loadtest.server_cpu_seconds(target.pid) - cpu
    other_cpu = other() - other_before if other is not None else 0.0
    finished = [handlers.runs[d][-1] for d in acknowledged if d in handlers.runs]
    latencies = [latency for o in done.outcomes for latency in o.latencies]
    per_event = 1e6 / max(1, len(acknowledged))
    unmeasured = mode in (POSTGRES_MODE, CELERY_MODE) and other is None
    return Result(
        mode,
        number,
        len(latencies),
        len(acknowledged),
        done.elapsed,
        loadtest.percentile(latencies, 0.5) * 1000,
        loadtest.percentile(latencies, 0.99) * 1000,
        max(finished, default=started) - started,
        server_cpu * per_event,
        dict(bad),
        None if unmeasured else other_cpu * per_event,
    )


async def sanity(base_url: str, modes: Sequence[str]) -> list[str]:
    """Every mode's path verifies: a wrong token answers 401 (and no handler runs)."""
    failures = []
    async with httpx2.AsyncClient(timeout=loadtest.REQUEST_TIMEOUT, trust_env=False) as client:
        for mode in modes:
            response = await client.post(
                base_url + mode_path(mode),
                content=loadtest.kourier_body(f"sanity-{mode}"),
                headers=loadtest.kourier_headers("wrong-token"),
            )
            if response.status_code != 401:
                failures.append(f"{mode}: a wrong token answered {response.status_code}, expected 401")
    return failures


def drive(target: Target, modes: Sequence[str], args: argparse.Namespace, run_id: str) -> Run:
    """Sanity check, warm-up, then the interleaved rounds, against the running server."""
    run = Run()
    run.failures += asyncio.run(sanity(target.base_url, modes))
    for mode in modes:
        if args.warmup:
            measure(target, mode, 0, f"{run_id}-{mode}-w", args.warmup, args, run)
    for number in range(1, args.rounds + 1):
        order = modes if number % 2 else tuple(reversed(modes))
        for mode in order:
            prefix = f"{run_id}-{mode}-{number}"
            run.results.append(measure(target, mode, number, prefix, args.requests, args, run))
    return run


def final_checks(
    run: Run, directory: Path, server_log: str, tallies: Mapping[str, Tally], worker_log: str = ""
) -> dict[str, Any]:
    """Exactly once over the whole handler log, and each back end's counts, after the server
    (and the Celery worker, whose log is ``worker_log``) stopped."""
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
    for mode, tally in tallies.items():
        found = tally.counts()
        counts[mode] = found
        wanted = tally.expected(run.deferred_sent[mode])
        if found != wanted:
            run.failures.append(f"{mode} inbox counts {found}, expected {wanted}")
    if "Traceback" in server_log:
        run.failures.append("the server logged a traceback")
    if "may run twice" in server_log:
        run.failures.append("the server warned that a lease ran out")
    if "Traceback" in worker_log:
        run.failures.append("the Celery worker logged a traceback")
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
            row = {
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
            if mine.other_cpu_us is not None:
                row["other_cpu_us_per_event"] = mine.other_cpu_us
                row["total_cpu_ratio"] = _ratio(mine.cpu_us + mine.other_cpu_us, base.cpu_us)
            rows.append(row)
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


def describe_backends(args: argparse.Namespace, backends: Backends) -> list[str]:
    """Header lines after :func:`describe`'s: the modes run and skipped, and each back end."""
    lines = [f"# modes: {', '.join(backends.modes)}"]
    if CELERY_MODE in backends.modes:
        lines.append(
            f"# {CELERY_MODE}: celery worker --pool {args.celery_pool} "
            f"--concurrency {args.worker_concurrency}, worker_prefetch_multiplier=1"
        )
    lines += backends.notes
    if any(mode in backends.modes for mode in SQLITE_MODES):
        grouping = (
            "deferred-machine with the default group commit, deferred-machine-nogroup without"
            if supports_group_commit()
            else "this SQLiteInbox has no group commit"
        )
        lines.append(f"# SQLite: {grouping}")
    lines += [f"# skipped {mode}: {reason}" for mode, reason in backends.skipped.items()]
    return lines


def report(
    run: Run, summary: dict[str, dict[str, float]], header: Sequence[str], checks: dict[str, Any]
) -> None:
    """Print the per-round table, the summary and the checks."""
    for line in header:
        print(line)
    print(
        f"{'mode':<25}{'round':>6}{'status':>7}  {'ack req/s':>9}{'p50 ms':>8}{'p99 ms':>8}"
        f"  {'processed s':>11}{'events/s':>9}{'cpu us/ev':>10}{'other us/ev':>12}"
    )
    for r in sorted(run.results, key=lambda r: (MODES.index(r.mode), r.round)):
        other = "n/a" if r.other_cpu_us is None else f"{r.other_cpu_us:.0f}"
        print(
            f"{r.mode:<25}{r.round:>6}{expected_status(r.mode):>7}  {r.rate:>9.0f}{r.p50_ms:>8.2f}"
            f"{r.p99_ms:>8.2f}  {r.processed_s:>11.2f}{r.processed_rate:>9.0f}{r.cpu_us:>10.0f}{other:>12}"
        )
    print()
    print(
        f"medians over rounds; ratio = mode / {BASELINE} in the same round; "
        "total cpu = (server + other) / inline's server"
    )
    print(
        f"{'mode':<25}{'ack req/s':>10}{'ratio':>7}{'p50 ms':>9}{'ratio':>7}{'p99 ms':>9}{'ratio':>7}"
        f"{'processed s':>13}{'events/s':>10}{'ratio':>7}{'cpu us/ev':>11}{'other':>7}{'total':>7}"
    )
    for mode, s in summary.items():
        other = f"{s['other_cpu_us_per_event']:>7.0f}" if "other_cpu_us_per_event" in s else f"{'n/a':>7}"
        total = f"{s['total_cpu_ratio']:>7.2f}" if "total_cpu_ratio" in s else f"{'n/a':>7}"
        print(
            f"{mode:<25}{s['ack_per_s']:>10.0f}{s['ack_ratio']:>7.2f}{s['p50_ms']:>9.2f}{s['p50_ratio']:>7.2f}"
            f"{s['p99_ms']:>9.2f}{s['p99_ratio']:>7.2f}{s['processed_s']:>13.2f}{s['processed_per_s']:>10.0f}"
            f"{s['processed_ratio']:>7.2f}{s['cpu_us_per_event']:>11.0f}{other}{total}"
        )
    print()
    inboxes = "; ".join(f"{mode} {counts}" for mode, counts in checks["inbox_counts"].items())
    print(
        f"exactly once (warm-up included): {checks['acknowledged']} events acknowledged, "
        f"{checks['handler_runs']} handler runs, {checks['missing']} missing, {checks['twice']} twice, "
        f"{checks['unexpected']} unexpected; inboxes: {inboxes}"
    )
    print("checks: " + ("all passed" if not run.failures else "FAILED"))
    for failure in run.failures:
        print(f"  - {failure}")


# --- main ---------------------------------------------------------------------------------------


def _modes(text: str) -> list[str]:
    modes = [mode.strip() for mode in text.split(",") if mode.strip()]
    unknown = [mode for mode in modes if mode not in MODES]
    if unknown or not modes:
        raise argparse.ArgumentTypeError(f"modes are {', '.join(MODES)} (got {text!r})")
    return modes


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
    parser.add_argument(
        "--worker-concurrency",
        type=int,
        default=4,
        help="each Worker's concurrency, and the Celery worker's",
    )
    parser.add_argument(
        "--celery-pool", choices=("prefork", "threads"), default="prefork", help="the Celery worker's pool"
    )
    parser.add_argument(
        "--modes",
        type=_modes,
        default=None,
        help=f"comma-separated, from {', '.join(MODES)} (default: all; {BASELINE} always)",
    )
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
    """Run the benchmark; 0 when every check passed, 1 when one failed, 2 when a server did not start."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(arguments)
    run_id = f"{os.getpid():x}{time.time_ns():x}"
    if args.dir is not None:
        args.dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-deferred-", dir=args.dir) as tmp, ExitStack() as stack:
        directory = Path(tmp)
        backends = prepare(stack, args.modes, run_id)
        header = describe(args, arguments, directory) + describe_backends(args, backends)
        python_path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
        environment = {
            **os.environ,
            "PYTHONPATH": python_path,  # the server and the worker import this checkout's library too
            "DEFERRED_BENCH_DIR": tmp,
            "DEFERRED_BENCH_DELAY_MS": str(args.delay_ms),
            "DEFERRED_BENCH_HANDLER": args.handler,
            "DEFERRED_BENCH_WORKER": args.worker,
            "DEFERRED_BENCH_WORKER_CONCURRENCY": str(args.worker_concurrency),
            **backends.environment,
        }
        log_path = directory / "server.log"
        worker_log_path = directory / "celery-worker.log"
        tallies = backends.tallies(directory)
        try:
            with (
                log_path.open("w") as log,
                loadtest.gc_paused(),
                ExitStack() as processes,
            ):
                other_cpu = dict(backends.other_cpu)
                if backends.celery is not None:
                    worker_pid = processes.enter_context(
                        celery_worker(directory, environment, args, backends.celery[1], run_id)
                    )
                    client = getattr(tallies[CELERY_MODE], "client", None)  # the CeleryTally's Redis
                    other_cpu[CELERY_MODE] = lambda: tree_cpu_seconds(worker_pid) + redis_cpu_seconds(client)
                base_url, pid = processes.enter_context(
                    loadtest.uvicorn_server(
                        "deferred_app:app", ready_path=READY_PATH, log=log, environment=environment
                    )
                )
                target = Target(base_url, pid, HandlerLog(directory / HANDLER_LOG), tallies, other_cpu)
                run = drive(target, backends.modes, args, run_id)
        except loadtest.SetupError as exc:
            for tally in tallies.values():
                tally.close()
            if worker_log_path.exists():
                print(worker_log_path.read_text(errors="replace")[-4000:], file=sys.stderr)
            return loadtest.setup_failed(exc, log_path)
        # The server has stopped: terminating it ran the app's lifespan shutdown, which
        # stopped its Workers; the Celery worker has stopped too. Every handler run is in the log.
        server_log = log_path.read_text()
        worker_log = worker_log_path.read_text(errors="replace") if worker_log_path.exists() else ""
        try:
            checks = final_checks(run, directory, server_log, tallies, worker_log)
        finally:
            for tally in tallies.values():
                tally.close()
    summary = summarise(run.results)
    report(run, summary, header, checks)
    for name, text in (("server", server_log), ("Celery worker", worker_log)):
        if "Traceback" in text:
            print(f"the {name}'s log:\n" + text[text.index("Traceback") :][:3000], file=sys.stderr)
    if args.json is not None:
        figures = {
            "command": header[2].removeprefix("# $ "),
            "machine": loadtest.machine(),
            "options": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
            "modes": list(backends.modes),
            "skipped": backends.skipped,
            "rounds": [asdict(r) | {"rate": r.rate, "processed_rate": r.processed_rate} for r in run.results],
            "summary": summary,
            "checks": checks,
            "failures": run.failures,
        }
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 1 if run.failures else 0


if __name__ == "__main__":
    sys.exit(main())
