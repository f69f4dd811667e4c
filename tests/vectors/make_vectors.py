"""Regenerate ``verification.json``: known-answer vectors for every provider.

Signatures here are computed with the standard library's ``hmac`` directly, from each
provider's published description, never with webhook_receiver itself, so the vectors
check the library against the specs rather than against itself.

    python tests/vectors/make_vectors.py
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
BODY = '{"type":"message:updated","data":{"id":"1-5e2b2615-05efbb3acab9172f88dd3f6f","status":"DELIVERED"}}'
TAMPERED = BODY.replace("DELIVERED", "OPENED")
NOW = 1_700_000_000
vectors: list[dict[str, Any]] = []


def add(
    case: str,
    provider: str,
    options: dict[str, Any],
    headers: list[list[str]],
    *,
    body: str = BODY,
    now: float = NOW,
    expect: str = "ok",
) -> None:
    auth = f"{options['auth']}: " if "auth" in options else ""
    vectors.append(
        {
            "id": f"{provider}/{auth}{case}",
            "provider": provider,
            "options": options,
            "headers": headers,
            "body": body,
            "now": now,
            "expect": expect,
        }
    )


def mac(key: bytes, message: bytes, digest: str = "sha256") -> bytes:
    return hmac.new(key, message, getattr(hashlib, digest)).digest()


def standard(
    provider: str,
    options: dict[str, Any],
    sign: Any,
    *,
    has_time: bool,
    others: tuple[str, str] = ("old-secret-no-longer-used", "another-secret"),
) -> None:
    """The cases every signed provider gets; ``sign(ts, body, key) -> headers``."""
    key, other = options["secret"].encode(), b"not-the-secret"
    add("valid", provider, options, sign(NOW, BODY, key))
    add("tampered body", provider, options, sign(NOW, BODY, key), body=TAMPERED, expect="SignatureMismatch")
    add("wrong secret", provider, options, sign(NOW, BODY, other), expect="SignatureMismatch")
    rotated = dict(options, secret=[others[0], options["secret"]])
    add("rotated secret, second matches", provider, rotated, sign(NOW, BODY, key))
    add(
        "rotated secret, none matches",
        provider,
        dict(options, secret=list(others)),
        sign(NOW, BODY, key),
        expect="SignatureMismatch",
    )
    first = sign(NOW, BODY, key)
    add("duplicated signature header", provider, options, [*first, first[-1]], expect="MalformedHeader")
    add("missing signature header", provider, options, first[:-1], expect="MissingHeader")
    add(
        "blank signature header",
        provider,
        options,
        [*first[:-1], [first[-1][0], "  "]],
        expect="MissingHeader",
    )
    if has_time:
        add("stale", provider, options, sign(NOW - 301, BODY, key), expect="TimestampOutsideTolerance")
        add("future", provider, options, sign(NOW + 301, BODY, key), expect="TimestampOutsideTolerance")
        add("at the tolerance edge, old", provider, options, sign(NOW - 300, BODY, key))
        add("at the tolerance edge, future", provider, options, sign(NOW + 300, BODY, key))
        add(
            "custom tolerance",
            provider,
            dict(options, tolerance=10),
            sign(NOW - 11, BODY, key),
            expect="TimestampOutsideTolerance",
        )
        add(
            "stale with a wrong signature reports the time",
            provider,
            options,
            sign(NOW - 3600, BODY, other),
            expect="TimestampOutsideTolerance",
        )


# --- Courier: t=<ts>,signature=<hex>, HMAC-SHA256(secret, ts + body) -----------------------------
def courier(ts: int, body: str, key: bytes, *, ms: bool = True) -> list[list[str]]:
    t = str(ts * 1000) if ms else str(ts)
    return [
        ["content-type", "application/json"],
        ["courier-signature", f"t={t},signature={mac(key, t.encode() + body.encode()).hex()}"],
    ]


c_opts = {"secret": "courier-signing-secret"}
standard("courier", c_opts, courier, has_time=True)
ck = c_opts["secret"].encode()
add("seconds timestamp", "courier", c_opts, courier(NOW, BODY, ck, ms=False))
add(
    "seconds timestamp, stale",
    "courier",
    c_opts,
    courier(NOW - 301, BODY, ck, ms=False),
    expect="TimestampOutsideTolerance",
)
t_ms = str(NOW * 1000)
good = mac(ck, t_ms.encode() + BODY.encode()).hex()
add(
    "spaces, unknown keys, several signatures",
    "courier",
    c_opts,
    [["courier-signature", f"t={t_ms}, v0=abcd, signature={'00' * 32}, signature={good}, x=y"]],
)
add("upper-case hex", "courier", c_opts, [["courier-signature", f"t={t_ms},signature={good.upper()}"]])
add(
    "published example timestamp read as milliseconds",
    "courier",
    c_opts,
    [["courier-signature", f"t=1631816343012,signature={mac(ck, b'1631816343012' + BODY.encode()).hex()}"]],
    now=1631816343.012 + 120,
)
add(
    "published example timestamp, 10 minutes later",
    "courier",
    c_opts,
    [["courier-signature", f"t=1631816343012,signature={mac(ck, b'1631816343012' + BODY.encode()).hex()}"]],
    now=1631816343.012 + 600,
    expect="TimestampOutsideTolerance",
)
add(
    "signed with a '.' separator is not Courier's scheme",
    "courier",
    c_opts,
    [["courier-signature", f"t={t_ms},signature={mac(ck, t_ms.encode() + b'.' + BODY.encode()).hex()}"]],
    expect="SignatureMismatch",
)
for case, value in {
    "no timestamp": f"signature={good}",
    "no signature": f"t={t_ms}",
    "timestamp not a number": f"t=12ab,signature={good}",
    "negative timestamp": f"t=-{t_ms},signature={good}",
    "float timestamp": f"t={NOW}.5,signature={good}",
    "overlong timestamp": f"t={'9' * 40},signature={good}",
    "signature not hex": f"t={t_ms},signature=zz{good[2:]}",
    "odd-length hex": f"t={t_ms},signature={good[:-1]}",
    "entry without =": f"t={t_ms},garbage,signature={good}",
    "repeated t": f"t={t_ms},t={t_ms},signature={good}",
    "thousands of entries": f"t={t_ms}," + ",".join([f"signature={'00' * 32}"] * 2000),
}.items():
    add(f"malformed: {case}", "courier", c_opts, [["courier-signature", value]], expect="MalformedHeader")


# --- Stripe: t=<ts>,v1=<hex> over "<ts>.<body>" --------------------------------------------------
def stripe(ts: int, body: str, key: bytes) -> list[list[str]]:
    return [["Stripe-Signature", f"t={ts},v1={mac(key, f'{ts}.{body}'.encode()).hex()}"]]


s_opts = {"secret": "whsec_test_secret_for_stripe"}
standard("stripe", s_opts, stripe, has_time=True)
sk = s_opts["secret"].encode()
sgood = mac(sk, f"{NOW}.{BODY}".encode()).hex()
add(
    "v0 and a second v1",
    "stripe",
    s_opts,
    [["Stripe-Signature", f"t={NOW},v1={'11' * 32},v0={sgood},v1={sgood}"]],
)
add(
    "only v0 matches",
    "stripe",
    s_opts,
    [["Stripe-Signature", f"t={NOW},v1={'11' * 32},v0={sgood}"]],
    expect="SignatureMismatch",
)
add(
    "milliseconds are not Stripe's unit",
    "stripe",
    s_opts,
    [["Stripe-Signature", f"t={NOW * 1000},v1={mac(sk, f'{NOW * 1000}.{BODY}'.encode()).hex()}"]],
    expect="TimestampOutsideTolerance",
)
add(
    "malformed: no v1",
    "stripe",
    s_opts,
    [["Stripe-Signature", f"t={NOW},v0={sgood}"]],
    expect="MalformedHeader",
)
add("malformed: no t", "stripe", s_opts, [["Stripe-Signature", f"v1={sgood}"]], expect="MalformedHeader")


# --- Standard Webhooks: id, timestamp, "v1,<b64>" over "<id>.<ts>.<body>" -------------------------
SW_KEY = b"standard-webhooks-raw-key-32byte"
SW_SECRET = "whsec_" + base64.b64encode(SW_KEY).decode()


def standard_webhooks(
    ts: int, body: str, key: bytes, prefix: str = "webhook-", msg_id: str = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"
) -> list[list[str]]:
    if key != b"not-the-secret":
        key = base64.b64decode(key.decode().removeprefix("whsec_")) if key.startswith(b"whsec_") else key
    sig = base64.b64encode(mac(key, f"{msg_id}.{ts}.{body}".encode())).decode()
    return [[f"{prefix}id", msg_id], [f"{prefix}timestamp", str(ts)], [f"{prefix}signature", f"v1,{sig}"]]


w_opts = {"secret": SW_SECRET}
standard(
    "standard-webhooks",
    w_opts,
    standard_webhooks,
    has_time=True,
    others=tuple("whsec_" + base64.b64encode(k).decode() for k in (b"old-key", b"another-key")),
)
wgood = base64.b64encode(mac(SW_KEY, f"msg_1.{NOW}.{BODY}".encode())).decode()
base = [["webhook-id", "msg_1"], ["webhook-timestamp", str(NOW)]]
add("svix- prefix", "standard-webhooks", w_opts, standard_webhooks(NOW, BODY, SW_SECRET.encode(), "svix-"))
add(
    "several signatures, other versions skipped",
    "standard-webhooks",
    w_opts,
    [
        *base,
        ["webhook-signature", f"v1a,{wgood} v1,{base64.b64encode(b'x' * 32).decode()} v2,zzz v1,{wgood}"],
    ],
)
add(
    "only v1a",
    "standard-webhooks",
    w_opts,
    [*base, ["webhook-signature", f"v1a,{wgood}"]],
    expect="SignatureMismatch",
)
add(
    "id is signed",
    "standard-webhooks",
    w_opts,
    [["webhook-id", "msg_2"], ["webhook-timestamp", str(NOW)], ["webhook-signature", f"v1,{wgood}"]],
    expect="SignatureMismatch",
)
add(
    "missing id",
    "standard-webhooks",
    w_opts,
    [base[1], ["webhook-signature", f"v1,{wgood}"]],
    expect="MissingHeader",
)
add(
    "missing timestamp",
    "standard-webhooks",
    w_opts,
    [base[0], ["webhook-signature", f"v1,{wgood}"]],
    expect="MissingHeader",
)
for case, value in {
    "entry without comma": f"v1{wgood}",
    "not base64": "v1,@@@notbase64@@@",
    "thousands of entries": " ".join([f"v1,{wgood}"] * 2000),
}.items():
    add(
        f"malformed: {case}",
        "standard-webhooks",
        w_opts,
        [*base, ["webhook-signature", value]],
        expect="MalformedHeader",
    )
add(
    "malformed: timestamp",
    "standard-webhooks",
    w_opts,
    [base[0], ["webhook-timestamp", "1e9"], ["webhook-signature", f"v1,{wgood}"]],
    expect="MalformedHeader",
)


# --- GitHub: sha256=<hex> over the body ---------------------------------------------------------
def github(ts: int, body: str, key: bytes) -> list[list[str]]:
    return [["X-GitHub-Event", "push"], ["X-Hub-Signature-256", "sha256=" + mac(key, body.encode()).hex()]]


g_opts = {"secret": "github-webhook-secret"}
standard("github", g_opts, github, has_time=False)
ggood = mac(b"github-webhook-secret", BODY.encode()).hex()
add(
    "malformed: no sha256= prefix",
    "github",
    g_opts,
    [["X-Hub-Signature-256", ggood]],
    expect="MalformedHeader",
)
add(
    "malformed: sha1= prefix",
    "github",
    g_opts,
    [["X-Hub-Signature-256", "sha1=" + ggood]],
    expect="MalformedHeader",
)
add("upper-case hex", "github", g_opts, [["x-hub-signature-256", "sha256=" + ggood.upper()]])


# --- Slack: v0=<hex> over "v0:<ts>:<body>" -------------------------------------------------------
def slack(ts: int, body: str, key: bytes) -> list[list[str]]:
    return [
        ["X-Slack-Request-Timestamp", str(ts)],
        ["X-Slack-Signature", "v0=" + mac(key, f"v0:{ts}:{body}".encode()).hex()],
    ]


l_opts = {"secret": "8f742231b10e8888abcd99yyyzzz85a5"}
standard("slack", l_opts, slack, has_time=True)
lgood = slack(NOW, BODY, l_opts["secret"].encode())
add("missing timestamp header", "slack", l_opts, [lgood[1]], expect="MissingHeader")
add(
    "malformed: timestamp",
    "slack",
    l_opts,
    [["X-Slack-Request-Timestamp", "yesterday"], lgood[1]],
    expect="MalformedHeader",
)
add(
    "malformed: no v0= prefix",
    "slack",
    l_opts,
    [lgood[0], ["X-Slack-Signature", lgood[1][1][3:]]],
    expect="MalformedHeader",
)


# --- Customer.io: X-Signature = hex HMAC-SHA1(secret, body) -------------------------------------
def customerio(ts: int, body: str, key: bytes) -> list[list[str]]:
    return [["X-Signature", mac(key, body.encode(), "sha1").hex()]]


i_opts = {"secret": "customerio-shared-secret"}
standard("customerio", i_opts, customerio, has_time=False)
igood = mac(b"customerio-shared-secret", BODY.encode(), "sha1").hex()
add("upper-case hex", "customerio", i_opts, [["x-signature", igood.upper()]])
add(
    "sha256 is not Customer.io's digest",
    "customerio",
    i_opts,
    [["X-Signature", mac(b"customerio-shared-secret", BODY.encode()).hex()]],
    expect="SignatureMismatch",
)
add("malformed: not hex", "customerio", i_opts, [["X-Signature", "sha1=" + igood]], expect="MalformedHeader")


# --- Bearer tokens: Kourier, the generic bearer, Courier channel, Xtremepush ---------------------
def bearer_cases(provider: str, options: dict[str, Any], token: str) -> None:
    add("valid", provider, options, [["Authorization", f"Bearer {token}"]])
    add("scheme word in lower case", provider, options, [["authorization", f"bearer {token}"]])
    add(
        "wrong token", provider, options, [["Authorization", f"Bearer {token}x"]], expect="InvalidCredentials"
    )
    add(
        "token prefix only",
        provider,
        options,
        [["Authorization", f"Bearer {token[:-1]}"]],
        expect="InvalidCredentials",
    )
    add("missing header", provider, options, [], expect="MissingHeader")
    add(
        "malformed: not bearer",
        provider,
        options,
        [["Authorization", f"Token {token}"]],
        expect="MalformedHeader",
    )
    add("malformed: no token", provider, options, [["Authorization", "Bearer"]], expect="MalformedHeader")
    add(
        "duplicated header",
        provider,
        options,
        [["Authorization", f"Bearer {token}"], ["Authorization", f"Bearer {token}"]],
        expect="MalformedHeader",
    )


bearer_cases("kourier", {"token": "WEBHOOK_SECRET_TOKEN"}, "WEBHOOK_SECRET_TOKEN")
add(
    "rotated token",
    "kourier",
    {"token": ["old-token", "WEBHOOK_SECRET_TOKEN"]},
    [["Authorization", "Bearer WEBHOOK_SECRET_TOKEN"]],
)
bearer_cases("bearer", {"token": "generic-token"}, "generic-token")
bearer_cases("courier-channel", {"auth": "bearer", "token": "ABCDEFG123456"}, "ABCDEFG123456")
bearer_cases("xtremepush", {"auth": "bearer", "token": "xp-bearer"}, "xp-bearer")


def basic(user: str, password: str) -> list[list[str]]:
    return [["Authorization", "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()]]


def basic_cases(provider: str, options: dict[str, Any], user: str, password: str) -> None:
    add("valid", provider, options, basic(user, password))
    add(
        "password with a colon",
        provider,
        dict(options, password=password + ":x"),
        basic(user, password + ":x"),
    )
    add("wrong password", provider, options, basic(user, password + "x"), expect="InvalidCredentials")
    add("wrong username", provider, options, basic(user + "x", password), expect="InvalidCredentials")
    add("missing header", provider, options, [], expect="MissingHeader")
    add(
        "malformed: not base64", provider, options, [["Authorization", "Basic @@@"]], expect="MalformedHeader"
    )
    add(
        "malformed: no colon",
        provider,
        options,
        [["Authorization", "Basic " + base64.b64encode(user.encode()).decode()]],
        expect="MalformedHeader",
    )
    add(
        "malformed: bearer instead",
        provider,
        options,
        [["Authorization", "Bearer x"]],
        expect="MalformedHeader",
    )
    add("duplicated header", provider, options, basic(user, password) * 2, expect="MalformedHeader")
    rotated = {k: v for k, v in options.items() if k not in ("username", "password")}
    rotated["credentials"] = [["old-user", "old-p4ss"], [user, password]]
    add("rotated credentials", provider, rotated, basic(user, password))


basic_cases(
    "courier-channel",
    {"auth": "basic", "username": "AzureDiamond", "password": "hunter2"},
    "AzureDiamond",
    "hunter2",
)
add("non-ASCII password", "basic", {"username": "zoë", "password": "pässwörd"}, basic("zoë", "pässwörd"))
basic_cases("basic", {"username": "user", "password": "p4ss-w0rd"}, "user", "p4ss-w0rd")
basic_cases("xtremepush", {"auth": "basic", "username": "xp", "password": "xp-pass"}, "xp", "xp-pass")

# Xtremepush signed payload: the key itself, or an HMAC of the body under it.
x_key = {"auth": "signed", "key": "xp-generated-key"}
add("key valid", "xtremepush", x_key, [["X-Signature", "xp-generated-key"]])
add(
    "key wrong",
    "xtremepush",
    x_key,
    [["X-Signature", "xp-generated-kez"]],
    expect="InvalidCredentials",
)
add("key missing", "xtremepush", x_key, [], expect="MissingHeader")
add(
    "key duplicated", "xtremepush", x_key, [["X-Signature", "xp-generated-key"]] * 2, expect="MalformedHeader"
)
add(
    "key rotated",
    "xtremepush",
    {"key": ["k1", "xp-generated-key"]},
    [["X-Signature", "xp-generated-key"]],
)
add(
    "key, custom header",
    "xtremepush",
    dict(x_key, header="X-XP-Key"),
    [["x-xp-key", "xp-generated-key"]],
)
x_hmac = {"auth": "signed", "key": "xp-hmac-key", "signing": "hmac-sha256"}
xgood = mac(b"xp-hmac-key", BODY.encode()).hex()
add("hmac valid", "xtremepush", x_hmac, [["X-Signature", xgood]])
add(
    "hmac tampered",
    "xtremepush",
    x_hmac,
    [["X-Signature", xgood]],
    body=TAMPERED,
    expect="SignatureMismatch",
)
add(
    "hmac: the key itself is not accepted",
    "xtremepush",
    x_hmac,
    [["X-Signature", "xp-hmac-key"]],
    expect="MalformedHeader",
)

# --- The generic "hmac" provider --------------------------------------------------------------
h_opts = {
    "secret": "acme",
    "header": "X-Acme-Signature",
    "digest": "sha512",
    "encoding": "base64",
    "prefix": "sha512=",
    "timestamp_header": "X-Acme-Timestamp",
    "payload": "{timestamp}:{body}:end",
}
hgood = base64.b64encode(mac(b"acme", f"{NOW}:{BODY}:end".encode(), "sha512")).decode()
add(
    "template, base64, sha512",
    "hmac",
    h_opts,
    [["X-Acme-Timestamp", str(NOW)], ["X-Acme-Signature", "sha512=" + hgood]],
)
add(
    "template, stale",
    "hmac",
    h_opts,
    [["X-Acme-Timestamp", str(NOW - 1000)], ["X-Acme-Signature", "sha512=" + hgood]],
    expect="TimestampOutsideTolerance",
)
add(
    "template, tampered",
    "hmac",
    h_opts,
    [["X-Acme-Timestamp", str(NOW)], ["X-Acme-Signature", "sha512=" + hgood]],
    body=TAMPERED,
    expect="SignatureMismatch",
)
add(
    "template, not base64",
    "hmac",
    h_opts,
    [["X-Acme-Timestamp", str(NOW)], ["X-Acme-Signature", "sha512=!!"]],
    expect="MalformedHeader",
)
ms_opts = {"secret": "acme", "header": "X-Sig", "timestamp_header": "X-Ts", "timestamp_unit": "ms"}
add(
    "milliseconds timestamp",
    "hmac",
    ms_opts,
    [["X-Ts", str(NOW * 1000)], ["X-Sig", mac(b"acme", f"{NOW * 1000}.{BODY}".encode()).hex()]],
)
add(
    "plain body sha1 hex",
    "hmac",
    {"secret": "k", "header": "X-Sig", "digest": "sha1"},
    [["X-Sig", mac(b"k", BODY.encode(), "sha1").hex()]],
)

out = HERE / "verification.json"
out.write_text(json.dumps(vectors, indent=1, ensure_ascii=False) + "\n")
print(f"wrote {len(vectors)} vectors to {out}")
