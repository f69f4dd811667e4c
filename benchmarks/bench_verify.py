"""Verification cost per provider, as a ratio to the raw HMAC floor measured in the same run.

For every body size, each round times every candidate once, in a shuffled order, so
machine noise hits all of them alike; the table shows the median over rounds of each
candidate's time divided by the floor's time in the same round, and the spread
(min-max of that ratio).

The floor is what a hand-written check must do at least:
``hmac.compare_digest(hmac.new(key, signed_bytes, digest).digest(), expected)`` over
bytes already assembled. The providers' own libraries (stripe, standardwebhooks,
slack_sdk) are measured as anchors where installed.

``webhook_receiver`` is given the signature headers as a ``dict``; ``ours, asgi list``
gets the same request as an ASGI server hands it over: ``(bytes, bytes)`` pairs with
lower-case names, five ordinary headers (host, user-agent, content-type,
content-length, accept) first and the signature headers after them. Both use the
compiled fast path (``webhook_receiver._speedups``) when it is built; then ``pure
python`` and ``pure, asgi list`` are the same two with it switched off, so the two
paths are compared in the same rounds.

``hand-written`` (Slack only) is the least a Python check of Slack's signature can do
with the key's HMAC states prepared once, as ours are: the two headers looked up by
their exact spelling in the dict, the timestamp's digits and age checked, the MAC
compared. It gives up what the library must do on every request: find a header in any
casing and refuse one sent twice, trim optional whitespace, accept a list of pairs as
well as a mapping, several secrets, and return a typed result. Its ratio against
``pure python`` shows what those rules cost in Python. ``hand-written, rules`` (and
``..., asgi list``) is the same check keeping every one of those rules, written as one
function with no calls of its own: the least the rules can cost in Python, which the
pure-Python target of 1.15x leaves too little room for (RESULTS.md, issue 18's seventh
part).

    python benchmarks/bench_verify.py [--rounds 15] [--sizes 1024,16384,262144,1048576] [--json PATH]
"""

from __future__ import annotations

import argparse
import base64
import binascii
import contextlib
import hashlib
import hmac
import json
import random
import statistics
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from _machine import machine, time_once

from webhook_receiver import Verified, _accel, providers
from webhook_receiver._records import constructor

make_verified = constructor(Verified)  # how the library makes its typed result, per request

NOW = 1_700_000_000
SECRET = "whsec_" + base64.b64encode(b"benchmark-secret-32-bytes-long!!").decode()


def body_of(size: int) -> bytes:
    """A JSON document of exactly ``size`` bytes (standardwebhooks parses what it verifies)."""
    head = b'{"type":"message:updated","data":{"id":"1-5e2b2615","status":"DELIVERED"},"pad":"'
    return head + b"x" * (size - len(head) - 2) + b'"}'


def floor(key: bytes, signed: bytes, digest: str, expected: bytes) -> Callable[[], None]:
    def run() -> None:
        assert hmac.compare_digest(hmac.new(key, signed, digest).digest(), expected)

    return run


def padded(key: bytes) -> tuple[Any, Any]:
    """HMAC-SHA256's inner and outer padded-key hash states for ``key`` (at most 64 bytes)."""
    block = key.ljust(64, b"\0")
    inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in block))
    return inner, hashlib.sha256(bytes(byte ^ 0x5C for byte in block))


def hand_written_slack(key: bytes) -> Callable[[dict[str, str], bytes, float], str]:
    """A minimal Slack check in Python, with the key's padded HMAC states made once (see above)."""
    inner_pad, outer_pad = padded(key)

    def check(headers: dict[str, str], body: bytes, now: float) -> str:
        signature = headers["X-Slack-Signature"]
        timestamp = headers["X-Slack-Request-Timestamp"]
        if not signature.startswith("v0="):
            raise ValueError("no v0= signature")
        candidate = binascii.a2b_hex(signature[3:])
        if len(timestamp) > 12 or not (timestamp.isascii() and timestamp.isdigit()):
            raise ValueError("timestamp is not digits")
        if abs(now - int(timestamp)) > 300:
            raise ValueError("timestamp out of tolerance")
        inner = inner_pad.copy()
        inner.update(b"v0:" + timestamp.encode() + b":")
        inner.update(body)
        outer = outer_pad.copy()
        outer.update(inner.digest())
        if not hmac.compare_digest(outer.digest(), candidate):
            raise ValueError("signature mismatch")
        return timestamp

    return check


def hand_written_slack_with_rules(keys: list[bytes]) -> Callable[[Any, bytes, float], Verified]:
    """The same check keeping the header rules (see above), in one function."""
    pads = [padded(key) for key in keys]
    slots: dict[str | bytes, int] = {}
    for index, name in enumerate(("X-Slack-Signature", "X-Slack-Request-Timestamp")):
        for spelling in (name, name.lower(), name.lower().encode("latin-1")):
            slots[spelling] = index
    lengths = frozenset(map(len, slots))

    def check(headers: Any, body: bytes, now: float) -> Verified:
        found: list[Any] = [None, None]
        for name, value in headers.items() if type(headers) is dict else headers:
            if len(name) in lengths:  # any casing, str or bytes; a repeat refused
                slot = slots.get(name)
                if slot is None:
                    slot = slots.get(name.lower() if type(name) is str else name.decode("latin-1").lower())
                    if slot is None:
                        continue
                if found[slot] is not None:
                    raise ValueError("a header sent more than once")
                found[slot] = value
        signature, timestamp = found
        if signature is None or timestamp is None:
            raise ValueError("a header is missing")
        signature = (signature if type(signature) is str else signature.decode("latin-1")).strip(" \t")
        timestamp = (timestamp if type(timestamp) is str else timestamp.decode("latin-1")).strip(" \t")
        if not signature or not timestamp:
            raise ValueError("a header is blank")
        if signature[:3].lower() != "v0=":
            raise ValueError("no v0= signature")
        candidate = binascii.a2b_hex(signature[3:])
        if len(timestamp) > 12 or not (timestamp.isascii() and timestamp.isdigit()):
            raise ValueError("timestamp is not digits")
        signed_at = float(int(timestamp))
        if not -300 <= now - signed_at <= 300:
            raise ValueError("timestamp out of tolerance")
        signed = b"v0:" + timestamp.encode("latin-1") + b":"
        for inner_pad, outer_pad in pads:  # each secret in turn
            inner = inner_pad.copy()
            inner.update(signed)
            inner.update(body)
            outer = outer_pad.copy()
            outer.update(inner.digest())
            if hmac.compare_digest(outer.digest(), candidate):
                return make_verified(timestamp, signed_at, None)
        raise ValueError("signature mismatch")

    return check


def asgi_list(headers: dict[str, str], body: bytes) -> list[tuple[bytes, bytes]]:
    """``headers`` as an ASGI scope's header list, after the headers every request carries."""
    common = [
        (b"host", b"hooks.example.com"),
        (b"user-agent", b"Sender-Webhooks/1.0"),
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"accept", b"*/*"),
    ]
    return common + [
        (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()
    ]


def candidates(body: bytes) -> dict[str, dict[str, Callable[[], None]]]:
    """Per provider: {candidate name: callable}, the floor included."""
    out: dict[str, dict[str, Callable[[], None]]] = {}
    raw_key = base64.b64decode(SECRET.removeprefix("whsec_"))

    def ours(
        name: str, headers: dict[str, str] | None = None, **options: object
    ) -> dict[str, Callable[[], None]]:
        """Ours with ``headers`` (by default the provider's own signature) as a dict and as
        an ASGI list; the same two with the compiled path switched off, when it is built."""
        provider = providers.create(name, **options)
        headers = provider.sign(body, now=NOW) if headers is None else headers
        pairs = asgi_list(headers, body)
        made = {
            "webhook_receiver": lambda: provider.verify(headers, body, now=NOW),
            "ours, asgi list": lambda: provider.verify(pairs, body, now=NOW),
        }
        if _accel.compiled is not None:
            with _accel.pure_python():
                pure = providers.create(name, **options)
            made["pure python"] = lambda: pure.verify(headers, body, now=NOW)
            made["pure, asgi list"] = lambda: pure.verify(pairs, body, now=NOW)
        return made

    for name, key, digest, signed in (
        ("courier", SECRET.encode(), "sha256", f"{NOW * 1000}".encode() + body),
        ("stripe", SECRET.encode(), "sha256", f"{NOW}.".encode() + body),
        ("github", SECRET.encode(), "sha256", body),
        ("slack", SECRET.encode(), "sha256", f"v0:{NOW}:".encode() + body),
        ("customerio", SECRET.encode(), "sha1", body),
        ("standard-webhooks", raw_key, "sha256", b"msg_1." + f"{NOW}.".encode() + body),
    ):
        expected = hmac.new(key, signed, digest).digest()
        out[name] = {"floor": floor(key, signed, digest, expected), **ours(name, secret=SECRET)}

    minimal = hand_written_slack(SECRET.encode())
    minimal_headers = providers.create("slack", secret=SECRET).sign(body, now=NOW)
    minimal(minimal_headers, body, NOW)  # it accepts what the sender signed
    out["slack"]["hand-written"] = lambda: minimal(minimal_headers, body, NOW)
    ruled = hand_written_slack_with_rules([SECRET.encode()])
    ruled_pairs = asgi_list(minimal_headers, body)
    # it accepts what the sender signed, in a dict and in a list, and refuses a repeat
    assert ruled(minimal_headers, body, NOW) == ruled(ruled_pairs, body, NOW)
    with contextlib.suppress(ValueError):
        ruled([*ruled_pairs, (b"X-SLACK-SIGNATURE", b"v0=00")], body, NOW)
        raise AssertionError("a repeated header was accepted")
    out["slack"]["hand-written, rules"] = lambda: ruled(minimal_headers, body, NOW)
    out["slack"]["hand-written, rules, asgi list"] = lambda: ruled(ruled_pairs, body, NOW)

    try:
        import stripe

        header = stripe.WebhookSignature.generate_signature_header(body.decode(), SECRET, timestamp=NOW)
        out["stripe"]["stripe"] = lambda: stripe.WebhookSignature.verify_header(
            body, header, SECRET, tolerance=None
        )
    except ImportError:
        pass
    try:
        import standardwebhooks
        import standardwebhooks.webhooks as sw_module

        wh = standardwebhooks.Webhook(SECRET)
        sig = wh.sign("msg_1", datetime.fromtimestamp(NOW, tz=UTC), body.decode())
        sw_headers = {"webhook-id": "msg_1", "webhook-timestamp": str(NOW), "webhook-signature": sig}

        class FixedNow(datetime):
            @classmethod
            def now(cls, tz: object = None) -> FixedNow:  # type: ignore[override]
                return cls.fromtimestamp(NOW, tz=UTC)

        # standardwebhooks reads the wall clock; pin it (freezegun would also stop perf_counter).
        sw_module.datetime = FixedNow  # type: ignore[misc]
        out["standard-webhooks"]["standardwebhooks"] = lambda: wh.verify(body, sw_headers)
        # ours on the request standardwebhooks signed, replacing (in place) the ones above
        out["standard-webhooks"].update(ours("standard-webhooks", headers=dict(sw_headers), secret=SECRET))
    except ImportError:
        pass
    try:
        from slack_sdk.signature import Clock, SignatureVerifier

        class Fixed(Clock):
            def now(self) -> float:
                return float(NOW)

        verifier = SignatureVerifier(SECRET, clock=Fixed())
        slack_sig = verifier.generate_signature(timestamp=str(NOW), body=body)
        slack_headers = {"x-slack-request-timestamp": str(NOW), "x-slack-signature": slack_sig or ""}
        is_valid = verifier.is_valid_request
        out["slack"]["slack_sdk"] = lambda: is_valid(body, slack_headers)  # type: ignore[arg-type]
    except ImportError:
        pass
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--sizes", default="1024,16384,262144,1048576")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON (for run.py)")
    args = parser.parse_args()
    rows: list[dict[str, object]] = []
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"# {machine()}")
    print(f"# {args.rounds} interleaved rounds; ratio = candidate time / floor time in the same round")
    compiled = _accel.compiled is not None
    print(f"# compiled fast path: {'built and used' if compiled else 'not built (pure Python only)'}")
    print(f"{'provider':<18} {'size':>8} {'candidate':<30} {'median us':>10} {'ratio':>7} {'spread':>13}")
    rng = random.Random(1)
    for size in sizes:
        body = body_of(size)
        # About 10 ms per measurement at every size: at 256 KiB a shorter one (7 calls,
        # 1 ms) swung by 10% from round to round, more than the 3% being judged.
        repeat = max(20, 20_000_000 // (size + 2000))
        for provider, fns in candidates(body).items():
            times: dict[str, list[float]] = {name: [] for name in fns}
            ratios: dict[str, list[float]] = {name: [] for name in fns}
            for fn in fns.values():
                time_once(fn, max(1, repeat // 5))  # warm up
            for _ in range(args.rounds):
                order = list(fns)
                rng.shuffle(order)
                this_round = {name: time_once(fns[name], repeat) for name in order}
                for name, ns in this_round.items():
                    times[name].append(ns)
                    ratios[name].append(ns / this_round["floor"])
            for name in fns:
                med = statistics.median(times[name]) / 1000
                r = ratios[name]
                rows.append(
                    {"provider": provider, "size": size, "candidate": name, "median_us": med}
                    | {"ratio": statistics.median(r), "min": min(r), "max": max(r)}
                )
                print(
                    f"{provider:<18} {size:>8} {name:<30} {med:>10.2f} {statistics.median(r):>7.3f} "
                    f"{min(r):>6.3f}-{max(r):<6.3f}"
                )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump({"rounds": args.rounds, "compiled": compiled, "rows": rows}, out)


if __name__ == "__main__":
    main()
