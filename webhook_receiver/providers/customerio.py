"""Customer.io Data Pipelines, Webhook destination.

``X-Signature`` is the hex HMAC-SHA1 of the raw body under the shared secret (upper-
or lower-case hex both accepted). There is no timestamp, so a captured request stays
valid: pair this provider with an idempotency store to make replays harmless.
"""

from __future__ import annotations

from .._schemes import Clock, HmacSignature, Keyring, SecretInput, encode_secrets
from ._base import Provider

__all__ = ["CustomerIO"]


class CustomerIO(Provider):
    """Customer.io Data Pipelines webhooks (``identify``, ``track``, batches of up to 1000)."""

    name = "customerio"
    signature_header = "X-Signature"

    __slots__ = ()

    def __init__(self, *, secret: SecretInput, clock: Clock | None = None) -> None:
        """Args:
        secret: the destination's Shared Secret, or several during a rotation.
        """
        keyring = Keyring(encode_secrets(secret, "secret"), "sha1")
        super().__init__(HmacSignature(keyring, header=self.signature_header), clock=clock)
