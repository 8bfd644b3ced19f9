"""50 concurrent attempts at one slot: exactly one booking, 49 clear conflicts (threads,
each with its own database connection; run on SQLite and on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import itertools
import threading

import pytest
from django.db import connection
from django.utils import timezone

from .conftest import paris

pytestmark = pytest.mark.django_db(transaction=True)

ATTEMPTS = 50


def _next_tuesday_9h() -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=7)
    day += dt.timedelta(days=(1 - day.weekday()) % 7)
    return paris(day.year, day.month, day.day, 9, 0)


def _race(book) -> dict:
    barrier = threading.Barrier(ATTEMPTS)
    results: dict[str, list] = {"booked": [], "taken": [], "other": []}
    lock = threading.Lock()

    def attempt(i):
        from django.utils import translation

        from cryoneuro.scheduling import services

        translation.activate("en")
        try:
            barrier.wait()
            outcome = ("booked", book(i).pk)
        except services.SlotTaken as taken:
            outcome = ("taken", taken)
        except Exception as error:
            outcome = ("other", repr(error))
        finally:
            connection.close()
        with lock:
            results[outcome[0]].append(outcome[1])

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_fifty_concurrent_bookings_of_one_slot_give_one_booking(clinic, make_patient, coordinator):
    from cryoneuro.scheduling import services
    from cryoneuro.scheduling.models import Appointment, ResourceBooking

    patients = [make_patient(f"P{i:02d}", email="") for i in range(ATTEMPTS)]
    start = _next_tuesday_9h()
    physician = clinic["physician"]

    results = _race(
        lambda i: services.appointment_book(
            patient=patients[i],
            type="consultation",
            start=start,
            practitioner=physician,
            booked_by=coordinator,
        )
    )

    assert results["other"] == []
    assert len(results["booked"]) == 1
    assert len(results["taken"]) == ATTEMPTS - 1
    for taken in results["taken"]:  # each conflict is clear and offers other times
        assert "taken" in str(taken)
        assert taken.alternatives and all(s.start != start for s in taken.alternatives)
    assert Appointment.objects.count() == 1
    assert ResourceBooking.objects.filter(resource=physician, active=True).count() == 1


def test_fifty_concurrent_procedures_never_share_a_room(
    clinic, make_patient, coordinator, knee_case, physician
):
    """Auto-assigned resources: with one room and one console, one procedure per slot."""
    from cryoneuro.clinical.eligibility import Case
    from cryoneuro.evaluation.services import evaluation_create
    from cryoneuro.scheduling import services
    from cryoneuro.scheduling.models import ResourceBooking

    patients = []
    for i in range(ATTEMPTS):
        patient = make_patient(f"Q{i:02d}", email="")
        evaluation_create(patient=patient, created_by=physician, case=Case(**knee_case))
        patients.append(patient)
    start = _next_tuesday_9h() + dt.timedelta(hours=4)

    results = _race(
        lambda i: services.appointment_book(
            patient=patients[i],
            type="procedure",
            start=start,
            nerve_codes=["ipbsn"],
            booked_by=coordinator,
        )
    )

    assert results["other"] == []
    assert len(results["booked"]) == 1 and len(results["taken"]) == ATTEMPTS - 1
    for resource in clinic.values():
        rows = list(
            ResourceBooking.objects.filter(resource=resource, active=True)
            .values_list("start", "end")
            .order_by("start")
        )
        for (_s1, e1), (s2, _e2) in itertools.pairwise(rows):
            assert e1 <= s2
