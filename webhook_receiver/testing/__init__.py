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
from ..providers.standard_webhooks import StandardWebhooksKeySignature
from ._clock import FrozenClock
from ._samples import _CATALOGUES, SAMPLES, Sample, sample, samples

__all__ = [
    "CREDENTIAL_OPTION",
    "DEMO_OPTIONS",
    "DEMO_PRIVATE_KEYS",
    "SAMPLES",
    "FrozenClock",
    "Sample",
    "make_provider",
    "sample",
    "samples",
    "sign",
    "signed_request",
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
for _catalogue in _CATALOGUES:
    CREDENTIAL_OPTION.update(_catalogue.CREDENTIAL_OPTION)

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
for _catalogue in _CATALOGUES:
    DEMO_OPTIONS.update(_catalogue.DEMO_OPTIONS)


DEMO_PRIVATE_KEYS: dict[str, str] = {}
"""The private half of each public-key provider's demo key pair (its public half is
in :data:`DEMO_OPTIONS`), so samples can be signed for it. Never use them for real."""
for _catalogue in _CATALOGUES:
    DEMO_PRIVATE_KEYS.update(getattr(_catalogue, "DEMO_PRIVATE_KEYS", {}))


def make_provider(name: str, *, secret: str | bytes | None = None, **options: Any) -> Provider:
    """Create provider ``name``; ``secret`` goes to the option it stands for (see
    :data:`CREDENTIAL_OPTION`), and missing options come from :data:`DEMO_OPTIONS`
    only when nothing at all is given."""
    if name not in PROVIDERS:
        raise ConfigurationError(f"unknown provider {name!r}; known: {', '.join(sorted(PROVIDERS))}")
    if secret is None and set(options) <= set(_NOT_CREDENTIALS):
        # No credential given: the demo ones (a given url or topic replaces the demo one).
        return create(name, **{**DEMO_OPTIONS[name], **options})
    if secret is not None:
        option = CREDENTIAL_OPTION[name]
        options[option] = secret
        if name == "courier-channel":
            options.setdefault("auth", "bearer")
        elif name == "xtremepush":
            options.setdefault("auth", "signed")
        elif name == "hmac":
            options.setdefault("header", DEMO_OPTIONS["hmac"]["header"])
        # What is not a credential (a URL-signed provider's url, SNS's topic and
        # certificate fetch) comes from the demo options unless given.
        for setting in _NOT_CREDENTIALS:
            if setting in DEMO_OPTIONS[name]:
                options.setdefault(setting, DEMO_OPTIONS[name][setting])
    return create(name, **options)


_NOT_CREDENTIALS = ("url", "topic_arn", "fetch")


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
    private_key: str | bytes | None = None,
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
    headers, signed = signed_request(
        provider, body, secret=secret, timestamp=timestamp, msg_id=msg_id, private_key=private_key, **options
    )
    if signed != to_body(body):
        name = provider.name if isinstance(provider, Provider) else provider
        raise ConfigurationError(f"{name} carries its signature in the body: use signed_request()")
    return headers


def signed_request(
    provider: str | Provider,
    body: bytes | str | Any,
    *,
    secret: str | bytes | None = None,
    timestamp: float | None = None,
    msg_id: str | None = None,
    private_key: str | bytes | None = None,
    **options: Any,
) -> tuple[dict[str, str], bytes]:
    """The headers *and body* ``provider``'s sender would send for ``body``.

    Like :func:`sign`, for every provider: where the signature travels inside the
    body (Mailgun), the body returned carries it; elsewhere it is ``body`` as bytes.
    ``private_key`` signs for providers verified with a public key (Discord,
    SendGrid, Standard Webhooks ``v1a`` with ``whsk_...``); without it, such a
    provider signs with the private half of its demo key pair
    (:data:`DEMO_PRIVATE_KEYS`), which verifies only for a provider configured with
    the demo public key (as :func:`make_provider` does with no options).
    """
    chosen = provider if isinstance(provider, Provider) else make_provider(provider, secret=secret, **options)
    raw = to_body(body)
    at = chosen.clock() if timestamp is None else timestamp
    if msg_id is not None and private_key is not None and hasattr(chosen.scheme, "sign_with_key"):
        return chosen.scheme.sign_with_key(raw, at, private_key, msg_id=msg_id), raw
    if msg_id is not None and isinstance(
        chosen.scheme, StandardWebhooksSignature | StandardWebhooksKeySignature
    ):
        return chosen.scheme.sign(raw, at, msg_id=msg_id), raw
    try:
        return chosen.sign_request(raw, now=timestamp, private_key=private_key)
    except ConfigurationError:
        demo = DEMO_PRIVATE_KEYS.get(chosen.name)
        if private_key is not None or demo is None:
            raise
        # Configured with a public key only: sign with the demo pair's private half.
        return chosen.sign_request(raw, now=timestamp, private_key=demo)
