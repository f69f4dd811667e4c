"""Creating providers: bad setups fail at creation with a ConfigurationError, never per request."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from webhook_receiver import (
    ConfigurationError,
    InsecureConfigurationWarning,
    InvalidCredentials,
    MalformedHeader,
    MissingHeader,
    ValidatorFailed,
    providers,
)
from webhook_receiver.testing import DEMO_OPTIONS

WHSEC = "whsec_" + base64.b64encode(b"k" * 24).decode()


@pytest.mark.parametrize(
    ("name", "options", "message"),
    [
        ("nope", {}, "unknown provider 'nope'"),
        ("courier", {}, "secret"),
        ("courier", {"secret": ""}, "secret must not be empty"),
        ("courier", {"secret": "   "}, "secret must not be empty"),
        ("courier", {"secret": []}, "at least one"),
        ("courier", {"secret": ["ok", ""]}, "must not be empty"),
        ("courier", {"secret": 42}, "secret must be"),
        ("courier", {"secret": [42]}, "secret must be str or bytes"),
        ("courier", {"secret": "s", "tolerance": 0}, "tolerance"),
        ("courier", {"secret": "s", "tolerance": -5}, "tolerance"),
        ("courier", {"secret": "s", "tolerance": float("inf")}, "tolerance"),
        ("courier", {"secret": "s", "tolerance": float("nan")}, "tolerance"),
        ("courier", {"secret": "s", "tolerance": True}, "tolerance"),
        ("courier", {"secret": "s", "tolerance": "300"}, "tolerance"),
        ("courier", {"secret": "s", "secrt": "typo"}, "secrt"),
        ("github", {"secret": "s", "tolerance": 5}, "tolerance"),
        ("kourier", {"token": ""}, "token must not be empty"),
        ("kourier", {}, "token"),
        ("standard-webhooks", {"secret": "whsec_not base64!"}, "whsec_"),
        ("standard-webhooks", {"secret": "whsec_"}, "must not be empty"),
        ("standard-webhooks", {"secret": []}, "at least one"),
        ("standard-webhooks", {"secret": 7}, "secret must be"),
        ("courier-channel", {}, "auth="),
        ("courier-channel", {"auth": "oauth2"}, "auth must be one of"),
        ("courier-channel", {"auth": "basic", "username": "u"}, "password"),
        ("courier-channel", {"auth": "basic"}, "username and password"),
        ("courier-channel", {"auth": "bearer"}, "token is required"),
        ("courier-channel", {"auth": "none", "token": "t"}, "does not use token"),
        ("courier-channel", {"auth": "bearer", "token": "t", "password": "p"}, "does not use password"),
        ("courier-channel", {"credentials": [("only-one",)]}, "pairs"),
        ("xtremepush", {}, "auth="),
        ("xtremepush", {"auth": "signed"}, "key is required"),
        ("xtremepush", {"auth": "signed", "key": "k", "signing": "md5"}, "signing must be"),
        ("xtremepush", {"auth": "oauth2"}, "token_validator"),
        ("xtremepush", {"auth": "oauth2", "token_validator": "not callable"}, "callable"),
        ("xtremepush", {"auth": "bearer", "token": "t", "key": "k"}, "key is only used"),
        ("xtremepush", {"auth": "signed", "key": "k", "token": "t"}, "does not use"),
        (
            "xtremepush",
            {"auth": "basic", "username": "u", "password": "p", "token_validator": bool},
            "only used",
        ),
        ("basic", {"username": "u", "password": "p", "realm": 'a"b'}, "realm"),
        ("hmac", {"secret": "s", "header": ""}, "header is required"),
        ("hmac", {"secret": "s", "header": "X", "digest": "md5"}, "digest"),
        ("hmac", {"secret": "s", "header": "X", "encoding": "base32"}, "encoding"),
        ("hmac", {"secret": "s", "header": "X", "payload": "{timestamp}"}, "{body} exactly once"),
        ("hmac", {"secret": "s", "header": "X", "payload": "{body}{body}"}, "{body} exactly once"),
        ("hmac", {"secret": "s", "header": "X", "payload": "{timestamp}.{body}"}, "timestamp_header"),
        ("hmac", {"secret": "s", "header": "X", "timestamp_header": "T", "payload": "{id}.{body}"}, "'id'"),
        ("hmac", {"secret": "s", "header": "X", "timestamp_header": "T", "payload": "{.{body}"}, "format"),
        ("hmac", {"secret": "s", "header": "X", "timestamp_header": "T", "timestamp_unit": "h"}, "unit"),
    ],
)
def test_bad_setup_is_a_configuration_error(name: str, options: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        providers.create(name, **options)
    assert message in str(info.value)


def test_configuration_errors_never_show_the_secret() -> None:
    with pytest.raises(ConfigurationError) as info:
        providers.create("standard-webhooks", secret="whsec_sup3r-secret-value!")
    assert "sup3r" not in str(info.value)
    with pytest.raises(ConfigurationError) as info:
        providers.create("courier", secret="sup3r-secret-value", unknown_option="sup3r-secret-value")
    assert "sup3r" not in str(info.value)


def test_clock_must_be_callable() -> None:
    with pytest.raises(ConfigurationError):
        providers.Courier(secret="s", clock=5)  # type: ignore[arg-type]


def test_no_verification_is_explicit_and_loud() -> None:
    with pytest.warns(InsecureConfigurationWarning, match="NOT authenticated"):
        provider = providers.create("courier-channel", auth="none")
    provider.verify({}, b"anything")
    assert "Unverified" in repr(provider)
    with pytest.warns(InsecureConfigurationWarning):
        providers.Xtremepush(auth="none").verify({}, b"{}")


def test_auth_is_inferred_from_the_options_given() -> None:
    assert "BearerToken" in repr(providers.CourierChannel(token="t"))
    assert "BasicAuth" in repr(providers.CourierChannel(username="u", password="p"))
    assert "SharedKey" in repr(providers.Xtremepush(key="k"))
    assert "TokenValidator" in repr(providers.Xtremepush(token_validator=lambda token: True))


def test_str_and_bytes_secrets_are_the_same_key() -> None:
    vector_body = b"{}"
    import hmac

    sig = hmac.new(b"key", vector_body, "sha1").hexdigest()
    for secret in ("key", b"key", bytearray(b"key"), ["key"], (b"key",)):
        providers.CustomerIO(secret=secret).verify({"X-Signature": sig}, vector_body)  # type: ignore[arg-type]


def test_standard_webhooks_takes_raw_key_bytes_too() -> None:
    import hmac

    body = b"{}"
    sig = base64.b64encode(hmac.new(b"k" * 24, b"id.100." + body, "sha256").digest()).decode()
    headers = {"webhook-id": "id", "webhook-timestamp": "100", "webhook-signature": f"v1,{sig}"}
    for secret in (WHSEC, WHSEC.removeprefix("whsec_"), b"k" * 24, [b"other", WHSEC]):
        providers.StandardWebhooks(secret=secret).verify(headers, body, now=100)


class TestOAuth2Validator:
    def test_validator_decides(self) -> None:
        seen: list[str] = []

        def validate(token: str) -> bool:
            seen.append(token)
            return token == "fresh-token"

        provider = providers.Xtremepush(auth="oauth2", token_validator=validate)
        provider.verify({"Authorization": "Bearer fresh-token"}, b"{}")
        with pytest.raises(InvalidCredentials):
            provider.verify({"Authorization": "Bearer stale-token"}, b"{}")
        assert seen == ["fresh-token", "stale-token"]

    def test_only_true_accepts(self) -> None:
        provider = providers.Xtremepush(auth="oauth2", token_validator=lambda token: "yes")  # type: ignore[arg-type, return-value]
        with pytest.raises(InvalidCredentials):
            provider.verify({"Authorization": "Bearer t"}, b"{}")

    def test_missing_and_malformed_token(self) -> None:
        provider = providers.Xtremepush(auth="oauth2", token_validator=lambda token: True)
        with pytest.raises(MissingHeader):
            provider.verify({}, b"{}")
        with pytest.raises(MalformedHeader):
            provider.verify({"Authorization": "Basic abc"}, b"{}")

    def test_validator_failure_is_a_retryable_server_side_error(self) -> None:
        def broken(token: str) -> bool:
            raise ConnectionError("token service down")

        provider = providers.Xtremepush(auth="oauth2", token_validator=broken)
        with pytest.raises(ValidatorFailed) as info:
            provider.verify({"Authorization": "Bearer t"}, b"{}")
        assert info.value.status == 503
        assert isinstance(info.value.__cause__, ConnectionError)
        assert "token service down" not in str(info.value)


def test_basic_auth_failures_carry_a_challenge() -> None:
    provider = providers.Basic(username="u", password="p", realm="acme hooks")
    for headers in ({}, {"Authorization": "Basic !!"}, {"Authorization": "Basic dTp4"}):
        with pytest.raises((MissingHeader, MalformedHeader, InvalidCredentials)) as info:
            provider.verify(headers, b"")
        assert info.value.headers == {"WWW-Authenticate": 'Basic realm="acme hooks", charset="UTF-8"'}


def test_body_must_be_bytes() -> None:
    provider = providers.Kourier(token="t")
    with pytest.raises(TypeError, match="raw request bytes"):
        provider.verify({"Authorization": "Bearer t"}, "{}")  # type: ignore[arg-type]


@pytest.mark.parametrize("name", sorted(providers.PROVIDERS))
def test_reprs_never_show_secrets(name: str) -> None:
    secret = "SUPER-SECRET-VALUE-123"
    options: dict[str, Any] = {
        "courier": {"secret": secret},
        "courier-channel": {"username": "user", "password": secret},
        "customerio": {"secret": secret},
        "kourier": {"token": secret},
        "xtremepush": {"key": secret},
        "stripe": {"secret": secret},
        "standard-webhooks": {"secret": base64.b64encode(secret.encode()).decode()},
        "github": {"secret": secret},
        "slack": {"secret": secret},
        "bearer": {"token": secret},
        "basic": {"username": "user", "password": secret},
        "hmac": {"secret": secret, "header": "X-Sig"},
        "shopify": {"secret": secret},
        "intercom": {"secret": secret},
        "typeform": {"secret": secret},
        "vercel": {"secret": secret},
        "gitlab": {"token": secret},
        "postmark": {"username": "user", "password": secret},
        "calendly": {"secret": secret},
        "paddle": {"secret": secret},
        "customerio-reporting": {"secret": secret},
        "zendesk": {"secret": secret},
        "linear": {"secret": secret},
        "resend": {"secret": base64.b64encode(secret.encode()).decode()},
        "clerk": {"secret": base64.b64encode(secret.encode()).decode()},
        "twilio": {"secret": secret, "url": "https://example.com/hooks/twilio"},
        "square": {"secret": secret, "url": "https://example.com/hooks/square"},
        "mailgun": {"secret": secret},
        "meta": {"secret": secret, "verify_token": secret},
        "zoom": {"secret": secret},
        "twitch": {"secret": secret},
        # Public keys are not secret; the rest of these providers' options are the demo's.
        "sendgrid": DEMO_OPTIONS["sendgrid"],
        "discord": DEMO_OPTIONS["discord"],
        "aws-sns": DEMO_OPTIONS["aws-sns"],
    }[name]
    provider = providers.create(name, **options)
    shown = repr(provider) + str(provider) + repr(provider.scheme)
    assert secret not in shown
    assert base64.b64encode(secret.encode()).decode() not in shown
    assert name in repr(provider)
