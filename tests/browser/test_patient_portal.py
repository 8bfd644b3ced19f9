"""A patient logs into the portal with a password only and sees only their own record."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_patient_sees_their_record_and_downloads_their_data(
    page, make_user, make_patient, physician, patient_login
):
    user = make_user("patient", "claire.m")
    own = make_patient("Martin", "Claire", user=user)
    other = make_patient("Autre", "Personne", email="autre@example.org")
    patient_login("claire.m")
    expect(page.locator("h1")).to_contain_text("MARTIN Claire")
    assert page.url.endswith(f"/patients/{own.pk}/")
    with page.expect_download() as download_info:
        page.locator(f"a[href='/patients/{own.pk}/export.json']").click()
    data = json.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
    assert data["patient"]["identifier"] == own.identifier
    response = page.goto(f"/patients/{other.pk}/")
    assert response.status == 403
