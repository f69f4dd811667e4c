"""The case-insensitive header view every provider reads through."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from webhook_receiver import Headers, MalformedHeader, MissingHeader
from webhook_receiver._headers import REPEATED, find_each, header_text, require, required, select
from webhook_receiver._schemes import standard_headers


def test_lookup_is_case_insensitive_for_dicts_pairs_and_bytes() -> None:
    for raw in (
        {"X-Signature": "abc"},
        [("x-signature", "abc")],
        [(b"X-SIGNATURE", b"abc")],
    ):
        headers = Headers(raw)
        assert headers["x-signature"] == "abc"
        assert headers["X-Signature"] == "abc"
        assert "X-SIGNATURE" in headers
        assert list(headers) == ["x-signature"]


def test_repeated_header_is_an_error_not_a_silent_pick() -> None:
    headers = Headers([(b"x-signature", b"a"), (b"X-Signature", b"b")])
    with pytest.raises(MalformedHeader) as info:
        headers.require("X-Signature")
    assert "more than once" in str(info.value)
    with pytest.raises(MalformedHeader):
        headers["x-signature"]
    assert headers.getlist("X-SIGNATURE") == ["a", "b"]
    assert "x-signature" in headers
    assert len(headers) == 1


def test_three_repeats_are_all_kept() -> None:
    headers = Headers([("a", "1"), ("A", "2"), ("a", "3")])
    assert headers.getlist("a") == ["1", "2", "3"]


def test_require_strips_and_treats_blank_as_missing() -> None:
    headers = Headers({"A": "  v  ", "B": "   "})
    assert headers.require("a") == "v"
    with pytest.raises(MissingHeader):
        headers.require("b")
    with pytest.raises(MissingHeader) as info:
        headers.require("c", error_headers={"WWW-Authenticate": "Basic"})
    assert info.value.headers == {"WWW-Authenticate": "Basic"}


def test_missing_key_is_a_key_error_through_the_mapping_interface() -> None:
    headers = Headers({})
    assert headers.get("x") is None
    with pytest.raises(KeyError):
        headers["x"]
    assert 3 not in headers


def test_non_ascii_bytes_decode_as_latin_1_without_error() -> None:
    headers = Headers([(b"x-signature", bytes(range(256)))])
    assert len(headers["x-signature"]) == 256


def test_from_wsgi_environ() -> None:
    environ = {
        "REQUEST_METHOD": "POST",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": "12",
        "HTTP_X_HUB_SIGNATURE_256": "sha256=ab",
        "HTTP_COURIER_SIGNATURE": "t=1,signature=ab",
        "wsgi.input": object(),
    }
    headers = Headers.from_environ(environ)
    assert headers["Content-Type"] == "application/json"
    assert headers["content-length"] == "12"
    assert headers["X-Hub-Signature-256"] == "sha256=ab"
    assert headers["courier-signature"] == "t=1,signature=ab"
    assert "request-method" not in headers


def test_of_reuses_an_existing_view() -> None:
    headers = Headers({"a": "b"})
    assert Headers.of(headers) is headers
    assert Headers(headers)["A"] == "b"


def test_repr_shows_names_never_values() -> None:
    headers = Headers({"Authorization": "Bearer s3cret-token"})
    assert "s3cret" not in repr(headers)
    assert "authorization" in repr(headers)


# Spellings of a header name that compare equal case-insensitively or only look alike:
# latin-1 letters beyond ASCII never lower-case into ASCII, so they never match.
SPELLINGS = ("webhook-id", "WEBHOOK-ID", "Webhook-Id", "webhook-\xcdd", "webhook-\xedd", "w\xc9bhook-id")


@pytest.mark.parametrize("spelling", SPELLINGS)
@pytest.mark.parametrize("as_bytes", [False, True], ids=["str", "bytes"])
def test_a_name_is_read_exactly_when_its_latin_1_text_lower_cased_is_the_name(
    spelling: str, as_bytes: bool
) -> None:
    name: str | bytes = spelling.encode("latin-1") if as_bytes else spelling
    expected = header_text(name).lower() == "webhook-id"
    pairs = [
        (b"user-agent", b"same length"),
        (name, "msg_1"),
        ("webhook-timestamp", "1700000000"),
        (b"webhook-signature", b"v1,c2ln"),
    ]
    if expected:
        assert require(pairs, "Webhook-Id") == "msg_1"
        assert standard_headers(pairs)[1] == "msg_1"
    else:
        with pytest.raises(MissingHeader):
            require(pairs, "Webhook-Id")
        with pytest.raises(MissingHeader):
            standard_headers(pairs)


def test_a_name_outside_latin_1_is_never_matched_by_its_replacement_characters() -> None:
    # The name asked for cannot be sent as latin-1 bytes at all; b"x-?" is another name.
    with pytest.raises(MissingHeader):
        require([(b"x-?", b"value")], "x-\u20ac")
    assert require([("X-\u20ac", "value")], "x-\u20ac") == "value"


# find_each() + required() and select() are require()'s rules, in one pass for several
# names: they must find exactly what require() finds, name by name, error by error.
_NAME_SPELLINGS = st.sampled_from(
    ["x-sig", "X-Sig", "X-SIG", "x-ts", "X-Ts", "x-\xc0", "X-\xc0", "x-\xe0", "host", "x-si", "x-sig "]
)
_VALUES = st.sampled_from(["v", " v\t", "", " ", "v w", "\xe9"])


@st.composite
def _raw_pairs(draw: st.DrawFn) -> list[tuple[str | bytes, str | bytes]]:
    pairs: list[tuple[str | bytes, str | bytes]] = []
    for name, value, name_bytes, value_bytes in draw(
        st.lists(st.tuples(_NAME_SPELLINGS, _VALUES, st.booleans(), st.booleans()), max_size=6)
    ):
        pairs.append(
            (
                name.encode("latin-1") if name_bytes else name,
                value.encode("latin-1") if value_bytes else value,
            )
        )
    return pairs


def _outcome(read: Callable[..., str], *args: object) -> tuple[str, str]:
    try:
        return ("value", read(*args))
    except (MissingHeader, MalformedHeader) as error:
        return (type(error).__name__, str(error))


@settings(max_examples=400, deadline=None)
@given(pairs=_raw_pairs(), names=st.lists(_NAME_SPELLINGS, min_size=1, max_size=3, unique_by=str.lower))
def test_find_each_and_select_find_what_require_finds(
    pairs: list[tuple[str | bytes, str | bytes]], names: list[str]
) -> None:
    asked = tuple(names)
    found = find_each(pairs, asked)
    for name, value in zip(asked, found, strict=True):
        assert _outcome(required, value, name) == _outcome(require, pairs, name)
    expected = [
        (name, header_text(value).strip(" \t"))
        for header, value in pairs
        for name in asked
        if header_text(header).lower() == name.lower()
    ]
    assert list(select(pairs, asked)) == expected


def test_select_lower_cases_a_bytes_name_as_its_latin_1_text_as_require_does() -> None:
    # b"X-\xc0" is the latin-1 text "X-\xc0", which lower-cases to "x-\xe0": the name asked.
    # bytes.lower() leaves \xc0 alone, so select() once missed what require() found.
    pairs = [(b"X-\xc0", b"value")]
    assert require(pairs, "x-\xe0") == "value"
    assert select(pairs, ("x-\xe0",)) == (("x-\xe0", "value"),)
    assert required(find_each(pairs, ("x-\xe0",))[0], "x-\xe0") == "value"


def test_find_each_marks_a_name_sent_twice_in_two_casings() -> None:
    found = find_each([("X-Sig", "a"), (b"x-sig", b"b"), ("x-ts", "1")], ("x-sig", "x-ts", "x-id"))
    assert found[0] is REPEATED and found[1] == "1" and found[2] is None
    with pytest.raises(MalformedHeader, match="sent more than once"):
        required(found[0], "x-sig")
    with pytest.raises(MissingHeader):
        required(found[2], "x-id")
