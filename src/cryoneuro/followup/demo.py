"""Demo data of the follow-up: the questionnaires answered along each demo procedure's
trajectory (the schedules themselves were made at discharge, by this app's receiver),
the calls and visits done, and one questionnaire waiting in Claire Morel's portal.

Runs after procedures' demo (INSTALLED_APPS follows the app map) and writes only
follow-up data; idempotent by the data (a procedure with answers is left alone)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cryoneuro.core.plugins import DemoContext
from cryoneuro.patients.models import Patient
from cryoneuro.procedures.selectors import local_date

from . import services
from .models import ItemStatus, QuestionnaireResponse

# (family name, given name, which of the patient's procedures (0: first), portal user,
#  the (day, NRS, (opioid, daily dose) or None) trajectory)
TRAJECTORIES = [
    ("Morel", "Claire", 0, "claire.morel", [(1, 5, ("tramadol", 200)), (7, 3, ("tramadol", 150))]),
    (
        "Dubreuil",
        "Henri",
        0,
        None,
        [
            (1, 6, ("oxycodone", 30)),
            (7, 4, ("oxycodone", 30)),
            (30, 3, ("oxycodone", 20)),
            # relief ended on day 60, earlier than the population model's window: the
            # next session's prediction is updated with it (issue 10 part 5)
            (60, 7, ("oxycodone", 20)),
            (90, 7, ("oxycodone", 30)),
            (150, 7, ("oxycodone", 30)),
        ],
    ),
    ("Dubreuil", "Henri", 1, None, [(1, 5, ("oxycodone", 20)), (7, 3, ("oxycodone", 10))]),
    (
        "Petit",
        "Amelia",
        0,
        None,
        [(1, 6, None), (7, 3, None), (30, 2, None), (90, 3, None), (180, 4, None)],
    ),
    ("Rousseau", "Bernard", 0, None, [(7, 7, ("morphine", 30)), (30, 7, ("morphine", 30))]),
    (
        "Rousseau",
        "Bernard",
        1,
        None,
        [(7, 6, ("morphine", 30)), (30, 7, ("morphine", 40)), (60, 7, ("morphine", 40))],
    ),
]


def _answers(ctx, patient, procedure, trajectory, *, user=None, today=None):
    """Complete the questionnaires of the schedule along a (day, NRS, MME drug dose) path."""
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
        drugs = [{"drug": "paracetamol", "route": "oral", "daily_dose": 3000.0}]
        if opioid:
            route = "transdermal" if opioid[0].startswith("fentanyl") else "oral"
            drugs.append({"drug": opioid[0], "route": route, "daily_dose": float(opioid[1])})
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


def _reopen_superseded(procedure) -> bool:
    """The story is told app by app: procedures' demo recorded a later session at the same
    site, whose schedule superseded (cancelled) this session's open items, before this demo
    answers this session. Put them back as they were when the answers came in; on a fresh
    demo every cancelled item of a superseded session was cancelled that way."""
    later = (
        procedure.patient.procedures.filter(
            checked_in_at__gt=procedure.checked_in_at,
            site_label=procedure.site_label,
            side=procedure.side,
        )
        .exclude(pk=procedure.pk)
        .exists()
    )
    if later:
        procedure.followup_items.filter(status=ItemStatus.CANCELLED).update(
            status=ItemStatus.PLANNED
        )
    return later


def _supersede(procedure) -> None:
    """What the later session's schedule did (followup.services.schedule_generate)."""
    procedure.followup_items.filter(status__in=[ItemStatus.PLANNED, ItemStatus.SENT]).update(
        status=ItemStatus.CANCELLED
    )


def load(ctx: DemoContext) -> None:
    answered = 0
    for family, given, index, username, trajectory in TRAJECTORIES:
        patient = Patient.objects.filter(family_name=family, given_name=given).first()
        if patient is None:
            continue
        procedures = list(patient.procedures.order_by("checked_in_at", "id"))
        if len(procedures) <= index:
            continue
        procedure = procedures[index]
        if QuestionnaireResponse.objects.filter(procedure=procedure).exists():
            continue  # loaded before
        user = ctx.user(username) if username else None
        superseded = _reopen_superseded(procedure)
        _answers(ctx, patient, procedure, trajectory, user=user)
        if superseded:
            _supersede(procedure)
        answered += 1
        if username:
            day30 = procedure.followup_items.filter(day=30, kind="questionnaire").first()
            if day30 is not None:
                services.followup_item_send(item=day30)  # waiting in the portal (e-mail sent)
    if answered:
        ctx.log.append(f"follow-up: questionnaires answered after {answered} demo procedures")
