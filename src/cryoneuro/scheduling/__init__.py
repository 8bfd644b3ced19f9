"""Scheduling: resources, opening hours, appointments that never double-book, reminders."""
