"""GitHub: ``X-Hub-Signature-256: sha256=<hex>``, HMAC-SHA256 of the raw body."""

from __future__ import annotations

from .._schemes import Clock, HmacSignature, Keyring, SecretInput, encode_secrets
from ._base import Provider

__all__ = ["GitHub"]


class GitHub(Provider):
    """GitHub webhooks. GitHub signs no timestamp: use an idempotency store against replays."""

    name = "github"
    signature_header = "X-Hub-Signature-256"

    __slots__ = ()

    def __init__(self, *, secret: SecretInput, clock: Clock | None = None) -> None:
        """Args:
        secret: the webhook's secret, or several during a rotation.
        """
        keyring = Keyring(encode_secrets(secret, "secret"), "sha256")
        super().__init__(HmacSignature(keyring, header=self.signature_header, prefix="sha256="), clock=clock)
