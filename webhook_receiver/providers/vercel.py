"""Vercel: ``x-vercel-signature: <hex>``, HMAC-SHA1 of the raw body.

The key is the secret Vercel shows once when an account webhook is created
(team Settings > Webhooks), or, for an integration's webhooks, the integration's
client secret (Vercel's "Securing webhooks": ``crypto.createHmac('sha1', secret)
.update(rawBody).digest('hex')`` compared with ``x-vercel-signature``). Lower-case
hex, no prefix; upper-case is accepted too. Nothing else is signed and there is no
timestamp header, so there is no tolerance.

Bodies are ``{"type", "id", "createdAt", "region", "payload"}`` (Vercel's "Webhooks
API Reference"): ``createdAt`` is unix milliseconds, ``region`` may be ``null``,
and ``payload`` holds the event's own fields (``team.id``, ``user.id``,
``deployment``, ``project``, ``links``, ...). Event types are dotted names such as
``deployment.created``, ``deployment.succeeded``, ``deployment.error``,
``deployment.canceled``, ``deployment.promoted``, ``project.created``,
``project.removed``, ``domain.created`` and ``integration-configuration.removed``.

Identity: the event type and ``id``, from the signed body. Vercel calls ``id`` "the
ID of the webhook delivery" and says nothing of retries keeping it, so a retry that
carries a new id runs again; a captured request is the same id, so with an
idempotency store it is a duplicate. ``createdAt`` is signed (it is in the body) and
is the event's ``timestamp``, but is not enforced as a tolerance: a retry of an old
event would be refused; handlers that care can compare it with the clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .._errors import PayloadError
from .._events import Event, JSONObject, JSONValue, Reader, constructor
from .._headers import Headers
from .._schemes import Clock, HmacSignature, Keyring, SecretInput, encode_secrets
from ._base import Provider

__all__ = [
    "DeploymentEvent",
    "DomainEvent",
    "IntegrationConfigurationEvent",
    "ProjectEvent",
    "Vercel",
    "VercelEvent",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class VercelEvent(Event):
    """Any Vercel webhook; types without a class of their own arrive as this.

    ``timestamp`` is ``createdAt``; ``data`` is the body's ``payload`` object (the
    whole body stays in ``payload``); ``team_id``, ``user_id`` and ``project_id`` are
    read from it where present.
    """

    region: str | None = None
    data: JSONObject = field(default_factory=dict, repr=False)
    team_id: str | None = None
    user_id: str | None = None
    project_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DeploymentEvent(VercelEvent):
    """``deployment.*``: ``payload.deployment`` (``id`` required), its links and target."""

    deployment_id: str
    deployment_url: str | None = None
    deployment_name: str | None = None
    target: str | None = None
    plan: str | None = None
    regions: tuple[str, ...] = ()
    inspector_url: str | None = None
    meta: JSONObject = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class ProjectEvent(VercelEvent):
    """``project.*``: ``payload.project`` (``id`` required)."""

    project_id: str
    project_name: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DomainEvent(VercelEvent):
    """``domain.*``: ``payload.domain`` (``name`` required)."""

    domain_name: str
    delegated: bool | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class IntegrationConfigurationEvent(VercelEvent):
    """``integration-configuration.*``: ``payload.configuration`` (``id`` required)."""

    configuration_id: str
    project_selection: str | None = None
    projects: tuple[str, ...] = ()


_NEW: dict[type[VercelEvent], Callable[..., VercelEvent]] = {
    cls: constructor(cls)
    for cls in (VercelEvent, DeploymentEvent, ProjectEvent, DomainEvent, IntegrationConfigurationEvent)
}


def _strings(reader: Reader, key: str) -> tuple[str, ...]:
    value = reader.raw(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise PayloadError(f"{reader.where}.{key} must be an array of strings")
    return tuple(item for item in value if isinstance(item, str))


def vercel_event(payload: JSONValue) -> VercelEvent:
    """The typed event for one Vercel body."""
    body = Reader(payload, "body")
    kind = body.kind("type")
    data = body.child("payload")
    project = data.child("project")
    common: dict[str, object] = {
        "provider": "vercel",
        "type": kind,
        "id": body.text("id"),
        "timestamp": body.time("createdAt"),
        "payload": payload,
        "region": body.text("region"),
        "data": data.data,
        "team_id": data.child("team").text("id"),
        "user_id": data.child("user").text("id"),
        "project_id": project.text("id"),
    }
    if kind.startswith("deployment."):
        deployment = data.child("deployment")
        return _NEW[DeploymentEvent](
            **common,
            deployment_id=deployment.required_text("id"),
            deployment_url=deployment.text("url"),
            deployment_name=deployment.text("name"),
            target=data.text("target"),
            plan=data.text("plan"),
            regions=_strings(data, "regions"),
            inspector_url=data.child("links").text("deployment"),
            meta=deployment.mapping("meta"),
        )
    if kind.startswith("project."):
        common["project_id"] = project.required_text("id")
        return _NEW[ProjectEvent](**common, project_name=project.text("name"))
    if kind.startswith("domain."):
        domain = data.child("domain")
        return _NEW[DomainEvent](
            **common, domain_name=domain.required_text("name"), delegated=domain.boolean("delegated")
        )
    if kind.startswith("integration-configuration."):
        configuration = data.child("configuration")
        return _NEW[IntegrationConfigurationEvent](
            **common,
            configuration_id=configuration.required_text("id"),
            project_selection=configuration.text("projectSelection"),
            projects=_strings(configuration, "projects"),
        )
    return _NEW[VercelEvent](**common)


class Vercel(Provider):
    """Vercel account and integration webhooks (``x-vercel-signature``, HMAC-SHA1 of the body)."""

    name = "vercel"
    signature_header = "x-vercel-signature"

    __slots__ = ()

    def __init__(self, *, secret: SecretInput, clock: Clock | None = None) -> None:
        """Args:
        secret: the webhook's secret (or the integration's client secret), or
            several during a rotation (a ``Secret`` with ``expires_at`` stops
            verifying at that time).
        """
        keyring = Keyring(encode_secrets(secret, "secret"), "sha1")
        super().__init__(HmacSignature(keyring, header=self.signature_header), clock=clock)

    def events_from(self, payload: JSONValue, headers: Headers) -> list[Event]:
        """One typed event per body."""
        return [vercel_event(payload)]
