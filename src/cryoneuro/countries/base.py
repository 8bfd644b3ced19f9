"""What a country profile is: data and small pure functions, every rule with its source.

No Django here (the app map's pure-layers contract): the patients app turns a failed
check's name into a translated field error. A third country is one module more, listed in
:data:`cryoneuro.countries.PROFILES`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date


class IdentifierError(ValueError):
    """A check an identifier failed; ``check`` names it (``ahv_check_digit``, ``nir_key``)
    so that the interface can say which one, in the user's language."""

    def __init__(self, check: str, detail: str = "") -> None:
        super().__init__(f"{check}: {detail}" if detail else check)
        self.check = check
        self.detail = detail


@dataclass(frozen=True)
class Code:
    """One code of a coding system the clinic uses (an act, a position).

    ``verified`` is False where the code was not checked against the official catalogue:
    the clinic confirms it before billing with it."""

    code: str
    label_fr: str
    label_en: str
    source: str
    verified: bool = False
    note: str = ""


@dataclass(frozen=True)
class CodingSystem:
    name: str
    fhir_system: str
    source: str


@dataclass(frozen=True)
class Retention:
    """How long a medical record is kept, from the patient's last visit."""

    years_after_last_visit: int
    source: str
    verified: bool
    note: str = ""
    active_years: int | None = None  # the part kept in the live database (France: 5)


@dataclass(frozen=True)
class CountryProfile:
    code: str  # ISO 3166-1 alpha-2
    name_fr: str
    name_en: str
    time_zone: str  # IANA
    currency: str  # ISO 4217
    # The patient record's fields this country uses, in form order (patients.models names).
    patient_fields: tuple[str, ...]
    diagnoses: CodingSystem
    acts: CodingSystem
    act_codes: tuple[Code, ...]
    data_protection: str
    retention: Retention
    secure_mail: str  # the network's name (HIN, MSSanté)
    is_secure_mail_address: Callable[[str], bool]
    # (last visit, birth date) -> the day the record may be destroyed
    retention_until: Callable[[date, date], date]
    # field name -> pure check: returns the value as stored, raises IdentifierError
    identifier_checks: Mapping[str, Callable[[str], str]] = field(default_factory=dict)
    # field name -> how the stored value is shown (756.1234.5678.97)
    identifier_display: Mapping[str, Callable[[str], str]] = field(default_factory=dict)
    # (sex, birth date) consistency: field name -> check(value, sex, birth_date)
    identifier_consistency: Mapping[str, Callable[[str, str, date], None]] = field(
        default_factory=dict
    )
    # FHIR identifier systems by field (and by kind where one field holds two: NIR/NIA)
    fhir_identifier_systems: Mapping[str, str] = field(default_factory=dict)
    sources: Mapping[str, str] = field(default_factory=dict)

    def check(self, field_name: str, value: str) -> str:
        """``value`` as stored (digits only, upper case), or IdentifierError."""
        checker = self.identifier_checks.get(field_name)
        return checker(value) if checker else value.strip()

    def archive_from(self, last_visit: date) -> date | None:
        """The day the record leaves the active base for the archive (France: 5 years
        after the last visit), or None where the profile keeps no such split."""
        if self.retention.active_years is None:
            return None
        return add_years(last_visit, self.retention.active_years)

    def display(self, field_name: str, value: str) -> str:
        shower = self.identifier_display.get(field_name)
        return shower(value) if (shower and value) else value


def digits_only(value: str, separators: str = " .-") -> str:
    """``value`` without the separators people type (spaces, dots, hyphens)."""
    return "".join(c for c in value.strip() if c not in separators)


def ean13_check_digit(first12: str) -> int:
    """The GS1 check digit over 12 digits: weights 1, 3, 1, 3... from the left, then
    (10 - sum mod 10) mod 10 (GS1 General Specifications §7.9.1, "How to calculate a
    check digit manually", https://www.gs1.org/services/how-calculate-check-digit-manually).

    >>> ean13_check_digit("400638133393")
    1
    """
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return (10 - total % 10) % 10


def luhn_valid(number: str) -> bool:
    """ISO/IEC 7812-1 Annex B (Luhn): from the right, double every second digit.

    >>> luhn_valid("79927398713")
    True
    """
    total = 0
    for i, d in enumerate(reversed(number)):
        n = int(d)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def add_years(day: date, years: int) -> date:
    """``day`` ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def email_domain(address: str) -> str:
    return address.rpartition("@")[2].strip().lower() if "@" in address else ""
