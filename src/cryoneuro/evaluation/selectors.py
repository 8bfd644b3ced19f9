from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from cryoneuro.accounts.access import ensure_patient_access
from cryoneuro.accounts.roles import ALL, Perm, scope
from cryoneuro.patients.models import Patient

from .models import Evaluation


def evaluations_for_patient(*, patient: Patient) -> QuerySet[Evaluation]:
    return patient.evaluations.select_related("created_by", "reviewed_by").all()


def evaluation_get(*, user: Any, evaluation_id: int) -> Evaluation:
    try:
        evaluation = Evaluation.objects.select_related("patient", "created_by").get(
            pk=evaluation_id
        )
    except Evaluation.DoesNotExist:
        raise Http404 from None
    ensure_patient_access(user, Perm.EVALUATION_VIEW, evaluation.patient)
    return evaluation


def evaluations_awaiting_review(*, user: Any) -> QuerySet[Evaluation]:
    """The physician's worklist: evaluations that need specialist review and have none yet.

    Only the patient's latest evaluation counts (a later one supersedes it); empty for a
    role that cannot review."""
    if scope(getattr(user, "role", None), Perm.EVALUATION_REVIEW) != ALL:
        return Evaluation.objects.none()
    later = Evaluation.objects.filter(
        patient=OuterRef("patient"), created_at__gt=OuterRef("created_at")
    )
    return (
        Evaluation.objects.filter(outcome="needs_review", reviewed_at__isnull=True)
        .exclude(Exists(later))
        .select_related("patient")
        .order_by("created_at", "id")
    )


def evaluation_latest(*, patient: Patient) -> Evaluation | None:
    return patient.evaluations.order_by("-created_at", "-id").first()


def evaluations_export(*, patient: Patient) -> list[dict]:
    return [
        {
            "id": e.pk,
            "created_at": e.created_at.isoformat(),
            "indication": e.indication,
            "pain_location": e.pain_location,
            "side": e.side,
            "pain_duration_months": float(e.pain_duration_months),
            "nrs": e.nrs,
            "dn4": e.dn4,
            "dn4_score": e.dn4_score,
            "conservative_treatments": e.conservative_treatments,
            "anticoagulants": e.anticoagulants,
            "antiplatelets": e.antiplatelets,
            "inr": float(e.inr) if e.inr is not None else None,
            "platelets_g_per_l": e.platelets_g_per_l,
            "target_nerves": e.target_nerves,
            "creatinine_clearance_ml_min": (
                float(e.creatinine_clearance_ml_min)
                if e.creatinine_clearance_ml_min is not None
                else None
            ),
            "aspirin_prevention": e.aspirin_prevention,
            "lmwh_dose": e.lmwh_dose,
            "skin_state": e.skin_state,
            "cold_conditions": e.cold_conditions,
            "pregnancy": e.pregnancy,
            "age_years": e.age_years,
            "consent": e.consent,
            "bleeding_disorder": e.bleeding_disorder,
            "bleeding_disorder_detail": e.bleeding_disorder_detail,
            "aptt_ratio": float(e.aptt_ratio) if e.aptt_ratio is not None else None,
            "allergies": e.allergies,
            "systemic_infection": e.systemic_infection,
            "previous_sessions_same_target": e.previous_sessions_same_target,
            "diagnostic_block_relief_pct": (
                float(e.diagnostic_block_relief_pct)
                if e.diagnostic_block_relief_pct is not None
                else None
            ),
            "discrete_target_nerve": e.discrete_target_nerve,
            "outcome": e.outcome,
            "decision": e.decision,
            "ruleset_version": e.ruleset_version,
        }
        for e in evaluations_for_patient(patient=patient)
    ]
