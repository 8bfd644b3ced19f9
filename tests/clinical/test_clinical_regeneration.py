from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cryoneuro.clinical.regeneration import (
    DEFAULT_ONSET_DAYS,
    DEFAULT_REGROWTH_MM_PER_DAY,
    expected_relief_window,
    relief_window_for_nerve,
)


def test_it_uses_the_sourced_defaults() -> None:
    assert DEFAULT_REGROWTH_MM_PER_DAY == (1.0, 2.0)
    assert DEFAULT_ONSET_DAYS == (0.0, 3.0)
    window = expected_relief_window(100)
    assert "Shah" in window.source and "Wallerian" in window.source


def test_it_gives_the_physics_md_worked_example() -> None:
    # physics.md: 100 mm at 1-2 mm/day gives 50-100 days
    window = expected_relief_window(100.0)
    assert window.end_days == (50.0, 100.0)
    assert window.onset_days == (0.0, 3.0)


def test_it_gives_dates_as_ranges_from_the_procedure_date() -> None:
    window = expected_relief_window(150.0, regrowth_mm_per_day=(1.0, 2.0), onset_days=(0.5, 3))
    day0 = dt.date(2026, 3, 28)
    assert window.onset_dates(day0) == (dt.date(2026, 3, 28), dt.date(2026, 3, 31))
    assert window.end_dates(day0) == (day0 + dt.timedelta(days=75), day0 + dt.timedelta(days=150))
    data = window.to_dict(day0)
    assert data["end_dates"] == ["2026-06-11", "2026-08-25"]


def test_it_uses_a_custom_rate() -> None:
    window = expected_relief_window(90, regrowth_mm_per_day=(0.57, 1.48))
    assert window.end_days == pytest.approx((90 / 1.48, 90 / 0.57))


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
    assert window.end_days[1] == pytest.approx(distance / low)


def test_it_uses_the_catalog_distance_for_a_nerve_and_says_it_is_a_default() -> None:
    window = relief_window_for_nerve("intercostal")
    assert window.end_days == (75.0, 150.0)
    assert "catalog default" in window.source
    with pytest.raises(ValueError, match="unknown nerve"):
        relief_window_for_nerve("vagus")
