"""Typeform: ``Typeform-Signature: sha256=<base64>``, HMAC-SHA256 of the raw body.

The key is the ``secret`` set on the webhook (Webhooks API ``PUT
/forms/{form_id}/webhooks/{tag}``, or the form's Connect > Webhooks page): Typeform's
"Secure your webhooks" hashes "the entire received payload as binary" with it,
encodes the digest in base64 and adds the prefix ``sha256=``. Nothing else is
signed and there is no timestamp, so there is no tolerance.

Bodies are ``{"event_id", "event_type", "form_response": {...}}``; the documented
event types are ``form_response`` (a completed submission) and
``form_response_partial`` (a partial response, for forms that send them). The
response holds ``form_id``, the response ``token``, ``landed_at``, ``submitted_at``,
``hidden`` fields, ``calculated`` score, ``variables``, the form ``definition``,
the ``answers`` and the ``ending`` shown.

Identity: the event type and ``event_id``, from the signed body. Typeform's docs
describe retrying a failed delivery (for 408/423/429/503, then with a backoff) and say
nothing of rebuilding its body, so a retry is taken to keep its ``event_id`` and is a
duplicate. Nothing signs a time, so a captured request keeps verifying: replays are
refused only with an idempotency store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from .._errors import PayloadError
from .._events import Event, JSONObject, JSONValue, Reader, constructor
from .._headers import Headers
from .._schemes import Clock, HmacSignature, Keyring, SecretInput, encode_secrets
from ._base import Provider

__all__ = ["FormResponse", "FormResponsePartial", "Typeform", "TypeformEvent"]


@dataclass(frozen=True, slots=True, kw_only=True)
class TypeformEvent(Event):
    """Any Typeform webhook; ``type`` is ``event_type``, ``id`` is ``event_id``."""

    form_response: JSONObject = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class FormResponse(TypeformEvent):
    """``form_response``: a submission; ``timestamp`` is ``submitted_at``.

    ``answers`` and ``variables`` are the response's arrays as sent (each answer
    names its ``field`` and carries a value under its ``type``), ``hidden`` the
    hidden fields, ``score`` the ``calculated.score``.
    """

    form_id: str
    token: str | None = None
    landed_at: datetime | None = None
    submitted_at: datetime | None = None
    hidden: JSONObject = field(default_factory=dict, repr=False)
    score: int | float | None = None
    answers: tuple[JSONObject, ...] = field(default=(), repr=False)
    variables: tuple[JSONObject, ...] = field(default=(), repr=False)
    definition: JSONObject = field(default_factory=dict, repr=False)
    ending: JSONObject = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class FormResponsePartial(FormResponse):
    """``form_response_partial``: an unfinished response; ``timestamp`` is ``landed_at`` if not submitted."""


_TYPES: dict[str, type[FormResponse]] = {
    "form_response": FormResponse,
    "form_response_partial": FormResponsePartial,
}
_NEW: dict[type[TypeformEvent], Callable[..., TypeformEvent]] = {
    cls: constructor(cls) for cls in (TypeformEvent, FormResponse, FormResponsePartial)
}


def _objects(reader: Reader, key: str) -> tuple[JSONObject, ...]:
    value = reader.raw(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise PayloadError(f"{reader.where}.{key} must be an array of objects")
    return tuple(item for item in value if isinstance(item, dict))


def typeform_event(payload: JSONValue) -> TypeformEvent:
    """The typed event for one Typeform body."""
    body = Reader(payload, "body")
    kind = body.kind("event_type")
    response = body.child("form_response")
    cls = _TYPES.get(kind)
    if cls is None:
        return _NEW[TypeformEvent](
            provider="typeform",
            type=kind,
            id=body.text("event_id"),
            payload=payload,
            form_response=response.data,
        )
    score = response.child("calculated").raw("score")
    if score is not None and (isinstance(score, bool) or not isinstance(score, int | float)):
        raise PayloadError("body.form_response.calculated.score must be a number")
    submitted_at = response.time("submitted_at")
    landed_at = response.time("landed_at")
    return _NEW[cls](
        provider="typeform",
        type=kind,
        id=body.text("event_id"),
        timestamp=submitted_at or landed_at,
        payload=payload,
        form_response=response.data,
        form_id=response.required_text("form_id"),
        token=response.text("token"),
        landed_at=landed_at,
        submitted_at=submitted_at,
        hidden=response.mapping("hidden"),
        score=score,
        answers=_objects(response, "answers"),
        variables=_objects(response, "variables"),
        definition=response.mapping("definition"),
        ending=response.mapping("ending"),
    )


class Typeform(Provider):
    """Typeform webhooks (``Typeform-Signature``, HMAC-SHA256 of the body in base64)."""

    name = "typeform"
    signature_header = "Typeform-Signature"

    __slots__ = ()

    def __init__(self, *, secret: SecretInput, clock: Clock | None = None) -> None:
        """Args:
        secret: the webhook's ``secret``, or several during a rotation (a ``Secret``
            with ``expires_at`` stops verifying at that time).
        """
        keyring = Keyring(encode_secrets(secret, "secret"), "sha256")
        scheme = HmacSignature(keyring, header=self.signature_header, encoding="base64", prefix="sha256=")
        super().__init__(scheme, clock=clock)

    def events_from(self, payload: JSONValue, headers: Headers) -> list[Event]:
        """One typed event per body."""
        return [typeform_event(payload)]
