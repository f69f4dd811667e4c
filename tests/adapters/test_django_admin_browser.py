"""An operator retries a dead event in the admin, in a real browser against a real server.

Headless Chromium (tests/browser.py) logs in to the admin project of
``tests/adapters/apps/admin_project``, served by gunicorn on
127.0.0.1 from a SQLite file in ``tmp_path``; this process puts the events in that
file and runs the worker on it, through a ``DjangoInbox`` on a database alias of its
own. Skipped when Playwright or Chromium is missing, unless
``WEBHOOK_RECEIVER_REQUIRE_BROWSER=1`` (CI), which makes that a failure::

    pip install playwright          # the Python package only: no `playwright install`
    apt-get install -y chromium
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

from webhook_receiver import Event, InboxState, Receiver, RetryPolicy, Worker, providers
from webhook_receiver.adapters.django.db import DjangoInbox

from ..browser import CHROMIUM_ARGS
from .servers import REPO, ServerSpec, gunicorn, start

SETTINGS = "tests.adapters.apps.admin_project.settings"
TOKEN = "browser-test-kourier-token"
USERNAME, PASSWORD = "operator", "operator-password-for-tests"
ALIAS = "admin_project"
"""This process's name for the served project's database."""


def manage(environment: dict[str, str], *arguments: str) -> None:
    """``django-admin <arguments>`` for the admin project, in a process of its own."""
    result = subprocess.run(
        [sys.executable, "-m", "django", *arguments],
        cwd=REPO,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@contextmanager
def database(path: Path) -> Iterator[str]:
    """The served project's SQLite file as a database of this process, under :data:`ALIAS`."""
    found = connections.configure_settings(
        {
            DEFAULT_DB_ALIAS: {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(path),
                "OPTIONS": {"transaction_mode": "IMMEDIATE"},
            }
        }
    )
    connections.settings[ALIAS] = found[DEFAULT_DB_ALIAS]
    try:
        yield ALIAS
    finally:
        connections[ALIAS].close()
        del connections[ALIAS]
        del connections.settings[ALIAS]


def in_a_thread(work: Callable[[], Any]) -> Any:
    """``work()`` in a thread of its own, which closes its connections after it.

    Playwright's sync API keeps an asyncio loop running in this thread, where Django
    refuses to run queries (``SynchronousOnlyOperation``).
    """
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    assert not thread.is_alive()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def delivery(n: int) -> bytes:
    payload = {"event": "delivery.updated", "delivery_id": f"d{n}", "status": "delivered"}
    return json.dumps({**payload, "timestamp": "2024-09-14T14:30:00Z"}).encode()


HEALTHY = threading.Event()
RAN: list[str] = []


def deliver(event: Event) -> None:
    """The handler: it fails for ``d2`` until the downstream service is back."""
    if event.payload["delivery_id"] == "d2" and not HEALTHY.is_set():  # type: ignore[index, call-overload]
        raise ConnectionError("the downstream service is down")
    RAN.append(event.payload["delivery_id"])  # type: ignore[index, call-overload]


def test_an_operator_retries_a_dead_event_and_the_worker_runs_it(
    chromium: str, tmp_path: Path, django_db_blocker: Any
) -> None:
    from playwright.sync_api import expect, sync_playwright

    path = tmp_path / "webhooks.sqlite3"
    environment = {"DJANGO_SETTINGS_MODULE": SETTINGS, "WR_ADMIN_DATABASE": str(path)}
    manage(environment, "migrate", "--noinput")
    manage(
        {**environment, "DJANGO_SUPERUSER_PASSWORD": PASSWORD},
        "createsuperuser",
        "--noinput",
        "--username",
        USERNAME,
        "--email",
        "operator@example.com",
    )
    with django_db_blocker.unblock(), database(path) as alias:
        inbox = DjangoInbox(using=alias)
        receiver = Receiver(providers.Kourier(token=TOKEN), inbox=inbox)
        receiver.on_any(deliver)
        HEALTHY.clear()
        RAN.clear()

        def receive(n: int) -> None:
            headers = {"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"}
            assert receiver.handle("POST", headers, delivery(n)).status == 202

        worker = Worker(inbox, retry=RetryPolicy(max_attempts=1))
        receive(1)
        receive(2)
        assert worker.run_once() == 2  # d1 done, d2 dead at its first failure
        receive(3)  # pending
        [dead] = inbox.list(state="dead")
        assert inbox.counts() == {
            InboxState.PENDING: 1,
            InboxState.RUNNING: 0,
            InboxState.DONE: 1,
            InboxState.DEAD: 1,
        }
        connections[alias].close()

        server_spec: ServerSpec = gunicorn(
            "gunicorn admin project", "tests.adapters.apps.admin_project.wsgi:application", env=environment
        )
        [server] = start([server_spec])
        base = f"http://127.0.0.1:{server.port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                try:
                    page = browser.new_page(viewport={"width": 1280, "height": 800})
                    page.goto(f"{base}/admin/")
                    expect(page).to_have_url(re.compile(r"/admin/login/"))
                    page.fill("#id_username", USERNAME)
                    page.fill("#id_password", PASSWORD)
                    page.click("input[type=submit]")
                    page.get_by_role("link", name="Inbox events").click()
                    expect(page.locator("#result_list tbody tr")).to_have_count(3)

                    page.locator(
                        "#changelist-filter details[data-filter-title='state'] a",
                        has_text=re.compile(r"^dead$"),
                    ).click()
                    expect(page).to_have_url(re.compile(r"state__exact=dead"))
                    rows = page.locator("#result_list tbody tr")
                    expect(rows).to_have_count(1)
                    expect(rows.first.locator("td.field-short_error")).to_contain_text(
                        "ConnectionError: the downstream service is down"
                    )
                    rows.first.locator("input.action-select").check()
                    page.screenshot(path=str(tmp_path / "dead.png"), full_page=True)
                    page.select_option("select[name=action]", "retry_events")
                    page.click("button[name=index]")
                    expect(page.locator("ul.messagelist li.success")).to_have_text(
                        "1 event will be retried now."
                    )
                    page.screenshot(path=str(tmp_path / "retried.png"), full_page=True)

                    HEALTHY.set()
                    assert in_a_thread(worker.run_once) == 2  # d2, replayed; d3, pending all along
                    assert sorted(RAN) == ["d1", "d2", "d3"]

                    page.reload()
                    expect(page.locator("#result_list")).to_have_count(0)  # no dead event left
                    page.locator(
                        "#changelist-filter details[data-filter-title='state'] a",
                        has_text=re.compile(r"^done$"),
                    ).click()
                    done = page.locator("#result_list tbody tr")
                    expect(done).to_have_count(3)
                    page.get_by_role("link", name=str(dead.id), exact=True).click()
                    expect(page.locator(".field-state .readonly")).to_have_text("done")
                    expect(page.locator(".field-attempts .readonly")).to_have_text("1")
                    expect(page.locator("pre.webhook-payload")).to_contain_text('"delivery_id": "d2"')
                    page.screenshot(path=str(tmp_path / "done.png"), full_page=True)
                finally:
                    browser.close()
        finally:
            server.stop()
