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
- ``environ_pairs`` and ``environ_dict`` (``adapters._environ.plan_pairs`` and
  ``plan_dict``): the Flask and Django adapters' headers from the environ; the same
  pairs and dict as the Python comprehensions, the same ``KeyError``.
- ``JsonDecoder`` without orjson (``decode_json``): the compiled decoder answers exactly
  where the standard decoder decodes a body (no deeper than ``_SHALLOW``), with the same
  value; every other body goes to the standard decoder.
- ``header_values``: ``Headers.getlist`` over the usual pairs; it returns what the
  Python loop returns, or ``None`` and the loop runs. ``header_selection``: the same for
  ``Headers.select`` (the headers a provider keeps for its events).

Without the extension these tests skip, unless ``WEBHOOK_RECEIVER_REQUIRE_SPEEDUPS=1``
(``.ci/run``) makes that a failure; the pure-Python pass of ``.ci/run`` runs the
providers' own event tests with the extension off.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from tests.compiled import (
    DECLINED,
    EVENT_KEYS,
    bytes_kept,
    check_compiled_json,
    compiled_json,
    json_fits_reference,
    require_compiled,
    same_event,
)
from tests.json_cases import EDGE_BODIES, JSON_BYTES, JSON_STYLES, dumped, json_values
from webhook_receiver import Headers, PayloadError, Receiver, _accel, _events, _headers
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
from webhook_receiver.adapters import _environ
from webhook_receiver.providers import courier, customerio, kourier
from webhook_receiver.testing import make_provider, sample, samples

require_compiled()

speedups = _accel.compiled

BUILDERS: dict[str, tuple[Any, Callable[..., Any]]] = {
    "kourier": (kourier._build_event, kourier.kourier_event),
    "customerio": (customerio._build_event, customerio.customerio_event),
    "courier-message": (courier._build_message, courier._message),
}
"""name -> (the compiled builder, the Python function it stands in for)."""


def usual_payloads(name: str) -> list[Any]:
    """The samples' objects a builder reads: the events (a batch's items too), or the
    ``data`` of Courier's ``message:updated`` events."""
    if name == "courier-message":
        return [
            item.payload["data"] for item in samples("courier") if item.payload["type"] == "message:updated"
        ]
    found: list[Any] = []
    for item in samples(name):
        found.extend(item.payload if isinstance(item.payload, list) else [item.payload])
    return found


def outcome(call: Callable[[], Any]) -> tuple[Any, ...]:
    try:
        return ("ok", call())
    except PayloadError as exc:
        return ("payload error", str(exc), exc.status)
    except TypeError as exc:
        return ("type error", str(exc))


# ------------------------------------------------------------------ the usual payloads


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_every_sample_is_built_by_the_compiled_code(name: str) -> None:
    builder, python = BUILDERS[name]
    assert type(builder).__name__ == "EventBuilder"
    assert usual_payloads(name)
    for payload in usual_payloads(name):
        fast = builder.try_fast(payload)
        assert fast is not None, (name, payload)
        assert same_event(fast, python(payload))


def test_the_providers_build_through_it() -> None:
    for name in ("kourier", "customerio"):
        provider = make_provider(name)
        made = sample(name)
        assert provider.parse(made.headers, made.body) == [BUILDERS[name][1](made.payload)]
    made = sample("courier", "message:updated")
    (parsed,) = make_provider("courier").parse(made.headers, made.body)
    assert isinstance(parsed, courier.MessageUpdated)
    assert same_event(parsed.message, courier._message(made.payload["data"]))  # type: ignore[call-overload, index]


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


def _python_each(items: list[Any]) -> list[Any] | str:
    try:
        return [customerio.customerio_event(item, "body", index) for index, item in enumerate(items)]
    except PayloadError as exc:
        return str(exc)


def _compiled_each(items: list[Any]) -> list[Any] | str:
    try:
        return customerio._build_each(items, "body")  # type: ignore[misc, no-any-return]
    except PayloadError as exc:
        return str(exc)


class _Key(str):
    """A key equal to a field's name that is not an exact ``str``."""

    __slots__ = ()


@pytest.mark.parametrize("order", ["as sent", "reversed"])
@pytest.mark.parametrize(
    "first",
    [
        "track",
        "identify",
        "page without the shared keys",
        "a list",
        "a dict subclass",
        "non-str keys",
        "str-subclass keys",
        "no keys",
    ],
)
def test_a_decoded_batch_is_read_with_its_own_keys_and_built_as_python_builds_it(
    first: str, order: str
) -> None:
    """each() looks the fields up with the key objects of the first object of each shape
    it builds (the decoder shares one per name across the document): whatever leads the
    batch, and in whatever order its objects hold their keys (names of the same length
    side by side: ``userId``/``traits``, ``messageId``/``timestamp``), the events are
    Python's."""
    track = sample("customerio", "track").payload
    identify = sample("customerio", "identify").payload
    assert isinstance(track, dict) and isinstance(identify, dict)
    lead: Any = {
        "track": track,
        "identify": identify,
        "page without the shared keys": {"type": "page", "name": "Home"},
        "a list": [],
        "a dict subclass": type("Payload", (dict,), {})(track),
        "non-str keys": {1: "x", None: "y", **track},
        "str-subclass keys": {_Key(name): value for name, value in track.items()},
        "no keys": {},
    }[first]
    rest: list[dict[str, Any]] = [
        {**(identify if index % 3 == 0 else track), "messageId": f"m{index}", "userId": str(index)}
        for index in range(12)
    ]
    rest[7] = {**identify, "userId": 9}  # a number as text: Python's conversion
    if order == "reversed":
        rest = [dict(reversed(item.items())) for item in rest]
    decoded = json.loads(json.dumps([lead if isinstance(lead, dict) else None, *rest]))
    # the decoder's memo: the objects of one document hold the same key objects
    same_name = [next(key for key in item if key == "messageId") for item in decoded[1:3]]
    assert same_name[0] is same_name[1]
    for items in ([lead, *rest], [lead, *decoded[1:]], decoded, decoded[1:], [*decoded[1:], lead]):
        compiled, python = _compiled_each(items), _python_each(items)
        if isinstance(python, str):
            assert compiled == python
            continue
        assert not isinstance(compiled, str), compiled
        assert len(compiled) == len(python)
        assert all(map(same_event, compiled, python)), items
    assert customerio._build_each([], "body") == []  # type: ignore[misc]


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

TIME_KEYS = {"kourier": "timestamp", "customerio": "timestamp", "courier-message": "sent"}
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
    "CLICKED",
    "SIMULATED",
    "delivered ",
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
    usual = [payload for payload in usual_payloads(name) if isinstance(payload, dict)]
    payload: Any = dict(draw(st.sampled_from(usual)))
    for _ in range(draw(st.integers(0, 4))):
        key = draw(st.sampled_from([*EVENT_KEYS[name], "other"]))
        if draw(st.booleans()):
            payload[key] = draw(st.sampled_from(VALUES))
        else:
            payload.pop(key, None)
    # _message is only ever given an object (courier_event checks `data` first).
    others = ["dict subclass"] if name == "courier-message" else ["list", "str", "None", "dict subclass"]
    shape = draw(st.sampled_from(["dict"] * 8 + others))
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
        payload = usual_payloads(name)[0]
        assert isinstance(payload, dict)
        assert builder.try_fast(payload) is not None
        assert builder.try_fast({**payload, TIME_KEYS[name]: 1.5}) is None
        assert builder.try_fast({**payload, EVENT_KEYS[name][0]: ""}) is None


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
    """_decode_fast's check without the compiled path: a count of every bracket."""
    scan = body.translate(_SCAN)
    return not (scan.count(b"[") > _SHALLOW or _LONG_DIGITS in scan)


FITS_PIECES = [
    b"[",
    b"{",
    b"]",
    b"}",
    b'"',
    b"\\",
    b"0",
    b"9",
    b"1" * 18,
    b"1" * 19,
    b"a",
    b" ",
    b"\xff",
    b":",
]


@settings(max_examples=3000, deadline=None)
@given(
    parts=st.lists(st.sampled_from(FITS_PIECES), max_size=200),
    depth=st.sampled_from([0, 1, 2, 3, 15, 16, 17, 100]),
    digits=st.sampled_from([1, 5, 16, 17, 19, 40]),
)
def test_json_fits_is_the_nesting_read_byte_by_byte(parts: list[bytes], depth: int, digits: int) -> None:
    body = b"".join(parts)
    assert speedups.json_fits(body, depth, digits) == json_fits_reference(body, depth, digits)


@settings(max_examples=500, deadline=None)
@given(parts=st.lists(st.sampled_from(FITS_PIECES), max_size=200))
def test_json_fits_hands_over_no_less_than_the_python_count_lets_through(parts: list[bytes]) -> None:
    """Every body the Python check lets orjson decode, the compiled one does too: a count
    of the brackets is never below their nesting."""
    body = b"".join(parts)
    if python_fits(body):
        assert speedups.json_fits(body, _SHALLOW, len(_LONG_DIGITS))


def test_json_fits_edges() -> None:
    fits = speedups.json_fits
    assert fits(b"[" * 100, 100, 19) and not fits(b"[" * 101, 100, 19)
    assert fits(b"{" * 50 + b"[" * 50, 100, 19) and not fits(b"{" * 51 + b"[" * 50, 100, 19)
    assert fits(b"[]" * 1000, 1, 19) and not fits(b"[[]]", 1, 19)  # nesting, not a count
    assert fits(b'["' + b"[" * 200 + b'"]', 1, 19)  # brackets in a string do not nest
    escaped_quote = b'["\\"' + b"[" * 2 + b'"]'  # ["\"[["]: the brackets are in the string
    assert fits(escaped_quote, 1, 19)
    escaped_backslash = b'["\\\\"' + b"[" * 2  # ["\\"[[: the string ends; three deep
    assert fits(escaped_backslash, 3, 19) and not fits(escaped_backslash, 2, 19)
    assert fits(b"1" * 18 + b"x" + b"1" * 18, 100, 19) and not fits(b"x" + b"1" * 19, 100, 19)
    assert not fits(b'"' + b"1" * 19 + b'"', 100, 19)  # digits count in strings too
    with pytest.raises(TypeError):
        fits(bytearray(b"[]"), 100, 19)
    # Every body holds a run of no digits, and no nesting is below 0: refused as arguments,
    # not answered (found by the fuzz harness, tests/speedups_fuzz.py).
    for depth, digits in ((100, 0), (100, -1), (-1, 19)):
        with pytest.raises(ValueError, match="depth must be >= 0 and digits >= 1"):
            fits(b"abc", depth, digits)
    # Runs of digits, brackets, quotes and escapes across every offset of the 16-byte
    # blocks it reads.
    for offset in range(34):
        for run in (1, 15, 16, 17, 18, 19, 20, 33):
            for tail in (b"", b"x", b"1" * 18, b"[" * 3, b'"[[\\"]]"', b"]" * 2 + b"{" * 3, b'"\\\\"['):
                body = b"a" * offset + b"7" * run + b"b" + tail + b"{" * (offset % 5)
                for depth, digits in ((100, 19), (3, 19), (2, 19), (100, 17), (100, 5), (0, 40)):
                    expected = json_fits_reference(body, depth, digits)
                    assert fits(body, depth, digits) == expected, (body, depth, digits)
    # A backslash that ends a block escapes the first byte of the next.
    for offset in range(30):
        body = b'["' + b"a" * offset + b'\\"' + b"[" * 3 + b'"' + b"[" * 2
        assert fits(body, 3, 19) and not fits(body, 2, 19), offset


# ------------------------------------------------------------------ the compiled JSON decoder

COMPILED_EDGES = [
    b'"\\u00e9\\n\\t\\"\\\\\\/\\b\\f\\r"',  # every escape JSON has
    b'"caf\xc3\xa9"',
    b'{"\xc3\xa9":1,"\\u00e9":2}',  # one key, written two ways
    b'"\\ud83d\\ude00x\\ud83d"',  # a pair, then a high surrogate alone
    b'"\\ud83dx"',
    b'"\\ud83d\\u0041"',  # a high surrogate followed by another escape
    b'"\\udc00"',
    b'"\\u12"',
    b'"\\u12"3"',
    b'"\\uZZZZ"',
    b'"\\x"',
    b'"\\',
    b'"\xc3"',  # a lead byte the closing quote cuts short
    b'"\xc3\\n"',  # ... or an escape
    b'"\xc3\\u00a9"',
    b'"\xff"',
    b'"\xf4\x90\x80\x80"',  # above U+10FFFF
    b'"\xc0\x80"',  # overlong
    b'"\x7f"',
    b'"a\x1f"',
    b'"a\x0a"',
    b"1" * 18,
    b"-" + b"1" * 18,
    b"1" * 19,
    b"-" + b"1" * 19,
    b"9" * 4300,
    b"9" * 4301,  # past int()'s digit limit: refused by the standard decoder
    b"-",
    b"01",
    b"-01",
    b"1.",
    b"1e",
    b"1e+",
    b".5",
    b"+1",
    b"-0e0",
    b"1E-400",
    b"9" * 300 + b".0",
    b"9" * 309,
    b"9" * 309 + b".5",
    b"1.7976931348623157e308",
    b"1.7976931348623159e308",  # rounds to infinity
    b"2.2250738011e-308",
    b"0." + b"1" * 300,
    b"[1 2]",
    b'{"a" 1}',
    b'{"a":1 "b":2}',
    b"{,}",
    b"[,1]",
    b'{"a":}',
    b'{"a":1,}',
    b"{1:2}",
    b"true",
    b"truex",
    b"[true,false,null]",
    b"nul",
    b"tru",
    b"[]",
    b"{}",
    b"[ ]",
    b"{ }",
    b' { "a" : [ 1 , { } ] } ',
    b"\t1\n",
    b"1\x0b",
    b"\xc2\xa0 1",
    b'"' + b"\\n" * 300 + b'"',  # an escaped string longer than the stack's buffer
    b'"' + b"x" * 300 + b'"',
    b"[" * 100 + b"]" * 100,
    b"[" * 100 + b"1" + b"]" * 100,
    b"{" * 1 + b'"a":' + b"[" * 99 + b"]" * 99 + b"}",
    b'{"a":' + b"[" * 100 + b"]" * 100 + b"}",  # 101 deep
]


@pytest.mark.parametrize("body", EDGE_BODIES + COMPILED_EDGES)
def test_the_compiled_decoder_answers_edge_bodies_as_the_standard_one(body: bytes) -> None:
    check_compiled_json(body)


def test_the_compiled_decoder_answers_what_it_should() -> None:
    """The property's three outcomes each happen: it cannot pass by declining everything."""
    assert check_compiled_json(b"[" * 100 + b"]" * 100) == "answered"
    assert check_compiled_json(b"[" * 101 + b"]" * 101) == "too deep"
    assert check_compiled_json(b'"\\ud800"') == "refused"
    assert compiled_json(b'{"a":[1,-2.5e3,"\\u00e9\\ud83d\\ude00",true,null]}') == {
        "a": [1, -2500.0, "\u00e9\U0001f600", True, None]
    }
    assert compiled_json(b'{"a":1,"b":2,"a":3}') == {"a": 3, "b": 2}
    assert list(compiled_json(b'{"b":1,"a":2,"b":3}')) == ["b", "a"]  # a repeated key keeps its place
    for sample_event in samples():
        body = json.dumps(sample_event.payload).encode()
        assert check_compiled_json(body) == "answered"


def test_the_compiled_decoder_keeps_keys_apart() -> None:
    """Keys are shared between bodies from a cache of 1024 slots: many more keys than
    slots, of every length around its longest (32), read twice, each its own."""
    keys = [f"k{index}" for index in range(5000)] + ["x" * length for length in range(28, 37)]
    body = json.dumps({key: index for index, key in enumerate(keys)}).encode()
    for _ in range(2):
        decoded = compiled_json(body)
        assert list(decoded) == keys and list(decoded.values()) == list(range(len(keys)))
    assert compiled_json(b'[{"id":1},{"id":2}]') == [{"id": 1}, {"id": 2}]


def test_with_orjson_the_compiled_decoder_reads_the_bodies_orjson_is_not_given() -> None:
    """A run of 19 digits, nesting past the limit, a size past ``largest``: not for
    ``loads``; the compiled decoder reads them (or declines), never ``loads``."""
    given: list[bytes] = []

    def loads(body: bytes) -> Any:
        given.append(body)
        return json.loads(body)

    decoder = speedups.JsonDecoder(loads, lambda body: DECLINED, _SHALLOW, len(_LONG_DIGITS), 64)
    assert decoder(b'{"a":1}') == {"a": 1} and given == [b'{"a":1}']
    given.clear()
    long_integer = b'{"n":12345678901234567890}'
    assert type(decoder(long_integer)["n"]) is int and given == []
    assert decoder(b'"' + b"x" * 100 + b'"') == "x" * 100 and given == []
    assert decoder(b"[" * 101 + b"]" * 101) is DECLINED and given == []
    assert decoder(b'{"a":') is DECLINED and given == [b'{"a":']  # refused by loads: the fallback's


@settings(max_examples=1500, deadline=None)
@given(json_values, st.sampled_from(JSON_STYLES))
def test_the_compiled_decoder_reads_any_json_value(value: Any, style: str) -> None:
    event(check_compiled_json(dumped(value, style)))


JSON_PIECES = [
    *(bytes([byte]) for byte in JSON_BYTES),
    *(piece.encode() for piece in ('"', '"a"', '"k":', "\\u", "\\ud83d", "\\ude00", "\\u00e9", "\\\\")),
    b"\xc3\xa9",
    b"\xc3",
    b"\xa9",
    b"\xed\xa0\x80",
    b"\xf0\x9f\x98\x80",
    b"\x00",
    b"\x1f",
    b"1" * 18,
    b"1" * 19,
    b"1e308",
    b"1e309",
    b"true",
    b"null",
    b"NaN",
]


@settings(max_examples=3000, deadline=None)
@given(
    st.binary(max_size=64)
    | st.lists(st.sampled_from(JSON_PIECES), max_size=60).map(b"".join)
    | st.tuples(json_values, st.integers(min_value=0), st.sampled_from(JSON_PIECES)).map(
        lambda case: _mutated(json.dumps(case[0]).encode("utf-8", "surrogatepass"), case[1], case[2])
    )
)
def test_the_compiled_decoder_answers_any_bytes_as_the_standard_one(body: bytes) -> None:
    event(check_compiled_json(body))


def _mutated(body: bytes, where: int, piece: bytes) -> bytes:
    """``body`` with ``piece`` put in at ``where`` (modulo its length), replacing a byte every other time."""
    at = where % (len(body) + 1)
    return body[:at] + piece + body[at + where % 2 :]


# ------------------------------------------------------------------ environ headers


class Text(str):
    """A str subclass whose truth is its own (the rules use the value's truth)."""

    def __bool__(self) -> bool:
        return self != "no"


ENVIRON_VALUES = st.one_of(
    st.sampled_from(["", "application/json", "12", " x ", "no", Text("no"), Text(""), Text("yes")]),
    st.sampled_from([None, 12, b"bytes", ["list"]]),
    st.text(max_size=8),
)


@settings(max_examples=1500, deadline=None)
@given(
    entries=st.lists(
        st.tuples(
            st.sampled_from(["HTTP_HOST", "HTTP_X_A", "CONTENT_TYPE", "CONTENT_LENGTH", "HTTP_", "H", "X"]),
            st.sampled_from(["host", "x-a", "content-type", "content-length", "", "h"]),
            ENVIRON_VALUES,
        ),
        max_size=12,
    ),
    as_subclass=st.booleans(),
)
def test_environ_headers_are_the_python_comprehensions(
    entries: list[tuple[str, str, object]], as_subclass: bool
) -> None:
    environ: dict[str, object] = {key: value for key, _, value in entries}
    plan = tuple((key, name) for key, name, _ in entries)
    given_environ = type("Environ", (dict,), {})(environ) if as_subclass else environ
    assert speedups.environ_pairs(given_environ, plan) == _headers._plan_pairs_in_python(environ, plan)
    got = speedups.environ_dict(given_environ, plan)
    assert list(got.items()) == list(_environ._dict_in_python(environ, plan).items())
    assert [type(value) for _, value in speedups.environ_pairs(given_environ, plan)] == [
        type(value) for _, value in _headers._plan_pairs_in_python(environ, plan)
    ]


def test_environ_headers_edges() -> None:
    assert _environ.plan_pairs is speedups.environ_pairs and _environ.plan_dict is speedups.environ_dict
    plan = (("HTTP_X_A", "x-a"), ("HTTP_MISSING", "missing"))
    for function in (speedups.environ_pairs, speedups.environ_dict):
        with pytest.raises(KeyError, match="HTTP_MISSING"):
            function({"HTTP_X_A": "1"}, plan)
        for bad_plan in ([("HTTP_X_A", "x-a")], (("HTTP_X_A",),), (("", "x"),), ((b"HTTP_X_A", "x-a"),)):
            with pytest.raises(TypeError):
                function({"HTTP_X_A": "1"}, bad_plan)

    class Missing(dict[str, object]):
        def __missing__(self, key: str) -> str:
            return "filled"

    # Any mapping is read with environ[key], as the comprehensions read it.
    assert speedups.environ_pairs(Missing(), plan) == [("x-a", "filled"), ("missing", "filled")]
    assert speedups.environ_dict(Missing(), plan) == {"x-a": "filled", "missing": "filled"}


HEADER_NAMES = st.sampled_from(
    ["webhook-id", "Webhook-Id", "WEBHOOK-ID", "webhook-i\u212a", "x-a", "X-A", "x-\u212a", "x-k", "", "id"]
)
HEADER_SPELLINGS = st.one_of(HEADER_NAMES, HEADER_NAMES.map(lambda name: name.encode("utf-8")))
HEADER_PAIRS = st.lists(
    st.tuples(
        st.one_of(HEADER_SPELLINGS, st.sampled_from([b"x-\xe9", b"X-\xc9", "x-\xe9"])),
        st.one_of(
            st.sampled_from(["", " v ", "\tv\t", "v", " ", "a b", "\xe9 "]),
            st.sampled_from([b" v ", b"\xe9", b""]),
            st.sampled_from([None, 7, bytearray(b"v")]),
        ),
    ),
    max_size=8,
)
"""Header pairs as the adapters pass them, and the odd ones a caller might."""


@settings(max_examples=2000, deadline=None)
@given(
    pairs=HEADER_PAIRS,
    asked=HEADER_NAMES,
    shape=st.sampled_from(["list", "tuple", "items"]),
)
def test_header_values_are_getlists(pairs: list[tuple[Any, Any]], asked: str, shape: str) -> None:
    from webhook_receiver import _headers

    shaped: Any = {"list": list, "tuple": tuple, "items": lambda p: dict(p).items()}[shape](pairs)
    view = Headers(list(shaped))
    view._pairs = shaped
    compiled = speedups.header_values(shaped, asked)
    event("compiled" if compiled is not None else "declined")
    saved, _headers._compiled_values = _headers._compiled_values, None
    try:
        expected = outcome(lambda: view.getlist(asked))
    finally:
        _headers._compiled_values = saved
    if compiled is not None:
        assert ("ok", compiled) == expected
        assert [type(value) for value in compiled] == [str] * len(compiled)
    assert outcome(lambda: view.getlist(asked)) == expected


def test_header_values_take_the_usual_pairs_and_leave_the_rest() -> None:
    values = speedups.header_values
    assert values([("Webhook-Id", " m1 "), (b"webhook-id", b"\tm2"), ("x", "y")], "webhook-ID") == [
        "m1",
        "m2",
    ]
    assert values((("webhook-id", "m"),), "webhook-id") == ["m"]
    assert values({"Webhook-Id": "m"}.items(), "webhook-id") == ["m"]
    assert values([], "webhook-id") == [] and values([("other", 1)], "webhook-id") == []
    # Another length is skipped unread, as the loop skips it; the same length is looked at.
    assert values([("x-\u212a", "v")], "x-long-name") == []
    for declined in (
        values([("x-\u212a", "v")], "x-k"),  # str.lower() may make it ASCII
        values([("x-k", 7)], "x-k"),  # not a header value: the loop raises
        values([["x-k", "v"]], "x-k"),  # not a tuple
        values(iter([("x-k", "v")]), "x-k"),  # not a list, tuple or dict's items
        values([("x-k", "v")], "x-\u212a"),  # a name asked that is not ASCII
    ):
        assert declined is None
    with pytest.raises(TypeError):
        values([], b"x-k")


@settings(max_examples=2000, deadline=None)
@given(
    pairs=HEADER_PAIRS,
    names=st.lists(HEADER_NAMES, max_size=9).map(tuple),
    shape=st.sampled_from(["list", "tuple", "items"]),
)
def test_header_selections_are_selects(
    pairs: list[tuple[Any, Any]], names: tuple[str, ...], shape: str
) -> None:
    from webhook_receiver import _headers

    shaped: Any = {"list": list, "tuple": tuple, "items": lambda p: dict(p).items()}[shape](pairs)
    compiled = speedups.header_selection(shaped, names)
    event("compiled" if compiled is not None else "declined")
    saved, _headers._compiled_selection = _headers._compiled_selection, None
    try:
        expected = outcome(lambda: _headers.select(shaped, names))
    finally:
        _headers._compiled_selection = saved
    if compiled is not None:
        assert ("ok", compiled) == expected
        assert all(type(pair) is tuple and type(pair[1]) is str for pair in compiled)
    assert outcome(lambda: _headers.select(shaped, names)) == expected


def test_header_selections_take_the_usual_pairs_and_leave_the_rest() -> None:
    select = speedups.header_selection
    pairs = [("X-A", " a "), (b"webhook-id", b"\tm1"), ("x", "y"), ("WEBHOOK-ID", "m2")]
    # In the order received, repeats included, each under the name as given.
    assert select(pairs, ("Webhook-Id", "x-a")) == (("x-a", "a"), ("Webhook-Id", "m1"), ("Webhook-Id", "m2"))
    assert select({"Webhook-Id": "m"}.items(), ("webhook-id",)) == (("webhook-id", "m"),)
    assert select([], ("x-a",)) == () and select(pairs, ()) == ()
    assert select([("x-\u212a", "v")], ("x-long-name",)) == ()  # another length: skipped unread
    for declined in (
        select([("x-\u212a", "v")], ("x-k",)),  # str.lower() may make it ASCII
        select([("x-k", 7)], ("x-k",)),  # not a header value: the loop raises
        select([["x-k", "v"]], ("x-k",)),  # not a tuple
        select(iter([("x-k", "v")]), ("x-k",)),  # not a list, tuple or dict's items
        select([("x-k", "v")], ("x-\u212a",)),  # a name asked that is not ASCII
        select([("x-k", "v")], ("x-k", "X-K")),  # a name asked twice: Python says which wins
        select([("x-k", "v")], tuple(f"x-{n}" for n in range(9))),  # more names than it holds
    ):
        assert declined is None
    with pytest.raises(TypeError):
        select([], ["x-k"])


# ------------------------------------------------------------------ references


def test_no_reference_is_leaked_by_the_event_path() -> None:
    provider = make_provider("customerio")
    receiver = Receiver(provider)
    receiver.on_any(lambda event: None)
    track = sample("customerio", "track").payload
    assert isinstance(track, dict)
    batch = [track, {**track, "userId": 1}, {**track, "type": "page"}]
    reply_maker = constructor(Reply)
    environ = {"HTTP_HOST": "example.com", "CONTENT_TYPE": "", "HTTP_X_A": Text("")}
    plan = (("HTTP_HOST", "host"), ("CONTENT_TYPE", "content-type"), ("HTTP_X_A", "x-a"))
    pairs = [("webhook-id", " m "), (b"Webhook-Id", b"m2 "), ("x-a", "v"), ("x-\u212a", "v")]
    decoder = speedups.JsonDecoder(json.loads, _events._decode_standard, 100, 19, 1 << 18)
    compiled_decoder = speedups.JsonDecoder(None, lambda body: None, 100, 19, 1 << 18)

    def run(times: int) -> None:
        for _ in range(times):
            customerio._build_each(batch, "body")  # type: ignore[misc]
            customerio._build_event(track)
            outcome(lambda: customerio._build_event({**track, "context": []}))
            kourier._build_event(sample("kourier").payload)
            reply_maker(200, b"", events=(1,))
            outcome(lambda: reply_maker(200))
            speedups.environ_pairs(environ, plan)
            speedups.header_values(pairs, "Webhook-Id")
            speedups.header_values(dict(pairs).items(), "x-a")
            speedups.header_selection(pairs, ("Webhook-Id", "x-a"))
            speedups.header_selection(dict(pairs).items(), ("x-a", "x-b"))
            speedups.header_selection([("x-k", 7)], ("x-k",))
            decoder(b'{"a":[1,"x"]}')
            compiled_decoder(b'{"a":[1,"x",{"b":2.5}],"\xc3\xa9":"\\n\\ud83d\\ude00"}')
            for declined in (b'{"a":[1,{"b":2}', b'{"a":[1,"\\ud800"]}', b'[{"a":1e999}]', b'{"k":"\xff"}'):
                compiled_decoder(declined)
            outcome(lambda: decoder(b'{"a":'))  # refused by orjson, then by the standard decoder
            outcome(lambda: decoder(b'{"n":12345678901234567890}'))  # not given to loads: compiled
            speedups.environ_dict(environ, plan)
            for function in (speedups.environ_pairs, speedups.environ_dict):
                with pytest.raises(KeyError):
                    function({}, plan)

    # 18,000 calls: a leaked object per call would be several hundred KiB.
    assert bytes_kept(run) < 64 * 1024
