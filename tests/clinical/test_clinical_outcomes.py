"""Response, onset and end of relief on synthetic NRS trajectories."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cryoneuro.clinical.outcomes import (
    Session,
    is_response,
    next_step,
    relief_course,
    relief_vs_window,
)
from cryoneuro.clinical.regeneration import expected_relief_window


@pytest.mark.parametrize(
    ("baseline", "value", "expected"),
    [
        (8, 6, True),  # 2 points (25 %)
        (8, 7, False),  # 1 point (12.5 %)
        (3, 2, True),  # 1 point but 33 %
        (10, 7, True),  # 30 % exactly
        (10, 8, True),  # 2 points exactly
        (5, 5, False),
        (5, 7, False),  # worse
        (0, 0, False),  # nothing to reduce
        (6, 0, True),
    ],
)
def test_it_applies_the_immpact_response_definition(
    baseline: int, value: int, expected: bool
) -> None:
    assert is_response(baseline, value) is expected


def test_it_rejects_impossible_nrs() -> None:
    with pytest.raises(ValueError, match="NRS"):
        is_response(12, 3)
    with pytest.raises(ValueError, match="NRS"):
        relief_course(7, [(7, -1)])


def test_it_finds_onset_and_confirmed_end_of_relief() -> None:
    # baseline 8, relief from day 7, pain back at day 120 and confirmed at day 150
    series = [(1, 7), (7, 4), (14, 3), (30, 2), (60, 3), (90, 4), (120, 7), (150, 8)]
    course = relief_course(8, series)
    assert course.status == "relief_ended"
    assert course.onset_day == 7
    assert course.end_day == 120


def test_it_does_not_end_relief_on_a_single_bad_point() -> None:
    series = [(7, 3), (14, 7), (30, 3), (60, 3)]
    assert relief_course(8, series).status == "responding"
    course = relief_course(8, [(7, 3), (30, 3), (60, 8)])
    assert course.status == "possible_return" and course.end_day is None
    assert relief_course(8, [(7, 3), (60, 8)], confirm_points=1).end_day == 60


def test_it_sorts_points_and_refuses_duplicates() -> None:
    course = relief_course(8, [(150, 8), (7, 4), (120, 7)])
    assert (course.onset_day, course.end_day) == (7, 120)
    with pytest.raises(ValueError, match="same day"):
        relief_course(8, [(7, 4), (7, 5)])


def test_it_waits_before_calling_a_session_failed() -> None:
    assert relief_course(7, [(1, 7), (7, 7)]).status == "awaiting_response"
    assert relief_course(7, [(1, 7), (7, 7), (30, 6)]).status == "no_response"
    assert relief_course(7, []).status == "no_data"


def test_it_proposes_a_retreatment_consultation_when_pain_returns() -> None:
    step = next_step([Session(8, ((7, 4), (30, 2), (120, 7), (150, 8)))])
    assert step.action == "retreatment_consultation"
    assert "120" in step.reason_en and "J120" in step.reason_fr


def test_it_continues_follow_up_while_relief_lasts() -> None:
    assert next_step([(8, [(7, 4), (30, 3)])]).action == "continue_follow_up"
    assert next_step([(8, [(7, 4), (30, 3), (60, 8)])]).action == "continue_follow_up"


def test_it_proposes_other_treatments_after_two_failed_sessions() -> None:
    failed = Session(7, ((7, 7), (30, 6), (60, 7)))
    first = next_step([failed])
    assert first.action == "retreatment_consultation" and first.failed_sessions == 1
    second = next_step([failed, failed])
    assert second.action == "consider_other_treatments" and second.failed_sessions == 2
    assert "Delphi" in second.source
    assert second.reason("fr").startswith("2 séances")


def test_it_resets_the_failure_count_after_a_responding_session() -> None:
    failed = Session(7, ((7, 7), (30, 6)))
    worked = Session(7, ((7, 3), (30, 2), (120, 6), (150, 7)))
    assert next_step([failed, worked, failed]).action == "retreatment_consultation"
    assert next_step([worked, failed, failed]).action == "consider_other_treatments"
    with pytest.raises(ValueError, match="at least one"):
        next_step([])


@given(
    baseline=st.integers(4, 10),
    relief=st.integers(0, 1),
    days=st.lists(st.integers(1, 365), min_size=1, max_size=12, unique=True),
)
def test_it_never_ends_relief_before_it_begins(baseline: int, relief: int, days: list[int]) -> None:
    series = [(d, relief if i % 3 else baseline) for i, d in enumerate(sorted(days))]
    course = relief_course(baseline, series)
    if course.end_day is not None:
        assert course.onset_day is not None and course.onset_day < course.end_day
    if course.onset_day is not None:
        assert course.responded


def test_it_compares_the_observed_end_of_relief_with_the_predicted_window() -> None:
    # end of relief expected on days 50-100 (no delay, a fixed example)
    window = expected_relief_window(100.0, delay_days=(0, 0))

    def course(series: list[tuple[int, int]]):  # type: ignore[no-untyped-def]
        return relief_course(8, series)

    assert relief_vs_window(course([(7, 3), (30, 7), (40, 8)]), window) == "earlier"
    assert relief_vs_window(course([(7, 3), (60, 7), (90, 8)]), window) == "within"
    assert relief_vs_window(course([(7, 3), (120, 7), (150, 8)]), window) == "later"
    assert relief_vs_window(course([(7, 3), (30, 3)]), window) == "ongoing"
    assert relief_vs_window(course([(7, 3), (150, 3)]), window) == "ongoing_beyond_window"
    assert relief_vs_window(course([(7, 8), (30, 8)]), window) == "no_relief"
