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

:class:`GroupCommit` lets the writes of one process's threads share a transaction
(and so one fsync), each writer still returning only after the commit that carried
its write.
"""

from __future__ import annotations

import copy
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from types import TracebackType
from typing import Generic, TypeVar

__all__ = ["DatabaseMoved", "GroupCommit", "ThreadConnections", "immediate", "writer_lock"]

T = TypeVar("T")

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


class _Submitted(Generic[T]):
    """One item handed to :meth:`GroupCommit.submit`, and what became of it."""

    __slots__ = ("error", "finished", "item", "traceback", "wake")

    def __init__(self, item: T) -> None:
        self.item = item
        self.finished = False
        self.error: BaseException | None = None
        self.traceback: TracebackType | None = None
        # Held while its submitter waits; released when a leader finished the item or
        # handed the lead to it. None for a submitter that leads at once.
        self.wake: threading.Lock | None = None


class GroupCommit(Generic[T]):
    """The writes of one process's threads share one transaction: a leader/follower batcher.

    :meth:`submit` queues an item. A submitter that finds no commit in flight leads:
    it takes ``lock`` (the file's :func:`writer_lock`), then every item queued by
    then (its own first, in the order they came), and calls ``commit(items)`` once
    with ``lock`` held, then ``after()`` (if given) with ``lock`` released. Items
    submitted while a commit is in flight wait; when it ends, the leader hands the
    lead to the oldest of them, which commits all that queued meanwhile. Nothing
    waits on a timer to collect items: a lone item is committed at once, and a batch
    grows only with the writers that arrived during the previous commit (or while
    its leader waited for ``lock``).

    :meth:`submit` returns only once the commit that carried its item, and
    ``after``, returned; if either raised, so does every submit whose item it
    carried: the leader's with the exception itself, each other with a copy that
    has the leader's traceback (one exception object raised in several threads at
    once would collect all their frames). An interrupt in the leader's thread (a
    ``BaseException`` that is not an ``Exception``) reaches the others as a
    ``RuntimeError``.
    """

    def __init__(
        self,
        commit: Callable[[list[T]], None],
        *,
        lock: AbstractContextManager[object],
        after: Callable[[], object] | None = None,
    ) -> None:
        self._commit = commit
        self._lock = lock
        self._after = after
        self._state = threading.Lock()  # guards everything below
        self._queued = threading.Condition(self._state)  # for wait_until_queued
        self._watchers = 0
        self._queue: list[_Submitted[T]] = []
        self._leading = False
        self._commits = 0

    @property
    def commits(self) -> int:
        """How many times a leader called ``commit`` (one transaction each, committed or not)."""
        return self._commits

    @property
    def queued(self) -> int:
        """How many items wait for the next commit."""
        return len(self._queue)

    def wait_until_queued(self, count: int, timeout: float) -> bool:
        """Block until at least ``count`` items wait for the next commit; ``False`` on timeout.

        For tests and diagnostics that need a commit in flight with writers queued
        behind it, without polling.
        """
        with self._state:
            self._watchers += 1
            try:
                return self._queued.wait_for(lambda: len(self._queue) >= count, timeout)
            finally:
                self._watchers -= 1

    def submit(self, item: T) -> None:
        """Commit ``item`` with whatever else is queued; return once that commit did, or raise."""
        mine = _Submitted(item)
        with self._state:
            self._queue.append(mine)
            if self._watchers:
                self._queued.notify_all()
            follows = self._leading
            if follows:
                mine.wake = threading.Lock()
                mine.wake.acquire()
            else:
                self._leading = True
        if mine.wake is not None:
            try:
                mine.wake.acquire()
            except BaseException:  # interrupted while waiting: must not strand the lead
                self._withdraw(mine)
                raise
        if not mine.finished:  # no commit was in flight, or the last leader handed over
            self._lead(mine)
            if mine.error is not None:
                raise mine.error
            return
        if mine.error is not None:
            raise _twin(mine.error, mine.traceback)

    def _withdraw(self, mine: _Submitted[T]) -> None:
        """Take back an item whose submitter stopped waiting, passing on a lead handed to it."""
        wake = mine.wake
        assert wake is not None
        with self._state:
            if mine.finished or mine not in self._queue:  # committed, or in a commit in flight
                return
            self._queue.remove(mine)
            if wake.acquire(blocking=False):  # released while not finished: it was handed the lead
                if self._queue:
                    successor = self._queue[0].wake
                    assert successor is not None
                    successor.release()
                else:
                    self._leading = False

    def _lead(self, mine: _Submitted[T]) -> None:
        group: list[_Submitted[T]] = []
        error: BaseException | None = None
        try:
            with self._lock:
                with self._state:
                    group, self._queue = self._queue, []
                    self._commits += 1
                self._commit([submitted.item for submitted in group])
            if self._after is not None:
                self._after()
        except BaseException as exc:
            error = exc
        finally:
            with self._state:
                if not group:  # failed before taking the queue (waiting for the lock): alone
                    self._queue.remove(mine)
                    group = [mine]
                if self._queue:
                    successor = self._queue[0].wake
                    assert successor is not None  # queued while a commit was in flight
                    successor.release()
                else:
                    self._leading = False
            traceback = None if error is None else error.__traceback__
            for submitted in group:
                submitted.error = error
                submitted.traceback = traceback
                submitted.finished = True
                if submitted is not mine and submitted.wake is not None:
                    submitted.wake.release()


def _twin(error: BaseException, traceback: TracebackType | None) -> BaseException:
    """What a submitter carried by a failed commit raises: a copy of the leader's exception."""
    if isinstance(error, Exception):
        try:
            twin = copy.copy(error)
        except Exception:  # an exception class that cannot be rebuilt from its args
            twin = None
        if twin is not None and type(twin) is type(error):
            twin.__cause__ = error.__cause__
            twin.__context__ = error.__context__
            twin.__suppress_context__ = error.__suppress_context__
            return twin.with_traceback(traceback)
    failed = RuntimeError(f"the shared commit that carried this write failed: {type(error).__name__}")
    failed.__cause__ = error
    return failed
