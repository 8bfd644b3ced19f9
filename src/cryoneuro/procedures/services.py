"""Writes of procedure records and adverse events, and what is computed from them.
Every write is audited in its own transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cryoneuro.accounts.access import can_access_patient
from cryoneuro.accounts.roles import Perm
from cryoneuro.audit.services import audit_record
from cryoneuro.clinical.nerves import NERVES
from cryoneuro.evaluation.models import Evaluation
from cryoneuro.patients.models import Patient
from cryoneuro.treatmentplans.models import TreatmentPlan

from .advice import discharge_advice
from .limits import CLOCK_TOLERANCE_S, MAX_FREEZE_S, MAX_THAW_S
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
    booked_procedure_appointments,
    live_cycles,
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


PRE_CHECK_QUESTIONS: tuple[str, ...] = (
    "identity_confirmed",
    "site_side_confirmed",
    "site_marked",
    "consent_signed",
    "anticoagulation_taken",
    "infection_at_site",
    "allergies_confirmed",
)
"""The pre-check's yes/no questions: each must be answered (True or False), none has a
default (issue 11)."""

PRE_CHECK_VERSION = 2
"""Version of the pre-check's questions stored with each pre-check (``checklist_version``):
1 = before issue 11 (no identity, site/side or marking questions; answers may have been
the form's preset "yes"), 2 = issue 11 (WHO sign-in, every answer explicit)."""

LATER_STEPS = (StepCode.PROBE_REMOVAL, StepCode.SURVEILLANCE, StepCode.DISCHARGE)


def _nerve_name(code: str) -> str:
    item = NERVES.get(code)
    if item is None:
        return code
    return item.name("en" if (get_language() or "fr").startswith("en") else "fr")


def _clock(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%H:%M:%S")


def future_problem(at: dt.datetime, now: dt.datetime | None = None) -> StrOrPromise | None:
    """Why ``at`` cannot be recorded yet (None when it can): a time more than
    ``limits.CLOCK_TOLERANCE_S`` after now is in the future (issue 11: a step or cycle is
    recorded once done)."""
    now = now or timezone.now()
    if at <= now + dt.timedelta(seconds=CLOCK_TOLERANCE_S):
        return None
    return _("%(t)s is in the future (it is now %(now)s): record a step once it is done.") % {
        "t": _clock(at),
        "now": timezone.localtime(now).strftime("%H:%M"),
    }


def _step_times(procedure: Procedure) -> dict[str, dt.datetime]:
    return dict(procedure.steps.values_list("code", "done_at"))


def _step_time_problems(procedure: Procedure, code: str, at: dt.datetime) -> list[StrOrPromise]:
    """The day's steps in order (issue 11): nothing in the future (``future_problem``),
    nothing before the pre-check; probe removal,
    surveillance and discharge after the last freeze-thaw cycle; surveillance after the
    probe removal; discharge only after surveillance."""
    times = _step_times(procedure)
    problems: list[StrOrPromise] = []
    future = future_problem(at)
    if future is not None:
        problems.append(future)
    if code == StepCode.PRE_CHECK:
        if at < procedure.checked_in_at:
            problems.append(
                _("The pre-procedure check cannot be before the check-in (%(t)s).")
                % {"t": _clock(procedure.checked_in_at)}
            )
    elif StepCode.PRE_CHECK in times and at < times[StepCode.PRE_CHECK]:
        problems.append(
            _("This step cannot be before the pre-procedure check (%(t)s).")
            % {"t": _clock(times[StepCode.PRE_CHECK])}
        )
    if code in LATER_STEPS:
        last = live_cycles(procedure).order_by("-thaw_stop").first()
        if last is not None and at < last.thaw_stop:
            problems.append(
                _("This step cannot be before the end of the last freeze-thaw cycle (%(t)s).")
                % {"t": _clock(last.thaw_stop)}
            )
    removal = times.get(StepCode.PROBE_REMOVAL)
    if code == StepCode.SURVEILLANCE and removal is not None and at < removal:
        problems.append(
            _("The surveillance cannot start before the probe removal (%(t)s).")
            % {"t": _clock(removal)}
        )
    if code == StepCode.DISCHARGE:
        if StepCode.SURVEILLANCE not in times:
            problems.append(_("The surveillance must be recorded before the discharge."))
        elif at < times[StepCode.SURVEILLANCE]:
            problems.append(
                _("The discharge cannot be before the surveillance (%(t)s).")
                % {"t": _clock(times[StepCode.SURVEILLANCE])}
            )
    return problems


def pre_check_passed(procedure: Procedure) -> bool:
    step = procedure.steps.filter(code=StepCode.PRE_CHECK).first()
    return bool(step and step.passed)


# ----------------------------------------------------------------------------- check-in


def plan_refusal(plan_id: int) -> str:
    """Why a treatment plan may not be used at admission ("" when it may): only feasible,
    non-archived plans are offered (``TreatmentPlan.objects.admissible``), and an id
    posted directly (API, forged form) is held to the same rule (issue 11 §3)."""
    plan = TreatmentPlan.objects.filter(pk=plan_id).first()
    if plan is None:
        return ""
    name = _("treatment plan no. %(id)d of %(date)s") % {
        "id": plan.pk,
        "date": date_format(timezone.localtime(plan.created_at), "SHORT_DATE_FORMAT"),
    }
    if plan.archived:
        return _("The %(plan)s is archived: choose a current plan.") % {"plan": name}
    if not plan.feasible:
        return _(
            "The %(plan)s is not feasible (%(status)s): it cannot be used for a procedure."
        ) % {
            "plan": name,
            "status": plan.get_status_display(),
        }
    return ""


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
    appointment_id: int | None = None,
    no_appointment_reason: str = "",
    nerves_change_reason: str = "",
    at: dt.datetime | None = None,
    request=None,
) -> Procedure:
    """Open a procedure record for a patient who arrived on the day.

    Issue 11: admission starts from a booking: ``appointment_id`` is one of the patient's
    booked procedure appointments (the day's one, or another day's: treated earlier or
    later than booked, the booking is then linked and completed, never left "booked"), or
    ``no_appointment_reason`` says why there is none. The nerves come from the treatment
    plans chosen (one per nerve), else from the appointment; ``planned_nerves`` given by
    hand that differ from them need ``nerves_change_reason``."""
    if evaluation is None:
        evaluation = patient.evaluations.order_by("-created_at", "-id").first()
    errors: dict[str, list[StrOrPromise]] = {}
    appointment = None
    if appointment_id is not None:
        appointment = next(
            (a for a in booked_procedure_appointments(patient) if a.pk == appointment_id), None
        )
        if appointment is None:
            errors["appointment"] = [_("No such booked procedure appointment for this patient.")]
    elif not no_appointment_reason.strip():
        errors["no_appointment_reason"] = [
            _("No appointment chosen: say why the patient is treated without one.")
        ]
    ids = list(dict.fromkeys([*([plan_id] if plan_id else []), *(plan_ids or [])]))
    from_plans: list[str] = []
    for pid in ids:
        targets = plan_targets(pid, patient.pk)
        if targets is None:
            errors["plan_id"] = [_("No such treatment plan for this patient.")]
            break
        refusal = plan_refusal(pid)
        if refusal:
            errors["plan_id"] = [refusal]
            break
        from_plans += targets
    source = list(dict.fromkeys(from_plans)) or (
        list(appointment.nerve_codes or []) if appointment is not None else []
    )
    chosen = list(dict.fromkeys(planned_nerves or []))
    planned = chosen or source
    unknown = [c for c in planned if c not in NERVES]
    if unknown:
        errors["planned_nerves"] = [
            _("Unknown nerve(s): %(codes)s") % {"codes": ", ".join(unknown)}
        ]
    elif source and chosen and set(chosen) != set(source) and not nerves_change_reason.strip():
        errors["nerves_change_reason"] = [
            _("The nerves differ from the plan (%(planned)s): give the reason.")
            % {"planned": ", ".join(source)}
        ]
    if errors:
        raise ValidationError(errors)
    procedure = Procedure(
        patient=patient,
        evaluation=evaluation,
        appointment=appointment,
        no_appointment_reason="" if appointment else no_appointment_reason.strip(),
        planned_nerves=planned,
        nerves_change_reason=nerves_change_reason.strip() if chosen and source else "",
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
        detail={
            "checked_in": True,
            "appointment": appointment.pk if appointment else None,
            "no_appointment_reason": bool(procedure.no_appointment_reason),
            "nerves_changed": bool(procedure.nerves_change_reason),
        },
    )
    return procedure


def _complete_appointment(procedure: Procedure, user: Any, request=None) -> None:
    """The procedure is done: its booking is completed (booked -> attended), audited."""
    appointment = procedure.appointment
    if appointment is not None and appointment.mark_attended():
        audit_record(
            actor=user,
            action="update",
            request=request,
            obj=appointment,
            patient_id=procedure.patient_id,
            detail={"attended": True, "procedure": procedure.pk},
        )


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
    at = at or timezone.now()
    if code == StepCode.PRE_CHECK:
        unanswered = [q for q in PRE_CHECK_QUESTIONS if not isinstance(data.get(q), bool)]
        if unanswered:
            raise ValidationError(
                {key: [_("Answer this question: yes or no.")] for key in unanswered}
            )
        data["checklist_version"] = PRE_CHECK_VERSION
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
        if not data["identity_confirmed"]:
            reasons.append("identity_not_confirmed")
        if not data["site_side_confirmed"]:
            reasons.append("site_side_not_confirmed")
        if not data["site_marked"]:
            reasons.append("site_not_marked")
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
    errors: dict[str, list[StrOrPromise]] = {}
    problems = _step_time_problems(procedure, code, at)
    if problems:
        errors["at"] = problems
    if code == StepCode.SURVEILLANCE and has_mixed_nerve(procedure) and not data.get("motor_check"):
        errors["motor_check"] = [
            _("A mixed nerve was treated: the motor check of the limb is required.")
        ]
    if errors:
        raise ValidationError(errors)
    if code == StepCode.DISCHARGE:
        language = procedure.patient.preferred_language
        data["advice_language"] = language
        data["advice"] = discharge_advice(language)
    step, created = ProcedureStep.objects.update_or_create(
        procedure=procedure,
        code=code,
        defaults={"data": data, "done_at": at, "done_by": user, "passed": passed},
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
        _complete_appointment(procedure, user, request)
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
    change_reason: str = "",
    request=None,
) -> NerveTreatment:
    """A nerve treated. One not in the procedure's planned nerves needs a reason (issue
    11: the plan's nerves are taken, changes stay possible with a reason)."""
    _ensure_open(procedure)
    if not pre_check_passed(procedure):
        raise ValidationError({"__all__": [_("The pre-procedure check has not passed.")]})
    target = NERVES.get(nerve_code)
    if target is None:
        raise ValidationError({"nerve_code": [_("Unknown nerve.")]})
    reason = change_reason.strip()
    if procedure.planned_nerves and nerve_code not in procedure.planned_nerves and not reason:
        raise ValidationError(
            {"change_reason": [_("This nerve is not in the plan: give the reason.")]}
        )
    treatment = NerveTreatment(
        procedure=procedure,
        nerve_code=nerve_code,
        level=level.strip(),
        probe=probe.strip(),
        cryogen=cryogen,
        nerve_is_mixed=target.is_mixed,
        change_reason=reason if nerve_code not in procedure.planned_nerves else "",
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


def _check_cycle(
    nerve: NerveTreatment,
    freeze_start: dt.datetime,
    freeze_stop: dt.datetime,
    thaw_stop: dt.datetime,
    *,
    exclude: int | None = None,
) -> None:
    """A cycle is plausible or refused (issue 11): in order, within the device limits
    (``limits.py``), after the pre-check, before the probe removal, surveillance and
    discharge, and overlapping no other cycle of the procedure (one console)."""
    procedure = nerve.procedure
    if not freeze_start < freeze_stop < thaw_stop:
        raise ValidationError(
            {"freeze_stop": [_("Times must follow freeze start < freeze stop < thaw stop.")]}
        )
    errors: dict[str, list[StrOrPromise]] = {}
    now = timezone.now()
    for name, value in (
        ("freeze_start", freeze_start),
        ("freeze_stop", freeze_stop),
        ("thaw_stop", thaw_stop),
    ):
        future = future_problem(value, now)
        if future is not None:  # the first time in the future is named; the later follow
            errors[name] = [future]
            break
    freeze_s = int((freeze_stop - freeze_start).total_seconds())
    thaw_s = int((thaw_stop - freeze_stop).total_seconds())
    if freeze_s > MAX_FREEZE_S:
        errors.setdefault("freeze_stop", []).append(
            _(
                "A freeze of %(s)s s (%(start)s to %(stop)s) is longer than a cycle can last "
                "(%(max)s s at most)."
            )
            % {
                "s": freeze_s,
                "start": _clock(freeze_start),
                "stop": _clock(freeze_stop),
                "max": MAX_FREEZE_S,
            }
        )
    if thaw_s > MAX_THAW_S:
        errors.setdefault("thaw_stop", []).append(
            _("A thaw of %(s)s s is longer than a cycle can last (%(max)s s at most).")
            % {"s": thaw_s, "max": MAX_THAW_S}
        )
    times = _step_times(procedure)
    pre = times.get(StepCode.PRE_CHECK)
    if pre is not None and freeze_start < pre:
        errors.setdefault("freeze_start", []).append(
            _("The freeze cannot start before the pre-procedure check (%(t)s).")
            % {"t": _clock(pre)}
        )
    later = [times[c] for c in LATER_STEPS if c in times]
    if later and thaw_stop > min(later):
        errors.setdefault("thaw_stop", []).append(
            _("The cycle cannot end after the probe removal, surveillance or discharge (%(t)s).")
            % {"t": _clock(min(later))}
        )
    others = live_cycles(procedure).select_related("nerve")
    if exclude is not None:
        others = others.exclude(pk=exclude)
    for other in others:
        if freeze_start < other.thaw_stop and other.freeze_start < thaw_stop:
            errors.setdefault("freeze_start", []).append(
                _("This cycle overlaps cycle %(n)s of %(nerve)s (%(start)s to %(stop)s).")
                % {
                    "n": other.number,
                    "nerve": _nerve_name(other.nerve.nerve_code),
                    "start": _clock(other.freeze_start),
                    "stop": _clock(other.thaw_stop),
                }
            )
            break
        if exclude is None and other.nerve_id == nerve.pk and freeze_start < other.freeze_start:
            errors.setdefault("freeze_start", []).append(
                _("Cycles are recorded in order: this one starts before cycle %(n)s (%(t)s).")
                % {"n": other.number, "t": _clock(other.freeze_start)}
            )
            break
    if errors:
        raise ValidationError(errors)


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
    _check_cycle(nerve, freeze_start, freeze_stop, thaw_stop)
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


def _cycle_values(cycle: FreezeCycle) -> dict[str, Any]:
    return {
        "freeze_start": cycle.freeze_start.isoformat(),
        "freeze_stop": cycle.freeze_stop.isoformat(),
        "thaw_stop": cycle.thaw_stop.isoformat(),
        "min_temperature_c": float(cycle.min_temperature_c),
        "thaw_temperature_c": (
            float(cycle.thaw_temperature_c) if cycle.thaw_temperature_c is not None else None
        ),
    }


@transaction.atomic
def procedure_cycle_correct(
    *,
    cycle: FreezeCycle,
    user: Any,
    reason: str,
    freeze_start: dt.datetime,
    freeze_stop: dt.datetime,
    thaw_stop: dt.datetime,
    min_temperature_c: float,
    thaw_temperature_c: float | None = None,
    request=None,
) -> FreezeCycle:
    """Correct a recorded cycle: the same rules as a new one; the old and new values, who,
    when and why are kept on the cycle and in the audit trail."""
    nerve = cycle.nerve
    _ensure_open(nerve.procedure)
    if cycle.is_struck:
        raise ValidationError(
            {"__all__": [_("This cycle was struck out: it cannot be corrected.")]}
        )
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for the correction.")]})
    _check_cycle(nerve, freeze_start, freeze_stop, thaw_stop, exclude=cycle.pk)
    old = _cycle_values(cycle)
    cycle.freeze_start = freeze_start
    cycle.freeze_stop = freeze_stop
    cycle.thaw_start = freeze_stop
    cycle.thaw_stop = thaw_stop
    cycle.min_temperature_c = min_temperature_c
    cycle.thaw_temperature_c = thaw_temperature_c
    cycle.full_clean()
    new = _cycle_values(cycle)
    entry = {
        "at": timezone.now().isoformat(),
        "by": user.get_username(),
        "reason": reason.strip(),
        "old": old,
        "new": new,
    }
    cycle.corrections = [*cycle.corrections, entry]
    cycle.save()
    audit_record(
        actor=user,
        action="update",
        request=request,
        obj=cycle,
        patient_id=nerve.procedure.patient_id,
        detail={"corrected": True, "reason": reason.strip()[:200], "old": old, "new": new},
    )
    return cycle


@transaction.atomic
def procedure_cycle_strike(
    *, cycle: FreezeCycle, user: Any, reason: str, request=None
) -> FreezeCycle:
    """Strike a cycle out (recorded by mistake): it stays on the record, shown struck
    through, and counts in no total."""
    procedure = cycle.nerve.procedure
    _ensure_open(procedure)
    if cycle.is_struck:
        raise ValidationError({"__all__": [_("This cycle is already struck out.")]})
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for striking it out.")]})
    cycle.struck_at = timezone.now()
    cycle.struck_by = user
    cycle.strike_reason = reason.strip()
    cycle.save(update_fields=["struck_at", "struck_by", "strike_reason"])
    audit_record(
        actor=user,
        action="update",
        request=request,
        obj=cycle,
        patient_id=procedure.patient_id,
        detail={"struck": True, "reason": reason.strip()[:200], "values": _cycle_values(cycle)},
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
    return live_cycles(procedure).exists()


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
    _complete_appointment(procedure, user, request)
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
