"""Standard Webhooks (https://www.standardwebhooks.com), as sent by Svix and others.

Headers ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature`` (or the same
with the ``svix-`` prefix); the signature header holds space-separated ``v1,<base64>``
entries, each an HMAC-SHA256 over ``<id>.<timestamp>.<body>``. The secret is given as
``whsec_<base64>``; ``bytes`` are taken as the raw key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .._errors import ConfigurationError
from .._events import Event, JSONValue, Reader, constructor, to_datetime
from .._headers import Headers
from .._schemes import DEFAULT_TOLERANCE, Clock, Keyring, StandardWebhooksSignature
from ._base import Provider

__all__ = ["StandardWebhooks", "StandardWebhooksEvent"]


@dataclass(frozen=True, slots=True, kw_only=True)
class StandardWebhooksEvent(Event):
    """A Standard Webhooks event ``{type, timestamp, data}``; ``id`` is the ``webhook-id`` header."""

    data: JSONValue = None


# The same instance as StandardWebhooksEvent(...), faster (see _events.constructor).
_new_event = constructor(StandardWebhooksEvent)


class StandardWebhooks(Provider):
    """Standard Webhooks / Svix."""

    name = "standard-webhooks"
    event_header_names = ("webhook-id", "svix-id", "webhook-timestamp", "svix-timestamp")

    __slots__ = ()

    def __init__(
        self,
        *,
        secret: str | bytes | Sequence[str | bytes],
        tolerance: float = DEFAULT_TOLERANCE,
        clock: Clock | None = None,
    ) -> None:
        """Args:
        secret: ``whsec_<base64>`` (or raw key bytes), or several during a rotation.
        tolerance: seconds the signed timestamp may differ from now, either way.
        """
        values: list[object]
        if isinstance(secret, str | bytes | bytearray):
            values = [secret]
        elif isinstance(secret, Sequence):
            values = list(secret)
        else:
            raise ConfigurationError("secret must be str, bytes or a list of them")
        if not values:
            raise ConfigurationError("secret must name at least one value")
        keys = tuple(StandardWebhooksSignature.decode_secret(value) for value in values)
        super().__init__(StandardWebhooksSignature(Keyring(keys, "sha256"), tolerance=tolerance), clock=clock)

    def events_from(self, payload: JSONValue, headers: Headers) -> list[Event]:
        """One event; the id comes from ``webhook-id`` (or ``svix-id``)."""
        body = Reader(payload, "body")
        msg_id = next((v[0] for v in (headers.getlist("webhook-id"), headers.getlist("svix-id")) if v), None)
        header_time = next(
            (v[0] for v in (headers.getlist("webhook-timestamp"), headers.getlist("svix-timestamp")) if v),
            None,
        )
        return [
            _new_event(
                provider=self.name,
                type=body.kind("type"),
                id=msg_id,
                timestamp=body.time("timestamp") or to_datetime(header_time),
                payload=payload,
                data=body.raw("data"),
            )
        ]
