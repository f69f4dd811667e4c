"""The typing story, proven with ``mypy --strict`` rather than claimed."""

from __future__ import annotations

from pathlib import Path

import pytest

mypy_api = pytest.importorskip("mypy.api")

HERE = Path(__file__).parent / "typing"


def run_mypy(path: Path) -> tuple[str, int]:
    stdout, stderr, status = mypy_api.run(
        ["--strict", "--no-incremental", "--show-error-codes", "--no-error-summary", str(path)]
    )
    return stdout + stderr, status


def test_typed_handlers_type_check_clean() -> None:
    output, status = run_mypy(HERE / "handlers_ok.py")
    assert status == 0, output


def test_mistyped_handlers_are_errors_on_exactly_the_marked_lines() -> None:
    path = HERE / "handlers_bad.py"
    output, status = run_mypy(path)
    assert status == 1
    expected = {n for n, line in enumerate(path.read_text().splitlines(), start=1) if "# E:" in line}
    reported = {int(line.split(":")[1]) for line in output.splitlines() if ": error:" in line}
    assert reported == expected, output
