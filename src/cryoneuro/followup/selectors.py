from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from cryoneuro.accounts.access import ensure_patient_access
from cryoneuro.accounts.roles import ALL, Perm, scope
from cryoneuro.patients.models import Patient

from .models import FollowUpItem, ItemKind, ItemStatus, QuestionnaireResponse


def item_get(*, user: Any, item_id: int, perm: Perm = Perm.FOLLOWUP_MANAGE) -> FollowUpItem:
    try:
        item = FollowUpItem.objects.select_related("patient", "procedure").get(pk=item_id)
    except FollowUpItem.DoesNotExist:
        raise Http404 from None
    ensure_patient_access(user, perm, item.patient)
    return item


def response_get(
    *, user: Any, response_id: int, perm: Perm = Perm.QUESTIONNAIRE_FILL
) -> QuestionnaireResponse:
    try:
        response = QuestionnaireResponse.objects.select_related("patient", "item", "procedure").get(
            pk=response_id
        )
    except QuestionnaireResponse.DoesNotExist:
        raise Http404 from None
    ensure_patient_access(user, perm, response.patient)
    return response


VISITS_TO_BOOK_HORIZON_DAYS = 14
"""How far ahead the booking worklist looks (a scheduling choice, not a clinical figure:
two weeks leaves time to offer the patient a slot before the visit is due)."""


def visits_to_book(
    *, user: Any, today: date, horizon_days: int = VISITS_TO_BOOK_HORIZON_DAYS
) -> QuerySet[FollowUpItem]:
    """Follow-up visits due within ``horizon_days`` (or overdue) that are still open.

    For whoever books appointments (coordinators, physicians): it names the patient and
    the due date only, no clinical content, so booking needs no follow-up permission."""
    if scope(getattr(user, "role", None), Perm.APPOINTMENT_BOOK) != ALL:
        return FollowUpItem.objects.none()
    return (
        FollowUpItem.objects.filter(
            kind=ItemKind.VISIT,
            status__in=[ItemStatus.PLANNED, ItemStatus.SENT],
            due_date__lte=today + timedelta(days=horizon_days),
        )
        .select_related("patient")
        .order_by("due_date", "id")
    )


def calls_due(*, user: Any, today: date) -> QuerySet[FollowUpItem]:
    """Nurse calls due today or overdue, for whoever manages the follow-up."""
    if scope(getattr(user, "role", None), Perm.FOLLOWUP_MANAGE) != ALL:
        return FollowUpItem.objects.none()
    return (
        FollowUpItem.objects.filter(
            kind=ItemKind.CALL,
            status__in=[ItemStatus.PLANNED, ItemStatus.SENT],
            due_date__lte=today,
        )
        .select_related("patient")
        .order_by("due_date", "id")
    )


def items_for_patient(*, patient: Patient):
    return patient.followup_items.select_related("procedure").prefetch_related("responses")


def followup_export(*, patient: Patient) -> dict:
    return {
        "schedule": [
            {
                "kind": i.kind,
                "day": i.day,
                "due_date": i.due_date.isoformat(),
                "label": i.display_label,
                "status": i.status,
                "procedure_id": i.procedure_id,
            }
            for i in items_for_patient(patient=patient)
        ],
        "questionnaires": [
            {
                "answered_on": r.answered_on.isoformat(),
                "status": r.status,
                "instruments": r.instruments,
                "answers": r.answers,
                "scores": r.scores,
                "nrs": r.nrs,
                "mme_per_day": r.mme_per_day,
                "procedure_id": r.procedure_id,
            }
            for r in patient.questionnaire_responses.all()
        ],
    }
