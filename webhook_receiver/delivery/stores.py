"""Idempotency stores: process each event once, from the application's point of view.

Senders retry (Kourier on any non-2xx; Courier and Xtremepush want a fast 2xx), and a
signed request captured by an attacker stays valid for the whole tolerance window.
A store remembers which events were processed, so a :class:`~webhook_receiver.Receiver`
given one (``Receiver(provider, store=...)``) runs each event's handlers once:

1. the event is **claimed** before its handlers run (an atomic insert-if-absent
   with a lease: the claim expires on its own if the process dies mid-way);
2. it is **completed** (remembered as done for ``ttl`` seconds) only after every
   handler succeeded;
3. it is **released** if one failed, so the sender's retry processes it again.

A duplicate of a done event answers 200 without running anything; a duplicate that
arrives while the first is still being processed answers 409 with ``Retry-After``,
never 200. Every claim carries a random token, and only the holder of the token can
complete or release it, so a process whose lease ran out cannot clobber the claim of
the process that took over.

Times are unix seconds from the Receiver's clock (the provider's, injectable), so
leases and TTLs can be tested without sleeping. Stores only ever see a digest of an
event's identity, never payload data.
"""

from __future__ import annotations

import hmac
import secrets
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from .._errors import ConfigurationError
from .._handoff import Claim, ClaimStatus, IdempotencyStore
from .._schemes import check_tolerance_option
from ._sqlite import ThreadConnections, immediate

__all__ = [
    "Claim",
    "ClaimStatus",
    "IdempotencyStore",
    "MemoryStore",
    "SQLiteStore",
    "new_token",
    "new_tokens",
]


def new_token() -> str:
    """A random claim token."""
    return secrets.token_hex(16)


def new_tokens(count: int) -> list[str]:
    """``count`` random claim tokens (one call to the system's random source for a batch)."""
    raw = secrets.token_hex(16 * count)
    return [raw[i : i + 32] for i in range(0, 32 * count, 32)]


class MemoryStore:
    """An in-process store: a bounded dict with expiry, for one process or for tests.

    When ``max_entries`` is reached, expired entries go first, then the oldest done
    ones (a duplicate of an evicted event would run again); claims in progress are
    never evicted: a store full of live claims raises ``RuntimeError``, which the
    Receiver answers 503 so the sender retries. Thread-safe.
    """

    blocking: ClassVar[bool] = False

    def __init__(self, max_entries: int = 100_000) -> None:
        if isinstance(max_entries, bool) or not isinstance(max_entries, int) or max_entries <= 0:
            raise ConfigurationError("max_entries must be a positive integer")
        self._max = max_entries
        # key -> (state, token, expires_at); insertion order is age order.
        self._entries: OrderedDict[str, tuple[str, str, float]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def claim(self, key: str, *, lease: float, now: float) -> Claim:
        """Claim ``key`` unless it is done or validly claimed (see :class:`IdempotencyStore`)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[2] > now:
                if entry[0] == "done":
                    return Claim(ClaimStatus.DONE)
                return Claim(ClaimStatus.IN_PROGRESS, expires_at=entry[2])
            if entry is None and len(self._entries) >= self._max:
                self._evict(now)
            token = new_token()
            self._entries[key] = ("processing", token, now + lease)
            self._entries.move_to_end(key)
            return Claim(ClaimStatus.CLAIMED, token)

    def complete(self, key: str, token: str, *, ttl: float, now: float) -> bool:
        """Mark ``key`` done for ``ttl`` seconds if ``token`` still holds it."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != "processing" or not hmac.compare_digest(entry[1], token):
                return False
            self._entries[key] = ("done", "", now + ttl)
            return True

    def release(self, key: str, token: str) -> None:
        """Drop the claim on ``key`` if ``token`` still holds it."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] == "processing" and hmac.compare_digest(entry[1], token):
                del self._entries[key]

    def _evict(self, now: float) -> None:
        for key in [k for k, (_, _, expires) in self._entries.items() if expires <= now]:
            del self._entries[key]
        if len(self._entries) < self._max:
            return
        oldest_done = next((k for k, (state, _, _) in self._entries.items() if state == "done"), None)
        if oldest_done is None:
            raise RuntimeError(f"MemoryStore is full: {self._max} claims are all in progress")
        del self._entries[oldest_done]

    def __repr__(self) -> str:
        return f"MemoryStore({len(self._entries)}/{self._max} entries)"


_SCHEMA = """
CREATE TABLE IF NOT EXISTS webhook_receiver_events (
    key TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    token TEXT NOT NULL,
    expires_at REAL NOT NULL
) WITHOUT ROWID
"""
_PURGE_EVERY = 1000


class SQLiteStore:
    """A store in one SQLite file: the embedded default for a single machine.

    WAL mode, one connection per thread, and claims in ``BEGIN IMMEDIATE``
    transactions, so it is safe across threads and across processes sharing the
    file. Expired rows are purged now and then as claims come in.

    The file must stay at its path. Once it is deleted, renamed or replaced by
    another file (``os.replace``, a restored backup), ``claim``, ``complete`` and
    ``release`` raise :class:`~webhook_receiver.DatabaseMoved` (an
    ``OSError``; logged once), checked before each call and after its commit,
    instead of remembering events in a file no other connection, process or restart
    would read (duplicates would run again): the Receiver answers 503 and runs
    nothing, never 200. This lasts until the process opens the store again (a
    restart), or until that very file is moved back to its path; the store never
    reattaches itself to another file found there, and never creates one.

    Args:
        path: the database file (created if missing).
        timeout: seconds to wait for another writer's lock before failing (the
            Receiver then answers 503 and the sender retries).
    """

    blocking: ClassVar[bool] = True

    def __init__(self, path: str | Path, *, timeout: float = 5.0) -> None:
        self._path = str(path)
        self._timeout = check_tolerance_option(timeout, "timeout")
        self._connections = ThreadConnections(self._path, timeout=self._timeout)
        self._claims = 0
        with self._connect() as connection:
            connection.execute(_SCHEMA)
        self._connections.ensure_same_file()

    @property
    def path(self) -> str:
        """The database file."""
        return self._path

    def _connect(self) -> sqlite3.Connection:
        """This thread's connection; raises ``DatabaseMoved`` if the file is no longer at its path."""
        return self._connections.get()

    def claim(self, key: str, *, lease: float, now: float) -> Claim:
        """Claim ``key`` unless it is done or validly claimed (see :class:`IdempotencyStore`):
        :meth:`claim_many` of one key, one transaction."""
        return self.claim_many([key], lease=lease, now=now)[0]

    def claim_many(self, keys: Sequence[str], *, lease: float, now: float) -> list[Claim]:
        """:meth:`claim` for every key of a batch, in one transaction (one commit, one
        fsync, whatever the batch's size). The keys must be distinct."""
        if not keys:
            return []
        claims: list[Claim] = []
        with immediate(self._connect()) as connection:
            for key in keys:
                row = connection.execute(
                    "SELECT state, expires_at FROM webhook_receiver_events WHERE key = ?", (key,)
                ).fetchone()
                if row is not None and row[1] > now:
                    claims.append(
                        Claim(ClaimStatus.DONE)
                        if row[0] == "done"
                        else Claim(ClaimStatus.IN_PROGRESS, expires_at=row[1])
                    )
                    continue
                token = new_token()
                connection.execute(
                    "INSERT OR REPLACE INTO webhook_receiver_events (key, state, token, expires_at) "
                    "VALUES (?, 'processing', ?, ?)",
                    (key, token, now + lease),
                )
                claims.append(Claim(ClaimStatus.CLAIMED, token))
            before = self._claims
            self._claims += len(keys)
            if self._claims // _PURGE_EVERY != before // _PURGE_EVERY:
                connection.execute("DELETE FROM webhook_receiver_events WHERE expires_at <= ?", (now,))
        self._connections.ensure_same_file()
        return claims

    def settle_many(
        self,
        completed: Sequence[tuple[str, str]],
        released: Sequence[tuple[str, str]],
        *,
        ttl: float,
        now: float,
    ) -> list[bool]:
        """:meth:`complete` every ``(key, token)`` of ``completed`` and :meth:`release`
        every one of ``released``, in one transaction; returns :meth:`complete`'s answer
        for each of ``completed``."""
        if not completed and not released:
            return []
        held: list[bool] = []
        with immediate(self._connect()) as connection:
            for key, token in completed:
                cursor = connection.execute(
                    "UPDATE webhook_receiver_events SET state = 'done', token = '', expires_at = ? "
                    "WHERE key = ? AND state = 'processing' AND token = ?",
                    (now + ttl, key, token),
                )
                held.append(cursor.rowcount == 1)
            connection.executemany(
                "DELETE FROM webhook_receiver_events WHERE key = ? AND state = 'processing' AND token = ?",
                released,
            )
        self._connections.ensure_same_file()
        return held

    def complete(self, key: str, token: str, *, ttl: float, now: float) -> bool:
        """Mark ``key`` done for ``ttl`` seconds if ``token`` still holds it."""
        cursor = self._connect().execute(
            "UPDATE webhook_receiver_events SET state = 'done', token = '', expires_at = ? "
            "WHERE key = ? AND state = 'processing' AND token = ?",
            (now + ttl, key, token),
        )
        self._connections.ensure_same_file()
        return cursor.rowcount == 1

    def release(self, key: str, token: str) -> None:
        """Drop the claim on ``key`` if ``token`` still holds it."""
        self._connect().execute(
            "DELETE FROM webhook_receiver_events WHERE key = ? AND state = 'processing' AND token = ?",
            (key, token),
        )
        self._connections.ensure_same_file()

    def close(self) -> None:
        """Close every connection this store opened (call once no thread uses it)."""
        self._connections.close()

    def __repr__(self) -> str:
        return f"SQLiteStore({self._path!r})"
