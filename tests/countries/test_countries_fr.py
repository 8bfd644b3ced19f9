"""The French profile's checks, with published numbers where they exist."""

from __future__ import annotations

from datetime import date

import pytest

from cryoneuro.countries import fr
from cryoneuro.countries.base import IdentifierError


@pytest.mark.parametrize(
    "typed",
    [
        "2 06 12 75 111 005 64",  # lbcd78.fr (2007): key 64
        "1 84 12 76 451 089 46",  # the example in INSEE-derived write-ups
    ],
)
def test_it_accepts_published_nirs(typed):
    assert fr.check_ins(typed) == typed.replace(" ", "")


def test_it_counts_corsica_as_19_and_18_for_the_key():
    # No published Corsican example was found: the key is computed here by hand from the
    # rule (2A -> 19, 2B -> 18) and the two departments must give different keys.
    body_2a = "185022A004001"
    body_2b = "185022B004001"
    key_2a = 97 - int("1850219004001") % 97
    key_2b = 97 - int("1850218004001") % 97
    assert fr.nir_key(body_2a) == key_2a and fr.nir_key(body_2b) == key_2b
    assert fr.check_ins(f"{body_2a}{key_2a:02d}") == f"{body_2a}{key_2a:02d}"
    with pytest.raises(IdentifierError) as caught:
        fr.check_ins(f"{body_2a}{key_2b:02d}")  # 2B's key on a 2A number
    assert caught.value.check == "nir_key"


@pytest.mark.parametrize(
    ("typed", "check"),
    [
        ("2 06 12 75 111 005 65", "nir_key"),
        ("2 06 12 75 111 050 64", "nir_key"),  # two digits swapped
        ("2 06 12 75 111 005 6", "nir_length"),
        ("2 06 12 75 111 005 644", "nir_length"),
        ("2 06 12 7X 111 005 64", "nir_format"),
        ("3 06 12 75 111 005 64", "nir_sex_digit"),
    ],
)
def test_it_names_the_failed_nir_check(typed, check):
    with pytest.raises(IdentifierError) as caught:
        fr.check_ins(typed)
    assert caught.value.check == check


def test_it_checks_the_nir_against_the_record():
    number = fr.check_ins("1 84 12 76 451 089 46")
    fr.check_ins_consistency(number, "male", date(1984, 12, 3))
    for sex, born, check in [
        ("female", date(1984, 12, 3), "nir_sex_mismatch"),
        ("male", date(1985, 12, 3), "nir_birth_year_mismatch"),
        ("male", date(1984, 11, 3), "nir_birth_month_mismatch"),
    ]:
        with pytest.raises(IdentifierError) as caught:
            fr.check_ins_consistency(number, sex, born)
        assert caught.value.check == check


def test_it_tells_nir_from_nia_and_their_oids():
    assert fr.ins_kind("184127645108946") == "NIR"
    assert fr.ins_oid("184127645108946") == "1.2.250.1.213.1.4.8"
    assert fr.ins_kind("784127645108946") == "NIA"
    assert fr.ins_oid("784127645108946") == "1.2.250.1.213.1.4.9"


def test_it_derives_the_rniv_status_from_its_two_checks():
    S = fr.IdentityStatus
    assert fr.identity_status(ins_retrieved=False, document_checked=False) is S.PROVISIONAL
    assert fr.identity_status(ins_retrieved=True, document_checked=False) is S.RETRIEVED
    assert fr.identity_status(ins_retrieved=False, document_checked=True) is S.VALIDATED
    assert fr.identity_status(ins_retrieved=True, document_checked=True) is S.QUALIFIED


def test_it_refuses_a_qualified_identity_without_its_ins_or_strict_traits():
    traits = {
        "birth_family_name": "Martin",
        "first_given_name": "Louis",
        "birth_date": date(1984, 12, 3),
        "sex": "male",
        "birthplace_code": "76451",
    }
    fr.check_status_coherence("qualifiee", "184127645108946", traits)
    with pytest.raises(IdentifierError) as caught:
        fr.check_status_coherence("qualifiee", "", traits)
    assert caught.value.check == "ins_status_needs_ins"
    with pytest.raises(IdentifierError) as caught:
        fr.check_status_coherence("qualifiee", "184127645108946", {**traits, "birthplace_code": ""})
    assert caught.value.check == "ins_status_needs_traits"
    fr.check_status_coherence("provisoire", "", {})
    assert len(fr.STRICT_TRAITS) == 5


@pytest.mark.parametrize("code", ["75111", "2A004", "2B033", "97411", "99100"])
def test_it_accepts_insee_birthplace_codes(code):
    assert fr.check_birthplace(code.lower()) == code


@pytest.mark.parametrize("code", ["7511", "20004", "00123", "2C004", "Paris"])
def test_it_refuses_malformed_birthplace_codes(code):
    with pytest.raises(IdentifierError) as caught:
        fr.check_birthplace(code)
    assert caught.value.check == "birthplace_format"


def test_it_keeps_records_as_the_public_health_code_says():
    born_adult = date(1960, 1, 1)
    assert fr.retention_until(date(2026, 3, 1), born_adult) == date(2046, 3, 1)
    # a child: until the 28th birthday when that comes later
    assert fr.retention_until(date(2026, 3, 1), date(2024, 6, 30)) == date(2052, 6, 30)
    # died within 10 years of the last visit: 10 years from the death
    assert fr.retention_until(date(2026, 3, 1), born_adult, date(2030, 1, 1)) == date(2040, 1, 1)
    # died later: the 20 years hold
    assert fr.retention_until(date(2026, 3, 1), born_adult, date(2037, 1, 1)) == date(2046, 3, 1)
    r = fr.PROFILE.retention
    assert (r.active_years, r.years_after_last_visit - (r.active_years or 0)) == (5, 15)


def test_it_recognises_mssante_addresses():
    assert fr.is_mssante_address("dupont@ch-xyz.mssante.fr")
    assert not fr.is_mssante_address("dupont@mssante.fr.example.com")
    assert not fr.is_mssante_address("dupont@orange.fr")


def test_it_codes_the_test_block_in_ccam_and_cryoneurolysis_outside_the_list():
    codes = {c.code: c for c in fr.PROFILE.act_codes}
    assert codes["AHLB007"].verified
    assert not codes["HN"].verified and "outside the list" in codes["HN"].label_en
