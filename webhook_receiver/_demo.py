"""``webhook-receiver demo``: a real receiver on 127.0.0.1, sent every provider's events.

The server is the standard library's WSGI server with this library's WSGI middleware,
one ``Receiver`` per provider (demo credentials, one shared ``MemoryStore`` so replays
are recognised), each with a handler that records what it received. The client sends,
over real HTTP: a signed sample of every documented event type; per provider, a replay
of a genuine request, a request signed with the wrong credentials, a tampered body (for
schemes that sign the body) and stale and future ones (for schemes that sign a time).
Each row says what was expected, what came back, and what the handlers received.
"""

from __future__ import annotations

import base64
import http.client
import json
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TextIO
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from ._events import Event
from ._receiver import Receiver
from .adapters.wsgi import WebhookMiddleware
from .delivery.stores import MemoryStore
from .providers import PROVIDERS, courier, customerio, github, kourier, slack, stripe, xtremepush
from .testing import DEMO_OPTIONS, Sample, make_provider, sample, samples

__all__ = ["describe", "run_demo"]

SIGNS_TIME = {"courier", "stripe", "standard-webhooks", "slack", "hmac"}
SIGNS_BODY = {"courier", "customerio", "stripe", "standard-webhooks", "github", "slack", "hmac", "xtremepush"}


def describe(event: Event) -> str:
    """What a typed handler received, in a few words."""
    match event:
        case courier.MessageUpdated():
            return f"MessageUpdated {event.message.status}"
        case courier.ChannelDelivery():
            return f"ChannelDelivery to {event.recipient}"
        case customerio.Track():
            return f"Track {event.event!r} by {event.user_id}"
        case customerio.CustomerIOEvent() if event.user_id or event.anonymous_id:
            return f"{type(event).__name__} of {event.user_id or event.anonymous_id}"
        case kourier.DeliveryEvent():
            return f"{type(event).__name__} {event.delivery_id} {event.status}"
        case xtremepush.MessageEvent():
            return f"{type(event).__name__} campaign {event.message.campaign_id}"
        case xtremepush.SubscriptionChanged():
            return f"SubscriptionChanged subscribed={event.subscribed}"
        case stripe.StripeEvent():
            return f"StripeEvent {event.type}"
        case github.GitHubEvent():
            return f"GitHubEvent {event.type}.{event.action}"
        case slack.SlackEvent():
            return f"SlackEvent {event.event_type or event.type}"
    return f"{type(event).__name__} {event.type}"


@dataclass
class Case:
    """One request the demo sends, and what should come of it."""

    provider: str
    label: str
    headers: dict[str, str]
    body: bytes
    status: int
    code: str | None = None
    handler_runs: int | None = None
    """How many handler calls the request should cause (``None``: any, for information)."""


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """The demo prints its own table."""


def _wrong_options(name: str) -> dict[str, Any]:
    """The demo options with the credential swapped for a wrong one."""
    options = dict(DEMO_OPTIONS[name])
    for option in ("secret", "token", "key", "password"):
        if option in options:
            wrong = "not-the-demo-credential"
            if name == "standard-webhooks":
                wrong = "whsec_" + base64.b64encode(b"not-the-demo-key").decode()
            options[option] = wrong
    return options


def _cases(now: float) -> list[Case]:
    cases: list[Case] = []
    first: dict[str, Case] = {}
    for one in samples():
        signer = make_provider(one.provider)
        case = _genuine(signer.sign(one.body, now=now), one)
        cases.append(case)
        first.setdefault(one.provider, case)
    # A retried batch: two events already processed above, one new; only the new one runs.
    done = [s.payload for s in samples("customerio")[:2]]
    track = sample("customerio", "track").payload
    assert isinstance(track, dict)
    fresh = {**track, "messageId": "msg-track-0002", "event": "Upgraded"}
    body = json.dumps([*done, fresh]).encode()
    signed = _with_type(make_provider("customerio").sign(body, now=now))
    cases.append(Case("customerio", "batch: 2 done + 1 new", signed, body, 200, handler_runs=1))
    for name in PROVIDERS:
        genuine = first[name]
        cases.append(Case(name, "replayed (exact copy)", genuine.headers, genuine.body, 200, handler_runs=0))
        wrong = make_provider(name, **_wrong_options(name))
        signature = name in SIGNS_BODY and not (
            name == "xtremepush" and DEMO_OPTIONS[name].get("signing") == "key"
        )
        code = "signature_mismatch" if signature else "invalid_credentials"
        cases.append(
            Case(
                name,
                "wrong credentials",
                _with_type(wrong.sign(genuine.body, now=now), genuine),
                genuine.body,
                401,
                code,
                0,
            )
        )
        if name in SIGNS_BODY:
            tampered = genuine.body.replace(b"{", b'{"tampered":true,', 1)
            cases.append(Case(name, "tampered body", genuine.headers, tampered, 401, "signature_mismatch", 0))
        if name in SIGNS_TIME:
            signer = make_provider(name)
            for label, offset in (("stale (10 min old)", -600), ("from the future (+10 min)", 600)):
                headers = _with_type(signer.sign(genuine.body, now=now + offset), genuine)
                cases.append(Case(name, label, headers, genuine.body, 401, "timestamp_outside_tolerance", 0))
    return cases


def _with_type(headers: dict[str, str], like: Case | None = None) -> dict[str, str]:
    extra = {k: v for k, v in like.headers.items() if k.lower().startswith("x-github-")} if like else {}
    return {"Content-Type": "application/json", **extra, **headers}


def _genuine(signed: dict[str, str], one: Sample) -> Case:
    headers = {"Content-Type": "application/json", **one.headers, **signed}
    return Case(one.provider, f"{one.type}", headers, one.body, 200, handler_runs=1)


def _app(received: list[str]) -> Callable[..., Iterable[bytes]]:
    store = MemoryStore()
    routes: dict[str, Receiver] = {}
    for name in PROVIDERS:
        receiver = Receiver(make_provider(name), store=store)
        receiver.on_any(lambda event: received.append(describe(event)))
        routes[f"/hooks/{name}"] = receiver

    def not_found(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found\n"]

    return WebhookMiddleware(not_found, routes)


def run_demo(*, port: int = 0, quiet: bool = False, out: TextIO = sys.stdout) -> int:
    """Run the demo; print the table; return 0 when every outcome was the expected one."""
    received: list[str] = []
    server: WSGIServer = make_server("127.0.0.1", port, _app(received), handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="webhook-receiver-demo", daemon=True)
    thread.start()
    host, bound = "127.0.0.1", server.server_port
    cases = _cases(time.time())
    widths = (17, 32, 31, 31)
    line = "{:>7}  {:<17}  {:<32}  {:<31}  {:<31}  {}"
    if not quiet:
        print(
            f"webhook-receiver demo: a receiver for {len(PROVIDERS)} providers on http://{host}:{bound}/hooks/<provider>",
            file=out,
        )
        print(line.format("", "provider", "request", "expected", "got", "handler received"), file=out)
        print(line.format("", *("-" * w for w in widths), "-" * 16), file=out)
    failures = 0
    try:
        for index, case in enumerate(cases, start=1):
            before = len(received)
            status, body = _post(host, bound, f"/hooks/{case.provider}", case.headers, case.body)
            got = f"{status} {_code(body)}" if status >= 300 else str(status)
            expected = f"{case.status} {case.code}" if case.code else str(case.status)
            ran = received[before:]
            ok = got == expected and (case.handler_runs is None or len(ran) == case.handler_runs)
            failures += not ok
            handled = (
                "; ".join(ran) if ran else ("not run (already done)" if "replayed" in case.label else "-")
            )
            if not quiet:
                mark = "" if ok else "  << UNEXPECTED"
                print(
                    line.format(
                        f"[{index}/{len(cases)}]",
                        case.provider,
                        case.label[:32],
                        expected,
                        got,
                        handled[:60] + mark,
                    ),
                    file=out,
                )
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    verdict = "every outcome as expected" if not failures else f"{failures} UNEXPECTED"
    summary = f"{len(cases) - failures} of {len(cases)} requests ended as expected"
    print(f"\n{summary}; {len(received)} handler calls ({verdict}).", file=out)
    return 0 if failures == 0 else 1


def _post(host: str, port: int, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(host, port, timeout=10)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _code(body: bytes) -> str:
    try:
        return str(json.loads(body).get("error", "?"))
    except (ValueError, AttributeError):
        return "?"
