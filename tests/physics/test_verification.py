"""Verification against exact solutions and conservation (physics.md, "Benchmarks")."""

from __future__ import annotations

import numpy as np
import pytest

from cryoneuro.physics import (
    Planar1D,
    PrescribedSurfaceTemperature,
    Probe,
    Protocol,
    Radial1D,
    Tissue,
    neumann_stefan,
    simulate,
    steady_frozen_radius,
)


def liquid_fraction(T: np.ndarray, tissue: Tissue) -> np.ndarray:
    width = tissue.t_liquidus - tissue.t_solidus
    return np.clip((T - tissue.t_solidus) / width, 0.0, 1.0)


def _stefan_run(tissue: Tissue, h: float, dt: float, t_end: float = 300.0):
    return simulate(
        "16g",
        "n2o",
        tissue,
        Protocol.freeze(t_end),
        boundary=PrescribedSurfaceTemperature.constant(-80.0),
        geometry=Planar1D(length=0.04, h_min=h),
        initial_temperature=37.0,
        dt=dt,
        output_interval=t_end,
    )


def test_it_matches_the_neumann_solution_with_first_order_convergence(sharp_tissue: Tissue) -> None:
    exact = neumann_stefan(2.0, 1.796e6, 0.5, 3.6e6, 250e6, 0.0, -80.0, 37.0)
    X = float(exact.front(300.0))
    hs = np.array([8e-4, 4e-4, 2e-4, 1e-4])
    errors = []
    for h in hs:
        res = _stefan_run(sharp_tissue, h, dt=2.0 * h / 8e-4)  # dt proportional to h
        T = res.temperature[-1, 0]
        frozen = np.sum((1.0 - liquid_fraction(T, sharp_tissue)) * np.diff(res.r_faces))
        errors.append(abs(frozen - X) / X)
        if h == hs[-1]:
            # front within 1 %, temperature profile within 1 % of the temperature span
            assert errors[-1] < 0.01
            Te = exact.temperature(res.r, 300.0)
            assert np.max(np.abs(T - Te)) / (37.0 + 80.0) < 0.01
    order = np.polyfit(np.log(hs), np.log(errors), 1)[0]
    assert 0.8 < order < 1.5, (order, errors)


def test_it_finds_the_steady_frozen_radius_around_a_cold_cylinder() -> None:
    w = 0.002  # s-1, high perfusion keeps the domain small
    tissue = Tissue(
        "perfused",
        0.5,
        2.0,
        3.6e6,
        1.796e6,
        250e6,
        -1.05,
        -0.95,
        perfusion=w,
        metabolic_heat=0.0,
        t_arterial=37.0,
    )
    r_p = 0.85e-3
    R = steady_frozen_radius(2.0, 0.5, w * 3.6e6, r_p, -80.0, -1.0, 37.0)
    m = np.sqrt(w * 3.6e6 / 0.5)
    res = simulate(
        Probe("cyl", 2 * r_p, 0.01),
        "n2o",
        tissue,
        Protocol.freeze(40000.0),
        boundary=PrescribedSurfaceTemperature.constant(-80.0),
        geometry=Radial1D(r_max=R + 14.0 / m, h_min=1e-4, stretch=1.05, h_max=1e-4),
        initial_temperature=37.0,
        dt=200.0,
        output_interval=10000.0,
    )
    T = res.temperature[-1, 0]
    frozen_area = np.sum((1.0 - liquid_fraction(T, tissue)) * np.diff(res.r_faces**2))
    R_num = np.sqrt(r_p**2 + frozen_area)
    assert R_num == pytest.approx(R, rel=0.01)
    # it is steady: the last two stored fields agree
    assert np.max(np.abs(res.temperature[-1] - res.temperature[-2])) < 1e-3


@pytest.mark.parametrize("protocol", ["2x120/60", "freeze:60,active:20,freeze:40,thaw:30"])
def test_it_balances_energy_over_a_whole_protocol(protocol: str) -> None:
    res = simulate("16g", "n2o", "muscle", protocol)
    e = res.energy
    assert e["probe_heat_j"] < 0.0  # heat leaves the tissue
    assert e["source_heat_j"] > 0.0  # perfusion warms it
    budget = e["probe_heat_j"] + e["boundary_heat_j"] + e["source_heat_j"]
    assert abs(e["enthalpy_change_j"] - budget) <= 1e-3 * abs(e["probe_heat_j"])
    assert e["relative_imbalance"] < 1e-6


def test_it_balances_energy_with_the_explicit_scheme_too() -> None:
    from cryoneuro.physics import Axisymmetric

    res = simulate(
        "16g",
        "n2o",
        "soft_tissue",
        "20",
        scheme="explicit",
        geometry=Axisymmetric(h_min=4e-4, r_max=0.01, below_tip=0.01, above_active=0.01),
    )
    assert res.energy["relative_imbalance"] < 1e-9
