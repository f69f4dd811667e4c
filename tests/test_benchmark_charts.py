"""benchmarks/charts.py: the documentation's SVG charts, from the benchmarks' JSON and run.py's."""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import charts  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"


def _bars(svg: str) -> list[str]:
    """The tooltip of every bar, in order."""
    tree = ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted input
    return [
        rect.findtext(f"{SVG}title") or ""
        for rect in tree.iter(f"{SVG}rect")
        if rect.find(f"{SVG}title") is not None
    ]


def test_a_chart_has_one_bar_per_figure_and_the_target_line() -> None:
    svg = charts.render(
        "A <title> & more",
        [
            charts.Group("stripe", (charts.Bar("asgi", 0.95), charts.Bar("flask", 0.87))),
            charts.Group("slack", (charts.Bar("asgi", 1.2),)),
        ],
        target=0.9,
        note="a note",
    )
    assert _bars(svg) == ["stripe, asgi: 0.95x", "stripe, flask: 0.87x", "slack, asgi: 1.20x"]
    assert "target 0.9x" in svg
    assert "A &lt;title&gt; &amp; more" in svg  # escaped, and still well-formed XML
    widths = [
        float(rect.get("width", 0))
        for rect in ET.fromstring(svg).iter(f"{SVG}rect")  # noqa: S314 - our own output
        if rect.find(f"{SVG}title") is not None
    ]
    assert widths[2] > widths[0] > widths[1]  # lengths follow the values


def test_the_three_benchmarks_json_become_charts(tmp_path: Path) -> None:
    verify = {
        "rows": [
            {"provider": "stripe", "size": 1024, "candidate": "floor", "ratio": 1.0},
            {"provider": "stripe", "size": 1024, "candidate": "webhook_receiver", "ratio": 1.6},
            {"provider": "stripe", "size": 1024, "candidate": "stripe", "ratio": 3.1},
            {"provider": "stripe", "size": 16384, "candidate": "webhook_receiver", "ratio": 1.1},
        ]
    }
    wrk = {"summary": [{"framework": "asgi", "provider": "kourier", "ratios": {"ours/json": 1.0}}]}
    counts = {"rows": [{"variant": "orjson", "payload": "courier", "handle/(floor+json)": 1.74}]}
    handle = {"rows": [{"variant": "no orjson", "payload": "courier", "handle/(floor+json)": 1.23}]}
    assert _bars(charts.verify_chart(verify)) == ["stripe, ours: 1.60x", "stripe, stripe: 3.10x"]
    assert _bars(charts.wrk_chart(wrk)) == ["kourier, asgi: 1.00x"]
    assert _bars(charts.counts_chart(counts)) == ["courier, with orjson: 1.74x"]
    assert _bars(charts.handle_chart(handle)) == ["courier, without orjson: 1.23x"]
    for name, data in (("verify", verify), ("wrk", wrk), ("counts", counts), ("handle", handle)):
        (tmp_path / f"{name}.json").write_text(json.dumps(data))
    out = tmp_path / "out"
    assert (
        charts.main(
            [
                "--verify",
                str(tmp_path / "verify.json"),
                "--wrk",
                str(tmp_path / "wrk.json"),
                "--counts",
                str(tmp_path / "counts.json"),
                "--handle",
                str(tmp_path / "handle.json"),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert sorted(p.name for p in out.iterdir()) == ["counts.svg", "handle.svg", "verify.svg", "wrk.svg"]


def test_the_charts_in_the_docs_are_well_formed() -> None:
    shipped = sorted((ROOT / "docs" / "assets" / "benchmarks").glob("*.svg"))
    assert [p.name for p in shipped] == ["counts.svg", "handle.svg", "memory.svg", "verify.svg", "wrk.svg"]
    for path in shipped:
        assert _bars(path.read_text()), path


# --- from run.py's combined JSON (``benchmarks/run.py --json``) -----------------------------------

VERIFY = {
    "rounds": 3,
    "rows": [
        {"provider": "stripe", "size": 1024, "candidate": "floor", "ratio": 1.0},
        {"provider": "stripe", "size": 1024, "candidate": "webhook_receiver", "ratio": 1.6},
        {"provider": "stripe", "size": 1024, "candidate": "stripe", "ratio": 3.1},
        {"provider": "github", "size": 1024, "candidate": "webhook_receiver", "ratio": 1.05},
        {"provider": "stripe", "size": 262144, "candidate": "webhook_receiver", "ratio": 1.01},
    ],
}
MEMORY = {
    "rows": [
        {"size": 1048576, "read": 1.001, "chunked": 1.056, "verify": 0.0, "parse": 2.001},
        {"size": 5000000, "read": 1.0, "chunked": 1.25, "verify": 0.0, "parse": 2.0},
    ]
}
WRK = {
    "summary": [
        {"framework": "asgi", "provider": "stripe", "ratios": {"ours/json": 0.95}},
        {"framework": "flask", "provider": "stripe", "ratios": {"ours/json": 0.8}},
        {"framework": "django", "provider": "stripe", "ratios": {}},  # no round measured both routes
    ]
}
COUNTS = {
    "rows": [
        {"variant": "orjson", "payload": "stripe", "handle/(floor+json)": 1.47},
        {"variant": "no orjson", "payload": "stripe", "handle/(floor+json)": 1.2},
    ]
}


HANDLE = {
    "rows": [
        {"variant": "orjson", "payload": "kourier", "handle/(floor+json)": 1.1},
        {"variant": "no orjson", "payload": "kourier", "handle/(floor+json)": 1.31},
        {
            "variant": "orjson",
            "payload": "customerio batch of 1000, collector running",
            "handle/(floor+json)": 1.09,
        },
    ]
}


def run_document(**figures: Any) -> dict[str, Any]:
    """A document of the shape ``benchmarks/run.py --json`` writes (its module docstring)."""
    return {
        "command": "python benchmarks/run.py --all",
        "date": "2026-11-30T12:00:00+00:00",
        "commit": "abc1234",
        "machine": "2 cores, Some CPU, Python 3.11.7",
        "quick": False,
        "benchmarks": {
            name: {"script": f"{name}.py", "arguments": [], "exit": 0, "seconds": 1.0, "figures": data}
            for name, data in figures.items()
        },
        "targets": [],
        "failed": [],
    }


def _target_x(svg: str) -> float:
    """Where the dashed target line is drawn."""
    tree = ET.fromstring(svg)  # noqa: S314 - our own output
    (line,) = [line for line in tree.iter(f"{SVG}line") if line.get("stroke-dasharray")]
    assert line.get("x1") == line.get("x2")
    return float(line.get("x1", 0))


def _bar_ends(svg: str) -> dict[str, float]:
    """Each bar's tooltip -> the x where it ends."""
    tree = ET.fromstring(svg)  # noqa: S314 - our own output
    return {
        rect.findtext(f"{SVG}title") or "": float(rect.get("x", 0)) + float(rect.get("width", 0))
        for rect in tree.iter(f"{SVG}rect")
        if rect.find(f"{SVG}title") is not None
    }


def test_every_chart_from_a_whole_run() -> None:
    document = run_document(
        verify=VERIFY,
        parse={"rows": []},
        memory=MEMORY,
        http={"frameworks": []},
        wrk=WRK,
        counts=COUNTS,
        handle=HANDLE,
    )
    made = charts.run_charts(document)
    # parse, http: no chart
    assert sorted(made) == ["counts.svg", "handle.svg", "memory.svg", "verify.svg", "wrk.svg"]
    assert _bars(made["verify.svg"]) == [
        "stripe, ours: 1.60x",
        "stripe, stripe: 3.10x",
        "github, ours: 1.05x",
    ]
    assert _bars(made["memory.svg"]) == [
        "1,048,576 bytes, received, Content-Length declared: 1.00x",
        "1,048,576 bytes, received, chunked: 1.06x",
        "1,048,576 bytes, verified: 0.00x",
        "5,000,000 bytes, received, Content-Length declared: 1.00x",
        "5,000,000 bytes, received, chunked: 1.25x",
        "5,000,000 bytes, verified: 0.00x",
    ]
    assert _bars(made["wrk.svg"]) == ["stripe, asgi: 0.95x", "stripe, flask: 0.80x"]
    assert _bars(made["counts.svg"]) == ["stripe, with orjson: 1.47x", "stripe, without orjson: 1.20x"]
    assert _bars(made["handle.svg"]) == [
        "kourier, with orjson: 1.10x",
        "kourier, without orjson: 1.31x",
        "batch of 1000, GC running, with orjson: 1.09x",
    ]
    assert "time over" in made["handle.svg"] and "instructions over" in made["counts.svg"]
    targets = (("verify", "1.15"), ("memory", "1.1"), ("wrk", "0.9"), ("counts", "1.3"), ("handle", "1.3"))
    for name, target in targets:
        svg = made[f"{name}.svg"]
        assert f"target {target}x" in svg, name
        # the run it comes from, under the chart
        assert "python benchmarks/run.py --all; commit abc1234, 2026-11-30" in svg, name
        assert "machine: 2 cores, Some CPU, Python 3.11.7" in svg, name


def test_a_bar_that_misses_its_target_crosses_the_target_line() -> None:
    made = charts.run_charts(run_document(verify=VERIFY, memory=MEMORY, wrk=WRK))
    verify = _bar_ends(made["verify.svg"])
    line = _target_x(made["verify.svg"])
    assert verify["github, ours: 1.05x"] < line < verify["stripe, ours: 1.60x"]  # 1.15x: met, missed
    memory = _bar_ends(made["memory.svg"])
    line = _target_x(made["memory.svg"])
    assert memory["1,048,576 bytes, received, chunked: 1.06x"] < line  # 1.1x: met
    assert memory["5,000,000 bytes, received, chunked: 1.25x"] > line  # missed
    wrk = _bar_ends(made["wrk.svg"])
    line = _target_x(made["wrk.svg"])
    assert wrk["stripe, flask: 0.80x"] < line < wrk["stripe, asgi: 0.95x"]  # higher is better: 0.9x


def test_what_a_run_cannot_chart_is_left_out() -> None:
    only_large = {"rows": [r for r in VERIFY["rows"] if r["size"] != 1024]}
    failed = run_document(memory=None, verify=only_large, counts=COUNTS)  # memory wrote no figures
    assert sorted(charts.run_charts(failed)) == ["counts.svg"]
    assert charts.run_charts(run_document(parse={"rows": []})) == {}
    with pytest.raises(charts.NoBars):
        charts.render("empty", [charts.Group("stripe", ())], target=1.0)


def test_charts_from_a_run_are_the_same_bytes_every_time(tmp_path: Path) -> None:
    source = tmp_path / "run.json"
    source.write_text(json.dumps(run_document(verify=VERIFY, memory=MEMORY, wrk=WRK, counts=COUNTS)))
    written = []
    for attempt in ("first", "second"):
        out = tmp_path / attempt
        assert charts.main(["--run", str(source), "--out", str(out)]) == 0
        written.append({path.name: path.read_bytes() for path in sorted(out.iterdir())})
    assert sorted(written[0]) == ["counts.svg", "memory.svg", "verify.svg", "wrk.svg"]
    assert written[0] == written[1]
    assert charts.run_charts(json.loads(source.read_text())) == charts.run_charts(
        json.loads(source.read_text())
    )


def test_a_single_input_replaces_the_same_chart_from_the_run(tmp_path: Path) -> None:
    source = tmp_path / "run.json"
    source.write_text(json.dumps(run_document(verify=VERIFY, memory=MEMORY)))
    alone = tmp_path / "verify.json"
    alone.write_text(json.dumps({"rows": [VERIFY["rows"][3]]}))
    out = tmp_path / "out"
    assert charts.main(["--run", str(source), "--verify", str(alone), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["memory.svg", "verify.svg"]
    assert _bars((out / "verify.svg").read_text()) == ["github, ours: 1.05x"]
    assert "run.py" not in (out / "verify.svg").read_text()  # drawn from bench_verify.py's JSON alone


def test_a_run_with_nothing_to_chart_or_no_input_is_a_usage_error(tmp_path: Path) -> None:
    source = tmp_path / "run.json"
    source.write_text(json.dumps(run_document(parse={"rows": []})))
    no_small = tmp_path / "verify.json"
    no_small.write_text(json.dumps({"rows": VERIFY["rows"][4:]}))  # 256 KiB only: no 1 KiB bar
    for argv in (["--run", str(source)], [], ["--verify", str(no_small)]):
        with pytest.raises(SystemExit) as exited:
            charts.main([*argv, "--out", str(tmp_path / "out")])
        assert exited.value.code == 2
    assert not (tmp_path / "out").exists()
