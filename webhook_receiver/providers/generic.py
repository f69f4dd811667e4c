"""Generic building blocks for providers this library does not ship.

``Hmac`` describes most signature schemes in one call::

    Hmac(
        secret="...",
        header="X-Acme-Signature",   # where the signature is
        digest="sha256",             # sha1, sha256 or sha512
        encoding="hex",              # or "base64"
        prefix="sha256=",            # stripped before decoding, if the sender adds one
        timestamp_header="X-Acme-Timestamp",
        payload="{timestamp}.{body}",  # what was signed; {body} is the raw bytes
    )

``Bearer`` and ``Basic`` check static credentials.

Identity, for all three: the event's type and the body's ``id``, else its type and
payload. ``Hmac`` signs the body (and the timestamp, with ``timestamp_header``);
``Bearer`` and ``Basic`` sign nothing: the credentials say who sent a request, not
what or when, so a captured request can be replayed, or its body changed. Pair them
with an idempotency store.
"""

from __future__ import annotations

from .._schemes import (
    DEFAULT_TOLERANCE,
    Clock,
    Digest,
    Encoding,
    HmacSignature,
    Keyring,
    SecretInput,
    TimestampUnit,
    encode_secrets,
)
from ._base import Credentials, Provider, basic_auth, bearer_token

__all__ = ["Basic", "Bearer", "Hmac"]


class Bearer(Provider):
    """``<header>: Bearer <token>`` with any of the configured tokens."""

    name = "bearer"

    __slots__ = ()

    def __init__(
        self, *, token: SecretInput, header: str = "Authorization", clock: Clock | None = None
    ) -> None:
        """Args:
        token: the expected token, or several during a rotation.
        header: the header carrying ``Bearer <token>``.
        """
        super().__init__(bearer_token(token, header=header), clock=clock)


class Basic(Provider):
    """HTTP Basic authentication with any of the configured username/password pairs."""

    name = "basic"

    __slots__ = ()

    def __init__(
        self,
        *,
        username: str | bytes | None = None,
        password: str | bytes | None = None,
        credentials: Credentials | None = None,
        realm: str = "webhooks",
        clock: Clock | None = None,
    ) -> None:
        """Args:
        username, password: one pair of credentials.
        credentials: several ``(username, password)`` pairs, for rotation.
        realm: the realm named in the ``WWW-Authenticate`` challenge of a 401.
        """
        super().__init__(basic_auth(username, password, credentials, realm=realm), clock=clock)


class Hmac(Provider):
    """A configurable HMAC signature: describe a provider we do not ship in a few lines."""

    name = "hmac"

    __slots__ = ()

    def __init__(
        self,
        *,
        secret: SecretInput,
        header: str,
        digest: Digest = "sha256",
        encoding: Encoding = "hex",
        prefix: str = "",
        timestamp_header: str | None = None,
        payload: str | None = None,
        timestamp_unit: TimestampUnit = "s",
        tolerance: float = DEFAULT_TOLERANCE,
        clock: Clock | None = None,
    ) -> None:
        """Args:
        secret: the signing secret, or several during a rotation.
        header: the header holding the signature.
        digest: ``"sha1"``, ``"sha256"`` or ``"sha512"``.
        encoding: how the signature is written: ``"hex"`` (any case) or ``"base64"``.
        prefix: text before the signature to require and strip, e.g. ``"sha256="``.
        timestamp_header: a header holding the signed unix timestamp, checked
            against ``tolerance`` (old and future).
        payload: what was signed, as a template over ``{body}`` (the raw bytes) and
            ``{timestamp}`` (as sent); defaults to ``"{timestamp}.{body}"`` with a
            timestamp header, else ``"{body}"``.
        timestamp_unit: ``"s"``, ``"ms"``, or ``"auto"`` (>= 10**11 means milliseconds).
        tolerance: seconds the signed timestamp may differ from now, either way.
        """
        scheme = HmacSignature(
            Keyring(encode_secrets(secret, "secret"), digest),
            header=header,
            encoding=encoding,
            prefix=prefix,
            timestamp_header=timestamp_header,
            payload=payload,
            tolerance=tolerance,
            timestamp_unit=timestamp_unit,
        )
        super().__init__(scheme, clock=clock)
