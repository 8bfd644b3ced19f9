"""Anchors: the verified head of the chain, written outside the database.

A chain that verifies proves only that nobody without the key changed it. Someone with
the key (or who deletes the newest entries and resets the head row) can still present a
shorter or rewritten chain that verifies. So each nightly ``audit_verify`` appends the
head it verified (sequence number and seal) to an append-only file kept away from the
database, and optionally mails it to the operators; the next run checks that every
anchored entry is still in the chain with the same seal. Each anchor line is itself
sealed with the current key, so a forged line is refused.

The file's place is the setting ``AUDIT_ANCHOR_FILE`` (``CRYONEURO_AUDIT_ANCHOR_FILE``);
in production put it on another volume or host, append-only (``chattr +a``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .keys import current_key, key_by_id


class AnchorFileError(Exception):
    """The anchor file cannot be read or holds a line that is not a valid anchor."""


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    at: str
    key_id: str

    def payload(self) -> bytes:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":")).encode()


def anchor_file() -> Path:
    return Path(settings.AUDIT_ANCHOR_FILE)


def _seal(anchor: Anchor, secret: bytes) -> str:
    return hmac.new(secret, anchor.payload(), hashlib.sha256).hexdigest()


def read_anchors(path: Path | None = None) -> list[Anchor]:
    """Every anchor in the file, oldest first; a line that is not a sealed anchor raises
    :class:`AnchorFileError` naming its line number."""
    path = path or anchor_file()
    if not path.exists():
        return []
    anchors: list[Anchor] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise AnchorFileError(f"{path}: cannot be read ({error.strerror})") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            anchor = Anchor(
                seq=int(data["seq"]),
                hash=str(data["hash"]),
                at=str(data["at"]),
                key_id=str(data["key_id"]),
            )
            mac = str(data["mac"])
        except (ValueError, KeyError, TypeError):
            raise AnchorFileError(f"{path}, line {number}: not an anchor") from None
        key = key_by_id(anchor.key_id)
        if key is None:
            raise AnchorFileError(
                f"{path}, line {number}: sealed with the unknown key {anchor.key_id!r}"
            )
        if not hmac.compare_digest(mac, _seal(anchor, key.secret)):
            raise AnchorFileError(f"{path}, line {number}: its seal does not match (altered)")
        anchors.append(anchor)
    return anchors


def append_anchor(seq: int, seal: str, path: Path | None = None) -> Anchor:
    """Append the verified head; O_APPEND so that concurrent runs never interleave and an
    existing line is never rewritten."""
    path = path or anchor_file()
    key = current_key()
    anchor = Anchor(
        seq=seq, hash=seal, at=timezone.now().isoformat(timespec="seconds"), key_id=key.key_id
    )
    line = json.dumps({**asdict(anchor), "mac": _seal(anchor, key.secret)}, sort_keys=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, (line + "\n").encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return anchor
