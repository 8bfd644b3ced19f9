"""Scheduling: resources, opening hours, appointments that never double-book, reminders.

- models.py: Resource (physician, procedure room, recovery place, cryo console), weekly
  OpeningHours (clinic wall-clock), ScheduleException (closures), InternalBlock,
  AppointmentType, Appointment and its ResourceBooking rows (UTC; the database refuses
  overlapping active rows of one resource: migration 0002), BookingRequest, SentReminder.
- availability.py: open/free intervals and slots, computed per local day in TIME_ZONE.
- services.py: appointment_book / _move / _cancel (SlotTaken carries the nearest free
  slots; BookingError maps fields to messages), requests, blocks, closures, feed tokens.
- notifications.py and ``manage.py send_reminders`` (run it from cron, e.g. every 10
  minutes): reminders at SCHEDULING_REMINDER_OFFSETS_HOURS, never twice, never for a
  moved or cancelled appointment's old time.
- calendars.py: .ics for patients, private per-practitioner feeds (revocable token).
"""
