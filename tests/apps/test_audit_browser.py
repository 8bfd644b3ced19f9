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
