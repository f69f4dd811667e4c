"""Verification schemes: HMAC signatures, bearer tokens, basic credentials.

A scheme checks one request against configured secrets and either returns or raises
a :class:`~webhook_receiver.VerificationError`. Providers are thin presets over these
few schemes, so every provider goes through the same steps in the same order:

1. read and parse the headers the scheme needs (``MissingHeader``/``MalformedHeader``),
   trimming only HTTP's optional whitespace (``_headers.ows``): the value checked is
   the value that identifies the event;
2. check the signed timestamp against the clock, old *and* future
   (``TimestampOutsideTolerance``); this is cheap, so it runs before any hashing;
3. compute the MAC over the raw body bytes (never a decoded/re-encoded string), once
   per configured secret, and compare it with every signature in the request using
   :func:`hmac.compare_digest` (``SignatureMismatch``).

Then ``verify`` returns a :class:`Verified`: what the signature covered besides the
body (the signed timestamp, Standard Webhooks' message id), exactly as it was
checked, so the parser and the event's identity use those values and never read a
signature header a second time.

Secrets live only inside these objects; their reprs show counts, never values.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import math
import string
import time
import uuid
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import UTC, datetime
from typing import Literal, Protocol, TypeAlias

from . import _accel
from ._errors import (
    ConfigurationError,
    InvalidCredentials,
    MalformedHeader,
    SignatureMismatch,
    TimestampOutsideTolerance,
    ValidatorFailed,
)
from ._events import MAX_TIMESTAMP_DIGITS, MILLISECONDS_FROM, JSONValue, rfc3339_seconds
from ._headers import OWS, Headers, HeadersLike, Pairs, find_each, header_pairs, require, required
from ._records import constructor

__all__ = [
    "BasicAuth",
    "BearerToken",
    "Clock",
    "DecodedVerified",
    "Digest",
    "Encoding",
    "HmacScheme",
    "HmacSignature",
    "InsecureConfigurationWarning",
    "KeyedListSignature",
    "Keyring",
    "Scheme",
    "Secret",
    "SecretInput",
    "Secrets",
    "SharedKey",
    "StandardWebhooksSignature",
    "TimestampUnit",
    "TokenValidator",
    "Unverified",
    "Verified",
    "compiled_checker",
    "system_clock",
]

HashState: TypeAlias = "hashlib._Hash"

Clock: TypeAlias = Callable[[], float]
"""A function returning the current time as unix seconds."""

SecretInput: TypeAlias = "str | bytes | Secret | Sequence[str | bytes | Secret]"
"""One secret, or several (rotation: any of them may match); :class:`Secret` adds an expiry."""

Digest: TypeAlias = Literal["sha1", "sha256", "sha512"]
Encoding: TypeAlias = Literal["hex", "base64"]
TimestampUnit: TypeAlias = Literal["s", "ms", "auto", "rfc3339"]
"""How a signed timestamp is written: unix seconds, milliseconds, either (told apart by
size), or an RFC 3339 date-time with its offset (Twitch, Zendesk)."""

DEFAULT_TOLERANCE = 300.0
# A request carrying more signatures than this is not a key rotation but an attempt
# to make us run thousands of comparisons.
MAX_SIGNATURES = 64
_IPAD = bytes(x ^ 0x36 for x in range(256))
_OPAD = bytes(x ^ 0x5C for x in range(256))


@dataclass(frozen=True, slots=True, eq=False)
class Verified:
    """What a scheme authenticated besides the raw body.

    Two are equal when these three attributes are, whatever else a subclass
    (:class:`DecodedVerified`) carries.

    Attributes:
        timestamp: the signed timestamp exactly as it was signed (ASCII digits, or
            RFC 3339 text for Twitch and Zendesk), or ``None`` when the scheme signs none.
        signed_at: the same time in unix seconds, its unit (seconds or
            milliseconds) resolved, or ``None``.
        message_id: a signed message id (Standard Webhooks' ``webhook-id``) exactly
            as it was signed, or ``None``.
    """

    timestamp: str | None = None
    signed_at: float | None = None
    message_id: str | None = None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Verified):
            return NotImplemented
        return (self.timestamp, self.signed_at, self.message_id) == (
            other.timestamp,
            other.signed_at,
            other.message_id,
        )

    def __hash__(self) -> int:
        return hash((self.timestamp, self.signed_at, self.message_id))


NOTHING_SIGNED = Verified()
"""What schemes that sign only the body (or nothing: tokens, credentials) return."""


@dataclass(frozen=True, slots=True, eq=False)
class DecodedVerified(Verified):
    """What a scheme verified, from a scheme that had to decode the body to verify it
    (Linear signs its timestamp inside the body): the body's JSON too, so the request
    is decoded once.

    ``Provider.parse_verified`` takes ``payload`` for the very ``body`` object it was
    decoded from, when the provider reads its bodies as plain JSON; any other body is
    decoded again. Neither is compared or shown.

    Attributes:
        payload: ``decode_json(body)``, as verification decoded it.
        body: the bytes it was decoded from.
    """

    payload: JSONValue = dataclass_field(default=None, repr=False, compare=False)
    body: bytes = dataclass_field(default=b"", repr=False, compare=False)


# The same instance as Verified(...), faster (see _records.constructor): one per request.
_verified = constructor(Verified)


def signed_time(timestamp: str, where: str, tolerance: float, now: float) -> float:
    """A signed timestamp in unix seconds (ASCII digits only), checked against ``now``.

    The rule :meth:`HmacScheme.check` applies, for the schemes that check a timestamp
    of their own before a costlier step (public-key schemes, Mailgun's block).

    Raises:
        MalformedHeader: ``timestamp`` is not a whole number of seconds (``where``
            names the header or the body field it came from).
        TimestampOutsideTolerance: it is more than ``tolerance`` seconds old or ahead.
    """
    digits = timestamp.isascii() and timestamp.isdigit()
    if not digits or len(timestamp) > MAX_TIMESTAMP_DIGITS:
        raise MalformedHeader(where, "timestamp is not a whole number of seconds")
    signed_at = float(int(timestamp))
    age = now - signed_at
    if not -tolerance <= age <= tolerance:
        raise TimestampOutsideTolerance(age, tolerance)
    return signed_at


class InsecureConfigurationWarning(UserWarning):
    """Emitted when a provider is created with verification explicitly switched off."""


def system_clock() -> float:
    """The default clock: ``time.time()``, looked up at each call so freezegun applies."""
    return time.time()


class Secret:
    """A secret, token, key or password that verifies only until ``expires_at``.

    For a rotation with a grace period: give the new value plainly and the old one
    wrapped, and requests signed with the old one stop verifying at the time given,
    with nothing to redeploy::

        Stripe(secret=["whsec_new", Secret("whsec_old", expires_at=datetime(2026, 12, 1, tzinfo=UTC))])

    Accepted wherever a provider takes ``secret=``, ``token=``, ``key=``,
    ``password=``, ``public_key=`` or ``verify_token=``, alone or in a list beside
    plain values. Its repr never shows the value.
    """

    __slots__ = ("_until", "_value", "expires_at")

    def __init__(self, value: str | bytes, *, expires_at: datetime | float) -> None:
        if isinstance(expires_at, datetime):
            if expires_at.tzinfo is None:
                raise ConfigurationError("expires_at must be a timezone-aware datetime (or unix seconds)")
            until = expires_at.timestamp()
        elif isinstance(expires_at, int | float) and not isinstance(expires_at, bool):
            until = float(expires_at)
        else:
            raise ConfigurationError("expires_at must be a timezone-aware datetime or unix seconds")
        if not math.isfinite(until):
            raise ConfigurationError("expires_at must be a finite time")
        self._value = value
        self._until = until
        self.expires_at = expires_at
        """When this value stops verifying, as given."""

    @property
    def value(self) -> str | bytes:
        """The secret itself."""
        return self._value

    @property
    def until(self) -> float:
        """:attr:`expires_at` in unix seconds: the value verifies while ``now <= until``."""
        return self._until

    def __repr__(self) -> str:
        return f"Secret(<hidden>, expires_at={self.expires_at!r})"


class Secrets(tuple[bytes, ...]):
    """Configured secrets as bytes, with the time each stops verifying (``expires``).

    A tuple, so everything that took the plain tuple still does; ``expires`` is
    ``None`` when no value expires (the usual case: nothing to check per request).
    """

    expires: tuple[float, ...] | None

    def __new__(cls, values: Sequence[bytes], expires: Sequence[float] | None = None) -> Secrets:
        made = super().__new__(cls, values)
        made.expires = tuple(expires) if expires is not None and any(map(math.isfinite, expires)) else None
        return made

    def live(self, now: float) -> tuple[bytes, ...]:
        """The values that still verify at ``now``."""
        expires = self.expires
        if expires is None:
            return self
        return tuple(value for value, until in zip(self, expires, strict=True) if now <= until)


def expiry_of(value: object) -> float:
    """When a configured value stops verifying: its :class:`Secret`'s time, else never (``inf``)."""
    return value.until if isinstance(value, Secret) else math.inf


def unwrap_secret(value: object) -> object:
    """The value inside a :class:`Secret`; anything else as it is."""
    return value.value if isinstance(value, Secret) else value


def secret_items(value: object, option: str) -> list[object]:
    """One configured value or a list of them, as a list (``None`` and empty lists refused)."""
    if value is None:
        raise ConfigurationError(f"{option} is required")
    if isinstance(value, str | bytes | bytearray | memoryview | Secret):
        return [value]
    if not isinstance(value, Sequence):
        raise ConfigurationError(f"{option} must be str, bytes, a Secret or a list of them")
    items = list(value)
    if not items:
        raise ConfigurationError(f"{option} must name at least one value")
    return items


def map_secrets(value: object, option: str, decode: Callable[[object], bytes]) -> Secrets:
    """One configured value or several, each turned into key bytes by ``decode`` (which
    receives what is inside a :class:`Secret`), with their expiry times kept."""
    items = secret_items(value, option)
    return Secrets([decode(unwrap_secret(item)) for item in items], [expiry_of(item) for item in items])


def encode_secret(value: object, option: str) -> bytes:
    """One configured secret as bytes (``str`` is UTF-8 encoded); empty is an error."""
    value = unwrap_secret(value)
    if isinstance(value, str):
        encoded = value.encode("utf-8")
    elif isinstance(value, bytes | bytearray | memoryview):
        encoded = bytes(value)
    else:
        raise ConfigurationError(f"{option} must be str or bytes, not {type(value).__name__}")
    if not encoded.strip():
        raise ConfigurationError(f"{option} must not be empty")
    return encoded


def encode_secrets(value: object, option: str) -> Secrets:
    """One secret or a sequence of them (rotation) as bytes, with their expiry times."""
    return map_secrets(value, option, lambda item: encode_secret(item, option))


def check_tolerance_option(seconds: float, option: str = "tolerance") -> float:
    """Validate a duration option (``tolerance``, ``lease``, ``ttl``): positive, finite seconds."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise ConfigurationError(f"{option} must be a number of seconds")
    if not math.isfinite(seconds) or seconds <= 0:
        raise ConfigurationError(f"{option} must be a positive, finite number of seconds")
    return float(seconds)


def wire_bytes(text: str) -> bytes:
    """The bytes a header value had on the wire (see ``Headers``: latin-1 decoded)."""
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        # Only reachable when the caller built the headers from Python strings.
        return text.encode("utf-8", "surrogatepass")


_OWN_HMAC_DIGESTS = frozenset({"sha256"})
"""The digests the compiled extension computes HMAC for itself (``_speedups.Sha256Key``)."""


class Keyring:
    """The secrets for one HMAC digest, as precomputed hash states.

    HMAC (RFC 2104) is H((K ^ opad) || H((K ^ ipad) || message)). The two padded-key
    hash states depend only on the secret, so they are computed once here and copied
    per request: that saves the key schedule ``hmac.new``/``hmac.digest`` redo on every
    call, and the message is fed in pieces (prefix, body, suffix), so the body is never
    copied to build the signed bytes. The known-answer tests check the result against
    the ``hmac`` module.
    """

    __slots__ = ("_compiled_pads", "_digest", "_expires", "_pads")

    def __init__(self, keys: tuple[bytes, ...], digest: Digest) -> None:
        if digest not in ("sha1", "sha256", "sha512"):
            raise ConfigurationError("digest must be 'sha1', 'sha256' or 'sha512'")
        if not keys:
            raise ConfigurationError("at least one secret is required")
        self._digest: Digest = digest
        blocks = [self._key_block(key, digest) for key in keys]
        self._pads = tuple(self._padded(block, digest) for block in blocks)
        # The compiled path's own HMAC-SHA256 (_speedups.Sha256Key: the two midstates,
        # no hashlib state copied per request), where the extension is built and the
        # CPU has the SHA extensions.
        compiled = _accel.compiled
        make_key = compiled.Sha256Key if compiled is not None and compiled.sha256_available() else None
        self._compiled_pads: tuple[object, ...] = (
            tuple(make_key(block) for block in blocks)
            if make_key is not None and digest in _OWN_HMAC_DIGESTS
            else self._pads
        )
        self._expires: tuple[float, ...] | None = getattr(keys, "expires", None)

    @staticmethod
    def _key_block(key: bytes, digest: str) -> bytes:
        """The key as RFC 2104 pads it: hashed if longer than a block, then zero-filled to one."""
        block = hashlib.new(digest).block_size
        if len(key) > block:
            key = hashlib.new(digest, key).digest()
        return key.ljust(block, b"\0")

    @staticmethod
    def _padded(block: bytes, digest: str) -> tuple[HashState, HashState]:
        inner = hashlib.new(digest, block.translate(_IPAD))
        outer = hashlib.new(digest, block.translate(_OPAD))
        return inner, outer

    @property
    def digest(self) -> Digest:
        """The hash function's name."""
        return self._digest

    @property
    def pads(self) -> tuple[tuple[HashState, HashState], ...]:
        """The padded-key (inner, outer) hash states, one pair per secret; copy before use."""
        return self._pads

    @property
    def compiled_pads(self) -> tuple[object, ...]:
        """What the compiled verifier hashes with, one per secret: a ``_speedups.Sha256Key``
        for SHA-256 where the extension is built and the CPU has the SHA extensions, else
        the :attr:`pads`."""
        return self._compiled_pads

    @property
    def expires(self) -> tuple[float, ...] | None:
        """When each secret stops verifying (unix seconds, ``inf`` for never), or ``None``
        when none expires."""
        return self._expires

    def live_pads(self, now: float) -> tuple[tuple[HashState, HashState], ...]:
        """The padded-key states of the secrets that still verify at ``now``."""
        expires = self._expires
        if expires is None:
            return self._pads
        return tuple(pad for pad, until in zip(self._pads, expires, strict=True) if now <= until)

    def __len__(self) -> int:
        return len(self._pads)

    def mac(self, key_index: int, prefix: bytes, body: bytes, suffix: bytes = b"") -> bytes:
        """HMAC of ``prefix + body + suffix`` under the ``key_index``-th secret."""
        inner_pad, outer_pad = self._pads[key_index]
        inner = inner_pad.copy()
        if prefix:
            inner.update(prefix)
        inner.update(body)
        if suffix:
            inner.update(suffix)
        outer = outer_pad.copy()
        outer.update(inner.digest())
        return outer.digest()

    def __repr__(self) -> str:
        return f"Keyring({len(self._pads)} secret(s), {self._digest})"


class Scheme(Protocol):
    """Something that checks one request; providers delegate ``verify`` to one of these."""

    def verify(self, headers: Headers, body: bytes, now: float) -> Verified | None:
        """Return what was verified besides the body if the request is authentic, else
        raise a ``VerificationError``. ``None`` means the same as :data:`NOTHING_SIGNED`."""

    def sign(self, body: bytes, now: float) -> dict[str, str]:
        """The headers the sender would attach to ``body`` at time ``now``, with the first secret."""


class Unverified:
    """Accepts every request. Only reachable through an explicit ``auth="none"``."""

    __slots__ = ()

    def __init__(self, owner: str) -> None:
        warnings.warn(
            f"{owner} is configured with auth='none': requests are NOT authenticated and anyone "
            "who can reach the endpoint can send events",
            InsecureConfigurationWarning,
            stacklevel=4,
        )

    def verify(self, headers: HeadersLike, body: bytes, now: float) -> Verified:
        """Accept the request."""
        return NOTHING_SIGNED

    def sign(self, body: bytes, now: float) -> dict[str, str]:
        """No headers: nothing is checked."""
        return {}

    def __repr__(self) -> str:
        return "Unverified()"


class HmacScheme:
    """Shared flow of every HMAC scheme: read headers, check timestamp, compare MACs.

    Subclasses read their headers in :meth:`verify` and hand what they read to
    :meth:`check`. ``verify`` takes any :data:`~webhook_receiver.HeadersLike`, not only
    :class:`~webhook_receiver.Headers`: providers pass the request's headers as they
    come, since wrapping them costs as much as parsing the signature header.
    """

    __slots__ = ("_expiring", "_keyring", "_pads", "_seconds_below", "_tolerance", "_unit")

    def __init__(
        self,
        keyring: Keyring,
        *,
        tolerance: float = DEFAULT_TOLERANCE,
        timestamp_unit: TimestampUnit = "s",
    ) -> None:
        self._keyring = keyring
        self._pads = keyring.pads
        self._expiring = keyring.expires is not None
        self._tolerance = check_tolerance_option(tolerance)
        if timestamp_unit not in ("s", "ms", "auto", "rfc3339"):
            raise ConfigurationError("timestamp_unit must be 's', 'ms', 'auto' or 'rfc3339'")
        self._unit: TimestampUnit = timestamp_unit
        # The unit as one comparison: signed timestamps below this are seconds, others
        # milliseconds ("auto" tells them apart by size).
        # (-1 for RFC 3339, which is not digits at all.)
        self._seconds_below: float = {"s": math.inf, "ms": 0, "auto": MILLISECONDS_FROM, "rfc3339": -1}[
            timestamp_unit
        ]

    @property
    def keyring(self) -> Keyring:
        """The configured secrets."""
        return self._keyring

    @property
    def tolerance(self) -> float:
        """Seconds a signed timestamp may differ from now, either way."""
        return self._tolerance

    def verify(self, headers: HeadersLike, body: bytes, now: float) -> Verified:
        """Raise unless a signature in ``headers`` is the MAC of ``body`` under a secret."""
        raise NotImplementedError

    def check(
        self,
        timestamp: str | None,
        timestamp_header: str,
        prefix: bytes,
        body: bytes,
        suffix: bytes,
        candidates: list[bytes],
        now: float,
    ) -> float:
        """Steps 2 and 3 for what :meth:`verify` read off the headers.

        ``timestamp`` is the signed timestamp as sent (``None`` if the scheme has
        none), ``prefix`` and ``suffix`` the bytes signed before and after the body,
        ``candidates`` the received signatures. Returns the signed time in unix
        seconds (``nan`` when ``timestamp`` is ``None``).
        """
        # One function with no calls of its own: at 1 KiB, every Python-level call on
        # this path costs 2-3% of the whole verification.
        signed_at = math.nan
        if timestamp is not None:
            # Only plain ASCII digits are a timestamp: signs, fractions, exponents and
            # spaces are malformed, because no provider sends them and int() would
            # accept some. Rejected when too old *or* too far in the future.
            below = self._seconds_below
            if below < 0:
                parsed = rfc3339_seconds(timestamp)
                if parsed is None:
                    raise MalformedHeader(timestamp_header, "timestamp is not an RFC 3339 date-time")
                signed_at = parsed
            elif len(timestamp) > MAX_TIMESTAMP_DIGITS or not (timestamp.isascii() and timestamp.isdigit()):
                raise MalformedHeader(timestamp_header, "timestamp is not a whole number of (milli)seconds")
            else:
                value = int(timestamp)
                signed_at = float(value) if value < below else value / 1000
            age = now - signed_at
            tolerance = self._tolerance
            if not -tolerance <= age <= tolerance:
                raise TimestampOutsideTolerance(age, tolerance)
        # Keyring.mac() for each secret, compared in constant time with every signature.
        pads = self._keyring.live_pads(now) if self._expiring else self._pads
        for inner_pad, outer_pad in pads:
            inner = inner_pad.copy()
            if prefix:
                inner.update(prefix)
            inner.update(body)
            if suffix:
                inner.update(suffix)
            outer = outer_pad.copy()
            outer.update(inner.digest())
            expected = outer.digest()
            for candidate in candidates:
                if hmac.compare_digest(expected, candidate):
                    return signed_at
        raise SignatureMismatch(
            f"none of {len(candidates)} signature(s) matches any of {len(self._keyring)} secret(s)"
        )

    def sign(self, body: bytes, now: float) -> dict[str, str]:
        """The headers the sender would attach to ``body`` at time ``now``."""
        raise NotImplementedError

    def compiled_options(self) -> dict[str, object] | None:
        """What ``_speedups.Verifier`` needs to serve this scheme, or ``None`` when it
        cannot (see :func:`compiled_checker`)."""
        return None

    def _common_options(self) -> dict[str, object]:
        return _verifier_options(
            self.verify,
            self._keyring.compiled_pads,
            self._keyring.expires,
            digest_size=self._pads[0][0].digest_size,
            tolerance=float(self._tolerance),
            seconds_below=float(self._seconds_below),
        )

    def timestamp_text(self, now: float) -> str:
        """``now`` written the way this scheme's sender writes timestamps."""
        if self._unit == "rfc3339":
            return datetime.fromtimestamp(now, UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
        return str(int(now * 1000)) if self._unit in ("ms", "auto") else str(int(now))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._keyring!r}, tolerance={self._tolerance:g})"


# The kinds of _speedups.Verifier (its KIND_* constants).
_KIND_KEYED, _KIND_SINGLE, _KIND_STANDARD, _KIND_TOKEN = 1, 2, 3, 4

_TEMPLATE_FIELDS = frozenset({"timestamp"})


def _split_template(
    template: str, has_timestamp: bool, extra: frozenset[str] = frozenset()
) -> tuple[str, str]:
    """Split a signed-payload template such as ``"v0:{timestamp}:{body}"`` around ``{body}``."""
    if template.count("{body}") != 1:
        raise ConfigurationError("payload template must contain {body} exactly once")
    before, after = template.split("{body}")
    allowed = (_TEMPLATE_FIELDS if has_timestamp else frozenset()) | extra
    for part in (before, after):
        try:
            fields = {field for _, field, _, _ in string.Formatter().parse(part) if field is not None}
        except ValueError as exc:
            raise ConfigurationError(f"payload template is not a valid format string: {exc}") from None
        unknown = fields - allowed
        if unknown:
            raise ConfigurationError(
                f"payload template uses {sorted(unknown)}; it may use {{body}}, the signed_headers' fields"
                + (" and {timestamp}" if has_timestamp else " (and {timestamp} with timestamp_header)")
            )
    return before, after


def _template_parts(text: str) -> tuple[tuple[bytes, str | None], ...]:
    """``text`` as (literal bytes, field name or None) pieces, braces resolved once."""
    return tuple((literal.encode(), field) for literal, field, _, _ in string.Formatter().parse(text))


def _fill(parts: tuple[tuple[bytes, str | None], ...], values: dict[str, bytes]) -> bytes:
    return b"".join(literal + (values[field] if field is not None else b"") for literal, field in parts)


class HmacSignature(HmacScheme):
    """A signature in one header, optionally with a timestamp in another.

    Covers GitHub (``sha256=<hex>`` over the body), Customer.io (hex SHA-1), Slack
    (``v0=<hex>`` over ``v0:{timestamp}:{body}``) and any provider a user describes with
    the generic ``"hmac"`` provider.

    ``signed_headers`` names more headers the payload template signs, by the field
    that stands for each (Twitch: ``{"id": "Twitch-Eventsub-Message-Id"}`` with the
    template ``"{id}{timestamp}{body}"``); ``message_id`` names the field whose value
    is the signed message id :class:`Verified` reports (and events are identified by).
    """

    __slots__ = (
        "_after",
        "_after_parts",
        "_before",
        "_before_parts",
        "_encoding",
        "_field_slots",
        "_fields",
        "_header",
        "_hex",
        "_message_id",
        "_names",
        "_pieces",
        "_prefix",
        "_timestamp_header",
        "_timestamp_slot",
    )

    def __init__(
        self,
        keyring: Keyring,
        *,
        header: str,
        encoding: Encoding = "hex",
        prefix: str = "",
        timestamp_header: str | None = None,
        payload: str | None = None,
        tolerance: float = DEFAULT_TOLERANCE,
        timestamp_unit: TimestampUnit = "s",
        signed_headers: dict[str, str] | None = None,
        message_id: str | None = None,
    ) -> None:
        if not header:
            raise ConfigurationError("header is required")
        fields = dict(signed_headers or {})
        if "body" in fields or "timestamp" in fields or not all(fields.values()):
            raise ConfigurationError("signed_headers maps field names other than body/timestamp to headers")
        if message_id is not None and message_id not in fields:
            raise ConfigurationError("message_id must be one of the signed_headers' fields")
        self._fields = tuple(fields.items())
        self._message_id = message_id
        if encoding not in ("hex", "base64"):
            raise ConfigurationError("encoding must be 'hex' or 'base64'")
        super().__init__(keyring, tolerance=tolerance, timestamp_unit=timestamp_unit)
        self._header = header
        self._timestamp_header = timestamp_header or ""  # "" when none is signed
        self._encoding: Encoding = encoding
        self._hex = encoding == "hex"
        self._prefix = prefix.lower()
        if payload is None:
            payload = "{timestamp}.{body}" if timestamp_header else "{body}"
        self._before, self._after = _split_template(payload, timestamp_header is not None, frozenset(fields))
        self._pieces = (_template_parts(self._before), _template_parts(self._after))
        # The signed bytes around the body, as literal pieces to join with the timestamp:
        # formatting with a NUL sentinel resolves {{ and }} once, here, not per request.
        sentinels = dict.fromkeys(("timestamp", *fields), "\0")
        self._before_parts = self._before.format(**sentinels).encode().split(b"\0")
        self._after_parts = self._after.format(**sentinels).encode().split(b"\0")
        # The headers read, each once however often it is named (the signature header
        # first), for find_each(); and where each field and the timestamp are in them.
        distinct: dict[str, str] = {}
        for name in (header, *fields.values(), *((timestamp_header,) if timestamp_header else ())):
            distinct.setdefault(name.lower(), name)
        slot = {lower: index for index, lower in enumerate(distinct)}
        # None when the body alone is signed: then only the signature header is read.
        self._names = tuple(distinct.values()) if fields or timestamp_header else None
        self._field_slots = tuple((field, name, slot[name.lower()]) for field, name in self._fields)
        self._timestamp_slot = slot[timestamp_header.lower()] if timestamp_header else 0

    def verify(self, headers: HeadersLike, body: bytes, now: float) -> Verified:
        """Raise unless the signature header holds the MAC of the signed payload."""
        pairs = headers.items() if type(headers) is dict else header_pairs(headers)
        header = self._header
        names = self._names
        # One pass for the signature and the other headers signed with it.
        found = None if names is None else find_each(pairs, names)
        value = require(pairs, header) if found is None else required(found[0], header)
        prefix = self._prefix
        if prefix:
            if not value.startswith(prefix) and value[: len(prefix)].lower() != prefix:
                raise MalformedHeader(header, f"expected the prefix {prefix!r}")
            value = value[len(prefix) :]
        try:
            # Only the digits of the encoding, nothing around or inside them: a2b_hex,
            # not bytes.fromhex, which skips any ASCII whitespace (\v, \f, \r, inner
            # spaces); strict_mode: only the base64 alphabet with correct padding, like
            # b64decode(validate=True) but without its per-call regular expression.
            candidate = binascii.a2b_hex(value) if self._hex else binascii.a2b_base64(value, strict_mode=True)
        except (ValueError, binascii.Error):
            raise MalformedHeader(header, f"signature is not valid {self._encoding}") from None
        if found is None:  # the body alone is signed
            self.check(None, "", self._before_parts[0], body, self._after_parts[0], [candidate], now)
            return NOTHING_SIGNED
        if self._fields:
            return self._verify_fields(found, candidate, body, now)
        timestamp_header = self._timestamp_header
        timestamp = required(found[self._timestamp_slot], timestamp_header)
        stamp = wire_bytes(timestamp)
        signed_at = self.check(
            timestamp,
            timestamp_header,
            stamp.join(self._before_parts),
            body,
            stamp.join(self._after_parts),
            [candidate],
            now,
        )
        return _verified(timestamp, signed_at, None)

    def compiled_options(self) -> dict[str, object] | None:
        """The compiled path serves a signature header, a timestamp header and up to four
        other signed headers, each named once (not the signature header itself)."""
        # The headers the compiled code reads, in its order: the signature, the
        # timestamp, then the signed headers not already among them.
        read = [self._header.lower()]
        if self._timestamp_header:
            read.append(self._timestamp_header.lower())
        field_headers: list[str] = []
        for _, name in self._fields:
            if name.lower() not in read:
                read.append(name.lower())
                field_headers.append(name)
        if len(read) > 6 or len(set(read)) != len(read):
            return None
        slot = {name: index for index, name in enumerate(read)}
        header_of = {"timestamp": self._timestamp_header, **dict(self._fields)}

        def parts_and_slots(
            pieces: tuple[tuple[bytes, str | None], ...],
        ) -> tuple[tuple[bytes, ...], tuple[int, ...]]:
            """The literal bytes between the signed headers, and which header fills each gap."""
            parts: list[bytes] = []
            slots: list[int] = []
            literal = b""
            for text, field_name in pieces:
                literal += text
                if field_name is not None:
                    parts.append(literal)
                    slots.append(slot[header_of[field_name].lower()])
                    literal = b""
            parts.append(literal)
            return tuple(parts), tuple(slots)

        before_parts, before_slots = parts_and_slots(self._pieces[0])
        after_parts, after_slots = parts_and_slots(self._pieces[1])
        if 0 in before_slots or 0 in after_slots:  # the signature header signed: left to Python
            return None
        message_id = self._message_id
        return self._common_options() | {
            "kind": _KIND_SINGLE,
            "header": self._header,
            "timestamp_header": self._timestamp_header or None,
            "prefix": self._prefix,
            "base64": not self._hex,
            "before_parts": before_parts,
            "after_parts": after_parts,
            "field_headers": tuple(field_headers),
            "before_slots": before_slots,
            "after_slots": after_slots,
            "message_id_slot": -1 if message_id is None else slot[header_of[message_id].lower()],
        }

    def _verify_fields(
        self, found: list[str | bytes | object | None], candidate: bytes, body: bytes, now: float
    ) -> Verified:
        """Verification when the template signs headers besides the timestamp (``found``:
        what :func:`find_each` found for the scheme's headers)."""
        values = {field: wire_bytes(required(found[slot], name)) for field, name, slot in self._field_slots}
        timestamp: str | None = None
        if self._timestamp_header:
            timestamp = required(found[self._timestamp_slot], self._timestamp_header)
            values["timestamp"] = wire_bytes(timestamp)
        before, after = self._pieces
        signed_at = self.check(
            timestamp,
            self._timestamp_header,
            _fill(before, values),
            body,
            _fill(after, values),
            [candidate],
            now,
        )
        message_id = self._message_id
        return _verified(
            timestamp,
            None if timestamp is None else signed_at,
            None if message_id is None else values[message_id].decode("latin-1"),
        )

    def claimed_message_id(self, headers: HeadersLike) -> str | None:
        """The message id the request's headers claim (for parsing without verifying)."""
        if self._message_id is None:
            return None
        name = dict(self._fields)[self._message_id]
        values = Headers.of(headers).getlist(name)
        return values[0] if len(values) == 1 else None

    def sign(self, body: bytes, now: float, **field_values: str) -> dict[str, str]:
        """The signature header (and timestamp and signed headers, if any) for ``body``.

        ``field_values`` gives the signed headers' values by field (a random id for
        a missing message id field).
        """
        headers: dict[str, str] = {}
        fields: dict[str, str] = {}
        for field_name, name in self._fields:
            value = field_values.get(field_name) or (
                f"{uuid.uuid4()}" if field_name == self._message_id else None
            )
            if value is None:
                raise ConfigurationError(f"sign() needs a value for the signed header field {field_name!r}")
            fields[field_name] = headers[name] = value
        if self._timestamp_header:
            fields["timestamp"] = headers[self._timestamp_header] = self.timestamp_text(now)
        mac = self._keyring.mac(
            0, self._before.format(**fields).encode(), body, self._after.format(**fields).encode()
        )
        text = mac.hex() if self._encoding == "hex" else base64.b64encode(mac).decode("ascii")
        headers[self._header] = self._prefix + text
        return headers


class KeyedListSignature(HmacScheme):
    """``t=<timestamp>,<key>=<signature>[,<key>=<signature>...]`` in one header.

    Stripe (``v1``, MAC over ``<t>.<body>``), Courier (``signature``, MAC over
    ``<t><body>``), Calendly as Stripe, and Paddle (``ts=..;h1=..`` over
    ``<ts>:<body>``: ``timestamp_label="ts"``, ``entry_separator=";"``). Spaces
    around entries are tolerated, unknown keys and unreadable
    signatures are skipped, any one of several signatures may match; a repeated
    ``t`` is malformed (which of two timestamps was signed?).
    """

    __slots__ = ("_entry_label", "_entry_separator", "_header", "_separator", "_timestamp_label")

    def __init__(
        self,
        keyring: Keyring,
        *,
        header: str,
        entry_label: str,
        separator: bytes,
        tolerance: float = DEFAULT_TOLERANCE,
        timestamp_unit: TimestampUnit = "s",
        timestamp_label: str = "t",
        entry_separator: str = ",",
    ) -> None:
        super().__init__(keyring, tolerance=tolerance, timestamp_unit=timestamp_unit)
        if not (timestamp_label and entry_label and entry_separator) or timestamp_label == entry_label:
            raise ConfigurationError(
                "timestamp_label, entry_label and entry_separator must be distinct and set"
            )
        self._header = header
        self._entry_label = entry_label
        self._separator = separator
        self._timestamp_label = timestamp_label
        self._entry_separator = entry_separator

    def verify(self, headers: HeadersLike, body: bytes, now: float) -> Verified:
        """Parse ``t=`` and the signature entries; check them against ``<t><separator><body>``."""
        header = self._header
        pairs = headers.items() if type(headers) is dict else header_pairs(headers)
        timestamp, candidates = self.read(require(pairs, header))
        signed_at = self.check(
            timestamp, header, wire_bytes(timestamp) + self._separator, body, b"", candidates, now
        )
        return _verified(timestamp, signed_at, None)

    def read(self, value: str) -> tuple[str, list[bytes]]:
        """The ``t=`` timestamp and the readable signatures of one header value.

        As Stripe's own libraries do, a signature entry that is not hex is skipped
        (it cannot match) and so are unknown keys; the header is malformed only when
        no signature is readable, or an entry is not ``key=value`` at all (as
        stripe-go, not stripe-python, has it). Optional whitespace (space, tab) is
        allowed around entries and around their ``=``, as in HTTP's lists; nothing
        else is trimmed, and a signature is hex digits only.
        """
        header = self._header
        entries = value.split(self._entry_separator)
        if len(entries) > MAX_SIGNATURES + 1:
            raise MalformedHeader(header, f"more than {MAX_SIGNATURES} entries")
        label = self._entry_label
        timestamp_label = self._timestamp_label
        timestamp: str | None = None
        candidates: list[bytes] = []
        unreadable = 0
        for entry in entries:
            key, sep, value = entry.partition("=")
            key = key.strip(OWS)
            if not sep:
                if not key:
                    continue  # a stray comma
                raise MalformedHeader(header, "an entry is not key=value")
            if key == timestamp_label:
                if timestamp is not None:
                    raise MalformedHeader(header, f"{timestamp_label}= appears more than once")
                timestamp = value.strip(OWS)
            elif key == label:
                try:
                    candidates.append(binascii.a2b_hex(value.strip(OWS)))
                except ValueError:  # binascii.Error is one
                    unreadable += 1
        if timestamp is None:
            raise MalformedHeader(header, f"no {timestamp_label}= timestamp")
        if not candidates:
            raise MalformedHeader(
                header, "signature is not valid hex" if unreadable else f"no {label}= signature"
            )
        return timestamp, candidates

    def compiled_options(self) -> dict[str, object] | None:
        """The compiled path serves one-character entry separators (all the providers')."""
        if len(self._entry_separator) != 1:
            return None
        return self._common_options() | {
            "kind": _KIND_KEYED,
            "header": self._header,
            "timestamp_label": self._timestamp_label,
            "entry_label": self._entry_label,
            "entry_separator": self._entry_separator,
            "separator": self._separator,
        }

    def sign(self, body: bytes, now: float) -> dict[str, str]:
        """``t=<timestamp>,<key>=<hex>`` for ``body``."""
        timestamp = self.timestamp_text(now)
        mac = self._keyring.mac(0, timestamp.encode("ascii") + self._separator, body)
        entries = (f"{self._timestamp_label}={timestamp}", f"{self._entry_label}={mac.hex()}")
        return {self._header: self._entry_separator.join(entries)}


_STANDARD_NAMES = ("webhook-id", "webhook-timestamp", "webhook-signature")
_SVIX_NAMES = ("svix-id", "svix-timestamp", "svix-signature")
_STANDARD_ALL = _STANDARD_NAMES + _SVIX_NAMES


def standard_headers(pairs: Pairs) -> tuple[tuple[str, str, str], str, str, str]:
    """The Standard Webhooks header names used (``webhook-`` or ``svix-``), and the id,
    timestamp and signature values, each trimmed of optional whitespace only.

    The one reader of these headers: verification checks what it returns, and the
    event is identified by the same id.

    Raises:
        MissingHeader: one of the three is absent or blank.
        MalformedHeader: one of the three was sent more than once.
    """
    found = find_each(pairs, _STANDARD_ALL)  # one pass for all six names
    names, first = _STANDARD_NAMES, 0
    if found[2] is None and found[5] is not None:
        names, first = _SVIX_NAMES, 3
    # require() for each, in this order
    msg_id = required(found[first], names[0])
    timestamp = required(found[first + 1], names[1])
    return names, msg_id, timestamp, required(found[first + 2], names[2])


class StandardWebhooksSignature(HmacScheme):
    """The Standard Webhooks scheme (Svix and others), with shared secrets.

    ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature`` (space-separated
    ``v1,<base64>`` entries; other versions such as ``v1a`` are skipped), MAC over
    ``<id>.<timestamp>.<body>``. The ``svix-`` header prefix is accepted as well.

    Ed25519 ``v1a`` entries are verified by the provider's
    ``StandardWebhooksKeySignature`` when a ``public_key`` is configured; this class
    stays the whole of the ``v1`` path, with nothing added per request for keys.
    """

    __slots__ = ()

    def verify(self, headers: HeadersLike, body: bytes, now: float) -> Verified:
        """Read id, timestamp and signatures under the ``webhook-`` or ``svix-`` prefix, and check them."""
        names, msg_id, timestamp, signature = standard_headers(
            headers.items() if type(headers) is dict else header_pairs(headers)
        )
        header = names[2]
        entries = signature.replace("\t", " ").split(" ")
        if len(entries) > MAX_SIGNATURES:
            raise MalformedHeader(header, f"more than {MAX_SIGNATURES} entries")
        candidates: list[bytes] = []
        unreadable = 0
        for entry in entries:
            version, sep, value = entry.partition(",")
            if version == "v1" and sep:
                try:
                    candidates.append(binascii.a2b_base64(value, strict_mode=True))
                except (ValueError, binascii.Error):
                    unreadable += 1
            elif entry and not sep:
                unreadable += 1
        if not candidates:
            if unreadable:
                raise MalformedHeader(header, "no entry is a readable <version>,<base64 signature>")
            raise SignatureMismatch("no v1 signature to check (only other versions were sent)")
        # One encode for "<id>.<timestamp>.": the same bytes as encoding each part,
        # since check() rejects any timestamp that is not ASCII digits.
        signed_prefix = wire_bytes(f"{msg_id}.{timestamp}.")
        signed_at = self.check(timestamp, names[1], signed_prefix, body, b"", candidates, now)
        return _verified(timestamp, signed_at, msg_id)

    def compiled_options(self) -> dict[str, object] | None:
        """The compiled path serves this scheme as it is."""
        return self._common_options() | {"kind": _KIND_STANDARD}

    def sign(self, body: bytes, now: float, msg_id: str | None = None) -> dict[str, str]:
        """``webhook-id``, ``webhook-timestamp`` and ``webhook-signature`` for ``body``."""
        msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
        timestamp = self.timestamp_text(now)
        mac = self._keyring.mac(0, f"{msg_id}.{timestamp}.".encode(), body)
        signature = "v1," + base64.b64encode(mac).decode("ascii")
        return {"webhook-id": msg_id, "webhook-timestamp": timestamp, "webhook-signature": signature}

    @staticmethod
    def decode_secret(secret: object) -> bytes:
        """``whsec_<base64>`` (or bare base64, padded or not) as key bytes; ``bytes`` are used as they are."""
        if isinstance(secret, bytes | bytearray):
            return encode_secret(bytes(secret), "secret")
        if not isinstance(secret, str):
            raise ConfigurationError(f"secret must be str or bytes, not {type(secret).__name__}")
        if secret.startswith(("whsk_", "whpk_")):
            raise ConfigurationError(
                "secret was given an Ed25519 key (whsk_/whpk_): configure the sender's public "
                "key as public_key='whpk_...'; the whsk_ private key stays with the sender"
            )
        text = secret.removeprefix("whsec_")
        # Padding may be left out, as the reference library allows; anything outside
        # the base64 alphabet is still an error (that library would silently drop it).
        text += "=" * (-len(text) % 4)
        try:
            key = base64.b64decode(text, validate=True)
        except (ValueError, binascii.Error):
            raise ConfigurationError("secret must be 'whsec_' followed by base64") from None
        return encode_secret(key, "secret")


def _authorization(
    headers: HeadersLike, header: str, scheme: str, challenge: dict[str, str] | None = None
) -> str:
    """The credentials part of ``<scheme> <credentials>``; the scheme word is case-insensitive."""
    value = require(headers.items() if type(headers) is dict else header_pairs(headers), header, challenge)
    word, _, credentials = value.partition(" ")
    credentials = credentials.strip(OWS)
    if (word != scheme and word.lower() != scheme.lower()) or not credentials:
        raise MalformedHeader(header, f"expected '{scheme} <credentials>'", headers=challenge)
    return credentials


def _any_equal(received: bytes, configured: tuple[bytes, ...]) -> bool:
    # Compare against every configured value, without stopping early, so the time
    # taken says nothing about which one (if any) matched.
    found = False
    for value in configured:
        found |= hmac.compare_digest(received, value)
    return found


def _verifier_options(
    fallback: Callable[[HeadersLike, bytes, float], Verified],
    pads: tuple[object, ...],
    expires: Sequence[float] | None,
    *,
    digest_size: int,
    tolerance: float,
    seconds_below: float,
) -> dict[str, object]:
    """What every kind of ``_speedups.Verifier`` takes: the Python check that decides
    what it does not accept, the secrets (or tokens) and when each stops verifying,
    and the library's own types and comparison."""
    return {
        "fallback": fallback,
        "pads": pads,
        "expires": None if expires is None else tuple(float(until) for until in expires),
        "digest_size": digest_size,
        "tolerance": tolerance,
        "seconds_below": seconds_below,
        "verified_type": Verified,
        "nothing_signed": NOTHING_SIGNED,
        "headers_type": Headers,
        "compare_digest": hmac.compare_digest,
    }


def _token_options(
    fallback: Callable[[HeadersLike, bytes, float], Verified],
    tokens: tuple[bytes, ...],
    expires: Sequence[float] | None,
    header: str,
    prefix: str,
) -> dict[str, object]:
    """``_speedups.Verifier``'s options for a ``<prefix> <token>`` header compared whole
    with each live token (a bearer token, or basic auth's encoded pairs); with the
    prefix ``""``, the header's whole value is compared (a shared key)."""
    # digest_size, tolerance and seconds_below are not read: a token is compared whole.
    options = _verifier_options(fallback, tokens, expires, digest_size=1, tolerance=0.0, seconds_below=0.0)
    return options | {"kind": _KIND_TOKEN, "header": header, "prefix": prefix}


class BearerToken:
    """``Authorization: Bearer <token>`` matching one of the configured tokens."""

    __slots__ = ("_header", "_tokens")

    def __init__(self, tokens: tuple[bytes, ...], *, header: str = "Authorization") -> None:
        self._tokens = tokens if isinstance(tokens, Secrets) else Secrets(tokens)
        self._header = header

    def verify(self, headers: HeadersLike, body: bytes, now: float) -> Verified:
        """Raise unless the bearer token is one of the configured tokens."""
        token = _authorization(headers, self._header, "Bearer")
        if not _any_equal(wire_bytes(token), self._tokens.live(now)):
            raise InvalidCredentials("bearer token does not match")
        return NOTHING_SIGNED

    def compiled_options(self) -> dict[str, object] | None:
        """What ``_speedups.Verifier`` needs to serve this scheme (see :func:`compiled_checker`)."""
        expires = self._tokens.expires
        return _token_options(self.verify, tuple(self._tokens), expires, self._header, "Bearer")

    def sign(self, body: bytes, now: float) -> dict[str, str]:
        """``Authorization: Bearer <first token>``."""
        return {self._header: "Bearer " + self._tokens[0].decode("utf-8", "surrogateescape")}

    def __repr__(self) -> str:
        return f"BearerToken({len(self._tokens)} token(s), header={self._header!r})"


class BasicAuth:
    """``Authorization: Basic base64(user:password)`` matching a configured pair.

    Failures carry a ``WWW-Authenticate`` challenge, as RFC 7617 asks of a 401.
    """

    __slots__ = ("_challenge", "_credentials", "_expires")

    def __init__(
        self,
        credentials: tuple[tuple[bytes, bytes], ...],
        *,
        realm: str = "webhooks",
        expires: Sequence[float] | None = None,
    ) -> None:
        if not credentials:
            raise ConfigurationError("at least one username/password pair is required")
        if '"' in realm or "\\" in realm:
            raise ConfigurationError("realm must not contain quotes or backslashes")
        if expires is not None and len(expires) != len(credentials):
            raise ConfigurationError("expires must give one time per credential pair")
        self._credentials = credentials
        self._expires = tuple(expires) if expires is not None and any(map(math.isfinite, expires)) else None
        self._challenge = {"WWW-Authenticate": f'Basic realm="{realm}", charset="UTF-8"'}

    def verify(self, headers: HeadersLike, body: bytes, now: float) -> Verified:
        """Raise unless the credentials are one of the configured pairs."""
        encoded = _authorization(headers, "Authorization", "Basic", self._challenge)
        try:
            decoded = base64.b64decode(encoded, validate=True)
        except (ValueError, binascii.Error):
            raise MalformedHeader(
                "Authorization", "credentials are not base64", headers=self._challenge
            ) from None
        username, sep, password = decoded.partition(b":")
        if not sep:
            raise MalformedHeader(
                "Authorization", "credentials are not user:password", headers=self._challenge
            )
        found = False
        credentials = self._credentials
        if self._expires is not None:
            credentials = tuple(
                pair for pair, until in zip(credentials, self._expires, strict=True) if now <= until
            )
        for expected_user, expected_password in credentials:
            # & rather than `and`: both comparisons always run.
            found |= hmac.compare_digest(username, expected_user) & hmac.compare_digest(
                password, expected_password
            )
        if not found:
            raise InvalidCredentials("username or password does not match", headers=self._challenge)
        return NOTHING_SIGNED

    def compiled_options(self) -> dict[str, object] | None:
        """What ``_speedups.Verifier`` needs to serve this scheme (see :func:`compiled_checker`).

        The compiled token check, with each pair's canonical ``base64(user:password)``
        as the token: a request sending exactly that is accepted in C; anything else
        (another encoding of the same pair, a wrong one, no header) comes here, to the
        decoding check, which gives every answer and error its challenge. A username
        with a colon is left out: the decoding check splits at the first colon, so it
        never accepts that pair either.
        """
        kept = [index for index, (username, _) in enumerate(self._credentials) if b":" not in username]
        if not kept:
            return None
        pairs = [self._credentials[index] for index in kept]
        tokens = tuple(base64.b64encode(username + b":" + password) for username, password in pairs)
        expires = None if self._expires is None else [self._expires[index] for index in kept]
        return _token_options(self.verify, tokens, expires, "Authorization", "Basic")

    def sign(self, body: bytes, now: float) -> dict[str, str]:
        """``Authorization: Basic ...`` with the first configured pair."""
        username, password = self._credentials[0]
        return {"Authorization": "Basic " + base64.b64encode(username + b":" + password).decode("ascii")}

    def __repr__(self) -> str:
        return f"BasicAuth({len(self._credentials)} credential pair(s))"


class SharedKey:
    """A header whose whole value is a shared key (Xtremepush's "Signed Payload")."""

    __slots__ = ("_header", "_keys")

    def __init__(self, keys: tuple[bytes, ...], *, header: str) -> None:
        if not header:
            raise ConfigurationError("header is required")
        self._keys = keys if isinstance(keys, Secrets) else Secrets(keys)
        self._header = header

    def verify(self, headers: HeadersLike, body: bytes, now: float) -> Verified:
        """Raise unless the header holds one of the configured keys."""
        pairs = headers.items() if type(headers) is dict else header_pairs(headers)
        if not _any_equal(wire_bytes(require(pairs, self._header)), self._keys.live(now)):
            raise InvalidCredentials(f"{self._header} does not hold a configured key")
        return NOTHING_SIGNED

    def compiled_options(self) -> dict[str, object] | None:
        """The compiled token check, the whole header's value being the key (no scheme word)."""
        return _token_options(self.verify, tuple(self._keys), self._keys.expires, self._header, "")

    def sign(self, body: bytes, now: float) -> dict[str, str]:
        """The header holding the first configured key."""
        return {self._header: self._keys[0].decode("utf-8", "surrogateescape")}

    def __repr__(self) -> str:
        return f"SharedKey({len(self._keys)} key(s), header={self._header!r})"


class TokenValidator:
    """A bearer token checked by a callable the application supplies (OAuth 2.0).

    The validator receives the token and returns ``True`` to accept it. Anything it
    raises becomes :class:`~webhook_receiver.ValidatorFailed` (503): a token service
    that is down is a server-side failure the sender should retry, not a forged request.
    """

    __slots__ = ("_header", "_validator")

    def __init__(self, validator: Callable[[str], bool], *, header: str = "Authorization") -> None:
        if not callable(validator):
            raise ConfigurationError("token_validator must be callable")
        self._validator = validator
        self._header = header

    def verify(self, headers: HeadersLike, body: bytes, now: float) -> Verified:
        """Raise unless the validator accepts the bearer token."""
        token = _authorization(headers, self._header, "Bearer")
        try:
            accepted = self._validator(token)
        except Exception as exc:
            raise ValidatorFailed(f"token validator raised {type(exc).__name__}") from exc
        if accepted is not True:
            raise InvalidCredentials("token was not accepted by the validator")
        return NOTHING_SIGNED

    def sign(self, body: bytes, now: float) -> dict[str, str]:
        """Not possible: OAuth 2.0 tokens are issued by the application's token server."""
        raise ConfigurationError("cannot sign for auth='oauth2': tokens come from your OAuth 2.0 server")

    def __repr__(self) -> str:
        return f"TokenValidator({getattr(self._validator, '__qualname__', 'validator')})"


BUILTIN_SCHEMES: frozenset[type] = frozenset(
    {
        HmacSignature,
        KeyedListSignature,
        StandardWebhooksSignature,
        BearerToken,
        BasicAuth,
        SharedKey,
        TokenValidator,
        Unverified,
    }
)
"""The schemes whose ``verify`` takes any ``HeadersLike``, so a provider need not wrap
the request's headers in :class:`Headers` first (the ``Scheme`` protocol promises
only :class:`Headers`). Exact classes: a subclass may override ``verify``. A scheme
class elsewhere says the same of itself with ``reads_any_headers = True`` in its own
body (not inherited, for the same reason)."""


_COMPILED_SCHEMES: frozenset[type] = frozenset(
    {BasicAuth, BearerToken, HmacSignature, KeyedListSignature, SharedKey, StandardWebhooksSignature}
)


def compiled_checker(
    scheme: object, fallback: Callable[[HeadersLike, bytes, float], Verified] | None = None
) -> Callable[[HeadersLike, bytes, float], Verified] | None:
    """``scheme.verify`` through the compiled fast path, or ``None`` without one.

    ``fallback`` stands in for ``scheme.verify`` as what decides every request the
    compiled code does not accept itself: a scheme of another class that signs what
    ``scheme`` signs (Square's URL signature) keeps its own checks and errors.

    ``None`` when ``webhook_receiver._speedups`` is not built or is switched off
    (``_accel``), when ``scheme`` is not exactly one of the schemes it serves
    (a subclass may override ``verify``), or when its configuration is one the
    compiled code does not read (more than four signed headers, the signature header
    signed, a multi-character entry separator, names beyond ASCII). The callable
    returned takes the same ``(headers, body, now)`` as ``verify``: it accepts the
    usual request itself and calls ``scheme.verify`` for everything else, so every
    error is the Python scheme's.
    """
    compiled = _accel.compiled
    if compiled is None or type(scheme) not in _COMPILED_SCHEMES:
        return None
    options = scheme.compiled_options()  # type: ignore[attr-defined]
    if options is None:
        return None
    if fallback is not None:
        options = options | {"fallback": fallback}
    try:
        verifier: Callable[[HeadersLike, bytes, float], Verified] = compiled.Verifier(**options)
    except ValueError:  # a name or label beyond ASCII, or longer than the compiled code takes
        return None
    return verifier
