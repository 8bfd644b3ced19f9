"""pytest: SQLite in memory-backed temp files or the throwaway PostgreSQL cluster."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES

SECRET_KEY = "test-only-not-secret"  # noqa: S105
AUDIT_KEYS = "test:" + "5e" * 32  # a test-only seal key
AUDIT_ANCHOR_FILE = Path(tempfile.gettempdir()) / f"cryoneuro-test-anchors-{os.getpid()}.jsonl"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast hasher in tests
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LANGUAGE_CODE = "fr"
ALLOWED_HOSTS = ["*"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if os.environ.get("CRYONEURO_TEST_DB") == "postgres" and not os.environ.get(
    "CRYONEURO_TEST_DATABASE_URL"
):
    # Start the throwaway cluster once per test process; it is removed at exit.
    from cryoneuro.devtools import pgcluster

    os.environ["CRYONEURO_TEST_DATABASE_URL"] = pgcluster.start().url

if os.environ.get("CRYONEURO_TEST_DATABASE_URL"):
    from cryoneuro.site import env

    DATABASES = {"default": env.get_database("CRYONEURO_TEST_DATABASE_URL", "")}
else:
    # A file, not :memory:, so that threads (live server, concurrency tests) share it.
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(tempfile.gettempdir(), f"cryoneuro-test-{os.getpid()}.sqlite3")
    }
AXES_ENABLED = True

# Tasks run at once inside the request in unit tests (a plan's page finds it computed);
# the tests of the worker itself switch to the database backend (override_settings, or
# CRYONEURO_TASKS_BACKEND=database in the worker subprocess they start).
if not os.environ.get("CRYONEURO_TASKS_BACKEND"):
    TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }

# Static files come from the app finders here (runserver / live server); WhiteNoise
# serves the collected files in production only.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]  # noqa: F405
