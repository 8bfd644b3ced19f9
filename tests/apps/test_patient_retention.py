"""The retention report: records judged against the country profile's rule, from their
last audited write; a dry run that changes nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from cryoneuro.patients.models import Patient
from cryoneuro.patients.selectors import patient_retention_report
from cryoneuro.patients.services import patient_create, patient_update

pytestmark = pytest.mark.django_db


def _register(user, name, born, on):
    with time_machine.travel(dt.datetime(*on, 10, 0, tzinfo=dt.UTC), tick=False):
        return patient_create(
            created_by=user, family_name=name, given_name="Test", birth_date=born, sex="female"
        )


def test_it_judges_each_record_from_its_last_write_on_the_french_profile(settings, coordinator):
    settings.CRYONEURO_COUNTRY = "FR"
    old = _register(coordinator, "Ancien", dt.date(1950, 1, 1), (2001, 3, 1))
    archived = _register(coordinator, "Archive", dt.date(1950, 1, 1), (2015, 3, 1))
    child = _register(coordinator, "Enfant", dt.date(2000, 6, 1), (2003, 3, 1))
    recent = _register(coordinator, "Recent", dt.date(1950, 1, 1), (2001, 3, 1))
    with time_machine.travel(dt.datetime(2024, 5, 1, 10, 0, tzinfo=dt.UTC), tick=False):
        patient_update(patient=recent, updated_by=coordinator, phone="0102030405")
    rows = {r.patient.pk: r for r in patient_retention_report(today=dt.date(2026, 12, 2))}
    assert rows[old.pk].status == "destroyable"  # 2001 + 20 = 2021
    assert rows[old.pk].keep_until == dt.date(2021, 3, 1)
    assert rows[archived.pk].status == "archive"  # 2015 + 5 <= 2026 < 2015 + 20
    assert rows[archived.pk].archive_from == dt.date(2020, 3, 1)
    # archived, but kept to the 28th birthday (2028-06-01), not 2023
    assert rows[child.pk].status == "archive"
    assert rows[child.pk].keep_until == dt.date(2028, 6, 1)
    assert rows[recent.pk].last_activity == dt.date(2024, 5, 1)  # the edit counts
    assert rows[recent.pk].status == "active"


def test_the_swiss_profile_keeps_no_active_archive_split(settings, coordinator):
    settings.CRYONEURO_COUNTRY = "CH"
    patient = _register(coordinator, "Ancien", dt.date(1950, 1, 1), (2015, 3, 1))
    row = patient_retention_report(today=dt.date(2026, 12, 2))[0]
    assert (row.patient.pk, row.archive_from, row.status) == (patient.pk, None, "active")


def test_the_command_reports_and_changes_nothing(settings, coordinator):
    settings.CRYONEURO_COUNTRY = "FR"
    _register(coordinator, "Ancien", dt.date(1950, 1, 1), (2001, 3, 1))
    out = StringIO()
    call_command("retention_report", today="2026-12-02", stdout=out)
    text = out.getvalue()
    assert "destroyable" in text and "R1112-7" in text and "dry run" in text
    assert "0 active, 0 to archive, 1 destroyable (dry run)." in text
    assert Patient.objects.count() == 1
    with pytest.raises(CommandError, match="--today='2026-13-01'"):
        call_command("retention_report", today="2026-13-01")
