"""Standard Webhooks (https://www.standardwebhooks.com), as sent by Svix and others.

Headers ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature`` (or the same
with the ``svix-`` prefix); the signature header holds space-separated ``v1,<base64>``
entries, each an HMAC-SHA256 over ``<id>.<timestamp>.<body>``. The secret is given as
``whsec_<base64>`` (padding optional); ``bytes`` are taken as the raw key.

Identity: the signed ``webhook-id``, exactly as verified (a retry of a message keeps
its id, so it is recognised as a duplicate by an idempotency store). The event type
and everything else come from the signed body.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .._errors import ConfigurationError, VerificationError
from .._events import Event, JSONValue, Reader, constructor, to_datetime
from .._headers import Headers, header_pairs
from .._schemes import (
    DEFAULT_TOLERANCE,
    NOTHING_SIGNED,
    Clock,
    Keyring,
    StandardWebhooksSignature,
    Verified,
    standard_headers,
)
from ._base import EventHeaders, Provider

__all__ = ["StandardWebhooks", "StandardWebhooksEvent"]


@dataclass(frozen=True, slots=True, kw_only=True)
class StandardWebhooksEvent(Event):
    """A Standard Webhooks event ``{type, timestamp, data}``; ``id`` is the signed ``webhook-id``."""

    data: JSONValue = None


# The same instance as StandardWebhooksEvent(...), faster (see _events.constructor).
_new_event = constructor(StandardWebhooksEvent)


class StandardWebhooks(Provider):
    """Standard Webhooks / Svix."""

    name = "standard-webhooks"

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

    def claimed(self, headers: Headers) -> Verified:
        """The id and timestamp the headers carry, read by the scheme's own reader."""
        try:
            _, msg_id, timestamp, _ = standard_headers(header_pairs(headers))
        except VerificationError:
            return NOTHING_SIGNED
        return Verified(timestamp=timestamp, message_id=msg_id)

    def event_headers(self, headers: Headers, verified: Verified = NOTHING_SIGNED) -> EventHeaders:
        """The signed ``webhook-id`` and ``webhook-timestamp``, as verified (whatever the prefix sent)."""
        pairs: list[tuple[str, str]] = []
        if verified.message_id is not None:
            pairs.append(("webhook-id", verified.message_id))
        if verified.timestamp is not None:
            pairs.append(("webhook-timestamp", verified.timestamp))
        return tuple(pairs)

    def events_from(self, payload: JSONValue, headers: Headers) -> list[Event]:
        """One event; the id is the signed ``webhook-id`` (``svix-id`` in events stored by 0.1)."""
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
