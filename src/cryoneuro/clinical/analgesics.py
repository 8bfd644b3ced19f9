"""Analgesic use expressed as oral morphine milligram equivalents (MME) per day.

Conversion factors: CDC Clinical Practice Guideline for Prescribing Opioids for Pain,
2022 (Dowell et al., MMWR Recomm Rep 2022;71(3):1-95), Table, as listed in
../shared/reference/clinical.md. ``MME/day = daily dose x factor``; transdermal fentanyl is
given in micrograms per hour (factor 2.4 per mcg/h). The CDC does not give a factor for
buprenorphine (its MME is not meaningful for overdose risk): it is refused with a message.

Non-opioid analgesics and co-analgesics give 0 MME. The factors are a parameter
(``factors=``) so a clinic can apply a different table and say so.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType

__all__ = [
    "CDC_2022_MME_FACTORS",
    "CDC_2022_SOURCE",
    "DRUG_ALIASES",
    "NON_OPIOIDS",
    "known_drugs",
    "mme_per_day",
    "normalise_drug_name",
    "total_mme_per_day",
]

CDC_2022_SOURCE = (
    "CDC Clinical Practice Guideline for Prescribing Opioids for Pain 2022 "
    "(Dowell et al., MMWR Recomm Rep 2022;71(3)), conversion factors as in clinical.md"
)

CDC_2022_MME_FACTORS: Mapping[str, float] = MappingProxyType(
    {
        "codeine": 0.15,
        "fentanyl_transdermal": 2.4,  # per mcg/h
        "hydrocodone": 1.0,
        "hydromorphone": 5.0,
        "methadone": 4.7,
        "morphine": 1.0,
        "oxycodone": 1.5,
        "oxymorphone": 3.0,
        "tapentadol": 0.4,
        "tramadol": 0.2,
    }
)
"""CDC 2022 factors: oral mg/day -> MME/day (fentanyl: mcg/h -> MME/day)."""

NON_OPIOIDS: frozenset[str] = frozenset(
    {
        "paracetamol",
        "ibuprofen",
        "naproxen",
        "diclofenac",
        "ketoprofen",
        "celecoxib",
        "etoricoxib",
        "aspirin",
        "metamizole",
        "nefopam",
        "pregabalin",
        "gabapentin",
        "duloxetine",
        "amitriptyline",
        "nortriptyline",
        "venlafaxine",
        "clonazepam",
        "lidocaine_patch",
        "capsaicin_patch",
        "ketamine",
    }
)
"""Non-opioid analgesics and co-analgesics: 0 MME."""

DRUG_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        # French and international names -> canonical key
        "codeine": "codeine",
        "morphine": "morphine",
        "methadone": "methadone",
        "fentanyl": "fentanyl_transdermal",
        "fentanyl_patch": "fentanyl_transdermal",
        "fentanyl_transdermique": "fentanyl_transdermal",
        "fentanyl_transdermal": "fentanyl_transdermal",
        "oxycodone": "oxycodone",
        "hydromorphone": "hydromorphone",
        "hydrocodone": "hydrocodone",
        "oxymorphone": "oxymorphone",
        "tapentadol": "tapentadol",
        "tramadol": "tramadol",
        "acetaminophen": "paracetamol",
        "acide_acetylsalicylique": "aspirin",
        "lidocaine": "lidocaine_patch",
        "lidocaine_emplatre": "lidocaine_patch",
        "capsaicine": "capsaicin_patch",
        "capsaicin": "capsaicin_patch",
    }
)


def normalise_drug_name(name: str) -> str:
    """Lower-case, strip accents, spaces and dashes to underscores (``"Codéine"`` -> ``"codeine"``)."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    text = "_".join(text.strip().lower().replace("-", " ").split())
    return DRUG_ALIASES.get(text, text)


def known_drugs(factors: Mapping[str, float] = CDC_2022_MME_FACTORS) -> tuple[str, ...]:
    """Every drug name accepted by :func:`mme_per_day` (canonical keys)."""
    return tuple(sorted(set(factors) | NON_OPIOIDS))


def mme_per_day(
    drug: str,
    daily_dose: float,
    *,
    factors: Mapping[str, float] = CDC_2022_MME_FACTORS,
) -> float:
    """Morphine milligram equivalents per day.

    ``daily_dose`` is the total oral dose in mg per day, or for transdermal fentanyl the
    patch strength in micrograms per hour. Non-opioids give 0. An unknown drug raises a
    ``ValueError`` listing the known ones.

    >>> mme_per_day("oxycodone", 20)
    30.0
    >>> mme_per_day("fentanyl_transdermal", 25)
    60.0
    """
    if isinstance(daily_dose, bool) or not math.isfinite(float(daily_dose)) or daily_dose < 0:
        raise ValueError(f"daily dose must be a finite number >= 0, got {daily_dose!r}")
    key = normalise_drug_name(drug)
    if key in factors:
        return round(float(daily_dose) * factors[key], 6)
    if key in NON_OPIOIDS:
        return 0.0
    if key == "buprenorphine":
        raise ValueError(
            "buprenorphine has no MME conversion factor in the CDC 2022 guideline "
            "(record it, but do not convert it to MME)"
        )
    raise ValueError(f"unknown drug {drug!r}; known drugs: {', '.join(known_drugs(factors))}")


def total_mme_per_day(
    intakes: Mapping[str, float],
    *,
    factors: Mapping[str, float] = CDC_2022_MME_FACTORS,
) -> float:
    """Sum of :func:`mme_per_day` over ``{drug: daily_dose}``."""
    return round(sum(mme_per_day(d, q, factors=factors) for d, q in intakes.items()), 6)
