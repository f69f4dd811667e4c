"""Sign a sample event for every provider the way its sender does, and receive it.

Each provider gets a ``Receiver`` with a typed handler. Every request goes through
``Receiver.handle``, exactly as a framework adapter would send it: a genuine request
(200, and the handler shows what it received), a tampered body, one signed with the
wrong secret and, where the scheme signs a timestamp, a stale one and one from the
future (401 each). The script prints one row per request and exits 0 only if every
status is the expected one.

    python examples/verify_signed_samples.py
"""

from __future__ import annotations

import base64
import json
import sys
import time
import warnings
from typing import Any

from webhook_receiver import Event, Receiver, providers
from webhook_receiver.providers import (
    courier,
    customerio,
    github,
    kourier,
    slack,
    standard_webhooks,
    stripe,
    xtremepush,
)

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
        {"auth": "signed", "key": "xp-generated-key", "signing": "hmac-sha256"},
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
    "xtremepush": {"auth": "signed", "key": "another-key", "signing": "hmac-sha256"},
    "standard-webhooks": {"secret": "whsec_" + base64.b64encode(b"not-the-right-key").decode()},
}
# Headers the sender adds besides its signature.
EXTRA_HEADERS = {
    "github": {"X-GitHub-Event": "issues", "X-GitHub-Delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958"}
}
SIGNS_TIMESTAMP = {"courier", "stripe", "standard-webhooks", "slack"}
TOKEN_BASED = {"courier-channel", "kourier"}


def describe(event: Event) -> str:
    """What a typed handler sees, in a few words."""
    match event:
        case courier.MessageUpdated():
            return f"message {event.message.id[:12]}... is {event.message.status}"
        case courier.ChannelDelivery():
            return f"{event.type} for {event.recipient} ({event.profile.get('email')})"
        case customerio.Track():
            return f"track {event.event!r} by user {event.user_id}"
        case kourier.DeliveryUpdated():
            return f"delivery {event.delivery_id} is {event.status}"
        case xtremepush.MessageEvent():
            return f"{event.type} of campaign {event.message.campaign_id} to {event.message.user_id}"
        case stripe.StripeEvent() | standard_webhooks.StandardWebhooksEvent():
            return f"{event.type} ({event.id})"
        case github.GitHubEvent():
            return f"{event.type} action={event.action}"
        case slack.SlackEvent():
            return f"{event.type}: {event.event_type}"
    return event.type


def run(now: float) -> list[tuple[str, str, str, str, str]]:
    """Every (provider, request, expected status, got, what the handlers saw) row."""
    rows: list[tuple[str, str, str, str, str]] = []
    for name, (options, payload) in SAMPLES.items():
        receiver = Receiver(providers.create(name, **options))
        seen: list[str] = []
        receiver.on_any(lambda event, seen=seen: seen.append(describe(event)))
        sender = providers.create(name, **WRONG.get(name, {**options, "secret": "the-wrong-secret"}))
        body = json.dumps(payload).encode()
        # An attacker's edit: still valid JSON, different bytes.
        tampered = json.dumps(
            [*payload, {}] if isinstance(payload, list) else {**payload, "amount": 10**6}
        ).encode()
        headers = {"Content-Type": "application/json", **EXTRA_HEADERS.get(name, {})}
        cases: list[tuple[str, str, dict[str, str], bytes]] = [
            ("genuine", "200", receiver.provider.sign(body, now=now), body),
            ("tampered body", "401", receiver.provider.sign(body, now=now), tampered),
            ("wrong secret", "401", sender.sign(body, now=now), body),
        ]
        if name in TOKEN_BASED:  # a bearer token or password does not cover the body
            cases[1] = ("tampered body (not signed)", "200", cases[1][2], cases[1][3])
        if name in SIGNS_TIMESTAMP:
            cases.append(("stale (10 min old)", "401", receiver.provider.sign(body, now=now - 600), body))
            cases.append(
                ("from the future (+10 min)", "401", receiver.provider.sign(body, now=now + 600), body)
            )
        for case, expected, signed, sent in cases:
            seen.clear()
            reply = receiver.handle("POST", {**headers, **signed}, sent, now=now)
            got = str(reply.status) if reply.ok else f"{reply.status} {json.loads(reply.body)['error']}"
            rows.append((name, case, expected, got, "; ".join(seen) or "-"))
    return rows


def main() -> int:
    warnings.simplefilter("error")
    rows = run(time.time())
    header = ("provider", "request", "expect", "got", "handler received")
    widths = [max(len(row[i]) for row in (*rows, header)) for i in range(4)]
    line = "  ".join(f"{{:<{w}}}" for w in widths) + "  {}"
    print(line.format(*header))
    print(line.format(*("-" * w for w in widths), "-" * 16))
    failures = 0
    for row in rows:
        ok = row[3].split()[0] == row[2]
        failures += not ok
        print(line.format(*row[:4], row[4] if ok else f"UNEXPECTED ({row[4]})"))
    print(f"\n{len(rows) - failures} of {len(rows)} requests ended as expected.")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
