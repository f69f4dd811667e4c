"""The handler registry: which functions run for which events.

Handlers register by exact type (``"message:updated"``), by wildcard
(``"delivery.*"``, ``"audiences:user:*"``; ``*`` matches any run of characters), by
event class (``kourier.DeliveryUpdated``: the handler is then typed for that class),
or for every event (:meth:`Router.on_any`). Every matching handler runs, in
registration order; one that raises does not stop the others, and all failures are
reported together as one :class:`~webhook_receiver.HandlerError`. (octokit runs all
handlers and aggregates failures too; gidgethub's unordered set is the wart we avoid.)

Handlers may be plain functions or ``async def``. :meth:`Router.dispatch_async` awaits
async handlers and runs plain ones in a worker thread, so a slow sync handler never
blocks the event loop; :meth:`Router.dispatch` calls plain ones directly and runs
async ones on a private event loop.
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import logging
import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fnmatch import translate
from typing import Any, TypeVar, overload

from . import _telemetry
from ._errors import ConfigurationError, HandlerError, HandlerFailure
from ._events import Event

__all__ = ["ErrorHook", "Router"]

logger = logging.getLogger("webhook_receiver")

E = TypeVar("E", bound=Event)
R = TypeVar("R")
F = TypeVar("F", bound=Callable[..., object])
ErrorHook = Callable[[Event, Exception], object]
"""``hook(event, exception)``, called for every handler failure; may be ``async``."""

_CACHE_LIMIT = 1024


@dataclass(frozen=True, slots=True)
class _Route:
    handler: Callable[[Any], object]
    name: str
    is_async: bool
    event_class: type[Event] | None = None
    exact: str | None = None
    pattern: re.Pattern[str] | None = None

    def matches(self, event: Event) -> bool:
        if self.event_class is not None:
            return isinstance(event, self.event_class)
        if self.exact is not None:
            return event.type == self.exact
        return self.pattern is None or self.pattern.match(event.type) is not None


_Run = tuple[tuple[_Route, ...], Sequence[Event]]
"""Events in a row that share their routes: the routes, and the events."""


def _name(handler: Callable[..., object]) -> str:
    return getattr(handler, "__qualname__", None) or type(handler).__qualname__


def _is_async(handler: Callable[..., object]) -> bool:
    return inspect.iscoroutinefunction(handler) or inspect.iscoroutinefunction(
        getattr(handler, "__call__", None)  # noqa: B004 - an object with an async __call__
    )


def _recording() -> _telemetry.Telemetry | None:
    """The telemetry, asked once per dispatch whether it records now; ``None`` if not."""
    telemetry = _telemetry.active
    return None if telemetry is None or not telemetry.awake() else telemetry


def run_coroutine(awaitable: Awaitable[R]) -> R:
    """Run ``awaitable`` to completion from synchronous code.

    On a private event loop; if this thread already runs a loop (a sync call made
    from async code), on a private loop in a helper thread, because a running loop
    cannot be re-entered.
    """

    async def wrapper() -> R:
        return await awaitable

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(wrapper())
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="webhook-receiver") as pool:
        # In this thread's context: the handlers see its context variables (the current span).
        return pool.submit(contextvars.copy_context().run, asyncio.run, wrapper()).result()


class Router:
    """Handlers by event type, class or wildcard, and the hooks that see their failures."""

    def __init__(self) -> None:
        self._routes: list[_Route] = []
        self._error_hooks: list[ErrorHook] = []
        self._async_hooks = False
        # (event class, event type) -> the matching routes, and whether any is async.
        self._cache: dict[tuple[type[Event], str], tuple[tuple[_Route, ...], bool]] = {}

    @overload
    def on(self, pattern: type[E], /) -> Callable[[Callable[[E], R]], Callable[[E], R]]: ...

    @overload
    def on(self, pattern: str, /, *patterns: str) -> Callable[[F], F]: ...

    def on(self, pattern: type[Event] | str, /, *patterns: str) -> Callable[[Any], Any]:
        """Register the decorated function for events of a type, wildcard or class.

        >>> @receiver.on("delivery.updated")             # exact type
        ... @receiver.on("delivery.*", "audiences:*")    # wildcards
        ... @receiver.on(kourier.DeliveryUpdated)        # a class (typed handler)
        """
        routes = [self._route_spec(p) for p in (pattern, *patterns)]

        def register(handler: Callable[[Any], object]) -> Callable[[Any], object]:
            self._add(handler, routes)
            return handler

        return register

    def on_any(self, handler: F) -> F:
        """Register the decorated function for every event."""
        self._add(handler, [{}])
        return handler

    def on_error(self, hook: Callable[[Event, Exception], R]) -> Callable[[Event, Exception], R]:
        """Register ``hook(event, exception)``, called for each handler that raises.

        Hooks observe; they cannot swallow the failure (the request still answers
        500 so the sender retries). A hook that raises is logged and ignored.
        """
        if not callable(hook):
            raise ConfigurationError("an error hook must be callable")
        self._error_hooks.append(hook)
        self._async_hooks = self._async_hooks or inspect.iscoroutinefunction(hook)
        return hook

    @staticmethod
    def _route_spec(pattern: type[Event] | str) -> dict[str, Any]:
        if isinstance(pattern, type):
            if not issubclass(pattern, Event):
                raise ConfigurationError(f"{pattern.__qualname__} is not an Event class")
            return {"event_class": pattern}
        if not isinstance(pattern, str) or not pattern:
            raise ConfigurationError("an event pattern is a non-empty string or an Event class")
        if "*" in pattern or "?" in pattern or "[" in pattern:
            return {"pattern": re.compile(translate(pattern))}
        return {"exact": pattern}

    def _add(self, handler: Callable[[Any], object], specs: Iterable[dict[str, Any]]) -> None:
        if not callable(handler):
            raise ConfigurationError("a handler must be callable")
        name, is_async = _name(handler), _is_async(handler)
        self._routes.extend(_Route(handler, name, is_async, **spec) for spec in specs)
        self._cache.clear()

    def handlers_for(self, event: Event) -> tuple[Callable[[Any], object], ...]:
        """The handlers that will run for ``event``, in order (each at most once)."""
        return tuple(route.handler for route in self._routes_for(event)[0])

    def needs_event_loop(self, event: Event) -> bool:
        """Whether dispatching ``event`` awaits anything (an async handler or error hook)."""
        return self._routes_for(event)[1] or self._async_hooks

    def _routes_for(self, event: Event) -> tuple[tuple[_Route, ...], bool]:
        """The routes that match ``event``, in order, and whether any of them is async."""
        key = (type(event), event.type)
        found = self._cache.get(key)
        if found is None:
            seen: set[int] = set()
            routes: list[_Route] = []
            for route in self._routes:
                # A function registered under two patterns that both match runs once.
                if route.matches(event) and id(route.handler) not in seen:
                    seen.add(id(route.handler))
                    routes.append(route)
            found = (tuple(routes), any(route.is_async for route in routes))
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[key] = found
        return found

    def dispatch(self, events: Sequence[Event]) -> None:
        """Run every matching handler for each event, in order.

        Raises:
            HandlerError: one or more handlers raised; all of them still ran.
        """
        self._dispatch(events, _recording())

    def _plan(self, events: Sequence[Event]) -> tuple[list[_Run], bool]:
        """The events in runs that share their routes, in order, and whether any route is async.

        The events of a batch are mostly of one class and type: one run, the batch
        itself, found by comparing each event with the one before it (no lookup, no
        tuple per event); a change of class or type starts the next run.
        """
        cache = self._cache
        if len(events) == 1:  # most requests: without the loop's bookkeeping
            event = events[0]
            found = cache.get((type(event), event.type)) or self._routes_for(event)
            return [(found[0], events)], found[1]
        if type(events) is not list and type(events) is not tuple:
            events = list(events)  # runs are slices: any sequence (a deque has none)
        runs: list[_Run] = []
        any_async = False
        start = 0
        last_class: type[Event] | None = None
        last_type = ""
        routes: tuple[_Route, ...] = ()
        for index, event in enumerate(events):
            kind = event.type
            if type(event) is not last_class or kind != last_type:
                if index:
                    runs.append((routes, events[start:index]))
                    start = index
                routes, some_async = cache.get((type(event), kind)) or self._routes_for(event)
                any_async = any_async or some_async
                last_class, last_type = type(event), kind
        if events:
            runs.append((routes, events[start:] if start else events))
        return runs, any_async

    def _dispatch(self, events: Sequence[Event], telemetry: _telemetry.Telemetry | None) -> None:
        """:meth:`dispatch` with the telemetry already asked whether it records (``None``
        if not): ``Receiver.handle`` asks once, when the request arrives."""
        failures: list[HandlerFailure] = []
        if telemetry is None and len(events) == 1:
            # Most requests: one event, one plain handler, nothing recorded; no plan made.
            event = events[0]
            routes, some_async = self._cache.get((type(event), event.type)) or self._routes_for(event)
            if len(routes) == 1 and not (some_async or self._async_hooks):
                # _call_each's body for its one event, without the call (most requests)
                route = routes[0]
                try:
                    result = route.handler(event)
                    if result is not None and inspect.isawaitable(result):
                        run_coroutine(result)
                except Exception as exc:
                    self._failed_sync(failures, event, route, exc)
                if failures:
                    raise HandlerError(failures)
                return
        plan, any_async = self._plan(events)
        needs_loop = any_async or self._async_hooks
        if needs_loop:
            run_coroutine(self._run_async(plan, telemetry, offload=False))
            return
        for routes, run in plan:
            if telemetry is None and len(routes) == 1:
                self._call_each(routes[0], run, failures)
                continue
            for event in run:
                handling = telemetry.handling(event, failures) if telemetry is not None and routes else None
                for route in routes:
                    try:
                        result = route.handler(event)
                        if result is not None and inspect.isawaitable(result):
                            run_coroutine(result)
                    except Exception as exc:
                        self._failed_sync(failures, event, route, exc)
                if handling is not None:
                    handling.finish(failures)
        if failures:
            raise HandlerError(failures)

    def _call_each(self, route: _Route, run: Sequence[Event], failures: list[HandlerFailure]) -> None:
        """Run ``route``'s plain handler on each event of ``run``, in order; a failure is
        reported and added to ``failures``, and the next event still runs. The usual
        run: one handler, nothing recorded, so a batch's event costs the call and
        little more."""
        handler = route.handler
        for event in run:
            try:
                result = handler(event)
                # A plain handler returns None; anything else may be an awaitable.
                if result is not None and inspect.isawaitable(result):
                    run_coroutine(result)
            except Exception as exc:
                self._failed_sync(failures, event, route, exc)

    def _failed_sync(
        self, failures: list[HandlerFailure], event: Event, route: _Route, exc: Exception
    ) -> None:
        failure = HandlerFailure(event, route.name, exc)
        failures.append(failure)
        self._report_sync(failure)

    async def dispatch_async(self, events: Sequence[Event]) -> None:
        """Like :meth:`dispatch`, awaiting async handlers and running plain ones in a thread."""
        await self._run_async(self._plan(events)[0], _recording(), offload=True)

    async def _run_async(
        self,
        plan: Sequence[_Run],
        telemetry: _telemetry.Telemetry | None,
        *,
        offload: bool,
    ) -> None:
        failures: list[HandlerFailure] = []
        for routes, run in plan:
            for event in run:
                handling = telemetry.handling(event, failures) if telemetry is not None and routes else None
                for route in routes:
                    try:
                        if route.is_async or not offload:
                            result = route.handler(event)
                        else:
                            result = await asyncio.to_thread(route.handler, event)
                        if result is not None and inspect.isawaitable(result):
                            await result
                    except Exception as exc:
                        failure = HandlerFailure(event, route.name, exc)
                        failures.append(failure)
                        await self._report_async(failure)
                if handling is not None:
                    handling.finish(failures)
        if failures:
            raise HandlerError(failures)

    def _log_failure(self, failure: HandlerFailure) -> None:
        logger.error(
            "handler %s failed on a %s %r event",
            failure.handler,
            failure.event.provider,
            failure.event.type,
            exc_info=failure.exception,
        )

    def _report_sync(self, failure: HandlerFailure) -> None:
        self._log_failure(failure)
        for hook in self._error_hooks:
            try:
                hook(failure.event, failure.exception)
            except Exception:
                logger.exception("error hook %s raised", _name(hook))

    async def _report_async(self, failure: HandlerFailure) -> None:
        self._log_failure(failure)
        for hook in self._error_hooks:
            try:
                result = hook(failure.event, failure.exception)
                if inspect.isawaitable(result):
                    await result
            except Exception:
                logger.exception("error hook %s raised", _name(hook))
