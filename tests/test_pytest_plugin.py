"""The pytest plugin as its users see it: fixtures, the clock, the signer, ``post_webhook``.

Three layers:

* direct tests of :class:`FrozenClock`, :class:`WebhookSigner` and :class:`PostWebhook`,
  in this process (the plugin is loaded here too, through its ``pytest11`` entry point,
  so its fixtures are used directly);
* user-style test suites written into a temporary directory and run by ``pytester``
  in a *subprocess*: Django settings are process-wide and this run already configured
  them (``tests.adapters.django_settings``), so the inner suite, which configures its
  own from its ``conftest.py``, needs a fresh interpreter. ``DJANGO_SETTINGS_MODULE``
  (which pytest-django exported for this run, and which would win over the inner
  suite's own choice) is removed from the environment the subprocess inherits;
* the docs' examples (docs/guides/testing.md), ``examples/testing/``, run as their own pytest project (their
  ``pytest.ini`` makes that directory the rootdir, so this repository's configuration
  does not apply and ``testpaths = ["tests"]`` keeps this run from collecting them).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import textwrap
import types
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from pytest_django.fixtures import Settings
from starlette.applications import Starlette
from starlette.testclient import TestClient
from werkzeug.test import Client as WerkzeugClient

from webhook_receiver import ConfigurationError, Event, Receiver, providers
from webhook_receiver.adapters.asgi import WebhookMiddleware
from webhook_receiver.providers import discord
from webhook_receiver.testing import DEMO_OPTIONS, Sample, sample, samples
from webhook_receiver.testing import pytest_plugin as plugin
from webhook_receiver.testing._clock import FrozenClock
from webhook_receiver.testing.pytest_plugin import PostWebhook, WebhookSigner

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "testing"
T0 = 1_700_000_000.0
SECRET = "whsec_plugin_test"
FRAMEWORKS = ("flask", "django", "starlette", "fastapi", "werkzeug", "httpx", "httpx2")


def demo_receiver(name: str, clock: Callable[[], float], received: list[Event] | None = None) -> Receiver:
    """A receiver for provider ``name`` with the demo credentials the signer uses by default."""
    receiver = Receiver(providers.create(name, **DEMO_OPTIONS[name], clock=clock))
    if received is not None:
        receiver.on_any(received.append)
    return receiver


@pytest.fixture
def signer() -> WebhookSigner:
    """A signer on a clock at ``T0``, for exact expectations."""
    return WebhookSigner(FrozenClock(T0))


# --- FrozenClock ---------------------------------------------------------------------------


def test_frozen_clock_stands_still_until_moved() -> None:
    clock = FrozenClock()
    assert clock() == clock.now == T0
    assert clock() == T0
    assert clock.advance(90) == T0 + 90
    assert clock() == T0 + 90
    assert clock.advance(timedelta(minutes=-2)) == T0 - 30
    assert clock.set(5) == 5.0
    assert isinstance(clock(), float)
    assert repr(clock) == "FrozenClock(5.0)"


def test_frozen_clock_takes_aware_datetimes() -> None:
    moment = datetime(2024, 1, 25, 5, 34, 27, tzinfo=UTC)
    assert FrozenClock(moment)() == moment.timestamp()
    clock = FrozenClock()
    clock.set(moment)
    assert clock() == 1706160867.0
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.set(datetime(2024, 1, 25))  # naive: no unix time


@pytest.mark.parametrize("bad", ["1700000000", True, None, [1]])
def test_frozen_clock_refuses_what_is_not_a_time(bad: Any) -> None:
    with pytest.raises(TypeError, match="number of seconds"):
        FrozenClock(bad)
    with pytest.raises(TypeError, match="number of seconds"):
        FrozenClock().advance(bad)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_frozen_clock_refuses_non_finite_times(bad: float) -> None:
    clock = FrozenClock()
    with pytest.raises(ValueError, match="finite"):
        clock.set(bad)
    with pytest.raises(ValueError, match="finite"):
        clock.advance(bad)
    assert clock() == T0  # unchanged


def test_frozen_clock_drives_a_providers_tolerance_to_the_second() -> None:
    clock = FrozenClock()
    provider = providers.create("stripe", secret=SECRET, clock=clock)
    headers = provider.sign(b"{}")  # signed at the clock's time
    clock.advance(300)
    provider.verify(headers, b"{}")
    clock.advance(1)
    with pytest.raises(Exception, match="tolerance"):
        provider.verify(headers, b"{}")


# --- the fixtures, as this run loads them ----------------------------------------------------


def test_the_plugin_is_registered_through_its_entry_point(pytestconfig: pytest.Config) -> None:
    assert pytestconfig.pluginmanager.get_plugin("webhook_receiver") is plugin


def test_the_fixtures_share_one_clock_that_starts_at_the_real_time(
    webhook_clock: FrozenClock, webhook_signer: WebhookSigner, post_webhook: PostWebhook
) -> None:
    import time

    assert webhook_signer.clock is webhook_clock
    assert post_webhook.signer is webhook_signer
    assert webhook_clock() == int(webhook_clock())  # whole seconds
    assert abs(webhook_clock() - time.time()) < 60


def test_the_plugin_defines_fixtures_and_no_hooks() -> None:
    # Loaded in every pytest run of every project that installs this library: it must not
    # change anything for tests that do not ask for its fixtures.
    assert [name for name in vars(plugin) if name.startswith("pytest_")] == []


def test_importing_the_plugin_pulls_in_no_web_framework() -> None:
    code = (
        "import sys, webhook_receiver.testing.pytest_plugin;"
        f"print(','.join(m for m in {FRAMEWORKS!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT, timeout=60
    )
    assert result.stdout.strip() == ""


# --- WebhookSigner -------------------------------------------------------------------------


def test_sign_signs_at_the_clocks_time(signer: WebhookSigner) -> None:
    assert signer.sign("stripe", b"{}", secret=SECRET)["Stripe-Signature"].startswith(f"t={int(T0)},")
    signer.clock.advance(42)
    assert signer.sign("stripe", b"{}", secret=SECRET)["Stripe-Signature"].startswith(f"t={int(T0) + 42},")
    assert signer.sign("stripe", b"{}", secret=SECRET, timestamp=7)["Stripe-Signature"].startswith("t=7,")


def test_sign_with_a_name_uses_the_demo_credentials_unless_given_a_secret(signer: WebhookSigner) -> None:
    demo = demo_receiver("github", signer.clock).provider
    demo.verify(signer.sign("github", b"{}"), b"{}")
    mine = providers.create("github", secret=SECRET)
    mine.verify(signer.sign("github", b"{}", secret=SECRET), b"{}")
    with pytest.raises(Exception, match="signature"):
        mine.verify(signer.sign("github", b"{}"), b"{}")


def test_a_provider_object_or_receiver_signs_with_its_own_credentials(signer: WebhookSigner) -> None:
    receiver = Receiver(providers.create("courier", secret=SECRET, clock=signer.clock))
    for who in (receiver, receiver.provider):
        headers, body = signer.request(who, "message:updated")
        assert receiver.handle("POST", headers, body).status == 200
        with pytest.raises(TypeError, match="own credentials"):
            signer.sign(who, body, secret="another")
    with pytest.raises(TypeError, match="own credentials"):
        signer.request(receiver.provider, "message:updated", tolerance=10)


def test_request_with_a_sample(signer: WebhookSigner) -> None:
    event = sample("stripe", "invoice.paid")
    headers, body = signer.request("stripe", event, secret=SECRET)
    assert body == event.body
    assert headers["Content-Type"] == "application/json"
    providers.create("stripe", secret=SECRET, clock=signer.clock).verify(headers, body)


def test_request_with_raw_bytes_sends_them_untouched(signer: WebhookSigner) -> None:
    raw = b'{ "type": "thing.happened",  "id": "evt_9" }'
    headers, body = signer.request("hmac", raw)
    assert body == raw
    assert demo_receiver("hmac", signer.clock).handle("POST", headers, body).status == 200


def test_request_with_data_encodes_compact_json(signer: WebhookSigner) -> None:
    headers, body = signer.request("kourier", {"event": "delivery.updated", "delivery_id": "d1"})
    assert body == b'{"event":"delivery.updated","delivery_id":"d1"}'
    assert headers["Authorization"] == f"Bearer {DEMO_OPTIONS['kourier']['token']}"


def test_request_with_a_type_string_sends_that_sample(signer: WebhookSigner) -> None:
    assert signer.request("kourier", "delivery.cancelled")[1] == sample("kourier", "delivery.cancelled").body
    assert signer.request("kourier", event_type="delivery.cancelled")[1] == (
        sample("kourier", "delivery.cancelled").body
    )
    assert signer.request("kourier")[1] == sample("kourier").body  # the provider's first sample
    assert signer.sample("kourier", "delivery.created") == sample("kourier", "delivery.created")
    with pytest.raises(ConfigurationError, match=r"no kourier sample of type 'parcel\.lost'"):
        signer.request("kourier", "parcel.lost")


def test_request_includes_a_samples_own_headers(signer: WebhookSigner) -> None:
    received: list[Event] = []
    headers, body = signer.request("github", "issues")
    assert headers["X-GitHub-Event"] == "issues"
    assert headers["X-GitHub-Delivery"] == "72d3162e-cc78-11e3-81ab-4c9367dc0958"
    assert headers["X-Hub-Signature-256"].startswith("sha256=")
    assert demo_receiver("github", signer.clock, received).handle("POST", headers, body).status == 200
    assert received[0].type == "issues"
    assert received[0].id == "72d3162e-cc78-11e3-81ab-4c9367dc0958"


def test_request_headers_replace_case_insensitively(signer: WebhookSigner) -> None:
    headers, _ = signer.request("github", "issues", headers={"content-type": "text/plain", "x-extra": "1"})
    assert [k for k in headers if k.lower() == "content-type"] == ["content-type"]
    assert headers["content-type"] == "text/plain"
    assert headers["x-extra"] == "1"


def test_request_refuses_ambiguous_or_mismatched_payloads(signer: WebhookSigner) -> None:
    with pytest.raises(TypeError, match="not both"):
        signer.request("kourier", {"event": "x"}, event_type="delivery.updated")
    with pytest.raises(ConfigurationError, match="github sample, not one of stripe's"):
        signer.request("stripe", sample("github", "issues"))


def test_request_passes_msg_id_to_standard_webhooks(signer: WebhookSigner) -> None:
    headers, _ = signer.request("standard-webhooks", "invoice.paid", msg_id="msg_fixed")
    assert headers["webhook-id"] == "msg_fixed"
    assert headers["webhook-timestamp"] == str(int(T0))


@pytest.mark.parametrize("event", samples(), ids=lambda s: f"{s.provider}:{s.type}")
def test_every_sample_signed_by_the_signer_is_accepted(signer: WebhookSigner, event: Sample) -> None:
    headers, body = signer.request(event.provider, event)
    reply = demo_receiver(event.provider, signer.clock).handle("POST", headers, body)
    # 200, or 204 where the sender asks for no content (Discord's webhook events).
    webhook_events = (discord.WebhookPing, discord.WebhookEvent)
    assert reply.status == (204 if isinstance(reply.events[0], webhook_events) else 200), reply.body


# --- post_webhook, in this process -------------------------------------------------------------


def starlette_client(receiver: Receiver) -> TestClient:
    return TestClient(WebhookMiddleware(Starlette(), routes={"/hooks": receiver}))


def flask_app(receiver: Receiver) -> Flask:
    from webhook_receiver.adapters.flask import ALL_METHODS, webhook

    app = Flask(__name__)
    app.add_url_rule("/hooks", "hooks", webhook(receiver)(lambda: None), methods=ALL_METHODS)
    return app


@pytest.fixture
def django_urls(settings: Settings) -> Callable[[Receiver], None]:
    """Route ``/hooks/`` to a ``WebhookView`` of the given receiver (undone after the test)."""

    def route(receiver: Receiver) -> None:
        from django.urls import path

        from webhook_receiver.adapters.django import AsyncWebhookView, WebhookView

        urls = types.ModuleType("test_pytest_plugin_urls")
        urls.urlpatterns = [  # type: ignore[attr-defined]
            path("hooks/", WebhookView.as_view(receiver=receiver)),
            path("async-hooks/", AsyncWebhookView.as_view(receiver=receiver)),
        ]
        settings.ROOT_URLCONF = urls

    return route


def test_post_webhook_through_starlettes_test_client(
    post_webhook: PostWebhook, webhook_clock: FrozenClock
) -> None:
    received: list[Event] = []
    receiver = demo_receiver("github", webhook_clock, received)
    response = post_webhook(starlette_client(receiver), "/hooks", "github", "issues")
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    assert received[0].type == "issues"


def test_post_webhook_through_flask_and_werkzeug(
    post_webhook: PostWebhook, webhook_clock: FrozenClock
) -> None:
    received: list[Event] = []
    app = flask_app(demo_receiver("github", webhook_clock, received))
    for client in (app.test_client(), WerkzeugClient(app)):
        response = post_webhook(client, "/hooks", "github", "issues")
        assert response.status_code == 200
        assert response.get_json() == {"ok": True}
    assert [event.type for event in received] == ["issues", "issues"]


def test_post_webhook_through_djangos_clients(
    post_webhook: PostWebhook, webhook_clock: FrozenClock, django_urls: Callable[[Receiver], None]
) -> None:
    from django.test import AsyncClient, Client

    received: list[Event] = []
    django_urls(demo_receiver("github", webhook_clock, received))
    response = post_webhook(Client(), "/hooks/", "github", "issues")
    assert response.status_code == 200
    assert json.loads(response.content) == {"ok": True}
    response = asyncio.run(post_webhook(AsyncClient(), "/async-hooks/", "github", "issues"))
    assert response.status_code == 200
    assert [event.type for event in received] == ["issues", "issues"]
    assert received[0].id == "72d3162e-cc78-11e3-81ab-4c9367dc0958"  # the sample's own headers arrived


def test_post_webhook_sends_the_method_and_headers_given(
    post_webhook: PostWebhook, webhook_clock: FrozenClock, django_urls: Callable[[Receiver], None]
) -> None:
    from django.test import Client

    receiver = demo_receiver("github", webhook_clock)
    django_urls(receiver)
    for client, path in ((starlette_client(receiver), "/hooks"), (Client(), "/hooks/")):
        assert post_webhook(client, path, "github", "issues", method="PUT").status_code == 405
        forged = {"x-hub-signature-256": "sha256=" + "0" * 64}
        assert post_webhook(client, path, "github", "issues", headers=forged).status_code == 401
        other = {"content-type": "text/plain"}
        assert post_webhook(client, path, "github", "issues", headers=other).status_code == 415


def test_a_stale_signature_is_refused(
    post_webhook: PostWebhook, webhook_signer: WebhookSigner, webhook_clock: FrozenClock
) -> None:
    client = starlette_client(Receiver(providers.create("stripe", secret=SECRET, clock=webhook_clock)))
    headers, body = webhook_signer.request("stripe", "invoice.paid", secret=SECRET)
    webhook_clock.advance(3600)
    response = client.post("/hooks", content=body, headers=headers)
    assert response.status_code == 401
    assert response.json() == {"error": "timestamp_outside_tolerance"}
    # Signed now, it is fresh again.
    assert post_webhook(client, "/hooks", "stripe", "invoice.paid", secret=SECRET).status_code == 200
    old = webhook_clock() - 301
    assert post_webhook(client, "/hooks", "stripe", secret=SECRET, timestamp=old).status_code == 401


class NotAClient:
    def post(self, *args: object, **kwargs: object) -> None:
        raise AssertionError("post_webhook must not guess")


@pytest.mark.parametrize("client", [NotAClient(), object(), TestClient])
def test_post_webhook_refuses_an_unknown_client(post_webhook: PostWebhook, client: object) -> None:
    with pytest.raises(TypeError, match="post_webhook\\(\\) cannot send with a") as raised:
        post_webhook(client, "/hooks", "github", "issues")
    for supported in ("Starlette", "FastAPI", "Flask", "Werkzeug", "Django"):
        assert supported in str(raised.value)


def test_post_webhook_calls_each_style_as_its_framework_documents(signer: WebhookSigner) -> None:
    calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def fake(module: str) -> object:
        class FakeClient:
            def request(self, *args: Any, **kwargs: Any) -> str:
                calls.append(("request", args, kwargs))
                return "request"

            def open(self, *args: Any, **kwargs: Any) -> str:
                calls.append(("open", args, kwargs))
                return "open"

            def generic(self, *args: Any, **kwargs: Any) -> str:
                calls.append(("generic", args, kwargs))
                return "generic"

        FakeClient.__module__ = module
        return FakeClient()

    post = PostWebhook(signer)
    headers, body = signer.request("github", "issues")
    assert post(fake("httpx2._client"), "/h", "github", "issues") == "request"
    assert calls[-1] == ("request", ("POST", "/h"), {"content": body, "headers": headers})
    assert post(fake("werkzeug.test"), "/h", "github", "issues", method="PUT") == "open"
    assert calls[-1] == ("open", ("/h",), {"method": "PUT", "data": body, "headers": headers})
    assert post(fake("django.test.client"), "/h", "github", "issues") == "generic"
    rest = {k: v for k, v in headers.items() if k != "Content-Type"}
    assert calls[-1] == (
        "generic",
        ("POST", "/h"),
        {"data": body, "content_type": "application/json", "headers": rest},
    )


# --- user-style suites, run by pytester in a subprocess ----------------------------------------

CONFTEST = '''
"""Django settings for this suite, configured as pytest-django documents (no settings module)."""

from django.conf import settings


def pytest_configure():
    settings.configure(
        SECRET_KEY="tests-only",
        ALLOWED_HOSTS=["testserver"],
        ROOT_URLCONF="test_django_app",
        INSTALLED_APPS=[],
        MIDDLEWARE=[],
        DATABASES={},
        USE_TZ=True,
    )
'''

FASTAPI_TESTS = """
import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

from webhook_receiver import Event, Receiver, providers
from webhook_receiver.adapters.asgi import WebhookMiddleware
from webhook_receiver.adapters.fastapi import webhook_events

SECRET = "whsec_fastapi"
received = []


def create_app(clock):
    middleware = Receiver(providers.create("stripe", secret=SECRET, clock=clock))
    middleware.on_any(received.append)
    dependency = Receiver(providers.create("stripe", secret=SECRET, clock=clock))
    verified = webhook_events(dependency)
    app = FastAPI()
    app.add_middleware(WebhookMiddleware, routes={"/hooks/stripe": middleware})

    @app.post("/dep/stripe")
    async def hook(events: list[Event] = Depends(verified)):
        return {"types": [event.type for event in events]}

    return app


@pytest.fixture
def client(webhook_clock):
    with TestClient(create_app(webhook_clock)) as client:
        yield client


def test_middleware(client, post_webhook):
    response = post_webhook(client, "/hooks/stripe", "stripe", "invoice.paid", secret=SECRET)
    assert response.status_code == 200, response.text
    assert received[-1].type == "invoice.paid"


def test_dependency(client, post_webhook):
    response = post_webhook(client, "/dep/stripe", "stripe", event_type="invoice.paid", secret=SECRET)
    assert response.status_code == 200, response.text
    assert response.json() == {"types": ["invoice.paid"]}


@pytest.mark.parametrize("path", ["/hooks/stripe", "/dep/stripe"])
def test_stale_after_an_hour(client, webhook_signer, webhook_clock, path):
    headers, body = webhook_signer.request("stripe", "invoice.paid", secret=SECRET)
    webhook_clock.advance(3600)
    assert client.post(path, content=body, headers=headers).status_code == 401


def test_wrong_secret(client, post_webhook):
    assert post_webhook(client, "/hooks/stripe", "stripe", secret="whsec_other").status_code == 401


def test_unknown_client(post_webhook):
    with pytest.raises(TypeError, match="Django's Client"):
        post_webhook(object(), "/hooks/stripe", "stripe", secret=SECRET)
"""

FLASK_TESTS = """
import pytest
from flask import Flask
from werkzeug.test import Client

from webhook_receiver import Receiver, providers
from webhook_receiver.adapters.flask import ALL_METHODS, webhook

SECRET = "courier_flask"


def create_app(clock):
    app = Flask(__name__)
    courier = Receiver(providers.create("courier", secret=SECRET, clock=clock))
    github = Receiver(providers.create("github", secret=SECRET))

    @app.route("/hooks/courier", methods=ALL_METHODS)
    @webhook(courier)
    def courier_hook(events):
        return {"statuses": [event.message.status.value for event in events]}

    @app.route("/hooks/github", methods=ALL_METHODS)
    @webhook(github)
    def github_hook(events):
        return {"events": [[event.type, event.action] for event in events]}

    return app


@pytest.fixture
def app(webhook_clock):
    return create_app(webhook_clock)


def test_courier(app, post_webhook):
    response = post_webhook(app.test_client(), "/hooks/courier", "courier", "message:updated", secret=SECRET)
    assert response.status_code == 200
    assert response.json == {"statuses": ["DELIVERED"]}


def test_werkzeug_client(app, post_webhook):
    response = post_webhook(Client(app), "/hooks/courier", "courier", "message:updated", secret=SECRET)
    assert response.status_code == 200


def test_github_sample_headers(app, post_webhook):
    response = post_webhook(app.test_client(), "/hooks/github", "github", "issues", secret=SECRET)
    assert response.json == {"events": [["issues", "opened"]]}


def test_stale_after_an_hour(app, webhook_signer, webhook_clock):
    headers, body = webhook_signer.request("courier", "message:updated", secret=SECRET)
    webhook_clock.advance(3600)
    response = app.test_client().post("/hooks/courier", data=body, headers=headers)
    assert response.status_code == 401
    assert response.json == {"error": "timestamp_outside_tolerance"}
"""

DJANGO_TESTS = """
import pytest
from django.urls import path

from webhook_receiver import Receiver, providers
from webhook_receiver.adapters.django import WebhookView
from webhook_receiver.testing._clock import FrozenClock  # also webhook_receiver.testing.FrozenClock

# A URLconf built at import, so its receiver cannot take the per-test webhook_clock:
# this module overrides webhook_clock with its receiver's clock, and the signer and
# post_webhook follow the override.
CLOCK = FrozenClock()
received = []
receiver = Receiver(providers.create("kourier", token="kourier_django"))
stripe = Receiver(providers.create("stripe", secret="whsec_django", clock=CLOCK))
stripe.on_any(received.append)
urlpatterns = [
    path("hooks/kourier/", WebhookView.as_view(receiver=receiver)),
    path("hooks/stripe/", WebhookView.as_view(receiver=stripe)),
]


@pytest.fixture
def webhook_clock():
    CLOCK.set(1_700_000_000)
    return CLOCK


def test_kourier(client, post_webhook):
    response = post_webhook(client, "/hooks/kourier/", receiver, "delivery.updated")
    assert response.status_code == 200
    assert response.json() == {"ok": True}


def test_stripe(client, post_webhook, webhook_signer):
    assert webhook_signer.clock is CLOCK
    response = post_webhook(client, "/hooks/stripe/", stripe, "invoice.paid")
    assert response.status_code == 200
    assert received[-1].type == "invoice.paid"


def test_stale_after_an_hour(client, webhook_signer, webhook_clock):
    headers, body = webhook_signer.request(stripe, "invoice.paid")
    webhook_clock.advance(3600)
    del headers["Content-Type"]  # Django's client takes it as content_type=
    response = client.post("/hooks/stripe/", data=body, content_type="application/json", headers=headers)
    assert response.status_code == 401


def test_the_django_client_is_recognised(client, post_webhook):
    from django.test import Client

    assert isinstance(client, Client)
    assert post_webhook(client, "/hooks/kourier/", "kourier", token="wrong").status_code == 401
"""


@pytest.fixture
def user_suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A temporary project whose tests use the plugin as a user's would."""
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)  # pytest-django exported ours
    pytester.makeini("[pytest]\nfilterwarnings = error\naddopts = --strict-markers --strict-config\n")
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(
        test_fastapi_app=FASTAPI_TESTS, test_flask_app=FLASK_TESTS, test_django_app=DJANGO_TESTS
    )
    return pytester


def test_a_user_suite_passes_with_every_framework(user_suite: pytest.Pytester) -> None:
    result = user_suite.runpytest_subprocess("-p", "no:cacheprovider", "-rA")
    result.assert_outcomes(passed=6 + 4 + 4)
    for module, tests in (
        ("test_fastapi_app.py", ["test_middleware", "test_dependency", "test_stale_after_an_hour*"]),
        ("test_flask_app.py", ["test_courier", "test_werkzeug_client", "test_stale_after_an_hour"]),
        ("test_django_app.py", ["test_kourier", "test_stripe", "test_stale_after_an_hour"]),
    ):
        result.stdout.fnmatch_lines([f"PASSED {module}::{test}*" for test in tests], consecutive=False)


def test_the_fixtures_are_listed_with_their_docs(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_nothing="def test_nothing():\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:django", "--fixtures", "test_nothing.py")
    assert result.ret == 0
    result.stdout.fnmatch_lines(
        [
            "*fixtures defined from webhook_receiver.testing.pytest_plugin*",
            "*webhook_clock*",
            "*FrozenClock*",
            "*webhook_signer*",
            "*post_webhook*",
        ]
    )


def test_failures_inside_user_tests_are_reported_as_failures(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_fails=textwrap.dedent(
            """
            from starlette.applications import Starlette
            from starlette.testclient import TestClient

            from webhook_receiver import Receiver, providers
            from webhook_receiver.adapters.asgi import WebhookMiddleware


            def test_stale(post_webhook, webhook_clock):
                receiver = Receiver(providers.create("stripe", secret="a", clock=webhook_clock))
                client = TestClient(WebhookMiddleware(Starlette(), routes={"/h": receiver}))
                old = webhook_clock() - 3600
                assert post_webhook(client, "/h", "stripe", secret="a", timestamp=old).status_code == 200
            """
        )
    )
    result = pytester.runpytest_subprocess("-p", "no:django", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*assert 401 == 200*"])


def test_disabling_the_plugin_removes_its_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_uses="def test_uses(webhook_signer):\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:django", "-p", "no:webhook_receiver")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'webhook_signer' not found*"])


# --- the docs' examples --------------------------------------------------------------------------


@pytest.fixture
def example_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTEST_ADDOPTS")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # leave no __pycache__ in examples/testing
    return env


def test_the_docs_examples_pass(example_env: dict[str, str]) -> None:
    files = sorted(p.name for p in EXAMPLES.glob("test_*.py"))
    assert files == [
        "test_django_handlers.py",
        "test_fastapi_handlers.py",
        "test_flask_handlers.py",
        "test_plain_handlers.py",
    ]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA", *files],
        cwd=EXAMPLES,
        env=example_env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert f"rootdir: {EXAMPLES}" in output  # their own pytest.ini, not this repository's
    summary = output.strip().splitlines()[-1]
    assert re.search(r"\b8 passed\b", summary), summary
    assert not re.search(r"failed|error|skipped|warning", summary), summary
    for name in files:
        assert re.search(rf"PASSED {re.escape(name)}::", output), name


def test_the_examples_are_not_collected_by_this_projects_run(pytestconfig: pytest.Config) -> None:
    assert pytestconfig.getini("testpaths") == ["tests"]
    assert (EXAMPLES / "pytest.ini").is_file()  # run on their own, they have their own rootdir
