"""Sign a sample event for every provider the way its sender does, then verify it.

Each provider gets a genuine request (accepted), a tampered body, a request signed
with the wrong secret and, where the scheme signs a timestamp, a stale one and one
from the future. The script prints one row per request and exits 0 only if every
outcome is the expected one.

    python examples/verify_signed_samples.py
"""

from __future__ import annotations

import base64
import json
import sys
import time
import warnings
from collections.abc import Callable
from functools import partial
from typing import Any

from webhook_receiver import WebhookError, providers

SAMPLES: dict[str, tuple[dict[str, Any], Any]] = {
    "courier": (
        {"secret": "courier-signing-secret"},
        {
            "type": "message:updated",
            "data": {
                "id": "1-61b2d9ff-5e2a8a1f3c1d2a3b4c5d6e7f",
                "status": "DELIVERED",
                "recipient": "user-1",
            },
        },
    ),
    "courier-channel": (
        {"auth": "basic", "username": "AzureDiamond", "password": "hunter2"},
        {
            "event": "MY_EVENT",
            "recipient": "1234ABCD",
            "profile": {"email": "stan.pines@mysteryshack.com", "phone_number": "+12025550165"},
            "data": {"name": "Stan Pines", "location": "Gravity Falls, OR"},
        },
    ),
    "customerio": (
        {"secret": "customerio-shared-secret"},
        [
            {"type": "track", "userId": "123", "event": "Signed Up", "properties": {"plan": "Startup"}},
            {"type": "track", "userId": "456", "event": "Signed Up", "properties": {"plan": "Free"}},
        ],
    ),
    "kourier": (
        {"token": "WEBHOOK_SECRET_TOKEN"},
        {
            "event": "delivery.updated",
            "delivery_id": "abc123",
            "status": "in_transit",
            "timestamp": "2024-09-14T14:30:00Z",
        },
    ),
    "xtremepush": (
        {"auth": "signed", "key": "xp-generated-key", "signature": "hmac-sha256"},
        {
            "event": "message_send",
            "time": 1700000000,
            "properties": {"message_type": "email", "campaign_id": 42, "profile_id": "p-1", "user_id": "u-1"},
        },
    ),
    "stripe": (
        {"secret": "whsec_demo"},
        {"id": "evt_1", "object": "event", "type": "invoice.paid", "created": 1},
    ),
    "standard-webhooks": (
        {"secret": "whsec_" + base64.b64encode(b"demo-standard-webhooks-key").decode()},
        {"type": "invoice.paid", "timestamp": "2023-11-14T22:13:20Z", "data": {"id": "in_1"}},
    ),
    "github": ({"secret": "github-secret"}, {"action": "opened", "number": 1}),
    "slack": (
        {"secret": "slack-signing-secret"},
        {"type": "event_callback", "event": {"type": "app_mention"}},
    ),
}

WRONG = {
    "courier-channel": {"auth": "basic", "username": "AzureDiamond", "password": "not-hunter2"},
    "kourier": {"token": "some-other-token"},
    "xtremepush": {"auth": "signed", "key": "another-key", "signature": "hmac-sha256"},
    "standard-webhooks": {"secret": "whsec_" + base64.b64encode(b"not-the-right-key").decode()},
}
SIGNS_TIMESTAMP = {"courier", "stripe", "standard-webhooks", "slack"}


def outcome(call: Callable[[], None]) -> str:
    try:
        call()
    except WebhookError as exc:
        return f"{exc.status} {exc.code}"
    return "accepted"


def run(now: float) -> list[tuple[str, str, str, str]]:
    """Every (provider, case, expected, got) row."""
    rows: list[tuple[str, str, str, str]] = []
    for name, (options, payload) in SAMPLES.items():
        receiver = providers.create(name, **options)
        sender = providers.create(name, **WRONG.get(name, {**options, "secret": "the-wrong-secret"}))
        body = json.dumps(payload).encode()
        token_based = name in ("courier-channel", "kourier")
        failure = "401 invalid_credentials" if token_based else "401 signature_mismatch"
        cases: list[tuple[str, str, dict[str, str], bytes]] = [
            ("genuine", "accepted", receiver.sign(body, now=now), body),
            ("tampered body", failure, receiver.sign(body, now=now), body.replace(b'"', b"'", 2)),
            ("wrong secret", failure, sender.sign(body, now=now), body),
        ]
        if token_based:
            cases[1] = ("tampered body (not signed)", "accepted", cases[1][2], cases[1][3])
        if name in SIGNS_TIMESTAMP:
            stale = "401 timestamp_outside_tolerance"
            cases.append(("stale (10 min old)", stale, receiver.sign(body, now=now - 600), body))
            cases.append(("from the future (+10 min)", stale, receiver.sign(body, now=now + 600), body))
        for case, expected, headers, sent in cases:
            got = outcome(partial(receiver.verify, headers, sent, now=now))
            rows.append((name, case, expected, got))
    return rows


def main() -> int:
    warnings.simplefilter("error")
    rows = run(time.time())
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    header = ("provider", "request", "expected", "got")
    widths = [max(w, len(h)) for w, h in zip(widths, header, strict=True)]
    line = "  ".join(f"{{:<{w}}}" for w in widths) + "  {}"
    print(line.format(*header, ""))
    print(line.format(*("-" * w for w in widths), ""))
    failures = 0
    for row in rows:
        ok = row[2] == row[3]
        failures += not ok
        print(line.format(*row, "ok" if ok else "UNEXPECTED"))
    print(f"\n{len(rows) - failures} of {len(rows)} requests ended as expected.")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
