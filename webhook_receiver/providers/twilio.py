"""Twilio: ``X-Twilio-Signature``, base64 HMAC-SHA1 of the public URL and the POST fields.

What Twilio documents ("Webhooks security", twilio.com/docs/usage/webhooks/
webhooks-security, and ``twilio.request_validator.RequestValidator`` of its
``twilio`` package): the header is the base64 HMAC-SHA1, keyed with the account's
**Auth Token**, of the full URL Twilio requested followed, for a form POST, by
every POST field sorted by name (Unix, case-sensitive order), each name directly
followed by its value, with no separators. A name sent more than once contributes
each of its distinct values once, in sorted order, as the library's
``compute_signature`` does. For an ``application/json`` body Twilio appends
``bodySHA256=<hex SHA-256 of the body>`` to the URL's query and signs that URL
alone, which proves the body too.

**The URL.** The provider is configured with the public URL Twilio was given
(``url=``), and that string is what is signed, never a URL rebuilt from the request
(its ``Host``, path, or a proxy's ``X-Forwarded-*``), which whoever sends the request
controls (see :mod:`webhook_receiver._bound`). The request's query is not read
either: for a JSON body, the URL Twilio requested is the configured one plus
``bodySHA256`` of the body received, so it is rebuilt from the body, and a match
proves the signature over that URL and that the hash is the body's at once
(:meth:`Twilio.request_url` gives it, to post to in tests). Give the URL exactly as
in Twilio's console or API call: query, percent-encoding and all. Like Twilio's own
library, a signature over the URL with its port and over the URL without it are
both accepted (``https://h/x``, ``https://h:443/x``; for ``https://h:8443/x``, also
``https://h/x``), since Twilio's servers sign either. Twilio can be configured to
call a webhook with ``GET`` (fields in the query): that cannot be verified against
a fixed URL, so only ``POST`` is accepted.

**Form or JSON** is decided by the signed body, never by the unsigned
``Content-Type``: a body whose first byte (after JSON's whitespace) is ``{`` or
``[`` is JSON, anything else a strict form (:mod:`webhook_receiver._forms`). A form
whose sorted fields would start with ``?bodySHA256=`` (the signed string of a JSON
body at that URL) is refused: only a request built to reuse a JSON request's
signature has one.

**Keys.** ``secret=`` is the Auth Token (a list during a rotation: Twilio's
secondary token). A request carrying ``X-Twilio-Webhooks-Signature-Settings:
key=..,algorithm=HMAC_SHA256`` (a Webhooks Rule signing with a SharedKey, in
public beta) is checked with the digest it names; list the SharedKey's secret in
``secret=`` beside the token for those. The header is not signed, but it only
chooses the hash: the key must still be one of yours.

**What is not signed, and replays.** Twilio signs no timestamp, so a captured
request verifies forever, and since fields are concatenated without separators,
characters can be moved between adjacent names and values (``Ab=c`` and ``A=bc``
sign alike): both are in Twilio's design. Use an idempotency store. A form event is
identified by **exactly the string its signature covers** (its names and distinct
values, sorted, run together), so every body that signs the same is one event: a
replay with a field repeated, values reordered or characters moved between a name
and its value is a duplicate, while a call's ``in-progress`` requests, which differ
by their fields (``Digits`` and all), stay distinct. A JSON CloudEvent is identified
by its ``id``.

**Events.** Form bodies (status callbacks and incoming messages and calls):

* ``MessageStatus`` (else ``SmsStatus``) present: a :class:`TwilioMessageEvent` of type
  ``"message.<status>"`` (``"message.delivered"``, ``"message.received"``);
* ``RecordingStatus``: a :class:`TwilioRecordingEvent`, ``"recording.<status>"``;
* ``CallStatus``: a :class:`TwilioCallEvent`, ``"call.<status>"`` (``"call.completed"``,
  ``"call.ringing"`` for an incoming call);
* ``EventType`` (Conversations, TaskRouter): a :class:`TwilioEvent` of that type;

checked in that order, so a message's callback is a message event even if other
fields are there. JSON bodies: Event Streams posts an array of CloudEvents, one
:class:`TwilioCloudEvent` each (``type`` ``"com.twilio.messaging.message.delivered"``,
``id``, ``time``); Studio's *Make HTTP Request* widget posts what you wrote, a form or
JSON, which arrives as a :class:`TwilioEvent` of its own ``type`` field, or ``"custom"``.

**Answers.** Twilio reads the reply to an incoming message or call as TwiML, so
every success is answered with an empty ``<Response/>`` (``text/xml``): a message
gets no reply and a call is ended, instead of Twilio's "application error". To
answer a call with instructions, serve TwiML from your own view, or use Twilio's
REST API from a handler.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, cast

from .._bound import TWILIO_HEADER, TWILIO_MAX_FIELDS, TwilioSignature, body_is_json, twilio_form_text
from .._errors import PayloadError
from .._events import CUSTOM, Event, JSONValue, Reader, constructor, decode_json, to_datetime
from .._forms import form_fields, form_pairs
from .._headers import Headers
from .._schemes import Clock, SecretInput, encode_secrets
from ._base import Answer, Provider, payload_identity

__all__ = [
    "Twilio",
    "TwilioCallEvent",
    "TwilioCloudEvent",
    "TwilioEvent",
    "TwilioMessageEvent",
    "TwilioRecordingEvent",
]

MAX_BATCH = 10_000
"""The most CloudEvents one Event Streams post may carry here (Twilio documents no count)."""

EMPTY_TWIML = Answer(b'<?xml version="1.0" encoding="UTF-8"?><Response/>', "text/xml")
"""The answer to every verified request: TwiML that does nothing."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TwilioEvent(Event):
    """Any Twilio request; forms and JSON without a class of their own arrive as this.

    ``payload`` is the form's fields (a ``dict`` of strings; a list of strings for a
    repeated field), or the JSON object. ``account_sid`` is ``AccountSid``.
    """

    account_sid: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TwilioMessageEvent(TwilioEvent):
    """A message's status callback, or an incoming message: ``type`` ``"message.<status>"``.

    ``id`` is ``MessageSid`` (else ``SmsSid``), ``status`` the ``MessageStatus`` (else
    ``SmsStatus``): ``queued``, ``sent``, ``delivered``, ``undelivered``, ``failed``,
    ``read``, ``received``... ``from_`` and ``to`` are ``From`` and ``To``; ``body``,
    ``num_media`` and ``media_urls`` (``MediaUrl0``...) describe an incoming message;
    ``error_code`` is set for ``failed``/``undelivered``.
    """

    status: str
    from_: str | None = None
    to: str | None = None
    body: str | None = None
    num_media: int | None = None
    num_segments: int | None = None
    media_urls: list[str] = field(default_factory=list)
    messaging_service_sid: str | None = None
    error_code: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TwilioCallEvent(TwilioEvent):
    """A call's status callback, or an incoming call: ``type`` ``"call.<status>"``.

    ``id`` is ``CallSid``; ``status`` the ``CallStatus`` (``queued``, ``initiated``,
    ``ringing``, ``in-progress``, ``completed``, ``busy``, ``no-answer``, ``failed``,
    ``canceled``); ``from_``, ``to`` and ``direction`` as sent; ``duration`` the
    ``CallDuration`` in seconds (completed calls); ``timestamp`` the callback's
    ``Timestamp`` when there is one.
    """

    status: str
    from_: str | None = None
    to: str | None = None
    direction: str | None = None
    duration: int | None = None
    parent_call_sid: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TwilioRecordingEvent(TwilioEvent):
    """A recording's status callback: ``type`` ``"recording.<status>"`` (``in-progress``,
    ``completed``, ``absent``, ``failed``).

    ``id`` is ``RecordingSid``; ``recording_url``, ``call_sid`` and ``duration``
    (``RecordingDuration``, seconds) as sent.
    """

    status: str
    recording_url: str | None = None
    call_sid: str | None = None
    duration: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TwilioCloudEvent(TwilioEvent):
    """One CloudEvent of an Event Streams post: ``type`` is its own
    (``"com.twilio.messaging.message.delivered"``), ``id`` its ``id``, ``timestamp``
    its ``time``; ``source``, ``specversion``, ``dataschema`` and ``data`` as sent.
    """

    source: str | None = None
    specversion: str | None = None
    dataschema: str | None = None
    data: JSONValue = field(default=None, repr=False)


# The same instances as TwilioEvent(...), ..., faster (see _events.constructor).
_new_event = constructor(TwilioEvent)
_new_message = constructor(TwilioMessageEvent)
_new_call = constructor(TwilioCallEvent)
_new_recording = constructor(TwilioRecordingEvent)
_new_cloud_event = constructor(TwilioCloudEvent)


def _count(fields: Reader, key: str) -> int | None:
    """A whole number a form sends as digits (``NumMedia=2``)."""
    text = fields.text(key)
    if text is None or text == "":
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        raise PayloadError(f"{fields.where}.{key} must be a whole number")
    return int(text)


def _rfc2822(fields: Reader, key: str) -> datetime | None:
    """Twilio's callback ``Timestamp`` (``Tue, 14 Nov 2023 22:13:20 +0000``), if readable."""
    text = fields.text(key)
    if not text:
        return None
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return to_datetime(text)  # ISO 8601 or unix seconds, else None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _media_urls(fields: Reader, count: int | None) -> list[str]:
    urls: list[str] = []
    for index in range(min(count or 0, 100)):
        url = fields.text(f"MediaUrl{index}")
        if url:
            urls.append(url)
    return urls


def _is_form_value(value: object) -> bool:
    """A decoded form field's value: a string, or the list of a repeated field's strings."""
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


class Twilio(Provider):
    """Twilio webhooks and status callbacks (forms) and Event Streams (JSON), bound to the public URL."""

    name = "twilio"
    signature_header = TWILIO_HEADER
    content_types = ("application/x-www-form-urlencoded", "application/json")
    accepted_status = 200  # Twilio reads the reply to a message or call as TwiML
    max_batch = MAX_BATCH

    __slots__ = ()

    def __init__(self, *, secret: SecretInput, url: str, clock: Clock | None = None) -> None:
        """Args:
        secret: the account's Auth Token, or several during a rotation (and any
            SharedKey secret a Webhooks Rule signs with).
        url: the public URL Twilio was given for this endpoint, exactly (what is
            signed; the request's own URL is never used).
        """
        super().__init__(TwilioSignature(encode_secrets(secret, "secret"), url=url), clock=clock)

    @property
    def url(self) -> str:
        """The public URL signatures are verified for."""
        return cast(TwilioSignature, self.scheme).url

    def request_url(self, body: bytes) -> str:
        """The URL Twilio requests for ``body``: :attr:`url`, with ``bodySHA256`` added for JSON."""
        return cast(TwilioSignature, self.scheme).signed_url(bytes(body))

    def decode(self, body: bytes) -> JSONValue:
        """The payload of a verified body: its JSON, or its form's fields.

        Raises:
            PayloadError: the body is empty, not JSON, or not a strict form.
        """
        data = bytes(body)
        if body_is_json(data):
            return decode_json(data)
        if not data:
            raise PayloadError("body is empty")
        return form_fields(form_pairs(data, max_fields=TWILIO_MAX_FIELDS))

    def events_from(self, payload: JSONValue, headers: Headers) -> list[Event]:
        """One event per form or JSON object; one per CloudEvent of an array."""
        if isinstance(payload, list):
            if not payload:
                raise PayloadError("batch is empty")
            if len(payload) > MAX_BATCH:
                raise PayloadError(f"batch has {len(payload)} events; at most {MAX_BATCH} are read")
            return [self._event(Reader(item, "body", index)) for index, item in enumerate(payload)]
        return [self._event(Reader(payload, "body"))]

    def _event(self, fields: Reader) -> Event:
        data = fields.data
        base: dict[str, Any] = {"provider": self.name, "payload": data}
        if "specversion" in data:
            inner = data.get("data")
            account = Reader(inner, "body.data").text("accountSid") if isinstance(inner, dict) else None
            return _new_cloud_event(
                **base,
                type=fields.kind("type"),
                id=fields.text("id"),
                timestamp=fields.time("time"),
                account_sid=account,
                source=fields.text("source"),
                specversion=fields.text("specversion"),
                dataschema=fields.text("dataschema"),
                data=fields.raw("data"),
            )
        base["account_sid"] = fields.text("AccountSid")
        status = fields.text("MessageStatus") or fields.text("SmsStatus")
        if status:
            num_media = _count(fields, "NumMedia")
            return _new_message(
                **base,
                type=f"message.{status}",
                id=fields.text("MessageSid") or fields.text("SmsSid"),
                status=status,
                from_=fields.text("From"),
                to=fields.text("To"),
                body=fields.text("Body"),
                num_media=num_media,
                num_segments=_count(fields, "NumSegments"),
                media_urls=_media_urls(fields, num_media),
                messaging_service_sid=fields.text("MessagingServiceSid"),
                error_code=fields.text("ErrorCode") or None,
            )
        status = fields.text("RecordingStatus")
        if status:
            return _new_recording(
                **base,
                type=f"recording.{status}",
                id=fields.text("RecordingSid"),
                timestamp=_rfc2822(fields, "Timestamp"),
                status=status,
                recording_url=fields.text("RecordingUrl"),
                call_sid=fields.text("CallSid"),
                duration=_count(fields, "RecordingDuration"),
            )
        status = fields.text("CallStatus")
        if status:
            return _new_call(
                **base,
                type=f"call.{status}",
                id=fields.text("CallSid"),
                timestamp=_rfc2822(fields, "Timestamp"),
                status=status,
                from_=fields.text("From"),
                to=fields.text("To"),
                direction=fields.text("Direction"),
                duration=_count(fields, "CallDuration"),
                parent_call_sid=fields.text("ParentCallSid"),
            )
        kind = fields.text("EventType") or fields.text("type") or CUSTOM
        return _new_event(**base, type=kind, id=fields.text("EventSid") or fields.text("id"))

    def identity(self, event: Event) -> str:
        """A CloudEvent by its type and ``id``; a form by exactly what its signature covers;
        any other JSON body by its type and whole payload (see the module's "replays").

        A form's identity is the signed string itself (each name and its distinct
        values, sorted, run together), not its payload: every body that signs the same
        is the same event, so a captured form replayed with a field repeated, its
        values reordered, or the boundary between a name and its value moved (Twilio's
        string has no separators) is a duplicate, never a new event. A JSON object
        whose values are all strings (a Studio request's body, written by you) reads
        like a form and is identified the same way: two such bodies whose names and
        values run together identically are one event.
        """
        if isinstance(event, TwilioCloudEvent) and event.id is not None:
            return f"{event.type}\0{event.id}"
        payload = event.payload
        if isinstance(payload, dict) and all(_is_form_value(value) for value in payload.values()):
            pairs = [
                (name, str(value))
                for name, values in payload.items()
                for value in (values if isinstance(values, list) else [values])
            ]
            return "form:" + twilio_form_text(pairs)
        return f"{event.type}\0{payload_identity(payload)}"

    def answer(self, events: Sequence[Event]) -> Answer:
        """An empty TwiML ``<Response/>`` (``text/xml``), which Twilio reads as "do nothing"."""
        return EMPTY_TWIML
