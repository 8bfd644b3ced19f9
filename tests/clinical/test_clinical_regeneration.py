from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cryoneuro.clinical.nerves import NERVES
from cryoneuro.clinical.regeneration import (
    DEFAULT_ONSET_DAYS,
    DEFAULT_REGROWTH_MM_PER_DAY,
    RELIEF_MODEL_VERSION,
    calibrated_delay,
    calibration_table,
    expected_relief_window,
    fit_delay,
    personalised_relief_window,
    relief_window_for_nerve,
)
from cryoneuro.clinical.relief_calibration import (
    PUBLISHED_RELIEF,
    calibration_rows,
    nerve_calibration_status,
    validation_rows,
)


def test_it_uses_the_sourced_human_defaults() -> None:
    # human rate: SIR abstract 401 (1.0 mm/day) to Buchthal & Kuhl 1979 (2.0 mm/day)
    assert DEFAULT_REGROWTH_MM_PER_DAY == (1.0, 2.0)
    assert DEFAULT_ONSET_DAYS == (0.0, 3.0)
    window = expected_relief_window(100)
    assert "Buchthal" in window.source and "Wallerian" in window.source
    assert window.model_version == RELIEF_MODEL_VERSION == "2026.12.5"


def test_it_adds_the_delay_to_the_regrowth_time() -> None:
    # end = delay + distance / rate: 100 mm at 1-2 mm/day after a 40-80 day delay
    window = expected_relief_window(100.0, delay_days=(40.0, 80.0))
    assert window.end_days == (90.0, 180.0)
    assert window.onset_days == (0.0, 3.0)
    assert window.to_dict()["delay_days"] == [40.0, 80.0]


def test_the_first_model_without_a_delay_is_the_physics_md_worked_example() -> None:
    # physics.md's first model (no delay): 100 mm at 1-2 mm/day gives 50-100 days
    assert expected_relief_window(100.0, delay_days=(0, 0)).end_days == (50.0, 100.0)


def test_it_gives_dates_as_ranges_from_the_procedure_date() -> None:
    window = expected_relief_window(
        150.0, regrowth_mm_per_day=(1.0, 2.0), onset_days=(0.5, 3), delay_days=(0, 0)
    )
    day0 = dt.date(2026, 3, 28)
    assert window.onset_dates(day0) == (dt.date(2026, 3, 28), dt.date(2026, 3, 31))
    assert window.end_dates(day0) == (day0 + dt.timedelta(days=75), day0 + dt.timedelta(days=150))
    data = window.to_dict(day0)
    assert data["end_dates"] == ["2026-06-11", "2026-08-25"]


def test_it_uses_a_custom_rate() -> None:
    window = expected_relief_window(90, regrowth_mm_per_day=(0.57, 1.48), delay_days=(10, 20))
    assert window.end_days == pytest.approx((10 + 90 / 1.48, 20 + 90 / 0.57))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"distance_to_end_organ_mm": 0}, "distance"),
        ({"distance_to_end_organ_mm": -5}, "distance"),
        ({"distance_to_end_organ_mm": float("nan")}, "distance"),
        ({"distance_to_end_organ_mm": 100, "regrowth_mm_per_day": (0, 2)}, "regrowth rate.*> 0"),
        ({"distance_to_end_organ_mm": 100, "regrowth_mm_per_day": (2, 1)}, "low must be <= high"),
        ({"distance_to_end_organ_mm": 100, "onset_days": (-1, 3)}, "onset.*>= 0"),
        ({"distance_to_end_organ_mm": 100, "onset_days": (5, 3)}, "low must be <= high"),
        ({"distance_to_end_organ_mm": 100, "regrowth_mm_per_day": ("a", 2)}, "pair of numbers"),
        ({"distance_to_end_organ_mm": 100, "delay_days": (-1, 3)}, "delay.*>= 0"),
    ],
)
def test_it_rejects_bad_inputs_with_clear_messages(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        expected_relief_window(**kwargs)


@given(
    distance=st.floats(1, 1000),
    low=st.floats(0.1, 5),
    spread=st.floats(0, 5),
)
def test_it_always_returns_an_ordered_range(distance: float, low: float, spread: float) -> None:
    window = expected_relief_window(distance, regrowth_mm_per_day=(low, low + spread))
    assert window.end_days[0] <= window.end_days[1]
    assert window.end_days[1] == pytest.approx(calibrated_delay()[1] + distance / low)


def test_it_uses_the_catalog_distance_for_a_nerve_and_says_it_is_a_default() -> None:
    window = relief_window_for_nerve("intercostal")
    d = NERVES["intercostal"].distance_to_end_organ_mm
    low, high = calibrated_delay()
    assert window.end_days == pytest.approx((low + d / 2.0, high + d / 1.0))
    assert "catalog default" in window.source
    assert window.calibration == "calibrated"
    with pytest.raises(ValueError, match="unknown nerve"):
        relief_window_for_nerve("vagus")


# --------------------------------------------------------- calibration and validation
def test_it_fits_the_delay_on_the_calibration_subset_only() -> None:
    # calibration: Radnovich 2017 (IPBSN), DiFiore 2024 (intercostal), Matelich 2022
    # (suprascapular); everything else is held out
    assert {r.nerve_code for r in calibration_rows()} == {"ipbsn", "intercostal", "suprascapular"}
    assert all(r.role == "validation" for r in validation_rows())
    distances = {c: n.distance_to_end_organ_mm for c, n in NERVES.items()}
    fit = fit_delay(calibration_rows(), distances)
    assert fit.delay_days == pytest.approx(calibrated_delay())
    # a delay of weeks to months, not the first model's zero: 1-3 months
    assert 30 <= fit.delay_days[0] <= fit.central_delay_days <= fit.delay_days[1] <= 100
    # refitting on the held-out rows gives a different delay: they are not used
    assert fit_delay(validation_rows(), distances).delay_days != fit.delay_days


def test_it_agrees_with_every_calibration_row_and_reports_the_held_out_ones() -> None:
    table = calibration_table()
    calibration = [r for r in table if r["role"] == "calibration"]
    validation = [r for r in table if r["role"] == "validation"]
    assert len(calibration) == 3 and len(validation) >= 6
    assert all(r["overlap"] for r in calibration)
    # held out: the knee and intercostal outcomes are predicted (windows overlap)...
    held = {(r["nerve"], r["source"][:8]): r["overlap"] for r in validation}
    assert held[("afcn", "Nygaard ")] and held[("intercostal", "Pediatr ")]
    # ...the lumbar medial branch and the occipital pilot are not: documented misses of
    # a distance-driven model (docs/clinical/relief-window.md)
    assert not held[("lumbar_medial_branch", "Birkenma")]
    assert not held[("greater_occipital", "Grigsby ")]
    # added held-out rows: the LFCN case (relief still there at 3 months) is predicted; the
    # sacroiliac series (69 % still responding at 6 months, nerves not named) is not
    assert held[("lfcn", "Lateral ")]
    assert not held[("sacral_lateral_branches", "Efficacy")]
    # the window now reaches the clinic's 3-6 months for the knee (the old one: 50-100 days)
    ipbsn = relief_window_for_nerve("ipbsn").end_days
    assert ipbsn[0] >= 85 and ipbsn[1] >= 150


def test_every_catalog_nerve_gets_a_window_and_a_calibration_status() -> None:
    codes = {r.nerve_code for r in PUBLISHED_RELIEF}
    assert len(codes) >= 6
    for code in NERVES:
        w = relief_window_for_nerve(code)
        assert 0 < w.end_days[0] <= w.end_days[1]
        status = nerve_calibration_status(code)
        assert w.calibration == status
        if code not in codes:
            assert status == "uncalibrated" and "uncalibrated" in w.source
    assert nerve_calibration_status("a_nerve_added_later") == "uncalibrated"


def test_it_counts_the_catalog_nerves_with_a_verified_published_row() -> None:
    # 7 distinct catalogued nerves have a verified figure (the issue asks for 8: not reached;
    # docs/clinical/relief-window.md lists what was searched)
    verified = {r.nerve_code for r in PUBLISHED_RELIEF if r.verified and r.nerve_code in NERVES}
    assert verified >= {
        "ipbsn",
        "afcn",
        "intercostal",
        "suprascapular",
        "lumbar_medial_branch",
        "greater_occipital",
        "lfcn",
    }
    assert len(verified) >= 7
    # an unverified row adds no nerve and no calibration status
    assert "sacral_lateral_branches" not in verified
    assert nerve_calibration_status("sacral_lateral_branches") == "uncalibrated"
    assert nerve_calibration_status("lfcn") == "validated"
    # the new rows are held out: the fit uses the same three rows
    assert {r.nerve_code for r in calibration_rows()} == {"ipbsn", "intercostal", "suprascapular"}


# ------------------------------------------------------ the patient's own relief
def _population():  # type: ignore[no-untyped-def]
    return expected_relief_window(100.0, delay_days=(40.0, 80.0))  # end on days 90-180


def _centre(window) -> float:  # type: ignore[no-untyped-def]
    low, high = window.end_days
    return math.sqrt(low * high)


def test_without_observations_the_patient_gets_the_population_window() -> None:
    population = _population()
    assert personalised_relief_window(population, []) is population
    assert not population.personalised


def test_one_observation_moves_the_prediction_part_way() -> None:
    population = _population()
    one = personalised_relief_window(population, [60.0])
    # half-way on the log scale with the default within-patient share of 0.5
    expected = math.exp((math.log(_centre(population)) + math.log(60.0)) / 2)
    assert _centre(one) == pytest.approx(expected)
    assert 60.0 < _centre(one) < _centre(population)
    assert one.personalised and one.observed_end_days == (60.0,)
    assert one.population_end_days == population.end_days
    assert "relief lasted 60 days" in one.source
    data = one.to_dict()
    assert data["observed_end_days"] == [60.0] and data["population_end_days"] == [90.0, 180.0]
    # the window narrows but stays a range
    assert one.end_days[1] - one.end_days[0] < population.end_days[1] - population.end_days[0]
    assert one.end_days[0] < one.end_days[1]


def test_many_observations_converge_on_them() -> None:
    population = _population()
    far = [personalised_relief_window(population, [300.0] * n) for n in (1, 3, 10, 100)]
    centres = [_centre(w) for w in far]
    assert centres == sorted(centres)  # each more observation moves closer
    assert centres[-1] == pytest.approx(300.0, rel=0.01)
    assert far[-1].end_days[0] < 300.0 < far[-1].end_days[1]


@given(obs=st.lists(st.floats(1.0, 3650.0), min_size=1, max_size=20))
def test_the_update_is_bounded_by_the_prior_and_the_observations(obs: list[float]) -> None:
    population = _population()
    w = personalised_relief_window(population, obs)
    geo = math.exp(sum(math.log(v) for v in obs) / len(obs))
    c0 = _centre(population)
    assert min(c0, geo) - 1e-6 <= _centre(w) <= max(c0, geo) + 1e-6
    width = math.log(w.end_days[1] / w.end_days[0])
    width0 = math.log(population.end_days[1] / population.end_days[0])
    assert math.sqrt(0.5) * width0 - 1e-9 <= width <= width0 + 1e-9


@pytest.mark.parametrize("bad", [0, -5, float("nan"), float("inf"), 4000, "60", True])
def test_it_refuses_an_impossible_observation(bad: object) -> None:
    with pytest.raises(ValueError, match="observed relief"):
        personalised_relief_window(_population(), [bad])  # type: ignore[list-item]
