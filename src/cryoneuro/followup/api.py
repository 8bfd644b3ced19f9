"""API endpoints of the followup app (mounted by cryoneuro.api.router), and the FHIR R4
export of a patient's record."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from cryoneuro.accounts.access import can_access_patient
from cryoneuro.accounts.roles import Perm
from cryoneuro.clinical.analgesics import (
    ROUTES,
    convert,
    is_opioid,
    known_drugs,
    normalise_drug_name,
    split_drug,
)
from cryoneuro.core.api import InputSchema, Unprocessable, one_of, perm_auth, raise_422
from cryoneuro.core.audit import audit_read
from cryoneuro.patients.selectors import patient_get
from cryoneuro.procedures.selectors import local_date, procedure_relief_window

from . import questionnaire as qn
from . import selectors, services
from .fhir import patient_bundle
from .models import ItemKind, ItemStatus

router = Router(tags=["follow-up"])

if TYPE_CHECKING:
    ItemKindCode = str
    ItemStatusCode = str
else:  # enumerated in the OpenAPI schema; any other value is a 422
    ItemKindCode = one_of(ItemKind)
    ItemStatusCode = one_of(ItemStatus)


class ItemIn(InputSchema):
    kind: ItemKindCode
    due_date: dt.date
    label: str = ""


class ItemPatch(InputSchema):
    due_date: dt.date | None = None
    status: ItemStatusCode | None = None
    note: str | None = None


class AnswersIn(Schema):
    answers: dict[str, Any] = {}
    complete: bool = False


def item_out(i) -> dict[str, Any]:
    return {
        "id": i.pk,
        "kind": i.kind,
        "day": i.day,
        "due_date": i.due_date,
        "label": i.display_label,
        "status": i.status,
        "instruments": i.instruments,
        "procedure_id": i.procedure_id,
    }


def response_out(r) -> dict[str, Any]:
    return {
        "id": r.pk,
        "status": r.status,
        "item_id": r.item_id,
        "procedure_id": r.procedure_id,
        "answered_on": r.answered_on,
        "instruments": r.instruments,
        "answers": r.answers,
        "scores": r.scores,
        "nrs": r.nrs,
        "mme_per_day": r.mme_per_day,
    }


def _tracking_out(patient) -> list[dict[str, Any]]:
    out = []
    for site in services.relief_tracking(patient=patient):
        out.append(
            {
                "site": site["site"],
                "side": site["side"],
                "next_step": site["next_step"].to_dict(),
                "next_window": site["next_window"].to_dict() if site["next_window"] else None,
                "sessions": [
                    {
                        "procedure_id": s["procedure"].pk,
                        "baseline_nrs": s["baseline"],
                        "series": s["series"],
                        "course": s["course"].to_dict(),
                        "window": s["window"].to_dict() if s["window"] else None,
                        "vs_window": s["vs_window"],
                    }
                    for s in site["sessions"]
                ],
            }
        )
    return out


@router.get("/patients/{patient_id}/follow-up", auth=perm_auth(Perm.FOLLOWUP_VIEW))
def followup_list(request, patient_id: int):
    patient = patient_get(user=request.user, patient_id=patient_id, perm=Perm.FOLLOWUP_VIEW)
    audit_read(
        request, object_type="followup.followupitem", patient_id=patient.pk, detail={"via": "api"}
    )
    return {
        "items": [item_out(i) for i in selectors.items_for_patient(patient=patient)],
        "relief": _tracking_out(patient),
    }


@router.post(
    "/patients/{patient_id}/follow-up/items",
    response={201: dict},
    auth=perm_auth(Perm.FOLLOWUP_MANAGE),
)
def followup_item_create(request, patient_id: int, payload: ItemIn):
    patient = patient_get(user=request.user, patient_id=patient_id, perm=Perm.FOLLOWUP_MANAGE)
    try:
        item = services.followup_item_add(
            patient=patient, user=request.user, request=request, **payload.dict()
        )
    except ValidationError as error:
        raise_422(error)
    return Status(201, item_out(item))


@router.post("/follow-up/items/{item_id}", auth=perm_auth(Perm.FOLLOWUP_MANAGE))
def followup_item_change(request, item_id: int, payload: ItemPatch):
    item = selectors.item_get(user=request.user, item_id=item_id)
    try:
        item = services.followup_item_update(
            item=item, user=request.user, request=request, **payload.dict()
        )
    except ValidationError as error:
        raise_422(error)
    return item_out(item)


@router.get("/patients/{patient_id}/timeline", auth=perm_auth(Perm.FOLLOWUP_VIEW))
def followup_timeline(request, patient_id: int):
    """The series behind the timeline chart: NRS and MME per day, procedures, windows."""
    patient = patient_get(user=request.user, patient_id=patient_id, perm=Perm.FOLLOWUP_VIEW)
    audit_read(
        request, object_type="followup.timeline", patient_id=patient.pk, detail={"via": "api"}
    )

    responses = patient.questionnaire_responses.order_by("answered_on", "id")
    return {
        "nrs": [
            {"date": r.answered_on, "value": r.nrs, "draft": r.is_draft}
            for r in responses
            if r.nrs is not None
        ],
        "mme_per_day": [
            {"date": r.answered_on, "value": r.mme_per_day}
            for r in responses
            if r.mme_per_day is not None
        ],
        "procedures": [
            {
                "id": p.pk,
                "date": local_date(p),
                "site": p.site_label,
                "baseline_nrs": services.baseline_nrs(p),
                "relief_window": (
                    w.to_dict(local_date(p)) if (w := procedure_relief_window(p)) else None
                ),
            }
            for p in patient.procedures.order_by("checked_in_at")
        ],
        "relief": _tracking_out(patient),
    }


@router.get("/patients/{patient_id}/questionnaires", auth=perm_auth(Perm.FOLLOWUP_VIEW))
def questionnaire_list(request, patient_id: int):
    patient = patient_get(user=request.user, patient_id=patient_id, perm=Perm.FOLLOWUP_VIEW)
    audit_read(
        request,
        object_type="followup.questionnaireresponse",
        patient_id=patient.pk,
        detail={"via": "api", "list": True},
    )
    return [response_out(r) for r in patient.questionnaire_responses.all()]


@router.post("/follow-up/items/{item_id}/questionnaire", auth=perm_auth(Perm.QUESTIONNAIRE_FILL))
def questionnaire_open(request, item_id: int):
    """The draft for this follow-up item (created on first call)."""
    item = selectors.item_get(user=request.user, item_id=item_id, perm=Perm.QUESTIONNAIRE_FILL)
    if item.kind == ItemKind.VISIT or item.status == ItemStatus.CANCELLED:
        raise_422({"item": [_("This follow-up item has no questionnaire.")]})
    response = services.questionnaire_start(
        patient=item.patient, user=request.user, item=item, request=request
    )
    return response_out(response)


@router.get("/questionnaires/{response_id}", auth=perm_auth(Perm.QUESTIONNAIRE_FILL))
def questionnaire_get(request, response_id: int):
    response = selectors.response_get(user=request.user, response_id=response_id)
    audit_read(request, obj=response, patient_id=response.patient_id, detail={"via": "api"})
    return response_out(response)


def _check_analgesics(rows: Any) -> None:
    """Each intake is ``{drug, route, daily_dose}``; an opioid needs its route (``"unknown"``
    is accepted and gives no MME). Errors name the field: ``analgesics.<n>.<key>``."""
    shape = _("A list of {drug, route, daily_dose} objects.")
    if not isinstance(rows, list):
        raise_422({"analgesics": [shape]})
    errors: dict[str, list[str]] = {}
    for n, row in enumerate(rows):
        where = f"analgesics.{n}"
        if (
            not isinstance(row, dict)
            or not {"drug", "daily_dose"} <= set(row)
            or not set(row) <= {"drug", "daily_dose", "route"}
        ):
            errors[where] = [shape]
            continue
        drug, route, dose = row["drug"], row.get("route"), row["daily_dose"]
        if not isinstance(drug, str) or normalise_drug_name(drug) not in known_drugs():
            errors[f"{where}.drug"] = [
                _("Unknown medicine %(value)s; known: %(names)s.")
                % {"value": repr(drug), "names": ", ".join(known_drugs())}
            ]
            continue
        if route is not None and (not isinstance(route, str) or route not in ROUTES):  # keys only
            errors[f"{where}.route"] = [
                _("Unknown route %(value)s; routes: %(names)s.")
                % {"value": repr(route), "names": ", ".join(ROUTES)}
            ]
            continue
        if route is None and is_opioid(drug) and split_drug(drug)[1] is None:
            errors[f"{where}.route"] = [
                _('Give the route of %(drug)s (one of %(names)s; "unknown" gives no MME).')
                % {"drug": drug, "names": ", ".join(ROUTES)}
            ]
            continue
        try:
            convert(drug, dose, route)
        except ValueError as error:
            errors[f"{where}.daily_dose" if "dose" in str(error) else f"{where}.route"] = [
                str(error)
            ]
    if errors:
        raise_422(errors)


def _check_answers(answers: dict[str, Any], instruments: list[str]) -> None:
    unknown = sorted(set(answers) - set(instruments))
    if unknown:
        raise_422(
            {
                "answers": [
                    _("Not in this questionnaire: %(names)s.") % {"names": ", ".join(unknown)}
                ]
            }
        )
    rows = answers.get("analgesics")
    if rows is not None:
        _check_analgesics(rows)
    effects = answers.get("side_effects")
    valid = {code for code, _ in qn.SIDE_EFFECTS}
    if effects is not None and (not isinstance(effects, list) or not set(effects) <= valid):
        raise_422(
            {"side_effects": [_("A list among %(values)s.") % {"values": ", ".join(sorted(valid))}]}
        )
    try:
        qn.score(answers, [i for i in instruments if i in answers])
    except (ValueError, TypeError, KeyError) as error:
        raise_422({"answers": [str(error)]})


@router.post(
    "/questionnaires/{response_id}",
    response={200: dict, 422: dict},
    auth=perm_auth(Perm.QUESTIONNAIRE_FILL),
)
def questionnaire_answer(request, response_id: int, payload: AnswersIn):
    """Save answers (merged into the draft); ``complete`` completes it when every
    instrument can be scored, otherwise 422 says what is missing (the draft is kept)."""
    response = selectors.response_get(user=request.user, response_id=response_id)
    if not response.is_draft:
        raise_422({"status": [_("This questionnaire is already completed.")]})
    _check_answers(payload.answers, response.instruments)
    response, problems = services.questionnaire_save(
        response=response,
        user=request.user,
        answers=payload.answers,
        complete=payload.complete,
        request=request,
    )
    if problems:
        raise Unprocessable(
            {f"answers.{k}": [v] for k, v in problems.items()}, draft=response_out(response)
        )
    return Status(200, response_out(response))


@router.get("/patients/{patient_id}/fhir", auth=perm_auth(Perm.FHIR_EXPORT))
def fhir_patient_bundle(request, patient_id: int):
    """The patient's record as a FHIR R4 Bundle (collection)."""
    patient = patient_get(user=request.user, patient_id=patient_id, perm=Perm.FHIR_EXPORT)
    if not can_access_patient(request.user, Perm.FHIR_EXPORT, patient):
        raise_422({"patient": [_("No access.")]})
    audit_read(
        request, obj=patient, patient_id=patient.pk, detail={"format": "fhir-r4"}, action="export"
    )
    return patient_bundle(patient)
