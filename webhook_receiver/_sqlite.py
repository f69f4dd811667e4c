"""What the SQLite store and the SQLite inbox share: a connection per thread, and transactions."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["ThreadConnections", "immediate", "writer_lock"]

_WRITER_LOCKS: dict[str, threading.Lock] = {}
_WRITER_LOCKS_LOCK = threading.Lock()


def writer_lock(path: str) -> threading.Lock:
    """One lock per database file in this process, held around each write.

    SQLite lets one writer in at a time and makes the others wait in its busy
    handler, which sleeps in growing steps (up to 100 ms) instead of waking when the
    lock is free, and is not fair: under contention from threads of one process a
    write could wait over a second while others got in. Queueing the process's own
    writers on a lock first cuts that tail to the length of the queue. Other
    processes still meet the busy handler.
    """
    key = path if path == ":memory:" else os.path.realpath(path)
    with _WRITER_LOCKS_LOCK:
        return _WRITER_LOCKS.setdefault(key, threading.Lock())


class ThreadConnections:
    """One connection to a SQLite file per thread, in WAL mode, closed all at once.

    ``isolation_level=None``: transactions are begun explicitly (:func:`immediate`).
    Each thread uses only its own connection; ``check_same_thread=False`` only lets
    :meth:`close` close them all from one thread.
    """

    def __init__(self, path: str, *, timeout: float, synchronous: str = "NORMAL") -> None:
        self._path = path
        self._timeout = timeout
        self._synchronous = synchronous
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def get(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use."""
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(
                self._path, timeout=self._timeout, isolation_level=None, check_same_thread=False
            )
            try:
                _use_wal(connection, self._timeout)
                connection.execute(f"PRAGMA synchronous={self._synchronous}")
            except BaseException:
                connection.close()
                raise
            self._local.connection = connection
            with self._lock:
                self._all.append(connection)
        return connection

    def close(self) -> None:
        """Close every connection opened so far (call once no thread uses them)."""
        with self._lock:
            for connection in self._all:
                connection.close()
            self._all.clear()
        self._local = threading.local()


def _use_wal(connection: sqlite3.Connection, timeout: float) -> None:
    """Switch ``connection``'s file to WAL mode (a no-op once it is), waiting up to ``timeout`` s.

    SQLite answers "database is locked" at once, without waiting in its busy handler,
    when waiting could deadlock: two new connections switching a new file to WAL at
    the same moment each hold the shared lock the other must see released. Every
    worker of a server starting together on a fresh file does that, so the switch is
    retried here, in growing steps as the busy handler would, until ``timeout``.
    """
    deadline = time.monotonic() + timeout
    delay = 0.001
    while True:
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() + delay > deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


@contextmanager
def immediate(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A ``BEGIN IMMEDIATE`` transaction: committed on success, rolled back on any exception."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
