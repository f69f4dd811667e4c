"""The docs show the examples that the suite runs, verbatim, so they never drift."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTING = ROOT / "docs" / "guides" / "testing.md"


def test_the_testing_guide_shows_the_testing_examples_verbatim() -> None:
    page = TESTING.read_text()
    for framework in ("fastapi", "flask", "django", "plain"):
        name = f"test_{framework}_handlers"
        code = (ROOT / "examples" / "testing" / f"{name}.py").read_text().rstrip()
        block = f"<!-- same-as: examples/testing/{name}.py -->\n```python\n{code}\n```"
        assert block in page, f"{TESTING.name}'s copy of {name}.py differs from the file"
