"""A throwaway PostgreSQL cluster on 127.0.0.1, for the tests and ``.ci/run``.

Standard library only (``.ci/run`` calls it before any virtualenv exists)::

    python3 tests/pg_server.py start DIRECTORY   # prints the cluster's URL
    python3 tests/pg_server.py stop DIRECTORY    # stops it and removes DIRECTORY

The cluster is made by Debian's ``initdb`` (``/usr/lib/postgresql/<version>/bin``, or
the ``PATH``), trusts local connections only, listens on a free port of 127.0.0.1
and on a socket in ``DIRECTORY``, with PostgreSQL's own durability defaults (every
commit flushed), as in production. PostgreSQL refuses to run as root, so as root the cluster belongs to the
``postgres`` user (Debian's package creates it), or to ``nobody``.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

DATABASE = "webhooks"
USER = "webhooks"


def binaries() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``, or ``None`` when PostgreSQL is not installed."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(versions[-1]).parent if versions else None


def _owner() -> str | None:
    """The unprivileged user the cluster runs as, when this process is root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise RuntimeError("running as root and no 'postgres' or 'nobody' user to run PostgreSQL as")


def _run(command: list[str], owner: str | None, **kwargs: object) -> subprocess.CompletedProcess[str]:
    if owner is not None:
        command = ["runuser", "-u", owner, "--", *command]
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(directory: Path) -> str:
    """Create and start a cluster in ``directory`` (made if missing); return its URL."""
    bin_dir = binaries()
    if bin_dir is None:
        raise FileNotFoundError("PostgreSQL is not installed (no initdb)")
    directory.mkdir(parents=True, exist_ok=True)
    owner = _owner()
    if owner is not None:
        entry = pwd.getpwnam(owner)
        os.chown(directory, entry.pw_uid, entry.pw_gid)
        directory.chmod(0o700)
    data = directory / "data"
    _run(
        [str(bin_dir / "initdb"), "-D", str(data), "-U", USER, "--auth=trust", "-E", "UTF8", "--no-sync"],
        owner,
    )
    port = free_port()
    options = (
        f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={directory} "
        "-c max_connections=200"
    )
    _run(
        [
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(directory / "server.log"),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        ],
        owner,
    )
    (directory / "port").write_text(str(port))
    _run([str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", USER, DATABASE], owner)
    return f"postgresql://{USER}@127.0.0.1:{port}/{DATABASE}"


def stop(directory: Path) -> None:
    """Stop the cluster in ``directory`` (if it runs) and remove the folder."""
    bin_dir = binaries()
    data = directory / "data"
    if bin_dir is not None and (data / "postmaster.pid").exists():
        subprocess.run(
            [
                *(["runuser", "-u", o, "--"] if (o := _owner()) else []),
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
            check=False,
            capture_output=True,
        )
    shutil.rmtree(directory, ignore_errors=True)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("start", "stop"):
        print("usage: pg_server.py start|stop DIRECTORY", file=sys.stderr)
        return 2
    directory = Path(argv[1]).resolve()
    if argv[0] == "start":
        started = time.monotonic()
        url = start(directory)
        print(url)
        print(f"PostgreSQL started in {time.monotonic() - started:.1f} s", file=sys.stderr)
    else:
        stop(directory)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
