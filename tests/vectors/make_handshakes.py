"""Regenerate ``handshakes.json``: known-answer vectors for meta, zoom, twitch and discord.

HMAC signatures are computed with the standard library's ``hmac`` from each
provider's published description, and Discord's Ed25519 signatures with PyNaCl
(the library Discord's own Python example uses), never with webhook_receiver, so
the vectors check the library against the specs rather than against itself.

    python tests/vectors/make_handshakes.py

Sources:
- Meta: Graph API Webhooks, Getting Started (Validating Payloads): ``X-Hub-Signature-256:
  sha256=`` + hex HMAC-SHA256(app secret, payload as sent, unicode escaped).
- Zoom: Using webhooks, Verify webhook events (and zoom/webhook-sample's index.js):
  ``x-zm-signature: v0=`` + hex HMAC-SHA256(secret token, ``v0:{timestamp}:{body}``).
- Twitch: EventSub, Handling Webhook Events, Verifying the event message:
  ``sha256=`` + hex HMAC-SHA256(secret, message id + timestamp + body); reject messages
  older than 10 minutes.
- Discord: Interactions, Validating Security Request Headers: Ed25519 signature (hex)
  of ``X-Signature-Timestamp`` + body under the application's public key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nacl.signing

HERE = Path(__file__).parent
NOW = 1_700_000_000
vectors: list[dict[str, Any]] = []

META_BODY = (
    '{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages",'
    '"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881",'
    '"phone_number_id":"106540352242922"},"messages":[{"from":"15035550123","id":"wamid.HBgL",'
    '"timestamp":"1700000000","type":"text","text":{"body":"Caf\\u00e9 \\u2615 open?"}}]}}]}]}'
)
ZOOM_BODY = (
    '{"event":"meeting.started","event_ts":1700000000123,"payload":{"account_id":"AAAAAABBBB",'
    '"object":{"id":85746065432,"uuid":"4444AAAiAAAAAiAiAiiAii==","host_id":"x1yCzABCDEfg23HiJKl4mN",'
    '"topic":"Weekly sync","type":2,"start_time":"2023-11-14T22:10:00Z","timezone":"UTC","duration":60}}}'
)
ZOOM_VALIDATION = (
    '{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},'  # Zoom's own example body
    '"event_ts":1654503849680,"event":"endpoint.url_validation"}'
)
TWITCH_BODY = (
    '{"subscription":{"id":"f1c2a387-161a-49f9-a165-0f21d7a4e1c4","type":"channel.follow","version":"2",'
    '"status":"enabled","cost":0,"condition":{"broadcaster_user_id":"1337","moderator_user_id":"1337"},'
    '"transport":{"method":"webhook","callback":"https://example.com/webhooks/callback"},'
    '"created_at":"2019-11-16T10:11:12.634234626Z"},"event":{"user_id":"1234","user_login":"cool_user",'
    '"user_name":"Cool_User","broadcaster_user_id":"1337","broadcaster_user_login":"cooler_user",'
    '"broadcaster_user_name":"Cooler_User","followed_at":"2020-07-15T18:16:11.17106713Z"}}'
)
TWITCH_CHALLENGE = (
    '{"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{"id":"f1c2a387-161a-49f9-a165-0f21d7a4e1c4",'
    '"status":"webhook_callback_verification_pending","type":"channel.follow","version":"2","cost":1,'
    '"condition":{"broadcaster_user_id":"12826","moderator_user_id":"12826"},'
    '"transport":{"method":"webhook","callback":"https://example.com/webhooks/callback"},'
    '"created_at":"2019-11-16T10:11:12.634234626Z"}}'
)
DISCORD_BODY = (
    '{"id":"1196958221312335883","application_id":"1234560123453231555","type":2,'
    '"token":"A_UNIQUE_TOKEN","version":1,"data":{"id":"771825006014889984","name":"blep","type":1}}'
)
DISCORD_PING = (
    '{"id":"1196958221312335882","application_id":"1234560123453231555","type":1,"token":"T","version":1}'
)


def add(
    case: str,
    provider: str,
    options: dict[str, Any],
    headers: list[list[str]],
    *,
    body: str,
    now: float = NOW,
    expect: str = "ok",
) -> None:
    vectors.append(
        {
            "id": f"{provider}/{case}",
            "provider": provider,
            "options": options,
            "headers": headers,
            "body": body,
            "now": now,
            "expect": expect,
        }
    )


def mac(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def tampered(body: str) -> str:
    """The body with one character changed (inside a string value)."""
    index = body.index('"', body.index(":") + 1) + 1
    return body[:index] + ("X" if body[index] != "X" else "Y") + body[index + 1 :]


# --- Meta: X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, body)> -------------------
META = {"secret": "meta-app-secret-0123", "verify_token": "meta-verify-token"}


def meta(body: str, key: bytes, *, prefix: str = "sha256=") -> list[list[str]]:
    return [["Content-Type", "application/json"], ["X-Hub-Signature-256", prefix + mac(key, body.encode())]]


meta_key = META["secret"].encode()
add("valid", "meta", META, meta(META_BODY, meta_key), body=META_BODY)
add(
    "valid long after (no timestamp is signed)",
    "meta",
    META,
    meta(META_BODY, meta_key),
    body=META_BODY,
    now=NOW * 2,
)
add(
    "uppercase hex and prefix",
    "meta",
    META,
    [["X-Hub-Signature-256", "SHA256=" + mac(meta_key, META_BODY.encode()).upper()]],
    body=META_BODY,
)
add(
    "tampered body",
    "meta",
    META,
    meta(META_BODY, meta_key),
    body=tampered(META_BODY),
    expect="SignatureMismatch",
)
add(
    "unicode escapes decoded is another body",
    "meta",
    META,
    meta(META_BODY, meta_key),
    body=json.dumps(json.loads(META_BODY), ensure_ascii=False, separators=(",", ":")),
    expect="SignatureMismatch",
)
add(
    "wrong secret",
    "meta",
    META,
    meta(META_BODY, b"not-the-app-secret"),
    body=META_BODY,
    expect="SignatureMismatch",
)
add(
    "rotated secret, second matches",
    "meta",
    {**META, "secret": ["meta-old-app-secret", META["secret"]]},
    meta(META_BODY, meta_key),
    body=META_BODY,
)
add(
    "missing signature header",
    "meta",
    META,
    [["Content-Type", "application/json"]],
    body=META_BODY,
    expect="MissingHeader",
)
add(
    "blank signature header",
    "meta",
    META,
    [["X-Hub-Signature-256", " "]],
    body=META_BODY,
    expect="MissingHeader",
)
add(
    "duplicated signature header",
    "meta",
    META,
    [*meta(META_BODY, meta_key), meta(META_BODY, meta_key)[-1]],
    body=META_BODY,
    expect="MalformedHeader",
)
add(
    "sha1 prefix is not read",
    "meta",
    META,
    [["X-Hub-Signature-256", "sha1=" + hmac.new(meta_key, META_BODY.encode(), hashlib.sha1).hexdigest()]],
    body=META_BODY,
    expect="MalformedHeader",
)
add(
    "signature not hex",
    "meta",
    META,
    [["X-Hub-Signature-256", "sha256=" + "zz" * 32]],
    body=META_BODY,
    expect="MalformedHeader",
)
add(
    "legacy X-Hub-Signature alone",
    "meta",
    META,
    [["X-Hub-Signature", "sha1=" + hmac.new(meta_key, META_BODY.encode(), hashlib.sha1).hexdigest()]],
    body=META_BODY,
    expect="MissingHeader",
)


# --- Zoom: x-zm-signature: v0=<hex HMAC-SHA256(secret token, "v0:{ts}:{body}")> ---------------
ZOOM = {"secret": "zoom-secret-token-0123"}
zoom_key = ZOOM["secret"].encode()


def zoom(ts: int | str, body: str, key: bytes) -> list[list[str]]:
    stamp = str(ts)
    return [
        ["content-type", "application/json; charset=utf-8"],
        ["x-zm-request-timestamp", stamp],
        ["x-zm-signature", "v0=" + mac(key, f"v0:{stamp}:{body}".encode())],
    ]


add("valid", "zoom", ZOOM, zoom(NOW, ZOOM_BODY, zoom_key), body=ZOOM_BODY)
add(
    "url validation, signed like any event",
    "zoom",
    ZOOM,
    zoom(NOW, ZOOM_VALIDATION, zoom_key),
    body=ZOOM_VALIDATION,
)
add(
    "tampered body",
    "zoom",
    ZOOM,
    zoom(NOW, ZOOM_BODY, zoom_key),
    body=tampered(ZOOM_BODY),
    expect="SignatureMismatch",
)
add(
    "wrong secret",
    "zoom",
    ZOOM,
    zoom(NOW, ZOOM_BODY, b"another-token"),
    body=ZOOM_BODY,
    expect="SignatureMismatch",
)
add(
    "rotated secret, second matches",
    "zoom",
    {"secret": ["zoom-old-token", ZOOM["secret"]]},
    zoom(NOW, ZOOM_BODY, zoom_key),
    body=ZOOM_BODY,
)
add(
    "timestamp changed after signing",
    "zoom",
    ZOOM,
    [[n, str(NOW + 1) if n == "x-zm-request-timestamp" else v] for n, v in zoom(NOW, ZOOM_BODY, zoom_key)],
    body=ZOOM_BODY,
    expect="SignatureMismatch",
)
add(
    "stale",
    "zoom",
    ZOOM,
    zoom(NOW - 301, ZOOM_BODY, zoom_key),
    body=ZOOM_BODY,
    expect="TimestampOutsideTolerance",
)
add(
    "future",
    "zoom",
    ZOOM,
    zoom(NOW + 301, ZOOM_BODY, zoom_key),
    body=ZOOM_BODY,
    expect="TimestampOutsideTolerance",
)
add("at the tolerance edge, old", "zoom", ZOOM, zoom(NOW - 300, ZOOM_BODY, zoom_key), body=ZOOM_BODY)
add("at the tolerance edge, future", "zoom", ZOOM, zoom(NOW + 300, ZOOM_BODY, zoom_key), body=ZOOM_BODY)
add(
    "custom tolerance",
    "zoom",
    {**ZOOM, "tolerance": 10},
    zoom(NOW - 11, ZOOM_BODY, zoom_key),
    body=ZOOM_BODY,
    expect="TimestampOutsideTolerance",
)
add(
    "milliseconds timestamp is not seconds",
    "zoom",
    ZOOM,
    zoom(NOW * 1000, ZOOM_BODY, zoom_key),
    body=ZOOM_BODY,
    expect="TimestampOutsideTolerance",
)
add(
    "timestamp not digits",
    "zoom",
    ZOOM,
    zoom("1700000000.5", ZOOM_BODY, zoom_key),
    body=ZOOM_BODY,
    expect="MalformedHeader",
)
add(
    "missing timestamp header",
    "zoom",
    ZOOM,
    zoom(NOW, ZOOM_BODY, zoom_key)[::2],
    body=ZOOM_BODY,
    expect="MissingHeader",
)
add(
    "missing signature header",
    "zoom",
    ZOOM,
    zoom(NOW, ZOOM_BODY, zoom_key)[:2],
    body=ZOOM_BODY,
    expect="MissingHeader",
)
add(
    "signature without v0=",
    "zoom",
    ZOOM,
    [
        *zoom(NOW, ZOOM_BODY, zoom_key)[:2],
        ["x-zm-signature", mac(zoom_key, f"v0:{NOW}:{ZOOM_BODY}".encode())],
    ],
    body=ZOOM_BODY,
    expect="MalformedHeader",
)
add(
    "duplicated signature header",
    "zoom",
    ZOOM,
    [*zoom(NOW, ZOOM_BODY, zoom_key), zoom(NOW, ZOOM_BODY, zoom_key)[-1]],
    body=ZOOM_BODY,
    expect="MalformedHeader",
)


# --- Twitch: sha256=<hex HMAC-SHA256(secret, id + timestamp + body)>, RFC 3339 timestamps ------
TWITCH = {"secret": "twitch-eventsub-secret-0123"}
twitch_key = TWITCH["secret"].encode()
MESSAGE_ID = "befa7b53-d79d-478f-86b9-120f112b044e"


def rfc3339(seconds: int, nanos: str = "123456789") -> str:
    return (
        datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")
        + (f".{nanos}" if nanos else "")
        + "Z"
    )


def twitch(
    ts: str, body: str, key: bytes, message_id: str = MESSAGE_ID, kind: str = "notification"
) -> list[list[str]]:
    return [
        ["Content-Type", "application/json"],
        ["Twitch-Eventsub-Message-Id", message_id],
        ["Twitch-Eventsub-Message-Retry", "0"],
        ["Twitch-Eventsub-Message-Type", kind],
        ["Twitch-Eventsub-Message-Signature", "sha256=" + mac(key, (message_id + ts + body).encode())],
        ["Twitch-Eventsub-Message-Timestamp", ts],
        ["Twitch-Eventsub-Subscription-Type", "channel.follow"],
        ["Twitch-Eventsub-Subscription-Version", "2"],
    ]


def without(headers: list[list[str]], name: str) -> list[list[str]]:
    return [pair for pair in headers if pair[0] != name]


def replaced(headers: list[list[str]], name: str, value: str) -> list[list[str]]:
    return [[n, value if n == name else v] for n, v in headers]


stamp = rfc3339(NOW - 1)
add("valid", "twitch", TWITCH, twitch(stamp, TWITCH_BODY, twitch_key), body=TWITCH_BODY)
add(
    "callback verification",
    "twitch",
    TWITCH,
    twitch(stamp, TWITCH_CHALLENGE, twitch_key, kind="webhook_callback_verification"),
    body=TWITCH_CHALLENGE,
)
add(
    "timestamp without fraction",
    "twitch",
    TWITCH,
    twitch(rfc3339(NOW, ""), TWITCH_BODY, twitch_key),
    body=TWITCH_BODY,
)
add(
    "timestamp with an offset",
    "twitch",
    TWITCH,
    twitch("2023-11-14T23:13:20.5+01:00", TWITCH_BODY, twitch_key),
    body=TWITCH_BODY,
)
add(
    "message type header is not signed (and not read)",
    "twitch",
    TWITCH,
    replaced(twitch(stamp, TWITCH_BODY, twitch_key), "Twitch-Eventsub-Message-Type", "revocation"),
    body=TWITCH_BODY,
)
add(
    "tampered body",
    "twitch",
    TWITCH,
    twitch(stamp, TWITCH_BODY, twitch_key),
    body=tampered(TWITCH_BODY),
    expect="SignatureMismatch",
)
add(
    "message id changed after signing",
    "twitch",
    TWITCH,
    replaced(twitch(stamp, TWITCH_BODY, twitch_key), "Twitch-Eventsub-Message-Id", "another-id"),
    body=TWITCH_BODY,
    expect="SignatureMismatch",
)
add(
    "wrong secret",
    "twitch",
    TWITCH,
    twitch(stamp, TWITCH_BODY, b"another-secret-0123"),
    body=TWITCH_BODY,
    expect="SignatureMismatch",
)
add(
    "rotated secret, second matches",
    "twitch",
    {"secret": ["twitch-old-secret-0123", TWITCH["secret"]]},
    twitch(stamp, TWITCH_BODY, twitch_key),
    body=TWITCH_BODY,
)
add(
    "older than 10 minutes",
    "twitch",
    TWITCH,
    twitch(rfc3339(NOW - 601, ""), TWITCH_BODY, twitch_key),
    body=TWITCH_BODY,
    expect="TimestampOutsideTolerance",
)
add(
    "10 minutes in the future",
    "twitch",
    TWITCH,
    twitch(rfc3339(NOW + 601, ""), TWITCH_BODY, twitch_key),
    body=TWITCH_BODY,
    expect="TimestampOutsideTolerance",
)
add(
    "at the tolerance edge, old",
    "twitch",
    TWITCH,
    twitch(rfc3339(NOW - 600, ""), TWITCH_BODY, twitch_key),
    body=TWITCH_BODY,
)
add(
    "custom tolerance",
    "twitch",
    {**TWITCH, "tolerance": 60},
    twitch(rfc3339(NOW - 61, ""), TWITCH_BODY, twitch_key),
    body=TWITCH_BODY,
    expect="TimestampOutsideTolerance",
)
add(
    "unix timestamp is not RFC 3339",
    "twitch",
    TWITCH,
    twitch(str(NOW), TWITCH_BODY, twitch_key),
    body=TWITCH_BODY,
    expect="MalformedHeader",
)
add(
    "missing message id",
    "twitch",
    TWITCH,
    without(twitch(stamp, TWITCH_BODY, twitch_key), "Twitch-Eventsub-Message-Id"),
    body=TWITCH_BODY,
    expect="MissingHeader",
)
add(
    "missing timestamp",
    "twitch",
    TWITCH,
    without(twitch(stamp, TWITCH_BODY, twitch_key), "Twitch-Eventsub-Message-Timestamp"),
    body=TWITCH_BODY,
    expect="MissingHeader",
)
add(
    "missing signature",
    "twitch",
    TWITCH,
    without(twitch(stamp, TWITCH_BODY, twitch_key), "Twitch-Eventsub-Message-Signature"),
    body=TWITCH_BODY,
    expect="MissingHeader",
)
add(
    "signature without sha256=",
    "twitch",
    TWITCH,
    replaced(
        twitch(stamp, TWITCH_BODY, twitch_key),
        "Twitch-Eventsub-Message-Signature",
        mac(twitch_key, (MESSAGE_ID + stamp + TWITCH_BODY).encode()),
    ),
    body=TWITCH_BODY,
    expect="MalformedHeader",
)


# --- Discord: X-Signature-Ed25519 = hex Ed25519(timestamp + body) ------------------------------
SIGNING_KEY = nacl.signing.SigningKey(hashlib.sha256(b"handshake vectors: discord application").digest())
OTHER_KEY = nacl.signing.SigningKey(hashlib.sha256(b"handshake vectors: another application").digest())
DISCORD = {"public_key": bytes(SIGNING_KEY.verify_key).hex()}


def discord(ts: int | str, body: str, key: nacl.signing.SigningKey = SIGNING_KEY) -> list[list[str]]:
    stamp = str(ts)
    signature = key.sign(stamp.encode() + body.encode()).signature.hex()
    return [
        ["Content-Type", "application/json"],
        ["X-Signature-Ed25519", signature],
        ["X-Signature-Timestamp", stamp],
    ]


add("valid", "discord", DISCORD, discord(NOW, DISCORD_BODY), body=DISCORD_BODY)
add("ping", "discord", DISCORD, discord(NOW, DISCORD_PING), body=DISCORD_PING)
add(
    "uppercase hex signature",
    "discord",
    DISCORD,
    replaced(discord(NOW, DISCORD_BODY), "X-Signature-Ed25519", discord(NOW, DISCORD_BODY)[1][1].upper()),
    body=DISCORD_BODY,
)
add(
    "tampered body",
    "discord",
    DISCORD,
    discord(NOW, DISCORD_BODY),
    body=tampered(DISCORD_BODY),
    expect="SignatureMismatch",
)
add(
    "other application's key",
    "discord",
    DISCORD,
    discord(NOW, DISCORD_BODY, OTHER_KEY),
    body=DISCORD_BODY,
    expect="SignatureMismatch",
)
add(
    "two public keys, second matches",
    "discord",
    {"public_key": [bytes(OTHER_KEY.verify_key).hex(), DISCORD["public_key"]]},
    discord(NOW, DISCORD_BODY),
    body=DISCORD_BODY,
)
add(
    "timestamp changed after signing",
    "discord",
    DISCORD,
    replaced(discord(NOW, DISCORD_BODY), "X-Signature-Timestamp", str(NOW + 1)),
    body=DISCORD_BODY,
    expect="SignatureMismatch",
)
add(
    "signature with a bit flipped",
    "discord",
    DISCORD,
    replaced(
        discord(NOW, DISCORD_BODY),
        "X-Signature-Ed25519",
        format(int(discord(NOW, DISCORD_BODY)[1][1], 16) ^ 1, "0128x"),
    ),
    body=DISCORD_BODY,
    expect="SignatureMismatch",
)
add(
    "stale",
    "discord",
    DISCORD,
    discord(NOW - 301, DISCORD_BODY),
    body=DISCORD_BODY,
    expect="TimestampOutsideTolerance",
)
add(
    "future",
    "discord",
    DISCORD,
    discord(NOW + 301, DISCORD_BODY),
    body=DISCORD_BODY,
    expect="TimestampOutsideTolerance",
)
add("at the tolerance edge, old", "discord", DISCORD, discord(NOW - 300, DISCORD_BODY), body=DISCORD_BODY)
add("at the tolerance edge, future", "discord", DISCORD, discord(NOW + 300, DISCORD_BODY), body=DISCORD_BODY)
add(
    "custom tolerance",
    "discord",
    {**DISCORD, "tolerance": 5},
    discord(NOW - 6, DISCORD_BODY),
    body=DISCORD_BODY,
    expect="TimestampOutsideTolerance",
)
add(
    "stale with another key reports the time",
    "discord",
    DISCORD,
    discord(NOW - 3600, DISCORD_BODY, OTHER_KEY),
    body=DISCORD_BODY,
    expect="TimestampOutsideTolerance",
)
add(
    "missing signature header",
    "discord",
    DISCORD,
    without(discord(NOW, DISCORD_BODY), "X-Signature-Ed25519"),
    body=DISCORD_BODY,
    expect="MissingHeader",
)
add(
    "missing timestamp header",
    "discord",
    DISCORD,
    without(discord(NOW, DISCORD_BODY), "X-Signature-Timestamp"),
    body=DISCORD_BODY,
    expect="MissingHeader",
)
add(
    "signature not hex",
    "discord",
    DISCORD,
    replaced(discord(NOW, DISCORD_BODY), "X-Signature-Ed25519", "g" * 128),
    body=DISCORD_BODY,
    expect="MalformedHeader",
)
add(
    "signature too short",
    "discord",
    DISCORD,
    replaced(discord(NOW, DISCORD_BODY), "X-Signature-Ed25519", discord(NOW, DISCORD_BODY)[1][1][:126]),
    body=DISCORD_BODY,
    expect="MalformedHeader",
)
add(
    "timestamp not digits",
    "discord",
    DISCORD,
    discord("1700000000.0", DISCORD_BODY),
    body=DISCORD_BODY,
    expect="MalformedHeader",
)
add(
    "duplicated signature header",
    "discord",
    DISCORD,
    [*discord(NOW, DISCORD_BODY), discord(NOW, DISCORD_BODY)[1]],
    body=DISCORD_BODY,
    expect="MalformedHeader",
)


if __name__ == "__main__":
    (HERE / "handshakes.json").write_text(json.dumps(vectors, indent=1) + "\n")
    print(f"wrote {len(vectors)} vectors")
