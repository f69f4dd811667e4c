"""Xtremepush campaign webhooks.

Xtremepush lets each connection choose its authentication, and so does this provider:

* ``auth="basic"``: ``username``/``password`` (or a ``credentials`` list);
* ``auth="bearer"``: ``token``;
* ``auth="signed"``: Xtremepush's "Signed Payload", a generated key that the sender
  presents and that must match the key stored on your side. Xtremepush does not
  document the header it travels in, so ``header`` is configurable (default
  ``X-Signature``). With ``signature="key"`` (the default) the header's value must be
  the key itself; with ``signature="hmac-sha256"`` it must be the hex HMAC-SHA256 of
  the raw body under the key, for senders or proxies that sign the payload rather than send the key;
* ``auth="oauth2"``: a bearer token fetched by Xtremepush from your OAuth 2.0 server,
  checked by ``token_validator(token) -> bool``, which you supply;
* ``auth="none"``: no authentication, only when said explicitly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from .._errors import ConfigurationError
from .._schemes import (
    Clock,
    HmacSignature,
    Keyring,
    Scheme,
    SecretInput,
    SharedKey,
    TokenValidator,
    encode_secrets,
)
from ._base import Credentials, Provider, auth_scheme

__all__ = ["Xtremepush"]

_AUTHS = ("basic", "bearer", "signed", "oauth2", "none")


class Xtremepush(Provider):
    """Xtremepush message and subscription events."""

    name = "xtremepush"
    default_signed_header = "X-Signature"

    __slots__ = ()

    def __init__(
        self,
        *,
        auth: Literal["basic", "bearer", "signed", "oauth2", "none"] | None = None,
        username: str | bytes | None = None,
        password: str | bytes | None = None,
        credentials: Credentials | None = None,
        token: SecretInput | None = None,
        key: SecretInput | None = None,
        header: str = default_signed_header,
        signature: Literal["key", "hmac-sha256"] = "key",
        token_validator: Callable[[str], bool] | None = None,
        clock: Clock | None = None,
    ) -> None:
        """Args:
        auth: which authentication the connection uses (see the module docstring);
            inferred from the other options when left out, except ``"none"``.
        username, password, credentials: Basic credentials.
        token: the Bearer token, or several.
        key: the Signed Payload key, or several during a rotation.
        header: the header carrying the signed-payload key or signature.
        signature: ``"key"`` or ``"hmac-sha256"`` (signed payload only).
        token_validator: ``auth="oauth2"``: returns ``True`` for a token to accept.
        """
        if auth is None and key is not None:
            auth = "signed"
        elif auth is None and token_validator is not None:
            auth = "oauth2"
        if auth in ("signed", "oauth2") and (username or password or credentials or token is not None):
            raise ConfigurationError(f"xtremepush: auth={auth!r} does not use username, password or token")
        if auth != "signed" and key is not None:
            raise ConfigurationError("xtremepush: key is only used with auth='signed'")
        if auth != "oauth2" and token_validator is not None:
            raise ConfigurationError("xtremepush: token_validator is only used with auth='oauth2'")
        scheme: Scheme | None = auth_scheme(
            self.name,
            auth,
            _AUTHS,
            username=username,
            password=password,
            credentials=credentials,
            token=token,
        )
        if auth == "signed":
            keys = encode_secrets(key, "key")
            if signature == "key":
                scheme = SharedKey(keys, header=header)
            elif signature == "hmac-sha256":
                scheme = HmacSignature(Keyring(keys, "sha256"), header=header, prefix="")
            else:
                raise ConfigurationError("xtremepush: signature must be 'key' or 'hmac-sha256'")
        elif auth == "oauth2":
            if token_validator is None:
                raise ConfigurationError("xtremepush: auth='oauth2' needs token_validator")
            scheme = TokenValidator(token_validator)
        assert scheme is not None
        super().__init__(scheme, clock=clock)
