"""Standard Webhooks (https://www.standardwebhooks.com), as sent by Svix and others.

Headers ``webhook-id``, ``webhook-timestamp`` (unix seconds) and ``webhook-signature``
(or the same with the ``svix-`` prefix); the signature header holds space-separated
``<version>,<base64>`` entries over ``<id>.<timestamp>.<body>``
(spec/standard-webhooks.md, "Signature scheme" and "Webhook headers"):

- ``v1``: HMAC-SHA256 under the shared secret, given as ``whsec_<base64>`` (padding
  optional); ``bytes`` are taken as the raw key.
- ``v1a``: an Ed25519 signature (64 bytes) under the sender's private key; the
  receiver is configured with the public key, ``whpk_<base64 of the 32-byte key>``.
  The spec names the serialisations (``whsk_`` secret key, ``whpk_`` public key,
  "base64 encoded"); the reference Go library (libraries/go/webhook_asymmetric.go)
  reads ``whsk_`` as the 32-byte seed. Our testing tools accept the seed, or the
  64 bytes of seed and public key that libsodium and Go's ``ed25519.PrivateKey``
  use (the public half must match the seed).

Which entries count (decided here; the spec lets a consumer "establish a trust
list of public keys and signature schemes"):

- ``secret=`` only: ``v1`` entries, exactly as before; ``v1a`` entries are skipped.
- ``public_key=`` only: ``v1a`` entries; ``v1`` entries cannot verify (there is no
  secret to check them with), so a sender cannot fall back to the weaker scheme.
- both: either kind verifies (``v1`` is tried first, being cheaper). Meant for a
  migration from ``whsec_`` to ``whpk_``: once the sender signs ``v1a``, drop the
  secret, or wrap it in ``Secret(..., expires_at=...)`` so it stops verifying by itself.

A ``Secret`` wrapper works for public keys as for secrets (a key rotation with a
grace period). Verifying ``v1a`` needs ``cryptography`` (the ``crypto`` extra), which
is imported only when a public key is configured; the ``v1`` path does no extra
work per request for it.

Tolerance: 300 s either way for the signed ``webhook-timestamp`` (the spec asks
receivers to check it "within some allowable tolerance"; the reference libraries
use five minutes).

Identity: the signed ``webhook-id``, exactly as verified (a retry of a message keeps
its id, so it is recognised as a duplicate by an idempotency store). The event type
and everything else come from the signed body. A replay needs the whole request
within the tolerance, and is then a duplicate by its id.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass

from .._crypto import PrivateKey, PublicKeys, decode_key_text, private_key
from .._errors import (
    ConfigurationError,
    MalformedHeader,
    SignatureMismatch,
    VerificationError,
)
from .._events import Event, JSONValue, Reader, constructor, to_datetime
from .._headers import Headers, HeadersLike, header_pairs
from .._schemes import (
    DEFAULT_TOLERANCE,
    MAX_SIGNATURES,
    NOTHING_SIGNED,
    Clock,
    Keyring,
    SecretInput,
    StandardWebhooksSignature,
    Verified,
    check_tolerance_option,
    map_secrets,
    signed_time,
    standard_headers,
    wire_bytes,
)
from ._base import EventHeaders, Provider

__all__ = ["StandardWebhooks", "StandardWebhooksEvent", "StandardWebhooksKeySignature"]


@dataclass(frozen=True, slots=True, kw_only=True)
class StandardWebhooksEvent(Event):
    """A Standard Webhooks event ``{type, timestamp, data}``; ``id`` is the signed ``webhook-id``."""

    data: JSONValue = None


# The same instance as StandardWebhooksEvent(...), faster (see _events.constructor).
_new_event = constructor(StandardWebhooksEvent)

_PUBLIC_PREFIX = "whpk_"
_PRIVATE_PREFIX = "whsk_"


def _unprefixed_base64(text: str, option: str, prefix: str) -> bytes:
    """The bytes of ``<prefix><base64>`` (padding optional, nothing outside the alphabet)."""
    body = text[len(prefix) :]
    try:
        return base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
    except (ValueError, binascii.Error):
        raise ConfigurationError(f"{option} must be '{prefix}' followed by base64") from None


def decode_public_key(value: object) -> bytes:
    """A ``public_key`` value as key bytes: ``whpk_<base64>`` (32 bytes), else PEM, hex
    or base64 text; ``bytes`` are the raw 32-byte key (or DER)."""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if not isinstance(value, str):
        raise ConfigurationError(f"public_key must be str or bytes, not {type(value).__name__}")
    if value.startswith((_PRIVATE_PREFIX, "whsec_")):
        raise ConfigurationError(
            "public_key was given a secret (whsk_ or whsec_): give the sender's public key, whpk_..."
        )
    if value.startswith(_PUBLIC_PREFIX):
        key = _unprefixed_base64(value, "public_key", _PUBLIC_PREFIX)
        if len(key) != 32:
            raise ConfigurationError("public_key: a whpk_ key is 32 bytes of Ed25519 public key")
        return key
    return decode_key_text(value, "public_key")


def signing_key(value: str | bytes) -> PrivateKey:
    """An Ed25519 private key from ``whsk_<base64>`` (the 32-byte seed, or 64 bytes of
    seed and public key), or from what ``_crypto.private_key`` reads (PEM, raw bytes)."""
    if isinstance(value, str) and value.startswith(_PRIVATE_PREFIX):
        raw = _unprefixed_base64(value, "private_key", _PRIVATE_PREFIX)
        if len(raw) not in (32, 64):
            raise ConfigurationError(
                "private_key: a whsk_ key is a 32-byte seed (or 64 bytes: seed + public)"
            )
        key = private_key("ed25519", raw[:32])
        if len(raw) == 64 and key.public_bytes() != raw[32:]:
            raise ConfigurationError("private_key: the public half of the whsk_ key does not match its seed")
        return key
    return private_key("ed25519", value)


def public_key_text(key: PrivateKey) -> str:
    """The ``whpk_<base64>`` public key matching ``key`` (to configure a receiver in tests)."""
    return _PUBLIC_PREFIX + base64.b64encode(key.public_bytes()).decode("ascii")


class StandardWebhooksKeySignature:
    """Standard Webhooks with public keys: ``v1a`` (Ed25519) entries, and ``v1`` (HMAC)
    entries too when a secret is configured as well.

    Used only when ``public_key=`` is given; with secrets alone the provider uses
    :class:`~webhook_receiver._schemes.StandardWebhooksSignature` unchanged. The same
    header reader (:func:`~webhook_receiver._schemes.standard_headers`), the same
    timestamp rules (ASCII digits, seconds, old *and* future refused) and the same
    limit on entries.
    """

    reads_any_headers = True
    """``verify`` takes any ``HeadersLike`` (see ``_schemes.BUILTIN_SCHEMES``)."""

    __slots__ = ("_hmac", "_keys", "_tolerance")

    def __init__(
        self,
        keyring: Keyring | None,
        public_keys: PublicKeys,
        *,
        tolerance: float = DEFAULT_TOLERANCE,
    ) -> None:
        self._tolerance = check_tolerance_option(tolerance)
        self._hmac = None if keyring is None else StandardWebhooksSignature(keyring, tolerance=tolerance)
        self._keys = public_keys

    @property
    def tolerance(self) -> float:
        """Seconds the signed timestamp may differ from now, either way."""
        return self._tolerance

    @property
    def public_keys(self) -> PublicKeys:
        """The configured Ed25519 public keys."""
        return self._keys

    @property
    def hmac(self) -> StandardWebhooksSignature | None:
        """The ``v1`` scheme for the configured secrets, if any."""
        return self._hmac

    def verify(self, headers: HeadersLike, body: bytes, now: float) -> Verified:
        """Raise unless a ``v1a`` entry verifies under a public key (or a ``v1`` entry under a secret)."""
        names, msg_id, timestamp, signature = standard_headers(header_pairs(headers))
        header = names[2]
        entries = signature.replace("\t", " ").split(" ")
        if len(entries) > MAX_SIGNATURES:
            raise MalformedHeader(header, f"more than {MAX_SIGNATURES} entries")
        hmac_scheme = self._hmac
        macs: list[bytes] = []
        signatures: list[bytes] = []
        unreadable = 0
        for entry in entries:
            version, sep, value = entry.partition(",")
            wanted = signatures if version == "v1a" else macs if version == "v1" and hmac_scheme else None
            if wanted is not None and sep:
                try:
                    wanted.append(binascii.a2b_base64(value, strict_mode=True))
                except (ValueError, binascii.Error):
                    unreadable += 1
            elif entry and not sep:
                unreadable += 1
        if not macs and not signatures:
            if unreadable:
                raise MalformedHeader(header, "no entry is a readable <version>,<base64 signature>")
            kinds = "v1a or v1" if hmac_scheme else "v1a"
            raise SignatureMismatch(f"no {kinds} signature to check (only other versions were sent)")
        signed_at = signed_time(timestamp, names[1], self._tolerance, now)
        prefix = wire_bytes(f"{msg_id}.{timestamp}.")
        if macs and hmac_scheme is not None:
            try:
                hmac_scheme.check(timestamp, names[1], prefix, body, b"", macs, now)
            except SignatureMismatch:
                pass
            else:
                return Verified(timestamp=timestamp, signed_at=signed_at, message_id=msg_id)
        if signatures and self._keys.verifies(signatures, prefix + bytes(body), now):
            return Verified(timestamp=timestamp, signed_at=signed_at, message_id=msg_id)
        raise SignatureMismatch(
            f"none of {len(macs) + len(signatures)} signature(s) verifies under the configured "
            f"{len(self._keys)} public key(s)"
            + (f" or {len(hmac_scheme.keyring)} secret(s)" if hmac_scheme else "")
        )

    def sign(self, body: bytes, now: float, msg_id: str | None = None) -> dict[str, str]:
        """The ``v1`` headers under the first secret; without a secret, use :meth:`sign_with_key`."""
        if self._hmac is None:
            raise ConfigurationError(
                "standard-webhooks is configured with public keys only: sign with private_key='whsk_...'"
            )
        return self._hmac.sign(body, now, msg_id=msg_id)

    def sign_with_key(
        self, body: bytes, now: float, private_key: str | bytes, msg_id: str | None = None
    ) -> dict[str, str]:
        """``webhook-id``, ``webhook-timestamp`` and a ``v1a`` ``webhook-signature`` for ``body``,
        signed with ``private_key`` (``whsk_<base64>``, PEM or raw bytes): for tests and tools."""
        key = signing_key(private_key)
        msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
        timestamp = str(int(now))
        signature = key.sign(f"{msg_id}.{timestamp}.".encode() + bytes(body))
        return {
            "webhook-id": msg_id,
            "webhook-timestamp": timestamp,
            "webhook-signature": "v1a," + base64.b64encode(signature).decode("ascii"),
        }

    def __repr__(self) -> str:
        secrets = f"{len(self._hmac.keyring)} secret(s), " if self._hmac else ""
        return f"StandardWebhooksKeySignature({secrets}{self._keys!r}, tolerance={self._tolerance:g})"


def signed_id_and_time(headers: Headers) -> tuple[str | None, str | None]:
    """The signed message id and timestamp among an event's headers, as
    :meth:`StandardWebhooks.event_headers` keeps them (``webhook-id``,
    ``webhook-timestamp``; events stored by 0.1 have them as ``svix-id``,
    ``svix-timestamp``), for this provider and the ones built on it."""
    # The first of the two names that is present, without a generator per request.
    ids = headers.getlist("webhook-id") or headers.getlist("svix-id")
    times = headers.getlist("webhook-timestamp") or headers.getlist("svix-timestamp")
    return (ids[0] if ids else None), (times[0] if times else None)


class StandardWebhooks(Provider):
    """Standard Webhooks / Svix: ``v1`` (HMAC, ``secret=``) and ``v1a`` (Ed25519, ``public_key=``)."""

    name = "standard-webhooks"

    __slots__ = ()

    def __init__(
        self,
        *,
        secret: SecretInput | None = None,
        public_key: SecretInput | None = None,
        tolerance: float = DEFAULT_TOLERANCE,
        clock: Clock | None = None,
    ) -> None:
        """Args:
        secret: ``whsec_<base64>`` (or raw key bytes), or several during a rotation:
            verifies ``v1`` entries.
        public_key: the sender's ``whpk_<base64>`` Ed25519 public key (or PEM, or the
            raw 32 bytes), or several during a rotation: verifies ``v1a`` entries.
            Needs ``cryptography``.
        tolerance: seconds the signed timestamp may differ from now, either way.

        One of ``secret`` and ``public_key`` is required; with both, either kind of
        entry verifies (see the module's docstring).
        """
        if public_key is None:
            if secret is None:
                raise ConfigurationError(
                    "standard-webhooks needs secret='whsec_...' (v1), public_key='whpk_...' (v1a), or both"
                )
            keys = map_secrets(secret, "secret", StandardWebhooksSignature.decode_secret)
            super().__init__(
                StandardWebhooksSignature(Keyring(keys, "sha256"), tolerance=tolerance), clock=clock
            )
            return
        keyring = (
            None
            if secret is None
            else Keyring(map_secrets(secret, "secret", StandardWebhooksSignature.decode_secret), "sha256")
        )
        public_keys = PublicKeys("ed25519", public_key, decode=decode_public_key)
        super().__init__(StandardWebhooksKeySignature(keyring, public_keys, tolerance=tolerance), clock=clock)

    def sign_request(
        self, body: bytes, *, now: float | None = None, private_key: str | bytes | None = None
    ) -> tuple[dict[str, str], bytes]:
        """The headers and body of a request: ``v1`` with the first secret, or ``v1a``
        signed with ``private_key`` (``whsk_<base64>``) when it is given."""
        scheme = self.scheme
        if private_key is not None and not isinstance(scheme, StandardWebhooksKeySignature):
            raise ConfigurationError(
                "standard-webhooks has no public key configured, so a v1a signature would not "
                "verify: configure public_key='whpk_...' to sign with private_key"
            )
        return super().sign_request(body, now=now, private_key=private_key)

    def claimed(self, headers: Headers) -> Verified:
        """The id and timestamp the headers carry, read by the scheme's own reader."""
        try:
            _, msg_id, timestamp, _ = standard_headers(header_pairs(headers))
        except VerificationError:
            return NOTHING_SIGNED
        return Verified(timestamp=timestamp, message_id=msg_id)

    def event_headers(self, headers: Headers, verified: Verified = NOTHING_SIGNED) -> EventHeaders:
        """The signed ``webhook-id`` and ``webhook-timestamp``, as verified (whatever the prefix sent)."""
        message_id, timestamp = verified.message_id, verified.timestamp
        if message_id is not None and timestamp is not None:  # every verified request
            return (("webhook-id", message_id), ("webhook-timestamp", timestamp))
        pairs: list[tuple[str, str]] = []
        if verified.message_id is not None:
            pairs.append(("webhook-id", verified.message_id))
        if verified.timestamp is not None:
            pairs.append(("webhook-timestamp", verified.timestamp))
        return tuple(pairs)

    def events_from(self, payload: JSONValue, headers: Headers) -> list[Event]:
        """One event; the id is the signed ``webhook-id`` (``svix-id`` in events stored by 0.1)."""
        data = payload if type(payload) is dict else Reader(payload, "body").data
        msg_id, stamp = signed_id_and_time(headers)
        # Every request reads these: the usual case (a string, a time, or absent) inline,
        # and a Reader made only for a field that needs its conversion or its error (it
        # reads that field again), in the same order, so the first bad one is reported.
        get = data.get
        kind = get("type")
        if type(kind) is not str or not kind:
            kind = Reader(data, "body").kind("type")
        time = get("timestamp")
        timestamp = None if time is None else to_datetime(time) or Reader(data, "body").time("timestamp")
        return [
            _new_event(
                provider=self.name,
                type=kind,
                id=msg_id,
                timestamp=timestamp or to_datetime(stamp),
                payload=payload,
                data=get("data"),
            )
        ]
