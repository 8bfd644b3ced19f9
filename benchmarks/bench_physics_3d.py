"""3-D solver throughput: the code path :func:`simulate_3d` runs, against this machine's
copy bandwidth measured in the same run.

**What is timed (headline).** ``cryoneuro.physics.solver3d.simulate_3d``, the only 3-D
entry point (nothing else in the package, the planner included, runs a 3-D solve; the
planner runs the axisymmetric ``simulate``, see ``bench_physics_axisymmetric.py`` and
``bench_planner.py``). Each time step of ``simulate_3d`` is a Strang-split backward-Euler
step, five sweeps x/2, y/2, z, y/2, x/2, each a batch of independent tridiagonal Newton
line solves by the numba kernel ``cryoneuro.physics.kernels.make_line_solver`` (the
same kernel as the axisymmetric solver), with numpy glue between sweeps (line copies
``_lines``/``_unlines``, the probe-heat bookkeeping through ``kernels.temperature_np``).
One probe (16 G, N2O, soft tissue), a real run of 20 one-second steps after a 2-step
warm-up (compilation / numba cache load); cell-steps/s = cells x steps / wall time.

**Bytes per cell-step counted for the bound: 680 B.** The compulsory memory traffic of
the line-solver kernel, counted as the copy counts it (bytes read + bytes written, each
array streamed once per sweep: a line's working set, ~70 cells x 10 scratch arrays,
stays in L1/L2 across Newton iterations, so iterations add no memory traffic): per cell
and per sweep it reads the start-of-sweep enthalpy H0 (8 B), the current H (8 B), the
cell volume V (8 B), one face area A (8 B), the forcing F (8 B) and 11 of the 13 float64
property planes the kernel touches (``P_CF P_CU P_TS P_TL P_HL P_KF P_KU P_PICE P_WCB
P_TA P_QM``: 88 B), and writes H (8 B): 136 B per cell-sweep, x 5 sweeps = 680 B per
cell-step. The glue's own copies (about 48 B per cell-sweep more, plus the numpy
temporaries of ``temperature_np``) are *not* counted: they are avoidable overhead, not
compulsory traffic, so the bound is the kernel's and the ratio says how far the whole
path is from moving only what the kernel must. bound = copy bandwidth / 680 B.

**Baseline, same run:** ``np.copyto`` of 256 MiB (best of 5), bytes/s = 2 x size / time.
Each of ``ROUNDS`` rounds measures the copy and then the solver back to back and takes
the ratio; the table gives the median and the range (the machine is shared). The
default grid (50 x 50 x 70 cells, h 0.4 mm; property planes 3 x 18 MiB) fits in this
machine's last-level cache (lscpu: 480 MiB L3) while the 256 MiB copy does not, so its
ratio is flattered; the 1.4 M-cell row (h 0.2 mm, ~1.3 GiB of arrays) is out of cache.

The split between the kernel and the glue is measured by timing every call of the
kernel inside the same ``simulate_3d`` runs (a thin wrapper put in
``solver3d._SOLVERS``); the kernel's own rate is reported against the same 680 B bound.

**Secondary, clearly not the user path:** ``kernels.make_explicit_3d``, a fused explicit
stencil that ``simulate_3d`` never calls (kept for the kernel-reproducibility tests):
one line, its two-pass traffic of 57 B per cell update, 160^3 cells, serial float32
faces. Run: ``PYTHONPATH=src python benchmarks/bench_physics_3d.py``.

**Since the graded-grid solver (issue 14 §1)** ``simulate_3d`` sweeps with
``kernels.make_axis_solver`` (in place on the 3-D field, a property table indexed per
cell, no line copies); this benchmark wraps that kernel. The 680 B count above was made
for the former ``make_line_solver`` path and has not been recounted for the new kernel:
read the ratios to the bound as indicative. ``benchmarks/bench_solver3d.py`` times the
issue-14 case.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import numpy as np

BYTES_PER_CELL_STEP = 680  # 5 sweeps x 136 B (see the module docstring)
BYTES_PER_CELL_SWEEP = 136
EXPLICIT_BYTES_PER_UPDATE = 57
ROUNDS = 5
STEPS = 20


def copy_bandwidth(mib: int = 256, repeats: int = 5) -> float:
    src = np.ones(mib * 2**20 // 8)
    dst = np.empty_like(src)
    best = np.inf
    for _ in range(repeats):
        t = time.perf_counter()
        np.copyto(dst, src)
        best = min(best, time.perf_counter() - t)
    return 2.0 * src.nbytes / best


class _TimedKernel:
    """Wraps the jitted line solver: counts the seconds spent inside it."""

    def __init__(self, fn: Any) -> None:
        self.fn = fn
        self.seconds = 0.0
        self.calls = 0

    def __call__(self, *args: Any) -> Any:
        t = time.perf_counter()
        out = self.fn(*args)
        self.seconds += time.perf_counter() - t
        self.calls += 1
        return out


def simulate_3d_rate(h: float, steps: int) -> tuple[float, float, int, float]:
    """(cell-steps/s of simulate_3d, share of the wall time inside the line-solver
    kernel, cells, wall seconds) for one probe, ``steps`` one-second steps."""
    from cryoneuro.physics import probe_preset, solver3d
    from cryoneuro.physics.kernels import make_axis_solver
    from cryoneuro.physics.solver3d import Cartesian3D, ProbePlacement, simulate_3d

    geom = Cartesian3D(half_width=0.01, z_min=-0.01, z_max=0.018, h=h)
    placement = [ProbePlacement(probe_preset("16g"))]
    simulate_3d(placement, protocol="2", geometry=geom)  # compile / load the cache
    key = (1e-3, 60, 0)  # simulate_3d's default newton_tol, max_newton, conductivity_refresh
    timed = _TimedKernel(make_axis_solver(60, 1e-3, parallel=True, k_refresh=0))
    saved = solver3d._SOLVERS.get(key)
    solver3d._SOLVERS[key] = timed
    try:
        t = time.perf_counter()
        res = simulate_3d(placement, protocol=f"{steps}", geometry=geom)
        wall = time.perf_counter() - t
    finally:
        if saved is not None:
            solver3d._SOLVERS[key] = saved
        else:
            solver3d._SOLVERS.pop(key, None)
    cells = int(res.min_temperature.size)
    return cells * steps / wall, timed.seconds / wall, cells, wall


def explicit_rate(n: int = 160, steps: int = 10) -> float:
    from cryoneuro.physics import TISSUES
    from cryoneuro.physics.kernels import enthalpy_np, make_explicit_3d, tissue_vector

    tissue = TISSUES["soft_tissue"]
    shape = (n, n, n)
    p = tissue_vector(tissue)[:, None, None, None] * np.ones((1, 1, 1, 1))
    rng = np.random.default_rng(0)
    H = np.ascontiguousarray(enthalpy_np(rng.uniform(-80.0, 37.0, size=shape), p))
    out, T, K = np.empty(shape), np.empty(shape), np.empty(shape)
    fixed = np.zeros(shape, bool)
    h = 5e-4
    dt = 0.2 * h * h * 1.796e6 / (6 * 2.0)
    step = make_explicit_3d(tissue, h, dt)
    step(H, out, T, K, fixed)
    best = np.inf
    for _ in range(3):
        t = time.perf_counter()
        for _ in range(steps // 2):
            step(H, out, T, K, fixed)
            step(out, H, T, K, fixed)
        best = min(best, time.perf_counter() - t)
    return H.size * steps / best


def _fmt(q: list[float]) -> str:
    return f"{statistics.median(q):>8.3f} ({min(q):.3f}-{max(q):.3f})"


def main() -> None:
    bws: list[float] = []
    rates: list[float] = []
    ratios: list[float] = []
    shares: list[float] = []
    kernel_ratios: list[float] = []
    cells = 0
    for _ in range(ROUNDS):
        bw = copy_bandwidth()
        rate, share, cells, _wall = simulate_3d_rate(4e-4, STEPS)
        bws.append(bw)
        rates.append(rate)
        ratios.append(rate * BYTES_PER_CELL_STEP / bw)
        shares.append(share)
        kernel_ratios.append(rate / share * BYTES_PER_CELL_STEP / bw)
    bw_big = copy_bandwidth()
    rate_big, share_big, cells_big, wall_big = simulate_3d_rate(2e-4, 6)
    bw_exp = copy_bandwidth()
    exp = explicit_rate()

    bw = statistics.median(bws)
    print("3-D solver throughput, the path users run: simulate_3d")
    print(
        "  = Strang-split backward Euler, 5 sweeps/step (x/2 y/2 z y/2 x/2) of Newton line "
        "solves by kernels.make_axis_solver (in place on the 3-D field)"
    )
    print(
        f"  bound = copy bandwidth / {BYTES_PER_CELL_STEP} B per cell-step "
        f"(kernel's compulsory traffic: {BYTES_PER_CELL_SWEEP} B per cell-sweep x 5: read H0, H, "
        "V, A, F, 11 property planes; write H)"
    )
    print(
        f"{'figure (median of ' + str(ROUNDS) + ' rounds, min-max)':<62} {'value':>12}  ratio to bound"
    )
    print(
        f"{'array copy bandwidth, 256 MiB (GB/s, read + write)':<62} {bw / 1e9:>12.2f}"
        f"  ({min(bws) / 1e9:.1f}-{max(bws) / 1e9:.1f} GB/s)"
    )
    print(
        f"{f'bandwidth bound (cell-steps/s at {BYTES_PER_CELL_STEP} B)':<62} "
        f"{bw / BYTES_PER_CELL_STEP:>12.3e}      1.000"
    )
    print(
        f"{f'simulate_3d, {cells} cells, {STEPS} steps of 1 s (cell-steps/s)':<62} "
        f"{statistics.median(rates):>12.3e}  {_fmt(ratios)}"
    )
    print(
        f"{'  of which inside kernels.make_axis_solver (share of wall time)':<62} "
        f"{statistics.median(shares):>12.2f}"
    )
    print(
        f"{'  the kernel alone (cell-steps/s it would give with no glue)':<62} "
        f"{statistics.median(rates) / statistics.median(shares):>12.3e}  {_fmt(kernel_ratios)}"
    )
    print(
        f"{f'simulate_3d, {cells_big} cells, out of cache, 6 steps (one run)':<62} "
        f"{rate_big:>12.3e}  {rate_big * BYTES_PER_CELL_STEP / bw_big:>8.3f}"
        f"  (kernel share {share_big:.2f}, {wall_big:.1f} s)"
    )
    print(
        "secondary, NOT called by simulate_3d or the planner: kernels.make_explicit_3d "
        f"(explicit stencil, 160^3, serial, float32 faces, {EXPLICIT_BYTES_PER_UPDATE} B/update): "
        f"{exp:.3e} cell updates/s = {exp * EXPLICIT_BYTES_PER_UPDATE / bw_exp:.2f} of its bound"
    )


if __name__ == "__main__":
    main()
