"""Stripe: ``Stripe-Signature: t=<ts>,v1=<hex>[,v1=...][,v0=...]`` over ``<ts>.<body>``.

Only ``v1`` entries count; ``v0`` (test-mode legacy) and unknown keys are ignored.
The secret (``whsec_...``) is used as the HMAC key exactly as Stripe shows it.
"""

from __future__ import annotations

from .._schemes import DEFAULT_TOLERANCE, Clock, KeyedListSignature, Keyring, SecretInput, encode_secrets
from ._base import Provider

__all__ = ["Stripe"]


class Stripe(Provider):
    """Stripe webhook events."""

    name = "stripe"
    signature_header = "Stripe-Signature"

    __slots__ = ()

    def __init__(
        self, *, secret: SecretInput, tolerance: float = DEFAULT_TOLERANCE, clock: Clock | None = None
    ) -> None:
        """Args:
        secret: the endpoint's signing secret (``whsec_...``), or several during a rotation.
        tolerance: seconds the signed timestamp may differ from now, either way
            (Stripe's own library only rejects old ones).
        """
        scheme = KeyedListSignature(
            Keyring(encode_secrets(secret, "secret"), "sha256"),
            header=self.signature_header,
            signature_key="v1",
            separator=b".",
            tolerance=tolerance,
        )
        super().__init__(scheme, clock=clock)
