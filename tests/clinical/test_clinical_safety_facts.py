"""Rules on the safety facts of issue 10 (rule set 2026.12.1, merged into 2026.12.3): each new fact changes the
decision, with its reason and source; contradictions are field-level errors."""

from __future__ import annotations

import json

import pytest
from clinical_cases import eligible_data
from pydantic import ValidationError

from cryoneuro.clinical.eligibility import RULES, RULESET_VERSION, Case, assess, case_errors
from cryoneuro.clinical.safety import DEFAULT_SAFETY_THRESHOLDS, SafetyThresholds


def _assess(indication: str = "knee_arthrosis", **overrides):
    return assess(Case.model_validate(eligible_data(indication, **overrides)))


def _errors(lang: str = "fr", **overrides) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        Case.model_validate(eligible_data(**overrides))
    return case_errors(info.value, lang)


def test_it_bumps_the_ruleset_version_and_stores_the_safety_thresholds():
    decision = _assess()
    assert RULESET_VERSION == "2026.12.7" == decision.to_dict()["ruleset_version"]
    assert decision.to_dict()["safety_thresholds"]["failed_sessions_max"] == 2
    assert decision.outcome == "eligible"


@pytest.mark.parametrize("disorder", ["haemophilia_a", "haemophilia_b", "von_willebrand"])
def test_it_sends_a_known_bleeding_disorder_to_review(disorder):
    decision = _assess(bleeding_disorder=disorder)
    assert decision.outcome == "needs_review"
    assert "NR_BLEEDING_DISORDER" in decision.codes("needs_review")


def test_it_shows_the_aptt_ratio_in_the_bleeding_disorder_reason():
    decision = _assess(bleeding_disorder="haemophilia_a", aptt_ratio=1.6)
    hit = next(h for h in decision.fired if h.code == "NR_BLEEDING_DISORDER")
    assert "hémophilie A" in hit.message_fr and "ratio TCA 1.6" in hit.message_fr
    assert "aPTT ratio 1.6" in hit.message_en and "Narouze" in hit.source


def test_it_refuses_an_aptt_without_a_bleeding_disorder_naming_the_field():
    errors = _errors(aptt_ratio=1.4)
    assert set(errors) == {"aptt_ratio"}
    assert "ratio TCA" in errors["aptt_ratio"] and "1.4" in errors["aptt_ratio"]
    assert "no bleeding disorder" in _errors("en", aptt_ratio=1.4)["aptt_ratio"]


def test_it_refuses_an_other_bleeding_disorder_without_a_description():
    errors = _errors(bleeding_disorder="other")
    assert set(errors) == {"bleeding_disorder_detail"}
    decision = _assess(bleeding_disorder="other", bleeding_disorder_detail="déficit en FXI")
    assert "déficit en FXI" in decision.fired[0].message_fr or any(
        "déficit en FXI" in h.message_fr for h in decision.fired
    )


@pytest.mark.parametrize(
    ("substance", "code"),
    [
        ("amide_local_anaesthetic", "NR_ALLERGY_LOCAL_ANAESTHETIC"),
        ("ester_local_anaesthetic", "NR_ALLERGY_LOCAL_ANAESTHETIC"),
        ("chlorhexidine", "NR_ALLERGY_ANTISEPTIC"),
        ("povidone_iodine", "NR_ALLERGY_ANTISEPTIC"),
        ("latex", "NR_ALLERGY_LATEX"),
    ],
)
def test_it_sends_each_allergy_to_review(substance, code):
    decision = _assess(allergies=[{"substance": substance}])
    assert decision.outcome == "needs_review" and code in decision.codes()


def test_it_names_the_other_allergen_and_refuses_it_without_text():
    decision = _assess(allergies=[{"substance": "other", "detail": "iode"}])
    hit = next(h for h in decision.fired if h.code == "NR_ALLERGY_OTHER")
    assert "iode" in hit.message_fr
    errors = _errors(allergies=[{"substance": "other", "detail": "  "}])
    assert set(errors) == {"allergies.0.detail"}
    assert errors["allergies.0.detail"].startswith("Nommer l'allergène")


def test_it_refuses_an_unknown_allergen_code():
    assert "allergies.0.substance" in _errors(allergies=[{"substance": "peanuts"}])


def test_it_makes_a_systemic_infection_not_eligible():
    decision = _assess(systemic_infection=True)
    assert decision.outcome == "not_eligible"
    hit = next(h for h in decision.fired if h.code == "CI_SYSTEMIC_INFECTION")
    assert "ASSUMPTION" in hit.source  # no published cryoneurolysis source: said so


@pytest.mark.parametrize(("age", "outcome"), [(13, "needs_review"), (17, "needs_review")])
def test_it_sends_a_minor_to_specialist_review(age, outcome):
    decision = _assess(age_years=age)
    assert decision.outcome == outcome and "NR_MINOR" in decision.codes()
    hit = next(h for h in decision.fired if h.code == "NR_MINOR")
    assert f"{age} ans < 18 ans" in hit.message_fr and "Nuss" in hit.source


def test_it_does_not_flag_an_adult_of_eighteen():
    assert "NR_MINOR" not in _assess(age_years=18).codes()


def test_it_makes_a_refusal_not_eligible_and_records_a_consent():
    refused = _assess(consent="refused")
    assert refused.outcome == "not_eligible" and "CI_CONSENT_REFUSED" in refused.codes()
    assert "L1111-4" in refused.fired[0].source or any("L1111-4" in h.source for h in refused.fired)
    assert "SUP_CONSENT_GIVEN" in _assess(consent="given").codes("supports")
    pending = _assess(consent="pending")
    assert pending.outcome == "eligible" and "SUP_CONSENT_GIVEN" not in pending.codes()


def test_it_refuses_a_third_session_after_two_failed_ones_of_the_same_target():
    failed = [{"outcome": "failed"}, {"outcome": "failed"}]
    decision = _assess(previous_sessions_same_target=failed)
    assert decision.outcome == "not_eligible" and "CI_TWO_FAILED_SESSIONS" in decision.codes()
    hit = next(h for h in decision.fired if h.code == "CI_TWO_FAILED_SESSIONS")
    assert "10.1007/s00270-025-04310-5" in hit.source and "2 " in hit.message_en


def test_it_allows_a_repeat_after_one_failure_and_supports_a_repeat_after_relief():
    one = _assess(previous_sessions_same_target=[{"outcome": "failed"}])
    assert "CI_TWO_FAILED_SESSIONS" not in one.codes() and one.outcome == "eligible"
    mixed = _assess(
        previous_sessions_same_target=[{"outcome": "good_relief"}, {"outcome": "partial_relief"}]
    )
    assert "SUP_PREVIOUS_SESSION_RELIEF" in mixed.codes("supports")


def test_it_reads_the_failed_sessions_limit_from_its_parameter():
    assert DEFAULT_SAFETY_THRESHOLDS.failed_sessions_max == 2
    with pytest.raises(ValueError, match="failed_sessions_max"):
        SafetyThresholds(failed_sessions_max=0)


@pytest.mark.parametrize(
    ("pct", "code"),
    [(50, "SUP_DIAGNOSTIC_BLOCK_POSITIVE"), (80, "SUP_DIAGNOSTIC_BLOCK_POSITIVE")],
)
def test_it_supports_a_positive_diagnostic_block(pct, code):
    decision = _assess(diagnostic_block_relief_pct=pct)
    assert code in decision.codes("supports") and decision.outcome == "eligible"


def test_it_sends_a_negative_diagnostic_block_to_review():
    decision = _assess(diagnostic_block_relief_pct=49.5)
    assert "NR_DIAGNOSTIC_BLOCK_NEGATIVE" in decision.codes()
    assert "49.5 %" in next(h.message_fr for h in decision.fired if "BLOCK" in h.code)


def test_it_needs_a_block_where_the_sources_make_it_usual():
    occipital = _assess("occipital_neuralgia", diagnostic_block_relief_pct=None)
    assert "NR_DIAGNOSTIC_BLOCK_MISSING" in occipital.codes()
    assert "ICHD-3" in next(h.source for h in occipital.fired if "BLOCK" in h.code)
    knee = _assess("knee_arthrosis", diagnostic_block_relief_pct=None)
    assert "NR_DIAGNOSTIC_BLOCK_MISSING" not in knee.codes()


GENICULAR = ["genicular_superomedial", "genicular_superolateral", "genicular_inferomedial"]


def test_it_needs_a_block_before_freezing_a_nerve_where_the_sources_make_it_usual():
    # genicular nerves: a >= 50 % diagnostic block precedes cryoneurolysis in Lo Bianco 2025
    # and the Panagopoulos 2023 protocol (clinical/nerves.py, block_usual_source)
    knee = _assess("knee_arthrosis", diagnostic_block_relief_pct=None, target_nerves=GENICULAR)
    assert "NR_DIAGNOSTIC_BLOCK_MISSING_TARGET" in knee.codes()
    assert knee.outcome == "needs_review"
    hit = next(h for h in knee.fired if h.code == "NR_DIAGNOSTIC_BLOCK_MISSING_TARGET")
    assert "genicular_superomedial, genicular_superolateral" in hit.message_fr
    assert "habituel avant la cryoneurolyse" in hit.message_fr
    assert "usual before cryoneurolysis" in hit.message_en
    assert "Lo Bianco" in hit.source and "Panagopoulos" in hit.source
    # only the flagged targets are named
    mixed = _assess(diagnostic_block_relief_pct=None, target_nerves=["ipbsn", GENICULAR[2]])
    hit = next(h for h in mixed.fired if h.code == "NR_DIAGNOSTIC_BLOCK_MISSING_TARGET")
    assert "genicular_inferomedial" in hit.message_en and "ipbsn" not in hit.message_en


def test_a_block_or_an_unflagged_target_does_not_ask_for_one():
    done = _assess(diagnostic_block_relief_pct=80, target_nerves=GENICULAR)
    assert "NR_DIAGNOSTIC_BLOCK_MISSING_TARGET" not in done.codes()
    assert done.outcome == "eligible"
    ipbsn = _assess(diagnostic_block_relief_pct=None, target_nerves=["ipbsn", "afcn"])
    assert "NR_DIAGNOSTIC_BLOCK_MISSING_TARGET" not in ipbsn.codes()
    assert ipbsn.outcome == "eligible"
    unnamed = _assess(diagnostic_block_relief_pct=None)
    assert "NR_DIAGNOSTIC_BLOCK_MISSING_TARGET" not in unnamed.codes()
    # a negative block is reviewed by its own rule, not as a missing one
    negative = _assess(diagnostic_block_relief_pct=30, target_nerves=GENICULAR)
    assert "NR_DIAGNOSTIC_BLOCK_NEGATIVE" in negative.codes()
    assert "NR_DIAGNOSTIC_BLOCK_MISSING_TARGET" not in negative.codes()


def test_the_catalog_flags_only_sourced_nerves_for_a_usual_block():
    from cryoneuro.clinical.nerves import NERVES

    flagged = {c for c, n in NERVES.items() if n.block_usual_source}
    assert flagged == set(GENICULAR)


@pytest.mark.parametrize(
    "condition", ["buerger_disease", "sickle_cell_disease", "previous_cold_injury_at_site"]
)
def test_it_makes_the_cold_therapy_labelling_conditions_contraindications(condition):
    decision = _assess(cold_conditions=[condition])
    assert decision.outcome == "not_eligible"
    hit = next(h for h in decision.fired if h.code == f"CI_{condition.upper()}")
    assert "IceMan" in hit.source


@pytest.mark.parametrize(
    ("target", "outcome"), [(None, "needs_review"), (False, "needs_review"), (True, "eligible")]
)
def test_it_needs_a_discrete_target_nerve_in_crps(target, outcome):
    decision = _assess("crps", discrete_target_nerve=target)
    assert decision.outcome == outcome
    if target is not True:
        hit = next(h for h in decision.fired if h.code == "NR_CRPS_NO_DISCRETE_TARGET")
        assert "Harden" in hit.source and "Delphi" in hit.source


def test_it_ignores_the_discrete_target_outside_crps():
    assert _assess("knee_arthrosis", discrete_target_nerve=None).outcome == "eligible"


def test_it_requires_every_safety_fact():
    data = eligible_data()
    for key in ("age_years", "consent", "bleeding_disorder", "allergies", "systemic_infection"):
        broken = {k: v for k, v in data.items() if k != key}
        with pytest.raises(ValidationError) as info:
            Case.model_validate(broken)
        assert case_errors(info.value) == {key: "champ obligatoire"}


def test_it_gives_every_new_rule_a_source():
    new = [
        r
        for r in RULES
        if r.code.endswith(("SESSIONS", "MINOR", "CONSENT_GIVEN")) or "ALLERGY" in r.code
    ]
    assert len(new) >= 7 and all(r.source for r in new)


def test_it_lists_the_new_facts_in_the_case_schema():
    from cryoneuro.clinical.eligibility import case_json_schema

    schema = json.dumps(case_json_schema())
    for key in ("aptt_ratio", "allergies", "systemic_infection", "discrete_target_nerve"):
        assert key in schema
