"""`make run`: the embedded default (SQLite under ./var, e-mails to ./var/mail)."""

from __future__ import annotations

import secrets

from cryoneuro.audit.keys import generated_key_file

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = True


def _dev_secret_key() -> str:
    # A per-checkout random key kept under ./var, never in the repository.
    path = VAR_DIR / "secret_key"
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = SECRET_KEY or _dev_secret_key()  # noqa: F405
AUDIT_KEYS = AUDIT_KEYS or generated_key_file(VAR_DIR / "audit_keys")  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = VAR_DIR / "mail"

# Static files come from the app finders here (runserver / live server); WhiteNoise
# serves the collected files in production only.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]  # noqa: F405
