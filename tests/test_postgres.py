"""What PostgreSQL adds to the shared store and inbox tests: a real server on 127.0.0.1.

The semantics every back end shares run in test_stores.py, test_idempotency.py,
test_inbox.py, test_worker_modes.py, test_concurrency.py and test_crash.py, each
parametrized over PostgreSQL. Here: the schema step, one statement per request,
``SKIP LOCKED``, ``LISTEN``/``NOTIFY`` (and polling when it is down), the commands,
and that no password is ever shown.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import psycopg.sql
import pytest

from webhook_receiver import Event, InboxEntry, InboxState, Receiver, Worker, providers
from webhook_receiver.postgres import PostgresInbox, PostgresStore, SchemaMissing
from webhook_receiver.testing import sign

from .conftest import postgres_table

NOW = 1_700_000_000.0
DEADLINE = 20.0
TOKEN = "postgres-token"


@pytest.fixture
def inbox(postgres_url: str) -> Iterator[PostgresInbox]:
    made = PostgresInbox(postgres_url, table=postgres_table())
    made.create_schema()
    yield made
    made.close()


def entry(n: int, namespace: str = "kourier") -> InboxEntry:
    return InboxEntry(f"{namespace}:{n}", namespace, "delivery.updated", json.dumps({"n": n}), (), NOW)


def kourier_request(n: int) -> tuple[dict[str, str], bytes]:
    body = json.dumps(
        {"event": "delivery.updated", "delivery_id": f"d{n}", "status": "delivered", "timestamp": n}
    ).encode()
    return {"Content-Type": "application/json", **sign("kourier", body, token=TOKEN)}, body


class CountingExecutes:
    """Counts the statements psycopg sends from the thread that installed it (the one
    handling the requests) while it is installed.

    Only that thread's: the pool opens connections on worker threads of its own, in the
    background, and configures each (a store's ``SET synchronous_commit = off``) whenever
    it happens to, which is not a statement of any request.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.statements: list[str] = []
        original = psycopg.Connection.execute
        counted_thread = threading.get_ident()

        def execute(connection: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
            if threading.get_ident() == counted_thread:
                text = query.as_string(connection) if hasattr(query, "as_string") else str(query)
                self.statements.append(text)
            return original(connection, query, *args, **kwargs)

        monkeypatch.setattr(psycopg.Connection, "execute", execute)


# -- the schema ------------------------------------------------------------------------------


def test_nothing_is_created_on_a_request_a_missing_table_answers_503(postgres_url: str) -> None:
    table = postgres_table()
    inbox = PostgresInbox(postgres_url, table=table)
    store = PostgresStore(postgres_url, table=table + "_store")
    try:
        for receiver in (
            Receiver(providers.Kourier(token=TOKEN), inbox=inbox),
            Receiver(providers.Kourier(token=TOKEN), store=store),
        ):
            reply = receiver.handle("POST", *kourier_request(1))
            assert (reply.status, json.loads(reply.body)) == (503, {"error": "store_unavailable"})
        with pytest.raises(SchemaMissing, match=r"webhook-receiver db init"):
            inbox.counts()
        with psycopg.connect(postgres_url) as connection:
            found = connection.execute(
                "SELECT count(*) FROM pg_tables WHERE tablename LIKE %s", (table + "%",)
            )
            assert found.fetchone() == (0,)
        # The deploy step, once: the same request is then stored and answered.
        inbox.create_schema()
        store.create_schema()
        assert (
            Receiver(providers.Kourier(token=TOKEN), inbox=inbox).handle("POST", *kourier_request(1)).status
            == 202
        )
    finally:
        inbox.close()
        store.close()


def test_create_schema_is_idempotent_and_safe_from_many_deploys_at_once(postgres_url: str) -> None:
    table = postgres_table()
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def deploy(kind: type[PostgresInbox] | type[PostgresStore], name: str) -> None:
        made = kind(postgres_url, table=name)
        try:
            barrier.wait(DEADLINE)
            made.create_schema()
            made.create_schema()
        except BaseException as exc:
            errors.append(exc)
        finally:
            made.close()

    threads = [
        threading.Thread(target=deploy, args=(kind, table + suffix))
        for kind, suffix in ((PostgresInbox, "_inbox"), (PostgresStore, "_store"))
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DEADLINE)
    assert errors == []


def test_a_table_name_is_an_identifier_never_sql(postgres_url: str) -> None:
    hostile = 'x"; DROP TABLE pg_class; --'
    inbox = PostgresInbox(postgres_url, table=hostile)
    try:
        inbox.create_schema()
        inbox.put([entry(1)])
        assert inbox.counts()[InboxState.PENDING] == 1
    finally:
        inbox.close()
    with pytest.raises(Exception, match="table must be a name"):
        PostgresInbox(postgres_url, table="a.b.c")


# -- one statement per request ---------------------------------------------------------------


def test_the_counter_counts_the_requests_thread_not_the_pools_workers(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What a pool's worker does when it opens a connection in the background (a store's
    # configure step) while a request is counted: not one of the request's statements.
    counted = CountingExecutes(monkeypatch)

    def open_a_connection() -> None:
        with psycopg.connect(postgres_url, autocommit=True) as connection:
            connection.execute("SET synchronous_commit = off")

    worker = threading.Thread(target=open_a_connection)
    worker.start()
    worker.join(DEADLINE)
    assert counted.statements == []
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("SELECT 1")
    assert counted.statements == ["SELECT 1"]


def test_a_1000_event_batch_is_one_statement_each_way(
    postgres_store: PostgresStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    receiver = Receiver(providers.CustomerIO(secret="s"), store=postgres_store)
    ran: list[Event] = []
    receiver.on_any(ran.append)
    track = {"type": "track", "event": "Signed Up", "userId": "u"}
    body = json.dumps([{**track, "messageId": f"m{i}"} for i in range(1000)]).encode()
    headers = {"Content-Type": "application/json", **sign("customerio", body, secret="s")}
    counted = CountingExecutes(monkeypatch)
    assert receiver.handle("POST", headers, body, now=NOW).status == 200
    assert len(ran) == 1000
    assert len(counted.statements) == 2, counted.statements  # claim the batch, settle it
    counted.statements.clear()
    assert receiver.handle("POST", headers, body, now=NOW).status == 200  # every one a duplicate
    assert len(ran) == 1000
    assert len(counted.statements) == 1


def test_expired_claims_are_swept_by_the_claims_themselves_in_bounded_chunks(
    postgres_store: PostgresStore, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from webhook_receiver.delivery import postgres

    store = postgres_store
    monkeypatch.setattr(postgres, "_SWEEP", 3)  # a sweep looks at 3 keys (10,000 in use)
    for key in ("a-old", "b-old", "c-live", "d-old", "e-old"):
        store.claim(key, lease=10, now=NOW - 100 if key.endswith("old") else NOW)
    table = store._db.table

    def keys() -> list[str]:
        with psycopg.connect(postgres_url) as connection:
            query = psycopg.sql.SQL("SELECT key FROM {t} ORDER BY key").format(
                t=psycopg.sql.Identifier(table)
            )
            return [row[0] for row in connection.execute(query)]

    def claim_crossing_a_thousand(key: str) -> None:
        store._claims = 999  # this claim is the 1000th: it sweeps
        assert store.claim(key, lease=10, now=NOW).token

    counted = CountingExecutes(monkeypatch)
    claim_crossing_a_thousand("x1")  # looks at a-old, b-old, c-live
    assert len(counted.statements) == 1  # the sweep rides on the claim's statement
    assert keys() == ["c-live", "d-old", "e-old", "x1"]
    store._claims = 996
    store.claim_many(["d-old", "x2", "x3", "x4"], lease=10, now=NOW)  # looks at d, e, x1; d is being claimed
    assert keys() == ["c-live", "d-old", "x1", "x2", "x3", "x4"]
    claim_crossing_a_thousand("x5")  # after x1: x2, x3, x4; nothing expired
    claim_crossing_a_thousand("x6")  # after x4: x5 only, the end of the keys: back to the start
    store.claim("b-old", lease=10, now=NOW - 100)
    claim_crossing_a_thousand("x7")  # from the start again: b-old, c-live, d-old
    assert "b-old" not in keys() and "c-live" in keys()


def test_a_put_is_one_statement_and_keeps_the_requests_order(
    inbox: PostgresInbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    counted = CountingExecutes(monkeypatch)
    inbox.put([entry(n) for n in (5, 3, 9, 3)])  # a repeated key is stored once
    assert len(counted.statements) == 1
    assert [json.loads(r.payload)["n"] for r in inbox.list()] == [5, 3, 9]


# -- workers on many machines ------------------------------------------------------------------


def test_take_skips_rows_another_worker_has_locked_instead_of_waiting(
    inbox: PostgresInbox, postgres_url: str
) -> None:
    inbox.put([entry(n) for n in range(3)])
    first = inbox.list()[0]
    with psycopg.connect(postgres_url) as other, other.transaction():
        # Another worker, mid-take: it holds the first row's lock.
        query = psycopg.sql.SQL("SELECT id FROM {t} WHERE id = %s FOR UPDATE")
        other.execute(query.format(t=psycopg.sql.Identifier(inbox.table)), (first.id,))
        taken = inbox.take(["kourier"], limit=3, lease=30, now=NOW, max_attempts=8)
        assert sorted(d.record.id for d in taken) == sorted(r.id for r in inbox.list()[1:])
    # Released: the first row is now taken too; the others are running.
    [again] = inbox.take(["kourier"], limit=3, lease=30, now=NOW, max_attempts=8)
    assert again.record.id == first.id


def test_two_machines_take_disjoint_events(postgres_url: str, inbox: PostgresInbox) -> None:
    other = PostgresInbox(postgres_url, table=inbox.table)
    try:
        inbox.put([entry(n) for n in range(200)])
        taken: list[list[int]] = [[], []]

        def drain(index: int, source: PostgresInbox) -> None:
            while batch := source.take(["kourier"], limit=7, lease=30, now=NOW, max_attempts=8):
                taken[index] += [d.record.id for d in batch]

        threads = [threading.Thread(target=drain, args=(i, s)) for i, s in enumerate((inbox, other))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(DEADLINE)
        assert not set(taken[0]) & set(taken[1])
        assert len(taken[0]) + len(taken[1]) == 200
    finally:
        other.close()


def test_notify_wakes_a_worker_on_another_connection_without_polling(
    postgres_url: str, inbox: PostgresInbox
) -> None:
    done = threading.Event()
    receiver = Receiver(providers.Kourier(token=TOKEN), inbox=inbox)
    receiver.on_any(lambda event: done.set())
    # Another machine's receiver: a put this process's inbox object never made.
    elsewhere = PostgresInbox(postgres_url, table=inbox.table)
    sender = Receiver(providers.Kourier(token=TOKEN), inbox=elsewhere)
    try:
        with Worker(inbox, receivers=[receiver], poll_interval=3600) as worker:
            seen = inbox.arrivals
            inbox.wait(0.0, seen - 1)  # starts listening (a worker's first wait does the same)
            assert sender.handle("POST", *kourier_request(1)).status == 202
            # A poll interval of an hour: only the NOTIFY can make this prompt.
            assert done.wait(DEADLINE), "the worker was not woken by NOTIFY"
        assert worker.processed == 1
    finally:
        elsewhere.close()


def test_a_lost_listen_connection_comes_back_and_polling_covers_the_gap(
    postgres_url: str, inbox: PostgresInbox
) -> None:
    ran: list[str] = []
    done = threading.Event()
    receiver = Receiver(providers.Kourier(token=TOKEN), inbox=inbox)

    @receiver.on_any
    def record(event: Event) -> None:
        ran.append(str(event.payload["delivery_id"]))  # type: ignore[call-overload, index]
        if len(ran) == 2:
            done.set()

    elsewhere = PostgresInbox(postgres_url, table=inbox.table)
    sender = Receiver(providers.Kourier(token=TOKEN), inbox=elsewhere)
    try:
        with Worker(inbox, receivers=[receiver], poll_interval=0.2):
            inbox.wait(0.0, inbox.arrivals - 1)
            with psycopg.connect(postgres_url, autocommit=True) as admin:
                # The listening connection dies (a failover, an idle timeout): the worker
                # finds new events by polling meanwhile, and the listener reconnects.
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query ILIKE %s",
                    (f'LISTEN "{inbox.table}"%',),
                )
                assert sender.handle("POST", *kourier_request(1)).status == 202
                assert sender.handle("POST", *kourier_request(2)).status == 202
            assert done.wait(DEADLINE), f"ran {ran}"
    finally:
        elsewhere.close()
    assert sorted(ran) == ["d1", "d2"]


# -- the commands --------------------------------------------------------------------------------

APP = """
import os
from webhook_receiver import Receiver, providers

receiver = Receiver(providers.Kourier(token={token!r}))  # inline: the --inbox option names the inbox

@receiver.on_any
def handle(event):
    with open(os.environ["EFFECTS"], "a") as effects:
        effects.write(event.payload["delivery_id"] + "\\n")
"""


def cli(directory: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "webhook_receiver", *args],
        cwd=directory,
        env={**os.environ, "EFFECTS": str(directory / "effects.txt")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_db_init_then_worker_and_inbox_commands_on_a_postgresql_url(
    tmp_path: Path, postgres_url: str
) -> None:
    (tmp_path / "hooks_app.py").write_text(APP.format(token=TOKEN))
    table = postgres_table()
    missing = cli(tmp_path, "inbox", "list", "--inbox", postgres_url, "--table", table)
    assert missing.returncode == 1
    assert "webhook-receiver db init" in missing.stderr and len(missing.stderr.splitlines()) == 1

    made = cli(tmp_path, "db", "init", postgres_url, "--inbox-table", table, "--store-table", table + "_s")
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip().endswith(f"{table}_s, {table}")
    assert (
        cli(tmp_path, "db", "init", postgres_url, "--inbox-table", table, "--only", "inbox").returncode == 0
    )

    inbox = PostgresInbox(postgres_url, table=table)
    try:
        sender = Receiver(providers.Kourier(token=TOKEN), inbox=inbox)
        for n in (1, 2):
            assert sender.handle("POST", *kourier_request(n)).status == 202
        listing = cli(tmp_path, "inbox", "list", "--inbox", postgres_url, "--table", table)
        assert listing.stdout.splitlines()[0] == "pending: 2  running: 0  done: 0  dead: 0"
        ran = cli(
            tmp_path, "worker", "hooks_app:receiver", "--once", "--inbox", postgres_url, "--table", table
        )
        assert ran.returncode == 0, ran.stderr
        assert "ran 2 event(s)" in ran.stderr
        assert sorted((tmp_path / "effects.txt").read_text().split()) == ["d1", "d2"]
        assert inbox.counts()[InboxState.DONE] == 2
        purged = cli(tmp_path, "inbox", "purge", "--done", "--inbox", postgres_url, "--table", table)
        assert purged.stdout.strip() == "2 done event(s) purged"
    finally:
        inbox.close()


def test_no_password_is_shown_in_reprs_locations_or_errors(tmp_path: Path, postgres_url: str) -> None:
    with_password = postgres_url.replace("webhooks@", "webhooks:hunter2-secret@")
    inbox = PostgresInbox(with_password, table=postgres_table(), timeout=1)
    store = PostgresStore(with_password, table=postgres_table(), timeout=1)
    try:
        for shown in (repr(inbox), inbox.location, repr(store), store.location):
            assert "hunter2" not in shown and "webhooks@127.0.0.1" in shown
    finally:
        inbox.close()
        store.close()
    unreachable = "postgresql://u:hunter2-secret@127.0.0.1:1/nothing"
    result = cli(tmp_path, "db", "init", unreachable)
    assert result.returncode == 1
    assert "hunter2" not in result.stdout + result.stderr
    assert "postgresql://u@127.0.0.1:1/nothing" in result.stderr
