"""E-mails to patients: confirmation (with the .ics), move, cancellation, reminders.

Each is written in the patient's language and shows times in the clinic's zone.
Reminders are claimed before sending with a row whose unique key is (appointment, offset,
appointment start): a reminder is never sent twice, and a moved appointment's old
reminder no longer matches (its start changed), so it is never sent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import availability
from .calendars import appointment_ics
from .models import Appointment, AppointmentStatus, SentReminder

log = logging.getLogger(__name__)


def _lang(appointment: Appointment) -> str:
    return "en" if appointment.patient.preferred_language == "en" else "fr"


def _render(
    appointment: Appointment, kind: str, offset_hours: int | None = None
) -> tuple[str, str]:
    lang = _lang(appointment)
    with translation.override(lang), timezone.override(availability.clinic_zone()):
        context = {
            "appointment": appointment,
            "patient": appointment.patient,
            "kind": kind,
            "local_start": appointment.start.astimezone(availability.clinic_zone()),
            "preparation": appointment.type.preparation(lang),
            "clinic_name": settings.CLINIC_NAME,
            "offset_days": (offset_hours // 24) if offset_hours else None,
            "time_zone": settings.TIME_ZONE,
        }
        subject = render_to_string("scheduling/email/subject.txt", context).strip()
        body = render_to_string("scheduling/email/body.txt", context)
    return " ".join(subject.split()), body


def send_appointment_email(appointment_id: int, kind: str) -> bool:
    """Confirmation, move or cancellation, with the .ics attached. False when there is no
    address to write to."""
    appointment = (
        Appointment.objects.select_related("patient", "type").filter(pk=appointment_id).first()
    )
    if appointment is None or not appointment.patient.email:
        return False
    subject, body = _render(appointment, kind)
    message = EmailMessage(subject, body, to=[appointment.patient.email])
    message.attach(
        f"rendez-vous-{appointment.pk}.ics",
        appointment_ics(appointment, lang=_lang(appointment)),
        "text/calendar; charset=utf-8",
    )
    try:
        message.send()
    except Exception:  # a mail server failure must not undo a booking already committed
        log.exception("could not send the %s e-mail for appointment %s", kind, appointment_id)
        return False
    return True


@dataclass(frozen=True)
class DueReminder:
    appointment_id: int
    offset_minutes: int
    start: datetime


def reminders_due(now: datetime | None = None) -> list[DueReminder]:
    """Reminders whose time has come, not sent yet, for booked appointments still ahead.
    An offset that was already past when the appointment was (re)scheduled is skipped."""
    now = now or timezone.now()
    offsets = sorted({int(h) * 60 for h in settings.SCHEDULING_REMINDER_OFFSETS_HOURS})
    if not offsets:
        return []
    horizon = now + timedelta(minutes=max(offsets))
    appointments = (
        Appointment.objects.filter(
            status=AppointmentStatus.BOOKED, start__gt=now, start__lte=horizon
        )
        .exclude(patient__email="")
        .values_list("id", "start", "scheduled_at")
    )
    sent = set(
        SentReminder.objects.exclude(status="failed")
        .filter(appointment__start__gt=now, appointment__start__lte=horizon)
        .values_list("appointment_id", "offset_minutes", "appointment_start")
    )
    due = []
    for appointment_id, start, scheduled_at in appointments:
        for offset in offsets:
            send_at = start - timedelta(minutes=offset)
            if (
                send_at <= now
                and send_at >= scheduled_at
                and (appointment_id, offset, start) not in sent
            ):
                due.append(DueReminder(appointment_id, offset, start))
    return due


def reminder_send(due: DueReminder, now: datetime | None = None) -> bool:
    """Send one reminder if the appointment still exists, is booked and has not moved,
    and no reminder for it was claimed before. True when sent."""
    now = now or timezone.now()
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update()
            .select_related("patient", "type")
            .filter(pk=due.appointment_id)
            .first()
        )
        if appointment is None or appointment.status != AppointmentStatus.BOOKED:
            return False
        if appointment.start != due.start or appointment.start <= now:
            return False  # moved (a new reminder key applies) or already past
        if not appointment.patient.email:
            return False
        try:
            with transaction.atomic():
                claim = SentReminder.objects.create(
                    appointment=appointment,
                    offset_minutes=due.offset_minutes,
                    appointment_start=appointment.start,
                    claimed_at=now,
                )
        except IntegrityError:
            existing = SentReminder.objects.filter(
                appointment=appointment,
                offset_minutes=due.offset_minutes,
                appointment_start=appointment.start,
                status="failed",
            ).first()
            if existing is None:
                return False  # already sent (or being sent): never twice
            claim = existing
            claim.status, claim.claimed_at = "sending", now
            claim.save(update_fields=["status", "claimed_at"])
    # The claim is committed before the message leaves: a crash in between means one
    # reminder missed, never one sent twice.
    subject, body = _render(appointment, "reminder", due.offset_minutes // 60)
    try:
        EmailMessage(subject, body, to=[appointment.patient.email]).send()
    except Exception as error:
        SentReminder.objects.filter(pk=claim.pk).update(status="failed", error=str(error)[:300])
        log.warning("reminder for appointment %s failed: %s", appointment.pk, error)
        return False
    SentReminder.objects.filter(pk=claim.pk).update(status="sent", sent_at=timezone.now())
    return True


def reminders_send_due(now: datetime | None = None) -> tuple[int, int]:
    """Send every due reminder; (sent, skipped)."""
    sent = skipped = 0
    for due in reminders_due(now):
        if reminder_send(due, now):
            sent += 1
        else:
            skipped += 1
    return sent, skipped
