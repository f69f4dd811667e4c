"""Every provider this library verifies, and :func:`create` to make one by name.

=====================  ============================  ==========================================
name                   class                         what is checked
=====================  ============================  ==========================================
``courier``            :class:`Courier`              ``courier-signature: t=..,signature=..``
``courier-channel``    :class:`CourierChannel`       Basic or Bearer credentials
``customerio``         :class:`CustomerIO`           ``X-Signature``: hex HMAC-SHA1 of the body
``kourier``            :class:`Kourier`              ``Authorization: Bearer <token>``
``xtremepush``         :class:`Xtremepush`           basic, bearer, signed key/HMAC, OAuth 2.0
``stripe``             :class:`Stripe`               ``Stripe-Signature: t=..,v1=..``
``standard-webhooks``  :class:`StandardWebhooks`     ``webhook-id/-timestamp/-signature``
``github``             :class:`GitHub`               ``X-Hub-Signature-256: sha256=..``
``slack``              :class:`Slack`                ``X-Slack-Signature: v0=..`` + timestamp
``bearer``             :class:`Bearer`               a bearer token
``basic``              :class:`Basic`                HTTP Basic credentials
``hmac``               :class:`Hmac`                 any HMAC scheme, described by options
=====================  ============================  ==========================================
"""

from __future__ import annotations

from typing import Any

from .._errors import ConfigurationError
from ._base import Provider
from .courier import Courier, CourierChannel
from .customerio import CustomerIO
from .generic import Basic, Bearer, Hmac
from .github import GitHub
from .kourier import Kourier
from .slack import Slack
from .standard_webhooks import StandardWebhooks
from .stripe import Stripe
from .xtremepush import Xtremepush

__all__ = [
    "PROVIDERS",
    "Basic",
    "Bearer",
    "Courier",
    "CourierChannel",
    "CustomerIO",
    "GitHub",
    "Hmac",
    "Kourier",
    "Provider",
    "Slack",
    "StandardWebhooks",
    "Stripe",
    "Xtremepush",
    "create",
]

PROVIDERS: dict[str, type[Provider]] = {
    cls.name: cls
    for cls in (
        Courier,
        CourierChannel,
        CustomerIO,
        Kourier,
        Xtremepush,
        Stripe,
        StandardWebhooks,
        GitHub,
        Slack,
        Bearer,
        Basic,
        Hmac,
    )
}
"""Provider classes by the name :func:`create` takes."""


def create(name: str, **options: Any) -> Provider:
    """Create the provider called ``name`` with its options.

    >>> create("kourier", token="s3cret")
    <Kourier provider 'kourier': BearerToken(1 token(s), header='Authorization')>

    Raises:
        ConfigurationError: an unknown name, an unknown option, or a bad value.
    """
    try:
        cls = PROVIDERS[name]
    except (KeyError, TypeError):
        raise ConfigurationError(
            f"unknown provider {name!r}; known: {', '.join(sorted(PROVIDERS))}"
        ) from None
    try:
        return cls(**options)
    except TypeError as exc:
        # Wrong option names. TypeError's text names the option, never its value;
        # drop the "Courier.__init__() " prefix it starts with.
        problem = str(exc).split("__init__() ", 1)[-1]
        raise ConfigurationError(f"{name}: {problem}") from None
