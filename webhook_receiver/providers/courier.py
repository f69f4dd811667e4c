"""Courier: outbound event webhooks (``courier``) and the Webhook channel (``courier-channel``).

Event webhooks carry ``courier-signature: t=<timestamp>,signature=<hex>``, where the
signature is HMAC-SHA256(secret, timestamp-as-sent + raw body) with no separator.
Courier's published example timestamp, ``1631816343012``, is in *milliseconds*, so the
timestamp's unit is decided by its size: values of 10**11 or more are milliseconds
(10**11 seconds would be the year 5138), smaller ones are seconds. Either way the
signed bytes are the timestamp exactly as sent.

The Webhook channel (Courier delivering a notification to your URL) authenticates
with HTTP Basic or Bearer credentials configured on the integration or per
recipient profile.
"""

from __future__ import annotations

from .._schemes import DEFAULT_TOLERANCE, Clock, KeyedListSignature, Keyring, SecretInput, encode_secrets
from ._base import Credentials, Provider, auth_scheme

__all__ = ["Courier", "CourierChannel"]


class Courier(Provider):
    """Courier's outbound event webhooks (``message:updated``, ``notification:*``, ``audiences:*``)."""

    name = "courier"
    signature_header = "courier-signature"

    __slots__ = ()

    def __init__(
        self, *, secret: SecretInput, tolerance: float = DEFAULT_TOLERANCE, clock: Clock | None = None
    ) -> None:
        """Args:
        secret: the endpoint's signing secret, or several during a rotation.
        tolerance: seconds the signed timestamp may differ from now, either way.
        clock: returns unix seconds; defaults to ``time.time``.
        """
        scheme = KeyedListSignature(
            Keyring(encode_secrets(secret, "secret"), "sha256"),
            header=self.signature_header,
            signature_key="signature",
            separator=b"",
            tolerance=tolerance,
            timestamp_unit="auto",
        )
        super().__init__(scheme, clock=clock)


class CourierChannel(Provider):
    """Courier's Webhook channel: a notification delivered to your URL with Basic or Bearer auth."""

    name = "courier-channel"

    __slots__ = ()

    def __init__(
        self,
        *,
        auth: str | None = None,
        username: str | bytes | None = None,
        password: str | bytes | None = None,
        credentials: Credentials | None = None,
        token: SecretInput | None = None,
        clock: Clock | None = None,
    ) -> None:
        """Args:
        auth: ``"basic"``, ``"bearer"`` or ``"none"``; inferred from the other options
            when left out, except ``"none"``, which must be said explicitly.
        username, password: the Basic credentials.
        credentials: several ``(username, password)`` pairs, for rotation.
        token: the Bearer token, or several.
        """
        scheme = auth_scheme(
            self.name,
            auth,
            ("basic", "bearer", "none"),
            username=username,
            password=password,
            credentials=credentials,
            token=token,
        )
        assert scheme is not None  # every allowed auth is built by auth_scheme
        super().__init__(scheme, clock=clock)
