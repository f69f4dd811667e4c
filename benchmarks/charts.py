"""SVG charts of the benchmarks' JSON, for the documentation site (issue 19).

Each chart is a horizontal bar chart of ratios (ours against a baseline measured in the
same run), grouped by provider (or body size), with the target drawn as a dashed line,
so that a reader sees at a glance which bars cross it. The SVG is written by hand (no
plotting library): a few rectangles, lines and labels, the same bytes for the same
input on every machine.

From one run of the whole suite (``benchmarks/run.py --json``), every chart its
figures allow: verify.svg (bench_verify.py, 1 KiB bodies), memory.svg
(bench_memory.py), wrk.svg (bench_wrk.py), counts.svg (count_targets.py) and handle.svg
(bench_handle.py), each noting the run's command, commit, date and machine::

    python benchmarks/run.py --all --json run.json
    python benchmarks/charts.py --run run.json --out docs/assets/benchmarks

Or from the scripts' own ``--json`` output, one SVG per input given (an input named
here replaces the same chart from ``--run``)::

    python benchmarks/bench_verify.py --sizes 1024 --json verify.json
    python benchmarks/bench_wrk.py --json wrk.json
    python benchmarks/count_targets.py --json counts.json
    python benchmarks/bench_handle.py --json handle.json
    python benchmarks/charts.py --verify verify.json --wrk wrk.json --counts counts.json \\
        --handle handle.json --out docs/assets/benchmarks
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from _targets import COUNTS_HANDLE, HANDLE, MEMORY, VERIFY_SMALL, WRK

__all__ = [
    "Bar",
    "Group",
    "NoBars",
    "counts_chart",
    "handle_chart",
    "memory_chart",
    "render",
    "run_charts",
    "verify_chart",
    "wrk_chart",
]

ROW = 18
"""Height of one bar, in pixels (the gap between groups is half of it)."""
LABEL_WIDTH = 190
PLOT_WIDTH = 420
VALUE_WIDTH = 60
COLOURS = ("#3f51b5", "#009688", "#ff9800", "#9c27b0", "#607d8b", "#e91e63", "#795548", "#8bc34a")
"""One colour per series, in the legend's order (Material's indigo, teal, orange, purple, grey)."""
NOTE_LINE = 14
"""Height of each note line after the first, in pixels."""
VERIFY_TARGET, MEMORY_TARGET, WRK_TARGET, COUNTS_TARGET = VERIFY_SMALL, MEMORY, WRK, COUNTS_HANDLE
HANDLE_TARGET = HANDLE
"""The targets the charts draw: the ones ``benchmarks/run.py`` judges (``_targets``)."""


class NoBars(ValueError):
    """The figures hold nothing to draw (no rows for the chart)."""


@dataclass(frozen=True)
class Bar:
    """One bar: its series (the legend's entry) and its ratio."""

    series: str
    value: float


@dataclass(frozen=True)
class Group:
    """The bars of one label (a provider), drawn together."""

    label: str
    bars: tuple[Bar, ...]


def render(title: str, groups: Sequence[Group], *, target: float | None, note: str = "") -> str:
    """A horizontal bar chart of ``groups`` as an SVG document.

    The scale starts at 0 and ends past the largest value and the target; the target,
    when given, is a dashed vertical line labelled with its value, and every bar is
    labelled with its own value. ``note`` goes under the chart, one line per line of it.
    Without a single bar, :class:`NoBars`.
    """
    if not any(group.bars for group in groups):
        raise NoBars(f"nothing to draw for {title!r}")
    series = list(dict.fromkeys(bar.series for group in groups for bar in group.bars))
    top = max([bar.value for group in groups for bar in group.bars] + [target or 0.0, 1.0])
    scale = PLOT_WIDTH / (top * 1.1)
    legend_height = ROW * len(series) + 8
    header = 34 + legend_height
    bars_height = sum(ROW * len(group.bars) + ROW // 2 for group in groups)
    notes = note.split("\n") if note else []
    height = header + bars_height + ROW + (ROW + NOTE_LINE * (len(notes) - 1) if notes else 0)
    width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="8" y="20" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    for index, name in enumerate(series):
        y = 34 + index * ROW
        colour = COLOURS[index % len(COLOURS)]
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{LABEL_WIDTH + 18}" y="{y + 10}">{escape(name)}</text>')
    y = header
    for group in groups:
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + ROW * len(group.bars) / 2 + 4:.0f}" '
            f'text-anchor="end">{escape(group.label)}</text>'
        )
        for bar in group.bars:
            colour = COLOURS[series.index(bar.series) % len(COLOURS)]
            length = max(bar.value * scale, 1.0)
            tip = f"{escape(group.label)}, {escape(bar.series)}: {bar.value:.2f}x"
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + 2}" width="{length:.1f}" height="{ROW - 4}" '
                f'fill="{colour}"><title>{tip}</title></rect>'
            )
            parts.append(
                f'<text x="{LABEL_WIDTH + length + 4:.1f}" y="{y + ROW - 5}">{bar.value:.2f}x</text>'
            )
            y += ROW
        y += ROW // 2
    parts.append(f'<line x1="{LABEL_WIDTH}" y1="{header - 4}" x2="{LABEL_WIDTH}" y2="{y}" stroke="#000000"/>')
    if target is not None:
        x = LABEL_WIDTH + target * scale
        parts.append(
            f'<line x1="{x:.1f}" y1="{header - 4}" x2="{x:.1f}" y2="{y}" '
            'stroke="#d32f2f" stroke-dasharray="4 3"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{y + 14}" text-anchor="middle" fill="#d32f2f">target {target:g}x</text>'
        )
    for index, line in enumerate(notes):
        y = height - 6 - NOTE_LINE * (len(notes) - 1 - index)
        parts.append(f'<text x="8" y="{y}" font-size="11" fill="#555555">{escape(line)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _grouped(bars: Iterable[tuple[str, Bar]]) -> list[Group]:
    """``(label, bar)`` pairs as groups, each label's bars together, labels in first-seen order."""
    groups: dict[str, list[Bar]] = {}
    for label, bar in bars:
        groups.setdefault(label, []).append(bar)
    return [Group(label, tuple(members)) for label, members in groups.items()]


def _note(note: str, source: str) -> str:
    """The chart's note, with the run it comes from on the lines after it."""
    return f"{note}\n{source}" if source else note


def verify_chart(data: dict[str, Any], size: int = 1024, *, source: str = "") -> str:
    """``bench_verify.py --json``: verification time over the HMAC floor at ``size`` bytes.

    With the compiled path built (``"compiled"`` in the figures), ours is drawn twice:
    ``compiled`` and ``pure python``; the dashed line stays the pure-Python target."""
    compiled = bool(data.get("compiled"))
    names = {"webhook_receiver": "compiled" if compiled else "ours"}
    if compiled:
        names["ours, asgi list"] = "compiled, asgi list"
    bars = (
        (row["provider"], Bar(names.get(row["candidate"], row["candidate"]), row["ratio"]))
        for row in data["rows"]
        if row["size"] == size and row["candidate"] != "floor"
    )
    return render(
        f"Verification at {size} bytes, time over the HMAC floor (lower is better)",
        _grouped(bars),
        target=VERIFY_TARGET,
        note=_note(
            "benchmarks/bench_verify.py: medians of interleaved rounds; providers' libraries as installed",
            source,
        ),
    )


def wrk_chart(data: dict[str, Any], *, source: str = "") -> str:
    """``bench_wrk.py --json``: our requests/s over the bare endpoint plus ``json.loads``."""
    bars = (
        (entry["provider"], Bar(entry["framework"], entry["ratios"]["ours/json"]))
        for entry in data["summary"]
        if entry["ratios"].get("ours/json") is not None
    )
    return render(
        "Requests/s under wrk, ours over a bare endpoint + json.loads (higher is better)",
        _grouped(bars),
        target=WRK_TARGET,
        note=_note(
            "benchmarks/bench_wrk.py: 1 KiB signed bodies; uvicorn+uvloop (asgi), gunicorn sync (wsgi)",
            source,
        ),
    )


def _handle_bars(rows: Iterable[dict[str, Any]], label: Callable[[str], str] = str) -> list[Group]:
    """handle/(floor + json) per payload (its label made by ``label``), one bar per
    variant (with orjson, without)."""
    return _grouped(
        (
            label(row["payload"]),
            Bar(
                "with orjson" if row["variant"] == "orjson" else "without orjson", row["handle/(floor+json)"]
            ),
        )
        for row in rows
    )


def counts_chart(data: dict[str, Any], *, source: str = "") -> str:
    """``count_targets.py --json``: handle()'s instructions over the floor's plus json.loads's."""
    return render(
        "Receiver.handle, instructions over (HMAC floor + json.loads) (lower is better)",
        _handle_bars(data["rows"]),
        target=COUNTS_TARGET,
        note=_note(
            "benchmarks/count_targets.py: callgrind instruction counts, 1 KiB bodies and a 1000-event batch",
            source,
        ),
    )


def _short_batch(payload: str) -> str:
    """bench_handle.py's batch rows, named short enough for the labels' column."""
    return payload.replace("customerio batch of", "batch of").replace(", collector running", ", GC running")


def handle_chart(data: dict[str, Any], *, source: str = "") -> str:
    """``bench_handle.py --json``: handle()'s time over the floor's plus json.loads's."""
    return render(
        "Receiver.handle, time over (HMAC floor + json.loads) (lower is better)",
        _handle_bars(data["rows"], _short_batch),
        target=HANDLE_TARGET,
        note=_note(
            "benchmarks/bench_handle.py: medians of interleaved rounds, 1 KiB bodies and a 1000-event batch"
            " (collector paused, and running)",
            source,
        ),
    )


MEMORY_STEPS = {
    "read": "received, Content-Length declared",
    "chunked": "received, chunked",
    "verify": "verified",
}
"""bench_memory.py's steps that the 1.1x target judges (parsing builds the events: not judged)."""


def memory_chart(data: dict[str, Any], *, source: str = "") -> str:
    """``bench_memory.py --json``: peak extra memory per step, as a multiple of the body's size."""
    bars = (
        (f"{row['size']:,} bytes", Bar(series, row[step]))
        for row in data["rows"]
        for step, series in MEMORY_STEPS.items()
        if step in row
    )
    return render(
        "Peak extra memory to receive and verify, over the body's size (lower is better)",
        _grouped(bars),
        target=MEMORY_TARGET,
        note=_note(
            "benchmarks/bench_memory.py: tracemalloc peaks; bodies in 64 KiB chunks through the ASGI reader",
            source,
        ),
    )


def run_charts(run: dict[str, Any]) -> dict[str, str]:
    """``benchmarks/run.py --json``: ``{file name: SVG}`` for every chart its figures allow.

    A benchmark that was not run, wrote no figures, or has nothing to draw (no 1 KiB
    verification rows, say) gives no chart. Each chart notes the run's command,
    commit, date and machine.
    """
    source = f"{run['command']}; commit {run['commit']}, {run['date'][:10]}\nmachine: {run['machine']}"
    makers: dict[str, Callable[..., str]] = {
        "verify": verify_chart,
        "memory": memory_chart,
        "wrk": wrk_chart,
        "counts": counts_chart,
        "handle": handle_chart,
    }
    charts: dict[str, str] = {}
    for name, maker in makers.items():
        figures = run["benchmarks"].get(name, {}).get("figures")
        if figures is None:
            continue
        with suppress(NoBars):
            charts[f"{name}.svg"] = maker(figures, source=source)
    return charts


def main(argv: Sequence[str] | None = None) -> int:
    """Write one SVG per chart the inputs allow."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--run", type=Path, help="benchmarks/run.py's --json output: every chart it allows")
    parser.add_argument("--verify", type=Path, help="bench_verify.py's --json output")
    parser.add_argument("--wrk", type=Path, help="bench_wrk.py's --json output")
    parser.add_argument("--counts", type=Path, help="count_targets.py's --json output")
    parser.add_argument("--handle", type=Path, help="bench_handle.py's --json output")
    parser.add_argument("--out", type=Path, required=True, help="the folder to write the SVGs into")
    args = parser.parse_args(argv)
    if not (args.run or args.verify or args.wrk or args.counts or args.handle):
        parser.error("give --run or at least one of --verify, --wrk, --counts, --handle")
    made = run_charts(json.loads(args.run.read_text())) if args.run else {}
    if args.run and not made:
        parser.error(f"{args.run}: no figures to chart")
    for source, chart, name in (
        (args.verify, verify_chart, "verify.svg"),
        (args.wrk, wrk_chart, "wrk.svg"),
        (args.counts, counts_chart, "counts.svg"),
        (args.handle, handle_chart, "handle.svg"),
    ):
        if source is not None:
            try:
                made[name] = chart(json.loads(source.read_text()))
            except NoBars as error:
                parser.error(f"{source}: {error}")
    args.out.mkdir(parents=True, exist_ok=True)
    for name, svg in made.items():
        (args.out / name).write_text(svg, encoding="utf-8")
        print(f"wrote {args.out / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
