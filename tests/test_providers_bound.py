"""Twilio, Square, Mailgun and SendGrid: signatures bound to the URL, the form or the body,
and SendGrid's ECDSA.

Each provider's own SDK signs where there is one on PyPI (``twilio``'s
``RequestValidator``; SendGrid's signature made with ``cryptography`` as SendGrid
does, checked by ``sendgrid``'s ``EventWebhook``), and checks what this library's
``sign`` makes. Known answers from the providers' documentation and SDK tests are
in ``vectors/bound.json`` (made by ``vectors/make_bound.py``) and repeated here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from sendgrid.helpers.eventwebhook import EventWebhook
from twilio.request_validator import RequestValidator

from webhook_receiver import (
    ConfigurationError,
    Event,
    Headers,
    MalformedHeader,
    MemoryStore,
    MissingHeader,
    PayloadError,
    Receiver,
    Secret,
    SignatureMismatch,
    SQLiteInbox,
    TimestampOutsideTolerance,
    VerificationError,
    WebhookError,
    providers,
)
from webhook_receiver._bound import public_url, url_variants
from webhook_receiver._forms import form_fields, form_pairs
from webhook_receiver.providers.mailgun import MailgunDeliveryEvent, MailgunEngagementEvent, MailgunEvent
from webhook_receiver.providers.sendgrid import SendGridDeliveryEvent, SendGridEngagementEvent, SendGridEvent
from webhook_receiver.providers.square import (
    SquareCustomerEvent,
    SquareEvent,
    SquareInvoiceEvent,
    SquareOrderEvent,
    SquarePaymentEvent,
    SquareRefundEvent,
)
from webhook_receiver.providers.twilio import (
    TwilioCallEvent,
    TwilioCloudEvent,
    TwilioEvent,
    TwilioMessageEvent,
    TwilioRecordingEvent,
)
from webhook_receiver.testing import DEMO_OPTIONS, Sample, make_provider, sample, samples, signed_request
from webhook_receiver.testing._sample import FORM

from .conftest import NOW

NAMES = ("twilio", "square", "mailgun", "sendgrid")
FORM_HEADERS = {"Content-Type": FORM}
JSON_HEADERS = {"Content-Type": "application/json"}

# --- Typed parsing of every sample -------------------------------------------------------------

EXPECTED_CLASS: dict[str, type[Event]] = {
    "twilio:message.": TwilioMessageEvent,
    "twilio:call.": TwilioCallEvent,
    "twilio:recording.": TwilioRecordingEvent,
    "twilio:com.twilio.": TwilioCloudEvent,
    "twilio:onMessageAdded": TwilioEvent,
    "square:payment.": SquarePaymentEvent,
    "square:refund.": SquareRefundEvent,
    "square:order.": SquareOrderEvent,
    "square:customer.": SquareCustomerEvent,
    "square:invoice.": SquareInvoiceEvent,
    "square:": SquareEvent,
    "mailgun:accepted": MailgunDeliveryEvent,
    "mailgun:delivered": MailgunDeliveryEvent,
    "mailgun:failed": MailgunDeliveryEvent,
    "mailgun:": MailgunEngagementEvent,
    "sendgrid:processed": SendGridDeliveryEvent,
    "sendgrid:dropped": SendGridDeliveryEvent,
    "sendgrid:deferred": SendGridDeliveryEvent,
    "sendgrid:delivered": SendGridDeliveryEvent,
    "sendgrid:bounce": SendGridDeliveryEvent,
    "sendgrid:": SendGridEngagementEvent,
}


def expected_class(event: Sample) -> type[Event]:
    key = f"{event.provider}:{event.type}"
    return next(cls for prefix, cls in EXPECTED_CLASS.items() if key.startswith(prefix))


BOUND_SAMPLES = [s for name in NAMES for s in samples(name)]


def test_every_provider_has_samples_and_demo_options() -> None:
    for name in NAMES:
        assert samples(name), name
        make_provider(name)  # the demo options make a working provider
    assert DEMO_OPTIONS["twilio"]["url"] == "https://example.com/hooks/twilio"
    assert DEMO_OPTIONS["square"]["url"] == "https://example.com/hooks/square"


@pytest.mark.parametrize("event", BOUND_SAMPLES, ids=lambda s: f"{s.provider}:{s.type}")
def test_every_sample_round_trips_to_its_typed_class(event: Sample) -> None:
    provider = make_provider(event.provider)
    headers, body = signed_request(event.provider, event.body, timestamp=NOW)
    verified = provider.verify(headers, body, now=NOW + 1)
    parsed = provider.parse(headers, body, verified)
    assert len(parsed) == 1
    assert type(parsed[0]) is expected_class(event)
    assert parsed[0].type == event.type
    assert parsed[0].provider == event.provider
    # A worker rebuilds the same event from its payload and event headers alone.
    view = {**event.headers, **headers}
    assert provider.rebuild(parsed[0].payload, provider.event_headers(Headers(view), verified)) == parsed[0]


@pytest.mark.parametrize("event", BOUND_SAMPLES, ids=lambda s: f"{s.provider}:{s.type}")
def test_every_sample_is_answered_200_through_a_receiver(event: Sample) -> None:
    provider = make_provider(event.provider)
    seen: list[Event] = []
    receiver = Receiver(provider)
    receiver.on_any(seen.append)
    headers, body = signed_request(event.provider, event.body, timestamp=NOW)
    reply = receiver.handle(
        "POST", {"Content-Type": "application/json", **event.headers, **headers}, body, now=NOW
    )
    assert reply.status == 200, reply.body
    assert [e.type for e in seen] == [event.type]


def test_form_samples_encode_a_form_and_json_ones_json() -> None:
    form = sample("twilio", "message.delivered")
    assert form.form and form.headers["Content-Type"] == FORM
    assert dict(parse_qsl(form.body.decode())) == form.payload
    assert form.body.startswith(b"AccountSid=AC")
    plain = sample("square", "payment.created")
    assert not plain.form
    assert json.loads(plain.body) == plain.payload
    with pytest.raises(TypeError):
        _ = Sample("twilio", "x", ["not", "an", "object"], form=True).body


# --- URLs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "",
        "/hooks/twilio",
        "example.com/hooks",
        "ftp://example.com/hooks",
        "HTTPS://example.com/hooks",
        "https://example.com/hooks#part",
        "https://user:pa55@example.com/hooks",
        "https://example.com/hooks?",
        "https://example.com/ho oks",
        "https://example.com/hooks\n",
        "https://:443/hooks",
        "https://example.com:99999/hooks",
        "https://example.com:0/hooks",
        "https://example.com:x/hooks",
        b"https://example.com/hooks",
        None,
    ],
)
def test_bad_urls_are_configuration_errors(url: Any) -> None:
    for name in ("twilio", "square"):
        with pytest.raises(ConfigurationError) as info:
            providers.create(name, secret="s", url=url)
        if isinstance(url, str) and len(url) > 8:
            assert url not in str(info.value)  # a URL's query may hold a token


def test_url_option_is_required() -> None:
    for name in ("twilio", "square"):
        with pytest.raises(ConfigurationError, match="url"):
            providers.create(name, secret="s")


def test_url_is_kept_exactly_as_given() -> None:
    url = "https://Example.com:8443/a%2Fb/hook?x=1&y=%20"
    assert public_url(url) == url
    assert providers.Twilio(secret="s", url=url).url == url
    assert providers.Square(secret="s", url=url).url == url


def test_url_variants_follow_twilios_port_rule() -> None:
    assert url_variants("https://h.example/x?q=1") == (
        "https://h.example/x?q=1",
        "https://h.example:443/x?q=1",
    )
    assert url_variants("https://h.example:443/x") == ("https://h.example:443/x", "https://h.example/x")
    assert url_variants("https://h.example:8443/x") == ("https://h.example:8443/x", "https://h.example/x")
    assert url_variants("http://h.example") == ("http://h.example", "http://h.example:80")
    assert url_variants("https://[::1]:8443/x") == ("https://[::1]:8443/x", "https://[::1]/x")
    assert url_variants("https://[::1]/x") == ("https://[::1]/x", "https://[::1]:443/x")


# --- Twilio -------------------------------------------------------------------------------------

TW_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
DOCS_FIELDS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+12349013030",
    "Digits": "1234",
    "From": "+12349013030",
    "To": "+18005551212",
}


def twilio(url: str = TW_URL, **options: Any) -> providers.Twilio:
    return providers.Twilio(secret=options.pop("secret", "12345"), url=url, **options)


class MultiDict(dict[str, list[str]]):
    """What Flask hands the SDK: ``getall`` gives every value of a name."""

    def getall(self, name: str) -> list[str]:
        return self[name]


def sdk_params(body: bytes) -> MultiDict:
    params = MultiDict()
    for name, value in parse_qsl(body.decode(), keep_blank_values=True):
        params.setdefault(name, []).append(value)
    return params


def test_twilio_documentation_worked_example() -> None:
    # twilio.com/docs/usage/security ("Validating requests"): Auth Token 12345.
    body = urlencode(DOCS_FIELDS).encode()
    twilio().verify({"X-Twilio-Signature": "0/KCTR6DLpKmkAf8muzZqo1nDgQ="}, body, now=NOW)
    assert twilio().sign(body) == {"X-Twilio-Signature": "0/KCTR6DLpKmkAf8muzZqo1nDgQ="}
    # The same request with twilio-python's and twilio-php's test numbers.
    sdk_fields = {**DOCS_FIELDS, "Caller": "+14158675309", "From": "+14158675309"}
    twilio().verify(
        {"X-Twilio-Signature": "RSOYDt4T1cUTdK1PDd93/VVr8B8="}, urlencode(sdk_fields).encode(), now=NOW
    )


@pytest.mark.parametrize("event", samples("twilio"), ids=lambda s: s.type)
def test_twilio_sdk_signs_and_we_verify_and_the_sdk_checks_what_we_sign(event: Sample) -> None:
    provider = make_provider("twilio")
    validator = RequestValidator(DEMO_OPTIONS["twilio"]["secret"])
    body = event.body
    ours = provider.sign(body)["X-Twilio-Signature"]
    if event.form:
        theirs = validator.compute_signature(provider.url, sdk_params(body))
        assert validator.validate(provider.url, sdk_params(body), ours)
    else:
        request_url = provider.request_url(body)
        assert request_url.startswith(provider.url + "?bodySHA256=")
        theirs = validator.compute_signature(request_url, {})
        assert validator.validate(request_url, body.decode(), ours)
    assert theirs == ours
    provider.verify({"X-Twilio-Signature": theirs}, body, now=NOW)


def test_twilio_sdk_json_validation_needs_the_body_hash_we_rebuild() -> None:
    provider = twilio()
    body = b'{"property": "value", "boolean": true}'
    url = provider.request_url(body)
    assert url == TW_URL + "&bodySHA256=" + hashlib.sha256(body).hexdigest()
    validator = RequestValidator("12345")
    signature = validator.compute_signature(url, {})
    provider.verify({"X-Twilio-Signature": signature}, body, now=NOW)
    # The SDK refuses the same signature for another body; so do we.
    assert not validator.validate(url, '{"property": "other"}', signature)
    with pytest.raises(SignatureMismatch):
        provider.verify({"X-Twilio-Signature": signature}, b'{"property": "other"}', now=NOW)


def test_twilio_sdk_port_rule_and_ours_agree() -> None:
    validator = RequestValidator("12345")
    body = urlencode(DOCS_FIELDS).encode()
    plain = validator.compute_signature(TW_URL, sdk_params(body))
    with_port = validator.compute_signature(TW_URL.replace(".com/", ".com:443/"), sdk_params(body))
    # The SDK's own test: a URL with a port verifies a signature made without it.
    for configured in (TW_URL, TW_URL.replace(".com/", ".com:443/"), TW_URL.replace(".com/", ".com:1234/")):
        assert validator.validate(configured, sdk_params(body), plain)
        twilio(configured).verify({"X-Twilio-Signature": plain}, body, now=NOW)
    for configured in (TW_URL, TW_URL.replace(".com/", ".com:443/")):
        assert validator.validate(configured, sdk_params(body), with_port)
        twilio(configured).verify({"X-Twilio-Signature": with_port}, body, now=NOW)
    # A non-default port is not the default one: neither the SDK nor we accept it.
    assert not validator.validate(TW_URL.replace(".com/", ".com:1234/"), sdk_params(body), with_port)
    with pytest.raises(SignatureMismatch):
        twilio(TW_URL.replace(".com/", ".com:1234/")).verify({"X-Twilio-Signature": with_port}, body, now=NOW)


def test_twilio_repeated_fields_follow_the_sdk() -> None:
    body = b"Tag=b&Tag=a&Tag=b&MessageSid=SM1&MessageStatus=sent"
    validator = RequestValidator("12345")
    signature = validator.compute_signature(TW_URL, sdk_params(body))
    provider = twilio()
    provider.verify({"X-Twilio-Signature": signature}, body, now=NOW)
    assert provider.sign(body)["X-Twilio-Signature"] == signature
    event = provider.parse({}, body)[0]
    assert event.payload == {"Tag": ["b", "a", "b"], "MessageSid": "SM1", "MessageStatus": "sent"}


def test_twilio_sdk_sha256_shared_key_verifies() -> None:
    body = urlencode(DOCS_FIELDS).encode()
    validator = RequestValidator("shared-key-secret")
    signature = validator.compute_signature(TW_URL, sdk_params(body), "HMAC_SHA256")
    provider = twilio(secret=["12345", "shared-key-secret"])
    settings = {"X-Twilio-Webhooks-Signature-Settings": "key=webhooks_sharedkey_01,algorithm=HMAC_SHA256"}
    provider.verify({**settings, "X-Twilio-Signature": signature}, body, now=NOW)
    with pytest.raises(SignatureMismatch):  # the header chooses the digest, not the key
        twilio().verify({**settings, "X-Twilio-Signature": signature}, body, now=NOW)
    with pytest.raises(MalformedHeader):
        provider.verify(
            [
                ("X-Twilio-Webhooks-Signature-Settings", "algorithm=HMAC_SHA256"),
                ("X-Twilio-Webhooks-Signature-Settings", "algorithm=HMAC_SHA1"),
                ("X-Twilio-Signature", signature),
            ],
            body,
            now=NOW,
        )


def test_twilio_verifies_the_configured_url_never_the_requests() -> None:
    body = urlencode(DOCS_FIELDS).encode()
    provider = twilio()
    forged = RequestValidator("12345").compute_signature("https://attacker.example/myapp.php?foo=1&bar=2", {})
    headers = {
        "Host": "attacker.example",
        "X-Forwarded-Host": "attacker.example",
        "X-Forwarded-Proto": "http",
        "X-Original-URL": "/myapp.php",
    }
    with pytest.raises(SignatureMismatch):
        provider.verify({**headers, "X-Twilio-Signature": forged}, body, now=NOW)
    # The genuine signature verifies whatever those headers say.
    provider.verify({**headers, "X-Twilio-Signature": "0/KCTR6DLpKmkAf8muzZqo1nDgQ="}, body, now=NOW)


def test_twilio_json_or_form_is_decided_by_the_signed_body_not_the_content_type() -> None:
    provider = twilio()
    body = b'  [{"specversion":"1.0","type":"com.twilio.x","id":"EV1","time":"2023-11-14T22:13:20Z"}]'
    receiver = Receiver(provider)
    headers = {**FORM_HEADERS, **provider.sign(body)}
    reply = receiver.handle("POST", headers, body, now=NOW)
    assert reply.status == 200
    assert type(reply.events[0]) is TwilioCloudEvent


def test_twilio_form_that_signs_like_a_json_url_is_refused() -> None:
    provider = twilio()
    json_body = b'{"type":"x"}'
    signature = provider.sign(json_body)["X-Twilio-Signature"]
    forged = urlencode([("&bodySHA256=", hashlib.sha256(json_body).hexdigest())]).encode()
    # Without the guard, this form's signed string is the JSON request's exactly.
    digest = hashlib.sha256(json_body).hexdigest()
    expected = base64.b64encode(
        hmac.new(b"12345", (TW_URL + "&bodySHA256=" + digest).encode(), hashlib.sha1).digest()
    ).decode()
    assert expected == signature
    with pytest.raises(SignatureMismatch):
        provider.verify({"X-Twilio-Signature": signature}, forged, now=NOW)
    without_query = twilio("https://mycompany.com/events")
    signature = without_query.sign(json_body)["X-Twilio-Signature"]
    forged = urlencode([("?bodySHA256", "=" + digest)]).encode()
    with pytest.raises(SignatureMismatch):
        without_query.verify({"X-Twilio-Signature": signature}, forged, now=NOW)


def test_twilio_typed_fields() -> None:
    provider = make_provider("twilio")
    received = provider.parse({}, sample("twilio", "message.received").body)[0]
    assert isinstance(received, TwilioMessageEvent)
    assert received.status == "received"
    assert received.id == "SM9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d"
    assert received.from_ == "+15017122661" and received.to == "+15558675310"
    assert received.body == "Is the Mystery Shack open on Sunday?"
    assert received.num_media == 1 and received.num_segments == 1
    assert received.media_urls and received.media_urls[0].startswith("https://api.twilio.com/")
    assert received.account_sid == "AC1f2e3d4c5b6a79881726354453627181"
    failed = provider.parse({}, sample("twilio", "message.undelivered").body)[0]
    assert isinstance(failed, TwilioMessageEvent) and failed.error_code == "30003"
    completed = provider.parse({}, sample("twilio", "call.completed").body)[0]
    assert isinstance(completed, TwilioCallEvent)
    assert completed.duration == 42 and completed.direction == "outbound-api"
    assert completed.timestamp is not None and completed.timestamp.timestamp() == NOW
    recording = provider.parse({}, sample("twilio", "recording.completed").body)[0]
    assert isinstance(recording, TwilioRecordingEvent)
    assert recording.duration == 37 and recording.call_sid == "CA7d2e8f91c4b35a60e1f2d3c4b5a69788"
    cloud = provider.parse({}, sample("twilio", "com.twilio.messaging.message.delivered").body)[0]
    assert isinstance(cloud, TwilioCloudEvent)
    assert cloud.id == "EZ0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    assert cloud.account_sid == "AC1f2e3d4c5b6a79881726354453627181"
    assert cloud.timestamp is not None and cloud.timestamp.timestamp() == NOW
    assert isinstance(cloud.data, dict) and cloud.data["messageSid"].startswith("SM")
    conversation = provider.parse({}, sample("twilio", "onMessageAdded").body)[0]
    assert type(conversation) is TwilioEvent and conversation.type == "onMessageAdded"
    studio = provider.parse({}, b"flow=support&step=2")[0]
    assert type(studio) is TwilioEvent and studio.type == "custom"
    assert provider.parse({}, b'{"type":"studio.flow.done","flow":"FW1"}')[0].type == "studio.flow.done"


def test_twilio_batch_of_cloud_events_in_order() -> None:
    items = [{"specversion": "1.0", "type": f"com.twilio.t{n}", "id": f"EV{n}"} for n in range(3)]
    events = twilio().parse({}, json.dumps(items).encode())
    assert [e.id for e in events] == ["EV0", "EV1", "EV2"]


def test_twilio_identity_uses_the_whole_form_and_no_header() -> None:
    provider = make_provider("twilio")
    body = sample("twilio", "call.in-progress").body
    one = provider.parse({"I-Twilio-Idempotency-Token": "a"}, body)[0]
    same = provider.parse({"I-Twilio-Idempotency-Token": "b", "Content-Type": FORM}, body)[0]
    assert provider.identity(one) == provider.identity(same)
    # Two Gather results on the same call, same status: two events, not a duplicate.
    fields = dict(parse_qsl(body.decode()))
    other = provider.parse({}, urlencode({**fields, "Digits": "2"}).encode())[0]
    assert other.id == one.id and other.type == one.type
    assert provider.identity(other) != provider.identity(one)
    cloud = provider.parse({}, sample("twilio", "com.twilio.eventstreams.test-event").body)[0]
    assert provider.identity(cloud) == f"{cloud.type}\0{cloud.id}"


def test_twilio_answers_empty_twiml_with_200_even_deferred(tmp_path: Path) -> None:
    provider = make_provider("twilio")
    event = sample("twilio", "message.received")
    headers, body = signed_request("twilio", event.body)
    inbox = SQLiteInbox(tmp_path / "inbox.sqlite3", durability="process")
    try:
        for receiver in (Receiver(provider), Receiver(provider, inbox=inbox)):
            reply = receiver.handle("POST", {**event.headers, **headers}, body)
            assert reply.status == 200
            assert reply.headers["Content-Type"] == "text/xml"
            assert reply.body == b'<?xml version="1.0" encoding="UTF-8"?><Response/>'
    finally:
        inbox.close()


def test_twilio_replay_is_a_duplicate_with_a_store() -> None:
    provider = make_provider("twilio")
    ran: list[Event] = []
    receiver = Receiver(provider, store=MemoryStore())
    receiver.on_any(ran.append)
    event = sample("twilio", "message.delivered")
    headers, body = signed_request("twilio", event.body)
    for _ in range(2):
        assert receiver.handle("POST", {**event.headers, **headers}, body).status == 200
    assert len(ran) == 1


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"", PayloadError),
        (b"a=1&&b=2", PayloadError),
        (b"a=1;b=2&=x", PayloadError),
        (b"a=\xff", PayloadError),
        (b"a=%FF", PayloadError),
        (b"a", PayloadError),
        (b"&".join(b"f%d=x" % n for n in range(600)), PayloadError),
    ],
)
def test_twilio_bodies_that_are_not_forms_are_400_before_any_mac(
    body: bytes, error: type[WebhookError]
) -> None:
    provider = twilio()
    with pytest.raises(error):
        provider.verify({"X-Twilio-Signature": "0/KCTR6DLpKmkAf8muzZqo1nDgQ="}, body, now=NOW)
    reply = Receiver(provider).handle("POST", {**FORM_HEADERS, "X-Twilio-Signature": "AAAA"}, body, now=NOW)
    assert reply.status in (400, 401)


@pytest.mark.parametrize(
    "body",
    [
        b"[]",
        b"[1,2]",
        b'{"specversion":"1.0","type":5}',
        b'{"specversion":"1.0"}',
        b"MessageStatus=sent&NumMedia=lots",
        b"MessageStatus=sent&NumMedia=99999999999999999999999",
        b"MessageStatus=a&MessageStatus=b",
        b'{"a": 1e999}',
        b'{"a": ' + b"[" * 5000 + b"]" * 5000 + b"}",
        b'{"MessageStatus": ["sent"]}',
    ],
)
def test_twilio_signed_but_misshapen_bodies_are_400(body: bytes) -> None:
    provider = twilio()
    reply = Receiver(provider).handle("POST", {**JSON_HEADERS, **provider.sign(body)}, body, now=NOW)
    assert reply.status == 400, reply.body
    assert isinstance(reply.error, PayloadError)


def test_twilio_secret_expiry() -> None:
    body = urlencode(DOCS_FIELDS).encode()
    headers = {"X-Twilio-Signature": "0/KCTR6DLpKmkAf8muzZqo1nDgQ="}
    provider = twilio(secret=["new-token", Secret("12345", expires_at=NOW + 60)])
    provider.verify(headers, body, now=NOW + 60)
    with pytest.raises(SignatureMismatch):
        provider.verify(headers, body, now=NOW + 61)


# --- Square -------------------------------------------------------------------------------------

SQ_URL = "https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9"
SQ_BODY = (
    b'{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification",'
    b'"event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f","created_at":"2022-07-13T20:30:59.037339943Z",'
    b'"data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}'
)
SQ_SIG = "GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4="
SQH = "x-square-hmacsha256-signature"


def test_square_sdk_known_answers() -> None:
    provider = providers.Square(secret="Ibxx_5AKakO-3qeNVR61Dw", url=SQ_URL)
    provider.verify({SQH: SQ_SIG}, SQ_BODY, now=NOW)
    assert provider.sign(SQ_BODY) == {SQH: SQ_SIG}
    escaped = providers.Square(secret="signature-key", url="https://webhook.site/webhooks")
    escaped.verify(
        {SQH: "Cxt7+aTi4rKgcA0bC4g9EHdVtLSDWdqccmL5MvihU4U="}, b'{"data":{"type":"webhooks","id":">id<"}}'
    )
    event = provider.parse({}, SQ_BODY)[0]
    assert type(event) is SquareEvent
    assert event.id == "ac3ac95b-f97d-458c-a6e6-18981597e05f"
    assert event.merchant_id == "MLEFBHHSJGVHD" and event.object_id == "bc368e64-01aa-407e-b46e-3231809b1129"


def test_square_signs_url_then_body_with_hmac_sha256() -> None:
    provider = make_provider("square")
    body = sample("square", "payment.updated").body
    expected = hmac.new(b"demo-square-signature-key", provider.url.encode() + body, hashlib.sha256).digest()
    assert provider.sign(body) == {SQH: base64.b64encode(expected).decode()}


def test_square_url_is_exact_no_port_variants() -> None:
    body = SQ_BODY
    with_port = SQ_URL.replace(".site/", ".site:443/")
    signature = base64.b64encode(
        hmac.new(b"Ibxx_5AKakO-3qeNVR61Dw", with_port.encode() + body, hashlib.sha256).digest()
    ).decode()
    with pytest.raises(SignatureMismatch):
        providers.Square(secret="Ibxx_5AKakO-3qeNVR61Dw", url=SQ_URL).verify({SQH: signature}, body, now=NOW)
    providers.Square(secret="Ibxx_5AKakO-3qeNVR61Dw", url=with_port).verify({SQH: signature}, body, now=NOW)


def test_square_typed_fields() -> None:
    provider = make_provider("square")
    payment = provider.parse({}, sample("square", "payment.updated").body)[0]
    assert isinstance(payment, SquarePaymentEvent)
    assert (payment.status, payment.amount, payment.currency) == ("COMPLETED", 2500, "USD")
    assert payment.order_id == "CAISENgvlJ6jLWAzERDzjyHVybY" and payment.location_id == "L8TEW6T4FYX71"
    assert payment.resource["id"] == "KkAkhdMsgzn59SM8A89WgKwekxLZY"
    assert payment.timestamp is not None and payment.timestamp.year == 2023
    refund = provider.parse({}, sample("square", "refund.created").body)[0]
    assert isinstance(refund, SquareRefundEvent)
    assert (refund.status, refund.amount, refund.payment_id) == (
        "PENDING",
        1000,
        "KkAkhdMsgzn59SM8A89WgKwekxLZY",
    )
    order = provider.parse({}, sample("square", "order.fulfillment.updated").body)[0]
    assert isinstance(order, SquareOrderEvent)
    assert (order.order_id, order.state, order.version) == ("eA3vssLHKJrv9H6IhvRgQ1Fp2ePZY", "OPEN", 5)
    customer = provider.parse({}, sample("square", "customer.created").body)[0]
    assert isinstance(customer, SquareCustomerEvent)
    assert (
        customer.email_address == "stan@mysteryshack.com"
        and customer.customer_id == "A0AP3TS3Y4H9KXM1VDQ8FVDGSW"
    )
    invoice = provider.parse({}, sample("square", "invoice.payment_made").body)[0]
    assert isinstance(invoice, SquareInvoiceEvent)
    assert (invoice.status, invoice.invoice_number) == ("PAID", "000042")
    counts = provider.parse({}, sample("square", "inventory.count.updated").body)[0]
    assert type(counts) is SquareEvent and counts.resource == {}
    assert isinstance(counts.object["inventory_counts"], list)


def test_square_identity_is_the_event_id_whatever_the_retry_headers() -> None:
    provider = make_provider("square")
    body = sample("square", "payment.created").body
    first = provider.parse({"square-retry-number": "0"}, body)[0]
    retry = provider.parse({"square-retry-number": "3", "square-retry-reason": "http_timeout"}, body)[0]
    assert (
        provider.identity(first)
        == provider.identity(retry)
        == "payment.created\x0013b867cf-db3d-4b1c-90b6-2f32a9d78124"
    )


@pytest.mark.parametrize(
    "payload",
    [
        [],
        {"type": "payment.created", "data": {"object": {"payment": "paid"}, "type": "payment"}},
        {"type": "payment.created", "data": []},
        {"event_id": "x"},
        {"type": 7},
        {"type": "order.updated", "data": {"object": {"order_updated": {"version": "4"}}}},
        {"type": "payment.created", "created_at": "yesterday"},
        {
            "type": "payment.created",
            "data": {"type": "payment", "object": {"payment": {"amount_money": {"amount": 1.5}}}},
        },
    ],
)
def test_square_signed_but_misshapen_bodies_are_400(payload: Any) -> None:
    provider = make_provider("square")
    body = json.dumps(payload).encode()
    reply = Receiver(provider).handle("POST", {**JSON_HEADERS, **provider.sign(body)}, body, now=NOW)
    assert reply.status == 400, reply.body


def test_square_secret_expiry_and_failures() -> None:
    provider = providers.Square(
        secret=[Secret("Ibxx_5AKakO-3qeNVR61Dw", expires_at=NOW), "new-key"], url=SQ_URL
    )
    provider.verify({SQH: SQ_SIG}, SQ_BODY, now=NOW)
    with pytest.raises(SignatureMismatch):
        provider.verify({SQH: SQ_SIG}, SQ_BODY, now=NOW + 1)
    with pytest.raises(MissingHeader):
        provider.verify({}, SQ_BODY, now=NOW)
    with pytest.raises(MalformedHeader):
        provider.verify({SQH: "%%%"}, SQ_BODY, now=NOW)


# --- Mailgun ------------------------------------------------------------------------------------

MG_KEY = "key-7f1d3a5b9c2e4f6a8b0c1d2e3f4a5b6c"
EVENT_DATA = {"event": "delivered", "id": "hK7mQVt1QtqRiOfQXta4sw", "timestamp": 1700000000.5}


def mailgun_block(token: str = "t" * 50, ts: str = str(NOW), key: str = MG_KEY) -> dict[str, str]:
    signature = hmac.new(key.encode(), (ts + token).encode(), hashlib.sha256).hexdigest()
    return {"timestamp": ts, "token": token, "signature": signature}


def mailgun_body(block: Any, data: Any = None) -> bytes:
    return json.dumps({"signature": block, "event-data": EVENT_DATA if data is None else data}).encode()


def test_mailgun_verifies_an_hmac_of_timestamp_and_token_made_by_the_standard_library() -> None:
    provider = providers.Mailgun(secret=MG_KEY)
    verified = provider.verify({}, mailgun_body(mailgun_block()), now=NOW)
    assert verified.message_id == "t" * 50
    assert verified.timestamp == str(NOW) and verified.signed_at == NOW


def test_mailgun_sign_refuses_and_points_to_signed_request() -> None:
    provider = make_provider("mailgun")
    with pytest.raises(ConfigurationError, match="signed_request"):
        provider.sign(b'{"event-data":{}}')
    with pytest.raises(ConfigurationError, match="private_key"):
        provider.sign_request(b'{"event-data":{}}', private_key="k")
    for body in (b"[1]", b"not json"):
        with pytest.raises(ConfigurationError, match="JSON object"):
            provider.sign_request(body)


def test_mailgun_sign_request_puts_a_signature_block_in() -> None:
    provider = make_provider("mailgun")
    headers, body = provider.sign_request(json.dumps({"event-data": EVENT_DATA}).encode(), now=NOW)
    assert headers == {}
    decoded = json.loads(body)
    assert list(decoded) == ["signature", "event-data"]
    block = decoded["signature"]
    assert block["timestamp"] == str(NOW) and len(block["token"]) == 50
    expected = hmac.new(
        b"demo-mailgun-webhook-signing-key", (str(NOW) + block["token"]).encode(), hashlib.sha256
    )
    assert block["signature"] == expected.hexdigest()
    assert decoded["event-data"] == EVENT_DATA
    provider.verify({}, body, now=NOW)
    # An old block is replaced, not kept beside the new one.
    _, again = provider.sign_request(body, now=NOW + 5)
    assert json.loads(again)["signature"]["timestamp"] == str(NOW + 5)


def test_mailgun_event_data_is_not_signed_but_the_token_is_the_identity() -> None:
    provider = providers.Mailgun(secret=MG_KEY)
    block = mailgun_block()
    genuine = mailgun_body(block)
    forged = mailgun_body(block, {**EVENT_DATA, "event": "failed", "severity": "permanent"})
    provider.verify({}, forged, now=NOW)  # what Mailgun's scheme cannot prevent
    ran: list[Event] = []
    receiver = Receiver(provider, store=MemoryStore())
    receiver.on_any(ran.append)
    assert receiver.handle("POST", JSON_HEADERS, genuine, now=NOW).status == 200
    assert receiver.handle("POST", JSON_HEADERS, forged, now=NOW).status == 200
    assert [e.type for e in ran] == ["delivered"]  # the reused token is a duplicate
    one, other = provider.parse({}, genuine)[0], provider.parse({"X-Other": "1"}, forged)[0]
    assert provider.identity(one) == provider.identity(other) == "mailgun-token\0" + "t" * 50


def test_mailgun_payload_keeps_the_token_but_no_signature() -> None:
    provider = providers.Mailgun(secret=MG_KEY)
    block = {**mailgun_block(), "parent-signature": "ab" * 32}
    event = provider.parse({}, mailgun_body(block))[0]
    assert isinstance(event.payload, dict)
    assert event.payload["signature"] == {"timestamp": str(NOW), "token": "t" * 50}
    assert event.payload["event-data"] == EVENT_DATA
    assert provider.rebuild(event.payload) == event


def test_mailgun_default_tolerance_is_its_eight_hour_retry_window() -> None:
    provider = providers.Mailgun(secret=MG_KEY)
    body = mailgun_body(mailgun_block())
    provider.verify({}, body, now=NOW + 8 * 3600)
    provider.verify({}, body, now=NOW - 8 * 3600)
    for now in (NOW + 8 * 3600 + 1, NOW - 8 * 3600 - 1):
        with pytest.raises(TimestampOutsideTolerance):
            provider.verify({}, body, now=now)
    short = providers.Mailgun(secret=MG_KEY, tolerance=60)
    with pytest.raises(TimestampOutsideTolerance):
        short.verify({}, body, now=NOW + 61)
    for bad in (0, -1, float("inf"), "300", True):
        with pytest.raises(ConfigurationError):
            providers.Mailgun(secret=MG_KEY, tolerance=bad)


def test_mailgun_parent_signature_of_a_subaccount() -> None:
    block = {**mailgun_block(key="sub-key"), "parent-signature": mailgun_block()["signature"]}
    providers.Mailgun(secret=MG_KEY).verify({}, mailgun_body(block), now=NOW)
    with pytest.raises(SignatureMismatch):
        providers.Mailgun(secret="third-key").verify({}, mailgun_body(block), now=NOW)


def test_mailgun_typed_fields() -> None:
    provider = make_provider("mailgun")
    delivered = provider.parse({}, sample("mailgun", "delivered").body)[0]
    assert isinstance(delivered, MailgunDeliveryEvent)
    assert delivered.delivery_code == 250 and delivered.delivery_message == "OK"
    assert delivered.recipient == "stan@mysteryshack.com" and delivered.domain == "mg.mysteryshack.com"
    assert delivered.message_id == "20231114221320.1.5D0F8C4A2B1E3F7A@mg.mysteryshack.com"
    assert delivered.tags == ["shipping", "order-4242"] and delivered.user_variables == {"order_id": "4242"}
    assert delivered.timestamp is not None and int(delivered.timestamp.timestamp()) == NOW
    assert delivered.id == "hK7mQVt1QtqRiOfQXta4sw"
    failed = provider.parse({}, sample("mailgun", "failed").body)[0]
    assert isinstance(failed, MailgunDeliveryEvent)
    assert (failed.severity, failed.reason, failed.delivery_code) == ("permanent", "bounce", 550)
    clicked = provider.parse({}, sample("mailgun", "clicked").body)[0]
    assert isinstance(clicked, MailgunEngagementEvent)
    assert clicked.url == "https://mysteryshack.com/orders/4242" and clicked.user_agent
    assert clicked.geolocation["city"] == "Gravity Falls"
    stored = provider.parse({}, mailgun_body(mailgun_block(), {"event": "stored", "id": "s1"}))[0]
    assert type(stored) is MailgunEvent and stored.token == "t" * 50


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"", PayloadError),
        (b"not json", PayloadError),
        (b"[1]", PayloadError),
        (b"timestamp=1700000000&token=abc&signature=00", PayloadError),  # a legacy form
        (b"{}", MissingHeader),
        (mailgun_body(None), MissingHeader),
        (mailgun_body(["x"]), MalformedHeader),
        (mailgun_body({**mailgun_block(), "timestamp": True}), MalformedHeader),
        (mailgun_body({**mailgun_block(), "timestamp": -5}), MalformedHeader),
        (mailgun_body({**mailgun_block(), "timestamp": 1.7e9}), MalformedHeader),
        (mailgun_body({**mailgun_block(), "timestamp": "9" * 40}), MalformedHeader),
        (mailgun_body({**mailgun_block(), "timestamp": "\u0661\u0667" + "\u0660" * 8}), MalformedHeader),
        (mailgun_body({**mailgun_block(), "token": "x" * 257}), MalformedHeader),
        (mailgun_body({**mailgun_block(), "token": ["t"]}), MalformedHeader),
        (mailgun_body({**mailgun_block(), "signature": 5}), MalformedHeader),
        (mailgun_body({**mailgun_block(), "signature": "abc"}), MalformedHeader),
        (mailgun_body({**mailgun_block(), "signature": "00" * 32}), SignatureMismatch),
    ],
)
def test_mailgun_hostile_bodies(body: bytes, error: type[WebhookError]) -> None:
    provider = providers.Mailgun(secret=MG_KEY)
    with pytest.raises(error) as info:
        provider.verify({}, body, now=NOW)
    assert MG_KEY not in str(info.value)
    reply = Receiver(provider, content_types=None).handle("POST", {}, body, now=NOW)
    assert reply.status == error.status


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        "delivered",
        {"id": "x"},
        {"event": 5},
        {"event": "delivered", "tags": "a"},
        {"event": "x", "timestamp": "soon"},
    ],
)
def test_mailgun_signed_but_misshapen_event_data_is_400(data: Any) -> None:
    provider = providers.Mailgun(secret=MG_KEY)
    payload: dict[str, Any] = {"signature": mailgun_block()}
    if data is not None:
        payload["event-data"] = data
    reply = Receiver(provider).handle("POST", JSON_HEADERS, json.dumps(payload).encode(), now=NOW)
    assert reply.status == 400, reply.body


def test_mailgun_answers_200_even_when_deferred() -> None:
    assert providers.Mailgun.accepted_status == 200


def test_mailgun_secret_expiry() -> None:
    body = mailgun_body(mailgun_block())
    provider = providers.Mailgun(secret=[Secret(MG_KEY, expires_at=NOW + 10), "next-key"])
    provider.verify({}, body, now=NOW + 10)
    with pytest.raises(SignatureMismatch):
        provider.verify({}, body, now=NOW + 11)


# --- SendGrid -----------------------------------------------------------------------------------

SG_KEY = ec.derive_private_key(0x51_6E_D0_0D, ec.SECP256R1())
SG_PUBLIC = base64.b64encode(
    SG_KEY.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
).decode()
SGS, SGT = "X-Twilio-Email-Event-Webhook-Signature", "X-Twilio-Email-Event-Webhook-Timestamp"


def sendgrid_signature(timestamp: str, body: bytes, key: ec.EllipticCurvePrivateKey = SG_KEY) -> str:
    """What SendGrid does: ECDSA P-256/SHA-256 over timestamp + body, DER, base64."""
    return base64.b64encode(key.sign(timestamp.encode() + body, ec.ECDSA(hashes.SHA256()))).decode()


@pytest.mark.parametrize("event", samples("sendgrid"), ids=lambda s: s.type)
def test_sendgrid_signed_as_sendgrid_does_verifies_and_the_sdk_checks_what_we_sign(event: Sample) -> None:
    provider = providers.SendGrid(public_key=SG_PUBLIC)
    body = event.body
    provider.verify({SGT: str(NOW), SGS: sendgrid_signature(str(NOW), body)}, body, now=NOW)
    private_pem = SG_KEY.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    headers, signed = provider.sign_request(body, now=NOW, private_key=private_pem)
    assert signed == body
    assert EventWebhook(SG_PUBLIC).verify_signature(body.decode(), headers[SGS], headers[SGT])
    assert not EventWebhook(SG_PUBLIC).verify_signature(body.decode() + " ", headers[SGS], headers[SGT])
    provider.verify(headers, body, now=NOW)


def test_sendgrid_demo_key_pair_signs_through_signed_request() -> None:
    body = sample("sendgrid", "delivered").body
    headers, _ = signed_request("sendgrid", body, timestamp=NOW)
    assert EventWebhook(DEMO_OPTIONS["sendgrid"]["public_key"]).verify_signature(
        body.decode(), headers[SGS], headers[SGT]
    )
    make_provider("sendgrid").verify(headers, body, now=NOW)


def test_sendgrid_sign_without_private_key_refuses() -> None:
    with pytest.raises(ConfigurationError, match="private key"):
        make_provider("sendgrid").sign(b"[]")
    with pytest.raises(ConfigurationError, match="private key"):
        make_provider("sendgrid").sign_request(b"[]")


def test_sendgrid_batch_in_order_and_typed_fields() -> None:
    provider = make_provider("sendgrid")
    items = [json.loads(sample("sendgrid", kind).body)[0] for kind in ("deferred", "bounce", "open", "click")]
    events = provider.parse({}, json.dumps(items).encode())
    assert [e.type for e in events] == ["deferred", "bounce", "open", "click"]
    deferred, bounce, opened, clicked = events
    assert isinstance(deferred, SendGridDeliveryEvent)
    assert (deferred.attempt, deferred.tls, deferred.response) == (5, False, "400 try again later")
    assert isinstance(bounce, SendGridDeliveryEvent)
    assert (bounce.bounce_type, bounce.bounce_classification, bounce.status) == (
        "bounce",
        "Invalid Address",
        "5.0.0",
    )
    assert isinstance(opened, SendGridEngagementEvent) and opened.machine_open is False
    assert (
        isinstance(clicked, SendGridEngagementEvent) and clicked.url == "https://mysteryshack.com/orders/4242"
    )
    assert deferred.categories == ["shipping", "order-4242"] and deferred.email == "stan@mysteryshack.com"
    assert deferred.id == "t7LEShmowp86DTdUW8M-GQ" and deferred.timestamp is not None
    single = provider.parse(
        {}, json.dumps([{"event": "delivered", "category": "cat facts", "sg_event_id": "e"}]).encode()
    )
    assert single[0].categories == ["cat facts"]  # type: ignore[attr-defined]
    group = provider.parse({}, sample("sendgrid", "group_unsubscribe").body)[0]
    assert isinstance(group, SendGridEngagementEvent) and group.asm_group_id == 10
    unknown = provider.parse({}, b'[{"event":"machine_opened_later","sg_event_id":"z"}]')[0]
    assert type(unknown) is SendGridEvent


def test_sendgrid_identity_is_the_signed_event_id() -> None:
    provider = make_provider("sendgrid")
    event = provider.parse({}, sample("sendgrid", "open").body)[0]
    assert provider.identity(event) == "open\0FOTFFO0ecsBE-zxFXfs6WA"
    again = provider.parse({"User-Agent": "someone else"}, sample("sendgrid", "open").body)[0]
    assert provider.identity(again) == provider.identity(event)
    anonymous = provider.parse({}, b'[{"event":"open","email":"a@b.c"}]')[0]
    assert provider.identity(anonymous).startswith("open\0payload:")


def test_sendgrid_replayed_events_are_duplicates_with_a_store() -> None:
    provider = make_provider("sendgrid")
    ran: list[Event] = []
    receiver = Receiver(provider, store=MemoryStore())
    receiver.on_any(ran.append)
    items = [json.loads(sample("sendgrid", kind).body)[0] for kind in ("processed", "delivered")]
    body = json.dumps(items).encode()
    headers, _ = signed_request("sendgrid", body, timestamp=NOW)
    again, _ = signed_request("sendgrid", body, timestamp=NOW + 60)  # re-signed: new timestamp
    assert receiver.handle("POST", {**JSON_HEADERS, **headers}, body, now=NOW).status == 200
    assert receiver.handle("POST", {**JSON_HEADERS, **again}, body, now=NOW + 60).status == 200
    assert [e.type for e in ran] == ["processed", "delivered"]


def test_sendgrid_keys_rotation_expiry_and_bad_keys() -> None:
    other = ec.derive_private_key(0xBADC0DE, ec.SECP256R1())
    body = sample("sendgrid", "delivered").body
    headers = {SGT: str(NOW), SGS: sendgrid_signature(str(NOW), body)}
    expiring = providers.SendGrid(public_key=[Secret(SG_PUBLIC, expires_at=NOW + 5), _public(other)])
    expiring.verify(headers, body, now=NOW + 5)
    with pytest.raises(SignatureMismatch):
        expiring.verify(headers, body, now=NOW + 6)
    ed = base64.b64encode(
        ed25519.Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    ).decode()
    for bad in ("", "not a key!", ed, SG_PUBLIC[:-8], 5, [], None):
        with pytest.raises(ConfigurationError):
            providers.SendGrid(public_key=bad)
    with pytest.raises(ConfigurationError):
        providers.SendGrid(public_key=SG_PUBLIC, tolerance=-1)


def _public(key: ec.EllipticCurvePrivateKey) -> str:
    return base64.b64encode(
        key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    ).decode()


@pytest.mark.parametrize(
    ("headers", "error"),
    [
        ({}, MissingHeader),
        ({SGS: "MEUCIQ=="}, MissingHeader),
        ({SGT: str(NOW)}, MissingHeader),
        ({SGT: str(NOW), SGS: "!!!"}, MalformedHeader),
        ({SGT: "1.7e9", SGS: "MEUCIQ=="}, MalformedHeader),
        ({SGT: "9" * 40, SGS: "MEUCIQ=="}, MalformedHeader),
        ({SGT: "-1700000000", SGS: "MEUCIQ=="}, MalformedHeader),
        ({SGT: str(NOW), SGS: base64.b64encode(b"\x30" * 5000).decode()}, SignatureMismatch),
        ({SGT: str(NOW), SGS: base64.b64encode(b"not DER").decode()}, SignatureMismatch),
        ({SGT: str(NOW + 301), SGS: "MEUCIQ=="}, TimestampOutsideTolerance),
    ],
)
def test_sendgrid_hostile_headers(headers: dict[str, str], error: type[VerificationError]) -> None:
    provider = providers.SendGrid(public_key=SG_PUBLIC)
    with pytest.raises(error) as info:
        provider.verify(headers, b"[]", now=NOW)
    assert all(value not in str(info.value) for value in headers.values() if len(value) > 12)


@pytest.mark.parametrize(
    "body",
    [b"", b"[]", b"null", b"5", b'"x"', b"[1]", b'[{"event": 5}]', b'[{"event":"open","category":7}]', b"{"],
)
def test_sendgrid_signed_but_misshapen_bodies_are_400(body: bytes) -> None:
    provider = providers.SendGrid(public_key=SG_PUBLIC)
    headers = {**JSON_HEADERS, SGT: str(NOW), SGS: sendgrid_signature(str(NOW), body)}
    reply = Receiver(provider).handle("POST", headers, body, now=NOW)
    assert reply.status == 400, reply.body


def test_sendgrid_without_cryptography_raises_missing_dependency_naming_crypto() -> None:
    script = """
import sys
sys.modules["cryptography"] = None  # import cryptography now fails
import webhook_receiver
from webhook_receiver import MissingDependency, providers
# The other providers of this group need no cryptography.
providers.create("twilio", secret="s", url="https://example.com/hooks/twilio")
providers.create("mailgun", secret="s")
providers.create("square", secret="s", url="https://example.com/hooks/square")
try:
    providers.create("sendgrid", public_key="MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE")
except MissingDependency as exc:
    assert exc.extra == "crypto", exc.extra
    assert "webhook-receiver[crypto]" in str(exc)
    print("missing-dependency-ok")
else:
    raise SystemExit("no MissingDependency")
assert "cryptography.hazmat" not in sys.modules
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "missing-dependency-ok" in result.stdout


# --- All four: options, reprs, the forms module ------------------------------------------------


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("twilio", {"secret": "", "url": "https://example.com/h"}),
        ("twilio", {"secret": [], "url": "https://example.com/h"}),
        ("twilio", {"secret": "s", "url": "https://example.com/h", "tolerance": 5}),
        ("square", {"secret": None, "url": "https://example.com/h"}),
        ("square", {"secret": 5, "url": "https://example.com/h"}),
        ("mailgun", {"secret": "   "}),
        ("mailgun", {"secret": "s", "url": "https://example.com/h"}),
        ("sendgrid", {"secret": "s"}),
        ("sendgrid", {}),
    ],
)
def test_option_errors_are_configuration_errors(name: str, options: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError):
        providers.create(name, **options)


@pytest.mark.parametrize("name", NAMES)
def test_reprs_and_errors_never_show_secrets(name: str) -> None:
    secret = "SUPER-SECRET-VALUE-123"
    options: dict[str, Any] = {
        "twilio": {"secret": secret, "url": "https://example.com/hooks/twilio"},
        "square": {"secret": secret, "url": "https://example.com/hooks/square"},
        "mailgun": {"secret": secret},
        "sendgrid": {"public_key": SG_PUBLIC},
    }[name]
    provider = providers.create(name, **options)
    shown = repr(provider) + str(provider) + repr(provider.scheme)
    assert secret not in shown and SG_PUBLIC not in shown
    body = sample(name).body
    for headers in ({}, {"X-Twilio-Signature": "AAAA", SQH: "AAAA", SGT: str(NOW), SGS: "AAAA"}):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            reply = Receiver(provider, content_types=None).handle("POST", headers, body, now=NOW)
        assert reply.status in (400, 401)
        assert secret.encode() not in reply.body and (reply.error is None or secret not in str(reply.error))


def test_form_reader_is_strict_and_keeps_repeats() -> None:
    assert form_pairs(b"") == []
    assert form_pairs(b"a=1&b=&a=2&c=x+y%2Bz") == [("a", "1"), ("b", ""), ("a", "2"), ("c", "x y+z")]
    assert form_fields(form_pairs(b"a=1&b=&a=2")) == {"a": ["1", "2"], "b": ""}
    for bad in (b"a=1&", b"&a=1", b"=1", b"a=1;b=2&c", b"a=\xc3", b"a=%C3", b"a"):
        with pytest.raises(PayloadError):
            form_pairs(bad)
    with pytest.raises(PayloadError, match="more than 3 fields"):
        form_pairs(b"a=1&b=2&c=3&d=4", max_fields=3)
    assert len(form_pairs(b"a=1&b=2&c=3", max_fields=3)) == 3
