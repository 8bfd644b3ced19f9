"""Print the current TOTP code of a demo account (demo installations only)."""

from __future__ import annotations

import json
import time

from django.core.management.base import BaseCommand, CommandError

from cryoneuro.devtools.totp import PERIOD_SECONDS, totp_code
from cryoneuro.web.demo import credentials_path


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo account."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        path = credentials_path()
        if not path.exists():
            raise CommandError("No demo credentials here: run `make run` first.")
        credentials = json.loads(path.read_text(encoding="utf-8"))
        secret = credentials.get(username, {}).get("totp_secret")
        if not secret:
            known = ", ".join(u for u, c in credentials.items() if c.get("totp_secret"))
            raise CommandError(f"No demo TOTP secret for {username!r}; known: {known}.")
        now = time.time()
        remaining = PERIOD_SECONDS - int(now) % PERIOD_SECONDS
        self.stdout.write(f"{totp_code(secret, now)}  (valid for {remaining} s more)")
