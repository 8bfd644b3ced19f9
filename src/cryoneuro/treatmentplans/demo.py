"""Demo plans: one or two stored plans for the lead's demo patients (skipped quietly when
there are none). Idempotent through ctx.first_time."""

from __future__ import annotations

import datetime as dt


def load(ctx) -> None:
    from cryoneuro.patients.models import Patient
    from cryoneuro.planning import Structure, inputs_for_nerve

    from .services import plan_create

    if not ctx.first_time("treatmentplans.demo.v1"):
        return
    try:
        physician = ctx.physician
    except Exception:
        return
    knee = Patient.objects.filter(evaluations__indication="knee_arthrosis",
                                  evaluations__outcome="eligible").distinct()
    patients = list(knee[:2]) or list(Patient.objects.filter(evaluations__isnull=False).distinct()[:1])
    specs = [
        ("ipbsn", {"depth": 8e-3, "diameter": 1.5e-3, "approach_angle": 60.0}),
        ("genicular_superomedial", {"depth": 14e-3, "diameter": 1.0e-3,
                                    "structures": (Structure("vessel", -3e-3, 14e-3, 2e-3,
                                                             "superior medial genicular artery"),)}),
    ]
    for patient, (code, kw) in zip(patients, specs, strict=False):
        evaluation = (patient.evaluations.filter(indication="knee_arthrosis").first()
                      or patient.evaluations.first())
        inputs = inputs_for_nerve(code, layers=(("skin", 2e-3), ("fat", 6e-3), ("muscle", float("inf"))),
                                  **kw)
        plan_create(patient=patient, created_by=physician, inputs=inputs, evaluation=evaluation,
                    procedure_date=dt.date.today() + dt.timedelta(days=14))
        ctx.log.append(f"treatment plan for {patient.identifier}: {code}")
