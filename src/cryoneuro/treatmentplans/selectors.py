"""Reads of treatment plans and placement images. Access is checked here."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cryoneuro.accounts.access import ensure_patient_access
from cryoneuro.accounts.roles import ALL, Perm, scope
from cryoneuro.clinical.regeneration import ReliefWindow, personalised_relief_window
from cryoneuro.core.plugins import observed_relief_days
from cryoneuro.patients.models import Patient
from cryoneuro.patients.selectors import patient_get

from .models import ComputationStatus, PlacementImage, PlanComputation, TreatmentPlan

LATEST = "latest"


def plans_for_patient(*, patient: Patient) -> QuerySet[TreatmentPlan]:
    return patient.treatment_plans.select_related("created_by", "evaluation", "image").all()


def plans_admissible(*, patient: Patient) -> QuerySet[TreatmentPlan]:
    """The plans that admission may offer for the patient: feasible, not archived."""
    return TreatmentPlan.objects.admissible().filter(patient=patient)


def plans_recent(*, user: Any, limit: int = 50) -> QuerySet[TreatmentPlan]:
    """Recent plans of every patient: only for roles with the ALL scope."""
    if scope(getattr(user, "role", None), Perm.PLAN_VIEW) != ALL:
        raise PermissionDenied
    return TreatmentPlan.objects.select_related("patient", "created_by").filter(
        archived_at__isnull=True
    )[:limit]


def plan_get(
    *, user: Any, patient_id: int, plan_ref: str | int, perm: Perm = Perm.PLAN_VIEW
) -> tuple[Patient, TreatmentPlan | None]:
    """The patient (access checked) and the plan: by id, or the latest one (None if the
    patient has none yet) for ``plan_ref="latest"``. A plan of another patient is 404."""
    patient = patient_get(user=user, patient_id=patient_id, perm=perm)
    if str(plan_ref) == LATEST:
        return patient, plans_for_patient(patient=patient).first()
    try:
        pk = int(plan_ref)
    except (TypeError, ValueError):
        raise Http404 from None
    plan = plans_for_patient(patient=patient).filter(pk=pk).first()
    if plan is None:
        raise Http404
    return patient, plan


def plan_by_id(*, user: Any, plan_id: int) -> TreatmentPlan:
    try:
        plan = TreatmentPlan.objects.select_related("patient").get(pk=plan_id)
    except TreatmentPlan.DoesNotExist:
        raise Http404 from None
    ensure_patient_access(user, Perm.PLAN_VIEW, plan.patient)
    return plan


def image_get(
    *, user: Any, patient_id: int, image_ref: str | int, perm: Perm = Perm.PLAN_VIEW
) -> tuple[Patient, PlacementImage | None]:
    patient = patient_get(user=user, patient_id=patient_id, perm=perm)
    images = patient.placement_images.all()
    if str(image_ref) == LATEST:
        return patient, images.first()
    try:
        pk = int(image_ref)
    except (TypeError, ValueError):
        raise Http404 from None
    image = images.filter(pk=pk).first()
    if image is None:
        raise Http404
    return patient, image


def plans_export(*, patient: Patient) -> list[dict]:
    return [
        {
            "id": p.pk,
            "created_at": p.created_at.isoformat(),
            "nerve_code": p.nerve_code,
            "status": p.status,
            "procedure_date": p.procedure_date.isoformat() if p.procedure_date else None,
            "evaluation_id": p.evaluation_id,
            "image_id": p.image_id,
            "software_version": p.software_version,
            "inputs": p.inputs,
            "result": p.result,
        }
        for p in plans_for_patient(patient=patient)
    ]


def plan_relief_window(plan: TreatmentPlan) -> dict[str, Any] | None:
    """The relief window a stored plan shows: none for an infeasible plan (no protocol
    reaches the target, so no relief is promised); else the population window stored with
    the plan, updated with the relief this patient's earlier sessions on the plan's nerve
    gave (``personalised_relief_window``, observed by followup through
    :func:`core.plugins.observed_relief_days`); ``personalised`` says which."""
    result = plan.result if isinstance(plan.result, dict) else {}
    stored: Any = result.get("relief_window")
    if not plan.feasible or not isinstance(stored, dict):
        return None
    observed = observed_relief_days(plan.patient, plan.nerve_code)
    if not observed:
        return {**stored, "personalised": False}
    try:  # stored JSON: a malformed window is shown as stored, never trusted for the update
        population = ReliefWindow(
            (float(stored["onset_days"][0]), float(stored["onset_days"][1])),
            (float(stored["end_days"][0]), float(stored["end_days"][1])),
            float(stored["distance_to_end_organ_mm"]),
            (float(stored["regrowth_mm_per_day"][0]), float(stored["regrowth_mm_per_day"][1])),
            str(stored.get("source", "")),
            calibration=str(stored.get("calibration", "pooled")),
            model_version=str(stored.get("model_version", "")),
        )
        window = personalised_relief_window(population, observed)
    except (TypeError, KeyError, ValueError, IndexError):
        return {**stored, "personalised": False}
    out = window.to_dict(plan.procedure_date)
    out["basis"] = stored.get("basis", "")
    out["personalised"] = True
    return out


def computation_get(*, patient: Patient, computation_id: str) -> PlanComputation:
    """One of the patient's plan computations (access to the patient checked by the
    caller); another patient's, or an id that is none, is 404."""
    try:
        key = uuid.UUID(str(computation_id))
    except ValueError:
        raise Http404 from None
    computation = (
        PlanComputation.objects.select_related("plan", "patient").filter(pk=key, patient=patient)
    ).first()
    if computation is None:
        raise Http404
    return computation


def computation_error(computation: PlanComputation) -> str | None:
    """Why the computation has no plan and will get none, or None while it may still come:
    the planner's refusal, a failure, or no result within
    TREATMENTPLANS_COMPUTATION_TIMEOUT_SECONDS (no worker running, or one that died)."""
    if computation.status == ComputationStatus.FAILED:
        return computation.error or _("The computation failed; nothing was saved. Try again.")
    if computation.status == ComputationStatus.DONE:
        return None
    limit = settings.TREATMENTPLANS_COMPUTATION_TIMEOUT_SECONDS
    if (timezone.now() - computation.created_at).total_seconds() <= limit:
        return None
    minutes = max(1, round(limit / 60))
    if computation.status == ComputationStatus.QUEUED:
        return _(
            "No task worker took the computation within %(minutes)s minutes: nothing was "
            "saved. Ask the administrator to check the worker, then try again."
        ) % {"minutes": minutes}
    return _(
        "The computation did not finish within %(minutes)s minutes: nothing was saved. Try again."
    ) % {"minutes": minutes}
