"""RFC 6238 TOTP codes (30 s, 6 digits, SHA-1: what allauth's MFA verifies), for the
demo and the tests. Not used to verify anything: allauth does that."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time

PERIOD_SECONDS = 30
DIGITS = 6


def totp_code(secret: str, at: float | None = None, offset_periods: int = 0) -> str:
    counter = int(time.time() if at is None else at) // PERIOD_SECONDS + offset_periods
    key = base64.b32decode(secret.encode("ascii"), casefold=True)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**DIGITS:0{DIGITS}d}"
