"""Reads of procedure records, with the access check."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from cryoneuro.accounts.access import ensure_patient_access
from cryoneuro.accounts.roles import Perm
from cryoneuro.patients.models import Patient

from .models import AdverseEvent, NerveTreatment, Procedure


def procedures_for_patient(*, patient: Patient) -> QuerySet[Procedure]:
    return patient.procedures.select_related("checked_in_by", "closed_by").prefetch_related(
        "nerves__cycles"
    )


def procedure_get(*, user: Any, procedure_id: int, perm: Perm = Perm.PROCEDURE_VIEW) -> Procedure:
    try:
        procedure = Procedure.objects.select_related("patient", "evaluation").get(pk=procedure_id)
    except Procedure.DoesNotExist:
        raise Http404 from None
    ensure_patient_access(user, perm, procedure.patient)
    return procedure


def nerve_get(*, user: Any, nerve_id: int, perm: Perm = Perm.PROCEDURE_RECORD) -> NerveTreatment:
    try:
        nerve = NerveTreatment.objects.select_related("procedure__patient").get(pk=nerve_id)
    except NerveTreatment.DoesNotExist:
        raise Http404 from None
    ensure_patient_access(user, perm, nerve.procedure.patient)
    return nerve


def treated_nerves_for_patient(*, patient: Patient) -> QuerySet[NerveTreatment]:
    """The nerves treated in this patient's procedures (an adverse event may name one)."""
    return NerveTreatment.objects.filter(procedure__patient=patient).select_related("procedure")


def adverse_events_for_patient(*, patient: Patient) -> QuerySet[AdverseEvent]:
    return patient.adverse_events.select_related("nerve__procedure", "procedure", "recorded_by")


def adverse_event_get(
    *, user: Any, event_id: int, perm: Perm = Perm.ADVERSE_EVENT_RECORD
) -> AdverseEvent:
    try:
        event = AdverseEvent.objects.select_related("patient", "nerve__procedure").get(pk=event_id)
    except AdverseEvent.DoesNotExist:
        raise Http404 from None
    ensure_patient_access(user, perm, event.patient)
    return event


def procedures_export(*, patient: Patient) -> list[dict]:
    from .services import procedure_duration

    out = []
    for p in procedures_for_patient(patient=patient):
        out.append(
            {
                "id": p.pk,
                "checked_in_at": p.checked_in_at.isoformat(),
                "site": p.site_label,
                "side": p.side,
                "status": p.status,
                "plan_id": p.plan_id,
                "baseline_nrs": p.baseline_nrs,
                "steps": [
                    {
                        "step": s.code,
                        "done_at": s.done_at.isoformat(),
                        "passed": s.passed,
                        "data": s.data,
                    }
                    for s in p.steps.all()
                ],
                "nerves": [
                    {
                        "nerve": n.nerve_code,
                        "level": n.level,
                        "probe": n.probe,
                        "cryogen": n.cryogen,
                        "cycles": [
                            {
                                "freeze_start": c.freeze_start.isoformat(),
                                "freeze_stop": c.freeze_stop.isoformat(),
                                "thaw_stop": c.thaw_stop.isoformat(),
                                "min_temperature_c": float(c.min_temperature_c),
                            }
                            for c in n.cycles.all()
                        ],
                    }
                    for n in p.nerves.all()
                ],
                "duration": procedure_duration(p),
                "closed_at": p.closed_at.isoformat() if p.closed_at else None,
                "override_reason": p.override_reason,
            }
        )
    return out


def adverse_events_export(*, patient: Patient) -> list[dict]:
    return [
        {
            "kind": e.kind,
            "grade": e.grade,
            "onset": e.onset_date.isoformat(),
            "resolved": e.resolved_date.isoformat() if e.resolved_date else None,
            "source": e.source,
            "nerve": e.nerve.nerve_code if e.nerve else None,
            "procedure_id": e.procedure_id,
            "description": e.description,
        }
        for e in adverse_events_for_patient(patient=patient)
    ]
