"""Issue 11: pre-checks recorded before the WHO sign-in questions keep their answers as
they were recorded (they were answered, even where the form preset "yes"), and say so:
``checklist_version`` 1 is added to their data; identity, site/side and marking were not
asked then and are left absent (shown as not asked), never filled in after the fact. The
``passed`` flag is unchanged: a decision already taken is not re-decided."""

from django.db import migrations


def forwards(apps, schema_editor):
    ProcedureStep = apps.get_model("procedures", "ProcedureStep")
    for step in ProcedureStep.objects.filter(code="pre_check").iterator():
        data = dict(step.data or {})
        if "checklist_version" in data:
            continue
        data["checklist_version"] = 1
        ProcedureStep.objects.filter(pk=step.pk).update(data=data)


def backwards(apps, schema_editor):
    ProcedureStep = apps.get_model("procedures", "ProcedureStep")
    for step in ProcedureStep.objects.filter(code="pre_check").iterator():
        data = dict(step.data or {})
        if data.get("checklist_version") == 1:
            data.pop("checklist_version")
            ProcedureStep.objects.filter(pk=step.pk).update(data=data)


class Migration(migrations.Migration):
    dependencies = [("procedures", "0005_appointment_link_cycle_corrections")]

    operations = [migrations.RunPython(forwards, backwards)]
