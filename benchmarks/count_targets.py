"""Instruction counts for issue 18's speed targets, with valgrind's callgrind.

Wall-clock ratios on this shared 2-core machine swing by 10-30%; instruction counts do
not. For each provider the project started from (:data:`PROVIDERS`), on a sample
event padded to 1024 bytes, one process under callgrind counts the instructions per
call of (see ``_callgrind.py`` for how, empty loop subtracted):

- ``floor``: ``hmac.compare_digest(hmac.new(key, signed, digest).digest(), expected)``
  over the signed bytes already assembled (``bench_verify.py``'s floor; :data:`SIGNED`
  says what each provider signs); for a token (Kourier's bearer token),
  ``hmac.compare_digest`` of the header's value with the expected one;
- ``json``: ``json.loads(body)``;
- ``verify``: ``provider.verify(headers, body, now=NOW)``, headers a ``dict`` as signed;
- ``asgi``: the same with ASGI's lower-case ``(bytes, bytes)`` pairs, five unrelated
  headers among them (host, user-agent, content-type, content-length, accept);
- ``handle``: ``receiver.handle("POST", headers, body, now=NOW)``, headers a ``dict``
  with ``Content-Type``, one handler that does nothing;

and a Customer.io batch of 1000 events (floor, ``json.loads``, verify, handle). The
ratios are the targets': verify/floor and asgi/floor (at most 1.15),
handle/(floor + json) (at most 1.3, the batch too). orjson is an optional extra, so
each figure is counted twice, in a process with orjson and in one where ``import
orjson`` fails; the two processes run side by side.

    python benchmarks/count_targets.py [--calls 300] [--batch-calls 4] [--json PATH]

Valgrind does not emulate the SHA extensions: where the CPU has them, OpenSSL hashes
without them under callgrind, so the MAC is a larger share of ``floor`` and ``verify``
in instructions than in time, and verify/floor reads lower here than in
``bench_verify.py``'s wall-clock ratios (1.2 against 1.65 for Stripe on this machine).

Needs ``valgrind`` (with its headers) and ``gcc``: Debian's ``valgrind`` and ``gcc``
packages. About 2 minutes on 2 cores with the defaults.
"""

from __future__ import annotations

import argparse
import base64
import hmac
import json
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import _callgrind  # noqa: E402
from _targets import COUNTS_HANDLE, COUNTS_VERIFY  # noqa: E402

NOW = 1_700_000_000
BODY_SIZE = 1024
BATCH_EVENTS = 1000
PROVIDERS = (
    "courier",
    "stripe",
    "standard-webhooks",
    "slack",
    "github",
    "customerio",
    "kourier",
    "xtremepush",
)
"""The providers counted here: the ones the project started from (``../shared/seeds``)."""
SIGNED = {
    "courier": ("{t_ms}", "sha256"),
    "stripe": ("{t}.", "sha256"),
    "standard-webhooks": ("{webhook-id}.{t}.", "sha256"),
    "slack": ("v0:{t}:", "sha256"),
    "github": ("", "sha256"),
    "customerio": ("", "sha1"),
    "xtremepush": ("", "sha256"),
    "calendly": ("{t}.", "sha256"),
    "clerk": ("{svix-id}.{t}.", "sha256"),
    "customerio-reporting": ("v0:{t}:", "sha256"),
    "hmac": ("{t}.", "sha256"),
    "intercom": ("", "sha1"),
    "linear": ("", "sha256"),
    "meta": ("", "sha256"),
    "paddle": ("{t}:", "sha256"),
    "resend": ("{svix-id}.{t}.", "sha256"),
    "shopify": ("", "sha256"),
    "square": ("{url}", "sha256"),
    "twitch": ("{Twitch-Eventsub-Message-Id}{Twitch-Eventsub-Message-Timestamp}", "sha256"),
    "typeform": ("", "sha256"),
    "vercel": ("", "sha1"),
    "zendesk": ("{X-Zendesk-Webhook-Signature-Timestamp}", "sha256"),
    "zoom": ("v0:{t}:", "sha256"),
}
"""Provider -> (what precedes the body in the bytes it signs, the MAC's digest), for the
floor; ``{t}`` is the time in seconds, ``{t_ms}`` in milliseconds, ``{url}`` the demo
endpoint's, any other name the value of the header the provider sends with that name.
A provider not listed sends a token, a password or a key itself."""
WITHOUT_FLOOR = {
    "aws-sns": "signed with Amazon's RSA key, inside the body",
    "discord": "signed with Ed25519 (bench_public_keys.py)",
    "sendgrid": "signed with ECDSA (bench_public_keys.py)",
    "mailgun": "signed inside the body",
    "twilio": "signs the URL with the body's SHA-256 as a query parameter",
}
"""Providers with no one-MAC floor, and why; ``bench_handle.py`` measures every other."""
HANDSHAKES = frozenset(
    {"endpoint.url_validation", "url_verification", "webhook_callback_verification", "PING", "WEBHOOK_PING"}
)
"""Sample types that are a provider's endpoint check, answered rather than handled."""
CANDIDATES = ("floor", "json", "verify", "asgi", "handle")
VERIFY_TARGET, HANDLE_TARGET = COUNTS_VERIFY, COUNTS_HANDLE
VARIANTS = {"orjson": False, "no orjson": True}
"""Variant name -> whether ``import orjson`` fails in its process."""
UNRELATED = [
    (b"host", b"hooks.example.com"),
    (b"user-agent", b"Webhook-Sender/1.0 (+https://example.com/webhooks)"),
    (b"content-type", b"application/json"),
    (b"accept", b"*/*"),
]
"""What else an ASGI server hands over with a webhook, with the body's content-length."""


# --- the child: runs under callgrind ------------------------------------------------------------


def batch_name(events: int) -> str:
    """The batch's row."""
    return f"customerio batch of {events}"


def event_sample(provider: str) -> Any:
    """``provider``'s first sample event (``webhook_receiver.testing.Sample``), handshakes aside."""
    from webhook_receiver.testing import samples

    return next(one for one in samples(provider) if one.type not in HANDSHAKES)


def padded(provider: str) -> bytes:
    """``provider``'s :func:`event_sample`, a ``"note"`` string field added to make it
    exactly 1024 bytes; a sample already larger is sent as it is (compact)."""
    payload = event_sample(provider).payload
    assert isinstance(payload, dict)
    compact = json.dumps(payload, separators=(",", ":")).encode()
    if len(compact) >= BODY_SIZE:
        return compact
    body = {**payload, "note": ""}
    body["note"] = "x" * (BODY_SIZE - len(json.dumps(body, separators=(",", ":")).encode()))
    raw = json.dumps(body, separators=(",", ":")).encode()
    assert len(raw) == BODY_SIZE, (provider, len(raw))
    return raw


def floor_of(provider: str, sent: dict[str, str], body: bytes) -> Callable[[], object]:
    """The least a hand-written check does: one MAC over the signed bytes, one comparison
    (for a token: one ``compare_digest`` of the header the sender sets). ``sent``: the
    headers ``provider.sign`` made for ``body``."""
    from webhook_receiver.testing import DEMO_OPTIONS

    options = DEMO_OPTIONS[provider]
    if provider not in SIGNED:  # a token, a password or a key, sent as it is
        (value,) = sent.values()
        given, expected = value.encode(), bytes(value.encode())
        return lambda: hmac.compare_digest(given, expected)
    template, digest = SIGNED[provider]
    secret = options.get("secret") or options["key"]
    key = secret.encode()
    if secret.startswith("whsec_") and provider != "stripe":  # Svix's: the base64 after the prefix
        key = base64.b64decode(secret.removeprefix("whsec_"))
    fields = {"t": str(NOW), "t_ms": str(NOW * 1000), "url": options.get("url", ""), **sent}
    signed = template.format_map(fields).encode() + body
    expected = hmac.new(key, signed, digest).digest()
    # The floor must compute what the provider signs: its signature is among the headers.
    values = " ".join(sent.values())
    assert expected.hex() in values or base64.b64encode(expected).decode() in values, (provider, sent)
    return lambda: hmac.compare_digest(hmac.new(key, signed, digest).digest(), expected)


def every_provider() -> tuple[str, ...]:
    """Every registered provider with a floor: :data:`PROVIDERS` first, then the rest by name."""
    from webhook_receiver.providers import PROVIDERS as REGISTERED

    rest = sorted(name for name in REGISTERED if name not in PROVIDERS and name not in WITHOUT_FLOOR)
    return (*PROVIDERS, *rest)


def cases(
    batch_events: int, providers: tuple[str, ...] = PROVIDERS
) -> dict[str, tuple[bytes, dict[str, Callable[[], object]]]]:
    """``{row: (body, {candidate: callable})}`` for each of ``providers`` and the batch."""
    from webhook_receiver import Receiver
    from webhook_receiver.testing import make_provider, sample

    out: dict[str, tuple[bytes, dict[str, Callable[[], object]]]] = {}
    batch = batch_name(batch_events)
    for name in (*providers, batch):
        provider_name = "customerio" if name == batch else name
        provider = make_provider(provider_name)
        if name == batch:
            track = sample("customerio", "track").payload
            assert isinstance(track, dict)
            events = [{**track, "messageId": f"m{i}", "userId": str(i)} for i in range(batch_events)]
            body = json.dumps(events).encode()
        else:
            body = padded(name)
        signed = provider.sign(body, now=NOW)
        headers = {**(sample(provider_name) if name == batch else event_sample(name)).headers, **signed}
        asgi = [*UNRELATED, (b"content-length", str(len(body)).encode())]
        asgi += [(key.lower().encode(), value.encode()) for key, value in headers.items()]
        receiver = Receiver(provider)
        receiver.on_any(lambda event: None)
        posted = {"Content-Type": "application/json", **headers}
        reply = receiver.handle("POST", posted, body, now=NOW)
        assert reply.status == 200, (name, reply)

        def verify(provider: Any = provider, headers: Any = headers, body: bytes = body) -> object:
            return provider.verify(headers, body, now=NOW)

        def verify_asgi(provider: Any = provider, headers: Any = asgi, body: bytes = body) -> object:
            return provider.verify(headers, body, now=NOW)

        def handle(receiver: Receiver = receiver, headers: Any = posted, body: bytes = body) -> object:
            return receiver.handle("POST", headers, body, now=NOW)

        def loads(body: bytes = body) -> object:
            return json.loads(body)

        floor = floor_of(provider_name, signed, body)
        candidates = {"floor": floor, "json": loads, "verify": verify}
        if name != batch:
            candidates["asgi"] = verify_asgi
        candidates["handle"] = handle
        out[name] = (body, candidates)
    return out


def child(without_orjson: bool, calls: int, batch_calls: int, batch_events: int) -> None:
    """Count every candidate (this process runs under callgrind); print the body sizes as JSON."""
    if without_orjson:
        sys.modules["orjson"] = None  # type: ignore[assignment]
    from webhook_receiver._events import _orjson

    assert (_orjson is None) == without_orjson
    sizes: dict[str, int] = {}
    batch = batch_name(batch_events)
    for name, (body, candidates) in cases(batch_events).items():
        sizes[name] = len(body)
        for candidate, fn in candidates.items():
            _callgrind.measure(f"{name}|{candidate}", fn, batch_calls if name == batch else calls)
    print(json.dumps({"sizes": sizes, "orjson": getattr(_orjson, "__version__", None)}))


# --- the parent: runs the children, prints the table -----------------------------------------------


def counted(without_orjson: bool, args: argparse.Namespace) -> tuple[dict[str, float], dict[str, Any]]:
    """Run one child under callgrind: its per-call counts and what it printed."""
    command = [sys.executable, __file__, "--child", "--calls", str(args.calls)]
    command += ["--batch-calls", str(args.batch_calls), "--batch-events", str(args.batch_events)]
    result = _callgrind.count([*command, *(["--without-orjson"] if without_orjson else [])])
    return result.per_call, json.loads(result.stdout.strip().splitlines()[-1])


def rows_of(variant: str, per_call: dict[str, float], sizes: dict[str, int]) -> list[dict[str, Any]]:
    """One row per provider (and the batch): the counts and the targets' ratios."""
    rows = []
    for name, size in sizes.items():
        got = {candidate: per_call.get(f"{name}|{candidate}") for candidate in CANDIDATES}
        floor, loads = got["floor"], got["json"]
        assert floor is not None, name
        assert loads is not None, name
        assert got["verify"] is not None, name
        assert got["handle"] is not None, name
        row: dict[str, Any] = {"variant": variant, "payload": name, "bytes": size, **got}
        row["verify/floor"] = got["verify"] / floor
        row["asgi/floor"] = None if got["asgi"] is None else got["asgi"] / floor
        row["handle/(floor+json)"] = got["handle"] / (floor + loads)
        rows.append(row)
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    """The rows as text: instructions per call, then the ratios (``!`` marks a missed target)."""

    def number(value: float | None) -> str:
        return "-" if value is None else f"{value:,.0f}"

    def ratio(value: float | None, target: float) -> str:
        return "-" if value is None else f"{value:.3f}{'!' if value > target else ' '}"

    lines = [
        f"{'variant':<9} {'payload':<24} {'bytes':>7} {'floor':>9} {'json':>10} {'verify':>9} {'asgi':>7}"
        f" {'handle':>10} {'verify/floor':>12} {'asgi/floor':>10} {'handle/(floor+json)':>19}"
    ]
    for row in rows:
        lines.append(
            f"{row['variant']:<9} {row['payload']:<24} {row['bytes']:>7} {number(row['floor']):>9}"
            f" {number(row['json']):>10} {number(row['verify']):>9} {number(row['asgi']):>7}"
            f" {number(row['handle']):>10} {ratio(row['verify/floor'], VERIFY_TARGET):>12}"
            f" {ratio(row['asgi/floor'], VERIFY_TARGET):>10}"
            f" {ratio(row['handle/(floor+json)'], HANDLE_TARGET):>19}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=300, help="calls counted per candidate (1 KiB bodies)")
    parser.add_argument("--batch-calls", type=int, default=4, help="calls counted per batch candidate")
    parser.add_argument("--batch-events", type=int, default=BATCH_EVENTS, help="events in the batch")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--without-orjson", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.without_orjson, args.calls, args.batch_calls, args.batch_events)
        return
    try:
        _callgrind.require_tools()
        _callgrind.library()
    except _callgrind.Unavailable as missing:
        raise SystemExit(str(missing)) from None
    with ThreadPoolExecutor(len(VARIANTS)) as pool:
        runs = {variant: pool.submit(counted, without, args) for variant, without in VARIANTS.items()}
        results = {variant: future.result() for variant, future in runs.items()}
    rows = []
    for variant, (per_call, meta) in results.items():
        rows += rows_of(variant, per_call, meta["sizes"])
    version = results["orjson"][1]["orjson"]
    print(f"# Python {sys.version.split()[0]}, orjson {version}; instructions per call (callgrind),")
    print(f"# empty loop subtracted; {args.calls} calls per candidate, {args.batch_calls} per batch one")
    print(f"# targets: verify/floor, asgi/floor <= {VERIFY_TARGET}; handle/(floor+json) <= {HANDLE_TARGET}")
    print("# (! = over the target; Kourier's floor is one compare_digest of the token, not a MAC)")
    print(table(rows))
    if args.json:
        figures = {"calls": args.calls, "batch_calls": args.batch_calls, "orjson": version, "rows": rows}
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(figures, out)


if __name__ == "__main__":
    main()
