from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


class Side(models.TextChoices):
    LEFT = "left", _("Left")
    RIGHT = "right", _("Right")
    BILATERAL = "bilateral", _("Bilateral")
    MIDLINE = "midline", _("Midline")


class SkinState(models.TextChoices):
    INTACT = "intact", _("Intact")
    LOCAL_INFECTION = "local_infection", _("Local infection")
    WOUND = "wound", _("Wound")
    DERMATITIS = "dermatitis", _("Dermatitis")
    SCAR = "scar", _("Scar")


class Outcome(models.TextChoices):
    ELIGIBLE = "eligible", _("Eligible")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    NEEDS_REVIEW = "needs_review", _("Needs specialist review")


class Consent(models.TextChoices):
    GIVEN = "given", _("Given")
    REFUSED = "refused", _("Refused")
    PENDING = "pending", _("Not yet asked")


class BleedingDisorder(models.TextChoices):
    NONE = "none", _("None known")
    HAEMOPHILIA_A = "haemophilia_a", _("Haemophilia A")
    HAEMOPHILIA_B = "haemophilia_b", _("Haemophilia B")
    VON_WILLEBRAND = "von_willebrand", _("Von Willebrand disease")
    OTHER = "other", _("Other bleeding disorder")


class Evaluation(models.Model):
    """One complete evaluation; the decision is stored with the rule-set version that made
    it, so a later rule change never silently rewrites history."""

    patient = models.ForeignKey(
        "patients.Patient",
        on_delete=models.PROTECT,
        related_name="evaluations",
        verbose_name=_("patient"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("evaluated by"),
    )
    created_at = models.DateTimeField(_("evaluated at"), auto_now_add=True)

    indication = models.CharField(_("indication"), max_length=40)
    pain_location = models.CharField(_("pain location"), max_length=200)
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    pain_duration_months = models.DecimalField(
        _("pain duration (months)"),
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(1200)],
    )
    nrs = models.PositiveSmallIntegerField(
        _("pain intensity (NRS 0-10)"), validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    dn4 = models.JSONField(_("DN4 answers"), null=True, blank=True)
    dn4_score = models.PositiveSmallIntegerField(_("DN4 score"), null=True, blank=True)
    surgery_declined_or_impossible = models.BooleanField(
        _("surgery declined or impossible"), null=True, blank=True
    )
    conservative_treatments = models.JSONField(_("conservative treatments tried"), default=list)
    anticoagulants = models.JSONField(_("anticoagulants"), default=list, blank=True)
    antiplatelets = models.JSONField(_("antiplatelets"), default=list, blank=True)
    inr = models.DecimalField(_("INR"), max_digits=4, decimal_places=2, null=True, blank=True)
    platelets_g_per_l = models.PositiveIntegerField(_("platelets (G/L)"), null=True, blank=True)
    skin_state = models.CharField(
        _("skin at the target"), max_length=20, choices=SkinState.choices, default=SkinState.INTACT
    )
    cold_conditions = models.JSONField(_("cold-related conditions"), default=list, blank=True)
    pregnancy = models.BooleanField(_("pregnancy"), default=False)
    systemic_inflammatory_disease = models.BooleanField(
        _("systemic inflammatory disease"), default=False
    )
    steroid_injection_at_site_last_3_months = models.BooleanField(
        _("corticosteroid injection at the site in the last 3 months"), default=False
    )
    target_is_mixed_motor_nerve = models.BooleanField(
        _("target is a mixed (motor) nerve"), null=True, blank=True
    )
    other_cautions = models.TextField(_("other cautions"), blank=True)
    # ---- bleeding risk per target (issue 10 part 2)
    target_nerves = models.JSONField(_("target nerves"), default=list, blank=True)
    creatinine_clearance_ml_min = models.DecimalField(
        _("creatinine clearance (mL/min)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    aspirin_prevention = models.CharField(
        _("aspirin for"),
        max_length=12,
        blank=True,
        choices=[("primary", _("Primary prevention")), ("secondary", _("Secondary prevention"))],
    )
    lmwh_dose = models.CharField(
        _("LMWH dose"),
        max_length=14,
        blank=True,
        choices=[("prophylactic", _("Prophylactic")), ("therapeutic", _("Therapeutic"))],
    )

    # Safety facts (issue 10, rule set 2026.12.1). Null/blank on evaluations made before:
    # they were not asked then, and those decisions keep the rule-set version that made them.
    age_years = models.PositiveSmallIntegerField(_("age (years)"), null=True, blank=True)
    consent = models.CharField(
        _("consent to cryoneurolysis"),
        max_length=10,
        choices=Consent.choices,
        blank=True,
        db_default="",
    )
    bleeding_disorder = models.CharField(
        _("known bleeding disorder"),
        max_length=20,
        choices=BleedingDisorder.choices,
        blank=True,
        db_default="",
    )
    bleeding_disorder_detail = models.CharField(
        _("bleeding disorder (detail)"), max_length=200, blank=True, db_default=""
    )
    aptt_ratio = models.DecimalField(
        _("aPTT ratio"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    allergies = models.JSONField(
        _("known allergies (as confirmed)"),
        default=list,
        blank=True,
        db_default=models.Value([], output_field=models.JSONField()),
    )
    systemic_infection = models.BooleanField(
        _("systemic infection or fever"), null=True, blank=True
    )
    previous_sessions_same_target = models.JSONField(
        _("previous sessions of the same target"),
        default=list,
        blank=True,
        db_default=models.Value([], output_field=models.JSONField()),
    )
    diagnostic_block_relief_pct = models.DecimalField(
        _("diagnostic block relief (%)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    discrete_target_nerve = models.BooleanField(
        _("discrete target nerve identified"), null=True, blank=True
    )

    outcome = models.CharField(_("decision"), max_length=20, choices=Outcome.choices)
    decision = models.JSONField(_("decision detail"))
    ruleset_version = models.CharField(_("rule-set version"), max_length=20)

    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_approved = models.BooleanField(_("approved after review"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        # Shown in choice lists (the plan form's evaluation): the reader's date format and
        # the decision in the reader's language.
        day = date_format(timezone.localdate(self.created_at), "SHORT_DATE_FORMAT")
        return f"{self.patient} {day} {self.get_outcome_display()}"

    @property
    def cleared_for_procedure(self) -> bool:
        """Eligible, or needing review and approved by a physician."""
        return self.outcome == Outcome.ELIGIBLE or (
            self.outcome == Outcome.NEEDS_REVIEW and bool(self.review_approved)
        )
