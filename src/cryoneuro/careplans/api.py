"""API endpoints of the careplans app (mounted by cryoneuro.api.router)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Status

from cryoneuro.accounts.access import ensure_patient_access
from cryoneuro.accounts.roles import Perm
from cryoneuro.core.api import InputSchema, form_input, one_of, perm_auth, raise_422
from cryoneuro.core.audit import audit_read
from cryoneuro.patients.selectors import patient_get

from . import services
from .forms import GoalForm, InterventionForm, ReviewForm
from .models import GoalStatus, Intervention, InterventionKind, InterventionStatus, Provider
from .selectors import careplan_export, careplan_for

router = Router(tags=["care plans"])

if TYPE_CHECKING:
    GoalStatusCode = str
    KindCode = str
    ProviderCode = str
    StatusCode = str
else:  # enumerated in the OpenAPI schema; any other value is a 422
    GoalStatusCode = one_of(GoalStatus)
    KindCode = one_of(InterventionKind)
    ProviderCode = one_of(Provider)
    StatusCode = one_of(InterventionStatus)


class GoalIn(InputSchema):
    description: str
    target_date: dt.date | None = None
    status: GoalStatusCode = "in_progress"


class InterventionIn(InputSchema):
    kind: KindCode
    provider: ProviderCode
    status: StatusCode = "planned"
    description: str = ""
    provider_name: str = ""
    start_date: dt.date | None = None
    end_date: dt.date | None = None


class InterventionPatch(InputSchema):
    status: StatusCode | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None


class ReviewIn(InputSchema):
    reviewed_on: dt.date
    note: str
    followup_item_id: int | None = None


def _plan(request, patient_id: int, perm: Perm):
    patient = patient_get(user=request.user, patient_id=patient_id, perm=perm)
    return patient, services.careplan_get_or_create(
        patient=patient, user=request.user, request=request
    )


def _valid(form_cls, data: dict[str, Any], **kwargs) -> dict[str, Any]:
    form = form_cls(form_input(data), **kwargs)
    if not form.is_valid():
        raise_422(form.errors)
    return dict(form.cleaned_data)


@router.get("/patients/{patient_id}/care-plan", auth=perm_auth(Perm.CAREPLAN_VIEW))
def careplan_get(request, patient_id: int):
    patient = patient_get(user=request.user, patient_id=patient_id, perm=Perm.CAREPLAN_VIEW)
    plan = careplan_for(patient=patient)
    audit_read(
        request, object_type="careplans.careplan", patient_id=patient.pk, detail={"via": "api"}
    )
    return {"care_plan": careplan_export(patient=patient), "id": plan.pk if plan else None}


@router.post(
    "/patients/{patient_id}/care-plan/goals",
    response={201: dict},
    auth=perm_auth(Perm.CAREPLAN_EDIT),
)
def careplan_goal_create(request, patient_id: int, payload: GoalIn):
    _patient, plan = _plan(request, patient_id, Perm.CAREPLAN_EDIT)
    data = _valid(GoalForm, payload.dict())
    goal = services.careplan_goal_add(plan=plan, user=request.user, request=request, **data)
    return Status(201, {"id": goal.pk, "description": goal.description, "status": goal.status})


@router.post(
    "/patients/{patient_id}/care-plan/interventions",
    response={201: dict},
    auth=perm_auth(Perm.CAREPLAN_EDIT),
)
def careplan_intervention_create(request, patient_id: int, payload: InterventionIn):
    _patient, plan = _plan(request, patient_id, Perm.CAREPLAN_EDIT)
    data = _valid(InterventionForm, payload.dict())
    try:
        item = services.careplan_intervention_save(
            plan=plan, user=request.user, request=request, **data
        )
    except ValidationError as error:
        raise_422(error)
    return Status(201, {"id": item.pk, "kind": item.kind, "status": item.status})


@router.post("/care-plan/interventions/{intervention_id}", auth=perm_auth(Perm.CAREPLAN_EDIT))
def careplan_intervention_update(request, intervention_id: int, payload: InterventionPatch):
    item = Intervention.objects.select_related("plan__patient").filter(pk=intervention_id).first()
    if item is None:
        raise Http404
    ensure_patient_access(request.user, Perm.CAREPLAN_EDIT, item.plan.patient)
    fields = payload.dict(exclude_unset=True)
    if "status" in fields and fields["status"] not in InterventionStatus.values:
        raise_422({"status": [_("Unknown status.")]})
    try:
        item = services.careplan_intervention_save(
            plan=item.plan, user=request.user, intervention=item, request=request, **fields
        )
    except ValidationError as error:
        raise_422(error)
    return {
        "id": item.pk,
        "kind": item.kind,
        "status": item.status,
        "start_date": item.start_date,
        "end_date": item.end_date,
    }


@router.post(
    "/patients/{patient_id}/care-plan/reviews",
    response={201: dict},
    auth=perm_auth(Perm.CAREPLAN_EDIT),
)
def careplan_review_create(request, patient_id: int, payload: ReviewIn):
    patient, plan = _plan(request, patient_id, Perm.CAREPLAN_EDIT)
    items = list(patient.followup_items.all())
    data = payload.dict()
    data["followup_item"] = data.pop("followup_item_id") or ""
    cleaned = _valid(ReviewForm, data, items=items)
    item_id = cleaned.pop("followup_item")
    item = next((i for i in items if i.pk == item_id), None)
    review = services.careplan_review(
        plan=plan, user=request.user, request=request, followup_item=item, **cleaned
    )
    return Status(201, {"id": review.pk, "reviewed_on": review.reviewed_on})
