"""Property tests: no header or body, however malformed, escapes the WebhookError tree."""

from __future__ import annotations

import base64
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from webhook_receiver import WebhookError, providers

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
