"""Amazon SNS HTTP(S) subscriptions: RSA signatures inside the body, certificates by URL.

What SNS sends (Amazon SNS Developer Guide, "Parsing message formats", "HTTP/HTTPS
notification JSON format", "... subscription confirmation ...", "... unsubscribe
confirmation ...", "Verifying the signatures of Amazon SNS messages"):

- a ``POST`` whose body is a JSON object, sent by default with ``Content-Type:
  text/plain; charset=UTF-8`` (a delivery policy's ``headerContentType`` may change
  it; ``application/json`` is accepted too);
- ``Type``: ``Notification``, ``SubscriptionConfirmation`` or ``UnsubscribeConfirmation``;
- ``Signature``: base64 of an RSA PKCS #1 v1.5 signature, ``SignatureVersion`` ``"1"``
  (SHA1withRSA, the default of a topic) or ``"2"`` (SHA256withRSA), over the string
  made of ``<Name>\\n<Value>\\n`` for each signed field, in this order:

  - ``Notification``: ``Message``, ``MessageId``, ``Subject`` (only when present),
    ``Timestamp``, ``TopicArn``, ``Type``;
  - ``SubscriptionConfirmation``, ``UnsubscribeConfirmation``: ``Message``,
    ``MessageId``, ``SubscribeURL``, ``Timestamp``, ``Token``, ``TopicArn``, ``Type``
    (the order Amazon's PHP and JavaScript validators use as well);

- ``SigningCertURL``: where the X.509 certificate holding the RSA public key is.

A body that is not a JSON object is a ``PayloadError`` (400), as for every provider;
a missing or unreadable signed field is ``MissingHeader``/``MalformedHeader`` (401)
naming the field (the fields play the part other senders give headers), and only
``SigningCertURL`` is read, not Lambda's ``SigningCertUrl`` spelling (HTTP(S)
deliveries use the former). The ``x-amz-sns-*`` headers repeat some fields unsigned:
they are not read. Neither
are the body's unsigned fields for verification (``UnsubscribeURL``,
``MessageAttributes``, ``SigningCertURL`` itself): events expose them, marked as such.

Decisions where the documentation leaves a choice:

- **Topic.** ``topic_arn=`` (one or a list) is required, and a message from any
  other topic is refused (401) before anything is fetched: any AWS account can
  subscribe a public endpoint to its own topic, and SNS signs that account's
  messages with the same certificates, so a valid signature alone proves only
  that *some* topic sent the message. ``any_topic=True`` turns the check off, with
  an ``InsecureConfigurationWarning``.
- **Certificate URL.** Fetched only when the whole URL matches
  ``https://sns.<region>.amazonaws.com[.cn][:443]/<name>.pem`` (``<region>`` such
  as ``us-east-1``, ``us-gov-west-1``, ``cn-north-1``; ``<name>`` one path segment of
  letters, digits, ``.``, ``_``, ``-``): HTTPS only, no user info, no port but 443,
  no query or fragment, lower-case host. The test is on the URL's text, before any
  parsing, so no URL parser can be talked into another host
  (``sns.us-east-1.amazonaws.com.evil.com``, ``sns.evil.com``, ``user@host`` and
  ``host:8443`` all fail). An off-list URL is refused (401) without any fetch.
- **Certificate checks.** The certificate must be X.509 with an RSA key and within
  its validity period at the time of verification (else 401). Its subject is not
  checked and no chain is built: the certificate is trusted because it came over
  HTTPS (verified against the system CAs) from an Amazon SNS host, as Amazon's own
  SNS message validators (PHP, JavaScript) trust it; the subject names Amazon has
  used do not follow the region (awsdocs/amazon-sns-developer-guide#7), so a subject
  check would be a guess that could refuse genuine messages.
- **Fetching.** Certificates are cached by URL (at most 16, least recently used
  dropped first); ``fetch=`` replaces the default (``urllib``, HTTPS, 5 s timeout,
  64 KiB cap, no redirects); ``certificates={url: pem}`` pins certificates known in
  advance (never fetched). A certificate that cannot be fetched or read is
  ``CertificateUnavailable`` (503), not cached: SNS retries 5xx answers, and the retry
  fetches again. (SNS does not retry 4xx answers.)
- **Timestamp.** ``Timestamp`` (ISO 8601 UTC, signed) is when the message was
  published; SNS retries a delivery with the *same* signed message, for at most
  3,600 s in total (the hard limit on an HTTP/S delivery policy's total retry time,
  "Amazon SNS message delivery retries"). The default tolerance is 3,900 s: that hour
  plus five minutes for clock skew and the first attempt. Older messages are refused
  (401); a timestamp in the future is allowed only 300 s of skew (or the tolerance,
  if smaller), since SNS never signs ahead.
- **Unambiguous signed string.** Only ``Message`` may contain a line break; a line
  break in any other signed field is malformed (401). ``Subject`` cannot contain one
  (the Publish API forbids it), and the others are ids, times, ARNs and URLs. With
  that rule, no signed string can be read as two different sets of fields.
- ``SignatureVersion`` must be one of ``signature_versions`` (default both); set
  ``("2",)`` once the topic's ``SignatureVersion`` attribute is 2 to refuse SHA-1.
- **Subscription confirmation is never automatic.** A ``SubscriptionConfirmation``
  is a verified event like any other (:class:`SnsSubscriptionConfirmation`, with
  ``subscribe_url`` and ``token``); a handler that wants the subscription calls
  :func:`confirm_subscription`, which GETs ``SubscribeURL`` only if it is an Amazon
  SNS ``ConfirmSubscription`` URL.
- ``Message`` is exposed as sent; when it is a JSON object or array (S3, SES,
  CloudWatch and most AWS services publish JSON), :attr:`SnsNotification.data` holds
  it decoded, else ``None``.

Identity: ``Type`` and ``MessageId``, both signed; SNS keeps the ``MessageId`` across
retries, so with an idempotency store a retry (or a replay) is a duplicate. A replay
needs the whole body, within the tolerance.

Testing: there is no shared secret, so :meth:`AwsSns.sign` refuses;
:meth:`AwsSns.sign_request` with an RSA ``private_key`` (PEM) builds a signed message
whose ``SigningCertURL`` the provider trusts (a pinned certificate of that key).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import uuid
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast
from urllib.parse import parse_qs

from .._crypto import CertificateFetch, CertificateStore, RsaDigest, crypto, fetch_https, rsa_private_key
from .._errors import (
    ConfigurationError,
    MalformedHeader,
    MissingHeader,
    PayloadError,
    TimestampOutsideTolerance,
    VerificationError,
)
from .._events import (
    Event,
    JSONObject,
    JSONValue,
    Reader,
    check_depth,
    constructor,
    decode_json,
    rfc3339_seconds,
)
from .._headers import Headers, HeadersLike
from .._schemes import (
    DEFAULT_TOLERANCE,
    Clock,
    InsecureConfigurationWarning,
    Verified,
    check_tolerance_option,
)
from ._base import Provider

__all__ = [
    "DEFAULT_SNS_TOLERANCE",
    "AwsSns",
    "SnsMessage",
    "SnsNotification",
    "SnsSignature",
    "SnsSubscriptionConfirmation",
    "SnsUnsubscribeConfirmation",
    "confirm_subscription",
    "is_certificate_url",
    "is_subscribe_url",
    "string_to_sign",
]

DEFAULT_SNS_TOLERANCE = 3900.0
"""Seconds a message's signed ``Timestamp`` may be old: SNS's longest HTTP/S retry
policy (3,600 s) plus five minutes."""

SIGNED_FIELDS: Mapping[str, tuple[str, ...]] = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": (
        "Message",
        "MessageId",
        "SubscribeURL",
        "Timestamp",
        "Token",
        "TopicArn",
        "Type",
    ),
    "UnsubscribeConfirmation": (
        "Message",
        "MessageId",
        "SubscribeURL",
        "Timestamp",
        "Token",
        "TopicArn",
        "Type",
    ),
}
"""The signed fields of each message type, in signing order (``Subject`` only when present)."""

_OPTIONAL = frozenset({"Subject"})
_DIGESTS: Mapping[str, RsaDigest] = {"1": "sha1", "2": "sha256"}

# Regions as Amazon names them: us-east-1, us-gov-west-1, cn-northwest-1, ap-southeast-7.
_HOST = r"sns\.[a-z]{2,4}(?:-[a-z]+)+-[0-9]{1,2}\.amazonaws\.com(?:\.cn)?(?::443)?"
_CERTIFICATE_URL = re.compile(rf"https://{_HOST}/[A-Za-z0-9][A-Za-z0-9._-]*\.pem")
_SUBSCRIBE_URL = re.compile(rf"https://{_HOST}/\?([A-Za-z0-9._~%:&=+/-]+)")


def is_certificate_url(url: object) -> bool:
    """Whether ``url`` is an Amazon SNS signing certificate URL (the default allowlist).

    The whole text must be ``https://sns.<region>.amazonaws.com[.cn][:443]/<name>.pem``.
    """
    return isinstance(url, str) and _CERTIFICATE_URL.fullmatch(url) is not None


def is_subscribe_url(url: object) -> bool:
    """Whether ``url`` is an Amazon SNS ``ConfirmSubscription`` URL on an SNS host
    (``https://sns.<region>.amazonaws.com/?Action=ConfirmSubscription&...``)."""
    if not isinstance(url, str):
        return False
    matched = _SUBSCRIBE_URL.fullmatch(url)
    return matched is not None and parse_qs(matched.group(1)).get("Action") == ["ConfirmSubscription"]


def _field(message: JSONObject, name: str) -> str:
    """A signed string field that must be present and non-empty."""
    value = message.get(name)
    if value is None or value == "":
        raise MissingHeader(name)
    if not isinstance(value, str):
        raise MalformedHeader(name, "must be a string")
    return value


def string_to_sign(message: JSONObject) -> bytes:
    """The UTF-8 bytes SNS signs for ``message`` (its ``Type`` decides the fields).

    Raises:
        MissingHeader: a signed field is absent or empty.
        MalformedHeader: an unknown ``Type``, a field that is not a string, or a line
            break in a field other than ``Message``.
    """
    kind = _field(message, "Type")
    names = SIGNED_FIELDS.get(kind)
    if names is None:
        raise MalformedHeader("Type", "not an Amazon SNS message type")
    parts: list[str] = []
    for name in names:
        if name in _OPTIONAL and message.get(name) is None:
            continue
        value = _field(message, name)
        if name != "Message" and "\n" in value:
            raise MalformedHeader(name, "contains a line break")
        parts.append(f"{name}\n{value}\n")
    try:
        return "".join(parts).encode("utf-8")
    except UnicodeEncodeError:  # unreachable from decode_json, which refuses lone surrogates
        raise MalformedHeader("Message", "is not encodable as UTF-8") from None


def _envelope(body: bytes) -> JSONObject:
    message = decode_json(body if type(body) is bytes else bytes(body))
    if not isinstance(message, dict):
        raise PayloadError("body is not an Amazon SNS message (a JSON object)")
    return message


class SnsSignature:
    """The Amazon SNS scheme: topic, signature version, certificate URL, timestamp, then RSA.

    Checks run cheapest first, and nothing is fetched until everything that can be
    checked without the certificate has passed.
    """

    reads_any_headers = True
    """``verify`` takes any ``HeadersLike`` (see ``_schemes.BUILTIN_SCHEMES``)."""

    __slots__ = ("_future", "_store", "_tolerance", "_topics", "_versions")

    def __init__(
        self,
        store: CertificateStore,
        topics: frozenset[str] | None,
        *,
        tolerance: float = DEFAULT_SNS_TOLERANCE,
        versions: Sequence[str] = ("1", "2"),
    ) -> None:
        """``topics`` ``None`` accepts every topic (``any_topic=True``)."""
        self._store = store
        self._topics = topics
        self._tolerance = check_tolerance_option(tolerance)
        self._future = min(self._tolerance, DEFAULT_TOLERANCE)
        self._versions = {version: _DIGESTS[version] for version in versions}

    @property
    def store(self) -> CertificateStore:
        """The certificates: allowlist, cache and pinned ones."""
        return self._store

    @property
    def tolerance(self) -> float:
        """Seconds a message's ``Timestamp`` may be old."""
        return self._tolerance

    @property
    def topics(self) -> frozenset[str] | None:
        """The accepted topic ARNs (``None``: any topic)."""
        return self._topics

    def verify(self, headers: HeadersLike, body: bytes, now: float) -> Verified:
        """Raise unless ``body`` is an SNS message from an accepted topic, fresh, and
        signed by the certificate its ``SigningCertURL`` names."""
        message = _envelope(body)
        kind = _field(message, "Type")
        if kind not in SIGNED_FIELDS:
            raise MalformedHeader("Type", "not an Amazon SNS message type")
        topic = _field(message, "TopicArn")
        if self._topics is not None and topic not in self._topics:
            raise VerificationError("the message comes from a topic this receiver does not accept")
        digest = self._versions.get(_field(message, "SignatureVersion"))
        if digest is None:
            raise MalformedHeader("SignatureVersion", f"not one of {', '.join(sorted(self._versions))}")
        try:
            signature = binascii.a2b_base64(_field(message, "Signature"), strict_mode=True)
        except (ValueError, binascii.Error):
            raise MalformedHeader("Signature", "is not valid base64") from None
        url = _field(message, "SigningCertURL")
        if not self._store.allows(url):
            raise MalformedHeader(
                "SigningCertURL", "not an https://sns.<region>.amazonaws.com/<name>.pem URL"
            )
        timestamp = _field(message, "Timestamp")
        signed_at = rfc3339_seconds(timestamp)
        if signed_at is None:
            raise MalformedHeader("Timestamp", "not an ISO 8601 UTC date-time")
        age = now - signed_at
        if age > self._tolerance:
            raise TimestampOutsideTolerance(age, self._tolerance)
        if -age > self._future:
            raise TimestampOutsideTolerance(age, self._future)
        signed = string_to_sign(message)
        self._store.verify(url, signature, signed, digest, now)
        return Verified(timestamp=timestamp, signed_at=signed_at, message_id=_field(message, "MessageId"))

    def sign(self, body: bytes, now: float) -> dict[str, str]:
        """Not possible: SNS carries its signature in the body (see :meth:`AwsSns.sign_request`)."""
        raise ConfigurationError(
            "aws-sns carries its signature inside the body, made with Amazon's RSA key: "
            "use sign_request(body, private_key=<PEM RSA key of a pinned certificate>) in tests"
        )

    def __repr__(self) -> str:
        topics = "any topic" if self._topics is None else f"{len(self._topics)} topic(s)"
        return f"SnsSignature({topics}, {self._store!r}, tolerance={self._tolerance:g})"


@dataclass(frozen=True, slots=True, kw_only=True)
class SnsMessage(Event):
    """An Amazon SNS message; ``type`` is its ``Type``, ``id`` its ``MessageId``, and
    ``timestamp`` its ``Timestamp`` (all signed)."""

    topic_arn: str | None = None
    message: str | None = field(default=None, repr=False)
    """The ``Message`` text, exactly as published."""

    @property
    def message_id(self) -> str | None:
        """The signed ``MessageId`` (the same as ``id``)."""
        return self.id


@dataclass(frozen=True, slots=True, kw_only=True)
class SnsNotification(SnsMessage):
    """A ``Notification``: a message published to the topic.

    ``subject`` is the optional (signed) ``Subject``. ``data`` is ``message`` decoded
    when it is a JSON object or array, else ``None``. ``message_attributes``
    (``{"name": {"Type": "String", "Value": "..."}}``) and ``unsubscribe_url`` are
    **not signed** by SNS: treat them as hints, never as authority (visit
    ``unsubscribe_url`` only after checking it is an SNS URL).
    """

    subject: str | None = None
    data: JSONValue = field(default=None, repr=False)
    message_attributes: JSONObject = field(default_factory=dict, repr=False)
    unsubscribe_url: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class SnsSubscriptionConfirmation(SnsMessage):
    """A ``SubscriptionConfirmation``: the endpoint was subscribed to ``topic_arn``; no
    notification arrives until it is confirmed (:func:`confirm_subscription`, or the
    ``ConfirmSubscription`` API with ``token``). ``subscribe_url`` and ``token`` are signed."""

    subscribe_url: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class SnsUnsubscribeConfirmation(SnsMessage):
    """An ``UnsubscribeConfirmation``: the endpoint was unsubscribed; visiting
    ``subscribe_url`` (or ``ConfirmSubscription`` with ``token``) would restore it."""

    subscribe_url: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)


_new_message = constructor(SnsMessage)
_new_notification = constructor(SnsNotification)
_new_confirmation = constructor(SnsSubscriptionConfirmation)
_new_unsubscribed = constructor(SnsUnsubscribeConfirmation)


def _json_message(text: str | None) -> JSONValue:
    """``text`` decoded when it is a JSON object or array (with the body's own decoder)
    nested no deeper than ``MAX_DEPTH``; else ``None``."""
    if not text or text.lstrip(" \t\r\n")[:1] not in ("{", "["):
        return None
    try:
        value = decode_json(text.encode("utf-8"))
        # Bounded like a stored event, so a worker rebuilding it decodes the same.
        check_depth(value)
    except (PayloadError, UnicodeEncodeError):
        return None
    return value


def confirm_subscription(
    event: SnsSubscriptionConfirmation, *, fetch: CertificateFetch | None = None
) -> bytes:
    """Confirm the subscription ``event`` asks for: GET its ``SubscribeURL``.

    Call it from a handler for :class:`SnsSubscriptionConfirmation` (the receiver
    never does it by itself). The URL is signed, and is fetched only if it is an
    Amazon SNS ``ConfirmSubscription`` URL (:func:`is_subscribe_url`); ``fetch``
    replaces the default HTTPS GET (5 s timeout, no redirects). Returns the response
    body (SNS's ``ConfirmSubscriptionResponse`` XML).

    Raises:
        TypeError: ``event`` is not a subscription confirmation.
        MalformedHeader: ``SubscribeURL`` is not an Amazon SNS URL (nothing is fetched).
        Exception: whatever ``fetch`` raised (from a handler: a 500, and SNS retries).
    """
    if not isinstance(event, SnsSubscriptionConfirmation):
        raise TypeError(
            f"confirm_subscription takes an SnsSubscriptionConfirmation, not {type(event).__name__}"
        )
    url = event.subscribe_url
    if url is None or not is_subscribe_url(url):
        raise MalformedHeader(
            "SubscribeURL", "not an https://sns.<region>.amazonaws.com/?Action=ConfirmSubscription URL"
        )
    return bytes((fetch or fetch_https)(url))


def _topic_set(topic_arn: object) -> frozenset[str]:
    items = [topic_arn] if isinstance(topic_arn, str) else topic_arn
    if not isinstance(items, Sequence) or isinstance(items, bytes | bytearray) or not items:
        raise ConfigurationError("topic_arn must be a topic ARN or a list of them")
    topics: set[str] = set()
    for item in items:
        if (
            not isinstance(item, str)
            or not item.startswith("arn:")
            or ":sns:" not in item
            or any(c.isspace() for c in item)
        ):
            raise ConfigurationError(
                "topic_arn must be topic ARNs such as 'arn:aws:sns:us-east-1:123456789012:name'"
            )
        topics.add(item)
    return frozenset(topics)


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigurationError("an SNS Message is text: the body to sign is not UTF-8") from None


def _sns_time(now: float) -> str:
    moment = datetime.fromtimestamp(now, UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


class AwsSns(Provider):
    """Amazon SNS HTTP(S) subscriptions: RSA-signed messages from the topics you name."""

    name = "aws-sns"
    content_types = ("text/plain", "application/json")

    __slots__ = ()

    def __init__(
        self,
        *,
        topic_arn: str | Sequence[str] | None = None,
        any_topic: bool = False,
        tolerance: float = DEFAULT_SNS_TOLERANCE,
        signature_versions: Sequence[str] = ("1", "2"),
        fetch: CertificateFetch | None = None,
        certificates: Mapping[str, str | bytes] | None = None,
        clock: Clock | None = None,
    ) -> None:
        """Args:
        topic_arn: the ARN of the topic this endpoint is subscribed to, or several;
            messages from any other topic are refused.
        any_topic: accept every topic instead (warns: any AWS account can then
            send verified messages here).
        tolerance: seconds a message's signed ``Timestamp`` may be old (default
            3,900: SNS's longest retry policy plus five minutes).
        signature_versions: the accepted ``SignatureVersion`` values, ``"1"``
            (SHA-1) and/or ``"2"`` (SHA-256).
        fetch: ``url -> PEM bytes`` for certificates (default: HTTPS with a short
            timeout and a size cap); called only for allowlisted URLs.
        certificates: ``{url: PEM}`` certificates known in advance, never fetched
            (air-gapped deployments, tests); each URL must be an SNS certificate URL.

        Needs ``cryptography`` (the ``crypto`` extra).
        """
        crypto()
        if not isinstance(any_topic, bool):
            raise ConfigurationError("any_topic must be True or False")
        if any_topic:
            if topic_arn is not None:
                raise ConfigurationError("give topic_arn or any_topic=True, not both")
            warnings.warn(
                "aws-sns is configured with any_topic=True: messages from EVERY SNS topic are accepted, "
                "and any AWS account can subscribe this endpoint to its own topic",
                InsecureConfigurationWarning,
                stacklevel=2,
            )
            topics = None
        elif topic_arn is None:
            raise ConfigurationError(
                "aws-sns needs topic_arn= (the topic this endpoint is subscribed to): any AWS account "
                "can point its own topic at a public endpoint"
            )
        else:
            topics = _topic_set(topic_arn)
        versions: object = [signature_versions] if isinstance(signature_versions, str) else signature_versions
        if not isinstance(versions, Sequence) or not versions or not all(v in _DIGESTS for v in versions):
            raise ConfigurationError("signature_versions must name '1' and/or '2' (strings)")
        chosen = [str(v) for v in versions]
        store = CertificateStore(is_certificate_url, fetch=fetch, pinned=certificates)
        super().__init__(SnsSignature(store, topics, tolerance=tolerance, versions=chosen), clock=clock)

    def sign_request(
        self, body: bytes, *, now: float | None = None, private_key: str | bytes | None = None
    ) -> tuple[dict[str, str], bytes]:
        """A signed SNS request for tests and tools: the headers and the body.

        ``body`` is either an SNS message (a JSON object with a known ``Type``),
        which is signed as it is with ``Timestamp`` set to ``now``, or anything
        else, which becomes the ``Message`` of a new ``Notification`` to the first
        configured topic. ``private_key`` is the PEM RSA key of a certificate this
        provider trusts; ``SigningCertURL`` is kept from the message, or is the first
        pinned certificate's URL.
        """
        if private_key is None:
            return self.sign(body, now=now), bytes(body)
        key = rsa_private_key(private_key)
        at = self.clock() if now is None else now
        scheme = cast(SnsSignature, self.scheme)
        raw = bytes(body)
        try:
            decoded: JSONValue = decode_json(raw)
        except PayloadError:
            decoded = None
        kind = decoded.get("Type") if isinstance(decoded, dict) else None
        if isinstance(decoded, dict) and isinstance(kind, str) and kind in SIGNED_FIELDS:
            message: dict[str, Any] = dict(decoded)
        else:
            topic = min(scheme.topics) if scheme.topics else "arn:aws:sns:us-east-1:123456789012:example"
            region = topic.split(":")[3] if topic.count(":") >= 5 else "us-east-1"
            message = {
                "Type": "Notification",
                "MessageId": str(uuid.uuid4()),
                "TopicArn": topic,
                "Message": _text(raw),
                "Timestamp": "",
                "SignatureVersion": "1",
                "Signature": "",
                "SigningCertURL": "",
                "UnsubscribeURL": f"https://sns.{region}.amazonaws.com/?Action=Unsubscribe"
                f"&SubscriptionArn={topic}:{uuid.uuid4()}",
            }
        message["Timestamp"] = _sns_time(at)
        version = message.get("SignatureVersion")
        if not isinstance(version, str) or version not in _DIGESTS:
            version = message["SignatureVersion"] = "1"
        if not message.get("SigningCertURL"):
            pinned = scheme.store.pinned_urls
            if not pinned:
                raise ConfigurationError(
                    "sign_request needs a SigningCertURL in the message, or a pinned certificate"
                )
            message["SigningCertURL"] = pinned[0]
        message["Signature"] = ""
        signature = key.sign(string_to_sign(message), _DIGESTS[version])
        message["Signature"] = base64.b64encode(signature).decode("ascii")
        headers = {
            "Content-Type": "text/plain; charset=UTF-8",
            "User-Agent": "Amazon Simple Notification Service Agent",
            "x-amz-sns-message-type": message["Type"],
            "x-amz-sns-message-id": message["MessageId"],
            "x-amz-sns-topic-arn": message["TopicArn"],
        }
        unsubscribe = message.get("UnsubscribeURL")
        if isinstance(unsubscribe, str) and "?" in unsubscribe:
            subscription = parse_qs(unsubscribe.split("?", 1)[1]).get("SubscriptionArn")
            if subscription:
                headers["x-amz-sns-subscription-arn"] = subscription[0]
        return headers, json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

    def events_from(self, payload: JSONValue, headers: Headers) -> list[Event]:
        """One event, typed by the message's ``Type``."""
        body = Reader(payload, "body")
        kind = body.kind("Type")
        common: dict[str, Any] = {
            "provider": self.name,
            "type": kind,
            "id": body.text("MessageId"),
            "timestamp": body.time("Timestamp"),
            "payload": payload,
            "topic_arn": body.text("TopicArn"),
            "message": body.text("Message"),
        }
        if kind == "Notification":
            return [
                _new_notification(
                    **common,
                    subject=body.text("Subject"),
                    data=_json_message(common["message"]),
                    message_attributes=body.mapping("MessageAttributes"),
                    unsubscribe_url=body.text("UnsubscribeURL"),
                )
            ]
        if kind == "SubscriptionConfirmation":
            return [
                _new_confirmation(**common, subscribe_url=body.text("SubscribeURL"), token=body.text("Token"))
            ]
        if kind == "UnsubscribeConfirmation":
            return [
                _new_unsubscribed(**common, subscribe_url=body.text("SubscribeURL"), token=body.text("Token"))
            ]
        return [_new_message(**common)]
