"""Instruction counts per call for ``bench_verify.py``'s candidates at 1 KiB, and ``Receiver.handle``.

The noise-proof twin of ``bench_verify.py --sizes 1024``: every candidate (the raw
HMAC floor, ours with a ``dict``, ours with an ASGI header list) runs ``--calls``
times in one process under ``valgrind --tool=callgrind``, which dumps its counters at
a marker call between candidates, so each candidate's share is read on its own. The
ratio is a candidate's instructions divided by the floor's. ``handle`` rows are
``Receiver.handle`` on ``count_decode.py``'s 944-byte Courier event (no floor).

Each ``--tree`` is a source tree put first on ``sys.path`` (default: this checkout),
so two trees are compared in the same run: a build with mypyc's extension modules
beside one without, say; the last column divides by the first tree's figure.

    python benchmarks/count_verify.py [--calls 2000] [--tree DIR ...]

Needs ``valgrind`` (Debian's package); about 45 seconds per tree.
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

# The child: build the candidates, warm each up, then run it between two markers.
# os.getppid is the marker: nothing on the measured paths calls it.
_CHILD = """
import json, os, sys
sys.path.insert(1, {benchmarks!r})
import webhook_receiver
from bench_verify import NOW, asgi_list, body_of, candidates
from webhook_receiver import Receiver
from webhook_receiver.testing import make_provider
compiled = sorted(
    name for name, module in sys.modules.items()
    if name.startswith("webhook_receiver")
    and not (getattr(module, "__file__", None) or ".py").endswith(".py")
)
runs = [(f"{{provider}}\\t{{name}}", fn) for provider, fns in candidates(body_of(1024)).items()
        for name, fn in fns.items() if name in ("floor", "webhook_receiver", "ours, asgi list")]
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
signed = provider.sign(body, now=NOW)
headers = {{"Content-Type": "application/json", **signed}}
pairs = asgi_list(signed, body)
assert receiver.handle("POST", headers, body, now=NOW).status == 200
assert receiver.handle("POST", pairs, body, now=NOW).status == 200
handle = "handle (courier, 944 B)\\t"
runs.append((handle + "webhook_receiver", lambda: receiver.handle("POST", headers, body, now=NOW)))
runs.append((handle + "ours, asgi list", lambda: receiver.handle("POST", pairs, body, now=NOW)))
labels = [label for label, _ in runs]
print(json.dumps({{"file": webhook_receiver.__file__, "compiled": compiled, "runs": labels}}))
sys.stdout.flush()
for _, fn in runs:
    for _ in range(200):
        fn()
    os.getppid()
    for _ in range({calls}):
        fn()
    os.getppid()
"""


def count(tree: Path, calls: int) -> tuple[dict[str, Any], dict[str, float]]:
    """What the child in ``tree`` reported, and instructions per call of each of its runs."""
    import json

    with tempfile.TemporaryDirectory() as directory:
        out = os.path.join(directory, "callgrind.out")
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", "--dump-before=os_getppid", f"--callgrind-out-file={out}",
             sys.executable, "-c", _CHILD.format(benchmarks=str(HERE), calls=calls)],
            capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": str(tree)},
            cwd=tree,  # python -c puts the working directory first on sys.path
        )  # fmt: skip
        info = json.loads(done.stdout.splitlines()[0])
        if not Path(info["file"]).is_relative_to(tree):
            raise SystemExit(f"the child imported {info['file']}, not the package in {tree}")
        totals: list[int] = []
        for part in range(1, len(glob.glob(out + ".*")) + 1):
            text = Path(f"{out}.{part}").read_text()
            found = re.search(r"^totals: (\d+)", text, re.MULTILINE)
            if found is None:
                raise SystemExit(f"no totals in callgrind part {part}")
            totals.append(int(found.group(1)))
    # Part 1 runs up to the first marker; then each run's measured calls, then its next warm-up.
    measured = totals[1::2]
    runs: list[str] = info["runs"]
    if len(measured) < len(runs):
        raise SystemExit(f"expected {len(runs)} measured parts, found {len(measured)}")
    return info, {label: measured[i] / calls for i, label in enumerate(runs)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--tree", action="append", type=Path, help="a source tree (repeatable)")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    trees: list[Path] = [tree.resolve() for tree in args.tree or [HERE.parent]]
    results: list[dict[str, float]] = []
    for tree in trees:
        info, per_call = count(tree, args.calls)
        compiled = ", ".join(info["compiled"]) or "none"
        print(f"# tree {len(results) + 1}: {tree} (compiled modules: {compiled})")
        results.append(per_call)
    header = f"{'provider':<24} {'candidate':<17}"
    for number in range(1, len(trees) + 1):
        header += f" {'instr ' + str(number):>10} {'ratio ' + str(number):>8}"
    print(header + (f" {'tree n / 1':>10}" if len(trees) > 1 else ""))
    for label in results[0]:
        provider, candidate = label.split("\t")
        floor = f"{provider}\tfloor"
        line = f"{provider:<24} {candidate:<17}"
        for per_call in results:
            ratio = per_call[label] / per_call[floor] if floor in per_call else float("nan")
            line += f" {per_call[label]:>10,.0f} {ratio:>8.3f}"
        if len(trees) > 1:
            line += " " + " ".join(
                f"{per_call[label] / results[0][label]:>10.3f}" for per_call in results[1:]
            )
        print(line)


if __name__ == "__main__":
    main()
