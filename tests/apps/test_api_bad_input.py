"""Bad input the schema-driven run found, each pinned (issue 13 §4)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from cryoneuro.audit.models import AuditEntry
from cryoneuro.patients.models import Patient

pytestmark = pytest.mark.django_db


def _post(client, path, payload, **extra):
    return client.post(path, data=json.dumps(payload), content_type="application/json", **extra)


@pytest.mark.parametrize("value", [0, 1700000000, "0", "1700000000", 12.5, True])
def test_a_birth_date_given_as_a_number_is_refused_not_read_as_unix_time(client, physician, value):
    client.force_login(physician)
    response = _post(
        client,
        "/api/patients",
        {"family_name": "Zéro", "given_name": "Epoch", "birth_date": value, "sex": "female"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422, response.content
    assert "birth_date" in response.json()["errors"]
    assert not Patient.objects.filter(family_name="Zéro").exists()


def test_an_iso_birth_date_is_still_accepted(client, physician):
    client.force_login(physician)
    response = _post(
        client,
        "/api/patients",
        {"family_name": "Iso", "given_name": "Date", "birth_date": "1970-01-02", "sex": "male"},
    )
    assert response.status_code == 201 and response.json()["birth_date"] == "1970-01-02"


def test_a_search_by_a_numeric_birth_date_is_refused(client, physician):
    client.force_login(physician)
    response = client.get("/api/patients", {"birth_date": "0"})
    assert response.status_code == 422 and "birth_date" in response.json()["errors"]


def test_a_cycle_time_given_as_a_number_is_refused(client, physician, make_patient):
    client.force_login(physician)
    response = _post(
        client,
        "/api/procedures/nerves/1/cycles",
        {"freeze_start": 0, "freeze_stop": 60, "thaw_stop": 120},
    )
    assert response.status_code in {404, 422}
    if response.status_code == 422:
        assert "freeze_start" in response.json()["errors"]


@pytest.mark.parametrize("patient_id", ["abc", "99999999999999999999999", "-1", "٣"])
def test_a_refused_role_with_a_strange_patient_id_gets_an_answer_not_a_crash(make_user, patient_id):
    client = Client(raise_request_exception=False)
    client.force_login(make_user("patient"))
    before = AuditEntry.objects.count()
    response = client.get(f"/patients/{patient_id}/")
    assert response.status_code in {403, 404}
    if response.status_code == 403:
        denied = AuditEntry.objects.filter(action="denied").order_by("-seq").first()
        assert AuditEntry.objects.count() == before + 1
        assert denied.patient_id is None


def test_an_unreadable_body_is_the_one_422_not_a_400(client, physician, make_patient):
    patient = make_patient()
    client.force_login(physician)
    for content_type, body in [
        ("application/json", b"{not json"),
        ("multipart/form-data", b"--x\r\n"),
    ]:
        response = client.post(
            f"/api/patients/{patient.pk}/allergies", data=body, content_type=content_type
        )
        assert response.status_code == 422, (content_type, response.content)
        assert set(response.json()) >= {"detail", "errors"}


def test_the_schema_declares_the_error_answers_of_every_operation():
    from cryoneuro.api.router import api

    schema = api.get_openapi_schema(path_prefix="/api/")
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"401", "403", "404"} <= set(operation["responses"]), (method, path)
            if operation.get("parameters") or operation.get("requestBody"):
                assert "422" in operation["responses"], (method, path)


def test_the_schema_lists_the_enumerated_fields_and_a_value_outside_them_is_named(
    client, physician, make_patient
):
    from cryoneuro.followup.models import FollowUpItem, ItemKind
    from cryoneuro.procedures.models import AdverseEventGrade

    client.force_login(physician)
    schema = client.get("/api/openapi.json").json()["components"]["schemas"]
    assert set(schema["ItemIn"]["properties"]["kind"]["enum"]) == set(ItemKind.values)
    grades = set(schema["AdverseEventIn"]["properties"]["grade"]["enum"])
    assert grades == set(AdverseEventGrade.values)
    assert "enum" in schema["CheckInIn"]["properties"]["side"]
    assert "enum" in schema["InterventionIn"]["properties"]["provider"]

    patient = make_patient()
    path = f"/api/patients/{patient.pk}/follow-up/items"
    with_bad_kind = {"kind": "séance", "due_date": "2026-12-20"}
    response = _post(client, path, with_bad_kind, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 422, response.content
    (message,) = response.json()["errors"]["kind"]
    assert "valide" in message and all(v in message for v in ItemKind.values)
    assert not FollowUpItem.objects.filter(patient=patient).exists()
    good = _post(client, path, {"kind": "call", "due_date": "2026-12-20"})
    assert good.status_code in {200, 201}, good.content
