"""The clinic's country profile on the patient record: the form, the API and the page show
only its identifiers; a bad one gets a field error naming the check; writes are audited."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError

from cryoneuro.audit.models import AuditEntry
from cryoneuro.patients.models import Patient
from cryoneuro.patients.services import patient_create, patient_update

pytestmark = pytest.mark.django_db

VALID = {
    "family_name": "Favre",
    "given_name": "Jean",
    "birth_date": "1984-12-03",
    "sex": "male",
    "email": "",
    "phone": "",
    "preferred_language": "fr",
    "referring_physician": "",
}
SWISS = {
    "ahv_number": "756.9217.0769.85",
    "insurance_card_number": "80756 01509 00001 23456",
    "insurer_name": "Caisse exemple",
    "insurer_number": "1509",
    "insurance_coverage": "supplementary",
    "canton": "VD",
}
FRENCH = {
    "ins_number": "1 84 12 76 451 089 46",
    "ins_identity_status": "provisoire",
    "birth_family_name": "Favre",
    "birthplace_code": "76451",
}


@pytest.fixture
def swiss(settings):
    settings.CRYONEURO_COUNTRY = "CH"
    settings.CRYONEURO_AHV_ALLOWED = True
    return settings


@pytest.fixture
def french(settings):
    settings.CRYONEURO_COUNTRY = "FR"
    return settings


def _post_json(client, path, payload):
    return client.post(path, data=json.dumps(payload), content_type="application/json")


def test_it_registers_a_swiss_patient_with_card_and_canton_and_audits_it(
    swiss, client, coordinator
):
    client.force_login(coordinator)
    form = client.get("/patients/new/").context["form"]
    assert set(SWISS) <= set(form.fields) and "ins_number" not in form.fields
    response = client.post("/patients/new/", {**VALID, **SWISS})
    patient = Patient.objects.get()
    assert response.status_code == 302
    assert (patient.ahv_number, patient.insurance_card_number, patient.canton) == (
        "7569217076985",
        "80756015090000123456",
        "VD",
    )
    assert AuditEntry.objects.filter(action="create", patient_id=patient.pk).exists()
    page = client.get(f"/patients/{patient.pk}/").content.decode()
    assert "756.9217.0769.85" in page and "<code>VD</code>" in page and "Suisse" in page


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("ahv_number", "756.9217.0769.86", "chiffre de contrôle avs invalide"),
        ("ahv_number", "757.9217.0769.85", "756"),
        ("ahv_number", "756.9217.0769", "13 chiffres"),
        ("insurance_card_number", "8075601509", "20 chiffres"),
        ("canton", "FL", "choix"),  # the model's choices refuse it first
    ],
)
def test_a_bad_swiss_identifier_gets_a_french_field_error_naming_the_check(
    swiss, client, coordinator, field, value, words
):
    client.force_login(coordinator)
    response = client.post("/patients/new/", {**VALID, **SWISS, field: value})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and words in " ".join(errors[field]).lower(), errors
    assert not Patient.objects.exists()


def test_it_names_the_failed_check_in_english_too(swiss, client, coordinator):
    client.force_login(coordinator)
    client.cookies["django_language"] = "en"
    response = client.post("/patients/new/", {**VALID, **SWISS, "ahv_number": "756.9217.0769.86"})
    assert "Invalid AHV check digit" in " ".join(response.context["form"].errors["ahv_number"])


def test_the_ahv_number_is_kept_only_where_the_clinic_may(settings, client, coordinator):
    settings.CRYONEURO_COUNTRY = "CH"
    settings.CRYONEURO_AHV_ALLOWED = False
    client.force_login(coordinator)
    form = client.get("/patients/new/").context["form"]
    assert "ahv_number" not in form.fields and "insurance_card_number" in form.fields
    with pytest.raises(ValidationError) as caught:
        patient_create(
            created_by=coordinator,
            family_name="A",
            given_name="B",
            birth_date=dt.date(1980, 1, 1),
            sex="male",
            ahv_number="756.9217.0769.85",
        )
    assert "ahv_number" in caught.value.message_dict


def test_it_registers_a_french_patient_with_an_ins_and_shows_only_french_fields(
    french, client, coordinator
):
    client.force_login(coordinator)
    form = client.get("/patients/new/").context["form"]
    assert set(FRENCH) <= set(form.fields) and "ahv_number" not in form.fields
    assert "canton" not in form.fields
    client.post("/patients/new/", {**VALID, **FRENCH})
    patient = Patient.objects.get()
    assert (patient.ins_number, patient.birthplace_code) == ("184127645108946", "76451")
    page = client.get(f"/patients/{patient.pk}/").content.decode()
    assert "1 84 12 76 451 089 46 (NIR)" in page and "Identité provisoire" in page


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"ins_number": "1 84 12 76 451 089 47"}, "ins_number", "clé nir invalide"),
        ({"ins_number": "1 84 12 76 451 089"}, "ins_number", "15 caractères"),
        ({"sex": "female"}, "ins_number", "sexe"),
        ({"birth_date": "1985-12-03"}, "ins_number", "année de naissance"),
        ({"birthplace_code": "Rouen"}, "birthplace_code", "insee"),
        (
            {"ins_identity_status": "qualifiee", "birthplace_code": ""},
            "ins_identity_status",
            "cinq traits stricts",
        ),
    ],
)
def test_a_bad_french_identifier_gets_a_field_error_naming_the_check(
    french, client, coordinator, changes, field, words
):
    client.force_login(coordinator)
    response = client.post("/patients/new/", {**VALID, **FRENCH, **changes})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and words in " ".join(errors[field]).lower(), errors
    assert not Patient.objects.exists()


def test_an_ins_already_on_a_record_is_a_duplicate(french, coordinator):
    data = {
        "created_by": coordinator,
        "family_name": "Favre",
        "given_name": "Jean",
        "birth_date": dt.date(1984, 12, 3),
        "sex": "male",
        "ins_number": "184127645108946",
    }
    patient_create(**data)
    with pytest.raises(ValidationError) as caught:
        patient_create(**{**data, "given_name": "Jean-Marc"})
    assert caught.value.error_dict["ins_number"][0].code == "duplicate"


def test_an_update_is_checked_and_audited_with_the_changed_fields(french, coordinator):
    patient = patient_create(
        created_by=coordinator,
        family_name="Favre",
        given_name="Jean",
        birth_date=dt.date(1984, 12, 3),
        sex="male",
    )
    patient_update(patient=patient, updated_by=coordinator, ins_number="1 84 12 76 451 089 46")
    patient.refresh_from_db()
    assert patient.ins_number == "184127645108946"
    entry = AuditEntry.objects.filter(action="update", patient_id=patient.pk).latest("pk")
    assert entry.detail["fields"] == ["ins_number"]
    # the INS and the record must keep agreeing: a changed sex is refused
    with pytest.raises(ValidationError) as caught:
        patient_update(patient=patient, updated_by=coordinator, sex="female")
    assert caught.value.error_dict["ins_number"][0].code == "nir_sex_mismatch"


def test_the_edit_page_shows_the_field_error_instead_of_failing(french, client, coordinator):
    patient = patient_create(
        created_by=coordinator,
        family_name="Favre",
        given_name="Jean",
        birth_date=dt.date(1984, 12, 3),
        sex="male",
    )
    client.force_login(coordinator)
    response = client.post(
        f"/patients/{patient.pk}/edit/", {**VALID, **FRENCH, "ins_number": "184127645108947"}
    )
    assert response.status_code == 200
    assert "ins_number" in response.context["form"].errors


def test_the_api_takes_and_gives_only_the_active_profiles_identifiers(swiss, client, physician):
    client.force_login(physician)
    base = {"family_name": "Favre", "given_name": "Jean", "birth_date": "1984-12-03", "sex": "male"}
    country = client.get("/api/patients/country").json()
    assert country["code"] == "CH" and country["currency"] == "CHF"
    assert country["time_zone"] == "Europe/Zurich" and "ahv_number" in country["identifier_fields"]
    created = _post_json(client, "/api/patients", {**base, "identifiers": SWISS})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["country"] == "CH" and set(body["identifiers"]) == set(SWISS)
    assert body["identifiers"]["ahv_number"] == "7569217076985"
    bad = _post_json(
        client,
        "/api/patients",
        {**base, "given_name": "Luc", "identifiers": {**SWISS, "ahv_number": "7569217076986"}},
    )
    assert bad.status_code == 422
    assert "identifiers.ahv_number" in bad.json()["errors"]
    assert "AVS" in bad.json()["errors"]["identifiers.ahv_number"][0]
    foreign = _post_json(
        client, "/api/patients", {**base, "given_name": "Luc", "identifiers": FRENCH}
    )
    assert foreign.status_code == 422
    assert "identifiers.ins_number" in foreign.json()["errors"]
    assert Patient.objects.count() == 1


def test_a_bad_country_setting_stops_start_up_naming_it(monkeypatch):
    from cryoneuro.site import env

    monkeypatch.setenv("CRYONEURO_COUNTRY", "DE")
    with pytest.raises(ImproperlyConfigured) as caught:
        env.get_country("CRYONEURO_COUNTRY", "CH")
    assert "CRYONEURO_COUNTRY='DE'" in str(caught.value) and "CH, FR" in str(caught.value)
    monkeypatch.setenv("CRYONEURO_COUNTRY", "fr")
    assert env.get_country("CRYONEURO_COUNTRY", "CH") == "FR"


def test_the_default_profile_is_swiss_and_sets_the_clinic_zone():
    import os

    from django.conf import settings

    if {"TIME_ZONE", "CRYONEURO_COUNTRY"} & set(os.environ):
        pytest.skip("the environment chooses the zone or the country")

    assert settings.CRYONEURO_COUNTRY == "CH" and settings.TIME_ZONE == "Europe/Zurich"


def test_the_demo_runs_on_the_swiss_profile_with_a_patient_living_in_france(
    swiss, tmp_path, transactional_db
):
    from django.core.management import call_command

    swiss.VAR_DIR = tmp_path
    call_command("load_demo")
    elise = Patient.objects.get(family_name="Simon", given_name="Élise")
    assert (elise.canton, elise.ahv_number) == ("GE", "7569217076985")
    assert elise.insurance_coverage == "supplementary"
    camille = Patient.objects.get(family_name="Bonnard")
    assert camille.canton == "" and camille.insurance_card_number.startswith("80756")
    assert "France" in camille.referring_physician


def test_the_demo_loads_on_the_french_profile_too(french, tmp_path, transactional_db):
    from django.core.management import call_command

    french.VAR_DIR = tmp_path
    call_command("load_demo")
    elise = Patient.objects.get(family_name="Simon", given_name="Élise")
    assert (elise.ins_number, elise.ins_identity_status) == ("264097505600189", "qualifiee")
    assert elise.insurance_card_number == ""


def test_the_export_carries_the_country_identifiers(swiss, coordinator):
    from cryoneuro.patients.selectors import patient_export

    patient = patient_create(
        created_by=coordinator,
        family_name="Favre",
        given_name="Jean",
        birth_date=dt.date(1984, 12, 3),
        sex="male",
        **SWISS,
    )
    exported = patient_export(patient=patient)["patient"]["country_identifiers"]
    assert exported["ahv_number"] == "7569217076985" and exported["canton"] == "VD"


def test_start_up_stops_on_an_unknown_country_naming_it(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "CRYONEURO_TEST_DATABASE_URL"}
    }
    environment.update(
        PYTHONPATH=str(Path(__file__).resolve().parents[2] / "src"),
        DJANGO_SETTINGS_MODULE="cryoneuro.site.settings.dev",
        CRYONEURO_VAR_DIR=str(tmp_path),
        CRYONEURO_COUNTRY="DE",
    )
    result = subprocess.run(
        [sys.executable, "-m", "cryoneuro.manage", "check"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "CRYONEURO_COUNTRY='DE'" in result.stderr and "Traceback" not in result.stderr
