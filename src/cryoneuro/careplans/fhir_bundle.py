"""The care plan's part of the patient's FHIR R4 bundle (cryoneuro.followup.fhir), plugged
in through cryoneuro.core.plugins ("fhir_bundle")."""

from __future__ import annotations

from typing import Any

from cryoneuro.followup.fhir import _dt, _id, _ref, _text
from cryoneuro.patients.models import Patient

from .models import CarePlan

# Where this part goes in the bundle (followup's own parts: 10, 20, 30, 40, 60).
FHIR_ORDER = 50

CAREPLAN_STATUS = {"active": "active", "on_hold": "on-hold", "completed": "completed"}
ACTIVITY_STATUS = {
    "planned": "not-started",
    "active": "in-progress",
    "completed": "completed",
    "stopped": "stopped",
}
GOAL_STATUS = {
    "in_progress": "active",
    "achieved": "completed",
    "not_achieved": "completed",
    "cancelled": "cancelled",
}


def fhir_resources(patient: Patient, subject: dict) -> list[tuple[str, dict]]:
    """The patient's care plan as FHIR R4 Goal and CarePlan resources."""
    plan = CarePlan.objects.filter(patient=patient).first()
    if plan is None:
        return []
    out = []
    goals = []
    for g in plan.goals.all():
        goal = {
            "resourceType": "Goal",
            "lifecycleStatus": GOAL_STATUS[g.status],
            "description": _text(g.description),
            "subject": subject,
        }
        if g.target_date:
            goal["target"] = [{"dueDate": g.target_date.isoformat()}]
        out.append((_id("goal", g.pk), goal))
        goals.append(_ref("goal", g.pk))
    activities = []
    for i in plan.interventions.all():
        detail: dict[str, Any] = {
            "code": _text(f"{i.get_kind_display()}{': ' + i.description if i.description else ''}"),
            "status": ACTIVITY_STATUS[i.status],
            "performer": [{"display": i.provider_name or i.get_provider_display()}],
        }
        if i.start_date or i.end_date:
            detail["scheduledPeriod"] = {
                **({"start": i.start_date.isoformat()} if i.start_date else {}),
                **({"end": i.end_date.isoformat()} if i.end_date else {}),
            }
        activities.append({"detail": detail})
    resource: dict[str, Any] = {
        "resourceType": "CarePlan",
        "status": CAREPLAN_STATUS[plan.status],
        "intent": "plan",
        "title": plan.display_title,
        "subject": subject,
        "created": _dt(plan.created_at),
    }
    if goals:
        resource["goal"] = goals
    if activities:
        resource["activity"] = activities
    notes = [{"text": f"Review {r.reviewed_on.isoformat()}: {r.note}"} for r in plan.reviews.all()]
    if notes:
        resource["note"] = notes
    out.append((_id("careplan", plan.pk), resource))
    return out
