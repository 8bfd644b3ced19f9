"""Each instrument scored through the form and the service (the pure scoring itself is
tested against published examples in tests/clinical)."""

import pytest

from cryoneuro.clinical import questionnaires as q
from cryoneuro.followup.questionnaire import QuestionnaireForm, score

pytestmark = pytest.mark.django_db


def _answers(instruments, data):
    form = QuestionnaireForm(data, instruments=instruments)
    assert form.is_valid(), form.errors
    return form.answers()


def test_nrs_and_pgic():
    answers = _answers(["nrs", "pgic"], {"nrs": "3", "pgic": "2"})
    scores, problems = score(answers, ["nrs", "pgic"])
    assert scores["nrs"]["total"] == 3.0 and "72514-3" in scores["nrs"]["note"]
    assert scores["pgic"]["total"] == 2.0 and "responder" in scores["pgic"]["note"]
    assert problems == {}


def test_bpi_interference_mean_valid_from_four_items():
    data = {
        "bpi_worst": "8",
        "bpi_least": "3",
        "bpi_average": "5",
        "bpi_now": "4",
        "bpi_general_activity": "6",
        "bpi_mood": "4",
        "bpi_walking_ability": "8",
        "bpi_sleep": "2",
    }
    scores, problems = score(_answers(["bpi"], data), ["bpi"])
    assert scores["bpi"]["total"] == 5.0 and "bpi" not in problems
    assert scores["bpi"]["subscales"] == {"severity": 5.0, "interference": 5.0}
    del data["bpi_now"]  # severity needs its four items: not complete yet
    scores, problems = score(_answers(["bpi"], data), ["bpi"])
    assert scores["bpi"]["subscales"]["severity"] is None and "bpi" in problems
    data["bpi_now"] = "4"
    del data["bpi_sleep"]
    scores, problems = score(_answers(["bpi"], data), ["bpi"])
    assert scores["bpi"]["total"] is None and "bpi" in problems


def test_dn4_needs_all_ten_items():
    codes = [i.code for i in q.DN4_ITEMS]
    data = {f"dn4_{c}": ("yes" if n < 4 else "no") for n, c in enumerate(codes)}
    scores, problems = score(_answers(["dn4"], data), ["dn4"])
    assert scores["dn4"]["total"] == 4.0 and "neuropathic" in scores["dn4"]["note"]
    data.pop(f"dn4_{codes[-1]}")
    scores, problems = score(_answers(["dn4"], data), ["dn4"])
    assert scores["dn4"]["total"] is None and "dn4" in problems


def test_womac_worst_case_is_96_and_imputes_one_missing_pain_item():
    codes = [i.code for items in q.WOMAC_SUBSCALES.values() for i in items]
    data = {f"womac_{c}": "4" for c in codes}
    scores, _ = score(_answers(["womac"], data), ["womac"])
    assert scores["womac"]["total"] == 96.0
    assert scores["womac"]["subscales"]["total_normalised"] == 100.0
    data.pop("womac_pain_night")
    scores, problems = score(_answers(["womac"], data), ["womac"])
    assert scores["womac"]["subscales"]["pain"] == 20.0 and "womac" not in problems


def test_koos_no_problems_is_100():
    codes = [i.code for items in q.KOOS_SUBSCALES.values() for i in items]
    scores, problems = score(_answers(["koos"], {f"koos_{c}": "0" for c in codes}), ["koos"])
    assert scores["koos"]["total"] == 100.0
    assert all(v == 100.0 for v in scores["koos"]["subscales"].values())
    assert problems == {}


def test_analgesics_to_mme_and_activities():
    data = {
        "drug_0": "morphine",
        "route_0": "oral",
        "dose_0": "30",
        "drug_1": "hydromorphone",
        "route_1": "oral",
        "dose_1": "8",
        "activities": "partially",
    }
    answers = _answers(["analgesics", "activities"], data)
    scores, problems = score(answers, ["analgesics", "activities"], days_since_procedure=14)
    assert scores["analgesics"]["mme_per_day"] == 70.0
    assert scores["activities"]["total"] == 1.0 and scores["activities"]["note"] == "day 14"
    assert problems == {}


def test_no_analgesic_ticked_is_zero_mme_and_nothing_is_missing():
    answers = _answers(["analgesics"], {"no_analgesics": "on"})
    scores, problems = score(answers, ["analgesics"])
    assert scores["analgesics"]["mme_per_day"] == 0 and problems == {}
    scores, problems = score({}, ["analgesics"])
    assert "analgesics" in problems


def test_impossible_values_are_field_errors():
    form = QuestionnaireForm(
        {"nrs": "11", "drug_0": "oxycodone", "dose_0": "-5", "dose_1": "10"},
        instruments=["nrs", "analgesics"],
    )
    assert not form.is_valid()
    assert {"nrs", "dose_0", "drug_1"} <= set(form.errors)


def test_koos_form_shows_each_items_own_labels_and_straighten_fully_the_right_way_round():
    form = QuestionnaireForm(instruments=["koos"])
    s4 = form.fields["koos_S4"]
    assert "reversed" not in str(s4.label).lower() and "inversé" not in str(s4.label)
    labels = [str(label) for value, label in s4.choices if value != ""]
    assert labels == ["Toujours", "Souvent", "Parfois", "Rarement", "Jamais"]
    assert next(lbl for v, lbl in form.fields["koos_S1"].choices if v != "") == "Jamais"
    # "Always" able to straighten fully is no problem (0): symptoms 100
    answers = _answers(["koos"], {f"koos_S{n}": "0" for n in range(1, 8)})
    scores, _problems = score(answers, ["koos"])
    assert scores["koos"]["subscales"]["symptoms"] == 100.0


def test_an_opioid_without_its_route_is_a_field_error_naming_the_route():
    form = QuestionnaireForm(
        {"drug_0": "fentanyl", "dose_0": "200", "nrs": "4"}, instruments=["nrs", "analgesics"]
    )
    assert not form.is_valid()
    assert set(form.errors) == {"route_0"}
    # the valid answers are still kept (saved as a draft by the view), the row is not
    assert form.answers()["nrs"] == 4 and "analgesics" not in form.answers()


def test_fentanyl_by_patch_and_buccal_fentanyl_differ():
    patch = _answers(
        ["analgesics"], {"drug_0": "fentanyl", "route_0": "transdermal", "dose_0": "25"}
    )
    scores, problems = score(patch, ["analgesics"])
    assert scores["analgesics"]["mme_per_day"] == 60.0 and problems == {}
    assert scores["analgesics"]["drugs"][0]["unit"] == "mcg/h"
    buccal = _answers(["analgesics"], {"drug_0": "fentanyl", "route_0": "buccal", "dose_0": "200"})
    scores, problems = score(buccal, ["analgesics"])
    # answered, so not a problem for completion, but no MME is made up
    assert problems == {} and scores["analgesics"]["mme_per_day"] is None
    assert scores["analgesics"]["unavailable"] == [
        {"drug": "fentanyl", "route": "buccal", "reason_code": "no_factor"}
    ]
    unknown = _answers(
        ["analgesics"], {"drug_0": "tramadol", "route_0": "unknown", "dose_0": "100"}
    )
    scores, _problems = score(unknown, ["analgesics"])
    assert scores["analgesics"]["mme_per_day"] is None
    assert scores["analgesics"]["drugs"][0]["reason_code"] == "route_unknown"
