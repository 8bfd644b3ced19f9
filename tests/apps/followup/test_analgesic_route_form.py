"""Staff give the route of an analgesic row migrated with route "unknown" (issue 10 §4):
the MME is then computed; bad input is refused field by field and nothing is saved."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.utils import translation

from cryoneuro.audit.models import AuditEntry
from cryoneuro.followup import services
from cryoneuro.followup.models import QuestionnaireResponse, ResponseStatus
from tests.apps.procedures.helpers import *  # noqa: F403

pytestmark = pytest.mark.django_db

migration = importlib.import_module("cryoneuro.followup.migrations.0003_analgesic_routes")


def _migrated(patient, user):
    response = QuestionnaireResponse.objects.create(
        patient=patient,
        instruments=["analgesics"],
        status=ResponseStatus.COMPLETED,
        answers={
            "analgesics": [
                {"drug": "morphine", "daily_dose": 60.0},
                {"drug": "fentanyl", "daily_dose": 200.0},
                {"drug": "paracetamol", "daily_dose": 3000.0},
            ]
        },
        scores={
            "analgesics": {
                "drugs": [
                    {"drug": "morphine", "daily_dose": 60.0, "mme_per_day": 60.0},
                    {"drug": "fentanyl", "daily_dose": 200.0, "mme_per_day": 480.0},
                    {"drug": "paracetamol", "daily_dose": 3000.0, "mme_per_day": 0.0},
                ],
                "mme_per_day": 540.0,
            }
        },
        mme_per_day=540.0,
        answered_on="2026-01-10",
        filled_by=user,
    )
    migration.add_routes(django_apps, None)
    response.refresh_from_db()
    assert response.mme_per_day is None  # routes unknown: no MME
    return response


def test_staff_add_the_route_on_the_review_page_and_the_mme_is_computed(
    cleared_patient, nurse, login
):
    response = _migrated(cleared_patient, nurse)
    client = login(nurse)
    page = client.get(f"/questionnaires/{response.pk}/").content.decode()
    assert 'class="inline route-form"' in page and f"/questionnaires/{response.pk}/route/" in page
    for index, route in ((0, "oral"), (1, "transdermal")):
        done = client.post(
            f"/questionnaires/{response.pk}/route/", {"index": str(index), "route": route}
        )
        assert done.status_code == 302
    response.refresh_from_db()
    assert [r["route"] for r in response.answers["analgesics"]][:2] == ["oral", "transdermal"]
    drugs = response.scores["analgesics"]["drugs"]
    assert drugs[0]["mme_per_day"] == 60.0  # oral morphine, factor 1 (CDC 2022)
    assert drugs[1]["mme_per_day"] == 480.0  # 200 mcg/h patch x 2.4
    assert drugs[1]["mme_per_day_before_routes"] == 480.0  # the old figure still kept
    # paracetamol keeps route "unknown" but counts 0: the total is computed
    assert response.mme_per_day == 540.0
    entry = (
        AuditEntry.objects.filter(action="update", object_id=str(response.pk)).order_by("pk").last()
    )
    assert entry is not None and entry.detail["fields"] == ["analgesics.route"]
    assert entry.detail["before"] == "unknown" and entry.detail["after"] == "transdermal"


@pytest.mark.parametrize(
    ("index", "route", "field", "text"),
    [
        ("7", "oral", "index", "No analgesic row 7"),
        ("abc", "oral", "index", "No analgesic row abc"),
        ("0", "unknown", "route", "Unknown route 'unknown'"),
        ("0", "by pigeon", "route", "Unknown route 'by pigeon'"),
        ("1", "topical", "route", "No sourced MME factor for fentanyl by the topical route"),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_is_saved(
    cleared_patient, nurse, index, route, field, text
):
    response = _migrated(cleared_patient, nurse)
    before = (response.answers, response.scores, response.mme_per_day)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.analgesic_route_set(response=response, index=index, route=route, user=nurse)
    assert field in exc.value.message_dict and text in exc.value.message_dict[field][0]
    response.refresh_from_db()
    assert (response.answers, response.scores, response.mme_per_day) == before


def test_a_row_that_has_a_route_is_not_changed_here(cleared_patient, nurse, login):
    response = _migrated(cleared_patient, nurse)
    services.analgesic_route_set(response=response, index=0, route="oral", user=nurse)
    page = login(nurse).post(
        f"/questionnaires/{response.pk}/route/", {"index": "0", "route": "parenteral"}, follow=True
    )
    assert "already recorded" in page.content.decode() or "déjà" in page.content.decode()
    response.refresh_from_db()
    assert response.answers["analgesics"][0]["route"] == "oral"


def test_a_patient_cannot_set_a_route(cleared_patient, nurse, client):
    response = _migrated(cleared_patient, nurse)
    answer = client.post(f"/questionnaires/{response.pk}/route/", {"index": "0", "route": "oral"})
    assert answer.status_code in (302, 403)  # anonymous: to the login page
    response.refresh_from_db()
    assert response.answers["analgesics"][0]["route"] == "unknown"
