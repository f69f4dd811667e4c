"""Verify + parse + typed events, as a ratio to ``json.loads`` on the same body, same run.

For each provider's sample (and a 1000-event Customer.io batch), each round times, in
a shuffled order: ``json.loads(body)`` alone (the floor: any receiver must at least
decode the JSON), and ``provider.verify`` + ``provider.parse`` (typed events). The
median over rounds of the ratio is reported.

    python benchmarks/bench_parse.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import time
from collections.abc import Callable

from webhook_receiver.testing import make_provider, sample, samples

NOW = 1_700_000_000


def timed(fn: Callable[[], object], repeat: int) -> float:
    start = time.perf_counter_ns()
    for _ in range(repeat):
        fn()
    return (time.perf_counter_ns() - start) / repeat / 1000


def cases() -> dict[str, tuple[bytes, Callable[[], object]]]:
    """name -> (body, verify+parse callable)."""
    out: dict[str, tuple[bytes, Callable[[], object]]] = {}
    chosen = [
        s for s in samples() if s.provider in ("courier", "customerio", "kourier", "xtremepush", "stripe")
    ]
    for one in chosen[::2]:
        provider = make_provider(one.provider)
        headers = {**one.headers, **provider.sign(one.body, now=NOW)}
        body = one.body

        def run(provider=provider, headers=headers, body=body) -> object:  # type: ignore[no-untyped-def]
            provider.verify(headers, body, now=NOW)
            return provider.parse(headers, body)

        out[f"{one.provider} {one.type}"] = (body, run)
    track = sample("customerio", "track").payload
    assert isinstance(track, dict)
    batch = json.dumps([{**track, "messageId": f"m{i}", "userId": str(i)} for i in range(1000)]).encode()
    cio = make_provider("customerio")
    batch_headers = cio.sign(batch, now=NOW)

    def run_batch() -> object:
        cio.verify(batch_headers, batch, now=NOW)
        events = cio.parse(batch_headers, batch)
        assert len(events) == 1000
        return events

    out["customerio batch of 1000"] = (batch, run_batch)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    print(f"# python {platform.python_version()} on {platform.machine()}; {args.rounds} interleaved rounds")
    print(f"{'payload':<40} {'bytes':>8} {'json.loads us':>14} {'ours us':>10} {'ratio':>7} {'spread':>13}")
    rng = random.Random(3)
    for name, (body, run) in cases().items():
        repeat = max(3, 200_000 // (len(body) + 500))
        floor_times: list[float] = []
        our_times: list[float] = []
        ratios: list[float] = []
        run()

        def floor(body: bytes = body) -> object:
            return json.loads(body)

        for _ in range(args.rounds):
            order = ["floor", "ours"]
            rng.shuffle(order)
            measured = {label: timed(floor if label == "floor" else run, repeat) for label in order}
            floor_times.append(measured["floor"])
            our_times.append(measured["ours"])
            ratios.append(measured["ours"] / measured["floor"])
        print(
            f"{name:<40} {len(body):>8} {statistics.median(floor_times):>14.2f} "
            f"{statistics.median(our_times):>10.2f} {statistics.median(ratios):>7.2f} "
            f"{min(ratios):>6.2f}-{max(ratios):<6.2f}"
        )


if __name__ == "__main__":
    main()
