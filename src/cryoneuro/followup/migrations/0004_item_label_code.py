"""Generated follow-up labels were stored as text in the patient's language ("Questionnaire
à la fin attendue du soulagement (J56)" on English pages): keep a code and the day, shown
in the reader's language. Labels typed by people are kept as they are."""

import re

from django.db import migrations, models

# The texts earlier versions generated (followup/services.py LABELS), French and English.
STORED = {
    "call": (r"Appel infirmier J(\d+)", r"Nurse call day (\d+)"),
    "questionnaire": (r"Questionnaire J(\d+)", r"Questionnaire day (\d+)"),
    "visit": (r"Consultation de suivi J(\d+)", r"Follow-up visit day (\d+)"),
    "window": (
        r"Questionnaire à la fin attendue du soulagement \(J(\d+)\)",
        r"Questionnaire at the expected end of relief \(day (\d+)\)",
    ),
}


def code_of(label: str, day):
    """The label's code when it is exactly a generated label for this item's day."""
    for code, patterns in STORED.items():
        for pattern in patterns:
            match = re.fullmatch(pattern, label.strip())
            if match and (day is None or int(match.group(1)) == day):
                return code
    return None


def forwards(apps, schema_editor):
    FollowUpItem = apps.get_model("followup", "FollowUpItem")
    for item in FollowUpItem.objects.exclude(label="").only("pk", "label", "day"):
        code = code_of(item.label, item.day)
        if code is not None:
            FollowUpItem.objects.filter(pk=item.pk).update(label="", label_code=code)


def backwards(apps, schema_editor):
    FollowUpItem = apps.get_model("followup", "FollowUpItem")
    french = {
        "call": "Appel infirmier J{day}",
        "questionnaire": "Questionnaire J{day}",
        "visit": "Consultation de suivi J{day}",
        "window": "Questionnaire à la fin attendue du soulagement (J{day})",
    }
    for item in FollowUpItem.objects.exclude(label_code="").only("pk", "label_code", "day"):
        FollowUpItem.objects.filter(pk=item.pk).update(
            label=french[item.label_code].format(day=item.day or 0)
        )


class Migration(migrations.Migration):
    dependencies = [("followup", "0003_analgesic_routes")]

    operations = [
        migrations.AddField(
            model_name="followupitem",
            name="label_code",
            field=models.CharField(
                blank=True,
                choices=[
                    ("call", "call"),
                    ("questionnaire", "questionnaire"),
                    ("visit", "visit"),
                    ("window", "window"),
                ],
                help_text="A generated label, shown in the reader's language (empty: the label as typed).",
                max_length=20,
                verbose_name="label code",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
