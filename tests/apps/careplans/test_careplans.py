import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cryoneuro.careplans import services
from cryoneuro.careplans.models import CarePlan

pytestmark = pytest.mark.django_db


def test_one_plan_per_patient_with_goals_interventions_and_reviews(full_procedure, nurse):
    patient = full_procedure.patient
    plan = services.careplan_get_or_create(patient=patient, user=nurse)
    assert services.careplan_get_or_create(patient=patient, user=nurse) == plan
    services.careplan_goal_add(plan=plan, user=nurse, description="Marcher 30 min par jour")
    physio = services.careplan_intervention_save(
        plan=plan,
        user=nurse,
        kind="physiotherapy",
        provider="outside",
        provider_name="Cabinet Kiné Lumière",
        status="active",
        start_date=dt.date(2026, 1, 5),
    )
    services.careplan_intervention_save(
        plan=plan, user=nurse, kind="cryoneurolysis", provider="in_house", status="completed"
    )
    item = full_procedure.followup_items.get(day=30, kind="visit")
    services.careplan_review(
        plan=plan,
        user=nurse,
        reviewed_on=dt.date(2026, 2, 1),
        note="Kiné bien suivie.",
        followup_item=item,
    )
    assert plan.interventions.count() == 2 and plan.reviews.get().followup_item == item
    with pytest.raises(ValidationError):
        services.careplan_intervention_save(
            plan=plan, user=nurse, intervention=physio, end_date=dt.date(2025, 1, 1)
        )


def test_the_care_plan_page(full_procedure, nurse, login, make_user):
    client = login(nurse)
    patient = full_procedure.patient
    url = f"/patients/{patient.pk}/care-plan/"
    assert client.get(url).status_code == 200
    bad = client.post(
        url,
        {
            "action": "intervention",
            "intervention-kind": "tens",
            "intervention-provider": "in_house",
            "intervention-status": "planned",
            "intervention-start_date": "2026-03-01",
            "intervention-end_date": "2026-02-01",
        },
    )
    assert bad.status_code == 422 and "has-error" in bad.content.decode()
    ok = client.post(
        url,
        {
            "action": "intervention",
            "intervention-kind": "tens",
            "intervention-provider": "in_house",
            "intervention-status": "planned",
        },
    )
    assert ok.status_code == 302
    plan = CarePlan.objects.get(patient=patient)
    tens = plan.interventions.get()
    client.post(f"/care-plan/interventions/{tens.pk}/status/", {"status": "active"})
    tens.refresh_from_db()
    assert tens.status == "active" and tens.start_date is not None
    assert client.post(url, {"action": "nonsense"}).status_code == 404
    # a patient reads their plan but cannot change it
    owner = make_user("patient", "claire")
    patient.user = owner
    patient.save()
    login(owner)
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "goal", "goal-description": "x"}).status_code == 403
    assert (
        client.post(
            f"/care-plan/interventions/{tens.pk}/status/", {"status": "stopped"}
        ).status_code
        == 403
    )
