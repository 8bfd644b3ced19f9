"""France: INS (NIR/NIA) and the RNIV identity statuses, CIM-10 FR, CCAM, MSSanté, CSP
retention.

Sources:

- NIR: 15 characters, sex (1), year (2), month (2), department (2: 01-95, 2A/2B for
  Corsica; 97x/98x overseas take 3 with a 2-digit commune), commune (3), order number (3),
  key (2) = 97 - (the 13 first digits mod 97), Corsica's 2A and 2B counted as 19 and 18
  for the key. INSEE, RNIPP (Courrier des statistiques n° 8, 2022); the key rule as
  restated by comptavoo.com and publimath.fr. Published example: 2 06 12 75 111 005, key 64
  (lbcd78.fr, 2007).
- INS: the NIR, or failing it the NIA (a waiting number of the same shape, first digit 7
  or 8), with the OIDs of its assigning authority: 1.2.250.1.213.1.4.8 (INS-NIR) and
  1.2.250.1.213.1.4.9 (INS-NIA): FR Core, fr-core-patient-ins (identifier slices INS-NIR
  and INS-NIA).
- RNIV (Référentiel national d'identitovigilance, volet 1, 2024): five strict traits
  (nom de naissance, premier prénom de naissance, date de naissance, sexe, lieu de
  naissance as an INSEE code); four identity statuses: provisoire (neither checked),
  récupérée (INS returned by the INSi teleservice, no high-trust document seen), validée
  (a high-trust document seen, INS not retrieved), qualifiée (both): only a qualified INS
  may be used and sent.
- Birthplace code: INSEE's Code officiel géographique: 5 characters, department + commune,
  or 99 + a 3-digit country code for people born abroad.
- Diagnoses: CIM-10 FR à usage PMSI (ATIH). Acts: CCAM (Assurance maladie).
- Retention: Code de la santé publique R1112-7: 20 years from the last stay or outpatient
  consultation; at least until the patient's 28th birthday; if the patient dies less than
  10 years after the last visit, 10 years from the death. The CNIL's health referential
  splits it into an active base and an archive (5 + 15 years, as issue 15 says).
- Secure mail: MSSanté, the ANS's trust space; addresses such as dupont@ch-xyz.mssante.fr
  (ARS Île-de-France, "Messagerie Sécurisée de Santé").
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from .base import (
    Code,
    CodingSystem,
    CountryProfile,
    IdentifierError,
    Retention,
    add_years,
    digits_only,
    email_domain,
)

NIR_LENGTH = 15
NIR_OID = "1.2.250.1.213.1.4.8"
NIA_OID = "1.2.250.1.213.1.4.9"
CORSICA_FOR_KEY = {"2A": "19", "2B": "18"}
NIR_SEX_DIGITS = {"1": "male", "2": "female", "7": "male", "8": "female"}  # 7/8: NIA
_NIR_SHAPE = re.compile(r"^[0-9]{5}(?:[0-9]{2}|2A|2B)[0-9]{8}$")
_BIRTHPLACE_SHAPE = re.compile(
    r"^(?:(?:0[1-9]|1[0-9]|2[1-9]|[3-8][0-9]|9[0-5]|2A|2B)[0-9]{3}|9[78][0-9]{3}|99[0-9]{3})$"
)


class IdentityStatus(StrEnum):
    """The RNIV's four statuses of an identity (volet 1, §2)."""

    PROVISIONAL = "provisoire"
    RETRIEVED = "recuperee"
    VALIDATED = "validee"
    QUALIFIED = "qualifiee"


STRICT_TRAITS = (
    "birth_family_name",  # nom de naissance
    "first_given_name",  # premier prénom de naissance
    "birth_date",  # date de naissance
    "sex",  # sexe
    "birthplace_code",  # lieu de naissance (code INSEE)
)


def nir_key(first13: str) -> int:
    """97 - (NIR mod 97), Corsica's 2A/2B counted as 19/18.

    >>> nir_key("2061275111005")
    64
    """
    digits = first13[:5] + CORSICA_FOR_KEY.get(first13[5:7], first13[5:7]) + first13[7:]
    return 97 - int(digits) % 97


def check_ins(value: str) -> str:
    """The INS (NIR or NIA, 15 characters, key included) as stored, or IdentifierError.

    >>> check_ins("2 06 12 75 111 005 64")
    '206127511100564'
    """
    number = digits_only(value).upper()
    if len(number) != NIR_LENGTH:
        raise IdentifierError("nir_length", f"{NIR_LENGTH} characters expected, got {len(number)}")
    if not _NIR_SHAPE.match(number):
        raise IdentifierError("nir_format", "digits only, 2A or 2B for a Corsican department")
    if number[0] not in NIR_SEX_DIGITS:
        raise IdentifierError("nir_sex_digit", "first digit 1 or 2 (NIR), 7 or 8 (NIA)")
    if nir_key(number[:13]) != int(number[13:]):
        raise IdentifierError("nir_key", "the key is not 97 - (NIR mod 97)")
    return number


def check_ins_consistency(number: str, sex: str, birth_date: date) -> None:
    """The INS against the record: its sex digit, year and month (months 01-12 only:
    INSEE uses others, 20-42 and 50+, when the month was unknown)."""
    expected_sex = NIR_SEX_DIGITS.get(number[0])
    if sex in ("male", "female") and expected_sex != sex:
        raise IdentifierError("nir_sex_mismatch", "the first digit does not match the sex")
    if number[1:3] != f"{birth_date.year % 100:02d}":
        raise IdentifierError("nir_birth_year_mismatch", "digits 2-3 are not the birth year")
    month = int(number[3:5])
    if 1 <= month <= 12 and month != birth_date.month:
        raise IdentifierError("nir_birth_month_mismatch", "digits 4-5 are not the birth month")


def ins_kind(number: str) -> str:
    """ "NIA" for a waiting number (first digit 7 or 8), "NIR" otherwise. The OID the INSi
    teleservice returns is authoritative; this only guesses it for display."""
    return "NIA" if number[:1] in ("7", "8") else "NIR"


def ins_oid(number: str) -> str:
    return NIA_OID if ins_kind(number) == "NIA" else NIR_OID


def format_ins(number: str) -> str:
    """The INS grouped as on the carte Vitale.

    >>> format_ins("206127511100564")
    '2 06 12 75 111 005 64'
    """
    parts = (number[0], number[1:3], number[3:5], number[5:7], number[7:10], number[10:13])
    return " ".join((*parts, number[13:]))


def check_birthplace(value: str) -> str:
    code = value.strip().upper()
    if not _BIRTHPLACE_SHAPE.match(code):
        raise IdentifierError(
            "birthplace_format", "an INSEE code: department + commune, or 99 + country"
        )
    return code


def check_identity_status(value: str) -> str:
    try:
        return IdentityStatus(value).value
    except ValueError:
        raise IdentifierError("ins_status", "provisoire, recuperee, validee or qualifiee") from None


def identity_status(*, ins_retrieved: bool, document_checked: bool) -> IdentityStatus:
    """The RNIV status from its two checks (INSi retrieval, high-trust document)."""
    if ins_retrieved and document_checked:
        return IdentityStatus.QUALIFIED
    if ins_retrieved:
        return IdentityStatus.RETRIEVED
    if document_checked:
        return IdentityStatus.VALIDATED
    return IdentityStatus.PROVISIONAL


def check_status_coherence(status: str, ins_number: str, traits: dict[str, object]) -> None:
    """A retrieved or qualified identity has an INS; a qualified one has every strict
    trait (RNIV: qualification needs the INSi's traits to match the document's)."""
    if status in (IdentityStatus.RETRIEVED, IdentityStatus.QUALIFIED) and not ins_number:
        raise IdentifierError(
            "ins_status_needs_ins", "a retrieved or qualified identity has an INS"
        )
    if status == IdentityStatus.QUALIFIED:
        missing = missing_strict_traits(traits)
        if missing:
            raise IdentifierError("ins_status_needs_traits", ", ".join(missing))


def missing_strict_traits(traits: dict[str, object]) -> list[str]:
    return [name for name in STRICT_TRAITS if not traits.get(name)]


def is_mssante_address(address: str) -> bool:
    domain = email_domain(address)
    return domain == "mssante.fr" or domain.endswith(".mssante.fr")


def retention_until(last_visit: date, birth_date: date, death_date: date | None = None) -> date:
    """CSP R1112-7: 20 years after the last visit, not before the 28th birthday; 10 years
    after a death within 10 years of the last visit.

    >>> retention_until(date(2026, 3, 1), date(2010, 5, 2))
    datetime.date(2046, 3, 1)
    >>> retention_until(date(2026, 3, 1), date(2020, 5, 2))
    datetime.date(2048, 5, 2)
    """
    if death_date is not None and death_date < add_years(last_visit, 10):
        return add_years(death_date, 10)
    return max(add_years(last_visit, 20), add_years(birth_date, 28))


ACT_CODES = (
    Code(
        code="AHLB007",
        label_fr=(
            "Infiltration anesthésique de tronc nerveux superficiel avec évaluation "
            "diagnostique et pronostique, sans stimulodétection électrique"
        ),
        label_en="Diagnostic and prognostic anaesthetic block of a superficial nerve trunk",
        source="CCAM (Assurance maladie), label and 26,53 € as listed by lemedecin.fr, 2024",
        verified=True,
        note="the test block before cryoneurolysis",
    ),
    Code(
        code="HN",
        label_fr="Cryoneurolyse percutanée d'un nerf périphérique (acte hors nomenclature)",
        label_en="Percutaneous cryoneurolysis of a peripheral nerve (act outside the list)",
        source=(
            "no CCAM code for cryoneurolysis found in the sources searched; recorded as an "
            "act outside the list, not billed to the Assurance maladie"
        ),
        verified=False,
        note="check the current CCAM version; HN is the usual mark, not a CCAM code",
    ),
)

RETENTION = Retention(
    years_after_last_visit=20,
    active_years=5,
    source="Code de la santé publique, art. R1112-7; CNIL health referential (5 + 15)",
    verified=True,
    note="until the 28th birthday at least; 10 years after a death within 10 years",
)

PROFILE = CountryProfile(
    code="FR",
    name_fr="France",
    name_en="France",
    time_zone="Europe/Paris",
    currency="EUR",
    patient_fields=("ins_number", "ins_identity_status", "birth_family_name", "birthplace_code"),
    diagnoses=CodingSystem(
        name="CIM-10 FR",
        fhir_system="http://hl7.org/fhir/sid/icd-10",  # the WHO base; FR extension unverified
        source="ATIH, CIM-10 FR à usage PMSI",
    ),
    acts=CodingSystem(
        name="CCAM",
        fhir_system="https://smt.esante.gouv.fr/terminologie-ccam",  # unverified
        source="Assurance maladie, Classification commune des actes médicaux",
    ),
    act_codes=ACT_CODES,
    data_protection="RGPD and loi Informatique et Libertés (CNIL); CSP L1110-4 (secret)",
    retention=RETENTION,
    secure_mail="MSSanté",
    is_secure_mail_address=is_mssante_address,
    retention_until=retention_until,
    identifier_checks={
        "ins_number": check_ins,
        "birthplace_code": check_birthplace,
        "ins_identity_status": check_identity_status,
    },
    identifier_display={"ins_number": format_ins},
    identifier_consistency={"ins_number": check_ins_consistency},
    fhir_identifier_systems={
        "ins_number": f"urn:oid:{NIR_OID}",
        "ins_number_nia": f"urn:oid:{NIA_OID}",
    },
    sources={
        "ins_number": "INSEE RNIPP; FR Core fr-core-patient-ins (OIDs)",
        "ins_identity_status": "RNIV volet 1 (2024)",
        "birthplace_code": "INSEE, Code officiel géographique",
    },
)
