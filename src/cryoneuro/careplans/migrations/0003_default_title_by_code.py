"""The default care-plan title was stored as French text ("Plan de soins
pluridisciplinaire"), shown in French on English pages: store it empty, shown translated."""

from django.db import migrations, models

DEFAULT_TITLES_STORED = ("Plan de soins pluridisciplinaire", "Multidisciplinary care plan")


def forwards(apps, schema_editor):
    CarePlan = apps.get_model("careplans", "CarePlan")
    CarePlan.objects.filter(title__in=DEFAULT_TITLES_STORED).update(title="")


def backwards(apps, schema_editor):
    CarePlan = apps.get_model("careplans", "CarePlan")
    CarePlan.objects.filter(title="").update(title=DEFAULT_TITLES_STORED[0])


class Migration(migrations.Migration):
    dependencies = [("careplans", "0002_alter_intervention_options")]

    operations = [
        migrations.AlterField(
            model_name="careplan",
            name="title",
            field=models.CharField(
                blank=True, help_text="Empty: the default title.", max_length=200, verbose_name="title"
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
