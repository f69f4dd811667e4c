"""Receiver + store: each event processed once from the app's point of view, none lost."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from webhook_receiver import (
    ConfigurationError,
    Event,
    IdempotencyStore,
    MemoryStore,
    Receiver,
    SQLiteStore,
    providers,
)

from . import samples
from .conftest import NOW, SignedRequest

DELIVERY = samples.KOURIER_EVENTS["delivery.updated"]


def counting(receiver: Receiver) -> list[str]:
    calls: list[str] = []
    receiver.on_any(lambda event: calls.append(event.type))
    return calls


def status_and_body(reply: Any) -> tuple[int, Any]:
    return reply.status, json.loads(reply.body)


def test_a_duplicate_of_a_done_event_answers_200_without_running(
    store: IdempotencyStore, signed_request: SignedRequest
) -> None:
    receiver = Receiver(signed_request.provider("kourier"), store=store)
    calls = counting(receiver)
    headers, body = signed_request("kourier", DELIVERY)
    assert receiver.handle("POST", headers, body, now=NOW).status == 200
    duplicate = receiver.handle("POST", headers, body, now=NOW + 30)
    assert status_and_body(duplicate) == (200, {"ok": True})
    assert duplicate.events == ()
    assert calls == ["delivery.updated"]


def test_an_exact_replay_inside_the_tolerance_window_is_harmless(
    store: IdempotencyStore, signed_request: SignedRequest
) -> None:
    receiver = Receiver(signed_request.provider("courier"), store=store)
    calls = counting(receiver)
    headers, body = signed_request("courier", samples.COURIER_MESSAGE_UPDATED)  # signed at NOW
    for offset in (0, 10, 120, 299):  # an attacker replays the captured request
        assert receiver.handle("POST", headers, body, now=NOW + offset).status == 200
    assert calls == ["message:updated"]
    # The next status of the same message is a new event.
    headers, body = signed_request("courier", samples.courier_message("OPENED"))
    assert receiver.handle("POST", headers, body, now=NOW).status == 200
    assert calls == ["message:updated", "message:updated"]


def test_a_duplicate_while_the_first_is_in_progress_gets_409_not_200(
    store: IdempotencyStore, signed_request: SignedRequest
) -> None:
    receiver = Receiver(signed_request.provider("kourier"), store=store, lease=60)
    calls = counting(receiver)
    headers, body = signed_request("kourier", DELIVERY)
    (event,) = receiver.provider.parse(headers, body)
    first = store.claim(receiver.event_key(event), lease=60, now=NOW)  # the first delivery, mid-way
    reply = receiver.handle("POST", headers, body, now=NOW + 10)
    assert status_and_body(reply) == (409, {"error": "in_progress"})
    assert reply.headers["Retry-After"] == "5"  # soon: the first delivery is usually done by then
    assert calls == []
    assert store.complete(receiver.event_key(event), first.token, ttl=3600, now=NOW + 20)
    assert receiver.handle("POST", headers, body, now=NOW + 21).status == 200
    assert calls == []


def test_a_failing_handler_runs_again_on_retry_and_then_never_again(
    store: IdempotencyStore, signed_request: SignedRequest
) -> None:
    receiver = Receiver(signed_request.provider("kourier"), store=store)
    attempts: list[int] = []

    @receiver.on("delivery.updated")
    def flaky(event: Event) -> None:
        attempts.append(len(attempts))
        if len(attempts) == 1:
            raise ConnectionError("the database blinked")

    headers, body = signed_request("kourier", DELIVERY)
    assert receiver.handle("POST", headers, body, now=NOW).status == 500
    assert receiver.handle("POST", headers, body, now=NOW + 60).status == 200
    assert receiver.handle("POST", headers, body, now=NOW + 120).status == 200
    assert attempts == [0, 1]


def test_a_claim_left_by_a_crashed_process_expires_after_the_lease(
    store: IdempotencyStore, signed_request: SignedRequest
) -> None:
    receiver = Receiver(signed_request.provider("kourier"), store=store, lease=30)
    calls = counting(receiver)
    headers, body = signed_request("kourier", DELIVERY)
    (event,) = receiver.provider.parse(headers, body)
    store.claim(receiver.event_key(event), lease=30, now=NOW)  # then the process was killed
    assert receiver.handle("POST", headers, body, now=NOW + 29).status == 409
    assert receiver.handle("POST", headers, body, now=NOW + 31).status == 200
    assert calls == ["delivery.updated"]


def test_a_retried_batch_skips_the_events_already_done(
    store: IdempotencyStore, signed_request: SignedRequest
) -> None:
    receiver = Receiver(signed_request.provider("customerio"), store=store)
    ran: list[str] = []

    @receiver.on("track")
    def track(event: Event) -> None:
        assert isinstance(event.payload, dict)
        user = str(event.payload["userId"])
        ran.append(user)
        if user == "2" and ran.count("2") == 1:
            raise RuntimeError("first try of user 2 fails")

    batch = [
        {"type": "track", "userId": str(i), "event": "Signed Up", "messageId": f"m{i}"} for i in range(4)
    ]
    headers, body = signed_request("customerio", batch)
    assert receiver.handle("POST", headers, body, now=NOW).status == 500
    assert ran == ["0", "1", "2", "3"]
    retry = receiver.handle("POST", headers, body, now=NOW + 60)
    assert retry.status == 200
    assert ran == ["0", "1", "2", "3", "2"]
    assert [e.id for e in retry.events] == ["m2"]


def test_batch_elements_without_ids_are_told_apart_by_payload(signed_request: SignedRequest) -> None:
    receiver = Receiver(signed_request.provider("customerio"), store=MemoryStore())
    calls = counting(receiver)
    headers, body = signed_request("customerio", samples.CUSTOMERIO_BATCH)
    assert receiver.handle("POST", headers, body, now=NOW).status == 200
    assert receiver.handle("POST", headers, body, now=NOW).status == 200
    assert calls == ["track", "track"]


def test_async_handling_with_a_blocking_store(tmp_path: Path, signed_request: SignedRequest) -> None:
    store = SQLiteStore(tmp_path / "events.db")
    receiver = Receiver(signed_request.provider("kourier"), store=store)
    calls: list[str] = []

    @receiver.on("delivery.updated")
    async def handler(event: Event) -> None:
        calls.append(event.type)

    headers, body = signed_request("kourier", DELIVERY)

    async def twice() -> list[int]:
        first = await receiver.handle_async("POST", headers, body, now=NOW)
        second = await receiver.handle_async("POST", headers, body, now=NOW + 1)
        return [first.status, second.status]

    assert asyncio.run(twice()) == [200, 200]
    assert calls == ["delivery.updated"]
    store.close()


class TestStoreFailures:
    def test_a_locked_sqlite_file_answers_503_and_runs_nothing(
        self, tmp_path: Path, signed_request: SignedRequest
    ) -> None:
        path = tmp_path / "events.db"
        store = SQLiteStore(path, timeout=0.05)
        receiver = Receiver(signed_request.provider("kourier"), store=store)
        calls = counting(receiver)
        locker = sqlite3.connect(path, isolation_level=None)
        locker.execute("BEGIN EXCLUSIVE")
        try:
            reply = receiver.handle("POST", *signed_request("kourier", DELIVERY), now=NOW)
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        assert status_and_body(reply) == (503, {"error": "store_unavailable"})
        assert reply.headers["Retry-After"] == "5"
        assert calls == []
        assert receiver.handle("POST", *signed_request("kourier", DELIVERY), now=NOW).status == 200
        store.close()

    def test_a_full_sqlite_disk_answers_503_and_the_retry_runs_once_space_is_back(
        self, tmp_path: Path, signed_request: SignedRequest
    ) -> None:
        class FullDisk(SQLiteStore):
            """Each connection may not grow the file past its size now: SQLITE_FULL, as on a full disk."""

            full = True

            def _connect(self) -> sqlite3.Connection:
                connection = super()._connect()
                pages = connection.execute("PRAGMA page_count").fetchone()[0]
                connection.execute(f"PRAGMA max_page_count = {pages if self.full else 1_000_000}")
                return connection

        SQLiteStore(tmp_path / "events.db").close()  # the file and its table exist; then the disk fills
        store = FullDisk(tmp_path / "events.db")
        receiver = Receiver(signed_request.provider("customerio"), store=store)
        calls = counting(receiver)
        batch = [
            {"type": "track", "userId": str(i), "event": "E" * 200, "messageId": f"m{i}"} for i in range(60)
        ]
        headers, body = signed_request("customerio", batch)
        reply = receiver.handle("POST", headers, body, now=NOW)
        assert status_and_body(reply) == (503, {"error": "store_unavailable"})
        assert calls == []  # claiming failed part-way: nothing ran, the claims taken were given back
        FullDisk.full = False
        store.close()
        store = FullDisk(tmp_path / "events.db")
        receiver = Receiver(signed_request.provider("customerio"), store=store)
        calls = counting(receiver)
        assert receiver.handle("POST", headers, body, now=NOW + 1).status == 200
        assert len(calls) == 60
        store.close()

    def test_redis_stopped_mid_run_answers_503_never_200(self, signed_request: SignedRequest) -> None:
        from webhook_receiver.redis_store import RedisStore

        from .conftest import start_redis

        with start_redis() as url:
            store = RedisStore.from_url(url, socket_timeout=1, socket_connect_timeout=1)
            receiver = Receiver(signed_request.provider("kourier"), store=store)
            calls = counting(receiver)
            assert receiver.handle("POST", *signed_request("kourier", DELIVERY), now=NOW).status == 200
        # The server is gone now.
        other = {**DELIVERY, "status": "delivered"}
        reply = receiver.handle("POST", *signed_request("kourier", other), now=NOW)
        assert reply.status == 503
        assert calls == ["delivery.updated"]
        store.close()

    def test_recording_done_failing_after_the_handlers_ran_is_503(
        self, signed_request: SignedRequest
    ) -> None:
        class ForgetfulStore(MemoryStore):
            def complete(self, key: str, token: str, *, ttl: float, now: float) -> bool:
                raise OSError("disk full")

        store = ForgetfulStore()
        receiver = Receiver(signed_request.provider("kourier"), store=store, lease=30)
        calls = counting(receiver)
        headers, body = signed_request("kourier", DELIVERY)
        assert receiver.handle("POST", headers, body, now=NOW).status == 503
        # Not recorded as done: once the lease runs out, the retry processes it again.
        assert receiver.handle("POST", headers, body, now=NOW + 10).status == 409
        assert receiver.handle("POST", headers, body, now=NOW + 31).status == 503
        assert calls == ["delivery.updated", "delivery.updated"]


class TestEventKeys:
    def receiver(self, name: str, signed_request: SignedRequest) -> Receiver:
        return Receiver(signed_request.provider(name), store=MemoryStore())

    def key(self, receiver: Receiver, signed_request: SignedRequest, payload: Any, **extra: str) -> str:
        headers, body = signed_request(receiver.provider.name, payload, extra=extra or None)
        (event,) = receiver.provider.parse(headers, body)
        return receiver.event_key(event)

    def test_keys_are_namespaced_digests(self, signed_request: SignedRequest) -> None:
        receiver = self.receiver("stripe", signed_request)
        key = self.key(receiver, signed_request, samples.STRIPE_EVENT)
        namespace, digest = key.split(":")
        assert namespace == "stripe"
        assert len(digest) == 64
        assert "evt_" not in key
        other = Receiver(signed_request.provider("stripe"), store=MemoryStore(), namespace="stripe-connect")
        assert self.key(other, signed_request, samples.STRIPE_EVENT).startswith("stripe-connect:")

    def test_provider_ids(self, signed_request: SignedRequest) -> None:
        stripe = self.receiver("stripe", signed_request)
        same = {**samples.STRIPE_EVENT, "livemode": True}  # same id, same event
        assert self.key(stripe, signed_request, samples.STRIPE_EVENT) == self.key(
            stripe, signed_request, same
        )
        standard = self.receiver("standard-webhooks", signed_request)
        payload = samples.STANDARD_WEBHOOKS_EVENT
        assert self.key(standard, signed_request, payload) != self.key(
            standard, signed_request, payload
        )  # new ids

    def test_courier_message_and_status(self, signed_request: SignedRequest) -> None:
        courier = self.receiver("courier", signed_request)
        sent = self.key(courier, signed_request, samples.courier_message("SENT"))
        assert sent == self.key(courier, signed_request, samples.courier_message("SENT", opened=123))
        assert sent != self.key(courier, signed_request, samples.courier_message("DELIVERED"))

    def test_kourier_delivery_event_status_and_time(self, signed_request: SignedRequest) -> None:
        kourier = self.receiver("kourier", signed_request)
        base = self.key(kourier, signed_request, DELIVERY)
        assert base == self.key(kourier, signed_request, {**DELIVERY, "extra": "ignored"})
        for change in ({"status": "delivered"}, {"timestamp": "2024-09-14T15:00:00Z"}, {"delivery_id": "x"}):
            assert base != self.key(kourier, signed_request, {**DELIVERY, **change})

    def test_xtremepush_transaction_and_step(self, signed_request: SignedRequest) -> None:
        xp = self.receiver("xtremepush", signed_request)
        send = self.key(xp, signed_request, samples.xtremepush("message_send"))
        assert send == self.key(xp, signed_request, samples.xtremepush("message_send", email="changed@x.y"))
        assert send != self.key(xp, signed_request, samples.xtremepush("message_open"))
        assert send != self.key(
            xp, signed_request, samples.xtremepush("message_send", external_message_id="e2")
        )


@pytest.mark.parametrize(("lease", "ttl"), [(0, 10), (10, 5), (-1, 10), (10, float("inf"))])
def test_bad_lease_and_ttl(lease: float, ttl: float) -> None:
    with pytest.raises(ConfigurationError):
        Receiver(providers.Kourier(token="t"), store=MemoryStore(), lease=lease, ttl=ttl)


def test_the_same_event_twice_in_one_batch_runs_once_and_answers_200(signed_request: SignedRequest) -> None:
    receiver = Receiver(signed_request.provider("customerio"), store=MemoryStore())
    calls = counting(receiver)
    event = {"type": "track", "userId": "7", "event": "Signed Up", "messageId": "same"}
    reply = receiver.handle("POST", *signed_request("customerio", [event, event, {}, {}]), now=NOW)
    assert reply.status == 200
    assert calls == ["track", "custom"]
