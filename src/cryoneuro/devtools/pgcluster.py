"""A throwaway PostgreSQL cluster from Debian's packages, for tests and benchmarks.

``initdb`` refuses to run as root, so when we are root the cluster runs as the
``postgres`` account through ``runuser``. The cluster lives in a temporary folder, listens
on a free loopback port only, trusts local connections (nothing else can reach it) and
is removed when :meth:`stop` runs (registered with ``atexit`` by :func:`start`).
"""

from __future__ import annotations

import atexit
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _bin_dir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not candidates:
        found = shutil.which("initdb")
        if found is None:
            raise RuntimeError(
                "PostgreSQL is not installed (no initdb): run `make test`, "
                "which installs Debian's postgresql package."
            )
        return Path(found).parent
    return Path(candidates[-1]).parent


# The cluster is a throwaway: nothing needs to survive the machine, so nothing is flushed
# to disk. With ``durable=True`` a commit still waits for its WAL to reach the kernel, so
# that every acknowledged commit survives PostgreSQL itself being killed (the kill -9
# benchmark); by default (tests) commits return before that.
FAST_SETTINGS = {"fsync": "off", "full_page_writes": "off"}


@dataclass
class Cluster:
    directory: Path
    port: int
    bin_dir: Path
    run_as: str | None
    settings: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _cmd(self, *args: str) -> list[str]:
        if self.run_as:
            return ["runuser", "-u", self.run_as, "--", *args]
        return list(args)

    @property
    def data(self) -> Path:
        return self.directory / "data"

    def launch(self) -> None:
        """Start the server on this cluster's data directory (after :func:`start`, again
        after a crash: PostgreSQL replays its WAL first)."""
        settings = {
            "listen_addresses": "127.0.0.1",
            **self.settings,
        }
        options = f"-p {self.port} -k {self.directory} " + " ".join(
            f"-c {name}={value}" for name, value in settings.items()
        )
        result = subprocess.run(
            self._cmd(
                str(self.bin_dir / "pg_ctl"),
                "-D",
                str(self.data),
                "-o",
                options,
                "-l",
                str(self.directory / "server.log"),
                "-w",
                "-t",
                "60",
                "start",
            ),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            log = (
                (self.directory / "server.log").read_text(errors="replace")
                if (self.directory / "server.log").exists()
                else ""
            )
            raise RuntimeError(f"PostgreSQL did not start: {result.stderr}\n{log}")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    break
            time.sleep(0.1)

    def postmaster_pid(self) -> int | None:
        """The running postmaster's process id (first line of postmaster.pid), or None."""
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def stop(self) -> None:
        if not self.directory.exists():
            return
        subprocess.run(
            self._cmd(
                str(self.bin_dir / "pg_ctl"),
                "-D",
                str(self.directory / "data"),
                "-m",
                "immediate",
                "-w",
                "stop",
            ),
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.directory, ignore_errors=True)


def start(
    max_connections: int = 200, *, durable: bool = False, settings: dict[str, str] | None = None
) -> Cluster:
    """A new cluster, started. ``settings`` are added to the server's (``-c name=value``)."""
    bin_dir = _bin_dir()
    run_as = "postgres" if os.geteuid() == 0 else None
    directory = Path(tempfile.mkdtemp(prefix="cryoneuro-pg-"))
    if run_as:
        shutil.chown(directory, user=run_as)
    cluster = Cluster(
        directory=directory,
        port=_free_port(),
        bin_dir=bin_dir,
        run_as=run_as,
        settings={
            "max_connections": str(max_connections),
            **FAST_SETTINGS,
            "synchronous_commit": "on" if durable else "off",
            **(settings or {}),
        },
    )
    subprocess.run(
        cluster._cmd(
            str(bin_dir / "initdb"),
            "-D",
            str(cluster.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        ),
        check=True,
        capture_output=True,
    )
    try:
        cluster.launch()
    except RuntimeError:
        cluster.stop()
        raise
    atexit.register(cluster.stop)
    return cluster
