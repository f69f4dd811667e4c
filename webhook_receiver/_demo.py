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
from ._optional import MissingDependency
from ._receiver import Receiver
from .adapters.wsgi import WebhookMiddleware
from .delivery.stores import MemoryStore
from .providers import PROVIDERS, courier, customerio, github, kourier, slack, stripe, xtremepush
from .testing import DEMO_OPTIONS, Sample, make_provider, sample, samples, signed_request

__all__ = ["describe", "run_demo"]

# What each provider's scheme covers, for the cases the demo builds: a signed time
# (stale and future requests are refused) and the body bytes (a tampered body is).
SIGNS_TIME = {
    "courier",
    "stripe",
    "standard-webhooks",
    "slack",
    "hmac",
    "calendly",
    "paddle",
    "customerio-reporting",
    "zendesk",
    "linear",
    "resend",
    "clerk",
    "sendgrid",
    "discord",
    "zoom",
    "twitch",
    "aws-sns",
    "mailgun",
}
SIGNS_BODY = {
    "courier",
    "customerio",
    "stripe",
    "standard-webhooks",
    "github",
    "slack",
    "hmac",
    "xtremepush",
    "shopify",
    "intercom",
    "typeform",
    "vercel",
    "calendly",
    "paddle",
    "customerio-reporting",
    "zendesk",
    "linear",
    "resend",
    "clerk",
    "twilio",
    "square",
    "sendgrid",
    "discord",
    "meta",
    "zoom",
    "twitch",
    "aws-sns",
}
# Signed with a key pair: "wrong credentials" is another private key of the same kind.
KEY_PAIRS = {"discord": "ed25519", "sendgrid": "ecdsa-p256", "aws-sns": "rsa"}
# Secrets given as Standard Webhooks' whsec_<base64>.
WHSEC = {"standard-webhooks", "resend", "clerk"}


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
    method: str = "POST"
    query: str = ""
    ok_statuses: tuple[int, ...] = ()
    """Other 2xx statuses that count as the expected ``status`` (Discord's 204)."""


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """The demo prints its own table."""


def _wrong_options(name: str) -> dict[str, Any]:
    """The demo options with the credential swapped for a wrong one."""
    options = dict(DEMO_OPTIONS[name])
    for option in ("secret", "token", "key", "password"):
        if option in options:
            wrong = "not-the-demo-credential"
            if name in WHSEC:
                wrong = "whsec_" + base64.b64encode(b"not-the-demo-key").decode()
            options[option] = wrong
    return options


def _other_private_key(kind: str) -> str:
    """A fresh private key (PEM) that the demo public keys do not verify."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    key: Any = (
        ed25519.Ed25519PrivateKey.generate()
        if kind == "ed25519"
        else ec.generate_private_key(ec.SECP256R1())
        if kind == "ecdsa-p256"
        else rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    pem: bytes = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return pem.decode()


def _tampered(name: str, body: bytes) -> bytes:
    """``body`` with a change its signature covers."""
    if name == "aws-sns":
        return body.replace(b'"Message":"', b'"Message":"tampered ', 1)
    if body.startswith((b"{", b"[")):
        return body.replace(b"{", b'{"tampered":true,', 1)
    return body + b"&tampered=true"  # a form


def available(name: str) -> bool:
    """Whether ``name`` can run here: public-key providers need the ``crypto`` extra."""
    try:
        make_provider(name)
    except MissingDependency:
        return False
    return True


def _cases(now: float, names: list[str]) -> list[Case]:
    cases: list[Case] = []
    first: dict[str, Case] = {}
    for one in samples():
        if one.provider not in names:
            continue
        headers, body = signed_request(one.provider, one.body, timestamp=now)
        case = _genuine(headers, body, one)
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
    if "meta" in names:
        query = "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token="
        token = DEMO_OPTIONS["meta"]["verify_token"]
        cases.append(Case("meta", "GET handshake", {}, b"", 200, None, 0, "GET", query + token))
        cases.append(
            Case(
                "meta",
                "GET handshake, wrong token",
                {},
                b"",
                401,
                "invalid_credentials",
                0,
                "GET",
                query + "x",
            )
        )
    for name in names:
        genuine = first[name]
        cases.append(Case(name, "replayed (exact copy)", genuine.headers, genuine.body, 200, handler_runs=0))
        like = genuine.headers.get("Content-Type")
        if name in KEY_PAIRS:
            wrong_headers, wrong_body = signed_request(
                make_provider(name),
                genuine.body,
                timestamp=now,
                private_key=_other_private_key(KEY_PAIRS[name]),
            )
        else:
            wrong_headers, wrong_body = signed_request(
                make_provider(name, **_wrong_options(name)), genuine.body, timestamp=now
            )
        signature = (name in SIGNS_BODY or name == "mailgun") and not (
            name == "xtremepush" and DEMO_OPTIONS[name].get("signing") == "key"
        )
        code = "signature_mismatch" if signature else "invalid_credentials"
        cases.append(
            Case(
                name, "wrong credentials", _with_type(wrong_headers, genuine, like), wrong_body, 401, code, 0
            )
        )
        if name in SIGNS_BODY:
            cases.append(
                Case(
                    name,
                    "tampered body",
                    genuine.headers,
                    _tampered(name, genuine.body),
                    401,
                    "signature_mismatch",
                    0,
                )
            )
        if name in SIGNS_TIME:
            provider = make_provider(name)
            # Just past the provider's tolerance: 10 minutes for most, more for Mailgun and SNS.
            minutes = int(getattr(provider.scheme, "tolerance", 300) // 60) + 5
            for label, offset in (
                (f"stale ({minutes} min old)", -60),
                (f"from the future (+{minutes} min)", 60),
            ):
                headers, body = signed_request(provider, genuine.body, timestamp=now + offset * minutes)
                cases.append(
                    Case(
                        name,
                        label,
                        _with_type(headers, genuine, like),
                        body,
                        401,
                        "timestamp_outside_tolerance",
                        0,
                    )
                )
    return cases


def _with_type(
    headers: dict[str, str], like: Case | None = None, content_type: str | None = None
) -> dict[str, str]:
    """``headers`` with a content type, and the unsigned headers of ``like`` (GitHub's event)."""
    unsigned = {k: v for k, v in like.headers.items() if k.lower().startswith(_UNSIGNED)} if like else {}
    return {"Content-Type": content_type or "application/json", **unsigned, **headers}


_UNSIGNED = ("x-github-", "x-shopify-", "x-gitlab-event", "twitch-eventsub-message-type")


def _genuine(signed: dict[str, str], body: bytes, one: Sample) -> Case:
    headers = {"Content-Type": "application/json", **one.headers, **signed}
    # Handshakes (Zoom, Twitch, Discord's PING, Slack) are answered; Discord's webhook
    # events with 204.
    return Case(one.provider, f"{one.type}", headers, body, 200, handler_runs=1, ok_statuses=(200, 202, 204))


def _app(received: list[str], names: list[str]) -> Callable[..., Iterable[bytes]]:
    store = MemoryStore()
    routes: dict[str, Receiver] = {}
    for name in names:
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
    names = [name for name in PROVIDERS if available(name)]
    skipped = [name for name in PROVIDERS if name not in names]
    server: WSGIServer = make_server("127.0.0.1", port, _app(received, names), handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="webhook-receiver-demo", daemon=True)
    thread.start()
    host, bound = "127.0.0.1", server.server_port
    cases = _cases(time.time(), names)
    widths = (20, 32, 31, 31)
    line = "{:>7}  {:<20}  {:<32}  {:<31}  {:<31}  {}"
    if not quiet:
        print(
            f"webhook-receiver demo: a receiver for {len(names)} providers on http://{host}:{bound}/hooks/<provider>",
            file=out,
        )
        if skipped:
            print(
                f"(skipped, they need public-key verification: {', '.join(skipped)}; "
                "pip install 'webhook-receiver[crypto]' to include them)",
                file=out,
            )
        print(line.format("", "provider", "request", "expected", "got", "handler received"), file=out)
        print(line.format("", *("-" * w for w in widths), "-" * 16), file=out)
    failures = 0
    try:
        for index, case in enumerate(cases, start=1):
            before = len(received)
            path = f"/hooks/{case.provider}" + (f"?{case.query}" if case.query else "")
            status, body = _post(host, bound, path, case.headers, case.body, case.method)
            if status in case.ok_statuses:
                status = case.status
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
    if skipped:
        print(f"Skipped (no 'cryptography'): {', '.join(skipped)}.", file=out)
    return 0 if failures == 0 else 1


def _post(
    host: str, port: int, path: str, headers: dict[str, str], body: bytes, method: str = "POST"
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(host, port, timeout=10)
    try:
        connection.request(method, path, body=body if method != "GET" else None, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _code(body: bytes) -> str:
    try:
        return str(json.loads(body).get("error", "?"))
    except (ValueError, AttributeError):
        return "?"
