"""Issue 2's end-to-end path: a physician logs in with TOTP, registers a patient, fills
an evaluation, watches the decision update, saves it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_logs_in_registers_evaluates_and_shows_the_decision(page, physician, staff_login):
    staff_login("dr.house")
    expect(page.locator("h1")).to_have_text("Mon travail")  # the home lists the role's work

    page.locator('a[href="/patients/new/"]').click()
    page.fill("#id_family_name", "Lefebvre")
    page.fill("#id_given_name", "Marc")
    page.fill("#id_birth_date", "1952-09-14")
    page.select_option("#id_sex", "male")
    page.check("#id_consent_data_processing")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("LEFEBVRE")

    page.locator('a[href$="/evaluations/new/"]').click()
    page.select_option("#id_indication", "knee_arthrosis")
    page.fill("#id_pain_location", "genou droit, face médiale")
    page.select_option("#id_side", "right")
    page.fill("#id_pain_duration_months", "18")
    page.fill("#id_nrs", "7")
    page.select_option("#id_surgery_declined_or_impossible", "yes")
    page.select_option("#id_treatments-0-kind", "medication")
    page.fill("#id_treatments-0-name", "paracétamol")
    page.select_option("#id_treatments-0-result", "partial_relief")
    page.select_option("#id_treatments-1-kind", "infiltration")
    page.fill("#id_treatments-1-name", "infiltration cortisonée")
    page.select_option("#id_treatments-1-result", "no_relief")
    page.fill("#id_platelets_g_per_l", "230")
    page.select_option("#id_target_is_mixed_motor_nerve", "no")
    page.select_option("#id_consent", "given")
    page.locator("#id_platelets_g_per_l").blur()
    # The decision updates through htmx as the form is filled.
    outcome = page.locator("#decision .outcome")
    expect(outcome).to_have_attribute("data-outcome", "eligible")

    # A cold-related disease turns it into a contraindication, live.
    page.check("input[name=cold_conditions][value=raynaud]")
    expect(outcome).to_have_attribute("data-outcome", "not_eligible")
    expect(page.locator("#decision")).to_contain_text("Raynaud")
    page.uncheck("input[name=cold_conditions][value=raynaud]")
    expect(outcome).to_have_attribute("data-outcome", "eligible")

    page.locator("#evaluation-form button[type=submit]").click()
    expect(page.locator("#decision .outcome")).to_have_attribute("data-outcome", "eligible")
    expect(page.locator("#decision .outcome")).to_contain_text("Éligible à la cryoneurolyse")
    from cryoneuro.evaluation.models import Evaluation

    saved = Evaluation.objects.get(patient__family_name="Lefebvre")
    assert saved.outcome == "eligible"
    assert saved.created_by.username == "dr.house"
    assert page.locator("#decision .rule.supports").count() >= 3
