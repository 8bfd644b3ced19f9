from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cryoneuro.web.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup archive into an empty instance (empty database, empty MEDIA_ROOT)."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="a cryoneuro-backup-*.tar.gz")

    def handle(self, *args, **options):
        if not options["archive"].is_file():
            raise CommandError(f"{options['archive']}: no such file.")
        try:
            manifest = restore_backup(options["archive"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the {manifest['db_vendor']} database of {manifest['created']} "
                f"(version {manifest['app_version']}) and {manifest['media_restored']} files. "
                "Next: manage audit_verify."
            )
        )
