"""The FHIR R4 export includes appointments when the scheduling app has them (read
lazily) and stays valid for fhir.resources' R4B models."""

import datetime as dt

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_the_bundle_includes_appointments_and_validates(full_procedure, nurse):
    from fhir.resources.R4B.bundle import Bundle

    from cryoneuro.followup.fhir import patient_bundle

    patient = full_procedure.patient
    from cryoneuro.scheduling.models import Appointment
    from cryoneuro.scheduling.services import appointment_type

    start = timezone.now() + dt.timedelta(days=30)
    Appointment.objects.create(
        patient=patient,
        type=appointment_type("followup_visit"),
        start=start,
        end=start + dt.timedelta(minutes=20),
        main_end=start + dt.timedelta(minutes=20),
        scheduled_at=start,
    )
    bundle = Bundle.model_validate(patient_bundle(patient))
    kinds = [e.resource.__resource_type__ for e in bundle.entry]
    assert "Appointment" in kinds and "Procedure" in kinds and kinds[0] == "Patient"
    urls = [e.fullUrl for e in bundle.entry]
    assert len(urls) == len(set(urls))
