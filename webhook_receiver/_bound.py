"""Schemes whose signed bytes are not only the raw body: bound to the URL, the form, or the body.

Part of the one verification layer (``_schemes``): same steps, same errors, same
constant-time comparison against every configured secret that is still valid
(:class:`~webhook_receiver.Secret` expiry through :meth:`Keyring.live_pads`).

* :class:`UrlSignature` (Square): an HMAC of the endpoint's public URL followed by
  the raw body.
* :class:`TwilioSignature` (Twilio): an HMAC of the public URL followed by the
  form's fields sorted by name; for a JSON body, of the URL with
  ``bodySHA256=<hex SHA-256 of the body>`` appended to its query.
* :class:`BodySignature` (Mailgun): a signature block *inside* the JSON body, an
  HMAC of its own timestamp and token, and nothing else.
* :class:`KeySignature` (SendGrid): an ECDSA P-256 signature of a timestamp header
  followed by the body, checked with a public key (``cryptography``, loaded when
  the scheme is created).

The URL a URL-signed scheme verifies is the one it was configured with
(:func:`public_url`), never one rebuilt from the request's ``Host`` header, path or
query: what a proxy, a load balancer or a client says about the request cannot
change what is verified, and a scheme never sees the request line at all. The URL
must therefore be exactly the one given to the provider (scheme, host, port, path,
query, percent-encoding and all). The one liberty, for Twilio only, is the port
(:func:`url_variants`): Twilio's own library accepts the URL with and without it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Callable, Sequence
from typing import Literal, TypeAlias
from urllib.parse import urlsplit

from ._crypto import PublicKeys, private_key
from ._errors import (
    ConfigurationError,
    MalformedHeader,
    MissingHeader,
    PayloadError,
    SignatureMismatch,
)
from ._events import decode_json
from ._forms import form_pairs
from ._headers import Headers, HeadersLike, header_pairs, require
from ._schemes import (
    DEFAULT_TOLERANCE,
    NOTHING_SIGNED,
    Digest,
    HmacSignature,
    Keyring,
    Verified,
    check_tolerance_option,
    compiled_checker,
    signed_time,
    wire_bytes,
)

__all__ = [
    "MAX_TOKEN_LENGTH",
    "TWILIO_ALGORITHMS",
    "TWILIO_HEADER",
    "TWILIO_MAX_FIELDS",
    "TWILIO_SETTINGS_HEADER",
    "BodySignature",
    "KeySignature",
    "TwilioSignature",
    "UrlSignature",
    "body_is_json",
    "public_url",
    "signed_time",
    "twilio_form_text",
    "url_variants",
]

Encoding: TypeAlias = Literal["hex", "base64"]

# What decides JSON or form for Twilio: the first byte after JSON's own whitespace.
_LEADING_SPACE = re.compile(rb"[ \t\n\r]*")
_ALLOWED_SCHEMES = ("https", "http")


def public_url(value: object, option: str = "url") -> str:
    """Validate the ``url`` option of a URL-signed provider, and return it unchanged.

    It must be an absolute ``https``/``http`` URL with a host, written as the
    provider was given it: no fragment (never sent, so never signed), no
    ``user:password@`` (a request never carries it in its URL; put credentials the
    sender uses in its own settings), no whitespace or control characters, no empty
    ``?`` at the end (whether the sender keeps it is unknowable), the scheme in
    lower case.

    Raises:
        ConfigurationError: it is none of that. The message never repeats the URL,
            which may hold a token in its query.
    """
    if not isinstance(value, str):
        raise ConfigurationError(f"{option} must be the public URL as a string, not {type(value).__name__}")
    if not value:
        raise ConfigurationError(f"{option} must not be empty")
    if any(char <= " " or char == "\x7f" for char in value):
        raise ConfigurationError(f"{option} must not contain spaces or control characters")
    scheme, sep, _ = value.partition("://")
    if not sep or scheme not in _ALLOWED_SCHEMES:
        raise ConfigurationError(f"{option} must be an absolute https:// (or http://) URL, in lower case")
    if "#" in value:
        raise ConfigurationError(f"{option} must not have a #fragment: it is never sent, so never signed")
    if value.endswith("?"):
        raise ConfigurationError(f"{option} must not end with an empty '?'")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise ConfigurationError(f"{option} has an invalid host or port") from None
    if "@" in parts.netloc:
        raise ConfigurationError(f"{option} must not hold user:password@ (a request URL never has them)")
    if not parts.hostname:
        raise ConfigurationError(f"{option} must name a host")
    if port == 0:
        raise ConfigurationError(f"{option} has an invalid port")
    return value


def url_variants(url: str) -> tuple[str, ...]:
    """``url`` as configured, then without its port, then with it (the default one if none).

    Twilio's own library (``RequestValidator.validate``) accepts a signature made over
    the URL with the port and over the URL without it, because Twilio's servers are
    not consistent about it; this gives the same candidates, built by replacing the
    authority of a URL :func:`public_url` accepted (nothing else of it changes).
    Duplicates are dropped, the configured URL always first.
    """
    scheme, _, rest = url.partition("://")
    end = len(rest)
    for stop in ("/", "?"):
        found = rest.find(stop)
        if found != -1:
            end = min(end, found)
    authority, tail = rest[:end], rest[end:]
    bracket = authority.rfind("]")  # an IPv6 literal's colons are not a port
    colon = authority.rfind(":")
    if colon > bracket:
        host, port = authority[:colon], authority[colon + 1 :]
    else:
        host, port = authority, ""
    default = "443" if scheme == "https" else "80"
    found_variants = (url, f"{scheme}://{host}{tail}", f"{scheme}://{host}:{port or default}{tail}")
    return tuple(dict.fromkeys(found_variants))


def body_is_json(body: bytes) -> bool:
    """Whether the first byte after JSON's whitespace opens an object or an array."""
    if body[:1] in (b"{", b"["):
        return True
    leading = _LEADING_SPACE.match(body)
    start = leading.end() if leading else 0
    return body[start : start + 1] in (b"{", b"[")


def _raw(body: bytes) -> bytes:
    # Providers pass the body as received: bytes, or a bytearray or memoryview.
    return body if type(body) is bytes else bytes(body)


def _decode_signature(value: str, header: str, encoding: Encoding) -> bytes:
    try:
        # a2b_hex: only hex digits; strict base64: only the alphabet, padded right.
        return binascii.a2b_hex(value) if encoding == "hex" else binascii.a2b_base64(value, strict_mode=True)
    except (ValueError, binascii.Error):
        raise MalformedHeader(header, f"signature is not valid {encoding}") from None


def _matches(keyring: Keyring, now: float, messages: Sequence[bytes], candidates: Sequence[bytes]) -> bool:
    """Whether the HMAC of any message under any secret still valid at ``now`` is any candidate.

    Every comparison is made, without stopping at a match, so the time taken does not
    say which secret (or URL variant) matched.
    """
    found = False
    for inner_pad, outer_pad in keyring.live_pads(now):
        for message in messages:
            inner = inner_pad.copy()
            inner.update(message)
            outer = outer_pad.copy()
            outer.update(inner.digest())
            expected = outer.digest()
            for candidate in candidates:
                found |= hmac.compare_digest(expected, candidate)
    return found


def _mac(keyring: Keyring, message: bytes) -> bytes:
    return keyring.mac(0, b"", message)


class UrlSignature:
    """One header holding the HMAC of the configured public URL followed by the raw body.

    Square: ``x-square-hmacsha256-signature``, base64 HMAC-SHA256 over
    ``<notification URL><body>``. ``port_variants`` also accepts the URL with and
    without its (default) port (:func:`url_variants`); Square's own libraries sign
    and compare the URL exactly as configured, so Square leaves it off.
    """

    reads_any_headers = True
    """``verify`` takes any ``HeadersLike`` (see ``_schemes.BUILTIN_SCHEMES``)."""

    __slots__ = ("_check", "_encoding", "_header", "_keyring", "_prefixes", "_url")

    def __init__(
        self,
        keyring: Keyring,
        *,
        header: str,
        url: str,
        encoding: Encoding = "base64",
        port_variants: bool = False,
    ) -> None:
        if not header:
            raise ConfigurationError("header is required")
        if encoding not in ("hex", "base64"):
            raise ConfigurationError("encoding must be 'hex' or 'base64'")
        self._keyring = keyring
        self._header = header
        self._url = public_url(url)
        self._encoding: Encoding = encoding
        urls = url_variants(self._url) if port_variants else (self._url,)
        self._prefixes = tuple(variant.encode("utf-8") for variant in urls)
        # One secret and one URL: an HmacSignature over "<url>{body}" through the compiled
        # path, this class's own check deciding whatever it does not accept. With more,
        # every MAC is computed, so the time does not say which matched (see verify).
        self._check: Callable[[HeadersLike, bytes, float], Verified] = self._verify_each
        if len(keyring) == 1 and len(self._prefixes) == 1:
            template = self._url.replace("{", "{{").replace("}", "}}") + "{body}"
            signature = HmacSignature(keyring, header=header, encoding=encoding, payload=template)
            self._check = compiled_checker(signature, self._verify_each) or self._verify_each

    @property
    def url(self) -> str:
        """The public URL the signature is bound to."""
        return self._url

    def verify(self, headers: HeadersLike, body: bytes, now: float) -> Verified:
        """Raise unless the header holds the MAC of ``<url><body>`` under a live secret."""
        return self._check(headers, body, now)

    def _verify_each(self, headers: HeadersLike, body: bytes, now: float) -> Verified:
        """:meth:`verify` in Python: every secret's MAC of every URL variant, compared."""
        pairs = headers.items() if type(headers) is dict else header_pairs(headers)
        candidate = _decode_signature(require(pairs, self._header), self._header, self._encoding)
        found = False
        for inner_pad, outer_pad in self._keyring.live_pads(now):
            for prefix in self._prefixes:
                inner = inner_pad.copy()
                inner.update(prefix)
                inner.update(body)
                outer = outer_pad.copy()
                outer.update(inner.digest())
                found |= hmac.compare_digest(outer.digest(), candidate)
        if not found:
            raise SignatureMismatch(
                f"the signature matches none of {len(self._keyring)} secret(s) at the URL"
            )
        return NOTHING_SIGNED

    def sign(self, body: bytes, now: float) -> dict[str, str]:
        """The signature header for ``body`` at the configured URL, with the first secret."""
        mac = self._keyring.mac(0, self._prefixes[0], body)
        text = mac.hex() if self._encoding == "hex" else base64.b64encode(mac).decode("ascii")
        return {self._header: text}

    def __repr__(self) -> str:
        return f"UrlSignature({self._keyring!r}, header={self._header!r})"


TWILIO_HEADER = "X-Twilio-Signature"
TWILIO_SETTINGS_HEADER = "X-Twilio-Webhooks-Signature-Settings"
TWILIO_ALGORITHMS: dict[str, Digest] = {"HMAC_SHA1": "sha1", "HMAC_SHA256": "sha256"}
"""The ``algorithm=`` values of ``X-Twilio-Webhooks-Signature-Settings``, by digest."""
TWILIO_MAX_FIELDS = 512
"""The most fields a Twilio form may have (an MMS with ten media has about 50)."""


def twilio_form_text(pairs: Sequence[tuple[str, str]]) -> str:
    """What Twilio appends to the URL for a form: each name, sorted, followed by its
    value; a repeated name's distinct values each once, sorted (as
    ``RequestValidator.compute_signature`` does)."""
    values: dict[str, set[str]] = {}
    for name, value in pairs:
        values.setdefault(name, set()).add(value)
    return "".join(name + value for name in sorted(values) for value in sorted(values[name]))


class TwilioSignature:
    """``X-Twilio-Signature``: base64 HMAC of the configured URL and the form's fields, or of
    the URL with ``bodySHA256=<hex>`` for a JSON body.

    The scheme never reads the request's URL: for a form it signs ``<url>`` followed
    by :func:`twilio_form_text`; for a JSON body (first byte ``{`` or ``[``), the URL
    Twilio requested is the configured one with ``bodySHA256=<hex SHA-256 of the
    body>`` appended to its query (``?`` or ``&``), so it is rebuilt from the body
    itself, which verifies the signature over that URL and the body's hash at once.
    Each is tried with :func:`url_variants` (with and without the port), as Twilio's
    own library does.

    HMAC-SHA1 with the account's Auth Token, unless the request carries
    ``X-Twilio-Webhooks-Signature-Settings: key=..,algorithm=HMAC_SHA256`` (a Webhooks
    Rule signing with a SharedKey); the configured secrets are tried with the digest
    that header names.
    """

    __slots__ = ("_json_prefixes", "_keyrings", "_prefixes", "_url")

    def __init__(self, keys: tuple[bytes, ...], *, url: str) -> None:
        self._url = public_url(url)
        self._keyrings = {name: Keyring(keys, digest) for name, digest in TWILIO_ALGORITHMS.items()}
        variants = url_variants(self._url)
        self._prefixes = tuple(variant.encode("utf-8") for variant in variants)
        separator = "&" if "?" in self._url else "?"
        self._json_prefixes = tuple(f"{variant}{separator}bodySHA256=".encode() for variant in variants)

    @property
    def url(self) -> str:
        """The public URL the signature is bound to."""
        return self._url

    def signed_url(self, body: bytes) -> str:
        """The URL Twilio requests for ``body``: the configured one, with ``bodySHA256``
        appended for a JSON body."""
        if body_is_json(body):
            return self._json_prefixes[0].decode("utf-8") + hashlib.sha256(body).hexdigest()
        return self._url

    def _algorithm(self, headers: Headers) -> str:
        settings = headers.getlist(TWILIO_SETTINGS_HEADER)
        if not settings:
            return "HMAC_SHA1"
        if len(settings) > 1:
            raise MalformedHeader(TWILIO_SETTINGS_HEADER, "sent more than once")
        for part in settings[0].split(","):
            name, sep, value = part.partition("=")
            if sep and name.strip(" \t") == "algorithm" and value.strip(" \t"):
                algorithm = value.strip(" \t").upper()
                if algorithm not in TWILIO_ALGORITHMS:
                    raise MalformedHeader(TWILIO_SETTINGS_HEADER, "names an undocumented algorithm")
                return algorithm
        return "HMAC_SHA1"

    def messages(self, body: bytes) -> list[bytes]:
        """The signed strings for ``body`` (``bytes``), one per URL variant.

        Raises:
            PayloadError: the body is empty, or neither JSON nor a strict form.
            SignatureMismatch: a form whose signed string would start like a JSON
                body's URL (``?bodySHA256=``): only a request made to reuse a JSON
                request's signature has one.
        """
        if not body:
            raise PayloadError("body is empty")
        if body_is_json(body):
            digest = hashlib.sha256(body).hexdigest().encode("ascii")
            return [prefix + digest for prefix in self._json_prefixes]
        fields = twilio_form_text(form_pairs(body, max_fields=TWILIO_MAX_FIELDS)).encode("utf-8")
        # Twilio concatenates without separators, so "URL" + "?bodySHA256=<hex>" as a
        # form field would sign exactly what a JSON body's URL signs.
        if fields.startswith(self._json_prefixes[0][len(self._prefixes[0]) :]):
            raise SignatureMismatch("a form whose fields sign like a JSON body's bodySHA256 URL is refused")
        return [prefix + fields for prefix in self._prefixes]

    def verify(self, headers: Headers, body: bytes, now: float) -> Verified:
        """Raise unless ``X-Twilio-Signature`` is the MAC of the signed string under a live secret."""
        candidate = _decode_signature(headers.require(TWILIO_HEADER), TWILIO_HEADER, "base64")
        keyring = self._keyrings[self._algorithm(headers)]
        if not _matches(keyring, now, self.messages(_raw(body)), (candidate,)):
            raise SignatureMismatch(f"the signature matches none of {len(keyring)} secret(s) for the URL")
        return NOTHING_SIGNED

    def sign(self, body: bytes, now: float) -> dict[str, str]:
        """``X-Twilio-Signature`` (HMAC-SHA1, first secret) for ``body`` at the configured URL."""
        mac = _mac(self._keyrings["HMAC_SHA1"], self.messages(body)[0])
        return {TWILIO_HEADER: base64.b64encode(mac).decode("ascii")}

    def __repr__(self) -> str:
        return f"TwilioSignature({len(self._keyrings['HMAC_SHA1'])} secret(s))"


MAX_TOKEN_LENGTH = 256
"""The longest signed token a :class:`BodySignature` accepts (Mailgun's are 50 characters)."""


class BodySignature:
    """A signature block inside a JSON body: ``{"signature": {"timestamp", "token",
    "signature"}, ...}``, the hex HMAC of ``<timestamp><token>`` (Mailgun).

    The body is decoded to find the block; nothing else in it is read here, and none
    of it is covered by the signature: only the timestamp and the token are. A
    ``parent-signature`` (Mailgun's subaccounts: the same MAC under the primary
    account's key) is accepted beside ``signature``. The token is returned as the
    signed message id, for a store to refuse a token used twice.
    """

    __slots__ = ("_block", "_extra", "_keyring", "_tolerance")

    def __init__(
        self,
        keyring: Keyring,
        *,
        tolerance: float = DEFAULT_TOLERANCE,
        block: str = "signature",
        extra_signatures: tuple[str, ...] = ("parent-signature",),
    ) -> None:
        self._keyring = keyring
        self._tolerance = check_tolerance_option(tolerance)
        self._block = block
        self._extra = extra_signatures

    @property
    def tolerance(self) -> float:
        """Seconds the signed timestamp may differ from now, either way."""
        return self._tolerance

    def read(self, body: bytes) -> tuple[str, str, list[bytes]]:
        """The block's timestamp and token as signed, and its readable signatures.

        Raises:
            PayloadError: the body is not a JSON object.
            MissingHeader: the block, or a field of it, is absent (``header`` names
                the field: ``signature.token``).
            MalformedHeader: a field has the wrong type or form.
        """
        payload = decode_json(body)
        if not isinstance(payload, dict):
            raise PayloadError("body must be a JSON object")
        block_name = self._block
        block = payload.get(block_name)
        if block is None:
            raise MissingHeader(block_name)
        if not isinstance(block, dict):
            raise MalformedHeader(block_name, "is not an object")
        timestamp = block.get("timestamp")
        where = f"{block_name}.timestamp"
        if timestamp is None or timestamp == "":
            raise MissingHeader(where)
        if type(timestamp) is int and timestamp >= 0:
            timestamp = str(timestamp)
        elif not isinstance(timestamp, str):
            raise MalformedHeader(where, "is not a whole number of seconds")
        token = block.get("token")
        where = f"{block_name}.token"
        if token is None or (isinstance(token, str) and not token):
            raise MissingHeader(where)
        if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
            raise MalformedHeader(where, f"is not a string of at most {MAX_TOKEN_LENGTH} characters")
        if block.get("signature") in (None, ""):
            raise MissingHeader(f"{block_name}.signature")
        candidates: list[bytes] = []
        for key in ("signature", *self._extra):
            value = block.get(key)
            if isinstance(value, str):
                try:
                    candidates.append(binascii.a2b_hex(value))
                except (ValueError, binascii.Error):
                    continue
        if not candidates:
            raise MalformedHeader(f"{block_name}.signature", "is not a hex string")
        return timestamp, token, candidates

    def verify(self, headers: Headers, body: bytes, now: float) -> Verified:
        """Raise unless the block's signature is the MAC of its timestamp and token,
        and the timestamp is within the tolerance."""
        timestamp, token, candidates = self.read(_raw(body))
        signed_at = signed_time(timestamp, f"{self._block}.timestamp", self._tolerance, now)
        message = (timestamp + token).encode("utf-8")
        if not _matches(self._keyring, now, (message,), candidates):
            raise SignatureMismatch(
                f"none of {len(candidates)} signature(s) matches any of {len(self._keyring)} secret(s)"
            )
        return Verified(timestamp=timestamp, signed_at=signed_at, message_id=token)

    def sign(self, body: bytes, now: float) -> dict[str, str]:
        """Not possible: the signature travels inside the body (see :meth:`sign_body`)."""
        raise ConfigurationError(
            "this provider's signature travels inside the body, not in headers: use "
            "provider.sign_request(body) or webhook_receiver.testing.signed_request(...), "
            "which return the headers and the signed body"
        )

    def sign_body(self, body: bytes, now: float, *, token: str | None = None) -> bytes:
        """``body`` (a JSON object) with a fresh signature block first, signed at ``now``
        with the first secret, as compact JSON.

        Raises:
            ConfigurationError: ``body`` is not a JSON object.
        """
        try:
            payload = json.loads(body)
        except ValueError:
            raise ConfigurationError("a body signed inside must be a JSON object") from None
        if not isinstance(payload, dict):
            raise ConfigurationError("a body signed inside must be a JSON object")
        timestamp = str(int(now))
        token = token or secrets.token_hex(25)  # 50 characters, like Mailgun's
        mac = _mac(self._keyring, (timestamp + token).encode("utf-8"))
        block = {"timestamp": timestamp, "token": token, "signature": mac.hex()}
        rest = {key: value for key, value in payload.items() if key != self._block}
        return json.dumps({self._block: block, **rest}, separators=(",", ":")).encode()

    def __repr__(self) -> str:
        return f"BodySignature({self._keyring!r}, tolerance={self._tolerance:g})"


class KeySignature:
    """A public-key signature header over ``<timestamp><body>``, with a timestamp header
    (SendGrid's signed Event Webhook: base64 DER ECDSA P-256 / SHA-256).

    ``keys`` holds the configured public keys (each may expire, as a
    :class:`~webhook_receiver.Secret`); the timestamp is checked before the (costlier)
    signature.
    """

    __slots__ = ("_header", "_keys", "_timestamp_header", "_tolerance")

    reads_any_headers = True
    """``verify`` takes any ``HeadersLike`` (see ``_schemes.BUILTIN_SCHEMES``)."""

    def __init__(
        self,
        keys: PublicKeys,
        *,
        header: str,
        timestamp_header: str,
        tolerance: float = DEFAULT_TOLERANCE,
    ) -> None:
        if not header or not timestamp_header:
            raise ConfigurationError("header and timestamp_header are required")
        self._keys = keys
        self._header = header
        self._timestamp_header = timestamp_header
        self._tolerance = check_tolerance_option(tolerance)

    @property
    def tolerance(self) -> float:
        """Seconds the signed timestamp may differ from now, either way."""
        return self._tolerance

    def verify(self, headers: HeadersLike, body: bytes, now: float) -> Verified:
        """Raise unless a key valid at ``now`` verifies the signature over ``<timestamp><body>``."""
        pairs = headers.items() if type(headers) is dict else header_pairs(headers)
        encoded = require(pairs, self._header)
        timestamp = require(pairs, self._timestamp_header)
        signed_at = signed_time(timestamp, self._timestamp_header, self._tolerance, now)
        signature = _decode_signature(encoded, self._header, "base64")
        if not self._keys.verifies((signature,), wire_bytes(timestamp) + _raw(body), now):
            raise SignatureMismatch(f"the signature is verified by none of {len(self._keys)} public key(s)")
        return Verified(timestamp=timestamp, signed_at=signed_at)

    def sign(self, body: bytes, now: float) -> dict[str, str]:
        """Not possible with a public key: sign with the private one (:meth:`sign_with_key`)."""
        raise ConfigurationError(
            "this provider is verified with a public key: sign with its private key "
            "(provider.sign_request(body, private_key=...) or testing.signed_request(..., private_key=...))"
        )

    def sign_with_key(self, body: bytes, now: float, key: str | bytes) -> dict[str, str]:
        """The signature and timestamp headers for ``body``, signed with the private ``key``
        (PEM, DER, or their base64 text)."""
        timestamp = str(int(now))
        signature = private_key(self._keys.kind, key).sign(timestamp.encode("ascii") + body)
        return {self._timestamp_header: timestamp, self._header: base64.b64encode(signature).decode("ascii")}

    def __repr__(self) -> str:
        return f"KeySignature({self._keys!r}, tolerance={self._tolerance:g})"
