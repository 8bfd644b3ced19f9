import pytest

from cryoneuro.evaluation.models import Evaluation

pytestmark = pytest.mark.django_db


def _form(case: dict, **overrides) -> dict:
    data = {
        "indication": case["indication"],
        "pain_location": case["pain_location"],
        "side": case["side"],
        "pain_duration_months": case["pain_duration_months"],
        "nrs": case["nrs"],
        "surgery_declined_or_impossible": "yes",
        "skin_state": "intact",
        "consent": "given",
        "bleeding_disorder": "none",
        "platelets_g_per_l": "250",
        "target_is_mixed_motor_nerve": "no",
        "inr": "",
        "anticoagulants": "",
        "antiplatelets": "",
        "treatments-TOTAL_FORMS": "3",
        "treatments-INITIAL_FORMS": "0",
        "treatments-MIN_NUM_FORMS": "0",
        "treatments-MAX_NUM_FORMS": "20",
        "treatments-0-kind": "medication",
        "treatments-0-name": "paracétamol",
        "treatments-0-dose": "3 g/j",
        "treatments-0-result": "partial_relief",
    }
    data.update(overrides)
    return data


def test_it_saves_the_evaluation_with_its_decision_and_rule_set(
    client, physician, make_patient, knee_case
):
    patient = make_patient()
    client.force_login(physician)
    response = client.post(f"/patients/{patient.pk}/evaluations/new/", _form(knee_case))
    evaluation = Evaluation.objects.get()
    assert response["Location"] == f"/evaluations/{evaluation.pk}/"
    assert evaluation.outcome == "eligible" and evaluation.ruleset_version
    assert {h["code"] for h in evaluation.decision["fired"]} >= {"SUP_CHRONIC_PAIN"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("nrs", "14"),
        ("inr", "-1"),
        ("indication", "toothache"),
        ("pain_duration_months", "-2"),
        ("platelets_g_per_l", "abc"),
    ],
)
def test_it_refuses_impossible_values_and_saves_nothing(
    client, physician, make_patient, knee_case, field, value
):
    patient = make_patient()
    client.force_login(physician)
    response = client.post(
        f"/patients/{patient.pk}/evaluations/new/", _form(knee_case, **{field: value})
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Evaluation.objects.exists()


def test_field_errors_come_in_english_too(client, physician, make_patient, knee_case):
    patient = make_patient()
    client.force_login(physician)
    response = client.post(
        f"/patients/{patient.pk}/evaluations/new/",
        _form(knee_case, nrs="14"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "less than or equal to 10" in " ".join(response.context["form"].errors["nrs"])


def test_the_preview_shows_a_contraindication_live(client, physician, make_patient, knee_case):
    patient = make_patient()
    client.force_login(physician)
    response = client.post(
        f"/patients/{patient.pk}/evaluations/preview/",
        _form(knee_case, cold_conditions=["cryoglobulinaemia"]),
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert 'data-outcome="not_eligible"' in html and "CI_CRYOGLOBULINAEMIA" in html
    assert not Evaluation.objects.exists()


def test_a_physician_reviews_a_case_that_needs_review(
    client, physician, nurse, make_patient, knee_case
):
    patient = make_patient()
    client.force_login(nurse)
    client.post(
        f"/patients/{patient.pk}/evaluations/new/", _form(knee_case, anticoagulants="apixaban")
    )
    evaluation = Evaluation.objects.get()
    assert evaluation.outcome == "needs_review" and not evaluation.cleared_for_procedure
    assert client.get(f"/evaluations/{evaluation.pk}/").context["review_form"] is None
    client.force_login(physician)
    empty = client.post(f"/evaluations/{evaluation.pk}/", {"approved": "yes", "note": ""})
    assert "note" in empty.context["review_form"].errors
    client.post(
        f"/evaluations/{evaluation.pk}/",
        {"approved": "yes", "note": "Arrêt apixaban 48 h, avis cardiologue."},
    )
    evaluation.refresh_from_db()
    assert evaluation.cleared_for_procedure and evaluation.reviewed_by == physician


def test_the_form_records_the_target_and_renal_function_for_the_bleeding_tier(
    client, nurse, make_patient, knee_case
):
    patient = make_patient()
    client.force_login(nurse)
    client.post(
        f"/patients/{patient.pk}/evaluations/new/",
        _form(
            knee_case,
            anticoagulants="Pradaxa",
            target_nerves=["genicular_superomedial"],
            creatinine_clearance_ml_min="45",
        ),
    )
    evaluation = Evaluation.objects.get()
    assert evaluation.target_nerves == ["genicular_superomedial"]
    assert float(evaluation.creatinine_clearance_ml_min) == 45.0
    hit = next(h for h in evaluation.decision["fired"] if h["code"] == "NR_ANTICOAGULANT")
    assert "low bleeding-risk tier" in hit["message_en"] and "dabigatran" in hit["message_en"]


def test_it_refuses_pregnancy_for_a_patient_recorded_as_male(
    client, physician, make_patient, knee_case
):
    patient = make_patient("Durand", "Paul", sex="male")
    client.force_login(physician)
    response = client.post(
        f"/patients/{patient.pk}/evaluations/new/",
        _form(knee_case, pregnancy="on"),
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["pregnancy"]
    assert "masculin" in errors[0] or "male" in errors[0]
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("sex", ["female", "other", "unknown"])
def test_it_accepts_pregnancy_when_the_record_is_not_male(
    client, physician, make_patient, knee_case, sex
):
    patient = make_patient(sex=sex)
    client.force_login(physician)
    client.post(f"/patients/{patient.pk}/evaluations/new/", _form(knee_case, pregnancy="on"))
    assert Evaluation.objects.get().pregnancy is True
