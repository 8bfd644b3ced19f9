"""Writes to patient records. Each write is audited in the same transaction."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from pydantic import ValidationError as PydanticValidationError

from cryoneuro.accounts.roles import Role
from cryoneuro.audit.services import audit_record
from cryoneuro.clinical.safety import Allergy
from cryoneuro.core.api import pydantic_message

from .country import ALL_COUNTRY_FIELDS, active_fields, clean_identifiers
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
    *ALL_COUNTRY_FIELDS,
)

# A national identifier belongs to one person: a second record with it is a duplicate.
UNIQUE_IDENTIFIERS = {
    "ahv_number": _lazy("Another record already has this AHV number (a duplicate?)."),
    "ins_number": _lazy("Another record already has this INS (a duplicate?)."),
}


def _identifiers_clean(
    *,
    values: dict[str, Any],
    sex: str,
    birth_date: date | None,
    traits: dict[str, Any],
    patient_id: int | None = None,
) -> dict[str, Any]:
    """The country identifiers checked by the active profile (a ValidationError naming
    the failed check otherwise), and no national identifier already on another record."""
    cleaned = clean_identifiers(values, sex=sex, birth_date=birth_date, traits=traits)
    errors: dict[str, list[Any]] = {}
    for name, message in UNIQUE_IDENTIFIERS.items():
        value = cleaned.get(name)
        others = Patient.objects.filter(**{name: value})
        if patient_id is not None:
            others = others.exclude(pk=patient_id)
        if value and others.exists():
            errors[name] = [ValidationError(message, code="duplicate")]
    if errors:
        raise ValidationError(errors)
    return cleaned


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
    allergies: list[Any] | None = None,
    request=None,
    duplicates_dismissed: list[int] | None = None,
    **identifiers: str,
) -> Patient:
    """Register a patient; ``allergies`` (a list, [] = none known) records them at once,
    ``None`` leaves them "not recorded". ``identifiers`` are the country profile's
    (patients.country.active_fields()), checked by it; others are refused.
    ``duplicates_dismissed``: the records suggested as the same person that the user
    said are not (kept in the audit entry)."""
    unknown = set(identifiers) - set(ALL_COUNTRY_FIELDS)
    if unknown:
        raise ValueError(f"Not a patient identifier: {', '.join(sorted(unknown))}")
    identifiers = _identifiers_clean(
        values=identifiers,
        sex=sex,
        birth_date=birth_date,
        traits={
            "birth_family_name": identifiers.get("birth_family_name") or family_name,
            "first_given_name": given_name.split()[0] if given_name.split() else "",
            "birth_date": birth_date,
            "sex": sex,
        },
    )
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
        **identifiers,
    )
    if allergies is not None:
        patient.allergies = allergies_clean(allergies)
        patient.allergies_recorded_at = timezone.now()
    patient.full_clean()
    patient.save()
    patient.identifier = f"CN-{patient.pk:06d}"
    patient.save(update_fields=["identifier"])
    audit_record(
        actor=created_by,
        action="create",
        request=request,
        obj=patient,
        patient_id=patient.pk,
        detail={"duplicates_dismissed": duplicates_dismissed} if duplicates_dismissed else None,
    )
    return patient


@transaction.atomic
def patient_update(*, patient: Patient, updated_by: Any, request=None, **changes: Any) -> Patient:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    # the active profile's identifiers, re-checked whole: a changed sex or birth date
    # must still agree with the INS
    identifier_values = {
        name: changes.get(name, getattr(patient, name))
        for name in {*active_fields(), *(set(changes) & set(ALL_COUNTRY_FIELDS))}
    }
    sex = changes.get("sex", patient.sex)
    birth_date = changes.get("birth_date", patient.birth_date)
    given_name = changes.get("given_name", patient.given_name)
    cleaned = _identifiers_clean(
        values=identifier_values,
        sex=sex,
        birth_date=birth_date,
        traits={
            "birth_family_name": identifier_values.get("birth_family_name")
            or changes.get("family_name", patient.family_name),
            "first_given_name": given_name.split()[0] if given_name.split() else "",
            "birth_date": birth_date,
            "sex": sex,
        },
        patient_id=patient.pk,
    )
    changes = {**changes, **{k: v for k, v in cleaned.items() if k in changes}}
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


INVITATION_EMAIL = {
    "fr": {
        "subject": "{clinic} : votre accès au portail patient",
        "body": (
            "Bonjour {name},\n\n"
            "{clinic} vous a ouvert un accès au portail patient (identifiant : {username}).\n"
            "Choisissez votre mot de passe en suivant ce lien :\n{url}\n\n"
            "Ce lien ne sert qu'une fois et expire dans {days} jours. Si vous n'attendiez "
            "pas ce message, ignorez-le.\n"
        ),
    },
    "en": {
        "subject": "{clinic}: your patient portal access",
        "body": (
            "Hello {name},\n\n"
            "{clinic} has opened a patient portal account for you (username: {username}).\n"
            "Choose your password by following this link:\n{url}\n\n"
            "The link works once and expires in {days} days. If you did not expect this "
            "message, ignore it.\n"
        ),
    },
}


def portal_invitation_url(user: Any, request=None) -> str:
    """The set-password link for ``user``: allauth's password-reset-from-key page, with
    its one-use token (Django's token generator: it expires after PASSWORD_RESET_TIMEOUT
    and stops working once the password is set)."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    if request is not None:
        return request.build_absolute_uri(path)
    return getattr(settings, "FOLLOWUP_SITE_URL", "http://127.0.0.1:8000").rstrip("/") + path


@transaction.atomic
def patient_portal_account_create(
    *, patient: Patient, username: str, created_by: Any, request=None
):
    """Give a patient a portal login that sees only their own record, and e-mail them an
    invitation to choose their own password (nobody else ever knows it)."""
    if not patient.email:
        raise ValidationError(
            {
                "email": [
                    _(
                        "The patient has no e-mail address: add one to the record to "
                        "send the portal invitation."
                    )
                ]
            }
        )
    User = get_user_model()
    user = User(
        username=username,
        role=Role.PATIENT,
        email=patient.email,
        first_name=patient.given_name,
        last_name=patient.family_name,
        preferred_language=patient.preferred_language,
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    patient.user = user
    patient.save(update_fields=["user", "updated_at"])
    language = (
        patient.preferred_language if patient.preferred_language in INVITATION_EMAIL else "fr"
    )
    texts = INVITATION_EMAIL[language]
    fields = {
        "clinic": settings.CLINIC_NAME,
        "name": patient.full_name,
        "username": username,
        "url": portal_invitation_url(user, request),
        "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    subject, body = texts["subject"].format(**fields), texts["body"].format(**fields)
    recipient = patient.email
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])
    )
    audit_record(
        actor=created_by,
        action="update",
        request=request,
        obj=patient,
        patient_id=patient.pk,
        detail={"portal_account": username, "invitation_sent_to": "patient e-mail"},
    )
    return user


def allergies_clean(allergies: list[Any]) -> list[dict[str, str]]:
    """Validate a list of allergies (``{substance, detail}``) with the clinical layer;
    a Django ValidationError keyed ``allergies`` (or ``allergies.<i>.detail``) otherwise."""
    if not isinstance(allergies, list):
        raise ValidationError({"allergies": [_("A list of allergies is expected.")]})
    cleaned: list[dict[str, str]] = []
    errors: dict[str, list[str]] = {}
    for index, item in enumerate(allergies):
        try:
            allergy = item if isinstance(item, Allergy) else Allergy.model_validate(item)
        except PydanticValidationError as exc:
            for problem in exc.errors():
                field = ".".join(["allergies", str(index), *(str(p) for p in problem["loc"])])
                errors.setdefault(field, []).append(pydantic_message(problem))
            continue
        cleaned.append(allergy.model_dump())
    if errors:
        raise ValidationError(errors)
    keys = [(a["substance"], a["detail"].casefold()) for a in cleaned]
    if len(set(keys)) != len(keys):
        raise ValidationError({"allergies": [_("The same allergy is listed twice.")]})
    return cleaned


@transaction.atomic
def patient_allergies_set(
    *, patient: Patient, allergies: list[Any], updated_by: Any, request=None
) -> Patient:
    """Record the patient's known allergies ([] = none known); audited with the old and new
    list. Nothing is saved when one allergy is invalid."""
    cleaned = allergies_clean(allergies)
    before = list(patient.allergies or [])
    patient.allergies = cleaned
    patient.allergies_recorded_at = timezone.now()
    patient.save(update_fields=["allergies", "allergies_recorded_at", "updated_at"])
    audit_record(
        actor=updated_by,
        action="update",
        request=request,
        obj=patient,
        patient_id=patient.pk,
        detail={"fields": ["allergies"], "before": before, "after": cleaned},
    )
    return patient
