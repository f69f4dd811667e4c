"""The ``harness`` fixture: one parametrized run of the contract suite per adapter."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest

from webhook_receiver import Event

from .spec import Harness

HARNESSES = {
    # name: module under tests/adapters that defines make_harness(received) -> Harness
    "asgi-starlette": "harness_asgi",
    "asgi-fastapi": "harness_asgi",
    "fastapi-dependency": "harness_asgi",
    "wsgi-werkzeug": "harness_wsgi",
    "flask-decorator": "harness_flask",
    "flask-extension": "harness_flask",
    "django-view": "harness_django",
    "django-async-view": "harness_django",
    "django-middleware": "harness_django",
}


@pytest.fixture
def received() -> list[Event]:
    """Every event the contract app's handlers got."""
    return []


@pytest.fixture(params=sorted(HARNESSES))
def harness(request: pytest.FixtureRequest, received: list[Event]) -> Iterator[Harness]:
    name: str = request.param
    module = importlib.import_module(f"tests.adapters.{HARNESSES[name]}")
    if name.startswith("django"):
        request.getfixturevalue("settings")  # pytest-django: settings changes are undone after
    harness = module.make_harness(name, received)
    yield harness
    close = getattr(harness, "close", None)
    if close is not None:
        close()
