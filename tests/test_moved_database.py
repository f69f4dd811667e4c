"""A SQLite file moved away while the app runs: 503, never an acknowledgement into a lost file.

A file deleted or renamed stays writable through the connections that hold it
open, and so does the old file once another is moved over its path: before the
check, puts answered 202 and claims 200 into a file no worker, other process or
restart would read. Real files in ``tmp_path``, a real Receiver; nothing is
mocked and nothing sleeps. A move "at commit" is made from SQLite's own trace
callback, when the ``COMMIT`` statement starts.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from webhook_receiver import Event, Receiver, SQLiteInbox, SQLiteStore, Worker, providers

T = TypeVar("T")
Opener = Callable[[Path], SQLiteInbox | SQLiteStore]
Move = Callable[[Path, Opener], Callable[[], None]]

HEADERS = {"Content-Type": "application/json", "Authorization": "Bearer t"}


def body(n: int) -> bytes:
    return json.dumps(
        {
            "event": "delivery.created",
            "delivery_id": f"d{n}",
            "status": "created",
            "timestamp": "2024-01-01T00:00:00Z",
        }
    ).encode()


def post(receiver: Receiver, n: int) -> Any:
    return receiver.handle("POST", HEADERS, body(n))


def reply_of(reply: Any) -> tuple[int, Any]:
    return reply.status, json.loads(reply.body)


UNAVAILABLE = (503, {"error": "store_unavailable"})


# -- the moves: each prepares what it needs, and returns the move itself -----------------


def deleted(path: Path, opener: Opener) -> Callable[[], None]:
    return lambda: os.remove(path)


def renamed(path: Path, opener: Opener) -> Callable[[], None]:
    return lambda: os.rename(path, path.with_name(path.name + ".moved"))


def replaced(path: Path, opener: Opener) -> Callable[[], None]:
    """Another valid file of the same kind (a restored backup) moved over the path."""
    other = path.with_name("other-" + path.name)
    opener(other).close()
    return lambda: os.replace(other, path)


MOVES = pytest.mark.parametrize("move", [deleted, renamed, replaced], ids=["deleted", "renamed", "replaced"])


def identity(path: Path) -> tuple[int, int] | None:
    """What is at ``path`` now: (st_dev, st_ino), or None."""
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return None
    return found.st_dev, found.st_ino


def in_new_thread(function: Callable[[], T]) -> T:
    """``function()`` in a thread of its own (so with a new SQLite connection)."""
    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(function())
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return results[0]


def open_inbox(path: Path) -> SQLiteInbox:
    return SQLiteInbox(path, durability="process")


@pytest.fixture
def inbox_path(tmp_path: Path) -> Path:
    return tmp_path / "inbox.sqlite3"


@pytest.fixture
def inbox(inbox_path: Path) -> Iterator[SQLiteInbox]:
    opened = open_inbox(inbox_path)
    yield opened
    opened.close()


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "events.db"


@pytest.fixture
def store(store_path: Path) -> Iterator[SQLiteStore]:
    opened = SQLiteStore(store_path)
    yield opened
    opened.close()


def deferred(inbox: SQLiteInbox) -> tuple[Receiver, list[Event]]:
    receiver = Receiver(providers.create("kourier", token="t"), inbox=inbox)
    ran: list[Event] = []
    receiver.on_any(ran.append)
    return receiver, ran


def idempotent(store: SQLiteStore) -> tuple[Receiver, list[Event]]:
    receiver = Receiver(providers.create("kourier", token="t"), store=store)
    ran: list[Event] = []
    receiver.on_any(ran.append)
    return receiver, ran


class MovedAtCommit:
    """Makes a move once, from SQLite's trace callback, when the next ``COMMIT`` starts."""

    def __init__(self) -> None:
        self._move: Callable[[], None] | None = None
        self.moved = False

    def arm(self, move: Callable[[], None]) -> None:
        self._move = move

    def trace(self, statement: str) -> None:
        if statement == "COMMIT" and self._move is not None:
            move, self._move = self._move, None
            move()
            self.moved = True


class InboxMovedAtCommit(SQLiteInbox):
    def __init__(self, path: Path) -> None:
        self.at_commit = MovedAtCommit()
        super().__init__(path, durability="process")

    def _connect(self) -> sqlite3.Connection:
        connection = super()._connect()
        connection.set_trace_callback(self.at_commit.trace)
        return connection


class StoreMovedAtCommit(SQLiteStore):
    def __init__(self, path: Path) -> None:
        self.at_commit = MovedAtCommit()
        super().__init__(path)

    def _connect(self) -> sqlite3.Connection:
        connection = super()._connect()
        connection.set_trace_callback(self.at_commit.trace)
        return connection


# -- the inbox -------------------------------------------------------------------------


@MOVES
def test_a_put_into_a_moved_inbox_answers_503_never_202(
    inbox: SQLiteInbox, inbox_path: Path, move: Move
) -> None:
    receiver, _ = deferred(inbox)
    assert post(receiver, 1).status == 202
    move(inbox_path, open_inbox)()
    assert reply_of(post(receiver, 2)) == UNAVAILABLE
    assert reply_of(post(receiver, 3)) == UNAVAILABLE  # and it stays so


@MOVES
def test_a_put_whose_file_moves_during_its_commit_answers_503(inbox_path: Path, move: Move) -> None:
    inbox = InboxMovedAtCommit(inbox_path)
    receiver, _ = deferred(inbox)
    assert post(receiver, 1).status == 202
    inbox.at_commit.arm(move(inbox_path, open_inbox))
    # The check before the put passes; the commit lands in the file just moved away.
    assert reply_of(post(receiver, 2)) == UNAVAILABLE
    assert inbox.at_commit.moved  # the move did happen at the commit
    inbox.close()


@MOVES
def test_a_put_from_a_new_thread_after_the_move_is_refused_and_creates_no_file(
    inbox: SQLiteInbox, inbox_path: Path, move: Move
) -> None:
    receiver, _ = deferred(inbox)
    assert post(receiver, 1).status == 202
    move(inbox_path, open_inbox)()
    left = identity(inbox_path)
    assert reply_of(in_new_thread(lambda: post(receiver, 2))) == UNAVAILABLE
    assert identity(inbox_path) == left  # no new empty file opened (or created) at the path


@MOVES
def test_the_workers_take_on_a_moved_inbox_fails_loudly_and_runs_nothing(
    inbox: SQLiteInbox, inbox_path: Path, move: Move
) -> None:
    receiver, ran = deferred(inbox)
    assert post(receiver, 1).status == 202
    move(inbox_path, open_inbox)()
    with pytest.raises(OSError, match=re.escape(str(inbox_path))):  # the error names the file
        Worker(inbox).run_once()
    assert ran == []


@MOVES
def test_a_done_event_is_not_recorded_in_an_inbox_moved_while_it_ran(
    inbox: SQLiteInbox, inbox_path: Path, move: Move, caplog: pytest.LogCaptureFixture
) -> None:
    receiver, ran = deferred(inbox)
    assert post(receiver, 1).status == 202
    moving = move(inbox_path, open_inbox)
    receiver.on_any(lambda event: moving())
    with caplog.at_level(logging.ERROR, "webhook_receiver"):
        Worker(inbox).run_once(limit=1)  # one take: the next one would fail (the test above)
    assert len(ran) == 1
    assert "could not record the outcome of inbox event" in caplog.text


def test_a_put_is_accepted_again_once_the_same_file_is_back(inbox: SQLiteInbox, inbox_path: Path) -> None:
    receiver, _ = deferred(inbox)
    away = inbox_path.with_name("away.sqlite3")
    os.rename(inbox_path, away)
    assert reply_of(post(receiver, 1)) == UNAVAILABLE
    os.rename(away, inbox_path)  # the very file the inbox opened
    reply = post(receiver, 2)
    assert reply.status == 202
    assert [record.key for record in inbox.list()] == [receiver.event_key(reply.events[0])]


# -- the idempotency store -------------------------------------------------------------


@MOVES
def test_a_claim_in_a_moved_store_answers_503_and_runs_nothing(
    store: SQLiteStore, store_path: Path, move: Move
) -> None:
    receiver, ran = idempotent(store)
    assert post(receiver, 1).status == 200
    move(store_path, SQLiteStore)()
    assert reply_of(post(receiver, 2)) == UNAVAILABLE
    assert reply_of(post(receiver, 1)) == UNAVAILABLE  # a duplicate, too: not a 200 from the old file
    assert len(ran) == 1


@MOVES
def test_a_claim_whose_file_moves_during_its_commit_answers_503_and_runs_nothing(
    store_path: Path, move: Move
) -> None:
    store = StoreMovedAtCommit(store_path)
    receiver, ran = idempotent(store)
    store.at_commit.arm(move(store_path, SQLiteStore))
    assert reply_of(post(receiver, 1)) == UNAVAILABLE
    assert store.at_commit.moved
    assert ran == []
    store.close()


@MOVES
def test_a_completion_in_a_store_moved_while_the_handlers_ran_answers_503_never_200(
    store: SQLiteStore, store_path: Path, move: Move
) -> None:
    receiver, ran = idempotent(store)
    moving = move(store_path, SQLiteStore)
    receiver.on_any(lambda event: moving())
    # The handlers ran, but "done" went to a file no longer at the path: the sender must retry.
    assert reply_of(post(receiver, 1)) == UNAVAILABLE
    assert len(ran) == 1


@MOVES
def test_a_claim_from_a_new_thread_after_the_move_is_refused_and_creates_no_file(
    store: SQLiteStore, store_path: Path, move: Move
) -> None:
    receiver, ran = idempotent(store)
    assert post(receiver, 1).status == 200
    move(store_path, SQLiteStore)()
    left = identity(store_path)
    assert reply_of(in_new_thread(lambda: post(receiver, 2))) == UNAVAILABLE
    assert identity(store_path) == left
    assert len(ran) == 1


# -- a file: URI -----------------------------------------------------------------------


@pytest.mark.parametrize("opener", [SQLiteInbox, SQLiteStore], ids=["SQLiteInbox", "SQLiteStore"])
def test_a_file_uri_is_checked_too(
    tmp_path: Path, opener: Callable[[str], SQLiteInbox | SQLiteStore]
) -> None:
    path = tmp_path / "by-uri.sqlite3"
    opened = opener(path.as_uri())  # SQLite opens file: names as URIs here (SQLITE_USE_URI)
    if not path.exists():
        opened.close()
        pytest.skip("this SQLite does not open file: names as URIs")
    if isinstance(opened, SQLiteInbox):
        receiver, _ = deferred(opened)
        accepted = 202
    else:
        receiver, _ = idempotent(opened)
        accepted = 200
    assert post(receiver, 1).status == accepted
    os.remove(path)
    assert reply_of(post(receiver, 2)) == UNAVAILABLE
    opened.close()
