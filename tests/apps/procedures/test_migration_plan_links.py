"""Migration 0003/0004: the procedure's plan ids (plan_id + the JSON list plan_ids) become
ProcedurePlan rows, in order, every existing link kept; and back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("procedures", "0002_procedure_plan_ids"),
    ("treatmentplans", "0002_placement_image_plot_procedure_date"),
]
AFTER = [
    ("procedures", "0004_remove_procedure_plan_id_plan_ids"),
    # back to the latest plans too: BEFORE rolled them back
    ("treatmentplans", "0003_plan_archive_french_plot"),
]


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


def test_it_copies_every_plan_link_in_order_and_back():
    old = _migrate(BEFORE)
    User = old.get_model("accounts", "User")
    Patient = old.get_model("patients", "Patient")
    TreatmentPlan = old.get_model("treatmentplans", "TreatmentPlan")
    Procedure = old.get_model("procedures", "Procedure")
    user = User.objects.create(username="mig.nurse", role="nurse")
    patient = Patient.objects.create(
        identifier="MIG-1",
        family_name="Migration",
        given_name="Test",
        birth_date=dt.date(1960, 1, 1),
        sex="female",
    )

    def plan(code):
        return TreatmentPlan.objects.create(
            patient=patient,
            created_by=user,
            nerve_code=code,
            inputs={},
            result={},
            software_version="t",
        )

    a, b, c = plan("ipbsn"), plan("afcn"), plan("sural")

    def procedure(plan_id, plan_ids):
        return Procedure.objects.create(
            patient=patient,
            site_label="genou",
            side="right",
            checked_in_at=timezone.now(),
            checked_in_by=user,
            plan_id=plan_id,
            plan_ids=plan_ids,
        ).pk

    both = procedure(b.pk, [b.pk, c.pk, a.pk])  # the usual case: plan_id is the first id
    only_id = procedure(c.pk, [])  # before plan_ids existed
    only_list = procedure(None, [a.pk, b.pk])
    none = procedure(None, [])
    duplicated = procedure(a.pk, [a.pk, a.pk, c.pk])

    new = _migrate(AFTER)
    ProcedurePlan = new.get_model("procedures", "ProcedurePlan")

    def links(pk):
        return list(
            ProcedurePlan.objects.filter(procedure_id=pk)
            .order_by("position", "id")
            .values_list("plan_id", flat=True)
        )

    assert links(both) == [b.pk, c.pk, a.pk]
    assert links(only_id) == [c.pk]
    assert links(only_list) == [a.pk, b.pk]
    assert links(none) == []
    assert links(duplicated) == [a.pk, c.pk]
    NewProcedure = new.get_model("procedures", "Procedure")
    assert {f.name for f in NewProcedure._meta.get_fields()} >= {"plans"}
    assert "plan_ids" not in {f.name for f in NewProcedure._meta.get_fields()}

    back = _migrate(BEFORE)
    OldProcedure = back.get_model("procedures", "Procedure")
    assert OldProcedure.objects.get(pk=both).plan_ids == [b.pk, c.pk, a.pk]
    assert OldProcedure.objects.get(pk=both).plan_id == b.pk
    assert OldProcedure.objects.get(pk=only_id).plan_ids == [c.pk]
    _migrate_latest()  # leave the database as the other tests expect it


def test_the_model_keeps_the_order_chosen(cleared_patient, nurse, physician):
    from cryoneuro.procedures import services
    from cryoneuro.treatmentplans.models import TreatmentPlan

    plans = [
        TreatmentPlan.objects.create(
            patient=cleared_patient,
            created_by=physician,
            status="feasible",
            nerve_code=code,
            inputs={},
            result={},
            software_version="t",
        )
        for code in ("sural", "ipbsn", "afcn")
    ]
    ids = [plans[2].pk, plans[0].pk, plans[1].pk]
    procedure = services.procedure_checkin(
        no_appointment_reason="test: no booking",
        patient=cleared_patient,
        user=nurse,
        site_label="genou",
        side="right",
        plan_ids=ids,
    )
    procedure.refresh_from_db()
    assert procedure.plan_ids == ids and procedure.plan_id == ids[0]
    assert list(procedure.plans.order_by("procedure_links__position")) == [
        plans[2],
        plans[0],
        plans[1],
    ]
    assert procedure.planned_nerves == ["afcn", "sural", "ipbsn"]
