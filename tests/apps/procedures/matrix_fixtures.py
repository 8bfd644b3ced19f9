"""Objects for the permission matrix's placeholders of the procedures, followup and
careplans endpoints: ``FIXTURES[name](patient=..., users=...) -> primary key``.

tests/apps/test_permission_matrix.py needs ``EXTRA_FIXTURES.update(FIXTURES)`` (with
``from .procedures.matrix_fixtures import FIXTURES``) for the rows that use them."""

from __future__ import annotations

import datetime as dt

from cryoneuro.accounts.roles import Role


def _procedure(patient, users, *, with_nerve=False):
    from cryoneuro.procedures import services

    nurse = users[Role.NURSE]
    procedure = services.procedure_checkin(
        patient=patient,
        user=nurse,
        site_label="genou",
        side="right",
        planned_nerves=["ipbsn"],
        no_appointment_reason="permission matrix",
    )
    services.procedure_step_record(
        procedure=procedure,
        user=nurse,
        code="pre_check",
        data={
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
    )
    if with_nerve:
        return services.procedure_nerve_add(
            procedure=procedure, user=nurse, nerve_code="ipbsn", probe="p", cryogen="n2o"
        )
    return procedure


def _item(patient, users):
    from cryoneuro.followup.services import followup_item_add

    return followup_item_add(
        patient=patient, user=users[Role.NURSE], kind="questionnaire", due_date=dt.date.today()
    ).pk


def _response(patient, users):
    from cryoneuro.followup.services import questionnaire_start

    return questionnaire_start(patient=patient, user=users[Role.NURSE], instruments=["nrs"]).pk


def _event(patient, users):
    from cryoneuro.procedures.services import adverse_event_record

    return adverse_event_record(
        patient=patient,
        user=users[Role.NURSE],
        kind="haematoma",
        grade=1,
        onset_date=dt.date.today(),
        source="visit",
    ).pk


def _plan(patient, users):
    from cryoneuro.careplans.services import careplan_get_or_create

    return careplan_get_or_create(patient=patient, user=users[Role.NURSE])


def _goal(patient, users):
    from cryoneuro.careplans.services import careplan_goal_add

    return careplan_goal_add(
        plan=_plan(patient, users), user=users[Role.NURSE], description="Marcher"
    ).pk


def _intervention(patient, users):
    from cryoneuro.careplans.services import careplan_intervention_save

    return careplan_intervention_save(
        plan=_plan(patient, users),
        user=users[Role.NURSE],
        kind="tens",
        provider="in_house",
        status="planned",
    ).pk


def _cycle(patient, users):
    from django.utils import timezone

    from cryoneuro.procedures import services

    nerve = _procedure(patient, users, with_nerve=True)
    start = timezone.now() + dt.timedelta(seconds=5)
    return services.procedure_cycle_add(
        nerve=nerve,
        user=users[Role.NURSE],
        freeze_start=start,
        freeze_stop=start + dt.timedelta(seconds=60),
        thaw_stop=start + dt.timedelta(seconds=90),
        min_temperature_c=-88,
    ).pk


FIXTURES = {
    "cycle": _cycle,
    "procedure": lambda patient, users: _procedure(patient, users).pk,
    "nerve": lambda patient, users: _procedure(patient, users, with_nerve=True).pk,
    "item": _item,
    "response": _response,
    "event": _event,
    "goal": _goal,
    "intervention": _intervention,
}
