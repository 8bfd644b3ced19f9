"""The Swiss profile's checks, with published numbers where they exist."""

from __future__ import annotations

import pytest

from cryoneuro.countries import ch
from cryoneuro.countries.base import IdentifierError


@pytest.mark.parametrize(
    "typed",
    [
        "756.9217.0769.85",  # the ZAS/CdC's own example
        "756.2295.8830.70",  # CH Core AHVN13 write-up (markomiletic.ch, 2023)
        "7561234567897",
        " 756 1234 5678 97 ",
    ],
)
def test_it_accepts_valid_ahv_numbers(typed):
    number = ch.check_ahv(typed)
    assert len(number) == 13 and number.isdigit()
    assert ch.format_ahv(number).replace(".", "") == number


@pytest.mark.parametrize(
    ("typed", "check"),
    [
        ("756.9217.0769.86", "ahv_check_digit"),  # last digit off by one
        ("756.9217.0796.85", "ahv_check_digit"),  # two digits swapped
        ("756.9217.0769.8", "ahv_length"),
        ("756.9217.0769.850", "ahv_length"),
        ("757.9217.0769.85", "ahv_prefix"),
        ("756.92l7.0769.85", "ahv_digits"),
    ],
)
def test_it_names_the_failed_ahv_check(typed, check):
    with pytest.raises(IdentifierError) as caught:
        ch.check_ahv(typed)
    assert caught.value.check == check


def test_it_formats_the_ahv_number_as_the_zas_prints_it():
    assert ch.format_ahv("7569217076985") == "756.9217.0769.85"


def test_it_checks_the_insurance_card_number():
    assert ch.check_card_number("80756 01509 00001 23456") == "80756015090000123456"
    for typed, check in [
        ("8075601509000012345", "card_length"),
        ("80756015090000123456 7", "card_length"),
        ("80250015090000123456", "card_prefix"),
        ("80756O1509000O123456", "card_digits"),
    ]:
        with pytest.raises(IdentifierError) as caught:
            ch.check_card_number(typed)
        assert caught.value.check == check, typed


def test_it_checks_insurer_numbers_and_coverage():
    assert ch.check_insurer_number("01509") == "1509"
    assert ch.check_insurer_number("8") == "8"
    with pytest.raises(IdentifierError) as caught:
        ch.check_insurer_number("123456")
    assert caught.value.check == "insurer_number"
    assert ch.check_coverage("supplementary") == "supplementary"
    with pytest.raises(IdentifierError) as caught:
        ch.check_coverage("private")
    assert caught.value.check == "coverage"


def test_it_knows_the_26_cantons():
    assert len(ch.CANTONS) == 26
    assert ch.check_canton(" vd ") == "VD"
    with pytest.raises(IdentifierError) as caught:
        ch.check_canton("FL")  # Liechtenstein is no canton
    assert caught.value.check == "canton"


def test_it_recognises_hin_addresses():
    assert ch.is_hin_address("dr.muster@hin.ch")
    assert ch.is_hin_address("Praxis@Spital.HIN.ch")
    assert not ch.is_hin_address("dr.muster@hin.ch.example.org")
    assert not ch.is_hin_address("dr.muster@gmail.com")
    assert not ch.is_hin_address("not an address")


def test_it_marks_every_unverified_tardoc_position():
    codes = ch.PROFILE.act_codes
    assert codes, "the tariff file lists the positions the service uses"
    assert all(code.source for code in codes)
    assert [c.code for c in codes if c.verified] == []  # none checked against the browser


def test_it_is_the_swiss_clinic_zone_and_currency():
    profile = ch.PROFILE
    assert (profile.time_zone, profile.currency) == ("Europe/Zurich", "CHF")
    assert profile.diagnoses.name == "ICD-10-GM"
    assert profile.fhir_identifier_systems["ahv_number"] == "urn:oid:2.16.756.5.32"
