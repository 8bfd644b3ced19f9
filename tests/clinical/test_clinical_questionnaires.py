"""Questionnaire scoring against worked examples built from each instrument's rules."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from cryoneuro.clinical.questionnaires import (
    BPI_INTERFERENCE_ITEMS,
    BPI_SEVERITY_ITEMS,
    DN4_ITEMS,
    KOOS_SUBSCALES,
    NRS_LOINC,
    PGIC_CHOICES,
    WOMAC_SUBSCALES,
    DN4Answers,
    bpi,
    bpi_interference,
    bpi_severity,
    dn4_score,
    koos,
    koos_min_answered,
    nrs,
    pgic,
    return_to_activities,
    womac,
)

DN4_CODES = [i.code for i in DN4_ITEMS]

# ------------------------------------------------------------------ DN4


def test_it_has_the_ten_dn4_items_in_the_published_order_with_french_wording() -> None:
    assert DN4_CODES == [
        "burning",
        "painful_cold",
        "electric_shocks",
        "tingling",
        "pins_and_needles",
        "numbness",
        "itching",
        "hypoesthesia_touch",
        "hypoesthesia_prick",
        "brushing",
    ]
    assert [i.text_fr for i in DN4_ITEMS][:3] == [
        "Brûlure",
        "Sensation de froid douloureux",
        "Décharges électriques",
    ]
    assert DN4_ITEMS[9].text("fr") == "Le frottement" and DN4_ITEMS[9].text("en") == "Brushing"
    assert list(DN4Answers.model_fields) == DN4_CODES


def test_it_scores_a_dn4_worked_example() -> None:
    # Bouhassira 2005: one point per "yes"; >= 4/10 suggests neuropathic pain.
    answers = dict.fromkeys(DN4_CODES, False) | {
        "burning": True,
        "tingling": True,
        "pins_and_needles": True,
        "hypoesthesia_touch": True,
    }
    dn4 = DN4Answers(**answers)
    assert dn4.score == 4 and dn4.suggests_neuropathic
    assert dn4.interview_score == 3
    three = DN4Answers(**(answers | {"hypoesthesia_touch": False}))
    assert three.score == 3 and not three.suggests_neuropathic
    assert dn4_score(answers).total == 4.0


def test_it_keeps_a_partial_dn4_unscored() -> None:
    partial = {"burning": True, "tingling": None}
    result = dn4_score(partial)
    assert result.total is None and not result.valid
    assert result.answered == 1 and len(result.missing) == 9
    with pytest.raises(ValidationError):
        DN4Answers(burning=True)  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="unknown item"):
        dn4_score({"cold": True})


@given(st.lists(st.booleans(), min_size=10, max_size=10))
def test_it_scores_dn4_as_the_number_of_yes(values: list[bool]) -> None:
    dn4 = DN4Answers(**dict(zip(DN4_CODES, values, strict=True)))
    assert dn4.score == sum(values)
    assert dn4.suggests_neuropathic == (sum(values) >= 4)


# ------------------------------------------------------------------ NRS, PGIC, return to activities


def test_it_scores_the_nrs_with_its_loinc_code() -> None:
    assert NRS_LOINC == "72514-3"
    assert nrs(7).total == 7.0
    assert nrs(None).total is None
    for bad in (11, -1, 3.5, True):
        with pytest.raises(ValueError, match="NRS"):
            nrs(bad)  # type: ignore[arg-type]


def test_it_scores_the_pgic_on_seven_points() -> None:
    assert len(PGIC_CHOICES) == 7
    assert pgic(2).total == 2.0 and "responder" in pgic(2).note
    assert "responder" not in pgic(3).note
    assert pgic(None).missing == ("pgic",)
    with pytest.raises(ValueError, match="1-7"):
        pgic(0)


def test_it_records_return_to_usual_activities() -> None:
    assert return_to_activities("fully", 10).total == 2.0
    assert return_to_activities("partially").total == 1.0
    assert return_to_activities("not_yet").total == 0.0
    assert return_to_activities(None).total is None
    with pytest.raises(ValueError, match="fully"):
        return_to_activities("maybe")


# ------------------------------------------------------------------ BPI interference


def test_it_scores_bpi_interference_as_the_mean_of_seven_items() -> None:
    codes = [i.code for i in BPI_INTERFERENCE_ITEMS]
    assert len(codes) == 7
    answers = dict(zip(codes, [6, 5, 7, 4, 2, 8, 3], strict=True))
    assert bpi_interference(answers).total == pytest.approx(35 / 7)


def test_it_scores_bpi_with_four_items_and_not_with_three() -> None:
    # BPI User Guide: the mean is used when more than 50 % (4 of 7) are answered.
    four = {"general_activity": 6, "mood": 4, "walking_ability": 8, "sleep": 2}
    result = bpi_interference(four)
    assert result.total == pytest.approx(5.0) and len(result.missing) == 3
    three = {"general_activity": 6, "mood": 4, "walking_ability": None, "sleep": 2}
    assert bpi_interference(three).total is None
    with pytest.raises(ValueError, match="0-10"):
        bpi_interference({"mood": 11})


def test_it_scores_bpi_pain_severity_as_the_mean_of_items_3_to_6() -> None:
    # BPI User Guide: severity composite = mean of worst, least, average, now
    assert [i.code for i in BPI_SEVERITY_ITEMS] == ["worst", "least", "average", "now"]
    result = bpi_severity({"worst": 8, "least": 3, "average": 5, "now": 4})
    assert result.total == pytest.approx(5.0)
    assert bpi_severity({"worst": 8, "least": 3, "average": 5}).total is None


def test_it_reports_bpi_severity_beside_interference() -> None:
    answers = {"worst": 7, "least": 2, "average": 4, "now": 3}  # severity 4.0
    answers.update(
        dict(zip([i.code for i in BPI_INTERFERENCE_ITEMS], [6, 5, 7, 4, 2, 8, 3], strict=True))
    )
    result = bpi(answers)
    assert result.subscales == {"severity": 4.0, "interference": pytest.approx(5.0)}
    assert result.total == pytest.approx(5.0) and result.valid
    no_severity = {k: v for k, v in answers.items() if k != "now"}
    result = bpi(no_severity)
    assert result.subscales["severity"] is None and result.total is None
    assert "severity" in result.note
    with pytest.raises(ValueError, match="unknown item"):
        bpi({"sleepiness": 3})


# ------------------------------------------------------------------ WOMAC


def _womac_all(value: int) -> dict[str, int | None]:
    return {i.code: value for items in WOMAC_SUBSCALES.values() for i in items}


def test_it_has_the_womac_structure() -> None:
    assert {k: len(v) for k, v in WOMAC_SUBSCALES.items()} == {
        "pain": 5,
        "stiffness": 2,
        "function": 17,
    }


def test_it_scores_a_womac_worked_example() -> None:
    answers = _womac_all(2)
    answers.update(
        {"pain_walking": 4, "pain_night": 3, "stiffness_morning": 3, "function_socks_on": 0}
    )
    result = womac(answers)
    # pain 4+2+3+2+2 = 13; stiffness 3+2 = 5; function 16 x 2 + 0 = 32; total 50
    assert result.subscales["pain"] == 13
    assert result.subscales["stiffness"] == 5
    assert result.subscales["function"] == 32
    assert result.total == 50
    assert result.subscales["total_normalised"] == pytest.approx(50 / 96 * 100, abs=1e-3)
    assert womac(_womac_all(4)).total == 96 and womac(_womac_all(0)).total == 0


def test_it_imputes_one_missing_womac_pain_item_and_refuses_two() -> None:
    answers = _womac_all(1)
    answers["pain_walking"] = None
    answers["pain_stairs"] = 3
    one_missing = womac(answers)
    # answered pain items 3,1,1,1 -> mean 1.5 -> 5 x 1.5 = 7.5
    assert one_missing.subscales["pain"] == 7.5
    assert one_missing.total == 7.5 + 2 + 17
    answers["pain_night"] = None
    two_missing = womac(answers)
    assert two_missing.subscales["pain"] is None and two_missing.total is None
    assert two_missing.subscales["function"] == 17


def test_it_applies_the_womac_function_missing_limit() -> None:
    answers = _womac_all(2)
    fn = [i.code for i in WOMAC_SUBSCALES["function"]]
    for code in fn[:3]:
        answers[code] = None
    assert womac(answers).subscales["function"] == 34
    answers[fn[3]] = None
    assert womac(answers).subscales["function"] is None
    answers2 = _womac_all(2)
    answers2["stiffness_later"] = None
    answers2["stiffness_morning"] = None
    assert womac(answers2).subscales["stiffness"] is None


# ------------------------------------------------------------------ KOOS


def _koos_all(value: int) -> dict[str, int | None]:
    return {i.code: value for items in KOOS_SUBSCALES.values() for i in items}


def test_it_has_the_koos_structure() -> None:
    sizes = {k: len(v) for k, v in KOOS_SUBSCALES.items()}
    assert sizes == {"symptoms": 7, "pain": 9, "adl": 17, "sport_rec": 5, "qol": 4}
    assert sum(sizes.values()) == 42


def test_it_transforms_koos_subscales_to_0_100() -> None:
    assert koos(_koos_all(0)).subscales["pain"] == 100
    assert koos(_koos_all(4)).subscales["qol"] == 0
    assert koos(_koos_all(1)).total == 75


def test_it_scores_a_koos_worked_example() -> None:
    # KOOS User's Guide: 100 - (mean item score x 100) / 4
    answers = _koos_all(0)
    pain = [2, 1, 2, 1, 2, 1, 2, 1, 2]  # mean 14/9
    answers.update({f"P{n}": v for n, v in enumerate(pain, start=1)})
    answers.update({"Q1": 3, "Q2": 2, "Q3": 2, "Q4": 1})  # mean 2 -> 50
    result = koos(answers)
    assert result.subscales["pain"] == pytest.approx(100 - (14 / 9) * 25, abs=1e-3)
    assert result.subscales["qol"] == 50
    assert result.subscales["adl"] == 100
    assert result.total == pytest.approx((result.subscales["pain"] + 100 + 100 + 50) / 4, abs=1e-3)


@pytest.mark.parametrize(
    ("subscale", "n_items", "needed"),
    # KOOS Scoring 2012 table: items needed under the 2012 rule
    [("pain", 9, 5), ("symptoms", 7, 4), ("adl", 17, 9), ("sport_rec", 5, 3), ("qol", 4, 2)],
)
def test_it_scores_a_koos_subscale_from_half_its_items_2012_rule(
    subscale: str, n_items: int, needed: int
) -> None:
    codes = [i.code for i in KOOS_SUBSCALES[subscale]]
    assert len(codes) == n_items and koos_min_answered(n_items) == needed
    enough = dict.fromkeys(codes[:needed], 1)
    assert koos(enough).subscales[subscale] == 75
    too_few = dict.fromkeys(codes[: needed - 1], 1)
    result = koos(too_few)
    assert result.subscales[subscale] is None
    assert f"{subscale} {needed - 1}/{n_items} (needs {needed})" in result.note


def test_it_scores_pain_from_five_of_nine_where_the_1998_rule_needed_seven() -> None:
    answers = {"P1": 2, "P2": 1, "P3": 2, "P4": 1, "P5": 2}  # mean 8/5 = 1.6 -> 60
    assert koos(answers).subscales["pain"] == pytest.approx(60)
    answers = _koos_all(2)
    answers.update({"SP1": None, "SP2": None, "SP3": 0})
    # answered 0,2,2 -> mean 4/3 -> 100 - 33.33
    assert koos(answers).subscales["sport_rec"] == pytest.approx(100 - (4 / 3) * 25, abs=1e-3)
    answers["SP4"] = None
    result = koos(answers)
    assert result.subscales["sport_rec"] is None and result.total is None
    assert result.subscales["adl"] == 50
    with pytest.raises(ValueError, match="0-4"):
        koos({"P1": 5})


def test_it_gives_each_koos_item_its_own_answer_labels() -> None:
    items = {i.code: i for items in KOOS_SUBSCALES.values() for i in items}
    assert all(len(i.choices) == 5 for i in items.values())
    assert [lbl for _v, lbl in items["S1"].options("en")] == [
        "Never",
        "Rarely",
        "Sometimes",
        "Often",
        "Always",
    ]
    # "Can you straighten / bend your knee fully?": Always listed first, and Always = 0
    for code in ("S4", "S5"):
        assert items[code].options("en")[0] == (0, "Always")
        assert items[code].options("en")[-1] == (4, "Never")
        assert "reversed" not in items[code].text_en and "inversé" not in items[code].text_fr
    assert items["S4"].text_en == "Can you straighten your knee fully?"
    assert [lbl for _v, lbl in items["P1"].options("en")][1:4] == ["Monthly", "Weekly", "Daily"]
    assert items["Q1"].options("en")[-1] == (4, "Constantly")
    assert items["A1"].options("fr")[0] == (0, "Aucune")


def test_it_scores_a_patient_who_can_always_straighten_the_knee_as_no_problem() -> None:
    # symptoms: no swelling/noise/catching (Never = 0), straightens and bends fully
    # "Always" (0), no stiffness: 100; "Never" able to straighten fully (4) lowers it.
    symptoms = {"S1": 0, "S2": 0, "S3": 0, "S4": 0, "S5": 0, "S6": 0, "S7": 0}
    assert koos(symptoms).subscales["symptoms"] == 100
    symptoms["S4"] = 4
    assert koos(symptoms).subscales["symptoms"] == pytest.approx(100 - (4 / 7) * 25)
