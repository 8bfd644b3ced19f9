"""Published human relief durations after cryoneurolysis, per catalog nerve, for the
relief model (:mod:`cryoneuro.clinical.regeneration`): which calibrate it, which test it.

Each row is one published figure, read as the day range over which relief ends for most
patients (``high_days=None``: "relief still present at ``low_days``", a lower bound).
``role`` says whether the row is used to **calibrate** the model's one free parameter (the
delay before regrowth plus the reinnervation/maturation time) or is **held out** to test
the prediction (``validation``). Every figure was checked against the study's abstract
with the project's search tool (docs/clinical/relief-window.md gives the addresses);
``verified`` is False where the figure or its nerve mapping is not certain.

Only the catalog's ``distance_to_end_organ_mm`` comes from :mod:`cryoneuro.clinical.nerves`;
a nerve without a row here (any nerve added to the catalog later) gets the pooled model
and is flagged *uncalibrated* (:func:`nerve_calibration_status`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "PUBLISHED_RELIEF",
    "CalibrationStatus",
    "PublishedRelief",
    "calibration_rows",
    "nerve_calibration_status",
    "validation_rows",
]

Role = Literal["calibration", "validation"]
CalibrationStatus = Literal["calibrated", "validated", "uncalibrated"]


@dataclass(frozen=True, slots=True)
class PublishedRelief:
    nerve_code: str
    indication: str
    low_days: float
    high_days: float | None
    role: Role
    source: str
    reading: str
    verified: bool = True


MONTH_DAYS = 30.4
"""Days per month used to read figures given in months."""

PUBLISHED_RELIEF: tuple[PublishedRelief, ...] = (
    # ------------------------------------------------------------- calibration set
    PublishedRelief(
        "ipbsn",
        "knee_oa",
        90.0,
        150.0,
        "calibration",
        "Radnovich et al., Osteoarthritis Cartilage 2017;25:1247 (n=180 RCT)",
        "better than sham at days 30/60/90; day-120 responders still better at day 150",
    ),
    PublishedRelief(
        "intercostal",
        "post_thoracic_surgery",
        3 * MONTH_DAYS,
        9 * MONTH_DAYS,
        "calibration",
        "DiFiore et al., J Pediatr Surg 2024, doi 10.1016/j.jpedsurg.2024.161904 (n=121, Nuss, T3-T8)",
        "normal chest-wall sensation in 14.9 % by 3 months, 62.3 % by 6 (median), 85.1 % by 9",
    ),
    PublishedRelief(
        "suprascapular",
        "shoulder",
        3 * MONTH_DAYS,
        6 * MONTH_DAYS,
        "calibration",
        "Matelich et al., Reg Anesth Pain Med 2022;47(Suppl 1):A99 (abstract B32, 3 patients)",
        "pain relief lasted 3-6 months (telephone follow-up)",
    ),
    # --------------------------------------------------------------- held-out set
    PublishedRelief(
        "afcn",
        "knee_oa",
        6 * MONTH_DAYS,
        None,
        "validation",
        "Nygaard et al., Anesthesiology 2025;142:1114 (n=87 sham RCT, AFCN + IPBSN)",
        "no difference at day 14; a difference from sham at 6 months",
    ),
    PublishedRelief(
        "ipbsn",
        "knee_oa",
        6 * MONTH_DAYS,
        None,
        "validation",
        "Nygaard et al., Anesthesiology 2025;142:1114 (n=87 sham RCT, AFCN + IPBSN)",
        "a difference from sham at 6 months",
    ),
    PublishedRelief(
        "intercostal",
        "post_thoracic_surgery",
        3.4 * MONTH_DAYS,
        10.8 * MONTH_DAYS,
        "validation",
        "Pediatr Surg Int 2019, doi 10.1007/s00383-019-04602-1 (n=43, Nuss)",
        "mean time to numbness resolution 3.4 months (age <= 21) and 10.8 months (older)",
    ),
    PublishedRelief(
        "lumbar_medial_branch",
        "low_back_facet",
        6 * MONTH_DAYS,
        12 * MONTH_DAYS,
        "validation",
        "Birkenmaier et al., Int Orthop 2007 (PMC2267642; n=50, 46 completed)",
        "mean back pain 7.7 -> 3.2 (6 weeks), 3.0 (6 months), 4.2 (12 months)",
    ),
    PublishedRelief(
        "greater_occipital",
        "occipital_neuralgia",
        30.0,
        56.0,
        "validation",
        "Grigsby et al., Local Reg Anesth 2021;14:125 (n=26)",
        "treatment effect in 50 % at day 30 and 35 % at day 56",
    ),
    PublishedRelief(
        "greater_occipital",
        "cervicogenic_headache",
        6.5 * 7,
        18 * 7,
        "validation",
        "Kvarstein et al., Scand J Pain 2019, doi 10.1515/sjpain-2019-0086 (n=52 RCT)",
        "pain rose gradually after 6-7 weeks, not back to baseline by 18 weeks",
        verified=False,  # the figures are the abstract's; which occipital nerves were frozen is not
    ),
    PublishedRelief(
        "suprascapular",
        "shoulder",
        6 * MONTH_DAYS,
        12 * MONTH_DAYS,
        "validation",
        "Stogicza & Peng, Reg Anesth Pain Med 2022 (rapm-2022-103670; 4 patients)",
        ">= 60 % relief for 6-12 months after cryoablation of the shoulder's articular branches",
        verified=False,  # articular branches of the suprascapular and other nerves, not the trunk
    ),
    PublishedRelief(
        "lfcn",
        "meralgia_paresthetica",
        3 * MONTH_DAYS,
        None,
        "validation",
        "Lateral femoral cutaneous nerve cryoneurolysis for meralgia paresthetica: a case report, "
        "AANA J 2024;92(1):35-39 (PMID 38289685, https://www.pubmed.gov/38289685; 1 patient)",
        "100 % pain relief immediately, 80 % at 1 month, 60 % pain reduction at 3 months "
        "(the last follow-up reported): relief still present at 3 months",
    ),
    PublishedRelief(
        "sacral_lateral_branches",
        "sacroiliac_joint_pain",
        6 * MONTH_DAYS,
        None,
        "validation",
        "Efficacy of cryoneurolysis versus intra-articular steroid in sacroiliac joint pain: a "
        "retrospective case-control study (abstract read on discovery.researcher.life; 39 "
        "cryoneurolysis cases, 44 steroid controls)",
        ">= 50 % NPRS decrease in 97.44 % at 1 month, 100 % at 3 months, 69.23 % at 6 months",
        verified=False,  # the abstract says "SIJ cryoneurolysis" without naming the nerves frozen;
        # authors and journal not retrieved
    ),
)


def calibration_rows() -> tuple[PublishedRelief, ...]:
    return tuple(r for r in PUBLISHED_RELIEF if r.role == "calibration")


def validation_rows() -> tuple[PublishedRelief, ...]:
    return tuple(r for r in PUBLISHED_RELIEF if r.role == "validation")


def nerve_calibration_status(nerve_code: str) -> CalibrationStatus:
    """``calibrated`` (the nerve's outcomes fitted the model), ``validated`` (only held-out
    outcomes, compared in the docs' table) or ``uncalibrated`` (no outcome data: the pooled
    model applies, shown as such). Rows with ``verified=False`` do not count: a nerve whose only
    row has an uncertain figure or nerve mapping stays ``uncalibrated``."""
    roles = {r.role for r in PUBLISHED_RELIEF if r.nerve_code == nerve_code and r.verified}
    if "calibration" in roles:
        return "calibrated"
    if "validation" in roles:
        return "validated"
    return "uncalibrated"
