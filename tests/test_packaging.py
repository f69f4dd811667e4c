"""What a release ships: the sdist, the wheel built from it, and how each installs.

The sdist and the wheel are built as a release builds them (``python -m build``: the
sdist, then the wheel from the sdist), with this environment's setuptools rather than a
download. The wheel is then installed into a new virtual environment and the compiled
path's tests run against it there (``tests/run_installed.py``, cibuildwheel's test
command); the sdist is installed where no C compiler can run, and must still install and
verify, in pure Python. The Pythons and platforms the wheels are built for are
cibuildwheel's configuration in ``pyproject.toml``, held to the classifiers here.
"""

from __future__ import annotations

import io
import os
import re
import shlex
import shutil
import site
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import run_installed

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())

# What the sdist's build adds to the tree.
GENERATED = re.compile(r"PKG-INFO|setup\.cfg|webhook_receiver\.egg-info/.*")


@dataclass(frozen=True)
class Distributions:
    sdist: Path
    wheel: Path


# What a working tree holds besides the sources, left out where git cannot tell.
UNSHIPPED = (".git", ".venv*", ".tox", "build", "dist", "site", "*.egg-info", "__pycache__")
UNSHIPPED += ("*.py[cod]", "*.so", "*.pyd", ".*_cache", ".hypothesis")

# Planted in the copy the sdist is built from: what a working tree gathers (bytecode, a
# build of the extension in place), which MANIFEST.in must leave out.
PLANTED = (
    "tests/__pycache__/planted.cpython-311.pyc",
    "webhook_receiver/__pycache__/planted.cpython-311.pyc",
    "webhook_receiver/planted.cpython-311-x86_64-linux-gnu.so",
    "docs/planted.pyc",
)


def source_files() -> set[str] | None:
    """The source tree's files as git sees them (tracked, and new ones it does not
    ignore), or ``None`` outside a git checkout."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        return None
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {name for name in listed.split("\0") if name and (ROOT / name).is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Distributions:
    """The sdist and the wheel built from it, from a copy of the source tree: built in
    place, setuptools would also take what an earlier build listed in the tree's
    ``*.egg-info/SOURCES.txt``, which hides a file the manifest leaves out."""
    tree = tmp_path_factory.mktemp("source") / "webhook-receiver"
    files = source_files()
    if files is None:
        shutil.copytree(ROOT, tree, ignore=shutil.ignore_patterns(*UNSHIPPED))
    else:
        for name in files:
            (tree / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, tree / name)
    # and the planted files
    for planted in PLANTED:
        (tree / planted).parent.mkdir(parents=True, exist_ok=True)
        (tree / planted).write_bytes(b"not a source")
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(tree)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return Distributions(sdist, wheel)


def new_environment(where: Path) -> Path:
    """A new virtual environment's interpreter, which also sees this environment's
    packages (pytest, hypothesis, setuptools...) after its own: a ``.pth`` file lists
    this environment's site directories, whose own ``.pth`` files (an editable install's
    path to the source tree) are not read from there."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True, timeout=120)
    python = where / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(purelib, "test_environment.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    return python


def install(python: Path, distribution: Path, *options: str, env: dict[str, str] | None = None) -> str:
    """Install ``distribution`` alone into ``python``'s environment, from nothing but the file."""
    result = subprocess.run(
        [
            *(sys.executable, "-m", "pip", "--python", str(python), "install"),
            *("--no-deps", "--no-index", "--no-cache-dir", "--verbose", *options, str(distribution)),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout + result.stderr


def without_the_switch() -> dict[str, str]:
    """This environment without ``WEBHOOK_RECEIVER_PURE_PYTHON`` (CI's pure pass sets it),
    so that an installed package reports what it was built with. (``run_installed.py``
    makes its own environment.)"""
    return {key: value for key, value in os.environ.items() if key != "WEBHOOK_RECEIVER_PURE_PYTHON"}


def test_the_sdist_is_the_source_tree(built: Distributions) -> None:
    expected = source_files()
    if expected is None:
        pytest.skip("not a git checkout: the sdist is compared with the files git tracks")
    with tarfile.open(built.sdist) as sdist:
        top = f"{built.sdist.name.removesuffix('.tar.gz')}/"
        members = {member.name.removeprefix(top) for member in sdist.getmembers() if member.isfile()}
    shipped = {name for name in members if not GENERATED.fullmatch(name)}
    assert shipped == expected
    # nothing built or cached in a working tree goes with it
    assert not [name for name in members if re.search(r"__pycache__|\.(pyc|so|pyd)$|planted", name)]


def has_the_extension(wheel: Path) -> bool:
    with zipfile.ZipFile(wheel) as opened:
        names = opened.namelist()
    return any(re.fullmatch(r"webhook_receiver/_speedups\.[^/]+\.(so|pyd)", name) for name in names)


def require_the_extension(wheel: Path) -> None:
    """Skip unless the wheel was built with the extension: on a machine with no C compiler
    the build leaves it out, as it should; fail instead where the extension is required
    (``WEBHOOK_RECEIVER_REQUIRE_SPEEDUPS=1``, as in ``.ci/run``)."""
    if has_the_extension(wheel):
        return
    if os.environ.get("WEBHOOK_RECEIVER_REQUIRE_SPEEDUPS") == "1":
        pytest.fail(f"{wheel.name} was built without the compiled extension", pytrace=False)
    pytest.skip("the wheel was built without the compiled extension (no C compiler or Python headers here)")


def test_the_wheel_has_the_extension_types_and_license_and_nothing_else(built: Distributions) -> None:
    with zipfile.ZipFile(built.wheel) as wheel:
        names = set(wheel.namelist())
        (metadata,) = (name for name in names if name.endswith(".dist-info/METADATA"))
        text = wheel.read(metadata).decode()
    assert {"webhook_receiver/py.typed", "webhook_receiver/_speedups.pyi"} <= names
    sources = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "webhook_receiver").rglob("*.py")
        if "__pycache__" not in path.parts
    }
    assert sources <= names
    assert metadata.replace("METADATA", "licenses/LICENSE") in names
    assert "License-Expression: MIT" in text.splitlines()
    # the package only: no tests, examples, benchmarks or docs
    assert {name.split("/")[0] for name in names} == {"webhook_receiver", metadata.split("/")[0]}
    # built for this interpreter: cp311-cp311, not an "any" wheel
    tag = f"cp{sys.version_info.major}{sys.version_info.minor}"
    assert f"-{tag}-{tag}-" in built.wheel.name
    # and the extension, built for it
    require_the_extension(built.wheel)


REPAIR = PYPROJECT["tool"]["cibuildwheel"]["linux"]["repair-wheel-command"]
"""The release's repair of a Linux wheel (cibuildwheel runs it on each one it builds)."""


@pytest.fixture(scope="module")
def repaired(built: Distributions, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel as the release ships it: on Linux, repaired by the release's own command
    (auditwheel: retagged manylinux, the extension stripped)."""
    require_the_extension(built.wheel)
    if sys.platform != "linux":
        return built.wheel
    out = tmp_path_factory.mktemp("wheelhouse")
    command = shlex.split(REPAIR.format(dest_dir=out, wheel=built.wheel))
    assert command[0] == "auditwheel", REPAIR
    subprocess.run([sys.executable, "-m", *command], check=True, capture_output=True, timeout=300)
    (wheel,) = out.glob("*.whl")
    return wheel


def extension_sections(wheel: Path) -> tuple[int, set[str]]:
    """The size of the wheel's compiled extension and the names of its ELF sections."""
    from elftools.elf.elffile import ELFFile  # auditwheel's own, in the test extra on Linux

    with zipfile.ZipFile(wheel) as archive:
        (name,) = [name for name in archive.namelist() if re.search(r"_speedups\.[^/]*\.so$", name)]
        data = archive.read(name)
    sections = {section.name for section in ELFFile(io.BytesIO(data)).iter_sections()}
    return len(data), sections


@pytest.mark.skipif(sys.platform != "linux", reason="auditwheel repairs Linux wheels only")
def test_the_linux_wheel_ships_the_extension_stripped(built: Distributions, repaired: Path) -> None:
    built_size, built_sections = extension_sections(built.wheel)
    size, sections = extension_sections(repaired)
    assert ".symtab" in built_sections  # what the build leaves, which the repair must take out
    assert ".symtab" not in sections and not {name for name in sections if name.startswith(".debug")}
    assert ".text" in sections and ".dynsym" in sections  # still a loadable module
    assert size < built_size


@pytest.mark.skipif(sys.platform != "linux", reason="manylinux tags are Linux's")
def test_the_linux_wheel_is_manylinux_for_the_glibc_of_cibuildwheels_images(repaired: Path) -> None:
    # auditwheel tags it with the oldest glibc whose symbols it uses: none newer than
    # manylinux_2_28's, the image cibuildwheel builds on, so the released wheel is as
    # widely installable as this one.
    versions = [tuple(map(int, found)) for found in re.findall(r"manylinux_(\d+)_(\d+)_", repaired.name)]
    assert versions, repaired.name
    assert min(versions) <= (2, 28)


def test_the_installed_wheel_passes_the_compiled_path_tests(repaired: Path, tmp_path: Path) -> None:
    python = new_environment(tmp_path / "venv")
    install(python, repaired)
    result = subprocess.run(
        [str(python), str(ROOT / "tests" / "run_installed.py"), "-q"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-3000:]
    where = re.search(r"the installed package at (.+) \(its compiled extension: used\)", result.stdout)
    assert where is not None, result.stdout[:2000]
    assert Path(where[1]).is_relative_to(tmp_path / "venv")
    # (WEBHOOK_RECEIVER_REQUIRE_SPEEDUPS=1 there: a test that found no extension failed)
    passed = re.search(r"(\d+) passed", result.stdout)
    assert passed is not None and int(passed[1]) > 0, result.stdout[-2000:]


def test_the_installed_run_requires_the_extension_and_nothing_the_suite_requires(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # .ci/run exports the whole suite's requirements (atheris, the servers) and the pure
    # pass switches the extension off: none of that is the installed wheel's run's.
    for name in ("REQUIRE_ATHERIS", "REDIS_URL", "PURE_PYTHON"):
        monkeypatch.setenv(f"WEBHOOK_RECEIVER_{name}", "1")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    environment = run_installed.run_environment()
    assert {name for name in environment if name.startswith("WEBHOOK_RECEIVER_")} == {
        "WEBHOOK_RECEIVER_REQUIRE_SPEEDUPS"
    }
    assert environment["WEBHOOK_RECEIVER_REQUIRE_SPEEDUPS"] == "1"
    assert "PYTHONPATH" not in environment


VERIFY_AND_REPORT = """
import webhook_receiver._accel as accel
from webhook_receiver import SignatureMismatch
from webhook_receiver.testing import make_provider

body = b'{"id": "evt_1", "type": "invoice.paid", "object": "event", "created": 1700000000, "data": {}}'
for name in ("stripe", "slack", "github", "standard-webhooks"):
    provider = make_provider(name)
    headers = provider.sign(body, now=1_700_000_000)
    provider.verify(headers, body, now=1_700_000_000)
    try:
        provider.verify(headers, body + b" ", now=1_700_000_000)
    except SignatureMismatch:
        pass
    else:
        raise SystemExit(f"{name}: a tampered body was accepted")
print(accel.status(), type(make_provider("stripe")._check).__name__)
"""


@pytest.mark.skipif(os.name == "nt", reason="setuptools takes the C compiler from CC on Unix")
def test_without_a_c_compiler_the_sdist_installs_and_verifies_in_pure_python(
    built: Distributions, tmp_path: Path
) -> None:
    python = new_environment(tmp_path / "venv")
    # CC=false: every compilation fails, as on a machine without a compiler.
    output = install(python, built.sdist, "--no-build-isolation", env={**without_the_switch(), "CC": "false"})
    assert "_speedups" in output  # it was tried, and failed
    result = subprocess.run(
        [str(python), "-I", "-c", VERIFY_AND_REPORT], capture_output=True, text=True, env=without_the_switch()
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["not", "built", "method"]  # the scheme's verify, not a Verifier


def test_the_wheels_are_built_for_the_classified_pythons_on_every_platform() -> None:
    classified = sorted(
        f"cp3{match[1]}"
        for classifier in PYPROJECT["project"]["classifiers"]
        if (match := re.fullmatch(r"Programming Language :: Python :: 3\.(\d+)", classifier))
    )
    assert classified == ["cp311", "cp312", "cp313"]
    expected_archs = {
        "linux": (
            "x86_64,aarch64",
            ["manylinux_x86_64", "manylinux_aarch64", "musllinux_x86_64", "musllinux_aarch64"],
        ),
        "macos": ("x86_64,arm64", ["macosx_x86_64", "macosx_arm64"]),
        "windows": ("AMD64", ["win_amd64"]),
    }
    for platform, (archs, platforms) in expected_archs.items():
        printed = subprocess.run(
            [
                *(sys.executable, "-m", "cibuildwheel", "--print-build-identifiers"),
                *("--platform", platform, "--archs", archs, str(ROOT)),
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout.split()
        assert sorted(printed) == sorted(f"{python}-{tag}" for python in classified for tag in platforms)
    # and every wheel is tested as installed, against the compiled path
    options = PYPROJECT["tool"]["cibuildwheel"]
    assert options["test-command"] == "python {project}/tests/run_installed.py"
    assert "test-skip" not in options
