"""Issue 11's walk (first part, in both languages): the coordinator registers a patient
and sends the portal invitation (the set-password link is read from Django's outbox; the
patient follows it, chooses a password and logs in to the portal), the
physician evaluates (eligible) and plans (ipbsn at the form's shallow defaults), each role
in its own browser context whose Accept-Language picks the page's language.

Not yet walked in the browser here: booking, admission, questionnaire and timeline (they
are walked separately in test_scheduling_booking.py, test_procedure_flow.py and
test_followup_portal.py)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = {
    "fr": {
        "home": "Mon travail",
        "eligible": "Éligible à la cryoneurolyse",
        "feasible": "Réalisable",
    },
    "en": {"home": "My work", "eligible": "Eligible for cryoneurolysis", "feasible": "Feasible"},
}


def _context(browser, live_server, lang):
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR" if lang == "fr" else "en-GB",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(15_000)
    return context


def _staff_login(page, username):
    from tests.conftest import PASSWORD, TOTP_SECRET, totp_now

    page.goto("/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_selector("input[name=code]")
    page.fill("input[name=code]", totp_now(TOTP_SECRET))
    page.locator("input[name=code]").press("Enter")
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_it_walks_register_invite_evaluate_and_plan(
    browser, live_server, coordinator, physician, nurse, lang, mailoutbox
):
    from cryoneuro.patients.models import Patient

    text = TEXT[lang]
    # coordinator: registers the patient, sends the portal invitation
    ctx = _context(browser, live_server, lang)
    page = ctx.new_page()
    _staff_login(page, "coord.ada")
    expect(page.locator("h1")).to_have_text(text["home"])
    assert page.locator("html").get_attribute("lang") == lang
    page.goto("/patients/new/")
    page.fill("#id_family_name", "Lefèvre")
    page.fill("#id_given_name", "Marc")
    page.fill("#id_birth_date", "1952-09-14")
    page.select_option("#id_sex", "male")
    page.fill("#id_email", "marc.lefevre@example.org")
    page.select_option("#id_preferred_language", lang)
    page.check("#id_consent_data_processing")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("LEFÈVRE")
    patient = Patient.objects.get(family_name="Lefèvre")
    page.locator("details summary").first.click()
    page.fill("#id_username", f"marc.{lang}")
    page.locator(f"form[action='/patients/{patient.pk}/portal-account/'] button").click()
    expect(page.locator(".messages")).to_contain_text("marc.lefevre@example.org")
    assert len(mailoutbox) == 1
    link = re.search(r"https?://\S+", mailoutbox[0].body)
    assert link is not None
    ctx.close()

    # patient: follows the invitation link, chooses a password, logs in to the portal
    ctx = _context(browser, live_server, lang)
    page = ctx.new_page()
    page.goto(link.group(0).replace("http://testserver", live_server.url))
    page.fill("#id_password1", "Une-phrase-de-passe-longue-42")
    page.fill("#id_password2", "Une-phrase-de-passe-longue-42")
    page.locator("button[name=action][type=submit]").click()
    page.wait_for_load_state("networkidle")
    page.goto("/accounts/login/")
    page.fill("#id_login", f"marc.{lang}")
    page.fill("#id_password", "Une-phrase-de-passe-longue-42")
    page.locator("#id_password").press("Enter")
    page.wait_for_load_state("networkidle")
    expect(page.locator("h1")).to_contain_text("Marc")
    ctx.close()

    # physician: evaluates (eligible), then plans
    ctx = _context(browser, live_server, lang)
    page = ctx.new_page()
    _staff_login(page, "dr.house")
    page.goto(f"/patients/{patient.pk}/evaluations/new/")
    page.select_option("#id_indication", "knee_arthrosis")
    page.fill("#id_pain_location", "genou droit")
    page.select_option("#id_side", "right")
    page.fill("#id_pain_duration_months", "18")
    page.fill("#id_nrs", "7")
    page.select_option("#id_surgery_declined_or_impossible", "yes")
    page.select_option("#id_treatments-0-kind", "medication")
    page.fill("#id_treatments-0-name", "paracétamol")
    page.select_option("#id_treatments-0-result", "partial_relief")
    page.select_option("#id_treatments-1-kind", "infiltration")
    page.fill("#id_treatments-1-name", "infiltration")
    page.select_option("#id_treatments-1-result", "no_relief")
    page.fill("#id_platelets_g_per_l", "230")
    page.select_option("#id_target_is_mixed_motor_nerve", "no")
    page.select_option("#id_consent", "given")
    page.locator("#evaluation-form button[type=submit]").click()
    expect(page.locator("#decision .outcome")).to_contain_text(text["eligible"])
    page.goto(f"/patients/{patient.pk}/plans/new/")
    page.select_option("#id_nerve", "ipbsn")
    page.locator("#compute-plan").click()
    page.wait_for_url(re.compile(r"/plans/\d+/#plan-result$"), timeout=60_000)
    expect(page.locator("h2.nerve-title .badge").first).to_have_text(text["feasible"])
    ctx.close()
