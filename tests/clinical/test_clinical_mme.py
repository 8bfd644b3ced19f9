"""MME conversions with the CDC 2022 factors, by route (docs/clinical/scores.md)."""

from __future__ import annotations

import pytest

from cryoneuro.clinical.analgesics import (
    CDC_2022_MME_FACTORS,
    MMEUnavailable,
    convert,
    dose_unit,
    known_drugs,
    mme_per_day,
    normalise_route,
    total_mme_per_day,
)


def test_it_uses_the_cdc_2022_factors() -> None:
    assert dict(CDC_2022_MME_FACTORS) == {
        ("codeine", "oral"): 0.15,
        ("fentanyl", "transdermal"): 2.4,
        ("hydrocodone", "oral"): 1.0,
        ("hydromorphone", "oral"): 5.0,
        ("methadone", "oral"): 4.7,
        ("morphine", "oral"): 1.0,
        ("oxycodone", "oral"): 1.5,
        ("oxymorphone", "oral"): 3.0,
        ("tapentadol", "oral"): 0.4,
        ("tramadol", "oral"): 0.2,
    }


def test_it_reproduces_the_cdc_2022_table_footnote_examples() -> None:
    # CDC 2022 Table footnote: hydrocodone 5 mg four times a day = 20 mg/day = 20 MME/day;
    # oxycodone ER 10 mg twice a day = 20 mg/day = 30 MME/day.
    assert mme_per_day("hydrocodone", 4 * 5, route="oral") == pytest.approx(20)
    assert mme_per_day("oxycodone", 2 * 10, route="oral") == pytest.approx(30)
    # fentanyl is in mcg/h: a 25 mcg/h patch x 2.4 = 60 MME/day
    assert mme_per_day("fentanyl", 25, route="transdermal") == pytest.approx(60)


@pytest.mark.parametrize(
    ("drug", "dose", "route", "mme"),
    [
        ("morphine", 60, "oral", 60),
        ("codeine", 240, "oral", 36),  # 60 mg four times a day
        ("tramadol", 200, "PO", 40),  # 50 mg four times a day
        ("tapentadol", 100, "oral", 40),
        ("hydromorphone", 8, "oral", 40),
        ("oxymorphone", 20, "oral", 60),
        ("methadone", 10, "per os", 47),
        ("Codéine", 120, "orale", 18),
        ("Fentanyl transdermique", 12, None, 28.8),  # the name states the route
        ("fentanyl", 50, "patch", 120),
    ],
)
def test_it_converts_daily_doses_to_mme(drug: str, dose: float, route: str, mme: float) -> None:
    assert mme_per_day(drug, dose, route=route) == pytest.approx(mme)


def test_it_does_not_take_a_plain_fentanyl_for_a_patch() -> None:
    # before routes, "fentanyl" 200 was converted as a 200 mcg/h patch: 480 MME/day
    with pytest.raises(MMEUnavailable, match="fentanyl: route not recorded") as info:
        mme_per_day("fentanyl", 200)
    assert info.value.code == "route_unknown"
    result = convert("fentanyl", 200, None)
    assert result.mme_per_day is None and result.route == "unknown"


@pytest.mark.parametrize("route", ["buccal", "sublingual", "nasal", "IV", "sous-cutanée"])
def test_it_refuses_fentanyl_by_a_route_without_a_sourced_factor(route: str) -> None:
    with pytest.raises(MMEUnavailable, match=r"fentanyl \(\w+\): no sourced MME") as info:
        mme_per_day("fentanyl", 400, route=route)
    assert info.value.code == "no_factor" and "transdermal" in str(info.value)


def test_it_refuses_parenteral_morphine_rather_than_use_the_oral_factor() -> None:
    with pytest.raises(MMEUnavailable, match=r"morphine \(parenteral\)"):
        mme_per_day("morphine", 10, route="iv")
    assert convert("morphine", 10, "iv").reason_code == "no_factor"


def test_it_refuses_a_route_that_contradicts_the_name() -> None:
    with pytest.raises(ValueError, match="states the route transdermal"):
        mme_per_day("fentanyl_transdermal", 25, route="buccal")


def test_it_gives_the_dose_unit_by_route() -> None:
    assert dose_unit("fentanyl", "transdermal") == "mcg/h"
    assert dose_unit("fentanyl", "buccal") == "mcg/day"
    assert dose_unit("oxycodone", "oral") == "mg/day"


def test_it_sums_a_day_of_opioids() -> None:
    # hydrocodone 10 mg x 4 (40 MME) + oxycodone 20 mg x 2 (60 MME) = 100 MME
    assert total_mme_per_day(
        [("hydrocodone", 40, "oral"), ("oxycodone", 40, "oral")]
    ) == pytest.approx(100)


def test_it_gives_no_total_when_one_intake_cannot_be_converted() -> None:
    with pytest.raises(MMEUnavailable, match="buprenorphine"):
        total_mme_per_day([("morphine", 30, "oral"), ("buprenorphine", 0.4, "sublingual")])


@pytest.mark.parametrize(
    "drug", ["paracetamol", "Paracétamol", "ibuprofen", "pregabalin", "acetaminophen"]
)
def test_it_gives_zero_for_non_opioids(drug: str) -> None:
    assert mme_per_day(drug, 3000, route="oral") == 0.0
    assert mme_per_day(drug, 3000) == 0.0  # the route does not matter for a non-opioid


def test_it_lists_known_drugs_for_an_unknown_one() -> None:
    with pytest.raises(
        ValueError, match=r"unknown drug 'kratom'; known drugs: .*morphine.*tramadol"
    ):
        mme_per_day("kratom", 10, route="oral")
    assert "oxycodone" in known_drugs() and "paracetamol" in known_drugs()
    assert "fentanyl" in known_drugs() and "buprenorphine" in known_drugs()


def test_it_names_the_valid_routes_for_an_unknown_one() -> None:
    with pytest.raises(ValueError, match=r"unknown route 'smoked'; routes: oral, transdermal"):
        normalise_route("smoked")


def test_it_refuses_buprenorphine_with_a_reason() -> None:
    with pytest.raises(MMEUnavailable, match="no MME conversion factor"):
        mme_per_day("buprenorphine", 0.4, route="sublingual")


@pytest.mark.parametrize("dose", [-1, float("nan"), float("inf"), True, "10"])
def test_it_rejects_impossible_doses(dose: float) -> None:
    with pytest.raises(ValueError, match="daily dose"):
        mme_per_day("morphine", dose, route="oral")
