"""The Django example project: it passes Django's checks, and it receives signed webhooks.

The tests run under pytest-django's own settings (``tests.adapters.django_settings``);
the example's URLconf, middleware and ``WEBHOOK_RECEIVER`` are switched in with the
``settings`` fixture, and ``manage.py check`` runs in a subprocess with the example's
own settings.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from webhook_receiver import providers

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ROOT / "examples" / "django_project"
ENV = {
    "COURIER_SECRET": "example-test-courier-secret",
    "KOURIER_TOKEN": "example-test-kourier-token",
    "CUSTOMERIO_SECRET": "example-test-customerio-secret",
}


def _forget_demo_modules() -> None:
    for name in [m for m in sys.modules if m == "webhookdemo" or m.startswith("webhookdemo.")]:
        del sys.modules[name]


@pytest.fixture
def demo(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> Iterator[Client]:
    """A CSRF-enforcing client for the example's URLconf and middleware, with test secrets."""
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.syspath_prepend(str(PROJECT))
    _forget_demo_modules()  # the receivers read the environment when imported
    from webhookdemo import settings as demo_settings

    settings.ROOT_URLCONF = demo_settings.ROOT_URLCONF
    settings.MIDDLEWARE = demo_settings.MIDDLEWARE
    settings.WEBHOOK_RECEIVER = demo_settings.WEBHOOK_RECEIVER
    caplog.set_level(logging.INFO, logger="webhookdemo")
    yield Client(enforce_csrf_checks=True)
    _forget_demo_modules()


def post(client: Client, path: str, body: bytes, headers: dict[str, str]) -> Any:
    return client.post(path, data=body, content_type="application/json", headers=headers)


def test_manage_py_check_passes() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}  # pytest-django sets it
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, str(PROJECT / "manage.py"), "check"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_courier_through_the_view(demo: Client, caplog: pytest.LogCaptureFixture) -> None:
    body = json.dumps({"type": "message:updated", "data": {"id": "m-42", "status": "DELIVERED"}}).encode()
    signer = providers.Courier(secret=ENV["COURIER_SECRET"])
    response = post(demo, "/hooks/courier/", body, signer.sign(body, now=time.time()))
    assert response.status_code == 200, response.content
    assert json.loads(response.content) == {"ok": True}
    assert "courier message m-42 is DELIVERED" in caplog.text


def test_kourier_through_the_middleware(demo: Client, caplog: pytest.LogCaptureFixture) -> None:
    body = json.dumps(
        {
            "event": "delivery.updated",
            "delivery_id": "abc",
            "status": "in_transit",
            "timestamp": "2024-09-14T14:30:00Z",
        }
    ).encode()
    bearer = {"Authorization": f"Bearer {ENV['KOURIER_TOKEN']}"}
    for path in ("/hooks/kourier/", "/hooks/kourier"):  # the middleware ignores a trailing slash
        assert post(demo, path, body, bearer).status_code == 200
    assert caplog.text.count("kourier delivery.updated: delivery abc is in_transit") == 2


def test_customerio_batch_through_the_middleware(demo: Client, caplog: pytest.LogCaptureFixture) -> None:
    body = json.dumps(
        [
            {"type": "track", "userId": "123", "event": "Signed Up"},
            {"type": "identify", "userId": "123", "traits": {"plan": "Startup"}},
        ]
    ).encode()
    signer = providers.CustomerIO(secret=ENV["CUSTOMERIO_SECRET"])
    response = post(demo, "/hooks/customerio/", body, signer.sign(body))
    assert response.status_code == 200, response.content
    assert "customerio track 'Signed Up' by user 123" in caplog.text
    assert "customerio identify event received" in caplog.text


def test_rejections(demo: Client, caplog: pytest.LogCaptureFixture) -> None:
    body = json.dumps({"type": "message:updated", "data": {"id": "m-1", "status": "SENT"}}).encode()
    # Signed with the demo default: the environment's secret is the one that counts.
    demo_default = providers.Courier(secret="demo-courier-signing-secret")
    response = post(demo, "/hooks/courier/", body, demo_default.sign(body))
    assert (response.status_code, json.loads(response.content)) == (401, {"error": "signature_mismatch"})
    response = post(demo, "/hooks/kourier/", b"{}", {"Authorization": "Bearer wrong"})
    assert response.status_code == 401
    assert demo.get("/hooks/kourier/").status_code == 405
    assert "courier message" not in caplog.text
    assert "kourier delivery" not in caplog.text


def test_other_pages_are_plain_django(demo: Client) -> None:
    response = demo.get("/")
    assert response.status_code == 200
    assert b"/hooks/courier/" in response.content


# --- under a real ASGI server: 413 before Django buffers anything -----------------------------


@pytest.fixture(scope="module")
def asgi_port() -> Iterator[int]:
    from .test_servers import free_port, serving

    port = free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--app-dir",
        "django_project",
        "webhookdemo.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    environment = {**os.environ, **ENV, "DJANGO_SETTINGS_MODULE": "webhookdemo.settings"}
    old = dict(os.environ)
    os.environ.update(environment)  # serving() passes the environment on to the server
    try:
        with serving(command, port, "/") as ready:
            yield ready
    finally:
        os.environ.clear()
        os.environ.update(old)


def _declared_only(port: int, path: str, length: int) -> tuple[bytes, float]:
    """Send only the headers of a request declaring ``length`` bytes; the answer and how long it took."""
    import socket

    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {length}\r\n\r\n".encode()
        )
        head = b""
        while not head.endswith(b"}"):  # the status line, the headers, then the JSON body
            chunk = sock.recv(65536)
            if not chunk:
                break
            head += chunk
    return head, time.monotonic() - started


@pytest.mark.parametrize("path", ["/hooks/kourier/", "/hooks/courier/"])  # the middleware's, a view's
def test_under_asgi_a_declared_20_mib_body_is_413_before_any_of_it_is_sent(asgi_port: int, path: str) -> None:
    head, _ = _declared_only(asgi_port, path, 20 * 1024 * 1024)
    assert head.startswith(b"HTTP/1.1 413"), head[:80]
    assert b'{"error":"body_too_large"}' in head


def test_under_asgi_a_chunked_oversized_body_to_a_view_is_413(asgi_port: int) -> None:
    from .test_servers import request

    status, _, body = request(
        asgi_port,
        "POST",
        "/hooks/courier/",
        {"Content-Type": "application/json"},
        [b"x" * 65536] * 100,  # 6.4 MB, chunked, over the default 5 MiB
    )
    assert (status, json.loads(body)) == (413, {"error": "body_too_large"})


def test_under_asgi_genuine_webhooks_reach_the_view_and_the_middleware(asgi_port: int) -> None:
    from .test_servers import request

    courier = providers.Courier(secret=ENV["COURIER_SECRET"])
    body = json.dumps({"type": "message:updated", "data": {"id": "1-abc", "status": "SENT"}}).encode()
    status, _, _ = request(
        asgi_port, "POST", "/hooks/courier/", {"Content-Type": "application/json", **courier.sign(body)}, body
    )
    assert status == 200
    kourier = providers.Kourier(token=ENV["KOURIER_TOKEN"])
    body = json.dumps({"event": "delivery.created", "delivery_id": "d1", "status": "created"}).encode()
    status, _, _ = request(
        asgi_port, "POST", "/hooks/kourier/", {"Content-Type": "application/json", **kourier.sign(body)}, body
    )
    assert status == 200
