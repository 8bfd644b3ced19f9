"""Every preset combination runs, stays finite and within physical bounds."""

from __future__ import annotations

import numpy as np
import pytest

from cryoneuro.physics import CRYOGENS, TISSUES, Axisymmetric, simulate, tissue_preset

COARSE = Axisymmetric(h_min=3e-4, r_max=0.012, below_tip=0.01, above_active=0.01)


@pytest.mark.parametrize("tissue", sorted(TISSUES))
@pytest.mark.parametrize("cryogen", sorted(CRYOGENS))
def test_it_runs_every_tissue_with_every_cryogen(tissue: str, cryogen: str) -> None:
    res = simulate("18g", cryogen, tissue, "freeze:30,active:10,freeze:20", geometry=COARSE)
    gas = CRYOGENS[cryogen].gas_temperature
    t = TISSUES[tissue]
    t_hot = max(t.t_arterial, 30.0) + t.metabolic_heat / max(
        t.perfusion * t.blood_heat_capacity, 1e-30
    )
    for arr in (res.temperature, res.min_temperature, res.time_below, res.probe_power_w):
        assert np.all(np.isfinite(arr))
    assert res.min_temperature.min() >= gas - 1e-9
    assert res.temperature.max() <= t_hot + 1e-6
    assert res.energy["relative_imbalance"] < 1e-9
    assert res.iceball_radius.max() > res.setup.probe.radius


def test_it_handles_an_isothermal_phase_change() -> None:
    pure = tissue_preset("water").with_(t_solidus=0.0, t_liquidus=0.0)
    res = simulate("16g", "n2o", pure, "60", geometry=COARSE, initial_temperature=20.0)
    assert np.all(np.isfinite(res.temperature))
    assert res.iceball_radius[-1] > 1e-3
    assert res.energy["relative_imbalance"] < 1e-9
