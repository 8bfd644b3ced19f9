import datetime as dt

import pytest
from django.utils import timezone

from cryoneuro.procedures.models import Procedure
from tests.apps.procedures.helpers import run_procedure

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _post_step(client, procedure, code, data, **extra):
    payload = {f"{code}-{k}": v for k, v in data.items()}
    return client.post(f"/procedures/{procedure.pk}/steps/{code}/", payload, **extra)


def test_a_nurse_checks_in_and_records_steps_with_htmx(cleared_patient, nurse, login):
    client = login(nurse)
    page = client.get(f"/patients/{cleared_patient.pk}/procedures/new/")
    assert page.status_code == 200
    response = client.post(
        f"/patients/{cleared_patient.pk}/procedures/new/",
        {
            "site_label": "genou droit",
            "side": "right",
            "planned_nerves": ["ipbsn"],
            "no_appointment_reason": "walk-in",
        },
    )
    assert response.status_code == 302
    procedure = Procedure.objects.get(patient=cleared_patient)
    # checked in at 08:55 (clinic time): the pre-check below is timed 09:02, after it
    from django.utils import timezone

    arrival = timezone.make_aware(
        dt.datetime.combine(timezone.localdate(), dt.time(8, 55)), timezone.get_current_timezone()
    )
    Procedure.objects.filter(pk=procedure.pk).update(checked_in_at=arrival)
    procedure.refresh_from_db()
    detail = client.get(f"/procedures/{procedure.pk}/")
    assert detail.status_code == 200
    assert "Checklist" in detail.content.decode() or "checklist" in detail.content.decode()
    response = _post_step(
        client,
        procedure,
        "pre_check",
        {
            "identity_confirmed": "yes",
            "site_side_confirmed": "yes",
            "site_marked": "yes",
            "consent_signed": "yes",
            "allergies_confirmed": "yes",
            "anticoagulation_taken": "no",
            "infection_at_site": "no",
            "baseline_nrs": "7",
            "at": "09:02",
        },
        **HTMX,
    )
    assert response.status_code == 200
    assert 'id="procedure-body"' in response.content.decode()
    step = procedure.steps.get(code="pre_check")
    assert step.passed and step.done_by == nurse
    assert step.done_at.astimezone().strftime("%M") == "02"


def test_bad_step_input_gives_field_errors_not_a_500(cleared_patient, nurse, login):
    client = login(nurse)
    procedure = run_procedure(
        cleared_patient,
        nurse,
        start=__import__("django.utils.timezone", fromlist=["now"]).now(),
        skip=("anaesthesia",),
        discharge=False,
    )
    response = _post_step(
        client, procedure, "anaesthesia", {"agent": "lidocaine_1", "volume_ml": "-4"}, **HTMX
    )
    assert response.status_code == 422
    assert "has-error" in response.content.decode()
    response = _post_step(client, procedure, "anaesthesia", {"agent": "nope", "volume_ml": "x"})
    assert response.status_code == 200  # the whole page, with the errors
    assert "has-error" in response.content.decode()
    assert client.post(f"/procedures/{procedure.pk}/steps/nonsense/", {}).status_code == 404
    response = client.post(
        f"/procedures/nerves/{procedure.nerves.first().pk}/cycles/",
        {"cycle-1-freeze_start": "25:00"},
        **HTMX,
    )
    assert response.status_code in (404, 422)


def test_closing_with_a_missing_step_is_refused_on_the_page(
    cleared_patient, nurse, physician, login
):
    from django.utils import timezone

    procedure = run_procedure(cleared_patient, nurse, start=timezone.now(), skip=("surveillance",))
    client = login(nurse)
    response = client.post(f"/procedures/{procedure.pk}/close/", {}, **HTMX)
    assert response.status_code == 422
    procedure.refresh_from_db()
    assert not procedure.is_closed
    client = login(physician)
    response = client.post(
        f"/procedures/{procedure.pk}/close/",
        {"close-override_reason": "Patient left before surveillance ended."},
    )
    assert response.status_code == 302
    procedure.refresh_from_db()
    assert procedure.is_closed


def test_patient_sees_own_procedure_but_not_others(
    cleared_patient, make_user, make_patient, nurse, login, client
):
    from django.utils import timezone

    procedure = run_procedure(cleared_patient, nurse, start=timezone.now())
    owner = make_user("patient", "claire")
    cleared_patient.user = owner
    cleared_patient.save()
    login(owner)
    assert client.get(f"/procedures/{procedure.pk}/").status_code == 200
    assert client.post(f"/procedures/{procedure.pk}/close/", {}).status_code == 403
    other = make_user("patient", "bob")
    make_patient("Bob", user=other)
    login(other)
    assert client.get(f"/procedures/{procedure.pk}/").status_code == 403
    assert client.get("/procedures/").status_code == 403


def test_the_patient_page_shows_procedures_and_adverse_events(full_procedure, nurse, login):
    client = login(nurse)
    page = client.get(f"/patients/{full_procedure.patient_id}/").content.decode()
    assert 'id="procedures"' in page and 'id="followup"' in page
    response = client.post(
        f"/patients/{full_procedure.patient_id}/adverse-events/new/",
        {
            "kind": "numbness",
            "grade": "1",
            "onset_date": "2026-01-10",
            "resolved_date": "2026-01-01",
            "source": "followup",
            "nerve": str(full_procedure.nerves.first().pk),
        },
    )
    assert response.status_code == 422
    response = client.post(
        f"/patients/{full_procedure.patient_id}/adverse-events/new/",
        {
            "kind": "numbness",
            "grade": "1",
            "onset_date": "2026-01-10",
            "source": "followup",
            "nerve": str(full_procedure.nerves.first().pk),
        },
    )
    assert response.status_code == 302
    assert full_procedure.patient.adverse_events.count() == 1


def test_the_worklist_lists_open_procedures(cleared_patient, nurse, login):
    from django.utils import timezone

    run_procedure(cleared_patient, nurse, start=timezone.now(), discharge=False)
    page = login(nurse).get("/procedures/")
    assert page.status_code == 200
    assert cleared_patient.full_name in page.content.decode()


def test_check_in_from_the_treatment_plans(cleared_patient, nurse, physician, login):
    from cryoneuro.treatmentplans.models import TreatmentPlan

    plan = TreatmentPlan.objects.create(
        patient=cleared_patient,
        created_by=physician,
        status="feasible",
        nerve_code="afcn",
        inputs={},
        software_version="t",
        result={"protocol": {"cycles": 2, "freeze_s": 60}},
    )
    client = login(nurse)
    url = f"/patients/{cleared_patient.pk}/procedures/new/"
    assert 'name="plan_id"' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "site_label": "genou",
            "side": "right",
            "plan_id": [str(plan.pk)],
            "no_appointment_reason": "walk-in",
        },
    )
    assert response.status_code == 302
    procedure = Procedure.objects.get(patient=cleared_patient)
    assert procedure.planned_nerves == ["afcn"] and procedure.plan_ids == [plan.pk]
    page = client.get(f"/procedures/{procedure.pk}/").content.decode()
    assert "data-protocol-differs" in page


def _event(**extra):
    return {"kind": "numbness", "grade": "1", "source": "followup", **extra}


def test_it_refuses_a_long_description_naming_the_limit_and_saves_nothing(
    full_procedure, nurse, login
):
    from cryoneuro.procedures.models import AdverseEvent

    client = login(nurse)
    before = AdverseEvent.objects.count()
    url = f"/patients/{full_procedure.patient_id}/adverse-events/new/"
    response = client.post(
        url,
        _event(onset_date=str(timezone.localdate()), description="x" * 2345),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    errors = response.context["form"].errors["description"]
    assert "2345" in errors[0] and "2000" in errors[0]
    assert AdverseEvent.objects.count() == before
    # the page keeps the whole text (nothing cut) and sets no maxlength that would cut it
    html = response.content.decode()
    assert "x" * 2345 in html and 'maxlength="2000"' not in html


def test_it_refuses_a_future_onset(full_procedure, nurse, login):
    client = login(nurse)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        f"/patients/{full_procedure.patient_id}/adverse-events/new/",
        _event(onset_date=str(tomorrow)),
    )
    assert response.status_code == 422
    assert "onset_date" in response.context["form"].errors


def test_the_service_and_the_api_refuse_a_future_onset_and_a_long_text(
    full_procedure, nurse, login
):
    from django.core.exceptions import ValidationError

    from cryoneuro.procedures.services import adverse_event_record

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        adverse_event_record(
            patient=full_procedure.patient,
            user=nurse,
            kind="numbness",
            grade=1,
            onset_date=tomorrow,
            source="visit",
            description="y" * 2001,
        )
    assert set(refused.value.message_dict) == {"onset_date", "description"}
    client = login(nurse)
    answer = client.post(
        f"/api/patients/{full_procedure.patient_id}/adverse-events",
        {
            "kind": "numbness",
            "grade": 1,
            "onset_date": str(timezone.localdate()),
            "description": "z" * 2001,
        },
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert "2000" in answer.json()["errors"]["description"][0]
