import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cryoneuro.procedures import selectors, services
from cryoneuro.procedures.models import ProcedureStatus
from tests.apps.procedures.helpers import STEP_DATA, run_procedure

pytestmark = pytest.mark.django_db


def _start():
    return timezone.now().replace(hour=9, minute=0, second=0, microsecond=0)


def test_it_records_every_step_signed_and_timed_and_closes(full_procedure, nurse):
    rows = services.procedure_checklist(full_procedure)
    assert all(row.done for row in rows)
    assert {s.done_by for s in full_procedure.steps.all()} == {nurse}
    discharge = full_procedure.steps.get(code="discharge")
    assert discharge.data["advice_language"] == "fr"
    assert "pansement" in discharge.data["advice"][0]
    services.procedure_close(procedure=full_procedure, user=nurse)
    full_procedure.refresh_from_db()
    assert full_procedure.status == ProcedureStatus.CLOSED
    assert full_procedure.missing_at_close == []


def test_it_computes_the_duration_against_20_to_45_minutes(full_procedure):
    duration = selectors.procedure_duration(full_procedure)
    # imaging at +8 min, probe removal at +8+16+4+4 (2 cycles of 2 min) -> 24 min later
    assert duration["minutes"] == pytest.approx(24.0)
    assert duration["verdict"] == "within"
    assert duration["bounds"] == [20, 45]
    assert duration["expected_minutes"] >= 20


def test_it_flags_a_long_procedure(cleared_patient, nurse):
    procedure = run_procedure(cleared_patient, nurse, start=_start(), minutes_per_step=12)
    assert selectors.procedure_duration(procedure)["verdict"] == "longer"


def test_it_refuses_to_close_with_a_step_missing(cleared_patient, nurse):
    procedure = run_procedure(cleared_patient, nurse, start=_start(), skip=("surveillance",))
    with pytest.raises(ValidationError) as error:
        services.procedure_close(procedure=procedure, user=nurse)
    assert "surveillance" in str(error.value).lower()
    # a nurse cannot override, even with reasons
    with pytest.raises(ValidationError):
        services.procedure_close(procedure=procedure, user=nurse, override_reason="patient left")
    procedure.refresh_from_db()
    assert procedure.status == ProcedureStatus.IN_PROGRESS


def test_a_physician_closes_with_a_step_missing_giving_reasons(cleared_patient, nurse, physician):
    procedure = run_procedure(cleared_patient, nurse, start=_start(), skip=("surveillance",))
    services.procedure_close(
        procedure=procedure,
        user=physician,
        override_reason="Surveillance recorded on paper (network down).",
    )
    procedure.refresh_from_db()
    assert procedure.is_closed
    # issue 11: no discharge before the surveillance, so both are missing
    assert procedure.missing_at_close == ["surveillance", "discharge"]
    assert "paper" in procedure.override_reason


def test_a_failed_pre_check_blocks_the_other_steps(cleared_patient, nurse):
    procedure = services.procedure_checkin(
        no_appointment_reason="test: no booking",
        patient=cleared_patient,
        user=nurse,
        site_label="genou",
        side="right",
    )
    data = dict(STEP_DATA["pre_check"], infection_at_site=True)
    step = services.procedure_step_record(
        procedure=procedure, user=nurse, code="pre_check", data=data
    )
    assert not step.passed
    assert step.data["stop_reasons"] == ["infection_at_site"]
    with pytest.raises(ValidationError):
        services.procedure_step_record(
            procedure=procedure, user=nurse, code="imaging", data=STEP_DATA["imaging"]
        )


def test_anticoagulation_needs_a_physicians_clearance(cleared_patient, nurse, physician):
    procedure = services.procedure_checkin(
        no_appointment_reason="test: no booking",
        patient=cleared_patient,
        user=nurse,
        site_label="genou",
        side="right",
    )
    data = dict(STEP_DATA["pre_check"], anticoagulation_taken=True)
    assert not services.procedure_step_record(
        procedure=procedure, user=nurse, code="pre_check", data=data
    ).passed
    with pytest.raises(ValidationError):
        services.procedure_step_record(
            procedure=procedure,
            user=nurse,
            code="pre_check",
            data=dict(data, physician_clearance="ok"),
        )
    step = services.procedure_step_record(
        procedure=procedure,
        user=physician,
        code="pre_check",
        data=dict(data, physician_clearance="Apixaban stopped 72 h ago; low-risk procedure."),
    )
    assert step.passed and step.done_by == physician


def test_an_evaluation_not_cleared_fails_the_pre_check(make_patient, nurse, physician, knee_case):
    from cryoneuro.clinical.eligibility import Case
    from cryoneuro.evaluation.services import evaluation_create

    patient = make_patient("Roux")
    evaluation_create(
        patient=patient,
        created_by=physician,
        case=Case(**dict(knee_case, cold_conditions=["raynaud"])),
    )
    procedure = services.procedure_checkin(
        no_appointment_reason="test: no booking",
        patient=patient,
        user=nurse,
        site_label="genou",
        side="right",
    )
    step = services.procedure_step_record(
        procedure=procedure, user=nurse, code="pre_check", data=STEP_DATA["pre_check"]
    )
    assert step.data["stop_reasons"] == ["evaluation_not_cleared"]


def test_a_mixed_nerve_needs_the_motor_check(cleared_patient, nurse):
    procedure = run_procedure(
        cleared_patient,
        nurse,
        start=_start(),
        nerves=("intercostal",),
        skip=("surveillance", "discharge"),
    )
    with pytest.raises(ValidationError) as error:
        services.procedure_step_record(
            procedure=procedure, user=nurse, code="surveillance", data=STEP_DATA["surveillance"]
        )
    assert "motor_check" in error.value.message_dict


def test_it_shows_the_differences_from_the_plan(cleared_patient, nurse):
    procedure = services.procedure_checkin(
        no_appointment_reason="test: no booking",
        patient=cleared_patient,
        user=nurse,
        site_label="genou",
        side="right",
        planned_nerves=["ipbsn", "afcn"],
    )
    services.procedure_step_record(
        procedure=procedure, user=nurse, code="pre_check", data=STEP_DATA["pre_check"]
    )
    services.procedure_nerve_add(
        procedure=procedure, user=nurse, nerve_code="ipbsn", probe="p", cryogen="n2o"
    )
    services.procedure_nerve_add(
        procedure=procedure,
        user=nurse,
        nerve_code="medial_retinacular",
        probe="p",
        cryogen="n2o",
        change_reason="pain spread medially on the day",
    )
    diff = selectors.plan_differences(procedure)
    assert diff["not_treated"] == ["afcn"]
    assert diff["not_planned"] == ["medial_retinacular"]


def test_the_plan_link_is_lazy_and_tolerates_no_plan_model():
    assert selectors.plan_targets(None) is None
    assert selectors.plan_targets(123456) is None


def test_cycle_times_must_be_in_order(full_procedure, nurse):
    nerve = full_procedure.nerves.first()
    t = timezone.now()
    with pytest.raises(ValidationError):
        services.procedure_cycle_add(
            nerve=nerve,
            user=nurse,
            freeze_start=t,
            freeze_stop=t - dt.timedelta(seconds=5),
            thaw_stop=t + dt.timedelta(seconds=5),
            min_temperature_c=-80,
        )


def test_a_closed_procedure_is_read_only(full_procedure, nurse):
    services.procedure_close(procedure=full_procedure, user=nurse)
    with pytest.raises(ValidationError):
        services.procedure_step_record(
            procedure=full_procedure, user=nurse, code="imaging", data=STEP_DATA["imaging"]
        )


def test_it_flags_a_motor_deficit_beyond_the_window(cleared_patient, nurse):
    from cryoneuro.clinical.regeneration import relief_window_for_nerve

    start = _start() - dt.timedelta(days=400)
    procedure = run_procedure(cleared_patient, nurse, start=start, nerves=("intercostal",))
    nerve = procedure.nerves.get()
    event = services.adverse_event_record(
        patient=cleared_patient,
        user=nurse,
        kind="motor_weakness",
        grade=2,
        onset_date=start.date() + dt.timedelta(days=1),
        source="followup",
        nerve=nerve,
    )
    assert event.procedure == procedure
    window = relief_window_for_nerve("intercostal")
    assert window.end_days[1] < 399
    flags = selectors.motor_deficit_flags(patient=cleared_patient)
    assert len(flags) == 1 and flags[0]["event"] == event
    # resolved within the window: no flag
    services.adverse_event_resolve(
        event=event, user=nurse, resolved_date=start.date() + dt.timedelta(days=10)
    )
    assert selectors.motor_deficit_flags(patient=cleared_patient) == []


def test_sensory_numbness_is_not_flagged(full_procedure, nurse):
    services.adverse_event_record(
        patient=full_procedure.patient,
        user=nurse,
        kind="numbness",
        grade=1,
        onset_date=dt.date(2020, 1, 1),
        source="procedure",
        nerve=full_procedure.nerves.first(),
    )
    assert selectors.motor_deficit_flags(patient=full_procedure.patient) == []


def test_an_adverse_event_cannot_link_another_patients_nerve(full_procedure, nurse, make_patient):
    other = make_patient("Autre")
    with pytest.raises(ValidationError):
        services.adverse_event_record(
            patient=other,
            user=nurse,
            kind="haematoma",
            grade=1,
            onset_date=dt.date.today(),
            source="visit",
            nerve=full_procedure.nerves.first(),
        )


def test_every_write_is_audited(full_procedure):
    from cryoneuro.audit.models import AuditEntry

    types = set(
        AuditEntry.objects.filter(patient_id=full_procedure.patient_id).values_list(
            "object_type", flat=True
        )
    )
    assert {
        "procedures.procedure",
        "procedures.procedurestep",
        "procedures.nervetreatment",
        "procedures.freezecycle",
        "followup.schedule",
    } <= types


def test_a_physician_acknowledges_the_flag(cleared_patient, nurse, physician, login):
    start = _start() - dt.timedelta(days=400)
    procedure = run_procedure(cleared_patient, nurse, start=start, nerves=("intercostal",))
    event = services.adverse_event_record(
        patient=cleared_patient,
        user=nurse,
        kind="motor_weakness",
        grade=2,
        onset_date=start.date(),
        source="visit",
        nerve=procedure.nerves.get(),
    )
    with pytest.raises(ValidationError):
        services.adverse_event_acknowledge(event=event, user=nurse)
    assert login(nurse).post(f"/adverse-events/{event.pk}/acknowledge/").status_code == 403
    assert login(physician).post(f"/adverse-events/{event.pk}/acknowledge/").status_code == 302
    assert selectors.motor_deficit_flags(unacknowledged=True) == []
    assert selectors.motor_deficit_flags()[0]["acknowledged"]


def test_it_refuses_an_archived_or_infeasible_plan_posted_directly(
    cleared_patient, nurse, physician, login
):
    from django.utils import timezone, translation

    from cryoneuro.treatmentplans.models import TreatmentPlan

    def plan(status, archived=False):
        return TreatmentPlan.objects.create(
            patient=cleared_patient,
            created_by=physician,
            nerve_code="ipbsn",
            inputs={},
            result={},
            software_version="test",
            status=status,
            archived_at=timezone.now() if archived else None,
        )

    infeasible, archived = plan("infeasible"), plan("feasible", archived=True)
    for refused, word in ((infeasible, "not feasible"), (archived, "archived")):
        with translation.override("en"), pytest.raises(ValidationError) as error:
            services.procedure_checkin(
                no_appointment_reason="test: no booking",
                patient=cleared_patient,
                user=nurse,
                site_label="genou",
                side="right",
                plan_ids=[refused.pk],
            )
        message = error.value.message_dict["plan_id"][0]
        assert word in message and f"no. {refused.pk}" in message
    # the API answers the one 422 on the plan's field, in the request's language
    response = login(nurse).post(
        f"/api/patients/{cleared_patient.pk}/procedures",
        {
            "site_label": "genou",
            "side": "right",
            "plan_ids": [infeasible.pk],
            "no_appointment_reason": "test",
        },
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 422, response.content
    assert f"n° {infeasible.pk}" in response.json()["errors"]["plan_id"][0]
    assert not cleared_patient.procedures.exists()
    # a feasible current plan is taken
    feasible = plan("feasible")
    procedure = services.procedure_checkin(
        no_appointment_reason="test: no booking",
        patient=cleared_patient,
        user=nurse,
        site_label="genou",
        side="right",
        plan_ids=[feasible.pk],
    )
    assert procedure.plan_id == feasible.pk


def test_the_treatment_plans_give_the_nerves_and_the_protocol_to_compare(
    cleared_patient, nurse, physician, make_patient
):
    from cryoneuro.treatmentplans.models import TreatmentPlan

    def plan(code, cycles, freeze):
        return TreatmentPlan.objects.create(
            patient=cleared_patient,
            created_by=physician,
            nerve_code=code,
            inputs={},
            result={"protocol": {"cycles": cycles, "freeze_s": freeze, "thaw_s": 30}},
            software_version="test",
            status="feasible",
        )

    ipbsn, afcn = plan("ipbsn", 2, 60.0), plan("afcn", 3, 90.0)
    procedure = services.procedure_checkin(
        no_appointment_reason="test: no booking",
        patient=cleared_patient,
        user=nurse,
        site_label="genou",
        side="right",
        plan_ids=[ipbsn.pk, afcn.pk],
        at=_start() - dt.timedelta(minutes=10),
    )
    assert procedure.planned_nerves == ["ipbsn", "afcn"] and procedure.plan_id == ipbsn.pk
    t = _start()
    services.procedure_step_record(  # timed before the cycles, whatever the clock says
        procedure=procedure,
        user=nurse,
        code="pre_check",
        data=STEP_DATA["pre_check"],
        at=t - dt.timedelta(minutes=5),
    )
    nerve = services.procedure_nerve_add(
        procedure=procedure, user=nurse, nerve_code="ipbsn", probe="p", cryogen="n2o"
    )
    for i in range(2):
        start = t + dt.timedelta(minutes=2 * i)
        services.procedure_cycle_add(
            nerve=nerve,
            user=nurse,
            freeze_start=start,
            freeze_stop=start + dt.timedelta(seconds=60),
            thaw_stop=start + dt.timedelta(seconds=90),
            min_temperature_c=-85,
        )
    diff = selectors.plan_differences(procedure)
    assert diff["not_treated"] == ["afcn"]
    rows = {r["nerve"]: r for r in diff["protocols"]}
    # the planner's relief window (here none stored) falls back to the catalog's
    from cryoneuro.clinical.regeneration import relief_window_for_nerve as catalog_window

    assert selectors.procedure_relief_window(procedure).end_days == catalog_window("ipbsn").end_days
    ipbsn.result["relief_window"] = {
        "onset_days": [0, 3],
        "end_days": [40, 80],
        "distance_to_end_organ_mm": 80.0,
        "regrowth_mm_per_day": [1, 2],
        "basis": "measured",
    }
    ipbsn.save()
    assert selectors.procedure_relief_window(procedure).end_days == (40, 80)
    assert rows["ipbsn"]["done_cycles"] == 2 and not rows["ipbsn"]["differs"]
    assert rows["afcn"]["done_cycles"] == 0
    # another patient's plan is refused
    other = TreatmentPlan.objects.create(
        patient=make_patient("Autre"),
        created_by=physician,
        nerve_code="sural",
        inputs={},
        result={},
        software_version="t",
    )
    with pytest.raises(ValidationError):
        services.procedure_checkin(
            no_appointment_reason="test: no booking",
            patient=cleared_patient,
            user=nurse,
            site_label="x",
            side="right",
            plan_ids=[other.pk],
        )
