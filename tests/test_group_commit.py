"""Group commit: concurrent puts of one process share a transaction, and each returns after it.

Real threads and a real SQLite file. Commits are counted with SQLite's own trace
callback (each ``COMMIT`` statement a put's transaction runs), which can also hold a
commit at its start (the next puts then queue behind it) or move the file away
right then. Nothing sleeps: threads wait on events, and the tests wait on
``GroupCommit.wait_until_queued`` for puts to queue behind a commit in flight.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from webhook_receiver import DatabaseMoved, InboxEntry, InboxState, Receiver, SQLiteInbox, providers
from webhook_receiver.delivery import inbox as inbox_module
from webhook_receiver.delivery._sqlite import GroupCommit, _Submitted

NOW = 1_700_000_000.0
WAIT = 30.0  # a bound on every wait, so that a bug fails the test instead of hanging it
TOKEN = "group-commit-token"


HEADERS = {"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"}


def delivery(n: int) -> bytes:
    """A Kourier event's body."""
    return json.dumps(
        {
            "event": "delivery.created",
            "delivery_id": f"d{n}",
            "status": "created",
            "timestamp": "2024-01-01T00:00:00Z",
        }
    ).encode()


def entry(key: str, payload: str = "{}", *, at: float = NOW) -> InboxEntry:
    return InboxEntry(key, "ns", "t", payload, (("X-Seen", "1"),), at)


def stored(path: Path) -> dict[str, str]:
    """Key -> payload, as another connection sees the file: only what was committed."""
    with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as other:  # never creates it
        return dict(other.execute("SELECT key, payload FROM webhook_inbox").fetchall())


class TracedInbox(SQLiteInbox):
    """Counts the put transactions' commits; ``at_commit[n]`` runs when the n-th one starts."""

    def __init__(self, path: Path, **options: Any) -> None:
        self.commits = 0
        self.at_commit: dict[int, Callable[[], None]] = {}
        self._counting = threading.Lock()
        super().__init__(path, **options)

    def _connect(self) -> sqlite3.Connection:
        connection = super()._connect()
        connection.set_trace_callback(self._trace)
        return connection

    def _trace(self, statement: str) -> None:
        if statement != "COMMIT":
            return
        with self._counting:
            self.commits += 1
            action = self.at_commit.pop(self.commits, None)
        if action is not None:
            action()

    @property
    def batcher(self) -> GroupCommit[Any]:
        group = self._group_commit
        assert group is not None
        return group


class Hold:
    """An ``at_commit`` action: the commit waits, started, until :meth:`release`."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self._released = threading.Event()

    def __call__(self) -> None:
        self.started.set()
        self._released.wait(WAIT)

    def release(self) -> None:
        self._released.set()


class Call:
    """``function()`` in a thread of its own; :meth:`result` joins it and returns or raises."""

    def __init__(self, function: Callable[[], Any]) -> None:
        self._value: Any = None
        self.error: BaseException | None = None

        def run() -> None:
            try:
                self._value = function()
            except BaseException as exc:
                self.error = exc

        self._thread = threading.Thread(target=run)
        self._thread.start()

    def join(self) -> Call:
        self._thread.join(WAIT)
        assert not self._thread.is_alive(), "the call did not return"
        return self

    def result(self) -> Any:
        self.join()
        if self.error is not None:
            raise self.error
        return self._value


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "inbox.sqlite3"


@pytest.fixture
def inbox(path: Path) -> Iterator[TracedInbox]:
    opened = TracedInbox(path)
    yield opened
    opened.close()


def put_and_read_back(inbox: SQLiteInbox, path: Path, *entries: InboxEntry) -> dict[str, str]:
    """Put ``entries``; what another connection sees right after the put returned."""
    inbox.put(list(entries))
    return stored(path)


def held_first_commit(
    inbox: TracedInbox, path: Path, first: InboxEntry, *, read_back: bool = True
) -> tuple[Hold, Call]:
    """A put of ``first`` whose commit has started and waits: the next puts queue behind it."""
    hold = Hold()
    inbox.at_commit[inbox.commits + 1] = hold
    call = Call(lambda: put_and_read_back(inbox, path, first) if read_back else inbox.put([first]))
    assert hold.started.wait(WAIT)
    return hold, call


def queue_puts(inbox: TracedInbox, path: Path, *entries: InboxEntry) -> list[Call]:
    """One put per entry, each from its own thread, queued in this order behind the commit held."""
    calls = []
    for n, queued in enumerate(entries, start=1):
        calls.append(Call(lambda queued=queued: put_and_read_back(inbox, path, queued)))  # type: ignore[misc]
        assert inbox.batcher.wait_until_queued(n, WAIT)
    return calls


# -- one commit for many puts ------------------------------------------------------------


@pytest.mark.parametrize("group_commit", [True, False])
def test_a_lone_put_is_one_commit_and_committed_when_it_returns(path: Path, group_commit: bool) -> None:
    inbox = TracedInbox(path, group_commit=group_commit)
    assert put_and_read_back(inbox, path, entry("a", "1"), entry("b", "2")) == {"a": "1", "b": "2"}
    assert inbox.commits == 1
    assert put_and_read_back(inbox, path, entry("c"))["c"] == "{}"
    assert inbox.commits == 2
    inbox.close()


def test_puts_queued_behind_a_commit_share_the_next_one(inbox: TracedInbox, path: Path) -> None:
    hold, first = held_first_commit(inbox, path, entry("first"))
    later = queue_puts(inbox, path, *(entry(f"k{n}") for n in range(8)))
    assert "k0" not in stored(path)  # nothing of theirs is committed while they wait
    hold.release()
    assert "first" in first.result()
    for n, call in enumerate(later):
        assert f"k{n}" in call.result()  # committed by the time its put returned
    assert inbox.commits == 2  # nine puts: the held one, then one for the eight queued
    assert inbox.batcher.commits == 2
    assert len(stored(path)) == 9


def test_without_group_commit_each_put_commits_alone(path: Path) -> None:
    inbox = TracedInbox(path, group_commit=False)
    hold = Hold()
    inbox.at_commit[1] = hold
    first = Call(lambda: inbox.put([entry("first")]))
    assert hold.started.wait(WAIT)
    later = [Call(lambda n=n: inbox.put([entry(f"k{n}")])) for n in range(4)]  # type: ignore[misc]
    hold.release()
    for call in [first, *later]:
        call.result()
    assert inbox.commits == 5
    inbox.close()


@pytest.mark.parametrize("group_commit", [True, False])
def test_many_threads_putting_at_once(path: Path, group_commit: bool) -> None:
    # Sixteen threads released together, twenty puts each, fsync on every commit: with
    # group commit, the threads that arrive during a commit share the next one.
    inbox = TracedInbox(path, durability="machine", group_commit=group_commit)
    threads, puts = 16, 20
    start = threading.Barrier(threads)
    missing: list[str] = []

    def putter(thread: int) -> None:
        start.wait(WAIT)
        for n in range(puts):
            key = f"t{thread}-{n}"
            inbox.put([entry(key)])
            if key not in stored(path):
                missing.append(key)

    calls = [Call(lambda t=t: putter(t)) for t in range(threads)]  # type: ignore[misc]
    for call in calls:
        call.result()
    assert missing == []
    assert len(stored(path)) == threads * puts
    if group_commit:
        assert inbox.commits < threads * puts
        assert inbox.batcher.commits == inbox.commits
    else:
        assert inbox.commits == threads * puts
    assert inbox.counts()[InboxState.PENDING] == threads * puts
    inbox.close()


def test_concurrent_async_requests_share_commits_through_their_worker_threads(
    inbox: TracedInbox, path: Path
) -> None:
    # Under ASGI a deferred receiver runs put in the loop's default executor.
    receiver = Receiver(providers.create("kourier", token=TOKEN), inbox=inbox)
    hold = Hold()
    inbox.at_commit[1] = hold

    async def main() -> list[int]:
        asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(8))
        first = asyncio.ensure_future(receiver.handle_async("POST", HEADERS, delivery(0)))
        assert await asyncio.to_thread(hold.started.wait, WAIT)
        later = [
            asyncio.ensure_future(receiver.handle_async("POST", HEADERS, delivery(n))) for n in range(1, 6)
        ]
        assert await asyncio.to_thread(inbox.batcher.wait_until_queued, 5, WAIT)
        hold.release()
        return [reply.status for reply in await asyncio.gather(first, *later)]

    assert asyncio.run(main()) == [202] * 6
    assert inbox.commits == 2
    assert inbox.counts()[InboxState.PENDING] == 6


# -- a failed commit fails every put it carried, and no other ------------------------------


def test_an_error_in_the_shared_commit_raises_in_each_of_its_puts_and_no_other(
    inbox: TracedInbox, path: Path
) -> None:
    with sqlite3.connect(path) as other:  # a real SQLite error, raised inside the transaction
        other.execute(
            "CREATE TRIGGER poison BEFORE INSERT ON webhook_inbox WHEN NEW.key = 'poison' "
            "BEGIN SELECT RAISE(ABORT, 'poisoned entry'); END"
        )
    hold, first = held_first_commit(inbox, path, entry("before"))
    group = queue_puts(inbox, path, entry("innocent-1"), entry("poison"), entry("innocent-2"))
    hold.release()
    assert "before" in first.result()
    errors = [call.join().error for call in group]
    assert all(isinstance(error, sqlite3.IntegrityError) for error in errors), errors
    assert {str(error) for error in errors} == {"poisoned entry"}
    assert len({id(error) for error in errors}) == 3  # each thread raises its own copy
    assert (inbox.batcher.commits, inbox.commits) == (2, 1)  # two transactions, one rolled back
    # Rolled back together; the puts before and after are unaffected.
    assert "after" in put_and_read_back(inbox, path, entry("after"))
    assert set(stored(path)) == {"before", "after"}


def test_a_file_moved_during_a_shared_commit_answers_503_to_each_of_its_requests(
    inbox: TracedInbox, path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    receiver = Receiver(providers.create("kourier", token=TOKEN), inbox=inbox)

    def request(n: int) -> Callable[[], int]:
        return lambda: receiver.handle("POST", HEADERS, delivery(n)).status

    away = path.with_name("away.sqlite3")
    inbox.at_commit[2] = lambda: os.rename(path, away)
    hold = Hold()
    inbox.at_commit[1] = hold
    first = Call(request(1))
    assert hold.started.wait(WAIT)
    group = []
    for n in range(2, 6):
        group.append(Call(request(n)))
        assert inbox.batcher.wait_until_queued(n - 1, WAIT)
    hold.release()
    assert first.result() == 202
    assert [call.result() for call in group] == [503] * 4
    assert inbox.commits == 2
    os.rename(away, path)  # the very file: accepted again
    assert Call(request(6)).result() == 202
    assert "could not store kourier events in the inbox" in caplog.text


def test_a_move_reported_to_each_put_of_the_group(inbox: TracedInbox, path: Path) -> None:
    inbox.at_commit[2] = lambda: os.remove(path)
    hold, first = held_first_commit(inbox, path, entry("before"), read_back=False)
    group = queue_puts(inbox, path, entry("a"), entry("b"))
    hold.release()
    first.result()
    errors = [call.join().error for call in group]
    assert all(isinstance(error, DatabaseMoved) and error.reason == "missing" for error in errors), errors
    with pytest.raises(DatabaseMoved):
        inbox.put([entry("c")])


# -- duplicates: as if the puts had committed one after the other ---------------------------


def test_the_first_entry_of_a_key_wins_within_a_group(inbox: TracedInbox, path: Path) -> None:
    hold, first = held_first_commit(inbox, path, entry("other"))
    group = queue_puts(inbox, path, entry("k", "first"), entry("k", "second"), entry("j", "only"))
    hold.release()
    first.result()
    for call in group:
        call.result()
    assert inbox.commits == 2
    assert stored(path) == {"other": "{}", "k": "first", "j": "only"}


def test_a_key_already_stored_is_left_alone_by_a_later_group(inbox: TracedInbox, path: Path) -> None:
    hold, first = held_first_commit(inbox, path, entry("k", "stored"))
    group = queue_puts(inbox, path, entry("k", "again"), entry("j", "new"))
    hold.release()
    first.result()
    for call in group:
        call.result()
    assert stored(path) == {"k": "stored", "j": "new"}
    [record] = inbox.list(state="pending", limit=1)
    assert (record.key, record.payload, record.attempts) == ("k", "stored", 0)


def test_a_done_key_past_its_ttl_is_stored_again_once_per_group(path: Path) -> None:
    inbox = TracedInbox(path, ttl=60)
    inbox.put([entry("k", "old")])
    [taken] = inbox.take(["ns"], limit=1, lease=30, now=NOW, max_attempts=3)
    assert inbox.complete(taken, now=NOW)
    later = NOW + 60
    hold, first = held_first_commit(inbox, path, entry("other", at=later))
    group = queue_puts(inbox, path, entry("k", "new-1", at=later), entry("k", "new-2", at=later))
    hold.release()
    first.result()
    for call in group:
        call.result()
    record = inbox.get("k")
    assert record is not None
    assert (record.state, record.payload, record.received_at) == (InboxState.PENDING, "new-1", later)
    inbox.close()


# -- the purge every N puts -----------------------------------------------------------------


def test_the_purge_counts_puts_not_commits(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Every 5th put purges done events past the ttl: puts 1-2 alone, put 3 held, puts
    # 4-6 in one commit, which is the 6th put (and only the 4th commit).
    monkeypatch.setattr(inbox_module, "_PURGE_EVERY", 5)
    inbox = TracedInbox(path, ttl=60)
    inbox.put([entry("done-long-ago")])
    [taken] = inbox.take(["ns"], limit=1, lease=30, now=NOW, max_attempts=3)
    assert inbox.complete(taken, now=NOW)
    later = NOW + 61
    assert "done-long-ago" in put_and_read_back(inbox, path, entry("a", at=later))
    hold, first = held_first_commit(inbox, path, entry("b", at=later))
    group = queue_puts(inbox, path, *(entry(key, at=later) for key in "cde"))
    hold.release()
    first.result()
    for call in group:
        call.result()
    assert set(stored(path)) == {"a", "b", "c", "d", "e"}
    inbox.close()


# -- GroupCommit itself ---------------------------------------------------------------------


class GateLock:
    """A lock whose first entry waits for :meth:`open`, then fails (a leader interrupted there)."""

    def __init__(self) -> None:
        self.waiting = threading.Event()
        self._open = threading.Event()
        self._failed = False
        self._lock = threading.Lock()

    def open(self) -> None:
        self._open.set()

    def __enter__(self) -> None:
        if not self._failed:
            self._failed = True
            self.waiting.set()
            self._open.wait(WAIT)
            raise TimeoutError("gave up waiting for the lock")
        self._lock.acquire()

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


def test_a_leader_failing_before_it_took_the_queue_fails_alone_and_hands_over() -> None:
    lock = GateLock()
    committed: list[list[str]] = []
    group: GroupCommit[str] = GroupCommit(committed.append, lock=lock)
    leader = Call(lambda: group.submit("a"))
    assert lock.waiting.wait(WAIT)
    followers = [Call(lambda: group.submit("b")), Call(lambda: group.submit("c"))]
    assert group.wait_until_queued(3, WAIT)  # the leader's own item is still queued
    lock.open()
    assert isinstance(leader.join().error, TimeoutError)
    for call in followers:
        call.result()
    assert committed == [["b", "c"]]
    assert (group.commits, group.queued) == (1, 0)
    group.submit("d")  # and a lone submit afterwards leads at once
    assert committed == [["b", "c"], ["d"]]


class Unrebuildable(Exception):
    def __init__(self, code: int, detail: str) -> None:
        super().__init__(f"{code}: {detail}")


@pytest.mark.parametrize(
    ("raised", "followers_get"),
    [
        (OSError(28, "No space left on device"), OSError),
        (Unrebuildable(5, "cannot be copied"), RuntimeError),
        (KeyboardInterrupt(), RuntimeError),
    ],
    ids=["copied", "not-copyable", "interrupt"],
)
def test_followers_raise_their_own_exception_for_the_leaders(
    raised: BaseException, followers_get: type[BaseException]
) -> None:
    started, release = threading.Event(), threading.Event()

    def commit(items: list[str]) -> None:
        if items == ["lead"]:
            started.set()
            release.wait(WAIT)
            return
        raise raised

    group: GroupCommit[str] = GroupCommit(commit, lock=threading.Lock())
    first = Call(lambda: group.submit("lead"))
    assert started.wait(WAIT)
    calls = []
    for n in range(3):
        calls.append(Call(lambda n=n: group.submit(f"f{n}")))  # type: ignore[misc]
        assert group.wait_until_queued(n + 1, WAIT)
    release.set()
    first.result()
    errors = [call.join().error for call in calls]
    # The oldest queued led the failed commit and raises the exception itself.
    assert errors[0] is raised
    for error in errors[1:]:
        assert type(error) is followers_get and error is not raised
        if followers_get is RuntimeError:
            assert error.__cause__ is raised
        else:
            assert error.args == raised.args and error.__traceback__ is not None


def waiting_item(name: str, *, handed_the_lead: bool = False) -> _Submitted[str]:
    """An item whose submitter waits on its wake lock (released: a leader handed it the lead)."""
    item = _Submitted(name)
    item.wake = threading.Lock()
    if not handed_the_lead:
        item.wake.acquire()
    return item


# An interrupt (KeyboardInterrupt, a signal handler raising) can stop a submitter while
# it waits for its wake lock; _withdraw then takes its item back. Interrupting a thread at
# exactly that point cannot be arranged without a race, so these two set the state up.


def test_a_submitter_that_stopped_waiting_leaves_the_queue() -> None:
    group: GroupCommit[str] = GroupCommit(lambda items: None, lock=threading.Lock())
    gone, next_one = waiting_item("b"), waiting_item("c")
    group._queue, group._leading = [gone, next_one], True  # a commit is in flight
    group._withdraw(gone)
    assert group.queued == 1
    assert not next_one.wake.acquire(blocking=False)  # type: ignore[union-attr]  # still waits its turn
    assert group._leading


def test_a_lead_handed_to_a_submitter_that_stopped_waiting_passes_to_the_next() -> None:
    group: GroupCommit[str] = GroupCommit(lambda items: None, lock=threading.Lock())
    gone, next_one = waiting_item("b", handed_the_lead=True), waiting_item("c")
    group._queue, group._leading = [gone, next_one], True
    group._withdraw(gone)
    assert next_one.wake.acquire(blocking=False)  # type: ignore[union-attr]  # "c" leads now
    assert group.queued == 1
    group._queue = []
    group._withdraw(next_one)  # committed meanwhile: nothing to do
    assert group._leading
    alone = waiting_item("d", handed_the_lead=True)
    group._queue = [alone]
    group._withdraw(alone)  # handed the lead with no one behind: no commit in flight any more
    assert not group._leading
