"""API endpoints of the patients app (mounted at /api/ by cryoneuro.api.router)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from ninja import Router, Schema, Status
from pydantic import Field, field_validator

from cryoneuro.accounts.roles import Perm
from cryoneuro.core.api import InputSchema, IsoDate, Unprocessable, perm_auth, raise_422
from cryoneuro.core.audit import audit_read

from . import selectors, services
from .country import ALL_COUNTRY_FIELDS, active_fields, active_profile

router = Router(tags=["patients"])


class PatientIn(InputSchema):
    family_name: str = Field(min_length=1, max_length=100)
    given_name: str = Field(min_length=1, max_length=100)
    birth_date: date
    sex: str = Field(pattern="^(female|male|other|unknown)$")
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=30)
    preferred_language: str = Field(default="fr", pattern="^(fr|en)$")
    referring_physician: str = Field(default="", max_length=200)
    consent_data_processing: bool = False
    not_a_duplicate: bool = Field(
        default=False,
        description=(
            "Identity vigilance: a record with the same date of birth and a name that "
            "sounds alike gets a 422 listing it under `duplicates`; send true to register "
            "anyway, once checked that it is someone else (kept in the audit trail)."
        ),
    )
    identifiers: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "The clinic's country profile's identifiers (GET /api/patients/country lists "
            "them). Switzerland: ahv_number (where the clinic may keep it), "
            "insurance_card_number, insurer_name, insurer_number, insurance_coverage "
            "(basic|supplementary), canton. France: ins_number (NIR or NIA, key included), "
            "ins_identity_status (provisoire|recuperee|validee|qualifiee), birth_family_name, "
            "birthplace_code (INSEE). A bad one gets a 422 naming the failed check."
        ),
    )

    @field_validator("email")
    @classmethod
    def valid_email(cls, value: str) -> str:
        if value:
            try:
                validate_email(value)
            except ValidationError:
                raise ValueError(gettext_noop("Enter a valid email address.")) from None
        return value

    @field_validator("birth_date")
    @classmethod
    def not_in_future(cls, value: date) -> date:
        if value > timezone.localdate():
            raise ValueError(gettext_noop("The date of birth cannot be in the future."))
        if value.year < 1900:
            raise ValueError(gettext_noop("The date of birth must be after 1900."))
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
    allergies: list[dict[str, Any]]
    allergies_recorded_at: datetime | None
    created_at: datetime
    country: str
    identifiers: dict[str, str]

    @staticmethod
    def resolve_country(obj: Any) -> str:
        return active_profile().code

    @staticmethod
    def resolve_identifiers(obj: Any) -> dict[str, str]:
        """Only the active country profile's identifiers, as stored."""
        return {name: getattr(obj, name) for name in active_fields()}


class CountryOut(Schema):
    code: str
    time_zone: str
    currency: str
    identifier_fields: list[str]
    diagnoses: str
    acts: str
    secure_mail: str


class AllergiesIn(Schema):
    """The record's known allergies ([] = none known); each ``{substance, detail}`` with
    substance one of amide_local_anaesthetic, ester_local_anaesthetic, chlorhexidine,
    povidone_iodine, latex, other (detail required for other)."""

    allergies: list[dict[str, Any]]


@router.get("/patients", response=list[PatientOut], auth=perm_auth(Perm.PATIENT_LIST))
def list_patients(request, q: str = "", birth_date: IsoDate | None = None):
    patients = list(
        selectors.patient_search(user=request.user, query=q, birth_date=birth_date)[:100]
    )
    audit_read(
        request,
        object_type="patients.patient",
        detail={
            "query": q,
            "birth_date": str(birth_date or ""),
            "results": len(patients),
            "via": "api",
        },
        action="search",
    )
    return patients


@router.get("/patients/country", response=CountryOut, auth=perm_auth(Perm.PATIENT_LIST))
def get_clinic_country(request):
    """The clinic's country profile: which identifiers a patient record takes."""
    country = active_profile()
    return {
        "code": country.code,
        "time_zone": country.time_zone,
        "currency": country.currency,
        "identifier_fields": list(active_fields()),
        "diagnoses": country.diagnoses.name,
        "acts": country.acts.name,
        "secure_mail": country.secure_mail,
    }


@router.post("/patients", response={201: PatientOut}, auth=perm_auth(Perm.PATIENT_CREATE))
def create_patient(request, payload: PatientIn):
    data = payload.dict()
    identifiers = data.pop("identifiers") or {}
    unknown = sorted(set(identifiers) - set(active_fields()))
    if unknown:
        raise_422(
            {
                f"identifiers.{name}": [gettext("Not an identifier of this clinic's country.")]
                for name in unknown
            }
        )
    data.update(identifiers)
    not_a_duplicate = data.pop("not_a_duplicate")
    duplicates = selectors.patient_possible_duplicates(
        user=request.user,
        family_name=data["family_name"],
        given_name=data["given_name"],
        birth_date=data["birth_date"],
        birth_family_name=data.get("birth_family_name") or "",
    )
    if duplicates and not not_a_duplicate:
        audit_read(
            request,
            object_type="patients.patient",
            detail={"duplicate_check": True, "results": len(duplicates), "via": "api"},
            action="search",
        )
        raise Unprocessable(
            {"__all__": [gettext("This person may already have a record.")]},
            duplicates=[{"id": d.pk, "identifier": d.identifier} for d in duplicates],
        )
    try:
        patient = services.patient_create(
            created_by=request.user,
            request=request,
            duplicates_dismissed=[d.pk for d in duplicates] or None,
            **data,
        )
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise_422(error)
        raise_422(
            {
                (f"identifiers.{name}" if name in ALL_COUNTRY_FIELDS else name): messages
                for name, messages in error.message_dict.items()
            }
        )
    return Status(201, patient)


@router.get("/patients/{patient_id}", response=PatientOut, auth=perm_auth(Perm.PATIENT_VIEW))
def get_patient(request, patient_id: int):
    patient = selectors.patient_get(user=request.user, patient_id=patient_id)
    audit_read(request, obj=patient, patient_id=patient.pk, detail={"via": "api"})
    return patient


@router.get("/patients/{patient_id}/export", auth=perm_auth(Perm.PATIENT_EXPORT))
def export_patient(request, patient_id: int):
    patient = selectors.patient_get(
        user=request.user, patient_id=patient_id, perm=Perm.PATIENT_EXPORT
    )
    audit_read(request, obj=patient, patient_id=patient.pk, detail={"via": "api"}, action="export")
    return selectors.patient_export(patient=patient)


@router.post(
    "/patients/{patient_id}/allergies", response=PatientOut, auth=perm_auth(Perm.PATIENT_EDIT)
)
def set_allergies(request, patient_id: int, payload: AllergiesIn):
    patient = selectors.patient_get(
        user=request.user, patient_id=patient_id, perm=Perm.PATIENT_EDIT
    )
    try:
        services.patient_allergies_set(
            patient=patient, allergies=payload.allergies, updated_by=request.user, request=request
        )
    except ValidationError as error:
        raise_422(error)
    return patient
