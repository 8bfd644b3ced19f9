"""Issue 10 (part 1): the safety facts on the record and in the evaluation, through the
page, the API, the pre-check and the booking; contradictions refused, nothing half-saved."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from cryoneuro.audit.models import AuditEntry
from cryoneuro.clinical.eligibility import Case
from cryoneuro.evaluation.models import Evaluation
from cryoneuro.evaluation.services import evaluation_create
from cryoneuro.patients.services import patient_allergies_set

pytestmark = pytest.mark.django_db

AMIDE = {"substance": "amide_local_anaesthetic", "detail": "lidocaïne"}


def _post_json(client, path, payload, lang="fr"):
    return client.post(
        path,
        data=json.dumps(payload),
        content_type="application/json",
        headers={"Accept-Language": lang},
    )


# ---------------------------------------------------------------- allergies on the record


def test_it_records_the_allergies_on_the_patient_with_an_audit_entry(
    client, physician, make_patient
):
    patient = make_patient()
    client.force_login(physician)
    response = client.post(
        f"/patients/{patient.pk}/allergies/",
        {"substances": ["amide_local_anaesthetic", "other"], "other_detail": "iode"},
    )
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.allergies == [
        {"substance": "amide_local_anaesthetic", "detail": ""},
        {"substance": "other", "detail": "iode"},
    ]
    assert patient.allergies_recorded_at is not None
    entry = AuditEntry.objects.filter(patient_id=patient.pk, action="update").latest("id")
    assert entry.detail["fields"] == ["allergies"] and entry.detail["before"] == []


def test_it_refuses_an_other_allergy_without_text_and_saves_nothing(
    client, physician, make_patient
):
    patient = make_patient()
    client.force_login(physician)
    response = client.post(f"/patients/{patient.pk}/allergies/", {"substances": ["other"]})
    assert response.status_code == 200
    assert "Nommer l&#x27;allergène" in response.content.decode()
    patient.refresh_from_db()
    assert patient.allergies == [] and patient.allergies_recorded_at is None


def test_the_api_names_the_field_of_an_other_allergy_without_text(client, physician, make_patient):
    patient = make_patient()
    client.force_login(physician)
    response = _post_json(
        client, f"/api/patients/{patient.pk}/allergies", {"allergies": [{"substance": "other"}]}
    )
    assert response.status_code == 422
    assert "allergies.0.detail" in response.json()["errors"]
    ok = _post_json(client, f"/api/patients/{patient.pk}/allergies", {"allergies": [AMIDE]})
    assert ok.status_code == 200 and ok.json()["allergies"] == [AMIDE]


def test_every_page_of_the_patient_shows_the_allergy_banner(
    client, physician, make_patient, knee_case
):
    patient = make_patient()
    patient_allergies_set(patient=patient, allergies=[AMIDE], updated_by=physician)
    evaluation = evaluation_create(
        patient=patient,
        created_by=physician,
        case=Case(**{**knee_case, "allergies": [AMIDE]}),
    )
    client.force_login(physician)
    for path in (
        f"/patients/{patient.pk}/",
        f"/patients/{patient.pk}/evaluations/new/",
        f"/evaluations/{evaluation.pk}/",
    ):
        page = client.get(path).content.decode()
        assert 'id="allergy-banner"' in page and "lidocaïne" in page, path
    other = make_patient("Autre", "Patient")
    page = client.get(f"/patients/{other.pk}/").content.decode()
    assert "Allergies non renseignées" in page or "not recorded" in page


# ---------------------------------------------------------------- the evaluation


def _form(**overrides) -> dict:
    data = {
        "indication": "knee_arthrosis",
        "pain_location": "genou",
        "side": "right",
        "pain_duration_months": "24",
        "nrs": "7",
        "surgery_declined_or_impossible": "yes",
        "skin_state": "intact",
        "consent": "given",
        "bleeding_disorder": "none",
        "platelets_g_per_l": "250",
        "target_is_mixed_motor_nerve": "no",
        "treatments-TOTAL_FORMS": "1",
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


def test_the_form_takes_age_and_allergies_from_the_record(client, physician, make_patient):
    patient = make_patient(birth_date=timezone.localdate().replace(year=2012, day=1))
    patient_allergies_set(patient=patient, allergies=[AMIDE], updated_by=physician)
    client.force_login(physician)
    response = client.post(f"/patients/{patient.pk}/evaluations/new/", _form())
    assert response.status_code == 302
    evaluation = Evaluation.objects.get()
    assert evaluation.age_years == patient.age_on(timezone.localdate()) < 18
    assert evaluation.allergies == [AMIDE] and evaluation.ruleset_version == "2026.12.7"
    codes = {h["code"] for h in evaluation.decision["fired"]}
    assert {"NR_MINOR", "NR_ALLERGY_LOCAL_ANAESTHETIC"} <= codes
    assert evaluation.outcome == "needs_review"


def test_the_preview_shows_a_refusal_as_not_eligible(client, physician, make_patient):
    patient = make_patient()
    client.force_login(physician)
    page = client.post(
        f"/patients/{patient.pk}/evaluations/preview/", _form(consent="refused")
    ).content.decode()
    assert 'data-outcome="not_eligible"' in page and "refuse" in page


def test_the_form_refuses_an_aptt_without_a_disorder_in_french_and_saves_nothing(
    client, physician, make_patient
):
    patient = make_patient()
    client.force_login(physician)
    response = client.post(f"/patients/{patient.pk}/evaluations/new/", _form(aptt_ratio="1.4"))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["aptt_ratio"]
    assert "sans trouble de l" in form.errors["aptt_ratio"][0]
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize(("lang", "word"), [("fr", "TCA"), ("en", "aPTT")])
def test_the_api_answers_a_contradiction_with_a_422_naming_the_field(
    client, physician, make_patient, knee_case, lang, word
):
    patient = make_patient()
    client.force_login(physician)
    response = _post_json(
        client,
        f"/api/patients/{patient.pk}/evaluations",
        {**knee_case, "aptt_ratio": 1.4},
        lang,
    )
    assert response.status_code == 422
    assert word in response.json()["errors"]["aptt_ratio"][0]
    assert not Evaluation.objects.exists()


def test_the_api_refuses_a_case_that_contradicts_the_record(
    client, physician, make_patient, knee_case
):
    patient = make_patient()
    client.force_login(physician)
    path = f"/api/patients/{patient.pk}/evaluations"
    wrong_age = _post_json(client, path, {**knee_case, "age_years": 13})
    assert wrong_age.status_code == 422 and "age_years" in wrong_age.json()["errors"]
    wrong_allergies = _post_json(client, path, {**knee_case, "allergies": [AMIDE]})
    assert wrong_allergies.status_code == 422
    assert "allergies" in wrong_allergies.json()["errors"]
    assert not Evaluation.objects.exists()


def test_an_old_decision_keeps_the_rule_set_that_made_it(physician, make_patient, knee_case):
    patient = make_patient()
    evaluation = evaluation_create(patient=patient, created_by=physician, case=Case(**knee_case))
    Evaluation.objects.filter(pk=evaluation.pk).update(ruleset_version="2026.11.1")
    new = evaluation_create(patient=patient, created_by=physician, case=Case(**knee_case))
    versions = set(Evaluation.objects.values_list("ruleset_version", flat=True))
    assert versions == {"2026.11.1", "2026.12.7"} and new.ruleset_version == "2026.12.7"


# ---------------------------------------------------------------- the procedure's pre-check


def test_the_pre_check_stops_until_the_record_allergies_are_confirmed(
    physician, nurse, make_patient, knee_case
):
    from cryoneuro.procedures import services

    patient = make_patient()
    patient_allergies_set(patient=patient, allergies=[AMIDE], updated_by=physician)
    evaluation_create(
        patient=patient, created_by=physician, case=Case(**{**knee_case, "allergies": [AMIDE]})
    )
    # the evaluation needs review (allergy): a physician approves it
    from cryoneuro.evaluation.services import evaluation_review

    evaluation_review(
        evaluation=patient.evaluations.get(),
        reviewed_by=physician,
        approved=True,
        note="ropivacaïne évitée ; mépivacaïne testée",
    )
    procedure = services.procedure_checkin(
        no_appointment_reason="test: no booking",
        patient=patient,
        user=nurse,
        site_label="genou",
        side="right",
        planned_nerves=["ipbsn"],
    )
    data = {
        "identity_confirmed": True,
        "site_side_confirmed": True,
        "site_marked": True,
        "consent_signed": True,
        "anticoagulation_taken": False,
        "infection_at_site": False,
        "baseline_nrs": 6,
        "physician_clearance": "",
    }
    step = services.procedure_step_record(
        procedure=procedure,
        user=nurse,
        code="pre_check",
        data={**data, "allergies_confirmed": False},
    )
    assert not step.passed and "allergies_not_confirmed" in step.data["stop_reasons"]
    step = services.procedure_step_record(
        procedure=procedure,
        user=nurse,
        code="pre_check",
        data={**data, "allergies_confirmed": True},
    )
    assert step.passed and step.data["allergies_on_record"] == [AMIDE]
