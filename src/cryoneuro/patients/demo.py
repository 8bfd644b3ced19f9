"""Demo data of the patients app: a patient with an allergy on her record (the banner of
every page of hers shows it; the evaluation demo evaluates her). Synthetic person."""

from __future__ import annotations

import datetime as dt

from cryoneuro.core.plugins import DemoContext

from .models import Patient
from .services import patient_create


def load(ctx: DemoContext) -> None:
    if Patient.objects.filter(family_name="Simon", given_name="Élise").exists():
        return
    patient_create(
        created_by=ctx.physician,
        family_name="Simon",
        given_name="Élise",
        birth_date=dt.date(1964, 9, 3),
        sex="female",
        email="elise.simon@example.org",
        preferred_language="fr",
        referring_physician="Dr Vidal (médecin traitant)",
        consent_data_processing=True,
        allergies=[
            {"substance": "amide_local_anaesthetic", "detail": "lidocaïne (urticaire, 2019)"},
            {"substance": "latex", "detail": ""},
        ],
    )
    ctx.log.append("Demo: a patient with allergies on her record.")
