from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cryoneuro.clinical.nerves import NERVES, nerves_for
from cryoneuro.core import labels
from cryoneuro.physics import CRYOGENS, PROBES
from cryoneuro.physics.devices import DEVICES
from cryoneuro.planning import (
    ClinicalLimits,
    PlanInputError,
    PlanInputs,
    Structure,
    inputs_for_nerve,
)
from cryoneuro.planning.inputs import single_needle_devices
from cryoneuro.planning.placement import Placement, PlacementError, placement_from_marks
from cryoneuro.planning.planner import RECOMMENDED_PLACEMENT_MARGIN_M

from .images import ImageError, check_upload_size

if TYPE_CHECKING:
    from cryoneuro.evaluation.models import Evaluation
    from cryoneuro.planning.inputs import StructureKind

CUSTOM = "custom"
DEEP_TISSUES = [
    ("muscle", _("Muscle")),
    ("fat", _("Fat")),
    ("tendon", _("Tendon")),
    ("soft_tissue", _("Soft tissue (generic)")),
    ("bone", _("Bone")),
]

# PlanInputError / PlacementError field -> form field
FIELD_MAP = {
    "depth": "depth_mm",
    "diameter": "diameter_mm",
    "approach_angle": "approach_angle",
    "gap": "gap_mm",
    "placement_margin": "placement_margin_mm",
    "layers": "fat_mm",
    "probe": "probe",
    "cryogen": "cryogen",
    "target_c": "target_c",
    "skin_limit_c": "skin_limit_c",
    "offset": "gap_mm",
    "distance_to_end_organ": "distance_mm",
    "structure depth": "motor_depth_mm",
    "structure diameter": "motor_diameter_mm",
}


def _num(
    label, initial=None, required=True, min_value=None, max_value=None, step="any", help_text=""
):
    return forms.FloatField(
        label=label,
        initial=initial,
        required=required,
        min_value=min_value,
        max_value=max_value,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"step": step}),
    )


class PlanForm(forms.Form):
    evaluation: forms.ModelChoiceField[Evaluation] = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Evaluation")
    )
    nerve = forms.ChoiceField(label=_("Target nerve"))
    custom_label = forms.CharField(label=_("Custom nerve name"), required=False, max_length=80)
    custom_mixed = forms.BooleanField(
        label=_("Custom nerve is mixed (has motor fibres)"), required=False
    )
    depth_mm = _num(
        _("Nerve depth (mm)"),
        10.0,
        min_value=0.5,
        max_value=200,
        help_text=_("Centre of the nerve below the skin, measured on imaging."),
    )
    diameter_mm = _num(_("Nerve diameter (mm)"), 1.0, min_value=0.1, max_value=15)
    skin_mm = _num(_("Skin thickness (mm)"), 2.0, min_value=0.1, max_value=10)
    fat_mm = _num(_("Fat thickness (mm)"), 5.0, min_value=0, max_value=150)
    deep_tissue = forms.ChoiceField(
        label=_("Tissue around the nerve"), choices=DEEP_TISSUES, initial="muscle"
    )
    probe = forms.ChoiceField(
        label=_("Probe"),
        initial="16g",
        help_text=_("A device brings its own gas: the cryogen below is then not used."),
    )
    cryogen = forms.ChoiceField(
        label=_("Cryogen"),
        choices=[(k, labels.CRYOGENS.get(k, k)) for k in CRYOGENS],
        initial="n2o",
    )
    approach_angle = _num(
        _("Approach angle to the skin (degrees)"),
        90.0,
        min_value=10,
        max_value=170,
        help_text=_("90 = perpendicular to the skin."),
    )
    gap_mm = _num(_("Gap between probe and nerve (mm)"), 0.0, min_value=0, max_value=20)
    placement_margin_mm = _num(
        _("Required placement margin (mm)"),
        1e3 * RECOMMENDED_PLACEMENT_MARGIN_M,
        required=False,
        min_value=0,
        max_value=5,
        help_text=_(
            "The protocol must still work with the probe this much further from the nerve. "
            "0.5 mm is about what ultrasound-guided placement can be trusted to; 0 gives the "
            "shortest protocol for the exact position, with a tight tolerance."
        ),
    )
    motor_x_mm = _num(
        _("Motor nerve: lateral position (mm)"), required=False, min_value=-100, max_value=100
    )
    motor_depth_mm = _num(
        _("Motor nerve: depth (mm)"), required=False, min_value=0.1, max_value=200
    )
    motor_diameter_mm = _num(
        _("Motor nerve: diameter (mm)"), 1.0, required=False, min_value=0, max_value=30
    )
    vessel_x_mm = _num(
        _("Vessel: lateral position (mm)"), required=False, min_value=-100, max_value=100
    )
    vessel_depth_mm = _num(_("Vessel: depth (mm)"), required=False, min_value=0.1, max_value=200)
    vessel_diameter_mm = _num(
        _("Vessel: diameter (mm)"), 3.0, required=False, min_value=0, max_value=30
    )
    target_c = _num(
        _("Target temperature over the whole nerve (°C)"),
        -20.0,
        min_value=-100,
        max_value=-1,
        help_text=_("Evans 1981: below -20 °C the block is reliable."),
    )
    skin_limit_c = _num(
        _("Skin surface must stay above (°C)"),
        0.0,
        min_value=-30,
        max_value=30,
        help_text=_("Unverified default: set it to your clinic's practice."),
    )
    distance_mm = _num(
        _("Distance from the lesion to the end organ (mm)"),
        required=False,
        min_value=1,
        max_value=2000,
        help_text=_("Empty: the catalog default for the nerve."),
    )
    procedure_date = forms.DateField(
        label=_("Planned procedure date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    image = forms.IntegerField(required=False, widget=forms.HiddenInput)
    marks = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, patient: Any, image: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.image_obj = image
        self.placement: Placement | None = None
        evaluations = patient.evaluations.all()
        cast("forms.ModelChoiceField[Evaluation]", self.fields["evaluation"]).queryset = evaluations
        latest = evaluations.first()
        if latest is not None:
            self.fields["evaluation"].initial = latest.pk
        self.fields["procedure_date"].initial = timezone.localdate()
        # gauge presets, then the library's single-needle devices (grouped in the select)
        cast("forms.ChoiceField", self.fields["probe"]).choices = [
            (_("Gauge presets"), [(k, labels.label("probe", k)) for k in PROBES]),
            (_("Devices"), [(d.id, labels.device_label(d.id)) for d in single_needle_devices()]),
        ]
        lang = (get_language() or "fr")[:2]
        choices: list[tuple[str, Any]] = []
        if latest is not None:
            try:
                own = nerves_for(latest.indication)
            except ValueError:
                own = ()
            choices = [
                (
                    n.code,
                    n.name(lang)
                    + (
                        ""
                        if latest.indication in n.verified_indications
                        else " (" + str(_("unverified")) + ")"
                    ),
                )
                for n in own
            ]
        others = [(n.code, n.name(lang)) for n in NERVES.values() if n.code not in dict(choices)]
        cast("forms.ChoiceField", self.fields["nerve"]).choices = [
            *choices,
            *others,
            (CUSTOM, _("Custom nerve")),
        ]
        if image is not None:
            self.fields["image"].initial = image.pk

    def clean(self) -> dict[str, Any]:
        cd = super().clean() or {}
        device = DEVICES.get(cd.get("probe", ""))
        if device is not None:
            cd["cryogen"] = device.cryogen  # the device's own gas, stored with the plan
        return cd

    def clean_marks(self) -> dict | None:
        raw = self.cleaned_data.get("marks") or ""
        if not raw.strip():
            return None
        try:
            data = json.loads(raw)
        except ValueError:
            raise forms.ValidationError(
                _("The marks on the image could not be read: mark them again.")
            ) from None
        if not isinstance(data, dict):
            raise forms.ValidationError(
                _("The marks on the image could not be read: mark them again.")
            )
        return data

    def _structure(self, kind: str, prefix: str, label: str) -> Structure | None:
        x = self.cleaned_data.get(f"{prefix}_x_mm")
        d = self.cleaned_data.get(f"{prefix}_depth_mm")
        if x is None and d is None:
            return None
        if x is None or d is None:
            self.add_error(f"{prefix}_depth_mm", _("Give both the lateral position and the depth."))
            return None
        dia = self.cleaned_data.get(f"{prefix}_diameter_mm") or 1.0
        # the form's own kinds; Structure refuses any other
        return Structure(cast("StructureKind", kind), x * 1e-3, d * 1e-3, dia * 1e-3, label)

    def to_inputs(self) -> PlanInputs | None:
        """Planner inputs from a valid form (None, with errors added, when they are bad)."""
        cd = self.cleaned_data
        lang = (get_language() or "fr")[:2]
        layers: list[tuple[str, float]] = [("skin", cd["skin_mm"] * 1e-3)]
        if cd["fat_mm"] and cd["fat_mm"] > 0:
            layers.append(("fat", cd["fat_mm"] * 1e-3))
        layers.append((cd["deep_tissue"], math.inf))
        kw: dict[str, Any] = {
            "layers": tuple(layers),
            "probe": cd["probe"],
            "cryogen": cd["cryogen"],
            "approach_angle": cd["approach_angle"],
            "gap": cd["gap_mm"] * 1e-3,
            "placement_margin": (cd.get("placement_margin_mm") or 0.0) * 1e-3,
            "limits": None,
            "distance_to_end_organ": cd["distance_mm"] * 1e-3 if cd.get("distance_mm") else None,
        }
        try:
            kw["limits"] = ClinicalLimits(target_c=cd["target_c"], skin_limit_c=cd["skin_limit_c"])
            structures = [
                s
                for s in (
                    self._structure("motor_nerve", "motor", str(_("motor nerve"))),
                    self._structure("vessel", "vessel", str(_("vessel"))),
                )
                if s is not None
            ]
            depth, diameter = cd["depth_mm"] * 1e-3, cd["diameter_mm"] * 1e-3
            marks = cd.get("marks")
            if self.image_obj is not None and marks:
                spacing = (
                    (self.image_obj.row_spacing_mm, self.image_obj.column_spacing_mm)
                    if self.image_obj.calibrated
                    else None
                )
                pl = placement_from_marks(marks, spacing, probe=cd["probe"], diameter=diameter)
                self.placement = pl
                depth = pl.depth
                kw.update(
                    approach_angle=pl.approach_angle,
                    offset=pl.offset,
                    offset_side=pl.offset_side,
                    along=pl.along,
                    gap=0.0,
                )
                structures += [
                    Structure(cast("StructureKind", k), x, d, 1e-3 if k == "motor_nerve" else 3e-3)
                    for k, x, d in pl.structures
                ]
            kw["structures"] = tuple(structures)
            if self.errors:
                return None
            code = cd["nerve"]
            if code == CUSTOM:
                return inputs_for_nerve(
                    "",
                    depth=depth,
                    diameter=diameter,
                    nerve_label=cd.get("custom_label") or str(_("Custom nerve")),
                    nerve_type="mixed" if cd.get("custom_mixed") else "sensory",
                    **kw,
                )
            return inputs_for_nerve(code, depth=depth, diameter=diameter, lang=lang, **kw)
        except PlacementError as exc:
            self.add_error(None, exc.message)
        except PlanInputError as exc:
            self.add_error(FIELD_MAP.get(exc.field), exc.message)
        except (TypeError, ValueError, KeyError):
            self.add_error(None, _("The marks on the image could not be read: mark them again."))
        return None


class ImageUploadForm(forms.Form):
    file = forms.FileField(label=_("Ultrasound or CT image (DICOM, PNG or JPEG)"))

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        try:
            check_upload_size(f.size)  # before the file is read into memory
        except ImageError as exc:
            raise forms.ValidationError(str(exc)) from None
        return f


def _mm(value: Any) -> float | None:
    try:
        return round(1e3 * float(value), 3)
    except (TypeError, ValueError):
        return None


def initial_from_plan(plan: Any) -> dict[str, Any]:
    """The plan form filled in as ``plan`` was made (replanning starts from it): every
    input, the image and its marks. The physician changes only what must change."""
    inputs = plan.inputs or {}
    limits = inputs.get("limits") or {}
    code = plan.nerve_code if plan.nerve_code in NERVES else CUSTOM
    initial: dict[str, Any] = {
        "evaluation": plan.evaluation_id,
        "nerve": code,
        "depth_mm": _mm(inputs.get("depth_m")),
        "diameter_mm": _mm(inputs.get("diameter_m")),
        "probe": inputs.get("probe"),
        "cryogen": inputs.get("cryogen"),
        "approach_angle": inputs.get("approach_angle_deg"),
        "gap_mm": _mm(inputs.get("gap_m", 0.0)),
        "placement_margin_mm": _mm(inputs.get("placement_margin_m", 0.0)),
        "target_c": limits.get("target_c"),
        "skin_limit_c": limits.get("skin_limit_c"),
        "distance_mm": _mm(inputs.get("distance_to_end_organ_m"))
        if inputs.get("distance_to_end_organ_m")
        else None,
        "procedure_date": plan.procedure_date,
    }
    if code == CUSTOM:
        initial["custom_label"] = inputs.get("nerve_label", "")
        initial["custom_mixed"] = inputs.get("nerve_type") == "mixed"
    layers = [(str(n), th) for n, th in inputs.get("layers") or []]
    if layers:
        initial["deep_tissue"] = layers[-1][0]
        finite = dict(layers[:-1])
        initial["skin_mm"] = _mm(finite.get("skin"))
        initial["fat_mm"] = _mm(finite.get("fat", 0.0))
    # the structures typed in the form carry a label; those read off the marks do not
    for s in inputs.get("structures") or []:
        prefix = {"motor_nerve": "motor", "vessel": "vessel"}.get(s.get("kind"))
        if prefix and s.get("label") and f"{prefix}_x_mm" not in initial:
            initial[f"{prefix}_x_mm"] = _mm(s.get("x"))
            initial[f"{prefix}_depth_mm"] = _mm(s.get("depth"))
            initial[f"{prefix}_diameter_mm"] = _mm(s.get("diameter"))
    if plan.image_id:
        initial["image"] = plan.image_id
        if inputs.get("image_marks_px"):
            initial["marks"] = json.dumps(inputs["image_marks_px"])
    return {k: v for k, v in initial.items() if v is not None}
