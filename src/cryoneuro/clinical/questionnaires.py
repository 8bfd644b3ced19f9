"""Questionnaires of the evaluation and of the follow-up, with their scoring rules.

Every instrument accepts *partial* answers (a mapping item -> value, with missing items
absent or ``None``) and scores them according to its own rules for missing data; a
score that the instrument's rules do not allow is ``None`` and the result says why.

Instruments (sources in each docstring):

* DN4 (Bouhassira et al., Pain 2005;114:29-36), 10 yes/no items, >= 4/10 suggests
  neuropathic pain. :class:`DN4Answers` is the complete form used by an evaluation.
* NRS 0-10 pain intensity (LOINC 72514-3, clinical.md).
* BPI interference (Cleeland, Brief Pain Inventory User Guide): 7 items 0-10, mean of
  the answered items, valid when at least 4 of 7 are answered.
* PGIC, 7-point patient global impression of change (Guy, ECDEU Assessment Manual 1976;
  Farrar et al., Pain 2001;94:149 for "much improved" or better as a responder anchor).
* WOMAC 3.1 Likert (Bellamy): 24 items 0-4, pain 5 / stiffness 2 / function 17.
* KOOS (Roos & Lohmander, Health Qual Life Outcomes 2003;1:64; KOOS User's Guide):
  42 items 0-4 in 5 subscales, each transformed to 0-100 with 100 = no problems.
* Return to usual activities: a clinic-defined item (no validated instrument; the seed
  page lists a quick return to daily activities as an advantage to show).

WOMAC and KOOS item labels here are short descriptive labels for forms and reports, not
the instruments' validated wording (WOMAC is licensed; use the licensed text with
patients). The DN4 wording is the validated French original and its English version.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from cryoneuro.clinical.analgesics import mme_per_day, total_mme_per_day

__all__ = [
    "BPI_INTERFERENCE_ITEMS",
    "DN4_ITEMS",
    "DN4_NEUROPATHIC_THRESHOLD",
    "KOOS_SUBSCALES",
    "NRS_LOINC",
    "PGIC_CHOICES",
    "RETURN_TO_ACTIVITIES_CHOICES",
    "WOMAC_SUBSCALES",
    "DN4Answers",
    "InstrumentScore",
    "Item",
    "bpi_interference",
    "dn4_score",
    "koos",
    "mme_per_day",
    "nrs",
    "pgic",
    "return_to_activities",
    "total_mme_per_day",
    "womac",
]


@dataclass(frozen=True, slots=True)
class Item:
    """One questionnaire item with its French and English wording."""

    code: str
    text_fr: str
    text_en: str

    def text(self, lang: str = "fr") -> str:
        return self.text_en if lang == "en" else self.text_fr


@dataclass(frozen=True, slots=True)
class InstrumentScore:
    """Result of scoring a (possibly partial) questionnaire.

    ``total`` is ``None`` when the instrument's rules do not allow a score with the items
    answered; ``subscales`` likewise per subscale. ``missing`` lists unanswered items.
    """

    instrument: str
    total: float | None
    subscales: Mapping[str, float | None] = field(default_factory=dict)
    answered: int = 0
    missing: tuple[str, ...] = ()
    note: str = ""

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def valid(self) -> bool:
        return self.total is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "instrument": self.instrument,
            "total": self.total,
            "subscales": dict(self.subscales),
            "answered": self.answered,
            "missing": list(self.missing),
            "complete": self.complete,
            "valid": self.valid,
            "note": self.note,
        }


def _check_answers(
    instrument: str,
    answers: Mapping[str, Any],
    codes: Sequence[str],
    low: int,
    high: int,
) -> tuple[dict[str, int], tuple[str, ...]]:
    """Validate item codes and values; return (answered values, missing codes)."""
    unknown = sorted(set(answers) - set(codes))
    if unknown:
        raise ValueError(
            f"{instrument}: unknown item(s) {unknown}; valid items: {', '.join(codes)}"
        )
    values: dict[str, int] = {}
    for code in codes:
        value = answers.get(code)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(
                f"{instrument}: item {code!r} must be an integer {low}-{high}, got {value!r}"
            )
        values[code] = value
    missing = tuple(c for c in codes if c not in values)
    return values, missing


# --------------------------------------------------------------------------- DN4

DN4_NEUROPATHIC_THRESHOLD = 4
"""DN4 >= 4/10 suggests neuropathic pain (Bouhassira et al., Pain 2005;114:29)."""

DN4_INTERVIEW_THRESHOLD = 3
"""DN4-interview (7 symptom items) >= 3/7 (Bouhassira et al., Pain 2005;114:29)."""

DN4_SECTIONS_FR = (
    "Question 1 : la douleur présente-t-elle une ou plusieurs des caractéristiques suivantes ?",
    "Question 2 : la douleur est-elle associée dans la même région à un ou plusieurs des symptômes suivants ?",
    "Question 3 : la douleur est-elle localisée dans un territoire où l'examen met en évidence :",
    "Question 4 : la douleur est-elle provoquée ou augmentée par :",
)
DN4_SECTIONS_EN = (
    "Question 1: does the pain have one or more of the following characteristics?",
    "Question 2: is the pain associated with one or more of the following symptoms in the same area?",
    "Question 3: is the pain located in an area where the physical examination may reveal:",
    "Question 4: is the pain provoked or increased by:",
)

DN4_ITEMS: tuple[Item, ...] = (
    Item("burning", "Brûlure", "Burning"),
    Item("painful_cold", "Sensation de froid douloureux", "Painful cold"),
    Item("electric_shocks", "Décharges électriques", "Electric shocks"),
    Item("tingling", "Fourmillements", "Tingling"),
    Item("pins_and_needles", "Picotements", "Pins and needles"),
    Item("numbness", "Engourdissement", "Numbness"),
    Item("itching", "Démangeaisons", "Itching"),
    Item("hypoesthesia_touch", "Hypoesthésie au tact", "Hypoesthesia to touch"),
    Item("hypoesthesia_prick", "Hypoesthésie à la piqûre", "Hypoesthesia to pinprick"),
    Item("brushing", "Le frottement", "Brushing"),
)
"""The 10 DN4 items in the published order: items 1-7 interview, 8-10 examination."""

_DN4_CODES = tuple(i.code for i in DN4_ITEMS)


class DN4Answers(BaseModel):
    """A complete DN4 (Douleur Neuropathique 4 questions), one boolean per item (yes = 1).

    Bouhassira et al., Pain 2005;114:29-36: score 0-10; >= 4 suggests neuropathic pain
    (sensitivity 83 %, specificity 90 % in the validation study). Items 1-7 form the
    DN4-interview (>= 3/7). For partial answers use :func:`dn4_score`.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    burning: bool
    painful_cold: bool
    electric_shocks: bool
    tingling: bool
    pins_and_needles: bool
    numbness: bool
    itching: bool
    hypoesthesia_touch: bool
    hypoesthesia_prick: bool
    brushing: bool

    @property
    def score(self) -> int:
        """Number of "yes" answers, 0-10."""
        return sum(bool(getattr(self, c)) for c in _DN4_CODES)

    @property
    def interview_score(self) -> int:
        """DN4-interview: the 7 symptom items (no examination), 0-7."""
        return sum(bool(getattr(self, c)) for c in _DN4_CODES[:7])

    @property
    def suggests_neuropathic(self) -> bool:
        """Score >= 4/10 (Bouhassira 2005)."""
        return self.score >= DN4_NEUROPATHIC_THRESHOLD


def dn4_score(answers: Mapping[str, bool | None]) -> InstrumentScore:
    """Score a possibly partial DN4. The DN4 has no rule for missing items: the total is
    ``None`` unless all 10 are answered (a partial form is kept as a draft)."""
    unknown = sorted(set(answers) - set(_DN4_CODES))
    if unknown:
        raise ValueError(f"DN4: unknown item(s) {unknown}; valid items: {', '.join(_DN4_CODES)}")
    for code, value in answers.items():
        if value is not None and not isinstance(value, bool):
            raise ValueError(f"DN4: item {code!r} must be true/false, got {value!r}")
    missing = tuple(c for c in _DN4_CODES if answers.get(c) is None)
    answered = len(_DN4_CODES) - len(missing)
    if missing:
        return InstrumentScore(
            "DN4",
            None,
            answered=answered,
            missing=missing,
            note="DN4 has no missing-item rule: all 10 items are needed",
        )
    total = float(sum(bool(answers[c]) for c in _DN4_CODES))
    return InstrumentScore(
        "DN4",
        total,
        answered=answered,
        note="suggests neuropathic pain" if total >= DN4_NEUROPATHIC_THRESHOLD else "",
    )


# --------------------------------------------------------------------------- NRS

NRS_LOINC = "72514-3"
"""LOINC 72514-3, pain severity 0-10 numeric rating (clinical.md)."""


def nrs(value: int | None) -> InstrumentScore:
    """Numeric rating scale of pain intensity, an integer 0 (no pain) to 10 (worst)."""
    if value is None:
        return InstrumentScore("NRS", None, missing=("nrs",))
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise ValueError(f"NRS must be an integer 0-10, got {value!r}")
    return InstrumentScore("NRS", float(value), answered=1, note=f"LOINC {NRS_LOINC}")


# --------------------------------------------------------------------------- BPI

BPI_INTERFERENCE_ITEMS: tuple[Item, ...] = (
    Item("general_activity", "Activité générale", "General activity"),
    Item("mood", "Humeur", "Mood"),
    Item("walking_ability", "Capacité à marcher", "Walking ability"),
    Item(
        "normal_work",
        "Travail habituel (au dehors et à la maison)",
        "Normal work (outside the home and housework)",
    ),
    Item("relations", "Relations avec les autres", "Relations with other people"),
    Item("sleep", "Sommeil", "Sleep"),
    Item("enjoyment_of_life", "Goût de vivre", "Enjoyment of life"),
)
BPI_MIN_ANSWERED = 4
"""BPI User Guide (Cleeland): the interference mean is used when more than 50 %
(4 of 7) of the items are answered."""


def bpi_interference(
    answers: Mapping[str, int | None], *, min_answered: int = BPI_MIN_ANSWERED
) -> InstrumentScore:
    """BPI pain interference: mean of the 7 items (0-10), valid if >= 4 answered."""
    codes = tuple(i.code for i in BPI_INTERFERENCE_ITEMS)
    values, missing = _check_answers("BPI interference", answers, codes, 0, 10)
    if len(values) < min_answered:
        return InstrumentScore(
            "BPI interference",
            None,
            answered=len(values),
            missing=missing,
            note=f"fewer than {min_answered} of 7 items answered",
        )
    mean = sum(values.values()) / len(values)
    return InstrumentScore(
        "BPI interference", round(mean, 4), answered=len(values), missing=missing
    )


# --------------------------------------------------------------------------- PGIC

PGIC_CHOICES: tuple[tuple[int, str, str], ...] = (
    (1, "Très nettement amélioré", "Very much improved"),
    (2, "Nettement amélioré", "Much improved"),
    (3, "Légèrement amélioré", "Minimally improved"),
    (4, "Pas de changement", "No change"),
    (5, "Légèrement aggravé", "Minimally worse"),
    (6, "Nettement aggravé", "Much worse"),
    (7, "Très nettement aggravé", "Very much worse"),
)
"""PGIC 7-point scale (Guy 1976; IMMPACT, Dworkin et al., Pain 2005;113:9). French
labels are a working translation, not a validated version."""

PGIC_RESPONDER_MAX = 2
""""Much improved" or better (<= 2) is the usual responder anchor (Farrar et al., Pain 2001)."""


def pgic(value: int | None) -> InstrumentScore:
    """PGIC category 1 (very much improved) to 7 (very much worse)."""
    if value is None:
        return InstrumentScore("PGIC", None, missing=("pgic",))
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 7:
        raise ValueError(f"PGIC must be an integer 1-7, got {value!r}")
    label = PGIC_CHOICES[value - 1][2]
    note = label + (" (responder: much improved or better)" if value <= PGIC_RESPONDER_MAX else "")
    return InstrumentScore("PGIC", float(value), answered=1, note=note)


# --------------------------------------------------------------------------- WOMAC

WOMAC_SUBSCALES: Mapping[str, tuple[Item, ...]] = {
    "pain": (
        Item("pain_walking", "Marche sur terrain plat", "Walking on a flat surface"),
        Item("pain_stairs", "Montée ou descente des escaliers", "Going up or down stairs"),
        Item("pain_night", "La nuit, au lit", "At night while in bed"),
        Item("pain_sitting_lying", "Assis ou allongé", "Sitting or lying"),
        Item("pain_standing", "Debout", "Standing upright"),
    ),
    "stiffness": (
        Item("stiffness_morning", "Raideur au réveil", "Stiffness after first waking"),
        Item("stiffness_later", "Raideur plus tard dans la journée", "Stiffness later in the day"),
    ),
    "function": (
        Item("function_descending_stairs", "Descendre les escaliers", "Descending stairs"),
        Item("function_ascending_stairs", "Monter les escaliers", "Ascending stairs"),
        Item("function_rising_sitting", "Se relever d'une position assise", "Rising from sitting"),
        Item("function_standing", "Rester debout", "Standing"),
        Item("function_bending", "Se pencher vers le sol", "Bending to floor"),
        Item("function_walking_flat", "Marcher en terrain plat", "Walking on a flat surface"),
        Item("function_car", "Entrer ou sortir d'une voiture", "Getting in or out of a car"),
        Item("function_shopping", "Faire ses courses", "Going shopping"),
        Item("function_socks_on", "Enfiler ses chaussettes", "Putting on socks"),
        Item("function_rising_bed", "Se lever du lit", "Rising from bed"),
        Item("function_socks_off", "Enlever ses chaussettes", "Taking off socks"),
        Item("function_lying_bed", "Être couché dans le lit", "Lying in bed"),
        Item("function_bath", "Entrer ou sortir de la baignoire", "Getting in or out of the bath"),
        Item("function_sitting", "Rester assis", "Sitting"),
        Item(
            "function_toilet",
            "S'asseoir sur les toilettes ou s'en relever",
            "Getting on or off the toilet",
        ),
        Item("function_heavy_duties", "Tâches ménagères lourdes", "Heavy domestic duties"),
        Item("function_light_duties", "Tâches ménagères légères", "Light domestic duties"),
    ),
}
"""WOMAC 3.1 Likert items (descriptive labels, not the licensed wording), scored
0 (none) to 4 (extreme): pain 0-20, stiffness 0-8, function 0-68, total 0-96."""

WOMAC_MAX_MISSING: Mapping[str, int] = {"pain": 1, "stiffness": 1, "function": 3}
"""WOMAC 3.1 User Guide (Bellamy) missing-data rule as commonly reported: a subscale is
invalid with >= 2 pain, 2 stiffness or >= 4 function items missing; otherwise missing
items take the mean of the answered items of the subscale. A parameter: check it against
your licensed User Guide."""


def _subscale_sum(values: Sequence[int], n_items: int, max_missing: int) -> float | None:
    """Sum with missing items imputed by the mean of the answered ones."""
    if n_items - len(values) > max_missing or not values:
        return None
    return round(sum(values) / len(values) * n_items, 4)


def womac(
    answers: Mapping[str, int | None], *, max_missing: Mapping[str, int] = WOMAC_MAX_MISSING
) -> InstrumentScore:
    """WOMAC 3.1 Likert: subscale sums (missing items imputed per the User Guide) and the
    total (sum of the three subscales, ``None`` if any subscale is invalid). Higher is worse.
    ``subscales`` also holds ``total_normalised`` (0-100, 100 = worst)."""
    codes = tuple(i.code for items in WOMAC_SUBSCALES.values() for i in items)
    values, missing = _check_answers("WOMAC", answers, codes, 0, 4)
    subscales: dict[str, float | None] = {}
    for name, items in WOMAC_SUBSCALES.items():
        vals = [values[i.code] for i in items if i.code in values]
        subscales[name] = _subscale_sum(vals, len(items), max_missing[name])
    parts = [subscales[n] for n in WOMAC_SUBSCALES]
    total = (
        None if any(p is None for p in parts) else round(sum(p for p in parts if p is not None), 4)
    )
    subscales["total_normalised"] = None if total is None else round(total / 96 * 100, 4)
    return InstrumentScore("WOMAC", total, subscales, answered=len(values), missing=missing)


# --------------------------------------------------------------------------- KOOS

_ADL = WOMAC_SUBSCALES["function"]
KOOS_SUBSCALES: Mapping[str, tuple[Item, ...]] = {
    "symptoms": (
        Item("S1", "Gonflement du genou", "Swelling of the knee"),
        Item("S2", "Craquements, bruits dans le genou", "Grinding, clicking or noise"),
        Item("S3", "Accrochage ou blocage", "Catching or hanging up"),
        Item(
            "S4",
            "Pouvoir tendre complètement le genou (inversé)",
            "Straighten the knee fully (reversed)",
        ),
        Item(
            "S5", "Pouvoir plier complètement le genou (inversé)", "Bend the knee fully (reversed)"
        ),
        Item("S6", "Raideur au réveil", "Stiffness after first waking"),
        Item("S7", "Raideur plus tard dans la journée", "Stiffness later in the day"),
    ),
    "pain": (
        Item("P1", "Fréquence de la douleur", "How often knee pain"),
        Item("P2", "Torsion, pivot", "Twisting or pivoting"),
        Item("P3", "Tendre complètement le genou", "Straightening the knee fully"),
        Item("P4", "Plier complètement le genou", "Bending the knee fully"),
        Item("P5", "Marche sur terrain plat", "Walking on a flat surface"),
        Item("P6", "Montée ou descente des escaliers", "Going up or down stairs"),
        Item("P7", "La nuit, au lit", "At night while in bed"),
        Item("P8", "Assis ou allongé", "Sitting or lying"),
        Item("P9", "Debout", "Standing upright"),
    ),
    "adl": tuple(Item(f"A{n}", it.text_fr, it.text_en) for n, it in enumerate(_ADL, start=1)),
    "sport_rec": (
        Item("SP1", "S'accroupir", "Squatting"),
        Item("SP2", "Courir", "Running"),
        Item("SP3", "Sauter", "Jumping"),
        Item("SP4", "Pivoter sur le genou atteint", "Twisting or pivoting on the injured knee"),
        Item("SP5", "Se mettre à genoux", "Kneeling"),
    ),
    "qol": (
        Item("Q1", "Conscience du problème de genou", "How often aware of the knee problem"),
        Item("Q2", "Mode de vie modifié", "Modified lifestyle"),
        Item(
            "Q3", "Manque de confiance dans le genou", "Troubled by lack of confidence in the knee"
        ),
        Item("Q4", "Difficulté globale", "General difficulty with the knee"),
    ),
}
"""KOOS items (descriptive labels) coded 0 (no problems) to 4 (extreme problems); the
form maps the reversed wordings (S4, S5) so that 0 always means no problem."""

KOOS_MAX_MISSING = 2
"""KOOS User's Guide: one or two missing items in a subscale are replaced by the mean
of the subscale; more than two missing -> no subscale score."""


def koos(
    answers: Mapping[str, int | None], *, max_missing: int = KOOS_MAX_MISSING
) -> InstrumentScore:
    """KOOS: each subscale ``100 - mean(items) * 100 / 4`` (100 = no problems, 0 = extreme),
    ``None`` when more than ``max_missing`` items of the subscale are missing. KOOS has no
    aggregate total (User's Guide): ``total`` is the KOOS4 used in trials (mean of pain,
    symptoms, sport/rec and QOL), ``None`` if one of them is missing."""
    codes = tuple(i.code for items in KOOS_SUBSCALES.values() for i in items)
    values, missing = _check_answers("KOOS", answers, codes, 0, 4)
    subscales: dict[str, float | None] = {}
    for name, items in KOOS_SUBSCALES.items():
        vals = [values[i.code] for i in items if i.code in values]
        if not vals or len(items) - len(vals) > max_missing:
            subscales[name] = None
        else:
            subscales[name] = round(100 - (sum(vals) / len(vals)) * 100 / 4, 4)
    koos4_parts = [subscales[n] for n in ("pain", "symptoms", "sport_rec", "qol")]
    koos4 = (
        None
        if any(p is None for p in koos4_parts)
        else round(math.fsum(p for p in koos4_parts if p is not None) / 4, 4)
    )
    return InstrumentScore(
        "KOOS",
        koos4,
        subscales,
        answered=len(values),
        missing=missing,
        note="total = KOOS4 (mean of pain, symptoms, sport/rec, QOL)",
    )


# --------------------------------------------------------------------------- return to activities

ReturnToActivities = Literal["fully", "partially", "not_yet"]

RETURN_TO_ACTIVITIES_CHOICES: tuple[tuple[str, str, str], ...] = (
    ("fully", "Oui, complètement", "Yes, fully"),
    ("partially", "En partie", "Partly"),
    ("not_yet", "Pas encore", "Not yet"),
)
"""Clinic-defined item ("Avez-vous repris vos activités habituelles ?"): not a validated
instrument; the seed page names quick return to daily activities as an outcome to show."""


def return_to_activities(
    value: str | None, days_since_procedure: float | None = None
) -> InstrumentScore:
    """Score 2 (fully), 1 (partially), 0 (not yet); ``days_since_procedure`` is kept in the
    note so the time to return can be charted."""
    if value is None:
        return InstrumentScore("return_to_activities", None, missing=("return_to_activities",))
    scores = {"fully": 2.0, "partially": 1.0, "not_yet": 0.0}
    if value not in scores:
        raise ValueError(f"return to activities must be one of {', '.join(scores)}, got {value!r}")
    if days_since_procedure is not None and (
        not math.isfinite(days_since_procedure) or days_since_procedure < 0
    ):
        raise ValueError(f"days since procedure must be >= 0, got {days_since_procedure!r}")
    note = "" if days_since_procedure is None else f"day {days_since_procedure:g}"
    return InstrumentScore("return_to_activities", scores[value], answered=1, note=note)
