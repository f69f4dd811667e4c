"""What a receiver hands its events to: the protocols of idempotency stores and inboxes.

The accepting side (verification, the receiver, the pipeline) owns these small
protocols, and the delivering side (``webhook_receiver.delivery``: the stores, the
inbox, the worker, Celery) implements them, so the dependency points one way only:
delivery imports the receiver's protocols, never the reverse. Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import ClassVar, Protocol

__all__ = ["Claim", "ClaimStatus", "IdempotencyStore", "Inbox", "InboxEntry"]


class ClaimStatus(Enum):
    """What a claim found."""

    CLAIMED = "claimed"
    """Nobody holds the event: this request now does, and runs the handlers."""
    DONE = "done"
    """Already processed: skip it, answer 200."""
    IN_PROGRESS = "in_progress"
    """Another request holds an unexpired claim: answer 409 so the sender retries."""


@dataclass(frozen=True, slots=True)
class Claim:
    """The outcome of :meth:`IdempotencyStore.claim`."""

    status: ClaimStatus
    token: str = ""
    """The claim's token (``CLAIMED`` only): needed to complete or release it."""
    expires_at: float = 0.0
    """When the lease held by someone else runs out (``IN_PROGRESS`` only)."""


class IdempotencyStore(Protocol):
    """What a Receiver needs from a store. All three methods must be atomic per key.

    A store may also offer ``claim_many(keys, *, lease, now) -> list[Claim]`` and
    ``settle_many(completed, released, *, ttl, now) -> list[bool]`` (``(key, token)``
    pairs; one answer per completed pair), doing a whole request's events in one round
    trip; the Receiver uses them for requests of several events when present
    (``RedisStore``, ``SQLiteStore``), and the three methods above otherwise.
    """

    blocking: ClassVar[bool]
    """Whether calls do I/O; ``Receiver.handle_async`` then runs them in a thread."""

    def claim(self, key: str, *, lease: float, now: float) -> Claim:
        """Claim ``key`` for ``lease`` seconds unless it is done or validly claimed."""

    def complete(self, key: str, token: str, *, ttl: float, now: float) -> bool:
        """Remember ``key`` as done for ``ttl`` seconds; ``False`` if ``token`` no longer holds it."""

    def release(self, key: str, token: str) -> None:
        """Drop the claim on ``key`` if ``token`` still holds it (a handler failed)."""


@dataclass(frozen=True, slots=True)
class InboxEntry:
    """One verified event, as a receiver hands it to an inbox."""

    key: str
    """The event's idempotency key (``Receiver.event_key``): a second entry with it is a duplicate."""
    namespace: str
    """The receiver's namespace: which receiver's handlers run it."""
    type: str
    """The provider's event type (for listing; the event is rebuilt from the payload)."""
    payload: str
    """The event's own payload, as JSON text."""
    headers: tuple[tuple[str, str], ...]
    """The request headers the provider needs to rebuild the event (``Provider.event_headers``)."""
    received_at: float
    """When the request was accepted, unix seconds."""
    trace_context: str | None = None
    """The W3C ``traceparent`` of the request's span, when OpenTelemetry traces it: a
    worker's span for the event links to it. Inboxes store it as they store the rest."""


class Inbox(Protocol):
    """Where a deferred :class:`~webhook_receiver.Receiver` puts events before answering.

    ``webhook_receiver.delivery`` has two: :class:`~webhook_receiver.SQLiteInbox` keeps
    them in a file for an in-app or separate :class:`~webhook_receiver.Worker`, and
    ``CeleryInbox`` hands them to a Celery broker. An inbox that also has an
    ``attach(receiver)`` method is told of each receiver that puts events in it.
    """

    blocking: ClassVar[bool]
    """Whether ``put`` does I/O; ``Receiver.handle_async`` then runs it in a thread."""

    def put(self, entries: Sequence[InboxEntry]) -> None:
        """Store ``entries`` durably, returning only once they are; ignore known keys.

        Raises anything on failure: the receiver then answers 503 and the sender
        retries.
        """
