"""Procedure -> treatment plans: from ids (``plan_id`` and the JSON list ``plan_ids``) to a
relation (ProcedurePlan, ordered), every existing link copied.

The order is kept: ``plan_id`` first (it always was the first of ``plan_ids``), then
``plan_ids`` in their order, each plan once. An id whose plan no longer exists cannot
become a foreign key; there is none in practice (plans are PROTECTed), and the reverse
migration gives back the ids of the links there are. 0004 drops the old fields (in its own
transaction: PostgreSQL refuses an ALTER TABLE with the new rows' checks still pending).
"""

import django.db.models.deletion
from django.db import migrations, models


def copy_links(apps, schema_editor):
    Procedure = apps.get_model("procedures", "Procedure")
    ProcedurePlan = apps.get_model("procedures", "ProcedurePlan")
    TreatmentPlan = apps.get_model("treatmentplans", "TreatmentPlan")
    wanted: dict[int, list[int]] = {}
    for pk, plan_id, plan_ids in Procedure.objects.values_list("pk", "plan_id", "plan_ids"):
        ids = [plan_id] if plan_id else []
        ids += [int(i) for i in (plan_ids or []) if i is not None]
        if ids:
            wanted[pk] = list(dict.fromkeys(ids))
    existing = set(
        TreatmentPlan.objects.filter(
            pk__in={i for ids in wanted.values() for i in ids}
        ).values_list("pk", flat=True)
    )
    ProcedurePlan.objects.bulk_create(
        [
            ProcedurePlan(procedure_id=pk, plan_id=plan_id, position=position)
            for pk, ids in wanted.items()
            for position, plan_id in enumerate(i for i in ids if i in existing)
        ],
        batch_size=500,
    )


def copy_back(apps, schema_editor):
    Procedure = apps.get_model("procedures", "Procedure")
    ProcedurePlan = apps.get_model("procedures", "ProcedurePlan")
    ids: dict[int, list[int]] = {}
    for procedure_id, plan_id in ProcedurePlan.objects.order_by(
        "procedure_id", "position", "id"
    ).values_list("procedure_id", "plan_id"):
        ids.setdefault(procedure_id, []).append(plan_id)
    for procedure_id, plan_ids in ids.items():
        Procedure.objects.filter(pk=procedure_id).update(plan_id=plan_ids[0], plan_ids=plan_ids)


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0002_procedure_plan_ids"),
        ("treatmentplans", "0002_placement_image_plot_procedure_date"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProcedurePlan",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0, verbose_name="position")),
                (
                    "plan",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="procedure_links",
                        to="treatmentplans.treatmentplan",
                        verbose_name="treatment plan",
                    ),
                ),
                (
                    "procedure",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="plan_links",
                        to="procedures.procedure",
                        verbose_name="procedure",
                    ),
                ),
            ],
            options={
                "verbose_name": "treatment plan of a procedure",
                "verbose_name_plural": "treatment plans of procedures",
                "ordering": ["position", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("procedure", "plan"), name="procedure_plan_once"
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="procedure",
            name="plans",
            field=models.ManyToManyField(
                blank=True,
                related_name="procedures",
                through="procedures.ProcedurePlan",
                to="treatmentplans.treatmentplan",
                verbose_name="treatment plans",
            ),
        ),
        migrations.RunPython(copy_links, copy_back),
    ]
