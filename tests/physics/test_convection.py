"""Natural convection of liquid phantoms as an effective conductivity (convection.py)."""

from __future__ import annotations

import pytest

from cryoneuro.physics import (
    TISSUES,
    NaturalConvection,
    PrescribedSurfaceTemperature,
    Probe,
    Protocol,
    Radial1D,
    simulate,
    tissue_preset,
)
from cryoneuro.physics.convection import water_density


def test_water_density_matches_the_tabulated_values() -> None:
    # Kell (1975); standard table values 999.972 (4 degC), 998.204 (20), 997.045 (25)
    assert water_density(4.0) == pytest.approx(999.972, abs=2e-3)
    assert water_density(20.0) == pytest.approx(998.204, abs=2e-3)
    assert water_density(25.0) == pytest.approx(997.045, abs=2e-3)
    assert water_density(4.0) > water_density(0.0)  # density maximum near 4 degC


def test_the_correlations_are_the_published_formulas() -> None:
    nc = NaturalConvection(height=0.01, gap=0.009)
    est = nc.estimate(27.14, -0.02)
    x = est.prandtl * est.rayleigh / (0.2 + est.prandtl)
    assert est.nusselt == pytest.approx(0.18 * x**0.29)  # Catton, 1 <= H/L < 2
    assert est.in_range and 1e4 < est.rayleigh < 1e6 and 5 < est.prandtl < 12
    tall = NaturalConvection(height=0.05, gap=0.009).estimate(27.14, -0.02)
    x = tall.prandtl * tall.rayleigh / (0.2 + tall.prandtl)
    assert tall.nusselt == pytest.approx(0.22 * x**0.28 * tall.aspect**-0.25)
    taller = NaturalConvection(height=0.2, gap=0.009).estimate(27.14, -0.02)
    assert taller.correlation.startswith("MacGregor")
    # a thin or isothermal layer conducts: Nu is never below 1
    assert NaturalConvection(0.01, 0.0005).estimate(27.0, -0.02).nusselt == 1.0
    assert NaturalConvection(0.01, 0.009).estimate(-0.02, -0.02).nusselt == 1.0
    # wider and warmer layers convect more
    assert NaturalConvection(0.02, 0.015).estimate(27.0, 0.0).nusselt > est.nusselt
    assert nc.estimate(37.0, -0.02).nusselt > est.nusselt
    with pytest.raises(ValueError, match="gap"):
        NaturalConvection(0.01, 0.0)


def test_it_is_off_for_every_tissue_and_on_for_the_saline_phantom() -> None:
    for name, t in TISSUES.items():
        assert (t.convection is not None) == (name == "saline_phantom"), name
        if t.convection is None:
            assert t.resolved(30.0) is t  # planner results cannot change
    sal = tissue_preset("saline_phantom").resolved(27.14)
    assert sal.convection is None
    assert sal.k_unfrozen == pytest.approx(0.60 * 5.62, rel=0.01)
    assert "Nu 5.62" in sal.source and sal.k_frozen == 2.22


def test_convection_warms_the_liquid_and_is_recorded_in_the_setup() -> None:
    trace = PrescribedSurfaceTemperature([0.0, 60.0], [27.0, -40.0])
    probe = Probe("cylinder", 3.6e-3, 0.01)
    geom = Radial1D(r_max=10.8e-3, h_min=1e-4, stretch=1.05, h_max=4e-4)
    runs = {}
    for name in ("water", "saline_phantom"):
        runs[name] = simulate(
            probe,
            "argon",
            name,
            Protocol.freeze(120.0),
            boundary=trace,
            geometry=geom,
            initial_temperature=27.0,
            dt=1.0,
            thermocouples=[(4.8e-3, 0.0)],
        )
    w, s = runs["water"], runs["saline_phantom"]
    tis = s.setup.tissue.layers[0].tissue
    assert tis.convection is None and tis.k_unfrozen > 3 * 0.60
    assert "natural convection resolved at 27 degC" in tis.source
    assert w.setup.tissue.layers[0].tissue.k_unfrozen == 0.60
    # more heat reaches the front: warmer at 4.8 mm, smaller ice
    assert s.thermocouple_temperatures[0, -1] > w.thermocouple_temperatures[0, -1] + 2.0
    assert abs(s.energy["relative_imbalance"]) < 1e-3
