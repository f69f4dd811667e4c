"""Metrics and traces through OpenTelemetry: ``pip install 'webhook-receiver[otel]'``.

With ``opentelemetry-api`` installed, receivers, adapters and workers record through
OpenTelemetry's global providers once the application configures an SDK
(``opentelemetry-sdk`` and an exporter; an SDK set after the first requests is found
within a second). Until then the hooks skip recording. Without ``opentelemetry``
nothing is imported and nothing is recorded. :func:`instrument` hands the library providers of its
own (tests, a second pipeline); :func:`uninstrument` stops recording.

The metric names, span names, attribute keys and outcomes below are public: see
``webhook_receiver._telemetry``'s docstring (and the guide "Metrics and traces",
``docs/guides/telemetry.md``) for what each one measures.
"""

from __future__ import annotations

from ._telemetry import (
    ACCEPTED,
    ATTEMPT,
    DUPLICATE,
    DUPLICATES,
    ERROR_TYPE,
    EVENT_SPAN,
    EVENT_TYPE,
    FAILED,
    HANDLER_DURATION,
    HANDSHAKE,
    INBOX_DEAD_LETTERS,
    INBOX_DEPTH,
    INBOX_LOCATION,
    INBOX_OLDEST_PENDING_AGE,
    INBOX_RETRIES,
    INBOX_STATE,
    METRIC_NAMES,
    NAME,
    NAMESPACE,
    OUTCOME,
    OUTCOMES,
    PARSING_DURATION,
    PROVIDER,
    REASON,
    REJECTED,
    REQUEST_SPAN,
    REQUESTS,
    STATUS_CODE,
    VERIFICATION_DURATION,
    enabled,
    instrument,
    uninstrument,
)

__all__ = [
    "ACCEPTED",
    "ATTEMPT",
    "DUPLICATE",
    "DUPLICATES",
    "ERROR_TYPE",
    "EVENT_SPAN",
    "EVENT_TYPE",
    "FAILED",
    "HANDLER_DURATION",
    "HANDSHAKE",
    "INBOX_DEAD_LETTERS",
    "INBOX_DEPTH",
    "INBOX_LOCATION",
    "INBOX_OLDEST_PENDING_AGE",
    "INBOX_RETRIES",
    "INBOX_STATE",
    "METRIC_NAMES",
    "NAME",
    "NAMESPACE",
    "OUTCOME",
    "OUTCOMES",
    "PARSING_DURATION",
    "PROVIDER",
    "REASON",
    "REJECTED",
    "REQUESTS",
    "REQUEST_SPAN",
    "STATUS_CODE",
    "VERIFICATION_DURATION",
    "enabled",
    "instrument",
    "uninstrument",
]
