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

from hypothesis import given, settings
from hypothesis import strategies as st

from webhook_receiver import Event, Headers, MemoryStore, PayloadError, Receiver, WebhookError, providers

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
]
# Values shaped like the real thing, so the parsers get past their first check.
shaped = st.one_of(
    st.text(max_size=80),
    st.binary(max_size=80).map(lambda b: b.decode("latin-1")),
    st.lists(
        st.sampled_from(
            ["t=", "v1=", "signature=", "v1,", "sha256=", "v0=", "Bearer ", "Basic ", ",", " ", "="]
        )
    )
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
        assert exc.status == 401
        assert SECRET not in str(exc)


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(sorted(PROVIDERS)), headers=bytes_headers_strategy, body=st.binary(max_size=64))
def test_arbitrary_byte_headers_raise_only_webhook_errors(
    name: str, headers: list[tuple[bytes, bytes]], body: bytes
) -> None:
    provider = providers.create(name, **PROVIDERS[name])
    try:
        provider.verify(headers, body, now=1_700_000_000)
    except WebhookError as exc:
        assert exc.status == 401


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
def test_receiver_handle_always_answers_with_a_reply_and_never_500(
    name: str, payload: Any, method: str, extra: list[tuple[str, str]], raw_tail: bytes
) -> None:
    """Signed (so verification passes) or not, any body and headers get a 2xx/4xx Reply."""
    provider = providers.create(name, **PROVIDERS[name])
    receiver = Receiver(provider, store=MemoryStore(), max_body_size=4096)
    ran: list[Event] = []
    receiver.on_any(ran.append)
    body = json.dumps(payload).encode() + (raw_tail if raw_tail[:1] != b" " else b"")
    headers = [*provider.sign(body, now=1_700_000_000).items(), *extra]
    reply = receiver.handle(method, headers, body, now=1_700_000_000)
    assert reply.status in {200, 400, 401, 405, 409, 413, 415}
    # JSON whenever there is a body; Slack's acknowledgements are empty, with no type.
    assert reply.headers.get("Content-Type") == ("application/json" if reply.body else None)
    assert (reply.status == 200) == reply.ok
    if reply.status != 200:
        assert ran == []
