"""Follow-up after a procedure: the schedule and the questionnaires answered."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cryoneuro.core.models import CreatedModel


class ItemKind(models.TextChoices):
    QUESTIONNAIRE = "questionnaire", _("Portal questionnaire (e-mail)")
    VISIT = "visit", _("Visit to book")
    CALL = "call", _("Nurse phone call")


class ItemStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    SENT = "sent", _("Sent")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


GENERATED_LABELS = {
    "call": _("Nurse call day %(day)s"),
    "questionnaire": _("Questionnaire day %(day)s"),
    "visit": _("Follow-up visit day %(day)s"),
    "window": _("Questionnaire at the expected end of relief (day %(day)s)"),
}
"""Labels of the generated schedule, by ``FollowUpItem.label_code``."""


class FollowUpItem(CreatedModel):
    patient = models.ForeignKey(
        "patients.Patient",
        on_delete=models.PROTECT,
        related_name="followup_items",
        verbose_name=_("patient"),
    )
    procedure = models.ForeignKey(
        "procedures.Procedure",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followup_items",
        verbose_name=_("procedure"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices)
    day = models.IntegerField(_("day after the procedure"), null=True, blank=True)
    due_date = models.DateField(_("due"))
    label = models.CharField(_("label"), max_length=200, blank=True)
    label_code = models.CharField(
        _("label code"),
        max_length=20,
        blank=True,
        choices=[(code, code) for code in ("call", "questionnaire", "visit", "window")],
        help_text=_(
            "A generated label, shown in the reader's language (empty: the label as typed)."
        ),
    )
    instruments = models.JSONField(_("instruments"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.PLANNED
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("done by"),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("follow-up item")
        verbose_name_plural = _("follow-up items")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_date}"

    @property
    def display_label(self) -> str:
        """The label as typed, or the generated one (``label_code`` and ``day``) in the
        reader's language: a label stored as text stays in the language it was made in."""
        if self.label_code in GENERATED_LABELS and not self.label:
            return str(GENERATED_LABELS[self.label_code]) % {"day": self.day or 0}
        return self.label

    @property
    def is_open(self) -> bool:
        return self.status in (ItemStatus.PLANNED, ItemStatus.SENT)


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    COMPLETED = "completed", _("Completed")


class QuestionnaireResponse(models.Model):
    """Answers to the follow-up questionnaire: kept as a draft until complete."""

    patient = models.ForeignKey(
        "patients.Patient",
        on_delete=models.PROTECT,
        related_name="questionnaire_responses",
        verbose_name=_("patient"),
    )
    item = models.ForeignKey(
        FollowUpItem,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responses",
        verbose_name=_("follow-up item"),
    )
    procedure = models.ForeignKey(
        "procedures.Procedure",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responses",
        verbose_name=_("procedure"),
    )
    instruments = models.JSONField(_("instruments"), default=list)
    status = models.CharField(
        _("status"), max_length=20, choices=ResponseStatus.choices, default=ResponseStatus.DRAFT
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    nrs = models.PositiveSmallIntegerField(_("NRS"), null=True, blank=True)
    mme_per_day = models.FloatField(_("MME per day"), null=True, blank=True)
    answered_on = models.DateField(_("answered on"))
    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("filled by"),
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        ordering = ["answered_on", "id"]
        verbose_name = _("questionnaire response")
        verbose_name_plural = _("questionnaire responses")

    def __str__(self) -> str:
        return f"{self.patient_id} {self.answered_on} {self.status}"

    @property
    def is_draft(self) -> bool:
        return self.status == ResponseStatus.DRAFT
