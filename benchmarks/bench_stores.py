"""Per-event cost an idempotency store adds to ``Receiver.handle``, as a ratio to no store.

Every round handles a fresh batch of distinct signed Kourier events through each
candidate (no store, memory, SQLite file, Redis, PostgreSQL) in a shuffled order, then the same
events again (the duplicate path: claim finds them done). Reported: the median over
rounds of microseconds per event and of the ratio to the no-store receiver measured
in the same round.

    python benchmarks/bench_stores.py [--rounds 9] [--events 500]

Redis: ``WEBHOOK_RECEIVER_REDIS_URL``, else a ``redis-server`` on the PATH is started
on a free 127.0.0.1 port for the run; without either the Redis row is skipped.
PostgreSQL: ``WEBHOOK_RECEIVER_POSTGRES_URL``, else a throwaway cluster where PostgreSQL
is installed (its durability defaults: each commit flushed); else the row is skipped.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import ModuleType

from webhook_receiver import IdempotencyStore, MemoryStore, Receiver, SQLiteStore, providers

TOKEN = "bench-token"
HEADERS = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}


@contextmanager
def redis_url() -> Iterator[str | None]:
    url = os.environ.get("WEBHOOK_RECEIVER_REDIS_URL")
    binary = shutil.which("redis-server")
    if url or binary is None:
        yield url
        return
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _pg_server() -> ModuleType:
    """``tests/pg_server.py``, loaded from its file: not ``from tests import pg_server``,
    since a dependency may install a top-level ``tests`` package of its own (paddle's
    SDK does), which an import by name would find first."""
    path = Path(__file__).resolve().parent.parent / "tests" / "pg_server.py"
    spec = importlib.util.spec_from_file_location("webhook_receiver_pg_server", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextmanager
def postgres_url() -> Iterator[str | None]:
    """``WEBHOOK_RECEIVER_POSTGRES_URL``, else a throwaway cluster where PostgreSQL is installed
    (``tests/pg_server.py``; PostgreSQL's own durability defaults), else ``None``."""
    url = os.environ.get("WEBHOOK_RECEIVER_POSTGRES_URL")
    pg_server = _pg_server()

    if url or pg_server.binaries() is None:
        yield url
        return
    directory = Path(tempfile.mkdtemp(prefix="bench-postgres-"))
    try:
        yield pg_server.start(directory)
    finally:
        pg_server.stop(directory)


def fresh_postgres_store(url: str) -> IdempotencyStore:
    """A ``PostgresStore`` on a table of its own, made for this run."""
    from webhook_receiver.postgres import PostgresStore

    store = PostgresStore.from_url(url, table=f"bench_{time.time_ns()}")
    store.create_schema()
    return store


def bodies(round_index: int, count: int) -> list[bytes]:
    return [
        json.dumps(
            {"event": "delivery.updated", "delivery_id": f"r{round_index}-{i}", "status": "in_transit"}
        ).encode()
        for i in range(count)
    ]


def timed(receiver: Receiver, batch: list[bytes]) -> float:
    """Microseconds per event to handle every body of ``batch`` (each must answer 200)."""
    start = time.perf_counter_ns()
    for body in batch:
        reply = receiver.handle("POST", HEADERS, body)
        if reply.status != 200:
            raise SystemExit(f"unexpected {reply.status}: {reply.body!r}")
    return (time.perf_counter_ns() - start) / len(batch) / 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--events", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, redis_url() as url, postgres_url() as pg_url:
        stores: dict[str, Callable[[], IdempotencyStore | None]] = {
            "no store": lambda: None,
            "memory": MemoryStore,
            "sqlite": lambda: SQLiteStore(Path(tmp) / "events.db"),
        }
        if url:
            from webhook_receiver.redis_store import RedisStore

            stores["redis"] = lambda: RedisStore.from_url(url, prefix=f"bench:{time.time_ns()}:")
        if pg_url:
            stores["postgres"] = lambda: fresh_postgres_store(pg_url)
        receivers = {
            name: Receiver(providers.Kourier(token=TOKEN), store=make()) for name, make in stores.items()
        }
        receivers["no store"].on_any(lambda event: None)
        for receiver in receivers.values():
            receiver.on_any(lambda event: None)
        fresh: dict[str, list[float]] = {name: [] for name in receivers}
        duplicate: dict[str, list[float]] = {name: [] for name in receivers}
        rng = random.Random(7)
        timed(receivers["no store"], bodies(-1, 50))  # warm up
        for round_index in range(args.rounds):
            order = list(receivers)
            rng.shuffle(order)
            for name in order:
                batch = bodies(round_index, args.events)
                fresh[name].append(timed(receivers[name], batch))
                duplicate[name].append(timed(receivers[name], batch))
        machine = f"python {platform.python_version()} on {platform.machine()}"
        print(f"# {machine}; {args.rounds} rounds x {args.events} events")
        print(f"{'store':<10} {'new event us':>13} {'ratio':>7} {'duplicate us':>13} {'ratio':>7}")
        base_fresh = fresh["no store"]
        for name in receivers:
            ratio_fresh = statistics.median(f / b for f, b in zip(fresh[name], base_fresh, strict=True))
            ratio_dup = statistics.median(d / b for d, b in zip(duplicate[name], base_fresh, strict=True))
            print(
                f"{name:<10} {statistics.median(fresh[name]):>13.1f} {ratio_fresh:>7.2f} "
                f"{statistics.median(duplicate[name]):>13.1f} {ratio_dup:>7.2f}"
            )


if __name__ == "__main__":
    main()
