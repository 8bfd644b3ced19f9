"""Issue 10: a patient whose latest evaluation records a refusal cannot be booked."""

from __future__ import annotations

import pytest

from cryoneuro.scheduling import services
from cryoneuro.scheduling.models import Appointment

from .conftest import paris

pytestmark = pytest.mark.django_db


def test_it_refuses_to_book_a_procedure_for_a_patient_who_refused(
    clinic, frozen, make_patient, physician, coordinator, knee_case
):
    from cryoneuro.clinical.eligibility import Case
    from cryoneuro.evaluation.services import evaluation_create

    patient = make_patient("Refus", "Jean")
    evaluation_create(
        patient=patient, created_by=physician, case=Case(**{**knee_case, "consent": "refused"})
    )
    with pytest.raises(services.BookingError) as error:
        services.appointment_book(
            patient=patient,
            type="procedure",
            start=paris(2026, 3, 3, 9, 0),
            nerve_codes=["ipbsn"],
            booked_by=coordinator,
        )
    assert "refusal" in error.value.errors["patient"][0]
    assert not Appointment.objects.exists()
