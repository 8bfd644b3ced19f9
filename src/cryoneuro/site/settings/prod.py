"""Production: safe by default. DATABASE_URL and SECRET_KEY (or SECRET_KEY_FILE) required."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from cryoneuro.audit.keys import parse_keys
from cryoneuro.site import env

from .base import *  # noqa: F403

SECRET_KEY = env.get_str("SECRET_KEY")
if len(SECRET_KEY) < 40:
    raise ImproperlyConfigured("SECRET_KEY must be at least 40 characters long.")
# Required, and never stored in the database (see docs/security/audit-trail.md).
AUDIT_KEYS = env.get_str("CRYONEURO_AUDIT_KEYS")
parse_keys(AUDIT_KEYS, source="CRYONEURO_AUDIT_KEYS")
DATABASES = {"default": env.get_database("DATABASE_URL", "")}  # no default: must be set
DEBUG = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env.get_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env.get_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = False
# Trusted only when configured: behind a TLS proxy that sets this header (and overwrites
# the client's own), never by default, or a client could claim https over plain HTTP.
SECURE_PROXY_SSL_HEADER = env.get_proxy_ssl_header("CRYONEURO_TRUSTED_PROXY_HEADER")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
