"""The worker as users run it: threads, an asyncio task, an app's lifespan, its own process.

These use the real clock: every wait is for a signal (a threading.Event, an
asyncio.Event, a line on a pipe) with a deadline, never a fixed sleep.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.test_example_asgi_wsgi import load
from webhook_receiver import Event, InboxState, Receiver, RetryPolicy, SQLiteInbox, Worker, providers
from webhook_receiver.adapters.asgi import WebhookMiddleware
from webhook_receiver.testing import sign

DEADLINE = 20.0
TOKEN = "worker-modes-token"


def delivery_body(n: int) -> bytes:
    return json.dumps(
        {"event": "delivery.updated", "delivery_id": f"d{n}", "status": "delivered", "timestamp": n}
    ).encode()


def headers_for(receiver: Receiver, body: bytes) -> dict[str, str]:
    return {"Content-Type": "application/json", **sign(receiver.provider, body)}


@pytest.fixture(params=["sqlite", "postgres"])
def inbox(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """A durable inbox on each back end: an SQLite file, a table of a real PostgreSQL server."""
    if request.param == "postgres":
        from webhook_receiver.postgres import PostgresInbox

        from .conftest import postgres_table

        opened: Any = PostgresInbox(request.getfixturevalue("postgres_url"), table=postgres_table())
        opened.create_schema()
    else:
        opened = SQLiteInbox(tmp_path / "inbox.sqlite3")
    yield opened
    opened.close()


@pytest.fixture
def receiver(inbox: SQLiteInbox) -> Receiver:
    return Receiver(providers.Kourier(token=TOKEN), inbox=inbox)


class Countdown:
    """Set once ``n`` events were handled."""

    def __init__(self, n: int) -> None:
        self.seen: list[str] = []
        self.done = threading.Event()
        self._n = n
        self._lock = threading.Lock()

    def __call__(self, event: Event) -> None:
        with self._lock:
            self.seen.append(str(event.payload["delivery_id"]))  # type: ignore[call-overload, index]
            if len(self.seen) >= self._n:
                self.done.set()


def test_threads_run_events_as_they_arrive(inbox: SQLiteInbox, receiver: Receiver) -> None:
    countdown = Countdown(40)
    receiver.on_any(countdown)
    with Worker(inbox, concurrency=3, poll_interval=30) as worker:
        # A poll interval of 30 s: only the put's wake-up can make this prompt.
        for n in range(40):
            body = delivery_body(n)
            assert receiver.handle("POST", headers_for(receiver, body), body).status == 202
        assert countdown.done.wait(DEADLINE), f"handled {len(countdown.seen)} of 40"
    assert sorted(countdown.seen) == sorted(f"d{n}" for n in range(40))
    assert inbox.counts()[InboxState.DONE] == 40
    assert worker.processed == 40


def test_stop_lets_a_running_handler_finish_and_records_it(inbox: SQLiteInbox, receiver: Receiver) -> None:
    started, release = threading.Event(), threading.Event()

    @receiver.on_any
    def slow(event: Event) -> None:
        started.set()
        assert release.wait(DEADLINE)

    worker = Worker(inbox, concurrency=1)
    worker.start()
    body = delivery_body(1)
    receiver.handle("POST", headers_for(receiver, body), body)
    assert started.wait(DEADLINE)
    outcome: list[bool] = []
    stopper = threading.Thread(target=lambda: outcome.append(worker.stop(timeout=DEADLINE)))
    stopper.start()
    release.set()
    stopper.join(DEADLINE)
    assert outcome == [True]
    assert [r.state for r in inbox.list()] == [InboxState.DONE]


def test_an_asyncio_worker_awaits_async_handlers(inbox: SQLiteInbox, receiver: Receiver) -> None:
    async def main() -> list[str]:
        seen: list[str] = []
        finished = asyncio.Event()

        @receiver.on_any
        async def handler(event: Event) -> None:
            await asyncio.sleep(0)
            seen.append(str(event.payload["delivery_id"]))  # type: ignore[call-overload, index]
            if len(seen) == 10:
                finished.set()

        async with Worker(inbox, concurrency=2, poll_interval=30).running():
            for n in range(10):
                body = delivery_body(n)
                reply = await receiver.handle_async("POST", headers_for(receiver, body), body)
                assert reply.status == 202
            await asyncio.wait_for(finished.wait(), DEADLINE)
        return seen

    assert sorted(asyncio.run(main())) == sorted(f"d{n}" for n in range(10))
    assert inbox.counts()[InboxState.DONE] == 10


def test_leaving_the_asyncio_worker_lets_the_running_handler_finish(
    inbox: SQLiteInbox, receiver: Receiver
) -> None:
    async def main() -> None:
        started, gate = asyncio.Event(), asyncio.Event()

        @receiver.on_any
        async def handler(event: Event) -> None:
            started.set()
            await gate.wait()

        async with Worker(inbox, concurrency=1).running():
            body = delivery_body(1)
            await receiver.handle_async("POST", headers_for(receiver, body), body)
            await asyncio.wait_for(started.wait(), DEADLINE)
            asyncio.get_running_loop().call_soon(gate.set)
        # Leaving the block stopped the worker only after the handler returned.

    asyncio.run(main())
    assert [r.state for r in inbox.list()] == [InboxState.DONE]


def test_a_starlette_lifespan_runs_the_worker_while_the_app_runs(
    inbox: SQLiteInbox, receiver: Receiver
) -> None:
    countdown = Countdown(5)
    receiver.on_any(countdown)
    worker = Worker(inbox, poll_interval=30)
    app = WebhookMiddleware(Starlette(lifespan=worker.lifespan), routes={"/hooks": receiver})
    with TestClient(app) as client:
        for n in range(5):
            body = delivery_body(n)
            response = client.post("/hooks", content=body, headers=headers_for(receiver, body))
            assert (response.status_code, response.json()) == (202, {"ok": True})
        assert countdown.done.wait(DEADLINE)
    assert inbox.counts()[InboxState.DONE] == 5


def test_the_deferred_example_answers_courier_200_and_processes_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEBHOOK_INBOX", str(tmp_path / "example.sqlite3"))
    example = load("deferred_app")
    done = threading.Event()
    example.receiver.on_any(lambda event: done.set())
    payload = {"type": "message:updated", "data": {"id": "m-1", "status": "DELIVERED"}}
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", **example.receiver.provider.sign(body)}
    with TestClient(example.app) as client:
        response = client.post("/webhooks/courier", content=body, headers=headers)
        assert (response.status_code, response.json()) == (200, {"ok": True})
        assert done.wait(DEADLINE)
    assert example.delivered == ["m-1"]
    assert example.inbox.counts()[InboxState.DONE] == 1


# -- `webhook-receiver worker` and `webhook-receiver inbox`, as subprocesses ---------------

APP = """
import os
from webhook_receiver import Receiver, SQLiteInbox, providers

inbox = SQLiteInbox(os.environ["INBOX"])
receiver = Receiver(providers.Kourier(token="{token}"), inbox=inbox)

@receiver.on("delivery.updated")
def handle(event):
    if event.payload.get("fail"):
        raise RuntimeError("cannot reach the warehouse for " + event.delivery_id)
    with open(os.environ["EFFECTS"], "a") as effects:
        effects.write(event.delivery_id + "\\n")
"""


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    (tmp_path / "hooks_app.py").write_text(APP.format(token=TOKEN))
    return tmp_path


def cli(app_dir: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "webhook_receiver", *args],
        cwd=app_dir,
        env=_env(app_dir),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _env(app_dir: Path) -> dict[str, str]:
    return {**os.environ, "INBOX": str(app_dir / "inbox.sqlite3"), "EFFECTS": str(app_dir / "effects.txt")}


def store_events(app_dir: Path, *payloads: dict[str, Any]) -> SQLiteInbox:
    inbox = SQLiteInbox(app_dir / "inbox.sqlite3")
    receiver = Receiver(providers.Kourier(token=TOKEN), inbox=inbox)
    for payload in payloads:
        body = json.dumps(payload).encode()
        assert receiver.handle("POST", headers_for(receiver, body), body).status == 202
    return inbox


def test_worker_once_runs_what_is_due_and_inbox_commands_manage_dead_letters(app_dir: Path) -> None:
    inbox = store_events(
        app_dir,
        {"event": "delivery.updated", "delivery_id": "ok-1", "status": "delivered", "timestamp": 1},
        {
            "event": "delivery.updated",
            "delivery_id": "bad-2",
            "status": "delivered",
            "timestamp": 2,
            "fail": True,
        },
    )
    ran = cli(app_dir, "worker", "hooks_app:receiver", "--once", "--max-attempts", "1")
    assert ran.returncode == 0, ran.stderr
    assert "ran 2 event(s)" in ran.stderr
    assert (app_dir / "effects.txt").read_text() == "ok-1\n"

    listing = cli(app_dir, "inbox", "list", "--inbox", "inbox.sqlite3")
    assert listing.returncode == 0
    assert listing.stdout.splitlines()[0] == "pending: 0  running: 0  done: 1  dead: 1"
    assert "RuntimeError: cannot reach the warehouse for bad-2" in listing.stdout

    as_json = cli(app_dir, "inbox", "list", "--state", "dead", "--json", "--inbox", "inbox.sqlite3")
    [dead] = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert (dead["state"], dead["attempts"], dead["type"]) == ("dead", 1, "delivery.updated")

    shown = cli(app_dir, "inbox", "show", str(dead["id"]), "--json", "--inbox", "inbox.sqlite3")
    document = json.loads(shown.stdout)
    assert document["payload"]["delivery_id"] == "bad-2"
    assert document["key"] == dead["key"]
    assert cli(app_dir, "inbox", "show", dead["key"], "--inbox", "inbox.sqlite3").returncode == 0
    assert cli(app_dir, "inbox", "show", "999", "--inbox", "inbox.sqlite3").returncode == 1

    # Fix the "bug", replay the dead letter, run the worker again.
    (app_dir / "hooks_app.py").write_text(
        APP.format(token=TOKEN).replace('event.payload.get("fail")', "False")
    )
    replayed = cli(app_dir, "inbox", "retry", "--dead", "--inbox", "inbox.sqlite3")
    assert replayed.stdout.strip() == "1 event(s) pending again"
    assert cli(app_dir, "worker", "hooks_app:receiver", "--once").returncode == 0
    assert (app_dir / "effects.txt").read_text() == "ok-1\nbad-2\n"
    assert inbox.counts()[InboxState.DONE] == 2

    purged = cli(app_dir, "inbox", "purge", "--done", "--inbox", "inbox.sqlite3")
    assert purged.stdout.strip() == "2 done event(s) purged"
    assert sum(inbox.counts().values()) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("inbox", "list"), "name the inbox (a file, a postgresql:// URL) with --inbox"),
        (("inbox", "list", "--inbox", "inbox.sqlite3", "--table", "t"), "--table is for a PostgreSQL inbox"),
        (("inbox", "list", "--inbox", "hooks_app:handle"), "hooks_app:handle is not a durable inbox"),
        (("db", "init", "sqlite:///x.db"), "db init takes a postgresql:// URL"),
        (("worker", "hooks_app:receiver", "--table", "t"), "--table goes with --inbox postgresql://"),
        (("inbox", "list", "--inbox", "missing.sqlite3"), "no inbox at 'missing.sqlite3'"),
        (("inbox", "retry", "--inbox", "inbox.sqlite3"), "name event ids, or --dead"),
        (("inbox", "purge", "--inbox", "inbox.sqlite3"), "one of the arguments --done --dead is required"),
        (("worker", "hooks_app"), "is not MODULE:ATTRIBUTE"),
        (("worker", "no_such_module:receiver"), "cannot import 'no_such_module'"),
        (("worker", "hooks_app:nothing"), "has no attribute 'nothing'"),
        (("worker", "hooks_app:handle"), "is not a Receiver with a durable inbox"),
        (("worker", "hooks_app:receiver", "--concurrency", "0"), "concurrency must be"),
        (("worker", "hooks_app:receiver", "--log-level", "LOUD"), "unknown --log-level"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(app_dir: Path, args: tuple[str, ...], message: str) -> None:
    store_events(app_dir)
    result = cli(app_dir, *args)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_worker_process_runs_until_sigterm_then_stops_cleanly(app_dir: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "webhook_receiver", "worker", "hooks_app:receiver", "--poll", "0.05"],
        cwd=app_dir,
        env=_env(app_dir),
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        assert "worker: running kourier from" in process.stderr.readline()
        inbox = store_events(
            app_dir,
            {"event": "delivery.updated", "delivery_id": "live-1", "status": "delivered", "timestamp": 3},
        )
        deadline = threading.Event()
        for _ in range(int(DEADLINE / 0.05)):
            if inbox.counts()[InboxState.DONE] == 1:
                break
            deadline.wait(0.05)
        assert inbox.counts()[InboxState.DONE] == 1
        process.send_signal(signal.SIGTERM)
        assert process.wait(DEADLINE) == 0
        assert "stopped after 1 attempt(s)" in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()
    assert (app_dir / "effects.txt").read_text() == "live-1\n"


def test_retry_policy_options_reach_the_worker(app_dir: Path) -> None:
    store_events(
        app_dir,
        {
            "event": "delivery.updated",
            "delivery_id": "bad-1",
            "status": "delivered",
            "timestamp": 4,
            "fail": True,
        },
    )
    result = cli(
        app_dir, "worker", "hooks_app:receiver", "--once", "--initial-backoff", "600", "--max-backoff", "600"
    )
    assert result.returncode == 0
    [record] = SQLiteInbox(app_dir / "inbox.sqlite3").list()
    assert record.state is InboxState.PENDING
    assert 300 <= record.available_at - record.received_at <= 601
    assert RetryPolicy(initial=600, maximum=600).delay(1) <= 600


DJANGO_APP = """
import os
from django.apps import apps
from django.conf import settings
from webhook_receiver import Receiver, SQLiteInbox, providers

apps.check_apps_ready()  # raises unless django.setup() ran before this import
receiver = Receiver(providers.Kourier(token="{token}"), inbox=SQLiteInbox(os.environ["INBOX"]))

@receiver.on("delivery.updated")
def handle(event):
    with open(os.environ["EFFECTS"], "a") as effects:
        effects.write(event.delivery_id + " " + settings.ROOT_URLCONF + "\\n")
"""


def test_worker_setup_runs_first_so_django_handlers_can_use_settings(app_dir: Path) -> None:
    (app_dir / "django_hooks.py").write_text(DJANGO_APP.format(token=TOKEN))
    store_events(
        app_dir, {"event": "delivery.updated", "delivery_id": "dj-1", "status": "delivered", "timestamp": 5}
    )
    root = str(Path(__file__).resolve().parent.parent)
    env = {**_env(app_dir), "DJANGO_SETTINGS_MODULE": "tests.adapters.django_settings", "PYTHONPATH": root}
    command = [sys.executable, "-m", "webhook_receiver", "worker", "django_hooks:receiver", "--once"]
    without = subprocess.run(command, cwd=app_dir, env=env, capture_output=True, text=True, timeout=60)
    assert without.returncode != 0 and "AppRegistryNotReady" in without.stderr
    ran = subprocess.run(
        [*command, "--setup", "django:setup"],
        cwd=app_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.returncode == 0, ran.stderr
    assert (app_dir / "effects.txt").read_text() == "dj-1 tests.adapters.django_urls\n"
    bad = cli(app_dir, "worker", "hooks_app:receiver", "--setup", "os:sep")
    assert (bad.returncode, bad.stderr.strip()) == (
        2,
        "webhook-receiver: error: --setup os:sep is not callable",
    )


SETTINGS_APP = """
import os

WEBHOOK_RECEIVER = {{
    "/hooks/kourier": {{
        "provider": "kourier",
        "options": {{"token_env": "KOURIER_TOKEN"}},
        "inbox": "sqlite:" + os.environ["INBOX"],
        "handlers": {{"delivery.*": "settings_app.record"}},
    }},
}}


def record(event):
    with open(os.environ["EFFECTS"], "a") as effects:
        effects.write(event.delivery_id + "\\n")
"""


def test_a_worker_process_runs_the_receivers_of_a_settings_mapping(app_dir: Path) -> None:
    """``webhook-receiver worker myproject.settings:WEBHOOK_RECEIVER``: the framework-free
    configuration (webhook_receiver.config) builds the receivers the worker is handed."""
    (app_dir / "settings_app.py").write_text(SETTINGS_APP.format())
    store_events(app_dir, {"event": "delivery.updated", "delivery_id": "m-1", "status": "delivered"})
    environment = {**_env(app_dir), "KOURIER_TOKEN": TOKEN}
    ran = subprocess.run(
        [sys.executable, "-m", "webhook_receiver", "worker", "settings_app:WEBHOOK_RECEIVER", "--once"],
        cwd=app_dir,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    assert (app_dir / "effects.txt").read_text() == "m-1\n"
    missing = subprocess.run(
        [sys.executable, "-m", "webhook_receiver", "worker", "settings_app:WEBHOOK_RECEIVER", "--once"],
        cwd=app_dir,
        env=_env(app_dir),  # no KOURIER_TOKEN
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert missing.returncode == 2
    assert "KOURIER_TOKEN" in missing.stderr
    assert TOKEN not in missing.stderr


def test_inbox_commands_take_an_inbox_of_your_own_by_module_and_attribute(app_dir: Path) -> None:
    (app_dir / "plugged_inbox.py").write_text((Path(__file__).parent / "plugged_inbox.py").read_text())
    listing = cli(app_dir, "inbox", "list", "--inbox", "plugged_inbox:INBOX")
    assert listing.returncode == 0, listing.stderr
    assert listing.stdout.splitlines()[0] == "pending: 2  running: 0  done: 0  dead: 0"
    shown = cli(app_dir, "inbox", "show", "kourier:2", "--json", "--inbox", "plugged_inbox:INBOX")
    assert json.loads(shown.stdout)["payload"] == {"n": 2}
