"""Instruction counts for ``bench_public_keys.py``'s candidates, with valgrind's callgrind.

Wall-clock ratios of a 100 µs operation swing by several percent on a shared
machine; instruction counts do not. For each provider and candidate, this runs
the candidate ``N`` times under ``valgrind --tool=callgrind`` and once with no
calls, and prints the difference per call and its ratio to the floor's.

    python benchmarks/count_public_keys.py [--calls 200]

Needs ``valgrind`` on the PATH (Debian's ``valgrind`` package); about 2 minutes.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CANDIDATES = ("floor", "by_hand", "webhook_receiver")
PROVIDERS = ("discord", "standard-webhooks-v1a", "sendgrid")

_RUN = """
import os, sys
sys.path.insert(0, {here!r})
import bench_public_keys as bench
fn = bench.candidates(bench.body_of(bench.SIZE))[os.environ["PROVIDER"]][os.environ["CANDIDATE"]]
fn()
for _ in range(int(os.environ["CALLS"])):
    fn()
"""


def count(provider: str, candidate: str, calls: int) -> int:
    """Instructions callgrind collects for one run of ``calls`` calls (plus the setup)."""
    environ = {**os.environ, "PROVIDER": provider, "CANDIDATE": candidate, "CALLS": str(calls)}
    result = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            "-c",
            _RUN.format(here=str(HERE)),
        ],
        env=environ,
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"Collected : (\d+)", result.stderr)
    if found is None:
        raise RuntimeError(f"no instruction count in valgrind's output: {result.stderr[-500:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    print(f"{'provider':<22} {'candidate':<17} {'instructions/call':>18} {'ratio':>7}")
    for provider in PROVIDERS:
        per_call = {
            candidate: (count(provider, candidate, args.calls) - count(provider, candidate, 0)) / args.calls
            for candidate in CANDIDATES
        }
        for candidate, instructions in per_call.items():
            ratio = instructions / per_call["floor"]
            print(f"{provider:<22} {candidate:<17} {instructions:>18,.0f} {ratio:>7.3f}")


if __name__ == "__main__":
    main()
