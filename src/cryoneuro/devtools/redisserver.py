"""A throwaway Redis server from Debian's redis-server package, for tests.

Like :mod:`cryoneuro.devtools.pgcluster`: it lives in a temporary folder, listens on a free
loopback port only, keeps nothing on disk (``--save ''``, ``--appendonly no``) and is
stopped and removed when :meth:`Server.stop` runs (registered with ``atexit`` by
:func:`start`).
"""

from __future__ import annotations

import atexit
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from cryoneuro.devtools.pgcluster import _free_port


def _binary() -> str:
    found = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
    )
    if found is None:
        raise RuntimeError(
            "Redis is not installed (no redis-server): run `make test`, "
            "which installs Debian's redis-server package."
        )
    return found


@dataclass
class Server:
    directory: Path
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def flush(self) -> None:
        """Empty every database (between tests)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
            sock.sendall(b"*1\r\n$8\r\nFLUSHALL\r\n")
            reply = sock.recv(64)
        if not reply.startswith(b"+OK"):
            raise RuntimeError(f"Redis FLUSHALL answered {reply!r}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)


def start() -> Server:
    binary = _binary()
    directory = Path(tempfile.mkdtemp(prefix="cryoneuro-redis-"))
    port = _free_port()
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(directory),
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--logfile",
            str(directory / "redis.log"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = Server(directory=directory, port=port, process=process)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = directory / "redis.log"
            text = log.read_text(errors="replace") if log.exists() else ""
            server.stop()
            raise RuntimeError(f"redis-server did not start:\n{text}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    else:
        server.stop()
        raise RuntimeError("redis-server did not listen within 30 s")
    atexit.register(server.stop)
    return server
