"""Load test: a mix of valid, duplicate and invalid webhooks through uvicorn on 127.0.0.1.

::

    python benchmarks/loadtest.py [--requests 6000] [--concurrency 64] [--seconds 120]
        [--store sqlite|memory|redis|none] [--client raw|httpx] [--seed N] [--json FILE]

Starts ``uvicorn loadtest_app:app`` (one process, see ``benchmarks/loadtest_app.py``) on a
free 127.0.0.1 port, waits for it (bounded), sends a warm-up round and then the measured
round over ``--concurrency`` keep-alive connections, and stops the server in every case.
The client is a minimal HTTP/1.1 one on asyncio streams (``--client raw``, the default:
the generator and the server share the machine, and a full client spends more CPU per
request than the server) or ``httpx2.AsyncClient`` (``--client httpx``). Each round
is a shuffled mix of:

==================  =============================================================  ======
kind                request                                                        expect
==================  =============================================================  ======
new                 a valid event, delivered once so far                           200
race                a valid event delivered twice at the same moment               200 [1]
replay              an exact copy of an earlier ``new`` request, after its 200     200
bad_signature       Courier, signed with the wrong secret                          401
wrong_token         Kourier, the wrong bearer token                                401
stale               Courier, signed an hour ago                                    401
malformed_json      correctly signed, truncated JSON                               400
wrong_content_type  valid, but ``Content-Type: text/plain``                        415
oversized           over ``max_body_size`` (64 KiB), with ``Content-Length``       413
oversized_chunked   the same, ``Transfer-Encoding: chunked``                       413
wrong_method        ``GET`` on a webhook path                                      405
unknown_path        ``POST`` to a path no receiver serves (the inner app's 404)    404
==================  =============================================================  ======

[1] Of the two copies, the one that claims the event first answers 200; the other
answers 200 too, or 409 while the first is still being processed: then it is sent
again (after a short backoff, at most ``MAX_ATTEMPTS`` times) until it answers 200.
``Retry-After`` (the lease left, up to 120 s) is recorded but not honoured.

Checks, any failure exits 1: every request ends with the status of its kind (a 409
only for a race copy, and only before its final 200); no 5xx and no transport error;
the handler log names every valid event exactly once (none missing, none twice, no
other event: an invalid request never reaches a handler); the server logged no
traceback; the server's RSS (``VmRSS``, sampled before, during and after) grows by at
most ``--max-rss-growth-mb`` from the end of the warm-up to the peak; everything was
sent before ``--seconds`` ran out.

``--store none`` (no idempotency store) is the negative control: replays and racing
copies run their handlers again, and the exactly-once check must fail.

Redis (``--store redis``): ``WEBHOOK_RECEIVER_REDIS_URL`` if set, else a throwaway
``redis-server`` on a free 127.0.0.1 port, stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import gc
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol, TextIO

import httpx2
from _machine import machine
from loadtest_app import (
    COURIER_PATH,
    COURIER_SECRET,
    DEFAULT_MAX_BODY,
    KOURIER_PATH,
    KOURIER_TOKEN,
    RSS_PATH,
)

from webhook_receiver import providers

BENCHMARKS = Path(__file__).resolve().parent
STARTUP_SECONDS = 20.0
STOP_SECONDS = 10.0
REQUEST_TIMEOUT = 30.0
MAX_ATTEMPTS = 40
"""Sends of one race copy at most (the first and the retries after a 409)."""
RSS_INTERVAL = 0.25
COURIER_TOLERANCE = 300.0
"""Courier's default timestamp tolerance: every request is signed when the run is planned."""

EXPECTED: dict[str, int] = {
    "new": 200,
    "race": 200,
    "replay": 200,
    "bad_signature": 401,
    "wrong_token": 401,
    "stale": 401,
    "malformed_json": 400,
    "wrong_content_type": 415,
    "oversized": 413,
    "oversized_chunked": 413,
    "wrong_method": 405,
    "unknown_path": 404,
}
"""The final status each kind of request must get."""

MIX: dict[str, float] = {
    "new": 45,
    "race": 5,  # a work item of two requests
    "replay": 15,
    "bad_signature": 4,
    "wrong_token": 4,
    "stale": 3,
    "malformed_json": 4,
    "wrong_content_type": 3,
    "oversized": 3,
    "oversized_chunked": 2,
    "wrong_method": 4,
    "unknown_path": 3,
}
"""Relative weights of the kinds of work item (a replay needs a ``new`` to copy)."""

COURIER = providers.Courier(secret=COURIER_SECRET)
WRONG_COURIER = providers.Courier(secret="not-" + COURIER_SECRET)


# --- planning: what to send ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Planned:
    """One HTTP request to send, and the status it must end with."""

    kind: str
    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""
    chunked: bool = False
    event: str | None = None
    """For a valid event, the line its handler writes: ``"<provider> <id>"``."""

    @property
    def expected(self) -> int:
        """The status this request must end with."""
        return EXPECTED[self.kind]


@dataclass(frozen=True, slots=True)
class Item:
    """A unit of work: its requests are sent at the same moment (two for a race)."""

    requests: tuple[Planned, ...]
    after: str | None = None
    """For a replay: the event whose first delivery must have answered before it is sent."""


def kourier_body(event_id: str) -> bytes:
    """A Kourier ``delivery.updated`` for delivery ``event_id``."""
    payload = {
        "event": "delivery.updated",
        "delivery_id": event_id,
        "status": "in_transit",
        "timestamp": "2024-09-14T14:30:00Z",
    }
    return json.dumps(payload).encode()


def courier_body(message_id: str, padding: int = 0) -> bytes:
    """A Courier ``message:updated`` for message ``message_id`` (``padding`` extra bytes)."""
    data: dict[str, Any] = {
        "id": message_id,
        "status": "DELIVERED",
        "recipient": "load-test",
        "event": "LOAD_TEST",
        "notification": "LOAD_TEST",
        "enqueued": 1706160867000,
        "sent": 1706160868120,
        "delivered": 1706160871431,
    }
    if padding:
        data["padding"] = "x" * padding
    return json.dumps({"type": "message:updated", "data": data}).encode()


def kourier_headers(token: str = KOURIER_TOKEN, content_type: str = "application/json") -> dict[str, str]:
    """Kourier's headers: a bearer token."""
    return {"Authorization": f"Bearer {token}", "Content-Type": content_type}


def courier_headers(
    body: bytes,
    provider: providers.Courier = COURIER,
    *,
    now: float | None = None,
    content_type: str = "application/json",
) -> dict[str, str]:
    """Courier's headers: ``courier-signature`` over ``body``."""
    return {"Content-Type": content_type, **provider.sign(body, now=now)}


def valid_request(kind: str, provider: str, event_id: str) -> Planned:
    """A valid, correctly signed delivery of a new event."""
    event = f"{provider} {event_id}"
    if provider == "kourier":
        return Planned(kind, "POST", KOURIER_PATH, kourier_headers(), kourier_body(event_id), event=event)
    body = courier_body(event_id)
    return Planned(kind, "POST", COURIER_PATH, courier_headers(body), body, event=event)


def invalid_request(kind: str, event_id: str, rng: random.Random, max_body: int) -> Planned:
    """A request of invalid ``kind``, about an event no handler may ever see."""
    courier = rng.random() < 0.5
    path = COURIER_PATH if courier else KOURIER_PATH
    if kind == "bad_signature":
        body = courier_body(event_id)
        return Planned(kind, "POST", COURIER_PATH, courier_headers(body, WRONG_COURIER), body)
    if kind == "wrong_token":
        return Planned(kind, "POST", KOURIER_PATH, kourier_headers("wrong-token"), kourier_body(event_id))
    if kind == "stale":
        body = courier_body(event_id)
        return Planned(kind, "POST", COURIER_PATH, courier_headers(body, now=time.time() - 3600), body)
    if kind == "malformed_json":
        body = (courier_body(event_id) if courier else kourier_body(event_id))[:-7]
        headers = courier_headers(body) if courier else kourier_headers()
        return Planned(kind, "POST", path, headers, body)
    if kind == "wrong_content_type":
        body = courier_body(event_id) if courier else kourier_body(event_id)
        plain = "text/plain; charset=utf-8"
        headers = (
            courier_headers(body, content_type=plain) if courier else kourier_headers(content_type=plain)
        )
        return Planned(kind, "POST", path, headers, body)
    if kind in ("oversized", "oversized_chunked"):
        # One body for all (it is refused before any handler could see it): a run of
        # 150 000 requests would otherwise hold half a gigabyte of padding.
        body, headers = _oversized(max_body)
        return Planned(kind, "POST", COURIER_PATH, headers, body, chunked=kind == "oversized_chunked")
    if kind == "wrong_method":
        return Planned(kind, "GET", path, courier_headers(b"") if courier else kourier_headers())
    if kind == "unknown_path":
        body = kourier_body(event_id)
        return Planned(kind, "POST", "/hooks/unknown", kourier_headers(), body)
    raise ValueError(f"unknown kind {kind!r}")


@functools.cache
def _oversized(max_body: int) -> tuple[bytes, dict[str, str]]:
    body = courier_body("oversized", padding=max_body + 4096)
    return body, courier_headers(body)


def plan(
    run_id: str, requests: int, concurrency: int, rng: random.Random, max_body: int = DEFAULT_MAX_BODY
) -> list[Item]:
    """A shuffled mix of about ``requests`` requests (see the module docstring).

    A replay is placed at least ``concurrency`` items after the ``new`` it copies, so
    the original has been picked up by a worker before the replay is (workers take
    items in order), and waiting for its answer cannot starve the pool.
    """
    kinds = list(MIX)
    weights = [MIX[kind] for kind in kinds]
    base: list[Item] = []
    news: list[Item] = []
    replays_wanted = 0
    count = 0
    serial = 0
    while count < requests:
        kind = rng.choices(kinds, weights)[0]
        serial += 1
        event_id = f"{run_id}-{serial}"
        if kind == "replay":
            replays_wanted += 1
            count += 1
            continue
        if kind in ("new", "race"):
            provider = rng.choice(("kourier", "courier"))
            first = valid_request(kind, provider, event_id)
            item = Item((first, first) if kind == "race" else (first,))
            if kind == "new":
                news.append(item)
        else:
            item = Item((invalid_request(kind, event_id, rng, max_body),))
        base.append(item)
        count += len(item.requests)
    rng.shuffle(base)
    position = {id(item): index for index, item in enumerate(base)}
    keyed: list[tuple[float, int, Item]] = [(float(index), 0, item) for index, item in enumerate(base)]
    for _ in range(replays_wanted if news else 0):
        original = rng.choice(news)
        copy = replace(original.requests[0], kind="replay")
        low = float(position[id(original)] + concurrency)
        keyed.append((rng.uniform(low, max(low, float(len(base)))), 1, Item((copy,), after=copy.event)))
    keyed.sort(key=lambda entry: (entry[0], entry[1]))
    return [item for _, _, item in keyed]


# --- sending ------------------------------------------------------------------------------------


@dataclass(slots=True)
class Outcome:
    """What happened to one planned request: every attempt's status and latency."""

    kind: str
    expected: int
    event: str | None
    statuses: list[int] = field(default_factory=list)
    """One per attempt; 0 for a transport error."""
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    retry_after: list[int] = field(default_factory=list)

    @property
    def final(self) -> int | None:
        """The last attempt's status (``None`` if never sent)."""
        return self.statuses[-1] if self.statuses else None


@dataclass(slots=True)
class Round:
    """The outcomes of one round of items, and how long it took."""

    outcomes: list[Outcome]
    races: list[tuple[Outcome, Outcome]]
    unsent: int
    elapsed: float
    client_cpu: float


class TransportFailure(Exception):
    """A request got no HTTP answer (connection refused, reset or closed early, timeout)."""


class Transport(Protocol):
    """Sends one request over one of ``concurrency`` keep-alive connections."""

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes, *, chunked: bool
    ) -> tuple[int, dict[str, str], float]:
        """The answer's status and (lowercase) headers, and the seconds it took.

        Raises ``TransportFailure`` when no answer came.
        """

    async def aclose(self) -> None:
        """Close every connection."""


CHUNK = 8192


class RawTransport:
    """HTTP/1.1 over asyncio streams: a pool of keep-alive connections, nothing else.

    The default client: about a tenth of the CPU per request that a full client needs,
    which matters when the load generator and the server share two cores. It sends
    exactly the bytes asked for and reads ``Content-Length`` or chunked answers.
    """

    IDLE = 2.0
    """Reconnect a connection idle this long (uvicorn closes idle ones after 5 s)."""

    def __init__(self, host: str, port: int, connections: int) -> None:
        self._host = host
        self._port = port
        self._idle: asyncio.Queue[_RawConnection] = asyncio.Queue()
        self._all = [_RawConnection() for _ in range(connections)]
        for connection in self._all:
            self._idle.put_nowait(connection)

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes, *, chunked: bool
    ) -> tuple[int, dict[str, str], float]:
        """See :class:`Transport`; the time excludes waiting for a free connection."""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self._host}:{self._port}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if chunked:
            lines.append("Transfer-Encoding: chunked")
            parts = [b"%x\r\n%b\r\n" % (len(piece), piece) for piece in _pieces(body)] + [b"0\r\n\r\n"]
        else:
            if body or method not in ("GET", "HEAD"):
                lines.append(f"Content-Length: {len(body)}")
            parts = [body] if body else []
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        connection = await self._idle.get()
        started = time.perf_counter()
        try:
            if connection.writer is not None and time.monotonic() - connection.used > self.IDLE:
                connection.close()
            status, answer_headers = await asyncio.wait_for(
                connection.exchange(self._host, self._port, head, parts), REQUEST_TIMEOUT
            )
        except (OSError, EOFError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
            connection.close()
            raise TransportFailure(f"{type(exc).__name__}: {exc}"[:200]) from exc
        except TimeoutError as exc:
            connection.close()
            raise TransportFailure(f"no answer within {REQUEST_TIMEOUT:g} s") from exc
        finally:
            self._idle.put_nowait(connection)
        return status, answer_headers, time.perf_counter() - started

    async def aclose(self) -> None:
        """Close every connection."""
        for connection in self._all:
            connection.close()


class _RawConnection:
    """One keep-alive connection, opened on first use and after any failure."""

    __slots__ = ("reader", "used", "writer")

    def __init__(self) -> None:
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.used = 0.0

    async def exchange(
        self, host: str, port: int, head: bytes, parts: list[bytes]
    ) -> tuple[int, dict[str, str]]:
        if self.reader is None or self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(host, port)
        reader, writer = self.reader, self.writer
        writer.write(head)
        for part in parts:
            writer.write(part)
            await writer.drain()
        await writer.drain()
        status_line, *header_lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        headers: dict[str, str] = {}
        for line in header_lines:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            await reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            while size := int((await reader.readuntil(b"\r\n")).split(b";", 1)[0], 16):
                await reader.readexactly(size + 2)
            while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers
                pass
        else:
            await reader.read()  # the body runs to the end of the connection
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            self.close()
        self.used = time.monotonic()
        return status, headers

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


class HttpxTransport:
    """``httpx2.AsyncClient`` with ``connections`` keep-alive connections."""

    def __init__(self, base_url: str, connections: int) -> None:
        limits = httpx2.Limits(
            max_connections=connections, max_keepalive_connections=connections, keepalive_expiry=2.0
        )
        timeout = httpx2.Timeout(REQUEST_TIMEOUT, pool=REQUEST_TIMEOUT * 2)
        self._base_url = base_url
        self._client = httpx2.AsyncClient(limits=limits, timeout=timeout, trust_env=False)

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes, *, chunked: bool
    ) -> tuple[int, dict[str, str], float]:
        """See :class:`Transport`; the time includes waiting for a free connection."""
        content: bytes | AsyncIterator[bytes] | None = _async_pieces(body) if chunked else (body or None)
        started = time.perf_counter()
        try:
            response = await self._client.request(
                method, self._base_url + path, headers=headers, content=content
            )
        except httpx2.HTTPError as exc:
            raise TransportFailure(f"{type(exc).__name__}: {exc}"[:200]) from exc
        return response.status_code, dict(response.headers), time.perf_counter() - started

    async def aclose(self) -> None:
        """Close every connection."""
        await self._client.aclose()


def _pieces(body: bytes) -> list[bytes]:
    return [body[start : start + CHUNK] for start in range(0, len(body), CHUNK)]


async def _async_pieces(body: bytes) -> AsyncIterator[bytes]:
    for piece in _pieces(body):
        yield piece


async def send(transport: Transport, request: Planned, deadline: float) -> Outcome:
    """Send ``request``; a race copy answered 409 is sent again after a backoff, bounded."""
    outcome = Outcome(request.kind, request.expected, request.event)
    backoff = 0.01
    for _ in range(MAX_ATTEMPTS):
        try:
            status, headers, latency = await transport.request(
                request.method, request.path, request.headers, request.body, chunked=request.chunked
            )
        except TransportFailure as exc:
            outcome.statuses.append(0)
            outcome.errors.append(str(exc))
            break
        outcome.latencies.append(latency)
        outcome.statuses.append(status)
        if status != 409 or request.kind != "race" or time.monotonic() + backoff > deadline:
            break
        with suppress(KeyError, ValueError):
            outcome.retry_after.append(int(headers["retry-after"]))
        await asyncio.sleep(backoff)
        backoff = min(backoff * 2, 0.5)
    return outcome


async def run_round(transport: Transport, items: Sequence[Item], concurrency: int, deadline: float) -> Round:
    """Send ``items`` with ``concurrency`` workers taking them in order; stop at ``deadline``."""
    finished: dict[str, asyncio.Event] = {}
    for item in items:
        for request in item.requests:
            if request.event is not None:
                finished.setdefault(request.event, asyncio.Event())
    outcomes: list[Outcome] = []
    races: list[tuple[Outcome, Outcome]] = []
    queue = iter(items)
    unsent = 0

    async def worker() -> None:
        nonlocal unsent
        for item in queue:  # one shared iterator: each item goes to exactly one worker
            if time.monotonic() > deadline:
                unsent += len(item.requests)
                continue
            if item.after is not None:
                try:
                    await asyncio.wait_for(finished[item.after].wait(), max(0.0, deadline - time.monotonic()))
                except TimeoutError:
                    unsent += 1
                    continue
            results = await asyncio.gather(*(send(transport, r, deadline) for r in item.requests))
            outcomes.extend(results)
            if len(results) == 2:
                races.append((results[0], results[1]))
            for request in item.requests:
                if request.event is not None and request.kind != "replay":
                    finished[request.event].set()

    cpu = time.process_time()
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return Round(outcomes, races, unsent, time.perf_counter() - started, time.process_time() - cpu)


@dataclass(frozen=True, slots=True)
class ServerSample:
    """One reading of the server's ``/_loadtest/rss`` endpoint."""

    rss_kib: int
    stall_ms: float
    """The longest event-loop stall since the previous reading."""
    gc_full: int
    """Full (generation 2) garbage collections so far."""


async def sample_server(client: httpx2.AsyncClient, base_url: str) -> ServerSample:
    """Read the server's RSS, its longest loop stall since the last reading, and its GC count."""
    response = await client.get(base_url + RSS_PATH)
    response.raise_for_status()
    data = response.json()
    return ServerSample(int(data["rss_kib"]), float(data["loop_stall_ms"]), int(data["gc_full_collections"]))


async def sample_until(
    client: httpx2.AsyncClient, base_url: str, stop: asyncio.Event, samples: list[ServerSample]
) -> None:
    """Append a reading of the server to ``samples`` every ``RSS_INTERVAL`` s until ``stop`` is set."""
    while not stop.is_set():
        with suppress(httpx2.HTTPError):
            samples.append(await sample_server(client, base_url))
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), RSS_INTERVAL)


async def watch_stalls(stop: asyncio.Event, tick: float = 0.01) -> float:
    """The longest stall of this (the load generator's) event loop until ``stop``, in seconds.

    Latencies are measured here, so a stall here inflates them without the server
    being slow; reported next to the server's own.
    """
    loop = asyncio.get_running_loop()
    longest = 0.0
    while not stop.is_set():
        started = loop.time()
        await asyncio.sleep(tick)
        longest = max(longest, loop.time() - started - tick)
    return longest


def server_cpu_seconds(pid: int) -> float:
    """User plus system CPU time of process ``pid`` so far, from ``/proc/<pid>/stat``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass(slots=True)
class Measured:
    """Everything the checks and the report need."""

    warmup: Round
    main: Round
    start: ServerSample
    baseline: ServerSample
    """After the warm-up: what growth is measured from."""
    samples: list[ServerSample]
    end: ServerSample
    server_cpu: float
    client_stall: float

    @property
    def rss_samples(self) -> list[int]:
        """The server's RSS during the measured round, in KiB."""
        return [sample.rss_kib for sample in self.samples]

    @property
    def rss_peak(self) -> int:
        """The highest RSS from the end of the warm-up on, in KiB."""
        return max([self.baseline.rss_kib, self.end.rss_kib, *self.rss_samples])

    @property
    def server_stall_ms(self) -> float:
        """The server's longest event-loop stall during the measured round."""
        return max([self.end.stall_ms, *(sample.stall_ms for sample in self.samples)])


async def drive(
    base_url: str,
    pid: int,
    warmup: list[Item],
    main: list[Item],
    *,
    concurrency: int,
    seconds: float,
    client: str = "raw",
) -> Measured:
    """Warm up, then send the measured round while sampling the server; all within ``seconds``."""
    deadline = time.monotonic() + seconds
    transport: Transport
    if client == "raw":
        host, port = base_url.removeprefix("http://").rsplit(":", 1)
        transport = RawTransport(host, int(port), concurrency)
    else:
        transport = HttpxTransport(base_url, concurrency)
    try:
        async with httpx2.AsyncClient(timeout=REQUEST_TIMEOUT, trust_env=False) as probe:
            start = await sample_server(probe, base_url)
            warm = await run_round(transport, warmup, concurrency, deadline)
            baseline = await sample_server(probe, base_url)
            samples: list[ServerSample] = []
            stop = asyncio.Event()
            sampler = asyncio.create_task(sample_until(probe, base_url, stop, samples))
            stalls = asyncio.create_task(watch_stalls(stop))
            cpu = server_cpu_seconds(pid)
            measured = await run_round(transport, main, concurrency, deadline)
            server_cpu = server_cpu_seconds(pid) - cpu
            stop.set()
            await sampler
            client_stall = await stalls
            end = await sample_server(probe, base_url)
    finally:
        await transport.aclose()
    return Measured(warm, measured, start, baseline, samples, end, server_cpu, client_stall)


# --- servers ------------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_SECONDS)


class SetupError(Exception):
    """A server could not be started: the run cannot say anything about the library."""


@contextmanager
def redis_url(directory: str) -> Iterator[str]:
    """``WEBHOOK_RECEIVER_REDIS_URL``, else a throwaway ``redis-server`` on 127.0.0.1 for the block."""
    url = os.environ.get("WEBHOOK_RECEIVER_REDIS_URL")
    if url:
        yield url
        return
    binary = shutil.which("redis-server")
    if binary is None:
        raise SetupError("--store redis needs WEBHOOK_RECEIVER_REDIS_URL or a redis-server on the PATH")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        cwd=directory,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _redis_answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SetupError(f"redis-server did not answer on port {port}")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        _stop(process)


def _redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def uvicorn_command(app: str, port: int, *, factory: bool = False) -> list[str]:
    """One uvicorn process serving ``app`` (``module:attribute`` in benchmarks/) on 127.0.0.1."""
    command = [sys.executable, "-m", "uvicorn", *(["--factory"] if factory else []), app]
    command += ["--app-dir", str(BENCHMARKS), "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    return [*command, "--no-access-log", "--log-level", "warning"]


@contextmanager
def server(
    command: Callable[[int], Sequence[str]],
    *,
    ready_path: str,
    log: TextIO,
    environment: Mapping[str, str] | None = None,
    cpus: frozenset[int] | None = None,
    what: str = "server",
    answers_pid: bool = False,
) -> Iterator[tuple[str, int]]:
    """``command(port)`` on a free 127.0.0.1 port until ``GET ready_path`` answers 200; yields URL and pid.

    ``log`` takes the server's output (stdout and stderr); ``environment`` is its
    environment (``None``: this process's); ``cpus``, the CPUs it and every process it
    forks may run on (``None``: any); ``what`` names it in errors. With ``answers_pid``,
    the answer is JSON ``{"pid": ...}`` and only one naming this process counts.
    :class:`SetupError` when the process exits first or does not answer within
    ``STARTUP_SECONDS``. The server is stopped (terminate, then kill) however the block ends.
    """
    port = free_port()
    # In the child, before exec: inherited by the workers a server such as gunicorn forks.
    pin = None if cpus is None else functools.partial(os.sched_setaffinity, 0, cpus)
    # Output to a file, not a pipe nobody drains (a full pipe would stall the server).
    process = subprocess.Popen(
        command(port), env=environment, stdout=log, stderr=subprocess.STDOUT, preexec_fn=pin
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                raise SetupError(f"{what} exited early ({process.returncode}); see its log")
            with suppress(httpx2.HTTPError, ValueError, KeyError):
                answer = httpx2.get(base_url + ready_path, timeout=2, trust_env=False)
                # The pid tells our server from another process that took the port meanwhile.
                if answer.status_code == 200 and (not answers_pid or answer.json()["pid"] == process.pid):
                    break
            if time.monotonic() > deadline:
                raise SetupError(f"{what} did not answer on port {port} within {STARTUP_SECONDS:g} s")
            time.sleep(0.1)
        yield base_url, process.pid
    finally:
        _stop(process)


def uvicorn_server(
    app: str, *, ready_path: str, log: TextIO, environment: Mapping[str, str]
) -> AbstractContextManager[tuple[str, int]]:
    """``uvicorn app`` (one process, see :func:`uvicorn_command`) as :func:`server` runs it.

    ``ready_path`` must answer the app's pid (``{"pid": ...}``); yields URL and pid.
    """
    command = functools.partial(uvicorn_command, app)
    return server(
        command, ready_path=ready_path, log=log, environment=environment, what="uvicorn", answers_pid=True
    )


@contextmanager
def gc_paused() -> Iterator[None]:
    """No garbage collection in the block: what exists is frozen, the collector off until it ends.

    Latencies are timed in this process: a full collection over the plan and the outcomes
    stalled the loop for up to 400 ms in a run of 150 000 requests, which then showed up
    as server latency. Reference counting frees nearly everything; what cycles remain
    wait until the block ends.
    """
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def setup_failed(error: SetupError, log_path: Path | None = None) -> int:
    """Report ``error`` on stderr with the end of the server's log (if any); the exit status, 2."""
    print(f"setup failed: {error}", file=sys.stderr)
    if log_path is not None and log_path.exists():
        print(log_path.read_text()[-4000:], file=sys.stderr)
    return 2


# --- checks and report --------------------------------------------------------------------------


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile of ``values`` (``fraction`` in 0..1); 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(fraction * len(ordered) + 0.999999) - 1))
    return ordered[index]


def check(
    rounds: Sequence[Round], handler_lines: Sequence[str], server_log: str, rss_growth_kib: int, max_kib: int
) -> tuple[list[str], dict[str, int]]:
    """Every check of the module docstring; returns the failures and the exactly-once counts."""
    failures: list[str] = []
    outcomes = [outcome for r in rounds for outcome in r.outcomes]
    wrong = Counter(
        (o.kind, o.final)
        for o in outcomes
        if o.final != o.expected or (o.kind != "race" and 409 in o.statuses)
    )
    for (kind, status), n in sorted(wrong.items(), key=str):
        failures.append(f"{n} {kind} request(s) ended with {status}, expected {EXPECTED[kind]}")
    server_errors = sum(1 for o in outcomes for s in o.statuses if s >= 500)
    if server_errors:
        failures.append(f"{server_errors} 5xx answer(s)")
    transport = [e for o in outcomes for e in o.errors]
    if transport:
        failures.append(f"{len(transport)} transport error(s), e.g. {transport[0]}")
    unsent = sum(r.unsent for r in rounds)
    if unsent:
        failures.append(f"{unsent} request(s) not sent before the time limit")
    lost_races = sum(1 for r in rounds for a, b in r.races if 200 not in (a.statuses[0], b.statuses[0]))
    if lost_races:
        failures.append(f"{lost_races} race(s) where neither copy answered 200 on its first attempt")
    valid = {o.event for o in outcomes if o.event is not None and o.kind in ("new", "race")}
    runs = Counter(handler_lines)
    missing = len(valid - runs.keys())
    twice = sum(1 for event, n in runs.items() if event in valid and n > 1)
    unexpected = sum(n for event, n in runs.items() if event not in valid)
    if missing:
        failures.append(f"{missing} valid event(s) never reached a handler")
    if twice:
        failures.append(f"{twice} event(s) handled more than once")
    if unexpected:
        failures.append(f"{unexpected} handler run(s) for events that were never validly sent")
    if "Traceback" in server_log:
        failures.append("the server logged a traceback")
    if "may run twice" in server_log:
        failures.append("the server warned that a claim outlived its lease")
    if rss_growth_kib > max_kib:
        failures.append(f"server RSS grew by {rss_growth_kib / 1024:.1f} MiB, over {max_kib / 1024:.0f} MiB")
    counts = {
        "valid_events": len(valid),
        "handler_runs": len(handler_lines),
        "missing": missing,
        "twice": twice,
        "unexpected": unexpected,
    }
    return failures, counts


def status_summary(outcomes: Sequence[Outcome]) -> str:
    """``200x12 409x1`` over every attempt."""
    counts = Counter(s for o in outcomes for s in o.statuses)
    return " ".join(f"{status}x{n}" for status, n in sorted(counts.items()))


def report(
    args: argparse.Namespace, measured: Measured, counts: dict[str, int], failures: list[str], server_log: str
) -> dict[str, Any]:
    """Print the result table; return the figures as a dict (for ``--json``)."""
    main = measured.main
    attempts = [latency for o in main.outcomes for latency in o.latencies]
    retries = sum(len(o.statuses) - 1 for o in main.outcomes)
    rate = len(attempts) / main.elapsed if main.elapsed else 0.0
    rss_peak = measured.rss_peak
    growth = rss_peak - measured.baseline.rss_kib
    retry_after = [value for o in main.outcomes for value in o.retry_after]
    warm_requests = sum(len(o.statuses) for o in measured.warmup.outcomes)

    def ms(value: float) -> str:
        return f"{value * 1000:.1f}"

    print(
        f"# load test: store={args.store}, {len(main.outcomes)} requests (+{warm_requests} warm-up), "
        f"concurrency {args.concurrency}, client {args.client}, handler delay {args.handler_delay_ms:g} ms"
    )
    print(f"# {machine()}")
    print(
        f"elapsed {main.elapsed:.2f} s: {rate:.0f} requests/s ({len(attempts)} HTTP requests, "
        f"{retries} of them retries after a 409)"
    )
    print(
        f"latency ms: p50 {ms(percentile(attempts, 0.5))}  p95 {ms(percentile(attempts, 0.95))}  "
        f"p99 {ms(percentile(attempts, 0.99))}  p99.9 {ms(percentile(attempts, 0.999))}  "
        f"max {ms(max(attempts, default=0.0))}"
    )
    print(
        f"CPU s: server {measured.server_cpu:.2f} ({measured.server_cpu / main.elapsed:.0%} of a core), "
        f"load generator {main.client_cpu:.2f} ({main.client_cpu / main.elapsed:.0%})"
    )
    full_gcs = measured.end.gc_full - measured.baseline.gc_full
    print(
        f"longest event-loop stall ms: server {measured.server_stall_ms:.1f}, load generator "
        f"{measured.client_stall * 1000:.1f}; full GCs in the server: {full_gcs}"
    )
    print()
    header = f"{'kind':<20}{'requests':>9}{'expect':>8}  {'statuses (every attempt)':<26}"
    print(f"{header}{'p50 ms':>8}{'p95 ms':>8}")
    by_kind: dict[str, list[Outcome]] = {}
    for outcome in main.outcomes:
        by_kind.setdefault(outcome.kind, []).append(outcome)
    table: dict[str, Any] = {}
    for kind in EXPECTED:
        group = by_kind.get(kind, [])
        latencies = [latency for o in group for latency in o.latencies]
        summary = status_summary(group)
        print(
            f"{kind:<20}{len(group):>9}{EXPECTED[kind]:>8}  {summary:<26}"
            f"{ms(percentile(latencies, 0.5)):>8}{ms(percentile(latencies, 0.95)):>8}"
        )
        table[kind] = {"requests": len(group), "statuses": summary}
    print()
    print(
        f"exactly once (warm-up and measured): {counts['valid_events']} valid events, "
        f"{counts['handler_runs']} handler runs, {counts['missing']} missing, {counts['twice']} twice, "
        f"{counts['unexpected']} unexpected"
    )
    if retry_after:
        print(f"409 answers: {len(retry_after)}, Retry-After {min(retry_after)}..{max(retry_after)} s")
    print(
        f"server RSS MiB: start {measured.start.rss_kib / 1024:.1f}, after warm-up "
        f"{measured.baseline.rss_kib / 1024:.1f}, peak {rss_peak / 1024:.1f}, "
        f"end {measured.end.rss_kib / 1024:.1f}; "
        f"growth after warm-up {growth / 1024:+.1f} (bound {args.max_rss_growth_mb:g}), "
        f"{len(measured.rss_samples)} samples"
    )
    if measured.rss_samples:
        # The shape matters more than the peak: a plateau is stable, a steady climb is a leak.
        samples = measured.rss_samples
        tenths = [samples[min(len(samples) - 1, len(samples) * i // 10)] for i in range(11)]
        print("server RSS MiB at each tenth of the run: " + " ".join(f"{kib / 1024:.1f}" for kib in tenths))
    print(f"server log: {server_log.count(chr(10))} lines")
    print("checks: " + ("all passed" if not failures else "FAILED"))
    for failure in failures:
        print(f"  - {failure}")
    return {
        "store": args.store,
        "requests": len(main.outcomes),
        "http_requests": len(attempts),
        "retries": retries,
        "concurrency": args.concurrency,
        "client": args.client,
        "elapsed_s": main.elapsed,
        "requests_per_s": rate,
        "latency_ms": {
            name: percentile(attempts, q) * 1000
            for name, q in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99), ("p99.9", 0.999), ("max", 1.0))
        },
        "stall_ms": {"server": measured.server_stall_ms, "load_generator": measured.client_stall * 1000},
        "kinds": table,
        "exactly_once": counts,
        "rss_kib": {
            "start": measured.start.rss_kib,
            "baseline": measured.baseline.rss_kib,
            "peak": rss_peak,
            "end": measured.end.rss_kib,
            "growth": growth,
            "samples": measured.rss_samples,
        },
        "failures": failures,
    }


# --- main ---------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=6000, help="requests in the measured round")
    parser.add_argument("--concurrency", type=int, default=64, help="connections (and workers)")
    parser.add_argument("--seconds", type=float, default=120.0, help="time limit for sending, at most 280")
    parser.add_argument(
        "--client", choices=("raw", "httpx"), default="raw", help="asyncio streams, or httpx2.AsyncClient"
    )
    parser.add_argument("--store", choices=("memory", "sqlite", "redis", "none"), default="sqlite")
    parser.add_argument("--warmup", type=int, default=None, help="warm-up requests (default: 10%%, >= 200)")
    parser.add_argument("--max-rss-growth-mb", type=float, default=30.0)
    parser.add_argument("--handler-delay-ms", type=float, default=0.0, help="each handler sleeps this long")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    if args.requests < 1 or args.concurrency < 1:
        parser.error("--requests and --concurrency must be positive")
    if not 0 < args.seconds <= COURIER_TOLERANCE - 20:
        # Requests are signed when planned: they must all be sent inside Courier's tolerance.
        parser.error(f"--seconds must be in (0, {COURIER_TOLERANCE - 20:g}]")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the load test; 0 when every check passed, 1 when one failed, 2 when setup failed."""
    args = parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    rng = random.Random(seed)
    run_id = f"{os.getpid():x}{time.time_ns():x}"
    warmup_requests = args.warmup if args.warmup is not None else max(200, args.requests // 10)
    with tempfile.TemporaryDirectory(prefix="loadtest-") as tmp:
        handler_log = Path(tmp) / "handler-runs.log"
        environment = {
            **os.environ,
            "LOADTEST_HANDLER_LOG": str(handler_log),
            "LOADTEST_STORE": args.store,
            "LOADTEST_SQLITE_PATH": str(Path(tmp) / "events.db"),
            "LOADTEST_REDIS_PREFIX": f"loadtest:{run_id}:",
            "LOADTEST_HANDLER_DELAY_MS": str(args.handler_delay_ms),
        }
        server_log_path = Path(tmp) / "server.log"
        try:
            with server_log_path.open("w") as server_log, _store_url(args.store, tmp) as url:
                if url:
                    environment["LOADTEST_REDIS_URL"] = url
                warmup = plan(f"w{run_id}", warmup_requests, args.concurrency, rng)
                measured_items = plan(f"m{run_id}", args.requests, args.concurrency, rng)
                with (
                    gc_paused(),
                    uvicorn_server(
                        "loadtest_app:app", ready_path=RSS_PATH, log=server_log, environment=environment
                    ) as (base_url, pid),
                ):
                    measured = asyncio.run(
                        drive(
                            base_url,
                            pid,
                            warmup,
                            measured_items,
                            concurrency=args.concurrency,
                            seconds=args.seconds,
                            client=args.client,
                        )
                    )
        except SetupError as exc:
            return setup_failed(exc, server_log_path)
        # The server has stopped: every handler run is in the log.
        lines = handler_log.read_text().splitlines() if handler_log.exists() else []
        log_text = server_log_path.read_text()
    failures, counts = check(
        [measured.warmup, measured.main],
        lines,
        log_text,
        measured.rss_peak - measured.baseline.rss_kib,
        int(args.max_rss_growth_mb * 1024),
    )
    print(f"# seed {seed}")
    figures = report(args, measured, counts, failures, log_text)
    if failures and "Traceback" in log_text:
        print(log_text[log_text.index("Traceback") :][:3000], file=sys.stderr)
    if args.json is not None:
        args.json.write_text(json.dumps({**figures, "seed": seed}, indent=2) + "\n")
    return 1 if failures else 0


@contextmanager
def _store_url(store: str, tmp: str) -> Iterator[str | None]:
    if store != "redis":
        yield None
        return
    with redis_url(tmp) as url:
        yield url


if __name__ == "__main__":
    sys.exit(main())
