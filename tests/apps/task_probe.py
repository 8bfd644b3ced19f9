"""A task for the tests of the distributed queue: it notes each run in a file, so that a
test can count how many times each task ran, whichever worker process ran it."""

from __future__ import annotations

import os
import time

from django_tasks import task


@task()
def note_run(n: int, path: str) -> int:
    time.sleep(0.1)  # long enough that both workers get some
    with open(path, "a", encoding="utf-8") as out:  # O_APPEND: whole lines, never mixed
        out.write(f"{n} {os.getppid()}\n")
    return n
