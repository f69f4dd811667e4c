"""Issue 18's request-level targets in wall-clock time: ``count_targets.py``'s cases, timed.

``count_targets.py`` counts instructions, which the machine's noise cannot move but which
undercount the MAC (valgrind runs OpenSSL without the CPU's SHA extensions). This script
times the same kind of cases (``count_targets.cases``: a provider's sample event padded
to 1024 bytes, or as it is when larger, and a Customer.io batch of 1000 events), so the
two read side by side. It times every provider with a one-MAC or token floor
(``count_targets.every_provider``; ``--providers seeds``: only the ones counted there):

- ``floor``: one ``hmac.new`` + ``compare_digest`` over the signed bytes already assembled
  (a token, password or key sent as it is: one ``compare_digest`` of the header's value);
- ``json``: ``json.loads(body)``;
- ``verify`` / ``asgi``: ``provider.verify`` with the headers as a ``dict`` / as ASGI pairs;
- ``handle``: ``receiver.handle("POST", headers, body)``, one handler that does nothing.

Each round times every candidate of a row once, in a shuffled order, about 10 ms of
calls each; a round's ratios divide by that round's floor (and ``json``), and the table
prints their median and spread over the rounds. orjson is an optional extra, so each
row is timed twice, in a process with orjson and in one where ``import orjson`` fails;
the two processes run one after the other, never side by side.

The garbage collector is paused while a measurement runs, as ``timeit`` and
``count_targets.py`` pause it: how often it runs, and what it then walks, depend on
the whole process's heap, not on the code measured. A 1 KiB request seldom starts a
collection anyway. The batch does (decoding 1000 events makes thousands of
containers), so it is also timed with the collector running, in measurements ten
times longer so that each holds several collections: the row ``..., collector
running``, what a server with this process's small heap pays.

    python benchmarks/bench_handle.py [--rounds 21] [--sample-ms 10] [--providers every|seeds] [--json PATH]

The targets: ``handle/(floor+json)`` at most 1.3 (the batch too); ``verify/floor`` and
``asgi/floor`` are ``bench_verify.py``'s (printed here for reference, judged there).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _machine import machine, time_once  # noqa: E402
from _targets import HANDLE, VERIFY_SMALL  # noqa: E402

VARIANTS = {"orjson": False, "no orjson": True}
"""Variant name -> whether ``import orjson`` fails in its process."""
SAMPLE_MS = 10
"""About this long per measurement of a 1 KiB row (``--sample-ms``): long enough that a
round's ratio is steady."""
RUNNING = "collector running"
"""How the batch's row timed with the garbage collector running is named."""
BATCH_SAMPLES = 10
"""With the collector running, a batch's measurement is this many times longer.

Decoding 1000 events allocates thousands of containers, so the garbage collector runs
during the batch's calls (as it would in a server). Ten times longer than a 1 KiB row's
(100 ms), a measurement holds several of its collections, where a 10 ms one (7 calls)
held none or a whole one, and one round's ratio swung from 0.4 to 3.4."""


def calls_for(fn: Callable[[], object], sample_ns: int, collector: bool) -> int:
    """How many calls of ``fn`` take about ``sample_ns`` (after a warm-up)."""
    calls = 1
    while True:
        spent = time_once(fn, calls, pause_collector=not collector) * calls
        if spent >= sample_ns / 10 or calls >= 1_000_000:
            return max(1, int(calls * sample_ns / max(spent, 1.0)))
        calls *= 4


def child(without_orjson: bool, rounds: int, batch_events: int, sample_ms: float, every: bool) -> None:
    """Time every case in this process; print its rows as JSON."""
    if without_orjson:
        sys.modules["orjson"] = None  # type: ignore[assignment]
    from count_targets import PROVIDERS, batch_name, cases, every_provider

    from webhook_receiver import _accel
    from webhook_receiver._events import _orjson

    assert (_orjson is None) == without_orjson
    rng = random.Random(1)
    rows = []
    timings = []  # (row, body, candidates, measurement length, collector running)
    for name, (body, candidates) in cases(batch_events, every_provider() if every else PROVIDERS).items():
        sample_ns = int(sample_ms * 1e6)
        timings.append((name, body, candidates, sample_ns, False))
        if name == batch_name(batch_events):
            timings.append((f"{name}, {RUNNING}", body, candidates, sample_ns * BATCH_SAMPLES, True))
    for name, body, candidates, sample_ns, collector in timings:
        calls = {candidate: calls_for(fn, sample_ns, collector) for candidate, fn in candidates.items()}
        times: dict[str, list[float]] = {candidate: [] for candidate in candidates}
        ratios: dict[str, list[float]] = {"verify/floor": [], "asgi/floor": [], "handle/(floor+json)": []}
        for _ in range(rounds):
            order = list(candidates)
            rng.shuffle(order)
            got = {
                candidate: time_once(candidates[candidate], calls[candidate], pause_collector=not collector)
                for candidate in order
            }
            for candidate, ns in got.items():
                times[candidate].append(ns)
            ratios["verify/floor"].append(got["verify"] / got["floor"])
            if "asgi" in got:
                ratios["asgi/floor"].append(got["asgi"] / got["floor"])
            ratios["handle/(floor+json)"].append(got["handle"] / (got["floor"] + got["json"]))
        row: dict[str, Any] = {"payload": name, "bytes": len(body)}
        row |= {f"{candidate}_us": statistics.median(ns) / 1000 for candidate, ns in times.items()}
        for ratio, values in ratios.items():
            row[ratio] = statistics.median(values) if values else None
            row[f"{ratio} spread"] = [min(values), max(values)] if values else None
        rows.append(row)
    meta = {"orjson": getattr(_orjson, "__version__", None), "compiled": _accel.status()}
    print(json.dumps({"rows": rows, **meta}))


def timed(without_orjson: bool, args: argparse.Namespace) -> dict[str, Any]:
    """One child's rows and what it reported of itself."""
    command = [sys.executable, __file__, "--child", "--rounds", str(args.rounds)]
    command += ["--batch-events", str(args.batch_events), "--sample-ms", str(args.sample_ms)]
    command += ["--without-orjson"] if without_orjson else []
    command += ["--providers", args.providers]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def table(rows: list[dict[str, Any]]) -> str:
    """The rows as text: microseconds per call, then the ratios (``!`` marks a missed target)."""

    def micro(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f}"

    def ratio(row: dict[str, Any], name: str, target: float) -> str:
        value, spread = row[name], row[f"{name} spread"]
        if value is None:
            return "-"
        return f"{value:.3f}{'!' if value > target else ' '} ({spread[0]:.2f}-{spread[1]:.2f})"

    lines = [
        f"{'variant':<9} {'payload':<43} {'bytes':>6} {'floor':>7} {'json':>8} {'verify':>7} {'asgi':>6}"
        f" {'handle':>8} {'verify/floor':>20} {'asgi/floor':>20} {'handle/(floor+json)':>20}"
    ]
    for row in rows:
        lines.append(
            f"{row['variant']:<9} {row['payload']:<43} {row['bytes']:>6} {micro(row['floor_us']):>7}"
            f" {micro(row['json_us']):>8} {micro(row['verify_us']):>7} {micro(row.get('asgi_us')):>6}"
            f" {micro(row['handle_us']):>8} {ratio(row, 'verify/floor', VERIFY_SMALL):>20}"
            f" {ratio(row, 'asgi/floor', VERIFY_SMALL):>20}"
            f" {ratio(row, 'handle/(floor+json)', HANDLE):>20}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=21, help="interleaved rounds per row")
    parser.add_argument("--batch-events", type=int, default=1000, help="events in the batch")
    parser.add_argument(
        "--sample-ms", type=float, default=SAMPLE_MS, help="milliseconds per measurement of a 1 KiB row"
    )
    parser.add_argument(
        "--providers",
        choices=("every", "seeds"),
        default="every",
        help="every provider with a one-MAC or token floor (default), or the ones count_targets.py counts",
    )
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON (for run.py)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--without-orjson", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.without_orjson, args.rounds, args.batch_events, args.sample_ms, args.providers == "every")
        return
    results = {variant: timed(without, args) for variant, without in VARIANTS.items()}
    rows = [{"variant": variant, **row} for variant, result in results.items() for row in result["rows"]]
    print(
        f"# {machine()}, orjson {results['orjson']['orjson']}; compiled path: {results['orjson']['compiled']}"
    )
    print(
        f"# {args.rounds} interleaved rounds; µs per call (median); ratios: median (spread) of each round's"
    )
    print(f"# targets: handle/(floor+json) <= {HANDLE}; verify/floor, asgi/floor <= {VERIFY_SMALL}")
    print("# (! = over the target; a token's floor is one compare_digest of the header, not a MAC)")
    print(table(rows))
    if args.json:
        figures = {"rounds": args.rounds, "compiled": results["orjson"]["compiled"], "rows": rows}
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(figures, out)


if __name__ == "__main__":
    main()
