"""Public-key signatures: Ed25519 and ECDSA P-256 keys, through the optional ``cryptography``.

Providers that sign with a private key (Standard Webhooks ``v1a``, Discord,
SendGrid) are configured with the public key they hand out. Loading one needs the
``cryptography`` package (``pip install 'webhook-receiver[crypto]'``); without it,
creating such a provider raises :class:`~webhook_receiver.MissingDependency`
naming the extra, and nothing else in the library needs it. ``cryptography`` is
imported when the first such provider is created, never by ``import
webhook_receiver``.

:class:`PublicKeys` holds the configured keys with their expiry times (a
:class:`~webhook_receiver.Secret` wrapper works here as for shared secrets), and
answers one question: does any key still valid at ``now`` verify this signature
over this message?

:class:`CertificateStore` serves senders that name their signing certificate by
URL inside the message (Amazon SNS): it fetches only URLs its allowlist accepts,
parses and caches the X.509 certificates, checks their validity period, and
verifies RSA PKCS #1 v1.5 signatures with them. A certificate that cannot be
fetched is :class:`~webhook_receiver.CertificateUnavailable` (503: the sender retries).
"""

from __future__ import annotations

import base64
import binascii
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from types import ModuleType
from typing import Any, Literal, TypeAlias

from ._errors import CertificateUnavailable, ConfigurationError, SignatureMismatch, VerificationError
from ._optional import require
from ._schemes import expiry_of, secret_items, unwrap_secret

__all__ = [
    "CERTIFICATE_CACHE_SIZE",
    "FETCH_TIMEOUT",
    "MAX_FETCHED_BYTES",
    "CertificateFetch",
    "CertificateStore",
    "KeyKind",
    "PrivateKey",
    "PublicKeys",
    "RsaDigest",
    "RsaPrivateKey",
    "crypto",
    "decode_key_text",
    "fetch_https",
    "private_key",
    "rsa_private_key",
]

KeyKind: TypeAlias = Literal["ed25519", "ecdsa-p256"]
"""The public-key algorithms providers use: Ed25519, and ECDSA on P-256 with SHA-256."""


def crypto() -> ModuleType:
    """The ``cryptography`` package, or :class:`~webhook_receiver.MissingDependency` naming the extra."""
    return require("public-key signature verification", "cryptography", "crypto")


def _primitives() -> tuple[Any, Any, Any, Any]:
    crypto()
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    return InvalidSignature, hashes, serialization, ec


def decode_key_text(value: str | bytes, option: str) -> bytes:
    """A key as bytes: PEM as it is, else hex or base64 text decoded; ``bytes`` given
    as bytes are taken as the key itself (raw or DER)."""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if not isinstance(value, str):
        raise ConfigurationError(f"{option} must be str or bytes, not {type(value).__name__}")
    text = value.strip()
    if not text:
        raise ConfigurationError(f"{option} must not be empty")
    if text.startswith("-----BEGIN"):
        return text.encode("ascii", "replace")
    if len(text) % 2 == 0 and all(c in "0123456789abcdefABCDEF" for c in text):
        return binascii.a2b_hex(text)
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (ValueError, binascii.Error):
        raise ConfigurationError(f"{option} is not PEM, hex or base64") from None


def _load_public(kind: KeyKind, data: bytes, option: str) -> Any:
    _, _, serialization, ec = _primitives()
    from cryptography.hazmat.primitives.asymmetric import ed25519

    try:
        if data.startswith(b"-----BEGIN"):
            key = serialization.load_pem_public_key(data)
        elif kind == "ed25519" and len(data) == 32:
            key = ed25519.Ed25519PublicKey.from_public_bytes(data)
        else:
            key = serialization.load_der_public_key(data)
    except (ValueError, TypeError):
        raise ConfigurationError(f"{option} is not a readable {kind} public key") from None
    if kind == "ed25519" and not isinstance(key, ed25519.Ed25519PublicKey):
        raise ConfigurationError(f"{option} is not an Ed25519 public key")
    if kind == "ecdsa-p256" and not (
        isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1)
    ):
        raise ConfigurationError(f"{option} is not an ECDSA P-256 public key")
    return key


class PublicKeys:
    """Configured public keys of one kind, each with the time it stops verifying."""

    __slots__ = ("_expires", "_invalid", "_keys", "_kind", "_verify")

    def __init__(
        self,
        kind: KeyKind,
        value: object,
        *,
        option: str = "public_key",
        decode: Callable[[object], bytes] | None = None,
    ) -> None:
        """Args:
        kind: ``"ed25519"`` or ``"ecdsa-p256"``.
        value: one key or a list (a :class:`~webhook_receiver.Secret` adds an expiry):
            PEM, DER or (Ed25519) raw bytes, or their hex or base64 text.
        decode: turns one configured value into key bytes, for a provider's own
            encoding (``whpk_<base64>``); default :func:`decode_key_text`.

        Raises:
            MissingDependency: ``cryptography`` is not installed.
            ConfigurationError: a value is not a public key of that kind.
        """
        if kind not in ("ed25519", "ecdsa-p256"):
            raise ConfigurationError("kind must be 'ed25519' or 'ecdsa-p256'")
        invalid, hashes, _, ec = _primitives()
        items = secret_items(value, option)
        reader = decode or (lambda item: decode_key_text(item, option))  # type: ignore[arg-type]
        self._kind: KeyKind = kind
        self._keys = tuple(_load_public(kind, reader(unwrap_secret(item)), option) for item in items)
        self._expires = tuple(expiry_of(item) for item in items)
        self._invalid: type[Exception] = invalid
        if kind == "ed25519":
            self._verify: Callable[[Any, bytes, bytes], None] = lambda key, sig, msg: key.verify(sig, msg)
        else:
            algorithm = ec.ECDSA(hashes.SHA256())
            self._verify = lambda key, sig, msg: key.verify(sig, msg, algorithm)

    @property
    def kind(self) -> KeyKind:
        """The algorithm."""
        return self._kind

    def __len__(self) -> int:
        return len(self._keys)

    def verifies(self, signatures: Sequence[bytes], message: bytes, now: float) -> bool:
        """Whether any key valid at ``now`` verifies any of ``signatures`` over ``message``.

        ECDSA signatures are DER (as SendGrid sends them); Ed25519 ones 64 raw bytes.
        An unreadable signature simply does not verify.
        """
        verify = self._verify
        for key, until in zip(self._keys, self._expires, strict=True):
            if now > until:
                continue
            for signature in signatures:
                try:
                    verify(key, signature, message)
                except (self._invalid, ValueError, TypeError):
                    continue
                return True
        return False

    def __repr__(self) -> str:
        return f"PublicKeys({len(self._keys)} {self._kind} key(s))"


class PrivateKey:
    """A private key, for signing in tests and tools (``webhook_receiver.testing``)."""

    __slots__ = ("_key", "_kind")

    def __init__(self, kind: KeyKind, key: Any) -> None:
        self._kind = kind
        self._key = key

    @property
    def kind(self) -> KeyKind:
        """The algorithm."""
        return self._kind

    def sign(self, message: bytes) -> bytes:
        """The signature of ``message``: 64 raw bytes (Ed25519) or DER (ECDSA P-256, SHA-256)."""
        if self._kind == "ed25519":
            return bytes(self._key.sign(message))
        _, hashes, _, ec = _primitives()
        return bytes(self._key.sign(message, ec.ECDSA(hashes.SHA256())))

    def public_bytes(self) -> bytes:
        """The public key: raw 32 bytes (Ed25519), or DER SubjectPublicKeyInfo (ECDSA)."""
        _, _, serialization, _ = _primitives()
        public = self._key.public_key()
        if self._kind == "ed25519":
            return bytes(public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))
        return bytes(
            public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        )

    def __repr__(self) -> str:
        return f"PrivateKey({self._kind}, <hidden>)"


def private_key(kind: KeyKind, value: str | bytes | None = None) -> PrivateKey:
    """A private key of ``kind`` from PEM, DER, an Ed25519 seed (32 bytes, or 64 bytes
    of seed and public key, as hex or base64 text too), or a new random one for ``None``."""
    _, _, serialization, ec = _primitives()
    from cryptography.hazmat.primitives.asymmetric import ed25519

    if value is None:
        key: Any = (
            ed25519.Ed25519PrivateKey.generate()
            if kind == "ed25519"
            else ec.generate_private_key(ec.SECP256R1())
        )
        return PrivateKey(kind, key)
    data = decode_key_text(value, "private_key")
    try:
        if data.startswith(b"-----BEGIN"):
            key = serialization.load_pem_private_key(data, password=None)
        elif kind == "ed25519" and len(data) in (32, 64):
            key = ed25519.Ed25519PrivateKey.from_private_bytes(data[:32])
        else:
            key = serialization.load_der_private_key(data, password=None)
    except (ValueError, TypeError):
        raise ConfigurationError(f"private_key is not a readable {kind} private key") from None
    return PrivateKey(kind, key)


# --- RSA signing certificates fetched by URL (Amazon SNS) -----------------------------

RsaDigest: TypeAlias = Literal["sha1", "sha256"]
"""The hash of an RSA PKCS #1 v1.5 signature: SHA-1 (SNS ``SignatureVersion`` 1) or SHA-256 (2)."""

CertificateFetch: TypeAlias = Callable[[str], bytes]
"""Fetches one certificate: a URL in, the PEM bytes it serves out (raise on any failure)."""

FETCH_TIMEOUT = 5.0
"""Seconds :func:`fetch_https` waits to connect and for each read."""

MAX_FETCHED_BYTES = 64 * 1024
"""The most :func:`fetch_https` reads: a certificate is about 2 KiB."""

CERTIFICATE_CACHE_SIZE = 16
"""How many fetched certificates a :class:`CertificateStore` keeps (SNS uses a few per region)."""


def fetch_https(url: str, *, timeout: float = FETCH_TIMEOUT, limit: int = MAX_FETCHED_BYTES) -> bytes:
    """GET ``url`` over HTTPS with certificate verification, and return the body.

    Only ``https://`` URLs; redirects are refused (not followed), anything but a 200
    is an error, and a body over ``limit`` bytes is refused, so a slow or hostile
    server costs at most ``timeout`` per read and ``limit`` bytes.

    Raises:
        ValueError: not an ``https://`` URL, or the body is over ``limit``.
        OSError: the request failed (``urllib.error.URLError``, ``HTTPError``, a timeout).
    """
    # Imported here: urllib.request pulls in http.client, email and ssl, which
    # nothing else needs until the first certificate is fetched.
    import ssl
    import urllib.request

    if not url.startswith("https://"):
        raise ValueError("only https:// URLs are fetched")

    class NoRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None  # urllib then raises HTTPError for the 3xx itself

    opener = urllib.request.build_opener(
        NoRedirects(), urllib.request.HTTPSHandler(context=ssl.create_default_context())
    )
    # https:// only (checked above), so no file: or custom scheme reaches urlopen.
    request = urllib.request.Request(url, headers={"User-Agent": "webhook-receiver"})  # noqa: S310
    with opener.open(request, timeout=timeout) as response:
        if response.status != 200:
            raise OSError(f"HTTP status {response.status}")
        data = response.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"response is over {limit} bytes")
    return bytes(data)


def _rsa_hash(hashes: Any, name: RsaDigest) -> Any:
    """The ``cryptography`` hash object for ``name``."""
    return {"sha1": hashes.SHA1, "sha256": hashes.SHA256}[name]()


class _Certificate:
    """A parsed certificate: its RSA public key and validity period (unix seconds)."""

    __slots__ = ("key", "not_after", "not_before")

    def __init__(self, key: Any, not_before: float, not_after: float) -> None:
        self.key = key
        self.not_before = not_before
        self.not_after = not_after


def _read_certificate(data: object) -> _Certificate:
    """Parse PEM bytes into a :class:`_Certificate`; ``ValueError`` if they are not an
    X.509 certificate holding an RSA key."""
    crypto()
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import rsa

    if isinstance(data, str):
        data = data.encode("ascii", "replace")
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ValueError(f"a certificate is PEM bytes, not {type(data).__name__}")
    try:
        certificate = x509.load_pem_x509_certificate(bytes(data))
        key = certificate.public_key()
    except (ValueError, TypeError):
        raise ValueError("not a PEM X.509 certificate") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("the certificate does not hold an RSA key")
    return _Certificate(
        key, certificate.not_valid_before_utc.timestamp(), certificate.not_valid_after_utc.timestamp()
    )


class CertificateStore:
    """RSA signing certificates by URL: fetched only from allowed URLs, checked, cached.

    For senders that name the certificate verifying a message inside the message
    (Amazon SNS's ``SigningCertURL``). The URL is untrusted input, so:

    - ``allowed(url)`` decides, before anything is fetched, whether a URL may be
      fetched at all (the provider's strict pattern: HTTPS, its own hosts);
    - a fetched certificate must parse as X.509 with an RSA key, and must be within
      its validity period at the time of each verification;
    - certificates are cached by URL (at most ``capacity``, least recently used
      dropped first); failures are not cached, so the sender's retry fetches again;
    - ``pinned`` certificates (URL to PEM) are known in advance: never fetched,
      never evicted.

    The chain of trust is not built: the certificate is trusted because it was
    served over HTTPS (verified against the system's CA store) by a host the
    allowlist names, as Amazon's own SNS message validators do.

    Thread-safe: the cache is guarded by a lock, never held during a fetch.
    """

    __slots__ = ("_allowed", "_cache", "_capacity", "_fetch", "_lock", "_pinned")

    def __init__(
        self,
        allowed: Callable[[str], bool],
        *,
        fetch: CertificateFetch | None = None,
        pinned: Mapping[str, str | bytes] | None = None,
        capacity: int = CERTIFICATE_CACHE_SIZE,
    ) -> None:
        """Args:
        allowed: whether a URL may be fetched (checked before every fetch).
        fetch: URL to PEM bytes; default :func:`fetch_https`.
        pinned: certificates known in advance, by URL (each URL must be allowed).
        capacity: how many fetched certificates are kept.

        Raises:
            MissingDependency: ``cryptography`` is not installed.
            ConfigurationError: a pinned URL is not allowed or its PEM is not a certificate.
        """
        crypto()
        if not callable(allowed):
            raise ConfigurationError("allowed must be a callable taking a URL")
        if fetch is not None and not callable(fetch):
            raise ConfigurationError("fetch must be a callable taking a URL and returning PEM bytes")
        if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
            raise ConfigurationError("capacity must be a positive whole number")
        if pinned is not None and not isinstance(pinned, Mapping):
            raise ConfigurationError("certificates must map certificate URLs to PEM text")
        self._allowed = allowed
        self._fetch: CertificateFetch = fetch or fetch_https
        self._capacity = capacity
        self._cache: OrderedDict[str, _Certificate] = OrderedDict()
        self._lock = threading.Lock()
        self._pinned: dict[str, _Certificate] = {}
        for url, pem in (pinned or {}).items():
            if not isinstance(url, str) or not allowed(url):
                raise ConfigurationError("a pinned certificate's URL is not an allowed certificate URL")
            try:
                self._pinned[url] = _read_certificate(pem)
            except ValueError as exc:
                raise ConfigurationError(f"a pinned certificate is unreadable: {exc}") from None

    def allows(self, url: str) -> bool:
        """Whether ``url`` may be fetched (or is pinned)."""
        return isinstance(url, str) and (url in self._pinned or bool(self._allowed(url)))

    @property
    def pinned_urls(self) -> tuple[str, ...]:
        """The URLs of the pinned certificates, in the order given."""
        return tuple(self._pinned)

    @property
    def cached(self) -> int:
        """How many fetched certificates are cached now."""
        return len(self._cache)

    def _certificate(self, url: str) -> _Certificate:
        pinned = self._pinned.get(url)
        if pinned is not None:
            return pinned
        with self._lock:
            found = self._cache.get(url)
            if found is not None:
                self._cache.move_to_end(url)
                return found
        if not self._allowed(url):
            raise VerificationError("the signing certificate URL is not an allowed one")
        try:
            data = self._fetch(url)
        except Exception as exc:
            raise CertificateUnavailable(
                f"fetching the signing certificate failed ({type(exc).__name__})"
            ) from exc
        try:
            certificate = _read_certificate(data)
        except ValueError as exc:
            raise CertificateUnavailable(
                f"the signing certificate URL served no usable certificate: {exc}"
            ) from None
        with self._lock:
            self._cache[url] = certificate
            self._cache.move_to_end(url)
            while len(self._cache) > self._capacity:
                self._cache.popitem(last=False)
        return certificate

    def verify(self, url: str, signature: bytes, message: bytes, digest: RsaDigest, now: float) -> None:
        """Check an RSA PKCS #1 v1.5 ``signature`` of ``message`` against the certificate at ``url``.

        Raises:
            VerificationError: ``url`` is not allowed (nothing is fetched), or the
                certificate is outside its validity period at ``now``.
            CertificateUnavailable: the certificate could not be fetched or read.
            SignatureMismatch: the signature does not verify.
        """
        if not self.allows(url):
            raise VerificationError("the signing certificate URL is not an allowed one")
        certificate = self._certificate(url)
        if not certificate.not_before <= now <= certificate.not_after:
            raise VerificationError("the signing certificate is not valid at this time")
        invalid, hashes, _, _ = _primitives()
        from cryptography.hazmat.primitives.asymmetric import padding

        algorithm = _rsa_hash(hashes, digest)
        try:
            certificate.key.verify(signature, message, padding.PKCS1v15(), algorithm)
        except (invalid, ValueError, TypeError):
            raise SignatureMismatch("the signature does not verify with the signing certificate") from None

    def __repr__(self) -> str:
        return f"CertificateStore({len(self._pinned)} pinned, {len(self._cache)} cached)"


class RsaPrivateKey:
    """An RSA private key, for signing in tests and tools (Amazon SNS messages)."""

    __slots__ = ("_key",)

    def __init__(self, key: Any) -> None:
        self._key = key

    def sign(self, message: bytes, digest: RsaDigest = "sha256") -> bytes:
        """The PKCS #1 v1.5 signature of ``message`` with SHA-1 or SHA-256."""
        _, hashes, _, _ = _primitives()
        from cryptography.hazmat.primitives.asymmetric import padding

        algorithm = _rsa_hash(hashes, digest)
        return bytes(self._key.sign(message, padding.PKCS1v15(), algorithm))

    def __repr__(self) -> str:
        return "RsaPrivateKey(<hidden>)"


def rsa_private_key(value: str | bytes) -> RsaPrivateKey:
    """An RSA private key from PEM (PKCS #1 or PKCS #8, unencrypted) or DER.

    Raises:
        ConfigurationError: ``value`` is not an RSA private key.
    """
    _, _, serialization, _ = _primitives()
    from cryptography.hazmat.primitives.asymmetric import rsa

    data = decode_key_text(value, "private_key")
    try:
        if data.startswith(b"-----BEGIN"):
            key = serialization.load_pem_private_key(data, password=None)
        else:
            key = serialization.load_der_private_key(data, password=None)
    except (ValueError, TypeError):
        raise ConfigurationError("private_key is not a readable RSA private key") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ConfigurationError("private_key is not an RSA private key")
    return RsaPrivateKey(key)
