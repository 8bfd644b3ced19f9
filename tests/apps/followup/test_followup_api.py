import datetime as dt

import pytest
from django.utils import timezone

from tests.apps.procedures.helpers import run_procedure

pytestmark = pytest.mark.django_db


def test_a_procedure_through_the_api(cleared_patient, nurse, physician, login, client):
    login(nurse)
    r = client.post(
        f"/api/patients/{cleared_patient.pk}/procedures",
        {
            "site_label": "genou",
            "side": "right",
            "planned_nerves": ["ipbsn"],
            "no_appointment_reason": "walk-in",
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    r = client.post(
        f"/api/procedures/{pid}/steps/pre_check",
        {
            "data": {
                "identity_confirmed": True,
                "site_side_confirmed": True,
                "site_marked": True,
                "consent_signed": True,
                "allergies_confirmed": True,
                "anticoagulation_taken": False,
                "infection_at_site": False,
                "baseline_nrs": 15,
            }
        },
        content_type="application/json",
    )
    assert r.status_code == 422 and "baseline_nrs" in str(r.json())
    r = client.post(
        f"/api/procedures/{pid}/steps/pre_check",
        {
            "data": {
                "identity_confirmed": True,
                "site_side_confirmed": True,
                "site_marked": True,
                "consent_signed": True,
                "allergies_confirmed": True,
                "anticoagulation_taken": False,
                "infection_at_site": False,
                "baseline_nrs": 7,
            }
        },
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["checklist"][0]["done"]
    r = client.post(
        f"/api/procedures/{pid}/nerves",
        {"nerve_code": "ipbsn", "probe": "Iovera", "cryogen": "n2o"},
        content_type="application/json",
    )
    assert r.status_code == 201
    nerve_id = r.json()["id"]
    t = timezone.now() + dt.timedelta(seconds=1)  # after the pre-check, recorded just now
    r = client.post(
        f"/api/procedures/nerves/{nerve_id}/cycles",
        {
            "freeze_start": t.isoformat(),
            "freeze_stop": (t + dt.timedelta(seconds=60)).isoformat(),
            "thaw_stop": (t + dt.timedelta(seconds=90)).isoformat(),
            "min_temperature_c": -85,
        },
        content_type="application/json",
    )
    assert r.status_code == 201
    r = client.post(f"/api/procedures/{pid}/close", {}, content_type="application/json")
    assert r.status_code == 422
    login(physician)
    r = client.post(
        f"/api/procedures/{pid}/close",
        {"override_reason": "Test of the API"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "closed"
    assert client.get(f"/api/procedures/{pid}").json()["override_reason"] == "Test of the API"
    assert (
        client.post(
            f"/api/procedures/{pid}/steps/bogus", {"data": {}}, content_type="application/json"
        ).status_code
        == 404
    )


def test_questionnaire_and_fhir_through_the_api(
    cleared_patient, nurse, make_user, login, client, make_patient
):
    start = (timezone.now() - dt.timedelta(days=8)).replace(hour=9, minute=0)
    procedure = run_procedure(cleared_patient, nurse, start=start)
    owner = make_user("patient", "claire")
    cleared_patient.user = owner
    cleared_patient.save()
    item = procedure.followup_items.get(day=7)
    login(owner)
    r = client.post(f"/api/follow-up/items/{item.pk}/questionnaire")
    assert r.status_code == 200
    rid = r.json()["id"]
    r = client.post(
        f"/api/questionnaires/{rid}", {"answers": {"nrs": 12}}, content_type="application/json"
    )
    assert r.status_code == 422
    r = client.post(
        f"/api/questionnaires/{rid}",
        {
            "answers": {
                "nrs": 3,
                "analgesics": [{"drug": "tramadol", "route": "oral", "daily_dose": 100}],
            },
            "complete": True,
        },
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["draft"]["nrs"] == 3
    assert r.json()["draft"]["mme_per_day"] == 20.0
    r = client.get(f"/api/patients/{cleared_patient.pk}/timeline")
    assert r.status_code == 200 and r.json()["mme_per_day"][0]["value"] == 20.0
    # the care plan, an adverse event, then the FHIR bundle validated by fhir.resources R4B
    login(nurse)
    assert (
        client.post(
            f"/api/patients/{cleared_patient.pk}/care-plan/interventions",
            {
                "kind": "physiotherapy",
                "provider": "outside",
                "provider_name": "Kiné",
                "status": "active",
            },
            content_type="application/json",
        ).status_code
        == 201
    )
    assert (
        client.post(
            f"/api/patients/{cleared_patient.pk}/care-plan/goals",
            {"description": "Marcher"},
            content_type="application/json",
        ).status_code
        == 201
    )
    assert (
        client.post(
            f"/api/patients/{cleared_patient.pk}/care-plan/reviews",
            {"reviewed_on": "2026-01-02", "note": "ok", "followup_item_id": item.pk},
            content_type="application/json",
        ).status_code
        == 201
    )
    r = client.post(
        f"/api/patients/{cleared_patient.pk}/adverse-events",
        {
            "kind": "numbness",
            "grade": 1,
            "onset_date": "2026-01-02",
            "source": "followup",
            "nerve_id": procedure.nerves.get().pk,
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert (
        client.post(
            f"/api/patients/{cleared_patient.pk}/adverse-events",
            {"kind": "dragon", "grade": 9, "onset_date": "2026-01-02"},
            content_type="application/json",
        ).status_code
        == 422
    )
    from cryoneuro.followup import services

    response = services.questionnaire_start(
        patient=cleared_patient, user=nurse, instruments=["nrs", "pgic", "analgesics"]
    )
    services.questionnaire_save(
        response=response,
        user=nurse,
        complete=True,
        answers={
            "nrs": 2,
            "pgic": 2,
            "analgesics": [{"drug": "oxycodone", "route": "oral", "daily_dose": 10.0}],
        },
    )
    login(owner)
    r = client.get(f"/api/patients/{cleared_patient.pk}/fhir")
    assert r.status_code == 200
    from fhir.resources.R4B.bundle import Bundle

    bundle = Bundle.model_validate(r.json())
    kinds = {e.resource.__resource_type__ for e in bundle.entry}
    assert {
        "Patient",
        "Condition",
        "Procedure",
        "Observation",
        "QuestionnaireResponse",
        "CarePlan",
        "Goal",
        "AdverseEvent",
        "MedicationStatement",
    } <= kinds
    nrs = [
        e.resource
        for e in bundle.entry
        if e.resource.__resource_type__ == "Observation"
        and e.resource.code.coding
        and e.resource.code.coding[0].code == "72514-3"
    ]
    assert nrs and nrs[0].valueInteger == 2
    proc = next(e.resource for e in bundle.entry if e.resource.__resource_type__ == "Procedure")
    assert "saphenous" in proc.bodySite[0].text.lower()
    # another patient is refused
    other = make_user("patient", "bob")
    make_patient("Bob", user=other)
    login(other)
    assert client.get(f"/api/patients/{cleared_patient.pk}/fhir").status_code == 403
    assert client.get(f"/api/questionnaires/{rid}").status_code == 403


def test_an_analgesic_without_a_route_is_a_422_naming_the_field_and_nothing_is_saved(
    cleared_patient, nurse, login, client
):
    from cryoneuro.followup import services

    response = services.questionnaire_start(
        patient=cleared_patient, user=nurse, instruments=["nrs", "analgesics"]
    )
    login(nurse)
    r = client.post(
        f"/api/questionnaires/{response.pk}",
        {"answers": {"nrs": 3, "analgesics": [{"drug": "fentanyl", "daily_dose": 200}]}},
        content_type="application/json",
    )
    assert r.status_code == 422
    assert set(r.json()["errors"]) == {"analgesics.0.route"}
    assert "fentanyl" in r.json()["errors"]["analgesics.0.route"][0]
    response.refresh_from_db()
    assert response.answers == {} and response.mme_per_day is None
    r = client.post(
        f"/api/questionnaires/{response.pk}",
        {"answers": {"analgesics": [{"drug": "fentanyl", "route": "mouth", "daily_dose": 2}]}},
        content_type="application/json",
    )
    assert r.status_code == 422 and "analgesics.0.route" in r.json()["errors"]
    r = client.post(
        f"/api/questionnaires/{response.pk}",
        {"answers": {"analgesics": [{"drug": "kratom", "route": "oral", "daily_dose": 2}]}},
        content_type="application/json",
    )
    assert r.status_code == 422 and "analgesics.0.drug" in r.json()["errors"]
    r = client.post(
        f"/api/questionnaires/{response.pk}",
        {
            "answers": {
                "nrs": 3,
                "analgesics": [{"drug": "fentanyl", "route": "transdermal", "daily_dose": 25}],
            }
        },
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["mme_per_day"] == 60.0
