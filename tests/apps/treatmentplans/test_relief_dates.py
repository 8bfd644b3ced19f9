"""Issue 11 §4: the plan's relief window shows its dates in the reader's format, not as
the ISO strings stored with the plan."""

from __future__ import annotations

from django.utils import translation

from cryoneuro.treatmentplans.presenters import _relief


def test_the_relief_dates_follow_the_page_language():
    stored = {
        "onset_dates": ["2026-12-03", "2026-12-06"],
        "end_dates": ["2027-03-04", "2027-06-13"],
        "basis": "measured distance",
    }
    with translation.override("fr"):
        fr = _relief(stored)
    with translation.override("en"):
        en = _relief(stored)
    assert fr is not None and en is not None
    assert fr["onset_dates"] == ["03/12/2026", "06/12/2026"]
    assert fr["end_dates"][1] == "13/06/2027"
    assert "2026-12-03" not in en["onset_dates"] and "2026" in en["onset_dates"][0]
    assert _relief({"onset_dates": ["soon"], "basis": ""})["onset_dates"] == ["soon"]
