"""iCalendar: one appointment (.ics with each confirmation) and a practitioner's feed."""

from __future__ import annotations

from datetime import UTC, timedelta

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import Appointment, AppointmentStatus, Resource, ResourceBooking

PRODID = "-//cryoneuro//scheduling//FR"


def _calendar(name: str, method: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    if method:
        cal.add("method", method)
    return cal


def _uid(appointment: Appointment) -> str:
    return f"appointment-{appointment.pk}@cryoneuro"


def appointment_event(appointment: Appointment, *, for_patient: bool) -> Event:
    event = Event()
    event.add("uid", _uid(appointment))
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", appointment.start.astimezone(UTC))
    event.add("dtend", appointment.end.astimezone(UTC))
    event.add("sequence", appointment.sequence)
    cancelled = appointment.status == AppointmentStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if for_patient:
        event.add("summary", f"{appointment.type.label} · {settings.CLINIC_NAME}")
        lang = translation.get_language() or "fr"
        preparation = appointment.type.preparation("en" if lang.startswith("en") else "fr")
        if preparation:
            event.add("description", preparation)
        event.add("location", settings.CLINIC_NAME)
    else:
        # Feeds leave the application: identifier and type only, no name or clinical detail.
        event.add("summary", f"{appointment.type.label} · {appointment.patient.identifier}")
    return event


def appointment_ics(appointment: Appointment, *, lang: str = "fr") -> bytes:
    with translation.override(lang):
        cancelled = appointment.status == AppointmentStatus.CANCELLED
        cal = _calendar(settings.CLINIC_NAME, "CANCEL" if cancelled else "PUBLISH")
        cal.add_component(appointment_event(appointment, for_patient=True))
        return cal.to_ical()


def appointments_ics(appointments: list[Appointment], *, lang: str = "fr") -> bytes:
    with translation.override(lang):
        cal = _calendar(settings.CLINIC_NAME, "PUBLISH")
        for appointment in appointments:
            cal.add_component(appointment_event(appointment, for_patient=True))
        return cal.to_ical()


def resource_feed(resource: Resource, *, past_days: int = 30, future_days: int = 180) -> bytes:
    """The resource's appointments and blocks, from a month back to six months ahead."""
    now = timezone.now()
    cal = _calendar(f"{settings.CLINIC_NAME} · {resource.name}")
    rows = (
        ResourceBooking.objects.filter(
            resource=resource,
            active=True,
            end__gt=now - timedelta(days=past_days),
            start__lt=now + timedelta(days=future_days),
        )
        .select_related("appointment__type", "appointment__patient", "block")
        .order_by("start")
    )
    for row in rows:
        if row.appointment_id:
            assert row.appointment is not None  # appointment_id is set
            cal.add_component(appointment_event(row.appointment, for_patient=False))
        else:
            event = Event()
            event.add("uid", f"block-{row.block_id}@cryoneuro")
            event.add("dtstamp", now.astimezone(UTC))
            event.add("dtstart", row.start.astimezone(UTC))
            event.add("dtend", row.end.astimezone(UTC))
            event.add("summary", _("Unavailable"))
            event.add("transp", "OPAQUE")
            cal.add_component(event)
    return cal.to_ical()
