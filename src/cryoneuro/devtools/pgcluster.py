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
from dataclasses import dataclass
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


@dataclass
class Cluster:
    directory: Path
    port: int
    bin_dir: Path
    run_as: str | None

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _cmd(self, *args: str) -> list[str]:
        if self.run_as:
            return ["runuser", "-u", self.run_as, "--", *args]
        return list(args)

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


def start(max_connections: int = 200) -> Cluster:
    bin_dir = _bin_dir()
    run_as = "postgres" if os.geteuid() == 0 else None
    directory = Path(tempfile.mkdtemp(prefix="cryoneuro-pg-"))
    if run_as:
        shutil.chown(directory, user=run_as)
    cluster = Cluster(directory=directory, port=_free_port(), bin_dir=bin_dir, run_as=run_as)
    data = directory / "data"
    subprocess.run(
        cluster._cmd(
            str(bin_dir / "initdb"),
            "-D",
            str(data),
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
    options = (
        f"-p {cluster.port} -k {directory} -c listen_addresses=127.0.0.1 "
        f"-c max_connections={max_connections} -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off"
    )
    result = subprocess.run(
        cluster._cmd(
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(directory / "server.log"),
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
            (directory / "server.log").read_text(errors="replace")
            if (directory / "server.log").exists()
            else ""
        )
        cluster.stop()
        raise RuntimeError(f"PostgreSQL did not start: {result.stderr}\n{log}")
    atexit.register(cluster.stop)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", cluster.port)) == 0:
                break
        time.sleep(0.1)
    return cluster
