"""API endpoints of the treatmentplans app (mounted by cryoneuro.api.router).

Lengths in mm, temperatures in degC, like the CLI. Bad values: 422 with a message naming
the value."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

from django.utils.translation import gettext as _
from ninja import File, Router, Schema, Status, UploadedFile
from pydantic import Field

from cryoneuro.accounts.roles import Perm
from cryoneuro.core.api import perm_auth, raise_422
from cryoneuro.core.audit import audit_read
from cryoneuro.core.uploads import refused_upload
from cryoneuro.patients.selectors import patient_get
from cryoneuro.physics import PROBES
from cryoneuro.physics.devices import DEVICES
from cryoneuro.planning import (
    ClinicalLimits,
    PlanComputationError,
    PlanInputError,
    Structure,
    inputs_for_nerve,
)
from cryoneuro.planning.placement import Placement, PlacementError, placement_from_marks

from . import selectors, services
from .images import ImageError, check_upload_size

if TYPE_CHECKING:
    from cryoneuro.planning.inputs import StructureKind

router = Router(tags=["treatmentplans"])


class StructureIn(Schema):
    kind: str = Field(description="motor_nerve, vessel or other")
    x_mm: float
    depth_mm: float
    diameter_mm: float = 1.0
    label: str = ""


class LayerIn(Schema):
    tissue: str
    thickness_mm: float | None = Field(None, description="None: continues below")


class PlanIn(Schema):
    nerve_code: str = Field("", description="catalog code, or empty for a custom nerve")
    nerve_label: str = ""
    nerve_type: str = "sensory"
    depth_mm: float
    diameter_mm: float
    layers: list[LayerIn] = Field(
        default_factory=lambda: [
            LayerIn(tissue="skin", thickness_mm=2.0),
            LayerIn(tissue="fat", thickness_mm=5.0),
            LayerIn(tissue="muscle", thickness_mm=None),
        ]
    )
    probe: str = "16g"
    cryogen: str = "n2o"
    approach_angle_deg: float = 90.0
    gap_mm: float = 0.0
    placement_margin_mm: float = 0.0
    structures: list[StructureIn] = Field(default_factory=list)
    target_c: float = -20.0
    skin_limit_c: float = 0.0
    distance_to_end_organ_mm: float | None = None
    evaluation_id: int | None = None
    image_id: int | None = Field(None, description="a placement image of this patient")
    marks: dict[str, Any] | None = Field(
        None,
        description="marks on the image in pixels: skin, nerve, trajectory (entry, tip), "
        "motor, vessel, calibration {points, mm} (see cryoneuro.planning.placement)",
    )
    procedure_date: date | None = None
    sensitivity: bool = True


class PlanOut(Schema):
    id: int
    patient_id: int
    evaluation_id: int | None
    created_at: datetime
    nerve_code: str
    status: str
    software_version: str
    procedure_date: date | None
    inputs: dict[str, Any]
    result: dict[str, Any]

    @staticmethod
    def resolve_result(obj: Any) -> dict[str, Any]:
        """The stored result, its relief window the patient's own (none if infeasible)."""
        result = dict(obj.result or {}) if isinstance(obj.result, dict) else {}
        result["relief_window"] = selectors.plan_relief_window(obj)
        return result


def _inputs(body: PlanIn, placement: Placement | None = None):
    try:
        layers = tuple(
            (
                layer.tissue,
                (layer.thickness_mm * 1e-3 if layer.thickness_mm is not None else float("inf")),
            )
            for layer in body.layers
        )
        structures = tuple(
            Structure(
                cast("StructureKind", s.kind),  # Structure refuses an unknown kind
                s.x_mm * 1e-3,
                s.depth_mm * 1e-3,
                s.diameter_mm * 1e-3,
                s.label,
            )
            for s in body.structures
        )
        kw: dict[str, Any] = {}
        depth = body.depth_mm * 1e-3
        if placement is not None:
            depth = placement.depth
            kw.update(
                approach_angle=placement.approach_angle,
                offset=placement.offset,
                offset_side=placement.offset_side,
                along=placement.along,
            )
            structures += tuple(
                Structure(cast("StructureKind", k), x, d, 1e-3 if k == "motor_nerve" else 3e-3)
                for k, x, d in placement.structures
            )
        else:
            kw.update(approach_angle=body.approach_angle_deg, gap=body.gap_mm * 1e-3)
        if body.nerve_label:
            kw["nerve_label"] = body.nerve_label
        if not body.nerve_code or body.nerve_type != "sensory":
            kw["nerve_type"] = body.nerve_type
        return inputs_for_nerve(
            body.nerve_code,
            depth=depth,
            diameter=body.diameter_mm * 1e-3,
            layers=layers,
            probe=body.probe,
            cryogen=body.cryogen,
            structures=structures,
            limits=ClinicalLimits(target_c=body.target_c, skin_limit_c=body.skin_limit_c),
            distance_to_end_organ=(
                body.distance_to_end_organ_mm * 1e-3
                if body.distance_to_end_organ_mm is not None
                else None
            ),
            sensitivity=body.sensitivity,
            placement_margin=body.placement_margin_mm * 1e-3,
            **kw,
        )
    except PlanInputError as exc:
        raise_422({"__all__": [str(exc)]})
    except (ValueError, TypeError) as exc:
        raise_422({"__all__": [str(exc)]})


@router.post(
    "/patients/{patient_id}/plans", response={201: PlanOut}, auth=perm_auth(Perm.PLAN_CREATE)
)
def plan_create(request, patient_id: int, body: PlanIn):
    """Compute and store a plan (the shortest protocol within limits, tolerance, warnings,
    sensitivity, relief window).

    Synchronous: the plan is computed inside this request (typically 2 to 20 s, up to
    about a minute with sensitivity on one core) and the stored plan is the 201 answer.
    The plan form of the web pages computes in the background instead (the task worker,
    docs/operations/tasks.md); an API client that must not wait sets its own timeout to
    at least the server's (CRYONEURO_WORKER_TIMEOUT, 120 s)."""
    patient = patient_get(user=request.user, patient_id=patient_id, perm=Perm.PLAN_CREATE)
    evaluation = None
    if body.evaluation_id is not None:
        evaluation = patient.evaluations.filter(pk=body.evaluation_id).first()
        if evaluation is None:
            raise_422(
                {
                    "evaluation_id": [
                        _("No evaluation %(id)s for this patient.") % {"id": body.evaluation_id}
                    ]
                }
            )
    image, placement = None, None
    if body.image_id is not None:
        image = patient.placement_images.filter(pk=body.image_id).first()
        if image is None:
            raise_422(
                {"image_id": [_("No image %(id)s for this patient.") % {"id": body.image_id}]}
            )
        if not body.marks:
            raise_422(
                {"marks": [_("Mark the skin line, the nerve and the trajectory on the image.")]}
            )
        if body.probe not in PROBES and body.probe not in DEVICES:
            raise_422(
                {
                    "probe": [
                        _("Unknown probe %(probe)s; valid: %(valid)s.")
                        % {"probe": repr(body.probe), "valid": ", ".join([*PROBES, *DEVICES])}
                    ]
                }
            )
        # calibrated: both spacings are set
        spacing = (
            cast("tuple[float, float]", (image.row_spacing_mm, image.column_spacing_mm))
            if image.calibrated
            else None
        )
        try:
            placement = placement_from_marks(
                body.marks, spacing, probe=body.probe, diameter=body.diameter_mm * 1e-3
            )
        except PlacementError as exc:
            raise_422({f"marks.{exc.field}": [exc.message]})
        except (KeyError, TypeError, ValueError):
            raise_422({"marks": [_("The marks could not be read.")]})
    inputs = _inputs(body, placement)
    try:
        plan = services.plan_create(
            patient=patient,
            created_by=request.user,
            inputs=inputs,
            evaluation=evaluation,
            procedure_date=body.procedure_date,
            image=image,
            placement=placement,
            marks=body.marks if image is not None else None,
            request=request,
        )
    except (ValueError, PlanComputationError) as exc:  # PlanInputError included
        raise_422({"__all__": [str(exc)]})
    return Status(201, plan)


class ImageOut(Schema):
    id: int
    kind: str = Field(description="dicom, png or jpeg")
    width: int
    height: int
    calibrated: bool
    row_spacing_mm: float | None
    column_spacing_mm: float | None
    modality: str


# Declared before plan_get: "images" would otherwise be read as a plan_ref.
@router.post(
    "/patients/{patient_id}/plans/images",
    response={201: ImageOut},
    auth=perm_auth(Perm.PLAN_CREATE),
)
def image_upload(request, patient_id: int, file: File[UploadedFile | None] = None):
    """Upload a placement image (multipart ``file``: DICOM, PNG or JPEG). A file that is
    not an image, or too large to be read (bytes, pixels, inflated size): 422 on ``file``."""
    patient = patient_get(user=request.user, patient_id=patient_id, perm=Perm.PLAN_CREATE)
    if file is None:  # none sent, or stopped while it was received (cryoneuro.core.uploads)
        raise_422({"file": [refused_upload(request, "file") or _("This field is required.")]})
    try:
        check_upload_size(file.size or 0)  # before the file is read into memory
        image = services.image_upload(
            patient=patient,
            uploaded_by=request.user,
            data=file.read(),
            filename=file.name or "",
            request=request,
        )
    except ImageError as exc:
        raise_422({"file": [str(exc)]})
    return Status(201, image)


@router.get("/patients/{patient_id}/plans", response=list[PlanOut], auth=perm_auth(Perm.PLAN_VIEW))
def plan_list(request, patient_id: int):
    patient = patient_get(user=request.user, patient_id=patient_id, perm=Perm.PLAN_VIEW)
    audit_read(
        request,
        object_type="treatmentplans.treatmentplan",
        patient_id=patient.pk,
        detail={"via": "api", "list": True},
    )
    return list(selectors.plans_for_patient(patient=patient))


@router.get(
    "/patients/{patient_id}/plans/{plan_ref}",
    response=PlanOut | None,
    auth=perm_auth(Perm.PLAN_VIEW),
)
def plan_get(request, patient_id: int, plan_ref: str):
    """One plan by id, or ``latest`` (null when the patient has none)."""
    patient, plan = selectors.plan_get(user=request.user, patient_id=patient_id, plan_ref=plan_ref)
    if plan is None:
        return None
    audit_read(request, obj=plan, patient_id=patient.pk, detail={"via": "api"})
    return plan
