"""Writers of one process on one SQLite inbox: with the per-file writer lock, and without.

Six threads ``put`` events one per transaction (a web server's request threads)
while two threads ``take`` and ``complete`` them (an in-app worker). Without the
lock every writer meets SQLite's busy handler, which sleeps in growing steps and is
not fair; with it (the default) the process's writers queue. Each round runs both,
in alternating order, on fresh files; reported per variant: puts/s, put latency
p50/p99/max, and how many events the takers finished meanwhile (their fair share).

    python benchmarks/bench_inbox_contention.py [--rounds 3] [--puts 400] [--durability machine]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import tempfile
import threading
import time
from pathlib import Path

from _machine import machine

from webhook_receiver import InboxEntry, InboxState, SQLiteInbox

PUTTERS = 6
TAKERS = 2


def run(directory: Path, *, locked: bool, puts: int, durability: str) -> dict[str, float]:
    """One variant on a fresh inbox file; returns its figures."""
    inbox = SQLiteInbox(directory / f"inbox-{locked}.sqlite3", durability=durability)
    if not locked:
        inbox._write_lock = contextlib.nullcontext()  # type: ignore[assignment]
    latencies: list[float] = []
    record = threading.Lock()
    stop = threading.Event()

    def putter(thread: int) -> None:
        for n in range(puts):
            started = time.perf_counter()
            inbox.put([InboxEntry(f"k{thread}-{n}", "bench", "t", "{}", (), 1.0)])
            elapsed = time.perf_counter() - started
            with record:
                latencies.append(elapsed)

    def taker() -> None:
        while not stop.is_set():
            taken = inbox.take(["bench"], limit=1, lease=60, now=2.0, max_attempts=8)
            for delivery in taken:
                inbox.complete(delivery, now=2.0)
            if not taken:
                stop.wait(0.001)

    putters = [threading.Thread(target=putter, args=(n,)) for n in range(PUTTERS)]
    takers = [threading.Thread(target=taker) for _ in range(TAKERS)]
    began = time.perf_counter()
    for thread in putters + takers:
        thread.start()
    for thread in putters:
        thread.join()
    elapsed = time.perf_counter() - began
    stop.set()
    for thread in takers:
        thread.join()
    done = inbox.counts()[InboxState.DONE]
    inbox.close()
    latencies.sort()
    return {
        "puts/s": len(latencies) / elapsed,
        "p50 ms": statistics.median(latencies) * 1000,
        "p99 ms": latencies[int(0.99 * (len(latencies) - 1))] * 1000,
        "max ms": latencies[-1] * 1000,
        "taken %": 100 * done / len(latencies),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--puts", type=int, default=400, help="puts per writer thread per round")
    parser.add_argument("--durability", choices=["machine", "process"], default="machine")
    args = parser.parse_args()
    print(
        f"# {machine()}; "
        f"{PUTTERS} putting threads, {TAKERS} taking threads, {args.puts} puts each, "
        f"durability={args.durability}, {args.rounds} round(s)"
    )
    results: dict[str, list[dict[str, float]]] = {"writer lock": [], "no lock": []}
    with tempfile.TemporaryDirectory(prefix="bench-inbox-") as folder:
        for round_number in range(args.rounds):
            order = [True, False] if round_number % 2 == 0 else [False, True]
            directory = Path(folder) / str(round_number)
            directory.mkdir()
            for locked in order:
                figures = run(directory, locked=locked, puts=args.puts, durability=args.durability)
                results["writer lock" if locked else "no lock"].append(figures)
    columns = ["puts/s", "p50 ms", "p99 ms", "max ms", "taken %"]
    print(
        f"{'variant':<12}"
        + "".join(f"{c:>10}" for c in columns)
        + "   (median over rounds; max: worst round)"
    )
    for variant, rows in results.items():
        cells = [
            max(r[c] for r in rows) if c == "max ms" else statistics.median(r[c] for r in rows)
            for c in columns
        ]
        print(f"{variant:<12}" + "".join(f"{v:>10.1f}" if v >= 10 else f"{v:>10.2f}" for v in cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
