"""Slack: ``X-Slack-Signature: v0=<hex>`` over ``v0:<timestamp>:<body>``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .._events import Event, JSONObject, JSONValue, Reader, constructor
from .._headers import Headers
from .._schemes import DEFAULT_TOLERANCE, Clock, HmacSignature, Keyring, SecretInput, encode_secrets
from ._base import Provider

__all__ = ["Slack", "SlackEvent"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SlackEvent(Event):
    """A Slack Events API request: ``type`` is ``"event_callback"``, ``"url_verification"``, ...

    ``event_type`` is the inner ``event.type`` (``"app_mention"``); ``id`` is ``event_id``;
    ``timestamp`` is ``event_time``; ``challenge`` is set for ``url_verification``.
    """

    event_type: str | None = None
    team_id: str | None = None
    challenge: str | None = None


# The same instance as SlackEvent(...), faster (see _events.constructor).
_new_event = constructor(SlackEvent)


class Slack(Provider):
    """Slack's signed requests (Events API, interactivity, slash commands)."""

    name = "slack"
    signature_header = "X-Slack-Signature"
    timestamp_header = "X-Slack-Request-Timestamp"
    accepted_status = 200  # Slack wants a 200 within 3 s, and the URL check's challenge echoed

    __slots__ = ()

    def __init__(
        self, *, secret: SecretInput, tolerance: float = DEFAULT_TOLERANCE, clock: Clock | None = None
    ) -> None:
        """Args:
        secret: the app's Signing Secret, or several during a rotation.
        tolerance: seconds the signed timestamp may differ from now, either way.
        """
        scheme = HmacSignature(
            Keyring(encode_secrets(secret, "secret"), "sha256"),
            header=self.signature_header,
            prefix="v0=",
            timestamp_header=self.timestamp_header,
            payload="v0:{timestamp}:{body}",
            tolerance=tolerance,
        )
        super().__init__(scheme, clock=clock)

    def events_from(self, payload: JSONValue, headers: Headers) -> list[Event]:
        """One event per body."""
        body = Reader(payload, "body")
        inner = body.child("event")
        return [
            _new_event(
                provider=self.name,
                type=body.kind("type"),
                id=body.text("event_id"),
                timestamp=body.time("event_time"),
                payload=payload,
                event_type=inner.text("type"),
                team_id=body.text("team_id"),
                challenge=body.text("challenge"),
            )
        ]

    def answer(self, events: Sequence[Event]) -> JSONObject:
        """Echo the ``challenge`` of a ``url_verification`` request, as Slack requires."""
        for event in events:
            if isinstance(event, SlackEvent) and event.type == "url_verification" and event.challenge:
                return {"challenge": event.challenge}
        return {"ok": True}
