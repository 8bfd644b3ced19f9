"""Catalog codes of the pure layers, shown in the reader's language.

``physics``, ``clinical`` and ``planning`` import no Django, so the codes they hand up
("left", "skin", "coarse", "sport_rec", a PGIC value ...) are English words or bare codes.
Here each catalog has its translatable label (English msgids, French in the project
catalogue), keyed by the catalog's own ids; ``tests/apps/test_catalog_labels.py`` checks
that every id of every catalog has a label and a French translation. Catalogs that carry
their own French and English text (nerve names, indications, PGIC answers) are read in the
active language with :func:`lang`.

Use :func:`label` in Python, ``{{ code|catalog_label:"side" }}`` in templates
(``cryoneuro.web.templatetags.cryo``). An unknown code is shown as it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from cryoneuro.clinical import outcomes
from cryoneuro.clinical import questionnaires as q
from cryoneuro.clinical.nerves import FIGURES_NOTE, NERVES
from cryoneuro.clinical.regeneration import (
    CATALOG_DISTANCE_NOTE,
    REGENERATION_SOURCES,
    RELIEF_MODEL_VERSION,
    UNCALIBRATED_NOTE,
)
from cryoneuro.physics.devices import DEVICES


def lang() -> str:
    """The active language as the pure layers name it: ``"en"`` or ``"fr"``."""
    return "en" if (get_language() or "fr").startswith("en") else "fr"


SIDES: Mapping[str, Promise] = {
    "left": _("left"),
    "right": _("right"),
    "bilateral": _("bilateral"),
    "midline": _("midline"),
}
"""``Case.side`` and ``Procedure.side`` (clinical/eligibility.py)."""

NERVE_TYPES: Mapping[str, Promise] = {"sensory": _("sensory"), "mixed": _("mixed")}
"""``clinical.nerves.NerveType`` / ``PlanInputs.nerve_type``."""

TISSUES: Mapping[str, Promise] = {
    "soft_tissue": _("soft tissue"),
    "muscle": _("muscle"),
    "fat": _("fat"),
    "skin": _("skin"),
    "tendon": _("tendon"),
    "bone": _("bone"),
    "water": _("water"),
    "saline_phantom": _("saline phantom"),
    "gel_phantom": _("gel phantom"),
}
"""``physics.materials.TISSUES`` (the names of a plan's tissue layers)."""

GRIDS: Mapping[str, Promise] = {"coarse": _("coarse"), "fine": _("fine")}
"""``PlanInputs.grid`` (the solver's mesh)."""

INSTRUMENTS: Mapping[str, Promise] = {
    "nrs": _("NRS"),
    "bpi": _("BPI"),
    "dn4": _("DN4"),
    "womac": _("WOMAC"),
    "koos": _("KOOS"),
    "pgic": _("PGIC"),
    "analgesics": _("Analgesics"),
    "activities": _("Return to usual activities"),
}
"""Score names of a questionnaire (``followup.questionnaire.score``)."""

SUBSCALES: Mapping[str, Promise] = {
    # WOMAC (clinical.questionnaires.WOMAC_SUBSCALES)
    "pain": _("pain"),
    "stiffness": _("stiffness"),
    "function": _("function"),
    # KOOS (clinical.questionnaires.KOOS_SUBSCALES)
    "symptoms": _("symptoms"),
    "adl": _("daily living"),
    "sport_rec": _("sport and recreation"),
    "qol": _("quality of life"),
    # BPI (clinical.questionnaires.bpi)
    "severity": _("severity"),
    "interference": _("interference"),
}
"""Subscale names of the scored instruments."""

PROBES: Mapping[str, Promise] = {
    "14g": _("14 G needle probe"),
    "16g": _("16 G needle probe"),
    "18g": _("18 G needle probe"),
    "celsio": _("Celsio probe (1.7 mm, liquid CO2)"),
    "icesphere": _("IceSphere probe (1.5 mm, argon)"),
}
"""``physics.materials.PROBES`` (the planner's probe presets; sizes from their sources)."""

CRYOGENS: Mapping[str, Promise] = {
    "n2o": _("N2O (nitrous oxide)"),
    "co2": _("CO2 (carbon dioxide)"),
    "argon": _("Ar (argon)"),
}
"""``physics.materials.CRYOGENS``."""

PLAN_LIMITS: Mapping[str, Promise] = {
    "freeze_s": _("Freeze duration"),
    "cycles": _("Number of cycles"),
    "thaw_s": _("Thaw duration"),
    "target_c": _("Temperature to reach in the nerve"),
    "permanent_c": _("Permanent-injury temperature"),
    "skin_limit_c": _("Skin limit"),
    "spare_limit_c": _("Limit for a structure to spare"),
    "freeze_step_s": _("Search step"),
    "target_hold_s": _("Time below the target temperature"),
    "target_cycles": _("Freeze-thaw cycles instead of the hold"),
}
"""The names of ``planning.inputs.LIMIT_SOURCES``'s keys (the plan's limits)."""

PLAN_LIMIT_SOURCES: Mapping[str, Promise] = {
    "freeze_s": _(
        "60-180 s: Rizk & Balasubramanian (1.0-1.5 min), Medicina 2025 review (2-3 min), "
        "pain-practice literature (2-3 cycles of 3 min) (physics.md)"
    ),
    "cycles": _(
        "1-3: Guitron 2024 (one 2-min freeze per intercostal nerve), NCT03449667 (3 x 2 min) "
        "(physics.md)"
    ),
    "thaw_s": _(
        "30-120 s: Rizk (20-30 s), NCT03449667 (1 min), Medicina 2025 (0.5-2 min) (physics.md)"
    ),
    "target_c": _(
        "-20 degC over the whole cross-section: Evans et al., Br J Anaesth 1981;53:1121 "
        "(physics.md)"
    ),
    "permanent_c": _(
        "-140 degC: risk of neurotmesis, UNVERIFIED (widely repeated, no primary source)"
    ),
    "skin_limit_c": _(
        "0 degC at the skin surface (no skin freezing): UNVERIFIED assumption, no "
        "sourced skin threshold in physics.md/clinical.md; configure to the clinic's practice"
    ),
    "spare_limit_c": _(
        "-20 degC: a structure to spare must stay warmer than the axonotmesis "
        "threshold (Evans 1981); colder than 0 degC gives a transient-block warning"
    ),
    "freeze_step_s": _("10 s search resolution (software choice)"),
    "target_hold_s": _(
        "60 s below the target: -20 degC held >= 1 min for necrosis (Cooper, as "
        "reported by Rukstalis & Katz; Gage & Baust, Cryobiology 1998;37:171): general tissue, "
        "UNVERIFIED for nerve (docs/physics/injury.md)"
    ),
    "target_cycles": _(
        "2 complete freeze-thaw cycles instead of the hold: repeated cycles destroy "
        "more (Gage & Baust 1998): UNVERIFIED for nerve (docs/physics/injury.md)"
    ),
}
"""``planning.inputs.LIMIT_SOURCES`` in the reader's language (the English text is the
planner's own, word for word: tests/apps/test_catalog_labels.py compares them)."""

SOURCES: Mapping[str, Promise] = {
    outcomes.IMMPACT_SOURCE: _(
        "IMMPACT, Dworkin et al., J Pain 2008;9:105 (>= 30 % or >= 2 points NRS reduction); "
        "Farrar et al., Pain 2001;94:149"
    ),
    outcomes.DELPHI_SOURCE: _(
        "Delphi expert consensus on cryoneurolysis, Cardiovasc Intervent Radiol 2025 "
        "(clinical.md): repeat within weeks when the response is incomplete; other "
        "treatments after 2 failed sessions"
    ),
    outcomes.SEED_REPEAT + "; " + outcomes.IMMPACT_SOURCE: _(
        "seed page: 'La procédure peut être renouvelée si les symptômes réapparaissent.'; "
        "IMMPACT, Dworkin et al., J Pain 2008;9:105 (>= 30 % or >= 2 points NRS reduction); "
        "Farrar et al., Pain 2001;94:149"
    ),
}
"""The source notes of ``clinical.outcomes.next_step`` (keyed by the text it writes)."""


def relief_source(stored: str) -> str:
    """The relief window's source note in the reader's language when it is the current
    model's (``clinical.regeneration.REGENERATION_SOURCES``, with the notes that
    ``relief_window_for_nerve`` appends); a note stored by another model version is shown as
    it was stored."""
    if not stored.startswith(REGENERATION_SOURCES):
        return stored
    rest = stored[len(REGENERATION_SOURCES) :]
    uncalibrated = rest.endswith(UNCALIBRATED_NOTE)
    if uncalibrated:
        rest = rest[: -len(UNCALIBRATED_NOTE)]
    distance = _catalog_distance(rest)
    if rest and distance is None:
        return stored  # a note this version does not write: as stored
    text = gettext(
        "relief model %(version)s: end = delay + distance / human rate; rate 1.0-2.0 "
        "mm/day (SIR abstract 401; Buchthal & Kühl, JNNP 1979;42:436); delay calibrated on "
        "Radnovich 2017, DiFiore 2024, Matelich 2022 (docs/clinical/relief-window.md); onset: "
        "J Cell Biol 2012;196:7, Open Biol 2019 (Wallerian degeneration 24-72 h)"
    ) % {"version": RELIEF_MODEL_VERSION}
    if distance is not None:
        text += gettext(
            "; distance %(distance)s mm is a catalog default (figures are typical anatomical "
            "orders of magnitude, not sourced in clinical.md/physics.md: configurable "
            "defaults, measure on the patient's imaging)"
        ) % {"distance": distance}
    if uncalibrated:
        text += gettext("; no published relief duration for this nerve: pooled model, uncalibrated")
    return text


def _catalog_distance(rest: str) -> str | None:
    """The distance written by ``CATALOG_DISTANCE_NOTE`` in ``rest`` (None when ``rest``
    is not that note with the catalog's figures note)."""
    head, _, tail = CATALOG_DISTANCE_NOTE.partition("{distance:g}")
    if not rest.startswith(head):
        return None
    distance, _, after = rest[len(head) :].partition(" ")
    if " " + after != tail.format(note=FIGURES_NOTE):
        return None
    return distance


CATALOGS: Mapping[str, Mapping[str, Promise]] = {
    "side": SIDES,
    "nerve_type": NERVE_TYPES,
    "tissue": TISSUES,
    "grid": GRIDS,
    "probe": PROBES,
    "cryogen": CRYOGENS,
    "plan_limit": PLAN_LIMITS,
    "plan_limit_source": PLAN_LIMIT_SOURCES,
    "instrument": INSTRUMENTS,
    "subscale": SUBSCALES,
    "source": SOURCES,
}


def device_label(code: str) -> str:
    """A library device by its maker's name, with its gas in the active language:
    "iovera° Smart Tip 1x90 — N2O (protoxyde d'azote)"."""
    device = DEVICES[code]
    return gettext("%(device)s (%(maker)s), %(gas)s") % {
        "device": device.name,
        "maker": device.maker,
        "gas": label("cryogen", device.cryogen),
    }


def label(catalog: str, code: Any) -> str:
    """``code`` of ``catalog`` in the active language (the code itself when unknown). A
    probe code may also name a library device (physics.devices)."""
    entry = CATALOGS[catalog].get(str(code))
    if entry is None and catalog == "probe" and str(code) in DEVICES:
        return device_label(str(code))
    return str(entry) if entry is not None else str(code)


def nerve_name(code: str, fallback: str = "") -> str:
    """A catalog nerve's name in the active language; ``fallback`` (or the code) when the
    code is not in the catalog (a custom nerve named by the physician)."""
    nerve = NERVES.get(code)
    if nerve is None:
        return fallback or code
    return nerve.name(lang())


def pgic_label(value: Any) -> str:
    """The PGIC answer (1-7) in the active language, with the responder anchor."""
    try:
        index = int(value)
    except (TypeError, ValueError):
        return ""
    if not 1 <= index <= len(q.PGIC_CHOICES):
        return ""
    _value, fr, en = q.PGIC_CHOICES[index - 1]
    text = en if lang() == "en" else fr
    if index <= q.PGIC_RESPONDER_MAX:
        text += " (" + gettext("responder: much improved or better") + ")"
    return text


_DECIMAL_POINT = re.compile(r"(?<![\d.])(\d+)\.(\d+)(?![\d.])")


def localized_numbers(text: str) -> str:
    """Decimal numbers of a pure layer's text in the active language's notation: on
    French pages "INR 2.5 supérieur à 1.5" reads "INR 2,5 supérieur à 1,5". Only a lone
    ``digits.digits`` changes (not a version such as 2026.12.4); English is untouched."""
    if lang() != "fr":
        return text
    return _DECIMAL_POINT.sub(r"\1,\2", text)
