"""Pages and API: booking dialog, patient booking page and requests, calendar, .ics and
feeds, 409 with the nearest free slots, 422 with field messages, never a 500."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine

from cryoneuro.scheduling import services
from cryoneuro.scheduling.models import Appointment, BookingRequest, Resource

from .conftest import paris

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC), tick=False):
        yield


def test_the_public_page_needs_no_login_and_ends_with_booking(client):
    response = client.get("/cryoneurolyse/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1 and html.count("<h2") >= 7
    assert html.rstrip().rfind('href="/portal/appointments/"') > html.find('id="effect"')


def test_a_coordinator_books_from_the_dialog(client, login, coordinator, clinic, make_patient):
    patient = make_patient()
    login(coordinator)
    page = client.get(f"/patients/{patient.pk}/appointments/new/?type=consultation")
    assert page.status_code == 200
    first = page.context["slots"][0]
    assert first.start == paris(2026, 3, 2, 8, 15)  # the first quarter after now (08:00)
    fragment = client.get(
        f"/patients/{patient.pk}/appointments/new/?type=procedure", HTTP_HX_REQUEST="true"
    )
    assert fragment.status_code == 200 and b"<html" not in fragment.content
    response = client.post(
        f"/patients/{patient.pk}/appointments/new/",
        {"type": "consultation", "start": first.start.isoformat()},
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    detail = client.get(f"/patients/{patient.pk}/")
    assert f"appointment={appointment.pk}" in detail.content.decode()
    again = client.post(
        f"/patients/{patient.pk}/appointments/new/",
        {"type": "consultation", "start": first.start.isoformat()},
    )
    assert again.status_code == 409 and again.context["taken"]
    bad = client.post(
        f"/patients/{patient.pk}/appointments/new/", {"type": "consultation", "start": "not a date"}
    )
    assert bad.status_code == 422
    past = client.post(
        f"/patients/{patient.pk}/appointments/new/",
        {"type": "consultation", "start": "2026-03-01T09:00"},
    )
    assert past.status_code == 422 and Appointment.objects.count() == 1


def test_move_cancel_and_ics_pages(client, login, coordinator, clinic, make_patient):
    patient = make_patient()
    appointment = services.appointment_book(
        patient=patient, type="consultation", start=paris(2026, 3, 3, 9, 0), booked_by=coordinator
    )
    login(coordinator)
    base = f"/patients/{patient.pk}/appointments"
    assert client.get(f"{base}/move/?appointment={appointment.pk}").status_code == 200
    response = client.post(
        f"{base}/move/",
        {"appointment": appointment.pk, "start": paris(2026, 3, 3, 14, 0).isoformat()},
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.start == paris(2026, 3, 3, 14, 0)
    ics = client.get(f"{base}/calendar.ics?appointment={appointment.pk}")
    assert ics["Content-Type"].startswith("text/calendar")
    assert b"DTSTART:20260303T130000Z" in ics.content and b"SEQUENCE:1" in ics.content
    # Another patient's appointment cannot be reached through this patient's URL.
    other = make_patient("Autre")
    assert (
        client.get(
            f"/patients/{other.pk}/appointments/move/?appointment={appointment.pk}"
        ).status_code
        == 302
    )
    assert client.post(f"{base}/cancel/", {"appointment": appointment.pk}).status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"


def test_a_patient_books_a_free_slot_or_leaves_a_request(
    client, make_user, make_patient, clinic, coordinator, login
):
    user = make_user("patient", "claire")
    patient = make_patient(user=user)
    login(user)
    assert (
        client.get("/portal/appointments/")["Location"]
        == f"/patients/{patient.pk}/appointments/request/"
    )
    page = client.get(f"/patients/{patient.pk}/appointments/request/")
    slot = page.context["slots"][0]
    assert (
        client.post(
            f"/patients/{patient.pk}/appointments/request/",
            {"action": "slot", "start": slot.start.isoformat()},
        ).status_code
        == 302
    )
    assert Appointment.objects.get().type.code == "consultation"
    client.post(
        f"/patients/{patient.pk}/appointments/request/",
        {"action": "request", "preferences": "mardi matin", "message": ""},
    )
    booking_request = BookingRequest.objects.get()
    # A patient cannot book a procedure, nor for someone else.
    other = make_patient("Autre")
    assert client.get(f"/patients/{other.pk}/appointments/request/").status_code == 403
    # The coordinator confirms the request.
    login(coordinator)
    listing = client.get("/appointments/requests/")
    assert b"mardi matin" in listing.content
    start = listing.context["slots"][0].start
    client.post(
        "/appointments/requests/", {"request": booking_request.pk, "start": start.isoformat()}
    )
    booking_request.refresh_from_db()
    assert booking_request.status == "confirmed" and booking_request.appointment.start == start


def test_the_calendar_shows_appointments_and_blocks_but_blocks_are_no_appointment(
    client, login, physician, coordinator, clinic, make_patient
):
    services.appointment_book(
        patient=make_patient(),
        type="consultation",
        start=paris(2026, 3, 3, 9, 0),
        booked_by=coordinator,
    )
    services.block_create(
        resource=clinic["physician"],
        start=paris(2026, 3, 3, 11, 0),
        end=paris(2026, 3, 3, 12, 0),
        reason="Staff meeting",
        created_by=coordinator,
    )
    login(physician)
    week = client.get("/calendar/?view=week&date=2026-03-03")
    assert week.status_code == 200
    html = week.content.decode()
    assert "09:00" in html and "Staff meeting" in html and "MARTIN" in html
    day = client.get("/calendar/?date=2026-03-03&view=day", HTTP_HX_REQUEST="true")
    assert day.status_code == 200 and b"<html" not in day.content
    assert client.get("/calendar/?date=garbage&resource=x").status_code == 200


def test_the_private_feed_works_until_revoked(
    client, login, physician, coordinator, clinic, make_patient
):
    patient = make_patient()
    services.appointment_book(
        patient=patient, type="consultation", start=paris(2026, 3, 3, 9, 0), booked_by=coordinator
    )
    login(physician)
    client.post("/calendar/feed/", {})  # the physician's own resource
    token = Resource.objects.get(pk=clinic["physician"].pk).feed_token
    assert token
    client.logout()
    feed = client.get(f"/calendar/feed/{token}.ics")
    assert feed.status_code == 200
    assert patient.identifier.encode() in feed.content and b"MARTIN" not in feed.content
    login(coordinator)
    client.post("/calendar/feed/", {"resource": clinic["physician"].pk, "revoke": "1"})
    client.logout()
    assert client.get(f"/calendar/feed/{token}.ics").status_code == 410


def test_api_books_and_answers_409_with_nearest_slots_and_422_with_fields(
    client, login, coordinator, clinic, make_patient, uncleared_patient
):
    patient = make_patient()
    login(coordinator)
    slots = client.get(f"/api/patients/{patient.pk}/slots?type=consultation&limit=3").json()
    assert len(slots) == 3
    body = {"patient_id": patient.pk, "type": "consultation", "start": slots[0]["start"]}
    created = client.post(
        "/api/scheduling/appointments", json.dumps(body), content_type="application/json"
    )
    assert created.status_code == 201, created.content
    taken = client.post(
        "/api/scheduling/appointments", json.dumps(body), content_type="application/json"
    )
    assert taken.status_code == 409
    assert taken.json()["code"] == "slot_taken" and len(taken.json()["nearest"]) == 5
    for wrong, field in [
        ({**body, "start": "2026-03-07T10:00:00+01:00"}, "start"),  # Saturday
        ({**body, "duration_minutes": 10}, "duration_minutes"),
        ({**body, "type": "massage"}, "type"),
        (
            {
                **body,
                "patient_id": uncleared_patient.pk,
                "type": "procedure",
                "start": "2026-03-10T09:00:00+01:00",
            },
            "patient",
        ),
        ({**body, "type": "procedure", "nerve_codes": ["nope"]}, "nerve_codes"),
    ]:
        response = client.post(
            "/api/scheduling/appointments", json.dumps(wrong), content_type="application/json"
        )
        assert response.status_code == 422, (wrong, response.content)
        assert field in response.json()["errors"]
    assert Appointment.objects.count() == 1
    appointment_id = created.json()["id"]
    moved = client.post(
        f"/api/scheduling/appointments/{appointment_id}/move",
        json.dumps({"start": "2026-03-04T10:00:00+01:00"}),
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json()["sequence"] == 1
    cancelled = client.post(
        f"/api/scheduling/appointments/{appointment_id}/cancel",
        json.dumps({"reason": "patient ill"}),
        content_type="application/json",
    )
    assert cancelled.json()["status"] == "cancelled"
    listed = client.get(f"/api/patients/{patient.pk}/appointments").json()
    assert [a["status"] for a in listed] == ["cancelled"]


def test_api_patient_requests(client, login, make_user, make_patient, clinic, coordinator):
    user = make_user("patient", "paul")
    patient = make_patient(user=user)
    login(user)
    response = client.post(
        f"/api/patients/{patient.pk}/appointment-requests",
        json.dumps({"preferences": "le matin"}),
        content_type="application/json",
    )
    assert response.status_code == 201
    booked = client.post(
        f"/api/patients/{patient.pk}/appointment-requests",
        json.dumps({"start": "2026-03-05T10:00:00+01:00"}),
        content_type="application/json",
    )
    assert booked.status_code == 200 and booked.json()["type"] == "consultation"
    login(coordinator)
    assert [r["preferences"] for r in client.get("/api/scheduling/requests").json()] == ["le matin"]


def test_it_refuses_a_request_message_over_2000_characters_instead_of_cutting_it(
    client, login, make_user, make_patient, clinic
):
    user = make_user("patient", "paula")
    patient = make_patient(user=user)
    with pytest.raises(services.ValidationError) as refused:
        services.booking_request_create(patient=patient, requested_by=user, message="a" * 2001)
    assert list(refused.value.message_dict) == ["message"]
    assert "2001" in refused.value.message_dict["message"][0]
    login(user)
    response = client.post(
        f"/api/patients/{patient.pk}/appointment-requests",
        json.dumps({"preferences": "p" * 301, "message": "é" * 2001}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"preferences", "message"}
    assert "2001 caractères" in errors["message"][0]
    assert not BookingRequest.objects.exists()
    # at the limit it is kept whole
    kept = services.booking_request_create(patient=patient, requested_by=user, message="b" * 2000)
    assert len(kept.message) == 2000


@pytest.mark.parametrize(
    "method, path, data",
    [
        ("get", "/patients/{p}/appointments/new/?type=zzz&after=notadate&practitioner=abc", None),
        ("get", "/patients/{p}/appointments/new/?type=procedure&nerve_codes=nope", None),
        (
            "post",
            "/patients/{p}/appointments/new/",
            {"type": "procedure", "start": "2026-02-30T25:00"},
        ),
        (
            "post",
            "/patients/{p}/appointments/new/",
            {"type": "consultation", "start": "2026-03-03T09:00", "duration_minutes": "-5"},
        ),
        ("get", "/patients/{p}/appointments/move/?appointment=abc", None),
        ("post", "/patients/{p}/appointments/move/", {"appointment": "999999", "start": "x"}),
        ("post", "/patients/{p}/appointments/cancel/", {"appointment": "-1"}),
        ("get", "/patients/{p}/appointments/calendar.ics?appointment=999999", None),
        ("post", "/appointments/requests/", {"request": "999999", "start": "x"}),
        ("post", "/appointments/requests/", {"request": "abc"}),
        ("get", "/calendar/?resource=999999&view=month&date=2026-13-40", None),
        ("post", "/calendar/feed/", {"resource": "999999"}),
        ("post", "/calendar/manage/", {"what": "nonsense", "start": "x", "end": ""}),
        ("get", "/api/patients/{p}/slots?type=zzz&limit=-4", None),
        ("get", "/api/patients/{p}/slots?type=procedure&nerve_codes=nope", None),
        ("get", "/api/patients/{p}/slots?after=not-a-date", None),
    ],
)
def test_bad_input_never_gives_a_server_error(
    client, login, coordinator, clinic, make_patient, method, path, data
):
    patient = make_patient()
    login(coordinator)
    path = path.replace("{p}", str(patient.pk))
    response = (
        getattr(client, method)(path, data) if data is not None else getattr(client, method)(path)
    )
    assert response.status_code < 500
    assert not Appointment.objects.exists()


def test_api_bad_json_gives_422_not_500(client, login, coordinator, clinic, make_patient):
    patient = make_patient()
    login(coordinator)
    for body in (
        "{",
        json.dumps({"patient_id": patient.pk, "type": "consultation", "start": "yesterday"}),
        json.dumps(
            {"patient_id": 999999, "type": "consultation", "start": "2026-03-03T09:00:00+01:00"}
        ),
    ):
        response = client.post(
            "/api/scheduling/appointments", body, content_type="application/json"
        )
        assert response.status_code in (400, 404, 422)
