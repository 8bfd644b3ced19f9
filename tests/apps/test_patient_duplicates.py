"""Identity vigilance at registration: a record with the same date of birth and a name
that sounds alike is shown first; creating anyway is a confirmed, audited choice."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from cryoneuro.audit.models import AuditEntry
from cryoneuro.patients.models import Patient

pytestmark = pytest.mark.django_db

NEW = {
    "family_name": "Lefebvre",
    "given_name": "Katherine",
    "birth_date": "1960-05-17",
    "sex": "female",
    "email": "",
    "phone": "",
    "preferred_language": "fr",
    "referring_physician": "",
}


@pytest.fixture
def existing(make_patient):
    return make_patient("Lefèvre", "Catherine", birth_date=dt.date(1960, 5, 17))


def test_it_shows_a_record_that_may_be_the_same_person_before_creating(
    client, coordinator, existing
):
    client.force_login(coordinator)
    response = client.post("/patients/new/", NEW)
    assert response.status_code == 200
    assert [p.pk for p in response.context["duplicates"]] == [existing.pk]
    page = response.content.decode()
    assert "Cette personne a peut-être déjà un dossier" in page
    assert f"/patients/{existing.pk}/" in page and 'name="not_a_duplicate"' in page
    assert Patient.objects.count() == 1
    assert AuditEntry.objects.filter(action="search", detail__duplicate_check=True).exists()


def test_it_creates_after_the_user_confirms_and_audits_the_dismissed_record(
    client, coordinator, existing
):
    client.force_login(coordinator)
    response = client.post("/patients/new/", {**NEW, "not_a_duplicate": "yes"})
    assert response.status_code == 302
    created = Patient.objects.exclude(pk=existing.pk).get()
    entry = AuditEntry.objects.get(action="create", patient_id=created.pk)
    assert entry.detail["duplicates_dismissed"] == [existing.pk]


@pytest.mark.parametrize(
    "changes",
    [
        {"birth_date": "1960-05-18"},  # another day
        {"given_name": "Paul"},  # another first name
        {"family_name": "Morel"},
    ],
)
def test_it_creates_at_once_when_nobody_alike_exists(client, coordinator, existing, changes):
    client.force_login(coordinator)
    response = client.post("/patients/new/", {**NEW, **changes})
    assert response.status_code == 302
    created = Patient.objects.exclude(pk=existing.pk).get()
    entry = AuditEntry.objects.get(action="create", patient_id=created.pk)
    assert not (entry.detail or {}).get("duplicates_dismissed")


def test_it_finds_names_entered_the_wrong_way_round(client, coordinator, make_patient):
    other = make_patient("Thomas", "Durand", birth_date=dt.date(1970, 1, 2))
    client.force_login(coordinator)
    response = client.post(
        "/patients/new/",
        {**NEW, "family_name": "Durant", "given_name": "Tomas", "birth_date": "1970-01-02"},
    )
    assert [p.pk for p in response.context["duplicates"]] == [other.pk]


def test_the_api_lists_the_possible_duplicates_and_creates_on_confirmation(
    client, physician, existing
):
    client.force_login(physician)
    payload = {k: NEW[k] for k in ("family_name", "given_name", "birth_date", "sex")}
    first = client.post("/api/patients", json.dumps(payload), content_type="application/json")
    assert first.status_code == 422
    assert first.json()["duplicates"] == [{"id": existing.pk, "identifier": existing.identifier}]
    again = client.post(
        "/api/patients",
        json.dumps({**payload, "not_a_duplicate": True}),
        content_type="application/json",
    )
    assert again.status_code == 201
    assert Patient.objects.count() == 2
