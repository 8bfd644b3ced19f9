"""Eligibility for cryoneurolysis: a case, a declarative rule table, a decision.

``assess(case) -> Decision``: any rule of severity ``contraindication`` that fires makes
the case *not eligible*; otherwise any ``needs_review`` rule makes it *needs specialist
review*; otherwise it is *eligible*. ``supports`` rules never change the outcome: they
document why the indication holds. Every rule carries its source; every number lives in
:class:`Thresholds` with its source.

Reasoned choices (documented here, visible in the rule messages):

* Pain for less than ``chronic_months`` (3 months, IASP/ICD-11 definition of chronic
  pain) is *needs review*, not *not eligible*: the seed page treats chronic pain, but the
  literature also uses cryoneurolysis for subacute post-surgical pain (e.g. Ilfeld 2022,
  mastectomy), so a specialist decides rather than the software refusing.
* Coagulation findings (INR, platelets, any anticoagulant or antiplatelet) are *needs
  review*: clinical.md found no cryoneurolysis-specific threshold; the ASRA pain-procedure
  guidance (Narouze et al.) asks for a patient- and procedure-specific assessment. The
  thresholds are configurable defaults, not published cryoneurolysis cut-offs.
* Skin that is not intact at the target (wound, dermatitis) is *needs review*: only
  local infection is a contraindication in the sources; puncturing broken skin deserves
  a physician's look (clinic default, not from the literature).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from cryoneuro.clinical import bleeding
from cryoneuro.clinical.indications import INDICATIONS, SEED_SOURCE, indication
from cryoneuro.clinical.nerves import NERVES
from cryoneuro.clinical.questionnaires import DN4_NEUROPATHIC_THRESHOLD, DN4Answers
from cryoneuro.clinical.safety import (
    BLEEDING_DISORDER_LABELS,
    BLOCK_USUAL_FOR,
    DEFAULT_SAFETY_THRESHOLDS,
    SAFETY_MESSAGES_FR,
    SafetyFacts,
)

__all__ = [
    "DEFAULT_THRESHOLDS",
    "RULES",
    "RULESET_VERSION",
    "THRESHOLD_SOURCES",
    "Case",
    "ColdCondition",
    "Decision",
    "Outcome",
    "Rule",
    "RuleHit",
    "Severity",
    "Thresholds",
    "TreatmentTried",
    "assess",
    "case_errors",
    "case_json_schema",
]

RULESET_VERSION = "2026.12.7"
"""Version of the rule table; bump on any change to a rule, a message or a default."""

Severity = Literal["contraindication", "needs_review", "supports"]
Outcome = Literal["eligible", "not_eligible", "needs_review"]
ColdCondition = Literal[
    "raynaud",
    "cryoglobulinaemia",
    "cold_urticaria",
    "cold_agglutinin_disease",
    "paroxysmal_cold_haemoglobinuria",
    "buerger_disease",
    "sickle_cell_disease",
    "previous_cold_injury_at_site",
]

# ------------------------------------------------------------------ sources

SRC_SEED_CI = SEED_SOURCE.replace(
    "'À qui s'adresse ce traitement ?'", "'Effets secondaires et contre-indications'"
)
SRC_DEVICE_LABEL = "cryotherapy device labelling, as cited by secondary sources (clinical.md, contraindications table)"
SRC_COLD_THERAPY_LABEL = (
    "cold-therapy device labelling: DJO DonJoy IceMan Clear3 instructions for use, 'When not to "
    "use': Raynaud's phenomenon or other vasospastic conditions, Buerger's disease, cold allergy, "
    "cryoglobulinemia, paroxysmal cold hemoglobinuria or other cold agglutinin disorders, sickle "
    "cell anemia, history of cold injury (docs/clinical/safety-facts.md)"
)
SRC_ASRA = (
    "ASRA/ESRA/AAPM/INS/NANS/WIP guidelines for interventional spine and pain procedures in patients "
    "on antiplatelet and anticoagulant medications (Narouze et al., Reg Anesth Pain Med "
    "2015;40:182-212; 2nd ed. 2018;43:225-262): bleeding risk assessed per patient and procedure; "
    "no cryoneurolysis-specific INR or platelet threshold exists (clinical.md) - the threshold used "
    "is a CONFIGURABLE DEFAULT"
)
SRC_NYGAARD = (
    "Nygaard et al., Anesthesiology 2025;142:1114 (trial exclusion criterion; clinical.md)"
)
SRC_MOTOR = "Gabriel & Ilfeld (prolonged motor block possible); seed page (temporary muscle weakness when a motor nerve is affected)"
SRC_CHRONIC = (
    "IASP classification of chronic pain for ICD-11 (Treede et al., Pain 2019;160:19): chronic = "
    "persisting or recurring > 3 months; seed page ('douleurs chroniques'); issue 2 (chronic = more "
    "than 3 months)"
)
SRC_CONSERVATIVE = (
    SEED_SOURCE
    + ": 'lorsque les médicaments, infiltrations ou thérapies physiques n'ont pas permis d'obtenir un soulagement satisfaisant'"
)
SRC_SURGERY = (
    SEED_SOURCE
    + ": arthrosis 'chez des patients qui ne souhaitent pas ou ne peuvent pas bénéficier d'un traitement chirurgical'"
)
SRC_DN4 = "Bouhassira et al., Pain 2005;114:29 (DN4 >= 4/10 suggests neuropathic pain)"
SRC_NRS = (
    "NRS >= 4 (moderate pain or worse) as a CONFIGURABLE DEFAULT; a common trial inclusion level, "
    "not verified against a specific cryoneurolysis trial here"
)
SRC_CLINIC = "clinic default (not from the literature): a physician checks the puncture site"


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Numbers used by the rules; every default is a configurable parameter.

    * ``inr_max`` / ``platelets_min_g_per_l``: ``None`` (default) uses the limit of the
      target's bleeding tier (:class:`cryoneuro.clinical.bleeding.LabThresholds`, issue
      10: one cut-off for every nerve was wrong, and the 1.5 came from the neuraxial
      guideline); a number overrides it for every tier.
    * ``chronic_months`` 3: IASP/ICD-11 chronic pain definition (Treede 2019); issue 2.
    * ``nrs_min`` 4: pain intensity that supports treating; configurable default (below
      it -> needs review, the pain may not justify a procedure).
    * ``dn4_min`` 4: Bouhassira 2005.
    """

    inr_max: float | None = None
    platelets_min_g_per_l: float | None = None
    chronic_months: float = 3.0
    nrs_min: int = 4
    dn4_min: int = DN4_NEUROPATHIC_THRESHOLD

    def __post_init__(self) -> None:
        if self.inr_max is not None and not 0.5 < self.inr_max <= 10:
            raise ValueError(f"inr_max must be in (0.5, 10], got {self.inr_max!r}")
        if self.platelets_min_g_per_l is not None and not 0 <= self.platelets_min_g_per_l <= 2000:
            raise ValueError(
                f"platelets_min_g_per_l must be in [0, 2000], got {self.platelets_min_g_per_l!r}"
            )
        if not 0 <= self.chronic_months <= 1200:
            raise ValueError(f"chronic_months must be in [0, 1200], got {self.chronic_months!r}")
        if not 0 <= self.nrs_min <= 10:
            raise ValueError(f"nrs_min must be in [0, 10], got {self.nrs_min!r}")
        if not 0 <= self.dn4_min <= 10:
            raise ValueError(f"dn4_min must be in [0, 10], got {self.dn4_min!r}")


DEFAULT_THRESHOLDS = Thresholds()

THRESHOLD_SOURCES: Mapping[str, str] = {
    "inr_max": "per bleeding tier, CONFIGURABLE DEFAULTS (clinical/bleeding.py); " + SRC_ASRA,
    "platelets_min_g_per_l": "per bleeding tier, CONFIGURABLE DEFAULTS (not verified); " + SRC_ASRA,
    "chronic_months": SRC_CHRONIC,
    "nrs_min": SRC_NRS,
    "dn4_min": SRC_DN4,
}
"""Where each default of :class:`Thresholds` comes from (for display next to the value)."""

# ------------------------------------------------------------------ the case


class TreatmentTried(BaseModel):
    """A conservative treatment already tried, with its result."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal[
        "medication", "opioid", "infiltration", "physiotherapy", "tens", "psychotherapy", "other"
    ]
    name: str = Field(min_length=1, max_length=200)
    dose: str = Field(default="", max_length=200)
    result: Literal["no_relief", "partial_relief", "good_relief", "not_tolerated"]


class Case(SafetyFacts):
    """The facts of an evaluation that the rules need (the Django form maps onto it).

    The safety facts (bleeding disorder, allergies, infection, age, consent, previous
    sessions, diagnostic block, CRPS target) come from :class:`SafetyFacts`
    (:mod:`cryoneuro.clinical.safety`). Every field but the last two (and the two optional
    ones of SafetyFacts) must be present, so that a form cannot silently skip a
    safety question; ``null`` is allowed where the type says so and means "not known"
    (a missing DN4 in a neuralgia, an unknown surgery status in arthrosis: needs review).
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    indication: str = Field(description="indication code from the catalog")
    pain_location: str = Field(min_length=1, max_length=500)
    side: Literal["left", "right", "bilateral", "midline"]
    pain_duration_months: float = Field(ge=0, le=1200, allow_inf_nan=False)
    nrs: int = Field(ge=0, le=10, description="pain intensity NRS 0-10 (LOINC 72514-3)")
    dn4: DN4Answers | None = Field(description="DN4 answers, or null when not done")
    surgery_declined_or_impossible: bool | None = Field(
        description="arthrosis: surgery declined or not possible; null when unknown"
    )
    conservative_treatments: list[TreatmentTried]
    anticoagulants: list[str]
    antiplatelets: list[str]
    inr: float | None = Field(
        gt=0.5,
        le=10,
        allow_inf_nan=False,
        description="physically plausible INR: 0.5 < INR <= 10",
    )
    platelets_g_per_l: float | None = Field(
        ge=0,
        le=2000,
        allow_inf_nan=False,
        description="platelet count in G/L (10^9/L)",
    )
    skin_state: Literal["intact", "local_infection", "wound", "dermatitis", "scar"]
    cold_conditions: list[ColdCondition]
    pregnancy: bool
    systemic_inflammatory_disease: bool
    steroid_injection_at_site_last_3_months: bool
    target_is_mixed_motor_nerve: bool | None = None
    other_cautions: str = Field(default="", max_length=2000)
    # ---- bleeding risk per target (issue 10 part 2): defaults keep older payloads valid;
    # no target -> the highest tier of the indication's candidate nerves is assumed.
    target_nerves: list[str] = Field(
        default_factory=list, description="catalog codes of the nerves to treat"
    )
    creatinine_clearance_ml_min: float | None = Field(
        default=None, ge=0, le=300, allow_inf_nan=False, description="Cockcroft-Gault, mL/min"
    )
    aspirin_prevention: Literal["primary", "secondary"] | None = None
    lmwh_dose: Literal["prophylactic", "therapeutic"] | None = None

    @field_validator("target_nerves")
    @classmethod
    def _known_nerves(cls, value: list[str]) -> list[str]:
        codes = [v.strip() for v in value if v.strip()]
        unknown = [c for c in codes if c not in NERVES]
        if unknown:
            raise ValueError(
                f"unknown nerve(s) {', '.join(unknown)}; valid codes: {', '.join(NERVES)}"
            )
        return codes

    @field_validator("nrs", "pain_duration_months", "inr", "platelets_g_per_l", mode="before")
    @classmethod
    def _no_booleans(cls, value: object) -> object:
        if isinstance(value, bool):
            raise ValueError("a number is expected, not true/false")
        return value

    @field_validator("indication")
    @classmethod
    def _known_indication(cls, value: str) -> str:
        indication(value)  # raises ValueError naming the value and the valid codes
        return value

    @field_validator("anticoagulants", "antiplatelets")
    @classmethod
    def _clean_drug_list(cls, value: list[str]) -> list[str]:
        return [v.strip() for v in value if v.strip()]


def case_json_schema() -> dict[str, Any]:
    """JSON Schema of :class:`Case` (indication restricted to the catalog codes)."""
    schema = Case.model_json_schema()
    schema["properties"]["indication"]["enum"] = list(INDICATIONS)
    schema["$comment"] = f"cryoneuro eligibility case, ruleset {RULESET_VERSION}"
    return schema


_ERRORS_FR: Mapping[str, str] = {
    "missing": "champ obligatoire",
    "extra_forbidden": "champ inconnu",
    "less_than_equal": "doit être inférieur ou égal à {le}",
    "less_than": "doit être inférieur à {lt}",
    "greater_than_equal": "doit être supérieur ou égal à {ge}",
    "greater_than": "doit être supérieur à {gt}",
    "literal_error": "valeur attendue : {expected}",
    "string_too_short": "ne peut pas être vide",
    "string_too_long": "texte trop long (maximum {max_length} caractères)",
    "int_parsing": "nombre entier attendu",
    "int_from_float": "nombre entier attendu",
    "int_type": "nombre entier attendu",
    "float_parsing": "nombre attendu",
    "float_type": "nombre attendu",
    "finite_number": "nombre fini attendu",
    "bool_parsing": "oui/non attendu",
    "bool_type": "oui/non attendu",
    "list_type": "liste attendue",
    "model_type": "objet attendu",
    "model_attributes_type": "objet attendu",
    "dict_type": "objet attendu",
}


def case_errors(exc: ValidationError, lang: str = "fr") -> dict[str, str]:
    """Field-level messages for a failed :class:`Case` validation, in French or English:
    ``{"nrs": "doit être inférieur ou égal à 10 (valeur : 14)", ...}`` keyed by the dotted
    field path (for a form or a 422 answer)."""
    out: dict[str, str] = {}
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ())) or "__all__"
        kind = str(err.get("type", ""))
        ctx = {k: v for k, v in (err.get("ctx") or {}).items() if k != "error"}
        if lang == "en":
            msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
        elif kind == "value_error" and loc == "indication":
            msg = "indication inconnue ; codes valides : " + ", ".join(INDICATIONS)
        elif kind == "value_error":
            raw = str(err.get("msg", "")).removeprefix("Value error, ")
            msg = SAFETY_MESSAGES_FR.get(raw, "valeur invalide : " + raw)
        else:
            if "expected" in ctx:
                ctx["expected"] = str(ctx["expected"]).replace(" or ", " ou ")
            msg = _ERRORS_FR.get(kind, "valeur invalide").format(**ctx)
        if kind not in ("missing", "extra_forbidden") and not isinstance(
            err.get("input"), dict | list
        ):
            shown = repr(err.get("input"))
            msg += f" (got {shown})" if lang == "en" else f" (valeur : {shown})"
        out.setdefault(loc, msg)
    return out


# ------------------------------------------------------------------ rules

Predicate = Callable[[Case, Thresholds], bool]
Details = Callable[[Case, Thresholds], Mapping[str, object]]


def _no_details(case: Case, t: Thresholds) -> Mapping[str, object]:
    return {}


@dataclass(frozen=True, slots=True)
class Rule:
    """One eligibility rule. Messages may hold ``{placeholders}`` filled by ``details``."""

    code: str
    severity: Severity
    message_fr: str
    message_en: str
    source: str
    predicate: Predicate
    details: Details = _no_details


@dataclass(frozen=True, slots=True)
class RuleHit:
    """A rule that fired, with its messages filled in."""

    code: str
    severity: Severity
    message_fr: str
    message_en: str
    source: str

    def message(self, lang: str = "fr") -> str:
        return self.message_en if lang == "en" else self.message_fr


def _is_arthrosis(case: Case) -> bool:
    return indication(case.indication).is_arthrosis


def _is_neuralgia(case: Case) -> bool:
    return indication(case.indication).is_neuralgia


def _failed(case: Case) -> list[TreatmentTried]:
    return [t for t in case.conservative_treatments if t.result != "good_relief"]


_COLD_LABELS: tuple[tuple[ColdCondition, str, str, str], ...] = (
    (
        "raynaud",
        "maladie ou syndrome de Raynaud",
        "Raynaud's disease or phenomenon",
        SRC_SEED_CI + "; " + SRC_DEVICE_LABEL,
    ),
    ("cryoglobulinaemia", "cryoglobulinémie", "cryoglobulinaemia", SRC_DEVICE_LABEL),
    (
        "cold_urticaria",
        "urticaire au froid",
        "cold urticaria",
        SRC_SEED_CI + " (maladies liées au froid); " + SRC_DEVICE_LABEL,
    ),
    (
        "cold_agglutinin_disease",
        "maladie des agglutinines froides",
        "cold agglutinin disease",
        SRC_DEVICE_LABEL,
    ),
    (
        "paroxysmal_cold_haemoglobinuria",
        "hémoglobinurie paroxystique a frigore",
        "paroxysmal cold haemoglobinuria",
        SRC_DEVICE_LABEL,
    ),
    # Completed from cold-therapy labelling (issue 10; docs/clinical/safety-facts.md).
    ("buerger_disease", "maladie de Buerger", "Buerger's disease", SRC_COLD_THERAPY_LABEL),
    (
        "sickle_cell_disease",
        "drépanocytose",
        "sickle-cell disease",
        SRC_COLD_THERAPY_LABEL,
    ),
    (
        "previous_cold_injury_at_site",
        "antécédent de lésion due au froid au site",
        "previous cold injury at the site",
        SRC_COLD_THERAPY_LABEL,
    ),
)


def _cold_rule(condition: ColdCondition, fr: str, en: str, source: str) -> Rule:
    return Rule(
        code=f"CI_{condition.upper()}",
        severity="contraindication",
        message_fr=f"Contre-indication absolue : {fr} (maladie liée au froid).",
        message_en=f"Absolute contraindication: {en} (cold-related disease).",
        source=source,
        predicate=lambda case, t: condition in case.cold_conditions,
    )


SRC_BLEEDING_LABS = (
    "per-tier CONFIGURABLE DEFAULTS (clinical/bleeding.py LabThresholds): normal INR before "
    "intermediate/high-tier procedures when a VKA is stopped (Narouze et al. 2018, verified in a "
    "summary table), 'normal' = 1.4 and the platelet limits are assumptions; " + SRC_ASRA
)
SRC_BLEEDING_DRUGS = (
    "per-drug, per-tier actions (clinical/bleeding.py DRUG_RULES, each with its own source and "
    "verified flag): Narouze et al., Reg Anesth Pain Med 2018;43:225-262; target tier from the "
    "catalog (ESAIC/ESRA 2022 compressibility)"
)


def _tier(case: Case) -> bleeding.TargetTier:
    return bleeding.target_tier(
        case.target_nerves,
        case.indication,
        antithrombotic_count=len(case.anticoagulants) + len(case.antiplatelets),
        creatinine_clearance_ml_min=case.creatinine_clearance_ml_min,
    )


def _tier_words(case: Case) -> dict[str, str]:
    tier = _tier(case)
    return {"tier": tier.describe("fr"), "tier_en": tier.describe("en")}


def _inr_max(case: Case, t: Thresholds) -> float:
    if t.inr_max is not None:
        return t.inr_max
    return bleeding.DEFAULT_LAB_THRESHOLDS.inr_max[_tier(case).tier]


def _platelets_min(case: Case, t: Thresholds) -> float:
    if t.platelets_min_g_per_l is not None:
        return t.platelets_min_g_per_l
    return bleeding.DEFAULT_LAB_THRESHOLDS.platelets_min_g_per_l[_tier(case).tier]


def _drug_details(case: Case, names: list[str]) -> dict[str, str]:
    tier = _tier(case)
    plans = [
        bleeding.plan_for_drug(
            name,
            tier.tier,
            creatinine_clearance_ml_min=case.creatinine_clearance_ml_min,
            aspirin_prevention=case.aspirin_prevention,
            lmwh_dose=case.lmwh_dose,
        )
        for name in names
    ]
    return {
        **_tier_words(case),
        "actions": " ; ".join(p.message_fr for p in plans),
        "actions_en": "; ".join(p.message_en for p in plans),
    }


RULES: tuple[Rule, ...] = (
    # ---- contraindications
    *(_cold_rule(*row) for row in _COLD_LABELS),
    Rule(
        "CI_LOCAL_INFECTION",
        "contraindication",
        "Contre-indication : infection locale au site de ponction.",
        "Contraindication: local infection at the puncture site.",
        SRC_SEED_CI,
        lambda case, t: case.skin_state == "local_infection",
    ),
    # ---- needs review: coagulation, per bleeding tier of the target (clinical/bleeding.py)
    Rule(
        "NR_INR_HIGH",
        "needs_review",
        "INR {inr} supérieur à {inr_max} pour un {tier} : avis spécialisé sur le risque hémorragique.",
        "INR {inr} above {inr_max} for a {tier_en}: specialist review of the bleeding risk.",
        SRC_BLEEDING_LABS,
        lambda case, t: case.inr is not None and case.inr > _inr_max(case, t),
        lambda case, t: {"inr": case.inr, "inr_max": _inr_max(case, t), **_tier_words(case)},
    ),
    Rule(
        "NR_PLATELETS_LOW",
        "needs_review",
        "Plaquettes {platelets} G/L sous {platelets_min} G/L pour un {tier} : avis spécialisé sur le risque hémorragique.",
        "Platelets {platelets} G/L below {platelets_min} G/L for a {tier_en}: specialist review of the bleeding risk.",
        SRC_BLEEDING_LABS,
        lambda case, t: (
            case.platelets_g_per_l is not None and case.platelets_g_per_l < _platelets_min(case, t)
        ),
        lambda case, t: {
            "platelets": case.platelets_g_per_l,
            "platelets_min": _platelets_min(case, t),
            **_tier_words(case),
        },
    ),
    Rule(
        "NR_ANTICOAGULANT",
        "needs_review",
        "Anticoagulant, {tier} : {actions}.",
        "Anticoagulant, {tier_en}: {actions_en}.",
        SRC_BLEEDING_DRUGS,
        lambda case, t: bool(case.anticoagulants),
        lambda case, t: _drug_details(case, case.anticoagulants),
    ),
    Rule(
        "NR_ANTIPLATELET",
        "needs_review",
        "Antiagrégant plaquettaire, {tier} : {actions}.",
        "Antiplatelet, {tier_en}: {actions_en}.",
        SRC_BLEEDING_DRUGS,
        lambda case, t: bool(case.antiplatelets),
        lambda case, t: _drug_details(case, case.antiplatelets),
    ),
    # ---- needs review: trial exclusions and cautions
    Rule(
        "NR_PREGNANCY",
        "needs_review",
        "Grossesse : critère d'exclusion des essais, avis spécialisé.",
        "Pregnancy: a trial exclusion criterion, specialist review.",
        SRC_NYGAARD,
        lambda case, t: case.pregnancy,
    ),
    Rule(
        "NR_SYSTEMIC_INFLAMMATORY_DISEASE",
        "needs_review",
        "Maladie inflammatoire systémique : critère d'exclusion des essais, avis spécialisé.",
        "Systemic inflammatory disease: a trial exclusion criterion, specialist review.",
        SRC_NYGAARD,
        lambda case, t: case.systemic_inflammatory_disease,
    ),
    Rule(
        "NR_RECENT_STEROID_INJECTION",
        "needs_review",
        "Infiltration de corticoïdes au site dans les 3 derniers mois : avis spécialisé.",
        "Corticosteroid injection at the site in the past 3 months: specialist review.",
        SRC_NYGAARD,
        lambda case, t: case.steroid_injection_at_site_last_3_months,
    ),
    Rule(
        "NR_MIXED_MOTOR_NERVE",
        "needs_review",
        "Nerf cible mixte (fibres motrices) : risque de déficit moteur prolongé, à discuter avec le patient.",
        "Target is a mixed nerve (motor fibres): prolonged motor block possible, discuss with the patient.",
        SRC_MOTOR,
        lambda case, t: case.target_is_mixed_motor_nerve is True,
    ),
    Rule(
        "NR_SKIN_NOT_INTACT",
        "needs_review",
        "Peau non intacte au site ({skin}) : examen du site de ponction.",
        "Skin not intact at the site ({skin}): check the puncture site.",
        SRC_CLINIC,
        lambda case, t: case.skin_state in ("wound", "dermatitis"),
        lambda case, t: {"skin": case.skin_state},
    ),
    Rule(
        "NR_OTHER_CAUTIONS",
        "needs_review",
        "Autres précautions signalées : {text}",
        "Other cautions recorded: {text}",
        "evaluation form (free text): every recorded caution is read by a physician",
        lambda case, t: bool(case.other_cautions.strip()),
        lambda case, t: {"text": case.other_cautions.strip()},
    ),
    # ---- needs review: indication not (yet) established or information missing
    Rule(
        "NR_NOT_CHRONIC",
        "needs_review",
        "Douleur depuis {months} mois (< {chronic} mois) : pas encore chronique, avis spécialisé.",
        "Pain for {months} months (< {chronic} months): not yet chronic, specialist review.",
        SRC_CHRONIC
        + "; choice: needs review rather than not eligible (subacute post-surgical use exists, Ilfeld 2022)",
        lambda case, t: case.pain_duration_months < t.chronic_months,
        lambda case, t: {
            "months": f"{case.pain_duration_months:g}",
            "chronic": f"{t.chronic_months:g}",
        },
    ),
    Rule(
        "NR_NO_CONSERVATIVE_TREATMENT",
        "needs_review",
        "Information manquante : aucun traitement conservateur essayé n'est renseigné (médicaments, infiltrations, kinésithérapie…).",
        "Missing information: no conservative treatment tried is recorded (medication, infiltrations, physiotherapy…).",
        SRC_CONSERVATIVE,
        lambda case, t: not case.conservative_treatments,
    ),
    Rule(
        "NR_CONSERVATIVE_EFFECTIVE",
        "needs_review",
        "Les traitements conservateurs essayés soulagent bien : l'indication est à discuter.",
        "The conservative treatments tried give good relief: discuss the indication.",
        SRC_CONSERVATIVE,
        lambda case, t: bool(case.conservative_treatments) and not _failed(case),
    ),
    Rule(
        "NR_SURGERY_STATUS_MISSING",
        "needs_review",
        "Information manquante : arthrose, préciser si la chirurgie est refusée ou impossible.",
        "Missing information: arthrosis, state whether surgery is declined or not possible.",
        SRC_SURGERY,
        lambda case, t: _is_arthrosis(case) and case.surgery_declined_or_impossible is None,
    ),
    Rule(
        "NR_SURGERY_POSSIBLE",
        "needs_review",
        "Arthrose chez un patient pouvant et souhaitant être opéré : discuter la chirurgie.",
        "Arthrosis in a patient who can and wishes to have surgery: discuss surgery.",
        SRC_SURGERY,
        lambda case, t: _is_arthrosis(case) and case.surgery_declined_or_impossible is False,
    ),
    Rule(
        "NR_DN4_MISSING",
        "needs_review",
        "Information manquante : névralgie sans questionnaire DN4.",
        "Missing information: neuralgia without a DN4 questionnaire.",
        SRC_DN4,
        lambda case, t: _is_neuralgia(case) and case.dn4 is None,
    ),
    Rule(
        "NR_DN4_LOW",
        "needs_review",
        "Névralgie avec DN4 {score}/10 (< {dn4_min}) : caractère neuropathique non confirmé.",
        "Neuralgia with DN4 {score}/10 (< {dn4_min}): neuropathic character not confirmed.",
        SRC_DN4,
        lambda case, t: _is_neuralgia(case) and case.dn4 is not None and case.dn4.score < t.dn4_min,
        lambda case, t: {"score": case.dn4.score if case.dn4 else "", "dn4_min": t.dn4_min},
    ),
    Rule(
        "NR_NRS_LOW",
        "needs_review",
        "Intensité douloureuse EN {nrs}/10 sous le seuil {nrs_min} : l'indication est à discuter.",
        "Pain intensity NRS {nrs}/10 below the threshold {nrs_min}: discuss the indication.",
        SRC_NRS,
        lambda case, t: case.nrs < t.nrs_min,
        lambda case, t: {"nrs": case.nrs, "nrs_min": t.nrs_min},
    ),
    # ---- supports
    Rule(
        "SUP_INDICATION_IN_CATALOG",
        "supports",
        "Indication reconnue : {label}.",
        "Recognised indication: {label_en}.",
        SEED_SOURCE,
        lambda case, t: case.indication in INDICATIONS,
        lambda case, t: {
            "label": indication(case.indication).label_fr,
            "label_en": indication(case.indication).label_en,
        },
    ),
    Rule(
        "SUP_CHRONIC_PAIN",
        "supports",
        "Douleur chronique ({months} mois ≥ {chronic} mois).",
        "Chronic pain ({months} months ≥ {chronic} months).",
        SRC_CHRONIC,
        lambda case, t: case.pain_duration_months >= t.chronic_months,
        lambda case, t: {
            "months": f"{case.pain_duration_months:g}",
            "chronic": f"{t.chronic_months:g}",
        },
    ),
    Rule(
        "SUP_CONSERVATIVE_FAILED",
        "supports",
        "Soulagement insuffisant par les traitements conservateurs ({names}).",
        "Not enough relief from conservative treatments ({names}).",
        SRC_CONSERVATIVE,
        lambda case, t: bool(_failed(case)),
        lambda case, t: {"names": ", ".join(tr.name for tr in _failed(case))},
    ),
    Rule(
        "SUP_SURGERY_DECLINED_OR_IMPOSSIBLE",
        "supports",
        "Arthrose : chirurgie refusée ou impossible.",
        "Arthrosis: surgery declined or not possible.",
        SRC_SURGERY,
        lambda case, t: _is_arthrosis(case) and case.surgery_declined_or_impossible is True,
    ),
    Rule(
        "SUP_DN4_NEUROPATHIC",
        "supports",
        "Névralgie avec DN4 {score}/10 (≥ {dn4_min}) : douleur neuropathique probable.",
        "Neuralgia with DN4 {score}/10 (≥ {dn4_min}): neuropathic pain likely.",
        SRC_DN4,
        lambda case, t: (
            _is_neuralgia(case) and case.dn4 is not None and case.dn4.score >= t.dn4_min
        ),
        lambda case, t: {"score": case.dn4.score if case.dn4 else "", "dn4_min": t.dn4_min},
    ),
    Rule(
        "SUP_NRS_HIGH",
        "supports",
        "Intensité douloureuse EN {nrs}/10 (≥ {nrs_min}).",
        "Pain intensity NRS {nrs}/10 (≥ {nrs_min}).",
        SRC_NRS,
        lambda case, t: case.nrs >= t.nrs_min,
        lambda case, t: {"nrs": case.nrs, "nrs_min": t.nrs_min},
    ),
)
"""The rule table, evaluated in this order. Codes are unique and stable."""

# ------------------------------------------------------------------ safety facts (issue 10)
# Rules on the structured safety facts of :mod:`cryoneuro.clinical.safety`; appended to
# RULES below. Their numbers are in SafetyThresholds (with sources), their sources are
# collected in docs/clinical/safety-facts.md.

SRC_CONSENT = (
    "Code de la santé publique art. L1111-4 (no medical act without the person's free and "
    "informed consent; the refusal of a treatment is respected); seed page (thorough medical "
    "evaluation and patient information first)"
)
SRC_DELPHI = (
    "Interventional management of pain with cryoneurolysis: expert consensus recommendations "
    "(Delphi, 22 interventionists), Cardiovasc Intervent Radiol 2025, doi "
    "10.1007/s00270-025-04310-5 (clinical.md)"
)
SRC_TWO_FAILED = (
    SRC_DELPHI + ": alternative therapies after two unsuccessful sessions (8.36 ± 0.73; 95 % >= 7)"
)
SRC_CRPS = (
    SRC_DELPHI
    + ": cryoneurolysis for cases with identifiable peripheral nerve targets (8.45 ± 0.74; "
    "100 % >= 7); Harden et al., CRPS practical diagnostic and treatment guidelines, 5th ed., "
    "Pain Med 2022;23(Suppl 1):S1-S53 (doi 10.1093/pm/pnac046): CRPS pain is regional, not "
    "in a specific nerve territory or dermatome (Budapest criteria)"
)
SRC_MINOR = (
    "legal majority 18 (Code civil art. 414; CC suisse art. 14) and parental consent (CSP "
    "art. L1111-4); paediatric cryoanalgesia is published mainly as intra-operative intercostal "
    "cryoablation for the Nuss procedure, ages about 12-21 (Iglesias et al., J Pediatr Surg "
    "2025;60:162162; Eldredge & McMahon, Front Surg 2023;10:1235120): review, not refusal"
)
SRC_BLEEDING_DISORDER = (
    SRC_SEED_CI
    + " ('troubles de la coagulation importants'); "
    + SRC_ASRA
    + "; a congenital bleeding disorder is planned with the haemophilia/haemostasis centre"
)
SRC_LOCAL_ANAESTHESIA = (
    SEED_SOURCE + ": the procedure is done under local anaesthesia ('sous anesthésie locale')"
)
SRC_ANTISEPSIS = SEED_SOURCE + ": skin disinfection before the probe ('désinfection de la peau')"
SRC_LATEX = "clinic default (not from the literature): a latex-free set-up is planned beforehand"
SRC_SYSTEMIC_INFECTION = (
    "ASSUMPTION (no cryoneurolysis-specific source found): the seed page's contraindication "
    "'infection locale' extended to an active systemic infection or fever - a percutaneous "
    "elective procedure is postponed until it has resolved"
)
SRC_BLOCK_POSITIVE = (
    "CONFIGURABLE DEFAULT >= 50 % relief after a diagnostic block (SafetyThresholds."
    "block_positive_pct; the usual prognostic-block cut-off before genicular ablation, not "
    "verified against a cryoneurolysis trial here)"
)


def _block_usual_targets(case: Case) -> list[str]:
    """The case's target nerves before which the sources make a diagnostic block usual."""
    return [c for c in case.target_nerves if c in NERVES and NERVES[c].block_usual_source]


def _allergies(case: Case, *substances: str) -> list[str]:
    return [a.substance for a in case.allergies if a.substance in substances]


def _allergy_text(case: Case, lang: str, *substances: str) -> str:
    return ", ".join(a.label(lang) for a in case.allergies if a.substance in substances)


def _failed_sessions(case: Case) -> int:
    return sum(1 for s in case.previous_sessions_same_target if s.outcome == "failed")


def _disorder_text(case: Case, lang: str) -> str:
    fr, en = BLEEDING_DISORDER_LABELS[case.bleeding_disorder]
    text = en if lang == "en" else fr
    if case.bleeding_disorder_detail:
        text += (
            f" : {case.bleeding_disorder_detail}"
            if lang != "en"
            else f": {case.bleeding_disorder_detail}"
        )
    if case.aptt_ratio is not None:
        text += f", {'aPTT ratio' if lang == 'en' else 'ratio TCA'} {case.aptt_ratio:g}"
    return text


_LA = ("amide_local_anaesthetic", "ester_local_anaesthetic")
_ANTISEPTICS = ("chlorhexidine", "povidone_iodine")
_ST = DEFAULT_SAFETY_THRESHOLDS

_SAFETY_RULES: tuple[Rule, ...] = (
    Rule(
        "CI_CONSENT_REFUSED",
        "contraindication",
        "Le patient refuse la cryoneurolyse : pas d'intervention sans son consentement.",
        "The patient refuses cryoneurolysis: no procedure without consent.",
        SRC_CONSENT,
        lambda case, t: case.consent == "refused",
    ),
    Rule(
        "CI_SYSTEMIC_INFECTION",
        "contraindication",
        "Infection systémique ou fièvre : reporter l'intervention jusqu'à guérison.",
        "Systemic infection or fever: postpone the procedure until it has resolved.",
        SRC_SYSTEMIC_INFECTION,
        lambda case, t: case.systemic_infection,
    ),
    Rule(
        "CI_TWO_FAILED_SESSIONS",
        "contraindication",
        "{failed} séances antérieures du même nerf cible sans succès (≥ {max}) : pas de nouvelle "
        "séance, envisager d'autres traitements.",
        "{failed} previous unsuccessful sessions of the same target (≥ {max}): no further "
        "session, consider other treatments.",
        SRC_TWO_FAILED,
        lambda case, t: _failed_sessions(case) >= _ST.failed_sessions_max,
        lambda case, t: {"failed": _failed_sessions(case), "max": _ST.failed_sessions_max},
    ),
    Rule(
        "NR_BLEEDING_DISORDER",
        "needs_review",
        "Trouble de l'hémostase connu ({disorder}) : avis spécialisé et du centre de "
        "l'hémostase avant la ponction.",
        "Known bleeding disorder ({disorder_en}): specialist and haemostasis-centre review "
        "before the puncture.",
        SRC_BLEEDING_DISORDER,
        lambda case, t: case.bleeding_disorder != "none",
        lambda case, t: {
            "disorder": _disorder_text(case, "fr"),
            "disorder_en": _disorder_text(case, "en"),
        },
    ),
    Rule(
        "NR_ALLERGY_LOCAL_ANAESTHETIC",
        "needs_review",
        "Allergie aux anesthésiques locaux ({which}) : l'intervention se fait sous anesthésie "
        "locale, choisir l'agent avec un allergologue.",
        "Allergy to local anaesthetics ({which_en}): the procedure is done under local "
        "anaesthesia, choose the agent with an allergist.",
        SRC_LOCAL_ANAESTHESIA,
        lambda case, t: bool(_allergies(case, *_LA)),
        lambda case, t: {
            "which": _allergy_text(case, "fr", *_LA),
            "which_en": _allergy_text(case, "en", *_LA),
        },
    ),
    Rule(
        "NR_ALLERGY_ANTISEPTIC",
        "needs_review",
        "Allergie à un antiseptique cutané ({which}) : prévoir une autre antisepsie.",
        "Allergy to a skin antiseptic ({which_en}): plan another antisepsis.",
        SRC_ANTISEPSIS,
        lambda case, t: bool(_allergies(case, *_ANTISEPTICS)),
        lambda case, t: {
            "which": _allergy_text(case, "fr", *_ANTISEPTICS),
            "which_en": _allergy_text(case, "en", *_ANTISEPTICS),
        },
    ),
    Rule(
        "NR_ALLERGY_LATEX",
        "needs_review",
        "Allergie au latex : prévoir une salle et un matériel sans latex.",
        "Latex allergy: plan a latex-free room and equipment.",
        SRC_LATEX,
        lambda case, t: bool(_allergies(case, "latex")),
    ),
    Rule(
        "NR_ALLERGY_OTHER",
        "needs_review",
        "Autre allergie connue ({which}) : à vérifier par le médecin.",
        "Other known allergy ({which}): for the physician to check.",
        "evaluation (structured allergy of kind 'other'): every recorded allergy is read by a "
        "physician",
        lambda case, t: bool(_allergies(case, "other")),
        lambda case, t: {"which": _allergy_text(case, "fr", "other")},
    ),
    Rule(
        "NR_MINOR",
        "needs_review",
        "Patient mineur ({age} ans < {adult} ans) : avis spécialisé (pédiatrique) et "
        "consentement des titulaires de l'autorité parentale.",
        "Minor ({age} years < {adult} years): specialist (paediatric) review and consent of "
        "the holders of parental authority.",
        SRC_MINOR,
        lambda case, t: case.age_years < _ST.adult_age_years,
        lambda case, t: {"age": case.age_years, "adult": _ST.adult_age_years},
    ),
    Rule(
        "NR_CRPS_NO_DISCRETE_TARGET",
        "needs_review",
        "SDRC : douleur régionale, hors territoire d'un seul nerf ; avis spécialisé tant "
        "qu'aucun nerf cible distinct n'est identifié.",
        "CRPS: regional pain, not one nerve's territory; specialist review unless a discrete "
        "target nerve is identified.",
        SRC_CRPS,
        lambda case, t: case.indication == "crps" and case.discrete_target_nerve is not True,
    ),
    Rule(
        "NR_DIAGNOSTIC_BLOCK_NEGATIVE",
        "needs_review",
        "Bloc diagnostique : {pct} % de soulagement (< {min} %) : l'indication est à discuter.",
        "Diagnostic block: {pct} % relief (< {min} %): discuss the indication.",
        SRC_BLOCK_POSITIVE,
        lambda case, t: (
            case.diagnostic_block_relief_pct is not None
            and case.diagnostic_block_relief_pct < _ST.block_positive_pct
        ),
        lambda case, t: {
            "pct": f"{case.diagnostic_block_relief_pct or 0:g}",
            "min": f"{_ST.block_positive_pct:g}",
        },
    ),
    Rule(
        "NR_DIAGNOSTIC_BLOCK_MISSING",
        "needs_review",
        "Information manquante : pas de bloc diagnostique, habituel pour cette indication.",
        "Missing information: no diagnostic block, usual for this indication.",
        "; ".join(BLOCK_USUAL_FOR.values()),
        lambda case, t: (
            case.indication in BLOCK_USUAL_FOR and case.diagnostic_block_relief_pct is None
        ),
    ),
    Rule(
        "NR_DIAGNOSTIC_BLOCK_MISSING_TARGET",
        "needs_review",
        "Information manquante : pas de bloc diagnostique, habituel avant la cryoneurolyse de "
        "ce nerf ({nerves}).",
        "Missing information: no diagnostic block, usual before cryoneurolysis of this nerve "
        "({nerves}).",
        "per target nerve (clinical/nerves.py, block_usual_source): "
        + "; ".join(
            sorted({n.block_usual_source for n in NERVES.values() if n.block_usual_source})
        ),
        lambda case, t: (
            case.diagnostic_block_relief_pct is None
            and case.indication not in BLOCK_USUAL_FOR
            and bool(_block_usual_targets(case))
        ),
        lambda case, t: {"nerves": ", ".join(_block_usual_targets(case))},
    ),
    Rule(
        "SUP_CONSENT_GIVEN",
        "supports",
        "Consentement éclairé du patient recueilli.",
        "The patient's informed consent is recorded.",
        SRC_CONSENT,
        lambda case, t: case.consent == "given",
    ),
    Rule(
        "SUP_DIAGNOSTIC_BLOCK_POSITIVE",
        "supports",
        "Bloc diagnostique positif : {pct} % de soulagement (≥ {min} %).",
        "Positive diagnostic block: {pct} % relief (≥ {min} %).",
        SRC_BLOCK_POSITIVE,
        lambda case, t: (
            case.diagnostic_block_relief_pct is not None
            and case.diagnostic_block_relief_pct >= _ST.block_positive_pct
        ),
        lambda case, t: {
            "pct": f"{case.diagnostic_block_relief_pct or 0:g}",
            "min": f"{_ST.block_positive_pct:g}",
        },
    ),
    Rule(
        "SUP_PREVIOUS_SESSION_RELIEF",
        "supports",
        "Séance antérieure du même nerf cible efficace : la cryoneurolyse peut être répétée.",
        "A previous session of the same target gave relief: cryoneurolysis can be repeated.",
        SEED_SOURCE + " (the procedure can be repeated when symptoms return); " + SRC_DELPHI,
        lambda case, t: any(s.outcome == "good_relief" for s in case.previous_sessions_same_target),
    ),
    Rule(
        "SUP_CRPS_DISCRETE_TARGET",
        "supports",
        "SDRC avec un nerf cible distinct identifié.",
        "CRPS with a discrete target nerve identified.",
        SRC_CRPS,
        lambda case, t: case.indication == "crps" and case.discrete_target_nerve is True,
    ),
)

RULES = RULES + _SAFETY_RULES

_OUTCOME_LABELS: Mapping[Outcome, tuple[str, str]] = {
    "eligible": ("Éligible à la cryoneurolyse", "Eligible for cryoneurolysis"),
    "not_eligible": ("Non éligible à la cryoneurolyse", "Not eligible for cryoneurolysis"),
    "needs_review": ("Avis spécialisé nécessaire", "Specialist review needed"),
}


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome, every rule that fired (in table order), and what produced it."""

    outcome: Outcome
    fired: tuple[RuleHit, ...]
    ruleset_version: str = RULESET_VERSION
    thresholds: Thresholds = field(default_factory=Thresholds)

    def codes(self, severity: Severity | None = None) -> tuple[str, ...]:
        return tuple(h.code for h in self.fired if severity is None or h.severity == severity)

    def label(self, lang: str = "fr") -> str:
        fr, en = _OUTCOME_LABELS[self.outcome]
        return en if lang == "en" else fr

    def message(self, lang: str = "fr") -> str:
        """A readable summary: the outcome, then one line per rule that fired (reasons
        against first, then what supports the indication)."""
        order = {"contraindication": 0, "needs_review": 1, "supports": 2}
        lines = [self.label(lang) + "."]
        for hit in sorted(self.fired, key=lambda h: order[h.severity]):
            mark = {"contraindication": "✗", "needs_review": "?", "supports": "✓"}[hit.severity]
            lines.append(f"{mark} {hit.message(lang)}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (stored with the evaluation)."""
        return {
            "outcome": self.outcome,
            "ruleset_version": self.ruleset_version,
            "thresholds": asdict(self.thresholds),
            "safety_thresholds": asdict(DEFAULT_SAFETY_THRESHOLDS),
            "fired": [asdict(h) for h in self.fired],
        }


def _fill(template: str, values: Mapping[str, object]) -> str:
    return template.format(**values) if values else template


def assess(
    case: Case, thresholds: Thresholds = DEFAULT_THRESHOLDS, *, rules: tuple[Rule, ...] = RULES
) -> Decision:
    """Evaluate every rule on ``case`` and return the :class:`Decision`."""
    hits: list[RuleHit] = []
    for rule in rules:
        if rule.predicate(case, thresholds):
            values = rule.details(case, thresholds)
            hits.append(
                RuleHit(
                    rule.code,
                    rule.severity,
                    _fill(rule.message_fr, values),
                    _fill(rule.message_en, values),
                    rule.source,
                )
            )
    severities = {h.severity for h in hits}
    outcome: Outcome
    if "contraindication" in severities:
        outcome = "not_eligible"
    elif "needs_review" in severities:
        outcome = "needs_review"
    else:
        outcome = "eligible"
    return Decision(outcome, tuple(hits), RULESET_VERSION, thresholds)
