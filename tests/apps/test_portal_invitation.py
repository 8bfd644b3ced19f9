"""A new patient's portal access is an invitation e-mail with a one-use set-password link
(allauth's password reset from key, Django's token generator), not a password that the
coordinator invents and passes on."""

import re

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/password/reset/key/\S+")


def _invite(client, coordinator, patient, django_capture_on_commit_callbacks, **data):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            f"/patients/{patient.pk}/portal-account/", {"username": "m.lefevre", **data}
        )


def test_it_emails_an_invitation_and_the_link_sets_the_password(
    client, coordinator, make_patient, django_capture_on_commit_callbacks
):
    patient = make_patient("Lefèvre", "Monique", email="monique@example.org")
    response = _invite(client, coordinator, patient, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    patient.refresh_from_db()
    user = patient.user
    assert user is not None and not user.has_usable_password()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["monique@example.org"]
    assert "portail patient" in message.subject  # the patient's language (French)
    assert "m.lefevre" in message.body
    link = LINK.search(message.body).group(0)

    client.logout()
    page = client.get(link, follow=True)
    assert page.status_code == 200
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    done = client.post(
        form_url,
        {"password1": "Un-mot-de-passe-choisi-42", "password2": "Un-mot-de-passe-choisi-42"},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Un-mot-de-passe-choisi-42")
    # the link works once
    again = client.get(link, follow=True)
    assert "password1" not in again.content.decode()
    # and the patient logs in with the password they chose
    login = client.post(
        "/accounts/login/", {"login": "m.lefevre", "password": "Un-mot-de-passe-choisi-42"}
    )
    assert login.status_code == 302
    assert client.get(f"/patients/{patient.pk}/").status_code == 200


def test_it_ignores_a_password_typed_by_staff(
    client, coordinator, make_patient, django_capture_on_commit_callbacks
):
    patient = make_patient("Lefèvre", "Monique", email="monique@example.org")
    _invite(
        client, coordinator, patient, django_capture_on_commit_callbacks, password="staff-knows-it"
    )
    patient.refresh_from_db()
    assert not patient.user.check_password("staff-knows-it")


def test_it_writes_the_invitation_in_the_patients_language(
    client, coordinator, make_patient, django_capture_on_commit_callbacks
):
    patient = make_patient("Smith", "Jane", email="jane@example.org", preferred_language="en")
    _invite(client, coordinator, patient, django_capture_on_commit_callbacks)
    assert "patient portal access" in mail.outbox[0].subject
    assert "Choose your password" in mail.outbox[0].body


def test_it_refuses_an_invitation_without_an_e_mail_and_creates_no_account(
    client, coordinator, make_patient, django_capture_on_commit_callbacks
):
    patient = make_patient("Sans", "Courriel", email="")
    response = _invite(client, coordinator, patient, django_capture_on_commit_callbacks)
    patient.refresh_from_db()
    assert patient.user is None
    assert mail.outbox == []
    page = client.get(response["Location"]).content.decode()
    assert "adresse e-mail" in page or "e-mail address" in page
