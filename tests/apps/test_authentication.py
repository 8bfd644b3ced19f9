"""Staff log in with a password and TOTP; lockout; idle and absolute timeouts; patients."""

import datetime as dt

import pytest
import time_machine

from tests.conftest import PASSWORD, totp_now

pytestmark = pytest.mark.django_db

WRONG_PASSWORD = "wrong-password"


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


def _failures_from(client, username, addresses, password=WRONG_PASSWORD, **headers):
    return [
        client.post(
            "/accounts/login/",
            {"login": username, "password": password},
            REMOTE_ADDR=address,
            **headers,
        )
        for address in addresses
    ]


def _right_password_from(address):
    """The right password from ``address``, in a fresh client: 302 on to the second factor,
    or 429 when locked out."""
    from django.test import Client

    return Client().post(
        "/accounts/login/", {"login": "dr.house", "password": PASSWORD}, REMOTE_ADDR=address
    )


def test_rotating_source_addresses_still_lock_the_account(client, physician, nurse, settings):
    """5 failures per (account, address) lock that pair; an attacker who moves to a new
    address every 5 failures is stopped at AXES_ACCOUNT_FAILURE_LIMIT for the account, from
    every address. allauth's 5-per-5-minutes per account is waited out between batches."""
    per_pair, per_account = settings.AXES_FAILURE_LIMIT, settings.AXES_ACCOUNT_FAILURE_LIMIT
    batches = -(-per_account // per_pair)
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        for batch in range(batches):
            address = f"203.0.113.{batch + 1}"
            responses = _failures_from(client, "dr.house", [address] * per_pair)
            assert responses[-1].status_code == 429, batch  # that pair is locked
            clock.shift(dt.timedelta(minutes=6))  # past allauth's per-account window
            if batch < batches - 1:
                # The account itself is not locked yet: the owner, elsewhere, logs in.
                assert _right_password_from("198.51.100.1").status_code == 302, batch
        # Now it is, even with the right password, from an address never seen.
        locked = _right_password_from("198.51.100.77")
        assert locked.status_code == 429 and "30 minutes" in locked.content.decode()
        # Another user behind the first (locked) address, the clinic's NAT, is not locked.
        other = client.post(
            "/accounts/login/",
            {"login": "nurse.joy", "password": PASSWORD},
            REMOTE_ADDR="203.0.113.1",
        )
        assert other.status_code == 302 and other["Location"] == "/accounts/2fa/authenticate/"
        # The lock ends with the cool-off.
        clock.shift(dt.timedelta(minutes=31))
        assert _right_password_from("198.51.100.77").status_code == 302


def test_changing_the_case_of_the_username_counts_against_the_same_account(client, physician):
    spellings = ["dr.house", "DR.HOUSE", "Dr.House", "dr.HOUSE", "DR.house"]
    responses = [
        client.post("/accounts/login/", {"login": name, "password": "wrong-password"})
        for name in spellings
    ]
    assert responses[-1].status_code == 429


def test_a_forged_x_forwarded_for_is_not_a_new_address(client, physician, settings):
    """The client address is REMOTE_ADDR (set by the proxy); X-Forwarded-For is the
    client's to write, so rotating it changes nothing: one pair, locked at the limit."""
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        responses = [
            client.post(
                "/accounts/login/",
                {"login": "dr.house", "password": "wrong-password"},
                REMOTE_ADDR="192.0.2.10",
                HTTP_X_FORWARDED_FOR=f"10.9.8.{n}",
            )
            for n in range(settings.AXES_FAILURE_LIMIT)
        ]
        assert responses[-1].status_code == 429
        clock.shift(dt.timedelta(minutes=6))  # past allauth's per-account window
        forged = client.post(
            "/accounts/login/",
            {"login": "dr.house", "password": PASSWORD},
            REMOTE_ADDR="192.0.2.10",
            HTTP_X_FORWARDED_FOR="10.200.0.1",
        )
        assert forged.status_code == 429
