"""The ``webhook-receiver`` command, run as a subprocess exactly as users run it."""

from __future__ import annotations

import base64
import io
import json
import os
import shlex
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
import slack_sdk.signature
import standardwebhooks
import stripe
from freezegun import freeze_time

from webhook_receiver import Receiver, _accel, providers
from webhook_receiver.adapters.wsgi import WebhookMiddleware
from webhook_receiver.cli import main
from webhook_receiver.testing import DEMO_OPTIONS, make_provider, sample

BODY = b'{"id":"evt_1","object":"event","type":"invoice.paid","created":1700000000}'
NOW = 1_700_000_000
SCRIPT = Path(sys.executable).parent / "webhook-receiver"


def run(
    *args: str, stdin: bytes | None = None, timeout: float = 120, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "webhook_receiver", *args],
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=None if env is None else {**os.environ, **env},
    )


def headers_of(output: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in output.strip().splitlines())


@pytest.fixture
def body_file(tmp_path: Path) -> Path:
    path = tmp_path / "body.json"
    path.write_bytes(BODY)
    return path


def test_the_console_script_is_installed_and_answers_help() -> None:
    result = subprocess.run([str(SCRIPT), "--help"], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0
    for command in ("demo", "sign", "verify", "send", "samples"):
        assert command in result.stdout


@pytest.mark.parametrize("command", ["demo", "sign", "verify", "send", "samples"])
def test_every_command_has_help(command: str) -> None:
    result = run(command, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith(f"usage: webhook-receiver {command}")


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("webhook-receiver ")
    assert f"(compiled verification path: {_accel.status()}; orjson: " in result.stdout
    switched_off = run("--version", env={"WEBHOOK_RECEIVER_PURE_PYTHON": "1"})
    assert "compiled verification path: switched off;" in switched_off.stdout


class TestSign:
    @pytest.mark.parametrize("name", sorted(DEMO_OPTIONS))
    def test_signed_headers_verify_with_the_library(self, name: str, body_file: Path) -> None:
        result = run("sign", name, "--file", str(body_file), "--timestamp", str(NOW), "--format", "json")
        assert result.returncode == 0, result.stderr
        shown = json.loads(result.stdout)
        # Providers whose signature travels in the body (Mailgun, Amazon SNS, Linear's
        # signed time) print the body to send beside the headers.
        headers, body = (shown["headers"], shown["body"].encode()) if "body" in shown else (shown, BODY)
        if "body" in shown:
            assert name in {"mailgun", "aws-sns", "linear"}
        make_provider(name).verify(headers, body, now=NOW + 1)

    def test_stripe_accepts_what_sign_prints(self, body_file: Path) -> None:
        secret = "whsec_cli_test_secret"
        result = run("sign", "stripe", "--secret", secret, "--file", str(body_file))
        header = headers_of(result.stdout)["Stripe-Signature"]
        stripe.WebhookSignature.verify_header(BODY.decode(), header, secret, tolerance=300)

    def test_standardwebhooks_accepts_what_sign_prints(self, body_file: Path) -> None:
        secret = "whsec_" + base64.b64encode(b"a cli test key for svix").decode()
        result = run(
            "sign", "standard-webhooks", "--secret", secret, "--file", str(body_file), "--timestamp", str(NOW)
        )
        with freeze_time(datetime.fromtimestamp(NOW, tz=UTC)):
            standardwebhooks.Webhook(secret).verify(BODY.decode(), headers_of(result.stdout))

    def test_slack_sdk_accepts_what_sign_prints(self, body_file: Path) -> None:
        secret = "slack-cli-signing-secret"
        result = run("sign", "slack", "--secret", secret, "--file", str(body_file), "--timestamp", str(NOW))

        class Fixed(slack_sdk.signature.Clock):
            def now(self) -> float:
                return float(NOW)

        verifier = slack_sdk.signature.SignatureVerifier(secret, clock=Fixed())
        assert verifier.is_valid_request(BODY, headers_of(result.stdout))

    def test_stdin_and_options(self) -> None:
        result = run("sign", "basic", "--option", "username=hooks", "--option", "password=pw-123", stdin=BODY)
        assert result.returncode == 0, result.stderr
        assert (
            headers_of(result.stdout)["Authorization"]
            == "Basic " + base64.b64encode(b"hooks:pw-123").decode()
        )

    def test_curl(self, body_file: Path) -> None:
        result = run(
            "sign",
            "kourier",
            "--secret",
            "tok",
            "--file",
            str(body_file),
            "--format",
            "curl",
            "--url",
            "http://127.0.0.1:8000/hooks/kourier",
        )
        assert result.stdout.startswith("curl -sS -X POST http://127.0.0.1:8000/hooks/kourier ")
        assert "'Authorization: Bearer tok'" in result.stdout
        assert f"@{body_file}" in result.stdout
        assert result.stderr == ""

    def test_curl_needs_a_url_and_prints_no_command_without_one(self, body_file: Path) -> None:
        result = run("sign", "kourier", "--file", str(body_file), "--format", "curl")
        assert result.returncode == 2
        assert result.stdout == ""
        assert result.stderr == (
            "webhook-receiver: error: --format curl needs --url, the URL the command posts to\n"
        )

    def test_a_url_that_would_be_ignored_is_refused(self, body_file: Path) -> None:
        result = run(
            "sign", "stripe", "--file", str(body_file), "--url", "http://127.0.0.1:8000/hooks/stripe"
        )
        assert result.returncode == 2
        assert "--url is used only with --format curl" in result.stderr

    @pytest.mark.skipif(shutil.which("curl") is None, reason="no curl")
    @pytest.mark.parametrize("from_stdin", [False, True])
    def test_the_curl_command_runs_as_printed(self, server: str, tmp_path: Path, from_stdin: bool) -> None:
        body = sample("kourier").body
        (tmp_path / "kourier.json").write_bytes(body)
        source = ("--file", "-") if from_stdin else ("--file", str(tmp_path / "kourier.json"))
        stdin = body if from_stdin else None
        signed = run(
            "sign",
            "kourier",
            "--secret",
            "cli-token",
            *source,
            "--format",
            "curl",
            "--url",
            server,
            stdin=stdin,
        )
        assert signed.returncode == 0, signed.stderr
        assert signed.stderr == ""
        assert signed.stdout.count("\n") == 1  # one line: a pasteable command
        sent = subprocess.run(
            shlex.split(signed.stdout), capture_output=True, text=True, timeout=60, check=False
        )
        assert sent.returncode == 0, sent.stderr
        assert sent.stdout == '{"ok":true}'

    def test_a_url_signed_provider_signs_the_curl_url(self) -> None:
        url = "https://hooks.example.org/twilio"
        signed = run(
            "sign", "twilio", "--secret", "tw-token", "--format", "curl", "--url", url, stdin=b"a=1&b=2"
        )
        parts = shlex.split(signed.stdout)
        assert parts[4] == url
        headers = dict(parts[i + 1].split(": ", 1) for i, part in enumerate(parts) if part == "-H")
        body = parts[parts.index("--data-binary") + 1].encode()
        make_provider("twilio", secret="tw-token", url=url).verify(headers, body)


class FakeStdin:
    """Standard input that is, or is not, a terminal."""

    def __init__(self, data: bytes, *, terminal: bool) -> None:
        self.buffer = io.BytesIO(data)
        self.terminal = terminal

    def isatty(self) -> bool:
        return self.terminal


class TestReadingStdin:
    @pytest.mark.parametrize(
        ("args", "hint"),
        [
            (
                ["sign", "kourier"],
                "reading the body from the terminal: paste it, then Ctrl-D (or pass --file PATH)",
            ),
            (["send", "kourier", "--url", "ftp://x", "--file", "-"], "(or pass --file PATH)"),
            (["verify", "kourier", "--request", "-"], "reading the request from the terminal"),
        ],
    )
    def test_a_terminal_is_told_what_is_awaited(
        self, args: list[str], hint: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setattr(os, "name", "posix")
        monkeypatch.setattr(sys, "stdin", FakeStdin(b'{"headers": {}, "body": "{}"}', terminal=True))
        main(args)
        err = capsys.readouterr().err
        assert err.startswith("webhook-receiver: reading ")
        assert hint in err.splitlines()[0]

    def test_a_pipe_is_read_without_a_word(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setattr(sys, "stdin", FakeStdin(BODY, terminal=False))
        assert main(["sign", "kourier", "--secret", "tok"]) == 0
        assert capsys.readouterr() == ("Authorization: Bearer tok\n", "")

    @pytest.mark.skipif(not hasattr(os, "openpty"), reason="no pseudo-terminal")
    def test_a_real_terminal(self) -> None:
        controller, terminal = os.openpty()
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "webhook_receiver", "sign", "kourier", "--secret", "tok"],
                stdin=terminal,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            os.write(controller, BODY + b"\n\x04")  # the body, then Ctrl-D on a line of its own
            out, err = process.communicate(timeout=60)
        finally:
            os.close(controller)
            os.close(terminal)
        assert process.returncode == 0, err
        assert out == b"Authorization: Bearer tok\n"
        assert b"reading the body from the terminal: paste it, then Ctrl-D" in err


class TestVerify:
    def signed(self, name: str = "courier", **options: str) -> tuple[dict[str, str], bytes]:
        provider = make_provider(name, **options)
        return provider.sign(BODY, now=NOW), BODY

    def test_raw_http_request_verifies(self, tmp_path: Path) -> None:
        headers, body = self.signed()
        raw = (
            "POST /hooks/courier HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        )
        path = tmp_path / "request.http"
        path.write_bytes(raw.encode() + body)
        result = run("verify", "courier", "--request", str(path), "--now", str(NOW + 5))
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.startswith("VERIFIED: POST")
        assert "(CourierEvent)" in result.stdout

    def test_json_capture_with_lf_and_base64_body(self, tmp_path: Path) -> None:
        headers, body = self.signed("github")
        path = tmp_path / "request.json"
        path.write_text(json.dumps({"headers": headers, "body_base64": base64.b64encode(body).decode()}))
        assert run("verify", "github", "--request", str(path)).returncode == 0
        path.write_text(json.dumps({"headers": list(headers.items()), "body": body.decode()}))
        assert run("verify", "github", "--request", str(path)).returncode == 0

    def test_says_exactly_why_without_showing_the_secret(self, tmp_path: Path) -> None:
        secret = "the-courier-signing-secret"
        headers, body = self.signed(secret=secret)
        path = tmp_path / "request.json"
        path.write_text(json.dumps({"headers": headers, "body": body.decode()}))
        stale = run("verify", "courier", "--secret", secret, "--request", str(path), "--now", str(NOW + 3600))
        assert stale.returncode == 1
        assert "stale: signed 3600 s ago, beyond the tolerance of 300 s" in stale.stdout
        wrong = run(
            "verify", "courier", "--secret", "another-secret", "--request", str(path), "--now", str(NOW)
        )
        assert wrong.returncode == 1
        assert "signature_mismatch" in wrong.stdout
        assert "no secret matched" in wrong.stdout
        path.write_text(json.dumps({"headers": {"courier-signature": "t=abc,signature=00"}, "body": "{}"}))
        malformed = run("verify", "courier", "--secret", secret, "--request", str(path))
        assert "the header 'courier-signature' is malformed" in malformed.stdout
        path.write_text(json.dumps({"headers": {}, "body": "{}"}))
        missing = run("verify", "courier", "--secret", secret, "--request", str(path))
        assert "the header 'courier-signature' is missing" in missing.stdout
        for result in (stale, wrong, malformed, missing):
            assert secret not in result.stdout + result.stderr
            assert "Traceback" not in result.stderr


COURIER_SECRET = "cli-courier-secret"


@pytest.fixture
def receivers() -> Iterator[str]:
    """A real server: Kourier at /hooks/kourier (token cli-token), Courier at /hooks/courier."""
    receiver = Receiver(providers.Kourier(token="cli-token"))
    received: list[str] = []
    receiver.on_any(lambda event: received.append(event.type))
    courier = Receiver(providers.Courier(secret=COURIER_SECRET))

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    httpd = make_server(
        "127.0.0.1",
        0,
        WebhookMiddleware(lambda e, s: [], {"/hooks/kourier": receiver, "/hooks/courier": courier}),
        handler_class=Quiet,
    )
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}/hooks"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


@pytest.fixture
def server(receivers: str) -> str:
    return f"{receivers}/kourier"


class TestSend:
    def test_sends_a_signed_sample_to_a_real_server(self, server: str) -> None:
        result = run("send", "kourier", "delivery.cancelled", "--url", server, "--secret", "cli-token")
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith('200 {"ok":true}')

    def test_a_refused_send_exits_1(self, server: str) -> None:
        result = run("send", "kourier", "--url", server, "--secret", "wrong")
        assert result.returncode == 1
        assert result.stdout.startswith("401 ")

    def test_timestamp_signs_as_of_that_time(self, receivers: str) -> None:
        url = f"{receivers}/courier"
        fresh = run(
            "send", "courier", "--url", url, "--secret", COURIER_SECRET, "--timestamp", str(time.time() - 5)
        )
        assert fresh.returncode == 0, fresh.stdout + fresh.stderr
        stale = run(
            "send",
            "courier",
            "--url",
            url,
            "--secret",
            COURIER_SECRET,
            "--timestamp",
            str(time.time() - 3600),
        )
        assert stale.returncode == 1
        assert stale.stdout.startswith("401 ")
        assert "timestamp_outside_tolerance" in stale.stdout

    def test_a_forged_signature_header_is_refused(self, receivers: str) -> None:
        now = int(time.time())
        genuine = make_provider("courier", secret=COURIER_SECRET).sign(BODY, now=now)["courier-signature"]
        forged = genuine[:-1] + ("0" if genuine[-1] != "0" else "1")
        result = run(
            "send", "courier", "--url", f"{receivers}/courier", "--secret", COURIER_SECRET,
            "--file", "-", "--header", f"Courier-Signature: {forged}",
            stdin=BODY,
        )  # fmt: skip
        assert result.returncode == 1
        assert result.stdout.startswith("401 ")
        assert "signature_mismatch" in result.stdout
        # The same request with the genuine header replaced by itself is accepted: only the
        # forged value made the difference.
        result = run(
            "send", "courier", "--url", f"{receivers}/courier", "--secret", COURIER_SECRET,
            "--file", "-", "--header", f"courier-signature:{genuine}", "--timestamp", str(now),
            stdin=BODY,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout

    def test_a_header_replaces_one_of_any_case(self, server: str) -> None:
        result = run(
            "send",
            "kourier",
            "--url",
            server,
            "--secret",
            "cli-token",
            "--header",
            "authorization: Bearer forged",
        )
        assert result.returncode == 1
        assert result.stdout.startswith("401 ")

    def test_unreachable(self) -> None:
        result = run("send", "kourier", "--url", "http://127.0.0.1:9/hooks", "--timeout", "5")
        assert result.returncode == 1
        assert "could not reach" in result.stderr
        assert "Traceback" not in result.stderr


def test_samples_listing() -> None:
    listing = run("samples")
    assert "kourier: delivery.created, delivery.updated, delivery.cancelled" in listing.stdout
    one = run("samples", "courier", "message:updated")
    assert json.loads(one.stdout)["type"] == "message:updated"


def test_demo_runs_a_real_server_and_every_outcome_is_expected() -> None:
    result = run("demo")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert "UNEXPECTED" not in result.stdout
    assert "requests ended as expected" in result.stdout
    assert "(every outcome as expected)" in result.stdout
    for fragment in (
        "MessageUpdated DELIVERED",
        "DeliveryUpdated abc123 in_transit",
        "Track 'Signed Up' by 123",
        "not run (already done)",
        "401 timestamp_outside_tolerance",
        "401 signature_mismatch",
        "401 invalid_credentials",
        "SnsNotification",
        "meta                  GET handshake                     200",
        "Ping PING",
    ):
        assert fragment in result.stdout
    assert "Skipped" not in result.stdout
    quiet = run("demo", "--quiet")
    assert quiet.returncode == 0
    assert quiet.stdout.strip().count("\n") == 0


def test_the_demo_without_cryptography_skips_the_public_key_providers_and_says_so() -> None:
    program = (
        "import sys; sys.modules['cryptography'] = None\n"
        "from webhook_receiver.cli import main\n"
        "sys.exit(main(['demo', '--quiet']))"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert "(every outcome as expected)" in result.stdout
    assert "Skipped (no 'cryptography'): sendgrid, discord, aws-sns." in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "required"),
        (("frobnicate",), "invalid choice"),
        (("sign",), "required: provider"),
        (("sign", "nope"), "unknown provider 'nope'"),
        (("sign", "kourier", "--option", "novalue"), "KEY=VALUE"),
        (("sign", "kourier", "--option", "colour=red"), "unexpected keyword argument 'colour'"),
        (("sign", "kourier", "--file", "/no/such/file"), "cannot read '/no/such/file'"),
        (("sign", "kourier", "--timestamp", "soon"), "invalid float value"),
        (("verify", "kourier"), "--request"),
        (("send", "kourier"), "--url"),
        (("send", "kourier", "--url", "ftp://x"), "http:// or https://"),
        (("send", "kourier", "--url", "http://x", "--header", "X-Forged"), "--header takes 'Name: value'"),
        (("send", "kourier", "--url", "http://x", "--header", "X Forged: 1"), "not 'X Forged: 1'"),
        (("send", "kourier", "--url", "http://x", "--header", ": 1"), "--header takes 'Name: value'"),
        (("send", "kourier", "--url", "http://x", "--header", "X-A: 1\r\nX-B: 2"), "line break"),
        (("send", "kourier", "--url", "http://x", "--header", "X-A: \x01"), "control character"),
        (("send", "kourier", "--url", "http://x", "--header", "X-A: \u2713"), "Latin-1"),
        (("send", "kourier", "--url", "http://x", "--timestamp", "then"), "invalid float value"),
        (("sign", "kourier", "--format", "curl"), "--format curl needs --url"),
        (("send", "kourier", "no.such.type", "--url", "http://127.0.0.1:9"), "no kourier sample"),
        (("samples", "nope"), "no samples for 'nope'"),
        (("demo", "--port", "70000"), "--port"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("webhook-receiver: error: ")
    assert message in lines[0]


def test_a_file_that_is_not_a_request(tmp_path: Path) -> None:
    path = tmp_path / "junk"
    path.write_bytes(b"just some words")
    result = run("verify", "kourier", "--request", str(path))
    assert result.returncode == 2
    assert "neither a raw HTTP request" in result.stderr
