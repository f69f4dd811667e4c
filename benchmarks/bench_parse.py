"""Verify + parse + typed events, as a ratio to ``json.loads`` on the same body, same run.

For each provider's sample (and a 1000-event Customer.io batch), each round times, in
a shuffled order: ``json.loads(body)`` alone (the floor: any receiver must at least
decode the JSON), and ``provider.verify`` + ``provider.parse`` (typed events). The
median over rounds of the ratio is reported.

Where the time goes: each round also times ``provider.verify`` alone and the
library's JSON decoding alone (``decode_json``); the ``events`` column is what is
left of verify + parse (wrapping the headers, reading fields, building the typed
events), as the difference of the medians.

    python benchmarks/bench_parse.py [--rounds 15] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
from collections.abc import Callable

from _machine import machine, time_once

from webhook_receiver._events import _decode_standard, _orjson, decode_json
from webhook_receiver.testing import make_provider, sample, samples

NOW = 1_700_000_000


def _decoding() -> str:
    """Which decoder ``decode_json`` is."""
    if _orjson is not None:
        return "orjson first"
    if decode_json is not _decode_standard:
        return "no orjson: the compiled decoder"
    return "no orjson: the standard decoder"


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Microseconds per call."""
    return time_once(fn, repeat) / 1000


Case = tuple[bytes, Callable[[], object], Callable[[], object]]


def cases() -> dict[str, Case]:
    """name -> (body, verify+parse callable, verify-only callable)."""
    out: dict[str, Case] = {}
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

        def verify(provider=provider, headers=headers, body=body) -> object:  # type: ignore[no-untyped-def]
            provider.verify(headers, body, now=NOW)
            return None

        out[f"{one.provider} {one.type}"] = (body, run, verify)
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

    def verify_batch() -> object:
        cio.verify(batch_headers, batch, now=NOW)
        return None

    out["customerio batch of 1000"] = (batch, run_batch, verify_batch)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON (for run.py)")
    args = parser.parse_args()
    rows: list[dict[str, object]] = []
    print(f"# {machine()}; {args.rounds} interleaved rounds")
    print("# ratio = (verify + parse) / json.loads in the same round; verify, decode: each alone;")
    print("# events = ours - verify - decode (medians): headers, field reads, typed events")
    print(f"# decode: decode_json ({_decoding()}); std: the standard decoder alone; d/std: their ratio")
    print(
        f"{'payload':<40} {'bytes':>7} {'json.loads us':>13} {'ours us':>8} {'ratio':>6} {'spread':>11}"
        f" {'verify':>7} {'decode':>7} {'events':>7} {'std':>7} {'d/std':>6}"
    )
    rng = random.Random(3)
    for name, (body, run, verify) in cases().items():
        repeat = max(5, 1_000_000 // (len(body) + 500))  # 5-10 ms per measurement
        run()

        def floor(body: bytes = body) -> object:
            return json.loads(body)

        def decode(body: bytes = body) -> object:
            return decode_json(body)

        def standard(body: bytes = body) -> object:
            return _decode_standard(body)

        timings = {"floor": floor, "ours": run, "verify": verify, "decode": decode, "standard": standard}
        times: dict[str, list[float]] = {label: [] for label in timings}
        ratios: list[float] = []
        for _ in range(args.rounds):
            order = list(timings)
            rng.shuffle(order)
            measured = {label: timed(timings[label], repeat) for label in order}
            for label, value in measured.items():
                times[label].append(value)
            ratios.append(measured["ours"] / measured["floor"])
        med = {label: statistics.median(values) for label, values in times.items()}
        rows.append(
            {"payload": name, "bytes": len(body), "json_loads_us": med["floor"], "ours_us": med["ours"]}
            | {"decode_us": med["decode"], "standard_decode_us": med["standard"]}
            | {"ratio": statistics.median(ratios), "min": min(ratios), "max": max(ratios)}
        )
        print(
            f"{name:<40} {len(body):>7} {med['floor']:>13.2f} {med['ours']:>8.2f} "
            f"{statistics.median(ratios):>6.2f} {min(ratios):>5.2f}-{max(ratios):<5.2f} "
            f"{med['verify']:>7.2f} {med['decode']:>7.2f} {med['ours'] - med['verify'] - med['decode']:>7.2f}"
            f" {med['standard']:>7.2f} {med['decode'] / med['standard']:>6.2f}"
        )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump({"rounds": args.rounds, "rows": rows}, out)


if __name__ == "__main__":
    main()
