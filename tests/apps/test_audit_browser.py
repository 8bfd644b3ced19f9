"""The audit browser's "When (UTC)" column shows UTC, not the clinic's local time."""

import datetime as dt
import re

import pytest

from cryoneuro.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_it_shows_audit_times_in_utc(client, administrator, make_patient, settings):
    settings.TIME_ZONE = "Europe/Paris"
    make_patient()
    client.force_login(administrator)
    page = client.get("/audit/").content.decode()
    assert "(UTC)" in page
    entry = AuditEntry.objects.order_by("-seq").first()
    utc_text = entry.at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    assert utc_text in page
    cells = re.findall(r"<time datetime=\"([^\"]+)\">", page)
    assert cells and all(c.endswith("+00:00") for c in cells)


def test_it_pages_by_sequence_number_never_by_count_or_offset(client, administrator, physician):
    """Issue 13: with a million entries, COUNT(*) and OFFSET read most of the table for
    every page. Pages follow the sequence numbers instead, both ways, filters kept."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cryoneuro.audit.services import audit_record

    for i in range(120):
        audit_record(actor=physician, action="view", object_type="t", object_id=str(i))
    client.force_login(administrator)
    newest = AuditEntry.objects.filter(actor_username="dr.house").order_by("-seq").first().seq
    with CaptureQueriesContext(connection) as queries:
        first = client.get("/audit/", {"username": "DR.HOUSE"})
    sql = " ".join(q["sql"].upper() for q in queries.captured_queries)
    assert "COUNT(" not in sql and "OFFSET" not in sql
    rows = first.context["entries"]
    assert [e.seq for e in rows] == list(range(newest, newest - 50, -1))
    assert first.context["newer"] is None and first.context["older"] == newest - 49
    assert f"before={newest - 49}" in first.content.decode()
    assert "username=DR.HOUSE" in first.content.decode()  # the filter stays in the links

    second = client.get("/audit/", {"username": "DR.HOUSE", "before": newest - 49})
    assert [e.seq for e in second.context["entries"]] == list(range(newest - 50, newest - 100, -1))
    assert second.context["newer"] == newest - 50
    back = client.get("/audit/", {"username": "DR.HOUSE", "after": newest - 50})
    assert [e.seq for e in back.context["entries"]] == [e.seq for e in rows]
    assert back.context["newer"] is None

    last = client.get("/audit/", {"username": "DR.HOUSE", "before": newest - 99})
    assert len(last.context["entries"]) == 20  # 120 entries by dr.house
    assert last.context["older"] is None
    assert client.get("/audit/", {"before": "x' OR 1=1"}).status_code == 200  # not a cursor
