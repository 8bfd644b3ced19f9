from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest
from clinical_cases import ALL_NO_DN4, ARTHROSES, NEURALGIAS, eligible_data
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from cryoneuro.clinical.eligibility import (
    DEFAULT_THRESHOLDS,
    RULES,
    RULESET_VERSION,
    THRESHOLD_SOURCES,
    Case,
    Thresholds,
    assess,
    case_errors,
    case_json_schema,
)
from cryoneuro.clinical.indications import INDICATIONS

MakeCase = Callable[..., Case]

COLD = (
    "raynaud",
    "cryoglobulinaemia",
    "cold_urticaria",
    "cold_agglutinin_disease",
    "paroxysmal_cold_haemoglobinuria",
)


# ------------------------------------------------------------------ the rule table


def test_it_keeps_rule_codes_unique_and_every_rule_sourced_and_bilingual() -> None:
    codes = [r.code for r in RULES]
    assert len(codes) == len(set(codes))
    for rule in RULES:
        assert rule.severity in {"contraindication", "needs_review", "supports"}
        assert rule.message_fr and rule.message_en and rule.message_fr != rule.message_en
        assert len(rule.source) > 10
        prefix = {"contraindication": "CI_", "needs_review": "NR_", "supports": "SUP_"}[
            rule.severity
        ]
        assert rule.code.startswith(prefix)


def test_it_says_which_thresholds_are_configurable_defaults() -> None:
    by_code = {r.code: r for r in RULES}
    assert "CONFIGURABLE DEFAULT" in by_code["NR_INR_HIGH"].source
    assert "Narouze" in by_code["NR_INR_HIGH"].source
    assert "CONFIGURABLE DEFAULT" in by_code["NR_PLATELETS_LOW"].source
    assert "Nygaard" in by_code["NR_PREGNANCY"].source


# ------------------------------------------------------------------ each indication


@pytest.mark.parametrize("code", list(INDICATIONS))
def test_it_finds_each_indication_eligible_when_everything_supports_it(
    make_case: MakeCase, code: str
) -> None:
    decision = assess(make_case(code))
    assert decision.outcome == "eligible", decision.message("en")
    supports = set(decision.codes("supports"))
    assert {
        "SUP_INDICATION_IN_CATALOG",
        "SUP_CHRONIC_PAIN",
        "SUP_CONSERVATIVE_FAILED",
        "SUP_NRS_HIGH",
    } <= supports
    assert ("SUP_SURGERY_DECLINED_OR_IMPOSSIBLE" in supports) == (code in ARTHROSES)
    assert ("SUP_DN4_NEUROPATHIC" in supports) == (code in NEURALGIAS)


@pytest.mark.parametrize("code", ARTHROSES)
def test_it_asks_for_the_surgery_status_in_arthrosis(make_case: MakeCase, code: str) -> None:
    missing = assess(make_case(code, surgery_declined_or_impossible=None))
    assert missing.outcome == "needs_review"
    assert "NR_SURGERY_STATUS_MISSING" in missing.codes()
    possible = assess(make_case(code, surgery_declined_or_impossible=False))
    assert possible.codes("needs_review") == ("NR_SURGERY_POSSIBLE",)


@pytest.mark.parametrize("code", NEURALGIAS)
def test_it_checks_the_dn4_in_neuralgias(make_case: MakeCase, code: str) -> None:
    no_dn4 = assess(make_case(code, dn4=None))
    assert no_dn4.codes("needs_review") == ("NR_DN4_MISSING",)
    assert "DN4" in no_dn4.fired[0].message_en or any("DN4" in h.message_en for h in no_dn4.fired)
    low = assess(make_case(code, dn4={**ALL_NO_DN4, "burning": True}))
    assert low.codes("needs_review") == ("NR_DN4_LOW",)
    assert any("1/10" in h.message_fr for h in low.fired)


@pytest.mark.parametrize("code", [c for c in INDICATIONS if c not in NEURALGIAS])
def test_it_does_not_require_a_dn4_outside_neuralgias(make_case: MakeCase, code: str) -> None:
    decision = assess(make_case(code, dn4=None))
    assert "NR_DN4_MISSING" not in decision.codes()


@pytest.mark.parametrize("code", [c for c in INDICATIONS if c not in ARTHROSES])
def test_it_ignores_surgery_status_outside_arthrosis(make_case: MakeCase, code: str) -> None:
    for value in (None, False, True):
        decision = assess(make_case(code, surgery_declined_or_impossible=value))
        assert decision.outcome == "eligible"


# ------------------------------------------------------------------ each contraindication


@pytest.mark.parametrize("condition", COLD)
@pytest.mark.parametrize("code", list(INDICATIONS))
def test_it_refuses_every_cold_related_condition(
    make_case: MakeCase, condition: str, code: str
) -> None:
    decision = assess(make_case(code, cold_conditions=[condition]))
    assert decision.outcome == "not_eligible"
    assert decision.codes("contraindication") == (f"CI_{condition.upper()}",)


@pytest.mark.parametrize("code", list(INDICATIONS))
def test_it_refuses_a_local_infection(make_case: MakeCase, code: str) -> None:
    decision = assess(make_case(code, skin_state="local_infection"))
    assert decision.outcome == "not_eligible"
    assert decision.codes("contraindication") == ("CI_LOCAL_INFECTION",)
    assert "infection" in decision.message("en").lower()
    assert "infection locale" in decision.message("fr").lower()


def test_it_lists_every_contraindication_that_fired(make_case: MakeCase) -> None:
    decision = assess(
        make_case(cold_conditions=list(COLD), skin_state="local_infection", pregnancy=True)
    )
    assert decision.outcome == "not_eligible"
    assert len(decision.codes("contraindication")) == 6
    assert "NR_PREGNANCY" in decision.codes("needs_review")


# ------------------------------------------------------------------ each needs-review rule

NEEDS_REVIEW_CASES: list[tuple[str, dict[str, Any]]] = [
    ("NR_INR_HIGH", {"inr": 2.5, "target_nerves": ["intercostal"]}),
    ("NR_PLATELETS_LOW", {"platelets_g_per_l": 60, "target_nerves": ["intercostal"]}),
    ("NR_ANTICOAGULANT", {"anticoagulants": ["apixaban 5 mg x 2"]}),
    ("NR_ANTIPLATELET", {"antiplatelets": ["clopidogrel"]}),
    ("NR_PREGNANCY", {"pregnancy": True}),
    ("NR_SYSTEMIC_INFLAMMATORY_DISEASE", {"systemic_inflammatory_disease": True}),
    ("NR_RECENT_STEROID_INJECTION", {"steroid_injection_at_site_last_3_months": True}),
    ("NR_MIXED_MOTOR_NERVE", {"target_is_mixed_motor_nerve": True}),
    ("NR_SKIN_NOT_INTACT", {"skin_state": "wound"}),
    ("NR_SKIN_NOT_INTACT", {"skin_state": "dermatitis"}),
    ("NR_OTHER_CAUTIONS", {"other_cautions": "pacemaker"}),
    ("NR_NOT_CHRONIC", {"pain_duration_months": 1.5}),
    ("NR_NO_CONSERVATIVE_TREATMENT", {"conservative_treatments": []}),
    (
        "NR_CONSERVATIVE_EFFECTIVE",
        {"conservative_treatments": [{"kind": "tens", "name": "TENS", "result": "good_relief"}]},
    ),
    ("NR_NRS_LOW", {"nrs": 3}),
]


@pytest.mark.parametrize(("rule_code", "overrides"), NEEDS_REVIEW_CASES)
def test_it_asks_for_review_on_each_caution(
    make_case: MakeCase, rule_code: str, overrides: dict[str, Any]
) -> None:
    decision = assess(make_case(**overrides))
    assert decision.outcome == "needs_review"
    assert decision.codes("needs_review") == (rule_code,)
    assert not decision.codes("contraindication")


def test_it_puts_values_and_thresholds_in_the_messages(make_case: MakeCase) -> None:
    decision = assess(
        make_case(
            inr=2.5,
            platelets_g_per_l=60,
            anticoagulants=["warfarine"],
            target_nerves=["intercostal"],
        )
    )
    text_en = decision.message("en")
    assert "INR 2.5 above 1.4 for a intermediate bleeding-risk tier (Intercostal nerve" in text_en
    assert "Platelets 60.0 G/L below 80.0 G/L" in text_en
    assert "stop warfarin 5 days before, normal INR on the day; restart 6 h after" in text_en
    assert "INR 2.5 supérieur à 1.4" in decision.message("fr")


def test_it_says_what_is_missing(make_case: MakeCase) -> None:
    decision = assess(make_case(conservative_treatments=[]))
    hit = decision.fired[[h.code for h in decision.fired].index("NR_NO_CONSERVATIVE_TREATMENT")]
    assert hit.message_en.startswith("Missing information")
    assert hit.message_fr.startswith("Information manquante")
    assert "SUP_CONSERVATIVE_FAILED" not in decision.codes()


def test_it_counts_not_tolerated_as_not_enough_relief(make_case: MakeCase) -> None:
    treatments = [
        {"kind": "opioid", "name": "tramadol", "dose": "50 mg x 3", "result": "not_tolerated"}
    ]
    decision = assess(make_case(conservative_treatments=treatments))
    assert decision.outcome == "eligible"
    assert "tramadol" in decision.message("en")


# ------------------------------------------------------------------ thresholds


def test_it_uses_configurable_thresholds(make_case: MakeCase) -> None:
    case = make_case(
        inr=1.8, platelets_g_per_l=70, nrs=3, pain_duration_months=2, target_nerves=["intercostal"]
    )
    default = assess(case)
    assert set(default.codes("needs_review")) == {
        "NR_INR_HIGH",
        "NR_PLATELETS_LOW",
        "NR_NRS_LOW",
        "NR_NOT_CHRONIC",
    }
    lenient = Thresholds(inr_max=2.0, platelets_min_g_per_l=50, nrs_min=3, chronic_months=1)
    decision = assess(case, lenient)
    assert decision.outcome == "eligible"
    assert decision.to_dict()["thresholds"]["inr_max"] == 2.0


def test_it_treats_thresholds_as_inclusive_limits(make_case: MakeCase) -> None:
    t = DEFAULT_THRESHOLDS
    at_limits = make_case(
        inr=t.inr_max,
        platelets_g_per_l=t.platelets_min_g_per_l,
        nrs=t.nrs_min,
        pain_duration_months=t.chronic_months,
    )
    assert assess(at_limits).outcome == "eligible"


def test_it_rejects_impossible_thresholds() -> None:
    with pytest.raises(ValueError, match="inr_max"):
        Thresholds(inr_max=0.2)
    with pytest.raises(ValueError, match="nrs_min"):
        Thresholds(nrs_min=11)


# ------------------------------------------------------------------ the case


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("nrs", 14),
        ("nrs", -1),
        ("inr", -1),
        ("inr", 0.5),
        ("inr", 12),
        ("platelets_g_per_l", -5),
        ("platelets_g_per_l", 5000),
        ("pain_duration_months", -1),
        ("pain_duration_months", 2000),
        ("indication", "elbow_pain"),
        ("side", "up"),
        ("skin_state", "burnt"),
        ("cold_conditions", ["frostbite"]),
        ("pain_location", ""),
    ],
)
def test_it_rejects_impossible_values_naming_the_field(field: str, value: Any) -> None:
    with pytest.raises(ValidationError) as info:
        Case.model_validate(eligible_data(**{field: value}))
    locs = {err["loc"][0] for err in info.value.errors()}
    assert locs == {field}


def test_it_lists_valid_indication_codes_in_the_error() -> None:
    with pytest.raises(ValidationError, match="valid codes: knee_arthrosis"):
        Case.model_validate(eligible_data(indication="elbow"))


def test_it_forbids_unknown_fields() -> None:
    with pytest.raises(ValidationError, match="extra"):
        Case.model_validate(eligible_data(smoker=True))
    with pytest.raises(ValidationError):
        Case.model_validate(eligible_data(dn4={**ALL_NO_DN4, "cold": True}))


def test_it_requires_the_safety_questions() -> None:
    data = eligible_data()
    for key in ("pregnancy", "skin_state", "systemic_inflammatory_disease"):
        data.pop(key)
    with pytest.raises(ValidationError) as info:
        Case.model_validate(data)
    assert {e["loc"][0] for e in info.value.errors()} == {
        "pregnancy",
        "skin_state",
        "systemic_inflammatory_disease",
    }


def test_it_exports_a_json_schema_of_the_case() -> None:
    schema = case_json_schema()
    json.dumps(schema)
    assert schema["additionalProperties"] is False
    assert schema["properties"]["indication"]["enum"] == list(INDICATIONS)
    assert set(schema["properties"]) == set(Case.model_fields)
    assert "DN4Answers" in schema["$defs"] and "TreatmentTried" in schema["$defs"]
    assert schema["properties"]["nrs"]["maximum"] == 10


# ------------------------------------------------------------------ the decision


def test_it_serialises_the_decision(make_case: MakeCase) -> None:
    decision = assess(make_case(pregnancy=True))
    data = json.loads(json.dumps(decision.to_dict()))
    assert data["outcome"] == "needs_review"
    assert data["ruleset_version"] == RULESET_VERSION
    assert {"code", "severity", "message_fr", "message_en", "source"} == set(data["fired"][0])
    assert decision.message("fr").startswith("Avis spécialisé nécessaire")
    assert decision.message("en").startswith("Specialist review needed")


@settings(max_examples=150, deadline=None)
@given(
    nrs=st.integers(0, 10),
    months=st.floats(0, 1200, allow_nan=False),
    inr=st.none() | st.floats(0.51, 10),
    platelets=st.none() | st.floats(0, 2000),
    cold=st.lists(st.sampled_from(COLD), unique=True, max_size=2),
    skin=st.sampled_from(["intact", "local_infection", "wound", "dermatitis", "scar"]),
    flags=st.tuples(st.booleans(), st.booleans(), st.booleans()),
    code=st.sampled_from(list(INDICATIONS)),
)
def test_it_derives_the_outcome_from_the_severities_that_fired(
    nrs: int,
    months: float,
    inr: float | None,
    platelets: float | None,
    cold: list[str],
    skin: str,
    flags: tuple[bool, bool, bool],
    code: str,
) -> None:
    case = Case.model_validate(
        eligible_data(
            code,
            nrs=nrs,
            pain_duration_months=months,
            inr=inr,
            platelets_g_per_l=platelets,
            cold_conditions=cold,
            skin_state=skin,
            pregnancy=flags[0],
            systemic_inflammatory_disease=flags[1],
            steroid_injection_at_site_last_3_months=flags[2],
        )
    )
    decision = assess(case)
    severities = {h.severity for h in decision.fired}
    if cold or skin == "local_infection":
        assert decision.outcome == "not_eligible"
    elif "needs_review" in severities:
        assert decision.outcome == "needs_review"
    else:
        assert decision.outcome == "eligible"
    assert ("contraindication" in severities) == (decision.outcome == "not_eligible")
    # the decision is a pure function of the case
    assert assess(case) == decision


@pytest.mark.parametrize(
    "field",
    [
        "dn4",
        "surgery_declined_or_impossible",
        "conservative_treatments",
        "anticoagulants",
        "antiplatelets",
        "inr",
        "platelets_g_per_l",
        "cold_conditions",
    ],
)
def test_it_requires_every_question_to_be_answered_even_with_null(field: str) -> None:
    data = eligible_data()
    data.pop(field)
    with pytest.raises(ValidationError) as info:
        Case.model_validate(data)
    assert info.value.errors()[0]["type"] == "missing"
    Case.model_validate(eligible_data(**{field: None if field in NULLABLE else []}))


NULLABLE = {"dn4", "surgery_declined_or_impossible", "inr", "platelets_g_per_l"}


@pytest.mark.parametrize("field", ["nrs", "pain_duration_months", "inr", "platelets_g_per_l"])
def test_it_refuses_booleans_for_numbers(field: str) -> None:
    with pytest.raises(ValidationError, match="not true/false"):
        Case.model_validate(eligible_data(**{field: True}))


def test_it_gives_field_messages_in_french_and_english() -> None:
    data = eligible_data(nrs=14, inr=-1, indication="elbow", side="up", smoker=True)
    data.pop("pregnancy")
    with pytest.raises(ValidationError) as info:
        Case.model_validate(data)
    fr = case_errors(info.value, "fr")
    en = case_errors(info.value, "en")
    assert set(fr) == set(en) == {"nrs", "inr", "indication", "side", "smoker", "pregnancy"}
    assert fr["nrs"] == "doit être inférieur ou égal à 10 (valeur : 14)"
    assert en["nrs"] == "Input should be less than or equal to 10 (got 14)"
    assert fr["inr"] == "doit être supérieur à 0.5 (valeur : -1)"
    assert fr["pregnancy"] == "champ obligatoire" and fr["smoker"] == "champ inconnu"
    assert fr["indication"].startswith("indication inconnue ; codes valides : knee_arthrosis")
    assert " ou " in fr["side"]


def test_it_documents_the_source_of_every_threshold() -> None:
    assert set(THRESHOLD_SOURCES) == {f.name for f in dataclasses.fields(Thresholds)}
    assert all(len(s) > 10 for s in THRESHOLD_SOURCES.values())


# ------------------------------------------------------------------ bleeding tiers (issue 10)


def _hit(decision: Any, code: str) -> Any:
    return next(h for h in decision.fired if h.code == code)


@pytest.mark.parametrize(
    ("target", "inr", "fires"),
    [
        ("ipbsn", 2.5, False),  # low tier: INR <= 3.0
        ("ipbsn", 3.2, True),
        ("intercostal", 1.4, False),  # intermediate: normal INR (<= 1.4)
        ("intercostal", 1.5, True),
    ],
)
def test_it_uses_the_inr_limit_of_the_targets_tier(
    make_case: MakeCase, target: str, inr: float, fires: bool
) -> None:
    decision = assess(make_case(inr=inr, target_nerves=[target]))
    assert ("NR_INR_HIGH" in decision.codes()) is fires


def test_it_tells_what_to_do_with_apixaban_per_tier(make_case: MakeCase) -> None:
    low = _hit(
        assess(make_case(anticoagulants=["Eliquis 5 mg"], target_nerves=["ipbsn"])),
        "NR_ANTICOAGULANT",
    )
    assert "low bleeding-risk tier" in low.message_en and "shared assessment" in low.message_en
    inter = _hit(
        assess(make_case(anticoagulants=["apixaban"], target_nerves=["intercostal"])),
        "NR_ANTICOAGULANT",
    )
    assert "stop apixaban 3 days before; restart 24 h after" in inter.message_en
    assert "arrêter l'apixaban 3 jours avant" in inter.message_fr
    # ESAIC/ESRA 2022 (deep, non-compressible target): verified since rule set 2026.12.6.
    assert "not verified" not in inter.message_en
    low_row = assess(make_case(anticoagulants=["apixaban"], target_nerves=["ipbsn"]))
    assert "not verified" in _hit(low_row, "NR_ANTICOAGULANT").message_en  # low row not read


def test_it_raises_the_tier_for_several_antithrombotics(make_case: MakeCase) -> None:
    hit = _hit(
        assess(
            make_case(
                anticoagulants=["apixaban"],
                antiplatelets=["aspirine"],
                target_nerves=["intercostal"],
                aspirin_prevention="primary",
            )
        ),
        "NR_ANTIPLATELET",
    )
    assert (
        "high bleeding-risk tier" in hit.message_en and "raised from intermediate" in hit.message_en
    )
    assert "stop aspirin 6 days before" in hit.message_en


def test_it_asks_for_creatinine_clearance_for_dabigatran(make_case: MakeCase) -> None:
    case = make_case(anticoagulants=["Pradaxa"], target_nerves=["hip_obturator_articular"])
    assert "record creatinine clearance" in _hit(assess(case), "NR_ANTICOAGULANT").message_en
    renal = make_case(
        anticoagulants=["Pradaxa"],
        target_nerves=["hip_obturator_articular"],
        creatinine_clearance_ml_min=40,
    )
    assert (
        "stop dabigatran 3 days before and until a dabigatran level < 30 ng/mL"
        " (or a normal thrombin time) (CrCl 40 mL/min < 50)"
        in _hit(assess(renal), "NR_ANTICOAGULANT").message_en
    )


def test_it_continues_clopidogrel_and_aspirin_for_a_low_tier_target(make_case: MakeCase) -> None:
    hit = _hit(
        assess(make_case(antiplatelets=["Plavix"], target_nerves=["sural"])), "NR_ANTIPLATELET"
    )
    assert "continue clopidogrel" in hit.message_en


def test_it_assumes_the_highest_candidate_tier_when_no_target_is_named(make_case: MakeCase) -> None:
    hit = _hit(
        assess(make_case("hip_arthrosis", anticoagulants=["rivaroxaban"])), "NR_ANTICOAGULANT"
    )
    assert "intermediate bleeding-risk tier" in hit.message_en
    assert "target not named" in hit.message_en


def test_it_rejects_an_unknown_target_nerve(make_case: MakeCase) -> None:
    with pytest.raises(ValidationError, match="unknown nerve"):
        make_case(target_nerves=["elbow_nerve"])
