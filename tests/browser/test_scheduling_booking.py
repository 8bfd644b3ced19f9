"""Issue 5 in a real browser: a coordinator books a procedure from the booking dialog
(slots update through htmx); a patient goes from the public page to a consultation
request."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def _clinic(physician_user):
    from cryoneuro.scheduling.models import OpeningHours, Resource, ResourceKind

    resources = [
        Resource.objects.create(
            kind=ResourceKind.PRACTITIONER, name="Dr House", user=physician_user
        ),
        Resource.objects.create(kind=ResourceKind.PROCEDURE_ROOM, name="Salle"),
        Resource.objects.create(kind=ResourceKind.CONSOLE, name="Console"),
        Resource.objects.create(kind=ResourceKind.RECOVERY, name="Surveillance 1"),
    ]
    for resource in resources:
        for weekday in range(7):
            OpeningHours.objects.create(
                resource=resource, weekday=weekday, opens=dt.time(0, 0), closes=dt.time(23, 59)
            )


def test_a_coordinator_books_a_procedure(
    page, staff_login, coordinator, physician, make_patient, knee_case
):
    from cryoneuro.clinical.eligibility import Case
    from cryoneuro.evaluation.services import evaluation_create
    from cryoneuro.scheduling.models import Appointment

    _clinic(physician)
    patient = make_patient("Lefebvre", "Marc", email="")
    evaluation_create(patient=patient, created_by=physician, case=Case(**knee_case))

    staff_login("coord.ada")
    page.goto(f"/patients/{patient.pk}/")
    page.locator(f"#appointments a[href='/patients/{patient.pk}/appointments/new/']").click()
    expect(page.locator("input[name=start]").first).to_be_visible()
    page.wait_for_load_state("networkidle")  # htmx is ready before the first change
    duration = page.locator("#slots p.muted").first
    expect(duration).to_contain_text("45")  # consultation
    page.select_option("#id_type", "procedure")
    page.select_option("#id_nerve_codes", ["ipbsn"])
    expect(duration).to_contain_text("25", timeout=15_000)  # the zone's minutes, via htmx
    page.wait_for_load_state("networkidle")  # no swap left to replace the slot list
    later = page.locator("input[name=start]").nth(4)  # not the next quarter: it may pass
    later.check()
    chosen = later.get_attribute("value")
    page.locator("#book-form button.primary[type=submit]").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#appointments li[data-status=booked]")).to_have_count(1, timeout=15_000)

    appointment = Appointment.objects.get()
    assert appointment.type.code == "procedure" and appointment.nerve_codes == ["ipbsn"]
    assert appointment.start == dt.datetime.fromisoformat(chosen)
    assert appointment.bookings.count() == 4


def test_a_patient_asks_for_a_consultation(page, patient_login, make_user, make_patient, physician):
    from cryoneuro.scheduling.models import BookingRequest

    _clinic(physician)
    user = make_user("patient", "claire")
    patient = make_patient(user=user)
    patient_login("claire")

    page.goto("/cryoneurolyse/")
    expect(page.locator("h1")).to_have_count(1)
    page.locator("#book a[href='/portal/appointments/']").click()
    expect(page).to_have_url(
        f"{page.url.split('/patients/')[0]}/patients/{patient.pk}/appointments/request/"
    )
    expect(page.locator("#slot-form input[name=start]").first).to_be_visible()
    page.fill("#id_preferences", "mardi matin")
    page.fill("#id_message", "Douleur au genou droit")
    page.locator("#request-form button[type=submit]").click()
    expect(page.locator(".messages")).to_be_visible()

    booking_request = BookingRequest.objects.get()
    assert booking_request.patient == patient and booking_request.preferences == "mardi matin"
    assert booking_request.status == "open"
