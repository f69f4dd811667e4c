"""The contract every adapter keeps, through each framework's real test client."""

from __future__ import annotations

import json

from webhook_receiver import Event, providers
from webhook_receiver.providers import courier, kourier

from .spec import (
    COURIER_PATH,
    COURIER_SECRET,
    KOURIER_PATH,
    KOURIER_TOKEN,
    LIMIT,
    OTHER_BODY,
    OTHER_PATH,
    Harness,
)

DELIVERY = {
    "event": "delivery.updated",
    "delivery_id": "abc123",
    "status": "in_transit",
    "timestamp": "2024-09-14T14:30:00Z",
}
JSON = {"Content-Type": "application/json"}
BEARER = {**JSON, "Authorization": f"Bearer {KOURIER_TOKEN}"}


def kourier_body(**changes: object) -> bytes:
    return json.dumps({**DELIVERY, **changes}).encode()


def courier_request(now_offset: float = 0) -> tuple[dict[str, str], bytes]:
    import time

    body = json.dumps({"type": "message:updated", "data": {"id": "1-abc", "status": "DELIVERED"}}).encode()
    signer = providers.Courier(secret=COURIER_SECRET)
    return {**JSON, **signer.sign(body, now=time.time() + now_offset)}, body


def test_valid_request_is_200_and_the_handler_got_the_typed_event(
    harness: Harness, received: list[Event]
) -> None:
    response = harness.request("POST", KOURIER_PATH, BEARER, kourier_body())
    assert response.status == 200, response.body
    assert len(received) == 1
    event = received[0]
    assert isinstance(event, kourier.DeliveryUpdated)
    assert (event.delivery_id, event.status) == ("abc123", kourier.DeliveryStatus.IN_TRANSIT)


def test_valid_signed_request_reaches_an_async_handler(harness: Harness, received: list[Event]) -> None:
    headers, body = courier_request()
    response = harness.request("POST", COURIER_PATH, headers, body)
    assert response.status == 200, response.body
    assert [type(e) for e in received] == [courier.MessageUpdated]


def test_bad_signature_is_401(harness: Harness, received: list[Event]) -> None:
    headers, body = courier_request()
    response = harness.request("POST", COURIER_PATH, headers, body.replace(b"DELIVERED", b"OPENED"))
    assert response.status == 401
    assert b"signature_mismatch" in response.body
    assert received == []


def test_bad_token_is_401(harness: Harness, received: list[Event]) -> None:
    response = harness.request("POST", KOURIER_PATH, {**JSON, "Authorization": "Bearer nope"}, kourier_body())
    assert response.status == 401
    assert received == []


def test_stale_request_is_401(harness: Harness, received: list[Event]) -> None:
    headers, body = courier_request(now_offset=-3600)
    response = harness.request("POST", COURIER_PATH, headers, body)
    assert response.status == 401
    assert b"timestamp_outside_tolerance" in response.body
    assert received == []


def test_handler_raised_is_500(harness: Harness) -> None:
    response = harness.request("POST", KOURIER_PATH, BEARER, kourier_body(event="delivery.cancelled"))
    assert response.status == 500
    assert b"the handler failed" not in response.body


def test_malformed_payload_is_400(harness: Harness, received: list[Event]) -> None:
    response = harness.request("POST", KOURIER_PATH, BEARER, b'{"event": "delivery.updated"}')
    assert response.status == 400
    assert received == []


def test_wrong_method_is_405(harness: Harness) -> None:
    response = harness.request("GET", KOURIER_PATH, BEARER, b"")
    assert response.status == 405
    assert "POST" in response.headers.get("allow", "")


def test_unsupported_content_type_is_415(harness: Harness) -> None:
    response = harness.request("POST", KOURIER_PATH, {**BEARER, "Content-Type": "text/plain"}, kourier_body())
    assert response.status == 415


def test_body_over_the_limit_is_413(harness: Harness, received: list[Event]) -> None:
    body = kourier_body(padding="x" * LIMIT)
    response = harness.request("POST", KOURIER_PATH, BEARER, body)
    assert response.status == 413
    assert received == []


def test_body_over_the_limit_without_content_length_is_413(harness: Harness, received: list[Event]) -> None:
    if not harness.chunked:
        return  # this test client always sends Content-Length (see the harness)
    body = kourier_body(padding="x" * (LIMIT * 4))
    chunks = (body[i : i + 1024] for i in range(0, len(body), 1024))
    response = harness.request("POST", KOURIER_PATH, BEARER, chunks)
    assert response.status == 413
    assert received == []


def test_chunked_body_under_the_limit_is_accepted(harness: Harness, received: list[Event]) -> None:
    if not harness.chunked:
        return
    body = kourier_body()
    response = harness.request(
        "POST", KOURIER_PATH, BEARER, (body[i : i + 16] for i in range(0, len(body), 16))
    )
    assert response.status == 200, response.body
    assert len(received) == 1


def test_unrelated_paths_are_untouched(harness: Harness, received: list[Event]) -> None:
    for method in ("GET", "POST"):
        response = harness.request(method, OTHER_PATH, {"Content-Type": "text/plain"}, b"not a webhook")
        assert (response.status, response.body) == (200, OTHER_BODY)
    assert harness.request("GET", "/no/such/path", {}, b"").status == 404
    assert received == []
