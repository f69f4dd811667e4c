"""Every documented payload shape, through ``Receiver.handle``, to a typed event."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from webhook_receiver import CUSTOM, Event, Receiver
from webhook_receiver.providers import (
    courier,
    customerio,
    github,
    kourier,
    slack,
    standard_webhooks,
    stripe,
    xtremepush,
)

from . import samples
from .conftest import NOW, SignedRequest


def receive(signed_request: SignedRequest, name: str, payload: Any, **extra: str) -> tuple[int, list[Event]]:
    """Post ``payload`` through a Receiver; return the status and what the catch-all handler got."""
    receiver = Receiver(signed_request.provider(name))
    seen: list[Event] = []
    receiver.on_any(seen.append)
    headers, body = signed_request(name, payload, extra=extra or None)
    reply = receiver.handle("POST", headers, body, now=NOW)
    assert list(reply.events) == (seen if reply.ok else [])
    return reply.status, seen


def one(signed_request: SignedRequest, name: str, payload: Any, **extra: str) -> Event:
    status, seen = receive(signed_request, name, payload, **extra)
    assert status == 200
    assert len(seen) == 1
    return seen[0]


class TestCourier:
    def test_message_updated(self, signed_request: SignedRequest) -> None:
        event = one(signed_request, "courier", samples.COURIER_MESSAGE_UPDATED)
        assert isinstance(event, courier.MessageUpdated)
        assert event.provider == "courier"
        assert event.type == "message:updated"
        assert event.id is None
        assert event.timestamp == datetime.fromtimestamp(NOW, tz=UTC)  # the signed t=, in ms
        message = event.message
        assert message.id == "1-61b2d9ff-5e2a8a1f3c1d2a3b4c5d6e7f"
        assert message.status is courier.MessageStatus.DELIVERED
        assert message.recipient == "stan-pines"
        assert message.event == "WELCOME_EMAIL"
        assert message.notification == "NOTIF_123"
        assert message.enqueued == datetime(2021, 9, 16, 18, 19, 3, 12000, tzinfo=UTC)
        assert message.sent is not None and message.delivered is not None
        assert message.opened is None
        assert event.payload == samples.COURIER_MESSAGE_UPDATED
        assert event.data["providers"] == samples.COURIER_MESSAGE_UPDATED["data"]["providers"]

    @pytest.mark.parametrize(
        "status", ["ENQUEUED", "SENT", "DELIVERED", "OPENED", "CLICKED", "UNDELIVERABLE"]
    )
    def test_every_step_of_the_status_flow(self, signed_request: SignedRequest, status: str) -> None:
        event = one(signed_request, "courier", samples.courier_message(status))
        assert isinstance(event, courier.MessageUpdated)
        assert event.message.status == status
        assert event.message.status.known

    def test_a_status_courier_adds_later_still_parses(self, signed_request: SignedRequest) -> None:
        event = one(signed_request, "courier", samples.courier_message("QUANTUM_ENTANGLED"))
        assert isinstance(event, courier.MessageUpdated)
        assert event.message.status == "QUANTUM_ENTANGLED"
        assert not event.message.status.known

    @pytest.mark.parametrize(
        ("kind", "cls"),
        [
            ("notification:submitted", courier.NotificationSubmitted),
            ("notification:submission_canceled", courier.NotificationSubmissionCanceled),
            ("notification:published", courier.NotificationPublished),
            ("audiences:updated", courier.AudienceUpdated),
            ("audiences:user:matched", courier.AudienceUserMatched),
            ("audiences:user:unmatched", courier.AudienceUserUnmatched),
            ("audiences:calculated", courier.AudienceCalculated),
        ],
    )
    def test_other_documented_types(self, signed_request: SignedRequest, kind: str, cls: type[Event]) -> None:
        event = one(signed_request, "courier", samples.COURIER_OTHER_EVENTS[kind])
        assert type(event) is cls
        assert event.type == kind

    def test_typed_fields_of_notification_and_audience_events(self, signed_request: SignedRequest) -> None:
        submitted = one(signed_request, "courier", samples.COURIER_OTHER_EVENTS["notification:submitted"])
        assert isinstance(submitted, courier.NotificationEvent)
        assert submitted.notification_id == "NOTIF_123"
        matched = one(signed_request, "courier", samples.COURIER_OTHER_EVENTS["audiences:user:matched"])
        assert isinstance(matched, courier.AudienceUserMatched)
        assert (matched.audience_id, matched.user_id, matched.audience_version) == (
            "aud_vip",
            "stan-pines",
            3,
        )
        updated = one(signed_request, "courier", samples.COURIER_OTHER_EVENTS["audiences:updated"])
        assert isinstance(updated, courier.AudienceUpdated)
        assert (updated.audience_id, updated.name) == ("aud_vip", "VIPs")
        calculated = one(signed_request, "courier", samples.COURIER_OTHER_EVENTS["audiences:calculated"])
        assert isinstance(calculated, courier.AudienceCalculated)
        assert calculated.total_users_matched == 1204

    def test_unknown_type_arrives_as_the_base_event(self, signed_request: SignedRequest) -> None:
        event = one(signed_request, "courier", {"type": "brand:updated", "data": {"id": "b1"}})
        assert type(event) is courier.CourierEvent
        assert event.type == "brand:updated"
        assert event.data == {"id": "b1"}

    @pytest.mark.parametrize(
        ("payload", "why"),
        [
            ([], "array"),
            ({"data": {}}, "type is missing"),
            ({"type": 7, "data": {}}, "type must be a string"),
            ({"type": "message:updated", "data": []}, "data must be an object"),
            ({"type": "message:updated", "data": {"status": "SENT"}}, "id is missing"),
            ({"type": "message:updated", "data": {"id": "m"}}, "status is missing"),
            ({"type": "message:updated", "data": {"id": "m", "status": "SENT", "sent": "soon"}}, "sent"),
            ({"type": "audiences:user:matched", "data": {"audience_version": "3"}}, "audience_version"),
        ],
    )
    def test_malformed_payloads_are_400(self, signed_request: SignedRequest, payload: Any, why: str) -> None:
        receiver = Receiver(signed_request.provider("courier"))
        ran: list[Event] = []
        receiver.on_any(ran.append)
        reply = receiver.handle("POST", *signed_request("courier", payload), now=NOW)
        assert (reply.status, ran, json.loads(reply.body)) == (400, [], {"error": "invalid_payload"})
        assert why in str(reply.error)


class TestCourierChannel:
    def test_delivery(self, signed_request: SignedRequest) -> None:
        event = one(signed_request, "courier-channel", samples.COURIER_CHANNEL_DELIVERY)
        assert isinstance(event, courier.ChannelDelivery)
        assert event.type == "MY_EVENT"
        assert event.recipient == "1234ABCD"
        assert event.profile["email"] == "stan.pines@mysteryshack.com"
        assert event.data == {"name": "Stan Pines", "location": "Gravity Falls, OR"}

    @pytest.mark.parametrize("body", [samples.COURIER_CHANNEL_OVERRIDE, [1, 2, 3], "just a string", 42, None])
    def test_a_body_replaced_by_an_override_is_any_json(
        self, signed_request: SignedRequest, body: Any
    ) -> None:
        event = one(signed_request, "courier-channel", body)
        assert type(event) is courier.ChannelEvent
        assert event.type == CUSTOM
        assert event.payload == body

    def test_override_put_is_accepted(self, signed_request: SignedRequest) -> None:
        receiver = Receiver(signed_request.provider("courier-channel"))
        headers, body = signed_request("courier-channel", samples.COURIER_CHANNEL_OVERRIDE)
        assert receiver.handle("PUT", headers, body).status == 200
        assert receiver.handle("GET", headers, body).status == 405

    def test_profile_of_the_wrong_type_is_400(self, signed_request: SignedRequest) -> None:
        status, _ = receive(
            signed_request, "courier-channel", {**samples.COURIER_CHANNEL_DELIVERY, "profile": []}
        )
        assert status == 400


class TestCustomerIO:
    def test_batch_becomes_one_event_per_element_in_order(self, signed_request: SignedRequest) -> None:
        status, seen = receive(signed_request, "customerio", samples.CUSTOMERIO_BATCH)
        assert status == 200
        assert [type(e) for e in seen] == [customerio.Track, customerio.Track]
        first, second = seen
        assert isinstance(first, customerio.Track) and isinstance(second, customerio.Track)
        assert (first.user_id, first.event, first.properties["plan"]) == ("123", "Signed Up", "Startup")
        assert (second.user_id, second.properties["plan"]) == ("456", "Free")

    def test_full_batch_of_1000(self, signed_request: SignedRequest) -> None:
        batch = [{**samples.CUSTOMERIO_BATCH[0], "userId": str(i)} for i in range(1000)]
        status, seen = receive(signed_request, "customerio", batch)
        assert status == 200
        assert [e.user_id for e in seen if isinstance(e, customerio.CustomerIOEvent)] == [
            str(i) for i in range(1000)
        ]

    def test_batch_of_1001_is_400_and_nothing_runs(self, signed_request: SignedRequest) -> None:
        batch = [samples.CUSTOMERIO_BATCH[0]] * 1001
        assert receive(signed_request, "customerio", batch) == (400, [])

    @pytest.mark.parametrize(
        ("kind", "cls"),
        [
            ("identify", customerio.Identify),
            ("track", customerio.Track),
            ("page", customerio.Page),
            ("screen", customerio.Screen),
            ("group", customerio.Group),
            ("alias", customerio.Alias),
        ],
    )
    def test_every_event_kind(self, signed_request: SignedRequest, kind: str, cls: type[Event]) -> None:
        event = one(signed_request, "customerio", samples.CUSTOMERIO_EVENTS[kind])
        assert type(event) is cls
        assert event.type == kind

    def test_typed_fields(self, signed_request: SignedRequest) -> None:
        identify = one(signed_request, "customerio", samples.CUSTOMERIO_EVENTS["identify"])
        assert isinstance(identify, customerio.Identify)
        assert identify.id == "msg-identify-1"
        assert identify.timestamp == datetime(2024, 9, 14, 14, 30, tzinfo=UTC)
        assert identify.traits["email"] == "stan@mysteryshack.com"
        assert identify.context == {"ip": "203.0.113.7"}
        page = one(signed_request, "customerio", samples.CUSTOMERIO_EVENTS["page"])
        assert isinstance(page, customerio.Page)
        assert (page.anonymous_id, page.user_id, page.name) == ("anon-9", None, "Pricing")
        group = one(signed_request, "customerio", samples.CUSTOMERIO_EVENTS["group"])
        assert isinstance(group, customerio.Group) and group.group_id == "acme-inc"
        alias = one(signed_request, "customerio", samples.CUSTOMERIO_EVENTS["alias"])
        assert isinstance(alias, customerio.Alias) and alias.previous_id == "anon-9"

    def test_custom_mapped_body_without_type(self, signed_request: SignedRequest) -> None:
        event = one(signed_request, "customerio", {"email": "stan@mysteryshack.com", "plan": "Startup"})
        assert type(event) is customerio.CustomerIOEvent
        assert event.type == CUSTOM

    @pytest.mark.parametrize(
        "payload",
        [
            [],
            [1, 2],
            [{"type": "track", "userId": "1"}],  # track without its event name
            {"type": "group", "userId": "1"},  # group without groupId
            {"type": "track", "event": "x", "properties": "not an object"},
            {"type": "identify", "timestamp": "yesterday"},
        ],
    )
    def test_malformed_payloads_are_400(self, signed_request: SignedRequest, payload: Any) -> None:
        assert receive(signed_request, "customerio", payload) == (400, [])


class TestKourier:
    @pytest.mark.parametrize(
        ("kind", "cls", "status"),
        [
            ("delivery.created", kourier.DeliveryCreated, kourier.DeliveryStatus.CREATED),
            ("delivery.updated", kourier.DeliveryUpdated, kourier.DeliveryStatus.IN_TRANSIT),
            ("delivery.cancelled", kourier.DeliveryCancelled, kourier.DeliveryStatus.CANCELLED),
        ],
    )
    def test_documented_events(
        self, signed_request: SignedRequest, kind: str, cls: type[Event], status: kourier.DeliveryStatus
    ) -> None:
        event = one(signed_request, "kourier", samples.KOURIER_EVENTS[kind])
        assert type(event) is cls
        assert isinstance(event, kourier.DeliveryEvent)
        assert event.delivery_id == "abc123"
        assert event.status is status
        assert event.timestamp is not None and event.timestamp.tzinfo is UTC

    def test_delivered_and_unknown_statuses(self, signed_request: SignedRequest) -> None:
        delivered = one(
            signed_request, "kourier", {**samples.KOURIER_EVENTS["delivery.updated"], "status": "delivered"}
        )
        assert isinstance(delivered, kourier.DeliveryUpdated)
        assert delivered.status is kourier.DeliveryStatus.DELIVERED
        novel = one(
            signed_request, "kourier", {**samples.KOURIER_EVENTS["delivery.updated"], "status": "teleported"}
        )
        assert isinstance(novel, kourier.DeliveryUpdated)
        assert novel.status == "teleported" and not novel.status.known

    def test_unknown_event_is_the_base_event(self, signed_request: SignedRequest) -> None:
        event = one(signed_request, "kourier", {"event": "courier.assigned", "courier_id": "c9"})
        assert type(event) is kourier.KourierEvent
        assert event.type == "courier.assigned"
        assert event.delivery_id is None

    @pytest.mark.parametrize(
        "payload",
        [
            {"delivery_id": "abc123", "status": "in_transit"},
            {"event": "delivery.updated", "status": "in_transit"},  # Kourier's own "Missing delivery_id"
            {"event": "delivery.updated", "delivery_id": "abc123"},
            {"event": "delivery.updated", "delivery_id": ["abc123"], "status": "in_transit"},
            {"event": "delivery.updated", "delivery_id": "abc123", "status": "x", "timestamp": "noon"},
            ["delivery.updated"],
        ],
    )
    def test_malformed_payloads_are_400(self, signed_request: SignedRequest, payload: Any) -> None:
        assert receive(signed_request, "kourier", payload) == (400, [])


class TestXtremepush:
    @pytest.mark.parametrize(
        "kind", ["message_send", "message_delivery", "message_open", "message_click", "message_unsubscribe"]
    )
    def test_message_events_carry_every_documented_property(
        self, signed_request: SignedRequest, kind: str
    ) -> None:
        event = one(signed_request, "xtremepush", samples.xtremepush(kind))
        assert type(event) is xtremepush.MessageEvent
        assert event.type == kind
        assert event.timestamp == datetime(2024, 9, 14, 14, 30, tzinfo=UTC)
        assert event.message == xtremepush.MessageProperties(
            message_type="email",
            campaign_id="4412",
            profile_id="5f0c0d4e9a1b2c3d4e5f6a7b",
            device_id=None,
            trigger_id="trg-77",
            error_message=None,
            user_id="customer-123",
            email="stan@mysteryshack.com",
            external_message_id="ext-9f8e",
        )

    def test_failure_carries_the_error_message(self, signed_request: SignedRequest) -> None:
        event = one(
            signed_request, "xtremepush", samples.xtremepush("message_failure", error_message="Bounced")
        )
        assert isinstance(event, xtremepush.MessageFailed)
        assert event.message.error_message == "Bounced"

    @pytest.mark.parametrize(
        ("kind", "subscribed"),
        [
            ("message_opt_in", True),
            ("message_opt_out", False),
            ("preference_opt_in", True),
            ("preference_opt_out", False),
            ("subscription_update", True),
            ("unsubscribed", False),
        ],
    )
    def test_subscription_events(self, signed_request: SignedRequest, kind: str, subscribed: bool) -> None:
        event = one(signed_request, "xtremepush", samples.xtremepush(kind))
        assert isinstance(event, xtremepush.SubscriptionChanged)
        assert event.subscribed is subscribed
        assert event.user_id == "customer-123"

    def test_custom_format_with_null_placeholders(self, signed_request: SignedRequest) -> None:
        event = one(signed_request, "xtremepush", samples.XTREMEPUSH_CUSTOM)
        assert type(event) is xtremepush.XtremepushEvent
        assert event.type == CUSTOM
        assert event.payload == samples.XTREMEPUSH_CUSTOM
        named = one(signed_request, "xtremepush", {"event": "message_send", "time": None, "properties": None})
        assert isinstance(named, xtremepush.MessageEvent)
        assert named.timestamp is None
        assert named.message == xtremepush.MessageProperties()

    @pytest.mark.parametrize(
        "payload",
        [
            {"event": "message_send", "time": "later", "properties": {}},
            {"event": "message_send", "time": 1, "properties": []},
            {"event": "message_send", "time": 1, "properties": {"email": ["a", "b"]}},
        ],
    )
    def test_malformed_payloads_are_400(self, signed_request: SignedRequest, payload: Any) -> None:
        assert receive(signed_request, "xtremepush", payload) == (400, [])


class TestGenericProviders:
    def test_stripe(self, signed_request: SignedRequest) -> None:
        event = one(signed_request, "stripe", samples.STRIPE_EVENT)
        assert isinstance(event, stripe.StripeEvent)
        assert (event.type, event.id) == ("invoice.paid", "evt_1NG8Du2eZvKYlo2CUI79vXWy")
        assert event.timestamp == datetime.fromtimestamp(1700000000, tz=UTC)
        assert event.object["amount_paid"] == 2000
        assert (event.livemode, event.api_version) == (False, "2023-10-16")

    def test_standard_webhooks_id_comes_from_the_header(self, signed_request: SignedRequest) -> None:
        event = one(signed_request, "standard-webhooks", samples.STANDARD_WEBHOOKS_EVENT)
        assert isinstance(event, standard_webhooks.StandardWebhooksEvent)
        assert event.type == "contact.created"
        assert event.id is not None and event.id.startswith("msg_")
        assert event.timestamp == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
        assert event.data == {"id": "c_1", "email": "stan@mysteryshack.com"}

    def test_github_type_and_action(self, signed_request: SignedRequest) -> None:
        event = one(
            signed_request,
            "github",
            samples.GITHUB_ISSUES_EVENT,
            **{"X-GitHub-Event": "issues", "X-GitHub-Delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958"},
        )
        assert isinstance(event, github.GitHubEvent)
        assert (event.type, event.action, event.id) == (
            "issues",
            "opened",
            "72d3162e-cc78-11e3-81ab-4c9367dc0958",
        )

    def test_slack_event_callback(self, signed_request: SignedRequest) -> None:
        event = one(signed_request, "slack", samples.SLACK_EVENT_CALLBACK)
        assert isinstance(event, slack.SlackEvent)
        assert (event.type, event.event_type, event.id, event.team_id) == (
            "event_callback",
            "app_mention",
            "Ev0PV52K21",
            "T061EG9R6",
        )

    def test_slack_url_verification_echoes_the_challenge(self, signed_request: SignedRequest) -> None:
        receiver = Receiver(signed_request.provider("slack"))
        headers, body = signed_request("slack", samples.SLACK_URL_VERIFICATION)
        reply = receiver.handle("POST", headers, body, now=NOW)
        assert reply.status == 200
        assert json.loads(reply.body) == {"challenge": samples.SLACK_URL_VERIFICATION["challenge"]}

    @pytest.mark.parametrize("name", ["bearer", "basic", "hmac"])
    def test_generic_providers_read_conventional_keys(self, signed_request: SignedRequest, name: str) -> None:
        event = one(signed_request, name, {"type": "thing.happened", "id": "t1", "created": 1700000000})
        assert (event.provider, event.type, event.id) == (name, "thing.happened", "t1")
        assert event.timestamp == datetime.fromtimestamp(1700000000, tz=UTC)
        custom = one(signed_request, name, [1, 2])
        assert (custom.type, custom.payload) == (CUSTOM, [1, 2])


class TestBodies:
    @pytest.mark.parametrize(
        "body",
        [
            b"",
            b"   ",
            b"\xff\xfe{}",
            b'{"type": "message:updated", "data": {"id": "\xc3\x28"}}',
            b"{not json",
            b'{"a": NaN}',
            b'{"a": Infinity}',
            b"[" * 100_000 + b"]" * 100_000,
            b'{"n": ' + b"9" * 5000 + b"}",
            '{"type": "x"}'.encode("utf-16"),
        ],
        ids=[
            "empty",
            "blank",
            "bom",
            "invalid utf-8",
            "not json",
            "nan",
            "infinity",
            "deep",
            "huge int",
            "utf-16",
        ],
    )
    @pytest.mark.parametrize("name", ["courier", "customerio", "kourier", "xtremepush"])
    def test_undecodable_bodies_are_400(self, signed_request: SignedRequest, name: str, body: bytes) -> None:
        assert receive(signed_request, name, body) == (400, [])
