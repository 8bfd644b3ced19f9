"""API endpoints of the procedures app (mounted by cryoneuro.api.router). The same
permissions and object checks as the pages; input validated by the same forms."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from cryoneuro.accounts.roles import Perm
from cryoneuro.core.api import InputSchema, form_input, one_of, perm_auth, raise_422
from cryoneuro.core.audit import audit_read
from cryoneuro.patients.selectors import patient_get

from . import selectors, services
from .forms import SIDES, STEP_FORMS, AdverseEventForm, NerveForm, SurveillanceForm
from .models import AdverseEventGrade, AdverseEventKind, AdverseEventSource, Cryogen

router = Router(tags=["procedures"])

if TYPE_CHECKING:
    SideCode = str
    CryogenCode = str
    EventKindCode = str
    EventSourceCode = str
    GradeCode = int
else:  # enumerated in the OpenAPI schema; any other value is a 422
    SideCode = one_of(code for code, _label in SIDES)
    CryogenCode = one_of(Cryogen)
    EventKindCode = one_of(AdverseEventKind)
    EventSourceCode = one_of(AdverseEventSource)
    GradeCode = one_of(AdverseEventGrade)


class CheckInIn(InputSchema):
    site_label: str
    side: SideCode
    planned_nerves: list[str] = []
    plan_id: int | None = None
    plan_ids: list[int] = []
    appointment_id: int | None = None
    no_appointment_reason: str = ""
    nerves_change_reason: str = ""


class StepIn(Schema):
    data: dict[str, Any] = {}
    at: dt.datetime | None = None


class NerveIn(Schema):
    nerve_code: str
    probe: str
    cryogen: CryogenCode
    level: str = ""
    change_reason: str = ""


class CycleIn(InputSchema):
    freeze_start: dt.datetime
    freeze_stop: dt.datetime
    thaw_stop: dt.datetime
    min_temperature_c: float
    thaw_temperature_c: float | None = None


class CycleCorrectIn(CycleIn):
    reason: str


class CycleStrikeIn(Schema):
    reason: str


class CloseIn(Schema):
    override_reason: str = ""


class AdverseEventIn(InputSchema):
    kind: EventKindCode
    grade: GradeCode
    onset_date: dt.date
    resolved_date: dt.date | None = None
    source: EventSourceCode = "visit"
    nerve_id: int | None = None
    description: str = ""


def procedure_out(procedure) -> dict[str, Any]:
    return {
        "id": procedure.pk,
        "patient_id": procedure.patient_id,
        "status": procedure.status,
        "site": procedure.site_label,
        "side": procedure.side,
        "checked_in_at": procedure.checked_in_at.isoformat(),
        "plan_id": procedure.plan_id,
        "plan_ids": procedure.plan_ids,
        "appointment_id": procedure.appointment_id,
        "no_appointment_reason": procedure.no_appointment_reason,
        "planned_nerves": procedure.planned_nerves,
        "nerves_change_reason": procedure.nerves_change_reason,
        "baseline_nrs": procedure.baseline_nrs,
        "checklist": [
            {
                "step": row.code,
                "done": row.done,
                "done_at": row.step.done_at.isoformat() if row.step else None,
                "done_by": row.step.done_by.get_username() if row.step else None,
                "passed": row.step.passed if row.step else None,
                "data": row.step.data if row.step else None,
            }
            for row in services.procedure_checklist(procedure)
        ],
        "nerves": [
            {
                "id": n.pk,
                "nerve_code": n.nerve_code,
                "level": n.level,
                "probe": n.probe,
                "cryogen": n.cryogen,
                "mixed": n.nerve_is_mixed,
                "change_reason": n.change_reason,
                "cycles": [
                    {
                        "id": c.pk,
                        "number": c.number,
                        "freeze_start": c.freeze_start.isoformat(),
                        "freeze_stop": c.freeze_stop.isoformat(),
                        "thaw_stop": c.thaw_stop.isoformat(),
                        "min_temperature_c": float(c.min_temperature_c),
                        "struck_out": c.is_struck,
                        "strike_reason": c.strike_reason,
                        "corrections": c.corrections,
                    }
                    for c in n.cycles.all()
                ],
            }
            for n in procedure.nerves.all()
        ],
        "duration": selectors.procedure_duration(procedure),
        "plan_differences": selectors.plan_differences(procedure),
        "missing_steps": services.missing_steps(procedure),
        "closed_at": procedure.closed_at.isoformat() if procedure.closed_at else None,
        "override_reason": procedure.override_reason,
    }


def event_out(e) -> dict[str, Any]:
    flag = selectors.motor_deficit_flag(e)
    return {
        "id": e.pk,
        "kind": e.kind,
        "grade": e.grade,
        "onset_date": e.onset_date,
        "resolved_date": e.resolved_date,
        "source": e.source,
        "nerve_id": e.nerve_id,
        "procedure_id": e.procedure_id,
        "description": e.description,
        "flag_motor_deficit_beyond_window": flag is not None,
    }


@router.get("/patients/{patient_id}/procedures", auth=perm_auth(Perm.PROCEDURE_VIEW))
def procedure_list(request, patient_id: int):
    patient = patient_get(user=request.user, patient_id=patient_id, perm=Perm.PROCEDURE_VIEW)
    audit_read(
        request,
        object_type="procedures.procedure",
        patient_id=patient.pk,
        detail={"via": "api", "list": True},
    )
    return [procedure_out(p) for p in selectors.procedures_for_patient(patient=patient)]


@router.post(
    "/patients/{patient_id}/procedures", response={201: dict}, auth=perm_auth(Perm.PROCEDURE_RECORD)
)
def procedure_create(request, patient_id: int, payload: CheckInIn):
    patient = patient_get(user=request.user, patient_id=patient_id, perm=Perm.PROCEDURE_RECORD)
    try:
        procedure = services.procedure_checkin(
            patient=patient,
            user=request.user,
            site_label=payload.site_label,
            side=payload.side,
            planned_nerves=payload.planned_nerves,
            plan_id=payload.plan_id,
            plan_ids=payload.plan_ids,
            appointment_id=payload.appointment_id,
            no_appointment_reason=payload.no_appointment_reason,
            nerves_change_reason=payload.nerves_change_reason,
            request=request,
        )
    except ValidationError as error:
        raise_422(error)
    return Status(201, procedure_out(procedure))


@router.get("/procedures/{procedure_id}", auth=perm_auth(Perm.PROCEDURE_VIEW))
def procedure_get(request, procedure_id: int):
    procedure = selectors.procedure_get(user=request.user, procedure_id=procedure_id)
    audit_read(request, obj=procedure, patient_id=procedure.patient_id, detail={"via": "api"})
    return procedure_out(procedure)


@router.post("/procedures/{procedure_id}/steps/{code}", auth=perm_auth(Perm.PROCEDURE_RECORD))
def procedure_step_record(request, procedure_id: int, code: str, payload: StepIn):
    procedure = selectors.procedure_get(
        user=request.user, procedure_id=procedure_id, perm=Perm.PROCEDURE_RECORD
    )
    if code not in STEP_FORMS:
        raise Http404
    cls = STEP_FORMS[code]
    kwargs: dict[str, Any] = {"procedure": procedure}
    if cls is SurveillanceForm:
        kwargs["mixed_nerve"] = services.has_mixed_nerve(procedure)
    form = cls(form_input(payload.data), **kwargs)
    if not form.is_valid():
        raise_422(form.errors)
    try:
        services.procedure_step_record(
            procedure=procedure,
            user=request.user,
            code=code,
            data=form.step_data(),
            at=payload.at,
            request=request,
        )
    except ValidationError as error:
        raise_422(error)
    return procedure_out(procedure)


@router.post(
    "/procedures/{procedure_id}/nerves", response={201: dict}, auth=perm_auth(Perm.PROCEDURE_RECORD)
)
def procedure_nerve_add(request, procedure_id: int, payload: NerveIn):
    procedure = selectors.procedure_get(
        user=request.user, procedure_id=procedure_id, perm=Perm.PROCEDURE_RECORD
    )
    form = NerveForm(payload.dict())
    if not form.is_valid():
        raise_422(form.errors)
    try:
        nerve = services.procedure_nerve_add(
            procedure=procedure, user=request.user, request=request, **form.cleaned_data
        )
    except ValidationError as error:
        raise_422(error)
    return Status(
        201, {"id": nerve.pk, "nerve_code": nerve.nerve_code, "mixed": nerve.nerve_is_mixed}
    )


@router.post(
    "/procedures/nerves/{nerve_id}/cycles",
    response={201: dict},
    auth=perm_auth(Perm.PROCEDURE_RECORD),
)
def procedure_cycle_add(request, nerve_id: int, payload: CycleIn):
    nerve = selectors.nerve_get(user=request.user, nerve_id=nerve_id)
    if not -200 <= payload.min_temperature_c <= 40:
        raise_422({"min_temperature_c": [_("Between -200 and 40 °C.")]})
    try:
        cycle = services.procedure_cycle_add(
            nerve=nerve, user=request.user, request=request, **payload.dict()
        )
    except ValidationError as error:
        raise_422(error)
    return Status(
        201, {"id": cycle.pk, "number": cycle.number, "freeze_seconds": cycle.freeze_seconds}
    )


def _cycle_out(cycle) -> dict[str, Any]:
    return {
        "id": cycle.pk,
        "number": cycle.number,
        "freeze_seconds": cycle.freeze_seconds,
        "struck_out": cycle.is_struck,
        "corrections": cycle.corrections,
    }


@router.post("/procedures/cycles/{cycle_id}/correct", auth=perm_auth(Perm.PROCEDURE_RECORD))
def procedure_cycle_correct(request, cycle_id: int, payload: CycleCorrectIn):
    cycle = selectors.cycle_get(user=request.user, cycle_id=cycle_id)
    if not -200 <= payload.min_temperature_c <= 40:
        raise_422({"min_temperature_c": [_("Between -200 and 40 °C.")]})
    try:
        cycle = services.procedure_cycle_correct(
            cycle=cycle, user=request.user, request=request, **payload.dict()
        )
    except ValidationError as error:
        raise_422(error)
    return _cycle_out(cycle)


@router.post("/procedures/cycles/{cycle_id}/strike", auth=perm_auth(Perm.PROCEDURE_RECORD))
def procedure_cycle_strike(request, cycle_id: int, payload: CycleStrikeIn):
    cycle = selectors.cycle_get(user=request.user, cycle_id=cycle_id)
    try:
        cycle = services.procedure_cycle_strike(
            cycle=cycle, user=request.user, reason=payload.reason, request=request
        )
    except ValidationError as error:
        raise_422(error)
    return _cycle_out(cycle)


@router.post("/procedures/{procedure_id}/close", auth=perm_auth(Perm.PROCEDURE_RECORD))
def procedure_close(request, procedure_id: int, payload: CloseIn):
    procedure = selectors.procedure_get(
        user=request.user, procedure_id=procedure_id, perm=Perm.PROCEDURE_RECORD
    )
    try:
        services.procedure_close(
            procedure=procedure,
            user=request.user,
            override_reason=payload.override_reason,
            request=request,
        )
    except ValidationError as error:
        raise_422(error)
    return procedure_out(procedure)


@router.get("/patients/{patient_id}/adverse-events", auth=perm_auth(Perm.PROCEDURE_VIEW))
def adverse_event_list(request, patient_id: int):
    patient = patient_get(user=request.user, patient_id=patient_id, perm=Perm.PROCEDURE_VIEW)
    audit_read(
        request,
        object_type="procedures.adverseevent",
        patient_id=patient.pk,
        detail={"via": "api", "list": True},
    )
    return [event_out(e) for e in selectors.adverse_events_for_patient(patient=patient)]


@router.post(
    "/patients/{patient_id}/adverse-events",
    response={201: dict},
    auth=perm_auth(Perm.ADVERSE_EVENT_RECORD),
)
def adverse_event_create(request, patient_id: int, payload: AdverseEventIn):
    patient = patient_get(user=request.user, patient_id=patient_id, perm=Perm.ADVERSE_EVENT_RECORD)
    nerves = selectors.treated_nerves_for_patient(patient=patient)
    data = payload.dict()
    data["nerve"] = data.pop("nerve_id") or ""
    form = AdverseEventForm(form_input(data), nerves=nerves)
    if not form.is_valid():
        raise_422(form.errors)
    cleaned = dict(form.cleaned_data)
    nerve_id = cleaned.pop("nerve")
    try:
        event = services.adverse_event_record(
            patient=patient,
            user=request.user,
            request=request,
            nerve=nerves.get(pk=nerve_id) if nerve_id else None,
            **cleaned,
        )
    except ValidationError as error:
        raise_422(error)
    return Status(201, event_out(event))
