"""The numba kernels agree with their plain-numpy references on random inputs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cryoneuro.physics import TISSUES
from cryoneuro.physics.kernels import (
    divergence_np,
    enthalpy_np,
    make_divergence,
    make_line_solver,
    make_temperature,
    pack_properties,
    solve_lines_np,
    temperature_np,
)


def _random_lines(seed: int, nl: int = 6, n: int = 14):
    rng = np.random.default_rng(seed)
    tissues = [TISSUES["soft_tissue"], TISSUES["water"], TISSUES["fat"], TISSUES["bone"]]
    index = rng.integers(0, len(tissues), size=(nl, n))
    props = pack_properties(tissues, index)
    T = rng.uniform(-120.0, 40.0, size=(nl, n))
    # put some cells exactly into the mushy range and on its kinks
    T[:, ::5] = rng.uniform(-8.0, 0.0, size=T[:, ::5].shape)
    H = np.ascontiguousarray(enthalpy_np(T, props))
    faces = np.cumsum(rng.uniform(1e-4, 1e-3, size=n + 1))
    centres = 0.5 * (faces[:-1] + faces[1:]) + rng.uniform(-2e-5, 2e-5, size=n)
    hl = centres - faces[:-1]
    hr = faces[1:] - centres
    A = rng.uniform(0.5, 2.0, size=(nl, n + 1)) * 1e-6
    V = rng.uniform(0.5, 2.0, size=(nl, n)) * 1e-9
    start = rng.integers(0, 4, size=nl)
    end = n - rng.integers(0, 4, size=nl)
    end[0] = start[0]  # an empty line
    bc = np.zeros((nl, 6))
    choices = [0.0, math.inf, 1e-3]
    for line in range(nl):
        bc[line] = [
            choices[line % 3],
            rng.uniform(-90, 0),
            rng.uniform(0.2, 1.0),
            choices[(line + 1) % 3],
            rng.uniform(10, 40),
            1.0,
        ]
    return H, V, A, hl, hr, props, start.astype(np.int64), end.astype(np.int64), bc


@pytest.mark.parametrize("seed", range(8))
def test_it_solves_lines_like_the_numpy_reference(seed: int) -> None:
    H0, V, A, hl, hr, props, start, end, bc = _random_lines(seed)
    solve = make_line_solver(max_iter=80, tol=1e-6)
    for sources in (True, False):
        for dt in (0.01, 1.0, 50.0):
            Hn, Qn = H0.copy(), np.zeros((H0.shape[0], 3))
            Hr, Qr = H0.copy(), np.zeros((H0.shape[0], 3))
            F = np.random.default_rng(seed).normal(0.0, 1e-3, size=H0.shape)
            solve(Hn, H0, V, A, hl, hr, props, start, end, bc, dt, sources, Qn, F)
            solve_lines_np(
                Hr,
                H0,
                V,
                A,
                hl,
                hr,
                props,
                start,
                end,
                bc,
                dt,
                sources,
                Qr,
                F,
                max_iter=80,
                tol=1e-6,
            )
            scale = np.abs(H0).max()
            np.testing.assert_allclose(Hn, Hr, rtol=0, atol=1e-9 * scale)
            np.testing.assert_allclose(Qn, Qr, rtol=1e-7, atol=1e-12)


@pytest.mark.parametrize("seed", range(4))
def test_it_solved_lines_conserve_energy(seed: int) -> None:
    H0, V, A, hl, hr, props, start, end, bc = _random_lines(seed)
    solve = make_line_solver(max_iter=200, tol=1e-7)
    H, Q = H0.copy(), np.zeros((H0.shape[0], 3))
    dt = 5.0
    F = np.zeros(H0.shape)
    F[:, 3] = 1e-3
    solve(H, H0, V, A, hl, hr, props, start, end, bc, dt, True, Q, F)
    for line in range(H.shape[0]):
        s, e = start[line], end[line]
        change = float(np.sum(V[line, s:e] * (H[line, s:e] - H0[line, s:e])))
        flows = dt * (float(Q[line].sum()) + float(F[line, s:e].sum()))
        assert change == pytest.approx(flows, rel=1e-7, abs=1e-9)


@pytest.mark.parametrize("seed", range(4))
def test_it_computes_divergence_like_the_numpy_reference(seed: int) -> None:
    H, V, A, hl, hr, props, start, end, bc = _random_lines(seed)
    div = make_divergence()
    for sources in (True, False):
        out_n, Qn = np.zeros(H.shape), np.zeros((H.shape[0], 3))
        out_r, Qr = np.zeros(H.shape), np.zeros((H.shape[0], 3))
        div(H, V, A, hl, hr, props, start, end, bc, sources, out_n, Qn)
        divergence_np(H, V, A, hl, hr, props, start, end, bc, sources, out_r, Qr)
        np.testing.assert_allclose(out_n, out_r, rtol=1e-10, atol=1e-15)
        np.testing.assert_allclose(Qn, Qr, rtol=1e-10, atol=1e-15)
        # interior flows cancel: the sum of the divergence is the boundary + source flow
        assert out_n.sum() == pytest.approx(Qn.sum(), rel=1e-9, abs=1e-15)


@pytest.mark.parametrize("seed", range(3))
def test_it_maps_enthalpy_to_temperature_like_the_reference(seed: int) -> None:
    H, *_, props, _s, _e, _bc = _random_lines(seed)
    T, fl = np.empty(H.shape), np.empty(H.shape)
    make_temperature()(H, props, T, fl)
    Tr, flr, _ = temperature_np(H, props)
    np.testing.assert_allclose(T, Tr, rtol=0, atol=1e-10)
    np.testing.assert_allclose(fl, flr, rtol=0, atol=1e-12)
    # and enthalpy_np inverts it
    np.testing.assert_allclose(enthalpy_np(Tr, props), H, rtol=1e-9, atol=1e-3)


@pytest.mark.parametrize("name", ["soft_tissue", "water", "fat"])
@pytest.mark.parametrize("f32", [False, True])
def test_it_steps_the_3d_explicit_kernel_like_the_numpy_reference(name: str, f32: bool) -> None:
    from cryoneuro.physics.kernels import explicit_3d_np, make_explicit_3d, tissue_vector

    tissue = TISSUES[name]
    rng = np.random.default_rng(7)
    shape = (7, 6, 9)
    p = tissue_vector(tissue)[:, None, None, None] * np.ones((1, *shape))
    H = enthalpy_np(rng.uniform(-90.0, 37.0, size=shape), p)
    fixed = rng.random(shape) < 0.1
    h, dt = 5e-4, 0.05
    out, T, K = np.empty(shape), np.empty(shape), np.empty(shape)
    make_explicit_3d(tissue, h, dt, block=3, float32_faces=f32)(H, out, T, K, fixed)
    ref = explicit_3d_np(H, fixed, tissue, h, dt)
    if f32:
        # float32 face conductances: the increment is within 1e-6 of the float64 one
        scale = float(np.max(np.abs(ref - H)))
        np.testing.assert_allclose(out - H, ref - H, rtol=1e-6, atol=1e-6 * scale)
    else:
        np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-6)
    # conservative: with adiabatic faces the total enthalpy of free cells changes only
    # through exchanges with fixed cells
    out2 = np.empty(shape)
    make_explicit_3d(tissue, h, dt, block=3, float32_faces=f32)(
        H, out2, T, K, np.zeros(shape, bool)
    )
    assert out2.sum() == pytest.approx(H.sum(), rel=1e-12)
    # stronger: every face flow is computed once and enters its two cells with opposite
    # signs, so the exact sum of the increments is zero and the exactly summed total
    # moves only by the rounding of the per-cell updates (half an ulp of the result, plus
    # the rounding of the few face sums, far smaller here): at most 1 ulp per cell of the
    # largest |H|. The fastmath build of issue 9 missed this by a factor of 1e5.
    drift = math.fsum(out2.ravel()) - math.fsum(H.ravel())
    ulp = np.spacing(max(np.abs(H).max(), np.abs(out2).max()))
    assert abs(drift) <= H.size * ulp


def test_the_3d_explicit_kernel_float32_faces_stay_accurate_over_a_freeze() -> None:
    """200 explicit steps of a cold block freezing soft tissue (ice-k(T) on: the
    muscle preset): float32 face conductances change temperatures by < 1e-4 K compared
    with all-float64, and the result does not depend on the plane blocking."""
    from cryoneuro.physics.kernels import make_explicit_3d, temperature_np, tissue_vector

    tissue = TISSUES["muscle"]
    shape = (12, 11, 13)
    p = tissue_vector(tissue)[:, None, None, None] * np.ones((1, *shape))
    T0 = np.full(shape, 37.0)
    fixed = np.zeros(shape, bool)
    fixed[5:7, 5:7, 3:10] = True
    T0[fixed] = -80.0
    H0 = enthalpy_np(T0, p)
    h = 5e-4
    dt = 0.2 * h * h * min(tissue.c_frozen, tissue.c_unfrozen) / (6 * 3.0 * tissue.k_frozen)
    runs = {}
    for key, f32, blk in [("64", False, 0), ("32", True, 0), ("32b", True, 5)]:
        step = make_explicit_3d(tissue, h, dt, block=blk, float32_faces=f32)
        a, b = H0.copy(), np.empty(shape)
        T, K = np.empty(shape), np.empty(shape)
        for _ in range(100):
            step(a, b, T, K, fixed)
            step(b, a, T, K, fixed)
        runs[key] = temperature_np(a, p)[0]
    assert runs["64"].min() < -1.0  # something froze
    assert np.max(np.abs(runs["32"] - runs["64"])) < 1e-4
    assert np.array_equal(runs["32"], runs["32b"])
