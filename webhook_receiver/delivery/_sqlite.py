"""What the SQLite store and the SQLite inbox share: a connection per thread, and transactions.

A database file must stay the file at its path. A file deleted or renamed while
connections hold it open stays writable through them, and so does the old file
after another one is moved over its path (``os.replace``, a restored backup): a
write committed there is invisible to every connection opened later, to other
processes and to the next start. :class:`ThreadConnections` therefore remembers
which file it first opened (``st_dev``, ``st_ino``) and
:meth:`ThreadConnections.ensure_same_file` (one ``os.stat``) raises
:class:`DatabaseMoved` once the path names another file, or none.
(SQLite's own check, ``SQLITE_READONLY_DBMOVED``, runs only in rollback-journal
mode, not in the WAL mode used here.) The check limits the damage of a move but
cannot undo it: a file moved over the path meets the old ``-wal`` and ``-shm``
files still there, so stop the app before restoring a backup.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["DatabaseMoved", "ThreadConnections", "immediate", "writer_lock"]

logger = logging.getLogger("webhook_receiver")

_WRITER_LOCKS: dict[str, threading.Lock] = {}
_WRITER_LOCKS_LOCK = threading.Lock()


class DatabaseMoved(OSError):
    """The database file is no longer the file at its path: deleted, renamed, or replaced.

    What is written to the file still open would be lost to every other connection,
    so a :class:`~webhook_receiver.SQLiteStore` or :class:`~webhook_receiver.SQLiteInbox`
    refuses to use it: a receiver answers 503 (the sender retries) and a worker's
    ``take`` fails. ``reason`` is ``"missing"`` (nothing at the path: deleted or
    renamed) or ``"replaced"`` (another file is at the path).
    """

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        if reason == "missing":
            what = "is missing: it was deleted or renamed after it was opened"
        else:
            what = "was replaced by another file after it was opened"
        super().__init__(
            f"SQLite database {path!r} {what}; refusing to use the file still open, whose writes "
            "no other connection would see (restart to open the file now at that path)"
        )

    def __reduce__(self) -> tuple[type[DatabaseMoved], tuple[str, str]]:
        return type(self), (self.path, self.reason)


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

    The file is identified (``st_dev``, ``st_ino``) when the first connection opens
    it (creating it if missing); :meth:`get` and :meth:`ensure_same_file` raise
    :class:`DatabaseMoved` from then on whenever the path no longer names that file.
    Every later connection (a new thread's, or any after :meth:`close`) is opened
    without the right to create the file, and checked once open: it is never a new
    empty file that appeared at the path. The refusal lasts while the path names
    another file or none; it ends only if the very file first opened is put back.

    Paths: ``":memory:"`` and ``""`` (no file) are not checked. A plain path is
    checked as given, made absolute when this object is made (a symlink's target
    is followed at each check). A ``file:`` URI is passed to SQLite as before, and
    the file checked is the one SQLite reports having opened (``PRAGMA
    database_list``; none for an in-memory URI). A later connection to a URI is
    opened with the URI as given, so between the check before it and the one after
    it SQLite may create an empty file at a path just vacated: it is then refused.
    """

    def __init__(self, path: str, *, timeout: float, synchronous: str = "NORMAL") -> None:
        self._path = path
        self._timeout = timeout
        self._synchronous = synchronous
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        plain = path not in ("", ":memory:") and not path.startswith("file:")
        self._file = os.path.abspath(path) if plain else None
        # Later connections must not create the file: a read-write URI for a plain path.
        self._reopen = Path(self._file).as_uri() + "?mode=rw" if self._file is not None else path
        self._opened = False
        # The file checked, and its (st_dev, st_ino) when the first connection opened it.
        self._identity: tuple[str, int, int] | None = None
        self._reported = False

    def get(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use; raises if the file is no longer at its path."""
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            return self._open()
        self.ensure_same_file()
        return connection

    def ensure_same_file(self) -> None:
        """Raise :class:`DatabaseMoved` unless the path still names the file first opened.

        One ``os.stat``. Call it after a commit: returning means the file committed
        to was the one at the path at that moment.
        """
        identity = self._identity
        if identity is None:
            return
        file, device, inode = identity
        try:
            found = os.stat(file)
        except (FileNotFoundError, NotADirectoryError):
            raise self._moved("missing") from None
        if found.st_ino != inode or found.st_dev != device:
            raise self._moved("replaced")

    def _moved(self, reason: str) -> DatabaseMoved:
        error = DatabaseMoved(self._path, reason)
        if not self._reported:  # once: every request and every poll fails from now on
            self._reported = True
            logger.error("%s", error)
        return error

    def _open(self) -> sqlite3.Connection:
        later = self._opened
        if later:
            self.ensure_same_file()  # nothing at the path: do not create a new file there
        connection = sqlite3.connect(
            self._reopen if later else self._path,
            timeout=self._timeout,
            isolation_level=None,
            check_same_thread=False,
            uri=later and self._file is not None,
        )
        try:
            if later:
                self.ensure_same_file()  # the file opened is the one first opened
            _use_wal(connection, self._timeout)
            connection.execute(f"PRAGMA synchronous={self._synchronous}")
            if not later:
                self._identify(connection)
        except BaseException:
            connection.close()
            raise
        self._local.connection = connection
        with self._lock:
            self._all.append(connection)
        return connection

    def _identify(self, connection: sqlite3.Connection) -> None:
        """Remember the file the first connection opened (several threads may open first at once)."""
        file = self._file
        if file is None and self._path.startswith("file:"):
            main = connection.execute("PRAGMA database_list").fetchone()
            file = str(main[2]) if main is not None and main[2] else None
        if file is not None:
            found = os.stat(file)
            with self._lock:
                if self._identity is None:
                    self._identity = (file, found.st_dev, found.st_ino)
            self.ensure_same_file()
        self._opened = True

    def close(self) -> None:
        """Close every connection opened so far (call once no thread uses them).

        The file first opened stays the only one accepted: connections opened after
        this are checked as any later one.
        """
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
