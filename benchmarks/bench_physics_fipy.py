"""Planar two-phase Stefan problem: cryoneuro vs FiPy to the same accuracy.

Problem: CRYO-SET tissue (k 0.5/2.0 W/m K, C 3.6/1.796 MJ/m3 K, L 250 MJ/m3) with its
phase change narrowed to -0.5..+0.5 degC, initially at 37 degC, surface held at -80 degC
from t = 0, 40 mm slab, 300 s. Accuracy: frozen thickness (integral of the solid
fraction) against the Neumann front X(300 s); each code runs a ladder of resolutions
(dt proportional to h) and the first run within TARGET relative error is timed.

FiPy (from requirements-bench.lock) uses the apparent-heat-capacity form
C_app(T) dT/dt = div(k(T) grad T) with 3 sweeps per step (its usual way to handle
nonlinear coefficients). Run: ``python benchmarks/bench_physics_fipy.py``.
"""

from __future__ import annotations

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

TARGET = 0.01
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
    return el, abs(frozen(res.temperature[-1, 0], np.diff(res.r_faces)) - X) / X


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
    return el, abs(frozen(np.asarray(T.value), np.full(n, h)) - X) / X


def first_accurate(fn, ladder):  # type: ignore[no-untyped-def]
    rows = []
    for n in ladder:
        el, err = fn(n)
        rows.append((n, el, err))
        if err < TARGET:
            return rows, (n, el, err)
    return rows, None


def main() -> None:
    run_cryoneuro(50)  # compile (numba cache)
    ladder = [50, 100, 200, 400, 800, 1600]
    rows_c, best_c = first_accurate(run_cryoneuro, ladder)
    rows_f, best_f = first_accurate(run_fipy, ladder[:4])
    print(f"planar Stefan, front X(300 s) = {1e3 * X:.3f} mm, target relative error {TARGET:.0%}")
    print(f"{'code':<10} {'cells':>6} {'dt (s)':>8} {'wall (s)':>9} {'front error':>12}")
    for name, rows in (("cryoneuro", rows_c), ("fipy", rows_f)):
        for n, el, err in rows:
            print(f"{name:<10} {n:>6} {2.0 * (LENGTH / n) / 8e-4:>8.3f} {el:>9.3f} {err:>12.2%}")
    if best_c and best_f:
        print(
            f"\nto reach {TARGET:.0%}: cryoneuro {best_c[1]:.3f} s ({best_c[0]} cells), "
            f"FiPy {best_f[1]:.3f} s ({best_f[0]} cells); speed-up x{best_f[1] / best_c[1]:.0f} "
            f"(goal: >= x10)"
        )
    else:
        print("one code did not reach the target on the ladder")


if __name__ == "__main__":
    main()
