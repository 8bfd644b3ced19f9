"""The Joule-Thomson probe model, the cryogen properties and the device library (issue 12)."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from cryoneuro.cli import app
from cryoneuro.physics import Axisymmetric, Probe, gauge_to_diameter, simulate
from cryoneuro.physics.devices import DEVICES, Figure, device
from cryoneuro.physics.gas import ATM, gas
from cryoneuro.physics.probe_model import JouleThomsonProbe

COARSE = Axisymmetric(h_min=3e-4, r_max=0.01, below_tip=0.008, above_active=0.008)
P16 = Probe("16g", gauge_to_diameter(16), 8e-3)


def test_it_gives_the_sourced_boiling_points_at_one_atmosphere() -> None:
    assert gas("n2o").saturation_temperature(ATM) - 273.15 == pytest.approx(-88.47, abs=0.01)
    assert gas("co2").saturation_temperature(ATM) - 273.15 == pytest.approx(-78.5, abs=0.01)
    # physics.md (CoolProp): N2O boils at -76.2 degC at 2 bar; not a fitted point
    assert gas("n2o").saturation_temperature(2e5) - 273.15 == pytest.approx(-76.2, abs=0.5)


def test_it_gives_n2o_usable_cooling_near_the_sourced_160_kj_per_kg() -> None:
    g = gas("n2o")
    q = g.enthalpy(g.saturation_temperature(ATM), ATM, "vapour") - g.enthalpy(
        293.15, 50e5, "liquid"
    )
    assert 0.8 * 160e3 < q < 1.1 * 160e3


def test_it_gives_no_cooling_without_flow() -> None:
    for b in (
        JouleThomsonProbe("n2o", P16.diameter, 0.0),
        JouleThomsonProbe("n2o", P16.diameter, 50e5, orifice_area=0.0),
    ):
        assert b.point.mass_flow == 0.0 and b.point.max_power == 0.0
        res = simulate(P16, "n2o", "muscle", "30", boundary=b, geometry=COARSE, dt=2.0)
        assert float(res.min_temperature[res.tissue_mask].min()) == pytest.approx(37.0, abs=1e-6)
        assert float(np.abs(res.probe_power_w).max()) == pytest.approx(0.0, abs=1e-9)


def test_it_makes_the_tip_colder_as_the_supply_pressure_rises() -> None:
    coldest = []
    for bar in (2.0, 5.0, 15.0, 50.0):
        b = JouleThomsonProbe("n2o", P16.diameter, bar * 1e5, shaft_h=0.0)
        res = simulate(P16, "n2o", "muscle", "60", boundary=b, geometry=COARSE, dt=2.0)
        coldest.append(float(res.min_temperature[res.tissue_mask].min()))
    assert all(b < a for a, b in itertools.pairwise(coldest)), coldest
    assert coldest[-1] < coldest[0] - 20.0


def test_it_closes_the_energy_balance_with_the_warm_shaft() -> None:
    b = JouleThomsonProbe("n2o", P16.diameter, 50e5, shaft_h=500.0, shaft_length=5e-3)
    res = simulate(P16, "n2o", "muscle", "60/30", boundary=b, geometry=COARSE, dt=2.0)
    assert abs(res.energy["relative_imbalance"]) < 1e-12
    insulated = simulate(
        P16,
        "n2o",
        "muscle",
        "60/30",
        boundary=JouleThomsonProbe("n2o", P16.diameter, 50e5, shaft_h=0.0),
        geometry=COARSE,
        dt=2.0,
    )
    # the shaft takes heat from the tissue along it: colder above the active segment
    z = 8e-3 + 2e-3
    r = P16.radius + 0.4e-3
    assert res.min_temperature_at([(r, z)])[0] < insulated.min_temperature_at([(r, z)])[0] - 1.0


def test_it_loads_a_library_where_every_figure_has_a_source_or_a_reason() -> None:
    assert {
        "iovera_1x90",
        "iovera_3x69",
        "metrum_cryoflex",
        "epimed_painblocker",
        "neurotherm_nt2000",
        "atricure_cryosphere",
        "atricure_cryoice",
    } <= set(DEVICES)
    for d in DEVICES.values():
        assert d.protocol_source and d.cryogen_source
        for name, f in d.figures().items():
            assert bool(f.source) != bool(f.assumption), (d.id, name)
            assert len(f.source or f.assumption) > 10, (d.id, name)
        d.probe()
        d.boundary()
    assert DEVICES["iovera_3x69"].needle_count.value == 3
    with pytest.raises(ValueError, match="exactly one"):
        Figure(1.0, "m")
    with pytest.raises(ValueError, match="valid choices"):
        device("nope")


def test_it_runs_a_freeze_from_a_device() -> None:
    res = simulate(
        tissue="muscle", protocol="30", device="metrum_cryoflex", geometry=COARSE, dt=2.0
    )
    assert res.setup.probe.name == "metrum_cryoflex"
    assert res.iceball_radius.max() > res.setup.probe.radius


def test_it_runs_cryoneuro_freeze_with_a_device_and_refuses_an_unknown_one(tmp_path) -> None:
    runner = CliRunner()
    js = tmp_path / "out.json"
    fast = ["--h-min-mm", "0.3", "--r-max-mm", "10", "--dt", "2", "--protocol", "30"]
    ok = runner.invoke(
        app,
        [
            "freeze",
            "--device",
            "epimed_painblocker",
            "--tissue",
            "muscle",
            *fast,
            "--json",
            str(js),
        ],
    )
    assert ok.exit_code == 0, ok.output
    assert "Epimed" in ok.output
    assert json.loads(js.read_text())["setup"]["boundary"]["type"] == "JouleThomsonProbe"
    bad = runner.invoke(app, ["freeze", "--device", "nope", "--quiet"])
    assert bad.exit_code == 2
    assert "iovera_1x90" in bad.output and "nope" in bad.output
