"""The protocol in the clinic's words; no model and no query, so models can use it."""

from __future__ import annotations

from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def seconds_words(value: Any) -> str:
    """Seconds as the clinic writes them: 60, or 7,5 where there is a fraction."""
    v = float(value)
    return formats.number_format(v, 0 if v == round(v) else 1)


def protocol_words(protocol: dict[str, Any] | None) -> str:
    """The protocol as the clinic says it: "1 cycle de 60 s", "2 cycles de 120 s, dégel
    60 s" (English: "1 cycle of 60 s", "2 cycles of 120 s, 60 s thaw"). Empty without one."""
    if not isinstance(protocol, dict):
        return ""
    try:
        n = int(protocol["cycles"])
        words = ngettext("%(n)d cycle of %(f)s s", "%(n)d cycles of %(f)s s", n) % {
            "n": n,
            "f": seconds_words(protocol["freeze_s"]),
        }
        if n > 1:
            words += _(", %(t)s s thaw") % {"t": seconds_words(protocol["thaw_s"])}
    except (KeyError, TypeError, ValueError):
        return str(protocol.get("compact", ""))
    return words
