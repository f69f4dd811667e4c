"""Minimal reproductions of what the gate fuzz harness found in the new providers.

Each failed against commit c5ffb5c (the 22 new providers as first committed): two
replays that ran a Twilio handler again past the store, a Meta notification without
items answered 200 with no event, and the SNS signing helper raising ``TypeError``.
The harness's own triggers for the first three are the known-bug features
``twilio-repeated-field`` and ``meta-empty-items`` (``tests/gate_harness.py``).
Commit 506e148, made while the harness was being extended, fixed all four, so they
are regression tests rather than ``xfail(strict=True)`` ones; should one fail again,
mark it ``xfail(strict=True)`` with its reason and list its feature in
``tests/test_gate_fuzz.py``'s ``OPEN_BUGS``.
"""

from __future__ import annotations

import json

from webhook_receiver import MemoryStore, Receiver, providers, testing

FORM = "application/x-www-form-urlencoded"


def _twilio() -> tuple[Receiver, list[object]]:
    provider = providers.create("twilio", **testing.DEMO_OPTIONS["twilio"])
    receiver = Receiver(provider, store=MemoryStore())
    runs: list[object] = []
    receiver.on_any(lambda event: runs.append(event.payload))
    return receiver, runs


def test_a_twilio_form_replayed_with_a_repeated_field_is_a_duplicate() -> None:
    """A form field sent twice signs like the form that was signed (Twilio signs each
    distinct value once); identified by its payload, where the field became a list, the
    captured request replayed with a field repeated ran its handler again past the store."""
    receiver, runs = _twilio()
    headers, body = testing.signed_request(
        receiver.provider, b"AccountSid=AC1&MessageSid=SM1&MessageStatus=delivered&X=1"
    )
    headers["Content-Type"] = FORM
    assert receiver.handle("POST", headers, body).status == 200
    replay = receiver.handle("POST", headers, body + b"&X=1")  # the same signed fields
    assert replay.status == 200
    assert len(runs) == 1, runs


def test_a_twilio_form_replayed_with_repeated_values_reordered_is_a_duplicate() -> None:
    """A repeated field's values are signed sorted but were kept in the payload in the order
    sent: the same signed form with its values in another order ran its handler again."""
    receiver, runs = _twilio()
    headers, body = testing.signed_request(
        receiver.provider, b"AccountSid=AC1&MessageSid=SM1&MessageStatus=delivered&X=1&X=2"
    )
    headers["Content-Type"] = FORM
    assert receiver.handle("POST", headers, body).status == 200
    replay = receiver.handle("POST", headers, body.replace(b"X=1&X=2", b"X=2&X=1"))
    assert replay.status == 200
    assert len(runs) == 1, runs


def test_a_meta_notification_without_items_is_refused_like_an_empty_batch() -> None:
    """A signed notification whose entries carry only empty item lists was answered 200
    with no event (nothing dispatched, nothing stored), where an empty ``entry`` list, and
    an empty batch of every other provider, is refused 400."""
    provider = providers.create("meta", secret="gate-meta-app-secret")
    receiver = Receiver(provider)
    empty = b'{"object":"page","entry":[]}'
    assert receiver.handle("POST", testing.sign(provider, empty), empty).status == 400
    body = b'{"object":"page","entry":[{"id":"108224188712345","time":1706160867,"changes":[]}]}'
    reply = receiver.handle("POST", testing.sign(provider, body), body)
    assert reply.status == 400, (reply.status, reply.events)


def test_sns_signed_request_signs_a_body_whose_type_is_not_text() -> None:
    """``AwsSns.sign_request`` looked the body's ``Type`` up in a dict: a JSON object whose
    ``Type`` is an array raised ``TypeError`` instead of becoming the ``Message`` of a new
    Notification, as its docstring says anything else does."""
    provider = providers.create("aws-sns", **testing.DEMO_OPTIONS["aws-sns"])
    source = b'{"Type":[],"MessageId":"m1"}'
    headers, body = testing.signed_request(provider, source)
    message = json.loads(body)
    assert message["Type"] == "Notification" and message["Message"] == source.decode()
    assert provider.verify(headers, body)


def test_a_twilio_form_replayed_with_a_name_value_boundary_moved_is_a_duplicate() -> None:
    """Twilio's signed string has no separators: ``Xa=b`` and ``X=ab`` sign alike. The
    event is identified by that string, so the re-split copy runs nothing again."""
    receiver, runs = _twilio()
    headers, body = testing.signed_request(
        receiver.provider, b"AccountSid=AC1&MessageSid=SM1&MessageStatus=delivered&Xa=b"
    )
    headers["Content-Type"] = FORM
    assert receiver.handle("POST", headers, body).status == 200
    moved = body.replace(b"Xa=b", b"X=ab")
    replay = receiver.handle("POST", headers, moved)
    assert replay.status == 200  # it verifies: Twilio's design, not ours
    assert len(runs) == 1, runs
