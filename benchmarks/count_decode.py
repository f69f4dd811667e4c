"""Instruction counts for ``Receiver.handle`` on a 944-byte Courier event, with and without orjson.

Wall-clock ratios of a 30 µs request swing by several percent on a shared machine;
instruction counts do not. Each variant runs in its own process under ``valgrind
--tool=callgrind``, which counts ``--calls`` calls of ``handle`` on the same signed
request (``_callgrind.measure``: after a warm-up, the empty loop subtracted).
"Without" runs in a process where ``import orjson`` fails.

    python benchmarks/count_decode.py [--calls 1000]

Needs ``valgrind`` and ``gcc`` (Debian's packages) and orjson (the ``orjson`` extra);
about 20 seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _callgrind

NOW = 1_700_000_000
VARIANTS = {"with orjson": False, "without orjson": True}
"""Variant name -> whether ``import orjson`` fails in its process."""


def child(without_orjson: bool, calls: int) -> None:
    """Count ``calls`` requests (this process runs under callgrind)."""
    if without_orjson:
        sys.modules["orjson"] = None  # type: ignore[assignment]
    from webhook_receiver import Receiver
    from webhook_receiver._events import _orjson
    from webhook_receiver.testing import make_provider

    assert (_orjson is None) == without_orjson
    provider = make_provider("courier")
    receiver = Receiver(provider)
    receiver.on_any(lambda event: None)
    items = [{"sku": f"SKU-{i}", "qty": i, "price": 19.99 + i} for i in range(10)]
    data = {
        "id": "1-65a8f7e2-abc123", "status": "DELIVERED", "recipient": "user-42", "event": "ORDER_SHIPPED",
        "enqueued": 1706160867123, "sent": 1706160867456, "delivered": 1706160868001,
        "providers": [{"channel": {"key": "email", "name": "Email"}, "provider": "sendgrid",
                       "status": "DELIVERED", "delivered": 1706160868001}],
        "tags": ["order", "shipping", "priority"],
        "metadata": {"order_id": "ord_8f7e2abc123", "carrier": "UPS", "tracking": "1Z999AA10123456784",
                     "items": items},
    }  # fmt: skip
    body = json.dumps({"type": "message:updated", "data": data}).encode()
    assert len(body) == 944, len(body)
    headers = {"Content-Type": "application/json", **provider.sign(body, now=NOW)}
    assert receiver.handle("POST", headers, body, now=NOW).status == 200
    _callgrind.measure("handle", lambda: receiver.handle("POST", headers, body, now=NOW), calls)


def count(without_orjson: bool, calls: int) -> float:
    """Instructions per request, counted in a process of its own."""
    command = [sys.executable, __file__, "--child", "--calls", str(calls)]
    return _callgrind.count([*command, *(["--without-orjson"] if without_orjson else [])]).per_call["handle"]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--without-orjson", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.without_orjson, args.calls)
        return
    try:
        _callgrind.library()
    except _callgrind.Unavailable as missing:
        raise SystemExit(str(missing)) from None
    with ThreadPoolExecutor(len(VARIANTS)) as pool:
        futures = {label: pool.submit(count, without, args.calls) for label, without in VARIANTS.items()}
        per_request = {label: future.result() for label, future in futures.items()}
    print(f"{'variant':<16} {'instructions/request':>21} {'ratio':>7}")
    for label, instructions in per_request.items():
        print(f"{label:<16} {instructions:>21,.0f} {instructions / per_request['without orjson']:>7.3f}")


if __name__ == "__main__":
    main()
