"""Reads of procedure records, with the access check."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from cryoneuro.accounts.access import ensure_patient_access
from cryoneuro.accounts.roles import Perm
from cryoneuro.clinical.nerves import NERVES, PROCEDURE_MINUTES_BOUNDS, procedure_minutes
from cryoneuro.clinical.regeneration import ReliefWindow, relief_window_for_nerve
from cryoneuro.patients.models import Patient
from cryoneuro.treatmentplans.models import TreatmentPlan
from cryoneuro.treatmentplans.selectors import plans_admissible

from .limits import freeze_tolerance_s
from .models import AdverseEvent, AdverseEventKind, FreezeCycle, NerveTreatment, Procedure, StepCode


def procedures_for_patient(*, patient: Patient) -> QuerySet[Procedure]:
    return patient.procedures.select_related("checked_in_by", "closed_by").prefetch_related(
        "nerves__cycles", "plan_links"
    )


def procedure_get(*, user: Any, procedure_id: int, perm: Perm = Perm.PROCEDURE_VIEW) -> Procedure:
    try:
        procedure = Procedure.objects.select_related("patient", "evaluation").get(pk=procedure_id)
    except Procedure.DoesNotExist:
        raise Http404 from None
    ensure_patient_access(user, perm, procedure.patient)
    return procedure


def nerve_get(*, user: Any, nerve_id: int, perm: Perm = Perm.PROCEDURE_RECORD) -> NerveTreatment:
    try:
        nerve = NerveTreatment.objects.select_related("procedure__patient").get(pk=nerve_id)
    except NerveTreatment.DoesNotExist:
        raise Http404 from None
    ensure_patient_access(user, perm, nerve.procedure.patient)
    return nerve


def cycle_get(*, user: Any, cycle_id: int, perm: Perm = Perm.PROCEDURE_RECORD) -> FreezeCycle:
    try:
        cycle = FreezeCycle.objects.select_related("nerve__procedure__patient").get(pk=cycle_id)
    except FreezeCycle.DoesNotExist:
        raise Http404 from None
    ensure_patient_access(user, perm, cycle.nerve.procedure.patient)
    return cycle


def treated_nerves_for_patient(*, patient: Patient) -> QuerySet[NerveTreatment]:
    """The nerves treated in this patient's procedures (an adverse event may name one)."""
    return NerveTreatment.objects.filter(procedure__patient=patient).select_related("procedure")


def adverse_events_for_patient(*, patient: Patient) -> QuerySet[AdverseEvent]:
    return patient.adverse_events.select_related("nerve__procedure", "procedure", "recorded_by")


def adverse_event_get(
    *, user: Any, event_id: int, perm: Perm = Perm.ADVERSE_EVENT_RECORD
) -> AdverseEvent:
    try:
        event = AdverseEvent.objects.select_related("patient", "nerve__procedure").get(pk=event_id)
    except AdverseEvent.DoesNotExist:
        raise Http404 from None
    ensure_patient_access(user, perm, event.patient)
    return event


def procedures_export(*, patient: Patient) -> list[dict]:
    out = []
    for p in procedures_for_patient(patient=patient):
        out.append(
            {
                "id": p.pk,
                "checked_in_at": p.checked_in_at.isoformat(),
                "site": p.site_label,
                "side": p.side,
                "status": p.status,
                "plan_id": p.plan_id,
                "baseline_nrs": p.baseline_nrs,
                "steps": [
                    {
                        "step": s.code,
                        "done_at": s.done_at.isoformat(),
                        "passed": s.passed,
                        "data": s.data,
                    }
                    for s in p.steps.all()
                ],
                "nerves": [
                    {
                        "nerve": n.nerve_code,
                        "level": n.level,
                        "probe": n.probe,
                        "cryogen": n.cryogen,
                        "cycles": [
                            {
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
                    for n in p.nerves.all()
                ],
                "duration": procedure_duration(p),
                "closed_at": p.closed_at.isoformat() if p.closed_at else None,
                "override_reason": p.override_reason,
            }
        )
    return out


def adverse_events_export(*, patient: Patient) -> list[dict]:
    return [
        {
            "kind": e.kind,
            "grade": e.grade,
            "onset": e.onset_date.isoformat(),
            "resolved": e.resolved_date.isoformat() if e.resolved_date else None,
            "source": e.source,
            "nerve": e.nerve.nerve_code if e.nerve else None,
            "procedure_id": e.procedure_id,
            "description": e.description,
        }
        for e in adverse_events_for_patient(patient=patient)
    ]


# ----------------------------------------------------------------------------- computed
# Reads derived from a procedure (the services use them; followup reads them too).


def live_cycles(procedure: Procedure) -> QuerySet[FreezeCycle]:
    """The procedure's freeze-thaw cycles that count: struck-out ones excluded."""
    return FreezeCycle.objects.filter(nerve__procedure=procedure, struck_at__isnull=True)


def booked_procedure_appointments(patient: Patient) -> list[Any]:
    """The patient's procedure appointments still booked (scheduling's rows, read through
    the patient: the two apps are siblings and do not import each other), by start."""
    rows = patient.appointments.select_related("type").order_by("start")
    return [a for a in rows if a.is_active and a.type.is_procedure]


def day_appointment(patient: Patient, day: dt.date) -> Any | None:
    """The patient's booked procedure appointment on ``day`` (clinic time), if any."""
    return next(
        (
            a
            for a in booked_procedure_appointments(patient)
            if timezone.localtime(a.start).date() == day
        ),
        None,
    )


def local_date(procedure: Procedure) -> dt.date:
    return timezone.localtime(procedure.checked_in_at).date()


def plan_targets(plan_id: int | None, patient_id: int | None = None) -> list[str] | None:
    """The nerve code of a treatment plan, as a list. None when there is no such plan or
    the plan is another patient's."""
    if plan_id is None:
        return None
    plan = TreatmentPlan.objects.filter(pk=plan_id).first()
    if plan is None or (patient_id is not None and plan.patient_id != patient_id):
        return None
    return [plan.nerve_code] if plan.nerve_code else []


def plan_protocols(plan_ids: list[int], patient_id: int) -> dict[str, dict]:
    """{nerve code: planned protocol (cycles, freeze_s, thaw_s)} from the treatment plans,
    empty without plans."""
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
    distance to the end organ when the physician gave one)."""
    out: dict[str, ReliefWindow] = {}
    for plan in TreatmentPlan.objects.filter(pk__in=plan_ids, patient_id=patient_id):
        result = getattr(plan, "result", None) or {}
        # stored JSON: a malformed window is skipped (the except below), not trusted
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
    """(id, label) of the patient's treatment plans that admission may offer (the latest
    20): feasible and not archived (an infeasible plan has no protocol to carry out)."""
    return [(p.pk, str(p)) for p in plans_admissible(patient=patient)[:20]]


def appointment_plans(patient: Patient, appointment: Any | None) -> list[int]:
    """The plans admission preselects for ``appointment``: the latest admissible plan of
    each nerve it books (issue 11: admission takes the plan's nerves)."""
    if appointment is None:
        return []
    booked = list(appointment.nerve_codes or [])
    chosen: dict[str, int] = {}
    for plan in plans_admissible(patient=patient).order_by("-created_at", "-id"):
        if plan.nerve_code in booked and plan.nerve_code not in chosen:
            chosen[plan.nerve_code] = plan.pk
    return [chosen[c] for c in booked if c in chosen]


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
    cycles = cycles.filter(struck_at__isnull=True)
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
    treatment plan, the planned protocol against the cycles recorded (struck-out cycles
    excluded; None without a plan). A cycle whose freeze or thaw is off the plan by more
    than the tolerance (``limits.freeze_tolerance_s``, the same rule for both), or a
    different number of cycles, makes the
    nerve's row differ; ``as_planned`` is True only when nothing differs and every planned
    nerve was treated (the panel never says "as planned" otherwise)."""
    planned = list(procedure.planned_nerves) or (
        plan_targets(procedure.plan_id, procedure.patient_id) or []
    )
    if not planned:
        return None
    nerves = list(procedure.nerves.prefetch_related("cycles"))
    treated = [n.nerve_code for n in nerves]
    without_cycle = [n.nerve_code for n in nerves if all(c.is_struck for c in n.cycles.all())]
    protocols = plan_protocols(procedure.plan_ids, procedure.patient_id)
    protocol_rows = []
    for code, protocol in protocols.items():
        cycles = [
            c for n in nerves if n.nerve_code == code for c in n.cycles.all() if not c.is_struck
        ]
        done_freeze = round(sum(c.freeze_seconds for c in cycles) / len(cycles)) if cycles else None
        planned_cycles = int(protocol.get("cycles") or 0)
        planned_freeze = float(protocol.get("freeze_s") or 0)
        tolerance = freeze_tolerance_s(planned_freeze)
        off = [
            c.number
            for c in cycles
            if planned_freeze > 0 and abs(c.freeze_seconds - planned_freeze) > tolerance
        ]
        # the thaw is held to the same rule as the freeze (issue 11)
        planned_thaw = float(protocol.get("thaw_s") or 0)
        thaw_tolerance = freeze_tolerance_s(planned_thaw)
        thaw_off = [
            c.number
            for c in cycles
            if planned_thaw > 0 and abs(c.thaw_seconds - planned_thaw) > thaw_tolerance
        ]
        # done_freeze is None exactly when no cycle was recorded
        differs = done_freeze is not None and (
            len(cycles) != planned_cycles or bool(off) or bool(thaw_off)
        )
        protocol_rows.append(
            {
                "nerve": code,
                "planned_cycles": planned_cycles,
                "planned_freeze_s": planned_freeze,
                "done_cycles": len(cycles),
                "done_freeze_s": done_freeze,
                "done_freeze_each_s": [c.freeze_seconds for c in cycles],
                "tolerance_s": round(tolerance, 1),
                "cycles_off": off,
                "planned_thaw_s": planned_thaw,
                "done_thaw_each_s": [c.thaw_seconds for c in cycles],
                "thaw_tolerance_s": round(thaw_tolerance, 1),
                "thaw_cycles_off": thaw_off,
                "differs": differs,
            }
        )
    not_treated = [c for c in planned if c not in treated]
    not_planned = [c for c in dict.fromkeys(treated) if c not in planned]
    return {
        "planned": planned,
        "treated": treated,
        "not_treated": not_treated,
        "not_planned": not_planned,
        "protocols": protocol_rows,
        "without_cycle": without_cycle,
        "as_planned": not not_treated
        and not not_planned
        and not without_cycle
        and not any(r["differs"] for r in protocol_rows),
    }


def procedure_relief_window(procedure: Procedure) -> ReliefWindow | None:
    """The widest expected relief window over the treated (else planned) nerves."""
    codes = [n.nerve_code for n in procedure.nerves.all()] or list(procedure.planned_nerves)
    plan_ids = procedure.plan_ids
    planned = plan_windows(plan_ids, procedure.patient_id) if plan_ids else {}
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
