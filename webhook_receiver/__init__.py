"""Receive webhooks safely: verify, parse and dispatch, in any framework.

The core is framework-free and uses only the standard library::

    from webhook_receiver import providers

    courier = providers.create("courier", secret="...")
    courier.verify(request_headers, raw_body)   # raises a VerificationError if forged

Adapters for ASGI, FastAPI, Flask, Django and WSGI live in
``webhook_receiver.adapters`` and are imported only when asked for.
"""

from __future__ import annotations

from . import providers
from ._errors import (
    BodyTooLarge,
    ConfigurationError,
    InvalidCredentials,
    MalformedHeader,
    MissingHeader,
    PayloadError,
    SignatureMismatch,
    TimestampOutsideTolerance,
    UnsupportedMediaType,
    VerificationError,
    WebhookError,
)
from ._headers import Headers, HeadersLike
from ._schemes import Clock, InsecureConfigurationWarning, SecretInput

__version__ = "0.1.0"

__all__ = [
    "BodyTooLarge",
    "Clock",
    "ConfigurationError",
    "Headers",
    "HeadersLike",
    "InsecureConfigurationWarning",
    "InvalidCredentials",
    "MalformedHeader",
    "MissingHeader",
    "PayloadError",
    "SecretInput",
    "SignatureMismatch",
    "TimestampOutsideTolerance",
    "UnsupportedMediaType",
    "VerificationError",
    "WebhookError",
    "__version__",
    "providers",
]
