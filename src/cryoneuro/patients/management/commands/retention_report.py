"""Which records the country profile's retention lets the clinic archive or destroy: a
dry-run report, nothing is changed (destroying a record is the director's decision after
the medical information physician's opinion, CSP R1112-7; not done by this command).

    python -m cryoneuro.manage retention_report [--today YYYY-MM-DD] [--all]
"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cryoneuro.patients.country import active_profile
from cryoneuro.patients.selectors import patient_retention_report


class Command(BaseCommand):
    help = "Dry run: the records past the country's retention (archive, destroyable)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="the day to judge on (YYYY-MM-DD); default today")
        parser.add_argument(
            "--all", action="store_true", help="list the active records too, not only the due"
        )

    def handle(self, *args, **options):
        if options["today"]:
            try:
                today = date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError(f"--today={options['today']!r} is not YYYY-MM-DD") from None
        else:
            today = timezone.localdate()
        country = active_profile()
        rows = patient_retention_report(today=today)
        counts = {"active": 0, "archive": 0, "destroyable": 0}
        self.stdout.write(
            f"Retention ({country.code}): {country.retention.years_after_last_visit} years "
            f"after the last visit; {country.retention.source}"
            + ("" if country.retention.verified else " (unverified)")
        )
        self.stdout.write(f"Judged on {today.isoformat()}; dry run: nothing is changed.")
        for row in rows:
            counts[row.status] += 1
            if row.status == "active" and not options["all"]:
                continue
            self.stdout.write(
                f"{row.status:<12} {row.patient.identifier:<10} last activity "
                f"{row.last_activity.isoformat()}  archive from "
                f"{row.archive_from.isoformat() if row.archive_from else '-':<10}  keep until "
                f"{row.keep_until.isoformat()}"
            )
        self.stdout.write(
            f"{counts['active']} active, {counts['archive']} to archive, "
            f"{counts['destroyable']} destroyable (dry run)."
        )
