"""The 3-D solver: agreement with the axisymmetric one, several probes, angled probes."""

from __future__ import annotations

import numpy as np
import pytest

from cryoneuro.physics import (
    InjuryClass,
    Nerve,
    PrescribedSurfaceTemperature,
    probe_preset,
    simulate,
)
from cryoneuro.physics.solver3d import Cartesian3D, ProbePlacement, simulate_3d

BOX = Cartesian3D(half_width=0.008, z_min=-0.008, z_max=0.016, h=5e-4)
SURFACE = PrescribedSurfaceTemperature.constant(-70.0)


def _crossing(xs: np.ndarray, T: np.ndarray, level: float) -> float:
    i = int(np.nonzero(level >= T)[0][-1])
    return float(xs[i] + (xs[i + 1] - xs[i]) * (level - T[i]) / (T[i + 1] - T[i]))


@pytest.fixture(scope="module")
def single():
    probe = probe_preset("16g")
    axi = simulate(probe, "n2o", "soft_tissue", "60", boundary=SURFACE)
    box = simulate_3d(
        [ProbePlacement(probe)], "n2o", "soft_tissue", "60", boundary=SURFACE, geometry=BOX, dt=0.5
    )
    return axi, box


def test_it_agrees_with_the_axisymmetric_solver_for_one_probe(single) -> None:
    axi, box = single
    xs = np.linspace(0.0, 7e-3, 701)
    z = 4e-3
    Ta = axi.min_temperature_at(np.stack([xs, np.full_like(xs, z)], axis=1))
    for direction in (np.array([1.0, 0.0]), np.array([1.0, 1.0]) / np.sqrt(2.0)):
        pts = np.stack([xs * direction[0], xs * direction[1], np.full_like(xs, z)], axis=1)
        T3 = box.min_temperature_at(pts)
        for level in (0.0, -20.0):
            assert _crossing(xs, T3, level) == pytest.approx(_crossing(xs, Ta, level), rel=0.08)
    assert box.energy["relative_imbalance"] < 1e-9
    assert np.all(np.isfinite(box.min_temperature))


def test_it_freezes_more_between_two_probes(single) -> None:
    _, one = single
    probe = probe_preset("16g")
    two = simulate_3d(
        [ProbePlacement(probe, tip=(-3e-3, 0.0, 0.0)), ProbePlacement(probe, tip=(3e-3, 0.0, 0.0))],
        "n2o",
        "soft_tissue",
        "60",
        boundary=SURFACE,
        geometry=BOX,
        dt=0.5,
    )
    mid = two.min_temperature_at([(0.0, 0.0, 4e-3)])[0]
    assert mid < one.min_temperature_at([(3e-3, 0.0, 4e-3)])[0]
    assert two.iceball_volume() > 1.5 * one.iceball_volume()


def test_it_classifies_a_nerve_near_an_angled_probe() -> None:
    probe = probe_preset("16g")
    tilted = ProbePlacement(probe, tip=(0.0, 0.0, 0.0), direction=(1.0, 0.0, 1.0))
    res = simulate_3d([tilted], "n2o", "soft_tissue", "60", geometry=BOX, dt=1.0)
    # the probe axis passes through (2.8, 0, 2.8) mm; a nerve along y crossing 2 mm above it
    nerve = Nerve(
        (2.8e-3 - 1.4e-3, -6e-3, 2.8e-3 + 1.4e-3), (2.8e-3 - 1.4e-3, 6e-3, 2.8e-3 + 1.4e-3), 1e-3
    )
    inj = res.classify_nerve(nerve)
    assert inj.worst >= InjuryClass.NEURAPRAXIA
    assert inj.classes[0] == InjuryClass.NO_EFFECT
    assert res.probe_power_w.max() <= probe.max_power_w * 1.05
