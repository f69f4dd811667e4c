"""The package's reST docstrings, rendered as Markdown on the documentation site.

The docstrings are written for ``help()`` and editors: Sphinx roles
(``:class:`Receiver```), literal blocks introduced by ``::`` and simple tables. Markdown
would print all three as they are. This Griffe extension (loaded by mkdocstrings, see
mkdocs.yml) rewrites each docstring once the package is loaded, before it is rendered:

- a role becomes an autorefs cross-reference to the object its name resolves to from
  where the docstring stands, marked optional: a link when that object is rendered
  somewhere on the site, plain code otherwise (the standard library, private helpers);
  ``~`` keeps only the last part of the name, as in Sphinx;
- ``Example::`` becomes ``Example:`` and a ``::`` alone on its line goes (the indented
  block after it is a code block in Markdown too);
- a simple table (``====  ====`` borders) becomes a Markdown table, or a list when it
  has no header row;
- a doctest session (``>>>`` lines and their output) becomes a ``pycon`` code block.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import griffe

__all__ = ["ROLE", "SphinxRoles", "rewrite"]

ROLE = re.compile(
    r":(?:py:)?(?:class|func|meth|attr|data|exc|mod|obj|const):`(?P<short>~?)(?P<target>[^`]+)`"
)
"""A Sphinx cross-reference role, with or without the ``py:`` domain."""

_BORDER = re.compile(r"^ *=+(?: +=+)+ *$")


def _identifier(obj: griffe.Object, target: str) -> str:
    """The full dotted path ``target`` names when written in ``obj``'s docstring."""
    head, _, rest = target.lstrip(".").partition(".")
    try:
        resolved = obj.resolve(head)  # Griffe looks in obj's scope, then in each parent's
    except griffe.NameResolutionError:
        return target
    return f"{resolved}.{rest}" if rest else resolved


def _roles(obj: griffe.Object, text: str) -> str:
    def link(match: re.Match[str]) -> str:
        target = match["target"].strip()
        title = target.rsplit(".", 1)[-1] if match["short"] else target.lstrip(".")
        identifier = _identifier(obj, target)
        return f'<autoref identifier="{identifier}" optional><code>{title}</code></autoref>'

    return ROLE.sub(link, text)


def _literal_markers(text: str) -> str:
    lines = []
    for line in text.split("\n"):
        if line.strip() == "::":
            continue
        if line.endswith("::"):
            line = line[:-2].rstrip() if line[:-2].endswith(" ") else line[:-1]
        lines.append(line)
    return "\n".join(lines)


def _doctests(text: str) -> str:
    out: list[str] = []
    indent: str | None = None  # the open fence's indentation, while inside a session
    for line in text.split("\n"):
        stripped = line.lstrip()
        if indent is None and stripped.startswith(">>>"):
            indent = line[: len(line) - len(stripped)]
            out.append(f"{indent}```pycon")
        elif indent is not None and not stripped:
            out.append(f"{indent}```")
            indent = None
        out.append(line)
    if indent is not None:
        out.append(f"{indent}```")
    return "\n".join(out)


def _spans(border: str) -> list[tuple[int, int]]:
    spans = [(match.start(), match.end()) for match in re.finditer(r"=+", border)]
    return [(start, spans[i + 1][0] if i + 1 < len(spans) else 10_000) for i, (start, _) in enumerate(spans)]


def _table(rows: list[str], spans: list[tuple[int, int]], header: int) -> list[str]:
    cells: list[list[str]] = []
    for row in rows:
        parts = [row[start:end].strip() for start, end in spans]
        if cells and not parts[0]:  # a continuation line: its text joins the row above
            cells[-1] = [f"{a} {b}".strip() for a, b in zip(cells[-1], parts, strict=True)]
        else:
            cells.append(parts)
    cells = [[cell.replace("|", "\\|") for cell in row] for row in cells]
    if header == 0:
        return [f"- {row[0]}: {' '.join(row[1:])}" for row in cells]
    lines = ["| " + " | ".join(row) + " |" for row in cells]
    lines.insert(header, "|" + "---|" * len(spans))
    return lines


def _tables(text: str) -> str:
    lines = text.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        if not _BORDER.match(lines[index]):
            out.append(lines[index])
            index += 1
            continue
        borders = [index]
        cursor = index + 1
        while cursor < len(lines) and lines[cursor].strip():
            if _BORDER.match(lines[cursor]):
                borders.append(cursor)
            cursor += 1
        if len(borders) < 2:
            out.append(lines[index])
            index += 1
            continue
        spans = _spans(lines[index])
        rows = [line for line in lines[index + 1 : borders[-1]] if not _BORDER.match(line)]
        header = borders[1] - index - 1 if len(borders) == 3 else 0
        if out and out[-1].strip():
            out.append("")
        out.extend(_table(rows, spans, header))
        index = borders[-1] + 1
    return "\n".join(out)


def rewrite(obj: griffe.Object, text: str) -> str:
    """``text`` (``obj``'s docstring) as Markdown: roles, literal markers, tables."""
    return _roles(obj, _literal_markers(_doctests(_tables(text))))  # tables first: they are read by column


def _objects(obj: griffe.Object) -> Iterator[griffe.Object]:
    yield obj
    for member in obj.members.values():
        if not member.is_alias:
            yield from _objects(member)  # type: ignore[arg-type]


class SphinxRoles(griffe.Extension):
    """Rewrite every docstring of a package as Markdown once the package is loaded."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """Griffe's hook: the whole package, with its imports, is loaded."""
        for obj in _objects(pkg):
            if obj.docstring is not None:
                obj.docstring.value = rewrite(obj, obj.docstring.value)
