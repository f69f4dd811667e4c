"""Samples and demo options for shopify, intercom, typeform, vercel, gitlab, postmark, calendly.

Each body follows the provider's own documented example (field names, nesting,
value formats), with the Mystery Shack's data in it. Shopify and GitLab type their
events by unsigned headers, so their samples carry those headers (and the ids
those senders add); the others need none.
"""

from __future__ import annotations

from typing import Any

from .._events import JSONValue
from ._sample import Sample

__all__ = ["CREDENTIAL_OPTION", "DEMO_OPTIONS", "SAMPLES"]

# --- Shopify ----------------------------------------------------------------------------------------

_SHOP = "mystery-shack.myshopify.com"
_ADDRESS: dict[str, JSONValue] = {
    "first_name": "Stan",
    "last_name": "Pines",
    "name": "Stan Pines",
    "company": "Mystery Shack",
    "address1": "618 Gopher Road",
    "address2": None,
    "city": "Gravity Falls",
    "province": "Oregon",
    "province_code": "OR",
    "country": "United States",
    "country_code": "US",
    "zip": "97000",
    "phone": "+15415550123",
    "latitude": 44.2,
    "longitude": -121.3,
}
_CUSTOMER: dict[str, JSONValue] = {
    "id": 706405506930370084,
    "email": "stan@mysteryshack.com",
    "created_at": "2024-01-02T10:00:00-08:00",
    "updated_at": "2024-01-25T09:14:02-08:00",
    "first_name": "Stan",
    "last_name": "Pines",
    "state": "enabled",
    "note": None,
    "verified_email": True,
    "multipass_identifier": None,
    "tax_exempt": False,
    "phone": "+15415550123",
    "currency": "USD",
    "tags": "vip",
    "admin_graphql_api_id": "gid://shopify/Customer/706405506930370084",
    "default_address": {"id": 9120384719, "customer_id": 706405506930370084, "default": True, **_ADDRESS},
}
_LINE_ITEM: dict[str, JSONValue] = {
    "id": 866550311766439020,
    "admin_graphql_api_id": "gid://shopify/LineItem/866550311766439020",
    "fulfillable_quantity": 2,
    "fulfillment_service": "manual",
    "fulfillment_status": None,
    "gift_card": False,
    "grams": 250,
    "name": "Mystery Shack Bobblehead - Large",
    "price": "24.99",
    "product_exists": True,
    "product_id": 788032119674292922,
    "properties": [],
    "quantity": 2,
    "requires_shipping": True,
    "sku": "MS-BOBBLE-L",
    "taxable": True,
    "title": "Mystery Shack Bobblehead",
    "total_discount": "0.00",
    "variant_id": 642667041472713922,
    "variant_title": "Large",
    "vendor": "Mystery Shack",
    "tax_lines": [{"price": "4.00", "rate": 0.08, "title": "State tax"}],
    "discount_allocations": [],
}


def _order(**changes: JSONValue) -> dict[str, JSONValue]:
    order: dict[str, JSONValue] = {
        "id": 820982911946154508,
        "admin_graphql_api_id": "gid://shopify/Order/820982911946154508",
        "app_id": 580111,
        "browser_ip": "203.0.113.7",
        "buyer_accepts_marketing": True,
        "cancel_reason": None,
        "cancelled_at": None,
        "cart_token": "Z2NwLXVzLWVhc3QxOjAxSEtDNjRXMEQ2N1YyMFNHNlNHMFAzQTk3",
        "checkout_id": 901414060,
        "checkout_token": "bd5a8aa1ecd019dd3520ff791ee3a24c",
        "closed_at": None,
        "confirmation_number": "XPAV284CT",
        "confirmed": True,
        "contact_email": "stan@mysteryshack.com",
        "created_at": "2024-01-25T09:14:00-08:00",
        "currency": "USD",
        "current_subtotal_price": "49.98",
        "current_total_discounts": "0.00",
        "current_total_price": "63.98",
        "current_total_tax": "4.00",
        "customer_locale": "en",
        "email": "stan@mysteryshack.com",
        "estimated_taxes": False,
        "financial_status": "pending",
        "fulfillment_status": None,
        "landing_site": "/products/bobblehead",
        "name": "#1618",
        "note": "Gift wrap, please",
        "note_attributes": [{"name": "gift", "value": "yes"}],
        "number": 618,
        "order_number": 1618,
        "order_status_url": f"https://{_SHOP}/690933842/orders/123456abcd/authenticate?key=abcdefg",
        "payment_gateway_names": ["shopify_payments"],
        "phone": "+15415550123",
        "presentment_currency": "USD",
        "processed_at": "2024-01-25T09:14:00-08:00",
        "reference": None,
        "source_name": "web",
        "subtotal_price": "49.98",
        "tags": "gravity-falls",
        "taxes_included": False,
        "test": False,
        "token": "123456abcd",
        "total_discounts": "0.00",
        "total_line_items_price": "49.98",
        "total_price": "63.98",
        "total_tax": "4.00",
        "total_weight": 500,
        "updated_at": "2024-01-25T09:14:02-08:00",
        "user_id": None,
        "billing_address": dict(_ADDRESS),
        "shipping_address": dict(_ADDRESS),
        "customer": dict(_CUSTOMER),
        "discount_codes": [],
        "line_items": [dict(_LINE_ITEM)],
        "shipping_lines": [
            {
                "id": 271878346596884015,
                "code": "Standard",
                "price": "10.00",
                "source": "shopify",
                "title": "Standard",
            }
        ],
        "refunds": [],
        "fulfillments": [],
    }
    order.update(changes)
    return order


def _shopify_headers(topic: str, webhook_id: str, event_id: str) -> dict[str, str]:
    return {
        "X-Shopify-Topic": topic,
        "X-Shopify-Shop-Domain": _SHOP,
        "X-Shopify-API-Version": "2024-01",
        "X-Shopify-Webhook-Id": webhook_id,
        "X-Shopify-Event-Id": event_id,
        "X-Shopify-Triggered-At": "2024-01-25T17:14:02.918305123Z",
    }


_PRODUCT: dict[str, JSONValue] = {
    "id": 788032119674292922,
    "admin_graphql_api_id": "gid://shopify/Product/788032119674292922",
    "title": "Mystery Shack Bobblehead",
    "body_html": "<p>A very real bobblehead of Grunkle Stan.</p>",
    "vendor": "Mystery Shack",
    "product_type": "Souvenir",
    "created_at": "2024-01-02T10:00:00-08:00",
    "handle": "mystery-shack-bobblehead",
    "updated_at": "2024-01-25T11:02:47-08:00",
    "published_at": "2024-01-02T10:00:00-08:00",
    "template_suffix": None,
    "published_scope": "web",
    "tags": "souvenir, gravity-falls",
    "status": "active",
    "variants": [
        {
            "id": 642667041472713922,
            "product_id": 788032119674292922,
            "title": "Large",
            "price": "24.99",
            "sku": "MS-BOBBLE-L",
            "position": 1,
            "inventory_policy": "deny",
            "compare_at_price": "29.99",
            "option1": "Large",
            "option2": None,
            "option3": None,
            "created_at": "2024-01-02T10:00:00-08:00",
            "updated_at": "2024-01-25T11:02:47-08:00",
            "taxable": True,
            "barcode": "0618000000012",
            "inventory_item_id": 757923620216471136,
            "inventory_quantity": 37,
            "admin_graphql_api_id": "gid://shopify/ProductVariant/642667041472713922",
        }
    ],
    "options": [{"id": 527050010214937811, "product_id": 788032119674292922, "name": "Size", "position": 1}],
    "images": [],
    "image": None,
    "variant_gids": [
        {
            "admin_graphql_api_id": "gid://shopify/ProductVariant/642667041472713922",
            "updated_at": "2024-01-25T19:02:47Z",
        }
    ],
}

_SHOPIFY: list[Sample] = [
    Sample(
        "shopify",
        "orders/create",
        _order(),
        _shopify_headers(
            "orders/create", "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043", "98880550-7158-44d4-b7cd-2c97c8a091b5"
        ),
    ),
    Sample(
        "shopify",
        "orders/paid",
        _order(financial_status="paid", updated_at="2024-01-25T09:20:11-08:00"),
        _shopify_headers(
            "orders/paid", "1c9b1e2a-5f0e-4c45-9a64-0a0f0b6a7d31", "3e1c3a6b-2f4c-4f3e-9d8a-6b2a1c9e0f47"
        ),
    ),
    Sample(
        "shopify",
        "orders/updated",
        _order(note="Gift wrap, please. Mabel says glitter.", updated_at="2024-01-25T09:31:40-08:00"),
        _shopify_headers(
            "orders/updated", "6f8b0f0e-2d7b-4a5e-8f1e-6c0a9d2b3e14", "a2d4c6e8-0b1d-4f3a-8c5e-7a9b1d3f5e70"
        ),
    ),
    Sample(
        "shopify",
        "orders/cancelled",
        _order(
            financial_status="refunded",
            cancel_reason="customer",
            cancelled_at="2024-01-26T08:00:00-08:00",
            closed_at="2024-01-26T08:00:00-08:00",
            updated_at="2024-01-26T08:00:01-08:00",
        ),
        _shopify_headers(
            "orders/cancelled", "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6", "e7f8091a-2b3c-4d4e-9f60-718293a4b5c6"
        ),
    ),
    Sample(
        "shopify",
        "orders/fulfilled",
        _order(
            financial_status="paid", fulfillment_status="fulfilled", updated_at="2024-01-27T13:45:09-08:00"
        ),
        _shopify_headers(
            "orders/fulfilled", "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d", "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a"
        ),
    ),
    Sample(
        "shopify",
        "products/create",
        {**_PRODUCT, "updated_at": "2024-01-02T10:00:00-08:00"},
        _shopify_headers(
            "products/create", "2b3c4d5e-6f70-4819-8a2b-3c4d5e6f7081", "c1d2e3f4-a5b6-4c7d-8e9f-a0b1c2d3e4f5"
        ),
    ),
    Sample(
        "shopify",
        "products/update",
        _PRODUCT,
        _shopify_headers(
            "products/update", "7e8f9a0b-1c2d-4e3f-9a4b-5c6d7e8f9a0b", "f0e1d2c3-b4a5-4968-8776-a5b4c3d2e1f0"
        ),
    ),
    Sample(
        "shopify",
        "products/delete",
        {"id": 788032119674292922},
        _shopify_headers(
            "products/delete", "3c4d5e6f-7081-4293-a4b5-c6d7e8f9a0b1", "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d"
        ),
    ),
    Sample(
        "shopify",
        "app/uninstalled",
        {
            "id": 690933842,
            "name": "Mystery Shack",
            "email": "stan@mysteryshack.com",
            "domain": "shop.mysteryshack.com",
            "province": "Oregon",
            "country": "US",
            "address1": "618 Gopher Road",
            "zip": "97000",
            "city": "Gravity Falls",
            "phone": "+15415550123",
            "created_at": "2023-06-01T12:00:00-07:00",
            "updated_at": "2024-01-25T09:00:00-08:00",
            "country_code": "US",
            "country_name": "United States",
            "currency": "USD",
            "customer_email": "help@mysteryshack.com",
            "timezone": "(GMT-08:00) Pacific Time (US & Canada)",
            "iana_timezone": "America/Los_Angeles",
            "shop_owner": "Stan Pines",
            "plan_display_name": "Basic",
            "plan_name": "basic",
            "myshopify_domain": _SHOP,
            "primary_locale": "en",
            "money_format": "${{amount}}",
            "has_storefront": True,
            "password_enabled": False,
        },
        _shopify_headers(
            "app/uninstalled", "8f9a0b1c-2d3e-4f40-9516-2738495a6b7c", "4b5c6d7e-8f90-4a1b-9c2d-3e4f5a6b7c8d"
        ),
    ),
    Sample(
        "shopify",
        "customers/data_request",
        {
            "shop_id": 690933842,
            "shop_domain": _SHOP,
            "orders_requested": [820982911946154508, 820982911946154509],
            "customer": {"id": 706405506930370084, "email": "stan@mysteryshack.com", "phone": "+15415550123"},
            "data_request": {"id": 9999},
        },
        _shopify_headers(
            "customers/data_request",
            "9a0b1c2d-3e4f-4051-8627-38495a6b7c8d",
            "5c6d7e8f-9012-4b3c-8d4e-5f6a7b8c9d0e",
        ),
    ),
    Sample(
        "shopify",
        "customers/redact",
        {
            "shop_id": 690933842,
            "shop_domain": _SHOP,
            "customer": {"id": 706405506930370084, "email": "stan@mysteryshack.com", "phone": "+15415550123"},
            "orders_to_redact": [820982911946154508, 820982911946154509],
        },
        _shopify_headers(
            "customers/redact", "a0b1c2d3-e4f5-4a6b-9c7d-8e9f0a1b2c3d", "6d7e8f90-1a2b-4c3d-9e4f-5a6b7c8d9e0f"
        ),
    ),
    Sample(
        "shopify",
        "shop/redact",
        {"shop_id": 690933842, "shop_domain": _SHOP},
        _shopify_headers(
            "shop/redact", "b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e", "7e8f9012-3a4b-4c5d-8e6f-7a8b9c0d1e2f"
        ),
    ),
]

# --- Intercom ---------------------------------------------------------------------------------------

_ADMIN: dict[str, JSONValue] = {
    "type": "admin",
    "id": "4680413",
    "name": "Wendy Corduroy",
    "email": "wendy@mysteryshack.com",
}
_CONTACT_REF: dict[str, JSONValue] = {
    "type": "contact",
    "id": "65b1f2e38a7c4d2e9f0b1c3d",
    "external_id": "customer-123",
}


def _conversation(**changes: JSONValue) -> dict[str, JSONValue]:
    conversation: dict[str, JSONValue] = {
        "type": "conversation",
        "id": "1295",
        "title": None,
        "created_at": 1706160867,
        "updated_at": 1706160900,
        "waiting_since": 1706160867,
        "snoozed_until": None,
        "open": True,
        "state": "open",
        "read": False,
        "priority": "not_priority",
        "admin_assignee_id": None,
        "team_assignee_id": None,
        "tags": {"type": "tag.list", "tags": []},
        "conversation_rating": None,
        "source": {
            "type": "conversation",
            "id": "403918316",
            "delivered_as": "customer_initiated",
            "subject": "",
            "body": "<p>Is the Mystery Shack open on Sundays?</p>",
            "author": {"type": "user", "id": "65b1f2e38a7c4d2e9f0b1c3d", "name": "Stan Pines"},
            "attachments": [],
            "url": "https://mysteryshack.com/visit",
            "redacted": False,
        },
        "contacts": {"type": "contact.list", "contacts": [_CONTACT_REF]},
        "teammates": {"type": "admin.list", "admins": []},
        "custom_attributes": {},
        "first_contact_reply": {"created_at": 1706160867, "type": "conversation", "url": None},
        "sla_applied": None,
        "statistics": None,
        "conversation_parts": {"type": "conversation_part.list", "conversation_parts": [], "total_count": 0},
        "linked_objects": {"type": "list", "data": [], "total_count": 0, "has_more": False},
        "ai_agent_participated": False,
    }
    conversation.update(changes)
    return conversation


def _notification(topic: str, notification_id: str, item: dict[str, JSONValue]) -> dict[str, JSONValue]:
    return {
        "type": "notification_event",
        "app_id": "a86dr8yl",
        "data": {"type": "notification_event_data", "item": item},
        "links": {},
        "id": notification_id,
        "topic": topic,
        "delivery_status": "pending",
        "delivery_attempts": 1,
        "delivered_at": 0,
        "first_sent_at": 1706160901,
        "created_at": 1706160900,
        "self": None,
    }


_INTERCOM_CONTACT: dict[str, JSONValue] = {
    "type": "contact",
    "id": "65b1f2e38a7c4d2e9f0b1c3d",
    "workspace_id": "a86dr8yl",
    "external_id": "customer-123",
    "role": "user",
    "email": "stan@mysteryshack.com",
    "phone": "+15415550123",
    "name": "Stan Pines",
    "avatar": None,
    "owner_id": None,
    "social_profiles": {"type": "list", "data": []},
    "has_hard_bounced": False,
    "marked_email_as_spam": False,
    "unsubscribed_from_emails": False,
    "created_at": 1706160800,
    "updated_at": 1706160900,
    "signed_up_at": 1706160800,
    "last_seen_at": 1706160890,
    "last_replied_at": None,
    "last_contacted_at": None,
    "browser": "firefox",
    "browser_language": "en",
    "os": "Linux",
    "location": {"type": "location", "country": "United States", "region": "Oregon", "city": "Gravity Falls"},
    "custom_attributes": {"plan": "Startup"},
    "tags": {"type": "list", "data": [], "url": "/contacts/65b1f2e38a7c4d2e9f0b1c3d/tags"},
    "companies": {"type": "list", "data": [], "url": "/contacts/65b1f2e38a7c4d2e9f0b1c3d/companies"},
}

_INTERCOM: list[Sample] = [
    Sample(
        "intercom",
        "conversation.user.created",
        _notification(
            "conversation.user.created", "notif_78c122d0-23ba-11e4-9464-79b01267cc2e", _conversation()
        ),
    ),
    Sample(
        "intercom",
        "conversation.admin.replied",
        _notification(
            "conversation.admin.replied",
            "notif_1b2c3d4e-23ba-11e4-9464-79b01267cc2e",
            _conversation(
                admin_assignee_id=4680413,
                read=True,
                waiting_since=None,
                conversation_parts={
                    "type": "conversation_part.list",
                    "conversation_parts": [
                        {
                            "type": "conversation_part",
                            "id": "7287",
                            "part_type": "comment",
                            "body": "<p>Every day but Sunday. Bring cash.</p>",
                            "created_at": 1706160960,
                            "updated_at": 1706160960,
                            "notified_at": 1706160960,
                            "assigned_to": None,
                            "author": _ADMIN,
                            "attachments": [],
                            "external_id": None,
                            "redacted": False,
                        }
                    ],
                    "total_count": 1,
                },
            ),
        ),
    ),
    Sample(
        "intercom",
        "conversation.admin.closed",
        _notification(
            "conversation.admin.closed",
            "notif_2c3d4e5f-23ba-11e4-9464-79b01267cc2e",
            _conversation(open=False, state="closed", admin_assignee_id=4680413, read=True),
        ),
    ),
    Sample(
        "intercom",
        "contact.user.created",
        _notification(
            "contact.user.created", "notif_3d4e5f60-23ba-11e4-9464-79b01267cc2e", _INTERCOM_CONTACT
        ),
    ),
    Sample(
        "intercom",
        "contact.lead.created",
        _notification(
            "contact.lead.created",
            "notif_4e5f6071-23ba-11e4-9464-79b01267cc2e",
            {
                **_INTERCOM_CONTACT,
                "id": "65b1f3aa8a7c4d2e9f0b1c3e",
                "role": "lead",
                "external_id": None,
                "email": "soos@mysteryshack.com",
                "name": "Soos Ramirez",
            },
        ),
    ),
    Sample(
        "intercom",
        "company.created",
        _notification(
            "company.created",
            "notif_5f607182-23ba-11e4-9464-79b01267cc2e",
            {
                "type": "company",
                "id": "65b1f4bb8a7c4d2e9f0b1c3f",
                "name": "Mystery Shack",
                "app_id": "a86dr8yl",
                "company_id": "mystery-shack",
                "remote_created_at": 1706160000,
                "created_at": 1706160900,
                "updated_at": 1706160900,
                "monthly_spend": 1618,
                "session_count": 0,
                "user_count": 1,
                "size": 4,
                "website": "https://mysteryshack.com",
                "industry": "Tourism",
                "tags": {"type": "tag.list", "tags": []},
                "segments": {"type": "segment.list", "segments": []},
                "plan": {},
                "custom_attributes": {},
            },
        ),
    ),
    Sample(
        "intercom",
        "ticket.created",
        _notification(
            "ticket.created",
            "notif_60718293-23ba-11e4-9464-79b01267cc2e",
            {
                "type": "ticket",
                "id": "1296",
                "ticket_id": "618",
                "category": "Customer",
                "ticket_attributes": {
                    "_default_title_": "Broken bobblehead",
                    "_default_description_": "It bobs.",
                },
                "ticket_state": {
                    "type": "ticket_state",
                    "id": "8",
                    "category": "submitted",
                    "internal_label": "Submitted",
                    "external_label": "Submitted",
                },
                "ticket_type": {"type": "ticket_type", "id": "14", "name": "Returns", "category": "Customer"},
                "contacts": {"type": "contact.list", "contacts": [_CONTACT_REF]},
                "admin_assignee_id": "0",
                "team_assignee_id": "0",
                "created_at": 1706160900,
                "updated_at": 1706160900,
                "open": True,
                "snoozed_until": None,
                "linked_objects": {"type": "list", "data": [], "total_count": 0, "has_more": False},
                "ticket_parts": {"type": "ticket_part.list", "ticket_parts": [], "total_count": 0},
                "is_shared": True,
            },
        ),
    ),
    Sample(
        "intercom",
        "admin.logged_in",
        _notification(
            "admin.logged_in",
            "notif_718293a4-23ba-11e4-9464-79b01267cc2e",
            {**_ADMIN, "away_mode_enabled": False},
        ),
    ),
    Sample(
        "intercom",
        "ping",
        {
            "type": "notification_event",
            "topic": "ping",
            "id": "notif_ccd8a4d0-f965-11e3-a367-c779cae3e1b4",
            "created_at": 1392731331,
            "delivery_attempts": 1,
            "first_sent_at": 1392731392,
            "data": {"item": {"type": "ping", "message": "shipping is your company's heartbeat"}},
        },
    ),
]

# --- Typeform ---------------------------------------------------------------------------------------

_TYPEFORM_DEFINITION: dict[str, JSONValue] = {
    "id": "lT4Z3j",
    "title": "Mystery Shack visitor survey",
    "fields": [
        {
            "id": "JwWggjAKtOkA",
            "title": "What is your first name?",
            "type": "short_text",
            "ref": "readable_ref_short_text",
            "allow_multiple_selections": False,
            "allow_other_choice": False,
        },
        {
            "id": "SMEUb7VJz92Q",
            "title": "Your email, so Stan can follow up?",
            "type": "email",
            "ref": "readable_ref_email",
            "allow_multiple_selections": False,
            "allow_other_choice": False,
        },
        {
            "id": "Q7M2XAwY04dW",
            "title": "How many mysteries did you find?",
            "type": "number",
            "ref": "readable_ref_number",
            "allow_multiple_selections": False,
            "allow_other_choice": False,
        },
        {
            "id": "k6TP9oLGgHjl",
            "title": "Which exhibit did you like best?",
            "type": "multiple_choice",
            "ref": "readable_ref_multiple_choice",
            "allow_multiple_selections": False,
            "allow_other_choice": False,
            "choices": [
                {"id": "eXnU3oA141Cg", "ref": "choice-sascrotch", "label": "The Sascrotch"},
                {"id": "aTZmZGYV6liX", "ref": "choice-wax", "label": "The wax figures"},
            ],
        },
    ],
    "endings": [
        {
            "id": "dN5FLyFpCMFo",
            "ref": "01GRC8GR2017M6WW347T86VV39",
            "title": "Thanks! No refunds.",
            "type": "thankyou_screen",
            "properties": {"button_text": "Create a typeform", "show_button": True, "share_icons": True},
        }
    ],
}
_TYPEFORM_ANSWERS: list[JSONValue] = [
    {
        "type": "text",
        "text": "Mabel",
        "field": {"id": "JwWggjAKtOkA", "type": "short_text", "ref": "readable_ref_short_text"},
    },
    {
        "type": "email",
        "email": "mabel@mysteryshack.com",
        "field": {"id": "SMEUb7VJz92Q", "type": "email", "ref": "readable_ref_email"},
    },
    {
        "type": "number",
        "number": 7,
        "field": {"id": "Q7M2XAwY04dW", "type": "number", "ref": "readable_ref_number"},
    },
    {
        "type": "choice",
        "choice": {"id": "eXnU3oA141Cg", "label": "The Sascrotch", "ref": "choice-sascrotch"},
        "field": {"id": "k6TP9oLGgHjl", "type": "multiple_choice", "ref": "readable_ref_multiple_choice"},
    },
]

_TYPEFORM: list[Sample] = [
    Sample(
        "typeform",
        "form_response",
        {
            "event_id": "01HN0P5Y7QK2E1W6Z3R4T5V6X7",
            "event_type": "form_response",
            "form_response": {
                "form_id": "lT4Z3j",
                "token": "a3a12ec67a1365927098a606107fac15",
                "landed_at": "2024-01-25T17:07:02Z",
                "submitted_at": "2024-01-25T17:17:02Z",
                "hidden": {"user_id": "customer-123"},
                "calculated": {"score": 9},
                "variables": [
                    {"key": "score", "type": "number", "number": 9},
                    {"key": "name", "type": "text", "text": "typeform"},
                ],
                "definition": _TYPEFORM_DEFINITION,
                "answers": _TYPEFORM_ANSWERS,
                "ending": {"id": "dN5FLyFpCMFo", "ref": "01GRC8GR2017M6WW347T86VV39"},
            },
        },
    ),
    Sample(
        "typeform",
        "form_response_partial",
        {
            "event_id": "01HN0P9C2M4N6P8R0T2V4X6Z8B",
            "event_type": "form_response_partial",
            "form_response": {
                "form_id": "lT4Z3j",
                "token": "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e",
                "landed_at": "2024-01-25T17:20:41Z",
                "hidden": {"user_id": "customer-456"},
                "calculated": {"score": 0},
                "variables": [{"key": "score", "type": "number", "number": 0}],
                "definition": _TYPEFORM_DEFINITION,
                "answers": _TYPEFORM_ANSWERS[:1],
            },
        },
    ),
]

# --- Vercel -----------------------------------------------------------------------------------------

_TEAM: dict[str, JSONValue] = {"id": "team_mysteryshack01"}
_USER: dict[str, JSONValue] = {"id": "usr_soosramirez0001"}
_PROJECT: dict[str, JSONValue] = {"id": "prj_bobbleheadstore01"}
_DEPLOYMENT_LINKS: dict[str, JSONValue] = {
    "deployment": "https://vercel.com/mystery-shack/bobblehead-store/9dPbGgYvPqw1uJ1ZqFhxwfQ3cTcY",
    "project": "https://vercel.com/mystery-shack/bobblehead-store",
}


def _deployment_event(kind: str, delivery: str, created_at: int) -> dict[str, JSONValue]:
    payload: dict[str, JSONValue] = {
        "team": _TEAM,
        "user": _USER,
        "deployment": {
            "id": "dpl_9dPbGgYvPqw1uJ1ZqFhxwfQ3cTcY",
            "meta": {
                "githubCommitRef": "main",
                "githubCommitSha": "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
            },
            "url": "bobblehead-store-a1b2c3d4e-mystery-shack.vercel.app",
            "name": "bobblehead-store",
        },
        "links": _DEPLOYMENT_LINKS,
        "target": "production",
        "project": _PROJECT,
        "plan": "pro",
        "regions": ["iad1"],
    }
    if kind == "deployment.created":
        payload["alias"] = ["shop.mysteryshack.com"]
    return {"type": kind, "id": delivery, "createdAt": created_at, "region": "iad1", "payload": payload}


_VERCEL: list[Sample] = [
    Sample(
        "vercel",
        "deployment.created",
        _deployment_event("deployment.created", "uHVgOZn9i3YuSCvTxUxiJ5Ya", 1706160867000),
    ),
    Sample(
        "vercel",
        "deployment.succeeded",
        _deployment_event("deployment.succeeded", "b3wsJdV3Pf7qIu0Ynl2KgQ4N", 1706160961000),
    ),
    Sample(
        "vercel",
        "deployment.error",
        _deployment_event("deployment.error", "Xq2LbZm8t1YcVd5Rw0eNkP7H", 1706160975000),
    ),
    Sample(
        "vercel",
        "deployment.canceled",
        _deployment_event("deployment.canceled", "Jk4Wn7Qs2Lp9Vx1Rc6Bt3Mz8", 1706160990000),
    ),
    Sample(
        "vercel",
        "deployment.promoted",
        _deployment_event("deployment.promoted", "Pt6Yh1Ds8Kf3Nq0Zw5Gv2Lc7", 1706161020000),
    ),
    Sample(
        "vercel",
        "project.created",
        {
            "type": "project.created",
            "id": "Rm3Vq8Lw1Zt6Xp0Ny5Ks2Hd9",
            "createdAt": 1706160800000,
            "region": None,
            "payload": {
                "team": _TEAM,
                "user": _USER,
                "project": {"id": "prj_bobbleheadstore01", "name": "bobblehead-store"},
            },
        },
    ),
    Sample(
        "vercel",
        "project.removed",
        {
            "type": "project.removed",
            "id": "Gc5Nt0Wq7Ry2Lm9Xz4Pb1Vs6",
            "createdAt": 1706170000000,
            "region": None,
            "payload": {
                "team": _TEAM,
                "user": _USER,
                "project": {"id": "prj_oldgiftshop0001", "name": "old-gift-shop"},
            },
        },
    ),
    Sample(
        "vercel",
        "domain.created",
        {
            "type": "domain.created",
            "id": "Ld8Qw3Zn6Tv1Rk4Ym9Xc2Ps7",
            "createdAt": 1706160700000,
            "region": None,
            "payload": {
                "team": _TEAM,
                "user": _USER,
                "domain": {"name": "mysteryshack.com", "delegated": False},
            },
        },
    ),
    Sample(
        "vercel",
        "integration-configuration.removed",
        {
            "type": "integration-configuration.removed",
            "id": "Wv2Kp7Nx0Rq5Lz8Tc3Ym6Hd1",
            "createdAt": 1706180000000,
            "region": None,
            "payload": {
                "team": _TEAM,
                "user": _USER,
                "configuration": {
                    "id": "icfg_mysteryshack00001",
                    "projectSelection": "selected",
                    "projects": ["prj_bobbleheadstore01"],
                },
            },
        },
    ),
]

# --- GitLab -----------------------------------------------------------------------------------------

_GL_PROJECT: dict[str, JSONValue] = {
    "id": 15,
    "name": "Journal",
    "description": "Notes on the anomalies of Gravity Falls",
    "web_url": "https://gitlab.example.com/mysteryshack/journal",
    "avatar_url": None,
    "git_ssh_url": "git@gitlab.example.com:mysteryshack/journal.git",
    "git_http_url": "https://gitlab.example.com/mysteryshack/journal.git",
    "namespace": "Mystery Shack",
    "visibility_level": 0,
    "path_with_namespace": "mysteryshack/journal",
    "default_branch": "main",
    "ci_config_path": "",
    "homepage": "https://gitlab.example.com/mysteryshack/journal",
    "url": "git@gitlab.example.com:mysteryshack/journal.git",
    "ssh_url": "git@gitlab.example.com:mysteryshack/journal.git",
    "http_url": "https://gitlab.example.com/mysteryshack/journal.git",
}
_GL_REPOSITORY: dict[str, JSONValue] = {
    "name": "Journal",
    "url": "git@gitlab.example.com:mysteryshack/journal.git",
    "description": "Notes on the anomalies of Gravity Falls",
    "homepage": "https://gitlab.example.com/mysteryshack/journal",
    "git_http_url": "https://gitlab.example.com/mysteryshack/journal.git",
    "git_ssh_url": "git@gitlab.example.com:mysteryshack/journal.git",
    "visibility_level": 0,
}
_GL_USER: dict[str, JSONValue] = {
    "id": 4,
    "name": "Dipper Pines",
    "username": "dipper",
    "avatar_url": "https://www.gravatar.com/avatar/d4c74594d841139328695756648b6bd6?s=80&d=identicon",
    "email": "dipper@mysteryshack.com",
}
_GL_COMMIT: dict[str, JSONValue] = {
    "id": "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
    "message": "Add entry on the Gobblewonker\n",
    "title": "Add entry on the Gobblewonker",
    "timestamp": "2024-01-25T09:14:00-08:00",
    "url": "https://gitlab.example.com/mysteryshack/journal/-/commit/da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
    "author": {"name": "Dipper Pines", "email": "dipper@mysteryshack.com"},
    "added": ["entries/gobblewonker.md"],
    "modified": ["README.md"],
    "removed": [],
}
_GL_LABEL: dict[str, JSONValue] = {
    "id": 206,
    "title": "anomaly",
    "color": "#dc143c",
    "project_id": 15,
    "created_at": "2024-01-02T18:00:00Z",
    "updated_at": "2024-01-02T18:00:00Z",
    "template": False,
    "description": "Something weird",
    "type": "ProjectLabel",
    "group_id": None,
}


def _gitlab_headers(event: str, event_uuid: str) -> dict[str, str]:
    return {
        "X-Gitlab-Event": event,
        "X-Gitlab-Event-UUID": event_uuid,
        "X-Gitlab-Webhook-UUID": "8c1e5b2a-6f3d-4e7a-9b0c-1d2e3f4a5b6c",
        "X-Gitlab-Instance": "https://gitlab.example.com",
        "Idempotency-Key": event_uuid,
        "User-Agent": "GitLab/17.8.0",
    }


_GITLAB: list[Sample] = [
    Sample(
        "gitlab",
        "push",
        {
            "object_kind": "push",
            "event_name": "push",
            "before": "95790bf891e76fee5e1747ab589903a6a1f80f22",
            "after": "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
            "ref": "refs/heads/main",
            "ref_protected": True,
            "checkout_sha": "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
            "message": None,
            "user_id": 4,
            "user_name": "Dipper Pines",
            "user_username": "dipper",
            "user_email": "",
            "user_avatar": _GL_USER["avatar_url"],
            "project_id": 15,
            "project": _GL_PROJECT,
            "repository": _GL_REPOSITORY,
            "commits": [_GL_COMMIT],
            "total_commits_count": 1,
        },
        _gitlab_headers("Push Hook", "6f2e0d91-43c2-4e1b-9bd1-5c7a0a2f9e31"),
    ),
    Sample(
        "gitlab",
        "tag_push",
        {
            "object_kind": "tag_push",
            "event_name": "tag_push",
            "before": "0000000000000000000000000000000000000000",
            "after": "82b3d5ae55f7080f1e6022629cdb57bfae7cccc7",
            "ref": "refs/tags/v1.0.0",
            "ref_protected": True,
            "checkout_sha": "82b3d5ae55f7080f1e6022629cdb57bfae7cccc7",
            "message": "Journal 1",
            "user_id": 4,
            "user_name": "Dipper Pines",
            "user_username": "dipper",
            "user_avatar": _GL_USER["avatar_url"],
            "project_id": 15,
            "project": _GL_PROJECT,
            "repository": _GL_REPOSITORY,
            "commits": [],
            "total_commits_count": 0,
        },
        _gitlab_headers("Tag Push Hook", "0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d"),
    ),
    Sample(
        "gitlab",
        "issue",
        {
            "object_kind": "issue",
            "event_type": "issue",
            "user": _GL_USER,
            "project": _GL_PROJECT,
            "object_attributes": {
                "id": 301,
                "iid": 23,
                "title": "The Gobblewonker is real",
                "description": "Seen at Scuttlebutt Island. Photo attached.",
                "state": "opened",
                "action": "open",
                "author_id": 4,
                "assignee_ids": [5],
                "assignee_id": 5,
                "project_id": 15,
                "milestone_id": None,
                "confidential": False,
                "created_at": "2024-01-25 17:15:43 UTC",
                "updated_at": "2024-01-25 17:15:43 UTC",
                "closed_at": None,
                "due_date": None,
                "labels": [_GL_LABEL],
                "url": "https://gitlab.example.com/mysteryshack/journal/-/issues/23",
                "severity": "unknown",
                "type": "Issue",
            },
            "repository": _GL_REPOSITORY,
            "assignees": [
                {
                    "id": 5,
                    "name": "Mabel Pines",
                    "username": "mabel",
                    "avatar_url": _GL_USER["avatar_url"],
                    "email": "[REDACTED]",
                }
            ],
            "labels": [_GL_LABEL],
            "changes": {
                "updated_at": {"previous": None, "current": "2024-01-25 17:15:43 UTC"},
                "id": {"previous": None, "current": 301},
            },
        },
        _gitlab_headers("Issue Hook", "5e4d3c2b-1a09-4f8e-8d7c-6b5a49382716"),
    ),
    Sample(
        "gitlab",
        "merge_request",
        {
            "object_kind": "merge_request",
            "event_type": "merge_request",
            "user": _GL_USER,
            "project": _GL_PROJECT,
            "repository": _GL_REPOSITORY,
            "object_attributes": {
                "id": 99,
                "iid": 1,
                "title": "Add the Gobblewonker entry",
                "description": "Closes #23",
                "state": "opened",
                "action": "open",
                "merge_status": "unchecked",
                "detailed_merge_status": "checking",
                "draft": False,
                "source_branch": "gobblewonker",
                "target_branch": "main",
                "source_project_id": 15,
                "target_project_id": 15,
                "author_id": 4,
                "assignee_id": 5,
                "assignee_ids": [5],
                "reviewer_ids": [5],
                "created_at": "2024-01-25 17:20:00 UTC",
                "updated_at": "2024-01-25 17:20:00 UTC",
                "merge_commit_sha": None,
                "url": "https://gitlab.example.com/mysteryshack/journal/-/merge_requests/1",
                "last_commit": {
                    "id": "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
                    "message": "Add entry on the Gobblewonker\n",
                    "title": "Add entry on the Gobblewonker",
                    "timestamp": "2024-01-25T09:14:00-08:00",
                    "url": _GL_COMMIT["url"],
                    "author": {"name": "Dipper Pines", "email": "dipper@mysteryshack.com"},
                },
                "labels": [_GL_LABEL],
                "source": _GL_PROJECT,
                "target": _GL_PROJECT,
            },
            "labels": [_GL_LABEL],
            "changes": {},
            "assignees": [{"id": 5, "name": "Mabel Pines", "username": "mabel", "avatar_url": None}],
            "reviewers": [{"id": 5, "name": "Mabel Pines", "username": "mabel", "avatar_url": None}],
        },
        _gitlab_headers("Merge Request Hook", "4d3c2b1a-0918-4e7d-8c6b-5a4938271605"),
    ),
    Sample(
        "gitlab",
        "note",
        {
            "object_kind": "note",
            "event_type": "note",
            "user": _GL_USER,
            "project_id": 15,
            "project": _GL_PROJECT,
            "repository": _GL_REPOSITORY,
            "object_attributes": {
                "id": 1243,
                "note": "It was Old Man McGucket in a robot.",
                "noteable_type": "Issue",
                "author_id": 5,
                "created_at": "2024-01-25 17:30:00 UTC",
                "updated_at": "2024-01-25 17:30:00 UTC",
                "project_id": 15,
                "attachment": None,
                "line_code": None,
                "commit_id": "",
                "noteable_id": 301,
                "system": False,
                "st_diff": None,
                "action": "create",
                "url": "https://gitlab.example.com/mysteryshack/journal/-/issues/23#note_1243",
            },
            "issue": {
                "id": 301,
                "iid": 23,
                "title": "The Gobblewonker is real",
                "state": "opened",
                "project_id": 15,
            },
        },
        _gitlab_headers("Note Hook", "3c2b1a09-1827-4d6c-9b5a-493827160594"),
    ),
    Sample(
        "gitlab",
        "pipeline",
        {
            "object_kind": "pipeline",
            "object_attributes": {
                "id": 31,
                "iid": 3,
                "name": "Build the journal",
                "ref": "main",
                "tag": False,
                "sha": "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
                "before_sha": "95790bf891e76fee5e1747ab589903a6a1f80f22",
                "source": "push",
                "status": "success",
                "detailed_status": "passed",
                "stages": ["build", "test"],
                "created_at": "2024-01-25 17:14:05 UTC",
                "finished_at": "2024-01-25 17:16:40 UTC",
                "duration": 155,
                "queued_duration": 3,
                "variables": [],
                "url": "https://gitlab.example.com/mysteryshack/journal/-/pipelines/31",
            },
            "merge_request": None,
            "user": _GL_USER,
            "project": _GL_PROJECT,
            "commit": _GL_COMMIT,
            "builds": [
                {
                    "id": 380,
                    "stage": "build",
                    "name": "compile",
                    "status": "success",
                    "created_at": "2024-01-25 17:14:05 UTC",
                    "started_at": "2024-01-25 17:14:08 UTC",
                    "finished_at": "2024-01-25 17:15:20 UTC",
                    "duration": 72.0,
                    "queued_duration": 3.0,
                    "when": "on_success",
                    "manual": False,
                    "allow_failure": False,
                    "user": _GL_USER,
                    "runner": None,
                    "artifacts_file": {"filename": None, "size": None},
                    "environment": None,
                }
            ],
        },
        _gitlab_headers("Pipeline Hook", "2b1a0918-2736-4c5b-8a49-382716059483"),
    ),
    Sample(
        "gitlab",
        "build",
        {
            "object_kind": "build",
            "ref": "main",
            "tag": False,
            "before_sha": "95790bf891e76fee5e1747ab589903a6a1f80f22",
            "sha": "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
            "retries_count": 0,
            "build_id": 380,
            "build_name": "compile",
            "build_stage": "build",
            "build_status": "success",
            "build_created_at": "2024-01-25 17:14:05 UTC",
            "build_started_at": "2024-01-25 17:14:08 UTC",
            "build_finished_at": "2024-01-25 17:15:20 UTC",
            "build_duration": 72.0,
            "build_queued_duration": 3.0,
            "build_allow_failure": False,
            "build_failure_reason": "unknown_failure",
            "pipeline_id": 31,
            "project_id": 15,
            "project_name": "Mystery Shack / Journal",
            "user": _GL_USER,
            "commit": {
                "id": 31,
                "name": None,
                "sha": "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
                "message": "Add entry on the Gobblewonker\n",
                "author_name": "Dipper Pines",
                "author_email": "dipper@mysteryshack.com",
                "status": "running",
                "duration": None,
                "started_at": "2024-01-25 17:14:08 UTC",
                "finished_at": None,
            },
            "repository": _GL_REPOSITORY,
            "project": _GL_PROJECT,
            "runner": {
                "id": 380987,
                "description": "shared-runners",
                "active": True,
                "is_shared": True,
                "tags": [],
            },
            "environment": None,
        },
        _gitlab_headers("Job Hook", "1a091827-3645-4b4a-9938-271605948372"),
    ),
    Sample(
        "gitlab",
        "release",
        {
            "object_kind": "release",
            "id": 1,
            "created_at": "2024-01-25 17:40:00 UTC",
            "description": "The first journal, transcribed.",
            "name": "Journal 1",
            "released_at": "2024-01-25 17:40:00 UTC",
            "tag": "v1.0.0",
            "project": _GL_PROJECT,
            "url": "https://gitlab.example.com/mysteryshack/journal/-/releases/v1.0.0",
            "action": "create",
            "assets": {"count": 2, "links": [], "sources": []},
            "commit": _GL_COMMIT,
        },
        _gitlab_headers("Release Hook", "09182736-4554-4a39-8827-160594837261"),
    ),
    Sample(
        "gitlab",
        "deployment",
        {
            "object_kind": "deployment",
            "status": "success",
            "status_changed_at": "2024-01-25 17:50:00 +0000",
            "deployment_id": 15,
            "deployable_id": 796,
            "deployable_url": "https://gitlab.example.com/mysteryshack/journal/-/jobs/796",
            "environment": "production",
            "environment_tier": "production",
            "environment_slug": "production",
            "environment_external_url": "https://journal.mysteryshack.com",
            "project": _GL_PROJECT,
            "short_sha": "da156088",
            "user": _GL_USER,
            "user_url": "https://gitlab.example.com/dipper",
            "commit_url": _GL_COMMIT["url"],
            "commit_title": "Add entry on the Gobblewonker",
            "ref": "main",
        },
        _gitlab_headers("Deployment Hook", "f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9"),
    ),
]

# --- Postmark ---------------------------------------------------------------------------------------

_PM_METADATA: dict[str, JSONValue] = {"example": "value", "example_2": "value"}

_POSTMARK: list[Sample] = [
    Sample(
        "postmark",
        "Delivery",
        {
            "RecordType": "Delivery",
            "ServerID": 23,
            "MessageStream": "outbound",
            "MessageID": "00000000-0000-0000-0000-000000000000",
            "Recipient": "stan@mysteryshack.com",
            "Tag": "welcome-email",
            "DeliveredAt": "2024-01-25T17:14:10Z",
            "Details": "smtp;250 2.0.0 OK 1706202850 l186si10190883ite.73 - gsmtp",
            "Metadata": _PM_METADATA,
        },
    ),
    Sample(
        "postmark",
        "Bounce",
        {
            "RecordType": "Bounce",
            "MessageStream": "outbound",
            "ID": 4323372036854775807,
            "Type": "HardBounce",
            "TypeCode": 1,
            "Name": "Hard bounce",
            "Tag": "welcome-email",
            "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
            "Metadata": _PM_METADATA,
            "ServerID": 23,
            "Description": (
                "The server was unable to deliver your message (ex: unknown user, mailbox not found)."
            ),
            "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
            "Email": "bill@cipher.example",
            "From": "stan@mysteryshack.com",
            "BouncedAt": "2024-01-25T17:20:10Z",
            "DumpAvailable": True,
            "Inactive": True,
            "CanActivate": True,
            "Subject": "Welcome to the Mystery Shack",
            "Content": "Return-Path: <>\nReceived: ...",
        },
    ),
    Sample(
        "postmark",
        "SpamComplaint",
        {
            "RecordType": "SpamComplaint",
            "MessageStream": "outbound",
            "ID": 42,
            "Type": "SpamComplaint",
            "TypeCode": 512,
            "Name": "Spam complaint",
            "Tag": "newsletter",
            "MessageID": "00000000-0000-0000-0000-000000000001",
            "Metadata": _PM_METADATA,
            "ServerID": 23,
            "Description": "The subscriber explicitly marked this message as spam.",
            "Details": "Test spam complaint details",
            "Email": "gideon@gleeful.example",
            "From": "stan@mysteryshack.com",
            "BouncedAt": "2024-01-25T18:00:00Z",
            "DumpAvailable": True,
            "Inactive": True,
            "CanActivate": False,
            "Subject": "Mystery Shack monthly",
            "Content": "<Abuse report dump>",
        },
    ),
    Sample(
        "postmark",
        "Open",
        {
            "RecordType": "Open",
            "MessageStream": "outbound",
            "Metadata": _PM_METADATA,
            "FirstOpen": True,
            "Recipient": "stan@mysteryshack.com",
            "MessageID": "00000000-0000-0000-0000-000000000002",
            "ReceivedAt": "2024-01-25T19:00:00Z",
            "Platform": "WebMail",
            "ReadSeconds": 5,
            "Tag": "welcome-email",
            "UserAgent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
            "OS": {"Name": "Windows 10", "Family": "Windows", "Company": "Microsoft Corporation"},
            "Client": {"Name": "Firefox 121.0", "Family": "Firefox", "Company": "Mozilla"},
            "Geo": {
                "IP": "203.0.113.7",
                "City": "Gravity Falls",
                "Country": "United States",
                "CountryISOCode": "US",
                "Region": "Oregon",
                "RegionISOCode": "OR",
                "Zip": "97000",
                "Coords": "44.2,-121.3",
            },
        },
    ),
    Sample(
        "postmark",
        "Click",
        {
            "RecordType": "Click",
            "MessageStream": "outbound",
            "Metadata": _PM_METADATA,
            "Recipient": "stan@mysteryshack.com",
            "MessageID": "00000000-0000-0000-0000-000000000003",
            "ReceivedAt": "2024-01-25T19:02:00Z",
            "Platform": "Desktop",
            "ClickLocation": "HTML",
            "OriginalLink": "https://mysteryshack.com/tickets",
            "Tag": "welcome-email",
            "UserAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 Safari/605.1.15",
            "OS": {"Name": "macOS 14.2", "Family": "OS X", "Company": "Apple Computer, Inc."},
            "Client": {"Name": "Safari 17.2", "Family": "Safari", "Company": "Apple Inc."},
            "Geo": {
                "IP": "203.0.113.8",
                "City": "Gravity Falls",
                "Country": "United States",
                "CountryISOCode": "US",
                "Region": "Oregon",
                "RegionISOCode": "OR",
                "Zip": "97000",
                "Coords": "44.2,-121.3",
            },
        },
    ),
    Sample(
        "postmark",
        "SubscriptionChange",
        {
            "RecordType": "SubscriptionChange",
            "MessageID": "00000000-0000-0000-0000-000000000004",
            "ServerID": 23,
            "MessageStream": "broadcasts",
            "ChangedAt": "2024-01-25T20:00:00Z",
            "Recipient": "grenda@mysteryshack.com",
            "Origin": "Recipient",
            "SuppressSending": True,
            "SuppressionReason": "ManualSuppression",
            "Tag": "newsletter",
            "Metadata": _PM_METADATA,
        },
    ),
    Sample(
        "postmark",
        "Inbound",
        {
            "FromName": "Soos Ramirez",
            "MessageStream": "inbound",
            "From": "soos@mysteryshack.com",
            "FromFull": {"Email": "soos@mysteryshack.com", "Name": "Soos Ramirez", "MailboxHash": ""},
            "To": '"Mystery Shack" <yourhash+SampleHash@inbound.postmarkapp.com>',
            "ToFull": [
                {
                    "Email": "yourhash+SampleHash@inbound.postmarkapp.com",
                    "Name": "Mystery Shack",
                    "MailboxHash": "SampleHash",
                }
            ],
            "Cc": '"Wendy" <wendy@mysteryshack.com>',
            "CcFull": [{"Email": "wendy@mysteryshack.com", "Name": "Wendy", "MailboxHash": ""}],
            "Bcc": "",
            "BccFull": [],
            "OriginalRecipient": "yourhash+SampleHash@inbound.postmarkapp.com",
            "Subject": "Re: Broken bobblehead",
            "MessageID": "73e6d360-66eb-11e1-8e72-a8904824019b",
            "ReplyTo": "soos@mysteryshack.com",
            "MailboxHash": "SampleHash",
            "Date": "Thu, 25 Jan 2024 12:00:00 -0800",
            "TextBody": "It bobs now. Fixed it with gum.\n\n> Original message",
            "HtmlBody": "<p>It bobs now. Fixed it with gum.</p>",
            "StrippedTextReply": "It bobs now. Fixed it with gum.",
            "Tag": "",
            "Headers": [
                {"Name": "X-Spam-Checker-Version", "Value": "SpamAssassin 3.4.0"},
                {"Name": "X-Spam-Status", "Value": "No"},
                {"Name": "X-Spam-Score", "Value": "-0.1"},
                {"Name": "X-Spam-Tests", "Value": "DKIM_SIGNED,DKIM_VALID,SPF_PASS"},
            ],
            "Attachments": [
                {
                    "Name": "bobblehead.txt",
                    "Content": "Qm9iYmxlcyBmb3IgZGF5cw==",
                    "ContentType": "text/plain",
                    "ContentLength": 17,
                    "ContentID": "",
                }
            ],
        },
    ),
]

# --- Calendly ---------------------------------------------------------------------------------------

_CAL_USER = "https://api.calendly.com/users/AAAAMYSTERYSHACK"
_CAL_EVENT_URI = "https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2"
_CAL_INVITEE_URI = f"{_CAL_EVENT_URI}/invitees/AAAAAAAAAAAAAAAA"
_CAL_SCHEDULED_EVENT: dict[str, JSONValue] = {
    "uri": _CAL_EVENT_URI,
    "name": "Mystery Shack private tour",
    "meeting_notes_plain": "Bring a flashlight.",
    "meeting_notes_html": "<p>Bring a flashlight.</p>",
    "status": "active",
    "start_time": "2024-02-01T18:00:00.000000Z",
    "end_time": "2024-02-01T18:30:00.000000Z",
    "event_type": "https://api.calendly.com/event_types/GBGBDCAADAEDCRZ2",
    "location": {"type": "physical", "location": "618 Gopher Road, Gravity Falls"},
    "invitees_counter": {"total": 1, "active": 1, "limit": 1},
    "created_at": "2024-01-25T17:14:00.000000Z",
    "updated_at": "2024-01-25T17:14:00.000000Z",
    "event_memberships": [
        {"user": _CAL_USER, "user_email": "stan@mysteryshack.com", "user_name": "Stan Pines"}
    ],
    "event_guests": [],
}


def _invitee(**changes: JSONValue) -> dict[str, JSONValue]:
    invitee: dict[str, JSONValue] = {
        "uri": _CAL_INVITEE_URI,
        "email": "mabel@mysteryshack.com",
        "first_name": "Mabel",
        "last_name": "Pines",
        "name": "Mabel Pines",
        "status": "active",
        "questions_and_answers": [
            {"question": "What would you like to see?", "answer": "The Sascrotch", "position": 0}
        ],
        "timezone": "America/Los_Angeles",
        "event": _CAL_EVENT_URI,
        "created_at": "2024-01-25T17:14:00.000000Z",
        "updated_at": "2024-01-25T17:14:00.000000Z",
        "tracking": {
            "utm_campaign": None,
            "utm_source": None,
            "utm_medium": None,
            "utm_content": None,
            "utm_term": None,
            "salesforce_uuid": None,
        },
        "text_reminder_number": None,
        "rescheduled": False,
        "old_invitee": None,
        "new_invitee": None,
        "cancel_url": "https://calendly.com/cancellations/AAAAAAAAAAAAAAAA",
        "reschedule_url": "https://calendly.com/reschedulings/AAAAAAAAAAAAAAAA",
        "routing_form_submission": None,
        "payment": None,
        "no_show": None,
        "reconfirmation": None,
        "scheduling_method": None,
        "invitee_scheduled_by": None,
        "scheduled_event": _CAL_SCHEDULED_EVENT,
    }
    invitee.update(changes)
    return invitee


def _calendly(event: str, created_at: str, payload: dict[str, JSONValue]) -> dict[str, JSONValue]:
    return {"event": event, "created_at": created_at, "created_by": _CAL_USER, "payload": payload}


_CALENDLY: list[Sample] = [
    Sample(
        "calendly", "invitee.created", _calendly("invitee.created", "2024-01-25T17:14:00.000000Z", _invitee())
    ),
    Sample(
        "calendly",
        "invitee.canceled",
        _calendly(
            "invitee.canceled",
            "2024-01-26T09:00:00.000000Z",
            _invitee(
                status="canceled",
                updated_at="2024-01-26T09:00:00.000000Z",
                cancellation={
                    "canceled_by": "Mabel Pines",
                    "reason": "Waddles has a cold",
                    "canceler_type": "invitee",
                    "created_at": "2024-01-26T09:00:00.000000Z",
                },
                scheduled_event={**_CAL_SCHEDULED_EVENT, "status": "canceled"},
            ),
        ),
    ),
    Sample(
        "calendly",
        "invitee_no_show.created",
        _calendly(
            "invitee_no_show.created",
            "2024-02-01T18:40:00.000000Z",
            _invitee(
                updated_at="2024-02-01T18:40:00.000000Z",
                no_show={
                    "uri": "https://api.calendly.com/invitee_no_shows/639fa667-4c3e-4b8c-8c4e-0b5c0a6e6b7d",
                    "created_at": "2024-02-01T18:40:00.000000Z",
                },
            ),
        ),
    ),
    Sample(
        "calendly",
        "invitee_no_show.deleted",
        _calendly(
            "invitee_no_show.deleted",
            "2024-02-01T19:05:00.000000Z",
            _invitee(updated_at="2024-02-01T19:05:00.000000Z"),
        ),
    ),
    Sample(
        "calendly",
        "routing_form_submission.created",
        _calendly(
            "routing_form_submission.created",
            "2024-01-25T17:10:00.000000Z",
            {
                "uri": "https://api.calendly.com/routing_form_submissions/AAAAAAAAAAAAAAAA",
                "routing_form": "https://api.calendly.com/routing_forms/AAAAAAAAAAAAAAAA",
                "questions_and_answers": [
                    {
                        "question_uuid": "123e4567-e89b-12d3-a456-426614174000",
                        "question": "What brings you to Gravity Falls?",
                        "answer": "Summer vacation",
                    }
                ],
                "tracking": {
                    "utm_campaign": "summer",
                    "utm_source": "flyer",
                    "utm_medium": None,
                    "utm_content": None,
                    "utm_term": None,
                    "salesforce_uuid": None,
                },
                "result": {
                    "type": "event_type",
                    "value": "https://api.calendly.com/event_types/GBGBDCAADAEDCRZ2",
                },
                "submitter": _CAL_INVITEE_URI,
                "submitter_type": "Invitee",
                "created_at": "2024-01-25T17:10:00.000000Z",
                "updated_at": "2024-01-25T17:10:00.000000Z",
            },
        ),
    ),
]

SAMPLES: list[Sample] = [*_SHOPIFY, *_INTERCOM, *_TYPEFORM, *_VERCEL, *_GITLAB, *_POSTMARK, *_CALENDLY]
"""Realistic, complete sample events, one per documented event type."""

DEMO_OPTIONS: dict[str, dict[str, Any]] = {
    "shopify": {"secret": "demo-shopify-client-secret"},
    "intercom": {"secret": "demo-intercom-client-secret"},
    "typeform": {"secret": "demo-typeform-webhook-secret"},
    "vercel": {"secret": "demo-vercel-webhook-secret"},
    "gitlab": {"token": "demo-gitlab-secret-token"},
    "postmark": {"username": "demo-postmark", "password": "demo-postmark-password"},
    "calendly": {"secret": "demo-calendly-signing-key"},
}
"""Throwaway options per provider (see ``testing.DEMO_OPTIONS``). Never use them for real."""

CREDENTIAL_OPTION: dict[str, str] = {
    "shopify": "secret",
    "intercom": "secret",
    "typeform": "secret",
    "vercel": "secret",
    "gitlab": "token",
    "postmark": "password",
    "calendly": "secret",
}
"""The option ``secret=`` stands for, per provider (see ``testing.CREDENTIAL_OPTION``):
GitLab's secret token (``secret=`` is its signing token), Postmark's Basic password."""
