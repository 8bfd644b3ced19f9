"""Slots across both daylight-saving changes of 2026 in Europe/Paris (29 March, 25 October):
the clinic's 08:00 stays 08:00 on the wall clock, so it moves in UTC."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from cryoneuro.scheduling import availability, services
from cryoneuro.scheduling.models import OpeningHours

from .conftest import PARIS, paris

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def _first_slot(day: dt.date, minutes=45):
    consultation = services.appointment_type("consultation")
    start, end = availability.local_day_bounds(day)
    slots = availability.find_slots(consultation, minutes, after=start, before=end)
    return slots


@pytest.mark.parametrize(
    "day, first_utc",
    [
        (
            dt.date(2026, 3, 27),
            dt.datetime(2026, 3, 27, 7, 0, tzinfo=UTC),
        ),  # Friday, winter (UTC+1)
        (
            dt.date(2026, 3, 30),
            dt.datetime(2026, 3, 30, 6, 0, tzinfo=UTC),
        ),  # Monday, summer (UTC+2)
        (dt.date(2026, 10, 23), dt.datetime(2026, 10, 23, 6, 0, tzinfo=UTC)),  # Friday, summer
        (dt.date(2026, 10, 26), dt.datetime(2026, 10, 26, 7, 0, tzinfo=UTC)),  # Monday, winter
    ],
)
def test_the_first_slot_is_8_oclock_in_paris_on_both_sides_of_each_change(clinic, day, first_utc):
    with time_machine.travel(dt.datetime(2026, 3, 1, tzinfo=UTC), tick=False):
        slots = _first_slot(day)
    assert slots[0].start == first_utc
    assert slots[0].start.astimezone(PARIS).time() == dt.time(8, 0)
    # The whole grid stays on the wall clock: 08:00 .. 11:15, then 13:00 .. 17:15.
    local_times = [s.start.astimezone(PARIS).strftime("%H:%M") for s in slots]
    assert local_times[:2] == ["08:00", "08:15"] and local_times[-1] == "17:15"
    assert "11:30" not in local_times and "13:00" in local_times
    assert len(slots) == 14 + 18


def test_an_appointment_booked_in_winter_for_summer_keeps_its_wall_clock_time(
    clinic, make_patient, coordinator
):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False):
        appointment = services.appointment_book(
            patient=make_patient(),
            type="consultation",
            start=paris(2026, 4, 2, 10, 0),
            booked_by=coordinator,
        )
    assert appointment.start == dt.datetime(2026, 4, 2, 8, 0, tzinfo=UTC)
    assert appointment.start.astimezone(PARIS).hour == 10


@pytest.mark.parametrize(
    "day, expected_local, hours",
    [
        # 29 March: 02:00 does not exist; the night 00:00-06:00 lasts 5 real hours.
        (dt.date(2026, 3, 29), ["00:00", "01:00", "03:00", "04:00", "05:00"], 5),
        # 25 October: 02:00-03:00 happens twice; the night lasts 7 real hours.
        (dt.date(2026, 10, 25), ["00:00", "01:00", "02:00", "02:00", "03:00", "04:00", "05:00"], 7),
    ],
)
def test_a_night_opening_on_the_change_day_has_the_real_number_of_hours(
    clinic, settings, day, expected_local, hours
):
    settings.SCHEDULING_SLOT_STEP_MINUTES = 60
    physician = clinic["physician"]
    OpeningHours.objects.create(
        resource=physician, weekday=6, opens=dt.time(0, 0), closes=dt.time(6, 0)
    )
    phone = services.appointment_type("phone_followup")
    with time_machine.travel(dt.datetime(2026, 3, 1, tzinfo=UTC), tick=False):
        start, end = availability.local_day_bounds(day)
        slots = availability.find_slots(phone, 60, after=start, before=end)
    assert [s.start.astimezone(PARIS).strftime("%H:%M") for s in slots] == expected_local
    assert slots[-1].end - slots[0].start == dt.timedelta(hours=hours)
    assert end - start == dt.timedelta(hours=24 + (1 if hours == 7 else -1))
