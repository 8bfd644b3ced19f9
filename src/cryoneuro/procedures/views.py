"""Procedure pages: check-in, the step-by-step checklist (htmx), adverse events."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms as djforms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cryoneuro.accounts.access import can_access_patient, requires
from cryoneuro.accounts.roles import ALL, Perm, scope
from cryoneuro.clinical.nerves import NERVES
from cryoneuro.core.audit import audit_read
from cryoneuro.patients.selectors import patient_get

from . import selectors, services
from .forms import (
    SIDES,
    STEP_FORMS,
    AdverseEventForm,
    CheckInForm,
    CloseForm,
    CycleCorrectForm,
    CycleForm,
    CycleStrikeForm,
    NerveForm,
    SurveillanceForm,
    _lang,
)
from .models import (
    AdverseEvent,
    FreezeCycle,
    NerveTreatment,
    Procedure,
    ProcedureStatus,
    StepCode,
)

if TYPE_CHECKING:
    from cryoneuro.accounts.http import AuthenticatedHttpRequest


def _as_list(value) -> list[int]:
    if value in (None, ""):
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _apply_errors(form, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        target = field if field in form.fields else None
        for problem in problems:
            form.add_error(target, problem)


def _step_form(procedure: Procedure, code: str, data=None):
    cls = STEP_FORMS[code]
    kwargs: dict[str, Any] = {"prefix": code, "procedure": procedure}
    if cls is SurveillanceForm:
        kwargs["mixed_nerve"] = services.has_mixed_nerve(procedure)
    initial = None
    step = procedure.steps.filter(code=code).first()
    if step is not None and data is None:
        initial = {
            k: ("yes" if v is True else "no" if v is False else v) for k, v in step.data.items()
        }
    return cls(data, initial=initial, **kwargs)


def _correct_form(cycle: FreezeCycle, data=None) -> CycleCorrectForm:
    initial = {
        "freeze_start": timezone.localtime(cycle.freeze_start).time(),
        "freeze_stop": timezone.localtime(cycle.freeze_stop).time(),
        "thaw_stop": timezone.localtime(cycle.thaw_stop).time(),
        "min_temperature_c": cycle.min_temperature_c,
        "thaw_temperature_c": cycle.thaw_temperature_c,
    }
    return CycleCorrectForm(data, initial=initial, prefix=f"correct-{cycle.pk}")


def _correction_display(fix: dict) -> dict[str, Any]:
    """A correction kept on a cycle, its old values in the clinic's clock."""

    def clock(value: str) -> str:
        try:
            return timezone.localtime(dt.datetime.fromisoformat(value)).strftime("%H:%M:%S")
        except (TypeError, ValueError):
            return str(value)

    old = fix.get("old") or {}
    try:
        at: dt.datetime | str = dt.datetime.fromisoformat(fix.get("at", ""))
    except (TypeError, ValueError):
        at = ""
    shown = (
        f"{clock(old.get('freeze_start', ''))}–{clock(old.get('freeze_stop', ''))} · "
        f"{clock(old.get('thaw_stop', ''))} · {old.get('min_temperature_c', '')} °C"
    )
    return {"by": fix.get("by", ""), "at": at, "reason": fix.get("reason", ""), "old": shown}


EXTRA_LABELS = {
    "evaluation_cleared": gettext_lazy("Evaluation cleared for the procedure"),
    "stop_reasons": gettext_lazy("Reasons to stop"),
    "advice_language": gettext_lazy("Language of the advice"),
    "allergies_on_record": gettext_lazy("Allergies on the record (confirmed)"),
    "checklist_version": gettext_lazy("Checklist version"),
}
STOP_REASONS = {
    "evaluation_not_cleared": gettext_lazy("evaluation not cleared"),
    "consent_not_signed": gettext_lazy("consent not signed"),
    "infection_at_site": gettext_lazy("infection at the site"),
    "anticoagulation_taken": gettext_lazy("anticoagulation taken"),
    "allergies_not_confirmed": gettext_lazy("allergies not re-confirmed"),
    "identity_not_confirmed": gettext_lazy("identity not confirmed"),
    "site_side_not_confirmed": gettext_lazy("site and side not confirmed"),
    "site_not_marked": gettext_lazy("site not marked"),
}


def step_display(step) -> list[tuple[str, str]]:
    """The step's recorded details with their labels (choices and yes/no in words)."""
    form = STEP_FORMS.get(step.code)
    fields = form.base_fields if form else {}
    out = []
    for key, value in step.data.items():
        if key in ("advice",) or value in ("", None, []):
            continue
        field = fields.get(key)
        choices = getattr(field, "choices", None)  # choice fields only
        label = str(field.label) if field is not None else str(EXTRA_LABELS.get(key, key))
        if value is True or value is False:
            shown = str(gettext_lazy("yes") if value else gettext_lazy("no"))
        elif key == "allergies_on_record":
            shown = ", ".join(
                a.get("detail") or a.get("substance", "") for a in value if isinstance(a, dict)
            )
        elif key == "checklist_version":
            shown = str(
                gettext_lazy("2 (WHO sign-in, every answer explicit)")
                if value == 2
                else gettext_lazy(
                    "1 (before December 2026: identity, site and marking not asked; "
                    "answers may be the form's preset)"
                )
            )
        elif key == "stop_reasons":
            shown = ", ".join(str(STOP_REASONS.get(v, v)) for v in value)
        elif field is not None and choices:
            shown = str({str(k): v for k, v in choices}.get(str(value), value))
        else:
            shown = str(value)
        out.append((label, shown))
    return out


def _context(
    request: AuthenticatedHttpRequest, procedure: Procedure, *, bound: dict | None = None
) -> dict:
    bound = bound or {}
    checklist = services.procedure_checklist(procedure)
    can_record = not procedure.is_closed and can_access_patient(
        request.user, Perm.PROCEDURE_RECORD, procedure.patient
    )
    next_code = next((row.code for row in checklist if not row.done), None)
    rows = []
    for row in checklist:
        form = None
        if can_record and row.code != StepCode.NERVES:
            form = bound.get(row.code) or _step_form(procedure, row.code)
        rows.append(
            {
                "row": row,
                "form": form,
                "is_next": row.code == next_code,
                "display": step_display(row.step) if row.step else [],
            }
        )
    lang = _lang()
    nerves: list[dict[str, Any]] = []
    for n in procedure.nerves.prefetch_related("cycles").select_related("recorded_by"):
        item = NERVES.get(n.nerve_code)
        nerves.append(
            {
                "nerve": n,
                "name": item.name(lang) if item else n.nerve_code,
                "cycles": [
                    {
                        "cycle": c,
                        "corrections": [_correction_display(fix) for fix in c.corrections],
                        "correct_form": (
                            bound.get(f"correct-{c.pk}") or _correct_form(c)
                            if can_record and not c.is_struck
                            else None
                        ),
                        "strike_form": (
                            bound.get(f"strike-{c.pk}") or CycleStrikeForm(prefix=f"strike-{c.pk}")
                            if can_record and not c.is_struck
                            else None
                        ),
                    }
                    for c in n.cycles.all()
                ],
                "form": (bound.get(f"cycle-{n.pk}") or CycleForm(prefix=f"cycle-{n.pk}"))
                if can_record
                else None,
            }
        )
    differences = selectors.plan_differences(procedure)
    if differences:

        def name(code):
            return NERVES[code].name(lang) if code in NERVES else code

        protocols = [dict(row, nerve=name(row["nerve"])) for row in differences["protocols"]]
        as_planned = differences["as_planned"]
        differences = {
            k: [name(c) for c in v]
            for k, v in differences.items()
            if k not in ("protocols", "as_planned")
        }
        differences["protocols"] = protocols
        differences["as_planned"] = as_planned
    missing = [row for row in checklist if not row.done]
    can_override = can_access_patient(request.user, Perm.PROCEDURE_OVERRIDE, procedure.patient)
    return {
        "procedure": procedure,
        "side_label": dict(SIDES).get(procedure.side, procedure.side),
        "patient": procedure.patient,
        "rows": rows,
        "nerves": nerves,
        "can_record": can_record,
        "can_override": can_override,
        "nerve_form": (
            bound.get("nerve")
            or NerveForm(
                prefix="nerve",
                initial={
                    "nerve_code": next(
                        (
                            c
                            for c in procedure.planned_nerves
                            if c not in {n["nerve"].nerve_code for n in nerves}
                        ),
                        "",
                    )
                },
            )
        )
        if can_record
        else None,
        "close_form": bound.get("close") or CloseForm(prefix="close"),
        "missing": missing,
        "duration": selectors.procedure_duration(procedure),
        "differences": differences,
        "pre_check_passed": services.pre_check_passed(procedure),
        "now": timezone.localtime(),
    }


def _respond(
    request: AuthenticatedHttpRequest,
    procedure: Procedure,
    *,
    bound: dict | None = None,
    ok: str = "",
):
    if bound:
        context = _context(request, procedure, bound=bound)
        template = "procedures/detail.html#body" if request.htmx else "procedures/detail.html"
        return render(request, template, context, status=422 if request.htmx else 200)
    if ok:
        messages.success(request, ok)
    if request.htmx:
        return render(request, "procedures/detail.html#body", _context(request, procedure))
    return redirect("procedure_detail", procedure_id=procedure.pk)


@requires(Perm.PROCEDURE_VIEW)
def procedure_list(request: AuthenticatedHttpRequest):
    """Today's and open procedures, and motor deficits flagged to the physician."""
    if not can_access_patient_any(request.user):
        raise PermissionDenied
    open_procedures = Procedure.objects.filter(status=ProcedureStatus.IN_PROGRESS).select_related(
        "patient"
    )[:100]
    recent = Procedure.objects.filter(status=ProcedureStatus.CLOSED).select_related("patient")[:30]
    audit_read(request, object_type="procedures.procedure", detail={"list": True}, action="search")
    return render(
        request,
        "procedures/list.html",
        {
            "open_procedures": open_procedures,
            "recent": recent,
            "flags": selectors.motor_deficit_flags(unacknowledged=True),
        },
    )


def can_access_patient_any(user) -> bool:

    return scope(getattr(user, "role", None), Perm.PROCEDURE_VIEW) == ALL


@requires(Perm.PROCEDURE_RECORD)
def procedure_checkin(request: AuthenticatedHttpRequest, patient_id: int):
    """Admission from the day's appointment (preselected), another booking, or none with
    a reason; the nerves come from the plans."""
    patient = patient_get(user=request.user, patient_id=patient_id, perm=Perm.PROCEDURE_RECORD)
    evaluation = patient.evaluations.order_by("-created_at", "-id").first()
    appointments = selectors.booked_procedure_appointments(patient)
    today = selectors.day_appointment(patient, timezone.localdate())
    initial = {
        "site_label": evaluation.pain_location if evaluation else "",
        "side": evaluation.side if evaluation else "right",
        "appointment": today.pk if today else "",
    }
    form = CheckInForm(request.POST or None, initial=initial, appointments=appointments)
    plans = selectors.patient_plans(patient)
    if plans:
        form.fields["plan_id"] = djforms.TypedMultipleChoiceField(
            label=_("Treatment plans (one per nerve)"),
            required=False,
            coerce=int,
            choices=plans,
            widget=djforms.CheckboxSelectMultiple,
        )
        # the day's booking's nerves: their latest plans are preselected
        form.initial["plan_id"] = selectors.appointment_plans(patient, today)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            procedure = services.procedure_checkin(
                patient=patient,
                user=request.user,
                evaluation=evaluation,
                site_label=data["site_label"],
                side=data["side"],
                plan_ids=_as_list(data.get("plan_id")),
                planned_nerves=data.get("planned_nerves") or [],
                appointment_id=data.get("appointment"),
                no_appointment_reason=data.get("no_appointment_reason") or "",
                nerves_change_reason=data.get("nerves_change_reason") or "",
                request=request,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Patient checked in."))
            return redirect("procedure_detail", procedure_id=procedure.pk)
    elif request.method != "POST":
        audit_read(request, obj=patient, patient_id=patient.pk)
    return render(
        request,
        "procedures/checkin.html",
        {
            "patient": patient,
            "form": form,
            "evaluation": evaluation,
            "today_appointment": today,
            "other_appointments": [a for a in appointments if a is not today],
        },
        status=422 if form.errors else 200,
    )


@requires(Perm.PROCEDURE_VIEW)
def procedure_detail(request: AuthenticatedHttpRequest, procedure_id: int):
    procedure = selectors.procedure_get(user=request.user, procedure_id=procedure_id)
    audit_read(request, obj=procedure, patient_id=procedure.patient_id)
    context = _context(request, procedure)
    if request.htmx:
        return render(request, "procedures/detail.html#body", context)
    return render(request, "procedures/detail.html", context)


@require_POST
@requires(Perm.PROCEDURE_RECORD)
def procedure_step(request: AuthenticatedHttpRequest, procedure_id: int, code: str):
    procedure = selectors.procedure_get(
        user=request.user, procedure_id=procedure_id, perm=Perm.PROCEDURE_RECORD
    )
    if code not in STEP_FORMS:
        raise Http404
    form = _step_form(procedure, code, request.POST)
    if form.is_valid():
        try:
            services.procedure_step_record(
                procedure=procedure,
                user=request.user,
                code=code,
                data=form.step_data(),
                at=services.at_time(procedure, form.cleaned_data.get("at")),
                request=request,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return _respond(request, procedure, ok=_("Step recorded."))
    return _respond(request, procedure, bound={code: form})


@require_POST
@requires(Perm.PROCEDURE_RECORD)
def procedure_nerve_add(request: AuthenticatedHttpRequest, procedure_id: int):
    procedure = selectors.procedure_get(
        user=request.user, procedure_id=procedure_id, perm=Perm.PROCEDURE_RECORD
    )
    form = NerveForm(request.POST, prefix="nerve")
    if form.is_valid():
        try:
            services.procedure_nerve_add(
                procedure=procedure, user=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return _respond(request, procedure, ok=_("Nerve added."))
    return _respond(request, procedure, bound={"nerve": form})


@require_POST
@requires(Perm.PROCEDURE_RECORD)
def procedure_cycle_add(request: AuthenticatedHttpRequest, nerve_id: int):
    nerve: NerveTreatment = selectors.nerve_get(user=request.user, nerve_id=nerve_id)
    procedure = nerve.procedure
    form = CycleForm(request.POST, prefix=f"cycle-{nerve.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.procedure_cycle_add(
                nerve=nerve,
                user=request.user,
                freeze_start=services.at_time(procedure, data["freeze_start"]),
                freeze_stop=services.at_time(procedure, data["freeze_stop"]),
                thaw_stop=services.at_time(procedure, data["thaw_stop"]),
                min_temperature_c=data["min_temperature_c"],
                thaw_temperature_c=data.get("thaw_temperature_c"),
                request=request,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return _respond(request, procedure, ok=_("Freeze-thaw cycle recorded."))
    return _respond(request, procedure, bound={f"cycle-{nerve.pk}": form})


@require_POST
@requires(Perm.PROCEDURE_RECORD)
def procedure_cycle_correct(request: AuthenticatedHttpRequest, cycle_id: int):
    cycle = selectors.cycle_get(user=request.user, cycle_id=cycle_id)
    procedure = cycle.nerve.procedure
    form = _correct_form(cycle, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.procedure_cycle_correct(
                cycle=cycle,
                user=request.user,
                reason=data["reason"],
                freeze_start=services.at_time(procedure, data["freeze_start"]),
                freeze_stop=services.at_time(procedure, data["freeze_stop"]),
                thaw_stop=services.at_time(procedure, data["thaw_stop"]),
                min_temperature_c=data["min_temperature_c"],
                thaw_temperature_c=data.get("thaw_temperature_c"),
                request=request,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return _respond(request, procedure, ok=_("Cycle corrected."))
    return _respond(request, procedure, bound={f"correct-{cycle.pk}": form})


@require_POST
@requires(Perm.PROCEDURE_RECORD)
def procedure_cycle_strike(request: AuthenticatedHttpRequest, cycle_id: int):
    cycle = selectors.cycle_get(user=request.user, cycle_id=cycle_id)
    procedure = cycle.nerve.procedure
    form = CycleStrikeForm(request.POST, prefix=f"strike-{cycle.pk}")
    if form.is_valid():
        try:
            services.procedure_cycle_strike(
                cycle=cycle, user=request.user, reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return _respond(request, procedure, ok=_("Cycle struck out."))
    return _respond(request, procedure, bound={f"strike-{cycle.pk}": form})


@require_POST
@requires(Perm.PROCEDURE_RECORD)
def procedure_close(request: AuthenticatedHttpRequest, procedure_id: int):
    procedure = selectors.procedure_get(
        user=request.user, procedure_id=procedure_id, perm=Perm.PROCEDURE_RECORD
    )
    form = CloseForm(request.POST, prefix="close")
    if form.is_valid():
        try:
            services.procedure_close(
                procedure=procedure,
                user=request.user,
                override_reason=form.cleaned_data["override_reason"],
                request=request,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Procedure closed."))
            if request.htmx:
                response = render(
                    request, "procedures/detail.html#body", _context(request, procedure)
                )
                return response
            return redirect("procedure_detail", procedure_id=procedure.pk)
    return _respond(request, procedure, bound={"close": form})


@requires(Perm.ADVERSE_EVENT_RECORD)
def adverse_event_create(request: AuthenticatedHttpRequest, patient_id: int):
    patient = patient_get(user=request.user, patient_id=patient_id, perm=Perm.ADVERSE_EVENT_RECORD)
    nerves = selectors.treated_nerves_for_patient(patient=patient)
    initial = {"onset_date": timezone.localdate(), "source": request.GET.get("source", "visit")}
    if request.GET.get("nerve", "").isdigit():
        initial["nerve"] = int(request.GET["nerve"])
    form = AdverseEventForm(request.POST or None, nerves=nerves, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        nerve = nerves.filter(pk=data.pop("nerve")).first() if data.get("nerve") else None
        data.pop("nerve", None)
        try:
            services.adverse_event_record(
                patient=patient, user=request.user, nerve=nerve, request=request, **data
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Adverse event recorded."))
            return redirect("patient_detail", patient_id=patient.pk)
    elif request.method != "POST":
        audit_read(request, obj=patient, patient_id=patient.pk)
    return render(
        request,
        "procedures/adverse_event_form.html",
        {"patient": patient, "form": form},
        status=422 if form.errors else 200,
    )


@require_POST
@requires(Perm.ADVERSE_EVENT_RECORD)
def adverse_event_resolve(request: AuthenticatedHttpRequest, event_id: int):
    event: AdverseEvent = selectors.adverse_event_get(user=request.user, event_id=event_id)

    field = djforms.DateField()
    try:
        day = field.clean(request.POST.get("resolved_date") or timezone.localdate().isoformat())
        services.adverse_event_resolve(
            event=event, user=request.user, resolved_date=day, request=request
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Adverse event marked resolved."))
    return redirect("patient_detail", patient_id=event.patient_id)


@require_POST
@requires(Perm.PROCEDURE_OVERRIDE)
def adverse_event_acknowledge(request: AuthenticatedHttpRequest, event_id: int):
    """A physician acknowledges a flag (motor deficit beyond the expected window)."""
    event: AdverseEvent = selectors.adverse_event_get(
        user=request.user, event_id=event_id, perm=Perm.PROCEDURE_OVERRIDE
    )
    services.adverse_event_acknowledge(event=event, user=request.user, request=request)
    messages.success(request, _("Flag acknowledged."))
    return redirect("patient_detail", patient_id=event.patient_id)
