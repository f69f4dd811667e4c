"""Slack's form-encoded requests: slash commands, interactivity and SSL checks.

Signed as Slack signs them (``v0`` over the raw form body), posted through
``Receiver.handle`` with Slack's ``application/x-www-form-urlencoded`` content type,
and turned into typed events, in direct and in deferred mode.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import slack_sdk.signature

from webhook_receiver import (
    Event,
    MemoryStore,
    PayloadError,
    Receiver,
    Reply,
    SignatureMismatch,
    SQLiteInbox,
    UnsupportedMediaType,
    Worker,
    providers,
)
from webhook_receiver.providers import slack

from .conftest import NOW

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
FORM = "application/x-www-form-urlencoded"

SLASH_COMMAND: dict[str, str] = {
    "token": "gIkuvaNzQIHg97ATvDxqgjtO",
    "team_id": "T0001",
    "team_domain": "mysteryshack",
    "enterprise_id": "E0001",
    "enterprise_name": "Mystery Shack Inc",
    "channel_id": "C2147483705",
    "channel_name": "gift-shop",
    "user_id": "U2147483697",
    "user_name": "stan",
    "command": "/weather",
    "text": "Gravity Falls & Zürich +5 days",
    "response_url": "https://hooks.slack.com/commands/1234/5678",
    "trigger_id": "13345224609.738474920.8088930838d88f008e0",
    "api_app_id": "A123456",
}

_TEAM: dict[str, Any] = {"id": "T9TK3CUKW", "domain": "mysteryshack"}
_USER: dict[str, Any] = {"id": "UA8RXUSPL", "username": "dipper", "name": "dipper", "team_id": "T9TK3CUKW"}

BLOCK_ACTIONS: dict[str, Any] = {
    "type": "block_actions",
    "team": _TEAM,
    "user": _USER,
    "api_app_id": "AABA1ABCD",
    "token": "9s8d9as89d8as9d8as989",
    "container": {"type": "message", "message_ts": "1548261231.000200", "channel_id": "CBR2V3XEX"},
    "trigger_id": "12466734323.1395872398.1b5ef1c1c17e1c4a9c54fdc0b3cf12a7",
    "channel": {"id": "CBR2V3XEX", "name": "review-updates"},
    "message": {"type": "message", "text": "Approve the journal?", "ts": "1548261231.000200"},
    "response_url": "https://hooks.slack.com/actions/AABA1ABCD/1232321423432/D09sSasdasdAS9091209",
    "actions": [
        {
            "action_id": "approve",
            "block_id": "review",
            "text": {"type": "plain_text", "text": "Approve", "emoji": True},
            "value": "journal-3",
            "type": "button",
            "action_ts": "1548426417.840180",
        }
    ],
}

VIEW_SUBMISSION: dict[str, Any] = {
    "type": "view_submission",
    "team": _TEAM,
    "user": _USER,
    "api_app_id": "AABA1ABCD",
    "token": "9s8d9as89d8as9d8as989",
    "trigger_id": "12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3",
    "view": {
        "id": "VNHU13V36",
        "type": "modal",
        "callback_id": "report-sighting",
        "private_metadata": "shhh",
        "title": {"type": "plain_text", "text": "Report a sighting"},
        "state": {"values": {"where": {"place": {"type": "plain_text_input", "value": "the attic"}}}},
        "hash": "156663117.cd33ad1f",
    },
    "response_urls": [
        {
            "block_id": "channel",
            "action_id": "pick",
            "channel_id": "C0LAN2Q65",
            "response_url": "https://hooks.slack.com/app/T9TK3CUKW/12345/abcdef",
        }
    ],
}

SHORTCUT: dict[str, Any] = {
    "type": "shortcut",
    "team": _TEAM,
    "user": _USER,
    "api_app_id": "AABA1ABCD",
    "token": "9s8d9as89d8as9d8as989",
    "action_ts": "1581106241.371594",
    "callback_id": "open-journal",
    "trigger_id": "944799105734.773906753841.38b5894552bdd4a780554ee59d1f3638",
}

EVENT_CALLBACK: dict[str, Any] = {
    "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
    "team_id": "T061EG9R6",
    "api_app_id": "A0MDYCDME",
    "type": "event_callback",
    "event_id": "Ev0PV52K21",
    "event_time": 1706160867,
    "event": {
        "type": "app_mention",
        "user": "U061F7AUR",
        "text": "<@U0LAN0Z89> hi",
        "ts": "1706160867.000200",
    },
}


def form(fields: dict[str, str]) -> bytes:
    """A form body as Slack encodes it."""
    return urlencode(fields).encode()


def interaction(payload: dict[str, Any]) -> bytes:
    """An interactivity body: one ``payload`` field holding the JSON."""
    return form({"payload": json.dumps(payload)})


def provider() -> providers.Slack:
    return providers.Slack(secret=SECRET)


def signed(body: bytes, content_type: str = FORM) -> dict[str, str]:
    return {"Content-Type": content_type, **provider().sign(body, now=NOW)}


def post(receiver: Receiver, body: bytes, content_type: str = FORM) -> Reply:
    return receiver.handle("POST", signed(body, content_type), body, now=NOW)


def received(body: bytes, content_type: str = FORM) -> tuple[Reply, list[Event]]:
    """Post ``body`` to a fresh receiver; the reply and what a catch-all handler got."""
    receiver = Receiver(provider())
    seen: list[Event] = []
    receiver.on_any(seen.append)
    reply = post(receiver, body, content_type)
    assert list(reply.events) == (seen if reply.ok else [])
    return reply, seen


def one(body: bytes, content_type: str = FORM) -> Event:
    """The one event of a request that must be answered with an empty 200."""
    reply, seen = received(body, content_type)
    assert (reply.status, reply.body, reply.error) == (200, b"", None)
    assert "Content-Type" not in reply.headers  # an empty body declares no type
    assert len(seen) == 1
    return seen[0]


# -- slash commands ----------------------------------------------------------------


def test_a_slash_command_is_a_typed_event_answered_with_an_empty_200() -> None:
    event = one(form(SLASH_COMMAND))
    assert type(event) is slack.SlashCommand
    assert isinstance(event, slack.SlackEvent)
    assert (event.provider, event.type, event.id, event.timestamp) == ("slack", "slash_command", None, None)
    assert (event.command, event.text) == ("/weather", "Gravity Falls & Zürich +5 days")
    assert (event.user_id, event.user_name) == ("U2147483697", "stan")
    assert (event.channel_id, event.channel_name) == ("C2147483705", "gift-shop")
    assert (event.team_id, event.enterprise_id, event.api_app_id) == ("T0001", "E0001", "A123456")
    assert event.response_url == "https://hooks.slack.com/commands/1234/5678"
    assert event.trigger_id == "13345224609.738474920.8088930838d88f008e0"
    # Every field, as sent, stays in the payload; the deprecated token is no field of its own.
    assert event.payload == SLASH_COMMAND
    assert not hasattr(event, "token")


def test_a_slash_command_signed_by_slack_sdk_is_accepted() -> None:
    body = form({**SLASH_COMMAND, "text": ""})
    signature = slack_sdk.signature.SignatureVerifier(SECRET).generate_signature(
        timestamp=str(NOW), body=body
    )
    assert signature is not None
    headers = {
        "Content-Type": f"{FORM}; charset=utf-8",
        "X-Slack-Request-Timestamp": str(NOW),
        "X-Slack-Signature": signature,
    }
    receiver = Receiver(provider())
    reply = receiver.handle("POST", headers, body, now=NOW)
    assert (reply.status, reply.body) == (200, b"")
    [event] = reply.events
    assert isinstance(event, slack.SlashCommand)
    assert (event.command, event.text) == ("/weather", "")


def test_slacks_ssl_check_is_an_ssl_check_event() -> None:
    event = one(b"token=gIkuvaNzQIHg97ATvDxqgjtO&ssl_check=1")
    assert type(event) is slack.SlackEvent
    assert (event.type, event.id, event.team_id) == ("ssl_check", None, None)
    assert event.payload == {"token": "gIkuvaNzQIHg97ATvDxqgjtO", "ssl_check": "1"}


# -- interactivity -----------------------------------------------------------------


def test_block_actions_is_an_interaction() -> None:
    event = one(interaction(BLOCK_ACTIONS))
    assert type(event) is slack.Interaction
    assert isinstance(event, slack.SlackEvent)
    assert (event.type, event.id, event.timestamp) == ("block_actions", None, None)
    assert (event.user_id, event.team_id) == ("UA8RXUSPL", "T9TK3CUKW")
    assert event.trigger_id == BLOCK_ACTIONS["trigger_id"]
    assert event.response_url == BLOCK_ACTIONS["response_url"]
    assert event.callback_id is None  # a message's buttons: no view, no callback_id
    assert event.actions == BLOCK_ACTIONS["actions"]
    assert event.view == {}
    assert event.payload == BLOCK_ACTIONS  # the interaction's JSON, not the form around it
    assert not hasattr(event, "token")


def test_view_submission_is_an_interaction_with_its_view_and_first_response_url() -> None:
    event = one(interaction(VIEW_SUBMISSION))
    assert type(event) is slack.Interaction
    assert event.type == "view_submission"
    assert (event.user_id, event.team_id) == ("UA8RXUSPL", "T9TK3CUKW")
    assert event.trigger_id == VIEW_SUBMISSION["trigger_id"]
    assert event.callback_id == "report-sighting"  # from view.callback_id
    assert event.response_url == "https://hooks.slack.com/app/T9TK3CUKW/12345/abcdef"
    assert event.actions == []
    assert event.view == VIEW_SUBMISSION["view"]
    assert event.payload == VIEW_SUBMISSION


@pytest.mark.parametrize(
    ("payload", "callback_id"),
    [
        (SHORTCUT, "open-journal"),
        ({**SHORTCUT, "type": "message_action", "response_url": "https://hooks.slack.com/x"}, "open-journal"),
        ({**VIEW_SUBMISSION, "type": "view_closed", "is_cleared": False}, "report-sighting"),
        ({**BLOCK_ACTIONS, "type": "block_suggestion", "view": VIEW_SUBMISSION["view"]}, "report-sighting"),
    ],
    ids=["shortcut", "message_action", "view_closed", "block_suggestion"],
)
def test_every_interaction_type_is_an_interaction(payload: dict[str, Any], callback_id: str) -> None:
    event = one(interaction(payload))
    assert type(event) is slack.Interaction
    assert (event.type, event.callback_id, event.user_id) == (payload["type"], callback_id, "UA8RXUSPL")
    assert event.payload == payload


def test_an_org_wide_install_has_no_team() -> None:
    event = one(interaction({**BLOCK_ACTIONS, "team": None, "enterprise": {"id": "E0001"}}))
    assert isinstance(event, slack.Interaction)
    assert (event.team_id, event.user_id) == (None, "UA8RXUSPL")


# -- handlers ----------------------------------------------------------------------


def test_handlers_register_by_type_and_by_class() -> None:
    receiver = Receiver(provider())
    commands: list[slack.SlashCommand] = []
    interactions: list[slack.Interaction] = []
    everything: list[slack.SlackEvent] = []
    receiver.on("slash_command")(commands.append)
    receiver.on(slack.Interaction)(interactions.append)
    receiver.on(slack.SlackEvent)(everything.append)
    for body in (form(SLASH_COMMAND), interaction(BLOCK_ACTIONS), interaction(VIEW_SUBMISSION)):
        reply = post(receiver, body)
        assert (reply.status, reply.body) == (200, b"")
    assert [(type(e), e.command) for e in commands] == [(slack.SlashCommand, "/weather")]
    assert [(type(e), e.type) for e in interactions] == [
        (slack.Interaction, "block_actions"),
        (slack.Interaction, "view_submission"),
    ]
    assert everything == [*commands, *interactions]


# -- what is refused ---------------------------------------------------------------


def test_a_tampered_form_is_401() -> None:
    body = form(SLASH_COMMAND)
    receiver = Receiver(provider())
    ran: list[Event] = []
    receiver.on_any(ran.append)
    headers = signed(body)
    assert receiver.handle("POST", headers, body, now=NOW).status == 200
    for tampered in (
        body.replace(b"text=Gravity", b"text=Gravitz"),
        body.replace(b"user_id=U2147483697", b"user_id=U0000000001"),
        body + b"&extra=1",
        interaction(BLOCK_ACTIONS),  # another body under the slash command's signature
    ):
        reply = receiver.handle("POST", headers, tampered, now=NOW)
        assert reply.status == 401
        assert isinstance(reply.error, SignatureMismatch)
    assert len(ran) == 1


_MANY_FIELDS = "&".join(f"f{n}=x" for n in range(slack.MAX_FORM_FIELDS)).encode()


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"command=/a&command=/b&text=",
        b"command=/weather&text",
        b"command=/weather&&text=hi",
        b"command=/weather&text=hi&",
        b"=x&command=/weather",
        b"team_id=T1&text=hi&user_id=U1",
        b"command=&text=hi",
        b"command=%FF&text=hi",
        b"command=\xff&text=hi",
        b"command=/weather&" + _MANY_FIELDS,
        b"payload=%7Bnot+json",
        b"payload=%5B1%2C2%5D",
        form({"payload": json.dumps({"user": {"id": "U1"}, "trigger_id": "1.2.3"})}),
        b"payload=1&payload=2",
        interaction({**BLOCK_ACTIONS, "user": "UA8RXUSPL"}),
        interaction({**BLOCK_ACTIONS, "actions": {"action_id": "approve"}}),
        interaction({**VIEW_SUBMISSION, "response_urls": "https://hooks.slack.com/x"}),
        interaction({**VIEW_SUBMISSION, "view": []}),
        form({"payload": '{"type": "block_actions", "n": NaN}'}),
        b"[1, 2]",
        b"{not json",
    ],
    ids=[
        "empty",
        "repeated field",
        "field without =",
        "empty field",
        "trailing &",
        "field without a name",
        "no known field",
        "empty command",
        "not utf-8 once percent-decoded",
        "not utf-8",
        "too many fields",
        "payload not json",
        "payload not an object",
        "payload without a type",
        "payload twice",
        "user not an object",
        "actions not an array",
        "response_urls not an array",
        "view not an object",
        "payload with NaN",
        "json array",
        "broken json",
    ],
)
def test_a_form_slack_never_sends_is_400(body: bytes) -> None:
    reply, seen = received(body)
    assert (reply.status, json.loads(reply.body)) == (400, {"error": "invalid_payload"})
    assert isinstance(reply.error, PayloadError)
    assert seen == []


def test_the_form_content_type_is_accepted_and_text_plain_is_415() -> None:
    body = form(SLASH_COMMAND)
    assert received(body, FORM)[0].status == 200
    assert received(body, f"{FORM}; charset=UTF-8")[0].status == 200
    for content_type in ("text/plain", "multipart/form-data; boundary=x", "application/xml"):
        reply, seen = received(body, content_type)
        assert (reply.status, seen) == (415, [])
        assert isinstance(reply.error, UnsupportedMediaType)


# -- the body decides, not the Content-Type header -----------------------------------


def test_a_json_body_is_json_whatever_its_content_type_says() -> None:
    reply, seen = received(json.dumps(EVENT_CALLBACK).encode(), FORM)
    assert (reply.status, json.loads(reply.body)) == (200, {"ok": True})
    [event] = seen
    assert type(event) is slack.SlackEvent
    assert (event.type, event.event_type, event.id, event.team_id) == (
        "event_callback",
        "app_mention",
        "Ev0PV52K21",
        "T061EG9R6",
    )
    check = {"token": "t", "challenge": "c-123", "type": "url_verification"}
    reply, _ = received(b"\r\n " + json.dumps(check).encode(), FORM)
    assert (reply.status, json.loads(reply.body)) == (200, {"challenge": "c-123"})


def test_a_form_body_is_a_form_whatever_its_content_type_says() -> None:
    event = one(form(SLASH_COMMAND), "application/json")
    assert isinstance(event, slack.SlashCommand)
    event = one(interaction(VIEW_SUBMISSION), "application/json")
    assert isinstance(event, slack.Interaction)
    body = form(SLASH_COMMAND)  # and with no Content-Type at all
    reply = Receiver(provider()).handle("POST", provider().sign(body, now=NOW), body, now=NOW)
    assert (reply.status, [type(e) for e in reply.events]) == (200, [slack.SlashCommand])


# -- identity, and deferred mode ------------------------------------------------------


def test_the_store_runs_an_exact_replay_once_and_a_new_invocation_again() -> None:
    receiver = Receiver(provider(), store=MemoryStore())
    ran: list[Event] = []
    receiver.on_any(ran.append)
    first = form(SLASH_COMMAND)
    again = form({**SLASH_COMMAND, "trigger_id": "13345224609.738474920.ffffffffffffffffff"})
    replies = [post(receiver, body) for body in (first, first, again, interaction(BLOCK_ACTIONS))]
    replies.append(post(receiver, interaction(BLOCK_ACTIONS)))
    assert [(r.status, r.body) for r in replies] == [(200, b"")] * 5
    assert [len(r.events) for r in replies] == [1, 0, 1, 1, 0]
    assert [e.type for e in ran] == ["slash_command", "slash_command", "block_actions"]
    assert [getattr(e, "trigger_id", None) for e in ran] == [
        SLASH_COMMAND["trigger_id"],
        "13345224609.738474920.ffffffffffffffffff",
        BLOCK_ACTIONS["trigger_id"],
    ]


def test_every_form_event_is_rebuilt_from_its_payload_alone() -> None:
    slack_provider = provider()
    for body in (
        form(SLASH_COMMAND),
        b"token=x&ssl_check=1",
        interaction(BLOCK_ACTIONS),
        interaction(VIEW_SUBMISSION),
        interaction(SHORTCUT),
    ):
        [event] = slack_provider.parse(signed(body), body)
        stored = json.loads(json.dumps(event.payload))
        again = slack_provider.rebuild(stored)
        assert again == event
        assert type(again) is type(event)


def test_deferred_mode_stores_answers_and_a_worker_runs_the_same_typed_events(tmp_path: Path) -> None:
    inbox = SQLiteInbox(tmp_path / "inbox.db")
    try:
        receiver = Receiver(provider(), inbox=inbox)
        commands: list[slack.SlashCommand] = []
        interactions: list[slack.Interaction] = []
        others: list[Event] = []
        receiver.on(slack.SlashCommand)(commands.append)
        receiver.on(slack.Interaction)(interactions.append)
        receiver.on("ssl_check")(others.append)
        bodies = [
            form(SLASH_COMMAND),
            interaction(BLOCK_ACTIONS),
            interaction(VIEW_SUBMISSION),
            b"token=x&ssl_check=1",
        ]
        replies = [post(receiver, body) for body in bodies]
        assert [(r.status, r.body) for r in replies] == [(200, b"")] * 4
        assert not commands and not interactions and not others  # nothing runs before the worker
        assert sorted(r.type for r in inbox.list()) == sorted(
            ["slash_command", "block_actions", "view_submission", "ssl_check"]
        )
        # An exact replay is stored once.
        assert post(receiver, bodies[0]).status == 200
        assert len(inbox.list()) == 4

        assert Worker(inbox, clock=lambda: NOW).run_once() == 4
        sent = [event for reply in replies for event in reply.events]
        assert [*commands, *sorted(interactions, key=lambda e: e.type), *others] == [
            sent[0],
            sent[1],
            sent[2],
            sent[3],
        ]
        assert [type(e) for e in (*commands, *interactions, *others)] == [
            slack.SlashCommand,
            slack.Interaction,
            slack.Interaction,
            slack.SlackEvent,
        ]
    finally:
        inbox.close()
