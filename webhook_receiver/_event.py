"""The event base class: what every verified request becomes. It imports nothing of the package.

Every verified request becomes a list of :class:`Event` (a list because Customer.io
batches). ``type`` is always the provider's own string, because providers add types
over time and an unknown one must still arrive: it comes as the provider's base
event class, never as an error. Typed subclasses expose the documented fields with
real Python types; ``payload`` always keeps the decoded JSON untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeAlias

__all__ = ["CUSTOM", "Event", "JSONObject", "JSONValue"]

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
