"""Staff log in with a password and TOTP; lockout; idle and absolute timeouts; patients."""

import datetime as dt

import pytest
import time_machine

from tests.conftest import PASSWORD, totp_now

pytestmark = pytest.mark.django_db


def _password_step(client, username, password=PASSWORD):
    return client.post("/accounts/login/", {"login": username, "password": password})


def test_the_login_page_is_in_french_by_default(client):
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert '<html lang="fr">' in page.content.decode()


def test_staff_need_the_second_factor_after_the_password(client, physician):
    response = _password_step(client, "dr.house")
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/patients/").status_code == 302  # not logged in yet
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200 and client.get("/patients/").status_code == 302
    done = client.post("/accounts/2fa/authenticate/", {"code": totp_now()})
    assert done.status_code == 302
    assert client.get("/patients/").status_code == 200


def test_staff_without_a_second_factor_are_led_to_set_it_up(client, make_user):
    make_user("nurse", "new.nurse", with_totp=False)
    _password_step(client, "new.nurse")
    response = client.get("/patients/")
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/totp/activate/"
    api = client.get("/api/patients")
    assert api.status_code in (401, 403)


def test_patients_log_in_with_a_password_and_land_on_their_own_record(
    client, make_user, make_patient, physician
):
    user = make_user("patient", "claire.m")
    patient = make_patient(user=user)
    response = _password_step(client, "claire.m")
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 302 and home["Location"] == f"/patients/{patient.pk}/"


def test_repeated_failures_lock_the_account_even_with_the_right_password(
    client, physician, settings
):
    responses = [
        _password_step(client, "dr.house", "wrong-password")
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert responses[-1].status_code == 429  # the lockout page, at the limit
    assert "30 minutes" in responses[-1].content.decode()
    with_right_password = _password_step(client, "dr.house")
    assert with_right_password.status_code != 302  # not on to the second factor
    assert client.get("/patients/").status_code == 302
    from cryoneuro.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="login_failed").count() >= settings.AXES_FAILURE_LIMIT


def test_an_idle_session_expires(client, physician, settings):
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(physician)
        assert client.get("/patients/").status_code == 200
        clock.shift(settings.SESSION_IDLE_TIMEOUT_SECONDS - 60)
        assert client.get("/patients/").status_code == 200  # activity keeps it alive
        clock.shift(settings.SESSION_IDLE_TIMEOUT_SECONDS + 1)
        expired = client.get("/patients/")
        assert expired.status_code == 302 and "/accounts/login/" in expired["Location"]


def test_a_busy_session_still_ends_at_the_absolute_timeout(client, physician, settings):
    start = dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC)
    step = settings.SESSION_IDLE_TIMEOUT_SECONDS // 2
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(physician)
        elapsed = 0
        while elapsed + step < settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS:
            assert client.get("/patients/").status_code == 200
            clock.shift(step)
            elapsed += step
        clock.shift(step)
        expired = client.get("/patients/")
        assert expired.status_code == 302 and "/accounts/login/" in expired["Location"]


def test_logins_are_audited(client, physician):
    from cryoneuro.audit.models import AuditEntry

    _password_step(client, "dr.house")
    client.post("/accounts/2fa/authenticate/", {"code": totp_now()})
    assert AuditEntry.objects.filter(action="login", actor=physician).exists()


def test_passwords_are_hashed_with_argon2_in_production_settings():
    from cryoneuro.site.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_our_totp_codes_match_allauths(physician):
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    from cryoneuro.devtools.totp import totp_code
    from tests.conftest import TOTP_SECRET

    at = 1_764_000_000
    assert totp_code(TOTP_SECRET, at) == format_hotp_value(hotp_value(TOTP_SECRET, at // 30))
