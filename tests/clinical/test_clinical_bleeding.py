from __future__ import annotations

import typing

import pytest

from cryoneuro.clinical.bleeding import (
    DRUG_RULES,
    DrugCode,
    drug_code,
    plan_for_drug,
    target_tier,
)

DRUGS = typing.get_args(DrugCode)
TIERS = ("low", "intermediate", "high")


def test_it_has_a_rule_for_every_drug_and_tier_with_a_source() -> None:
    assert set(DRUG_RULES) == {(d, t) for d in DRUGS for t in TIERS}
    for rule in DRUG_RULES.values():
        assert "Narouze" in rule.source  # the tiers are Narouze's
        assert rule.verified or rule.unverified_reason  # an unverified figure says why


def test_it_marks_only_the_rows_read_in_a_source_as_verified() -> None:
    verified = {(d, t) for (d, t), r in DRUG_RULES.items() if r.verified}
    table = {(d, t) for d in ("warfarin", "acenocoumarol", "lmwh", "aspirin") for t in TIERS}
    # ESAIC/ESRA 2022, high-bleeding-risk (neuraxial and deep) blocks.
    esaic = {(d, "intermediate") for d in ("apixaban", "rivaroxaban", "edoxaban", "dabigatran")}
    esaic |= {("fluindione", "high"), ("fluindione", "intermediate")}
    assert verified == table | esaic
    for key in esaic:
        assert "Kietaibl" in DRUG_RULES[key].source and "ESAIC/ESRA" in DRUG_RULES[key].source
    for drug in ("clopidogrel", "prasugrel", "ticagrelor"):
        assert not any(DRUG_RULES[(drug, t)].verified for t in TIERS)


def test_it_stops_fluindione_5_days_with_a_normal_inr_before_a_deep_target() -> None:
    # ESAIC/ESRA 2022: VKA "about ... 5 days warfarin, fluindione", INR normal.
    plan = plan_for_drug("Préviscan 20 mg", "intermediate")
    assert plan.verified and plan.action == "stop"
    assert plan.message_en.startswith("stop fluindione 5 days before, normal INR on the day")
    assert "arrêter la fluindione 5 jours avant, INR normal" in plan.message_fr
    assert "not verified" not in plan.message_en
    low = plan_for_drug("Préviscan", "low")
    assert not low.verified and "[interval not verified in the source]" in low.message_en


def test_it_stops_dabigatran_3_days_before_a_deep_target_and_checks_a_level_if_renal() -> None:
    # ESAIC/ESRA 2022: dabigatran high dose 72 h; CrCl < 50 mL/min: until DTI level < 30 ng/mL.
    assert plan_for_drug("Pradaxa", "intermediate").action == "missing_information"
    normal = plan_for_drug("Pradaxa 150", "intermediate", creatinine_clearance_ml_min=80)
    assert normal.verified and normal.message_en.startswith(
        "stop dabigatran 3 days before; restart 24 h after"
    )
    renal = plan_for_drug("Pradaxa 110", "intermediate", creatinine_clearance_ml_min=40)
    assert renal.message_en.startswith(
        "stop dabigatran 3 days before and until a dabigatran level < 30 ng/mL"
        " (or a normal thrombin time) (CrCl 40 mL/min < 50); restart 24 h after"
    )
    assert "taux de dabigatran < 30 ng/mL" in renal.message_fr


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Eliquis 5 mg x 2", "apixaban"),
        ("warfarine", "warfarin"),
        ("Kardégic 75", "aspirin"),
        ("acide acétylsalicylique", "aspirin"),
        ("Brilique", "ticagrelor"),
        ("Lovenox 4000 UI", "lmwh"),
        ("tisane", None),
    ],
)
def test_it_reads_drug_names_as_prescribed(name: str, code: str | None) -> None:
    assert drug_code(name) == code


@pytest.mark.parametrize(
    ("tier", "expected"),
    [
        ("high", "stop apixaban 3-5 days before; restart 24 h after"),
        ("intermediate", "stop apixaban 3 days before; restart 24 h after"),
        ("low", "apixaban: shared assessment with the prescriber (may be continued)"),
    ],
)
def test_it_gives_apixaban_per_tier(tier: str, expected: str) -> None:
    plan = plan_for_drug("apixaban", tier)  # type: ignore[arg-type]
    assert plan.message_en.startswith(expected)


def test_it_follows_the_table_for_warfarin_and_lmwh() -> None:
    high = plan_for_drug("Coumadine", "high")
    assert high.verified and "stop warfarin 5 days before, normal INR on the day" in high.message_en
    assert plan_for_drug("Lovenox", "low", lmwh_dose="therapeutic").message_en.startswith(
        "stop LMWH 24 h before; restart 4 h after"
    )
    assert plan_for_drug("Lovenox", "low").action == "missing_information"


def test_it_separates_aspirin_for_primary_and_secondary_prevention() -> None:
    assert plan_for_drug("aspirine", "high", aspirin_prevention="primary").action == "stop"
    assert (
        plan_for_drug("aspirine", "high", aspirin_prevention="secondary").action
        == "shared_assessment"
    )
    assert plan_for_drug("aspirine", "low").action == "continue"


def test_it_never_raises_a_tier_above_high() -> None:
    tier = target_tier(["hip_obturator_articular"], "hip_arthrosis", antithrombotic_count=3)
    assert (tier.base_tier, tier.tier) == ("intermediate", "high")
    top = target_tier(
        ["hip_obturator_articular"],
        "hip_arthrosis",
        antithrombotic_count=2,
        creatinine_clearance_ml_min=20,
    )
    assert top.tier == "high"


def test_it_stops_dalteparin_24_h_before_whatever_the_dose() -> None:
    # UpToDate table after Narouze 2018: "LMWH: Dalteparin 24 hours" in every tier.
    for tier in ("low", "intermediate", "high"):
        for dose in ("prophylactic", "therapeutic", None):
            plan = plan_for_drug("Fragmine 5000 UI", tier, lmwh_dose=dose)
            assert plan.action == "stop" and plan.verified
            assert "24 h avant" in plan.message_fr and "stop LMWH 24 h before" in plan.message_en
    enox = plan_for_drug("Lovenox 4000", "high", lmwh_dose="prophylactic")
    assert "12 h avant" in enox.message_fr
