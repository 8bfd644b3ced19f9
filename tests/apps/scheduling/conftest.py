"""A small clinic: one physician, the procedure room, a console, two recovery places;
open Monday to Friday 08:00-12:00 and 13:00-18:00 (clinic time)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

PARIS = ZoneInfo("Europe/Paris")
HOURS = [(dt.time(8, 0), dt.time(12, 0)), (dt.time(13, 0), dt.time(18, 0))]


def paris(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


@pytest.fixture
def clinic(db, physician):
    from cryoneuro.scheduling.models import OpeningHours, Resource, ResourceKind

    def make(kind, name, user=None):
        resource = Resource.objects.create(kind=kind, name=name, user=user)
        for weekday in range(5):
            for opens, closes in HOURS:
                OpeningHours.objects.create(
                    resource=resource, weekday=weekday, opens=opens, closes=closes
                )
        return resource

    return {
        "physician": make(ResourceKind.PRACTITIONER, "Dr House", physician),
        "room": make(ResourceKind.PROCEDURE_ROOM, "Procedure room"),
        "console": make(ResourceKind.CONSOLE, "Console"),
        "recovery1": make(ResourceKind.RECOVERY, "Recovery 1"),
        "recovery2": make(ResourceKind.RECOVERY, "Recovery 2"),
    }


@pytest.fixture
def frozen():
    """Freeze time on Monday 2026-03-02 07:00 UTC (08:00 in Paris), before both DST changes."""
    import time_machine

    with time_machine.travel(dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def cleared_patient(make_patient, physician, knee_case):
    from cryoneuro.clinical.eligibility import Case
    from cryoneuro.evaluation.services import evaluation_create

    patient = make_patient("Lefebvre", "Marc", email="marc@example.org")
    evaluation = evaluation_create(patient=patient, created_by=physician, case=Case(**knee_case))
    assert evaluation.cleared_for_procedure
    return patient


@pytest.fixture
def uncleared_patient(make_patient, physician, knee_case):
    from cryoneuro.clinical.eligibility import Case
    from cryoneuro.evaluation.services import evaluation_create

    patient = make_patient("Roux", "Anne", email="anne@example.org")
    evaluation_create(
        patient=patient,
        created_by=physician,
        case=Case(**{**knee_case, "cold_conditions": ["raynaud"]}),
    )
    return patient


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English (the msgids); French is the site's default."""
    from django.utils import translation

    with translation.override("en"):
        yield
