"""A coverage-guided, differential fuzz harness of the compiled extension (``_speedups.c``).

Every compiled entry point only ever *accepts*: it returns exactly what the pure-Python
code returns, or hands the input to that code. One function, :func:`run_target`, reads
its decisions from a *provider* (``atheris.FuzzedDataProvider``, or :class:`RandomChoices`
over a seeded ``random.Random``), builds one input for one target, runs the compiled
code and the Python reference on it, and raises :class:`Mismatch` when they differ. It
returns the outcome (``"accepted"`` by the compiled code itself, ``"fallen back"`` to
Python which accepted, ``"refused"`` by Python; other names where a target has no
fallback), which the suite's short run counts (``tests/test_speedups_fuzz.py``).

Targets (:data:`TARGETS`):

* ``keyed``, ``single``, ``standard``, ``token``: ``_speedups.Verifier`` of each kind, for
  every provider the compiled path serves and some schemes configured here (SHA-1 and
  SHA-512 through ``hashlib``, SHA-256 through ``Sha256Key``, base64, ``ms``/``auto``
  and RFC 3339 timestamps, templates with the timestamp twice, signed headers besides
  it (a message id, a header signed twice, one that is the timestamp's), rotated secrets
  that expire, fractional tolerances). The request is signed for a chosen timestamp text
  (leading zeros, 16 and 17 digits, milliseconds; RFC 3339 with 0 to 9 fraction digits,
  dates and times that do not exist, offsets, the 2**53 microseconds edge) with a chosen
  secret, then mutated (names' case, Kelvin sign,
  values' bytes and whitespace, hex case, base64 padding and unused bits, repeated,
  dropped and extra headers and entries, entry counts around ``MAX_SIGNATURES``, values
  of other types) and given as a ``dict``, a list or tuple of ``str`` or ``bytes`` pairs,
  ``Headers`` over each, a dict subclass, a dict's items; the clock is put at the edges
  of the tolerance (and NaN, infinities, bools, ints beyond 2**53). ``try_fast`` must
  answer ``None`` or the ``Verified`` the scheme's ``verify`` returns; the full call must
  answer as ``verify`` does, error type, message and status included.
* ``header_values``: ``Headers.getlist`` compiled, against the Python loop; and
  ``header_selection`` (``Headers.select``) for a few names, against the Python one.
* ``environ``: ``environ_pairs`` and ``environ_dict`` against ``_headers._plan_pairs_in_python``
  and ``adapters.adapters_environ._dict_in_python``.
* ``json_fits``: against ``tests.compiled.json_fits_reference`` (the nesting read byte by
  byte, strings and escapes included, and a search for the digits), every length and
  offset, any ``depth`` and ``digits`` of at least 1; and never handing over a body that
  the pure-Python check (a count of brackets) lets orjson decode. With the usual limits,
  ``JsonDecoder`` (``decode_json`` with orjson) answers as the standard decoder.
* ``json``: the compiled decoder (``JsonDecoder`` without orjson) on JSON texts made from
  values (strings with escapes, surrogates and non-ASCII, integers around 18 and 19
  digits, floats, nesting around 100) and then mutated, and on bytes made of scraps of
  JSON: it answers exactly when the standard decoder decodes the body no deeper than
  ``_SHALLOW``, with the same value (``tests.compiled.compiled_json_problem``).
* ``sha256``: ``Sha256Key(block).mac(*parts)`` against ``hmac.new`` (keys of every length
  around the block, parts across block boundaries and past the GIL-release threshold).
* ``times``: ``TimeConverter`` (``_events.to_datetime``, ``_events._time_from_number``,
  ``_events.rfc3339_time``) against the Python functions with the compiled number
  conversion switched off.
* ``events``: ``EventBuilder`` (Kourier, Customer.io, Courier's messages) against the
  Python functions; ``each`` against the comprehension.
* ``records``: ``RecordMaker`` against the dataclasses' own ``__init__``.
* ``precheck``: ``Receiver``'s compiled precheck against a pure-Python ``Receiver``.

The long, coverage-guided run needs clang (Debian's ``clang``) and ``pip install atheris``.
Build a copy of the package's extension for libFuzzer's coverage and ASan/UBSan, then
run the harness over that copy (``PYTHONMALLOC=malloc``: CPython's own small-object
allocator would hide the buffers of short strings from ASan)::

    mkdir -p /tmp/fuzz && cp -r webhook_receiver tests /tmp/fuzz/ && cd /tmp/fuzz
    INCLUDE=$(python -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
    SUFFIX=$(python -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')
    clang -O1 -g -fno-omit-frame-pointer -fno-sanitize-recover=undefined \\
        -fsanitize=address,undefined,fuzzer-no-link -shared -fPIC -I"$INCLUDE" \\
        webhook_receiver/_speedups.c -o webhook_receiver/_speedups"$SUFFIX"
    LD_PRELOAD="$(python -c 'import atheris; print(atheris.path())')/asan_with_fuzzer.so" \\
    ASAN_OPTIONS=detect_leaks=0 PYTHONMALLOC=malloc \\
        python -m tests.speedups_fuzz --targets=keyed,single -max_total_time=300 corpus

The harness's first line names the extension it loaded: the copy's, run from the copy.

``--targets=`` (or ``SPEEDUPS_FUZZ_TARGETS``) limits the targets; without it each input's
first choice picks one. ``SPEEDUPS_FUZZ_INSTRUMENT_PY=1`` also instruments the Python code
for coverage (slower). The short, seeded run is :func:`run_seeded`.
"""

from __future__ import annotations

import base64
import calendar
import contextlib
import dataclasses
import functools
import hashlib
import hmac
import json
import math
import os
import random
import re
import struct
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from tests.compiled import (
    EVENT_KEYS,
    PRECHECK_NAMES,
    PRECHECK_VALUES,
    compiled_json_problem,
    json_fits_reference,
    same_event,
)
from tests.json_cases import json_outcome
from webhook_receiver import Headers, Receiver, _accel, _events, _headers, providers
from webhook_receiver._receiver import Reply
from webhook_receiver._schemes import (
    NOTHING_SIGNED,
    BasicAuth,
    BearerToken,
    HmacSignature,
    KeyedListSignature,
    Keyring,
    Secrets,
    SharedKey,
    StandardWebhooksSignature,
    Verified,
    compiled_checker,
)
from webhook_receiver.adapters import _environ as adapters_environ
from webhook_receiver.providers import courier, customerio, kourier
from webhook_receiver.testing import make_provider, samples

__all__ = [
    "TARGETS",
    "Mismatch",
    "RandomChoices",
    "TestOneInput",
    "main",
    "run_seeded",
    "run_target",
]

NOW = 1_700_000_000
BODY = b'{"type":"message:updated","data":{"id":"1-5e2b2615","status":"DELIVERED"}}'
KELVIN = "\u212a"  # lower-cases to "k"

TARGETS = (
    "keyed",
    "single",
    "standard",
    "token",
    "header_values",
    "environ",
    "json_fits",
    "json",
    "sha256",
    "times",
    "events",
    "records",
    "precheck",
    "reader",
)


class Mismatch(AssertionError):
    """The compiled code and the Python reference disagreed (or the compiled code crashed
    where it may only accept or decline)."""


class Choices(Protocol):
    """The part of ``atheris.FuzzedDataProvider`` the harness reads its decisions with."""

    def ConsumeIntInRange(self, low: int, high: int) -> int: ...
    def ConsumeBool(self) -> bool: ...
    def ConsumeBytes(self, count: int) -> bytes: ...
    def PickValueInList(self, values: list[Any]) -> Any: ...


class RandomChoices:
    """:class:`Choices` from a seeded ``random.Random`` (the suite's short run)."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def ConsumeIntInRange(self, low: int, high: int) -> int:
        return self._rng.randint(low, high)

    def ConsumeBool(self) -> bool:
        return self._rng.random() < 0.5

    def ConsumeBytes(self, count: int) -> bytes:
        return self._rng.randbytes(count)

    def PickValueInList(self, values: list[Any]) -> Any:
        return values[self._rng.randrange(len(values))]


def _pick(fdp: Choices, values: Sequence[Any]) -> Any:
    return values[fdp.ConsumeIntInRange(0, len(values) - 1)]


def _text(fdp: Choices, alphabet: Sequence[str], most: int) -> str:
    return "".join(_pick(fdp, alphabet) for _ in range(fdp.ConsumeIntInRange(0, most)))


def _float(fdp: Choices) -> float:
    raw = fdp.ConsumeBytes(8).ljust(8, b"\0")
    return float(struct.unpack("<d", raw)[0])


def _require(condition: bool, what: str, *details: object) -> None:
    if not condition:
        raise Mismatch(what + "".join(f"\n  {detail!r}" for detail in details))


def outcome(call: Callable[[], Any]) -> tuple[Any, ...]:
    """``("ok", value)`` or ``("raised", type, message, status)``: what a call answered."""
    try:
        return ("ok", call())
    except Exception as exc:  # every exception: compared between the two paths
        return ("raised", type(exc), str(exc), getattr(exc, "status", None))


def _same_verified(fast: Any, expected: Any) -> bool:
    if type(fast) is not Verified or type(expected) is not Verified:
        return False
    if (fast is NOTHING_SIGNED) != (expected is NOTHING_SIGNED):
        return False
    return all(
        type(getattr(fast, name)) is type(getattr(expected, name))
        and repr(getattr(fast, name)) == repr(getattr(expected, name))
        for name in ("timestamp", "signed_at", "message_id")
    )


# ------------------------------------------------------------------ the world (built once)


@dataclasses.dataclass
class Config:
    """One scheme the compiled verifier serves, and what signing for it needs."""

    label: str
    kind: str  # keyed, single, standard, token
    scheme: Any
    verifier: Any
    secrets: int  # how many secrets (or tokens) it holds


class World:
    """Everything built once: the verifiers, builders, receivers the targets use."""

    def __init__(self) -> None:
        compiled = _accel.compiled
        if compiled is None:
            raise RuntimeError("webhook_receiver._speedups is not built (or is switched off)")
        self.speedups = compiled
        self.configs: dict[str, list[Config]] = {"keyed": [], "single": [], "standard": [], "token": []}
        for name in sorted(providers.PROVIDERS):
            self._add(name, make_provider(name).scheme)
        never = math.inf
        rotations: list[tuple[str, object]] = [
            ("stripe", [_secret("whsec_old", NOW - 1), "whsec_new"]),
            ("standard-webhooks", [_secret("whsec_" + "b2xk" * 8, NOW + 0.5), "whsec_" + "bmV3" * 8]),
            ("github", ["one", _secret("two", NOW)]),
            ("bearer", [_secret("old-token", NOW - 0.25), "new token"]),
        ]
        for name, secret in rotations:
            self._add(f"{name}/rotated", make_provider(name, secret=secret).scheme)
        self._add(
            "hmac/sha512-base64-ms",
            HmacSignature(
                Keyring((b"k1", b"k2" * 40), "sha512"),
                header="X-Sig",
                encoding="base64",
                prefix="SHA512=",
                timestamp_header="X-Time",
                payload="{timestamp}|{body}|{timestamp}",
                timestamp_unit="ms",
                tolerance=0.5,
            ),
        )
        self._add(
            "hmac/sha1-auto",
            HmacSignature(
                Keyring((b"key",), "sha1"),
                header="x-s",
                timestamp_header="x-t",
                payload="{{{timestamp}}}{body}",
                timestamp_unit="auto",
                tolerance=1,
            ),
        )
        self._add(
            "hmac/no-timestamp-expiring",
            HmacSignature(
                Keyring(Secrets([b"a", b"b" * 70], [NOW, never]), "sha256"),
                header="Sig",
                encoding="base64",
                payload="pre{body}post",
            ),
        )
        self._add(
            "hmac/rfc3339-fields",
            HmacSignature(
                Keyring((b"k" * 70, b"second"), "sha256"),
                header="X-Sig",
                prefix="v=",
                timestamp_header="X-When",
                payload="{id}.{timestamp}.{{{body}}}.{id}{nonce}",
                timestamp_unit="rfc3339",
                signed_headers={"id": "X-Id", "nonce": "x-nonce"},
                message_id="id",
                tolerance=2.5,
            ),
        )
        self._add(
            "hmac/fields-no-timestamp",
            HmacSignature(
                Keyring((b"key",), "sha1"),
                header="x-s",
                encoding="base64",
                payload="{a}:{body}",
                signed_headers={"a": "X-A", "b": "X-B"},
                message_id="b",
            ),
        )
        self._add(
            "hmac/field-is-the-timestamp",
            HmacSignature(
                Keyring((b"key",), "sha256"),
                header="x-s",
                timestamp_header="X-T",
                payload="{again}{timestamp}{body}",
                timestamp_unit="rfc3339",
                signed_headers={"again": "x-t"},
            ),
        )
        self._add(
            "keyed/sha1-ms",
            KeyedListSignature(
                Keyring((b"k",), "sha1"),
                header="X-Keyed",
                entry_label="sig",
                separator=b"",
                timestamp_label="ts",
                entry_separator=";",
                timestamp_unit="ms",
                tolerance=30,
            ),
        )
        self._add(
            "keyed/sha512-auto-expiring",
            KeyedListSignature(
                Keyring(Secrets((b"a" * 200, b"b"), (NOW + 0.5, never)), "sha512"),
                header="k",
                entry_label="v1",
                separator=b".",
                timestamp_unit="auto",
                tolerance=1000.25,
            ),
        )
        self._add(
            "keyed/rfc3339",
            KeyedListSignature(
                Keyring((b"k",), "sha256"),
                header="X-Keyed",
                entry_label="v1",
                separator=b".",
                timestamp_unit="rfc3339",
                tolerance=60,
            ),
        )
        self._add(
            "standard/rfc3339",
            StandardWebhooksSignature(
                Keyring((b"s" * 24,), "sha256"), tolerance=30, timestamp_unit="rfc3339"
            ),
        )
        self._add(
            "standard/auto-two",
            StandardWebhooksSignature(
                Keyring((b"x" * 24, b"y"), "sha256"), tolerance=5, timestamp_unit="auto"
            ),
        )
        self._add(
            "standard/sha1-expiring",
            StandardWebhooksSignature(Keyring(Secrets((b"s1", b"s2"), (NOW - 10, NOW + 10)), "sha1")),
        )
        self._add(
            "token/x-auth",
            BearerToken(
                Secrets((b"tok", b"a b", b"\xc3\xa9t\xc3\xa9"), (never, NOW, never)), header="X-Auth"
            ),
        )
        self._add(
            "token/shared-key-expiring",
            SharedKey(Secrets((b"key-one", b"k\xc3\xa9y", b"old"), (never, never, NOW)), header="X-Key"),
        )
        self._add(
            "token/basic-expiring",
            BasicAuth(((b"ab", b"c"), (b"a:b", b"c"), (b"old", b"pw")), expires=(never, never, NOW)),
        )
        for kind, configs in self.configs.items():
            if not configs:
                raise RuntimeError(f"no configuration of the {kind} kind")
        self.builders: dict[str, tuple[Any, Callable[..., Any]]] = {
            "kourier": (kourier._build_event, kourier.kourier_event),
            "customerio": (customerio._build_event, customerio.customerio_event),
            "courier-message": (courier._build_message, courier._message),
        }
        self.payloads: dict[str, list[dict[str, Any]]] = {}
        for name in self.builders:
            if name == "courier-message":
                found = [
                    s.payload["data"] for s in samples("courier") if s.payload["type"] == "message:updated"
                ]
            else:
                found = []
                for item in samples(name):
                    found.extend(item.payload if isinstance(item.payload, list) else [item.payload])
            self.payloads[name] = [p for p in found if isinstance(p, dict)]
        self.record_classes: list[type] = [Reply, customerio.Track, kourier.DeliveryUpdated, Verified]
        self.record_makers = {cls: _counted_record_maker(compiled, cls) for cls in self.record_classes}
        self.library_makers = {cls: _events.constructor(cls) for cls in self.record_classes}
        self.python_makers = {cls: _events.python_constructor(cls) for cls in self.record_classes}
        provider = make_provider("stripe")
        self.receivers: list[tuple[Receiver, Receiver]] = []
        for options in (
            {},
            {"max_body_size": 1 << 20},
            {"content_types": None},
            {"methods": ["POST", "PUT"]},
            {"max_body_size": 1, "content_types": ["text/plain", "application/json"]},
        ):
            receiver = Receiver(provider, **options)  # type: ignore[arg-type]
            with _accel.pure_python():
                pure = Receiver(provider, **options)  # type: ignore[arg-type]
            if receiver._compiled_precheck is None or pure._compiled_precheck is not None:
                raise RuntimeError("the receivers are not one compiled and one pure")
            self.receivers.append((receiver, pure))
        self.time_fallbacks = 0
        self.time_converter = compiled.TimeConverter(self._counted_to_datetime, read_text=True)

    def _add(self, label: str, scheme: Any) -> None:
        verifier = compiled_checker(scheme)
        if verifier is None:
            return
        text = repr(verifier)
        kind = next(
            k
            for k, word in (
                ("keyed", "keyed list"),
                ("single", "single"),
                ("standard", "standard"),
                ("token", "token"),
            )
            if f"Verifier {word}," in text
        )
        # A token scheme (a bearer token, or basic auth's base64 pairs) by what it compiles to.
        count = len(scheme.compiled_options()["pads"]) if kind == "token" else len(scheme.keyring)
        self.configs[kind].append(Config(label, kind, scheme, verifier, count))

    def _counted_to_datetime(self, value: object) -> object:
        self.time_fallbacks += 1
        return _pure_to_datetime(value)


def _secret(value: str, until: float) -> Any:
    from webhook_receiver import Secret

    return Secret(value, expires_at=until)


def _counted_record_maker(compiled: Any, cls: type) -> tuple[Any, list[int]]:
    """A RecordMaker built as ``_events.constructor`` builds it, with a counting fallback."""
    python = _events.python_constructor(cls)
    calls = [0]

    def fallback(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return python(*args, **kwargs)

    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    ordered = [f for f in fields if not f.kw_only] + [f for f in fields if f.kw_only]
    specs = tuple(
        (f.name, bool(f.kw_only), 1, f.default)
        if f.default is not dataclasses.MISSING
        else (f.name, bool(f.kw_only), 2, f.default_factory)
        if f.default_factory is not dataclasses.MISSING
        else (f.name, bool(f.kw_only), 0, None)
        for f in ordered
    )
    return compiled.RecordMaker(cls, specs, fallback), calls


def _pure_to_datetime(value: object) -> object:
    """``_events._to_datetime`` with its number conversion the Python one, not ``TimeConverter``."""
    saved = _events._time_from_number
    _events._time_from_number = _events._time_from_number_python
    try:
        return _events._to_datetime(value)
    finally:
        _events._time_from_number = saved


_WORLD: World | None = None


def world() -> World:
    """The harness's :class:`World`, built on first use."""
    global _WORLD
    if _WORLD is None:
        _WORLD = World()
    return _WORLD


# ------------------------------------------------------------------ verifiers

# What values are edited with: OWS, what str.strip() would also take, separators, labels.
VALUE_BITS = [
    " ",
    "\t",
    "  ",
    "\xa0",
    "\x0b",
    "\x0c",
    "\r",
    "\n",
    "\x1c",
    "\x1f",
    "\x85",
    "\x00",
    ",",
    ";",
    "=",
    ".",
    "t=",
    "ts=",
    "v1=",
    "v1,",
    "v1a,",
    "v0=",
    "sha256=",
    "0",
    "9",
    "a",
    "A",
    "f",
    "F",
    "g",
    "+",
    "/",
    "-",
    "_",
    "é",
    KELVIN,
    "\U0001f600",
    "\ud800",
]
HEX = "0123456789abcdefABCDEF"
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="


RFC3339_EDGES = [
    "2024-02-29T00:00:00Z",
    "2023-02-29T00:00:00Z",
    "2100-02-29T00:00:00Z",
    "2000-02-29T12:00:00Z",
    "2023-04-31T00:00:00Z",
    "2023-12-31T23:59:59.999999999Z",
    "2023-11-14T24:00:00Z",
    "2023-11-14T23:60:00Z",
    "2023-11-14T23:59:60Z",
    "2023-13-01T00:00:00Z",
    "2023-00-10T00:00:00Z",
    "2023-11-00T00:00:00Z",
    "1970-01-01T00:00:00Z",
    "1969-12-31T23:59:59.999999Z",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999999Z",
    "2255-06-05T23:47:34.740991Z",
    "2255-06-05T23:47:34.740992Z",
    "2255-06-05T23:47:34.740993Z",
    "2023-11-14T22:13:20.Z",
    "2023-11-14T22:13:20.0000000000Z",
    "2023-11-14 22:13:20Z",
    "2023-11-14T22:13:20",
    "2023-11-14T22:13:20+00:00",
    "2023-11-14T23:13:20+01:00",
    "2023-11-14T22:13:20-00:00",
    "+2023-11-14T22:13:20Z",
    "2023-11-14T22:13:2OZ",
    "2023-1l-14T22:13:20Z",
    "\uff12023-11-14T22:13:20Z",  # a fullwidth digit
    "2023-11-14T22:13:20.\uff11Z",
]
"""RFC 3339 texts at the edges of what Python reads and what the compiled code reads."""


def _rfc3339(fdp: Choices, seconds: int) -> str:
    """``seconds`` as an RFC 3339 text as Twitch or Zendesk write it, or changed."""
    moment = datetime.fromtimestamp(seconds, UTC)
    digits = "".join(str(fdp.ConsumeIntInRange(0, 9)) for _ in range(fdp.ConsumeIntInRange(0, 9)))
    text = moment.strftime("%Y-%m-%dT%H:%M:%S") + ("." + digits if digits else "") + "Z"
    change = fdp.ConsumeIntInRange(0, 9)
    if change == 1:
        text = _pick(fdp, RFC3339_EDGES)
    elif change == 2:
        text = _pick(
            fdp, [text.lower(), text.replace("T", "t"), text.replace("Z", "z"), text[:-1] + "+00:00"]
        )
    elif change == 3:
        text = moment.strftime("%Y-%m-%dT%H:%M:%S") + "." + "9" * fdp.ConsumeIntInRange(6, 9) + "Z"
    return text


def _stamp(fdp: Choices, config: Config) -> str:
    """The timestamp text to sign: as the sender writes it, or at an edge of its reading."""
    unit = getattr(config.scheme, "_unit", "s")
    offset = _pick(fdp, [0, 0, 0, 1, -1, 299, -301, 5, -5, 1000, 10**6, -(10**6)])
    seconds = NOW + offset
    if unit == "rfc3339":
        return _rfc3339(fdp, seconds)
    text = str(seconds * 1000 + fdp.ConsumeIntInRange(0, 999)) if unit in ("ms", "auto") else str(seconds)
    if unit == "auto" and fdp.ConsumeBool():
        text = str(seconds)  # auto: seconds below 10**11
    change = fdp.ConsumeIntInRange(0, 9)
    if change == 1:
        text = "0" * fdp.ConsumeIntInRange(1, 8) + text  # leading zeros: up to 17 digits
    elif change == 2:
        text = _pick(
            fdp, ["", "0", "00", "-1", "+1700000000", "1e9", "1700000000.5", "٣", "99999999999999999"]
        )
    elif change == 3:
        text = str(fdp.ConsumeIntInRange(0, 10**17))
    elif change == 4:
        text = str(_pick(fdp, [2**53 - 1, 2**53, 2**53 + 1, 10**11 - 1, 10**11, 10**16 - 1]))
    return text


def _signed_at(config: Config, stamp: str) -> float | None:
    """The time Python reads from ``stamp`` (None when it reads none)."""
    if getattr(config.scheme, "_unit", "s") == "rfc3339":
        # What the digits claim when Python reads no time (February 29th of 2023, hour
        # 24): the clock is put there, so a compiled reading of them would be accepted.
        read = _events.rfc3339_seconds(stamp)
        return _claimed_moment(stamp) if read is None else read
    if not (stamp.isascii() and stamp.isdigit()) or len(stamp) > 16:
        return None
    value = int(stamp)
    below = config.scheme._seconds_below
    return float(value) if value < below else value / 1000


def _claimed_moment(stamp: str) -> float | None:
    """The unix time an RFC 3339-shaped text's digits add up to, whether or not it exists."""
    digits = [int(part) for part in re.findall(r"[0-9]+", stamp, re.ASCII)[:6]]
    if len(digits) < 6:
        return None
    year, month, *rest = digits
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1  # month 13 is next January
    if not 1 <= year <= 9999:
        return None
    return float(calendar.timegm((year, month, *rest, 0, 0, 0)))


def _now(fdp: Choices, config: Config, stamp: str) -> Any:
    """The clock: at the tolerance's edges around the signed time, or odd values."""
    if config.kind == "token":
        base: float = NOW
        tolerance = 1.0
    else:
        read = _signed_at(config, stamp)
        base = NOW if read is None else read
        tolerance = config.scheme.tolerance
    choice = fdp.ConsumeIntInRange(0, 15)
    if choice <= 4:
        now: Any = base + _pick(fdp, [0, 0.25, -0.25, 1, -1, 10, -10])
    elif choice <= 9:
        edge = base + _pick(fdp, [tolerance, -tolerance])
        now = _pick(
            fdp,
            [
                edge,
                math.nextafter(edge, math.inf),
                math.nextafter(edge, -math.inf),
                edge + 0.001,
                edge - 0.001,
                edge + 1,
                edge - 1,
            ],
        )
    elif choice == 10:
        now = _pick(fdp, [math.nan, math.inf, -math.inf, True, False, None, "1700000000", 10**30, -(10**30)])
    elif choice == 11:
        now = _pick(fdp, [2**53, 2**53 - 1, -(2**53), 2**63, -(2**63) - 1, NOW, NOW - 1, NOW + 1])
    elif choice == 12:
        now = _float(fdp)
    else:
        now = base
    if (
        fdp.ConsumeIntInRange(0, 3) == 0
        and isinstance(now, float)
        and math.isfinite(now)
        and now.is_integer()
    ):
        now = int(now)
    return now


def _sign(fdp: Choices, config: Config, stamp: str, body: bytes) -> list[tuple[str, str]]:
    """The request's headers, signed with a chosen secret for ``stamp`` (or made up)."""
    scheme = config.scheme
    index = fdp.ConsumeIntInRange(0, config.secrets - 1)
    forged = fdp.ConsumeIntInRange(0, 15) == 0  # a signature no secret made
    if config.kind == "token":
        options = scheme.compiled_options()
        token = options["pads"][index].decode("latin-1")
        if forged:
            token = _text(fdp, ["a", "b", " ", "t", "o", "k", "é", "=", "Yw"], 6)
        if not options["prefix"]:  # the whole value is the key
            sent = _pick(fdp, [token, token, " " + token + "\t", "Bearer " + token, token + " x"])
            return [(options["header"], sent)]
        word = _pick(fdp, [options["prefix"], options["prefix"].lower(), "Bearer", "Basic", "BASIC"])
        return [(options["header"], word + " " + token)]
    keyring = scheme.keyring
    stamp_bytes = stamp.encode("utf-8", "surrogatepass")
    if config.kind == "keyed":
        mac = keyring.mac(index, stamp_bytes + scheme._separator, body)
        text = mac.hex() if not forged else fdp.ConsumeBytes(len(mac)).hex()
        entries = [f"{scheme._timestamp_label}={stamp}", f"{scheme._entry_label}={text}"]
        if fdp.ConsumeIntInRange(0, 3) == 0:
            entries.reverse()
        return [(scheme._header, scheme._entry_separator.join(entries))]
    if config.kind == "standard":
        msg_id = _pick(fdp, ["msg_1", "msg_2p5Yh1pOaBn6Op1hDeFXP", "", " x ", "m.d", "é", "a\tb"])
        if fdp.ConsumeIntInRange(0, 7) == 0:
            msg_id = _text(fdp, ["a", "Z", "_", "-", ".", " ", "\t", "é", ",", "0"], 12)
        mac = keyring.mac(index, f"{msg_id}.{stamp}.".encode("utf-8", "surrogatepass"), body)
        if forged:
            mac = fdp.ConsumeBytes(len(mac)).ljust(len(mac), b"\0")
        prefix = "svix-" if fdp.ConsumeIntInRange(0, 3) == 0 else "webhook-"
        return [
            (prefix + "id", msg_id),
            (prefix + "timestamp", stamp),
            (prefix + "signature", "v1," + base64.b64encode(mac).decode("ascii")),
        ]
    # single: the timestamp and the other signed headers' values filled into the template
    sent: dict[str, str] = {}
    values = {"timestamp": stamp_bytes}
    for field, name in scheme._fields:
        value = _pick(fdp, ["msg-1", "25e04db5-9bde-48a1-ab12-3b41e0979d80", "", " x ", "é", "a\tb", "{}"])
        if name.lower() == scheme._timestamp_header.lower():
            value = stamp
        sent[name] = value
        values[field] = value.encode("utf-8", "surrogatepass")
    before_pieces, after_pieces = scheme._pieces
    before = b"".join(literal + (values[field] if field else b"") for literal, field in before_pieces)
    after = b"".join(literal + (values[field] if field else b"") for literal, field in after_pieces)
    mac = keyring.mac(index, before, body, after)
    if forged:
        mac = fdp.ConsumeBytes(len(mac)).ljust(len(mac), b"\0")
    text = mac.hex() if scheme._hex else base64.b64encode(mac).decode("ascii")
    pairs = [(scheme._header, scheme._prefix + text)]
    if scheme._timestamp_header:
        pairs.append((scheme._timestamp_header, stamp))
    timestamp_name = scheme._timestamp_header.lower()
    pairs += [(name, value) for name, value in sent.items() if name.lower() != timestamp_name]
    if fdp.ConsumeBool():
        pairs.reverse()
    return pairs


class Text(str):
    """A str subclass (the compiled code reads only exact str)."""


def _mutate(fdp: Choices, config: Config, pairs: list[list[Any]]) -> None:
    """One change to the headers, in place."""
    if not pairs:
        pairs.append(["X-Other", "x"])
        return
    index = fdp.ConsumeIntInRange(0, len(pairs) - 1)
    name, value = pairs[index]
    change = fdp.ConsumeIntInRange(0, 19)
    if change == 0:  # the name's case
        if isinstance(name, str):
            pairs[index][0] = _pick(fdp, [name.upper(), name.title(), name.swapcase(), name.lower()])
    elif change in (1, 2, 3) and isinstance(value, str):  # edit, insert, cut
        at = fdp.ConsumeIntInRange(0, len(value))
        bit = _pick(fdp, VALUE_BITS)
        if change == 1:
            value = value[:at] + bit + value[at + 1 :]
        elif change == 2:
            value = value[:at] + bit + value[at:]
        else:
            value = value[:at] + value[at + fdp.ConsumeIntInRange(1, 8) :]
        pairs[index][1] = value
    elif change == 4 and isinstance(value, str):  # padding around the value
        pad = _pick(fdp, [" ", "\t", " \t", "\xa0", "\x0b", "\x1c", "\r\n", "\x00"])
        pairs[index][1] = _pick(fdp, [pad + value, value + pad, pad + value + pad])
    elif change == 5:  # repeated
        pairs.append([_pick(fdp, [name, name.upper() if isinstance(name, str) else name]), value])
    elif change == 6:
        del pairs[index]
    elif change == 7 and isinstance(name, str) and "k" in name.lower():
        pairs.append([name.lower().replace("k", KELVIN, 1), value])
    elif change == 8 and isinstance(name, str) and isinstance(value, str):  # ASGI bytes
        pairs[index] = [name.lower().encode("latin-1", "replace"), value.encode("latin-1", "replace")]
    elif change == 9:  # other headers, some as long as the wanted names
        size = len(name) if isinstance(name, str | bytes) else 3
        other = _pick(fdp, ["X-Other", "content-type", "é" * size, "x" * size, ""])
        pairs.insert(fdp.ConsumeIntInRange(0, len(pairs)), [other, _pick(fdp, ["", "v", value])])
    elif change == 10:  # a value of another type
        pairs[index][1] = _pick(
            fdp, [None, 7, bytearray(str(value).encode("latin-1", "replace")), Text(value), ["v"], b"\xff"]
        )
    elif change == 11:  # a name of another type
        pairs[index][0] = _pick(fdp, [Text(str(name)), bytearray(b"x"), 7])
    elif change == 12 and isinstance(value, str):  # the signature's hex in upper case
        pairs[index][1] = value.upper() if fdp.ConsumeBool() else value.swapcase()
    elif change == 13 and isinstance(value, str):  # more entries
        pairs[index][1] = _more_entries(fdp, config, value)
    elif change == 14 and isinstance(value, str) and "=" in value:  # base64 padding and unused bits
        core = value.rstrip("=")
        pairs[index][1] = _pick(
            fdp,
            [
                core,
                core + "=",
                core + "==",
                core + "===",
                core[:-1] + "B" + "=" * (len(value) - len(core)),
                core[:-1] + "/" + value[len(core) :],
            ],
        )
    elif change == 15 and isinstance(name, str):  # the svix-/webhook- prefixes swapped
        pairs[index][0] = (
            name.replace("webhook-", "svix-") if "webhook-" in name else name.replace("svix-", "webhook-")
        )
    elif change == 16 and isinstance(value, str):  # one byte flipped in the value
        if value:
            at = fdp.ConsumeIntInRange(0, len(value) - 1)
            pairs[index][1] = (
                value[:at] + chr((ord(value[at]) ^ (1 << fdp.ConsumeIntInRange(0, 6))) or 1) + value[at + 1 :]
            )
    elif change == 17:  # the same value as another header
        pairs[index][1] = _pick(fdp, [v for _, v in pairs])
    elif change == 18 and isinstance(value, str):  # fuzz text
        pairs[index][1] = _text(fdp, VALUE_BITS + list(HEX) + list(B64), 40)
    elif change == 19 and isinstance(value, str):  # a separator run around the MAX_SIGNATURES limit
        separator = _pick(fdp, [",", ";", " ", "\t"])
        run = _pick(fdp, [62, 63, 64, 65, 66, 67, 128])
        tail = _pick(fdp, ["", "v2,x", "x=1", "v1,AAAA"])
        pairs[index][1] = value + separator * run + tail


def _more_entries(fdp: Choices, config: Config, value: str) -> str:
    """Another entry in a signature list (or a prefix change for the other kinds)."""
    if config.kind == "keyed":
        scheme = config.scheme
        sep = scheme._entry_separator
        digest = scheme.keyring.pads[0][0].digest_size
        entry = _pick(
            fdp,
            [
                f"{scheme._entry_label}={fdp.ConsumeBytes(digest).hex()}",
                f"{scheme._entry_label}={fdp.ConsumeBytes(digest // 2).hex()}",
                f"{scheme._entry_label}=zz",
                f"{scheme._timestamp_label}={NOW}",
                f"{scheme._timestamp_label}=",
                f" {scheme._entry_label} = {'ab' * digest} ",
                "v0=abc",
                "foo",
                "",
                " ",
                "=",
                "x=y=z",
            ],
        )
        at = _pick(fdp, ["end", "start"])
        return value + sep + entry if at == "end" else entry + sep + value
    if config.kind == "standard":
        entry = _pick(
            fdp,
            [
                "v1," + base64.b64encode(fdp.ConsumeBytes(32)).decode(),
                "v1," + base64.b64encode(fdp.ConsumeBytes(20)).decode(),
                "v1,",
                "v1",
                "v1a,AAAA",
                "v2,AAAA",
                "v1,AAAA=",
                "v1,====",
                "",
                ",",
            ],
        )
        sep = _pick(fdp, [" ", "\t", "  ", " \t "])
        return value + sep + entry if fdp.ConsumeBool() else entry + sep + value
    if config.kind == "token":
        return _pick(
            fdp, [value.replace(" ", "  "), value.replace(" ", "\t"), value + " x", value.split(" ")[0] + " "]
        )
    prefix = getattr(config.scheme, "_prefix", "")
    return _pick(fdp, [value[len(prefix) :], prefix.upper() + value[len(prefix) :], value + "00", value[:-2]])


def _container(fdp: Choices, pairs: list[list[Any]]) -> Any:
    """The headers in one of the containers the library takes (or an odd one)."""
    items = [tuple(pair) for pair in pairs]
    shape = fdp.ConsumeIntInRange(0, 11)

    def keyed(pair: tuple[Any, ...]) -> Any:
        name = pair[0]
        return name.decode("latin-1") if isinstance(name, bytes) and shape != 1 else name

    try:
        if shape in (0, 1):  # a dict (1: bytes names kept)
            return {keyed(pair): pair[1] for pair in items}
        if shape == 2:
            return items
        if shape == 3:
            return tuple(items)
        if shape == 4:
            return Headers(items)
        if shape == 5:
            return Headers(tuple(items))
        if shape == 6:
            return Headers({keyed(pair): pair[1] for pair in items})
        if shape == 7:
            return type("Mapping", (dict,), {})({keyed(pair): pair[1] for pair in items})
        if shape == 8:
            return {keyed(pair): pair[1] for pair in items}.items()
        if shape == 9:  # a pair that is not a tuple
            return [list(pair) if i == 0 else pair for i, pair in enumerate(items)]
        if shape == 10:  # a pair of three
            return [*items, ("x-extra", "1", "2")]
    except TypeError:  # an unhashable name: a list then
        return items
    return [("Host", "hooks.example.com"), ("Content-Type", "application/json"), *items]


def _body(fdp: Choices) -> bytes:
    choice = fdp.ConsumeIntInRange(0, 7)
    if choice <= 3:
        return BODY
    if choice == 4:
        return b""
    if choice == 5:
        return fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 300))
    if choice == 6:  # past the size where hashing releases the GIL
        return b"{" + b" " * fdp.ConsumeIntInRange(2040, 4200) + b"}"
    return fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 70))


def _verifier(fdp: Choices, kind: str) -> str:
    config = _pick(fdp, world().configs[kind])
    body = _body(fdp)
    stamp = _stamp(fdp, config)
    pairs: list[list[Any]] = [list(pair) for pair in _sign(fdp, config, stamp, body)]
    for _ in range(_pick(fdp, [0, 0, 0, 0, 1, 1, 2, 3, 5])):
        _mutate(fdp, config, pairs)
    headers = _container(fdp, pairs)
    now = _now(fdp, config, stamp)
    given: Any = body
    sent = fdp.ConsumeIntInRange(0, 9)
    if sent == 0:
        given = bytearray(body)
    elif sent == 1:
        given = memoryview(b"x" + body)[1:]
    elif sent == 2 and body:
        given = body[:-1] + bytes([body[-1] ^ 1])
    scheme, verifier = config.scheme, config.verifier
    expected = outcome(lambda: scheme.verify(headers, given, now))
    fast = outcome(lambda: verifier.try_fast(headers, given, now))
    where = (config.label, headers, given[:80], now, expected)
    _require(fast[0] == "ok", "try_fast raised", fast, *where)
    if fast[1] is not None:
        _require(expected[0] == "ok", "the compiled verifier accepted what Python refuses", fast[1], *where)
        _require(
            _same_verified(fast[1], expected[1]),
            "the compiled verifier returned another Verified",
            fast[1],
            *where,
        )
    full = outcome(lambda: verifier(headers, given, now))
    if expected[0] == "ok":
        _require(
            full[0] == "ok" and _same_verified(full[1], expected[1]),
            "the full call answered otherwise",
            full,
            *where,
        )
    else:
        _require(full == expected, "the full call raised otherwise", full, *where)
    if fast[1] is not None:
        return "accepted"
    return "fallen back" if expected[0] == "ok" else "refused"


# ------------------------------------------------------------------ header_values

HEADER_NAMES = [
    "webhook-id",
    "Webhook-Id",
    "WEBHOOK-ID",
    "webhook-i" + KELVIN,
    "x-a",
    "X-A",
    "x-" + KELVIN,
    "x-k",
    "",
    "id",
    "x-\xe9",
    "X-\xc9",
    "x" * 64,
    "X" * 65,
    "\u0130d",
]


def _header_values(fdp: Choices) -> str:
    speedups = world().speedups
    pairs: list[tuple[Any, Any]] = []
    for _ in range(fdp.ConsumeIntInRange(0, 8)):
        name: Any = _pick(fdp, HEADER_NAMES)
        if fdp.ConsumeIntInRange(0, 5) == 0:
            name = _text(fdp, ["x", "-", "A", "k", KELVIN, "é", "i", "d"], 6)
        form = fdp.ConsumeIntInRange(0, 5)
        if form == 0:
            name = name.encode("utf-8")
        elif form == 1:
            name = name.encode("latin-1", "replace")
        elif form == 2 and fdp.ConsumeBool():
            name = Text(name)
        value: Any = _pick(
            fdp, ["", " v ", "\tv\t", "v", " ", "a b", "\xe9 ", " \xa0v\xa0 ", "\x0bv", "\U0001f600 "]
        )
        vform = fdp.ConsumeIntInRange(0, 7)
        if vform == 0:
            value = value.encode("utf-8")
        elif vform == 1:
            value = _pick(fdp, [None, 7, bytearray(b" v "), Text(" t "), memoryview(b"m")])
        elif vform == 2:
            value = fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 6))
        pairs.append((name, value))
    asked: Any = _pick(fdp, HEADER_NAMES)
    if fdp.ConsumeIntInRange(0, 5) == 0:
        asked = _text(fdp, ["x", "-", "a", "K", "i", "d", "é"], 7)
    elif fdp.ConsumeIntInRange(0, 9) == 0:
        asked = Text(asked)
    shape = fdp.ConsumeIntInRange(0, 5)
    if pairs and shape == 3:  # a pair that is a list, or of three: the loop unpacks or raises
        at = fdp.ConsumeIntInRange(0, len(pairs) - 1)
        pairs[at] = _pick(fdp, [list(pairs[at]), (*pairs[at], "x"), pairs[at][:1]])  # type: ignore[call-overload]
    try:
        shaped: Any = (list, tuple, lambda p: dict(p).items(), list, lambda p: iter(list(p)), tuple)[shape](
            pairs
        )
    except TypeError:  # an unhashable name
        shaped = pairs
    compiled = outcome(lambda: speedups.header_values(shaped, asked))
    view = Headers(list(pairs))
    view._pairs = shaped
    saved, _headers._compiled_values = _headers._compiled_values, None
    try:
        expected = outcome(lambda: view.getlist(asked))
    finally:
        _headers._compiled_values = saved
    where = (pairs, asked, shape, expected)
    _require(compiled[0] == "ok", "header_values raised", compiled, *where)
    # The same headers through header_selection (Headers.select), for a few names.
    names = (*(_pick(fdp, HEADER_NAMES) for _ in range(fdp.ConsumeIntInRange(0, 3))), asked)
    selected = outcome(lambda: speedups.header_selection(shaped, names))
    saved_selection, _headers._compiled_selection = _headers._compiled_selection, None
    try:
        selected_in_python = outcome(lambda: _headers.select(shaped, names))
    finally:
        _headers._compiled_selection = saved_selection
    _require(selected[0] == "ok", "header_selection raised", selected, pairs, names, shape)
    if selected[1] is not None:
        _require(
            ("ok", selected[1]) == selected_in_python,
            "header_selection answered otherwise",
            selected,
            pairs,
            names,
            shape,
            selected_in_python,
        )
    if compiled[1] is not None:
        _require(("ok", compiled[1]) == expected, "header_values answered otherwise", compiled, *where)
        _require(
            all(type(v) is str for v in compiled[1]), "header_values gave a value that is not a str", *where
        )
        return "accepted"
    return "fallen back" if expected[0] == "ok" else "refused"


# ------------------------------------------------------------------ environ


class Truth(str):
    """A str subclass whose truth is its own."""

    def __bool__(self) -> bool:
        return self != "no"


class Missing(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "filled"


ENVIRON_KEYS = ["HTTP_HOST", "HTTP_X_A", "CONTENT_TYPE", "CONTENT_LENGTH", "HTTP_", "H", "X", "h", "HTTP_É"]


def _environ(fdp: Choices) -> str:
    speedups = world().speedups
    environ: dict[str, object] = {}
    plan: list[tuple[str, str]] = []
    for _ in range(fdp.ConsumeIntInRange(0, 10)):
        key = _pick(fdp, ENVIRON_KEYS)
        if fdp.ConsumeIntInRange(0, 4) == 0:
            key = _text(fdp, ["H", "T", "P", "_", "X", "é", "C"], 6) or "H"
        value = _pick(
            fdp,
            [
                "",
                "application/json",
                "12",
                " x ",
                "no",
                Truth("no"),
                Truth(""),
                Truth("yes"),
                None,
                12,
                b"b",
                ["l"],
            ],
        )
        if fdp.ConsumeIntInRange(0, 9) != 0:  # sometimes missing from the environ: KeyError
            environ[key] = value
        name = _pick(fdp, ["host", "x-a", "content-type", "content-length", "", "h", key.lower()])
        plan.append((key, name))
    if fdp.ConsumeBool():  # the adapters' own plan of the environ's keys
        plan = list(_headers.EnvironNames().plan(tuple(environ)))
    given: Any = environ
    shape = fdp.ConsumeIntInRange(0, 3)
    if shape == 1:
        given = type("Environ", (dict,), {})(environ)
    elif shape == 2:
        given = Missing(environ)
    frozen = tuple(plan)
    reference_environ = given
    pairs = outcome(lambda: speedups.environ_pairs(given, frozen))
    expected_pairs = outcome(lambda: _headers._plan_pairs_in_python(reference_environ, frozen))
    found = outcome(lambda: speedups.environ_dict(given, frozen))
    expected_dict = outcome(lambda: adapters_environ._dict_in_python(reference_environ, frozen))
    where = (environ, frozen, shape)
    _require(
        pairs[:3] == expected_pairs[:3], "environ_pairs answered otherwise", pairs, expected_pairs, *where
    )
    if pairs[0] == "ok":
        _require(
            all(
                a[1] is b[1] and type(a[0]) is type(b[0])
                for a, b in zip(pairs[1], expected_pairs[1], strict=True)
            ),
            "environ_pairs gave other value objects",
            *where,
        )
    _require(found[:3] == expected_dict[:3], "environ_dict answered otherwise", found, expected_dict, *where)
    if found[0] == "ok":
        _require(
            list(found[1].items()) == list(expected_dict[1].items()), "environ_dict's order differs", *where
        )
    return "accepted" if pairs[0] == "ok" else "refused"


# ------------------------------------------------------------------ json_fits


def _json_fits(fdp: Choices) -> str:
    speedups = world().speedups
    pieces = [fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 47))]
    for _ in range(fdp.ConsumeIntInRange(0, 12)):
        kind = fdp.ConsumeIntInRange(0, 5)
        if kind == 0:
            pieces.append(
                bytes([fdp.ConsumeIntInRange(0x30, 0x39)])
                * _pick(fdp, [1, 15, 16, 17, 18, 19, 20, 31, 32, 33])
            )
        elif kind == 1:
            pieces.append(_pick(fdp, [b"[", b"{", b"]", b"}"]) * fdp.ConsumeIntInRange(1, 40))
        elif kind == 2:
            pieces.append(fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 40)))
        elif kind == 3:
            pieces.append(
                _pick(fdp, [b"/", b":", b"\xb0", b"\xbf", b"\xff", b"\x00", b" ", b'"', b"a", b"\\", b'\\"'])
            )
        elif kind == 4:
            pieces.append(
                bytes(fdp.ConsumeIntInRange(0x2F, 0x3A) for _ in range(fdp.ConsumeIntInRange(1, 24)))
            )
        else:
            pieces.append(b"x" * fdp.ConsumeIntInRange(0, 200))
    body = b"".join(pieces)
    depth = _pick(fdp, [100, 100, 0, 1, 2, 3, 15, 16, 17, 31, 32, 33, 200, fdp.ConsumeIntInRange(0, 1000)])
    digits = _pick(fdp, [19, 19, 1, 2, 15, 16, 17, 18, 20, 32, 33, 40, fdp.ConsumeIntInRange(1, 64)])
    expected = json_fits_reference(body, depth, digits)
    got = speedups.json_fits(body, depth, digits)
    _require(got is expected, "json_fits answered otherwise", got, body, depth, digits)
    if depth == _events._SHALLOW and digits == len(_events._LONG_DIGITS):
        # The pure-Python check counts brackets, never fewer than they nest: whatever
        # it lets orjson decode, the compiled check does too.
        scan = body.translate(_events._SCAN)
        python = not (scan.count(b"[") > _events._SHALLOW or _events._LONG_DIGITS in scan)
        _require(got or not python, "json_fits hands over a body the Python check keeps", body)
        if _events._compiled_decoder is not None and _events._orjson is not None:
            # JsonDecoder (decode_json with orjson): the standard decoder's value or error.
            decoded = outcome(lambda: _events.decode_json(body))
            standard = outcome(lambda: _events._decode_standard(body))
            _require(decoded == standard, "JsonDecoder answered otherwise", decoded, standard, body)
    return "fits" if got else "does not fit"


# ------------------------------------------------------------------ the compiled JSON decoder

_JSON_SCRAPS = [
    b'"',
    b"\\",
    b"\\u",
    b"\\ud83d",
    b"\\ude00",
    b"\\u00e9",
    b"\\n",
    b"\\x",
    b"\xc3\xa9",
    b"\xc3",
    b"\xa9",
    b"\xed\xa0\x80",
    b"\xf0\x9f\x98\x80",
    b"\xf4\x90\x80\x80",
    b"\x00",
    b"\x1f",
    b"\x7f",
    b" ",
    b"\t",
    b"\x0b",
    b",",
    b":",
    b"[",
    b"]",
    b"{",
    b"}",
    b"-",
    b"+",
    b".",
    b"e",
    b"E",
    b"0",
    b"1" * 18,
    b"1" * 19,
    b"9" * 309,
    b"1e308",
    b"1e309",
    b"1e-400",
    b"true",
    b"fals",
    b"null",
    b"NaN",
    b"-Infinity",
]


def _json_value(fdp: Choices, depth: int = 0) -> Any:
    kind = fdp.ConsumeIntInRange(0, 9 if depth < 4 else 6)
    if kind == 0:
        return _pick(fdp, [None, True, False])
    if kind == 1:
        digits = fdp.ConsumeIntInRange(1, 25)
        value = int("9" * digits) - fdp.ConsumeIntInRange(0, 1000)
        return -value if fdp.ConsumeBool() else value
    if kind == 2:
        return _float(fdp)
    if kind in (3, 4, 5, 6):
        alphabet = [
            "a",
            "Z",
            "0",
            '"',
            "\\",
            "/",
            "\n",
            "\x00",
            "\x1f",
            "\x7f",
            "\u00e9",
            "\u20ac",
            "\U0001f600",
        ]
        text = _text(fdp, alphabet + ["\ud83d", "\ude00"] * (kind == 6), 12)
        return text * _pick(fdp, [1, 1, 1, 30])  # past the stack's buffers, at times
    if kind in (7, 8):
        return [_json_value(fdp, depth + 1) for _ in range(fdp.ConsumeIntInRange(0, 4))]
    return {
        _text(fdp, ["k", "id", "\u00e9", "x" * 30, "\\"], 3): _json_value(fdp, depth + 1)
        for _ in range(fdp.ConsumeIntInRange(0, 4))
    }


def _json_body(fdp: Choices) -> bytes:
    kind = fdp.ConsumeIntInRange(0, 3)
    if kind == 0:
        return fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 64))
    if kind == 1:
        return b"".join(_pick(fdp, _JSON_SCRAPS) for _ in range(fdp.ConsumeIntInRange(0, 24)))
    if kind == 2:
        levels = _pick(fdp, [1, 50, 99, 100, 101, 102, 200])
        opened = b"".join(_pick(fdp, [b"[", b'{"a":']) for _ in range(levels))
        closed = b"".join(
            b"]" if opening == ord("[") else b"}" for opening in reversed(opened.replace(b'{"a":', b"{"))
        )
        return opened + _pick(fdp, [b"1", b"[]", b"{}", b'"x"']) + closed
    value = _json_value(fdp)
    ascii_only = fdp.ConsumeBool()
    text = json.dumps(value, ensure_ascii=ascii_only, indent=_pick(fdp, [None, None, 1]))
    body = text.encode("utf-8", "surrogatepass")
    for _ in range(_pick(fdp, [0, 0, 1, 2])):  # a mutation or two: a scrap put in, or over a byte
        at = fdp.ConsumeIntInRange(0, len(body))
        body = body[:at] + _pick(fdp, _JSON_SCRAPS) + body[at + fdp.ConsumeIntInRange(0, 1) :]
    return body


def _json_target(fdp: Choices) -> str:
    body = _json_body(fdp)
    result, problem = compiled_json_problem(body, world().speedups)
    _require(problem is None, f"the compiled JSON decoder {problem}", body)
    if _events._compiled_decoder is not None and _events._orjson is not None:
        # decode_json with orjson: orjson, the compiled decoder or the standard one.
        decoded = json_outcome(_events.decode_json, body)
        standard = json_outcome(_events._decode_standard, body)
        _require(decoded == standard, "decode_json answered otherwise", decoded, standard, body)
    return result


# ------------------------------------------------------------------ Sha256Key


def _sha256(fdp: Choices) -> str:
    speedups = world().speedups
    if not speedups.sha256_available():
        return "unavailable"
    length = _pick(
        fdp, [0, 1, 20, 31, 32, 55, 56, 63, 64, 65, 127, 128, 129, 131, fdp.ConsumeIntInRange(0, 200)]
    )
    key = fdp.ConsumeBytes(length).ljust(length, b"k")
    block = (hashlib.sha256(key).digest() if len(key) > 64 else key).ljust(64, b"\0")
    parts: list[Any] = []
    for _ in range(fdp.ConsumeIntInRange(1, 3)):
        size = _pick(
            fdp,
            [
                0,
                1,
                55,
                56,
                57,
                63,
                64,
                65,
                119,
                120,
                127,
                128,
                129,
                1000,
                2047,
                2048,
                fdp.ConsumeIntInRange(0, 300),
            ],
        )
        data = fdp.ConsumeBytes(size)
        data = data + bytes(size - len(data))
        form = fdp.ConsumeIntInRange(0, 5)
        parts.append(bytearray(data) if form == 0 else memoryview(b"." + data)[1:] if form == 1 else data)
    made = speedups.Sha256Key(block)
    got = made.mac(*parts)
    expected = hmac.new(key, b"".join(bytes(part) for part in parts), "sha256").digest()
    _require(got == expected, "Sha256Key's HMAC differs from hmac's", key, [bytes(p)[:64] for p in parts])
    total = sum(len(part) for part in parts)
    return "without the GIL" if total >= 2048 else "with the GIL"


# ------------------------------------------------------------------ times


def _iso(fdp: Choices) -> str:
    year = _pick(fdp, ["2024", "1970", "0001", "9999", "2106", "1969", "2000", "0000", "10000", "24"])
    month = _pick(fdp, ["01", "02", "12", "13", "00", "1"])
    day = _pick(fdp, ["01", "29", "28", "31", "30", "32"])
    hms = _pick(fdp, ["00:00:00", "23:59:59", "14:31:00", "24:00:00", "23:59:60", "12:00", "12", "123456"])
    fraction = _pick(fdp, ["", ".0", ".000", ".123", ".123456", ".1234567", ".999999", ",5", "."])
    zone = _pick(
        fdp,
        [
            "Z",
            "z",
            "+00:00",
            "-00:00",
            "+00",
            "+0000",
            "+01:00",
            "",
            "+00:00:00",
            "+00:00:00.000001",
            "-05:30",
            "+23:59",
            "+24:00",
            " Z",
        ],
    )
    sep = _pick(fdp, ["T", "T", " ", "t", "_"])
    date = _pick(fdp, [f"{year}-{month}-{day}", f"{year}{month}{day}", f"{year}-W01-1", f"{year}-001"])
    text = date + sep + hms + fraction + zone if fdp.ConsumeIntInRange(0, 7) else date
    if fdp.ConsumeIntInRange(0, 3) == 0:
        at = fdp.ConsumeIntInRange(0, len(text))
        text = (
            text[:at] + _pick(fdp, [" ", "\n", "\t", "\r", "x", "é", "", "+", "T", "\x00", "٣"]) + text[at:]
        )
    return text


TIME_EDGES = [
    0,
    1,
    59,
    86_399,
    86_400,
    951_782_400,
    4_107_542_400,
    _events.MILLISECONDS_FROM - 1,
    _events.MILLISECONDS_FROM,
    1_706_160_867_123,
    2**32 * 1000 - 1,
    2**32 * 1000,
    -1,
    -(_events.MILLISECONDS_FROM),
    2**63 - 1,
    2**63,
    -(2**63),
    10**16,
    10**30,
]


def _time_value(fdp: Choices) -> Any:
    kind = fdp.ConsumeIntInRange(0, 9)
    if kind == 0:
        return _pick(fdp, TIME_EDGES) + fdp.ConsumeIntInRange(-3, 3)
    if kind == 1:
        return fdp.ConsumeIntInRange(0, 2**32 * 1000 + 10**6)
    if kind == 2:
        return fdp.ConsumeIntInRange(-(10**13), 10**20)
    if kind == 3:
        return _float(fdp)
    if kind == 4:
        return _pick(
            fdp, [True, False, None, [], {}, 1.5, math.nan, math.inf, -0.0, Text("2024-01-01T00:00:00Z")]
        )
    if kind == 5:
        digits = str(fdp.ConsumeIntInRange(0, 10**20))
        return _pick(fdp, [digits, " " + digits, digits + "\n", "0" * fdp.ConsumeIntInRange(1, 5) + digits])
    if kind == 6:
        return _text(fdp, ["2", "0", "-", "T", ":", "Z", "+", ".", " ", "é", "1"], 30)
    return _iso(fdp)


def _times(fdp: Choices) -> str:
    w = world()
    value = _time_value(fdp)
    python = _pure_to_datetime(value)
    library = _events.to_datetime(value)
    before = w.time_fallbacks
    mine = w.time_converter(value)
    fell_back = w.time_fallbacks > before
    for got in (library, mine):
        _require(
            got == python and type(got) is type(python) and repr(got) == repr(python),
            "TimeConverter answered otherwise",
            value,
            got,
            python,
        )
        if isinstance(python, datetime):
            _require(got.tzinfo is python.tzinfo and got.tzinfo is UTC, "another tzinfo", value, got)  # type: ignore[union-attr]
    if type(value) is str or fdp.ConsumeIntInRange(0, 3) == 0:
        # RFC 3339 text as Twitch signs it, or changed; or the value itself.
        text = _rfc3339(fdp, NOW + _pick(fdp, [0, 1, -(10**9), 2**32 - NOW - 1, 2**32 - NOW]))
        for given in (text, value):
            read = outcome(lambda given=given: _events.rfc3339_time(given))  # not text: TypeError
            reference = outcome(lambda given=given: _events._rfc3339_time_python(given))
            _require(
                read == reference and repr(read) == repr(reference),
                "rfc3339_time answered otherwise",
                given,
                read,
                reference,
            )
    if type(value) is int or type(value) is float:
        number = _events._time_from_number(value)
        reference = _events._time_from_number_python(value)
        _require(
            number == reference and repr(number) == repr(reference),
            "_time_from_number answered otherwise",
            value,
            number,
            reference,
        )
    if not fell_back:
        return "accepted"
    return "fallen back" if python is not None else "refused"


# ------------------------------------------------------------------ events

EVENT_VALUES: list[Any] = [
    None, "", "x", " ", "é", 0, 7, -1, 1.5, True, False, {}, {"a": 1}, [], [1],
    "created", "delivered", "in_transit", "teleported", "DELIVERED", "CLICKED", "SIMULATED", "delivered ",
    "track", "identify", "page", "screen", "group", "alias", "custom",
    "delivery.created", "delivery.updated", "delivery.cancelled", "delivery.lost",
    "2024-09-14T14:00:00Z", "2024-09-14T14:00:00.123456+00:00", "2024-09-14T14:00:00+01:00",
    "2024-09-14T14:00:00", " 2024-09-14T14:00:00Z", "1726322400", "not a time",
    1726322400, 1726322400123, 4294967295999, 4294967296000, 10**20,
]  # fmt: skip


def _payload(fdp: Choices, name: str) -> Any:
    w = world()
    payload: Any = dict(_pick(fdp, w.payloads[name]))
    for _ in range(fdp.ConsumeIntInRange(0, 4)):
        key = _pick(fdp, [*EVENT_KEYS[name], "other"])
        choice = fdp.ConsumeIntInRange(0, 5)
        if choice <= 2:
            payload[key] = _pick(fdp, EVENT_VALUES)
        elif choice == 3:
            payload[key] = _time_value(fdp)
        elif choice == 4:
            payload[key] = _text(fdp, ["a", "d", "e", "l", "i", "v", "r", "é", " ", "."], 10)
        else:
            payload.pop(key, None)
    shapes = ["dict subclass"] if name == "courier-message" else ["list", "str", "None", "dict subclass"]
    shape = _pick(fdp, ["dict"] * 8 + shapes)
    if shape == "list":
        return [payload]
    if shape == "str":
        return "{}"
    if shape == "None":
        return None
    if shape == "dict subclass":
        return type("Payload", (dict,), {})(payload)
    return payload


def _events_target(fdp: Choices) -> str:
    w = world()
    name = _pick(fdp, sorted(w.builders))
    builder, python = w.builders[name]
    if name != "courier-message" and fdp.ConsumeIntInRange(0, 4) == 0:  # each(items, where)
        items = [_payload(fdp, name) for _ in range(fdp.ConsumeIntInRange(0, 4))]
        if fdp.ConsumeBool():
            # as a body decodes: each object's keys shared across the document, not the
            # builder's own (each() reads the batch with the keys of each shape's first object)
            with contextlib.suppress(TypeError, ValueError):
                items = json.loads(json.dumps(items))
        where = _pick(fdp, ["body", "data"])
        if name == "customerio":
            expected = outcome(lambda: [python(item, where, index) for index, item in enumerate(items)])
        else:
            expected = outcome(lambda: [python(item) for item in items])
        got = outcome(lambda: builder.each(items, where))
        if name == "kourier":  # kourier's function takes no (where, index): compare the types only
            _require(
                got[0] == expected[0] or got[0] == "raised", "each answered otherwise", got, expected, items
            )
            return "each"
        _require(got[0] == expected[0], "each answered otherwise", got, expected, items)
        if got[0] == "ok":
            _require(
                len(got[1]) == len(expected[1]) and all(map(same_event, got[1], expected[1])),
                "each built other events",
                got,
                expected,
            )
        else:
            _require(got == expected, "each raised otherwise", got, expected)
        return "each"
    payload = _payload(fdp, name)
    expected = outcome(lambda: python(payload))
    fast = outcome(lambda: builder.try_fast(payload))
    _require(fast[0] == "ok", "try_fast raised", fast, payload)
    if fast[1] is not None:
        _require(
            expected[0] == "ok" and same_event(fast[1], expected[1]),
            "built another event",
            fast,
            expected,
            payload,
        )
    got = outcome(lambda: builder(payload))
    _require(got[0] == expected[0], "the builder answered otherwise", got, expected, payload)
    if got[0] == "ok":
        _require(same_event(got[1], expected[1]), "the builder built another event", got, expected, payload)
    else:
        _require(got == expected, "the builder raised otherwise", got, expected, payload)
    if fast[1] is not None:
        return "accepted"
    return "fallen back" if expected[0] == "ok" else "refused"


# ------------------------------------------------------------------ records


def _records(fdp: Choices) -> str:
    w = world()
    cls = _pick(fdp, w.record_classes)
    fields = dataclasses.fields(cls)
    positional = [f.name for f in fields if not f.kw_only]
    values = [object(), "v", 200, b"x", None, (), {"A": "b"}, 0]
    args = [_pick(fdp, values) for _ in range(fdp.ConsumeIntInRange(0, len(positional) + 1))]
    kwargs: dict[str, Any] = {}
    names = [f.name for f in fields]
    for _ in range(fdp.ConsumeIntInRange(0, len(names) + 1)):
        key = _pick(fdp, [*names, "nope", "status"])
        if fdp.ConsumeIntInRange(0, 9) == 0:
            key = Text(key)
        kwargs[key] = _pick(fdp, values)
    maker, calls = w.record_makers[cls]
    before = calls[0]
    by_class = outcome(lambda: cls(*args, **kwargs))
    expected = outcome(lambda: w.python_makers[cls](*args, **kwargs))
    got = outcome(lambda: maker(*args, **kwargs))
    library = outcome(lambda: w.library_makers[cls](*args, **kwargs))
    fell_back = calls[0] > before
    where = (cls, args, kwargs, by_class)
    _require(
        got[0] == expected[0] == by_class[0] == library[0],
        "the maker answered otherwise",
        got,
        expected,
        *where,
    )
    if got[0] == "ok":
        for made in (got[1], library[1]):
            _require(
                type(made) is cls and made == expected[1] == by_class[1],
                "the maker made another record",
                *where,
            )
            given = dict(zip(positional, args, strict=False)) | {str(k): v for k, v in kwargs.items()}
            for field in fields:
                value = given.get(field.name, field.default)
                if value is not dataclasses.MISSING:
                    _require(
                        getattr(made, field.name) is value,
                        "a field is not the value given",
                        field.name,
                        *where,
                    )
    else:
        _require(got[:2] == expected[:2] == library[:2], "the maker raised otherwise", got, expected, *where)
    if not fell_back:
        return "accepted"
    return "fallen back" if got[0] == "ok" else "refused"


# ------------------------------------------------------------------ precheck


def _precheck_outcome(receiver: Receiver, method: Any, headers: Any) -> tuple[Any, ...]:
    try:
        view = receiver.precheck(method, headers)
    except Exception as exc:
        return ("raised", type(exc), str(exc), getattr(exc, "status", None))
    return ("ok", type(view), list(view._pairs), view.content_length)


def _precheck(fdp: Choices) -> str:
    w = world()
    receiver, pure = _pick(fdp, w.receivers)
    pairs: list[tuple[Any, Any]] = [("Host", "hooks.example.com")]
    for _ in range(fdp.ConsumeIntInRange(0, 4)):
        name = _pick(
            fdp,
            PRECHECK_NAMES,
        )
        value = _pick(
            fdp,
            PRECHECK_VALUES,
        )
        if fdp.ConsumeIntInRange(0, 4) == 0:
            value = _text(fdp, ["0", "1", "9", " ", "\t", "a", "+"], 22)
        pairs.append((name, value))
    if fdp.ConsumeBool():
        pairs = [(n.lower().encode("utf-8"), v.encode("utf-8")) for n, v in pairs]
    shape = fdp.ConsumeIntInRange(0, 5)
    headers: Any
    if shape == 0:
        headers = {n if isinstance(n, str) else n.decode("latin-1"): v for n, v in pairs}
    elif shape == 1:
        headers = pairs
    elif shape == 2:
        headers = tuple(pairs)
    elif shape == 3:
        headers = type("Mapping", (dict,), {})(
            {n if isinstance(n, str) else n.decode("latin-1"): v for n, v in pairs}
        )
    elif shape == 4:
        headers = Headers(pairs)
    else:  # a view already checked, by this receiver or another
        checker = _pick(fdp, [receiver, pure, w.receivers[0][0]])
        try:
            headers = checker.precheck("POST", pairs)
        except Exception:
            headers = Headers(pairs)
    method = _pick(fdp, ["POST", "post", "GET", "PUT", "Post", "", Text("POST"), "PATCH"])
    expected = _precheck_outcome(pure, method, headers)
    fast = outcome(lambda: receiver._compiled_precheck(method, headers))  # type: ignore[misc]
    where = (method, headers, expected)
    _require(fast[0] == "ok", "the compiled precheck raised", fast, *where)
    view = fast[1]
    if view is not None and type(headers) is not Headers:
        _require(
            expected == ("ok", Headers, list(view._pairs), view.content_length)
            and view._checked_by is receiver,
            "the compiled precheck accepted otherwise",
            list(view._pairs),
            view.content_length,
            *where,
        )
    full = _precheck_outcome(receiver, method, headers)
    if type(headers) is Headers:
        # a view checked by another receiver is checked again; one checked by this one is returned as it is
        _require(
            full[0] == expected[0] or headers._checked_by is receiver,
            "precheck of a view differs",
            full,
            *where,
        )
    else:
        _require(full == expected, "the precheck answered otherwise", full, *where)
    if view is not None:
        return "accepted"
    return "fallen back" if expected[0] == "ok" else "refused"


# ------------------------------------------------------------------ reader

READER_METHODS = (
    "text",
    "required_text",
    "kind",
    "integer",
    "boolean",
    "time",
    "mapping",
    "raw",
    "child",
    "element",
)


def _reader_value(fdp: Choices, depth: int = 0) -> Any:
    choice = fdp.ConsumeIntInRange(0, 7)
    if choice <= 3 or depth >= 2:
        return _pick(fdp, EVENT_VALUES)
    if choice == 4:
        return _time_value(fdp)
    if choice == 5:
        return _text(fdp, ["a", "1", ".", "é", " ", "0", "-"], 8)
    return _reader_object(fdp, depth + 1)


def _reader_object(fdp: Choices, depth: int = 0) -> Any:
    found = {
        _pick(fdp, ["a", "b", "c"]): _reader_value(fdp, depth) for _ in range(fdp.ConsumeIntInRange(0, 3))
    }
    return type("Payload", (dict,), {})(found) if fdp.ConsumeIntInRange(0, 9) == 0 else found


def _reader_target(fdp: Choices) -> str:
    """The compiled Reader against the Python one: the same values, the same errors."""
    data = _reader_object(fdp) if fdp.ConsumeIntInRange(0, 9) else _reader_value(fdp)
    where = _pick(fdp, ["body", "body.data", "", "é"])
    index = _pick(fdp, [None, None, 0, 7, -1])
    form = fdp.ConsumeIntInRange(0, 2)  # positional, index by keyword, all by keyword

    def make(cls: Any) -> Any:
        if form == 0:
            return cls(data, where, index)
        return cls(data, where, index=index) if form == 1 else cls(data=data, where=where, index=index)

    fast_made = outcome(lambda: make(_events.Reader))
    slow_made = outcome(lambda: make(_events.PythonReader))
    _require(fast_made[0] == slow_made[0], "Reader() answered otherwise", fast_made, slow_made, data)
    if fast_made[0] != "ok":
        _require(fast_made == slow_made, "Reader() raised otherwise", fast_made, slow_made, data)
        return "refused"
    fast, slow = fast_made[1], slow_made[1]
    result = "served"
    for _ in range(fdp.ConsumeIntInRange(1, 6)):
        method = _pick(fdp, READER_METHODS)
        key = _pick(fdp, ["a", "b", "c", "z"])
        arguments: tuple[Any, ...] = (key,)
        if method == "element":  # a field's value (an object or not) as element of an array
            arguments = (slow.data.get(key) if isinstance(slow.data, dict) else None, key, _pick(fdp, [0, 3]))
        got = outcome(functools.partial(getattr(fast, method), *arguments))
        expected = outcome(functools.partial(getattr(slow, method), *arguments))
        _require(got[0] == expected[0], f"{method} answered otherwise", got, expected, data)
        if got[0] != "ok":
            _require(got == expected, f"{method} raised otherwise", got, expected, data)
            result = "refused"
            continue
        if method in ("child", "element"):
            _require(
                got[1].where == expected[1].where and got[1].data == expected[1].data,
                f"{method} named or read otherwise",
                got[1].where,
                expected[1].where,
                data,
            )
            fast, slow = got[1], expected[1]
        else:
            value, reference = got[1], expected[1]
            equal = value is reference or (
                type(value) is type(reference)
                and (value == reference or (value != value and reference != reference))
            )
            _require(equal, f"{method} read otherwise", got, expected, data)
    return result


# ------------------------------------------------------------------ entry points

RUNNERS: dict[str, Callable[[Choices], str]] = {
    "keyed": lambda fdp: _verifier(fdp, "keyed"),
    "single": lambda fdp: _verifier(fdp, "single"),
    "standard": lambda fdp: _verifier(fdp, "standard"),
    "token": lambda fdp: _verifier(fdp, "token"),
    "header_values": _header_values,
    "environ": _environ,
    "json_fits": _json_fits,
    "json": _json_target,
    "sha256": _sha256,
    "times": _times,
    "events": _events_target,
    "records": _records,
    "precheck": _precheck,
    "reader": _reader_target,
}


def run_target(target: str, fdp: Choices) -> str:
    """One input for ``target``: its outcome, or :class:`Mismatch` raised."""
    return RUNNERS[target](fdp)


_ACTIVE: tuple[str, ...] = TARGETS


def TestOneInput(data: bytes) -> None:
    """atheris' entry point: one input for one of the active targets."""
    import atheris

    fdp = atheris.FuzzedDataProvider(data)
    target = _ACTIVE[0] if len(_ACTIVE) == 1 else _ACTIVE[fdp.ConsumeIntInRange(0, len(_ACTIVE) - 1)]
    run_target(target, fdp)


def run_seeded(seed: int, count: int, targets: Sequence[str] = TARGETS) -> Counter[tuple[str, str]]:
    """``count`` inputs from a seeded ``random.Random``, the targets in turn: the outcomes counted."""
    rng = random.Random(seed)
    counts: Counter[tuple[str, str]] = Counter()
    for index in range(count):
        target = targets[index % len(targets)]
        counts[(target, run_target(target, RandomChoices(rng)))] += 1
    return counts


def main(argv: list[str] | None = None) -> None:
    """``python -m tests.speedups_fuzz [--targets=a,b] [libFuzzer flags] [corpus dirs]``."""
    global _ACTIVE
    import atheris

    args = list(sys.argv if argv is None else argv)
    chosen = os.environ.get("SPEEDUPS_FUZZ_TARGETS", "")
    for arg in list(args):
        if arg.startswith("--targets="):
            chosen = arg.split("=", 1)[1]
            args.remove(arg)
    if chosen:
        names = tuple(name for name in chosen.split(",") if name)
        unknown = set(names) - set(TARGETS)
        if unknown:
            raise SystemExit(f"unknown targets {sorted(unknown)}; known: {', '.join(TARGETS)}")
        _ACTIVE = names
    world()  # built before fuzzing starts: the extension is loaded and its counters registered
    if os.environ.get("SPEEDUPS_FUZZ_INSTRUMENT_PY", "") not in ("", "0"):
        atheris.instrument_all()
    where = getattr(_accel.compiled, "__file__", "?")
    print(f"speedups_fuzz: targets {', '.join(_ACTIVE)}; extension {where}", file=sys.stderr)
    atheris.Setup(args, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
