"""What only the Django adapter has: CSRF, the view hook, async views, the settings-driven middleware."""

from __future__ import annotations

import asyncio
import importlib
import io
import json
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import pytest
from asgiref.sync import iscoroutinefunction
from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.test import AsyncClient, Client
from django.views import View
from pytest_django.fixtures import Settings as SettingsWrapper

from webhook_receiver import Event, Receiver, Reply, providers
from webhook_receiver.adapters import MissingDependency
from webhook_receiver.adapters.django import (
    AsyncWebhookView,
    WebhookMiddleware,
    WebhookView,
    answer_async,
    receivers_from_setting,
    to_response,
)
from webhook_receiver.providers import courier, kourier

from .harness_django import other_view, urlconf

SECRET = "django-test-courier-secret-value"
TOKEN = "django-test-kourier-token-value"
DELIVERY = {
    "event": "delivery.updated",
    "delivery_id": "d-1",
    "status": "delivered",
    "timestamp": "2024-09-14T14:30:00Z",
}
MIDDLEWARE = "webhook_receiver.adapters.django.WebhookMiddleware"
CSRF = "django.middleware.csrf.CsrfViewMiddleware"

# --- handlers and receivers that settings name by dotted path ----------------------------

HANDLED: list[tuple[str, Event]] = []


def on_delivery(event: kourier.DeliveryUpdated) -> None:
    HANDLED.append(("on_delivery", event))


async def on_any(event: Event) -> None:
    HANDLED.append(("on_any", event))


def on_message(event: courier.MessageUpdated) -> None:
    HANDLED.append(("on_message", event))


NOT_CALLABLE = 42
READY_KOURIER = Receiver(providers.Kourier(token=TOKEN))
READY_KOURIER.on(kourier.DeliveryUpdated)(on_delivery)
HERE = __name__


@pytest.fixture(autouse=True)
def _clear_handled() -> Iterator[None]:
    HANDLED.clear()
    yield
    HANDLED.clear()


def kourier_request(token: str = TOKEN, **changes: object) -> dict[str, Any]:
    """``Client.post`` keyword arguments for a Kourier delivery update."""
    return {
        "data": json.dumps({**DELIVERY, **changes}).encode(),
        "content_type": "application/json",
        "headers": {"Authorization": f"Bearer {token}"},
    }


def courier_request(secret: str = SECRET) -> dict[str, Any]:
    body = json.dumps({"type": "message:updated", "data": {"id": "m-1", "status": "DELIVERED"}}).encode()
    return {
        "data": body,
        "content_type": "application/json",
        "headers": providers.Courier(secret=secret).sign(body, now=time.time()),
    }


def use_urls(
    settings: SettingsWrapper, *routes: tuple[str, Callable[..., Any]], middleware: list[str]
) -> None:
    settings.MIDDLEWARE = middleware
    settings.ROOT_URLCONF = urlconf("adapter_test", [("/other", other_view), *routes])


def kourier_receiver() -> Receiver:
    receiver = Receiver(providers.Kourier(token=TOKEN), max_body_size=1024)
    receiver.on(kourier.DeliveryUpdated)(on_delivery)
    return receiver


# --- views -----------------------------------------------------------------------------------


def test_csrf_checks_do_not_apply_to_the_view(settings: SettingsWrapper) -> None:
    def guarded(request: HttpRequest) -> HttpResponse:
        return HttpResponse(b"guarded")

    use_urls(
        settings,
        ("/hooks/kourier", WebhookView.as_view(receiver=kourier_receiver())),
        ("/guarded", guarded),  # not exempt: shows the CSRF check is really on
        middleware=[CSRF],
    )
    client = Client(enforce_csrf_checks=True)
    assert client.post("/guarded", data=b"{}", content_type="application/json").status_code == 403
    response = client.post("/hooks/kourier", **kourier_request())
    assert response.status_code == 200, response.content
    assert [name for name, _ in HANDLED] == ["on_delivery"]


def test_as_view_is_csrf_exempt_and_async_only_for_the_async_view() -> None:
    sync_view = WebhookView.as_view(receiver=kourier_receiver())
    async_view = AsyncWebhookView.as_view(receiver=kourier_receiver())
    assert sync_view.csrf_exempt and async_view.csrf_exempt  # type: ignore[attr-defined]
    # Marked on Django's own view function (no wrapper around it): other views stay checked.
    assert sync_view.view_class is WebhookView  # type: ignore[attr-defined]
    assert not hasattr(View.as_view(), "csrf_exempt")
    assert not hasattr(WebhookView, "csrf_exempt") and not hasattr(WebhookView.dispatch, "csrf_exempt")
    assert not iscoroutinefunction(sync_view)
    assert iscoroutinefunction(async_view)


def test_every_method_reaches_the_receiver_which_answers_405(settings: SettingsWrapper) -> None:
    use_urls(settings, ("/hooks/kourier", WebhookView.as_view(receiver=kourier_receiver())), middleware=[])
    for method in ("GET", "PUT", "OPTIONS", "PROPFIND"):
        response = Client().generic(method, "/hooks/kourier")
        assert response.status_code == 405, method
        assert response.headers["Allow"] == "POST"
        assert response.headers["Content-Type"] == "application/json"
        assert json.loads(response.content) == {"error": "method_not_allowed"}


def test_the_receiver_limit_decides_not_data_upload_max_memory_size(settings: SettingsWrapper) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10  # would make request.body raise
    use_urls(settings, ("/hooks/kourier", WebhookView.as_view(receiver=kourier_receiver())), middleware=[])
    assert Client().post("/hooks/kourier", **kourier_request()).status_code == 200
    response = Client().post("/hooks/kourier", **kourier_request(padding="x" * 2000))
    assert response.status_code == 413
    assert json.loads(response.content) == {"error": "body_too_large"}


def test_reply_headers_pass_through(settings: SettingsWrapper) -> None:
    basic = Receiver(providers.create("basic", username="user", password="pass-w0rd"))
    use_urls(settings, ("/hooks/basic", WebhookView.as_view(receiver=basic)), middleware=[])
    response = Client().post("/hooks/basic", data=b"{}", content_type="application/json")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_to_response_sends_no_content_type_when_the_reply_has_none() -> None:
    response = to_response(Reply(200, b"ok", headers={}))
    assert "Content-Type" not in response
    assert (response.status_code, response.content) == (200, b"ok")
    assert to_response(Reply(401, b"{}"))["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "reply",
    [
        Reply(200, b'{"ok":true}'),  # the usual reply: only a Content-Type
        Reply(202, b"", headers={"Content-Type": "text/plain; charset=latin-1"}),
        Reply(405, b"{}", headers={"Content-Type": "application/json", "Allow": "POST"}),
        Reply(401, b"{}", headers={"content-type": "application/json"}),
        Reply(204, b"", headers={"X-Other": "1"}),
    ],
)
def test_to_response_is_the_response_built_from_every_header(reply: Reply) -> None:
    # A reply with only a Content-Type takes a shorter way: the same response either way.
    response = to_response(reply)
    expected = HttpResponse(reply.body, status=reply.status, headers=dict(reply.headers))
    if not any(name.lower() == "content-type" for name in reply.headers):
        del expected["Content-Type"]
    assert (response.status_code, response.content) == (expected.status_code, expected.content)
    assert list(response.items()) == list(expected.items())
    assert (response.reason_phrase, response.charset) == (expected.reason_phrase, expected.charset)


class ThroughTheClass(WebhookView):
    """Overrides ``setup`` (and so answers through an instance per request, as Django's view does)."""

    set_up: ClassVar[int] = 0

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        type(self).set_up += 1
        super().setup(request, *args, **kwargs)


def test_a_plain_webhook_view_answers_as_the_class_does(settings: SettingsWrapper) -> None:
    """A plain WebhookView (only its receiver set) answers without an instance per
    request: the same status, headers and body as through the class, for every kind
    of request, and it keeps Django's view attributes."""
    receiver = kourier_receiver()
    plain, through = WebhookView.as_view(receiver=receiver), ThroughTheClass.as_view(receiver=receiver)
    assert plain.__code__.co_name == "direct" and through.__code__.co_name == "view"  # type: ignore[attr-defined]
    assert plain.view_class is WebhookView and plain.view_initkwargs == {"receiver": receiver}  # type: ignore[attr-defined]
    assert plain.csrf_exempt and plain.__name__ == through.__name__  # type: ignore[attr-defined]
    use_urls(settings, ("/plain", plain), ("/through", through), middleware=[CSRF])
    client = Client(enforce_csrf_checks=True)
    requests: list[tuple[str, dict[str, Any]]] = [
        ("post", kourier_request()),
        ("post", kourier_request(token="nope")),
        ("post", kourier_request(padding="x" * 2000)),
        ("post", {"data": b"{not json", "content_type": "application/json", **_auth()}),
        ("post", {"data": b"{}", "content_type": "text/plain", **_auth()}),
        ("get", {}),
        ("put", kourier_request()),
    ]
    ThroughTheClass.set_up = 0
    for method, request in requests:
        answers = [getattr(client, method)(path, **request) for path in ("/plain", "/through")]
        assert len({(a.status_code, tuple(a.items()), a.content) for a in answers}) == 1, (method, request)
    assert ThroughTheClass.set_up == len(requests)  # the subclass really went through the class


def _auth() -> dict[str, Any]:
    return {"headers": {"Authorization": f"Bearer {TOKEN}"}}


@pytest.mark.parametrize("overridden", ["__init__", "setup", "dispatch", "get_receiver", "webhook_received"])
def test_a_subclass_that_overrides_a_step_is_answered_through_it(
    settings: SettingsWrapper, overridden: str
) -> None:
    calls: list[str] = []
    original = getattr(WebhookView, overridden)

    def spy(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(overridden)
        return original(self, *args, **kwargs)

    view = type("Spied", (WebhookView,), {overridden: spy}).as_view(receiver=kourier_receiver())
    use_urls(settings, ("/hooks/kourier", view), middleware=[])
    assert Client().post("/hooks/kourier", **kourier_request()).status_code == 200
    assert calls == [overridden]


def test_a_class_receiver_is_read_per_request(settings: SettingsWrapper) -> None:
    class Swapped(WebhookView):
        receiver = Receiver(providers.Kourier(token="another-token-entirely"))

    use_urls(settings, ("/hooks/kourier", Swapped.as_view()), middleware=[])
    assert Client().post("/hooks/kourier", **kourier_request()).status_code == 401
    Swapped.receiver = kourier_receiver()  # as get_receiver() would see it
    assert Client().post("/hooks/kourier", **kourier_request()).status_code == 200


class CountingView(WebhookView):
    """A subclass answering with its own response once the handlers succeeded."""

    seen: ClassVar[list[tuple[str, ...]]] = []

    def webhook_received(self, request: HttpRequest, events: tuple[Event, ...]) -> HttpResponse | None:
        self.seen.append(tuple(e.type for e in events))
        return JsonResponse({"received": len(events)}, status=202)


def test_subclass_hook_gets_the_verified_events_and_may_answer(settings: SettingsWrapper) -> None:
    CountingView.seen = []
    use_urls(settings, ("/hooks/kourier", CountingView.as_view(receiver=kourier_receiver())), middleware=[])
    response = Client().post("/hooks/kourier", **kourier_request())
    assert (response.status_code, json.loads(response.content)) == (202, {"received": 1})
    assert CountingView.seen == [("delivery.updated",)]
    assert [name for name, _ in HANDLED] == ["on_delivery"]  # the receiver's handlers ran first
    # Not called for a rejected request.
    assert Client().post("/hooks/kourier", **kourier_request(token="nope")).status_code == 401
    assert CountingView.seen == [("delivery.updated",)]


def test_hook_returning_none_sends_the_reply(settings: SettingsWrapper) -> None:
    class Quiet(WebhookView):
        receiver = kourier_receiver()  # a class attribute works as well as as_view(receiver=...)

    use_urls(settings, ("/hooks/kourier", Quiet.as_view()), middleware=[])
    response = Client().post("/hooks/kourier", **kourier_request())
    assert (response.status_code, json.loads(response.content)) == (200, {"ok": True})


@pytest.mark.parametrize("initkwargs", [{}, {"receiver": None}, {"receiver": "myapp.receiver"}])
def test_a_view_without_a_receiver_is_improperly_configured(initkwargs: dict[str, Any]) -> None:
    with pytest.raises(
        ImproperlyConfigured, match=r"WebhookView.as_view\(\) needs a webhook_receiver.Receiver"
    ):
        WebhookView.as_view(**initkwargs)


class AsyncHookView(AsyncWebhookView):
    async def webhook_received(self, request: HttpRequest, events: tuple[Event, ...]) -> HttpResponse | None:
        await asyncio.sleep(0)
        return JsonResponse({"async": [e.type for e in events]})


def test_async_view_awaits_async_handlers_on_the_loop_and_an_async_hook(settings: SettingsWrapper) -> None:
    threads: list[int] = []
    receiver = Receiver(providers.Courier(secret=SECRET))

    @receiver.on(courier.MessageUpdated)
    async def record(event: courier.MessageUpdated) -> None:
        threads.append(threading.get_ident())
        HANDLED.append(("record", event))

    use_urls(
        settings,
        ("/hooks/courier", AsyncWebhookView.as_view(receiver=receiver)),
        ("/hooks/hooked", AsyncHookView.as_view(receiver=receiver)),
        middleware=[CSRF],
    )

    async def run() -> tuple[Any, Any, int]:
        client = AsyncClient(enforce_csrf_checks=True)
        first = await client.post("/hooks/courier", **courier_request())
        second = await client.post("/hooks/hooked", **courier_request())
        return first, second, threading.get_ident()

    first, second, loop_thread = asyncio.run(run())
    assert (first.status_code, json.loads(first.content)) == (200, {"ok": True})
    assert (second.status_code, json.loads(second.content)) == (200, {"async": ["message:updated"]})
    assert threads == [loop_thread, loop_thread]  # awaited on the event loop, not in a thread
    assert [type(e) for _, e in HANDLED] == [courier.MessageUpdated] * 2


def test_async_read_stops_at_the_limit_without_content_length() -> None:
    # Under ASGI a chunked body arrives with no Content-Length; Django has buffered it,
    # and the adapter reads one byte past the limit, no more.
    receiver = kourier_receiver()
    body_file = io.BytesIO(json.dumps({**DELIVERY, "padding": "x" * 100_000}).encode())
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/hooks/kourier",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json"), (b"authorization", f"Bearer {TOKEN}".encode())],
    }
    reply = asyncio.run(answer_async(receiver, ASGIRequest(scope, body_file)))
    assert reply.status == 413
    assert body_file.tell() == receiver.max_body_size + 1
    assert HANDLED == []


# --- the middleware ----------------------------------------------------------------------


def test_middleware_from_dict_config_with_env_secret_and_handler_paths(
    settings: SettingsWrapper, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_KOURIER_TOKEN", TOKEN)
    settings.WEBHOOK_RECEIVER = {
        "/hooks/kourier/": {
            "provider": "kourier",
            "options": {"token_env": "TEST_KOURIER_TOKEN"},
            "handlers": {"delivery.updated": f"{HERE}.on_delivery", "*": [f"{HERE}.on_any"]},
            "max_body_size": 2048,
        },
        "/hooks/courier": f"{HERE}.READY_KOURIER",
    }
    # CSRF enforced, and listed before the webhook middleware: it still never applies.
    use_urls(settings, middleware=[CSRF, MIDDLEWARE])
    client = Client(enforce_csrf_checks=True)
    # The trailing slash is ignored both ways: no APPEND_SLASH redirect gets in the way.
    for path in ("/hooks/kourier", "/hooks/kourier/"):
        response = client.post(path, **kourier_request())
        assert response.status_code == 200, response.content
    assert [name for name, _ in HANDLED] == ["on_delivery", "on_any"] * 2
    assert client.post("/hooks/kourier", **kourier_request(token="nope")).status_code == 401
    assert client.post("/hooks/kourier", **kourier_request(padding="x" * 4096)).status_code == 413
    assert client.post("/hooks/courier/", **kourier_request()).status_code == 200
    # Other paths go on to the URLconf untouched, body unread.
    assert client.get("/other").content == b"other"
    assert client.get("/nowhere").status_code == 404


def test_env_option_with_several_variables_gives_several_secrets(
    settings: SettingsWrapper, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_COURIER_OLD", "old-secret")
    monkeypatch.setenv("TEST_COURIER_NEW", SECRET)
    settings.WEBHOOK_RECEIVER = {
        "/hooks/courier": {
            "provider": "courier",
            "options": {"secret_env": ["TEST_COURIER_NEW", "TEST_COURIER_OLD"]},
            "handlers": {"message:updated": f"{HERE}.on_message"},
        }
    }
    use_urls(settings, middleware=[MIDDLEWARE])
    assert Client().post("/hooks/courier", **courier_request(SECRET)).status_code == 200
    assert Client().post("/hooks/courier", **courier_request("old-secret")).status_code == 200
    assert Client().post("/hooks/courier", **courier_request("other")).status_code == 401
    assert [name for name, _ in HANDLED] == ["on_message"] * 2


def test_async_middleware_awaits_handlers(settings: SettingsWrapper, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    original = WebhookMiddleware.__acall__

    async def spy(self: WebhookMiddleware, request: HttpRequest) -> HttpResponse:
        calls.append(request.path)
        return await original(self, request)

    monkeypatch.setattr(WebhookMiddleware, "__acall__", spy)
    settings.WEBHOOK_RECEIVER = {
        "/hooks/kourier": {
            "provider": "kourier",
            "options": {"token": TOKEN},
            "handlers": {"*": f"{HERE}.on_any"},
        }
    }
    use_urls(settings, middleware=[MIDDLEWARE])

    async def run() -> tuple[Any, Any]:
        client = AsyncClient()
        return await client.post("/hooks/kourier", **kourier_request()), await client.post("/other")

    hook, other = asyncio.run(run())
    assert hook.status_code == 200, hook.content
    assert other.content == b"other"
    assert [name for name, _ in HANDLED] == ["on_any"]
    assert calls == ["/hooks/kourier", "/other"]  # Django ran the middleware's async path


def test_middleware_is_built_at_startup_not_per_request(settings: SettingsWrapper) -> None:
    # Django builds middleware when the handler loads (for the test client: its first request).
    settings.WEBHOOK_RECEIVER = {"/hooks/x": {"provider": "no-such-provider"}}
    use_urls(settings, middleware=[MIDDLEWARE])
    with pytest.raises(ImproperlyConfigured, match="unknown provider 'no-such-provider'"):
        Client().get("/other")


def test_middleware_without_the_setting(settings: SettingsWrapper) -> None:
    del settings.WEBHOOK_RECEIVER
    with pytest.raises(ImproperlyConfigured, match=r"settings.WEBHOOK_RECEIVER is not set"):
        WebhookMiddleware(lambda request: HttpResponse())


BAD_SETTINGS: list[tuple[object, str]] = [
    ("/hooks/x", "must be a non-empty dict"),
    ({}, "must be a non-empty dict"),
    ([("/hooks/x", f"{HERE}.READY_KOURIER")], "must be a non-empty dict"),
    ({"hooks/x": f"{HERE}.READY_KOURIER"}, "the path 'hooks/x' must be a string starting with '/'"),
    ({"/hooks/x": 42}, "must be a dotted path to a Receiver or a dict with 'provider' (got int)"),
    ({"/hooks/x": "no_such_module_here.receiver"}, "cannot import 'no_such_module_here.receiver'"),
    ({"/hooks/x": f"{HERE}.no_such_name"}, f"cannot import '{HERE}.no_such_name'"),
    ({"/hooks/x": "receiver"}, "must be a dotted path"),
    ({"/hooks/x": f"{HERE}.on_delivery"}, "is a function, not a Receiver"),
    ({"/hooks/x": {"options": {"secret": SECRET}}}, "'provider' must name a provider"),
    ({"/hooks/x": {"provider": "nope", "options": {"secret": SECRET}}}, "unknown provider 'nope'"),
    ({"/hooks/x": {"provider": "courier", "options": {"secret": SECRET, "colour": "blue"}}}, "'colour'"),
    ({"/hooks/x": {"provider": "courier", "options": {"secret": ""}}}, "secret must not be empty"),
    ({"/hooks/x": {"provider": "courier", "options": {"secret": SECRET, "tolerance": "x"}}}, "tolerance"),
    ({"/hooks/x": {"provider": "courier", "options": [SECRET]}}, "'options' must be a dict, not list"),
    (
        {"/hooks/x": {"provider": "courier", "options": {"secret_env": "TEST_UNSET_VARIABLE"}}},
        "TEST_UNSET_VARIABLE",
    ),
    (
        {"/hooks/x": {"provider": "courier", "options": {"secret_env": 3}}},
        "must name an environment variable",
    ),
    (
        {"/hooks/x": {"provider": "courier", "options": {"secret": SECRET, "secret_env": "TEST_SECRET"}}},
        "give 'secret' or 'secret_env', not both",
    ),
    ({"/hooks/x": {"provider": "courier", "secret": SECRET}}, "unknown key 'secret'"),
    (
        {"/hooks/x": {"provider": "courier", "options": {"secret": SECRET}, "handlers": ["x"]}},
        "'handlers' must",
    ),
    (
        {
            "/hooks/x": {
                "provider": "courier",
                "options": {"secret": SECRET},
                "handlers": {"*": "nowhere.at_all"},
            }
        },
        "handler for '*': cannot import 'nowhere.at_all'",
    ),
    (
        {
            "/hooks/x": {
                "provider": "courier",
                "options": {"secret": SECRET},
                "handlers": {"*": f"{HERE}.NOT_CALLABLE"},
            }
        },
        "the handler for '*' is not callable",
    ),
    (
        {
            "/hooks/x": {
                "provider": "courier",
                "options": {"secret": SECRET},
                "handlers": {"": f"{HERE}.on_any"},
            }
        },
        "handler patterns must be non-empty strings",
    ),
    (
        {"/hooks/x": {"provider": "courier", "options": {"secret": SECRET}, "max_body_size": -1}},
        "max_body_size",
    ),
    (
        {"/hooks/x": {"provider": "courier", "options": {"secret": SECRET}, "methods": "POST"}},
        "'methods' must",
    ),
    ({"/hooks/x": {"provider": "courier", "options": {"secret": SECRET}, "methods": [1]}}, "'methods' must"),
    ({"/hooks/x": {"provider": "courier", "options": {"secret": SECRET}, "methods": []}}, "at least one"),
]


@pytest.mark.parametrize(("setting", "message"), BAD_SETTINGS)
def test_every_bad_setting_is_improperly_configured_without_the_secret(
    settings: SettingsWrapper, monkeypatch: pytest.MonkeyPatch, setting: object, message: str
) -> None:
    monkeypatch.delenv("TEST_UNSET_VARIABLE", raising=False)
    monkeypatch.setenv("TEST_SECRET", SECRET)
    settings.WEBHOOK_RECEIVER = setting
    with pytest.raises(ImproperlyConfigured) as info:
        WebhookMiddleware(lambda request: HttpResponse())
    text = str(info.value)
    assert message in text
    assert SECRET not in text
    assert "WEBHOOK_RECEIVER" in text


def test_env_error_names_the_variable_never_a_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_PRESENT", SECRET)
    monkeypatch.delenv("TEST_ABSENT", raising=False)
    setting = {"/h": {"provider": "courier", "options": {"secret_env": ["TEST_PRESENT", "TEST_ABSENT"]}}}
    with pytest.raises(ImproperlyConfigured) as info:
        receivers_from_setting(setting)
    assert "'TEST_ABSENT'" in str(info.value)
    assert "not set" in str(info.value)
    assert SECRET not in str(info.value)


def test_a_ready_receiver_object_works_too() -> None:
    assert receivers_from_setting({"/h": READY_KOURIER}) == {"/h": READY_KOURIER}


# --- the optional dependency -------------------------------------------------------------


def test_missing_django_raises_an_import_error_naming_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "django", None)  # what "not installed" looks like to import
    monkeypatch.delitem(sys.modules, "webhook_receiver.adapters.django")
    with pytest.raises(MissingDependency) as info:
        importlib.import_module("webhook_receiver.adapters.django")
    assert isinstance(info.value, ImportError)
    assert "pip install 'webhook-receiver[django]'" in str(info.value)
    assert info.value.name == "django"
    assert info.value.extra == "django"


# --- system checks -------------------------------------------------------------------------


def test_manage_py_check_lists_every_problem_of_the_setting(settings: SettingsWrapper) -> None:
    from django.core import checks

    settings.WEBHOOK_RECEIVER = {
        "/hooks/x": {"provider": "nope", "options": {"secret": SECRET}},
        "/hooks/y": {"provider": "courier", "options": {"secret": SECRET}, "colour": "blue"},
    }
    found = [m for m in checks.run_checks() if m.id.startswith("webhook_receiver.")]
    assert len(found) == 2
    assert all(isinstance(m, checks.Error) for m in found)
    assert {"E005", "E007"} == {m.id.rsplit(".", 1)[1] for m in found}
    assert all(SECRET not in f"{m.msg} {m.hint}" for m in found)
    settings.WEBHOOK_RECEIVER = {"/hooks/x": {"provider": "courier", "options": {"secret": SECRET}}}
    assert [m for m in checks.run_checks() if m.id.startswith("webhook_receiver.")] == []


def test_the_middleware_and_an_asgi_entry_point_share_one_set_of_receivers(
    settings: SettingsWrapper,
) -> None:
    from webhook_receiver.adapters.django import settings_receivers

    settings.WEBHOOK_RECEIVER = {"/hooks/x": {"provider": "courier", "options": {"secret": SECRET}}}
    shared = settings_receivers()
    middleware = WebhookMiddleware(lambda request: HttpResponse())
    assert middleware.routes.get("/hooks/x") is shared["/hooks/x"]
    assert settings_receivers() is shared
