"""The plan API: create, list, get; same permissions; 422 naming bad values."""

from __future__ import annotations

import json

import pytest

from cryoneuro.treatmentplans.models import TreatmentPlan

pytestmark = pytest.mark.django_db

BODY = {
    "nerve_code": "ipbsn",
    "depth_mm": 10,
    "diameter_mm": 1,
    "sensitivity": False,
    "procedure_date": "2026-12-01",
    "structures": [{"kind": "motor_nerve", "x_mm": 6, "depth_mm": 10, "diameter_mm": 1}],
}


def _post(client, patient, body):
    return client.post(
        f"/api/patients/{patient.pk}/plans", data=json.dumps(body), content_type="application/json"
    )


def test_it_creates_lists_and_gets_plans(login, physician, make_patient):
    patient = make_patient()
    client = login(physician)
    response = _post(client, patient, BODY)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "feasible" and data["result"]["protocol"]["compact"]
    assert data["result"]["structures"][0]["kind"] == "motor_nerve"
    assert data["result"]["relief_window"]["end_dates"]
    listed = client.get(f"/api/patients/{patient.pk}/plans").json()
    assert [p["id"] for p in listed] == [data["id"]]
    got = client.get(f"/api/patients/{patient.pk}/plans/{data['id']}").json()
    assert got["inputs"] == data["inputs"]
    latest = client.get(f"/api/patients/{patient.pk}/plans/latest").json()
    assert latest["id"] == data["id"]


@pytest.mark.parametrize(
    "change, named",
    [
        ({"depth_mm": -1}, "depth"),
        ({"probe": "99g"}, "99g"),
        ({"layers": [{"tissue": "bacon", "thickness_mm": 2}]}, "bacon"),
        ({"structures": [{"kind": "dragon", "x_mm": 1, "depth_mm": 2}]}, "dragon"),
        ({"evaluation_id": 999999}, "evaluation_id"),
    ],
)
def test_bad_values_are_named(login, physician, make_patient, change, named):
    patient = make_patient()
    response = _post(login(physician), patient, {**BODY, **change})
    assert response.status_code == 422
    assert named in response.content.decode()
    assert TreatmentPlan.objects.count() == 0


def test_the_api_keeps_the_same_permissions(login, nurse, make_user, make_patient, physician):
    patient = make_patient()
    assert _post(login(nurse), patient, BODY).status_code == 403
    owner = make_user("patient", "owner")
    patient.user = owner
    patient.save()
    from django.test import Client

    c = login(owner, Client())
    assert c.get(f"/api/patients/{patient.pk}/plans").status_code == 200
    assert c.get(f"/api/patients/{patient.pk}/plans/latest").json() is None
    other = make_patient("Autre", "Patient", email="a@example.org")
    assert c.get(f"/api/patients/{other.pk}/plans").status_code in (403, 404)


def test_it_plans_on_an_uploaded_image(login, physician, make_patient, dicom_bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cryoneuro.treatmentplans.models import PlacementImage

    patient = make_patient()
    client = login(physician)
    client.post(
        f"/patients/{patient.pk}/plans/images/",
        {"file": SimpleUploadedFile("us.dcm", dicom_bytes())},
    )
    image = PlacementImage.objects.get()
    marks = {"skin": [[0, 0], [300, 0]], "nerve": [150, 100], "trajectory": [[135, 0], [135, 140]]}
    response = _post(client, patient, {**BODY, "image_id": image.pk, "marks": marks})
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["inputs"]["depth_m"] == 0.01 and data["result"]["overlay"]["isotherms"]["-20"]
    bad = _post(
        client,
        patient,
        {**BODY, "image_id": image.pk, "marks": {**marks, "trajectory": [[60, 0], [60, 140]]}},
    )
    assert bad.status_code == 422 and "misses the nerve" in bad.content.decode()
    assert _post(client, patient, {**BODY, "image_id": 99999, "marks": marks}).status_code == 422
    # a library device on the same marks: its own needle is the one placed (issue 12 §1)
    device = _post(
        client, patient, {**BODY, "image_id": image.pk, "marks": marks, "probe": "iovera_1x90"}
    )
    assert device.status_code == 201, device.content
    assert device.json()["inputs"]["probe"] == "iovera_1x90"
    unknown = _post(client, patient, {**BODY, "image_id": image.pk, "marks": marks, "probe": "x"})
    assert unknown.status_code == 422 and "iovera_1x90" in unknown.content.decode()
