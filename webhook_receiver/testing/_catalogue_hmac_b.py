"""Samples and demo options for paddle, customerio-reporting, zendesk, linear, resend, clerk.

Shapes follow each provider's reference and its SDKs' fixtures (Paddle's
notification mocks, Customer.io's reporting webhook reference, Zendesk's event
schema, Linear's webhook payloads, Resend's and Clerk's event examples). Times
are around 2023-11-14T22:13:20Z (unix 1_700_000_000), the time the test suite's
clocks stand at: Linear's signed ``webhookTimestamp`` in particular must be
within a minute of the verifying clock.
"""

from __future__ import annotations

from typing import Any

from .._events import JSONValue
from ._sample import Sample

__all__ = ["CREDENTIAL_OPTION", "DEMO_OPTIONS", "SAMPLES"]

_NOW = 1_700_000_000
_ISO = "2023-11-14T22:13:18.524193Z"

# --- Paddle -------------------------------------------------------------------------------------

_PADDLE_CUSTOMER: dict[str, JSONValue] = {
    "id": "ctm_01hf5x9pqb3m0t2b0f4a9y8q6w",
    "name": "Sam Miller",
    "email": "sam@example.com",
    "locale": "en",
    "status": "active",
    "created_at": "2023-11-14T22:13:17.211Z",
    "updated_at": "2023-11-14T22:13:17.211Z",
    "custom_data": None,
    "import_meta": None,
    "marketing_consent": False,
}
_PADDLE_PRICE: dict[str, JSONValue] = {
    "id": "pri_01gsz8x8sawmvhz1pv30nge1ke",
    "name": "Monthly (per seat)",
    "type": "standard",
    "status": "active",
    "quantity": {"maximum": 999, "minimum": 1},
    "tax_mode": "account_setting",
    "product_id": "pro_01gsz4t5hdjse780zja8vvr7jg",
    "unit_price": {"amount": "3000", "currency_code": "USD"},
    "custom_data": None,
    "description": "Monthly (per seat)",
    "import_meta": None,
    "trial_period": None,
    "billing_cycle": {"interval": "month", "frequency": 1},
    "unit_price_overrides": [],
}
_PADDLE_TOTALS: dict[str, JSONValue] = {
    "fee": "1650",
    "tax": "2663",
    "total": "32663",
    "credit": "0",
    "balance": "0",
    "discount": "0",
    "earnings": "28350",
    "subtotal": "30000",
    "grand_total": "32663",
    "currency_code": "USD",
    "credit_to_balance": "0",
}
_PADDLE_TRANSACTION: dict[str, JSONValue] = {
    "id": "txn_01hf5x9v3r9c2e7j1tq2k6d3nb",
    "items": [{"price": _PADDLE_PRICE, "quantity": 10, "proration": None}],
    "origin": "web",
    "status": "completed",
    "details": {
        "totals": _PADDLE_TOTALS,
        "line_items": [
            {
                "id": "txnitm_01hf5x9v4c0y3b6q8h2a1s7t5p",
                "totals": {"tax": "2663", "total": "32663", "discount": "0", "subtotal": "30000"},
                "product": {
                    "id": "pro_01gsz4t5hdjse780zja8vvr7jg",
                    "name": "ChatApp Pro",
                    "type": "standard",
                    "status": "active",
                    "image_url": "https://example.com/chatapp-pro.png",
                    "created_at": "2023-02-23T12:43:46.605Z",
                    "updated_at": "2023-10-12T08:01:20.116Z",
                    "custom_data": None,
                    "description": "Everything in basic, plus tools for larger teams.",
                    "tax_category": "standard",
                },
                "price_id": "pri_01gsz8x8sawmvhz1pv30nge1ke",
                "quantity": 10,
                "tax_rate": "0.08875",
                "proration": None,
                "unit_totals": {"tax": "266", "total": "3266", "discount": "0", "subtotal": "3000"},
            }
        ],
        "payout_totals": {**_PADDLE_TOTALS, "exchange_rate": "1", "fee_rate": "0.05"},
        "tax_rates_used": [
            {
                "totals": {"tax": "2663", "total": "32663", "discount": "0", "subtotal": "30000"},
                "tax_rate": "0.08875",
            }
        ],
        "adjusted_totals": {
            "fee": "1650",
            "tax": "2663",
            "total": "32663",
            "earnings": "28350",
            "subtotal": "30000",
            "grand_total": "32663",
            "currency_code": "USD",
        },
    },
    "checkout": {"url": "https://example.com/checkout?_ptxn=txn_01hf5x9v3r9c2e7j1tq2k6d3nb"},
    "payments": [
        {
            "amount": "32663",
            "status": "captured",
            "created_at": "2023-11-14T22:13:12.091Z",
            "error_code": None,
            "captured_at": "2023-11-14T22:13:15.310Z",
            "method_details": {
                "card": {
                    "type": "visa",
                    "last4": "4242",
                    "expiry_year": 2027,
                    "expiry_month": 1,
                    "cardholder_name": "Sam Miller",
                },
                "type": "card",
            },
            "payment_method_id": "paymtd_01hf5x9xk2v7w8d4s1a0b3n6m9",
            "payment_attempt_id": "4f1c0e5e-3a5f-4a9b-8a36-0b3c7d0e9f21",
            "stored_payment_method_id": "b8a2d4c1-6e3f-4f0a-9c7d-5e1b2a3c4d5e",
        }
    ],
    "billed_at": "2023-11-14T22:13:15.310Z",
    "address_id": "add_01hf5x9q1m2n3b4v5c6x7z8a9s",
    "created_at": "2023-11-14T22:12:58.140Z",
    "invoice_id": "inv_01hf5x9z7d6f5g4h3j2k1l0q9w",
    "updated_at": "2023-11-14T22:13:17.640Z",
    "business_id": None,
    "custom_data": None,
    "customer_id": "ctm_01hf5x9pqb3m0t2b0f4a9y8q6w",
    "discount_id": None,
    "currency_code": "USD",
    "billing_period": {"ends_at": "2023-12-14T22:13:15.310Z", "starts_at": "2023-11-14T22:13:15.310Z"},
    "invoice_number": "325-10566",
    "billing_details": None,
    "collection_mode": "automatic",
    "subscription_id": "sub_01hf5xa0b7n4m3c2x1z9y8w7v6",
}


def _paddle_subscription(status: str, **changes: JSONValue) -> dict[str, JSONValue]:
    return {
        "id": "sub_01hf5xa0b7n4m3c2x1z9y8w7v6",
        "items": [
            {
                "price": _PADDLE_PRICE,
                "status": "active",
                "quantity": 10,
                "recurring": True,
                "created_at": "2023-11-14T22:13:16.892Z",
                "updated_at": "2023-11-14T22:13:16.892Z",
                "trial_dates": None,
                "next_billed_at": "2023-12-14T22:13:15.310Z",
                "previously_billed_at": "2023-11-14T22:13:15.310Z",
            }
        ],
        "status": status,
        "discount": None,
        "paused_at": None,
        "address_id": "add_01hf5x9q1m2n3b4v5c6x7z8a9s",
        "created_at": "2023-11-14T22:13:16.892Z",
        "started_at": "2023-11-14T22:13:15.310Z",
        "updated_at": "2023-11-14T22:13:16.892Z",
        "business_id": None,
        "canceled_at": None,
        "custom_data": None,
        "customer_id": "ctm_01hf5x9pqb3m0t2b0f4a9y8q6w",
        "import_meta": None,
        "billing_cycle": {"interval": "month", "frequency": 1},
        "currency_code": "USD",
        "next_billed_at": "2023-12-14T22:13:15.310Z",
        "transaction_id": "txn_01hf5x9v3r9c2e7j1tq2k6d3nb",
        "billing_details": None,
        "collection_mode": "automatic",
        "first_billed_at": "2023-11-14T22:13:15.310Z",
        "scheduled_change": None,
        "current_billing_period": {
            "ends_at": "2023-12-14T22:13:15.310Z",
            "starts_at": "2023-11-14T22:13:15.310Z",
        },
        **changes,
    }


def _paddle(kind: str, event: str, notification: str, data: dict[str, JSONValue]) -> Sample:
    return Sample(
        "paddle",
        kind,
        {
            "event_id": event,
            "event_type": kind,
            "occurred_at": _ISO,
            "notification_id": notification,
            "data": data,
        },
    )


_PADDLE = [
    _paddle(
        "transaction.completed",
        "evt_01hf5xa3c8v5b2n7m4k1j6h9g3",
        "ntf_01hf5xa3f1d4s7a2q9w6e3r8t5",
        _PADDLE_TRANSACTION,
    ),
    _paddle(
        "subscription.created",
        "evt_01hf5xa2m6n1b8v3c5x0z7l4k9",
        "ntf_01hf5xa2p3o0i7u4y1t8r5e2w6",
        _paddle_subscription("active"),
    ),
    _paddle(
        "subscription.updated",
        "evt_01hf5xa4q2w9e6r3t0y7u4i1o8",
        "ntf_01hf5xa4s5d2f9g6h3j0k7l4z1",
        _paddle_subscription(
            "active",
            updated_at="2023-11-14T22:13:18.102Z",
            scheduled_change={
                "action": "cancel",
                "effective_at": "2023-12-14T22:13:15.310Z",
                "resume_at": None,
            },
        ),
    ),
    _paddle(
        "subscription.canceled",
        "evt_01hf5xa5x8c5v2b9n6m3a0s7d4",
        "ntf_01hf5xa5z1x8c5v2b9n6m3q0w7",
        _paddle_subscription(
            "canceled",
            canceled_at="2023-11-14T22:13:18.102Z",
            next_billed_at=None,
            current_billing_period=None,
            updated_at="2023-11-14T22:13:18.102Z",
        ),
    ),
    _paddle(
        "customer.created",
        "evt_01hf5x9pv4n7m1b8v5c2x9z6a3",
        "ntf_01hf5x9pxk2j9h6g3f0d7s4a1q",
        _PADDLE_CUSTOMER,
    ),
]

# --- Customer.io reporting webhooks -------------------------------------------------------------

_CIO_IDENTIFIERS: dict[str, JSONValue] = {
    "id": "user-123",
    "email": "ada@example.com",
    "cio_id": "d9c106000001",
}
_CIO_CAMPAIGN: dict[str, JSONValue] = {
    "customer_id": "user-123",
    "identifiers": _CIO_IDENTIFIERS,
    "delivery_id": "RAECAAFwnUSneIa0ZXkmq8EdkAM==",
    "campaign_id": 23,
    "action_id": 96,
    "journey_id": "01GW20GXAAXBKZD8J96M8FNV3R",
    "parent_action_id": 95,
    "trigger_event_id": "01E4C4HDQ7P4DS5QXJZTP4DF5C",
}
_CIO_RECIPIENT = {
    "email": "ada@example.com",
    "push": None,
    "sms": "+15005550006",
    "in_app": "user-123",
    "slack": "#customer-success",
    "webhook": "https://example.com/hooks/welcome",
}
# The metrics each object_type reports, as Customer.io's reporting webhook reference lists
# them (its reporting-webhooks API names them email_drafted, email_attempted, ...).
_CIO_METRICS = {
    "email": (
        "drafted",
        "attempted",
        "sent",
        "delivered",
        "opened",
        "clicked",
        "converted",
        "unsubscribed",
        "bounced",
        "dropped",
        "spammed",
        "failed",
        "undeliverable",
    ),
    "push": (
        "drafted",
        "attempted",
        "sent",
        "delivered",
        "opened",
        "clicked",
        "converted",
        "bounced",
        "dropped",
        "failed",
        "undeliverable",
    ),
    "sms": (
        "drafted",
        "attempted",
        "sent",
        "delivered",
        "clicked",
        "converted",
        "bounced",
        "failed",
        "undeliverable",
    ),
    "in_app": ("drafted", "attempted", "sent", "opened", "clicked", "converted", "failed"),
    "slack": ("drafted", "attempted", "sent", "clicked", "converted", "failed"),
    "webhook": ("drafted", "attempted", "sent", "clicked", "converted", "failed", "undeliverable"),
}
_CIO_FAILURES = {"bounced", "dropped", "failed", "undeliverable"}


def _cio_message(channel: str, metric: str, n: int) -> Sample:
    data: dict[str, Any] = dict(_CIO_CAMPAIGN)
    if channel == "push":
        data["recipients"] = [{"device_id": "1a2b3c4d5e6f", "device_platform": "ios"}]
    else:
        data["recipient"] = _CIO_RECIPIENT[channel]
    if channel == "email":
        data["subject"] = "Welcome to Example, Ada"
    if metric == "sent" and channel in ("email", "sms", "push"):
        data["content"] = "Thanks for signing up, Ada!"
    if metric == "clicked":
        data.update(href="https://example.com/welcome?utm_source=customerio", link_id=7)
    if metric in _CIO_FAILURES:
        data["failure_message"] = {
            "bounced": "550 5.1.1 The email account that you tried to reach does not exist",
            "dropped": "Recipient is suppressed",
            "failed": "Liquid error: undefined variable customer.first_name",
            "undeliverable": "No valid recipient for this message",
        }[metric]
    return Sample(
        "customerio-reporting",
        f"{channel}.{metric}",
        {
            "event_id": f"01HF5XC{n:03d}T8Z4Q2W9E6R3T0Y7",
            "object_type": channel,
            "metric": metric,
            "timestamp": _NOW - 60 + n,
            "data": data,
        },
    )


_CIO: list[Sample] = [
    _cio_message(channel, metric, n)
    for n, (channel, metric) in enumerate(
        (channel, metric) for channel, metrics in _CIO_METRICS.items() for metric in metrics
    )
]
for _metric, _extra in (
    ("subscribed", {}),
    ("unsubscribed", {}),
    (
        "cio_subscription_preferences_changed",
        {"content": '{"topics":{"topic_1":true,"topic_2":false}}'},
    ),
):
    _CIO.append(
        Sample(
            "customerio-reporting",
            f"customer.{_metric}",
            {
                "event_id": f"01HF5XD{len(_CIO):03d}K3L8M1N6B9V2C5",
                "object_type": "customer",
                "metric": _metric,
                "timestamp": _NOW - 30,
                "data": {
                    "customer_id": "user-123",
                    "identifiers": _CIO_IDENTIFIERS,
                    "email_address": "ada@example.com",
                    **_extra,
                },
            },
        )
    )

# --- Zendesk ------------------------------------------------------------------------------------

_ZENDESK_USER: dict[str, JSONValue] = {
    "created_at": "2023-11-14T22:12:58Z",
    "email": "jdoe@example.com",
    "external_id": "",
    "default_group_id": "0",
    "id": "6596848315901",
    "organization_id": "0",
    "role": "end-user",
    "updated_at": "2023-11-14T22:13:18Z",
}
_ZENDESK_TICKET: dict[str, JSONValue] = {
    "actor_id": "6596848315901",
    "assignee_id": None,
    "brand_id": "360000521234",
    "created_at": "2023-11-14T22:13:18Z",
    "custom_status": "6596848319845",
    "description": "My order arrived damaged.",
    "external_id": None,
    "form_id": "360000123456",
    "group_id": "360001234567",
    "id": "35436",
    "is_public": True,
    "organization_id": None,
    "priority": "normal",
    "requester_id": "6596848315901",
    "status": "OPEN",
    "subject": "Damaged order #1042",
    "submitter_id": "6596848315901",
    "tags": ["order", "damaged"],
    "type": "problem",
    "updated_at": "2023-11-14T22:13:18Z",
    "via": {"channel": "web_form"},
}


def _zendesk(
    kind: str, event_id: str, subject: str, detail: dict[str, JSONValue], change: JSONValue
) -> Sample:
    return Sample(
        "zendesk",
        f"zen:event-type:{kind}",
        {
            "type": f"zen:event-type:{kind}",
            "account_id": 12514403,
            "id": event_id,
            "time": "2023-11-14T22:13:18Z",
            "zendesk_event_version": "2022-11-06",
            "subject": subject,
            "detail": detail,
            "event": change,
        },
        {
            "X-Zendesk-Account-Id": "12514403",
            "X-Zendesk-Webhook-Id": "01GK8E6BKWMJZD2T8Y5AXJQMG5",
            "X-Zendesk-Webhook-Invocation-Id": "8350205582",
        },
    )


_ZENDESK = [
    _zendesk(
        "user.created", "cbe4028c-7239-495d-b020-f22348516046", "zen:user:6596848315901", _ZENDESK_USER, {}
    ),
    _zendesk(
        "user.active_changed",
        "2b24ef10-19d4-4740-93cf-8f98ec4776c0",
        "zen:user:6596848315901",
        _ZENDESK_USER,
        {"current": False, "previous": True},
    ),
    _zendesk(
        "organization.created",
        "4e8b7f31-5a1c-4f4e-9d7a-2f6b3c1d0e95",
        "zen:organization:22637542104349",
        {
            "created_at": "2023-11-14T22:13:18Z",
            "external_id": None,
            "group_id": None,
            "id": "22637542104349",
            "name": "Example Inc.",
            "shared_comments": False,
            "shared_tickets": False,
            "updated_at": "2023-11-14T22:13:18Z",
        },
        {},
    ),
    _zendesk(
        "ticket.created",
        "01HF5XE7Q2W9E6R3T0Y7U4I1O8",
        "zen:ticket:35436",
        _ZENDESK_TICKET,
        {"meta": {"sequence": {"id": "a1b2c3d4", "position": 1, "total": 1}}},
    ),
    _zendesk(
        "ticket.status_changed",
        "01HF5XE8S5D2F9G6H3J0K7L4Z1",
        "zen:ticket:35436",
        {**_ZENDESK_TICKET, "status": "SOLVED"},
        {"current": "SOLVED", "previous": "OPEN"},
    ),
    _zendesk(
        "article.published",
        "7d1f0c2e-8b3a-4e6f-a9d5-1c2b3e4f5a6b",
        "zen:article:360051234567",
        {"brand_id": "360000521234", "id": "360051234567"},
        {
            "author_id": "6596848315901",
            "category_id": "360001111111",
            "locale": "en-us",
            "section_id": "360002222222",
            "title": "Returning a damaged order",
        },
    ),
    # A trigger's own JSON body (Admin Center > Triggers > Notify by webhook).
    Sample(
        "zendesk",
        "custom",
        {"ticket_id": "35436", "status": "open", "updated_at": "November 14, 2023 22:13"},
        {
            "X-Zendesk-Webhook-Id": "01GK8E6BKWMJZD2T8Y5AXJQMG6",
            "X-Zendesk-Webhook-Invocation-Id": "8350205583",
        },
    ),
]

# --- Linear -------------------------------------------------------------------------------------

_LINEAR_ACTOR: dict[str, JSONValue] = {
    "id": "5f6e1a3c-9d2b-4c8e-a7f0-3b1d2e4c6a8b",
    "name": "Ada Lovelace",
    "email": "ada@example.com",
    "url": "https://linear.app/example/profiles/ada",
    "type": "user",
}
_LINEAR_ISSUE: dict[str, JSONValue] = {
    "id": "2174add1-f7c8-44e3-bbf3-2d60b5ea8bc9",
    "createdAt": "2023-11-14T22:13:18.412Z",
    "updatedAt": "2023-11-14T22:13:18.412Z",
    "number": 1778,
    "title": "Checkout button does nothing on Safari",
    "priority": 2,
    "priorityLabel": "High",
    "boardOrder": 0,
    "sortOrder": -3212.42,
    "estimate": 3,
    "labelIds": ["ae8d9c41-b9b6-4bdc-9a9d-2f6a1c3e5b7d"],
    "teamId": "72b2a2dc-6f4f-4423-9d34-24b5bd10634a",
    "cycleId": None,
    "projectId": "b4f2c7d9-1e3a-4b5c-8d6e-0f1a2b3c4d5e",
    "previousIdentifiers": [],
    "creatorId": "5f6e1a3c-9d2b-4c8e-a7f0-3b1d2e4c6a8b",
    "assigneeId": "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d",
    "stateId": "a4b5c6d7-e8f9-4a0b-1c2d-3e4f5a6b7c8d",
    "subscriberIds": ["5f6e1a3c-9d2b-4c8e-a7f0-3b1d2e4c6a8b"],
    "identifier": "ENG-1778",
    "url": "https://linear.app/example/issue/ENG-1778/checkout-button-does-nothing-on-safari",
    "description": "Clicking **Pay** on Safari 17 does nothing; no request is sent.",
    "state": {
        "id": "a4b5c6d7-e8f9-4a0b-1c2d-3e4f5a6b7c8d",
        "color": "#e2e2e2",
        "name": "Todo",
        "type": "unstarted",
    },
    "team": {"id": "72b2a2dc-6f4f-4423-9d34-24b5bd10634a", "key": "ENG", "name": "Engineering"},
    "labels": [{"id": "ae8d9c41-b9b6-4bdc-9a9d-2f6a1c3e5b7d", "color": "#eb5757", "name": "Bug"}],
}


def _linear(entity: str, action: str, data: dict[str, JSONValue], **more: JSONValue) -> Sample:
    url = data.get("url")
    return Sample(
        "linear",
        f"{entity}.{action}",
        {
            "action": action,
            "actor": _LINEAR_ACTOR,
            "createdAt": "2023-11-14T22:13:19.208Z",
            "data": data,
            "url": url if isinstance(url, str) else "https://linear.app/example",
            "type": entity,
            **more,
            "organizationId": "e8b3c2a1-4d5f-4e6a-9b8c-7d6e5f4a3b2c",
            "webhookTimestamp": _NOW * 1000,
            "webhookId": "000042e3-d123-4980-b49f-8e140eef9329",
        },
        {"Linear-Delivery": "234d1a4e-b617-4388-90fe-adc3633d6b72", "Linear-Event": entity},
    )


_LINEAR = [
    _linear("Issue", "create", _LINEAR_ISSUE),
    _linear(
        "Issue",
        "update",
        {**_LINEAR_ISSUE, "updatedAt": "2023-11-14T22:13:19.100Z", "priority": 1, "priorityLabel": "Urgent"},
        updatedFrom={"updatedAt": "2023-11-14T22:13:18.412Z", "priority": 2},
    ),
    _linear("Issue", "remove", {**_LINEAR_ISSUE, "archivedAt": "2023-11-14T22:13:19.100Z", "trashed": True}),
    _linear(
        "Comment",
        "create",
        {
            "id": "c8a1b2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d",
            "createdAt": "2023-11-14T22:13:19.002Z",
            "updatedAt": "2023-11-14T22:13:19.002Z",
            "body": "Reproduced on Safari 17.1; Chrome is fine.",
            "issueId": "2174add1-f7c8-44e3-bbf3-2d60b5ea8bc9",
            "userId": "5f6e1a3c-9d2b-4c8e-a7f0-3b1d2e4c6a8b",
            "reactionData": [],
            "url": "https://linear.app/example/issue/ENG-1778#comment-c8a1b2d3",
            "issue": {
                "id": "2174add1-f7c8-44e3-bbf3-2d60b5ea8bc9",
                "title": "Checkout button does nothing on Safari",
                "teamId": "72b2a2dc-6f4f-4423-9d34-24b5bd10634a",
            },
            "user": {"id": "5f6e1a3c-9d2b-4c8e-a7f0-3b1d2e4c6a8b", "name": "Ada Lovelace"},
        },
    ),
    _linear(
        "IssueLabel",
        "create",
        {
            "id": "ae8d9c41-b9b6-4bdc-9a9d-2f6a1c3e5b7d",
            "createdAt": "2023-11-14T22:13:17.000Z",
            "updatedAt": "2023-11-14T22:13:17.000Z",
            "name": "Bug",
            "color": "#eb5757",
            "teamId": "72b2a2dc-6f4f-4423-9d34-24b5bd10634a",
            "creatorId": "5f6e1a3c-9d2b-4c8e-a7f0-3b1d2e4c6a8b",
            "isGroup": False,
        },
    ),
    _linear(
        "Project",
        "update",
        {
            "id": "b4f2c7d9-1e3a-4b5c-8d6e-0f1a2b3c4d5e",
            "createdAt": "2023-10-02T09:00:00.000Z",
            "updatedAt": "2023-11-14T22:13:19.000Z",
            "name": "Checkout v2",
            "description": "Rebuild the checkout flow.",
            "slugId": "checkout-v2-3f1a",
            "color": "#4ea7fc",
            "state": "started",
            "progress": 0.42,
            "startDate": "2023-10-02",
            "targetDate": "2023-12-15",
            "leadId": "5f6e1a3c-9d2b-4c8e-a7f0-3b1d2e4c6a8b",
            "teamIds": ["72b2a2dc-6f4f-4423-9d34-24b5bd10634a"],
            "url": "https://linear.app/example/project/checkout-v2-3f1a",
        },
        updatedFrom={"updatedAt": "2023-11-13T18:00:00.000Z", "progress": 0.4},
    ),
    _linear(
        "Cycle",
        "create",
        {
            "id": "d2e3f4a5-b6c7-4d8e-9f0a-1b2c3d4e5f6a",
            "createdAt": "2023-11-14T22:13:19.000Z",
            "updatedAt": "2023-11-14T22:13:19.000Z",
            "number": 42,
            "name": None,
            "startsAt": "2023-11-20T00:00:00.000Z",
            "endsAt": "2023-12-04T00:00:00.000Z",
            "teamId": "72b2a2dc-6f4f-4423-9d34-24b5bd10634a",
            "progress": 0,
        },
    ),
]

# --- Resend -------------------------------------------------------------------------------------

_RESEND_EMAIL: dict[str, JSONValue] = {
    "broadcast_id": "8b146471-e88e-4322-86af-016cd36fd216",
    "created_at": "2023-11-14T22:13:11.894719+00:00",
    "email_id": "56761188-7520-42d8-8898-ff6fc54ce618",
    "from": "Acme <onboarding@resend.dev>",
    "to": ["delivered@resend.dev"],
    "subject": "Sending this example",
    "template_id": "43f68331-0622-4e15-8202-246a0388854b",
    "tags": {"category": "confirm_email"},
}
_RESEND_EMAIL_EXTRA: dict[str, dict[str, JSONValue]] = {
    "sent": {},
    "delivered": {},
    "delivery_delayed": {},
    "complained": {},
    "opened": {},
    "scheduled": {},
    "bounced": {
        "bounce": {
            "message": "The recipient's email address is on the suppression list because it has a "
            "recent history of producing hard bounces.",
            "subType": "Suppressed",
            "type": "Permanent",
        }
    },
    "clicked": {
        "click": {
            "ipAddress": "122.115.53.11",
            "link": "https://resend.com",
            "timestamp": "2023-11-14T22:13:17.163Z",
            "userAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/16.1 Safari/605.1.15",
        }
    },
    "failed": {"failed": {"reason": "reached_daily_quota"}},
    "suppressed": {
        "suppressed": {
            "message": "Resend has suppressed sending to this address because it is on the account-level "
            "suppression list.",
            "type": "OnAccountSuppressionList",
        }
    },
}
_RESEND_CONTACT: dict[str, JSONValue] = {
    "id": "e169aa45-1ecf-4183-9955-b1499d5701d3",
    "audience_id": "78261eea-8f8b-4381-83c6-79fa7120f1cf",
    "segment_ids": ["78261eea-8f8b-4381-83c6-79fa7120f1cf"],
    "created_at": "2023-11-14T22:13:12.980Z",
    "updated_at": "2023-11-14T22:13:12.980Z",
    "email": "steve.wozniak@gmail.com",
    "first_name": "Steve",
    "last_name": "Wozniak",
    "unsubscribed": False,
}
_RESEND_DOMAIN: dict[str, JSONValue] = {
    "id": "d91cd9bd-1176-453e-8fc1-35364d380206",
    "name": "example.com",
    "status": "not_started",
    "created_at": "2023-11-14T22:13:06.347412+00:00",
    "region": "us-east-1",
    "records": [
        {
            "record": "SPF",
            "name": "send",
            "type": "MX",
            "ttl": "Auto",
            "status": "not_started",
            "value": "feedback-smtp.us-east-1.amazonses.com",
            "priority": 10,
        },
        {
            "record": "SPF",
            "name": "send",
            "value": '"v=spf1 include:amazonses.com ~all"',
            "type": "TXT",
            "ttl": "Auto",
            "status": "not_started",
        },
        {
            "record": "DKIM",
            "name": "resend._domainkey",
            "value": "p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDsc4Lh8xilsngyKEgN2S84",
            "type": "TXT",
            "status": "not_started",
            "ttl": "Auto",
        },
    ],
}
_RESEND: list[Sample] = [
    Sample(
        "resend",
        f"email.{name}",
        {
            "type": f"email.{name}",
            "created_at": "2023-11-14T22:13:12.126Z",
            "data": {**_RESEND_EMAIL, **extra},
        },
    )
    for name, extra in _RESEND_EMAIL_EXTRA.items()
]
_RESEND += [
    Sample(
        "resend",
        f"contact.{action}",
        {"type": f"contact.{action}", "created_at": "2023-11-14T22:13:12.980Z", "data": _RESEND_CONTACT},
    )
    for action in ("created", "updated", "deleted")
]
_RESEND += [
    Sample(
        "resend",
        f"domain.{action}",
        {
            "type": f"domain.{action}",
            "created_at": "2023-11-14T22:13:12.980Z",
            "data": {
                **_RESEND_DOMAIN,
                "status": {"created": "not_started", "updated": "verified", "deleted": "verified"}[action],
            },
        },
    )
    for action in ("created", "updated", "deleted")
]

# --- Clerk --------------------------------------------------------------------------------------

_CLERK_ATTRIBUTES: dict[str, JSONValue] = {
    "http_request": {
        "client_ip": "192.0.2.1",
        "user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36",
    }
}
_CLERK_USER: dict[str, JSONValue] = {
    "backup_code_enabled": False,
    "banned": False,
    "birthday": "",
    "created_at": 1_699_999_998_514,
    "email_addresses": [
        {
            "email_address": "example@example.org",
            "id": "idn_29w83yL7CwVlJXylYLxcslromF1",
            "linked_to": [],
            "object": "email_address",
            "reserved": False,
            "verification": {"attempts": None, "expire_at": None, "status": "verified", "strategy": "ticket"},
        }
    ],
    "external_accounts": [],
    "external_id": "567772",
    "first_name": "Example",
    "gender": "",
    "has_image": True,
    "id": "user_29w83sxmDNGwOuEthce5gg56FcC",
    "image_url": "https://img.clerk.com/xxxxxx",
    "last_name": "Example",
    "last_sign_in_at": 1_699_999_998_514,
    "locked": False,
    "object": "user",
    "password_enabled": True,
    "phone_numbers": [],
    "primary_email_address_id": "idn_29w83yL7CwVlJXylYLxcslromF1",
    "primary_phone_number_id": None,
    "primary_web3_wallet_id": None,
    "private_metadata": {},
    "profile_image_url": "https://www.gravatar.com/avatar?d=mp",
    "public_metadata": {},
    "saml_accounts": [],
    "totp_enabled": False,
    "two_factor_enabled": False,
    "unsafe_metadata": {},
    "updated_at": 1_699_999_998_835,
    "username": None,
    "web3_wallets": [],
}
_CLERK_SESSION: dict[str, JSONValue] = {
    "abandon_at": 1_702_591_998_000,
    "client_id": "client_2XRcFB4R0j3TD6Oq5whxOhvNYfA",
    "created_at": 1_699_999_998_000,
    "expire_at": 1_700_604_798_000,
    "id": "sess_2XRcFHDNjH0yqKpZ5OuEkcPyqTb",
    "last_active_at": 1_699_999_998_000,
    "object": "session",
    "status": "active",
    "updated_at": 1_699_999_998_000,
    "user_id": "user_29w83sxmDNGwOuEthce5gg56FcC",
}
_CLERK_ORGANIZATION: dict[str, JSONValue] = {
    "created_at": 1_699_999_998_000,
    "created_by": "user_29w83sxmDNGwOuEthce5gg56FcC",
    "id": "org_29w9IfBrPmcpi0IeBVaKtA7R94W",
    "image_url": "https://img.clerk.com/xxxxxx",
    "logo_url": None,
    "max_allowed_memberships": 5,
    "name": "Acme Inc",
    "object": "organization",
    "private_metadata": {},
    "public_metadata": {},
    "slug": "acme-inc",
    "updated_at": 1_699_999_998_000,
}


def _clerk(kind: str, data: dict[str, JSONValue]) -> Sample:
    return Sample(
        "clerk",
        kind,
        {
            "data": data,
            "event_attributes": _CLERK_ATTRIBUTES,
            "instance_id": "ins_2XRcF0tEqUvSCzhU6kPk5f3wYhS",
            "object": "event",
            "timestamp": 1_699_999_998_835,
            "type": kind,
        },
    )


_CLERK = [
    _clerk("user.created", _CLERK_USER),
    _clerk("user.updated", {**_CLERK_USER, "first_name": "Exemplary", "updated_at": 1_699_999_999_101}),
    _clerk("user.deleted", {"deleted": True, "id": "user_29w83sxmDNGwOuEthce5gg56FcC", "object": "user"}),
    _clerk("session.created", _CLERK_SESSION),
    _clerk("session.ended", {**_CLERK_SESSION, "status": "ended"}),
    _clerk("session.removed", {**_CLERK_SESSION, "status": "removed"}),
    _clerk("session.revoked", {**_CLERK_SESSION, "status": "revoked"}),
    _clerk("organization.created", _CLERK_ORGANIZATION),
    _clerk("organization.updated", {**_CLERK_ORGANIZATION, "name": "Acme Corp"}),
    _clerk(
        "organization.deleted",
        {"deleted": True, "id": "org_29w9IfBrPmcpi0IeBVaKtA7R94W", "object": "organization"},
    ),
    _clerk(
        "organizationMembership.created",
        {
            "created_at": 1_699_999_998_000,
            "id": "orgmem_29wPpjfRRNZRqxu1ZvA1Rz3M7bZ",
            "object": "organization_membership",
            "organization": _CLERK_ORGANIZATION,
            "permissions": ["org:sys_profile:manage", "org:sys_memberships:read"],
            "public_metadata": {},
            "public_user_data": {
                "first_name": "Example",
                "identifier": "example@example.org",
                "image_url": "https://img.clerk.com/xxxxxx",
                "last_name": "Example",
                "profile_image_url": "https://www.gravatar.com/avatar?d=mp",
                "user_id": "user_29w83sxmDNGwOuEthce5gg56FcC",
            },
            "role": "org:admin",
            "updated_at": 1_699_999_998_000,
        },
    ),
    _clerk(
        "email.created",
        {
            "body": "<p>Your verification code is 123456</p>",
            "body_plain": "Your verification code is 123456",
            "data": {"otp_code": "123456"},
            "delivered_by_clerk": True,
            "email_address_id": "idn_29w83yL7CwVlJXylYLxcslromF1",
            "from_email_name": "accounts",
            "id": "ema_2XRcFZ1GQ9J8i9s8p0rR0zq7xYw",
            "object": "email",
            "slug": "verification_code",
            "status": "queued",
            "subject": "123456 is your verification code",
            "to_email_address": "example@example.org",
            "user_id": "user_29w83sxmDNGwOuEthce5gg56FcC",
        },
    ),
]

SAMPLES: list[Sample] = [*_PADDLE, *_CIO, *_ZENDESK, *_LINEAR, *_RESEND, *_CLERK]
"""Realistic, complete sample events, one per documented event type."""

DEMO_OPTIONS: dict[str, dict[str, Any]] = {
    "paddle": {"secret": "pdl_ntfset_01hf5xdemo0000000000000000_DemoPaddleSecretKeyNotReal0000"},
    "customerio-reporting": {"secret": "demo-customerio-reporting-signing-key"},
    # Zendesk's own static secret for test requests (its docs publish it).
    "zendesk": {"secret": "dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ=="},
    "linear": {"secret": "lin_wh_demo_linear_signing_secret"},
    "resend": {"secret": "whsec_ZGVtby1yZXNlbmQtc2lnbmluZy1rZXk="},
    "clerk": {"secret": "whsec_ZGVtby1jbGVyay1zaWduaW5nLWtleQ=="},
}
"""Throwaway options per provider (see ``testing.DEMO_OPTIONS``). Never use them for real."""

CREDENTIAL_OPTION: dict[str, str] = dict.fromkeys(DEMO_OPTIONS, "secret")
"""The option ``secret=`` stands for, per provider (see ``testing.CREDENTIAL_OPTION``)."""
