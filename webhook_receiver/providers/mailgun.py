"""Mailgun: a signature block *inside* the JSON body, hex HMAC-SHA256 over ``<timestamp><token>``.

What Mailgun documents ("Securing Webhooks", documentation.mailgun.com/docs/mailgun/
user-manual/webhooks/securing-webhooks): every webhook is an ``application/json``
body ``{"signature": {"timestamp", "token", "signature"}, "event-data": {...}}``;
``signature`` is the hex HMAC-SHA256, keyed with the account's **HTTP webhook
signing key**, of ``timestamp`` (unix seconds) followed by ``token`` (a random
string of 50 characters), with no separator. For a subaccount's domain the block
also carries ``parent-signature``, the same MAC under the primary account's key;
either may match.

**Mailgun signs only the timestamp and the token, not the event.** A valid
signature proves that Mailgun made that timestamp and token, nothing about the
``event-data`` beside them: anyone who sees one signed request (a log, a proxy)
can attach its block to an event of their own until the timestamp is out of
tolerance. What makes that useless is a store: an event is identified by its
signed **token** alone (never by ``event-data.id``, which is not signed), so a
receiver with an idempotency store accepts each token once and refuses it after.
Use one with Mailgun. The body is decoded to find the block, but nothing else in
it is read until the signature is verified.

Tolerance, default **8 hours**: Mailgun gives no number (it suggests checking "that
the timestamp is not too far from the current time") and retries a webhook that is
not answered 200 (or 406) for 8 hours (5 and 10 and 15 minutes, then 1, 2 and 4
hours). Its documentation does not say whether a retry is signed again; Hookdeck's
Mailgun notes say a retry resends the original block, so anything shorter than the
retry window would refuse the retries that matter most, the ones after an outage.
The token identity keeps a retry that arrives after success a duplicate, and a
store's default memory (7 days) outlasts the window. Lower it (``tolerance=``) if
your endpoint never fails for long.

Replay needs: a token the store has not seen, and a timestamp within the
tolerance; the event data can be anything (see above).

Bodies: Mailgun answers with retries anything but 200, so a deferred receiver
answers 200 (:attr:`Mailgun.accepted_status`). The legacy webhooks, which posted
form fields (``timestamp``, ``token``, ``signature`` beside the event's fields), are
not supported: Mailgun's current webhooks are JSON, and a form body is refused
(400, or 415 for its content type).

Events: ``type`` is ``event-data.event`` (``"accepted"``, ``"delivered"``,
``"failed"`` with ``severity`` ``"permanent"``/``"temporary"``, ``"opened"``,
``"clicked"``, ``"unsubscribed"``, ``"complained"``); ``id`` is ``event-data.id``,
``timestamp`` ``event-data.timestamp``; ``payload`` is the whole body with the
signature block's timestamp and token but not its MACs (no signature is stored
with an event), so a worker rebuilds the same event, token and all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from .._bound import BodySignature
from .._errors import ConfigurationError, PayloadError
from .._events import Event, JSONObject, JSONValue, Reader, constructor, decode_json
from .._headers import Headers
from .._schemes import Clock, Keyring, SecretInput, encode_secrets
from ._base import Provider

__all__ = ["Mailgun", "MailgunDeliveryEvent", "MailgunEngagementEvent", "MailgunEvent"]

DEFAULT_TOLERANCE = 8 * 3600.0
"""Mailgun's default tolerance: its 8-hour retry window (see the module's documentation)."""

DELIVERY_EVENTS = frozenset({"accepted", "delivered", "failed", "rejected"})
"""The ``event`` values of a message's way to the recipient: :class:`MailgunDeliveryEvent`."""

ENGAGEMENT_EVENTS = frozenset({"opened", "clicked", "unsubscribed", "complained"})
"""The ``event`` values of a recipient's actions: :class:`MailgunEngagementEvent`."""


@dataclass(frozen=True, slots=True, kw_only=True)
class MailgunEvent(Event):
    """Any Mailgun event; types without a class of their own arrive as this.

    ``token`` is the signed token (what identifies the event); everything else comes
    from ``event-data``, which the signature does not cover: ``recipient``,
    ``message_id`` (``message.headers.message-id``), ``tags``, ``user_variables``,
    ``log_level``, ``domain`` (``domain.name``, in payloads since 2026).
    """

    token: str
    recipient: str | None = None
    message_id: str | None = None
    log_level: str | None = None
    domain: str | None = None
    tags: list[str] = field(default_factory=list)
    user_variables: JSONObject = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class MailgunDeliveryEvent(MailgunEvent):
    """``accepted``, ``delivered``, ``failed`` (and ``rejected``): the message's way out.

    ``severity`` is ``"permanent"`` or ``"temporary"`` for ``failed``; ``reason`` why
    (``"bounce"``, ``"suppress-bounce"``, ``"generic"``...); ``delivery_code`` and
    ``delivery_message`` the receiving server's answer (``delivery-status.code`` and
    its ``message``, else its ``description``); ``delivery_status`` and ``envelope``
    as sent.
    """

    severity: str | None = None
    reason: str | None = None
    delivery_code: int | None = None
    delivery_message: str | None = None
    delivery_status: JSONObject = field(default_factory=dict, repr=False)
    envelope: JSONObject = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class MailgunEngagementEvent(MailgunEvent):
    """``opened``, ``clicked``, ``unsubscribed``, ``complained``: what the recipient did.

    ``url`` is the link clicked; ``ip``, ``user_agent`` (``client-info.user-agent``),
    ``client_info`` and ``geolocation`` describe the recipient's client when Mailgun
    knows them.
    """

    url: str | None = None
    ip: str | None = None
    user_agent: str | None = None
    client_info: JSONObject = field(default_factory=dict, repr=False)
    geolocation: JSONObject = field(default_factory=dict, repr=False)


# What decode() drops from the signature block.
_MACS = frozenset({"signature", "parent-signature"})

# The same instances as MailgunEvent(...), ..., faster (see _events.constructor).
_new_event = constructor(MailgunEvent)
_new_delivery = constructor(MailgunDeliveryEvent)
_new_engagement = constructor(MailgunEngagementEvent)


def _tags(data: Reader) -> list[str]:
    tags = data.raw("tags")
    if tags is None:
        return []
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise PayloadError(f"{data.where}.tags must be an array of strings")
    return cast(list[str], tags)


class Mailgun(Provider):
    """Mailgun webhooks (JSON), signed inside the body; identified by the signed token."""

    name = "mailgun"
    accepted_status = 200  # Mailgun retries every answer but 200 (and 406)

    __slots__ = ()

    def __init__(
        self, *, secret: SecretInput, tolerance: float = DEFAULT_TOLERANCE, clock: Clock | None = None
    ) -> None:
        """Args:
        secret: the HTTP webhook signing key, or several during a rotation (a
            subaccount's primary key too, to accept ``parent-signature``).
        tolerance: seconds the signed timestamp may differ from now, either way
            (default 8 hours, Mailgun's retry window).
        """
        keyring = Keyring(encode_secrets(secret, "secret"), "sha256")
        super().__init__(BodySignature(keyring, tolerance=tolerance), clock=clock)

    def sign_request(
        self, body: bytes, *, now: float | None = None, private_key: str | bytes | None = None
    ) -> tuple[dict[str, str], bytes]:
        """No headers, and ``body`` (a JSON object) with a fresh signature block put in.

        ``body`` is the event as Mailgun sends it, ``{"event-data": {...}}``; a
        signature block already in it is replaced.

        Raises:
            ConfigurationError: ``private_key`` given (Mailgun signs with a shared
                key), or ``body`` is not a JSON object.
        """
        if private_key is not None:
            raise ConfigurationError("mailgun is verified with a shared secret: sign without private_key")
        scheme = cast(BodySignature, self.scheme)
        return {}, scheme.sign_body(bytes(body), self.clock() if now is None else now)

    def decode(self, body: bytes) -> JSONValue:
        """The body's JSON without the MACs of its signature block (``signature``,
        ``parent-signature``): the timestamp and token stay, for the event's identity,
        and no signature is kept with the event (an inbox stores the payload).

        Raises:
            PayloadError: the body is not a JSON object.
        """
        payload = decode_json(body)
        if not isinstance(payload, dict):
            raise PayloadError("body must be a JSON object")
        block = payload.get("signature")
        if isinstance(block, dict):
            payload["signature"] = {key: value for key, value in block.items() if key not in _MACS}
        return payload

    def events_from(self, payload: JSONValue, headers: Headers) -> list[Event]:
        """One event per body, typed by ``event-data.event``."""
        body = Reader(payload, "body")
        token = body.child("signature").required_text("token")
        if "event-data" not in body.data:
            raise PayloadError("body.event-data is missing")
        data = body.child("event-data")
        kind = data.kind("event")
        headers_of_message = data.child("message").child("headers")
        common: dict[str, Any] = {
            "provider": self.name,
            "type": kind,
            "id": data.text("id"),
            "timestamp": data.time("timestamp"),
            "payload": payload,
            "token": token,
            "recipient": data.text("recipient"),
            "message_id": headers_of_message.text("message-id"),
            "log_level": data.text("log-level"),
            "domain": data.child("domain").text("name"),
            "tags": _tags(data),
            "user_variables": data.mapping("user-variables"),
        }
        if kind in DELIVERY_EVENTS:
            status = data.child("delivery-status")
            return [
                _new_delivery(
                    **common,
                    severity=data.text("severity"),
                    reason=data.text("reason"),
                    delivery_code=status.integer("code"),
                    delivery_message=status.text("message") or status.text("description"),
                    delivery_status=status.data,
                    envelope=data.mapping("envelope"),
                )
            ]
        if kind in ENGAGEMENT_EVENTS:
            client = data.child("client-info")
            return [
                _new_engagement(
                    **common,
                    url=data.text("url"),
                    ip=data.text("ip"),
                    user_agent=client.text("user-agent"),
                    client_info=client.data,
                    geolocation=data.mapping("geolocation"),
                )
            ]
        return [_new_event(**common)]

    def identity(self, event: Event) -> str:
        """The signed token alone: nothing else in the body is signed (see the module)."""
        if isinstance(event, MailgunEvent):
            return f"mailgun-token\0{event.token}"
        return super().identity(event)
