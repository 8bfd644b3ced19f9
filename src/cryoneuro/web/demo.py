"""Demo data: the clinic's staff accounts and synthetic patients for ``make run``.

Credentials are generated per installation (random passwords and TOTP secrets kept in
``var/demo_credentials.json``, never in the repository) and printed at every start.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import generate_totp_secret
from allauth.mfa.utils import encrypt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from .models import DemoLoad

DEMO_STAFF = [
    # username, role, first name, last name
    ("admin", "administrator", "Alice", "Admin"),
    ("dr.martin", "physician", "Hélène", "Martin"),
    ("dr.nguyen", "physician", "Thomas", "Nguyen"),
    ("inf.bernard", "nurse", "Sophie", "Bernard"),
    ("coord.petit", "coordinator", "Julien", "Petit"),
]


def credentials_path() -> Path:
    return Path(settings.VAR_DIR) / "demo_credentials.json"


@dataclass
class DemoContext:
    """Shared by every app's ``demo.load``: the accounts and a log of what was loaded."""

    users: dict[str, Any] = field(default_factory=dict)
    credentials: dict[str, dict[str, str]] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)

    def user(self, username: str):
        if username not in self.users:
            self.users[username] = get_user_model().objects.get(username=username)
        return self.users[username]

    @property
    def physician(self):
        return self.user("dr.martin")

    def ensure_account(self, username: str, role: str, first: str, last: str, *, totp: bool) -> Any:
        """The account (created with a generated password, and a TOTP secret for staff)."""
        return ensure_account(self, username, role, first, last, totp=totp)

    def first_time(self, key: str) -> bool:
        """True exactly once per database for ``key`` (marks it as loaded)."""

        _, created = DemoLoad.objects.get_or_create(key=key)
        return created


def _load_credentials() -> dict[str, dict[str, str]]:
    path = credentials_path()
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    return {}


def _save_credentials(credentials: dict[str, dict[str, str]]) -> None:
    path = credentials_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(credentials, indent=2), encoding="utf-8")
    path.chmod(0o600)


@transaction.atomic
def ensure_account(
    ctx: DemoContext, username: str, role: str, first: str, last: str, *, totp: bool
) -> Any:

    User = get_user_model()
    creds = ctx.credentials.setdefault(username, {})
    user = User.objects.filter(username=username).first()
    if user is None or "password" not in creds:
        creds["password"] = f"{secrets.token_urlsafe(9)}-Cryo"
        user = user or User(username=username, role=role, first_name=first, last_name=last)
        user.set_password(creds["password"])
        user.save()
    if totp and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        creds["totp_secret"] = generate_totp_secret()
        Authenticator.objects.create(
            user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(creds["totp_secret"])}
        )
    creds["role"] = role
    ctx.users[username] = user
    return user


def load(ctx: DemoContext) -> None:
    """Staff accounts (always ensured; credentials kept in var/) and foundation patients."""
    ctx.credentials = _load_credentials()
    for username, role, first, last in DEMO_STAFF:
        ensure_account(ctx, username, role, first, last, totp=True)
    _save_credentials(ctx.credentials)


def save_credentials(ctx: DemoContext) -> None:
    _save_credentials(ctx.credentials)
