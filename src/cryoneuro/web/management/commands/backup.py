from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cryoneuro.web.backups import BackupError, make_backup


class Command(BaseCommand):
    help = (
        "Write a timestamped archive of the database and the uploaded files, with a "
        "manifest of SHA-256 sums, into DIRECTORY."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="where the archive is written")

    def handle(self, *args, **options):
        try:
            archive = make_backup(options["directory"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Backup written: {archive}"))
