"""Writes of care plans; every write audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from cryoneuro.audit.services import audit_record
from cryoneuro.patients.models import Patient

from .models import CarePlan, Goal, Intervention, Review, stored_title


@transaction.atomic
def careplan_get_or_create(
    *, patient: Patient, user: Any, title: str = "", request=None
) -> CarePlan:
    plan = CarePlan.objects.filter(patient=patient).first()
    if plan is not None:
        return plan
    plan = CarePlan(patient=patient, title=stored_title(title), created_by=user)
    plan.full_clean()
    plan.save()
    audit_record(actor=user, action="create", request=request, obj=plan, patient_id=patient.pk)
    return plan


@transaction.atomic
def careplan_update(
    *, plan: CarePlan, user: Any, title: str, status: str, request=None
) -> CarePlan:
    plan.title, plan.status = stored_title(title), status
    plan.full_clean()
    plan.save()
    audit_record(
        actor=user,
        action="update",
        request=request,
        obj=plan,
        patient_id=plan.patient_id,
        detail={"status": status},
    )
    return plan


@transaction.atomic
def careplan_goal_add(
    *,
    plan: CarePlan,
    user: Any,
    description: str,
    target_date: dt.date | None = None,
    status: str = "in_progress",
    request=None,
) -> Goal:
    goal = Goal(plan=plan, description=description.strip(), target_date=target_date, status=status)
    goal.full_clean()
    goal.save()
    audit_record(actor=user, action="create", request=request, obj=goal, patient_id=plan.patient_id)
    return goal


@transaction.atomic
def careplan_goal_set_status(*, goal: Goal, user: Any, status: str, request=None) -> Goal:
    goal.status = status
    goal.full_clean()
    goal.save(update_fields=["status"])
    audit_record(
        actor=user,
        action="update",
        request=request,
        obj=goal,
        patient_id=goal.plan.patient_id,
        detail={"status": status},
    )
    return goal


@transaction.atomic
def careplan_intervention_save(
    *,
    plan: CarePlan,
    user: Any,
    intervention: Intervention | None = None,
    request=None,
    **fields: Any,
) -> Intervention:
    if intervention is not None and intervention.plan_id != plan.pk:
        raise ValidationError({"__all__": ["This intervention belongs to another plan."]})
    created = intervention is None
    intervention = intervention or Intervention(plan=plan)
    for name, value in fields.items():
        setattr(intervention, name, value.strip() if isinstance(value, str) else value)
    if (
        intervention.start_date
        and intervention.end_date
        and (intervention.end_date < intervention.start_date)
    ):
        raise ValidationError({"end_date": ["The end cannot precede the start."]})
    intervention.full_clean()
    intervention.save()
    audit_record(
        actor=user,
        action="create" if created else "update",
        request=request,
        obj=intervention,
        patient_id=plan.patient_id,
        detail={"kind": intervention.kind, "status": intervention.status},
    )
    return intervention


@transaction.atomic
def careplan_review(
    *, plan: CarePlan, user: Any, reviewed_on: dt.date, note: str, followup_item=None, request=None
) -> Review:
    if followup_item is not None and followup_item.patient_id != plan.patient_id:
        raise ValidationError({"followup_item": ["This follow-up is another patient's."]})
    review = Review(
        plan=plan,
        reviewed_on=reviewed_on,
        reviewed_by=user,
        note=note.strip(),
        followup_item=followup_item,
    )
    review.full_clean()
    review.save()
    audit_record(
        actor=user, action="create", request=request, obj=review, patient_id=plan.patient_id
    )
    return review
