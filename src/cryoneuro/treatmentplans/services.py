"""Writes of treatment plans and placement images (audited in the same transaction)."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cryoneuro.audit.services import audit_record
from cryoneuro.evaluation.models import Evaluation
from cryoneuro.patients.models import Patient
from cryoneuro.planning import PlanComputationError, PlanInputs, make_plan, software_version
from cryoneuro.planning.placement import Placement, overlay
from cryoneuro.planning.planner import Plan

from .images import read_image
from .models import ComputationStatus, PlacementImage, PlanComputation, PlanStatus, TreatmentPlan
from .presenters import protocol_words

PLOT_LANGUAGES = ("fr", "en")
logger = logging.getLogger(__name__)


def plot_plan(plan: Plan, lang: str) -> bytes:
    """The isotherm plot of a computed plan in ``lang`` (labels, protocol in words,
    decimal commas in French)."""
    # Lazy on purpose (no import cycle): matplotlib loads on the first plot only.
    from cryoneuro.planning.plot import plot_png

    with translation.override(lang):
        words = protocol_words(plan.protocol.to_dict()) if plan.protocol is not None else ""
    return plot_png(plan, lang=lang, protocol_text=words)


def compute_plan(
    *,
    inputs: PlanInputs,
    procedure_date: date | None = None,
    placement: Placement | None = None,
    with_plot: bool = True,
) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Run the pure planner: the JSON result (with the overlay when placed on an image)
    and the isotherm plot (PNG) in each language of the clinic ({lang: png})."""
    plan = make_plan(inputs)
    result = plan.to_dict(procedure_date)
    if placement is not None:
        result["placement"] = placement.to_dict()
        result["overlay"] = overlay(result, placement)
    plots = {lang: plot_plan(plan, lang) for lang in PLOT_LANGUAGES} if with_plot else {}
    return result, plots


def plan_plot_missing(*, plan: TreatmentPlan, lang: str) -> bytes | None:
    """Make and store the plot of a stored plan in a language it lacks (plans made before
    plots followed the page's language). Only when this software version made the plan:
    another version could draw a field that disagrees with the stored decision."""
    if lang not in PLOT_LANGUAGES or plan.software_version != software_version():
        return None
    try:
        computed = make_plan(PlanInputs.from_dict(plan.inputs))
    except (ValueError, PlanComputationError):
        return None
    png = plot_plan(computed, lang)
    field = "plot_png_fr" if lang == "fr" else "plot_png"
    TreatmentPlan.objects.filter(pk=plan.pk).update(**{field: png})
    setattr(plan, field, png)
    return png


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
    ip_address: str | None = None,
    computation: PlanComputation | None = None,
) -> TreatmentPlan:
    """Compute and store a plan, audited. ``computation``: the background computation it
    comes from (the audit entry names it, with the address of the request that asked)."""
    if evaluation is not None and evaluation.patient_id != patient.pk:
        raise ValueError("the evaluation belongs to another patient")
    if image is not None and image.patient_id != patient.pk:
        raise ValueError("the image belongs to another patient")
    result, plots = compute_plan(inputs=inputs, procedure_date=procedure_date, placement=placement)
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
        plot_png=plots.get("en"),
        plot_png_fr=plots.get("fr"),
    )
    detail = {"nerve": plan.nerve_code, "status": plan.status, "protocol": plan.protocol_compact}
    if computation is not None:
        detail["computation"] = str(computation.pk)
    audit_record(
        actor=created_by,
        action="create",
        request=request,
        obj=plan,
        patient_id=patient.pk,
        detail=detail,
        ip_address=ip_address,
    )
    return plan


# --------------------------------------------------------------- background computations


def _finish(computation: PlanComputation, **fields: Any) -> None:
    fields["finished_at"] = timezone.now()
    PlanComputation.objects.filter(pk=computation.pk).update(**fields)


def plan_computation_run(computation_id: str) -> int | None:
    """Run one computation (the task's body): the plan's id, or None when the inputs are
    refused by the planner (the message is stored for the page). Runs once: a second
    delivery of the same task finds it claimed and returns."""
    with transaction.atomic():
        computation = (
            PlanComputation.objects.select_for_update()
            .select_related("patient", "created_by")
            .get(pk=computation_id)
        )
        if computation.status != ComputationStatus.QUEUED:
            return computation.plan_id
        computation.status = ComputationStatus.RUNNING
        computation.started_at = timezone.now()
        computation.save(update_fields=["status", "started_at"])
    what = computation.request
    with translation.override(what.get("language") or "fr"):
        try:
            plan = plan_create(
                patient=computation.patient,
                created_by=computation.created_by,
                inputs=PlanInputs.from_dict(what["inputs"]),
                evaluation=(
                    Evaluation.objects.get(pk=what["evaluation_id"])
                    if what.get("evaluation_id")
                    else None
                ),
                image=(
                    PlacementImage.objects.get(pk=what["image_id"])
                    if what.get("image_id")
                    else None
                ),
                placement=Placement.from_dict(what["placement"]) if what.get("placement") else None,
                marks=what.get("marks"),
                procedure_date=(
                    date.fromisoformat(what["procedure_date"])
                    if what.get("procedure_date")
                    else None
                ),
                ip_address=computation.ip_address,
                computation=computation,
            )
        except (ValueError, PlanComputationError) as exc:  # what to change, for the form
            _finish(computation, status=ComputationStatus.FAILED, error=str(exc))
            return None
        except BaseException as exc:
            # A bug or a lost database: the page says so plainly, the log and the task's
            # result keep the traceback (no patient data in either message).
            logger.exception("plan computation %s failed (%s)", computation.pk, type(exc).__name__)
            _finish(
                computation,
                status=ComputationStatus.FAILED,
                error=_("The computation failed on the server; nothing was saved. Try again."),
            )
            raise
    _finish(computation, status=ComputationStatus.DONE, plan=plan)
    return plan.pk


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


@transaction.atomic
def plan_archive(
    *, plan: TreatmentPlan, by: Any, archived: bool = True, request=None
) -> TreatmentPlan:
    """Archive a plan (it leaves the lists and is never offered at admission) or bring it
    back. Only an infeasible plan may be archived: a feasible one is a decision that
    stays in view (a procedure may stand on it)."""
    if archived and plan.feasible:
        raise ValueError("only a plan without a protocol within the limits can be archived")
    if archived == plan.archived:
        return plan
    plan.archived_at = timezone.now() if archived else None
    plan.archived_by = by if archived else None
    plan.save(update_fields=["archived_at", "archived_by"])
    audit_record(
        actor=by,
        action="update",
        request=request,
        obj=plan,
        patient_id=plan.patient_id,
        detail={"archived": archived},
    )
    return plan
