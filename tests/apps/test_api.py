import json

import pytest
from django.utils import timezone

from cryoneuro.evaluation.models import Evaluation
from cryoneuro.patients.models import Patient

pytestmark = pytest.mark.django_db


def _post(client, path, payload):
    return client.post(path, data=json.dumps(payload), content_type="application/json")


def test_it_creates_a_patient_and_an_evaluation(client, physician, knee_case):
    client.force_login(physician)
    created = _post(
        client,
        "/api/patients",
        {"family_name": "Roux", "given_name": "Anne", "birth_date": "1948-11-30", "sex": "female"},
    )
    assert created.status_code == 201
    patient_id = created.json()["id"]
    age = Patient.objects.get(pk=patient_id).age_on(timezone.localdate())
    evaluation = _post(
        client, f"/api/patients/{patient_id}/evaluations", {**knee_case, "age_years": age}
    )
    assert evaluation.status_code == 201 and evaluation.json()["outcome"] == "eligible"
    listed = client.get(f"/api/patients/{patient_id}/evaluations").json()
    assert [e["id"] for e in listed] == [evaluation.json()["id"]]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("nrs", 14),
        ("inr", -1),
        ("indication", "toothache"),
        ("pain_duration_months", -3),
    ],
)
def test_bad_cases_get_a_422_naming_the_field_and_nothing_is_saved(
    client, physician, make_patient, knee_case, field, value
):
    patient = make_patient()
    client.force_login(physician)
    response = _post(client, f"/api/patients/{patient.pk}/evaluations", {**knee_case, field: value})
    assert response.status_code == 422
    assert field in response.json()["errors"]  # the one 422 shape: field -> messages
    assert not Evaluation.objects.exists()


def test_a_birth_date_in_the_future_gets_a_422(client, physician):
    client.force_login(physician)
    response = _post(
        client,
        "/api/patients",
        {"family_name": "X", "given_name": "Y", "birth_date": "2999-01-01", "sex": "male"},
    )
    assert response.status_code == 422
    assert "birth_date" in response.json()["errors"]
    assert not Patient.objects.exists()


def test_assess_returns_the_decision_without_saving(client, physician, knee_case):
    client.force_login(physician)
    response = _post(
        client, "/api/eligibility/assess", {**knee_case, "skin_state": "local_infection"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["outcome"] == "not_eligible"
    assert "CI_LOCAL_INFECTION" in {h["code"] for h in body["fired"]}


def test_the_openapi_schema_is_served(client, physician):
    client.force_login(physician)
    schema = client.get("/api/openapi.json").json()
    assert "/api/patients" in schema["paths"]


def test_an_inr_with_many_decimals_is_stored_rounded_not_refused(
    client, physician, make_patient, knee_case
):
    patient = make_patient()
    client.force_login(physician)
    response = _post(
        client,
        f"/api/patients/{patient.pk}/evaluations",
        {**knee_case, "inr": 1.23456, "pain_duration_months": 18.55},
    )
    assert response.status_code == 201
    evaluation = Evaluation.objects.get()
    assert str(evaluation.inr) == "1.23" and str(evaluation.pain_duration_months) == "18.6"


def test_the_interactive_docs_load_their_assets_locally(client, physician):
    assert client.get("/api/docs").status_code == 302  # log in first
    client.force_login(physician)
    html = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "cdn." not in html
