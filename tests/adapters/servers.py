"""Real servers for the adapter tests: uvicorn and gunicorn on 127.0.0.1, and raw HTTP/1.1 to them.

Each server is a process of its own, started from the repository root on a free
port, its output in a log file the tests read (for tracebacks); several start at
once and every wait is bounded, as in ``tests/test_servers.py``. :class:`ServerPool`
(the session-wide ``server_pool`` fixture; a test module imports it) starts each
server the first time a module asks for it, so modules share them, and stops them
all at the end of the session.

Requests are written byte for byte on a socket (:func:`exchange`), so a test can
send what no HTTP client would: any request-target, a malformed chunk, a body
shorter than its ``Content-Length`` followed by a half-close.
"""

from __future__ import annotations

import json
import os
import select
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 30
"""The longest any server may take to answer its health check (several start at once)."""
IO_SECONDS = 10
"""The longest any one exchange with a server may take."""

APPS = "tests.adapters.apps"
DJANGO_SETTINGS = f"{APPS}.django_project.settings"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def has_module(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


# --- what a server is ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ServerSpec:
    """How to start one server: ``{port}`` in ``command`` is replaced by its port."""

    name: str
    command: tuple[str, ...]
    environment: tuple[tuple[str, str], ...] = ()
    ready_path: str = "/health"

    @property
    def env(self) -> dict[str, str]:
        return dict(self.environment)


def uvicorn(name: str, target: str, *options: str, env: Mapping[str, str] | None = None) -> ServerSpec:
    command = (sys.executable, "-m", "uvicorn", target, "--host", "127.0.0.1", "--port", "{port}")
    return ServerSpec(name, (*command, "--lifespan", "off", "--no-access-log", *options), _pairs(env))


def gunicorn(name: str, target: str, *options: str, env: Mapping[str, str] | None = None) -> ServerSpec:
    command = (sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:{port}", "--workers", "1")
    return ServerSpec(name, (*command, "--worker-class", "sync", *options, target), _pairs(env))


def _pairs(env: Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((env or {}).items()))


def django_env(mode: str) -> dict[str, str]:
    return {"DJANGO_SETTINGS_MODULE": DJANGO_SETTINGS, "WR_DJANGO_MODE": mode}


ASGI_TARGET = f"{APPS}.asgi_apps:app"
WSGI_TARGET = f"{APPS}.wsgi_apps:app"
DJANGO_WSGI_TARGET = f"{APPS}.django_project.wsgi:application"
DJANGO_ASGI_TARGET = f"{APPS}.django_project.asgi:application"

UVICORN = uvicorn("uvicorn", ASGI_TARGET, "--http", "h11")
UVICORN_ROOT_PATH = uvicorn("uvicorn --root-path /api", ASGI_TARGET, "--http", "h11", "--root-path", "/api")
UVICORN_HTTPTOOLS = uvicorn("uvicorn --http httptools", ASGI_TARGET, "--http", "httptools")
GUNICORN = gunicorn("gunicorn", WSGI_TARGET)
WERKZEUG = ServerSpec(
    "werkzeug run_simple",
    (
        sys.executable,
        "-c",
        "import sys; from werkzeug.serving import run_simple; "
        f"from {APPS}.wsgi_apps import app; run_simple('127.0.0.1', int(sys.argv[1]), app, threaded=True)",
        "{port}",
    ),
)
"""werkzeug's development server: it sets ``wsgi.input_terminated`` for a chunked body."""
DJANGO_MODES = ("bare", "middleware", "view", "async-view")
DJANGO_GUNICORN = {
    mode: gunicorn(f"gunicorn django {mode}", DJANGO_WSGI_TARGET, env=django_env(mode))
    for mode in DJANGO_MODES
}
DJANGO_UVICORN = {
    mode: uvicorn(f"uvicorn django {mode}", DJANGO_ASGI_TARGET, "--http", "h11", env=django_env(mode))
    for mode in DJANGO_MODES
}


class Server:
    """A running server: its port, and its log."""

    def __init__(self, spec: ServerSpec) -> None:
        self.spec = spec
        self.port = free_port()
        handle, name = tempfile.mkstemp(prefix="webhook-server-", suffix=".log")
        os.close(handle)
        self._log_path = Path(name)
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **spec.env}
        env.pop("PYTHONWARNINGS", None)
        command = [part.replace("{port}", str(self.port)) for part in spec.command]
        # Appending: the server's writes land at the end whatever the tests read meanwhile.
        with self._log_path.open("ab") as log:
            self.process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)

    @property
    def name(self) -> str:
        return self.spec.name

    def log(self, since: int = 0) -> str:
        """The server's output from byte ``since`` on."""
        with self._log_path.open("rb") as log:
            log.seek(since)
            return log.read().decode(errors="replace")

    def log_size(self) -> int:
        return self._log_path.stat().st_size

    def ready(self) -> bool:
        """Whether the server answers its health check (fails the test if it has exited)."""
        if self.process.poll() is not None:
            pytest.fail(f"{self.name} exited early ({self.process.returncode}):\n{self.log()}")
        try:
            reply = exchange(self.port, request_bytes("GET", self.spec.ready_path), timeout=5)
        except (OSError, AssertionError):  # not listening yet, or no worker to answer yet
            return False
        return reply is not None and reply.status == 200

    def reached(self) -> dict[str, int]:
        """The deployments' own protected routes' run counts in this server (``/__reached``)."""
        reply = exchange(self.port, request_bytes("GET", "/__reached"))
        assert reply is not None
        assert reply.status == 200, reply
        counts: dict[str, int] = json.loads(reply.body)
        return counts

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self._log_path.unlink(missing_ok=True)


def start(specs: Iterable[ServerSpec]) -> list[Server]:
    """Start every server at once, and wait (bounded) until each answers its health check."""
    servers = [Server(spec) for spec in specs]
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        waiting = list(servers)
        while waiting:
            waiting = [server for server in waiting if not server.ready()]
            if waiting and time.monotonic() > deadline:
                names = ", ".join(server.name for server in waiting)
                logs = "\n".join(f"--- {s.name}:\n{s.log()}" for s in waiting)
                pytest.fail(f"not answering within {STARTUP_SECONDS}s: {names}\n{logs}")
            if waiting:
                time.sleep(0.05)
    except BaseException:
        for server in servers:
            server.stop()
        raise
    return servers


class ServerPool:
    """Servers started on first use (several at once) and kept for the session."""

    def __init__(self) -> None:
        self._running: dict[ServerSpec, Server] = {}

    def get(self, *specs: ServerSpec) -> list[Server]:
        """The servers for ``specs``, in that order, starting those not running yet."""
        missing = [spec for spec in dict.fromkeys(specs) if spec not in self._running]
        for server in start(missing):
            self._running[server.spec] = server
        return [self._running[spec] for spec in specs]

    def close(self) -> None:
        for server in self._running.values():
            server.stop()
        self._running.clear()


POOL = ServerPool()
"""One pool for the session, however many test modules import the fixture below."""


@pytest.fixture(scope="session")
def server_pool() -> Iterator[ServerPool]:
    """The session's servers. (Each module that imports this gets a fixture of its own, and
    all of them hand out the one ``POOL``; the first to be torn down stops the servers.)"""
    yield POOL
    POOL.close()


# --- raw HTTP/1.1 ---------------------------------------------------------------------------------


@dataclass
class Reply:
    """A parsed response: status, headers (lower-cased names), body."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def __repr__(self) -> str:
        return f"<Reply {self.status} {self.body[:200]!r}>"


def request_bytes(
    method: str,
    target: str,
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
    *,
    chunks: Iterable[bytes] | None = None,
) -> bytes:
    """A request written out: ``target`` exactly as given; ``chunks`` are sent chunked.

    ``Host`` and ``Connection: close`` are added; ``Content-Length`` is added for a
    ``body`` unless ``headers`` name one already.
    """
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    given = dict(headers or {})
    if body is not None and not any(k.lower() == "content-length" for k in given):
        given["Content-Length"] = str(len(body))
    if chunks is not None:
        given["Transfer-Encoding"] = "chunked"
    lines += [f"{name}: {value}" for name, value in given.items()]
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    if chunks is not None:
        return head + b"".join(chunk_bytes(chunk) for chunk in [*chunks, b""])
    return head + (body or b"")


def chunk_bytes(chunk: bytes) -> bytes:
    """One chunk of a chunked body (the empty chunk is the last one, with the trailer's end)."""
    return f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n" + (b"\r\n" if not chunk else b"")


def parse_reply(data: bytes) -> Reply | None:
    """A complete response in ``data``, or ``None`` when it is not all there yet."""
    head, sep, rest = data.partition(b"\r\n\r\n")
    if not sep:
        return None
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        length = int(headers["content-length"])
        return Reply(status, headers, rest[:length]) if len(rest) >= length else None
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            size_line, sep, rest = rest.partition(b"\r\n")
            if not sep:
                return None
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                return Reply(status, headers, body)
            if len(rest) < size + 2:
                return None
            body, rest = body + rest[:size], rest[size + 2 :]
    return None  # the body runs to the end of the connection


def _finish(data: bytes) -> Reply | None:
    """The response in everything a closed connection sent (a body running to its end)."""
    if not data:
        return None
    reply = parse_reply(data)
    if reply is not None:
        return reply
    head, sep, rest = data.partition(b"\r\n\r\n")
    if not sep:
        raise AssertionError(f"an incomplete response: {data[:300]!r}")
    parsed = parse_reply(head + b"\r\ncontent-length: " + str(len(rest)).encode() + b"\r\n\r\n" + rest)
    assert parsed is not None
    return parsed


def exchange(
    port: int,
    data: bytes,
    *,
    half_close: bool = False,
    pause_after: int | None = None,
    timeout: float = IO_SECONDS,
) -> Reply | None:
    """Send ``data`` and read the response; ``None`` if the server closed without one.

    ``half_close`` shuts the sending side once ``data`` is sent, as a client whose
    body ended early would. ``pause_after`` sends that many bytes first (the head,
    say) and pauses, so that the application is already waiting for the rest.
    """
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            if pause_after is not None:
                sock.sendall(data[:pause_after])
                time.sleep(0.05)
                data = data[pause_after:]
            sock.sendall(data)
            if half_close:
                sock.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered early and closed: read what it sent
        return _read_reply(sock, timeout)


def _read_reply(sock: socket.socket, timeout: float, received: bytes = b"") -> Reply | None:
    deadline = time.monotonic() + timeout
    while (reply := parse_reply(received)) is None:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            chunk = b""
        except TimeoutError:
            raise AssertionError(f"no complete response within {timeout}s: {received[:300]!r}") from None
        if not chunk:
            return _finish(received)
        received += chunk
    return reply


@dataclass
class Streamed:
    """A body streamed to a server: its answer, and how much was sent before the answer came."""

    reply: Reply | None
    sent_before_answer: int
    """Body bytes sent when the first byte of the answer arrived (all of them if it came after)."""
    total: int


def stream(port: int, head: bytes, pieces: Iterable[bytes], *, pause: float = 0.002) -> Streamed:
    """Send ``head``, then ``pieces`` one at a time, watching for an early answer between them.

    Between pieces the socket is polled for ``pause`` seconds: a server that answers
    once it has read past a limit is seen answering while the rest of the body is
    still unsent, and one that reads everything first only after it has all gone.
    """
    sent = 0
    total = 0
    received = b""
    answered_at: int | None = None
    with socket.create_connection(("127.0.0.1", port), timeout=IO_SECONDS) as sock:
        sock.sendall(head)
        if select.select([sock], [], [], pause * 5)[0]:  # refused on its headers alone
            answered_at = 0
            received = _recv_some(sock)
        deadline = time.monotonic() + IO_SECONDS * 3
        for piece in pieces:
            total += len(piece)
            if answered_at is not None:
                continue
            if time.monotonic() > deadline:
                raise AssertionError("streaming the body took too long")
            try:
                sock.sendall(piece)
                sent += len(piece)
            except (BrokenPipeError, ConnectionResetError):
                answered_at = sent
                continue
            if select.select([sock], [], [], pause)[0]:
                answered_at = sent
                received = _recv_some(sock)
        reply = _read_reply(sock, IO_SECONDS, received)
    return Streamed(reply, sent if answered_at is None else answered_at, total)


def _recv_some(sock: socket.socket) -> bytes:
    try:
        return sock.recv(65536)
    except ConnectionResetError:
        return b""
