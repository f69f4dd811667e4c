"""The fast paths give what the plain ones give (constructor, member, decode_json, to_datetime)."""

from __future__ import annotations

import copy
import dataclasses
import importlib.util
import json
import pickle
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.json_cases import EDGE_BODIES, JSON_BYTES, JSON_STYLES, dumped, json_outcome, json_values
from webhook_receiver import Event, OpenEnum, Reply, _events
from webhook_receiver._events import constructor, decode_json, member, to_datetime
from webhook_receiver.providers import (
    courier,
    customerio,
    github,
    kourier,
    slack,
    standard_webhooks,
    stripe,
    xtremepush,
)

MODULES = (courier, customerio, github, kourier, slack, standard_webhooks, stripe, xtremepush)
CLASSES = sorted(
    {
        obj
        for module in MODULES
        for obj in vars(module).values()
        if isinstance(obj, type) and dataclasses.is_dataclass(obj) and obj.__module__ == module.__name__
    }
    | {Event},
    key=lambda cls: cls.__qualname__,
)


def arguments(cls: type) -> dict[str, Any]:
    """Every field given, with a value of a plausible type."""
    values: dict[str, Any] = {}
    for item in dataclasses.fields(cls):
        values[item.name] = {
            "timestamp": datetime(2024, 1, 2, tzinfo=UTC),
            "status": getattr(cls, "__annotations__", {}).get("status") and None,
        }.get(item.name, f"{item.name}-value")
    return values


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__qualname__)
def test_constructor_makes_what_the_class_makes(cls: type) -> None:
    build = constructor(cls)
    given = arguments(cls)
    fast, plain = build(**given), cls(**given)
    assert type(fast) is cls
    assert fast == plain and repr(fast) == repr(plain)
    assert [getattr(fast, f.name) for f in dataclasses.fields(cls)] == list(given.values())
    first = dataclasses.fields(cls)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(fast, first, "changed")
    with pytest.raises(dataclasses.FrozenInstanceError):
        delattr(fast, first)
    assert not hasattr(fast, "__dict__")
    assert dataclasses.replace(fast, **{first: "other"}) == dataclasses.replace(plain, **{first: "other"})
    assert pickle.loads(pickle.dumps(fast)) == plain  # noqa: S301 - our own bytes
    assert copy.deepcopy(fast) == plain


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__qualname__)
def test_constructor_defaults_and_errors_match_the_class(cls: type) -> None:
    build = constructor(cls)
    required = {
        f.name: f"{f.name}-value"
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    fast, plain = build(**required), cls(**required)
    assert fast == plain and repr(fast) == repr(plain)
    for item in dataclasses.fields(cls):
        if item.default_factory is not dataclasses.MISSING:  # a fresh object per instance
            assert getattr(fast, item.name) is not getattr(build(**required), item.name)
    with pytest.raises(TypeError):
        build(**required, unknown=1)
    for name in required:
        with pytest.raises(TypeError):
            build(**{k: v for k, v in required.items() if k != name})


def test_constructor_refuses_what_it_cannot_build() -> None:
    @dataclasses.dataclass(frozen=True)
    class NoSlots:
        a: int

    @dataclasses.dataclass(frozen=True, slots=True)
    class NotInit:
        a: int
        b: int = dataclasses.field(init=False, default=0)

    with pytest.raises(TypeError):
        constructor(NoSlots)
    with pytest.raises(TypeError):
        constructor(NotInit)
    with pytest.raises(TypeError):
        constructor(dict)


@dataclasses.dataclass(frozen=True, slots=True)
class Mixed:
    a: int
    b: str = "b"
    c: list[int] = dataclasses.field(default_factory=list)
    d: int = dataclasses.field(kw_only=True)
    e: int = dataclasses.field(kw_only=True, default=5)


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [((1,), {"d": 4}), ((1, "x", [2]), {"d": 4, "e": 6}), ((), {"a": 1, "b": "y", "d": 4})],
)
def test_constructor_takes_positional_fields_as_the_class_does(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    build = constructor(Mixed)
    fast, plain = build(*args, **kwargs), Mixed(*args, **kwargs)
    assert type(fast) is Mixed and fast == plain and repr(fast) == repr(plain)
    assert build(1, d=4).c is not build(1, d=4).c
    for wrong_args, wrong_kwargs in [((1, "x", [], 4), {}), ((1,), {}), ((1,), {"d": 4, "a": 2})]:
        with pytest.raises(TypeError):
            Mixed(*wrong_args, **wrong_kwargs)
        with pytest.raises(TypeError):
            build(*wrong_args, **wrong_kwargs)


def test_constructor_builds_the_receivers_reply() -> None:
    build = constructor(Reply)
    for args, kwargs in [((200, b"{}"), {}), ((500, b"x"), {"headers": {"A": "b"}, "events": (1,)})]:
        fast, plain = build(*args, **kwargs), Reply(*args, **kwargs)
        assert type(fast) is Reply and fast == plain and repr(fast) == repr(plain)
        assert fast.headers is plain.headers or fast.headers == plain.headers


class Colour(OpenEnum):
    RED = "red"


def test_member_is_the_enum_call() -> None:
    assert member(Colour, "red") is Colour("red") is Colour.RED
    other = member(Colour, "mauve")
    assert other == Colour("mauve") == "mauve" and not other.known


@pytest.mark.parametrize(
    "body",
    [
        b'{"a":1}',
        b' \t\n\r{"a":1} \r\n',
        b'[1,"x",null]',
        b'"s"',
        b"1",
        b"{}x",
        b"{} x",
        b"\x0c{}",
        b"{}\x0c",
        b"\xef\xbb\xbf{}",
        b"nul",
        b"[1,]",
        b'{"a":1e999}',
        b'{"a":NaN}',
        b"[" * 100_000,
        b"1" * 5000,
    ],
)
def test_decode_json_agrees_with_json_loads(body: bytes) -> None:
    try:
        expected: Any = json.loads(body.decode("utf-8"), parse_constant=lambda c: 1 / 0)
    except (ValueError, ZeroDivisionError, RecursionError):
        expected = "error"
    if expected != "error" and any(
        isinstance(v, float) and v in (float("inf"), float("-inf")) for v in [expected]
    ):
        expected = "error"
    try:
        got: Any = decode_json(body)
    except Exception:
        got = "error"
    if body == b'{"a":1e999}':
        assert got == "error"
    else:
        assert got == expected


@pytest.mark.parametrize(
    "value",
    [
        0,
        -1,
        1.5,
        1706160867,
        1706160867123,
        10**11 - 1,
        10**11,
        10**15,
        10**17,
        10**400,
        -(10**400),
        float("nan"),
        float("inf"),
        "1706160867",
        " 1706160867123 ",
        "2024-01-25T05:34:27Z",
        "2024-01-25T05:34:27+02:00",
        "2024-01-25",
        "20240125",
        "x",
        "",
        True,
        None,
        [1],
    ],
)
def test_to_datetime_keeps_its_meaning(value: Any) -> None:
    got = to_datetime(value)
    if isinstance(value, bool) or value is None or isinstance(value, list):
        assert got is None
        return
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            seconds = value / 1000 if abs(value) >= 10**11 else float(value)
            expected = datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError):
            expected = None
        assert got == expected
    assert got is None or got.tzinfo is UTC


# -- decode_json with orjson: the same answer as the standard library's, or it is not used --

needs_orjson = pytest.mark.skipif(
    importlib.util.find_spec("orjson") is None, reason="orjson is not installed (the orjson extra)"
)


def both_ways(body: bytes) -> None:
    """``body`` as it is, and padded with spaces into orjson's range of sizes, decodes the same
    through ``decode_json`` as through the standard decoder alone."""
    for each in (body, body + b" " * max(0, _events._FAST_SIZES[0] - len(body))):
        assert json_outcome(_events.decode_json, each) == json_outcome(_events._decode_standard, each)


@needs_orjson
@pytest.mark.parametrize("body", EDGE_BODIES)
def test_the_orjson_path_answers_as_the_standard_one(body: bytes) -> None:
    both_ways(body)


@needs_orjson
@settings(max_examples=400, deadline=None)
@given(json_values, st.sampled_from(JSON_STYLES))
@example(2**64, "compact")
@example({"k": [1.5, -(2**63)]}, "spaced")
def test_any_json_value_decodes_the_same_both_ways(value: Any, style: str) -> None:
    both_ways(dumped(value, style))


@needs_orjson
@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=64) | st.lists(st.sampled_from(JSON_BYTES), max_size=40).map(bytes))
def test_any_bytes_get_the_same_value_or_the_same_error_both_ways(body: bytes) -> None:
    both_ways(body)


@needs_orjson
def test_orjson_decodes_what_it_can_and_hands_over_the_rest(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bytes] = []
    standard = _events._decode_standard

    def counted(body: bytes) -> Any:
        calls.append(body)
        return standard(body)

    monkeypatch.setattr(_events, "_decode_standard", counted)
    decode = _events.decode_json
    if _events._compiled_decoder is not None:
        # The compiled decoder holds the standard decoder it was made with: one made as
        # the module makes it, with the counted one, answers for it.
        assert type(decode) is _events._compiled_decoder
        limits = (_events._SHALLOW, len(_events._LONG_DIGITS), _events._FAST_SIZES[1])
        decode = _events._compiled_decoder(_events._orjson.loads, counted, *limits)
    monkeypatch.setattr(_events, "decode_json", decode)
    padding = b" " * _events._FAST_SIZES[0]
    assert _events.decode_json(b'{"a":[1,2.5,"x"]}' + padding) == {"a": [1, 2.5, "x"]}
    assert calls == []  # orjson's value, kept
    # Not given to orjson: with the compiled path, its decoder reads them instead.
    long_integer = b'{"n":123456789012345678901}' + padding  # an integer orjson would make a float
    past_largest = b'{"s":"' + b"x" * _events._FAST_SIZES[1] + b'"}'  # orjson's memory
    handed_over = (
        b'"\\ud800"' + padding,  # refused: the standard decoder says why
        b"[" * 101 + b"]" * 101,  # might nest deeper than any stack decodes
        b'{"batch":['
        + b'{"a":[1]},' * 7_000
        + b'{"a":[1]}],"deep":'
        + b"[" * 100
        + b"]" * 100
        + b"}",  # 101 deep
    )
    small = b'{"a":[1,2.5,"x"]}'
    # A batch, nested three deep; its strings hold brackets, which do not nest.
    batch = b"[" + b'{"a":[1],"s":"[[{\\"}"},' * 7_000 + b'{"a":[2]}]'
    if _events._json_fits is None:  # the Python check: a count of brackets, strings too
        handed_over += (small, batch, long_integer, past_largest)
    else:
        for body in (small, batch, long_integer, past_largest):
            calls.clear()
            assert _events.decode_json(body) == json.loads(body) and calls == []
    for body in handed_over:
        calls.clear()
        json_outcome(_events.decode_json, body)
        assert calls == [body]


def test_without_orjson_the_standard_decoder_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_events, "_orjson", None)
    for body in EDGE_BODIES:
        assert json_outcome(_events.decode_json, body) == json_outcome(_events._decode_standard, body)
    assert _events.decode_json(b'{"n":18446744073709551616}') == {"n": 2**64}


def test_the_library_decodes_without_orjson_installed() -> None:
    """A child where ``import orjson`` fails: the standard decoder, the same values and errors."""
    import subprocess
    import sys

    script = (
        "import sys; sys.modules['orjson'] = None\n"
        "from webhook_receiver import PayloadError\n"
        "from webhook_receiver import _accel\n"
        "from webhook_receiver._events import _decode_standard, _orjson, decode_json\n"
        "assert _orjson is None\n"
        # With the compiled path, its decoder; without it, the standard one itself.
        "compiled = _accel.compiled is not None\n"
        "assert (type(decode_json).__name__ == 'JsonDecoder') is compiled, decode_json\n"
        "assert compiled or decode_json is _decode_standard\n"
        "assert decode_json(b'{\"a\": [1, 2.5]}' + b' ' * 300) == {'a': [1, 2.5]}\n"
        "try:\n    decode_json(b'[1e999]')\nexcept PayloadError as e:\n    print(e)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "body contains a number too large for a float"
