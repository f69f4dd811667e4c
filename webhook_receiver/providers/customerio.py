"""Customer.io Data Pipelines, Webhook destination.

``X-Signature`` is the hex HMAC-SHA1 of the raw body under the shared secret (upper-
or lower-case hex both accepted). There is no timestamp, so a captured request stays
valid: pair this provider with an idempotency store to make replays harmless.

Bodies are one event object, or a batch: a JSON array of up to 1000 of them, which
becomes one event per element, in order. The events follow the Data Pipelines
(Segment-style) spec: ``identify``, ``track`` (with its named ``event``), ``page``,
``screen``, ``group`` and ``alias``. An action mapped to a custom body without a
``type`` arrives as a :class:`CustomerIOEvent` of type ``"custom"``.

Identity: each event of a batch by its type and ``messageId`` (else its type and
payload), all read from the signed body; a retried batch skips the events already
done. Nothing signs a time, so a captured request can be replayed at any time: only
an idempotency store makes that harmless.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .._errors import PayloadError
from .._events import (
    CUSTOM,
    Event,
    JSONObject,
    JSONValue,
    Reader,
    Take,
    constructor,
    event_builder,
    mapping_field,
    required_text_field,
    text_field,
    time_field,
    to_datetime,
)
from .._headers import Headers
from .._schemes import Clock, HmacSignature, Keyring, SecretInput, encode_secrets
from ._base import Provider

__all__ = [
    "Alias",
    "CustomerIO",
    "CustomerIOEvent",
    "Group",
    "Identify",
    "Page",
    "Screen",
    "Track",
]

MAX_BATCH = 1000


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomerIOEvent(Event):
    """Any Data Pipelines event; types without a class of their own arrive as this.

    ``id`` is the event's ``messageId``; ``timestamp`` its ``timestamp``.
    """

    user_id: str | None = None
    anonymous_id: str | None = None
    context: JSONObject = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Identify(CustomerIOEvent):
    """``identify``: who the user is, and their ``traits``."""

    traits: JSONObject = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Track(CustomerIOEvent):
    """``track``: a named action (``event``, e.g. ``"Signed Up"``) with ``properties``."""

    event: str
    properties: JSONObject = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Page(CustomerIOEvent):
    """``page``: a web page view."""

    name: str | None = None
    properties: JSONObject = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Screen(CustomerIOEvent):
    """``screen``: a mobile screen view."""

    name: str | None = None
    properties: JSONObject = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Group(CustomerIOEvent):
    """``group``: the user belongs to ``group_id`` (an account, a company)."""

    group_id: str
    traits: JSONObject = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Alias(CustomerIOEvent):
    """``alias``: ``previous_id`` and ``user_id`` are the same person."""

    previous_id: str


# constructor(cls) makes the same instance as cls(...), without a frozen dataclass's
# per-field object.__setattr__ (see _events.constructor).
_new_identify = constructor(Identify)
_new_track = constructor(Track)
_new_page = constructor(Page)
_new_screen = constructor(Screen)
_new_group = constructor(Group)
_new_alias = constructor(Alias)
_new_event = constructor(CustomerIOEvent)


def customerio_event(payload: JSONValue, where: str = "body", index: int | None = None) -> CustomerIOEvent:
    """The typed event for one Data Pipelines event object (``where[index]`` in a batch)."""
    # A batch holds up to 1000 events, so each field's usual case (a string, an object,
    # a time, or absent) is read here, without a Reader: one is made only for a field
    # that needs Reader's conversion or error, which then reads that field again. The
    # fields are read in the order Reader would read them, so the first bad one is the
    # one reported.
    # Not a dict: a dict subclass, or Reader's error.
    data = payload if type(payload) is dict else Reader(payload, where, index).data
    get = data.get
    kind = get("type")
    if type(kind) is not str or not kind:
        kind = Reader(data, where, index).kind("type") if "type" in data else CUSTOM
    message_id = get("messageId")
    if message_id is not None and type(message_id) is not str:
        message_id = Reader(data, where, index).text("messageId")
    time = get("timestamp")
    timestamp = None if time is None else to_datetime(time) or Reader(data, where, index).time("timestamp")
    user_id = get("userId")
    if user_id is not None and type(user_id) is not str:
        user_id = Reader(data, where, index).text("userId")
    anonymous_id = get("anonymousId")
    if anonymous_id is not None and type(anonymous_id) is not str:
        anonymous_id = Reader(data, where, index).text("anonymousId")
    context = get("context")
    if type(context) is not dict:
        context = Reader(data, where, index).mapping("context")
    if kind == "track":
        event = get("event")
        if type(event) is not str or not event:
            event = Reader(data, where, index).required_text("event")
        properties = get("properties")
        if type(properties) is not dict:
            properties = Reader(data, where, index).mapping("properties")
        return _new_track(
            provider="customerio",
            type=kind,
            id=message_id,
            timestamp=timestamp,
            payload=payload,
            user_id=user_id,
            anonymous_id=anonymous_id,
            context=context,
            event=event,
            properties=properties,
        )
    if kind == "identify":
        traits = get("traits")
        if type(traits) is not dict:
            traits = Reader(data, where, index).mapping("traits")
        return _new_identify(
            provider="customerio",
            type=kind,
            id=message_id,
            timestamp=timestamp,
            payload=payload,
            user_id=user_id,
            anonymous_id=anonymous_id,
            context=context,
            traits=traits,
        )
    item = Reader(data, where, index)
    if kind == "page" or kind == "screen":
        return (_new_page if kind == "page" else _new_screen)(
            provider="customerio",
            type=kind,
            id=message_id,
            timestamp=timestamp,
            payload=payload,
            user_id=user_id,
            anonymous_id=anonymous_id,
            context=context,
            name=item.text("name"),
            properties=item.mapping("properties"),
        )
    if kind == "group":
        return _new_group(
            provider="customerio",
            type=kind,
            id=message_id,
            timestamp=timestamp,
            payload=payload,
            user_id=user_id,
            anonymous_id=anonymous_id,
            context=context,
            group_id=item.required_text("groupId"),
            traits=item.mapping("traits"),
        )
    if kind == "alias":
        return _new_alias(
            provider="customerio",
            type=kind,
            id=message_id,
            timestamp=timestamp,
            payload=payload,
            user_id=user_id,
            anonymous_id=anonymous_id,
            context=context,
            previous_id=item.required_text("previousId"),
        )
    return _new_event(
        provider="customerio",
        type=kind,
        id=message_id,
        timestamp=timestamp,
        payload=payload,
        user_id=user_id,
        anonymous_id=anonymous_id,
        context=context,
    )


_COMMON: dict[str, Take] = {
    "id": text_field("messageId"),
    "timestamp": time_field("timestamp"),
    "user_id": text_field("userId"),
    "anonymous_id": text_field("anonymousId"),
    "context": mapping_field("context"),
}
_PROPERTIES, _TRAITS = mapping_field("properties"), mapping_field("traits")
# customerio_event for the usual object, compiled (event_builder): the same event, or
# customerio_event's answer; a batch goes through its each().
_build_event = event_builder(
    customerio_event,
    provider="customerio",
    kind="type",
    shapes={
        "track": (Track, _COMMON | {"event": required_text_field("event"), "properties": _PROPERTIES}),
        "identify": (Identify, _COMMON | {"traits": _TRAITS}),
        "page": (Page, _COMMON | {"name": text_field("name"), "properties": _PROPERTIES}),
        "screen": (Screen, _COMMON | {"name": text_field("name"), "properties": _PROPERTIES}),
        "group": (Group, _COMMON | {"group_id": required_text_field("groupId"), "traits": _TRAITS}),
        "alias": (Alias, _COMMON | {"previous_id": required_text_field("previousId")}),
    },
    default=(CustomerIOEvent, _COMMON),
)
_build_each: Callable[[list[JSONValue], str], list[Event]] | None = getattr(_build_event, "each", None)


class CustomerIO(Provider):
    """Customer.io Data Pipelines webhooks (``identify``, ``track``, batches of up to 1000)."""

    name = "customerio"
    signature_header = "X-Signature"
    # The webhook action's method is configurable in Customer.io.
    methods = ("POST", "PUT", "PATCH", "DELETE")
    max_batch = MAX_BATCH

    __slots__ = ()

    def __init__(self, *, secret: SecretInput, clock: Clock | None = None) -> None:
        """Args:
        secret: the destination's Shared Secret, or several during a rotation.
        """
        keyring = Keyring(encode_secrets(secret, "secret"), "sha1")
        super().__init__(HmacSignature(keyring, header=self.signature_header), clock=clock)

    def events_from(self, payload: JSONValue, headers: Headers) -> list[Event]:
        """One event per object; a batch (JSON array) keeps its order."""
        if not isinstance(payload, list):
            return [_build_event(payload)]
        if not payload:
            raise PayloadError("batch is empty")
        if len(payload) > MAX_BATCH:
            raise PayloadError(f"batch has {len(payload)} events; Customer.io sends at most {MAX_BATCH}")
        if _build_each is not None and type(payload) is list:
            return _build_each(payload, "body")
        return [customerio_event(item, "body", index) for index, item in enumerate(payload)]
