import datetime as dt
import json

import pytest
from django.utils import timezone

from cryoneuro.audit.models import AuditEntry
from cryoneuro.patients.models import Patient

pytestmark = pytest.mark.django_db

VALID = {
    "family_name": "Durand",
    "given_name": "Paul",
    "birth_date": "1955-03-02",
    "sex": "male",
    "email": "paul@example.org",
    "phone": "",
    "preferred_language": "fr",
    "referring_physician": "Dr Roux",
    "consent_data_processing": "on",
}


def test_it_registers_a_patient_with_an_identifier_and_audits_it(client, coordinator):
    client.force_login(coordinator)
    response = client.post("/patients/new/", VALID)
    patient = Patient.objects.get()
    assert response["Location"] == f"/patients/{patient.pk}/"
    assert patient.identifier.startswith("CN-") and patient.consent_recorded_at is not None
    assert AuditEntry.objects.filter(
        action="create", patient_id=patient.pk, actor=coordinator
    ).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("birth_date", (timezone.localdate() + dt.timedelta(days=3)).isoformat(), "futur"),
        ("birth_date", "31/02/1950", "date"),
        ("email", "not-an-email", "courriel"),
        ("sex", "robot", "choix"),
    ],
)
def test_it_refuses_impossible_values_with_a_french_field_error(
    client, coordinator, field, value, message
):
    client.force_login(coordinator)
    response = client.post("/patients/new/", {**VALID, field: value})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field]).lower()
    assert not Patient.objects.exists()


def test_it_searches_by_name_identifier_and_birth_date(client, physician, make_patient):
    a = make_patient("Martin", "Claire", birth_date=dt.date(1960, 5, 17))
    make_patient("Bernard", "Louis", birth_date=dt.date(1970, 1, 2))
    client.force_login(physician)
    by_name = client.get("/patients/", {"q": "mart"}).context["patients"]
    assert [p.pk for p in by_name] == [a.pk]
    by_id = client.get("/patients/", {"q": a.identifier}).context["patients"]
    assert [p.pk for p in by_id] == [a.pk]
    by_birth = client.get("/patients/", {"birth_date": "1970-01-02"}).context["patients"]
    assert [p.family_name for p in by_birth] == ["Bernard"]
    assert AuditEntry.objects.filter(action="search", actor=physician).count() == 3


def test_a_patient_downloads_their_own_data_as_json(
    client, make_user, make_patient, physician, knee_case
):
    from cryoneuro.clinical.eligibility import Case
    from cryoneuro.evaluation.services import evaluation_create

    user = make_user("patient", "claire.m")
    patient = make_patient(user=user)
    evaluation_create(patient=patient, created_by=physician, case=Case(**knee_case))
    client.force_login(user)
    response = client.get(f"/patients/{patient.pk}/export.json")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["patient"]["identifier"] == patient.identifier
    assert data["evaluations"][0]["outcome"] == "eligible"
    assert AuditEntry.objects.filter(action="export", actor=user, patient_id=patient.pk).exists()


def test_coordinators_see_identity_but_no_clinical_content(
    client, coordinator, physician, make_patient, knee_case
):
    from cryoneuro.clinical.eligibility import Case
    from cryoneuro.evaluation.services import evaluation_create

    patient = make_patient()
    evaluation = evaluation_create(patient=patient, created_by=physician, case=Case(**knee_case))
    client.force_login(coordinator)
    page = client.get(f"/patients/{patient.pk}/").content.decode()
    assert patient.identifier in page
    assert f"/evaluations/{evaluation.pk}/" not in page
    assert client.get(f"/evaluations/{evaluation.pk}/").status_code == 403


def test_every_view_of_a_record_is_audited(client, nurse, make_patient):
    patient = make_patient()
    client.force_login(nurse)
    client.get(f"/patients/{patient.pk}/")
    entry = AuditEntry.objects.filter(action="view", patient_id=patient.pk).get()
    assert entry.actor == nurse and entry.actor_role == "nurse" and entry.ip_address == "127.0.0.1"


def test_staff_create_a_portal_account_that_sees_only_its_own_record(
    client, physician, make_patient
):
    own = make_patient("Own", "One")
    other = make_patient("Other", "Two", email="o@example.org")
    client.force_login(physician)
    client.post(
        f"/patients/{own.pk}/portal-account/",
        {"username": "own.one"},
    )
    own.refresh_from_db()
    assert own.user is not None and own.user.role == "patient"
    client.force_login(own.user)
    assert client.get(f"/patients/{own.pk}/").status_code == 200
    assert client.get(f"/patients/{other.pk}/").status_code == 403
    assert client.get("/patients/").status_code == 403


def test_a_refused_access_is_recorded(client, make_user, make_patient, physician):
    user = make_user("patient", "nosy")
    make_patient("Own", "Record", user=user)
    other = make_patient("Other", "Record", email="x@example.org")
    client.force_login(user)
    assert client.get(f"/patients/{other.pk}/").status_code == 403
    entry = AuditEntry.objects.filter(action="denied").get()
    assert entry.actor == user and entry.patient_id == other.pk
    assert entry.detail["path"] == f"/patients/{other.pk}/"
