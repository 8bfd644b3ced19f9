"""MME conversions with the CDC 2022 factors (clinical.md)."""

from __future__ import annotations

import pytest

from cryoneuro.clinical.analgesics import (
    CDC_2022_MME_FACTORS,
    known_drugs,
    mme_per_day,
    total_mme_per_day,
)


def test_it_uses_the_cdc_2022_factors() -> None:
    assert dict(CDC_2022_MME_FACTORS) == {
        "codeine": 0.15,
        "fentanyl_transdermal": 2.4,
        "hydrocodone": 1.0,
        "hydromorphone": 5.0,
        "methadone": 4.7,
        "morphine": 1.0,
        "oxycodone": 1.5,
        "oxymorphone": 3.0,
        "tapentadol": 0.4,
        "tramadol": 0.2,
    }


@pytest.mark.parametrize(
    ("drug", "dose", "mme"),
    [
        ("morphine", 60, 60),
        ("oxycodone", 40, 60),  # 10 mg four times a day
        ("hydrocodone", 40, 40),
        ("codeine", 240, 36),  # 60 mg four times a day
        ("tramadol", 200, 40),  # 50 mg four times a day
        ("tapentadol", 100, 40),
        ("hydromorphone", 8, 40),
        ("oxymorphone", 20, 60),
        ("methadone", 10, 47),
        ("fentanyl_transdermal", 25, 60),  # 25 mcg/h patch
        ("Codéine", 120, 18),
        ("Fentanyl transdermique", 12, 28.8),
    ],
)
def test_it_converts_daily_doses_to_mme(drug: str, dose: float, mme: float) -> None:
    assert mme_per_day(drug, dose) == pytest.approx(mme)


def test_it_sums_a_day_of_opioids() -> None:
    # worked example: hydrocodone 10 mg x 4 (40 MME) + oxycodone 20 mg x 2 (60 MME) = 100 MME
    assert total_mme_per_day({"hydrocodone": 40, "oxycodone": 40}) == pytest.approx(100)


@pytest.mark.parametrize(
    "drug", ["paracetamol", "Paracétamol", "ibuprofen", "pregabalin", "acetaminophen"]
)
def test_it_gives_zero_for_non_opioids(drug: str) -> None:
    assert mme_per_day(drug, 3000) == 0.0


def test_it_lists_known_drugs_for_an_unknown_one() -> None:
    with pytest.raises(
        ValueError, match=r"unknown drug 'kratom'; known drugs: .*morphine.*tramadol"
    ):
        mme_per_day("kratom", 10)
    assert "oxycodone" in known_drugs() and "paracetamol" in known_drugs()


def test_it_refuses_buprenorphine_with_a_reason() -> None:
    with pytest.raises(ValueError, match="no MME conversion factor"):
        mme_per_day("buprenorphine", 0.4)


@pytest.mark.parametrize("dose", [-1, float("nan"), float("inf")])
def test_it_rejects_impossible_doses(dose: float) -> None:
    with pytest.raises(ValueError, match="daily dose"):
        mme_per_day("morphine", dose)


def test_it_accepts_another_factor_table() -> None:
    assert mme_per_day("methadone", 10, factors={"methadone": 4.0}) == 40
