"""Test your handlers without the provider: sign requests exactly as each sender does.

::

    from webhook_receiver.testing import sample, sign

    event = sample("kourier", "delivery.updated")
    headers = sign("kourier", event.body, secret="WEBHOOK_SECRET_TOKEN")
    response = client.post("/hooks/kourier", content=event.body, headers=headers)

``sign`` returns the headers the provider's sender would attach (``courier-signature``,
``Stripe-Signature``, ``Authorization``, ...); :func:`sample` and :func:`samples` give a
realistic payload for every documented event type. The pytest plugin
(``webhook_receiver.testing.pytest_plugin``, registered automatically) wraps these
in fixtures.
"""

from __future__ import annotations

import json
from typing import Any

from .._errors import ConfigurationError
from .._schemes import StandardWebhooksSignature
from ..providers import PROVIDERS, Provider, create
from ._clock import FrozenClock
from ._samples import SAMPLES, Sample, sample, samples

__all__ = [
    "CREDENTIAL_OPTION",
    "DEMO_OPTIONS",
    "SAMPLES",
    "FrozenClock",
    "Sample",
    "make_provider",
    "sample",
    "samples",
    "sign",
    "to_body",
]

CREDENTIAL_OPTION: dict[str, str] = {
    "courier": "secret",
    "customerio": "secret",
    "stripe": "secret",
    "standard-webhooks": "secret",
    "github": "secret",
    "slack": "secret",
    "hmac": "secret",
    "kourier": "token",
    "bearer": "token",
    "courier-channel": "token",
    "xtremepush": "key",
    "basic": "password",
}
"""The option ``secret=`` stands for, per provider (courier-channel: a bearer token;
xtremepush: a signed-payload key; basic: the password, with ``username``)."""

DEMO_OPTIONS: dict[str, dict[str, Any]] = {
    "courier": {"secret": "demo-courier-signing-secret"},
    "courier-channel": {"auth": "basic", "username": "AzureDiamond", "password": "demo-hunter2"},
    "customerio": {"secret": "demo-customerio-shared-secret"},
    "kourier": {"token": "demo-kourier-token"},
    "xtremepush": {"auth": "signed", "key": "demo-xtremepush-key", "signing": "hmac-sha256"},
    "stripe": {"secret": "whsec_demo_stripe_signing_secret"},
    "standard-webhooks": {"secret": "whsec_ZGVtby1zdGFuZGFyZC13ZWJob29rcy1rZXk="},
    "github": {"secret": "demo-github-secret"},
    "slack": {"secret": "demo-slack-signing-secret"},
    "bearer": {"token": "demo-bearer-token"},
    "basic": {"username": "demo", "password": "demo-password"},
    "hmac": {"secret": "demo-hmac-secret", "header": "X-Signature", "timestamp_header": "X-Timestamp"},
}
"""Throwaway credentials per provider, for demos and examples. Never use them for real."""


def make_provider(name: str, *, secret: str | bytes | None = None, **options: Any) -> Provider:
    """Create provider ``name``; ``secret`` goes to the option it stands for (see
    :data:`CREDENTIAL_OPTION`), and missing options come from :data:`DEMO_OPTIONS`
    only when nothing at all is given."""
    if name not in PROVIDERS:
        raise ConfigurationError(f"unknown provider {name!r}; known: {', '.join(sorted(PROVIDERS))}")
    if secret is None and not options:
        return create(name, **DEMO_OPTIONS[name])
    if secret is not None:
        option = CREDENTIAL_OPTION[name]
        options[option] = secret
        if name == "courier-channel":
            options.setdefault("auth", "bearer")
        elif name == "xtremepush":
            options.setdefault("auth", "signed")
        elif name == "hmac":
            options.setdefault("header", DEMO_OPTIONS["hmac"]["header"])
    return create(name, **options)


def to_body(payload: bytes | str | Any) -> bytes:
    """Bytes as they are, ``str`` as UTF-8, anything else as compact JSON."""
    if isinstance(payload, bytes | bytearray):
        return bytes(payload)
    if isinstance(payload, str):
        return payload.encode()
    return json.dumps(payload, separators=(",", ":")).encode()


def sign(
    provider: str | Provider,
    body: bytes | str | Any,
    *,
    secret: str | bytes | None = None,
    timestamp: float | None = None,
    msg_id: str | None = None,
    **options: Any,
) -> dict[str, str]:
    """The headers ``provider``'s sender would attach to ``body``.

    Args:
        provider: a provider object, or a provider name (then ``secret`` and
            ``options`` configure it, as for :func:`make_provider`).
        body: the raw body (``bytes``), or ``str``/JSON-able data to encode.
        timestamp: the signing time, unix seconds (default: now).
        msg_id: the ``webhook-id`` for Standard Webhooks (default: random).
    """
    chosen = provider if isinstance(provider, Provider) else make_provider(provider, secret=secret, **options)
    raw = to_body(body)
    if msg_id is not None and isinstance(chosen.scheme, StandardWebhooksSignature):
        return chosen.scheme.sign(raw, chosen.clock() if timestamp is None else timestamp, msg_id=msg_id)
    return chosen.sign(raw, now=timestamp)
