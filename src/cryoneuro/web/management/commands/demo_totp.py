"""Print the current TOTP code of a demo account (demo installations only)."""

from __future__ import annotations

import json
import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management.base import BaseCommand, CommandError

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
        counter = int(time.time()) // 30
        remaining = 30 - int(time.time()) % 30
        self.stdout.write(f"{format_hotp_value(hotp_value(secret, counter))}  "
                          f"(valid for {remaining} s more)")
