"""Fixtures shared by the procedure, follow-up and care-plan tests."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest

__all__ = ["cleared_patient", "full_procedure", "recorded_at", "run_procedure"]


@pytest.fixture
def cleared_patient(make_patient, physician, knee_case):
    from cryoneuro.clinical.eligibility import Case
    from cryoneuro.evaluation.services import evaluation_create

    patient = make_patient()
    evaluation_create(patient=patient, created_by=physician, case=Case(**knee_case))
    return patient


STEP_DATA = {
    "pre_check": {
        "identity_confirmed": True,
        "site_side_confirmed": True,
        "site_marked": True,
        "consent_signed": True,
        "allergies_confirmed": True,
        "anticoagulation_taken": False,
        "infection_at_site": False,
        "baseline_nrs": 7,
        "physician_clearance": "",
    },
    "imaging": {"modality": "ultrasound", "nerve_identified": True, "note": ""},
    "positioning": {"position": "supine", "note": ""},
    "disinfection": {"antiseptic": "chlorhexidine_alcohol"},
    "anaesthesia": {"agent": "lidocaine_1", "volume_ml": 3.0},
    "insertion": {"guidance": "ultrasound", "tip_confirmed": True},
    "probe_removal": {"haemostasis": True, "dressing": True},
    "surveillance": {
        "nrs": 2,
        "heart_rate": 72,
        "systolic": 130,
        "diastolic": 80,
        "spo2": 98,
        "motor_check": "",
        "minutes": 20,
    },
    "discharge": {"advice_given": True, "accompanied": True},
}


def recorded_at(at: dt.datetime):
    """The clock at ``at`` while a step timed ``at`` is recorded, when ``at`` is later than
    now (issue 11: a time in the future is refused; a test that records a procedure
    starting now records each step when it happens), else the real clock."""
    from django.utils import timezone

    if at <= timezone.now():
        return contextlib.nullcontext()
    import time_machine

    return time_machine.travel(at + dt.timedelta(seconds=1), tick=True)


def run_procedure(
    patient,
    user,
    *,
    start: dt.datetime,
    nerves=("ipbsn",),
    skip=(),
    minutes_per_step: int = 4,
    discharge: bool = True,
):
    """Record a whole procedure with realistic times from ``start``."""
    from cryoneuro.procedures import services

    procedure = services.procedure_checkin(
        patient=patient,
        user=user,
        site_label="genou",
        side="right",
        planned_nerves=list(nerves),
        no_appointment_reason="test: no booking",
        at=start,
    )
    t = start
    for code in ("pre_check", "imaging", "positioning", "disinfection", "anaesthesia", "insertion"):
        t += dt.timedelta(minutes=minutes_per_step)
        if code not in skip:
            with recorded_at(t):
                services.procedure_step_record(
                    procedure=procedure, user=user, code=code, data=STEP_DATA[code], at=t
                )
    if "nerves" not in skip:
        for code in nerves:
            nerve = services.procedure_nerve_add(
                procedure=procedure, user=user, nerve_code=code, probe="Iovera 190", cryogen="n2o"
            )
            for _ in range(2):
                with recorded_at(t + dt.timedelta(seconds=90)):
                    services.procedure_cycle_add(
                        nerve=nerve,
                        user=user,
                        freeze_start=t,
                        freeze_stop=t + dt.timedelta(seconds=60),
                        thaw_stop=t + dt.timedelta(seconds=90),
                        min_temperature_c=-88,
                    )
                t += dt.timedelta(minutes=2)
    for code in ("probe_removal", "surveillance", "discharge"):
        t += dt.timedelta(minutes=minutes_per_step)
        if code in skip or (code == "discharge" and not discharge):
            continue
        if code == "discharge" and "surveillance" in skip:
            continue  # issue 11: no discharge before the surveillance
        data = dict(STEP_DATA[code])
        if code == "surveillance" and procedure.nerves.filter(nerve_is_mixed=True).exists():
            data["motor_check"] = "normal"
        with recorded_at(t):
            services.procedure_step_record(
                procedure=procedure, user=user, code=code, data=data, at=t
            )
    return procedure


@pytest.fixture
def full_procedure(cleared_patient, nurse):
    from django.utils import timezone

    start = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0)
    return run_procedure(cleared_patient, nurse, start=start)
