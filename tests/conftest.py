"""Shared fixtures: a fixed clock, and the known-answer vectors."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from webhook_receiver import IdempotencyStore, MemoryStore, SQLiteStore

from .browser import chromium_path

NOW = 1_700_000_000
"""The fixed "now" every vector was signed against (2023-11-14T22:13:20Z)."""

VECTORS: list[dict[str, Any]] = [
    vector
    for path in sorted((Path(__file__).parent / "vectors").glob("*.json"))
    for vector in json.loads(path.read_text())
]
"""Known-answer vectors: ``verification.json`` (the seed providers) and one file per
group of providers added since, each made by its own script in ``tests/vectors/``."""


@pytest.fixture
def chromium() -> str:
    """Chromium's path for Playwright (tests/browser.py): skips without it, fails in CI."""
    return chromium_path()


@pytest.fixture
def now() -> float:
    """A fixed clock reading, in unix seconds."""
    return float(NOW)


SECRETS: dict[str, dict[str, Any]] = {
    "courier": {"secret": "courier-signing-secret"},
    "courier-channel": {"auth": "basic", "username": "AzureDiamond", "password": "hunter2"},
    "customerio": {"secret": "customerio-shared-secret"},
    "kourier": {"token": "WEBHOOK_SECRET_TOKEN"},
    "xtremepush": {"auth": "bearer", "token": "xtremepush-token"},
    "stripe": {"secret": "whsec_stripe_test"},
    "standard-webhooks": {"secret": "whsec_c3RhbmRhcmQtd2ViaG9va3Mta2V5"},
    "github": {"secret": "github-secret"},
    "slack": {"secret": "slack-signing-secret"},
    "bearer": {"token": "generic-token"},
    "basic": {"username": "user", "password": "p4ss-w0rd"},
    "hmac": {"secret": "acme", "header": "X-Acme-Signature", "timestamp_header": "X-Acme-Timestamp"},
}
"""Options that configure each provider for the tests."""


class SignedRequest:
    """Builds requests as each provider's sender would, signed at the fixed ``NOW``."""

    def provider(self, name: str) -> Any:
        from webhook_receiver import providers

        return providers.create(name, **SECRETS[name])

    def __call__(
        self, name: str, payload: Any, *, now: float = NOW, extra: dict[str, str] | None = None
    ) -> tuple[dict[str, str], bytes]:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        headers = {"Content-Type": "application/json", **self.provider(name).sign(body, now=now)}
        return {**headers, **(extra or {})}, body


@pytest.fixture
def signed_request() -> SignedRequest:
    """``signed_request(provider_name, payload) -> (headers, body)``."""
    return SignedRequest()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A real Redis server on 127.0.0.1.

    ``WEBHOOK_RECEIVER_REDIS_URL`` names one (``.ci/run`` starts it); otherwise a
    ``redis-server`` on the PATH is started on a free port for this session and
    stopped after. Without either, Redis tests are skipped, unless
    ``WEBHOOK_RECEIVER_REQUIRE_REDIS=1`` (set by ``.ci/run``) makes that a failure.
    """
    url = os.environ.get("WEBHOOK_RECEIVER_REDIS_URL")
    if url:
        yield url
        return
    with start_redis() as started:
        yield started


def redis_server() -> str:
    """The ``redis-server`` binary on the PATH.

    Without one, the test asking is skipped, with the reason, unless
    ``WEBHOOK_RECEIVER_REQUIRE_REDIS=1`` (set by ``.ci/run``) makes that a failure:
    the README's test command must pass on a machine with no server installed.
    """
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("WEBHOOK_RECEIVER_REQUIRE_REDIS") == "1":
            pytest.fail("redis-server is required (WEBHOOK_RECEIVER_REQUIRE_REDIS=1) but not installed")
        pytest.skip("no Redis: install redis-server or set WEBHOOK_RECEIVER_REDIS_URL")
    return binary


@contextmanager
def start_redis() -> Iterator[str]:
    """Start a throwaway redis-server on a free 127.0.0.1 port; stop it on exit.

    Skips the calling test when there is no ``redis-server`` (see :func:`redis_server`).
    """
    binary = redis_server()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
                    probe.sendall(b"PING\r\n")
                    if probe.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("redis-server did not start")
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL server on 127.0.0.1.

    ``WEBHOOK_RECEIVER_POSTGRES_URL`` names one (``.ci/run`` starts a throwaway
    cluster); otherwise, where PostgreSQL is installed (``initdb``), a cluster is made
    in a temporary folder for this session and removed after. Without either, the
    PostgreSQL tests are skipped, unless ``WEBHOOK_RECEIVER_REQUIRE_POSTGRES=1`` (set by
    ``.ci/run``) makes that a failure.
    """
    url = os.environ.get("WEBHOOK_RECEIVER_POSTGRES_URL")
    if url:
        yield url
        return
    from . import pg_server

    if pg_server.binaries() is None:
        if os.environ.get("WEBHOOK_RECEIVER_REQUIRE_POSTGRES") == "1":
            pytest.fail("PostgreSQL is required (WEBHOOK_RECEIVER_REQUIRE_POSTGRES=1) but not installed")
        pytest.skip("no PostgreSQL: install postgresql or set WEBHOOK_RECEIVER_POSTGRES_URL")
    # Not under pytest's own temporary folder: as root, the cluster runs as another user,
    # who cannot traverse pytest's 0700 folders (/tmp itself is open to every user).
    directory = Path(tempfile.mkdtemp(prefix="webhook-receiver-postgres-"))
    try:
        yield pg_server.start(directory)
    finally:
        pg_server.stop(directory)


def postgres_table() -> str:
    """A table name of its own for one test (its NOTIFY channel too)."""
    return f"t_{uuid.uuid4().hex}"


@pytest.fixture
def postgres_store(postgres_url: str) -> Iterator[Any]:
    """A ``PostgresStore`` on a fresh table of the real server."""
    from webhook_receiver.postgres import PostgresStore

    made = PostgresStore(postgres_url, table=postgres_table())
    made.create_schema()
    yield made
    made.close()


@pytest.fixture(params=["memory", "sqlite", "redis", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[IdempotencyStore]:
    """Each idempotency store on its real backend: memory, an SQLite file, a Redis
    server, a PostgreSQL server."""
    if request.param == "memory":
        yield MemoryStore()
    elif request.param == "sqlite":
        sqlite_store = SQLiteStore(tmp_path / "events.db")
        yield sqlite_store
        sqlite_store.close()
    elif request.param == "postgres":
        yield request.getfixturevalue("postgres_store")
    else:
        from webhook_receiver.redis_store import RedisStore

        url = request.getfixturevalue("redis_url")
        redis_store = RedisStore.from_url(url, prefix=f"test:{uuid.uuid4().hex}:")
        yield redis_store
        redis_store.close()
