"""Planar two-phase Stefan problem: cryoneuro vs FiPy to the same accuracy.

Problem: CRYO-SET tissue (k 0.5/2.0 W/m K, C 3.6/1.796 MJ/m3 K, L 250 MJ/m3) with its
phase change narrowed to -0.5..+0.5 degC, initially at 37 degC, surface held at -80 degC
from t = 0, 40 mm slab, 300 s. Accuracy: frozen thickness (integral of the solid
fraction) against the Neumann front X(300 s). Accuracy ladder: each code runs the same
ladder of grids (cells x sqrt(2) per rung, dt proportional to h); for each target front
error (0.5 %, 1 %, 2 %) the table gives the coarsest grid *from which every finer rung
stays within the target* (the first rung that reaches it, when coarser, is shown too:
the error is not monotone in the grid, FiPy's least of all) and its wall time, and the
ratio of the two codes' times. cryoneuro timings are the best of 3 runs, FiPy's one run.

Path timed for cryoneuro: ``simulate(..., geometry=Planar1D)`` with the default
``scheme="implicit"`` (the 1-D case of the solver users run: backward Euler in enthalpy
form by ``kernels.make_line_solver``, no splitting in 1-D).

FiPy (from requirements-bench.lock) uses the apparent-heat-capacity form
C_app(T) dT/dt = div(k(T) grad T), the secant heat capacity refreshed on each of 4 sweeps
per step (its usual way to handle nonlinear coefficients); its ladder stops at 400 cells
(cost ~ cells^2: about a minute there), so "stays within" means up to 400 cells for it.
Run: ``PYTHONPATH=src python benchmarks/bench_physics_fipy.py``.
"""

from __future__ import annotations

import math
import time

import numpy as np

from cryoneuro.physics import (
    Planar1D,
    PrescribedSurfaceTemperature,
    Protocol,
    Tissue,
    neumann_stefan,
    simulate,
)

TARGETS = (0.005, 0.01, 0.02)
TS, TL = -0.5, 0.5
TISSUE = Tissue(
    "stefan", 0.5, 2.0, 3.6e6, 1.796e6, 250e6, TS, TL, perfusion=0.0, metabolic_heat=0.0
)
EXACT = neumann_stefan(2.0, 1.796e6, 0.5, 3.6e6, 250e6, 0.0, -80.0, 37.0)
X = float(EXACT.front(300.0))
LENGTH, T_END = 0.04, 300.0


def frozen(T: np.ndarray, dx: np.ndarray) -> float:
    fl = np.clip((T - TS) / (TL - TS), 0.0, 1.0)
    return float(np.sum((1.0 - fl) * dx))


def run_cryoneuro(n: int) -> tuple[float, float]:
    h = LENGTH / n
    t = time.perf_counter()
    res = simulate(
        "16g",
        "n2o",
        TISSUE,
        Protocol.freeze(T_END),
        boundary=PrescribedSurfaceTemperature.constant(-80.0),
        geometry=Planar1D(length=LENGTH, h_min=h),
        initial_temperature=37.0,
        dt=2.0 * h / 8e-4,
        output_interval=T_END,
    )
    el = time.perf_counter() - t
    return el, (frozen(res.temperature[-1, 0], np.diff(res.r_faces)) - X) / X


def _enthalpy(T: np.ndarray) -> np.ndarray:
    cm = 0.5 * (3.6e6 + 1.796e6)
    hl = cm * (TL - TS) + 250e6
    return np.where(
        T <= TS,
        1.796e6 * (T - TS),
        np.where(T >= TL, hl + 3.6e6 * (T - TL), (T - TS) * (cm + 250e6 / (TL - TS))),
    )


def _conductivity(T: np.ndarray) -> np.ndarray:
    fl = np.clip((T - TS) / (TL - TS), 0.0, 1.0)
    return fl * 0.5 + (1.0 - fl) * 2.0


def run_fipy(n: int, sweeps: int = 4) -> tuple[float, float]:
    """FiPy with the secant apparent heat capacity C = (H(T) - H(T_old)) / (T - T_old)
    (Morgan et al.), refreshed every sweep, so the latent heat is not skipped."""
    import fipy as fp

    h = LENGTH / n
    dt = 2.0 * h / 8e-4
    t = time.perf_counter()
    mesh = fp.Grid1D(nx=n, dx=h)
    T = fp.CellVariable(mesh=mesh, value=37.0, hasOld=True)
    T.constrain(-80.0, mesh.facesLeft)
    T.constrain(37.0, mesh.facesRight)
    k = fp.CellVariable(mesh=mesh, value=0.5)
    c = fp.CellVariable(mesh=mesh, value=3.6e6)
    eq = fp.TransientTerm(coeff=c) == fp.DiffusionTerm(coeff=k.harmonicFaceValue)
    steps = round(T_END / dt)
    for _ in range(steps):
        T.updateOld()
        told = np.array(T.old.value)
        hold = _enthalpy(told)
        for _ in range(sweeps):
            tv = np.array(T.value)
            diff = tv - told
            small = np.abs(diff) < 1e-6
            secant = (_enthalpy(tv) - hold) / np.where(small, 1.0, diff)
            tangent = np.where(tv < TS, 1.796e6, np.where(tv > TL, 3.6e6, 250e6 / (TL - TS)))
            c.setValue(np.where(small, tangent, secant))
            k.setValue(_conductivity(tv))
            eq.sweep(var=T, dt=dt)
    el = time.perf_counter() - t
    return el, (frozen(np.asarray(T.value), np.full(n, h)) - X) / X


LADDER = (50, 71, 100, 141, 200, 283, 400, 566, 800, 1131, 1600)
FIPY_LADDER = LADDER[:7]  # FiPy's cost grows as cells^2 (dt proportional to h): 400 cells ~ 1 min


def ladder(fn, cells, repeats: int = 1):  # type: ignore[no-untyped-def]
    """(cells, best wall time of ``repeats`` runs, signed relative front error)."""
    rows = []
    for n in cells:
        best, err = math.inf, math.nan
        for _ in range(repeats):
            el, err = fn(n)
            best = min(best, el)
        rows.append((n, best, err))
    return rows


def coarsest(rows, target: float):  # type: ignore[no-untyped-def]
    """(first grid within target, coarsest grid from which every finer grid of the
    ladder stays within target); None where the ladder never gets there."""
    first = next((r for r in rows if abs(r[2]) <= target), None)
    stays = None
    for i in range(len(rows) - 1, -1, -1):
        if abs(rows[i][2]) <= target:
            stays = rows[i]
        else:
            break
    return first, stays


def main() -> None:
    run_cryoneuro(50)  # compile (numba cache)
    rows_c = ladder(run_cryoneuro, LADDER, repeats=3)
    rows_f = ladder(run_fipy, FIPY_LADDER)
    print(
        f"planar Stefan, front X(300 s) = {1e3 * X:.3f} mm; grids refined by sqrt(2), "
        "dt = 2 h / 0.8 mm/s (dt proportional to h)"
    )
    print(
        "cryoneuro: simulate(geometry=Planar1D, scheme='implicit'): backward Euler in "
        "enthalpy form, kernels.make_line_solver (1-D: no splitting)"
    )
    print("FiPy 4.0.3: apparent heat capacity, secant C(T), 4 sweeps per step")
    print(f"{'code':<10} {'cells':>6} {'dt (s)':>8} {'wall (s)':>9} {'front error (signed)':>21}")
    for name, rows in (("cryoneuro", rows_c), ("fipy", rows_f)):
        for n, el, err in rows:
            print(f"{name:<10} {n:>6} {2.0 * (LENGTH / n) / 8e-4:>8.3f} {el:>9.3f} {err:>+21.2%}")
    print(
        "\naccuracy ladder: coarsest grid from which every finer grid on the ladder stays "
        "within the target (first grid that reaches it, if coarser, in brackets)"
    )
    head = f"{'target':>7} | {'cryoneuro':>26} | {'FiPy':>26} | {'time FiPy / cryoneuro':>22}"
    print(head)
    for target in TARGETS:
        cells = []
        for rows in (rows_c, rows_f):
            first, stays = coarsest(rows, target)
            if stays is None:
                cells.append((None, f"{'not reached':>26}"))
                continue
            extra = f" [{first[0]}]" if first is not None and first[0] != stays[0] else ""
            cells.append((stays, f"{stays[0]:>5} cells, {stays[1]:>8.3f} s{extra:>7}"))
        (sc, tc), (sf, tf) = cells
        ratio = f"x{sf[1] / sc[1]:.0f}" if sc is not None and sf is not None else "n/a"
        print(f"{target:>7.1%} | {tc} | {tf} | {ratio:>22}")


if __name__ == "__main__":
    main()
