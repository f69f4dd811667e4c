"""``DjangoInbox``: the durable inbox in the project's own database, through Django's ORM."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from typing import Any, ClassVar

from django.db import (  # type: ignore[import-untyped, unused-ignore]
    DEFAULT_DB_ALIAS,
    connections,
    transaction,
)
from django.db.models import Count, F, Min, Value  # type: ignore[import-untyped, unused-ignore]
from django.db.models.functions import Greatest  # type: ignore[import-untyped, unused-ignore]

from ...._errors import ConfigurationError
from ...._handoff import InboxEntry
from ...._receiver import Receiver
from ...._schemes import check_tolerance_option
from ....delivery.inbox import (
    _ERROR_LIMIT,
    Arrivals,
    AttachedReceivers,
    Delivery,
    InboxRecord,
    InboxState,
    Receivers,
    purgeable,
    retryable,
)
from ._connections import unit_of_work
from .models import NAMESPACE_LENGTH, InboxEvent

__all__ = ["DjangoInbox"]

_PENDING = InboxState.PENDING.value
_RUNNING = InboxState.RUNNING.value
_DONE = InboxState.DONE.value
_DEAD = InboxState.DEAD.value
_COLUMNS = (
    "id",
    "key",
    "namespace",
    "type",
    "state",
    "attempts",
    "received_at",
    "available_at",
    "finished_at",
    "last_error",
    "payload",
    "headers",
    "trace_context",
)
_PURGE_EVERY = 1000
_CHUNK = 500  # values per IN (...): under every backend's limit on query parameters


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _record(row: dict[str, Any]) -> InboxRecord:
    return InboxRecord(
        id=int(row["id"]),
        key=str(row["key"]),
        namespace=str(row["namespace"]),
        type=str(row["type"]),
        state=InboxState(row["state"]),
        attempts=int(row["attempts"]),
        received_at=float(row["received_at"]),
        available_at=float(row["available_at"]),
        finished_at=None if row["finished_at"] is None else float(row["finished_at"]),
        last_error=None if row["last_error"] is None else str(row["last_error"]),
        payload=str(row["payload"]),
        headers=tuple((str(name), str(value)) for name, value in row["headers"]),
        trace_context=row["trace_context"],
    )


class DjangoInbox(AttachedReceivers, Arrivals):
    """A durable inbox in a Django database: what ``SQLiteInbox`` does, in any of them.

    It implements :class:`~webhook_receiver.delivery.inbox.DurableInbox` as
    :class:`~webhook_receiver.SQLiteInbox` does (read their documentation for the
    contract, leases, retries and dead letters), so a :class:`~webhook_receiver.Worker`
    runs it unchanged: in threads of the web process, or in a process of its own that
    sets Django up first (``django.setup()``) and builds the same receivers
    (``settings_receivers()``), on any number of machines sharing the database.

    - ``put`` commits the request's events in one transaction; when called inside the
      caller's own ``atomic`` block (``ATOMIC_REQUESTS`` and a view), they commit with
      it, and Django answers only after that commit.
    - ``take`` locks the rows it hands out with ``SELECT ... FOR UPDATE SKIP LOCKED``
      where the database can (PostgreSQL, MySQL 8, Oracle), so workers on many
      machines never wait for each other; every change of state is also a
      compare-and-set on the row, so on SQLite, which has no row locks, two workers
      cannot take one event either (give SQLite ``"OPTIONS": {"transaction_mode":
      "IMMEDIATE"}`` so they wait their turn instead of failing with "database is
      locked").
    - Each call recycles the thread's connection before and after, as Django does at
      the edges of a request (``CONN_MAX_AGE``, broken ones; see ``_connections``):
      a worker's threads serve no request. Set ``CONN_MAX_AGE`` (with
      ``CONN_HEALTH_CHECKS``) to keep a worker's connections between events.

    The tables come from the app's migration (``manage.py migrate``); nothing here
    creates them, and constructing an inbox touches no database.

    Args:
        using: the alias of the database in ``settings.DATABASES``.
        ttl: seconds a done event is remembered, to acknowledge duplicates without
            running them again (default 7 days).
    """

    blocking: ClassVar[bool] = True

    def __init__(self, *, using: str = DEFAULT_DB_ALIAS, ttl: float = 7 * 24 * 3600.0) -> None:
        self._using = using
        self._ttl = check_tolerance_option(ttl, "ttl")
        self._receivers = Receivers()
        Arrivals.__init__(self)
        self._puts = 0

    @property
    def using(self) -> str:
        """The database alias."""
        return self._using

    @property
    def location(self) -> str:
        """``"django:<alias>"``: where the events are kept, for messages."""
        return f"django:{self._using}"

    def __repr__(self) -> str:
        return f"DjangoInbox(using={self._using!r})"

    def attach(self, receiver: Receiver) -> None:
        """Called by ``Receiver(inbox=self)``; refuses a namespace too long for the key column."""
        if len(receiver.namespace) > NAMESPACE_LENGTH:
            raise ConfigurationError(
                f"a DjangoInbox keeps namespaces of up to {NAMESPACE_LENGTH} characters "
                f"(this one has {len(receiver.namespace)})"
            )
        super().attach(receiver)

    def close(self) -> None:
        """Close this thread's connection to the database, unless a transaction is using it."""
        connection = connections[self._using]
        if not connection.in_atomic_block:
            connection.close()

    def _rows(self) -> Any:
        return InboxEvent.objects.using(self._using)

    # -- the receiver's side -------------------------------------------------------

    def put(self, entries: Sequence[InboxEntry]) -> None:
        """Store ``entries`` in one transaction; known keys are left as they are.

        As ``SQLiteInbox.put``: a key whose done record is older than ``ttl`` is
        stored again as new.
        """
        if not entries:
            return
        keys = [entry.key for entry in entries]
        with unit_of_work(self._using), transaction.atomic(using=self._using):
            finished: dict[str, float] = {}
            for chunk in _chunks(keys):
                finished.update(
                    self._rows().filter(key__in=chunk, state=_DONE).values_list("key", "finished_at")
                )
            for entry in entries:
                if entry.key in finished and finished[entry.key] <= entry.received_at - self._ttl:
                    # Forgotten: the conditions make it a compare-and-set against a
                    # concurrent put of the same key.
                    self._rows().filter(
                        key=entry.key, state=_DONE, finished_at__lte=entry.received_at - self._ttl
                    ).update(**self._fresh(entry))
            # New keys; a key stored meanwhile by another request is left alone.
            self._rows().bulk_create(
                [InboxEvent(key=entry.key, **self._fresh(entry)) for entry in entries],
                ignore_conflicts=True,
            )
            self._puts += 1
            if self._puts % _PURGE_EVERY == 0:
                now = max(entry.received_at for entry in entries)
                self._rows().filter(state=_DONE, finished_at__lte=now - self._ttl).delete()
            # Workers in this process look once the events are committed, not before.
            transaction.on_commit(self._announce, using=self._using)

    @staticmethod
    def _fresh(entry: InboxEntry) -> dict[str, Any]:
        """The columns of a new (or forgotten and new again) event."""
        return {
            "namespace": entry.namespace,
            "type": entry.type,
            "payload": entry.payload,
            "headers": [list(pair) for pair in entry.headers],
            "state": _PENDING,
            "attempts": 0,
            "received_at": entry.received_at,
            "available_at": entry.received_at,
            "lease_token": None,
            "lease_until": None,
            "finished_at": None,
            "last_error": None,
            "trace_context": entry.trace_context,
        }

    # -- the worker's side ---------------------------------------------------------

    def take(
        self,
        namespaces: Iterable[str],
        *,
        limit: int,
        lease: float,
        now: float,
        max_attempts: int,
    ) -> list[Delivery]:
        """Take up to ``limit`` events that are due (or whose lease ran out), with a lease.

        As ``SQLiteInbox.take``: expired leases first, then pending events by
        ``available_at``; one already taken ``max_attempts`` times is made dead.
        """
        names = list(namespaces)
        if not names or limit < 1:
            return []
        skip_locked = bool(connections[self._using].features.has_select_for_update_skip_locked)
        taken: list[Delivery] = []
        with unit_of_work(self._using, boundary=True), transaction.atomic(using=self._using):
            rows = self._rows().select_for_update(skip_locked=skip_locked).filter(namespace__in=names)
            found = list(
                rows.filter(state=_RUNNING, lease_until__lte=now)
                .order_by("lease_until")
                .values(*_COLUMNS)[:limit]
            )
            if len(found) < limit:
                found += list(
                    rows.filter(state=_PENDING, available_at__lte=now)
                    .order_by("available_at", "id")
                    .values(*_COLUMNS)[: limit - len(found)]
                )
            for row in found:
                record = _record(row)
                # Compare-and-set on what was read: on a database without row locks,
                # another worker may have taken the row since.
                same = self._rows().filter(id=record.id, state=record.state.value, attempts=record.attempts)
                if record.state is InboxState.RUNNING:
                    same = same.filter(lease_until__lte=now)
                if record.attempts >= max_attempts:
                    same.update(
                        state=_DEAD,
                        lease_token=None,
                        lease_until=None,
                        finished_at=now,
                        last_error=f"the worker stopped during each of {record.attempts} attempts",
                    )
                    continue
                token = secrets.token_hex(16)
                if same.update(
                    state=_RUNNING, attempts=F("attempts") + 1, lease_token=token, lease_until=now + lease
                ):
                    running = replace(record, state=InboxState.RUNNING, attempts=record.attempts + 1)
                    taken.append(Delivery(running, token))
        return taken

    def _held(self, delivery: Delivery) -> Any:
        """The delivery's row, if its token still holds the lease."""
        return self._rows().filter(id=delivery.record.id, state=_RUNNING, lease_token=delivery.token)

    def complete(self, delivery: Delivery, *, now: float) -> bool:
        """Record ``delivery`` as done; ``False`` if its lease was lost (another worker took it)."""
        with unit_of_work(self._using, boundary=True):
            changed = self._held(delivery).update(
                state=_DONE, lease_token=None, lease_until=None, finished_at=now, last_error=None
            )
        return bool(changed == 1)

    def fail(self, delivery: Delivery, error: str, *, retry_at: float | None, now: float) -> bool:
        """Record a failed attempt: pending again from ``retry_at``, or dead when it is ``None``."""
        if retry_at is None:
            outcome: dict[str, Any] = {"state": _DEAD, "finished_at": now}
        else:
            outcome = {"state": _PENDING, "available_at": retry_at}
        with unit_of_work(self._using, boundary=True):
            changed = self._held(delivery).update(
                lease_token=None, lease_until=None, last_error=error[:_ERROR_LIMIT], **outcome
            )
        return bool(changed == 1)

    def release(self, delivery: Delivery) -> bool:
        """Give back a delivery that was taken but not run (a worker stopping): no attempt counted."""
        with unit_of_work(self._using, boundary=True):
            changed = self._held(delivery).update(
                state=_PENDING,
                attempts=Greatest(F("attempts") - 1, Value(0)),
                lease_token=None,
                lease_until=None,
            )
        return bool(changed == 1)

    def extend(self, deliveries: Iterable[Delivery], *, lease: float, now: float) -> int:
        """Renew the leases of deliveries still running (a worker's heartbeat); returns how many."""
        held = list(deliveries)
        if not held:
            return 0
        renewed = 0
        with unit_of_work(self._using), transaction.atomic(using=self._using):
            for delivery in held:
                renewed += self._held(delivery).update(lease_until=now + lease)
        return renewed

    # -- the operator's side -------------------------------------------------------

    def counts(self) -> dict[InboxState, int]:
        """How many events are in each state."""
        found = dict(self._rows().order_by().values_list("state").annotate(count=Count("id")))
        return {state: int(found.get(state.value, 0)) for state in InboxState}

    def oldest_pending(self) -> float | None:
        """When the longest-waiting pending event was received (unix seconds); ``None`` if none is."""
        with unit_of_work(self._using):
            found = self._rows().filter(state=_PENDING).aggregate(oldest=Min("received_at"))["oldest"]
        return None if found is None else float(found)

    def list(
        self, *, state: InboxState | str | None = None, namespace: str | None = None, limit: int = 50
    ) -> list[InboxRecord]:
        """Events, oldest first, optionally in one ``state`` and ``namespace``."""
        rows = self._rows()
        if state is not None:
            rows = rows.filter(state=InboxState(state).value)
        if namespace is not None:
            rows = rows.filter(namespace=namespace)
        return [_record(row) for row in rows.order_by("id").values(*_COLUMNS)[: max(limit, 0)]]

    def get(self, id_or_key: int | str) -> InboxRecord | None:
        """One event by its id or its key, or ``None``."""
        lookup = {"id": id_or_key} if isinstance(id_or_key, int) else {"key": id_or_key}
        row = self._rows().filter(**lookup).values(*_COLUMNS).first()
        return None if row is None else _record(row)

    def retry(self, ids: Iterable[int] | None = None, *, now: float, state: InboxState | str = "dead") -> int:
        """Make events pending again now with a fresh count of attempts (replay).

        As ``SQLiteInbox.retry``: ``ids`` picks events (any state but running);
        without it, every event in ``state`` (dead by default). Returns how many.
        """
        reset = {
            "state": _PENDING,
            "attempts": 0,
            "available_at": now,
            "lease_token": None,
            "lease_until": None,
            "finished_at": None,
        }
        changed = 0
        with transaction.atomic(using=self._using):
            if ids is None:
                wanted = retryable(state)
                changed = self._rows().filter(state=wanted.value).update(**reset)
            else:
                for chunk in _chunks(list(ids)):
                    changed += self._rows().filter(id__in=chunk).exclude(state=_RUNNING).update(**reset)
            if changed:
                transaction.on_commit(self._announce, using=self._using)
        return int(changed)

    def purge(
        self, state: InboxState | str, *, before: float | None = None, ids: Iterable[int] | None = None
    ) -> int:
        """Delete done or dead events (finished before ``before``, if given); returns how many.

        ``ids`` limits it to those events (the admin's "purge selected"). Pending and
        running events cannot be purged: they were acknowledged and are still owed
        their processing.
        """
        wanted = purgeable(state)
        rows = self._rows().filter(state=wanted.value)
        if before is not None:
            rows = rows.filter(finished_at__lte=before)
        if ids is None:
            return int(rows.delete()[0])
        deleted = 0
        with transaction.atomic(using=self._using):
            for chunk in _chunks(list(ids)):
                deleted += int(rows.filter(id__in=chunk).delete()[0])
        return deleted
