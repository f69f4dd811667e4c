"""End to end over real HTTP: the examples served by uvicorn (ASGI) and gunicorn (WSGI) on 127.0.0.1.

Each server runs as its own process, started and stopped here; every wait is bounded.
"""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from webhook_receiver import providers

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
STARTUP_SECONDS = 20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serving(command: list[str], port: int, ready_path: str) -> Iterator[int]:
    # Output goes to a file, not a pipe nobody drains (a full pipe would stall the server).
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
    process = subprocess.Popen(command, cwd=EXAMPLES, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                log.seek(0)
                pytest.fail(
                    f"server exited early ({process.returncode}):\n{log.read().decode(errors='replace')}"
                )
            try:
                if request(port, "GET", ready_path)[0] == 200:
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"server did not answer on port {port} within {STARTUP_SECONDS}s")
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


def request(
    port: int,
    method: str,
    path: str,
    headers: dict[str, str] | None = None,
    body: bytes | list[bytes] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 request; a list body is sent with Transfer-Encoding: chunked."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        chunked = isinstance(body, list)
        connection.request(
            method, path, body=iter(body) if chunked else body, headers=headers or {}, encode_chunked=chunked
        )
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def raw_exchange(port: int, request_bytes: bytes) -> bytes:
    """Send raw bytes; read the whole response (headers, then Content-Length bytes of body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request_bytes)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = sock.recv(65536)
            if not chunk:
                return received
            received += chunk
        head, _, body = received.partition(b"\r\n\r\n")
        length = next(
            (
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            ),
            0,
        )
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
        return head + b"\r\n\r\n" + body


def signed(provider: providers.Provider, payload: object) -> tuple[dict[str, str], bytes]:
    body = json.dumps(payload).encode()
    return {"Content-Type": "application/json", **provider.sign(body)}, body


COURIER = providers.Courier(secret="demo-courier-secret")
KOURIER = providers.Kourier(token="demo-kourier-token")
MESSAGE = {"type": "message:updated", "data": {"id": "1-abc", "status": "DELIVERED"}}
DELIVERY = {
    "event": "delivery.updated",
    "delivery_id": "abc123",
    "status": "in_transit",
    "timestamp": "2024-09-14T14:30:00Z",
}


@pytest.fixture(scope="module")
def uvicorn_port() -> Iterator[int]:
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "fastapi_app:app", "--host", "127.0.0.1", "--port", str(port)]
    with serving(command, port, "/health") as ready:
        yield ready


@pytest.fixture(scope="module")
def gunicorn_port() -> Iterator[int]:
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "wsgi_app:app",
    ]
    with serving(command, port, "/") as ready:
        yield ready


class TestUvicorn:
    def test_signed_event_through_the_middleware(self, uvicorn_port: int) -> None:
        status, headers, body = request(uvicorn_port, "POST", "/hooks/courier", *signed(COURIER, MESSAGE))
        assert (status, json.loads(body)) == (200, {"ok": True})
        assert headers["content-type"] == "application/json"

    def test_signed_event_through_the_dependency(self, uvicorn_port: int) -> None:
        status, _, body = request(uvicorn_port, "POST", "/hooks/kourier", *signed(KOURIER, DELIVERY))
        assert (status, json.loads(body)) == (200, {"received": 1})

    def test_chunked_body(self, uvicorn_port: int) -> None:
        headers, body = signed(COURIER, MESSAGE)
        chunks = [body[i : i + 7] for i in range(0, len(body), 7)]
        assert request(uvicorn_port, "POST", "/hooks/courier", headers, chunks)[0] == 200

    def test_tampered_stale_and_wrong_method(self, uvicorn_port: int) -> None:
        headers, body = signed(COURIER, MESSAGE)
        assert request(uvicorn_port, "POST", "/hooks/courier", headers, body + b" ")[0] == 401
        stale = {"Content-Type": "application/json", **COURIER.sign(body, now=time.time() - 3600)}
        status, _, answer = request(uvicorn_port, "POST", "/hooks/courier", stale, body)
        assert (status, json.loads(answer)) == (401, {"error": "timestamp_outside_tolerance"})
        status, headers_back, _ = request(uvicorn_port, "GET", "/hooks/courier")
        assert (status, headers_back["allow"]) == (405, "POST")
        assert request(uvicorn_port, "POST", "/hooks/kourier", {"Authorization": "Bearer x"}, b"{}")[0] == 401

    def test_declared_oversize_is_refused_before_the_body_is_read(self, uvicorn_port: int) -> None:
        reply = raw_exchange(
            uvicorn_port,
            b"POST /hooks/courier HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 50000000\r\n\r\n{",
        )
        assert reply.startswith(b"HTTP/1.1 413")
        assert b'{"error":"body_too_large"}' in reply


class TestGunicorn:
    def test_bearer_and_basic_webhooks(self, gunicorn_port: int) -> None:
        assert request(gunicorn_port, "POST", "/hooks/kourier", *signed(KOURIER, DELIVERY))[0] == 200
        channel = providers.CourierChannel(username="AzureDiamond", password="demo-hunter2")
        delivery = {"event": "MY_EVENT", "recipient": "1234ABCD", "profile": {}, "data": {}}
        assert request(gunicorn_port, "POST", "/hooks/courier", *signed(channel, delivery))[0] == 200

    def test_wrong_password_gets_a_challenge(self, gunicorn_port: int) -> None:
        wrong = providers.CourierChannel(username="AzureDiamond", password="nope")
        status, headers, body = request(
            gunicorn_port, "POST", "/hooks/courier", *signed(wrong, {"event": "E"})
        )
        assert (status, json.loads(body)) == (401, {"error": "invalid_credentials"})
        assert headers["www-authenticate"].startswith("Basic realm=")

    def test_chunked_body_under_a_real_wsgi_server(self, gunicorn_port: int) -> None:
        headers, body = signed(KOURIER, DELIVERY)
        chunks = [body[i : i + 5] for i in range(0, len(body), 5)]
        assert request(gunicorn_port, "POST", "/hooks/kourier", headers, chunks)[0] == 200

    def test_declared_oversize_and_other_paths(self, gunicorn_port: int) -> None:
        reply = raw_exchange(
            gunicorn_port,
            b"POST /hooks/kourier HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Authorization: Bearer demo-kourier-token\r\nContent-Length: 50000000\r\n\r\n{",
        )
        assert reply.startswith(b"HTTP/1.1 413")
        assert reply.endswith(b'{"error":"body_too_large"}')
        status, _, body = request(gunicorn_port, "GET", "/anything/else")
        assert (status, body) == (200, b"the rest of the site\n")
