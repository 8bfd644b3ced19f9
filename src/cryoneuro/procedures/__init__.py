"""Procedures: the checklist-driven record of a procedure day, and adverse events."""
