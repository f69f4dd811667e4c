"""GitHub: ``X-Hub-Signature-256: sha256=<hex>``, HMAC-SHA256 of the raw body."""

from __future__ import annotations

from dataclasses import dataclass

from .._events import CUSTOM, Event, JSONValue, Reader, constructor
from .._headers import Headers
from .._schemes import Clock, HmacSignature, Keyring, SecretInput, encode_secrets
from ._base import Provider

__all__ = ["GitHub", "GitHubEvent"]


@dataclass(frozen=True, slots=True, kw_only=True)
class GitHubEvent(Event):
    """A GitHub event: ``type`` is the ``X-GitHub-Event`` header (``"issues"``), ``id`` the
    ``X-GitHub-Delivery`` GUID, ``action`` the payload's ``action`` (``"opened"``) if any.
    """

    action: str | None = None
    hook_id: str | None = None


# The same instance as GitHubEvent(...), faster (see _events.constructor).
_new_event = constructor(GitHubEvent)


class GitHub(Provider):
    """GitHub webhooks. GitHub signs no timestamp: use an idempotency store against replays."""

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
        """One event typed by the ``X-GitHub-Event`` header."""
        body = Reader(payload, "body")
        kind = headers.getlist("X-GitHub-Event")
        delivery = headers.getlist("X-GitHub-Delivery")
        hook_id = headers.getlist("X-GitHub-Hook-ID")
        return [
            _new_event(
                provider=self.name,
                type=kind[0].strip() if len(kind) == 1 and kind[0].strip() else CUSTOM,
                id=delivery[0].strip() if len(delivery) == 1 else None,
                payload=payload,
                action=body.text("action"),
                hook_id=hook_id[0].strip() if len(hook_id) == 1 else None,
            )
        ]
