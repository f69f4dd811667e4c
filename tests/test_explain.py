"""``webhook-receiver verify --explain`` and the DEBUG diagnosis of a refused signature.

Each likely cause is made for real: a request signed by the library's own provider,
then changed the way a framework, proxy or misconfiguration changes it; the diagnosis
must name that cause, say nothing when there is none, and never show a secret.
"""

from __future__ import annotations

import base64
import json
import logging
from pathlib import Path
from typing import Any

import pytest

from webhook_receiver import Receiver, providers
from webhook_receiver import _explain as explain_module
from webhook_receiver._explain import Diagnosis, explain
from webhook_receiver.cli import main
from webhook_receiver.providers import Provider
from webhook_receiver.providers._base import configured_options

NOW = 1_700_000_000
PAYLOAD: dict[str, Any] = {
    "id": "evt_1",
    "object": "event",
    "type": "invoice.paid",
    "created": NOW,
    "data": {"object": {"zeta": 1, "alpha": "café"}},
}
COMPACT = json.dumps(PAYLOAD, separators=(",", ":"), ensure_ascii=False).encode()
FORM = b"MessageSid=SM1&MessageStatus=delivered&AccountSid=AC1"


def captured(
    tmp_path: Path, headers: dict[str, str], body: bytes, *, target: str = "/hooks", host: str = "example.com"
) -> Path:
    """A raw HTTP request file, as ``verify --request`` reads it."""
    head = [
        f"POST {target} HTTP/1.1",
        f"Host: {host}",
        *(f"{name}: {value}" for name, value in headers.items()),
    ]
    path = tmp_path / "captured.http"
    path.write_bytes("\r\n".join(head).encode() + b"\r\n\r\n" + body)
    return path


def verify_explain(
    capsys: pytest.CaptureFixture[str], provider: str, request: Path, *args: str, now: float = NOW
) -> str:
    """Run ``verify --explain`` through the CLI's entry point; it must exit 1."""
    status = main(["verify", provider, "--request", str(request), "--now", str(now), "--explain", *args])
    output = capsys.readouterr().out
    assert status == 1, output
    assert output.startswith("NOT VERIFIED")
    return output


def signed(name: str, body: bytes, **options: Any) -> dict[str, str]:
    return providers.create(name, **options).sign(body, now=NOW)


class TestTheBody:
    def test_a_re_serialised_body(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        headers = signed("stripe", COMPACT, secret="whsec_test")
        pretty = json.dumps(PAYLOAD, indent=2).encode()  # what request.json re-encoded looks like
        output = verify_explain(
            capsys, "stripe", captured(tmp_path, headers, pretty), "--secret", "whsec_test"
        )
        assert "likely cause: the body was re-serialised" in output
        assert "compact (no spaces), its keys in the order received, non-ASCII as UTF-8" in output
        assert "raw request bytes" in output

    def test_sorted_keys_are_named(self) -> None:
        provider = providers.create("github", secret="s3")
        body = json.dumps(PAYLOAD, sort_keys=True).encode()
        diagnosis = explain(provider, provider.sign(body, now=NOW), COMPACT, now=NOW)
        assert [cause.kind for cause in diagnosis.causes] == ["body_reserialised"]
        assert "its keys sorted" in str(diagnosis)

    def test_a_trailing_newline_added(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        headers = signed("github", COMPACT, secret="gh-secret")
        request = captured(tmp_path, headers, COMPACT + b"\n")
        output = verify_explain(capsys, "github", request, "--secret", "gh-secret")
        assert "likely cause: a trailing newline was added to the body after it was signed" in output

    def test_a_trailing_newline_removed(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        headers = signed("slack", COMPACT + b"\r\n", secret="slack-secret")
        request = captured(tmp_path, headers, COMPACT)
        output = verify_explain(capsys, "slack", request, "--secret", "slack-secret")
        assert "likely cause: the sender signed the body with a trailing CRLF, which was removed" in output


class TestTheSecret:
    def test_whsec_prefix_kept_by_the_receiver(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        headers = signed("stripe", COMPACT, secret="abc123")
        output = verify_explain(
            capsys, "stripe", captured(tmp_path, headers, COMPACT), "--secret", "whsec_abc123"
        )
        assert "likely cause: the configured secret keeps the 'whsec_' prefix" in output

    def test_whsec_prefix_dropped_by_the_receiver(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        headers = signed("stripe", COMPACT, secret="whsec_abc123")
        output = verify_explain(capsys, "stripe", captured(tmp_path, headers, COMPACT), "--secret", "abc123")
        assert "likely cause: the configured secret lacks the 'whsec_' prefix" in output

    def test_base64_decoded_by_the_receiver_raw_text_by_the_sender(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        secret = "whsec_" + base64.b64encode(b"standard-key-bytes").decode()
        # A sender that uses the secret's text as the key, not the bytes it decodes to.
        headers = signed("standard-webhooks", COMPACT, secret=secret.encode())
        request = captured(tmp_path, headers, COMPACT)
        output = verify_explain(capsys, "standard-webhooks", request, "--secret", secret)
        assert "the sender uses the secret's text itself as the key" in output

    def test_raw_text_by_the_receiver_base64_decoded_by_the_sender(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        text = base64.b64encode(b"decoded-key-bytes").decode()
        headers = signed("github", COMPACT, secret=base64.b64decode(text))
        output = verify_explain(capsys, "github", captured(tmp_path, headers, COMPACT), "--secret", text)
        assert "the configured secret is base64 (after any 'whsec_'), and the sender uses the bytes" in output

    def test_hex_text_and_its_bytes(self) -> None:
        key = bytes(range(16))
        provider = providers.create("github", secret=key.hex())
        diagnosis = explain(provider, signed("github", COMPACT, secret=key), COMPACT, now=NOW)
        assert diagnosis.causes[0].kind == "secret_encoding"
        assert "the configured secret is hex" in str(diagnosis)

    def test_a_secret_pasted_with_a_newline(self) -> None:
        provider = providers.create("github", secret="gh-secret\n")
        diagnosis = explain(provider, signed("github", COMPACT, secret="gh-secret"), COMPACT, now=NOW)
        assert "whitespace or a line break around it" in str(diagnosis)

    def test_one_value_of_a_rotation(self) -> None:
        provider = providers.create("stripe", secret=["whsec_other", "whsec_abc123"])
        diagnosis = explain(provider, signed("stripe", COMPACT, secret="abc123"), COMPACT, now=NOW)
        assert "keeps the 'whsec_' prefix" in str(diagnosis)


class TestTheClock:
    def test_skewed_by_whole_hours_is_a_time_zone(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        headers = signed("stripe", COMPACT, secret="whsec_test")
        request = captured(tmp_path, headers, COMPACT)
        output = verify_explain(capsys, "stripe", request, "--secret", "whsec_test", now=NOW + 2 * 3600 + 7)
        assert "timestamp_outside_tolerance" in output
        assert "likely cause: the request was signed 2 h 0 min 7 s before this clock's now" in output
        assert "the signature matches" in output
        assert "time zone" in output

    def test_ahead_by_minutes_is_a_clock(self) -> None:
        provider = providers.create("courier", secret="c-secret")
        diagnosis = explain(provider, provider.sign(COMPACT, now=NOW), COMPACT, now=NOW - 1000)
        assert diagnosis.causes[0].kind == "timestamp_skew"
        assert "16 min 40 s after this clock's now" in str(diagnosis)
        assert "NTP" in str(diagnosis)
        assert "time zone" not in str(diagnosis)

    def test_skewed_and_re_serialised_names_both(self) -> None:
        provider = providers.create("stripe", secret="whsec_test")
        pretty = json.dumps(PAYLOAD).encode()
        diagnosis = explain(provider, provider.sign(COMPACT, now=NOW), pretty, now=NOW + 5 * 3600)
        assert [cause.kind for cause in diagnosis.causes] == ["timestamp_skew", "body_reserialised"]


class TestTheUrl:
    def test_twilio_signed_https_behind_a_proxy_that_ends_tls(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        headers = signed("twilio", FORM, secret="auth-token", url="https://example.com/hooks/twilio")
        request = captured(tmp_path, headers, FORM)
        output = verify_explain(
            capsys,
            "twilio",
            request,
            "--secret",
            "auth-token",
            "--option",
            "url=http://example.com/hooks/twilio",
        )
        assert (
            "likely cause: the sender signed the URL https://example.com/hooks/twilio, whose scheme" in output
        )

    def test_square_with_a_port_written_out(self) -> None:
        provider = providers.create("square", secret="sq-key", url="https://example.com:443/hooks/square")
        headers = signed("square", COMPACT, secret="sq-key", url="https://example.com/hooks/square")
        diagnosis = explain(provider, headers, COMPACT, now=NOW)
        assert diagnosis.causes[0].kind == "url"
        assert "https://example.com/hooks/square, whose port differs" in str(diagnosis)

    def test_the_host_and_path_of_the_captured_request(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        public = "https://hooks.example.org/twilio/inbound"
        headers = signed("twilio", FORM, secret="auth-token", url=public)
        request = captured(tmp_path, headers, FORM, target="/twilio/inbound", host="hooks.example.org")
        output = verify_explain(
            capsys, "twilio", request, "--secret", "auth-token", "--option", "url=http://10.0.0.5:8000/hooks"
        )
        assert f"the sender signed the URL {public}, whose scheme and host and port and path differ" in output

    def test_a_url_to_try_and_a_query_never_shown(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        public = "https://public.example.org/sq?token=do-not-show"
        headers = signed("square", COMPACT, secret="sq-key", url=public)
        request = captured(tmp_path, headers, COMPACT)
        output = verify_explain(
            capsys,
            "square",
            request,
            "--secret",
            "sq-key",
            "--option",
            "url=https://example.com/hooks/square",
            "--try-url",
            public,
        )
        assert "the sender signed the URL https://public.example.org/sq?..." in output
        assert "do-not-show" not in output


def test_a_genuine_mismatch_has_no_likely_cause(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    headers = signed("stripe", COMPACT, secret="whsec_the_senders")
    output = verify_explain(
        capsys, "stripe", captured(tmp_path, headers, COMPACT), "--secret", "whsec_not_it"
    )
    assert "no likely cause found: the secret or the body differ in a way not tried" in output
    assert "likely cause:" not in output


def test_a_request_refused_before_any_signature_is_compared(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = verify_explain(capsys, "stripe", captured(tmp_path, {}, COMPACT), "--secret", "whsec_test")
    assert "refused before any signature was compared (missing_header)" in output


def test_a_request_that_verifies_prints_no_diagnosis(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    request = captured(tmp_path, signed("stripe", COMPACT, secret="whsec_test"), COMPACT)
    status = main(
        [
            "verify",
            "stripe",
            "--secret",
            "whsec_test",
            "--request",
            str(request),
            "--now",
            str(NOW),
            "--explain",
        ]
    )
    output = capsys.readouterr().out
    assert status == 0
    assert output.startswith("VERIFIED") and "cause" not in output
    assert explain(
        providers.create("stripe", secret="whsec_test"), request_headers(request), COMPACT, now=NOW
    ).verified


def request_headers(request: Path) -> list[tuple[str, str]]:
    head = request.read_bytes().split(b"\r\n\r\n")[0].decode().split("\r\n")[1:]
    return [(name, value.strip()) for name, _, value in (line.partition(":") for line in head)]


# (configured secret, the sender's secret, provider): every cause above, and none.
SECRET_CASES = [
    ("whsec_kept_prefix_value", "kept_prefix_value", "stripe"),
    ("dropped_prefix_value", "whsec_dropped_prefix_value", "stripe"),
    ("whsec_" + base64.b64encode(b"sw-key-material-1").decode(), None, "standard-webhooks"),
    (base64.b64encode(b"github-key-material").decode(), None, "github"),
    ("pasted-secret-value\n", "pasted-secret-value", "github"),
    ("whsec_entirely_wrong_one", "whsec_the_real_one_here", "stripe"),
]


@pytest.mark.parametrize(("configured", "senders", "name"), SECRET_CASES)
def test_no_secret_or_signature_in_the_output(
    configured: str, senders: str | None, name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sender_secret: str | bytes = senders if senders is not None else configured.encode()
    if name == "github" and senders is None:
        sender_secret = base64.b64decode(configured)
    headers = signed(name, COMPACT, secret=sender_secret)
    output = verify_explain(capsys, name, captured(tmp_path, headers, COMPACT), "--secret", configured)
    assert "likely cause" in output or "no likely cause" in output
    secrets = {configured.strip(), configured.strip().removeprefix("whsec_"), senders or ""}
    # Every signature, timestamp and id the request carried, piece by piece.
    sent = {
        piece for value in headers.values() for piece in value.replace(",", " ").replace("=", " ").split()
    }
    for piece in secrets | sent:
        if len(piece) >= 8:
            assert piece not in output, piece


class TestTheReceiverLog:
    def refused(self, caplog: pytest.LogCaptureFixture, level: int) -> None:
        receiver = Receiver(providers.create("stripe", secret="whsec_debug_secret"))
        headers = signed("stripe", COMPACT, secret="whsec_debug_secret")
        with caplog.at_level(level, logger="webhook_receiver"):
            reply = receiver.handle("POST", headers, COMPACT + b"\n", now=NOW)
        assert reply.status == 401

    def test_debug_logs_the_diagnosis_without_secrets(self, caplog: pytest.LogCaptureFixture) -> None:
        self.refused(caplog, logging.DEBUG)
        debug = [record.getMessage() for record in caplog.records if record.levelno == logging.DEBUG]
        assert debug == [
            "why the stripe signature did not verify: likely cause: a trailing newline was added "
            "to the body after it was signed (by a proxy, a client, or a captured file saved with "
            "a final newline): verify the exact bytes sent"
        ]
        assert "debug_secret" not in caplog.text

    def test_nothing_is_tried_above_debug(
        self, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        calls: list[Provider] = []
        real = explain_module.explain

        def counted(provider: Provider, *args: Any, **kwargs: Any) -> Diagnosis:
            calls.append(provider)
            return real(provider, *args, **kwargs)

        monkeypatch.setattr(explain_module, "explain", counted)
        self.refused(caplog, logging.INFO)
        assert calls == []
        assert "why the stripe signature" not in caplog.text
        self.refused(caplog, logging.DEBUG)
        assert len(calls) == 1

    def test_a_stale_request_is_diagnosed_too(self, caplog: pytest.LogCaptureFixture) -> None:
        receiver = Receiver(providers.create("stripe", secret="whsec_debug_secret"))
        headers = signed("stripe", COMPACT, secret="whsec_debug_secret")
        with caplog.at_level(logging.DEBUG, logger="webhook_receiver"):
            assert receiver.handle("POST", headers, COMPACT, now=NOW + 3600).status == 401
        assert "1 h 0 min 0 s before this clock's now" in caplog.text


class TestTheProvidersOptions:
    def test_kept_whether_created_by_name_or_by_class(self) -> None:
        by_name = providers.create("stripe", secret="whsec_x", tolerance=60)
        by_class = providers.Stripe(secret="whsec_x", tolerance=60)
        assert (
            configured_options(by_name)
            == configured_options(by_class)
            == {"secret": "whsec_x", "tolerance": 60}
        )
        assert "whsec_x" not in repr(by_class)

    def test_a_provider_made_with_positional_arguments_gets_the_body_variants_only(self) -> None:
        class Custom(Provider):
            __slots__ = ()

        stripe = providers.create("stripe", secret="whsec_x")
        custom = Custom(stripe.scheme)
        assert configured_options(custom) is None
        headers = stripe.sign(COMPACT, now=NOW)
        assert explain(custom, headers, COMPACT + b"\n", now=NOW).causes[0].kind == "newline_added"
        assert not explain(custom, signed("stripe", COMPACT, secret="x"), COMPACT, now=NOW).causes
