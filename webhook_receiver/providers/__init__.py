"""Every provider this library verifies, and :func:`create` to make one by name.

========================  ============================  =================================================
name                      class                         what is checked
========================  ============================  =================================================
``courier``               :class:`Courier`              ``courier-signature: t=..,signature=..``
``courier-channel``       :class:`CourierChannel`       Basic or Bearer credentials
``customerio``            :class:`CustomerIO`           ``X-Signature``: hex HMAC-SHA1 of the body
``customerio-reporting``  :class:`CustomerIOReporting`  ``X-CIO-Signature`` over ``v0:<ts>:<body>``
``kourier``               :class:`Kourier`              ``Authorization: Bearer <token>``
``xtremepush``            :class:`Xtremepush`           basic, bearer, signed key/HMAC, OAuth 2.0
``stripe``                :class:`Stripe`               ``Stripe-Signature: t=..,v1=..``
``standard-webhooks``     :class:`StandardWebhooks`     ``webhook-*``: ``v1`` HMAC or ``v1a`` Ed25519
``resend``                :class:`Resend`               Standard Webhooks (Svix) headers
``clerk``                 :class:`Clerk`                Standard Webhooks (Svix) headers
``github``                :class:`GitHub`               ``X-Hub-Signature-256: sha256=..``
``gitlab``                :class:`GitLab`               ``X-Gitlab-Token``, or Standard Webhooks signing
``slack``                 :class:`Slack`                ``X-Slack-Signature: v0=..`` + timestamp
``shopify``               :class:`Shopify`              ``X-Shopify-Hmac-Sha256``: base64 of the body
``twilio``                :class:`Twilio`               ``X-Twilio-Signature`` over the URL and form
``sendgrid``              :class:`SendGrid`             ECDSA P-256 over timestamp + body
``discord``               :class:`Discord`              Ed25519 over timestamp + body; PING
``meta``                  :class:`Meta`                 ``X-Hub-Signature-256``; ``GET`` hub.challenge
``zoom``                  :class:`Zoom`                 ``x-zm-signature: v0=..``; url_validation
``twitch``                :class:`Twitch`               id + timestamp + body; callback verification
``paddle``                :class:`Paddle`               ``Paddle-Signature: ts=..;h1=..``
``postmark``              :class:`Postmark`             Basic credentials and/or a header token
``mailgun``               :class:`Mailgun`              ``signature`` block inside the body
``square``                :class:`Square`               base64 HMAC-SHA256 over URL + body
``linear``                :class:`Linear`               ``Linear-Signature`` + signed ``webhookTimestamp``
``intercom``              :class:`Intercom`             ``X-Hub-Signature: sha1=..``
``zendesk``               :class:`Zendesk`              base64 HMAC over RFC 3339 timestamp + body
``typeform``              :class:`Typeform`             ``Typeform-Signature: sha256=<base64>``
``calendly``              :class:`Calendly`             ``Calendly-Webhook-Signature: t=..,v1=..``
``vercel``                :class:`Vercel`               ``x-vercel-signature``: hex HMAC-SHA1
``aws-sns``               :class:`AwsSns`               RSA over X.509 from an allowlisted host
``bearer``                :class:`Bearer`               a bearer token
``basic``                 :class:`Basic`                HTTP Basic credentials
``hmac``                  :class:`Hmac`                 any HMAC scheme, described by options
========================  ============================  =================================================
"""

from __future__ import annotations

from typing import Any

from .._errors import ConfigurationError
from ._base import Provider
from .aws_sns import AwsSns
from .calendly import Calendly
from .clerk import Clerk
from .courier import Courier, CourierChannel
from .customerio import CustomerIO
from .customerio_reporting import CustomerIOReporting
from .discord import Discord
from .generic import Basic, Bearer, Hmac
from .github import GitHub
from .gitlab import GitLab
from .intercom import Intercom
from .kourier import Kourier
from .linear import Linear
from .mailgun import Mailgun
from .meta import Meta
from .paddle import Paddle
from .postmark import Postmark
from .resend import Resend
from .sendgrid import SendGrid
from .shopify import Shopify
from .slack import Slack
from .square import Square
from .standard_webhooks import StandardWebhooks
from .stripe import Stripe
from .twilio import Twilio
from .twitch import Twitch
from .typeform import Typeform
from .vercel import Vercel
from .xtremepush import Xtremepush
from .zendesk import Zendesk
from .zoom import Zoom

__all__ = [
    "PROVIDERS",
    "AwsSns",
    "Basic",
    "Bearer",
    "Calendly",
    "Clerk",
    "Courier",
    "CourierChannel",
    "CustomerIO",
    "CustomerIOReporting",
    "Discord",
    "GitHub",
    "GitLab",
    "Hmac",
    "Intercom",
    "Kourier",
    "Linear",
    "Mailgun",
    "Meta",
    "Paddle",
    "Postmark",
    "Provider",
    "Resend",
    "SendGrid",
    "Shopify",
    "Slack",
    "Square",
    "StandardWebhooks",
    "Stripe",
    "Twilio",
    "Twitch",
    "Typeform",
    "Vercel",
    "Xtremepush",
    "Zendesk",
    "Zoom",
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
        Resend,
        Clerk,
        Shopify,
        Twilio,
        SendGrid,
        Discord,
        Meta,
        Zoom,
        Twitch,
        Paddle,
        CustomerIOReporting,
        Postmark,
        Mailgun,
        Square,
        Linear,
        Intercom,
        Zendesk,
        Typeform,
        Calendly,
        Vercel,
        GitLab,
        AwsSns,
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
