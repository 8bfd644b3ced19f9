"""The clinic's country profile, as the apps and templates see it: one accessor.

The profile is chosen by ``settings.CRYONEURO_COUNTRY`` (cryoneuro.countries: CH by
default, FR); a field error names the check an identifier failed, in the user's language.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cryoneuro.countries import CountryProfile, IdentifierError, profile
from cryoneuro.countries import fr as france

# Every check a profile can fail, named in the message ("clé NIR invalide").
CHECK_MESSAGES = {
    "ahv_digits": _("AHV number: only digits (and dots) are allowed."),
    "ahv_length": _("AHV number: 13 digits are expected (756.xxxx.xxxx.xx)."),
    "ahv_prefix": _("AHV number: it must start with 756 (Switzerland)."),
    "ahv_check_digit": _("Invalid AHV check digit (EAN-13): check the number."),
    "card_digits": _("Insurance card number: only digits are allowed."),
    "card_length": _("Insurance card number: 20 digits are expected."),
    "card_prefix": _("Insurance card number: it must start with 80756."),
    "insurer_number": _("Insurer number (FOPH): 1 to 5 digits."),
    "canton": _("Unknown canton code."),
    "coverage": _("Unknown insurance cover."),
    "nir_length": _("INS: 15 characters are expected (13 + the 2-digit key)."),
    "nir_format": _("INS: digits only (2A or 2B for Corsica)."),
    "nir_sex_digit": _("INS: the first digit must be 1 or 2 (NIR), 7 or 8 (NIA)."),
    "nir_key": _("Invalid NIR key: it is not 97 − (NIR mod 97)."),
    "nir_sex_mismatch": _("INS: its first digit does not match the sex of the record."),
    "nir_birth_year_mismatch": _("INS: digits 2–3 do not match the year of birth."),
    "nir_birth_month_mismatch": _("INS: digits 4–5 do not match the month of birth."),
    "birthplace_format": _(
        "Birthplace: an INSEE code is expected (department + commune, or 99 + country)."
    ),
    "ins_status": _("Unknown identity status."),
    "ins_status_needs_ins": _("A retrieved or qualified identity needs its INS."),
    "ins_status_needs_traits": _(
        "A qualified identity needs the five strict traits (birth name, first given name, "
        "date of birth, sex, birthplace)."
    ),
}

# Every identifier field of every profile: those outside the active one are refused.
ALL_COUNTRY_FIELDS = (
    "ahv_number",
    "insurance_card_number",
    "insurer_name",
    "insurer_number",
    "insurance_coverage",
    "canton",
    "ins_number",
    "ins_identity_status",
    "birth_family_name",
    "birthplace_code",
)


def active_profile() -> CountryProfile:
    """The clinic's profile (``settings.CRYONEURO_COUNTRY``)."""
    return profile(settings.CRYONEURO_COUNTRY)


def active_fields() -> tuple[str, ...]:
    """The patient fields of the active profile; the AHV number only where the clinic
    keeps it lawfully (``CRYONEURO_AHV_ALLOWED``)."""
    fields = active_profile().patient_fields
    if not getattr(settings, "CRYONEURO_AHV_ALLOWED", False):
        fields = tuple(f for f in fields if f != "ahv_number")
    return fields


def error_message(error: IdentifierError) -> Any:
    return CHECK_MESSAGES.get(error.check, str(error))


def clean_identifiers(
    values: dict[str, Any], *, sex: str, birth_date: date | None, traits: dict[str, Any]
) -> dict[str, Any]:
    """``values`` (field -> typed value) as stored, checked by the active profile; a
    ValidationError keyed by field, each message naming its check, otherwise. Fields
    outside the active profile are refused."""
    country = active_profile()
    allowed = set(active_fields())
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[ValidationError]] = {}
    for name, raw in values.items():
        if name not in allowed:
            if raw:
                errors.setdefault(name, []).append(
                    ValidationError(
                        _("This field is not used in this clinic's country."), code="not_used"
                    )
                )
            continue
        value = (raw or "").strip()
        if not value:
            cleaned[name] = ""
            continue
        try:
            value = country.check(name, value)
            consistency = country.identifier_consistency.get(name)
            if consistency and birth_date is not None:
                consistency(value, sex, birth_date)
        except IdentifierError as failed:
            errors.setdefault(name, []).append(
                ValidationError(error_message(failed), code=failed.check)
            )
            continue
        cleaned[name] = value
    status = cleaned.get("ins_identity_status")
    if country.code == "FR" and status and not {"ins_identity_status", "ins_number"} & set(errors):
        try:
            france.check_status_coherence(
                status, cleaned.get("ins_number", ""), {**traits, **cleaned}
            )
        except IdentifierError as failed:
            errors.setdefault("ins_identity_status", []).append(
                ValidationError(error_message(failed), code=failed.check)
            )
    if errors:
        raise ValidationError(errors)
    return cleaned


def identifier_rows(patient: Any) -> list[tuple[str, str]]:
    """(label, shown value) of the active profile's identifiers on ``patient``."""
    country = active_profile()
    rows = []
    for name in active_fields():
        field = patient._meta.get_field(name)
        value = getattr(patient, name) or ""
        if value and getattr(field, "choices", None):
            shown = str(getattr(patient, f"get_{name}_display")())
        else:
            shown = country.display(name, value)
        if name == "ins_number" and value:
            shown = f"{shown} ({france.ins_kind(value)})"
        rows.append((str(field.verbose_name), shown))
    return rows
