"""Linear: ``Linear-Signature`` = hex HMAC-SHA256 of the body; ``webhookTimestamp`` inside it.

What Linear documents (linear.app/developers/webhooks, "Securing webhooks", and
its SDK's ``LinearWebhookClient.verify``): the ``Linear-Signature`` header is the
hex HMAC-SHA256 of the raw body under the webhook's signing secret. Linear signs
no header: the send time travels inside the signed body as ``webhookTimestamp``
(unix milliseconds), and receivers should refuse a delivery whose
``webhookTimestamp`` is more than a minute from their clock, "to guard against
replay attacks"; the SDK checks the signature first, then
``|now - webhookTimestamp| > 60 s``.

So does :class:`LinearSignature`: the signature first (the timestamp means
nothing before the body is known to be Linear's), then the signed
``webhookTimestamp``, both ways, within ``tolerance`` (default 60 seconds,
Linear's). Decision: a verified body without an integer ``webhookTimestamp`` is
refused (``PayloadError``, 400) rather than accepted unchecked as the SDK does:
Linear always sends it, and without it nothing bounds a replay.

Body: ``{action, type, data, url, createdAt, actor, updatedFrom, webhookTimestamp,
webhookId, organizationId}``. Decision: ``type`` is ``"<type>.<action>"``
(``"Issue.create"``, ``"Comment.remove"``), so ``"Issue.*"`` handlers see every
issue event.

Identity: Linear's body has no event id (``webhookId`` names the webhook, the same
for all its deliveries; ``Linear-Delivery`` is a header, not signed). Decision: an
event is its whole signed payload except ``webhookTimestamp``, the one field that
changes when Linear sends the same event again; what changed, when
(``createdAt``), to which entity (``data``) and why are all in it, so distinct
events never collide and a redelivery is a duplicate. Replay: a captured request
is refused a minute after it was sent; within that minute, an idempotency store
recognises it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from .._errors import ConfigurationError, PayloadError, TimestampOutsideTolerance
from .._events import MAX_TIMESTAMP_DIGITS, Event, JSONObject, JSONValue, Reader, constructor, decode_json
from .._headers import Headers, HeadersLike
from .._schemes import (
    Clock,
    DecodedVerified,
    HmacSignature,
    Keyring,
    SecretInput,
    Verified,
    compiled_checker,
    encode_secrets,
)
from ._base import Provider, payload_identity

__all__ = [
    "DEFAULT_TOLERANCE",
    "Linear",
    "LinearCommentEvent",
    "LinearEvent",
    "LinearIssueEvent",
    "LinearSignature",
    "signed_timestamp",
]

DEFAULT_TOLERANCE = 60.0
"""Linear's own: a delivery more than a minute from now is refused."""

TIMESTAMP_FIELD = "webhookTimestamp"
SIGNATURE_HEADER = "Linear-Signature"


def signed_timestamp(payload: JSONValue) -> int:
    """The body's ``webhookTimestamp`` (unix milliseconds).

    Raises:
        PayloadError: the body is not an object, or its ``webhookTimestamp`` is
            missing or not a whole, non-negative number of milliseconds.
    """
    value = Reader(payload, "body").integer(TIMESTAMP_FIELD)
    if value is None:
        raise PayloadError(f"body.{TIMESTAMP_FIELD} is missing: nothing bounds a replay of this request")
    if value < 0 or len(str(value)) > MAX_TIMESTAMP_DIGITS:
        raise PayloadError(f"body.{TIMESTAMP_FIELD} is not a time in milliseconds")
    return value


class LinearSignature(HmacSignature):
    """``Linear-Signature`` over the body, then the signed ``webhookTimestamp`` against the clock."""

    reads_any_headers = True
    """``verify`` takes any ``HeadersLike`` (see ``_schemes.BUILTIN_SCHEMES``)."""

    __slots__ = ("_check_signature",)

    def __init__(self, keyring: Keyring, *, tolerance: float = DEFAULT_TOLERANCE) -> None:
        super().__init__(keyring, header=SIGNATURE_HEADER, tolerance=tolerance)
        # The signature alone is a plain HmacSignature's: the compiled path checks it
        # when built (this subclass is not one it serves), else its own verify().
        signature = HmacSignature(keyring, header=SIGNATURE_HEADER, tolerance=tolerance)
        self._check_signature = compiled_checker(signature) or signature.verify

    def verify(self, headers: HeadersLike, body: bytes, now: float) -> Verified:
        """Raise unless the signature matches, then unless ``webhookTimestamp`` is within the tolerance.

        Raises:
            VerificationError: the signature is missing, malformed or wrong, or the
                signed timestamp is outside the tolerance.
            PayloadError: the body is signed but is not JSON with a
                ``webhookTimestamp`` (see the module's docstring).
        """
        self._check_signature(headers, body, now)
        # The body may come as a bytearray or memoryview (Provider.verify accepts them).
        raw = body if type(body) is bytes else bytes(body)
        payload = decode_json(raw)
        millis = signed_timestamp(payload)
        signed_at = millis / 1000
        age = now - signed_at
        tolerance = self.tolerance
        if not -tolerance <= age <= tolerance:
            raise TimestampOutsideTolerance(age, tolerance)
        # The payload goes with the result, so the request's body is decoded once.
        return DecodedVerified(str(millis), signed_at, None, payload, raw)


@dataclass(frozen=True, slots=True, kw_only=True)
class LinearEvent(Event):
    """Any Linear webhook event.

    ``type`` is ``"<entity type>.<action>"``; ``entity_type`` and ``action`` are the
    body's ``type`` (``"Issue"``) and ``action`` (``"create"``, ``"update"``,
    ``"remove"``, ...), ``timestamp`` its ``createdAt`` (when the action happened),
    ``data`` the entity and ``entity_id`` its id, ``updated_from`` the previous
    values of what an ``update`` changed. ``delivery_id`` is the unsigned
    ``Linear-Delivery`` header, for logs only. ``id`` is ``None``: Linear gives no
    event id (see the module's docstring).
    """

    action: str
    entity_type: str
    entity_id: str | None = None
    url: str | None = None
    webhook_id: str | None = None
    organization_id: str | None = None
    webhook_timestamp: datetime | None = None
    actor: JSONObject | None = field(default=None, repr=False)
    data: JSONObject = field(default_factory=dict, repr=False)
    updated_from: JSONObject | None = field(default=None, repr=False)
    delivery_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class LinearIssueEvent(LinearEvent):
    """``Issue.*``: ``identifier`` is the human id (``"ENG-123"``)."""

    identifier: str | None = None
    title: str | None = None
    priority: int | None = None
    team_id: str | None = None
    state_id: str | None = None
    assignee_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class LinearCommentEvent(LinearEvent):
    """``Comment.*``: a comment on ``issue_id``."""

    body: str | None = None
    issue_id: str | None = None
    user_id: str | None = None


_BY_ENTITY: dict[str, type[LinearEvent]] = {"Issue": LinearIssueEvent, "Comment": LinearCommentEvent}
# constructor(cls) makes the same instance as cls(...), faster (see _events.constructor).
_CLASSES: tuple[type[LinearEvent], ...] = (LinearEvent, *_BY_ENTITY.values())
_NEW: dict[type[LinearEvent], Callable[..., LinearEvent]] = {cls: constructor(cls) for cls in _CLASSES}


def _optional_mapping(reader: Reader, key: str) -> JSONObject | None:
    return reader.mapping(key) if reader.raw(key) is not None else None


def linear_event(payload: JSONValue, headers: Headers) -> LinearEvent:
    """The typed event for one Linear body (and the unsigned ``Linear-Delivery`` header).

    Raises:
        PayloadError: no ``type`` or ``action``, or a field of the wrong JSON type.
    """
    body = Reader(payload, "body")
    entity_type = body.kind("type")
    action = body.kind("action")
    cls = _BY_ENTITY.get(entity_type, LinearEvent)
    data = body.child("data")
    stamp = body.integer(TIMESTAMP_FIELD)
    delivery = headers.getlist("Linear-Delivery")
    fields: dict[str, object] = {
        "provider": "linear",
        "type": f"{entity_type}.{action}",
        "timestamp": body.time("createdAt"),
        "payload": payload,
        "action": action,
        "entity_type": entity_type,
        "entity_id": data.text("id"),
        "url": body.text("url"),
        "webhook_id": body.text("webhookId"),
        "organization_id": body.text("organizationId"),
        "webhook_timestamp": body.time(TIMESTAMP_FIELD) if stamp is not None else None,
        "actor": _optional_mapping(body, "actor"),
        "data": data.data,
        "updated_from": _optional_mapping(body, "updatedFrom"),
        "delivery_id": delivery[0] if len(delivery) == 1 else None,
    }
    if cls is LinearIssueEvent:
        fields.update(
            identifier=data.text("identifier"),
            title=data.text("title"),
            priority=data.integer("priority"),
            team_id=data.text("teamId"),
            state_id=data.text("stateId"),
            assignee_id=data.text("assigneeId"),
        )
    elif cls is LinearCommentEvent:
        fields.update(body=data.text("body"), issue_id=data.text("issueId"), user_id=data.text("userId"))
    return _NEW[cls](**fields)


class Linear(Provider):
    """Linear webhooks: ``Issue``, ``Comment``, ``Project``, ... ``create``/``update``/``remove``."""

    name = "linear"
    signature_header = SIGNATURE_HEADER
    event_header_names = ("Linear-Delivery",)

    __slots__ = ()

    def __init__(
        self, *, secret: SecretInput, tolerance: float = DEFAULT_TOLERANCE, clock: Clock | None = None
    ) -> None:
        """Args:
        secret: the webhook's signing secret, or several during a rotation.
        tolerance: seconds the signed ``webhookTimestamp`` may differ from now,
            either way (default 60, Linear's).
        """
        keyring = Keyring(encode_secrets(secret, "secret"), "sha256")
        super().__init__(LinearSignature(keyring, tolerance=tolerance), clock=clock)

    def events_from(self, payload: JSONValue, headers: Headers) -> list[Event]:
        """One typed event."""
        return [linear_event(payload, headers)]

    def identity(self, event: Event) -> str:
        """The signed payload without ``webhookTimestamp`` (see the module's docstring)."""
        payload = event.payload
        if isinstance(payload, dict) and TIMESTAMP_FIELD in payload:
            payload = {key: value for key, value in payload.items() if key != TIMESTAMP_FIELD}
        return payload_identity(payload)

    def sign_request(
        self, body: bytes, *, now: float | None = None, private_key: str | bytes | None = None
    ) -> tuple[dict[str, str], bytes]:
        """The headers and the body Linear would send for ``body`` at ``now``.

        Linear writes the send time into the body, so a JSON object body gets
        ``webhookTimestamp`` set to ``now`` (in milliseconds) before it is signed;
        a body that already carries that time is sent byte for byte. Anything else
        is signed as it is (and :meth:`verify` will refuse it).
        """
        if private_key is not None:
            raise ConfigurationError("linear is verified with a shared secret: sign without private_key")
        at = self.clock() if now is None else now
        raw = _stamped(bytes(body), int(at * 1000))
        return self.sign(raw, now=at), raw


def _stamped(body: bytes, millis: int) -> bytes:
    """``body`` with its top-level ``webhookTimestamp`` set to ``millis`` (compact JSON)."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        return body
    if not isinstance(payload, dict) or payload.get(TIMESTAMP_FIELD) == millis:
        return body
    payload[TIMESTAMP_FIELD] = millis
    return json.dumps(payload, separators=(",", ":")).encode()
