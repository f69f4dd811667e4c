"""``Provider.sign`` produces exactly what the sender sends (checked against the vectors)."""

from __future__ import annotations

import base64
import warnings

import pytest

from webhook_receiver import ConfigurationError, InsecureConfigurationWarning, providers
from webhook_receiver._schemes import StandardWebhooksSignature

from .conftest import NOW, VECTORS

EXACT = [
    "courier/valid",
    "stripe/valid",
    "github/valid",
    "slack/valid",
    "customerio/valid",
    "kourier/valid",
    "bearer/valid",
    "basic/valid",
    "courier-channel/basic: valid",
    "courier-channel/bearer: valid",
    "xtremepush/basic: valid",
    "xtremepush/signed: key valid",
    "xtremepush/signed: hmac valid",
    "hmac/template, base64, sha512",
    "hmac/milliseconds timestamp",
]


@pytest.mark.parametrize("vector_id", EXACT)
def test_sign_reproduces_the_known_answer(vector_id: str) -> None:
    vector = next(v for v in VECTORS if v["id"] == vector_id)
    provider = providers.create(vector["provider"], **vector["options"])
    expected = {name.lower(): value for name, value in vector["headers"] if name.lower() != "x-github-event"}
    expected.pop("content-type", None)
    signed = {name.lower(): value for name, value in provider.sign(vector["body"].encode(), now=NOW).items()}
    assert signed == expected


def test_standard_webhooks_sign_reproduces_the_known_answer() -> None:
    vector = next(v for v in VECTORS if v["id"] == "standard-webhooks/valid")
    provider = providers.create("standard-webhooks", **vector["options"])
    assert isinstance(provider.scheme, StandardWebhooksSignature)
    headers = dict(vector["headers"])
    signed = provider.scheme.sign(vector["body"].encode(), NOW, msg_id=headers["webhook-id"])
    assert signed == headers


ROUND_TRIP = {
    "courier": {"secret": "s"},
    "courier-channel": {"token": "t"},
    "customerio": {"secret": "s"},
    "kourier": {"token": "t"},
    "xtremepush": {"auth": "basic", "username": "u", "password": "p"},
    "stripe": {"secret": "whsec_s"},
    "standard-webhooks": {"secret": "whsec_" + base64.b64encode(b"0123456789abcdef").decode()},
    "github": {"secret": "s"},
    "slack": {"secret": "s"},
    "bearer": {"token": "t"},
    "basic": {"username": "u", "password": "p"},
    "hmac": {"secret": "s", "header": "X-S", "timestamp_header": "X-T", "timestamp_unit": "auto"},
}


@pytest.mark.parametrize("name", sorted(ROUND_TRIP))
def test_every_provider_verifies_what_it_signs(name: str) -> None:
    provider = providers.create(name, **ROUND_TRIP[name], clock=lambda: NOW + 0.5)
    body = b'{"event":"delivery.updated"}' * 3000  # past the one-shot HMAC size
    provider.verify(provider.sign(body), body)
    provider.verify(provider.sign(body[:10], now=NOW), body[:10], now=NOW + 299)


def test_unverified_signs_nothing_and_oauth2_cannot_sign() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureConfigurationWarning)
        assert providers.CourierChannel(auth="none").sign(b"{}") == {}
    with pytest.raises(ConfigurationError, match="oauth2"):
        providers.Xtremepush(token_validator=lambda token: True).sign(b"{}")
