"""Instruction counts for ``Receiver.handle`` on a 944-byte Courier event, with and without orjson.

Wall-clock ratios of a 30 µs request swing by several percent on a shared machine;
instruction counts do not. Each variant handles the same signed request ``N + 100``
times and 100 times under ``valgrind --tool=callgrind``; the difference divided by
``N`` is one request's instructions (imports and the first calls cancel out).
"Without" runs in a process where ``import orjson`` fails.

    python benchmarks/count_decode.py [--calls 1000]

Needs ``valgrind`` (Debian's package) and orjson (the ``orjson`` extra); about a minute.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

_RUN = """
import json, sys
if {without!r}:
    sys.modules["orjson"] = None
from webhook_receiver import Receiver
from webhook_receiver._events import _orjson
from webhook_receiver.testing import make_provider
assert (_orjson is None) == {without!r}
provider = make_provider("courier")
receiver = Receiver(provider)
receiver.on_any(lambda event: None)
items = [{{"sku": f"SKU-{{i}}", "qty": i, "price": 19.99 + i}} for i in range(10)]
body = json.dumps({{"type": "message:updated", "data": {{
    "id": "1-65a8f7e2-abc123", "status": "DELIVERED", "recipient": "user-42", "event": "ORDER_SHIPPED",
    "enqueued": 1706160867123, "sent": 1706160867456, "delivered": 1706160868001,
    "providers": [{{"channel": {{"key": "email", "name": "Email"}}, "provider": "sendgrid",
                   "status": "DELIVERED", "delivered": 1706160868001}}],
    "tags": ["order", "shipping", "priority"],
    "metadata": {{"order_id": "ord_8f7e2abc123", "carrier": "UPS", "tracking": "1Z999AA10123456784",
                 "items": items}}}}}}).encode()
assert len(body) == 944, len(body)
now = 1_700_000_000
headers = {{"Content-Type": "application/json", **provider.sign(body, now=now)}}
for _ in range({calls}):
    assert receiver.handle("POST", headers, body, now=now).status == 200
"""


def count(without: bool, calls: int) -> int:
    """Instructions callgrind collected for one process handling the request ``calls`` times."""
    with tempfile.TemporaryDirectory() as directory:
        out = os.path.join(directory, "callgrind.out")
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, "-c",
             _RUN.format(without=without, calls=calls)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit(f"callgrind printed no total:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=1000)
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    per_request = {
        label: (count(without, args.calls + 100) - count(without, 100)) / args.calls
        for label, without in (("with orjson", False), ("without orjson", True))
    }
    print(f"{'variant':<16} {'instructions/request':>21} {'ratio':>7}")
    for label, instructions in per_request.items():
        print(f"{label:<16} {instructions:>21,.0f} {instructions / per_request['without orjson']:>7.3f}")


if __name__ == "__main__":
    main()
