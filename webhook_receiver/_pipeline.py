"""One request, in any framework: route, precheck, read the body under the limit, handle.

Every adapter runs the same sequence, and this module is the only place it is
written. An adapter supplies what only its framework knows (the method, the path,
the headers, a way to read the body's next bytes) and sends the :class:`Reply` it
gets back; it catches nothing, decides nothing and reads nothing on its own, as
octokit's runtimes supply three functions to one middleware.

The sequence, with its statuses (``Receiver`` decides each; see its table):

1. **Route** (middlewares only): :class:`RouteTable` matches a request path as
   the framework below would route it, so that no spelling of a protected path
   reaches the application unanswered (see :func:`canonical_path`).
2. **Precheck**: method (405), declared ``Content-Length`` (413, or 400 when it is
   not a number) and content type (415), before a byte of the body is read.
3. **Read** in chunks of at most 64 KiB, never past the size limit (413 the moment
   the bytes received pass it): exactly the declared length when there is one (400
   if the body ends before it); to the end of the input when the server marks it
   terminated (a chunked body: ``wsgi.input_terminated``, or any ASGI body); and a
   411 when the length is neither declared nor knowable (PEP 3333 forbids reading
   past the declared length, so a WSGI body without one can only be read where the
   server terminates it). Whatever the server raises while reading (a malformed
   chunk, a body cut short) is a 400, never a 500.
4. **Handle**: ``Receiver.handle`` or ``handle_async``: verify, parse, dispatch.

A client that goes away mid-body under ASGI gets no answer (:func:`serve_async`
returns ``None``): there is nobody to send it to.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from typing import Any

from . import _telemetry
from ._errors import ConfigurationError, LengthRequired, PayloadError, WebhookError
from ._headers import Headers, HeadersLike
from ._receiver import LimitedBody, Receiver, Reply

__all__ = [
    "CHUNK",
    "ClientDisconnected",
    "Read",
    "Receive",
    "RouteTable",
    "canonical_path",
    "read_body",
    "read_body_async",
    "route_path",
    "serve",
    "serve_async",
]

CHUNK = 64 * 1024
"""The most bytes read at a time."""

Read = Callable[[int], bytes]
"""A blocking read: up to ``size`` bytes of the body, ``b""`` at its end (``file.read``)."""

Receive = Callable[[], Awaitable[Mapping[str, Any]]]
"""An async read of the request's next message, as ASGI's ``receive`` delivers it:
``{"type": "http.request", "body": ..., "more_body": ...}`` or ``{"type": "http.disconnect"}``.

ASGI's own ``receive`` is one, with no wrapper to call through for every chunk.
"""


class ClientDisconnected(Exception):
    """The client went away before the whole body arrived: there is no one to answer."""


# --- the body ----------------------------------------------------------------------------


def _read(read: Read, size: int) -> bytes:
    try:
        return read(size)
    except WebhookError:
        raise
    except Exception as exc:
        # The server's own reading failed (a malformed chunk size, a connection
        # reset mid-body): the request's fault, so a 400, never an unhandled 500.
        raise PayloadError(f"the body could not be read ({type(exc).__name__})") from None


def read_body(receiver: Receiver, view: Headers, read: Read, *, terminated: bool) -> bytes:
    """Read a body with blocking ``read`` calls, under ``receiver``'s size limit.

    Call with the view ``receiver.precheck`` returned (it refused a declared length
    over the limit, and recorded the declared length on the view).
    ``terminated`` says whether the server ends the input where the body ends when no
    ``Content-Length`` was sent (WSGI's ``wsgi.input_terminated``).

    Raises:
        BodyTooLarge: the bytes received passed ``receiver.max_body_size``.
        PayloadError: the body ended before its declared length, or could not be read.
        LengthRequired: no declared length, and an input the server does not terminate.
    """
    declared = view.content_length  # set by the precheck that validated it
    if declared is None and not terminated:
        raise LengthRequired("no Content-Length, and the server does not mark where the body ends")
    if declared == 0:
        return b""
    first = b""
    if declared is not None and declared <= CHUNK:
        first = _read(read, declared)
        if len(first) == declared:  # the usual small body, in one read: no buffer, nothing to join
            return first
        if not first:
            raise PayloadError(f"the body ended {declared} bytes before its declared Content-Length")
    body = receiver.limited_body(declared)
    if declared is None:
        while chunk := _read(read, min(CHUNK, body.remaining())):
            body.feed(chunk)
        return body.getvalue()
    if first:
        body.feed(first)
    left = declared - len(first)
    while left > 0:
        chunk = _read(read, min(CHUNK, left))
        if not chunk:
            raise PayloadError(f"the body ended {left} bytes before its declared Content-Length")
        left -= len(chunk)
        body.feed(chunk)
    return body.getvalue()


async def read_body_async(receiver: Receiver, receive: Receive, expected: int | None = None) -> bytes:
    """Read a body message by message with ``await receive()``, under the size limit.

    ``expected`` is the declared ``Content-Length``, if any: it sizes the buffer
    (see :class:`~webhook_receiver.LimitedBody`).

    Raises:
        BodyTooLarge: the bytes received passed ``receiver.max_body_size``.
        ClientDisconnected: the client went away mid-body.
    """
    message = await receive()
    if message["type"] == "http.disconnect":
        raise ClientDisconnected
    chunk = message.get("body", b"")
    if not message.get("more_body", False) and type(chunk) is bytes and len(chunk) <= receiver.max_body_size:
        # The whole body in one message, as servers deliver a small one: nothing to join.
        return chunk
    body: LimitedBody = receiver.limited_body(expected)
    while True:
        body.feed(chunk)
        if not message.get("more_body", False):
            return body.getvalue()
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnected
        chunk = message.get("body", b"")


# --- the whole sequence ----------------------------------------------------------------------


def serve(
    receiver: Receiver,
    method: str,
    headers: HeadersLike,
    read: Read,
    *,
    terminated: bool,
    received: Callable[[bytes], object] | None = None,
    query: str = "",
) -> Reply:
    """Answer one request whose body is read with blocking ``read`` calls (WSGI, Flask, Django).

    ``terminated``: see :func:`read_body`. ``received``, if given, is called with the
    body once it is read, before it is handled (Flask puts it back on the request
    for the view). ``query`` is the raw query string, for a provider's handshake
    (whose body is never read). Never raises for anything the request contains:
    every outcome is a ``Reply``.
    """
    telemetry = _telemetry.active
    # Once per request, inside its span: the inner call finds it observed and goes on.
    if telemetry is not None and telemetry.awake() and _telemetry.unobserved():
        return telemetry.observe(
            receiver,
            method,
            serve,
            receiver,
            method,
            headers,
            read,
            terminated=terminated,
            received=received,
            query=query,
        )
    if receiver.handshake_methods and method.upper() in receiver.handshake_methods:
        return receiver.handshake(method, headers, query)
    try:
        view = receiver.precheck(method, headers)
        body = read_body(receiver, view, read, terminated=terminated)
    except WebhookError as exc:
        return receiver.reject(exc)
    if received is not None:
        received(body)
    return receiver.handle(method, view, body)


async def serve_async(
    receiver: Receiver,
    method: str,
    headers: HeadersLike,
    receive: Receive | None = None,
    *,
    read: Read | None = None,
    terminated: bool = True,
    query: str = "",
) -> Reply | None:
    """Answer one request on an event loop; handlers are awaited (``Receiver.handle_async``).

    The body comes from ``await receive()`` (ASGI's messages), or from blocking
    ``read`` calls (``terminated`` as for :func:`read_body`) where the framework has
    already received it (Django under ASGI). Returns ``None``, having answered
    nothing, when the client went away mid-body. ``query``: as for :func:`serve`.
    """
    telemetry = _telemetry.active
    if telemetry is not None and telemetry.awake() and _telemetry.unobserved():
        return await telemetry.observe_async(
            receiver,
            method,
            serve_async,
            receiver,
            method,
            headers,
            receive,
            read=read,
            terminated=terminated,
            query=query,
        )
    if receiver.handshake_methods and method.upper() in receiver.handshake_methods:
        return receiver.handshake(method, headers, query)
    try:
        view = receiver.precheck(method, headers)
        if receive is not None:
            body = await read_body_async(receiver, receive, view.content_length)
        elif read is not None:
            body = read_body(receiver, view, read, terminated=terminated)
        else:
            raise TypeError("serve_async needs receive or read")
    except WebhookError as exc:
        return receiver.reject(exc)
    except ClientDisconnected:
        return None
    return await receiver.handle_async(method, view, body)


# --- routes ----------------------------------------------------------------------------------

# What routers ignore at the end of a path: Starlette's route patterns end in "$",
# which Python lets match before a final "\n" (so "/hooks/x%0a" routes to "/hooks/x");
# a trailing slash is redirected or matched by several frameworks. Stripping every
# control character, space and slash there covers those and errs on the side of
# answering: an extra spelling the receiver answers is refused by verification; one
# passed through would reach the application unverified.
_TRAILING = "".join(map(chr, range(0x21))) + "\x7f/"


def _is_canonical(path: str) -> bool:
    """Whether :func:`canonical_path` would return ``path`` itself (quick checks only)."""
    return path[-1:] not in _TRAILING and "//" not in path and "/." not in path and path[:1] == "/"


def canonical_path(path: str) -> str:
    """The route ``path`` names, however it is spelt.

    Runs of slashes are one slash (Werkzeug merges them, and a server turns
    ``/%2Fhooks`` into ``//hooks``), ``.`` and ``..`` segments are resolved, and
    trailing slashes, spaces and control characters are dropped. Case and percent
    signs are kept: no router here folds case or decodes a second time.
    """
    while True:  # until nothing changes: dropping a segment can expose another
        segments: list[str] = []
        for segment in path.rstrip(_TRAILING).split("/"):
            if segment == "..":
                if segments:
                    segments.pop()
            elif segment and segment != ".":
                segments.append(segment)
        canonical = "/" + "/".join(segments)
        if canonical == path:
            return canonical
        path = canonical


def route_path(path: str, root_path: str = "") -> str:
    """``path`` relative to ``root_path``, as Starlette routes an ASGI request.

    ASGI's ``path`` includes the ``root_path`` (a server's ``--root-path``, a
    ``Mount``); a ``path`` that does not start with it is taken as it is.
    """
    if root_path and path.startswith(root_path):
        rest = path[len(root_path) :]
        if not rest or rest[0] == "/":
            return rest
    return path


class RouteTable:
    """Receivers by URL path, matched as the framework below would route the request.

    A path matches when its :func:`canonical_path` is a configured path's, so every
    spelling that reaches the protected route in Starlette, Werkzeug or Django is
    answered by the receiver (and refused there unless it verifies), never passed
    through to the application's own route at that path.
    """

    __slots__ = ("_table",)

    def __init__(self, routes: Mapping[str, Receiver] | Iterable[tuple[str, Receiver]]) -> None:
        pairs = routes.items() if isinstance(routes, Mapping) else routes
        self._table: dict[str, Receiver] = {}
        for path, receiver in pairs:
            if not isinstance(path, str) or not path.startswith("/"):
                raise ConfigurationError(f"a webhook path must start with '/': {path!r}")
            if not isinstance(receiver, Receiver):
                raise ConfigurationError(f"the route {path!r} must map to a Receiver")
            key = canonical_path(path)
            if key in self._table and self._table[key] is not receiver:
                raise ConfigurationError(f"the paths of two receivers name the same route: {key!r}")
            self._table[key] = receiver
        if not self._table:
            raise ConfigurationError("routes must name at least one path")

    def get(self, path: str) -> Receiver | None:
        """The receiver for ``path``, or ``None`` when the path is not a webhook's."""
        found = self._table.get(path)
        if found is not None or _is_canonical(path):
            # Every request the application gets comes here: a path already in its
            # canonical spelling (nearly all) costs one lookup and three scans.
            return found
        return self._table.get(canonical_path(path))

    def match(self, path: str, root_path: str = "") -> Receiver | None:
        """:meth:`get` for an ASGI request: relative to ``root_path`` as Starlette routes
        it, then, for servers that leave the ``root_path`` out of ``path``, as it is."""
        if not root_path:
            return self.get(path)
        relative = route_path(path, root_path)
        found = self.get(relative)
        return self.get(path) if found is None and relative is not path else found

    def __iter__(self) -> Iterator[tuple[str, Receiver]]:
        return iter(self._table.items())

    def __len__(self) -> int:
        return len(self._table)
