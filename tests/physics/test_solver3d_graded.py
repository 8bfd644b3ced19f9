"""The 3-D solver on graded (non-uniform tensor-product) grids: grid construction, probe
volume fractions, the axis line solver against an exact solution (observed order), the
axisymmetric solver as a reference, and the energy balance."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cryoneuro.physics import PrescribedSurfaceTemperature, probe_preset, simulate
from cryoneuro.physics.kernels import (
    NTAB,
    P_CF,
    P_CU,
    P_HL,
    P_KF,
    P_KU,
    P_TL,
    P_TS,
    T_OWNER,
    make_axis_solver,
    table_row_extras,
)
from cryoneuro.physics.solver3d import (
    GradedGrid3D,
    ProbePlacement,
    graded_faces,
    probe_fractions,
    simulate_3d,
)

PROBE = probe_preset("16g")


def test_it_grades_the_spacing_from_fine_to_coarse() -> None:
    f = graded_faces(-0.01, 0.01, [(-1e-3, 1e-3, 1e-4)], 1e-3, ratio=1.2)
    d = np.diff(f)
    assert f[0] == -0.01 and f[-1] == 0.01
    inside = (f[:-1] >= -1e-3) & (f[1:] <= 1e-3)
    assert d[inside].max() < 1.1e-4  # fine in the feature
    assert d.max() <= 1.05e-3  # never above h_max (after the final stretch)
    growth = d[1:] / d[:-1]
    assert growth.max() < 1.2 * 1.05 and growth.min() > 1 / (1.2 * 1.05)


def test_the_probe_volume_fractions_add_up_to_the_cylinder() -> None:
    pl = ProbePlacement(PROBE, tip=(1e-4, -2e-4, 0.0), direction=(1.0, 0.5, 2.0))
    grid = GradedGrid3D.around([pl], half_width=0.01, z_min=-0.004, z_max=0.012, h_max=1e-3)
    faces = grid.faces()
    vol = np.multiply.outer(np.multiply.outer(*map(np.diff, faces[:2])), np.diff(faces[2]))
    exact = math.pi * PROBE.radius**2 * PROBE.active_length
    phi, owner = probe_fractions([pl], faces, "volume")
    assert float(np.sum(phi * vol)) == pytest.approx(exact, rel=0.01)
    assert set(np.unique(owner)) == {-1, 0}
    stair, _ = probe_fractions([pl], faces, "centre")
    assert set(np.unique(stair)) <= {0.0, 1.0}


def _decay_error(scale: float) -> float:
    """Max error (relative to the amplitude) of the 3-D heat equation on a graded grid
    against the exact decay of the first sine mode, Dirichlet 0 on the box faces, with
    the Strang-split axis solver (no phase change, no sources), dt ~ h^2."""
    L, k, C = 0.01, 1.0, 1e6
    faces = [
        graded_faces(0.0, L, [(0.4 * L, 0.6 * L, 5e-4 / scale)], 1.2e-3 / scale, 1.3 ** (1 / scale))
    ]
    faces.append(
        graded_faces(0.0, L, [(0.0, 0.2 * L, 6e-4 / scale)], 1.2e-3 / scale, 1.3 ** (1 / scale))
    )
    faces.append(np.linspace(0.0, L, round(10 * scale) + 1))
    d = [np.ascontiguousarray(np.diff(f)) for f in faces]
    c = [0.5 * (f[1:] + f[:-1]) for f in faces]
    tab = np.zeros((1, NTAB))
    tab[0, [P_CF, P_CU]] = C
    tab[0, [P_KF, P_KU]] = k
    tab[0, [P_TS, P_TL]] = -273.0
    tab[0, P_HL] = 0.0
    tab[0, T_OWNER] = -1
    table_row_extras(tab)
    shape = tuple(len(x) for x in c)
    row = np.zeros(shape, np.int32)
    mode = np.multiply.outer(
        np.multiply.outer(*(np.sin(np.pi * x / L) for x in c[:2])), np.sin(np.pi * c[2] / L)
    )
    H = np.ascontiguousarray(C * (mode + 273.0))
    alpha = k / C
    t_end = 0.05 * L**2 / alpha
    steps = round(4 * scale**2)
    dt = t_end / steps
    solve = make_axis_solver(20, 1e-9, parallel=True)
    g = np.zeros(1)
    qp = np.zeros(1)
    accs = [np.zeros((n, 4)) for n in (shape[1], shape[0], shape[0])]
    for _ in range(steps):
        for axis, frac in ((0, 0.5), (1, 0.5), (2, 1.0), (1, 0.5), (0, 0.5)):
            solve(H, row, tab, *d, axis, frac * dt, 1 / 3, g, qp, 0.0, 0.0, 0.0, accs[axis])
    T = H / C - 273.0
    exact = mode * math.exp(-3 * math.pi**2 * alpha * t_end / L**2)
    return float(np.max(np.abs(T - exact)))


def test_the_graded_grid_converges_at_second_order_on_an_exact_solution() -> None:
    e = [_decay_error(s) for s in (0.5, 1.0, 2.0)]
    orders = [math.log2(e[i] / e[i + 1]) for i in range(2)]
    assert e[-1] < 5e-3  # of a 1 K amplitude
    assert min(orders) > 1.7, (e, orders)


def _crossing(xs: np.ndarray, T: np.ndarray, level: float) -> float:
    i = int(np.nonzero(level >= T)[0][-1])
    return float(xs[i] + (xs[i + 1] - xs[i]) * (level - T[i]) / (T[i + 1] - T[i]))


def test_a_graded_grid_agrees_with_the_axisymmetric_solver_for_one_probe() -> None:
    surface = PrescribedSurfaceTemperature.constant(-70.0)
    axi = simulate(PROBE, "n2o", "soft_tissue", "60", boundary=surface)
    grid = GradedGrid3D.around(
        [ProbePlacement(PROBE)],
        half_width=0.008,
        z_min=-0.008,
        z_max=0.016,
        h_fine=2.5e-4,
        h_along=5e-4,
        h_max=1e-3,
        ratio=1.2,
    )
    box = simulate_3d(
        [ProbePlacement(PROBE)], "n2o", "soft_tissue", "60", boundary=surface, geometry=grid, dt=0.5
    )
    xs = np.linspace(0.0, 7e-3, 701)
    z = 4e-3
    Ta = axi.min_temperature_at(np.stack([xs, np.full_like(xs, z)], axis=1))
    for direction in (np.array([1.0, 0.0]), np.array([1.0, 1.0]) / np.sqrt(2.0)):
        pts = np.stack([xs * direction[0], xs * direction[1], np.full_like(xs, z)], axis=1)
        T3 = box.min_temperature_at(pts)
        for level in (0.0, -20.0):
            assert _crossing(xs, T3, level) == pytest.approx(_crossing(xs, Ta, level), rel=0.05)


def test_the_energy_balance_holds_on_a_graded_grid() -> None:
    pls = [
        ProbePlacement(PROBE, tip=(-3e-3, 0.0, 0.0)),
        ProbePlacement(PROBE, tip=(3e-3, 0.0, 0.0)),
    ]
    grid = GradedGrid3D.around(
        pls, half_width=0.01, z_min=-0.006, z_max=0.014, h_fine=4e-4, h_max=2e-3
    )
    res = simulate_3d(
        pls, "n2o", "muscle", "2x15/10", geometry=grid, dt=1.0, adaptive=True, dt_min=0.25
    )
    e = res.energy
    assert e["probe_heat_j"] < -10.0 and e["source_heat_j"] != 0.0 and e["boundary_heat_j"] != 0.0
    assert e["relative_imbalance"] < 1e-12
    assert res.probe_power_w.max() <= 2 * PROBE.max_power_w * 1.0001


def test_the_axis_solver_matches_the_numpy_line_reference() -> None:
    """``make_axis_solver`` on random enthalpies across the phase change, non-uniform
    widths, perfusion and metabolic heat, against :func:`solve_lines_np` (one tissue)."""
    from cryoneuro.physics import tissue_preset
    from cryoneuro.physics.kernels import (
        NPROP,
        P_QM,
        P_WCB,
        enthalpy_np,
        solve_lines_np,
        tissue_vector,
    )

    tissue = tissue_preset("muscle")
    rng = np.random.default_rng(3)
    shape = (3, 4, 17)
    tv = tissue_vector(tissue)
    tab = np.zeros((1, NTAB))
    tab[0, :NPROP] = tv
    tab[0, T_OWNER] = -1
    table_row_extras(tab)
    row = np.zeros(shape, np.int32)
    p3 = tv[:, None, None, None] * np.ones((1, *shape))
    H = np.ascontiguousarray(enthalpy_np(rng.uniform(-40.0, 37.0, shape), p3))
    d = [rng.uniform(1e-4, 6e-4, n) for n in shape]
    dt, src_w, t_far = 2.0, 1.0 / 3.0, 37.0
    H3 = H.copy()
    acc = np.zeros((shape[0], 4))
    solve = make_axis_solver(60, 1e-8, parallel=True, k_refresh=0)  # k lagged, as the reference
    it = solve(H3, row, tab, *d, 2, dt, src_w, np.zeros(1), np.zeros(1), 0.0, 0.0, t_far, acc)
    assert 1 <= it <= 60
    n = shape[2]
    lines = H.reshape(-1, n).copy()
    nl = lines.shape[0]
    p = np.ascontiguousarray(np.broadcast_to(tv[:, None, None], (NPROP, nl, n)).copy())
    p[P_WCB] *= src_w
    p[P_QM] *= src_w
    dz = d[2]
    bc = np.tile(np.array([0.0, t_far, 1.0, 0.0, t_far, 1.0]), (nl, 1))
    Q = np.zeros((nl, 3))
    solve_lines_np(
        lines,
        H.reshape(-1, n).copy(),
        np.tile(dz, (nl, 1)),
        np.ones((nl, n + 1)),
        0.5 * dz,
        0.5 * dz,
        p,
        np.zeros(nl, np.int64),
        np.full(nl, n, np.int64),
        bc,
        dt,
        True,
        Q,
        np.zeros((nl, n)),
        max_iter=60,
        tol=1e-8,
    )
    scale = np.abs(H).max()
    assert np.max(np.abs(H3.reshape(-1, n) - lines)) < 1e-9 * scale
    area = np.multiply.outer(d[0], d[1]).ravel()
    assert acc[:, 0].sum() == pytest.approx(float((area * Q[:, 0]).sum()), rel=1e-9)
    assert acc[:, 2].sum() == pytest.approx(float((area * Q[:, 2]).sum()), rel=1e-9)


def test_a_3d_run_gives_the_same_bits_with_one_or_two_threads() -> None:
    import numba

    pls = [
        ProbePlacement(PROBE, tip=(-2e-3, 0.0, 0.0)),
        ProbePlacement(PROBE, tip=(2e-3, 0.0, 0.0)),
    ]
    grid = GradedGrid3D.around(
        pls, half_width=0.006, z_min=-0.004, z_max=0.012, h_fine=5e-4, h_max=2e-3
    )
    before = numba.get_num_threads()
    runs = []
    try:
        for threads in (1, min(2, numba.config.NUMBA_NUM_THREADS)):
            numba.set_num_threads(threads)
            runs.append(simulate_3d(pls, "n2o", "soft_tissue", "10", geometry=grid, dt=1.0))
    finally:
        numba.set_num_threads(before)
    assert np.array_equal(runs[0].min_temperature, runs[1].min_temperature)
    assert runs[0].energy == runs[1].energy


def test_adaptive_steps_count_their_own_length_in_the_time_below() -> None:
    # the injury tracking (time below each threshold, freeze-thaw cycles) accumulates each
    # step's own length: with adaptive steps (0.4-2 s here) a cell below a level for the
    # whole run has exactly the run's duration, and the -20 degC hold agrees with a
    # fixed-step run to within a step
    from cryoneuro.physics.solver3d import Cartesian3D

    geom = Cartesian3D(half_width=0.006, z_min=-0.006, z_max=0.01, h=5e-4)
    runs = {
        adaptive: simulate_3d(
            [ProbePlacement(PROBE)],
            protocol="2x30/20",
            geometry=geom,
            dt=2.0,
            dt_min=0.5,
            adaptive=adaptive,
        )
        for adaptive in (False, True)
    }
    fixed, adapt = runs[False], runs[True]
    assert adapt.step_times is not None
    steps = np.diff(np.r_[0.0, adapt.step_times])
    assert steps.min() < 1.0 < steps.max()  # the steps did vary
    duration = 80.0
    for res in (fixed, adapt):
        assert res.thresholds == (0.0, -20.0)
        assert res.time_below.max() == pytest.approx(duration)
        assert np.all(res.time_below <= duration + 1e-9)
        assert res.freeze_thaw_cycles[0].max() == 2.0  # two freezes, thawed between
    assert abs(adapt.time_below[1].max() - fixed.time_below[1].max()) < 2.0
    assert adapt.time_below[1].max() > 40.0
