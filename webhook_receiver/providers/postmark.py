"""Postmark: HTTP Basic credentials and/or a custom header; Postmark signs nothing.

Postmark's webhooks carry no signature. Its "Webhooks overview" protects a webhook
URL with Basic authentication (``https://<username>:<password>@example.com/webhook``,
or the webhook's ``HttpAuth`` setting), and a webhook may also carry custom
``HttpHeaders``. So this provider checks:

* ``username``/``password`` (or a ``credentials`` list of pairs, for rotation):
  ``Authorization: Basic ...`` must match a pair;
* ``header`` + ``token``: the custom header must hold one of the tokens, as it is;
* both, when both are given: a request must carry both;
* nothing, only with an explicit ``auth="none"`` (an ``InsecureConfigurationWarning``
  says so), for endpoints protected some other way (Postmark's IP ranges).

``auth`` may be left out: the options say which. Every value compares in constant
time; any of them may be a ``Secret`` with an expiry.

Bodies are one JSON record: ``RecordType`` is ``Delivery``, ``Bounce``,
``SpamComplaint``, ``Open``, ``Click`` or ``SubscriptionChange`` for the outbound
message-stream webhooks (their fields as in Postmark's webhook pages and its
``postmark.js`` payload types). The inbound webhook's body is the parsed email and
Postmark's example names no ``RecordType``: a body without one that has the
inbound fields (``FromFull``, ``OriginalRecipient``) is typed ``Inbound``, as is
``"RecordType": "Inbound"``; any other body arrives as a :class:`PostmarkEvent`
typed by its ``RecordType`` (else ``"custom"``).

Credentials sign nothing: they say who sent a request, not what or when, so a
captured request can be replayed, or its body changed. Identity: a bounce or spam
complaint is its Postmark ``ID``, an inbound email its ``MessageID``; the other
records have no id of their own (a ``Delivery`` is per recipient, an ``Open`` per
open) and are identified by their type and whole payload, which Postmark's retries
repeat exactly. Use an idempotency store. Postmark retries "if Postmark doesn't
receive a 200 OK response" (and stops at a 403; its inbound retry page), so a
deferred receiver answers 200.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from .._errors import ConfigurationError, PayloadError
from .._events import CUSTOM, Event, JSONObject, JSONValue, Reader, constructor
from .._headers import Headers
from .._schemes import (
    NOTHING_SIGNED,
    Clock,
    Scheme,
    Secret,
    SecretInput,
    SharedKey,
    Verified,
    encode_secrets,
)
from ._base import Credentials, Provider, auth_scheme, basic_auth

__all__ = [
    "Bounce",
    "Click",
    "Delivery",
    "Inbound",
    "Open",
    "Postmark",
    "PostmarkEvent",
    "SpamComplaint",
    "SubscriptionChange",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class PostmarkEvent(Event):
    """Any Postmark webhook; ``type`` is its ``RecordType``.

    ``message_id`` is the ``MessageID`` of the email the record is about,
    ``metadata`` the custom metadata it was sent with.
    """

    message_id: str | None = None
    server_id: int | None = None
    message_stream: str | None = None
    tag: str | None = None
    metadata: JSONObject = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Delivery(PostmarkEvent):
    """``Delivery``: the receiving server accepted the email for ``recipient``."""

    recipient: str | None = None
    delivered_at: datetime | None = None
    details: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Bounce(PostmarkEvent):
    """``Bounce``: ``id`` is Postmark's bounce ``ID``; ``bounce_type`` is ``HardBounce``, ``SoftBounce``..."""

    email: str | None = None
    bounce_type: str | None = None
    type_code: int | None = None
    name: str | None = None
    description: str | None = None
    details: str | None = None
    bounced_at: datetime | None = None
    inactive: bool | None = None
    can_activate: bool | None = None
    subject: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SpamComplaint(Bounce):
    """``SpamComplaint``: the recipient marked the email as spam (a bounce record of that type)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Open(PostmarkEvent):
    """``Open``: the email was opened (``first_open`` for the first time)."""

    recipient: str | None = None
    first_open: bool | None = None
    received_at: datetime | None = None
    platform: str | None = None
    read_seconds: int | None = None
    user_agent: str | None = None
    client: JSONObject = field(default_factory=dict, repr=False)
    os: JSONObject = field(default_factory=dict, repr=False)
    geo: JSONObject = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Click(PostmarkEvent):
    """``Click``: a tracked link (``original_link``) was clicked."""

    recipient: str | None = None
    received_at: datetime | None = None
    original_link: str | None = None
    click_location: str | None = None
    platform: str | None = None
    user_agent: str | None = None
    client: JSONObject = field(default_factory=dict, repr=False)
    os: JSONObject = field(default_factory=dict, repr=False)
    geo: JSONObject = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class SubscriptionChange(PostmarkEvent):
    """``SubscriptionChange``: ``suppress_sending`` says whether ``recipient`` is now suppressed."""

    recipient: str | None = None
    changed_at: datetime | None = None
    origin: str | None = None
    suppress_sending: bool | None = None
    suppression_reason: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Inbound(PostmarkEvent):
    """``Inbound``: an email received on an inbound stream; ``id`` is its ``MessageID``.

    ``date`` is the ``Date`` header as the sending server wrote it (often RFC 822),
    so it stays text.
    """

    sender: str | None = None
    sender_name: str | None = None
    to: str | None = None
    original_recipient: str | None = None
    subject: str | None = None
    date: str | None = None
    mailbox_hash: str | None = None
    text_body: str | None = None
    html_body: str | None = None
    stripped_text_reply: str | None = None
    headers: tuple[JSONObject, ...] = field(default=(), repr=False)
    attachments: tuple[JSONObject, ...] = field(default=(), repr=False)


_INBOUND_KEYS = ("FromFull", "OriginalRecipient")
_NEW: dict[type[PostmarkEvent], Callable[..., PostmarkEvent]] = {
    cls: constructor(cls)
    for cls in (PostmarkEvent, Delivery, Bounce, SpamComplaint, Open, Click, SubscriptionChange, Inbound)
}


def _objects(reader: Reader, key: str) -> tuple[JSONObject, ...]:
    value = reader.raw(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise PayloadError(f"{reader.where}.{key} must be an array of objects")
    return tuple(item for item in value if isinstance(item, dict))


def _server_id(body: Reader) -> int | None:
    # Postmark spells it ServerID in some records and ServerId in others.
    return body.integer("ServerID") if body.raw("ServerID") is not None else body.integer("ServerId")


def _message_id(body: Reader) -> str | None:
    # MessageID almost everywhere; postmark.js types the delivery record's as MessageId.
    return body.text("MessageID") or body.text("MessageId")


def postmark_event(payload: JSONValue) -> PostmarkEvent:
    """The typed event for one Postmark body."""
    body = Reader(payload, "body")
    record = body.raw("RecordType")
    if record is None:
        kind = "Inbound" if any(body.raw(key) is not None for key in _INBOUND_KEYS) else CUSTOM
    else:
        kind = body.kind("RecordType")
    # The fields every record has, read first (their errors come first), then passed as
    # keywords to each class: a dict of them splatted into each call cost 0.6 µs of the
    # function's 1.15 (building the dict, then unpacking it into keywords again).
    message_id = _message_id(body)
    server_id = _server_id(body)
    stream = body.text("MessageStream")
    tag = body.text("Tag")
    metadata = body.mapping("Metadata")
    if kind == "Delivery":
        delivered_at = body.time("DeliveredAt")
        return _NEW[Delivery](
            provider="postmark",
            type=kind,
            payload=payload,
            message_id=message_id,
            server_id=server_id,
            message_stream=stream,
            tag=tag,
            metadata=metadata,
            timestamp=delivered_at,
            recipient=body.text("Recipient"),
            delivered_at=delivered_at,
            details=body.text("Details"),
        )
    if kind in ("Bounce", "SpamComplaint"):
        bounced_at = body.time("BouncedAt")
        return _NEW[SpamComplaint if kind == "SpamComplaint" else Bounce](
            provider="postmark",
            type=kind,
            payload=payload,
            message_id=message_id,
            server_id=server_id,
            message_stream=stream,
            tag=tag,
            metadata=metadata,
            id=body.required_text("ID"),
            timestamp=bounced_at,
            email=body.text("Email"),
            bounce_type=body.text("Type"),
            type_code=body.integer("TypeCode"),
            name=body.text("Name"),
            description=body.text("Description"),
            details=body.text("Details"),
            bounced_at=bounced_at,
            inactive=body.boolean("Inactive"),
            can_activate=body.boolean("CanActivate"),
            subject=body.text("Subject"),
        )
    if kind in ("Open", "Click"):
        received_at = body.time("ReceivedAt")
        recipient = body.text("Recipient")
        platform = body.text("Platform")
        user_agent = body.text("UserAgent")
        client = body.mapping("Client")
        os = body.mapping("OS")
        geo = body.mapping("Geo")
        if kind == "Open":
            return _NEW[Open](
                provider="postmark",
                type=kind,
                payload=payload,
                message_id=message_id,
                server_id=server_id,
                message_stream=stream,
                tag=tag,
                metadata=metadata,
                timestamp=received_at,
                recipient=recipient,
                received_at=received_at,
                platform=platform,
                user_agent=user_agent,
                client=client,
                os=os,
                geo=geo,
                first_open=body.boolean("FirstOpen"),
                read_seconds=body.integer("ReadSeconds"),
            )
        return _NEW[Click](
            provider="postmark",
            type=kind,
            payload=payload,
            message_id=message_id,
            server_id=server_id,
            message_stream=stream,
            tag=tag,
            metadata=metadata,
            timestamp=received_at,
            recipient=recipient,
            received_at=received_at,
            platform=platform,
            user_agent=user_agent,
            client=client,
            os=os,
            geo=geo,
            original_link=body.text("OriginalLink"),
            click_location=body.text("ClickLocation"),
        )
    if kind == "SubscriptionChange":
        changed_at = body.time("ChangedAt")
        return _NEW[SubscriptionChange](
            provider="postmark",
            type=kind,
            payload=payload,
            message_id=message_id,
            server_id=server_id,
            message_stream=stream,
            tag=tag,
            metadata=metadata,
            timestamp=changed_at,
            recipient=body.text("Recipient"),
            changed_at=changed_at,
            origin=body.text("Origin"),
            suppress_sending=body.boolean("SuppressSending"),
            suppression_reason=body.text("SuppressionReason"),
        )
    if kind == "Inbound":
        return _NEW[Inbound](
            provider="postmark",
            type=kind,
            payload=payload,
            message_id=message_id,
            server_id=server_id,
            message_stream=stream,
            tag=tag,
            metadata=metadata,
            id=body.required_text("MessageID"),
            sender=body.text("From"),
            sender_name=body.text("FromName"),
            to=body.text("To"),
            original_recipient=body.text("OriginalRecipient"),
            subject=body.text("Subject"),
            date=body.text("Date"),
            mailbox_hash=body.text("MailboxHash"),
            text_body=body.text("TextBody"),
            html_body=body.text("HtmlBody"),
            stripped_text_reply=body.text("StrippedTextReply"),
            headers=_objects(body, "Headers"),
            attachments=_objects(body, "Attachments"),
        )
    return _NEW[PostmarkEvent](
        provider="postmark",
        type=kind,
        payload=payload,
        message_id=message_id,
        server_id=server_id,
        message_stream=stream,
        tag=tag,
        metadata=metadata,
    )


# An HTTP field name (RFC 9110 token).
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


class AllOf:
    """Every scheme given must accept the request (Postmark's Basic credentials *and* custom header)."""

    __slots__ = ("_schemes",)

    def __init__(self, *schemes: Scheme) -> None:
        self._schemes = schemes

    def verify(self, headers: Headers, body: bytes, now: float) -> Verified:
        """Raise the first scheme's error, if any refuses."""
        for scheme in self._schemes:
            scheme.verify(headers, body, now)
        return NOTHING_SIGNED

    def sign(self, body: bytes, now: float) -> dict[str, str]:
        """Every scheme's headers."""
        signed: dict[str, str] = {}
        for scheme in self._schemes:
            signed.update(scheme.sign(body, now))
        return signed

    def __repr__(self) -> str:
        return f"AllOf({', '.join(map(repr, self._schemes))})"


class Postmark(Provider):
    """Postmark webhooks (outbound events and inbound email): Basic credentials and/or a custom header."""

    name = "postmark"
    accepted_status = 200  # Postmark retries "if Postmark doesn't receive a 200 OK response"

    __slots__ = ()

    def __init__(
        self,
        *,
        auth: Literal["basic", "header", "none"] | None = None,
        username: str | bytes | Secret | None = None,
        password: str | bytes | Secret | None = None,
        credentials: Credentials | None = None,
        header: str | None = None,
        token: SecretInput | None = None,
        clock: Clock | None = None,
    ) -> None:
        """Args:
        auth: ``"basic"``, ``"header"`` or ``"none"``; left out, the options decide
            (both kinds given: both are required). Verification is only switched off
            by an explicit ``auth="none"``.
        username, password: the Basic credentials in the webhook URL (or ``HttpAuth``).
        credentials: several ``(username, password)`` pairs, for rotation.
        header: the name of the custom header set on the webhook (``HttpHeaders``).
        token: the value that header must hold, or several during a rotation.
        """
        if auth not in (None, "basic", "header", "none"):
            raise ConfigurationError("postmark: auth must be one of 'basic', 'header', 'none'")
        basic_given = username is not None or password is not None or bool(credentials)
        header_given = header is not None or token is not None
        if header_given and (header is None or token is None):
            raise ConfigurationError("postmark: a custom header needs both header= (its name) and token=")
        if header is not None and not (isinstance(header, str) and _HEADER_NAME.fullmatch(header)):
            raise ConfigurationError("postmark: header must be an HTTP header name")
        if header is not None and basic_given and header.lower() == "authorization":
            raise ConfigurationError("postmark: Basic credentials already use the Authorization header")
        if auth == "header" and basic_given:
            raise ConfigurationError("postmark: auth='header' does not use username, password or credentials")
        if auth in ("basic", "none") and header_given:
            raise ConfigurationError(f"postmark: auth={auth!r} does not use header or token")
        if auth == "header" and not header_given:
            raise ConfigurationError("postmark: auth='header' needs header= and token=")
        if auth is None and not (basic_given or header_given):
            raise ConfigurationError(
                "postmark: give username= and password= (or credentials=), and/or header= and token=; "
                "verification is only switched off by an explicit auth='none'"
            )
        key = (
            SharedKey(encode_secrets(token, "token"), header=header) if header and token is not None else None
        )
        scheme: Scheme
        if auth == "header" or (auth is None and key is not None and not basic_given):
            assert key is not None
            scheme = key
        elif auth is None and key is not None:
            scheme = AllOf(basic_auth(username, password, credentials), key)
        else:
            found = auth_scheme(
                self.name,
                auth,
                ("basic", "none"),
                username=username,
                password=password,
                credentials=credentials,
            )
            assert found is not None
            scheme = found
        super().__init__(scheme, clock=clock)

    def events_from(self, payload: JSONValue, headers: Headers) -> list[Event]:
        """One typed event per body, by ``RecordType``."""
        return [postmark_event(payload)]
