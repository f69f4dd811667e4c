"""CeleryInbox end to end: a real Celery worker process, a real Redis broker, real HTTP requests.

The web side is a Starlette app with the ASGI middleware, driven by its test client;
the worker is ``python -m celery -A tests.celery_app worker --pool=solo`` (prefork for
the test that kills a pool process), whose handlers report to the test through Redis
(``RPUSH``; the test ``BLPOP``s with a timeout). Every wait is bounded. Because one
solo worker runs tasks in the order they were published, "the handler ran once" is
checked after a later event (a barrier) has completed, not after a sleep.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import redis
from celery import Celery
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.testclient import TestClient

from webhook_receiver import (
    ConfigurationError,
    InboxEntry,
    MissingDependency,
    Receiver,
    RetryPolicy,
    providers,
)
from webhook_receiver.adapters.asgi import WebhookMiddleware
from webhook_receiver.celery_inbox import CeleryInbox, DeadEvent

ROOT = Path(__file__).resolve().parent.parent
WAIT = 20
"""Seconds any one wait may take before the test fails (typically well under one)."""


def database(redis_url: str, number: int) -> str:
    """``redis_url`` with another database number."""
    return f"{redis_url.rsplit('/', 1)[0]}/{number}"


@pytest.fixture(scope="module")
def tasks(redis_url: str) -> Iterator[ModuleType]:
    """tests.celery_app, imported with its broker on Redis database 5 (flushed first)."""
    url = database(redis_url, 5)
    with redis.Redis.from_url(url) as client:
        client.flushdb()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WEBHOOK_RECEIVER_CELERY_URL", url)
        patch.delitem(sys.modules, "tests.celery_app", raising=False)
        module = importlib.import_module("tests.celery_app")
    yield module
    module.signals.flushdb()
    module.app.close()
    module.store.close()
    module.signals.close()
    sys.modules.pop("tests.celery_app", None)


def worker_command(app: str, *options: str, pool: str = "solo") -> list[str]:
    """``celery worker`` for ``app``: one process (solo pool) by default, no chatter between workers."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        app,
        "worker",
        f"--pool={pool}",
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        *options,
    ]


def worker_env(**variables: str) -> dict[str, str]:
    """The environment for a worker: this one, less pytest-django's settings (Celery would set Django up)."""
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    return {**env, **variables}


class Workers:
    """Celery worker processes for tests.celery_app, each logging to its own file."""

    def __init__(self, tasks: ModuleType, log_dir: Path) -> None:
        self.tasks = tasks
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen[bytes]] = []
        self.current: subprocess.Popen[bytes] | None = None

    def log(self, process: subprocess.Popen[bytes]) -> str:
        return (self.log_dir / f"worker-{process.pid}.log").read_text(errors="replace")

    def start(self, *options: str, pool: str = "solo") -> subprocess.Popen[bytes]:
        """Start a worker and return once it is consuming (it reports through Redis)."""
        log_path = self.log_dir / f"worker-{len(self.processes)}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                worker_command(
                    "tests.celery_app",
                    "-Q",
                    self.tasks.QUEUE,
                    "-n",
                    f"test-{len(self.processes)}@%h",
                    *options,
                    pool=pool,
                ),
                cwd=ROOT,
                env=worker_env(WEBHOOK_RECEIVER_CELERY_URL=self.tasks.URL),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        log_path.rename(self.log_dir / f"worker-{process.pid}.log")
        self.processes.append(process)
        deadline = time.monotonic() + WAIT
        while True:
            item = self.tasks.signals.blpop(["ready"], timeout=1)
            if item is not None and int(item[1]) == process.pid:
                self.current = process
                return process
            if process.poll() is not None or time.monotonic() > deadline:
                self.stop(process)
                pytest.fail(f"the Celery worker did not start:\n{self.log(process)}")

    def running(self) -> subprocess.Popen[bytes]:
        """The current worker, started if there is none (or it was killed)."""
        if self.current is None or self.current.poll() is not None:
            return self.start()
        return self.current

    def stop_current(self) -> None:
        """Stop the current worker (the next test that needs one starts another)."""
        if self.current is not None:
            self.stop(self.current)
            self.current = None

    @staticmethod
    def stop(process: subprocess.Popen[bytes]) -> None:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            self.stop(process)


@pytest.fixture(scope="module")
def workers(tasks: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workers]:
    pool = Workers(tasks, tmp_path_factory.mktemp("celery"))
    try:
        yield pool
    finally:
        pool.stop_all()


@pytest.fixture
def worker(workers: Workers) -> subprocess.Popen[bytes]:
    """A running worker process."""
    return workers.running()


@pytest.fixture(scope="module")
def client(tasks: ModuleType) -> Iterator[TestClient]:
    """The web side: a Starlette app whose receivers publish to Celery."""
    routes = {"/hooks/kourier": tasks.kourier_receiver, "/hooks/courier": tasks.courier_receiver}
    app = Starlette(middleware=[Middleware(WebhookMiddleware, routes=routes)])
    with TestClient(app) as test_client:
        yield test_client


def kourier_body(delivery_id: str, status: str = "delivered") -> bytes:
    return json.dumps({"event": "delivery.updated", "delivery_id": delivery_id, "status": status}).encode()


def post(client: TestClient, path: str, provider: providers.Provider, body: bytes) -> Any:
    headers = {"Content-Type": "application/json", **provider.sign(body)}
    return client.post(path, content=body, headers=headers)


def post_kourier(client: TestClient, tasks: ModuleType, body: bytes) -> Any:
    return post(client, "/hooks/kourier", providers.Kourier(token=tasks.KOURIER_TOKEN), body)


def wait(tasks: ModuleType, key: str) -> Any:
    """The next item on Redis list ``key`` (JSON decoded), waiting at most ``WAIT`` seconds."""
    item = tasks.signals.blpop([key], timeout=WAIT)
    assert item is not None, f"nothing on {key!r} within {WAIT} s"
    return json.loads(item[1])


def barrier(client: TestClient, tasks: ModuleType) -> None:
    """Return once the worker has finished everything published before now."""
    ident = f"ok-barrier-{uuid.uuid4().hex}"
    assert post_kourier(client, tasks, kourier_body(ident)).status_code == 202
    wait(tasks, f"done:{ident}")


def counter(tasks: ModuleType, key: str) -> int:
    return int(tasks.signals.get(key) or 0)


def listed(tasks: ModuleType, key: str) -> list[Any]:
    return [json.loads(item) for item in tasks.signals.lrange(key, 0, -1)]


# -- the inbox on its own --------------------------------------------------------------


def test_the_task_is_registered_with_late_acks() -> None:
    app = Celery("registration", broker="memory://")
    try:
        inbox = CeleryInbox(app, retry=RetryPolicy(max_attempts=5), queue="hooks")
        task = inbox.task
        assert task is app.tasks["webhook_receiver.process"]
        assert (task.acks_late, task.reject_on_worker_lost, task.max_retries) == (True, True, 4)
        assert (task.serializer, task.ignore_result, task.store_errors_even_if_ignored) == (
            "json",
            True,
            True,
        )
        assert (inbox.app, inbox.queue, inbox.retry) == (app, "hooks", RetryPolicy(max_attempts=5))
        assert CeleryInbox.blocking is True
        with pytest.raises(ConfigurationError, match="already has a task named"):
            CeleryInbox(app)
        assert CeleryInbox(app, task_name="other.process").task.name == "other.process"
        for bad in ({"publish_retries": -1}, {"queue": ""}, {"task_name": ""}, {"retry": 3}):
            with pytest.raises(ConfigurationError):
                CeleryInbox(app, **{"task_name": "bad", **bad})
        with pytest.raises(ConfigurationError, match=r"celery\.Celery"):
            CeleryInbox(object())
    finally:
        app.close()


def test_the_task_is_not_registered_on_other_apps() -> None:
    first, second = Celery("first", broker="memory://"), Celery("second", broker="memory://")
    try:
        CeleryInbox(first, task_name="only.first")
        assert "only.first" not in second.tasks
    finally:
        first.close()
        second.close()


def test_receivers_are_attached_by_namespace() -> None:
    app = Celery("attach", broker="memory://")
    try:
        inbox = CeleryInbox(app)
        receiver = Receiver(providers.Kourier(token="t"), inbox=inbox, namespace="shipping")
        assert inbox.receivers.get("shipping") is receiver
        assert inbox.receivers.namespaces() == ("shipping",)
    finally:
        app.close()


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://:s3cret@cache:6379/0", "redis://:***@cache:6379/0"),
        ("amqp://guest:s3cret@rabbit:5672//", "amqp://guest:***@rabbit:5672//"),
        ("redis://cache:6379/0?password=s3cret&db=1", "redis://cache:6379/0?password=***&db=1"),
        (
            "sentinel://:s3cret@a:26379;sentinel://:s3cret@b:26379",
            "sentinel://:***@a:26379;sentinel://:***@b:26379",
        ),
        ("redis://cache:6379/0", "redis://cache:6379/0"),
    ],
)
def test_repr_never_shows_the_broker_password(url: str, shown: str) -> None:
    app = Celery("repr", broker=url)
    try:
        text = repr(CeleryInbox(app))
        assert "s3cret" not in text
        assert text == f"CeleryInbox(broker={shown!r}, task='webhook_receiver.process')"
    finally:
        app.close()


def test_missing_celery_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "celery", None)
    monkeypatch.delitem(sys.modules, "webhook_receiver.celery_inbox")
    monkeypatch.delitem(sys.modules, "webhook_receiver.delivery.celery_inbox")  # where it lives now
    with pytest.raises(MissingDependency) as info:
        importlib.import_module("webhook_receiver.celery_inbox")
    assert "pip install 'webhook-receiver[celery]'" in str(info.value)


def test_a_short_visibility_timeout_is_warned_about_once(
    caplog: pytest.LogCaptureFixture, redis_url: str
) -> None:
    url = database(redis_url, 7)
    app = Celery("visibility", broker=url)
    app.conf.broker_transport_options = {"visibility_timeout": 60}
    entry = InboxEntry("kourier:k", "kourier", "delivery.updated", "{}", (), 0.0)
    try:
        inbox = CeleryInbox(app, retry=RetryPolicy(max_attempts=8, initial=2.0))  # waits up to 128 s
        with caplog.at_level(logging.WARNING, logger="webhook_receiver"):
            inbox.put([])  # nothing to publish, nothing checked
            assert not caplog.records
            inbox.put([entry])
            inbox.put([entry])
        assert [r.getMessage() for r in caplog.records] == [
            "the Redis broker's visibility_timeout (60 s) is not above the longest retry backoff (128 s): "
            "a retried event may be delivered twice; raise it in broker_transport_options"
        ]
    finally:
        app.close()
        with redis.Redis.from_url(url) as admin:
            admin.flushdb()


# -- end to end through a real worker -----------------------------------------------------


def test_events_are_accepted_then_run_once_by_the_worker_as_typed_events(
    client: TestClient, tasks: ModuleType, worker: subprocess.Popen[bytes]
) -> None:
    delivery = f"ok-{uuid.uuid4().hex}"
    response = post_kourier(client, tasks, kourier_body(delivery))
    assert (response.status_code, response.json()) == (202, {"ok": True})
    message = f"m-{uuid.uuid4().hex}"
    courier_body = json.dumps(
        {"type": "message:updated", "data": {"id": message, "status": "DELIVERED", "recipient": "r-1"}}
    ).encode()
    response = post(client, "/hooks/courier", providers.Courier(secret=tasks.COURIER_SECRET), courier_body)
    assert response.status_code == 200  # what Courier asks for, deferred or not

    assert wait(tasks, f"done:{delivery}") == {
        "class": "webhook_receiver.providers.kourier.DeliveryUpdated",
        "delivery_id": delivery,
        "status": "delivered",
        "status_known": True,
        "attempt": 1,
        "pid": worker.pid,
    }
    assert wait(tasks, f"done:{message}") == {
        "class": "webhook_receiver.providers.courier.MessageUpdated",
        "message_id": message,
        "status": "DELIVERED",
        "recipient": "r-1",
        "attempt": 1,
        "pid": worker.pid,
    }
    barrier(client, tasks)
    assert (counter(tasks, f"attempts:{delivery}"), counter(tasks, f"attempts:{message}")) == (1, 1)
    assert tasks.signals.llen(f"done:{delivery}") == tasks.signals.llen(f"done:{message}") == 0


def test_a_duplicate_delivery_runs_its_handler_once(
    client: TestClient, tasks: ModuleType, worker: subprocess.Popen[bytes]
) -> None:
    delivery = f"ok-{uuid.uuid4().hex}"
    body = kourier_body(delivery)
    assert post_kourier(client, tasks, body).status_code == 202
    assert post_kourier(client, tasks, body).status_code == 202  # the sender's retry: published again
    assert wait(tasks, f"done:{delivery}")["attempt"] == 1
    barrier(client, tasks)  # the second task has run too, and found the event done in the store
    assert counter(tasks, f"attempts:{delivery}") == 1
    assert tasks.signals.llen(f"done:{delivery}") == 0
    assert listed(tasks, f"failed:{delivery}") == []


def test_a_failing_handler_is_retried_by_celery_until_it_succeeds(
    client: TestClient, tasks: ModuleType, worker: subprocess.Popen[bytes]
) -> None:
    delivery = f"flaky-{uuid.uuid4().hex}"
    assert post_kourier(client, tasks, kourier_body(delivery)).status_code == 202
    assert wait(tasks, f"done:{delivery}")["attempt"] == 3
    assert listed(tasks, f"retried:{delivery}") == [0, 1]  # Celery's retries, before attempts 2 and 3
    assert counter(tasks, f"attempts:{delivery}") == 3
    assert listed(tasks, f"failed:{delivery}") == []


def test_an_event_that_always_fails_is_dead_after_max_attempts(
    client: TestClient, tasks: ModuleType, workers: Workers, worker: subprocess.Popen[bytes]
) -> None:
    delivery = f"doomed-{uuid.uuid4().hex}"
    assert post_kourier(client, tasks, kourier_body(delivery)).status_code == 202
    failure = wait(tasks, f"failed:{delivery}")  # Celery's task_failure: the dead letter
    assert failure["exception"] == DeadEvent.__name__
    assert f"is dead after {tasks.MAX_ATTEMPTS} attempt(s)" in failure["message"]
    assert "RuntimeError: doomed attempt 3" in failure["message"]
    assert counter(tasks, f"attempts:{delivery}") == tasks.MAX_ATTEMPTS
    assert listed(tasks, f"retried:{delivery}") == [0, 1]
    assert "kourier 'delivery.updated' event kourier:" in workers.log(worker)
    assert "is dead after 3 attempt(s)" in workers.log(worker)
    # The dead letter, as a result backend keeps it: the failure and the event, for a replay.
    result = tasks.app.AsyncResult(failure["task_id"])
    assert result.state == "FAILURE"
    assert isinstance(result.result, DeadEvent)
    assert str(result.result) == failure["message"]
    assert json.loads(result.kwargs["payload"])["delivery_id"] == delivery
    assert result.kwargs["namespace"] == "kourier"
    # A replay of the dead letter runs it again, with a fresh count of attempts.
    tasks.inbox.task.apply_async(kwargs=result.kwargs, queue=tasks.inbox.queue)
    assert "is dead after 3 attempt(s)" in wait(tasks, f"failed:{delivery}")["message"]
    assert counter(tasks, f"attempts:{delivery}") == 2 * tasks.MAX_ATTEMPTS


@pytest.mark.parametrize(
    ("namespace", "payload", "reason"),
    [
        ("nobody", {"delivery_id": "unclaimed"}, "no receiver is attached for namespace 'nobody'"),
        ("kourier", {"event": "delivery.updated", "delivery_id": "broken"}, "cannot be rebuilt"),
    ],
)
def test_an_event_that_cannot_be_run_is_dead_at_once(
    tasks: ModuleType, worker: subprocess.Popen[bytes], namespace: str, payload: dict[str, str], reason: str
) -> None:
    payload = {**payload, "delivery_id": f"{payload['delivery_id']}-{uuid.uuid4().hex}"}
    delivery = payload["delivery_id"]
    tasks.inbox.task.apply_async(
        kwargs={
            "key": f"{namespace}:{delivery}",
            "namespace": namespace,
            "event_type": "delivery.updated",
            "payload": json.dumps(payload),
            "headers": [],
            "received_at": time.time(),
        },
        queue=tasks.QUEUE,
    )
    failure = wait(tasks, f"failed:{delivery}")
    assert failure["exception"] == DeadEvent.__name__
    assert "is dead after 1 attempt(s)" in failure["message"]
    assert reason in failure["message"]
    assert listed(tasks, f"retried:{delivery}") == []


def test_a_broker_that_is_down_gets_503_promptly_and_the_retry_is_processed(
    client: TestClient, tasks: ModuleType, worker: subprocess.Popen[bytes]
) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    down = Celery("down", broker=f"redis://127.0.0.1:{closed}/0")
    try:
        receiver = Receiver(providers.Kourier(token=tasks.KOURIER_TOKEN), inbox=CeleryInbox(down))
        app = Starlette(middleware=[Middleware(WebhookMiddleware, routes={"/hooks/kourier": receiver})])
        delivery = f"ok-{uuid.uuid4().hex}"
        body = kourier_body(delivery)
        with TestClient(app) as down_client:
            started = time.monotonic()
            response = post_kourier(down_client, tasks, body)
            elapsed = time.monotonic() - started
        assert (response.status_code, response.json()) == (503, {"error": "store_unavailable"})
        assert "retry-after" in response.headers
        assert elapsed < 5, f"the 503 took {elapsed:.1f} s"
    finally:
        down.close()
    # The sender retries later (here: once the broker is back), and nothing is lost.
    assert post_kourier(client, tasks, body).status_code == 202
    assert wait(tasks, f"done:{delivery}")["attempt"] == 1


def test_an_event_whose_worker_is_killed_mid_handler_is_delivered_again(
    client: TestClient, tasks: ModuleType, workers: Workers, worker: subprocess.Popen[bytes]
) -> None:
    delivery = f"slow-{uuid.uuid4().hex}"
    assert post_kourier(client, tasks, kourier_body(delivery)).status_code == 202
    assert wait(tasks, f"started:{delivery}") == worker.pid
    os.killpg(worker.pid, signal.SIGKILL)  # the whole worker, mid-handler: nothing acknowledged
    worker.wait(timeout=WAIT)
    replacement = workers.start()
    # Redis gives the unacknowledged task back after the visibility timeout, the
    # killed run's claim in the store has run out, and the handler runs to the end.
    done = wait(tasks, f"done:{delivery}")
    assert (done["attempt"], done["pid"]) == (2, replacement.pid)
    assert listed(tasks, f"failed:{delivery}") == []


def test_an_event_whose_worker_process_is_killed_is_given_back_at_once(
    client: TestClient, tasks: ModuleType, workers: Workers
) -> None:
    workers.stop_current()
    parent = workers.start("--concurrency=1", pool="prefork")
    try:
        delivery = f"slow-{uuid.uuid4().hex}"
        assert post_kourier(client, tasks, kourier_body(delivery)).status_code == 202
        child = wait(tasks, f"started:{delivery}")
        assert child != parent.pid
        os.kill(child, signal.SIGKILL)  # the pool process only: its parent sees it die
        # reject_on_worker_lost: the parent gives the message back to the broker (no
        # visibility timeout to wait for), and a new pool process runs it to the end.
        done = wait(tasks, f"done:{delivery}")
        assert done["attempt"] == 2
        assert done["pid"] not in (child, parent.pid)
        assert listed(tasks, f"failed:{delivery}") == []
    finally:
        workers.stop_current()


# -- the example ------------------------------------------------------------------------


def test_the_celery_example_runs_an_event_end_to_end(redis_url: str, tmp_path: Path) -> None:
    url = database(redis_url, 6)
    with redis.Redis.from_url(url) as admin:
        admin.flushdb()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REDIS_URL", url)
        spec = importlib.util.spec_from_file_location(
            "example_celery_app", ROOT / "examples" / "celery_app.py"
        )
        assert spec is not None and spec.loader is not None
        example = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(example)
    delivery = f"d-{uuid.uuid4().hex}"
    try:
        with TestClient(example.app) as web:
            assert web.get("/health").json() == {"status": "ok"}
            body = kourier_body(delivery, "in_transit")
            response = post(web, "/hooks/kourier", providers.Kourier(token="demo-kourier-token"), body)
            assert response.status_code == 202
        assert example.received == []  # accepted, not run: that is the worker's job
    finally:
        example.celery.close()
        example.store.close()
    # The worker, started as the example's docstring says.
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            worker_command("celery_app:celery"),
            cwd=ROOT / "examples",
            env=worker_env(REDIS_URL=url),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        expected = f"delivery {delivery} is now in_transit"
        deadline = time.monotonic() + WAIT
        while expected not in log_path.read_text(errors="replace"):
            assert process.poll() is None, log_path.read_text(errors="replace")
            assert time.monotonic() < deadline, f"no {expected!r} within {WAIT} s"
            time.sleep(0.05)
    finally:
        Workers.stop(process)
        with redis.Redis.from_url(url) as admin:
            admin.flushdb()
