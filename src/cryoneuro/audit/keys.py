"""The secret keys that seal the audit trail, kept outside the database.

Each entry's seal is an HMAC-SHA256 of its content under a key the database never
holds: someone who can write to the database can change entries, but cannot compute
seals that verify. Keys are named so that they can be rotated: the last key is the one
new entries are sealed with; older keys stay to verify the entries they sealed.

The keys come from the setting ``AUDIT_KEYS`` (a string ``id:hex[,id:hex...]``, at least
32 bytes each), read in production from ``CRYONEURO_AUDIT_KEYS`` or
``CRYONEURO_AUDIT_KEYS_FILE`` (see ``site/settings``). The embedded default (``make
run``) generates one under ./var, outside the SQLite file.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

#: HMAC-SHA256 keys shorter than the hash's output weaken it (RFC 2104 §3).
MIN_KEY_BYTES = 32


@dataclass(frozen=True)
class AuditKey:
    key_id: str
    secret: bytes


def parse_keys(text: str, *, source: str = "AUDIT_KEYS") -> tuple[AuditKey, ...]:
    """``id:hex[,id:hex...]`` → keys, oldest first; a bad item is named in the error."""
    keys: list[AuditKey] = []
    for raw_item in text.replace("\n", ",").split(","):
        item = raw_item.strip()
        if not item:
            continue
        key_id, sep, hex_secret = item.partition(":")
        key_id = key_id.strip()
        if not sep or not key_id or len(key_id) > 32:
            raise ImproperlyConfigured(
                f"{source}: {key_id or item!r} is not 'id:hex' (an id of 1-32 characters)."
            )
        try:
            secret = bytes.fromhex(hex_secret.strip())
        except ValueError:
            raise ImproperlyConfigured(
                f"{source}: the key {key_id!r} is not hexadecimal."
            ) from None
        if len(secret) < MIN_KEY_BYTES:
            raise ImproperlyConfigured(
                f"{source}: the key {key_id!r} has {len(secret)} bytes; at least "
                f"{MIN_KEY_BYTES} are needed."
            )
        if any(k.key_id == key_id for k in keys):
            raise ImproperlyConfigured(f"{source}: the key id {key_id!r} appears twice.")
        keys.append(AuditKey(key_id, secret))
    if not keys:
        raise ImproperlyConfigured(f"{source} holds no key.")
    return tuple(keys)


def generated_key_file(path: Path) -> str:
    """A key file for the embedded default, created once (mode 0600) and then reused."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(f"k1:{secrets.token_hex(MIN_KEY_BYTES)}\n", encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


@cache
def _keys_from(text: str) -> tuple[AuditKey, ...]:
    return parse_keys(text)


def audit_keys() -> tuple[AuditKey, ...]:
    return _keys_from(settings.AUDIT_KEYS)


def current_key() -> AuditKey:
    return audit_keys()[-1]


def key_by_id(key_id: str) -> AuditKey | None:
    return next((k for k in audit_keys() if k.key_id == key_id), None)
