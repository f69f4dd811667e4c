"""The header views built from a WSGI environ follow each framework's own rules.

The Flask and Django adapters (and ``Headers.from_environ`` for the WSGI middleware)
build the headers ``Receiver.precheck`` reads from the environ or ``META`` directly,
rather than through the framework's ``request.headers``: faster, but only correct if
every name reads the same values. Compared here on random environs with the names
servers produce and the edge cases (empty values, ``HTTP_CONTENT_TYPE`` beside
``CONTENT_TYPE``, non-header keys).
"""

from __future__ import annotations

import io
import random
from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIRequest
from werkzeug.datastructures import EnvironHeaders

from webhook_receiver import Headers
from webhook_receiver._headers import EnvironNames
from webhook_receiver.adapters._environ import HeaderPlans
from webhook_receiver.adapters.django._request import _headers as django_headers
from webhook_receiver.adapters.flask._request import _NAMES as FLASK_NAMES

HEADER_KEYS = [
    "HTTP_HOST",
    "HTTP_AUTHORIZATION",
    "HTTP_X_COURIER_SIGNATURE",
    "HTTP_X_HUB_SIGNATURE_256",
    "HTTP_WEBHOOK_ID",
    "HTTP_CONTENT_TYPE",
    "HTTP_CONTENT_LENGTH",
    "HTTP_USER_AGENT",
    "HTTP_X_A_B_C",
    "CONTENT_TYPE",
    "CONTENT_LENGTH",
]
OTHER_KEYS = ["REQUEST_METHOD", "PATH_INFO", "QUERY_STRING", "SERVER_NAME", "REMOTE_ADDR", "HTTPS", "HTTP"]
VALUES = ["", "application/json", "12", "Bearer t0ken", "t=1,signature=ab", " spaced ", "v1,abc= v1,def="]


def random_environs(count: int) -> list[dict[str, Any]]:
    rng = random.Random(8)  # a fixed seed: the same environs every run
    environs = []
    for _ in range(count):
        keys = rng.sample(HEADER_KEYS, rng.randint(0, len(HEADER_KEYS)))
        keys += rng.sample(OTHER_KEYS, rng.randint(0, 3))
        keys += [f"HTTP_X_{rng.choice('ABC')}{rng.randint(0, 99)}" for _ in range(rng.randint(0, 3))]
        rng.shuffle(keys)
        environ: dict[str, Any] = {key: rng.choice(VALUES) for key in keys}
        environ.setdefault("REQUEST_METHOD", "POST")
        environ.update({"wsgi.input": io.BytesIO(b""), "SERVER_NAME": "testserver", "SERVER_PORT": "80"})
        environs.append(environ)
    return environs


ENVIRONS = random_environs(1500)


def names_of(environ: dict[str, Any]) -> set[str]:
    """Every header name the environ could answer for, as a framework spells it and lower."""
    names = {key[5:].replace("_", "-") for key in environ if key.startswith("HTTP_")}
    names |= {"content-type", "content-length", "x-absent"}
    return names | {name.lower() for name in names} | {name.title() for name in names}


def ows(values: list[str]) -> list[str]:
    """The values as the header view reads them: trimmed of HTTP's optional whitespace only."""
    return [value.strip(" \t") for value in values]


def test_flask_pairs_read_what_werkzeug_reads() -> None:
    for environ in ENVIRONS:
        ours, theirs = Headers(FLASK_NAMES.pairs(environ)), EnvironHeaders(environ)
        for name in names_of(environ):
            assert ours.getlist(name) == ows(theirs.getlist(name)), (name, environ)


@pytest.mark.django_db(databases=[])
def test_django_headers_read_what_request_headers_reads() -> None:
    for environ in ENVIRONS:
        ours = Headers(django_headers(WSGIRequest(dict(environ))))
        theirs = WSGIRequest(dict(environ)).headers
        for name in names_of(environ):
            assert ours.getlist(name) == ows([theirs[name]] if name in theirs else []), (name, environ)


def test_from_environ_reads_every_http_key_and_non_empty_content_keys() -> None:
    for environ in ENVIRONS:
        ours = Headers.from_environ(environ)
        for name in names_of(environ):
            key = name.upper().replace("-", "_")
            expected = [
                value
                for k, value in environ.items()  # in the environ's order
                if k == f"HTTP_{key}" or (k == key and key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value)
            ]
            assert ours.getlist(name) == ows(expected), (name, environ)


@pytest.mark.django_db(databases=[])
def test_django_headers_are_the_same_once_the_keys_are_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    # The first request with a sequence of keys finds its header keys (and remembers
    # them); later ones take what was remembered. Both ways give the same dict, in
    # META's order, and so do requests once the memory is full.
    from webhook_receiver.adapters.django import _request

    for limit in (256, 5):
        monkeypatch.setattr(_request, "_PLANS", HeaderPlans(EnvironNames(), limit=limit))
        for environ in ENVIRONS[:300] * 2:
            meta = WSGIRequest(dict(environ)).META
            expected: dict[str, Any] = {}
            for key, value in meta.items():  # HttpHeaders' rules, a later entry replacing an earlier one
                if (key.startswith("HTTP_") and len(key) > 5) or key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                    expected[key.removeprefix("HTTP_").replace("_", "-").lower()] = value
            got = django_headers(WSGIRequest(dict(environ)))
            assert list(got.items()) == list(expected.items()), environ  # type: ignore[union-attr]
        assert 0 < len(_request._PLANS) <= limit


def test_what_is_remembered_is_bounded_whatever_the_client_sends() -> None:
    """The keys are the client's header names: a client that sends a new set of long
    names each time cannot make the adapters keep more than the limit, nor a plan over
    4 KiB of names; the next usual request is still read right."""
    from webhook_receiver.adapters._environ import MAX_REMEMBERED_KEYS

    plans = HeaderPlans(EnvironNames(), limit=8)
    for index in range(100):
        keys = ("REQUEST_METHOD", f"HTTP_X_{index}_" + "A" * 100, "HTTP_HOST")
        assert plans.make(keys) == ((keys[1], f"x-{index}-" + "a" * 100), ("HTTP_HOST", "host"))
        assert 1 <= len(plans) <= 8
    huge = tuple(f"HTTP_X_{index}_" + "B" * 200 for index in range(30))
    assert sum(map(len, huge)) > MAX_REMEMBERED_KEYS
    assert len(plans.make(huge)) == 30
    assert plans.get(huge) is None  # read, not remembered


def test_flask_pairs_are_the_same_once_the_keys_are_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    # As for Django: the pairs found from a remembered plan are werkzeug's, in order,
    # empty CONTENT_* and values that are not str left out.
    from flask import Request

    from webhook_receiver.adapters.flask import _request

    environs = [
        *ENVIRONS[:300],
        {"CONTENT_TYPE": "", "HTTP_X_A1": "", "HTTP_X_B2": b"bytes", "HTTP_HOST": "h"},
    ]
    for limit in (256, 5):
        monkeypatch.setattr(_request, "_PLANS", HeaderPlans(FLASK_NAMES, limit=limit))
        for environ in environs * 2:
            got = _request._header_pairs(Request(dict(environ)))
            assert got == FLASK_NAMES.pairs(environ), environ
        assert 0 < len(_request._PLANS) <= limit
