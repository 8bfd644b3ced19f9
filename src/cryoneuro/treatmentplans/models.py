from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    """Outcome of the planner search (and later of the physician's review)."""

    FEASIBLE = "feasible", _("Feasible")
    INFEASIBLE = "infeasible", _("No protocol within limits")
    DRAFT = "draft", _("Draft")


class ImageKind(models.TextChoices):
    DICOM = "dicom", "DICOM"
    PNG = "png", "PNG"
    JPEG = "jpeg", "JPEG"


def _image_path(instance: PlacementImage, filename: str) -> str:
    # Never the uploaded name (it may carry identity); served only by an audited view.

    return f"treatmentplans/images/{instance.patient_id}/{uuid.uuid4().hex}"


class PlacementImage(models.Model):
    """An ultrasound or CT image of the patient, for image-guided placement.

    The original upload is kept (``original``); ``display`` is a PNG re-encoded by the
    server (no metadata) that the browser shows. ``mm_per_pixel`` comes from the DICOM
    PixelSpacing (row, column) or from a calibration marked on the image.
    """

    patient = models.ForeignKey(
        "patients.Patient",
        on_delete=models.PROTECT,
        related_name="placement_images",
        verbose_name=_("patient"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    kind = models.CharField(_("format"), max_length=10, choices=ImageKind.choices)
    original = models.FileField(_("original file"), upload_to=_image_path)
    display = models.FileField(_("display image"), upload_to=_image_path)
    width = models.PositiveIntegerField(_("width (pixels)"))
    height = models.PositiveIntegerField(_("height (pixels)"))
    row_spacing_mm = models.FloatField(_("row spacing (mm/pixel)"), null=True, blank=True)
    column_spacing_mm = models.FloatField(_("column spacing (mm/pixel)"), null=True, blank=True)
    calibration = models.JSONField(_("calibration"), null=True, blank=True)
    modality = models.CharField(_("modality"), max_length=16, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("placement image")
        verbose_name_plural = _("placement images")

    def __str__(self) -> str:
        return f"{self.kind} {self.width}x{self.height} ({self.patient_id})"

    @property
    def calibrated(self) -> bool:
        return bool(self.row_spacing_mm and self.column_spacing_mm)


class TreatmentPlanQuerySet(models.QuerySet["TreatmentPlan"]):
    def admissible(self) -> TreatmentPlanQuerySet:
        """Plans that may be chosen at admission: feasible and not archived."""
        return self.filter(status=PlanStatus.FEASIBLE, archived_at__isnull=True)


class TreatmentPlan(models.Model):
    """One freeze plan for one target nerve, stored reproducibly.

    ``inputs`` holds every parameter the planner used (fully resolved, SI units), and
    ``software_version`` the cryoneuro version that computed ``result``: running the same
    version on the same inputs gives the same result.
    """

    patient = models.ForeignKey(
        "patients.Patient",
        on_delete=models.PROTECT,
        related_name="treatment_plans",
        verbose_name=_("patient"),
    )
    evaluation = models.ForeignKey(
        "evaluation.Evaluation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="treatment_plans",
        verbose_name=_("evaluation"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("planned by"),
    )
    created_at = models.DateTimeField(_("planned at"), auto_now_add=True)

    nerve_code = models.CharField(_("target nerve"), max_length=60)
    inputs = models.JSONField(_("planning inputs"))
    result = models.JSONField(_("planning result"))
    software_version = models.CharField(_("software version"), max_length=40)
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    image = models.ForeignKey(
        PlacementImage,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name=_("placement image"),
    )
    procedure_date = models.DateField(_("planned procedure date"), null=True, blank=True)
    plot_png = models.BinaryField(
        _("isotherm plot (English)"), null=True, blank=True, editable=False
    )
    plot_png_fr = models.BinaryField(
        _("isotherm plot (French)"), null=True, blank=True, editable=False
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("archived by"),
    )

    objects = TreatmentPlanQuerySet.as_manager()

    def plot_for(self, lang: str) -> bytes | None:
        """The isotherm plot in ``lang`` (plans made before the French plot existed have
        only the English one; the plot view makes the missing one on demand)."""
        data = self.plot_png_fr if lang == "fr" else self.plot_png
        return bytes(data) if data else None

    @property
    def feasible(self) -> bool:
        return self.status == PlanStatus.FEASIBLE

    @property
    def protocol_compact(self) -> str:
        protocol = (self.result or {}).get("protocol") or {}
        return str(protocol.get("compact", ""))

    @property
    def protocol_words(self) -> str:
        """ "1 cycle de 60 s" in the active language (empty without a protocol)."""
        from .wording import protocol_words  # imports no model: no cycle

        return protocol_words((self.result or {}).get("protocol"))

    @property
    def archived(self) -> bool:
        return self.archived_at is not None

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("treatment plan")
        verbose_name_plural = _("treatment plans")
        indexes = [models.Index(fields=["patient", "-created_at"])]

    def __str__(self) -> str:
        label = (self.inputs or {}).get("nerve_label") or self.nerve_code
        when = f"{self.created_at:%Y-%m-%d}" if self.created_at else ""
        return f"{when} {label} · {self.protocol_words or self.get_status_display()}".strip()


class ComputationStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the task worker")
    RUNNING = "running", _("Computing")
    DONE = "done", _("Computed")
    FAILED = "failed", _("Failed")


class PlanComputation(models.Model):
    """One plan computation asked for from the plan form, run by the task worker
    (treatmentplans.tasks.plan_compute): the form's page redirects to its page, which
    polls until ``plan`` is stored, or shows ``error`` over the form as it was posted.

    ``request`` holds what the planner needs, already validated (the inputs in SI units,
    the placement, the image marks); ``form_data`` the form as posted, to show it again.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(
        "patients.Patient",
        on_delete=models.PROTECT,
        related_name="plan_computations",
        verbose_name=_("patient"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("asked for by"),
    )
    created_at = models.DateTimeField(_("asked for at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ComputationStatus.choices,
        default=ComputationStatus.QUEUED,
    )
    request = models.JSONField(_("what to compute"))
    form_data = models.JSONField(_("form as posted"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    plan = models.ForeignKey(
        TreatmentPlan,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("plan"),
    )
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("plan computation")
        verbose_name_plural = _("plan computations")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_status_display()}"

    @property
    def finished(self) -> bool:
        return self.status in {ComputationStatus.DONE, ComputationStatus.FAILED}
