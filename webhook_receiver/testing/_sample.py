"""One sample event (:class:`Sample`), shared by the sample catalogues."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import urlencode

from .._events import JSONValue

__all__ = ["FORM", "Sample"]

FORM = "application/x-www-form-urlencoded"
"""The media type of a form body (a :class:`Sample` with ``form=True``)."""


@dataclass(frozen=True, slots=True)
class Sample:
    """One sample event: its provider, type, payload, and any non-auth headers its sender adds.

    ``form=True`` marks a sender that posts an ``application/x-www-form-urlencoded``
    form (Twilio's status callbacks): :attr:`body` is then ``payload``, an object of
    strings (a list of strings for a repeated field), encoded as that form, and
    ``headers`` should carry its ``Content-Type``. Otherwise the body is JSON.
    """

    provider: str
    type: str
    payload: JSONValue
    headers: dict[str, str] = field(default_factory=dict)
    form: bool = False

    @property
    def body(self) -> bytes:
        """The payload as the sender's bytes: compact JSON, or a form when :attr:`form` is set."""
        if self.form:
            if not isinstance(self.payload, dict):
                raise TypeError("a form sample's payload must be an object of strings")
            return urlencode(self.payload, doseq=True).encode("ascii")
        return json.dumps(self.payload, separators=(",", ":")).encode()
