"""Issue 6: a patient fills a follow-up questionnaire in the portal; the answers are
kept as a draft as they go, then completed, and the timeline shows them."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = os.environ.get("CRYONEURO_SCREENSHOTS")


def test_a_patient_fills_a_follow_up_questionnaire_in_the_portal(
    page, nurse, physician, make_user, make_patient, knee_case, patient_login
):
    from django.utils import timezone

    from cryoneuro.clinical.eligibility import Case
    from cryoneuro.evaluation.services import evaluation_create
    from cryoneuro.followup.models import QuestionnaireResponse
    from tests.apps.procedures.helpers import run_procedure

    user = make_user("patient", "anne.portal")
    patient = make_patient("Lemoine", "Anne", user=user)
    evaluation_create(patient=patient, created_by=physician, case=Case(**knee_case))
    start = (timezone.now() - dt.timedelta(days=8)).replace(hour=9, minute=0)
    procedure = run_procedure(patient, nurse, start=start)
    item = procedure.followup_items.get(day=7)
    item.instruments = ["nrs", "pgic", "analgesics", "activities", "side_effects"]
    item.save()

    patient_login("anne.portal")
    page.locator(f"a.fill-link[href='/follow-up/items/{item.pk}/questionnaire/']").click()
    expect(page.locator("#questionnaire-form")).to_be_visible()
    page.locator("input[name=nrs][value='3']").check()
    # saved as a draft as soon as it changes (htmx), nothing lost
    expect(page.locator("#save-status")).to_have_attribute("data-status", "draft")
    # opening wrote nothing; the first answer creates the draft
    expect(page.locator("#save-status")).not_to_contain_text("Rien n'est encore enregistré")
    page.wait_for_timeout(300)
    response = QuestionnaireResponse.objects.get(item=item)
    response.refresh_from_db()
    assert response.nrs == 3 and response.is_draft

    # completing too early keeps the draft and says what is missing
    page.locator("#complete-button").click()
    expect(page.locator("#instrument-pgic .error")).to_be_visible()
    page.locator("input[name=pgic][value='2']").check()
    page.select_option("#id_drug_0", "tramadol")
    page.select_option("#id_route_0", "oral")
    page.fill("#id_dose_0", "100")
    page.locator("input[name=activities][value=partially]").check()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/questionnaire.png", full_page=True)
    page.locator("#complete-button").click()
    expect(page.locator("main")).to_contain_text("MME")
    response.refresh_from_db()
    assert not response.is_draft and response.mme_per_day == 20.0

    page.goto(f"/patients/{patient.pk}/timeline/")
    expect(page.locator("#timeline-chart .nrs-point")).to_have_count(2)
    expect(page.locator("#timeline-chart .mme-point")).to_have_count(1)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/timeline.png", full_page=True)
