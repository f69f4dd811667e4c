"""Public-key providers: Standard Webhooks ``v1a`` (Ed25519) and Amazon SNS (RSA, X.509 by URL).

Signatures are made with PyNaCl and ``cryptography`` directly and verified with this
library; what this library signs is verified with them. No test touches the
network: every certificate comes from an injected ``fetch`` or a pinned PEM.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import subprocess
import sys
import warnings
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import nacl.exceptions
import nacl.signing
import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.x509.oid import NameOID

import webhook_receiver
from webhook_receiver import (
    ConfigurationError,
    InsecureConfigurationWarning,
    MalformedHeader,
    MissingHeader,
    Receiver,
    Secret,
    SignatureMismatch,
    TimestampOutsideTolerance,
    VerificationError,
    WebhookError,
    providers,
    testing,
)
from webhook_receiver._crypto import CertificateStore, fetch_https
from webhook_receiver._errors import STATUSES, CertificateUnavailable
from webhook_receiver._schemes import BUILTIN_SCHEMES, StandardWebhooksSignature
from webhook_receiver.providers.aws_sns import (
    AwsSns,
    SnsMessage,
    SnsNotification,
    SnsSubscriptionConfirmation,
    SnsUnsubscribeConfirmation,
    confirm_subscription,
    is_certificate_url,
    is_subscribe_url,
)
from webhook_receiver.providers.standard_webhooks import (
    StandardWebhooks,
    StandardWebhooksEvent,
    StandardWebhooksKeySignature,
)

from .conftest import NOW, VECTORS

ROOT = Path(__file__).resolve().parent.parent


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


# --- Standard Webhooks v1a -------------------------------------------------------------------

SEED = bytes(range(100, 132))
NACL_KEY = nacl.signing.SigningKey(SEED)
WHSK = "whsk_" + b64(SEED)
WHSK_64 = "whsk_" + b64(SEED + bytes(NACL_KEY.verify_key))
WHPK = "whpk_" + b64(bytes(NACL_KEY.verify_key))
OTHER_KEY = nacl.signing.SigningKey(bytes(32))
OTHER_WHPK = "whpk_" + b64(bytes(OTHER_KEY.verify_key))
SECRET_KEY = b"a 24-byte secret for svx"
WHSEC = "whsec_" + b64(SECRET_KEY)
MSG = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"
BODY = b'{"type":"invoice.paid","timestamp":"2023-11-14T22:13:00Z","data":{"id":"in_1","amount":2000}}'


def sw_headers(signature: str, ts: int = NOW, msg_id: str = MSG) -> dict[str, str]:
    return {"webhook-id": msg_id, "webhook-timestamp": str(ts), "webhook-signature": signature}


def nacl_v1a(
    key: nacl.signing.SigningKey = NACL_KEY, ts: int = NOW, body: bytes = BODY, msg_id: str = MSG
) -> str:
    return "v1a," + b64(key.sign(f"{msg_id}.{ts}.".encode() + body).signature)


def hmac_v1(ts: int = NOW, body: bytes = BODY, msg_id: str = MSG) -> str:
    return "v1," + b64(hmac.new(SECRET_KEY, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest())


class TestStandardWebhooksV1a:
    def test_the_reference_go_librarys_known_answer_is_what_we_sign(self) -> None:
        # standard-webhooks/standard-webhooks, libraries/go/webhook_asymmetric_test.go:
        # TestAsymmetricWebhookSign
        key = "whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk="
        seed = base64.b64decode(key[5:])
        public = ed25519.Ed25519PrivateKey.from_private_bytes(seed).public_key()
        whpk = "whpk_" + b64(public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))
        provider = StandardWebhooks(public_key=whpk)
        scheme = provider.scheme
        assert isinstance(scheme, StandardWebhooksKeySignature)
        headers = scheme.sign_with_key(
            b'{"test": 2432232314}', 1614265330, key, msg_id="msg_p5jXN8AQM9LWM0D4loKWxJek"
        )
        assert headers["webhook-signature"] == (
            "v1a,tQ9V2XOqn7jL/DQenEFpqIugdBVtiMmER5mhSkXBNwM0mkATuDe6KYYUuxqtaiHeYGb7KaaBRdM5WqyeFiL8Ag=="
        )
        provider.verify(headers, b'{"test": 2432232314}', now=1614265330)

    def test_signed_with_pynacl_verifies(self) -> None:
        verified = StandardWebhooks(public_key=WHPK).verify(sw_headers(nacl_v1a()), BODY, now=NOW)
        assert (verified.message_id, verified.timestamp, verified.signed_at) == (MSG, str(NOW), float(NOW))

    def test_signed_with_cryptography_verifies_and_a_pem_public_key_is_accepted(self) -> None:
        key = ed25519.Ed25519PrivateKey.generate()
        signature = key.sign(f"{MSG}.{NOW}.".encode() + BODY)
        pem = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        provider = StandardWebhooks(public_key=pem.decode())
        provider.verify(sw_headers("v1a," + b64(signature)), BODY, now=NOW)
        with pytest.raises(SignatureMismatch):
            provider.verify(sw_headers("v1a," + b64(signature)), BODY + b" ", now=NOW)

    @pytest.mark.parametrize("private_key", [WHSK, WHSK_64], ids=["32-byte seed", "64-byte seed+public"])
    def test_what_we_sign_verifies_with_pynacl_and_cryptography(self, private_key: str) -> None:
        provider = StandardWebhooks(public_key=WHPK, clock=lambda: NOW)
        headers, body = provider.sign_request(BODY, private_key=private_key)
        assert body == BODY
        version, _, value = headers["webhook-signature"].partition(",")
        assert version == "v1a"
        signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
        NACL_KEY.verify_key.verify(signed, base64.b64decode(value))
        public = ed25519.Ed25519PublicKey.from_public_bytes(bytes(NACL_KEY.verify_key))
        public.verify(base64.b64decode(value), signed)
        with pytest.raises(nacl.exceptions.BadSignatureError):
            NACL_KEY.verify_key.verify(signed + b"x", base64.b64decode(value))
        provider.verify(headers, body)

    def test_testing_signed_request_signs_v1a_with_a_private_key(self) -> None:
        provider = StandardWebhooks(public_key=WHPK, clock=lambda: NOW)
        headers, body = testing.signed_request(provider, {"type": "user.created"}, private_key=WHSK)
        assert headers["webhook-signature"].startswith("v1a,")
        (event,) = provider.parse(headers, body, provider.verify(headers, body))
        assert isinstance(event, StandardWebhooksEvent)
        assert (event.type, event.id) == ("user.created", headers["webhook-id"])

    def test_public_key_only_refuses_v1_entries(self) -> None:
        provider = StandardWebhooks(public_key=WHPK)
        with pytest.raises(SignatureMismatch, match="no v1a signature"):
            provider.verify(sw_headers(hmac_v1()), BODY, now=NOW)
        # Even a correct v1 entry next to a wrong v1a one does not help.
        with pytest.raises(SignatureMismatch):
            provider.verify(sw_headers(f"{hmac_v1()} {nacl_v1a(OTHER_KEY)}"), BODY, now=NOW)

    def test_secret_only_is_exactly_the_v1_scheme(self) -> None:
        provider = StandardWebhooks(secret=WHSEC)
        # The v1 path is the unchanged builtin scheme: the fast header path, nothing for keys.
        assert type(provider.scheme) is StandardWebhooksSignature
        assert type(provider.scheme) in BUILTIN_SCHEMES
        provider.verify(sw_headers(hmac_v1()), BODY, now=NOW)
        with pytest.raises(SignatureMismatch, match="no v1 signature"):
            provider.verify(sw_headers(nacl_v1a()), BODY, now=NOW)

    def test_secret_and_public_key_accept_either_kind(self) -> None:
        provider = StandardWebhooks(secret=WHSEC, public_key=WHPK)
        provider.verify(sw_headers(hmac_v1()), BODY, now=NOW)
        provider.verify(sw_headers(nacl_v1a()), BODY, now=NOW)
        provider.verify(sw_headers(f"{hmac_v1(ts=1)} {nacl_v1a()}"), BODY, now=NOW)
        provider.verify(sw_headers(f"{nacl_v1a(OTHER_KEY)} {hmac_v1()}"), BODY, now=NOW)
        with pytest.raises(SignatureMismatch):
            provider.verify(sw_headers(f"{hmac_v1(ts=1)} {nacl_v1a(OTHER_KEY)}"), BODY, now=NOW)
        # v1 under the secret still: what provider.sign makes, and svix-* names.
        provider.verify(provider.sign(BODY, now=NOW), BODY, now=NOW)
        svix = {name.replace("webhook-", "svix-"): value for name, value in sw_headers(nacl_v1a()).items()}
        provider.verify(svix, BODY, now=NOW)

    def test_rotation_and_secret_expiry_of_public_keys(self) -> None:
        until = datetime.fromtimestamp(NOW + 60, tz=UTC)
        provider = StandardWebhooks(public_key=[OTHER_WHPK, Secret(WHPK, expires_at=until)])
        provider.verify(sw_headers(nacl_v1a()), BODY, now=NOW)
        later = NOW + 61
        with pytest.raises(SignatureMismatch):
            provider.verify(sw_headers(nacl_v1a(ts=later), ts=later), BODY, now=later)
        provider.verify(sw_headers(nacl_v1a(OTHER_KEY, ts=later), ts=later), BODY, now=later)

    def test_timestamps_are_checked_both_ways_before_any_key_operation(self) -> None:
        provider = StandardWebhooks(public_key=WHPK, tolerance=60)
        provider.verify(sw_headers(nacl_v1a(ts=NOW - 60), ts=NOW - 60), BODY, now=NOW)
        for offset in (-61, 61):
            with pytest.raises(TimestampOutsideTolerance):
                provider.verify(sw_headers(nacl_v1a(ts=NOW + offset), ts=NOW + offset), BODY, now=NOW)
        # A stale request with a garbage signature is refused for its time, not its signature.
        with pytest.raises(TimestampOutsideTolerance):
            provider.verify(sw_headers("v1a," + b64(bytes(64)), ts=NOW - 600), BODY, now=NOW)

    @pytest.mark.parametrize(
        ("signature", "error"),
        [
            ("v1a,@@@", MalformedHeader),
            ("v1a", MalformedHeader),
            ("v1a," + b64(bytes(63)), SignatureMismatch),
            ("v1a," + b64(bytes(65)), SignatureMismatch),
            ("v1a," + b64(bytes(64)), SignatureMismatch),
            (" ".join(["v1a," + b64(bytes(64))] * 65), MalformedHeader),
            ("v2,abc v1b,abc", SignatureMismatch),
        ],
    )
    def test_hostile_signature_headers_are_verification_errors(
        self, signature: str, error: type[WebhookError]
    ) -> None:
        with pytest.raises(error) as info:
            StandardWebhooks(public_key=WHPK).verify(sw_headers(signature), BODY, now=NOW)
        assert info.value.status == 401

    @pytest.mark.parametrize("timestamp", ["1e9", "-1", "9" * 40, "\uff11\uff17" + "\uff10" * 8])
    def test_hostile_timestamps(self, timestamp: str) -> None:
        headers = {**sw_headers(nacl_v1a()), "webhook-timestamp": timestamp}
        with pytest.raises((MalformedHeader, TimestampOutsideTolerance)):
            StandardWebhooks(public_key=WHPK).verify(headers, BODY, now=NOW)

    def test_identity_is_the_signed_webhook_id(self) -> None:
        provider = StandardWebhooks(public_key=WHPK)
        headers = sw_headers(nacl_v1a())
        events = provider.parse(headers, BODY, provider.verify(headers, BODY, now=NOW))
        with_noise = {**headers, "X-Forwarded-For": "10.0.0.1", "User-Agent": "Svix-Webhooks/1.0"}
        again = provider.parse(with_noise, BODY, provider.verify(with_noise, BODY, now=NOW))
        assert provider.identity(events[0]) == provider.identity(again[0])
        assert events[0].id == MSG

    @pytest.mark.parametrize(
        ("options", "message"),
        [
            ({}, "secret='whsec_...'"),
            ({"public_key": WHSK}, "public_key was given a secret"),
            ({"public_key": WHSEC}, "public_key was given a secret"),
            ({"public_key": "whpk_" + b64(bytes(31))}, "32 bytes"),
            ({"public_key": "whpk_@@@"}, "'whpk_' followed by base64"),
            ({"public_key": "not a key"}, "public_key"),
            ({"public_key": []}, "public_key"),
            ({"public_key": 12}, "public_key"),
            ({"secret": WHSK}, "Ed25519 key"),
            ({"secret": WHPK}, "Ed25519 key"),
            ({"public_key": WHPK, "tolerance": 0}, "tolerance"),
            ({"public_key": WHPK, "tolerance": float("nan")}, "tolerance"),
        ],
    )
    def test_configuration_errors(self, options: dict[str, Any], message: str) -> None:
        with pytest.raises(ConfigurationError, match=message.replace("(", r"\(").replace(".", r"\.")) as info:
            providers.create("standard-webhooks", **options)
        for secret in (WHSK[5:], WHSEC[6:], WHPK[5:]):
            assert secret not in str(info.value)

    def test_signing_errors(self) -> None:
        with pytest.raises(ConfigurationError, match="public keys only"):
            StandardWebhooks(public_key=WHPK).sign(BODY)
        with pytest.raises(ConfigurationError, match="no public key configured"):
            StandardWebhooks(secret=WHSEC).sign_request(BODY, private_key=WHSK)
        mismatched = "whsk_" + b64(SEED + bytes(OTHER_KEY.verify_key))
        with pytest.raises(ConfigurationError, match="does not match its seed") as info:
            StandardWebhooks(public_key=WHPK).sign_request(BODY, private_key=mismatched)
        assert b64(SEED) not in str(info.value)
        with pytest.raises(ConfigurationError, match="32-byte seed"):
            StandardWebhooks(public_key=WHPK).sign_request(BODY, private_key="whsk_" + b64(bytes(40)))

    def test_keys_never_appear_in_reprs(self) -> None:
        provider = StandardWebhooks(secret=WHSEC, public_key=WHPK)
        shown = repr(provider) + repr(provider.scheme)
        assert "1 secret(s)" in shown and "1 ed25519 key(s)" in shown
        for value in (WHSEC[6:], WHPK[5:], SECRET_KEY.decode()):
            assert value not in shown

    def test_a_receiver_answers_200_and_401(self) -> None:
        receiver = Receiver(StandardWebhooks(public_key=WHPK))
        seen: list[webhook_receiver.Event] = []
        receiver.on_any(seen.append)
        headers = {**sw_headers(nacl_v1a()), "Content-Type": "application/json"}
        assert receiver.handle("POST", headers, BODY, now=NOW).status == 200
        reply = receiver.handle("POST", headers, BODY + b" ", now=NOW)
        assert (reply.status, json.loads(reply.body)) == (401, {"error": "signature_mismatch"})
        assert len(seen) == 1

    def test_cryptography_is_imported_only_when_a_public_key_is_configured(self) -> None:
        code = (
            "import sys, webhook_receiver\n"
            "from webhook_receiver.providers import StandardWebhooks\n"
            "from webhook_receiver.testing import sign\n"
            f"p = StandardWebhooks(secret={WHSEC!r})\n"
            'body = b\'{"type":"a"}\'\n'
            "p.verify(p.sign(body), body)\n"
            "print('cryptography' in sys.modules)\n"
            f"StandardWebhooks(public_key={WHPK!r})\n"
            "print('cryptography' in sys.modules)\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
        )
        assert result.stdout.split() == ["False", "True"]


# --- Amazon SNS ------------------------------------------------------------------------------

TOPIC = "arn:aws:sns:us-west-2:123456789012:MyTopic"
OTHER_TOPIC = "arn:aws:sns:us-west-2:210987654321:SomeoneElses"
CERT_URL = (
    "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem"
)
SIGNED_FIELDS = {
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


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


RSA_KEY = rsa_key()


def self_signed(
    key: Any = RSA_KEY,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
) -> bytes:
    """A throwaway CA-less self-signed certificate for ``key``."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com (test)")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or datetime(2023, 1, 1, tzinfo=UTC))
        .not_valid_after(not_after or datetime(2033, 1, 1, tzinfo=UTC))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM)


CERT_PEM = self_signed()


def iso(seconds: float) -> str:
    moment = datetime.fromtimestamp(seconds, UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def canonical(message: dict[str, Any]) -> bytes:
    fields = SIGNED_FIELDS[message["Type"]]
    return "".join(f"{name}\n{message[name]}\n" for name in fields if message.get(name) is not None).encode()


def rsa_sign(message: dict[str, Any], key: rsa.RSAPrivateKey = RSA_KEY) -> dict[str, Any]:
    digest = hashes.SHA1() if message["SignatureVersion"] == "1" else hashes.SHA256()  # noqa: S303
    return {**message, "Signature": b64(key.sign(canonical(message), padding.PKCS1v15(), digest))}


def notification(**changes: Any) -> dict[str, Any]:
    message: dict[str, Any] = {
        "Type": "Notification",
        "MessageId": "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
        "TopicArn": TOPIC,
        "Subject": "My First Message",
        "Message": "Hello world!",
        "Timestamp": iso(NOW - 10),
        "SignatureVersion": "1",
        "SigningCertURL": CERT_URL,
        "UnsubscribeURL": f"https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={TOPIC}:c9",
    }
    message.update(changes)
    return rsa_sign({k: v for k, v in message.items() if v is not None})


def confirmation(kind: str = "SubscriptionConfirmation", **changes: Any) -> dict[str, Any]:
    token = (
        "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02"
    )
    message: dict[str, Any] = {
        "Type": kind,
        "MessageId": "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
        "Token": token,
        "TopicArn": TOPIC,
        "Message": f"You have chosen to subscribe to the topic {TOPIC}.\nTo confirm the subscription, ...",
        "SubscribeURL": f"https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn={TOPIC}&Token={token}",
        "Timestamp": iso(NOW - 10),
        "SignatureVersion": "2",
        "SigningCertURL": CERT_URL,
    }
    message.update(changes)
    return rsa_sign(message)


def encode(message: dict[str, Any]) -> bytes:
    return json.dumps(message, separators=(",", ":")).encode()


SNS_HEADERS = {"Content-Type": "text/plain; charset=UTF-8", "x-amz-sns-message-type": "Notification"}


class FakeFetch:
    """An injected certificate fetch that records its calls (never the network)."""

    def __init__(self, answers: dict[str, bytes | Exception] | None = None) -> None:
        self.answers: dict[str, bytes | Exception] = answers if answers is not None else {CERT_URL: CERT_PEM}
        self.calls: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.calls.append(url)
        answer = self.answers.get(url, OSError("404"))
        if isinstance(answer, Exception):
            raise answer
        return answer


@pytest.fixture
def fetch() -> FakeFetch:
    return FakeFetch()


def sns(fetch: Callable[[str], bytes] | None = None, **options: Any) -> AwsSns:
    options.setdefault("topic_arn", TOPIC)
    return AwsSns(fetch=fetch or FakeFetch(), clock=lambda: NOW, **options)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail loudly if anything here reaches for the default HTTPS fetch."""

    def refuse(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("a test reached the network")

    monkeypatch.setattr("webhook_receiver._crypto.fetch_https", refuse)
    monkeypatch.setattr("webhook_receiver.providers.aws_sns.fetch_https", refuse)


class TestAwsSnsVerification:
    @pytest.mark.parametrize("version", ["1", "2"])
    def test_ok_with_either_signature_version(self, fetch: FakeFetch, version: str) -> None:
        message = notification(SignatureVersion=version)
        verified = sns(fetch).verify(SNS_HEADERS, encode(message), now=NOW)
        assert verified.message_id == message["MessageId"]
        assert verified.timestamp == message["Timestamp"]
        assert verified.signed_at == pytest.approx(NOW - 10)
        assert fetch.calls == [CERT_URL]

    def test_confirmations_and_a_notification_without_subject(self, fetch: FakeFetch) -> None:
        provider = sns(fetch)
        for message in (
            confirmation(),
            confirmation("UnsubscribeConfirmation"),
            notification(Subject=None),
        ):
            provider.verify({}, encode(message), now=NOW)

    @pytest.mark.parametrize(
        ("name", "value"),
        [
            ("Message", "Goodbye"),
            ("Subject", "Other"),
            ("MessageId", "00000000-fdea-4c2c-8f9d-bdfb0c7bf324"),
            ("Timestamp", iso(NOW - 11)),
            ("Type", "UnsubscribeConfirmation"),
        ],
    )
    def test_a_tampered_signed_field_is_refused(self, fetch: FakeFetch, name: str, value: str) -> None:
        message = notification() if name != "Type" else confirmation()
        with pytest.raises(SignatureMismatch):
            sns(fetch).verify({}, encode({**message, name: value}), now=NOW)

    def test_the_topic_must_be_one_configured_and_nothing_is_fetched_otherwise(
        self, fetch: FakeFetch
    ) -> None:
        with pytest.raises(VerificationError, match="topic") as info:
            sns(fetch).verify({}, encode(notification(TopicArn=OTHER_TOPIC)), now=NOW)
        assert type(info.value) is VerificationError and info.value.status == 401
        assert fetch.calls == []
        # A list of topics: the other one is accepted, and the topic is signed.
        provider = sns(fetch, topic_arn=[OTHER_TOPIC, TOPIC])
        provider.verify({}, encode(notification(TopicArn=OTHER_TOPIC)), now=NOW)
        with pytest.raises(SignatureMismatch):
            provider.verify({}, encode({**notification(), "TopicArn": OTHER_TOPIC}), now=NOW)

    def test_any_topic_is_a_loud_opt_out(self, fetch: FakeFetch) -> None:
        with pytest.warns(InsecureConfigurationWarning, match="EVERY SNS topic"):
            provider = AwsSns(any_topic=True, fetch=fetch)
        provider.verify({}, encode(notification(TopicArn=OTHER_TOPIC)), now=NOW)
        assert "any topic" in repr(provider)

    @pytest.mark.parametrize("version", ["3", "0", "", " 1", "1.0"])
    def test_unknown_signature_versions(self, fetch: FakeFetch, version: str) -> None:
        message = {**notification(), "SignatureVersion": version}
        with pytest.raises((MalformedHeader, MissingHeader)):
            sns(fetch).verify({}, encode(message), now=NOW)
        assert fetch.calls == []

    def test_signature_versions_can_refuse_sha1(self, fetch: FakeFetch) -> None:
        provider = sns(fetch, signature_versions=["2"])
        provider.verify({}, encode(notification(SignatureVersion="2")), now=NOW)
        with pytest.raises(MalformedHeader, match="SignatureVersion"):
            provider.verify({}, encode(notification(SignatureVersion="1")), now=NOW)

    @pytest.mark.parametrize(
        "url",
        [
            CERT_URL.replace("https://", "http://"),
            "https://example.com/SimpleNotificationService-1.pem",
            CERT_URL.replace("https://", "https://user:pass@"),
            "https://sns.us-west-2.amazonaws.com@evil.example/SimpleNotificationService-1.pem",
            CERT_URL.replace(".com/", ".com:8443/"),
            CERT_URL.replace(".com/", ".com:/"),
            CERT_URL.replace(".pem", ".crt"),
            CERT_URL.replace(".pem", ".pem/"),
            CERT_URL + "?.pem",
            CERT_URL + "#.pem",
            "https://sns.evil.com/SimpleNotificationService-1.pem",
            "https://sns.us-east-1.amazonaws.com.evil.com/SimpleNotificationService-1.pem",
            "https://sns.us-east-1.amazonaws.com.cn.evil.com/SimpleNotificationService-1.pem",
            "https://s3.amazonaws.com/sns.us-east-1.amazonaws.com/a.pem",
            "https://sns.us-east-1.amazonaws.com/../x.pem",
            "https://sns.us-east-1.amazonaws.com/dir/x.pem",
            "https://sns.us-east-1.amazonaws.com/%2e.pem",
            "https://sns.us-east-1.amazonaws.com\\@evil.example/x.pem",
            "https://SNS.us-east-1.amazonaws.com/x.pem",
            "HTTPS://sns.us-east-1.amazonaws.com/x.pem",
            " " + CERT_URL,
            CERT_URL + "\n",
            "//sns.us-east-1.amazonaws.com/x.pem",
        ],
    )
    def test_an_off_allowlist_certificate_url_is_refused_without_any_fetch(
        self, fetch: FakeFetch, url: str
    ) -> None:
        fetch.answers[url] = CERT_PEM  # even a fetch that would succeed is never called
        assert not is_certificate_url(url)
        with pytest.raises(MalformedHeader, match="SigningCertURL"):
            sns(fetch).verify({}, encode(notification(SigningCertURL=url)), now=NOW)
        assert fetch.calls == []

    @pytest.mark.parametrize(
        "url",
        [
            CERT_URL,
            "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0.pem",
            "https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-0.pem",
            "https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-0.pem",
            "https://sns.cn-northwest-1.amazonaws.com.cn:443/SimpleNotificationService-0.pem",
            "https://sns.ap-southeast-7.amazonaws.com/SimpleNotificationService-0.pem",
        ],
    )
    def test_sns_certificate_urls_of_every_partition_are_allowed(self, url: str) -> None:
        assert is_certificate_url(url)
        fetch = FakeFetch({url: CERT_PEM})
        sns(fetch).verify({}, encode(notification(SigningCertURL=url)), now=NOW)
        assert fetch.calls == [url]

    def test_a_fetch_failure_is_a_503_and_is_not_cached(self) -> None:
        fetch = FakeFetch({CERT_URL: OSError("connection reset")})
        receiver = Receiver(sns(fetch))
        body = encode(notification())
        reply = receiver.handle("POST", SNS_HEADERS, body, now=NOW)
        assert (reply.status, json.loads(reply.body)) == (503, {"error": "certificate_unavailable"})
        assert isinstance(reply.error, CertificateUnavailable)
        assert "connection reset" not in reply.body.decode()
        # SNS retries the 503; once the certificate is reachable, the retry verifies.
        fetch.answers[CERT_URL] = CERT_PEM
        assert receiver.handle("POST", SNS_HEADERS, body, now=NOW).status == 200
        assert fetch.calls == [CERT_URL, CERT_URL]

    @pytest.mark.parametrize(
        "served",
        [
            b"",
            b"<html>404</html>",
            b"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n",
            "a str, not bytes",
            None,
            self_signed(ec.generate_private_key(ec.SECP256R1())),
        ],
        ids=["empty", "html", "broken pem", "str", "none", "ec key"],
    )
    def test_a_url_serving_no_rsa_certificate_is_unavailable(self, served: Any) -> None:
        fetch = FakeFetch({CERT_URL: served})
        with pytest.raises(CertificateUnavailable) as info:
            sns(fetch).verify({}, encode(notification()), now=NOW)
        assert info.value.status == 503 and info.value.code == "certificate_unavailable"

    def test_one_fetch_for_two_messages_and_the_cache_is_bounded(self, fetch: FakeFetch) -> None:
        provider = sns(fetch)
        provider.verify({}, encode(notification()), now=NOW)
        provider.verify({}, encode(notification(MessageId="another-id", Message="again")), now=NOW)
        assert fetch.calls == [CERT_URL]
        urls = [f"https://sns.us-east-1.amazonaws.com/SimpleNotificationService-{n}.pem" for n in range(17)]
        fetch.answers.update(dict.fromkeys(urls, CERT_PEM))
        for url in urls:
            provider.verify({}, encode(notification(SigningCertURL=url)), now=NOW)
        scheme = provider.scheme
        assert isinstance(scheme, webhook_receiver.providers.aws_sns.SnsSignature)
        assert scheme.store.cached == 16
        # The least recently used (CERT_URL) was dropped; the most recent ones are kept.
        provider.verify({}, encode(notification(SigningCertURL=urls[-1])), now=NOW)
        provider.verify({}, encode(notification()), now=NOW)
        assert fetch.calls.count(CERT_URL) == 2
        assert fetch.calls.count(urls[-1]) == 1

    @pytest.mark.parametrize(
        ("not_before", "not_after"),
        [
            (datetime(2020, 1, 1, tzinfo=UTC), datetime.fromtimestamp(NOW - 1, UTC)),
            (datetime.fromtimestamp(NOW + 1, UTC), datetime(2033, 1, 1, tzinfo=UTC)),
        ],
        ids=["expired", "not yet valid"],
    )
    def test_a_certificate_outside_its_validity_period_is_refused(
        self, not_before: datetime, not_after: datetime
    ) -> None:
        fetch = FakeFetch({CERT_URL: self_signed(not_before=not_before, not_after=not_after)})
        with pytest.raises(VerificationError, match="not valid at this time") as info:
            sns(fetch).verify({}, encode(notification()), now=NOW)
        assert info.value.status == 401

    def test_a_certificate_of_another_key_does_not_verify(self) -> None:
        fetch = FakeFetch({CERT_URL: self_signed(rsa_key())})
        with pytest.raises(SignatureMismatch):
            sns(fetch).verify({}, encode(notification()), now=NOW)

    def test_timestamp_tolerance_follows_the_retry_policy(self, fetch: FakeFetch) -> None:
        provider = sns(fetch)
        assert provider.scheme.tolerance == 3900  # type: ignore[attr-defined]
        provider.verify({}, encode(notification(Timestamp=iso(NOW - 3900))), now=NOW)
        provider.verify({}, encode(notification(Timestamp=iso(NOW + 300))), now=NOW)
        calls = len(fetch.calls)
        for offset in (-3901, 301):
            with pytest.raises(TimestampOutsideTolerance):
                provider.verify({}, encode(notification(Timestamp=iso(NOW + offset))), now=NOW)
        assert len(fetch.calls) == calls
        short = sns(fetch, tolerance=60)
        with pytest.raises(TimestampOutsideTolerance) as info:
            short.verify({}, encode(notification(Timestamp=iso(NOW - 61))), now=NOW)
        assert info.value.tolerance == 60

    def test_a_line_break_outside_message_is_malformed(self, fetch: FakeFetch) -> None:
        # Otherwise "Message\nA\nMessageId\nB\n..." could be split into other fields.
        for name in ("MessageId", "Subject", "Timestamp"):
            message = notification(**{name: notification()[name] + "\nTopicArn"})
            with pytest.raises(MalformedHeader):
                sns(fetch).verify({}, encode(message), now=NOW)
        sns(fetch).verify({}, encode(notification(Message="line 1\nMessageId\nline 3")), now=NOW)

    @pytest.mark.parametrize(
        "body",
        [
            b"",
            b"not json",
            b"[]",
            b'"Notification"',
            b"null",
            b'{"Type": ["Notification"]}',
            b'{"Type": "Notification"}',
            b'{"Type": "Notification", "TopicArn": 1e999}',
            b'{"Type": "Notification", "TopicArn": 12345678901234567890123456789}',
            b'{"Type": "Notification", "TopicArn": {"a": 1}}',
            b"[" * 100_000,
            b'{"Type": "\\ud800"}',
            b"\xff\xfe",
        ],
    )
    def test_hostile_bodies_are_webhook_errors_and_fetch_nothing(self, fetch: FakeFetch, body: bytes) -> None:
        with pytest.raises(WebhookError) as info:
            sns(fetch).verify({}, body, now=NOW)
        assert info.value.status in (400, 401)
        assert fetch.calls == []
        reply = Receiver(sns(fetch)).handle("POST", SNS_HEADERS, body, now=NOW)
        assert reply.status in (400, 401)

    @pytest.mark.parametrize(
        ("name", "value"),
        [("Signature", 12), ("Signature", "@@"), ("Timestamp", "1700000000"), ("Timestamp", 1700000000)],
    )
    def test_wrong_types_and_formats(self, fetch: FakeFetch, name: str, value: object) -> None:
        with pytest.raises(MalformedHeader, match=name):
            sns(fetch).verify({}, encode({**notification(), name: value}), now=NOW)

    def test_unsigned_headers_and_fields_do_not_change_identity(self, fetch: FakeFetch) -> None:
        provider = sns(fetch)
        message = notification()
        first = provider.parse(
            SNS_HEADERS, encode(message), provider.verify(SNS_HEADERS, encode(message), now=NOW)
        )
        other_headers = {
            **SNS_HEADERS,
            "x-amz-sns-message-type": "SubscriptionConfirmation",
            "x-amz-sns-message-id": "forged",
            "x-amz-sns-topic-arn": OTHER_TOPIC,
        }
        # UnsubscribeURL and MessageAttributes are not signed by SNS: they can change.
        changed = {**message, "UnsubscribeURL": "https://example.com/", "MessageAttributes": {}}
        second = provider.parse(
            other_headers, encode(changed), provider.verify(other_headers, encode(changed), now=NOW)
        )
        assert provider.identity(first[0]) == provider.identity(second[0])
        assert provider.identity(first[0]) == f"Notification\0{message['MessageId']}"
        assert provider.event_headers(webhook_receiver.Headers(other_headers)) == ()

    def test_configuration_errors(self, fetch: FakeFetch) -> None:
        cases: list[dict[str, Any]] = [
            {},
            {"topic_arn": None},
            {"topic_arn": []},
            {"topic_arn": "MyTopic"},
            {"topic_arn": "arn:aws:s3:::bucket"},
            {"topic_arn": TOPIC + " "},
            {"topic_arn": Secret(TOPIC, expires_at=NOW)},
            {"topic_arn": TOPIC, "any_topic": True},
            {"topic_arn": TOPIC, "any_topic": "yes"},
            {"topic_arn": TOPIC, "tolerance": -1},
            {"topic_arn": TOPIC, "signature_versions": []},
            {"topic_arn": TOPIC, "signature_versions": ["3"]},
            {"topic_arn": TOPIC, "signature_versions": [1]},
            {"topic_arn": TOPIC, "fetch": "https://example.com"},
            {"topic_arn": TOPIC, "certificates": {"https://example.com/x.pem": CERT_PEM.decode()}},
            {"topic_arn": TOPIC, "certificates": {CERT_URL: "not a certificate"}},
            {"topic_arn": TOPIC, "certificates": [CERT_URL]},
            {"topic_arn": TOPIC, "secret": "shared"},
        ]
        for options in cases:
            with pytest.raises(ConfigurationError):
                providers.create("aws-sns", **options)
        assert fetch.calls == []

    def test_pinned_certificates_are_never_fetched(self, fetch: FakeFetch) -> None:
        provider = AwsSns(topic_arn=TOPIC, certificates={CERT_URL: CERT_PEM.decode()}, fetch=fetch)
        provider.verify({}, encode(notification()), now=NOW)
        assert fetch.calls == []

    def test_what_the_toolkit_signs_verifies_with_cryptography(self) -> None:
        key_pem = RSA_KEY.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
        provider = AwsSns(topic_arn=TOPIC, certificates={CERT_URL: CERT_PEM}, clock=lambda: NOW)
        for version in ("1", "2"):
            message = {k: v for k, v in notification(SignatureVersion=version).items() if k != "Signature"}
            headers, body = provider.sign_request(encode(message), private_key=key_pem)
            signed = json.loads(body)
            assert signed["Timestamp"] == iso(NOW) and signed["SignatureVersion"] == version
            digest = hashes.SHA1() if version == "1" else hashes.SHA256()  # noqa: S303
            RSA_KEY.public_key().verify(
                base64.b64decode(signed["Signature"]), canonical(signed), padding.PKCS1v15(), digest
            )
            with pytest.raises(InvalidSignature):
                RSA_KEY.public_key().verify(
                    base64.b64decode(signed["Signature"]),
                    canonical(signed) + b"x",
                    padding.PKCS1v15(),
                    digest,
                )
            assert headers["x-amz-sns-message-id"] == signed["MessageId"]
            provider.verify(headers, body)

    def test_sign_request_wraps_any_body_in_a_notification(self) -> None:
        provider = testing.make_provider("aws-sns")
        key = testing.DEMO_PRIVATE_KEYS["aws-sns"]
        headers, body = provider.sign_request(b"plain text, not SNS", now=NOW, private_key=key)
        (event,) = provider.parse(headers, body, provider.verify(headers, body, now=NOW))
        assert isinstance(event, SnsNotification)
        assert (
            event.message == "plain text, not SNS"
            and event.topic_arn == testing.DEMO_OPTIONS["aws-sns"]["topic_arn"]
        )
        assert headers["Content-Type"] == "text/plain; charset=UTF-8"

    def test_sign_refuses_there_is_no_shared_secret(self) -> None:
        provider = sns()
        with pytest.raises(ConfigurationError, match="inside the body"):
            provider.sign(b"{}")
        with pytest.raises(ConfigurationError, match="inside the body"):
            provider.sign_request(b"{}")
        with pytest.raises(ConfigurationError, match="private_key is not"):
            provider.sign_request(b"{}", private_key=WHSK)
        ed_pem = ed25519.Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        with pytest.raises(ConfigurationError, match="not an RSA private key"):
            provider.sign_request(b"{}", private_key=ed_pem)
        with pytest.raises(ConfigurationError, match="pinned certificate"):
            provider.sign_request(b"hello", private_key=testing.DEMO_PRIVATE_KEYS["aws-sns"])

    def test_reprs_and_errors_show_no_key_material(self) -> None:
        provider = testing.make_provider("aws-sns")
        shown = repr(provider) + repr(provider.scheme)
        assert "1 pinned" in shown and "BEGIN" not in shown
        with pytest.raises(ConfigurationError) as info:
            AwsSns(topic_arn=TOPIC, certificates={CERT_URL: "-----BEGIN CERTIFICATE-----\nAAAA"})
        assert "AAAA" not in str(info.value)


class TestAwsSnsEvents:
    @pytest.mark.parametrize("sample", testing.samples("aws-sns"), ids=lambda s: s.type)
    def test_every_sample_round_trips_to_its_typed_class(self, sample: testing.Sample) -> None:
        headers, body = testing.signed_request("aws-sns", sample.body)
        provider = testing.make_provider("aws-sns")
        (event,) = provider.parse(headers, body, provider.verify(headers, body))
        expected = {
            "Notification": SnsNotification,
            "SubscriptionConfirmation": SnsSubscriptionConfirmation,
            "UnsubscribeConfirmation": SnsUnsubscribeConfirmation,
        }[sample.type]
        assert type(event) is expected
        assert event.type == sample.type and event.provider == "aws-sns"
        assert isinstance(event, SnsMessage)
        assert event.id == event.message_id == sample.payload["MessageId"]  # type: ignore[index,call-overload]
        assert event.topic_arn == sample.payload["TopicArn"]  # type: ignore[index,call-overload]
        assert event.timestamp is not None
        assert provider.rebuild(event.payload) == event
        # The sample itself is complete: every documented field is there.
        assert set(SIGNED_FIELDS[sample.type]) - {"Subject"} <= set(sample.payload)  # type: ignore[arg-type]

    def test_notification_fields(self, fetch: FakeFetch) -> None:
        attributes = {"store": {"Type": "String", "Value": "example_corp"}}
        message = {
            **notification(Message='{"Records":[{"eventName":"ObjectCreated:Put"}]}'),
            "MessageAttributes": attributes,
        }
        provider = sns(fetch)
        (event,) = provider.parse({}, encode(message), provider.verify({}, encode(message), now=NOW))
        assert isinstance(event, SnsNotification)
        assert event.subject == "My First Message"
        assert event.data == {"Records": [{"eventName": "ObjectCreated:Put"}]}
        assert event.message_attributes == attributes
        assert event.unsubscribe_url == message["UnsubscribeURL"]
        assert event.timestamp == datetime.fromtimestamp(NOW - 10, UTC)
        for text in ("Hello world!", "42", '"a string"', "{not json", "[" * 600 + "]" * 600, ""):
            plain = notification(Message=text) if text else {**notification(), "Message": ""}
            (event,) = provider.parse({}, encode(plain))
            assert isinstance(event, SnsNotification) and event.data is None

    def test_confirmation_fields_and_an_unknown_type_when_parsed_unverified(self, fetch: FakeFetch) -> None:
        provider = sns(fetch)
        message = confirmation()
        (event,) = provider.parse({}, encode(message), provider.verify({}, encode(message), now=NOW))
        assert isinstance(event, SnsSubscriptionConfirmation)
        assert (event.subscribe_url, event.token) == (message["SubscribeURL"], message["Token"])
        (event,) = provider.parse({}, encode({**message, "Type": "SomethingNew"}))
        assert type(event) is SnsMessage and event.type == "SomethingNew"

    def test_a_receiver_dispatches_typed_events_from_text_plain(self, fetch: FakeFetch) -> None:
        receiver = Receiver(sns(fetch))
        confirmations: list[SnsSubscriptionConfirmation] = []
        receiver.on(SnsSubscriptionConfirmation)(confirmations.append)
        reply = receiver.handle("POST", SNS_HEADERS, encode(confirmation()), now=NOW)
        assert reply.status == 200 and len(confirmations) == 1


class TestConfirmSubscription:
    def confirmation_event(self, **changes: Any) -> SnsSubscriptionConfirmation:
        provider = sns()
        message = confirmation(**changes)
        (event,) = provider.parse({}, encode(message), provider.verify({}, encode(message), now=NOW))
        assert isinstance(event, SnsSubscriptionConfirmation)
        return event

    def test_it_gets_the_subscribe_url_with_the_injected_fetch(self) -> None:
        event = self.confirmation_event()
        calls: list[str] = []

        def fetch(url: str) -> bytes:
            calls.append(url)
            return b"<ConfirmSubscriptionResponse/>"

        assert confirm_subscription(event, fetch=fetch) == b"<ConfirmSubscriptionResponse/>"
        assert calls == [event.subscribe_url]

    @pytest.mark.parametrize(
        "url",
        [
            "http://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&Token=1",
            "https://evil.example/?Action=ConfirmSubscription&Token=1",
            "https://sns.us-west-2.amazonaws.com.evil.example/?Action=ConfirmSubscription&Token=1",
            "https://user@sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&Token=1",
            "https://sns.us-west-2.amazonaws.com:8443/?Action=ConfirmSubscription&Token=1",
            "https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=x",
            "https://sns.us-west-2.amazonaws.com/x?Action=ConfirmSubscription",
            "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription#frag",
        ],
    )
    def test_it_refuses_a_url_that_is_not_an_sns_confirmation_without_fetching(self, url: str) -> None:
        event = self.confirmation_event(SubscribeURL=url)
        assert not is_subscribe_url(url)
        calls: list[str] = []
        with pytest.raises(MalformedHeader, match="SubscribeURL"):
            confirm_subscription(event, fetch=lambda u: calls.append(u) or b"")  # type: ignore[func-returns-value]
        assert calls == []

    def test_it_takes_only_subscription_confirmations(self) -> None:
        provider = sns()
        message = confirmation("UnsubscribeConfirmation")
        (event,) = provider.parse({}, encode(message), provider.verify({}, encode(message), now=NOW))
        with pytest.raises(TypeError):
            confirm_subscription(event, fetch=lambda url: b"")  # type: ignore[arg-type]

    def test_subscription_confirmations_are_never_fetched_by_the_receiver(self) -> None:
        calls: list[str] = []

        def fetch(url: str) -> bytes:
            calls.append(url)
            return CERT_PEM

        receiver = Receiver(sns(fetch))
        assert receiver.handle("POST", SNS_HEADERS, encode(confirmation()), now=NOW).status == 200
        assert calls == [CERT_URL]  # the certificate, never the SubscribeURL


class TestCertificateStoreAndErrors:
    def test_certificate_unavailable_is_a_503_in_the_tree_and_the_status_table(self) -> None:
        assert issubclass(CertificateUnavailable, WebhookError)
        assert not issubclass(CertificateUnavailable, VerificationError)
        assert (CertificateUnavailable.status, CertificateUnavailable.code) == (
            503,
            "certificate_unavailable",
        )
        assert 503 in STATUSES and "certificate" in STATUSES[503]

    def test_the_store_refuses_what_its_allowlist_refuses_even_when_asked_directly(self) -> None:
        calls: list[str] = []
        store = CertificateStore(lambda url: False, fetch=lambda url: calls.append(url) or CERT_PEM)  # type: ignore[func-returns-value]
        with pytest.raises(VerificationError, match="not an allowed one"):
            store.verify("https://anything/x.pem", b"sig", b"msg", "sha256", NOW)
        assert calls == []

    def test_the_default_fetch_takes_only_https(self) -> None:
        with pytest.raises(ValueError, match="https"):
            fetch_https("http://sns.us-east-1.amazonaws.com/x.pem")
        with pytest.raises(ValueError, match="https"):
            fetch_https("file:///etc/passwd")

    def test_vectors_cover_the_sns_failure_kinds(self) -> None:
        kinds = {v["expect"] for v in VECTORS if v["provider"] == "aws-sns"}
        assert kinds >= {
            "ok",
            "SignatureMismatch",
            "MissingHeader",
            "MalformedHeader",
            "TimestampOutsideTolerance",
            "VerificationError",
        }
        kinds = {v["expect"] for v in VECTORS if v["id"].startswith("standard-webhooks/v1a")}
        assert kinds >= {
            "ok",
            "SignatureMismatch",
            "MissingHeader",
            "MalformedHeader",
            "TimestampOutsideTolerance",
        }


def test_no_warning_escapes_creating_the_demo_providers() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        testing.make_provider("aws-sns")
        testing.make_provider("standard-webhooks")
    assert timedelta(seconds=providers.aws_sns.DEFAULT_SNS_TOLERANCE) == timedelta(hours=1, minutes=5)
