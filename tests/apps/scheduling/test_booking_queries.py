"""What one booking costs the database (issue 13 section 6: 21 statements per booking,
every audited write waiting on the chain head). The count covers the whole request:
session, user with their second factor, patient, physician, type, the checks, the lock,
the inserts, the audit entry; BEGIN and COMMIT included."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db(transaction=True)  # real BEGIN and COMMIT

# PostgreSQL: session, user (+ TOTP flag), patient, physician, type, BEGIN, opening hours
# (+ closures), resource lock, appointment, resource booking, chain-head lock, entry (+
# head moved), COMMIT: 13, where 18 ran before (issue 13). SQLite takes no row lock (its
# writers are serialised by BEGIN IMMEDIATE) and moves the head in a statement of its own.
MOST = {"postgresql": 13, "sqlite": 13}


def _book(client, patient, physician, start):
    body = {
        "patient_id": patient.pk,
        "type": "phone_followup",
        "start": start.isoformat(),
        "practitioner_id": physician.pk,
    }
    return client.post(
        "/api/scheduling/appointments", json.dumps(body), content_type="application/json"
    )


def test_a_booking_runs_few_statements_and_one_audit_append(
    client, login, coordinator, clinic, make_patient
):
    from cryoneuro.scheduling.models import ResourceBooking

    patient = make_patient(email="")  # no confirmation e-mail to prepare after the commit
    login(coordinator)
    day = dt.date.today() + dt.timedelta(days=7)
    day += dt.timedelta(days=(1 - day.weekday()) % 7)  # a Tuesday: the clinic is open
    first = dt.datetime.combine(day, dt.time(9, 0), tzinfo=dt.UTC)
    assert _book(client, patient, clinic["physician"], first).status_code == 201  # warm
    with CaptureQueriesContext(connection) as queries:
        response = _book(client, patient, clinic["physician"], first + dt.timedelta(hours=1))
    assert response.status_code == 201, response.content
    statements = [q["sql"] for q in queries.captured_queries]
    assert len(statements) <= MOST[connection.vendor], "\n".join(statements)
    assert not any("SAVEPOINT" in s for s in statements)  # the audit append takes none
    assert not any("mfa_authenticator" in s and "accounts_user" not in s for s in statements)
    assert ResourceBooking.objects.count() == 2
