"""Reads, with the access checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from cryoneuro.accounts.access import ensure_patient_access
from cryoneuro.accounts.roles import Perm
from cryoneuro.patients.models import Patient

from . import availability
from .models import (
    Appointment,
    AppointmentStatus,
    BookingRequest,
    RequestStatus,
    Resource,
    ResourceBooking,
    ResourceKind,
)


def appointment_get(
    *, user: Any, appointment_id: int, perm: Perm = Perm.APPOINTMENT_VIEW
) -> Appointment:
    try:
        appointment = Appointment.objects.select_related("patient", "type", "practitioner").get(
            pk=appointment_id
        )
    except Appointment.DoesNotExist:
        raise Http404 from None
    ensure_patient_access(user, perm, appointment.patient)
    return appointment


def appointments_for_patient(
    *, user: Any, patient: Patient, include_past: bool = True
) -> QuerySet[Appointment]:
    ensure_patient_access(user, Perm.APPOINTMENT_VIEW, patient)
    rows = (
        Appointment.objects.filter(patient=patient)
        .select_related("type", "practitioner")
        .order_by("start")
    )
    if not include_past:
        rows = rows.filter(end__gt=timezone.now(), status=AppointmentStatus.BOOKED)
    return rows


def open_requests() -> QuerySet[BookingRequest]:
    return (
        BookingRequest.objects.filter(status=RequestStatus.OPEN)
        .select_related("patient", "type")
        .order_by("created_at")
    )


def request_get(*, request_id: int) -> BookingRequest:
    try:
        return BookingRequest.objects.select_related("patient", "type").get(pk=request_id)
    except BookingRequest.DoesNotExist:
        raise Http404 from None


def resources(kind: str | None = None) -> QuerySet[Resource]:
    rows = Resource.objects.filter(active=True)
    return rows.filter(kind=kind) if kind else rows


def resource_get(resource_id: int) -> Resource:
    try:
        return Resource.objects.get(pk=resource_id)
    except Resource.DoesNotExist:
        raise Http404 from None


def default_resource(user: Any) -> Resource | None:
    own = Resource.objects.filter(user=user, active=True).first()
    return (
        own
        or Resource.objects.filter(active=True, kind=ResourceKind.PRACTITIONER).first()
        or Resource.objects.filter(active=True).first()
    )


@dataclass
class Entry:
    start: datetime
    end: datetime
    kind: str  # "appointment" or "block"
    appointment: Appointment | None = None
    label: str = ""

    @property
    def top_minutes(self) -> int:
        local = self.start.astimezone(availability.clinic_zone())
        return local.hour * 60 + local.minute


@dataclass
class Day:
    day: date
    entries: list[Entry]
    opening: list[tuple[datetime, datetime]]


def calendar_days(*, resource: Resource, first: date, days: int) -> list[Day]:
    """A resource's days in the clinic's zone: its bookings (appointments and internal
    blocks, the latter only as 'unavailable') and opening hours."""
    last = first + timedelta(days=days - 1)
    start, _ = availability.local_day_bounds(first)
    _, end = availability.local_day_bounds(last)
    opening = availability.opening_intervals([resource.pk], first, last)[resource.pk]
    rows = (
        ResourceBooking.objects.filter(resource=resource, active=True, start__lt=end, end__gt=start)
        .select_related("appointment__patient", "appointment__type", "block")
        .order_by("start")
    )
    result = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        d_start, d_end = availability.local_day_bounds(day)
        entries = []
        for row in rows:
            if row.start < d_end and row.end > d_start:
                if row.appointment_id:
                    assert row.appointment is not None  # appointment_id is set
                    entries.append(
                        Entry(
                            row.start,
                            row.end,
                            "appointment",
                            row.appointment,
                            str(row.appointment.type.label),
                        )
                    )
                else:
                    entries.append(
                        Entry(
                            row.start, row.end, "block", label=row.block.reason if row.block else ""
                        )
                    )
        result.append(Day(day, entries, [(s, e) for s, e in opening if s < d_end and e > d_start]))
    return result
