"""The plan ids are a relation now (0003 copied every link): the old fields go."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0003_procedure_plans"),
    ]

    operations = [
        migrations.RemoveField(model_name="procedure", name="plan_id"),
        migrations.RemoveField(model_name="procedure", name="plan_ids"),
    ]
