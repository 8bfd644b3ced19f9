"""The demo loads one or two knee plans for the lead's demo patients, once."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_has_plans_and_loads_them_once(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    from cryoneuro.treatmentplans.models import TreatmentPlan

    call_command("load_demo")
    count = TreatmentPlan.objects.count()
    assert 1 <= count <= 2
    assert all(p.evaluation_id and p.result["protocol"] for p in TreatmentPlan.objects.all())
    placed = TreatmentPlan.objects.exclude(image=None).get()
    assert placed.image.calibrated and placed.result["overlay"]["isotherms"]["-20"]
    call_command("load_demo")
    assert TreatmentPlan.objects.count() == count
