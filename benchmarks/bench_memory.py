"""Peak extra memory to receive a large body, as a multiple of the body's size.

The body arrives through the ASGI middleware's reader in 64 KiB chunks (as uvicorn
hands them over), once with its ``Content-Length`` declared (the usual request) and
once without (a chunked one), is verified, and then parsed into events. ``tracemalloc`` reports the
peak of memory allocated during each step, beyond what existed before it (the chunks
the "server" hands over are views of one prepared body, so only what the library
allocates is counted).

    python benchmarks/bench_memory.py [--sizes 1048576,10485760] [--json PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import tracemalloc
from typing import Any

from webhook_receiver import Receiver, providers
from webhook_receiver.adapters.asgi import read_body

CHUNK = 64 * 1024


def make_body(size: int) -> bytes:
    head = b'[{"type":"track","userId":"1","event":"Big","properties":{"blob":"'
    return head + b"x" * (size - len(head) - 5) + b'"}}]'


def measure(size: int) -> dict[str, Any]:
    """Peak bytes allocated to read (declared and chunked), verify and parse a ``size``-byte body."""
    body = make_body(size)
    provider = providers.CustomerIO(secret="memory-secret")
    receiver = Receiver(provider, max_body_size=size + 1)
    headers = provider.sign(body)
    view = memoryview(body)

    async def receive_all(expected: int | None) -> tuple[bytes, int]:
        offsets = iter(range(0, size, CHUNK))

        async def receive() -> dict[str, Any]:
            start = next(offsets, None)
            if start is None:
                return {"type": "http.request", "body": b"", "more_body": False}
            return {"type": "http.request", "body": view[start : start + CHUNK], "more_body": True}

        # Traced from inside the running loop: the event loop's own set-up is not the
        # library's allocation (it is about 10 KB, 0.01x of a 1 MiB body).
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        received = await read_body(receiver, receive, expected)
        return received, tracemalloc.get_traced_memory()[1] - base

    tracemalloc.start()
    chunked, chunked_peak = asyncio.run(receive_all(None))
    assert chunked == body
    del chunked
    received, read_peak = asyncio.run(receive_all(size))
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    provider.verify(headers, received)
    verify_peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    events = provider.parse(headers, received)
    parse_peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    assert len(events) == 1
    assert received == body
    return {
        "size": size,
        "read": read_peak,
        "chunked": chunked_peak,
        "verify": verify_peak,
        "parse": parse_peak,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="100000,1048576,3000000,5000000")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON (for run.py)")
    args = parser.parse_args()
    print(f"# python {platform.python_version()} on {platform.machine()}; tracemalloc peaks")
    print(
        f"{'body':>10} {'read (x body)':>14} {'read, chunked':>14} {'verify (x body)':>16} "
        f"{'parse (x body)':>15}"
    )
    rows = []
    steps = ("read", "chunked", "verify", "parse")
    for size in (int(s) for s in args.sizes.split(",")):
        figures = measure(size)
        rows.append({step: figures[step] / size for step in steps} | {"size": size})
        print(
            f"{size // 1024:>7} KiB {figures['read'] / size:>14.3f} {figures['chunked'] / size:>14.3f} "
            f"{figures['verify'] / size:>16.3f} {figures['parse'] / size:>15.3f}"
        )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump({"rows": rows}, out)


if __name__ == "__main__":
    main()
