from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from ninja import Router, Schema, Status

from cryoneuro.accounts.roles import Perm
from cryoneuro.clinical.eligibility import Case, assess
from cryoneuro.core.api import perm_auth, raise_422
from cryoneuro.core.audit import audit_read
from cryoneuro.evaluation import selectors, services
from cryoneuro.patients.selectors import patient_get

router = Router(tags=["evaluations"])


class EvaluationOut(Schema):
    id: int
    patient_id: int
    created_at: datetime
    indication: str
    nrs: int
    dn4_score: int | None
    outcome: str
    consent: str
    allergies: list[dict[str, Any]]
    decision: dict[str, Any]
    ruleset_version: str


@router.post("/eligibility/assess", auth=perm_auth(Perm.EVALUATION_CREATE))
def assess_case(request, case: Case):
    """Assess a case without saving anything (the decision the form preview shows)."""
    return assess(case).to_dict()


@router.post(
    "/patients/{patient_id}/evaluations",
    response={201: EvaluationOut},
    auth=perm_auth(Perm.EVALUATION_CREATE),
)
def create_evaluation(request, patient_id: int, case: Case):
    patient = patient_get(user=request.user, patient_id=patient_id, perm=Perm.EVALUATION_CREATE)
    try:
        evaluation = services.evaluation_create(
            patient=patient, created_by=request.user, case=case, request=request
        )
    except ValidationError as error:
        raise_422(error)
    return Status(201, evaluation)


@router.get(
    "/patients/{patient_id}/evaluations",
    response=list[EvaluationOut],
    auth=perm_auth(Perm.EVALUATION_VIEW),
)
def list_evaluations(request, patient_id: int):
    patient = patient_get(user=request.user, patient_id=patient_id, perm=Perm.EVALUATION_VIEW)
    audit_read(
        request,
        object_type="evaluation.evaluation",
        patient_id=patient.pk,
        detail={"via": "api", "list": True},
    )
    return list(selectors.evaluations_for_patient(patient=patient))


@router.get(
    "/evaluations/{evaluation_id}", response=EvaluationOut, auth=perm_auth(Perm.EVALUATION_VIEW)
)
def get_evaluation(request, evaluation_id: int):
    evaluation = selectors.evaluation_get(user=request.user, evaluation_id=evaluation_id)
    audit_read(request, obj=evaluation, patient_id=evaluation.patient_id, detail={"via": "api"})
    return evaluation
