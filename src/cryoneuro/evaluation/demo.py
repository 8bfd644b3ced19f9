"""Demo patients: every indication of the seed page and every contraindication, each
with an evaluation made by the rules (synthetic people; any likeness is chance)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from cryoneuro.clinical.eligibility import Case
from cryoneuro.core.plugins import DemoContext
from cryoneuro.patients.models import Patient
from cryoneuro.patients.services import patient_create

from .services import evaluation_create

FAILED = [
    {"kind": "medication", "name": "paracétamol", "dose": "3 g/j", "result": "partial_relief"},
    {"kind": "opioid", "name": "tramadol", "dose": "200 mg/j", "result": "not_tolerated"},
    {"kind": "infiltration", "name": "infiltration cortisonée", "dose": "", "result": "no_relief"},
    {
        "kind": "physiotherapy",
        "name": "kinésithérapie",
        "dose": "15 séances",
        "result": "partial_relief",
    },
]
DN4_POSITIVE = {
    "burning": True,
    "painful_cold": False,
    "electric_shocks": True,
    "tingling": True,
    "pins_and_needles": True,
    "numbness": True,
    "itching": False,
    "hypoesthesia_touch": True,
    "hypoesthesia_prick": False,
    "brushing": False,
}


def _case(indication: str, location: str, **overrides) -> Case:
    base: dict[str, Any] = {
        "indication": indication,
        "pain_location": location,
        "side": "right",
        "pain_duration_months": 14,
        "nrs": 7,
        "dn4": None,
        "surgery_declined_or_impossible": None,
        "conservative_treatments": FAILED,
        "anticoagulants": [],
        "antiplatelets": [],
        "inr": None,
        "platelets_g_per_l": 240,
        "skin_state": "intact",
        "cold_conditions": [],
        "pregnancy": False,
        "systemic_inflammatory_disease": False,
        "steroid_injection_at_site_last_3_months": False,
        "target_is_mixed_motor_nerve": False,
        "other_cautions": "",
        # safety facts (issue 10); the age is set from the date of birth in load()
        "age_years": 60,
        "consent": "given",
        "bleeding_disorder": "none",
        "allergies": [],
        "systemic_infection": False,
        "previous_sessions_same_target": [],
        "diagnostic_block_relief_pct": None,
        "discrete_target_nerve": None,
    }
    if indication == "occipital_neuralgia":
        base["diagnostic_block_relief_pct"] = 80
    if indication in {"knee_arthrosis", "hip_arthrosis"}:
        base["surgery_declined_or_impossible"] = True
    if indication in {"intercostal_neuralgia", "occipital_neuralgia", "postherpetic_neuralgia"}:
        base["dn4"] = DN4_POSITIVE
    base.update(overrides)
    return Case(**base)


# family, given, birth date, sex, language, case
DEMO_PATIENTS = [
    (
        "Lefèvre",
        "Monique",
        "1949-04-12",
        "female",
        "fr",
        _case("knee_arthrosis", "genou droit, face médiale"),
    ),
    (
        "Garnier",
        "Robert",
        "1944-10-03",
        "male",
        "fr",
        _case("hip_arthrosis", "hanche gauche, pli de l'aine", side="left"),
    ),
    (
        "Moreau",
        "Isabelle",
        "1968-01-25",
        "female",
        "fr",
        _case("intercostal_neuralgia", "hémithorax droit T5-T6 après thoracotomie"),
    ),
    (
        "Fontaine",
        "Lucas",
        "1985-07-19",
        "male",
        "fr",
        _case("occipital_neuralgia", "région occipitale droite", side="right"),
    ),
    (
        "Chevalier",
        "Odette",
        "1939-12-01",
        "female",
        "fr",
        _case("postherpetic_neuralgia", "dermatome T8 gauche", side="left"),
    ),
    (
        "Brown",
        "Emily",
        "1976-03-08",
        "female",
        "en",
        _case("postsurgical_pain", "right groin after hernia repair"),
    ),
    (
        "Roussel",
        "Karim",
        "1990-05-30",
        "male",
        "fr",
        _case("posttraumatic_pain", "cheville droite après fracture"),
    ),
    (
        "Perrin",
        "Sandrine",
        "1972-09-14",
        "female",
        "fr",
        _case("crps", "main gauche", side="left", target_is_mixed_motor_nerve=None),
    ),
    ("Lambert", "Hugo", "1981-11-22", "male", "fr", _case("myofascial_pain", "trapèze droit")),
    # indications read into the seed page in issue 10
    (
        "Rey",
        "Martine",
        "1952-06-21",
        "female",
        "fr",
        _case(
            "shoulder_pain",
            "épaule droite",
            target_nerves=["suprascapular"],
            target_is_mixed_motor_nerve=True,
        ),
    ),
    (
        "Benoit",
        "Serge",
        "1957-03-02",
        "male",
        "fr",
        _case(
            "facet_joint_pain",
            "lombaire basse L4-L5 bilatérale",
            side="bilateral",
            target_nerves=["lumbar_medial_branch"],
        ),
    ),
    (
        "Colin",
        "Agnès",
        "1961-08-17",
        "female",
        "fr",
        _case(
            "sacroiliac_joint_pain",
            "fesse gauche, sacro-iliaque",
            side="left",
            target_nerves=["sacral_lateral_branches"],
        ),
    ),
    (
        "Vidal",
        "Thomas",
        "1983-01-09",
        "male",
        "fr",
        _case(
            "peripheral_neuralgia",
            "face antéro-latérale de la cuisse droite (méralgie)",
            target_nerves=["lfcn"],
            dn4=DN4_POSITIVE,
        ),
    ),
    # every contraindication and caution
    (
        "Marchand",
        "Sylvie",
        "1958-02-17",
        "female",
        "fr",
        _case("knee_arthrosis", "genou gauche", side="left", cold_conditions=["raynaud"]),
    ),
    (
        "Dupuis",
        "Gérard",
        "1951-06-06",
        "male",
        "fr",
        _case("knee_arthrosis", "genou droit", cold_conditions=["cryoglobulinaemia"]),
    ),
    (
        "Renaud",
        "Nathalie",
        "1966-08-28",
        "female",
        "fr",
        _case(
            "occipital_neuralgia", "occiput gauche", side="left", cold_conditions=["cold_urticaria"]
        ),
    ),
    (
        "Aubert",
        "Michel",
        "1947-03-15",
        "male",
        "fr",
        _case("intercostal_neuralgia", "T7 droit", cold_conditions=["cold_agglutinin_disease"]),
    ),
    (
        "Leroy",
        "Paulette",
        "1955-12-09",
        "female",
        "fr",
        _case(
            "hip_arthrosis", "hanche droite", cold_conditions=["paroxysmal_cold_haemoglobinuria"]
        ),
    ),
    (
        "Girard",
        "Antoine",
        "1979-04-04",
        "male",
        "fr",
        _case("posttraumatic_pain", "genou droit", skin_state="local_infection"),
    ),
    (
        "Bonnet",
        "Jeanne",
        "1943-07-21",
        "female",
        "fr",
        _case("knee_arthrosis", "genou droit", anticoagulants=["apixaban"], inr=1.1),
    ),
    # issue 10: apixaban before an intermediate-tier target (intercostal: pleura, vessels)
    (
        "Caron",
        "Bernard",
        "1948-11-30",
        "male",
        "fr",
        _case(
            "intercostal_neuralgia",
            "hémithorax gauche T6-T8 après thoracotomie",
            side="left",
            anticoagulants=["apixaban 5 mg x 2"],
            target_nerves=["intercostal"],
            creatinine_clearance_ml_min=62,
            target_is_mixed_motor_nerve=True,
        ),
    ),
    (
        "Mercier",
        "Alain",
        "1950-01-13",
        "male",
        "fr",
        _case(
            "knee_arthrosis",
            "genou gauche",
            side="left",
            anticoagulants=["warfarine"],
            inr=2.8,
            antiplatelets=["aspirine"],
        ),
    ),
    (
        "Faure",
        "Chloé",
        "1992-10-10",
        "female",
        "fr",
        _case("myofascial_pain", "lombaire droite", platelets_g_per_l=62),
    ),
    (
        "Blanc",
        "Laura",
        "1994-02-02",
        "female",
        "fr",
        _case("occipital_neuralgia", "occiput droit", pregnancy=True),
    ),
    (
        "Guerin",
        "Patrick",
        "1963-05-18",
        "male",
        "fr",
        _case(
            "knee_arthrosis",
            "genou droit",
            systemic_inflammatory_disease=True,
            steroid_injection_at_site_last_3_months=True,
        ),
    ),
    (
        "Muller",
        "Fabrice",
        "1970-09-09",
        "male",
        "fr",
        _case(
            "posttraumatic_pain",
            "jambe droite",
            target_is_mixed_motor_nerve=True,
            pain_duration_months=2,
        ),
    ),
]


# Safety facts (issue 10): each patient's case triggers one of the new rules.
SAFETY_PATIENTS = [
    (
        "Petit",
        "Camille",
        "2012-06-02",
        "female",
        "fr",
        _case("intercostal_neuralgia", "hémithorax droit après Nuss", pain_duration_months=5),
    ),
    (
        "Roux",
        "Thierry",
        "1971-03-11",
        "male",
        "fr",
        _case("knee_arthrosis", "genou gauche", bleeding_disorder="haemophilia_a", aptt_ratio=1.6),
    ),
    (
        "Lemoine",
        "Jacques",
        "1952-08-19",
        "male",
        "fr",
        _case("knee_arthrosis", "genou droit", consent="refused"),
    ),
    (
        "Baron",
        "Didier",
        "1960-12-24",
        "male",
        "fr",
        _case("posttraumatic_pain", "poignet droit", systemic_infection=True),
    ),
    (
        "Colin",
        "Marie",
        "1975-04-30",
        "female",
        "fr",
        _case(
            "occipital_neuralgia",
            "occiput droit",
            previous_sessions_same_target=[{"outcome": "failed"}, {"outcome": "failed"}],
        ),
    ),
    (
        "Diallo",
        "Aminata",
        "1988-01-15",
        "female",
        "fr",
        _case("myofascial_pain", "trapèze gauche", cold_conditions=["sickle_cell_disease"]),
    ),
    (
        "Gauthier",
        "Henri",
        "1949-11-07",
        "male",
        "fr",
        _case("knee_arthrosis", "genou gauche", side="left", cold_conditions=["buerger_disease"]),
    ),
    (
        "Nicolas",
        "Yann",
        "1983-02-21",
        "male",
        "fr",
        _case(
            "posttraumatic_pain",
            "pied droit (gelure en 2019)",
            cold_conditions=["previous_cold_injury_at_site"],
        ),
    ),
]


def _evaluate(ctx: DemoContext, patient: Patient, case: Case) -> None:
    """The case with the record's age and allergies (the service checks both)."""
    facts = {"age_years": patient.age_on(timezone.localdate()), "allergies": patient.allergy_list}
    evaluation_create(patient=patient, created_by=ctx.physician, case=case.model_copy(update=facts))


def _load_safety_patients(ctx: DemoContext) -> None:
    if not ctx.first_time("evaluation.safety_patients"):
        return
    for family, given, born, sex, language, case in SAFETY_PATIENTS:
        if Patient.objects.filter(family_name=family, given_name=given).exists():
            continue
        patient = patient_create(
            created_by=ctx.physician,
            family_name=family,
            given_name=given,
            birth_date=dt.date.fromisoformat(born),
            sex=sex,
            preferred_language=language,
            referring_physician="Dr Vidal (médecin traitant)",
            consent_data_processing=True,
            allergies=[],
        )
        _evaluate(ctx, patient, case)
    # The patients demo's patient with an allergy (amide local anaesthetics) on her record.
    simon = Patient.objects.filter(family_name="Simon", given_name="Élise").first()
    if simon is not None and not simon.evaluations.exists():
        _evaluate(ctx, simon, _case("knee_arthrosis", "genou droit"))
    ctx.log.append(f"Demo: {len(SAFETY_PATIENTS)} patients for the safety facts loaded.")


def load(ctx: DemoContext) -> None:
    _load_safety_patients(ctx)
    if not ctx.first_time("evaluation.patients"):
        return
    physician = ctx.physician
    for family, given, born, sex, language, case in DEMO_PATIENTS:
        if Patient.objects.filter(family_name=family, given_name=given).exists():
            continue
        patient = patient_create(
            created_by=physician,
            family_name=family,
            given_name=given,
            birth_date=dt.date.fromisoformat(born),
            sex=sex,
            email=f"{given.lower()}.{family.lower()}@example.org".replace("è", "e").replace(
                "é", "e"
            ),
            phone="06 00 00 00 00",
            preferred_language=language,
            referring_physician="Dr Vidal (médecin traitant)",
            consent_data_processing=True,
            allergies=[],
        )
        _evaluate(ctx, patient, case)
    # One patient with a portal login, to try the patient side.
    monique = Patient.objects.get(family_name="Lefèvre", given_name="Monique")
    if monique.user is None:
        monique.user = ctx.ensure_account(
            "monique.lefevre", "patient", "Monique", "Lefèvre", totp=False
        )
        monique.save(update_fields=["user"])
    ctx.log.append(f"Demo: {len(DEMO_PATIENTS)} evaluated patients loaded.")
