"""The case-insensitive header view every provider reads through."""

from __future__ import annotations

import pytest

from webhook_receiver import Headers, MalformedHeader, MissingHeader
from webhook_receiver._headers import header_text, require
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
