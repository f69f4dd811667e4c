"""The exception tree.

Every failure a request can cause is one of these, so an adapter needs a single
``except WebhookError`` and reads ``status`` and ``code`` off the exception::

    WebhookError                      status  code
    ├── VerificationError             401     verification_failed
    │   ├── MissingHeader             401     missing_header
    │   ├── MalformedHeader           401     malformed_header
    │   ├── SignatureMismatch         401     signature_mismatch
    │   ├── TimestampOutsideTolerance 401     timestamp_outside_tolerance
    │   └── InvalidCredentials        401     invalid_credentials
    ├── PayloadError                  400     invalid_payload
    │   ├── LengthRequired            411     length_required       (no length, no end of input)
    │   ├── BodyTooLarge              413     body_too_large
    │   └── UnsupportedMediaType      415     unsupported_media_type
    ├── MethodNotAllowed              405     method_not_allowed
    ├── EventInProgress               409     in_progress           (a duplicate still being processed)
    ├── StoreUnavailable              503     store_unavailable     (the idempotency store failed)
    ├── ValidatorFailed               503     validator_failed      (the app's token validator raised)
    ├── CertificateUnavailable        503     certificate_unavailable (a certificate fetch failed)
    ├── HandlerError                  500     handler_failed        (the app's handlers raised)
    └── ConfigurationError            500     configuration_error   (also a ValueError)

``code`` is the short public reason an adapter may put in a response body.
``str(exc)`` is the detail for logs. Neither ever contains a secret, a token, an
expected signature or a header value as received: details name the header and the
kind of problem only, so they are safe to log at WARNING.

``HandlerError`` is the only 500 a request can cause: it means the application's own
handlers failed, so the sender should retry.

``ConfigurationError`` is raised when a provider is *created* with a bad setup (an
empty secret, an unknown option); it never comes out of request handling.

:data:`STATUSES` is the one table of every status a webhook request can be answered
with; the guarantees guide's status table (``docs/guides/guarantees.md``), the FastAPI
adapter's OpenAPI responses and the tests are checked against it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from ._event import Event

__all__ = [
    "STATUSES",
    "BodyTooLarge",
    "CertificateUnavailable",
    "ConfigurationError",
    "EventInProgress",
    "HandlerError",
    "HandlerFailure",
    "InvalidCredentials",
    "LengthRequired",
    "MalformedHeader",
    "MethodNotAllowed",
    "MissingHeader",
    "PayloadError",
    "SignatureMismatch",
    "StoreUnavailable",
    "TimestampOutsideTolerance",
    "UnsupportedMediaType",
    "ValidatorFailed",
    "VerificationError",
    "WebhookError",
]

_NO_HEADERS: Mapping[str, str] = MappingProxyType({})

STATUSES: Mapping[int, str] = MappingProxyType(
    {
        200: "verified, and every handler succeeded (or none is registered for the type); "
        "or a duplicate of an event already processed",
        202: "deferred: verified and committed to the inbox (Courier and Slack: 200)",
        400: "the body is not UTF-8 JSON in the provider's shape, or could not be read",
        401: "missing, malformed or mismatched signature or credentials; stale or future timestamp",
        405: "a method the provider does not use (with Allow)",
        409: "a duplicate of an event still being processed (with Retry-After)",
        411: "no Content-Length, and a server that does not mark where the body ends",
        413: "the body is over the size limit",
        415: "a content type the provider does not send",
        500: "a handler raised: the sender retries",
        503: "the idempotency store, the inbox or the token validator failed (with Retry-After); "
        "or a signing certificate (Amazon SNS) could not be fetched",
    }
)
"""Every status a webhook request can be answered with, and when: the one table."""


class WebhookError(Exception):
    """Base of every error this library raises for a request it cannot accept.

    Attributes:
        status: the HTTP status an adapter should answer with.
        code: a short, stable, public reason code (safe in a response body).
        headers: extra response headers the answer needs (``WWW-Authenticate``).
    """

    status: int = 400
    code: str = "webhook_error"

    def __init__(self, detail: str | None = None, *, headers: Mapping[str, str] | None = None) -> None:
        self.detail = detail or self.code.replace("_", " ")
        self.headers: Mapping[str, str] = MappingProxyType(dict(headers)) if headers else _NO_HEADERS
        super().__init__(self.detail)


class VerificationError(WebhookError):
    """The request could not be shown to come from the provider (401)."""

    status = 401
    code = "verification_failed"


class MissingHeader(VerificationError):
    """A header the scheme needs is absent or empty."""

    code = "missing_header"

    def __init__(self, header: str, *, headers: Mapping[str, str] | None = None) -> None:
        self.header = header
        super().__init__(f"missing header {header!r}", headers=headers)


class MalformedHeader(VerificationError):
    """A header is present but cannot be parsed (or is repeated)."""

    code = "malformed_header"

    def __init__(self, header: str, problem: str, *, headers: Mapping[str, str] | None = None) -> None:
        self.header = header
        self.problem = problem
        super().__init__(f"malformed header {header!r}: {problem}", headers=headers)


class SignatureMismatch(VerificationError):
    """No signature in the request matches any configured secret."""

    code = "signature_mismatch"


class TimestampOutsideTolerance(VerificationError):
    """The signed timestamp is too old or too far in the future.

    Attributes:
        age: seconds between the signed timestamp and now; negative when the
            timestamp lies in the future.
        tolerance: the configured tolerance in seconds.
    """

    code = "timestamp_outside_tolerance"

    def __init__(self, age: float, tolerance: float) -> None:
        self.age = age
        self.tolerance = tolerance
        when = f"{age:.0f} s old" if age > 0 else f"{-age:.0f} s in the future"
        super().__init__(f"timestamp is {when}; tolerance is {tolerance:g} s")


class InvalidCredentials(VerificationError):
    """A token, key or username/password pair does not match any configured one."""

    code = "invalid_credentials"


class PayloadError(WebhookError):
    """The body is not something the provider sends (400)."""

    status = 400
    code = "invalid_payload"


class LengthRequired(PayloadError):
    """The body's length is neither declared nor marked by the server (411).

    A WSGI server that does not terminate the input of a request without a
    ``Content-Length`` (a chunked one) leaves nothing to read safely: PEP 3333
    forbids reading past the declared length.
    """

    status = 411
    code = "length_required"


class BodyTooLarge(PayloadError):
    """The body is over the configured size limit (413)."""

    status = 413
    code = "body_too_large"


class UnsupportedMediaType(PayloadError):
    """The request's content type is not one the provider sends (415)."""

    status = 415
    code = "unsupported_media_type"


class ValidatorFailed(WebhookError):
    """The application's token validator raised (503: the sender should retry).

    A token service that is down is not a forged request; ``__cause__`` is what the
    validator raised.
    """

    status = 503
    code = "validator_failed"


class CertificateUnavailable(WebhookError):
    """A signing certificate could not be fetched or read (503: the sender should retry).

    Amazon SNS names the certificate that verifies a message by URL; when that
    (allowlisted) URL cannot be fetched, or does not serve a certificate, the message
    is neither authentic nor forged yet: a server-side failure, so the sender's
    retry can succeed once the certificate is reachable. ``__cause__`` is what the
    fetch raised, if anything.
    """

    status = 503
    code = "certificate_unavailable"


class EventInProgress(WebhookError):
    """A duplicate of an event another request is still processing (409, with ``Retry-After``).

    Never answered 200: the first delivery may still fail, and then this one is the
    retry that must run.
    """

    status = 409
    code = "in_progress"

    def __init__(self, retry_after: float) -> None:
        self.retry_after = max(1, int(retry_after + 0.999))
        super().__init__(
            f"a duplicate is still being processed; retry in {self.retry_after} s",
            headers={"Retry-After": str(self.retry_after)},
        )


class StoreUnavailable(WebhookError):
    """The idempotency store failed (503, with ``Retry-After``): nothing was recorded as done."""

    status = 503
    code = "store_unavailable"

    def __init__(self, detail: str, retry_after: int = 5) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)})


class MethodNotAllowed(WebhookError):
    """The request's method is not one the provider uses (405, with ``Allow``)."""

    status = 405
    code = "method_not_allowed"

    def __init__(self, method: str, allowed: Sequence[str]) -> None:
        self.method = method
        self.allowed = tuple(allowed)
        super().__init__(f"method {method[:16]!r} is not allowed", headers={"Allow": ", ".join(self.allowed)})


@dataclass(frozen=True, slots=True)
class HandlerFailure:
    """One handler that raised while handling one event."""

    event: Event
    handler: str
    exception: Exception


class HandlerError(WebhookError):
    """One or more handlers raised (500, so the sender retries).

    Every matching handler still ran; ``failures`` lists each one that raised, in
    order, and ``__cause__`` is an ``ExceptionGroup`` of their exceptions so the
    tracebacks survive.
    """

    status = 500
    code = "handler_failed"

    def __init__(self, failures: Sequence[HandlerFailure]) -> None:
        self.failures = tuple(failures)
        names = ", ".join(f"{f.handler} ({type(f.exception).__name__})" for f in self.failures)
        super().__init__(f"{len(self.failures)} handler call(s) failed: {names}")
        self.__cause__ = ExceptionGroup("handler failures", [f.exception for f in self.failures])


class ConfigurationError(WebhookError, ValueError):
    """A provider or receiver was set up wrongly; raised at creation, never per request."""

    status = 500
    code = "configuration_error"
