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
from cryoneuro.clinical.nerves import NERVES, PROCEDURE_MINUTES_BOUNDS, procedure_minutes
from cryoneuro.clinical.regeneration import ReliefWindow, relief_window_for_nerve
from cryoneuro.evaluation.models import Evaluation
from cryoneuro.patients.models import Patient

from .advice import discharge_advice
from .models import (
    STEP_ORDER,
    AdverseEvent,
    AdverseEventKind,
    FreezeCycle,
    NerveTreatment,
    Procedure,
    ProcedureStatus,
    ProcedureStep,
    StepCode,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# ----------------------------------------------------------------------------- helpers


def local_date(procedure: Procedure) -> dt.date:
    return timezone.localtime(procedure.checked_in_at).date()


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


def plan_targets(plan_id: int | None, patient_id: int | None = None) -> list[str] | None:
    """Nerve codes of a treatment plan, read lazily from cryoneuro.treatmentplans (its model
    did not exist when this app's migration was made, so only the id is stored). None when
    there is no such model, no such plan, or the plan is another patient's."""
    if plan_id is None:
        return None
    try:
        from cryoneuro.treatmentplans.models import TreatmentPlan
    except ImportError:
        return None
    plan = TreatmentPlan.objects.filter(pk=plan_id).first()
    if plan is None or (
        patient_id is not None and getattr(plan, "patient_id", patient_id) != patient_id
    ):
        return None
    for attribute in ("nerve_codes", "nerve_code", "nerves", "targets"):
        value: Any = getattr(plan, attribute, None)
        if callable(value):
            value = value()
        if isinstance(value, str) and value:
            return [value]
        if hasattr(value, "all"):
            value = [getattr(t, "nerve_code", getattr(t, "code", str(t))) for t in value.all()]
        if isinstance(value, list | tuple):
            return [
                str(v.get("nerve_code", v.get("code", v))) if isinstance(v, dict) else str(v)
                for v in value
            ]
    return None


def plan_protocols(plan_ids: list[int], patient_id: int) -> dict[str, dict]:
    """{nerve code: planned protocol (cycles, freeze_s, thaw_s)} from the treatment plans,
    read lazily; empty when the app or the plans are not there."""
    try:
        from cryoneuro.treatmentplans.models import TreatmentPlan
    except ImportError:
        return {}
    out: dict[str, dict] = {}
    for plan in TreatmentPlan.objects.filter(pk__in=plan_ids, patient_id=patient_id):
        result = getattr(plan, "result", None) or {}
        protocol = result.get("protocol") if isinstance(result, dict) else None
        code = getattr(plan, "nerve_code", "")
        if code and isinstance(protocol, dict):
            out[code] = protocol
    return out


def plan_windows(plan_ids: list[int], patient_id: int) -> dict[str, ReliefWindow]:
    """{nerve code: relief window} computed by the planner for the patient (measured
    distance to the end organ when the physician gave one), read lazily."""
    try:
        from cryoneuro.treatmentplans.models import TreatmentPlan
    except ImportError:
        return {}
    out: dict[str, ReliefWindow] = {}
    for plan in TreatmentPlan.objects.filter(pk__in=plan_ids, patient_id=patient_id):
        result = getattr(plan, "result", None) or {}
        w: Any = result.get("relief_window") if isinstance(result, dict) else None
        try:
            out[plan.nerve_code] = ReliefWindow(
                tuple(w["onset_days"]),
                tuple(w["end_days"]),
                float(w["distance_to_end_organ_mm"]),
                tuple(w["regrowth_mm_per_day"]),
                f"treatment plan #{plan.pk} ({w.get('basis', '')}); {w.get('source', '')}",
            )
        except (TypeError, KeyError, ValueError):
            continue
    return out


def patient_plans(patient: Patient) -> list[tuple[int, str]]:
    """(id, label) of the patient's treatment plans, when the treatmentplans app has them."""
    try:
        from cryoneuro.treatmentplans.models import TreatmentPlan
    except ImportError:
        return []
    return [(p.pk, str(p)) for p in TreatmentPlan.objects.filter(patient=patient)[:20]]


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
        if targets is None and patient_plans(patient):
            raise ValidationError({"plan_id": [_("No such treatment plan for this patient.")]})
        from_plans += targets or []
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
        plan_id=ids[0] if ids else None,
        plan_ids=ids,
        planned_nerves=planned,
        site_label=site_label.strip(),
        side=side,
        indication=evaluation.indication if evaluation else "",
        checked_in_at=at or timezone.now(),
        checked_in_by=user,
    )
    procedure.full_clean()
    procedure.save()
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
    other step; the discharge step generates the follow-up schedule.
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
        from cryoneuro.followup.services import schedule_generate

        if not procedure.followup_items.exists():
            schedule_generate(procedure=procedure, user=user, request=request)
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


def procedure_duration(procedure: Procedure) -> dict[str, Any] | None:
    """Minutes from imaging (the first step after the check) to probe removal, compared
    with the zone's expected time (catalog) and the seed page's 20-45 minutes."""
    steps = {s.code: s for s in procedure.steps.all()}
    after_check = [s for s in steps.values() if s.code != StepCode.PRE_CHECK]
    cycles = FreezeCycle.objects.filter(nerve__procedure=procedure)
    if not after_check and not cycles.exists():
        return None
    starts = [
        s.done_at
        for s in after_check
        if s.code
        in (
            StepCode.IMAGING,
            StepCode.POSITIONING,
            StepCode.DISINFECTION,
            StepCode.ANAESTHESIA,
            StepCode.INSERTION,
        )
    ]
    starts += [c.freeze_start for c in cycles]
    ends = [c.thaw_stop for c in cycles]
    if StepCode.PROBE_REMOVAL in steps:
        ends.append(steps[StepCode.PROBE_REMOVAL].done_at)
    if starts and not ends:  # under way: the time so far
        ends = [max(s.done_at for s in after_check)]
    if not starts or not ends:
        return None
    minutes = max(0.0, (max(ends) - min(starts)).total_seconds() / 60)
    codes = [n.nerve_code for n in procedure.nerves.all()] or list(procedure.planned_nerves)
    expected = procedure_minutes(codes) if codes else None
    low, high = PROCEDURE_MINUTES_BOUNDS
    verdict = "shorter" if minutes < low else "longer" if minutes > high else "within"
    return {
        "minutes": round(minutes, 1),
        "expected_minutes": expected,
        "bounds": [low, high],
        "verdict": verdict,
        "complete": StepCode.PROBE_REMOVAL in steps,
    }


def plan_differences(procedure: Procedure) -> dict[str, Any] | None:
    """Nerves planned but not treated, treated but not planned, and, per nerve with a
    treatment plan, the planned protocol against the cycles recorded (None without a plan)."""
    planned = list(procedure.planned_nerves) or (
        plan_targets(procedure.plan_id, procedure.patient_id) or []
    )
    if not planned:
        return None
    nerves = list(procedure.nerves.prefetch_related("cycles"))
    treated = [n.nerve_code for n in nerves]
    protocols = plan_protocols(
        list(procedure.plan_ids or []) or ([procedure.plan_id] if procedure.plan_id else []),
        procedure.patient_id,
    )
    protocol_rows = []
    for code, protocol in protocols.items():
        cycles = [c for n in nerves if n.nerve_code == code for c in n.cycles.all()]
        done_freeze = round(sum(c.freeze_seconds for c in cycles) / len(cycles)) if cycles else None
        planned_cycles = int(protocol.get("cycles") or 0)
        planned_freeze = float(protocol.get("freeze_s") or 0)
        # done_freeze is None exactly when no cycle was recorded
        differs = done_freeze is not None and (
            len(cycles) != planned_cycles
            or (planned_freeze > 0 and abs(done_freeze - planned_freeze) > 0.1 * planned_freeze)
        )
        protocol_rows.append(
            {
                "nerve": code,
                "planned_cycles": planned_cycles,
                "planned_freeze_s": planned_freeze,
                "done_cycles": len(cycles),
                "done_freeze_s": done_freeze,
                "differs": differs,
            }
        )
    return {
        "planned": planned,
        "treated": treated,
        "not_treated": [c for c in planned if c not in treated],
        "not_planned": [c for c in dict.fromkeys(treated) if c not in planned],
        "protocols": protocol_rows,
    }


def procedure_relief_window(procedure: Procedure) -> ReliefWindow | None:
    """The widest expected relief window over the treated (else planned) nerves."""
    codes = [n.nerve_code for n in procedure.nerves.all()] or list(procedure.planned_nerves)
    planned = (
        plan_windows(list(procedure.plan_ids or []), procedure.patient_id)
        if (procedure.plan_ids)
        else {}
    )
    windows = [
        planned[c] if c in planned else relief_window_for_nerve(c)
        for c in dict.fromkeys(codes)
        if c in planned or c in NERVES
    ]
    if not windows:
        return None
    first = windows[0]
    return ReliefWindow(
        (min(w.onset_days[0] for w in windows), max(w.onset_days[1] for w in windows)),
        (min(w.end_days[0] for w in windows), max(w.end_days[1] for w in windows)),
        max(w.distance_to_end_organ_mm for w in windows),
        first.regrowth_mm_per_day,
        first.source,
    )


# ----------------------------------------------------------------------------- adverse events


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


def motor_deficit_flag(event: AdverseEvent, today: dt.date | None = None) -> dict | None:
    """A motor weakness after a mixed nerve that lasts beyond the nerve's expected window
    (the regrowth model's latest end of relief): flagged to the physician."""
    if event.kind != AdverseEventKind.MOTOR_WEAKNESS:
        return None
    nerve = event.nerve
    if nerve is None or not nerve.nerve_is_mixed or nerve.nerve_code not in NERVES:
        return None
    window = relief_window_for_nerve(nerve.nerve_code)
    start = local_date(nerve.procedure)
    limit = start + dt.timedelta(days=int(window.end_days[1]) + 1)
    until = event.resolved_date or today or timezone.localdate()
    if until <= limit:
        return None
    return {
        "event": event,
        "limit": limit,
        "days": (until - start).days,
        "window_days": window.end_days,
        "resolved": event.resolved_date is not None,
        "acknowledged": event.acknowledged_at is not None,
    }


def motor_deficit_flags(
    *, patient: Patient | None = None, today: dt.date | None = None, unacknowledged: bool = False
) -> list[dict]:
    events = AdverseEvent.objects.filter(
        kind=AdverseEventKind.MOTOR_WEAKNESS, nerve__nerve_is_mixed=True
    ).select_related("nerve__procedure", "patient", "acknowledged_by")
    if patient is not None:
        events = events.filter(patient=patient)
    if unacknowledged:
        events = events.filter(acknowledged_at__isnull=True)
    flags = [motor_deficit_flag(e, today) for e in events]
    return [f for f in flags if f is not None]
