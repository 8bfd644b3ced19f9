from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    """Outcome of the planner search (and later of the physician's review)."""

    FEASIBLE = "feasible", _("Feasible")
    INFEASIBLE = "infeasible", _("No protocol within limits")
    DRAFT = "draft", _("Draft")


class TreatmentPlan(models.Model):
    """One freeze plan for one target nerve, stored reproducibly.

    ``inputs`` holds every parameter the planner used (fully resolved, SI units), and
    ``software_version`` the cryoneuro version that computed ``result``: running the same
    version on the same inputs gives the same result.
    """

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT,
                                related_name="treatment_plans", verbose_name=_("patient"))
    evaluation = models.ForeignKey("evaluation.Evaluation", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="treatment_plans",
                                   verbose_name=_("evaluation"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("planned by"))
    created_at = models.DateTimeField(_("planned at"), auto_now_add=True)

    nerve_code = models.CharField(_("target nerve"), max_length=60)
    inputs = models.JSONField(_("planning inputs"))
    result = models.JSONField(_("planning result"))
    software_version = models.CharField(_("software version"), max_length=40)
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices,
                              default=PlanStatus.DRAFT)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("treatment plan")
        verbose_name_plural = _("treatment plans")
        indexes = [models.Index(fields=["patient", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.patient} {self.nerve_code} {self.created_at:%Y-%m-%d}"
