"""Safety facts of a case that used to be free text (issue 10): structured, validated, and
used by the eligibility rules (:mod:`cryoneuro.clinical.eligibility`, section "safety
facts").

:class:`SafetyFacts` is the part of :class:`~cryoneuro.clinical.eligibility.Case` that
holds them: known bleeding disorders (optional aPTT ratio), allergies, systemic infection
or fever, age, the patient's consent or refusal, previous cryoneurolysis of the same target
with its outcome, a diagnostic (test) block with its relief, and, for CRPS, whether a
discrete target nerve is identified. The numbers the rules use are in
:class:`SafetyThresholds`, each with its source; the sources are collected in
``docs/clinical/safety-facts.md``.

Contradictions are refused with a field-level error (the ``loc`` names the field): an aPTT
without a known bleeding disorder, a bleeding disorder or an allergy of kind "other"
without a description. The English messages below are msgids of the French catalogue
(listed again with ``gettext_noop`` in ``evaluation/forms.py`` so that ``make messages``
keeps them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

__all__ = [
    "ALLERGY_LABELS",
    "BLEEDING_DISORDER_LABELS",
    "BLOCK_USUAL_FOR",
    "DEFAULT_SAFETY_THRESHOLDS",
    "SAFETY_MESSAGES_FR",
    "Allergy",
    "AllergySubstance",
    "BleedingDisorder",
    "Consent",
    "PreviousSession",
    "SafetyFacts",
    "SafetyThresholds",
    "SessionOutcome",
]

AllergySubstance = Literal[
    "amide_local_anaesthetic",
    "ester_local_anaesthetic",
    "chlorhexidine",
    "povidone_iodine",
    "latex",
    "other",
]
BleedingDisorder = Literal["none", "haemophilia_a", "haemophilia_b", "von_willebrand", "other"]
Consent = Literal["given", "refused", "pending"]
SessionOutcome = Literal["good_relief", "partial_relief", "failed"]

ALLERGY_LABELS: Mapping[str, tuple[str, str]] = {
    "amide_local_anaesthetic": (
        "anesthésiques locaux de type amide (lidocaïne, ropivacaïne…)",
        "amide local anaesthetics (lidocaine, ropivacaine…)",
    ),
    "ester_local_anaesthetic": (
        "anesthésiques locaux de type ester (procaïne, tétracaïne…)",
        "ester local anaesthetics (procaine, tetracaine…)",
    ),
    "chlorhexidine": ("chlorhexidine", "chlorhexidine"),
    "povidone_iodine": ("povidone iodée", "povidone-iodine"),
    "latex": ("latex", "latex"),
    "other": ("autre", "other"),
}
BLEEDING_DISORDER_LABELS: Mapping[str, tuple[str, str]] = {
    "none": ("aucun", "none"),
    "haemophilia_a": ("hémophilie A", "haemophilia A"),
    "haemophilia_b": ("hémophilie B", "haemophilia B"),
    "von_willebrand": ("maladie de Willebrand", "von Willebrand disease"),
    "other": ("autre trouble de l'hémostase", "other bleeding disorder"),
}

# Messages of the contradictions (msgids; French in the catalogue).
MSG_APTT_WITHOUT_DISORDER = "An aPTT ratio is recorded but no bleeding disorder: choose the disorder, or leave the aPTT empty."
MSG_DISORDER_OTHER_NO_TEXT = "Describe the bleeding disorder (kind “other”)."
MSG_ALLERGY_OTHER_NO_TEXT = "Name the allergen (kind “other”)."
MSG_ALLERGY_DUPLICATE = "The same allergy is listed twice."


@dataclass(frozen=True, slots=True)
class SafetyThresholds:
    """Numbers used by the safety-fact rules; each is a parameter with its source.

    * ``adult_age_years`` 18: below it a patient is a minor -> needs specialist review.
      Legal majority in France (Code civil art. 414) and Switzerland (CC art. 14); consent
      comes from the holders of parental authority (Code de la santé publique
      art. L1111-4). The published paediatric cryoanalgesia series are intra-operative
      intercostal cryoablation for the Nuss procedure in patients about 12-21 years old
      (Iglesias et al., J Pediatr Surg 2025;60:162162, National Readmissions Database,
      ages 12-21; Eldredge & McMahon, Front Surg 2023;10:1235120, systematic review of 34
      studies) - so cryoanalgesia in adolescents exists but percutaneous cryoneurolysis
      for chronic pain in minors is not established: review, not refusal.
    * ``failed_sessions_max`` 2: after two unsuccessful sessions of the same target, move
      to other treatments (Delphi consensus, Cardiovasc Intervent Radiol 2025, doi
      10.1007/s00270-025-04310-5: "alternative therapies after two unsuccessful sessions",
      mean 8.36/10, 95 % >= 7).
    * ``block_positive_pct`` 50: a diagnostic block relieving >= 50 % of the pain is
      positive. CONFIGURABLE DEFAULT: the usual cut-off of prognostic blocks before
      genicular-nerve ablation trials (not verified here against a cryoneurolysis trial).
    """

    adult_age_years: int = 18
    failed_sessions_max: int = 2
    block_positive_pct: float = 50.0

    def __post_init__(self) -> None:
        if not 0 <= self.adult_age_years <= 30:
            raise ValueError(f"adult_age_years must be in [0, 30], got {self.adult_age_years!r}")
        if not 1 <= self.failed_sessions_max <= 10:
            raise ValueError(
                f"failed_sessions_max must be in [1, 10], got {self.failed_sessions_max!r}"
            )
        if not 0 < self.block_positive_pct <= 100:
            raise ValueError(
                f"block_positive_pct must be in (0, 100], got {self.block_positive_pct!r}"
            )


DEFAULT_SAFETY_THRESHOLDS = SafetyThresholds()

SRC_ICHD3_ON = (
    "ICHD-3 13.4 Occipital neuralgia, criterion D: pain is eased temporarily by local "
    "anaesthetic block of the affected nerve(s) (Headache Classification Committee of the IHS, "
    "Cephalalgia 2018;38:1-211)"
)
BLOCK_USUAL_FOR: Mapping[str, str] = {"occipital_neuralgia": SRC_ICHD3_ON}
"""Indications for which the sources make a diagnostic block usual (its absence needs
review). Per indication, not per nerve: the case names the indication, not the nerve."""


class Allergy(BaseModel):
    """One known allergy; ``detail`` names the allergen (required for "other")."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    substance: AllergySubstance
    detail: str = Field(default="", max_length=200, validate_default=True)

    @field_validator("detail")
    @classmethod
    def _other_needs_text(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("substance") == "other" and not value:
            raise ValueError(MSG_ALLERGY_OTHER_NO_TEXT)
        return value

    def label(self, lang: str = "fr") -> str:
        fr, en = ALLERGY_LABELS[self.substance]
        name = en if lang == "en" else fr
        if self.substance == "other":
            return self.detail
        return f"{name} ({self.detail})" if self.detail else name


class PreviousSession(BaseModel):
    """A previous cryoneurolysis of the same target, with its outcome."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    outcome: SessionOutcome
    note: str = Field(default="", max_length=200)


class SafetyFacts(BaseModel):
    """Safety facts of a case (mixed into ``Case``). All are required except
    ``bleeding_disorder_detail`` and ``aptt_ratio``; ``null`` means "not known / not
    done" where the type allows it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    age_years: int = Field(ge=0, le=130, description="age in whole years on the day")
    consent: Consent = Field(
        description="the patient's informed consent to cryoneurolysis: given, refused, or "
        "pending (not yet asked)"
    )
    bleeding_disorder: BleedingDisorder = Field(description="known bleeding disorder")
    bleeding_disorder_detail: str = Field(default="", max_length=200, validate_default=True)
    aptt_ratio: float | None = Field(
        default=None,
        gt=0.5,
        le=10,
        allow_inf_nan=False,
        description="aPTT ratio (patient/control); only with a known bleeding disorder",
    )
    allergies: list[Allergy] = Field(description="known allergies ([] = none known)")
    systemic_infection: bool = Field(description="active systemic infection or fever")
    previous_sessions_same_target: list[PreviousSession] = Field(
        description="previous cryoneurolysis sessions of the same target, with their outcome"
    )
    diagnostic_block_relief_pct: float | None = Field(
        ge=0,
        le=100,
        allow_inf_nan=False,
        description="relief (%) after a diagnostic local-anaesthetic block; null when none done",
    )
    discrete_target_nerve: bool | None = Field(
        description="CRPS: a discrete target nerve is identified; null when not assessed"
    )

    @field_validator("age_years", "aptt_ratio", "diagnostic_block_relief_pct", mode="before")
    @classmethod
    def _no_booleans_safety(cls, value: object) -> object:
        if isinstance(value, bool):
            raise ValueError("a number is expected, not true/false")
        return value

    @field_validator("bleeding_disorder_detail")
    @classmethod
    def _disorder_other_needs_text(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("bleeding_disorder") == "other" and not value:
            raise ValueError(MSG_DISORDER_OTHER_NO_TEXT)
        return value

    @field_validator("aptt_ratio")
    @classmethod
    def _aptt_needs_disorder(cls, value: float | None, info: ValidationInfo) -> float | None:
        if value is not None and info.data.get("bleeding_disorder") == "none":
            raise ValueError(MSG_APTT_WITHOUT_DISORDER)
        return value

    @field_validator("allergies")
    @classmethod
    def _no_duplicate_allergy(cls, value: list[Allergy]) -> list[Allergy]:
        seen = [(a.substance, a.detail.casefold()) for a in value]
        if len(set(seen)) != len(seen):
            raise ValueError(MSG_ALLERGY_DUPLICATE)
        return value

    def allergy_labels(self, lang: str = "fr") -> str:
        return ", ".join(a.label(lang) for a in self.allergies)


SAFETY_MESSAGES_FR: Mapping[str, str] = {
    MSG_APTT_WITHOUT_DISORDER: (
        "Un ratio TCA est saisi sans trouble de l'hémostase : choisir le trouble, ou laisser "
        "le TCA vide."
    ),
    MSG_DISORDER_OTHER_NO_TEXT: "Décrire le trouble de l'hémostase (type « autre »).",
    MSG_ALLERGY_OTHER_NO_TEXT: "Nommer l'allergène (type « autre »).",
    MSG_ALLERGY_DUPLICATE: "La même allergie est saisie deux fois.",
}
"""French for the contradiction messages (the clinical layer has no Django catalogue)."""
