"""The layout shows the architecture: accepting below delivering, light imports, old paths kept."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import webhook_receiver
from webhook_receiver import Receiver, SQLiteInbox, Worker, providers
from webhook_receiver.testing import sign

ROOT = Path(__file__).resolve().parent.parent


def loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT, timeout=60
    )
    return set(result.stdout.split())


def test_importing_the_providers_loads_neither_sqlite3_nor_asyncio_nor_a_framework() -> None:
    loaded = loaded_after("import webhook_receiver.providers")
    for heavy in ("sqlite3", "asyncio", "flask", "django", "starlette", "redis", "celery"):
        assert heavy not in loaded, heavy
    assert "webhook_receiver.delivery" not in loaded
    assert "webhook_receiver._receiver" not in loaded


def test_the_receiver_loads_on_first_use_and_the_delivery_side_only_when_asked() -> None:
    loaded = loaded_after("from webhook_receiver import Receiver")
    assert "webhook_receiver._receiver" in loaded
    assert "webhook_receiver.delivery" not in loaded
    assert "sqlite3" not in loaded
    assert "webhook_receiver.delivery" in loaded_after("from webhook_receiver import SQLiteInbox")


def test_every_public_name_resolves_and_dir_lists_them() -> None:
    for name in webhook_receiver.__all__:
        assert getattr(webhook_receiver, name) is not None, name
    assert set(webhook_receiver.__all__) <= set(dir(webhook_receiver))
    with pytest.raises(AttributeError):
        webhook_receiver.NoSuchName  # type: ignore[attr-defined]  # noqa: B018


def test_the_old_import_paths_keep_working() -> None:
    from webhook_receiver import delivery
    from webhook_receiver.adapters._routes import RouteTable
    from webhook_receiver.celery_inbox import CeleryInbox
    from webhook_receiver.delivery.celery_inbox import CeleryInbox as MovedCeleryInbox

    assert CeleryInbox is MovedCeleryInbox
    assert RouteTable is webhook_receiver._pipeline.RouteTable
    assert webhook_receiver.MemoryStore is delivery.MemoryStore
    assert webhook_receiver.Worker is delivery.Worker
    pytest.importorskip("redis")
    from webhook_receiver.delivery.redis_store import RedisStore as MovedRedisStore
    from webhook_receiver.redis_store import RedisStore

    assert RedisStore is MovedRedisStore


def test_a_worker_is_handed_its_receivers(tmp_path: Path) -> None:
    """A worker in a process of its own opens the inbox itself and gets the app's receivers."""
    now = 1_700_000_000.0
    path = tmp_path / "inbox.sqlite3"
    app_inbox = SQLiteInbox(path)
    web = Receiver(providers.Kourier(token="t", clock=lambda: now), inbox=app_inbox)
    body = json.dumps({"event": "delivery.created", "delivery_id": "d1", "status": "created"}).encode()
    assert (
        web.handle("POST", {"Content-Type": "application/json", **sign(web.provider, body)}, body).status
        == 202
    )

    ran: list[str] = []
    worker_side = Receiver(providers.Kourier(token="t"))
    worker_side.on_any(lambda event: ran.append(event.type))
    own_inbox = SQLiteInbox(path)  # nothing attached to this one
    assert Worker(own_inbox, clock=lambda: now).run_once() == 0  # no receivers: nothing taken
    worker = Worker(own_inbox, receivers=[worker_side], clock=lambda: now)
    assert worker.receivers.namespaces() == ("kourier",)
    assert worker.run_once() == 1
    assert ran == ["delivery.created"]
    app_inbox.close()
    own_inbox.close()
