"""Peri-procedural management of anticoagulants and antiplatelets, per bleeding tier.

The tier comes from the target (:attr:`TargetNerve.bleeding_tier`); when no target is
named, the highest tier among the indication's candidate nerves is used. Each drug and
tier has a :class:`DrugRule` (data, with its source and ``verified``):

* Read in a source (``verified=True``): the UpToDate summary table of the ASRA pain
  guideline (Narouze et al., Reg Anesth Pain Med 2018;43:225-262), rows for aspirin,
  warfarin, acenocoumarol and LMWH (enoxaparin prophylactic/therapeutic, dalteparin);
  the ESAIC/ESRA 2022 table for high-bleeding-risk blocks (neuraxial and deep nerve
  blocks; Kietaibl et al., Eur J Anaesthesiol 2022;39:100-132, as reproduced by
  UpToDate), used for the intermediate tier (every intermediate target of the catalog is
  deep and non-compressible) and for fluindione: DOAC 72 h, dabigatran 72 h (CrCl
  < 50 mL/min: until a dabigatran level < 30 ng/mL), VKA (fluindione like warfarin)
  5 days and a normal INR (rule set 2026.12.6).
* Not read (``verified=False``, reason given): the DOAC rows of the high and low tiers
  and every P2Y12-inhibitor row (the stored copy of the pain table ends before them;
  the ESAIC/ESRA antiplatelet table was not found); the figures are the guideline's
  values as recalled, to be checked against its table before clinical use.

Patient factors (ASRA 2018, as recalled, not verified): a patient at high bleeding risk
(several antithrombotics together, severe renal impairment) having a low- or
intermediate-risk procedure is managed one tier higher.

No Django here. Every number is a parameter in :data:`DRUG_RULES` / :class:`LabThresholds`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from cryoneuro.clinical.nerves import NERVES, BleedingTier, nerves_for

__all__ = [
    "DEFAULT_LAB_THRESHOLDS",
    "DRUG_RULES",
    "TIER_ORDER",
    "DrugCode",
    "DrugPlan",
    "DrugRule",
    "LabThresholds",
    "TargetTier",
    "drug_code",
    "plan_for_drug",
    "target_tier",
    "tier_label",
]

DrugCode = Literal[
    "warfarin",
    "acenocoumarol",
    "fluindione",
    "apixaban",
    "rivaroxaban",
    "edoxaban",
    "dabigatran",
    "lmwh",
    "clopidogrel",
    "prasugrel",
    "ticagrelor",
    "aspirin",
]
Action = Literal["continue", "stop", "shared_assessment", "missing_information"]
TIER_ORDER: Mapping[str, int] = MappingProxyType({"low": 0, "intermediate": 1, "high": 2})
_TIERS: tuple[BleedingTier, ...] = ("low", "intermediate", "high")
_TIER_LABELS = {
    "low": ("faible", "low"),
    "intermediate": ("intermédiaire", "intermediate"),
    "high": ("élevé", "high"),
}

SRC_ASRA_2018 = (
    "Narouze et al., Reg Anesth Pain Med 2018;43:225-262 (ASRA/ESRA/AAPM/INS/NANS/WIP pain "
    "procedures, 2nd ed.)"
)
SRC_TABLE = (
    SRC_ASRA_2018 + ", as tabulated in UpToDate 'Summary of periprocedural management of "
    "anticoagulants and antiplatelet medications for interventional pain procedures'"
)
SRC_ESAIC_DEEP = (
    "Kietaibl S et al., Regional anaesthesia in patients on antithrombotic drugs: joint "
    "ESAIC/ESRA guidelines, Eur J Anaesthesiol 2022;39:100-132, doi 10.1097/EJA.0000000000001600, "
    "table for high-bleeding-risk blocks (neuraxial and deep nerve blocks), as reproduced in "
    "UpToDate 'ESAIC/ESRA guidelines for management related to anticoagulation for high "
    "bleeding risk blocks (neuraxial and deep nerve blocks)' (stored copy "
    "pro.uptodatefree.ir/Show/138528); tiers from " + SRC_ASRA_2018
)
"""Rows: VKA 'until target laboratory value (about 3 days acenocoumarol; 5 days warfarin,
fluindione; 7 days phenprocoumon)', INR normal; DXA (rivaroxaban, apixaban, edoxaban)
high dose '72 hours or until target laboratory value', next dose about 24 h after (high
doses); dabigatran high dose '72 hours or until target laboratory value (until target
laboratory value if CrCl < 50 mL/minute)', target 'DTI level < 30 ng/mL (alternative:
thrombin time in normal range)'. Low (prophylactic) DOAC doses have shorter intervals
(24-48 h) there; the evaluation does not record a DOAC dose, so the high-dose interval is
applied (the longer, safer one)."""
UNREAD = (
    "row not read: the stored copy of the summary table ends before it; value as quoted in "
    "issue 10 / recalled from the guideline, to check against its table"
)


def tier_label(tier: str, lang: str = "fr") -> str:
    fr, en = _TIER_LABELS[tier]
    return en if lang == "en" else fr


# ------------------------------------------------------------------ drug names

_ALIASES: Mapping[str, DrugCode] = MappingProxyType(
    {
        "warfarin": "warfarin",
        "warfarine": "warfarin",
        "coumadine": "warfarin",
        "coumadin": "warfarin",
        "acenocoumarol": "acenocoumarol",
        "sintrom": "acenocoumarol",
        "minisintrom": "acenocoumarol",
        "fluindione": "fluindione",
        "previscan": "fluindione",
        "apixaban": "apixaban",
        "eliquis": "apixaban",
        "rivaroxaban": "rivaroxaban",
        "xarelto": "rivaroxaban",
        "edoxaban": "edoxaban",
        "lixiana": "edoxaban",
        "savaysa": "edoxaban",
        "dabigatran": "dabigatran",
        "pradaxa": "dabigatran",
        "enoxaparine": "lmwh",
        "enoxaparin": "lmwh",
        "lovenox": "lmwh",
        "tinzaparine": "lmwh",
        "tinzaparin": "lmwh",
        "innohep": "lmwh",
        "dalteparine": "lmwh",
        "dalteparin": "lmwh",
        "fragmine": "lmwh",
        "hbpm": "lmwh",
        "lmwh": "lmwh",
        "clopidogrel": "clopidogrel",
        "plavix": "clopidogrel",
        "prasugrel": "prasugrel",
        "efient": "prasugrel",
        "effient": "prasugrel",
        "ticagrelor": "ticagrelor",
        "brilique": "ticagrelor",
        "brilinta": "ticagrelor",
        "aspirine": "aspirin",
        "aspirin": "aspirin",
        "kardegic": "aspirin",
        "aspegic": "aspirin",
        "resitune": "aspirin",
        "acetylsalicylique": "aspirin",
        "aas": "aspirin",
    }
)
"""Names as written on a French or English prescription (lower case, no accents)."""

_LABELS_FR: Mapping[str, str] = {
    "warfarin": "la warfarine",
    "acenocoumarol": "l'acénocoumarol",
    "fluindione": "la fluindione",
    "apixaban": "l'apixaban",
    "rivaroxaban": "le rivaroxaban",
    "edoxaban": "l'édoxaban",
    "dabigatran": "le dabigatran",
    "lmwh": "l'HBPM",
    "clopidogrel": "le clopidogrel",
    "prasugrel": "le prasugrel",
    "ticagrelor": "le ticagrelor",
    "aspirin": "l'aspirine",
}
_LABELS_EN: Mapping[str, str] = {"lmwh": "LMWH", "warfarin": "warfarin"}


DALTEPARIN_STOP_HOURS = (24.0, 24.0)
"""Dalteparin: stop 24 h before in every tier, whatever the dose (UpToDate table after
Narouze 2018, row 'LMWH: Dalteparin 24 hours 24 hours 24 hours'; verified)."""


def _is_dalteparin(name: str) -> bool:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return any(w in plain for w in ("dalteparin", "fragmin"))


def drug_code(name: str) -> DrugCode | None:
    """The drug a free-text entry names ('Eliquis 5 mg x 2' -> 'apixaban'), or None."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = "".join(c if c.isalpha() else " " for c in plain).split()
    for word in words:
        if word in _ALIASES:
            return _ALIASES[word]
    return None


# ------------------------------------------------------------------ rules as data


@dataclass(frozen=True, slots=True)
class DrugRule:
    """What to do with one drug before a procedure of one tier.

    ``stop_hours`` is the (shortest, longest) interval between the last dose and the
    procedure; ``stop_hours_renal`` replaces it when creatinine clearance is below
    ``renal_crcl_below`` (dabigatran). ``restart_hours`` after the procedure.
    """

    drug: str  # a DrugCode (str so the data table stays plain; checked by the tests)
    tier: str  # a BleedingTier
    action: Action
    source: str
    verified: bool
    stop_hours: tuple[float, float] | None = None
    restart_hours: tuple[float, float] | None = None
    stop_hours_renal: tuple[float, float] | None = None
    renal_crcl_below: float | None = None
    needs_normal_inr: bool = False
    unverified_reason: str = ""
    renal_lab_fr: str = ""
    renal_lab_en: str = ""
    """A laboratory target that completes ``stop_hours_renal`` (dabigatran, ESAIC/ESRA)."""


def _d(days_low: float, days_high: float | None = None) -> tuple[float, float]:
    return (24.0 * days_low, 24.0 * (days_high if days_high is not None else days_low))


def _h(low: float, high: float | None = None) -> tuple[float, float]:
    return (float(low), float(high if high is not None else low))


def _rules() -> tuple[DrugRule, ...]:
    out: list[DrugRule] = []
    vka_fluindione_low = (
        "fluindione is in neither the ASRA pain table nor (for low-risk blocks) the ESAIC/ESRA "
        "intervals: managed like warfarin (shared assessment; assumption, to confirm with the "
        "prescriber)"
    )
    for drug, days, restart_h, verified in (
        ("warfarin", 5, 6, True),
        ("acenocoumarol", 3, 24, True),
    ):
        for tier in ("high", "intermediate"):
            out.append(
                DrugRule(
                    drug,
                    tier,
                    "stop",
                    SRC_TABLE,
                    verified,
                    _d(days),
                    _h(restart_h),
                    needs_normal_inr=True,
                )
            )
        out.append(
            DrugRule(
                drug,
                "low",
                "shared_assessment",
                SRC_TABLE,
                verified,
                restart_hours=_h(restart_h),
            )
        )
    # Fluindione (Préviscan, a French VKA): ESAIC/ESRA 2022 '5 days warfarin, fluindione',
    # INR normal, for neuraxial and deep blocks (the high and intermediate tiers). No
    # restart interval is given there for a VKA: restart is the prescriber's decision.
    for tier in ("high", "intermediate"):
        out.append(
            DrugRule("fluindione", tier, "stop", SRC_ESAIC_DEEP, True, _d(5), needs_normal_inr=True)
        )
    out.append(
        DrugRule(
            "fluindione",
            "low",
            "shared_assessment",
            SRC_ASRA_2018,
            False,
            unverified_reason=vka_fluindione_low,
        )
    )
    # LMWH: the dose (prophylactic 12 h / therapeutic 24 h) is chosen in plan_for_drug.
    for tier in _TIERS:
        lmwh_restart = _h(4) if tier == "low" else _h(12, 24)
        out.append(DrugRule("lmwh", tier, "stop", SRC_TABLE, True, _h(12, 24), lmwh_restart))
    # DOACs: high and low tiers verified=False (see UNREAD); intermediate tier (deep,
    # non-compressible targets): ESAIC/ESRA 2022 high-dose DXA 72 h, next dose ~24 h.
    for drug, high, inter in (
        ("apixaban", _d(3, 5), _d(3)),
        ("rivaroxaban", _d(3), _d(3)),
        ("edoxaban", _d(3), _d(3)),
    ):
        out.append(
            DrugRule(
                drug, "high", "stop", SRC_ASRA_2018, False, high, _h(24), unverified_reason=UNREAD
            )
        )
        out.append(DrugRule(drug, "intermediate", "stop", SRC_ESAIC_DEEP, True, inter, _h(24)))
        out.append(
            DrugRule(
                drug,
                "low",
                "shared_assessment",
                SRC_ASRA_2018,
                False,
                restart_hours=_h(24),
                unverified_reason=UNREAD,
            )
        )
    out.append(
        DrugRule(
            "dabigatran",
            "high",
            "stop",
            SRC_ASRA_2018,
            False,
            _d(4, 5),
            _h(24),
            _d(6),
            50.0,
            unverified_reason=UNREAD + "; renal cut-off 50 mL/min is an assumption",
        )
    )
    out.append(
        DrugRule(
            "dabigatran",
            "intermediate",
            "stop",
            SRC_ESAIC_DEEP,
            True,
            _d(3),
            _h(24),
            _d(3),
            50.0,
            renal_lab_fr="et jusqu'à un taux de dabigatran < 30 ng/mL (ou temps de thrombine normal)",
            renal_lab_en="and until a dabigatran level < 30 ng/mL (or a normal thrombin time)",
        )
    )
    out.append(
        DrugRule(
            "dabigatran",
            "low",
            "shared_assessment",
            SRC_ASRA_2018,
            False,
            restart_hours=_h(24),
            unverified_reason=UNREAD,
        )
    )
    # P2Y12 inhibitors.
    for drug, stop, restart in (
        ("clopidogrel", _d(7), _h(12, 24)),
        ("prasugrel", _d(7, 10), _h(12, 24)),
        ("ticagrelor", _d(5), _h(24)),
    ):
        for tier in ("high", "intermediate"):
            out.append(
                DrugRule(
                    drug,
                    tier,
                    "stop",
                    SRC_ASRA_2018,
                    False,
                    stop,
                    restart,
                    unverified_reason=UNREAD,
                )
            )
        out.append(
            DrugRule(drug, "low", "continue", SRC_ASRA_2018, False, unverified_reason=UNREAD)
        )
    # Aspirin: high tier depends on primary vs secondary prevention (plan_for_drug).
    out.append(DrugRule("aspirin", "high", "stop", SRC_TABLE, True, _d(6), _h(24)))
    out.append(
        DrugRule(
            "aspirin", "intermediate", "shared_assessment", SRC_TABLE, True, restart_hours=_h(24)
        )
    )
    out.append(DrugRule("aspirin", "low", "continue", SRC_TABLE, True))
    return tuple(out)


DRUG_RULES: Mapping[tuple[str, str], DrugRule] = MappingProxyType(
    {(r.drug, r.tier): r for r in _rules()}
)
"""(drug, tier) -> :class:`DrugRule`."""


@dataclass(frozen=True, slots=True)
class LabThresholds:
    """INR and platelet limits per tier: CONFIGURABLE DEFAULTS.

    * INR: intermediate/high need a NORMAL INR before the procedure when a VKA is stopped
      (ASRA 2018 table, verified); 'normal' is taken as <= 1.4 (assumption: not a figure
      from the pain guideline; the 1.5 used before came from the neuraxial guideline).
      Low tier: <= 3.0 (SIR 2019 low-risk procedures 'correct to <= 2.0-3.0', read in a
      secondary summary only: verified=False).
    * Platelets: no figure was read in the pain guidelines; 50 / 80 / 100 G/L for low /
      intermediate / high are clinic defaults (assumption), the 100 G/L used before for
      every target kept for the high tier.
    """

    inr_max: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType({"low": 3.0, "intermediate": 1.4, "high": 1.4})
    )
    platelets_min_g_per_l: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType({"low": 50.0, "intermediate": 80.0, "high": 100.0})
    )


DEFAULT_LAB_THRESHOLDS = LabThresholds()


# ------------------------------------------------------------------ the tier of a case


@dataclass(frozen=True, slots=True)
class TargetTier:
    tier: BleedingTier
    base_tier: BleedingTier
    compressible: bool
    targets: tuple[str, ...]
    target_named: bool
    raised_for: tuple[str, ...]

    def describe(self, lang: str = "fr") -> str:
        names = ", ".join(NERVES[c].name(lang) for c in self.targets)
        if lang == "en":
            text = f"{self.tier} bleeding-risk tier ({names}"
            text += ", compressible)" if self.compressible else ", not compressible)"
            if not self.target_named:
                text += " - target not named: highest tier of the candidate nerves"
            if self.raised_for:
                text += f" - raised from {self.base_tier} for: {', '.join(self.raised_for)}"
            return text
        text = f"palier de risque hémorragique {tier_label(self.tier)} ({names}"
        text += ", compressible)" if self.compressible else ", non compressible)"
        if not self.target_named:
            text += " - cible non précisée : palier le plus élevé des nerfs candidats"
        if self.raised_for:
            text += f" - relevé depuis {tier_label(self.base_tier)} : {', '.join(self.raised_for)}"
        return text


def target_tier(
    target_codes: Iterable[str],
    indication_code: str,
    *,
    antithrombotic_count: int = 0,
    creatinine_clearance_ml_min: float | None = None,
    severe_renal_crcl_below: float = 30.0,
) -> TargetTier:
    """The procedure's tier: the highest of the named targets (else of the indication's
    candidates), raised one step (never above high) for patient factors: two or more
    antithrombotics together, creatinine clearance below ``severe_renal_crcl_below``
    (ASRA 2018 patient factors as recalled; the 30 mL/min cut-off is an assumption)."""
    codes = tuple(dict.fromkeys(c for c in target_codes if c in NERVES))
    named = bool(codes)
    if not named:
        codes = tuple(n.code for n in nerves_for(indication_code))
    worst = max(
        (NERVES[c] for c in codes), key=lambda n: (TIER_ORDER[n.bleeding_tier], not n.compressible)
    )
    tiers = [NERVES[c] for c in codes if NERVES[c].bleeding_tier == worst.bleeding_tier]
    compressible = all(n.compressible for n in tiers)
    raised: list[str] = []
    if antithrombotic_count >= 2:
        raised.append("several antithrombotics")
    if (
        creatinine_clearance_ml_min is not None
        and creatinine_clearance_ml_min < severe_renal_crcl_below
    ):
        raised.append(f"CrCl < {severe_renal_crcl_below:g} mL/min")
    tier = worst.bleeding_tier
    if raised:
        tier = _TIERS[min(TIER_ORDER[tier] + 1, 2)]
    shown = tuple(n.code for n in tiers) if not named else codes
    return TargetTier(tier, worst.bleeding_tier, compressible, shown, named, tuple(raised))


# ------------------------------------------------------------------ one drug's plan


@dataclass(frozen=True, slots=True)
class DrugPlan:
    drug: str
    code: DrugCode | None
    tier: BleedingTier
    action: Action
    message_fr: str
    message_en: str
    source: str
    verified: bool


def _span(hours: tuple[float, float], lang: str) -> str:
    lo, hi = hours
    if lo >= 48 and lo % 24 == 0 and hi % 24 == 0:
        lo_d, hi_d = int(lo // 24), int(hi // 24)
        if lang == "en":
            return f"{lo_d} days" if lo_d == hi_d else f"{lo_d}-{hi_d} days"
        return f"{lo_d} jours" if lo_d == hi_d else f"{lo_d} à {hi_d} jours"
    if lang == "en":
        return f"{lo:g} h" if lo == hi else f"{lo:g}-{hi:g} h"
    return f"{lo:g} h" if lo == hi else f"{lo:g} à {hi:g} h"


def plan_for_drug(
    name: str,
    tier: BleedingTier,
    *,
    creatinine_clearance_ml_min: float | None = None,
    aspirin_prevention: Literal["primary", "secondary"] | None = None,
    lmwh_dose: Literal["prophylactic", "therapeutic"] | None = None,
) -> DrugPlan:
    """What to do with the drug ``name`` before a procedure of ``tier`` (FR and EN)."""
    code = drug_code(name)
    ask = " ; à décider avec le prescripteur, ne pas arrêter sans son avis"
    ask_en = "; decide with the prescriber, never stop without their agreement"
    if code is None:
        return DrugPlan(
            name,
            None,
            tier,
            "shared_assessment",
            f"{name} : médicament non reconnu par la table ; conduite à tenir avec le prescripteur",
            f"{name}: drug not in the table; management to decide with the prescriber",
            SRC_ASRA_2018,
            False,
        )
    rule = DRUG_RULES[(code, tier)]
    action: Action
    fr_drug, en_drug = _LABELS_FR[code], _LABELS_EN.get(code, code)
    stop, verified = rule.stop_hours, rule.verified
    action = rule.action
    extra_fr = extra_en = ""
    if code == "lmwh" and _is_dalteparin(name):
        # UpToDate table after Narouze 2018: "LMWH: Dalteparin 24 hours" in every tier,
        # no prophylactic/therapeutic split (https://www.medilib.ir/uptodate/show/108918).
        stop = DALTEPARIN_STOP_HOURS
    elif code == "lmwh":
        if lmwh_dose is None:
            return DrugPlan(
                name,
                code,
                tier,
                "missing_information",
                f"{name} (HBPM) : préciser la dose (préventive : arrêt 12 h avant ; curative : 24 h avant)",
                f"{name} (LMWH): record the dose (prophylactic: stop 12 h before; therapeutic: 24 h before)",
                rule.source,
                verified,
            )
        stop = _h(12) if lmwh_dose == "prophylactic" else _h(24)
    if code == "aspirin" and tier == "high":
        if aspirin_prevention is None:
            return DrugPlan(
                name,
                code,
                tier,
                "missing_information",
                f"{name} : préciser prévention primaire (arrêt 6 jours avant) ou secondaire (évaluation partagée)",
                f"{name}: record primary prevention (stop 6 days before) or secondary (shared assessment)",
                rule.source,
                verified,
            )
        if aspirin_prevention == "secondary":
            action, stop = "shared_assessment", None
    if rule.stop_hours_renal is not None and rule.renal_crcl_below is not None:
        if creatinine_clearance_ml_min is None:
            return DrugPlan(
                name,
                code,
                tier,
                "missing_information",
                f"{name} : clairance de la créatinine à renseigner (arrêt {_span(rule.stop_hours or _h(0), 'fr')} avant, "
                f"{_span(rule.stop_hours_renal, 'fr')}{' ' + rule.renal_lab_fr if rule.renal_lab_fr else ''}"
                f" si clairance < {rule.renal_crcl_below:g} mL/min)",
                f"{name}: record creatinine clearance (stop {_span(rule.stop_hours or _h(0), 'en')} before, "
                f"{_span(rule.stop_hours_renal, 'en')}{' ' + rule.renal_lab_en if rule.renal_lab_en else ''}"
                f" if CrCl < {rule.renal_crcl_below:g} mL/min)",
                rule.source,
                verified,
            )
        if creatinine_clearance_ml_min < rule.renal_crcl_below:
            stop = rule.stop_hours_renal
            lab_fr = f" {rule.renal_lab_fr}" if rule.renal_lab_fr else ""
            lab_en = f" {rule.renal_lab_en}" if rule.renal_lab_en else ""
            extra_fr = (
                f"{lab_fr} (clairance {creatinine_clearance_ml_min:g} mL/min"
                f" < {rule.renal_crcl_below:g})"
            )
            extra_en = f"{lab_en} (CrCl {creatinine_clearance_ml_min:g} mL/min < {rule.renal_crcl_below:g})"
    if rule.needs_normal_inr:
        extra_fr += ", INR normal le jour de la procédure"
        extra_en += ", normal INR on the day"
    restart_fr = restart_en = ""
    if rule.restart_hours is not None and action != "continue":
        restart_fr = f" ; reprise {_span(rule.restart_hours, 'fr')} après"
        restart_en = f"; restart {_span(rule.restart_hours, 'en')} after"
    if action == "stop" and stop is not None:
        fr = f"arrêter {fr_drug} {_span(stop, 'fr')} avant{extra_fr}{restart_fr}{ask}"
        en = f"stop {en_drug} {_span(stop, 'en')} before{extra_en}{restart_en}{ask_en}"
    elif action == "continue":
        fr = f"poursuivre {fr_drug} (pas d'arrêt pour ce palier){ask}"
        en = f"continue {en_drug} (no interruption for this tier){ask_en}"
    else:
        fr = (
            f"{fr_drug} : évaluation partagée avec le prescripteur (poursuite possible){restart_fr}"
        )
        en = f"{en_drug}: shared assessment with the prescriber (may be continued){restart_en}"
    if not verified:
        fr += " [délai non vérifié dans la source]"
        en += " [interval not verified in the source]"
    return DrugPlan(name, code, tier, action, fr, en, rule.source, verified)
