"""Zoom: ``x-zm-signature: v0=<hex>``, HMAC-SHA256 over ``v0:<x-zm-request-timestamp>:<body>``.

The key is the event subscription's Secret Token (App Marketplace, the app's
Features page); the signed string is the literal ``v0:``, the
``x-zm-request-timestamp`` header exactly as sent (unix seconds), ``:`` and the raw
body, and the header is ``v0=`` and the lowercase hex digest (Zoom's "Verify webhook
events", and its ``zoom/webhook-sample``). Zoom names no tolerance; the timestamp is
checked both ways against ``tolerance=`` (300 s by default), so a captured request
is refused five minutes on.

**URL validation.** When an endpoint is saved, and every 72 hours after, Zoom sends
``{"event": "endpoint.url_validation", "payload": {"plainToken": ...}, "event_ts": ...}``
and wants, within 3 seconds and with 200 or 204, the JSON ``{"plainToken": <the
same>, "encryptedToken": <hex HMAC-SHA256 of plainToken under the Secret Token>}``.
That request is signed like every other (Zoom's own sample checks ``x-zm-signature``
before answering it), so it is verified first; only then is it answered, as a
:class:`UrlValidation` event (handlers may watch it), with the first secret still
valid at the provider's clock: during a rotation list the new Secret Token first.

**Events** are ``{"event": "meeting.started", "event_ts": <ms>, "payload":
{"account_id": ..., "object": {...}}}``; ``type`` is ``event``, ``timestamp``
``event_ts``. Meetings and webinars (``meeting.*``, ``webinar.*``) are
:class:`MeetingEvent` (participant events :class:`ParticipantEvent`), recordings
(``recording.*``) :class:`RecordingEvent`; other types arrive as :class:`ZoomEvent`.

**Identity and replays.** A Zoom event carries no id: it is identified by its type
and whole payload (signed, ``event_ts`` included, which Zoom keeps when it retries a
delivery), so a retried delivery is a duplicate for an idempotency store. The signed
timestamp limits a replay to the tolerance; within it only a store refuses one.
Zoom accepts 200 or 204 only, so a deferred receiver answers 200.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from .._errors import PayloadError
from .._events import Event, JSONObject, JSONValue, Reader, constructor
from .._headers import Headers
from .._schemes import DEFAULT_TOLERANCE, Clock, HmacSignature, Keyring, SecretInput, encode_secrets
from ._base import ACKNOWLEDGED, Answer, Provider

__all__ = [
    "URL_VALIDATION",
    "MeetingEvent",
    "ParticipantEvent",
    "RecordingEvent",
    "UrlValidation",
    "Zoom",
    "ZoomEvent",
]

URL_VALIDATION = "endpoint.url_validation"
"""The ``event`` of Zoom's challenge-response check."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ZoomEvent(Event):
    """Any Zoom event; types without a class of their own arrive as this.

    ``type`` is ``event`` (``"meeting.started"``), ``timestamp`` is ``event_ts``, ``id`` is
    ``None`` (Zoom gives events none). ``account_id``, ``operator``, ``operator_id`` and
    ``object`` are ``payload.account_id``, ``payload.operator``, ``payload.operator_id``
    and ``payload.object`` (empty when absent).
    """

    account_id: str | None = None
    operator: str | None = None
    operator_id: str | None = None
    object: JSONObject = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class UrlValidation(ZoomEvent):
    """``endpoint.url_validation``: Zoom checking the endpoint; answered by the provider."""

    plain_token: str


@dataclass(frozen=True, slots=True, kw_only=True)
class MeetingEvent(ZoomEvent):
    """A ``meeting.*`` or ``webinar.*`` event, read from ``payload.object``.

    ``meeting_id`` is the numeric id (as text), ``meeting_uuid`` the instance's UUID,
    ``start_time`` a UTC datetime, ``duration`` minutes.
    """

    meeting_id: str | None = None
    meeting_uuid: str | None = None
    topic: str | None = None
    host_id: str | None = None
    start_time: datetime | None = None
    duration: int | None = None
    timezone: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ParticipantEvent(MeetingEvent):
    """A ``*.participant_*`` event: ``participant`` is ``payload.object.participant``, and
    ``participant_user_id``, ``participant_name`` and ``participant_email`` its ``user_id``,
    ``user_name`` and ``email``."""

    participant: JSONObject = field(default_factory=dict, repr=False)
    participant_user_id: str | None = None
    participant_name: str | None = None
    participant_email: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordingEvent(ZoomEvent):
    """A ``recording.*`` event (``"recording.completed"``): the meeting's ``meeting_id``,
    ``meeting_uuid``, ``topic`` and ``host_id``, its ``recording_files`` (a list, empty when
    absent), ``share_url``, and the body's ``download_token`` (valid 24 hours)."""

    meeting_id: str | None = None
    meeting_uuid: str | None = None
    topic: str | None = None
    host_id: str | None = None
    share_url: str | None = None
    recording_files: list[JSONValue] = field(default_factory=list, repr=False)
    download_token: str | None = field(default=None, repr=False)


# The same instances as ZoomEvent(...), ..., faster (see _events.constructor).
_new_event = constructor(ZoomEvent)
_new_validation = constructor(UrlValidation)
_new_meeting = constructor(MeetingEvent)
_new_participant = constructor(ParticipantEvent)
_new_recording = constructor(RecordingEvent)


class Zoom(Provider):
    """Zoom webhooks (``x-zm-signature``), answering Zoom's ``endpoint.url_validation``."""

    name = "zoom"
    signature_header = "x-zm-signature"
    timestamp_header = "x-zm-request-timestamp"
    accepted_status = 200  # Zoom accepts 200 or 204 only

    __slots__ = ()

    def __init__(
        self, *, secret: SecretInput, tolerance: float = DEFAULT_TOLERANCE, clock: Clock | None = None
    ) -> None:
        """Args:
        secret: the event subscription's Secret Token, or several during a rotation
            (newest first: the URL validation is answered with the first still valid).
        tolerance: seconds the signed timestamp may differ from now, either way.
        """
        scheme = HmacSignature(
            Keyring(encode_secrets(secret, "secret"), "sha256"),
            header=self.signature_header,
            prefix="v0=",
            timestamp_header=self.timestamp_header,
            payload="v0:{timestamp}:{body}",
            tolerance=tolerance,
        )
        super().__init__(scheme, clock=clock)

    def events_from(self, payload: JSONValue, headers: Headers) -> list[Event]:
        """One event per body."""
        body = Reader(payload, "body")
        kind = body.kind("event")
        timestamp = body.time("event_ts")
        inner = body.child("payload")
        account_id = inner.text("account_id")
        operator = inner.text("operator")
        operator_id = inner.text("operator_id")
        obj = inner.child("object")
        if kind == URL_VALIDATION:
            return [
                _new_validation(
                    provider=self.name,
                    type=kind,
                    timestamp=timestamp,
                    payload=payload,
                    account_id=account_id,
                    plain_token=inner.kind("plainToken"),
                )
            ]
        # What every other event carries, and what meetings, webinars and their
        # recordings carry besides.
        common: dict[str, Any] = {
            "provider": self.name,
            "type": kind,
            "timestamp": timestamp,
            "payload": payload,
            "account_id": account_id,
            "operator": operator,
            "operator_id": operator_id,
            "object": obj.data,
        }
        if not kind.startswith(("recording.", "meeting.", "webinar.")):
            return [_new_event(**common)]
        meeting: dict[str, Any] = {
            **common,
            "meeting_id": obj.text("id"),
            "meeting_uuid": obj.text("uuid"),
            "topic": obj.text("topic"),
            "host_id": obj.text("host_id"),
        }
        if kind.startswith("recording."):
            return [
                _new_recording(
                    **meeting,
                    share_url=obj.text("share_url"),
                    recording_files=_array(obj, "recording_files"),
                    download_token=body.text("download_token"),
                )
            ]
        meeting.update(
            start_time=obj.time("start_time"), duration=obj.integer("duration"), timezone=obj.text("timezone")
        )
        if ".participant_" not in kind:
            return [_new_meeting(**meeting)]
        participant = obj.child("participant")
        return [
            _new_participant(
                **meeting,
                participant=participant.data,
                participant_user_id=participant.text("user_id"),
                participant_name=participant.text("user_name"),
                participant_email=participant.text("email"),
            )
        ]

    def answer(self, events: Sequence[Event]) -> JSONObject | Answer | None:
        """``{"plainToken", "encryptedToken"}`` (200) for a URL validation; ``{"ok": true}`` otherwise."""
        for event in events:
            if isinstance(event, UrlValidation):
                return Answer.json(
                    {
                        "plainToken": event.plain_token,
                        "encryptedToken": self.encrypted_token(event.plain_token),
                    },
                    status=200,
                )
        return ACKNOWLEDGED

    def encrypted_token(self, plain_token: str, *, now: float | None = None) -> str:
        """The hex HMAC-SHA256 of ``plain_token`` under the first secret still valid at ``now``
        (default: the provider's clock), as Zoom's URL validation expects it."""
        keyring = cast(HmacSignature, self._scheme).keyring
        live = keyring.live_pads(self._clock() if now is None else now) or keyring.pads
        inner, outer = live[0][0].copy(), live[0][1].copy()
        inner.update(plain_token.encode("utf-8"))
        outer.update(inner.digest())
        return str(outer.hexdigest())


def _array(reader: Reader, key: str) -> list[JSONValue]:
    value = reader.raw(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise PayloadError(f"{reader.where}.{key} must be an array")
    return value
