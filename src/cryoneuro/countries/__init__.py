"""Country profiles: identifiers, insurance, coding, retention, secure mail, one module a
country (ARCHITECTURE.md, "Data and scale"). Pure: no Django.

>>> profile("ch").time_zone
'Europe/Zurich'
"""

from __future__ import annotations

from . import ch, fr
from .base import CountryProfile, IdentifierError

PROFILES: dict[str, CountryProfile] = {"CH": ch.PROFILE, "FR": fr.PROFILE}
DEFAULT = "CH"

__all__ = ["DEFAULT", "PROFILES", "CountryProfile", "IdentifierError", "profile"]


def profile(code: str) -> CountryProfile:
    """The profile of ``code`` (ISO 3166-1 alpha-2, any case); KeyError names the known."""
    try:
        return PROFILES[code.strip().upper()]
    except KeyError:
        raise KeyError(f"no country profile {code!r}; known: {', '.join(PROFILES)}") from None
