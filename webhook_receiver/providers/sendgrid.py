"""SendGrid's signed Event Webhook: ECDSA P-256 / SHA-256 over ``<timestamp><body>``.

What SendGrid documents ("Getting Started with the Event Webhook Security
Features", twilio.com/docs/sendgrid/for-developers/tracking-events/
getting-started-event-webhook-security-features, and the ``EventWebhook`` helper of
its ``sendgrid`` package): with *Signed Event Webhook Requests* on, SendGrid signs
each post with a private key of its own and sends
``X-Twilio-Email-Event-Webhook-Signature`` (the base64 of a DER-encoded ECDSA
signature) and ``X-Twilio-Email-Event-Webhook-Timestamp`` (unix seconds); the
signed message is the timestamp header's value followed by the raw body. The
**verification key** SendGrid shows is the public key, a base64 DER
SubjectPublicKeyInfo (``MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE...``): give it as
``public_key=`` as shown (PEM, and a list or :class:`~webhook_receiver.Secret` for a
rotation, work too). Checking it needs ``cryptography`` (``pip install
'webhook-receiver[crypto]'``); without it, creating the provider raises
:class:`~webhook_receiver.MissingDependency` naming the ``crypto`` extra.

Tolerance, default 300 s either way: SendGrid documents none, nor whether a retry
is signed again; each post carries its own timestamp header, and 5 minutes is what
Stripe's, Svix's and Slack's verifiers allow. Raise it (``tolerance=``) if retries
after an outage of yours are refused as stale: events are identified by a signed
id, so with a store a longer window lets no duplicate through.

Identity: each event's ``sg_event_id``, from the signed body (SendGrid's own advice
for removing duplicates: unique per event, kept across retries); an event without
one is identified by its type and payload.

Replay needs the timestamp within the tolerance and an ``sg_event_id`` the store
has not seen. The OAuth 2.0 option SendGrid also offers (a bearer token) is not
this provider's: use the ``bearer`` provider for it.

Bodies: a JSON array of events (a batch, one :class:`SendGridEvent` per element, in
order). ``type`` is the event's ``event``: ``processed``, ``dropped``, ``deferred``,
``delivered``, ``bounce`` (a :class:`SendGridDeliveryEvent`), ``open``, ``click``,
``spamreport``, ``unsubscribe``, ``group_unsubscribe``, ``group_resubscribe`` (a
:class:`SendGridEngagementEvent`); others arrive as a plain :class:`SendGridEvent`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .._bound import KeySignature
from .._crypto import PublicKeys
from .._errors import PayloadError
from .._events import Event, JSONValue, Reader, constructor
from .._headers import Headers
from .._schemes import DEFAULT_TOLERANCE, Clock, SecretInput
from ._base import Provider

__all__ = ["SendGrid", "SendGridDeliveryEvent", "SendGridEngagementEvent", "SendGridEvent"]

SIGNATURE_HEADER = "X-Twilio-Email-Event-Webhook-Signature"
TIMESTAMP_HEADER = "X-Twilio-Email-Event-Webhook-Timestamp"

MAX_BATCH = 10_000
"""The most events one post may carry here. SendGrid batches by time and size and
documents no count; this only bounds what one request can turn into."""

DELIVERY_EVENTS = frozenset({"processed", "dropped", "deferred", "delivered", "bounce"})
"""The ``event`` values of a message's way to the recipient: :class:`SendGridDeliveryEvent`."""

ENGAGEMENT_EVENTS = frozenset(
    {"open", "click", "spamreport", "unsubscribe", "group_unsubscribe", "group_resubscribe"}
)
"""The ``event`` values of a recipient's actions: :class:`SendGridEngagementEvent`."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SendGridEvent(Event):
    """Any SendGrid event (one element of a batch); other types arrive as this.

    ``id`` is ``sg_event_id``, ``timestamp`` the event's ``timestamp``; ``email`` the
    recipient, ``sg_message_id`` and ``smtp_id`` the message, ``categories`` its
    ``category`` (one string or a list, always a list here), ``asm_group_id`` its
    unsubscribe group. Custom arguments stay in ``payload``.
    """

    email: str | None = None
    sg_message_id: str | None = None
    smtp_id: str | None = None
    categories: list[str] = field(default_factory=list)
    asm_group_id: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SendGridDeliveryEvent(SendGridEvent):
    """``processed``, ``dropped``, ``deferred``, ``delivered``, ``bounce``.

    ``response`` is the receiving server's answer (delivered, deferred), ``reason``
    why a message was dropped or bounced, ``status`` the SMTP status code
    (``"5.0.0"``), ``attempt`` which delivery attempt a deferral was,
    ``bounce_type`` a bounce's ``type`` (``"bounce"`` or ``"blocked"``) and
    ``bounce_classification`` SendGrid's class of it; ``tls`` whether it went over TLS.
    """

    response: str | None = None
    reason: str | None = None
    status: str | None = None
    attempt: int | None = None
    bounce_type: str | None = None
    bounce_classification: str | None = None
    tls: bool | None = None
    ip: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SendGridEngagementEvent(SendGridEvent):
    """``open``, ``click``, ``spamreport``, ``unsubscribe``, ``group_unsubscribe``, ``group_resubscribe``.

    ``url`` is the link clicked, ``useragent`` and ``ip`` the recipient's client (when
    SendGrid knows them), ``machine_open`` whether an open was a mail client's
    prefetch (``sg_machine_open``).
    """

    url: str | None = None
    useragent: str | None = None
    ip: str | None = None
    machine_open: bool | None = None


# The same instances as SendGridEvent(...), ..., faster (see _events.constructor).
_new_event = constructor(SendGridEvent)
_new_delivery = constructor(SendGridDeliveryEvent)
_new_engagement = constructor(SendGridEngagementEvent)


def _categories(event: Reader) -> list[str]:
    value = event.raw("category")
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return [item for item in value if isinstance(item, str)]
    raise PayloadError(f"{event.where}.category must be a string or an array of strings")


def _whole(event: Reader, key: str) -> int | None:
    """An integer SendGrid may send as a number or as digits (``"attempt": "1"``)."""
    value = event.raw(key)
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 10:
        return int(value)
    return event.integer(key)


def _flag(event: Reader, key: str) -> bool | None:
    """A flag SendGrid may send as ``true``/``false`` or ``1``/``0``."""
    value = event.raw(key)
    if value in (0, 1) and not isinstance(value, bool):
        return bool(value)
    return event.boolean(key)


def sendgrid_event(item: JSONValue, index: int, provider: str = "sendgrid") -> Event:
    """The typed event for one element of a batch."""
    event = Reader(item, "body", index)
    kind = event.kind("event")
    common: dict[str, Any] = {
        "provider": provider,
        "type": kind,
        "id": event.text("sg_event_id"),
        "timestamp": event.time("timestamp"),
        "payload": item,
        "email": event.text("email"),
        "sg_message_id": event.text("sg_message_id"),
        "smtp_id": event.text("smtp-id"),
        "categories": _categories(event),
        "asm_group_id": _whole(event, "asm_group_id"),
    }
    if kind in DELIVERY_EVENTS:
        return _new_delivery(
            **common,
            response=event.text("response"),
            reason=event.text("reason"),
            status=event.text("status"),
            attempt=_whole(event, "attempt"),
            bounce_type=event.text("type"),
            bounce_classification=event.text("bounce_classification"),
            tls=_flag(event, "tls"),
            ip=event.text("ip"),
        )
    if kind in ENGAGEMENT_EVENTS:
        return _new_engagement(
            **common,
            url=event.text("url"),
            useragent=event.text("useragent"),
            ip=event.text("ip"),
            machine_open=_flag(event, "sg_machine_open"),
        )
    return _new_event(**common)


class SendGrid(Provider):
    """SendGrid's signed Event Webhook (batches of email events), verified with its public key."""

    name = "sendgrid"
    signature_header = SIGNATURE_HEADER
    timestamp_header = TIMESTAMP_HEADER
    max_batch = MAX_BATCH

    __slots__ = ()

    def __init__(
        self,
        *,
        public_key: SecretInput,
        tolerance: float = DEFAULT_TOLERANCE,
        clock: Clock | None = None,
    ) -> None:
        """Args:
        public_key: the verification key SendGrid shows (base64 DER; PEM works too),
            or several during a rotation.
        tolerance: seconds the signed timestamp may differ from now, either way.

        Raises:
            MissingDependency: ``cryptography`` is not installed (the ``crypto`` extra).
            ConfigurationError: a key is not an ECDSA P-256 public key.
        """
        keys = PublicKeys("ecdsa-p256", public_key, option="public_key")
        scheme = KeySignature(
            keys, header=SIGNATURE_HEADER, timestamp_header=TIMESTAMP_HEADER, tolerance=tolerance
        )
        super().__init__(scheme, clock=clock)

    def events_from(self, payload: JSONValue, headers: Headers) -> list[Event]:
        """One event per element of the batch, in order; a single object (one stored event,
        as :meth:`rebuild` gets it) is one event."""
        if isinstance(payload, dict):
            return [sendgrid_event(payload, 0, self.name)]
        if not isinstance(payload, list):
            raise PayloadError("body must be a JSON array of events")
        if not payload:
            raise PayloadError("batch is empty")
        if len(payload) > MAX_BATCH:
            raise PayloadError(f"batch has {len(payload)} events; at most {MAX_BATCH} are read")
        return [sendgrid_event(item, index, self.name) for index, item in enumerate(payload)]
