"""Demo scheduling data: the clinic's resources, opening hours, a few appointments."""

from __future__ import annotations

from datetime import date, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cryoneuro.evaluation.models import Evaluation
from cryoneuro.patients.models import Patient

from . import availability, services
from .models import OpeningHours, Resource, ResourceKind

PRACTITIONERS = [("dr.martin", "Dr Hélène Martin"), ("dr.nguyen", "Dr Thomas Nguyen")]
ROOMS = [
    (ResourceKind.PROCEDURE_ROOM, "Salle d'intervention (échographe)"),
    (ResourceKind.CONSOLE, "Console de cryoneurolyse"),
    (ResourceKind.RECOVERY, "Surveillance — place 1"),
    (ResourceKind.RECOVERY, "Surveillance — place 2"),
]
PRACTITIONER_HOURS = [(time(8, 30), time(12, 30)), (time(13, 30), time(17, 30))]
ROOM_HOURS = [(time(8, 0), time(18, 30))]


def _hours(resource: Resource, intervals) -> None:
    for weekday in range(5):
        for opens, closes in intervals:
            OpeningHours.objects.get_or_create(
                resource=resource, weekday=weekday, opens=opens, closes=closes
            )


@transaction.atomic
def _resources(ctx) -> None:
    for username, name in PRACTITIONERS:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:  # the account may not exist in a partial demo
            continue
        resource, _ = Resource.objects.get_or_create(
            user=user, defaults={"kind": ResourceKind.PRACTITIONER, "name": name}
        )
        _hours(resource, PRACTITIONER_HOURS)
    for kind, name in ROOMS:
        resource, _ = Resource.objects.get_or_create(kind=kind, name=name)
        _hours(resource, ROOM_HOURS)


def _appointments(ctx) -> None:

    coordinator = get_user_model().objects.filter(username="coord.petit").first()
    patients = list(Patient.objects.order_by("id")[:6])
    if not patients:
        return
    now = timezone.now()
    horizon = now + timedelta(days=21)
    consultation = services.appointment_type("consultation")
    booked = 0
    for index, patient in enumerate(patients[:3]):
        slots = availability.find_slots(
            consultation,
            consultation.duration_minutes,
            after=now + timedelta(days=1 + index),
            before=horizon,
            limit=1,
        )
        if slots:
            try:
                services.appointment_book(
                    patient=patient,
                    type=consultation,
                    start=slots[0].start,
                    booked_by=coordinator,
                    notify=False,
                )
                booked += 1
            except (services.BookingError, services.SlotTaken):
                pass
    procedure = services.appointment_type("procedure")
    cleared = [
        e.patient
        for e in Evaluation.objects.select_related("patient").order_by("-id")
        if e.cleared_for_procedure
    ]
    for patient in cleared[:2]:
        codes = services.procedure_nerves(patient, [])
        minutes = services.required_minutes(procedure, codes)
        slots = availability.find_slots(
            procedure, minutes, after=now + timedelta(days=3), before=horizon, limit=1
        )
        if slots:
            try:
                services.appointment_book(
                    patient=patient,
                    type=procedure,
                    start=slots[0].start,
                    nerve_codes=codes,
                    booked_by=coordinator,
                    notify=False,
                )
                booked += 1
            except (services.BookingError, services.SlotTaken):
                pass
    ctx.log.append(f"scheduling: {booked} demo appointments booked")


def load(ctx) -> None:
    _resources(ctx)
    if ctx.first_time("scheduling.appointments"):
        _appointments(ctx)
        ctx.log.append(f"scheduling: resources and opening hours from {date.today():%d/%m/%Y}")
