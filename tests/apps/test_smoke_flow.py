import pytest

pytestmark = pytest.mark.django_db


def test_it_registers_and_evaluates_a_patient(physician, login, knee_case):
    client = login(physician)
    response = client.post(
        "/patients/new/",
        {
            "family_name": "Durand",
            "given_name": "Paul",
            "birth_date": "1955-03-02",
            "sex": "male",
            "email": "",
            "phone": "",
            "preferred_language": "fr",
            "referring_physician": "Dr X",
            "consent_data_processing": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    from cryoneuro.patients.models import Patient

    patient = Patient.objects.get(family_name="Durand")
    page = client.get(f"/patients/{patient.pk}/evaluations/new/")
    assert page.status_code == 200
