"""Reads of patient records. Access is checked here, so no caller can forget it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cryoneuro.accounts.access import ensure_patient_access
from cryoneuro.accounts.roles import ALL, Perm, scope
from cryoneuro.audit.models import AuditEntry
from cryoneuro.core.plugins import patient_export_sections
from cryoneuro.countries.phonetic import names_sound_alike

from .country import ALL_COUNTRY_FIELDS, active_profile
from .models import Patient, search_key

# the audit actions that write to a record (reads, exports and searches are no visit)
WRITE_ACTIONS = ("create", "update", "delete")

BIRTH_DATE_FORMATS = ("%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d", "%d-%m-%Y")
"""Dates of birth as people type them in the search box (French dd/mm/yyyy first)."""


def parse_typed_date(text: str) -> date | None:
    """A date typed as dd/mm/yyyy, dd.mm.yyyy, dd-mm-yyyy or yyyy-mm-dd; None otherwise."""
    for fmt in BIRTH_DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def patient_get(*, user: Any, patient_id: int, perm: Perm = Perm.PATIENT_VIEW) -> Patient:
    try:
        patient = Patient.objects.get(pk=patient_id)
    except Patient.DoesNotExist:
        raise Http404 from None
    ensure_patient_access(user, perm, patient)
    return patient


def patient_search(
    *, user: Any, query: str = "", birth_date: date | None = None
) -> QuerySet[Patient]:
    """Search by name (any part, accents and case ignored), identifier, or date of birth
    (typed in the query or given apart), within the user's scope."""
    granted = scope(getattr(user, "role", None), Perm.PATIENT_LIST)
    patients = Patient.objects.all()
    if granted != ALL:
        return patients.none()
    for term in query.split():
        typed_date = parse_typed_date(term)
        if typed_date is not None:
            patients = patients.filter(birth_date=typed_date)
            continue
        patients = patients.filter(
            Q(search_name__contains=search_key(term)) | Q(identifier__icontains=term)
        )
    if birth_date is not None:
        patients = patients.filter(birth_date=birth_date)
    return patients


def patient_possible_duplicates(
    *,
    user: Any,
    family_name: str,
    given_name: str,
    birth_date: date,
    birth_family_name: str = "",
    exclude_id: int | None = None,
) -> list[Patient]:
    """Records (within the user's scope) that may be this person: the same date of birth
    and names that sound alike (cryoneuro.countries.phonetic), the family and first given
    names or the two swapped, the birth name counted too. Identity vigilance: the user
    confirms before a second record is created."""
    candidates = patient_search(user=user, birth_date=birth_date)
    if exclude_id is not None:
        candidates = candidates.exclude(pk=exclude_id)
    names = {family_name, birth_family_name} - {""}
    found = []
    for other in candidates[:200]:
        others = {other.family_name, other.birth_family_name} - {""}
        if any(
            names_sound_alike(mine, given_name, theirs, other.given_name)
            for mine in names
            for theirs in others
        ):
            found.append(other)
    return found


@dataclass(frozen=True)
class RetentionRow:
    patient: Patient
    last_activity: date  # the last audited write on the record (the record's creation at least)
    archive_from: date | None
    keep_until: date
    status: str  # "active", "archive" (France: past the active years), "destroyable"


def patient_retention_report(*, today: date) -> list[RetentionRow]:
    """Every record against the country profile's retention (cryoneuro.countries), for a
    dry-run report: nothing is changed. The last visit is the last audited write on the
    record (a visit, an evaluation, a procedure, a questionnaire, an edit): every clinical
    write is audited with its patient, reads are not counted."""
    country = active_profile()
    last_writes = dict(
        AuditEntry.objects.filter(patient_id__isnull=False, action__in=WRITE_ACTIONS)
        .values("patient_id")
        .annotate(last=Max("at"))
        .values_list("patient_id", "last")
    )
    rows = []
    for patient in Patient.objects.order_by("pk"):
        moment = last_writes.get(patient.pk) or patient.created_at
        last = timezone.localdate(moment)
        keep_until = country.retention_until(last, patient.birth_date)
        archive_from = country.archive_from(last)
        if today >= keep_until:
            status = "destroyable"
        elif archive_from is not None and today >= archive_from:
            status = "archive"
        else:
            status = "active"
        rows.append(RetentionRow(patient, last, archive_from, keep_until, status))
    return rows


def patient_export(*, patient: Patient) -> dict:
    """Everything the clinic holds on this patient, as plain JSON (GDPR art. 15/20)."""
    return {
        "format": "cryoneuro.patient-export/1",
        "patient": {
            "identifier": patient.identifier,
            "family_name": patient.family_name,
            "given_name": patient.given_name,
            "birth_date": patient.birth_date.isoformat(),
            "sex": patient.sex,
            "email": patient.email,
            "phone": patient.phone,
            "preferred_language": patient.preferred_language,
            "referring_physician": patient.referring_physician,
            "consent_data_processing": patient.consent_data_processing,
            "consent_recorded_at": (
                patient.consent_recorded_at.isoformat() if patient.consent_recorded_at else None
            ),
            "allergies": list(patient.allergies or []),
            "allergies_recorded_at": (
                patient.allergies_recorded_at.isoformat() if patient.allergies_recorded_at else None
            ),
            "created_at": patient.created_at.isoformat(),
            # the country profiles' identifiers the record holds (AHV, card, INS...)
            "country_identifiers": {
                name: getattr(patient, name)
                for name in ALL_COUNTRY_FIELDS
                if getattr(patient, name)
            },
        },
        **patient_export_sections(patient),
    }
