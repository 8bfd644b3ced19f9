from __future__ import annotations

from typing import Any

from django.http import Http404

from cryoneuro.accounts.access import ensure_patient_access
from cryoneuro.accounts.roles import Perm
from cryoneuro.patients.models import Patient

from .models import FollowUpItem, QuestionnaireResponse


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
