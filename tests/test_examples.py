"""The README shows the examples that the suite runs, verbatim, so they never drift."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_readme_shows_the_testing_examples_verbatim() -> None:
    readme = (ROOT / "README.md").read_text()
    for framework in ("fastapi", "flask", "django", "plain"):
        name = f"test_{framework}_handlers"
        code = (ROOT / "examples" / "testing" / f"{name}.py").read_text().rstrip()
        assert f"```python\n{code}\n```" in readme, f"README's copy of {name}.py differs from the file"
