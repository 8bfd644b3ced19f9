"""Roles and what each may do: ONE explicit table, enforced server-side everywhere.

Every page and API endpoint names the permission it needs (``requires(Perm.X)`` for views,
``api_requires`` for the API) and every patient-scoped read goes through
:func:`can_access_patient`, which adds the own-record rule for patients. The matrix test
(tests/django/test_permission_matrix.py) walks this table against every endpoint.

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
    },
    Role.NURSE: {
        Perm.PATIENT_LIST: ALL,
        Perm.PATIENT_VIEW: ALL,
        Perm.PATIENT_CREATE: ALL,
        Perm.PATIENT_EDIT: ALL,
        Perm.EVALUATION_VIEW: ALL,
        Perm.EVALUATION_CREATE: ALL,
    },
    Role.COORDINATOR: {
        Perm.PATIENT_LIST: ALL,
        Perm.PATIENT_VIEW: ALL,
        Perm.PATIENT_CREATE: ALL,
        Perm.PATIENT_EDIT: ALL,
    },
    Role.PATIENT: {
        Perm.PATIENT_VIEW: OWN,
        Perm.PATIENT_EXPORT: OWN,
        Perm.EVALUATION_VIEW: OWN,
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
