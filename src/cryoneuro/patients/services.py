"""Writes to patient records. Each write is audited in the same transaction."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cryoneuro.accounts.roles import Role
from cryoneuro.audit.services import audit_record

from .models import Patient

EDITABLE_FIELDS = (
    "family_name",
    "given_name",
    "birth_date",
    "sex",
    "email",
    "phone",
    "preferred_language",
    "referring_physician",
    "consent_data_processing",
)


@transaction.atomic
def patient_create(
    *,
    created_by: Any,
    family_name: str,
    given_name: str,
    birth_date: date,
    sex: str,
    email: str = "",
    phone: str = "",
    preferred_language: str = "fr",
    referring_physician: str = "",
    consent_data_processing: bool = False,
    request=None,
) -> Patient:
    patient = Patient(
        # A placeholder until the row has its primary key: the identifier derives from it,
        # so two registrations at the same moment can never get the same one.
        identifier=f"new-{uuid.uuid4().hex[:16]}",
        family_name=family_name.strip(),
        given_name=given_name.strip(),
        birth_date=birth_date,
        sex=sex,
        email=email.strip(),
        phone=phone.strip(),
        preferred_language=preferred_language,
        referring_physician=referring_physician.strip(),
        consent_data_processing=consent_data_processing,
        consent_recorded_at=timezone.now() if consent_data_processing else None,
    )
    patient.full_clean()
    patient.save()
    patient.identifier = f"CN-{patient.pk:06d}"
    patient.save(update_fields=["identifier"])
    audit_record(
        actor=created_by, action="create", request=request, obj=patient, patient_id=patient.pk
    )
    return patient


@transaction.atomic
def patient_update(*, patient: Patient, updated_by: Any, request=None, **changes: Any) -> Patient:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    changed = []
    for field, value in changes.items():
        if getattr(patient, field) != value:
            setattr(patient, field, value)
            changed.append(field)
    if "consent_data_processing" in changed:
        patient.consent_recorded_at = timezone.now() if patient.consent_data_processing else None
    patient.full_clean()
    patient.save()
    audit_record(
        actor=updated_by,
        action="update",
        request=request,
        obj=patient,
        patient_id=patient.pk,
        detail={"fields": changed},
    )
    return patient


@transaction.atomic
def patient_portal_account_create(
    *, patient: Patient, username: str, password: str, created_by: Any, request=None
):
    """Give a patient a portal login that sees only their own record."""
    User = get_user_model()
    user = User(
        username=username,
        role=Role.PATIENT,
        email=patient.email,
        first_name=patient.given_name,
        last_name=patient.family_name,
        preferred_language=patient.preferred_language,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    patient.user = user
    patient.save(update_fields=["user", "updated_at"])
    audit_record(
        actor=created_by,
        action="update",
        request=request,
        obj=patient,
        patient_id=patient.pk,
        detail={"portal_account": username},
    )
    return user
