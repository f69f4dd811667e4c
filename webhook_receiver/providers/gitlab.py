"""GitLab: ``X-Gitlab-Token`` (the secret token, as it is), or a signing token.

Two ways GitLab authenticates a webhook, one per option:

* ``token=``: the webhook's **secret token**, which GitLab "sent with the hook
  request in the ``X-Gitlab-Token`` HTTP header" (GitLab's "Webhooks" page). It is
  compared in constant time with each configured token. A token signs nothing: it
  says who sent a request, not what or when. So an event is identified by its body
  alone, and a captured request (token included) can be replayed at any time, or
  its body changed: pair this with an idempotency store.
* ``secret=``: the webhook's **signing token** (``whsec_<base64>`` of a 32-byte
  key), GitLab's newer HMAC signing, behind the ``webhook_signing_token`` feature
  flag when this was written (gitlab-org/gitlab MRs 230944 and 231325, rollout issue
  596374). GitLab computes HMAC-SHA256 over ``{webhook-id}.{timestamp}.{body}`` and
  sends ``webhook-id`` (equal to ``Idempotency-Key``), ``webhook-timestamp`` (unix
  seconds) and ``webhook-signature: v1,<base64>``, "following the Standard Webhooks
  specification": exactly the library's Standard Webhooks scheme, so it is verified
  by it (``tolerance``, default 300 s, both ways). The signed ``webhook-id``
  identifies the event (a retry keeps it), and a captured request is refused once
  its signed time is outside the tolerance.

Give one or the other, not both: GitLab sends both headers when a hook has both, so
to move to signing, set the signing token in GitLab first, then switch the option.

Everything else is unsigned in both modes: ``X-Gitlab-Event`` (``"Push Hook"``),
``X-Gitlab-Event-UUID``, ``X-Gitlab-Webhook-UUID``, ``X-Gitlab-Instance`` and
``Idempotency-Key``; they are :attr:`GitLab.event_header_names`. The event ``type``
comes from the body instead: ``object_kind`` (``push``, ``merge_request``, ...),
else ``event_name`` (system hooks), else ``event_type``; only a body naming none of
them falls back to the ``X-Gitlab-Event`` header.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from .._errors import ConfigurationError, PayloadError, VerificationError
from .._events import CUSTOM, Event, JSONObject, JSONValue, Reader, constructor, to_datetime
from .._headers import Headers, header_pairs
from .._schemes import (
    DEFAULT_TOLERANCE,
    NOTHING_SIGNED,
    Clock,
    Keyring,
    SecretInput,
    SharedKey,
    StandardWebhooksSignature,
    Verified,
    encode_secrets,
    map_secrets,
    standard_headers,
)
from ._base import EventHeaders, Provider, payload_identity

__all__ = [
    "GitLab",
    "GitLabEvent",
    "IssueEvent",
    "JobEvent",
    "MergeRequestEvent",
    "NoteEvent",
    "PipelineEvent",
    "PushEvent",
    "ReleaseEvent",
    "TagPushEvent",
]

EVENT = "X-Gitlab-Event"
EVENT_UUID = "X-Gitlab-Event-UUID"
WEBHOOK_UUID = "X-Gitlab-Webhook-UUID"
INSTANCE = "X-Gitlab-Instance"
IDEMPOTENCY_KEY = "Idempotency-Key"
TOKEN_HEADER = "X-Gitlab-Token"
SIGNED_ID = "webhook-id"
SIGNED_TIMESTAMP = "webhook-timestamp"


@dataclass(frozen=True, slots=True, kw_only=True)
class GitLabEvent(Event):
    """Any GitLab webhook; kinds without a class of their own arrive as this.

    ``type`` is the body's ``object_kind`` (else ``event_name``, ``event_type``, or
    the ``X-Gitlab-Event`` header). ``id`` is the signed ``webhook-id`` with a
    signing token, else the unsigned ``Idempotency-Key`` (or
    ``X-Gitlab-Event-UUID``). ``event_name`` is the ``X-Gitlab-Event`` header as
    sent.
    """

    event_name: str | None = None
    event_uuid: str | None = None
    webhook_uuid: str | None = None
    instance: str | None = None
    idempotency_key: str | None = None
    project_id: int | None = None
    project_path: str | None = None
    username: str | None = None
    object_attributes: JSONObject = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class PushEvent(GitLabEvent):
    """``push``: commits pushed to a branch (``ref`` required)."""

    ref: str
    before: str | None = None
    after: str | None = None
    checkout_sha: str | None = None
    total_commits_count: int | None = None
    commits: tuple[JSONObject, ...] = field(default=(), repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class TagPushEvent(PushEvent):
    """``tag_push``: a tag created or deleted (``after`` is all zeros for a deletion)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class IssueEvent(GitLabEvent):
    """``issue`` (and ``work_item``): ``object_attributes`` is the issue."""

    iid: int | None = None
    title: str | None = None
    state: str | None = None
    action: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MergeRequestEvent(GitLabEvent):
    """``merge_request``: ``object_attributes`` is the merge request."""

    iid: int | None = None
    title: str | None = None
    state: str | None = None
    action: str | None = None
    source_branch: str | None = None
    target_branch: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NoteEvent(GitLabEvent):
    """``note``: a comment; ``noteable_type`` says on what (``Commit``, ``MergeRequest``, ``Issue``, ...)."""

    note: str | None = None
    noteable_type: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PipelineEvent(GitLabEvent):
    """``pipeline``: a pipeline's status changed."""

    pipeline_id: int | None = None
    status: str | None = None
    ref: str | None = None
    sha: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class JobEvent(GitLabEvent):
    """``build``: a CI/CD job's status changed (GitLab's "Job Hook")."""

    build_id: int | None = None
    build_name: str | None = None
    build_status: str | None = None
    ref: str | None = None
    sha: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReleaseEvent(GitLabEvent):
    """``release``: a release was created, updated or deleted (``action``)."""

    action: str | None = None
    tag: str | None = None
    release_name: str | None = None


_KINDS: dict[str, type[GitLabEvent]] = {
    "push": PushEvent,
    "tag_push": TagPushEvent,
    "issue": IssueEvent,
    "work_item": IssueEvent,
    "merge_request": MergeRequestEvent,
    "note": NoteEvent,
    "pipeline": PipelineEvent,
    "build": JobEvent,
    "release": ReleaseEvent,
}
_CLASSES: tuple[type[GitLabEvent], ...] = (GitLabEvent, *dict.fromkeys(_KINDS.values()))
_NEW: dict[type[GitLabEvent], Callable[..., GitLabEvent]] = {cls: constructor(cls) for cls in _CLASSES}


_READ = (SIGNED_ID, IDEMPOTENCY_KEY, EVENT_UUID, EVENT, WEBHOOK_UUID, INSTANCE)
"""The event headers an event reads."""


def _header_values(headers: Headers) -> dict[str, str | None]:
    """Each of :data:`_READ` that was sent, by name: its value, or ``None`` when blank or
    sent more than once (absent names are left out); one pass over the headers."""
    found: dict[str, str | None] = {}
    for name, value in headers.select(_READ):
        found[name] = None if name in found else value or None
    return found


def _objects(reader: Reader, key: str) -> tuple[JSONObject, ...]:
    value = reader.raw(key)
    if value is None:
        return ()
    if not isinstance(value, list):
        raise PayloadError(f"{reader.where}.{key} must be an array of objects")
    for item in value:
        if not isinstance(item, dict):
            raise PayloadError(f"{reader.where}.{key} must be an array of objects")
    return tuple(value)  # type: ignore[arg-type]  # every item is an object, checked above


# GitLab writes times as "2024-01-25 17:15:43 UTC", "2024-01-25 17:50:00 +0000" or
# ISO 8601, depending on the hook.
_GITLAB_TIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?) ?(UTC|Z|[+-]\d{2}:?\d{2})", re.ASCII
)


def _time(reader: Reader, key: str) -> datetime | None:
    """A GitLab time field, or ``None`` when absent or not a time (it is informational only)."""
    value = reader.raw(key)
    if not isinstance(value, str):
        return to_datetime(value)
    matched = _GITLAB_TIME.fullmatch(value.strip())
    if matched is None:
        return to_datetime(value)
    day, clock, zone = matched.groups()
    if zone in ("UTC", "Z"):
        zone = "+00:00"
    elif ":" not in zone:
        zone = f"{zone[:3]}:{zone[3:]}"
    return to_datetime(f"{day}T{clock}{zone}")


def _kind(body: Reader, sent: dict[str, str | None]) -> str:
    for key in ("object_kind", "event_name", "event_type"):
        if body.raw(key) is not None:
            return body.kind(key)
    return sent.get(EVENT) or CUSTOM


def gitlab_event(payload: JSONValue, headers: Headers) -> GitLabEvent:
    """The typed event for one GitLab body and its event headers."""
    body = Reader(payload, "body")
    sent = _header_values(headers)
    kind = _kind(body, sent)
    attributes = body.child("object_attributes")
    project = body.child("project")
    idempotency_key = sent.get(IDEMPOTENCY_KEY)
    event_uuid = sent.get(EVENT_UUID)
    common: dict[str, object] = {
        "provider": "gitlab",
        "type": kind,
        "id": sent.get(SIGNED_ID) or idempotency_key or event_uuid,
        "timestamp": _time(attributes, "updated_at") or _time(attributes, "created_at"),
        "payload": payload,
        "event_name": sent.get(EVENT),
        "event_uuid": event_uuid,
        "webhook_uuid": sent.get(WEBHOOK_UUID),
        "instance": sent.get(INSTANCE),
        "idempotency_key": idempotency_key,
        "project_id": project.integer("id") if project.raw("id") is not None else body.integer("project_id"),
        "project_path": project.text("path_with_namespace"),
        "username": body.text("user_username") or body.child("user").text("username"),
        "object_attributes": attributes.data,
    }
    cls = _KINDS.get(kind, GitLabEvent)
    extra: dict[str, object] = {}
    if cls is PushEvent or cls is TagPushEvent:
        extra = {
            "ref": body.required_text("ref"),
            "before": body.text("before"),
            "after": body.text("after"),
            "checkout_sha": body.text("checkout_sha"),
            "total_commits_count": body.integer("total_commits_count"),
            "commits": _objects(body, "commits"),
        }
    elif cls is IssueEvent or cls is MergeRequestEvent:
        extra = {
            "iid": attributes.integer("iid"),
            "title": attributes.text("title"),
            "state": attributes.text("state"),
            "action": attributes.text("action"),
        }
        if cls is MergeRequestEvent:
            extra |= {
                "source_branch": attributes.text("source_branch"),
                "target_branch": attributes.text("target_branch"),
            }
    elif cls is NoteEvent:
        extra = {"note": attributes.text("note"), "noteable_type": attributes.text("noteable_type")}
    elif cls is PipelineEvent:
        extra = {
            "pipeline_id": attributes.integer("id"),
            "status": attributes.text("status"),
            "ref": attributes.text("ref"),
            "sha": attributes.text("sha"),
        }
    elif cls is JobEvent:
        common["project_id"] = body.integer("project_id")
        common["timestamp"] = _time(body, "build_finished_at") or _time(body, "build_started_at")
        extra = {
            "build_id": body.integer("build_id"),
            "build_name": body.text("build_name"),
            "build_status": body.text("build_status"),
            "ref": body.text("ref"),
            "sha": body.text("sha"),
        }
    elif cls is ReleaseEvent:
        common["timestamp"] = _time(body, "released_at") or _time(body, "created_at")
        extra = {"action": body.text("action"), "tag": body.text("tag"), "release_name": body.text("name")}
    return _NEW[cls](**common, **extra)


class GitLab(Provider):
    """GitLab project, group and system hooks: a secret token, or a Standard Webhooks signing token."""

    name = "gitlab"
    token_header = TOKEN_HEADER
    event_header_names = (EVENT, EVENT_UUID, WEBHOOK_UUID, INSTANCE, IDEMPOTENCY_KEY)

    __slots__ = ()

    def __init__(
        self,
        *,
        token: SecretInput | None = None,
        secret: SecretInput | None = None,
        tolerance: float | None = None,
        clock: Clock | None = None,
    ) -> None:
        """Args:
        token: the webhook's secret token (``X-Gitlab-Token``), or several during a
            rotation. Signs nothing: use an idempotency store.
        secret: the webhook's signing token (``whsec_<base64>``; ``bytes`` are the raw
            key), or several during a rotation.
        tolerance: with ``secret``, seconds the signed ``webhook-timestamp`` may
            differ from now, either way (default 300).

        Either ``token`` or ``secret``, not both; a ``Secret`` with ``expires_at``
        stops verifying at that time.
        """
        if (token is None) == (secret is None):
            raise ConfigurationError(
                "gitlab: give token= (the secret token, X-Gitlab-Token) or secret= "
                "(the signing token, webhook-signature), not both"
            )
        if token is not None:
            if tolerance is not None:
                raise ConfigurationError("gitlab: tolerance only applies to secret= (a token signs no time)")
            scheme: SharedKey | StandardWebhooksSignature = SharedKey(
                encode_secrets(token, "token"), header=self.token_header
            )
        else:
            keys = map_secrets(secret, "secret", StandardWebhooksSignature.decode_secret)
            scheme = StandardWebhooksSignature(
                Keyring(keys, "sha256"), tolerance=DEFAULT_TOLERANCE if tolerance is None else tolerance
            )
        super().__init__(scheme, clock=clock)

    @property
    def signed(self) -> bool:
        """Whether requests are verified by a signing token (``secret=``) rather than a secret token."""
        return isinstance(self._scheme, StandardWebhooksSignature)

    def claimed(self, headers: Headers) -> Verified:
        """With a signing token: the ``webhook-id`` and ``webhook-timestamp`` the headers carry."""
        if not self.signed:
            return NOTHING_SIGNED
        try:
            _, msg_id, timestamp, _ = standard_headers(header_pairs(headers))
        except VerificationError:
            return NOTHING_SIGNED
        return Verified(timestamp=timestamp, message_id=msg_id)

    def event_headers(self, headers: Headers, verified: Verified = NOTHING_SIGNED) -> EventHeaders:
        """The unsigned ``X-Gitlab-*`` and ``Idempotency-Key`` headers, plus, with a signing
        token, the signed ``webhook-id`` and ``webhook-timestamp`` as verified."""
        selected = headers.select(self.event_header_names)
        if not self.signed:
            return selected
        signed: list[tuple[str, str]] = []
        if verified.message_id is not None:
            signed.append((SIGNED_ID, verified.message_id))
        if verified.timestamp is not None:
            signed.append((SIGNED_TIMESTAMP, verified.timestamp))
        return (*selected, *signed)

    def events_from(self, payload: JSONValue, headers: Headers) -> list[Event]:
        """One event, typed by the body's ``object_kind``."""
        return [gitlab_event(payload, headers)]

    def identity(self, event: Event) -> str:
        """With a signing token, the signed ``webhook-id``; with a secret token, the body alone."""
        if self.signed and event.id is not None:
            return f"webhook-id\0{event.id}"
        return payload_identity(event.payload)
