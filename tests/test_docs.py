"""The documentation site (issue 19): every Python block in docs/ runs, and the site builds.

Each ```python block of ``docs/**/*.md`` is a complete program and runs here as its own
module, compiled under the page's path with the page's line numbers, so a failure points
at the line of the page. Two markers, an HTML comment on the line(s) just above the
fence, cover the blocks that cannot run alone:

* ``<!-- same-as: examples/testing/test_fastapi_handlers.py -->``: the block is that
  file, verbatim; the file itself runs elsewhere in the suite (a pytest module).
* ``<!-- not-run: <reason> -->``: a fragment (it needs a broker, a database, a project's
  settings...). It must still compile; the reason is required. Used sparingly.

The collector is these few lines rather than pytest-examples, whose traceback rewriting
turned a failing block into an INTERNALERROR (Python 3.11.7, with the hypothesis plugin);
so the blocks run in every ``pytest``, with nothing extra installed. Formatting is not
checked here: ``ruff format --check .`` formats the Python blocks of Markdown files. The
site's strict build runs when mkdocs is installed (the ``docs`` extra), and is required
when ``WEBHOOK_RECEIVER_REQUIRE_DOCS=1`` (.ci/run); the built site is then served on
127.0.0.1 to headless Chromium (tests/browser.py), which loads pages, charts, a
cross-reference and the search.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

from webhook_receiver import providers

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README = ROOT / "README.md"
REQUIRED = os.environ.get("WEBHOOK_RECEIVER_REQUIRE_DOCS") == "1"
FENCE = re.compile(r"^```(?:python|py)\n(?P<source>.*?)^```$", flags=re.M | re.S)
MARKER = re.compile(r"^<!-- (?P<kind>not-run|same-as): (?P<reason>\S.*?) -->$")
ROLE_AS_TEXT = re.compile(r":(?:class|func|meth|attr|data|exc|mod|obj|const):<code>")
SECTIONS = ("docs/providers/", "docs/reference/")
"""Sections whose own index links their pages; the README links each index."""


@dataclass(frozen=True)
class Block:
    """A ```python block: its page, the line of its first line of code, and the marker above it."""

    path: Path
    line: int
    source: str
    marker: tuple[str, str] | None

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def _blocks(page: Path) -> list[Block]:
    text = page.read_text()
    lines = text.splitlines()
    found = []
    for fence in FENCE.finditer(text):
        fence_index = text.count("\n", 0, fence.start())  # the fence's 0-based line
        above = fence_index - 1
        while above >= 0 and not lines[above].strip():
            above -= 1
        marker = MARKER.match(lines[above].strip()) if above >= 0 else None
        kind = (marker["kind"], marker["reason"]) if marker else None
        found.append(Block(page, fence_index + 2, fence["source"], kind))
    return found


# The provider pages' blocks are run by tests/test_docs_providers.py, with its own checks;
# the README's (its first receiver) run here with the docs'.
BLOCKS = _blocks(README) + [
    block
    for page in sorted(DOCS.rglob("*.md"))
    if page.parent.name != "providers" or page.name == "index.md"
    for block in _blocks(page)
]


def test_the_readmes_python_blocks_run_too() -> None:
    assert [block for block in BLOCKS if block.path == README and block.marker is None]


def test_the_docs_have_python_blocks() -> None:
    assert len(BLOCKS) >= 20, [str(block) for block in BLOCKS]


@pytest.mark.parametrize("block", BLOCKS, ids=str)
def test_a_python_block_of_the_docs_runs(
    block: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if block.marker is not None and block.marker[0] == "same-as":
        source = (ROOT / block.marker[1]).read_text()
        assert block.source.strip() == source.strip(), f"{block} differs from {block.marker[1]}"
        return
    # Padded so that the page's line numbers are the code's: tracebacks show the page.
    code = compile("\n" * (block.line - 1) + block.source, str(block.path), "exec")
    if block.marker is not None:  # not-run: a fragment, compiled only
        return
    monkeypatch.chdir(tmp_path)  # a block that writes a file (an SQLite store) writes it here
    exec(code, {"__name__": f"docs_{block.path.stem}_{block.line}"})  # noqa: S102 (the docs run)


def test_not_run_blocks_are_few() -> None:
    """Fragments are the exception: most blocks run."""
    not_run = [str(block) for block in BLOCKS if block.marker is not None and block.marker[0] == "not-run"]
    assert len(not_run) * 3 <= len(BLOCKS), f"{len(not_run)} of {len(BLOCKS)} blocks are not run: {not_run}"


def _table_names(page: Path) -> dict[str, str]:
    """The provider names in the index's table, each with the page it links to."""
    rows = re.findall(r"^\| \[`([a-z0-9-]+)`\]\(([^)]+)\) \|", page.read_text(), flags=re.M)
    return dict(rows)


def test_the_providers_index_links_every_provider() -> None:
    links = _table_names(DOCS / "providers" / "index.md")
    assert sorted(links) == sorted(providers.PROVIDERS)
    assert all(target == f"{name}.md" for name, target in links.items())


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built once for this module with ``mkdocs build --strict``."""
    if not REQUIRED and importlib.util.find_spec("mkdocs") is None:
        pytest.skip("mkdocs is not installed: pip install -e '.[docs]'")
    directory = tmp_path_factory.mktemp("docs") / "site"
    # A child process: mkdocs' own deprecation warnings are not this suite's errors.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(directory)]
    built = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-4000:]
    return directory


def test_the_site_builds_in_strict_mode(site: Path) -> None:
    built_pages = {path.relative_to(site).as_posix() for path in site.rglob("*.html")}
    for page in ("index.html", "getting-started/index.html", "reference/index.html", "providers/index.html"):
        assert page in built_pages
    reference = (site / "reference" / "index.html").read_text()
    assert 'id="webhook_receiver.Receiver"' in reference
    # The docstrings' reST (docs/_ext/sphinx_roles.py): no role is printed as it is written,
    # a role naming a rendered object is a link, and simple tables are tables.
    for page in site.rglob("*.html"):
        html = page.read_text()
        assert ROLE_AS_TEXT.search(html) is None, (page, ROLE_AS_TEXT.search(html))
        assert "<autoref" not in html, page
    assert re.search(r'<a class="autorefs[^"]*"[^>]*href="[^"]*#webhook_receiver\.Secret"', reference)
    providers_reference = (site / "reference" / "providers" / "index.html").read_text()
    assert re.search(r"<td><code>courier-channel</code></td>", providers_reference)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def _served(directory: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(directory))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            thread.join(timeout=10)


def test_the_site_works_in_a_browser(site: Path, chromium: str) -> None:
    """Served over HTTP to headless Chromium: pages load whole, charts draw, search finds."""
    from playwright.sync_api import expect, sync_playwright

    from .browser import CHROMIUM_ARGS

    problems: list[str] = []
    with _served(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            # Errors of the pages themselves; a resource that fails to load is judged by its
            # address below (the theme asks api.github.com for the repository's figures,
            # which this machine cannot reach).
            page.on(
                "console",
                lambda m: (
                    problems.append(f"console: {m.text}")
                    if m.type == "error" and not m.text.startswith("Failed to load resource")
                    else None
                ),
            )
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            # A request cut short by the next navigation (the favicon, say) is ERR_ABORTED.
            page.on(
                "requestfailed",
                lambda r: (
                    problems.append(f"failed: {r.url} ({r.failure})")
                    if r.url.startswith(base) and "ERR_ABORTED" not in (r.failure or "")
                    else None
                ),
            )
            page.on(
                "response",
                lambda r: (
                    problems.append(f"{r.status} {r.url}")
                    if r.url.startswith(base) and r.status >= 400
                    else None
                ),
            )
            for path in ("/", "/getting-started/", "/guides/troubleshooting/", "/providers/stripe/"):
                page.goto(base + path)
                expect(page.locator("h1").first).to_be_visible()

            # Every benchmark chart is an SVG the browser draws (a broken image is 0 wide).
            page.goto(base + "/benchmarks/")
            charts = page.locator("img[src$='.svg']")
            assert charts.count() >= 3
            for index in range(charts.count()):
                chart = charts.nth(index)
                chart.scroll_into_view_if_needed()
                expect(chart).to_be_visible()
                assert chart.evaluate("image => image.complete && image.naturalWidth > 0"), chart

            # A cross-reference in a docstring leads to the object it names.
            page.goto(base + "/reference/")
            link = page.locator("a.autorefs-internal[href$='#webhook_receiver.Secret']").first
            link.click()
            expect(page.locator("[id='webhook_receiver.Secret']")).to_be_in_viewport()

            # Material's search runs in a web worker over search/search_index.json; API
            # names are found whole (mkdocs.yml's separator: the default split none here).
            page.goto(base + "/")
            query = page.locator("input.md-search__input")
            for name in ("compare_digest", "SignatureMismatch", "Receiver.handle"):
                query.fill("")
                query.press_sequentially(name)
                expect(page.locator(".md-search-result__item").first).to_be_visible(timeout=15_000)
        finally:
            browser.close()
    assert problems == []


def test_the_readme_is_short_and_links_every_page() -> None:
    """The README is the front page (issue 19): the detail lives in docs/, each page linked."""
    text = README.read_text()
    assert len(text.splitlines()) < 250
    linked = set(re.findall(r"\]\((docs/[^)#]+\.md)\)", text))
    pages = {page.relative_to(ROOT).as_posix() for page in DOCS.rglob("*.md")}
    pages = {page for page in pages if not page.startswith(SECTIONS) or page.endswith("/index.md")}
    assert pages - linked == set(), pages - linked
    assert all((ROOT / target).is_file() for target in linked), linked


def test_every_page_is_in_the_navigation_and_its_section_index_links_it() -> None:
    nav = set(re.findall(r"^\s+- (?:[^:\n]+: )?(\S+\.md)$", (ROOT / "mkdocs.yml").read_text(), flags=re.M))
    pages = {page.relative_to(DOCS).as_posix() for page in DOCS.rglob("*.md")}
    assert pages - nav == set(), pages - nav
    assert nav - pages == set(), nav - pages
    for section in SECTIONS:
        index = ROOT / section / "index.md"
        linked = set(re.findall(r"\]\(([^)#/]+\.md)(?:#[^)]*)?\)", index.read_text()))
        siblings = {page.name for page in index.parent.glob("*.md")} - {"index.md"}
        assert siblings - linked == set(), (section, siblings - linked)


def _sphinx_roles() -> ModuleType:
    if importlib.util.find_spec("griffe") is None and not REQUIRED:
        pytest.skip("griffe is not installed: pip install -e '.[docs]'")
    spec = importlib.util.spec_from_file_location("sphinx_roles", DOCS / "_ext" / "sphinx_roles.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docstring_roles_become_optional_cross_references() -> None:
    roles = _sphinx_roles()
    package = roles.griffe.load("webhook_receiver", search_paths=[str(ROOT)])
    receiver = package["Receiver"].final_target
    text = roles.rewrite(receiver, "Use :class:`Secret`, :meth:`handle`, :class:`~datetime.datetime`.")
    assert text == (
        'Use <autoref identifier="webhook_receiver._schemes.Secret" optional><code>Secret</code></autoref>, '
        '<autoref identifier="webhook_receiver._receiver.Receiver.handle" optional>'
        "<code>handle</code></autoref>, "
        '<autoref identifier="datetime.datetime" optional><code>datetime</code></autoref>.'
    )


def test_docstring_literal_blocks_tables_and_doctests_become_markdown() -> None:
    roles = _sphinx_roles()
    package = roles.griffe.load("webhook_receiver", search_paths=[str(ROOT)])
    text = """Intro, then an example::

    code()

::

    more()

=====  ===========
name   meaning
=====  ===========
``a``  first, with
       a second line
``b``  b | c
=====  ===========

=====  ===========
``x``  no header
=====  ===========

>>> 1 + 1
2
"""
    assert (
        roles.rewrite(package, text)
        == """Intro, then an example:

    code()


    more()

| name | meaning |
|---|---|
| ``a`` | first, with a second line |
| ``b`` | b \\| c |

- ``x``: no header

```pycon
>>> 1 + 1
2
```
"""
    )
