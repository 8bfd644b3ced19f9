"""The data migration that gives recorded analgesics a route (0003_analgesic_routes)."""

import importlib

import pytest
from django.apps import apps as django_apps

from tests.apps.procedures.helpers import *  # noqa: F403

pytestmark = pytest.mark.django_db

migration = importlib.import_module("cryoneuro.followup.migrations.0003_analgesic_routes")


def _old_response(patient, user, rows, drugs, total):
    from cryoneuro.followup.models import QuestionnaireResponse, ResponseStatus

    return QuestionnaireResponse.objects.create(
        patient=patient,
        instruments=["analgesics"],
        status=ResponseStatus.COMPLETED,
        answers={"analgesics": rows},
        scores={"analgesics": {"drugs": drugs, "mme_per_day": total}},
        mme_per_day=total,
        answered_on="2026-01-10",
        filled_by=user,
    )


def test_it_does_not_convert_an_old_plain_fentanyl_as_a_patch(cleared_patient, nurse):
    # before routes: "fentanyl" 200 was converted as a 200 mcg/h patch, 480 MME/day
    old = _old_response(
        cleared_patient,
        nurse,
        [
            {"drug": "fentanyl", "daily_dose": 200.0},
            {"drug": "fentanyl_transdermal", "daily_dose": 25.0},
            {"drug": "paracetamol", "daily_dose": 3000.0},
        ],
        [
            {"drug": "fentanyl", "daily_dose": 200.0, "mme_per_day": 480.0},
            {"drug": "fentanyl_transdermal", "daily_dose": 25.0, "mme_per_day": 60.0},
            {"drug": "paracetamol", "daily_dose": 3000.0, "mme_per_day": 0.0},
        ],
        540.0,
    )
    migration.add_routes(django_apps, None)
    old.refresh_from_db()
    assert [r["route"] for r in old.answers["analgesics"]] == ["unknown", "transdermal", "unknown"]
    drugs = old.scores["analgesics"]["drugs"]
    assert [d["mme_per_day"] for d in drugs] == [None, 60.0, 0.0]
    assert drugs[0]["reason_code"] == "route_unknown"
    assert drugs[0]["mme_per_day_before_routes"] == 480.0  # kept, not lost
    assert old.mme_per_day is None and old.scores["analgesics"]["mme_per_day"] is None
    # and back
    migration.drop_routes(django_apps, None)
    old.refresh_from_db()
    assert old.mme_per_day == 540.0 and "route" not in old.answers["analgesics"][0]


def test_it_leaves_rows_that_already_have_a_route(cleared_patient, nurse):
    rows = [{"drug": "morphine", "route": "oral", "daily_dose": 30.0}]
    drugs = [{"drug": "morphine", "route": "oral", "daily_dose": 30.0, "mme_per_day": 30.0}]
    new = _old_response(cleared_patient, nurse, rows, drugs, 30.0)
    migration.add_routes(django_apps, None)
    new.refresh_from_db()
    assert new.mme_per_day == 30.0 and new.answers["analgesics"] == rows
