"""Strict settings from the environment.

Every value is parsed once at start-up; a bad value raises :class:`ImproperlyConfigured`
naming the variable and the value, so the process never starts half-configured.
Secrets may come from ``NAME_FILE`` (Docker/systemd credentials) instead of ``NAME``.
"""

from __future__ import annotations

import os
import zoneinfo
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

SUPPORTED_LANGUAGES = ("fr", "en")


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    file_name = os.environ.get(f"{name}_FILE")
    if value is not None and file_name is not None:
        raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both.")
    if file_name is not None:
        path = Path(file_name)
        if not path.is_file():
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r}: no such file.")
        return path.read_text(encoding="utf-8").strip()
    return value


def get_str(name: str, default: str | None = None) -> str:
    value = _raw(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"{name} must be set.")
        return default
    return value


def get_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use true or false).")


def get_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={value!r} must be at least {minimum}.")
    return number


def get_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None or value.strip() == "":
        return default
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items:
        raise ImproperlyConfigured(f"{name}={value!r} holds no item.")
    return items


def get_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = get_str(name, default).strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of {', '.join(choices)}.")
    return value


def get_clock_time(name: str, default: str) -> str:
    """A time of day, ``HH:MM`` (24 h, the clinic's zone)."""
    value = get_str(name, default).strip()
    hours, sep, minutes = value.partition(":")
    if not (sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2) or not (
        0 <= int(hours) < 24 and 0 <= int(minutes) < 60
    ):
        raise ImproperlyConfigured(f"{name}={value!r} is not a time of day (HH:MM, 24 h).")
    return f"{int(hours):02d}:{minutes}"


def get_time_zone(name: str, default: str) -> str:
    value = get_str(name, default)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(f"{name}={value!r} is not a known IANA time zone.") from None
    return value


def get_language(name: str, default: str) -> str:
    value = get_str(name, default)
    if value not in SUPPORTED_LANGUAGES:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not supported; choose one of {', '.join(SUPPORTED_LANGUAGES)}."
        )
    return value


def get_country(name: str, default: str) -> str:
    """A country profile's code (``CH``, ``FR``, any case), upper-cased."""
    from cryoneuro.countries import PROFILES

    value = get_str(name, default).strip().upper()
    if value not in PROFILES:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a country profile; choose one of {', '.join(PROFILES)}."
        )
    return value


def get_database(name: str, default: str) -> dj_database_url.DBConfig:
    value = get_str(name, default)
    try:
        config = dj_database_url.parse(value, conn_max_age=60, conn_health_checks=True)
    except (ValueError, KeyError) as error:
        raise ImproperlyConfigured(f"{name}={value!r} is not a database URL ({error}).") from None
    engine = config.get("ENGINE", "")
    if engine not in {"django.db.backends.sqlite3", "django.db.backends.postgresql"}:
        raise ImproperlyConfigured(
            f"{name}={value!r}: only sqlite:// and postgres:// databases are supported."
        )
    if engine == "django.db.backends.sqlite3":
        # IMMEDIATE transactions serialise writers up front: two concurrent bookings or
        # audit entries never both read the same state and then both write (see
        # scheduling and audit services). WAL lets readers go on while one writes.
        config["CONN_MAX_AGE"] = 0
        config["CONN_HEALTH_CHECKS"] = False
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
    return config


REDIS_SCHEMES = ("redis", "rediss", "unix")


def get_redis_url(name: str) -> str | None:
    """A Redis server's URL (``redis://host:port/db``, ``rediss://`` or ``unix:///path``),
    or None when the variable is unset or empty."""
    value = _raw(name)
    if value is None or value.strip() == "":
        return None
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in REDIS_SCHEMES:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a Redis URL (use redis://host:port/db, rediss:// "
            "or unix:///path)."
        )
    try:
        parts.port  # noqa: B018 -- parsing the port is the check
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} has a bad port.") from None
    if (parts.scheme == "unix" and not parts.path) or (
        parts.scheme != "unix" and not parts.hostname
    ):
        raise ImproperlyConfigured(f"{name}={value!r} names no Redis server (host or path).")
    return value


# An HTTP header name as the proxy sends it: RFC 9110 token characters that a header
# name really uses (letters, digits, hyphen); WSGI spells it HTTP_X_FORWARDED_PROTO.
_HEADER_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def get_proxy_ssl_header(name: str) -> tuple[str, str] | None:
    """Django's ``SECURE_PROXY_SSL_HEADER`` from a header name (``X-Forwarded-Proto`` or
    ``HTTP_X_FORWARDED_PROTO``), or None when unset: the header is trusted only when the
    operator says a TLS proxy sets it (and strips the client's own)."""
    value = _raw(name)
    if value is None or value.strip() == "":
        return None
    value = value.strip()
    meta = value.upper().replace("-", "_")
    if not meta.startswith("HTTP_"):
        meta = f"HTTP_{meta}"
    if meta == "HTTP_" or not set(meta) <= _HEADER_CHARS or "__" in meta:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not an HTTP header name (e.g. X-Forwarded-Proto)."
        )
    return (meta, "https")
