"""A discharge creates the follow-up schedule through a signal: procedures (below on the
app map) sends procedure_discharged, followup listens (connected in its AppConfig.ready)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from cryoneuro.followup.models import FollowUpItem
from cryoneuro.procedures import services
from cryoneuro.procedures.models import Procedure
from cryoneuro.procedures.signals import procedure_discharged
from tests.apps.procedures.helpers import STEP_DATA, run_procedure

pytestmark = pytest.mark.django_db


def _two_hours_ago():
    """The procedure ran this morning: a discharge now comes after its surveillance."""
    return timezone.now() - dt.timedelta(hours=2)


def test_it_generates_the_schedule_once_on_discharge(cleared_patient, nurse):
    procedure = run_procedure(cleared_patient, nurse, start=_two_hours_ago(), discharge=False)
    assert not FollowUpItem.objects.filter(procedure=procedure).exists()
    services.procedure_step_record(
        procedure=procedure, user=nurse, code="discharge", data=STEP_DATA["discharge"]
    )
    items = list(FollowUpItem.objects.filter(procedure=procedure))
    assert items and all(i.patient_id == cleared_patient.pk for i in items)
    # a corrected discharge step keeps the schedule it has
    services.procedure_step_record(
        procedure=procedure, user=nurse, code="discharge", data=STEP_DATA["discharge"]
    )
    assert FollowUpItem.objects.filter(procedure=procedure).count() == len(items)


def test_the_receiver_is_connected_and_runs_in_the_discharge_transaction(cleared_patient, nurse):
    receivers = procedure_discharged._live_receivers(Procedure)[0]
    assert any(r.__module__ == "cryoneuro.followup.receivers" for r in receivers)
    procedure = run_procedure(cleared_patient, nurse, start=_two_hours_ago(), discharge=False)

    def fail_after(sender, **kwargs):
        raise RuntimeError("the discharge fails after the schedule was written")

    procedure_discharged.connect(fail_after, sender=Procedure, dispatch_uid="test.fail_after")
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.procedure_step_record(
                procedure=procedure, user=nurse, code="discharge", data=STEP_DATA["discharge"]
            )
    finally:
        procedure_discharged.disconnect(sender=Procedure, dispatch_uid="test.fail_after")
    # all or nothing: no discharge step, no schedule
    assert not procedure.steps.filter(code="discharge").exists()
    assert not FollowUpItem.objects.filter(procedure=procedure).exists()
