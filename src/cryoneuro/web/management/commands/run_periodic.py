"""Queue the periodic jobs when they are due (cryoneuro.web.periodic), in place of cron:
reminders every 10 minutes, follow-up e-mails at 08:00, the audit check at 03:00, the
pruning of old task results at 04:00. The task worker (``manage db_worker``) runs them.

    python -m cryoneuro.manage run_periodic          # the loop (make run starts it)
    python -m cryoneuro.manage run_periodic --once   # one pass (a cron line or a timer)

Safe to run twice, on two machines: each slot of each job is queued once.
"""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand
from django.db import OperationalError, close_old_connections

from cryoneuro.web.periodic import enqueue_due


class Command(BaseCommand):
    help = "Queue the periodic jobs (reminders, follow-up e-mails, audit check) when due."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument(
            "--interval", type=float, default=20.0, help="seconds between passes (default 20)"
        )

    def handle(self, *args, **options):
        stop = []

        def _stop(signum, frame):
            stop.append(signum)

        if options["once"]:
            queued = enqueue_due()
            self.stdout.write(f"queued: {', '.join(queued) or 'nothing due'}")
            return
        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        self.stdout.write(f"run_periodic: every {options['interval']:g} s")
        while not stop:
            close_old_connections()
            try:
                queued = enqueue_due()
            except OperationalError as error:  # the database restarting: next pass
                self.stderr.write(
                    f"run_periodic: database unavailable ({error.__class__.__name__})"
                )
            else:
                for name in queued:
                    self.stdout.write(f"run_periodic: queued {name}")
            deadline = time.monotonic() + options["interval"]
            while not stop and time.monotonic() < deadline:
                time.sleep(0.2)
