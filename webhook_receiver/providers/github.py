"""GitHub: ``X-Hub-Signature-256: sha256=<hex>``, HMAC-SHA256 of the raw body.

GitHub signs the body and nothing else: not the event type (``X-GitHub-Event``),
not the delivery id (``X-GitHub-Delivery``), and no timestamp. So an event is
identified by its body alone: with an idempotency store, a captured request runs
its handlers once, however its delivery id or event type is changed (a genuine
redelivery from GitHub's settings page is the same body, and is a duplicate too).
Without a store, a captured request can be replayed at any time, and its event
type header changed: use a store, and in handlers that care, check that the body
has the shape of the type.
"""

from __future__ import annotations

from dataclasses import dataclass

from .._events import CUSTOM, Event, JSONValue, Reader, constructor
from .._headers import Headers
from .._schemes import Clock, HmacSignature, Keyring, SecretInput, encode_secrets
from ._base import Provider, payload_identity

__all__ = ["GitHub", "GitHubEvent"]


@dataclass(frozen=True, slots=True, kw_only=True)
class GitHubEvent(Event):
    """A GitHub event: ``type`` is the ``X-GitHub-Event`` header (``"issues"``), ``id`` the
    ``X-GitHub-Delivery`` GUID, ``action`` the payload's ``action`` (``"opened"``) if any.

    ``type`` and ``id`` come from headers GitHub does not sign (see the module's
    docstring); the event's identity is its body.
    """

    action: str | None = None
    hook_id: str | None = None


# The same instance as GitHubEvent(...), faster (see _events.constructor).
_new_event = constructor(GitHubEvent)


class GitHub(Provider):
    """GitHub webhooks. GitHub signs only the body: use an idempotency store against replays."""

    name = "github"
    signature_header = "X-Hub-Signature-256"
    event_header_names = ("X-GitHub-Event", "X-GitHub-Delivery", "X-GitHub-Hook-ID")

    __slots__ = ()

    def __init__(self, *, secret: SecretInput, clock: Clock | None = None) -> None:
        """Args:
        secret: the webhook's secret, or several during a rotation.
        """
        keyring = Keyring(encode_secrets(secret, "secret"), "sha256")
        super().__init__(HmacSignature(keyring, header=self.signature_header, prefix="sha256="), clock=clock)

    def events_from(self, payload: JSONValue, headers: Headers) -> list[Event]:
        """One event typed by the (unsigned) ``X-GitHub-Event`` header."""
        data = payload if type(payload) is dict else Reader(payload, "body").data
        # The usual action (a string, or absent) inline; a Reader only to convert or refuse it.
        action = data.get("action")
        if action is not None and type(action) is not str:
            action = Reader(data, "body").text("action")
        kind = headers.getlist("X-GitHub-Event")
        delivery = headers.getlist("X-GitHub-Delivery")
        hook_id = headers.getlist("X-GitHub-Hook-ID")
        return [
            _new_event(
                provider=self.name,
                type=kind[0] if len(kind) == 1 and kind[0] else CUSTOM,
                id=delivery[0] if len(delivery) == 1 else None,
                payload=payload,
                action=action,
                hook_id=hook_id[0] if len(hook_id) == 1 else None,
            )
        ]

    def identity(self, event: Event) -> str:
        """The body alone: neither the event type nor the delivery id is signed."""
        return payload_identity(event.payload)
