"""Enthalpy kernels: numba factories and their plain-numpy references.

Data layout
-----------
A *line set* is a batch of ``NL`` one-dimensional lines of ``n`` cells (a 2-D array
``(NL, n)``, C order). Line ``l`` uses cells ``start[l] <= i < end[l]``; cells outside are
ignored (for example the cells inside the probe). Geometry per line set:

- ``V (NL, n)`` cell volumes (m3), ``A (NL, n+1)`` face areas (m2),
- ``hl (n)``, ``hr (n)`` distances from a cell centre to its left/right face (m),
- end conditions per line: a surface resistance ``1/h`` (``rl``/``rr``, m2 K/W; 0 means
  Dirichlet, ``inf`` adiabatic), a driving temperature (``tl``/``tr``) and a multiplier
  (``sl``/``sr``) used for the cryogen power ceiling.

Cell properties travel as ``props (NPROP, NL, n)`` (see the ``P_*`` indices), built by
:func:`pack_properties` from :class:`~cryoneuro.physics.materials.Tissue` objects.

Enthalpy (J/m3) is zero at the solidus, piecewise linear in T (see ``Tissue``), so
``T(H)`` is explicit and the liquid fraction is ``H/H_l`` across the mushy range.

The implicit line solver performs backward Euler in enthalpy form,
``V (H - H0) = dt (sum of face flows + boundary flows + V S)``, solved by Newton's method
on H (the Jacobian uses dT/dH, which is never infinite, so an isothermal phase change is
fine) with conductivities refreshed each iteration (Picard on k) and the
Swaminathan-Voller safeguard: a cell whose update would jump across a kink of T(H) is
put on the kink for that iteration. Every flow is antisymmetric between neighbours, so
the scheme conserves energy up to the Newton tolerance whatever the step.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numba
import numpy as np
from numpy.typing import NDArray

from cryoneuro.physics.materials import Tissue

FloatArray = NDArray[np.float64]

# property indices
P_CF, P_CU, P_CM, P_L, P_TS, P_TL, P_KF, P_KU, P_PICE, P_WCB, P_QM, P_TA, P_HL = range(13)
NPROP = 13
#: 0 degC in kelvin (definition), used by the temperature-dependent ice conductivity.
KELVIN = 273.15
#: Newton iterations after which updates are halved (guards against kink cycling).
_DAMP_AFTER = 25


def tissue_vector(t: Tissue) -> FloatArray:
    """The property vector of one tissue (length NPROP)."""
    cm = 0.5 * (t.c_frozen + t.c_unfrozen)
    hl = cm * (t.t_liquidus - t.t_solidus) + t.latent_heat
    v = np.zeros(NPROP)
    v[P_CF], v[P_CU], v[P_CM], v[P_L] = t.c_frozen, t.c_unfrozen, cm, t.latent_heat
    v[P_TS], v[P_TL], v[P_KF], v[P_KU] = t.t_solidus, t.t_liquidus, t.k_frozen, t.k_unfrozen
    v[P_PICE], v[P_WCB], v[P_QM], v[P_TA] = (
        t.ice_k_exponent,
        t.perfusion * t.blood_heat_capacity,
        t.metabolic_heat,
        t.t_arterial,
    )
    v[P_HL] = hl
    return v


def pack_properties(tissues: Sequence[Tissue], index: NDArray[np.int64]) -> FloatArray:
    """``props (NPROP, *index.shape)`` with cell c taking ``tissues[index[c]]``."""
    table = np.stack([tissue_vector(t) for t in tissues], axis=1)  # (NPROP, ntissue)
    return np.ascontiguousarray(table[:, index])


# ---------------------------------------------------------------- numpy reference
def temperature_np(H: FloatArray, p: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Temperature, liquid fraction and dT/dH from enthalpy (numpy reference)."""
    hl = p[P_HL]
    safe = np.where(hl > 0.0, hl, 1.0)
    frac = np.clip(H / safe, 0.0, 1.0)
    T = np.where(
        H < 0.0,
        p[P_TS] + H / p[P_CF],
        np.where(hl < H, p[P_TL] + (H - hl) / p[P_CU], p[P_TS] + frac * (p[P_TL] - p[P_TS])),
    )
    fl = np.where(H < 0.0, 0.0, np.where(hl < H, 1.0, frac))
    mush = np.where(hl > 0.0, (p[P_TL] - p[P_TS]) / safe, 0.0)
    th = np.where(H < 0.0, 1.0 / p[P_CF], np.where(hl < H, 1.0 / p[P_CU], mush))
    return T, fl, th


def enthalpy_np(T: FloatArray, p: FloatArray) -> FloatArray:
    """Enthalpy from temperature (numpy reference, also used to set initial fields)."""
    dT = p[P_TL] - p[P_TS]
    safe = np.where(dT > 0.0, dT, 1.0)
    mushy = (T - p[P_TS]) * (p[P_CM] + p[P_L] / safe)
    return np.where(
        p[P_TS] >= T,
        p[P_CF] * (T - p[P_TS]),
        np.where(p[P_TL] <= T, p[P_HL] + p[P_CU] * (T - p[P_TL]), mushy),
    )


def conductivity_np(T: FloatArray, fl: FloatArray, p: FloatArray) -> FloatArray:
    kf = p[P_KF] * (KELVIN / (T + KELVIN)) ** p[P_PICE]
    return fl * p[P_KU] + (1.0 - fl) * kf


def _line_terms_np(H, p, Vl, Al, hl, hr, bc, s, e, sources, k=None, fl_src=None):
    T, fl, th = temperature_np(H[s:e], p[:, s:e])
    if k is None:
        k = conductivity_np(T, fl, p[:, s:e])
    if fl_src is None:
        fl_src = fl
    Kf = Al[s + 1 : e] / (hr[s : e - 1] / k[:-1] + hl[s + 1 : e] / k[1:])
    rl, tl, sl, rr, tr, sr = bc
    Gl = sl * Al[s] / (rl + hl[s] / k[0])
    Gr = sr * Al[e] / (rr + hr[e - 1] / k[-1])
    flow = np.zeros(e - s)
    flow[:-1] += Kf * (T[1:] - T[:-1])
    flow[1:] -= Kf * (T[1:] - T[:-1])
    Ql = Gl * (tl - T[0])
    Qr = Gr * (tr - T[-1])
    flow[0] += Ql
    flow[-1] += Qr
    if sources:
        S = fl_src * (p[P_WCB, s:e] * (p[P_TA, s:e] - T) + p[P_QM, s:e])
        dS = fl_src * p[P_WCB, s:e]
    else:
        S = np.zeros(e - s)
        dS = np.zeros(e - s)
    Vs = Vl[s:e]
    return T, th, k, fl, Kf, Gl, Gr, flow, S * Vs, dS * Vs, Ql, Qr


def solve_lines_np(
    H: FloatArray,
    H0: FloatArray,
    V: FloatArray,
    A: FloatArray,
    hl: FloatArray,
    hr: FloatArray,
    props: FloatArray,
    start: NDArray[np.int64],
    end: NDArray[np.int64],
    bc: FloatArray,
    dt: float,
    sources: bool,
    Q: FloatArray,
    F: FloatArray,
    max_iter: int = 100,
    tol: float = 1e-6,
) -> int:
    """Plain-numpy reference of the implicit line solver (same algorithm as the numba one).

    ``bc (NL, 6)`` holds ``rl, tl, sl, rr, tr, sr`` per line. ``Q (NL, 3)`` receives the
    heat flows (W) into the tissue through the left end, the right end and the sources.
    ``F (NL, n)`` is an extra, explicit heat flow (W) into each cell (the ADI cross term).
    Returns the largest number of Newton iterations used.
    """
    from scipy.linalg import solve_banded

    worst = 0
    for line in range(H.shape[0]):
        s, e = int(start[line]), int(end[line])
        if e <= s:
            Q[line] = 0.0
            continue
        p = props[:, line, :]
        h = H[line]
        h0 = H0[line, s:e]
        Vs = V[line, s:e]
        # conductivities and the perfusion switch are lagged at the start of the step
        _, _, k0, fl0, *_ = _line_terms_np(
            H0[line], p, V[line], A[line], hl, hr, bc[line], s, e, sources
        )
        it = 0
        for it in range(1, max_iter + 1):
            _T, th, _, _, Kf, Gl, Gr, flow, SV, dSV, _, _ = _line_terms_np(
                h, p, V[line], A[line], hl, hr, bc[line], s, e, sources, k0, fl0
            )
            R = Vs * (h[s:e] - h0) - dt * (flow + SV + F[line, s:e])
            hh = h[s:e]
            hlq = p[P_HL, s:e]
            th = np.where((hh == 0.0) & (R > 0.0), 1.0 / p[P_CF, s:e], th)
            th = np.where((hh == hlq) & (R < 0.0), 1.0 / p[P_CU, s:e], th)
            diag = Vs + dt * dSV * th
            diag[:-1] += dt * Kf * th[:-1]
            diag[1:] += dt * Kf * th[1:]
            diag[0] += dt * Gl * th[0]
            diag[-1] += dt * Gr * th[-1]
            ab = np.zeros((3, e - s))
            ab[1] = diag
            ab[0, 1:] = -dt * Kf * th[1:]
            ab[2, :-1] = -dt * Kf * th[:-1]
            d = solve_banded((1, 1), ab, -R)
            if it > _DAMP_AFTER:
                d *= 0.5
            old = h[s:e].copy()
            new = old + d
            reg_old = np.where(old < 0.0, 0, np.where(old > hlq, 2, 1))
            reg_new = np.where(new < 0.0, 0, np.where(new > hlq, 2, 1))
            strict = (old != 0.0) & (old != hlq)
            jump = (reg_new != reg_old) & strict
            kink = np.where(
                reg_old == 0, 0.0, np.where(reg_old == 2, hlq, np.where(reg_new == 0, 0.0, hlq))
            )
            new = np.where(jump, kink, new)
            h[s:e] = new
            if np.max(np.abs(new - old)) <= tol:
                break
        worst = max(worst, it)
        out = _line_terms_np(h, p, V[line], A[line], hl, hr, bc[line], s, e, sources, k0, fl0)
        Q[line, 0], Q[line, 1], Q[line, 2] = out[10], out[11], out[8].sum()
    return worst


def divergence_np(
    H: FloatArray,
    V: FloatArray,
    A: FloatArray,
    hl: FloatArray,
    hr: FloatArray,
    props: FloatArray,
    start: NDArray[np.int64],
    end: NDArray[np.int64],
    bc: FloatArray,
    sources: bool,
    out: FloatArray,
    Q: FloatArray,
) -> None:
    """Plain-numpy reference: add the net heat flow (W) into each cell to ``out``."""
    for line in range(H.shape[0]):
        s, e = int(start[line]), int(end[line])
        if e <= s:
            Q[line] = 0.0
            continue
        *_, flow, SV, _, Ql, Qr = _line_terms_np(
            H[line], props[:, line, :], V[line], A[line], hl, hr, bc[line], s, e, sources
        )
        out[line, s:e] += flow + SV
        Q[line, 0], Q[line, 1], Q[line, 2] = Ql, Qr, SV.sum()


# ---------------------------------------------------------------- numba kernels
@numba.njit(cache=True, inline="always")
def _state(H: float, p: Any, line: int, i: int) -> tuple[float, float, float, int]:
    hl = p[P_HL, line, i]
    if H < 0.0:
        return p[P_TS, line, i] + H / p[P_CF, line, i], 0.0, 1.0 / p[P_CF, line, i], 0
    if hl < H:
        return p[P_TL, line, i] + (H - hl) / p[P_CU, line, i], 1.0, 1.0 / p[P_CU, line, i], 2
    if hl > 0.0:
        f = H / hl
        dT = p[P_TL, line, i] - p[P_TS, line, i]
        return p[P_TS, line, i] + f * dT, f, dT / hl, 1
    return p[P_TS, line, i], 0.0, 0.0, 1


@numba.njit(cache=True, inline="always")
def _cond(T: float, fl: float, p: Any, line: int, i: int) -> float:
    kf = p[P_KF, line, i]
    pe = p[P_PICE, line, i]
    if pe != 0.0:
        kf = kf * (KELVIN / (T + KELVIN)) ** pe
    return fl * p[P_KU, line, i] + (1.0 - fl) * kf


def make_temperature() -> Any:
    """A jitted ``temperature(H, props, T, fl)`` filling T and the liquid fraction for a
    ``(NL, n)`` field (props ``(NPROP, NL, n)``)."""

    @numba.njit(cache=True)
    def temperature(H: Any, p: Any, T: Any, fl: Any) -> None:
        for line in range(H.shape[0]):
            for i in range(H.shape[1]):
                t, f, _, _ = _state(H[line, i], p, line, i)
                T[line, i] = t
                fl[line, i] = f

    return temperature


def make_line_solver(max_iter: int = 100, tol: float = 1e-6, parallel: bool = False) -> Any:
    """A jitted implicit line solver with the signature of :func:`solve_lines_np`
    (minus ``max_iter``/``tol``, which this factory closes over): it solves
    ``V (H - H0) = dt (line flows(T(H)) + V S + F)`` for every line.

    Per line: conductivities and the perfusion on/off switch (liquid fraction) are taken
    at the start of the step (lagged, first order in dt like backward Euler itself, exact
    at steady state); the remaining nonlinearity, T(H), is piecewise linear and monotone,
    and Newton's method on H with the kink safeguards converges in a few iterations.
    ``tol`` is the largest Newton update of H (J/m3) accepted as converged; after
    ``_DAMP_AFTER`` iterations updates are halved. ``parallel`` spreads the lines over
    threads (``numba.prange``); lines are independent, so the result is bit-for-bit the
    same with any number of threads.
    """
    damp_after = _DAMP_AFTER

    @numba.njit(cache=True, parallel=parallel)
    def solve(
        H: Any, H0: Any, V: Any, A: Any, hl: Any, hr: Any, p: Any, start: Any, end: Any,
        bc: Any, dt: float, sources: bool, Q: Any, F: Any,
    ) -> int:  # fmt: skip
        n = H.shape[1]
        iters = np.zeros(H.shape[0], np.int64)
        for line in numba.prange(H.shape[0]):
            T = np.empty(n)
            th = np.empty(n)
            fl0 = np.empty(n)
            k = np.empty(n)
            Kf = np.empty(n)
            a = np.empty(n)
            b = np.empty(n)
            c = np.empty(n)
            r = np.empty(n)
            s = start[line]
            e = end[line]
            Q[line, 0] = 0.0
            Q[line, 1] = 0.0
            Q[line, 2] = 0.0
            if e <= s:
                continue
            rl, tl, sl, rr, tr, sr = (
                bc[line, 0],
                bc[line, 1],
                bc[line, 2],
                bc[line, 3],
                bc[line, 4],
                bc[line, 5],
            )
            for i in range(s, e):
                t, f, _, _ = _state(H0[line, i], p, line, i)
                fl0[i] = f
                k[i] = _cond(t, f, p, line, i)
            for i in range(s, e - 1):
                Kf[i] = A[line, i + 1] / (hr[i] / k[i] + hl[i + 1] / k[i + 1])
            Gl = sl * A[line, s] / (rl + hl[s] / k[s])
            Gr = sr * A[line, e] / (rr + hr[e - 1] / k[e - 1])
            it = 0
            converged = False
            while True:
                for i in range(s, e):
                    t, f, d, g = _state(H[line, i], p, line, i)
                    T[i] = t
                    th[i] = d
                if converged or it == max_iter:
                    break
                it += 1
                for i in range(s, e):
                    v = V[line, i]
                    flow = F[line, i]
                    if sources:
                        flow += (
                            v
                            * fl0[i]
                            * (p[P_WCB, line, i] * (p[P_TA, line, i] - T[i]) + p[P_QM, line, i])
                        )
                    if i > s:
                        flow += Kf[i - 1] * (T[i - 1] - T[i])
                    else:
                        flow += Gl * (tl - T[i])
                    if i < e - 1:
                        flow += Kf[i] * (T[i + 1] - T[i])
                    else:
                        flow += Gr * (tr - T[i])
                    r[i] = -(v * (H[line, i] - H0[line, i]) - dt * flow)
                    # on a kink of T(H), use the slope of the side the update goes to
                    hv = H[line, i]
                    if hv == 0.0 and r[i] < 0.0:
                        th[i] = 1.0 / p[P_CF, line, i]
                    elif hv == p[P_HL, line, i] and r[i] > 0.0:
                        th[i] = 1.0 / p[P_CU, line, i]
                for i in range(s, e):
                    v = V[line, i]
                    diag = v
                    if sources:
                        diag += dt * v * fl0[i] * p[P_WCB, line, i] * th[i]
                    if i > s:
                        diag += dt * Kf[i - 1] * th[i]
                        a[i] = -dt * Kf[i - 1] * th[i - 1]
                    else:
                        diag += dt * Gl * th[i]
                        a[i] = 0.0
                    if i < e - 1:
                        diag += dt * Kf[i] * th[i]
                        c[i] = -dt * Kf[i] * th[i + 1]
                    else:
                        diag += dt * Gr * th[i]
                        c[i] = 0.0
                    b[i] = diag
                # Thomas algorithm (an M-matrix: V > 0, th >= 0)
                for i in range(s + 1, e):
                    m = a[i] / b[i - 1]
                    b[i] -= m * c[i - 1]
                    r[i] -= m * r[i - 1]
                r[e - 1] /= b[e - 1]
                for i in range(e - 2, s - 1, -1):
                    r[i] = (r[i] - c[i] * r[i + 1]) / b[i]
                big = 0.0
                for i in range(s, e):
                    old = H[line, i]
                    step = r[i]
                    if it > damp_after:
                        step *= 0.5
                    new = old + step
                    hli = p[P_HL, line, i]
                    g = 0 if new < 0.0 else (2 if new > hli else 1)
                    gold = 0 if old < 0.0 else (2 if old > hli else 1)
                    if g != gold and old != 0.0 and old != hli:
                        if gold == 0:
                            new = 0.0
                        elif gold == 2:
                            new = hli
                        elif g == 0:
                            new = 0.0
                        else:
                            new = hli
                    H[line, i] = new
                    dd = abs(new - old)
                    if dd > big:
                        big = dd
                if big <= tol:
                    converged = True
            iters[line] = it
            src = 0.0
            if sources:
                for i in range(s, e):
                    src += (
                        V[line, i]
                        * fl0[i]
                        * (p[P_WCB, line, i] * (p[P_TA, line, i] - T[i]) + p[P_QM, line, i])
                    )
            Q[line, 0] = Gl * (tl - T[s])
            Q[line, 1] = Gr * (tr - T[e - 1])
            Q[line, 2] = src
        return iters.max() if H.shape[0] > 0 else 0

    return solve


def make_divergence() -> Any:
    """A jitted ``divergence(H, V, A, hl, hr, props, start, end, bc, sources, out, Q)``
    adding the net heat flow (W) into each cell to ``out`` (see :func:`divergence_np`)."""

    @numba.njit(cache=True)
    def divergence(
        H: Any, V: Any, A: Any, hl: Any, hr: Any, p: Any, start: Any, end: Any, bc: Any,
        sources: bool, out: Any, Q: Any,
    ) -> None:  # fmt: skip
        n = H.shape[1]
        T = np.empty(n)
        k = np.empty(n)
        fl = np.empty(n)
        for line in range(H.shape[0]):
            s = start[line]
            e = end[line]
            Q[line, 0] = 0.0
            Q[line, 1] = 0.0
            Q[line, 2] = 0.0
            if e <= s:
                continue
            for i in range(s, e):
                t, f, _, _ = _state(H[line, i], p, line, i)
                T[i] = t
                fl[i] = f
                k[i] = _cond(t, f, p, line, i)
            for i in range(s, e - 1):
                q = A[line, i + 1] / (hr[i] / k[i] + hl[i + 1] / k[i + 1]) * (T[i + 1] - T[i])
                out[line, i] += q
                out[line, i + 1] -= q
            Gl = bc[line, 2] * A[line, s] / (bc[line, 0] + hl[s] / k[s])
            Gr = bc[line, 5] * A[line, e] / (bc[line, 3] + hr[e - 1] / k[e - 1])
            ql = Gl * (bc[line, 1] - T[s])
            qr = Gr * (bc[line, 4] - T[e - 1])
            out[line, s] += ql
            out[line, e - 1] += qr
            src = 0.0
            if sources:
                for i in range(s, e):
                    w = (
                        V[line, i]
                        * fl[i]
                        * (p[P_WCB, line, i] * (p[P_TA, line, i] - T[i]) + p[P_QM, line, i])
                    )
                    out[line, i] += w
                    src += w
            Q[line, 0] = ql
            Q[line, 1] = qr
            Q[line, 2] = src

    return divergence


def explicit_3d_np(
    H: FloatArray, fixed: NDArray[np.bool_], tissue: Tissue, h: float, dt: float
) -> FloatArray:
    """Plain-numpy reference of :func:`make_explicit_3d`: one forward-Euler enthalpy step
    on a uniform grid (spacing h), one tissue, no sources, adiabatic outer faces; cells
    where ``fixed`` is true keep their enthalpy."""
    p = tissue_vector(tissue)[:, None, None, None] * np.ones((1, *H.shape))
    T, fl, _ = temperature_np(H, p)
    k = conductivity_np(T, fl, p)
    acc = np.zeros(H.shape)
    for axis in range(3):
        sl_a = [slice(None)] * 3
        sl_b = [slice(None)] * 3
        sl_a[axis] = slice(None, -1)
        sl_b[axis] = slice(1, None)
        ka, kb = k[tuple(sl_a)], k[tuple(sl_b)]
        q = 2.0 * ka * kb / (ka + kb) * (T[tuple(sl_b)] - T[tuple(sl_a)])
        acc[tuple(sl_a)] += q
        acc[tuple(sl_b)] -= q
    out: FloatArray = np.where(fixed, H, H + dt / (h * h) * acc)
    return out


def make_explicit_3d(tissue: Tissue, h: float, dt: float, parallel: bool = False) -> Any:
    """A jitted ``step(H, out, T, K, fixed)``: one forward-Euler enthalpy step on a uniform
    3-D grid for one tissue (constants closed over), no sources, adiabatic outer faces.
    Two passes: T and k from H, then the 7-point conservative stencil into ``out``.
    Stable for ``dt <= h^2 C_min / (6 k_max)``."""
    v = tissue_vector(tissue)
    cf, cu, hl_, ts, tl = v[P_CF], v[P_CU], v[P_HL], v[P_TS], v[P_TL]
    kf0, ku, pe = v[P_KF], v[P_KU], v[P_PICE]
    coef = dt / (h * h)

    @numba.njit(cache=True, fastmath=True, parallel=parallel)
    def step(H: Any, out: Any, T: Any, K: Any, fixed: Any) -> None:
        nx, ny, nz = H.shape
        for i in numba.prange(nx):
            for j in range(ny):
                for m in range(nz):
                    e = H[i, j, m]
                    if e < 0.0:
                        t = ts + e / cf
                        f = 0.0
                    elif e > hl_:
                        t = tl + (e - hl_) / cu
                        f = 1.0
                    elif hl_ > 0.0:
                        f = e / hl_
                        t = ts + f * (tl - ts)
                    else:
                        f = 0.0
                        t = ts
                    kf = kf0 * (KELVIN / (t + KELVIN)) ** pe if pe != 0.0 else kf0
                    T[i, j, m] = t
                    K[i, j, m] = f * ku + (1.0 - f) * kf
        # pass 2, interior cells: every face conductance is computed once and shared by
        # its two cells (x faces carried from the previous plane, y faces from the
        # previous row, z face from the previous cell): 3 divisions per cell instead of 6
        fx = np.empty((ny, nz))
        for j in range(1, ny - 1):
            for m in range(1, nz - 1):
                ka = K[0, j, m]
                kb = K[1, j, m]
                fx[j, m] = 2.0 * ka * kb / (ka + kb)
        fy = np.empty(nz)
        for i in range(1, nx - 1):
            for m in range(1, nz - 1):
                ka = K[i, 0, m]
                kb = K[i, 1, m]
                fy[m] = 2.0 * ka * kb / (ka + kb)
            for j in range(1, ny - 1):
                ka = K[i, j, 0]
                kb = K[i, j, 1]
                fz = 2.0 * ka * kb / (ka + kb)
                for m in range(1, nz - 1):
                    t = T[i, j, m]
                    kc = K[i, j, m]
                    kxp = K[i + 1, j, m]
                    kyp = K[i, j + 1, m]
                    kzp = K[i, j, m + 1]
                    fxp = 2.0 * kc * kxp / (kc + kxp)
                    fyp = 2.0 * kc * kyp / (kc + kyp)
                    fzp = 2.0 * kc * kzp / (kc + kzp)
                    acc = (
                        fx[j, m] * (T[i - 1, j, m] - t)
                        + fxp * (T[i + 1, j, m] - t)
                        + fy[m] * (T[i, j - 1, m] - t)
                        + fyp * (T[i, j + 1, m] - t)
                        + fz * (T[i, j, m - 1] - t)
                        + fzp * (T[i, j, m + 1] - t)
                    )
                    fx[j, m] = fxp
                    fy[m] = fyp
                    fz = fzp
                    val = H[i, j, m] + coef * acc
                    out[i, j, m] = H[i, j, m] if fixed[i, j, m] else val
        for i in range(nx):
            for j in range(ny):
                for m in range(nz):
                    if 0 < i < nx - 1 and 0 < j < ny - 1 and 0 < m < nz - 1:
                        continue
                    if fixed[i, j, m]:
                        out[i, j, m] = H[i, j, m]
                        continue
                    t = T[i, j, m]
                    kc = K[i, j, m]
                    acc = 0.0
                    if i > 0:
                        kn = K[i - 1, j, m]
                        acc += 2.0 * kc * kn / (kc + kn) * (T[i - 1, j, m] - t)
                    if i < nx - 1:
                        kn = K[i + 1, j, m]
                        acc += 2.0 * kc * kn / (kc + kn) * (T[i + 1, j, m] - t)
                    if j > 0:
                        kn = K[i, j - 1, m]
                        acc += 2.0 * kc * kn / (kc + kn) * (T[i, j - 1, m] - t)
                    if j < ny - 1:
                        kn = K[i, j + 1, m]
                        acc += 2.0 * kc * kn / (kc + kn) * (T[i, j + 1, m] - t)
                    if m > 0:
                        kn = K[i, j, m - 1]
                        acc += 2.0 * kc * kn / (kc + kn) * (T[i, j, m - 1] - t)
                    if m < nz - 1:
                        kn = K[i, j, m + 1]
                        acc += 2.0 * kc * kn / (kc + kn) * (T[i, j, m + 1] - t)
                    out[i, j, m] = H[i, j, m] + coef * acc

    return step
