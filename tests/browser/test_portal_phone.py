"""Issue 11: the patient portal is usable on a 390 px phone: no page scrolls sideways and
every button can be reached (it lies within the screen's width once scrolled to)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def _assert_fits(page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 40))"""
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow} px: {wide}"
    for button in page.locator("main button:visible, main a.btn:visible").all():
        button.scroll_into_view_if_needed()
        box = button.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1, button


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_portal_fits_a_390_px_phone(
    browser, live_server, make_user, make_patient, nurse, physician, knee_case, lang
):
    from django.utils import timezone

    from cryoneuro.clinical.eligibility import Case
    from cryoneuro.evaluation.services import evaluation_create
    from tests.apps.procedures.helpers import run_procedure
    from tests.conftest import PASSWORD

    user = make_user("patient", "anne.phone")
    patient = make_patient(
        "Lemoine-Des-Grands-Champs",
        "Anne-Marie",
        user=user,
        email="anne-marie.lemoine-des-grands-champs.tres.longue@exemple-de-domaine-long.org",
        preferred_language=lang,
    )
    evaluation_create(patient=patient, created_by=physician, case=Case(**knee_case))
    start = (timezone.now() - dt.timedelta(days=8)).replace(hour=9, minute=0)
    procedure = run_procedure(patient, nurse, start=start)
    item = procedure.followup_items.get(day=7)

    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR" if lang == "fr" else "en-GB",
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    _assert_fits(page)
    page.fill("#id_login", "anne.phone")
    page.fill("#id_password", PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_load_state("networkidle")
    if lang == "en":
        page.select_option("#lang-select", "en")
        page.locator("form.lang button").click()
        page.wait_for_load_state("networkidle")
    expect(page.locator("h1")).to_contain_text("Anne-Marie")
    assert page.locator("html").get_attribute("lang") == lang
    _assert_fits(page)
    for url in (
        f"/follow-up/items/{item.pk}/questionnaire/",
        f"/patients/{patient.pk}/follow-up/",
        f"/patients/{patient.pk}/timeline/",
        "/portal/appointments/",
    ):
        page.goto(url)
        _assert_fits(page)
    # the questionnaire can be answered and its buttons tapped at phone width
    page.goto(f"/follow-up/items/{item.pk}/questionnaire/")
    page.locator("input[name=nrs][value='3']").check()
    complete = page.locator("#complete-button")
    complete.scroll_into_view_if_needed()
    expect(complete).to_be_visible()
    expect(complete).to_be_enabled()
    context.close()
