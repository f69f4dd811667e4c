"""The body buffer: the chunks of a streamed body in one buffer, about the body's size in memory.

Issue 18: receiving a body cost 2x its size (the chunks, then their join). The
buffer now hands its own bytes over, sized from the declared ``Content-Length``.
Peaks are measured with ``tracemalloc`` (allocations, not time: deterministic).
"""

from __future__ import annotations

import asyncio
import tracemalloc
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webhook_receiver import BodyTooLarge, LimitedBody, Receiver, providers
from webhook_receiver._headers import Headers
from webhook_receiver._pipeline import read_body, read_body_async

CHUNK = 64 * 1024


def _peak(run: Any) -> tuple[Any, int]:
    """``run()``'s result and the peak bytes allocated while it ran."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        result = run()
        return result, tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


def _fill(buffer: LimitedBody, view: memoryview, chunk: int = CHUNK) -> bytes:
    for start in range(0, len(view), chunk):
        buffer.feed(view[start : start + chunk])
    return buffer.getvalue()


@pytest.mark.parametrize("size", [CHUNK + 1, 1_000_000, 3_000_001, 5 * 1024 * 1024])
def test_a_declared_body_costs_its_own_size(size: int) -> None:
    body = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    view = memoryview(body)
    received, peak = _peak(lambda: _fill(LimitedBody(size, expected=size), view))
    assert received == body and type(received) is bytes
    # The body itself, plus a few hundred bytes of objects: before, 2.0x.
    assert peak <= size * 1.01 + 4096


@pytest.mark.parametrize("size", [1_000_000, 3_000_001])
def test_a_chunked_body_costs_little_more_than_its_size(size: int) -> None:
    view = memoryview(b"y" * size)
    received, peak = _peak(lambda: _fill(LimitedBody(size), view))
    assert received == view
    # BytesIO's growth over-allocates by at most an eighth; before, 2.0x.
    assert peak <= size * 1.13


def test_a_large_declared_length_reserves_in_step_with_what_arrives() -> None:
    """A request that declares 5 MiB and sends 100 KiB holds at most twice what it sent."""
    declared = 5 * 1024 * 1024
    sent = 100 * 1024
    buffer = LimitedBody(declared, expected=declared)
    view = memoryview(b"z" * sent)
    _, peak = _peak(lambda: _fill(buffer, view))
    assert peak <= 2 * sent + 4096


@given(
    body=st.binary(max_size=300_000),
    declared=st.one_of(st.none(), st.integers(0, 400_000)),
    chunk=st.integers(1, 100_000),
)
def test_the_bytes_are_the_chunks_in_order_whatever_was_declared(
    body: bytes, declared: int | None, chunk: int
) -> None:
    """Fewer bytes than declared, more, or none declared: exactly what arrived."""
    buffer = LimitedBody(1_000_000, expected=declared)
    assert _fill(buffer, memoryview(body), chunk) == body
    assert buffer.size == len(body)


def test_passing_the_limit_still_refuses_as_it_streams() -> None:
    buffer = LimitedBody(200_000, expected=200_000)
    buffer.feed(b"a" * 150_000)
    with pytest.raises(BodyTooLarge):
        buffer.feed(b"a" * 60_000)
    assert buffer.size == 210_000


def test_the_readers_size_the_buffer_from_content_length() -> None:
    """The sync and the ASGI readers pass the declared length on (1.0x, not BytesIO's growth)."""
    size = 3_000_001
    body = b"q" * size
    provider = providers.CustomerIO(secret="s")
    receiver = Receiver(provider, max_body_size=size)
    view = receiver.precheck(
        "POST", Headers({"Content-Length": str(size), "Content-Type": "application/json"})
    )
    chunks = iter(memoryview(body)[start : start + CHUNK] for start in range(0, size, CHUNK))

    received, peak = _peak(
        lambda: read_body(receiver, view, lambda _: bytes(next(chunks, b"")), terminated=False)
    )
    assert received == body
    # The blocking reader's chunks are allocated here (bytes(...)), one at a time.
    assert peak <= size * 1.01 + 2 * CHUNK

    offsets = iter(range(0, size, CHUNK))

    async def receive() -> dict[str, Any]:
        start = next(offsets)
        return {
            "type": "http.request",
            "body": memoryview(body)[start : start + CHUNK],
            "more_body": start + CHUNK < size,
        }

    async def _traced_read() -> tuple[bytes, int]:
        tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            base = tracemalloc.get_traced_memory()[0]
            read = await read_body_async(receiver, receive, view.content_length)
            return read, tracemalloc.get_traced_memory()[1] - base
        finally:
            tracemalloc.stop()

    received, peak = asyncio.run(_traced_read())
    assert received == body
    assert peak <= size * 1.01 + 4096


def test_the_bytes_handed_over_never_change_when_more_arrives() -> None:
    """getvalue() hands over the buffer itself: feeding afterwards must not alter it."""
    buffer = LimitedBody(1_000_000, expected=300_000)
    buffer.feed(b"a" * 100_000)
    first = buffer.getvalue()
    buffer.feed(b"b" * 100_000)
    second = buffer.getvalue()
    assert first == b"a" * 100_000
    assert second == b"a" * 100_000 + b"b" * 100_000
