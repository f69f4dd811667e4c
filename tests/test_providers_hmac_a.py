"""Shopify, Intercom, Typeform, Vercel, GitLab, Postmark and Calendly.

Known answers (``vectors/hmac_a.json``, made with the standard library by
``vectors/make_hmac_a.py``), the Standard Webhooks SDK against GitLab's signing
token, typed parsing of every sample, identity from signed material only, secret
expiry, configuration errors, secrets kept out of reprs and errors, and hostile
bodies. Time is always injected; nothing sleeps.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import standardwebhooks
from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webhook_receiver import (
    CUSTOM,
    ConfigurationError,
    Event,
    Headers,
    InsecureConfigurationWarning,
    InvalidCredentials,
    MemoryStore,
    MissingHeader,
    PayloadError,
    Receiver,
    Secret,
    SignatureMismatch,
    SQLiteInbox,
    TimestampOutsideTolerance,
    VerificationError,
    WebhookError,
    providers,
)
from webhook_receiver.providers import calendly, gitlab, intercom, postmark, shopify, typeform, vercel
from webhook_receiver.providers._base import payload_identity
from webhook_receiver.testing import (
    CREDENTIAL_OPTION,
    DEMO_OPTIONS,
    Sample,
    make_provider,
    sample,
    samples,
    signed_request,
)

from .conftest import NOW, VECTORS

NAMES = ["shopify", "intercom", "typeform", "vercel", "gitlab", "postmark", "calendly"]
OPTIONS: dict[str, dict[str, Any]] = {
    "shopify": {"secret": "shopify-test-client-secret"},
    "intercom": {"secret": "intercom-test-client-secret"},
    "typeform": {"secret": "typeform-test-secret"},
    "vercel": {"secret": "vercel-test-secret"},
    "gitlab": {"token": "gitlab-test-token"},
    "postmark": {"username": "pm-user", "password": "pm-test-password"},
    "calendly": {"secret": "calendly-test-signing-key"},
}
GITLAB_KEY = bytes(range(100, 132))
GITLAB_SECRET = "whsec_" + base64.b64encode(GITLAB_KEY).decode()
MINE = [v for v in VECTORS if v["provider"] in NAMES]


def create(name: str, **options: Any) -> providers.Provider:
    return providers.create(name, **(options or OPTIONS[name]))


def signed(
    provider: providers.Provider,
    payload: Any,
    *,
    headers: dict[str, str] | None = None,
    now: float = NOW,
) -> tuple[dict[str, str], bytes]:
    """Headers and body as the provider's sender would send them at ``now``."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload, separators=(",", ":")).encode()
    return {"Content-Type": "application/json", **(headers or {}), **provider.sign(body, now=now)}, body


def parse_one(provider: providers.Provider, payload: Any, headers: dict[str, str] | None = None) -> Event:
    all_headers, body = signed(provider, payload, headers=headers)
    events = provider.parse(all_headers, body, provider.verify(all_headers, body, now=NOW))
    assert len(events) == 1
    return events[0]


def handle(
    receiver: Receiver, payload: Any, *, headers: dict[str, str] | None = None, now: float = NOW
) -> Any:
    all_headers, body = signed(receiver.provider, payload, headers=headers, now=now)
    return receiver.handle("POST", all_headers, body, now=now)


# --- known answers ------------------------------------------------------------------------------------

EXACT = [
    "shopify/valid",
    "intercom/valid",
    "typeform/valid",
    "vercel/valid",
    "calendly/valid",
    "gitlab/token: valid",
    "postmark/basic: valid",
    "postmark/header: valid",
    "postmark/basic and header: both sent",
]


@pytest.mark.parametrize("vector_id", EXACT)
def test_sign_reproduces_the_known_answer(vector_id: str) -> None:
    vector = next(v for v in MINE if v["id"] == vector_id)
    provider = providers.create(vector["provider"], **vector["options"])
    sent = {name.lower(): value for name, value in vector["headers"]}
    made = {name.lower(): value for name, value in provider.sign(vector["body"].encode(), now=NOW).items()}
    assert made
    assert made == {name: sent[name] for name in made}


def test_gitlab_signing_reproduces_the_known_answer() -> None:
    vector = next(v for v in MINE if v["id"] == "gitlab/signing: valid")
    provider = providers.create("gitlab", **vector["options"])
    sent = dict(vector["headers"])
    scheme = provider.scheme
    assert isinstance(scheme, providers.standard_webhooks.StandardWebhooksSignature)
    made = scheme.sign(vector["body"].encode(), NOW, msg_id=sent["webhook-id"])
    assert made == {name: sent[name] for name in ("webhook-id", "webhook-timestamp", "webhook-signature")}


def test_the_standard_webhooks_published_example_verifies() -> None:
    vector = next(v for v in MINE if v["id"] == "gitlab/signing: Standard Webhooks published example")
    provider = providers.create("gitlab", **vector["options"])
    verified = provider.verify(vector["headers"], vector["body"].encode(), now=vector["now"])
    assert verified.message_id == "msg_p5jXN8AQM9LWM0D4loKWxJek"
    assert verified.timestamp == "1614265330"
    with pytest.raises(SignatureMismatch):
        provider.verify(vector["headers"], vector["body"].replace("2432", "2433").encode(), now=vector["now"])


@pytest.mark.parametrize("name", NAMES)
def test_vectors_cover_every_failure_kind(name: str) -> None:
    kinds = {v["expect"] for v in MINE if v["provider"] == name}
    assert {"ok", "MissingHeader", "MalformedHeader"} <= kinds
    assert kinds & {"SignatureMismatch", "InvalidCredentials"}
    if name in ("calendly", "gitlab"):
        assert "TimestampOutsideTolerance" in kinds


@pytest.mark.parametrize("name", NAMES)
def test_every_provider_verifies_what_it_signs_at_any_size(name: str) -> None:
    provider = create(name, **OPTIONS[name], clock=lambda: NOW + 0.5)
    body = b'{"type":"x","pad":"' + b"x" * 70_000 + b'"}'
    provider.verify(provider.sign(body), body)
    provider.verify(provider.sign(body[:10], now=NOW), body[:10], now=NOW + 5)


# --- the Standard Webhooks SDK against GitLab's signing token -------------------------------------------


def test_gitlab_verifies_what_the_standard_webhooks_sdk_signs() -> None:
    sdk = standardwebhooks.Webhook(GITLAB_SECRET)
    body = sample("gitlab", "push").body.decode()
    signature = sdk.sign("gitlab-idempotency-1", datetime.fromtimestamp(NOW, UTC), body)
    headers = {
        "webhook-id": "gitlab-idempotency-1",
        "webhook-timestamp": str(NOW),
        "webhook-signature": signature,
        "X-Gitlab-Event": "Push Hook",
    }
    provider = providers.GitLab(secret=GITLAB_SECRET)
    verified = provider.verify(headers, body.encode(), now=NOW)
    event = provider.parse(headers, body.encode(), verified)[0]
    assert isinstance(event, gitlab.PushEvent)
    assert event.id == "gitlab-idempotency-1"
    with pytest.raises(SignatureMismatch):
        provider.verify({**headers, "webhook-id": "gitlab-idempotency-2"}, body.encode(), now=NOW)


def test_the_standard_webhooks_sdk_verifies_what_gitlab_signs() -> None:
    provider = providers.GitLab(secret=GITLAB_SECRET)
    body = sample("gitlab", "merge_request").body
    headers = provider.sign(body, now=NOW)
    with freeze_time(datetime.fromtimestamp(NOW, UTC)):
        verified = standardwebhooks.Webhook(GITLAB_SECRET).verify(body, headers)
        assert verified["object_kind"] == "merge_request"
        with pytest.raises(standardwebhooks.webhooks.WebhookVerificationError):
            standardwebhooks.Webhook(GITLAB_SECRET).verify(body + b" ", headers)


# --- every sample, typed ------------------------------------------------------------------------------

TYPED: dict[str, dict[str, type[Event]]] = {
    "shopify": {
        "orders/create": shopify.OrderCreated,
        "orders/paid": shopify.OrderPaid,
        "orders/updated": shopify.OrderUpdated,
        "orders/cancelled": shopify.OrderCancelled,
        "orders/fulfilled": shopify.OrderFulfilled,
        "products/create": shopify.ProductCreated,
        "products/update": shopify.ProductUpdated,
        "products/delete": shopify.ProductDeleted,
        "app/uninstalled": shopify.AppUninstalled,
        "customers/data_request": shopify.CustomersDataRequest,
        "customers/redact": shopify.CustomersRedact,
        "shop/redact": shopify.ShopRedact,
    },
    "intercom": {
        "conversation.user.created": intercom.ConversationEvent,
        "conversation.admin.replied": intercom.ConversationEvent,
        "conversation.admin.closed": intercom.ConversationEvent,
        "contact.user.created": intercom.ContactEvent,
        "contact.lead.created": intercom.ContactEvent,
        "company.created": intercom.CompanyEvent,
        "ticket.created": intercom.TicketEvent,
        "admin.logged_in": intercom.AdminEvent,
        "ping": intercom.Ping,
    },
    "typeform": {
        "form_response": typeform.FormResponse,
        "form_response_partial": typeform.FormResponsePartial,
    },
    "vercel": {
        "deployment.created": vercel.DeploymentEvent,
        "deployment.succeeded": vercel.DeploymentEvent,
        "deployment.error": vercel.DeploymentEvent,
        "deployment.canceled": vercel.DeploymentEvent,
        "deployment.promoted": vercel.DeploymentEvent,
        "project.created": vercel.ProjectEvent,
        "project.removed": vercel.ProjectEvent,
        "domain.created": vercel.DomainEvent,
        "integration-configuration.removed": vercel.IntegrationConfigurationEvent,
    },
    "gitlab": {
        "push": gitlab.PushEvent,
        "tag_push": gitlab.TagPushEvent,
        "issue": gitlab.IssueEvent,
        "merge_request": gitlab.MergeRequestEvent,
        "note": gitlab.NoteEvent,
        "pipeline": gitlab.PipelineEvent,
        "build": gitlab.JobEvent,
        "release": gitlab.ReleaseEvent,
        "deployment": gitlab.GitLabEvent,
    },
    "postmark": {
        "Delivery": postmark.Delivery,
        "Bounce": postmark.Bounce,
        "SpamComplaint": postmark.SpamComplaint,
        "Open": postmark.Open,
        "Click": postmark.Click,
        "SubscriptionChange": postmark.SubscriptionChange,
        "Inbound": postmark.Inbound,
    },
    "calendly": {
        "invitee.created": calendly.InviteeCreated,
        "invitee.canceled": calendly.InviteeCanceled,
        "invitee_no_show.created": calendly.InviteeNoShowCreated,
        "invitee_no_show.deleted": calendly.InviteeNoShowDeleted,
        "routing_form_submission.created": calendly.RoutingFormSubmissionCreated,
    },
}
MY_SAMPLES = [s for name in NAMES for s in samples(name)]


def test_every_sample_has_a_typed_class_listed_here() -> None:
    assert {(s.provider, s.type) for s in MY_SAMPLES} == {
        (name, kind) for name, kinds in TYPED.items() for kind in kinds
    }


@pytest.mark.parametrize("event_sample", MY_SAMPLES, ids=lambda s: f"{s.provider}:{s.type}")
def test_every_sample_round_trips_with_the_demo_options(event_sample: Sample) -> None:
    headers, body = signed_request(event_sample.provider, event_sample.body)
    assert body == event_sample.body
    provider = make_provider(event_sample.provider)
    all_headers = {**event_sample.headers, **headers}
    events = provider.parse(all_headers, body, provider.verify(all_headers, body))
    assert len(events) == 1
    event = events[0]
    assert type(event) is TYPED[event_sample.provider][event_sample.type]
    assert event.provider == event_sample.provider
    assert event.type == event_sample.type
    assert event.payload == event_sample.payload


@pytest.mark.parametrize("event_sample", MY_SAMPLES, ids=lambda s: f"{s.provider}:{s.type}")
def test_every_sample_is_rebuilt_exactly_by_a_worker(event_sample: Sample, tmp_path: Path) -> None:
    inbox = SQLiteInbox(tmp_path / "inbox.sqlite3")
    try:
        receiver = Receiver(create(event_sample.provider), inbox=inbox)
        reply = handle(receiver, event_sample.payload, headers=event_sample.headers)
        assert reply.status == receiver.provider.accepted_status, reply.body
        (event,) = reply.events
        record = inbox.get(receiver.event_key(event))
        assert record is not None
        again = receiver.rebuild(record.payload, record.headers)
        assert again == event
        assert type(again) is type(event)
        stored = json.dumps(record.headers)
        for secret in ("test-client-secret", "test-secret", "test-token", "test-password", "signing-key"):
            assert secret not in stored
        for name, _ in record.headers:
            assert name.lower() not in {
                "authorization",
                "x-gitlab-token",
                "x-shopify-hmac-sha256",
                "x-hub-signature",
                "typeform-signature",
                "x-vercel-signature",
                "calendly-webhook-signature",
                "webhook-signature",
            }
    finally:
        inbox.close()


def test_demo_and_credential_options_are_complete() -> None:
    for name in NAMES:
        assert name in DEMO_OPTIONS
        assert CREDENTIAL_OPTION[name] in DEMO_OPTIONS[name]
        assert providers.PROVIDERS[name].name == name


# --- Shopify --------------------------------------------------------------------------------------------


class TestShopify:
    def test_order_paid_fields(self) -> None:
        event_sample = sample("shopify", "orders/paid")
        event = parse_one(create("shopify"), event_sample.payload, event_sample.headers)
        assert isinstance(event, shopify.OrderPaid)
        assert event.order_id == "820982911946154508"
        assert event.financial_status == "paid"
        assert event.total_price == "63.98"
        assert event.currency == "USD"
        assert event.customer_id == "706405506930370084"
        assert event.line_items[0]["sku"] == "MS-BOBBLE-L"
        assert event.shop_domain == "mystery-shack.myshopify.com"
        assert event.api_version == "2024-01"
        assert event.webhook_id == "1c9b1e2a-5f0e-4c45-9a64-0a0f0b6a7d31"
        assert event.id == event.event_id == "3e1c3a6b-2f4c-4f3e-9d8a-6b2a1c9e0f47"
        assert event.triggered_at == datetime(2024, 1, 25, 17, 14, 2, 918305, tzinfo=UTC)
        assert event.timestamp == event.triggered_at

    def test_cancelled_and_compliance_fields(self) -> None:
        cancelled = parse_one(create("shopify"), **_sample_kwargs("shopify", "orders/cancelled"))
        assert isinstance(cancelled, shopify.OrderCancelled)
        assert cancelled.cancel_reason == "customer"
        assert cancelled.cancelled_at == datetime(2024, 1, 26, 16, 0, tzinfo=UTC)
        request = parse_one(create("shopify"), **_sample_kwargs("shopify", "customers/data_request"))
        assert isinstance(request, shopify.CustomersDataRequest)
        assert request.shop_id == "690933842"
        assert request.orders_requested == (820982911946154508, 820982911946154509)
        assert request.customer_email == "stan@mysteryshack.com"
        assert request.data_request_id == "9999"
        redact = parse_one(create("shopify"), **_sample_kwargs("shopify", "customers/redact"))
        assert isinstance(redact, shopify.CustomersRedact)
        assert redact.orders_to_redact == (820982911946154508, 820982911946154509)

    def test_compliance_shop_domain_comes_from_the_signed_body(self) -> None:
        event_sample = sample("shopify", "shop/redact")
        headers = {**event_sample.headers, "X-Shopify-Shop-Domain": "attacker.myshopify.com"}
        event = parse_one(create("shopify"), event_sample.payload, headers)
        assert isinstance(event, shopify.ShopRedact)
        assert event.shop_domain == "mystery-shack.myshopify.com"
        order_headers = {**headers, "X-Shopify-Topic": "orders/create"}
        other = parse_one(create("shopify"), sample("shopify", "orders/create").payload, order_headers)
        assert other.shop_domain == "attacker.myshopify.com"  # orders carry no shop in the body

    def test_identity_is_the_body_whatever_the_unsigned_headers_say(self) -> None:
        provider = create("shopify")
        event_sample = sample("shopify", "orders/create")
        first = parse_one(provider, event_sample.payload, event_sample.headers)
        changed = parse_one(
            provider,
            event_sample.payload,
            {
                **event_sample.headers,
                "X-Shopify-Topic": "orders/paid",
                "X-Shopify-Webhook-Id": "another-webhook-id",
                "X-Shopify-Event-Id": "another-event-id",
                "X-Shopify-Triggered-At": "2030-01-01T00:00:00Z",
            },
        )
        assert type(changed) is shopify.OrderPaid and changed.id == "another-event-id"
        assert (
            provider.identity(first) == provider.identity(changed) == payload_identity(event_sample.payload)
        )
        other_body = parse_one(provider, {**event_sample.payload, "note": "x"}, event_sample.headers)
        assert provider.identity(other_body) != provider.identity(first)

    def test_a_replay_under_another_topic_is_a_duplicate(self) -> None:
        receiver = Receiver(create("shopify"), store=MemoryStore())
        ran: list[Event] = []
        receiver.on_any(ran.append)
        event_sample = sample("shopify", "orders/create")
        assert handle(receiver, event_sample.payload, headers=event_sample.headers).status == 200
        headers = {**event_sample.headers, "X-Shopify-Topic": "orders/paid", "X-Shopify-Event-Id": "e2"}
        replay = handle(receiver, event_sample.payload, headers=headers, now=NOW + 60)
        assert replay.status == 200
        assert replay.events == ()
        assert len(ran) == 1

    def test_unknown_and_missing_topics(self) -> None:
        provider = create("shopify")
        unknown = parse_one(provider, {"id": 1}, {"X-Shopify-Topic": "inventory_levels/update"})
        assert type(unknown) is shopify.ShopifyEvent
        assert unknown.type == "inventory_levels/update"
        missing = parse_one(provider, {"id": 1})
        assert type(missing) is shopify.ShopifyEvent
        assert missing.type == CUSTOM
        other_orders = parse_one(provider, {"id": 5}, {"X-Shopify-Topic": "orders/edited"})
        assert type(other_orders) is shopify.OrderEvent
        assert parse_one(provider, {"id": 1}, {"X-Shopify-Triggered-At": "yesterday"}).triggered_at is None

    @pytest.mark.parametrize(
        ("topic", "payload"),
        [
            ("orders/create", {"name": "#1"}),
            ("orders/create", {"id": 1, "line_items": [1, 2]}),
            ("orders/create", {"id": 1, "customer": "stan"}),
            ("products/update", {"id": {"nested": 1}}),
            ("app/uninstalled", {"name": "Mystery Shack"}),
            ("customers/redact", {"shop_id": 1, "orders_to_redact": ["1"]}),
            ("customers/data_request", {"shop_id": 1, "data_request": [9999]}),
            ("shop/redact", {"shop_domain": "x.myshopify.com"}),
            ("orders/create", {"id": 1, "updated_at": "not a time"}),
        ],
    )
    def test_documented_topics_need_their_shape(self, topic: str, payload: Any) -> None:
        provider = create("shopify")
        headers, body = signed(provider, payload, headers={"X-Shopify-Topic": topic})
        reply = Receiver(provider).handle("POST", headers, body, now=NOW)
        assert reply.status == 400
        assert isinstance(reply.error, PayloadError)


def _sample_kwargs(name: str, kind: str) -> dict[str, Any]:
    event_sample = sample(name, kind)
    return {"payload": event_sample.payload, "headers": event_sample.headers}


# --- Intercom ------------------------------------------------------------------------------------------


class TestIntercom:
    def test_conversation_and_contact_fields(self) -> None:
        conversation = parse_one(create("intercom"), sample("intercom", "conversation.admin.replied").payload)
        assert isinstance(conversation, intercom.ConversationEvent)
        assert conversation.id == "notif_1b2c3d4e-23ba-11e4-9464-79b01267cc2e"
        assert conversation.conversation_id == "1295"
        assert conversation.app_id == "a86dr8yl"
        assert conversation.item_type == "conversation"
        assert conversation.delivery_attempts == 1
        assert conversation.timestamp == datetime.fromtimestamp(1706160900, UTC)
        assert conversation.first_sent_at == datetime.fromtimestamp(1706160901, UTC)
        contact = parse_one(create("intercom"), sample("intercom", "contact.lead.created").payload)
        assert isinstance(contact, intercom.ContactEvent)
        assert (contact.contact_id, contact.role, contact.email) == (
            "65b1f3aa8a7c4d2e9f0b1c3e",
            "lead",
            "soos@mysteryshack.com",
        )
        ticket = parse_one(create("intercom"), sample("intercom", "ticket.created").payload)
        assert isinstance(ticket, intercom.TicketEvent) and ticket.ticket_id == "1296"

    def test_ping(self) -> None:
        ping = parse_one(create("intercom"), sample("intercom", "ping").payload)
        assert isinstance(ping, intercom.Ping)
        assert ping.message == "shipping is your company's heartbeat"
        assert ping.app_id is None

    def test_identity_is_topic_and_notification_id(self) -> None:
        provider = create("intercom")
        payload = sample("intercom", "contact.user.created").payload
        assert isinstance(payload, dict)
        first = parse_one(provider, payload)
        retry = parse_one(provider, {**payload, "delivery_attempts": 2}, {"User-Agent": "another"})
        assert provider.identity(first) == provider.identity(retry)
        assert provider.identity(first) == f"contact.user.created\0{payload['id']}"

    def test_unknown_topic_and_bad_shapes(self) -> None:
        provider = create("intercom")
        unknown = parse_one(
            provider, {"type": "notification_event", "topic": "content_stat.article", "data": {}}
        )
        assert type(unknown) is intercom.IntercomEvent
        for bad in (
            {"type": "notification_event"},
            {"topic": 7},
            {"topic": "ping", "data": []},
            {"topic": "conversation.user.created", "data": {"item": {"type": "conversation"}}},
            {"topic": "ping", "delivery_attempts": "1"},
        ):
            with pytest.raises(PayloadError):
                parse_one(provider, bad)


# --- Typeform ------------------------------------------------------------------------------------------


class TestTypeform:
    def test_form_response_fields(self) -> None:
        event = parse_one(create("typeform"), sample("typeform", "form_response").payload)
        assert isinstance(event, typeform.FormResponse)
        assert event.id == "01HN0P5Y7QK2E1W6Z3R4T5V6X7"
        assert event.form_id == "lT4Z3j"
        assert event.token == "a3a12ec67a1365927098a606107fac15"
        assert event.submitted_at == event.timestamp == datetime(2024, 1, 25, 17, 17, 2, tzinfo=UTC)
        assert event.landed_at == datetime(2024, 1, 25, 17, 7, 2, tzinfo=UTC)
        assert event.hidden == {"user_id": "customer-123"}
        assert event.score == 9
        assert [answer["type"] for answer in event.answers] == ["text", "email", "number", "choice"]
        assert event.definition["id"] == "lT4Z3j"

    def test_partial_response_is_timed_by_landing(self) -> None:
        event = parse_one(create("typeform"), sample("typeform", "form_response_partial").payload)
        assert isinstance(event, typeform.FormResponsePartial)
        assert event.submitted_at is None
        assert event.timestamp == datetime(2024, 1, 25, 17, 20, 41, tzinfo=UTC)

    def test_identity_and_bad_shapes(self) -> None:
        provider = create("typeform")
        event = parse_one(provider, sample("typeform", "form_response").payload)
        assert provider.identity(event) == "form_response\x0001HN0P5Y7QK2E1W6Z3R4T5V6X7"
        other = parse_one(provider, {"event_id": "e1", "event_type": "form_response_deleted"})
        assert type(other) is typeform.TypeformEvent
        for bad in (
            {"event_id": "e1"},
            {"event_type": "form_response", "form_response": {"token": "t"}},
            {"event_type": "form_response", "form_response": {"form_id": "f", "calculated": {"score": True}}},
            {"event_type": "form_response", "form_response": {"form_id": "f", "answers": {}}},
            {"event_type": "form_response", "form_response": []},
        ):
            with pytest.raises(PayloadError):
                parse_one(provider, bad)


# --- Vercel --------------------------------------------------------------------------------------------


class TestVercel:
    def test_deployment_fields(self) -> None:
        event = parse_one(create("vercel"), sample("vercel", "deployment.created").payload)
        assert isinstance(event, vercel.DeploymentEvent)
        assert event.id == "uHVgOZn9i3YuSCvTxUxiJ5Ya"
        assert event.timestamp == datetime.fromtimestamp(1706160867, UTC)  # createdAt is milliseconds
        assert event.deployment_id == "dpl_9dPbGgYvPqw1uJ1ZqFhxwfQ3cTcY"
        assert event.deployment_url == "bobblehead-store-a1b2c3d4e-mystery-shack.vercel.app"
        assert event.target == "production"
        assert event.regions == ("iad1",)
        assert event.team_id == "team_mysteryshack01"
        assert event.project_id == "prj_bobbleheadstore01"
        assert event.region == "iad1"
        assert event.meta["githubCommitRef"] == "main"

    def test_project_domain_and_integration_fields(self) -> None:
        project = parse_one(create("vercel"), sample("vercel", "project.created").payload)
        assert isinstance(project, vercel.ProjectEvent)
        assert (project.project_id, project.project_name, project.region) == (
            "prj_bobbleheadstore01",
            "bobblehead-store",
            None,
        )
        domain = parse_one(create("vercel"), sample("vercel", "domain.created").payload)
        assert isinstance(domain, vercel.DomainEvent)
        assert (domain.domain_name, domain.delegated) == ("mysteryshack.com", False)
        removed = parse_one(create("vercel"), sample("vercel", "integration-configuration.removed").payload)
        assert isinstance(removed, vercel.IntegrationConfigurationEvent)
        assert removed.projects == ("prj_bobbleheadstore01",)

    def test_bad_shapes(self) -> None:
        provider = create("vercel")
        unknown = parse_one(provider, {"type": "budget.reached", "id": "x", "payload": {}})
        assert type(unknown) is vercel.VercelEvent
        for bad in (
            {"id": "x"},
            {"type": "deployment.created", "payload": {"deployment": {}}},
            {"type": "deployment.created", "payload": {"deployment": {"id": "d"}, "regions": "iad1"}},
            {"type": "domain.created", "payload": {"domain": {"name": "a", "delegated": "no"}}},
            {"type": "project.created", "createdAt": 10**30, "payload": {"project": {"id": "p"}}},
        ):
            with pytest.raises(PayloadError):
                parse_one(provider, bad)


# --- GitLab --------------------------------------------------------------------------------------------


class TestGitLab:
    def test_push_fields(self) -> None:
        event = parse_one(create("gitlab"), **_sample_kwargs("gitlab", "push"))
        assert isinstance(event, gitlab.PushEvent)
        assert event.ref == "refs/heads/main"
        assert event.after == "da1560886d4f094c3e6c9ef40349f7d38b5d27d7"
        assert event.total_commits_count == 1
        assert event.commits[0]["title"] == "Add entry on the Gobblewonker"
        assert event.project_id == 15
        assert event.project_path == "mysteryshack/journal"
        assert event.username == "dipper"
        assert event.event_name == "Push Hook"
        assert event.id == event.idempotency_key == "6f2e0d91-43c2-4e1b-9bd1-5c7a0a2f9e31"
        assert event.instance == "https://gitlab.example.com"

    def test_merge_request_job_and_release_fields(self) -> None:
        mr = parse_one(create("gitlab"), **_sample_kwargs("gitlab", "merge_request"))
        assert isinstance(mr, gitlab.MergeRequestEvent)
        assert (mr.iid, mr.action, mr.source_branch, mr.target_branch) == (1, "open", "gobblewonker", "main")
        assert mr.timestamp == datetime(2024, 1, 25, 17, 20, tzinfo=UTC)  # GitLab's "... UTC" format
        job = parse_one(create("gitlab"), **_sample_kwargs("gitlab", "build"))
        assert isinstance(job, gitlab.JobEvent)
        assert (job.build_id, job.build_status, job.project_id) == (380, "success", 15)
        release = parse_one(create("gitlab"), **_sample_kwargs("gitlab", "release"))
        assert isinstance(release, gitlab.ReleaseEvent)
        assert (release.tag, release.release_name, release.action) == ("v1.0.0", "Journal 1", "create")

    def test_the_type_comes_from_the_body_not_the_unsigned_header(self) -> None:
        provider = create("gitlab")
        payload = sample("gitlab", "push").payload
        event = parse_one(provider, payload, {"X-Gitlab-Event": "Merge Request Hook"})
        assert type(event) is gitlab.PushEvent and event.type == "push"
        assert event.event_name == "Merge Request Hook"
        system = parse_one(provider, {"event_name": "project_create", "name": "journal"})
        assert system.type == "project_create"
        fallback = parse_one(provider, {"name": "journal"}, {"X-Gitlab-Event": "System Hook"})
        assert fallback.type == "System Hook"
        assert parse_one(provider, {"name": "journal"}).type == CUSTOM

    def test_token_identity_is_the_body_alone(self) -> None:
        provider = create("gitlab")
        event_sample = sample("gitlab", "issue")
        first = parse_one(provider, event_sample.payload, event_sample.headers)
        changed = parse_one(
            provider,
            event_sample.payload,
            {"X-Gitlab-Event": "Note Hook", "X-Gitlab-Event-UUID": "u2", "Idempotency-Key": "k2"},
        )
        assert first.id != changed.id
        assert (
            provider.identity(first) == provider.identity(changed) == payload_identity(event_sample.payload)
        )

    def test_signing_identity_is_the_signed_webhook_id(self) -> None:
        provider = providers.GitLab(secret=GITLAB_SECRET)
        body = sample("gitlab", "push").body
        scheme = provider.scheme
        assert isinstance(scheme, providers.standard_webhooks.StandardWebhooksSignature)
        headers = {
            **scheme.sign(body, NOW, msg_id="idem-1"),
            "Idempotency-Key": "forged",
            "X-Gitlab-Event": "x",
        }
        view = Headers(headers)
        verified = provider.verify(view, body, now=NOW)
        events, event_headers = provider.parse_verified(view, body, verified)
        assert events[0].id == "idem-1"
        assert provider.identity(events[0]) == "webhook-id\0idem-1"
        assert ("webhook-id", "idem-1") in event_headers
        assert all(name != "webhook-signature" for name, _ in event_headers)
        assert provider.rebuild(events[0].payload, event_headers) == events[0]
        # Retried by GitLab: same id, new time, same identity; another message: another identity.
        retry = {**scheme.sign(body, NOW + 90, msg_id="idem-1")}
        again = provider.parse(retry, body, provider.verify(retry, body, now=NOW + 90))[0]
        assert provider.identity(again) == provider.identity(events[0])
        other = scheme.sign(body, NOW, msg_id="idem-2")
        assert provider.identity(provider.parse(other, body, provider.verify(other, body, now=NOW))[0]) != (
            provider.identity(events[0])
        )

    def test_signing_refuses_a_captured_request_after_the_tolerance(self) -> None:
        provider = providers.GitLab(secret=GITLAB_SECRET, tolerance=60)
        body = sample("gitlab", "push").body
        headers = provider.sign(body, now=NOW)
        provider.verify(headers, body, now=NOW + 60)
        with pytest.raises(TimestampOutsideTolerance):
            provider.verify(headers, body, now=NOW + 61)

    def test_claimed_reads_the_signed_headers_without_verifying(self) -> None:
        signing = providers.GitLab(secret=GITLAB_SECRET)
        headers = signing.sign(b"{}", now=NOW)
        assert signing.claimed(Headers(headers)).message_id == headers["webhook-id"]
        assert signing.claimed(Headers({})).message_id is None
        assert create("gitlab").claimed(Headers(headers)).message_id is None
        event = signing.parse(
            {**headers, "X-Gitlab-Event": "Push Hook"}, b'{"object_kind":"push","ref":"r"}'
        )[0]
        assert event.id == headers["webhook-id"]

    def test_token_mode_never_reads_an_unsigned_webhook_id(self) -> None:
        provider = create("gitlab")
        body = b'{"object_kind":"note"}'
        headers = {"X-Gitlab-Token": "gitlab-test-token", "webhook-id": "forged", "Idempotency-Key": "k1"}
        view = Headers(headers)
        events, event_headers = provider.parse_verified(view, body, provider.verify(view, body, now=NOW))
        assert events[0].id == "k1"
        assert all(name.lower() not in ("webhook-id", "x-gitlab-token") for name, _ in event_headers)

    def test_bad_shapes(self) -> None:
        provider = create("gitlab")
        for bad in (
            {"object_kind": "push"},
            {"object_kind": 5},
            {"object_kind": "push", "ref": "r", "commits": {}},
            {"object_kind": "issue", "object_attributes": {"iid": "23"}},
            {"object_kind": "build", "build_id": 1.5},
            {"project": {"id": "fifteen"}},
        ):
            with pytest.raises(PayloadError):
                parse_one(provider, bad)
        weird_time = parse_one(provider, {"object_kind": "note", "object_attributes": {"updated_at": "soon"}})
        assert weird_time.timestamp is None


# --- Postmark ------------------------------------------------------------------------------------------


class TestPostmark:
    def test_bounce_and_spam_complaint(self) -> None:
        bounce = parse_one(create("postmark"), sample("postmark", "Bounce").payload)
        assert isinstance(bounce, postmark.Bounce)
        assert bounce.id == "4323372036854775807"
        assert (bounce.bounce_type, bounce.type_code, bounce.email) == (
            "HardBounce",
            1,
            "bill@cipher.example",
        )
        assert bounce.bounced_at == bounce.timestamp == datetime(2024, 1, 25, 17, 20, 10, tzinfo=UTC)
        assert bounce.inactive is True and bounce.server_id == 23
        spam = parse_one(create("postmark"), sample("postmark", "SpamComplaint").payload)
        assert isinstance(spam, postmark.SpamComplaint) and spam.id == "42"

    def test_engagement_and_delivery_records(self) -> None:
        delivery = parse_one(create("postmark"), sample("postmark", "Delivery").payload)
        assert isinstance(delivery, postmark.Delivery)
        assert delivery.id is None
        assert delivery.recipient == "stan@mysteryshack.com"
        assert delivery.metadata == {"example": "value", "example_2": "value"}
        opened = parse_one(create("postmark"), sample("postmark", "Open").payload)
        assert isinstance(opened, postmark.Open)
        assert (opened.first_open, opened.read_seconds, opened.platform) == (True, 5, "WebMail")
        assert opened.geo["City"] == "Gravity Falls"
        click = parse_one(create("postmark"), sample("postmark", "Click").payload)
        assert isinstance(click, postmark.Click) and click.original_link == "https://mysteryshack.com/tickets"
        change = parse_one(create("postmark"), sample("postmark", "SubscriptionChange").payload)
        assert isinstance(change, postmark.SubscriptionChange)
        assert (change.suppress_sending, change.origin) == (True, "Recipient")

    def test_inbound_is_recognised_without_a_record_type(self) -> None:
        payload = sample("postmark", "Inbound").payload
        assert isinstance(payload, dict) and "RecordType" not in payload
        inbound = parse_one(create("postmark"), payload)
        assert isinstance(inbound, postmark.Inbound)
        assert inbound.id == inbound.message_id == "73e6d360-66eb-11e1-8e72-a8904824019b"
        assert inbound.stripped_text_reply == "It bobs now. Fixed it with gum."
        assert inbound.date == "Thu, 25 Jan 2024 12:00:00 -0800"
        assert inbound.attachments[0]["Name"] == "bobblehead.txt"
        named = parse_one(create("postmark"), {**payload, "RecordType": "Inbound"})
        assert isinstance(named, postmark.Inbound)
        plain = parse_one(create("postmark"), {"MessageID": "m"})
        assert type(plain) is postmark.PostmarkEvent and plain.type == CUSTOM

    def test_identity(self) -> None:
        provider = create("postmark")
        bounce = parse_one(provider, sample("postmark", "Bounce").payload)
        assert provider.identity(bounce) == "Bounce\x004323372036854775807"
        delivery_payload = sample("postmark", "Delivery").payload
        delivery = parse_one(provider, delivery_payload)
        assert provider.identity(delivery) == f"Delivery\0{payload_identity(delivery_payload)}"

    def test_basic_and_header_are_both_required_when_both_are_configured(self) -> None:
        provider = providers.Postmark(username="u", password="p-word", header="X-Hook-Key", token="hk-1")
        body = b'{"RecordType":"Delivery"}'
        headers = provider.sign(body, now=NOW)
        assert set(headers) == {"Authorization", "X-Hook-Key"}
        provider.verify(headers, body, now=NOW)
        with pytest.raises(MissingHeader):
            provider.verify({"Authorization": headers["Authorization"]}, body, now=NOW)
        with pytest.raises(MissingHeader):
            provider.verify({"X-Hook-Key": "hk-1"}, body, now=NOW)
        with pytest.raises(InvalidCredentials):
            provider.verify({**headers, "X-Hook-Key": "hk-2"}, body, now=NOW)

    def test_basic_failures_carry_a_challenge_and_the_deferred_status_is_200(self) -> None:
        receiver = Receiver(create("postmark"))
        reply = receiver.handle("POST", {"Content-Type": "application/json"}, b"{}", now=NOW)
        assert reply.status == 401
        assert isinstance(reply.error, MissingHeader)
        assert reply.error.headers == {"WWW-Authenticate": 'Basic realm="webhooks", charset="UTF-8"'}
        assert providers.Postmark.accepted_status == 200
        for name in NAMES:
            if name != "postmark":
                assert providers.PROVIDERS[name].accepted_status == 202

    def test_no_verification_only_when_asked_and_loudly(self) -> None:
        with pytest.warns(InsecureConfigurationWarning, match="postmark"):
            provider = providers.Postmark(auth="none")
        provider.verify({}, b"{}", now=NOW)
        assert provider.sign(b"{}") == {}
        with pytest.raises(ConfigurationError, match="auth='none'"):
            providers.Postmark()


# --- Calendly -------------------------------------------------------------------------------------------


class TestCalendly:
    def test_invitee_fields(self) -> None:
        event = parse_one(create("calendly"), sample("calendly", "invitee.canceled").payload)
        assert isinstance(event, calendly.InviteeCanceled)
        assert (
            event.uri
            == "https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2/invitees/AAAAAAAAAAAAAAAA"
        )
        assert (event.email, event.status, event.rescheduled) == ("mabel@mysteryshack.com", "canceled", False)
        assert event.cancellation["reason"] == "Waddles has a cold"
        assert event.scheduled_event_uri == "https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2"
        assert event.scheduled_event["status"] == "canceled"
        assert event.created_by == "https://api.calendly.com/users/AAAAMYSTERYSHACK"
        assert event.timestamp == datetime(2024, 1, 26, 9, 0, tzinfo=UTC)
        assert event.questions_and_answers[0]["answer"] == "The Sascrotch"

    def test_no_show_and_routing_form(self) -> None:
        no_show = parse_one(create("calendly"), sample("calendly", "invitee_no_show.created").payload)
        assert isinstance(no_show, calendly.InviteeNoShowCreated)
        assert str(no_show.no_show["uri"]).startswith("https://api.calendly.com/invitee_no_shows/")
        routing = parse_one(create("calendly"), sample("calendly", "routing_form_submission.created").payload)
        assert isinstance(routing, calendly.RoutingFormSubmissionCreated)
        assert routing.submitter_type == "Invitee"
        assert routing.result["type"] == "event_type"

    def test_default_tolerance_is_calendlys_three_minutes(self) -> None:
        provider = create("calendly")
        body = sample("calendly", "invitee.created").body
        headers = provider.sign(body, now=NOW)
        provider.verify(headers, body, now=NOW + 180)
        provider.verify(headers, body, now=NOW - 180)
        with pytest.raises(TimestampOutsideTolerance) as info:
            provider.verify(headers, body, now=NOW + 181)
        assert info.value.tolerance == 180
        with pytest.raises(TimestampOutsideTolerance):
            provider.verify(headers, body, now=NOW - 181)

    def test_a_re_signed_retry_is_a_duplicate(self) -> None:
        receiver = Receiver(create("calendly"), store=MemoryStore())
        ran: list[Event] = []
        receiver.on_any(ran.append)
        payload = sample("calendly", "invitee.created").payload
        assert handle(receiver, payload).status == 200
        retry = handle(receiver, payload, now=NOW + 3600)  # Calendly signs each attempt anew
        assert (retry.status, retry.events, len(ran)) == (200, (), 1)
        canceled = sample("calendly", "invitee.canceled").payload
        assert handle(receiver, canceled, now=NOW + 3700).events
        assert len(ran) == 2

    def test_identity(self) -> None:
        provider = create("calendly")
        event = parse_one(provider, sample("calendly", "invitee.created").payload)
        assert provider.identity(event) == (
            "invitee.created\0https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2/invitees/AAAAAAAAAAAAAAAA"
            "\x002024-01-25T17:14:00.000000Z"
        )
        bare = parse_one(provider, {"event": "something.new", "payload": {}})
        assert type(bare) is calendly.CalendlyEvent
        assert provider.identity(bare) == f"something.new\0{payload_identity(bare.payload)}"

    def test_bad_shapes(self) -> None:
        provider = create("calendly")
        for bad in (
            {"payload": {}},
            {"event": "invitee.created", "payload": {"email": "x"}},
            {"event": "invitee.created", "payload": {"uri": "u", "rescheduled": "no"}},
            {"event": "invitee.created", "payload": {"uri": "u", "questions_and_answers": "none"}},
            {"event": "invitee.created", "created_at": "yesterday", "payload": {"uri": "u"}},
            {"event": "routing_form_submission.created", "payload": {"result": {}}},
        ):
            with pytest.raises(PayloadError):
                parse_one(provider, bad)


# --- secrets with an expiry ------------------------------------------------------------------------------

OLD = "retiring-7q9"
EXPIRING: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    # name: (options with an expiring value, the same values plain, for signing)
    "shopify": ({"secret": Secret(OLD, expires_at=NOW + 100)}, {"secret": OLD}),
    "intercom": ({"secret": ["s-new", Secret(OLD, expires_at=NOW + 100)]}, {"secret": OLD}),
    "typeform": ({"secret": Secret(OLD.encode(), expires_at=NOW + 100)}, {"secret": OLD}),
    "vercel": ({"secret": Secret(OLD, expires_at=NOW + 100)}, {"secret": OLD}),
    "gitlab": ({"token": ["t-new", Secret(OLD, expires_at=NOW + 100)]}, {"token": OLD}),
    "calendly": ({"secret": Secret(OLD, expires_at=NOW + 100), "tolerance": 300}, {"secret": OLD}),
    "postmark": (
        {"username": "u", "password": Secret(OLD, expires_at=NOW + 100)},
        {"username": "u", "password": OLD},
    ),
}


@pytest.mark.parametrize("name", sorted(EXPIRING))
def test_an_expired_secret_stops_verifying(name: str) -> None:
    expiring, plain = EXPIRING[name]
    provider = providers.create(name, **expiring)
    signer = providers.create(name, **plain)
    body = b'{"type":"x"}'
    provider.verify(signer.sign(body, now=NOW + 100), body, now=NOW + 100)
    with pytest.raises(VerificationError) as info:
        provider.verify(signer.sign(body, now=NOW + 101), body, now=NOW + 101)
    assert info.value.status == 401
    assert OLD not in str(info.value) + repr(info.value)


def test_gitlab_signing_tokens_and_postmark_header_tokens_expire_too() -> None:
    body = b"{}"
    other = "whsec_" + base64.b64encode(bytes(32)).decode()
    gl = providers.GitLab(secret=[other, Secret(GITLAB_SECRET, expires_at=NOW + 5)])
    headers = providers.GitLab(secret=GITLAB_SECRET).sign(body, now=NOW + 5)
    gl.verify(headers, body, now=NOW + 5)
    late = providers.GitLab(secret=GITLAB_SECRET).sign(body, now=NOW + 6)
    with pytest.raises(SignatureMismatch):
        gl.verify(late, body, now=NOW + 6)
    pm = providers.Postmark(header="X-Key", token=Secret("k-old", expires_at=NOW + 5))
    pm.verify({"X-Key": "k-old"}, body, now=NOW + 5)
    with pytest.raises(InvalidCredentials):
        pm.verify({"X-Key": "k-old"}, body, now=NOW + 6)


# --- configuration -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "options", "message"),
    [
        ("shopify", {}, "secret"),
        ("shopify", {"secret": ""}, "empty"),
        ("intercom", {"secret": []}, "at least one"),
        ("typeform", {"secret": 42}, "secret"),
        ("vercel", {"secret": None}, "required"),
        ("vercel", {"secret": "s", "tolerance": 5}, "tolerance"),
        ("calendly", {"secret": "s", "tolerance": 0}, "tolerance"),
        ("calendly", {"secret": "s", "tolerance": float("nan")}, "tolerance"),
        ("gitlab", {}, "token= .* or secret="),
        ("gitlab", {"token": "t", "secret": GITLAB_SECRET}, "not both"),
        ("gitlab", {"token": "t", "tolerance": 60}, "tolerance only applies"),
        ("gitlab", {"secret": "whsec_***"}, "base64"),
        ("gitlab", {"secret": GITLAB_SECRET, "tolerance": -1}, "tolerance"),
        ("gitlab", {"token": "  "}, "empty"),
        ("postmark", {}, "auth='none'"),
        ("postmark", {"username": "u"}, "both username and password"),
        ("postmark", {"token": "t"}, "header="),
        ("postmark", {"header": "X-Key"}, "token="),
        ("postmark", {"header": "Bad Header", "token": "t"}, "header name"),
        (
            "postmark",
            {"username": "u", "password": "p", "header": "authorization", "token": "t"},
            "Authorization",
        ),
        ("postmark", {"auth": "none", "username": "u", "password": "p"}, "does not use"),
        ("postmark", {"auth": "none", "header": "X-Key", "token": "t"}, "does not use"),
        ("postmark", {"auth": "basic", "header": "X-Key", "token": "t"}, "does not use"),
        ("postmark", {"auth": "header", "username": "u", "password": "p"}, "does not use"),
        ("postmark", {"auth": "header"}, "needs header"),
        ("postmark", {"auth": "bearer", "token": "t"}, "must be one of"),
        ("postmark", {"credentials": [("u",)]}, "pairs"),
    ],
)
def test_bad_setup_is_a_configuration_error(name: str, options: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        providers.create(name, **options)


@pytest.mark.parametrize("name", NAMES)
def test_secrets_are_never_shown(name: str) -> None:
    secret = "SUPER-SECRET-VALUE-123"
    options = {
        "gitlab": {"token": secret},
        "postmark": {"username": "user", "password": secret, "header": "X-Key", "token": secret + "-2"},
    }.get(name, {"secret": secret})
    provider = providers.create(name, **options)
    shown = repr(provider) + str(provider) + repr(provider.scheme)
    assert secret not in shown
    assert name in repr(provider)
    # Nor in the error a forged request gets, nor in its reply.
    receiver = Receiver(provider)
    forged = {
        "Content-Type": "application/json",
        "Authorization": "Basic " + base64.b64encode(b"user:x").decode(),
    }
    for header in (
        "X-Gitlab-Token",
        "X-Key",
        "X-Shopify-Hmac-Sha256",
        "X-Hub-Signature",
        "x-vercel-signature",
    ):
        forged[header] = "forged-" + header
    reply = receiver.handle("POST", forged, b"{}", now=NOW)
    assert reply.status == 401
    assert reply.error is not None
    for text in (str(reply.error), repr(reply.error), reply.body.decode()):
        assert secret not in text
        assert "forged-" not in text


def test_gitlab_signing_secret_is_never_shown() -> None:
    provider = providers.GitLab(secret=GITLAB_SECRET)
    assert GITLAB_SECRET[6:] not in repr(provider) + repr(provider.scheme)


# --- hostile input --------------------------------------------------------------------------------------

HOSTILE_BODIES = [
    b"",
    b"   ",
    b"not json",
    b"[]",
    b"null",
    b"42",
    b'"string"',
    b'{"a": NaN}',
    b'{"a": 1e999}',
    b"\xff\xfe{}",
    b'{"type": "x"} trailing',
    b"[" * 5000 + b"]" * 5000,
    b'{"topic": "\\ud800"}',
]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("body", HOSTILE_BODIES, ids=range(len(HOSTILE_BODIES)))
def test_hostile_signed_bodies_are_400_never_an_exception(name: str, body: bytes) -> None:
    receiver = Receiver(create(name), store=MemoryStore())
    topic = {"X-Shopify-Topic": "orders/create", "X-Gitlab-Event": "Push Hook"}
    reply = receiver.handle("POST", {**topic, **signed(receiver.provider, body)[0]}, body, now=NOW)
    assert reply.status == 400, (name, body[:40], reply.body)
    assert isinstance(reply.error, WebhookError)


@pytest.mark.parametrize("name", NAMES)
def test_unsigned_or_garbled_requests_are_401(name: str) -> None:
    receiver = Receiver(create(name))
    body = sample(name).body
    good, _ = signed(receiver.provider, body)
    assert receiver.handle("POST", good, body, now=NOW).status == 200
    for headers in (
        {"Content-Type": "application/json"},
        {key: value[:-2] + "xx" for key, value in good.items() if key != "Content-Type"}
        | {"Content-Type": "application/json"},
        dict.fromkeys(good, "\x00\x01") | {"Content-Type": "application/json"},
    ):
        reply = receiver.handle("POST", headers, body, now=NOW)
        assert reply.status == 401, (name, headers)
        assert isinstance(reply.error, VerificationError)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
KNOWN_KEYS = [
    # one list for all seven: each parser meets the others' keys too
    "id", "type", "topic", "event", "event_type", "event_id", "payload", "data", "item", "created_at",
    "createdAt", "updated_at", "form_response", "form_id", "answers", "calculated", "score", "object_kind",
    "event_name", "object_attributes", "project", "ref", "commits", "user", "RecordType", "ID", "MessageID",
    "FromFull", "Metadata", "BouncedAt", "deployment", "domain", "configuration", "uri", "line_items",
    "customer", "shop_id", "orders_requested", "orders_to_redact", "data_request", "regions", "no_show",
]  # fmt: skip
shaped = st.recursive(
    st.dictionaries(st.sampled_from(KNOWN_KEYS), json_values, max_size=6),
    lambda children: st.dictionaries(st.sampled_from(KNOWN_KEYS), children | json_values, max_size=6),
    max_leaves=12,
)
TOPICS = ["orders/create", "products/update", "app/uninstalled", "customers/redact", "shop/redact", "x/y"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(NAMES),
    payload=st.one_of(shaped, json_values),
    topic=st.sampled_from(TOPICS),
    kind=st.sampled_from(["push", "issue", "build", "release", "note", "x"]),
)
def test_parsers_return_events_or_raise_payload_error(name: str, payload: Any, topic: str, kind: str) -> None:
    provider = providers.create(name, **OPTIONS[name])
    if name == "intercom" and isinstance(payload, dict):
        payload.setdefault("topic", "conversation.user.created")
    if name == "gitlab" and isinstance(payload, dict):
        payload.setdefault("object_kind", kind)
    sent = Headers({"X-Shopify-Topic": topic, "X-Gitlab-Event": "Push Hook", "webhook-id": "m"})
    headers = provider.event_headers(sent)  # what the pipeline hands events_from
    try:
        events = provider.events_from(payload, Headers(headers))
    except PayloadError as exc:
        assert exc.status == 400
        return
    assert len(events) == 1
    event = events[0]
    assert isinstance(event, Event) and event.type
    assert isinstance(provider.identity(event), str)
    assert provider.rebuild(event.payload, headers) == event


@settings(max_examples=200, deadline=None)
@given(name=st.sampled_from(NAMES), payload=shaped, noise=st.binary(max_size=6))
def test_the_receiver_answers_every_signed_body_without_500(name: str, payload: Any, noise: bytes) -> None:
    receiver = Receiver(providers.create(name, **OPTIONS[name]), store=MemoryStore())
    body = json.dumps(payload).encode() + noise
    headers, _ = signed(receiver.provider, body, headers={"X-Shopify-Topic": "orders/paid"})
    reply = receiver.handle("POST", headers, body, now=NOW)
    assert reply.status in (200, 400)
    assert reply.ok == (reply.error is None)
