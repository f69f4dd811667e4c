"""The store contract, against each store's real backend: memory, an SQLite file, a Redis server."""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import pytest

from webhook_receiver import ClaimStatus, ConfigurationError, IdempotencyStore, MemoryStore, SQLiteStore

NOW = 1_700_000_000.0
LEASE = 60.0
TTL = 3600.0


def test_claim_then_duplicate_then_done(store: IdempotencyStore) -> None:
    first = store.claim("k", lease=LEASE, now=NOW)
    assert first.status is ClaimStatus.CLAIMED
    assert first.token
    busy = store.claim("k", lease=LEASE, now=NOW + 1)
    assert busy.status is ClaimStatus.IN_PROGRESS
    assert busy.expires_at == pytest.approx(NOW + LEASE)
    assert store.complete("k", first.token, ttl=TTL, now=NOW + 2)
    assert store.claim("k", lease=LEASE, now=NOW + 3).status is ClaimStatus.DONE


def test_keys_are_independent(store: IdempotencyStore) -> None:
    assert store.claim("a", lease=LEASE, now=NOW).status is ClaimStatus.CLAIMED
    assert store.claim("b", lease=LEASE, now=NOW).status is ClaimStatus.CLAIMED


def test_release_lets_the_retry_claim_again(store: IdempotencyStore) -> None:
    first = store.claim("k", lease=LEASE, now=NOW)
    store.release("k", first.token)
    retry = store.claim("k", lease=LEASE, now=NOW + 1)
    assert retry.status is ClaimStatus.CLAIMED
    assert retry.token != first.token


def test_a_crashed_claim_expires_after_its_lease(store: IdempotencyStore) -> None:
    crashed = store.claim("k", lease=LEASE, now=NOW)
    assert store.claim("k", lease=LEASE, now=NOW + LEASE - 1).status is ClaimStatus.IN_PROGRESS
    taken_over = store.claim("k", lease=LEASE, now=NOW + LEASE + 1)
    assert taken_over.status is ClaimStatus.CLAIMED
    # The process that lost its lease cannot complete or release the new holder's claim.
    assert not store.complete("k", crashed.token, ttl=TTL, now=NOW + LEASE + 2)
    store.release("k", crashed.token)
    assert store.claim("k", lease=LEASE, now=NOW + LEASE + 3).status is ClaimStatus.IN_PROGRESS
    assert store.complete("k", taken_over.token, ttl=TTL, now=NOW + LEASE + 4)
    assert store.claim("k", lease=LEASE, now=NOW + LEASE + 5).status is ClaimStatus.DONE


def test_done_is_forgotten_after_ttl(store: IdempotencyStore) -> None:
    claim = store.claim("k", lease=LEASE, now=NOW)
    assert store.complete("k", claim.token, ttl=TTL, now=NOW)
    assert store.claim("k", lease=LEASE, now=NOW + TTL - 1).status is ClaimStatus.DONE
    assert store.claim("k", lease=LEASE, now=NOW + TTL + 1).status is ClaimStatus.CLAIMED


def test_wrong_tokens_change_nothing(store: IdempotencyStore) -> None:
    claim = store.claim("k", lease=LEASE, now=NOW)
    assert not store.complete("k", "not-the-token", ttl=TTL, now=NOW)
    store.release("k", "not-the-token")
    assert store.claim("k", lease=LEASE, now=NOW).status is ClaimStatus.IN_PROGRESS
    assert not store.complete("missing", claim.token, ttl=TTL, now=NOW)
    store.release("missing", claim.token)
    # A done event cannot be released back into play.
    assert store.complete("k", claim.token, ttl=TTL, now=NOW)
    store.release("k", claim.token)
    assert store.claim("k", lease=LEASE, now=NOW).status is ClaimStatus.DONE


class TestSQLite:
    def test_state_survives_a_new_store_on_the_same_file(self, tmp_path: Path) -> None:
        path = tmp_path / "events.db"
        first = SQLiteStore(path)
        claim = first.claim("k", lease=LEASE, now=NOW)
        assert first.complete("k", claim.token, ttl=TTL, now=NOW)
        first.close()
        second = SQLiteStore(path)
        assert second.claim("k", lease=LEASE, now=NOW).status is ClaimStatus.DONE
        second.close()

    def test_wal_mode_and_no_payload(self, tmp_path: Path) -> None:
        store = SQLiteStore(tmp_path / "events.db")
        store.claim("webhook-key", lease=LEASE, now=NOW)
        with sqlite3.connect(store.path) as connection:
            assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            rows = connection.execute("SELECT key, state FROM webhook_receiver_events").fetchall()
        connection.close()
        assert rows == [("webhook-key", "processing")]
        store.close()

    def test_expired_rows_are_purged(self, tmp_path: Path) -> None:
        store = SQLiteStore(tmp_path / "events.db")
        for i in range(999):
            store.claim(f"old-{i}", lease=1, now=NOW)
        store.claim("trigger", lease=LEASE, now=NOW + 10)  # the 1000th claim purges
        with sqlite3.connect(store.path) as connection:
            count = connection.execute("SELECT COUNT(*) FROM webhook_receiver_events").fetchone()[0]
        connection.close()
        assert count == 1
        store.close()

    def test_bad_timeout(self, tmp_path: Path) -> None:
        with pytest.raises(ConfigurationError):
            SQLiteStore(tmp_path / "x.db", timeout=0)


class TestMemory:
    def test_bounded_eviction_prefers_expired_then_oldest_done(self) -> None:
        store = MemoryStore(max_entries=3)
        a = store.claim("a", lease=LEASE, now=NOW)
        store.complete("a", a.token, ttl=TTL, now=NOW)
        store.claim("b", lease=1, now=NOW)  # expires first
        store.claim("c", lease=LEASE, now=NOW)
        store.claim("d", lease=LEASE, now=NOW + 5)  # evicts expired "b"
        assert len(store) == 3
        assert store.claim("a", lease=LEASE, now=NOW + 5).status is ClaimStatus.DONE
        store.claim("e", lease=LEASE, now=NOW + 5)  # evicts the oldest done: "a"
        assert len(store) == 3
        # "a" is forgotten (it would answer DONE otherwise), and c, d, e are live claims.
        with pytest.raises(RuntimeError, match="full"):
            store.claim("a", lease=LEASE, now=NOW + 6)

    def test_full_of_live_claims_refuses(self) -> None:
        store = MemoryStore(max_entries=2)
        store.claim("a", lease=LEASE, now=NOW)
        store.claim("b", lease=LEASE, now=NOW)
        with pytest.raises(RuntimeError, match="full"):
            store.claim("c", lease=LEASE, now=NOW)

    @pytest.mark.parametrize("size", [0, -1, 2.5, True])
    def test_bad_size(self, size: object) -> None:
        with pytest.raises(ConfigurationError):
            MemoryStore(max_entries=size)  # type: ignore[arg-type]


class TestRedis:
    def test_keys_are_prefixed_digests_with_an_expiry(self, redis_url: str) -> None:
        from webhook_receiver.redis_store import RedisStore

        prefix = f"test:{uuid.uuid4().hex}:"
        store = RedisStore.from_url(redis_url, prefix=prefix)
        claim = store.claim("k", lease=LEASE, now=NOW)
        assert 0 < store.client.pttl(prefix + "k") <= LEASE * 1000
        store.complete("k", claim.token, ttl=TTL, now=NOW)
        assert LEASE * 1000 < store.client.pttl(prefix + "k") <= TTL * 1000
        assert store.client.keys(prefix + "*") == [(prefix + "k").encode()]
        store.close()

    def test_client_must_be_redis(self) -> None:
        from webhook_receiver.redis_store import RedisStore

        with pytest.raises(ConfigurationError):
            RedisStore("redis://localhost")  # type: ignore[arg-type]


@pytest.fixture(params=["sqlite", "redis", "postgres"])
def batch_store(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """The stores that claim and settle a batch at once."""
    if request.param == "postgres":
        yield request.getfixturevalue("postgres_store")
        return
    if request.param == "sqlite":
        made: Any = SQLiteStore(tmp_path / "events.db")
    else:
        from webhook_receiver.redis_store import RedisStore

        made = RedisStore.from_url(request.getfixturevalue("redis_url"), prefix=f"test:{uuid.uuid4().hex}:")
    yield made
    made.close()


class TestBatches:
    """``claim_many``/``settle_many``: one round trip (Redis: a script; SQLite: a
    transaction) each per request, the same answers as ``claim``/``complete``/``release``
    key by key."""

    def test_claim_many_answers_as_claim_does_for_each_state(self, batch_store: Any) -> None:
        store = batch_store
        done = store.claim("done", lease=LEASE, now=NOW)
        store.complete("done", done.token, ttl=TTL, now=NOW)
        store.claim("busy", lease=LEASE, now=NOW)
        store.claim("stale", lease=LEASE, now=NOW - 2 * LEASE)  # its lease ran out by our clock
        claims = store.claim_many(["new", "done", "busy", "stale"], lease=LEASE, now=NOW)
        assert [c.status for c in claims] == [
            ClaimStatus.CLAIMED,
            ClaimStatus.DONE,
            ClaimStatus.IN_PROGRESS,
            ClaimStatus.CLAIMED,
        ]
        assert claims[2].expires_at == NOW + LEASE
        assert claims[0].token and claims[3].token and claims[0].token != claims[3].token
        # What claim_many took is held: claim() sees it in progress.
        assert store.claim("new", lease=LEASE, now=NOW).status is ClaimStatus.IN_PROGRESS
        assert store.claim_many([], lease=LEASE, now=NOW) == []

    def test_settle_many_completes_and_releases_only_with_the_claims_token(self, batch_store: Any) -> None:
        store = batch_store
        a, b, _ = store.claim_many(["a", "b", "c"], lease=LEASE, now=NOW)
        held = store.settle_many([("a", a.token), ("c", "not-the-token")], [("b", b.token)], ttl=TTL, now=NOW)
        assert held == [True, False]
        assert store.claim("a", lease=LEASE, now=NOW).status is ClaimStatus.DONE
        assert store.claim("b", lease=LEASE, now=NOW).status is ClaimStatus.CLAIMED  # released
        assert store.claim("c", lease=LEASE, now=NOW).status is ClaimStatus.IN_PROGRESS  # untouched
        assert store.settle_many([], [], ttl=TTL, now=NOW) == []

    def test_a_1000_event_batch_is_two_round_trips_on_redis(self, redis_url: str, now: float) -> None:
        """Customer.io's largest batch through a Receiver: one claim script and one settle
        script, however many events (it used to be three commands per event)."""
        from webhook_receiver import Receiver, providers
        from webhook_receiver.redis_store import RedisStore
        from webhook_receiver.testing import sign

        store = RedisStore.from_url(redis_url, prefix=f"test:{uuid.uuid4().hex}:")
        calls: list[str] = []
        original = store.client.execute_command

        def counted(*args: Any, **options: Any) -> Any:
            calls.append(str(args[0]))
            return original(*args, **options)

        store.client.execute_command = counted  # type: ignore[method-assign]
        receiver = Receiver(providers.CustomerIO(secret="s"), store=store)
        ran: list[object] = []
        receiver.on_any(ran.append)
        batch = [
            {"type": "track", "messageId": f"m{i}", "event": "Signed Up", "userId": "u"} for i in range(1000)
        ]
        body = json.dumps(batch).encode()
        headers = {"Content-Type": "application/json", **sign("customerio", body, secret="s")}
        assert receiver.handle("POST", headers, body, now=now).status == 200
        assert len(ran) == 1000
        assert len(calls) <= 4, calls  # EVALSHA twice (plus SCRIPT LOAD on first use)
        calls.clear()
        assert receiver.handle("POST", headers, body, now=now).status == 200  # all duplicates
        assert len(ran) == 1000
        assert len(calls) == 1, calls  # one claim script; nothing to settle
        store.close()


def test_a_1000_event_batch_is_one_transaction_each_way_on_sqlite(tmp_path: Path, now: float) -> None:
    """SQLite: the claims and the completions of a batch each commit once."""
    from webhook_receiver import Receiver, providers
    from webhook_receiver.testing import sign

    store = SQLiteStore(tmp_path / "events.db")
    statements: list[str] = []
    store._connect().set_trace_callback(statements.append)
    receiver = Receiver(providers.CustomerIO(secret="s"), store=store)
    receiver.on_any(lambda event: None)
    track = {"type": "track", "event": "Signed Up", "userId": "u"}
    body = json.dumps([{**track, "messageId": f"m{i}"} for i in range(1000)]).encode()
    headers = {"Content-Type": "application/json", **sign("customerio", body, secret="s")}
    assert receiver.handle("POST", headers, body, now=now).status == 200
    assert [s for s in statements if s.startswith(("BEGIN", "COMMIT"))] == ["BEGIN IMMEDIATE", "COMMIT"] * 2
    store.close()
