"""Receive webhooks safely: verify, parse and dispatch, in any framework.

The core is framework-free and uses only the standard library::

    from webhook_receiver import Receiver, providers
    from webhook_receiver.providers import courier

    receiver = Receiver(providers.create("courier", secret="..."))

    @receiver.on(courier.MessageUpdated)
    def delivered(event: courier.MessageUpdated) -> None:
        print(event.message.id, event.message.status)

    reply = receiver.handle("POST", request_headers, raw_body)  # -> Reply(status, headers, body)

Adapters for ASGI, FastAPI, Flask, Django and WSGI live in
``webhook_receiver.adapters`` and are imported only when asked for.

Importing the package (or ``webhook_receiver.providers``) loads the exceptions, the
events, the header view, the verification schemes and the providers. The receiver
(which needs ``asyncio``) and everything that delivers events (``sqlite3``, the
worker's threads: :mod:`webhook_receiver.delivery`) load on first use of one of
their names here.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING

from . import providers
from ._errors import (
    BodyTooLarge,
    CertificateUnavailable,
    ConfigurationError,
    EventInProgress,
    HandlerError,
    HandlerFailure,
    InvalidCredentials,
    LengthRequired,
    MalformedHeader,
    MethodNotAllowed,
    MissingHeader,
    PayloadError,
    SignatureMismatch,
    StoreUnavailable,
    TimestampOutsideTolerance,
    UnsupportedMediaType,
    ValidatorFailed,
    VerificationError,
    WebhookError,
)
from ._events import CUSTOM, Event, JSONObject, JSONValue, OpenEnum
from ._handoff import Claim, ClaimStatus, IdempotencyStore, Inbox, InboxEntry
from ._headers import Headers, HeadersLike
from ._optional import MissingDependency
from ._schemes import Clock, InsecureConfigurationWarning, Secret, SecretInput, Verified
from .providers._base import Answer

if TYPE_CHECKING:
    from ._receiver import DEFAULT_LEASE, DEFAULT_MAX_BODY_SIZE, DEFAULT_TTL, LimitedBody, Receiver, Reply
    from ._routing import Router
    from .delivery import (
        DatabaseMoved,
        Delivery,
        DurableInbox,
        InboxRecord,
        InboxState,
        MemoryStore,
        RetryPolicy,
        SQLiteInbox,
        SQLiteStore,
        Worker,
    )

# The names loaded on first use, and the module each comes from (PEP 562).
_LAZY = {
    **dict.fromkeys(
        ("DEFAULT_LEASE", "DEFAULT_MAX_BODY_SIZE", "DEFAULT_TTL", "LimitedBody", "Receiver", "Reply"),
        "._receiver",
    ),
    "Router": "._routing",
    **dict.fromkeys(
        (
            "DatabaseMoved",
            "Delivery",
            "DurableInbox",
            "InboxRecord",
            "InboxState",
            "MemoryStore",
            "RetryPolicy",
            "SQLiteInbox",
            "SQLiteStore",
            "Worker",
        ),
        ".delivery",
    ),
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # the next lookup is a plain one
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__version__ = "0.1.0"

# Rejections are logged at WARNING to "webhook_receiver"; the application decides
# where they go (the logging HOWTO's advice for libraries).
logging.getLogger("webhook_receiver").addHandler(logging.NullHandler())

__all__ = [
    "CUSTOM",
    "DEFAULT_LEASE",
    "DEFAULT_MAX_BODY_SIZE",
    "DEFAULT_TTL",
    "Answer",
    "BodyTooLarge",
    "CertificateUnavailable",
    "Claim",
    "ClaimStatus",
    "Clock",
    "ConfigurationError",
    "DatabaseMoved",
    "Delivery",
    "DurableInbox",
    "Event",
    "EventInProgress",
    "HandlerError",
    "HandlerFailure",
    "Headers",
    "HeadersLike",
    "IdempotencyStore",
    "Inbox",
    "InboxEntry",
    "InboxRecord",
    "InboxState",
    "InsecureConfigurationWarning",
    "InvalidCredentials",
    "JSONObject",
    "JSONValue",
    "LengthRequired",
    "LimitedBody",
    "MalformedHeader",
    "MemoryStore",
    "MethodNotAllowed",
    "MissingDependency",
    "MissingHeader",
    "OpenEnum",
    "PayloadError",
    "Receiver",
    "Reply",
    "RetryPolicy",
    "Router",
    "SQLiteInbox",
    "SQLiteStore",
    "Secret",
    "SecretInput",
    "SignatureMismatch",
    "StoreUnavailable",
    "TimestampOutsideTolerance",
    "UnsupportedMediaType",
    "ValidatorFailed",
    "VerificationError",
    "Verified",
    "WebhookError",
    "Worker",
    "__version__",
    "providers",
]
