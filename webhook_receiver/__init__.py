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
"""

from __future__ import annotations

import logging

from . import providers
from ._errors import (
    BodyTooLarge,
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
from ._headers import Headers, HeadersLike
from ._inbox import Delivery, Inbox, InboxEntry, InboxRecord, InboxState, RetryPolicy, SQLiteInbox
from ._optional import MissingDependency
from ._receiver import DEFAULT_LEASE, DEFAULT_MAX_BODY_SIZE, DEFAULT_TTL, LimitedBody, Receiver, Reply
from ._routing import Router
from ._schemes import Clock, InsecureConfigurationWarning, SecretInput, Verified
from ._sqlite import DatabaseMoved
from ._stores import Claim, ClaimStatus, IdempotencyStore, MemoryStore, SQLiteStore
from ._worker import Worker

__version__ = "0.1.0"

# Rejections are logged at WARNING to "webhook_receiver"; the application decides
# where they go (the logging HOWTO's advice for libraries).
logging.getLogger("webhook_receiver").addHandler(logging.NullHandler())

__all__ = [
    "CUSTOM",
    "DEFAULT_LEASE",
    "DEFAULT_MAX_BODY_SIZE",
    "DEFAULT_TTL",
    "BodyTooLarge",
    "Claim",
    "ClaimStatus",
    "Clock",
    "ConfigurationError",
    "DatabaseMoved",
    "Delivery",
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
