"""Payloads in the shapes the provider documents in ``shared/seeds`` describe."""

from __future__ import annotations

from typing import Any

from webhook_receiver.testing import sample, samples

COURIER_MESSAGE_UPDATED: dict[str, Any] = {
    "type": "message:updated",
    "data": {
        "id": "1-61b2d9ff-5e2a8a1f3c1d2a3b4c5d6e7f",
        "status": "DELIVERED",
        "recipient": "stan-pines",
        "event": "WELCOME_EMAIL",
        "notification": "NOTIF_123",
        "enqueued": 1631816343012,
        "sent": 1631816344120,
        "delivered": 1631816349001,
        "providers": [{"channel": {"name": "email"}, "provider": "sendgrid", "status": "DELIVERED"}],
    },
}


def courier_message(status: str, **extra: Any) -> dict[str, Any]:
    return {"type": "message:updated", "data": {**COURIER_MESSAGE_UPDATED["data"], "status": status, **extra}}


COURIER_OTHER_EVENTS: dict[str, dict[str, Any]] = {
    "notification:submitted": {
        "type": "notification:submitted",
        "data": {"id": "NOTIF_123", "version": "v2"},
    },
    "notification:submission_canceled": {
        "type": "notification:submission_canceled",
        "data": {"id": "NOTIF_123"},
    },
    "notification:published": {"type": "notification:published", "data": {"id": "NOTIF_123"}},
    "audiences:updated": {
        "type": "audiences:updated",
        "data": {"id": "aud_vip", "name": "VIPs", "description": "Big spenders", "filter": {}},
    },
    "audiences:user:matched": {
        "type": "audiences:user:matched",
        "data": {"audience_id": "aud_vip", "user_id": "stan-pines", "audience_version": 3},
    },
    "audiences:user:unmatched": {
        "type": "audiences:user:unmatched",
        "data": {"audience_id": "aud_vip", "user_id": "ford-pines", "audience_version": 3},
    },
    "audiences:calculated": {
        "type": "audiences:calculated",
        "data": {"audience_id": "aud_vip", "total_users_matched": 1204},
    },
}

COURIER_CHANNEL_DELIVERY: dict[str, Any] = {
    "event": "MY_EVENT",
    "recipient": "1234ABCD",
    "profile": {"email": "stan.pines@mysteryshack.com", "phone_number": "+12025550165"},
    "data": {"name": "Stan Pines", "location": "Gravity Falls, OR"},
}
COURIER_CHANNEL_OVERRIDE: dict[str, Any] = {"key": "value"}

CUSTOMERIO_BATCH: list[dict[str, Any]] = [
    {
        "type": "track",
        "userId": "123",
        "event": "Signed Up",
        "properties": {"plan": "Startup", "referred_by": "Friend"},
    },
    {
        "type": "track",
        "userId": "456",
        "event": "Signed Up",
        "properties": {"plan": "Free", "referred_by": "Ad"},
    },
]
CUSTOMERIO_EVENTS: dict[str, dict[str, Any]] = {
    "identify": {
        "type": "identify",
        "userId": "123",
        "messageId": "msg-identify-1",
        "timestamp": "2024-09-14T14:30:00.000Z",
        "traits": {"email": "stan@mysteryshack.com", "plan": "Startup"},
        "context": {"ip": "203.0.113.7"},
    },
    "track": {"type": "track", "userId": "123", "event": "email_opened", "properties": {"subject": "Hi"}},
    "page": {"type": "page", "anonymousId": "anon-9", "name": "Pricing", "properties": {"path": "/pricing"}},
    "screen": {"type": "screen", "userId": "123", "name": "Checkout", "properties": {"step": 2}},
    "group": {"type": "group", "userId": "123", "groupId": "acme-inc", "traits": {"employees": 40}},
    "alias": {"type": "alias", "userId": "123", "previousId": "anon-9"},
}

# Kourier and Xtremepush shapes are the library's own samples (webhook_receiver.testing).
KOURIER_EVENTS: dict[str, dict[str, Any]] = {s.type: s.payload for s in samples("kourier")}  # type: ignore[misc]
XTREMEPUSH_PROPERTIES: dict[str, Any] = dict(sample("xtremepush", "message_send").payload["properties"])  # type: ignore[index, call-overload]


def xtremepush(event: str, **properties: Any) -> dict[str, Any]:
    return {"event": event, "time": 1726324200, "properties": {**XTREMEPUSH_PROPERTIES, **properties}}


XTREMEPUSH_CUSTOM: dict[str, Any] = {"campaign": "Welcome", "user": None, "tier": None, "event_name": None}

STRIPE_EVENT: dict[str, Any] = {
    "id": "evt_1NG8Du2eZvKYlo2CUI79vXWy",
    "object": "event",
    "api_version": "2023-10-16",
    "created": 1700000000,
    "livemode": False,
    "type": "invoice.paid",
    "data": {"object": {"id": "in_1", "object": "invoice", "amount_paid": 2000}},
}
STANDARD_WEBHOOKS_EVENT: dict[str, Any] = {
    "type": "contact.created",
    "timestamp": "2023-11-14T22:13:20Z",
    "data": {"id": "c_1", "email": "stan@mysteryshack.com"},
}
GITHUB_ISSUES_EVENT: dict[str, Any] = {"action": "opened", "issue": {"number": 7, "title": "Bug"}}
SLACK_EVENT_CALLBACK: dict[str, Any] = {
    "type": "event_callback",
    "team_id": "T061EG9R6",
    "event_id": "Ev0PV52K21",
    "event_time": 1700000000,
    "event": {"type": "app_mention", "text": "<@U0LAN0Z89> hi", "user": "U061F7AUR"},
}
SLACK_URL_VERIFICATION: dict[str, Any] = {
    "type": "url_verification",
    "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
    "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
}
