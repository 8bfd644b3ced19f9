"""Writes of procedure records and adverse events, and what is computed from them.
Every write is audited in its own transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cryoneuro.accounts.access import can_access_patient
from cryoneuro.accounts.roles import Perm
from cryoneuro.audit.services import audit_record
from cryoneuro.clinical.nerves import NERVES
from cryoneuro.evaluation.models import Evaluation
from cryoneuro.patients.models import Patient

from .advice import discharge_advice
from .models import (
    STEP_ORDER,
    AdverseEvent,
    FreezeCycle,
    NerveTreatment,
    Procedure,
    ProcedurePlan,
    ProcedureStatus,
    ProcedureStep,
    StepCode,
)
from .selectors import (  # reads, also reachable here for the callers of before
    local_date,
    plan_targets,
)
from .signals import procedure_discharged

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# ----------------------------------------------------------------------------- helpers


def at_time(procedure: Procedure, value: dt.time | None) -> dt.datetime:
    """A clock time on the procedure's day (clinic zone), as an aware datetime; now if None."""
    if value is None:
        return timezone.now()
    naive = dt.datetime.combine(local_date(procedure), value)
    return timezone.make_aware(naive, timezone.get_current_timezone())


def _ensure_open(procedure: Procedure) -> None:
    if procedure.is_closed:
        raise ValidationError({"__all__": [_("This procedure is closed.")]})


def has_mixed_nerve(procedure: Procedure) -> bool:
    return any(n.nerve_is_mixed for n in procedure.nerves.all())


def pre_check_passed(procedure: Procedure) -> bool:
    step = procedure.steps.filter(code=StepCode.PRE_CHECK).first()
    return bool(step and step.passed)


# ----------------------------------------------------------------------------- check-in


@transaction.atomic
def procedure_checkin(
    *,
    patient: Patient,
    user: Any,
    site_label: str,
    side: str,
    evaluation: Evaluation | None = None,
    plan_id: int | None = None,
    plan_ids: list[int] | None = None,
    planned_nerves: list[str] | None = None,
    at: dt.datetime | None = None,
    request=None,
) -> Procedure:
    """Open a procedure record for a patient who arrived on the day. The nerves planned
    come from the treatment plans chosen (one per nerve) or are given directly."""
    if evaluation is None:
        evaluation = patient.evaluations.order_by("-created_at", "-id").first()
    ids = list(dict.fromkeys([*([plan_id] if plan_id else []), *(plan_ids or [])]))
    planned = list(planned_nerves or [])
    from_plans: list[str] = []
    for pid in ids:
        targets = plan_targets(pid, patient.pk)
        if targets is None:
            raise ValidationError({"plan_id": [_("No such treatment plan for this patient.")]})
        from_plans += targets
    if not planned and from_plans:
        planned = list(dict.fromkeys(from_plans))
    unknown = [c for c in planned if c not in NERVES]
    if unknown:
        raise ValidationError(
            {"planned_nerves": [_("Unknown nerve(s): %(codes)s") % {"codes": ", ".join(unknown)}]}
        )
    procedure = Procedure(
        patient=patient,
        evaluation=evaluation,
        planned_nerves=planned,
        site_label=site_label.strip(),
        side=side,
        indication=evaluation.indication if evaluation else "",
        checked_in_at=at or timezone.now(),
        checked_in_by=user,
    )
    procedure.full_clean()
    procedure.save()
    ProcedurePlan.objects.bulk_create(
        [ProcedurePlan(procedure=procedure, plan_id=pid, position=i) for i, pid in enumerate(ids)]
    )
    audit_record(
        actor=user,
        action="create",
        request=request,
        obj=procedure,
        patient_id=patient.pk,
        detail={"checked_in": True},
    )
    return procedure


# ----------------------------------------------------------------------------- steps


@transaction.atomic
def procedure_step_record(
    *,
    procedure: Procedure,
    user: Any,
    code: str,
    data: dict,
    at: dt.datetime | None = None,
    request=None,
) -> ProcedureStep:
    """Record (or correct) one checklist step, signed by ``user``.

    ``data`` is what the step's form cleaned. The pre-procedure check must pass before any
    other step; the discharge step sends ``procedure_discharged`` (followup listens and
    generates the follow-up schedule).
    """
    _ensure_open(procedure)
    if code not in STEP_ORDER or code == StepCode.NERVES:
        raise ValidationError({"code": [_("Unknown step.")]})
    passed = True
    data = dict(data)
    if code == StepCode.PRE_CHECK:
        cleared = bool(procedure.evaluation and procedure.evaluation.cleared_for_procedure)
        data["evaluation_cleared"] = cleared
        clearance = (data.get("physician_clearance") or "").strip()
        if clearance and not can_access_patient(user, Perm.PROCEDURE_OVERRIDE, procedure.patient):
            raise ValidationError(
                {
                    "physician_clearance": [
                        _("Only a physician can clear a procedure after anticoagulation was taken.")
                    ]
                }
            )
        reasons = []
        if not cleared:
            reasons.append("evaluation_not_cleared")
        if not data.get("consent_signed"):
            reasons.append("consent_not_signed")
        if data.get("infection_at_site"):
            reasons.append("infection_at_site")
        # Issue 10: the nurse re-confirms the record's allergies; what was confirmed is kept.
        data["allergies_on_record"] = list(procedure.patient.allergies or [])
        if not data.get("allergies_confirmed"):
            reasons.append("allergies_not_confirmed")
        if data.get("anticoagulation_taken") and not clearance:
            reasons.append("anticoagulation_taken")
        data["stop_reasons"] = reasons
        passed = not reasons
        if data.get("baseline_nrs") is not None:
            procedure.baseline_nrs = data["baseline_nrs"]
            procedure.save(update_fields=["baseline_nrs"])
    elif not pre_check_passed(procedure):
        raise ValidationError(
            {
                "__all__": [
                    _("The pre-procedure check has not passed: no other step can be recorded.")
                ]
            }
        )
    if code == StepCode.SURVEILLANCE and has_mixed_nerve(procedure) and not data.get("motor_check"):
        raise ValidationError(
            {
                "motor_check": [
                    _("A mixed nerve was treated: the motor check of the limb is required.")
                ]
            }
        )
    if code == StepCode.DISCHARGE:
        language = procedure.patient.preferred_language
        data["advice_language"] = language
        data["advice"] = discharge_advice(language)
    step, created = ProcedureStep.objects.update_or_create(
        procedure=procedure,
        code=code,
        defaults={"data": data, "done_at": at or timezone.now(), "done_by": user, "passed": passed},
    )
    audit_record(
        actor=user,
        action="create" if created else "update",
        request=request,
        obj=step,
        patient_id=procedure.patient_id,
        detail={"procedure": procedure.pk, "step": code, "passed": passed},
    )
    if code == StepCode.DISCHARGE:
        # followup (above this app) generates the follow-up schedule, in this transaction.
        procedure_discharged.send(sender=Procedure, procedure=procedure, user=user, request=request)
    return step


@transaction.atomic
def procedure_nerve_add(
    *,
    procedure: Procedure,
    user: Any,
    nerve_code: str,
    probe: str,
    cryogen: str,
    level: str = "",
    request=None,
) -> NerveTreatment:
    _ensure_open(procedure)
    if not pre_check_passed(procedure):
        raise ValidationError({"__all__": [_("The pre-procedure check has not passed.")]})
    target = NERVES.get(nerve_code)
    if target is None:
        raise ValidationError({"nerve_code": [_("Unknown nerve.")]})
    treatment = NerveTreatment(
        procedure=procedure,
        nerve_code=nerve_code,
        level=level.strip(),
        probe=probe.strip(),
        cryogen=cryogen,
        nerve_is_mixed=target.is_mixed,
        recorded_by=user,
    )
    treatment.full_clean()
    treatment.save()
    audit_record(
        actor=user,
        action="create",
        request=request,
        obj=treatment,
        patient_id=procedure.patient_id,
        detail={"nerve": nerve_code},
    )
    return treatment


@transaction.atomic
def procedure_cycle_add(
    *,
    nerve: NerveTreatment,
    user: Any,
    freeze_start: dt.datetime,
    freeze_stop: dt.datetime,
    thaw_stop: dt.datetime,
    min_temperature_c: float,
    thaw_temperature_c: float | None = None,
    request=None,
) -> FreezeCycle:
    procedure = nerve.procedure
    _ensure_open(procedure)
    if not freeze_start < freeze_stop < thaw_stop:
        raise ValidationError(
            {"freeze_stop": [_("Times must follow freeze start < freeze stop < thaw stop.")]}
        )
    number = (nerve.cycles.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    cycle = FreezeCycle(
        nerve=nerve,
        number=number,
        freeze_start=freeze_start,
        freeze_stop=freeze_stop,
        thaw_start=freeze_stop,
        thaw_stop=thaw_stop,
        min_temperature_c=min_temperature_c,
        thaw_temperature_c=thaw_temperature_c,
        recorded_by=user,
    )
    cycle.full_clean()
    cycle.save()
    audit_record(
        actor=user,
        action="create",
        request=request,
        obj=cycle,
        patient_id=procedure.patient_id,
        detail={"nerve": nerve.nerve_code, "cycle": number},
    )
    return cycle


# ----------------------------------------------------------------------------- checklist


@dataclass
class ChecklistRow:
    code: str
    label: StrOrPromise
    step: ProcedureStep | None
    done: bool


def nerves_done(procedure: Procedure) -> bool:
    return any(n.cycles.exists() for n in procedure.nerves.all())


def procedure_checklist(procedure: Procedure) -> list[ChecklistRow]:
    steps = {s.code: s for s in procedure.steps.select_related("done_by")}
    rows = []
    for code in STEP_ORDER:
        step = steps.get(code)
        if code == StepCode.NERVES:
            done = nerves_done(procedure)
        elif code == StepCode.PRE_CHECK:
            done = bool(step and step.passed)
        else:
            done = step is not None
        rows.append(ChecklistRow(code, StepCode(code).label, step, done))
    return rows


def missing_steps(procedure: Procedure) -> list[str]:
    return [row.code for row in procedure_checklist(procedure) if not row.done]


@transaction.atomic
def procedure_close(
    *, procedure: Procedure, user: Any, override_reason: str = "", request=None
) -> Procedure:
    """Close the record. With a step missing, only a physician (PROCEDURE_OVERRIDE) may
    close it, and only with written reasons."""
    _ensure_open(procedure)
    missing = missing_steps(procedure)
    reason = override_reason.strip()
    if missing:
        if not reason:
            raise ValidationError(
                {
                    "override_reason": [
                        _(
                            "Steps are missing (%(steps)s): a physician must give the reasons to close."
                        )
                        % {"steps": ", ".join(str(StepCode(c).label) for c in missing)}
                    ]
                }
            )
        if not can_access_patient(user, Perm.PROCEDURE_OVERRIDE, procedure.patient):
            raise ValidationError(
                {
                    "override_reason": [
                        _("Only a physician can close a procedure with steps missing.")
                    ]
                }
            )
    procedure.status = ProcedureStatus.CLOSED
    procedure.closed_at = timezone.now()
    procedure.closed_by = user
    procedure.override_reason = reason if missing else ""
    procedure.missing_at_close = missing
    procedure.save(
        update_fields=["status", "closed_at", "closed_by", "override_reason", "missing_at_close"]
    )
    audit_record(
        actor=user,
        action="update",
        request=request,
        obj=procedure,
        patient_id=procedure.patient_id,
        detail={"closed": True, "missing": missing, "override": bool(missing)},
    )
    return procedure


# ----------------------------------------------------------------------------- computed


# ----------------------------------------------------------------------------- adverse events


ADVERSE_EVENT_DESCRIPTION_MAX = 2000
"""Characters kept in an adverse event's description (a free-text limit of the record, not
a clinical figure). Longer text is refused with this limit named, never cut."""


def adverse_event_input_errors(
    *, onset_date: dt.date, resolved_date: dt.date | None, description: str
) -> dict[str, list[str]]:
    """Field errors for an adverse event's dates and text: no date in the future, no text
    past :data:`ADVERSE_EVENT_DESCRIPTION_MAX` (the form, the API and the service agree)."""
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if onset_date > today:
        errors["onset_date"] = [_("The onset cannot be in the future.")]
    if resolved_date is not None and resolved_date > today:
        errors["resolved_date"] = [_("The resolution cannot be in the future.")]
    length = len(description.strip())
    if length > ADVERSE_EVENT_DESCRIPTION_MAX:
        errors["description"] = [
            _(
                "The description has %(length)d characters; at most %(limit)d are "
                "accepted. Shorten it (nothing was saved)."
            )
            % {"length": length, "limit": ADVERSE_EVENT_DESCRIPTION_MAX}
        ]
    return errors


@transaction.atomic
def adverse_event_record(
    *,
    patient: Patient,
    user: Any,
    kind: str,
    grade: int,
    onset_date: dt.date,
    source: str,
    resolved_date: dt.date | None = None,
    procedure: Procedure | None = None,
    nerve: NerveTreatment | None = None,
    description: str = "",
    request=None,
) -> AdverseEvent:
    if nerve is not None:
        if nerve.procedure.patient_id != patient.pk:
            raise ValidationError({"nerve": [_("This nerve was not treated for this patient.")]})
        procedure = procedure or nerve.procedure
    if procedure is not None and procedure.patient_id != patient.pk:
        raise ValidationError({"procedure": [_("This procedure is another patient's.")]})
    errors = adverse_event_input_errors(
        onset_date=onset_date, resolved_date=resolved_date, description=description
    )
    if errors:
        raise ValidationError(errors)
    event = AdverseEvent(
        patient=patient,
        procedure=procedure,
        nerve=nerve,
        kind=kind,
        grade=grade,
        onset_date=onset_date,
        resolved_date=resolved_date,
        source=source,
        description=description.strip(),
        recorded_by=user,
    )
    event.full_clean()
    event.save()
    audit_record(
        actor=user,
        action="create",
        request=request,
        obj=event,
        patient_id=patient.pk,
        detail={"kind": kind, "grade": grade},
    )
    return event


@transaction.atomic
def adverse_event_resolve(
    *, event: AdverseEvent, user: Any, resolved_date: dt.date, request=None
) -> AdverseEvent:
    if resolved_date < event.onset_date:
        raise ValidationError({"resolved_date": [_("The resolution cannot precede the onset.")]})
    event.resolved_date = resolved_date
    event.save(update_fields=["resolved_date"])
    audit_record(
        actor=user,
        action="update",
        request=request,
        obj=event,
        patient_id=event.patient_id,
        detail={"resolved": resolved_date.isoformat()},
    )
    return event


@transaction.atomic
def adverse_event_acknowledge(*, event: AdverseEvent, user: Any, request=None) -> AdverseEvent:
    """A physician has seen a flagged event: it leaves the worklists (not the record)."""
    if not can_access_patient(user, Perm.PROCEDURE_OVERRIDE, event.patient):
        raise ValidationError({"__all__": [_("Only a physician can acknowledge a flag.")]})
    event.acknowledged_by = user
    event.acknowledged_at = timezone.now()
    event.save(update_fields=["acknowledged_by", "acknowledged_at"])
    audit_record(
        actor=user,
        action="update",
        request=request,
        obj=event,
        patient_id=event.patient_id,
        detail={"acknowledged": True},
    )
    return event
