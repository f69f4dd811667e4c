"""Puts from many threads into one SQLiteInbox: group commit against one transaction per put.

N threads (a WSGI server's request threads, or an ASGI app's worker threads) each
``put`` single-entry batches, a ~1 KiB event each, into one ``SQLiteInbox`` with
``durability="machine"`` (an fsync per commit) by default. Each round runs every
thread count twice on fresh files, with ``group_commit=True`` (the default: puts
that arrive during a commit share the next one) and ``group_commit=False`` (each put
its own transaction, queued on the writer lock), in alternating order. Reported per
thread count: puts/s, put latency p50/p99, puts per commit (COMMIT statements counted
with SQLite's trace callback), and the ratios with/without measured in the same round.

    python benchmarks/bench_inbox_puts.py [--rounds 3] [--threads 1,4,16,64] [--puts 2000]
                                          [--durability machine]

``--puts`` is per variant, split over the threads. Checks (exit 1 if one fails): every
put's entry is in the inbox afterwards, a put without group commit is one commit, and
a lone thread's puts are one commit each either way (nothing waits to collect puts).
"""

from __future__ import annotations

import argparse
import json
import math
import shlex
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from _machine import filesystem, fsync_ms, machine

from webhook_receiver import InboxEntry, InboxState, SQLiteInbox

VARIANTS = {"group commit": True, "one per put": False}
MAX_THREADS = 256
MAX_PUTS = 1_000_000


class CountingInbox(SQLiteInbox):
    """An SQLiteInbox that counts the COMMIT statements its connections run."""

    def __init__(self, path: Path, **options: Any) -> None:
        self.commits = 0
        super().__init__(path, **options)

    def _connect(self) -> sqlite3.Connection:
        connection = super()._connect()
        connection.set_trace_callback(self._trace)
        return connection

    def _trace(self, statement: str) -> None:
        if statement == "COMMIT":  # only ever in the thread holding the writer lock
            self.commits += 1


def payload() -> str:
    """A realistic event of about 1 KiB, as a receiver stores it (JSON text)."""
    event = {
        "id": "evt_1PqR8sLkdIwHu7ix0a9b8c7d",
        "type": "invoice.payment_succeeded",
        "created": 1_700_000_000,
        "livemode": False,
        "data": {
            "object": {
                "id": "in_1PqR8sLkdIwHu7ixAbCdEfGh",
                "customer": "cus_QfT1xYz2AbCdEf",
                "amount_due": 4900,
                "amount_paid": 4900,
                "currency": "eur",
                "status": "paid",
                "billing_reason": "subscription_cycle",
                "lines": [
                    {
                        "id": f"il_1PqR8sLkdIwHu7ix{n:08d}",
                        "description": "1 x Pro plan (at EUR 49.00 / month)",
                        "period": {"start": 1_697_400_000, "end": 1_700_000_000},
                        "quantity": 1,
                    }
                    for n in range(3)
                ],
                "metadata": {"account": "acme-gmbh", "region": "eu-central-1", "seats": "12"},
            }
        },
        "request": {"id": "req_9Zx8Yw7Vu6Ts5R", "idempotency_key": "a2c4e6f8-1b3d-4f5a-9c7e-0d2b4f6a8c0e"},
    }
    return json.dumps(event, separators=(",", ":"))


def run(
    path: Path, *, threads: int, puts: int, group_commit: bool, durability: str, body: str
) -> dict[str, float]:
    """One variant on a fresh inbox file: ``threads`` threads released together."""
    inbox = CountingInbox(path, durability=durability, group_commit=group_commit)
    per_thread = math.ceil(puts / threads)
    latencies: list[list[float]] = [[] for _ in range(threads)]
    began: list[float] = []
    start = threading.Barrier(threads, action=lambda: began.append(time.perf_counter()))
    headers = (("Stripe-Signature", "t=1700000000"),)

    def putter(thread: int) -> None:
        mine = latencies[thread]
        start.wait()
        for n in range(per_thread):
            batch = [InboxEntry(f"t{thread}-{n}", "bench", "invoice.payment_succeeded", body, headers, 1.0)]
            started = time.perf_counter()
            inbox.put(batch)
            mine.append(time.perf_counter() - started)

    workers = [threading.Thread(target=putter, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - began[0]
    stored = inbox.counts()[InboxState.PENDING]
    commits = inbox.commits
    inbox.close()
    every = sorted(latency for thread in latencies for latency in thread)
    return {
        "puts/s": len(every) / elapsed,
        "p50 ms": statistics.median(every) * 1000,
        "p99 ms": every[int(0.99 * (len(every) - 1))] * 1000,
        "puts/commit": len(every) / max(commits, 1),
        "puts": len(every),
        "stored": stored,
    }


def checks(results: dict[tuple[int, str], list[dict[str, float]]]) -> list[str]:
    """What must hold whatever the machine's speed; each failure as one line."""
    failures = []
    for (threads, variant), rows in results.items():
        for row in rows:
            if row["stored"] != row["puts"]:
                failures.append(
                    f"{threads} threads, {variant}: {row['stored']:.0f} stored of {row['puts']:.0f}"
                )
            lone = threads == 1 or not VARIANTS[variant]
            if lone and row["puts/commit"] != 1:
                failures.append(
                    f"{threads} threads, {variant}: {row['puts/commit']:.2f} puts per commit, not 1"
                )
    return failures


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n", 1)[0] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", default="1,4,16,64", help="comma-separated thread counts")
    parser.add_argument("--puts", type=int, default=2000, help="puts per variant, split over the threads")
    parser.add_argument("--durability", choices=["machine", "process"], default="machine")
    args = parser.parse_args(argv)
    try:
        args.thread_counts = [int(value) for value in args.threads.split(",")]
    except ValueError:
        parser.error("--threads takes whole numbers separated by commas")
    if not all(1 <= count <= MAX_THREADS for count in args.thread_counts):
        parser.error(f"--threads: each count from 1 to {MAX_THREADS}")
    if not 1 <= args.rounds <= 100:
        parser.error("--rounds: from 1 to 100")
    if not 1 <= args.puts <= MAX_PUTS:
        parser.error(f"--puts: from 1 to {MAX_PUTS}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(arguments)
    body = payload()
    results: dict[tuple[int, str], list[dict[str, float]]] = {
        (threads, variant): [] for threads in args.thread_counts for variant in VARIANTS
    }
    with tempfile.TemporaryDirectory(prefix="bench-inbox-puts-") as folder:
        print("# $ " + shlex.join(["python", "benchmarks/bench_inbox_puts.py", *arguments]))
        print(
            f"# {machine()}, SQLite {sqlite3.sqlite_version}; inbox files on {filesystem(Path(folder))}, "
            f"4 KiB write + fsync there: {fsync_ms(Path(folder)):.2f} ms (median of 50)"
        )
        print(
            f"# {args.rounds} round(s); {args.puts} puts per variant split over the threads, one "
            f"{len(body)}-byte entry each; durability={args.durability}"
        )
        for round_number in range(args.rounds):
            for threads in args.thread_counts:
                order = list(VARIANTS) if (round_number + threads) % 2 == 0 else list(VARIANTS)[::-1]
                for variant in order:
                    path = Path(folder) / f"r{round_number}-t{threads}-{VARIANTS[variant]}.sqlite3"
                    figures = run(
                        path,
                        threads=threads,
                        puts=args.puts,
                        group_commit=VARIANTS[variant],
                        durability=args.durability,
                        body=body,
                    )
                    results[(threads, variant)].append(figures)
    columns = ["puts/s", "p50 ms", "p99 ms", "puts/commit"]
    print(
        f"{'threads':>7}  {'variant':<12}" + "".join(f"{c:>12}" for c in columns) + "   (medians over rounds)"
    )
    for (threads, variant), rows in results.items():
        cells = [statistics.median(row[c] for row in rows) for c in columns]
        print(
            f"{threads:>7}  {variant:<12}"
            + "".join(f"{v:>12.1f}" if v >= 10 else f"{v:>12.2f}" for v in cells)
        )
    print("group commit / one per put, median of the per-round ratios:")
    print(f"{'threads':>7}  {'puts/s':>8}  {'p50':>8}  {'p99':>8}")
    for threads in args.thread_counts:
        grouped, alone = results[(threads, "group commit")], results[(threads, "one per put")]
        ratios = [
            statistics.median(with_[c] / without[c] for with_, without in zip(grouped, alone, strict=True))
            for c in ("puts/s", "p50 ms", "p99 ms")
        ]
        print(f"{threads:>7}  " + "  ".join(f"{r:>7.2f}x" for r in ratios))
    failures = checks(results)
    print("checks: all passed" if not failures else "checks FAILED:\n  " + "\n  ".join(failures))
    return 0 if not failures else 1


if __name__ == "__main__":
    raise SystemExit(main())
