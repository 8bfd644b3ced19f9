"""A patient's record as a FHIR R4 Bundle (type "collection").

Resources: Patient, Condition (per evaluation), Procedure (target nerves as bodySite),
Observation (NRS with LOINC 72514-3, the other scores and MME/day), QuestionnaireResponse,
Appointment (when the scheduling app has its model), CarePlan and Goal, AdverseEvent,
MedicationStatement (analgesics reported in questionnaires). Codes other than LOINC
72514-3 and SNOMED 239873007 (knee OA) were not verified: concepts are sent as text.
The tests validate the result with fhir.resources' R4B models (structure and
cardinality, not terminology).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone

from cryoneuro.clinical.indications import INDICATIONS
from cryoneuro.clinical.nerves import NERVES
from cryoneuro.clinical.questionnaires import NRS_LOINC
from cryoneuro.core.plugins import fhir_bundle_parts
from cryoneuro.patients.models import Patient
from cryoneuro.scheduling.models import Appointment

NAMESPACE = uuid.UUID("6f0d3f55-8f0e-4d39-9a53-3c7f6c1a7e21")
SNOMED_KNEE_OA = "239873007"
GENDER = {"female": "female", "male": "male", "other": "other", "unknown": "unknown"}


def _id(kind: str, pk: Any) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}/{pk}"))


def _ref(kind: str, pk: Any) -> dict:
    return {"reference": f"urn:uuid:{_id(kind, pk)}"}


def _dt(value) -> str | None:
    return value.isoformat() if value is not None else None


def _dosage_text(d: dict) -> str:
    """``"25 mcg/h, transdermal (60 MME/d)"``; rows recorded before routes have no unit or
    route; an intake without MME says so rather than show a number."""
    dose = f"{d['daily_dose']:g} {d.get('unit') or 'per day'}"
    route = f", {d['route']}" if d.get("route") else ""
    mme = d.get("mme_per_day")
    return (
        f"{dose}{route} ({mme:g} MME/d)" if mme is not None else f"{dose}{route} (MME not computed)"
    )


def _text(value: str) -> dict:
    return {"text": value}


def _patient(patient: Patient) -> dict:
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "identifier": [{"system": "urn:cryoneuro:patient", "value": patient.identifier}],
        "name": [{"family": patient.family_name, "given": [patient.given_name]}],
        "gender": GENDER.get(patient.sex, "unknown"),
        "birthDate": patient.birth_date.isoformat(),
        "communication": [
            {
                "language": {
                    "coding": [{"system": "urn:ietf:bcp:47", "code": patient.preferred_language}]
                },
                "preferred": True,
            }
        ],
    }
    telecom = []
    if patient.email:
        telecom.append({"system": "email", "value": patient.email})
    if patient.phone:
        telecom.append({"system": "phone", "value": patient.phone})
    if telecom:
        resource["telecom"] = telecom
    return resource


def _conditions(patient: Patient, subject: dict) -> list[tuple[str, dict]]:
    out = []
    for e in patient.evaluations.all():
        item = INDICATIONS.get(e.indication)
        code: dict[str, Any] = _text(item.label("en") if item else e.indication)
        if e.indication == "knee_arthrosis":
            code["coding"] = [
                {
                    "system": "http://snomed.info/sct",
                    "code": SNOMED_KNEE_OA,
                    "display": "Osteoarthritis of knee",
                }
            ]
        out.append(
            (
                _id("condition", e.pk),
                {
                    "resourceType": "Condition",
                    "clinicalStatus": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                                "code": "active",
                            }
                        ]
                    },
                    "code": code,
                    "subject": subject,
                    "bodySite": [_text(f"{e.pain_location} ({e.side})")],
                    "recordedDate": _dt(e.created_at),
                },
            )
        )
    return out


def _procedures(patient: Patient, subject: dict) -> list[tuple[str, dict]]:
    out = []
    for p in patient.procedures.prefetch_related("nerves__cycles", "steps"):
        nerves = list(p.nerves.all())
        sites = [
            _text(
                f"{NERVES[n.nerve_code].name_en if n.nerve_code in NERVES else n.nerve_code}"
                f"{' ' + n.level if n.level else ''} ({p.side})"
            )
            for n in nerves
        ]
        end = max(
            [c.thaw_stop for n in nerves for c in n.cycles.all()]
            + [s.done_at for s in p.steps.all()],
            default=None,
        )
        resource: dict[str, Any] = {
            "resourceType": "Procedure",
            "status": "completed" if p.is_closed else "in-progress",
            "code": _text("Cryoneurolysis of a peripheral nerve"),
            "subject": subject,
            "performedPeriod": {
                "start": _dt(p.checked_in_at),
                **({"end": _dt(end)} if end else {}),
            },
            "bodySite": sites or [_text(p.site_label)],
        }
        notes = []
        if p.override_reason:
            notes.append({"text": f"Closed with steps missing: {p.override_reason}"})
        cycles = [
            f"{n.nerve_code}: {n.cycles.count()} freeze-thaw cycle(s), {n.cryogen}" for n in nerves
        ]
        notes += [{"text": c} for c in cycles]
        if notes:
            resource["note"] = notes
        if p.evaluation_id:
            resource["reasonReference"] = [_ref("condition", p.evaluation_id)]
        out.append((_id("procedure", p.pk), resource))
    return out


def _observation(
    key: str, subject: dict, when, code: dict, value: dict, procedure_id: int | None
) -> tuple[str, dict]:
    resource = {
        "resourceType": "Observation",
        "status": "final",
        "code": code,
        "subject": subject,
        "effectiveDateTime": when,
        **value,
    }
    if procedure_id:
        resource["partOf"] = [_ref("procedure", procedure_id)]
    return _id("observation", key), resource


def _answer_items(answers: dict) -> list[dict]:
    items = []
    for key, value in answers.items():
        if isinstance(value, dict):
            for code, v in value.items():
                items.append((f"{key}.{code}", v))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                if isinstance(v, dict):
                    items += [(f"{key}.{i}.{k}", x) for k, x in v.items()]
                else:
                    items.append((f"{key}.{i}", v))
        else:
            items.append((key, value))
    out = []
    for link, v in items:
        answer: dict[str, Any]
        if isinstance(v, bool):
            answer = {"valueBoolean": v}
        elif isinstance(v, int):
            answer = {"valueInteger": v}
        elif isinstance(v, float):
            answer = {"valueDecimal": v}
        else:
            answer = {"valueString": str(v)}
        out.append({"linkId": link, "answer": [answer]})
    return out


def _questionnaires(patient: Patient, subject: dict) -> list[tuple[str, dict]]:
    out = []
    for r in patient.questionnaire_responses.all():
        when = r.answered_on.isoformat()
        resource: dict[str, Any] = {
            "resourceType": "QuestionnaireResponse",
            "status": "in-progress" if r.is_draft else "completed",
            "subject": subject,
            "authored": _dt(r.completed_at or r.updated_at),
        }
        items = _answer_items(r.answers)
        if items:
            resource["item"] = items
        out.append((_id("qr", r.pk), resource))
        if r.is_draft:
            continue
        if r.nrs is not None:
            out.append(
                _observation(
                    f"{r.pk}/nrs",
                    subject,
                    when,
                    {
                        "coding": [
                            {
                                "system": "http://loinc.org",
                                "code": NRS_LOINC,
                                "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
                            }
                        ],
                        "text": "Pain intensity NRS",
                    },
                    {"valueInteger": r.nrs},
                    r.procedure_id,
                )
            )
        for name, s in r.scores.items():
            if name in ("nrs", "analgesics") or not isinstance(s, dict) or s.get("total") is None:
                continue
            out.append(
                _observation(
                    f"{r.pk}/{name}",
                    subject,
                    when,
                    _text(s["instrument"]),
                    {"valueQuantity": {"value": s["total"]}},
                    r.procedure_id,
                )
            )
        drugs = r.scores.get("analgesics", {}).get("drugs", [])
        if r.mme_per_day is not None:
            out.append(
                _observation(
                    f"{r.pk}/mme",
                    subject,
                    when,
                    _text("Opioid use, morphine milligram equivalents per day (CDC 2022 factors)"),
                    {"valueQuantity": {"value": r.mme_per_day, "unit": "MME/d"}},
                    r.procedure_id,
                )
            )
        for i, d in enumerate(drugs):
            out.append(
                (
                    _id("medstmt", f"{r.pk}/{i}"),
                    {
                        "resourceType": "MedicationStatement",
                        "status": "active",
                        "medicationCodeableConcept": _text(d["drug"]),
                        "subject": subject,
                        "effectiveDateTime": when,
                        "dosage": [{"text": _dosage_text(d)}],
                    },
                )
            )
    return out


def _appointments(patient: Patient, subject: dict) -> list[tuple[str, dict]]:
    out = []
    for a in Appointment.objects.filter(patient=patient):
        status = "cancelled" if a.status == "cancelled" else "booked"
        out.append(
            (
                _id("appointment", a.pk),
                {
                    "resourceType": "Appointment",
                    "status": status,
                    "description": str(a.type),
                    "start": _dt(a.start),
                    "end": _dt(a.end),
                    "participant": [{"actor": subject, "status": "accepted"}],
                },
            )
        )
    return out


SEVERITY = {1: "mild", 2: "moderate", 3: "severe", 4: "severe"}


def _adverse_events(patient: Patient, subject: dict) -> list[tuple[str, dict]]:
    out = []
    for e in patient.adverse_events.select_related("nerve"):
        resource: dict[str, Any] = {
            "resourceType": "AdverseEvent",
            "actuality": "actual",
            "subject": subject,
            "event": _text(e.get_kind_display()),
            "date": e.onset_date.isoformat(),
            "severity": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/adverse-event-severity",
                        "code": SEVERITY[e.grade],
                    }
                ],
                "text": f"grade {e.grade}",
            },
            "outcome": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/adverse-event-outcome",
                        "code": "resolved" if e.resolved_date else "ongoing",
                    }
                ]
            },
        }
        if e.procedure_id:
            resource["suspectEntity"] = [{"instance": _ref("procedure", e.procedure_id)}]
        out.append((_id("adverse", e.pk), resource))
    return out


def patient_bundle(patient: Patient) -> dict:
    subject = _ref("patient", patient.pk)
    entries = [(_id("patient", patient.pk), _patient(patient))]
    parts = [
        (10, _conditions),
        (20, _procedures),
        (30, _questionnaires),
        (40, _appointments),
        (60, _adverse_events),
        # The parts of the apps above this one (careplans), found without importing them.
        *((module.FHIR_ORDER, module.fhir_resources) for module in fhir_bundle_parts()),
    ]
    for _order, part in sorted(parts, key=lambda item: item[0]):
        entries += part(patient, subject)
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": timezone.now().isoformat(),
        "entry": [
            {"fullUrl": f"urn:uuid:{key}", "resource": resource} for key, resource in entries
        ],
    }
