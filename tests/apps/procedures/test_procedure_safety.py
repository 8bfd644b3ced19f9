"""Issue 11 §1: the procedure record is safe by construction. Every safety rule at the
service level (pre-check with no default answers and the WHO sign-in, plausible freeze
cycles in the day's order, plan vs actual, corrections and strike-outs, admission from the
appointment), then the same rules through the API."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cryoneuro.procedures import selectors, services
from cryoneuro.procedures.forms import PreCheckForm
from cryoneuro.procedures.limits import MAX_FREEZE_S, freeze_tolerance_s
from tests.apps.procedures.helpers import STEP_DATA, run_procedure

pytestmark = pytest.mark.django_db


def _nine():
    """09:00 today in the clinic's zone (a whole procedure fits in the morning)."""
    return timezone.make_aware(
        dt.datetime.combine(timezone.localdate(), dt.time(9, 0)), timezone.get_current_timezone()
    )


def _checkin(patient, nurse, **kwargs):
    kwargs.setdefault("no_appointment_reason", "walk-in")
    kwargs.setdefault("planned_nerves", ["ipbsn"])
    return services.procedure_checkin(
        patient=patient, user=nurse, site_label="genou", side="right", at=_nine(), **kwargs
    )


def _pre_check(procedure, nurse, minutes=5, **answers):
    return services.procedure_step_record(
        procedure=procedure,
        user=nurse,
        code="pre_check",
        data=dict(STEP_DATA["pre_check"], **answers),
        at=_nine() + dt.timedelta(minutes=minutes),
    )


def _cycle(nerve, nurse, start, freeze_s=60, thaw_s=30, **kwargs):
    return services.procedure_cycle_add(
        nerve=nerve,
        user=nurse,
        freeze_start=start,
        freeze_stop=start + dt.timedelta(seconds=freeze_s),
        thaw_stop=start + dt.timedelta(seconds=freeze_s + thaw_s),
        min_temperature_c=-88,
        **kwargs,
    )


def _ready_nerve(patient, nurse, **checkin):
    procedure = _checkin(patient, nurse, **checkin)
    _pre_check(procedure, nurse)
    nerve = services.procedure_nerve_add(
        procedure=procedure, user=nurse, nerve_code="ipbsn", probe="p", cryogen="n2o"
    )
    return procedure, nerve


def _appointment(patient, physician, start, nerves=("ipbsn",)):
    from cryoneuro.scheduling.models import Appointment, AppointmentType
    from cryoneuro.scheduling.services import appointment_types_ensure

    appointment_types_ensure()
    return Appointment.objects.create(
        patient=patient,
        type=AppointmentType.objects.get(code="procedure"),
        start=start,
        end=start + dt.timedelta(minutes=60),
        main_end=start + dt.timedelta(minutes=40),
        nerve_codes=list(nerves),
        booked_by=physician,
        scheduled_at=timezone.now(),
    )


# ----------------------------------------------------------------------------- pre-check


def test_it_refuses_a_pre_check_with_unanswered_questions_naming_each(cleared_patient, nurse):
    procedure = _checkin(cleared_patient, nurse)
    data = {k: v for k, v in STEP_DATA["pre_check"].items() if k not in ("site_marked",)}
    data.pop("identity_confirmed")
    with pytest.raises(ValidationError) as error:
        services.procedure_step_record(
            procedure=procedure, user=nurse, code="pre_check", data=data, at=_nine()
        )
    assert set(error.value.message_dict) == {"identity_confirmed", "site_marked"}
    assert not procedure.steps.exists()


def test_it_presets_no_answer_and_refuses_an_unanswered_form_field_by_field(cleared_patient, nurse):
    procedure = _checkin(cleared_patient, nurse)
    blank = PreCheckForm(procedure=procedure, prefix="pre_check")
    html = blank.as_div()
    assert "checked" not in html  # no yes/no question starts answered
    assert 'type="radio"' in html
    assert "17/05/1960" in html and cleared_patient.full_name in html  # two identifiers
    assert "genou" in html  # site and side from the record
    form = PreCheckForm({"pre_check-baseline_nrs": "5"}, procedure=procedure, prefix="pre_check")
    assert not form.is_valid()
    assert set(services.PRE_CHECK_QUESTIONS) <= set(form.errors)


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("identity_confirmed", "identity_not_confirmed"),
        ("site_side_confirmed", "site_side_not_confirmed"),
        ("site_marked", "site_not_marked"),
        ("allergies_confirmed", "allergies_not_confirmed"),
        ("consent_signed", "consent_not_signed"),
    ],
)
def test_it_stops_when_a_sign_in_question_is_answered_no(cleared_patient, nurse, question, reason):
    procedure = _checkin(cleared_patient, nurse)
    step = _pre_check(procedure, nurse, **{question: False})
    assert not step.passed
    assert step.data["stop_reasons"] == [reason]
    assert step.data["checklist_version"] == services.PRE_CHECK_VERSION


def test_it_records_a_passing_pre_check_with_every_answer(cleared_patient, nurse):
    procedure = _checkin(cleared_patient, nurse)
    step = _pre_check(procedure, nurse)
    assert step.passed and step.data["stop_reasons"] == []
    assert all(step.data[q] in (True, False) for q in services.PRE_CHECK_QUESTIONS)


# ----------------------------------------------------------------------------- freeze cycles


def test_it_refuses_a_freeze_of_five_hours(cleared_patient, nurse):
    _procedure, nerve = _ready_nerve(cleared_patient, nurse)
    start = _nine() + dt.timedelta(minutes=10)
    with pytest.raises(ValidationError) as error:
        _cycle(nerve, nurse, start, freeze_s=18_000)
    assert "18000 s" in error.value.message_dict["freeze_stop"][0]
    assert str(MAX_FREEZE_S) in error.value.message_dict["freeze_stop"][0]
    _cycle(nerve, nurse, start, freeze_s=MAX_FREEZE_S)  # the limit itself is accepted
    assert nerve.cycles.count() == 1


def test_it_refuses_a_thaw_beyond_the_limit(cleared_patient, nurse):
    _procedure, nerve = _ready_nerve(cleared_patient, nurse)
    with pytest.raises(ValidationError) as error:
        _cycle(nerve, nurse, _nine() + dt.timedelta(minutes=10), thaw_s=3_600)
    assert "thaw_stop" in error.value.message_dict


def test_it_refuses_a_cycle_before_the_pre_check(cleared_patient, nurse):
    _procedure, nerve = _ready_nerve(cleared_patient, nurse)
    with pytest.raises(ValidationError) as error:
        _cycle(nerve, nurse, _nine() - dt.timedelta(hours=4))  # 05:00
    assert "freeze_start" in error.value.message_dict


def test_it_refuses_overlapping_cycles_and_cycles_out_of_order(cleared_patient, nurse):
    _procedure, nerve = _ready_nerve(cleared_patient, nurse)
    first = _nine() + dt.timedelta(minutes=20)
    _cycle(nerve, nurse, first)
    with pytest.raises(ValidationError) as error:
        _cycle(nerve, nurse, first + dt.timedelta(seconds=30))
    assert "09:20:00" in error.value.message_dict["freeze_start"][0]  # names the other cycle
    with pytest.raises(ValidationError) as error:
        _cycle(nerve, nurse, first - dt.timedelta(minutes=5))
    assert "freeze_start" in error.value.message_dict
    _cycle(nerve, nurse, first + dt.timedelta(seconds=120))
    assert [c.number for c in nerve.cycles.all()] == [1, 2]


def test_it_refuses_a_cycle_after_the_probe_removal(full_procedure, nurse):
    nerve = full_procedure.nerves.first()
    removal = full_procedure.steps.get(code="probe_removal").done_at
    with pytest.raises(ValidationError) as error:
        _cycle(nerve, nurse, removal + dt.timedelta(minutes=1))
    assert "thaw_stop" in error.value.message_dict


def test_it_refuses_discharge_before_surveillance_and_before_the_last_cycle(cleared_patient, nurse):
    procedure = run_procedure(
        cleared_patient, nurse, start=_nine(), skip=("surveillance",), discharge=False
    )
    last = selectors.live_cycles(procedure).order_by("-thaw_stop").first()
    with pytest.raises(ValidationError) as error:  # no surveillance yet
        services.procedure_step_record(
            procedure=procedure,
            user=nurse,
            code="discharge",
            data=STEP_DATA["discharge"],
            at=last.thaw_stop + dt.timedelta(hours=1),
        )
    assert "surveillance" in error.value.message_dict["at"][0]
    with pytest.raises(ValidationError) as error:  # surveillance before the freeze ended
        services.procedure_step_record(
            procedure=procedure,
            user=nurse,
            code="surveillance",
            data=STEP_DATA["surveillance"],
            at=last.thaw_stop - dt.timedelta(minutes=5),
        )
    assert "at" in error.value.message_dict
    after = last.thaw_stop + dt.timedelta(minutes=30)
    services.procedure_step_record(
        procedure=procedure,
        user=nurse,
        code="surveillance",
        data=STEP_DATA["surveillance"],
        at=after,
    )
    with pytest.raises(ValidationError):  # discharge before the surveillance
        services.procedure_step_record(
            procedure=procedure,
            user=nurse,
            code="discharge",
            data=STEP_DATA["discharge"],
            at=after - dt.timedelta(minutes=1),
        )
    services.procedure_step_record(
        procedure=procedure,
        user=nurse,
        code="discharge",
        data=STEP_DATA["discharge"],
        at=after + dt.timedelta(minutes=20),
    )
    assert procedure.steps.filter(code="discharge").exists()


def test_it_refuses_a_step_timed_before_the_pre_check(cleared_patient, nurse):
    procedure = _checkin(cleared_patient, nurse)
    _pre_check(procedure, nurse, minutes=10)
    with pytest.raises(ValidationError) as error:
        services.procedure_step_record(
            procedure=procedure,
            user=nurse,
            code="imaging",
            data=STEP_DATA["imaging"],
            at=_nine() + dt.timedelta(minutes=2),
        )
    assert "at" in error.value.message_dict


def _at_noon():
    """The clock at 12:00 today, still (the future is then 12:02 and later)."""
    import time_machine

    noon = timezone.make_aware(
        dt.datetime.combine(timezone.localdate(), dt.time(12, 0)), timezone.get_current_timezone()
    )
    return time_machine.travel(noon, tick=False)


def test_it_refuses_a_step_timed_in_the_future_beyond_the_clock_tolerance(cleared_patient, nurse):
    from cryoneuro.procedures.limits import CLOCK_TOLERANCE_S

    assert CLOCK_TOLERANCE_S == 120
    procedure = _checkin(cleared_patient, nurse)
    _pre_check(procedure, nurse)
    noon = _nine() + dt.timedelta(hours=3)
    with _at_noon():
        with pytest.raises(ValidationError) as error:
            services.procedure_step_record(
                procedure=procedure,
                user=nurse,
                code="imaging",
                data=STEP_DATA["imaging"],
                at=noon + dt.timedelta(seconds=CLOCK_TOLERANCE_S + 60),
            )
        assert "dans le futur" in error.value.message_dict["at"][0]
        assert "12:03:00" in error.value.message_dict["at"][0]
        # within the tolerance (a time typed to the minute, a clock a minute ahead): taken
        services.procedure_step_record(
            procedure=procedure,
            user=nurse,
            code="imaging",
            data=STEP_DATA["imaging"],
            at=noon + dt.timedelta(seconds=CLOCK_TOLERANCE_S),
        )
    assert procedure.steps.filter(code="imaging").exists()


def test_it_refuses_a_cycle_ending_in_the_future_naming_the_first_future_time(
    cleared_patient, nurse
):
    _procedure, nerve = _ready_nerve(cleared_patient, nurse)
    noon = _nine() + dt.timedelta(hours=3)
    with _at_noon(), pytest.raises(ValidationError) as error:  # ends at 12:02:30
        _cycle(nerve, nurse, noon + dt.timedelta(seconds=30), freeze_s=60, thaw_s=60)
    assert set(error.value.message_dict) == {"thaw_stop"}
    assert "12:02:30" in error.value.message_dict["thaw_stop"][0]
    with _at_noon(), pytest.raises(ValidationError) as error:
        _cycle(nerve, nurse, noon + dt.timedelta(minutes=5))
    assert set(error.value.message_dict) == {"freeze_start"}
    assert "dans le futur" in error.value.message_dict["freeze_start"][0]
    assert not nerve.cycles.exists()


def test_the_step_form_shows_the_future_time_as_a_field_error(cleared_patient, nurse, login):
    procedure = _checkin(cleared_patient, nurse)
    _pre_check(procedure, nurse)
    client = login(nurse)
    with _at_noon():
        response = client.post(
            f"/procedures/{procedure.pk}/steps/imaging/",
            {
                "imaging-at": "12:30",
                "imaging-modality": "ultrasound",
                "imaging-nerve_identified": "yes",
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )
    page = response.content.decode()
    assert "12:30:00 is in the future" in page
    assert not procedure.steps.filter(code="imaging").exists()
    with _at_noon():
        response = client.post(
            f"/procedures/{procedure.pk}/steps/imaging/",
            {
                "imaging-at": "12:30",
                "imaging-modality": "ultrasound",
                "imaging-nerve_identified": "yes",
            },
            HTTP_ACCEPT_LANGUAGE="fr",
        )
    assert "12:30:00 est dans le futur" in response.content.decode()


# ----------------------------------------------------------------------------- plan vs actual


def _planned(patient, physician, nurse, cycles=1, freeze_s=60):
    from cryoneuro.treatmentplans.models import TreatmentPlan

    plan = TreatmentPlan.objects.create(
        patient=patient,
        created_by=physician,
        status="feasible",
        nerve_code="ipbsn",
        inputs={},
        software_version="t",
        result={"protocol": {"cycles": cycles, "freeze_s": freeze_s, "thaw_s": 30}},
    )
    return _ready_nerve(patient, nurse, plan_ids=[plan.pk], planned_nerves=[])


def test_it_flags_a_freeze_off_the_plan_and_never_says_as_planned(
    cleared_patient, physician, nurse
):
    procedure, nerve = _planned(cleared_patient, physician, nurse)
    assert procedure.planned_nerves == ["ipbsn"]  # taken from the plan
    _cycle(nerve, nurse, _nine() + dt.timedelta(minutes=20), freeze_s=18_000 // 50)  # 360 s
    diff = selectors.plan_differences(procedure)
    row = diff["protocols"][0]
    assert row["differs"] and row["cycles_off"] == [1]
    assert diff["as_planned"] is False


def test_it_accepts_a_freeze_within_the_tolerance(cleared_patient, physician, nurse):
    procedure, nerve = _planned(cleared_patient, physician, nurse)
    assert freeze_tolerance_s(60) == 15
    _cycle(nerve, nurse, _nine() + dt.timedelta(minutes=20), freeze_s=72)
    diff = selectors.plan_differences(procedure)
    assert not diff["protocols"][0]["differs"] and diff["as_planned"] is True


def test_it_flags_a_different_number_of_cycles(cleared_patient, physician, nurse):
    procedure, nerve = _planned(cleared_patient, physician, nurse)
    _cycle(nerve, nurse, _nine() + dt.timedelta(minutes=20))
    _cycle(nerve, nurse, _nine() + dt.timedelta(minutes=22))
    diff = selectors.plan_differences(procedure)
    assert diff["protocols"][0]["differs"] and diff["as_planned"] is False


def test_the_panel_shows_the_difference_not_as_planned(cleared_patient, physician, nurse, login):
    procedure, nerve = _planned(cleared_patient, physician, nurse)
    _cycle(nerve, nurse, _nine() + dt.timedelta(minutes=20), freeze_s=300)
    page = login(nurse).get(f"/procedures/{procedure.pk}/").content.decode()
    assert 'data-as-planned="false"' in page
    assert 'data-as-planned="true"' not in page


def test_it_flags_a_thaw_off_the_plan_like_the_freeze(cleared_patient, physician, nurse, login):
    procedure, nerve = _planned(cleared_patient, physician, nurse)  # 1 x 60 s, thaw 30 s
    assert freeze_tolerance_s(30) == 15
    _cycle(nerve, nurse, _nine() + dt.timedelta(minutes=20), freeze_s=60, thaw_s=50)
    diff = selectors.plan_differences(procedure)
    row = diff["protocols"][0]
    assert row["cycles_off"] == [] and row["thaw_cycles_off"] == [1]
    assert row["planned_thaw_s"] == 30 and row["done_thaw_each_s"] == [50]
    assert row["differs"] and diff["as_planned"] is False
    page = login(nurse).get(f"/procedures/{procedure.pk}/").content.decode()
    assert 'data-thaw-off="1"' in page and "décongélation écartée du plan de plus de 15 s" in page
    assert 'data-as-planned="false"' in page


def test_it_accepts_a_thaw_within_the_tolerance(cleared_patient, physician, nurse):
    procedure, nerve = _planned(cleared_patient, physician, nurse)
    _cycle(nerve, nurse, _nine() + dt.timedelta(minutes=20), freeze_s=60, thaw_s=44)
    diff = selectors.plan_differences(procedure)
    assert diff["protocols"][0]["thaw_cycles_off"] == [] and diff["as_planned"] is True


# ----------------------------------------------------------------------------- corrections


def test_it_corrects_a_cycle_keeping_the_old_values_and_auditing_it(
    cleared_patient, physician, nurse
):
    from cryoneuro.audit.models import AuditEntry

    procedure, nerve = _planned(cleared_patient, physician, nurse)
    start = _nine() + dt.timedelta(minutes=20)
    cycle = _cycle(nerve, nurse, start, freeze_s=300)
    with pytest.raises(ValidationError) as error:
        services.procedure_cycle_correct(
            cycle=cycle,
            user=nurse,
            reason="",
            freeze_start=start,
            freeze_stop=start + dt.timedelta(seconds=60),
            thaw_stop=start + dt.timedelta(seconds=90),
            min_temperature_c=-88,
        )
    assert "reason" in error.value.message_dict
    services.procedure_cycle_correct(
        cycle=cycle,
        user=nurse,
        reason="typed 5 min for 1 min",
        freeze_start=start,
        freeze_stop=start + dt.timedelta(seconds=60),
        thaw_stop=start + dt.timedelta(seconds=90),
        min_temperature_c=-90,
    )
    cycle.refresh_from_db()
    assert cycle.freeze_seconds == 60 and float(cycle.min_temperature_c) == -90
    [fix] = cycle.corrections
    assert fix["reason"] == "typed 5 min for 1 min" and fix["by"] == nurse.username
    assert fix["old"]["min_temperature_c"] == -88 and fix["new"]["min_temperature_c"] == -90
    event = AuditEntry.objects.filter(object_type="procedures.freezecycle", action="update").last()
    assert event.detail["old"]["freeze_stop"] == fix["old"]["freeze_stop"]
    assert selectors.plan_differences(procedure)["as_planned"] is True


def test_a_correction_follows_the_same_rules(cleared_patient, nurse):
    _procedure, nerve = _ready_nerve(cleared_patient, nurse)
    start = _nine() + dt.timedelta(minutes=20)
    cycle = _cycle(nerve, nurse, start)
    with pytest.raises(ValidationError) as error:
        services.procedure_cycle_correct(
            cycle=cycle,
            user=nurse,
            reason="slip",
            freeze_start=start,
            freeze_stop=start + dt.timedelta(hours=5),
            thaw_stop=start + dt.timedelta(hours=5, seconds=30),
            min_temperature_c=-88,
        )
    assert "freeze_stop" in error.value.message_dict
    cycle.refresh_from_db()
    assert cycle.corrections == [] and cycle.freeze_seconds == 60


def test_it_strikes_a_cycle_out_keeping_it_and_excluding_it_from_totals(
    cleared_patient, physician, nurse, login
):
    procedure, nerve = _planned(cleared_patient, physician, nurse)
    start = _nine() + dt.timedelta(minutes=20)
    wrong = _cycle(nerve, nurse, start, freeze_s=300)
    with pytest.raises(ValidationError):
        services.procedure_cycle_strike(cycle=wrong, user=nurse, reason=" ")
    services.procedure_cycle_strike(cycle=wrong, user=nurse, reason="recorded on the wrong nerve")
    wrong.refresh_from_db()
    assert wrong.is_struck and wrong.strike_reason == "recorded on the wrong nerve"
    assert nerve.cycles.count() == 1  # kept on the record
    assert not services.nerves_done(procedure)  # counts for nothing
    diff = selectors.plan_differences(procedure)
    assert diff["protocols"][0]["done_cycles"] == 0 and diff["as_planned"] is False
    _cycle(nerve, nurse, start)  # the same slot is free again
    diff = selectors.plan_differences(procedure)
    assert diff["protocols"][0]["done_cycles"] == 1 and diff["as_planned"] is True
    page = login(nurse).get(f"/procedures/{procedure.pk}/").content.decode()
    assert 'data-struck="true"' in page and "recorded on the wrong nerve" in page
    with pytest.raises(ValidationError):
        services.procedure_cycle_strike(cycle=wrong, user=nurse, reason="again")


# ----------------------------------------------------------------------------- admission


def test_it_admits_from_the_days_appointment_and_completes_it(cleared_patient, physician, nurse):
    booking = _appointment(cleared_patient, physician, _nine(), nerves=("ipbsn", "afcn"))
    assert selectors.day_appointment(cleared_patient, timezone.localdate()) == booking
    procedure = services.procedure_checkin(
        patient=cleared_patient,
        user=nurse,
        site_label="genou",
        side="right",
        appointment_id=booking.pk,
        at=_nine(),
    )
    assert procedure.appointment == booking and procedure.planned_nerves == ["ipbsn", "afcn"]
    booking.refresh_from_db()
    assert booking.status == "booked" and booking.procedure == procedure
    _pre_check(procedure, nurse)
    start = _nine() + dt.timedelta(minutes=15)
    for i, code in enumerate(("ipbsn", "afcn")):
        nerve = services.procedure_nerve_add(
            procedure=procedure, user=nurse, nerve_code=code, probe="p", cryogen="n2o"
        )
        _cycle(nerve, nurse, start + dt.timedelta(minutes=3 * i))
    for minutes, code in ((30, "probe_removal"), (35, "surveillance"), (60, "discharge")):
        services.procedure_step_record(
            procedure=procedure,
            user=nurse,
            code=code,
            data=STEP_DATA[code],
            at=_nine() + dt.timedelta(minutes=minutes),
        )
    booking.refresh_from_db()
    assert booking.status == "attended"


def test_it_needs_a_reason_to_admit_without_an_appointment(cleared_patient, nurse):
    with pytest.raises(ValidationError) as error:
        services.procedure_checkin(
            patient=cleared_patient, user=nurse, site_label="genou", side="right"
        )
    assert "no_appointment_reason" in error.value.message_dict
    procedure = _checkin(cleared_patient, nurse, no_appointment_reason="urgent add-on")
    assert procedure.appointment is None and procedure.no_appointment_reason == "urgent add-on"


def test_treating_on_another_day_resolves_the_booking(cleared_patient, physician, nurse):
    from cryoneuro.scheduling.models import Resource, ResourceBooking

    later = _nine() + dt.timedelta(days=3)
    booking = _appointment(cleared_patient, physician, later)
    room = Resource.objects.create(kind="procedure_room", name="Salle 1")
    held = ResourceBooking.objects.create(
        resource=room, start=later, end=later + dt.timedelta(hours=1), appointment=booking
    )
    assert selectors.day_appointment(cleared_patient, timezone.localdate()) is None
    procedure = _checkin(
        cleared_patient, nurse, appointment_id=booking.pk, no_appointment_reason=""
    )
    services.procedure_close(
        procedure=procedure, user=physician, override_reason="pre-check only (test)"
    )
    booking.refresh_from_db()
    held.refresh_from_db()
    assert booking.status == "attended" and booking.procedure == procedure
    assert not held.active  # the room is free again on the booked day


def test_it_refuses_another_patients_or_a_cancelled_appointment(
    cleared_patient, make_patient, physician, nurse
):
    other = make_patient("Autre", "Patient")
    theirs = _appointment(other, physician, _nine())
    cancelled = _appointment(cleared_patient, physician, _nine())
    cancelled.status = "cancelled"
    cancelled.save()
    for appointment in (theirs, cancelled):
        with pytest.raises(ValidationError) as error:
            _checkin(cleared_patient, nurse, appointment_id=appointment.pk)
        assert "appointment" in error.value.message_dict


def test_it_takes_the_plans_nerves_and_needs_a_reason_to_change_them(
    cleared_patient, physician, nurse
):
    from cryoneuro.treatmentplans.models import TreatmentPlan

    plan = TreatmentPlan.objects.create(
        patient=cleared_patient,
        created_by=physician,
        status="feasible",
        nerve_code="ipbsn",
        inputs={},
        software_version="t",
        result={},
    )
    with pytest.raises(ValidationError) as error:
        _checkin(cleared_patient, nurse, plan_ids=[plan.pk], planned_nerves=["afcn"])
    assert "nerves_change_reason" in error.value.message_dict
    procedure = _checkin(
        cleared_patient,
        nurse,
        plan_ids=[plan.pk],
        planned_nerves=["afcn"],
        nerves_change_reason="saphenous branch not found on ultrasound",
    )
    assert procedure.planned_nerves == ["afcn"]
    assert procedure.nerves_change_reason.startswith("saphenous")


def test_a_nerve_outside_the_plan_needs_a_reason(cleared_patient, nurse):
    procedure = _checkin(cleared_patient, nurse)
    _pre_check(procedure, nurse)
    with pytest.raises(ValidationError) as error:
        services.procedure_nerve_add(
            procedure=procedure, user=nurse, nerve_code="afcn", probe="p", cryogen="n2o"
        )
    assert "change_reason" in error.value.message_dict
    nerve = services.procedure_nerve_add(
        procedure=procedure,
        user=nurse,
        nerve_code="afcn",
        probe="p",
        cryogen="n2o",
        change_reason="pain anterior on the day",
    )
    assert nerve.change_reason == "pain anterior on the day"


def test_the_check_in_page_preselects_the_days_appointment(
    cleared_patient, physician, nurse, login
):
    booking = _appointment(cleared_patient, physician, _nine())
    page = login(nurse).get(f"/patients/{cleared_patient.pk}/procedures/new/").content.decode()
    assert f'<option value="{booking.pk}" selected>' in page
    assert 'id="today-appointment"' in page


# ----------------------------------------------------------------------------- API


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_api_names_each_unanswered_pre_check_question(cleared_patient, nurse, login):
    client = login(nurse)
    response = _post(
        client,
        f"/api/patients/{cleared_patient.pk}/procedures",
        {"site_label": "genou", "side": "right", "planned_nerves": ["ipbsn"]},
    )
    assert response.status_code == 422
    assert "no_appointment_reason" in response.json()["errors"]
    response = _post(
        client,
        f"/api/patients/{cleared_patient.pk}/procedures",
        {
            "site_label": "genou",
            "side": "right",
            "planned_nerves": ["ipbsn"],
            "no_appointment_reason": "walk-in",
        },
    )
    assert response.status_code == 201
    procedure_id = response.json()["id"]
    response = _post(
        client,
        f"/api/procedures/{procedure_id}/steps/pre_check",
        {"data": {"consent_signed": "yes", "baseline_nrs": 5}},
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(services.PRE_CHECK_QUESTIONS) - {"consent_signed"} <= set(errors)
    assert "consent_signed" not in errors


def test_api_refuses_an_implausible_cycle_and_corrects_and_strikes(cleared_patient, nurse, login):
    procedure, nerve = _ready_nerve(cleared_patient, nurse)
    client = login(nurse)
    start = _nine() + dt.timedelta(minutes=20)

    def body(seconds):
        return {
            "freeze_start": start.isoformat(),
            "freeze_stop": (start + dt.timedelta(seconds=seconds)).isoformat(),
            "thaw_stop": (start + dt.timedelta(seconds=seconds + 30)).isoformat(),
            "min_temperature_c": -88,
        }

    response = _post(client, f"/api/procedures/nerves/{nerve.pk}/cycles", body(18_000))
    assert response.status_code == 422 and "freeze_stop" in response.json()["errors"]
    response = _post(client, f"/api/procedures/nerves/{nerve.pk}/cycles", body(300))
    assert response.status_code == 201
    cycle_id = response.json()["id"]
    response = _post(
        client, f"/api/procedures/cycles/{cycle_id}/correct", dict(body(60), reason="")
    )
    assert response.status_code == 422 and "reason" in response.json()["errors"]
    response = _post(
        client, f"/api/procedures/cycles/{cycle_id}/correct", dict(body(60), reason="typo")
    )
    assert response.status_code == 200 and response.json()["freeze_seconds"] == 60
    assert response.json()["corrections"][0]["old"]["freeze_stop"].startswith(
        (start + dt.timedelta(seconds=300)).astimezone(dt.UTC).isoformat()[:19]
    )
    response = _post(client, f"/api/procedures/cycles/{cycle_id}/strike", {"reason": "wrong"})
    assert response.status_code == 200 and response.json()["struck_out"] is True
    detail = client.get(f"/api/procedures/{procedure.pk}").json()
    assert detail["nerves"][0]["cycles"][0]["struck_out"] is True
    assert detail["checklist"][6]["done"] is False  # the nerves step: no live cycle


def test_admission_preselects_the_plan_of_the_days_booked_nerve(
    cleared_patient, physician, nurse, login
):
    from cryoneuro.treatmentplans.models import TreatmentPlan

    def plan(nerve, status="feasible"):
        return TreatmentPlan.objects.create(
            patient=cleared_patient,
            created_by=physician,
            status=status,
            nerve_code=nerve,
            inputs={},
            software_version="t",
            result={"protocol": {"cycles": 1, "freeze_s": 60, "thaw_s": 30}},
        )

    older, latest, other = plan("ipbsn"), plan("ipbsn"), plan("afcn")
    plan("ipbsn", status="infeasible")  # never offered
    appointment = _appointment(cleared_patient, physician, _nine())
    assert selectors.appointment_plans(cleared_patient, appointment) == [latest.pk]
    assert selectors.appointment_plans(cleared_patient, None) == []
    page = login(nurse).get(f"/patients/{cleared_patient.pk}/procedures/new/").content.decode()
    checked = set(re.findall(r'<input[^>]*name="plan_id"[^>]*value="(\d+)"[^>]*checked', page))
    assert checked == {str(latest.pk)}, (checked, older.pk, other.pk)
