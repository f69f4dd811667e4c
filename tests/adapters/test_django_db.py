"""Django's own database: ``DjangoStore``, ``DjangoInbox``, their settings and the inbox's admin.

The store and inbox contracts are the very tests ``tests/test_stores.py`` and
``tests/test_inbox.py`` hold the SQLite ones to, run here with a ``DjangoStore`` and a
``DjangoInbox`` in the test database (a SQLite file; PostgreSQL when
``WEBHOOK_RECEIVER_DJANGO_DATABASE_URL`` names one: see ``django_settings.py``).
Every test is transactional: the worker's threads, and the threads ``handle_async``
puts from, open connections of their own, which see only committed rows.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django.fixtures import Settings as SettingsWrapper

from tests import test_inbox, test_stores
from tests.test_inbox import START, deferred, delivery, post
from tests.test_stores import LEASE, NOW
from webhook_receiver import (
    ClaimStatus,
    ConfigurationError,
    Event,
    InboxEntry,
    InboxState,
    Receiver,
    Worker,
    providers,
)
from webhook_receiver.adapters.django.db import DjangoInbox, DjangoStore, database_problem
from webhook_receiver.adapters.django.db.admin import InboxEventAdmin
from webhook_receiver.adapters.django.db.models import NAMESPACE_LENGTH, IdempotencyClaim, InboxEvent
from webhook_receiver.config import check_mapping, receivers_from_mapping
from webhook_receiver.delivery.inbox import DurableInbox
from webhook_receiver.testing import FrozenClock, sign

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = "django-db-test-kourier-token"
ADMIN_URLS = "tests.adapters.apps.admin_project.urls"
CHANGELIST = "/admin/webhook_receiver/inboxevent/"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


# --- the store: the contract every store is held to ----------------------------------------


@pytest.fixture
def store() -> DjangoStore:
    return DjangoStore()


@pytest.fixture
def batch_store() -> DjangoStore:
    return DjangoStore()


test_claim_then_duplicate_then_done = test_stores.test_claim_then_duplicate_then_done
test_keys_are_independent = test_stores.test_keys_are_independent
test_release_lets_the_retry_claim_again = test_stores.test_release_lets_the_retry_claim_again
test_a_crashed_claim_expires_after_its_lease = test_stores.test_a_crashed_claim_expires_after_its_lease
test_done_is_forgotten_after_ttl = test_stores.test_done_is_forgotten_after_ttl
test_wrong_tokens_change_nothing = test_stores.test_wrong_tokens_change_nothing


class TestStoreBatches:
    """``claim_many`` and ``settle_many`` answer as the other batch stores do."""

    test_claim_many_answers_as_claim_does_for_each_state = (
        test_stores.TestBatches.test_claim_many_answers_as_claim_does_for_each_state
    )
    test_settle_many_completes_and_releases_only_with_the_claims_token = (
        test_stores.TestBatches.test_settle_many_completes_and_releases_only_with_the_claims_token
    )


def test_the_store_is_blocking_and_says_which_database() -> None:
    assert DjangoStore.blocking is True
    assert repr(DjangoStore(using="default")) == "DjangoStore(using='default')"


def test_claims_of_one_key_racing_in_threads_give_it_to_exactly_one() -> None:
    """A new key claimed by eight connections at once: one claims it, seven see it in progress."""
    store = DjangoStore()
    start = threading.Barrier(8)
    answers: list[ClaimStatus] = []
    errors: list[BaseException] = []

    def claim() -> None:
        try:
            start.wait(timeout=30)
            answers.append(store.claim("race", lease=LEASE, now=NOW).status)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(answers, key=lambda s: s.value) == [ClaimStatus.CLAIMED] + [ClaimStatus.IN_PROGRESS] * 7


def test_batches_racing_for_the_same_new_keys_claim_each_once() -> None:
    """Two requests of one batch at once: each key goes to exactly one of them (on
    PostgreSQL the second insert meets the first at the primary key and reads its claims)."""
    store = DjangoStore()
    keys = [f"batch:{n}" for n in range(50)]
    start = threading.Barrier(2)
    answers: list[list[ClaimStatus]] = []
    errors: list[BaseException] = []

    def claim_all() -> None:
        try:
            start.wait(timeout=30)
            answers.append([claim.status for claim in store.claim_many(keys, lease=LEASE, now=NOW)])
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim_all) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    for first, second in zip(*answers, strict=True):
        assert {first, second} == {ClaimStatus.CLAIMED, ClaimStatus.IN_PROGRESS}


def test_a_1000_event_batch_claims_and_settles_in_a_few_queries() -> None:
    """Customer.io's largest batch through a Receiver: each way is one transaction of a
    few statements (the rows in chunks), never a query per event."""
    store = DjangoStore()
    receiver = Receiver(providers.CustomerIO(secret="s"), store=store)
    ran: list[Event] = []
    receiver.on_any(ran.append)
    track = {"type": "track", "event": "Signed Up", "userId": "u"}
    body = json.dumps([{**track, "messageId": f"m{i}"} for i in range(1000)]).encode()
    headers = {"Content-Type": "application/json", **sign("customerio", body, secret="s")}
    with CaptureQueriesContext(connection) as queries:
        assert receiver.handle("POST", headers, body, now=NOW).status == 200
    assert len(ran) == 1000
    assert IdempotencyClaim.objects.filter(state="done").count() == 1000
    if connection.vendor == "sqlite":  # PostgreSQL's BEGIN and COMMIT are not in the log
        assert [q["sql"] for q in queries if q["sql"].startswith(("BEGIN", "COMMIT"))] == [
            "BEGIN IMMEDIATE",
            "COMMIT",
        ] * 2
    assert len(statements(queries)) <= 15, statements(queries)
    with CaptureQueriesContext(connection) as queries:
        assert receiver.handle("POST", headers, body, now=NOW + 1).status == 200  # duplicates
    assert len(ran) == 1000
    # Two SELECTs of 500 keys (and this time, the purge of expired claims).
    assert len(statements(queries)) <= 3, statements(queries)


def statements(queries: CaptureQueriesContext) -> list[str]:
    """The statements run, without those that begin and end transactions, shortened."""
    ends = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT")
    return [q["sql"][:60] for q in queries if not q["sql"].startswith(ends)]


def test_expired_claims_are_purged_as_claims_come_in() -> None:
    store = DjangoStore()
    store.claim("crashed", lease=LEASE, now=NOW - 2 * LEASE)
    store.claim_many([f"k{i}" for i in range(998)], lease=LEASE, now=NOW)
    assert IdempotencyClaim.objects.filter(key="crashed").exists()
    store.claim("one-more", lease=LEASE, now=NOW)  # the 1001st claim
    assert not IdempotencyClaim.objects.filter(key="crashed").exists()
    assert IdempotencyClaim.objects.count() == 999


# --- the inbox: the contract every durable inbox is held to ---------------------------------


@pytest.fixture
def inbox() -> Iterator[DjangoInbox]:
    made = DjangoInbox()
    yield made
    made.close()


test_rejected_requests_store_nothing = test_inbox.test_rejected_requests_store_nothing
test_the_trace_context_and_the_oldest_pending_time_are_kept = (
    test_inbox.test_the_trace_context_and_the_oldest_pending_time_are_kept
)
test_duplicates_are_stored_once_and_acknowledged_every_time = (
    test_inbox.test_duplicates_are_stored_once_and_acknowledged_every_time
)
test_a_batch_becomes_one_entry_per_distinct_event = (
    test_inbox.test_a_batch_becomes_one_entry_per_distinct_event
)
test_handle_async_stores_in_a_thread_and_answers_the_same = (
    test_inbox.test_handle_async_stores_in_a_thread_and_answers_the_same
)
test_every_sample_of_every_provider_is_rebuilt_exactly = (
    test_inbox.test_every_sample_of_every_provider_is_rebuilt_exactly
)
test_worker_runs_each_event_once_and_records_it_done = (
    test_inbox.test_worker_runs_each_event_once_and_records_it_done
)
test_a_failure_is_retried_with_exponential_backoff_then_dead = (
    test_inbox.test_a_failure_is_retried_with_exponential_backoff_then_dead
)
test_dead_events_are_listed_and_replayed = test_inbox.test_dead_events_are_listed_and_replayed
test_an_event_whose_worker_died_is_taken_again_after_the_lease = (
    test_inbox.test_an_event_whose_worker_died_is_taken_again_after_the_lease
)
test_an_event_that_kills_its_worker_every_time_ends_dead = (
    test_inbox.test_an_event_that_kills_its_worker_every_time_ends_dead
)
test_heartbeat_extends_only_the_leases_still_held = (
    test_inbox.test_heartbeat_extends_only_the_leases_still_held
)
test_an_event_that_cannot_be_rebuilt_is_dead_at_once = (
    test_inbox.test_an_event_that_cannot_be_rebuilt_is_dead_at_once
)
test_with_a_store_the_worker_skips_what_is_already_done = (
    test_inbox.test_with_a_store_the_worker_skips_what_is_already_done
)
test_purge_removes_only_finished_events = test_inbox.test_purge_removes_only_finished_events
test_typed_handlers_get_typed_events_from_the_worker = (
    test_inbox.test_typed_handlers_get_typed_events_from_the_worker
)
test_an_event_held_in_the_store_by_another_worker_waits_and_logs_no_rejection = (
    test_inbox.test_an_event_held_in_the_store_by_another_worker_waits_and_logs_no_rejection
)


def test_the_inbox_is_a_durable_inbox_named_by_its_database(inbox: DjangoInbox) -> None:
    assert isinstance(inbox, DurableInbox)
    assert DjangoInbox.blocking is True
    assert inbox.location == "django:default"
    assert DjangoInbox(using="other").location == "django:other"
    assert repr(inbox) == "DjangoInbox(using='default')"
    Worker(inbox)  # accepted as it is


def test_a_done_event_is_forgotten_after_the_ttl(clock: FrozenClock) -> None:
    inbox = DjangoInbox(ttl=3600)
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
    assert InboxEvent.objects.count() == 1


def test_a_namespace_too_long_for_the_key_column_is_refused_at_startup(
    inbox: DjangoInbox, clock: FrozenClock
) -> None:
    Receiver(test_inbox._provider("kourier", clock), inbox=inbox, namespace="n" * NAMESPACE_LENGTH)
    with pytest.raises(ConfigurationError, match=f"up to {NAMESPACE_LENGTH} characters"):
        Receiver(test_inbox._provider("kourier", clock), inbox=inbox, namespace="n" * (NAMESPACE_LENGTH + 1))


def test_events_and_headers_are_stored_as_the_sqlite_inbox_stores_them(
    inbox: DjangoInbox, clock: FrozenClock
) -> None:
    receiver = deferred("courier", inbox, clock)
    sample = next(s for s in test_inbox.samples("courier") if s.type == "message:updated")
    reply = post(receiver, sample.body)
    assert reply.status == 200
    row = InboxEvent.objects.get()
    assert (row.key, row.namespace, row.type, row.state) == (
        receiver.event_key(reply.events[0]),
        "courier",
        "message:updated",
        "pending",
    )
    assert json.loads(row.payload) == reply.events[0].payload
    [(name, value)] = row.headers
    assert name.lower() == "courier-signature" and value.startswith("t=") and "signature" not in value
    assert (row.received_at, row.available_at, row.attempts, row.trace_context) == (START, START, 0, None)


class RolledBack(Exception):
    """Leaves an ``atomic`` block, rolling it back."""


def test_a_put_inside_the_callers_transaction_wakes_workers_only_once_committed(
    inbox: DjangoInbox, clock: FrozenClock
) -> None:
    receiver = deferred("kourier", inbox, clock)
    seen = inbox.arrivals
    with transaction.atomic():
        assert post(receiver, delivery(1)).status == 202
        assert inbox.arrivals == seen  # not committed yet: a worker would find nothing
    assert inbox.arrivals == seen + 1
    with contextlib.suppress(RolledBack), transaction.atomic():
        assert post(receiver, delivery(2)).status == 202
        raise RolledBack
    assert inbox.arrivals == seen + 1
    assert [json.loads(r.payload) for r in inbox.list()] == [delivery(1)]


def test_retry_and_purge_by_id_never_touch_running_or_unfinished_events(
    inbox: DjangoInbox, clock: FrozenClock
) -> None:
    receiver = deferred("kourier", inbox, clock)
    for n in range(3):
        post(receiver, delivery(n))
    first, second, third = (record.id for record in inbox.list())
    [running] = inbox.take(["kourier"], limit=1, lease=30, now=clock(), max_attempts=3)
    [failing] = inbox.take(["kourier"], limit=1, lease=30, now=clock(), max_attempts=3)
    assert (running.record.id, failing.record.id) == (first, second)  # the oldest first
    assert inbox.fail(failing, "handler: RuntimeError: x", retry_at=None, now=clock())
    assert inbox.retry([first, second, third], now=clock() + 5) == 2  # dead and pending; not running
    assert [(r.id, r.state, r.available_at) for r in inbox.list(state="pending")] == [
        (second, InboxState.PENDING, clock() + 5),
        (third, InboxState.PENDING, clock() + 5),
    ]
    with pytest.raises(ConfigurationError, match="running events cannot be retried"):
        inbox.retry(now=clock(), state="running")
    assert inbox.complete(running, now=clock())
    assert inbox.purge("done", ids=[first, second, third]) == 1
    assert inbox.purge("dead", ids=[first, second, third]) == 0
    assert [r.id for r in inbox.list()] == [second, third]


def test_take_opens_a_fresh_connection_as_django_does_between_requests(
    inbox: DjangoInbox, clock: FrozenClock
) -> None:
    """A worker thread is no request: the connection a previous event left (past
    ``CONN_MAX_AGE``, or broken by a database restart) is replaced before the next take."""
    receiver = deferred("kourier", inbox, clock)
    ran: list[Event] = []
    receiver.on_any(ran.append)
    post(receiver, delivery(1))
    connection.ensure_connection()
    connection.connection.close()  # what a database restart leaves behind
    with pytest.raises(DatabaseError):
        InboxEvent.objects.count()
    assert Worker(inbox, clock=clock).run_once() == 1
    assert ran and inbox.counts()[InboxState.DONE] == 1


def test_an_outcome_is_recorded_even_when_the_handler_broke_the_connection(
    inbox: DjangoInbox, clock: FrozenClock
) -> None:
    receiver = deferred("kourier", inbox, clock)

    @receiver.on_any
    def clumsy(event: Event) -> None:
        connection.ensure_connection()
        connection.connection.close()
        with pytest.raises(DatabaseError):
            InboxEvent.objects.count()

    post(receiver, delivery(1))
    assert Worker(inbox, clock=clock).run_once() == 1
    assert inbox.counts()[InboxState.DONE] == 1


def test_a_worker_runs_the_inbox_in_its_threads(inbox: DjangoInbox, clock: FrozenClock) -> None:
    receiver = deferred("kourier", inbox, clock)
    handled = threading.Semaphore(0)
    receiver.on_any(lambda event: handled.release())
    worker = Worker(inbox, concurrency=2, poll_interval=30)  # woken by each put, not by polling
    worker.start()
    try:
        for n in range(4):
            assert post(receiver, delivery(n)).status == 202
        for _ in range(4):
            assert handled.acquire(timeout=30)
    finally:
        assert worker.stop(timeout=30)
    assert inbox.counts()[InboxState.DONE] == 4


@pytest.mark.skipif(
    not connections[DEFAULT_DB_ALIAS].features.has_select_for_update_skip_locked,
    reason="the database has no SELECT ... FOR UPDATE SKIP LOCKED (SQLite): only PostgreSQL and the like",
)
def test_workers_on_a_database_with_row_locks_skip_each_others_rows(inbox: DjangoInbox) -> None:
    """One worker's take holds its row locked until it commits; another takes the next
    event meanwhile instead of waiting."""
    for n in range(2):
        inbox.put([InboxEntry(f"k:{n}", "k", "x", "{}", (), START)])
    holding, other = threading.Event(), threading.Event()
    taken: dict[str, list[int]] = {}
    released_early: list[bool] = []

    def first() -> None:
        try:
            with transaction.atomic():
                taken["first"] = [
                    d.record.id for d in inbox.take(["k"], limit=1, lease=30, now=START, max_attempts=3)
                ]
                holding.set()
                # Set by the other take once it returned: it did not wait for this lock.
                # Timing out here means it was waiting for this transaction to end.
                released_early.append(other.wait(timeout=10))
        finally:
            connections.close_all()

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert holding.wait(timeout=30)
        taken["second"] = [
            d.record.id for d in inbox.take(["k"], limit=1, lease=30, now=START, max_attempts=3)
        ]
    finally:
        other.set()
        thread.join(timeout=30)
    assert released_early == [True]
    assert len(set(taken["first"] + taken["second"])) == 2


def test_the_apps_names_stay_what_projects_rely_on() -> None:
    """INSTALLED_APPS entry, label, the admin's section, tables and public names."""
    from django.apps import apps

    import webhook_receiver.adapters.django.db as db

    config = apps.get_app_config("webhook_receiver")
    assert (config.name, config.verbose_name) == ("webhook_receiver.adapters.django.db", "Webhooks")
    assert config.name == db.APP
    assert sorted(db.__all__) == ["APP", "DjangoInbox", "DjangoStore", "database_problem"]
    assert IdempotencyClaim._meta.db_table == "webhook_receiver_idempotencyclaim"
    assert InboxEvent._meta.db_table == "webhook_receiver_inboxevent"
    assert [index.name for index in InboxEvent._meta.indexes] == ["webhook_inbox_ready"]
    assert [f.name for f in InboxEvent._meta.get_fields()] == [
        "id", "key", "namespace", "type", "payload", "headers", "state", "attempts", "received_at",
        "available_at", "lease_token", "lease_until", "finished_at", "last_error", "trace_context",
    ]  # fmt: skip


def test_the_migration_matches_the_models() -> None:
    call_command("makemigrations", "webhook_receiver", "--check", "--dry-run", verbosity=0)


# --- settings.WEBHOOK_RECEIVER --------------------------------------------------------------

HANDLED: list[Event] = []


def on_delivery(event: Event) -> None:
    HANDLED.append(event)


def kourier_entry(**changes: Any) -> dict[str, Any]:
    return {
        "provider": "kourier",
        "options": {"token": TOKEN},
        "handlers": {"delivery.updated": f"{__name__}.on_delivery"},
        **changes,
    }


def test_store_and_inbox_django_build_one_of_each_per_database() -> None:
    receivers = receivers_from_mapping(
        {
            "/a": kourier_entry(store="django", inbox="django", namespace="a"),
            "/b": kourier_entry(store="django:default", inbox="DJANGO", namespace="b"),
        }
    )
    a, b = receivers["/a"], receivers["/b"]
    assert isinstance(a.store, DjangoStore) and isinstance(a.inbox, DjangoInbox)
    assert a.store is b.store and a.inbox is b.inbox
    assert a.inbox.using == "default"
    assert set(a.inbox.receivers.namespaces()) == {"a", "b"}


def test_two_paths_in_one_django_inbox_need_two_namespaces() -> None:
    problems = check_mapping(
        {"/a": kourier_entry(inbox="django"), "/b": kourier_entry(inbox="django:default")}
    )
    assert [p.id for p in problems] == ["webhook_receiver.E016"]


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("django:nowhere", "E015", "settings.DATABASES has no database 'nowhere'"),
        ("django:", "E013", "not a Django database"),
        ("django://default", "E013", "not a Django database"),
    ],
)
def test_a_django_database_that_cannot_be_used_is_a_problem(value: str, code: str, message: str) -> None:
    for option in ("store", "inbox"):
        [problem] = check_mapping({"/a": kourier_entry(**{option: value})})
        assert problem.id == f"webhook_receiver.{code}"
        assert message in problem.message
        assert problem.option == option


def test_without_the_app_installed_the_problem_says_what_to_add(settings: SettingsWrapper) -> None:
    settings.INSTALLED_APPS = [app for app in settings.INSTALLED_APPS if "webhook_receiver" not in app]
    assert (
        database_problem("default")
        == "the app 'webhook_receiver.adapters.django.db' is not in INSTALLED_APPS"
    )
    [problem] = check_mapping({"/a": kourier_entry(inbox="django")})
    assert problem.id == "webhook_receiver.E015"
    assert problem.hint is not None and "INSTALLED_APPS" in problem.hint and "migrate" in problem.hint


def test_the_middleware_answers_once_the_event_is_committed_and_a_worker_runs_it(
    settings: SettingsWrapper,
) -> None:
    HANDLED.clear()
    settings.WEBHOOK_RECEIVER = {"/hooks/kourier/": kourier_entry(inbox="django", store="django")}
    settings.MIDDLEWARE = ["webhook_receiver.adapters.django.WebhookMiddleware"]
    body = json.dumps(delivery(1)).encode()
    response = Client().post(
        "/hooks/kourier/",
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert (response.status_code, response.json()) == (202, {"ok": True})
    assert HANDLED == []
    # Committed: another connection (another thread's) sees it.
    seen: list[int] = []
    reader = threading.Thread(
        target=lambda: (
            seen.append(InboxEvent.objects.filter(state="pending").count()),
            connections.close_all(),
        )
    )
    reader.start()
    reader.join(timeout=30)
    assert seen == [1]
    from webhook_receiver.adapters.django import settings_receivers

    inbox = settings_receivers()["/hooks/kourier/"].inbox
    assert isinstance(inbox, DjangoInbox)
    assert Worker(inbox).run_once() == 1
    [event] = HANDLED
    assert event.payload == delivery(1)
    assert InboxEvent.objects.get().state == "done"
    assert IdempotencyClaim.objects.get().state == "done"


def test_config_needs_django_only_when_a_mapping_asks_for_it() -> None:
    """Outside a Django project, "django" is a problem named as such, not a crash."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from webhook_receiver.config import check_mapping\n"
        "assert 'django' not in sys.modules\n"
        "[p] = check_mapping({'/a': {'provider': 'kourier', 'options': {'token': 't'}, 'inbox': 'django'}})\n"
        "print(p.id, p.message)\n"
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("webhook_receiver.E015 ")
    assert "Django's settings are not configured" in result.stdout


# --- the admin ------------------------------------------------------------------------------


@pytest.fixture
def events(clock: FrozenClock) -> dict[str, int]:
    """One event in each state, by state: their ids."""
    inbox = DjangoInbox()
    receiver = Receiver(test_inbox._provider("kourier", clock), inbox=inbox)
    receiver.on_any(lambda event: None)
    for n in range(4):
        post(receiver, delivery(n))
    done, running, dead, pending = (r.id for r in inbox.list())
    Worker(inbox, clock=clock).run_once(limit=1)
    [taken] = inbox.take(["kourier"], limit=1, lease=3600, now=clock(), max_attempts=8)
    [failed] = inbox.take(["kourier"], limit=1, lease=3600, now=clock(), max_attempts=8)
    inbox.fail(failed, "handler: RuntimeError: " + "boom " * 40, retry_at=None, now=clock())
    assert (taken.record.id, failed.record.id) == (running, dead)
    return {"done": done, "running": running, "dead": dead, "pending": pending}


@pytest.fixture
def admin_client(settings: SettingsWrapper) -> Client:
    settings.ROOT_URLCONF = ADMIN_URLS
    user = User.objects.create_superuser("admin", "admin@example.com", "admin-password")
    client = Client()
    client.force_login(user)
    return client


def rows(response: Any) -> list[int]:
    """The ids in a changelist page, in order."""
    return [
        int(found)
        for found in re.findall(r'name="_selected_action" value="(\d+)"', response.content.decode())
    ]


def test_the_list_shows_every_event_newest_first_with_its_columns(
    admin_client: Client, events: dict[str, int]
) -> None:
    response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    assert rows(response) == sorted(events.values(), reverse=True)
    page = response.content.decode()
    for column in (
        "column-state",
        "column-namespace",
        "column-type",
        "column-attempts",
        "column-received",
        "column-finished",
        "column-short_error",
    ):
        assert column in page
    assert "handler: RuntimeError: boom boom" in page
    assert "boom " * 40 not in page  # the list shows the start of the error only


@pytest.mark.parametrize("state", ["dead", "done", "running", "pending"])
def test_the_list_filters_by_state(admin_client: Client, events: dict[str, int], state: str) -> None:
    assert rows(admin_client.get(CHANGELIST, {"state__exact": state})) == [events[state]]


def test_the_list_filters_by_namespace_and_type_and_searches_keys(
    admin_client: Client, events: dict[str, int]
) -> None:
    assert len(rows(admin_client.get(CHANGELIST, {"namespace": "kourier", "type": "delivery.updated"}))) == 4
    assert rows(admin_client.get(CHANGELIST, {"namespace": "nobody"})) == []
    key = InboxEvent.objects.get(id=events["dead"]).key
    assert rows(admin_client.get(CHANGELIST, {"q": key})) == [events["dead"]]
    assert len(rows(admin_client.get(CHANGELIST, {"q": "delivery.updated"}))) == 4


def test_an_event_page_is_read_only_with_the_payload_pretty_printed(
    admin_client: Client, events: dict[str, int]
) -> None:
    response = admin_client.get(f"{CHANGELIST}{events['dead']}/change/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<pre class="webhook-payload">{\n  &quot;event&quot;: &quot;delivery.updated&quot;,' in page
    assert '<pre class="webhook-error">handler: RuntimeError: boom' in page
    assert "<textarea" not in page and 'name="_save"' not in page  # nothing to edit or save
    assert "/delete/" in page  # a dead event may go
    assert admin_client.post(f"{CHANGELIST}{events['dead']}/change/", {"type": "edited"}).status_code == 403
    assert InboxEvent.objects.get(id=events["dead"]).type == "delivery.updated"
    # A pending event cannot be deleted: it is owed its processing.
    assert admin_client.get(f"{CHANGELIST}{events['pending']}/delete/").status_code == 403
    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403


def test_the_actions_are_retry_and_purge_and_not_delete_selected(
    admin_client: Client, events: dict[str, int]
) -> None:
    page = admin_client.get(CHANGELIST).content.decode()
    assert re.findall(r'<option value="(\w+)"', page) == ["retry_events", "purge_events"]
    assert "Retry selected events" in page and "Purge selected dead/done events" in page


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_retry_makes_the_selected_events_pending_now_and_skips_running_ones(
    admin_client: Client, events: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(InboxEventAdmin, "clock", lambda: START + 100)
    response = admin_client.post(
        CHANGELIST,
        {"action": "retry_events", "index": 0, "_selected_action": list(events.values())},
        follow=True,
    )
    assert messages_of(response) == [
        "3 events will be retried now.",
        "Skipped 1 running event: a worker holds them.",
    ]
    for state, record_id in events.items():
        event = InboxEvent.objects.get(id=record_id)
        if state == "running":
            assert (event.state, event.attempts) == ("running", 1)
        else:
            assert (event.state, event.attempts, event.available_at, event.finished_at) == (
                "pending",
                0,
                START + 100,
                None,
            )


def test_purge_deletes_the_selected_done_and_dead_events_and_says_what_it_skipped(
    admin_client: Client, events: dict[str, int]
) -> None:
    response = admin_client.post(
        CHANGELIST,
        {"action": "purge_events", "index": 0, "_selected_action": list(events.values())},
        follow=True,
    )
    assert messages_of(response) == [
        "Purged 2 done or dead events.",
        "Skipped 2 pending or running events: they were acknowledged and are still owed their processing.",
    ]
    assert set(InboxEvent.objects.values_list("id", flat=True)) == {events["pending"], events["running"]}


def test_who_may_see_and_act(settings: SettingsWrapper, events: dict[str, int]) -> None:
    settings.ROOT_URLCONF = ADMIN_URLS
    client = Client()
    # Not logged in, or not staff: the login page.
    assert client.get(CHANGELIST).status_code == 302
    member = User.objects.create_user("member", password="member-password")
    client.force_login(member)
    response = client.get(CHANGELIST)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    # Staff without permissions: forbidden.
    staff = User.objects.create_user("staff", password="staff-password", is_staff=True)
    client.force_login(staff)
    assert client.get(CHANGELIST).status_code == 403
    # Allowed to view: the list and the pages, and no action to run.
    staff.user_permissions.add(Permission.objects.get(codename="view_inboxevent"))
    staff = User.objects.get(id=staff.id)  # permissions are cached on the user object
    client.force_login(staff)
    page = client.get(CHANGELIST)
    assert page.status_code == 200 and len(rows(page)) == 0  # no checkboxes without an action
    assert client.get(f"{CHANGELIST}{events['dead']}/change/").status_code == 200
    response = client.post(
        CHANGELIST, {"action": "retry_events", "index": 0, "_selected_action": [events["dead"]]}
    )
    assert InboxEvent.objects.get(id=events["dead"]).state == "dead"
    assert response.status_code in (200, 302)
    # Allowed to change: retry, not purge.
    staff.user_permissions.add(Permission.objects.get(codename="change_inboxevent"))
    staff = User.objects.get(id=staff.id)
    client.force_login(staff)
    page = client.get(CHANGELIST).content.decode()
    assert re.findall(r'<option value="(\w+)"', page) == ["retry_events"]


def test_claims_are_not_in_the_admin(admin_client: Client) -> None:
    assert admin_client.get("/admin/webhook_receiver/idempotencyclaim/").status_code == 404
    index = admin_client.get("/admin/").content.decode()
    assert "Webhooks" in index and "Inbox events" in index
