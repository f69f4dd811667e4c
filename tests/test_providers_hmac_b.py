"""Paddle, Customer.io reporting webhooks, Zendesk, Linear, Resend and Clerk.

The known answers are in ``vectors/hmac_b.json`` (made with the standard library by
``vectors/make_hmac_b.py``); here: the Svix SDK against Resend and Clerk both ways,
typed parsing of every sample, identities built only from signed material, secret
expiry, configuration errors, secrets kept out of reprs and errors, hostile bodies,
and each provider's own decisions (Paddle's 5-second window, Linear's signed body
timestamp, Zendesk's RFC 3339 timestamps and trigger bodies, ...).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import warnings
from datetime import UTC, datetime
from typing import Any

import pytest
import standardwebhooks
import svix.webhooks
from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webhook_receiver import (
    ConfigurationError,
    MalformedHeader,
    MemoryStore,
    MissingHeader,
    PayloadError,
    Receiver,
    Secret,
    SignatureMismatch,
    TimestampOutsideTolerance,
    VerificationError,
    Verified,
    WebhookError,
    providers,
    testing,
)
from webhook_receiver._headers import Headers
from webhook_receiver.providers import clerk, customerio_reporting, linear, paddle, resend, zendesk
from webhook_receiver.providers.standard_webhooks import StandardWebhooks, StandardWebhooksEvent

NOW = 1_700_000_000
NAMES = ("paddle", "customerio-reporting", "zendesk", "linear", "resend", "clerk")
SAMPLES = [s for s in testing.samples() if s.provider in NAMES]


def make(name: str, clock: float = NOW, **options: Any) -> providers.Provider:
    return providers.create(name, **(options or testing.DEMO_OPTIONS[name]), clock=lambda: clock)


def signed(
    name: str, payload: Any, *, at: float = NOW, provider: providers.Provider | None = None
) -> tuple[dict[str, str], bytes]:
    return testing.signed_request(provider or make(name, at), payload, timestamp=at)


def only_event(provider: providers.Provider, headers: dict[str, str], body: bytes, now: float = NOW) -> Any:
    events = provider.parse(headers, body, provider.verify(headers, body, now=now))
    assert len(events) == 1
    return events[0]


# --- every sample --------------------------------------------------------------------------------

EXPECTED_CLASS: dict[tuple[str, str], type] = {
    ("paddle", "transaction.completed"): paddle.TransactionCompleted,
    ("paddle", "subscription.created"): paddle.SubscriptionCreated,
    ("paddle", "subscription.updated"): paddle.SubscriptionUpdated,
    ("paddle", "subscription.canceled"): paddle.SubscriptionCanceled,
    ("paddle", "customer.created"): paddle.CustomerCreated,
    ("zendesk", "zen:event-type:user.created"): zendesk.UserCreated,
    ("zendesk", "zen:event-type:user.active_changed"): zendesk.UserActiveChanged,
    ("zendesk", "zen:event-type:organization.created"): zendesk.OrganizationCreated,
    ("zendesk", "zen:event-type:ticket.created"): zendesk.TicketCreated,
    ("zendesk", "zen:event-type:ticket.status_changed"): zendesk.TicketStatusChanged,
    ("zendesk", "zen:event-type:article.published"): zendesk.ZendeskArticleEvent,
    ("zendesk", "custom"): zendesk.ZendeskEvent,
    ("linear", "Comment.create"): linear.LinearCommentEvent,
    ("resend", "email.bounced"): resend.EmailBounced,
    ("resend", "email.clicked"): resend.EmailClicked,
    ("resend", "email.failed"): resend.EmailFailed,
    ("clerk", "user.created"): clerk.UserCreated,
    ("clerk", "user.updated"): clerk.UserUpdated,
    ("clerk", "user.deleted"): clerk.UserDeleted,
    ("clerk", "session.created"): clerk.SessionCreated,
    ("clerk", "session.ended"): clerk.SessionEnded,
    ("clerk", "email.created"): clerk.ClerkEvent,
}
FAMILY: dict[tuple[str, str], type] = {
    ("customerio-reporting", "email"): customerio_reporting.EmailActivity,
    ("customerio-reporting", "push"): customerio_reporting.PushActivity,
    ("customerio-reporting", "sms"): customerio_reporting.SmsActivity,
    ("customerio-reporting", "in_app"): customerio_reporting.InAppActivity,
    ("customerio-reporting", "slack"): customerio_reporting.SlackActivity,
    ("customerio-reporting", "webhook"): customerio_reporting.WebhookActivity,
    ("customerio-reporting", "customer"): customerio_reporting.SubscriptionActivity,
    ("linear", "Issue"): linear.LinearIssueEvent,
    ("linear", "IssueLabel"): linear.LinearEvent,
    ("linear", "Project"): linear.LinearEvent,
    ("linear", "Cycle"): linear.LinearEvent,
    ("resend", "email"): resend.ResendEmailEvent,
    ("resend", "contact"): resend.ResendContactEvent,
    ("resend", "domain"): resend.ResendDomainEvent,
    ("clerk", "session"): clerk.ClerkSessionEvent,
    ("clerk", "organization"): clerk.ClerkOrganizationEvent,
    ("clerk", "organizationMembership"): clerk.ClerkMembershipEvent,
}


def expected_class(provider: str, kind: str) -> type:
    if (provider, kind) in EXPECTED_CLASS:
        return EXPECTED_CLASS[provider, kind]
    return FAMILY[provider, kind.partition(".")[0]]


def test_every_provider_has_samples_demo_options_and_credentials() -> None:
    assert {s.provider for s in SAMPLES} == set(NAMES)
    for name in NAMES:
        assert testing.CREDENTIAL_OPTION[name] == "secret"
        assert name in testing.DEMO_OPTIONS


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: f"{s.provider}:{s.type}")
def test_every_sample_round_trips_into_its_typed_class(sample: testing.Sample) -> None:
    provider = make(sample.provider)
    headers, body = signed(sample.provider, sample.body, provider=provider)
    assert body == sample.body  # the demo clock is the samples' time: nothing re-stamped
    headers = {**sample.headers, **headers}
    event = only_event(provider, headers, body)
    assert type(event) is expected_class(sample.provider, sample.type)
    assert event.type == sample.type
    assert event.provider == sample.provider
    assert event.payload == sample.payload
    assert event.timestamp is not None and event.timestamp.tzinfo is not None
    # A worker rebuilds exactly this event from the payload and the stored event headers.
    saved = provider.event_headers(Headers(headers), provider.verify(headers, body, now=NOW))
    assert provider.rebuild(event.payload, saved) == event


@pytest.mark.parametrize("name", NAMES)
def test_samples_signed_now_verify_with_the_real_clock(name: str) -> None:
    provider = providers.create(name, **testing.DEMO_OPTIONS[name])
    for sample in testing.samples(name):
        headers, body = testing.signed_request(name, sample.body)
        provider.parse(headers, body, provider.verify(headers, body))


@pytest.mark.parametrize("name", NAMES)
def test_every_sample_is_accepted_once_by_a_receiver_with_a_store(name: str) -> None:
    receiver = Receiver(make(name), store=MemoryStore())
    seen: list[Any] = []
    receiver.on_any(seen.append)
    for sample in testing.samples(name):
        headers, body = signed(name, sample.body)
        headers = {"Content-Type": "application/json", **sample.headers, **headers}
        first = receiver.handle("POST", headers, body)
        again = receiver.handle("POST", headers, body)
        assert first.status == 200, first.body
        assert again.status == 200
    assert len(seen) == len(testing.samples(name))


# --- identity: only what is signed ---------------------------------------------------------------

UNSIGNED = {
    "X-Zendesk-Webhook-Id": "01GK8E6BKWMJZD2T8Y5AXJQMG9",
    "X-Zendesk-Webhook-Invocation-Id": "999",
    "X-Zendesk-Account-Id": "1",
    "Linear-Delivery": "00000000-0000-4000-8000-000000000000",
    "Linear-Event": "Comment",
    "X-Request-Id": "anything",
}


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: f"{s.provider}:{s.type}")
def test_identity_does_not_change_with_unsigned_headers(sample: testing.Sample) -> None:
    provider = make(sample.provider)
    headers, body = signed(sample.provider, sample.body, provider=provider)
    event = only_event(provider, {**sample.headers, **headers}, body)
    changed = only_event(provider, {**headers, **UNSIGNED}, body)
    assert provider.identity(changed) == provider.identity(event)
    assert changed.type == event.type  # the type comes from the body too


def test_zendesk_and_linear_expose_their_unsigned_headers_for_logs_only() -> None:
    sample = testing.sample("linear", "Issue.create")
    provider = make("linear")
    headers, body = signed("linear", sample.body)
    event = only_event(provider, {**headers, "Linear-Delivery": "d-1"}, body)
    assert event.delivery_id == "d-1"
    assert "Linear-Delivery" not in provider.identity(event) and "d-1" not in provider.identity(event)
    sample = testing.sample("zendesk", "zen:event-type:user.created")
    headers, body = signed("zendesk", sample.body)
    event = only_event(make("zendesk"), {**headers, **sample.headers}, body)
    assert (event.webhook_id, event.invocation_id) == ("01GK8E6BKWMJZD2T8Y5AXJQMG5", "8350205582")


@pytest.mark.parametrize("name", ["resend", "clerk"])
def test_svix_providers_are_identified_by_the_signed_message_id(name: str) -> None:
    provider = make(name)
    body = testing.samples(name)[0].body
    assert isinstance(provider.scheme, svix_scheme_type())
    first = provider.scheme.sign(body, NOW, msg_id="msg_one")
    second = provider.scheme.sign(body, NOW + 60, msg_id="msg_one")
    other = provider.scheme.sign(body, NOW, msg_id="msg_two")
    one, retry, new = (only_event(provider, h, body, NOW + 1) for h in (first, second, other))
    assert one.id == "msg_one"
    assert provider.identity(one) == provider.identity(retry) != provider.identity(new)


def svix_scheme_type() -> type:
    from webhook_receiver._schemes import StandardWebhooksSignature

    return StandardWebhooksSignature


def test_linear_identity_is_the_payload_without_its_send_time() -> None:
    provider = make("linear")
    sample = testing.sample("linear", "Issue.update")
    first = only_event(provider, *signed("linear", sample.body))
    # Linear sends the same event again, a minute later, stamped anew.
    later = make("linear", NOW + 90)
    retry = only_event(later, *signed("linear", sample.body, at=NOW + 90), NOW + 90)
    assert retry.payload["webhookTimestamp"] != first.payload["webhookTimestamp"]
    assert provider.identity(retry) == provider.identity(first)
    other = dict(sample.payload, data={**sample.payload["data"], "priority": 4})  # type: ignore[dict-item]
    changed = only_event(provider, *signed("linear", other))
    assert provider.identity(changed) != provider.identity(first)


def test_linear_redelivery_is_a_duplicate_for_a_receiver() -> None:
    ran: list[Any] = []
    store = MemoryStore()
    sample = testing.sample("linear", "Comment.create")
    for at in (NOW, NOW + 90):
        receiver = Receiver(make("linear", at), store=store)
        receiver.on(linear.LinearCommentEvent)(ran.append)
        headers, body = signed("linear", sample.body, at=at)
        assert receiver.handle("POST", {"Content-Type": "application/json", **headers}, body).status == 200
    assert len(ran) == 1


def test_a_linear_request_is_decoded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Linear's verification decodes the body for its signed timestamp, and the payload it
    decoded is the one the events are built from: one decoding per request. A body other
    than the very one verified (an equal copy, a bytearray) is decoded again."""
    from webhook_receiver._events import decode_json
    from webhook_receiver.providers import _base

    decoded: list[bytes] = []

    def counted(body: bytes) -> Any:
        decoded.append(body)
        return decode_json(body)

    monkeypatch.setattr(linear, "decode_json", counted)
    monkeypatch.setattr(_base, "decode_json", counted)
    provider = make("linear")
    receiver = Receiver(provider)
    seen: list[Any] = []
    receiver.on_any(seen.append)
    headers, body = signed("linear", testing.sample("linear", "Issue.create").body)
    assert receiver.handle("POST", {"Content-Type": "application/json", **headers}, body).status == 200
    assert len(decoded) == 1 and len(seen) == 1
    verified = provider.verify(headers, body)
    assert verified == Verified(timestamp=verified.timestamp, signed_at=verified.signed_at)
    assert "payload" not in repr(verified) and "body" not in repr(verified)
    decoded.clear()
    (event,) = provider.parse(headers, body, verified)
    assert decoded == [] and event.payload is verified.payload  # type: ignore[attr-defined]
    for other in (bytes(bytearray(body)), bytearray(body)):
        (again,) = provider.parse(headers, other, verified)
        assert again == event and again.payload is not event.payload
    assert len(decoded) == 2


def test_a_payload_decoded_by_verification_serves_only_its_own_body_and_plain_json() -> None:
    """``Provider.parse_verified`` builds the events from a ``DecodedVerified``'s payload
    only for the very body it was decoded from, and only where the provider reads its
    bodies as plain JSON; a provider with a ``decode`` of its own decodes as it does."""
    from webhook_receiver._schemes import DecodedVerified

    class Decoding:
        """A scheme that decodes the body to verify it, and says so."""

        def verify(self, headers: Any, body: bytes, now: float) -> Verified:
            return DecodedVerified(None, None, None, {"type": "read", "by": "verification"}, body)

        def sign(self, body: bytes, now: float) -> dict[str, str]:
            return {}

    class Plain(providers.Provider):
        name = "plain"

    class Forms(providers.Provider):
        name = "forms"

        def decode(self, body: bytes) -> Any:
            return {"type": "form", "by": "decode"}

    body = b'{"type":"sent"}'
    plain = Plain(Decoding())
    verified = plain.verify({}, body)
    assert verified == Verified() and hash(verified) == hash(Verified()) and verified != object()
    (event,) = plain.parse({}, body, verified)
    assert event.payload == {"type": "read", "by": "verification"}
    (again,) = plain.parse({}, bytes(bytearray(body)), verified)  # an equal body, another object
    assert again.payload == {"type": "sent"}
    forms = Forms(Decoding())
    (form,) = forms.parse({}, body, forms.verify({}, body))
    assert form.payload == {"type": "form", "by": "decode"}


def test_zendesk_trigger_bodies_are_identified_by_their_payload() -> None:
    provider = make("zendesk")
    sample = testing.sample("zendesk", "custom")
    event = only_event(provider, *signed("zendesk", sample.body))
    assert event.id is None and event.type == "custom"
    twin = only_event(provider, *signed("zendesk", sample.body))
    different = only_event(provider, *signed("zendesk", {**sample.payload, "status": "solved"}))  # type: ignore[dict-item]
    assert provider.identity(event) == provider.identity(twin) != provider.identity(different)


# --- the Svix SDK, both ways ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["resend", "clerk"])
def test_svix_signs_and_we_verify(name: str) -> None:
    secret = testing.DEMO_OPTIONS[name]["secret"]
    body = testing.samples(name)[0].body
    signature = svix.webhooks.Webhook(secret).sign(
        "msg_2LJVsKQqJ4bC8DqF1rQnG2c3mM4", datetime.fromtimestamp(NOW, UTC), body.decode()
    )
    headers = {
        "svix-id": "msg_2LJVsKQqJ4bC8DqF1rQnG2c3mM4",
        "svix-timestamp": str(NOW),
        "svix-signature": signature,
    }
    event = only_event(make(name), headers, body, NOW + 299)
    assert event.id == "msg_2LJVsKQqJ4bC8DqF1rQnG2c3mM4"
    with pytest.raises(SignatureMismatch):
        make(name).verify(headers, body + b" ", now=NOW)
    with pytest.raises(TimestampOutsideTolerance):
        make(name).verify(headers, body, now=NOW + 301)


@pytest.mark.parametrize("name", ["resend", "clerk"])
def test_what_we_sign_verifies_with_svix_and_standardwebhooks(name: str) -> None:
    secret = testing.DEMO_OPTIONS[name]["secret"]
    body = testing.samples(name)[0].body
    now = datetime.now(UTC).timestamp()
    headers = make(name, now).sign(body)
    assert set(headers) == {"svix-id", "svix-timestamp", "svix-signature"}  # as Resend and Clerk send them
    svix.webhooks.Webhook(secret).verify(body, headers)
    standardwebhooks.Webhook(secret).verify(
        body, {k.replace("svix-", "webhook-"): v for k, v in headers.items()}
    )
    with pytest.raises(svix.webhooks.WebhookVerificationError):
        svix.webhooks.Webhook(testing.DEMO_OPTIONS["standard-webhooks"]["secret"]).verify(body, headers)


@pytest.mark.parametrize("name", ["resend", "clerk"])
def test_svix_accepts_our_known_answer_vectors(name: str) -> None:
    from .conftest import VECTORS

    vector = next(v for v in VECTORS if v["id"] == f"{name}/valid")
    with freeze_time(datetime.fromtimestamp(vector["now"], UTC)):
        svix.webhooks.Webhook(vector["options"]["secret"]).verify(vector["body"], dict(vector["headers"]))


def test_resend_and_clerk_are_standard_webhooks_presets() -> None:
    for cls in (providers.Resend, providers.Clerk):
        assert issubclass(cls, StandardWebhooks)
    event = only_event(make("clerk"), *signed("clerk", testing.sample("clerk", "user.created").body))
    assert isinstance(event, StandardWebhooksEvent)
    assert event.email == "example@example.org"  # the primary address among email_addresses
    deleted = only_event(make("clerk"), *signed("clerk", testing.sample("clerk", "user.deleted").body))
    assert deleted.deleted is True and deleted.object_id == "user_29w83sxmDNGwOuEthce5gg56FcC"
    membership = only_event(
        make("clerk"), *signed("clerk", testing.sample("clerk", "organizationMembership.created").body)
    )
    assert (membership.organization_id, membership.user_id, membership.role) == (
        "org_29w9IfBrPmcpi0IeBVaKtA7R94W",
        "user_29w83sxmDNGwOuEthce5gg56FcC",
        "org:admin",
    )
    bounced = only_event(make("resend"), *signed("resend", testing.sample("resend", "email.bounced").body))
    assert (bounced.bounce_type, bounced.bounce_sub_type) == ("Permanent", "Suppressed")
    assert bounced.to == ("delivered@resend.dev",) and bounced.from_address == "Acme <onboarding@resend.dev>"
    assert bounced.timestamp == datetime(2023, 11, 14, 22, 13, 12, 126000, tzinfo=UTC)


# --- Paddle --------------------------------------------------------------------------------------


def paddle_header(secret: str, ts: int, body: bytes) -> dict[str, str]:
    h1 = hmac.new(secret.encode(), f"{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {"Paddle-Signature": f"ts={ts};h1={h1}"}


def test_paddle_defaults_to_its_own_five_seconds_both_ways() -> None:
    secret = testing.DEMO_OPTIONS["paddle"]["secret"]
    body = testing.sample("paddle", "customer.created").body
    provider = providers.Paddle(secret=secret)
    assert provider.scheme.tolerance == 5  # type: ignore[attr-defined]
    provider.verify(paddle_header(secret, NOW, body), body, now=NOW + 5)
    provider.verify(paddle_header(secret, NOW, body), body, now=NOW - 5)
    for now in (NOW + 6, NOW - 6):
        with pytest.raises(TimestampOutsideTolerance):
            provider.verify(paddle_header(secret, NOW, body), body, now=now)
    providers.Paddle(secret=secret, tolerance=60).verify(paddle_header(secret, NOW, body), body, now=NOW + 59)


def test_paddle_sign_reproduces_the_sdk_known_answer() -> None:
    provider = providers.Paddle(secret="VALID_SECRET")
    headers = provider.sign(b'{"data": ["1", "2"]}', now=1_698_796_800)
    h1 = "a300428748dce5c70e4da19bffd60769591ea969c99dea3105d0ec9612cf43f9"
    assert headers == {"Paddle-Signature": f"ts=1698796800;h1={h1}"}


def test_paddle_answers_200_when_deferred() -> None:
    assert providers.Paddle.accepted_status == 200


def test_paddle_typed_fields() -> None:
    event = only_event(
        make("paddle"), *signed("paddle", testing.sample("paddle", "subscription.canceled").body)
    )
    assert event.status is paddle.SubscriptionStatus.CANCELED and event.status.known
    assert event.canceled_at == datetime(2023, 11, 14, 22, 13, 18, 102000, tzinfo=UTC)
    assert event.entity_id == "sub_01hf5xa0b7n4m3c2x1z9y8w7v6" and event.id.startswith("evt_")
    updated = only_event(
        make("paddle"), *signed("paddle", testing.sample("paddle", "subscription.updated").body)
    )
    assert updated.scheduled_change == {
        "action": "cancel",
        "effective_at": "2023-12-14T22:13:15.310Z",
        "resume_at": None,
    }
    # A status or event type Paddle adds later still arrives.
    payload = dict(
        testing.sample("paddle", "transaction.completed").payload, event_type="transaction.disputed"
    )  # type: ignore[arg-type]
    payload["data"] = dict(payload["data"], status="disputed")
    disputed = only_event(make("paddle"), *signed("paddle", payload))
    assert type(disputed) is paddle.PaddleTransactionEvent
    assert disputed.status == "disputed" and not disputed.status.known
    unknown = only_event(make("paddle"), *signed("paddle", {**payload, "event_type": "payout.paid"}))
    assert type(unknown) is paddle.PaddleEvent and unknown.type == "payout.paid"


# --- Customer.io reporting webhooks --------------------------------------------------------------


def test_customerio_reporting_types_and_ids() -> None:
    provider = make("customerio-reporting")
    event = only_event(
        provider,
        *signed("customerio-reporting", testing.sample("customerio-reporting", "email.clicked").body),
    )
    assert event.type == "email.clicked" and (event.object_type, event.metric) == ("email", "clicked")
    assert (event.campaign_id, event.action_id, event.link_id) == ("23", "96", "7")  # numbers read as strings
    assert event.href == "https://example.com/welcome?utm_source=customerio"
    payload = testing.sample("customerio-reporting", "email.sent").payload
    as_strings = dict(payload, data={**payload["data"], "campaign_id": "23", "action_id": "96"})  # type: ignore[dict-item]
    again = only_event(provider, *signed("customerio-reporting", as_strings))
    assert (again.campaign_id, again.action_id) == ("23", "96")
    prefs = only_event(
        provider,
        *signed(
            "customerio-reporting",
            testing.sample("customerio-reporting", "customer.cio_subscription_preferences_changed").body,
        ),
    )
    assert json.loads(prefs.content) == {"topics": {"topic_1": True, "topic_2": False}}
    novel = only_event(provider, *signed("customerio-reporting", {**as_strings, "object_type": "whatsapp"}))
    assert type(novel) is customerio_reporting.CustomerIOReportingEvent and novel.type == "whatsapp.sent"


def test_customerio_reporting_signs_v0_timestamp_body() -> None:
    provider = providers.CustomerIOReporting(
        secret="755781b5e03a973f3405a85474d5a032a60fd56fabaad66039b12eadd83955fa"
    )
    body = b'{"event_id":"01E2EMRMM6TZ12TF9WGZN0WJQT","metric":"sent","object_type":"email","timestamp":1}'
    headers = provider.sign(body, now=1_692_633_432)
    expected = hmac.new(
        b"755781b5e03a973f3405a85474d5a032a60fd56fabaad66039b12eadd83955fa",
        b"v0:1692633432:" + body,
        hashlib.sha256,
    ).hexdigest()
    assert headers == {"X-CIO-Timestamp": "1692633432", "X-CIO-Signature": expected}


# --- Zendesk -------------------------------------------------------------------------------------


def test_zendesk_signs_like_zendesk_and_verifies_fractions_and_offsets() -> None:
    provider = make("zendesk")
    body = testing.sample("zendesk", "zen:event-type:user.created").body
    headers = provider.sign(body, now=NOW + 0.75)
    stamp = headers["X-Zendesk-Webhook-Signature-Timestamp"]
    assert stamp == "2023-11-14T22:13:20Z"  # whole seconds, as Zendesk writes it
    secret = testing.DEMO_OPTIONS["zendesk"]["secret"].encode()
    assert (
        headers["X-Zendesk-Webhook-Signature"]
        == base64.b64encode(hmac.new(secret, stamp.encode() + body, hashlib.sha256).digest()).decode()
    )
    with pytest.raises(TimestampOutsideTolerance):
        provider.verify(headers, body, now=NOW + 301)


def test_zendesk_accepts_only_methods_that_carry_a_body() -> None:
    assert providers.Zendesk.methods == ("POST", "PUT", "PATCH")
    receiver = Receiver(make("zendesk"))
    body = testing.sample("zendesk", "custom").body
    headers = make("zendesk").sign(body)
    assert receiver.handle("PUT", {"Content-Type": "application/json", **headers}, body).status == 200
    assert receiver.handle("GET", headers, b"").status == 405


def test_zendesk_trigger_bodies_take_the_signed_time() -> None:
    provider = make("zendesk")
    body = testing.sample("zendesk", "custom").body
    headers = provider.sign(body, now=NOW - 30)
    verified = provider.verify(headers, body, now=NOW)
    expected = datetime.fromtimestamp(NOW - 30, UTC)
    assert provider.parse(headers, body, verified)[0].timestamp == expected
    assert provider.parse(headers, body)[0].timestamp == expected  # read as verify reads it
    assert provider.event_headers(Headers(headers), verified) == (
        ("X-Zendesk-Webhook-Signature-Timestamp", "2023-11-14T22:12:50Z"),
    )


def test_zendesk_typed_fields() -> None:
    event = only_event(
        make("zendesk"),
        *signed("zendesk", testing.sample("zendesk", "zen:event-type:ticket.status_changed").body),
    )
    assert (event.ticket_id, event.status, event.account_id) == ("35436", "SOLVED", 12514403)
    assert event.change == {"current": "SOLVED", "previous": "OPEN"}
    assert event.subject == "zen:ticket:35436" and event.zendesk_event_version == "2022-11-06"


# --- Linear --------------------------------------------------------------------------------------


def linear_signed(
    payload: Any, secret: str = testing.DEMO_OPTIONS["linear"]["secret"]
) -> tuple[dict[str, str], bytes]:
    body = payload if isinstance(payload, bytes) else json.dumps(payload, separators=(",", ":")).encode()
    return {"Linear-Signature": hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()}, body


def test_linear_checks_the_signed_body_timestamp_both_ways() -> None:
    provider = make("linear")
    sample = testing.sample("linear", "Issue.create")
    headers, body = linear_signed(sample.payload)
    verified = provider.verify(headers, body, now=NOW + 60)
    assert verified.timestamp == str(NOW * 1000) and verified.signed_at == NOW
    provider.verify(headers, body, now=NOW - 60)
    for now in (NOW + 60.001, NOW - 61):
        with pytest.raises(TimestampOutsideTolerance):
            provider.verify(headers, body, now=now)
    make("linear", tolerance=300, secret=testing.DEMO_OPTIONS["linear"]["secret"]).verify(
        headers, body, now=NOW + 299
    )


def test_linear_checks_the_signature_before_reading_the_body() -> None:
    provider = make("linear")
    for body in (b"not json", b"{}", b'{"webhookTimestamp":1}'):
        with pytest.raises(SignatureMismatch):
            provider.verify({"Linear-Signature": "00" * 32}, body, now=NOW)
    with pytest.raises(MissingHeader):
        provider.verify({}, b"not json", now=NOW)
    with pytest.raises(MalformedHeader):
        provider.verify({"Linear-Signature": "not hex"}, b"{}", now=NOW)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"[]",
        b'"a string"',
        b"{}",
        b'{"webhookTimestamp":null}',
        b'{"webhookTimestamp":"1700000000000"}',
        b'{"webhookTimestamp":1700000000000.0}',
        b'{"webhookTimestamp":1.7e12}',
        b'{"webhookTimestamp":true}',
        b'{"webhookTimestamp":-1700000000000}',
        b'{"webhookTimestamp":' + b"9" * 400 + b"}",
        b'{"webhookTimestamp":99999999999999999}',
    ],
)
def test_linear_refuses_a_signed_body_without_a_usable_timestamp(body: bytes) -> None:
    headers, body = linear_signed(body)
    with pytest.raises(PayloadError) as info:
        make("linear").verify(headers, body, now=NOW)
    assert info.value.status == 400


def test_linear_sign_request_stamps_the_body_as_linear_does() -> None:
    provider = make("linear", NOW + 1000)
    sample = testing.sample("linear", "Comment.create")
    headers, body = provider.sign_request(sample.body)
    assert json.loads(body)["webhookTimestamp"] == (NOW + 1000) * 1000
    assert json.loads(body)["data"] == sample.payload["data"]  # type: ignore[index]
    provider.verify(headers, body)
    _, untouched = make("linear").sign_request(sample.body)
    assert untouched == sample.body  # already stamped at this time: byte for byte
    with pytest.raises(ConfigurationError):
        provider.sign_request(sample.body, private_key="k")
    assert provider.sign_request(b"not json")[1] == b"not json"


def test_linear_type_and_fields() -> None:
    event = only_event(make("linear"), *signed("linear", testing.sample("linear", "Issue.update").body))
    assert event.type == "Issue.update" and (event.entity_type, event.action) == ("Issue", "update")
    assert event.updated_from == {"updatedAt": "2023-11-14T22:13:18.412Z", "priority": 2}
    assert (event.identifier, event.priority, event.id) == ("ENG-1778", 1, None)
    assert event.webhook_timestamp == datetime.fromtimestamp(NOW, UTC)


# --- secrets: expiry, configuration, never shown -------------------------------------------------

SECRETS = {
    "paddle": ("pdl_ntfset_old_0000000000000000000000", "pdl_ntfset_new_1111111111111111111111"),
    "customerio-reporting": ("old-reporting-signing-key", "new-reporting-signing-key"),
    "zendesk": ("b2xkLXplbmRlc2stc2VjcmV0LXZhbHVl", "bmV3LXplbmRlc2stc2VjcmV0LXZhbHVl"),
    "linear": ("lin_wh_old_secret_value_000", "lin_wh_new_secret_value_111"),
    "resend": (
        "whsec_" + base64.b64encode(b"old-resend-key-0123").decode(),
        "whsec_" + base64.b64encode(b"new-resend-key-0123").decode(),
    ),
    "clerk": (
        "whsec_" + base64.b64encode(b"old-clerk-key-01234").decode(),
        "whsec_" + base64.b64encode(b"new-clerk-key-01234").decode(),
    ),
}


@pytest.mark.parametrize("name", NAMES)
def test_an_expiring_secret_verifies_until_it_expires(name: str) -> None:
    old, new = SECRETS[name]
    until = NOW + 1000
    body = testing.samples(name)[0].body
    for at, ok in ((until - 1, True), (until, True), (until + 1, False)):
        old_only = make(name, at, secret=old)
        headers, sent = old_only.sign_request(body)
        rotating = make(name, at, secret=[new, Secret(old, expires_at=until)])
        if ok:
            rotating.verify(headers, sent)
        else:
            with pytest.raises(SignatureMismatch):
                rotating.verify(headers, sent)
        make(name, at, secret=[new, Secret(old, expires_at=datetime.fromtimestamp(until + 5, UTC))]).verify(
            headers, sent
        )
        # The new secret is unaffected by the old one's expiry.
        headers, sent = make(name, at, secret=new).sign_request(body)
        rotating.verify(headers, sent)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(
    "options",
    [
        {},
        {"secret": None},
        {"secret": ""},
        {"secret": []},
        {"secret": 12345},
        {"secret": [b"ok-secret", 5]},
        {"secret": "s3cret-value", "tolerance": 0},
        {"secret": "s3cret-value", "tolerance": -1},
        {"secret": "s3cret-value", "tolerance": float("inf")},
        {"secret": "s3cret-value", "tolerance": "60"},
        {"secret": "s3cret-value", "tolerance": True},
        {"secret": "s3cret-value", "token": "t"},
        {"secret": "s3cret-value", "clock": "now"},
    ],
)
def test_bad_options_are_configuration_errors(name: str, options: dict[str, Any]) -> None:
    if name in ("resend", "clerk") and options.get("secret") == "s3cret-value":
        options = {**options, "secret": testing.DEMO_OPTIONS[name]["secret"]}
    with pytest.raises(ConfigurationError):
        providers.create(name, **options)


@pytest.mark.parametrize("name", ["resend", "clerk"])
def test_svix_secrets_must_be_base64(name: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        providers.create(name, secret="whsec_not base64!")
    assert "not base64!" not in str(info.value)


@pytest.mark.parametrize("name", NAMES)
def test_secrets_never_appear_in_reprs_or_errors(name: str) -> None:
    secret = SECRETS[name][0]
    provider = make(name, secret=secret)
    shown = repr(provider) + str(provider) + repr(provider.scheme)
    body = testing.samples(name)[0].body
    headers, sent = make(name, secret=SECRETS[name][1]).sign_request(body)
    with pytest.raises(VerificationError) as info:
        provider.verify(headers, sent, now=NOW)
    shown += str(info.value) + repr(info.value) + info.value.code
    raw_key = (
        base64.b64decode(secret.removeprefix("whsec_")).decode() if secret.startswith("whsec_") else secret
    )
    for value in (secret, raw_key, *headers.values()):
        assert value not in shown
    assert name in repr(provider)


# --- hostile input -------------------------------------------------------------------------------

HOSTILE = [
    b"",
    b" ",
    b"null",
    b"[]",
    b"[{}]",
    b"42",
    b'"text"',
    b"{",
    b"\xff\xfe",
    b"{}",
    b'{"type":5,"event_type":5,"object_type":5,"metric":5,"action":5,"event_id":5}',
    b'{"type":"x","event_type":"x","object_type":"x","metric":"x","action":"x","event_id":"x","data":[]}',
    b'{"type":"x.y","event_type":"x.y","event_id":{},"object_type":"email","metric":"sent","action":"create",'
    b'"data":{"recipients":"x","to":5,"id":[]},"detail":"x","account_id":"x"}',
    b'{"event_type":"transaction.completed","event_id":"e","occurred_at":"yesterday","data":{"billed_at":1e999}}',
    b'{"event_type":"transaction.completed","event_id":"e","occurred_at":' + b"9" * 5000 + b"}",
    b'{"type":"zen:event-type:user.created","time":99999999999999999999,"detail":{"id":{}}}',
    b'{"type":"Issue","action":"create","createdAt":"x","data":{"priority":"high"}}',
    b'{"type":"email.bounced","created_at":[],"data":{"bounce":"x"}}',
    b'{"type":"user.created","timestamp":-99999999999999999999,"data":{"email_addresses":"x"}}',
    b'{"a":' * 2000 + b"1" + b"}" * 2000,
    b'{"event_type":"customer.created","event_id":"e","data":{"marketing_consent":"yes"}}',
    b'{"event_type":"subscription.updated","event_id":"e","data":{"scheduled_change":"soon"}}',
    b'{"type":"\\ud800","event_type":"\\ud800"}',
]


def stamped(name: str, body: bytes) -> bytes:
    """For Linear, give the body the signed time it needs, so the parser is what is tested."""
    if name != "linear":
        return body
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        return body
    if isinstance(payload, dict):
        payload["webhookTimestamp"] = NOW * 1000
        return json.dumps(payload).encode()
    return body


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("body", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_signed_bodies_are_webhook_errors(name: str, body: bytes) -> None:
    provider = make(name)
    body = stamped(name, body)
    headers = provider.sign(body)
    try:
        events = provider.parse(headers, body, provider.verify(headers, body, now=NOW))
    except WebhookError as exc:
        assert exc.status in (400, 401)
    else:
        for event in events:
            provider.identity(event)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    name=st.sampled_from(NAMES),
    index=st.integers(0, 10**6),
    junk=st.text(max_size=8),
    header=st.booleans(),
)
def test_signed_then_mutated_requests_never_raise_anything_else(
    name: str, index: int, junk: str, header: bool
) -> None:
    provider = make(name)
    sample = testing.samples(name)[index % len(testing.samples(name))]
    headers, body = signed(name, sample.body)
    original = provider.identity(only_event(provider, {**sample.headers, **headers}, body))
    if header:
        key = sorted(headers)[index % len(headers)]
        value = headers[key]
        position = index % (len(value) + 1)
        headers = {**headers, key: value[:position] + junk + value[position:]}
    else:
        position = index % (len(body) + 1)
        body = body[:position] + junk.encode() + body[position:]
    try:
        events = provider.parse(headers, body, provider.verify(headers, body, now=NOW))
    except WebhookError as exc:
        assert exc.status in (400, 401)
    else:
        # Only a mutation that changes nothing signed passes (an empty insertion, or
        # optional whitespace around a header value): the same event, the same identity.
        assert [provider.identity(e) for e in events] == [original]


def test_no_warnings_when_creating_any_of_them() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in NAMES:
            make(name)


# --- Paddle's own Python SDK (paddle-python-sdk) ------------------------------------------------


class _PaddleRequest:
    """The request shape paddle_billing's Verifier reads: ``headers`` and the raw ``body``."""

    def __init__(self, headers: dict[str, str], body: bytes) -> None:
        self.headers = headers
        self.body = body
        self.content = body
        self.data = body


def test_paddle_sdk_verifies_what_we_sign_and_we_verify_its_signature() -> None:
    from paddle_billing.Notifications import PaddleSignature, Secret, Verifier

    key = "pdl_ntfset_01h_demo_key_for_the_sdk_test"
    body = b'{"event_id":"evt_01","event_type":"transaction.completed","data":{"id":"txn_01"}}'
    ours = providers.create("paddle", secret=key)
    at = 1_700_000_000
    with freeze_time(datetime.fromtimestamp(at, tz=UTC)):
        signed = ours.sign(body, now=at)
        assert Verifier().verify(_PaddleRequest(signed, body), Secret(key)) is True
        assert Verifier().verify(_PaddleRequest(signed, body + b" "), Secret(key)) is False
    # The SDK's own MAC, put in the header as Paddle sends it, verifies with us.
    theirs = PaddleSignature.calculate_hmac(key, f"{at}:".encode() + body).hexdigest()
    ours.verify({"Paddle-Signature": f"ts={at};h1={theirs}"}, body, now=at + 1)
    with pytest.raises(VerificationError):
        ours.verify({"Paddle-Signature": f"ts={at};h1={theirs}"}, body + b" ", now=at + 1)
