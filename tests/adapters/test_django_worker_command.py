"""``webhook-receiver worker`` runs a Django project's inbox, from its settings, in a process of its own.

The admin project (``tests/adapters/apps/admin_project``) keeps its inbox in its
SQLite database (``"inbox": "django"``); its receivers store two events, and the
worker command, given the settings mapping and ``--setup django:setup``, runs them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from webhook_receiver.testing import sign

REPO = Path(__file__).resolve().parents[2]
SETTINGS = "tests.adapters.apps.admin_project.settings"
TOKEN = "worker-command-kourier-token"

STORE_TWO = """
import json, sys
import django
django.setup()
from django.conf import settings
from webhook_receiver.config import receivers_from_mapping
receiver = receivers_from_mapping(settings.WEBHOOK_RECEIVER)["/hooks/kourier/"]
for headers, body in json.loads(sys.argv[1]):
    print(receiver.handle("POST", headers, body.encode()).status)
"""


def run(environment: dict[str, str], *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *command],
        cwd=REPO,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_worker_command_runs_a_django_inbox_from_the_settings(tmp_path: Path) -> None:
    environment = {
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "WR_ADMIN_DATABASE": str(tmp_path / "project.sqlite3"),
        "WR_EFFECTS": str(tmp_path / "effects.txt"),
    }
    migrated = run(environment, "-m", "django", "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr
    requests = []
    for n in (1, 2):
        body = json.dumps({"event": "delivery.updated", "delivery_id": f"d{n}", "status": "delivered"})
        requests.append(
            ({"Content-Type": "application/json", **sign("kourier", body.encode(), token=TOKEN)}, body)
        )
    stored = run(environment, "-c", STORE_TWO, json.dumps(requests))
    assert stored.stdout.split() == ["202", "202"], stored.stderr
    assert not (tmp_path / "effects.txt").exists()  # deferred: nothing ran in the request

    worker = run(
        environment,
        "-m",
        "webhook_receiver",
        "worker",
        f"{SETTINGS}:WEBHOOK_RECEIVER",
        "--setup",
        "django:setup",
        "--once",
    )
    assert worker.returncode == 0, worker.stderr
    assert "ran 2 event(s) from django:default" in worker.stderr
    assert sorted((tmp_path / "effects.txt").read_text().split()) == ["d1", "d2"]
