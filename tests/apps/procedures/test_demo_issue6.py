"""The demo clinic shows the procedure day and after: every stage, once."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_demo_has_patients_at_every_stage(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    from cryoneuro.careplans.models import CarePlan
    from cryoneuro.followup.services import relief_tracking
    from cryoneuro.patients.models import Patient
    from cryoneuro.procedures.models import AdverseEvent, Procedure
    from cryoneuro.procedures.selectors import motor_deficit_flags

    call_command("load_demo")
    counts = (Procedure.objects.count(), AdverseEvent.objects.count(), CarePlan.objects.count())
    call_command("load_demo")
    assert (
        Procedure.objects.count(),
        AdverseEvent.objects.count(),
        CarePlan.objects.count(),
    ) == counts
    assert Procedure.objects.filter(status="in_progress").exists()
    actions = {
        site["next_step"].action
        for p in Patient.objects.filter(procedures__isnull=False).distinct()
        for site in relief_tracking(patient=p)
    }
    assert {"continue_follow_up", "consider_other_treatments"} <= actions
    henri = Patient.objects.get(family_name="Dubreuil", given_name="Henri")
    statuses = [s["course"].status for s in relief_tracking(patient=henri)[0]["sessions"]]
    assert statuses[0] == "relief_ended" and len(statuses) == 2  # a re-treatment
    # his first session's relief ended on day 60, before the population window: the
    # second session's prediction is updated with it (relief model 2026.12.5)
    henri_site = relief_tracking(patient=henri)[0]
    assert henri_site["observed_end_days"] == [60.0]
    second = henri_site["sessions"][1]["window"]
    assert second.personalised and second.end_days[0] < second.population_end_days[0]
    assert len(motor_deficit_flags()) == 1
    claire = Patient.objects.get(family_name="Morel", given_name="Claire")
    assert claire.user is not None and claire.user.username == "claire.morel"
    assert claire.followup_items.filter(status="sent").exists()
    assert CarePlan.objects.get(patient=claire).interventions.count() == 4
    import json

    from cryoneuro.followup.fhir import patient_bundle
    from cryoneuro.patients.selectors import patient_export

    for patient in (claire, henri, Patient.objects.get(family_name="Petit", given_name="Amelia")):
        data = json.loads(json.dumps(patient_export(patient=patient)))
        assert data["procedures"]["procedures"] and data["followup"]["schedule"]
        from fhir.resources.R4B.bundle import Bundle

        Bundle.model_validate(patient_bundle(patient))
    assert json.dumps(patient_export(patient=claire), default=str).count("care_plan") == 1
