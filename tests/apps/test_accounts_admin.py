import pytest

from cryoneuro.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_an_administrator_creates_a_staff_account_that_must_add_a_second_factor(
    client, administrator
):
    client.force_login(administrator)
    response = client.post(
        "/staff/accounts/",
        {
            "username": "dr.new",
            "first_name": "Nina",
            "last_name": "Neuf",
            "email": "",
            "role": "physician",
            "password": "un-mot-de-passe-solide",
        },
    )
    assert response.status_code == 302
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="dr.new")
    assert user.role == "physician" and user.check_password("un-mot-de-passe-solide")
    assert AuditEntry.objects.filter(action="create", object_id=str(user.pk)).exists()
    client.force_login(user)
    assert client.get("/patients/")["Location"] == "/accounts/2fa/totp/activate/"


def test_a_weak_password_or_a_patient_role_is_refused(client, administrator):
    client.force_login(administrator)
    weak = client.post(
        "/staff/accounts/",
        {"username": "x", "first_name": "X", "last_name": "Y", "role": "nurse", "password": "123"},
    )
    assert weak.status_code == 200 and "password" in weak.context["form"].errors
    patient = client.post(
        "/staff/accounts/",
        {
            "username": "x",
            "first_name": "X",
            "last_name": "Y",
            "role": "patient",
            "password": "un-mot-de-passe-solide",
        },
    )
    assert "role" in patient.context["form"].errors


def test_a_deactivated_account_can_no_longer_work(client, administrator, nurse):
    client.force_login(administrator)
    client.post(f"/staff/accounts/{nurse.pk}/toggle/")
    nurse.refresh_from_db()
    assert not nurse.is_active
    client.force_login(nurse)
    assert client.get("/patients/").status_code == 302


def test_administrators_cannot_deactivate_themselves(client, administrator):
    client.force_login(administrator)
    client.post(f"/staff/accounts/{administrator.pk}/toggle/")
    administrator.refresh_from_db()
    assert administrator.is_active
