"""Every way a body can arrive, through real servers: the receiver reads what the server delivers.

Each target is one deployment under one real server (uvicorn for ASGI, gunicorn's sync
worker and werkzeug's development server for WSGI, both for Django), reached over a
raw socket: a genuine body with ``Content-Length`` and the same body chunked are
accepted (the signature covers every byte, so a body read short or empty is a 401);
a chunked body past the receiver's limit, and a declared length past it, are a 413
answered before the whole body has been sent; a malformed chunk size is a 400 with
no traceback in the server's log; a body that ends before its ``Content-Length`` is
never accepted and never a 500. Under a WSGI server that does not terminate the
input (``wsgi.input_terminated``), a body without a length is a 411.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIHandler
from werkzeug.test import EnvironBuilder

from .apps import wsgi_apps
from .apps.common import BIG, DEPLOYMENT_HEADER, PROTECTED, signed
from .apps.django_project.overrides import django_overrides
from .servers import (
    DJANGO_GUNICORN,
    DJANGO_UVICORN,
    GUNICORN,
    UVICORN,
    UVICORN_HTTPTOOLS,
    WERKZEUG,
    Reply,
    Server,
    ServerPool,
    ServerSpec,
    Streamed,
    chunk_bytes,
    exchange,
    has_module,
    request_bytes,
    server_pool,
    stream,
)

__all__ = ["server_pool"]  # the session's servers, shared with test_routes_cannot_be_bypassed

DEFAULT_LIMIT = 5 * 1024 * 1024
"""The receiver's default ``max_body_size`` (the ``BIG`` path keeps it)."""
MiB = 1024 * 1024
PIECE = 64 * 1024


@dataclass(frozen=True)
class Target:
    """One deployment under one server."""

    deployment: str
    spec: ServerSpec
    header: str = ""
    """The server's deployment header value ("" for a server of one deployment)."""
    buffers_whole_body: bool = False
    """Django under ASGI: the handler receives the whole body before any middleware runs."""

    @property
    def id(self) -> str:
        return f"{self.deployment} [{self.spec.name}]"

    def headers(self, headers: dict[str, str]) -> dict[str, str]:
        return {**headers, DEPLOYMENT_HEADER: self.header} if self.header else headers


def _targets() -> Iterator[Target]:
    for deployment in ("starlette", "fastapi-dependency"):
        yield Target(deployment, UVICORN, f"{deployment}:protected")
    yield Target("starlette", UVICORN_HTTPTOOLS, "starlette:protected")
    for spec in (GUNICORN, WERKZEUG):
        for deployment in ("flask-wsgi-middleware", "flask-decorator", "flask-extension"):
            yield Target(deployment, spec, f"{deployment}:protected")
    for mode in ("middleware", "view", "async-view"):
        yield Target(f"django-{mode}", DJANGO_GUNICORN[mode])
        yield Target(f"django-{mode}", DJANGO_UVICORN[mode], buffers_whole_body=True)


HTTPTOOLS = has_module("httptools")
TARGET_LIST = list(_targets())
SPECS = list(dict.fromkeys(t.spec for t in TARGET_LIST if HTTPTOOLS or t.spec is not UVICORN_HTTPTOOLS))


def params(known: dict[str, Any] | None = None) -> list[Any]:
    """The targets as parameters: httptools skipped when missing; ``known`` marks
    targets with a known failure, by id."""
    found = []
    for target in TARGET_LIST:
        marks = []
        if target.spec is UVICORN_HTTPTOOLS and not HTTPTOOLS:
            marks.append(pytest.mark.skip(reason="httptools is not installed"))
        if known and target.id in known:
            marks.append(known[target.id])
        found.append(pytest.param(target, marks=marks, id=target.id))
    return found


TARGETS = params()


@pytest.fixture(scope="module")
def running(server_pool: ServerPool) -> dict[ServerSpec, Server]:
    """Every server the targets need, started together."""
    return dict(zip(SPECS, server_pool.get(*SPECS), strict=True))


class Watched:
    """The target's server, and what it has logged since the test began."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.port = server.port
        self.since = server.log_size()

    def assert_no_traceback(self, settle: float = 0.0) -> None:
        """``settle``: how long to wait first, where the server may still be logging after it
        has answered (a request whose client has gone ends after the answer was sent)."""
        time.sleep(settle)
        log = self.server.log(self.since)
        assert "Traceback" not in log, log


@pytest.fixture
def server(request: pytest.FixtureRequest, running: dict[ServerSpec, Server]) -> Watched:
    """The target's server (each test ends by checking its log for tracebacks)."""
    target: Target = request.node.callspec.params["target"]
    return Watched(running[target.spec])


def post(target: Target, path: str, headers: dict[str, str], **kwargs: Any) -> bytes:
    return request_bytes("POST", path, target.headers(headers), **kwargs)


def pieces_of(body: bytes, size: int) -> list[bytes]:
    return [body[i : i + size] for i in range(0, len(body), size)]


# --- what each server answered, printed at the end ------------------------------------------------

ANSWERS: dict[str, dict[str, str]] = {}


def record(target: Target, case: str, reply: Reply | None, note: str = "") -> None:
    answer = "no answer" if reply is None else str(reply.status)
    ANSWERS.setdefault(target.id, {})[case] = f"{answer} ({note})" if note else answer


class _Summary:
    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not ANSWERS:
            return
        terminalreporter.section("what each server answered (body framings)")
        for target, answers in ANSWERS.items():
            terminalreporter.write_line(f"{target}:")
            for case, answer in answers.items():
                terminalreporter.write_line(f"    {case}: {answer}")


@pytest.fixture(scope="module", autouse=True)
def _print_the_answers(request: pytest.FixtureRequest) -> None:
    manager = request.config.pluginmanager
    if not manager.has_plugin("webhook-framing-answers"):
        manager.register(_Summary(), "webhook-framing-answers")


# --- accepted --------------------------------------------------------------------------------


@pytest.mark.parametrize("target", TARGETS)
def test_a_genuine_body_with_content_length_is_accepted(target: Target, server: Watched) -> None:
    headers, body = signed()
    reply = exchange(server.port, post(target, PROTECTED, headers, body=body))
    assert reply is not None
    assert reply.status == 200, reply
    server.assert_no_traceback()


@pytest.mark.parametrize("target", TARGETS)
def test_the_same_body_chunked_is_accepted(target: Target, server: Watched) -> None:
    headers, body = signed()
    reply = exchange(server.port, post(target, PROTECTED, headers, chunks=pieces_of(body, 7)))
    assert reply is not None
    assert reply.status == 200, reply  # a body read short or empty would fail the signature: 401
    server.assert_no_traceback()


# --- refused, early ----------------------------------------------------------------------------

STREAMED: dict[tuple[str, str], Streamed] = {}
"""Each streamed exchange, by (target, case): the 413 test and the early-answer test share it."""


def chunked_head(target: Target, path: str) -> bytes:
    headers, _ = signed()
    return post(target, path, {**headers, "Transfer-Encoding": "chunked"})


def streamed(target: Target, server: Watched, case: str) -> Streamed:
    key = (target.id, case)
    if key not in STREAMED:
        if case == "chunked over a small limit":
            # 1 MiB in 16 KiB chunks against LIMIT (4 KiB).
            pieces = [chunk_bytes(b"x" * (16 * 1024)) for _ in range(64)] + [chunk_bytes(b"")]
            STREAMED[key] = stream(server.port, chunked_head(target, PROTECTED), pieces)
        elif case == "chunked 6 MiB over the default limit":
            pieces = [chunk_bytes(b"x" * PIECE) for _ in range(6 * MiB // PIECE)] + [chunk_bytes(b"")]
            STREAMED[key] = stream(server.port, chunked_head(target, BIG), pieces)
        elif case == "declared 20 MiB":
            headers, _ = signed()
            head = post(target, BIG, {**headers, "Content-Length": str(20 * MiB)})
            STREAMED[key] = stream(server.port, head, (b"x" * PIECE for _ in range(20 * MiB // PIECE)))
        else:
            raise ValueError(case)
    return STREAMED[key]


CASES = ("chunked over a small limit", "chunked 6 MiB over the default limit", "declared 20 MiB")


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("target", TARGETS)
def test_a_body_over_the_limit_is_413(target: Target, server: Watched, case: str) -> None:
    result = streamed(target, server, case)
    record(target, case, result.reply, f"{result.sent_before_answer} of {result.total} sent")
    assert result.reply is not None, "no answer"
    assert result.reply.status == 413, result.reply
    assert result.reply.json() == {"error": "body_too_large"}
    server.assert_no_traceback()


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("target", params())
def test_the_413_comes_before_the_whole_body_is_sent(target: Target, server: Watched, case: str) -> None:
    result = streamed(target, server, case)
    assert result.reply is not None
    assert result.reply.status == 413
    if case == "chunked 6 MiB over the default limit":
        assert result.sent_before_answer >= DEFAULT_LIMIT  # nothing is refused before the limit
    assert result.sent_before_answer < result.total, f"answered only after all {result.total} bytes were sent"
    if case != "chunked 6 MiB over the default limit":
        assert result.sent_before_answer <= result.total // 2, result.sent_before_answer


# --- broken framing -----------------------------------------------------------------------------


@pytest.mark.parametrize("target", params())
def test_a_malformed_chunk_size_is_400_without_a_traceback(target: Target, server: Watched) -> None:
    headers, body = signed()
    head = post(target, PROTECTED, {**headers, "Transfer-Encoding": "chunked"})
    reply = exchange(server.port, head + b"zz\r\n" + body + b"\r\n0\r\n\r\n")
    record(target, "chunk size zz", reply)
    assert reply is not None, "no answer"
    assert reply.status == 400, reply  # the server's decoding failed: never a 500
    server.assert_no_traceback(settle=0.1)


@pytest.mark.parametrize("target", params())
def test_a_body_shorter_than_its_content_length_is_never_accepted(target: Target, server: Watched) -> None:
    headers, body = signed()
    head = post(target, PROTECTED, {**headers, "Content-Length": str(len(body) + 50)})
    # The head first, a pause (the application is waiting for the body), then the body, short.
    reply = exchange(server.port, head + body, pause_after=len(head), half_close=True)
    record(target, "short body, half-closed", reply)
    # Nobody to answer (the server saw the client go away mid-body), or a refusal; never 2xx or 5xx.
    assert reply is None or 400 <= reply.status < 500, reply
    server.assert_no_traceback(settle=0.1)


@pytest.mark.parametrize("target", TARGETS)
def test_a_body_with_neither_length_nor_chunking_is_never_accepted(target: Target, server: Watched) -> None:
    headers, body = signed()
    reply = exchange(server.port, post(target, PROTECTED, headers) + body)
    record(target, "no length, not chunked", reply)
    # HTTP/1.1 gives such a request no body (a server that delivers none: the signature fails,
    # 401), and a WSGI server that hands over an unterminated input gets a 411. (No half-close:
    # Django under ASGI stops answering a request whose client has gone.)
    assert reply is not None
    assert 400 <= reply.status < 500, reply
    if target.spec is WERKZEUG:
        assert reply.status == 411, reply  # run_simple terminates the input only when chunked
    server.assert_no_traceback()


# --- a WSGI server that does not terminate the input -------------------------------------------


class CountingInput(io.BytesIO):
    """``wsgi.input`` that counts what the application read."""

    bytes_read = 0

    def read(self, size: int | None = -1, /) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def unterminated_environ(body: bytes, headers: dict[str, str]) -> tuple[dict[str, Any], CountingInput]:
    """A chunked request as a server that does not set ``wsgi.input_terminated`` hands it over."""
    environ = EnvironBuilder(PROTECTED, method="POST", headers=headers).get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ.pop("wsgi.input_terminated", None)
    environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    stream = environ["wsgi.input"] = CountingInput(body)
    return environ, stream


def call_wsgi(app: Any, environ: dict[str, Any]) -> Reply:
    captured: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        captured["status"], captured["headers"] = status, headers

    chunks = app(environ, start_response)
    try:
        body = b"".join(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    headers = {name.lower(): value for name, value in captured["headers"]}
    return Reply(int(captured["status"].split()[0]), headers, body)


WSGI_DEPLOYMENTS = ("flask-wsgi-middleware", "flask-decorator", "flask-extension")
DJANGO_MODES = ("middleware", "view", "async-view")


@pytest.mark.parametrize("deployment", [*WSGI_DEPLOYMENTS, *(f"django-{mode}" for mode in DJANGO_MODES)])
def test_no_length_and_an_unterminated_input_is_411_and_nothing_is_read(deployment: str) -> None:
    headers, body = signed()
    environ, stream = unterminated_environ(body, headers)
    if deployment.startswith("django-"):
        with django_overrides(deployment.removeprefix("django-")):
            reply = call_wsgi(WSGIHandler(), environ)
    else:
        reply = call_wsgi(wsgi_apps.DEPLOYMENTS[deployment](f"{deployment}:411", True), environ)
    assert reply.status == 411, reply
    assert json.loads(reply.body) == {"error": "length_required"}
    assert stream.bytes_read == 0  # PEP 3333: nothing past a length there is none of
