"""Demo data for the procedure day and after: patients at every stage, so that the demo
clinic is alive: one waiting, one on the table today, trajectories after a procedure, a
re-treatment, two failed sessions, an adverse event flagged to the physician, care plans,
and a portal account with a questionnaire to fill (procedures, followup and careplans)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

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
        "consent_signed": True,
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
    from cryoneuro.patients.models import Patient
    from cryoneuro.patients.services import patient_create

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
    )


def _evaluate(ctx, patient, case, *, approve=False):
    from cryoneuro.clinical.eligibility import Case
    from cryoneuro.evaluation.services import evaluation_create, evaluation_review

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
    from cryoneuro.procedures import services

    nurse = ctx.user("inf.bernard")
    procedure = services.procedure_checkin(
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


def _answers(ctx, patient, procedure, trajectory, *, user=None, today=None):
    """Complete the questionnaires of the schedule along a (day, NRS, MME drug dose) path."""
    from cryoneuro.followup import services
    from cryoneuro.followup.models import ItemStatus
    from cryoneuro.procedures.services import local_date

    today = today or timezone.localdate()
    start = local_date(procedure)
    nurse = ctx.user("inf.bernard")
    for day, nrs, opioid in trajectory:
        when = start + dt.timedelta(days=day)
        if when > today:
            break
        item = procedure.followup_items.filter(day=day).exclude(kind="visit").first()
        response = services.questionnaire_start(
            patient=patient,
            user=user or nurse,
            item=item,
            instruments=["nrs", "pgic", "analgesics", "activities", "side_effects"],
            answered_on=when,
        )
        response.answered_on = when
        response.instruments = ["nrs", "pgic", "analgesics", "activities", "side_effects"]
        response.procedure = procedure
        response.save()
        drugs = [{"drug": "paracetamol", "daily_dose": 3000.0}]
        if opioid:
            drugs.append({"drug": opioid[0], "daily_dose": float(opioid[1])})
        pgic = 1 if nrs <= 2 else 2 if nrs <= 4 else 4 if nrs <= 6 else 5
        services.questionnaire_save(
            response=response,
            user=user or nurse,
            complete=True,
            answers={
                "nrs": nrs,
                "pgic": pgic,
                "analgesics": drugs,
                "activities": ("fully" if nrs <= 3 else "partially" if nrs <= 5 else "not_yet"),
                "side_effects": [],
            },
        )
    # items in the past that nobody answered: the calls and visits were done
    for item in procedure.followup_items.filter(
        due_date__lt=today, status__in=[ItemStatus.PLANNED, ItemStatus.SENT]
    ):
        if item.kind != "questionnaire":
            services.followup_item_update(item=item, user=nurse, status=ItemStatus.DONE)
        elif item.due_date < today - dt.timedelta(days=10):
            services.followup_item_update(
                item=item, user=nurse, status=ItemStatus.CANCELLED, note="Non rempli (démo)"
            )


def _care_plan(ctx, patient, interventions, goals, review=None):
    from cryoneuro.careplans import services

    nurse = ctx.user("inf.bernard")
    plan = services.careplan_get_or_create(
        patient=patient, user=ctx.physician, title="Plan de soins pluridisciplinaire"
    )
    for description, status in goals:
        services.careplan_goal_add(plan=plan, user=nurse, description=description, status=status)
    for fields in interventions:
        services.careplan_intervention_save(plan=plan, user=nurse, **fields)
    if review:
        services.careplan_review(
            plan=plan, user=ctx.physician, reviewed_on=review[0], note=review[1]
        )
    return plan


def load(ctx) -> None:
    if not ctx.first_time("procedures.followup.careplans.v1"):
        return
    from cryoneuro.procedures.services import adverse_event_record
    from cryoneuro.web.demo import ensure_account

    now = timezone.localtime()
    today = now.date()

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
        morning(0, 8),
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
    account = ensure_account(ctx, "claire.morel", "patient", "Claire", "Morel", totp=False)
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
    _answers(ctx, claire, p3, [(1, 5, ("tramadol", 200)), (7, 3, ("tramadol", 150))], user=account)
    day30 = p3.followup_items.filter(day=30, kind="questionnaire").first()
    if day30 is not None:
        from cryoneuro.followup.services import followup_item_send

        followup_item_send(item=day30)  # waiting in Claire's portal (e-mail sent)
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
    _care_plan(
        ctx,
        claire,
        [
            {
                "kind": "cryoneurolysis",
                "provider": "in_house",
                "status": "completed",
                "description": "Nerfs géniculés et IPBSN, genou droit",
                "start_date": p3.checked_in_at.date(),
                "end_date": p3.checked_in_at.date(),
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
        review=(
            today - dt.timedelta(days=10),
            "Revue à J30 : bonne réponse, poursuite de la kiné, décroissance du tramadol.",
        ),
    )

    # 4. Re-treatment: relief ended around day 120, second session 30 days ago.
    henri = _patient(
        ctx, "Dubreuil", "Henri", dt.date(1952, 8, 9), "male", email="henri.dubreuil@example.org"
    )
    _evaluate(ctx, henri, KNEE)
    first = _procedure(
        ctx,
        henri,
        morning(190),
        ["ipbsn", "genicular_superomedial", "genicular_inferomedial"],
        site="genou droit",
        side="right",
        baseline=8,
    )
    _answers(
        ctx,
        henri,
        first,
        [
            (1, 6, ("oxycodone", 30)),
            (7, 4, ("oxycodone", 30)),
            (30, 3, ("oxycodone", 20)),
            (90, 3, ("oxycodone", 10)),
            (120, 7, ("oxycodone", 20)),
            (150, 7, ("oxycodone", 30)),
        ],
    )
    second = _procedure(
        ctx,
        henri,
        morning(30),
        ["ipbsn", "genicular_superomedial", "genicular_inferomedial"],
        site="genou droit",
        side="right",
        baseline=7,
    )
    _answers(ctx, henri, second, [(1, 5, ("oxycodone", 20)), (7, 3, ("oxycodone", 10))])
    _care_plan(
        ctx,
        henri,
        [
            {
                "kind": "cryoneurolysis",
                "provider": "in_house",
                "status": "completed",
                "description": "Deuxième séance (re-traitement)",
                "start_date": second.checked_in_at.date(),
                "end_date": second.checked_in_at.date(),
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
        morning(200),
        ["intercostal"],
        site="thorax gauche T5-T6",
        side="left",
        baseline=8,
        mixed_motor="reduced",
    )
    _answers(
        ctx, amelia, p5, [(1, 6, None), (7, 3, None), (30, 2, None), (90, 3, None), (180, 4, None)]
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
    s1 = _procedure(
        ctx, bernard, morning(150), ["ipbsn"], site="genou gauche", side="left", baseline=7
    )
    _answers(ctx, bernard, s1, [(7, 7, ("morphine", 30)), (30, 7, ("morphine", 30))])
    s2 = _procedure(
        ctx, bernard, morning(80), ["ipbsn", "afcn"], site="genou gauche", side="left", baseline=7
    )
    _answers(
        ctx,
        bernard,
        s2,
        [(7, 6, ("morphine", 30)), (30, 7, ("morphine", 40)), (60, 7, ("morphine", 40))],
    )
    _care_plan(
        ctx,
        bernard,
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
        review=(
            today - dt.timedelta(days=20),
            "Deux séances sans réponse (consensus Delphi) : autres traitements.",
        ),
    )
    ctx.log.append(
        "procedures/follow-up/care plans: 6 patients from waiting to re-treatment "
        "(portal: claire.morel)"
    )
