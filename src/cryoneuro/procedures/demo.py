"""Demo data for the procedure day: patients at every stage, so that the demo clinic is
alive: one waiting, one on the table today, treated patients, a re-treatment, two failed
sessions, an adverse event flagged to the physician, and a portal account.

Writes procedure records and adverse events (the follow-up schedules come from followup's
discharge receiver). The answers to the questionnaires are followup's demo, the care plans
careplans' demo: they run after this one (INSTALLED_APPS follows the app map).
The patients and their evaluations are created here through those apps' services (the
story of each patient is told in one place)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from cryoneuro.clinical.eligibility import Case
from cryoneuro.evaluation.services import evaluation_create, evaluation_review
from cryoneuro.patients.models import Patient
from cryoneuro.patients.services import patient_create

from . import services
from .services import adverse_event_record

KNEE = {
    "indication": "knee_arthrosis",
    "pain_location": "genou, face antéro-médiale",
    "side": "right",
    "pain_duration_months": 30,
    "nrs": 7,
    "dn4": None,
    "surgery_declined_or_impossible": True,
    "conservative_treatments": [
        {"kind": "medication", "name": "paracétamol", "dose": "3 g/j", "result": "partial_relief"},
        {"kind": "opioid", "name": "tramadol", "dose": "200 mg/j", "result": "partial_relief"},
        {
            "kind": "infiltration",
            "name": "corticoïde intra-articulaire",
            "dose": "",
            "result": "no_relief",
        },
        {
            "kind": "physiotherapy",
            "name": "kinésithérapie",
            "dose": "15 séances",
            "result": "partial_relief",
        },
    ],
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
    "age_years": 60,
    "consent": "given",
    "bleeding_disorder": "none",
    "allergies": [],
    "systemic_infection": False,
    "previous_sessions_same_target": [],
    "diagnostic_block_relief_pct": None,
    "discrete_target_nerve": None,
}
DN4_YES5 = {
    "burning": True,
    "painful_cold": False,
    "electric_shocks": True,
    "tingling": True,
    "pins_and_needles": True,
    "numbness": False,
    "itching": False,
    "hypoesthesia_touch": True,
    "hypoesthesia_prick": False,
    "brushing": False,
}
INTERCOSTAL = dict(
    KNEE,
    indication="intercostal_neuralgia",
    pain_location="hémithorax gauche, T5-T6 (cicatrice de thoracotomie)",
    side="left",
    dn4=DN4_YES5,
    surgery_declined_or_impossible=None,
    target_is_mixed_motor_nerve=True,
    nrs=8,
)

STEPS: dict[str, dict[str, Any]] = {
    "pre_check": {
        "identity_confirmed": True,
        "site_side_confirmed": True,
        "site_marked": True,
        "consent_signed": True,
        "allergies_confirmed": True,
        "anticoagulation_taken": False,
        "infection_at_site": False,
        "physician_clearance": "",
    },
    "imaging": {"modality": "ultrasound", "nerve_identified": True, "note": ""},
    "positioning": {"position": "supine", "note": "coussin sous le genou"},
    "disinfection": {"antiseptic": "chlorhexidine_alcohol"},
    "anaesthesia": {"agent": "lidocaine_1", "volume_ml": 4.0},
    "insertion": {"guidance": "ultrasound", "tip_confirmed": True},
    "probe_removal": {"haemostasis": True, "dressing": True},
    "surveillance": {
        "nrs": 2,
        "heart_rate": 74,
        "systolic": 132,
        "diastolic": 78,
        "spo2": 98,
        "motor_check": "",
        "minutes": 20,
    },
    "discharge": {"advice_given": True, "accompanied": True},
}


def _patient(ctx, family, given, birth, sex, *, language="fr", email=""):

    existing = Patient.objects.filter(family_name=family, given_name=given).first()
    if existing:
        return existing
    return patient_create(
        created_by=ctx.physician,
        family_name=family,
        given_name=given,
        birth_date=birth,
        sex=sex,
        email=email,
        preferred_language=language,
        referring_physician="Dr Laurent Fabre, médecin traitant",
        consent_data_processing=True,
        # asked at the first visit: "no known allergy" recorded, not left unrecorded
        allergies=[],
    )


def _evaluate(ctx, patient, case, *, approve=False):

    # the record's age and allergies (the evaluation service checks both)
    case = {
        **case,
        "age_years": patient.age_on(timezone.localdate()),
        "allergies": patient.allergies,
    }
    evaluation = evaluation_create(patient=patient, created_by=ctx.physician, case=Case(**case))
    if approve and evaluation.outcome == "needs_review":
        evaluation_review(
            evaluation=evaluation,
            reviewed_by=ctx.physician,
            approved=True,
            note="Nerf mixte : bénéfice attendu supérieur au risque de faiblesse "
            "transitoire ; patiente informée.",
        )
    return evaluation


def _procedure(
    ctx, patient, start, nerves, *, site, side, baseline, until="discharge", mixed_motor="normal"
):

    nurse = ctx.user("inf.bernard")
    procedure = services.procedure_checkin(
        no_appointment_reason="démo : venu sans rendez-vous",
        patient=patient,
        user=nurse,
        site_label=site,
        side=side,
        planned_nerves=list(nerves),
        at=start,
    )
    t = start + dt.timedelta(minutes=5)
    order = ["pre_check", "imaging", "positioning", "disinfection", "anaesthesia", "insertion"]
    for code in order:
        data = dict(STEPS[code], baseline_nrs=baseline) if code == "pre_check" else STEPS[code]
        user = ctx.physician if code in ("imaging", "insertion") else nurse
        services.procedure_step_record(procedure=procedure, user=user, code=code, data=data, at=t)
        t += dt.timedelta(minutes=3)
        if code == until:
            return procedure
    for code in nerves:
        nerve = services.procedure_nerve_add(
            procedure=procedure,
            user=ctx.physician,
            nerve_code=code,
            probe="Sonde 27G (Iovera)",
            cryogen="n2o",
            level="",
        )
        for _ in range(3):
            services.procedure_cycle_add(
                nerve=nerve,
                user=nurse,
                freeze_start=t,
                freeze_stop=t + dt.timedelta(seconds=60),
                thaw_stop=t + dt.timedelta(seconds=100),
                min_temperature_c=-88.0,
                thaw_temperature_c=20.0,
            )
            t += dt.timedelta(seconds=130)
    if until == "nerves":
        return procedure
    for code in ("probe_removal", "surveillance", "discharge"):
        t += dt.timedelta(minutes=4 if code != "discharge" else 20)
        data = dict(STEPS[code])
        if code == "surveillance" and procedure.nerves.filter(nerve_is_mixed=True).exists():
            data["motor_check"] = mixed_motor
        services.procedure_step_record(procedure=procedure, user=nurse, code=code, data=data, at=t)
    services.procedure_close(procedure=procedure, user=nurse)
    return procedure


def load(ctx) -> None:
    if not ctx.first_time("procedures.followup.careplans.v1"):
        return

    now = timezone.localtime()

    def morning(days_ago: int, hour: int = 9) -> dt.datetime:
        return now.replace(hour=hour, minute=0, second=0, microsecond=0) - dt.timedelta(
            days=days_ago
        )

    # 1. Evaluated, waiting for the procedure.
    waiting = _patient(
        ctx, "Lemaire", "Jeanne", dt.date(1956, 4, 2), "female", email="jeanne.lemaire@example.org"
    )
    _evaluate(ctx, waiting, KNEE)

    # 2. On the table today: checked in, the nurse is at the nerves.
    today_patient = _patient(ctx, "Gauthier", "Paul", dt.date(1949, 11, 23), "male")
    _evaluate(ctx, today_patient, dict(KNEE, side="left", pain_location="genou gauche"))
    _procedure(
        ctx,
        today_patient,
        # at 08:00, or earlier when loaded before 08:25: its steps (to ~20 min after the
        # start) are then past, since a time in the future is refused (issue 11)
        min(morning(0, 8), now - dt.timedelta(minutes=25)),
        ["ipbsn", "genicular_inferomedial"],
        site="genou gauche",
        side="left",
        baseline=8,
        until="insertion",
    )

    # 3. Portal patient, day 40 after a knee procedure: responding, opioids going down,
    #    a questionnaire to fill in the portal, a care plan under way.
    claire = _patient(
        ctx, "Morel", "Claire", dt.date(1961, 2, 14), "female", email="claire.morel@example.org"
    )
    account = ctx.ensure_account("claire.morel", "patient", "Claire", "Morel", totp=False)
    if claire.user_id is None:
        claire.user = account
        claire.save(update_fields=["user"])
    _evaluate(ctx, claire, KNEE)
    p3 = _procedure(
        ctx,
        claire,
        morning(40),
        ["ipbsn", "afcn", "genicular_superomedial"],
        site="genou droit",
        side="right",
        baseline=7,
    )
    adverse_event_record(
        patient=claire,
        user=ctx.user("inf.bernard"),
        kind="numbness",
        grade=1,
        onset_date=(p3.checked_in_at.date()),
        source="followup",
        nerve=p3.nerves.first(),
        resolved_date=p3.checked_in_at.date() + dt.timedelta(days=12),
        description="Engourdissement de la face antérieure de jambe, résolu en 12 jours.",
    )

    # 4. Re-treatment: relief ended around day 120, second session 30 days ago.
    henri = _patient(
        ctx, "Dubreuil", "Henri", dt.date(1952, 8, 9), "male", email="henri.dubreuil@example.org"
    )
    _evaluate(ctx, henri, KNEE)
    _procedure(
        ctx,
        henri,
        morning(190),
        ["ipbsn", "genicular_superomedial", "genicular_inferomedial"],
        site="genou droit",
        side="right",
        baseline=8,
    )
    _procedure(
        ctx,
        henri,
        morning(30),
        ["ipbsn", "genicular_superomedial", "genicular_inferomedial"],
        site="genou droit",
        side="right",
        baseline=7,
    )

    # 5. Mixed nerve (intercostal), English-speaking, motor weakness lasting beyond the
    #    expected window: flagged to the physician.
    amelia = _patient(
        ctx,
        "Petit",
        "Amelia",
        dt.date(1970, 6, 30),
        "female",
        language="en",
        email="amelia.petit@example.org",
    )
    _evaluate(ctx, amelia, INTERCOSTAL, approve=True)
    p5 = _procedure(
        ctx,
        amelia,
        # 260 days ago: past the intercostal window's latest end (day ~234, relief model
        # 2026.12.5), so the weakness that has not resolved is flagged
        morning(260),
        ["intercostal"],
        site="thorax gauche T5-T6",
        side="left",
        baseline=8,
        mixed_motor="reduced",
    )
    adverse_event_record(
        patient=amelia,
        user=ctx.physician,
        kind="motor_weakness",
        grade=2,
        onset_date=p5.checked_in_at.date(),
        source="procedure",
        nerve=p5.nerves.first(),
        description="Faiblesse de la paroi abdominale haute gauche.",
    )

    # 6. Two sessions without response: other treatments proposed.
    bernard = _patient(ctx, "Rousseau", "Bernard", dt.date(1958, 1, 19), "male")
    _evaluate(ctx, bernard, dict(KNEE, side="left", pain_location="genou gauche"))
    _procedure(ctx, bernard, morning(150), ["ipbsn"], site="genou gauche", side="left", baseline=7)
    _procedure(
        ctx, bernard, morning(80), ["ipbsn", "afcn"], site="genou gauche", side="left", baseline=7
    )
    ctx.log.append("procedures: 6 patients from waiting to re-treatment (portal: claire.morel)")
