"""One multidisciplinary care plan per patient: goals, interventions, reviews."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cryoneuro.core.models import CreatedModel


class PlanStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ON_HOLD = "on_hold", _("On hold")
    COMPLETED = "completed", _("Completed")


class CarePlan(CreatedModel):
    patient = models.OneToOneField(
        "patients.Patient",
        on_delete=models.PROTECT,
        related_name="care_plan",
        verbose_name=_("patient"),
    )
    title = models.CharField(
        _("title"), max_length=200, blank=True, help_text=_("Empty: the default title.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.ACTIVE
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("care plan")
        verbose_name_plural = _("care plans")

    def __str__(self) -> str:
        return str(self.display_title)

    @property
    def display_title(self) -> str:
        """The title as typed, or the default title in the reader's language (stored empty:
        a French default stored as text would show in French on English pages)."""
        return self.title or str(DEFAULT_TITLE)


DEFAULT_TITLE = _("Multidisciplinary care plan")
"""The title of a plan nobody named (stored as an empty title, shown translated)."""

DEFAULT_TITLES_STORED = ("Plan de soins pluridisciplinaire", "Multidisciplinary care plan")
"""What older versions stored for the default title (migration 0003 empties them)."""


def stored_title(title: str) -> str:
    """The title to store: empty for the default title in either language."""
    title = title.strip()
    return "" if title in DEFAULT_TITLES_STORED else title


class GoalStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")
    CANCELLED = "cancelled", _("Cancelled")


class Goal(models.Model):
    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="goals")
    description = models.CharField(_("goal"), max_length=300)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=GoalStatus.choices, default=GoalStatus.IN_PROGRESS
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description


class InterventionKind(models.TextChoices):
    CRYONEUROLYSIS = "cryoneurolysis", _("Cryoneurolysis session")
    PHYSIOTHERAPY = "physiotherapy", _("Physiotherapy")
    TENS = "tens", _("TENS")
    CBT = "cbt", _("Cognitive-behavioural therapy")
    INFILTRATION = "infiltration", _("Targeted infiltration")
    MEDICATION = "medication", _("Medication change")
    OTHER = "other", _("Other")


class Provider(models.TextChoices):
    IN_HOUSE = "in_house", _("In-house")
    OUTSIDE = "outside", _("Outside")


class InterventionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Under way")
    COMPLETED = "completed", _("Completed")
    STOPPED = "stopped", _("Stopped")


class Intervention(models.Model):
    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="interventions")
    kind = models.CharField(_("intervention"), max_length=20, choices=InterventionKind.choices)
    description = models.CharField(_("details"), max_length=300, blank=True)
    provider = models.CharField(_("provided"), max_length=20, choices=Provider.choices)
    provider_name = models.CharField(_("provider"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InterventionStatus.choices,
        default=InterventionStatus.PLANNED,
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = [models.F("start_date").asc(nulls_last=True), "id"]

    def __str__(self) -> str:
        return self.get_kind_display()


class Review(models.Model):
    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("reviewed on"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    followup_item = models.ForeignKey(
        "followup.FollowUpItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("at follow-up"),
    )
    note = models.TextField(_("note"))

    class Meta:
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.reviewed_on}"
