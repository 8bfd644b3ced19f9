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
# Cache key: numba's on-disk cache (``cache=True``) keys a compiled function by its
# bytecode, the values of its closure variables and the CPU target, not by the ``njit``
# options, so a factory's serial and ``parallel=True`` builds would share one cache entry
# (whichever was compiled first is loaded for both). Each factory's kernel therefore
# references its ``parallel`` argument, which puts it in the closure and so in the key.
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


class NewtonNotConverged(ArithmeticError):
    """An implicit solve whose Newton iteration stopped at its cap without converging
    (after the retries its caller makes): the run is refused, never taken unconverged."""


def make_line_solver(max_iter: int = 100, tol: float = 1e-6, parallel: bool = False) -> Any:
    """A jitted implicit line solver with the signature of :func:`solve_lines_np`
    (minus ``max_iter``/``tol``, which this factory closes over): it solves
    ``V (H - H0) = dt (line flows(T(H)) + V S + F)`` for every line.

    Per line: conductivities and the perfusion on/off switch (liquid fraction) are taken
    at the start of the step (lagged, first order in dt like backward Euler itself, exact
    at steady state); the remaining nonlinearity, T(H), is piecewise linear and monotone,
    and Newton's method on H with the kink safeguards converges in a few iterations.
    ``tol`` is the largest Newton update of H (J/m3) accepted as converged; after
    ``_DAMP_AFTER`` iterations updates are halved. It returns the most iterations any line
    took, or ``max_iter + 1`` when a line stopped at the cap without converging (the
    caller retries or refuses the step: never an unconverged result taken silently). ``parallel`` spreads the lines over
    threads (``numba.prange``); lines are independent, so the result is bit-for-bit the
    same with any number of threads.
    """
    damp_after = _DAMP_AFTER

    @numba.njit(cache=True, parallel=parallel)
    def solve(
        H: Any,
        H0: Any,
        V: Any,
        A: Any,
        hl: Any,
        hr: Any,
        p: Any,
        start: Any,
        end: Any,
        bc: Any,
        dt: float,
        sources: bool,
        Q: Any,
        F: Any,
    ) -> int:
        n = H.shape[1]
        _ = parallel  # in the closure, hence in the cache key (see 'Cache key' above)
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
            iters[line] = it if converged else max_iter + 1
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
        H: Any,
        V: Any,
        A: Any,
        hl: Any,
        hr: Any,
        p: Any,
        start: Any,
        end: Any,
        bc: Any,
        sources: bool,
        out: Any,
        Q: Any,
    ) -> None:
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


# The 3-D kernel is compiled without fastmath, on purpose (issue 9). With fastmath, LLVM
# evaluated the float32 division of the face conductance as a reciprocal estimate
# (rcpps / rcp14ps, whose bits are implementation-specific: Intel and AMD differ) plus one
# Newton step in vector loops but as a true division in scalar remainder loops, so the
# x faces that a block recomputed (then: the first plane of each block) could get another
# flow than the block before had used: on AVX2 builds energy was not conserved (relative
# 5e-10). It also contracted a * b + c into FMAs where the CPU has them, and may
# reassociate sums. Without fastmath every operation below is one IEEE-754 operation
# rounded to nearest (numba requests no FMA contraction either), so the result is the
# same bits in vector and scalar code, whatever the vector width, CPU model or
# instruction set.
@numba.njit(cache=True, error_model="numpy", inline="always")
def _faces32(ka: Any, kb: Any, ta: Any, tb: Any, q: Any, off: int, n: int) -> None:
    """``q[off + m] = 2 ka kb / (ka + kb) (tb - ta)`` for m < n (contiguous rows), the
    face conductance (harmonic mean) evaluated in float32 (relative error below 1e-6;
    cheaper divisions), the flow in float64."""
    for m in range(n):
        a = np.float32(ka[m])
        b = np.float32(kb[m])
        g = np.float32(2.0) * a * b / (a + b)
        q[off + m] = np.float64(g) * (tb[m] - ta[m])


@numba.njit(cache=True, error_model="numpy", inline="always")
def _faces64(ka: Any, kb: Any, ta: Any, tb: Any, q: Any, off: int, n: int) -> None:
    """As :func:`_faces32`, all in float64."""
    for m in range(n):
        a = ka[m]
        b = kb[m]
        q[off + m] = 2.0 * a * b / (a + b) * (tb[m] - ta[m])


@numba.njit(cache=True, error_model="numpy", inline="always")
def _faces(f32: bool, ka: Any, kb: Any, ta: Any, tb: Any, q: Any, off: int, n: int) -> None:
    """:func:`_faces32` or :func:`_faces64` (``f32`` is a compile-time constant in the
    kernels: the other branch is folded away)."""
    if f32:
        _faces32(ka, kb, ta, tb, q, off, n)
    else:
        _faces64(ka, kb, ta, tb, q, off, n)


@numba.njit(cache=True, error_model="numpy", inline="always")
def _update(
    hc: Any, oc: Any, fc: Any, qxo: Any, qxn: Any, qyo: Any, qyn: Any, qz: Any, coef: float, n: int
) -> None:
    """One row of the conservative update: ``out = H + coef * (net face flows)``, except
    on fixed cells, which keep their enthalpy."""
    for m in range(n):
        acc = (qxn[m] - qxo[m]) + (qyn[m] - qyo[m]) + (qz[m + 1] - qz[m])
        e = hc[m]
        oc[m] = e if fc[m] else e + coef * acc


def make_explicit_3d(
    tissue: Tissue,
    h: float,
    dt: float,
    parallel: bool = False,
    block: int = 0,
    float32_faces: bool = True,
) -> Any:
    """A jitted ``step(H, out, T, K, fixed)``: one forward-Euler enthalpy step on a uniform
    3-D grid for one tissue (constants closed over), no sources, adiabatic outer faces.
    Stable for ``dt <= h^2 C_min / (6 k_max)``.

    Two passes (memory traffic 57 B per cell update: pass 1 reads H and writes T and k,
    pass 2 reads H, T, k and the fixed mask and writes the new H):

    1. T and k from H, branch-free (selects) so that the loop vectorises; divisions by
       the constant heat capacities are multiplications by precomputed reciprocals.
    2. Flux form: every face flow ``q = 2 k_a k_b / (k_a + k_b) (T_b - T_a)`` is computed
       once (3 per cell: the x faces of the previous plane and the y faces of the
       previous row are kept in small buffers) and each cell adds ``q_next - q_prev``
       per direction, so the update is exactly antisymmetric (conservative) and every
       inner loop runs over contiguous z with no loop-carried scalar (vectorised).
       Outer faces carry zero flow (adiabatic), so no separate boundary loop.

    With ``float32_faces`` (the default) the face conductance ``2 k_a k_b / (k_a + k_b)``
    is evaluated in float32 (relative error < 1e-6, far below the uncertainty of any
    tissue conductivity; temperatures, differences, flows and H stay float64, and the
    flows stay exactly antisymmetric); ``float32_faces=False`` is all float64 and agrees
    with :func:`explicit_3d_np` to rounding.

    Planes are processed in blocks of ``block`` planes (default: one block serial, two
    per thread in parallel). The x faces between blocks, and the adiabatic outer x faces,
    are held in one array of ``nb + 1`` face planes filled before the blocks run (each
    computed once, in parallel); a block reads its first incoming and its last outgoing
    x faces from there and computes the faces inside itself. So every face flow is
    computed exactly once and enters the two cells it separates with opposite signs,
    whatever the blocking: the sum of the increments telescopes, and the result is
    bit-for-bit the same serial or parallel, whatever the blocking and the number of
    threads (tested).

    Compiled without fastmath: every operation is a single IEEE-754 operation rounded to
    nearest (no reciprocal estimates, no FMA contraction, no reassociation), so the
    result is the same bits in vector and scalar loops, on any x86-64 CPU and vector
    width (tested in subprocesses under several ``NUMBA_CPU_NAME`` targets); with the
    ice-conductivity exponent ``pe`` not 0 or 1, pass 1 calls the C library's ``pow``
    and is then as reproducible as that (see ``docs/physics/design.md``).
    """
    v = tissue_vector(tissue)
    hl_, ts, tl = v[P_HL], v[P_TS], v[P_TL]
    icf, icu = 1.0 / v[P_CF], 1.0 / v[P_CU]
    ihl = 1.0 / hl_ if hl_ > 0.0 else 0.0
    kf0, ku, pe = v[P_KF], v[P_KU], v[P_PICE]
    has_pe = pe != 0.0
    dtm = tl - ts
    coef = dt / (h * h)
    blk0 = int(block)
    threads = numba.get_num_threads() if parallel else 1
    # a plain bool, not the chosen dispatcher: numba's cache key pickles the closure
    # variables, and a dispatcher pickles with a per-process id (the cache never hit)
    f32 = bool(float32_faces)

    @numba.njit(cache=True, error_model="numpy", parallel=parallel)
    def step(H: Any, out: Any, T: Any, K: Any, fixed: Any) -> None:
        _ = parallel  # in the closure, hence in the cache key (see 'Cache key' above)
        nx, ny, nz = H.shape
        blk = blk0
        if blk <= 0:  # default: one block serial, two blocks per thread in parallel
            blk = nx if threads == 1 else max(4, -(-nx // (2 * threads)))
        nb = (nx + blk - 1) // blk
        # pass 1: T and k
        for i in numba.prange(nx):
            for j in range(ny):
                for m in range(nz):
                    e = H[i, j, m]
                    f = min(max(e * ihl, 0.0), 1.0)
                    t = ts + f * dtm
                    t = ts + e * icf if e < 0.0 else t
                    t = tl + (e - hl_) * icu if e > hl_ else t
                    if hl_ <= 0.0:
                        f = 1.0 if e > hl_ else 0.0
                    kf = kf0 * (KELVIN / (t + KELVIN)) ** pe if has_pe else kf0
                    T[i, j, m] = t
                    K[i, j, m] = f * ku + (1.0 - f) * kf
        # pass 2a: the x-face flows on block boundaries, each computed once: qxs[b] flows
        # into plane b * blk from the plane before; qxs[0] and qxs[nb] are the adiabatic
        # outer faces (zero)
        qxs = np.zeros((nb + 1, ny, nz))
        for b in numba.prange(1, nb):
            i = b * blk
            for j in range(ny):
                _faces(f32, K[i - 1, j], K[i, j], T[i - 1, j], T[i, j], qxs[b, j], 0, nz)
        # pass 2b: face flows inside each block, conservative update
        for b in numba.prange(nb):
            i0 = b * blk
            i1 = min(nx, i0 + blk)
            # x-face flows of two planes (into plane i from i - 1, into i + 1 from i) and
            # y-face flows of two rows, used alternately (no copies)
            qxb = np.empty((2, ny, nz))
            qyb = np.zeros((2, nz))
            qz = np.empty(nz + 1)
            qz[0] = 0.0
            qz[nz] = 0.0
            for i in range(i0, i1):
                qxo = qxs[b] if i == i0 else qxb[i % 2]
                last = i == i1 - 1
                qxn = qxs[b + 1] if last else qxb[(i + 1) % 2]
                qyb[0, :] = 0.0
                for j in range(ny):
                    kc = K[i, j]
                    tc = T[i, j]
                    qyo = qyb[j % 2]
                    qyn = qyb[(j + 1) % 2]
                    if not last:
                        _faces(f32, kc, K[i + 1, j], tc, T[i + 1, j], qxn[j], 0, nz)
                    if j < ny - 1:
                        _faces(f32, kc, K[i, j + 1], tc, T[i, j + 1], qyn, 0, nz)
                    else:
                        qyn[:] = 0.0
                    _faces(f32, kc[:-1], kc[1:], tc[:-1], tc[1:], qz, 1, nz - 1)
                    _update(H[i, j], out[i, j], fixed[i, j], qxo[j], qxn[j], qyo, qyn, qz, coef, nz)

    return step


# ---------------------------------------------------------------- 3-D axis line solver
#: Columns of a 3-D material table row beyond the ``P_*`` properties: the probe volume
#: fraction of the cell, the index of the probe it belongs to (-1: none), and the
#: reciprocals the kernel multiplies by (1/C_f, 1/C_u, 1/H_l or 0, the mushy slope
#: (T_l - T_s)/H_l or 0): see :func:`table_row_extras`.
T_PHI, T_OWNER, T_ICF, T_ICU, T_IHL, T_MUSH = range(NPROP, NPROP + 6)
NTAB = NPROP + 6


def table_row_extras(tab: FloatArray) -> None:
    """Fill the reciprocal columns of a ``(nrows, NTAB)`` material table in place."""
    hl = tab[:, P_HL]
    tab[:, T_ICF] = 1.0 / tab[:, P_CF]
    tab[:, T_ICU] = 1.0 / tab[:, P_CU]
    pos = hl > 0.0
    tab[:, T_IHL] = np.where(pos, 1.0 / np.where(pos, hl, 1.0), 0.0)
    tab[:, T_MUSH] = (tab[:, P_TL] - tab[:, P_TS]) * tab[:, T_IHL]


@numba.njit(cache=True, inline="always")
def _state_row(H: float, tab: Any, q: int) -> tuple[float, float, float]:
    """Temperature, liquid fraction and dT/dH of enthalpy H for row ``q`` of a material
    table (as :func:`_state`, with multiplications by the table's reciprocals)."""
    hl = tab[q, P_HL]
    if H < 0.0:
        return tab[q, P_TS] + H * tab[q, T_ICF], 0.0, tab[q, T_ICF]
    if hl < H:
        return tab[q, P_TL] + (H - hl) * tab[q, T_ICU], 1.0, tab[q, T_ICU]
    f = H * tab[q, T_IHL]
    return tab[q, P_TS] + H * tab[q, T_MUSH], f, tab[q, T_MUSH]


@numba.njit(cache=True, inline="always")
def _cond_row(T: float, fl: float, tab: Any, q: int) -> float:
    kf = tab[q, P_KF]
    pe = tab[q, P_PICE]
    if pe != 0.0:
        kf = kf * (KELVIN / (T + KELVIN)) ** pe
    return fl * tab[q, P_KU] + (1.0 - fl) * kf


def make_temperature_3d(parallel: bool = True) -> Any:
    """A jitted ``temperature_3d(H, row, table, T)``: T from H for a 3-D field whose cell
    ``c`` has the properties of ``table[row[c]]``."""

    @numba.njit(cache=True, parallel=parallel)
    def temperature_3d(H: Any, row: Any, tab: Any, T: Any) -> None:
        _ = parallel  # in the closure, hence in the cache key (see 'Cache key' above)
        n0, n1, n2 = H.shape
        for i in numba.prange(n0):
            for j in range(n1):
                for m in range(n2):
                    t, _f, _d = _state_row(H[i, j, m], tab, row[i, j, m])
                    T[i, j, m] = t

    return temperature_3d


def make_axis_solver(
    max_iter: int = 60, tol: float = 1e-3, parallel: bool = True, k_refresh: int = 1
) -> Any:
    """A jitted implicit solver for every grid line along one axis of a 3-D field on a
    tensor-product (possibly non-uniform) grid, in place:
    ``solve_axis(H, row, table, d0, d1, d2, axis, dt, src_w, g, qp, t_drive, r_far,
    t_far, acc) -> iterations``.

    Same algorithm as :func:`make_line_solver` (backward Euler in enthalpy, Newton on H
    with conductivities and the perfusion switch lagged at the start of the step, the
    kink safeguards, the same convergence test on the largest update ``tol``), with:

    - the geometry of a tensor-product grid (``d0, d1, d2`` cell widths, m): a line along
      ``axis`` at cross-section ``(a, b)`` has the face area ``d_a d_b``, which divides
      out of its equations (they are written per unit area, cell volume -> width);
    - cell properties from a small table (``row`` an int32 index per cell into
      ``table (nrows, NTAB)``), so a mixed probe/tissue cell is one row;
    - sources weighted by ``src_w`` (the splitting share): tissue perfusion and metabolic
      heat (times the liquid fraction at the start of the step, as in the 1-D solver)
      and the probe coupling ``phi (g[owner] (t_drive - T) + qp[owner])`` (W/m3: ``phi``
      the weight of the cell in its probe, ``g`` per probe, W/m3 K, ``qp`` a fixed heat
      source per probe, W/m3, negative: a probe at its power ceiling), not switched off
      by freezing;
    - both outer faces at ``t_far`` through a resistance ``r_far`` (0 Dirichlet, inf
      adiabatic);
    - a line whose Newton update left every cell inside the branch of T(H) it started in
      (none on a kink, no damping) was solved exactly (T(H) is linear on a branch, the
      conductivities are lagged), so it stops after that one iteration instead of
      spending a second one to see a zero update: lines away from the phase change cost
      one tridiagonal solve;
    - lines spread over threads (``prange`` over the first cross-section index); each
      thread writes its own lines and its own row of ``acc``, so the result is the same
      bits with any number of threads.

    ``acc (n_a, 4)`` receives, per first cross-section index, the heat flows (W) into the
    tissue through the low and high outer faces, from the tissue sources and from the
    probes, evaluated at the final temperatures. Returns the most Newton iterations any
    line took, ``max_iter + 1`` if one stopped at the cap unconverged.

    ``k_refresh``: after Newton has converged with the conductivities of the start of the
    step, a line where a cell's liquid fraction changed (or, with a temperature-dependent
    ice conductivity, its temperature moved by more than 0.5 K) takes its conductivities
    from the new state and is solved again, up to ``k_refresh`` times (a fixed number of
    Picard passes, not iterated to convergence: see "Time scheme and why"). On issue 14's
    case it moved the volumes by under 1 %, far less than the splitting's time-step error
    (docs/physics/design.md); ``simulate_3d`` passes 0 unless asked.
    """
    damp_after = _DAMP_AFTER
    n_refresh = int(k_refresh)

    @numba.njit(cache=True, parallel=parallel, error_model="numpy")
    def solve_axis(
        H: Any,
        row: Any,
        tab: Any,
        d0: Any,
        d1: Any,
        d2: Any,
        axis: int,
        dt: float,
        src_w: float,
        g: Any,
        qp: Any,
        t_drive: float,
        r_far: float,
        t_far: float,
        acc: Any,
    ) -> int:
        _ = parallel  # in the closure, hence in the cache key (see 'Cache key' above)
        _ = n_refresh
        n0, n1, n2 = H.shape
        if axis == 0:
            n, na, nb = n0, n1, n2
            dl, da, db = d0, d1, d2
        elif axis == 1:
            n, na, nb = n1, n0, n2
            dl, da, db = d1, d0, d2
        else:
            n, na, nb = n2, n0, n1
            dl, da, db = d2, d0, d1
        iters = np.zeros(na, np.int64)
        for ia in numba.prange(na):
            h = np.empty(n)
            h0 = np.empty(n)
            q = np.empty(n, np.int64)
            T = np.empty(n)
            th = np.empty(n)
            ws = np.empty(n)  # dt src_w d (fl0 wcb + phi g): the sources are w0 - ws T
            w0 = np.empty(n)  # dt src_w d (fl0 (wcb t_a + q_m) + phi g t_drive)
            Kf = np.empty(n)
            c = np.empty(n)
            r = np.empty(n)
            ib_ = np.empty(n)
            fk = np.empty(n)
            tk = np.empty(n)
            worst = 0
            s_lo = 0.0
            s_hi = 0.0
            s_src = 0.0
            s_prb = 0.0
            for ib in range(nb):
                for i in range(n):
                    if axis == 0:
                        v = H[i, ia, ib]
                        qq = row[i, ia, ib]
                    elif axis == 1:
                        v = H[ia, i, ib]
                        qq = row[ia, i, ib]
                    else:
                        v = H[ia, ib, i]
                        qq = row[ia, ib, i]
                    h[i] = v
                    h0[i] = v
                    q[i] = qq
                for i in range(n):
                    qi = q[i]
                    t, f, d = _state_row(h0[i], tab, qi)
                    T[i] = t
                    th[i] = d
                    fk[i] = f
                    tk[i] = t
                    own = int(tab[qi, T_OWNER])
                    ps = 0.0
                    pq = 0.0
                    if own >= 0:
                        ps = tab[qi, T_PHI] * g[own]
                        pq = tab[qi, T_PHI] * qp[own]
                    sw = f * tab[qi, P_WCB]
                    wv = dt * src_w * dl[i]
                    ws[i] = wv * (sw + ps)
                    w0[i] = wv * (sw * tab[qi, P_TA] + f * tab[qi, P_QM] + ps * t_drive + pq)
                    Kf[i] = 0.5 * dl[i] / _cond_row(t, f, tab, qi)  # half-cell resistance
                Gl = 1.0 / (r_far + Kf[0])
                Gr = 1.0 / (r_far + Kf[n - 1])
                for i in range(n - 1):
                    Kf[i] = 1.0 / (Kf[i] + Kf[i + 1])
                rk = 0
                while True:  # Picard passes on the conductivities
                    it = 0
                    converged = False
                    while True:
                        if it > 0:
                            for i in range(n):
                                t, _f, d = _state_row(h[i], tab, q[i])
                                T[i] = t
                                th[i] = d
                        if converged or it == max_iter:
                            break
                        it += 1
                        # residual; on a kink of T(H), the slope of the side the update
                        # goes to
                        for i in range(n):
                            qi = q[i]
                            hv = h[i]
                            flow = w0[i] - ws[i] * T[i]
                            if i > 0:
                                flow += dt * Kf[i - 1] * (T[i - 1] - T[i])
                            else:
                                flow += dt * Gl * (t_far - T[i])
                            if i < n - 1:
                                flow += dt * Kf[i] * (T[i + 1] - T[i])
                            else:
                                flow += dt * Gr * (t_far - T[i])
                            ri = flow - dl[i] * (hv - h0[i])
                            r[i] = ri
                            if hv == 0.0 and ri < 0.0:
                                th[i] = tab[qi, T_ICF]
                            elif hv == tab[qi, P_HL] and ri > 0.0:
                                th[i] = tab[qi, T_ICU]
                        # Jacobian (tridiagonal M-matrix) and Thomas elimination in one pass:
                        # c holds the upper diagonal, ib_ the reciprocal pivots
                        for i in range(n):
                            kl = dt * (Kf[i - 1] if i > 0 else Gl)
                            kr = dt * (Kf[i] if i < n - 1 else Gr)
                            diag = dl[i] + (ws[i] + kl + kr) * th[i]
                            c[i] = -kr * th[i + 1] if i < n - 1 else 0.0
                            if i > 0:
                                m = -kl * th[i - 1] * ib_[i - 1]
                                diag -= m * c[i - 1]
                                r[i] -= m * r[i - 1]
                            ib_[i] = 1.0 / diag
                        r[n - 1] *= ib_[n - 1]
                        for i in range(n - 2, -1, -1):
                            r[i] = (r[i] - c[i] * r[i + 1]) * ib_[i]
                        big = 0.0
                        exact = it <= damp_after
                        for i in range(n):
                            old = h[i]
                            step = r[i]
                            if it > damp_after:
                                step *= 0.5
                            new = old + step
                            hli = tab[q[i], P_HL]
                            gn = 0 if new < 0.0 else (2 if new > hli else 1)
                            go = 0 if old < 0.0 else (2 if old > hli else 1)
                            if old == 0.0 or old == hli:
                                exact = False
                            elif gn != go:
                                exact = False
                                if go == 0:
                                    new = 0.0
                                elif go == 2:
                                    new = hli
                                elif gn == 0:
                                    new = 0.0
                                else:
                                    new = hli
                            h[i] = new
                            dd = abs(new - old)
                            if dd > big:
                                big = dd
                        if big <= tol or exact:
                            converged = True
                    if not converged:
                        it = max_iter + 1
                    if it > worst:
                        worst = it
                    if not converged or rk >= n_refresh:
                        break
                    rk += 1
                    changed = False
                    for i in range(n):
                        qi = q[i]
                        t, f, _d = _state_row(h[i], tab, qi)
                        if f != fk[i] or (tab[qi, P_PICE] != 0.0 and abs(t - tk[i]) > 0.5):
                            changed = True
                            break
                    if not changed:
                        break
                    for i in range(n):
                        qi = q[i]
                        t, f, _d = _state_row(h[i], tab, qi)
                        fk[i] = f
                        tk[i] = t
                        Kf[i] = 0.5 * dl[i] / _cond_row(t, f, tab, qi)
                    Gl = 1.0 / (r_far + Kf[0])
                    Gr = 1.0 / (r_far + Kf[n - 1])
                    for i in range(n - 1):
                        Kf[i] = 1.0 / (Kf[i] + Kf[i + 1])
                area = da[ia] * db[ib]
                src = 0.0
                prb = 0.0
                for i in range(n):
                    qi = q[i]
                    own = int(tab[qi, T_OWNER])
                    if own >= 0:
                        prb += dl[i] * tab[qi, T_PHI] * (g[own] * (t_drive - T[i]) + qp[own])
                    src += w0[i] - ws[i] * T[i]  # all sources, times dt
                    if axis == 0:
                        H[i, ia, ib] = h[i]
                    elif axis == 1:
                        H[ia, i, ib] = h[i]
                    else:
                        H[ia, ib, i] = h[i]
                s_lo += area * Gl * (t_far - T[0])
                s_hi += area * Gr * (t_far - T[n - 1])
                s_src += area * (src / dt - src_w * prb)
                s_prb += area * src_w * prb
            iters[ia] = worst
            acc[ia, 0] = s_lo
            acc[ia, 1] = s_hi
            acc[ia, 2] = s_src
            acc[ia, 3] = s_prb
        return iters.max() if na > 0 else 0

    return solve_axis
