"""Regenerate ``keys.json``: known-answer vectors for Standard Webhooks ``v1a`` and Amazon SNS.

Signatures here are made with PyNaCl (Ed25519) and ``cryptography`` (RSA, X.509),
from each sender's published description, never with webhook_receiver itself (which
verifies Ed25519 and RSA through ``cryptography``: the Ed25519 side is signed by
another implementation).

- Standard Webhooks (spec/standard-webhooks.md): ``v1a,<base64 Ed25519 signature>``
  over ``<id>.<timestamp>.<body>``; public key ``whpk_<base64>``. The first vector is
  the known answer of the reference Go library's ``TestAsymmetricWebhookSign``
  (standard-webhooks/standard-webhooks, libraries/go/webhook_asymmetric_test.go).
- Amazon SNS ("Verifying the signatures of Amazon SNS messages"): ``Name\nValue\n``
  for the signed fields in order, SHA1withRSA (``SignatureVersion`` 1) or
  SHA256withRSA (2), certificates pinned through the ``certificates`` option (JSON:
  no fetch, no network).

    python tests/vectors/make_keys.py
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nacl.signing
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

HERE = Path(__file__).parent
NOW = 1_700_000_000
BODY = '{"type":"invoice.paid","timestamp":"2023-11-14T22:13:00Z","data":{"id":"in_1","amount":2000}}'
TAMPERED = BODY.replace("2000", "1")
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


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


# --- Standard Webhooks v1a: Ed25519 over "<id>.<ts>.<body>" ------------------------------------
GO_SEED = base64.b64decode("VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=")  # the Go test's whsk_ value
GO_KEY = nacl.signing.SigningKey(GO_SEED)
go_expected = "v1a,tQ9V2XOqn7jL/DQenEFpqIugdBVtiMmER5mhSkXBNwM0mkATuDe6KYYUuxqtaiHeYGb7KaaBRdM5WqyeFiL8Ag=="
go_body = '{"test": 2432232314}'
go_signed = GO_KEY.sign(f"msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.{go_body}".encode()).signature
assert "v1a," + b64(go_signed) == go_expected, "PyNaCl disagrees with the Go library's known answer"
add(
    "v1a: known answer of the reference Go library (libraries/go/webhook_asymmetric_test.go)",
    "standard-webhooks",
    {"public_key": "whpk_" + b64(bytes(GO_KEY.verify_key))},
    [
        ["webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"],
        ["webhook-timestamp", "1614265330"],
        ["webhook-signature", go_expected],
    ],
    body=go_body,
    now=1614265330,
)

KEY = nacl.signing.SigningKey(bytes(range(32)))
OTHER = nacl.signing.SigningKey(bytes(range(32, 64)))
WHPK = "whpk_" + b64(bytes(KEY.verify_key))
OTHER_WHPK = "whpk_" + b64(bytes(OTHER.verify_key))
SW_SECRET_KEY = b"standard-webhooks-raw-key-32byte"
SW_SECRET = "whsec_" + b64(SW_SECRET_KEY)
MSG = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"


def v1a(key: nacl.signing.SigningKey, ts: int = NOW, body: str = BODY, msg_id: str = MSG) -> str:
    return "v1a," + b64(key.sign(f"{msg_id}.{ts}.{body}".encode()).signature)


def v1(ts: int = NOW, body: str = BODY, msg_id: str = MSG) -> str:
    import hashlib
    import hmac

    return "v1," + b64(hmac.new(SW_SECRET_KEY, f"{msg_id}.{ts}.{body}".encode(), hashlib.sha256).digest())


def sw(signature: str, ts: int = NOW, prefix: str = "webhook-", msg_id: str = MSG) -> list[list[str]]:
    return [[f"{prefix}id", msg_id], [f"{prefix}timestamp", str(ts)], [f"{prefix}signature", signature]]


SW = "standard-webhooks"
keys = {"public_key": WHPK}
both = {"secret": SW_SECRET, "public_key": WHPK}
pem = bytes(
    serialization.load_der_public_key(
        bytes.fromhex("302a300506032b6570032100") + bytes(KEY.verify_key)
    ).public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
).decode()
add("v1a: valid", SW, keys, sw(v1a(KEY)))
add("v1a: svix- prefix", SW, keys, sw(v1a(KEY), prefix="svix-"))
add("v1a: public key as PEM", SW, {"public_key": pem}, sw(v1a(KEY)))
add("v1a: unpadded whpk_", SW, {"public_key": WHPK.rstrip("=")}, sw(v1a(KEY)))
add("v1a: tampered body", SW, keys, sw(v1a(KEY)), body=TAMPERED, expect="SignatureMismatch")
add("v1a: wrong key", SW, keys, sw(v1a(OTHER)), expect="SignatureMismatch")
add("v1a: rotated keys, second matches", SW, {"public_key": [OTHER_WHPK, WHPK]}, sw(v1a(KEY)))
add(
    "v1a: rotated keys, none matches",
    SW,
    {"public_key": [OTHER_WHPK]},
    sw(v1a(KEY)),
    expect="SignatureMismatch",
)
add("v1a: id is signed", SW, keys, sw(v1a(KEY), msg_id="msg_other"), expect="SignatureMismatch")
add("v1a: timestamp is signed", SW, keys, sw(v1a(KEY, ts=NOW - 1)), expect="SignatureMismatch")
add(
    "v1a: several entries, one good",
    SW,
    keys,
    sw(f"v1,{b64(bytes(32))} v1a,{b64(bytes(64))} v2,zz {v1a(KEY)}"),
)
add("v1a: key only, v1 entry cannot verify", SW, keys, sw(v1()), expect="SignatureMismatch")
add("v1a: key and secret, v1 entry verifies", SW, both, sw(v1()))
add("v1a: key and secret, v1a entry verifies", SW, both, sw(v1a(KEY)))
add("v1a: key and secret, both wrong", SW, both, sw(f"{v1(ts=1)} {v1a(OTHER)}"), expect="SignatureMismatch")
add(
    "v1a: secret only, v1a entry skipped", SW, {"secret": SW_SECRET}, sw(v1a(KEY)), expect="SignatureMismatch"
)
truncated = "v1a," + b64(KEY.sign(f"{MSG}.{NOW}.{BODY}".encode()).signature[:63])
add("v1a: 63-byte signature", SW, keys, sw(truncated), expect="SignatureMismatch")
add("v1a: stale", SW, keys, sw(v1a(KEY, ts=NOW - 301), ts=NOW - 301), expect="TimestampOutsideTolerance")
add("v1a: future", SW, keys, sw(v1a(KEY, ts=NOW + 301), ts=NOW + 301), expect="TimestampOutsideTolerance")
add("v1a: missing signature header", SW, keys, sw(v1a(KEY))[:2], expect="MissingHeader")
add("v1a: missing id", SW, keys, sw(v1a(KEY))[1:], expect="MissingHeader")
add("v1a: malformed: not base64", SW, keys, sw("v1a,@@not-base64@@"), expect="MalformedHeader")
add("v1a: malformed: no comma", SW, keys, sw("v1a" + v1a(KEY)[4:]), expect="MalformedHeader")
add(
    "v1a: malformed: timestamp",
    SW,
    keys,
    [["webhook-id", MSG], ["webhook-timestamp", "1.7e9"], ["webhook-signature", v1a(KEY)]],
    expect="MalformedHeader",
)


# --- Amazon SNS: RSA PKCS #1 v1.5 over "Name\nValue\n"..., certificate by URL -------------------
# Two throwaway RSA keys, fixed so that the file regenerates identically.
SIGNER_PEM = (
    "-----BEGIN PRIVATE KEY-----\n"
    "MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQDQHlm8+wY13Wc3\n"
    "gmPfqx+L/siI7Y3NyacGDW4pmt/tbK/s5o57hinJDfD4nrtWRuiak51WagRsW34Z\n"
    "DRW6Q1Mgd+mdUq3U02sSDQBGf5dqEr6jKEQ2WPrxp4nTJxYPXU0vC0CjzzMBvGZY\n"
    "EK8MXyJiqneZq9+G8zNLMpwB63oUDlezFAiEfFbRh2XvzuxhZ8y0MSb8Ie8qzpWS\n"
    "POXGdp+qi0G2t2GRwB6sRgbZQEJoA5LcLx4JJSXWbpy9mHXOCBUaKNmsG/lLzy+b\n"
    "COaPsfWA+HgBCDvXWPUOwFEeQhoQVQnfETvCgzUMDXuGBzfysydtL7owoC+R30sg\n"
    "syMJrcDJAgMBAAECggEAEpDqk4PXWX3PY/HTZBQ5g70ueZyrnlSjfFQ9ZCPHX0Bn\n"
    "b1xgEJ/24VNHkH5kmv1HaebKTfe2Pk5pMOXsbsnrxAU+h4TlMgvMTPdw81kVkmZq\n"
    "sFZ6w1hrxpwaHQarHqLFrHE2CocE914tySRv4UwpXqDze3eMQNc4V7iDl15A7UHz\n"
    "F4bZieWG1ne6cXjFKJdTRAX51w97G4ALLXA6VLAlGP3so5ZNg6xZDgnDiEygrA12\n"
    "mb8BaU7Fkshk0F1jFOAN2cZvfwRz5Fsmq2KQZv53h58cxFTfaCuxxMcB7SRNQHZA\n"
    "Mz2iKqe82qWlwh9wu0Mk1xymHqun3XA3BaWfkXQJgwKBgQDuX5dZZc6BQvLHKD50\n"
    "/rG4Yj5Anv1lfymWpqznYU6qirKJcfdQNBioKhQ/iTbroFyueCB+AwiN0h2EeYTu\n"
    "DaBTYDALBohkBHZ71dAjWQYqX9pNkQipwXpRFzj4LPuMrQeTCbcKhWUqb3jsUBSc\n"
    "MpoweFIBwpKz+DgY5B/c/L0GdwKBgQDfggj5b/HTMVVfvVSrbrALBaO9OXbZieDS\n"
    "oWndjwR0q2qRc3OW8FMIJhMlhHE/Gu27jOfYTFZ8O1CFdYZXgkQJ5QuwesyILEMu\n"
    "Cy7VDd4PTToVtPTgTw0JDNc/480XlvL4tKaawKKr59mSWf9bVLzPiYBKfStBn0xR\n"
    "fA9Vl28CvwKBgCUocYdV/2LW9NFmzJWgPkPnzJx2LDnuIKWDReCron+jL0GNqmeu\n"
    "N0m/hXiCAzWnwcrQnwAFqQeygTdtWfNh3GQi0lplok01BOM46UEZV4SzfGwq95a+\n"
    "ujp5zD+jg3LiZhPdp9LUCHkc91SfBxdyK+byWpY7pnK3dscqiG0CWNTxAoGATgbY\n"
    "WTQiaQcc9dpj16FBpednHSUVf6YprX6aNbW66Xv6LSLv5G6rnfmkz4EoA87D1ajA\n"
    "O3uS6bXPS3gW2S/pzsZ+STLlelhxb36J7+jyb8cXEwLkRfZy54jrECvXqneRBRAT\n"
    "5YyAfaDoDLaMdfbkH1OyTM7brgINo5i6xbejEoMCgYAXa8JANol8e9vXmvlCvqq/\n"
    "ATRseA/zBAqhjPqLjopY+h2PNIMJkXsa+a0FUBXbo8FDIdiBupxH1CyU/fb4Ec6o\n"
    "uprDsmd6Kk2a1+ciCXPgR3+0yXnyCSTYRevLReMO8DSH5JipacXR76F4CCSRADYs\n"
    "VQgLkbbfBR4EZ18nk0XN4w==\n"
    "-----END PRIVATE KEY-----\n"
)
OTHER_PEM = (
    "-----BEGIN PRIVATE KEY-----\n"
    "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDVAa85b2mkFUTU\n"
    "t3/ODg8KJqChy/oatRFfx6QIMOc+FztJ7fYDBvm8ZhZAG2qlANftuUfCSIsDm5g8\n"
    "miIvU4hWFP/OQY6mUFHG31R5rqUE4ayGLs8Z5Gi2ZrKTR92xueMOlO951jUM60qS\n"
    "V85LKCfjlrGNzebYsRR+2z/ChOxKHCF+904PqUbdpLUwHL36QPpbtNeWUtVJyY88\n"
    "1mTI71q1gIr6c9Gve698PXwhlKORnhdmOXtgAFkQkXjrec2+//HZbVXhRxd69o0G\n"
    "jtnRlHymsulqPWeEncFMnrW7BdwVU0stTnlBXAQiraluUQWVz8oz3dT7C4ifu+Tp\n"
    "1ddyiIp9AgMBAAECggEAAah+bRLyDQpnhyHZeNpD5G8/F2wUiZ/1xTXWG5urq1qd\n"
    "2nLva1dXSaFDRf02d667Ft2UMoUr3mo68Sl31B0Iik6mFmskOvZ9GweXIpQXpvSf\n"
    "JzOIRBuyuVjIaOrsfFg/7Vetpwb5UgXhbxjCErpAklVaWNuG8CmiMcHj6S0zXJv0\n"
    "LUlexobOFQZvGZiV0PTi438PZoWNgdzaZYN+I3Tj/n7nwW2ryPYwkjihop5IrZJF\n"
    "uqMTfMFC0A1wQo8NIbp1FxLVx9Jm+7eX6pdVm9O3gtogQw98xRFReh+P87+UcgBV\n"
    "Ryqms6p/ScGwAxY21b/TdIeY7yIUePS2PU14wQ+p8QKBgQD0TNs+okjdLdDBNo3r\n"
    "mPb2KOnHZmmAovyAcDRreQOkOmw9wz233NSQES29ZB/5yIf5BB0JhQuExGY50t3h\n"
    "v+Z1VLVBBPX/SjrBhbL+gkG1Ki/aailsabNZPivBwe2FtGBu4R+NDgWF/tqgwRTR\n"
    "oCsEUkesccPGexfNQgF+2s/SMwKBgQDfNSpC7zqzq7y3kEAb3r88wN5pKrBi/qj7\n"
    "XXmkFI8c+EGEs01lIzlr2QhWBBxWeJkdj977hQEWyTbzMQpJZJMN59XxOUhjZdDH\n"
    "q5Egs+1LlIF+/I30E0yS2ey2GRQ52bcw2RUrcsglhDlsGN4uUkdLFeHgjT3rronb\n"
    "KSkStuVgjwKBgQCitnXod6pUNmmt5qoL2yvRtFpQxvNKDERlP1aKpmU4gvkJAfsf\n"
    "dOPWuLpgREnP0jJONuEoMAcF/NGhfcLu0yOpziuTDLzTthsAPg6D2TnuchTBQqgo\n"
    "XxZnQDNgr8uFnCgGccbT6hzfrGjtXOyC2k0Macj3ICanEeE+gtIALbjxZQKBgQCx\n"
    "bhGqI4EGUf4x7PkJLofWQ3qJHuYXy1eIeUW4qJ8a6D0sv1tGijmbAWse9SWRl0wf\n"
    "s74NMi0rb8e+ib0jmk9LPn9SwbZJTSYpkrhKxrxa2DIYP6qX2r+D/LeuCUGKuwZk\n"
    "TiwF3bg8Gl+LDjmPmNgTV9G2LpCKSLRNAusjdT/hAQKBgB+Q5FHN7+GgKvE8yZxX\n"
    "05X7nEfmfb/LmtAOv1HP+K9wnJjPq8fN4PB8SnpQDXOAa4ESV1NKjnOX2cuzrfkb\n"
    "mJVwx2SUcnYO+lI1icCw1CtNHhOIzzp50ukD8DPt1Vh2FmbTsUPUYgDcfG35DCwY\n"
    "AEi8ApQiPOpLwYgStJaFQrib\n"
    "-----END PRIVATE KEY-----\n"
)
SIGNER = serialization.load_pem_private_key(SIGNER_PEM.encode(), password=None)
OTHER_RSA = serialization.load_pem_private_key(OTHER_PEM.encode(), password=None)
assert isinstance(SIGNER, rsa.RSAPrivateKey) and isinstance(OTHER_RSA, rsa.RSAPrivateKey)


def certificate(key: rsa.RSAPrivateKey, not_before: datetime, not_after: datetime) -> str:
    """A self-signed certificate (no CA), as SNS's would be for our purpose: an RSA key with a validity."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com (test vectors)")])
    built = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .sign(key, hashes.SHA256())
    )
    return built.public_bytes(serialization.Encoding.PEM).decode("ascii")


URL = "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem"
EXPIRED_URL = "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-expired.pem"
EARLY_URL = "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-not-yet-valid.pem"
CERT = certificate(SIGNER, datetime(2023, 1, 1, tzinfo=UTC), datetime(2033, 1, 1, tzinfo=UTC))
EXPIRED = certificate(SIGNER, datetime(2020, 1, 1, tzinfo=UTC), datetime(2023, 11, 1, tzinfo=UTC))
EARLY = certificate(SIGNER, datetime(2023, 12, 1, tzinfo=UTC), datetime(2033, 1, 1, tzinfo=UTC))
TOPIC = "arn:aws:sns:us-west-2:123456789012:MyTopic"
SECOND_TOPIC = "arn:aws:sns:us-west-2:123456789012:OtherTopic"
SNS = "aws-sns"
sns_opts = {"topic_arn": TOPIC, "certificates": {URL: CERT, EXPIRED_URL: EXPIRED, EARLY_URL: EARLY}}
SIGNED = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": (
        "Message",
        "MessageId",
        "SubscribeURL",
        "Timestamp",
        "Token",
        "TopicArn",
        "Type",
    ),
    "UnsubscribeConfirmation": (
        "Message",
        "MessageId",
        "SubscribeURL",
        "Timestamp",
        "Token",
        "TopicArn",
        "Type",
    ),
}


def iso(seconds: float) -> str:
    moment = datetime.fromtimestamp(seconds, UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def to_sign(message: dict[str, Any]) -> bytes:
    fields = SIGNED[message["Type"]]
    return "".join(f"{name}\n{message[name]}\n" for name in fields if message.get(name) is not None).encode()


def signed(message: dict[str, Any], key: rsa.RSAPrivateKey = SIGNER) -> dict[str, Any]:
    # SignatureVersion 1 is SHA1withRSA: what SNS topics sign with by default.
    digest = hashes.SHA1() if message["SignatureVersion"] == "1" else hashes.SHA256()  # noqa: S303
    return {**message, "Signature": b64(key.sign(to_sign(message), padding.PKCS1v15(), digest))}


def notification(**changes: Any) -> dict[str, Any]:
    message: dict[str, Any] = {
        "Type": "Notification",
        "MessageId": "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
        "TopicArn": TOPIC,
        "Subject": "My First Message",
        "Message": "Hello world!\nSecond line, and a non-ASCII one: caf\u00e9",
        "Timestamp": iso(NOW - 30),
        "SignatureVersion": "1",
        "Signature": "",
        "SigningCertURL": URL,
        "UnsubscribeURL": "https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn="
        + TOPIC
        + ":c9135db0-26c4-47ec-8998-413945fb5a96",
    }
    message.update(changes)
    return {k: v for k, v in message.items() if v is not ...}


def confirmation(kind: str = "SubscriptionConfirmation", **changes: Any) -> dict[str, Any]:
    token = (
        "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3"
        "beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6f"
        "db82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736"
    )
    message = {
        "Type": kind,
        "MessageId": "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
        "Token": token,
        "TopicArn": TOPIC,
        "Message": f"You have chosen to subscribe to the topic {TOPIC}.\n"
        "To confirm the subscription, visit the SubscribeURL included in this message.",
        "SubscribeURL": "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn="
        + TOPIC
        + "&Token="
        + token,
        "Timestamp": iso(NOW - 30),
        "SignatureVersion": "1",
        "Signature": "",
        "SigningCertURL": URL,
    }
    message.update(changes)
    return message


def sns_headers(message: dict[str, Any]) -> list[list[str]]:
    return [
        ["Content-Type", "text/plain; charset=UTF-8"],
        ["x-amz-sns-message-type", str(message.get("Type"))],
        ["x-amz-sns-message-id", str(message.get("MessageId"))],
        ["x-amz-sns-topic-arn", str(message.get("TopicArn"))],
    ]


def sns(case: str, message: dict[str, Any], expect: str = "ok", options: dict[str, Any] = sns_opts) -> None:
    body = json.dumps(message, separators=(",", ":"), ensure_ascii=False)
    add(case, SNS, options, sns_headers(message), body=body, expect=expect)


good = signed(notification())
sns("Notification, SignatureVersion 1 (SHA1withRSA)", good)
sns("Notification, SignatureVersion 2 (SHA256withRSA)", signed(notification(SignatureVersion="2")))
sns("Notification without Subject", signed(notification(Subject=...)))
sns("Notification with a JSON Message", signed(notification(Message=json.dumps({"Records": [{"s3": {}}]}))))
sns("Notification, pretty-printed as SNS sends it", good)
vectors[-1]["body"] = json.dumps(good, indent=2, ensure_ascii=False).replace('": ', '" : ')
sns("SubscriptionConfirmation", signed(confirmation()))
sns("UnsubscribeConfirmation", signed(confirmation("UnsubscribeConfirmation")))
sns("accepted topic among several", good, options={**sns_opts, "topic_arn": [SECOND_TOPIC, TOPIC]})
sns("old, within the 3900 s tolerance", signed(notification(Timestamp=iso(NOW - 3800))))
sns("unsigned UnsubscribeURL changed: still verifies", {**good, "UnsubscribeURL": "https://example.com/"})
sns(
    "unsigned MessageAttributes added: still verifies",
    {**good, "MessageAttributes": {"a": {"Type": "String", "Value": "b"}}},
)
for name, value in {
    "Message": "Goodbye world!",
    "Subject": "Another subject",
    "MessageId": "00000000-fdea-4c2c-8f9d-bdfb0c7bf324",
    "Timestamp": iso(NOW - 31),
    "TopicArn": SECOND_TOPIC,
}.items():
    options = {**sns_opts, "topic_arn": [TOPIC, SECOND_TOPIC]}
    sns(f"tampered {name}", {**good, name: value}, "SignatureMismatch", options)
sns("Subject removed", {k: v for k, v in good.items() if k != "Subject"}, "SignatureMismatch")
confirmed = signed(confirmation())
sns(
    "tampered SubscribeURL",
    {**confirmed, "SubscribeURL": confirmed["SubscribeURL"] + "x"},
    "SignatureMismatch",
)
sns("tampered Token", {**confirmed, "Token": "0" + confirmed["Token"][1:]}, "SignatureMismatch")
sns(
    "Type changed to UnsubscribeConfirmation",
    {**confirmed, "Type": "UnsubscribeConfirmation"},
    "SignatureMismatch",
)
sns("signed by another key", signed(notification(), OTHER_RSA), "SignatureMismatch")
sns("SHA-1 signature claimed as version 2", {**good, "SignatureVersion": "2"}, "SignatureMismatch")
sns("wrong topic", signed(notification(TopicArn=SECOND_TOPIC)), "VerificationError")
sns(
    "unknown SignatureVersion",
    signed(notification(SignatureVersion="2")) | {"SignatureVersion": "3"},
    "MalformedHeader",
)
sns(
    "SignatureVersion 1 refused by signature_versions",
    good,
    "MalformedHeader",
    {**sns_opts, "signature_versions": ["2"]},
)
sns("SignatureVersion as a number", {**good, "SignatureVersion": 1}, "MalformedHeader")
sns("expired certificate", signed(notification(SigningCertURL=EXPIRED_URL)), "VerificationError")
sns("certificate not yet valid", signed(notification(SigningCertURL=EARLY_URL)), "VerificationError")
for case, url in {
    "http": URL.replace("https://", "http://"),
    "other host": "https://example.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem",
    "userinfo": URL.replace("https://", "https://user@"),
    "userinfo hiding another host": "https://sns.us-west-2.amazonaws.com@evil.example/cert.pem",
    "port": URL.replace(".com/", ".com:8443/"),
    "not .pem": URL.replace(".pem", ".crt"),
    "query after .pem": URL + "?x=1",
    "sns.evil.com": "https://sns.evil.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem",
    "amazonaws.com.evil.com": "https://sns.us-east-1.amazonaws.com.evil.com/SimpleNotificationService-x.pem",
    "S3 bucket on amazonaws.com": "https://s3.amazonaws.com/sns.us-west-2.amazonaws.com/cert.pem",
    "upper-case host": URL.replace("sns.us-west-2", "SNS.us-west-2"),
    "trailing newline": URL + "\n",
}.items():
    sns(f"certificate URL refused: {case}", signed(notification(SigningCertURL=url)), "MalformedHeader")
for name in (
    "Signature",
    "SigningCertURL",
    "SignatureVersion",
    "MessageId",
    "Timestamp",
    "TopicArn",
    "Message",
    "Type",
):
    sns(f"missing {name}", {k: v for k, v in good.items() if k != name}, "MissingHeader")
sns("missing Token in a confirmation", {k: v for k, v in confirmed.items() if k != "Token"}, "MissingHeader")
sns("Signature not base64", {**good, "Signature": "@@@" + good["Signature"]}, "MalformedHeader")
sns("Timestamp not ISO 8601", signed(notification(Timestamp="1700000000")), "MalformedHeader")
sns("unknown Type", signed(notification()) | {"Type": "Telegram"}, "MalformedHeader")
sns("line break in MessageId", signed(notification(MessageId="a\nTimestamp")), "MalformedHeader")
sns("line break in Subject", signed(notification(Subject="a\nb")), "MalformedHeader")
sns("stale (over 3900 s)", signed(notification(Timestamp=iso(NOW - 3901))), "TimestampOutsideTolerance")
sns("future (over 300 s)", signed(notification(Timestamp=iso(NOW + 301))), "TimestampOutsideTolerance")
sns("stale under a 20 s tolerance", good, "TimestampOutsideTolerance", {**sns_opts, "tolerance": 20})

out = HERE / "keys.json"
out.write_text(json.dumps(vectors, indent=1, ensure_ascii=False) + "\n")
print(f"wrote {len(vectors)} vectors to {out}")
