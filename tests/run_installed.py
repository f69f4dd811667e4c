"""Run the compiled path's tests against the *installed* package, as a wheel installs it.

    python tests/run_installed.py [pytest arguments]

with the interpreter of the environment the wheel was installed into: cibuildwheel's
test command (``[tool.cibuildwheel]`` in ``pyproject.toml``) and
``tests/test_packaging.py`` run it so. It exits with pytest's status.

Run as they are, the tests would not test the wheel: pytest puts the source tree on
``sys.path`` (the tests are a package), and there ``webhook_receiver`` is the source,
with no extension or with one built for another interpreter. So the tests are copied to
a temporary directory and run from there, with ``WEBHOOK_RECEIVER_REQUIRE_SPEEDUPS=1``
(and no other ``WEBHOOK_RECEIVER_*`` variable: those are the whole suite's), and the
run refuses to start unless ``webhook_receiver`` is imported from outside the
source tree with its extension loaded. Only ``pytest`` and ``hypothesis`` are needed
beside the wheel (cibuildwheel's ``test-requires``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

TESTS = Path(__file__).resolve().parent
SOURCE_TREE = TESTS.parent

COMPILED_TESTS = (
    "test_speedups.py",
    "test_speedups_hmac.py",
    "test_speedups_events.py",
    "test_speedups_fuzz.py",
)
"""The compiled path held to the pure-Python code it stands for (and the seeded fuzz run)."""

# pyproject.toml's pytest settings that matter here; its others need the test extra.
PYTEST_INI = """\
[pytest]
addopts = -ra --strict-markers --strict-config -p no:cacheprovider
filterwarnings = error
xfail_strict = true
"""

# Where the installed package is, and whether it loaded its extension: run with -I (no
# current directory, no PYTHON* variables), so the answer is the environment's own.
_WHERE = (
    "import webhook_receiver, webhook_receiver._accel as accel; "
    "print(webhook_receiver.__file__); print(accel.status())"
)


def run_environment() -> dict[str, str]:
    """This environment without ``PYTHONPATH`` or the suite's own switches and
    requirements (servers, atheris, pure Python: ``WEBHOOK_RECEIVER_*``), which are the
    source tree's run's; here only the extension is required."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key != "PYTHONPATH" and not key.startswith("WEBHOOK_RECEIVER_")
    }
    environment["WEBHOOK_RECEIVER_REQUIRE_SPEEDUPS"] = "1"
    return environment


def installed_package(environment: dict[str, str]) -> tuple[Path, str]:
    """Where this interpreter imports ``webhook_receiver`` from, and its ``_accel.status()``."""
    command = [sys.executable, "-I", "-c", _WHERE]
    answer = subprocess.run(
        command, capture_output=True, text=True, check=True, cwd=tempfile.gettempdir(), env=environment
    ).stdout.split("\n")
    return Path(answer[0]).resolve().parent, answer[1]


def main(arguments: list[str]) -> int:
    """Copy the tests out of the source tree and run :data:`COMPILED_TESTS` there."""
    environment = run_environment()
    package, status = installed_package(environment)
    if package.is_relative_to(SOURCE_TREE):
        sys.exit(f"webhook_receiver is imported from the source tree ({package}), not from a wheel")
    if status != "used":
        sys.exit(f"the installed webhook_receiver ({package}) does not use its compiled extension: {status}")
    print(f"testing the installed package at {package} (its compiled extension: {status})", flush=True)
    with tempfile.TemporaryDirectory(prefix="webhook-receiver-installed-") as scratch:
        copy = Path(scratch)
        shutil.copytree(TESTS, copy / "tests", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        (copy / "pytest.ini").write_text(PYTEST_INI)
        command = [sys.executable, "-m", "pytest", *(f"tests/{name}" for name in COMPILED_TESTS), *arguments]
        return subprocess.run(command, cwd=copy, env=environment, check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
