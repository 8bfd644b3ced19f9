"""Analgesic use expressed as oral morphine milligram equivalents (MME) per day, by route.

Conversion factors: CDC Clinical Practice Guideline for Prescribing Opioids for Pain,
United States, 2022 (Dowell et al., MMWR Recomm Rep 2022;71(3):1-95), Table "Morphine
milligram equivalent doses for commonly prescribed opioids for pain management". The
table gives *oral* factors (doses in mg/day) and one transdermal factor: fentanyl patch,
2.4 per mcg/h. "All doses are in mg/day except for fentanyl, which is mcg/hr" (table
footnote). See docs/clinical/scores.md.

A conversion is keyed by ``(drug, route)``. A drug taken by a route the table does not
cover (buccal or sublingual fentanyl, any intravenous / subcutaneous / intramuscular
opioid, nasal, rectal), a drug without a factor (buprenorphine: the CDC gives none, it is
a partial agonist) and a route not recorded (``"unknown"``) are *refused*: the MME is not
computed and the message names the drug and the route. Nothing is guessed: a plain
``"fentanyl"`` is not taken for a patch.

The CDC's separate analytic file of NDC-level factors (NCIPC, 2017 version) lists e.g.
0.13 per mcg for buccal/sublingual fentanyl tablets, but says it "does not constitute
clinical guidance"; it is not in the default table. A clinic that adopts it passes its
own ``factors=`` and says so.

Non-opioid analgesics and co-analgesics give 0 MME whatever the route.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

__all__ = [
    "CDC_2022_MME_FACTORS",
    "CDC_2022_SOURCE",
    "DRUG_ALIASES",
    "NON_OPIOIDS",
    "NO_FACTOR_DRUGS",
    "ROUTES",
    "ROUTE_ALIASES",
    "Conversion",
    "MMEUnavailable",
    "convert",
    "dose_unit",
    "is_opioid",
    "known_drugs",
    "mme_per_day",
    "normalise_drug_name",
    "normalise_route",
    "split_drug",
    "total_mme_per_day",
]

CDC_2022_SOURCE = (
    "CDC Clinical Practice Guideline for Prescribing Opioids for Pain 2022 "
    "(Dowell et al., MMWR Recomm Rep 2022;71(3)), Table: MME conversion factors"
)

ROUTES: tuple[str, ...] = (
    "oral",
    "transdermal",
    "buccal",
    "sublingual",
    "nasal",
    "parenteral",
    "rectal",
    "topical",
    "unknown",
)
"""Routes an intake can be recorded with. ``parenteral`` covers IV, SC and IM;
``unknown`` is a valid answer ("I don't know") for which no MME is computed."""

CDC_2022_MME_FACTORS: Mapping[tuple[str, str], float] = MappingProxyType(
    {
        ("codeine", "oral"): 0.15,
        ("fentanyl", "transdermal"): 2.4,  # per mcg/h of patch strength
        ("hydrocodone", "oral"): 1.0,
        ("hydromorphone", "oral"): 5.0,
        ("methadone", "oral"): 4.7,
        ("morphine", "oral"): 1.0,
        ("oxycodone", "oral"): 1.5,
        ("oxymorphone", "oral"): 3.0,
        ("tapentadol", "oral"): 0.4,
        ("tramadol", "oral"): 0.2,
    }
)
"""CDC 2022 Table: (drug, route) -> factor; oral mg/day -> MME/day, transdermal fentanyl
mcg/h -> MME/day."""

NO_FACTOR_DRUGS: Mapping[str, str] = MappingProxyType(
    {
        "buprenorphine": (
            "buprenorphine has no MME conversion factor in the CDC 2022 guideline "
            "(a partial agonist: record it, but do not convert it to MME)"
        ),
    }
)
"""Opioids that can be recorded but never converted, with the reason."""

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

DRUG_ALIASES: Mapping[str, tuple[str, str | None]] = MappingProxyType(
    {
        # French and international names -> (canonical key, route the name itself states)
        "fentanyl_patch": ("fentanyl", "transdermal"),
        "fentanyl_transdermique": ("fentanyl", "transdermal"),
        "fentanyl_transdermal": ("fentanyl", "transdermal"),
        "acetaminophen": ("paracetamol", None),
        "acide_acetylsalicylique": ("aspirin", None),
        "lidocaine": ("lidocaine_patch", None),
        "lidocaine_emplatre": ("lidocaine_patch", None),
        "capsaicine": ("capsaicin_patch", None),
        "capsaicin": ("capsaicin_patch", None),
    }
)

ROUTE_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "po": "oral",
        "per_os": "oral",
        "orale": "oral",
        "patch": "transdermal",
        "transdermique": "transdermal",
        "td": "transdermal",
        "jugale": "buccal",
        "transmuqueuse": "buccal",
        "sl": "sublingual",
        "sublinguale": "sublingual",
        "nasale": "nasal",
        "intranasal": "nasal",
        "intravenous": "parenteral",
        "intraveineuse": "parenteral",
        "iv": "parenteral",
        "subcutaneous": "parenteral",
        "sous_cutanee": "parenteral",
        "sc": "parenteral",
        "intramuscular": "parenteral",
        "intramusculaire": "parenteral",
        "im": "parenteral",
        "rectale": "rectal",
        "locale": "topical",
        "cutanee": "topical",
        "inconnue": "unknown",
        "inconnu": "unknown",
        "unknown": "unknown",
    }
)

_MCG_PER_HOUR = "mcg/h"
_MCG_PER_DAY = "mcg/day"
_MG_PER_DAY = "mg/day"


class MMEUnavailable(ValueError):
    """No sourced factor for this drug and route, or the route is not known: the MME is
    not computed. ``code`` is ``"route_unknown"`` or ``"no_factor"``."""

    def __init__(self, message: str, *, drug: str, route: str, code: str) -> None:
        super().__init__(message)
        self.drug = drug
        self.route = route
        self.code = code


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "_".join(text.strip().lower().replace("-", " ").replace("/", " ").split())


def split_drug(name: str) -> tuple[str, str | None]:
    """Canonical drug key and the route the name itself states (``"Fentanyl transdermique"``
    -> ``("fentanyl", "transdermal")``; ``"Codéine"`` -> ``("codeine", None)``)."""
    key = _key(name)
    return DRUG_ALIASES.get(key, (key, None))


def normalise_drug_name(name: str) -> str:
    """Lower-case, strip accents, spaces and dashes to underscores (``"Codéine"`` -> ``"codeine"``)."""
    return split_drug(name)[0]


def normalise_route(route: str) -> str:
    """A route key among :data:`ROUTES` (French and usual abbreviations accepted), or a
    ``ValueError`` naming the value and the valid routes."""
    key = _key(route)
    key = ROUTE_ALIASES.get(key, key)
    if key not in ROUTES:
        raise ValueError(f"unknown route {route!r}; routes: {', '.join(ROUTES)}")
    return key


def known_drugs(
    factors: Mapping[tuple[str, str], float] = CDC_2022_MME_FACTORS,
) -> tuple[str, ...]:
    """Every drug name accepted (canonical keys): with a factor, without one, non-opioids."""
    return tuple(sorted({d for d, _r in factors} | set(NO_FACTOR_DRUGS) | NON_OPIOIDS))


def is_opioid(drug: str, factors: Mapping[tuple[str, str], float] = CDC_2022_MME_FACTORS) -> bool:
    key = normalise_drug_name(drug)
    return key in {d for d, _r in factors} or key in NO_FACTOR_DRUGS


def dose_unit(drug: str, route: str) -> str:
    """The unit a daily dose is given in: mcg/h for a fentanyl patch (CDC 2022 table),
    mcg/day for fentanyl by other routes, mg/day otherwise."""
    key, implied = split_drug(drug)
    route = implied or route
    if key == "fentanyl":
        return _MCG_PER_HOUR if route == "transdermal" else _MCG_PER_DAY
    return _MG_PER_DAY


def _resolve(drug: str, route: str | None) -> tuple[str, str]:
    key, implied = split_drug(drug)
    if route is None or route == "":
        resolved = implied or "unknown"
    else:
        resolved = normalise_route(route)
        if implied is not None and resolved not in (implied, "unknown"):
            raise ValueError(
                f"{drug!r} states the route {implied}, but the route given is {route!r}"
            )
        resolved = implied or resolved
    return key, resolved


def mme_per_day(
    drug: str,
    daily_dose: float,
    *,
    route: str | None = None,
    factors: Mapping[tuple[str, str], float] = CDC_2022_MME_FACTORS,
) -> float:
    """Morphine milligram equivalents per day for one drug taken by one route.

    ``daily_dose`` is the total dose per day in mg (oral), or for transdermal fentanyl
    the patch strength in micrograms per hour. Non-opioids give 0 by any route. An
    opioid without a sourced factor for the route, or without a route, raises
    :class:`MMEUnavailable` naming both; an unknown drug or route, or an impossible dose,
    raises ``ValueError``.

    >>> mme_per_day("oxycodone", 20, route="oral")
    30.0
    >>> mme_per_day("fentanyl", 25, route="transdermal")
    60.0
    """
    if (
        isinstance(daily_dose, bool)
        or not isinstance(daily_dose, int | float)
        or not math.isfinite(float(daily_dose))
        or daily_dose < 0
    ):
        raise ValueError(f"daily dose must be a finite number >= 0, got {daily_dose!r}")
    key, resolved = _resolve(drug, route)
    if key in NON_OPIOIDS:
        return 0.0
    if key not in known_drugs(factors):
        raise ValueError(f"unknown drug {drug!r}; known drugs: {', '.join(known_drugs(factors))}")
    if key in NO_FACTOR_DRUGS and not any(d == key for d, _r in factors):
        raise MMEUnavailable(NO_FACTOR_DRUGS[key], drug=key, route=resolved, code="no_factor")
    if resolved == "unknown":
        raise MMEUnavailable(
            f"{key}: route not recorded; the MME depends on the route and is not computed",
            drug=key,
            route=resolved,
            code="route_unknown",
        )
    factor = factors.get((key, resolved))
    if factor is None:
        sourced = sorted(r for d, r in factors if d == key)
        raise MMEUnavailable(
            f"{key} ({resolved}): no sourced MME conversion factor for this route "
            f"(CDC 2022 gives {key} by: {', '.join(sourced) or 'none'}); not computed",
            drug=key,
            route=resolved,
            code="no_factor",
        )
    return round(float(daily_dose) * factor, 6)


@dataclass(frozen=True, slots=True)
class Conversion:
    """One intake and its MME/day, or ``mme_per_day is None`` with the reason."""

    drug: str
    route: str
    daily_dose: float
    unit: str
    mme_per_day: float | None
    reason: str = ""
    reason_code: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "drug": self.drug,
            "route": self.route,
            "daily_dose": self.daily_dose,
            "unit": self.unit,
            "mme_per_day": self.mme_per_day,
            "reason": self.reason,
            "reason_code": self.reason_code,
        }


def convert(
    drug: str,
    daily_dose: float,
    route: str | None,
    *,
    factors: Mapping[tuple[str, str], float] = CDC_2022_MME_FACTORS,
) -> Conversion:
    """:func:`mme_per_day` that records a refusal (no factor, no route) instead of raising;
    bad input (unknown drug or route, impossible dose) still raises ``ValueError``."""
    key, resolved = _resolve(drug, route)
    try:
        mme: float | None = mme_per_day(drug, daily_dose, route=route, factors=factors)
        reason, code = "", ""
    except MMEUnavailable as refusal:
        mme, reason, code = None, str(refusal), refusal.code
    return Conversion(key, resolved, float(daily_dose), dose_unit(key, resolved), mme, reason, code)


def total_mme_per_day(
    intakes: Iterable[tuple[str, float, str | None]],
    *,
    factors: Mapping[tuple[str, str], float] = CDC_2022_MME_FACTORS,
) -> float:
    """Sum of :func:`mme_per_day` over ``(drug, daily_dose, route)``; raises
    :class:`MMEUnavailable` if one of them cannot be converted (a partial total would
    understate the opioid load)."""
    return round(math.fsum(mme_per_day(d, q, route=r, factors=factors) for d, q, r in intakes), 6)
