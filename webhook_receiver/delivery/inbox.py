"""The durable inbox: answer as soon as an event is stored, process it later.

Courier asks for a 200 "as quickly as possible", Xtremepush fails a delivery that
takes over five seconds, and Slack retries after three. A :class:`~webhook_receiver.Receiver`
given an inbox (``Receiver(provider, inbox=SQLiteInbox("inbox.sqlite3"))``) therefore
verifies and parses the request, writes each event to the inbox, and answers only
once that write is committed (202, or the 200 a provider asks for). A
:class:`~webhook_receiver.Worker` then runs the handlers outside the request:

- an event is **taken** with a lease (an atomic update: two workers never hold it
  at once; a worker killed mid-way loses the lease when it runs out, and the event
  is taken again);
- it is **done** once every handler succeeded, and kept as done for ``ttl`` seconds,
  so a duplicate delivery in that window is acknowledged and not run again;
- a failure is **retried** after an exponential backoff with jitter
  (:class:`RetryPolicy`), and after ``max_attempts`` the event is **dead**: kept, listed
  and replayable (``webhook-receiver inbox list --state dead``, ``inbox retry``).

Nothing acknowledged is lost: the 2xx is sent after the commit, and an event leaves
the inbox only as done (after ``ttl``) or when an operator purges it. Handlers run at
least once per event and exactly once unless a worker dies between a handler's
return and recording it as done, or outlives its lease (a heartbeat stalled longer
than the lease: logged as "outlived its lease ... may run twice"; keep the lease well
above the inbox's lock ``timeout``). Handlers whose effects must never repeat key
them on ``receiver.event_key(event)``.

Stored per event: its idempotency key, its receiver's namespace, its type, its own
payload as JSON and the few request headers its provider reads to rebuild it
(``Provider.event_headers``), and the W3C ``traceparent`` of the request's span when
OpenTelemetry traces it; never a credential or a signature.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import random
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import ClassVar, Protocol, runtime_checkable

from .._errors import ConfigurationError
from .._handoff import Inbox, InboxEntry
from .._receiver import Receiver
from .._schemes import check_tolerance_option
from ._sqlite import GroupCommit, ThreadConnections, immediate, writer_lock

__all__ = [
    "DEFAULT_MAX_ATTEMPTS",
    "Arrivals",
    "AttachedReceivers",
    "Delivery",
    "DurableInbox",
    "Inbox",
    "InboxEntry",
    "InboxRecord",
    "InboxState",
    "RetryPolicy",
    "SQLiteInbox",
    "purgeable",
    "retryable",
]

logger = logging.getLogger("webhook_receiver")

DEFAULT_MAX_ATTEMPTS = 8
"""Handler runs before an event is dead: with the default backoff, about 4 minutes of retrying."""

_ERROR_LIMIT = 2000


class InboxState(StrEnum):
    """Where an event is in the inbox."""

    PENDING = "pending"
    """Stored and waiting for a worker (new, or failed and waiting for its next attempt)."""
    RUNNING = "running"
    """Taken by a worker whose lease has not run out."""
    DONE = "done"
    """Every handler succeeded; kept for ``ttl`` seconds to recognise duplicates."""
    DEAD = "dead"
    """Failed ``max_attempts`` times (or cannot be rebuilt); kept until replayed or purged."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When to run a failed event again, and when to give up.

    The delay before attempt ``n + 1`` is ``min(maximum, initial * factor ** (n - 1))``,
    and with ``jitter`` a uniformly random point in its upper half, so a burst of
    failures (a downstream outage) does not come back as one burst. After
    ``max_attempts`` runs the event is dead.

    Args:
        max_attempts: handler runs before the event is dead (at least 1).
        initial: seconds before the second attempt.
        factor: how much each wait grows.
        maximum: the longest wait, in seconds.
        jitter: spread each wait over its upper half.
    """

    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    initial: float = 2.0
    factor: float = 2.0
    maximum: float = 3600.0
    jitter: bool = True

    def __post_init__(self) -> None:
        if isinstance(self.max_attempts, bool) or not isinstance(self.max_attempts, int):
            raise ConfigurationError("max_attempts must be a whole number")
        if self.max_attempts < 1:
            raise ConfigurationError("max_attempts must be at least 1")
        for name in ("initial", "maximum"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < math.inf:
                raise ConfigurationError(f"{name} must be a finite number of seconds, 0 or more")
        if isinstance(self.factor, bool) or not isinstance(self.factor, int | float) or self.factor < 1:
            raise ConfigurationError("factor must be a number of at least 1")

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1 for the first run)."""
        exponent = min(max(attempt, 1) - 1, 64)  # past 2**64 the cap has long won
        ceiling = min(self.maximum, self.initial * self.factor**exponent)
        if not self.jitter:
            return ceiling
        return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)

    def gives_up_after(self, attempt: int) -> bool:
        """Whether failed attempt number ``attempt`` was the last one."""
        return attempt >= self.max_attempts


def retryable(state: InboxState | str) -> InboxState:
    """``state`` as a state whose events may be replayed: any but running (their worker holds them)."""
    wanted = InboxState(state)
    if wanted is InboxState.RUNNING:
        raise ConfigurationError("running events cannot be retried: their worker holds them")
    return wanted


def purgeable(state: InboxState | str) -> InboxState:
    """``state`` as a state whose events may be purged: done or dead (the others are still owed)."""
    wanted = InboxState(state)
    if wanted not in (InboxState.DONE, InboxState.DEAD):
        raise ConfigurationError("only done or dead events can be purged")
    return wanted


@dataclass(frozen=True, slots=True)
class InboxRecord:
    """An event as the inbox holds it, for listing, inspection and processing."""

    id: int
    key: str
    namespace: str
    type: str
    state: InboxState
    attempts: int
    """Handler runs started so far."""
    received_at: float
    available_at: float
    """When a pending event may next be taken (its backoff), unix seconds."""
    finished_at: float | None
    """When it became done or dead."""
    last_error: str | None
    """The last failure: handler names, exception types and messages."""
    payload: str
    headers: tuple[tuple[str, str], ...]
    trace_context: str | None = None
    """The W3C ``traceparent`` of the request that stored it (``InboxEntry.trace_context``)."""


@dataclass(frozen=True, slots=True)
class Delivery:
    """An event a worker has taken: the record plus the lease's token."""

    record: InboxRecord
    token: str

    @property
    def attempt(self) -> int:
        """Which run of the handlers this is (1 for the first)."""
        return self.record.attempts


class Receivers:
    """The receivers attached to an inbox, by namespace (the latest one wins)."""

    def __init__(self) -> None:
        self._by_namespace: dict[str, Receiver] = {}
        self._lock = threading.Lock()

    def attach(self, receiver: Receiver) -> None:
        """Add ``receiver``; a different receiver with the same namespace is replaced (and logged)."""
        with self._lock:
            previous = self._by_namespace.get(receiver.namespace)
            if previous is not None and previous is not receiver:
                logger.warning(
                    "a new receiver replaces the one attached for namespace %r", receiver.namespace
                )
            self._by_namespace[receiver.namespace] = receiver

    def get(self, namespace: str) -> Receiver | None:
        """The receiver for ``namespace``, if one is attached."""
        return self._by_namespace.get(namespace)

    def namespaces(self) -> tuple[str, ...]:
        """Every attached namespace."""
        return tuple(self._by_namespace)


class AttachedReceivers:
    """What every inbox does with the receivers that put events in it."""

    _receivers: Receivers

    @property
    def receivers(self) -> Receivers:
        """The receivers attached to this inbox (``Receiver(inbox=...)`` attaches itself)."""
        return self._receivers

    def attach(self, receiver: Receiver) -> None:
        """Called by ``Receiver(inbox=self)``: its events are run by its handlers."""
        self._receivers.attach(receiver)


class Arrivals:
    """How a durable inbox wakes the workers waiting on it.

    Every put made in this process counts as an arrival and wakes the threads in
    :meth:`wait` and the listeners (an asyncio worker's loop). An inbox that hears of
    other processes' puts (PostgreSQL's ``LISTEN``) calls :meth:`_announce` for them
    too; otherwise workers in other processes find them when they poll.
    """

    def __init__(self) -> None:
        self._arrivals = threading.Condition()
        self._arrival_count = 0
        self._listeners: list[Callable[[], object]] = []

    def _announce(self) -> None:
        with self._arrivals:
            self._arrival_count += 1
            self._arrivals.notify_all()
            listeners = list(self._listeners)
        for listener in listeners:
            listener()

    @property
    def arrivals(self) -> int:
        """How many arrivals this inbox has seen (read it before looking, then :meth:`wait`)."""
        return self._arrival_count

    def wait(self, timeout: float, seen: int) -> None:
        """Block until an arrival after ``seen`` arrivals, or until ``timeout`` passes."""
        with self._arrivals:
            if seen == self._arrival_count:
                self._arrivals.wait(timeout)

    def wake_waiters(self) -> None:
        """Wake every thread blocked in :meth:`wait`, or about to (a stopping worker)."""
        with self._arrivals:
            self._arrival_count += 1
            self._arrivals.notify_all()

    def add_listener(self, listener: Callable[[], object]) -> Callable[[], None]:
        """Call ``listener()`` (from the announcing thread) after each arrival; returns a remover."""
        with self._arrivals:
            self._listeners.append(listener)

        def remove() -> None:
            with self._arrivals:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return remove


@runtime_checkable
class DurableInbox(Inbox, Protocol):
    """An inbox that keeps events for a :class:`~webhook_receiver.Worker`: what the worker
    and ``webhook-receiver inbox`` use, whatever the database.

    :class:`SQLiteInbox` and ``PostgresInbox`` implement it; so can an inbox of your own
    (subclass :class:`AttachedReceivers` and :class:`Arrivals` for the receivers and the
    wake-ups). The contract, which the shared tests hold every implementation to:

    - ``put`` returns only after its entries are committed; known keys are left alone,
      except a done one older than the inbox's ``ttl``, which is stored again as new;
    - ``take`` hands each due event (pending and due, or running with a lease that ran
      out) to one caller at a time, with a fresh random token, counting an attempt;
      an event already taken ``max_attempts`` times is made dead instead;
    - ``complete``, ``fail``, ``release`` and ``extend`` change an event only while the
      token still holds its lease (compare-and-set), and say whether they did;
    - ``retry`` and ``purge`` never touch running events (purge: done or dead only).

    An inbox may also offer ``oldest_pending() -> float | None``: when the longest-waiting
    pending event was received (unix seconds), ``None`` when none is pending. The
    ``webhook_receiver.inbox.oldest_pending_age`` gauge reports it for the inboxes that do.
    """

    @property
    def location(self) -> str:
        """Where the events are kept, for messages: a path, or a URL without its password."""

    @property
    def receivers(self) -> Receivers:
        """The receivers attached to this inbox (``Receiver(inbox=...)`` attaches itself)."""

    @property
    def arrivals(self) -> int:
        """A counter that grows with each arrival this process hears of (see :meth:`wait`)."""

    def wait(self, timeout: float, seen: int) -> None:
        """Block until :attr:`arrivals` moves past ``seen``, or ``timeout`` seconds pass."""

    def wake_waiters(self) -> None:
        """Wake every thread blocked in :meth:`wait` (a stopping worker)."""

    def add_listener(self, listener: Callable[[], object]) -> Callable[[], None]:
        """Call ``listener()`` after each arrival; returns a function that removes it."""

    def take(
        self, namespaces: Iterable[str], *, limit: int, lease: float, now: float, max_attempts: int
    ) -> list[Delivery]:
        """Take up to ``limit`` due events of ``namespaces``, each with a lease of ``lease`` s."""

    def complete(self, delivery: Delivery, *, now: float) -> bool:
        """Record ``delivery`` as done; ``False`` if its lease was lost."""

    def fail(self, delivery: Delivery, error: str, *, retry_at: float | None, now: float) -> bool:
        """Record a failed attempt: pending again from ``retry_at``, or dead when it is ``None``."""

    def release(self, delivery: Delivery) -> bool:
        """Give back a delivery taken but not run: pending, with no attempt counted."""

    def extend(self, deliveries: Iterable[Delivery], *, lease: float, now: float) -> int:
        """Renew the leases still held by ``deliveries``; returns how many."""

    def counts(self) -> dict[InboxState, int]:
        """How many events are in each state."""

    def list(
        self, *, state: InboxState | str | None = None, namespace: str | None = None, limit: int = 50
    ) -> list[InboxRecord]:
        """Events, oldest first, optionally in one ``state`` and ``namespace``."""

    def get(self, id_or_key: int | str) -> InboxRecord | None:
        """One event by its id or its key, or ``None``."""

    def retry(self, ids: Iterable[int] | None = None, *, now: float, state: InboxState | str = "dead") -> int:
        """Make events pending again now with a fresh count of attempts; returns how many."""

    def purge(self, state: InboxState | str, *, before: float | None = None) -> int:
        """Delete done or dead events (finished before ``before``, if given); returns how many."""

    def close(self) -> None:
        """Release the inbox's connections."""


_SCHEMA = (
    """
    CREATE TABLE IF NOT EXISTS webhook_inbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        key TEXT NOT NULL UNIQUE,
        namespace TEXT NOT NULL,
        type TEXT NOT NULL,
        payload TEXT NOT NULL,
        headers TEXT NOT NULL,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        received_at REAL NOT NULL,
        available_at REAL NOT NULL,
        lease_token TEXT,
        lease_until REAL,
        finished_at REAL,
        last_error TEXT,
        trace_context TEXT
    )
    """,
    "CREATE INDEX IF NOT EXISTS webhook_inbox_ready ON webhook_inbox (state, available_at)",
)
_COLUMNS = (
    "id, key, namespace, type, state, attempts, received_at, available_at, finished_at, "
    "last_error, payload, headers, trace_context"
)
_PURGE_EVERY = 1000
_Row = tuple[str, str, str, str, str, float, float, str | None, float]
"""One entry as ``put`` binds it: key, namespace, type, payload, headers, received, available,
trace context, cutoff."""


def _create_private(path: str) -> None:
    """Create the database file readable by its owner only: it holds event payloads.

    SQLite gives the ``-wal`` and ``-shm`` files it creates the database file's mode.
    """
    if path == ":memory:" or path.startswith("file:") or os.path.exists(path):
        return
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def _record(row: Sequence[object]) -> InboxRecord:
    headers = json.loads(str(row[11]))
    return InboxRecord(
        id=int(row[0]),  # type: ignore[call-overload]
        key=str(row[1]),
        namespace=str(row[2]),
        type=str(row[3]),
        state=InboxState(str(row[4])),
        attempts=int(row[5]),  # type: ignore[call-overload]
        received_at=float(row[6]),  # type: ignore[arg-type]
        available_at=float(row[7]),  # type: ignore[arg-type]
        finished_at=None if row[8] is None else float(row[8]),  # type: ignore[arg-type]
        last_error=None if row[9] is None else str(row[9]),
        payload=str(row[10]),
        headers=tuple((str(name), str(value)) for name, value in headers),
        trace_context=None if row[12] is None else str(row[12]),
    )


def _has_trace_context(connection: sqlite3.Connection) -> bool:
    return any(row[1] == "trace_context" for row in connection.execute("PRAGMA table_info(webhook_inbox)"))


class SQLiteInbox(AttachedReceivers, Arrivals):
    """An inbox in one SQLite file: the embedded default for one machine.

    WAL mode, one connection per thread, every write committed before it returns
    (concurrent puts may share a transaction: group commit, below), and
    ``synchronous=FULL`` by default, so a ``put`` that returned survives a crash of
    the process and of the machine (``durability="process"`` trades the latter for
    speed). Several processes may share the file: web workers putting, workers
    taking.

    The file must stay at its path. Once it is deleted, renamed or replaced by
    another file (``os.replace``, a restored backup), every method that reads or
    writes it raises :class:`~webhook_receiver.DatabaseMoved` (an
    ``OSError``; logged once) instead of working on the file still open, whose
    events no worker, other process or restart would see: reads are checked before
    they run, writes before and after their commit. So a ``put`` raises and the
    receiver answers 503, never 202 (a ``put`` that returned committed to the file
    at the path), and a worker's ``take`` fails (logged at each poll) rather than
    run the old file's events. This lasts until the process opens the inbox again
    (a restart), or until that very file is moved back to its path; the inbox never
    reattaches itself to another file found there, and never creates one. Events
    committed to a renamed file stay in it: move it back, or open it where it is
    (``webhook-receiver inbox list --inbox <new path>``).

    Group commit (``group_commit=True``, the default): puts made at the same time by
    threads of this process (a WSGI server's request threads; under ASGI a deferred
    receiver runs ``put`` in a worker thread) share one transaction, so one fsync,
    instead of queueing for one each. The first put to find no commit in flight
    commits at once (a lone put costs one commit, as without grouping, and nothing
    waits on a timer); puts arriving during that commit queue, and the next commit
    takes them all. What it changes: puts per second under concurrency, and that a
    failed commit (a full disk, a lock ``timeout``, the file moved away) fails every
    put it carried, each of which answers 503. What it does not: each ``put`` still
    returns only after the commit that contains its entries, with the same check
    that the file is still at its path; entries are applied in the order the puts
    queued, so a key seen twice in one group keeps its first entry, as if the puts
    had committed one after the other; workers are woken after each commit (once
    per commit); other processes and other ``SQLiteInbox`` objects on the same file
    commit on their own. ``group_commit=False`` gives every put a transaction of its
    own.

    Args:
        path: the database file (created if missing).
        ttl: seconds a done event is remembered, to acknowledge duplicates without
            running them again (default 7 days: longer than any sender retries).
        timeout: seconds to wait for another writer's lock before failing (a ``put``
            then answers 503, and the sender retries).
        durability: ``"machine"`` (fsync every commit) or ``"process"`` (survives
            the process being killed, not a power cut).
        group_commit: let concurrent puts of this process share a transaction (see
            above); ``False``: one transaction per put.
    """

    blocking: ClassVar[bool] = True

    def __init__(
        self,
        path: str | Path,
        *,
        ttl: float = 7 * 24 * 3600.0,
        timeout: float = 5.0,
        durability: str = "machine",
        group_commit: bool = True,
    ) -> None:
        if durability not in ("machine", "process"):
            raise ConfigurationError("durability must be 'machine' or 'process'")
        self._path = str(path)
        self._ttl = check_tolerance_option(ttl, "ttl")
        self._timeout = check_tolerance_option(timeout, "timeout")
        _create_private(self._path)
        self._write_lock = writer_lock(self._path)
        self._connections = ThreadConnections(
            self._path, timeout=self._timeout, synchronous="FULL" if durability == "machine" else "NORMAL"
        )
        self._receivers = Receivers()
        Arrivals.__init__(self)
        self._puts = 0
        self._group_commit: GroupCommit[list[_Row]] | None = (
            GroupCommit(self._commit_puts, lock=self._write_lock, after=self._announce)
            if group_commit
            else None
        )
        connection = self._connect()
        for statement in _SCHEMA:
            connection.execute(statement)
        if not _has_trace_context(connection):
            # A file made before the column existed. Looked at again inside the
            # transaction: two processes opening the same old file add it once.
            with self._write_lock, immediate(connection):
                if not _has_trace_context(connection):
                    connection.execute("ALTER TABLE webhook_inbox ADD COLUMN trace_context TEXT")
        self._connections.ensure_same_file()

    @property
    def path(self) -> str:
        """The database file."""
        return self._path

    @property
    def location(self) -> str:
        """The database file (what :class:`DurableInbox` calls where the events are kept)."""
        return self._path

    def __repr__(self) -> str:
        return f"SQLiteInbox({self._path!r})"

    def _connect(self) -> sqlite3.Connection:
        """This thread's connection; raises ``DatabaseMoved`` if the file is no longer at its path."""
        return self._connections.get()

    def close(self) -> None:
        """Close every connection this inbox opened (call once no thread uses it)."""
        self._connections.close()

    def _write(self, sql: str, values: Sequence[object]) -> int:
        """One autocommit write statement, queued behind this process's other writers.

        Checked before and after: a write committed to a file no longer at its path raises.
        """
        with self._write_lock:
            changed = int(self._connect().execute(sql, values).rowcount)
        self._connections.ensure_same_file()
        return changed

    # -- the receiver's side -------------------------------------------------------

    def put(self, entries: Sequence[InboxEntry]) -> None:
        """Store ``entries`` in a committed transaction; known keys are left as they are.

        A key whose done record is older than ``ttl`` is forgotten, so it is stored
        again as new. Raises ``DatabaseMoved`` if the file is no longer at its path,
        before writing or after the commit: returning means the entries are in the
        file at the path. With group commit the transaction may carry other threads'
        puts too, and then its failure raises in each of them.
        """
        if not entries:
            return
        # Bound here, in the caller's thread: an entry that cannot be encoded fails
        # its own put only, and the shared commit does less while others wait.
        rows = [
            (
                entry.key,
                entry.namespace,
                entry.type,
                entry.payload,
                json.dumps(entry.headers),
                entry.received_at,
                entry.received_at,
                entry.trace_context,
                entry.received_at - self._ttl,
            )
            for entry in entries
        ]
        if self._group_commit is not None:
            self._group_commit.submit(rows)
            return
        with self._write_lock:
            self._commit_puts([rows])
        self._announce()

    def _commit_puts(self, puts: list[list[_Row]]) -> None:
        """Commit the rows of ``puts``, in order, in one transaction (the writer lock is held).

        Then check that the file committed to is still the one at the path, where
        workers, other processes and the next start look.
        """
        now = max(row[5] for rows in puts for row in rows)
        with immediate(self._connect()) as connection:
            connection.executemany(
                "INSERT INTO webhook_inbox (key, namespace, type, payload, headers, state, attempts, "
                "received_at, available_at, trace_context) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET namespace = excluded.namespace, type = excluded.type, "
                "payload = excluded.payload, headers = excluded.headers, state = 'pending', attempts = 0, "
                "received_at = excluded.received_at, available_at = excluded.available_at, "
                "lease_token = NULL, lease_until = NULL, finished_at = NULL, last_error = NULL, "
                "trace_context = excluded.trace_context "
                "WHERE webhook_inbox.state = 'done' AND webhook_inbox.finished_at <= ?",
                [row for rows in puts for row in rows],
            )
            before = self._puts
            self._puts += len(puts)
            if self._puts // _PURGE_EVERY != before // _PURGE_EVERY:  # every _PURGE_EVERY puts
                connection.execute(
                    "DELETE FROM webhook_inbox WHERE state = 'done' AND finished_at <= ?", (now - self._ttl,)
                )
        self._connections.ensure_same_file()

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

        An event taken ``max_attempts`` times already (its worker died on it each
        time) is marked dead instead of being returned.
        """
        names = tuple(namespaces)
        if not names or limit < 1:
            return []
        marks = ",".join("?" * len(names))
        taken: list[Delivery] = []
        with self._write_lock, immediate(self._connect()) as connection:
            # Two queries, each walking the (state, available_at) index: one with an OR
            # across both states sorts every due row to return a few, which made
            # draining a backlog quadratic. Expired leases first: they are the oldest.
            rows = connection.execute(
                f"SELECT {_COLUMNS} FROM webhook_inbox WHERE state = 'running' AND "  # noqa: S608 - placeholders only
                f"lease_until <= ? AND namespace IN ({marks}) ORDER BY lease_until LIMIT ?",
                (now, *names, limit),
            ).fetchall()
            if len(rows) < limit:
                rows += connection.execute(
                    f"SELECT {_COLUMNS} FROM webhook_inbox WHERE state = 'pending' AND "  # noqa: S608
                    f"available_at <= ? AND namespace IN ({marks}) ORDER BY available_at, id LIMIT ?",
                    (now, *names, limit - len(rows)),
                ).fetchall()
            for row in rows:
                record = _record(row)
                if record.attempts >= max_attempts:
                    connection.execute(
                        "UPDATE webhook_inbox SET state = 'dead', lease_token = NULL, lease_until = NULL, "
                        "finished_at = ?, last_error = ? WHERE id = ?",
                        (now, f"the worker stopped during each of {record.attempts} attempts", record.id),
                    )
                    continue
                token = secrets.token_hex(16)
                connection.execute(
                    "UPDATE webhook_inbox SET state = 'running', attempts = attempts + 1, "
                    "lease_token = ?, lease_until = ? WHERE id = ?",
                    (token, now + lease, record.id),
                )
                running = replace(record, state=InboxState.RUNNING, attempts=record.attempts + 1)
                taken.append(Delivery(running, token))
        # Never run events of a file that is no longer the inbox (new puts go elsewhere):
        # the leases taken in it run out.
        self._connections.ensure_same_file()
        return taken

    def complete(self, delivery: Delivery, *, now: float) -> bool:
        """Record ``delivery`` as done; ``False`` if its lease was lost (another worker took it)."""
        return (
            self._write(
                "UPDATE webhook_inbox SET state = 'done', lease_token = NULL, lease_until = NULL, "
                "finished_at = ?, last_error = NULL WHERE id = ? AND state = 'running' AND lease_token = ?",
                (now, delivery.record.id, delivery.token),
            )
            == 1
        )

    def fail(self, delivery: Delivery, error: str, *, retry_at: float | None, now: float) -> bool:
        """Record a failed attempt: pending again from ``retry_at``, or dead when it is ``None``."""
        if retry_at is None:
            sql = (
                "UPDATE webhook_inbox SET state = 'dead', lease_token = NULL, lease_until = NULL, "
                "finished_at = ?, last_error = ? WHERE id = ? AND state = 'running' AND lease_token = ?"
            )
            values: tuple[object, ...] = (now, error[:_ERROR_LIMIT], delivery.record.id, delivery.token)
        else:
            sql = (
                "UPDATE webhook_inbox SET state = 'pending', lease_token = NULL, lease_until = NULL, "
                "available_at = ?, last_error = ? WHERE id = ? AND state = 'running' AND lease_token = ?"
            )
            values = (retry_at, error[:_ERROR_LIMIT], delivery.record.id, delivery.token)
        return self._write(sql, values) == 1

    def release(self, delivery: Delivery) -> bool:
        """Give back a delivery that was taken but not run (a worker stopping): no attempt counted."""
        return (
            self._write(
                "UPDATE webhook_inbox SET state = 'pending', attempts = MAX(attempts - 1, 0), "
                "lease_token = NULL, lease_until = NULL "
                "WHERE id = ? AND state = 'running' AND lease_token = ?",
                (delivery.record.id, delivery.token),
            )
            == 1
        )

    def extend(self, deliveries: Iterable[Delivery], *, lease: float, now: float) -> int:
        """Renew the leases of deliveries still running (a worker's heartbeat); returns how many."""
        pairs = [(now + lease, d.record.id, d.token) for d in deliveries]
        if not pairs:
            return 0
        renewed = 0
        with self._write_lock, immediate(self._connect()) as connection:
            for values in pairs:
                renewed += connection.execute(
                    "UPDATE webhook_inbox SET lease_until = ? WHERE id = ? AND state = 'running' "
                    "AND lease_token = ?",
                    values,
                ).rowcount
        self._connections.ensure_same_file()
        return renewed

    # -- the operator's side -------------------------------------------------------
    # Reads are checked before they run (``_connect``), writes before and after.

    def counts(self) -> dict[InboxState, int]:
        """How many events are in each state."""
        found = dict(
            self._connect().execute("SELECT state, COUNT(*) FROM webhook_inbox GROUP BY state").fetchall()
        )
        return {state: int(found.get(state.value, 0)) for state in InboxState}

    def oldest_pending(self) -> float | None:
        """When the longest-waiting pending event was received (unix seconds); ``None`` if none is.

        What the ``webhook_receiver.inbox.oldest_pending_age`` gauge reports, as an age.
        """
        row = (
            self._connect()
            .execute("SELECT MIN(received_at) FROM webhook_inbox WHERE state = 'pending'")
            .fetchone()
        )
        return None if row is None or row[0] is None else float(row[0])

    def list(
        self, *, state: InboxState | str | None = None, namespace: str | None = None, limit: int = 50
    ) -> list[InboxRecord]:
        """Events, oldest first, optionally in one ``state`` and ``namespace``."""
        clauses: list[str] = []
        values: list[object] = []
        if state is not None:
            clauses.append("state = ?")
            values.append(InboxState(state).value)
        if namespace is not None:
            clauses.append("namespace = ?")
            values.append(namespace)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._connect().execute(
            f"SELECT {_COLUMNS} FROM webhook_inbox {where} ORDER BY id LIMIT ?",  # noqa: S608 - constants only
            (*values, max(limit, 0)),
        )
        return [_record(row) for row in rows.fetchall()]

    def get(self, id_or_key: int | str) -> InboxRecord | None:
        """One event by its id or its key, or ``None``."""
        column = "id" if isinstance(id_or_key, int) else "key"
        row = (
            self._connect()
            .execute(f"SELECT {_COLUMNS} FROM webhook_inbox WHERE {column} = ?", (id_or_key,))  # noqa: S608
            .fetchone()
        )
        return None if row is None else _record(row)

    def retry(self, ids: Iterable[int] | None = None, *, now: float, state: InboxState | str = "dead") -> int:
        """Make events pending again now with a fresh count of attempts (replay).

        ``ids`` picks events (any state but running); without it, every event in
        ``state`` (dead by default) is replayed. Returns how many.
        """
        connection = self._connect()
        reset = (
            "UPDATE webhook_inbox SET state = 'pending', attempts = 0, available_at = ?, "
            "lease_token = NULL, lease_until = NULL, finished_at = NULL"
        )
        if ids is None:
            wanted = retryable(state)
            changed = self._write(f"{reset} WHERE state = ?", (now, wanted.value))
            if changed:
                self._announce()
            return int(changed)
        chosen = list(ids)
        if not chosen:
            return 0
        changed = 0
        with self._write_lock, immediate(connection):
            for record_id in chosen:
                changed += connection.execute(
                    f"{reset} WHERE id = ? AND state != 'running'", (now, record_id)
                ).rowcount
        self._connections.ensure_same_file()
        if changed:
            self._announce()
        return changed

    def purge(self, state: InboxState | str, *, before: float | None = None) -> int:
        """Delete done or dead events (finished before ``before``, if given); returns how many.

        Pending and running events cannot be purged: they were acknowledged and are
        still owed their processing.
        """
        wanted = purgeable(state)
        if before is None:
            return self._write("DELETE FROM webhook_inbox WHERE state = ?", (wanted.value,))
        return self._write(
            "DELETE FROM webhook_inbox WHERE state = ? AND finished_at <= ?", (wanted.value, before)
        )
