"""The inline field reads of seven event builders against the Reader-based code they replaced.

To make typed events cheaper (issue 18), ``courier_event`` (with ``_message``),
``customerio_event``, ``kourier_event`` and the ``events_from`` of Stripe, Standard
Webhooks, Slack (Events API bodies) and GitHub read their usual fields inline and make
a :class:`Reader` only for a field that needs its conversion or its error, in the same
order, so that the first bad field is the one reported. Their promise is the same
events and the same ``PayloadError`` messages as the Reader-based code.

The ``reference_*`` functions below are that code, from git history (the parents of
the commits that inlined each builder), reduced to its reading logic: every field read
through a Reader, in the old order. Hypothesis feeds both the same payloads (good
values mixed with every JSON type per field, dict and str subclasses, missing keys,
bodies that are no object, and for Standard Webhooks and GitHub varied headers), and
each pair must agree: the same event classes with the same fields (the same objects
where a payload's object is passed through), or the same exception type and message.
``pytest --hypothesis-show-statistics`` shows what the examples came to (events by
class, errors by field).

Random payloads seldom make two given fields bad with every field read before them
good, which is what a swap of two reads needs to show, so the last test also gives
every pair of fields of good payloads of each shape the same odd value.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import itertools
import math
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import currently_in_test_context, event, given, settings
from hypothesis import strategies as st

from webhook_receiver import Headers, providers
from webhook_receiver._errors import PayloadError
from webhook_receiver._events import CUSTOM, Event, JSONValue, PythonReader, Reader, member, to_datetime
from webhook_receiver.providers import courier, customerio, github, kourier, slack, standard_webhooks, stripe
from webhook_receiver.providers._base import generic_event
from webhook_receiver.providers.courier import Message, MessageStatus
from webhook_receiver.providers.kourier import DeliveryStatus
from webhook_receiver.testing import DEMO_OPTIONS

# --- the specification: the Reader-based builders ------------------------------------------------


def reference_customerio_event(
    payload: JSONValue, where: str = "body", index: int | None = None
) -> customerio.CustomerIOEvent:
    """The specification ``customerio_event`` must match (before 8dcc55b): every field through a Reader."""
    item = Reader(payload, where, index)
    kind = item.kind("type") if "type" in item.data else CUSTOM
    common: dict[str, Any] = {
        "provider": "customerio",
        "type": kind,
        "id": item.text("messageId"),
        "timestamp": item.time("timestamp"),
        "payload": payload,
        "user_id": item.text("userId"),
        "anonymous_id": item.text("anonymousId"),
        "context": item.mapping("context"),
    }
    if kind == "track":
        return customerio.Track(
            **common, event=item.required_text("event"), properties=item.mapping("properties")
        )
    if kind == "identify":
        return customerio.Identify(**common, traits=item.mapping("traits"))
    if kind in ("page", "screen"):
        cls = customerio.Page if kind == "page" else customerio.Screen
        return cls(**common, name=item.text("name"), properties=item.mapping("properties"))
    if kind == "group":
        return customerio.Group(
            **common, group_id=item.required_text("groupId"), traits=item.mapping("traits")
        )
    if kind == "alias":
        return customerio.Alias(**common, previous_id=item.required_text("previousId"))
    return customerio.CustomerIOEvent(**common)


def reference_stripe_events(payload: JSONValue) -> list[Event]:
    """The specification ``Stripe.events_from`` must match (before f526d96)."""
    body = Reader(payload, "body")
    return [
        stripe.StripeEvent(
            provider="stripe",
            type=body.kind("type"),
            id=body.text("id"),
            timestamp=body.time("created"),
            payload=payload,
            object=Reader(body.mapping("data"), "body.data").mapping("object"),
            livemode=body.boolean("livemode"),
            api_version=body.text("api_version"),
        )
    ]


_KOURIER_DOCUMENTED: dict[str, type[kourier.KourierEvent]] = {
    "delivery.created": kourier.DeliveryCreated,
    "delivery.updated": kourier.DeliveryUpdated,
    "delivery.cancelled": kourier.DeliveryCancelled,
}


def reference_kourier_event(payload: JSONValue) -> kourier.KourierEvent:
    """The specification ``kourier_event`` must match (before 3039797)."""
    body = Reader(payload, "body")
    kind = body.kind("event")
    cls = _KOURIER_DOCUMENTED.get(kind, kourier.KourierEvent)
    documented = cls is not kourier.KourierEvent
    status = body.required_text("status") if cls is kourier.DeliveryUpdated else body.text("status")
    return cls(
        provider="kourier",
        type=kind,
        timestamp=body.time("timestamp"),
        payload=payload,
        delivery_id=body.required_text("delivery_id") if documented else body.text("delivery_id"),
        status=member(DeliveryStatus, status) if status else None,
    )


def reference_courier_message(data: Reader) -> Message:
    """The specification ``courier._message`` must match (before d56de65)."""
    return Message(
        id=data.required_text("id"),
        status=member(MessageStatus, data.required_text("status")),
        recipient=data.text("recipient"),
        event=data.text("event"),
        notification=data.text("notification"),
        enqueued=data.time("enqueued"),
        sent=data.time("sent"),
        delivered=data.time("delivered"),
        opened=data.time("opened"),
        clicked=data.time("clicked"),
        error=data.text("error"),
        reason=data.text("reason"),
    )


_COURIER_NOTIFICATIONS: dict[str, type[courier.NotificationEvent]] = {
    "notification:submitted": courier.NotificationSubmitted,
    "notification:submission_canceled": courier.NotificationSubmissionCanceled,
    "notification:published": courier.NotificationPublished,
}
_COURIER_AUDIENCE_USERS: dict[str, type[courier.AudienceUserEvent]] = {
    "audiences:user:matched": courier.AudienceUserMatched,
    "audiences:user:unmatched": courier.AudienceUserUnmatched,
}


def reference_courier_event(payload: JSONValue, timestamp: datetime | None = None) -> courier.CourierEvent:
    """The specification ``courier_event`` must match (before d56de65)."""
    body = Reader(payload, "body")
    kind = body.kind("type")
    fields = body.mapping("data")
    data = Reader(fields, "body.data")
    audience_id = data.text("audience_id") or data.text("id")
    common: dict[str, Any] = {
        "provider": "courier",
        "type": kind,
        "timestamp": timestamp,
        "payload": payload,
        "data": fields,
    }
    if kind == "message:updated":
        return courier.MessageUpdated(**common, message=reference_courier_message(data))
    if kind in _COURIER_NOTIFICATIONS:
        notification_id = data.text("notification_id") or data.text("id")
        return _COURIER_NOTIFICATIONS[kind](**common, notification_id=notification_id)
    if kind in _COURIER_AUDIENCE_USERS:
        return _COURIER_AUDIENCE_USERS[kind](
            **common,
            audience_id=audience_id,
            user_id=data.text("user_id"),
            audience_version=data.integer("audience_version"),
        )
    if kind == "audiences:updated":
        return courier.AudienceUpdated(
            **common, audience_id=audience_id, name=data.text("name"), description=data.text("description")
        )
    if kind == "audiences:calculated":
        return courier.AudienceCalculated(
            **common, audience_id=audience_id, total_users_matched=data.integer("total_users_matched")
        )
    return courier.CourierEvent(**common)


def reference_standard_webhooks_events(payload: JSONValue, headers: Headers) -> list[Event]:
    """The specification ``StandardWebhooks.events_from`` must match (before 90cd0dc)."""
    body = Reader(payload, "body")
    msg_id = next((v[0] for v in (headers.getlist("webhook-id"), headers.getlist("svix-id")) if v), None)
    header_time = next(
        (v[0] for v in (headers.getlist("webhook-timestamp"), headers.getlist("svix-timestamp")) if v),
        None,
    )
    return [
        standard_webhooks.StandardWebhooksEvent(
            provider="standard-webhooks",
            type=body.kind("type"),
            id=msg_id,
            timestamp=body.time("timestamp") or to_datetime(header_time),
            payload=payload,
            data=body.raw("data"),
        )
    ]


def reference_slack_events(provider: slack.Slack, payload: JSONValue) -> list[Event]:
    """The specification ``Slack.events_from`` must match (before 2024342).

    Slash commands and interactions are read by the provider's own (unchanged) methods.
    """
    body = Reader(payload, "body")
    data = body.data
    if data.get("type") is None:
        if "ssl_check" in data:
            return [slack.SlackEvent(provider="slack", type=slack.SSL_CHECK, payload=payload)]
        if "command" in data:
            return [provider._slash_command(body, payload)]
    kind = body.kind("type")
    if kind in slack.INTERACTION_TYPES:
        return [provider._interaction(kind, Reader(payload, "payload"), payload)]
    inner = body.child("event")
    return [
        slack.SlackEvent(
            provider="slack",
            type=kind,
            id=body.text("event_id"),
            timestamp=body.time("event_time"),
            payload=payload,
            event_type=inner.text("type"),
            team_id=body.text("team_id"),
            challenge=body.text("challenge"),
        )
    ]


def reference_github_events(payload: JSONValue, headers: Headers) -> list[Event]:
    """The specification ``GitHub.events_from`` must match (before 703d55d)."""
    body = Reader(payload, "body")
    kind = headers.getlist("X-GitHub-Event")
    delivery = headers.getlist("X-GitHub-Delivery")
    hook_id = headers.getlist("X-GitHub-Hook-ID")
    return [
        github.GitHubEvent(
            provider="github",
            type=kind[0] if len(kind) == 1 and kind[0] else CUSTOM,
            id=delivery[0] if len(delivery) == 1 else None,
            payload=payload,
            action=body.text("action"),
            hook_id=hook_id[0] if len(hook_id) == 1 else None,
        )
    ]


# --- comparing outcomes --------------------------------------------------------------------------


def _containers(value: object, path: str, found: dict[int, str]) -> dict[int, str]:
    """The path of every object and array in ``value``, by identity (the first path wins)."""
    if isinstance(value, dict | list):
        found.setdefault(id(value), path)
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, child in items:
            _containers(child, f"{path}[{key!r}]", found)
    return found


def _flat(value: object, known: dict[int, str]) -> object:
    """``value`` as comparable tuples: dataclasses field by field, containers by where they come
    from (the payload's own object, or a new one and its repr), anything else by type and
    repr (so that NaN equals NaN and a ``str`` subclass differs from a ``str``)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = tuple((f.name, _flat(getattr(value, f.name), known)) for f in dataclasses.fields(value))
        return (type(value), fields)
    if isinstance(value, list) and id(value) not in known:
        return ("new list", tuple(_flat(item, known) for item in value))
    if isinstance(value, dict | list):
        return ("from the payload", known[id(value)]) if id(value) in known else ("new", repr(value))
    if isinstance(value, MessageStatus | DeliveryStatus):
        return (type(value), repr(value), value.known)
    return (type(value), repr(value))


def outcome(build: Callable[[], object], payload: object) -> tuple[object, ...]:
    """``("ok", the result flattened)`` or ``("err", exception type, message)``."""
    try:
        result = build()
    except Exception as exc:  # any exception: the two must raise the same
        return ("err", type(exc), str(exc))
    return ("ok", _flat(result, _containers(payload, "payload", {})))


def _label(result: tuple[Any, ...]) -> str:
    """The event's class, or the field an error names (its index in a batch left out)."""
    if result[0] == "err":
        return "error: " + re.sub(r"\[\d+\]", "[i]", str(result[2]).split(" ")[0])
    flat = result[1]
    cls: type = (flat[1][0] if flat[0] == "new list" else flat)[0]
    return "event: " + cls.__name__


def assert_same(reference: Callable[[], object], inline: Callable[[], object], payload: object) -> None:
    expected, got = outcome(reference, payload), outcome(inline, payload)
    # What was compared, for --hypothesis-show-statistics: an event's class, or the error's
    # message up to the field's name.
    if currently_in_test_context():
        event(_label(expected))
    assert got == expected, f"payload={payload!r}\nreference={expected!r}\ninline={got!r}"


def reference_generic_event(payload: JSONValue) -> Event:
    """The specification ``generic_event`` must match (before its plain conditions): each
    conventional key through a generator, the first usable value taken."""
    if not isinstance(payload, dict):
        return Event(provider="hmac", type=CUSTOM, payload=payload)
    kind = next((v for v in (payload.get("type"), payload.get("event")) if isinstance(v, str) and v), CUSTOM)
    found_id = payload.get("id")
    timestamp = next(
        (t for t in map(to_datetime, (payload.get(k) for k in ("timestamp", "created", "time"))) if t), None
    )
    return Event(
        provider="hmac",
        type=kind,
        id=found_id if isinstance(found_id, str) else None,
        timestamp=timestamp,
        payload=payload,
    )


# --- payloads ------------------------------------------------------------------------------------


class DictSub(dict[str, Any]):
    """A dict subclass: the inline reads test ``type(x) is dict``, Reader ``isinstance``."""


class StrSub(str):
    """A str subclass: the inline reads test ``type(x) is str``, Reader ``isinstance``."""

    __slots__ = ()


TIMES = [
    "2024-01-25T05:34:27.000Z",
    "2024-01-25T05:34:27+01:00",
    "2024-01-25",
    "1706160867",
    "1706160867000",
    " 1706160867 ",
    "17061608670000000",
    "notatime",
    "2024-13-01T00:00:00Z",
    "0001-01-01T00:00:00+01:00",
]
NUMBERS = [0, 1, -5, 1706160867, 1706160867000, 10**11, 10**16, 10**20, -(10**20)]
FLOATS = [0.0, 1.5, 1706160867.25, 1706160867000.5, 1e300, -1e300, math.nan, math.inf]
scalar = st.one_of(st.none(), st.booleans(), st.integers(-9, 9), st.text(max_size=3))
# Every JSON type, and the subclasses a decoder never makes but a caller may pass.
any_value = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from(NUMBERS),
    st.integers(-(10**14), 10**14),
    st.sampled_from(FLOATS),
    st.floats(),
    st.just(""),
    st.sampled_from(TIMES),
    st.text(max_size=6),
    st.lists(scalar, max_size=2),
    st.dictionaries(st.sampled_from(["id", "type", "object"]), scalar, max_size=2),
    st.dictionaries(st.text(max_size=2), scalar, max_size=2).map(DictSub),
    st.text(max_size=4).map(StrSub),
)


def mostly(usual: st.SearchStrategy[Any], rare: st.SearchStrategy[Any], n: int) -> st.SearchStrategy[Any]:
    """``rare`` about once in ``n`` draws, else ``usual`` (``one_of`` draws its branches evenly)."""
    return st.integers(1, n).flatmap(lambda i: rare if i == 1 else usual)


def field(
    *good: Any, inner: st.SearchStrategy[Any] | None = None, odd_one_in: int = 4
) -> st.SearchStrategy[Any]:
    """A field's value: anything once in ``odd_one_in`` draws, else one of ``good`` (or an
    ``inner`` object)."""
    usual = [st.sampled_from(good)] if good else []
    if inner is not None:
        usual.append(inner)
    return mostly(st.one_of(*usual), any_value, odd_one_in)


_MISSING = object()


def obj(fields: dict[str, st.SearchStrategy[Any]], missing_one_in: int = 6) -> st.SearchStrategy[Any]:
    """An object with ``fields``, each left out once in ``missing_one_in``; a tenth of them a
    dict subclass."""
    drawn = st.fixed_dictionaries(
        {key: mostly(value, st.just(_MISSING), missing_one_in) for key, value in fields.items()}
    )
    plain = drawn.map(lambda values: {key: value for key, value in values.items() if value is not _MISSING})
    return mostly(plain, plain.map(DictSub), 10)


def body(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """A body shaped by ``fields``, or (rarely) a value that is no object."""
    return mostly(obj(fields, missing_one_in=10), any_value, 15)


TIME = field(1706160867, 1706160867000, "2024-01-25T05:34:27.000Z", "2024-01-25T05:34:27+01:00")
TEXT = field("x", "1", "abc")
OBJECT = field(inner=obj({"a": field(1)}))

# --- the builders --------------------------------------------------------------------------------

CUSTOMERIO = body(
    {
        "type": field("track", "identify", "page", "screen", "group", "alias", "other", odd_one_in=8),
        "messageId": TEXT,
        "timestamp": TIME,
        "userId": TEXT,
        "anonymousId": TEXT,
        "context": OBJECT,
        "event": TEXT,
        "properties": OBJECT,
        "traits": OBJECT,
        "name": TEXT,
        "groupId": TEXT,
        "previousId": TEXT,
    }
)


@settings(max_examples=400, deadline=None)
@given(
    payload=CUSTOMERIO,
    where=st.sampled_from(["body", "batch"]),
    index=st.one_of(st.none(), st.integers(0, 999)),
)
def test_customerio_event_matches_the_reader_based_reads(payload: Any, where: str, index: int | None) -> None:
    assert_same(
        lambda: reference_customerio_event(payload, where, index),
        lambda: customerio.customerio_event(payload, where, index),
        payload,
    )


STRIPE = body(
    {
        "type": field("invoice.paid", "charge.succeeded", odd_one_in=8),
        "id": field("evt_1"),
        "created": TIME,
        "data": field(inner=obj({"object": OBJECT})),
        "livemode": field(True, False),
        "api_version": field("2024-06-20"),
        "object": field("event"),
    }
)


@settings(max_examples=300, deadline=None)
@given(payload=STRIPE)
def test_stripe_events_from_matches_the_reader_based_reads(payload: Any) -> None:
    provider = stripe.Stripe(secret="whsec_test")
    assert_same(
        lambda: reference_stripe_events(payload),
        lambda: provider.events_from(payload, Headers(())),
        payload,
    )


KOURIER = body(
    {
        "event": field(
            "delivery.created", "delivery.updated", "delivery.cancelled", "delivery.other", odd_one_in=8
        ),
        "delivery_id": field("dlv_1"),
        "status": field("in_transit", "created", "weird_status"),
        "timestamp": TIME,
    }
)


@settings(max_examples=300, deadline=None)
@given(payload=KOURIER)
def test_kourier_event_matches_the_reader_based_reads(payload: Any) -> None:
    assert_same(lambda: reference_kourier_event(payload), lambda: kourier.kourier_event(payload), payload)


# message:updated reads twelve fields: each is odd once in ten, or few would all be good.
COURIER_TEXTS = ["id", "recipient", "event", "notification", "error", "reason", "audience_id"]
COURIER_TEXTS += ["notification_id", "user_id", "name", "description"]
COURIER_DATA: dict[str, st.SearchStrategy[Any]] = dict.fromkeys(COURIER_TEXTS, field("x", "1", odd_one_in=10))
COURIER_DATA["status"] = field("DELIVERED", "SENT", "NEW_STATUS", odd_one_in=10)
COURIER_TIME = field(1706160867000, "2024-01-25T05:34:27.000Z", 1706160867, odd_one_in=10)
COURIER_DATA.update(dict.fromkeys(["enqueued", "sent", "delivered", "opened", "clicked"], COURIER_TIME))
COURIER_DATA.update(dict.fromkeys(["audience_version", "total_users_matched"], field(0, 5)))
COURIER = body(
    {
        "type": field(
            "message:updated",
            "message:updated",
            "message:updated",
            "notification:submitted",
            "notification:submission_canceled",
            "notification:published",
            "audiences:user:matched",
            "audiences:user:unmatched",
            "audiences:updated",
            "audiences:calculated",
            "other",
            odd_one_in=8,
        ),
        "data": field(inner=obj(COURIER_DATA)),
    }
)


@settings(max_examples=400, deadline=None)
@given(payload=COURIER, timestamp=st.sampled_from([None, datetime(2024, 1, 25, 5, 34, 27, tzinfo=UTC)]))
def test_courier_event_matches_the_reader_based_reads(payload: Any, timestamp: datetime | None) -> None:
    assert_same(
        lambda: reference_courier_event(payload, timestamp),
        lambda: courier.courier_event(payload, timestamp),
        payload,
    )


STANDARD_WEBHOOKS = body(
    {
        "type": field("invoice.paid", "a", odd_one_in=8),
        "timestamp": TIME,
        "data": field(inner=obj({"id": TEXT})),
    }
)
STANDARD_HEADERS = st.lists(
    st.tuples(
        st.sampled_from(
            ["webhook-id", "svix-id", "webhook-timestamp", "svix-timestamp", "Webhook-Id", "X-Other"]
        ),
        st.sampled_from(["msg_1", "", "1706160867", "1706160867000", "notatime", "2024-01-25T05:34:27Z"]),
    ),
    max_size=4,
)


@settings(max_examples=300, deadline=None)
@given(payload=STANDARD_WEBHOOKS, headers=STANDARD_HEADERS)
def test_standard_webhooks_events_from_matches_the_reader_based_reads(
    payload: Any, headers: list[tuple[str, str]]
) -> None:
    provider = standard_webhooks.StandardWebhooks(secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    assert_same(
        lambda: reference_standard_webhooks_events(payload, Headers(headers)),
        lambda: provider.events_from(payload, Headers(headers)),
        payload,
    )


SLACK = body(
    {
        "type": field(
            # Mostly the Events API: interactions are read as before the change.
            *sorted(slack.EVENTS_API_TYPES) * 3,
            "block_actions",
            "view_submission",
            "other",
            odd_one_in=8,
        ),
        "event": field(inner=obj({"type": field("message", "app_mention")})),
        "event_id": field("Ev1"),
        "event_time": TIME,
        "team_id": field("T1"),
        "challenge": field("ch"),
        "ssl_check": field("1"),
        "command": field("/x"),
        "text": TEXT,
        "user": field(inner=obj({"id": TEXT})),
        "team": field(inner=obj({"id": TEXT})),
        "view": field(inner=obj({"callback_id": TEXT})),
        "response_url": TEXT,
        "trigger_id": TEXT,
        "callback_id": TEXT,
    }
)


@settings(max_examples=400, deadline=None)
@given(payload=SLACK)
def test_slack_events_from_matches_the_reader_based_reads(payload: Any) -> None:
    provider = slack.Slack(secret="slack-secret")
    assert_same(
        lambda: reference_slack_events(provider, payload),
        lambda: provider.events_from(payload, Headers(())),
        payload,
    )


GITHUB = body({"action": field("opened", ""), "number": field(1)})
GITHUB_HEADERS = st.lists(
    st.tuples(
        st.sampled_from(
            ["X-GitHub-Event", "X-GitHub-Delivery", "X-GitHub-Hook-ID", "x-github-event", "X-Other"]
        ),
        st.sampled_from(["issues", "", "d-1", "1"]),
    ),
    max_size=4,
)


@settings(max_examples=200, deadline=None)
@given(payload=GITHUB, headers=GITHUB_HEADERS)
def test_github_events_from_matches_the_reader_based_reads(
    payload: Any, headers: list[tuple[str, str]]
) -> None:
    provider = github.GitHub(secret="github-secret")
    assert_same(
        lambda: reference_github_events(payload, Headers(headers)),
        lambda: provider.events_from(payload, Headers(headers)),
        payload,
    )


GENERIC = body(
    {
        "type": field("thing.happened", "", odd_one_in=3),
        "event": field("other.thing", "", odd_one_in=3),
        "id": TEXT,
        "timestamp": TIME,
        "created": TIME,
        "time": TIME,
    }
)


@settings(max_examples=400, deadline=None)
@given(payload=GENERIC)
def test_generic_event_matches_the_generator_based_reads(payload: Any) -> None:
    assert_same(
        lambda: reference_generic_event(payload),
        lambda: generic_event("hmac", payload),
        payload,
    )


def reference_signed(headers: Headers) -> tuple[str | None, str | None]:
    """How Resend and Clerk read the signed id and time from an event's headers (before
    ``standard_webhooks.signed_id_and_time``): the first name present, by generators."""
    msg_id = next((v[0] for v in (headers.getlist("webhook-id"), headers.getlist("svix-id")) if v), None)
    stamp = next(
        (v[0] for v in (headers.getlist("webhook-timestamp"), headers.getlist("svix-timestamp")) if v), None
    )
    return msg_id, stamp


@pytest.mark.parametrize("name", ["resend", "clerk", "standard-webhooks"])
@pytest.mark.parametrize(
    "pairs",
    [
        [("webhook-id", "msg_1"), ("webhook-timestamp", "1706160867")],
        [("svix-id", "msg_0.1"), ("svix-timestamp", "1706160000")],  # an event stored by 0.1
        [("svix-id", "msg_0.1"), ("webhook-id", "msg_1"), ("webhook-timestamp", "1706160867")],
        [("webhook-id", "msg_1"), ("svix-timestamp", "1706160000")],
        [("webhook-id", ""), ("webhook-id", "msg_2")],
        [],
    ],
)
def test_the_svix_family_reads_the_signed_id_and_time_as_before(
    name: str, pairs: list[tuple[str, str]]
) -> None:
    headers = Headers(pairs)
    msg_id, stamp = reference_signed(headers)
    assert standard_webhooks.signed_id_and_time(headers) == (msg_id, stamp)
    payload = {"type": "email.sent" if name == "resend" else "user.created", "data": {"id": "x"}}
    (built,) = providers.create(name, **DEMO_OPTIONS[name]).events_from(payload, headers)
    assert built.id == msg_id
    assert built.timestamp == to_datetime(stamp)


def reference_where(root: str, index: int | None, keys: list[str]) -> str:
    """How a reader made by ``child`` for each of ``keys`` in turn was named when it formatted
    its name eagerly: ``f"{parent.where}.{key}"``."""
    where = root if index is None else f"{root}[{index}]"
    for key in keys:
        where = f"{where}.{key}"
    return where


@settings(max_examples=200, deadline=None)
@given(
    root=st.sampled_from(["body", "payload", "body.entry"]),
    index=st.one_of(st.none(), st.integers(0, 999)),
    keys=st.lists(st.text(max_size=4), max_size=4),
    bad=st.sampled_from([1, [], "x", True]),
)
def test_a_child_reader_names_itself_by_its_parent_and_key(
    root: str, index: int | None, keys: list[str], bad: object
) -> None:
    """``child`` names the new reader only when asked (an error): the same name as formatting it at once."""
    payload: dict[str, Any] = {}
    inner = payload
    for key in keys:
        inner[key] = {}
        inner = inner[key]
    inner["field"] = bad
    reader = Reader(payload, root, index)
    for key in keys:
        reader = reader.child(key)
    expected = reference_where(root, index, keys)
    assert reader.where == expected
    assert reader.data is inner
    reading = reader.boolean if not isinstance(bad, bool) else reader.integer
    with pytest.raises(PayloadError) as raised:
        reading("field")
    assert str(raised.value).startswith(f"{expected}.field must be ")
    # A child whose field is not an object: its parent's name and the key, in the error.
    with pytest.raises(PayloadError, match=re.escape(f"{expected}.field must be an object")):
        reader.child("field")


@settings(max_examples=200, deadline=None)
@given(
    root=st.sampled_from(["body", "payload"]),
    index=st.one_of(st.none(), st.integers(0, 999)),
    path=st.lists(st.tuples(st.text(max_size=4), st.integers(0, 99)), min_size=1, max_size=3),
    bad=st.sampled_from([1, [], "x", None]),
)
def test_an_element_reader_names_itself_by_its_parent_key_and_index(
    root: str, index: int | None, path: list[tuple[str, int]], bad: object
) -> None:
    """``element`` names the reader of an array's element only when asked: the same name as
    ``Reader(value, f"{parent.where}.{key}", position)`` gave, formatted at once."""
    payload: dict[str, Any] = {}
    inner = payload
    for key, _ in path:
        inner[key] = [{}]
        inner = inner[key][0]
    inner["field"] = [bad]
    reader = Reader(payload, root, index)
    reference = PythonReader(payload, root, index)
    for key, position in path:
        element = reader.data[key][0]
        reader = reader.element(element, key, position)
        reference = PythonReader(element, f"{reference.where}.{key}", position)
    assert reader.where == reference.where
    assert reader.data is inner
    with pytest.raises(PayloadError) as raised:
        reader.element(bad, "field", 5)
    with pytest.raises(PayloadError) as expected:
        PythonReader(bad, f"{reference.where}.field", 5)
    assert str(raised.value) == str(expected.value)


# --- every pair of odd fields: the first one in the reference's order is reported -----------------

GOOD_TIME = "2024-01-25T05:34:27.000Z"
COURIER_MESSAGE = {
    "id": "m1", "status": "DELIVERED", "recipient": "r", "event": "e", "notification": "n",
    "enqueued": GOOD_TIME, "sent": GOOD_TIME, "delivered": GOOD_TIME, "opened": GOOD_TIME,
    "clicked": GOOD_TIME, "error": "x", "reason": "y",
}  # fmt: skip
COURIER_AUDIENCE = {
    "audience_id": "a1", "id": "i1", "notification_id": "n1", "user_id": "u1", "name": "n",
    "description": "d", "audience_version": 3, "total_users_matched": 5,
}  # fmt: skip
CUSTOMERIO_FIELDS = {
    "messageId": "m1", "timestamp": GOOD_TIME, "userId": "u1", "anonymousId": "a1", "context": {"ip": "1"},
    "event": "Signed Up", "properties": {"p": 1}, "traits": {"t": 1}, "name": "n", "groupId": "g1",
    "previousId": "p1",
}  # fmt: skip
SLACK_PROVIDER = slack.Slack(secret="slack-secret")
# Each builder with good payloads of every shape it reads differently: (reference, inline, payloads).
GOOD_PAYLOADS: dict[str, tuple[Callable[[Any], object], Callable[[Any], object], list[dict[str, Any]]]] = {
    "courier": (
        reference_courier_event,
        courier.courier_event,
        [
            {"type": kind, "data": COURIER_MESSAGE if kind == "message:updated" else COURIER_AUDIENCE}
            for kind in [
                "message:updated",
                "notification:published",
                "audiences:user:matched",
                "audiences:updated",
                "audiences:calculated",
                "other",
            ]
        ],
    ),
    "customerio": (
        reference_customerio_event,
        customerio.customerio_event,
        [
            {"type": kind, **CUSTOMERIO_FIELDS}
            for kind in ["track", "identify", "page", "screen", "group", "alias", "other"]
        ],
    ),
    "kourier": (
        reference_kourier_event,
        kourier.kourier_event,
        [
            {"event": kind, "delivery_id": "d1", "status": "in_transit", "timestamp": GOOD_TIME}
            for kind in ["delivery.created", "delivery.updated", "delivery.other"]
        ],
    ),
    "stripe": (
        reference_stripe_events,
        lambda payload: stripe.Stripe(secret="whsec_test").events_from(payload, Headers(())),
        [
            {
                "type": "invoice.paid",
                "id": "evt_1",
                "created": 1706160867,
                "livemode": False,
                "data": {"object": {"id": "in_1"}},
                "api_version": "2024-06-20",
            }
        ],
    ),
    "standard-webhooks": (
        lambda payload: reference_standard_webhooks_events(payload, Headers({"webhook-id": "m"})),
        lambda payload: standard_webhooks.StandardWebhooks(
            secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        ).events_from(payload, Headers({"webhook-id": "m"})),
        [{"type": "invoice.paid", "timestamp": GOOD_TIME, "data": {"id": "x"}}],
    ),
    "slack": (
        lambda payload: reference_slack_events(SLACK_PROVIDER, payload),
        lambda payload: SLACK_PROVIDER.events_from(payload, Headers(())),
        [
            {
                "type": "event_callback",
                "event": {"type": "message"},
                "event_id": "Ev1",
                "event_time": 1706160867,
                "team_id": "T1",
                "challenge": "c",
            }
        ],
    ),
    "github": (
        lambda payload: reference_github_events(payload, Headers({"X-GitHub-Event": "issues"})),
        lambda payload: github.GitHub(secret="s").events_from(payload, Headers({"X-GitHub-Event": "issues"})),
        [{"action": "opened"}],
    ),
}


def _field_paths(payload: dict[str, Any]) -> list[tuple[str, ...]]:
    """Every field of ``payload`` and of the objects in it, one level down."""
    paths: list[tuple[str, ...]] = []
    for key, value in payload.items():
        paths.append((key,))
        if isinstance(value, dict):
            paths += [(key, inner) for inner in value]
    return paths


# Values each reader takes differently: refused by all (an array), a conversion (a
# number to text), refused by some (a boolean, "", a bad time), and subclasses.
ODD_VALUES = [[], True, 1706160867, "", "notatime", StrSub("s"), DictSub(a=1)]


def _with(payload: dict[str, Any], paths: tuple[tuple[str, ...], ...], value: object) -> dict[str, Any]:
    """A copy of ``payload`` with a copy of ``value`` at each of ``paths`` (an object's own
    fields first, so that a value set in place of the object stays as it is)."""
    result = {key: dict(inner) if isinstance(inner, dict) else inner for key, inner in payload.items()}
    for path in sorted(paths, key=len, reverse=True):
        target = result
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = copy.copy(value)
    return result


@pytest.mark.parametrize("name", sorted(GOOD_PAYLOADS))
def test_of_any_two_odd_fields_the_same_one_is_reported(name: str) -> None:
    """Every pair of fields (and each field alone) given the same odd value: the same
    outcome, so the inline reads go through the fields in the reference's order. Random
    payloads rarely have two given fields bad and every field read before them good."""
    reference, inline, payloads = GOOD_PAYLOADS[name]
    compared = 0
    for good in payloads:
        paths = _field_paths(good)
        for chosen in [*itertools.combinations(paths, 2), *((path,) for path in paths), ()]:
            for value in ODD_VALUES:
                payload = _with(good, chosen, value)
                assert_same(
                    functools.partial(reference, payload), functools.partial(inline, payload), payload
                )
                compared += 1
    assert compared > len(payloads) * len(ODD_VALUES)
