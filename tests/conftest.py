"""Shared fixtures: a fixed clock, and the known-answer vectors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

NOW = 1_700_000_000
"""The fixed "now" every vector was signed against (2023-11-14T22:13:20Z)."""

VECTORS: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "vectors" / "verification.json").read_text()
)


@pytest.fixture
def now() -> float:
    """A fixed clock reading, in unix seconds."""
    return float(NOW)


SECRETS: dict[str, dict[str, Any]] = {
    "courier": {"secret": "courier-signing-secret"},
    "courier-channel": {"auth": "basic", "username": "AzureDiamond", "password": "hunter2"},
    "customerio": {"secret": "customerio-shared-secret"},
    "kourier": {"token": "WEBHOOK_SECRET_TOKEN"},
    "xtremepush": {"auth": "bearer", "token": "xtremepush-token"},
    "stripe": {"secret": "whsec_stripe_test"},
    "standard-webhooks": {"secret": "whsec_c3RhbmRhcmQtd2ViaG9va3Mta2V5"},
    "github": {"secret": "github-secret"},
    "slack": {"secret": "slack-signing-secret"},
    "bearer": {"token": "generic-token"},
    "basic": {"username": "user", "password": "p4ss-w0rd"},
    "hmac": {"secret": "acme", "header": "X-Acme-Signature", "timestamp_header": "X-Acme-Timestamp"},
}
"""Options that configure each provider for the tests."""


class SignedRequest:
    """Builds requests as each provider's sender would, signed at the fixed ``NOW``."""

    def provider(self, name: str) -> Any:
        from webhook_receiver import providers

        return providers.create(name, **SECRETS[name])

    def __call__(
        self, name: str, payload: Any, *, now: float = NOW, extra: dict[str, str] | None = None
    ) -> tuple[dict[str, str], bytes]:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        headers = {"Content-Type": "application/json", **self.provider(name).sign(body, now=now)}
        return {**headers, **(extra or {})}, body


@pytest.fixture
def signed_request() -> SignedRequest:
    """``signed_request(provider_name, payload) -> (headers, body)``."""
    return SignedRequest()
