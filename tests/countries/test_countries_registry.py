"""One profile a country, chosen by code; pure (no Django)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import cryoneuro.countries
from cryoneuro.countries import DEFAULT, PROFILES, profile


def test_it_finds_each_profile_by_code_in_any_case():
    assert DEFAULT == "CH"
    assert profile("ch") is PROFILES["CH"] and profile(" FR ") is PROFILES["FR"]
    with pytest.raises(KeyError, match="known: CH, FR"):
        profile("DE")


def test_it_gives_each_profile_its_zone_currency_and_fields():
    assert {c: (p.time_zone, p.currency) for c, p in PROFILES.items()} == {
        "CH": ("Europe/Zurich", "CHF"),
        "FR": ("Europe/Paris", "EUR"),
    }
    for p in PROFILES.values():
        assert set(p.identifier_checks) <= set(p.patient_fields)
        assert p.retention.source and p.diagnoses.source and p.acts.source


def test_it_loads_without_pulling_django_in():
    src = str(Path(cryoneuro.countries.__file__).parents[2])
    code = (
        "import sys, cryoneuro.countries; "
        "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], env={"PYTHONPATH": src}, check=False)
    assert result.returncode == 0
