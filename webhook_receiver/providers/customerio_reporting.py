"""Customer.io reporting webhooks: ``X-CIO-Signature`` = hex HMAC-SHA256 of ``v0:<ts>:<body>``.

Not the Data Pipelines webhooks of :mod:`.customerio` (``X-Signature``, SHA-1, no
timestamp): reporting webhooks tell you what happened to the messages Customer.io
sent (sent, delivered, opened, clicked, bounced, ...) and to subscriptions.

What Customer.io documents (docs.customer.io, Reporting Webhooks, "Securely
verifying requests"): every request carries ``X-CIO-Timestamp`` (unix seconds) and
``X-CIO-Signature``; join the version ``v0``, the timestamp and the raw body with
colons (``v0:<timestamp>:<body>``), HMAC-SHA256 it with the webhook's signing key
(the key's text, as shown; not hex-decoded) and compare the hex digest with the
header. Customer.io answers a non-2xx or a response slower than 4 seconds by
retrying.

Decision: Customer.io states no tolerance for the timestamp, so the library's
default applies: 300 seconds either way (``tolerance=`` changes it).

Body: one event ``{event_id, object_type, metric, timestamp, data}``. Decision:
``type`` is ``"<object_type>.<metric>"`` (``"email.opened"``, ``"sms.failed"``,
``"customer.unsubscribed"``), so ``"email.*"`` handlers see one channel. The ids
in ``data`` (``campaign_id``, ``action_id``, ``broadcast_id``, ``newsletter_id``,
``parent_action_id``, ``content_id``, ``transactional_message_id``) are integers in
Customer.io's reference but strings in some payloads; they are read either way and
kept as strings (``"23"``), so one comparison works for both.

Identity: the event's type and ``event_id`` (a ULID, the same on every retry of
the event), from the signed body. Replay: a captured request is refused once
``X-CIO-Timestamp`` is outside the tolerance; within it, an idempotency store
recognises the ``event_id``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .._errors import PayloadError
from .._events import Event, JSONObject, JSONValue, Reader, constructor
from .._headers import Headers
from .._schemes import DEFAULT_TOLERANCE, Clock, HmacSignature, Keyring, SecretInput, encode_secrets
from ._base import Provider

__all__ = [
    "CustomerIOReporting",
    "CustomerIOReportingEvent",
    "EmailActivity",
    "InAppActivity",
    "MessageActivity",
    "PushActivity",
    "SlackActivity",
    "SmsActivity",
    "SubscriptionActivity",
    "WebhookActivity",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomerIOReportingEvent(Event):
    """Any reporting event; ``id`` is ``event_id``, ``timestamp`` the body's ``timestamp``.

    ``type`` is ``"<object_type>.<metric>"``. Object types without a class of their
    own arrive as this class.
    """

    object_type: str
    metric: str
    customer_id: str | None = None
    identifiers: JSONObject = field(default_factory=dict, repr=False)
    data: JSONObject = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class SubscriptionActivity(CustomerIOReportingEvent):
    """``customer.*``: ``subscribed``, ``unsubscribed``, ``cio_subscription_preferences_changed``."""

    email_address: str | None = None
    content: str | None = None
    """The new preferences (a JSON string) for ``cio_subscription_preferences_changed``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageActivity(CustomerIOReportingEvent):
    """Activity of a message Customer.io sent; the channel is ``object_type``.

    The message came from a campaign (``campaign_id``, ``action_id``), a broadcast
    (``broadcast_id``, ``action_id``), a newsletter (``newsletter_id``,
    ``content_id``) or a transactional message (``transactional_message_id``); the
    ids are strings (see the module's docstring).
    """

    delivery_id: str | None = None
    recipient: str | None = None
    subject: str | None = None
    campaign_id: str | None = None
    action_id: str | None = None
    parent_action_id: str | None = None
    broadcast_id: str | None = None
    newsletter_id: str | None = None
    content_id: str | None = None
    transactional_message_id: str | None = None
    journey_id: str | None = None
    trigger_event_id: str | None = None
    href: str | None = None
    """The link, for ``clicked``."""
    link_id: str | None = None
    failure_message: str | None = None
    """Why, for ``bounced``, ``dropped``, ``failed`` and ``undeliverable``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class EmailActivity(MessageActivity):
    """``email.*``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PushActivity(MessageActivity):
    """``push.*``; ``recipients`` lists the devices."""

    recipients: tuple[JSONValue, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class SmsActivity(MessageActivity):
    """``sms.*``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class InAppActivity(MessageActivity):
    """``in_app.*``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SlackActivity(MessageActivity):
    """``slack.*``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookActivity(MessageActivity):
    """``webhook.*``: a webhook action of a campaign; ``recipient`` is its URL."""


_BY_OBJECT: dict[str, type[CustomerIOReportingEvent]] = {
    "customer": SubscriptionActivity,
    "email": EmailActivity,
    "push": PushActivity,
    "sms": SmsActivity,
    "in_app": InAppActivity,
    "slack": SlackActivity,
    "webhook": WebhookActivity,
}
# constructor(cls) makes the same instance as cls(...), faster (see _events.constructor).
_CLASSES: tuple[type[CustomerIOReportingEvent], ...] = (CustomerIOReportingEvent, *_BY_OBJECT.values())
_NEW: dict[type[CustomerIOReportingEvent], Callable[..., CustomerIOReportingEvent]] = {
    cls: constructor(cls) for cls in _CLASSES
}
_MESSAGE_IDS = (
    "delivery_id",
    "campaign_id",
    "action_id",
    "parent_action_id",
    "broadcast_id",
    "newsletter_id",
    "content_id",
    "transactional_message_id",
    "journey_id",
    "trigger_event_id",
    "link_id",
)


def reporting_event(payload: JSONValue) -> CustomerIOReportingEvent:
    """The typed event for one reporting webhook body.

    Raises:
        PayloadError: no ``event_id``, ``object_type`` or ``metric``, or a field of
            the wrong JSON type.
    """
    body = Reader(payload, "body")
    object_type = body.kind("object_type")
    metric = body.kind("metric")
    cls = _BY_OBJECT.get(object_type, CustomerIOReportingEvent)
    data = body.child("data")
    fields: dict[str, object] = {
        "provider": "customerio-reporting",
        "type": f"{object_type}.{metric}",
        "id": body.required_text("event_id"),
        "timestamp": body.time("timestamp"),
        "payload": payload,
        "object_type": object_type,
        "metric": metric,
        "customer_id": data.text("customer_id"),
        "identifiers": data.mapping("identifiers"),
        "data": data.data,
    }
    if cls is SubscriptionActivity:
        fields.update(email_address=data.text("email_address"), content=data.text("content"))
    elif issubclass(cls, MessageActivity):
        fields.update({name: data.text(name) for name in _MESSAGE_IDS})
        fields.update(
            recipient=data.text("recipient"),
            subject=data.text("subject"),
            href=data.text("href"),
            failure_message=data.text("failure_message"),
        )
        if cls is PushActivity:
            recipients = data.raw("recipients")
            if recipients is not None and not isinstance(recipients, list):
                raise PayloadError(f"{data.where}.recipients must be an array")
            fields["recipients"] = tuple(recipients or ())
    return _NEW[cls](**fields)


class CustomerIOReporting(Provider):
    """Customer.io reporting webhooks (message and subscription activity)."""

    name = "customerio-reporting"
    signature_header = "X-CIO-Signature"
    timestamp_header = "X-CIO-Timestamp"

    __slots__ = ()

    def __init__(
        self, *, secret: SecretInput, tolerance: float = DEFAULT_TOLERANCE, clock: Clock | None = None
    ) -> None:
        """Args:
        secret: the reporting webhook's signing key, or several during a rotation.
        tolerance: seconds ``X-CIO-Timestamp`` may differ from now, either way.
        """
        scheme = HmacSignature(
            Keyring(encode_secrets(secret, "secret"), "sha256"),
            header=self.signature_header,
            timestamp_header=self.timestamp_header,
            payload="v0:{timestamp}:{body}",
            tolerance=tolerance,
        )
        super().__init__(scheme, clock=clock)

    def events_from(self, payload: JSONValue, headers: Headers) -> list[Event]:
        """One typed reporting event."""
        return [reporting_event(payload)]
