"""The protocol phase of each time step (issue 9): one lookup for every scheme.

A step belongs to the phase that contains it; every phase boundary is a step edge. The
implicit schemes used to take the phase at the end of the step, so the step ending a
freeze was already a thaw and the step ending a passive thaw was already a freeze.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from cryoneuro.physics import Axisymmetric, CryogenLimited, Protocol, probe_preset, simulate
from cryoneuro.physics.protocol import probe_drive
from cryoneuro.physics.solver3d import Cartesian3D, ProbePlacement, simulate_3d

COARSE = Axisymmetric(h_min=4e-4, r_max=0.012, below_tip=0.01, above_active=0.01)
PROTOCOL = "2x120/60"


def _steps_in(t: np.ndarray, start: float, end: float) -> np.ndarray:
    """Mask of the steps [t[k], t[k+1]] that lie in the window [start, end]."""
    return (t[:-1] >= start - 1e-9) & (t[1:] <= end + 1e-9)


# ------------------------------------------------------------ the lookup itself
def test_it_gives_a_step_the_phase_of_the_interval_it_covers() -> None:
    p = Protocol.parse(PROTOCOL)
    assert p.phase_for_interval(0.0, 1.0).kind == "freeze"
    assert p.phase_for_interval(119.0, 120.0).kind == "freeze"  # ends the freeze
    assert p.phase_for_interval(120.0, 121.0).kind == "passive_thaw"
    assert p.phase_for_interval(179.0, 180.0).kind == "passive_thaw"  # ends the thaw
    assert p.phase_for_interval(180.0, 181.0).kind == "freeze"
    assert p.phase_for_interval(299.0, 300.0).kind == "freeze"
    assert p.phase_for_interval(120.0, 180.0).kind == "passive_thaw"  # a whole phase
    assert [p.phase_index(a, a + 1.0) for a in (0.0, 119.0, 120.0, 179.0, 180.0)] == [
        0,
        0,
        1,
        1,
        2,
    ]
    # a run longer than the protocol keeps its last phase
    assert p.phase_index(300.0, 310.0) == 2


@pytest.mark.parametrize("interval", [(119.5, 120.5), (100.0, 200.0), (0.0, 300.0)])
def test_it_refuses_a_step_that_straddles_a_phase_boundary(interval) -> None:
    with pytest.raises(ValueError, match="straddles the phase boundary"):
        Protocol.parse(PROTOCOL).phase_for_interval(*interval)


def test_it_refuses_an_empty_step() -> None:
    with pytest.raises(ValueError, match="t1 > t0"):
        Protocol.parse(PROTOCOL).phase_index(120.0, 120.0)


@pytest.mark.parametrize("dt", [1.0, 0.7, 0.3, 7.0, 45.0, 500.0])
def test_the_step_grid_hits_every_phase_boundary(dt: float) -> None:
    p = Protocol.parse("freeze:90,active:20,freeze:90,thaw:30")
    t = np.array([0.0, *p.step_times(dt)])
    assert np.all(np.diff(t) > 0.0)
    assert np.all(np.diff(t) <= dt * (1 + 1e-12))
    for b in p.boundaries:
        assert b in t  # exactly, not to a tolerance
    per_phase = np.zeros(len(p.phases))
    for a, b in itertools.pairwise(t):
        per_phase[p.phase_index(a, b)] += b - a  # no step straddles a boundary
    np.testing.assert_allclose(per_phase, [ph.duration for ph in p.phases], rtol=1e-12)


def test_the_step_grid_stops_at_t_end() -> None:
    p = Protocol.parse(PROTOCOL)
    assert p.step_times(50.0, t_end=130.0) == (40.0, 80.0, 120.0, 130.0)
    assert p.step_times(100.0, t_end=400.0)[-2:] == (300.0, 400.0)


def test_the_probe_drive_follows_the_step_not_its_end() -> None:
    bnd = CryogenLimited(-88.5, h=6000.0, max_power_w=12.0)
    p = Protocol.parse(PROTOCOL)
    assert probe_drive(bnd, p, 119.0, 120.0) == (-88.5, 1.0 / 6000.0, 12.0)
    assert probe_drive(bnd, p, 179.0, 180.0) == (0.0, math.inf, math.inf)
    assert probe_drive(bnd, p, 179.0, 180.0, explicit=True) == (0.0, math.inf, math.inf)


# ------------------------------------------------------------ in the time loop
@pytest.mark.parametrize(
    ("scheme", "dt"),
    [("implicit", 1.0), ("implicit", 0.7), ("coupled", 1.0), ("explicit", 1.0)],
)
def test_no_probe_heat_flows_during_a_passive_thaw(scheme: str, dt: float) -> None:
    res = simulate(
        "16g", "n2o", "muscle", PROTOCOL, geometry=COARSE, scheme=scheme, dt=dt, output_interval=30
    )
    t = res.step_times
    thaw = _steps_in(t, 120.0, 180.0)
    assert thaw.sum() > 0
    assert np.all(res.probe_power_w[thaw] == 0.0)
    assert np.all(res.probe_power_w[~thaw] > 0.0)  # and the probe cools in every freeze step
    heat = res.probe_heat_by_phase()
    assert heat[1] == 0.0
    assert heat.sum() == pytest.approx(-res.energy["probe_heat_j"], rel=1e-12)


@pytest.mark.parametrize("dt", [1.0, 0.7, 2.5, 7.0, 200.0])
def test_each_freeze_delivers_its_full_duration(dt: float) -> None:
    # 0.7 and 7 s do not divide the 120 s freezes; 200 s is longer than any phase
    res = simulate("16g", "n2o", "muscle", PROTOCOL, dt=dt, output_interval=30)
    t = res.step_times
    step = np.diff(t)
    on = res.probe_power_w > 0.0
    for start, end in ((0.0, 120.0), (180.0, 300.0)):
        window = _steps_in(t, start, end)
        assert np.all(on[window])
        assert step[window & on].sum() == pytest.approx(120.0, abs=1e-9)
    assert step[on].sum() == pytest.approx(240.0, abs=1e-9)


# A weak probe (h 300 W/m2 K, far below the power ceiling) keeps the wall temperature
# slowly varying, so backward Euler's own error in the heat is ~0.3 % at dt = 1 s and a
# step counted in the wrong phase (1/120 of a freeze, ~0.8 %) shows. With the default
# probe (h 6000, capped at 12 W) the split scheme at dt = 1 s removes ~3.5 % less heat
# than the explicit one on this grid (time error, not phases): too much for this check.
WEAK = {
    "boundary": CryogenLimited(-88.5, h=300.0, max_power_w=12.0),
    "geometry": COARSE,
    "output_interval": 30,
}


@pytest.fixture(scope="module")
def weak_explicit():
    return simulate("16g", "n2o", "muscle", PROTOCOL, scheme="explicit", **WEAK)


@pytest.mark.parametrize("dt", [1.0, 0.7])
def test_implicit_and_explicit_agree_on_freeze_window_heat(weak_explicit, dt: float) -> None:
    imp = simulate("16g", "n2o", "muscle", PROTOCOL, dt=dt, **WEAK)
    he, hi = weak_explicit.probe_heat_by_phase(), imp.probe_heat_by_phase()
    assert he[1] == 0.0 and hi[1] == 0.0
    for k in (0, 2):
        assert hi[k] == pytest.approx(he[k], rel=5e-3)


@pytest.mark.parametrize("dt", [1.0, 0.7])
def test_the_3d_solver_takes_the_phase_of_each_step(dt: float) -> None:
    box = Cartesian3D(half_width=0.006, z_min=-0.006, z_max=0.014, h=5e-4)
    prot = Protocol.parse("2x20/10")
    res = simulate_3d(
        [ProbePlacement(probe_preset("16g"))], "n2o", "muscle", prot, geometry=box, dt=dt
    )
    t = np.array([0.0, *prot.step_times(dt)])
    assert len(res.probe_power_w) == len(t) - 1
    thaw = _steps_in(t, 20.0, 30.0)
    assert np.all(res.probe_power_w[thaw] == 0.0)
    assert np.all(res.probe_power_w[~thaw] > 0.0)
    assert np.diff(t)[~thaw].sum() == pytest.approx(40.0, abs=1e-9)
