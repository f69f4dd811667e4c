"""``Receiver.handle``: the one place that decides the status, body and headers."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence

import pytest

from webhook_receiver import (
    DEFAULT_MAX_BODY_SIZE,
    ConfigurationError,
    Event,
    JSONObject,
    MemoryStore,
    Receiver,
    Reply,
    UnsupportedMediaType,
    providers,
)
from webhook_receiver.providers import kourier

from . import samples
from .conftest import NOW, SECRETS, SignedRequest

DELIVERY = samples.KOURIER_EVENTS["delivery.updated"]


@pytest.fixture
def receiver(signed_request: SignedRequest) -> Receiver:
    return Receiver(signed_request.provider("kourier"))


def body_of(reply: Reply) -> object:
    assert reply.headers["Content-Type"] == "application/json"
    return json.loads(reply.body)


class TestStatuses:
    def test_200_and_the_typed_event_reaches_the_handler(
        self, receiver: Receiver, signed_request: SignedRequest
    ) -> None:
        got: list[kourier.DeliveryUpdated] = []
        receiver.on(kourier.DeliveryUpdated)(got.append)
        reply = receiver.handle("POST", *signed_request("kourier", DELIVERY))
        assert (reply.status, body_of(reply), reply.ok, reply.error) == (200, {"ok": True}, True, None)
        assert [e.delivery_id for e in got] == ["abc123"]
        assert reply.events == tuple(got)

    def test_200_when_no_handler_matches(self, receiver: Receiver, signed_request: SignedRequest) -> None:
        receiver.on("delivery.cancelled")(lambda e: pytest.fail("must not run"))
        assert receiver.handle("POST", *signed_request("kourier", DELIVERY)).status == 200

    @pytest.mark.parametrize(
        ("headers", "code"),
        [
            ({}, "missing_header"),
            ({"Authorization": "Bearer wrong"}, "invalid_credentials"),
            ({"Authorization": "Token WEBHOOK_SECRET_TOKEN"}, "malformed_header"),
        ],
    )
    def test_401(self, receiver: Receiver, headers: dict[str, str], code: str) -> None:
        ran: list[Event] = []
        receiver.on_any(ran.append)
        reply = receiver.handle("POST", headers, json.dumps(DELIVERY).encode())
        assert (reply.status, body_of(reply), ran, reply.events) == (401, {"error": code}, [], ())
        assert "WWW-Authenticate" not in reply.headers

    def test_401_for_basic_auth_sends_a_challenge(self, signed_request: SignedRequest) -> None:
        receiver = Receiver(signed_request.provider("basic"))
        reply = receiver.handle("POST", {"Authorization": "Basic dXNlcjp3cm9uZw=="}, b"{}")
        assert reply.status == 401
        assert reply.headers["WWW-Authenticate"] == 'Basic realm="webhooks", charset="UTF-8"'
        assert reply.headers["Content-Type"] == "application/json"

    @pytest.mark.parametrize("tolerance_breach", [-301, 301])
    def test_401_for_stale_and_future_requests(
        self, signed_request: SignedRequest, tolerance_breach: int
    ) -> None:
        receiver = Receiver(signed_request.provider("courier"))
        headers, body = signed_request("courier", samples.COURIER_MESSAGE_UPDATED, now=NOW + tolerance_breach)
        reply = receiver.handle("POST", headers, body, now=NOW)
        assert (reply.status, body_of(reply)) == (401, {"error": "timestamp_outside_tolerance"})

    def test_400(self, receiver: Receiver, signed_request: SignedRequest) -> None:
        reply = receiver.handle("POST", *signed_request("kourier", {"status": "in_transit"}))
        assert (reply.status, body_of(reply)) == (400, {"error": "invalid_payload"})

    @pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "get", "BREW"])
    def test_405_with_allow(self, receiver: Receiver, signed_request: SignedRequest, method: str) -> None:
        reply = receiver.handle(method, *signed_request("kourier", DELIVERY))
        assert (reply.status, body_of(reply)) == (405, {"error": "method_not_allowed"})
        assert reply.headers["Allow"] == "POST"

    def test_lowercase_post_is_post(self, receiver: Receiver, signed_request: SignedRequest) -> None:
        assert receiver.handle("post", *signed_request("kourier", DELIVERY)).status == 200

    def test_413_before_any_verification(self, signed_request: SignedRequest) -> None:
        receiver = Receiver(signed_request.provider("kourier"), max_body_size=100)
        headers, _ = signed_request("kourier", DELIVERY)
        assert receiver.handle("POST", headers, b"x" * 100).status == 400  # at the limit: parsed
        reply = receiver.handle("POST", {}, b"x" * 101)  # no credentials at all: still 413
        assert (reply.status, body_of(reply)) == (413, {"error": "body_too_large"})
        assert receiver.max_body_size == 100
        assert Receiver(signed_request.provider("kourier")).max_body_size == DEFAULT_MAX_BODY_SIZE

    @pytest.mark.parametrize(
        ("content_type", "status"),
        [
            ("application/json", 200),
            ("application/json; charset=utf-8", 200),
            ("Application/JSON", 200),
            ("application/vnd.kourier+json", 200),
            ("text/plain", 415),
            ("application/x-www-form-urlencoded", 415),
            ("multipart/form-data; boundary=x", 415),
        ],
    )
    def test_content_types(
        self, receiver: Receiver, signed_request: SignedRequest, content_type: str, status: int
    ) -> None:
        headers, body = signed_request("kourier", DELIVERY, extra={"Content-Type": content_type})
        reply = receiver.handle("POST", headers, body)
        assert reply.status == status
        if status == 415:
            assert body_of(reply) == {"error": "unsupported_media_type"}

    def test_missing_content_type_is_accepted_and_a_repeated_one_is_not(
        self, receiver: Receiver, signed_request: SignedRequest
    ) -> None:
        headers, body = signed_request("kourier", DELIVERY)
        del headers["Content-Type"]
        assert receiver.handle("POST", headers, body).status == 200
        pairs = [*headers.items(), ("content-type", "application/json"), ("Content-Type", "text/plain")]
        assert receiver.handle("POST", pairs, body).status == 415

    def test_content_type_check_can_be_switched_off(self, signed_request: SignedRequest) -> None:
        receiver = Receiver(signed_request.provider("kourier"), content_types=None)
        headers, body = signed_request("kourier", DELIVERY, extra={"Content-Type": "text/plain"})
        assert receiver.handle("POST", headers, body).status == 200

    def test_500_when_a_handler_raises(self, receiver: Receiver, signed_request: SignedRequest) -> None:
        @receiver.on("delivery.updated")
        def broken(event: Event) -> None:
            raise RuntimeError("database is down: password=hunter2")

        reply = receiver.handle("POST", *signed_request("kourier", DELIVERY))
        assert (reply.status, body_of(reply)) == (500, {"error": "handler_failed"})
        assert b"hunter2" not in reply.body and b"database" not in reply.body
        assert len(reply.events) == 1


class TestPrecheckedHeaders:
    """An adapter prechecks before reading the body, then hands the same view to ``handle``."""

    def test_the_prechecked_view_is_answered_like_the_raw_headers(
        self, receiver: Receiver, signed_request: SignedRequest
    ) -> None:
        headers, body = signed_request("kourier", DELIVERY)
        view = receiver.precheck("POST", headers)
        assert receiver.precheck("POST", view) is view
        reply = receiver.handle("POST", view, body)
        assert (reply.status, body_of(reply)) == (200, {"ok": True})
        assert receiver.handle("GET", view, body).status == 405  # the method is checked again
        assert receiver.handle("POST", view, body + b" " * DEFAULT_MAX_BODY_SIZE).status == 413

    def test_a_view_another_receiver_prechecked_is_checked_again(self, signed_request: SignedRequest) -> None:
        lenient = Receiver(signed_request.provider("kourier"), content_types=None)
        strict = Receiver(signed_request.provider("kourier"))
        headers, body = signed_request("kourier", DELIVERY, extra={"Content-Type": "text/plain"})
        view = lenient.precheck("POST", headers)
        assert lenient.handle("POST", view, body).status == 200
        reply = strict.handle("POST", view, body)
        assert (reply.status, body_of(reply)) == (415, {"error": "unsupported_media_type"})
        with pytest.raises(UnsupportedMediaType):
            strict.precheck("POST", view)

    def test_a_provider_that_overrides_answer_is_asked_every_time(
        self, signed_request: SignedRequest
    ) -> None:
        class Counting(providers.Kourier):
            def answer(self, events: Sequence[Event]) -> JSONObject:
                return {"received": len(events)}

        receiver = Receiver(Counting(**SECRETS["kourier"]))
        headers, body = signed_request("kourier", DELIVERY)
        assert body_of(receiver.handle("POST", headers, body)) == {"received": 1}
        assert body_of(asyncio.run(receiver.handle_async("POST", headers, body))) == {"received": 1}

        class Unslotted(providers.Kourier):  # a subclass without __slots__ has a __dict__
            pass

        provider = Unslotted(**SECRETS["kourier"])
        provider.answer = lambda events: {"instance": True}  # type: ignore[method-assign]
        assert body_of(Receiver(provider).handle("POST", headers, body)) == {"instance": True}

    def test_a_repeated_answer_reuses_its_json_only_when_it_is_the_same_answer(
        self, signed_request: SignedRequest
    ) -> None:
        """The last answer's JSON is reused (Slack's {"ok": true} on every request), but an
        answer equal by == and different as JSON (1 == True == 1.0) is encoded anew."""
        answers: list[JSONObject] = [{"ok": True}, {"ok": True}, {"ok": 1}, {"ok": 1.0}, {"ok": True}]
        answers += [{"challenge": "a"}, {"challenge": "b"}, {"nested": {"ok": True}}, {"nested": {"ok": 1}}]

        class Scripted(providers.Kourier):
            def answer(self, events: Sequence[Event]) -> JSONObject:
                return answers[self.calls.pop(0)]

            calls: list[int]

        provider = Scripted(**SECRETS["kourier"])
        provider.calls = list(range(len(answers)))
        receiver = Receiver(provider)
        headers, body = signed_request("kourier", DELIVERY)
        bodies = [receiver.handle("POST", headers, body).body for _ in answers]
        assert bodies == [json.dumps(answer, separators=(",", ":")).encode() for answer in answers]
        assert bodies[2:4] == [b'{"ok":1}', b'{"ok":1.0}']


class TestBatches:
    def test_one_failing_event_fails_the_batch_but_every_event_runs(
        self, signed_request: SignedRequest
    ) -> None:
        receiver = Receiver(signed_request.provider("customerio"))
        ran: list[str] = []

        @receiver.on("track")
        def handler(event: Event) -> None:
            assert isinstance(event.payload, dict)
            ran.append(str(event.payload["userId"]))
            if event.payload["userId"] == "2":
                raise ValueError("bad user")

        batch = [{"type": "track", "userId": str(i), "event": "Signed Up"} for i in range(5)]
        reply = receiver.handle("POST", *signed_request("customerio", batch))
        assert reply.status == 500
        assert ran == ["0", "1", "2", "3", "4"]

    def test_methods_customerio_may_use(self, signed_request: SignedRequest) -> None:
        receiver = Receiver(signed_request.provider("customerio"))
        headers, body = signed_request("customerio", samples.CUSTOMERIO_BATCH)
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            assert receiver.handle(method, headers, body).status == 200
        assert receiver.handle("GET", headers, body).headers["Allow"] == "POST, PUT, PATCH, DELETE"


class TestAsyncHandle:
    def test_same_statuses_and_async_handlers(
        self, receiver: Receiver, signed_request: SignedRequest
    ) -> None:
        got: list[str] = []

        @receiver.on(kourier.DeliveryUpdated)
        async def moved(event: kourier.DeliveryUpdated) -> None:
            await asyncio.sleep(0)
            got.append(event.status)

        headers, body = signed_request("kourier", DELIVERY)

        async def main() -> list[int]:
            replies = [
                await receiver.handle_async("POST", headers, body),
                await receiver.handle_async("POST", {}, body),
                await receiver.handle_async("GET", headers, body),
            ]
            return [r.status for r in replies]

        assert asyncio.run(main()) == [200, 401, 405]
        assert got == ["in_transit"]

    def test_handler_failure_is_500(self, receiver: Receiver, signed_request: SignedRequest) -> None:
        receiver.on_any(lambda e: 1 / 0)
        assert asyncio.run(receiver.handle_async("POST", *signed_request("kourier", DELIVERY))).status == 500


class TestLoggingAndSecrets:
    @pytest.mark.parametrize("name", sorted(SECRETS))
    def test_rejections_are_logged_without_secrets(
        self, signed_request: SignedRequest, caplog: pytest.LogCaptureFixture, name: str
    ) -> None:
        receiver = Receiver(signed_request.provider(name))
        headers, body = signed_request(name, {"type": "x", "event": "y"})
        with caplog.at_level(logging.WARNING, logger="webhook_receiver"):
            reply = receiver.handle("POST", headers, body + b" tampered")
        secrets = [v for v in SECRETS[name].values() if isinstance(v, str) and len(v) > 4]
        if name in ("courier-channel", "kourier", "xtremepush", "bearer", "basic"):
            assert reply.status == 400  # the credential is fine; the tampered body is not JSON
        else:
            assert reply.status == 401
        logged = " ".join(r.getMessage() for r in caplog.records)
        assert f"rejected {name} webhook" in logged
        for text in (*secrets, *headers.values()):
            if len(text) > 16:
                assert text not in logged
                assert text.encode() not in reply.body
        for secret in secrets:
            assert secret not in logged
            assert secret not in repr(receiver)


class TestConfiguration:
    @pytest.mark.parametrize("size", [0, -1, 1.5, True, "5"])
    def test_bad_size_limit(self, size: object) -> None:
        with pytest.raises(ConfigurationError):
            Receiver(providers.Kourier(token="t"), max_body_size=size)  # type: ignore[arg-type]

    def test_provider_must_be_a_provider(self) -> None:
        with pytest.raises(ConfigurationError):
            Receiver("kourier")  # type: ignore[arg-type]

    def test_methods_override(self) -> None:
        receiver = Receiver(providers.Kourier(token="t"), methods=["post", "put"])
        assert receiver.methods == ("POST", "PUT")
        with pytest.raises(ConfigurationError):
            Receiver(providers.Kourier(token="t"), methods=[])

    def test_repr(self) -> None:
        receiver = Receiver(providers.Kourier(token="s3cr3t-t0ken"))
        receiver.on_any(print)
        assert "s3cr3t" not in repr(receiver)
        assert "1 route(s)" in repr(receiver)


class TestDebugLog:
    """The first hour (issue 19): at DEBUG, each accepted event and each duplicate skipped
    is logged with its provider, type and id (never its payload); nothing above DEBUG."""

    def test_an_accepted_event_and_a_skipped_duplicate_are_logged_at_debug(
        self, signed_request: SignedRequest, caplog: pytest.LogCaptureFixture
    ) -> None:
        receiver = Receiver(signed_request.provider("customerio"), store=MemoryStore())
        receiver.on_any(lambda event: None)
        first = samples.CUSTOMERIO_EVENTS["identify"]
        second = {**first, "messageId": "another-message"}
        headers, body = signed_request("customerio", [first, first])
        with caplog.at_level(logging.DEBUG, logger="webhook_receiver"):
            assert receiver.handle("POST", headers, body, now=NOW).status == 200
            headers, body = signed_request("customerio", [first, second])
            assert receiver.handle("POST", headers, body, now=NOW).status == 200
        debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
        message_id = repr(first["messageId"])
        skipped = f"skipped a duplicate customerio 'identify' event (id {message_id})"
        assert debug == [
            f"accepted a customerio 'identify' event (id {message_id})",
            f"accepted a customerio 'identify' event (id {message_id})",
            f"{skipped}: it came twice in this request",
            f"accepted a customerio 'identify' event (id {message_id})",
            "accepted a customerio 'identify' event (id 'another-message')",
            f"{skipped}: it was already processed",
        ]

    def test_an_event_without_an_id_is_named_so_and_nothing_is_logged_above_debug(
        self, signed_request: SignedRequest, caplog: pytest.LogCaptureFixture
    ) -> None:
        receiver = Receiver(signed_request.provider("courier"))
        headers, body = signed_request("courier", samples.COURIER_MESSAGE_UPDATED)
        with caplog.at_level(logging.DEBUG, logger="webhook_receiver"):
            assert receiver.handle("POST", headers, body, now=NOW).status == 200
        assert [r.getMessage() for r in caplog.records] == [
            "accepted a courier 'message:updated' event (no id)"
        ]
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="webhook_receiver"):
            assert receiver.handle("POST", headers, body, now=NOW).status == 200
        assert caplog.records == []
