"""The compiled verification fast path (``webhook_receiver._speedups``) against the Python schemes.

The compiled ``Verifier`` may only *accept*: whatever it accepts, the Python scheme
accepts with an equal ``Verified``; everything else it hands to the Python scheme,
so the full call (``verifier(headers, body, now)``) answers exactly as
``scheme.verify`` does, error type and message included. These tests hold it to that
for every provider it serves, on valid requests in every header shape the library
takes and on hypothesis-mutated ones (names, values, whitespace, repeats, non-ASCII
text, clocks, containers), and check that it is really used: the usual request is
accepted by the compiled code itself, not by the fallback.

Without the extension built these tests skip, unless ``WEBHOOK_RECEIVER_REQUIRE_SPEEDUPS=1``
(set by ``.ci/run``) makes that a failure. ``.ci/run`` also runs the verification
tests once more with ``WEBHOOK_RECEIVER_PURE_PYTHON=1``, so both paths are tested.
"""

from __future__ import annotations

import base64
import math
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from tests.compiled import PRECHECK_NAMES, PRECHECK_VALUES, bytes_kept, require_compiled
from webhook_receiver import Headers, Secret, VerificationError, _accel, _events, providers
from webhook_receiver._schemes import HmacSignature, Keyring, Secrets, SharedKey, Verified, compiled_checker
from webhook_receiver.testing import make_provider

require_compiled()

NOW = 1_700_000_000
BODY = (
    b'{"type":"message:updated","data":{"id":"1-5e2b2615","status":"DELIVERED"},"pad":"' + b"x" * 900 + b'"}'
)

SERVED = sorted(
    name for name in providers.PROVIDERS if compiled_checker(make_provider(name).scheme) is not None
)
"""Every provider ``providers.create`` knows whose scheme the compiled path serves."""


def test_the_timestamped_providers_of_the_speed_targets_are_served() -> None:
    speed_targets = {"courier", "stripe", "slack", "standard-webhooks", "github", "customerio", "kourier"}
    assert speed_targets <= set(SERVED)
    # RFC 3339 timestamps (Zendesk), a signed header besides them (Twitch), and a
    # header whose whole value is the key (GitLab's secret token)
    assert {"twitch", "zendesk", "gitlab"} <= set(SERVED)
    # and the ones it cannot serve are refused at construction, not mis-served
    six = {field: f"X-Signed-{field}" for field in "abcdef"}
    many = HmacSignature(
        Keyring((b"k",), "sha256"), header="X-Sig", payload="{a}{b}{c}{d}{e}{f}{body}", signed_headers=six
    )
    assert compiled_checker(many) is None  # more headers than the compiled code reads
    itself = HmacSignature(
        Keyring((b"k",), "sha256"), header="X-Sig", payload="{s}{body}", signed_headers={"s": "x-sig"}
    )
    assert compiled_checker(itself) is None  # the signature header among the signed ones


def test_a_whole_header_key_is_compared_whole() -> None:
    """A shared key (GitLab's ``X-Gitlab-Token``): the header's whole value, trimmed of
    optional whitespace, is the key, with no scheme word; what is not one of the keys,
    and a blank value, is left to Python, which refuses it."""
    scheme = SharedKey(Secrets((b"key one", b"old"), (math.inf, NOW - 1)), header="X-Gitlab-Token")
    verifier = compiled_checker(scheme)
    assert verifier is not None
    for sent in ("key one", " key one\t"):
        assert verifier.try_fast({"X-Gitlab-Token": sent}, b"{}", NOW) == Verified()  # type: ignore[attr-defined]
        assert verifier.try_fast([(b"x-gitlab-token", sent.encode())], b"{}", NOW) == Verified()  # type: ignore[attr-defined]
    for sent in ("Bearer key one", "key", "old", "", "key one x"):
        assert verifier.try_fast({"X-Gitlab-Token": sent}, b"{}", NOW) is None  # type: ignore[attr-defined]
        assert outcome(lambda sent=sent: verifier({"X-Gitlab-Token": sent}, b"{}", NOW)) == outcome(
            lambda sent=sent: scheme.verify({"X-Gitlab-Token": sent}, b"{}", NOW)
        )
    assert verifier.try_fast({"X-Gitlab-Token": "old"}, b"{}", NOW - 1) == Verified()  # type: ignore[attr-defined]


def test_basic_auth_is_served_for_the_canonical_encoding_and_left_to_python_otherwise() -> None:
    """The compiled check compares ``base64(user:password)`` as a token; what only the
    decoding check can judge (another encoding of the pair, a colon in a username, an
    expired pair) is left to it, and every refusal keeps its ``WWW-Authenticate``."""
    provider = make_provider("basic", credentials=[("ab", "c"), ("a:b", "c"), ("old", "pw")])
    scheme = provider.scheme
    verifier = compiled_checker(scheme)
    assert verifier is not None
    usual = {"Authorization": "Basic YWI6Yw=="}  # base64(b"ab:c")
    assert verifier.try_fast(usual, b"{}", NOW) == Verified()  # type: ignore[attr-defined]
    # The same pair with unused bits set: Python decodes it to b"ab:c" and accepts it.
    other_encoding = {"Authorization": "Basic YWI6Yx=="}
    assert verifier.try_fast(other_encoding, b"{}", NOW) is None  # type: ignore[attr-defined]
    assert outcome(lambda: verifier(other_encoding, b"{}", NOW)) == ("ok", Verified())
    # "a:b" / "c" is sent as "a:b:c", which splits as "a" / "b:c": neither path accepts it.
    colon = {"Authorization": "Basic " + base64.b64encode(b"a:b:c").decode()}
    assert verifier.try_fast(colon, b"{}", NOW) is None  # type: ignore[attr-defined]
    for headers in (colon, {"Authorization": "Basic " + base64.b64encode(b"ab:d").decode()}, {}):
        refused = outcome(lambda headers=headers: verifier(headers, b"{}", NOW))
        assert refused == outcome(lambda headers=headers: scheme.verify(headers, b"{}", NOW))
        assert refused[0] == "error" and refused[3] == 401
        with pytest.raises(VerificationError) as raised:
            verifier(headers, b"{}", NOW)
        assert raised.value.headers == {"WWW-Authenticate": 'Basic realm="webhooks", charset="UTF-8"'}
    until = datetime.fromtimestamp(NOW - 1, UTC)
    expiring = make_provider("basic", credentials=[("old", Secret("pw", expires_at=until)), ("ab", "c")])
    old = {"Authorization": "Basic " + base64.b64encode(b"old:pw").decode()}
    expiring_verifier = compiled_checker(expiring.scheme)
    assert expiring_verifier is not None
    assert expiring_verifier.try_fast(old, b"{}", NOW - 2) == Verified()  # type: ignore[attr-defined]
    assert expiring_verifier.try_fast(old, b"{}", NOW) is None  # type: ignore[attr-defined]
    assert outcome(lambda: expiring_verifier(old, b"{}", NOW))[0] == "error"


def test_providers_verify_through_it() -> None:
    provider = make_provider("stripe")
    assert type(provider._check).__name__ == "Verifier"
    assert provider.verify(provider.sign(BODY, now=NOW), BODY, now=NOW).timestamp == str(NOW)


def outcome(call: Callable[[], Any]) -> tuple[Any, ...]:
    try:
        return ("ok", call())
    except VerificationError as exc:
        return ("error", type(exc), str(exc), exc.status)
    except TypeError as exc:
        return ("type error", str(exc))


def shapes(headers: dict[str, str]) -> dict[str, Any]:
    """The same request in every header container the library takes."""
    pairs = list(headers.items())
    asgi = [(b"host", b"hooks.example.com"), (b"content-type", b"application/json")] + [
        (name.lower().encode(), value.encode()) for name, value in pairs
    ]
    return {
        "dict": dict(headers),
        "title-case dict": {name.title(): value for name, value in pairs},
        "upper-case dict": {name.upper(): value for name, value in pairs},
        "list of str": pairs,
        "tuple": tuple(pairs),
        "asgi bytes": asgi,
        "Headers(dict)": Headers(dict(headers)),
        "Headers(asgi)": Headers(asgi),
        "optional whitespace": {name: f" \t{value}\t " for name, value in pairs},
    }


@pytest.mark.parametrize("name", SERVED)
def test_the_usual_request_is_accepted_by_the_compiled_code_in_every_shape(name: str) -> None:
    provider = make_provider(name)
    verifier = compiled_checker(provider.scheme)
    assert verifier is not None
    signed = provider.sign(BODY, now=NOW)
    expected = provider.scheme.verify(signed, BODY, NOW)
    for shape, headers in shapes(signed).items():
        fast = verifier.try_fast(headers, BODY, NOW)  # type: ignore[attr-defined]
        assert fast == expected, shape
        assert type(fast) is Verified
        for body in (bytearray(BODY), memoryview(BODY)):
            assert verifier.try_fast(headers, body, NOW) == expected, shape  # type: ignore[attr-defined]
    assert verifier.try_fast(signed, BODY, float(NOW)) == expected  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", SERVED)
def test_a_large_body_and_the_edges_of_the_tolerance(name: str) -> None:
    provider = make_provider(name)
    scheme = provider.scheme
    verifier = compiled_checker(scheme)
    assert verifier is not None
    body = b"{" + b" " * (1 << 20) + b"}"  # hashing this releases the GIL
    signed = provider.sign(body, now=NOW)
    assert verifier.try_fast(signed, body, NOW) == scheme.verify(signed, body, NOW)  # type: ignore[attr-defined]
    tolerance = getattr(scheme, "tolerance", 300.0)
    for now in (NOW - tolerance, NOW + tolerance, NOW - tolerance - 0.001, NOW + tolerance + 1, math.nan):
        assert outcome(lambda now=now: verifier(signed, body, now)) == outcome(
            lambda now=now: scheme.verify(signed, body, now)
        )


def test_an_expired_secret_is_not_used_by_the_compiled_code() -> None:
    until = datetime.fromtimestamp(NOW - 1, UTC)
    old = make_provider("stripe", secret="whsec_old")
    both = make_provider("stripe", secret=[Secret("whsec_old", expires_at=until), "whsec_new"])
    verifier = compiled_checker(both.scheme)
    assert verifier is not None
    signed_with_old = old.sign(BODY, now=NOW)
    assert verifier.try_fast(signed_with_old, BODY, NOW) is None  # type: ignore[attr-defined]
    assert verifier.try_fast(signed_with_old, BODY, NOW - 2) is not None  # type: ignore[attr-defined]
    assert outcome(lambda: verifier(signed_with_old, BODY, NOW)) == outcome(
        lambda: both.scheme.verify(signed_with_old, BODY, NOW)
    )
    assert outcome(lambda: verifier(signed_with_old, BODY, NOW))[0] == "error"
    signed_with_new = make_provider("stripe", secret="whsec_new").sign(BODY, now=NOW)
    assert verifier.try_fast(signed_with_new, BODY, NOW) is not None  # type: ignore[attr-defined]


def test_its_repr_shows_no_secret() -> None:
    provider = make_provider("stripe", secret="whsec_do_not_print_me")
    text = repr(provider._check)
    assert "do_not_print_me" not in text and "1 secret(s)" in text


def test_pure_python_switch() -> None:
    code = (
        "from webhook_receiver import _accel; from webhook_receiver.testing import make_provider;"
        "print(_accel.compiled is None, type(make_provider('stripe')._check).__name__)"
    )
    env = dict(os.environ, WEBHOOK_RECEIVER_PURE_PYTHON="1")
    shown = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert shown.stdout.split() == ["True", "method"]


def test_no_reference_is_leaked() -> None:
    provider = make_provider("standard-webhooks")
    verifier = compiled_checker(provider.scheme)
    assert verifier is not None
    signed = provider.sign(BODY, now=NOW)
    requests = [signed, {**signed, "webhook-signature": "v1,AAAA"}, list(signed.items()), Headers(signed)]

    receiver = Receiver(provider)
    receiver.on_any(lambda event: None)
    posted = [{"Content-Type": "application/json", "Content-Length": str(len(BODY)), **signed}]
    posted.append([(name.lower().encode(), value.encode()) for name, value in posted[0].items()])

    def run(times: int) -> None:
        for _ in range(times):
            for headers in requests:
                outcome(lambda headers=headers: verifier(headers, BODY, NOW))
            for headers in posted:
                assert receiver.handle("POST", headers, BODY, now=NOW).status == 200
                assert receiver.handle("POST", headers, BODY[:-1], now=NOW).status == 401

    # 24,000 calls: a leaked object per call would be several hundred KiB.
    assert bytes_kept(run) < 64 * 1024


# ------------------------------------------------------------------ RFC 3339 timestamps


@st.composite
def rfc3339_texts(draw: st.DrawFn) -> tuple[str, bool]:
    """An RFC 3339-shaped text, often one that does not exist or is not in the usual
    form; and whether it is the usual form the compiled code must read itself."""
    year = draw(st.one_of(st.integers(1970, 2100), st.integers(0, 9999), st.sampled_from([1969, 2255, 2256])))
    month, day = draw(st.integers(0, 13)), draw(st.integers(0, 32))
    hour, minute, second = draw(st.integers(0, 25)), draw(st.integers(0, 61)), draw(st.integers(0, 61))
    fraction = draw(st.one_of(st.none(), st.text("0123456789", min_size=0, max_size=11)))
    separator = draw(st.sampled_from(["T", "T", "T", "t", " "]))
    zone = draw(st.sampled_from(["Z", "Z", "Z", "z", "+00:00", "-01:30", ""]))
    text = f"{year:04d}-{month:02d}-{day:02d}{separator}{hour:02d}:{minute:02d}:{second:02d}"
    text += ("" if fraction is None else "." + fraction) + zone
    try:
        exists = datetime(year, month, day, hour, minute, second) is not None
    except ValueError:
        exists = False
    usual = (
        exists
        and 1970 <= year <= 2254
        and separator == "T"
        and zone == "Z"
        and (fraction is None or 1 <= len(fraction) <= 9)
    )
    return text, usual


@settings(max_examples=3000, deadline=None)
@given(case=rfc3339_texts())
@example(case=("2024-02-29T23:59:59.999999999Z", True))
@example(case=("2023-02-29T00:00:00Z", False))
@example(case=("1970-01-01T00:00:00Z", True))
def test_rfc3339_timestamps_are_read_as_python_reads_them(case: tuple[str, bool]) -> None:
    """The compiled reading of an RFC 3339 timestamp is ``_events.rfc3339_seconds``'s to
    the last bit (microseconds kept, later digits dropped), and it reads the usual form
    itself; whatever Python reads as no time, the compiled code leaves to Python."""
    text, usual = case
    scheme = HmacSignature(
        Keyring((b"key",), "sha256"), header="X-Sig", timestamp_header="X-T", timestamp_unit="rfc3339"
    )
    options = scheme.compiled_options()
    assert options is not None
    # Every time from year 1 to 9999 within the tolerance: only the reading is tested.
    verifier = _accel.compiled.Verifier(**(options | {"tolerance": 1e12}))  # type: ignore[union-attr]
    mac = scheme.keyring.mac(0, text.encode() + b".", BODY)
    fast = verifier.try_fast({"X-T": text, "X-Sig": mac.hex()}, BODY, NOW)
    expected = _events.rfc3339_seconds(text)
    if fast is not None:
        assert expected is not None and fast.signed_at == expected and fast.timestamp == text
    elif usual:
        pytest.fail(f"the usual form {text!r} was left to Python")


@settings(max_examples=3000, deadline=None)
@given(case=rfc3339_texts())
@example(case=("2106-02-07T06:28:15.999999999Z", True))
@example(case=("2106-02-07T06:28:16Z", False))
def test_rfc3339_times_are_pythons(case: tuple[str, bool]) -> None:
    """``_events.rfc3339_time`` compiled is ``to_datetime(rfc3339_seconds(text))`` to the
    microsecond, and it reads the usual form until 2106 itself."""
    text, usual = case
    fallbacks: list[str] = []

    def counted(value: str) -> object:
        fallbacks.append(value)
        return _events._rfc3339_time_python(value)

    converter = _accel.compiled.TimeConverter(counted, rfc3339=True)  # type: ignore[union-attr]
    expected = _events._rfc3339_time_python(text)
    for got in (converter(text), _events.rfc3339_time(text)):
        assert got == expected and repr(got) == repr(expected)
        assert got is None or got.tzinfo is UTC
    if usual and text < "2106-02-07T06:28:16":
        assert not fallbacks, f"the usual form {text!r} was left to Python"


# ------------------------------------------------------------------ the property

KELVIN = "\u212a"  # lower-cases to "k", as in "x-slack-signature" and "webhook-id"
TEXT_BITS = [
    "",
    " ",
    "\t",
    "\xa0",
    "\v",
    ",",
    ";",
    "=",
    "t=",
    "v1,",
    "v1=",
    "  ",
    "é",
    KELVIN,
    "0",
    "a",
    "A",
    "/",
]


@st.composite
def requests(draw: st.DrawFn, names: Sequence[str] = SERVED) -> tuple[str, Any, Any, Any]:
    name = draw(st.sampled_from(names))
    provider = make_provider(name)
    headers = dict(provider.sign(BODY, now=NOW))
    items: list[tuple[str, str]] = list(headers.items())
    as_bytes: set[int] = set()
    for _ in range(draw(st.integers(0, 4))):
        if not items:
            break
        index = draw(st.integers(0, len(items) - 1))
        key, value = items[index]
        change = draw(
            st.sampled_from(
                [
                    "case",
                    "edit",
                    "insert",
                    "cut",
                    "repeat",
                    "drop",
                    "kelvin name",
                    "bytes",
                    "other header",
                    "same name",
                ]
            )
        )
        if change == "case":
            key = draw(st.sampled_from([key.upper(), key.title(), key.swapcase()]))
        elif change in ("edit", "insert", "cut") and value:
            at = draw(st.integers(0, len(value)))
            bit = draw(st.sampled_from(TEXT_BITS))
            if change == "edit":
                value = value[:at] + bit + value[at + 1 :]
            elif change == "insert":
                value = value[:at] + bit + value[at:]
            else:
                value = value[:at] + value[at + draw(st.integers(1, 8)) :]
        elif change == "repeat":
            items.append((draw(st.sampled_from([key, key.upper()])), value))
        elif change == "drop":
            del items[index]
            continue
        elif change == "kelvin name" and "k" in key.lower():
            items.append((key.lower().replace("k", KELVIN, 1), value))
        elif change == "bytes":
            as_bytes.add(index)
        elif change == "other header":
            items.append((draw(st.sampled_from(["X-Other", "content-type", "é" * len(key)])), value))
        elif change == "same name":
            value = draw(st.sampled_from([v for _, v in items]))
        items[index] = (key, value)
    pairs: list[tuple[Any, Any]] = [
        (key.lower().encode("latin-1", "replace"), value.encode("latin-1", "replace"))
        if index in as_bytes
        else (key, value)
        for index, (key, value) in enumerate(items)
    ]
    container = draw(st.sampled_from(["dict", "list", "tuple", "Headers", "dict subclass"]))
    if container == "dict":
        shaped: Any = {k.decode("latin-1") if isinstance(k, bytes) else k: v for k, v in pairs}
    elif container == "list":
        shaped = pairs
    elif container == "tuple":
        shaped = tuple(pairs)
    elif container == "Headers":
        shaped = Headers(pairs)
    else:
        shaped = type("Mapping", (dict,), {})(
            {k if isinstance(k, str) else k.decode("latin-1"): v for k, v in pairs}
        )
    offset = draw(st.sampled_from([0, 1, -1, 299, -299, 300, -300, 301, -301, 10**6, 0.5]))
    now: Any = draw(st.sampled_from([NOW + offset, float(NOW + offset), math.inf, math.nan, 10**30, True]))
    body = draw(st.sampled_from([BODY, BODY[:-1], bytearray(BODY), b""]))
    return name, shaped, body, now


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(request=requests())
@example(request=("slack", {"x-slac\u212a-signature": "v0=00", "X-Slack-Signature": "v0=00"}, BODY, NOW))
def test_whatever_the_compiled_code_accepts_python_accepts_and_errors_are_pythons(
    request: tuple[str, Any, Any, Any],
) -> None:
    name, headers, body, now = request
    scheme = make_provider(name).scheme
    verifier = compiled_checker(scheme)
    assert verifier is not None
    expected = outcome(lambda: scheme.verify(headers, body, now))
    fast = verifier.try_fast(headers, body, now) if type(now) in (int, float) else None  # type: ignore[attr-defined]
    event("accepted by the compiled code" if fast is not None else f"left to Python: {expected[0]}")
    if fast is not None:
        assert expected == ("ok", fast)
    assert outcome(lambda: verifier(headers, body, now)) == expected


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(request=requests(names=["square"]))
def test_squares_url_signature_through_the_compiled_path_answers_as_its_own_check(
    request: tuple[str, Any, Any, Any],
) -> None:
    """Square's ``UrlSignature`` (one secret, one URL) is an HMAC over ``<url><body>``: the
    compiled path checks it, and whatever it does not accept goes to the scheme's own
    check, every error included."""
    _, headers, body, now = request
    scheme = make_provider("square").scheme
    assert type(scheme._check).__name__ == "Verifier"  # type: ignore[attr-defined]
    expected = outcome(lambda: scheme._verify_each(headers, body, now))  # type: ignore[attr-defined]
    event(f"Python: {expected[0]}")
    assert outcome(lambda: scheme.verify(headers, body, now)) == expected


def test_squares_url_signature_keeps_its_constant_time_checks_with_rotated_secrets() -> None:
    """With two secrets (or URL variants) every MAC is computed, as the Python check
    computes them, so the time does not say which one matched: no compiled path."""
    from webhook_receiver._bound import UrlSignature

    rotated = make_provider("square", secret=["old", "new"], url="https://example.com/hooks").scheme
    assert rotated._check == rotated._verify_each  # type: ignore[attr-defined]
    variants = UrlSignature(
        Keyring((b"k",), "sha256"), header="X-Sig", url="https://example.com/hooks", port_variants=True
    )
    assert variants._check == variants._verify_each


def test_mutated_requests_reach_both_paths() -> None:
    """The property above is not vacuous: among mutated valid requests some are
    accepted by the compiled code and some are left to Python, for each provider."""
    for name in SERVED:
        provider = make_provider(name)
        verifier = compiled_checker(provider.scheme)
        signed = provider.sign(BODY, now=NOW)
        accepted = sum(
            verifier.try_fast({key: value + pad for key, value in signed.items()}, BODY, NOW) is not None  # type: ignore[union-attr]
            for pad in ("", " ", "\t")
        )
        refused = sum(
            verifier.try_fast({key: value + pad for key, value in signed.items()}, BODY, NOW) is None  # type: ignore[union-attr]
            for pad in ("\xa0", "0", "é")
        )
        assert (accepted, refused) == (3, 3), name


def _available_memory() -> int:
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


@pytest.mark.skipif(_available_memory() < 6 << 30, reason="needs a 2 GiB header value (and room to spare)")
@pytest.mark.parametrize(("name", "pad"), [("stripe", ","), ("standard-webhooks", " ")])
def test_the_entry_count_does_not_overflow(name: str, pad: str) -> None:
    """More than INT_MAX separators once wrapped the C entry counter (an int) negative,
    past the MAX_SIGNATURES limit: the compiled code accepted a header that the Python
    scheme refuses ("more than 64 entries"). Only try_fast is called: the Python
    scheme would split the value into 2**31 strings first."""
    provider = make_provider(name)
    verifier = compiled_checker(provider.scheme)
    assert verifier is not None
    signed = provider.sign(b"{}", now=NOW)
    header = next(key for key in signed if key.lower().endswith("signature"))
    small = dict(signed)
    small[header] = signed[header] + pad * 70 + ("" if pad == "," else "v2,x")
    with pytest.raises(VerificationError, match="more than 64 entries"):
        provider.scheme.verify(small, b"{}", NOW)
    assert verifier.try_fast(small, b"{}", NOW) is None  # type: ignore[attr-defined]
    huge = dict(signed)
    # one allocation: the separators after the valid signature (and, for the
    # space-separated list, an entry after them, so that trimming keeps them)
    start = signed[header] + pad
    huge[header] = start.ljust(len(start) + (1 << 31), pad) + ("" if pad == "," else "v2,x")
    try:
        assert verifier.try_fast(huge, b"{}", NOW) is None  # type: ignore[attr-defined]
    finally:
        del huge


# ------------------------------------------------------------------ the compiled precheck

from webhook_receiver import Receiver, WebhookError  # noqa: E402


def precheck_outcome(receiver: Receiver, method: Any, headers: Any) -> tuple[Any, ...]:
    try:
        view = receiver.precheck(method, headers)
    except WebhookError as exc:
        return ("error", type(exc), str(exc), exc.status)
    except (TypeError, AttributeError) as exc:
        return ("type error", type(exc))
    return ("ok", type(view), list(view._pairs), view.content_length)


@st.composite
def prechecks(draw: st.DrawFn) -> tuple[Any, Any, dict[str, Any]]:
    pairs: list[tuple[Any, Any]] = [("Host", "hooks.example.com")]
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.sampled_from(PRECHECK_NAMES))
        value = draw(st.sampled_from(PRECHECK_VALUES))
        pairs.append((name, value))
    if draw(st.booleans()):
        pairs = [(name.lower().encode(), value.encode("utf-8")) for name, value in pairs]
    container = draw(st.sampled_from(["dict", "list", "tuple", "other"]))
    headers: Any
    if container == "dict":
        headers = {name if isinstance(name, str) else name.decode("latin-1"): value for name, value in pairs}
    elif container == "list":
        headers = pairs
    elif container == "tuple":
        headers = tuple(pairs)
    else:
        headers = type("Mapping", (dict,), {})(
            {name if isinstance(name, str) else name.decode("latin-1"): value for name, value in pairs}
        )
    method = draw(st.sampled_from(["POST", "post", "GET", "PUT", "Post"]))
    options = draw(
        st.sampled_from(
            [{}, {"max_body_size": 1 << 20}, {"content_types": None}, {"methods": ["POST", "PUT"]}]
        )
    )
    return method, headers, options


@settings(max_examples=1500, deadline=None)
@given(request=prechecks())
def test_whatever_the_compiled_precheck_accepts_python_accepts(
    request: tuple[Any, Any, dict[str, Any]],
) -> None:
    method, headers, options = request
    provider = make_provider("stripe")
    receiver = Receiver(provider, **options)
    with _accel.pure_python():
        pure = Receiver(provider, **options)
    assert receiver._compiled_precheck is not None and pure._compiled_precheck is None
    expected = precheck_outcome(pure, method, headers)
    fast = receiver._compiled_precheck(method, headers)
    event("accepted by the compiled code" if fast is not None else f"left to Python: {expected[0]}")
    if fast is not None:
        assert expected == ("ok", Headers, list(fast._pairs), fast.content_length)
        assert fast._checked_by is receiver
    assert precheck_outcome(receiver, method, headers) == expected
    # a view this receiver checked is returned as it is; another receiver's is checked again
    if expected[0] == "ok" and method.upper() in receiver._methods:
        view = receiver.precheck(method, headers)
        assert receiver._compiled_precheck(method.upper(), view) is view
        assert receiver._compiled_precheck(method.upper(), pure.precheck(method, headers)) is None


def test_the_usual_request_is_prechecked_by_the_compiled_code() -> None:
    receiver = Receiver(make_provider("stripe"))
    for headers in (
        {"Content-Type": "application/json", "Content-Length": "1024", "Stripe-Signature": "t=1,v1=00"},
        [(b"host", b"h"), (b"content-type", b"application/json"), (b"content-length", b"1024")],
        [("Content-Type", "application/json")],
        {},
    ):
        view = receiver._compiled_precheck("POST", headers)  # type: ignore[misc]
        assert type(view) is Headers and view._checked_by is receiver
        assert view.content_length == (1024 if len(headers) > 1 else None)
    reply = receiver.handle("POST", {"Content-Type": "application/json"}, b"{}")
    assert reply.status == 401  # and on through verification as before


# ------------------------------------------------------------------ the compiled times


def test_event_times_are_converted_by_the_compiled_code() -> None:
    assert type(_events.to_datetime).__name__ == "TimeConverter"
    assert type(_events._time_from_number).__name__ == "TimeConverter"
    # text only through to_datetime: _time_from_number is given numbers, and refuses text as before
    with pytest.raises(TypeError):
        _events._time_from_number("2024-01-25T05:34:27Z")  # type: ignore[arg-type]
    assert _events.to_datetime("2024-01-25T05:34:27Z") == datetime(2024, 1, 25, 5, 34, 27, tzinfo=UTC)


TIME_EDGES = [
    0,
    1,
    59,
    86_399,
    86_400,
    951_782_400,  # 2000-02-29
    4_107_542_400,  # 2100-03-01
    _events.MILLISECONDS_FROM - 1,
    _events.MILLISECONDS_FROM,
    1_706_160_867_123,
    2**32 * 1000 - 1,  # the last millisecond the compiled code converts
    2**32 * 1000,
    -1,
    -(_events.MILLISECONDS_FROM),
    10**16,
    10**30,
]


@st.composite
def iso_texts(draw: st.DrawFn) -> str:
    """ISO 8601 times as senders write them (UTC as Z or +00:00, other offsets, none),
    some with JSON whitespace or a stray character around or inside."""
    zone = draw(
        st.sampled_from([None, UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30))])
    )
    moment = draw(st.datetimes(timezones=st.just(zone) if zone is not None else st.none()))
    text = moment.isoformat(
        timespec=draw(st.sampled_from(["seconds", "milliseconds", "microseconds", "auto"]))
    )
    if draw(st.booleans()):
        text = text.replace("+00:00", "Z")
    if draw(st.integers(0, 4)) == 0:
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from([" ", "\n", "\t", "x", "é", "", "+", "T"])) + text[at:]
    return text


@settings(max_examples=3000, deadline=None)
@given(
    value=st.one_of(
        st.sampled_from(TIME_EDGES),
        st.integers(0, _events.MILLISECONDS_FROM),
        st.integers(_events.MILLISECONDS_FROM, 2**32 * 1000 + 10**6),
        st.integers(-(10**13), 10**20),
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
        st.text(max_size=30),
        st.sampled_from([None, "1706160867123", "2024-01-25T05:34:27.123Z", [], {}]),
        iso_texts(),
    )
)
def test_compiled_times_are_pythons(value: Any) -> None:
    """Exactly datetime.fromtimestamp's answer (same fields, same UTC tzinfo) or the same None."""
    python = _events._to_datetime(value)
    compiled = _events.to_datetime(value)
    assert compiled == python and type(compiled) is type(python) and repr(compiled) == repr(python)
    if python is not None:
        assert compiled.tzinfo is python.tzinfo  # type: ignore[union-attr]
    if type(value) is int or type(value) is float:
        assert _events._time_from_number(value) == _events._time_from_number_python(value)


def test_every_millisecond_remainder_near_the_end_of_the_range() -> None:
    """fromtimestamp rounds value / 1000 to the microsecond; near 2**32 s the float is
    furthest from the exact milliseconds, and the compiled code must still agree."""
    last = 2**32 * 1000 - 1
    for value in range(last - 20_000, last + 2):
        assert _events.to_datetime(value) == _events._to_datetime(value), value


def test_a_subclass_with_its_own_precheck_sees_every_request() -> None:
    seen: list[str] = []

    class Counting(Receiver):
        def precheck(self, method: str, headers: Any) -> Headers:
            seen.append(method)
            return super().precheck(method, headers)

    provider = make_provider("stripe")
    receiver = Counting(provider)
    receiver.on_any(lambda event: None)
    assert receiver._compiled_precheck is None
    signed = {"Content-Type": "application/json", **provider.sign(BODY, now=NOW)}
    assert receiver.handle("POST", signed, BODY, now=NOW).status == 200
    assert seen == ["POST"]


def test_which_times_the_compiled_code_converts_itself() -> None:
    """UTC ISO text and ints of 1970-2106 without the Python fallback; the rest through it."""
    asked: list[object] = []

    def fallback(value: object) -> str:
        asked.append(value)
        return "python"

    convert = _accel.compiled.TimeConverter(fallback, read_text=True)  # type: ignore[union-attr]
    itself = ["2024-09-14T14:31:00.000Z", "2024-09-14T14:31:00+00:00", 1_706_160_867, 1_706_160_867_123]
    for value in itself:
        assert isinstance(convert(value), datetime)
    others = [
        "2024-09-14T14:31:00+02:00",
        "2024-09-14T14:31:00",
        " 2024-09-14T14:31:00Z",
        "1706160867",
        "nope",
        1.5,
        True,
        -1,
    ]
    for value in others:
        assert convert(value) == "python"
    assert asked == others
    assert _accel.compiled.TimeConverter(fallback)("2024-09-14T14:31:00Z") == "python"  # type: ignore[union-attr]
    # to_datetime's None (an absent field) is None, as _to_datetime answers, without the
    # fallback; a converter of numbers only (_time_from_number) leaves None to its own.
    asked.clear()
    assert convert(None) is None and asked == []
    assert _events._to_datetime(None) is None
    assert _accel.compiled.TimeConverter(fallback)(None) == "python"  # type: ignore[union-attr]
    assert asked == [None]
