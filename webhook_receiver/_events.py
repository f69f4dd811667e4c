"""What provider parsers share: JSON decoding, typed field readers, time units, OpenEnum.

The :class:`Event` base class itself lives in ``_event`` (it imports nothing) and is
re-exported here. Every reader turns a bad field into a ``PayloadError`` (400).
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from enum import StrEnum
from types import ModuleType
from typing import TYPE_CHECKING, Any, NamedTuple, ParamSpec, Self, TypeVar

from . import _accel
from ._errors import PayloadError
from ._event import CUSTOM, Event, JSONObject, JSONValue
from ._records import constructor as python_constructor

__all__ = [
    "CUSTOM",
    "MAX_DEPTH",
    "MAX_TIMESTAMP_DIGITS",
    "MILLISECONDS_FROM",
    "Event",
    "JSONObject",
    "JSONValue",
    "OpenEnum",
    "PythonReader",
    "Reader",
    "canonical_json",
    "check_depth",
    "constructor",
    "decode_json",
    "event_builder",
    "member",
    "orjson_installed",
    "to_datetime",
]

# Timestamps with more digits are not times (16 digits of milliseconds is year 318857).
MAX_TIMESTAMP_DIGITS = 16
"""The most digits a unix timestamp (seconds or milliseconds) may have."""

# 10**11 seconds is the year 5138 while 10**11 milliseconds is 1973: any real
# timestamp at or above it is in milliseconds.
MILLISECONDS_FROM = 10**11
"""Unix timestamps at or above this are milliseconds, below it seconds."""


class OpenEnum(StrEnum):
    """A string enum that accepts values it does not know.

    ``Status("SOMETHING_NEW")`` does not raise: it returns a member whose value is the
    new string and whose ``known`` is ``False``, so a status a provider adds tomorrow
    never breaks parsing, and still compares equal to its string.
    """

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = "UNKNOWN"
        member._value_ = value
        return member

    @property
    def known(self) -> bool:
        """Whether this value is one the library was written for."""
        return self._name_ in type(self).__members__


_OE = TypeVar("_OE", bound=OpenEnum)


def member(cls: type[_OE], value: str) -> _OE:
    """``cls(value)``: the same member, without ``EnumType.__call__`` for known values.

    Calling an enum class runs two Python-level functions before the dictionary lookup
    it comes down to (0.35 µs here, per status of every event); unknown values still
    go through ``cls(value)`` and so through ``_missing_``.
    """
    found = cls._value2member_map_.get(value)
    return cls(value) if found is None else found  # type: ignore[return-value]


def _reject_constant(name: str) -> float:
    raise PayloadError(f"body contains {name}, which is not JSON")


def _finite_float(text: str) -> float:
    # json turns 1e999 into inf without complaint; no provider sends infinities.
    value = float(text)
    if not math.isfinite(value):
        raise PayloadError("body contains a number too large for a float")
    return value


# One decoder for every request: json.loads(..., parse_float=...) builds a new one per call.
# Its C scanner is called directly: JSONDecoder.decode and raw_decode wrap it in two
# Python calls and two regular-expression matches for the surrounding whitespace,
# which cost more than scanning a 100-byte body (0.75 µs of 1.3 µs here).
_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite_float)
_scan: Callable[[str, int], tuple[JSONValue, int]] = _DECODER.scan_once  # type: ignore[attr-defined]
_JSON_SPACE = " \t\n\r"  # JSON's whitespace (RFC 8259), as JSONDecoder skips it
_INVALID = "body is not valid JSON (JSONDecodeError)"

_orjson: ModuleType | None
try:  # the orjson extra: faster decoding, with the same answers (decode_json)
    import orjson as _orjson_module
except ImportError:
    _orjson = None
else:
    _orjson = _orjson_module


def orjson_installed() -> bool:
    """Whether the ``orjson`` extra is installed, so bodies decode with it."""
    return _orjson is not None


_UNDECIDED = object()
_SCAN = bytes(0x30 if 0x30 <= byte <= 0x39 else 0x5B if byte in b"[{" else 0x20 for byte in range(256))
"""Every digit to "0", every opening bracket to "[", anything else to a space: one
``bytes.translate`` gives :func:`_decode_fast` both of its checks (a quarter cheaper
than two counts and a translation, and a tenth of what a regular expression costs)."""
_LONG_DIGITS = b"0" * 19
"""19 digits in a row: perhaps an integer outside 64 bits, which orjson makes a float."""
_SHALLOW = 100
"""Nesting the standard decoder handles from any stack a request runs on."""
_json_fits: Callable[[bytes, int, int], bool] | None = getattr(_accel.compiled, "json_fits", None)
"""The compiled path's check for :func:`_decode_fast`, in one pass (``None`` without it):
the nesting itself, brackets inside strings left out, where the Python check counts
every bracket."""
_FAST_SIZES = (128, 65536) if _json_fits is None else (1, 262144)
"""Bodies orjson decodes. Without the compiled check, below 128 bytes the Python checks
cost what orjson saves (instruction counts of the providers' samples: even at 105 bytes,
12% fewer at 173), and above 64 KiB a body is a batch with far more than
:data:`_SHALLOW` brackets, which the count would hand over anyway. With it, orjson and
the check cost less at every size: 6.7k instructions against 10.6k for Kourier's
105-byte sample, 4.3k against 6.9k at 40 bytes; and a 1000-event Customer.io batch
(209 KiB, three deep) decodes in 457 µs against the standard decoder's 787, the check
taking about 20. Above 256 KiB another decoder again, for memory (the compiled one
with the compiled path, else the standard one): orjson's peak while decoding is 13
times the body for one long string and 20 times for a batch (``tracemalloc``), the
standard decoder's 2 and 7.6 times; at 256 KiB that is 5 MiB at most, where a 5 MiB
body would cost 100."""


def _decode_fast(body: bytes) -> JSONValue | object:
    """orjson's value for ``body`` where it equals the standard library's, else ``_UNDECIDED``.

    The two agree on every JSON text but these, which go to the standard decoder:
    anything orjson refuses (it refuses what the standard path refuses, and that path
    says why in its own words), integers too long for 64 bits (orjson gives a float:
    any run of 19 digits, inside a string or not, takes the standard path), and
    nesting deeper than :data:`_SHALLOW` (where the standard decoder's limit depends
    on the stack). The compiled check reads the nesting itself; the Python one
    counts the brackets, strings included, so a body with more than :data:`_SHALLOW`
    of them, which might nest that deep, goes to the standard path. The checks read
    the bytes, not the decoded value: a walk over the values in Python costs more
    than decoding them (68k instructions against orjson's 43k for a 944-byte event
    of 80 values).
    """
    if type(body) is not bytes:
        return _UNDECIDED
    if _json_fits is not None:  # the same check in one pass, compiled (_accel)
        if not _json_fits(body, _SHALLOW, len(_LONG_DIGITS)):
            return _UNDECIDED
    else:
        scan = body.translate(_SCAN)
        if scan.count(b"[") > _SHALLOW or _LONG_DIGITS in scan:
            return _UNDECIDED
    try:
        return _orjson.loads(body)  # type: ignore[no-any-return, union-attr]  # checked by the caller
    except Exception:  # orjson.JSONDecodeError: the standard decoder says why
        return _UNDECIDED


MAX_DEPTH = 512
"""The deepest nesting of arrays and objects an event may have to be stored (deferred mode).

Real payloads nest a dozen levels at most. Python's JSON encoder and decoder recurse
once per level and share the interpreter's recursion limit (1000 by default on 3.11)
with the frames already on the stack, so a body nested 990 deep can decode in one
place and fail to encode or decode in another: the event's key, the inbox, a
worker. :func:`decode_json` refuses what it cannot decode; what is written out for
later (an inbox row) must also pass :func:`check_depth`, so a worker, whatever its
stack, reads back every event it was given, with hundreds of frames to spare.
Checking every body this way would cost more than decoding it (a walk over every
value), so a direct receiver leaves the bound to the decoder, as ``json.loads`` does.
"""

# A lone surrogate can only come from a \uD800-\uDFFF escape (UTF-8 itself cannot
# encode one): a high one not followed by a low one, or a low one not after a high
# one, which is what the first pattern finds. It reads every "\u" as an escape, true
# unless the text has an escaped backslash ("\\\\u..." is a backslash and "u..."), so
# then any surrogate escape at all sends the decoded strings to the exact check.
_HIGH_ESCAPE = r"\\u[dD][89abAB][0-9a-fA-F]{2}"
_LOW_ESCAPE = r"\\u[dD][c-fC-F][0-9a-fA-F]{2}"
_LONE_SURROGATE_ESCAPE = re.compile(f"{_HIGH_ESCAPE}(?!{_LOW_ESCAPE})|(?<!{_HIGH_ESCAPE}){_LOW_ESCAPE}")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _decode_with_orjson(body: bytes) -> JSONValue:
    """:func:`decode_json` where orjson is installed: orjson first, the standard decoder as the judge."""
    if _FAST_SIZES[0] <= len(body) <= _FAST_SIZES[1]:
        fast = _decode_fast(body)
        if fast is not _UNDECIDED:
            return fast  # type: ignore[return-value]
    return _decode_standard(body)


def _decode_standard(body: bytes) -> JSONValue:
    """Decode a UTF-8 JSON body; anything else is a ``PayloadError`` (400).

    Beyond RFC 8259's grammar, a body is refused when it nests deeper than the
    decoder can recurse from here, holds a non-finite number (``NaN``, ``1e999``), or
    a string with a lone surrogate (``"\\ud800"``): RFC 7493 (I-JSON) forbids them,
    they cannot be written to a database or encoded as UTF-8, and orjson refuses them
    too. What this returns encodes to UTF-8 and decodes back to an equal value; see
    :data:`MAX_DEPTH` for nesting.

    This is :data:`decode_json` without orjson and without the compiled path. With
    orjson installed (the ``orjson`` extra) :data:`decode_json` gives the same answer,
    value for value and error for error: orjson's value is kept only where this
    function would return an equal one (see :func:`_decode_fast`), and any body orjson
    refuses is decoded again here, which then says why. The compiled decoder (with the
    compiled path, for every body orjson is not given) answers only where this function
    returns, with an equal value, and hands every other body here.
    """
    if not body or body.isspace():
        raise PayloadError("body is empty")
    try:
        text = (body if type(body) is bytes else bytes(body)).decode("utf-8")
    except UnicodeDecodeError:
        raise PayloadError("body is not UTF-8") from None
    start = 0 if text[0] not in _JSON_SPACE else len(text) - len(text.lstrip(_JSON_SPACE))
    try:
        value: JSONValue
        value, end = _scan(text, start)
    except StopIteration:  # no JSON value where one must start
        raise PayloadError(_INVALID) from None
    except RecursionError:
        raise PayloadError("body is nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError, and int() over 4300 digits
        raise PayloadError(f"body is not valid JSON ({type(exc).__name__})") from None
    if end != len(text) and text[end:].lstrip(_JSON_SPACE):
        raise PayloadError(_INVALID)  # data after the document
    # "\\" first: a one-character search runs at memchr's speed, and most bodies have
    # no escape at all. Then any surrogate escape (0.6 µs for 2 KiB, where `"\\u" in
    # text` takes 1.4), and only then the exact pattern, which costs 25 µs.
    if (
        "\\" in text
        and _SURROGATE_ESCAPE.search(text)
        and ("\\\\" in text or _LONE_SURROGATE_ESCAPE.search(text))
    ):
        _check_strings(value)
    return value


decode_json: Callable[[bytes], JSONValue] = _decode_standard if _orjson is None else _decode_with_orjson
"""Decode a UTF-8 JSON body, or raise ``PayloadError`` (see :func:`_decode_standard`).

The standard library's decoder, or the same answers sooner: chosen once, when the
module is imported. With orjson installed, orjson first (for bodies up to 256 KiB with
the compiled path, of 128 bytes to 64 KiB without it). With the compiled path it is
``_speedups.JsonDecoder``, one C call: orjson for what :func:`_decode_fast` would give
it, and the compiled decoder for every other body (every body without orjson), which
reads the usual body straight from its bytes (2 to 2.8 times as fast as the standard
decoder at 1 KiB, at any size, with less memory than it) and hands every other to
:func:`_decode_standard`, which decides. So every body gets the answer
:func:`_decode_standard` gives it."""
_compiled_decoder = getattr(_accel.compiled, "JsonDecoder", None)
if _compiled_decoder is not None and _json_fits is not None:
    # _decode_with_orjson and _decode_fast (or, without orjson, the standard decoder's
    # usual case) in one compiled call, without their frames.
    decode_json = _compiled_decoder(
        None if _orjson is None else _orjson.loads,
        _decode_standard,
        _SHALLOW,
        len(_LONG_DIGITS),
        _FAST_SIZES[1],
    )


def check_depth(value: JSONValue) -> None:
    """Raise ``PayloadError`` if ``value`` nests deeper than :data:`MAX_DEPTH`."""
    if _depth(value, MAX_DEPTH + 1) > MAX_DEPTH:
        raise PayloadError(f"payload is nested more than {MAX_DEPTH} levels deep")


def _depth(value: JSONValue, stop: int) -> int:
    """How deep arrays and objects nest in ``value`` (up to ``stop``, where the walk ends).

    A walk over every array and object, level by level (no recursion of its own).
    """
    level: list[JSONValue] = [value] if type(value) is dict or type(value) is list else []
    depth = 0
    while level and depth < stop:
        depth += 1
        below: list[JSONValue] = []
        for container in level:
            children = container.values() if type(container) is dict else container
            below += [child for child in children if type(child) is dict or type(child) is list]  # type: ignore[union-attr]
        level = below
    return depth


def _check_strings(value: JSONValue) -> None:
    """Raise ``PayloadError`` if a string (or key) in ``value`` holds a lone surrogate."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except RecursionError:
        raise PayloadError("body is nested too deeply") from None
    except UnicodeEncodeError:
        raise PayloadError(
            "body contains a lone surrogate (\\ud800-\\udfff), which is not Unicode text"
        ) from None


def canonical_json(value: JSONValue) -> str:
    """``value`` as JSON with sorted keys and no spaces: equal values, equal text.

    Raises:
        PayloadError: ``value`` cannot be encoded here (nested too deeply for the
            frames left on the stack; see :data:`MAX_DEPTH`).
    """
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError, RecursionError) as exc:
        raise PayloadError(f"payload cannot be encoded as JSON ({type(exc).__name__})") from None


_fromtimestamp = datetime.fromtimestamp
_fromisoformat = datetime.fromisoformat


def _to_datetime(value: object) -> datetime | None:
    """A UTC datetime from an ISO 8601 string or a unix time in seconds or milliseconds.

    Returns ``None`` when ``value`` is ``None`` or cannot be read as a time.
    """
    # Exact types first: JSON only makes these, and isinstance() chains cost more.
    kind = type(value)
    if kind is str:
        return _time_from_text(value)  # type: ignore[arg-type]
    if kind is int or kind is float:
        return _time_from_number(value)  # type: ignore[arg-type]
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return _time_from_number(value)
    if isinstance(value, str):
        return _time_from_text(value)
    return None


# Every way a time can be out of range: fromtimestamp() past year 9999 or before 1
# (OverflowError, or OSError/ValueError by platform), NaN and infinities (ValueError),
# and a valid local time whose UTC equivalent is outside year 1-9999, which only
# astimezone() finds ("0001-01-01T00:00:00+01:00": OverflowError).
_OUT_OF_RANGE = (OverflowError, OSError, ValueError)


def _time_from_number_python(value: float) -> datetime | None:
    try:
        seconds = value / 1000 if abs(value) >= MILLISECONDS_FROM else value
        # tz positionally: fromtimestamp's keyword parsing costs as much as the rest.
        return _fromtimestamp(seconds, UTC)
    except _OUT_OF_RANGE:
        return None


def _time_from_text(value: str) -> datetime | None:
    # JSON's own whitespace around a time is tolerated; str.strip() would also take
    # \xa0 and other characters no sender puts there.
    text = value.strip(_JSON_SPACE)
    if text.isascii() and text.isdigit():
        return _time_from_number(int(text)) if len(text) <= 16 else None
    try:
        parsed = _fromisoformat(text)
        zone = parsed.tzinfo
        if zone is UTC:
            return parsed
        return parsed.replace(tzinfo=UTC) if zone is None else parsed.astimezone(UTC)
    except _OUT_OF_RANGE:
        return None


to_datetime: Callable[[object], datetime | None] = _to_datetime
"""A UTC datetime from an ISO 8601 string or a unix time in seconds or milliseconds;
``None`` when ``value`` is ``None`` or cannot be read as a time. With the compiled path
(``_accel``), an int of seconds or milliseconds in 1970-2106 is converted in C, with
the same result as ``datetime.fromtimestamp``, and so is ISO 8601 text in UTC (the same
``datetime.fromisoformat`` call); everything else by the Python code."""
_time_from_number: Callable[[float], datetime | None] = _time_from_number_python
if _accel.compiled is not None:
    to_datetime = _accel.compiled.TimeConverter(_to_datetime, read_text=True)
    _time_from_number = _accel.compiled.TimeConverter(_time_from_number_python)


_P = ParamSpec("_P")
_T = TypeVar("_T")

# _speedups.c's FIELD_* numbers: how a RecordMaker fills a field the call leaves out.
_REQUIRED, _DEFAULT, _FACTORY = 0, 1, 2


def constructor(cls: Callable[_P, _T]) -> Callable[_P, _T]:
    """A faster ``cls(...)`` for a frozen, slotted dataclass (``_records.constructor``).

    With the compiled path (``_accel``), a ``_speedups.RecordMaker``: it binds the
    arguments as the dataclass's ``__init__`` would and stores each slot once, in C;
    a call it cannot bind (a missing, unknown or repeated argument) goes to the
    Python constructor, which raises the ``TypeError`` that ``cls(...)`` would.
    """
    made = python_constructor(cls)
    compiled = _accel.compiled
    if compiled is None:
        return made
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]  # checked by python_constructor
    # Positional fields first, as __init__'s signature has them.
    ordered = [field for field in fields if not field.kw_only] + [field for field in fields if field.kw_only]
    specs = tuple(
        (field.name, bool(field.kw_only), _DEFAULT, field.default)
        if field.default is not dataclasses.MISSING
        else (field.name, bool(field.kw_only), _FACTORY, field.default_factory)
        if field.default_factory is not dataclasses.MISSING
        else (field.name, bool(field.kw_only), _REQUIRED, None)
        for field in ordered
    )
    try:
        maker: Callable[_P, _T] = compiled.RecordMaker(cls, specs, made)
    except TypeError:  # more fields than the compiled maker holds: the Python one serves
        return made
    return maker


class Take(NamedTuple):
    """How a compiled event builder fills one field of an event (see :func:`event_builder`).

    Each reads the payload's ``key`` the way the provider's own function reads that
    field's usual value; any other value (and every error) is left to that function.
    """

    how: int
    key: object = None
    members: dict[str, Any] | None = None


# _speedups.c's TAKE_* numbers.
_FIXED, _KIND, _PAYLOAD, _TEXT, _REQUIRED_TEXT, _MAPPING, _TIME, _MEMBER, _REQUIRED_MEMBER = range(9)


def text_field(key: str) -> Take:
    """A string, or ``None`` when absent or ``null`` (:meth:`Reader.text`'s usual case)."""
    return Take(_TEXT, key)


def required_text_field(key: str) -> Take:
    """A non-empty string (:meth:`Reader.required_text`'s usual case)."""
    return Take(_REQUIRED_TEXT, key)


def mapping_field(key: str) -> Take:
    """An object, or a new empty one when absent or ``null`` (:meth:`Reader.mapping`)."""
    return Take(_MAPPING, key)


def time_field(key: str) -> Take:
    """:func:`to_datetime`'s value, or ``None`` when absent or ``null``."""
    return Take(_TIME, key)


def member_field(cls: type[OpenEnum], key: str, *, required: bool = False) -> Take:
    """A known member of ``cls`` for a non-empty string (:func:`member`); ``None`` when
    absent or ``null``, unless ``required``."""
    return Take(_REQUIRED_MEMBER if required else _MEMBER, key, cls._value2member_map_)


Shape = tuple[type[Any], Mapping[str, Take]]
"""An event class (or a record an event holds), and a :class:`Take` for each of its
fields read from the payload."""

_E = TypeVar("_E")


def event_builder(
    build: Callable[..., _E],
    *,
    provider: str,
    kind: str,
    shapes: Mapping[str, Shape],
    default: Shape | None = None,
) -> Callable[..., _E]:
    """``build`` (a provider's typed-event function, or one making a record an event
    holds, such as Courier's message) compiled for the usual payload.

    With the compiled path (``_accel``), the function returned makes the event of a
    payload that is a JSON object whose ``kind`` field is a non-empty string in
    ``shapes`` (any other string when there is a ``default``), and whose fields each
    :class:`Take` reads are the usual case, in C; for every other payload (every
    error included) it calls ``build`` with the same arguments. Without the compiled
    path it is ``build`` itself. Fields not named in a shape are filled in: the
    class's ``provider`` with ``provider``, ``type`` with the kind, ``payload`` with the
    payload, any other with its default. It has an ``each(items, where)`` method only
    when compiled: ``[build(item, where, index) for index, item in enumerate(items)]``.

    Raises:
        TypeError: a shape names a field its class lacks, leaves out a field without
            a plain default, or the class is not a slotted dataclass.
    """
    compiled = _accel.compiled
    if compiled is None:
        return build
    made: Callable[..., _E] = compiled.EventBuilder(
        build,
        kind,
        {name: _takes(shape, provider) for name, shape in shapes.items()},
        None if default is None else _takes(default, provider),
    )
    return made


def _takes(shape: Shape, provider: str) -> tuple[type[Any], tuple[tuple[str, int, object, object], ...]]:
    """A shape as ``_speedups.EventBuilder`` reads it: one take per field of the class."""
    cls, read = shape
    if not dataclasses.is_dataclass(cls) or hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls!r} must be a dataclass without __post_init__")
    fields = {field.name: field for field in dataclasses.fields(cls)}
    unknown = set(read) - set(fields)
    if unknown:
        raise TypeError(f"{cls.__name__} has no field {sorted(unknown)[0]!r}")
    takes = []
    for name, field in fields.items():
        if name in read:
            take = read[name]
        elif name == "provider":
            take = Take(_FIXED, provider)
        elif name == "type":
            take = Take(_KIND)
        elif name == "payload":
            take = Take(_PAYLOAD)
        elif field.default is not dataclasses.MISSING:
            take = Take(_FIXED, field.default)
        else:
            raise TypeError(f"{cls.__name__}.{name} needs a Take: it has no plain default")
        takes.append((name, take.how, take.key, take.members))
    return cls, tuple(takes)


_RFC3339 = re.compile(
    r"(\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})", re.ASCII
)


def rfc3339_seconds(text: str) -> float | None:
    """Unix seconds of an RFC 3339 date-time with its offset (``2026-11-29T19:16:34.123456789Z``).

    Strict, for signed timestamps (Twitch, Zendesk): no missing offset, no spaces,
    no ISO 8601 variants; up to nanoseconds (kept to microseconds). ``None`` when
    ``text`` is not one, or is outside years 1 to 9999 in UTC.
    """
    matched = _RFC3339.fullmatch(text)
    if matched is None:
        return None
    whole, fraction, zone = matched.groups()
    try:
        moment = _fromisoformat(
            whole.upper()
            + (f".{fraction[:6]:0<6}" if fraction else "")
            + ("+00:00" if zone in "Zz" else zone)
        )
        return moment.astimezone(UTC).timestamp()
    except _OUT_OF_RANGE:
        return None


def _rfc3339_time_python(text: str) -> datetime | None:
    seconds = rfc3339_seconds(text)
    return None if seconds is None else _time_from_number(seconds)


rfc3339_time: Callable[[str], datetime | None] = _rfc3339_time_python
"""The UTC datetime of an RFC 3339 date-time, ``to_datetime(rfc3339_seconds(text))``;
``None`` when ``text`` is not one. With the compiled path (``_accel``), the usual form
(``2023-07-19T10:11:12.634234626Z``, years 1970-2106) is read in C, to the same datetime."""
if _accel.compiled is not None:
    rfc3339_time = _accel.compiled.TimeConverter(_rfc3339_time_python, rfc3339=True)


class Reader:
    """Typed reads from one decoded JSON object, with precise ``PayloadError`` messages.

    Absent or ``null`` fields read as ``None`` (providers leave optional fields out,
    and Xtremepush sends ``null`` for placeholders it has no data for); a field that
    is present with the wrong JSON type is a ``PayloadError``. With the compiled path
    the name ``Reader`` is ``_speedups.Reader``, which serves the usual values itself
    and hands every other to this class (:data:`PythonReader`).
    """

    __slots__ = ("_data", "_index", "_key", "_where")

    def __init__(self, data: JSONValue, where: str, index: int | None = None) -> None:
        """``where`` names ``data`` in error messages (``"body"``); with ``index``, it is
        ``where[index]``, formatted only if an error needs it (once per event of a batch
        otherwise)."""
        if type(data) is not dict and not isinstance(data, dict):
            where = where if index is None else f"{where}[{index}]"
            raise PayloadError(f"{where} must be a JSON object, not {_json_type(data)}")
        self._data: JSONObject = data
        self._where: str | Reader = where
        self._index = index
        self._key: str | None = None

    @property
    def data(self) -> JSONObject:
        """The object itself."""
        return self._data

    @property
    def where(self) -> str:
        """How error messages name this object (``"body"``, ``"body[3].context"``)."""
        where = self._where
        # A child's or an element's name is its parent's name and its key.
        name = where if type(where) is str else f"{where.where}.{self._key}"  # type: ignore[union-attr]
        return name if self._index is None else f"{name}[{self._index}]"

    def _fail(self, key: str, expected: str) -> PayloadError:
        return PayloadError(f"{self.where}.{key} must be {expected}, not {_json_type(self._data[key])}")

    def text(self, key: str) -> str | None:
        """A string field; numbers are accepted and written as strings (ids often are)."""
        value = self._data.get(key)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        raise self._fail(key, "a string")

    def required_text(self, key: str) -> str:
        """A string field that must be present and non-empty."""
        value = self._data.get(key)
        if type(value) is str and value:
            return value
        value = self.text(key)
        if not value:
            raise PayloadError(f"{self.where}.{key} is missing")
        return value

    def kind(self, key: str) -> str:
        """An event-type field: a non-empty string (a number is not an event type)."""
        value = self._data.get(key)
        if value is None or value == "":
            raise PayloadError(f"{self.where}.{key} is missing")
        if not isinstance(value, str):
            raise self._fail(key, "a string")
        return value

    def integer(self, key: str) -> int | None:
        """An integer field."""
        value = self._data.get(key)
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        raise self._fail(key, "an integer")

    def boolean(self, key: str) -> bool | None:
        """A boolean field."""
        value = self._data.get(key)
        if value is None or isinstance(value, bool):
            return value
        raise self._fail(key, "true or false")

    def time(self, key: str) -> datetime | None:
        """A time field (ISO 8601, or unix seconds/milliseconds)."""
        value = self._data.get(key)
        if value is None:
            return None
        # to_datetime()'s dispatch, without its call.
        kind = type(value)
        if kind is str:
            parsed = _time_from_text(value)  # type: ignore[arg-type]
        elif kind is int or kind is float:
            parsed = _time_from_number(value)  # type: ignore[arg-type]
        else:
            parsed = to_datetime(value)
        if parsed is None:
            raise self._fail(key, "a time (ISO 8601 or unix seconds)")
        return parsed

    def mapping(self, key: str) -> JSONObject:
        """An object field; absent or ``null`` reads as an empty object."""
        value = self._data.get(key)
        if type(value) is dict:
            return value
        if value is None:
            return {}
        if isinstance(value, dict):
            return value
        raise self._fail(key, "an object")

    def child(self, key: str) -> Reader:
        """A :class:`Reader` over an object field (empty when absent)."""
        made = _new_reader(type(self))
        made._data = self.mapping(key)
        # Named by this reader and the key, formatted only if an error needs it: a
        # request's builder makes several children and most requests have no error.
        made._where = self
        made._index = None
        made._key = key
        return made

    def element(self, value: JSONValue, key: str, index: int) -> Reader:
        """A :class:`Reader` over ``value``, element ``index`` of this object's array field
        ``key`` (``where.key[index]``, named only if an error needs it).

        Raises:
            PayloadError: ``value`` is not a JSON object.
        """
        if type(value) is not dict and not isinstance(value, dict):
            raise PayloadError(f"{self.where}.{key}[{index}] must be a JSON object, not {_json_type(value)}")
        made = _new_reader(type(self))
        made._data = value
        made._where = self
        made._index = index
        made._key = key
        return made

    def raw(self, key: str) -> JSONValue:
        """The raw value of a field, whatever its type."""
        return self._data.get(key)


_new_reader = object.__new__

PythonReader = Reader
"""The :class:`Reader` written in Python: the Reader itself without the compiled path,
and with it what the compiled one (``_speedups.Reader``) hands every unusual value to,
so that conversions and errors are this class's."""
if not TYPE_CHECKING and _accel.compiled is not None:  # mypy checks the Python class
    _accel.compiled.configure_reader(PythonReader, to_datetime)
    Reader = _accel.compiled.Reader


def _json_type(value: object) -> str:
    match value:
        case None:
            return "null"
        case bool():
            return "a boolean"
        case int() | float():
            return "a number"
        case str():
            return "a string"
        case list():
            return "an array"
        case dict():
            return "an object"
    return type(value).__name__
