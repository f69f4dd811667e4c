"""Deferred mode: the receiver stores and answers, the inbox keeps, the worker runs.

Time is a FrozenClock injected into the provider (the receiver's "now") and the
worker; nothing here sleeps.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from webhook_receiver import (
    ConfigurationError,
    Event,
    InboxEntry,
    InboxState,
    MemoryStore,
    Receiver,
    RetryPolicy,
    SQLiteInbox,
    Worker,
    providers,
)
from webhook_receiver.providers import Provider, courier, kourier
from webhook_receiver.testing import DEMO_OPTIONS, FrozenClock, samples, sign, signed_request

START = 1_700_000_000.0


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture(params=["sqlite", "postgres"])
def make_inbox(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """Opens a durable inbox on each back end: an SQLite file, a real PostgreSQL server.

    Each call opens another object on the same file or table (another process's view).
    """
    opened: list[Any] = []
    if request.param == "sqlite":

        def make(**options: Any) -> Any:
            opened.append(SQLiteInbox(tmp_path / "inbox.sqlite3", **options))
            return opened[-1]

    else:
        from webhook_receiver.postgres import PostgresInbox

        from .conftest import postgres_table

        url, table = request.getfixturevalue("postgres_url"), postgres_table()
        schema = PostgresInbox(url, table=table)
        schema.create_schema()
        schema.close()

        def make(**options: Any) -> Any:
            opened.append(PostgresInbox(url, table=table, **options))
            return opened[-1]

    yield make
    for each in opened:
        each.close()


@pytest.fixture
def inbox(make_inbox: Callable[..., Any]) -> Any:
    return make_inbox()


CREDENTIALS = {"secret", "token", "password", "key", "verify_token", "credentials"}
"""The options that hold a credential (a public key, a URL or a topic is not one)."""


def _provider(name: str, clock: FrozenClock) -> Provider:
    """The demo-configured provider, reading ``now`` from ``clock``."""
    return providers.create(name, **DEMO_OPTIONS[name], clock=clock)


def deferred(name: str, inbox: SQLiteInbox, clock: FrozenClock, **options: Any) -> Receiver:
    return Receiver(_provider(name, clock), inbox=inbox, **options)


def post(receiver: Receiver, payload: Any, *, headers: dict[str, str] | None = None) -> Any:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    # signed_request: some providers carry the signature in the body (Mailgun, SNS).
    signature, body = signed_request(receiver.provider, body)
    signed = {"Content-Type": "application/json", **signature, **(headers or {})}
    return receiver.handle("POST", signed, body)


def delivery(n: int, status: str = "in_transit") -> dict[str, Any]:
    return {
        "event": "delivery.updated",
        "delivery_id": f"d{n}",
        "status": status,
        "timestamp": "2024-01-01T00:00:00Z",
    }


def worker(inbox: SQLiteInbox, clock: FrozenClock, **options: Any) -> Worker:
    options.setdefault("retry", RetryPolicy(max_attempts=3, initial=10.0, jitter=False))
    return Worker(inbox, clock=clock, lease=30.0, **options)


# -- the receiver's side -------------------------------------------------------------


def test_deferred_reply_is_202_after_the_event_is_stored_and_no_handler_runs(
    inbox: SQLiteInbox, make_inbox: Callable[..., Any], clock: FrozenClock
) -> None:
    receiver = deferred("kourier", inbox, clock)
    ran: list[Event] = []
    receiver.on_any(ran.append)
    reply = post(receiver, delivery(1))
    assert (reply.status, json.loads(reply.body)) == (202, {"ok": True})
    assert ran == []
    [record] = inbox.list()
    assert (record.state, record.attempts, record.namespace, record.type) == (
        InboxState.PENDING,
        0,
        "kourier",
        "delivery.updated",
    )
    assert record.key == receiver.event_key(reply.events[0])
    assert record.received_at == START
    # The stored event is the request's event; another reader sees it committed.
    assert make_inbox().counts()[InboxState.PENDING] == 1


@pytest.mark.parametrize(
    ("name", "status"), [("courier", 200), ("slack", 200), ("kourier", 202), ("customerio", 202)]
)
def test_accepted_status_is_what_the_provider_documents(
    inbox: SQLiteInbox, clock: FrozenClock, name: str, status: int
) -> None:
    receiver = deferred(name, inbox, clock)
    sample = samples(name)[0]
    reply = post(receiver, sample.body, headers=sample.headers)
    assert reply.status == status


def test_accepted_status_can_be_chosen_and_must_be_2xx(inbox: SQLiteInbox, clock: FrozenClock) -> None:
    assert post(deferred("kourier", inbox, clock, accepted_status=200), delivery(1)).status == 200
    with pytest.raises(ConfigurationError, match="2xx"):
        deferred("kourier", inbox, clock, accepted_status=302)


def test_slack_url_check_is_answered_with_its_challenge_in_deferred_mode(
    inbox: SQLiteInbox, clock: FrozenClock
) -> None:
    receiver = deferred("slack", inbox, clock)
    reply = post(receiver, {"type": "url_verification", "token": "t", "challenge": "c-123"})
    assert (reply.status, json.loads(reply.body)) == (200, {"challenge": "c-123"})


def test_rejected_requests_store_nothing(inbox: SQLiteInbox, clock: FrozenClock) -> None:
    receiver = deferred("courier", inbox, clock)
    body = json.dumps(samples("courier")[0].payload).encode()
    headers = {"Content-Type": "application/json", **sign(receiver.provider, body)}
    assert receiver.handle("POST", headers, body + b" ").status == 401
    stale = {"Content-Type": "application/json", **sign(receiver.provider, body, timestamp=START - 3600)}
    assert receiver.handle("POST", stale, body).status == 401
    assert receiver.handle("POST", headers, b"[not json").status == 401
    assert inbox.counts()[InboxState.PENDING] == 0


def test_duplicates_are_stored_once_and_acknowledged_every_time(
    inbox: SQLiteInbox, clock: FrozenClock
) -> None:
    receiver = deferred("kourier", inbox, clock)
    assert [post(receiver, delivery(1)).status for _ in range(3)] == [202, 202, 202]
    assert len(inbox.list()) == 1


def test_a_batch_becomes_one_entry_per_distinct_event(inbox: SQLiteInbox, clock: FrozenClock) -> None:
    receiver = deferred("customerio", inbox, clock)
    events = [sample.payload for sample in samples("customerio")[:3]]
    reply = post(receiver, [*events, events[0]])
    assert reply.status == 202
    records = inbox.list()
    assert [r.type for r in records] == [e.type for e in reply.events[:3]]
    ran: list[Event] = []
    receiver.on_any(ran.append)
    Worker(inbox, clock=clock).run_once()
    assert [type(e) for e in ran] == [type(e) for e in reply.events[:3]]
    assert ran == list(reply.events[:3])


def test_an_inbox_that_fails_answers_503_and_the_sender_retries(
    tmp_path: Path, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    class BrokenInbox:
        blocking = False

        def put(self, entries: Any) -> None:
            raise sqlite3.OperationalError("disk I/O error")

        def attach(self, receiver: Receiver) -> None:
            pass

    receiver = Receiver(_provider("kourier", clock), inbox=BrokenInbox())
    with caplog.at_level(logging.ERROR, "webhook_receiver"):
        reply = post(receiver, delivery(1))
    assert (reply.status, json.loads(reply.body)) == (503, {"error": "store_unavailable"})
    assert reply.headers["Retry-After"] == "5"
    assert "could not store kourier events in the inbox" in caplog.text


def test_handle_async_stores_in_a_thread_and_answers_the_same(inbox: SQLiteInbox, clock: FrozenClock) -> None:
    receiver = deferred("kourier", inbox, clock)
    body = json.dumps(delivery(7)).encode()
    headers = {"Content-Type": "application/json", **sign(receiver.provider, body)}
    reply = asyncio.run(receiver.handle_async("POST", headers, body))
    assert reply.status == 202
    assert inbox.counts()[InboxState.PENDING] == 1


def test_every_sample_of_every_provider_is_rebuilt_exactly(inbox: SQLiteInbox, clock: FrozenClock) -> None:
    rebuilt = 0
    for sample in samples():
        receiver = Receiver(_provider(sample.provider, clock), inbox=inbox, namespace=f"ns-{rebuilt}")
        reply = post(receiver, sample.body, headers=sample.headers)
        assert reply.ok, (sample.provider, sample.type, reply.body)
        for event in reply.events:
            record = inbox.get(receiver.event_key(event))
            assert record is not None
            again = receiver.rebuild(record.payload, record.headers)
            assert again == event, (sample.provider, sample.type)
            assert type(again) is type(event)
            rebuilt += 1
    assert rebuilt >= len(samples())


def test_no_credential_or_signature_is_stored(tmp_path: Path, clock: FrozenClock) -> None:
    path = tmp_path / "inbox.sqlite3"
    inbox = SQLiteInbox(path, durability="process")
    sent_headers: list[dict[str, str]] = []
    for sample in samples():
        receiver = Receiver(_provider(sample.provider, clock), inbox=inbox, namespace=sample.provider)
        signature, body = signed_request(receiver.provider, sample.body)
        headers = {"Content-Type": "application/json", **sample.headers, **signature}
        assert receiver.handle("POST", headers, body).ok, (sample.provider, sample.type)
        sent_headers.append(headers)
    inbox.close()
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    for options in DEMO_OPTIONS.values():
        for option, value in options.items():
            if option in CREDENTIALS and isinstance(value, str) and len(value) >= 8:
                assert value.encode() not in stored, option
    for headers in sent_headers:
        for name, value in headers.items():
            if name.lower() in {"authorization", "x-signature", "stripe-signature", "x-slack-signature"}:
                assert value.encode() not in stored
    # Courier keeps only the signed time, never the signature.
    courier_records = SQLiteInbox(path).list(namespace="courier")
    assert courier_records and all(r.headers[0][1].startswith("t=") for r in courier_records)
    assert all("signature" not in r.headers[0][1] for r in courier_records)


# -- the worker's side ---------------------------------------------------------------


def test_worker_runs_each_event_once_and_records_it_done(inbox: SQLiteInbox, clock: FrozenClock) -> None:
    receiver = deferred("kourier", inbox, clock)
    ran: list[kourier.DeliveryUpdated] = []
    receiver.on(kourier.DeliveryUpdated)(ran.append)
    for n in range(5):
        post(receiver, delivery(n))
    runner = worker(inbox, clock)
    assert runner.run_once() == 5
    assert [e.delivery_id for e in ran] == [f"d{n}" for n in range(5)]
    assert inbox.counts()[InboxState.DONE] == 5
    assert runner.run_once() == 0
    # A duplicate of a done event is acknowledged and not run again.
    assert post(receiver, delivery(3)).status == 202
    assert runner.run_once() == 0 and len(ran) == 5


def test_a_failure_is_retried_with_exponential_backoff_then_dead(
    inbox: SQLiteInbox, clock: FrozenClock
) -> None:
    receiver = deferred("kourier", inbox, clock)
    calls: list[float] = []

    @receiver.on_any
    def flaky(event: Event) -> None:
        calls.append(clock())
        raise ConnectionError("downstream is down")

    post(receiver, delivery(1))
    runner = worker(inbox, clock, retry=RetryPolicy(max_attempts=3, initial=10.0, factor=3.0, jitter=False))
    assert runner.run_once() == 1
    [record] = inbox.list()
    assert (record.state, record.attempts, record.available_at) == (InboxState.PENDING, 1, START + 10)
    assert record.last_error is not None
    assert record.last_error.endswith("<locals>.flaky: ConnectionError: downstream is down")
    clock.advance(9.9)
    assert runner.run_once() == 0  # not due yet
    clock.advance(0.1)
    assert runner.run_once() == 1
    assert inbox.list()[0].available_at == clock() + 30  # 10 * 3
    clock.advance(30)
    assert runner.run_once() == 1
    [dead] = inbox.list()
    assert (dead.state, dead.attempts, dead.finished_at) == (InboxState.DEAD, 3, clock())
    assert calls == [START, START + 10, START + 40]
    clock.advance(10_000)
    assert runner.run_once() == 0


def test_dead_events_are_listed_and_replayed(inbox: SQLiteInbox, clock: FrozenClock) -> None:
    receiver = deferred("kourier", inbox, clock)
    healthy = {"ok": False}
    ran: list[Event] = []

    @receiver.on_any
    def handler(event: Event) -> None:
        if not healthy["ok"]:
            raise RuntimeError("bug")
        ran.append(event)

    post(receiver, delivery(1))
    post(receiver, delivery(2))
    runner = worker(inbox, clock, retry=RetryPolicy(max_attempts=1))
    runner.run_once()
    assert [r.state for r in inbox.list(state="dead")] == [InboxState.DEAD] * 2
    healthy["ok"] = True  # the bug is fixed: replay
    first = inbox.list(state="dead")[0]
    assert inbox.retry([first.id], now=clock()) == 1
    assert runner.run_once() == 1 and len(ran) == 1
    assert inbox.retry(now=clock()) == 1  # every dead one
    assert runner.run_once() == 1 and len(ran) == 2
    assert inbox.counts()[InboxState.DONE] == 2


def test_an_event_whose_worker_died_is_taken_again_after_the_lease(
    inbox: SQLiteInbox, clock: FrozenClock
) -> None:
    receiver = deferred("kourier", inbox, clock)
    ran: list[Event] = []
    receiver.on_any(ran.append)
    post(receiver, delivery(1))
    # A worker takes it and dies (never completes).
    [lost] = inbox.take(["kourier"], limit=10, lease=30.0, now=clock(), max_attempts=3)
    runner = worker(inbox, clock)
    assert runner.run_once() == 0  # still leased
    clock.advance(30)
    assert runner.run_once() == 1
    assert len(ran) == 1
    [record] = inbox.list()
    assert (record.state, record.attempts) == (InboxState.DONE, 2)
    # The dead worker's late completion cannot overwrite anything.
    assert not inbox.complete(lost, now=clock())
    assert not inbox.fail(lost, "late", retry_at=None, now=clock())


def test_an_event_that_kills_its_worker_every_time_ends_dead(inbox: SQLiteInbox, clock: FrozenClock) -> None:
    receiver = deferred("kourier", inbox, clock)
    post(receiver, delivery(1))
    for _ in range(3):
        assert len(inbox.take(["kourier"], limit=1, lease=5.0, now=clock(), max_attempts=3)) == 1
        clock.advance(5)
    assert inbox.take(["kourier"], limit=1, lease=5.0, now=clock(), max_attempts=3) == []
    [record] = inbox.list()
    assert record.state is InboxState.DEAD
    assert record.last_error == "the worker stopped during each of 3 attempts"


def test_heartbeat_extends_only_the_leases_still_held(inbox: SQLiteInbox, clock: FrozenClock) -> None:
    receiver = deferred("kourier", inbox, clock)
    post(receiver, delivery(1))
    post(receiver, delivery(2))
    first, second = inbox.take(["kourier"], limit=2, lease=10.0, now=clock(), max_attempts=3)
    assert inbox.complete(second, now=clock())
    clock.advance(9)
    assert inbox.extend([first, second], lease=10.0, now=clock()) == 1
    clock.advance(9)  # past the first lease, within the renewed one
    assert inbox.take(["kourier"], limit=2, lease=10.0, now=clock(), max_attempts=3) == []
    assert inbox.release(first)
    assert inbox.list(state="pending")[0].attempts == 0


def test_an_event_that_cannot_be_rebuilt_is_dead_at_once(inbox: SQLiteInbox, clock: FrozenClock) -> None:
    receiver = deferred("customerio", inbox, clock)
    # Two events in one stored payload cannot be one event again.
    inbox.put([InboxEntry("customerio:odd", "customerio", "track", "[{}, {}]", (), clock())])
    worker(inbox, clock).run_once()
    [record] = inbox.list()
    assert record.state is InboxState.DEAD
    assert record.attempts == 1
    assert record.last_error is not None and "rebuild into one event" in record.last_error
    assert receiver.inbox is inbox


def test_events_go_to_the_receiver_of_their_namespace(
    make_inbox: Callable[..., Any], clock: FrozenClock
) -> None:
    inbox = make_inbox()
    first = Receiver(_provider("kourier", clock), inbox=inbox, namespace="kourier-eu")
    second = Receiver(_provider("kourier", clock), inbox=inbox, namespace="kourier-us")
    seen: list[tuple[str, str]] = []
    first.on_any(lambda e: seen.append(("eu", e.payload["delivery_id"])))  # type: ignore[index, call-overload]
    second.on_any(lambda e: seen.append(("us", e.payload["delivery_id"])))  # type: ignore[index, call-overload]
    post(first, delivery(1))
    post(second, delivery(1))  # same event, other namespace: another key
    post(second, delivery(2))
    Worker(inbox, clock=clock).run_once()
    assert sorted(seen) == [("eu", "d1"), ("us", "d1"), ("us", "d2")]
    # A worker only takes the namespaces of receivers attached in its process.
    orphan = make_inbox()
    inbox.put([InboxEntry("other:1", "other", "x", "{}", (), clock())])
    assert Worker(orphan, clock=clock).run_once() == 0
    assert inbox.get("other:1") is not None and inbox.get("other:1").state is InboxState.PENDING  # type: ignore[union-attr]


def test_with_a_store_the_worker_skips_what_is_already_done(inbox: SQLiteInbox, clock: FrozenClock) -> None:
    store = MemoryStore()
    receiver = deferred("kourier", inbox, clock, store=store)
    ran: list[Event] = []
    receiver.on_any(ran.append)
    post(receiver, delivery(1))
    record = inbox.list()[0]
    claim = store.claim(record.key, lease=60, now=clock())
    assert store.complete(record.key, claim.token, ttl=60, now=clock())  # done elsewhere
    worker(inbox, clock).run_once()
    assert ran == []
    assert inbox.list()[0].state is InboxState.DONE


def test_a_done_event_is_forgotten_after_the_ttl(make_inbox: Callable[..., Any], clock: FrozenClock) -> None:
    inbox = make_inbox(ttl=3600)
    receiver = deferred("kourier", inbox, clock)
    ran: list[Event] = []
    receiver.on_any(ran.append)
    post(receiver, delivery(1))
    Worker(inbox, clock=clock).run_once()
    clock.advance(3599)
    post(receiver, delivery(1))
    assert Worker(inbox, clock=clock).run_once() == 0
    clock.advance(1)
    post(receiver, delivery(1))
    assert Worker(inbox, clock=clock).run_once() == 1
    assert len(ran) == 2


def test_purge_removes_only_finished_events(inbox: SQLiteInbox, clock: FrozenClock) -> None:
    receiver = deferred("kourier", inbox, clock)
    receiver.on("delivery.updated")(lambda e: None)
    for n in range(3):
        post(receiver, delivery(n))
    worker(inbox, clock).run_once()
    post(receiver, delivery(9))
    assert inbox.purge("done", before=clock() - 1) == 0
    assert inbox.purge("done") == 3
    with pytest.raises(ConfigurationError, match="only done or dead"):
        inbox.purge("pending")
    assert inbox.counts()[InboxState.PENDING] == 1


def test_retry_policy_delays_grow_cap_and_jitter_within_the_upper_half() -> None:
    import random

    policy = RetryPolicy(initial=1.0, factor=2.0, maximum=10.0, jitter=False)
    assert [policy.delay(n) for n in range(1, 7)] == [1, 2, 4, 8, 10, 10]
    assert policy.delay(10_000) == 10
    jittered = RetryPolicy(initial=8.0, maximum=8.0)
    rng = random.Random(7)
    values = [jittered.delay(1, rng) for _ in range(200)]
    assert all(4.0 <= v <= 8.0 for v in values) and len(set(values)) > 100
    for bad in ({"max_attempts": 0}, {"initial": -1}, {"factor": 0.5}, {"maximum": float("inf")}):
        with pytest.raises(ConfigurationError):
            RetryPolicy(**bad)  # type: ignore[arg-type]


def test_worker_configuration_is_checked(inbox: SQLiteInbox) -> None:
    with pytest.raises(ConfigurationError, match="concurrency"):
        Worker(inbox, concurrency=0)
    with pytest.raises(ConfigurationError, match="SQLiteInbox"):
        Worker(object())  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="durability"):
        SQLiteInbox(":memory:", durability="sometimes")


def test_typed_handlers_get_typed_events_from_the_worker(inbox: SQLiteInbox, clock: FrozenClock) -> None:
    receiver = deferred("courier", inbox, clock)
    got: list[courier.MessageUpdated] = []
    receiver.on(courier.MessageUpdated)(got.append)
    sample = next(s for s in samples("courier") if s.type == "message:updated")
    post(receiver, sample.body)
    Worker(inbox, clock=clock).run_once()
    [event] = got
    assert isinstance(event, courier.MessageUpdated)
    assert event.message.status == "DELIVERED"
    assert event.timestamp is not None


def test_an_event_held_in_the_store_by_another_worker_waits_and_logs_no_rejection(
    inbox: SQLiteInbox, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    store = MemoryStore()
    receiver = deferred("kourier", inbox, clock, store=store)
    ran: list[Event] = []
    receiver.on_any(ran.append)
    post(receiver, delivery(1))
    key = inbox.list()[0].key
    store.claim(key, lease=120, now=clock())  # someone else is running it
    runner = worker(inbox, clock, retry=RetryPolicy(initial=1.0, jitter=False))
    with caplog.at_level(logging.WARNING, "webhook_receiver"):
        runner.run_once()
    [record] = inbox.list()
    assert ran == []
    assert (record.state, record.available_at) == (InboxState.PENDING, clock() + 5)  # max(1, Retry-After)
    assert record.last_error is not None and record.last_error.startswith("in_progress:")
    assert "rejected" not in caplog.text


def test_the_inbox_file_is_readable_by_its_owner_only(tmp_path: Path, clock: FrozenClock) -> None:
    path = tmp_path / "private.sqlite3"
    inbox = SQLiteInbox(path)
    post(deferred("kourier", inbox, clock), delivery(1))
    for file in tmp_path.iterdir():
        assert file.stat().st_mode & 0o077 == 0, file.name
    inbox.close()


# -- an inbox of the user's own -------------------------------------------------------


def test_the_worker_runs_an_inbox_plugged_in_through_the_protocol(clock: FrozenClock) -> None:
    from webhook_receiver import DurableInbox

    from .plugged_inbox import DictInbox

    inbox = DictInbox()
    assert isinstance(inbox, DurableInbox)
    receiver = deferred("kourier", inbox, clock)  # type: ignore[arg-type]
    ran: list[str] = []

    @receiver.on_any
    def handle(event: Event) -> None:
        if event.payload["delivery_id"] == "d2":  # type: ignore[call-overload, index]
            raise RuntimeError("downstream is down")
        ran.append(str(event.payload["delivery_id"]))  # type: ignore[call-overload, index]

    for n in (1, 2, 1):
        assert post(receiver, delivery(n)).status == 202
    runner = worker(inbox, clock)  # type: ignore[arg-type]
    assert runner.run_once() == 2
    assert ran == ["d1"]
    clock.advance(10)
    runner.run_once()
    clock.advance(20)
    runner.run_once()
    assert inbox.counts()[InboxState.DEAD] == 1
    assert inbox.retry(now=clock()) == 1


def test_a_worker_refuses_an_inbox_it_cannot_take_from() -> None:
    class PutOnly:
        blocking = False

        def put(self, entries: Any) -> None:
            pass

    with pytest.raises(ConfigurationError, match="Worker runs a durable inbox"):
        Worker(PutOnly())  # type: ignore[arg-type]


def test_the_trace_context_and_the_oldest_pending_time_are_kept(inbox: Any, clock: FrozenClock) -> None:
    """What the telemetry reads: each event's ``traceparent``, and when the oldest pending one came."""
    assert inbox.oldest_pending() is None
    parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    inbox.put([InboxEntry("k:1", "kourier", "x", "{}", (), START + 5, parent)])
    inbox.put([InboxEntry("k:2", "kourier", "x", "{}", (), START + 9)])
    assert [record.trace_context for record in inbox.list()] == [parent, None]
    assert inbox.oldest_pending() == START + 5
    [taken] = inbox.take(["kourier"], limit=1, lease=30, now=START + 10, max_attempts=3)
    assert taken.record.trace_context == parent
    assert inbox.oldest_pending() == START + 9
