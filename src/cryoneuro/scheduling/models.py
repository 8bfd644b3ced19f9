"""Resources, opening hours, appointments and the bookings that can never overlap.

Every time is stored in UTC. Opening hours are wall-clock times in the clinic's zone
(settings.TIME_ZONE), turned into UTC per day at the edges (see availability.py), so a
09:00 opening stays 09:00 across the daylight-saving changes.

The no-overlap rule lives in the database, on :class:`ResourceBooking` (one row per
resource an appointment or an internal block occupies): a PostgreSQL exclusion
constraint, or SQLite triggers that abort an overlapping insert or update (migration
0002). The services only turn the resulting IntegrityError into a clear message.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ResourceKind(models.TextChoices):
    PRACTITIONER = "practitioner", _("Practitioner")
    PROCEDURE_ROOM = "procedure_room", _("Procedure room")
    RECOVERY = "recovery", _("Recovery area place")
    CONSOLE = "console", _("Cryo console")


class Resource(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=ResourceKind.choices)
    name = models.CharField(_("name"), max_length=100)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="scheduling_resource",
        verbose_name=_("practitioner account"),
    )
    active = models.BooleanField(_("active"), default=True)
    feed_token = models.CharField(
        _("calendar feed token"), max_length=64, null=True, blank=True, unique=True
    )

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")

    def __str__(self) -> str:
        return self.name

    def new_feed_token(self) -> str:
        self.feed_token = secrets.token_urlsafe(32)
        return self.feed_token


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningHours(models.Model):
    """A weekly opening interval of a resource, in the clinic's wall-clock time."""

    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="hours", verbose_name=_("resource")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["resource", "weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")),
                name="scheduling_hours_closes_after_opens",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.resource} {self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"
        )


class ExceptionKind(models.TextChoices):
    HOLIDAY = "holiday", _("Public holiday / clinic closed")
    LEAVE = "leave", _("Leave")
    MAINTENANCE = "maintenance", _("Maintenance")


class ScheduleException(models.Model):
    """A closure: the resource (or, with no resource, the whole clinic) is not open."""

    resource = models.ForeignKey(
        Resource,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="exceptions",
        verbose_name=_("resource"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ExceptionKind.choices)
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["start"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")),
                name="scheduling_exception_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start:%Y-%m-%d}"


class InternalBlock(models.Model):
    """Time a resource is busy with something that is not an appointment (staff meeting,
    cleaning). It occupies ResourceBooking rows but is never shown as an appointment."""

    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="blocks", verbose_name=_("resource")
    )
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["start"]
        verbose_name = _("internal block")
        verbose_name_plural = _("internal blocks")

    def __str__(self) -> str:
        return f"{self.resource} {self.start:%Y-%m-%d %H:%M}Z {self.reason}"


class TypeCode(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation (complete evaluation)")
    IMAGING = "imaging", _("Imaging")
    FOLLOWUP_VISIT = "followup_visit", _("Follow-up visit")
    PHONE_FOLLOWUP = "phone_followup", _("Phone follow-up")
    PROCEDURE = "procedure", _("Cryoneurolysis procedure")


class AppointmentType(models.Model):
    """Seeded by migration 0003; the durations and instructions are the clinic's to edit."""

    code = models.CharField(_("code"), max_length=20, choices=TypeCode.choices, unique=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), help_text=_("For a procedure: used when no zone is known.")
    )
    surveillance_minutes = models.PositiveSmallIntegerField(
        _("surveillance in the recovery area (minutes)"), default=0
    )
    needs_practitioner = models.BooleanField(_("needs a physician"), default=True)
    needs_procedure_room = models.BooleanField(_("needs the procedure room"), default=False)
    needs_console = models.BooleanField(_("needs a cryo console"), default=False)
    patient_bookable = models.BooleanField(_("patients may book it"), default=False)
    preparation_fr = models.TextField(_("preparation (French)"), blank=True)
    preparation_en = models.TextField(_("preparation (English)"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("appointment type")
        verbose_name_plural = _("appointment types")

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self) -> StrOrPromise:
        return TypeCode(self.code).label

    @property
    def is_procedure(self) -> bool:
        return self.code == TypeCode.PROCEDURE

    def preparation(self, lang: str) -> str:
        return self.preparation_en if lang == "en" else self.preparation_fr


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    # Issue 11: the patient came and was treated (the procedure record links it).
    ATTENDED = "attended", _("Attended")


class Appointment(models.Model):
    patient = models.ForeignKey(
        "patients.Patient",
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("patient"),
    )
    type = models.ForeignKey(
        AppointmentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("type")
    )
    start = models.DateTimeField(_("start"), db_index=True)
    end = models.DateTimeField(_("end (with surveillance)"))
    main_end = models.DateTimeField(_("end of the act"))
    practitioner = models.ForeignKey(
        Resource,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("physician"),
    )
    nerve_codes = models.JSONField(_("target nerves"), default=list, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.BOOKED,
        db_index=True,
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("booked by"),
    )
    scheduled_at = models.DateTimeField(_("booked or last moved at"))
    sequence = models.PositiveIntegerField(_("revision"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")

    def __str__(self) -> str:
        return f"{self.type} {self.patient.identifier} {self.start:%Y-%m-%d %H:%M}Z"

    @property
    def is_active(self) -> bool:
        return self.status == AppointmentStatus.BOOKED

    def mark_attended(self, *, now: datetime | None = None) -> bool:
        """The patient was seen for this booking (issue 11: a procedure record links it).
        Booked -> attended; the resources it still holds from ``now`` on are freed (the
        patient was treated on an earlier day than booked). False when it was not booked
        (cancelled or already attended: nothing changes). The caller audits."""
        if self.status != AppointmentStatus.BOOKED:
            return False
        now = now or timezone.now()
        self.status = AppointmentStatus.ATTENDED
        self.sequence += 1
        self.save(update_fields=["status", "sequence", "updated_at"])
        self.bookings.filter(active=True, start__gte=now).update(active=False)
        return True


class ResourceBooking(models.Model):
    """One resource occupied from ``start`` to ``end`` (UTC) by an appointment or an internal
    block. Active rows of one resource never overlap: the database refuses it."""

    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="bookings")
    start = models.DateTimeField()
    end = models.DateTimeField()
    active = models.BooleanField(default=True)
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.CASCADE, related_name="bookings"
    )
    block = models.ForeignKey(
        InternalBlock, null=True, blank=True, on_delete=models.CASCADE, related_name="bookings"
    )

    class Meta:
        indexes = [
            models.Index(fields=["resource", "start"]),
            # A calendar's or a slot search's "overlaps [a, b)" (start < b and end > a):
            # by the end, only the bookings not over before a are read, not a resource's
            # whole past (issue 13: 300 k appointments).
            models.Index(fields=["resource", "end"], name="scheduling_booking_res_end"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")),
                name="scheduling_booking_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource_id} {self.start:%Y-%m-%d %H:%M}-{self.end:%H:%M}Z"


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the clinic")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")


class BookingRequest(models.Model):
    """A patient asks for a consultation without picking a slot; a coordinator confirms."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="booking_requests"
    )
    type = models.ForeignKey(AppointmentType, on_delete=models.PROTECT, related_name="+")
    preferences = models.CharField(_("preferred days and times"), max_length=300, blank=True)
    message = models.TextField(_("message"), blank=True, max_length=2000)
    status = models.CharField(
        max_length=12, choices=RequestStatus.choices, default=RequestStatus.OPEN, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"request {self.pk} ({self.status})"


class SentReminder(models.Model):
    """One reminder for one appointment time: the unique key makes a second send impossible,
    and a moved appointment gets a new key (its new start)."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="reminders")
    offset_minutes = models.PositiveIntegerField()
    appointment_start = models.DateTimeField()
    status = models.CharField(max_length=10, default="sending")  # sending, sent, failed
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "offset_minutes", "appointment_start"],
                name="scheduling_reminder_once",
            ),
        ]

    def __str__(self) -> str:
        return f"reminder {self.appointment_id} -{self.offset_minutes}min {self.status}"
