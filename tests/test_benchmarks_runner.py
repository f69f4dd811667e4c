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
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from webhook_receiver import _accel

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
import charts  # noqa: E402 - benchmarks/charts.py, on the path load_runner() put benchmarks/ on

PROCESS_TIMEOUT = 240  # --quick takes about 15 s; this bounds a hung server


def test_quick_run_of_the_whole_suite_writes_its_section_in_place(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\nIntro.\n\n## Verification\n\nHand-written analysis.\n")
    figures = tmp_path / "run.json"
    command = [sys.executable, str(BENCHMARKS / "run.py"), "--quick", "--output", str(results)]
    command += ["--json", str(figures)]
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
    # the header, then four verification targets (the 1 KiB one twice: dict, ASGI list), parse, memory,
    # HTTP; with the compiled path built, the 1 KiB ones are judged for it (1.0x) and for pure Python
    compiled = json.loads(figures.read_text())["benchmarks"]["verify"]["figures"]["compiled"]
    assert compiled is (_accel.compiled is not None)
    assert len(rows) == 1 + 7 + (2 if compiled else 0), rows
    if compiled:
        assert any(row.startswith("| the compiled path: verification at 1 KiB within 1.0x") for row in rows)
        assert any(row.startswith("| pure Python: verification at 1 KiB within 1.15x") for row in rows)
    assert all(" | met | " in row or " | **missed** | " in row for row in rows[1:])
    for script in ("bench_verify.py", "bench_parse.py", "bench_memory.py", "bench_http.py"):
        assert f"`{script}`:" in section
    assert "checks: all passed" in section  # bench_http's own checks (every request answered as expected)
    assert "targets:" in done.stdout
    # the same run as one JSON document, and the charts drawn from it
    document = json.loads(figures.read_text())
    assert document["command"] == "python benchmarks/run.py --quick" and document["quick"] is True
    assert list(document["benchmarks"]) == ["verify", "parse", "memory", "http"]
    assert all(b["exit"] == 0 and isinstance(b["figures"], dict) for b in document["benchmarks"].values())
    assert [t["target"] for t in document["targets"]] == [
        row.split(" | ")[0].removeprefix("| ") for row in rows[1:]
    ]
    assert document["failed"] == []
    assert sorted(charts.run_charts(document)) == ["memory.svg", "verify.svg"]


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


def test_the_pure_python_verdict_names_the_hand_written_check() -> None:
    data = verify_rows({("slack", 1024): 0.6}, 2.0)
    data["compiled"] = True
    data["rows"] += [
        {"provider": "slack", "size": 1024, "candidate": "pure python", "ratio": 1.7},
        {"provider": "slack", "size": 1024, "candidate": "hand-written", "ratio": 0.9},
        {"provider": "slack", "size": 1024, "candidate": "hand-written, rules", "ratio": 1.33},
        {"provider": "slack", "size": 1024, "candidate": "pure, asgi list", "ratio": 1.9},
        {"provider": "slack", "size": 1024, "candidate": "hand-written, rules, asgi list", "ratio": 1.47},
    ]
    verdicts = {verdict.target: verdict for verdict in run.judge_verify(data)}
    pure = verdicts["pure Python: verification at 1 KiB within 1.15x of the raw HMAC floor"]
    assert not pure.met
    assert pure.figures == (
        "slack 1.70x (hand-written Slack, without the header rules: 0.90x; with them, in one function: 1.33x)"
    )
    listed = verdicts[
        "pure Python: verification at 1 KiB within 1.15x of the raw HMAC floor, headers as an ASGI list"
    ]
    assert listed.figures == (
        "slack 1.90x (hand-written Slack, without the header rules: 0.90x; with them, in one function: 1.47x)"
    )
    compiled = verdicts["the compiled path: verification at 1 KiB within 1.0x of the raw HMAC floor"]
    assert compiled.met and "hand-written" not in compiled.figures
    # Without the extension, ours is the pure-Python code: its verdict quotes the check too.
    data["compiled"] = False
    data["rows"] = [row for row in data["rows"] if not row["candidate"].startswith("pure")]
    for row in data["rows"]:
        if row["candidate"] == "webhook_receiver":
            row["ratio"] = 1.7
    (ours, *_) = run.judge_verify(data)
    assert ours.target == "verification at 1 KiB within 1.15x of the raw HMAC floor"
    assert ours.figures == (
        "slack 1.70x (hand-written Slack, without the header rules: 0.90x; with them, in one function: 1.33x)"
    )


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


# --- wrk and counts (issue 18), and the --json document ------------------------------------------


def wrk_summary(*ratios: float | None) -> dict[str, Any]:
    providers = ("stripe", "slack", "courier")
    return {
        "summary": [
            {"framework": "asgi", "provider": provider, "ratios": {} if r is None else {"ours/json": r}}
            for provider, r in zip(providers, ratios, strict=False)
        ]
    }


@pytest.mark.parametrize(
    ("ratios", "met"),
    [((0.9, 1.2), True), ((0.9, 0.89), False), ((0.9, None), False)],  # no ratio: missed
)
def test_wrk_verdict(ratios: tuple[float | None, ...], met: bool) -> None:
    (verdict,) = run.judge_wrk(wrk_summary(*ratios))
    assert verdict.met is met and "0.9x" in verdict.target
    assert verdict.figures.startswith("asgi: stripe 0.90x, slack ")
    assert verdict.figures.endswith("no figure") is (ratios[1] is None)


def counts_row(
    payload: str, verify: float, asgi: float | None, handle: float, variant: str = "orjson"
) -> Any:
    return {
        "variant": variant,
        "payload": payload,
        "verify/floor": verify,
        "asgi/floor": asgi,
        "handle/(floor+json)": handle,
    }


def test_counts_verdicts_use_count_targets_ratios() -> None:
    rows = [
        counts_row("stripe", 1.15, 1.15, 1.3),
        counts_row("stripe", 1.15, 1.15, 1.3, variant="no orjson"),
        counts_row("kourier", 14.7, 18.2, 1.2),  # its floor is a token: left out of verification
        counts_row("customerio batch of 1000", 0.999, None, 1.25),  # no ASGI figure for the batch
    ]
    verify, asgi, handle = run.judge_counts({"rows": rows})
    assert (verify.met, asgi.met, handle.met) == (True, True, True)  # at the target is met
    assert "kourier aside" in verify.figures and "kourier" not in verify.figures.split(";")[0]
    assert "customerio batch of 1000" not in asgi.figures
    assert (
        "with orjson: stripe 1.300x" in handle.figures and "without orjson: stripe 1.300x" in handle.figures
    )
    rows[1] = counts_row("stripe", 1.151, 1.14, 1.301, variant="no orjson")
    verify, asgi, handle = run.judge_counts({"rows": rows})
    assert (verify.met, asgi.met, handle.met) == (False, True, False)
    assert "stripe 1.151x" in verify.figures  # each payload's higher figure of the two variants
    rows[0] = counts_row("stripe", 1.0, 1.16, 1.0)
    assert [v.met for v in run.judge_counts({"rows": rows})] == [False, False, False]


def handle_row(payload: str, ratio: float, variant: str = "orjson") -> dict[str, Any]:
    """A row as bench_handle.py writes it (only what the verdict reads)."""
    return {"variant": variant, "payload": payload, "handle/(floor+json)": ratio}


def test_handle_verdicts_in_time_split_requests_from_the_batch() -> None:
    rows = [
        handle_row("stripe", 1.3),
        handle_row("stripe", 1.2, variant="no orjson"),
        handle_row("customerio batch of 1000", 1.1),
        handle_row("customerio batch of 1000, collector running", 1.3, variant="no orjson"),
    ]
    requests, batch = run.judge_handle({"rows": rows})
    assert (requests.met, batch.met) == (True, True)  # at the target is met
    assert requests.figures == "with orjson: stripe 1.30x; without orjson: stripe 1.20x"
    assert batch.figures == (
        "with orjson: customerio batch of 1000 1.10x; "
        "without orjson: customerio batch of 1000, collector running 1.30x"
    )
    assert "1 KiB" in requests.target and "in time" in requests.target and "batch" in batch.target
    rows[1] = handle_row("stripe", 1.301, variant="no orjson")
    assert [v.met for v in run.judge_handle({"rows": rows})] == [False, True]
    rows[3] = handle_row("customerio batch of 1000, collector running", 1.31, variant="no orjson")
    assert [v.met for v in run.judge_handle({"rows": rows})] == [False, False]
    assert [v.met for v in run.judge_handle({"rows": []})] == [False, False]  # nothing measured


def test_the_selection_and_the_command_it_shows() -> None:
    assert [b.name for b in run.parse_args([]).selected] == ["verify", "parse", "memory", "http"]
    everything = run.parse_args(["--all", "--quick"]).selected
    assert [b.name for b in everything] == ["verify", "parse", "memory", "http", "wrk", "counts", "handle"]
    assert run.shown_command(True, everything) == "python benchmarks/run.py --quick --all"
    chosen = run.parse_args(["--only", "counts,wrk"]).selected  # in the suite's order
    assert run.shown_command(False, chosen) == "python benchmarks/run.py --only wrk,counts"
    assert run.shown_command(False, run.DEFAULT) == "python benchmarks/run.py"


def test_all_and_only_together_are_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        run.parse_args(["--all", "--only", "wrk"])
    assert exited.value.code == 2 and "--all" in capsys.readouterr().err


def test_the_json_document_of_a_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """main() with the benchmarks faked: what --json writes, a failed benchmark included."""
    canned = {
        "wrk": (0, wrk_summary(0.95, 0.85)),
        "counts": (1, None),  # count_targets.py without valgrind: exit 1, no JSON
    }

    def fake_run_one(benchmark: Any, quick: bool, directory: Path) -> Any:
        status, figures = canned[benchmark.name]
        arguments = benchmark.quick if quick else benchmark.full
        return run.Ran(benchmark, arguments, status, 2.04, f"{benchmark.name} printed\n", figures)

    monkeypatch.setattr(run, "run_one", fake_run_one)
    path = tmp_path / "run.json"
    assert run.main(["--quick", "--only", "wrk,counts", "--no-write", "--json", str(path)]) == 1
    document = json.loads(path.read_text())
    assert list(document) == [
        "command",
        "date",
        "commit",
        "machine",
        "quick",
        "benchmarks",
        "targets",
        "failed",
    ]
    assert document["command"] == "python benchmarks/run.py --quick --only wrk,counts"
    assert document["date"].endswith("+00:00") and "Python 3." in document["machine"]
    assert document["commit"] and document["quick"] is True
    assert document["benchmarks"] == {
        "wrk": {
            "script": "bench_wrk.py",
            "arguments": ["--quick"],
            "exit": 0,
            "seconds": 2.0,
            "figures": wrk_summary(0.95, 0.85),
        },
        "counts": {
            "script": "count_targets.py",
            "arguments": ["--calls", "30", "--batch-calls", "1"],
            "exit": 1,
            "seconds": 2.0,
            "figures": None,
        },
    }
    (verdict,) = run.judge_wrk(wrk_summary(0.95, 0.85))
    assert document["targets"] == [
        {"benchmark": "wrk", "target": verdict.target, "met": False, "figures": verdict.figures}
    ]
    assert document["failed"] == ["count_targets.py exited 1"]
    printed = capsys.readouterr().out
    assert "`bench_wrk.py`:" in printed and "`count_targets.py`:" in printed  # the section, by script
    assert sorted(charts.run_charts(document)) == ["wrk.svg"]


def test_the_charts_draw_the_targets_run_py_judges() -> None:
    assert charts.VERIFY_TARGET == run.VERIFY_SMALL == run.COUNTS_VERIFY
    assert (charts.MEMORY_TARGET, charts.WRK_TARGET, charts.COUNTS_TARGET) == (
        run.MEMORY,
        run.WRK,
        run.COUNTS_HANDLE,
    )
