"""Roles and what each may do: ONE explicit table, enforced server-side everywhere.

Every page and API endpoint names the permission it needs (``requires(Perm.X)`` for views,
``auth=perm_auth(Perm.X)`` for API operations) and every patient-scoped read goes through
:func:`can_access_patient`, which adds the own-record rule for patients. The matrix test
(tests/apps/test_permission_matrix.py) walks this table against every endpoint.

Least privilege: administrators manage accounts and read the audit trail but do not read
clinical records; coordinators see identity and contact data (to book) but no clinical
content; patients see only their own record.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    PHYSICIAN = "physician", _("Physician")
    NURSE = "nurse", _("Nurse")
    COORDINATOR = "coordinator", _("Coordinator")
    PATIENT = "patient", _("Patient")


STAFF_ROLES = frozenset({Role.ADMINISTRATOR, Role.PHYSICIAN, Role.NURSE, Role.COORDINATOR})


class Perm(StrEnum):
    # identity and contact data
    PATIENT_LIST = "patient.list"
    PATIENT_VIEW = "patient.view"
    PATIENT_CREATE = "patient.create"
    PATIENT_EDIT = "patient.edit"
    PATIENT_EXPORT = "patient.export"
    # clinical content
    EVALUATION_VIEW = "evaluation.view"
    EVALUATION_CREATE = "evaluation.create"
    EVALUATION_REVIEW = "evaluation.review"
    # treatment plans (issue 4)
    PLAN_VIEW = "plan.view"
    PLAN_CREATE = "plan.create"
    # scheduling (issue 5)
    APPOINTMENT_VIEW = "appointment.view"
    APPOINTMENT_BOOK = "appointment.book"  # book, move, cancel for any patient
    APPOINTMENT_REQUEST = "appointment.request"  # a patient asks for a consultation
    CALENDAR_VIEW = "calendar.view"  # day/week calendars of resources
    SCHEDULE_MANAGE = "schedule.manage"  # resources, opening hours, exceptions, blocks
    # procedure day and after (issue 6)
    PROCEDURE_VIEW = "procedure.view"
    PROCEDURE_RECORD = "procedure.record"  # check-in, checklist steps, freeze cycles
    PROCEDURE_OVERRIDE = "procedure.override"  # close with a step missing, with reasons
    FOLLOWUP_VIEW = "followup.view"
    FOLLOWUP_MANAGE = "followup.manage"  # edit schedules, fill questionnaires for patients
    QUESTIONNAIRE_FILL = "questionnaire.fill"
    ADVERSE_EVENT_RECORD = "adverse_event.record"
    CAREPLAN_VIEW = "careplan.view"
    CAREPLAN_EDIT = "careplan.edit"
    FHIR_EXPORT = "fhir.export"
    # administration
    AUDIT_VIEW = "audit.view"
    USER_MANAGE = "user.manage"


# Scope: ALL = any patient; OWN = only the patient record linked to the user.
ALL = "all"
OWN = "own"

PERMISSIONS: dict[Role, dict[Perm, str]] = {
    Role.ADMINISTRATOR: {
        Perm.AUDIT_VIEW: ALL,
        Perm.USER_MANAGE: ALL,
        Perm.SCHEDULE_MANAGE: ALL,
    },
    Role.PHYSICIAN: {
        Perm.PATIENT_LIST: ALL,
        Perm.PATIENT_VIEW: ALL,
        Perm.PATIENT_CREATE: ALL,
        Perm.PATIENT_EDIT: ALL,
        Perm.PATIENT_EXPORT: ALL,
        Perm.EVALUATION_VIEW: ALL,
        Perm.EVALUATION_CREATE: ALL,
        Perm.EVALUATION_REVIEW: ALL,
        Perm.PLAN_VIEW: ALL,
        Perm.PLAN_CREATE: ALL,
        Perm.APPOINTMENT_VIEW: ALL,
        Perm.APPOINTMENT_BOOK: ALL,
        Perm.CALENDAR_VIEW: ALL,
        Perm.PROCEDURE_VIEW: ALL,
        Perm.PROCEDURE_RECORD: ALL,
        Perm.PROCEDURE_OVERRIDE: ALL,
        Perm.FOLLOWUP_VIEW: ALL,
        Perm.FOLLOWUP_MANAGE: ALL,
        Perm.QUESTIONNAIRE_FILL: ALL,
        Perm.ADVERSE_EVENT_RECORD: ALL,
        Perm.CAREPLAN_VIEW: ALL,
        Perm.CAREPLAN_EDIT: ALL,
        Perm.FHIR_EXPORT: ALL,
    },
    Role.NURSE: {
        Perm.PATIENT_LIST: ALL,
        Perm.PATIENT_VIEW: ALL,
        Perm.PATIENT_CREATE: ALL,
        Perm.PATIENT_EDIT: ALL,
        Perm.EVALUATION_VIEW: ALL,
        Perm.EVALUATION_CREATE: ALL,
        Perm.PLAN_VIEW: ALL,
        Perm.APPOINTMENT_VIEW: ALL,
        Perm.CALENDAR_VIEW: ALL,
        Perm.PROCEDURE_VIEW: ALL,
        Perm.PROCEDURE_RECORD: ALL,
        Perm.FOLLOWUP_VIEW: ALL,
        Perm.FOLLOWUP_MANAGE: ALL,
        Perm.QUESTIONNAIRE_FILL: ALL,
        Perm.ADVERSE_EVENT_RECORD: ALL,
        Perm.CAREPLAN_VIEW: ALL,
        Perm.CAREPLAN_EDIT: ALL,
    },
    Role.COORDINATOR: {
        Perm.PATIENT_LIST: ALL,
        Perm.PATIENT_VIEW: ALL,
        Perm.PATIENT_CREATE: ALL,
        Perm.PATIENT_EDIT: ALL,
        Perm.APPOINTMENT_VIEW: ALL,
        Perm.APPOINTMENT_BOOK: ALL,
        Perm.CALENDAR_VIEW: ALL,
        Perm.SCHEDULE_MANAGE: ALL,
    },
    Role.PATIENT: {
        Perm.PATIENT_VIEW: OWN,
        Perm.PATIENT_EXPORT: OWN,
        Perm.EVALUATION_VIEW: OWN,
        Perm.PLAN_VIEW: OWN,
        Perm.APPOINTMENT_VIEW: OWN,
        Perm.APPOINTMENT_REQUEST: OWN,
        Perm.PROCEDURE_VIEW: OWN,
        Perm.FOLLOWUP_VIEW: OWN,
        Perm.QUESTIONNAIRE_FILL: OWN,
        Perm.CAREPLAN_VIEW: OWN,
        Perm.FHIR_EXPORT: OWN,
    },
}


def scope(role: str | None, perm: Perm) -> str | None:
    """The scope ``role`` has for ``perm`` (ALL, OWN) or None when it has none."""
    if role is None:
        return None
    try:
        return PERMISSIONS[Role(role)].get(perm)
    except ValueError:
        return None
