"""Slack: ``X-Slack-Signature: v0=<hex>`` over ``v0:<timestamp>:<body>``.

One signing scheme covers every request Slack sends an app's Request URLs, so one
provider handles all of them, told apart by the signed body alone (never by the
unsigned ``Content-Type`` header, which only has to be one of
:attr:`Slack.content_types`):

* a body whose first non-whitespace byte is ``{`` is JSON: the **Events API**
  (``event_callback``, ``url_verification``, ``app_rate_limited``), a
  :class:`SlackEvent`;
* anything else is an ``application/x-www-form-urlencoded`` form, parsed strictly
  (UTF-8, every field ``name=value``, no field repeated, at most
  :data:`MAX_FORM_FIELDS`):

  - ``payload=<JSON>``: an **interaction** (``block_actions``, ``view_submission``,
    ``view_closed``, ``shortcut``, ``message_action``, ``block_suggestion`` and the
    legacy ``interactive_message`` and ``dialog_*``), an :class:`Interaction` whose
    ``type`` is the payload's own; the JSON goes through the same checks as any body;
  - ``command=/...&text=...``: a **slash command**, a :class:`SlashCommand` of type
    ``"slash_command"``;
  - ``ssl_check=1``: Slack checking a slash command's certificate, a
    :class:`SlackEvent` of type ``"ssl_check"``;

  and a form with none of ``payload``, ``command`` or ``ssl_check`` is refused (400).

An event's ``payload`` is what the body decoded to: the Events API JSON, the
interaction's JSON (the ``payload`` field, decoded), or the slash command's or SSL
check's fields as a ``dict`` of strings. Each says by itself what it is (a ``type``
for JSON; ``ssl_check`` or ``command`` for the fields), so a worker rebuilds the same
typed event from the stored payload alone. A typed payload whose ``type`` is neither
an Events API nor a known interaction type arrives as a plain :class:`SlackEvent`.

Identity (what makes a retry a duplicate): Events API callbacks by ``event_id``
(Slack's retries keep it); everything else by its type and whole payload, which for
a slash command or an interaction includes Slack's unique ``trigger_id``, so only an
exact replay of the same signed body is a duplicate.

Answers: ``url_verification`` gets its ``challenge`` echoed, Events API callbacks
``{"ok": true}``; slash commands, interactions, SSL checks (and unknown types) an
empty 200, which Slack reads as a plain acknowledgement (a JSON body there would be
taken as a message or a ``response_action``). The deprecated verification ``token``
Slack still puts in bodies is never trusted nor exposed as a field; it stays in
``payload``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .._errors import PayloadError
from .._events import Event, JSONObject, JSONValue, Reader, constructor, decode_json, to_datetime
from .._forms import MAX_FORM_FIELDS as MAX_FORM_FIELDS
from .._forms import slack_form as _decode_form
from .._headers import Headers
from .._schemes import DEFAULT_TOLERANCE, Clock, HmacSignature, Keyring, SecretInput, encode_secrets
from ._base import ACKNOWLEDGED, Answer, Provider

__all__ = ["Interaction", "Slack", "SlackEvent", "SlashCommand"]

SLASH_COMMAND = "slash_command"
"""The ``type`` of a :class:`SlashCommand` (a slash command's form names no type of its own)."""

SSL_CHECK = "ssl_check"
"""The ``type`` of the event for Slack's ``ssl_check=1`` form."""

EVENTS_API_TYPES = frozenset({"event_callback", "url_verification", "app_rate_limited"})
"""The ``type`` values of Events API bodies."""

INTERACTION_TYPES = frozenset(
    {
        "block_actions",
        "block_suggestion",
        "view_submission",
        "view_closed",
        "shortcut",
        "message_action",
        "interactive_message",
        "dialog_submission",
        "dialog_cancellation",
        "dialog_suggestion",
        "workflow_step_edit",
    }
)
"""The interaction payload ``type`` values that become an :class:`Interaction`."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SlackEvent(Event):
    """Any Slack request; an Events API body (``"event_callback"``, ``"url_verification"``,
    ...), an ``"ssl_check"``, and types without a class of their own arrive as this.

    ``event_type`` is the inner ``event.type`` (``"app_mention"``); ``id`` is ``event_id``;
    ``timestamp`` is ``event_time``; ``challenge`` is set for ``url_verification``.
    """

    event_type: str | None = None
    team_id: str | None = None
    challenge: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SlashCommand(SlackEvent):
    """A slash command (``/deploy staging``): ``type`` is ``"slash_command"``.

    The fields are the form's own: ``command`` (``"/deploy"``), ``text`` (what follows it,
    ``""`` when nothing does), who ran it where (``user_id``, ``user_name``,
    ``channel_id``, ``channel_name``, ``team_id``, ``enterprise_id``), ``response_url`` and
    ``trigger_id`` to answer with, and ``api_app_id``. ``payload`` holds every field as a
    string. ``id`` and ``timestamp`` are ``None``: the form carries neither.
    """

    command: str
    text: str = ""
    user_id: str | None = None
    user_name: str | None = None
    channel_id: str | None = None
    channel_name: str | None = None
    response_url: str | None = None
    trigger_id: str | None = None
    api_app_id: str | None = None
    enterprise_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Interaction(SlackEvent):
    """An interaction payload: ``type`` is its own (``"block_actions"``, ``"view_submission"``, ...).

    ``user_id`` is ``user.id`` and ``team_id`` is ``team.id`` (``None`` for an org-wide
    install); ``response_url`` is the payload's ``response_url``, else the first of its
    ``response_urls`` (a ``view_submission`` from a modal with a conversation picker);
    ``callback_id`` is the payload's, else its ``view``'s; ``actions`` is the list of
    actions (empty when there is none) and ``view`` the modal or Home tab view (empty
    when there is none). ``id`` and ``timestamp`` are ``None``.
    """

    user_id: str | None = None
    trigger_id: str | None = None
    response_url: str | None = None
    callback_id: str | None = None
    actions: list[JSONValue] = field(default_factory=list, repr=False)
    view: JSONObject = field(default_factory=dict, repr=False)


# The same instances as SlackEvent(...), ..., faster (see _events.constructor).
_new_event = constructor(SlackEvent)
_new_slash_command = constructor(SlashCommand)
_new_interaction = constructor(Interaction)

# What decides JSON or form: the first byte after JSON's own whitespace.
_LEADING_SPACE = re.compile(rb"[ \t\n\r]*")


class Slack(Provider):
    """Slack's signed requests: the Events API (JSON), and the forms of slash commands
    (:class:`SlashCommand`), interactivity (:class:`Interaction`) and SSL checks.

    The body decides which (JSON when it starts with ``{``, a form otherwise), never
    the ``Content-Type`` header; see the module's documentation for what identifies
    and answers each kind.
    """

    name = "slack"
    signature_header = "X-Slack-Signature"
    timestamp_header = "X-Slack-Request-Timestamp"
    content_types = ("application/json", "application/x-www-form-urlencoded")
    accepted_status = 200  # Slack wants a 200 within 3 s, and the URL check's challenge echoed

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

    def decode(self, body: bytes) -> JSONValue:
        """The payload of a verified body: its JSON if it starts with ``{``, else its form's.

        A form with ``payload`` gives that field's JSON (an object with a ``type``; Slack
        sends no other field beside it, and any would be ignored); a slash command's or
        SSL check's form gives its fields, as a ``dict`` of strings.

        Raises:
            PayloadError: the body is empty, not UTF-8, not JSON or not a strict form,
                or a form with none of ``payload``, ``command`` and ``ssl_check``.
        """
        data = body if type(body) is bytes else bytes(body)
        if data[:1] == b"{":  # the Events API, without looking for leading whitespace
            return decode_json(data)
        leading = _LEADING_SPACE.match(data)
        start = leading.end() if leading else 0  # it always matches, if only the empty string
        if data[start : start + 1] == b"{":
            return decode_json(data)
        if start == len(data):
            raise PayloadError("body is empty")
        return _decode_form(data)

    def events_from(self, payload: JSONValue, headers: Headers) -> list[Event]:
        """One event per body, its class decided by the payload alone (see the module)."""
        data = payload if type(payload) is dict else Reader(payload, "body").data
        get = data.get
        kind = get("type")
        if kind is None:
            if "ssl_check" in data:
                return [_new_event(provider=self.name, type=SSL_CHECK, payload=payload)]
            if "command" in data:
                return [self._slash_command(Reader(data, "body"), payload)]
        # Every Events API request reads these: the usual case (a string, an object, a
        # time, or absent) inline, and a Reader made only for a field that needs its
        # conversion or its error (it reads that field again), in the same order, so
        # the first bad one is reported.
        if type(kind) is not str or not kind:
            kind = Reader(data, "body").kind("type")
        if kind in INTERACTION_TYPES:
            return [self._interaction(kind, Reader(payload, "payload"), payload)]
        inner = get("event")
        if type(inner) is not dict:
            inner = Reader(data, "body").mapping("event")
        event_id = get("event_id")
        if event_id is not None and type(event_id) is not str:
            event_id = Reader(data, "body").text("event_id")
        time = get("event_time")
        timestamp = None if time is None else to_datetime(time) or Reader(data, "body").time("event_time")
        event_type = inner.get("type")
        if event_type is not None and type(event_type) is not str:
            event_type = Reader(inner, "body.event").text("type")  # body.child("event")'s name
        team_id = get("team_id")
        if team_id is not None and type(team_id) is not str:
            team_id = Reader(data, "body").text("team_id")
        challenge = get("challenge")
        if challenge is not None and type(challenge) is not str:
            challenge = Reader(data, "body").text("challenge")
        return [
            _new_event(
                provider=self.name,
                type=kind,
                id=event_id,
                timestamp=timestamp,
                payload=payload,
                event_type=event_type,
                team_id=team_id,
                challenge=challenge,
            )
        ]

    def _slash_command(self, body: Reader, payload: JSONValue) -> SlashCommand:
        return _new_slash_command(
            provider=self.name,
            type=SLASH_COMMAND,
            payload=payload,
            team_id=body.text("team_id"),
            command=body.required_text("command"),
            text=body.text("text") or "",
            user_id=body.text("user_id"),
            user_name=body.text("user_name"),
            channel_id=body.text("channel_id"),
            channel_name=body.text("channel_name"),
            response_url=body.text("response_url"),
            trigger_id=body.text("trigger_id"),
            api_app_id=body.text("api_app_id"),
            enterprise_id=body.text("enterprise_id"),
        )

    def _interaction(self, kind: str, body: Reader, payload: JSONValue) -> Interaction:
        view = body.child("view")
        response_url = body.text("response_url")
        if response_url is None:
            urls = body.raw("response_urls")
            if urls is not None and not isinstance(urls, list):
                raise PayloadError(f"{body.where}.response_urls must be an array")
            if urls:
                response_url = body.element(urls[0], "response_urls", 0).text("response_url")
        actions = body.raw("actions")
        if actions is None:
            actions = []
        elif not isinstance(actions, list):
            raise PayloadError(f"{body.where}.actions must be an array")
        return _new_interaction(
            provider=self.name,
            type=kind,
            payload=payload,
            team_id=body.child("team").text("id"),
            user_id=body.child("user").text("id"),
            trigger_id=body.text("trigger_id"),
            response_url=response_url,
            callback_id=body.text("callback_id") or view.text("callback_id"),
            actions=actions,
            view=view.data,
        )

    def answer(self, events: Sequence[Event]) -> JSONObject | Answer | None:
        """Echo a ``url_verification``'s ``challenge``, as Slack requires; ``{"ok": true}`` for
        other Events API bodies; an empty body (``None``) for the rest.

        Slash commands and interactions must get an empty 200 (a JSON body would be
        shown as a message, or read as a ``response_action``); so does a repeated
        request the store recognises (no events), whatever it was.
        """
        ok = False
        for event in events:
            if type(event) is SlackEvent and event.type in EVENTS_API_TYPES:
                if event.type == "url_verification" and event.challenge:
                    return {"challenge": event.challenge}
                ok = True
        return ACKNOWLEDGED if ok else None
