"""The patient's own relief moves every prediction of their relief (issue 10 §5):
the end-of-relief questionnaire scheduled at discharge, the treatment-plan page, its PDF
and the plans API; an infeasible plan promises no relief window."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cryoneuro.clinical.regeneration import personalised_relief_window, relief_window_for_nerve
from cryoneuro.core.plugins import observed_relief_days
from cryoneuro.followup import services
from cryoneuro.treatmentplans.models import PlanStatus, TreatmentPlan
from tests.apps.procedures.helpers import run_procedure

pytestmark = pytest.mark.django_db


def _start(days_ago: int = 0) -> dt.datetime:
    return (timezone.now() - dt.timedelta(days=days_ago)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )


def _answer(patient, user, procedure, day: int, nrs: int) -> None:
    from cryoneuro.procedures.selectors import local_date

    response = services.questionnaire_start(
        patient=patient,
        user=user,
        instruments=["nrs", "analgesics"],
        answered_on=local_date(procedure) + dt.timedelta(days=day),
    )
    response.procedure = procedure
    response.save()
    services.questionnaire_save(
        response=response, user=user, answers={"nrs": nrs, "analgesics": []}, complete=True
    )


def _first_session_relieving_30_days(patient, nurse):
    first = run_procedure(patient, nurse, start=_start(days_ago=300))
    for day, nrs in [(7, 3), (30, 7), (90, 7)]:
        _answer(patient, nurse, first, day, nrs)
    return first


def _plan(patient, physician, status=PlanStatus.FEASIBLE) -> TreatmentPlan:
    population = relief_window_for_nerve("ipbsn").to_dict(dt.date(2026, 12, 1))
    population["basis"] = "catalog default distance (unverified)"
    return TreatmentPlan.objects.create(
        patient=patient,
        created_by=physician,
        nerve_code="ipbsn",
        inputs={"nerve_label": "IPBSN", "depth_m": 0.01},
        result={"relief_window": population, "protocol": {"compact": "2x60/30"}},
        software_version="test",
        status=status,
        procedure_date=dt.date(2026, 12, 1),
    )


def test_it_tells_the_plans_the_relief_each_session_on_the_nerve_gave(cleared_patient, nurse):
    assert observed_relief_days(cleared_patient, "ipbsn") == []
    _first_session_relieving_30_days(cleared_patient, nurse)
    assert observed_relief_days(cleared_patient, "ipbsn") == [30.0]
    assert observed_relief_days(cleared_patient, "afcn") == []  # another nerve: not this one


def test_the_end_of_relief_questionnaire_follows_the_patients_own_relief(cleared_patient, nurse):
    _first_session_relieving_30_days(cleared_patient, nurse)
    second = run_procedure(cleared_patient, nurse, start=_start(days_ago=2))
    from cryoneuro.procedures.selectors import procedure_relief_window

    population = procedure_relief_window(second)
    assert population is not None
    own = personalised_relief_window(population, [30.0])
    own_day, population_day = int(own.end_days[0]), int(population.end_days[0])
    assert own_day < population_day - 14  # far enough to be its own item
    days = {i.day for i in second.followup_items.filter(kind="questionnaire")}
    assert own_day in days and population_day not in days
    item = second.followup_items.get(day=own_day)
    assert item.due_date == dt.date.fromordinal(
        (second.checked_in_at.astimezone(timezone.get_current_timezone()).date()).toordinal()
        + own_day
    )


def test_the_plan_page_pdf_and_api_show_the_patients_own_window(
    cleared_patient, nurse, physician, login
):
    plan = _plan(cleared_patient, physician)
    client = login(physician)
    before = client.get(f"/api/patients/{cleared_patient.pk}/plans/{plan.pk}").json()
    assert before["result"]["relief_window"]["personalised"] is False
    _first_session_relieving_30_days(cleared_patient, nurse)
    api = client.get(f"/api/patients/{cleared_patient.pk}/plans/{plan.pk}").json()
    window = api["result"]["relief_window"]
    expected = personalised_relief_window(relief_window_for_nerve("ipbsn"), [30.0])
    assert window["personalised"] is True and window["observed_end_days"] == [30.0]
    assert window["end_days"] == pytest.approx(list(expected.end_days))
    assert window["population_end_days"] == pytest.approx(
        list(relief_window_for_nerve("ipbsn").end_days)
    )
    page = client.get(f"/patients/{cleared_patient.pk}/plans/{plan.pk}/?lang=en")
    html = page.content.decode()
    assert "plan-relief" in html and 'class="personalised"' in html
    assert "le soulagement a duré 30 jours" in html  # French by default
    section = html[html.index('id="plan-relief"') :]
    section = section[: section.index("</section>")]
    assert f"{expected.end_days[0]:.0f}-{expected.end_days[1]:.0f}" in section
    pdf = client.get(f"/patients/{cleared_patient.pk}/plans/{plan.pk}/report.pdf?lang=en")
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"


def test_an_infeasible_plan_shows_no_relief_window(cleared_patient, physician, login):
    plan = _plan(cleared_patient, physician, status=PlanStatus.INFEASIBLE)
    client = login(physician)
    api = client.get(f"/api/patients/{cleared_patient.pk}/plans/{plan.pk}").json()
    assert api["result"]["relief_window"] is None
    html = client.get(f"/patients/{cleared_patient.pk}/plans/{plan.pk}/").content.decode()
    assert "plan-relief" not in html
