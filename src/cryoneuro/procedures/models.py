"""The record of a procedure day: a checklist of signed, timestamped steps, the nerves
treated with every freeze-thaw cycle, and adverse events."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from cryoneuro.treatmentplans.models import TreatmentPlan


class StepCode(models.TextChoices):
    PRE_CHECK = "pre_check", _("Pre-procedure check")
    IMAGING = "imaging", _("Imaging")
    POSITIONING = "positioning", _("Positioning")
    DISINFECTION = "disinfection", _("Skin disinfection")
    ANAESTHESIA = "anaesthesia", _("Local anaesthesia")
    INSERTION = "insertion", _("Probe insertion under guidance")
    NERVES = "nerves", _("Nerves treated (freeze-thaw cycles)")
    PROBE_REMOVAL = "probe_removal", _("Probe removal")
    SURVEILLANCE = "surveillance", _("Surveillance")
    DISCHARGE = "discharge", _("Discharge")


STEP_ORDER: tuple[str, ...] = tuple(StepCode.values)


class ProcedureStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")


class Procedure(models.Model):
    """One cryoneurolysis session for one patient, from check-in to discharge."""

    patient = models.ForeignKey(
        "patients.Patient",
        on_delete=models.PROTECT,
        related_name="procedures",
        verbose_name=_("patient"),
    )
    evaluation = models.ForeignKey(
        "evaluation.Evaluation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="procedures",
        verbose_name=_("evaluation"),
    )
    # A plan is per nerve: every plan used by this session, in the order chosen.
    plans: models.ManyToManyField[TreatmentPlan, ProcedurePlan] = models.ManyToManyField(
        "treatmentplans.TreatmentPlan",
        through="ProcedurePlan",
        blank=True,
        related_name="procedures",
        verbose_name=_("treatment plans"),
    )
    planned_nerves = models.JSONField(_("planned nerves"), default=list, blank=True)
    # Issue 11: the booking this session honours (a sibling app: a foreign key by name,
    # no import). The appointment's page shows it back as ``appointment.procedure``.
    appointment = models.OneToOneField(
        "scheduling.Appointment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="procedure",
        verbose_name=_("appointment"),
    )
    no_appointment_reason = models.TextField(_("why there is no appointment"), blank=True)
    nerves_change_reason = models.TextField(_("why the nerves differ from the plan"), blank=True)
    site_label = models.CharField(_("treated site"), max_length=200)
    side = models.CharField(_("side"), max_length=10)
    indication = models.CharField(_("indication"), max_length=40, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ProcedureStatus.choices,
        default=ProcedureStatus.IN_PROGRESS,
    )
    checked_in_at = models.DateTimeField(_("checked in at"))
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("checked in by"),
    )
    baseline_nrs = models.PositiveSmallIntegerField(_("baseline NRS"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("closed by"),
    )
    override_reason = models.TextField(_("reason for closing with steps missing"), blank=True)
    missing_at_close = models.JSONField(_("steps missing at close"), default=list, blank=True)

    class Meta:
        ordering = ["-checked_in_at", "-id"]
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")

    def __str__(self) -> str:
        return f"{self.patient} {self.checked_in_at:%Y-%m-%d} {self.site_label}"

    @property
    def is_closed(self) -> bool:
        return self.status == ProcedureStatus.CLOSED

    @property
    def plan_ids(self) -> list[int]:
        """The ids of the treatment plans used, in the order chosen."""
        return [link.plan_id for link in self.plan_links.all()]

    @property
    def plan_id(self) -> int | None:
        """The first treatment plan's id (None without a plan)."""
        ids = self.plan_ids
        return ids[0] if ids else None


class ProcedurePlan(models.Model):
    """A treatment plan used in a procedure (one plan per nerve), with its rank."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="plan_links", verbose_name=_("procedure")
    )
    plan = models.ForeignKey(
        "treatmentplans.TreatmentPlan",
        on_delete=models.PROTECT,
        related_name="procedure_links",
        verbose_name=_("treatment plan"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "plan"], name="procedure_plan_once")
        ]
        verbose_name = _("treatment plan of a procedure")
        verbose_name_plural = _("treatment plans of procedures")

    def __str__(self) -> str:
        return f"{self.procedure_id} #{self.position}: {self.plan_id}"


class ProcedureStep(models.Model):
    """One checklist step, signed by who did it, at the time it was done."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="steps")
    code = models.CharField(_("step"), max_length=20, choices=StepCode.choices)
    data = models.JSONField(_("details"), default=dict, blank=True)
    done_at = models.DateTimeField(_("done at"))
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("done by"),
    )
    passed = models.BooleanField(_("passed"), default=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["done_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "code"], name="procedure_step_once")
        ]

    def __str__(self) -> str:
        return f"{self.procedure_id}:{self.code}"


class Cryogen(models.TextChoices):
    CO2 = "co2", "CO2"
    N2O = "n2o", "N2O"
    OTHER = "other", _("Other")


class NerveTreatment(models.Model):
    """A nerve treated during the procedure, with the probe and the cryogen used."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="nerves")
    nerve_code = models.CharField(_("nerve"), max_length=40)
    level = models.CharField(_("level"), max_length=40, blank=True)
    probe = models.CharField(_("probe"), max_length=100)
    cryogen = models.CharField(_("cryogen"), max_length=10, choices=Cryogen.choices)
    nerve_is_mixed = models.BooleanField(_("mixed (motor) nerve"), default=False)
    change_reason = models.TextField(_("why this nerve was not planned"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.nerve_code} {self.level}".strip()


class FreezeCycle(models.Model):
    """One freeze and the thaw after it, with the temperatures read on the console."""

    nerve = models.ForeignKey(NerveTreatment, on_delete=models.CASCADE, related_name="cycles")
    number = models.PositiveSmallIntegerField(_("cycle"))
    freeze_start = models.DateTimeField(_("freeze start"))
    freeze_stop = models.DateTimeField(_("freeze stop"))
    thaw_start = models.DateTimeField(_("thaw start"))
    thaw_stop = models.DateTimeField(_("thaw stop"))
    min_temperature_c = models.DecimalField(
        _("lowest console temperature (°C)"), max_digits=5, decimal_places=1
    )
    thaw_temperature_c = models.DecimalField(
        _("temperature at end of thaw (°C)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    # Issue 11: corrections keep the old values ([{at, by, reason, old, new}]); a struck
    # cycle stays on the record, shown struck through, and counts in no total.
    corrections = models.JSONField(_("corrections"), default=list, blank=True)
    struck_at = models.DateTimeField(_("struck out at"), null=True, blank=True)
    struck_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("struck out by"),
    )
    strike_reason = models.TextField(_("why it was struck out"), blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["nerve", "number"], name="freeze_cycle_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.nerve_id} #{self.number}"

    @property
    def is_struck(self) -> bool:
        return self.struck_at is not None

    @property
    def freeze_seconds(self) -> int:
        return int((self.freeze_stop - self.freeze_start).total_seconds())

    @property
    def thaw_seconds(self) -> int:
        return int((self.thaw_stop - self.thaw_start).total_seconds())


class AdverseEventKind(models.TextChoices):
    SITE_PAIN = "site_pain", _("Pain at the site")
    NUMBNESS = "numbness", _("Numbness")
    TINGLING = "tingling", _("Tingling")
    MOTOR_WEAKNESS = "motor_weakness", _("Motor weakness")
    SKIN_CHANGE = "skin_change", _("Skin change")
    INFECTION = "infection", _("Infection")
    HAEMATOMA = "haematoma", _("Haematoma")
    OTHER = "other", _("Other")


class AdverseEventGrade(models.IntegerChoices):
    # CTCAE v5 general grading (1-5); grade 5 (death) is not offered for this procedure.
    MILD = 1, _("Grade 1 - mild")
    MODERATE = 2, _("Grade 2 - moderate")
    SEVERE = 3, _("Grade 3 - severe")
    LIFE_THREATENING = 4, _("Grade 4 - life-threatening")


class AdverseEventSource(models.TextChoices):
    PROCEDURE = "procedure", _("During the procedure")
    FOLLOWUP = "followup", _("Follow-up answers")
    VISIT = "visit", _("Visit or call")


class AdverseEvent(models.Model):
    patient = models.ForeignKey(
        "patients.Patient",
        on_delete=models.PROTECT,
        related_name="adverse_events",
        verbose_name=_("patient"),
    )
    procedure = models.ForeignKey(
        Procedure,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adverse_events",
        verbose_name=_("procedure"),
    )
    nerve = models.ForeignKey(
        NerveTreatment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adverse_events",
        verbose_name=_("treated nerve"),
    )
    kind = models.CharField(_("type"), max_length=20, choices=AdverseEventKind.choices)
    grade = models.PositiveSmallIntegerField(_("severity grade"), choices=AdverseEventGrade.choices)
    onset_date = models.DateField(_("onset"))
    resolved_date = models.DateField(_("resolution"), null=True, blank=True)
    source = models.CharField(_("recorded from"), max_length=20, choices=AdverseEventSource.choices)
    description = models.TextField(_("description"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        ordering = ["-onset_date", "-id"]
        verbose_name = _("adverse event")
        verbose_name_plural = _("adverse events")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.onset_date})"
