"""The handler registry: patterns, order, failures, error hooks, sync and async."""

from __future__ import annotations

import asyncio
import collections
import logging
import threading
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from webhook_receiver import ConfigurationError, Event, HandlerError, Router
from webhook_receiver.providers import courier, kourier


def ev(kind: str, provider: str = "test") -> Event:
    return Event(provider=provider, type=kind)


def delivery(kind: str = "delivery.updated") -> kourier.DeliveryUpdated:
    return kourier.DeliveryUpdated(
        provider="kourier", type=kind, delivery_id="abc123", status=kourier.DeliveryStatus.IN_TRANSIT
    )


class TestPatterns:
    def test_exact_wildcard_class_and_any(self) -> None:
        router = Router()
        calls: list[str] = []
        router.on("delivery.updated")(lambda e: calls.append("exact"))
        router.on("delivery.*")(lambda e: calls.append("wildcard"))
        router.on(kourier.DeliveryUpdated)(lambda e: calls.append("class"))
        router.on(kourier.KourierEvent)(lambda e: calls.append("base class"))
        router.on("audiences:user:*")(lambda e: calls.append("audiences"))
        router.on_any(lambda e: calls.append("any"))
        router.dispatch([delivery()])
        assert calls == ["exact", "wildcard", "class", "base class", "any"]
        calls.clear()
        router.dispatch([ev("audiences:user:matched")])
        assert calls == ["audiences", "any"]
        calls.clear()
        router.dispatch([ev("delivery.created")])
        assert calls == ["wildcard", "any"]

    def test_wildcards_do_not_match_more_than_they_say(self) -> None:
        router = Router()
        calls: list[str] = []
        router.on("delivery.*")(calls.append)
        router.dispatch([ev("deliveryXupdated"), ev("delivery"), ev("pre.delivery.updated")])
        assert calls == []

    def test_several_patterns_at_once_and_no_double_run(self) -> None:
        router = Router()
        calls: list[str] = []

        @router.on("delivery.created", "delivery.cancelled", "delivery.*")
        def handler(event: Event) -> None:
            calls.append(event.type)

        router.dispatch([ev("delivery.created"), ev("delivery.updated")])
        assert calls == ["delivery.created", "delivery.updated"]

    def test_no_handler_is_fine(self) -> None:
        Router().dispatch([ev("anything")])

    def test_handlers_for_lists_them_in_order(self) -> None:
        router = Router()

        def first(event: Event) -> None: ...
        def second(event: Event) -> None: ...

        router.on_any(second)
        router.on("x")(first)
        assert router.handlers_for(ev("x")) == (second, first)
        assert router.handlers_for(ev("y")) == (second,)

    def test_registration_after_dispatch_is_seen(self) -> None:
        router = Router()
        calls: list[str] = []
        router.dispatch([ev("x")])
        router.on("x")(calls.append)
        router.dispatch([ev("x")])
        assert len(calls) == 1

    @pytest.mark.parametrize("pattern", ["", 3, int, None])
    def test_bad_patterns(self, pattern: object) -> None:
        with pytest.raises(ConfigurationError):
            Router().on(pattern)  # type: ignore[call-overload]

    def test_bad_handlers(self) -> None:
        with pytest.raises(ConfigurationError):
            Router().on("x")("not callable")  # type: ignore[type-var]
        with pytest.raises(ConfigurationError):
            Router().on_error(42)  # type: ignore[arg-type]


class TestFailures:
    def test_every_handler_runs_and_failures_are_reported_together(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        router = Router()
        calls: list[str] = []

        @router.on_any
        def first(event: Event) -> None:
            calls.append("first")
            raise ValueError("first broke")

        @router.on_any
        def second(event: Event) -> None:
            calls.append("second")

        @router.on_any
        def third(event: Event) -> None:
            calls.append("third")
            raise KeyError("third broke")

        with caplog.at_level(logging.ERROR, logger="webhook_receiver"), pytest.raises(HandlerError) as info:
            router.dispatch([ev("a"), ev("b")])
        assert calls == ["first", "second", "third"] * 2
        failures = info.value.failures
        assert [(f.event.type, f.handler.rsplit(".", 1)[-1], type(f.exception)) for f in failures] == [
            ("a", "first", ValueError),
            ("a", "third", KeyError),
            ("b", "first", ValueError),
            ("b", "third", KeyError),
        ]
        assert isinstance(info.value.__cause__, ExceptionGroup)
        assert len(info.value.__cause__.exceptions) == 4
        assert info.value.status == 500
        assert sum("failed on a test" in r.getMessage() for r in caplog.records) == 4

    def test_error_hooks_see_each_failure_and_cannot_break_dispatch(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        router = Router()
        seen: list[tuple[str, str]] = []

        @router.on("x")
        def broken(event: Event) -> None:
            raise RuntimeError("boom")

        @router.on_error
        def hook(event: Event, error: Exception) -> None:
            seen.append((event.type, str(error)))

        @router.on_error
        def broken_hook(event: Event, error: Exception) -> None:
            raise OSError("hook broke")

        with caplog.at_level(logging.ERROR, logger="webhook_receiver"), pytest.raises(HandlerError):
            router.dispatch([ev("x")])
        assert seen == [("x", "boom")]
        assert any("error hook" in r.getMessage() for r in caplog.records)


class TestAsync:
    def test_async_handlers_in_sync_dispatch(self) -> None:
        router = Router()
        calls: list[str] = []

        @router.on("x")
        async def handler(event: Event) -> None:
            await asyncio.sleep(0)
            calls.append("async")

        router.on("x")(lambda e: calls.append("sync"))
        router.dispatch([ev("x")])
        assert calls == ["async", "sync"]

    def test_async_handler_failure_is_reported(self) -> None:
        router = Router()
        hooked: list[Exception] = []

        @router.on("x")
        async def handler(event: Event) -> None:
            raise ValueError("async boom")

        @router.on_error
        async def hook(event: Event, error: Exception) -> None:
            hooked.append(error)

        with pytest.raises(HandlerError) as info:
            router.dispatch([ev("x")])
        assert isinstance(info.value.failures[0].exception, ValueError)
        assert len(hooked) == 1

    def test_dispatch_async_runs_sync_handlers_off_the_loop(self) -> None:
        router = Router()
        threads: dict[str, int] = {}

        @router.on("x")
        def blocking(event: Event) -> None:
            threads["sync"] = threading.get_ident()

        @router.on("x")
        async def awaited(event: Event) -> None:
            threads["async"] = threading.get_ident()

        async def main() -> int:
            await router.dispatch_async([ev("x")])
            return threading.get_ident()

        loop_thread = asyncio.run(main())
        assert threads["async"] == loop_thread
        assert threads["sync"] != loop_thread

    def test_sync_dispatch_from_inside_a_running_loop(self) -> None:
        router = Router()
        calls: list[str] = []

        @router.on("x")
        async def handler(event: Event) -> None:
            calls.append("ran")

        async def main() -> None:
            router.dispatch([ev("x")])  # a sync caller inside async code

        asyncio.run(main())
        assert calls == ["ran"]

    def test_callable_object_with_async_call(self) -> None:
        router = Router()
        calls: list[str] = []

        class Handler:
            async def __call__(self, event: Event) -> None:
                calls.append(event.type)

        router.on("x")(Handler())
        router.dispatch([ev("x")])
        asyncio.run(router.dispatch_async([ev("x")]))
        assert calls == ["x", "x"]


def test_typed_class_routes_ignore_other_providers_events() -> None:
    router = Router()
    calls: list[Event] = []
    router.on(courier.MessageUpdated)(calls.append)
    router.dispatch([delivery(), ev("message:updated")])
    assert calls == []


def test_needs_event_loop_only_for_async_handlers_or_hooks() -> None:
    router = Router()
    router.on("a")(lambda e: None)

    @router.on("b")
    async def handler(event: Event) -> None:
        pass

    assert not router.needs_event_loop(ev("a"))
    assert router.needs_event_loop(ev("b"))
    assert not router.needs_event_loop(ev("unrouted"))

    @router.on_error
    async def hook(event: Event, exc: Exception) -> None:
        pass

    assert router.needs_event_loop(ev("a"))


def test_a_plain_function_returning_an_awaitable_is_awaited_and_other_results_ignored() -> None:
    router = Router()
    calls: list[str] = []

    async def later(event: Event) -> None:
        calls.append(f"awaited {event.type}")

    router.on("x")(lambda event: later(event))  # plain, but returns a coroutine
    router.on("x")(lambda event: 42)  # a result that is not awaitable is ignored
    router.dispatch([ev("x")])
    asyncio.run(router.dispatch_async([ev("x")]))
    assert calls == ["awaited x", "awaited x"]


@pytest.mark.parametrize("events", [1, 3])
def test_one_plain_route_awaits_what_it_returns_and_reports_what_it_raises(events: int) -> None:
    """The usual request, one event and one plain handler, has a path of its own
    (``Router._dispatch``), and a batch's run with one handler another (``_call_each``):
    both await an awaitable result, and report a failure to the error hooks and in a
    ``HandlerError`` whose cause is the group of what the handlers raised, and no other
    exception is in its context."""
    router = Router()
    calls: list[str] = []
    hooked: list[str] = []

    async def later(event: Event) -> None:
        calls.append(f"awaited {event.id}")

    def fails(event: Event) -> None:
        raise ValueError(f"broken {event.id}")

    router.on("x")(lambda event: later(event))  # plain, but returns a coroutine
    router.on("y")(fails)
    router.on_error(lambda event, exc: hooked.append(str(exc)))
    xs = [Event(provider="test", type="x", id=str(index)) for index in range(events)]
    ys = [Event(provider="test", type="y", id=str(index)) for index in range(events)]
    router.dispatch(xs)
    assert calls == [f"awaited {index}" for index in range(events)]
    with pytest.raises(HandlerError) as caught:
        router.dispatch(ys)
    assert [str(failure.exception) for failure in caught.value.failures] == hooked
    assert hooked == [f"broken {index}" for index in range(events)]
    assert caught.value.__context__ is None
    assert isinstance(caught.value.__cause__, ExceptionGroup)
    assert [str(exc) for exc in caught.value.__cause__.exceptions] == hooked


def test_a_batch_of_mixed_types_and_classes_routes_each_event_by_its_own() -> None:
    """Router._dispatch reuses the last event's routes for a run of one (class, type):
    a change of either must be noticed."""
    router = Router()
    calls: list[tuple[str, str]] = []
    router.on("delivery.updated")(lambda e: calls.append(("updated", e.type)))
    router.on(kourier.DeliveryUpdated)(lambda e: calls.append(("class", e.type)))
    router.on("delivery.*")(lambda e: calls.append(("wildcard", e.type)))
    batch = [
        delivery(),
        delivery(),
        ev("delivery.updated"),  # the same type, another class
        delivery("delivery.other"),  # the same class, another type
        ev("other"),
        delivery(),
    ]
    router.dispatch(batch)
    assert calls == [
        ("updated", "delivery.updated"),
        ("class", "delivery.updated"),
        ("wildcard", "delivery.updated"),
        ("updated", "delivery.updated"),
        ("class", "delivery.updated"),
        ("wildcard", "delivery.updated"),
        ("updated", "delivery.updated"),
        ("wildcard", "delivery.updated"),
        ("class", "delivery.other"),
        ("wildcard", "delivery.other"),
        ("updated", "delivery.updated"),
        ("class", "delivery.updated"),
        ("wildcard", "delivery.updated"),
    ]


def test_a_receiver_subclass_with_its_own_dispatch_has_it_called_by_handle() -> None:
    from webhook_receiver import Receiver
    from webhook_receiver.testing import make_provider, sample

    seen: list[str] = []

    class Audited(Receiver):
        def dispatch(self, events: Sequence[Event]) -> None:
            seen.extend(event.type for event in events)
            super().dispatch(events)

    provider = make_provider("kourier")
    receiver = Audited(provider)
    handled: list[str] = []
    receiver.on_any(lambda event: handled.append(event.type))
    made = sample("kourier")
    headers = {"Content-Type": "application/json", **made.headers, **provider.sign(made.body)}
    assert receiver.handle("POST", headers, made.body).status == 200
    assert seen == handled == ["delivery.created"]


# Patterns a batch's events are routed by in the property below: each kind of route.
_PATTERNS: tuple[str | type[Event] | None, ...] = (
    "delivery.updated",
    "delivery.*",
    "other",
    kourier.DeliveryUpdated,
    kourier.KourierEvent,
    None,  # on_any
)
_EVENTS = (
    lambda: delivery(),
    lambda: delivery("delivery.other"),
    lambda: ev("delivery.updated"),
    lambda: ev("other"),
    lambda: ev("unrouted"),
)


@given(
    routes=st.lists(st.tuples(st.sampled_from(_PATTERNS), st.booleans()), max_size=5),
    batch=st.lists(st.integers(0, len(_EVENTS) - 1), min_size=1, max_size=12),
    through_async=st.booleans(),
)
@settings(max_examples=300, deadline=None)
def test_a_batch_runs_every_matching_handler_per_event_in_order(
    routes: list[tuple[str | type[Event] | None, bool]], batch: list[int], through_async: bool
) -> None:
    """Router's runs of events sharing their routes (and its loop for a run with one
    handler) call exactly what routing each event on its own calls: every handler
    whose pattern matches, in registration order, each at most once per event, a
    failure reported and the rest still run."""
    router = Router()
    calls: list[tuple[int, int]] = []
    hooked: list[tuple[int, str]] = []
    handlers = []
    for number, (pattern, raises) in enumerate(routes):

        def handler(event: Event, number: int = number, raises: bool = raises) -> None:
            calls.append((number, id(event)))
            if raises:
                raise RuntimeError(f"handler {number}")

        handlers.append(handler)
        if pattern is None:
            router.on_any(handler)
        else:
            router.on(pattern)(handler)
    router.on_error(lambda event, exc: hooked.append((id(event), str(exc))))
    events = [_EVENTS[index]() for index in batch]

    expected: list[tuple[int, int]] = []
    for event in events:
        for number, (pattern, _) in enumerate(routes):
            matches = (
                pattern is None
                or (isinstance(pattern, type) and isinstance(event, pattern))
                or (pattern == "delivery.*" and event.type.startswith("delivery."))
                or pattern == event.type
            )
            if matches:
                expected.append((number, id(event)))
    failing = [(number, event_id) for number, event_id in expected if routes[number][1]]

    if through_async:
        run = lambda: asyncio.run(router.dispatch_async(events))  # noqa: E731
    else:
        run = lambda: router.dispatch(events)  # noqa: E731
    if failing:
        with pytest.raises(HandlerError) as raised:
            run()
        assert [(f.event, f.exception.args[0]) for f in raised.value.failures] == [
            (next(e for e in events if id(e) == event_id), f"handler {number}")
            for number, event_id in failing
        ]
    else:
        run()
    assert calls == expected
    assert hooked == [(event_id, f"handler {number}") for number, event_id in failing]


def test_a_batch_in_any_sequence_is_dispatched_in_order() -> None:
    """Runs are slices of the batch; a sequence without slices (a deque) is copied first."""
    router = Router()
    calls: list[str] = []
    router.on("delivery.*")(lambda e: calls.append(e.type))
    router.on(kourier.DeliveryUpdated)(lambda e: calls.append(f"class {e.type}"))
    batch = [delivery(), ev("delivery.created"), delivery("delivery.other"), delivery("delivery.other")]
    expected = [
        "delivery.updated",
        "class delivery.updated",
        "delivery.created",
        "delivery.other",
        "class delivery.other",
        "delivery.other",
        "class delivery.other",
    ]
    for container in (list, tuple, collections.deque):
        calls.clear()
        router.dispatch(container(batch))
        assert calls == expected, container
        calls.clear()
        asyncio.run(router.dispatch_async(container(batch)))
        assert calls == expected, container
