"""A plan computed by the real task worker (issue 13): the form queues it, the browser
lands on a page that polls with htmx and says it waits, a `manage db_worker` process
computes it, and the page moves on to the plan by itself."""

from __future__ import annotations

import re
import subprocess

import pytest
from playwright.sync_api import expect

from tests.apps.test_tasks import DATABASE_TASKS, _worker_command

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_plan_page_follows_the_worker_until_the_plan_is_stored(
    page, physician, staff_login, make_patient, knee_case, settings, tmp_path
):
    from cryoneuro.clinical.eligibility import Case
    from cryoneuro.evaluation.services import evaluation_create
    from cryoneuro.treatmentplans.models import PlanComputation, TreatmentPlan

    settings.TASKS = DATABASE_TASKS  # the live server queues; nothing runs in the request
    patient = make_patient()
    evaluation_create(patient=patient, created_by=physician, case=Case(**knee_case))
    staff_login("dr.house")
    page.goto(f"/patients/{patient.pk}/plans/new/")
    page.select_option("#id_nerve", "ipbsn")
    page.locator("#compute-plan").click()
    page.wait_for_url(re.compile(r"/plans/computations/[0-9a-f-]{36}/$"))
    status = page.locator("#computation-status")
    expect(status).to_have_attribute("data-status", "queued")
    expect(status).to_contain_text("Attente du serveur de tâches")
    page.wait_for_timeout(2500)  # a few polls: still waiting, still on the page
    expect(page.locator("#computation-status")).to_have_attribute("data-status", "queued")
    assert not TreatmentPlan.objects.exists()

    log = (tmp_path / "worker.log").open("w")
    argv, keywords = _worker_command(
        "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"
    )
    worker = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, **keywords)
    try:
        page.wait_for_url(re.compile(r"/plans/\d+/#plan-result$"), timeout=90_000)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()
    plan = TreatmentPlan.objects.get()
    assert PlanComputation.objects.get().plan == plan
    expect(page.locator("#protocol-words")).to_contain_text(re.compile(r"\d+ cycles? de \d+ s"))
