"""``benchmarks/run.py``, the suite's one command: it runs, judges and writes, so it never rots.

The quick run goes through every benchmark as its own process (``bench_http.py``
starts real uvicorn and gunicorn servers on 127.0.0.1). Only the runner's own
behaviour is asserted: that each benchmark ran and passed its checks, that every
target got a verdict, and that ``RESULTS.md``'s generated section is replaced in
place. Never whether a target was met: test machines are noisy, and a figure is a
measurement, not a test.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def load_runner() -> Any:
    """``benchmarks/run.py`` as a module (``benchmarks/`` is scripts, not a package)."""
    if str(BENCHMARKS) not in sys.path:
        sys.path.append(str(BENCHMARKS))  # for its ``from _machine import machine``
    spec = importlib.util.spec_from_file_location("benchmarks_run", BENCHMARKS / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


run = load_runner()

PROCESS_TIMEOUT = 240  # --quick takes about 15 s; this bounds a hung server


def test_quick_run_of_the_whole_suite_writes_its_section_in_place(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\nIntro.\n\n## Verification\n\nHand-written analysis.\n")
    command = [sys.executable, str(BENCHMARKS / "run.py"), "--quick", "--output", str(results)]
    for _ in range(2):  # the second run replaces the first's section
        done = subprocess.run(command, capture_output=True, text=True, timeout=PROCESS_TIMEOUT, check=False)
        assert done.returncode == 0, f"run.py exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    text = results.read_text()
    assert text.count(run.BEGIN) == 1 and text.count(run.END) == 1
    assert text.startswith("# Benchmark results\n\nIntro.\n\n" + run.BEGIN)
    assert text.endswith("## Verification\n\nHand-written analysis.\n")
    section = text[text.index(run.BEGIN) : text.index(run.END)]
    assert "`python benchmarks/run.py --quick`" in section and "Python 3." in section
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    # the header, then four verification targets (the 1 KiB one twice: dict, ASGI list), parse, memory, HTTP
    assert len(rows) == 1 + 7, rows
    assert all(" | met | " in row or " | **missed** | " in row for row in rows[1:])
    for script in ("bench_verify.py", "bench_parse.py", "bench_memory.py", "bench_http.py"):
        assert f"`{script}`:" in section
    assert "checks: all passed" in section  # bench_http's own checks (every request answered as expected)
    assert "targets:" in done.stdout


def test_a_bad_selection_is_a_usage_error() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "run.py"), "--only", "verify,nonsense", "--no-write"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2 and "--only" in done.stderr


def verify_rows(ratios: dict[tuple[str, int], float], anchor: float) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    for (provider, size), ratio in ratios.items():
        rows.append({"provider": provider, "size": size, "candidate": "floor", "ratio": 1.0})
        rows.append({"provider": provider, "size": size, "candidate": "webhook_receiver", "ratio": ratio})
        rows.append({"provider": provider, "size": size, "candidate": "stripe", "ratio": anchor})
    return {"rows": rows}


@pytest.mark.parametrize(
    ("small", "large", "anchor", "expected"),
    [
        (1.15, 1.03, 1.15, [True, True, True]),  # exactly at each target (and as fast as the anchor) is met
        (1.16, 1.03, 2.0, [False, True, True]),
        (1.10, 1.04, 2.0, [True, False, True]),
        (1.10, 1.02, 1.01, [True, True, False]),  # slower than the provider's own library
    ],
)
def test_verification_verdicts(small: float, large: float, anchor: float, expected: list[bool]) -> None:
    data = verify_rows({("stripe", 1024): small, ("stripe", 262144): large, ("stripe", 1048576): 1.0}, anchor)
    assert [verdict.met for verdict in run.judge_verify(data)] == expected


@pytest.mark.parametrize(("listed", "met"), [(1.15, True), (1.16, False)])
def test_the_asgi_header_list_is_judged_by_the_same_target(listed: float, met: bool) -> None:
    data = verify_rows({("stripe", 1024): 1.10}, 2.0)
    data["rows"].append({"provider": "stripe", "size": 1024, "candidate": "ours, asgi list", "ratio": listed})
    verdicts = run.judge_verify(data)
    assert [verdict.met for verdict in verdicts] == [True, met, True]
    assert "ASGI list" in verdicts[1].target and f"stripe {listed:.2f}x" in verdicts[1].figures


def test_parse_memory_and_http_verdicts() -> None:
    parse = {
        "rows": [{"payload": "a b", "ratio": 1.5}, {"payload": "customerio batch of 1000", "ratio": 1.4}]
    }
    assert run.judge_parse(parse)[0].met
    parse["rows"][1]["ratio"] = 1.51
    assert not run.judge_parse(parse)[0].met
    memory = {"rows": [{"size": 1048576, "read": 1.001, "chunked": 1.104, "verify": 0.0, "parse": 2.0}]}
    assert run.judge_memory(memory)[0].met  # judged as printed, to two decimals
    memory["rows"][0]["chunked"] = 1.106
    assert not run.judge_memory(memory)[0].met
    http = {"frameworks": [{"framework": "asgi", "ratio": 0.9, "round_ratios": [0.8, 1.0]}]}
    assert run.judge_http(http)[0].met
    http["frameworks"].append({"framework": "flask", "ratio": None, "round_ratios": []})
    verdict = run.judge_http(http)[0]
    assert not verdict.met and "flask: no round counted" in verdict.figures
