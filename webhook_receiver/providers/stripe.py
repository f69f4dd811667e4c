"""Stripe: ``Stripe-Signature: t=<ts>,v1=<hex>[,v1=...][,v0=...]`` over ``<ts>.<body>``.

Only ``v1`` entries count; ``v0`` (test-mode legacy) and unknown keys are ignored.
The secret (``whsec_...``) is used as the HMAC key exactly as Stripe shows it.

Identity: the event's type and ``id``, from the signed body (Stripe keeps the id
across retries, re-signing each at its own ``t=``). The ``t=`` timestamp is signed:
a captured request is refused once it is older (or newer) than the tolerance; inside
it, a replay needs an idempotency store to be recognised (by type and ``id``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .._events import Event, JSONObject, JSONValue, Reader, constructor
from .._headers import Headers
from .._schemes import DEFAULT_TOLERANCE, Clock, KeyedListSignature, Keyring, SecretInput, encode_secrets
from ._base import Provider

__all__ = ["Stripe", "StripeEvent"]


@dataclass(frozen=True, slots=True, kw_only=True)
class StripeEvent(Event):
    """A Stripe event: ``id``, ``type`` (``"invoice.paid"``), ``created`` as ``timestamp``.

    ``object`` is ``data.object``, the resource the event is about.
    """

    object: JSONObject = field(default_factory=dict, repr=False)
    livemode: bool | None = None
    api_version: str | None = None


# The same instance as StripeEvent(...), faster (see _events.constructor).
_new_event = constructor(StripeEvent)


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
            entry_label="v1",
            separator=b".",
            tolerance=tolerance,
        )
        super().__init__(scheme, clock=clock)

    def events_from(self, payload: JSONValue, headers: Headers) -> list[Event]:
        """One event per body."""
        body = Reader(payload, "body")
        # Every request reads these: the usual case (a string, an object, a boolean, or
        # absent) inline, Reader's method only for a conversion or an error, in the
        # order of the fields, so the first bad one is still the one reported.
        get = body.data.get
        kind = get("type")
        if type(kind) is not str or not kind:
            kind = body.kind("type")
        event_id = get("id")
        if event_id is not None and type(event_id) is not str:
            event_id = body.text("id")
        timestamp = body.time("created")
        data = get("data")
        if type(data) is not dict:
            data = body.mapping("data")
        found = data.get("object")
        if type(found) is not dict:
            found = Reader(data, "body.data").mapping("object")  # body.child("data")'s name
        livemode = get("livemode")
        if livemode is not None and type(livemode) is not bool:
            livemode = body.boolean("livemode")
        api_version = get("api_version")
        if api_version is not None and type(api_version) is not str:
            api_version = body.text("api_version")
        return [
            _new_event(
                provider=self.name,
                type=kind,
                id=event_id,
                timestamp=timestamp,
                payload=payload,
                object=found,
                livemode=livemode,
                api_version=api_version,
            )
        ]
