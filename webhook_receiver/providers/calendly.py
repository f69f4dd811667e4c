"""Calendly: ``Calendly-Webhook-Signature: t=<ts>,v1=<hex>`` over ``<ts>.<body>``.

The key is the webhook signing key (set as ``signing_key`` when a webhook
subscription is created with a personal access token, or generated for an OAuth
app), used as UTF-8 bytes; the signature is the hex HMAC-SHA256 of the timestamp as
sent, a ``.``, and the raw body (Calendly's "Webhook Signatures", the same layout as
Stripe's, so the library's keyed-list scheme reads it: unknown keys are skipped, any
one ``v1`` may match). ``t`` is unix seconds.

Tolerance: Calendly's own example sets "the application's tolerance zone to 3
minutes" to mitigate replays, so the default here is 180 seconds; unlike that
example (which only refuses old timestamps), a timestamp more than the tolerance
in the future is refused too.

Bodies are ``{"event", "created_at", "created_by", "payload"}``. Event types:
``invitee.created``, ``invitee.canceled`` (a reschedule sends both),
``invitee_no_show.created``, ``invitee_no_show.deleted`` (the payload is the
invitee, its ``no_show`` set) and ``routing_form_submission.created``.

Identity: Calendly sends no event id. An event is its type, the ``uri`` of the
resource in its payload (the invitee, or the routing form submission) and its
``created_at``, all from the signed body; a body without them is identified by its
type and whole payload. The signed ``t`` keeps a captured request from verifying
for longer than the tolerance; within it, an idempotency store makes the replay a
duplicate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .._errors import PayloadError
from .._events import Event, JSONObject, JSONValue, Reader, constructor
from .._headers import Headers
from .._schemes import Clock, KeyedListSignature, Keyring, SecretInput, encode_secrets
from ._base import Provider

__all__ = [
    "Calendly",
    "CalendlyEvent",
    "InviteeCanceled",
    "InviteeCreated",
    "InviteeEvent",
    "InviteeNoShowCreated",
    "InviteeNoShowDeleted",
    "RoutingFormSubmissionCreated",
]

DEFAULT_TOLERANCE = 180.0
"""Calendly's documented tolerance zone: 3 minutes."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CalendlyEvent(Event):
    """Any Calendly webhook; ``type`` is ``event``, ``timestamp`` its ``created_at``.

    ``data`` is the body's ``payload`` object (the whole body stays in ``payload``);
    ``uri`` is that object's ``uri``.
    """

    created_by: str | None = None
    data: JSONObject = field(default_factory=dict, repr=False)
    uri: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class InviteeEvent(CalendlyEvent):
    """An invitee event: ``data`` is the invitee (``uri`` required).

    ``scheduled_event`` is the meeting (``scheduled_event_uri`` its URI, also given as
    the invitee's ``event``); ``cancellation`` is set once canceled.
    """

    uri: str
    email: str | None = None
    name: str | None = None
    status: str | None = None
    timezone: str | None = None
    rescheduled: bool | None = None
    cancel_url: str | None = None
    reschedule_url: str | None = None
    old_invitee: str | None = None
    new_invitee: str | None = None
    scheduled_event_uri: str | None = None
    scheduled_event: JSONObject = field(default_factory=dict, repr=False)
    cancellation: JSONObject = field(default_factory=dict, repr=False)
    questions_and_answers: tuple[JSONObject, ...] = field(default=(), repr=False)
    tracking: JSONObject = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class InviteeCreated(InviteeEvent):
    """``invitee.created``: a meeting was booked (or rebooked: ``old_invitee`` is set)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class InviteeCanceled(InviteeEvent):
    """``invitee.canceled``: a booking was canceled (``rescheduled`` when it moved)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class InviteeNoShowCreated(InviteeEvent):
    """``invitee_no_show.created``: the invitee was marked as a no-show (``no_show``)."""

    no_show: JSONObject = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class InviteeNoShowDeleted(InviteeEvent):
    """``invitee_no_show.deleted``: a no-show mark was removed."""

    no_show: JSONObject = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class RoutingFormSubmissionCreated(CalendlyEvent):
    """``routing_form_submission.created``: ``data`` is the submission (``uri`` required)."""

    uri: str
    routing_form: str | None = None
    submitter: str | None = None
    submitter_type: str | None = None
    questions_and_answers: tuple[JSONObject, ...] = field(default=(), repr=False)
    result: JSONObject = field(default_factory=dict, repr=False)
    tracking: JSONObject = field(default_factory=dict, repr=False)


_INVITEE: dict[str, type[InviteeEvent]] = {
    "invitee.created": InviteeCreated,
    "invitee.canceled": InviteeCanceled,
    "invitee_no_show.created": InviteeNoShowCreated,
    "invitee_no_show.deleted": InviteeNoShowDeleted,
}
_NEW: dict[type[CalendlyEvent], Callable[..., CalendlyEvent]] = {
    cls: constructor(cls) for cls in (CalendlyEvent, RoutingFormSubmissionCreated, *_INVITEE.values())
}


def _objects(reader: Reader, key: str) -> tuple[JSONObject, ...]:
    value = reader.raw(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise PayloadError(f"{reader.where}.{key} must be an array of objects")
    return tuple(item for item in value if isinstance(item, dict))


def calendly_event(payload: JSONValue) -> CalendlyEvent:
    """The typed event for one Calendly body."""
    body = Reader(payload, "body")
    kind = body.kind("event")
    data = body.child("payload")
    common: dict[str, object] = {
        "provider": "calendly",
        "type": kind,
        "timestamp": body.time("created_at"),
        "payload": payload,
        "created_by": body.text("created_by"),
        "data": data.data,
    }
    invitee = _INVITEE.get(kind)
    if invitee is not None:
        scheduled = data.child("scheduled_event")
        extra: dict[str, object] = {}
        if invitee is InviteeNoShowCreated or invitee is InviteeNoShowDeleted:
            extra["no_show"] = data.mapping("no_show")
        return _NEW[invitee](
            **common,
            **extra,
            uri=data.required_text("uri"),
            email=data.text("email"),
            name=data.text("name"),
            status=data.text("status"),
            timezone=data.text("timezone"),
            rescheduled=data.boolean("rescheduled"),
            cancel_url=data.text("cancel_url"),
            reschedule_url=data.text("reschedule_url"),
            old_invitee=data.text("old_invitee"),
            new_invitee=data.text("new_invitee"),
            scheduled_event_uri=scheduled.text("uri") or data.text("event"),
            scheduled_event=scheduled.data,
            cancellation=data.mapping("cancellation"),
            questions_and_answers=_objects(data, "questions_and_answers"),
            tracking=data.mapping("tracking"),
        )
    if kind == "routing_form_submission.created":
        return _NEW[RoutingFormSubmissionCreated](
            **common,
            uri=data.required_text("uri"),
            routing_form=data.text("routing_form"),
            submitter=data.text("submitter"),
            submitter_type=data.text("submitter_type"),
            questions_and_answers=_objects(data, "questions_and_answers"),
            result=data.mapping("result"),
            tracking=data.mapping("tracking"),
        )
    return _NEW[CalendlyEvent](**common, uri=data.text("uri"))


class Calendly(Provider):
    """Calendly webhook subscriptions (``Calendly-Webhook-Signature: t=..,v1=..``)."""

    name = "calendly"
    signature_header = "Calendly-Webhook-Signature"

    __slots__ = ()

    def __init__(
        self, *, secret: SecretInput, tolerance: float = DEFAULT_TOLERANCE, clock: Clock | None = None
    ) -> None:
        """Args:
        secret: the webhook signing key, or several during a rotation (a ``Secret``
            with ``expires_at`` stops verifying at that time).
        tolerance: seconds the signed ``t`` may differ from now, either way
            (default 180, Calendly's documented 3 minutes).
        """
        scheme = KeyedListSignature(
            Keyring(encode_secrets(secret, "secret"), "sha256"),
            header=self.signature_header,
            entry_label="v1",
            separator=b".",
            tolerance=tolerance,
        )
        super().__init__(scheme, clock=clock)

    def events_from(self, payload: JSONValue, headers: Headers) -> list[Event]:
        """One typed event per body."""
        return [calendly_event(payload)]

    def identity(self, event: Event) -> str:
        """Its type, its resource's ``uri`` and its ``created_at``, from the signed body."""
        if isinstance(event, CalendlyEvent) and event.uri is not None and isinstance(event.payload, dict):
            created_at = event.payload.get("created_at")
            if isinstance(created_at, str) and created_at:
                return f"{event.type}\0{event.uri}\0{created_at}"
        return super().identity(event)  # no id of its own: its type and payload
