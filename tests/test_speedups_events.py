"""The compiled event path (``webhook_receiver._speedups``) against the Python code it stands in for.

Three compiled pieces build what a request's events are made of, and like the
compiled verifier they only ever *accept*:

- ``EventBuilder`` (``_events.event_builder``): Kourier's and Customer.io's
  typed-event functions for the usual payload. Whatever it builds, the Python function
  builds an equal event of the same class (enum members the same objects); anything
  else goes to the Python function, so the full call answers exactly as it does,
  errors and messages included.
- ``RecordMaker`` (``_events.constructor``): ``cls(...)`` for the events and the
  Receiver's replies; a call it cannot bind goes to the Python constructor, which
  raises the ``TypeError`` that ``cls(...)`` raises.
- ``json_fits``: ``_decode_fast``'s check of a body before orjson may decode it.

Without the extension these tests skip, unless ``WEBHOOK_RECEIVER_REQUIRE_SPEEDUPS=1``
(``.ci/run``) makes that a failure; the pure-Python pass of ``.ci/run`` runs the
providers' own event tests with the extension off.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from tests.compiled import bytes_kept, require_compiled
from webhook_receiver import PayloadError, Receiver, _accel
from webhook_receiver._events import (
    _LONG_DIGITS,
    _SCAN,
    _SHALLOW,
    constructor,
    event_builder,
    python_constructor,
    text_field,
)
from webhook_receiver._receiver import Reply
from webhook_receiver.providers import customerio, kourier
from webhook_receiver.testing import make_provider, sample, samples

require_compiled()

speedups = _accel.compiled

BUILDERS: dict[str, tuple[Any, Callable[..., Any]]] = {
    "kourier": (kourier._build_event, kourier.kourier_event),
    "customerio": (customerio._build_event, customerio.customerio_event),
}
"""provider -> (the compiled builder, the Python function it stands in for)."""


def outcome(call: Callable[[], Any]) -> tuple[Any, ...]:
    try:
        return ("ok", call())
    except PayloadError as exc:
        return ("payload error", str(exc), exc.status)
    except TypeError as exc:
        return ("type error", str(exc))


def same_event(fast: Any, expected: Any) -> bool:
    """Equal, of the same class, and the same object where the field is the payload or
    a known enum member (an unknown one is made anew on each read, by Python)."""
    if type(fast) is not type(expected) or fast != expected:
        return False
    for field in dataclasses.fields(expected):
        mine, theirs = getattr(fast, field.name), getattr(expected, field.name)
        if (field.name == "payload" or getattr(theirs, "known", False)) and mine is not theirs:
            return False
        if type(mine) is not type(theirs):
            return False
    return True


# ------------------------------------------------------------------ the usual payloads


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_every_sample_is_built_by_the_compiled_code(name: str) -> None:
    builder, python = BUILDERS[name]
    assert type(builder).__name__ == "EventBuilder"
    for item in samples(name):
        payloads = item.payload if isinstance(item.payload, list) else [item.payload]
        for payload in payloads:
            fast = builder.try_fast(payload)
            assert fast is not None, (name, item.payload)
            assert same_event(fast, python(payload))


def test_the_providers_build_through_it() -> None:
    for name in BUILDERS:
        provider = make_provider(name)
        made = sample(name)
        assert provider.parse(made.headers, made.body) == [BUILDERS[name][1](made.payload)]


def test_a_batch_is_built_item_by_item_and_a_bad_item_is_pythons_error() -> None:
    track = sample("customerio", "track").payload
    identify = sample("customerio", "identify").payload
    assert isinstance(track, dict) and isinstance(identify, dict)
    items: list[Any] = [track, identify, {**track, "userId": 7}, {**track, "timestamp": 1.5}]
    expected = [customerio.customerio_event(item, "body", index) for index, item in enumerate(items)]
    built = customerio._build_each(items, "body")  # type: ignore[misc]
    assert all(same_event(mine, theirs) for mine, theirs in zip(built, expected, strict=True))
    assert built[2].user_id == "7"  # a number as text: left to Python, which converts it
    bad = [track, {**track, "context": []}]
    with pytest.raises(PayloadError) as caught:
        customerio._build_each(bad, "body")  # type: ignore[misc]
    with pytest.raises(PayloadError) as python_caught:
        [customerio.customerio_event(item, "body", index) for index, item in enumerate(bad)]
    assert str(caught.value) == str(python_caught.value) == "body[1].context must be an object, not an array"


def test_absent_objects_are_new_empty_ones_per_event() -> None:
    payload = {"type": "track", "event": "Signed Up"}
    first, second = customerio._build_event(payload), customerio._build_event(payload)
    assert first.context == {} and first.properties == {}  # type: ignore[attr-defined]
    assert first.context is not second.context  # type: ignore[attr-defined]


def test_a_builder_refuses_a_shape_it_cannot_fill() -> None:
    with pytest.raises(TypeError, match="has no field 'nope'"):
        event_builder(
            kourier.kourier_event,
            provider="kourier",
            kind="event",
            shapes={"x": (kourier.KourierEvent, {"nope": text_field("nope")})},
        )
    with pytest.raises(TypeError, match="needs a Take"):  # Track.event has no default
        event_builder(
            customerio.customerio_event,
            provider="customerio",
            kind="type",
            shapes={"track": (customerio.Track, {})},
        )


# ------------------------------------------------------------------ the property

KEYS = {
    "kourier": ["event", "delivery_id", "status", "timestamp"],
    "customerio": [
        "type",
        "messageId",
        "timestamp",
        "userId",
        "anonymousId",
        "context",
        "event",
        "properties",
        "traits",
        "name",
        "groupId",
        "previousId",
    ],
}
VALUES: list[Any] = [
    None,
    "",
    "x",
    " ",
    "é",
    0,
    7,
    -1,
    1.5,
    True,
    False,
    {},
    {"a": 1},
    [],
    [1],
    "created",
    "delivered",
    "in_transit",
    "teleported",
    "DELIVERED",
    "track",
    "identify",
    "page",
    "screen",
    "group",
    "alias",
    "custom",
    "delivery.created",
    "delivery.updated",
    "delivery.cancelled",
    "delivery.lost",
    "2024-09-14T14:00:00Z",
    "2024-09-14T14:00:00.123456+00:00",
    "2024-09-14T14:00:00+01:00",
    "2024-09-14T14:00:00",
    " 2024-09-14T14:00:00Z",
    "1726322400",
    "not a time",
    1726322400,
    1726322400123,
    4294967295999,
    4294967296000,
    10**20,
]


@st.composite
def payloads(draw: st.DrawFn) -> tuple[str, Any]:
    name = draw(st.sampled_from(sorted(BUILDERS)))
    usual = [item.payload for item in samples(name) if isinstance(item.payload, dict)]
    payload: Any = dict(draw(st.sampled_from(usual)))
    for _ in range(draw(st.integers(0, 4))):
        key = draw(st.sampled_from([*KEYS[name], "other"]))
        if draw(st.booleans()):
            payload[key] = draw(st.sampled_from(VALUES))
        else:
            payload.pop(key, None)
    shape = draw(st.sampled_from(["dict"] * 8 + ["list", "str", "None", "dict subclass"]))
    if shape == "list":
        payload = [payload]
    elif shape == "str":
        payload = "{}"
    elif shape == "None":
        payload = None
    elif shape == "dict subclass":
        payload = type("Payload", (dict,), {})(payload)
    return name, payload


@settings(max_examples=3000, deadline=None)
@given(case=payloads())
def test_whatever_the_compiled_builder_makes_python_makes_and_errors_are_pythons(
    case: tuple[str, Any],
) -> None:
    name, payload = case
    builder, python = BUILDERS[name]
    expected = outcome(lambda: python(payload))
    fast = builder.try_fast(payload)
    event("built by the compiled code" if fast is not None else f"left to Python: {expected[0]}")
    if fast is not None:
        assert expected[0] == "ok" and same_event(fast, expected[1])
    got = outcome(lambda: builder(payload))
    assert got[0] == expected[0]
    assert same_event(got[1], expected[1]) if got[0] == "ok" else got == expected


def test_mutated_payloads_reach_both_paths() -> None:
    """The property is not vacuous: a usual payload is built in C, a changed one by Python."""
    for name, (builder, _python) in BUILDERS.items():
        payload = sample(name).payload
        assert isinstance(payload, dict)
        assert builder.try_fast(payload) is not None
        assert builder.try_fast({**payload, "timestamp": 1.5}) is None
        assert builder.try_fast({**payload, KEYS[name][0]: ""}) is None


# ------------------------------------------------------------------ RecordMaker


@pytest.mark.parametrize("cls", [Reply, customerio.Track, kourier.DeliveryUpdated])
def test_records_are_made_as_their_class_makes_them(cls: Any) -> None:
    made, python = constructor(cls), python_constructor(cls)
    assert type(made).__name__ == "RecordMaker"
    if cls is Reply:
        calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
            ((200, b"x"), {}),
            ((200,), {"body": b"x"}),
            ((), {"status": 200, "body": b"x", "events": (1,)}),
            ((200, b"x", {"A": "b"}, (), None), {}),
            ((200, b"x", {}, (), None, 1), {}),  # too many
            ((200,), {}),  # missing
            ((200, b"x"), {"status": 201}),  # twice
            ((200, b"x"), {"nope": 1}),  # unknown
        ]
    else:
        base = {"provider": "p", "type": "t", "delivery_id": "d", "status": kourier.DeliveryStatus.CREATED}
        if cls is customerio.Track:
            base = {"provider": "p", "type": "t", "event": "e"}
        with_id = {**base, "id": "i", "payload": {}}
        calls = [((), base), ((), with_id), (("p",), base), ((), {"provider": "p"})]
    for args, kwargs in calls:
        by_class = outcome(lambda args=args, kwargs=kwargs: cls(*args, **kwargs))
        expected = outcome(lambda args=args, kwargs=kwargs: python(*args, **kwargs))
        got = outcome(lambda args=args, kwargs=kwargs: made(*args, **kwargs))
        assert got[0] == expected[0] == by_class[0], (args, kwargs)
        if got[0] == "ok":
            assert type(got[1]) is cls and got[1] == expected[1] == by_class[1]
            positional = [field.name for field in dataclasses.fields(cls) if not field.kw_only]
            given = dict(zip(positional, args, strict=False)) | kwargs
            for field in dataclasses.fields(cls):  # each value stored as given, or the default itself
                value = given.get(field.name, field.default)
                if value is not dataclasses.MISSING:
                    assert getattr(got[1], field.name) is value, field.name
        else:  # the Python constructor's own TypeError: the call went to it
            assert got == expected


def test_default_factories_make_a_new_value_per_record() -> None:
    made = constructor(customerio.Track)
    first, second = made(provider="p", type="t", event="e"), made(provider="p", type="t", event="e")
    assert first.context == {} and first.context is not second.context
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.event = "changed"  # type: ignore[misc]


# ------------------------------------------------------------------ json_fits


def python_fits(body: bytes) -> bool:
    scan = body.translate(_SCAN)
    return not (scan.count(b"[") > _SHALLOW or _LONG_DIGITS in scan)


@settings(max_examples=2000, deadline=None)
@given(
    parts=st.lists(
        st.sampled_from([b"[", b"{", b"0", b"9", b"1" * 18, b"1" * 19, b"a", b" ", b"\xff", b":", b"}"]),
        max_size=160,
    )
)
def test_json_fits_is_the_python_check(parts: list[bytes]) -> None:
    body = b"".join(parts)
    assert speedups.json_fits(body, _SHALLOW, len(_LONG_DIGITS)) == python_fits(body)


def test_json_fits_edges() -> None:
    fits = speedups.json_fits
    assert fits(b"[" * 100, 100, 19) and not fits(b"[" * 101, 100, 19)
    assert fits(b"{" * 50 + b"[" * 50, 100, 19) and not fits(b"{" * 51 + b"[" * 50, 100, 19)
    assert fits(b"1" * 18 + b"x" + b"1" * 18, 100, 19) and not fits(b"x" + b"1" * 19, 100, 19)
    with pytest.raises(TypeError):
        fits(bytearray(b"[]"), 100, 19)


# ------------------------------------------------------------------ references


def test_no_reference_is_leaked_by_the_event_path() -> None:
    provider = make_provider("customerio")
    receiver = Receiver(provider)
    receiver.on_any(lambda event: None)
    track = sample("customerio", "track").payload
    assert isinstance(track, dict)
    batch = [track, {**track, "userId": 1}, {**track, "type": "page"}]
    reply_maker = constructor(Reply)

    def run(times: int) -> None:
        for _ in range(times):
            customerio._build_each(batch, "body")  # type: ignore[misc]
            customerio._build_event(track)
            outcome(lambda: customerio._build_event({**track, "context": []}))
            kourier._build_event(sample("kourier").payload)
            reply_maker(200, b"", events=(1,))
            outcome(lambda: reply_maker(200))

    # 18,000 calls: a leaked object per call would be several hundred KiB.
    assert bytes_kept(run) < 64 * 1024
