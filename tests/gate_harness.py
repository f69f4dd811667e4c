"""A coverage-guided fuzz harness over ``Receiver.handle``: every provider, every mode.

One function, :func:`one_input`, turns fuzz bytes into one to four HTTP requests and
checks the gate's invariants on each. The same function is driven by atheris (the long
run: ``python -m tests.gate_harness -atheris_runs=1000000``) and by a seeded
``random.Random`` in ``tests/test_gate_fuzz.py`` (the short run in the suite). It reads
its decisions from the bytes with :class:`Choices`; once the bytes run out every
decision takes its default, so the empty input is one clean, freshly signed request.

What one input does
-------------------
1. Picks a provider configuration (:data:`VARIANTS`, every provider and every auth
   choice: Courier, Courier channel with Basic and Bearer, Customer.io, Customer.io
   reporting, Kourier, Xtremepush with Basic, Bearer, a signed key and a signed
   HMAC-SHA256, Stripe, Standard Webhooks with the ``webhook-`` and the ``svix-``
   headers and with ``v1a`` (Ed25519, ``public_key=``), Resend, Clerk, GitHub, GitLab
   with its secret token and with its signing token, Slack, Shopify, Twilio with form
   and JSON bodies, SendGrid (ECDSA), Discord (Ed25519), Meta without and with its
   ``GET`` handshakes mixed in, Zoom, Twitch, Paddle, Postmark with Basic and with a
   header token, Mailgun, Square, Linear, Intercom, Zendesk, Typeform, Calendly, Vercel,
   Amazon SNS with pinned and with fetched certificates, and the generic Bearer, Basic
   and base64 HMAC-with-a-timestamp ones) and a mode (:data:`MODES`): ``plain`` (no
   store), ``memory`` (``MemoryStore``), ``sqlite`` (``SQLiteStore`` on a temporary
   file) or ``inbox`` (``SQLiteInbox`` on a temporary file, ``durability="process"``,
   drained with ``Worker(...).run_once()`` after every request). One receiver per
   (configuration, mode) lives as long as the harness, with its store or inbox, so
   replays meet the same store across inputs.
2. Builds a realistic body (the library's own samples, with the unsigned headers their
   senders add, ids and statuses drawn from small pools so that inputs collide:
   :data:`ID_FIELDS`), applies mutations *before* signing (JSON: values of odd types,
   missing and added fields, extreme times, deep nesting, huge numbers, lone and
   paired surrogates, NUL, non-UTF-8 bytes, duplicate keys, other top-level values,
   Customer.io and SendGrid batches of 0 to 1001 events, a ``"fail": n`` field; Twilio
   forms: odd values, missing, added and repeated fields, 600 fields, ``fail=n``) and
   signs it with ``testing.signed_request`` at the injected clock's time plus an
   offset (inside and outside each provider's tolerance). ``signed_request`` returns
   the body as well: Mailgun's signature block, SNS's signature and Linear's
   ``webhookTimestamp`` travel inside it, so the body signed is the body sent. What
   no sender could sign (a form that is not one, a time Twitch cannot write) is
   signed now, or the sample is signed instead, with a note. Public-key
   configurations sign with ``testing.DEMO_PRIVATE_KEYS`` (their demo options) or the
   harness's own ``v1a`` pair.
3. Delivers it one to four times (a retry, a replay, or the same source re-signed at
   another time: a new token for Mailgun, a new message id for Twitch), each time with
   request-level mutations *after* signing: padding of header values (space, tab,
   ``\\xa0``, ``\\x85``, ``\\x1c``-``\\x1f``, NUL, CR, LF), header-name case,
   duplicated, dropped or fuzzed headers, extra or altered entries in signature
   headers (``t=``/``ts=`` keyed lists, Standard Webhooks ``v1``/``v1a`` entries), the
   unsigned headers changed (:attr:`Variant.unsigned`, GitHub's ``X-GitHub-Delivery``
   and ``X-GitHub-Event``, the other Standard Webhooks prefix), headers as a ``dict``,
   ``(str, str)`` pairs or latin-1 ``(bytes, bytes)`` pairs, the method,
   ``Content-Type``, ``Content-Length``, and the body that was sent: its bytes, or the
   provider's own changes (:meth:`Rules.mutate`: Mailgun's ``event-data`` and
   signature block, SNS's unsigned fields and ``SigningCertURL``, a Twilio form's
   field order and encodings). A ``meta/handshake`` delivery may instead be Meta's
   ``GET ?hub.mode=subscribe&hub.challenge=..&hub.verify_token=..`` with its query
   mutated (``Receiver.handle(..., query=...)``).

Every receiver has one ``on_any`` handler. It raises (on purpose) for the first ``n``
runs of an event whose signed payload carries ``"fail": n``; otherwise it records a
successful run.

What the signature covers
-------------------------
:class:`Variant`'s flags say what a configuration signs: the body (``body_signed``),
a time (``timestamped``, within ``tolerance`` back and ``future`` ahead), header
values (``signed_values``: Standard Webhooks' id and timestamp, Slack's, Customer.io
reporting's, Zoom's, Zendesk's (RFC 3339), SendGrid's and Discord's timestamp headers,
Twitch's message id and timestamp, the generic HMAC's timestamp header) and entries of
a keyed-list header (``t_entry``: Stripe, Courier, Calendly ``t=..,v1=..``; Paddle
``ts=..;h1=..``). Where the signature covers part of the body, or covers it
differently, a :class:`Rules` object says what (the key of the signed event, and
which changes after signing forge it):

* **Mailgun** signs its block's timestamp and token, nothing else: changing
  ``event-data`` (or anything outside the block) after signing is an *authentic* new
  body with the *same* identity; changing the timestamp, the token or the MAC forges
  it (the MAC in upper case, or moved to ``parent-signature``, does not).
* **Amazon SNS** signs the documented fields of the message's ``Type``
  (:data:`SNS_SIGNED_FIELDS`): ``UnsubscribeURL``, ``MessageAttributes``, a
  ``SigningCertURL`` on the allowlist, a ``"Subject": null`` and fields SNS does not
  send may change; a ``SigningCertURL`` off the allowlist (:data:`SNS_CERT_URLS`, or
  one whose host is not an SNS host) must be refused, and so must a topic the
  receiver is not subscribed to.
* **Twilio** signs the configured URL and, for a form, its fields sorted, each
  distinct value once; for a JSON body, its SHA-256. What form decoding normalises
  (field order, ``+`` or ``%20``, ``%41`` or ``A``, the case of percent-escapes, a pair
  sent twice) is no change; any other byte of a form, and any byte of JSON, is.
* **Linear** signs the body, whose ``webhookTimestamp`` is the signed time.
* **Twilio and Square** sign the endpoint's public URL as well: the provider's
  configured ``url=``, never read from the request (``Receiver.handle`` is given no
  URL), so no request can change it; Twilio's variants use one with a query string.

One signed event
----------------
The double-run invariant (4) needs to know when two runs are "the same event". The
harness keys its bookkeeping on what the *sender signed*, never on what the
receiver derived:

    (mode, configuration, what the signature covers of the body (:meth:`Rules.key`),
     the signed message id, the event's place in a batch)

* What the signature covers of the body: the body bytes signed (most configurations);
  Mailgun's signed **token**; SNS's signed fields without ``Timestamp``; Linear's body
  without ``webhookTimestamp``; a Twilio form's set of signed pairs (so a form
  re-encoded, reordered or with a pair repeated is the same event). For the
  configurations whose credentials do not cover the body (Bearer, Basic, a shared key
  or token: Kourier, the Courier channel, Xtremepush basic/bearer/signed-key, GitLab's
  secret token, Postmark, bearer, basic) any body the credentials come with is a new,
  authentic event, so the body as sent is used.
* The signing time is *not* part of the key: a request re-signed at another time is
  a sender's retry of the same event (Stripe, Svix, Courier, Slack, Linear, SNS
  re-sign or re-stamp their retries), and every provider identifies its events by
  something the time does not change: a body field (Stripe's ``id``, Slack's
  ``event_id``, Courier's message id and status, Customer.io's ``messageId``,
  Customer.io reporting's ``event_id``, Kourier's delivery fields, Xtremepush's
  ``external_message_id``, Paddle's ``event_id``, Square's ``event_id``, Intercom's,
  Zendesk's, Typeform's and Vercel's ids, SendGrid's ``sg_event_id``, a Discord
  interaction's id, a Twilio CloudEvent's ``id``, Calendly's resource and time, SNS's
  ``Type`` and ``MessageId``, Mailgun's token, or the payload itself: Zoom, Meta,
  Shopify, GitLab with a secret token, Postmark, a Twilio form, Linear) or a signed
  header: Standard Webhooks' ``webhook-id`` (Resend's and Clerk's ``svix-id``, GitLab's
  with a signing token) and Twitch's ``Twitch-Eventsub-Message-Id``, which are
  therefore part of the key (:attr:`Variant.id_header`).
* Headers nobody signs are *not* part of the key: GitHub's ``X-GitHub-Delivery`` and
  ``X-GitHub-Event``, a second id header under the other Standard Webhooks prefix,
  GitLab's ``X-Gitlab-*`` and ``Idempotency-Key``, Shopify's ``X-Shopify-*`` (topic and
  ids), Twitch's ``Twitch-Eventsub-Message-Type`` and subscription headers, Zendesk's
  ``X-Zendesk-Webhook-Id`` and invocation id, Linear's ``Linear-Delivery``, Square's
  ``square-*``, Twilio's ``I-Twilio-Idempotency-Token``, SNS's ``x-amz-sns-*``,
  SendGrid's ``User-Agent``. Anyone who captured a request can change them, so a second
  run of the same signed event because of them is a replay that got past the store.
* An event of a batch (Customer.io, SendGrid, Twilio's CloudEvents, Meta's items,
  Twitch's batched events) is told apart from the others by its canonical JSON (two
  equal elements are one event, as the receiver treats them).

A second *successful* handler run for one key in the ``memory``, ``sqlite`` or
``inbox`` mode is a failure, unless the first run is older than the stores' ``ttl``
(7 days of the injected clock; the harness moves its clock by seconds per input).

Invariants checked on every request
-----------------------------------
1. ``Receiver.handle`` (and ``Worker.run_once``) never raises; ``reply.error`` is a
   ``WebhookError`` exactly when the reply is not 2xx, with the error's status, and
   the body is ``{"error": <code>}``; a 2xx body is JSON sent as ``application/json``
   (or empty), unless its ``Content-Type`` is one the provider declares
   (:attr:`Variant.answers`: Twitch's ``text/plain`` challenge, Twilio's ``text/xml``
   TwiML, Meta's ``text/plain`` challenge).
2. The status is one the guarantees guide's table documents for the mode: plain {200, the
   provider's declared 2xx (Discord's 204 for webhook events, Twitch's 200 for its
   challenge), 400, 401, 405, 413, 415, and 500 only when a handler raised in that
   request}; the stores add 409; inbox {the provider's ``accepted_status``, its
   declared 2xx, 400, 401, 405, 413, 415}. Never 503 (the harness's stores do not
   fail, and the SNS certificates are pinned or served by the harness's ``fetch=``).
3. A request whose signed body (or signed part of it, :class:`Rules`) or signed header
   values were changed after signing, or whose signed time is outside the provider's
   tolerance, or that :meth:`Rules.problems` says no receiver of this configuration
   takes (SNS: another topic, a certificate URL off the allowlist), is never 2xx.
   Changing a signed value includes padding it with anything but HTTP's optional
   whitespace (space, tab): ``\\xa0``, ``\\x85``, ``\\x1c``-``\\x1f``, NUL, CR, LF make another value.
4. No handler runs twice (successfully) for one signed event in the store and inbox
   modes (see above).
5. Inbox mode: every event of an accepted request is run by the worker (or is dead
   after its ``"fail"`` budget exhausted the retry policy), and the event the
   handler receives equals the event in ``reply.events``.

And a few more, labelled by letter in failure messages:

S. Handlers run only for 2xx, 409 and 500 answers (never for a 4xx rejection, never
   inside ``handle`` in inbox mode), and for exactly the events of a 2xx reply; a
   request exactly as ``signed_request`` made it, fresh, is never refused as
   unauthentic (401) or for its method, size or content type.
L. Store modes: an event whose handler failed (500) is run again by the sender's
   next delivery; a later 2xx that runs nothing for it means the failed claim was
   recorded as done, and the event is lost.
K. ``receiver.event_key(event)`` works inside a worker's handler for every event the
   receiver accepted (the README tells handlers to key effects on it).
H. The harness's own handler never raises except on purpose (a harness bug).
C. Amazon SNS certificates: the providers get a ``fetch=`` that records its calls and
   serves the demo certificate for SNS URLs only. Every fetch is for a URL an HTTPS
   client would resolve to an Amazon SNS host (``_sns_host_url``: the harness's own,
   looser reading); a ``SigningCertURL`` off the documented allowlist (another host,
   ``http``, user info, a port but 443, ``sns.evil.com``,
   ``sns.us-east-1.amazonaws.com.evil.com``, path and query tricks:
   :data:`SNS_CERT_URLS`) is never fetched, and a request changed only by it is
   answered 401 (not 503, not 2xx).
G. Meta's ``GET`` handshake: answered 200 only when the query holds exactly the
   configured ``hub.verify_token``, then with the ``hub.challenge`` alone as
   ``text/plain``; otherwise 400 or 401; it never runs a handler or makes an event, and
   Meta's own unmutated request is answered 200.

Running it
----------
``python -m tests.gate_harness [--gate-features=all|safe|name,...] [libFuzzer flags]``
(``-atheris_runs=N``, ``-max_total_time=S``, ``-jobs=N``...; ``-max_len`` defaults to
512 here). It prints the counts (inputs per configuration and mode, statuses, handler
runs) when it ends, on SIGINT or SIGTERM, and on SIGUSR1 without stopping, and removes
its temporary directory. A failure needs the harness's state as well as the crashing
input (an earlier input may be the first run of a replay): its message names the
configuration, the mode and the invariant, shows the request, and ends with a loop that
replays the last inputs that reached the same receiver. (Mailgun's tokens and Twitch's
message ids are drawn at random by ``signed_request``, so such a replay is close, not
byte for byte.) While a harness is open, the RSA key ``signed_request`` loads to sign
SNS messages is memoised (:func:`_memoise_rsa_keys`): loading validates the key, ten
times the cost of the rest of an input.

Features
--------
Mutations that trip gate bugs known when this harness was written (and the two its
extension to the new providers found: ``meta-empty-items``, ``twilio-repeated-field``)
are behind feature names (:data:`KNOWN_BUG_FEATURES`), so the suite can run everything
else as a regression gate and each known bug in a test of its own. The atheris run
enables all of them unless told otherwise (``--gate-features=safe``, or a list: leave
out the features of bugs still open, whose first input ends the run).
"""

from __future__ import annotations

import atexit
import base64
import binascii
import contextlib
import copy
import hashlib
import json
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qsl, quote, quote_plus, unquote_plus, urlencode, urlsplit

T = TypeVar("T")

MODES: tuple[str, ...] = ("plain", "memory", "sqlite", "inbox")
"""``plain``: no store; ``memory``: ``MemoryStore``; ``sqlite``: ``SQLiteStore``; ``inbox``: ``SQLiteInbox``
(each on its own temporary file)."""

START = 1_700_000_000.0
"""Where the harness's clock starts (2023-11-14T22:13:20Z)."""
CLOCK_HORIZON = START + 30 * 365 * 86400.0
"""Past it the clock moves by single seconds only: certificates (the SNS demo one runs to
2099) and the times providers write (Twitch's RFC 3339) stay valid however the fuzzer plays."""
TOLERANCE = 300.0
"""Every timestamped provider's default tolerance, in seconds."""
MAX_BODY = 512 * 1024
"""The receivers' ``max_body_size``: big enough for a 1001-event batch, small enough to pass."""
MAX_ATTEMPTS = 3
"""The inbox worker's ``RetryPolicy.max_attempts`` (retries are due at once: no backoff)."""
HISTORY = 12
"""Inputs remembered per receiver, to print a reproduction of a failure that needed earlier ones."""

KNOWN_BUG_FEATURES: dict[str, str] = {
    "sw-id-padding": (
        "Standard Webhooks: a webhook-id value padded (e.g. a trailing '\\xa0') verifies as the id "
        "that was signed but is identified as another, so a replay runs again past the store"
    ),
    "github-delivery": (
        "GitHub: the unsigned X-GitHub-Delivery (a fresh GUID, or dropped, duplicated or padded) "
        "is the event's identity, so a replayed body runs again past the store"
    ),
    "github-event": (
        "GitHub: the unsigned X-GitHub-Event (changed, dropped, duplicated) is part of the event's "
        "key, so a replayed body runs again past the store as another event type"
    ),
    "extreme-iso": (
        "an ISO 8601 time at the ends of datetime's range with a UTC offset "
        "('0001-01-01T00:00:00+01:00', '9999-12-31T23:59:59-01:00') raises OverflowError out of handle"
    ),
    "deep-near-limit": (
        "JSON nested just under the decoder's recursion limit (~990 levels) decodes, then "
        "RecursionError when the store or the inbox encodes it (an escaped exception or 503)"
    ),
    "lone-surrogate-type": "a lone surrogate in an event type: the SQLite inbox cannot store it (503)",
    "nonows-time": (
        "a signed timestamp padded with a non-OWS character ('\\xa0', '\\x85', '\\x1c'-'\\x1f', CR, LF) "
        "is str.strip()ped and accepted: another value verifies as the signed one"
    ),
    "sw-mixed-prefix": (
        "Standard Webhooks: a request signed with svix-* headers plus an unsigned webhook-id is "
        "identified by the unsigned id, so a replay runs again past the store"
    ),
    "meta-empty-items": (
        "Meta: a signed notification whose entries carry only empty item lists "
        '("changes": []) is answered 200 with no event, while an empty "entry" list (and an '
        "empty batch of every other provider) is refused 400"
    ),
    "twilio-repeated-field": (
        "Twilio: a form field sent twice (or a repeated field's values in another order) signs "
        "as the form that was signed (Twilio signs each distinct value once, sorted) but is "
        "another payload, and a form is identified by its payload, so a replay runs again past the store"
    ),
}
"""Mutations that trip gate bugs found in the code this harness was written against (the
last two by its extension to the 22 providers added in c5ffb5c; fixed in 506e148)."""

ALL_FEATURES: frozenset[str] = frozenset(KNOWN_BUG_FEATURES)
SAFE_FEATURES: frozenset[str] = frozenset()
"""No known-bug trigger: what the suite's regression test runs."""


# ---------------------------------------------------------------------------------------
# Decisions from bytes


class Choices:
    """Decisions decoded from fuzz bytes.

    Each call consumes a byte or a few; once the data runs out every call returns its
    default (``int``: 0, ``bool``/``chance``: False, ``pick``: the first item,
    ``bytes``: ``b""``), so a short input is a mostly clean request.
    """

    __slots__ = ("_data", "_pos")

    def __init__(self, data: bytes) -> None:
        self._data = bytes(data)
        self._pos = 0

    @property
    def exhausted(self) -> bool:
        """Whether every byte was used."""
        return self._pos >= len(self._data)

    def int(self, n: int) -> int:
        """A number in ``range(n)``."""
        if n <= 1:
            return 0
        width = 1 if n <= 0x100 else 2 if n <= 0x10000 else 4
        chunk = self._data[self._pos : self._pos + width]
        self._pos += width
        return int.from_bytes(chunk, "little") % n if chunk else 0

    def bool(self) -> bool:
        """True or False."""
        return self.int(2) == 1

    def chance(self, num: int, den: int) -> bool:
        """True with probability ``num/den`` for random bytes; False once the data runs out."""
        return self.int(den) >= den - num

    def pick(self, seq: Sequence[T]) -> T:
        """One item of ``seq`` (the first once the data runs out)."""
        return seq[self.int(len(seq))]

    def bytes(self, n: int) -> bytes:
        """Up to ``n`` raw bytes."""
        size = self.int(n + 1)
        out = self._data[self._pos : self._pos + size]
        self._pos += size
        return out


# ---------------------------------------------------------------------------------------
# Provider configurations


TOO_DEEP = object()
"""What :func:`_json_text` answers, when asked to, for JSON nested too deeply for it here
(the receiver, with more stack left, may still read it)."""


def _json_text(body: bytes, deep: Any = None) -> Any:
    """``body`` decoded as UTF-8 JSON, or ``None`` (the harness's own reading, for its keys);
    ``deep`` for JSON nested too deeply to decode here."""
    try:
        return json.loads(body.decode("utf-8"))
    except RecursionError:
        return deep
    except ValueError:
        return None


def _looks_json(body: bytes) -> bool:
    """Twilio's rule: a body whose first byte after JSON's whitespace is ``{`` or ``[`` is JSON."""
    return body.lstrip(b" \t\r\n")[:1] in (b"{", b"[")


def _form_pairs(body: bytes) -> list[tuple[str, str]] | None:
    """The ``(name, value)`` pairs of a strict form (UTF-8, every field ``name=value`` with a
    name, ``&`` between fields, at most 512 fields), or ``None`` when it is not one."""
    try:
        text = body.decode("utf-8")
        if text.count("&") >= TWILIO_MAX_FIELDS:
            return None
        pairs = parse_qsl(
            text, keep_blank_values=True, strict_parsing=True, encoding="utf-8", errors="strict"
        )
    except (UnicodeDecodeError, ValueError):
        return None
    if not body or any(not name for name, _ in pairs):
        return None
    return pairs


def _twilio_text(pairs: list[tuple[str, str]]) -> str:
    """What Twilio signs after the URL: each name, sorted, then its distinct values, sorted."""
    values: dict[str, set[str]] = {}
    for name, value in pairs:
        values.setdefault(name, set()).add(value)
    return "".join(name + value for name in sorted(values) for value in sorted(values[name]))


SNS_SIGNED_FIELDS: dict[str, tuple[str, ...]] = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": (
        "Message",
        "MessageId",
        "SubscribeURL",
        "Timestamp",
        "Token",
        "TopicArn",
        "Type",
    ),
    "UnsubscribeConfirmation": (
        "Message",
        "MessageId",
        "SubscribeURL",
        "Timestamp",
        "Token",
        "TopicArn",
        "Type",
    ),
}
"""The fields Amazon SNS signs per message type, in order (its developer guide;
``Subject`` only when present)."""


def _sns_string(message: Any, skip: tuple[str, ...] = ()) -> bytes | None:
    """The string SNS signs for ``message`` (without the fields in ``skip``), or ``None``
    when a signed field is absent, empty, not a string, or (but ``Message``) holds a line break."""
    if type(message) is not dict:
        return None
    names = SNS_SIGNED_FIELDS.get(message.get("Type"))  # type: ignore[arg-type]
    if names is None:
        return None
    parts: list[str] = []
    for name in names:
        value = message.get(name)
        if name == "Subject" and value is None:
            continue
        if type(value) is not str or not value or (name != "Message" and "\n" in value):
            return None
        if name not in skip:
            parts.append(f"{name}\n{value}\n")
    return "".join(parts).encode("utf-8", "surrogatepass")


_SNS_HOST = re.compile(r"sns\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?")
_SNS_DOCUMENTED = re.compile(
    r"https://sns\.[a-z]{2,4}(?:-[a-z]+)+-[0-9]{1,2}\.amazonaws\.com(?:\.cn)?(?::443)?/[A-Za-z0-9][A-Za-z0-9._-]*\.pem"
)
"""The certificate URLs ``providers/aws_sns.py`` documents it fetches (``<region>`` as Amazon
names them); a URL :func:`_sns_host_url` takes and this does not may go either way."""


def _sns_host_url(url: object) -> bool:
    """Whether an HTTPS client fetching ``url`` would ask an Amazon SNS host for one ``.pem``
    file: the harness's own reading of the URL (``urlsplit``), looser than the library's
    allowlist (any case, any region name), so that a fetch it refuses is a real escape."""
    if type(url) is not str or not url.isascii() or not url.startswith("https://"):
        return False
    if any(char <= " " or char in "\\\x7f%?#@" for char in url):
        return False
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    host = (parts.hostname or "").rstrip(".")
    segments = parts.path.split("/")
    return (
        parts.scheme == "https"
        and port in (None, 443)
        and _SNS_HOST.fullmatch(host) is not None
        and len(segments) == 2
        and segments[1].endswith(".pem")
        and segments[1] not in (".pem", "..pem")
    )


SNS_CERT_URLS: tuple[tuple[Any, bool], ...] = (
    ("https://sns.us-east-1.amazonaws.com/SimpleNotificationService-gate.pem", True),
    ("https://sns.eu-west-2.amazonaws.com:443/SimpleNotificationService-gate.pem", True),
    ("https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-gate.pem", True),
    ("https://sns.us-gov-west-1.amazonaws.com/gate_1.pem", True),
    ("https://evil.com/SimpleNotificationService-gate.pem", False),
    ("http://sns.us-east-1.amazonaws.com/SimpleNotificationService-gate.pem", False),
    ("https://user@sns.us-east-1.amazonaws.com/gate.pem", False),
    ("https://user:pass@sns.us-east-1.amazonaws.com/gate.pem", False),
    ("https://sns.us-east-1.amazonaws.com@evil.com/gate.pem", False),
    ("https://sns.us-east-1.amazonaws.com:443@evil.com/gate.pem", False),
    ("https://sns.us-east-1.amazonaws.com:8443/gate.pem", False),
    ("https://sns.us-east-1.amazonaws.com:80/gate.pem", False),
    ("https://sns.evil.com/gate.pem", False),
    ("https://sns.us-east-1.amazonaws.com.evil.com/gate.pem", False),
    ("https://sns.us-east-1.amazonaws.com.cn.evil.com/gate.pem", False),
    ("https://evil.com/sns.us-east-1.amazonaws.com/gate.pem", False),
    ("https://evil.com#@sns.us-east-1.amazonaws.com/gate.pem", False),
    ("https://evil.com?@sns.us-east-1.amazonaws.com/gate.pem", False),
    ("https://sns.us-east-1.amazonaws.com\\@evil.com/gate.pem", False),
    ("https://sns.us-east-1.amazonaws.com./gate.pem", False),
    ("https://SNS.US-EAST-1.AMAZONAWS.COM/gate.pem", False),
    ("https://sns.us-east-1.amazonaws.com/../gate.pem", False),
    ("https://sns.us-east-1.amazonaws.com/a/../gate.pem", False),
    ("https://sns.us-east-1.amazonaws.com/%2e%2e/gate.pem", False),
    ("https://sns.us-east-1.amazonaws.com//evil.com/gate.pem", False),
    ("https://sns.us-east-1.amazonaws.com/gate.pem?", False),
    ("https://sns.us-east-1.amazonaws.com/gate.pem?x=.pem", False),
    ("https://sns.us-east-1.amazonaws.com/gate.pem#x", False),
    ("https://sns.us-east-1.amazonaws.com/gate.pem/", False),
    ("https://sns.us-east-1.amazonaws.com/gate.pem%00", False),
    ("https://sns.us-east-1.amazonaws.com/gate.txt", False),
    ("https://sns.us-east-1.amazonaws.com/.pem", False),
    ("https:/sns.us-east-1.amazonaws.com/gate.pem", False),
    ("//sns.us-east-1.amazonaws.com/gate.pem", False),
    (" https://sns.us-east-1.amazonaws.com/gate.pem", False),
    ("https://sns.us-east-1.amazonaws.com/gate.pem\n", False),
    ("https://sns.us-east-1.amazonaws.com\t/gate.pem", False),
    ("HTTPS://sns.us-east-1.amazonaws.com/gate.pem", False),
    ("https://sns.us-east-1.amazonaws.com\u3002evil.com/gate.pem", False),
    ("https://[::1]/gate.pem", False),
    ("https://169.254.169.254/latest/meta-data.pem", False),
    ("file:///etc/passwd.pem", False),
    ("", False),
    (42, False),
    (None, False),
)
"""``SigningCertURL`` values and whether the documented allowlist takes them
(``https://sns.<region>.amazonaws.com[.cn][:443]/<name>.pem``, lower case, nothing else)."""


class Rules:
    """What a provider's signature covers of the body: the harness's key for the signed
    event, and which changes of the body after signing are forgeries.

    The default: the body bytes when the credentials cover them (an HMAC or a public-key
    signature of the body), else nothing (any body the credentials come with is authentic).
    Subclasses describe the providers :class:`Variant`'s flags cannot: a signature inside
    the body (Mailgun, SNS), a signed form (Twilio), a signed time inside the body (Linear).
    """

    mutates = False
    """Whether :meth:`mutate` has changes of its own to make after signing."""

    def key(self, body: bytes) -> bytes:
        """What the sender signed of ``body`` (a signed body), without the signing time."""
        return body

    def forged(self, variant: Variant, signed: bytes, sent: bytes) -> str | None:
        """Why ``sent`` (the body after the post-signing mutations) is not what was signed, or
        ``None`` when it carries exactly the signed content (then it is authentic)."""
        if variant.body_signed and sent != signed:
            return "body changed after signing"
        return None

    def problems(self, slot: Slot, body: bytes) -> list[str]:
        """Why a request whose body is ``body`` (as sent) must be refused however it was signed
        (SNS: another topic, a certificate URL off the allowlist)."""
        return []

    def doubts(self, slot: Slot, body: bytes) -> list[str]:
        """Why a request whose body is ``body`` may be refused though nothing forged it (it is
        then not held to invariant S's "never refused as unauthentic")."""
        return []

    def signed_time(self, body: bytes, at: float) -> float | None:
        """When the signed ``body`` says it was sent, for a time signed inside it (``None``:
        unreadable here); else ``at``, the time given to ``signed_request``."""
        return at

    def mutate(self, c: Choices, slot: Slot, d: Delivery) -> None:
        """Provider-specific changes of ``d.body`` after signing (see :meth:`forged`)."""


class TwilioRules(Rules):
    """Twilio: a JSON body is signed through its SHA-256 (any change forges it); a form's
    *fields* are signed, sorted, each distinct value once, so what form decoding
    normalises (field order, ``+`` or ``%20``, ``%41`` or ``A``, hex case, a pair sent
    twice) is not a change. The key is the set of signed pairs."""

    mutates = True

    def key(self, body: bytes) -> bytes:
        pairs = None if _looks_json(body) else _form_pairs(body)
        if pairs is None:
            return body
        return b"twilio-form\0" + json.dumps(sorted(set(pairs))).encode()

    def forged(self, variant: Variant, signed: bytes, sent: bytes) -> str | None:
        if sent == signed:
            return None
        if _looks_json(signed) or _looks_json(sent):
            return "body changed after signing (JSON: its bodySHA256 is signed)"
        old, new = _form_pairs(signed), _form_pairs(sent)
        if old is None or new is None:
            return "body changed after signing (no longer a strict form)"
        if _twilio_text(old) != _twilio_text(new):
            return "form fields changed after signing"
        return None

    def mutate(self, c: Choices, slot: Slot, d: Delivery) -> None:
        if _looks_json(d.body) or not d.body:
            return
        fields = d.body.decode("latin-1").split("&")
        kind = c.pick(("reorder", "encode", "plus", "hex-case", "repeat", "repeat"))
        index = c.int(len(fields))
        name, _, value = fields[index].partition("=")
        if kind == "reorder" and len(fields) > 1:
            moved = fields[index:] + fields[:index] if c.bool() else fields[::-1]
            gate = _repeated_gate(fields, moved)
            if gate is not None and gate not in slot.features:
                return
            fields = moved
        elif kind == "encode" and value:
            at = c.int(len(value))
            char = value[at]
            if char in "%+" or not char.isalnum():
                return
            fields[index] = f"{name}={value[:at]}%{ord(char):02X}{value[at + 1 :]}"
        elif kind == "plus" and ("+" in value or "%20" in value):
            swapped = value.replace("+", "%20") if "+" in value else value.replace("%20", "+")
            fields[index] = f"{name}={swapped}"
        elif kind == "hex-case" and "%" in value:
            fields[index] = f"{name}={value.swapcase() if c.bool() else value.lower()}"
            if _form_pairs("&".join(fields).encode("latin-1")) != _form_pairs(d.body):
                fields[index] = f"{name}={value}"
                return
        elif kind == "repeat" and "twilio-repeated-field" in slot.features:
            fields.insert(c.int(len(fields) + 1), fields[index])
        else:
            return
        d.body = "&".join(fields).encode("latin-1")
        d.notes.append(f"form {kind} (signed fields unchanged)")


def _repeated_gate(before: list[str], after: list[str]) -> str | None:
    """The feature reordering form fields needs: one when a repeated name's values change order."""

    def orders(fields: list[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for text in fields:
            name, _, value = text.partition("=")
            found.setdefault(unquote_plus(name), []).append(unquote_plus(value))
        return found

    return None if orders(before) == orders(after) else "twilio-repeated-field"


class MailgunRules(Rules):
    """Mailgun: the block ``{"signature": {"timestamp", "token", "signature"}}`` inside the
    body signs its timestamp and token, nothing else; the key is the token. Changing
    ``event-data`` (or anything outside the block) after signing makes an authentic new
    body with the *same* identity: the store must run its handler at most once per token."""

    mutates = True

    @staticmethod
    def block(body: bytes) -> tuple[str, str, set[bytes]] | None:
        """The block's timestamp (as text) and token, and its readable MACs."""
        payload = _json_text(body)
        return MailgunRules.read(payload)

    @staticmethod
    def read(payload: Any) -> tuple[str, str, set[bytes]] | None:
        """:meth:`block` of a decoded body."""
        block = payload.get("signature") if type(payload) is dict else None
        if type(block) is not dict:
            return None
        stamp, token = block.get("timestamp"), block.get("token")
        if type(stamp) is int and stamp >= 0:
            stamp = str(stamp)
        if type(stamp) is not str or type(token) is not str or not stamp or not token:
            return None
        macs: set[bytes] = set()
        for name in ("signature", "parent-signature"):
            value = block.get(name)
            if type(value) is str:
                with contextlib.suppress(ValueError):
                    macs.add(binascii.a2b_hex(value))
        return stamp, token, macs

    def key(self, body: bytes) -> bytes:
        found = self.block(body)
        return body if found is None else b"mailgun-token\0" + found[1].encode("utf-8", "surrogatepass")

    def forged(self, variant: Variant, signed: bytes, sent: bytes) -> str | None:
        if sent == signed:
            return None
        decoded = _json_text(sent, deep=TOO_DEEP)
        if decoded is TOO_DEEP:
            return None  # unknown here: no claim
        old, new = self.block(signed), self.read(decoded)
        if old is None:
            return None  # signed as the harness cannot read it: no claim
        if new is None:
            return "the signature block is no longer readable"
        if old[:2] != new[:2]:
            return "the signed timestamp or token changed"
        if not old[2] & new[2]:
            return "the signature changed"
        return None

    def mutate(self, c: Choices, slot: Slot, d: Delivery) -> None:
        payload = _json_text(d.body)
        if type(payload) is not dict:
            return
        data = payload.get("event-data")
        block = payload.get("signature")
        kind = c.pick(
            ("id", "event", "recipient", "drop", "odd", "replace", "extra", "order", "block", "block")
        )
        if kind == "block" and type(block) is dict:
            # Inside the signed block: forged unless the same timestamp, token and MAC remain.
            part = c.pick(("token", "stamp", "stamp-int", "stamp-pad", "mac-case", "mac-zero", "parent"))
            mac = str(block.get("signature", ""))
            if part == "token":
                block["token"] = c.pick(("", "x" * 50, str(block.get("token", "")) + "0", None))
            elif part == "stamp":
                stamp = str(block.get("timestamp"))
                block["timestamp"] = str(int(stamp) + 1) if stamp.isdigit() else "1"
            elif part == "stamp-int" and str(block.get("timestamp")).isdigit():
                block["timestamp"] = int(str(block["timestamp"]))  # the same number: authentic
            elif part == "stamp-pad":
                block["timestamp"] = c.pick((" ", "0", "+")) + str(block.get("timestamp"))
            elif part == "mac-case":
                block["signature"] = mac.upper()  # hex in either case: authentic
            elif part == "mac-zero":
                block["signature"] = "00" * 32
            else:
                block["signature"], block["parent-signature"] = "00" * 32, mac  # either may match
            kind = f"block {part}"
        elif kind == "id" and type(data) is dict:
            data["id"] = f"gate-mailgun-{c.int(4)}"
        elif kind == "event" and type(data) is dict:
            data["event"] = c.pick(("delivered", "failed", "opened", "clicked", "accepted", "custom-gate"))
        elif kind == "recipient" and type(data) is dict:
            data["recipient"] = c.pick(("mallory@example.com", "", "\u00e9@example.com"))
        elif kind == "drop" and type(data) is dict and data:
            del data[c.pick(sorted(data))]
        elif kind == "odd" and type(data) is dict and data:
            data[c.pick(sorted(data))] = copy.deepcopy(c.pick(ODD_VALUES))
        elif kind == "replace":
            payload["event-data"] = copy.deepcopy(c.pick(({}, None, [], "x", {"event": "delivered"})))
        elif kind == "extra":
            payload[c.pick(("x-gate", "event", "id"))] = c.pick(("mallory", 1, None))
        elif kind == "order":
            payload = dict(reversed(list(payload.items())))
        else:
            return
        try:
            d.body = json.dumps(payload, separators=(",", ":")).encode()
        except (ValueError, RecursionError):
            return
        d.notes.append(f"event-data {kind}" if not kind.startswith("block") else f"signature {kind}")


class SnsRules(Rules):
    """Amazon SNS: the RSA signature inside the body covers the documented fields of its
    ``Type`` (:data:`SNS_SIGNED_FIELDS`), nothing else; the key is those fields without
    ``Timestamp`` (``Type`` and ``MessageId`` identify the message). Changing an unsigned
    field (``UnsubscribeURL``, ``MessageAttributes``, ``SigningCertURL`` to another
    allowlisted URL, a field SNS does not send) is authentic; ``SigningCertURL`` off the
    allowlist must be refused (401) without a fetch."""

    mutates = True

    @staticmethod
    def allowed(slot: Slot, url: object) -> bool:
        return type(url) is str and (url in (slot.options.get("certificates") or {}) or _sns_host_url(url))

    def key(self, body: bytes) -> bytes:
        text = _sns_string(_json_text(body), skip=("Timestamp",))
        return body if text is None else b"sns\0" + text

    def forged(self, variant: Variant, signed: bytes, sent: bytes) -> str | None:
        if sent == signed:
            return None
        old, new = _json_text(signed, deep=TOO_DEEP), _json_text(sent, deep=TOO_DEEP)
        if old is TOO_DEEP or new is TOO_DEEP:
            return None  # unknown here: no claim
        if type(old) is not dict or type(new) is not dict:
            return "body is no longer an SNS message"
        text = _sns_string(new)
        if text is None or text != _sns_string(old):
            return "a signed field changed after signing"
        if new.get("SignatureVersion") != old.get("SignatureVersion"):
            return "SignatureVersion changed after signing"
        signatures = []
        for message in (old, new):
            text = message.get("Signature")
            try:
                signatures.append(base64.b64decode(text if type(text) is str else "!", validate=True))
            except ValueError:
                return "Signature unreadable"
        if signatures[0] != signatures[1]:
            return "Signature changed after signing"
        return None

    def problems(self, slot: Slot, body: bytes) -> list[str]:
        message = _json_text(body)
        if type(message) is not dict:
            return []
        found = []
        if message.get("TopicArn") != slot.options.get("topic_arn"):
            found.append("signed for a topic the receiver is not subscribed to")
        if not self.allowed(slot, message.get("SigningCertURL")):
            found.append("SigningCertURL off the allowlist")
        return found

    def doubts(self, slot: Slot, body: bytes) -> list[str]:
        message = _json_text(body)
        url = message.get("SigningCertURL") if type(message) is dict else None
        pinned = slot.options.get("certificates") or {}
        if (
            type(url) is str
            and url not in pinned
            and self.allowed(slot, url)
            and not _SNS_DOCUMENTED.fullmatch(url)
        ):
            return ["SigningCertURL on an SNS host but outside the documented pattern"]
        return []

    def mutate(self, c: Choices, slot: Slot, d: Delivery) -> None:
        message = _json_text(d.body)
        if type(message) is not dict:
            return
        kind = c.pick(("cert", "cert", "cert", "cert-fuzz", "unsubscribe", "attributes", "extra", "subject"))
        note = ""
        off_list = False
        if kind == "cert":
            url, allowed = c.pick(SNS_CERT_URLS)
            message["SigningCertURL"] = url
            note = f"SigningCertURL = {url!r}"
            off_list = not allowed
        elif kind == "cert-fuzz":
            url = str(message.get("SigningCertURL") or "")
            at = c.int(len(url) + 1)
            url = url[:at] + c.bytes(3).decode("latin-1") + url[at + c.int(3) :]
            message["SigningCertURL"] = url
            note = f"SigningCertURL = {url!r}"
        elif kind == "unsubscribe":
            message["UnsubscribeURL"] = c.pick(("https://evil.com/?Action=Unsubscribe", "", None, 7))
        elif kind == "attributes":
            message["MessageAttributes"] = c.pick(({}, {"a": {"Type": "String", "Value": "x"}}, None, []))
        elif kind == "extra":
            message[c.pick(("SigningCertUrl", "X-Gate", "signature"))] = "https://evil.com/gate.pem"
        elif "Subject" not in message:
            message["Subject"] = None  # skipped from the signed string when null
        else:
            return
        try:
            d.body = json.dumps(message, separators=(",", ":"), ensure_ascii=c.bool()).encode()
        except (ValueError, RecursionError):
            return
        d.notes.append(note or f"SNS {kind} (unsigned field)")
        if off_list:
            d.cert_off_list = note


class LinearRules(Rules):
    """Linear: the HMAC covers the body, whose ``webhookTimestamp`` is the signed send time
    (``signed_request`` writes it in); the key is the body without it, as a retry changes it."""

    def signed_time(self, body: bytes, at: float) -> float | None:
        # signed_request signs a body it cannot read (nested too deeply for its JSON
        # decoder) as it is: its webhookTimestamp, if any, is the sample's.
        payload = _json_text(body)
        stamp = payload.get("webhookTimestamp") if type(payload) is dict else None
        return stamp / 1000 if type(stamp) is int else None

    def key(self, body: bytes) -> bytes:
        payload = _json_text(body)
        if type(payload) is dict:
            text = _canonical({k: v for k, v in payload.items() if k != "webhookTimestamp"})
            if text is not None:
                return b"linear\0" + text
        return body


PLAIN = Rules()
TWILIO = TwilioRules()
MAILGUN = MailgunRules()
SNS = SnsRules()
LINEAR = LinearRules()


@dataclass(frozen=True)
class Variant:
    """One provider configuration."""

    label: str
    provider: str
    options: dict[str, Any]
    body_signed: bool = False
    """The signature covers the body (an HMAC or a public-key signature of it, or, with
    ``rules``, the part of it the provider signs); otherwise any body is authentic."""
    timestamped: bool = False
    """A signed time checked against the tolerance."""
    auth_header: str = "Authorization"
    """The header carrying the signature or the credentials (empty: inside the body)."""
    signed_values: tuple[str, ...] = ()
    """Lower-cased headers whose *values* the MAC covers (ids, timestamps)."""
    t_entry: str | None = None
    """The signature entry label in a keyed-list header with ``<t_label>=<signed time>``
    (Stripe ``v1``, Courier ``signature``, Calendly ``v1``, Paddle ``h1``)."""
    t_label: str = "t"
    """The keyed-list header's time label (Paddle: ``ts``)."""
    entry_separator: str = ","
    """The keyed-list header's entry separator (Paddle: ``;``)."""
    svix: bool = False
    """Standard Webhooks sent with the ``svix-`` prefix (``signed_request`` names an id it is
    given ``webhook-id``: the harness renames the headers)."""
    sw: bool = False
    """Standard Webhooks headers (id, timestamp, ``v1``/``v1a`` signature entries): the id
    and timestamp headers are ``signed_values``."""
    id_header: str | None = None
    """The signed header whose value identifies the event (Standard Webhooks, Twitch): part of the key."""
    tolerance: float = TOLERANCE
    """Seconds a signed time may be old."""
    future: float | None = None
    """Seconds a signed time may be ahead (default: ``tolerance``)."""
    unsigned: tuple[str, ...] = ()
    """Headers the sender sends and nobody signs: changed, dropped or repeated, never part of the key."""
    batch: bool = False
    """A body may carry several events: each is keyed by its canonical payload as well."""
    form: bool = False
    """Bodies are forms (Twilio's callbacks), built from form samples."""
    answers: tuple[str, ...] = ()
    """Media types of the non-JSON 2xx bodies the provider declares (Twitch's challenge, TwiML)."""
    statuses: tuple[int, ...] = ()
    """2xx statuses the provider answers besides 200 (or the inbox's ``accepted_status``)."""
    demo: bool = False
    """Start from ``testing.DEMO_OPTIONS`` (public keys whose private halves sign: ``DEMO_PRIVATE_KEYS``)."""
    private_key: str | None = None
    """What ``signed_request`` signs with, for a public-key configuration without a demo pair."""
    handshake: bool = False
    """``GET`` handshakes (Meta's ``hub.challenge``) mixed in with the deliveries."""
    fetch: bool = False
    """The provider gets a ``fetch=`` the harness records (SNS certificates)."""
    rules: Rules = PLAIN
    """What the signature covers of the body (:class:`Rules`)."""


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _v1a_keys() -> tuple[str, str]:
    """A fixed Ed25519 pair for Standard Webhooks ``v1a``: ``(whpk_..., whsk_...)``."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    seed = hashlib.sha256(b"gate harness: standard webhooks v1a").digest()
    public = Ed25519PrivateKey.from_private_bytes(seed).public_key()
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "whpk_" + base64.b64encode(raw).decode(), "whsk_" + base64.b64encode(seed).decode()


V1A_PUBLIC, V1A_PRIVATE = _v1a_keys()
SW_SECRET = "whsec_" + _b64("gate-standard-webhooks-key")
GITLAB_UNSIGNED = (
    "X-Gitlab-Event",
    "X-Gitlab-Event-UUID",
    "X-Gitlab-Webhook-UUID",
    "X-Gitlab-Instance",
    "Idempotency-Key",
)
SNS_UNSIGNED = (
    "x-amz-sns-message-type",
    "x-amz-sns-message-id",
    "x-amz-sns-topic-arn",
    "x-amz-sns-subscription-arn",
)

VARIANTS: tuple[Variant, ...] = (
    Variant(
        "courier",
        "courier",
        {"secret": "gate-courier-secret"},
        body_signed=True,
        timestamped=True,
        auth_header="courier-signature",
        t_entry="signature",
    ),
    Variant(
        "courier-channel/basic",
        "courier-channel",
        {"auth": "basic", "username": "gate", "password": "gate-channel-pass"},
    ),
    Variant("courier-channel/bearer", "courier-channel", {"auth": "bearer", "token": "gate-channel-token"}),
    Variant(
        "customerio",
        "customerio",
        {"secret": "gate-cio-secret"},
        body_signed=True,
        auth_header="X-Signature",
        batch=True,
    ),
    Variant("kourier", "kourier", {"token": "gate-kourier-token"}),
    Variant(
        "xtremepush/basic", "xtremepush", {"auth": "basic", "username": "gate", "password": "gate-xp-pass"}
    ),
    Variant("xtremepush/bearer", "xtremepush", {"auth": "bearer", "token": "gate-xp-token"}),
    Variant(
        "xtremepush/signed-key",
        "xtremepush",
        {"auth": "signed", "key": "gate-xp-key"},
        auth_header="X-Signature",
    ),
    Variant(
        "xtremepush/signed-hmac",
        "xtremepush",
        {"auth": "signed", "key": "gate-xp-hmac-key", "signing": "hmac-sha256"},
        body_signed=True,
        auth_header="X-Signature",
    ),
    Variant(
        "stripe",
        "stripe",
        {"secret": "whsec_gate_stripe"},
        body_signed=True,
        timestamped=True,
        auth_header="Stripe-Signature",
        t_entry="v1",
    ),
    Variant(
        "standard-webhooks",
        "standard-webhooks",
        {"secret": SW_SECRET},
        body_signed=True,
        timestamped=True,
        auth_header="webhook-signature",
        signed_values=("webhook-id", "webhook-timestamp"),
        sw=True,
        id_header="webhook-id",
    ),
    Variant(
        "standard-webhooks/svix",
        "standard-webhooks",
        {"secret": SW_SECRET},
        body_signed=True,
        timestamped=True,
        auth_header="svix-signature",
        signed_values=("svix-id", "svix-timestamp"),
        svix=True,
        sw=True,
        id_header="svix-id",
    ),
    Variant(
        "standard-webhooks/v1a",
        "standard-webhooks",
        {"public_key": V1A_PUBLIC},
        body_signed=True,
        timestamped=True,
        auth_header="webhook-signature",
        signed_values=("webhook-id", "webhook-timestamp"),
        sw=True,
        id_header="webhook-id",
        private_key=V1A_PRIVATE,
    ),
    Variant(
        "github",
        "github",
        {"secret": "gate-github-secret"},
        body_signed=True,
        auth_header="X-Hub-Signature-256",
    ),
    Variant(
        "slack",
        "slack",
        {"secret": "gate-slack-secret"},
        body_signed=True,
        timestamped=True,
        auth_header="X-Slack-Signature",
        signed_values=("x-slack-request-timestamp",),
    ),
    Variant("bearer", "bearer", {"token": "gate-bearer-token"}),
    Variant("basic", "basic", {"username": "gate", "password": "gate-basic-pass"}),
    Variant(
        "hmac",
        "hmac",
        {
            "secret": "gate-hmac-secret",
            "header": "X-Gate-Signature",
            "encoding": "base64",
            "timestamp_header": "X-Gate-Timestamp",
        },
        body_signed=True,
        timestamped=True,
        auth_header="X-Gate-Signature",
        signed_values=("x-gate-timestamp",),
    ),
    Variant(
        "customerio-reporting",
        "customerio-reporting",
        {"secret": "gate-cio-reporting-key"},
        body_signed=True,
        timestamped=True,
        auth_header="X-CIO-Signature",
        signed_values=("x-cio-timestamp",),
    ),
    Variant(
        "resend",
        "resend",
        {"secret": "whsec_" + _b64("gate-resend-signing-key")},
        body_signed=True,
        timestamped=True,
        auth_header="svix-signature",
        signed_values=("svix-id", "svix-timestamp"),
        svix=True,
        sw=True,
        id_header="svix-id",
    ),
    Variant(
        "clerk",
        "clerk",
        {"secret": "whsec_" + _b64("gate-clerk-signing-key")},
        body_signed=True,
        timestamped=True,
        auth_header="svix-signature",
        signed_values=("svix-id", "svix-timestamp"),
        svix=True,
        sw=True,
        id_header="svix-id",
    ),
    Variant(
        "gitlab/token",
        "gitlab",
        {"token": "gate-gitlab-token"},
        auth_header="X-Gitlab-Token",
        unsigned=GITLAB_UNSIGNED,
    ),
    Variant(
        "gitlab/signing",
        "gitlab",
        {"secret": "whsec_" + _b64("gate-gitlab-signing-token-32bytes")},
        body_signed=True,
        timestamped=True,
        auth_header="webhook-signature",
        signed_values=("webhook-id", "webhook-timestamp"),
        sw=True,
        id_header="webhook-id",
        unsigned=GITLAB_UNSIGNED,
    ),
    Variant(
        "shopify",
        "shopify",
        {"secret": "gate-shopify-client-secret"},
        body_signed=True,
        auth_header="X-Shopify-Hmac-Sha256",
        unsigned=(
            "X-Shopify-Topic",
            "X-Shopify-Webhook-Id",
            "X-Shopify-Event-Id",
            "X-Shopify-Shop-Domain",
            "X-Shopify-API-Version",
            "X-Shopify-Triggered-At",
        ),
    ),
    Variant(
        "twilio/form",
        "twilio",
        {"secret": "gate-twilio-auth-token", "url": "https://gate.example.com/hooks/twilio?site=1"},
        body_signed=True,
        auth_header="X-Twilio-Signature",
        unsigned=("I-Twilio-Idempotency-Token",),
        form=True,
        answers=("text/xml",),
        rules=TWILIO,
    ),
    Variant(
        "twilio/json",
        "twilio",
        {"secret": "gate-twilio-auth-token", "url": "https://gate.example.com/hooks/twilio?site=1"},
        body_signed=True,
        auth_header="X-Twilio-Signature",
        unsigned=("I-Twilio-Idempotency-Token",),
        batch=True,
        answers=("text/xml",),
        rules=TWILIO,
    ),
    Variant(
        "sendgrid",
        "sendgrid",
        {},
        body_signed=True,
        timestamped=True,
        auth_header="X-Twilio-Email-Event-Webhook-Signature",
        signed_values=("x-twilio-email-event-webhook-timestamp",),
        unsigned=("User-Agent",),
        batch=True,
        demo=True,
    ),
    Variant(
        "discord",
        "discord",
        {},
        body_signed=True,
        timestamped=True,
        auth_header="X-Signature-Ed25519",
        signed_values=("x-signature-timestamp",),
        statuses=(204,),
        demo=True,
    ),
    Variant(
        "meta",
        "meta",
        {"secret": "gate-meta-app-secret"},
        body_signed=True,
        auth_header="X-Hub-Signature-256",
        batch=True,
    ),
    Variant(
        "meta/handshake",
        "meta",
        {"secret": "gate-meta-app-secret", "verify_token": "gate-meta-verify-token"},
        body_signed=True,
        auth_header="X-Hub-Signature-256",
        batch=True,
        answers=("text/plain",),
        handshake=True,
    ),
    Variant(
        "zoom",
        "zoom",
        {"secret": "gate-zoom-secret-token"},
        body_signed=True,
        timestamped=True,
        auth_header="x-zm-signature",
        signed_values=("x-zm-request-timestamp",),
    ),
    Variant(
        "twitch",
        "twitch",
        {"secret": "gate-twitch-eventsub-secret"},
        body_signed=True,
        timestamped=True,
        auth_header="Twitch-Eventsub-Message-Signature",
        signed_values=("twitch-eventsub-message-timestamp", "twitch-eventsub-message-id"),
        id_header="twitch-eventsub-message-id",
        tolerance=600.0,
        unsigned=(
            "Twitch-Eventsub-Message-Type",
            "Twitch-Eventsub-Message-Retry",
            "Twitch-Eventsub-Subscription-Type",
            "Twitch-Eventsub-Subscription-Version",
        ),
        batch=True,
        answers=("text/plain",),
        statuses=(200,),
    ),
    Variant(
        "paddle",
        "paddle",
        {"secret": "pdl_ntfset_01hgate000000000000000000000_GatePaddleSecretKeyNotReal000"},
        body_signed=True,
        timestamped=True,
        auth_header="Paddle-Signature",
        t_entry="h1",
        t_label="ts",
        entry_separator=";",
        tolerance=5.0,
    ),
    Variant("postmark/basic", "postmark", {"username": "gate", "password": "gate-postmark-pass"}),
    Variant(
        "postmark/header",
        "postmark",
        {"header": "X-Gate-Postmark-Token", "token": "gate-postmark-token"},
        auth_header="X-Gate-Postmark-Token",
    ),
    Variant(
        "mailgun",
        "mailgun",
        {"secret": "gate-mailgun-signing-key"},
        body_signed=True,
        timestamped=True,
        auth_header="",
        tolerance=8 * 3600.0,
        rules=MAILGUN,
    ),
    Variant(
        "square",
        "square",
        {"secret": "gate-square-signature-key", "url": "https://gate.example.com/hooks/square"},
        body_signed=True,
        auth_header="x-square-hmacsha256-signature",
        unsigned=("square-environment", "square-version", "square-retry-number"),
    ),
    Variant(
        "linear",
        "linear",
        {"secret": "lin_wh_gate_linear_signing_secret"},
        body_signed=True,
        timestamped=True,
        auth_header="Linear-Signature",
        tolerance=60.0,
        unsigned=("Linear-Delivery", "Linear-Event"),
        rules=LINEAR,
    ),
    Variant(
        "intercom",
        "intercom",
        {"secret": "gate-intercom-client-secret"},
        body_signed=True,
        auth_header="X-Hub-Signature",
    ),
    Variant(
        "zendesk",
        "zendesk",
        {"secret": "gate-zendesk-signing-secret"},
        body_signed=True,
        timestamped=True,
        auth_header="X-Zendesk-Webhook-Signature",
        signed_values=("x-zendesk-webhook-signature-timestamp",),
        unsigned=("X-Zendesk-Webhook-Id", "X-Zendesk-Webhook-Invocation-Id", "X-Zendesk-Account-Id"),
    ),
    Variant(
        "typeform",
        "typeform",
        {"secret": "gate-typeform-webhook-secret"},
        body_signed=True,
        auth_header="Typeform-Signature",
    ),
    Variant(
        "calendly",
        "calendly",
        {"secret": "gate-calendly-signing-key"},
        body_signed=True,
        timestamped=True,
        auth_header="Calendly-Webhook-Signature",
        t_entry="v1",
        tolerance=180.0,
    ),
    Variant(
        "vercel",
        "vercel",
        {"secret": "gate-vercel-webhook-secret"},
        body_signed=True,
        auth_header="x-vercel-signature",
    ),
    Variant(
        "aws-sns",
        "aws-sns",
        {},
        body_signed=True,
        timestamped=True,
        auth_header="",
        tolerance=3900.0,
        future=300.0,
        unsigned=SNS_UNSIGNED,
        demo=True,
        fetch=True,
        rules=SNS,
    ),
    Variant(
        "aws-sns/fetch",
        "aws-sns",
        {"certificates": None},
        body_signed=True,
        timestamped=True,
        auth_header="",
        tolerance=3900.0,
        future=300.0,
        unsigned=SNS_UNSIGNED,
        demo=True,
        fetch=True,
        rules=SNS,
    ),
)
VARIANT_LABELS: tuple[str, ...] = tuple(v.label for v in VARIANTS)

# The keys naming each provider's event type in its body (GitHub's is a header).
TYPE_KEYS = frozenset(
    {"type", "event", "Type", "object_kind", "topic", "event_type", "RecordType", "action", "metric"}
)
TIME_KEYS = (
    "timestamp",
    "created",
    "time",
    "event_time",
    "enqueued",
    "sent",
    "delivered",
    "opened",
    "clicked",
    "created_at",
    "createdAt",
    "event_ts",
    "occurred_at",
    "Timestamp",
    "webhookTimestamp",
)
MAIN_TIME_KEY = {
    "courier": "timestamp",
    "customerio": "timestamp",
    "kourier": "timestamp",
    "xtremepush": "time",
    "stripe": "created",
    "standard-webhooks": "timestamp",
    "slack": "event_time",
    "customerio-reporting": "timestamp",
    "resend": "created_at",
    "clerk": "timestamp",
    "zoom": "event_ts",
    "paddle": "occurred_at",
    "calendly": "created_at",
    "vercel": "createdAt",
    "linear": "createdAt",
    "intercom": "created_at",
    "aws-sns": "Timestamp",
}
ID_FIELDS: dict[str, tuple[tuple[str | int, ...], str]] = {
    "customerio-reporting": (("event_id",), "01HGATE{n}"),
    "shopify": (("id",), "{n}"),
    "sendgrid": (("*", "sg_event_id"), "sg_gate_{n}"),
    "discord": (("id",), "114680458123456789{n}"),
    "zoom": (("event_ts",), "{n}"),
    "paddle": (("event_id",), "evt_gate{n}"),
    "postmark": (("ID",), "{n}"),
    "mailgun": (("event-data", "id"), "gate-mailgun-{n}"),
    "square": (("event_id",), "gate-square-{n}"),
    "intercom": (("id",), "notif_gate_{n}"),
    "zendesk": (("id",), "gate-zendesk-{n}"),
    "typeform": (("event_id",), "gate-typeform-{n}"),
    "calendly": (("created_at",), "2024-01-25T17:1{n}:00.000000Z"),
    "vercel": (("id",), "gate-vercel-{n}"),
    "aws-sns": (("MessageId",), "gate-sns-{n}"),
    "twilio": (("*", "id"), "gate-cloudevent-{n}"),
    "meta": (("entry", 0, "id"), "10822418871234{n}"),
    "linear": (("data", "id"), "gate-linear-{n}"),
}
"""Where each provider's event id (or the field its identity leans on) is, and the small
pool of values it is drawn from, so that inputs collide (``*``: every element of an array)."""
TWILIO_STATUSES = {
    "MessageStatus": ("queued", "sent", "delivered", "failed", "read"),
    "SmsStatus": ("queued", "sent", "delivered"),
    "CallStatus": ("ringing", "in-progress", "completed", "busy"),
    "RecordingStatus": ("in-progress", "completed", "failed"),
}
TWILIO_SIDS = ("MessageSid", "SmsSid", "CallSid", "RecordingSid", "EventSid")
FORM = "application/x-www-form-urlencoded"
BATCH_IDS = {"customerio": "messageId", "sendgrid": "sg_event_id"}
"""Providers whose bodies are arrays of events the harness builds batches of, and each element's id."""
TWILIO_MAX_FIELDS = 512
"""The most fields a Twilio form may have."""
FORM_VALUES: tuple[str, ...] = (
    "",
    " ",
    "+",
    "%",
    "a&b=c",
    "=",
    "\u00e9",
    "\ud83d\ude00",
    "\u2028",
    "\x00",
    "x" * 3000,
    "?bodySHA256=",
    "1",
)
SW_IDS = frozenset({"webhook-id", "svix-id"})
GITHUB_DELIVERY = "x-github-delivery"
GITHUB_EVENT = "x-github-event"
GUIDS = (
    "72d3162e-cc78-11e3-81ab-4c9367dc0958",
    "8f4c8b2a-1c2d-11ef-9a6e-0242ac120002",
    "a1b2c3d4-0000-4000-8000-000000000001",
    "d0d0cafe-f00d-4bad-beef-0123456789ab",
)
META_VERIFY_CHALLENGES: tuple[str, ...] = (
    "1158201444",
    "0",
    "x",
    "a" * 1024,
    "a" * 1025,
    "",
    "\u00e9",
    "a b",
    "%",
    "-1",
    "~!",
)

# ---------------------------------------------------------------------------------------
# Values the mutations draw from

LONE_SURROGATES = ("\ud800", "\udfff", "a\udc00b", "\ud83d")
ODD_VALUES: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    -1,
    1.5,
    -0.0,
    1e308,
    -1e308,
    2**63,
    -(2**63),
    10**30,
    "",
    "x",
    " ",
    "\x00",
    "nul\x00inside",
    "\ud83d\ude00",
    "\u2028",
    "é",
    "\ud800",
    "\udfff",
    "a" * 5000,
    [],
    {},
    [None],
    {"": None},
    {"\ud800": 1},
    "1700000000",
    "1e3",
)
TYPE_VALUES: tuple[str, ...] = (
    "",
    "x",
    "custom",
    "*",
    "[",
    "\x00",
    "type\x00",
    "a" * 3000,
    "\ud83d\ude00",
    "\u2028",
    "é",
    "message:updated",
    "delivery.updated",
    "delivery.created",
    "message_failure",
    "message_open",
    "preference_opt_out",
    "subscribe",
    "url_verification",
    "event_callback",
    "track",
    "identify",
    "group",
    "alias",
    "invoice.paid",
    "audiences:user:matched",
    " issues ",
    *LONE_SURROGATES,
)
EXTREME_TIMES: tuple[Any, ...] = (
    0,
    -1,
    1.5,
    1e308,
    -1e308,
    2**63,
    -(2**63),
    10**16,
    10**11,
    99_999_999_999,
    253_402_300_800,
    253_402_300_800_000,
    -62_135_596_800,
    -62_135_596_800_000,
    "0001-01-01T00:00:00",
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:00:00+00:00",
    "9999-12-31T23:59:59.999999",
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59+00:00",
    "99999999999999999",
    "1e308",
    "-1",
    "2024-02-30T00:00:00Z",
    "2024-01-01T00:00:00+24:00",
    "2024-01-01T00:00:00-23:59",
    "",
    " ",
    " 1700000000 ",
    "\uff11\uff17\uff10\uff10\uff10\uff10\uff10\uff10\uff10\uff10",
    "NaN",
    True,
    None,
    [],
    {},
)
ISO_OFFSET_BOUNDS: tuple[str, ...] = (
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
    "0001-01-01T00:30:00+00:31",
    "9999-12-31T23:59:59.999999-00:00:01",
    "0001-01-01T00:00:00+23:59",
)
NUMBER_TEXTS: tuple[str, ...] = (
    "9" * 4300,
    "9" * 4301,
    "-" + "9" * 4300,
    "1" + "0" * 400,
    "1E400",
    "-1E400",
    "1e-400",
    "-0",
    "-0.0",
    "1.7976931348623157e308",
    "123456789012345678901234567890.5",
    "0.1e1",
    "-9223372036854775809",
)
SAFE_DEPTHS: tuple[int, ...] = (50, 200, 500, 3000)
TOP_LEVELS: tuple[Any, ...] = (None, 0, -1, "s", "", [], {}, True, 1.5, [{}], [[]], {"type": None})
PAD_CHARS: tuple[str, ...] = (
    " ",
    "\t",
    "\xa0",
    "\x85",
    "\x1c",
    "\x1d",
    "\x1e",
    "\x1f",
    "\x00",
    "\r",
    "\n",
    "\x0b",
)
OWS = " \t"
METHODS: tuple[str, ...] = (
    "PUT",
    "PATCH",
    "DELETE",
    "GET",
    "post",
    "",
    "HEAD",
    "OPTIONS",
    "POST ",
    "P\x00ST",
)
CONTENT_TYPES: tuple[str | None, ...] = (
    None,
    "application/json; charset=utf-8",
    "text/plain",
    "application/vnd.gate+json",
    "APPLICATION/JSON",
    "application/json ",
    "",
    "multipart/form-data",
    "application/jsonx",
    "application/json, text/plain",
)
COURIER_STATUSES = ("DELIVERED", "SENT", "ENQUEUED", "OPENED", "UNDELIVERABLE", "SOMETHING_NEW")
KOURIER_STATUSES = ("in_transit", "delivered", "created", "cancelled", "teleported")
KOURIER_TIMES = ("2024-09-14T14:30:00Z", "2024-09-14T15:00:00Z", 1726324200, "2024-09-14T14:30:00+02:00")


_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_SWAP = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
)


def _spellings(name: str) -> tuple[str, ...]:
    """``name`` in other ASCII cases (a header name stays latin-1: ``str.upper`` could leave it)."""
    title = "-".join(part[:1].translate(_UPPER) + part[1:].translate(_LOWER) for part in name.split("-"))
    return (name.translate(_LOWER), name.translate(_UPPER), name.translate(_SWAP), title)


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


# ---------------------------------------------------------------------------------------
# Requests


@dataclass
class Signed:
    """What the sender signed: the body, the headers it sends, the signed id and time."""

    body: bytes
    """The body as signed and sent (Mailgun, SNS and Linear sign inside it)."""
    headers: list[tuple[str, str]]
    msg_id: str | None
    """The signed id header's value (:attr:`Variant.id_header`), if any."""
    signed_at: float
    extra: dict[str, str]
    notes: list[str]
    source: bytes = b""
    """The body given to ``signed_request`` (a re-signing signs it again)."""
    clean: bytes = b""
    """The sample's body without the pre-signing mutations: signed instead when ``source`` cannot be."""
    material: bytes = b""
    """What the sender signed of the body, without the signing time (:meth:`Rules.key`)."""
    timeless: bool = False
    """The signed time inside the body cannot be read here: fresh or not is unknown."""


@dataclass
class Delivery:
    """One request as sent, after the post-signing mutations."""

    method: str
    headers: list[list[str]]
    body: bytes
    form: str
    offset: float
    fresh: bool = True
    """Signed inside the tolerance (or by a provider without a signed time)."""
    forged: list[str] = field(default_factory=list)
    """Why this request must not be 2xx (invariant 3)."""
    marks: list[tuple[str, str, str]] = field(default_factory=list)
    """(header, text, reason): the request is forged if a header of that name still holds the text."""
    notes: list[str] = field(default_factory=list)
    """The mutations applied after signing."""
    cert_off_list: str = ""
    """SNS: the note of a ``SigningCertURL`` changed to one off the allowlist (401, no fetch)."""
    doubts: list[str] = field(default_factory=list)
    """Why this request may be refused though nothing forged it (:meth:`Rules.doubts`)."""

    def wire_headers(self) -> Any:
        """The headers in the chosen form: a dict, ``(str, str)`` or latin-1 ``(bytes, bytes)`` pairs."""
        pairs = [(name, value) for name, value in self.headers]
        if self.form == "pairs":
            return pairs
        if self.form == "bytes":
            return [(name.encode("latin-1"), value.encode("latin-1")) for name, value in pairs]
        result: dict[str, str] = {}
        for name, value in pairs:
            spelled = name
            for candidate in (name, *_spellings(name)):
                if candidate not in result:
                    spelled = candidate
                    break
            else:
                return pairs  # a dict cannot hold this many spellings: send pairs
            result[spelled] = value
        return result

    def describe(self) -> str:
        """The request, for a failure message."""
        shown = self.body[:600]
        more = f"... ({len(self.body)} bytes)" if len(self.body) > len(shown) else ""
        return (
            f"    method={self.method!r} form={self.form} signed at clock{self.offset:+g}s\n"
            f"    headers={self.headers!r}\n"
            f"    body={shown!r}{more}\n"
            f"    post-signing mutations={self.notes}"
        )


@dataclass
class _Call:
    """The handler runs of one ``handle`` call (or one worker drain)."""

    succeeded: list[Any] = field(default_factory=list)
    failed: list[Any] = field(default_factory=list)


@dataclass
class _Expect:
    """An event an inbox owes a run: the accepted event and its harness key."""

    event: Any
    key: bytes
    tracked: bool
    """Whether ``key`` is the signed event's (else a stand-in: too deep to canonicalise)."""


class _Deliberate(Exception):
    """Raised by the harness's handler for an event whose payload asks for a failure."""


@dataclass
class Slot:
    """One (configuration, mode): its receiver, store or inbox, and its counts."""

    variant: Variant
    mode: str
    receiver: Any
    provider: Any
    store: Any = None
    inbox: Any = None
    worker: Any = None
    cases: int = 0
    requests: int = 0
    runs: int = 0
    deliberate: int = 0
    duplicates: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    expected: dict[str, _Expect] = field(default_factory=dict)
    finished: dict[str, float] = field(default_factory=dict)
    dead: set[str] = field(default_factory=set)
    failed: dict[str, float] = field(default_factory=dict)
    """Store modes: event keys whose handler failed (on purpose) and has not succeeded since."""
    history: deque[bytes] = field(default_factory=lambda: deque(maxlen=HISTORY))
    """The last inputs that reached this receiver, for a reproduction."""
    options: dict[str, Any] = field(default_factory=dict)
    """The provider's options as given (the demo ones merged in)."""
    features: frozenset[str] = frozenset()
    """The harness's enabled known-bug features (for :meth:`Rules.mutate`)."""
    fetched: list[str] = field(default_factory=list)
    """URLs the provider's ``fetch=`` was called with during the current request."""


@dataclass
class _Context:
    """What the handler needs to key the events of the request being handled."""

    slot: Slot
    base: bytes
    batch: bool


def _canonical(value: Any) -> bytes | None:
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()
    except (RecursionError, ValueError, TypeError):
        return None


def _budget(payload: Any) -> int:
    """How many runs of this event the handler fails on purpose (``"fail": n``, 1 to 9;
    ``fail=n`` in a form)."""
    if type(payload) is dict:
        wanted = payload.get("fail")
        if type(wanted) is int and 0 < wanted < 10:
            return wanted
        if type(wanted) is str and len(wanted) == 1 and "1" <= wanted <= "9":
            return int(wanted)
    return 0


def _walk(root: list[Any], limit: int = 300) -> list[tuple[Any, Any]]:
    """Every (container, key) under ``root[0]`` down to four levels, at most ``limit`` of them."""
    found: list[tuple[Any, Any]] = [(root, 0)]
    queue: list[tuple[Any, int]] = [(root[0], 0)]
    while queue and len(found) < limit:
        node, depth = queue.pop(0)
        if depth >= 4:
            continue
        items: Iterable[tuple[Any, Any]]
        if type(node) is dict:
            items = list(node.items())
        elif type(node) is list:
            items = list(enumerate(node[:50]))
        else:
            continue
        for key, value in items:
            found.append((node, key))
            queue.append((value, depth + 1))
    return found


_RSA_LOADER: list[Any] = []
"""``aws_sns.rsa_private_key`` as the library has it, while harnesses memoise it (and how many)."""


def _memoise_rsa_keys(step: int) -> None:
    """Memoise the RSA private key ``signed_request`` loads to sign SNS messages, while a
    harness is open (``step`` +1 on opening, -1 on closing).

    Loading the PEM validates the key (~35 ms here, against ~2 ms for the signature), so an
    SNS input would cost ten times any other; the key is the same demo key every time, and
    only the signing tool loads it, never the receiving path. The library's function still
    does the loading; it is restored when the last harness closes.
    """
    from webhook_receiver.providers import aws_sns

    if step > 0 and not _RSA_LOADER:
        original = vars(aws_sns)["rsa_private_key"]
        loaded: dict[Any, Any] = {}

        def rsa_private_key(value: str | bytes) -> Any:
            if value not in loaded:
                loaded[value] = original(value)
            return loaded[value]

        _RSA_LOADER[:] = [original, 0]
        vars(aws_sns)["rsa_private_key"] = rsa_private_key
    if _RSA_LOADER:
        _RSA_LOADER[1] += step
        if _RSA_LOADER[1] <= 0:
            vars(aws_sns)["rsa_private_key"] = _RSA_LOADER[0]
            _RSA_LOADER.clear()


def _wire_text(value: str) -> str:
    """A header value as a server hands it over: its UTF-8 bytes read as latin-1 when it
    has characters no header can carry (SNS's ``x-amz-sns-message-type`` repeats a ``Type``)."""
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogatepass").decode("latin-1")
    return value


def _drop_empty_items(payload: Any) -> None:
    """Meta: drop the empty item lists of a notification's entries (the ``meta-empty-items`` trigger)."""
    entries = payload.get("entry") if type(payload) is dict else None
    for entry in entries if type(entries) is list else ():
        if type(entry) is dict:
            for name in ("changes", "messaging", "standby"):
                if entry.get(name) == []:
                    del entry[name]


def _media_type(headers: Any) -> str:
    """A reply's media type, lower case (``""`` without a ``Content-Type``)."""
    value = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    return str(value).split(";", 1)[0].strip().lower()


class Violation(AssertionError):
    """An invariant the gate broke."""


# ---------------------------------------------------------------------------------------
# The harness


class Harness:
    """Receivers for every (configuration, mode), kept for the whole run, and the checks.

    Args:
        features: the known-bug triggers to enable (:data:`KNOWN_BUG_FEATURES`);
            ``None`` enables all of them.
        variants: configuration labels to fuzz (default: all of :data:`VARIANTS`).
        modes: modes to fuzz (default: all of :data:`MODES`).
    """

    def __init__(
        self,
        *,
        features: Iterable[str] | None = None,
        variants: Iterable[str] | None = None,
        modes: Iterable[str] | None = None,
    ) -> None:
        import webhook_receiver as wr
        from webhook_receiver import testing

        self.wr = wr
        self.testing = testing
        self.features = ALL_FEATURES if features is None else frozenset(features)
        unknown = self.features - ALL_FEATURES
        if unknown:
            raise ValueError(f"unknown features: {sorted(unknown)}")
        wanted = set(VARIANT_LABELS if variants is None else variants)
        self.variants = tuple(v for v in VARIANTS if v.label in wanted)
        self.modes = tuple(m for m in MODES if modes is None or m in set(modes))
        if not self.variants or not self.modes or wanted - set(VARIANT_LABELS):
            raise ValueError("choose known variants and modes")
        _memoise_rsa_keys(+1)
        self.ttl = float(wr.DEFAULT_TTL)
        self.clock = testing.FrozenClock(START)
        pinned = testing.DEMO_OPTIONS["aws-sns"]["certificates"]
        self._sns_certificate = str(next(iter(pinned.values()))).encode()
        self.directory = tempfile.mkdtemp(prefix="gate-harness-")
        self.samples: dict[str, list[tuple[str, dict[str, str]]]] = {}
        self.slots: dict[tuple[str, str], Slot] = {}
        for variant in self.variants:
            self.samples[variant.label] = self._samples_for(variant)
            for mode in self.modes:
                self.slots[variant.label, mode] = self._slot(variant, mode)
        # Bookkeeping, keyed by the signed material (see the module docstring).
        self.done: dict[bytes, float] = {}
        self.attempts: dict[bytes, int] = {}
        self.inputs = 0
        self.unkeyed = 0
        self.started = time.monotonic()
        self._call = _Call()
        self._context: _Context | None = None
        self._phase = ""
        self._problems: list[tuple[str, str]] = []
        self._depth_limit: int | None = None
        self._closed = False

    # -- set-up ------------------------------------------------------------------------

    def _samples_for(self, variant: Variant) -> list[tuple[str, dict[str, str]]]:
        """The variant's samples: payloads (as JSON text) with the unsigned headers their senders add."""
        provider = variant.provider
        found = [
            (s.payload, {k: v for k, v in s.headers.items() if k.lower() != "content-type"})
            for s in self.testing.samples(provider)
            if s.form == variant.form
        ]
        if provider in ("bearer", "basic", "hmac"):
            found.append(({"event": "thing.created", "id": "evt_2", "time": "2024-09-14T14:30:00Z"}, {}))
            found.append(({"type": "thing.deleted", "data": {"object": {"id": "obj_1"}}}, {}))
        if variant.label == "twilio/json":
            found.append(({"type": "studio.gate", "id": "gate-studio-1", "flow": "FW1"}, {}))
        if provider in ("twitch", "zoom"):
            found = found[1:] + found[:1]  # the handshake sample is not the default one
        return [(json.dumps(payload), headers) for payload, headers in found]

    def _slot(self, variant: Variant, mode: str) -> Slot:
        wr = self.wr
        options = dict(variant.options)
        if variant.demo:
            options = {**self.testing.DEMO_OPTIONS[variant.provider], **options}
        if variant.fetch:
            options["fetch"] = self._fetcher(variant.label, mode)
        provider = wr.providers.create(variant.provider, clock=self.clock, **options)
        name = f"{variant.label.replace('/', '_')}-{mode}.sqlite3"
        path = os.path.join(self.directory, name)
        store = inbox = worker = None
        if mode == "memory":
            store = wr.MemoryStore(max_entries=10_000_000)
        elif mode == "sqlite":
            store = wr.SQLiteStore(path)
        elif mode == "inbox":
            inbox = wr.SQLiteInbox(path, ttl=self.ttl, durability="process")
        receiver = wr.Receiver(provider, max_body_size=MAX_BODY, store=store, inbox=inbox)
        if inbox is not None:
            retry = wr.RetryPolicy(max_attempts=MAX_ATTEMPTS, initial=0, jitter=False)
            worker = wr.Worker(inbox, clock=self.clock, retry=retry, concurrency=4)
        slot = Slot(variant, mode, receiver, provider, store, inbox, worker)
        slot.options = options
        slot.features = self.features

        def on_any(event: Any) -> None:
            self._handled(slot, event)

        on_any.__qualname__ = f"gate_handler[{variant.label}/{mode}]"
        receiver.on_any(on_any)
        return slot

    def _fetcher(self, label: str, mode: str) -> Any:
        """A ``fetch=`` for SNS certificates that records its calls (checked by invariant C) and
        serves the demo certificate for Amazon SNS URLs only: the harness never uses the network."""

        def fetch(url: str) -> bytes:
            slot = self.slots[label, mode]
            slot.fetched.append(url)
            if _sns_host_url(url):
                return self._sns_certificate
            raise OSError("the harness serves certificates for Amazon SNS URLs only")

        return fetch

    def close(self) -> None:
        """Close every store and inbox and remove the temporary directory."""
        if self._closed:
            return
        self._closed = True
        _memoise_rsa_keys(-1)
        for slot in self.slots.values():
            for resource in (slot.store, slot.inbox):
                close = getattr(resource, "close", None)
                if close is not None:
                    with contextlib.suppress(Exception):  # best effort at shutdown
                        close()
        shutil.rmtree(self.directory, ignore_errors=True)

    def _calibrate(self) -> int:
        """The deepest array the C JSON decoder reads at this stack depth."""
        scan = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
        low, high = 1, 20_000
        while low < high:
            middle = (low + high + 1) // 2
            try:
                scan("[" * middle + "]" * middle, 0)
                low = middle
            except RecursionError:
                high = middle - 1
        return low

    # -- one input ---------------------------------------------------------------------

    def one_input(self, data: bytes) -> None:
        """Run one fuzz input; raise :class:`Violation` (an ``AssertionError``) on any broken invariant."""
        library_log = logging.getLogger("webhook_receiver")
        was_disabled = library_log.disabled
        library_log.disabled = True  # rejections are logged at WARNING: thousands per second
        try:
            self._one(Choices(data), data)
        finally:
            library_log.disabled = was_disabled
            self._context = None
            self._phase = ""

    def _one(self, c: Choices, data: bytes) -> None:
        if self._depth_limit is None:
            self._depth_limit = self._calibrate()
        self.inputs += 1
        variant = c.pick(self.variants)
        slot = self.slots[variant.label, c.pick(self.modes)]
        slot.cases += 1
        slot.history.append(bytes(data))
        # The clock moves a little per input: leases (120 s) run out now and then, ttl (7 days) rarely.
        if c.chance(1, 4):
            step = c.pick((1, 1, 2, 5, 31, 121, 3600, self.ttl + 1))
            if (step > 3600 and not c.chance(1, 8)) or self.clock() + step > CLOCK_HORIZON:
                step = 1
            self.clock.advance(step)
        signed = self._signed(c, slot)
        count = 1 + (c.pick((1, 1, 2, 3)) if c.chance(1, 2) else 0)
        for index in range(count):
            if index:
                if c.chance(1, 4):
                    self.clock.advance(c.pick((1, 5, 121, 299, 301)))
                again = c.pick(("same", "same", "resign", "resign-id"))
                if again == "resign" or (again == "resign-id" and variant.sw):
                    # Signed again from the same source: a sender's retry (Mailgun draws a
                    # new token, Twitch a new message id: new events for them).
                    msg_id = self._msg_id(c) if again == "resign-id" else signed.msg_id
                    signed = self._sign(
                        slot,
                        signed.source,
                        signed.clean,
                        signed.extra,
                        msg_id,
                        self._signing_time(c),
                        signed.notes,
                    )
            if variant.handshake and c.chance(1, 4):
                self._handshake(c, slot, data, index)
                continue
            delivery = self._mutate(c, slot, signed)
            self._deliver(slot, signed, delivery, data, index)

    # -- building the signed request ---------------------------------------------------

    def _msg_id(self, c: Choices) -> str:
        if c.chance(1, 16):
            return c.pick(("msg gate", "msg,gate", "msg.gate.1", "m" * 300, "msg_" + c.bytes(8).hex()))
        return f"msg_gate{c.int(4)}"

    def _signing_time(self, c: Choices) -> float:
        now = self.clock()
        if not c.chance(1, 5):
            return now
        offset = c.pick(
            (
                1,
                -1,
                120,
                -120,
                299,
                -299,
                300,
                -300,
                301,
                -301,
                302,
                -302,
                3600,
                -3600,
                31_536_000,
                -31_536_000,
            )
        )
        if c.chance(1, 16):
            return c.pick((0.0, -5.0, 1e13, now + 0.5, now - 0.5))
        return now + offset

    def _signed(self, c: Choices, slot: Slot) -> Signed:
        variant = slot.variant
        notes: list[str] = []
        payload, extra = self._payload(c, variant)
        clean = self._encode(variant, payload)
        if variant.form:
            body = self._form_body(c, payload, notes)
        else:
            box = [payload]
            raws: dict[str, str] = {}
            if variant.provider in BATCH_IDS and c.chance(1, 4):
                box[0] = self._batch(c, variant, box[0], notes)
            if c.chance(1, 8):
                self._set_budget(c, box, notes)
            if c.chance(1, 2):
                for _ in range(c.pick((1, 1, 2, 3))):
                    self._json_mutation(c, variant, box, raws, notes)
            if variant.provider == "meta" and "meta-empty-items" not in self.features:
                _drop_empty_items(box[0])
            body = self._serialise(c, box[0], raws, notes)
        if variant.provider == "github":
            # A sender gives one body one delivery id and one event type; the pools above
            # give one body several, which is a replay with changed unsigned headers.
            digest = hashlib.sha256(body).hexdigest()
            if "github-delivery" not in self.features:
                extra["X-GitHub-Delivery"] = (
                    f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-8{digest[17:20]}-{digest[20:32]}"
                )
            if "github-event" not in self.features:
                extra["X-GitHub-Event"] = ("issues", "push", "ping")[int(digest[-2:], 16) % 3]
        msg_id = self._msg_id(c) if variant.sw else None
        return self._sign(slot, body, clean, extra, msg_id, self._signing_time(c), notes)

    def _sign(
        self,
        slot: Slot,
        source: bytes,
        clean: bytes,
        extra: dict[str, str],
        msg_id: str | None,
        at: float,
        notes: list[str],
    ) -> Signed:
        """Sign ``source`` at ``at`` with ``testing.signed_request``, exactly as a sender would.

        What no sender could sign (a form that is not one, a Mailgun body that is not an
        object, a time Twitch or SNS cannot write) is signed now, or the sample is signed
        instead, with a note. The body signed is the body sent: Mailgun, SNS and Linear
        sign inside it.
        """
        variant = slot.variant
        wr = self.wr
        # What a sender cannot sign. (Before 506e148, AwsSns.sign_request raised TypeError
        # for an unhashable "Type": tests/test_gate_new_providers.py.)
        unsignable = (
            wr.ConfigurationError,
            wr.WebhookError,
            ValueError,
            OverflowError,
            OSError,
            RecursionError,
        )
        now = self.clock()
        for body, when, note in (
            (source, at, ""),
            (source, now, "the signing time cannot be written: signed now"),
            (clean, at, "the body cannot be signed: signed the sample"),
            (clean, now, "the body and time cannot be signed: signed the sample now"),
        ):
            try:
                auth, sent = self.testing.signed_request(
                    slot.provider, body, timestamp=when, msg_id=msg_id, private_key=variant.private_key
                )
            except unsignable:
                continue
            if note:
                notes = [*notes, note]
            break
        else:  # the sample itself, now: a harness mistake
            raise Violation(f"gate harness: {variant.label}: the sample cannot be signed")
        if variant.svix:
            auth = {name.replace("webhook-", "svix-"): value for name, value in auth.items()}
        lowered = {name.lower(): value for name, value in auth.items()}
        content_type = lowered.pop("content-type", FORM if variant.form else "application/json")
        auth = {name: value for name, value in auth.items() if name.lower() != "content-type"}
        sent_extra = {name: value for name, value in extra.items() if name.lower() not in lowered}
        headers = [
            (name, _wire_text(value))
            for name, value in [("Content-Type", content_type), *sent_extra.items(), *auth.items()]
        ]
        signed_at = variant.rules.signed_time(sent, when)
        if signed_at is None:
            notes = [*notes, "the signed time cannot be read"]
        signed_id = lowered.get(variant.id_header) if variant.id_header else None
        if variant.id_header and signed_id is None:
            raise Violation(f"gate harness: {variant.label}: no {variant.id_header} in {sorted(lowered)}")
        return Signed(
            sent,
            headers,
            signed_id,
            when if signed_at is None else signed_at,
            extra,
            notes,
            source=source,
            clean=clean,
            material=variant.rules.key(sent) if variant.body_signed else b"",
            timeless=signed_at is None,
        )

    @staticmethod
    def _encode(variant: Variant, payload: Any) -> bytes:
        """A sample's payload as its sender's bytes: a form, or compact JSON."""
        if variant.form:
            return urlencode(payload, doseq=True).encode("ascii")
        return json.dumps(payload, separators=(",", ":")).encode()

    def _payload(self, c: Choices, variant: Variant) -> tuple[Any, dict[str, str]]:
        text, headers = c.pick(self.samples[variant.label])
        payload = json.loads(text)  # a fresh copy, faster than deepcopy
        extra: dict[str, str] = dict(headers)
        n = c.int(4)
        name = variant.provider
        spec = ID_FIELDS.get(name)
        if spec is not None:
            self._set_ids(c, payload, *spec)
        if not isinstance(payload, dict):
            return payload, extra
        if name == "courier":
            data = payload.get("data")
            if payload.get("type") == "message:updated" and isinstance(data, dict):
                data["id"] = f"1-gate-{n}"
                data["status"] = c.pick(COURIER_STATUSES)
        elif name == "courier-channel":
            if "recipient" in payload:
                payload["recipient"] = f"gate-{n}"
        elif name == "customerio":
            payload["messageId"] = f"msg-gate-{n}"
            if c.chance(1, 8):
                del payload["messageId"]
        elif name == "kourier":
            payload["delivery_id"] = f"gate-{n}"
            payload["status"] = c.pick(KOURIER_STATUSES)
            payload["timestamp"] = c.pick(KOURIER_TIMES)
        elif name == "xtremepush":
            properties = payload.get("properties")
            if isinstance(properties, dict):
                properties["external_message_id"] = c.pick((f"ext-gate-{n}", None))
        elif name == "stripe":
            payload["id"] = f"evt_gate_{n}"
        elif name == "github":
            extra["X-GitHub-Event"] = c.pick(("issues", "push", "ping"))
            extra["X-GitHub-Delivery"] = GUIDS[n]
        elif name == "slack":
            if "event_id" in payload:
                payload["event_id"] = f"Ev0GATE{n}"
        elif name in ("bearer", "basic", "hmac"):
            payload["id"] = f"evt_gate_{n}"
        elif variant.form:
            for sid in TWILIO_SIDS:
                if sid in payload:
                    payload[sid] = f"{sid[:2].upper()}gate{n}"
            for key, statuses in TWILIO_STATUSES.items():
                if key in payload:
                    payload[key] = c.pick(statuses)
        return payload, extra

    @staticmethod
    def _set_ids(c: Choices, root: Any, path: tuple[str | int, ...], template: str) -> None:
        """Set the field at ``path`` (where it exists) to a value from ``template``'s small pool."""
        head, rest = path[0], path[1:]
        if head == "*":
            if type(root) is list and rest:
                for item in root:
                    Harness._set_ids(c, item, rest, template)
            return
        found = (type(root) is dict and head in root) or (
            type(root) is list and type(head) is int and head < len(root)
        )
        if found:
            container: Any = root
            if rest:
                Harness._set_ids(c, container[head], rest, template)
                return
            text = template.format(n=c.int(4))
            container[head] = int(text) if type(container[head]) is int and text.isdigit() else text

    def _form_body(self, c: Choices, payload: Any, notes: list[str]) -> bytes:
        """A Twilio form from the sample's fields, with form-level mutations before signing."""
        pairs: list[tuple[str, str]] = []
        for name, value in payload.items():
            for item in value if type(value) is list else [value]:
                pairs.append((name, str(item)))
        if c.chance(1, 8):
            budget = c.pick(("1", "1", "2", "9"))
            pairs.append(("fail", budget))
            notes.append(f"fail={budget}")
        repeats = "twilio-repeated-field" in self.features
        if c.chance(1, 2):
            for _ in range(c.pick((1, 1, 2, 3))):
                kind = c.pick(("odd", "delete", "add", "repeat", "status", "many"))
                at = c.int(len(pairs))
                if kind == "odd" and pairs:
                    pairs[at] = (pairs[at][0], c.pick(FORM_VALUES))
                elif kind == "delete" and pairs:
                    del pairs[at]
                elif kind == "add":
                    key = c.pick(
                        ("MessageStatus", "CallStatus", "EventType", "type", "id", "NumMedia", "\u00e9")
                    )
                    if repeats or all(name != key for name, _ in pairs):
                        pairs.insert(c.int(len(pairs) + 1), (key, c.pick(FORM_VALUES)))
                elif kind == "repeat" and pairs and repeats:
                    # A name sent twice (its values in the order sent): another payload that
                    # signs like the same fields in another order, or without the repeat.
                    other = c.pick((*FORM_VALUES, pairs[at][1]))
                    pairs.insert(c.int(len(pairs) + 1), (pairs[at][0], other))
                elif kind == "status":
                    for key in TWILIO_STATUSES:
                        if any(name == key for name, _ in pairs):
                            pairs = [(n, c.pick(TYPE_VALUES[:20]) if n == key else v) for n, v in pairs]
                elif kind == "many":
                    tag = len(notes)  # names no other field has: no repeats
                    pairs.extend((f"Field{tag}x{i}", "x") for i in range(c.pick((100, 511, 600))))
                notes.append(f"form {kind}")
        quote_via = quote_plus if not c.chance(1, 4) else quote
        try:
            return urlencode(pairs, quote_via=quote_via).encode("ascii")
        except UnicodeEncodeError:
            return urlencode(payload, doseq=True).encode("ascii")

    def _batch(self, c: Choices, variant: Variant, first: Any, notes: list[str]) -> list[Any]:
        """A batch of 0 to 1001 events (Customer.io's limit is 1000), from the samples."""

        def events(payload: Any) -> list[Any]:
            return list(payload) if type(payload) is list else [payload]

        size = c.pick((1, 2, 2, 3, 0, 5))
        if c.chance(1, 32):
            size = c.pick((1000, 1001))
        if size <= 5:
            elements = events(first)
            while len(elements) < size:
                elements += events(self._payload(c, variant)[0])
            elements = elements[:size]
        else:
            distinct = events(first) + [e for _ in range(3) for e in events(self._payload(c, variant)[0])]
            elements = []
            for index in range(size):
                element = copy.deepcopy(distinct[index % len(distinct)])
                if isinstance(element, dict):
                    element[BATCH_IDS[variant.provider]] = f"gate-batch-{index}"
                elements.append(element)
        notes.append(f"batch of {size}")
        return elements

    def _set_budget(self, c: Choices, box: list[Any], notes: list[str]) -> None:
        budget = c.pick((1, 1, 2, 9))
        root = box[0]
        target = root[c.int(len(root))] if type(root) is list and root else root
        if type(target) is dict:
            target["fail"] = budget
            notes.append(f'"fail": {budget}')

    def _gate_type(self, key: Any, value: Any) -> Any:
        if (
            key in TYPE_KEYS
            and type(value) is str
            and "lone-surrogate-type" not in self.features
            and _has_lone_surrogate(value)
        ):
            return "\ud83d\ude00"
        return value

    def _json_mutation(
        self, c: Choices, variant: Variant, box: list[Any], raws: dict[str, str], notes: list[str]
    ) -> None:
        kind = c.pick(("odd", "delete", "add", "type", "time", "time", "deep", "number", "toplevel", "wrap"))
        places = _walk(box)
        container, key = c.pick(places)
        if kind == "odd":
            value = self._gate_type(key, copy.deepcopy(c.pick(ODD_VALUES)))
            container[key] = value
            notes.append(f"{key!r} = {str(value)[:40]!r}")
        elif kind == "delete":
            if container is not box:
                if type(container) is dict:
                    del container[key]
                else:
                    container.pop(key)
                notes.append(f"deleted {key!r}")
        elif kind == "add":
            dicts = [(p, k) for p, k in places if type(p[k]) is dict]
            if dicts:
                parent, parent_key = c.pick(dicts)
                new_key = c.pick(
                    ("fail", "type", "event", "id", "timestamp", "data", "", "\ud800", "x" * 100)
                )
                value = self._gate_type(new_key, copy.deepcopy(c.pick(ODD_VALUES)))
                parent[parent_key][new_key] = value
                notes.append(f"added {new_key!r} = {str(value)[:40]!r}")
        elif kind == "type":
            targets = [(p, k) for p, k in places if k in TYPE_KEYS and p is not box] or [
                (p, k) for p, k in places if type(p[k]) is dict
            ]
            if targets:
                parent, parent_key = c.pick(targets)
                value = self._gate_type("type", c.pick(TYPE_VALUES))
                if parent_key in TYPE_KEYS:
                    parent[parent_key] = value
                else:
                    parent[parent_key]["type" if variant.provider != "kourier" else "event"] = value
                notes.append(f"type = {value[:40]!r}")
        elif kind == "time":
            targets = [(p, k) for p, k in places if k in TIME_KEYS]
            if not targets and type(box[0]) is dict:
                targets = [(box[0], MAIN_TIME_KEY.get(variant.provider, "timestamp"))]
            if targets:
                parent, parent_key = c.pick(targets)
                value = copy.deepcopy(c.pick(EXTREME_TIMES))
                if "extreme-iso" in self.features and c.chance(1, 3):
                    value = c.pick(ISO_OFFSET_BOUNDS)
                parent[parent_key] = value
                notes.append(f"time {parent_key!r} = {value!r}"[:80])
        elif kind == "deep":
            depth = c.pick(SAFE_DEPTHS)
            if "deep-near-limit" in self.features and c.chance(1, 2) and self._depth_limit:
                depth = max(1, self._depth_limit - 40 + c.int(46))
            shape = c.pick(("[", "{", "[{"))
            if shape == "[":
                text = "[" * depth + "]" * depth
            elif shape == "{":
                text = '{"a":' * depth + "0" + "}" * depth
            else:
                half = depth // 2
                text = '[{"a":' * half + "0" + "}]" * half
            self._place(container, key, text, raws)
            notes.append(f"{key!r} nested {depth} deep ({shape})")
        elif kind == "number":
            text = c.pick(NUMBER_TEXTS)
            self._place(container, key, text, raws)
            notes.append(f"{key!r} = number {text[:20]}...({len(text)} chars)")
        elif kind == "toplevel":
            box[0] = copy.deepcopy(c.pick(TOP_LEVELS))
            notes.append(f"body = {box[0]!r}")
        else:
            box[0] = [box[0]] if c.bool() else {"data": box[0]}
            notes.append("wrapped the body")

    @staticmethod
    def _place(container: Any, key: Any, text: str, raws: dict[str, str]) -> None:
        placeholder = f"@@gate-raw-{len(raws)}@@"
        raws[placeholder] = text
        container[key] = placeholder

    def _serialise(self, c: Choices, payload: Any, raws: dict[str, str], notes: list[str]) -> bytes:
        style = c.pick(("compact", "compact", "spaces", "indent", "utf8"))
        try:
            if style == "compact":
                text = json.dumps(payload, separators=(",", ":"))
            elif style == "spaces":
                text = json.dumps(payload)
            elif style == "indent":
                text = json.dumps(payload, indent=1)
            else:
                text = json.dumps(payload, ensure_ascii=False)
        except (ValueError, RecursionError, TypeError):
            text = "null"
        for placeholder, raw in raws.items():
            text = text.replace(json.dumps(placeholder), raw, 1)
        if text.startswith("{") and text != "{}" and c.chance(1, 10):
            key = c.pick(("type", "event", "id", "fail", "data", "delivery_id", "messageId"))
            odd = json.dumps(self._gate_type(key, copy.deepcopy(c.pick(ODD_VALUES))))
            if c.bool():
                text = "{" + json.dumps(key) + ":" + odd + "," + text[1:]
            else:
                text = text[:-1] + "," + json.dumps(key) + ":" + odd + "}"
            notes.append(f"duplicate key {key!r}")
        body = text.encode("utf-8", "surrogatepass")
        if c.chance(1, 12):
            at = c.int(len(body) + 1)
            kind = c.pick(("bom", "nul", "ff", "latin1", "space", "garbage", "c0"))
            insert = {
                "bom": b"\xef\xbb\xbf",
                "nul": b"\x00",
                "ff": b"\xff",
                "latin1": b"\xe9",
                "space": b" \r\n\t",
                "garbage": b"x",
                "c0": b"\xc0\x80",
            }[kind]
            body = insert + body if kind == "bom" else body[:at] + insert + body[at:]
            notes.append(f"raw {insert!r} at {0 if kind == 'bom' else at}")
        if style != "compact":
            notes.append(f"serialised {style}")
        return body

    # -- mutating the request after signing --------------------------------------------

    def _mutate(self, c: Choices, slot: Slot, signed: Signed) -> Delivery:
        variant = slot.variant
        delivery = Delivery(
            method="POST",
            headers=[[name, value] for name, value in signed.headers],
            body=signed.body,
            form="dict",
            offset=signed.signed_at - self.clock(),
        )
        if c.chance(1, 2):
            for _ in range(c.pick((1, 1, 2, 3))):
                self._header_mutation(c, variant, delivery)
        if c.chance(1, 12):
            method = c.pick(METHODS)
            if method == "P\x00ST":
                method = c.bytes(6).decode("latin-1")
            delivery.method = method
            delivery.notes.append(f"method {method!r}")
        if c.chance(1, 12):
            self._content_type(c, delivery)
        if c.chance(1, 12):
            self._content_length(c, delivery)
        if c.chance(1, 10) or (variant.rules.mutates and c.chance(1, 5)):
            self._body_mutation(c, slot, delivery)
        delivery.form = c.pick(("dict", "dict", "pairs", "bytes"))
        for name, text, reason in delivery.marks:
            if any(header.lower() == name and text in value for header, value in delivery.headers):
                delivery.forged.append(reason)
        delivery.forged += variant.rules.problems(slot, delivery.body)
        delivery.doubts = variant.rules.doubts(slot, delivery.body)
        if delivery.body != signed.body:
            changed = variant.rules.forged(variant, signed.body, delivery.body)
            if changed is not None:
                delivery.forged.append(changed)
        age = self.clock() - signed.signed_at
        if signed.timeless:
            delivery.fresh = False
        elif variant.timestamped:
            past = variant.tolerance
            ahead = past if variant.future is None else variant.future
            delivery.fresh = -(ahead - 1) <= age <= past - 1
            if age > past + 2 or -age > ahead + 2:
                delivery.forged.append(f"signed {age:+g} s from now, outside the tolerance")
        return delivery

    def _pad_gate(self, variant: Variant, name: str, char: str) -> str | None:
        """The feature a padding of header ``name`` with ``char`` needs, if any."""
        if name in SW_IDS and variant.sw:
            return "sw-id-padding"
        if name == GITHUB_DELIVERY and variant.provider == "github":
            return "github-delivery"
        if name == GITHUB_EVENT and variant.provider == "github":
            return "github-event"
        if name in variant.signed_values and char not in OWS:
            return "nonows-time"
        return None

    def _unsigned_gate(self, variant: Variant, name: str) -> str | None:
        """The feature dropping, duplicating or replacing header ``name`` needs, if any."""
        if variant.provider == "github" and name == GITHUB_DELIVERY:
            return "github-delivery"
        if variant.provider == "github" and name == GITHUB_EVENT:
            return "github-event"
        return None

    def _allowed(self, feature: str | None) -> bool:
        return feature is None or feature in self.features

    def _header_mutation(self, c: Choices, variant: Variant, d: Delivery) -> None:
        kind = c.pick(("pad", "pad", "case", "dup", "drop", "fuzz", "entry", "entry", "unsigned", "extra"))
        if not d.headers and kind not in ("extra", "unsigned"):
            kind = "extra"
        index = c.int(len(d.headers))
        name, value = d.headers[index] if d.headers else ("", "")
        lname = name.lower()
        if kind == "pad":
            char = c.pick(PAD_CHARS)
            side = c.pick(("right", "left", "both"))
            if not self._allowed(self._pad_gate(variant, lname, char)):
                return
            padded = (char if side != "right" else "") + value + (char if side != "left" else "")
            d.headers[index][1] = padded
            d.notes.append(f"{name} padded {side} with {char!r}")
            if char not in OWS and lname in variant.signed_values:
                d.marks.append((lname, padded, f"signed value {name} padded with {char!r}"))
        elif kind == "case":
            spelled = c.pick(_spellings(name))
            d.headers[index][0] = spelled
            d.notes.append(f"{name} spelled {spelled}")
        elif kind == "dup":
            if not self._allowed(self._unsigned_gate(variant, lname)):
                return
            other = value if c.bool() else c.bytes(24).decode("latin-1")
            d.headers.insert(c.int(len(d.headers) + 1), [name if c.bool() else _spellings(name)[0], other])
            d.notes.append(f"{name} sent twice" + ("" if other == value else f" (second {other!r})"))
        elif kind == "drop":
            if not self._allowed(self._unsigned_gate(variant, lname)):
                return
            del d.headers[index]
            d.notes.append(f"{name} dropped")
        elif kind == "fuzz":
            if not self._allowed(self._unsigned_gate(variant, lname)):
                return
            if c.chance(1, 4):
                new_name = c.bytes(16).decode("latin-1")
                d.headers[index][0] = new_name
                d.notes.append(f"{name} renamed {new_name!r}")
                return
            fuzz = c.bytes(40).decode("latin-1")
            d.headers[index][1] = fuzz
            d.notes.append(f"{name} = {fuzz!r}")
            guarded = (variant.auth_header and lname == variant.auth_header.lower()) or (
                lname in variant.signed_values
            )
            if guarded and fuzz.strip(OWS) and fuzz.strip(OWS) not in value:
                d.marks.append((lname, fuzz.strip(OWS), f"{name} replaced with fuzz"))
        elif kind == "entry":
            self._entry_mutation(c, variant, d)
        elif kind == "unsigned":
            self._unsigned_mutation(c, variant, d)
        else:
            extra = c.pick(("X-Forwarded-For", "Transfer-Encoding", "X-Gate", "Authorization", "Expect", ""))
            fuzz = c.bytes(24).decode("latin-1")
            if extra == "Authorization" and variant.auth_header == "Authorization":
                extra = "X-Authorization"
            d.headers.append([extra, fuzz])
            d.notes.append(f"added {extra}: {fuzz!r}")

    def _find(self, d: Delivery, name: str) -> int | None:
        lowered = name.lower()
        for index, (header, _) in enumerate(d.headers):
            if header.lower() == lowered:
                return index
        return None

    def _entry_mutation(self, c: Choices, variant: Variant, d: Delivery) -> None:
        """Change the inside of the signature (or credential) header."""
        at = self._find(d, variant.auth_header) if variant.auth_header else None
        if at is None:
            return
        value = d.headers[at][1]
        label = variant.t_entry
        new = value
        forged = marker = ""
        if label is not None:  # Stripe, Courier, Calendly: t=<time>,<label>=<hex>; Paddle: ts=..;h1=..
            t, sep = variant.t_label, variant.entry_separator
            entries = value.split(sep)
            t_index = next((i for i, e in enumerate(entries) if e.startswith(f"{t}=")), None)
            kind = c.pick(
                (
                    "unreadable",
                    "wrong",
                    "prefix",
                    "other",
                    "stray",
                    "dup-t",
                    "t+1",
                    "t0",
                    "pad-t",
                    "spaces",
                    "upper",
                )
            )
            if kind == "unreadable":
                new = value + f"{sep}{label}=zz"
            elif kind == "wrong":
                new = value + f"{sep}{label}=" + "00" * 32
            elif kind == "prefix":
                new = f"{label}=zz{sep}" + value
            elif kind == "other":
                new = value + sep + c.pick(("v0=abcd", "foo=bar", "h2=" + "ab" * 32, "v2=" + "ab" * 32))
            elif kind == "stray":
                new = value + c.pick((sep, f" {sep} ", sep * 2))
            elif kind == "dup-t" and t_index is not None:
                new = value + sep + entries[t_index]
            elif kind in ("t+1", "t0", "pad-t") and t_index is not None:
                stamp = entries[t_index][len(t) + 1 :]
                if kind == "t+1":
                    changed = (
                        str(int(stamp) + 1)
                        if stamp.isascii() and stamp.lstrip("-").isdigit()
                        else stamp + "1"
                    )
                    forged = f"{t}= changed"
                elif kind == "t0":
                    changed = "0" + stamp
                    forged = f"{t}= changed (leading zero)"
                else:
                    char = c.pick(PAD_CHARS)
                    if char not in OWS and not self._allowed("nonows-time"):
                        return
                    changed = stamp + char if c.bool() else char + stamp
                    forged = f"{t}= padded with {char!r}" if char not in OWS else ""
                entries[t_index] = f"{t}={changed}"
                new = sep.join(entries)
                marker = f"{t}={changed}"
            elif kind == "spaces":
                new = f" {sep} ".join(entries)
            elif kind == "upper":
                new = sep.join(
                    e
                    if e.startswith(f"{t}=")
                    else e.translate(_UPPER).replace(label.translate(_UPPER) + "=", label + "=")
                    for e in entries
                )
        elif variant.sw:  # Standard Webhooks: "<version>,<base64>" entries; id and time headers
            id_name, time_name = variant.signed_values
            kind = c.pick(("unreadable", "other", "zeros", "prefix", "only-other", "new-id", "t+1", "spaces"))
            if kind == "unreadable":
                new = value + c.pick((" v1,zz==", " v1a,zz=="))
            elif kind == "other":
                new = value + c.pick((" v2,abc", " v1a,xyz", " v1,", " ,"))
            elif kind == "zeros":
                new = value + c.pick(
                    (" v1," + base64.b64encode(bytes(32)).decode(), " v1a," + "A" * 86 + "==")
                )
            elif kind == "prefix":
                new = "v1,AAAA " + value
            elif kind == "only-other":
                own = "v1a" if variant.private_key else "v1"
                entries = value.split()
                if not entries or not all(entry.startswith(own + ",") for entry in entries):
                    return
                other = "v1" if own == "v1a" else "v1a"
                new = " ".join(other + entry[len(own) :] for entry in entries)
                forged = f"every {own} signature renamed {other}"
            elif kind == "new-id":
                target = self._find(d, id_name)
                if target is not None:
                    forged_id = d.headers[target][1] = "msg_forged_" + c.bytes(4).hex()
                    d.notes.append("signed id changed")
                    d.marks.append((d.headers[target][0].lower(), forged_id, "signed id changed"))
                return
            elif kind == "t+1":
                target = self._find(d, time_name)
                if target is not None:
                    self._bump(d, target)
                return
            else:
                new = "  " + value.replace(" ", "   ") + "  "
        else:
            kind = c.pick(
                ("upper", "lower-scheme", "double-space", "strip-prefix", "t+1", "truncate", "append")
            )
            if kind == "upper":
                head, sep, tail = value.rpartition("=") if "=" in value[:8] else ("", "", value)
                new = (
                    head + sep + (tail.translate(_UPPER) if variant.auth_header != "Authorization" else tail)
                )
            elif kind == "lower-scheme" and " " in value:
                word, _, rest = value.partition(" ")
                new = word.translate(_LOWER) + " " + rest
            elif kind == "double-space" and " " in value:
                new = value.replace(" ", "  ", 1)
            elif kind == "strip-prefix" and "=" in value[:8]:
                new = value.partition("=")[2]
            elif kind == "t+1" and variant.signed_values:
                target = self._find(d, variant.signed_values[0])
                if target is not None:
                    self._bump(d, target)
                return
            elif kind == "truncate" and len(value) > 2:
                new = value[:-1]  # not labelled forged: it may have cut a padding character
            elif kind == "append":
                new = value + c.pick(("0", "=", "A"))
        if new != value:
            d.headers[at][1] = new
            d.notes.append(f"{d.headers[at][0]} entries {value!r} -> {new!r}"[:200])
            if forged:
                d.marks.append((variant.auth_header.lower(), marker or new, forged))

    @staticmethod
    def _bump(d: Delivery, target: int) -> None:
        """Change a signed timestamp header's value by one."""
        name, stamp = d.headers[target]
        bumped = str(int(stamp) + 1) if stamp.isascii() and stamp.lstrip("-").isdigit() else stamp + "1"
        d.headers[target][1] = bumped
        d.notes.append(f"signed timestamp {name} changed")
        d.marks.append((name.lower(), bumped, "signed timestamp changed"))

    def _unsigned_mutation(self, c: Choices, variant: Variant, d: Delivery) -> None:
        if variant.provider == "github":
            kind = c.pick(("delivery", "event", "hook"))
            if kind == "delivery" and self._allowed("github-delivery"):
                at = self._find(d, GITHUB_DELIVERY)
                fresh = "%08x-%04x-4%03x-8%03x-%012x" % (  # noqa: UP031 - a GUID's layout
                    c.int(2**32),
                    c.int(2**16),
                    c.int(4096),
                    c.int(4096),
                    c.int(2**32) * 65536 + c.int(65536),
                )
                if at is None:
                    d.headers.append(["X-GitHub-Delivery", fresh])
                else:
                    d.headers[at][1] = fresh
                d.notes.append(f"X-GitHub-Delivery = {fresh}")
            elif kind == "event" and self._allowed("github-event"):
                at = self._find(d, GITHUB_EVENT)
                other = c.pick(
                    ("push", "issues", "ping", "pull_request", "", "ISSUES", c.bytes(12).decode("latin-1"))
                )
                if at is None:
                    d.headers.append(["X-GitHub-Event", other])
                else:
                    d.headers[at][1] = other
                d.notes.append(f"X-GitHub-Event = {other!r}")
            elif kind == "hook":
                d.headers.append(["X-GitHub-Hook-ID", str(c.int(10**6))])
                d.notes.append("added X-GitHub-Hook-ID")
        elif variant.sw and (not variant.unsigned or c.bool()):
            svix = variant.signed_values[0].startswith("svix-")
            other = "webhook-" if svix else "svix-"
            part = c.pick(("id", "timestamp", "signature"))
            if part == "id" and svix and not self._allowed("sw-mixed-prefix"):
                return
            value = {
                "id": "msg_unsigned_" + c.bytes(4).hex(),
                "timestamp": str(int(self.clock())),
                "signature": "v1,zz",
            }[part]
            d.headers.append([other + part, value])
            d.notes.append(f"added unsigned {other}{part}: {value}")
        elif variant.unsigned:
            # A header the sender sends and nobody signs: anyone may change it, so nothing
            # it says may make a replay another event (it is never part of the key).
            name = c.pick(variant.unsigned)
            at = self._find(d, name)
            kind = c.pick(("set", "set", "drop", "dup"))
            value = c.pick(("", "gate-other", "1", c.bytes(24).decode("latin-1")))
            if kind == "drop" and at is not None:
                del d.headers[at]
            elif kind == "dup":
                d.headers.insert(c.int(len(d.headers) + 1), [name, value])
            elif at is not None:
                d.headers[at][1] = value
            else:
                d.headers.append([name, value])
            d.notes.append(f"unsigned {name} {kind} {value!r}"[:120])
        else:
            d.headers.append(["X-Request-Id", c.bytes(16).hex()])
            d.notes.append("added X-Request-Id")

    def _content_type(self, c: Choices, d: Delivery) -> None:
        at = self._find(d, "Content-Type")
        choice = c.pick((*CONTENT_TYPES, "dup", "fuzz"))
        if choice is None:
            if at is not None:
                del d.headers[at]
            d.notes.append("no Content-Type")
            return
        if choice == "dup":
            d.headers.append(["content-type", "application/json"])
        elif choice == "fuzz":
            d.headers.append(["Content-Type", c.bytes(24).decode("latin-1")])
            if at is not None:
                del d.headers[at]
        elif at is not None:
            d.headers[at][1] = choice
        else:
            d.headers.append(["Content-Type", choice])
        d.notes.append(f"Content-Type {choice!r}")

    def _content_length(self, c: Choices, d: Delivery) -> None:
        size = len(d.body)
        value = c.pick(
            (
                str(size),
                str(size + 7),
                "0",
                "-1",
                "abc",
                "9" * 40,
                str(MAX_BODY + 1),
                f" {size} ",
                "1e3",
                "\xb2",
                "+5",
            )
        )
        d.headers.append(["Content-Length", value])
        if c.chance(1, 8):
            d.headers.append(["content-length", value])
        d.notes.append(f"Content-Length {value!r}")

    def _body_mutation(self, c: Choices, slot: Slot, d: Delivery) -> None:
        """Change the body after signing: the provider's own changes (:meth:`Rules.mutate`),
        or bytes; whether that forges the request is :meth:`Rules.forged`'s to say."""
        if slot.variant.rules.mutates and c.bool():
            slot.variant.rules.mutate(c, slot, d)
            return
        body = d.body
        kind = c.pick(("flip", "truncate", "half", "space", "newline", "x", "prepend", "empty", "oversize"))
        if kind == "flip" and body:
            at = c.int(len(body))
            new = body[:at] + bytes([body[at] ^ (1 << c.int(8))]) + body[at + 1 :]
        elif kind == "truncate":
            new = body[:-1]
        elif kind == "half":
            new = body[: len(body) // 2]
        elif kind == "space":
            new = body + b" "
        elif kind == "newline":
            new = body + b"\n"
        elif kind == "x":
            new = body + b"x"
        elif kind == "prepend":
            new = b" " + body
        elif kind == "empty":
            new = b""
        else:
            new = body + b" " * (MAX_BODY + 1 - len(body))
        if new != body:
            d.body = new
            d.notes.append(f"body {kind}")

    # -- sending and checking ----------------------------------------------------------

    def _base_key(self, slot: Slot, signed: Signed, d: Delivery) -> tuple[bytes, bool]:
        """The key of what the sender signed (see "One signed event"), and whether its events
        are told apart by their payloads (a batch)."""
        variant = slot.variant
        material = signed.material if variant.body_signed else d.body
        digest = hashlib.sha256()
        for part in (slot.mode.encode(), variant.label.encode(), material, (signed.msg_id or "").encode()):
            digest.update(len(part).to_bytes(8, "little"))
            digest.update(part)
        batch = variant.batch and (
            variant.provider not in BATCH_IDS or material.lstrip(b" \t\r\n")[:1] == b"["
        )
        return digest.digest(), batch

    def _event_key(self, context: _Context | None, event: Any) -> tuple[bytes, bool]:
        """The harness's key of one event of the request being handled, and whether it is exact."""
        if context is None:
            return b"no context", False
        if not context.batch:
            return context.base, True
        element = _canonical(event.payload)
        if element is None:
            self.unkeyed += 1
            return hashlib.sha256(context.base + b"\0unkeyed").digest(), False
        return hashlib.sha256(context.base + b"\0" + element).digest(), True

    def _problem(self, invariant: str, message: str) -> None:
        self._problems.append((invariant, message))

    def _handled(self, slot: Slot, event: Any) -> None:
        """The ``on_any`` handler of every receiver: raises only on purpose (``"fail": n``)."""
        try:
            self._record(slot, event)
        except _Deliberate:
            raise
        except Exception as exc:  # a harness bug must not look like a failing handler
            self._problem("H", f"the harness's handler raised {type(exc).__name__}: {exc}"[:300])

    def _safe_event_key(self, slot: Slot, event: Any) -> str | None:
        try:
            return str(slot.receiver.event_key(event))
        except Exception:  # too deep, say: the receiver itself raised computing it
            return None

    def _record(self, slot: Slot, event: Any) -> None:
        now = self.clock()
        expected_key: str | None = None
        if slot.mode == "inbox":
            if self._phase != "worker":
                self._problem("S", f"a handler ran inside Receiver.handle in inbox mode ({event.type!r})")
                return
            try:
                expected_key = slot.receiver.event_key(event)
            except Exception as exc:
                self._problem(
                    "K",
                    f"receiver.event_key(event) raised {type(exc).__name__} ({exc})"[:200]
                    + " in a worker's handler, for an event the receiver accepted (the README tells "
                    "handlers to key effects that must not repeat on it)",
                )
            expected = slot.expected.get(expected_key) if expected_key is not None else None
            if expected is None:  # find it by equality (the key may be another, or not computable)
                for candidate_key, candidate in slot.expected.items():
                    try:
                        if candidate.event == event:
                            expected_key, expected = candidate_key, candidate
                            break
                    except RecursionError:
                        continue
            if expected is None:
                self._problem(
                    "4/5",
                    f"the worker ran a {event.type!r} event no accepted request owed a run (already "
                    "done, stored by a rejected request, or changed by the inbox round trip)",
                )
                return
            try:
                same = event == expected.event
            except RecursionError:
                same = True  # too deep to compare here; the payloads were compared by the store's key
            if not same:
                self._problem(
                    "5",
                    f"the worker's event differs from the accepted one:\n      accepted {expected.event!r}"[
                        :3000
                    ]
                    + f"\n      worker   {event!r}"[:3000],
                )
            key, tracked = expected.key, expected.tracked
        else:
            key, tracked = self._event_key(self._context, event)
        budget = _budget(event.payload)
        if budget:
            attempt = self.attempts[key] = self.attempts.get(key, 0) + 1
            if attempt <= budget:
                slot.deliberate += 1
                self._call.failed.append(event)
                failed_key = self._safe_event_key(slot, event) if slot.store is not None else None
                if failed_key is not None:
                    slot.failed[failed_key] = now
                raise _Deliberate(f"failing run {attempt} of {budget} on purpose")
        slot.runs += 1
        self._call.succeeded.append(event)
        if slot.failed:
            slot.failed.pop(self._safe_event_key(slot, event) or "", None)
        if slot.mode != "plain" and tracked:
            first = self.done.get(key)
            if first is not None and now < first + self.ttl:
                self._problem(
                    "4",
                    f"a handler ran a second time for one signed event ({event.type!r}, id {event.id!r}); "
                    f"the first run was {now - first:g} s earlier",
                )
            else:
                self.done[key] = now
        if expected_key is not None:
            slot.expected.pop(expected_key, None)
            slot.finished[expected_key] = now

    def _deliver(self, slot: Slot, signed: Signed, d: Delivery, data: bytes, index: int) -> None:
        slot.requests += 1
        base, batch = self._base_key(slot, signed, d)
        self._context = _Context(slot, base, batch)
        self._call = call = _Call()
        self._problems = []
        headers = d.wire_headers()
        slot.fetched.clear()
        self._phase = "handle"
        try:
            reply = slot.receiver.handle(d.method, headers, d.body)
        except Exception as exc:
            self._phase = ""
            raise self._violation(
                slot,
                signed,
                d,
                data,
                index,
                [("1", f"Receiver.handle raised {type(exc).__name__}: {exc}"[:500])],
            ) from exc
        self._phase = ""
        slot.statuses[reply.status] += 1
        self._check_reply(slot, d, reply, call)
        if slot.failed and reply.ok:
            self._check_retried(slot, d, headers)
        if slot.variant.fetch:
            self._check_fetches(slot, d, reply)
        if slot.mode == "inbox":
            self._drain(slot, reply)
        elif slot.mode != "plain" and reply.ok and not call.succeeded and not call.failed:
            slot.duplicates += 1
        if self._problems:
            raise self._violation(slot, signed, d, data, index, self._problems, reply)

    def _handshake(self, c: Choices, slot: Slot, data: bytes, index: int) -> None:
        """Meta's ``GET`` verification request, its query mutated (invariant G)."""
        token = str(slot.options["verify_token"])
        notes: list[str] = []
        challenge = str(1_000_000_000 + c.int(2**16))
        if c.chance(1, 4):
            challenge = c.pick(META_VERIFY_CHALLENGES)
            notes.append(f"challenge {challenge[:20]!r}")
        params = [
            ["hub.mode", "subscribe"],
            ["hub.challenge", quote(challenge, safe="")],
            ["hub.verify_token", quote(token, safe="")],
        ]
        if c.chance(1, 2):
            for _ in range(c.pick((1, 1, 2))):
                kind = c.pick(
                    (
                        "token",
                        "token",
                        "encode",
                        "drop",
                        "repeat",
                        "mode",
                        "order",
                        "plus",
                        "raw",
                        "case",
                        "empty",
                    )
                )
                at = c.int(len(params))
                if not params and kind not in ("token", "empty"):
                    continue
                if kind == "token":
                    wrong = c.pick(
                        (
                            token + "x",
                            "",
                            token.upper(),
                            token[:-1],
                            token + " ",
                            "\u00e9",
                            c.bytes(8).decode("latin-1"),
                        )
                    )
                    params.append(["hub.verify_token", quote(wrong, safe="")])
                    params = [p for p in params[:-1] if p[0] != "hub.verify_token"] + params[-1:]
                elif kind == "encode":  # the same value, every byte percent-encoded
                    params[at][1] = "".join(f"%{b:02X}" for b in unquote_plus(params[at][1]).encode())
                elif kind == "drop":
                    del params[at]
                elif kind == "repeat":
                    params.insert(c.int(len(params) + 1), [params[at][0], c.pick((params[at][1], "other"))])
                elif kind == "mode":
                    params[at] = ["hub.mode", c.pick(("unsubscribe", "", "SUBSCRIBE", "subscribe%00"))]
                elif kind == "order":
                    params.reverse()
                elif kind == "plus":
                    params[at][1] += c.pick(("+", "%20", "%2B"))
                elif kind == "raw":
                    params[at][1] = c.bytes(12).decode("latin-1")
                elif kind == "case":
                    params[at][0] = params[at][0].upper()
                else:
                    params.insert(c.int(len(params) + 1), [c.pick(("", "hub.other")), ""])
                notes.append(f"query {kind}")
        query = "&".join(f"{name}={value}" if name else value for name, value in params)
        method = c.pick(("GET", "GET", "get"))
        headers = [("User-Agent", "facebookexternalua")]
        body = c.bytes(16)
        fields = [
            (unquote_plus(name), unquote_plus(value))
            for name, _, value in (p.partition("=") for p in query.split("&"))
        ]
        token_ok = [value for name, value in fields if name == "hub.verify_token"] == [token]
        echoed = [value for name, value in fields if name == "hub.challenge"]
        slot.requests += 1
        self._call = call = _Call()
        self._problems = []
        self._context = None
        d = Delivery(method, [list(h) for h in headers], body, "pairs", 0.0, notes=notes)
        shown = Signed(b"", [], None, self.clock(), {}, [f"GET handshake, query={query!r}"])
        self._phase = "handle"
        try:
            reply = slot.receiver.handle(method, headers, body, query=query)
        except Exception as exc:
            self._phase = ""
            message = f"Receiver.handle raised {type(exc).__name__}: {exc}"[:500]
            raise self._violation(slot, shown, d, data, index, [("1", message)]) from exc
        self._phase = ""
        slot.statuses[reply.status] += 1
        error = reply.error
        if call.succeeded or call.failed or reply.events:
            self._problem("G", "a handshake ran handlers or produced events")
        if reply.status not in (200, 400, 401):
            self._problem("G", f"a handshake was answered {reply.status}")
        if (error is None) != reply.ok or (error is not None and error.status != reply.status):
            self._problem("1", f"status {reply.status} with error {error!r}")
        if error is not None and _json_text(reply.body) != {"error": error.code}:
            self._problem("1", f"the error body is {reply.body[:100]!r}, not {{'error': {error.code!r}}}")
        if reply.ok and not token_ok:
            self._problem("G", f"a verification request without the verify token was answered {reply.status}")
        if reply.ok and (
            [reply.body.decode("latin-1")] != echoed or _media_type(reply.headers) != "text/plain"
        ):
            self._problem("G", f"the challenge {echoed!r} was answered {reply.body[:60]!r}")
        if not notes and reply.status != 200:
            self._problem("G", f"Meta's own verification request was refused: {reply.status} {error!r}")
        if self._problems:
            raise self._violation(slot, shown, d, data, index, self._problems, reply)

    def _check_fetches(self, slot: Slot, d: Delivery, reply: Any) -> None:
        """Invariant C: a certificate is fetched only from an Amazon SNS URL, and a
        ``SigningCertURL`` off the allowlist is refused (401) without any fetch."""
        for url in slot.fetched:
            if not _sns_host_url(url):
                self._problem("C", f"a certificate was fetched from {url!r}, not an Amazon SNS URL")
        if d.cert_off_list:
            if slot.fetched:
                self._problem("C", f"a SigningCertURL off the allowlist was fetched: {slot.fetched!r}")
            if d.notes == [d.cert_off_list] and reply.status != 401:
                self._problem("C", f"a SigningCertURL off the allowlist was answered {reply.status}, not 401")

    def _check_reply(self, slot: Slot, d: Delivery, reply: Any, call: _Call) -> None:
        wr = self.wr
        mode = slot.mode
        error = reply.error
        if error is not None and not isinstance(error, wr.WebhookError):
            self._problem("1", f"reply.error is a {type(error).__name__}, not a WebhookError")
        if (error is None) != reply.ok:
            self._problem("1", f"status {reply.status} with error {error!r}")
        media = _media_type(reply.headers)
        if reply.ok and reply.body and media in slot.variant.answers:
            pass  # an answer the provider declares (Twitch's challenge, TwiML, Meta's challenge)
        else:
            try:
                answer = json.loads(reply.body) if reply.body or error is not None else None
            except ValueError:
                self._problem("1", f"the reply body is not JSON: {reply.body[:100]!r} ({media})")
            else:
                if error is not None and answer != {"error": error.code}:
                    self._problem("1", f"the error body is {answer!r}, not {{'error': {error.code!r}}}")
                if error is not None and error.status != reply.status:
                    self._problem("1", f"status {reply.status} for a {type(error).__name__} ({error.status})")
                if reply.body and media != "application/json":
                    self._problem("1", f"a JSON body sent as {media!r}")
        rejected = {400, 401, 405, 413, 415}
        answered = set(slot.variant.statuses)
        if mode == "inbox":
            allowed = rejected | answered | {slot.receiver.provider.accepted_status}
        else:
            allowed = (
                rejected
                | answered
                | {200}
                | ({500} if call.failed else set())
                | ({409} if mode != "plain" else set())
            )
        if reply.status not in allowed:
            detail = f" ({type(error).__name__}: {error.detail})" if error is not None else ""
            self._problem(
                "2", f"status {reply.status}{detail} is not one of {sorted(allowed)} for {mode} mode"
            )
        if reply.ok and d.forged:
            self._problem("3", f"a forged request was accepted ({reply.status}): {'; '.join(d.forged)}")
        if mode != "inbox":
            if call.failed and reply.status != 500:
                self._problem("2", f"a handler raised but the status is {reply.status}, not 500")
            if reply.status in rejected and (call.succeeded or call.failed):
                self._problem("S", f"handlers ran for a request answered {reply.status}")
            if reply.ok and [id(e) for e in call.succeeded] != [id(e) for e in reply.events]:
                self._problem(
                    "S",
                    f"the handler ran for {len(call.succeeded)} event(s), the reply has {len(reply.events)}",
                )
            if reply.ok and mode == "plain" and not reply.events:
                self._problem("S", "a 2xx reply without events")
        clean = not d.notes and not d.forged and not d.doubts and d.fresh and len(d.body) <= MAX_BODY
        if clean and reply.status in (401, 405, 413, 415):
            self._problem(
                "S", f"a request exactly as the provider signed it was refused: {reply.status} {error!r}"
            )

    def _check_retried(self, slot: Slot, d: Delivery, headers: Any) -> None:
        """Store modes: an event whose handler failed is run again by the sender's next delivery."""
        try:
            events = slot.receiver.accept(d.method, headers, d.body)
        except Exception:  # handle() answered 2xx: accept() decides the same way
            return
        for event in events:
            key = slot.receiver.event_key(event)
            failed_at = slot.failed.pop(key, None)
            if failed_at is not None:
                self._problem(
                    "L",
                    f"a {event.type!r} event whose handler failed {self.clock() - failed_at:g} s ago was "
                    "answered 2xx again without running (lost: the failed claim was not released)",
                )

    def _drain(self, slot: Slot, reply: Any) -> None:
        """Run the inbox's worker; check that what was accepted ran, as it was accepted."""
        now = self.clock()
        context = self._context
        new = 0
        if reply.ok and context is not None:
            for event in reply.events:
                try:
                    key = slot.receiver.event_key(event)
                except Exception as exc:
                    self._problem(
                        "1", f"receiver.event_key raised {type(exc).__name__} for an accepted event"
                    )
                    continue
                if key in slot.expected or key in slot.dead:
                    continue
                finished = slot.finished.get(key)
                if finished is not None and now < finished + self.ttl:
                    continue
                slot.expected[key] = _Expect(event, *self._event_key(context, event))
                new += 1
            if not new:
                slot.duplicates += 1
        self._call = _Call()
        self._phase = "worker"
        try:
            slot.worker.run_once(limit=1_000_000)
        except Exception as exc:
            self._problem("1", f"Worker.run_once raised {type(exc).__name__}: {exc}"[:500])
        finally:
            self._phase = ""
        for key, expected in list(slot.expected.items()):
            del slot.expected[key]
            budget = _budget(expected.event.payload)
            runs = self.attempts.get(expected.key, 0)
            if budget and runs >= MAX_ATTEMPTS:
                slot.dead.add(key)  # failed on purpose until the retry policy gave up
                continue
            record = slot.inbox.get(key)
            state = (
                "not stored" if record is None else f"{record.state.value}, last error {record.last_error!r}"
            )
            self._problem(
                "5", f"an accepted {expected.event.type!r} event was not run by the worker ({state})"
            )

    def _violation(
        self,
        slot: Slot,
        signed: Signed,
        d: Delivery,
        data: bytes,
        index: int,
        problems: list[tuple[str, str]],
        reply: Any = None,
    ) -> Violation:
        lines = [
            f"gate harness: {slot.variant.label} in {slot.mode} mode, delivery {index + 1} of one input:",
            *(f"  invariant {invariant}: {message}" for invariant, message in problems),
        ]
        if reply is not None:
            lines.append(f"  reply: {reply.status} {reply.body[:200]!r}")
        lines.append(f"  signed body mutations: {signed.notes}")
        lines.append(d.describe())
        lines.append(f"  clock={self.clock()!r} input=bytes.fromhex({data.hex()!r})")
        earlier = list(slot.history)[:-1]
        lines.append(
            "  reproduce (this input after the last inputs that reached this receiver):\n"
            f"    h = Harness(features={sorted(self.features)!r})\n"
            f"    for data in {[x.hex() for x in earlier]!r} + [{data.hex()!r}]:\n"
            "        h.one_input(bytes.fromhex(data))"
        )
        return Violation("\n".join(lines))

    # -- statistics --------------------------------------------------------------------

    def report(self) -> str:
        """Counts so far: cases per configuration and mode, statuses, handler runs."""
        elapsed = max(time.monotonic() - self.started, 1e-9)
        requests = sum(s.requests for s in self.slots.values())
        lines = [
            f"gate harness: {self.inputs} inputs, {requests} requests in {elapsed:.1f} s "
            f"({self.inputs / elapsed:.0f} inputs/s, {requests / elapsed:.0f} requests/s); "
            f"features: {', '.join(sorted(self.features)) or 'none'}",
            "cases (inputs) per configuration and mode:",
            f"  {'':26}" + "".join(f"{mode:>9}" for mode in self.modes),
        ]
        for variant in self.variants:
            lines.append(
                f"  {variant.label:26}"
                + "".join(f"{self.slots[variant.label, m].cases:>9}" for m in self.modes)
            )
        lines.append("statuses per mode:")
        for mode in self.modes:
            seen: Counter[int] = Counter()
            for (_, slot_mode), slot in self.slots.items():
                if slot_mode == mode:
                    seen.update(slot.statuses)
            lines.append(
                f"  {mode:8} " + ", ".join(f"{status}: {count}" for status, count in sorted(seen.items()))
            )
        lines.append(
            "handler runs per mode (succeeded / failed on purpose / duplicates answered without a run):"
        )
        for mode in self.modes:
            slots = [s for (_, m), s in self.slots.items() if m == mode]
            lines.append(
                f"  {mode:8} {sum(s.runs for s in slots)} / {sum(s.deliberate for s in slots)} / "
                f"{sum(s.duplicates for s in slots)}"
            )
        lines.append(f"events not keyed (too deep to canonicalise): {self.unkeyed}")
        return "\n".join(lines)

    def rates(self) -> dict[str, float]:
        """Inputs and requests per second so far."""
        elapsed = max(time.monotonic() - self.started, 1e-9)
        return {
            "inputs_per_s": self.inputs / elapsed,
            "requests_per_s": sum(s.requests for s in self.slots.values()) / elapsed,
        }


_DEFAULT: Harness | None = None


def one_input(data: bytes) -> None:
    """Run one fuzz input against the process-wide harness (every feature enabled).

    Raises ``AssertionError`` naming the configuration, the mode and the invariant.
    """
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Harness()
        atexit.register(_DEFAULT.close)
    _DEFAULT.one_input(data)


# ---------------------------------------------------------------------------------------
# The long run


def _split_gate_flags(argv: list[str]) -> tuple[list[str], frozenset[str] | None]:
    """Remove ``--gate-features=all|safe|a,b`` from ``argv``; return the rest and the features."""
    features: frozenset[str] | None = None
    rest: list[str] = []
    for arg in argv:
        if arg.startswith("--gate-features="):
            value = arg.split("=", 1)[1]
            if value == "all":
                features = ALL_FEATURES
            elif value == "safe":
                features = SAFE_FEATURES
            else:
                features = frozenset(filter(None, value.split(",")))
        else:
            rest.append(arg)
    return rest, features


def _flag(argv: list[str], name: str) -> float | None:
    """The value of libFuzzer flag ``-name=value`` in ``argv`` (the last one), if given."""
    found = None
    for arg in argv:
        if arg.startswith(f"-{name}="):
            with contextlib.suppress(ValueError):
                found = float(arg.split("=", 1)[1])
    return found


def _remove_when_gone(directory: str) -> int:
    """Remove ``directory`` when this process is gone, however it ends.

    libFuzzer ends ``-runs`` and ``-max_total_time`` runs, and crashes, without
    running ``atexit`` handlers; a helper process waits for the end of a pipe this
    process holds, then removes the directory. Returns the pipe's end to keep open.
    """
    read_end, write_end = os.pipe()
    code = "import os, shutil, sys; os.read(0, 1); shutil.rmtree(sys.argv[1], ignore_errors=True)"
    subprocess.Popen([sys.executable, "-c", code, directory], stdin=read_end, start_new_session=True)
    os.close(read_end)
    return write_end


def main() -> None:
    """``python -m tests.gate_harness [--gate-features=all|safe|a,b] [atheris/libFuzzer flags]``."""
    import atheris

    argv, features = _split_gate_flags(sys.argv)
    if not any(arg.startswith("-max_len=") for arg in argv):
        argv.append("-max_len=512")  # an input is a few hundred decisions; libFuzzer starts at 4 bytes
    with atheris.instrument_imports(include=["webhook_receiver"]):
        import webhook_receiver
        import webhook_receiver.testing

    harness = Harness(features=features)
    global _DEFAULT
    _DEFAULT = harness
    keep_open = _remove_when_gone(harness.directory)
    runs = _flag(argv, "runs") or _flag(argv, "atheris_runs")
    seconds = _flag(argv, "max_total_time")
    started: float | None = None  # libFuzzer's clock starts with its first input, so does ours
    reported = closed = False

    def report() -> None:
        nonlocal reported
        if not reported:
            reported = True
            print("\n" + harness.report(), file=sys.stderr, flush=True)

    def finish() -> None:
        nonlocal closed
        report()
        if not closed:
            closed = True
            harness.close()
            os.close(keep_open)

    def on_signal(signum: int, frame: object) -> None:
        if signum == signal.SIGUSR1:
            print("\n" + harness.report(), file=sys.stderr, flush=True)
            return
        finish()
        os._exit(128 + signum)

    atexit.register(finish)
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGUSR1):
        signal.signal(signum, on_signal)

    def test_one_input(data: bytes) -> None:
        nonlocal started
        if started is None:
            started = time.monotonic()
        try:
            harness.one_input(data)
        except BaseException:
            finish()
            raise
        # libFuzzer stops at -runs and -max_total_time without atexit: report as it is about to.
        if (runs and harness.inputs >= runs) or (seconds and time.monotonic() - started >= seconds):
            report()

    print(f"gate harness: {webhook_receiver.__file__}; temp files in {harness.directory}", file=sys.stderr)
    atheris.Setup(argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
