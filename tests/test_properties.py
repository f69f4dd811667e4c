"""Property tests: no header, payload or request, however malformed, escapes the WebhookError tree.

Header parsers (through ``verify``), payload parsers (``events_from``) and
``Receiver.handle`` each get arbitrary and provider-shaped input; a generous
hypothesis deadline catches anything that would hang.
"""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from webhook_receiver import (
    ConfigurationError,
    Event,
    Headers,
    MemoryStore,
    PayloadError,
    Receiver,
    WebhookError,
    providers,
)
from webhook_receiver.providers import aws_sns
from webhook_receiver.testing import DEMO_OPTIONS, signed_request

SECRET = "property-secret"
PROVIDERS: dict[str, dict[str, Any]] = {
    "courier": {"secret": SECRET},
    "stripe": {"secret": SECRET},
    "standard-webhooks": {"secret": "whsec_" + base64.b64encode(SECRET.encode()).decode()},
    "github": {"secret": SECRET},
    "slack": {"secret": SECRET},
    "customerio": {"secret": SECRET},
    "kourier": {"token": SECRET},
    "courier-channel": {"username": "u", "password": SECRET},
    "xtremepush": {"key": SECRET},
    "hmac": {"secret": SECRET, "header": "X-Sig", "encoding": "base64", "timestamp_header": "X-Ts"},
}
VERIFIED_FROM_THE_DECODED_BODY = {"mailgun", "aws-sns", "twilio"}
"""Their verification decodes the body (Mailgun's and Amazon SNS's signature is in it;
Twilio's covers a form's sorted fields), so a body that cannot be decoded is a 400
``PayloadError`` before any signature is compared; for every other provider a request
that does not verify is a 401, whatever its body."""
FETCHED: list[str] = []


def _no_network(url: str) -> bytes:
    """Amazon SNS's certificate fetch in these tests: recorded, and never a real request."""
    FETCHED.append(url)
    raise OSError("no network in the property tests")


# Every other provider with its demo options (SNS's certificate fetch replaced).
for _name in sorted(set(providers.PROVIDERS) - set(PROVIDERS)):
    PROVIDERS[_name] = {**DEMO_OPTIONS[_name], **({"fetch": _no_network} if _name == "aws-sns" else {})}
HEADER_NAMES = [
    "courier-signature",
    "Stripe-Signature",
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "svix-signature",
    "X-Hub-Signature-256",
    "X-Slack-Signature",
    "X-Slack-Request-Timestamp",
    "X-Signature",
    "Authorization",
    "X-Sig",
    "X-Ts",
    "X-Shopify-Hmac-Sha256",
    "X-Twilio-Signature",
    "X-Twilio-Email-Event-Webhook-Signature",
    "X-Twilio-Email-Event-Webhook-Timestamp",
    "X-Signature-Ed25519",
    "X-Signature-Timestamp",
    "x-zm-signature",
    "x-zm-request-timestamp",
    "Twitch-Eventsub-Message-Id",
    "Twitch-Eventsub-Message-Timestamp",
    "Twitch-Eventsub-Message-Signature",
    "Paddle-Signature",
    "X-CIO-Signature",
    "X-CIO-Timestamp",
    "x-square-hmacsha256-signature",
    "Linear-Signature",
    "X-Hub-Signature",
    "X-Zendesk-Webhook-Signature",
    "X-Zendesk-Webhook-Signature-Timestamp",
    "Typeform-Signature",
    "Calendly-Webhook-Signature",
    "x-vercel-signature",
    "X-Gitlab-Token",
]
SHAPED_PARTS = ["t=", "v1=", "signature=", "v1,", "v1a,", "sha256=", "v0=", "ts=", "h1=", ";", "Bearer "]
SHAPED_PARTS += ["Basic ", ",", " ", "=", "2023-11-14T22:13:20Z"]
# Values shaped like the real thing, so the parsers get past their first check.
shaped = st.one_of(
    st.text(max_size=80),
    st.binary(max_size=80).map(lambda b: b.decode("latin-1")),
    st.lists(st.sampled_from(SHAPED_PARTS))
    .flatmap(lambda parts: st.just("".join(parts)))
    .map(lambda s: s + "1700000000"),
    st.sampled_from(
        ["Bearer ", "Basic ", "Basic " + base64.b64encode(b"u:").decode(), "v1,====", "t=,signature="]
    ),
)
headers_strategy = st.lists(
    st.tuples(st.one_of(st.sampled_from(HEADER_NAMES), st.text(max_size=20)), shaped), max_size=8
)
bytes_headers_strategy = st.lists(
    st.tuples(st.sampled_from([n.encode() for n in HEADER_NAMES]), st.binary(max_size=80)), max_size=6
)


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(sorted(PROVIDERS)), headers=headers_strategy, body=st.binary(max_size=256))
def test_arbitrary_str_headers_raise_only_webhook_errors(
    name: str, headers: list[tuple[str, str]], body: bytes
) -> None:
    provider = providers.create(name, **PROVIDERS[name])
    try:
        provider.verify(headers, body, now=1_700_000_000)
    except WebhookError as exc:
        assert exc.status == 401 or (
            name in VERIFIED_FROM_THE_DECODED_BODY and isinstance(exc, PayloadError)
        ), (
            name,
            exc,
        )
        assert SECRET not in str(exc)


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(sorted(PROVIDERS)), headers=bytes_headers_strategy, body=st.binary(max_size=64))
# Found by this test in CI: a Twilio signature header with a body that is no form.
@example(name="twilio", headers=[(b"X-Twilio-Signature", b"////")], body=b"=")
@example(name="twilio", headers=[(b"X-Twilio-Signature", b"////")], body=b"\x80")
@example(name="twilio", headers=[(b"X-Twilio-Signature", b"////")], body=b"")
def test_arbitrary_byte_headers_raise_only_webhook_errors(
    name: str, headers: list[tuple[bytes, bytes]], body: bytes
) -> None:
    provider = providers.create(name, **PROVIDERS[name])
    try:
        provider.verify(headers, body, now=1_700_000_000)
    except WebhookError as exc:
        assert exc.status == 401 or (
            name in VERIFIED_FROM_THE_DECODED_BODY and isinstance(exc, PayloadError)
        ), (
            name,
            exc,
        )


@settings(max_examples=200, deadline=None)
@given(now=st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers(-(10**12), 10**13)))
def test_any_clock_reading_is_handled(now: float) -> None:
    provider = providers.create("courier", secret=SECRET)
    try:
        provider.verify({"courier-signature": "t=1700000000000,signature=00"}, b"{}", now=now)
    except WebhookError as exc:
        assert exc.status == 401


# --- payload parsers and Receiver.handle ---------------------------------------------------------

KNOWN_KEYS = [
    "type", "event", "data", "id", "status", "delivery_id", "timestamp", "time", "properties",
    "messageId", "userId", "anonymousId", "traits", "groupId", "previousId", "name", "context",
    "recipient", "profile", "message_type", "campaign_id", "external_message_id", "error_message",
    "enqueued", "sent", "delivered", "audience_id", "audience_version", "total_users_matched",
    "created", "livemode", "api_version", "action", "event_id", "event_time", "team_id", "challenge",
]  # fmt: skip
KNOWN_VALUES = [
    "message:updated", "delivery.updated", "delivery.created", "track", "identify", "group", "alias",
    "page", "screen", "message_send", "message_failure", "message_opt_out", "url_verification",
    "DELIVERED", "in_transit", "2024-09-14T14:30:00Z", "not a date",
]  # fmt: skip
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.sampled_from(KNOWN_VALUES),
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(KNOWN_KEYS) | st.text(max_size=8), children, max_size=6)
    ),
    max_leaves=25,
)
# Payloads shaped like the providers' own, so parsing gets past its first checks.
shaped_payloads = st.one_of(
    json_values,
    st.dictionaries(st.sampled_from(KNOWN_KEYS), json_values, max_size=8),
    st.lists(st.dictionaries(st.sampled_from(KNOWN_KEYS), json_values, max_size=6), max_size=5),
)


@settings(max_examples=400, deadline=timedelta(seconds=2))
@given(name=st.sampled_from(sorted(PROVIDERS)), payload=shaped_payloads)
def test_payload_parsers_return_events_or_raise_payload_error(name: str, payload: Any) -> None:
    provider = providers.create(name, **PROVIDERS[name])
    try:
        events = provider.events_from(payload, Headers({"X-GitHub-Event": "issues", "webhook-id": "m"}))
    except PayloadError as exc:
        assert exc.status == 400
        return
    assert events
    assert all(isinstance(event, Event) and isinstance(event.type, str) and event.type for event in events)


@settings(max_examples=300, deadline=timedelta(seconds=2))
@given(
    name=st.sampled_from(sorted(PROVIDERS)),
    payload=shaped_payloads,
    method=st.sampled_from(["POST", "POST", "POST", "GET", "PUT", "DELETE", "post", "HEAD"]),
    extra=st.lists(
        st.tuples(st.sampled_from(["Content-Type", "Content-Length", "X-Other"]), shaped), max_size=3
    ),
    raw_tail=st.binary(max_size=8),
)
# Discord's webhook ping, signed: answered 204, the only success that is not a 200.
@example(name="discord", payload={"type": 0}, method="POST", extra=[], raw_tail=b"")
def test_receiver_handle_always_answers_with_a_reply_and_never_500(
    name: str, payload: Any, method: str, extra: list[tuple[str, str]], raw_tail: bytes
) -> None:
    """Signed (so verification passes) or not, any body and headers get a 2xx/4xx Reply."""
    provider = providers.create(name, **PROVIDERS[name])
    receiver = Receiver(provider, store=MemoryStore(), max_body_size=4096)
    ran: list[Event] = []
    receiver.on_any(ran.append)
    body = json.dumps(payload).encode() + (raw_tail if raw_tail[:1] != b" " else b"")
    try:
        signature, body = signed_request(provider, body, timestamp=1_700_000_000)
    except (WebhookError, ConfigurationError):
        # A body its sender could not sign (Twilio: neither JSON nor a form; SNS: not
        # text) goes unsigned.
        signature = {}
    headers = [*signature.items(), *extra]
    FETCHED.clear()
    reply = receiver.handle(method, headers, body, now=1_700_000_000)
    # 503 only when Amazon SNS's certificate could not be fetched (these tests have no
    # network), and then only for a URL on its allowlist.
    assert reply.status in {200, 204, 400, 401, 405, 409, 413, 415} or (
        name == "aws-sns" and reply.status == 503
    )
    assert all(aws_sns.is_certificate_url(url) for url in FETCHED)
    # JSON whenever there is a body, unless the provider answers otherwise (a
    # handshake's text, Twilio's TwiML); Slack's acknowledgements are empty, with no type.
    content_type = reply.headers.get("Content-Type")
    if not reply.body:
        assert content_type is None
    elif reply.ok and content_type != "application/json":
        assert name in {"twitch", "meta", "twilio"}, (name, content_type)
    else:
        assert content_type == "application/json"
    # A success is a 200, but for the empty 204 Discord wants for its webhook ping.
    assert reply.ok == (reply.status == 200 or (reply.status == 204 and name == "discord")), (
        name,
        reply.status,
    )
    if not reply.ok:
        assert ran == []
