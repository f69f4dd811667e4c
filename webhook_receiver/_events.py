"""The event base class and the helpers provider parsers share.

Every verified request becomes a list of :class:`Event` (a list because Customer.io
batches). ``type`` is always the provider's own string, because providers add types
over time and an unknown one must still arrive: it comes as the provider's base
event class, never as an error. Typed subclasses expose the documented fields with
real Python types; ``payload`` always keeps the decoded JSON untouched.
"""

from __future__ import annotations

import dataclasses
import json
import math
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import ParamSpec, Self, TypeAlias, TypeVar, cast

from ._errors import PayloadError
from ._schemes import MILLISECONDS_FROM

__all__ = [
    "CUSTOM",
    "Event",
    "JSONObject",
    "JSONValue",
    "OpenEnum",
    "Reader",
    "constructor",
    "decode_json",
    "member",
    "to_datetime",
]

JSONValue: TypeAlias = "dict[str, JSONValue] | list[JSONValue] | str | int | float | bool | None"
"""Any value ``json.loads`` can return."""
JSONObject: TypeAlias = "dict[str, JSONValue]"
"""A decoded JSON object."""

CUSTOM = "custom"
"""The ``type`` of a payload in a custom format that names no event type of its own."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """One webhook event, verified and decoded.

    Attributes:
        provider: the provider's name (``"courier"``, ``"kourier"``, ...).
        type: the provider's own event type (``"message:updated"``, ``"track"``).
        id: the event's identity where the provider gives one, else ``None``.
        timestamp: when the provider says the event happened (UTC), or ``None``.
        payload: the decoded JSON of this event (one element of a batch).
    """

    provider: str
    type: str
    id: str | None = None
    timestamp: datetime | None = None
    payload: JSONValue = field(default=None, repr=False)


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


_P = ParamSpec("_P")
_T = TypeVar("_T")


class _Factory:
    """Stands for "not given" where a field has a ``default_factory`` (dataclasses' own is private)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


def constructor(cls: Callable[_P, _T]) -> Callable[_P, _T]:
    """A faster ``cls(...)`` for a frozen, slotted dataclass.

    A frozen dataclass's ``__init__`` stores each field with ``object.__setattr__``
    (the class's own ``__setattr__`` refuses), a call that packs its arguments into a
    tuple each time, and calling the class adds ``type.__call__`` and a second round of
    keyword binding: 1.3 µs for a 10-field event here, more than decoding its JSON.

    The function returned takes the same arguments (positional and keyword-only
    alike) with the same defaults (factories called per instance). It makes the
    instance as an instance of a private subclass that adds no slots and restores
    ``object.__setattr__``, so each field is a plain attribute store (which CPython
    specialises for slots), then sets ``__class__`` to ``cls``: allowed because the
    two layouts are the same, and from then on the instance *is* a ``cls`` (frozen,
    ``==``, ``repr``, ``hash``, ``dataclasses.replace``, ``type(event) is cls``),
    exactly what ``cls(...)`` makes, in 0.35 µs. Nothing else ever sees the subclass,
    though ``cls.__subclasses__()`` lists it. Providers use this on the parse path and
    the Receiver for its replies; ``cls(...)`` stays the public way to make them.

    The source is generated, as ``dataclasses`` generates ``__init__``, so that each
    field costs one store and no loop. ``mypy`` sees ``cls``'s own signature.
    """
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        raise TypeError(f"{cls!r} is not a dataclass")
    fields = dataclasses.fields(cls)
    if len(fields) != len(cls.__dataclass_fields__) or hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__}: InitVar fields and __post_init__ are not supported")
    if "__dict__" in dir(cls) or "__weakref__" in dir(cls):
        raise TypeError(f"{cls.__name__} must be slotted, without __dict__ or __weakref__")
    builder = type(
        f"_Building{cls.__name__}",
        (cls,),
        {
            "__slots__": (),
            "__module__": cls.__module__,
            # Both, or CPython keeps dispatching through the frozen class's Python-level methods.
            "__setattr__": object.__setattr__,
            "__delattr__": object.__delattr__,
        },
    )
    namespace: dict[str, object] = {"__wr_new": object.__new__, "__wr_builder": builder, "__wr_cls": cls}
    namespace["__wr_factory"] = _FACTORY
    positional: list[str] = []
    keyword_only: list[str] = []
    body: list[str] = []
    for item in fields:
        name = item.name
        slot = getattr(cls, name, None)
        if not (item.init and isinstance(slot, types.MemberDescriptorType)):
            raise TypeError(f"{cls.__name__}.{name} is not a slot field set by __init__")
        parameters = keyword_only if item.kw_only else positional
        value = name
        if item.default is not dataclasses.MISSING:
            namespace[f"__wr_default_{name}"] = item.default
            parameters.append(f"{name}=__wr_default_{name}")
        elif item.default_factory is not dataclasses.MISSING:
            namespace[f"__wr_make_{name}"] = item.default_factory
            parameters.append(f"{name}=__wr_factory")
            value = f"__wr_make_{name}() if {name} is __wr_factory else {name}"
        else:
            parameters.append(name)
        body.append(f"    __wr_self.{name} = {value}\n")
    # dataclasses puts keyword-only fields after the others, as a signature must.
    signature = ", ".join([*positional, "*", *keyword_only] if keyword_only else positional)
    source = "".join(
        [
            f"def __wr_construct({signature}):\n",
            "    __wr_self = __wr_new(__wr_builder)\n",
            *body,
            "    __wr_self.__class__ = __wr_cls\n",
            "    return __wr_self\n",
        ]
    )
    exec(source, namespace)  # noqa: S102 - built above from field names only
    construct = cast(Callable[_P, _T], namespace["__wr_construct"])
    construct.__qualname__ = f"constructor({cls.__qualname__})"
    construct.__module__ = cls.__module__
    return construct


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


def decode_json(body: bytes) -> JSONValue:
    """Decode a UTF-8 JSON body; anything else is a ``PayloadError`` (400)."""
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
    return value


_fromtimestamp = datetime.fromtimestamp
_fromisoformat = datetime.fromisoformat


def to_datetime(value: object) -> datetime | None:
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


def _time_from_number(value: float) -> datetime | None:
    try:
        seconds = value / 1000 if abs(value) >= MILLISECONDS_FROM else value
        # tz positionally: fromtimestamp's keyword parsing costs as much as the rest.
        return _fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):  # out of range, NaN, infinite
        return None


def _time_from_text(value: str) -> datetime | None:
    text = value.strip()
    if text.isascii() and text.isdigit():
        return _time_from_number(int(text)) if len(text) <= 16 else None
    try:
        parsed = _fromisoformat(text)
    except ValueError:
        return None
    zone = parsed.tzinfo
    if zone is UTC:
        return parsed
    return parsed.replace(tzinfo=UTC) if zone is None else parsed.astimezone(UTC)


class Reader:
    """Typed reads from one decoded JSON object, with precise ``PayloadError`` messages.

    Absent or ``null`` fields read as ``None`` (providers leave optional fields out,
    and Xtremepush sends ``null`` for placeholders it has no data for); a field that
    is present with the wrong JSON type is a ``PayloadError``.
    """

    __slots__ = ("_data", "_index", "_where")

    def __init__(self, data: JSONValue, where: str, index: int | None = None) -> None:
        """``where`` names ``data`` in error messages (``"body"``); with ``index``, it is
        ``where[index]``, formatted only if an error needs it (once per event of a batch
        otherwise)."""
        if type(data) is not dict and not isinstance(data, dict):
            where = where if index is None else f"{where}[{index}]"
            raise PayloadError(f"{where} must be a JSON object, not {_json_type(data)}")
        self._data: JSONObject = data
        self._where = where
        self._index = index

    @property
    def data(self) -> JSONObject:
        """The object itself."""
        return self._data

    @property
    def where(self) -> str:
        """How error messages name this object (``"body"``, ``"body[3].context"``)."""
        return self._where if self._index is None else f"{self._where}[{self._index}]"

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
        return Reader(self.mapping(key), f"{self.where}.{key}")

    def raw(self, key: str) -> JSONValue:
        """The raw value of a field, whatever its type."""
        return self._data.get(key)


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
