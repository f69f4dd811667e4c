"""The scheme types the provider catalogue is built on, tested on their own.

Secrets with validity windows, HMAC templates that sign more headers than the
timestamp, RFC 3339 signed timestamps, keyed lists with other labels, answers
that are not JSON, handshakes answered without a body, and the optional
``cryptography`` dependency.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import re
import subprocess
import sys
import textwrap
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import pytest

from webhook_receiver import (
    Answer,
    ConfigurationError,
    Event,
    InvalidCredentials,
    MalformedHeader,
    MethodNotAllowed,
    MissingHeader,
    Receiver,
    Secret,
    SignatureMismatch,
    TimestampOutsideTolerance,
    providers,
)
from webhook_receiver._events import rfc3339_seconds
from webhook_receiver._headers import Headers
from webhook_receiver._pipeline import serve
from webhook_receiver._schemes import (
    HmacSignature,
    KeyedListSignature,
    Keyring,
    Secrets,
    encode_secrets,
)
from webhook_receiver.delivery import MemoryStore
from webhook_receiver.testing import sign

NOW = 1_700_000_000.0
BODY = b'{"type":"thing.happened","id":"evt_1"}'


def _mac(key: bytes, message: bytes, digest: str = "sha256") -> bytes:
    return hmac.new(key, message, digest).digest()


# --- secrets with validity windows ----------------------------------------------------------


class TestSecret:
    def test_repr_never_shows_the_value(self) -> None:
        secret = Secret("whsec_super_secret_value", expires_at=NOW)
        assert "super_secret" not in repr(secret)
        assert "super_secret" not in str(secret)
        assert repr(secret).startswith("Secret(<hidden>")

    @pytest.mark.parametrize("bad", [datetime(2026, 1, 1), "tomorrow", float("nan"), float("inf"), True])
    def test_expiry_must_be_an_aware_time_or_finite_seconds(self, bad: object) -> None:
        with pytest.raises(ConfigurationError):
            Secret("s3cret", expires_at=bad)  # type: ignore[arg-type]

    def test_aware_datetime_and_seconds_mean_the_same_time(self) -> None:
        moment = datetime.fromtimestamp(NOW, UTC)
        assert Secret("a", expires_at=moment).until == Secret("a", expires_at=NOW).until == NOW

    def test_secrets_keep_one_expiry_per_value_and_none_when_nothing_expires(self) -> None:
        plain = encode_secrets(["new", "old"], "secret")
        assert isinstance(plain, Secrets) and plain.expires is None and plain.live(NOW) == (b"new", b"old")
        mixed = encode_secrets(["new", Secret("old", expires_at=NOW)], "secret")
        assert mixed == (b"new", b"old")
        assert mixed.live(NOW) == (b"new", b"old")
        assert mixed.live(NOW + 1) == (b"new",)

    def test_an_empty_value_inside_a_secret_is_refused(self) -> None:
        with pytest.raises(ConfigurationError, match="empty"):
            encode_secrets(Secret("  ", expires_at=NOW), "secret")


def _stripe_headers(secret: str, at: float) -> dict[str, str]:
    return sign("stripe", BODY, secret=secret, timestamp=at)


class TestRotationWithAGracePeriod:
    """The old value verifies until its time, and not a second after; the new one always."""

    def test_hmac_secret(self) -> None:
        provider = providers.Stripe(secret=["whsec_new", Secret("whsec_old", expires_at=NOW + 60)])
        old = _stripe_headers("whsec_old", NOW + 60)
        provider.verify(old, BODY, now=NOW + 60)
        with pytest.raises(SignatureMismatch):
            provider.verify(_stripe_headers("whsec_old", NOW + 61), BODY, now=NOW + 61)
        provider.verify(_stripe_headers("whsec_new", NOW + 61), BODY, now=NOW + 61)

    def test_a_secret_alone_that_expired_verifies_nothing(self) -> None:
        provider = providers.GitHub(secret=Secret("gh-old", expires_at=NOW))
        headers = sign("github", BODY, secret="gh-old")
        provider.verify(headers, BODY, now=NOW)
        with pytest.raises(SignatureMismatch):
            provider.verify(headers, BODY, now=NOW + 0.001)

    def test_bearer_token(self) -> None:
        provider = providers.Kourier(token=[Secret("tok-old", expires_at=NOW), "tok-new"])
        old = {"Authorization": "Bearer tok-old"}
        provider.verify(old, BODY, now=NOW)
        with pytest.raises(InvalidCredentials):
            provider.verify(old, BODY, now=NOW + 1)
        provider.verify({"Authorization": "Bearer tok-new"}, BODY, now=NOW + 1)

    def test_basic_password(self) -> None:
        provider = providers.Basic(
            credentials=[("hooks", "pw-new"), ("hooks", Secret("pw-old", expires_at=NOW))]
        )
        old = {"Authorization": "Basic " + base64.b64encode(b"hooks:pw-old").decode()}
        provider.verify(old, BODY, now=NOW)
        with pytest.raises(InvalidCredentials):
            provider.verify(old, BODY, now=NOW + 1)

    def test_shared_key_header(self) -> None:
        provider = providers.Xtremepush(auth="signed", key=[Secret("xp-old", expires_at=NOW), "xp-new"])
        old = provider.scheme.sign(BODY, NOW)
        (value,) = old.values()
        assert value == "xp-old"
        provider.verify(old, BODY, now=NOW)
        with pytest.raises(InvalidCredentials):
            provider.verify(old, BODY, now=NOW + 1)

    def test_standard_webhooks_secret(self) -> None:
        key = "whsec_" + base64.b64encode(b"old-key-bytes-for-the-test").decode()
        provider = providers.StandardWebhooks(secret=Secret(key, expires_at=NOW))
        headers = sign(provider, BODY, timestamp=NOW)
        provider.verify(headers, BODY, now=NOW)
        with pytest.raises(SignatureMismatch):
            provider.verify(headers, BODY, now=NOW + 1)


# --- HMAC templates that sign more than the body and the timestamp -------------------------------


def _twitch_like(**options: object) -> HmacSignature:
    return HmacSignature(
        Keyring(encode_secrets("s3cret", "secret"), "sha256"),
        header="X-Sig",
        prefix="sha256=",
        timestamp_header="X-Time",
        payload="{id}{timestamp}{body}",
        signed_headers={"id": "X-Id"},
        message_id="id",
        timestamp_unit="rfc3339",
        tolerance=600,
        **options,  # type: ignore[arg-type]
    )


class TestSignedHeaders:
    def test_known_answer_and_the_verified_message_id(self) -> None:
        stamp = "2023-11-14T22:13:20.123456789Z"
        mac = _mac(b"s3cret", b"msg-1" + stamp.encode() + BODY).hex()
        headers = {"X-Id": "msg-1", "X-Time": stamp, "X-Sig": f"sha256={mac}"}
        verified = _twitch_like().verify(headers, BODY, NOW)
        assert verified.message_id == "msg-1"
        assert verified.timestamp == stamp
        assert verified.signed_at == pytest.approx(NOW + 0.123456)

    def test_the_signed_header_cannot_be_changed(self) -> None:
        scheme = _twitch_like()
        headers = scheme.sign(BODY, NOW, id="msg-1")
        headers["X-Id"] = "msg-2"
        with pytest.raises(SignatureMismatch):
            scheme.verify(headers, BODY, NOW)

    def test_a_missing_signed_header_is_missing(self) -> None:
        scheme = _twitch_like()
        headers = scheme.sign(BODY, NOW)
        del headers["X-Id"]
        with pytest.raises(MissingHeader):
            scheme.verify(headers, BODY, NOW)

    @pytest.mark.parametrize("stamp", ["1700000000", "2023-11-14 22:13:20Z", "2023-11-14T22:13:20", ""])
    def test_a_timestamp_that_is_not_rfc3339_is_malformed(self, stamp: str) -> None:
        scheme = _twitch_like()
        headers = scheme.sign(BODY, NOW, id="m")
        headers["X-Time"] = stamp
        with pytest.raises((MalformedHeader, MissingHeader)):
            scheme.verify(headers, BODY, NOW)

    def test_rfc3339_timestamps_are_checked_both_ways(self) -> None:
        scheme = _twitch_like()
        headers = scheme.sign(BODY, NOW, id="m")
        scheme.verify(headers, BODY, NOW + 600)
        with pytest.raises(TimestampOutsideTolerance):
            scheme.verify(headers, BODY, NOW + 601)
        with pytest.raises(TimestampOutsideTolerance):
            scheme.verify(headers, BODY, NOW - 601)

    @pytest.mark.parametrize(
        "options",
        [
            {"signed_headers": {"body": "X-B"}},
            {"signed_headers": {"id": ""}},
            {"signed_headers": {"id": "X-Id"}, "message_id": "other"},
        ],
    )
    def test_bad_field_options(self, options: dict[str, object]) -> None:
        with pytest.raises(ConfigurationError):
            HmacSignature(
                Keyring(encode_secrets("s", "secret"), "sha256"),
                header="X-Sig",
                payload="{id}{body}",
                **options,  # type: ignore[arg-type]
            )

    def test_a_template_field_without_a_header_is_refused(self) -> None:
        with pytest.raises(ConfigurationError, match="id"):
            HmacSignature(Keyring(encode_secrets("s", "secret"), "sha256"), header="X", payload="{id}{body}")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-11-14T22:13:20Z", NOW),
        ("2023-11-14t22:13:20z", NOW),
        ("2023-11-14T23:13:20+01:00", NOW),
        ("2023-11-14T22:13:20.5Z", NOW + 0.5),
        ("2023-11-14T22:13:20.123456789Z", NOW + 0.123456),
        ("2023-11-14T22:13:20", None),
        ("2023-11-14 22:13:20Z", None),
        ("2023-11-14T22:13:20.1234567890Z", None),
        (" 2023-11-14T22:13:20Z", None),
        ("2023-11-14T22:13:20Z\n", None),
        ("0001-01-01T00:00:00+01:00", None),
        ("2023-13-14T22:13:20Z", None),
        ("٢٠٢٣-11-14T22:13:20Z", None),
    ],
)
def test_rfc3339_seconds(text: str, expected: float | None) -> None:
    result = rfc3339_seconds(text)
    assert result == (pytest.approx(expected) if expected is not None else None)


def test_keyed_list_with_other_labels_and_separator() -> None:
    """Paddle's ``ts=..;h1=..`` over ``<ts>:<body>``, against the standard library."""
    scheme = KeyedListSignature(
        Keyring(encode_secrets("pdl_secret", "secret"), "sha256"),
        header="Paddle-Signature",
        entry_label="h1",
        separator=b":",
        timestamp_label="ts",
        entry_separator=";",
    )
    mac = _mac(b"pdl_secret", b"1700000000:" + BODY).hex()
    scheme.verify({"Paddle-Signature": f"ts=1700000000;h1=00;h1={mac}"}, BODY, NOW)
    assert scheme.sign(BODY, NOW) == {"Paddle-Signature": f"ts=1700000000;h1={mac}"}
    with pytest.raises(MalformedHeader, match="ts="):
        scheme.verify({"Paddle-Signature": f"t=1700000000;h1={mac}"}, BODY, NOW)
    with pytest.raises(ConfigurationError):
        KeyedListSignature(
            Keyring(encode_secrets("s", "secret"), "sha256"),
            header="X",
            entry_label="t",
            separator=b".",
        )


# --- answers and handshakes --------------------------------------------------------------------


class _Challenged(providers.Bearer):
    """A bearer provider whose sender checks a GET handshake and wants text answers."""

    name = "challenged"
    methods: ClassVar[tuple[str, ...]] = ("POST", "GET")
    handshake_methods: ClassVar[tuple[str, ...]] = ("GET",)

    def answer(self, events: Sequence[Event]) -> Answer:
        return Answer.text("got " + ",".join(e.type for e in events), status=200)

    def handshake(self, method: str, query: str, headers: Headers, *, now: float | None = None) -> Answer:
        if query != "challenge=abc&token=let-me-in":
            raise InvalidCredentials("wrong handshake")
        return Answer.text("abc")


def _post_headers() -> dict[str, str]:
    return {"Authorization": "Bearer tok", "Content-Type": "application/json"}


class TestAnswers:
    def test_text_answer_with_its_content_type(self) -> None:
        receiver = Receiver(_Challenged(token="tok"))
        reply = receiver.handle("POST", _post_headers(), BODY)
        assert (reply.status, reply.body) == (200, b"got thing.happened")
        assert reply.headers["Content-Type"] == "text/plain; charset=utf-8"

    def test_a_handshake_answer_keeps_its_status_in_deferred_mode(self) -> None:
        from webhook_receiver.delivery import SQLiteInbox

        receiver = Receiver(_Challenged(token="tok"), inbox=SQLiteInbox(":memory:"))
        reply = receiver.handle("POST", _post_headers(), BODY)
        assert reply.status == 200  # not the deferred 202: the sender checks the answer

    def test_the_default_answer_is_unchanged(self) -> None:
        reply = Receiver(providers.Bearer(token="tok")).handle("POST", _post_headers(), BODY)
        assert (reply.status, reply.body, reply.headers["Content-Type"]) == (
            200,
            b'{"ok":true}',
            "application/json",
        )

    def test_answer_json(self) -> None:
        assert Answer.json({"type": 1}) == Answer(b'{"type":1}', "application/json", None)


class TestHandshakes:
    def test_get_is_answered_by_the_provider_without_a_body(self) -> None:
        receiver = Receiver(_Challenged(token="tok"), store=MemoryStore())
        seen: list[Event] = []
        receiver.on_any(seen.append)
        reply = receiver.handle("GET", {}, b"ignored", query="challenge=abc&token=let-me-in")
        assert (reply.status, reply.body, reply.headers["Content-Type"]) == (
            200,
            b"abc",
            "text/plain; charset=utf-8",
        )
        assert seen == []

    def test_a_handshake_that_does_not_verify_is_refused(self) -> None:
        receiver = Receiver(_Challenged(token="tok"))
        reply = receiver.handle("GET", {}, b"", query="challenge=abc&token=guess")
        assert reply.status == 401
        assert b"abc" not in reply.body

    def test_handle_async_answers_handshakes_too(self) -> None:
        receiver = Receiver(_Challenged(token="tok"))
        coroutine = receiver.handle_async("GET", {}, b"", query="challenge=abc&token=let-me-in")
        reply = asyncio.run(coroutine)
        assert reply.body == b"abc"

    def test_the_pipeline_never_reads_a_handshake_body(self) -> None:
        def read(size: int) -> bytes:
            raise AssertionError("the body of a handshake was read")

        receiver = Receiver(_Challenged(token="tok"))
        reply = serve(receiver, "GET", {}, read, terminated=False, query="challenge=abc&token=let-me-in")
        assert reply.body == b"abc"

    def test_a_method_outside_the_receiver_methods_is_405_even_for_a_handshake_provider(self) -> None:
        receiver = Receiver(_Challenged(token="tok"), methods=["POST"])
        assert receiver.handshake_methods == frozenset()
        reply = receiver.handle("GET", {}, b"", query="challenge=abc&token=let-me-in")
        assert reply.status == 405

    def test_providers_without_a_handshake_refuse_one(self) -> None:
        provider = providers.Bearer(token="tok")
        with pytest.raises(MethodNotAllowed):
            provider.handshake("GET", "", Headers(()))


# --- signing helpers and the optional dependency -----------------------------------------------


def test_sign_request_returns_the_body_unchanged_for_header_schemes() -> None:
    provider = providers.GitHub(secret="gh")
    headers, body = provider.sign_request(BODY, now=NOW)
    assert body == BODY
    assert headers == provider.sign(BODY, now=NOW)
    with pytest.raises(ConfigurationError, match="private_key"):
        provider.sign_request(BODY, private_key="whsk_nope")


def test_without_cryptography_public_keys_raise_missing_dependency_naming_the_extra() -> None:
    program = textwrap.dedent(
        """
        import sys
        sys.modules["cryptography"] = None  # as if it were not installed
        import webhook_receiver
        from webhook_receiver._crypto import PublicKeys
        try:
            PublicKeys("ed25519", "00" * 32)
        except webhook_receiver.MissingDependency as exc:
            print("extra:", exc.extra)
            print(exc)
        """
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert "extra: crypto" in result.stdout
    assert "pip install 'webhook-receiver[crypto]'" in result.stdout


def test_importing_the_library_and_its_providers_does_not_import_cryptography() -> None:
    modules = "webhook_receiver, webhook_receiver.providers, webhook_receiver.testing"
    program = f"import sys, {modules}; print('cryptography' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_a_key_signs_and_verifies_with_the_standard_library_view_of_hmac() -> None:
    """The keyring's precomputed pads agree with ``hmac`` for every digest, expiring or not."""
    for digest in ("sha1", "sha256", "sha512"):
        ring = Keyring(encode_secrets([Secret("k" * 200, expires_at=NOW), "short"], "secret"), digest)  # type: ignore[arg-type]
        for index, key in enumerate((b"k" * 200, b"short")):
            assert (
                ring.mac(index, b"pre", BODY, b"post")
                == hmac.new(key, b"pre" + BODY + b"post", digest).digest()
            )
        assert len(ring.live_pads(NOW + 1)) == 1
        assert hashlib.new(digest).digest_size == len(ring.mac(0, b"", BODY))


class TestSecretsFromAMapping:
    """``"<option>_env": [VAR, {"name": VAR, "expires_at": time}]``: a rotation from settings."""

    ENVIRON: ClassVar[dict[str, str]] = {"GH_NEW": "gh-new", "GH_OLD": "gh-old"}

    def _mapping(self, expires_at: object) -> dict[str, object]:
        return {
            "/hooks/github": {
                "provider": "github",
                "options": {"secret_env": ["GH_NEW", {"name": "GH_OLD", "expires_at": expires_at}]},
            }
        }

    def test_the_old_secret_stops_verifying_at_its_time(self) -> None:
        from webhook_receiver.config import receivers_from_mapping

        receivers = receivers_from_mapping(self._mapping("2023-11-14T22:13:20+00:00"), environ=self.ENVIRON)
        provider = receivers["/hooks/github"].provider
        old = sign("github", BODY, secret="gh-old")
        provider.verify(old, BODY, now=NOW)
        with pytest.raises(SignatureMismatch):
            provider.verify(old, BODY, now=NOW + 1)
        provider.verify(sign("github", BODY, secret="gh-new"), BODY, now=NOW + 1)

    @pytest.mark.parametrize("bad", ["2023-11-14T22:13:20", "soon", None])
    def test_an_expiry_without_an_offset_is_a_problem_naming_the_option(self, bad: object) -> None:
        from webhook_receiver.config import check_mapping

        problems = check_mapping(self._mapping(bad), environ=self.ENVIRON)
        assert problems, bad
        assert "secret_env" in problems[0].message
        assert "gh-old" not in problems[0].message


# --- the documentation of the catalogue ------------------------------------------------------


ROOT = Path(__file__).resolve().parent.parent


def _table_rows(text: str, header: str) -> list[list[str]]:
    lines = text[text.index(header) :].splitlines()[2:]
    rows = []
    for line in lines:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split(" | ")])
    return rows


def test_the_readme_provider_table_has_a_full_row_for_every_provider() -> None:
    header = "| name | class | what is checked | options | timestamp signed | what identifies an event |"
    rows = _table_rows((ROOT / "README.md").read_text(), header)
    names = [row[0].strip("`") for row in rows]
    assert sorted(names) == sorted(providers.PROVIDERS)
    for row in rows:
        assert len(row) == 7, row[0]
        assert all(row), row[0]
        assert row[1].strip("`") == providers.PROVIDERS[row[0].strip("`")].__name__


def test_the_docs_copy_of_the_provider_table_is_the_readmes() -> None:
    header = "| name | class | what is checked | options | timestamp signed | what identifies an event |"
    readme = _table_rows((ROOT / "README.md").read_text(), header)
    docs = _table_rows((ROOT / "docs" / "guides" / "verification.md").read_text(), header)
    assert docs == readme


def test_security_md_says_what_identifies_an_event_for_every_provider() -> None:
    header = "| provider | what the scheme signs | identity | timestamp signed |"
    rows = _table_rows((ROOT / "SECURITY.md").read_text(), header)
    named = {name for row in rows for name in re.findall(r"`([a-z-]+)`", row[0])}
    assert named == set(providers.PROVIDERS)


def test_every_provider_module_says_what_identifies_an_event_and_what_a_replay_needs() -> None:
    for cls in providers.PROVIDERS.values():
        text = (sys.modules[cls.__module__].__doc__ or "").lower()
        assert "identi" in text, f"{cls.__name__}: say what identifies an event"
        assert "replay" in text or "store" in text, f"{cls.__name__}: say what a replay needs"


@pytest.mark.parametrize("name", ["discord", "sendgrid", "aws-sns", "linear", "standard-webhooks"])
def test_schemes_that_read_any_headers_get_the_request_headers_unwrapped(name: str) -> None:
    """``reads_any_headers = True``: the provider calls the scheme directly, as for the built-in ones."""
    from webhook_receiver.testing import DEMO_OPTIONS

    options = dict(DEMO_OPTIONS[name])
    if name == "standard-webhooks":
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ed25519

        public = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(32)).public_key()
        raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        options = {"public_key": "whpk_" + base64.b64encode(raw).decode()}
    provider = providers.create(name, **options)
    assert type(provider.scheme).__name__ not in {"HmacSignature", "StandardWebhooksSignature"}
    assert provider._check == provider.scheme.verify  # no Headers wrapper in between
