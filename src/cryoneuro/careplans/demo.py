"""Demo care plans of the patients treated in procedures' demo (goals, interventions,
reviews). Runs after followup's demo (INSTALLED_APPS follows the app map) and writes
only care-plan data; idempotent by the data (a patient with a care plan is left alone)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from cryoneuro.core.plugins import DemoContext
from cryoneuro.patients.models import Patient

from . import services
from .models import CarePlan


def _care_plan(ctx, patient, interventions, goals, review=None):
    nurse = ctx.user("inf.bernard")
    plan = services.careplan_get_or_create(patient=patient, user=ctx.physician, title="")
    for description, status in goals:
        services.careplan_goal_add(plan=plan, user=nurse, description=description, status=status)
    for fields in interventions:
        services.careplan_intervention_save(plan=plan, user=nurse, **fields)
    if review:
        services.careplan_review(
            plan=plan, user=ctx.physician, reviewed_on=review[0], note=review[1]
        )
    return plan


def _plans(today: dt.date, treated: dict[str, list[dt.date]]) -> list[tuple[str, str, Any]]:
    """(family, given, (interventions, goals, review)) for each demo patient."""
    claire, henri = treated["Morel"], treated["Dubreuil"]
    return [
        (
            "Morel",
            "Claire",
            (
                [
                    {
                        "kind": "cryoneurolysis",
                        "provider": "in_house",
                        "status": "completed",
                        "description": "Nerfs géniculés et IPBSN, genou droit",
                        "start_date": claire[0],
                        "end_date": claire[0],
                    },
                    {
                        "kind": "physiotherapy",
                        "provider": "outside",
                        "provider_name": "Cabinet Kiné Lumière",
                        "status": "active",
                        "description": "Renforcement quadriceps, 2 séances/semaine",
                        "start_date": today - dt.timedelta(days=30),
                    },
                    {
                        "kind": "medication",
                        "provider": "in_house",
                        "status": "active",
                        "description": "Décroissance du tramadol 200 -> 100 mg/j",
                        "start_date": today - dt.timedelta(days=30),
                    },
                    {
                        "kind": "tens",
                        "provider": "in_house",
                        "status": "planned",
                        "description": "Essai de TENS à domicile",
                    },
                ],
                [
                    ("Marcher 30 minutes sans s'arrêter", "in_progress"),
                    ("Arrêter le tramadol", "in_progress"),
                ],
                (
                    today - dt.timedelta(days=10),
                    "Revue à J30 : bonne réponse, poursuite de la kiné, décroissance du tramadol.",
                ),
            ),
        ),
        (
            "Dubreuil",
            "Henri",
            (
                [
                    {
                        "kind": "cryoneurolysis",
                        "provider": "in_house",
                        "status": "completed",
                        "description": "Deuxième séance (re-traitement)",
                        "start_date": henri[1],
                        "end_date": henri[1],
                    },
                    {
                        "kind": "cbt",
                        "provider": "outside",
                        "provider_name": "Mme Roche, psychologue",
                        "status": "active",
                        "start_date": today - dt.timedelta(days=60),
                    },
                ],
                [("Réduire l'oxycodone sous 10 mg/j", "in_progress")],
                None,
            ),
        ),
        (
            "Rousseau",
            "Bernard",
            (
                [
                    {
                        "kind": "infiltration",
                        "provider": "in_house",
                        "status": "planned",
                        "description": "Infiltration ciblée sous échographie",
                    },
                    {
                        "kind": "physiotherapy",
                        "provider": "outside",
                        "provider_name": "Kiné du Parc",
                        "status": "active",
                        "start_date": today - dt.timedelta(days=100),
                    },
                ],
                [("Avis chirurgical orthopédique", "in_progress")],
                (
                    today - dt.timedelta(days=20),
                    "Deux séances sans réponse (consensus Delphi) : autres traitements.",
                ),
            ),
        ),
    ]


def load(ctx: DemoContext) -> None:
    today = timezone.localdate()
    treated: dict[str, list[dt.date]] = {}
    patients = {}
    for family, given in (("Morel", "Claire"), ("Dubreuil", "Henri"), ("Rousseau", "Bernard")):
        patient = Patient.objects.filter(family_name=family, given_name=given).first()
        if patient is None:
            return  # procedures' demo did not run
        patients[family] = patient
        treated[family] = [
            p.checked_in_at.date() for p in patient.procedures.order_by("checked_in_at", "id")
        ]
    if len(treated["Morel"]) < 1 or len(treated["Dubreuil"]) < 2:
        return
    made = 0
    for family, _given, (interventions, goals, review) in _plans(today, treated):
        patient = patients[family]
        if CarePlan.objects.filter(patient=patient).exists():
            continue  # loaded before
        _care_plan(ctx, patient, interventions, goals, review)
        made += 1
    if made:
        ctx.log.append(f"care plans: {made} demo care plans")
