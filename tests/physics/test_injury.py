"""Injury classes from the temperature history (issue 12 §4): each rule, exactly."""

from __future__ import annotations

import numpy as np
import pytest

from cryoneuro.physics import (
    Axisymmetric,
    InjuryClass,
    InjuryThresholds,
    Nerve,
    classify,
    simulate,
)
from cryoneuro.physics.injury import THRESHOLD_SOURCES
from cryoneuro.physics.observers import FreezeThawCycles, StepState

TH = InjuryThresholds()
A, N, P, X = (
    InjuryClass.AXONOTMESIS,
    InjuryClass.NEURAPRAXIA,
    InjuryClass.RISK_PERMANENT,
    InjuryClass.NO_EFFECT,
)


@pytest.mark.parametrize(
    "t_cold, t_warm, hold, cycles, expected",
    [
        # rule 2: whole cross-section below -20 degC, held 60 s (or 2 complete cycles)
        (-60.0, -25.0, 60.0, 1, A),
        (-60.0, -25.0, 59.9, 1, N),  # held a hair too briefly: block unpredictable
        (-60.0, -25.0, 10.0, 2, A),  # two complete freeze-thaw cycles instead of the hold
        (-60.0, -19.9, 600.0, 3, N),  # the warmest sample never reached the target
        (-60.0, -20.0, 60.0, 1, A),  # at the threshold counts
        # rule 1: the coldest sample at or below the (unverified) permanent limit
        (-140.0, -25.0, 60.0, 1, P),
        (-139.9, -25.0, 60.0, 1, A),
        (-140.0, 5.0, 0.0, 0, P),  # whatever the rest
        # rules 3 and 4
        (10.0, 20.0, 0.0, 0, N),
        (10.1, 20.0, 0.0, 0, X),
        (-30.0, 5.0, 0.0, 0, N),  # part of the cross-section only
    ],
)
def test_each_rule_decides_and_can_fail(t_cold, t_warm, hold, cycles, expected) -> None:
    assert classify(t_cold, t_warm, hold, cycles, TH) == expected


def test_the_hold_and_cycle_counts_are_parameters() -> None:
    strict = InjuryThresholds(min_hold_s=120.0, min_cycles=3)
    assert classify(-60.0, -25.0, 119.0, 2, strict) == N
    assert classify(-60.0, -25.0, 120.0, 2, strict) == A
    assert classify(-60.0, -25.0, 0.0, 3, strict) == A
    lenient = InjuryThresholds(min_hold_s=0.0)  # the old, temperature-only rule
    assert classify(-60.0, -25.0, 0.0, 0, lenient) == A


def test_every_threshold_has_a_source_and_unverified_ones_say_so() -> None:
    for name in ("neurapraxia", "axonotmesis", "permanent", "min_hold_s", "min_cycles", "thaw_c"):
        assert THRESHOLD_SOURCES[name]
    assert "UNVERIFIED" in THRESHOLD_SOURCES["permanent"]
    v = TH.verified
    assert v["axonotmesis"] and not v["permanent"] and not v["min_hold_s"]
    assert InjuryThresholds(permanent_verified=True).verified["permanent"]
    d = TH.to_dict()
    assert d["permanent_c"] == -140.0 and d["verified"]["permanent"] is False


@pytest.mark.parametrize(
    "kw", [{"min_hold_s": -1.0}, {"min_cycles": 0}, {"thaw_c": -30.0}, {"permanent": 0.0}]
)
def test_bad_thresholds_are_refused(kw) -> None:
    with pytest.raises(ValueError):
        InjuryThresholds(**kw)


def test_a_freeze_thaw_cycle_counts_only_after_a_complete_thaw() -> None:
    obs = FreezeThawCycles([-20.0])
    trace = [37.0, -25.0, -30.0, -5.0, -25.0, 5.0, -21.0, 37.0, -19.0]
    # cell 0 follows the trace; cell 1 never goes below -20 degC
    obs.start(None, 0.0, np.array([[trace[0], 37.0]]), np.zeros((1, 2)))  # type: ignore[arg-type]
    for t in trace[1:]:
        T = np.array([[t, -19.0]])
        obs.step(StepState(1.0, 1.0, T, T, 0.0, 0.0, 0.0, 0.0))
    # -25 (cycle 1) ... -5 (not thawed: same cycle) -25 ... +5 (thawed) -21 (cycle 2)
    assert obs.value[0].tolist() == [[2.0, 0.0]]


@pytest.fixture(scope="module")
def two_cycles():
    grid = Axisymmetric(h_min=2e-4, r_max=0.012, below_tip=0.008, above_active=0.008)
    return simulate("16g", "n2o", "muscle", "2x120/60", geometry=grid)


def test_results_expose_the_time_below_the_target_per_cross_section(two_cycles) -> None:
    res = two_cycles
    nerve = Nerve((2e-3, -6e-3, 4e-3), (2e-3, 6e-3, 4e-3), diameter=1e-3, samples=25)
    inj = res.classify_nerve(nerve)
    mid = 12
    assert inj.classes[mid] == A
    hold = inj.time_below_target_s[mid]
    # below -20 degC for a good part of the two freezes, never longer than the run
    assert 60.0 <= hold <= res.step_times[-1]
    assert inj.time_below_target_s[0] == 0.0 and inj.classes[0] in (N, X)
    # the same figure as the point query, over the cross-section's samples
    dose, cycles = res.nerve_cross_section_dose(2e-3, 4e-3, 0.0, -20.0)
    assert dose == pytest.approx(res.time_below_at(-20.0, [(2e-3, 4e-3)])[0])
    assert cycles >= 1
    # a hold longer than the nerve got, and more cycles than it got: neurapraxia
    strict = InjuryThresholds(min_hold_s=hold + 10.0, min_cycles=5)
    assert res.classify_nerve(nerve, strict).classes[mid] == N
    assert "permanent" in inj.unverified


def test_the_passive_thaw_between_freezes_leaves_the_nerve_frozen(two_cycles) -> None:
    # 2 mm from the axis the 60 s passive thaw does not thaw the tissue: one cycle, not two
    assert two_cycles.cycles_below_at(-20.0, [(2e-3, 4e-3)])[0] == 1.0


def test_classification_needs_the_target_threshold_tracked() -> None:
    res = simulate(
        "16g", "n2o", "muscle", "30", thresholds=(0.0,), geometry=Axisymmetric(h_min=4e-4)
    )
    with pytest.raises(ValueError, match="not tracked"):
        res.classify_nerve(Nerve((2e-3, -3e-3, 4e-3), (2e-3, 3e-3, 4e-3), 1e-3))
