"""pytest fixtures for testing webhook handlers: a frozen clock, a signer, and ``post_webhook``.

Installing ``webhook-receiver`` registers this module through pytest's ``pytest11``
entry point, so in any test suite::

    def test_paid_invoice(post_webhook):
        response = post_webhook(TestClient(app), "/hooks/stripe", "stripe", "invoice.paid",
                                secret="whsec_test")
        assert response.status_code == 200

``webhook_clock``
    a :class:`~webhook_receiver.testing.FrozenClock`. It starts at the real time
    (whole seconds) when the test starts and then stands still, so what the fixtures
    sign is fresh both for a provider built with ``clock=webhook_clock`` and for an
    app whose provider reads the real clock.
``webhook_signer``
    a :class:`WebhookSigner` bound to that clock: ``sign``, ``request`` and ``sample``.
``post_webhook``
    a :class:`PostWebhook`: signs an event and sends it through a framework's test
    client (Starlette/FastAPI and other httpx clients, Flask and Werkzeug, Django),
    returning that client's own response.

All three are function-scoped; override ``webhook_clock`` in a ``conftest.py`` to
start somewhere else (``return FrozenClock(1_700_000_000)``): the other two follow it.

The module imports no web framework (it is loaded in every pytest run of every
project that installs this library); clients are recognised by the modules their
classes come from.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, TypeAlias

import pytest

from .._errors import ConfigurationError
from .._receiver import Receiver
from ..providers import Provider
from . import sample as _sample
from . import sign as _sign
from . import signed_request as _signed_request
from . import to_body
from ._clock import FrozenClock
from ._samples import Sample

__all__ = ["PostWebhook", "ProviderLike", "WebhookSigner"]

ProviderLike: TypeAlias = str | Provider | Receiver
"""Who signs: a provider name (configured by ``secret``/options, else demo
credentials), a provider object, or a ``Receiver`` (its provider, with its own secret)."""

_JSON = "application/json"


def _merged(*layers: Mapping[str, str] | None) -> dict[str, str]:
    """Later layers win, matching names case-insensitively (HTTP header names are)."""
    merged: dict[str, str] = {}
    for layer in layers:
        for name, value in (layer or {}).items():
            for existing in [k for k in merged if k.lower() == name.lower()]:
                del merged[existing]
            merged[name] = value
    return merged


class WebhookSigner:
    """Signs requests as a provider's sender would, at the time of a clock.

    The ``webhook_signer`` fixture is one, bound to ``webhook_clock``. Without a
    ``timestamp``, everything is signed at ``clock()``.

    Args:
        clock: the clock to sign at (default: a fresh :class:`FrozenClock`).
    """

    __slots__ = ("_clock",)

    def __init__(self, clock: FrozenClock | None = None) -> None:
        self._clock = clock if clock is not None else FrozenClock()

    @property
    def clock(self) -> FrozenClock:
        """The clock this signer signs at."""
        return self._clock

    def sign(
        self,
        provider: ProviderLike,
        body: bytes | str | Any,
        *,
        secret: str | bytes | None = None,
        timestamp: float | None = None,
        msg_id: str | None = None,
        **options: Any,
    ) -> dict[str, str]:
        """The headers ``provider``'s sender would attach to ``body``, signed at the clock's time.

        Args:
            provider: a provider name, a provider object or a ``Receiver``. A name is
                configured by ``secret`` and ``options`` as for
                :func:`~webhook_receiver.testing.make_provider` (demo credentials when
                neither is given); an object signs with its own credentials.
            body: the raw body (``bytes``), or ``str``/JSON-able data to encode.
            timestamp: the signing time, unix seconds (default: ``clock()``).
            msg_id: the ``webhook-id`` for Standard Webhooks (default: random).

        Raises:
            TypeError: ``secret`` or options given with a provider object.
        """
        return _sign(
            self._resolve(provider, secret, options),
            body,
            secret=secret,
            timestamp=self._clock() if timestamp is None else timestamp,
            msg_id=msg_id,
            **options,
        )

    def sample(self, provider: ProviderLike, event_type: str | None = None) -> Sample:
        """The sample event of ``event_type`` (the provider's first if ``None``); see
        :func:`~webhook_receiver.testing.sample`."""
        return _sample(self._name(provider), event_type)

    def request(
        self,
        provider: ProviderLike,
        payload: Sample | bytes | str | Any = None,
        *,
        event_type: str | None = None,
        secret: str | bytes | None = None,
        timestamp: float | None = None,
        msg_id: str | None = None,
        headers: Mapping[str, str] | None = None,
        **options: Any,
    ) -> tuple[dict[str, str], bytes]:
        """A signed request: ``(headers, body)``, ready for any HTTP client.

        Args:
            provider: who signs, as for :meth:`sign`.
            payload: what to send. A :class:`~webhook_receiver.testing.Sample` (its
                body, plus the extra headers its sender adds, such as GitHub's
                ``X-GitHub-Event``); ``bytes``, sent as they are; a ``str``, the
                event type of a sample of ``provider``'s; any other value, encoded
                as JSON; or ``None``, a sample (of ``event_type``, else the
                provider's first).
            event_type: the sample to send when there is no ``payload``.
            secret: as for :meth:`sign`.
            timestamp: as for :meth:`sign`.
            msg_id: as for :meth:`sign`.
            **options: as for :meth:`sign`.
            headers: added last, replacing any of the same name (case-insensitive):
                to send a wrong signature or another content type on purpose.

        Returns:
            The headers (``Content-Type: application/json``, a sample's extra
            headers, the signature headers, then ``headers``) and the body bytes.

        Raises:
            TypeError: both ``payload`` and ``event_type`` given.
            ConfigurationError: no such sample, or a sample of another provider.
        """
        extra, body = self._payload(provider, payload, event_type)
        signed, body = _signed_request(
            self._resolve(provider, secret, options),
            body,
            secret=secret,
            timestamp=self._clock() if timestamp is None else timestamp,
            msg_id=msg_id,
            **options,
        )
        return _merged({"Content-Type": _JSON}, extra, signed, headers), body

    def _payload(
        self, provider: ProviderLike, payload: object, event_type: str | None
    ) -> tuple[dict[str, str], bytes]:
        if payload is not None and event_type is not None:
            raise TypeError("give a payload or an event_type, not both")
        if payload is None or isinstance(payload, str):
            payload = self.sample(provider, payload if isinstance(payload, str) else event_type)
        if isinstance(payload, Sample):
            name = self._name(provider)
            if payload.provider != name:
                raise ConfigurationError(f"that is a {payload.provider} sample, not one of {name}'s")
            return dict(payload.headers), payload.body
        return {}, to_body(payload)

    @staticmethod
    def _resolve(provider: ProviderLike, secret: object, options: Mapping[str, Any]) -> str | Provider:
        if isinstance(provider, Receiver):
            provider = provider.provider
        if isinstance(provider, Provider) and (secret is not None or options):
            raise TypeError(
                f"the {provider.name} provider object signs with its own credentials: "
                "pass secret= and options only with a provider name"
            )
        return provider

    @staticmethod
    def _name(provider: ProviderLike) -> str:
        if isinstance(provider, Receiver):
            return provider.provider.name
        return provider.name if isinstance(provider, Provider) else provider

    def __repr__(self) -> str:
        return f"<WebhookSigner at {self._clock!r}>"


# Test clients by the top-level package their class (or a base class) comes from.
_REQUEST_STYLE = frozenset({"httpx", "httpx2", "starlette", "fastapi"})  # client.request(content=)
_OPEN_STYLE = frozenset({"werkzeug", "flask"})  # client.open(data=)
_GENERIC_STYLE = frozenset({"django"})  # client.generic(data=, content_type=)
_SUPPORTED = (
    "Starlette's or FastAPI's TestClient (or another httpx client), Flask's test client "
    "or Werkzeug's Client, and Django's Client or AsyncClient"
)


def _client_style(client: object) -> str | None:
    for cls in type(client).__mro__:
        package = cls.__module__.partition(".")[0]
        for style, packages in (
            ("request", _REQUEST_STYLE),
            ("open", _OPEN_STYLE),
            ("generic", _GENERIC_STYLE),
        ):
            if package in packages:
                return style
    return None


class PostWebhook:
    """Signs an event and sends it through a framework's test client: the ``post_webhook`` fixture.

    Args:
        signer: the signer to sign with (the fixture's is bound to ``webhook_clock``).
    """

    __slots__ = ("_signer",)

    def __init__(self, signer: WebhookSigner) -> None:
        self._signer = signer

    @property
    def signer(self) -> WebhookSigner:
        """The signer this uses."""
        return self._signer

    def __call__(
        self,
        client: object,
        path: str,
        provider: ProviderLike,
        payload: Sample | bytes | str | Any = None,
        *,
        event_type: str | None = None,
        secret: str | bytes | None = None,
        method: str = "POST",
        headers: Mapping[str, str] | None = None,
        timestamp: float | None = None,
        msg_id: str | None = None,
        **options: Any,
    ) -> Any:
        """Sign ``payload`` as ``provider``'s sender would and send it to ``path`` with ``client``.

        ``provider``, ``payload``, ``event_type``, ``secret``, ``headers``,
        ``timestamp``, ``msg_id`` and ``options`` are as for
        :meth:`WebhookSigner.request`: with no payload, a sample event is sent.

        Args:
            client: a test client: Starlette's or FastAPI's ``TestClient`` (or any
                httpx client), Flask's ``app.test_client()`` or a Werkzeug
                ``Client``, or Django's ``Client`` (``AsyncClient`` too: then
                await the result).
            path: the URL path of the webhook endpoint.
            method: the HTTP method (``POST``; Customer.io may use others).

        Returns:
            The client's own response object, untouched.

        Raises:
            TypeError: ``client`` is not a test client this knows how to use.
        """
        style = _client_style(client)
        if style is None:
            kind = type(client)
            raise TypeError(
                f"post_webhook() cannot send with a {kind.__module__}.{kind.__qualname__}; "
                f"it supports {_SUPPORTED}"
            )
        sent, body = self._signer.request(
            provider,
            payload,
            event_type=event_type,
            secret=secret,
            timestamp=timestamp,
            msg_id=msg_id,
            headers=headers,
            **options,
        )
        send: Any = client  # duck-typed: each style calls its framework's documented method
        if style == "request":
            return send.request(method, path, content=body, headers=sent)
        if style == "open":
            return send.open(path, method=method, data=body, headers=sent)
        # Django sends the body's type from content_type= (a Content-Type among headers=
        # would become HTTP_CONTENT_TYPE, and AsyncClient would send it twice).
        content_type = next((v for k, v in sent.items() if k.lower() == "content-type"), _JSON)
        rest = {k: v for k, v in sent.items() if k.lower() != "content-type"}
        return send.generic(method, path, data=body, content_type=content_type, headers=rest)

    def __repr__(self) -> str:
        return f"<PostWebhook with {self._signer!r}>"


@pytest.fixture
def webhook_clock() -> FrozenClock:
    """A :class:`~webhook_receiver.testing.FrozenClock` at the real time (whole seconds)
    this test started; pass it as ``clock=webhook_clock`` to the providers under test."""
    return FrozenClock(float(int(time.time())))


@pytest.fixture
def webhook_signer(webhook_clock: FrozenClock) -> WebhookSigner:
    """A :class:`WebhookSigner` that signs at ``webhook_clock``'s time."""
    return WebhookSigner(webhook_clock)


@pytest.fixture
def post_webhook(webhook_signer: WebhookSigner) -> PostWebhook:
    """``post_webhook(client, path, provider, payload=None, *, event_type=None, secret=None, ...)``:
    sign and send through a framework test client; returns the client's response."""
    return PostWebhook(webhook_signer)
