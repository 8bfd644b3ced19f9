"""Booking rules: what is refused (nothing saved), durations, resources, audit, the
database's own no-overlap guarantee."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction

from cryoneuro.audit.models import AuditEntry
from cryoneuro.scheduling import services
from cryoneuro.scheduling.models import Appointment, ResourceBooking, ScheduleException

from .conftest import paris

pytestmark = pytest.mark.django_db


def test_it_books_a_consultation_with_the_physician(clinic, frozen, make_patient, coordinator):
    patient = make_patient()
    appointment = services.appointment_book(
        patient=patient, type="consultation", start=paris(2026, 3, 3, 9, 0), booked_by=coordinator
    )
    assert appointment.start == dt.datetime(2026, 3, 3, 8, 0, tzinfo=dt.UTC)  # stored in UTC
    assert appointment.end - appointment.start == dt.timedelta(minutes=45)
    rows = list(appointment.bookings.values_list("resource_id", flat=True))
    assert rows == [clinic["physician"].pk]
    entry = AuditEntry.objects.filter(object_type="scheduling.appointment").get()
    assert entry.action == "create" and entry.patient_id == patient.pk


def test_a_procedure_takes_physician_room_console_then_a_recovery_place(
    clinic, frozen, cleared_patient, coordinator
):
    appointment = services.appointment_book(
        patient=cleared_patient,
        type="procedure",
        start=paris(2026, 3, 3, 9, 0),
        nerve_codes=["ipbsn"],
        booked_by=coordinator,
    )
    from cryoneuro.clinical.nerves import procedure_minutes

    minutes = procedure_minutes(["ipbsn"])
    assert 20 <= minutes <= 45
    assert appointment.main_end - appointment.start == dt.timedelta(minutes=minutes)
    assert appointment.end - appointment.main_end == dt.timedelta(minutes=30)  # surveillance
    kinds = {
        b.resource.kind: (b.start, b.end) for b in appointment.bookings.select_related("resource")
    }
    assert set(kinds) == {"practitioner", "procedure_room", "console", "recovery"}
    assert kinds["recovery"] == (appointment.main_end, appointment.end)


def test_the_procedure_length_follows_the_treated_zone(
    clinic, frozen, cleared_patient, coordinator
):
    from cryoneuro.clinical.nerves import procedure_minutes

    codes = ["genicular_superomedial", "genicular_superolateral", "genicular_inferomedial"]
    appointment = services.appointment_book(
        patient=cleared_patient,
        type="procedure",
        start=paris(2026, 3, 4, 9, 0),
        nerve_codes=codes,
        booked_by=coordinator,
    )
    assert appointment.main_end - appointment.start == dt.timedelta(
        minutes=procedure_minutes(codes)
    )


@pytest.mark.parametrize(
    "start, field, words",
    [
        (paris(2026, 3, 1, 9, 0), "start", "past"),
        (paris(2026, 3, 3, 7, 0), "start", "opening hours"),
        (paris(2026, 3, 3, 11, 30), "start", "opening hours"),  # runs into the lunch break
        (paris(2026, 3, 7, 10, 0), "start", "closed"),  # a Saturday
    ],
)
def test_bad_times_are_refused_and_nothing_is_saved(
    clinic, frozen, make_patient, coordinator, start, field, words
):
    with pytest.raises(services.BookingError) as error:
        services.appointment_book(
            patient=make_patient(), type="consultation", start=start, booked_by=coordinator
        )
    assert field in error.value.errors
    assert words in str(error.value)
    assert not Appointment.objects.exists() and not ResourceBooking.objects.exists()


def test_a_closure_is_refused_with_its_reason(clinic, frozen, make_patient, coordinator):
    ScheduleException.objects.create(
        kind="holiday",
        start=paris(2026, 3, 5, 0, 0),
        end=paris(2026, 3, 6, 0, 0),
        reason="Fermeture",
    )
    with pytest.raises(services.BookingError, match="Fermeture"):
        services.appointment_book(
            patient=make_patient(),
            type="consultation",
            start=paris(2026, 3, 5, 9, 0),
            booked_by=coordinator,
        )
    assert not Appointment.objects.exists()


def test_too_short_for_the_type_is_refused(clinic, frozen, make_patient, coordinator):
    with pytest.raises(services.BookingError) as error:
        services.appointment_book(
            patient=make_patient(),
            type="consultation",
            start=paris(2026, 3, 3, 9, 0),
            duration_minutes=20,
            booked_by=coordinator,
        )
    assert "duration_minutes" in error.value.errors
    assert not Appointment.objects.exists()


def test_a_procedure_needs_a_cleared_patient(
    clinic, frozen, uncleared_patient, make_patient, coordinator
):
    for patient in (uncleared_patient, make_patient("Sans", "Evaluation")):
        with pytest.raises(services.BookingError) as error:
            services.appointment_book(
                patient=patient,
                type="procedure",
                start=paris(2026, 3, 3, 9, 0),
                nerve_codes=["ipbsn"],
                booked_by=coordinator,
            )
        assert "patient" in error.value.errors
    assert not Appointment.objects.exists() and not ResourceBooking.objects.exists()


def test_a_needs_review_case_approved_by_a_physician_is_cleared(
    clinic, frozen, make_patient, physician, coordinator, knee_case
):
    from cryoneuro.clinical.eligibility import Case
    from cryoneuro.evaluation.services import evaluation_create, evaluation_review

    patient = make_patient()
    evaluation = evaluation_create(
        patient=patient, created_by=physician, case=Case(**{**knee_case, "pregnancy": True})
    )
    assert evaluation.outcome == "needs_review"
    with pytest.raises(services.BookingError):
        services.appointment_book(
            patient=patient, type="procedure", start=paris(2026, 3, 3, 9, 0), booked_by=coordinator
        )
    evaluation_review(evaluation=evaluation, reviewed_by=physician, approved=True, note="ok")
    assert services.appointment_book(
        patient=patient, type="procedure", start=paris(2026, 3, 3, 9, 0), booked_by=coordinator
    )


def test_a_taken_slot_gives_the_nearest_free_ones(clinic, frozen, make_patient, coordinator):
    start = paris(2026, 3, 3, 10, 0)
    services.appointment_book(
        patient=make_patient(), type="consultation", start=start, booked_by=coordinator
    )
    with pytest.raises(services.SlotTaken) as taken:
        services.appointment_book(
            patient=make_patient("Autre"),
            type="consultation",
            start=paris(2026, 3, 3, 10, 15),
            booked_by=coordinator,
        )
    alternatives = [s.start for s in taken.value.alternatives]
    assert len(alternatives) == 5
    assert paris(2026, 3, 3, 10, 45) in alternatives and paris(2026, 3, 3, 9, 15) in alternatives
    for alt in alternatives:  # none overlaps the booked one
        assert alt + dt.timedelta(minutes=45) <= start or alt >= start + dt.timedelta(minutes=45)
    assert Appointment.objects.count() == 1


def test_the_database_itself_refuses_an_overlap(clinic):
    physician = clinic["physician"]
    ResourceBooking.objects.create(
        resource=physician, start=paris(2026, 3, 3, 9, 0), end=paris(2026, 3, 3, 10, 0)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ResourceBooking.objects.create(
            resource=physician, start=paris(2026, 3, 3, 9, 59), end=paris(2026, 3, 3, 11, 0)
        )
    # Back to back is fine, another resource is fine, an inactive row is fine.
    ResourceBooking.objects.create(
        resource=physician, start=paris(2026, 3, 3, 10, 0), end=paris(2026, 3, 3, 11, 0)
    )
    ResourceBooking.objects.create(
        resource=clinic["room"], start=paris(2026, 3, 3, 9, 0), end=paris(2026, 3, 3, 10, 0)
    )
    ResourceBooking.objects.create(
        resource=physician,
        start=paris(2026, 3, 3, 9, 0),
        end=paris(2026, 3, 3, 10, 0),
        active=False,
    )
    # Re-activating or moving a row into an overlap is refused too.
    inactive = ResourceBooking.objects.get(active=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        ResourceBooking.objects.filter(pk=inactive.pk).update(active=True)
    free = ResourceBooking.objects.get(resource=clinic["room"])
    with pytest.raises(IntegrityError), transaction.atomic():
        ResourceBooking.objects.filter(pk=free.pk).update(resource=physician)


def test_move_and_cancel_free_the_old_time(clinic, frozen, make_patient, coordinator):
    patient = make_patient()
    appointment = services.appointment_book(
        patient=patient, type="consultation", start=paris(2026, 3, 3, 9, 0), booked_by=coordinator
    )
    moved = services.appointment_move(
        appointment=appointment, start=paris(2026, 3, 3, 9, 30), moved_by=coordinator
    )  # overlaps its own old time
    assert moved.start == paris(2026, 3, 3, 9, 30) and moved.sequence == 1
    other = services.appointment_book(
        patient=make_patient("B"),
        type="consultation",
        start=paris(2026, 3, 3, 8, 30),
        booked_by=coordinator,
    )
    assert other.pk
    services.appointment_cancel(appointment=moved, cancelled_by=coordinator)
    assert services.appointment_book(
        patient=make_patient("C"),
        type="consultation",
        start=paris(2026, 3, 3, 9, 30),
        booked_by=coordinator,
    )
    actions = list(
        AuditEntry.objects.filter(object_type="scheduling.appointment").values_list(
            "action", flat=True
        )
    )
    assert actions == ["create", "update", "create", "update", "create"]


def test_an_internal_block_hides_the_time_but_is_no_appointment(
    clinic, frozen, make_patient, coordinator
):
    from cryoneuro.scheduling import availability

    services.block_create(
        resource=clinic["physician"],
        start=paris(2026, 3, 3, 8, 0),
        end=paris(2026, 3, 3, 10, 0),
        reason="Staff meeting",
        created_by=coordinator,
    )
    with pytest.raises(services.SlotTaken):
        services.appointment_book(
            patient=make_patient(),
            type="consultation",
            start=paris(2026, 3, 3, 9, 0),
            booked_by=coordinator,
        )
    consultation = services.appointment_type("consultation")
    slots = availability.find_slots(
        consultation, 45, after=paris(2026, 3, 3, 0, 0), before=paris(2026, 3, 4, 0, 0)
    )
    assert slots[0].start == paris(2026, 3, 3, 10, 0)
    assert not Appointment.objects.exists()


def test_the_confirmation_email_carries_an_ics(
    clinic, frozen, make_patient, coordinator, django_capture_on_commit_callbacks, mailoutbox
):
    patient = make_patient(preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_book(
            patient=patient,
            type="consultation",
            start=paris(2026, 3, 3, 9, 0),
            booked_by=coordinator,
        )
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["claire@example.org"]
    # the clinic's zone, named (Europe/Zurich by default: the Swiss profile's)
    assert "09:00" in message.body and settings.TIME_ZONE in message.body
    name, content, mimetype = message.attachments[0]
    assert name.endswith(".ics") and mimetype.startswith("text/calendar")
    content = content if isinstance(content, bytes) else content.encode()
    assert b"DTSTART:20260303T080000Z" in content
