"""Samples and demo options for twilio, square, mailgun, sendgrid.

Twilio's form samples follow the parameters its documentation lists for messaging
status callbacks, incoming messages, voice status callbacks and incoming calls,
recording status callbacks and Conversations webhooks; they are ``form=True``
samples (``application/x-www-form-urlencoded``). Its JSON samples are Event Streams
posts (arrays of CloudEvents). Square's follow the payloads of its webhook event
reference (and the test notification its SDKs check signatures with); Mailgun's its
"Webhook Payloads" page, each with a signature block made with the demo key (at
2023-11-14T22:13:20Z: replaced when signed); SendGrid's its "Event Webhook
Reference", one event per post.

The demo options bind the URL-signed providers to ``https://example.com/hooks/<name>``;
SendGrid's demo key pair is a throwaway ECDSA P-256 key made for this library.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from .._events import JSONValue
from ._sample import FORM, Sample

__all__ = ["CREDENTIAL_OPTION", "DEMO_OPTIONS", "DEMO_PRIVATE_KEYS", "SAMPLES"]

SENDGRID_DEMO_PUBLIC_KEY = (
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAENMqNmmfmSMz3MaINiXGh6sHsyzSw23ZpoOfu8M67X2lJ1JkzUw8twRC/"
    "Su/1uIld58d3ILetDs1xcIo/fi/pKw=="
)
"""The demo verification key, as SendGrid shows one (base64 DER). Never trust it for real."""

SENDGRID_DEMO_PRIVATE_KEY = (
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgHLg39FFDJveuFLRG6i/s12u/EZgjY0dj2pln+gKGUOih"
    "RANCAAQ0yo2aZ+ZIzPcxog2JcaHqwezLNLDbdmmg5+7wzrtfaUnUmTNTDy3BEL9K7/W4iV3nx3cgt60OzXFwij9+L+kr"
)
"""Its private half (base64 PKCS#8 DER). Never use it for real."""

MAILGUN_DEMO_KEY = "demo-mailgun-webhook-signing-key"

DEMO_OPTIONS: dict[str, dict[str, Any]] = {
    "twilio": {"secret": "demo-twilio-auth-token", "url": "https://example.com/hooks/twilio"},
    "square": {"secret": "demo-square-signature-key", "url": "https://example.com/hooks/square"},
    "mailgun": {"secret": MAILGUN_DEMO_KEY},
    "sendgrid": {"public_key": SENDGRID_DEMO_PUBLIC_KEY},
}
"""Throwaway options per provider (see ``testing.DEMO_OPTIONS``). Never use them for real."""

CREDENTIAL_OPTION: dict[str, str] = {
    "twilio": "secret",
    "square": "secret",
    "mailgun": "secret",
    "sendgrid": "public_key",
}
"""The option ``secret=`` stands for, per provider (see ``testing.CREDENTIAL_OPTION``)."""

DEMO_PRIVATE_KEYS: dict[str, str] = {"sendgrid": SENDGRID_DEMO_PRIVATE_KEY}
"""The private half of SendGrid's demo key pair (see ``testing.DEMO_PRIVATE_KEYS``)."""

_FORM_HEADERS = {"Content-Type": FORM, "I-Twilio-Idempotency-Token": "7c9d5c1e-0b1f-4b9e-9a61-3f2f6e4c8d10"}
_ACCOUNT = "AC1f2e3d4c5b6a79881726354453627181"

# --- Twilio ----------------------------------------------------------------------------------


def _twilio_message(status: str, **extra: str) -> Sample:
    fields: dict[str, JSONValue] = {
        "AccountSid": _ACCOUNT,
        "ApiVersion": "2010-04-01",
        "From": "+15017122661",
        "To": "+15558675310",
        "MessageSid": "SM3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b",
        "SmsSid": "SM3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b",
        "MessagingServiceSid": "MG2172dd2db502e20dd981ef0d67850e1a",
        "MessageStatus": status,
        "SmsStatus": status,
        **extra,
    }
    return Sample("twilio", f"message.{status}", fields, dict(_FORM_HEADERS), form=True)


_CALL = {
    "AccountSid": _ACCOUNT,
    "ApiVersion": "2010-04-01",
    "CallSid": "CA7d2e8f91c4b35a60e1f2d3c4b5a69788",
    "Called": "+15558675310",
    "Caller": "+15017122661",
    "From": "+15017122661",
    "To": "+15558675310",
    "FromCity": "SAN FRANCISCO",
    "FromState": "CA",
    "FromZip": "94105",
    "FromCountry": "US",
    "ToCity": "PORTLAND",
    "ToState": "OR",
    "ToZip": "97201",
    "ToCountry": "US",
}


def _twilio_call(status: str, direction: str, **extra: str) -> Sample:
    fields: dict[str, JSONValue] = {**_CALL, "CallStatus": status, "Direction": direction, **extra}
    return Sample("twilio", f"call.{status}", fields, dict(_FORM_HEADERS), form=True)


def _progress(status: str, sequence: str, **extra: str) -> Sample:
    return _twilio_call(
        status,
        "outbound-api",
        CallbackSource="call-progress-events",
        SequenceNumber=sequence,
        Timestamp="Tue, 14 Nov 2023 22:13:20 +0000",
        **extra,
    )


_TWILIO: list[Sample] = [
    _twilio_message("queued"),
    _twilio_message("sent"),
    _twilio_message("delivered", RawDlrDoneDate="2311142213"),
    _twilio_message("undelivered", ErrorCode="30003"),
    _twilio_message("failed", ErrorCode="30008"),
    _twilio_message("read", ChannelToAddress="+1555867XXXX", ChannelPrefix="whatsapp"),
    Sample(
        "twilio",
        "message.received",
        {
            "ToCountry": "US",
            "ToState": "OR",
            "SmsMessageSid": "SM9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d",
            "NumMedia": "1",
            "ToCity": "PORTLAND",
            "FromZip": "94105",
            "SmsSid": "SM9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d",
            "FromState": "CA",
            "SmsStatus": "received",
            "FromCity": "SAN FRANCISCO",
            "Body": "Is the Mystery Shack open on Sunday?",
            "FromCountry": "US",
            "To": "+15558675310",
            "MessagingServiceSid": "MG2172dd2db502e20dd981ef0d67850e1a",
            "ToZip": "97201",
            "NumSegments": "1",
            "MessageSid": "SM9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d",
            "AccountSid": _ACCOUNT,
            "From": "+15017122661",
            "MediaContentType0": "image/jpeg",
            "MediaUrl0": (
                f"https://api.twilio.com/2010-04-01/Accounts/{_ACCOUNT}/Messages/"
                "SM9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d/Media/ME0f1e2d3c4b5a69788796a5b4c3d2e1f0"
            ),
            "ApiVersion": "2010-04-01",
        },
        dict(_FORM_HEADERS),
        form=True,
    ),
    _twilio_call("ringing", "inbound", CallerName="STANFORD PINES", StirVerstat="TN-Validation-Passed-A"),
    _progress("initiated", "0"),
    _progress("in-progress", "2", AnsweredBy="human"),
    _progress("completed", "3", CallDuration="42", Duration="1", SipResponseCode="200"),
    _progress("busy", "1", SipResponseCode="486"),
    _progress("no-answer", "1", SipResponseCode="487"),
    _progress("failed", "1", SipResponseCode="404"),
    Sample(
        "twilio",
        "recording.completed",
        {
            "AccountSid": _ACCOUNT,
            "CallSid": "CA7d2e8f91c4b35a60e1f2d3c4b5a69788",
            "RecordingSid": "RE5b6a7c8d9e0f1a2b3c4d5e6f7a8b9c0d",
            "RecordingUrl": (
                f"https://api.twilio.com/2010-04-01/Accounts/{_ACCOUNT}/Recordings/RE5b6a7c8d9e0f1a2b3c4d5e6f7a8b9c0d"
            ),
            "RecordingStatus": "completed",
            "RecordingDuration": "37",
            "RecordingChannels": "1",
            "RecordingStartTime": "Tue, 14 Nov 2023 22:12:43 +0000",
            "RecordingSource": "OutboundAPI",
            "RecordingTrack": "both",
            "ErrorCode": "0",
        },
        dict(_FORM_HEADERS),
        form=True,
    ),
    Sample(
        "twilio",
        "onMessageAdded",
        {
            "EventType": "onMessageAdded",
            "AccountSid": _ACCOUNT,
            "ChatServiceSid": "IS2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e",
            "ConversationSid": "CH4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f",
            "MessageSid": "IM6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b",
            "ParticipantSid": "MB8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d",
            "Author": "stan@mysteryshack.com",
            "Body": "Grand opening tomorrow!",
            "Index": "7",
            "Attributes": "{}",
            "DateCreated": "2023-11-14T22:13:20.000Z",
            "Source": "API",
            "RetryCount": "0",
            "WebhookType": "webhook",
            "WebhookSid": "WH0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d",
        },
        dict(_FORM_HEADERS),
        form=True,
    ),
    Sample(
        "twilio",
        "com.twilio.messaging.message.delivered",
        [
            {
                "specversion": "1.0",
                "type": "com.twilio.messaging.message.delivered",
                "source": "/2010-04-01/Accounts/AC1f2e3d4c5b6a79881726354453627181/Messages/"
                "SM3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b.json",
                "id": "EZ0f1e2d3c4b5a69788796a5b4c3d2e1f0",
                "dataschema": "https://events-schemas.twilio.com/Messaging.MessageStatus/4",
                "datacontenttype": "application/json",
                "time": "2023-11-14T22:13:20.000Z",
                "data": {
                    "accountSid": _ACCOUNT,
                    "messageSid": "SM3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b",
                    "messagingServiceSid": "MG2172dd2db502e20dd981ef0d67850e1a",
                    "from": "+15017122661",
                    "to": "+15558675310",
                    "eventName": "com.twilio.messaging.message.delivered",
                    "timestamp": "2023-11-14T22:13:19.870Z",
                    "numSegments": 1,
                    "numMedia": 0,
                },
            }
        ],
    ),
    Sample(
        "twilio",
        "com.twilio.eventstreams.test-event",
        [
            {
                "specversion": "1.0",
                "type": "com.twilio.eventstreams.test-event",
                "source": "Sink",
                "id": "AC11111111111111111111111111111111",
                "dataschema": "https://events-schemas.twilio.com/EventStreams.TestSink/1.json",
                "datacontenttype": "application/json",
                "time": "2023-11-14T22:13:20.377Z",
                "data": {"test_id": "cae2f9e2-c277-4612-8ad3-93c1a7a3ef88"},
            }
        ],
    ),
]

# --- Square ----------------------------------------------------------------------------------

_MERCHANT = "6SSW7HV8K2ST5"
_LOCATION = "L8TEW6T4FYX71"


def _square(kind: str, event_id: str, object_type: str, object_id: str, obj: JSONValue) -> Sample:
    return Sample(
        "square",
        kind,
        {
            "merchant_id": _MERCHANT,
            "location_id": _LOCATION,
            "type": kind,
            "event_id": event_id,
            "created_at": "2023-11-14T22:13:20.051Z",
            "data": {"type": object_type, "id": object_id, "object": obj},
        },
        {"square-environment": "Production", "square-version": "2023-10-18"},
    )


def _payment(status: str, version: int, **extra: JSONValue) -> dict[str, JSONValue]:
    return {
        "payment": {
            "id": "KkAkhdMsgzn59SM8A89WgKwekxLZY",
            "created_at": "2023-11-14T22:13:19.913Z",
            "updated_at": "2023-11-14T22:13:20.051Z",
            "amount_money": {"amount": 2500, "currency": "USD"},
            "total_money": {"amount": 2500, "currency": "USD"},
            "approved_money": {"amount": 2500, "currency": "USD"},
            "status": status,
            "delay_duration": "PT168H",
            "delay_action": "CANCEL",
            "source_type": "CARD",
            "card_details": {
                "status": "CAPTURED" if status == "COMPLETED" else "AUTHORIZED",
                "card": {
                    "card_brand": "VISA",
                    "last_4": "1111",
                    "exp_month": 11,
                    "exp_year": 2026,
                    "fingerprint": "sq-1-Hxim77tbdcbGejOejnoAklBVJed2YFLTmirfl8Q5XZzObTc8qY_U8RkwzoNL8dCEcQ",
                    "card_type": "DEBIT",
                    "prepaid_type": "NOT_PREPAID",
                    "bin": "411111",
                },
                "entry_method": "KEYED",
                "cvv_status": "CVV_ACCEPTED",
                "avs_status": "AVS_ACCEPTED",
                "statement_description": "SQ *MYSTERY SHACK",
            },
            "location_id": _LOCATION,
            "order_id": "CAISENgvlJ6jLWAzERDzjyHVybY",
            "risk_evaluation": {"created_at": "2023-11-14T22:13:20.051Z", "risk_level": "NORMAL"},
            "receipt_number": "KkAk",
            "receipt_url": "https://squareup.com/receipt/preview/KkAkhdMsgzn59SM8A89WgKwekxLZY",
            "version": version,
            **extra,
        }
    }


def _refund(status: str, version: int) -> dict[str, JSONValue]:
    return {
        "refund": {
            "id": "KkAkhdMsgzn59SM8A89WgKwekxLZY_ptNXsUi3nF5Mo7DoRZdTRw9H8yKxOnhy",
            "created_at": "2023-11-14T22:13:19.913Z",
            "updated_at": "2023-11-14T22:13:20.051Z",
            "amount_money": {"amount": 1000, "currency": "USD"},
            "status": status,
            "location_id": _LOCATION,
            "order_id": "4uKASDATqSd1QQ9jV86sPhMdVEbSJc4F",
            "payment_id": "KkAkhdMsgzn59SM8A89WgKwekxLZY",
            "reason": "Returned the bobblehead",
            "version": version,
        }
    }


def _order(kind: str, event_id: str, key: str, state: str, version: int, **extra: JSONValue) -> Sample:
    summary: dict[str, JSONValue] = {
        "created_at": "2023-11-14T22:13:19.913Z",
        "location_id": _LOCATION,
        "order_id": "eA3vssLHKJrv9H6IhvRgQ1Fp2ePZY",
        "state": state,
        "updated_at": "2023-11-14T22:13:20.051Z",
        "version": version,
        **extra,
    }
    return _square(kind, event_id, "order", "eA3vssLHKJrv9H6IhvRgQ1Fp2ePZY", {key: summary})


def _customer(kind: str, event_id: str, version: int, **extra: JSONValue) -> Sample:
    customer: dict[str, JSONValue] = {
        "id": "A0AP3TS3Y4H9KXM1VDQ8FVDGSW",
        "created_at": "2023-11-14T22:13:19.913Z",
        "updated_at": "2023-11-14T22:13:20.051Z",
        "given_name": "Stanford",
        "family_name": "Pines",
        "email_address": "stan@mysteryshack.com",
        "phone_number": "+15017122661",
        "address": {
            "address_line_1": "618 Gopher Road",
            "locality": "Gravity Falls",
            "administrative_district_level_1": "OR",
            "postal_code": "97777",
            "country": "US",
        },
        "preferences": {"email_unsubscribed": False},
        "creation_source": "THIRD_PARTY",
        "version": version,
        **extra,
    }
    return _square(kind, event_id, "customer", "A0AP3TS3Y4H9KXM1VDQ8FVDGSW", {"customer": customer})


def _invoice(kind: str, event_id: str, status: str, version: int) -> Sample:
    invoice: dict[str, JSONValue] = {
        "id": "inv:0-ChCHu2mZEabLeeHahQnXDjZQECY",
        "version": version,
        "location_id": _LOCATION,
        "order_id": "CAISENgvlJ6jLWAzERDzjyHVybY",
        "payment_requests": [
            {
                "uid": "2da7964f-f3d2-4f43-81e8-5aa220bf3355",
                "request_type": "BALANCE",
                "due_date": "2023-11-30",
                "tipping_enabled": False,
                "computed_amount_money": {"amount": 2500, "currency": "USD"},
                "total_completed_amount_money": {
                    "amount": 2500 if status == "PAID" else 0,
                    "currency": "USD",
                },
                "automatic_payment_source": "NONE",
            }
        ],
        "primary_recipient": {
            "customer_id": "A0AP3TS3Y4H9KXM1VDQ8FVDGSW",
            "given_name": "Stanford",
            "family_name": "Pines",
            "email_address": "stan@mysteryshack.com",
        },
        "invoice_number": "000042",
        "title": "Mystery Shack souvenirs",
        "public_url": "https://squareup.com/pay-invoice/inv:0-ChCHu2mZEabLeeHahQnXDjZQECY",
        "status": status,
        "timezone": "America/Los_Angeles",
        "created_at": "2023-11-14T22:10:02Z",
        "updated_at": "2023-11-14T22:13:20Z",
        "scheduled_at": "2023-11-14T22:10:02Z",
        "delivery_method": "EMAIL",
        "sale_or_service_date": "2023-11-14",
        "store_payment_method_enabled": False,
    }
    return _square(kind, event_id, "invoice", "inv:0-ChCHu2mZEabLeeHahQnXDjZQECY", {"invoice": invoice})


_SQUARE: list[Sample] = [
    _square(
        "payment.created",
        "13b867cf-db3d-4b1c-90b6-2f32a9d78124",
        "payment",
        "KkAkhdMsgzn59SM8A89WgKwekxLZY",
        _payment("APPROVED", 1),
    ),
    _square(
        "payment.updated",
        "6a8f5f28-54a1-4eb0-a98a-3111513fd4fc",
        "payment",
        "KkAkhdMsgzn59SM8A89WgKwekxLZY",
        _payment("COMPLETED", 4),
    ),
    _square(
        "refund.created",
        "e1a9d9a7-2a9b-4c3e-8f3f-4c1d2e3f4a5b",
        "refund",
        "KkAkhdMsgzn59SM8A89WgKwekxLZY_ptNXsUi3nF5Mo7DoRZdTRw9H8yKxOnhy",
        _refund("PENDING", 1),
    ),
    _square(
        "refund.updated",
        "f2b0e0b8-3b0c-4d4f-9f40-5d2e3f4a5b6c",
        "refund",
        "KkAkhdMsgzn59SM8A89WgKwekxLZY_ptNXsUi3nF5Mo7DoRZdTRw9H8yKxOnhy",
        _refund("COMPLETED", 7),
    ),
    _order("order.created", "a7d1c3e5-1b2f-4c6d-8e0a-9b1c2d3e4f50", "order_created", "OPEN", 1),
    _order("order.updated", "b8e2d4f6-2c3a-4d7e-9f1b-0c2d3e4f5a61", "order_updated", "COMPLETED", 4),
    _order(
        "order.fulfillment.updated",
        "c9f3e5a7-3d4b-4e8f-a02c-1d3e4f5a6b72",
        "order_fulfillment_updated",
        "OPEN",
        5,
        fulfillment_update=[
            {"fulfillment_uid": "VWJ1N9leLqjSDLvF2hvYjD", "old_state": "PROPOSED", "new_state": "RESERVED"}
        ],
    ),
    _customer("customer.created", "0fbd7a32-6fb8-4a63-9d1c-59d8ed5c1234", 0),
    _customer("customer.updated", "1acd8b43-7fc9-4b74-8e2d-60e9fe6d2345", 2, nickname="Mr. Mystery"),
    _customer("customer.deleted", "2bde9c54-80da-4c85-9f3e-71faef7e3456", 3),
    _invoice("invoice.published", "3cef0d65-91eb-4d96-a04f-820b0f8f4567", "UNPAID", 1),
    _invoice("invoice.payment_made", "4df01e76-a2fc-4ea7-b150-931c1a905678", "PAID", 2),
    _square(
        "dispute.created",
        "5e012f87-b30d-4fb8-8261-a42d2ba16789",
        "dispute",
        "XDgyFu7yo1E2S5lQGGpYn",
        {
            "dispute": {
                "id": "XDgyFu7yo1E2S5lQGGpYn",
                "amount_money": {"amount": 2500, "currency": "USD"},
                "reason": "NO_KNOWLEDGE",
                "state": "EVIDENCE_REQUIRED",
                "due_at": "2023-11-28T00:00:00.000Z",
                "disputed_payment": {"payment_id": "KkAkhdMsgzn59SM8A89WgKwekxLZY"},
                "card_brand": "VISA",
                "created_at": "2023-11-14T22:13:19.913Z",
                "updated_at": "2023-11-14T22:13:20.051Z",
                "brand_dispute_id": "100000809947",
                "location_id": _LOCATION,
                "version": 1,
            }
        },
    ),
    _square(
        "inventory.count.updated",
        "6f123098-c41e-4ac9-9372-b53e3cb27890",
        "inventory_counts",
        "84e4ac73-d605-4dbd-a9e5-ffff794ddb9d",
        {
            "inventory_counts": [
                {
                    "calculated_at": "2023-11-14T22:13:20.051Z",
                    "catalog_object_id": "FGQ5MJGWHSFOXHBMEGXJOWCT",
                    "catalog_object_type": "ITEM_VARIATION",
                    "location_id": _LOCATION,
                    "quantity": "41",
                    "state": "IN_STOCK",
                }
            ]
        },
    ),
    _square(
        "catalog.version.updated",
        "70234109-d52f-4bda-a483-c64f4dc38901",
        "catalog",
        "",
        {"catalog_version": {"updated_at": "2023-11-14T22:13:20.051Z"}},
    ),
    _square(
        "oauth.authorization.revoked",
        "8134521a-e630-4ceb-b594-d75a5ed49012",
        "revocation",
        "bVlJGJZz6dkf9e0bQz1R5KkLl9q3f8r0",
        {"revocation": {"revoked_at": "2023-11-14T22:13:20.051Z", "revoker_type": "MERCHANT"}},
    ),
    # The test notification Square's SDKs check their signature helper against.
    Sample(
        "square",
        "webhooks.test_notification",
        {
            "merchant_id": "MLEFBHHSJGVHD",
            "type": "webhooks.test_notification",
            "event_id": "ac3ac95b-f97d-458c-a6e6-18981597e05f",
            "created_at": "2022-07-13T20:30:59.037339943Z",
            "data": {"type": "webhooks", "id": "bc368e64-01aa-407e-b46e-3231809b1129"},
        },
    ),
]

# --- Mailgun ---------------------------------------------------------------------------------

_MAILGUN_TIME = "1700000000"
_MESSAGE: dict[str, JSONValue] = {
    "headers": {
        "to": "Stan Pines <stan@mysteryshack.com>",
        "message-id": "20231114221320.1.5D0F8C4A2B1E3F7A@mg.mysteryshack.com",
        "from": "Mystery Shack <no-reply@mg.mysteryshack.com>",
        "subject": "Your Mystery Shack order has shipped",
    },
    "attachments": [],
    "size": 4213,
}


def _mailgun(
    event: str, token: str, event_id: str, extra: dict[str, JSONValue] | None = None, **fields: JSONValue
) -> Sample:
    signature = hmac.new(
        MAILGUN_DEMO_KEY.encode(), (_MAILGUN_TIME + token).encode(), hashlib.sha256
    ).hexdigest()
    data: dict[str, JSONValue] = {
        "id": event_id,
        "timestamp": 1700000000.512731,
        "log-level": "info",
        "event": event,
        "account": {"id": "5e2b2615d2b3f1a4c0e9a123"},
        "domain": {"name": "mg.mysteryshack.com"},
        "recipient": "stan@mysteryshack.com",
        "recipient-domain": "mysteryshack.com",
        "message": _MESSAGE,
        "tags": ["shipping", "order-4242"],
        "campaigns": [],
        "user-variables": {"order_id": "4242"},
        **fields,
        **(extra or {}),
    }
    return Sample(
        "mailgun",
        event,
        {
            "signature": {"token": token, "timestamp": _MAILGUN_TIME, "signature": signature},
            "event-data": data,
        },
    )


_ENVELOPE: dict[str, JSONValue] = {
    "transport": "smtp",
    "sender": "no-reply@mg.mysteryshack.com",
    "sending-ip": "209.61.154.250",
    "targets": "stan@mysteryshack.com",
}
_FLAGS: dict[str, JSONValue] = {
    "is-routed": False,
    "is-authenticated": True,
    "is-system-test": False,
    "is-test-mode": False,
}
_CLIENT: dict[str, JSONValue] = {
    "client-info": {
        "client-os": "iOS",
        "device-type": "mobile",
        "client-name": "Mobile Safari",
        "client-type": "mobile browser",
        "user-agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15",
    },
    "geolocation": {"country": "US", "region": "OR", "city": "Gravity Falls"},
    "ip": "203.0.113.7",
}

_MAILGUN: list[Sample] = [
    _mailgun(
        "accepted",
        "7c1b0e4a9d3f52c8a6e1b9047d2f3c5e8a0b6d1f4c7e9a2b3d",
        "CCXMjJ7nQi2N3BPigGOdgQ",
        envelope=_ENVELOPE,
        flags=_FLAGS,
        method="HTTP",
        extra={"api-key-id": "12345678-87654321"},
    ),
    _mailgun(
        "delivered",
        "1d6f8a2c4e0b7d9f3a5c1e8b2d4f6a0c9e7b5d3f1a8c6e4b2d",
        "hK7mQVt1QtqRiOfQXta4sw",
        envelope=_ENVELOPE,
        flags=_FLAGS,
        extra={
            "delivery-status": {
                "tls": True,
                "mx-host": "aspmx.l.google.com",
                "code": 250,
                "description": "",
                "session-seconds": 0.4331989288330078,
                "utf8": True,
                "attempt-no": 1,
                "message": "OK",
                "certificate-verified": True,
            },
        },
    ),
    _mailgun(
        "failed",
        "9e3c5a7b1d2f4e6a8c0b9d7f5e3a1c2b4d6f8e0a9c7b5d3e1f",
        "G9Bn5sl1TC6nu79C8C0bwg",
        severity="permanent",
        reason="bounce",
        envelope=_ENVELOPE,
        flags=_FLAGS,
        extra={
            "log-level": "error",
            "delivery-status": {
                "attempt-no": 1,
                "message": "550 5.1.1 The email account that you tried to reach does not exist.",
                "code": 550,
                "enhanced-code": "5.1.1",
                "description": "",
                "session-seconds": 0.1281740665435791,
                "mx-host": "aspmx.l.google.com",
                "tls": True,
                "certificate-verified": True,
            },
        },
    ),
    _mailgun(
        "opened",
        "3b5d7f9a1c2e4b6d8f0a9c7e5b3d1f2a4c6e8b0d9f7a5c3e1b",
        "Ase7i2zsRYeDXztHGENqRA",
        extra=_CLIENT,
    ),
    _mailgun(
        "clicked",
        "5f7a9c1e3b2d4f6a8c0e9b7d5f3a1c2e4b6d8f0a9e7c5b3d1a",
        "Ase7i2zsRYeDXztHGENqRB",
        url="https://mysteryshack.com/orders/4242",
        extra=_CLIENT,
    ),
    _mailgun(
        "unsubscribed",
        "2a4c6e8b0d9f7a5c3e1b2d4f6a8c0e9b7d5f3a1c2e4b6d8f0a",
        "Ase7i2zsRYeDXztHGENqRC",
        extra=_CLIENT,
    ),
    _mailgun(
        "complained",
        "8d0f2b4a6c8e1a3c5e7b9d0f2a4c6e8b1d3f5a7c9e0b2d4f6a",
        "-Agny091SquKnsrW2NEKUA",
        envelope={"sending-ip": "209.61.154.250"},
    ),
]

# --- SendGrid --------------------------------------------------------------------------------


def _sendgrid(event: str, event_id: str, **fields: JSONValue) -> Sample:
    item: dict[str, JSONValue] = {
        "email": "stan@mysteryshack.com",
        "timestamp": 1700000000,
        "smtp-id": "<14c5d75ce93.dfd.64b469@ismtpd-555>",
        "event": event,
        "category": ["shipping", "order-4242"],
        "sg_event_id": event_id,
        "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0",
        "order_id": "4242",
        **fields,
    }
    return Sample("sendgrid", event, [item], {"User-Agent": "SendGrid Event API"})


_ENGAGED: dict[str, JSONValue] = {
    "useragent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X)",
    "ip": "203.0.113.7",
}

_SENDGRID: list[Sample] = [
    _sendgrid("processed", "rbtnWrG1DVDGGGFHFyun0A", pool={"name": "transactional", "id": 210}),
    _sendgrid("dropped", "zmzJhfJgAfUSOW80yEbPyw", reason="Bounced Address", status="5.0.0"),
    _sendgrid(
        "deferred",
        "t7LEShmowp86DTdUW8M-GQ",
        response="400 try again later",
        attempt="5",
        ip="168.1.1.1",
        tls=0,
    ),
    _sendgrid(
        "delivered",
        "rWVYmVk90MjZJ9iohOBa3w",
        response="250 OK",
        ip="168.1.1.1",
        tls=1,
        cert_err=0,
    ),
    _sendgrid(
        "bounce",
        "6g4ZI7SA-xmRDv57GoPIPw",
        reason="500 unknown recipient",
        status="5.0.0",
        type="bounce",
        bounce_classification="Invalid Address",
        ip="168.1.1.1",
        tls=1,
    ),
    _sendgrid("open", "FOTFFO0ecsBE-zxFXfs6WA", sg_machine_open=False, **_ENGAGED),
    _sendgrid(
        "click",
        "kCAi1KttyQdEKHhdC-nuEA",
        url="https://mysteryshack.com/orders/4242",
        url_offset={"index": 0, "type": "html"},
        **_ENGAGED,
    ),
    _sendgrid("spamreport", "37nvH5QBz858KGVYCM4uOA"),
    _sendgrid("unsubscribe", "zz_BjPgU_5pS-J8vlfB1sg", **_ENGAGED),
    _sendgrid("group_unsubscribe", "ahSCB7xYcXFb-hEaawsPRw", asm_group_id=10, **_ENGAGED),
    _sendgrid("group_resubscribe", "H_8u1Rr8AcsxuKDj8yg9Ig", asm_group_id=10, **_ENGAGED),
]

SAMPLES: list[Sample] = [*_TWILIO, *_SQUARE, *_MAILGUN, *_SENDGRID]
"""Realistic, complete sample events, one per documented event type."""
