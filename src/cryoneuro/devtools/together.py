"""Run a command with companion processes, as one: ``make run`` serves the pages with
the task worker and the periodic scheduler beside the web server.

    python -m cryoneuro.devtools.together --with "CMD ..." [--with "CMD ..."] -- MAIN ...

When any of them ends (the server stopped, a companion that crashed), or on Ctrl-C,
SIGTERM or SIGHUP, the others are stopped (SIGTERM, then SIGKILL after a grace period)
and the exit status is the main command's (or the failing companion's).
"""

from __future__ import annotations

import argparse
import shlex
import signal
import subprocess
import sys
import time

GRACE_SECONDS = 10.0


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + GRACE_SECONDS
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_together(main: list[str], companions: list[list[str]]) -> int:
    stopping: list[int] = []

    def _signal(signum, frame):
        stopping.append(signum)

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, _signal)
    others = [subprocess.Popen(command) for command in companions]
    server = subprocess.Popen(main)
    everyone = [server, *others]
    status = 0
    try:
        while not stopping:
            if server.poll() is not None:
                status = server.returncode
                break
            ended = [p for p in others if p.poll() is not None]
            if ended:
                name = shlex.join(list(ended[0].args))  # type: ignore[arg-type]
                print(f"together: {name} exited ({ended[0].returncode}); stopping", file=sys.stderr)
                status = ended[0].returncode or 1
                break
            time.sleep(0.2)
    finally:
        _stop(everyone)
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--with", dest="companions", action="append", default=[], metavar="CMD")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no main command after --")
    return run_together(command, [shlex.split(c) for c in args.companions])


if __name__ == "__main__":
    sys.exit(main())
