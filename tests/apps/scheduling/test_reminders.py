"""Reminders: at the configured offsets, in the patient's language, with the type's
preparation; never for a moved or cancelled appointment's old time; never twice."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from cryoneuro.scheduling import services
from cryoneuro.scheduling.models import SentReminder
from cryoneuro.scheduling.notifications import reminder_send, reminders_due, reminders_send_due

from .conftest import paris

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def at(*args):
    return time_machine.travel(dt.datetime(*args, tzinfo=UTC), tick=False)


@pytest.fixture
def booked(clinic, cleared_patient, coordinator):
    """A procedure on Tuesday 17 March 2026, 09:00 Paris, booked on 2 March."""
    with at(2026, 3, 2, 9, 0):
        return services.appointment_book(
            patient=cleared_patient,
            type="procedure",
            start=paris(2026, 3, 17, 9, 0),
            nerve_codes=["ipbsn"],
            booked_by=coordinator,
            notify=False,
        )


def test_reminders_go_7_days_and_1_day_before_with_the_preparation(booked, mailoutbox):
    with at(2026, 3, 9, 7, 0):  # 8 days before: nothing yet
        assert reminders_send_due() == (0, 0)
    with at(2026, 3, 10, 8, 5):  # 7 days before
        assert reminders_send_due() == (1, 0)
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert "imagerie" in body and "anticoagulant" in body  # French patient, French preparation
    assert "09:00" in body
    with at(2026, 3, 16, 8, 1):  # 1 day before
        assert reminders_send_due() == (1, 0)
    assert len(mailoutbox) == 2
    assert set(SentReminder.objects.values_list("offset_minutes", flat=True)) == {7 * 1440, 1440}


def test_a_sent_reminder_is_never_sent_twice(booked, mailoutbox):
    with at(2026, 3, 10, 8, 5):
        due = reminders_due()
        assert len(due) == 1
        assert reminder_send(due[0]) is True
        assert reminder_send(due[0]) is False  # the same due item again
        assert reminders_send_due() == (0, 0)  # and the next cron run
        call_command("send_reminders")
    assert len(mailoutbox) == 1


def test_a_moved_appointments_old_reminder_is_not_sent(booked, coordinator, mailoutbox):
    with at(2026, 3, 10, 8, 5):
        due = reminders_due()  # computed for 17 March 09:00 ...
        services.appointment_move(
            appointment=booked, start=paris(2026, 3, 19, 14, 0), moved_by=coordinator, notify=False
        )  # ... then moved
        assert reminder_send(due[0]) is False
        assert reminders_send_due() == (0, 0)  # the new time's 7-day reminder is not due yet
    assert mailoutbox == []
    with at(2026, 3, 12, 13, 1):  # 7 days before the new time
        assert reminders_send_due() == (1, 0)
    assert "14:00" in mailoutbox[0].body


def test_a_cancelled_appointment_gets_no_reminder(booked, coordinator, mailoutbox):
    with at(2026, 3, 10, 8, 5):
        due = reminders_due()
        services.appointment_cancel(appointment=booked, cancelled_by=coordinator, notify=False)
        assert reminder_send(due[0]) is False
        assert reminders_due() == []
    assert mailoutbox == []


def test_an_offset_already_past_at_booking_is_skipped(
    clinic, make_patient, coordinator, mailoutbox
):
    with at(2026, 3, 2, 9, 0):
        services.appointment_book(
            patient=make_patient(preferred_language="en"),
            type="consultation",
            start=paris(2026, 3, 5, 9, 0),
            booked_by=coordinator,
            notify=False,
        )
        assert reminders_due() == []  # booked 3 days ahead: no "7 days before" reminder
    with at(2026, 3, 4, 8, 30):
        assert reminders_send_due() == (1, 0)
    assert "Reminder" in mailoutbox[0].subject  # the patient's language: English
    assert "medical reports" in mailoutbox[0].body


def test_a_failed_send_is_retried_later(booked, mailoutbox, monkeypatch):
    from django.core.mail import EmailMessage

    def broken(self, fail_silently=False):
        raise OSError("mail server down")

    with at(2026, 3, 10, 8, 5):
        monkeypatch.setattr(EmailMessage, "send", broken)
        assert reminders_send_due() == (0, 1)
        assert SentReminder.objects.get().status == "failed"
        monkeypatch.undo()
        assert reminders_send_due() == (1, 0)
        assert SentReminder.objects.get().status == "sent"
    assert len(mailoutbox) == 1
