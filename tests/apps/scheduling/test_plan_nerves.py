"""Issue 11: a procedure booked without naming the nerves books those of the patient's
treatment plan (not the indication's first candidate)."""

from __future__ import annotations

import pytest

from cryoneuro.scheduling.services import procedure_nerves

pytestmark = pytest.mark.django_db


def _plan(patient, physician, nerve, status="feasible"):
    from cryoneuro.treatmentplans.models import TreatmentPlan

    return TreatmentPlan.objects.create(
        patient=patient,
        created_by=physician,
        status=status,
        nerve_code=nerve,
        inputs={},
        software_version="t",
        result={},
    )


def test_a_procedure_books_the_nerves_of_the_plan(make_patient, physician, knee_case):
    from cryoneuro.clinical.eligibility import Case
    from cryoneuro.evaluation.services import evaluation_create

    patient = make_patient()
    evaluation_create(patient=patient, created_by=physician, case=Case(**knee_case))
    guess = procedure_nerves(patient, [])
    assert guess and guess != ["genicular_superomedial"]  # the indication's first candidate
    _plan(patient, physician, "genicular_superomedial")
    _plan(patient, physician, "afcn", status="infeasible")  # never booked
    assert procedure_nerves(patient, []) == ["genicular_superomedial"]
    assert procedure_nerves(patient, ["ipbsn"]) == ["ipbsn"]  # named nerves are kept
