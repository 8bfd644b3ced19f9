"""Closures, internal blocks, patients' own bookings, and the database guard itself."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection

from cryoneuro.scheduling import availability, services
from cryoneuro.scheduling.models import InternalBlock, ScheduleException

from .conftest import paris

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC), tick=False):
        yield


def test_the_database_guard_is_installed_for_this_vendor(db):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT contype FROM pg_constraint WHERE conname = 'scheduling_booking_no_overlap'"
            )
            assert cursor.fetchone() == ("x",)  # an exclusion constraint
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE "
                "'scheduling_booking_no_overlap%' ORDER BY name"
            )
            assert [r[0] for r in cursor.fetchall()] == [
                "scheduling_booking_no_overlap_insert",
                "scheduling_booking_no_overlap_update",
            ]


def test_a_manager_adds_a_closure_and_a_block(
    client, login, administrator, coordinator, clinic, make_patient
):
    login(administrator)  # administrators manage the schedule (no patient data)
    assert client.get("/calendar/manage/").status_code == 200
    response = client.post(
        "/calendar/manage/",
        {
            "what": "leave",
            "resource": clinic["physician"].pk,
            "start": "2026-03-09T00:00",
            "end": "2026-03-14T00:00",
            "reason": "Congrés",
        },
    )
    assert response.status_code == 302
    closure = ScheduleException.objects.get()
    assert closure.start == paris(2026, 3, 9, 0, 0)
    consultation = services.appointment_type("consultation")
    slots = availability.find_slots(
        consultation, 45, after=paris(2026, 3, 9, 0, 0), before=paris(2026, 3, 14, 0, 0)
    )
    assert slots == []
    services.appointment_book(
        patient=make_patient(),
        type="consultation",
        start=paris(2026, 3, 3, 9, 0),
        booked_by=coordinator,
    )
    overlapping = client.post(
        "/calendar/manage/",
        {
            "what": "block",
            "resource": clinic["physician"].pk,
            "start": "2026-03-03T08:30",
            "end": "2026-03-03T10:00",
            "reason": "Réunion",
        },
    )
    assert overlapping.status_code == 422 and not InternalBlock.objects.exists()
    missing = client.post(
        "/calendar/manage/",
        {"what": "block", "start": "2026-03-03T12:00", "end": "2026-03-03T11:00"},
    )
    assert missing.status_code == 422
    assert (
        client.post(
            "/calendar/manage/",
            {
                "what": "block",
                "resource": clinic["physician"].pk,
                "start": "2026-03-03T10:00",
                "end": "2026-03-03T11:00",
                "reason": "Réunion",
            },
        ).status_code
        == 302
    )
    assert InternalBlock.objects.get().bookings.count() == 1


def test_a_patient_books_one_consultation_at_a_time_and_no_procedure(
    make_user, make_patient, clinic, coordinator
):
    user = make_user("patient", "jeanne")
    patient = make_patient(user=user)
    services.appointment_book(
        patient=patient, type="consultation", start=paris(2026, 3, 3, 9, 0), booked_by=user
    )
    with pytest.raises(services.BookingError, match="already have"):
        services.appointment_book(
            patient=patient, type="consultation", start=paris(2026, 3, 4, 9, 0), booked_by=user
        )
    with pytest.raises(services.BookingError, match="booked by the clinic"):
        services.appointment_book(
            patient=patient, type="followup_visit", start=paris(2026, 3, 4, 9, 0), booked_by=user
        )
    # The clinic may book more for them.
    assert services.appointment_book(
        patient=patient, type="consultation", start=paris(2026, 3, 4, 9, 0), booked_by=coordinator
    )


def test_a_manager_sets_resources_and_opening_hours(client, login, coordinator, physician, clinic):
    from cryoneuro.audit.models import AuditEntry
    from cryoneuro.scheduling.models import OpeningHours, Resource

    login(coordinator)
    created = client.post(
        "/calendar/manage/",
        {"action": "resource", "resource-kind": "recovery", "resource-name": "Recovery 3"},
    )
    assert created.status_code == 302
    place = Resource.objects.get(name="Recovery 3")
    no_account = client.post(
        "/calendar/manage/",
        {"action": "resource", "resource-kind": "practitioner", "resource-name": "Dr Sans Compte"},
    )
    assert no_account.status_code == 422
    add = {
        "action": "hours",
        "hours-resource": place.pk,
        "hours-weekday": "5",
        "hours-opens": "09:00",
        "hours-closes": "12:00",
    }
    assert client.post("/calendar/manage/", add).status_code == 302
    overlapping = client.post(
        "/calendar/manage/", {**add, "hours-opens": "11:00", "hours-closes": "13:00"}
    )
    assert overlapping.status_code == 422
    backwards = client.post(
        "/calendar/manage/", {**add, "hours-opens": "15:00", "hours-closes": "14:00"}
    )
    assert backwards.status_code == 422
    hours = OpeningHours.objects.get(resource=place)
    assert (
        client.post("/calendar/manage/", {"action": "hours_delete", "hours": hours.pk}).status_code
        == 302
    )
    assert not OpeningHours.objects.filter(resource=place).exists()
    assert AuditEntry.objects.filter(object_type="scheduling.openinghours").count() == 2
