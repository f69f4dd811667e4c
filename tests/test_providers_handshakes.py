"""Meta, Zoom, Twitch and Discord: the providers whose senders check a handshake.

Each is signed here as its sender signs (the standard library's ``hmac`` for the
HMAC providers, PyNaCl for Discord's Ed25519), and checked for: the handshake's
exact answer (and no answer when verification fails), typed parsing of every
sample, identity from signed material only, ``Secret`` expiry, configuration
errors, secrets kept out of reprs and messages, and hostile bodies.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import nacl.exceptions
import nacl.signing
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webhook_receiver import (
    ConfigurationError,
    Event,
    Headers,
    MemoryStore,
    MissingDependency,
    Receiver,
    Reply,
    Secret,
    SignatureMismatch,
    SQLiteInbox,
    TimestampOutsideTolerance,
    WebhookError,
    providers,
)
from webhook_receiver.providers import discord, meta, twitch, zoom
from webhook_receiver.providers._base import Provider
from webhook_receiver.testing import DEMO_OPTIONS, DEMO_PRIVATE_KEYS, samples, signed_request

from .conftest import NOW

GROUP = ("meta", "zoom", "twitch", "discord")
JSON = {"Content-Type": "application/json"}


def mac(key: str | bytes, message: bytes) -> str:
    return hmac.new(key.encode() if isinstance(key, str) else key, message, hashlib.sha256).hexdigest()


def compact(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def rfc3339(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") + "123Z"


# --- signing as each sender does, with the standard library (or PyNaCl) ----------------------------


def meta_headers(body: bytes, secret: str = "meta-app-secret") -> dict[str, str]:
    return {**JSON, "X-Hub-Signature-256": "sha256=" + mac(secret, body)}


def zoom_headers(body: bytes, secret: str = "zoom-secret-token", at: float = NOW) -> dict[str, str]:
    stamp = str(int(at))
    return {
        **JSON,
        "x-zm-request-timestamp": stamp,
        "x-zm-signature": "v0=" + mac(secret, f"v0:{stamp}:".encode() + body),
    }


def twitch_headers(
    body: bytes,
    secret: str = "twitch-secret-0123",
    at: float = NOW,
    message_id: str = "befa7b53-d79d-478f-86b9-120f112b044e",
    message_type: str = "notification",
) -> dict[str, str]:
    stamp = rfc3339(at)
    return {
        **JSON,
        "Twitch-Eventsub-Message-Id": message_id,
        "Twitch-Eventsub-Message-Timestamp": stamp,
        "Twitch-Eventsub-Message-Signature": "sha256=" + mac(secret, (message_id + stamp).encode() + body),
        "Twitch-Eventsub-Message-Type": message_type,
        "Twitch-Eventsub-Message-Retry": "0",
    }


DISCORD_KEY = nacl.signing.SigningKey(hashlib.sha256(b"tests: discord application").digest())
DISCORD_PUBLIC = bytes(DISCORD_KEY.verify_key).hex()


def discord_headers(
    body: bytes, key: nacl.signing.SigningKey = DISCORD_KEY, at: float = NOW
) -> dict[str, str]:
    stamp = str(int(at))
    return {
        **JSON,
        "X-Signature-Ed25519": key.sign(stamp.encode() + body).signature.hex(),
        "X-Signature-Timestamp": stamp,
    }


def clock() -> float:
    return float(NOW)


def make(name: str, **options: Any) -> Provider:
    defaults: dict[str, dict[str, Any]] = {
        "meta": {"secret": "meta-app-secret", "verify_token": "meta-verify-token"},
        "zoom": {"secret": "zoom-secret-token"},
        "twitch": {"secret": "twitch-secret-0123"},
        "discord": {"public_key": DISCORD_PUBLIC},
    }
    return providers.create(name, **{**defaults[name], **options}, clock=clock)


SIGNERS: dict[str, Callable[[bytes], dict[str, str]]] = {
    "meta": meta_headers,
    "zoom": zoom_headers,
    "twitch": twitch_headers,
    "discord": discord_headers,
}


def post(receiver: Receiver, body: bytes, headers: dict[str, str], **kwargs: Any) -> Reply:
    return receiver.handle("POST", headers, body, now=NOW, **kwargs)


# --- every sample: typed, rebuilt exactly, answered ---------------------------------------------------

TYPED: dict[tuple[str, str], type[Event]] = {
    ("meta", "whatsapp_business_account.messages"): meta.WhatsAppMessages,
    ("meta", "whatsapp_business_account.message_template_status_update"): meta.MetaChange,
    ("meta", "page.messages"): meta.MessagingMessage,
    ("meta", "page.messaging_postbacks"): meta.MessagingPostback,
    ("meta", "page.message_reactions"): meta.MessagingReaction,
    ("meta", "page.message_deliveries"): meta.MessagingEvent,
    ("meta", "page.message_reads"): meta.MessagingEvent,
    ("meta", "page.feed"): meta.MetaChange,
    ("meta", "instagram.messages"): meta.MessagingMessage,
    ("meta", "instagram.comments"): meta.MetaChange,
    ("zoom", "endpoint.url_validation"): zoom.UrlValidation,
    ("zoom", "meeting.created"): zoom.MeetingEvent,
    ("zoom", "meeting.started"): zoom.MeetingEvent,
    ("zoom", "meeting.ended"): zoom.MeetingEvent,
    ("zoom", "meeting.participant_joined"): zoom.ParticipantEvent,
    ("zoom", "meeting.participant_left"): zoom.ParticipantEvent,
    ("zoom", "recording.completed"): zoom.RecordingEvent,
    ("zoom", "user.created"): zoom.ZoomEvent,
    ("twitch", "webhook_callback_verification"): twitch.CallbackVerification,
    ("twitch", "revocation"): twitch.Revocation,
    ("twitch", "stream.online"): twitch.StreamOnline,
    ("twitch", "stream.offline"): twitch.StreamOffline,
    ("twitch", "channel.follow"): twitch.ChannelFollow,
    ("twitch", "channel.subscribe"): twitch.ChannelSubscribe,
    ("twitch", "channel.cheer"): twitch.ChannelCheer,
    ("twitch", "channel.raid"): twitch.ChannelRaid,
    ("twitch", "channel.update"): twitch.ChannelUpdate,
    ("twitch", "channel.channel_points_custom_reward_redemption.add"): twitch.ChannelPointsRedemption,
    ("twitch", "drop.entitlement.grant"): twitch.DropEntitlementGrant,
    ("discord", "PING"): discord.Ping,
    ("discord", "APPLICATION_COMMAND"): discord.ApplicationCommand,
    ("discord", "MESSAGE_COMPONENT"): discord.MessageComponent,
    ("discord", "APPLICATION_COMMAND_AUTOCOMPLETE"): discord.CommandAutocomplete,
    ("discord", "MODAL_SUBMIT"): discord.ModalSubmit,
    ("discord", "WEBHOOK_PING"): discord.WebhookPing,
    ("discord", "APPLICATION_AUTHORIZED"): discord.ApplicationAuthorized,
    ("discord", "APPLICATION_DEAUTHORIZED"): discord.ApplicationDeauthorized,
    ("discord", "ENTITLEMENT_CREATE"): discord.EntitlementCreate,
    ("discord", "LOBBY_MESSAGE_CREATE"): discord.WebhookEvent,
}
GROUP_SAMPLES = [s for s in samples() if s.provider in GROUP]


def test_every_documented_type_has_a_sample_and_a_class() -> None:
    assert {(s.provider, s.type) for s in GROUP_SAMPLES} == set(TYPED)


@pytest.mark.parametrize("sample", GROUP_SAMPLES, ids=lambda s: f"{s.provider}:{s.type}")
def test_every_sample_round_trips_through_the_testing_signer(sample: Any) -> None:
    headers, body = signed_request(sample.provider, sample.body)
    provider = providers.create(sample.provider, **DEMO_OPTIONS[sample.provider])
    verified = provider.verify(headers, body)
    view = Headers({**sample.headers, **headers})
    events, saved = provider.parse_verified(view, body, verified)
    assert len(events) == 1
    event = events[0]
    assert type(event) is TYPED[(sample.provider, sample.type)]
    assert (event.provider, event.type) == (sample.provider, sample.type)
    # A worker rebuilds the same event from its payload and the stored event headers.
    assert provider.rebuild(event.payload, saved) == event
    # No credential or signature is among what is stored beside the event.
    for _, value in saved:
        assert value not in {v for k, v in headers.items() if "signature" in k.lower()}


@pytest.mark.parametrize("sample", GROUP_SAMPLES, ids=lambda s: f"{s.provider}:{s.type}")
def test_every_sample_signed_by_the_provider_itself_verifies(sample: Any) -> None:
    provider = make(sample.provider)
    headers = SIGNERS[sample.provider](sample.body)
    reply = post(Receiver(provider), sample.body, {**sample.headers, **headers})
    assert reply.ok, reply.body
    assert [type(e) for e in reply.events] == [TYPED[(sample.provider, sample.type)]]


def test_typed_fields_read_the_documented_payloads() -> None:
    def parsed(name: str, kind: str) -> Any:
        sample = next(s for s in GROUP_SAMPLES if (s.provider, s.type) == (name, kind))
        return make(name).parse(sample.headers, sample.body)[0]

    whatsapp = parsed("meta", "whatsapp_business_account.messages")
    assert (whatsapp.object, whatsapp.entry_id, whatsapp.field) == (
        "whatsapp_business_account",
        "102290129340398",
        "messages",
    )
    assert whatsapp.phone_number_id == "106540352242922"
    assert whatsapp.messages[0]["text"] == {"body": "Is the Mystery Shack open today?"}
    assert whatsapp.timestamp == datetime.fromtimestamp(1706160867, UTC)
    message = parsed("meta", "page.messages")
    assert (message.sender_id, message.recipient_id, message.text) == (
        "6985215948210034",
        "108224188712345",
        "hello, world!",
    )
    assert (message.quick_reply_payload, message.is_echo) == ("DEVELOPER_DEFINED_PAYLOAD", False)
    assert message.reply_to_mid == "m_1fTq8oLumEyIp3Q2MR-aY7IfLZDamVrALniheU"
    postback = parsed("meta", "page.messaging_postbacks")
    assert (postback.title, postback.postback_payload) == ("Get Started", "GET_STARTED")
    reaction = parsed("meta", "page.message_reactions")
    assert (reaction.action, reaction.reaction) == ("react", "love")
    assert parsed("meta", "page.feed").value["verb"] == "add"

    validation = parsed("zoom", "endpoint.url_validation")
    assert validation.plain_token == "qgg8vlvZRS6UYooatFL8Aw"
    joined = parsed("zoom", "meeting.participant_joined")
    assert (joined.meeting_id, joined.participant_name, joined.account_id) == (
        "85746065432",
        "Dipper Pines",
        "AAAAAABBBB",
    )
    assert joined.start_time == datetime(2024, 1, 25, 5, 30, tzinfo=UTC)
    recording = parsed("zoom", "recording.completed")
    assert recording.recording_files[0]["file_type"] == "MP4"
    assert recording.download_token is not None and recording.download_token not in repr(recording)
    assert parsed("zoom", "meeting.created").operator == "stan@mysteryshack.com"

    follow = parsed("twitch", "channel.follow")
    assert (follow.user_login, follow.broadcaster_user_id, follow.subscription_version) == (
        "cooler_user",
        "1337",
        "2",
    )
    assert follow.message_type == "notification"
    raid = parsed("twitch", "channel.raid")
    assert (raid.viewers, raid.to_broadcaster_user_id) == (9001, "1337")
    revocation = parsed("twitch", "revocation")
    assert revocation.subscription_status == "authorization_revoked"
    assert parsed("twitch", "webhook_callback_verification").challenge == "pogchamp-kappa-360noscope-vohiyo"
    assert parsed("twitch", "channel.cheer").bits == 1000

    command = parsed("discord", "APPLICATION_COMMAND")
    assert (command.command_name, command.interaction_type, command.user_id) == (
        "blep",
        2,
        "53908232506183680",
    )
    assert command.timestamp is not None and command.timestamp.year == 2024  # from the snowflake
    assert command.token is not None and command.token not in repr(command)
    component = parsed("discord", "MESSAGE_COMPONENT")
    assert (component.custom_id, component.values) == ("class_select_1", ["mage", "rogue"])
    authorized = parsed("discord", "APPLICATION_AUTHORIZED")
    assert (authorized.user_id, authorized.scopes, authorized.integration_type) == (
        "53908232506183680",
        ["applications.commands"],
        1,
    )
    assert authorized.timestamp == datetime(2024, 10, 18, 14, 42, 53, 64834, tzinfo=UTC)
    entitlement = parsed("discord", "ENTITLEMENT_CREATE")
    assert (entitlement.entitlement_id, entitlement.sku_id) == ("1234505980407808808", "123489045643835123")


# --- Meta ---------------------------------------------------------------------------------------------


def meta_query(**parameters: str) -> str:
    return urlencode({f"hub.{name}": value for name, value in parameters.items()})


OK_QUERY = meta_query(mode="subscribe", challenge="1158201444", verify_token="meta-verify-token")


def test_meta_answers_the_verification_request_with_its_challenge_only() -> None:
    receiver = Receiver(make("meta"))
    reply = receiver.handle("GET", {}, b"", query=OK_QUERY, now=NOW)
    assert (reply.status, reply.body, dict(reply.headers)) == (
        200,
        b"1158201444",
        {"Content-Type": "text/plain; charset=utf-8"},
    )
    assert reply.events == ()


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        (meta_query(mode="subscribe", challenge="1", verify_token="wrong"), 401, "invalid_credentials"),
        (
            meta_query(mode="subscribe", challenge="1", verify_token="meta-verify-token "),
            401,
            "invalid_credentials",
        ),
        (meta_query(mode="subscribe", challenge="1"), 401, "missing_header"),
        (meta_query(mode="subscribe", challenge="1", verify_token=""), 401, "missing_header"),
        ("", 401, "missing_header"),
        (
            meta_query(mode="unsubscribe", challenge="1", verify_token="meta-verify-token"),
            400,
            "invalid_payload",
        ),
        (meta_query(challenge="1", verify_token="meta-verify-token"), 400, "invalid_payload"),
        (meta_query(mode="subscribe", verify_token="meta-verify-token"), 400, "invalid_payload"),
        (
            meta_query(mode="subscribe", challenge="1\n2", verify_token="meta-verify-token"),
            400,
            "invalid_payload",
        ),
        (
            meta_query(mode="subscribe", challenge="9" * 1025, verify_token="meta-verify-token"),
            400,
            "invalid_payload",
        ),
        (OK_QUERY + "&hub.verify_token=meta-verify-token", 400, "invalid_payload"),
        (OK_QUERY + "&hub.challenge=2", 400, "invalid_payload"),
        (OK_QUERY + "&other=%zz", 400, "invalid_payload"),
        (OK_QUERY + "&other=%ff", 400, "invalid_payload"),
        (OK_QUERY + "&other=caf\u00e9", 400, "invalid_payload"),
        (OK_QUERY + "&other=a b", 400, "invalid_payload"),
        (OK_QUERY + "&novalue", 400, "invalid_payload"),
        (OK_QUERY + "".join(f"&x{i}=1" for i in range(40)), 400, "invalid_payload"),
    ],
)
def test_meta_refuses_verification_requests_that_do_not_verify(query: str, status: int, code: str) -> None:
    ran: list[Event] = []
    receiver = Receiver(make("meta"))
    receiver.on_any(ran.append)
    reply = receiver.handle("GET", {}, b"", query=query, now=NOW)
    assert (reply.status, json.loads(reply.body)) == (status, {"error": code})
    assert b"1158201444" not in reply.body and ran == []


def test_meta_decodes_the_verify_token_and_challenge_strictly_but_fully() -> None:
    token = "to ken&=+/é"
    receiver = Receiver(make("meta", verify_token=token))
    query = f"hub.mode=subscribe&hub.challenge=42&hub.verify_token={quote(token, safe='')}"
    assert receiver.handle("GET", {}, b"", query=query, now=NOW).status == 200
    plus = "hub.mode=subscribe&hub.challenge=42&hub.verify_token=" + quote(token, safe="").replace("%20", "+")
    assert receiver.handle("GET", {}, b"", query=plus, now=NOW).status == 200
    # Parameter order does not matter; unknown extra parameters are tolerated.
    shuffled = f"hub.verify_token={quote(token, safe='')}&x=1&hub.challenge=42&hub.mode=subscribe"
    assert receiver.handle("GET", {}, b"", query=shuffled, now=NOW).body == b"42"


def test_meta_verify_tokens_rotate_and_expire() -> None:
    provider = make("meta", verify_token=["new-token", Secret("old-token", expires_at=NOW + 10)])
    receiver = Receiver(provider)
    for token in ("new-token", "old-token"):
        query = meta_query(mode="subscribe", challenge="7", verify_token=token)
        assert receiver.handle("GET", {}, b"", query=query, now=NOW).status == 200
    old = meta_query(mode="subscribe", challenge="7", verify_token="old-token")
    assert receiver.handle("GET", {}, b"", query=old, now=NOW + 11).status == 401
    assert provider.handshake("GET", old, Headers({}), now=NOW + 10).body == b"7"


def test_meta_compares_the_verify_token_with_every_configured_one(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def counting(a: Any, b: Any) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(meta.hmac, "compare_digest", counting)
    provider = make("meta", verify_token=["first-token", "second-token", "third-token"])
    provider.handshake(
        "GET", meta_query(mode="subscribe", challenge="1", verify_token="first-token"), Headers({})
    )
    assert len(calls) == 3  # no early exit on the first match


def test_meta_without_a_verify_token_refuses_every_verification_request() -> None:
    provider = providers.Meta(secret="meta-app-secret")
    reply = Receiver(provider).handle("GET", {}, b"", query=OK_QUERY)
    assert reply.status == 401 and b"1158201444" not in reply.body
    with pytest.raises(ConfigurationError):
        providers.Meta(secret="meta-app-secret", verify_token="")


def test_meta_verification_is_answered_by_a_deferred_receiver_and_with_a_store(tmp_path: Path) -> None:
    inbox = SQLiteInbox(tmp_path / "inbox.sqlite3")
    try:
        deferred = Receiver(make("meta"), inbox=inbox)
        assert deferred.handle("GET", {}, b"", query=OK_QUERY, now=NOW).body == b"1158201444"
        assert inbox.counts() == {} or sum(inbox.counts().values()) == 0
        body = next(s for s in GROUP_SAMPLES if s.type == "page.feed").body
        assert post(deferred, body, meta_headers(body)).status == 200  # Meta wants 200, not 202
    finally:
        inbox.close()
    stored = Receiver(make("meta"), store=MemoryStore())
    for _ in range(2):  # a repeated verification request is answered again, not deduplicated
        assert stored.handle("GET", {}, b"", query=OK_QUERY, now=NOW).body == b"1158201444"


def test_meta_post_with_a_query_is_an_event_not_a_handshake() -> None:
    body = next(s for s in GROUP_SAMPLES if s.type == "page.feed").body
    reply = Receiver(make("meta")).handle("POST", meta_headers(body), body, query=OK_QUERY, now=NOW)
    assert reply.status == 200 and reply.body == b'{"ok":true}'
    assert [e.type for e in reply.events] == ["page.feed"]


def _meta_body(*entries: dict[str, Any], obj: str = "page") -> bytes:
    return compact({"object": obj, "entry": list(entries)})


def _item(key: str, value: dict[str, Any], when: int = 1706160867392) -> dict[str, Any]:
    return {"sender": {"id": "u1"}, "recipient": {"id": "p1"}, "timestamp": when, key: value}


def test_meta_batches_are_one_event_per_item_in_order() -> None:
    body = _meta_body(
        {
            "id": "p1",
            "time": 1,
            "changes": [{"field": "feed", "value": {"n": 1}}, {"field": "mention", "value": {"n": 2}}],
        },
        {
            "id": "p1",
            "time": 2,
            "messaging": [
                _item("message", {"mid": "a", "text": "hi"}),
                _item("message", {"mid": "b", "is_echo": True}),
            ],
        },
        {"id": "p1", "time": 3, "standby": [_item("message", {"mid": "c"})]},
        {"id": "p1", "time": 4, "messaging": [_item("delivery", {"mids": ["a"]}), _item("unheard_of", {})]},
        {"id": "p2", "time": 5, "changed_fields": ["email"]},
    )
    provider = make("meta")
    reply = post(Receiver(provider), body, meta_headers(body))
    assert [e.type for e in reply.events] == [
        "page.feed",
        "page.mention",
        "page.messages",
        "page.message_echoes",
        "page.standby",
        "page.message_deliveries",
        "page.messaging",
        "page",
    ]
    for event in reply.events:
        assert provider.rebuild(event.payload) == event


def test_meta_instagram_messaging_uses_instagrams_field_names() -> None:
    body = _meta_body(
        {
            "id": "ig1",
            "time": 1,
            "messaging": [
                _item("read", {"mid": "a"}),
                _item("message", {"mid": "b", "is_echo": True}),
                _item("referral", {"ref": "x", "source": "ADS", "type": "OPEN_THREAD"}),
            ],
        },
        obj="instagram",
    )
    events = make("meta").parse(meta_headers(body), body)
    assert [e.type for e in events] == [
        "instagram.messaging_seen",
        "instagram.messages",
        "instagram.messaging_referral",
    ]


def test_meta_refuses_more_than_1000_items() -> None:
    items = [{"field": "feed", "value": {"n": n}} for n in range(1001)]
    body = _meta_body({"id": "p1", "time": 1, "changes": items})
    reply = post(Receiver(make("meta")), body, meta_headers(body))
    assert reply.status == 400
    ok = _meta_body({"id": "p1", "time": 1, "changes": items[:1000]})
    assert len(post(Receiver(make("meta")), ok, meta_headers(ok)).events) == 1000


def test_meta_identity_is_object_entry_and_item_never_the_batch_time() -> None:
    provider = make("meta")
    receiver = Receiver(provider)
    item = _item("message", {"mid": "a", "text": "hi"})
    first = provider.parse({}, _meta_body({"id": "p1", "time": 1, "messaging": [item]}))[0]
    rebatched = provider.parse(
        {}, _meta_body({"id": "p1", "time": 99, "messaging": [_item("read", {}), item]})
    )[1]
    assert receiver.event_key(first) == receiver.event_key(rebatched)
    other_page = provider.parse({}, _meta_body({"id": "p2", "time": 1, "messaging": [item]}))[0]
    other_item = provider.parse(
        {}, _meta_body({"id": "p1", "time": 1, "messaging": [{**item, "timestamp": 5}]})
    )[0]
    assert len({receiver.event_key(e) for e in (first, other_page, other_item)}) == 3


def test_meta_replays_are_duplicates_for_a_store_whatever_the_unsigned_headers() -> None:
    ran: list[Event] = []
    receiver = Receiver(make("meta"), store=MemoryStore())
    receiver.on_any(ran.append)
    body = next(s for s in GROUP_SAMPLES if s.type == "whatsapp_business_account.messages").body
    assert post(receiver, body, meta_headers(body)).status == 200
    again = post(receiver, body, {**meta_headers(body), "User-Agent": "other", "X-Hub-Signature": "sha1=00"})
    assert again.status == 200 and len(ran) == 1


# --- Zoom ---------------------------------------------------------------------------------------------


VALIDATION = compact(
    {
        "payload": {"plainToken": "qgg8vlvZRS6UYooatFL8Aw"},
        "event_ts": 1654503849680,
        "event": "endpoint.url_validation",
    }
)


def test_zoom_url_validation_is_answered_with_the_hmac_of_the_plain_token() -> None:
    reply = post(Receiver(make("zoom")), VALIDATION, zoom_headers(VALIDATION))
    assert reply.status == 200
    assert dict(reply.headers) == {"Content-Type": "application/json"}
    assert json.loads(reply.body) == {
        "plainToken": "qgg8vlvZRS6UYooatFL8Aw",
        "encryptedToken": mac("zoom-secret-token", b"qgg8vlvZRS6UYooatFL8Aw"),
    }
    # An independent implementation (elastic/beats' http_endpoint tests) agrees on one value.
    assert providers.Zoom(secret="secretValueTest").encrypted_token("qgg8vlvZRS6UYooatFL8Aw") == (
        "70c1f2e2e6ca2d39297490d1f9142c7d701415ea8e6151f6562a08fa657a40ff"
    )


@pytest.mark.parametrize(
    "headers",
    [
        {},
        zoom_headers(VALIDATION, secret="not-the-token"),
        zoom_headers(VALIDATION, at=NOW - 301),
        {**zoom_headers(VALIDATION), "x-zm-signature": "v0=" + "0" * 64},
    ],
    ids=["unsigned", "wrong secret", "stale", "zero signature"],
)
def test_zoom_url_validation_that_does_not_verify_is_not_answered(headers: dict[str, str]) -> None:
    ran: list[Event] = []
    receiver = Receiver(make("zoom"))
    receiver.on_any(ran.append)
    reply = post(receiver, VALIDATION, headers)
    assert reply.status == 401 and b"encryptedToken" not in reply.body and ran == []


def test_zoom_answers_with_the_first_secret_still_valid() -> None:
    expired_first = make("zoom", secret=[Secret("old-token", expires_at=NOW - 1), "new-token"])
    assert expired_first.encrypted_token("t", now=NOW) == mac("new-token", b"t")
    rotating = make("zoom", secret=["new-token", Secret("old-token", expires_at=NOW + 60)])
    assert rotating.encrypted_token("t") == mac("new-token", b"t")
    # The request signed with the old token verifies until it expires.
    assert post(Receiver(rotating), VALIDATION, zoom_headers(VALIDATION, secret="old-token")).ok
    with pytest.raises(SignatureMismatch):
        rotating.verify(zoom_headers(VALIDATION, secret="old-token", at=NOW + 61), VALIDATION, now=NOW + 61)


def test_zoom_url_validation_answer_survives_deferred_mode(tmp_path: Path) -> None:
    inbox = SQLiteInbox(tmp_path / "inbox.sqlite3")
    try:
        reply = post(Receiver(make("zoom"), inbox=inbox), VALIDATION, zoom_headers(VALIDATION))
        assert reply.status == 200 and json.loads(reply.body)["plainToken"] == "qgg8vlvZRS6UYooatFL8Aw"
        body = next(s for s in GROUP_SAMPLES if s.type == "meeting.started").body
        assert (
            post(Receiver(make("zoom"), inbox=inbox), body, zoom_headers(body)).status == 200
        )  # Zoom: 200 or 204
    finally:
        inbox.close()


def test_zoom_url_validation_needs_its_plain_token() -> None:
    body = compact({"event": "endpoint.url_validation", "event_ts": 1, "payload": {}})
    assert post(Receiver(make("zoom")), body, zoom_headers(body)).status == 400


def test_zoom_identity_ignores_unsigned_headers() -> None:
    provider = make("zoom")
    receiver = Receiver(provider)
    body = next(s for s in GROUP_SAMPLES if s.type == "meeting.started").body
    a = provider.parse(zoom_headers(body), body)[0]
    b = provider.parse({**zoom_headers(body, at=NOW + 5), "x-zm-trackingid": "v=2.0;clid=us06;rid=x"}, body)[
        0
    ]
    assert receiver.event_key(a) == receiver.event_key(b)


# --- Twitch -------------------------------------------------------------------------------------------


CHALLENGE = next(s for s in GROUP_SAMPLES if s.type == "webhook_callback_verification").body
FOLLOW = next(s for s in GROUP_SAMPLES if s.type == "channel.follow").body


def test_twitch_answers_the_callback_verification_with_the_raw_challenge() -> None:
    reply = post(
        Receiver(make("twitch")),
        CHALLENGE,
        twitch_headers(CHALLENGE, message_type="webhook_callback_verification"),
    )
    assert (reply.status, reply.body, dict(reply.headers)) == (
        200,
        b"pogchamp-kappa-360noscope-vohiyo",
        {"Content-Type": "text/plain; charset=utf-8"},
    )


@pytest.mark.parametrize(
    "headers",
    [
        twitch_headers(CHALLENGE, secret="another-secret-0123"),
        twitch_headers(CHALLENGE, at=NOW - 601),
        {k: v for k, v in twitch_headers(CHALLENGE).items() if k != "Twitch-Eventsub-Message-Id"},
    ],
    ids=["wrong secret", "older than 10 minutes", "no message id"],
)
def test_twitch_verification_that_does_not_verify_is_not_answered(headers: dict[str, str]) -> None:
    reply = post(Receiver(make("twitch")), CHALLENGE, headers)
    assert reply.status == 401 and b"pogchamp" not in reply.body


def test_twitch_trusts_the_signed_body_not_the_message_type_header() -> None:
    receiver = Receiver(make("twitch"))
    # A notification claimed to be a verification is still a notification: nothing echoed.
    reply = post(receiver, FOLLOW, twitch_headers(FOLLOW, message_type="webhook_callback_verification"))
    assert reply.body == b'{"ok":true}' and type(reply.events[0]) is twitch.ChannelFollow
    # A verification claimed to be a notification is still answered with its challenge.
    reply = post(receiver, CHALLENGE, twitch_headers(CHALLENGE, message_type="notification"))
    assert reply.body == b"pogchamp-kappa-360noscope-vohiyo"
    both = compact({**json.loads(CHALLENGE), "event": {"user_id": "1"}})
    assert post(receiver, both, twitch_headers(both)).status == 400


def test_twitch_verification_is_answered_by_a_deferred_receiver(tmp_path: Path) -> None:
    inbox = SQLiteInbox(tmp_path / "inbox.sqlite3")
    try:
        receiver = Receiver(make("twitch"), inbox=inbox)
        assert (
            post(receiver, CHALLENGE, twitch_headers(CHALLENGE)).body == b"pogchamp-kappa-360noscope-vohiyo"
        )
        assert post(receiver, FOLLOW, twitch_headers(FOLLOW, message_id="m2")).status == 202  # any 2XX
    finally:
        inbox.close()


def test_twitch_identity_is_the_signed_message_id() -> None:
    provider = make("twitch")
    receiver = Receiver(provider)
    first = post(receiver, FOLLOW, twitch_headers(FOLLOW, message_id="m-1")).events[0]
    assert first.id == "m-1"
    resent = post(
        receiver,
        FOLLOW,
        {**twitch_headers(FOLLOW, message_id="m-1", at=NOW + 30), "Twitch-Eventsub-Message-Retry": "1"},
    )
    assert receiver.event_key(resent.events[0]) == receiver.event_key(first)
    other = post(receiver, FOLLOW, twitch_headers(FOLLOW, message_id="m-2")).events[0]
    assert receiver.event_key(other) != receiver.event_key(first)
    # The message type header, unsigned, changes nothing about the event.
    relabelled = post(
        receiver, FOLLOW, twitch_headers(FOLLOW, message_id="m-1", message_type="revocation")
    ).events[0]
    assert relabelled == first


def test_twitch_resent_notifications_run_once_with_a_store() -> None:
    ran: list[Event] = []
    receiver = Receiver(make("twitch"), store=MemoryStore())
    receiver.on(twitch.ChannelFollow)(ran.append)
    for delay in (0, 20, 40):
        assert post(receiver, FOLLOW, twitch_headers(FOLLOW, message_id="m-1", at=NOW + delay)).status == 200
    assert len(ran) == 1


def test_twitch_batches_are_one_event_per_element() -> None:
    sample = json.loads(next(s for s in GROUP_SAMPLES if s.type == "drop.entitlement.grant").body)
    element = sample["events"][0]
    sample["events"] = [element, {**element, "id": "second", "data": {**element["data"], "user_id": "99"}}]
    body = compact(sample)
    provider = make("twitch")
    headers = twitch_headers(body)
    receiver = Receiver(provider)
    reply = post(receiver, body, headers)
    assert [(e.id, e.user_id) for e in reply.events] == [(element["id"], "1234"), ("second", "99")]
    saved = provider.event_headers(Headers(headers), provider.verify(headers, body, now=NOW))
    for event in reply.events:
        assert provider.rebuild(event.payload, saved) == event
    empty = compact({**sample, "events": []})
    assert post(receiver, empty, twitch_headers(empty)).status == 400


def test_twitch_secrets_are_what_twitch_accepts() -> None:
    for bad in ("short", "x" * 101, "ten chars é!", b"\xff" * 12):
        with pytest.raises(ConfigurationError):
            providers.Twitch(secret=bad)
    providers.Twitch(secret="x" * 10)
    providers.Twitch(secret="x" * 100)


def test_twitch_tolerance_is_ten_minutes_both_ways_by_default() -> None:
    provider = make("twitch")
    provider.verify(twitch_headers(FOLLOW, at=NOW - 600), FOLLOW, now=NOW)
    provider.verify(twitch_headers(FOLLOW, at=NOW + 600), FOLLOW, now=NOW)
    for at in (NOW - 601, NOW + 601):
        with pytest.raises(TimestampOutsideTolerance):
            provider.verify(twitch_headers(FOLLOW, at=at), FOLLOW, now=NOW)


def test_twitch_verifies_what_it_signs() -> None:
    provider = make("twitch")
    headers = provider.sign(FOLLOW, now=NOW)
    message_id = headers["Twitch-Eventsub-Message-Id"]
    stamp = headers["Twitch-Eventsub-Message-Timestamp"]
    expected = "sha256=" + mac("twitch-secret-0123", (message_id + stamp).encode() + FOLLOW)
    assert headers["Twitch-Eventsub-Message-Signature"] == expected
    assert stamp.endswith("Z") and stamp.startswith("2023-11-14T22:13:20")


# --- Discord ------------------------------------------------------------------------------------------


def discord_sample(kind: str) -> bytes:
    return next(s for s in GROUP_SAMPLES if (s.provider, s.type) == ("discord", kind)).body


@pytest.mark.parametrize(
    ("kind", "status", "body"),
    [
        ("PING", 200, {"type": 1}),
        ("APPLICATION_COMMAND", 200, {"type": 5}),
        ("MESSAGE_COMPONENT", 200, {"type": 6}),
        ("MODAL_SUBMIT", 200, {"type": 5}),
        ("APPLICATION_COMMAND_AUTOCOMPLETE", 200, {"type": 8, "data": {"choices": []}}),
        ("WEBHOOK_PING", 204, None),
        ("APPLICATION_AUTHORIZED", 204, None),
        ("LOBBY_MESSAGE_CREATE", 204, None),
    ],
)
def test_discord_answers_each_kind_of_request(kind: str, status: int, body: Any) -> None:
    payload = discord_sample(kind)
    reply = post(Receiver(make("discord")), payload, discord_headers(payload))
    assert reply.status == status
    if body is None:
        assert reply.body == b"" and "Content-Type" not in reply.headers
    else:
        assert json.loads(reply.body) == body and reply.headers["Content-Type"] == "application/json"


def test_discord_answers_an_interaction_type_it_does_not_know_with_a_deferral() -> None:
    body = compact(
        {"id": "1196958221312335899", "application_id": "1", "type": 9, "token": "t", "version": 1}
    )
    reply = post(Receiver(make("discord")), body, discord_headers(body))
    assert (reply.status, reply.body, reply.events[0].type) == (200, b'{"type":5}', "INTERACTION_9")


def test_discord_verifies_what_pynacl_signs_and_pynacl_verifies_what_we_sign() -> None:
    provider = make("discord")
    body = discord_sample("PING")
    provider.verify(discord_headers(body), body, now=NOW)
    headers, sent = provider.sign_request(body, now=NOW, private_key=DISCORD_KEY.encode().hex())
    assert sent == body
    DISCORD_KEY.verify_key.verify(
        headers["X-Signature-Timestamp"].encode() + sent, bytes.fromhex(headers["X-Signature-Ed25519"])
    )
    assert headers["X-Signature-Timestamp"] == str(NOW)
    with pytest.raises(nacl.exceptions.BadSignatureError):
        DISCORD_KEY.verify_key.verify(
            headers["X-Signature-Timestamp"].encode() + sent + b" ",
            bytes.fromhex(headers["X-Signature-Ed25519"]),
        )


def test_discord_demo_key_pair_signs_for_the_testing_helpers() -> None:
    body = discord_sample("APPLICATION_COMMAND")
    headers, sent = signed_request("discord", body, timestamp=NOW)
    demo = nacl.signing.SigningKey(bytes.fromhex(DEMO_PRIVATE_KEYS["discord"]))
    assert bytes(demo.verify_key).hex() == DEMO_OPTIONS["discord"]["public_key"]
    demo.verify_key.verify(
        headers["X-Signature-Timestamp"].encode() + sent, bytes.fromhex(headers["X-Signature-Ed25519"])
    )
    # Without a private key there is nothing to sign with.
    with pytest.raises(ConfigurationError, match="private_key"):
        make("discord").sign(body)


def test_discord_refuses_bad_signatures_as_discord_tests_it() -> None:
    receiver = Receiver(make("discord"))
    ran: list[Event] = []
    receiver.on_any(ran.append)
    body = discord_sample("PING")
    other = nacl.signing.SigningKey(hashlib.sha256(b"someone else").digest())
    for headers in (
        discord_headers(body, key=other),
        {**discord_headers(body), "X-Signature-Ed25519": "00" * 64},
        {**discord_headers(body), "X-Signature-Timestamp": str(NOW + 1)},
        {**JSON},
    ):
        reply = post(receiver, body, headers)
        assert reply.status == 401 and reply.body != b'{"type":1}'
    assert ran == []


def test_discord_public_keys_rotate_and_expire() -> None:
    other = nacl.signing.SigningKey(hashlib.sha256(b"the next key").digest())
    provider = make(
        "discord", public_key=[bytes(other.verify_key).hex(), Secret(DISCORD_PUBLIC, expires_at=NOW + 10)]
    )
    body = discord_sample("PING")
    provider.verify(discord_headers(body, key=other), body, now=NOW)
    provider.verify(discord_headers(body, at=NOW + 10), body, now=NOW + 10)
    with pytest.raises(SignatureMismatch):
        provider.verify(discord_headers(body, at=NOW + 11), body, now=NOW + 11)


def test_discord_public_key_option_errors() -> None:
    for bad in ("", "zz" * 32, "ab" * 31, b"\x00" * 5, 42):
        with pytest.raises(ConfigurationError):
            providers.Discord(public_key=bad)
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pem = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    with pytest.raises(ConfigurationError, match="Ed25519"):
        providers.Discord(public_key=pem.decode())
    # The developer portal's hex, in either case, and the raw 32 bytes are all the key.
    for same in (DISCORD_PUBLIC.upper(), bytes.fromhex(DISCORD_PUBLIC)):
        providers.Discord(public_key=same).verify(discord_headers(b"{}"), b"{}", now=NOW)


def test_discord_without_cryptography_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "cryptography", None)
    with pytest.raises(MissingDependency, match=r"webhook-receiver\[crypto\]"):
        providers.Discord(public_key=DISCORD_PUBLIC)


def test_discord_webhook_event_retries_run_once_and_still_get_204() -> None:
    ran: list[Event] = []
    receiver = Receiver(make("discord"), store=MemoryStore())
    receiver.on_any(ran.append)
    body = discord_sample("ENTITLEMENT_CREATE")
    for delay in (0, 30):
        reply = post(receiver, body, discord_headers(body, at=NOW + delay))
        assert (reply.status, reply.body) == (204, b"")
    assert len(ran) == 1


def test_discord_interactions_are_acknowledged_by_a_deferred_receiver(tmp_path: Path) -> None:
    inbox = SQLiteInbox(tmp_path / "inbox.sqlite3")
    try:
        receiver = Receiver(make("discord"), inbox=inbox)
        body = discord_sample("APPLICATION_COMMAND")
        assert (
            post(receiver, body, discord_headers(body)).status,
            post(receiver, body, discord_headers(body)).body,
        ) == (
            200,
            b'{"type":5}',
        )
        ping = discord_sample("PING")
        assert post(receiver, ping, discord_headers(ping)).body == b'{"type":1}'
    finally:
        inbox.close()


def test_discord_identity_is_the_interaction_id() -> None:
    provider = make("discord")
    receiver = Receiver(provider)
    body = discord_sample("APPLICATION_COMMAND")
    first = provider.parse(discord_headers(body), body)[0]
    assert first.id == "1196958221312335883"
    again = provider.parse(
        {**discord_headers(body, at=NOW + 9), "User-Agent": "Discord-Interactions/1.0"}, body
    )[0]
    assert receiver.event_key(first) == receiver.event_key(again)


# --- all four: Secret expiry, options, reprs, hostile input --------------------------------------------


@pytest.mark.parametrize("name", ["meta", "zoom", "twitch"])
def test_shared_secrets_verify_until_they_expire(name: str) -> None:
    secret = {"meta": "meta-app-secret", "zoom": "zoom-secret-token", "twitch": "twitch-secret-0123"}[name]
    provider = make(name, secret=[Secret(secret, expires_at=NOW + 10)])
    body = compact({"object": "page", "entry": [{"id": "1", "changes": [{"field": "feed", "value": {}}]}]})
    provider.verify(SIGNERS[name](body), body, now=NOW + 10)
    with pytest.raises(SignatureMismatch):
        provider.verify(SIGNERS[name](body), body, now=NOW + 11)


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("meta", {"secret": ""}),
        ("meta", {"secret": "s", "verify_token": []}),
        ("meta", {"secret": "s", "verify_token": 7}),
        ("meta", {"secret": "s", "tolerance": 5}),
        ("zoom", {"secret": "   "}),
        ("zoom", {"secret": "s", "tolerance": -1}),
        ("zoom", {"secret": "s", "tolerance": float("nan")}),
        ("twitch", {"secret": "twitch-secret-0123", "tolerance": 0}),
        ("twitch", {"secret": None}),
        ("discord", {"public_key": DISCORD_PUBLIC, "tolerance": True}),
        ("discord", {"public_key": DISCORD_PUBLIC, "secret": "s"}),
        ("discord", {}),
        ("zoom", {"secret": "s", "clock": 5}),
    ],
)
def test_option_errors_are_configuration_errors(name: str, options: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError):
        providers.create(name, **options)


SECRETS = {
    "meta": {"secret": "SUPER-SECRET-APP-1", "verify_token": "SUPER-SECRET-TOKEN-2"},
    "zoom": {"secret": "SUPER-SECRET-ZOOM-3"},
    "twitch": {"secret": "SUPER-SECRET-TWITCH-4"},
}


@pytest.mark.parametrize("name", sorted(SECRETS))
def test_secrets_never_show_in_reprs_or_errors(name: str) -> None:
    provider = providers.create(name, **SECRETS[name])
    shown = repr(provider) + str(provider) + repr(provider.scheme)
    receiver = Receiver(provider)
    body = b'{"a":1}'
    replies = [post(receiver, body, SIGNERS[name](body)), post(receiver, body, {})]
    if name == "meta":
        replies.append(receiver.handle("GET", {}, b"", query=meta_query(verify_token="SUPER-SECRET-TOKEN-X")))
    for reply in replies:
        assert reply.error is not None
        shown += reply.body.decode() + str(reply.error) + repr(reply.error)
    for value in SECRETS[name].values():
        assert value not in shown


def test_discord_repr_shows_no_key_material() -> None:
    provider = make("discord")
    shown = repr(provider) + repr(provider.scheme)
    assert DISCORD_PUBLIC not in shown and DISCORD_PUBLIC[:16] not in shown
    assert "ed25519" in shown


HOSTILE_BODIES: list[bytes] = [
    b"",
    b" ",
    b"not json",
    b"\xff\xfe",
    b"[]",
    b"null",
    b"42",
    b'"text"',
    b"{}",
    b'{"a":' * 2000 + b"1" + b"}" * 2000,
    b'{"type":1e999}',
    b'{"type":NaN}',
    b'{"event":"x","payload":' + b"9" * 5000 + b"}",
    b'{"type":"\\ud800"}',
]
SHAPES: dict[str, list[Any]] = {
    "meta": [
        {"object": "page"},
        {"object": "page", "entry": {}},
        {"object": "page", "entry": []},
        {"object": "page", "entry": [1]},
        {"object": 5, "entry": [{"id": "1"}]},
        {"object": "page", "entry": [{"id": "1", "changes": {}}]},
        {"object": "page", "entry": [{"id": "1", "changes": [{"value": 1}]}]},
        {"object": "page", "entry": [{"id": "1", "changes": ["x"]}]},
        {"object": "page", "entry": [{"id": [1], "changes": []}]},
        {"object": "page", "entry": [{"id": "1", "time": "soon", "changes": []}]},
        {"object": "page", "entry": [{"id": "1", "messaging": [{"message": {"is_echo": "yes"}}]}]},
        {"object": "page", "entry": [{"id": "1", "messaging": [{"sender": "u", "message": {}}]}]},
        {"object": "page", "entry": [{"id": "1", "messaging": [{"message": {"attachments": {}}}]}]},
        {
            "object": "whatsapp_business_account",
            "entry": [{"id": "1", "changes": [{"field": "messages", "value": 3}]}],
        },
        {
            "object": "whatsapp_business_account",
            "entry": [{"id": "1", "changes": [{"field": "messages", "value": {"messages": {}}}]}],
        },
    ],
    "zoom": [
        {"payload": {}},
        {"event": "", "payload": {}},
        {"event": 5},
        {"event": "meeting.started", "payload": []},
        {"event": "meeting.started", "payload": {"object": []}},
        {"event": "meeting.started", "payload": {"object": {"duration": "long"}}},
        {"event": "meeting.started", "event_ts": "yesterday", "payload": {}},
        {"event": "recording.completed", "payload": {"object": {"recording_files": {}}}},
        {"event": "meeting.participant_joined", "payload": {"object": {"participant": "x"}}},
        {"event": "endpoint.url_validation", "payload": {"plainToken": ["x"]}},
    ],
    "twitch": [
        {},
        {"subscription": {}},
        {"subscription": "x"},
        {"subscription": {"type": "x"}, "challenge": 5},
        {"subscription": {"type": "x"}, "challenge": ""},
        {"subscription": {"id": "1"}, "event": {}},
        {"subscription": {"type": "channel.raid"}, "event": {"viewers": "many"}},
        {"subscription": {"type": "channel.raid"}, "event": []},
        {"subscription": {"type": "drop.entitlement.grant"}, "events": {}},
        {"subscription": {"type": "drop.entitlement.grant"}, "events": [{"data": {}}]},
        {"subscription": {"type": "drop.entitlement.grant"}, "events": [{"id": "1", "data": 5}]},
        {"subscription": {"type": "channel.update"}, "event": {"content_classification_labels": "x"}},
        {"subscription": {"type": "x"}, "event": {}, "events": []},
    ],
    "discord": [
        {},
        {"type": "1"},
        {"type": True},
        {"type": 2},
        {"type": 2, "id": "1", "data": []},
        {"type": 2, "id": "1", "data": {"options": {}}},
        {"type": 3, "id": "1", "data": {"values": "x"}},
        {"type": 1, "event": {}},
        {"type": 2, "event": {"type": "X"}},
        {"type": 1, "event": {"type": ""}},
        {"type": 1, "event": {"type": "X", "timestamp": "whenever"}},
        {"type": 1, "event": {"type": "APPLICATION_AUTHORIZED", "data": {"scopes": "bot"}}},
    ],
}


@pytest.mark.parametrize("name", GROUP)
def test_hostile_bodies_are_refused_with_a_webhook_error(name: str) -> None:
    receiver = Receiver(make(name))
    bodies = [*HOSTILE_BODIES, *(compact(shape) for shape in SHAPES[name])]
    for body in bodies:
        reply = post(receiver, body, SIGNERS[name](body))
        assert reply.status == 400, (name, body[:80], reply.body)
        assert isinstance(reply.error, WebhookError)


UNSIGNED = {"Content-Type", "Twitch-Eventsub-Message-Type", "Twitch-Eventsub-Message-Retry"}


@pytest.mark.parametrize("name", GROUP)
def test_hostile_headers_are_a_401(name: str) -> None:
    receiver = Receiver(make(name))
    body = next(s for s in GROUP_SAMPLES if s.provider == name).body
    signed = SIGNERS[name](body)
    for header in [h for h in signed if h not in UNSIGNED]:
        for value in (
            "",
            "\x00",
            "é",
            "v0=" + "g" * 64,
            "sha256=" + "0" * 63,
            "9" * 40,
            "2023-13-45T99:99:99Z",
        ):
            reply = post(receiver, body, {**signed, header: value})
            assert reply.status == 401, (name, header, value)
    # The headers verification does not read change nothing (Content-Type aside: 415).
    for header in (UNSIGNED - {"Content-Type"}) & set(signed):
        assert post(receiver, body, {**signed, header: "anything"}).ok


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(GROUP), data=st.data())
def test_signed_mutations_of_samples_are_answered_never_raised(name: str, data: st.DataObject) -> None:
    """Signed, then mutated: a random key of a sample replaced by a random JSON value."""
    sample = data.draw(st.sampled_from([s for s in GROUP_SAMPLES if s.provider == name]))
    payload = json.loads(sample.body)
    path: list[Any] = []
    node: Any = payload
    while isinstance(node, dict | list) and node and data.draw(st.booleans()):
        key = data.draw(st.sampled_from(list(node) if isinstance(node, dict) else range(len(node))))
        path.append(key)
        node = node[key]
    if path:
        parent = payload
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = data.draw(json_values)
    else:
        payload = data.draw(json_values)
    body = compact(payload)
    reply = post(Receiver(make(name)), body, SIGNERS[name](body))
    assert reply.status in (200, 204, 400), reply.body
    if reply.status == 400:
        assert reply.error is not None and reply.error.code == "invalid_payload"


# --- what the receiver does not provide yet --------------------------------------------------------------


def test_a_repeated_twitch_verification_is_answered_with_its_challenge_again() -> None:
    receiver = Receiver(make("twitch"), store=MemoryStore())
    headers = twitch_headers(CHALLENGE, message_id=str(uuid.uuid4()))
    assert post(receiver, CHALLENGE, headers).body == b"pogchamp-kappa-360noscope-vohiyo"
    assert post(receiver, CHALLENGE, headers).body == b"pogchamp-kappa-360noscope-vohiyo"
