"""No spelling of a protected path reaches the application's own route unverified.

The spellings are derived, not listed per framework: :func:`spellings` writes one
table of request-targets for a path (slashes doubled or encoded, dot segments,
trailing slashes, whitespace, control characters, case, encoded letters, path
parameters, absolute form...). For each deployment the bare application (no webhook
layer, its own route at the protected path answering ``REACHED_STATUS``) is asked
which of them it routes there, through its framework's test client and through the
real servers (uvicorn and gunicorn decode ``%2F`` in the path, which test clients
may not). Then, behind the webhook layer, every one of those must be answered by
the receiver (an unsigned request: 401 with ``{"error": ...}``) and the
application's own route must never run; a genuine signed request at the path gets
200. Spellings the bare application does not route there may go anywhere.

The table of what each deployment routes is printed in the terminal summary (and
written as JSON to ``$WR_ROUTE_TABLE`` when that is set).
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Protocol
from urllib.parse import unquote, unquote_to_bytes

import httpx2 as httpx
import pytest
from django.test import AsyncClient, Client
from django.test.client import FakePayload
from starlette.testclient import TestClient
from werkzeug.test import Client as WerkzeugClient

from .apps import asgi_apps, wsgi_apps
from .apps.common import (
    DEPLOYMENT_HEADER,
    MOUNT,
    PROTECTED,
    REACHED,
    REACHED_STATUS,
    ROOT_PATH,
    signed,
)
from .apps.django_project.overrides import django_overrides
from .servers import (
    DJANGO_GUNICORN,
    DJANGO_UVICORN,
    GUNICORN,
    UVICORN,
    UVICORN_ROOT_PATH,
    WERKZEUG,
    Reply,
    Server,
    ServerPool,
    ServerSpec,
    exchange,
    request_bytes,
    server_pool,
)

__all__ = ["server_pool"]  # the session's servers, shared with test_body_framings

# --- the spellings --------------------------------------------------------------------------------

SUFFIXES = (
    "/", "//", "/.", "/./", "/..", "/x/..", "/x/%2e%2e", ".", "%2e", "/%2e", "%2f", "%2F", "%2f%2f",
    "%0a", "%0A", "%0d", "%0d%0a", "%09", "%0b", "%0c", "%1f", "%20", "%20%0a", "%00", "%7f",
    "%c2%a0", "%e2%80%8b", "%ef%bc%8f", ";", ";param", ";a=b", "%3b", "%3bx", "#x", "%23x", "?x=1",
    "%3fx", "%5c", "\\", "*", "%2a", "~", "%7e", "-", "_", ":", "%3a", "&", "%26", "%25",
)  # fmt: skip
"""What a spelling may add at the end of the path."""

SLASH_FORMS = (
    "//", "///", "%2F", "%2f", "%2F%2F", "/%2F", "/./", "/%2e/", "/%2E/", "/x/../", "/x/%2e%2e/",
    "/x/..%2f", "\\", "%5C", "/;/", ";/", "/;x/",
)  # fmt: skip
"""What a spelling may put in place of one of the path's slashes."""

LEADING = ("/..", "/%2e%2e", "/.", "/%2e", "/x/..")
"""What a spelling may put before the path."""

ABSOLUTE = ("http://127.0.0.1", "http://example.com", "HTTP://127.0.0.1")
"""Absolute-form request-targets (RFC 9112 3.2.2): the server takes the path from them."""


def _encoded(char: str, upper: bool = True) -> str:
    return "".join(f"%{byte:02X}" if upper else f"%{byte:02x}" for byte in char.encode())


def spellings(path: str) -> list[str]:
    """Request-targets that spell ``path`` (an absolute path of plain ASCII segments) differently."""
    found = [path]
    found += [path + suffix for suffix in SUFFIXES]
    slashes = [i for i, char in enumerate(path) if char == "/"]
    found += [path[:i] + form + path[i + 1 :] for i in slashes for form in SLASH_FORMS]
    found += [lead + path for lead in LEADING]
    found += [origin + path for origin in ABSOLUTE]
    found += [path.upper(), path.title(), path[:-1] + path[-1].upper()]
    starts = [i + 1 for i in slashes]
    ends = [*slashes[1:], len(path)]
    for start, end in zip(starts, ends, strict=True):
        before, segment, after = path[:start], path[start:end], path[end:]
        if len(segment) < 2:
            continue

        def at(j: int, text: str, before: str = before, segment: str = segment, after: str = after) -> str:
            return before + segment[:j] + text + segment[j + 1 :] + after

        first, second = segment[0], segment[1]
        found += [
            at(0, _encoded(first)),  # /%68ooks
            at(1, _encoded(second, upper=False)),  # /h%6foks
            before + "".join(_encoded(char) for char in segment) + after,
            at(1, "%25" + _encoded(second)[1:]),  # encoded twice: /h%256Foks
            at(1, second.upper()),
            at(1, f"%c1%{0x80 | (ord(second) & 0x3F):02x}"),  # overlong UTF-8
            at(1, _encoded(chr(0xFF00 + ord(second) - 0x20))),  # a fullwidth letter
            at(0, f"%u00{ord(first):02x}"),  # IIS-style %u
        ]
    return list(dict.fromkeys(found))


# --- how requests are sent ------------------------------------------------------------------------

UNSIGNED = {"Content-Type": "application/json"}
"""An unsigned request: the receiver's answer is a 401."""
BODY = b"{}"

BARE, PROTECTED_VARIANT = "bare", "protected"


class Transport(Protocol):
    """Sends requests to one deployment, bare or protected, one way (a test client, a server)."""

    label: str

    def send(
        self, variant: str, targets: Sequence[str], headers: Mapping[str, str], body: bytes
    ) -> list[Reply | None]:
        """One POST per target; ``None`` where this way cannot send that target as it is."""
        ...

    def reached(self, variant: str) -> int:
        """How many times the variant's own protected route has run."""
        ...


def _reply(status: int, headers: Mapping[str, str], body: bytes) -> Reply:
    return Reply(status, {k.lower(): v for k, v in headers.items()}, body)


class ASGITestClient:
    """Starlette's ``TestClient``: it cannot send what httpx normalises (dot segments) or refuses."""

    label = "test client"

    def __init__(self, deployment: str) -> None:
        build = asgi_apps.DEPLOYMENTS[deployment]
        self.keys = {v: f"{deployment}:{v}" for v in (BARE, PROTECTED_VARIANT)}
        self.clients = {
            v: TestClient(build(key, v == PROTECTED_VARIANT), follow_redirects=False)
            for v, key in self.keys.items()
        }

    def send(
        self, variant: str, targets: Sequence[str], headers: Mapping[str, str], body: bytes
    ) -> list[Reply | None]:
        client = self.clients[variant]
        replies: list[Reply | None] = []
        for target in targets:
            try:
                url = httpx.URL(scheme="http", host="testserver", raw_path=target.encode())
            except httpx.InvalidURL:
                replies.append(None)
                continue
            if url.raw_path != target.encode():
                replies.append(None)
                continue
            response = client.post(url, headers=dict(headers), content=body)
            replies.append(_reply(response.status_code, response.headers, response.content))
        return replies

    def reached(self, variant: str) -> int:
        return REACHED[self.keys[variant]]


def origin_form(target: str) -> bool:
    """Whether ``target`` is a plain path (and query): what the in-process clients can send as
    a server would deliver it. The rest (absolute form, a fragment, no leading slash) is left
    to the real servers, which decide what they make of it."""
    return target.startswith("/") and "#" not in target


def gunicorn_environ(target: str) -> dict[str, str] | None:
    """``PATH_INFO`` and friends as gunicorn makes them from ``target``."""
    if not origin_form(target):
        return None
    path, _, query = target.partition("?")
    return {
        "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
        "QUERY_STRING": query,
        "RAW_URI": target,
        "SCRIPT_NAME": "",
    }


class WerkzeugTestClient:
    """Werkzeug's test client (Flask's is one), with the environ gunicorn would build."""

    label = "test client"

    def __init__(self, deployment: str) -> None:
        build = wsgi_apps.DEPLOYMENTS[deployment]
        self.keys = {v: f"{deployment}:{v}" for v in (BARE, PROTECTED_VARIANT)}
        self.clients = {v: WerkzeugClient(build(key, v == PROTECTED_VARIANT)) for v, key in self.keys.items()}

    def send(
        self, variant: str, targets: Sequence[str], headers: Mapping[str, str], body: bytes
    ) -> list[Reply | None]:
        client = self.clients[variant]
        replies: list[Reply | None] = []
        for target in targets:
            environ = gunicorn_environ(target)
            if environ is None:
                replies.append(None)
                continue
            response = client.post("/", headers=dict(headers), data=body, environ_overrides=environ)
            replies.append(_reply(response.status_code, response.headers, response.get_data()))
        return replies

    def reached(self, variant: str) -> int:
        return REACHED[self.keys[variant]]


class DjangoTestClient:
    """Django's ``Client`` (a WSGI environ, as gunicorn builds it) or ``AsyncClient`` (an ASGI
    scope, as uvicorn builds it), with the project's settings for each mode."""

    def __init__(self, mode: str, asynchronous: bool) -> None:
        self.modes = {BARE: "bare", PROTECTED_VARIANT: mode}
        self.asynchronous = asynchronous
        self.label = "AsyncClient" if asynchronous else "test client"

    def send(
        self, variant: str, targets: Sequence[str], headers: Mapping[str, str], body: bytes
    ) -> list[Reply | None]:
        with django_overrides(self.modes[variant]):
            if self.asynchronous:
                return asyncio.run(self._send_async(targets, headers, body))
            client = Client()
            replies: list[Reply | None] = []
            for target in targets:
                environ = gunicorn_environ(target)
                if environ is None:
                    replies.append(None)
                    continue
                rest = {k: v for k, v in headers.items() if k.lower() != "content-type"}
                response = client.generic(
                    "POST", "/", data=body, content_type=headers["Content-Type"], headers=rest, **environ
                )
                replies.append(_reply(response.status_code, dict(response.headers), response.content))
            return replies

    async def _send_async(
        self, targets: Sequence[str], headers: Mapping[str, str], body: bytes
    ) -> list[Reply | None]:
        client = AsyncClient()
        replies: list[Reply | None] = []
        for target in targets:
            if not origin_form(target):
                replies.append(None)
                continue
            raw_path, _, query = target.partition("?")
            scope_headers = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
            response = await client.request(
                method="POST",
                path=unquote(raw_path),  # as uvicorn makes it
                raw_path=raw_path.encode(),
                query_string=query,
                headers=[*scope_headers, (b"content-length", str(len(body)).encode())],
                _body_file=FakePayload(body),
            )
            replies.append(_reply(response.status_code, dict(response.headers), response.content))
        return replies

    def reached(self, variant: str) -> int:
        return REACHED[f"django-{self.modes[variant]}"]


class ServerTransport:
    """A real server: the request-target goes out byte for byte."""

    def __init__(self, label: str, servers: Mapping[str, Server], keys: Mapping[str, str]) -> None:
        self.label = label
        self.servers = servers
        self.keys = keys
        """The deployment header's value per variant (empty: the server serves one deployment)."""

    def send(
        self, variant: str, targets: Sequence[str], headers: Mapping[str, str], body: bytes
    ) -> list[Reply | None]:
        server = self.servers[variant]
        extra = {DEPLOYMENT_HEADER: self.keys[variant]} if self.keys[variant] else {}
        return [
            exchange(server.port, request_bytes("POST", target, {**headers, **extra}, body))
            for target in targets
        ]

    def reached(self, variant: str) -> int:
        server = self.servers[variant]
        key = self.keys[variant] or f"django-{server.spec.env['WR_DJANGO_MODE']}"
        return server.reached().get(key, 0)


# --- the deployments ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One deployment, reached one way: in process (``client``) or through real ``servers``."""

    deployment: str
    way: str
    """``test client``, ``AsyncClient``, or a server's name."""
    bases: tuple[str, ...]
    """Where the protected route is, as a client spells the URL; every spelling of each is tried."""
    also: tuple[str, ...] = ()
    """Paths whose spellings are tried too, though the bare application need not route them."""
    client: Callable[[], Transport] | None = None
    servers: tuple[tuple[str, ServerSpec], ...] = ()
    """The server of each variant."""
    dispatch: bool = True
    """The server serves several deployments, picked by the deployment header."""

    @property
    def id(self) -> str:
        return f"{self.deployment} [{self.way}]"

    def transport(self, running: Mapping[ServerSpec, Server]) -> Transport:
        if self.client is not None:
            return self.client()
        servers = {variant: running[spec] for variant, spec in self.servers}
        keys = {variant: f"{self.deployment}:{variant}" if self.dispatch else "" for variant in servers}
        return ServerTransport(self.way, servers, keys)


def _both(spec: ServerSpec) -> tuple[tuple[str, ServerSpec], ...]:
    return ((BARE, spec), (PROTECTED_VARIANT, spec))


def _asgi_cases() -> Iterator[Case]:
    for deployment in asgi_apps.DEPLOYMENTS:
        path = (MOUNT if deployment == "starlette-mount" else "") + PROTECTED
        # FastAPI(root_path=...) routes the path with the root path in front, and without it.
        bases = (path, ROOT_PATH + path) if deployment == "fastapi-root-path" else (path,)
        yield Case(deployment, "test client", bases, client=partial(ASGITestClient, deployment))
        yield Case(deployment, UVICORN.name, bases, servers=_both(UVICORN))
        # Under --root-path the server puts the root path in front of what the client sends:
        # the route is at the path without it, and the root path spelt out is tried as well.
        root = UVICORN_ROOT_PATH
        yield Case(deployment, root.name, (path,), (ROOT_PATH + path,), servers=_both(root))


def _wsgi_cases() -> Iterator[Case]:
    for deployment in wsgi_apps.DEPLOYMENTS:
        bases = ((MOUNT if deployment == "flask-script-name" else "") + PROTECTED,)
        yield Case(deployment, "test client", bases, client=partial(WerkzeugTestClient, deployment))
        for spec in (GUNICORN, WERKZEUG):
            yield Case(deployment, spec.name, bases, servers=_both(spec))


def _django_cases() -> Iterator[Case]:
    bases = (PROTECTED,)
    for mode, clients in (("middleware", (False, True)), ("view", (False,)), ("async-view", (True,))):
        deployment = f"django-{mode}"
        for asynchronous in clients:
            way = "AsyncClient" if asynchronous else "test client"
            yield Case(deployment, way, bases, client=partial(DjangoTestClient, mode, asynchronous))
        for kind, specs in (("gunicorn", DJANGO_GUNICORN), ("uvicorn", DJANGO_UVICORN)):
            # One process per mode: the bare project's, and the deployment's.
            servers = ((BARE, specs["bare"]), (PROTECTED_VARIANT, specs[mode]))
            yield Case(deployment, kind, bases, servers=servers, dispatch=False)


CASES = [*_asgi_cases(), *_wsgi_cases(), *_django_cases()]


@pytest.fixture(scope="module")
def running(server_pool: ServerPool) -> dict[ServerSpec, Server]:
    """Every server the cases need, started together."""
    specs = list(dict.fromkeys(spec for case in CASES for _, spec in case.servers))
    return dict(zip(specs, server_pool.get(*specs), strict=True))


# --- the table ------------------------------------------------------------------------------------


@dataclass
class Row:
    """What one deployment, reached one way, did with the spellings."""

    case: str
    tried: int = 0
    unsendable: list[str] = field(default_factory=list)
    routed: list[str] = field(default_factory=list)
    """Spellings the bare application routes to its own protected route."""
    redirected: list[str] = field(default_factory=list)
    answered_unrouted: list[str] = field(default_factory=list)
    """Spellings the bare application does not route there that the receiver answers all the same."""
    seconds: float = 0.0


TABLE: dict[str, Row] = {}


class _Summary:
    """Prints ``TABLE`` at the end of the run."""

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not TABLE:
            return
        write = terminalreporter.write_line
        terminalreporter.section("spellings each deployment routes to its own protected route")
        for row in TABLE.values():
            write(
                f"{row.case}: {len(row.routed)} of {row.tried} routed "
                f"({len(row.unsendable)} not sendable this way, {len(row.redirected)} redirected, "
                f"{len(row.answered_unrouted)} more answered by the receiver; {row.seconds:.2f}s)"
            )
            write("    " + " ".join(row.routed))
        if path := os.environ.get("WR_ROUTE_TABLE"):
            with open(path, "w") as file:
                json.dump({key: row.__dict__ for key, row in TABLE.items()}, file, indent=1)


@pytest.fixture(scope="module", autouse=True)
def _print_the_table(request: pytest.FixtureRequest) -> None:
    manager = request.config.pluginmanager
    if not manager.has_plugin("webhook-route-table"):
        manager.register(_Summary(), "webhook-route-table")


# --- the tests ------------------------------------------------------------------------------------


def answered_by_receiver(reply: Reply | None) -> bool:
    """A refusal in the receiver's shape: 401, ``{"error": "<code>"}``."""
    if (
        reply is None
        or reply.status != 401
        or not reply.headers.get("content-type", "").startswith("application/json")
    ):
        return False
    try:
        return isinstance(reply.json().get("error"), str)
    except ValueError:
        return False


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_every_spelling_the_framework_routes_is_answered_by_the_receiver(
    case: Case, request: pytest.FixtureRequest
) -> None:
    started = time.perf_counter()
    transport = case.transport(request.getfixturevalue("running") if case.servers else {})
    targets = list(dict.fromkeys(target for base in case.bases + case.also for target in spellings(base)))
    row = TABLE[case.id] = Row(case.id, tried=len(targets))

    # What the bare application routes to its own protected route.
    runs = transport.reached(BARE)
    bare = transport.send(BARE, targets, UNSIGNED, BODY)
    for target, reply in zip(targets, bare, strict=True):
        if reply is None:
            row.unsendable.append(target)
        elif reply.status == REACHED_STATUS:
            row.routed.append(target)
        elif 300 <= reply.status < 400:
            row.redirected.append(target)
        assert reply is None or reply.status < 500, (target, reply)
    assert set(case.bases) <= set(row.routed), "the bare application does not route its own path"
    assert transport.reached(BARE) == runs + len(row.routed), "a REACHED_STATUS not from the own route"

    # Behind the webhook layer: the receiver answers every one of them, the route never runs.
    before = transport.reached(PROTECTED_VARIANT)
    protected = transport.send(PROTECTED_VARIANT, targets, UNSIGNED, BODY)
    bypassed = []
    for target, reply in zip(targets, protected, strict=True):
        if target in row.routed and not answered_by_receiver(reply):
            bypassed.append((target, reply))
        elif target not in row.routed and answered_by_receiver(reply):
            row.answered_unrouted.append(target)
        assert reply is None or reply.status < 500, (target, reply)
    assert not bypassed, f"routed by the framework but not answered by the receiver: {bypassed}"
    assert transport.reached(PROTECTED_VARIANT) == before, "the application's own route ran"

    # A genuine request at the path itself is accepted.
    for base in case.bases:
        [reply] = transport.send(PROTECTED_VARIANT, [base], *signed())
        assert reply is not None
        assert reply.status == 200, (base, reply)
    row.seconds = time.perf_counter() - started


def test_the_spellings_are_derived_from_the_path() -> None:
    table = spellings("/ab/cd")
    assert table[0] == "/ab/cd"
    expected = {"/ab/cd/", "//ab/cd", "/ab//cd", "/%2Fab/cd", "/ab%2Fcd", "/ab/cd%0a", "/./ab/cd", "/AB/CD"}
    assert expected <= set(table)
    assert {"/%61b/cd", "/ab/c%64", "/a%2562/cd", "http://127.0.0.1/ab/cd"} <= set(table)
    assert len(table) == len(set(table))
