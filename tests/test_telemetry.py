"""Metrics and traces through OpenTelemetry: every name, every outcome, inline and deferred.

The SDK's in-memory reader and exporter are handed to the library with
``telemetry.instrument(meter_provider=..., tracer_provider=...)`` (never set as
OpenTelemetry's global providers, which can be set once per process); the fixture
goes back to the global ones afterwards. Durations come from a stepped timer (each
reading 0.25 s after the last), time from a FrozenClock; nothing sleeps.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from celery import Celery
from flask import Flask
from opentelemetry import trace as otel_trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.testclient import TestClient

import webhook_receiver
from webhook_receiver import (
    Event,
    InboxEntry,
    MemoryStore,
    MissingDependency,
    Receiver,
    RetryPolicy,
    SQLiteInbox,
    Worker,
    _telemetry,
    providers,
    telemetry,
)
from webhook_receiver.adapters.asgi import WebhookMiddleware
from webhook_receiver.adapters.flask import ALL_METHODS, webhook
from webhook_receiver.celery_inbox import CeleryInbox
from webhook_receiver.testing import FrozenClock, sign

ROOT = Path(__file__).resolve().parent.parent
START = 1_700_000_000.0
STEP = 0.25
"""Seconds between two readings of the stepped duration timer."""


@dataclass
class Recorded:
    """What the SDK's in-memory reader and exporter saw."""

    reader: InMemoryMetricReader
    exporter: InMemorySpanExporter

    def points(self, name: str) -> list[tuple[dict[str, Any], Any]]:
        """The data points of metric ``name``: (attributes, point), from the library's meter only."""
        found: list[tuple[dict[str, Any], Any]] = []
        data = self.reader.get_metrics_data()
        for resource in data.resource_metrics if data is not None else ():
            for scope in resource.scope_metrics:
                assert scope.scope.name == "webhook_receiver"
                assert scope.scope.version == webhook_receiver.__version__
                for metric in scope.metrics:
                    if metric.name == name:
                        found.extend(
                            (dict(point.attributes or {}), point) for point in metric.data.data_points
                        )
        return found

    def value(self, name: str, **attributes: Any) -> Any:
        """The one point of ``name`` whose attributes are exactly ``attributes``."""
        matching = [point for found, point in self.points(name) if found == attributes]
        assert len(matching) == 1, (name, attributes, self.points(name))
        return matching[0]

    def spans(self, name: str | None = None) -> list[ReadableSpan]:
        finished = list(self.exporter.get_finished_spans())
        return [span for span in finished if name is None or span.name == name]


@pytest.fixture
def otel(monkeypatch: pytest.MonkeyPatch) -> Iterator[Recorded]:
    reader = InMemoryMetricReader()
    meters = MeterProvider(metric_readers=[reader], shutdown_on_exit=False)
    exporter = InMemorySpanExporter()
    tracers = TracerProvider(shutdown_on_exit=False)
    tracers.add_span_processor(SimpleSpanProcessor(exporter))
    steps = count()
    monkeypatch.setattr(_telemetry, "_timer", lambda: next(steps) * STEP)
    telemetry.instrument(meter_provider=meters, tracer_provider=tracers)
    try:
        yield Recorded(reader, exporter)
    finally:
        telemetry.instrument()  # back to the global providers, as every other test expects
        meters.shutdown()
        tracers.shutdown()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


def delivery(n: int) -> bytes:
    return json.dumps(
        {
            "event": "delivery.updated",
            "delivery_id": f"d{n}",
            "status": "in_transit",
            "timestamp": "2024-01-01T00:00:00Z",
        }
    ).encode()


def post(receiver: Receiver, body: bytes, **extra: str) -> Any:
    headers = {"Content-Type": "application/json", **sign(receiver.provider, body), **extra}
    return receiver.handle("POST", headers, body)


def kourier(clock: FrozenClock, **options: Any) -> Receiver:
    return Receiver(providers.Kourier(token="kourier-token", clock=clock), **options)


# -- the names are public -------------------------------------------------------------


def test_metric_span_and_attribute_names_never_change() -> None:
    assert telemetry.METRIC_NAMES == (
        "webhook_receiver.requests",
        "webhook_receiver.verification.duration",
        "webhook_receiver.parsing.duration",
        "webhook_receiver.handler.duration",
        "webhook_receiver.duplicates",
        "webhook_receiver.inbox.depth",
        "webhook_receiver.inbox.oldest_pending_age",
        "webhook_receiver.inbox.retries",
        "webhook_receiver.inbox.dead_letters",
    )
    assert (
        telemetry.REQUESTS,
        telemetry.VERIFICATION_DURATION,
        telemetry.PARSING_DURATION,
        telemetry.HANDLER_DURATION,
        telemetry.DUPLICATES,
        telemetry.INBOX_DEPTH,
        telemetry.INBOX_OLDEST_PENDING_AGE,
        telemetry.INBOX_RETRIES,
        telemetry.INBOX_DEAD_LETTERS,
    ) == telemetry.METRIC_NAMES
    assert (telemetry.NAME, telemetry.REQUEST_SPAN, telemetry.EVENT_SPAN) == (
        "webhook_receiver",
        "webhook receive",
        "webhook handle",
    )
    assert (
        telemetry.PROVIDER,
        telemetry.OUTCOME,
        telemetry.REASON,
        telemetry.STATUS_CODE,
        telemetry.EVENT_TYPE,
        telemetry.ERROR_TYPE,
        telemetry.ATTEMPT,
        telemetry.NAMESPACE,
        telemetry.INBOX_STATE,
        telemetry.INBOX_LOCATION,
    ) == (
        "webhook.provider",
        "webhook.outcome",
        "webhook.reason",
        "http.response.status_code",
        "webhook.event.type",
        "error.type",
        "webhook.attempt",
        "webhook.namespace",
        "webhook.inbox.state",
        "webhook.inbox.location",
    )
    assert {"accepted", "duplicate", "rejected", "failed", "handshake"} == telemetry.OUTCOMES
    assert (
        telemetry.ACCEPTED,
        telemetry.DUPLICATE,
        telemetry.REJECTED,
        telemetry.FAILED,
        telemetry.HANDSHAKE,
    ) == (
        "accepted",
        "duplicate",
        "rejected",
        "failed",
        "handshake",
    )
    assert set(telemetry.__all__) == {name for name in dir(telemetry) if not name.startswith(("_", "@"))} - {
        "annotations"
    }
    for name in ("instrument", "uninstrument", "enabled"):
        assert getattr(telemetry, name).__doc__, name


def test_the_otel_extra_names_the_api_and_the_test_extra_the_sdk() -> None:
    text = (ROOT / "pyproject.toml").read_text()
    assert 'otel = ["opentelemetry-api>=1.20"]' in text
    assert '"opentelemetry-sdk>=1.20"' in text


# -- requests answered inline ------------------------------------------------------------


def test_an_accepted_request_is_counted_timed_and_traced(otel: Recorded, clock: FrozenClock) -> None:
    receiver = kourier(clock)
    ran: list[Event] = []
    receiver.on("delivery.updated")(ran.append)
    assert post(receiver, delivery(1)).status == 200
    assert len(ran) == 1

    requests = otel.value(
        telemetry.REQUESTS,
        **{"webhook.provider": "kourier", "webhook.outcome": "accepted", "http.response.status_code": 200},
    )
    assert requests.value == 1  # and no webhook.reason: value() matched the attributes exactly
    for name in (telemetry.VERIFICATION_DURATION, telemetry.PARSING_DURATION):
        timed = otel.value(name, **{"webhook.provider": "kourier"})
        assert (timed.count, timed.sum) == (1, STEP), name
    handled = otel.value(
        telemetry.HANDLER_DURATION,
        **{"webhook.provider": "kourier", "webhook.event.type": "delivery.updated"},
    )
    assert (handled.count, handled.sum) == (1, STEP)

    [request] = otel.spans("webhook receive")
    [event] = otel.spans("webhook handle delivery.updated")
    assert dict(request.attributes or {}) == {
        "webhook.provider": "kourier",
        "webhook.outcome": "accepted",
        "http.response.status_code": 200,
    }
    assert request.status.status_code is StatusCode.UNSET
    assert dict(event.attributes or {}) == {
        "webhook.provider": "kourier",
        "webhook.event.type": "delivery.updated",
    }
    assert event.parent is not None and event.parent.span_id == request.context.span_id
    assert event.context.trace_id == request.context.trace_id
    assert (request.instrumentation_scope.name, request.instrumentation_scope.version) == (
        "webhook_receiver",
        webhook_receiver.__version__,
    )


def test_a_duplicate_is_counted_and_its_handlers_are_not_timed_again(
    otel: Recorded, clock: FrozenClock
) -> None:
    store = MemoryStore()
    receiver = kourier(clock, store=store)
    ran: list[Event] = []
    receiver.on_any(ran.append)
    assert post(receiver, delivery(1)).status == 200
    assert post(receiver, delivery(1)).status == 200
    assert len(ran) == 1
    base = {"webhook.provider": "kourier", "http.response.status_code": 200}
    assert otel.value(telemetry.REQUESTS, **base, **{"webhook.outcome": "accepted"}).value == 1
    assert otel.value(telemetry.REQUESTS, **base, **{"webhook.outcome": "duplicate"}).value == 1
    assert otel.value(telemetry.DUPLICATES, **{"webhook.provider": "kourier"}).value == 1
    assert (
        otel.value(
            telemetry.HANDLER_DURATION,
            **{"webhook.provider": "kourier", "webhook.event.type": "delivery.updated"},
        ).count
        == 1
    )
    assert len(otel.spans("webhook handle delivery.updated")) == 1
    assert [span.attributes["webhook.outcome"] for span in otel.spans("webhook receive")] == [  # type: ignore[index]
        "accepted",
        "duplicate",
    ]

    # Another delivery holds an event: 409, a duplicate too, with the refusal's code.
    other = delivery(2)
    key = receiver.event_key(
        receiver.accept(
            "POST", {"Content-Type": "application/json", **sign(receiver.provider, other)}, other
        )[0]
    )
    store.claim(key, lease=60.0, now=clock())
    assert post(receiver, other).status == 409
    assert (
        otel.value(
            telemetry.REQUESTS,
            **{
                "webhook.provider": "kourier",
                "webhook.outcome": "duplicate",
                "webhook.reason": "in_progress",
                "http.response.status_code": 409,
            },
        ).value
        == 1
    )
    assert otel.value(telemetry.DUPLICATES, **{"webhook.provider": "kourier"}).value == 2


def test_a_rejection_carries_its_reason_code(otel: Recorded, clock: FrozenClock) -> None:
    receiver = Receiver(providers.create("courier", secret="courier-secret", clock=clock))
    body = b'{"type":"message:updated","data":{"id":"1-5e2b2615","status":"DELIVERED"}}'
    headers = {"Content-Type": "application/json", **sign(receiver.provider, body)}
    assert receiver.handle("POST", headers, body.replace(b"DELIVERED", b"BOUNCED")).status == 401
    assert receiver.handle("PUT", headers, body).status == 405
    rejected = {"webhook.provider": "courier", "webhook.outcome": "rejected"}
    assert (
        otel.value(
            telemetry.REQUESTS,
            **rejected,
            **{"webhook.reason": "signature_mismatch", "http.response.status_code": 401},
        ).value
        == 1
    )
    assert (
        otel.value(
            telemetry.REQUESTS,
            **rejected,
            **{"webhook.reason": "method_not_allowed", "http.response.status_code": 405},
        ).value
        == 1
    )
    # Verification was timed even though it failed; nothing was parsed or handled.
    assert otel.value(telemetry.VERIFICATION_DURATION, **{"webhook.provider": "courier"}).count == 1
    assert otel.points(telemetry.PARSING_DURATION) == []
    assert otel.points(telemetry.HANDLER_DURATION) == []
    spans = otel.spans("webhook receive")
    assert [span.attributes["webhook.reason"] for span in spans] == [
        "signature_mismatch",
        "method_not_allowed",
    ]  # type: ignore[index]
    assert all(span.status.status_code is StatusCode.UNSET for span in spans)  # a 4xx is the sender's


def test_a_handler_failure_is_a_failed_request_and_an_errored_event_span(
    otel: Recorded, clock: FrozenClock
) -> None:
    receiver = kourier(clock)

    @receiver.on_any
    def broken(event: Event) -> None:
        raise RuntimeError("downstream is down")

    assert post(receiver, delivery(1)).status == 500
    assert (
        otel.value(
            telemetry.REQUESTS,
            **{
                "webhook.provider": "kourier",
                "webhook.outcome": "failed",
                "webhook.reason": "handler_failed",
                "http.response.status_code": 500,
            },
        ).value
        == 1
    )
    assert (
        otel.value(
            telemetry.HANDLER_DURATION,
            **{
                "webhook.provider": "kourier",
                "webhook.event.type": "delivery.updated",
                "error.type": "RuntimeError",
            },
        ).count
        == 1
    )
    [request] = otel.spans("webhook receive")
    [event] = otel.spans("webhook handle delivery.updated")
    assert request.status.status_code is StatusCode.ERROR
    assert event.status.status_code is StatusCode.ERROR
    [raised] = event.events
    assert raised.name == "exception"
    assert raised.attributes is not None and raised.attributes["exception.type"] == "RuntimeError"
    assert str(raised.attributes["webhook.handler"]).endswith("broken")


def test_a_handshake_is_its_own_outcome(otel: Recorded, clock: FrozenClock) -> None:
    receiver = Receiver(providers.create("meta", secret="meta-secret", verify_token="tok", clock=clock))
    reply = receiver.handle("GET", {}, b"", query="hub.mode=subscribe&hub.verify_token=tok&hub.challenge=42")
    assert reply.status == 200
    assert (
        otel.value(
            telemetry.REQUESTS,
            **{"webhook.provider": "meta", "webhook.outcome": "handshake", "http.response.status_code": 200},
        ).value
        == 1
    )


def test_async_handling_is_observed_the_same(otel: Recorded, clock: FrozenClock) -> None:
    import asyncio

    receiver = kourier(clock)
    ran: list[Event] = []

    @receiver.on_any
    async def handler(event: Event) -> None:
        ran.append(event)

    body = delivery(1)
    headers = {"Content-Type": "application/json", **sign(receiver.provider, body)}
    assert asyncio.run(receiver.handle_async("POST", headers, body)).status == 200
    assert len(ran) == 1
    [request] = otel.spans("webhook receive")
    [event] = otel.spans("webhook handle delivery.updated")
    assert event.parent is not None and event.parent.span_id == request.context.span_id


# -- through adapters: one count and one span per request -------------------------------------


def test_through_starlette_each_request_is_counted_once(otel: Recorded, clock: FrozenClock) -> None:
    receiver = kourier(clock, max_body_size=4096)
    receiver.on_any(lambda event: None)
    app = Starlette(middleware=[Middleware(WebhookMiddleware, routes={"/hooks/kourier": receiver})])
    with TestClient(app) as client:
        body = delivery(1)
        signed = {"Content-Type": "application/json", **sign(receiver.provider, body)}
        assert client.post("/hooks/kourier", content=body, headers=signed).status_code == 200
        # Refused while reading the body, before Receiver.handle: still counted, once.
        big = b"x" * 5000
        assert client.post("/hooks/kourier", content=big, headers=signed).status_code == 413
    base = {"webhook.provider": "kourier"}
    assert (
        otel.value(
            telemetry.REQUESTS, **base, **{"webhook.outcome": "accepted", "http.response.status_code": 200}
        ).value
        == 1
    )
    assert (
        otel.value(
            telemetry.REQUESTS,
            **base,
            **{
                "webhook.outcome": "rejected",
                "webhook.reason": "body_too_large",
                "http.response.status_code": 413,
            },
        ).value
        == 1
    )
    requests = otel.spans("webhook receive")
    assert len(requests) == 2
    [event] = otel.spans("webhook handle delivery.updated")
    assert event.parent is not None and event.parent.span_id == requests[0].context.span_id


def test_through_flask_each_request_is_counted_once(otel: Recorded, clock: FrozenClock) -> None:
    receiver = kourier(clock)
    receiver.on_any(lambda event: None)
    app = Flask(__name__)

    @webhook(receiver)
    def hook() -> None:
        return None

    app.add_url_rule("/hooks/kourier", view_func=hook, methods=ALL_METHODS)
    body = delivery(1)
    signed = {"Content-Type": "application/json", **sign(receiver.provider, body)}
    assert app.test_client().post("/hooks/kourier", data=body, headers=signed).status_code == 200
    assert (
        otel.value(
            telemetry.REQUESTS,
            **{
                "webhook.provider": "kourier",
                "webhook.outcome": "accepted",
                "http.response.status_code": 200,
            },
        ).value
        == 1
    )
    assert len(otel.spans("webhook receive")) == 1


# -- deferred: the inbox, the worker, the link -----------------------------------------------


def test_deferred_events_are_linked_retried_dead_and_gauged(
    otel: Recorded, clock: FrozenClock, tmp_path: Path
) -> None:
    inbox = SQLiteInbox(tmp_path / "inbox.sqlite3")
    try:
        receiver = kourier(clock, inbox=inbox)

        @receiver.on_any
        def broken(event: Event) -> None:
            raise ConnectionError("downstream is down")

        assert post(receiver, delivery(1)).status == 202
        assert (
            otel.value(
                telemetry.REQUESTS,
                **{
                    "webhook.provider": "kourier",
                    "webhook.outcome": "accepted",
                    "http.response.status_code": 202,
                },
            ).value
            == 1
        )
        [request] = otel.spans("webhook receive")
        [stored] = inbox.list()
        trace_id = otel_trace.format_trace_id(request.context.trace_id)
        span_id = otel_trace.format_span_id(request.context.span_id)
        assert stored.trace_context is not None
        assert stored.trace_context.startswith(f"00-{trace_id}-{span_id}-")  # then the sampled flags

        worker = Worker(inbox, clock=clock, retry=RetryPolicy(max_attempts=2, initial=10.0, jitter=False))
        location = {"webhook.inbox.location": inbox.location}
        clock.advance(4)
        assert otel.value(telemetry.INBOX_DEPTH, **location, **{"webhook.inbox.state": "pending"}).value == 1
        assert otel.value(telemetry.INBOX_OLDEST_PENDING_AGE, **location).value == 4.0

        assert worker.run_once() == 1  # fails: scheduled again
        retried = {"webhook.namespace": "kourier", "webhook.event.type": "delivery.updated"}
        assert otel.value(telemetry.INBOX_RETRIES, **retried).value == 1
        assert otel.points(telemetry.INBOX_DEAD_LETTERS) == []
        clock.advance(10)
        assert otel.value(telemetry.INBOX_OLDEST_PENDING_AGE, **location).value == 14.0
        assert worker.run_once() == 1  # fails again: dead
        assert otel.value(telemetry.INBOX_DEAD_LETTERS, **retried).value == 1
        assert otel.value(telemetry.INBOX_RETRIES, **retried).value == 1
        assert otel.value(telemetry.INBOX_DEPTH, **location, **{"webhook.inbox.state": "dead"}).value == 1
        assert otel.value(telemetry.INBOX_DEPTH, **location, **{"webhook.inbox.state": "pending"}).value == 0
        assert otel.value(telemetry.INBOX_OLDEST_PENDING_AGE, **location).value == 0.0
        assert (
            otel.value(
                telemetry.HANDLER_DURATION,
                **{
                    "webhook.provider": "kourier",
                    "webhook.event.type": "delivery.updated",
                    "error.type": "ConnectionError",
                },
            ).count
            == 2
        )

        runs = otel.spans("webhook handle delivery.updated")
        assert [span.attributes["webhook.attempt"] for span in runs] == [1, 2]  # type: ignore[index]
        for run in runs:
            assert run.parent is None  # a trace of its own, linked to the request that stored it
            [link] = run.links
            assert (link.context.trace_id, link.context.span_id) == (
                request.context.trace_id,
                request.context.span_id,
            )
            assert run.status.status_code is StatusCode.ERROR
    finally:
        inbox.close()


def test_an_inbox_without_oldest_pending_reports_its_depth_only(
    otel: Recorded, clock: FrozenClock, tmp_path: Path
) -> None:
    class Older(SQLiteInbox):
        oldest_pending = None  # written before the optional method existed

    inbox = Older(tmp_path / "older.sqlite3")
    try:
        Worker(inbox, clock=clock)
        location = {"webhook.inbox.location": inbox.location}
        assert otel.value(telemetry.INBOX_DEPTH, **location, **{"webhook.inbox.state": "pending"}).value == 0
        assert [
            found for found, _ in otel.points(telemetry.INBOX_OLDEST_PENDING_AGE) if found == location
        ] == []
    finally:
        inbox.close()


def test_a_celery_task_links_its_span_to_the_request(otel: Recorded, clock: FrozenClock) -> None:
    app = Celery("telemetry", broker="memory://")
    app.conf.task_always_eager = True  # the task runs in put(), from the message's kwargs
    try:
        receiver = kourier(clock, inbox=CeleryInbox(app, task_name="telemetry.process"))
        ran: list[Event] = []
        receiver.on_any(ran.append)
        assert post(receiver, delivery(1)).status == 202
        assert len(ran) == 1
        [request] = otel.spans("webhook receive")
        [run] = otel.spans("webhook handle delivery.updated")
        [link] = run.links
        assert link.context.span_id == request.context.span_id
        assert run.attributes is not None and run.attributes["webhook.attempt"] == 1
    finally:
        app.close()


def test_an_inbox_file_without_the_trace_context_column_is_migrated_once(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path)
    old.execute(
        "CREATE TABLE webhook_inbox (id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, "
        "namespace TEXT NOT NULL, type TEXT NOT NULL, payload TEXT NOT NULL, headers TEXT NOT NULL, "
        "state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, received_at REAL NOT NULL, "
        "available_at REAL NOT NULL, lease_token TEXT, lease_until REAL, finished_at REAL, last_error TEXT)"
    )
    old.execute(
        "INSERT INTO webhook_inbox (key, namespace, type, payload, headers, state, received_at, "
        "available_at) VALUES ('old:1', 'kourier', 'delivery.updated', '{}', '[]', 'pending', ?, ?)",
        (START, START),
    )
    old.commit()
    old.close()
    for _ in range(2):  # opening it again finds the column and changes nothing
        inbox = SQLiteInbox(path)
        try:
            [record] = inbox.list()
            assert (record.key, record.trace_context) == ("old:1", None)
            columns = [row[1] for row in sqlite3.connect(path).execute("PRAGMA table_info(webhook_inbox)")]
            assert columns.count("trace_context") == 1
        finally:
            inbox.close()
    inbox = SQLiteInbox(path)
    try:
        parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
        inbox.put([InboxEntry("new:1", "kourier", "delivery.updated", "{}", (), START, parent)])
        assert inbox.get("new:1") is not None
        assert inbox.get("new:1").trace_context == parent  # type: ignore[union-attr]
        assert inbox.oldest_pending() == START
    finally:
        inbox.close()


# -- switched off ---------------------------------------------------------------------


def test_uninstrumented_nothing_is_recorded(otel: Recorded, clock: FrozenClock) -> None:
    receiver = kourier(clock)
    receiver.on_any(lambda event: None)
    telemetry.uninstrument()
    assert not telemetry.enabled()
    assert post(receiver, delivery(1)).status == 200
    assert otel.points(telemetry.REQUESTS) == []
    assert otel.spans() == []


def test_the_global_providers_are_followed_once_an_sdk_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    following = _telemetry._global()
    assert telemetry.enabled() and _telemetry.active is following
    monkeypatch.setattr(following, "live", False)
    monkeypatch.setattr(following, "_next_look", 0.0)
    assert not following.awake()  # no SDK in this process: every hook is skipped
    sdk = TracerProvider(shutdown_on_exit=False)
    monkeypatch.setattr(_telemetry.otel_trace, "get_tracer_provider", lambda: sdk)
    assert not following.awake()  # looked a moment ago: not again within the second
    monkeypatch.setattr(following, "_next_look", 0.0)
    assert following.awake() and following.live


def test_without_opentelemetry_nothing_is_imported_and_the_receiver_works(tmp_path: Path) -> None:
    program = f"""
import json, sys
sys.modules["opentelemetry"] = None  # what an uninstalled package looks like to import
from webhook_receiver import MissingDependency, Receiver, SQLiteInbox, Worker, providers, telemetry
from webhook_receiver.testing import sign

assert not telemetry.enabled()
try:
    telemetry.instrument()
except MissingDependency as exc:
    assert "webhook-receiver[otel]" in str(exc), exc
else:
    raise AssertionError("instrument() without opentelemetry")
ran = []
receiver = Receiver(providers.Kourier(token="t"))
receiver.on_any(ran.append)
body = json.dumps({{"event": "delivery.updated", "delivery_id": "d1", "status": "in_transit"}}).encode()
headers = {{"Content-Type": "application/json", **sign(receiver.provider, body)}}
assert receiver.handle("POST", headers, body).status == 200 and len(ran) == 1
inbox = SQLiteInbox({str(tmp_path / "inbox.sqlite3")!r})
deferred = Receiver(providers.Kourier(token="t"), inbox=inbox)
deferred.on_any(ran.append)
assert deferred.handle("POST", headers, body).status == 202
assert inbox.list()[0].trace_context is None
assert Worker(inbox).run_once() == 1 and len(ran) == 2
print(sorted(name for name in sys.modules if name.startswith("opentelemetry") and sys.modules[name]))
"""
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, cwd=ROOT, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_instrument_with_the_sdk_installed_takes_either_provider(clock: FrozenClock) -> None:
    reader = InMemoryMetricReader()
    meters = MeterProvider(metric_readers=[reader], shutdown_on_exit=False)
    try:
        telemetry.instrument(meter_provider=meters)  # spans: the global (no-op) tracer
        receiver = kourier(clock)
        assert post(receiver, delivery(1)).status == 200
        assert (
            Recorded(reader, InMemorySpanExporter())
            .value(
                telemetry.REQUESTS,
                **{
                    "webhook.provider": "kourier",
                    "webhook.outcome": "accepted",
                    "http.response.status_code": 200,
                },
            )
            .value
            == 1
        )
    finally:
        telemetry.instrument()
        meters.shutdown()
    assert isinstance(MissingDependency("x", "y", "otel"), ImportError)
