"""Writes of treatment plans and placement images (audited in the same transaction)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from cryoneuro.audit.services import audit_record
from cryoneuro.evaluation.models import Evaluation
from cryoneuro.patients.models import Patient
from cryoneuro.planning import PlanInputs, make_plan
from cryoneuro.planning.placement import Placement, overlay

from .images import read_image
from .models import PlacementImage, PlanStatus, TreatmentPlan


def compute_plan(
    *,
    inputs: PlanInputs,
    procedure_date: date | None = None,
    placement: Placement | None = None,
    with_plot: bool = True,
) -> tuple[dict[str, Any], bytes]:
    """Run the pure planner: the JSON result (with the overlay when placed on an image)
    and the isotherm plot (PNG)."""
    # Lazy on purpose (no import cycle): matplotlib loads on the first plot only.
    from cryoneuro.planning.plot import plot_png

    plan = make_plan(inputs)
    result = plan.to_dict(procedure_date)
    if placement is not None:
        result["placement"] = placement.to_dict()
        result["overlay"] = overlay(result, placement)
    return result, plot_png(plan) if with_plot else b""


@transaction.atomic
def plan_create(
    *,
    patient: Patient,
    created_by: Any,
    inputs: PlanInputs,
    evaluation: Evaluation | None = None,
    image: PlacementImage | None = None,
    placement: Placement | None = None,
    marks: dict | None = None,
    procedure_date: date | None = None,
    request=None,
) -> TreatmentPlan:
    if evaluation is not None and evaluation.patient_id != patient.pk:
        raise ValueError("the evaluation belongs to another patient")
    if image is not None and image.patient_id != patient.pk:
        raise ValueError("the image belongs to another patient")
    result, png = compute_plan(inputs=inputs, procedure_date=procedure_date, placement=placement)
    stored_inputs = inputs.to_dict()
    if marks is not None:
        stored_inputs["image_marks_px"] = marks
    if procedure_date is not None:
        stored_inputs["procedure_date"] = procedure_date.isoformat()
    plan = TreatmentPlan.objects.create(
        patient=patient,
        evaluation=evaluation,
        created_by=created_by,
        nerve_code=inputs.nerve_code or "custom",
        inputs=stored_inputs,
        result=result,
        software_version=result["software_version"],
        status=PlanStatus.FEASIBLE if result["feasible"] else PlanStatus.INFEASIBLE,
        image=image,
        procedure_date=procedure_date,
        plot_png=png,
    )
    audit_record(
        actor=created_by,
        action="create",
        request=request,
        obj=plan,
        patient_id=patient.pk,
        detail={"nerve": plan.nerve_code, "status": plan.status, "protocol": plan.protocol_compact},
    )
    return plan


@transaction.atomic
def image_upload(
    *, patient: Patient, uploaded_by: Any, data: bytes, filename: str = "", request=None
) -> PlacementImage:
    """Store an uploaded image (raises images.ImageError for a file that is not one)."""
    read = read_image(data, filename)
    image = PlacementImage(
        patient=patient,
        created_by=uploaded_by,
        kind=read.kind,
        width=read.width,
        height=read.height,
        row_spacing_mm=read.row_spacing_mm,
        column_spacing_mm=read.column_spacing_mm,
        modality=read.modality[:16],
    )
    image.original.save("original", ContentFile(data), save=False)
    image.display.save("display.png", ContentFile(read.png), save=False)
    image.save()
    audit_record(
        actor=uploaded_by,
        action="create",
        request=request,
        obj=image,
        patient_id=patient.pk,
        detail={"kind": image.kind, "calibrated": image.calibrated},
    )
    return image


@transaction.atomic
def image_calibrate(
    *, image: PlacementImage, mm_per_pixel: float, calibration: dict, by: Any, request=None
) -> PlacementImage:
    image.row_spacing_mm = image.column_spacing_mm = float(mm_per_pixel)
    image.calibration = calibration
    image.save(update_fields=["row_spacing_mm", "column_spacing_mm", "calibration"])
    audit_record(
        actor=by,
        action="update",
        request=request,
        obj=image,
        patient_id=image.patient_id,
        detail={"calibrated": True, "mm_per_pixel": mm_per_pixel},
    )
    return image
