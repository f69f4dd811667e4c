"""Hostile input: each row is a request an attacker (or a broken sender) can make, with its status.

Everything before verification is attack surface: these never raise, never answer
500, and never run a handler.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from typing import Any

import pytest

from webhook_receiver import ConfigurationError, Event, Receiver, providers
from webhook_receiver.adapters.asgi import WebhookMiddleware

NOW = 1_700_000_000
BODY = json.dumps({"type": "message:updated", "data": {"id": "m1", "status": "SENT"}}).encode()
LIMIT = 64 * 1024


def receiver(name: str = "courier", **options: Any) -> tuple[Receiver, list[Event]]:
    configured = {"courier": {"secret": "hostile-secret"}, "stripe": {"secret": "whsec_hostile"}}.get(
        name, options
    )
    target = Receiver(providers.create(name, **configured), max_body_size=LIMIT)
    ran: list[Event] = []
    target.on_any(ran.append)
    return target, ran


def signed(body: bytes = BODY, name: str = "courier", now: float = NOW) -> dict[str, str]:
    return {"Content-Type": "application/json", **receiver(name)[0].provider.sign(body, now=now)}


def t_value() -> str:
    return signed()["courier-signature"].split(",")[0][2:]


def sig_value() -> str:
    return signed()["courier-signature"].split("signature=")[1]


# (case, headers, body, status, code)
MATRIX: list[tuple[str, dict[str, str] | list[tuple[str, str]], bytes, int, str]] = [
    ("oversized, declared", {**signed(), "Content-Length": str(LIMIT + 1)}, BODY, 413, "body_too_large"),
    ("oversized, undeclared", signed(b"x" * (LIMIT + 1)), b"x" * (LIMIT + 1), 413, "body_too_large"),
    ("Content-Length not a number", {**signed(), "Content-Length": "12abc"}, BODY, 400, "invalid_payload"),
    ("Content-Length negative", {**signed(), "Content-Length": "-5"}, BODY, 400, "invalid_payload"),
    ("Content-Length overflow", {**signed(), "Content-Length": "9" * 40}, BODY, 400, "invalid_payload"),
    ("non-UTF-8 body, signed", signed(b"\xff\xfe\xfa"), b"\xff\xfe\xfa", 400, "invalid_payload"),
    ("invalid JSON, signed", signed(b"{nope"), b"{nope", 400, "invalid_payload"),
    (
        "deeply nested JSON, signed",
        signed(b"[" * 20_000 + b"]" * 20_000),
        b"[" * 20_000 + b"]" * 20_000,
        400,
        "invalid_payload",
    ),
    (
        "huge integer, signed",
        signed(b'{"type":"x","n":' + b"9" * 5000 + b"}"),
        b'{"type":"x","n":' + b"9" * 5000 + b"}",
        400,
        "invalid_payload",
    ),
    (
        "huge float, signed",
        signed(b'{"type":"x","n":1e999}'),
        b'{"type":"x","n":1e999}',
        400,
        "invalid_payload",
    ),
    ("NaN literal, signed", signed(b'{"type":"x","n":NaN}'), b'{"type":"x","n":NaN}', 400, "invalid_payload"),
    (
        "a NUL byte in the JSON, signed",
        signed(b'{"type":"x\x00"}'),
        b'{"type":"x\x00"}',
        400,
        "invalid_payload",
    ),
    (
        "the signature header twice",
        [*signed().items(), ("courier-signature", signed()["courier-signature"])],
        BODY,
        401,
        "malformed_header",
    ),
    (
        "conflicting signature headers",
        [*signed().items(), ("Courier-Signature", "t=1,signature=00")],
        BODY,
        401,
        "malformed_header",
    ),
    (
        "thousands of signature entries",
        {"courier-signature": f"t={t_value()}," + ",".join(["signature=" + "0" * 64] * 5000)},
        BODY,
        401,
        "malformed_header",
    ),
    (
        "an over-long signature header",
        {"courier-signature": f"t={t_value()},signature=" + "ab" * 50_000},
        BODY,
        401,
        "signature_mismatch",
    ),
    (
        "a float timestamp",
        {"courier-signature": f"t={NOW}.5,signature={sig_value()}"},
        BODY,
        401,
        "malformed_header",
    ),
    (
        "a negative timestamp",
        {"courier-signature": f"t=-{NOW},signature={sig_value()}"},
        BODY,
        401,
        "malformed_header",
    ),
    (
        "an overflowing timestamp",
        {"courier-signature": f"t={'9' * 400},signature={sig_value()}"},
        BODY,
        401,
        "malformed_header",
    ),
    (
        "an exponent timestamp",
        {"courier-signature": f"t=1e12,signature={sig_value()}"},
        BODY,
        401,
        "malformed_header",
    ),
    (
        "a zero timestamp",
        {"courier-signature": f"t=0,signature={sig_value()}"},
        BODY,
        401,
        "timestamp_outside_tolerance",
    ),
    (
        "unicode digits as a timestamp",
        {"courier-signature": f"t=١٢٣,signature={sig_value()}"},
        BODY,
        401,
        "malformed_header",
    ),
    ("non-latin-1 header bytes", [("courier-signature", "t=\udcff")], BODY, 401, "malformed_header"),
    (
        "a text/plain content type",
        {**signed(), "Content-Type": "text/plain"},
        BODY,
        415,
        "unsupported_media_type",
    ),
    (
        "a form content type",
        {**signed(), "Content-Type": "application/x-www-form-urlencoded"},
        BODY,
        415,
        "unsupported_media_type",
    ),
    (
        "two content types",
        [*signed().items(), ("content-type", "text/plain")],
        BODY,
        415,
        "unsupported_media_type",
    ),
    ("no headers at all", {}, BODY, 401, "missing_header"),
    ("an empty body, signed", signed(b""), b"", 400, "invalid_payload"),
]


@pytest.mark.parametrize(
    ("case", "headers", "body", "status", "code"), MATRIX, ids=[row[0] for row in MATRIX]
)
def test_hostile_request(
    case: str, headers: dict[str, str] | list[tuple[str, str]], body: bytes, status: int, code: str
) -> None:
    target, ran = receiver()
    reply = target.handle("POST", headers, body, now=NOW)
    assert (reply.status, json.loads(reply.body)) == (status, {"error": code})
    assert ran == []


@pytest.mark.parametrize("method", ["HEAD", "GET", "OPTIONS", "TRACE", "CONNECT", "X" * 1000, ""])
def test_other_methods_are_405_with_allow(method: str) -> None:
    target, ran = receiver()
    reply = target.handle(method, signed(), BODY, now=NOW)
    assert (reply.status, reply.headers["Allow"]) == (405, "POST")
    assert ran == []


@pytest.mark.parametrize(
    "options",
    [
        {"secret": ""},
        {"secret": "   "},
        {"secret": b""},
        {"secret": []},
        {"secret": ["", "x"]},
        {"secret": None},
    ],
)
def test_empty_secrets_are_refused_at_configuration(options: dict[str, Any]) -> None:
    for name in ("courier", "stripe", "github", "slack", "customerio"):
        with pytest.raises(ConfigurationError):
            providers.create(name, **options)
    with pytest.raises(ConfigurationError):
        providers.create("kourier", token=options["secret"])


def test_a_standard_webhooks_header_of_thousands_of_entries_is_bounded() -> None:
    secret = "whsec_" + base64.b64encode(b"k" * 24).decode()
    target = Receiver(providers.StandardWebhooks(secret=secret))
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(NOW),
        "webhook-signature": " ".join(["v1," + base64.b64encode(b"\0" * 32).decode()] * 10_000),
    }
    assert target.handle("POST", headers, BODY, now=NOW).status == 401


def _asgi(app: Any, scope: dict[str, Any], messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []
    pending = list(messages)

    async def receive() -> dict[str, Any]:
        await asyncio.sleep(0)  # a slow client: one chunk per loop turn
        return pending.pop(0) if pending else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent


def test_a_slow_body_in_many_tiny_chunks_still_verifies() -> None:
    target, ran = receiver()
    headers = [(k.lower().encode(), v.encode()) for k, v in signed(now=time.time()).items()]
    app = WebhookMiddleware(lambda *a: None, {"/hooks": target})  # type: ignore[arg-type, return-value]
    chunks = [{"type": "http.request", "body": BODY[i : i + 1], "more_body": True} for i in range(len(BODY))]
    chunks.append({"type": "http.request", "body": b"", "more_body": False})
    sent = _asgi(app, {"type": "http", "method": "POST", "path": "/hooks", "headers": headers}, chunks)
    assert sent[0]["status"] == 200
    assert len(ran) == 1


def test_a_truncated_body_gets_no_answer_and_runs_nothing() -> None:
    target, ran = receiver()
    headers = [(k.lower().encode(), v.encode()) for k, v in signed().items()]
    app = WebhookMiddleware(lambda *a: None, {"/hooks": target})  # type: ignore[arg-type, return-value]
    half = [{"type": "http.request", "body": BODY[:10], "more_body": True}]  # then the client hangs up
    assert _asgi(app, {"type": "http", "method": "POST", "path": "/hooks", "headers": headers}, half) == []
    assert ran == []


@pytest.mark.parametrize("number", ["1" + "0" * 400, "-" + "9" * 300, "1e308"])
@pytest.mark.parametrize(
    ("provider", "payload"),
    [
        ("kourier", '{{"event":"delivery.updated","delivery_id":"d","status":"delivered","timestamp":{n}}}'),
        ("courier", '{{"type":"message:updated","data":{{"id":"m","status":"SENT","sent":{n}}}}}'),
        ("xtremepush", '{{"event":"delivered","time":{n},"properties":{{}}}}'),
    ],
)
def test_a_time_far_out_of_range_is_a_400_or_no_time_never_a_500(
    provider: str, payload: str, number: str
) -> None:
    from webhook_receiver.testing import make_provider, sign

    receiver = Receiver(make_provider(provider))
    body = payload.format(n=number).encode()
    reply = receiver.handle(
        "POST", {"Content-Type": "application/json", **sign(receiver.provider, body)}, body
    )
    assert reply.status in (200, 400), reply.body
