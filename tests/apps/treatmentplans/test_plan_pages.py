"""Plan pages: create, view, plot, PDF; access by role and patient; audit."""

from __future__ import annotations

import pytest

from cryoneuro.audit.models import AuditEntry
from cryoneuro.treatmentplans.models import TreatmentPlan

from .conftest import PLAN_FORM

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluated_patient(physician, make_patient, knee_case):
    from cryoneuro.clinical.eligibility import Case
    from cryoneuro.evaluation.services import evaluation_create

    patient = make_patient()
    evaluation_create(patient=patient, created_by=physician, case=Case(**knee_case))
    return patient


def _create(client, patient, **changes):
    data = {**PLAN_FORM, "evaluation": str(patient.evaluations.first().pk), **changes}
    return client.post(f"/patients/{patient.pk}/plans/new/", data)


def test_it_offers_the_nerves_of_the_patients_indication_first(login, physician, evaluated_patient):
    page = login(physician).get(f"/patients/{evaluated_patient.pk}/plans/new/")
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        html.index('value="ipbsn"') < html.index('value="greater_occipital"')
        if "greater_occipital" in html
        else True
    )
    assert 'value="custom"' in html


def test_a_physician_plans_and_sees_the_result(login, physician, evaluated_patient):
    client = login(physician)
    response = _create(client, evaluated_patient)
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = TreatmentPlan.objects.get()
    assert plan.status == "feasible" and plan.protocol_compact
    assert plan.evaluation == evaluated_patient.evaluations.first()
    assert plan.inputs["depth_m"] == pytest.approx(0.01)
    assert plan.software_version
    assert plan.result["relief_window"]["end_dates"]
    assert AuditEntry.objects.filter(
        action="create", object_type="treatmentplans.treatmentplan"
    ).exists()
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert plan.protocol_compact in html and "plan-sensitivity" in html and "plan-relief" in html
    assert AuditEntry.objects.filter(action="view", object_id=str(plan.pk)).exists()
    plot = client.get(f"/patients/{evaluated_patient.pk}/plans/{plan.pk}/plot.png")
    assert plot.status_code == 200 and plot.content[:8] == b"\x89PNG\r\n\x1a\n"
    latest = client.get(f"/patients/{evaluated_patient.pk}/plans/latest/")
    assert latest.status_code == 200


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_report_is_a_pdf_in_both_languages(login, physician, evaluated_patient, lang):
    client = login(physician)
    _create(client, evaluated_patient)
    plan = TreatmentPlan.objects.get()
    response = client.get(
        f"/patients/{evaluated_patient.pk}/plans/{plan.pk}/report.pdf?lang={lang}"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content[:5] == b"%PDF-"
    assert AuditEntry.objects.filter(action="export", object_id=str(plan.pk)).exists()


def test_bad_values_get_messages_not_errors(login, physician, evaluated_patient):
    client = login(physician)
    response = _create(client, evaluated_patient, depth_mm="abc", diameter_mm="-1")
    assert response.status_code == 200
    assert TreatmentPlan.objects.count() == 0
    assert 'class="error"' in response.content.decode()
    # a nerve deeper than the needle reaches: a plan saying so, not a traceback
    response = _create(client, evaluated_patient, depth_mm="150", approach_angle="20")
    assert response.status_code in (200, 302)


def test_an_infeasible_plan_is_stored_and_says_why(login, physician, evaluated_patient):
    client = login(physician)
    response = _create(client, evaluated_patient, gap_mm="6")
    assert response.status_code == 302
    plan = TreatmentPlan.objects.get()
    assert plan.status == "infeasible"
    page = client.get(response["Location"]).content.decode()
    assert (
        "No protocol within the clinical limits" in page
        or "Aucun" in page
        or plan.result["reasons"]
    )


def test_a_nurse_views_but_does_not_plan(login, nurse, physician, evaluated_patient, client):
    _create(login(physician), evaluated_patient)
    plan = TreatmentPlan.objects.get()
    client = login(nurse)
    assert client.get(f"/patients/{evaluated_patient.pk}/plans/{plan.pk}/").status_code == 200
    assert client.get(f"/patients/{evaluated_patient.pk}/plans/new/").status_code == 403
    assert _create(client, evaluated_patient).status_code == 403


def test_patients_see_their_own_plans_only(
    login, make_user, physician, evaluated_patient, make_patient, client
):
    _create(login(physician), evaluated_patient)
    plan = TreatmentPlan.objects.get()
    owner = make_user("patient", "own.patient")
    evaluated_patient.user = owner
    evaluated_patient.save()
    outsider = make_user("patient", "other.patient")
    make_patient("Autre", "Personne", user=outsider, email="o@example.org")
    c = login(owner)
    assert c.get(f"/patients/{evaluated_patient.pk}/plans/{plan.pk}/").status_code == 200
    c.logout()
    c = login(outsider)
    assert c.get(f"/patients/{evaluated_patient.pk}/plans/{plan.pk}/").status_code in (403, 404)
    assert c.get(f"/patients/{evaluated_patient.pk}/plans/{plan.pk}/report.pdf").status_code in (
        403,
        404,
    )


def test_a_plan_id_of_another_patient_is_not_found(
    login, physician, evaluated_patient, make_patient
):
    client = login(physician)
    _create(client, evaluated_patient)
    plan = TreatmentPlan.objects.get()
    other = make_patient("Autre", "Patient", email="x@example.org")
    assert client.get(f"/patients/{other.pk}/plans/{plan.pk}/").status_code == 404
    assert client.get(f"/patients/{other.pk}/plans/latest/").status_code == 302


def test_the_patient_page_and_export_show_plans(login, physician, evaluated_patient):
    client = login(physician)
    _create(client, evaluated_patient)
    page = client.get(f"/patients/{evaluated_patient.pk}/").content.decode()
    assert 'id="treatment-plans"' in page
    from cryoneuro.treatmentplans.export import SECTION, export

    data = export(evaluated_patient)
    assert SECTION == "treatment_plans" and data[0]["result"]["protocol"]


def test_a_solver_failure_is_a_message_not_a_500(login, physician, evaluated_patient, monkeypatch):
    from types import SimpleNamespace

    import numpy as np

    import cryoneuro.planning.planner as planner

    monkeypatch.setattr(
        planner,
        "simulate",
        lambda **kw: SimpleNamespace(
            min_temperature=np.array([[-1e27]]), tissue_mask=np.array([[True]])
        ),
    )
    response = _create(login(physician), evaluated_patient)
    assert response.status_code == 200
    assert "not physical" in response.content.decode()
    assert TreatmentPlan.objects.count() == 0


def test_a_plan_that_cannot_be_made_still_shows_and_prints(login, physician, evaluated_patient):
    client = login(physician)
    response = _create(client, evaluated_patient, depth_mm="150", approach_angle="20")
    assert response.status_code == 302
    plan = TreatmentPlan.objects.get()
    assert plan.status == "infeasible" and plan.result["reasons"][0]["code"] == "too_deep"
    page = client.get(response["Location"])
    assert page.status_code == 200 and "plan-result" in page.content.decode()
    pdf = client.get(f"/patients/{evaluated_patient.pk}/plans/{plan.pk}/report.pdf?lang=en")
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
    assert (
        client.get(f"/patients/{evaluated_patient.pk}/plans/{plan.pk}/plot.png").status_code == 200
    )


def test_the_physician_picks_a_device_and_its_own_gas_is_used(login, physician, evaluated_patient):
    """Issue 12 §1: the pages pick a device. A single-needle device of the library is
    offered beside the gauge presets (a multi-needle tip is not: the axisymmetric planner
    cannot model it); its gas replaces the form's cryogen; the page names it."""
    client = login(physician)
    form = client.get(f"/patients/{evaluated_patient.pk}/plans/new/", HTTP_ACCEPT_LANGUAGE="fr")
    html = form.content.decode()
    assert 'value="iovera_1x90"' in html and 'value="icesphere"' in html
    assert 'value="iovera_3x69"' not in html
    assert "Dispositifs" in html and "protoxyde d&#x27;azote" in html

    response = _create(client, evaluated_patient, probe="metrum_cryoflex", cryogen="co2")
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = TreatmentPlan.objects.get()
    assert plan.inputs["probe"] == "metrum_cryoflex" and plan.inputs["cryogen"] == "n2o"
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Metrum Cryoflex" in page and "N2O (nitrous oxide)" in page
