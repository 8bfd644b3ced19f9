"""Issue 11 §2-3: replanning starts from the previous plan; infeasible plans can be
archived and are never offered at admission; the protocol in words; margins at the
decision's precision; plots in the page's language; the overlay prints as outlines."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from cryoneuro.procedures.selectors import patient_plans
from cryoneuro.treatmentplans import services
from cryoneuro.treatmentplans.forms import PlanForm, initial_from_plan
from cryoneuro.treatmentplans.messages import decimals_against, render
from cryoneuro.treatmentplans.models import PlacementImage, TreatmentPlan
from cryoneuro.treatmentplans.presenters import number_against, protocol_words

from .conftest import PLAN_FORM

pytestmark = pytest.mark.django_db

MARKS = {"skin": [[0, 0], [300, 0]], "nerve": [150, 100], "trajectory": [[135, 0], [135, 140]]}


@pytest.fixture
def patient(make_patient, physician, knee_case):
    from cryoneuro.clinical.eligibility import Case
    from cryoneuro.evaluation.services import evaluation_create

    p = make_patient()
    evaluation_create(patient=p, created_by=physician, case=Case(**knee_case))
    return p


def _create(client, patient, **changes):
    data = {**PLAN_FORM, "evaluation": str(patient.evaluations.first().pk), **changes}
    response = client.post(f"/patients/{patient.pk}/plans/new/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return TreatmentPlan.objects.order_by("-id").first(), response


def _with_image(client, patient, dicom_bytes, **changes):
    client.post(
        f"/patients/{patient.pk}/plans/images/",
        {"file": SimpleUploadedFile("us.dcm", dicom_bytes())},
    )
    image = PlacementImage.objects.get()
    return _create(client, patient, image=str(image.pk), marks=json.dumps(MARKS), **changes)


# ------------------------------------------------------------------ replanning
def test_it_starts_a_new_plan_from_an_infeasible_one_with_its_inputs_image_and_marks(
    login, physician, patient, dicom_bytes
):
    client = login(physician)
    plan, _r = _with_image(
        client, patient, dicom_bytes, fat_mm="7", probe="16g", target_c="-25", skin_limit_c="2"
    )
    page = client.get(f"/patients/{patient.pk}/plans/new/?from={plan.pk}")
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["fat_mm"] == pytest.approx(7.0)
    assert form.initial["target_c"] == pytest.approx(-25.0)
    assert form.initial["skin_limit_c"] == pytest.approx(2.0)
    assert form.initial["depth_mm"] == pytest.approx(10.0, abs=0.05)  # read off the marks
    assert page.context["image"].pk == plan.image_id
    assert json.loads(form.initial["marks"]) == MARKS
    html = page.content.decode()
    assert f'name="image" value="{plan.image_id}"' in html
    assert 'id="placement-svg"' in html and 'id="replan-source"' in html
    # submitting unchanged makes the same plan again: nothing was lost on the way
    data = {k: ("" if v is None else str(v)) for k, v in form.initial.items()}
    data["procedure_date"] = plan.procedure_date.isoformat()
    again = client.post(f"/patients/{patient.pk}/plans/new/", data)
    assert again.status_code == 302, again.content.decode()[:3000]
    new = TreatmentPlan.objects.order_by("-id").first()
    assert new.pk != plan.pk and new.image_id == plan.image_id
    assert new.inputs["image_marks_px"] == MARKS
    for key in ("depth_m", "layers", "probe", "cryogen", "approach_angle_deg", "limits"):
        assert new.inputs[key] == plan.inputs[key], key


def test_it_keeps_typed_structures_and_a_custom_nerve_when_replanning(login, physician, patient):
    client = login(physician)
    plan, _r = _create(
        client,
        patient,
        nerve="custom",
        custom_label="rameau test",
        custom_mixed="on",
        motor_x_mm="4",
        motor_depth_mm="9",
        distance_mm="80",
        gap_mm="1.5",
    )
    initial = initial_from_plan(plan)
    assert initial["nerve"] == "custom" and initial["custom_label"] == "rameau test"
    assert initial["custom_mixed"] is True
    assert initial["motor_x_mm"] == pytest.approx(4.0)
    assert initial["motor_depth_mm"] == pytest.approx(9.0)
    assert initial["distance_mm"] == pytest.approx(80.0)
    assert initial["gap_mm"] == pytest.approx(1.5)
    form = PlanForm(patient=patient, initial=initial)
    assert form["motor_x_mm"].value() == pytest.approx(4.0)


def test_it_lands_on_the_result_and_offers_a_new_plan_from_this_one(login, physician, patient):
    client = login(physician)
    plan, response = _create(client, patient)
    assert response["Location"].endswith(f"/plans/{plan.pk}/#plan-result")
    html = client.get(response["Location"].split("#")[0]).content.decode()
    assert f"/plans/new/?from={plan.pk}" in html
    form = client.get(f"/patients/{patient.pk}/plans/new/").content.decode()
    assert 'id="compute-progress"' in form


def test_a_plan_of_another_patient_cannot_be_the_start(login, physician, patient, make_patient):
    client = login(physician)
    plan, _r = _create(client, patient)
    other = make_patient()
    assert client.get(f"/patients/{other.pk}/plans/new/?from={plan.pk}").status_code == 404


# ------------------------------------------------------------------ archive
def test_it_archives_an_infeasible_plan_which_admission_never_offers(login, physician, patient):
    client = login(physician)
    good, _r = _create(client, patient)
    bad, _r = _create(client, patient, gap_mm="6")
    assert bad.status == "infeasible" and good.status == "feasible"
    offered = [pk for pk, _label in patient_plans(patient)]
    assert offered == [good.pk]  # an infeasible plan is not offered even unarchived
    page = client.get(f"/patients/{patient.pk}/plans/{bad.pk}/").content.decode()
    assert 'id="archive-plan"' in page and 'id="plan-relief"' not in page
    response = client.post(f"/patients/{patient.pk}/plans/{bad.pk}/archive/", {"archived": "1"})
    assert response.status_code == 302
    bad.refresh_from_db()
    assert bad.archived and bad.archived_by == physician
    listing = client.get(f"/patients/{patient.pk}/plans/").content.decode()
    assert "Archived plans" in listing or "Plans archivés" in listing
    section = client.get(f"/patients/{patient.pk}/").content.decode()
    assert f"/plans/{bad.pk}/" not in section
    # and back
    client.post(f"/patients/{patient.pk}/plans/{bad.pk}/archive/", {"archived": "0"})
    bad.refresh_from_db()
    assert not bad.archived


def test_a_feasible_plan_cannot_be_archived(login, physician, patient):
    client = login(physician)
    good, _r = _create(client, patient)
    client.post(f"/patients/{patient.pk}/plans/{good.pk}/archive/", {"archived": "1"})
    good.refresh_from_db()
    assert not good.archived
    with pytest.raises(ValueError):
        services.plan_archive(plan=good, by=physician)


# ------------------------------------------------------------------ words and figures
@pytest.mark.parametrize(
    "lang, one, two",
    [
        ("fr", "1 cycle de 60 s", "2 cycles de 120 s, dégel 60 s"),
        ("en", "1 cycle of 60 s", "2 cycles of 120 s, 60 s thaw"),
    ],
)
def test_it_says_the_protocol_in_words(lang, one, two):
    with translation.override(lang):
        assert protocol_words({"cycles": 1, "freeze_s": 60.0, "thaw_s": 30.0}) == one
        assert protocol_words({"cycles": 2, "freeze_s": 120.0, "thaw_s": 60.0}) == two
        assert protocol_words(None) == ""


def test_the_plan_page_shows_the_protocol_in_words_not_a_bare_number(login, physician, patient):
    client = login(physician)
    plan, response = _create(client, patient)
    words = protocol_words(plan.result["protocol"])
    with translation.override("fr"):
        words_fr = protocol_words(plan.result["protocol"])
    assert " s" in words and "cycle" in words_fr
    page = client.get(response["Location"].split("#")[0]).content.decode()
    assert f'id="protocol-words">{words_fr}<' in page
    section = client.get(f"/patients/{patient.pk}/").content.decode()
    assert f'<span class="badge eligible">{words_fr}</span>' in section


def test_it_prints_a_margin_with_the_precision_the_decision_uses():
    assert decimals_against(-0.04, 0.0) == 2
    assert decimals_against(-0.0004, 0.0) == 3
    assert decimals_against(-3.26, 0.0) == 1
    assert decimals_against(0.049, 0.0) == 2  # +0.0 would read "at the limit"
    with translation.override("fr"):
        assert number_against(-0.04, 0.0) == "-0,04"
        assert number_against(-12.34, 0.0) == "-12,3"
        msg = render(
            {"code": "skin_at_risk", "params": {"min_c": -0.04, "limit_c": 0.0}, "message": "x"}
        )
    assert "-0,04 °C" in msg["text"]


def test_the_result_shows_the_skin_figure_on_its_side_of_the_limit(login, physician, patient):
    client = login(physician)
    plan, response = _create(client, patient)
    result = dict(plan.result)
    result["skin"] = {**result["skin"], "min_c": -0.04, "limit_c": 0.0, "ok": False}
    TreatmentPlan.objects.filter(pk=plan.pk).update(result=result)
    with translation.override("fr"):
        page = client.get(
            response["Location"].split("#")[0], headers={"accept-language": "fr"}
        ).content.decode()
    skin = page[page.index('id="skin-figure"') :][:300]
    assert "0,04" in skin or "0.04" in skin
    assert "-0,0 °C" not in skin and "-0.0 °C" not in skin


# ------------------------------------------------------------------ plots and the PDF
def test_plots_follow_the_language(login, physician, patient):
    client = login(physician)
    plan, _r = _create(client, patient)
    assert plan.plot_png and plan.plot_png_fr and bytes(plan.plot_png) != bytes(plan.plot_png_fr)
    fr = client.get(f"/patients/{patient.pk}/plans/{plan.pk}/plot.png?lang=fr")
    en = client.get(f"/patients/{patient.pk}/plans/{plan.pk}/plot.png?lang=en")
    assert fr.content == bytes(plan.plot_png_fr) and en.content == bytes(plan.plot_png)


def test_an_older_plan_gets_its_missing_french_plot_made_once(login, physician, patient):
    client = login(physician)
    plan, _r = _create(client, patient)
    TreatmentPlan.objects.filter(pk=plan.pk).update(plot_png_fr=None)
    fr = client.get(f"/patients/{patient.pk}/plans/{plan.pk}/plot.png?lang=fr")
    assert fr.status_code == 200 and fr.content[:4] == b"\x89PNG"
    plan.refresh_from_db()
    assert bytes(plan.plot_png_fr) == fr.content
    # another software version made it: no redraw (it could disagree), the stored plot
    TreatmentPlan.objects.filter(pk=plan.pk).update(plot_png_fr=None, software_version="0.0.1")
    again = client.get(f"/patients/{patient.pk}/plans/{plan.pk}/plot.png?lang=fr")
    assert again.content == bytes(plan.plot_png)


def test_the_overlay_carries_its_own_outline_attributes(login, physician, patient, dicom_bytes):
    from django.template.loader import render_to_string

    from cryoneuro.treatmentplans.presenters import plan_context

    client = login(physician)
    plan, _r = _with_image(client, patient, dicom_bytes)
    ctx = plan_context(plan)
    svg = render_to_string("treatmentplans/_overlay.html", {**ctx, "image_href": "x"})
    assert svg.count("<polyline") >= 2
    assert svg.count('fill="none"') == svg.count("<polyline") + svg.count("<circle") + (
        1 if "<line" in svg else 0
    )
