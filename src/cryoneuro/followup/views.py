"""Follow-up pages: schedule and relief tracking, questionnaires (portal and staff),
the patient timeline, and the staff worklist."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from cryoneuro.accounts.access import can_access_patient, requires
from cryoneuro.accounts.roles import ALL, Perm, scope
from cryoneuro.core.audit import audit_read
from cryoneuro.patients.selectors import patient_get
from cryoneuro.procedures.selectors import motor_deficit_flags

from . import questionnaire as qn
from . import selectors, services
from .forms import ItemAddForm, ItemUpdateForm
from .models import FollowUpItem, ItemKind, ItemStatus
from .timeline import build_chart

if TYPE_CHECKING:
    from cryoneuro.accounts.http import AuthenticatedHttpRequest

PROBLEM_TEXTS = {
    "bpi": _lazy("Answer at least 4 of the 7 questions."),
    "dn4": _lazy("All 10 questions are needed."),
    "womac": _lazy("Too many questions are left unanswered in one part."),
    "koos": _lazy("Too many questions are left unanswered in one part."),
    "analgesics": _lazy("List your pain medicines, or tick that you take none."),
}


def booking_url(patient_id: int | None = None, *, user: Any = None) -> str | None:
    """The scheduling app's page to book a visit, when that app provides one and ``user``
    (when given) may book: no link that answers 403 (a nurse manages the follow-up but
    does not book)."""
    if user is not None and scope(getattr(user, "role", None), Perm.APPOINTMENT_BOOK) != ALL:
        return None
    candidates = [("scheduling_book", [patient_id])] if patient_id else []
    candidates.append(("scheduling_calendar", []))
    for name, args in candidates:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return None


@requires(Perm.FOLLOWUP_MANAGE)
def followup_dashboard(request: AuthenticatedHttpRequest):
    if scope(request.user.role, Perm.FOLLOWUP_MANAGE) != ALL:
        raise PermissionDenied
    today = timezone.localdate()
    horizon = today + timedelta(days=7)
    due = list(
        FollowUpItem.objects.filter(
            status__in=[ItemStatus.PLANNED, ItemStatus.SENT], due_date__lte=horizon
        )
        .select_related("patient")
        .order_by("due_date")[:200]
    )
    due = list(due)

    for item in due:
        # An attribute for the template only, not a model field.
        url = booking_url(item.patient_id, user=request.user)
        item.book_url = url if item.kind == ItemKind.VISIT else None  # type: ignore[attr-defined]

    audit_read(
        request, object_type="followup.followupitem", detail={"worklist": True}, action="search"
    )
    return render(
        request,
        "followup/dashboard.html",
        {
            "calls": [i for i in due if i.kind == ItemKind.CALL],
            "visits": [i for i in due if i.kind == ItemKind.VISIT],
            "questionnaires": [i for i in due if i.kind == ItemKind.QUESTIONNAIRE],
            "today": today,
            "flags": motor_deficit_flags(unacknowledged=True),
        },
    )


@require_POST
@requires(Perm.FOLLOWUP_MANAGE)
def followup_send_due(request: AuthenticatedHttpRequest):
    if scope(request.user.role, Perm.FOLLOWUP_MANAGE) != ALL:
        raise PermissionDenied
    sent = services.followup_send_due()
    messages.success(request, _("%(count)d questionnaire(s) sent.") % {"count": sent})
    return redirect("followup_dashboard")


def _patient_context(request: AuthenticatedHttpRequest, patient, add_form=None):
    items = list(selectors.items_for_patient(patient=patient))
    can_manage = can_access_patient(request.user, Perm.FOLLOWUP_MANAGE, patient)
    return {
        "patient": patient,
        "items": items,
        "tracking": services.relief_tracking(patient=patient),
        "can_manage": can_manage,
        "can_fill": can_access_patient(request.user, Perm.QUESTIONNAIRE_FILL, patient),
        "can_record_event": can_access_patient(request.user, Perm.ADVERSE_EVENT_RECORD, patient),
        "add_form": add_form or (ItemAddForm() if can_manage else None),
        "booking_url": booking_url(patient.pk, user=request.user),
        "today": timezone.localdate(),
        "responses": list(patient.questionnaire_responses.order_by("-answered_on", "-id")),
        "lang": qn.lang(),
    }


@requires(Perm.FOLLOWUP_VIEW)
def followup_patient(request: AuthenticatedHttpRequest, patient_id: int):
    patient = patient_get(user=request.user, patient_id=patient_id, perm=Perm.FOLLOWUP_VIEW)
    audit_read(request, obj=patient, patient_id=patient.pk, detail={"page": "followup"})
    return render(request, "followup/patient.html", _patient_context(request, patient))


@require_POST
@requires(Perm.FOLLOWUP_MANAGE)
def followup_item_add(request: AuthenticatedHttpRequest, patient_id: int):
    patient = patient_get(user=request.user, patient_id=patient_id, perm=Perm.FOLLOWUP_MANAGE)
    form = ItemAddForm(request.POST)
    if form.is_valid():
        try:
            services.followup_item_add(
                patient=patient, user=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Follow-up item added."))
            return redirect("followup_patient", patient_id=patient.pk)
    return render(
        request,
        "followup/patient.html",
        _patient_context(request, patient, add_form=form),
        status=422,
    )


@require_POST
@requires(Perm.FOLLOWUP_MANAGE)
def followup_item_update(request: AuthenticatedHttpRequest, item_id: int):
    item = selectors.item_get(user=request.user, item_id=item_id)
    if request.POST.get("action") == "send":
        if services.followup_item_send(item=item, user=request.user, request=request):
            messages.success(request, _("Questionnaire sent by e-mail."))
        else:
            messages.error(
                request,
                _(
                    "Not sent: the item is not a planned questionnaire or "
                    "the patient has no e-mail address."
                ),
            )
        return redirect("followup_patient", patient_id=item.patient_id)
    form = ItemUpdateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        services.followup_item_update(
            item=item,
            user=request.user,
            due_date=data.get("due_date"),
            status=data.get("status") or None,
            note=data.get("note") if "note" in request.POST else None,
            request=request,
        )
        messages.success(request, _("Follow-up item updated."))
    else:
        for field, errors in form.errors.items():
            messages.error(request, f"{field}: {' '.join(map(str, errors))}")
    return redirect("followup_patient", patient_id=item.patient_id)


@requires(Perm.FOLLOWUP_VIEW)
def followup_timeline(request: AuthenticatedHttpRequest, patient_id: int):
    patient = patient_get(user=request.user, patient_id=patient_id, perm=Perm.FOLLOWUP_VIEW)
    audit_read(request, obj=patient, patient_id=patient.pk, detail={"page": "timeline"})
    chart = build_chart(patient=patient, language=qn.lang())
    return render(
        request,
        "followup/timeline.html",
        {
            "patient": patient,
            "chart": chart,
            "tracking": services.relief_tracking(patient=patient),
            "lang": qn.lang(),
        },
    )


# ----------------------------------------------------------------------------- questionnaires


@requires(Perm.QUESTIONNAIRE_FILL)
def questionnaire_for_item(request: AuthenticatedHttpRequest, item_id: int):
    """A follow-up item's questionnaire: its draft when there is one; otherwise the empty
    form, and the draft is created by the first answer posted (opening writes nothing)."""
    item = selectors.item_get(user=request.user, item_id=item_id, perm=Perm.QUESTIONNAIRE_FILL)
    if item.kind == ItemKind.VISIT or item.status == ItemStatus.CANCELLED:
        messages.error(request, _("This follow-up item has no questionnaire to fill."))
        return redirect("followup_patient", patient_id=item.patient_id)
    existing = item.responses.order_by("-id").first()
    if request.method == "POST":
        response = existing or services.questionnaire_start(
            patient=item.patient, user=request.user, item=item, request=request
        )
        return _questionnaire_page(request, response, post_url=request.path)
    if existing is not None:
        return redirect("questionnaire_fill", response_id=existing.pk)
    audit_read(request, obj=item, patient_id=item.patient_id, detail={"questionnaire": "opened"})
    response = services.questionnaire_unsaved(patient=item.patient, user=request.user, item=item)
    return _questionnaire_page(request, response, post_url=request.path)


@require_POST
@requires(Perm.FOLLOWUP_MANAGE)
def questionnaire_new(request: AuthenticatedHttpRequest, patient_id: int):
    """Staff: a questionnaire outside the schedule (at a visit or a call)."""
    patient = patient_get(user=request.user, patient_id=patient_id, perm=Perm.FOLLOWUP_MANAGE)
    if not can_access_patient(request.user, Perm.QUESTIONNAIRE_FILL, patient):
        raise PermissionDenied
    response = services.questionnaire_start(patient=patient, user=request.user, request=request)
    return redirect("questionnaire_fill", response_id=response.pk)


@require_POST
@requires(Perm.FOLLOWUP_MANAGE)
def questionnaire_route(request: AuthenticatedHttpRequest, response_id: int):
    """Staff: the route of an analgesic recorded before routes were asked (then its MME)."""
    response = selectors.response_get(user=request.user, response_id=response_id)
    if not can_access_patient(request.user, Perm.FOLLOWUP_MANAGE, response.patient):
        raise PermissionDenied
    try:
        services.analgesic_route_set(
            response=response,
            index=request.POST.get("index"),
            route=request.POST.get("route", ""),
            user=request.user,
            request=request,
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            for error in errors:
                messages.error(request, f"{ROUTE_FIELD_LABELS.get(field, field)}: {error}")
    else:
        messages.success(request, _("Route recorded: the MME is computed."))
    return redirect("questionnaire_fill", response_id=response.pk)


ROUTE_FIELD_LABELS = {"index": _lazy("Analgesic"), "route": _lazy("Route")}


@requires(Perm.QUESTIONNAIRE_FILL)
def questionnaire_fill(request: AuthenticatedHttpRequest, response_id: int):
    response = selectors.response_get(user=request.user, response_id=response_id)
    if request.method != "POST":
        audit_read(request, obj=response, patient_id=response.patient_id)
    return _questionnaire_page(request, response)


def _questionnaire_page(request: AuthenticatedHttpRequest, response, post_url: str | None = None):
    """Show or save a questionnaire (``response`` may be unsaved until the first answer)."""
    initial = qn.initial_from(response.answers)
    form = qn.QuestionnaireForm(
        request.POST or None, instruments=response.instruments, initial=initial
    )
    problems: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        if not response.is_draft:
            messages.info(request, _("This questionnaire is already completed."))
            return redirect("questionnaire_fill", response_id=response.pk)
        complete = request.POST.get("action") == "complete"
        if form.is_valid():
            response, problems = services.questionnaire_save(
                response=response,
                user=request.user,
                answers=form.answers(),
                complete=complete,
                request=request,
            )
            if request.htmx and not complete:
                return render(request, "followup/questionnaire.html#saved", {"response": response})
            if not response.is_draft:
                messages.success(request, _("Thank you: your answers are recorded."))
                return redirect("questionnaire_fill", response_id=response.pk)
            if problems:
                status = 422
                messages.warning(
                    request,
                    _(
                        "Your answers are saved as a draft. Some "
                        "questions still need an answer to complete it."
                    ),
                )
            else:
                messages.success(request, _("Draft saved."))
                return redirect("questionnaire_fill", response_id=response.pk)
        else:
            # Keep every valid answer even when another one is not valid: nothing is lost.
            response, _ignored = services.questionnaire_save(
                response=response, user=request.user, answers=form.answers(), request=request
            )
            status = 422
            if request.htmx:
                return render(
                    request,
                    "followup/questionnaire.html#saved",
                    {"response": response, "invalid": True},
                    status=422,
                )
    return render(
        request,
        "followup/questionnaire.html",
        {
            "post_url": post_url or reverse("questionnaire_fill", args=[response.pk]),
            "response": response,
            "patient": response.patient,
            "form": form,
            "groups": [
                (
                    code,
                    label,
                    [form[n] for n in names],
                    (
                        PROBLEM_TEXTS.get(code, _("Please answer this part."))
                        if code in problems
                        else None
                    ),
                )
                for code, label, names in form.groups
            ],
            "problems": problems,
            "lang": qn.lang(),
            "route_choices": [
                (c, lbl) for c, lbl in qn.route_choices() if c not in ("", "unknown")
            ],
        },
        status=status,
    )
