"""benchmarks/charts.py: the documentation's SVG charts, from the benchmarks' JSON."""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

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
    assert _bars(charts.verify_chart(verify)) == ["stripe, ours: 1.60x", "stripe, stripe: 3.10x"]
    assert _bars(charts.wrk_chart(wrk)) == ["kourier, asgi: 1.00x"]
    assert _bars(charts.counts_chart(counts)) == ["courier, with orjson: 1.74x"]
    for name, data in (("verify", verify), ("wrk", wrk), ("counts", counts)):
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
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert sorted(p.name for p in out.iterdir()) == ["counts.svg", "verify.svg", "wrk.svg"]


def test_the_charts_in_the_docs_are_well_formed() -> None:
    shipped = sorted((ROOT / "docs" / "assets" / "benchmarks").glob("*.svg"))
    assert [p.name for p in shipped] == ["counts.svg", "verify.svg", "wrk.svg"]
    for path in shipped:
        assert _bars(path.read_text()), path
