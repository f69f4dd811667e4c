"""The examples run as users run them, so they never rot."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_verify_signed_samples_runs_and_every_outcome_is_expected() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "verify_signed_samples.py")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "UNEXPECTED" not in result.stdout
    assert "35 of 35 requests ended as expected." in result.stdout
    lines = result.stdout.splitlines()
    for provider in ("courier", "courier-channel", "customerio", "kourier", "xtremepush", "stripe", "github"):
        genuine = next(line for line in lines if line.startswith(f"{provider} ") and " genuine " in line)
        assert " 200 " in genuine
    # The typed handlers saw the typed fields.
    assert "delivery abc123 is in_transit" in result.stdout
    assert "track 'Signed Up' by user 123; track 'Signed Up' by user 456" in result.stdout
    assert "is DELIVERED" in result.stdout
    assert "401 timestamp_outside_tolerance" in result.stdout


def test_the_readme_shows_the_testing_examples_verbatim() -> None:
    readme = (ROOT / "README.md").read_text()
    for framework in ("fastapi", "flask", "django", "plain"):
        name = f"test_{framework}_handlers"
        code = (ROOT / "examples" / "testing" / f"{name}.py").read_text().rstrip()
        assert f"```python\n{code}\n```" in readme, f"README's copy of {name}.py differs from the file"
