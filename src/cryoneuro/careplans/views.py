"""The care plan page: goals, interventions and reviews, edited in place."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cryoneuro.accounts.access import can_access_patient, ensure_patient_access, requires
from cryoneuro.accounts.roles import Perm
from cryoneuro.core.audit import audit_read
from cryoneuro.patients.selectors import patient_get

from . import services
from .forms import GoalForm, InterventionForm, PlanForm, ReviewForm
from .models import DEFAULT_TITLE, Goal, GoalStatus, Intervention, InterventionStatus
from .selectors import careplan_for

if TYPE_CHECKING:
    from cryoneuro.accounts.http import AuthenticatedHttpRequest

FORMS = {"plan": PlanForm, "goal": GoalForm, "intervention": InterventionForm, "review": ReviewForm}


def _forms(patient, plan, bound=None):
    items = list(patient.followup_items.order_by("due_date"))
    out = {
        "plan": PlanForm(
            prefix="plan",
            initial={"title": plan.display_title, "status": plan.status}
            if plan
            else {"title": DEFAULT_TITLE, "status": "active"},
        ),
        "goal": GoalForm(prefix="goal"),
        "intervention": InterventionForm(prefix="intervention"),
        "review": ReviewForm(
            prefix="review", items=items, initial={"reviewed_on": timezone.localdate()}
        ),
    }
    out.update(bound or {})
    return out


@requires(Perm.CAREPLAN_VIEW)
def careplan_detail(request: AuthenticatedHttpRequest, patient_id: int):
    patient = patient_get(user=request.user, patient_id=patient_id, perm=Perm.CAREPLAN_VIEW)
    plan = careplan_for(patient=patient)
    can_edit = can_access_patient(request.user, Perm.CAREPLAN_EDIT, patient)
    bound = {}
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        action = request.POST.get("action", "")
        if action not in FORMS:
            raise Http404
        kwargs: dict[str, Any] = {"prefix": action}
        if action == "review":
            kwargs["items"] = list(patient.followup_items.all())
        form = FORMS[action](request.POST, **kwargs)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                if plan is None or action == "plan":
                    plan = services.careplan_get_or_create(
                        patient=patient,
                        user=request.user,
                        title=data.get("title", "") if action == "plan" else "",
                        request=request,
                    )
                if action == "plan":
                    services.careplan_update(plan=plan, user=request.user, request=request, **data)
                elif action == "goal":
                    services.careplan_goal_add(
                        plan=plan, user=request.user, request=request, **data
                    )
                elif action == "intervention":
                    services.careplan_intervention_save(
                        plan=plan, user=request.user, request=request, **data
                    )
                elif action == "review":
                    item_id = data.pop("followup_item")
                    item = patient.followup_items.filter(pk=item_id).first() if item_id else None
                    services.careplan_review(
                        plan=plan, user=request.user, request=request, followup_item=item, **data
                    )
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
            else:
                messages.success(request, _("Care plan updated."))
                return redirect("careplan_detail", patient_id=patient.pk)
        bound[action] = form
        status = 422
    else:
        audit_read(request, obj=plan or patient, patient_id=patient.pk, detail={"page": "careplan"})
    return render(
        request,
        "careplans/detail.html",
        {
            "patient": patient,
            "plan": plan,
            "can_edit": can_edit,
            "forms": _forms(patient, plan, bound) if can_edit else {},
            "goal_statuses": GoalStatus.choices,
            "intervention_statuses": InterventionStatus.choices,
        },
        status=status,
    )


@require_POST
@requires(Perm.CAREPLAN_EDIT)
def careplan_goal_status(request: AuthenticatedHttpRequest, goal_id: int):
    goal = Goal.objects.select_related("plan__patient").filter(pk=goal_id).first()
    if goal is None:
        raise Http404
    ensure_patient_access(request.user, Perm.CAREPLAN_EDIT, goal.plan.patient)
    status = request.POST.get("status", "")
    if status not in GoalStatus.values:
        messages.error(request, _("Unknown status."))
    else:
        services.careplan_goal_set_status(
            goal=goal, user=request.user, status=status, request=request
        )
    return redirect("careplan_detail", patient_id=goal.plan.patient_id)


@require_POST
@requires(Perm.CAREPLAN_EDIT)
def careplan_intervention_status(request: AuthenticatedHttpRequest, intervention_id: int):
    intervention = (
        Intervention.objects.select_related("plan__patient").filter(pk=intervention_id).first()
    )
    if intervention is None:
        raise Http404
    ensure_patient_access(request.user, Perm.CAREPLAN_EDIT, intervention.plan.patient)
    status = request.POST.get("status", "")
    if status not in InterventionStatus.values:
        messages.error(request, _("Unknown status."))
        return redirect("careplan_detail", patient_id=intervention.plan.patient_id)
    fields: dict[str, Any] = {"status": status}
    today = timezone.localdate()
    if status == InterventionStatus.ACTIVE and intervention.start_date is None:
        fields["start_date"] = today
    if status in (InterventionStatus.COMPLETED, InterventionStatus.STOPPED) and (
        intervention.end_date is None
    ):
        fields["end_date"] = max(today, intervention.start_date or today)
    services.careplan_intervention_save(
        plan=intervention.plan,
        user=request.user,
        intervention=intervention,
        request=request,
        **fields,
    )
    return redirect("careplan_detail", patient_id=intervention.plan.patient_id)
