"""Regenerate ``bound.json``: known-answer vectors for twilio, square, mailgun and sendgrid.

HMACs are computed with the standard library's ``hmac`` from each provider's
published description, SendGrid's ECDSA signatures with ``cryptography`` (as
SendGrid's own ``EventWebhook`` helper checks them), never with webhook_receiver.
Where a provider or its SDK publishes a worked example, it is here with its source
in the id:

* Twilio's security page (twilio.com/docs/usage/security, "Validating requests"):
  Auth Token ``12345``, ``https://mycompany.com/myapp.php?foo=1&bar=2`` and a Gather's
  fields, ``0/KCTR6DLpKmkAf8muzZqo1nDgQ=``; and the same request with the numbers of
  twilio-python's and twilio-php's own tests, ``RSOYDt4T1cUTdK1PDd93/VVr8B8=``.
* Square's SDKs (``WebhooksHelper`` tests in square-python-sdk, square-java-sdk...):
  the test notification, signature key ``Ibxx_5AKakO-3qeNVR61Dw`` and
  ``GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4=``, and its escaped-characters case.

ECDSA signatures are randomised, so regenerating changes SendGrid's signature
values (never their verdicts).

    python tests/vectors/make_bound.py
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

HERE = Path(__file__).parent
NOW = 1_700_000_000
vectors: list[dict[str, Any]] = []


def add(
    case: str,
    provider: str,
    options: dict[str, Any],
    headers: list[list[str]],
    body: str,
    *,
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


def mac(key: str, message: str, digest: str = "sha256") -> bytes:
    return hmac.new(key.encode(), message.encode(), getattr(hashlib, digest)).digest()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


# --- Twilio ----------------------------------------------------------------------------------
# base64 HMAC-SHA1(auth token, URL + each POST field sorted by name, name + value).

TW_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
TW = {"secret": "12345", "url": TW_URL}
DOCS_FIELDS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+12349013030",
    "Digits": "1234",
    "From": "+12349013030",
    "To": "+18005551212",
}
SDK_FIELDS = {**DOCS_FIELDS, "Caller": "+14158675309", "From": "+14158675309"}


def twilio_string(url: str, fields: list[tuple[str, str]]) -> str:
    values: dict[str, set[str]] = {}
    for name, value in fields:
        values.setdefault(name, set()).add(value)
    return url + "".join(name + value for name in sorted(values) for value in sorted(values[name]))


def twilio(url: str, fields: list[tuple[str, str]], key: str = "12345", digest: str = "sha1") -> str:
    return b64(mac(key, twilio_string(url, fields), digest))


def form(fields: dict[str, str] | list[tuple[str, str]]) -> str:
    return urlencode(fields)


SIG = "X-Twilio-Signature"
docs_body = form(DOCS_FIELDS)
add(
    "twilio.com/docs/usage/security worked example",
    "twilio",
    TW,
    [[SIG, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="]],
    docs_body,
)
assert twilio(TW_URL, list(DOCS_FIELDS.items())) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
add(
    "twilio-python and twilio-php tests' example",
    "twilio",
    TW,
    [[SIG, "RSOYDt4T1cUTdK1PDd93/VVr8B8="]],
    form(SDK_FIELDS),
)
assert twilio(TW_URL, list(SDK_FIELDS.items())) == "RSOYDt4T1cUTdK1PDd93/VVr8B8="
reordered = form(dict(reversed(list(DOCS_FIELDS.items()))))
add("fields in another order", "twilio", TW, [[SIG, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="]], reordered)
add(
    "tampered field",
    "twilio",
    TW,
    [[SIG, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="]],
    docs_body.replace("Digits=1234", "Digits=9999"),
    expect="SignatureMismatch",
)
add(
    "added field",
    "twilio",
    TW,
    [[SIG, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="]],
    docs_body + "&Extra=1",
    expect="SignatureMismatch",
)
add(
    "wrong auth token",
    "twilio",
    TW,
    [[SIG, twilio(TW_URL, list(DOCS_FIELDS.items()), key="54321")]],
    docs_body,
    expect="SignatureMismatch",
)
add(
    "rotated tokens, second matches",
    "twilio",
    {**TW, "secret": ["secondary-token", "12345"]},
    [[SIG, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="]],
    docs_body,
)
add(
    "signed for another URL (a request's Host) is refused",
    "twilio",
    TW,
    [[SIG, twilio("https://attacker.example/myapp.php?foo=1&bar=2", list(DOCS_FIELDS.items()))]],
    docs_body,
    expect="SignatureMismatch",
)
add(
    "signed for the URL without its query",
    "twilio",
    TW,
    [[SIG, twilio("https://mycompany.com/myapp.php", list(DOCS_FIELDS.items()))]],
    docs_body,
    expect="SignatureMismatch",
)
# The port rule (RequestValidator.validate): with and without the port both verify.
add(
    "configured without port, signed with :443",
    "twilio",
    TW,
    [[SIG, twilio("https://mycompany.com:443/myapp.php?foo=1&bar=2", list(DOCS_FIELDS.items()))]],
    docs_body,
)
add(
    "configured with :443, signed without port",
    "twilio",
    {**TW, "url": "https://mycompany.com:443/myapp.php?foo=1&bar=2"},
    [[SIG, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="]],
    docs_body,
)
add(
    "configured with :8443, signed without port (as the SDK accepts)",
    "twilio",
    {**TW, "url": "https://mycompany.com:8443/myapp.php?foo=1&bar=2"},
    [[SIG, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="]],
    docs_body,
)
add(
    "configured with :8443, signed with :443",
    "twilio",
    {**TW, "url": "https://mycompany.com:8443/myapp.php?foo=1&bar=2"},
    [[SIG, twilio("https://mycompany.com:443/myapp.php?foo=1&bar=2", list(DOCS_FIELDS.items()))]],
    docs_body,
    expect="SignatureMismatch",
)
add(
    "http URL, signed with :80",
    "twilio",
    {**TW, "url": "http://mycompany.com/myapp.php"},
    [[SIG, twilio("http://mycompany.com:80/myapp.php", list(DOCS_FIELDS.items()))]],
    docs_body,
)
repeated = [("Tag", "b"), ("Tag", "a"), ("Tag", "b"), ("MessageSid", "SM1")]
add(
    "repeated field: each distinct value once, sorted",
    "twilio",
    TW,
    [[SIG, b64(mac("12345", TW_URL + "MessageSidSM1TagaTagb", "sha1"))]],
    form(repeated),
)
# JSON: the URL with bodySHA256=<hex sha256 of the body> appended, fields none.
JSON_BODY = '{"specversion":"1.0","type":"com.twilio.eventstreams.test-event","id":"EV1"}'
json_url = TW_URL + "&bodySHA256=" + hashlib.sha256(JSON_BODY.encode()).hexdigest()
json_sig = b64(mac("12345", json_url, "sha1"))
add("JSON body, bodySHA256 appended to the query", "twilio", TW, [[SIG, json_sig]], JSON_BODY)
add(
    "JSON body, URL without a query: ?bodySHA256",
    "twilio",
    {**TW, "url": "https://mycompany.com/events"},
    [
        [
            SIG,
            b64(
                mac(
                    "12345",
                    "https://mycompany.com/events?bodySHA256="
                    + hashlib.sha256(JSON_BODY.encode()).hexdigest(),
                    "sha1",
                )
            ),
        ]
    ],
    JSON_BODY,
)
add(
    "JSON body tampered",
    "twilio",
    TW,
    [[SIG, json_sig]],
    JSON_BODY.replace("EV1", "EV2"),
    expect="SignatureMismatch",
)
add(
    "JSON body signed without bodySHA256",
    "twilio",
    TW,
    [[SIG, b64(mac("12345", TW_URL, "sha1"))]],
    JSON_BODY,
    expect="SignatureMismatch",
)
add(
    "a form that signs like a JSON request's URL is refused",
    "twilio",
    TW,
    [[SIG, json_sig]],
    form([("&bodySHA256=", hashlib.sha256(JSON_BODY.encode()).hexdigest())]),
    expect="SignatureMismatch",
)
# Webhooks Rules with a SharedKey: X-Twilio-Webhooks-Signature-Settings names the digest.
SETTINGS = "X-Twilio-Webhooks-Signature-Settings"
add(
    "SharedKey, HMAC_SHA256",
    "twilio",
    {**TW, "secret": ["12345", "shared-key-secret"]},
    [
        [SETTINGS, "key=webhooks_sharedkey_01hx,algorithm=HMAC_SHA256"],
        [SIG, twilio(TW_URL, list(DOCS_FIELDS.items()), key="shared-key-secret", digest="sha256")],
    ],
    docs_body,
)
add(
    "settings say HMAC_SHA256, signature is SHA-1",
    "twilio",
    TW,
    [[SETTINGS, "key=webhooks_sharedkey_01hx,algorithm=HMAC_SHA256"], [SIG, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="]],
    docs_body,
    expect="SignatureMismatch",
)
add(
    "settings without algorithm mean HMAC_SHA1",
    "twilio",
    TW,
    [[SETTINGS, "key=webhooks_sharedkey_01hx"], [SIG, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="]],
    docs_body,
)
add(
    "settings name an unknown algorithm",
    "twilio",
    TW,
    [[SETTINGS, "algorithm=HMAC_MD5"], [SIG, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="]],
    docs_body,
    expect="MalformedHeader",
)
add("missing signature header", "twilio", TW, [], docs_body, expect="MissingHeader")
add("blank signature header", "twilio", TW, [[SIG, " "]], docs_body, expect="MissingHeader")
add(
    "duplicated signature header",
    "twilio",
    TW,
    [[SIG, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="], [SIG, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="]],
    docs_body,
    expect="MalformedHeader",
)
add(
    "signature not base64",
    "twilio",
    TW,
    [[SIG, "0/KCTR6DLpKmkAf8muzZqo1nDgQ"]],
    docs_body,
    expect="MalformedHeader",
)

# --- Square ----------------------------------------------------------------------------------
# base64 HMAC-SHA256(signature key, notification URL + body).

SQ_BODY = (
    '{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification",'
    '"event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f","created_at":"2022-07-13T20:30:59.037339943Z",'
    '"data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}'
)
SQ_URL = "https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9"
SQ = {"secret": "Ibxx_5AKakO-3qeNVR61Dw", "url": SQ_URL}
SQ_SIG = "GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4="
SQH = "x-square-hmacsha256-signature"
assert b64(mac(SQ["secret"], SQ_URL + SQ_BODY)) == SQ_SIG
add("square SDKs' WebhooksHelper test notification", "square", SQ, [[SQH, SQ_SIG]], SQ_BODY)
add(
    "square SDKs' escaped characters",
    "square",
    {"secret": "signature-key", "url": "https://webhook.site/webhooks"},
    [[SQH, "Cxt7+aTi4rKgcA0bC4g9EHdVtLSDWdqccmL5MvihU4U="]],
    '{"data":{"type":"webhooks","id":">id<"}}',
)
add(
    "notification URL mismatch (SDK test)",
    "square",
    {**SQ, "url": "https://webhook.site/79a4f3a-dcfa-49ee-bac5-9d0edad886b9"},
    [[SQH, SQ_SIG]],
    SQ_BODY,
    expect="SignatureMismatch",
)
add(
    "wrong signature key (SDK test)",
    "square",
    {**SQ, "secret": "MCmhFRxGX82xMwg5FsaoQA"},
    [[SQH, SQ_SIG]],
    SQ_BODY,
    expect="SignatureMismatch",
)
add(
    "wrong signature (SDK test)",
    "square",
    SQ,
    [[SQH, "1z2n3DEJJiUPKcPzQo1ftvbxGdw="]],
    SQ_BODY,
    expect="SignatureMismatch",
)
add(
    "body reformatted (SDK test)",
    "square",
    SQ,
    [[SQH, SQ_SIG]],
    json.dumps(json.loads(SQ_BODY), indent=2),
    expect="SignatureMismatch",
)
add(
    "rotated keys, second matches",
    "square",
    {**SQ, "secret": ["new-signature-key", SQ["secret"]]},
    [[SQH, SQ_SIG]],
    SQ_BODY,
)
add(
    "no port variants: signed with :443 is refused",
    "square",
    SQ,
    [[SQH, b64(mac(SQ["secret"], SQ_URL.replace(".site/", ".site:443/") + SQ_BODY))]],
    SQ_BODY,
    expect="SignatureMismatch",
)
add(
    "signed over the body alone",
    "square",
    SQ,
    [[SQH, b64(mac(SQ["secret"], SQ_BODY))]],
    SQ_BODY,
    expect="SignatureMismatch",
)
add("missing signature header", "square", SQ, [], SQ_BODY, expect="MissingHeader")
add(
    "only the legacy x-square-signature",
    "square",
    SQ,
    [["x-square-signature", b64(mac(SQ["secret"], SQ_URL + SQ_BODY, "sha1"))]],
    SQ_BODY,
    expect="MissingHeader",
)
add("blank signature header", "square", SQ, [[SQH, ""]], SQ_BODY, expect="MissingHeader")
add(
    "duplicated signature header",
    "square",
    SQ,
    [[SQH, SQ_SIG], [SQH, SQ_SIG]],
    SQ_BODY,
    expect="MalformedHeader",
)
add("signature not base64", "square", SQ, [[SQH, "not base64!"]], SQ_BODY, expect="MalformedHeader")

# --- Mailgun ---------------------------------------------------------------------------------
# hex HMAC-SHA256(signing key, timestamp + token), inside the body; the event is not signed.

MG = {"secret": "key-7f1d3a5b9c2e4f6a8b0c1d2e3f4a5b6c"}
TOKEN = "e0b5477167110d68991efc6b9f89f0a11066af27834600e123"
EVENT = {
    "event": "delivered",
    "id": "hK7mQVt1QtqRiOfQXta4sw",
    "timestamp": 1700000000.5,
    "recipient": "a@b.c",
}


def mailgun_body(block: Any, event: dict[str, Any] | None = None) -> str:
    return json.dumps({"signature": block, "event-data": event or EVENT}, separators=(",", ":"))


def block(ts: Any = str(NOW), token: str = TOKEN, key: str = MG["secret"], **extra: Any) -> dict[str, Any]:
    signed = mac(key, f"{ts}{token}").hex()
    return {"timestamp": ts, "token": token, "signature": signed, **extra}


add("valid", "mailgun", MG, [], mailgun_body(block()))
add("timestamp as a JSON number", "mailgun", MG, [], mailgun_body(block(ts=NOW)))
add(
    "event data is not signed: another event under the same block verifies",
    "mailgun",
    MG,
    [],
    mailgun_body(block(), {**EVENT, "event": "failed", "recipient": "x@y.z"}),
)
add(
    "tampered token",
    "mailgun",
    MG,
    [],
    mailgun_body({**block(), "token": TOKEN[:-1] + "4"}),
    expect="SignatureMismatch",
)
add(
    "tampered timestamp",
    "mailgun",
    MG,
    [],
    mailgun_body({**block(), "timestamp": str(NOW + 1)}),
    expect="SignatureMismatch",
)
add("wrong key", "mailgun", MG, [], mailgun_body(block(key="another-key")), expect="SignatureMismatch")
add(
    "subaccount: parent-signature matches",
    "mailgun",
    MG,
    [],
    mailgun_body({**block(key="subaccount-key"), "parent-signature": block()["signature"]}),
)
add(
    "rotated keys, second matches",
    "mailgun",
    {"secret": ["key-new", MG["secret"]]},
    [],
    mailgun_body(block()),
)
add("7h59m old: inside the 8-hour default", "mailgun", MG, [], mailgun_body(block()), now=NOW + 8 * 3600 - 60)
add(
    "8h1m old",
    "mailgun",
    MG,
    [],
    mailgun_body(block()),
    now=NOW + 8 * 3600 + 60,
    expect="TimestampOutsideTolerance",
)
add(
    "8h1m in the future",
    "mailgun",
    MG,
    [],
    mailgun_body(block()),
    now=NOW - 8 * 3600 - 60,
    expect="TimestampOutsideTolerance",
)
add(
    "tolerance=300, 301 s old",
    "mailgun",
    {**MG, "tolerance": 300},
    [],
    mailgun_body(block()),
    now=NOW + 301,
    expect="TimestampOutsideTolerance",
)
add("no signature block", "mailgun", MG, [], json.dumps({"event-data": EVENT}), expect="MissingHeader")
add(
    "no token",
    "mailgun",
    MG,
    [],
    mailgun_body({k: v for k, v in block().items() if k != "token"}),
    expect="MissingHeader",
)
add(
    "no signature",
    "mailgun",
    MG,
    [],
    mailgun_body({k: v for k, v in block().items() if k != "signature"}),
    expect="MissingHeader",
)
add("signature block is a string", "mailgun", MG, [], mailgun_body("sig"), expect="MalformedHeader")
add(
    "signature not hex",
    "mailgun",
    MG,
    [],
    mailgun_body({**block(), "signature": "zz" * 32}),
    expect="MalformedHeader",
)
add(
    "fractional timestamp",
    "mailgun",
    MG,
    [],
    mailgun_body(block(ts=f"{NOW}.5")),
    expect="MalformedHeader",
)
add(
    "token is a number",
    "mailgun",
    MG,
    [],
    mailgun_body({**block(), "token": 12345}),
    expect="MalformedHeader",
)

# --- SendGrid --------------------------------------------------------------------------------
# base64 DER ECDSA P-256/SHA-256 over timestamp header + body, verified with the public key.

SG_PRIVATE = ec.derive_private_key(0x5E4D_6E09_1D_C0FFEE_5EED_0001, ec.SECP256R1())
SG_OTHER = ec.derive_private_key(0x0BAD_5EED_0002, ec.SECP256R1())


def sg_public(key: ec.EllipticCurvePrivateKey) -> str:
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return b64(der)


def sg_sign(ts: str, body: str, key: ec.EllipticCurvePrivateKey = SG_PRIVATE) -> str:
    return b64(key.sign((ts + body).encode(), ec.ECDSA(hashes.SHA256())))


SG = {"public_key": sg_public(SG_PRIVATE)}
SG_BODY = (
    '[{"email":"example@test.com","timestamp":1700000000,"smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>",'
    '"event":"delivered","category":"cat facts","sg_event_id":"rWVYmVk90MjZJ9iohOBa3w",'
    '"sg_message_id":"14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0","response":"250 OK"}]'
)
SGS, SGT = "X-Twilio-Email-Event-Webhook-Signature", "X-Twilio-Email-Event-Webhook-Timestamp"


def sg_headers(
    ts: str = str(NOW), body: str = SG_BODY, key: ec.EllipticCurvePrivateKey = SG_PRIVATE
) -> list[list[str]]:
    return [[SGT, ts], [SGS, sg_sign(ts, body, key)]]


add("valid", "sendgrid", SG, sg_headers(), SG_BODY)
add(
    "tampered body",
    "sendgrid",
    SG,
    sg_headers(),
    SG_BODY.replace("250 OK", "550 NO"),
    expect="SignatureMismatch",
)
add("signed by another key", "sendgrid", SG, sg_headers(key=SG_OTHER), SG_BODY, expect="SignatureMismatch")
add(
    "timestamp header changed",
    "sendgrid",
    SG,
    [[SGT, str(NOW + 1)], [SGS, sg_sign(str(NOW), SG_BODY)]],
    SG_BODY,
    expect="SignatureMismatch",
)
add(
    "signed over the body alone",
    "sendgrid",
    SG,
    [[SGT, str(NOW)], [SGS, b64(SG_PRIVATE.sign(SG_BODY.encode(), ec.ECDSA(hashes.SHA256())))]],
    SG_BODY,
    expect="SignatureMismatch",
)
add(
    "rotated keys, second matches",
    "sendgrid",
    {"public_key": [sg_public(SG_OTHER), SG["public_key"]]},
    sg_headers(),
    SG_BODY,
)
add(
    "verification key as PEM",
    "sendgrid",
    {
        "public_key": SG_PRIVATE.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    },
    sg_headers(),
    SG_BODY,
)
add("301 s old", "sendgrid", SG, sg_headers(), SG_BODY, now=NOW + 301, expect="TimestampOutsideTolerance")
add(
    "301 s in the future",
    "sendgrid",
    SG,
    sg_headers(),
    SG_BODY,
    now=NOW - 301,
    expect="TimestampOutsideTolerance",
)
add("300 s old", "sendgrid", SG, sg_headers(), SG_BODY, now=NOW + 300)
add("missing signature header", "sendgrid", SG, sg_headers()[:1], SG_BODY, expect="MissingHeader")
add("missing timestamp header", "sendgrid", SG, sg_headers()[1:], SG_BODY, expect="MissingHeader")
add(
    "signature not base64",
    "sendgrid",
    SG,
    [[SGT, str(NOW)], [SGS, "MEUCIQ!!"]],
    SG_BODY,
    expect="MalformedHeader",
)
add(
    "timestamp in milliseconds is not seconds",
    "sendgrid",
    SG,
    sg_headers(ts=str(NOW * 1000)),
    SG_BODY,
    expect="TimestampOutsideTolerance",
)
add("timestamp not digits", "sendgrid", SG, sg_headers(ts="17e8"), SG_BODY, expect="MalformedHeader")
add(
    "duplicated signature header",
    "sendgrid",
    SG,
    [*sg_headers(), sg_headers()[1]],
    SG_BODY,
    expect="MalformedHeader",
)

out = HERE / "bound.json"
out.write_text(json.dumps(vectors, indent=1, ensure_ascii=False) + "\n")
print(f"wrote {len(vectors)} vectors to {out}")
