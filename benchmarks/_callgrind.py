"""Instruction counts of named sections of one process, from callgrind's client requests.

Wall-clock micro-benchmarks on a shared 2-core machine swing by 10-30%; the number of
instructions a call executes does not. Running a whole process under callgrind and
subtracting two runs (what ``count_public_keys.py`` does) needs a process per figure;
this helper measures many sections inside one process instead.

The measured script (the child) calls :func:`measure` for each section::

    import _callgrind
    _callgrind.measure("json.loads", lambda: json.loads(body), calls=500)

and the parent runs it under callgrind with :func:`count`, which returns
``{name: instructions per call}``::

    figures = _callgrind.count([sys.executable, "script.py", "--child"])

How a section is counted: callgrind starts with collection off
(``--collect-atstart=no``); :func:`measure` switches it on (``CALLGRIND_TOGGLE_COLLECT``),
calls ``fn`` ``calls`` times in a loop, switches it off and dumps the counts under the
section's name (``CALLGRIND_DUMP_STATS_AT``, which also zeroes them). It does the same
with a function that does nothing, and the parent subtracts that empty loop, so the
figure is the call's own: what the loop, the call of a Python function and the
ctypes round trips into the client library cost is not in it. The garbage collector
is off while counting (as in ``timeit``), so a collection does not land in one section
and not another; ``PYTHONHASHSEED`` is pinned by :func:`count` so runs repeat.

The client requests are C macros (``/usr/include/valgrind/callgrind.h``): a tiny
shared library made of them is built once with ``gcc`` into a cache folder under the
system's temporary folder, named by a hash of its source and the header, and loaded
with ctypes. Outside valgrind the requests do nothing, so :func:`measure` refuses to
run there rather than report nothing.

Needs ``valgrind`` with its headers (Debian's ``valgrind`` package) and ``gcc``.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

HEADER = Path("/usr/include/valgrind/callgrind.h")

_SOURCE = """\
#include <valgrind/callgrind.h>

int wr_running_on_valgrind(void) { return RUNNING_ON_VALGRIND; }

void wr_instrument(void) { CALLGRIND_START_INSTRUMENTATION; }

void wr_begin(void) {
    CALLGRIND_ZERO_STATS;
    CALLGRIND_TOGGLE_COLLECT;
}

void wr_end(const char *name) {
    CALLGRIND_TOGGLE_COLLECT;
    CALLGRIND_DUMP_STATS_AT(name);
}
"""

_DUMP_NAME = re.compile(r"wr:(empty|fn):(\d+):(.*)")
"""How :func:`measure` names its dumps: which loop, how many calls, the section's name."""

_PREFIX = "desc: Trigger: Client Request: "

VALGRIND_OPTIONS = ("--tool=callgrind", "--instr-atstart=no", "--collect-atstart=no")
"""Nothing counted until a section starts; nothing even instrumented until the first one
(Python's start-up and imports run about 6x faster so: 3 s instead of 19 s here)."""


class Unavailable(RuntimeError):
    """valgrind, gcc or callgrind's header is missing, or the process is not under valgrind."""


def require_tools() -> None:
    """Raise :class:`Unavailable`, saying what to install, unless valgrind, gcc and the header exist."""
    missing = [tool for tool in ("valgrind", "gcc") if shutil.which(tool) is None]
    if not HEADER.is_file():
        missing.append(f"{HEADER} (valgrind's headers)")
    if missing:
        raise Unavailable(
            f"counting instructions needs {', '.join(missing)}; on Debian: apt-get install valgrind gcc"
        )


def library() -> Path:
    """The client-request library, built with gcc on first use (cached by a hash of its source)."""
    require_tools()
    key = hashlib.sha256(_SOURCE.encode() + HEADER.read_bytes()).hexdigest()[:16]
    folder = Path(tempfile.gettempdir()) / "webhook-receiver-callgrind"
    path = folder / f"client-{key}.so"
    if path.is_file():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    # Build beside the target and rename, so a concurrent build never loads half a file.
    with tempfile.TemporaryDirectory(dir=folder) as scratch:
        source = Path(scratch) / "client.c"
        source.write_text(_SOURCE)
        built = Path(scratch) / "client.so"
        done = subprocess.run(
            ["gcc", "-O2", "-shared", "-fPIC", "-o", str(built), str(source)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise Unavailable(f"gcc could not build the callgrind client library:\n{done.stderr}")
        os.replace(built, path)
    return path


@functools.cache
def _client() -> ctypes.CDLL:
    client = ctypes.CDLL(str(library()))
    client.wr_running_on_valgrind.restype = ctypes.c_int
    client.wr_instrument.restype = None
    client.wr_begin.restype = None
    client.wr_end.argtypes = [ctypes.c_char_p]
    client.wr_end.restype = None
    if not client.wr_running_on_valgrind():
        raise Unavailable(
            "not running under valgrind: run this script through _callgrind.count(), "
            f"or as: valgrind {' '.join(VALGRIND_OPTIONS)} python ..."
        )
    client.wr_instrument()
    # ctypes' first calls do more than the later ones: make them here, in a dump of no section.
    for _ in range(3):
        client.wr_begin()
        client.wr_end(b"wr:warmup")
    return client


def _nothing() -> None:
    return None


def _section(
    begin: Callable[[], None], end: Callable[[bytes], None], label: bytes, fn: Callable[[], object], n: int
) -> None:
    # The same code counts the empty loop and the real one: only ``fn`` differs.
    begin()
    for _ in range(n):
        fn()
    end(label)


def _ignore(label: bytes = b"") -> None:
    return None


def measure(name: str, fn: Callable[[], object], calls: int, *, warmup: int | None = None) -> None:
    """Count ``calls`` calls of ``fn`` and an empty loop of as many, dumped under ``name``.

    ``fn`` is first called ``warmup`` times (by default ``min(calls, 20)``), so that
    caches are filled and Python's adaptive interpreter has specialised the code.
    Raises :class:`Unavailable` when the process is not under valgrind.
    """
    if "\n" in name or calls < 1:
        raise ValueError("a section needs a one-line name and at least one call")
    client = _client()
    begin, end = client.wr_begin, client.wr_end
    # Warm up the loop itself too (its first runs are not yet specialised) and the
    # client's calls (ctypes' first call converts more), outside any section.
    _section(_ignore, _ignore, b"", fn, min(calls, 20) if warmup is None else warmup)
    for _ in range(3):
        _section(_ignore, _ignore, b"", _nothing, calls)
    collecting = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        _section(begin, end, f"wr:empty:{calls}:{name}".encode(), _nothing, calls)
        _section(begin, end, f"wr:fn:{calls}:{name}".encode(), fn, calls)
    finally:
        if collecting:
            gc.enable()


@dataclass(frozen=True)
class Counted:
    """What :func:`count` found: instructions per call of each section, and the child's output."""

    per_call: dict[str, float]
    stdout: str


def _dump_number(path: Path) -> tuple[int, str]:
    # callgrind.out.<pid>.<n>: the n-th dump; sorted by n, not as text (10 after 9).
    last = path.name.rsplit(".", 1)[-1]
    return (int(last) if last.isdigit() else 0, path.name)


def read_dumps(folder: Path) -> dict[str, int]:
    """``{dump name: instructions}`` of every client-request dump (``callgrind.out.*``) in ``folder``."""
    found: dict[str, int] = {}
    for path in sorted(folder.glob("callgrind.out.*"), key=_dump_number):
        name: str | None = None
        total: int | None = None
        with path.open(encoding="utf-8", errors="replace") as lines:
            for line in lines:
                if line.startswith(_PREFIX):
                    name = line[len(_PREFIX) :].rstrip("\n")
                elif line.startswith(("totals:", "summary:")) and total is None:
                    total = int(line.split()[1])
        if name is not None:
            if total is None:
                raise RuntimeError(f"{path}: a dump without a totals: or summary: line")
            if name in found and _DUMP_NAME.fullmatch(name):
                raise RuntimeError(f"two sections named {name!r}")
            found[name] = total
    return found


def per_call(dumps: Mapping[str, int]) -> dict[str, float]:
    """``{section: instructions per call}``: each section's count less its empty loop's, over its calls."""
    empty: dict[str, int] = {}
    full: dict[str, tuple[int, int]] = {}
    for label, total in dumps.items():
        matched = _DUMP_NAME.fullmatch(label)
        if matched is None:
            continue
        kind, calls, name = matched.groups()
        if kind == "empty":
            empty[name] = total
        else:
            full[name] = (total, int(calls))
    return {name: (total - empty[name]) / calls for name, (total, calls) in full.items()}


def count(
    command: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
    cwd: str | Path | None = None,
) -> Counted:
    """Run ``command`` (a Python process that calls :func:`measure`) under callgrind.

    Returns each section's instructions per call, in the order measured, and what
    the process printed. Raises :class:`Unavailable` when a tool is missing and
    ``RuntimeError`` (with the end of valgrind's output) when the process fails.
    """
    require_tools()
    library()  # build once here, so a failure is reported before valgrind starts
    environ = {**(os.environ if env is None else env), "PYTHONHASHSEED": "0"}
    with tempfile.TemporaryDirectory(prefix="callgrind-") as folder:
        done = subprocess.run(
            ["valgrind", *VALGRIND_OPTIONS, f"--callgrind-out-file={folder}/callgrind.out.%p", *command],
            env=environ,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"{' '.join(command)} failed under valgrind (exit {done.returncode}):\n"
                f"{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
            )
        dumps = read_dumps(Path(folder))
    return Counted(per_call(dumps), done.stdout)


if __name__ == "__main__":
    # A self-check: python benchmarks/_callgrind.py
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        measure("nothing", _nothing, 1000)
        measure("nothing again", _nothing, 1000)
        measure("sum of 100", lambda: sum(range(100)), 1000)
        measure("sum of 100 x10", lambda: sum(range(100)), 10)
    else:
        for section, instructions in count([sys.executable, __file__, "--child"]).per_call.items():
            print(f"{section:<12} {instructions:>12,.1f}")
