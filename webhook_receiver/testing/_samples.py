"""Sample payloads for every event type the provider documents describe.

Realistic and complete: every documented field is present with a plausible value,
and every sample parses into its typed event class (the test suite checks).
"""

from __future__ import annotations

import copy

from .._errors import ConfigurationError
from .._events import JSONValue
from . import _catalogue_bound, _catalogue_handshakes, _catalogue_hmac_a, _catalogue_hmac_b, _catalogue_keys
from ._sample import Sample

__all__ = ["SAMPLES", "Sample", "sample", "samples"]


_MESSAGE: dict[str, JSONValue] = {
    "id": "1-65b1f2e3-8a7c4d2e9f0b1c3d5e7f9a2b",
    "status": "DELIVERED",
    "recipient": "stan-pines",
    "event": "WELCOME_EMAIL",
    "notification": "WELCOME_EMAIL",
    "enqueued": 1706160867000,
    "sent": 1706160868120,
    "delivered": 1706160871431,
    "providers": [
        {
            "channel": {"key": "email", "name": "Email"},
            "provider": "sendgrid",
            "status": "DELIVERED",
            "delivered": 1706160871431,
        }
    ],
}
_XP_PROPERTIES: dict[str, JSONValue] = {
    "message_type": "email",
    "campaign_id": 4412,
    "profile_id": "5f0c0d4e9a1b2c3d4e5f6a7b",
    "device_id": None,
    "trigger_id": "trg-77",
    "error_message": None,
    "user_id": "customer-123",
    "email": "stan@mysteryshack.com",
    "external_message_id": "ext-9f8e",
}


def _xtremepush(event: str, **properties: JSONValue) -> dict[str, JSONValue]:
    return {"event": event, "time": 1726324200, "properties": {**_XP_PROPERTIES, **properties}}


def _courier_message(status: str, **times: int) -> dict[str, JSONValue]:
    data = {**_MESSAGE, "status": status, **times}
    for later in ("sent", "delivered", "opened", "clicked"):
        if status == "ENQUEUED" and later in data:
            del data[later]
    return {"type": "message:updated", "data": data}


_ALL: list[Sample] = [
    # Courier event webhooks.
    Sample("courier", "message:updated", _courier_message("DELIVERED")),
    Sample(
        "courier",
        "notification:submitted",
        {
            "type": "notification:submitted",
            "data": {"id": "WELCOME_EMAIL", "version": "v3", "submitted_by": "ford@mysteryshack.com"},
        },
    ),
    Sample(
        "courier",
        "notification:submission_canceled",
        {
            "type": "notification:submission_canceled",
            "data": {"id": "WELCOME_EMAIL", "version": "v3", "canceled_by": "ford@mysteryshack.com"},
        },
    ),
    Sample(
        "courier",
        "notification:published",
        {
            "type": "notification:published",
            "data": {"id": "WELCOME_EMAIL", "version": "v3", "published_at": 1706160900000},
        },
    ),
    Sample(
        "courier",
        "audiences:updated",
        {
            "type": "audiences:updated",
            "data": {
                "id": "vip-customers",
                "name": "VIP customers",
                "description": "Spent over $1000 this year",
                "filter": {"operator": "GT", "path": "spend", "value": "1000"},
                "updated_at": "2024-01-25T05:34:27.000Z",
            },
        },
    ),
    Sample(
        "courier",
        "audiences:user:matched",
        {
            "type": "audiences:user:matched",
            "data": {"audience_id": "vip-customers", "audience_version": 4, "user_id": "stan-pines"},
        },
    ),
    Sample(
        "courier",
        "audiences:user:unmatched",
        {
            "type": "audiences:user:unmatched",
            "data": {"audience_id": "vip-customers", "audience_version": 4, "user_id": "ford-pines"},
        },
    ),
    Sample(
        "courier",
        "audiences:calculated",
        {
            "type": "audiences:calculated",
            "data": {"audience_id": "vip-customers", "audience_version": 4, "total_users_matched": 1204},
        },
    ),
    # Courier's Webhook channel: a delivery, and a body replaced by a provider override.
    Sample(
        "courier-channel",
        "MY_EVENT",
        {
            "event": "MY_EVENT",
            "recipient": "1234ABCD",
            "profile": {"email": "stan.pines@mysteryshack.com", "phone_number": "+12025550165"},
            "data": {"name": "Stan Pines", "location": "Gravity Falls, OR"},
        },
    ),
    Sample("courier-channel", "custom", {"key": "value"}),
    # Customer.io Data Pipelines.
    Sample(
        "customerio",
        "identify",
        {
            "type": "identify",
            "userId": "123",
            "anonymousId": "anon-9f8e7d",
            "messageId": "msg-identify-0001",
            "timestamp": "2024-09-14T14:30:00.000Z",
            "traits": {"email": "stan@mysteryshack.com", "name": "Stan Pines", "plan": "Startup"},
            "context": {"ip": "203.0.113.7", "library": {"name": "analytics.js", "version": "2.11.1"}},
        },
    ),
    Sample(
        "customerio",
        "track",
        {
            "type": "track",
            "userId": "123",
            "messageId": "msg-track-0001",
            "timestamp": "2024-09-14T14:31:00.000Z",
            "event": "Signed Up",
            "properties": {"plan": "Startup", "referred_by": "Friend"},
            "context": {"ip": "203.0.113.7"},
        },
    ),
    Sample(
        "customerio",
        "page",
        {
            "type": "page",
            "anonymousId": "anon-9f8e7d",
            "messageId": "msg-page-0001",
            "timestamp": "2024-09-14T14:29:00.000Z",
            "name": "Pricing",
            "properties": {"path": "/pricing", "url": "https://mysteryshack.com/pricing", "title": "Pricing"},
        },
    ),
    Sample(
        "customerio",
        "screen",
        {
            "type": "screen",
            "userId": "123",
            "messageId": "msg-screen-0001",
            "timestamp": "2024-09-14T14:32:00.000Z",
            "name": "Checkout",
            "properties": {"step": 2},
        },
    ),
    Sample(
        "customerio",
        "group",
        {
            "type": "group",
            "userId": "123",
            "messageId": "msg-group-0001",
            "timestamp": "2024-09-14T14:33:00.000Z",
            "groupId": "mystery-shack",
            "traits": {"name": "Mystery Shack", "employees": 3, "plan": "Enterprise"},
        },
    ),
    Sample(
        "customerio",
        "alias",
        {
            "type": "alias",
            "userId": "123",
            "previousId": "anon-9f8e7d",
            "messageId": "msg-alias-0001",
            "timestamp": "2024-09-14T14:34:00.000Z",
        },
    ),
    # Kourier deliveries.
    Sample(
        "kourier",
        "delivery.created",
        {
            "event": "delivery.created",
            "delivery_id": "abc123",
            "status": "created",
            "timestamp": "2024-09-14T14:00:00Z",
        },
    ),
    Sample(
        "kourier",
        "delivery.updated",
        {
            "event": "delivery.updated",
            "delivery_id": "abc123",
            "status": "in_transit",
            "timestamp": "2024-09-14T14:30:00Z",
        },
    ),
    Sample(
        "kourier",
        "delivery.cancelled",
        {
            "event": "delivery.cancelled",
            "delivery_id": "abc123",
            "status": "cancelled",
            "timestamp": "2024-09-14T15:00:00Z",
        },
    ),
    # Xtremepush campaign events, subscription changes, and a custom format.
    Sample("xtremepush", "message_send", _xtremepush("message_send")),
    Sample("xtremepush", "message_delivery", _xtremepush("message_delivery")),
    Sample("xtremepush", "message_open", _xtremepush("message_open")),
    Sample("xtremepush", "message_click", _xtremepush("message_click")),
    Sample(
        "xtremepush", "message_failure", _xtremepush("message_failure", error_message="Mailbox unavailable")
    ),
    Sample("xtremepush", "message_unsubscribe", _xtremepush("message_unsubscribe")),
    Sample("xtremepush", "message_opt_in", _xtremepush("message_opt_in")),
    Sample("xtremepush", "message_opt_out", _xtremepush("message_opt_out")),
    Sample("xtremepush", "preference_opt_in", _xtremepush("preference_opt_in")),
    Sample("xtremepush", "preference_opt_out", _xtremepush("preference_opt_out")),
    Sample(
        "xtremepush", "custom", {"campaign": "Welcome", "user": "customer-123", "tier": None, "score": None}
    ),
    # The generic providers.
    Sample(
        "stripe",
        "invoice.paid",
        {
            "id": "evt_1NG8Du2eZvKYlo2CUI79vXWy",
            "object": "event",
            "api_version": "2023-10-16",
            "created": 1706160867,
            "livemode": False,
            "pending_webhooks": 1,
            "type": "invoice.paid",
            "data": {
                "object": {
                    "id": "in_1OcVvk2eZvKYlo2C",
                    "object": "invoice",
                    "amount_paid": 2000,
                    "currency": "usd",
                }
            },
        },
    ),
    Sample(
        "standard-webhooks",
        "invoice.paid",
        {
            "type": "invoice.paid",
            "timestamp": "2024-01-25T05:34:27.000Z",
            "data": {"id": "in_1", "amount": 2000, "currency": "usd"},
        },
    ),
    Sample(
        "github",
        "issues",
        {
            "action": "opened",
            "issue": {"number": 7, "title": "Gnome in the attic", "user": {"login": "dipper"}},
            "repository": {"full_name": "mysteryshack/journal"},
            "sender": {"login": "dipper"},
        },
        {"X-GitHub-Event": "issues", "X-GitHub-Delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958"},
    ),
    Sample(
        "slack",
        "event_callback",
        {
            "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
            "team_id": "T061EG9R6",
            "api_app_id": "A0MDYCDME",
            "type": "event_callback",
            "event_id": "Ev0PV52K21",
            "event_time": 1706160867,
            "event": {
                "type": "app_mention",
                "user": "U061F7AUR",
                "text": "<@U0LAN0Z89> hi",
                "ts": "1706160867.000200",
            },
        },
    ),
    Sample(
        "slack",
        "url_verification",
        {
            "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
            "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
            "type": "url_verification",
        },
    ),
    Sample("bearer", "thing.happened", {"type": "thing.happened", "id": "evt_1", "created": 1706160867}),
    Sample("basic", "thing.happened", {"type": "thing.happened", "id": "evt_1", "created": 1706160867}),
    Sample("hmac", "thing.happened", {"type": "thing.happened", "id": "evt_1", "created": 1706160867}),
]

_CATALOGUES = (_catalogue_hmac_a, _catalogue_hmac_b, _catalogue_bound, _catalogue_handshakes, _catalogue_keys)
for _catalogue in _CATALOGUES:
    _ALL.extend(_catalogue.SAMPLES)

SAMPLES: dict[str, dict[str, Sample]] = {}
"""Every sample, by provider name and then event type."""
for _sample in _ALL:
    SAMPLES.setdefault(_sample.provider, {})[_sample.type] = _sample


def samples(provider: str | None = None) -> list[Sample]:
    """Every sample (of one provider, if given), each a fresh copy."""
    chosen = _ALL if provider is None else list(_by_provider(provider).values())
    return [copy.deepcopy(s) for s in chosen]


def sample(provider: str, event_type: str | None = None) -> Sample:
    """The sample of ``event_type`` for ``provider`` (its first sample if no type), as a fresh copy.

    Raises:
        ConfigurationError: no such provider or type; the message lists what there is.
    """
    by_type = _by_provider(provider)
    if event_type is None:
        return copy.deepcopy(next(iter(by_type.values())))
    try:
        return copy.deepcopy(by_type[event_type])
    except KeyError:
        raise ConfigurationError(
            f"no {provider} sample of type {event_type!r}; there are: {', '.join(by_type)}"
        ) from None


def _by_provider(provider: str) -> dict[str, Sample]:
    try:
        return SAMPLES[provider]
    except KeyError:
        raise ConfigurationError(f"no samples for {provider!r}; there are: {', '.join(SAMPLES)}") from None
