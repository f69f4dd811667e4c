"""The one request pipeline: routes that cannot be bypassed, bodies read one way, every outcome a Reply."""

from __future__ import annotations

import asyncio
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from webhook_receiver import ConfigurationError, Receiver, providers
from webhook_receiver._pipeline import (
    RouteTable,
    canonical_path,
    route_path,
    serve,
    serve_async,
)
from webhook_receiver.testing import sign

TOKEN = "pipeline-token"
BODY = json.dumps({"event": "delivery.created", "delivery_id": "d1", "status": "created"}).encode()


def receiver(limit: int = 4096) -> Receiver:
    return Receiver(providers.Kourier(token=TOKEN), max_body_size=limit)


def headers(body: bytes = BODY, *, length: bool = True) -> dict[str, str]:
    found = {"Content-Type": "application/json", **sign("kourier", body, secret=TOKEN)}
    if length:
        found["Content-Length"] = str(len(body))
    return found


class Reads:
    """A body read with ``read(size)``: records every size asked for."""

    def __init__(self, data: bytes, error: Exception | None = None) -> None:
        self.stream = io.BytesIO(data)
        self.asked: list[int] = []
        self.error = error

    def read(self, size: int) -> bytes:
        self.asked.append(size)
        if self.error is not None and self.stream.tell() > 0:
            raise self.error
        return self.stream.read(size if self.error is None else 3)


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("/hooks/kourier", "/hooks/kourier"),
        ("/hooks/kourier/", "/hooks/kourier"),
        ("//hooks//kourier//", "/hooks/kourier"),
        ("/hooks/kourier\n", "/hooks/kourier"),
        ("/hooks/kourier \t\r\x00", "/hooks/kourier"),
        ("/./hooks/./kourier", "/hooks/kourier"),
        ("/x/../hooks/y/../kourier", "/hooks/kourier"),
        ("/../../hooks/kourier", "/hooks/kourier"),
        ("/hooks/kourier/.", "/hooks/kourier"),
        ("/", "/"),
        ("", "/"),
        ("/Hooks/Kourier", "/Hooks/Kourier"),  # routers are case-sensitive
        ("/hooks/k%6Furier", "/hooks/k%6Furier"),  # and decode once, before us
    ],
)
def test_canonical_path(spelling: str, canonical: str) -> None:
    assert canonical_path(spelling) == canonical


def test_route_path_is_relative_to_the_root_path_as_starlette_has_it() -> None:
    assert route_path("/api/hooks/kourier", "/api") == "/hooks/kourier"
    assert route_path("/api", "/api") == ""
    assert route_path("/apis/hooks", "/api") == "/apis/hooks"  # not under it
    assert route_path("/hooks/kourier", "/api") == "/hooks/kourier"  # a server that left it out
    assert route_path("/hooks/kourier", "") == "/hooks/kourier"


@pytest.mark.parametrize(
    "path", ["/hooks/kourier", "/", "", "/a//b", "/a/./b", "/a/b/", "/a/b\n", "a/b", "/.x"]
)
def test_the_quick_check_never_calls_a_path_canonical_that_is_not(path: str) -> None:
    from webhook_receiver._pipeline import _is_canonical

    if _is_canonical(path):
        assert canonical_path(path) == path


def test_the_route_table_answers_every_spelling() -> None:
    target = receiver()
    table = RouteTable({"/hooks/kourier/": target})
    for spelling in (
        "/hooks/kourier",
        "/hooks/kourier/",
        "//hooks/kourier",
        "/hooks/kourier\n",
        "/a/../hooks/kourier",
    ):
        assert table.get(spelling) is target, spelling
    assert table.get("/hooks/kourierx") is None
    assert table.match("/api/hooks/kourier", "/api") is target
    assert table.match("/hooks/kourier", "/api") is target
    assert table.match("/api/other", "/api") is None


def test_two_receivers_on_one_route_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="same route"):
        RouteTable({"/hooks/kourier": receiver(), "//hooks/kourier/": receiver()})


def test_a_declared_length_is_read_exactly_in_bounded_chunks() -> None:
    source = Reads(BODY + b"trailing bytes of the next request")
    reply = serve(receiver(), "POST", headers(), source.read, terminated=False)
    assert reply.status == 200
    assert sum(source.asked) == len(BODY)


def test_a_body_that_ends_before_its_declared_length_is_a_400() -> None:
    source = Reads(BODY[:10])
    reply = serve(receiver(), "POST", headers(), source.read, terminated=False)
    assert (reply.status, reply.error and reply.error.code) == (400, "invalid_payload")


def test_without_a_length_a_terminated_input_is_read_to_its_end() -> None:
    reply = serve(receiver(), "POST", headers(length=False), Reads(BODY).read, terminated=True)
    assert reply.status == 200


def test_without_a_length_an_unterminated_input_is_411_and_nothing_is_read() -> None:
    source = Reads(BODY)
    reply = serve(receiver(), "POST", headers(length=False), source.read, terminated=False)
    assert (reply.status, json.loads(reply.body)) == (411, {"error": "length_required"})
    assert source.asked == []


def test_a_terminated_input_over_the_limit_is_413_after_reading_at_most_one_byte_more() -> None:
    big = b"x" * 100_000
    source = Reads(big)
    reply = serve(receiver(limit=1000), "POST", headers(big, length=False), source.read, terminated=True)
    assert reply.status == 413
    assert sum(source.asked) <= 1001 + 1001  # one request past the limit at most


@pytest.mark.parametrize("error", [OSError("reset"), ValueError("Invalid chunk size: zz"), RuntimeError()])
def test_whatever_the_server_raises_while_reading_is_a_400(error: Exception) -> None:
    reply = serve(receiver(), "POST", headers(length=False), Reads(BODY, error).read, terminated=True)
    assert (reply.status, reply.error and reply.error.code) == (400, "invalid_payload")


def test_the_received_hook_sees_the_body_before_it_is_handled() -> None:
    seen: list[bytes] = []
    target = receiver()
    target.on_any(lambda event: seen.append(b"handled"))
    serve(target, "POST", headers(), Reads(BODY).read, terminated=False, received=seen.append)
    assert seen == [BODY, b"handled"]


def test_async_messages_and_a_client_that_goes_away() -> None:
    async def run(chunks: list[tuple[bytes, bool] | None]) -> object:
        pending = list(chunks)

        async def receive() -> dict[str, object]:
            item = pending.pop(0)
            if item is None:
                return {"type": "http.disconnect"}
            return {"type": "http.request", "body": item[0], "more_body": item[1]}

        return await serve_async(receiver(), "POST", headers(length=False), receive)

    whole = asyncio.run(run([(BODY[:5], True), (BODY[5:], True), (b"", False)]))
    assert getattr(whole, "status", None) == 200
    assert getattr(asyncio.run(run([(BODY, False)])), "status", None) == 200
    assert asyncio.run(run([(BODY[:5], True), None])) is None
    assert asyncio.run(run([None])) is None
    assert getattr(asyncio.run(run([(b"x" * 5000, True)])), "status", None) == 413
    assert getattr(asyncio.run(run([(b"x" * 5000, False)])), "status", None) == 413


def test_async_with_a_blocking_read_as_django_under_asgi() -> None:
    reply = asyncio.run(serve_async(receiver(), "POST", headers(), read=Reads(BODY).read))
    assert reply is not None
    assert reply.status == 200


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="/.ab \t\n%2F\x00", max_size=20))
def test_canonical_paths_are_fixed_points_and_the_quick_check_agrees(path: str) -> None:
    from webhook_receiver._pipeline import _is_canonical

    canonical = canonical_path(path)
    assert canonical_path(canonical) == canonical
    assert canonical.startswith("/")
    if _is_canonical(path):
        assert canonical == path
