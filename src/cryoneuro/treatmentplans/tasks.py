"""Plan computation as a background task (docs/operations/tasks.md): the plan form asks
for it (:func:`plan_computation_start`) and polls its page; the task worker runs
:data:`plan_compute`, whose body is services.plan_computation_run."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import translation
from django_tasks import task
from django_tasks_db import DatabaseBackend

from cryoneuro.audit.services import client_address
from cryoneuro.evaluation.models import Evaluation
from cryoneuro.patients.models import Patient
from cryoneuro.planning import PlanInputs
from cryoneuro.planning.placement import Placement

from .models import PlacementImage, PlanComputation
from .services import plan_computation_run


@task()
def plan_compute(computation_id: str) -> int | None:
    """Compute and store the plan of one PlanComputation; its id, or None when the planner
    refused the inputs (the computation then holds the message)."""
    return plan_computation_run(computation_id)


def plan_computation_start(
    *,
    patient: Patient,
    created_by: Any,
    inputs: PlanInputs,
    evaluation: Evaluation | None = None,
    image: PlacementImage | None = None,
    placement: Placement | None = None,
    marks: dict | None = None,
    procedure_date: date | None = None,
    form_data: dict[str, list[str]] | None = None,
    request=None,
) -> PlanComputation:
    """Ask the task worker for a plan (the plan form's path): a PlanComputation row and
    its task. With the database task backend both are written in one transaction (neither
    exists without the other); with the immediate backend (tests) the task has already run
    when this returns, so the computation comes back finished."""
    if evaluation is not None and evaluation.patient_id != patient.pk:
        raise ValueError("the evaluation belongs to another patient")
    if image is not None and image.patient_id != patient.pk:
        raise ValueError("the image belongs to another patient")
    what = {
        "inputs": inputs.to_dict(),
        "evaluation_id": evaluation.pk if evaluation is not None else None,
        "image_id": image.pk if image is not None else None,
        "placement": placement.to_dict() if placement is not None else None,
        "marks": marks,
        "procedure_date": procedure_date.isoformat() if procedure_date else None,
        "language": translation.get_language() or "fr",
    }
    in_database = isinstance(plan_compute.get_backend(), DatabaseBackend)
    with transaction.atomic():
        computation = PlanComputation.objects.create(
            patient=patient,
            created_by=created_by,
            request=what,
            form_data=form_data or {},
            ip_address=client_address(request),
        )
        if in_database:
            result = plan_compute.enqueue(str(computation.pk))
            PlanComputation.objects.filter(pk=computation.pk).update(task_id=result.id)
    if not in_database:
        # Immediate (runs here) or a queue outside the database: after the commit, so the
        # worker finds the row.
        result = plan_compute.enqueue(str(computation.pk))
        PlanComputation.objects.filter(pk=computation.pk).update(task_id=result.id)
    computation.refresh_from_db()
    return computation
