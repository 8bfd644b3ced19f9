"""Behaviour of simulate(): consistency, reproducibility, outputs, validation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cryoneuro.physics import (
    Axisymmetric,
    CryogenLimited,
    InjuryClass,
    InjuryThresholds,
    LayeredTissue,
    Nerve,
    PrescribedSurfaceTemperature,
    Protocol,
    simulate,
)

COARSE = Axisymmetric(h_min=4e-4, r_max=0.012, below_tip=0.01, above_active=0.01)


@pytest.fixture(scope="module")
def default_run():
    return simulate("16g", "n2o", "muscle", "2x120/60", thermocouples=[(2e-3, 4e-3), (4e-3, 0.0)])


def test_it_is_bit_for_bit_reproducible(default_run) -> None:
    again = simulate("16g", "n2o", "muscle", "2x120/60", thermocouples=[(2e-3, 4e-3), (4e-3, 0.0)])
    assert again.setup == default_run.setup
    assert np.array_equal(again.temperature, default_run.temperature)
    assert np.array_equal(again.min_temperature, default_run.min_temperature)
    assert np.array_equal(again.thermocouple_temperatures, default_run.thermocouple_temperatures)
    assert again.energy == default_run.energy


def test_it_carries_the_resolved_parameters(default_run) -> None:
    s = default_run.setup
    assert s.probe.name == "16g" and s.cryogen.name == "n2o"
    assert s.tissue.layers[0].tissue.name == "muscle"
    assert isinstance(s.boundary, CryogenLimited)
    assert s.boundary.gas_temperature == -88.5
    assert s.protocol == Protocol.parse("2x120/60")
    d = s.to_dict()
    assert d["boundary"]["type"] == "CryogenLimited"
    assert d["geometry"]["type"] == "Axisymmetric"


def test_it_never_outputs_nan_and_respects_the_maximum_principle(default_run) -> None:
    for arr in (
        default_run.temperature,
        default_run.min_temperature,
        default_run.time_below,
        default_run.thermocouple_temperatures,
        default_run.probe_power_w,
    ):
        assert np.all(np.isfinite(arr))
    assert default_run.min_temperature.min() >= -88.5 - 1e-9
    muscle = default_run.setup.tissue.layers[0].tissue
    # metabolic heat can warm tissue above arterial, at most to the Pennes equilibrium
    t_max = muscle.t_arterial + muscle.metabolic_heat / (
        muscle.perfusion * muscle.blood_heat_capacity
    )
    assert default_run.temperature.max() <= t_max + 1e-9


def test_it_gives_a_clinically_plausible_ice_ball(default_run) -> None:
    # tip -50..-100 degC (seed page: -70 to -100; our probe defaults are assumptions)
    assert -100.0 < default_run.min_temperature.min() < -50.0
    radius = default_run.iceball_radius
    assert 3e-3 < radius.max() < 10e-3
    # the ice ball shrinks during the thaw and regrows: peak after each freeze
    t = default_run.times
    r120 = radius[np.argmin(abs(t - 120))]
    r180 = radius[np.argmin(abs(t - 180))]
    assert r180 < r120 < radius[-1]
    # isotherms are nested
    r = [default_run.isotherm_radius(lvl)[-1] for lvl in (0.0, -20.0, -40.0)]
    assert r[0] > r[1] > r[2] > 0.0
    assert default_run.iceball_length[-1] > default_run.setup.probe.active_length
    assert np.all(default_run.probe_power_w <= default_run.setup.boundary.max_power_w * 1.03)


def test_it_reports_thermocouples_consistent_with_stored_fields(default_run) -> None:
    at = default_run.temperature_at(default_run.thermocouple_points)
    tc = default_run.thermocouple_temperatures
    idx = np.searchsorted(default_run.thermocouple_times, default_run.times)
    np.testing.assert_allclose(tc[:, idx].T, at, atol=1e-9)
    # minimum over time of the trace equals the minimum field there (same interpolation)
    mins = default_run.min_temperature_at(default_run.thermocouple_points)
    assert np.all(mins <= tc.min(axis=1) + 1e-9)
    # time below thresholds is consistent with the trace
    tb = default_run.time_below_at(-20.0, default_run.thermocouple_points)
    assert tb[0] > 0.0
    assert tb[0] <= default_run.setup.t_end


def _distance_from_probe(res) -> np.ndarray:
    R, Z = np.meshgrid(res.r, res.z)
    rp, la = res.setup.probe.radius, res.setup.probe.active_length
    dr = np.maximum(R - rp, 0.0)
    dz = np.where(Z < 0.0, -Z, np.maximum(Z - la, 0.0))
    return np.hypot(dr, dz)


def test_it_implicit_and_explicit_schemes_agree() -> None:
    exp = simulate(
        "16g",
        "n2o",
        "soft_tissue",
        "freeze:40,thaw:20",
        geometry=COARSE,
        scheme="explicit",
        output_interval=10,
    )
    far = (_distance_from_probe(exp) > 1e-3) & exp.tissue_mask
    errors = []
    for dt in (1.0, 0.25, 0.0625):
        imp = simulate(
            "16g",
            "n2o",
            "soft_tissue",
            "freeze:40,thaw:20",
            geometry=COARSE,
            dt=dt,
            output_interval=10,
        )
        err = np.abs(imp.min_temperature - exp.min_temperature)
        errors.append(err.max())
        assert imp.iceball_radius[-1] == pytest.approx(exp.iceball_radius[-1], abs=0.1e-3)
        if dt == 0.25:
            assert err[far].max() < 2.5
    # the splitting error (largest at the corner of the probe tip) shrinks with dt
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 1.5


def test_it_coupled_scheme_removes_the_splitting_error() -> None:
    protocol = "freeze:40,thaw:20"
    exp = simulate(
        "16g",
        "n2o",
        "soft_tissue",
        protocol,
        geometry=COARSE,
        scheme="explicit",
        output_interval=10,
    )
    split = simulate(
        "16g", "n2o", "soft_tissue", protocol, geometry=COARSE, dt=1.0, output_interval=10
    )
    coupled = simulate(
        "16g",
        "n2o",
        "soft_tissue",
        protocol,
        geometry=COARSE,
        dt=1.0,
        output_interval=10,
        scheme="coupled",
    )
    e_split = np.abs(split.min_temperature - exp.min_temperature).max()
    e_coupled = np.abs(coupled.min_temperature - exp.min_temperature).max()
    assert e_coupled < 0.5 * e_split
    assert coupled.energy["relative_imbalance"] < 1e-9
    assert coupled.iceball_radius[-1] == pytest.approx(exp.iceball_radius[-1], abs=0.1e-3)


def test_it_default_step_is_converged_in_time() -> None:
    a = simulate("16g", "n2o", "soft_tissue", "2x120/60", dt=1.0)
    b = simulate("16g", "n2o", "soft_tissue", "2x120/60", dt=0.25)
    assert a.iceball_radius[-1] == pytest.approx(b.iceball_radius[-1], abs=0.1e-3)
    assert a.isotherm_radius(-20.0)[-1] == pytest.approx(b.isotherm_radius(-20.0)[-1], abs=0.1e-3)
    # the Strang splitting error concentrates at the corners of the active segment:
    # documented in docs/physics/design.md (pass a smaller dt for near-probe accuracy)
    d = np.abs(a.min_temperature - b.min_temperature)
    dist = _distance_from_probe(a)
    assert np.max(d[(dist > 1e-3) & a.tissue_mask]) < 5.0
    assert np.max(d[(dist > 2e-3) & a.tissue_mask]) < 3.0


def test_it_caps_the_cooling_power() -> None:
    weak = CryogenLimited(-88.5, h=3000.0, max_power_w=2.0)
    res = simulate("16g", "n2o", "soft_tissue", "60", boundary=weak, geometry=COARSE)
    # the ceiling is applied with the state at the start of each step: a small overshoot
    assert res.probe_power_w.max() <= 2.0 * 1.03
    # the ceiling is applied with the state at the start of each step
    assert res.probe_power_w[0] > 0.8 * 2.0
    strong = simulate("16g", "n2o", "soft_tissue", "60", geometry=COARSE)
    assert res.iceball_radius[-1] < strong.iceball_radius[-1]


def test_it_thaws_faster_when_the_probe_is_heated() -> None:
    passive = simulate("16g", "n2o", "soft_tissue", "freeze:60,thaw:30", geometry=COARSE)
    active = simulate("16g", "n2o", "soft_tissue", "freeze:60,active:30", geometry=COARSE)
    assert active.iceball_radius[-1] < passive.iceball_radius[-1]
    assert active.probe_power_w[-1] < 0.0  # heat goes into the tissue


def test_it_follows_a_prescribed_surface_temperature() -> None:
    trace = PrescribedSurfaceTemperature([0, 10, 60], [20, -60, -60])
    res = simulate("16g", "n2o", "soft_tissue", "60", boundary=trace, geometry=COARSE)
    # the coldest tissue is close to (never colder than) the prescribed surface
    assert -60.0 - 1e-9 <= res.min_temperature.min() < -50.0


def test_it_protects_the_skin_in_layered_tissue() -> None:
    layers = LayeredTissue.of(("skin", 2e-3), ("fat", 8e-3), ("muscle", math.inf))
    deep = simulate(
        "16g", "n2o", layers, "2x120/60", geometry=Axisymmetric(tip_depth=25e-3, h_min=2e-4)
    )
    shallow = simulate(
        "16g", "n2o", layers, "2x120/60", geometry=Axisymmetric(tip_depth=9e-3, h_min=2e-4)
    )
    assert deep.skin_stays_above(0.0)
    assert shallow.skin_min_temperature() < deep.skin_min_temperature()
    assert not shallow.skin_stays_above(0.0)


def test_it_classifies_nerve_injury_along_a_nerve(default_run) -> None:
    # a 1 mm nerve crossing the probe side at 2 mm from the axis, mid active length
    nerve = Nerve((2e-3, -10e-3, 4e-3), (2e-3, 10e-3, 4e-3), diameter=1e-3, samples=41)
    inj = default_run.classify_nerve(nerve)
    assert inj.classes[20] == InjuryClass.AXONOTMESIS  # closest point: target reached
    assert inj.classes[0] in (InjuryClass.NO_EFFECT, InjuryClass.NEURAPRAXIA)
    assert inj.worst == InjuryClass.AXONOTMESIS
    assert 0.0 < inj.target_length < 20e-3
    assert np.all(inj.coldest <= inj.warmest)
    # a stricter permanent-injury limit flags the same spot
    strict = default_run.classify_nerve(nerve, InjuryThresholds(permanent=-30.0))
    assert strict.classes[20] == InjuryClass.RISK_PERMANENT
    # a far nerve is untouched
    far = default_run.classify_nerve(Nerve((15e-3, -5e-3, 0.0), (15e-3, 5e-3, 0.0), 1e-3))
    assert far.worst == InjuryClass.NO_EFFECT


def test_it_answers_the_planner_cross_section_query(default_run) -> None:
    cold, warm = default_run.nerve_cross_section_min(2e-3, 4e-3, 1e-3)
    centre = default_run.min_temperature_at([(2e-3, 4e-3)])[0]
    assert cold <= centre <= warm
    assert cold < -20.0
    assert default_run.nerve_cross_section_min(2e-3, 4e-3, 0.0) == pytest.approx((centre, centre))


def test_it_draws_isotherm_contours(default_run) -> None:
    lines = default_run.contours(-20.0)
    assert lines
    pts = np.concatenate(lines)
    r_extent = pts[:, 0].max()
    assert r_extent == pytest.approx(default_run.isotherm_radius(-20.0).max(), abs=3e-4)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"protocol": "2x-120/60"}, "protocol"),
        ({"protocol": "freeze:-5"}, "-5"),
        ({"t_end": -1.0}, "t_end"),
        ({"initial_temperature": -95.0}, "not colder than the tissue"),
        ({"boundary": PrescribedSurfaceTemperature.constant(40.0)}, "40.0"),
        ({"geometry": Axisymmetric(h_min=1e-3)}, "grid too coarse"),
        ({"probe": "12g"}, "valid choices: 14g, 16g, 18g"),
        ({"tissue": "brain"}, "valid choices: bone, fat"),
        ({"cryogen": "helium"}, "argon, co2, n2o"),
        ({"dt": float("nan")}, "dt"),
        ({"scheme": "rk4"}, "coupled, explicit, implicit"),
    ],
)
def test_it_refuses_impossible_inputs_with_a_clear_message(kwargs, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        simulate(**kwargs)


def test_it_refuses_a_negative_time_in_a_trace() -> None:
    with pytest.raises(ValueError, match="negative time"):
        PrescribedSurfaceTemperature([-1.0, 2.0], [0.0, -50.0])
    with pytest.raises(ValueError, match="times"):
        simulate("16g", "n2o", "muscle", "60").temperature_at([(1e-3, 0.0)], times=[-5.0])


def test_auto_scheme_removes_the_corner_splitting_error_near_the_tip() -> None:
    from cryoneuro.physics import near_probe_corners, probe_preset

    grid = Axisymmetric(h_min=2e-4, r_max=0.01, below_tip=0.006, above_active=0.006)
    probe = probe_preset("16g")
    near = [(probe.radius + 0.3e-3, -0.3e-3)]  # 0.42 mm from the tip edge
    far = [(probe.radius + 3e-3, 0.5 * probe.active_length)]
    assert near_probe_corners(probe, near) and not near_probe_corners(probe, far)
    assert near_probe_corners(probe, [(probe.radius, probe.active_length + 0.9e-3)])

    def run(**kw):
        return simulate("16g", "n2o", "muscle", "60", geometry=grid, **kw)

    ref = run(dt=0.25, scheme="coupled").min_temperature_at(near)[0]
    split = run(dt=1.0)
    auto = run(dt=1.0, scheme="auto", critical_points=near)
    assert auto.setup.scheme == "coupled"
    assert run(dt=1.0, scheme="auto", critical_points=far).setup.scheme == "implicit"
    # split at dt = 1 s: several degrees warm next to the corner; auto: within 0.5 degC
    assert split.min_temperature_at(near)[0] - ref > 4.0
    assert abs(auto.min_temperature_at(near)[0] - ref) < 0.5
    # thermocouples count as queried points too; 1-D geometries have no corners
    assert run(dt=1.0, scheme="auto", thermocouples=near).setup.scheme == "coupled"
    with pytest.raises(ValueError, match="auto, coupled"):
        run(scheme="bogus")
