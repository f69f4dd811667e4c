"""A 1000-event Customer.io batch through each idempotency store, as ratios in one run.

Every round sends each candidate (no store, memory, an SQLite file, Redis, PostgreSQL) a fresh,
signed batch of 1000 distinct ``track`` events, then the same batch again (every
event a duplicate), in a shuffled order. Reported: the median over rounds of
milliseconds per request, its ratio to the receiver without a store and to the
in-memory store measured in the same round.

    python benchmarks/bench_batch_stores.py [--rounds 7] [--events 1000]

Redis: ``WEBHOOK_RECEIVER_REDIS_URL``, else a ``redis-server`` on the PATH is started
on a free 127.0.0.1 port for the run (as ``bench_stores.py`` does); without either
the Redis row is skipped; PostgreSQL likewise (``WEBHOOK_RECEIVER_POSTGRES_URL``, or a
throwaway cluster, see ``bench_stores.py``). Issue 17's target: every store within 3x of
in-memory.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from bench_stores import fresh_postgres_store, postgres_url, redis_url

from webhook_receiver import IdempotencyStore, MemoryStore, Receiver, SQLiteStore, providers
from webhook_receiver.testing import sign

SECRET = "bench-batch-secret"
NOW = 1_700_000_000.0


def batch(round_index: int, events: int) -> bytes:
    """A Customer.io batch of ``events`` distinct ``track`` events."""
    return json.dumps(
        [
            {
                "type": "track",
                "event": "Signed Up",
                "userId": f"user-{i}",
                "messageId": f"r{round_index}-m{i}",
                "timestamp": "2024-09-14T14:30:00Z",
                "properties": {"plan": "pro", "seats": 3},
            }
            for i in range(events)
        ]
    ).encode()


def timed(receiver: Receiver, body: bytes) -> float:
    """Milliseconds to handle one signed batch (it must answer 200)."""
    headers = {"Content-Type": "application/json", **sign("customerio", body, secret=SECRET, timestamp=NOW)}
    start = time.perf_counter_ns()
    reply = receiver.handle("POST", headers, body, now=NOW)
    elapsed = (time.perf_counter_ns() - start) / 1e6
    if reply.status != 200:
        raise SystemExit(f"unexpected {reply.status}: {reply.body[:200]!r}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--events", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory, redis_url() as url, postgres_url() as pg_url:
        stores: dict[str, IdempotencyStore | None] = {
            "no store": None,
            "memory": MemoryStore(max_entries=10 * args.rounds * args.events),
            "sqlite": SQLiteStore(Path(directory) / "events.db"),
        }
        if url:
            from webhook_receiver.redis_store import RedisStore

            stores["redis"] = RedisStore.from_url(url, prefix="bench-batch:")
        if pg_url:
            stores["postgres"] = fresh_postgres_store(pg_url)
        receivers = {
            name: Receiver(providers.CustomerIO(secret=SECRET), store=store) for name, store in stores.items()
        }
        for receiver in receivers.values():
            receiver.on_any(lambda event: None)
            timed(receiver, batch(-1, args.events))  # warm up (Redis loads its scripts)
        fresh: dict[str, list[float]] = {name: [] for name in receivers}
        again: dict[str, list[float]] = {name: [] for name in receivers}
        rng = random.Random(1)
        for round_index in range(args.rounds):
            body = batch(round_index, args.events)
            order = list(receivers)
            rng.shuffle(order)
            for name in order:
                fresh[name].append(timed(receivers[name], body))
                again[name].append(timed(receivers[name], body))
    print(f"# {args.rounds} rounds, batches of {args.events} Customer.io events, one request each")
    print(f"{'store':<10} {'pass':<10} {'ms/request':>11} {'vs no store':>12} {'vs memory':>10}")
    for label, figures in (("fresh", fresh), ("duplicate", again)):
        base = statistics.median(figures["no store"])
        memory = statistics.median(figures["memory"])
        for name, values in figures.items():
            ms = statistics.median(values)
            print(f"{name:<10} {label:<10} {ms:>11.2f} {ms / base:>11.2f}x {ms / memory:>9.2f}x")


if __name__ == "__main__":
    main()
