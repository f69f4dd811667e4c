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


def test_the_installed_package_is_typed_for_code_outside_the_project(tmp_path: Path) -> None:
    """mypy run from another directory (an application using the library) sees its types.

    After the Quickstart's editable install it did not: setuptools' import hook for a
    flat layout is invisible to type checkers, so every name was ``Any``
    (``import-not-found``). ``pyproject.toml``'s ``package-dir`` makes it a plain path.
    """
    import os
    import subprocess
    import sys

    app = tmp_path / "app.py"
    app.write_text(
        "from webhook_receiver import Receiver, providers\n"
        "receiver = Receiver(providers.Kourier(token='t'))\n"
        "reveal_type(receiver.handle)\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(app)],
        cwd=tmp_path,
        env={**os.environ, "MYPYPATH": "", "PYTHONPATH": ""},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "webhook_receiver._receiver.Reply" in done.stdout, done.stdout
