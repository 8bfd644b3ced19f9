"""Questionnaires of the evaluation and of the follow-up, with their scoring rules.

Every instrument accepts *partial* answers (a mapping item -> value, with missing items
absent or ``None``) and scores them according to its own rules for missing data; a
score that the instrument's rules do not allow is ``None`` and the result says why.

Instruments (sources in each docstring):

* DN4 (Bouhassira et al., Pain 2005;114:29-36), 10 yes/no items, >= 4/10 suggests
  neuropathic pain. :class:`DN4Answers` is the complete form used by an evaluation.
* NRS 0-10 pain intensity (LOINC 72514-3, clinical.md).
* BPI (Cleeland, The Brief Pain Inventory User Guide, 2009): pain severity = mean of
  the four severity items (worst, least, average, now; items 3-6), interference = mean
  of the 7 interference items, used when at least 4 of 7 are answered.
* PGIC, 7-point patient global impression of change (Guy, ECDEU Assessment Manual 1976;
  Farrar et al., Pain 2001;94:149 for "much improved" or better as a responder anchor).
* WOMAC 3.1 Likert (Bellamy): 24 items 0-4, pain 5 / stiffness 2 / function 17.
* KOOS (Roos & Lohmander, Health Qual Life Outcomes 2003;1:64; KOOS Scoring 2012,
  koos.nu): 42 items 0-4 in 5 subscales, each ``100 - mean x 100 / 4`` (100 = no
  problems), scored when at least half of the subscale's items are answered.
* Return to usual activities: a clinic-defined item (no validated instrument; the seed
  page lists a quick return to daily activities as an advantage to show).

WOMAC item labels here are short descriptive labels, not the licensed wording. KOOS items
carry their own answer options in the order and direction of the published form (the
English KOOS; the French labels are a working translation, not the validated French
version of Ornetti et al. 2008). The DN4 wording is the validated French original and its English version.
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
    "BPI_SEVERITY_ITEMS",
    "DN4_ITEMS",
    "DN4_NEUROPATHIC_THRESHOLD",
    "KOOS_MIN_ANSWERED_FRACTION",
    "KOOS_SUBSCALES",
    "NRS_LOINC",
    "PGIC_CHOICES",
    "RETURN_TO_ACTIVITIES_CHOICES",
    "WOMAC_SUBSCALES",
    "DN4Answers",
    "InstrumentScore",
    "Item",
    "bpi",
    "bpi_interference",
    "bpi_severity",
    "dn4_score",
    "koos",
    "koos_min_answered",
    "mme_per_day",
    "nrs",
    "pgic",
    "return_to_activities",
    "total_mme_per_day",
    "womac",
]


Choice = tuple[int, str, str]
"""An answer option: (score, French label, English label)."""


@dataclass(frozen=True, slots=True)
class Item:
    """One questionnaire item with its French and English wording and, where the item has
    its own, its answer options in the order the form shows them."""

    code: str
    text_fr: str
    text_en: str
    choices: tuple[Choice, ...] = ()

    def text(self, lang: str = "fr") -> str:
        return self.text_en if lang == "en" else self.text_fr

    def options(self, lang: str = "fr") -> list[tuple[int, str]]:
        """(score, label) in display order."""
        return [(v, en if lang == "en" else fr) for v, fr, en in self.choices]


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

BPI_SEVERITY_ITEMS: tuple[Item, ...] = (
    Item("worst", "Douleur la plus intense (24 h)", "Pain at its worst (last 24 hours)"),
    Item("least", "Douleur la plus faible (24 h)", "Pain at its least (last 24 hours)"),
    Item("average", "Douleur en moyenne", "Pain on average"),
    Item("now", "Douleur en ce moment", "Pain right now"),
)
"""BPI short form items 3-6, each 0 (no pain) to 10 (pain as bad as you can imagine)."""

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
"""BPI short form item 9 A-G, each 0 (does not interfere) to 10 (completely interferes)."""

BPI_MIN_ANSWERED = 4
"""BPI User Guide (Cleeland 2009): the interference mean "can be used if more than 50 %,
or four of seven, of the total items have been completed"."""

BPI_SEVERITY_MIN_ANSWERED = 4
"""The User Guide defines the severity composite as the mean of the four severity items
and recommends all four be used; it states no missing-item rule for them, so all four are
required here (an assumption, a parameter)."""

_BPI_SEVERITY_CODES = tuple(i.code for i in BPI_SEVERITY_ITEMS)
_BPI_INTERFERENCE_CODES = tuple(i.code for i in BPI_INTERFERENCE_ITEMS)


def bpi_interference(
    answers: Mapping[str, int | None], *, min_answered: int = BPI_MIN_ANSWERED
) -> InstrumentScore:
    """BPI pain interference: mean of the 7 items (0-10), valid if >= 4 answered."""
    values, missing = _check_answers("BPI interference", answers, _BPI_INTERFERENCE_CODES, 0, 10)
    if len(values) < min_answered:
        return InstrumentScore(
            "BPI interference",
            None,
            answered=len(values),
            missing=missing,
            note=f"fewer than {min_answered} of 7 interference items answered",
        )
    mean = sum(values.values()) / len(values)
    return InstrumentScore(
        "BPI interference", round(mean, 4), answered=len(values), missing=missing
    )


def bpi_severity(
    answers: Mapping[str, int | None], *, min_answered: int = BPI_SEVERITY_MIN_ANSWERED
) -> InstrumentScore:
    """BPI pain severity: mean of worst, least, average and now (0-10)."""
    values, missing = _check_answers("BPI severity", answers, _BPI_SEVERITY_CODES, 0, 10)
    if len(values) < min_answered:
        return InstrumentScore(
            "BPI severity",
            None,
            answered=len(values),
            missing=missing,
            note=f"fewer than {min_answered} of 4 severity items answered",
        )
    mean = math.fsum(values.values()) / len(values)
    return InstrumentScore("BPI severity", round(mean, 4), answered=len(values), missing=missing)


def bpi(answers: Mapping[str, int | None]) -> InstrumentScore:
    """The BPI short form's two scores: ``subscales`` ``severity`` and ``interference``;
    ``total`` is the interference score (the IMMPACT-recommended functional outcome),
    ``None`` — and the BPI not yet complete — unless both scores can be computed."""
    codes = _BPI_SEVERITY_CODES + _BPI_INTERFERENCE_CODES
    unknown = sorted(set(answers) - set(codes))
    if unknown:
        raise ValueError(f"BPI: unknown item(s) {unknown}; valid items: {', '.join(codes)}")
    severity = bpi_severity({k: v for k, v in answers.items() if k in _BPI_SEVERITY_CODES})
    interference = bpi_interference(
        {k: v for k, v in answers.items() if k in _BPI_INTERFERENCE_CODES}
    )
    notes = [s.note for s in (severity, interference) if s.note]
    return InstrumentScore(
        "BPI",
        interference.total if severity.valid else None,
        {"severity": severity.total, "interference": interference.total},
        answered=severity.answered + interference.answered,
        missing=severity.missing + interference.missing,
        note="; ".join(notes),
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

KOOS_FREQUENCY: tuple[Choice, ...] = (
    (0, "Jamais", "Never"),
    (1, "Rarement", "Rarely"),
    (2, "Parfois", "Sometimes"),
    (3, "Souvent", "Often"),
    (4, "Toujours", "Always"),
)
"""S1-S3 (swelling, grinding, catching): Never (0) ... Always (4)."""

KOOS_FULL_MOVEMENT: tuple[Choice, ...] = (
    (0, "Toujours", "Always"),
    (1, "Souvent", "Often"),
    (2, "Parfois", "Sometimes"),
    (3, "Rarement", "Rarely"),
    (4, "Jamais", "Never"),
)
"""S4-S5 ("Can you straighten / bend your knee fully?"): the form lists Always first;
Always = 0 (no problem), Never = 4 — the reverse of S1-S3, scored so that 0 is always
no problem (KOOS Scoring 2012: 0 = no problems, 4 = extreme problems)."""

KOOS_SEVERITY: tuple[Choice, ...] = (
    (0, "Aucune", "None"),
    (1, "Légère", "Mild"),
    (2, "Modérée", "Moderate"),
    (3, "Importante", "Severe"),
    (4, "Extrême", "Extreme"),
)
"""Stiffness, pain during activities, ADL and Sport/Rec difficulty, Q4."""

KOOS_PAIN_FREQUENCY: tuple[Choice, ...] = (
    (0, "Jamais", "Never"),
    (1, "Tous les mois", "Monthly"),
    (2, "Toutes les semaines", "Weekly"),
    (3, "Tous les jours", "Daily"),
    (4, "Tout le temps", "Always"),
)
"""P1 "How often do you experience knee pain?"."""

KOOS_AWARENESS: tuple[Choice, ...] = (
    (0, "Jamais", "Never"),
    (1, "Tous les mois", "Monthly"),
    (2, "Toutes les semaines", "Weekly"),
    (3, "Tous les jours", "Daily"),
    (4, "Constamment", "Constantly"),
)
"""Q1 "How often are you aware of your knee problem?"."""

KOOS_LIFESTYLE: tuple[Choice, ...] = (
    (0, "Pas du tout", "Not at all"),
    (1, "Un peu", "Mildly"),
    (2, "Modérément", "Moderately"),
    (3, "Beaucoup", "Severely"),
    (4, "Totalement", "Totally"),
)
"""Q2 "Have you modified your life style to avoid activities potentially damaging to
your knee?"."""

KOOS_CONFIDENCE: tuple[Choice, ...] = (
    (0, "Pas du tout", "Not at all"),
    (1, "Un peu", "Mildly"),
    (2, "Modérément", "Moderately"),
    (3, "Beaucoup", "Severely"),
    (4, "Extrêmement", "Extremely"),
)
"""Q3 "How much are you troubled with lack of confidence in your knee?"."""


def _sev(code: str, fr: str, en: str) -> Item:
    return Item(code, fr, en, KOOS_SEVERITY)


_ADL = WOMAC_SUBSCALES["function"]
KOOS_SUBSCALES: Mapping[str, tuple[Item, ...]] = {
    "symptoms": (
        Item(
            "S1",
            "Votre genou est-il gonflé ?",
            "Do you have swelling in your knee?",
            KOOS_FREQUENCY,
        ),
        Item(
            "S2",
            "Sentez-vous des craquements ou entendez-vous des bruits quand votre genou bouge ?",
            "Do you feel grinding, hear clicking or any other type of noise when your knee moves?",
            KOOS_FREQUENCY,
        ),
        Item(
            "S3",
            "Votre genou se bloque-t-il ou accroche-t-il quand il bouge ?",
            "Does your knee catch or hang up when moving?",
            KOOS_FREQUENCY,
        ),
        Item(
            "S4",
            "Pouvez-vous tendre complètement votre genou ?",
            "Can you straighten your knee fully?",
            KOOS_FULL_MOVEMENT,
        ),
        Item(
            "S5",
            "Pouvez-vous plier complètement votre genou ?",
            "Can you bend your knee fully?",
            KOOS_FULL_MOVEMENT,
        ),
        _sev("S6", "Raideur au réveil le matin", "Stiffness after first wakening in the morning"),
        _sev(
            "S7",
            "Raideur plus tard dans la journée, après une période de repos",
            "Stiffness after sitting, lying or resting later in the day",
        ),
    ),
    "pain": (
        Item(
            "P1",
            "À quelle fréquence avez-vous mal au genou ?",
            "How often do you experience knee pain?",
            KOOS_PAIN_FREQUENCY,
        ),
        _sev(
            "P2", "Douleur en tournant, en pivotant sur le genou", "Twisting/pivoting on your knee"
        ),
        _sev("P3", "Douleur en tendant complètement le genou", "Straightening knee fully"),
        _sev("P4", "Douleur en pliant complètement le genou", "Bending knee fully"),
        _sev("P5", "Marche sur terrain plat", "Walking on flat surface"),
        _sev("P6", "Montée ou descente des escaliers", "Going up or down stairs"),
        _sev("P7", "La nuit, au lit", "At night while in bed"),
        _sev("P8", "Assis ou allongé", "Sitting or lying"),
        _sev("P9", "Debout", "Standing upright"),
    ),
    "adl": tuple(_sev(f"A{n}", it.text_fr, it.text_en) for n, it in enumerate(_ADL, start=1)),
    "sport_rec": (
        _sev("SP1", "S'accroupir", "Squatting"),
        _sev("SP2", "Courir", "Running"),
        _sev("SP3", "Sauter", "Jumping"),
        _sev(
            "SP4", "Tourner, pivoter sur le genou atteint", "Twisting/pivoting on your injured knee"
        ),
        _sev("SP5", "Se mettre à genoux", "Kneeling"),
    ),
    "qol": (
        Item(
            "Q1",
            "À quelle fréquence pensez-vous à votre problème de genou ?",
            "How often are you aware of your knee problem?",
            KOOS_AWARENESS,
        ),
        Item(
            "Q2",
            "Avez-vous modifié votre mode de vie pour éviter les activités qui pourraient abîmer votre genou ?",
            "Have you modified your life style to avoid potentially damaging activities to your knee?",
            KOOS_LIFESTYLE,
        ),
        Item(
            "Q3",
            "Le manque de confiance dans votre genou vous gêne-t-il ?",
            "How much are you troubled with lack of confidence in your knee?",
            KOOS_CONFIDENCE,
        ),
        _sev(
            "Q4",
            "D'une manière générale, quelle difficulté avez-vous avec votre genou ?",
            "In general, how much difficulty do you have with your knee?",
        ),
    ),
}
"""KOOS items, each scored 0 (no problems) to 4 (extreme problems) with its own answer
labels; S4/S5 list Always first and Always scores 0."""

KOOS_MIN_ANSWERED_FRACTION = 0.5
"""KOOS Scoring 2012 (koos.nu): "As long as at least 50 % of the subscale items are
answered ... a mean score can be calculated": Pain 5 of 9, Symptoms 4 of 7, ADL 9 of 17,
Sport/Rec 3 of 5, QOL 2 of 4 (the 1998 rule allowed two missing items)."""


def koos_min_answered(n_items: int, fraction: float = KOOS_MIN_ANSWERED_FRACTION) -> int:
    """Items needed for a subscale score: ``ceil(n x fraction)`` (5/9, 4/7, 9/17, 3/5, 2/4)."""
    return max(1, math.ceil(n_items * fraction - 1e-9))


def koos(
    answers: Mapping[str, int | None], *, min_fraction: float = KOOS_MIN_ANSWERED_FRACTION
) -> InstrumentScore:
    """KOOS: each subscale ``100 - mean(items) * 100 / 4`` (100 = no problems, 0 = extreme),
    ``None`` when fewer than half its items are answered. KOOS has no aggregate total
    (User's Guide): ``total`` is the KOOS4 used in trials (mean of pain, symptoms, sport/rec
    and QOL), ``None`` if one of them is missing."""
    codes = tuple(i.code for items in KOOS_SUBSCALES.values() for i in items)
    values, missing = _check_answers("KOOS", answers, codes, 0, 4)
    subscales: dict[str, float | None] = {}
    short: list[str] = []
    for name, items in KOOS_SUBSCALES.items():
        vals = [values[i.code] for i in items if i.code in values]
        needed = koos_min_answered(len(items), min_fraction)
        if len(vals) < needed:
            subscales[name] = None
            short.append(f"{name} {len(vals)}/{len(items)} (needs {needed})")
        else:
            subscales[name] = round(100 - (math.fsum(vals) / len(vals)) * 100 / 4, 4)
    koos4_parts = [subscales[n] for n in ("pain", "symptoms", "sport_rec", "qol")]
    koos4 = (
        None
        if any(p is None for p in koos4_parts)
        else round(math.fsum(p for p in koos4_parts if p is not None) / 4, 4)
    )
    note = "total = KOOS4 (mean of pain, symptoms, sport/rec, QOL)"
    if short:
        note += "; fewer than half the items answered: " + ", ".join(short)
    return InstrumentScore(
        "KOOS", koos4, subscales, answered=len(values), missing=missing, note=note
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
