"""Kourier delivery webhooks: ``Authorization: Bearer <token>``."""

from __future__ import annotations

from .._schemes import Clock, SecretInput
from ._base import Provider, bearer_token

__all__ = ["Kourier"]


class Kourier(Provider):
    """Kourier delivery events (``delivery.created``, ``delivery.updated``, ``delivery.cancelled``)."""

    name = "kourier"

    __slots__ = ()

    def __init__(self, *, token: SecretInput, clock: Clock | None = None) -> None:
        """Args:
        token: the token configured in the Kourier dashboard, or several during a rotation.
        """
        super().__init__(bearer_token(token), clock=clock)
