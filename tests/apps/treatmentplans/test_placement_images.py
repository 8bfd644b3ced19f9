"""Placement images: upload (DICOM spacing, PNG calibration), private serving, marks ->
plan with a true-scale overlay, and clear messages for bad input."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cryoneuro.audit.models import AuditEntry
from cryoneuro.treatmentplans.models import PlacementImage, TreatmentPlan

from .conftest import PLAN_FORM

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(make_patient, physician):
    return make_patient()


def _upload(client, patient, data: bytes, name: str):
    return client.post(
        f"/patients/{patient.pk}/plans/images/", {"file": SimpleUploadedFile(name, data)}
    )


def test_a_dicom_brings_its_pixel_spacing(login, physician, patient, dicom_bytes):
    client = login(physician)
    response = _upload(client, patient, dicom_bytes(spacing=0.1), "us.dcm")
    assert response.status_code == 302
    image = PlacementImage.objects.get()
    assert image.kind == "dicom" and image.calibrated
    assert image.row_spacing_mm == pytest.approx(0.1) and (image.width, image.height) == (300, 200)
    assert f"image={image.pk}" in response["Location"]
    form = client.get(response["Location"]).content.decode()
    assert 'id="placement-svg"' in form and "placement.js" in form
    served = client.get(f"/patients/{patient.pk}/plans/images/{image.pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert AuditEntry.objects.filter(
        action="view", object_type="treatmentplans.placementimage"
    ).exists()


def test_not_an_image_gets_a_clear_message(login, physician, patient):
    client = login(physician)
    response = _upload(client, patient, b"hello, this is text", "notes.png")
    assert response.status_code == 400
    html = response.content.decode()  # on the file field, in the reader's language
    assert 'class="field has-error"' in html and "pas une image (DICOM, PNG ou JPEG)" in html
    assert PlacementImage.objects.count() == 0
    response = client.post(f"/patients/{patient.pk}/plans/images/", {})
    assert response.status_code == 400


def _plan_with_marks(client, patient, image, marks, **changes):
    data = {**PLAN_FORM, "image": str(image.pk), "marks": json.dumps(marks), **changes}
    return client.post(f"/patients/{patient.pk}/plans/new/", data)


MARKS = {  # 0.1 mm pixels: nerve 10 mm deep, vertical needle passing 1.5 mm to its left
    "skin": [[0, 0], [300, 0]],
    "nerve": [150, 100],
    "trajectory": [[135, 0], [135, 140]],
}


def test_marks_make_the_geometry_and_the_overlay(login, physician, patient, dicom_bytes):
    client = login(physician)
    _upload(client, patient, dicom_bytes(), "us.dcm")
    image = PlacementImage.objects.get()
    response = _plan_with_marks(client, patient, image, MARKS)
    assert response.status_code == 302, response.content.decode()[-3000:]
    plan = TreatmentPlan.objects.get()
    assert plan.image == image
    assert plan.inputs["depth_m"] == pytest.approx(0.010, abs=1e-6)
    assert plan.inputs["approach_angle_deg"] == pytest.approx(90.0)
    assert plan.inputs["offset_m"] == pytest.approx(1.5e-3, abs=1e-6)
    assert plan.inputs["image_marks_px"]["nerve"] == [150, 100]
    overlay = plan.result["overlay"]
    assert overlay["isotherms"]["-20"] and overlay["isotherms"]["0"]
    # true scale: the -20 isotherm lies within a few mm (tens of pixels) of the nerve
    pts = [tuple(map(float, p.split(","))) for p in overlay["isotherms"]["-20"][0].split()]
    assert min(abs(x - 150) for x, _ in pts) < 60
    page = client.get(response["Location"]).content.decode()
    assert 'id="plan-overlay"' in page and 'class="iso iso-target"' in page


def test_a_png_needs_a_calibration(login, physician, patient, png_bytes):
    client = login(physician)
    assert _upload(client, patient, png_bytes(), "us.png").status_code == 302
    image = PlacementImage.objects.get()
    assert image.kind == "png" and not image.calibrated
    response = _plan_with_marks(client, patient, image, MARKS)
    assert response.status_code == 200
    assert "known distance" in response.content.decode()
    marks = {
        **MARKS,
        "nerve": [60, 50],
        "trajectory": [[53, 0], [53, 70]],
        "skin": [[0, 0], [120, 0]],
        "calibration": {"points": [[0, 10], [100, 10]], "mm": 20},
    }
    response = _plan_with_marks(client, patient, image, marks)
    assert response.status_code == 302, response.content.decode()[-2000:]
    image.refresh_from_db()
    assert image.calibrated and image.row_spacing_mm == pytest.approx(0.2)


@pytest.mark.parametrize(
    "marks, message",
    [
        ({**MARKS, "trajectory": [[60, 0], [60, 140]]}, "misses the nerve"),
        ({**MARKS, "trajectory": [[135, 0], [135, 40]]}, "short of the nerve"),
        ({**MARKS, "nerve": None}, "mark the nerve"),
    ],
)
def test_bad_marks_say_what_to_change(login, physician, patient, dicom_bytes, marks, message):
    client = login(physician)
    _upload(client, patient, dicom_bytes(), "us.dcm")
    response = _plan_with_marks(client, patient, PlacementImage.objects.get(), marks)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert TreatmentPlan.objects.count() == 0


def test_a_nerve_deeper_than_any_probe_can_reach(login, physician, patient, dicom_bytes):
    client = login(physician)
    _upload(client, patient, dicom_bytes(rows=2000, cols=400, spacing=0.1), "ct.dcm")
    marks = {
        "skin": [[0, 0], [400, 0]],
        "nerve": [200, 1900],
        "trajectory": [[185, 0], [185, 1940]],
    }
    response = _plan_with_marks(client, patient, PlacementImage.objects.get(), marks)
    assert response.status_code == 200
    assert "deeper than any probe can reach" in response.content.decode()


def test_images_stay_private(
    login, physician, patient, dicom_bytes, make_user, make_patient, nurse
):
    _upload(login(physician), patient, dicom_bytes(), "us.dcm")
    image = PlacementImage.objects.get()
    outsider = make_user("patient", "someone")
    make_patient("Autre", "Personne", user=outsider, email="s@example.org")
    from django.test import Client

    c = login(outsider, Client())
    assert c.get(f"/patients/{patient.pk}/plans/images/{image.pk}/").status_code in (403, 404)
    anonymous = Client()
    assert anonymous.get(f"/patients/{patient.pk}/plans/images/{image.pk}/").status_code in (
        302,
        403,
    )
    assert (
        login(nurse, Client())
        .post(
            f"/patients/{patient.pk}/plans/images/",
            {"file": SimpleUploadedFile("x.dcm", dicom_bytes())},
        )
        .status_code
        == 403
    )


@pytest.mark.parametrize(
    "marks",
    [
        {**MARKS, "motor": 5},
        {**MARKS, "vessel": ["a", "b"]},
        {**MARKS, "skin": "top"},
        {**MARKS, "trajectory": [[135, 140], [135, 0]]},
        {**MARKS, "nerve": [150, 0]},
        [1, 2, 3],
    ],
)
def test_damaged_marks_never_break_the_page(login, physician, patient, dicom_bytes, marks):
    client = login(physician)
    _upload(client, patient, dicom_bytes(), "us.dcm")
    response = _plan_with_marks(client, patient, PlacementImage.objects.get(), marks)
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()


def test_the_preview_draws_the_isotherms_without_saving(login, physician, patient, dicom_bytes):
    client = login(physician)
    _upload(client, patient, dicom_bytes(), "us.dcm")
    image = PlacementImage.objects.get()
    data = {**PLAN_FORM, "image": str(image.pk), "marks": json.dumps(MARKS)}
    fragment = client.post(f"/patients/{patient.pk}/plans/preview/", data, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert html.lstrip().startswith('<div id="plan-preview"') and 'class="iso iso-target"' in html
    page = client.post(f"/patients/{patient.pk}/plans/preview/", data)
    assert page.status_code == 200 and "<html" in page.content.decode()
    assert 'id="plan-preview"' in page.content.decode()
    assert TreatmentPlan.objects.count() == 0
    bad = client.post(
        f"/patients/{patient.pk}/plans/preview/",
        {**data, "marks": json.dumps({**MARKS, "trajectory": [[60, 0], [60, 140]]})},
        HTTP_HX_REQUEST="true",
    )
    assert bad.status_code == 200 and "misses the nerve" in bad.content.decode()
