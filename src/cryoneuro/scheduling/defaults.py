"""The clinic's appointment types as first installed (migration 0003 seeds them; they are
re-created from here if missing, e.g. after a test flush)."""

PROCEDURE_FR = (
    "Apportez vos examens d'imagerie (échographie, scanner, IRM) et la liste de vos "
    "médicaments. Si vous prenez un anticoagulant ou un antiagrégant, suivez les consignes "
    "que le médecin vous a données pour les jours qui précèdent. L'intervention se fait sous "
    "anesthésie locale : vous pouvez manger légèrement avant. Prévoyez une personne pour vous "
    "raccompagner si le médecin vous l'a demandé. Comptez une courte surveillance après le geste."
)
PROCEDURE_EN = (
    "Bring your imaging (ultrasound, CT, MRI) and the list of your medicines. If you take an "
    "anticoagulant or an antiplatelet drug, follow the instructions the physician gave you for "
    "the days before. The procedure is done under local anaesthesia: you may eat lightly "
    "beforehand. Arrange for someone to drive you home if the physician asked you to. Allow for "
    "a short surveillance period afterwards."
)
TYPES = [
    # code, minutes, surveillance, practitioner, room, console, patient_bookable, fr, en
    (
        "consultation",
        45,
        0,
        True,
        False,
        False,
        True,
        "Apportez vos comptes rendus, vos examens d'imagerie et la liste de vos traitements, y "
        "compris ceux déjà essayés contre la douleur.",
        "Bring your medical reports, your imaging and the list of your treatments, including "
        "those already tried for the pain.",
    ),
    (
        "imaging",
        30,
        0,
        True,
        False,
        False,
        False,
        "Apportez vos examens d'imagerie antérieurs.",
        "Bring your previous imaging.",
    ),
    (
        "followup_visit",
        20,
        0,
        True,
        False,
        False,
        False,
        "Notez l'évolution de votre douleur et de vos médicaments depuis l'intervention.",
        "Note how your pain and your medicines have changed since the procedure.",
    ),
    (
        "phone_followup",
        15,
        0,
        True,
        False,
        False,
        False,
        "Le médecin vous appellera au numéro de votre dossier ; gardez la liste de vos "
        "médicaments à portée de main.",
        "The physician will call the number in your record; keep the list of your medicines "
        "at hand.",
    ),
    ("procedure", 45, 30, True, True, True, False, PROCEDURE_FR, PROCEDURE_EN),
]


def type_defaults(code: str) -> dict | None:
    for row in TYPES:
        if row[0] == code:
            _, minutes, surv, prac, room, console, bookable, fr, en = row
            return {
                "duration_minutes": minutes,
                "surveillance_minutes": surv,
                "needs_practitioner": prac,
                "needs_procedure_room": room,
                "needs_console": console,
                "patient_bookable": bookable,
                "preparation_fr": fr,
                "preparation_en": en,
            }
    return None
