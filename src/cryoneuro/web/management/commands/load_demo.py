"""Load the demo clinic once (idempotent) and print the demo logins for each role."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from cryoneuro.core.plugins import demo_loaders
from cryoneuro.web import demo


class Command(BaseCommand):
    help = "Load demo data (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000/",
            help="the address the app will be served on, printed with the logins",
        )

    def handle(self, *args, **options):
        ctx = demo.DemoContext()
        # All or nothing: a failing loader leaves no half-loaded demo marked as done.
        with transaction.atomic():
            demo.load(ctx)
            for module in demo_loaders():
                if module is demo:
                    continue
                module.load(ctx)
        demo.save_credentials(ctx)
        for line in ctx.log:
            self.stdout.write(line)
        self.print_logins(ctx, options["url"])

    def print_logins(self, ctx, url: str):
        out = self.stdout
        out.write("")
        out.write(self.style.SUCCESS(f"cryoneuro demo clinic: {url}"))
        out.write("Demo logins (stored in var/demo_credentials.json, local to this machine):")
        out.write(f"  {'role':<14}{'username':<16}{'password':<20}TOTP secret (authenticator app)")
        for username, creds in ctx.credentials.items():
            out.write(
                f"  {creds.get('role', ''):<14}{username:<16}{creds.get('password', ''):<20}"
                f"{creds.get('totp_secret', '-')}"
            )
        out.write(
            "Staff log in with the password, then a 6-digit code: add the TOTP secret to an "
            "authenticator app, or print the current code with"
        )
        out.write("  .venv/bin/python -m cryoneuro.manage demo_totp dr.martin")
