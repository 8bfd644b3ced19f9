"""The 3-D solver on issue 14's case: wall time, ice volumes and grid convergence.

Code path timed: :func:`cryoneuro.physics.solver3d.simulate_3d` (what the planner runs),
two 16 G probes 10 mm apart (tips at x = -5 and +5 mm, shafts along z), N2O, soft tissue,
protocol 2x120/60, the cryogen-limited probe boundary, box 30 x 30 x 32 mm.

Rows:

- ``graded``: :meth:`GradedGrid3D.around` with the planner's defaults (``GRADED``), then
  the same grid twice as fine (every spacing halved, the growth ratio square-rooted: 8x
  the cells); the convergence figure is the relative change of the ice volume (0 degC)
  and of the -20 degC volume from the grid to the grid twice as fine (goal: within 2 %);
- the planner grid again at dt 0.5 and 0.25 s: the time-step error, which on this case
  is larger than the grid error (see docs/physics/design.md);
- ``uniform`` (``--uniform``): the uniform grid of the issue (h 0.5 and 0.35 mm), the
  staircase probe (``probe_fraction="centre"``), the same kernels: the old
  representation on the new solver.

Throughput: cell-steps/s (cells x time steps / wall time) against the copy bandwidth
measured in the same run (``np.copyto`` of 256 MiB, best of 5, bytes read + written).
Bytes counted per cell-step, the minimum traffic of one step: five line sweeps, each
reading H (8 B) and the material index (4 B) and writing H (8 B), 20 B each; the
temperature pass (read H and the index, write T: 20 B) and the running minimum (read T
and T_min, write T_min: 24 B): 144 B. The bound is bandwidth / 144 cell-steps/s. The
machine is shared: the table prints the load average and the process CPU time beside
the wall time (wall > CPU / threads means the process waited for a core).

Run: ``python benchmarks/bench_solver3d.py [--uniform] [--threads N]``.
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

import numba
from bench_physics_3d import copy_bandwidth  # the same copy-bandwidth baseline

from cryoneuro.physics import probe_preset
from cryoneuro.physics.solver3d import (
    Cartesian3D,
    GradedGrid3D,
    ProbePlacement,
    simulate_3d,
)

BYTES_PER_CELL_STEP = 144
#: the planner's grid for this case (GradedGrid3D.around keyword arguments)
GRADED: dict[str, float] = {"h_fine": 3e-4, "h_along": 8e-4, "h_max": 2e-3, "ratio": 1.25}
BOX = {"half_width": 0.015, "z_min": -0.012, "z_max": 0.02}


def placements() -> list[ProbePlacement]:
    p = probe_preset("16g")
    return [ProbePlacement(p, tip=(-5e-3, 0.0, 0.0)), ProbePlacement(p, tip=(5e-3, 0.0, 0.0))]


def graded(scale: float = 1.0) -> GradedGrid3D:
    """The planner's grid, every spacing divided by ``scale`` (ratio to the 1/scale)."""
    return GradedGrid3D.around(
        placements(),
        **BOX,
        h_fine=GRADED["h_fine"] / scale,
        h_along=GRADED["h_along"] / scale,
        h_max=GRADED["h_max"] / scale,
        ratio=GRADED["ratio"] ** (1.0 / scale),
    )


def run(geometry: Any, **kw: Any) -> dict[str, Any]:
    t = time.perf_counter()
    c = time.process_time()
    res = simulate_3d(placements(), "n2o", "soft_tissue", "2x120/60", geometry=geometry, **kw)
    wall = time.perf_counter() - t
    cpu = time.process_time() - c
    cells = res.min_temperature.size
    steps = len(res.probe_power_w)
    return {
        "cells": cells,
        "steps": steps,
        "wall": wall,
        "cpu": cpu,
        "ice": res.iceball_volume(0.0) * 1e9,
        "ice20": res.iceball_volume(-20.0) * 1e9,
        "rate": cells * steps / wall,
        "imbalance": res.energy["relative_imbalance"],
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--uniform", action="store_true", help="also the issue's uniform grids")
    ap.add_argument("--threads", type=int, default=0, help="numba threads (default: all)")
    ap.add_argument("--adaptive", action="store_true", help="adaptive time step")
    args = ap.parse_args()
    if args.threads:
        numba.set_num_threads(args.threads)
    kw: dict[str, Any] = {"adaptive": True, "dt": 4.0} if args.adaptive else {}
    # compile / load the kernels outside the timings
    simulate_3d(placements(), protocol="2", geometry=graded(0.4))
    bw = copy_bandwidth()
    rows: list[tuple[str, dict[str, Any]]] = []
    if args.uniform:
        for h in (5e-4, 3.5e-4):
            rows.append(
                (
                    f"uniform h {h * 1e3:.2f} mm, staircase",
                    run(Cartesian3D(**BOX, h=h), probe_fraction="centre"),
                )
            )
    rows.append(("graded (planner grid)", run(graded(1.0), **kw)))
    rows.append(("graded, twice as fine", run(graded(2.0), **kw)))
    rows.append(("graded (planner grid), dt 0.5 s", run(graded(1.0), dt=0.5)))
    rows.append(("graded (planner grid), dt 0.25 s", run(graded(1.0), dt=0.25)))
    bound = bw / BYTES_PER_CELL_STEP
    print("3-D solver, issue 14 case: two 16 G probes 10 mm apart, N2O, 2x120/60")
    print(
        f"code path: simulate_3d; numba threads {numba.get_num_threads()} "
        f"(NUMBA_NUM_THREADS {numba.config.NUMBA_NUM_THREADS}); "
        f"load average {os.getloadavg()[0]:.1f}; steps: {kw or 'dt 1 s'}"
    )
    print(
        f"copy bandwidth {bw / 1e9:.2f} GB/s (256 MiB, best of 5, read + write); bound "
        f"{bound:.3e} cell-steps/s at {BYTES_PER_CELL_STEP} B/cell-step"
    )
    hdr = (
        f"{'grid':<34} {'cells':>8} {'steps':>5} {'wall s':>7} {'cpu s':>7} "
        f"{'ice mm3':>8} {'-20 mm3':>8} {'cell-steps/s':>12} {'/bound':>7} {'energy':>8}"
    )
    print(hdr)
    for name, r in rows:
        print(
            f"{name:<34} {r['cells']:>8} {r['steps']:>5} {r['wall']:>7.2f} {r['cpu']:>7.2f} "
            f"{r['ice']:>8.1f} {r['ice20']:>8.1f} {r['rate']:>12.3e} "
            f"{r['rate'] / bound:>7.4f} {r['imbalance']:>8.1e}"
        )
    pairs = [
        (rows[-4][1], rows[-3][1], "graded vs twice as fine"),
        (rows[-4][1], rows[-1][1], "graded dt 1 s vs dt 0.25 s (time error)"),
        (rows[-2][1], rows[-1][1], "graded dt 0.5 s vs dt 0.25 s"),
    ]
    if args.uniform:
        pairs.insert(0, (rows[0][1], rows[1][1], "uniform 0.5 vs 0.35 mm (issue: -13 %)"))
    for a, b, name in pairs:
        print(
            f"convergence, {name}: ice {100 * (a['ice'] / b['ice'] - 1):+.2f} %, "
            f"-20 degC {100 * (a['ice20'] / b['ice20'] - 1):+.2f} % (goal: within 2 %)"
        )
    print(f"goal: graded grid under 5 s wall; measured {rows[-4][1]['wall']:.2f} s (dt 1 s)")


if __name__ == "__main__":
    main()
