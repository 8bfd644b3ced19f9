"""Switzerland: AHV number, insurance card, cantons, ICD-10-GM, TARDOC, nDSG, HIN.

Sources (checked for this module unless a rule says "unverified"):

- AHVN13: 13 digits, "756" (ISO 3166 numeric for Switzerland), nine random digits, an
  EAN-13 check digit; shown 756.xxxx.xxxx.xx. ZAS/CdC, "Numéro AVS" (www.zas.admin.ch);
  CH Core IG 3.0.0, StructureDefinition ch-core-ahvn13-identifier (constraints
  ahvn13-length, ahvn13-startswith756, ahvn13-digit-check; system urn:oid:2.16.756.5.32).
- Using the AHV number outside the AHV: AHVG (LAVS, SR 831.10) art. 153b-153i, in force
  1 January 2022: systematic use is open to authorities and to bodies a law entrusts with
  it; a private clinic keeps it only where a federal or cantonal law lets it (the LAMal
  invoice, LAMal art. 42a and the VVK/OCA, SR 832.105). Hence optional, and stored only
  where the clinic's setting CRYONEURO_AHV_ALLOWED says its legal basis holds.
- Insurance card: LAMal/KVG art. 42a and VVK/OCA (SR 832.105) art. 3: name, AHV number,
  card identification number, the insurer's name and number. Basic cover is the compulsory
  LAMal/KVG (SR 832.10); supplementary cover is private, under the LCA/VVG (SR 221.229.1),
  and the card may show it only with the insured person's consent (VVK art. 6).
- Cantons: ISO 3166-2:CH, the 26 codes.
- Diagnoses: ICD-10-GM, which the Federal Statistical Office (BFS/OFS) prescribes for the
  medical statistics of hospitals. Acts: TARDOC, the single-service tariff that replaced
  TARMED on 1 January 2026 (Federal Council approval of 30 April 2025; OAAT AG maintains it).
- Data protection: revised FADP (nDSG/nLPD, SR 235.1), in force 1 September 2023.
- Secure mail: HIN (Health Info Net AG) addresses, name@hin.ch or a subdomain of hin.ch.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from .base import (
    Code,
    CodingSystem,
    CountryProfile,
    IdentifierError,
    Retention,
    add_years,
    digits_only,
    ean13_check_digit,
    email_domain,
)

AHV_PREFIX = "756"  # ISO 3166-1 numeric code of Switzerland
AHV_LENGTH = 13
CARD_NUMBER_LENGTH = 20
# ISO/IEC 7812-1 issuer identification: major industry identifier 80 (health) followed by
# the country's numeric code, as on the European health insurance card printed on the
# back of the Swiss card. Unverified against the VVK's technical annex.
CARD_NUMBER_PREFIX = "80756"
INSURER_NUMBER_MAX_DIGITS = 5  # BAG/OFSP insurer numbers (e.g. 1509, 8, 32): up to 4 digits

CANTONS: dict[str, str] = {
    "AG": "Argovie",
    "AI": "Appenzell Rhodes-Intérieures",
    "AR": "Appenzell Rhodes-Extérieures",
    "BE": "Berne",
    "BL": "Bâle-Campagne",
    "BS": "Bâle-Ville",
    "FR": "Fribourg",
    "GE": "Genève",
    "GL": "Glaris",
    "GR": "Grisons",
    "JU": "Jura",
    "LU": "Lucerne",
    "NE": "Neuchâtel",
    "NW": "Nidwald",
    "OW": "Obwald",
    "SG": "Saint-Gall",
    "SH": "Schaffhouse",
    "SO": "Soleure",
    "SZ": "Schwytz",
    "TG": "Thurgovie",
    "TI": "Tessin",
    "UR": "Uri",
    "VD": "Vaud",
    "VS": "Valais",
    "ZG": "Zoug",
    "ZH": "Zurich",
}

COVERAGE_BASIC = "basic"  # LAMal/KVG only
COVERAGE_SUPPLEMENTARY = "supplementary"  # LAMal/KVG and an LCA/VVG supplementary cover
COVERAGES = (COVERAGE_BASIC, COVERAGE_SUPPLEMENTARY)

DATA_DIR = Path(__file__).parent / "data"


def check_ahv(value: str) -> str:
    """The AHV number as stored (13 digits), or IdentifierError naming the check.

    >>> check_ahv("756.9217.0769.85")
    '7569217076985'
    """
    number = digits_only(value)
    if not number.isdigit():
        raise IdentifierError("ahv_digits", "only digits (and dots) are allowed")
    if len(number) != AHV_LENGTH:
        raise IdentifierError("ahv_length", f"{AHV_LENGTH} digits expected, got {len(number)}")
    if not number.startswith(AHV_PREFIX):
        raise IdentifierError("ahv_prefix", f"must start with {AHV_PREFIX}")
    if ean13_check_digit(number[:12]) != int(number[12]):
        raise IdentifierError("ahv_check_digit", "EAN-13 check digit does not match")
    return number


def format_ahv(number: str) -> str:
    """The AHV number as the ZAS prints it.

    >>> format_ahv("7569217076985")
    '756.9217.0769.85'
    """
    return f"{number[:3]}.{number[3:7]}.{number[7:11]}.{number[11:]}"


def check_card_number(value: str) -> str:
    number = digits_only(value)
    if not number.isdigit():
        raise IdentifierError("card_digits", "only digits are allowed")
    if len(number) != CARD_NUMBER_LENGTH:
        raise IdentifierError(
            "card_length", f"{CARD_NUMBER_LENGTH} digits expected, got {len(number)}"
        )
    if not number.startswith(CARD_NUMBER_PREFIX):
        raise IdentifierError("card_prefix", f"must start with {CARD_NUMBER_PREFIX}")
    return number


def format_card_number(number: str) -> str:
    return " ".join(number[i : i + 5] for i in range(0, len(number), 5))


def check_insurer_number(value: str) -> str:
    number = digits_only(value)
    if not number.isdigit() or len(number) > INSURER_NUMBER_MAX_DIGITS:
        raise IdentifierError("insurer_number", "the insurer's BAG/OFSP number: 1 to 5 digits")
    return str(int(number))


def check_canton(value: str) -> str:
    code = value.strip().upper()
    if code not in CANTONS:
        raise IdentifierError("canton", "one of the 26 canton codes (VD, GE, ...)")
    return code


def check_coverage(value: str) -> str:
    if value not in COVERAGES:
        raise IdentifierError("coverage", f"one of {', '.join(COVERAGES)}")
    return value


def is_hin_address(address: str) -> bool:
    """An address of the HIN secure-mail network (hin.ch and its subdomains). Clinics'
    own domains connected to HIN are not recognisable from the address (unverified list)."""
    domain = email_domain(address)
    return domain == "hin.ch" or domain.endswith(".hin.ch")


def load_codes(path: Path) -> tuple[Code, ...]:
    """Act codes from a JSON list of {code, label_fr, label_en, source, verified, note}:
    the clinic updates the file when the tariff changes."""
    rows = json.loads(path.read_text(encoding="utf-8"))
    return tuple(Code(**row) for row in rows)


def retention_until(last_visit: date, birth_date: date | None = None) -> date:
    """20 years after the last visit (unverified: cantonal law sets it)."""
    return add_years(last_visit, RETENTION.years_after_last_visit)


RETENTION = Retention(
    years_after_last_visit=20,
    source=(
        "Cantonal health laws set the period (e.g. Geneva LS K 1 03 art. 57: 20 years); "
        "20 years matches the limitation period for bodily injury, CO art. 60 para. 1bis "
        "(in force 1 January 2020)"
    ),
    verified=False,
    note="check the canton's law; nDSG art. 6 para. 4: no longer than needed",
)

PROFILE = CountryProfile(
    code="CH",
    name_fr="Suisse",
    name_en="Switzerland",
    time_zone="Europe/Zurich",
    currency="CHF",
    patient_fields=(
        "ahv_number",
        "insurance_card_number",
        "insurer_name",
        "insurer_number",
        "insurance_coverage",
        "canton",
    ),
    diagnoses=CodingSystem(
        name="ICD-10-GM",
        fhir_system="http://fhir.de/CodeSystem/bfarm/icd-10-gm",
        source="BFS/OFS, medical statistics of hospitals: coding manual, ICD-10-GM",
    ),
    acts=CodingSystem(
        name="TARDOC",
        fhir_system="",  # no FHIR code system URI found for TARDOC (unverified)
        source="OAAT AG, TARDOC, in force 1 January 2026 (replaces TARMED)",
    ),
    act_codes=load_codes(DATA_DIR / "tardoc.json"),
    data_protection="nDSG/nLPD (SR 235.1), in force 1 September 2023",
    retention=RETENTION,
    secure_mail="HIN",
    is_secure_mail_address=is_hin_address,
    retention_until=retention_until,
    identifier_checks={
        "ahv_number": check_ahv,
        "insurance_card_number": check_card_number,
        "insurer_number": check_insurer_number,
        "canton": check_canton,
        "insurance_coverage": check_coverage,
    },
    identifier_display={"ahv_number": format_ahv, "insurance_card_number": format_card_number},
    fhir_identifier_systems={"ahv_number": "urn:oid:2.16.756.5.32"},
    sources={
        "ahv_number": "ZAS/CdC; CH Core 3.0.0 ch-core-ahvn13-identifier; AHVG art. 153b-153i",
        "insurance_card_number": "VVK/OCA SR 832.105 art. 3; prefix 80756 per ISO/IEC 7812-1 "
        "(unverified)",
        "canton": "ISO 3166-2:CH",
    },
)
