"""A coverage-guided fuzz harness over ``Receiver.handle``: every provider, every mode.

One function, :func:`one_input`, turns fuzz bytes into one to four HTTP requests and
checks the gate's invariants on each. The same function is driven by atheris (the long
run: ``python -m tests.gate_harness -atheris_runs=1000000``) and by a seeded
``random.Random`` in ``tests/test_gate_fuzz.py`` (the short run in the suite). It reads
its decisions from the bytes with :class:`Choices`; once the bytes run out every
decision takes its default, so the empty input is one clean, freshly signed request.

What one input does
-------------------
1. Picks a provider configuration (:data:`VARIANTS`: every provider, every auth
   choice: Courier, Courier channel with Basic and Bearer, Customer.io, Kourier,
   Xtremepush with Basic, Bearer, a signed key and a signed HMAC-SHA256, Stripe,
   Standard Webhooks with the ``webhook-`` and the ``svix-`` headers, GitHub, Slack,
   and the generic Bearer, Basic and base64 HMAC-with-a-timestamp ones) and a mode
   (:data:`MODES`): ``plain`` (no store), ``memory`` (``MemoryStore``), ``sqlite``
   (``SQLiteStore`` on a temporary file) or ``inbox`` (``SQLiteInbox`` on a temporary
   file, ``durability="process"``, drained with ``Worker(...).run_once()`` after
   every request). One receiver per (configuration, mode) lives as long as the
   harness, with its store or inbox, so replays meet the same store across inputs.
2. Builds a realistic body (the library's own samples, with ids, statuses and times
   drawn from small pools so that inputs collide), applies JSON-level mutations
   *before* signing (values of odd types, missing and added fields, extreme times,
   deep nesting, huge numbers, lone and paired surrogates, NUL, non-UTF-8 bytes,
   duplicate keys, other top-level values, Customer.io batches of 0 to 1001 events,
   a ``"fail": n`` field) and signs it with ``provider.sign`` / ``testing.sign`` at
   the injected clock's time plus an offset (inside and outside the tolerance).
3. Delivers it one to four times (a retry, a replay, or the same body re-signed at
   another time), each time with request-level mutations *after* signing: padding
   of header values (space, tab, ``\\xa0``, ``\\x85``, ``\\x1c``-``\\x1f``, NUL, CR,
   LF), header-name case, duplicated, dropped or fuzzed headers, extra or altered
   entries in signature headers, unsigned headers changed (GitHub's
   ``X-GitHub-Delivery`` and ``X-GitHub-Event``, the other Standard Webhooks prefix),
   headers as a ``dict``, ``(str, str)`` pairs or latin-1 ``(bytes, bytes)`` pairs,
   the method, ``Content-Type``, ``Content-Length``, and the body bytes.

Every receiver has one ``on_any`` handler. It raises (on purpose) for the first ``n``
runs of an event whose signed payload carries ``"fail": n``; otherwise it records a
successful run.

One signed event
----------------
The double-run invariant (4) needs to know when two runs are "the same event". The
harness keys its bookkeeping on what the *sender signed*, never on what the
receiver derived:

    (mode, configuration, the body bytes the signature covers, the Standard
     Webhooks message id that was signed, the event's place in a batch)

* The body is the one that was signed. For the configurations whose credentials do
  not cover the body (Bearer, Basic, a shared key: Kourier, the Courier channel,
  Xtremepush basic/bearer/signed-key, bearer, basic) any body the credentials come
  with is a new, authentic event, so the body as sent is used.
* The signing time is *not* part of the key: a request re-signed at another time is
  a sender's retry of the same event (Stripe, Svix, Courier and Slack re-sign their
  retries), and every provider identifies its events by something the time does not
  change: a body field (Stripe's ``id``, Slack's ``event_id``, Courier's message id
  and status, Customer.io's ``messageId``, Kourier's delivery fields, Xtremepush's
  ``external_message_id``, or the payload itself) or, for Standard Webhooks, the
  signed ``webhook-id``, which is therefore part of the key.
* Headers nobody signs (GitHub's ``X-GitHub-Delivery`` and ``X-GitHub-Event``, a
  second id header under the other Standard Webhooks prefix) are *not* part of the
  key: anyone who captured a request can change them, so a second run of the same
  signed body because of them is a replay that got past the store.
* An element of a Customer.io batch is told apart from the others by its canonical
  JSON (two equal elements are one event, as the receiver treats them).

A second *successful* handler run for one key in the ``memory``, ``sqlite`` or
``inbox`` mode is a failure, unless the first run is older than the stores' ``ttl``
(7 days of the injected clock; the harness moves its clock by seconds per input).

Invariants checked on every request
-----------------------------------
1. ``Receiver.handle`` (and ``Worker.run_once``) never raises; ``reply.error`` is a
   ``WebhookError`` exactly when the reply is not 2xx, with the error's status, and
   the body is ``{"error": <code>}``; a 2xx body is JSON (or empty).
2. The status is one the README's table documents for the mode: plain {200, 400,
   401, 405, 413, 415, and 500 only when a handler raised in that request}; the
   stores add 409; inbox {the provider's ``accepted_status``, 400, 401, 405, 413,
   415}. Never 503 (the harness's stores do not fail).
3. A request whose signed body or signed header values (Standard Webhooks' id and
   timestamp, Slack's and the generic HMAC's timestamp header, Stripe's and
   Courier's ``t=``) were changed after signing, or whose signed time is outside
   the 300 s tolerance, is never 2xx. Changing a signed value includes padding it
   with anything but HTTP's optional whitespace (space, tab): ``\\xa0``, ``\\x85``,
   ``\\x1c``-``\\x1f``, NUL, CR, LF make another value.
4. No handler runs twice (successfully) for one signed event in the store and inbox
   modes (see above).
5. Inbox mode: every event of an accepted request is run by the worker (or is dead
   after its ``"fail"`` budget exhausted the retry policy), and the event the
   handler receives equals the event in ``reply.events``.

And a few more, labelled by letter in failure messages:

S. Handlers run only for 2xx, 409 and 500 answers (never for a 4xx rejection, never
   inside ``handle`` in inbox mode), and for exactly the events of a 2xx reply; a
   request exactly as ``provider.sign`` made it, fresh, is never refused as
   unauthentic (401) or for its method, size or content type.
L. Store modes: an event whose handler failed (500) is run again by the sender's
   next delivery; a later 2xx that runs nothing for it means the failed claim was
   recorded as done, and the event is lost.
K. ``receiver.event_key(event)`` works inside a worker's handler for every event the
   receiver accepted (the README tells handlers to key effects on it).
H. The harness's own handler never raises except on purpose (a harness bug).

Running it
----------
``python -m tests.gate_harness [--gate-features=all|safe|name,...] [libFuzzer flags]``
(``-atheris_runs=N``, ``-max_total_time=S``, ``-jobs=N``...; ``-max_len`` defaults to
512 here). It prints the counts (inputs per configuration and mode, statuses, handler
runs) when it ends, on SIGINT or SIGTERM, and on SIGUSR1 without stopping, and removes
its temporary directory. A failure needs the harness's state as well as the crashing
input (an earlier input may be the first run of a replay): its message names the
configuration, the mode and the invariant, shows the request, and ends with a loop that
replays the last inputs that reached the same receiver.

Features
--------
Mutations that trip gate bugs known when this harness was written are behind
feature names (:data:`KNOWN_BUG_FEATURES`), so the suite can run everything else as a
regression gate and each known bug in a test of its own. The atheris run enables all
of them unless told otherwise (``--gate-features=safe``).
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import copy
import hashlib
import json
import logging
import os
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

T = TypeVar("T")

MODES: tuple[str, ...] = ("plain", "memory", "sqlite", "inbox")
"""``plain``: no store; ``memory``: ``MemoryStore``; ``sqlite``: ``SQLiteStore``; ``inbox``: ``SQLiteInbox``
(each on its own temporary file)."""

START = 1_700_000_000.0
"""Where the harness's clock starts (2023-11-14T22:13:20Z)."""
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
}
"""Mutations that trip gate bugs found in the code this harness was written against."""

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


@dataclass(frozen=True)
class Variant:
    """One provider configuration."""

    label: str
    provider: str
    options: dict[str, Any]
    body_signed: bool = False
    """The credentials cover the body bytes (an HMAC); otherwise any body is authentic."""
    timestamped: bool = False
    """A signed time checked against the tolerance."""
    auth_header: str = "Authorization"
    """The header carrying the signature or the credentials."""
    signed_values: tuple[str, ...] = ()
    """Lower-cased headers whose *values* the MAC covers (ids, timestamps)."""
    t_entry: str | None = None
    """The signature header holding ``t=<signed time>`` among its entries (Stripe, Courier)."""
    svix: bool = False
    """Standard Webhooks with the ``svix-`` header prefix."""


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


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
        "customerio", "customerio", {"secret": "gate-cio-secret"}, body_signed=True, auth_header="X-Signature"
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
        {"secret": "whsec_" + _b64("gate-standard-webhooks-key")},
        body_signed=True,
        timestamped=True,
        auth_header="webhook-signature",
        signed_values=("webhook-id", "webhook-timestamp"),
    ),
    Variant(
        "standard-webhooks/svix",
        "standard-webhooks",
        {"secret": "whsec_" + _b64("gate-standard-webhooks-key")},
        body_signed=True,
        timestamped=True,
        auth_header="svix-signature",
        signed_values=("svix-id", "svix-timestamp"),
        svix=True,
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
)
VARIANT_LABELS: tuple[str, ...] = tuple(v.label for v in VARIANTS)

# The key naming each provider's event type in its body (GitHub's is a header).
TYPE_KEYS = frozenset({"type", "event"})
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
)
MAIN_TIME_KEY = {
    "courier": "timestamp",
    "customerio": "timestamp",
    "kourier": "timestamp",
    "xtremepush": "time",
    "stripe": "created",
    "standard-webhooks": "timestamp",
    "slack": "event_time",
}
SW_IDS = frozenset({"webhook-id", "svix-id"})
GITHUB_DELIVERY = "x-github-delivery"
GITHUB_EVENT = "x-github-event"
GUIDS = (
    "72d3162e-cc78-11e3-81ab-4c9367dc0958",
    "8f4c8b2a-1c2d-11ef-9a6e-0242ac120002",
    "a1b2c3d4-0000-4000-8000-000000000001",
    "d0d0cafe-f00d-4bad-beef-0123456789ab",
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
    headers: list[tuple[str, str]]
    msg_id: str | None
    signed_at: float
    extra: dict[str, str]
    notes: list[str]


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
    """How many runs of this event the handler fails on purpose (``"fail": n``, 1 to 9)."""
    if type(payload) is dict:
        wanted = payload.get("fail")
        if type(wanted) is int and 0 < wanted < 10:
            return wanted
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
        self.ttl = float(wr.DEFAULT_TTL)
        self.clock = testing.FrozenClock(START)
        self.directory = tempfile.mkdtemp(prefix="gate-harness-")
        self.samples: dict[str, list[Any]] = {}
        self.slots: dict[tuple[str, str], Slot] = {}
        for variant in self.variants:
            self.samples.setdefault(variant.provider, self._samples_for(variant.provider))
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

    def _samples_for(self, provider: str) -> list[Any]:
        found = [s.payload for s in self.testing.samples(provider)]
        if provider in ("bearer", "basic", "hmac"):
            found.append({"event": "thing.created", "id": "evt_2", "time": "2024-09-14T14:30:00Z"})
            found.append({"type": "thing.deleted", "data": {"object": {"id": "obj_1"}}})
        return found

    def _slot(self, variant: Variant, mode: str) -> Slot:
        wr = self.wr
        provider = wr.providers.create(variant.provider, clock=self.clock, **variant.options)
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

        def on_any(event: Any) -> None:
            self._handled(slot, event)

        on_any.__qualname__ = f"gate_handler[{variant.label}/{mode}]"
        receiver.on_any(on_any)
        return slot

    def close(self) -> None:
        """Close every store and inbox and remove the temporary directory."""
        if self._closed:
            return
        self._closed = True
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
            if step > 3600 and not c.chance(1, 8):
                step = 1
            self.clock.advance(step)
        signed = self._signed(c, slot)
        count = 1 + (c.pick((1, 1, 2, 3)) if c.chance(1, 2) else 0)
        for index in range(count):
            if index:
                if c.chance(1, 4):
                    self.clock.advance(c.pick((1, 5, 121, 299, 301)))
                again = c.pick(("same", "same", "resign", "resign-id"))
                if again == "resign" or (again == "resign-id" and variant.provider == "standard-webhooks"):
                    msg_id = self._msg_id(c) if again == "resign-id" else signed.msg_id
                    signed = self._sign(
                        slot, signed.body, signed.extra, msg_id, self._signing_time(c), signed.notes
                    )
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
        box = [payload]
        raws: dict[str, str] = {}
        if variant.provider == "customerio" and c.chance(1, 4):
            box[0] = self._batch(c, variant, box[0], notes)
        if c.chance(1, 8):
            self._set_budget(c, box, notes)
        if c.chance(1, 2):
            for _ in range(c.pick((1, 1, 2, 3))):
                self._json_mutation(c, variant, box, raws, notes)
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
        msg_id = self._msg_id(c) if variant.provider == "standard-webhooks" else None
        return self._sign(slot, body, extra, msg_id, self._signing_time(c), notes)

    def _sign(
        self, slot: Slot, body: bytes, extra: dict[str, str], msg_id: str | None, at: float, notes: list[str]
    ) -> Signed:
        auth = self.testing.sign(slot.provider, body, timestamp=at, msg_id=msg_id)
        if slot.variant.svix:
            auth = {name.replace("webhook-", "svix-"): value for name, value in auth.items()}
        headers = [("Content-Type", "application/json"), *extra.items(), *auth.items()]
        return Signed(body, headers, msg_id, at, extra, notes)

    def _payload(self, c: Choices, variant: Variant) -> tuple[Any, dict[str, str]]:
        payload = copy.deepcopy(c.pick(self.samples[variant.provider]))
        extra: dict[str, str] = {}
        n = c.int(4)
        name = variant.provider
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
        return payload, extra

    def _batch(self, c: Choices, variant: Variant, first: Any, notes: list[str]) -> list[Any]:
        size = c.pick((1, 2, 2, 3, 0, 5))
        if c.chance(1, 32):
            size = c.pick((1000, 1001))
        if size <= 5:
            elements = [first] + [self._payload(c, variant)[0] for _ in range(size - 1)]
            elements = elements[:size]
        else:
            distinct = [first] + [self._payload(c, variant)[0] for _ in range(3)]
            elements = []
            for index in range(size):
                element = copy.deepcopy(distinct[index % len(distinct)])
                if isinstance(element, dict):
                    element["messageId"] = f"msg-gate-batch-{index}"
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
        if c.chance(1, 10):
            self._body_mutation(c, variant, delivery)
        delivery.form = c.pick(("dict", "dict", "pairs", "bytes"))
        for name, text, reason in delivery.marks:
            if any(header.lower() == name and text in value for header, value in delivery.headers):
                delivery.forged.append(reason)
        age = self.clock() - signed.signed_at
        if variant.timestamped:
            delivery.fresh = abs(age) <= TOLERANCE - 1
            if abs(age) > TOLERANCE + 2:
                delivery.forged.append(f"signed {age:+g} s from now, outside the tolerance")
        return delivery

    def _pad_gate(self, variant: Variant, name: str, char: str) -> str | None:
        """The feature a padding of header ``name`` with ``char`` needs, if any."""
        if name in SW_IDS and variant.provider == "standard-webhooks":
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
            guarded = lname == variant.auth_header.lower() or lname in variant.signed_values
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
        at = self._find(d, variant.auth_header)
        if at is None:
            return
        value = d.headers[at][1]
        label = variant.t_entry
        new = value
        forged = marker = ""
        if label is not None:  # Stripe and Courier: t=<time>,<label>=<hex>
            entries = value.split(",")
            t_index = next((i for i, e in enumerate(entries) if e.startswith("t=")), None)
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
                new = value + f",{label}=zz"
            elif kind == "wrong":
                new = value + f",{label}=" + "00" * 32
            elif kind == "prefix":
                new = f"{label}=zz," + value
            elif kind == "other":
                new = value + c.pick((",v0=abcd", ",foo=bar", ",v2=" + "ab" * 32))
            elif kind == "stray":
                new = value + c.pick((",", " , ", ",,"))
            elif kind == "dup-t" and t_index is not None:
                new = value + "," + entries[t_index]
            elif kind in ("t+1", "t0", "pad-t") and t_index is not None:
                stamp = entries[t_index][2:]
                if kind == "t+1":
                    changed = (
                        str(int(stamp) + 1)
                        if stamp.isascii() and stamp.lstrip("-").isdigit()
                        else stamp + "1"
                    )
                    forged = "t= changed"
                elif kind == "t0":
                    changed = "0" + stamp
                    forged = "t= changed (leading zero)"
                else:
                    char = c.pick(PAD_CHARS)
                    if char not in OWS and not self._allowed("nonows-time"):
                        return
                    changed = stamp + char if c.bool() else char + stamp
                    forged = f"t= padded with {char!r}" if char not in OWS else ""
                entries[t_index] = "t=" + changed
                new = ",".join(entries)
                marker = "t=" + changed
            elif kind == "spaces":
                new = " , ".join(entries)
            elif kind == "upper":
                new = ",".join(
                    e
                    if e.startswith("t=")
                    else e.translate(_UPPER).replace(label.translate(_UPPER) + "=", label + "=")
                    for e in entries
                )
        elif variant.provider == "standard-webhooks":
            kind = c.pick(("unreadable", "other", "zeros", "prefix", "only-other", "new-id", "t+1", "spaces"))
            if kind == "unreadable":
                new = value + " v1,zz=="
            elif kind == "other":
                new = value + c.pick((" v2,abc", " v1a,xyz", " v1,", " ,"))
            elif kind == "zeros":
                new = value + " v1," + base64.b64encode(bytes(32)).decode()
            elif kind == "prefix":
                new = "v1,AAAA " + value
            elif kind == "only-other":
                new = " ".join("v1a," + entry.partition(",")[2] for entry in value.split())
                forged = "every v1 signature renamed v1a"
            elif kind == "new-id":
                target = self._find(d, "svix-id" if variant.svix else "webhook-id")
                if target is not None:
                    forged_id = d.headers[target][1] = "msg_forged_" + c.bytes(4).hex()
                    d.notes.append("signed id changed")
                    d.marks.append((d.headers[target][0].lower(), forged_id, "signed id changed"))
                return
            elif kind == "t+1":
                target = self._find(d, "svix-timestamp" if variant.svix else "webhook-timestamp")
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
        elif variant.provider == "standard-webhooks":
            other = "webhook-" if variant.svix else "svix-"
            part = c.pick(("id", "timestamp", "signature"))
            if part == "id" and variant.svix and not self._allowed("sw-mixed-prefix"):
                return
            value = {
                "id": "msg_unsigned_" + c.bytes(4).hex(),
                "timestamp": str(int(self.clock())),
                "signature": "v1,zz",
            }[part]
            d.headers.append([other + part, value])
            d.notes.append(f"added unsigned {other}{part}: {value}")
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

    def _body_mutation(self, c: Choices, variant: Variant, d: Delivery) -> None:
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
            if variant.body_signed:
                d.forged.append(f"body changed after signing ({kind})")

    # -- sending and checking ----------------------------------------------------------

    def _base_key(self, slot: Slot, signed: Signed, d: Delivery) -> tuple[bytes, bool]:
        body = signed.body if slot.variant.body_signed else d.body
        digest = hashlib.sha256()
        for part in (slot.mode.encode(), slot.variant.label.encode(), body, (signed.msg_id or "").encode()):
            digest.update(len(part).to_bytes(8, "little"))
            digest.update(part)
        batch = slot.variant.provider == "customerio" and body.lstrip(b" \t\r\n")[:1] == b"["
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
        if slot.mode == "inbox":
            self._drain(slot, reply)
        elif slot.mode != "plain" and reply.ok and not call.succeeded and not call.failed:
            slot.duplicates += 1
        if self._problems:
            raise self._violation(slot, signed, d, data, index, self._problems, reply)

    def _check_reply(self, slot: Slot, d: Delivery, reply: Any, call: _Call) -> None:
        wr = self.wr
        mode = slot.mode
        error = reply.error
        if error is not None and not isinstance(error, wr.WebhookError):
            self._problem("1", f"reply.error is a {type(error).__name__}, not a WebhookError")
        if (error is None) != reply.ok:
            self._problem("1", f"status {reply.status} with error {error!r}")
        try:
            answer = json.loads(reply.body) if reply.body or error is not None else None
        except ValueError:
            self._problem("1", f"the reply body is not JSON: {reply.body[:100]!r}")
        else:
            if error is not None and answer != {"error": error.code}:
                self._problem("1", f"the error body is {answer!r}, not {{'error': {error.code!r}}}")
            if error is not None and error.status != reply.status:
                self._problem("1", f"status {reply.status} for a {type(error).__name__} ({error.status})")
        rejected = {400, 401, 405, 413, 415}
        if mode == "inbox":
            allowed = rejected | {slot.receiver.provider.accepted_status}
        else:
            allowed = (
                rejected | {200} | ({500} if call.failed else set()) | ({409} if mode != "plain" else set())
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
        clean = not d.notes and not d.forged and d.fresh and len(d.body) <= MAX_BODY
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
