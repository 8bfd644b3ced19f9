"""Migration 0006 (issue 11): pre-checks recorded before the WHO sign-in questions keep
their answers as recorded and are marked checklist version 1; nothing is filled in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("procedures", "0005_appointment_link_cycle_corrections")]
AFTER = [("procedures", "0006_pre_check_version")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def _migrate_latest():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_it_keeps_old_pre_check_answers_and_marks_their_version():
    old = _migrate(BEFORE)
    User = old.get_model("accounts", "User")
    Patient = old.get_model("patients", "Patient")
    Procedure = old.get_model("procedures", "Procedure")
    Step = old.get_model("procedures", "ProcedureStep")
    user = User.objects.create(username="mig.nurse11", role="nurse")
    patient = Patient.objects.create(
        identifier="MIG-11",
        family_name="Migration",
        given_name="Onze",
        birth_date=dt.date(1960, 1, 1),
        sex="female",
    )
    procedure = Procedure.objects.create(
        patient=patient,
        site_label="genou",
        side="right",
        checked_in_at=timezone.now(),
        checked_in_by=user,
    )
    recorded = {
        "consent_signed": True,
        "anticoagulation_taken": True,  # the old form's preset "yes", kept as recorded
        "infection_at_site": True,
        "stop_reasons": ["infection_at_site", "anticoagulation_taken"],
    }
    step = Step.objects.create(
        procedure=procedure,
        code="pre_check",
        data=recorded,
        done_at=timezone.now(),
        done_by=user,
        passed=False,
    )
    imaging = Step.objects.create(
        procedure=procedure,
        code="imaging",
        data={"modality": "ct"},
        done_at=timezone.now(),
        done_by=user,
    )
    new = _migrate(AFTER)
    NewStep = new.get_model("procedures", "ProcedureStep")
    migrated = NewStep.objects.get(pk=step.pk)
    assert migrated.data == dict(recorded, checklist_version=1)
    assert migrated.passed is False
    assert "identity_confirmed" not in migrated.data  # not asked then, not invented now
    assert NewStep.objects.get(pk=imaging.pk).data == {"modality": "ct"}
    back = _migrate(BEFORE)
    assert back.get_model("procedures", "ProcedureStep").objects.get(pk=step.pk).data == recorded
    _migrate_latest()  # leave the database as the other tests expect it
