from __future__ import annotations

from cryoneuro.patients.models import Patient

from .models import CarePlan


def careplan_for(*, patient: Patient) -> CarePlan | None:
    return (
        CarePlan.objects.filter(patient=patient)
        .prefetch_related("goals", "interventions", "reviews__reviewed_by")
        .first()
    )


def careplan_export(*, patient: Patient) -> dict | None:
    plan = careplan_for(patient=patient)
    if plan is None:
        return None
    return {
        "title": plan.display_title,
        "status": plan.status,
        "goals": [
            {
                "description": g.description,
                "status": g.status,
                "target_date": g.target_date.isoformat() if g.target_date else None,
            }
            for g in plan.goals.all()
        ],
        "interventions": [
            {
                "kind": i.kind,
                "description": i.description,
                "provider": i.provider,
                "provider_name": i.provider_name,
                "status": i.status,
                "start_date": i.start_date.isoformat() if i.start_date else None,
                "end_date": i.end_date.isoformat() if i.end_date else None,
            }
            for i in plan.interventions.all()
        ],
        "reviews": [
            {"reviewed_on": r.reviewed_on.isoformat(), "note": r.note} for r in plan.reviews.all()
        ],
    }
