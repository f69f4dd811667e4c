"""Meta (WhatsApp Cloud API, Messenger, Instagram): ``X-Hub-Signature-256`` and the ``GET`` verification.

**Event notifications** are ``POST`` requests whose ``X-Hub-Signature-256`` header is
``sha256=`` and the lowercase hex HMAC-SHA256 of the body, keyed with the app's App
Secret (App Dashboard, Settings > Basic). Meta computes it over the payload as sent,
non-ASCII characters escaped as ``\\uXXXX`` ("an escaped unicode version of the
payload, with lowercase hex digits", Graph API Webhooks, Getting Started): the raw
bytes received are exactly that, so they are what is verified, never a re-encoded
decoding. The older ``X-Hub-Signature`` (SHA-1) is not read. Meta wants ``200 OK`` for
every notification, so a deferred receiver answers 200 too.

**Verification requests**: when a callback URL is configured, Meta sends
``GET <url>?hub.mode=subscribe&hub.challenge=<int>&hub.verify_token=<token>`` and
expects the ``hub.challenge`` back. It is answered (200, ``text/plain``, the challenge
alone) only when ``hub.verify_token`` equals one of the ``verify_token=`` values
still valid (compared in constant time against every one, :class:`~webhook_receiver.Secret`
expiry honoured) and ``hub.mode`` is ``subscribe``. The query string is decoded
strictly: printable ASCII only, every ``%`` followed by two hex digits, every field
``name=value``, UTF-8 once decoded, no parameter repeated (which of two tokens would
be the one checked?), at most 32 fields; anything else is a 400. A missing
``hub.verify_token`` is a 401 (``missing_header``, naming the parameter), a wrong one
a 401 (``invalid_credentials``); with the token right, a ``hub.mode`` other than
``subscribe`` or a missing or unreadable ``hub.challenge`` (at most 1024 visible
ASCII characters: Meta sends an integer) is a 400. Without ``verify_token=`` every
verification request is refused (401), so the callback URL cannot be (re)verified.

**Bodies and events.** A notification is ``{"object": ..., "entry": [...]}``, where
``object`` is ``whatsapp_business_account``, ``page``, ``instagram`` (or another Graph
object) and each entry carries ``id``, ``time`` and a list of items: ``changes``
(``{"field": ..., "value": ...}``: WhatsApp, Page and Instagram fields),
``messaging`` (Messenger and Instagram messaging) or ``standby`` (handover
protocol). Each item is one event, in order, typed ``"<object>.<field>"``:
``"whatsapp_business_account.messages"``, ``"page.feed"``, ``"instagram.comments"``.
A messaging item names no field, so its field is the webhook field that delivers
it, told by the item's own key: ``message`` is ``messages`` (``message_echoes`` for a
Messenger echo; Instagram delivers echoes under ``messages``), ``postback``
``messaging_postbacks``, ``reaction`` ``message_reactions``, ``delivery``
``message_deliveries``, ``read`` ``message_reads`` (``messaging_seen`` on
Instagram), and so on (:data:`MESSAGING_FIELDS`); a ``standby`` item is
``"<object>.standby"``. An entry with no item list at all is one event typed
``object`` itself. Meta batches "with a maximum of 1000 updates": a body with more
items is refused (400).

Each event's ``payload`` is its item wrapped the way Meta sends it, a one-item body
``{"object": ..., "entry": [{"id": ..., "time": ..., "changes": [item]}]}``, so a
worker rebuilds exactly that event from the payload alone.

**Identity and replays.** Meta signs no timestamp and no id: a captured request
verifies forever. An event is identified by its object, its entry's id and the item
itself (canonical JSON), all signed; not by the entry's ``time``, which is when Meta
sent the batch rather than what happened. A redelivered batch's items are therefore
duplicates, however Meta re-batches them, and so is a replay: only an idempotency
store makes replays harmless.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

from .._errors import InvalidCredentials, MissingHeader, PayloadError
from .._events import Event, JSONObject, JSONValue, Reader, constructor
from .._headers import Headers
from .._schemes import Clock, HmacSignature, Keyring, SecretInput, Secrets, encode_secrets
from ._base import Answer, Provider, payload_identity

__all__ = [
    "MESSAGING_FIELDS",
    "MessagingEvent",
    "MessagingMessage",
    "MessagingPostback",
    "MessagingReaction",
    "Meta",
    "MetaChange",
    "MetaEvent",
    "MissingParameter",
    "WhatsAppMessages",
]

MAX_BATCH = 1000
"""The most items one notification may carry (Meta: "a maximum of 1000 updates")."""

MAX_QUERY_FIELDS = 32
"""The most fields a verification request's query string may have (Meta sends three)."""

MAX_CHALLENGE = 1024
"""The longest ``hub.challenge`` echoed back (Meta sends an integer)."""

MESSAGING_FIELDS: dict[str, str] = {
    "message": "messages",
    "message_edit": "message_edits",
    "delivery": "message_deliveries",
    "read": "message_reads",
    "postback": "messaging_postbacks",
    "reaction": "message_reactions",
    "optin": "messaging_optins",
    "referral": "messaging_referrals",
    "account_linking": "messaging_account_linking",
    "pass_thread_control": "messaging_handovers",
    "take_thread_control": "messaging_handovers",
    "request_thread_control": "messaging_handovers",
    "app_roles": "messaging_handovers",
    "policy_enforcement": "messaging_policy_enforcement",
    "game_play": "messaging_game_plays",
}
"""The webhook field of a Messenger messaging item, by the key that says what the item is."""

_INSTAGRAM_FIELDS: dict[str, str] = {
    **MESSAGING_FIELDS,
    "read": "messaging_seen",
    "referral": "messaging_referral",
    "pass_thread_control": "messaging_handover",
    "take_thread_control": "messaging_handover",
    "request_thread_control": "messaging_handover",
    "app_roles": "messaging_handover",
}
# The item lists an entry may carry, in the order they are read.
_ITEM_LISTS = ("changes", "messaging", "standby")
# A strict query string: visible ASCII, every "%" starting a two-digit escape.
_QUERY = re.compile(r"(?:[!-$&-~]|%[0-9A-Fa-f]{2})*")
_CHALLENGE = re.compile(f"[!-~]{{1,{MAX_CHALLENGE}}}")


class MissingParameter(MissingHeader):
    """A query parameter the verification request needs is absent or empty (401).

    Its ``code`` is ``missing_header``, as for the headers other senders put their
    credentials in; ``header`` names the parameter.
    """

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.detail = f"missing query parameter {name!r}"
        self.args = (self.detail,)


@dataclass(frozen=True, slots=True, kw_only=True)
class MetaEvent(Event):
    """One item of a Meta notification; items without a class of their own arrive as this.

    ``type`` is ``"<object>.<field>"`` (``"page.feed"``), or ``object`` alone for an
    entry without items; ``object`` is the notification's object, ``entry_id`` its
    entry's ``id`` (the WhatsApp Business Account, Page or Instagram account),
    ``field`` the webhook field. ``timestamp`` is the item's own time where it has one,
    else the entry's ``time``. ``id`` is ``None``: Meta gives items no id of their own.
    """

    object: str
    entry_id: str | None = None
    field: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class MetaChange(MetaEvent):
    """A ``changes`` item, ``{"field": ..., "value": ...}``: ``value`` is what changed."""

    value: JSONValue = dataclass_field(default=None, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class WhatsAppMessages(MetaChange):
    """``whatsapp_business_account.messages``: messages received, or statuses of messages sent.

    ``phone_number_id`` and ``display_phone_number`` are the business number's
    (``value.metadata``); ``messages``, ``statuses``, ``contacts`` and ``errors`` are the
    value's lists (empty when absent). ``timestamp`` is the first message's or status's.
    """

    phone_number_id: str | None = None
    display_phone_number: str | None = None
    messages: list[JSONValue] = dataclass_field(default_factory=list, repr=False)
    statuses: list[JSONValue] = dataclass_field(default_factory=list, repr=False)
    contacts: list[JSONValue] = dataclass_field(default_factory=list, repr=False)
    errors: list[JSONValue] = dataclass_field(default_factory=list, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class MessagingEvent(MetaEvent):
    """A ``messaging`` (or ``standby``) item of Messenger or Instagram messaging.

    ``sender_id`` and ``recipient_id`` are ``sender.id`` and ``recipient.id`` (a
    page- or Instagram-scoped user id and the Page or account); ``timestamp`` is the
    item's ``timestamp``. Deliveries, reads, optins and the other items without a
    class of their own arrive as this, their data in ``payload``.
    """

    sender_id: str | None = None
    recipient_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MessagingMessage(MessagingEvent):
    """A ``message`` item: ``mid``, ``text``, ``attachments``, ``is_echo`` (a message the
    business sent), the ``quick_reply`` payload and the ``reply_to`` message id."""

    mid: str | None = None
    text: str | None = None
    is_echo: bool = False
    attachments: list[JSONValue] = dataclass_field(default_factory=list, repr=False)
    quick_reply_payload: str | None = None
    reply_to_mid: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MessagingPostback(MessagingEvent):
    """A ``postback`` item (a button tapped): its ``title``, the developer-defined
    ``postback_payload``, and the ``mid`` of the message it belongs to."""

    title: str | None = None
    postback_payload: str | None = None
    mid: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MessagingReaction(MessagingEvent):
    """A ``reaction`` item: ``action`` (``"react"`` or ``"unreact"``), the ``emoji`` and its
    ``reaction`` name, on the message ``mid``."""

    mid: str | None = None
    action: str | None = None
    emoji: str | None = None
    reaction: str | None = None


# The same instances as MetaEvent(...), ..., faster (see _events.constructor).
_new_event = constructor(MetaEvent)
_new_change = constructor(MetaChange)
_new_whatsapp = constructor(WhatsAppMessages)
_new_messaging = constructor(MessagingEvent)
_new_message = constructor(MessagingMessage)
_new_postback = constructor(MessagingPostback)
_new_reaction = constructor(MessagingReaction)


class Meta(Provider):
    """Meta webhooks: WhatsApp Cloud API, Messenger and Instagram (``X-Hub-Signature-256``),
    and the ``GET`` verification request Meta sends when a callback URL is set.

    One event per changed field or messaging item (a batch); see the module's
    documentation for the types, the verification request and what identifies an event.
    """

    name = "meta"
    signature_header = "X-Hub-Signature-256"
    methods = ("POST", "GET")
    handshake_methods = ("GET",)
    accepted_status = 200  # Meta: "respond to all Event Notifications with 200 OK"
    max_batch = MAX_BATCH

    __slots__ = ("_verify_tokens",)

    def __init__(
        self,
        *,
        secret: SecretInput,
        verify_token: SecretInput | None = None,
        clock: Clock | None = None,
    ) -> None:
        """Args:
        secret: the app's App Secret, or several during a rotation.
        verify_token: the Verify Token typed in the App Dashboard when the callback
            URL was set (or given to ``/{app-id}/subscriptions``), or several; without
            it, Meta's verification requests are refused (401).
        """
        keyring = Keyring(encode_secrets(secret, "secret"), "sha256")
        super().__init__(HmacSignature(keyring, header=self.signature_header, prefix="sha256="), clock=clock)
        self._verify_tokens: Secrets | None = (
            None if verify_token is None else encode_secrets(verify_token, "verify_token")
        )

    def handshake(self, method: str, query: str, headers: Headers, *, now: float | None = None) -> Answer:
        """Answer Meta's verification request with its ``hub.challenge`` (200, plain text).

        Raises:
            PayloadError: the query string is not a strict form, or, the token
                verified, ``hub.mode`` is not ``subscribe`` or ``hub.challenge`` is
                missing or unreadable (400).
            MissingParameter: no ``hub.verify_token`` (401).
            InvalidCredentials: ``hub.verify_token`` is not a configured token, or no
                ``verify_token`` is configured (401).
        """
        parameters = _query_parameters(query)
        token = parameters.get("hub.verify_token")
        if not token:
            raise MissingParameter("hub.verify_token")
        if self._verify_tokens is None:
            raise InvalidCredentials("no verify_token is configured: Meta's verification request is refused")
        at = self._clock() if now is None else now
        if not _any_equal(token.encode("utf-8"), self._verify_tokens.live(at)):
            raise InvalidCredentials("hub.verify_token does not match a configured verify_token")
        mode = parameters.get("hub.mode")
        if mode != "subscribe":
            raise PayloadError("hub.mode is missing" if not mode else "hub.mode is not 'subscribe'")
        challenge = parameters.get("hub.challenge")
        if not challenge:
            raise PayloadError("hub.challenge is missing")
        if not _CHALLENGE.fullmatch(challenge):
            raise PayloadError(f"hub.challenge is not 1 to {MAX_CHALLENGE} visible ASCII characters")
        return Answer.text(challenge, status=200)

    def events_from(self, payload: JSONValue, headers: Headers) -> list[Event]:
        """One event per ``changes``, ``messaging`` or ``standby`` item, in order."""
        body = Reader(payload, "body")
        kind = body.kind("object")
        entries = body.raw("entry")
        if not isinstance(entries, list):
            raise PayloadError("body.entry is missing" if entries is None else "body.entry must be an array")
        if not entries:
            raise PayloadError("body.entry is empty")
        events: list[Event] = []
        for index, entry in enumerate(entries):
            reader = Reader(entry, "body.entry", index)
            events.extend(self._entry_events(kind, reader))
            if len(events) > MAX_BATCH:
                raise PayloadError(f"body has more than {MAX_BATCH} items; Meta sends at most {MAX_BATCH}")
        if not events:
            # Entries whose item lists are all empty: nothing to dispatch or store, and a
            # 2xx would say otherwise; refused like an empty batch.
            raise PayloadError("body has no items: every entry's item lists are empty")
        return events

    def _entry_events(self, kind: str, entry: Reader) -> list[Event]:
        entry_id = entry.text("id")
        entry_time = entry.time("time")
        data = entry.data
        # The entry without its item lists: each event's payload puts its own item back.
        bare = {key: value for key, value in data.items() if key not in _ITEM_LISTS}
        found = False
        events: list[Event] = []
        for list_name in _ITEM_LISTS:
            items = data.get(list_name)
            if items is None:
                continue
            if not isinstance(items, list):
                raise PayloadError(f"{entry.where}.{list_name} must be an array")
            found = True
            for position, item in enumerate(items):
                payload: JSONObject = {"object": kind, "entry": [{**bare, list_name: [item]}]}
                reader = entry.element(item, list_name, position)
                if list_name == "changes":
                    events.append(_change(kind, entry_id, entry_time, reader, payload))
                else:
                    events.append(_messaging(kind, entry_id, entry_time, reader, payload, list_name))
        if not found:
            events.append(
                _new_event(
                    provider="meta",
                    type=kind,
                    timestamp=entry_time,
                    payload={"object": kind, "entry": [data]},
                    object=kind,
                    entry_id=entry_id,
                )
            )
        return events

    def identity(self, event: Event) -> str:
        """The event's type, object, entry id and item; never the entry's ``time`` (see the module)."""
        return f"{event.type}\0{payload_identity(_without_entry_time(event.payload))}"


def _without_entry_time(payload: JSONValue) -> JSONValue:
    if not isinstance(payload, dict):
        return payload
    entries = payload.get("entry")
    if not isinstance(entries, list):
        return payload
    return {
        **payload,
        "entry": [
            {k: v for k, v in entry.items() if k != "time"} if isinstance(entry, dict) else entry
            for entry in entries
        ],
    }


def _change(
    kind: str, entry_id: str | None, entry_time: datetime | None, item: Reader, payload: JSONObject
) -> Event:
    name = item.kind("field")
    value = item.raw("value")
    if kind == "whatsapp_business_account" and name == "messages":
        return _whatsapp_messages(entry_id, entry_time, Reader(value, f"{item.where}.value"), payload)
    return _new_change(
        provider="meta",
        type=f"{kind}.{name}",
        timestamp=entry_time,
        payload=payload,
        object=kind,
        entry_id=entry_id,
        field=name,
        value=value,
    )


def _whatsapp_messages(
    entry_id: str | None, entry_time: datetime | None, value: Reader, payload: JSONObject
) -> WhatsAppMessages:
    metadata = value.child("metadata")
    messages, statuses = _array(value, "messages"), _array(value, "statuses")
    contacts, errors = _array(value, "contacts"), _array(value, "errors")
    timestamp = entry_time
    if messages:
        timestamp = value.element(messages[0], "messages", 0).time("timestamp") or entry_time
    elif statuses:
        timestamp = value.element(statuses[0], "statuses", 0).time("timestamp") or entry_time
    return _new_whatsapp(
        provider="meta",
        type="whatsapp_business_account.messages",
        timestamp=timestamp,
        payload=payload,
        object="whatsapp_business_account",
        entry_id=entry_id,
        field="messages",
        value=value.data,
        phone_number_id=metadata.text("phone_number_id"),
        display_phone_number=metadata.text("display_phone_number"),
        messages=messages,
        statuses=statuses,
        contacts=contacts,
        errors=errors,
    )


def _messaging(
    kind: str,
    entry_id: str | None,
    entry_time: datetime | None,
    item: Reader,
    payload: JSONObject,
    list_name: str,
) -> Event:
    data = item.data
    fields = _INSTAGRAM_FIELDS if kind == "instagram" else MESSAGING_FIELDS
    key = next((key for key in fields if key in data), None)
    if list_name == "standby":
        name = "standby"
    elif key is None:
        name = "messaging"
    else:
        name = fields[key]
    timestamp = item.time("timestamp") or entry_time
    sender_id = item.child("sender").text("id")
    recipient_id = item.child("recipient").text("id")
    message = item.child("message") if key == "message" else None
    is_echo = message is not None and (message.boolean("is_echo") or False)
    if is_echo and kind != "instagram" and list_name != "standby":
        name = "message_echoes"
    common: dict[str, Any] = {
        "provider": "meta",
        "type": f"{kind}.{name}",
        "timestamp": timestamp,
        "payload": payload,
        "object": kind,
        "entry_id": entry_id,
        "field": name,
        "sender_id": sender_id,
        "recipient_id": recipient_id,
    }
    if message is not None:
        return _new_message(
            **common,
            mid=message.text("mid"),
            text=message.text("text"),
            is_echo=is_echo,
            attachments=_array(message, "attachments"),
            quick_reply_payload=message.child("quick_reply").text("payload"),
            reply_to_mid=message.child("reply_to").text("mid"),
        )
    if key == "postback":
        postback = item.child("postback")
        return _new_postback(
            **common,
            title=postback.text("title"),
            postback_payload=postback.text("payload"),
            mid=postback.text("mid"),
        )
    if key == "reaction":
        reaction = item.child("reaction")
        return _new_reaction(
            **common,
            mid=reaction.text("mid"),
            action=reaction.text("action"),
            emoji=reaction.text("emoji"),
            reaction=reaction.text("reaction"),
        )
    return _new_messaging(**common)


def _array(reader: Reader, key: str) -> list[JSONValue]:
    value = reader.raw(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise PayloadError(f"{reader.where}.{key} must be an array")
    return value


def _query_parameters(query: str) -> dict[str, str]:
    """A verification request's query string as ``{name: value}``, decoded strictly (see the module)."""
    if len(query) > 8192 or not _QUERY.fullmatch(query):
        raise PayloadError("the query string is not printable ASCII with valid percent-escapes")
    if query.count("&") >= MAX_QUERY_FIELDS:
        raise PayloadError(f"the query string has more than {MAX_QUERY_FIELDS} fields")
    if not query:
        return {}
    try:
        pairs = parse_qsl(
            query,
            keep_blank_values=True,
            strict_parsing=True,
            max_num_fields=MAX_QUERY_FIELDS,
            encoding="utf-8",
            errors="strict",
        )
    except UnicodeDecodeError:
        raise PayloadError("a query parameter is not UTF-8 once percent-decoded") from None
    except ValueError:  # the field's text is not in the message: it may hold a token
        raise PayloadError("the query string is not name=value fields") from None
    parameters: dict[str, str] = {}
    for name, value in pairs:
        if name in parameters:
            raise PayloadError(f"query parameter {name[:40]!r} is repeated")
        parameters[name] = value
    return parameters


def _any_equal(received: bytes, configured: Sequence[bytes]) -> bool:
    # Every configured value is compared, without stopping at a match, so the time
    # taken says nothing about which one matched.
    found = False
    for value in configured:
        found |= hmac.compare_digest(received, value)
    return found
