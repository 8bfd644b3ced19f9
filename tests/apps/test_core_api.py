"""The one 422 body of every app's endpoints ({"detail": str, "errors": {field: [messages]}},
in the request's language), the API helpers and audit_read, from cryoneuro.core."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from cryoneuro.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def _post(client, path, payload, language):
    return client.post(
        path, json.dumps(payload), content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
    )


def _one_shape(response) -> dict[str, list[str]]:
    assert response.status_code == 422, response.content
    body = response.json()
    assert set(body) >= {"detail", "errors"}
    assert isinstance(body["detail"], str) and body["detail"]
    errors = body["errors"]
    assert isinstance(errors, dict) and errors
    assert all(isinstance(m, list) and all(isinstance(x, str) for x in m) for m in errors.values())
    return errors


PATIENT = {"family_name": "X", "given_name": "Y", "birth_date": "1960-01-01", "sex": "male"}


@pytest.mark.parametrize(
    ("language", "required", "future"),
    [
        ("en", "This field is required.", "The date of birth cannot be in the future."),
        ("fr", "Ce champ est obligatoire.", "La date de naissance ne peut pas être dans le futur."),
    ],
)
def test_ninjas_schema_errors_are_the_one_shape_in_the_requests_language(
    client, physician, language, required, future
):
    client.force_login(physician)
    missing = {k: v for k, v in PATIENT.items() if k != "given_name"}
    errors = _one_shape(_post(client, "/api/patients", missing, language))
    assert errors == {"given_name": [required]}
    errors = _one_shape(
        _post(client, "/api/patients", {**PATIENT, "birth_date": "2999-01-01"}, language)
    )
    assert errors == {"birth_date": [future]}


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "Unknown appointment type."), ("fr", "Type de rendez-vous inconnu.")],
)
def test_a_services_field_errors_are_the_one_shape_in_the_requests_language(
    client, coordinator, make_patient, language, message
):
    """scheduling: a BookingError from the service."""
    patient = make_patient()
    client.force_login(coordinator)
    start = (timezone.now() + dt.timedelta(days=3)).isoformat()
    body = {"patient_id": patient.pk, "type": "nonsense", "start": start}
    response = _post(client, "/api/scheduling/appointments", body, language)
    assert _one_shape(response) == {"type": [message]}
    assert response.json()["detail"] == message


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "No such treatment plan for this patient."),
        ("fr", "Ce plan de traitement n'existe pas pour ce patient."),
    ],
)
def test_a_django_validation_error_is_the_one_shape(client, nurse, make_patient, language, message):
    """procedures: a ValidationError from the check-in service."""
    patient = make_patient()
    client.force_login(nurse)
    response = _post(
        client,
        f"/api/patients/{patient.pk}/procedures",
        {
            "site_label": "genou",
            "side": "right",
            "plan_ids": [999999],
            "no_appointment_reason": "walk-in",
        },
        language,
    )
    assert _one_shape(response) == {"plan_id": [message]}


def test_every_app_answers_the_same_shape(client, physician, nurse, make_patient, knee_case):
    patient = make_patient()
    client.force_login(physician)
    # evaluation: a value out of range in the case (ninja's validation)
    errors = _one_shape(
        _post(client, f"/api/patients/{patient.pk}/evaluations", {**knee_case, "nrs": 14}, "en")
    )
    assert list(errors) == ["nrs"]
    # treatmentplans: a body without the geometry
    errors = _one_shape(
        _post(
            client,
            f"/api/patients/{patient.pk}/plans",
            {"nerve_code": "ipbsn", "image_id": 999999},
            "en",
        )
    )
    assert "depth_mm" in errors  # the body misses the geometry
    # followup: an unknown kind of item
    errors = _one_shape(
        _post(
            client,
            f"/api/patients/{patient.pk}/follow-up/items",
            {"kind": "nonsense", "due_date": "2030-01-01"},
            "en",
        )
    )
    assert "kind" in errors
    # a body that is not JSON at all
    response = client.post(
        "/api/patients", "{not json", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code in (400, 422)
    if response.status_code == 422:
        _one_shape(response)


def test_audit_read_records_who_read_what(rf, physician, make_patient):
    from cryoneuro.core.audit import audit_read

    patient = make_patient()
    request = rf.get("/somewhere", REMOTE_ADDR="10.1.2.3")
    request.user = physician
    entry = audit_read(request, obj=patient, patient_id=patient.pk, detail={"via": "api"})
    assert (entry.action, entry.actor_id, entry.patient_id) == ("view", physician.pk, patient.pk)
    assert (entry.object_type, entry.object_id) == ("patients.patient", str(patient.pk))
    assert entry.detail == {"via": "api"} and entry.ip_address == "10.1.2.3"
    search = audit_read(request, action="search", object_type="patients.patient")
    assert search.action == "search" and search.patient_id is None
    anonymous = audit_read(request, obj=patient, action="export", actor=None)
    assert anonymous.actor_id is None and anonymous.actor_username == ""
    with pytest.raises(ValueError):
        audit_read(request, obj=patient, action="delete")  # type: ignore[arg-type]
    assert AuditEntry.objects.filter(action__in=["view", "search", "export"]).count() == 3


def test_perm_auth_answers_403_before_the_body_is_read(client, make_user):
    client.force_login(make_user("patient"))
    response = _post(client, "/api/patients", {"nonsense": True}, "en")
    assert response.status_code == 403
