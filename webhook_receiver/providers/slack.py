"""Slack: ``X-Slack-Signature: v0=<hex>`` over ``v0:<timestamp>:<body>``."""

from __future__ import annotations

from .._schemes import DEFAULT_TOLERANCE, Clock, HmacSignature, Keyring, SecretInput, encode_secrets
from ._base import Provider

__all__ = ["Slack"]


class Slack(Provider):
    """Slack's signed requests (Events API, interactivity, slash commands)."""

    name = "slack"
    signature_header = "X-Slack-Signature"
    timestamp_header = "X-Slack-Request-Timestamp"

    __slots__ = ()

    def __init__(
        self, *, secret: SecretInput, tolerance: float = DEFAULT_TOLERANCE, clock: Clock | None = None
    ) -> None:
        """Args:
        secret: the app's Signing Secret, or several during a rotation.
        tolerance: seconds the signed timestamp may differ from now, either way.
        """
        scheme = HmacSignature(
            Keyring(encode_secrets(secret, "secret"), "sha256"),
            header=self.signature_header,
            prefix="v0=",
            timestamp_header=self.timestamp_header,
            payload="v0:{timestamp}:{body}",
            tolerance=tolerance,
        )
        super().__init__(scheme, clock=clock)
