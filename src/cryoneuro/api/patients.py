from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field, field_validator

from cryoneuro.accounts.roles import Perm
from cryoneuro.audit.services import audit_record
from cryoneuro.patients import selectors, services

from .security import perm_auth

router = Router(tags=["patients"])


class PatientIn(Schema):
    family_name: str = Field(min_length=1, max_length=100)
    given_name: str = Field(min_length=1, max_length=100)
    birth_date: date
    sex: str = Field(pattern="^(female|male|other|unknown)$")
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=30)
    preferred_language: str = Field(default="fr", pattern="^(fr|en)$")
    referring_physician: str = Field(default="", max_length=200)
    consent_data_processing: bool = False

    @field_validator("email")
    @classmethod
    def valid_email(cls, value: str) -> str:
        if value:
            try:
                validate_email(value)
            except ValidationError:
                raise ValueError("enter a valid e-mail address") from None
        return value

    @field_validator("birth_date")
    @classmethod
    def not_in_future(cls, value: date) -> date:
        if value > timezone.localdate():
            raise ValueError("the date of birth cannot be in the future")
        if value.year < 1900:
            raise ValueError("the date of birth must be after 1900")
        return value


class PatientOut(Schema):
    id: int
    identifier: str
    family_name: str
    given_name: str
    birth_date: date
    sex: str
    email: str
    phone: str
    preferred_language: str
    referring_physician: str
    consent_data_processing: bool
    created_at: datetime


@router.get("", response=list[PatientOut], auth=perm_auth(Perm.PATIENT_LIST))
def list_patients(request, q: str = "", birth_date: date | None = None):
    patients = list(
        selectors.patient_search(user=request.user, query=q, birth_date=birth_date)[:100]
    )
    audit_record(
        actor=request.user,
        action="search",
        request=request,
        object_type="patients.patient",
        detail={
            "query": q,
            "birth_date": str(birth_date or ""),
            "results": len(patients),
            "via": "api",
        },
    )
    return patients


@router.post("", response={201: PatientOut}, auth=perm_auth(Perm.PATIENT_CREATE))
def create_patient(request, payload: PatientIn):
    data = payload.dict()
    try:
        patient = services.patient_create(created_by=request.user, request=request, **data)
    except ValidationError as error:
        raise HttpError(422, "; ".join(error.messages)) from None
    return Status(201, patient)


@router.get("/{patient_id}", response=PatientOut, auth=perm_auth(Perm.PATIENT_VIEW))
def get_patient(request, patient_id: int):
    patient = selectors.patient_get(user=request.user, patient_id=patient_id)
    audit_record(
        actor=request.user,
        action="view",
        request=request,
        obj=patient,
        patient_id=patient.pk,
        detail={"via": "api"},
    )
    return patient


@router.get("/{patient_id}/export", auth=perm_auth(Perm.PATIENT_EXPORT))
def export_patient(request, patient_id: int):
    patient = selectors.patient_get(
        user=request.user, patient_id=patient_id, perm=Perm.PATIENT_EXPORT
    )
    audit_record(
        actor=request.user,
        action="export",
        request=request,
        obj=patient,
        patient_id=patient.pk,
        detail={"via": "api"},
    )
    return selectors.patient_export(patient=patient)
