"""Demo data of the patients app: a patient with an allergy on her record (the banner of
every page of hers shows it; the evaluation demo evaluates her), insured in Switzerland (the
default profile), and a cross-border patient who lives in France. Synthetic people; the
AHV number is the ZAS's published example, the card numbers are made up."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings

from cryoneuro.core.plugins import DemoContext

from .country import active_profile
from .models import Patient
from .services import patient_create


def _identifiers() -> tuple[dict[str, Any], dict[str, Any]]:
    """The two demo patients' identifiers in the clinic's country."""
    if active_profile().code == "FR":
        return (
            {
                "ins_number": "2 64 09 75 056 001 89",
                "ins_identity_status": "qualifiee",
                "birth_family_name": "Simon",
                "birthplace_code": "75056",
            },
            {"ins_identity_status": "provisoire", "birth_family_name": "Bonnard"},
        )
    elise: dict[str, Any] = {
        "insurance_card_number": "80756 00008 00000 12345",
        "insurer_name": "Caisse maladie de démonstration",
        "insurer_number": "1509",
        "insurance_coverage": "supplementary",
        "canton": "GE",
    }
    if getattr(settings, "CRYONEURO_AHV_ALLOWED", False):
        elise["ahv_number"] = "756.9217.0769.85"
    # a cross-border worker living in Haute-Savoie, insured under the LAMal: no canton
    camille = {
        "insurance_card_number": "80756 00008 00000 67890",
        "insurer_name": "Caisse maladie de démonstration",
        "insurer_number": "1509",
        "insurance_coverage": "basic",
    }
    return elise, camille


def load(ctx: DemoContext) -> None:
    elise, camille = _identifiers()
    if not Patient.objects.filter(family_name="Simon", given_name="Élise").exists():
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
            **elise,
        )
        ctx.log.append("Demo: a patient with allergies on her record.")
    if not Patient.objects.filter(family_name="Bonnard", given_name="Camille").exists():
        patient_create(
            created_by=ctx.physician,
            family_name="Bonnard",
            given_name="Camille",
            birth_date=dt.date(1979, 4, 21),
            sex="female",
            email="camille.roussel@example.org",
            preferred_language="fr",
            referring_physician="Dr Perrin, Annemasse (France)",
            consent_data_processing=True,
            allergies=[],
            **camille,
        )
        ctx.log.append("Demo: a cross-border patient who lives in France.")
