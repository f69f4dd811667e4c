"""Samples and demo options for zoom, twitch, meta, discord.

The payloads follow the examples in each provider's documentation (Meta's WhatsApp
Cloud API, Messenger Platform and Instagram webhook references; Zoom's webhook
reference; Twitch's EventSub subscription types; Discord's interactions and webhook
events), with every documented field present and plausible values.
"""

from __future__ import annotations

from typing import Any

from .._events import JSONValue
from ._sample import Sample

__all__ = ["CREDENTIAL_OPTION", "DEMO_OPTIONS", "DEMO_PRIVATE_KEYS", "SAMPLES"]


# --- Meta -------------------------------------------------------------------------------------

_WABA_ID = "102290129340398"
_PHONE_METADATA: dict[str, JSONValue] = {
    "display_phone_number": "15550783881",
    "phone_number_id": "106540352242922",
}
_PAGE_ID = "108224188712345"
_PSID = "6985215948210034"
_IG_ID = "17841405822304914"
_IGSID = "1266810164558862"


def _meta(
    obj: str, entry_id: str, time: int | None, items: str, item: dict[str, JSONValue]
) -> dict[str, JSONValue]:
    entry: dict[str, JSONValue] = {"id": entry_id}
    if time is not None:
        entry["time"] = time
    entry[items] = [item]
    return {"object": obj, "entry": [entry]}


def _messenger(kind: str, body: dict[str, JSONValue], *, obj: str = "page") -> dict[str, JSONValue]:
    page, user = (_PAGE_ID, _PSID) if obj == "page" else (_IG_ID, _IGSID)
    item: dict[str, JSONValue] = {
        "sender": {"id": user},
        "recipient": {"id": page},
        "timestamp": 1706160867392,
        kind: body,
    }
    return _meta(obj, page, 1706160867512, "messaging", item)


_META: list[Sample] = [
    Sample(
        "meta",
        "whatsapp_business_account.messages",
        _meta(
            "whatsapp_business_account",
            _WABA_ID,
            None,
            "changes",
            {
                "field": "messages",
                "value": {
                    "messaging_product": "whatsapp",
                    "metadata": _PHONE_METADATA,
                    "contacts": [{"profile": {"name": "Stan Pines"}, "wa_id": "15035550123"}],
                    "messages": [
                        {
                            "from": "15035550123",
                            "id": "wamid.HBgLMTUwMzU1NTAxMjMVAgASGBQzQUY3QjE5RjM1QkQ4RDMxRUQ5RAA=",
                            "timestamp": "1706160867",
                            "type": "text",
                            "text": {"body": "Is the Mystery Shack open today?"},
                        }
                    ],
                },
            },
        ),
    ),
    Sample(
        "meta",
        "whatsapp_business_account.message_template_status_update",
        _meta(
            "whatsapp_business_account",
            _WABA_ID,
            1706160900,
            "changes",
            {
                "field": "message_template_status_update",
                "value": {
                    "event": "APPROVED",
                    "message_template_id": 1225370165293844,
                    "message_template_name": "order_confirmation",
                    "message_template_language": "en_US",
                    "reason": "NONE",
                },
            },
        ),
    ),
    Sample(
        "meta",
        "page.messages",
        _messenger(
            "message",
            {
                "mid": "m_1457764197618:41d102a3e1ae206a38",
                "text": "hello, world!",
                "quick_reply": {"payload": "DEVELOPER_DEFINED_PAYLOAD"},
                "reply_to": {"mid": "m_1fTq8oLumEyIp3Q2MR-aY7IfLZDamVrALniheU"},
            },
        ),
    ),
    Sample(
        "meta",
        "page.messaging_postbacks",
        _messenger(
            "postback",
            {
                "mid": "m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP",
                "title": "Get Started",
                "payload": "GET_STARTED",
            },
        ),
    ),
    Sample(
        "meta",
        "page.message_reactions",
        _messenger(
            "reaction",
            {
                "mid": "m_1457764197618:41d102a3e1ae206a38",
                "action": "react",
                "emoji": "\u2764\ufe0f",
                "reaction": "love",
            },
        ),
    ),
    Sample(
        "meta",
        "page.message_deliveries",
        _messenger("delivery", {"mids": ["m_1457764197618:41d102a3e1ae206a38"], "watermark": 1706160867000}),
    ),
    Sample("meta", "page.message_reads", _messenger("read", {"watermark": 1706160867000})),
    Sample(
        "meta",
        "page.feed",
        _meta(
            "page",
            _PAGE_ID,
            1706160867,
            "changes",
            {
                "field": "feed",
                "value": {
                    "item": "comment",
                    "verb": "add",
                    "post_id": "108224188712345_122105234567890123",
                    "comment_id": "122105234567890123_987654321098765",
                    "parent_id": "108224188712345_122105234567890123",
                    "created_time": 1706160867,
                    "from": {"id": "7060011234567890", "name": "Dipper Pines"},
                    "message": "Wendy says the gnomes are back.",
                    "post": {
                        "id": "108224188712345_122105234567890123",
                        "status_type": "added_photos",
                        "is_published": True,
                        "updated_time": "2024-01-25T05:34:27+0000",
                        "permalink_url": "https://www.facebook.com/permalink.php?story_fbid=122105234567890123",
                        "promotion_status": "inactive",
                    },
                },
            },
        ),
    ),
    Sample(
        "meta",
        "instagram.messages",
        _messenger(
            "message",
            {
                "mid": "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDA1ODIyMzA0OTE0OjM0MDI4MjM2Njg0MTcx",
                "text": "Do you ship to Oregon?",
            },
            obj="instagram",
        ),
    ),
    Sample(
        "meta",
        "instagram.comments",
        _meta(
            "instagram",
            _IG_ID,
            1706160867,
            "changes",
            {
                "field": "comments",
                "value": {
                    "id": "17865799348089039",
                    "from": {"id": _IGSID, "username": "mabel.pines"},
                    "text": "Grunkle Stan, this is amazing!",
                    "media": {"id": "18023345989012345", "media_product_type": "FEED"},
                },
            },
        ),
    ),
]


# --- Zoom -------------------------------------------------------------------------------------

_ZOOM_ACCOUNT = "AAAAAABBBB"
_ZOOM_MEETING: dict[str, JSONValue] = {
    "id": 85746065432,
    "uuid": "4444AAAiAAAAAiAiAiiAii==",
    "host_id": "x1yCzABCDEfg23HiJKl4mN",
    "topic": "Mystery Shack weekly sync",
    "type": 2,
    "start_time": "2024-01-25T05:30:00Z",
    "timezone": "America/Los_Angeles",
    "duration": 60,
}


def _zoom(event: str, obj: dict[str, JSONValue], **extra: JSONValue) -> dict[str, JSONValue]:
    payload: dict[str, JSONValue] = {"account_id": _ZOOM_ACCOUNT, "object": obj}
    payload.update(extra)
    return {"event": event, "event_ts": 1706160867392, "payload": payload}


_PARTICIPANT: dict[str, JSONValue] = {
    "user_id": "16778240",
    "user_name": "Dipper Pines",
    "id": "iFxeBPYun6SAiWUzBcEkX",
    "participant_uuid": "55555AAAiAAAAAiAiAiiAii",
    "email": "dipper@mysteryshack.com",
    "registrant_id": "abcdefghij0-klmnopq23456",
    "participant_user_id": "rstuvwxyza789-cde",
    "customer_key": "349589LkJyeW",
    "phone_number": "8615250064084",
}

_ZOOM: list[Sample] = [
    Sample(
        "zoom",
        "endpoint.url_validation",
        {
            "payload": {"plainToken": "qgg8vlvZRS6UYooatFL8Aw"},
            "event_ts": 1654503849680,
            "event": "endpoint.url_validation",
        },
    ),
    Sample(
        "zoom",
        "meeting.created",
        _zoom(
            "meeting.created",
            {**_ZOOM_MEETING, "join_url": "https://zoom.us/j/85746065432", "password": "P@ssw0rd"},
            operator="stan@mysteryshack.com",
            operator_id="z8yCxjabcdEFGHfp8uQ",
        ),
    ),
    Sample("zoom", "meeting.started", _zoom("meeting.started", _ZOOM_MEETING)),
    Sample(
        "zoom", "meeting.ended", _zoom("meeting.ended", {**_ZOOM_MEETING, "end_time": "2024-01-25T06:31:02Z"})
    ),
    Sample(
        "zoom",
        "meeting.participant_joined",
        _zoom(
            "meeting.participant_joined",
            {**_ZOOM_MEETING, "participant": {**_PARTICIPANT, "join_time": "2024-01-25T05:31:12Z"}},
        ),
    ),
    Sample(
        "zoom",
        "meeting.participant_left",
        _zoom(
            "meeting.participant_left",
            {
                **_ZOOM_MEETING,
                "participant": {
                    **_PARTICIPANT,
                    "leave_time": "2024-01-25T06:30:55Z",
                    "leave_reason": "left the meeting",
                },
            },
        ),
    ),
    Sample(
        "zoom",
        "recording.completed",
        {
            **_zoom(
                "recording.completed",
                {
                    **_ZOOM_MEETING,
                    "account_id": _ZOOM_ACCOUNT,
                    "host_email": "stan@mysteryshack.com",
                    "total_size": 529758,
                    "recording_count": 1,
                    "share_url": "https://zoom.us/rec/share/4444AAAiAAAAAiAiAiiAii",
                    "password": "rec-P@ss",
                    "recording_files": [
                        {
                            "id": "ed6c2f27-2ae7-42f4-b3d0-835b493e4fa8",
                            "meeting_id": "4444AAAiAAAAAiAiAiiAii==",
                            "recording_start": "2024-01-25T05:31:00Z",
                            "recording_end": "2024-01-25T06:30:50Z",
                            "file_type": "MP4",
                            "file_extension": "MP4",
                            "file_size": 529758,
                            "play_url": "https://zoom.us/rec/play/ed6c2f27",
                            "download_url": "https://zoom.us/rec/download/ed6c2f27",
                            "status": "completed",
                            "recording_type": "shared_screen_with_speaker_view",
                        }
                    ],
                },
            ),
            "download_token": "abJhbGciOiJIUzUxMiJ9.eyJpc3MiOiJodHRwczovL2V2ZW50Lnpvb20udXMi.example",
        },
    ),
    Sample(
        "zoom",
        "user.created",
        _zoom(
            "user.created",
            {
                "id": "z8yCxjabcdEFGHfp8uQ",
                "first_name": "Soos",
                "last_name": "Ramirez",
                "email": "soos@mysteryshack.com",
                "type": 1,
            },
            operator="stan@mysteryshack.com",
            operator_id="x1yCzABCDEfg23HiJKl4mN",
            creation_type="create",
        ),
    ),
]


# --- Twitch -----------------------------------------------------------------------------------

_BROADCASTER: dict[str, JSONValue] = {
    "broadcaster_user_id": "1337",
    "broadcaster_user_login": "cool_user",
    "broadcaster_user_name": "Cool_User",
}
_VIEWER: dict[str, JSONValue] = {"user_id": "1234", "user_login": "cooler_user", "user_name": "Cooler_User"}


def _subscription(
    kind: str, version: str, condition: dict[str, JSONValue], status: str = "enabled"
) -> dict[str, JSONValue]:
    return {
        "id": "f1c2a387-161a-49f9-a165-0f21d7a4e1c4",
        "type": kind,
        "version": version,
        "status": status,
        "cost": 0 if status == "enabled" else 1,
        "condition": condition,
        "transport": {"method": "webhook", "callback": "https://example.com/webhooks/callback"},
        "created_at": "2019-11-16T10:11:12.634234626Z",
    }


def _twitch_headers(message_type: str, subscription: dict[str, JSONValue]) -> dict[str, str]:
    """The unsigned headers Twitch adds (the provider reads none of them)."""
    return {
        "Twitch-Eventsub-Message-Type": message_type,
        "Twitch-Eventsub-Message-Retry": "0",
        "Twitch-Eventsub-Subscription-Type": str(subscription["type"]),
        "Twitch-Eventsub-Subscription-Version": str(subscription["version"]),
    }


def _notification(
    kind: str, version: str, condition: dict[str, JSONValue], event: dict[str, JSONValue]
) -> Sample:
    subscription = _subscription(kind, version, condition)
    return Sample(
        "twitch",
        kind,
        {"subscription": subscription, "event": event},
        _twitch_headers("notification", subscription),
    )


_FOLLOW_SUBSCRIPTION = _subscription(
    "channel.follow",
    "2",
    {"broadcaster_user_id": "1337", "moderator_user_id": "1337"},
    status="webhook_callback_verification_pending",
)
_REVOKED_SUBSCRIPTION = _subscription(
    "channel.follow",
    "2",
    {"broadcaster_user_id": "1337", "moderator_user_id": "1337"},
    status="authorization_revoked",
)
_DROP_SUBSCRIPTION = _subscription(
    "drop.entitlement.grant", "1", {"organization_id": "9001", "category_id": "9002", "campaign_id": "9003"}
)

_TWITCH: list[Sample] = [
    Sample(
        "twitch",
        "webhook_callback_verification",
        {"challenge": "pogchamp-kappa-360noscope-vohiyo", "subscription": _FOLLOW_SUBSCRIPTION},
        _twitch_headers("webhook_callback_verification", _FOLLOW_SUBSCRIPTION),
    ),
    Sample(
        "twitch",
        "revocation",
        {"subscription": _REVOKED_SUBSCRIPTION},
        _twitch_headers("revocation", _REVOKED_SUBSCRIPTION),
    ),
    _notification(
        "stream.online",
        "1",
        {"broadcaster_user_id": "1337"},
        {"id": "9001", **_BROADCASTER, "type": "live", "started_at": "2020-10-11T10:11:12.123Z"},
    ),
    _notification("stream.offline", "1", {"broadcaster_user_id": "1337"}, dict(_BROADCASTER)),
    _notification(
        "channel.follow",
        "2",
        {"broadcaster_user_id": "1337", "moderator_user_id": "1337"},
        {**_VIEWER, **_BROADCASTER, "followed_at": "2020-07-15T18:16:11.17106713Z"},
    ),
    _notification(
        "channel.subscribe",
        "1",
        {"broadcaster_user_id": "1337"},
        {**_VIEWER, **_BROADCASTER, "tier": "1000", "is_gift": False},
    ),
    _notification(
        "channel.cheer",
        "1",
        {"broadcaster_user_id": "1337"},
        {"is_anonymous": False, **_VIEWER, **_BROADCASTER, "message": "pogchamp", "bits": 1000},
    ),
    _notification(
        "channel.raid",
        "1",
        {"to_broadcaster_user_id": "1337"},
        {
            "from_broadcaster_user_id": "1234",
            "from_broadcaster_user_login": "cool_user",
            "from_broadcaster_user_name": "Cool_User",
            "to_broadcaster_user_id": "1337",
            "to_broadcaster_user_login": "cooler_user",
            "to_broadcaster_user_name": "Cooler_User",
            "viewers": 9001,
        },
    ),
    _notification(
        "channel.update",
        "2",
        {"broadcaster_user_id": "1337"},
        {
            **_BROADCASTER,
            "title": "Best Stream Ever",
            "language": "en",
            "category_id": "12453",
            "category_name": "Grand Theft Auto",
            "content_classification_labels": ["MatureGame"],
        },
    ),
    _notification(
        "channel.channel_points_custom_reward_redemption.add",
        "1",
        {"broadcaster_user_id": "1337"},
        {
            "id": "17fa2df1-ad76-4804-bfa5-a40ef63efe63",
            **_BROADCASTER,
            **_VIEWER,
            "user_input": "pogchamp",
            "status": "unfulfilled",
            "reward": {
                "id": "92af127c-7326-4483-a52b-b0da0be61c01",
                "title": "title",
                "cost": 100,
                "prompt": "reward prompt",
            },
            "redeemed_at": "2020-07-15T17:16:03.17106713Z",
        },
    ),
    Sample(
        "twitch",
        "drop.entitlement.grant",
        {
            "subscription": _DROP_SUBSCRIPTION,
            "events": [
                {
                    "id": "bf7c8577-e3e0-4b3b-8e5b-1bd0e2d3c7b5",
                    "data": {
                        "organization_id": "9001",
                        "category_id": "9002",
                        "category_name": "Fortnite",
                        "campaign_id": "9003",
                        "user_id": "1234",
                        "user_name": "Cool_User",
                        "user_login": "cool_user",
                        "entitlement_id": "fb78259e-fb81-4d1b-8333-34a06ffc24c0",
                        "benefit_id": "74c52265-e214-48a6-91b9-23b6014e8041",
                        "created_at": "2019-01-28T04:17:53.325Z",
                    },
                }
            ],
        },
        _twitch_headers("notification", _DROP_SUBSCRIPTION),
    ),
]


# --- Discord ----------------------------------------------------------------------------------

_APPLICATION_ID = "1234560123453231555"
_DISCORD_USER: dict[str, JSONValue] = {
    "id": "53908232506183680",
    "username": "mabel",
    "global_name": "Mabel Pines",
    "avatar": "a_d5efa99b3eeaa7dd43acca82f5692432",
    "discriminator": "0",
    "public_flags": 131141,
}
_MEMBER: dict[str, JSONValue] = {
    "user": _DISCORD_USER,
    "roles": ["539082325061836999"],
    "premium_since": None,
    "permissions": "2147483647",
    "pending": False,
    "nick": None,
    "mute": False,
    "joined_at": "2017-03-13T19:19:14.040000+00:00",
    "deaf": False,
}


def _interaction(
    number: int, interaction_id: str, data: dict[str, JSONValue] | None, **extra: JSONValue
) -> dict[str, JSONValue]:
    body: dict[str, JSONValue] = {
        "id": interaction_id,
        "application_id": _APPLICATION_ID,
        "type": number,
        "token": "A_UNIQUE_TOKEN_aW50ZXJhY3Rpb246MTE5Njk1ODIyMTMxMjMzNTg4Mg",
        "version": 1,
    }
    if number != 1:
        body.update(
            {
                "data": data,
                "guild_id": "290926798626357999",
                "channel_id": "645027906669510667",
                "member": _MEMBER,
                "app_permissions": "442368",
                "locale": "en-US",
                "guild_locale": "en-US",
                "entitlements": [],
                "authorizing_integration_owners": {"0": "290926798626357999"},
                "context": 0,
            }
        )
    body.update(extra)
    return body


def _webhook(kind: str, timestamp: str, data: dict[str, JSONValue]) -> dict[str, JSONValue]:
    return {
        "version": 1,
        "application_id": _APPLICATION_ID,
        "type": 1,
        "event": {"type": kind, "timestamp": timestamp, "data": data},
    }


_DISCORD: list[Sample] = [
    Sample("discord", "PING", _interaction(1, "1196958221312335882", None, user=_DISCORD_USER)),
    Sample(
        "discord",
        "APPLICATION_COMMAND",
        _interaction(
            2,
            "1196958221312335883",
            {
                "id": "771825006014889984",
                "name": "blep",
                "type": 1,
                "options": [{"type": 3, "name": "animal", "value": "animal_dog"}],
            },
        ),
    ),
    Sample(
        "discord",
        "MESSAGE_COMPONENT",
        _interaction(
            3,
            "1196958221312335884",
            {"custom_id": "class_select_1", "component_type": 3, "values": ["mage", "rogue"]},
            message={
                "id": "1196958100000000000",
                "channel_id": "645027906669510667",
                "content": "Pick a class",
            },
        ),
    ),
    Sample(
        "discord",
        "APPLICATION_COMMAND_AUTOCOMPLETE",
        _interaction(
            4,
            "1196958221312335885",
            {
                "id": "816437322781949972",
                "name": "airhorn",
                "type": 1,
                "options": [{"type": 3, "name": "variant", "value": "data", "focused": True}],
            },
        ),
    ),
    Sample(
        "discord",
        "MODAL_SUBMIT",
        _interaction(
            5,
            "1196958221312335886",
            {
                "custom_id": "cool_modal",
                "components": [
                    {"type": 1, "components": [{"type": 4, "custom_id": "name", "value": "Mabel"}]}
                ],
            },
        ),
    ),
    Sample("discord", "WEBHOOK_PING", {"version": 1, "application_id": _APPLICATION_ID, "type": 0}),
    Sample(
        "discord",
        "APPLICATION_AUTHORIZED",
        _webhook(
            "APPLICATION_AUTHORIZED",
            "2024-10-18T14:42:53.064834",
            {"integration_type": 1, "scopes": ["applications.commands"], "user": _DISCORD_USER},
        ),
    ),
    Sample(
        "discord",
        "APPLICATION_DEAUTHORIZED",
        _webhook("APPLICATION_DEAUTHORIZED", "2024-10-18T14:42:53.064834", {"user": _DISCORD_USER}),
    ),
    Sample(
        "discord",
        "ENTITLEMENT_CREATE",
        _webhook(
            "ENTITLEMENT_CREATE",
            "2024-10-18T18:41:21.109604",
            {
                "application_id": _APPLICATION_ID,
                "consumed": False,
                "deleted": False,
                "gift_code_flags": 0,
                "id": "1234505980407808808",
                "promotion_id": None,
                "sku_id": "123489045643835123",
                "type": 4,
                "user_id": "111178765189277770",
            },
        ),
    ),
    Sample(
        "discord",
        "LOBBY_MESSAGE_CREATE",
        _webhook(
            "LOBBY_MESSAGE_CREATE",
            "2024-10-18T18:41:21.109604",
            {
                "id": "1397729799727878254",
                "type": 0,
                "content": "welcome to the party!",
                "lobby_id": "1397729744753266719",
                "channel_id": "1397729744753266719",
                "author": _DISCORD_USER,
                "flags": 65536,
                "application_id": _APPLICATION_ID,
            },
        ),
    ),
]


SAMPLES: list[Sample] = [*_META, *_ZOOM, *_TWITCH, *_DISCORD]
"""Realistic, complete sample events, one per documented event type."""

DEMO_OPTIONS: dict[str, dict[str, Any]] = {
    "meta": {"secret": "demo-meta-app-secret", "verify_token": "demo-meta-verify-token"},
    "zoom": {"secret": "demo-zoom-secret-token"},
    "twitch": {"secret": "demo-twitch-eventsub-secret"},
    # The public half of DEMO_PRIVATE_KEYS["discord"], in hex as the developer portal shows keys.
    "discord": {"public_key": "df1fe83eddc0364865a879a32e9babf935b40b36b23bb659cad3eba857804521"},
}
"""Throwaway options per provider (see ``testing.DEMO_OPTIONS``). Never use them for real."""

DEMO_PRIVATE_KEYS: dict[str, str] = {
    # SHA-256 of "webhook-receiver demo: discord application", as an Ed25519 seed.
    "discord": "6f14795ab3829dc7a79b1daa2b982febe2de38b272b70cb6c1ed0d5c312be3e1",
}
"""The private half of each public-key provider's demo key pair. Never use them for real."""

CREDENTIAL_OPTION: dict[str, str] = {
    "meta": "secret",
    "zoom": "secret",
    "twitch": "secret",
    "discord": "public_key",
}
"""The option ``secret=`` stands for, per provider (see ``testing.CREDENTIAL_OPTION``)."""
