"""The provider pages of the documentation site: one per provider, each complete and working.

Every name :func:`webhook_receiver.providers.create` accepts has ``docs/providers/<name>.md``
(and no page names a provider that does not exist), every page has the same sections,
every ``python`` block runs, and every mkdocstrings target (``::: dotted.path`` with its
``members``) names something that exists, so ``mkdocs build`` cannot render an empty
or broken events section.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import pytest

from webhook_receiver import Event, MissingDependency
from webhook_receiver.providers import PROVIDERS

PAGES = Path(__file__).resolve().parent.parent / "docs" / "providers"
# Pages in docs/providers/ that are not a provider's own (the section's index).
NOT_PROVIDERS = {"index"}
HEADINGS = (
    "Product and variant",
    "Set up in the dashboard",
    "Configure",
    "Scheme",
    "Body",
    "Events",
    "Identity and replays",
)
NOT_RUN = "<!-- not-run:"
BLOCK = re.compile(r"^```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)
TARGET = re.compile(r"^::: (\S+)\n((?:[ \t]+\S.*\n?)*)", re.MULTILINE)
MEMBERS = re.compile(r"^\s*members:\s*\[(.*?)\]", re.MULTILINE)


def provider_pages() -> list[Path]:
    return sorted(p for p in PAGES.glob("*.md") if p.stem not in NOT_PROVIDERS)


def python_blocks(text: str) -> list[tuple[int, str]]:
    """The ``python`` blocks to run as ``(line, code)``: those not preceded by the not-run marker."""
    blocks = []
    for match in BLOCK.finditer(text):
        before = text[: match.start()].rstrip().rsplit("\n", 1)[-1]
        if not before.startswith(NOT_RUN):
            blocks.append((text.count("\n", 0, match.start()) + 1, match.group(1)))
    return blocks


def resolve(path: str) -> Any:
    """Import the longest importable module prefix of ``path``, then get the rest as attributes."""
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            obj = getattr(obj, name)
        return obj
    raise ModuleNotFoundError(path)


def test_every_provider_has_a_page_and_every_page_a_provider() -> None:
    names = {p.stem for p in provider_pages()}
    assert sorted(set(PROVIDERS) - names) == [], "providers without a page"
    assert sorted(names - set(PROVIDERS)) == [], "pages for no known provider"


@pytest.mark.parametrize("page", provider_pages(), ids=lambda p: p.stem)
def test_page_has_the_sections_in_order(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    title = text.split("\n", 1)[0]
    assert title.startswith("# ") and f"(`{page.stem}`)" in title, title
    found = re.findall(r"^## (.+)$", text, re.MULTILINE)
    assert [h for h in found if h in HEADINGS] == list(HEADINGS), found


@pytest.mark.parametrize("page", provider_pages(), ids=lambda p: p.stem)
def test_page_configures_its_own_provider(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    configure = text.split("## Configure", 1)[1].split("\n## ", 1)[0]
    assert (
        f'providers.create(\n    "{page.stem}"' in configure or f'providers.create("{page.stem}"' in configure
    )


@pytest.mark.parametrize("page", provider_pages(), ids=lambda p: p.stem)
def test_python_blocks_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Blocks may create files (an SQLite store): keep them out of the checkout.
    monkeypatch.chdir(tmp_path)
    blocks = python_blocks(page.read_text(encoding="utf-8"))
    assert blocks, "a provider page shows at least its configuration"
    for line, code in blocks:
        try:
            exec(compile(code, f"{page.name}:{line}", "exec"), {"__name__": "docs_example"})  # noqa: S102
        except MissingDependency as exc:  # pragma: no cover - the dev environment has every extra
            pytest.skip(f"{page.name}:{line} needs an extra: {exc}")


@pytest.mark.parametrize("page", provider_pages(), ids=lambda p: p.stem)
def test_mkdocstrings_targets_exist(page: Path) -> None:
    for match in TARGET.finditer(page.read_text(encoding="utf-8")):
        target = resolve(match.group(1))
        listed = MEMBERS.search(match.group(2))
        for member in (m.strip() for m in listed.group(1).split(",")) if listed else ():
            assert hasattr(target, member), f"{match.group(1)}.{member}"


def test_every_typed_event_is_rendered() -> None:
    """Each provider module's event classes appear on its pages, so a new one cannot go undocumented."""
    rendered = {
        match.group(1)
        for page in provider_pages()
        for match in TARGET.finditer(page.read_text(encoding="utf-8"))
    }
    defined = {
        f"{obj.__module__}.{obj.__qualname__}"
        for cls in PROVIDERS.values()
        for obj in vars(importlib.import_module(cls.__module__)).values()
        if isinstance(obj, type) and issubclass(obj, Event) and obj.__module__ == cls.__module__
    }
    assert sorted(defined - rendered) == []


def test_the_checks_catch_what_they_are_for() -> None:
    text = (
        "<!-- not-run: needs a server -->\n```python\nraise SystemExit\n```\n\n"
        "```python\nx = 1\n```\n\n"
        "::: webhook_receiver.providers.kourier\n    options:\n      members: [Nope]\n"
    )
    assert python_blocks(text) == [(6, "x = 1\n")]
    match = next(TARGET.finditer(text))
    assert match.group(1) == "webhook_receiver.providers.kourier"
    listed = MEMBERS.search(match.group(2))
    assert listed is not None and listed.group(1) == "Nope"
    with pytest.raises(AttributeError):
        resolve("webhook_receiver.providers.kourier.Nope")
