"""The event base class and the helpers provider parsers share.

Every verified request becomes a list of :class:`Event` (a list because Customer.io
batches). ``type`` is always the provider's own string, because providers add types
over time and an unknown one must still arrive: it comes as the provider's base
event class, never as an error. Typed subclasses expose the documented fields with
real Python types; ``payload`` always keeps the decoded JSON untouched.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Self, TypeAlias

from ._errors import PayloadError
from ._schemes import unix_seconds

__all__ = [
    "CUSTOM",
    "Event",
    "JSONObject",
    "JSONValue",
    "OpenEnum",
    "Reader",
    "decode_json",
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


def _reject_constant(name: str) -> float:
    raise PayloadError(f"body contains {name}, which is not JSON")


def _finite_float(text: str) -> float:
    # json turns 1e999 into inf without complaint; no provider sends infinities.
    value = float(text)
    if not math.isfinite(value):
        raise PayloadError("body contains a number too large for a float")
    return value


# One decoder for every request: json.loads(..., parse_float=...) builds a new one per call.
_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite_float)


def decode_json(body: bytes) -> JSONValue:
    """Decode a UTF-8 JSON body; anything else is a ``PayloadError`` (400)."""
    if not body or body.isspace():
        raise PayloadError("body is empty")
    try:
        text = (body if type(body) is bytes else bytes(body)).decode("utf-8")
    except UnicodeDecodeError:
        raise PayloadError("body is not UTF-8") from None
    try:
        value: JSONValue = _DECODER.decode(text)
    except RecursionError:
        raise PayloadError("body is nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError, and int() over 4300 digits
        raise PayloadError(f"body is not valid JSON ({type(exc).__name__})") from None
    return value


def to_datetime(value: object) -> datetime | None:
    """A UTC datetime from an ISO 8601 string or a unix time in seconds or milliseconds.

    Returns ``None`` when ``value`` is ``None`` or cannot be read as a time.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        if not math.isfinite(value):
            return None
        try:
            return datetime.fromtimestamp(unix_seconds(value), tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        text = value.strip()
        if text.isascii() and text.isdigit():
            return to_datetime(int(text)) if len(text) <= 16 else None
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return None
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    return None


class Reader:
    """Typed reads from one decoded JSON object, with precise ``PayloadError`` messages.

    Absent or ``null`` fields read as ``None`` (providers leave optional fields out,
    and Xtremepush sends ``null`` for placeholders it has no data for); a field that
    is present with the wrong JSON type is a ``PayloadError``.
    """

    __slots__ = ("_data", "_where")

    def __init__(self, data: JSONValue, where: str) -> None:
        if not isinstance(data, dict):
            raise PayloadError(f"{where} must be a JSON object, not {_json_type(data)}")
        self._data: JSONObject = data
        self._where = where

    @property
    def data(self) -> JSONObject:
        """The object itself."""
        return self._data

    def _fail(self, key: str, expected: str) -> PayloadError:
        return PayloadError(f"{self._where}.{key} must be {expected}, not {_json_type(self._data[key])}")

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
        value = self.text(key)
        if not value:
            raise PayloadError(f"{self._where}.{key} is missing")
        return value

    def kind(self, key: str) -> str:
        """An event-type field: a non-empty string (a number is not an event type)."""
        value = self._data.get(key)
        if value is None or value == "":
            raise PayloadError(f"{self._where}.{key} is missing")
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
        parsed = to_datetime(value)
        if parsed is None:
            raise self._fail(key, "a time (ISO 8601 or unix seconds)")
        return parsed

    def mapping(self, key: str) -> JSONObject:
        """An object field; absent or ``null`` reads as an empty object."""
        value = self._data.get(key)
        if value is None:
            return {}
        if isinstance(value, dict):
            return value
        raise self._fail(key, "an object")

    def child(self, key: str) -> Reader:
        """A :class:`Reader` over an object field (empty when absent)."""
        return Reader(self.mapping(key), f"{self._where}.{key}")

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
