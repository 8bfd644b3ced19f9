"""Patient search ignores accents and case and finds a typed date of birth, on both
databases (the normalised ``search_name`` column is kept in step with the names)."""

import datetime as dt

import pytest

from cryoneuro.patients.models import Patient, search_key
from cryoneuro.patients.selectors import parse_typed_date, patient_search

pytestmark = pytest.mark.django_db


def test_it_folds_accents_and_case_into_the_search_key():
    assert search_key("Lefèvre") == search_key("LEFEVRE") == "lefevre"
    assert search_key("  Élodie   Çağlar ") == "elodie caglar"


@pytest.mark.parametrize("typed", ["lefevre", "LEFÈVRE", "Lefevre", "lefè", "monique lefevre"])
def test_it_finds_lefevre_however_it_is_typed(physician, make_patient, typed):
    wanted = make_patient("Lefèvre", "Monique")
    make_patient("Martin", "Claire")
    found = list(patient_search(user=physician, query=typed))
    assert found == [wanted]


def test_it_finds_an_accented_given_name_typed_without_accents(physician, make_patient):
    wanted = make_patient("Durand", "Hélène")
    assert list(patient_search(user=physician, query="helene")) == [wanted]


@pytest.mark.parametrize("typed", ["17/05/1960", "17.05.1960", "1960-05-17", "17-05-1960"])
def test_it_finds_a_typed_date_of_birth(physician, make_patient, typed):
    wanted = make_patient("Lefèvre", "Monique", birth_date=dt.date(1960, 5, 17))
    make_patient("Lefèvre", "Paul", birth_date=dt.date(1962, 1, 3))
    assert list(patient_search(user=physician, query=typed)) == [wanted]
    assert list(patient_search(user=physician, query=f"lefevre {typed}")) == [wanted]


def test_it_does_not_read_an_impossible_date_as_a_date():
    assert parse_typed_date("31/02/1960") is None
    assert parse_typed_date("1960") is None


def test_it_keeps_the_search_column_in_step_after_a_rename(physician, make_patient):
    from cryoneuro.patients.services import patient_update

    patient = make_patient("Martin", "Claire")
    patient_update(patient=patient, updated_by=physician, family_name="Lefèbvre")
    assert Patient.objects.get(pk=patient.pk).search_name == "lefebvre claire"
    assert list(patient_search(user=physician, query="LEFEBVRE")) == [patient]
    patient.given_name = "Élise"
    patient.save(update_fields=["given_name"])
    assert Patient.objects.get(pk=patient.pk).search_name == "lefebvre elise"


def test_the_search_page_finds_lefevre_and_a_typed_date(client, physician, make_patient, login):
    make_patient("Lefèvre", "Monique", birth_date=dt.date(1960, 5, 17))
    login(physician)
    assert "Monique" in client.get("/patients/", {"q": "lefevre"}).content.decode()
    assert "Monique" in client.get("/patients/", {"q": "17/05/1960"}).content.decode()
    page = client.get("/patients/", {"birth_date": "17.05.1960"}).content.decode()
    assert "Monique" in page
