"""Single probe, axisymmetric, protocol 2x120/60, 0.1 mm cells at the probe.

Path timed: ``cryoneuro.physics.simulate()`` with its defaults, i.e. ``solver._loop`` with
``scheme="implicit"``: Strang-split backward Euler (r/2, z, r/2 line sweeps) by the numba
kernel ``kernels.make_line_solver``. That is what ``cryoneuro freeze`` runs, and what the
planner runs (on a coarser grid, dt 2 s: ``bench_planner.py`` times ``make_plan``). The
unsplit ``scheme="coupled"`` (``coupled.step``: sparse Newton, SuperLU), which
``scheme="auto"`` and the planner's decision runs use near the ends of the active
segment (issue 12 §4), is timed on the same grid as a secondary line.

Figures: warm wall time (median of 7 runs in this process), cold start in a fresh
process with the numba cache already filled (import + cache load + run), and a first
ever run compiling into an empty cache. Baselines measured in the same run: the 0.5 s
target of issue 3, and the explicit scheme on the same grid (timed over 10 s of the
protocol and extrapolated linearly to 300 s). Run: ``python benchmarks/bench_physics_axisymmetric.py``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

TARGET_S = 0.5
SNIPPET = (
    "import time; t = time.perf_counter(); "
    "from cryoneuro.physics import simulate; "
    "r = simulate('16g', 'n2o', 'muscle', '2x120/60'); "
    "print(time.perf_counter() - t)"
)


def fresh_process(cache_dir: str | None) -> float:
    env = dict(os.environ)
    if cache_dir is not None:
        env["NUMBA_CACHE_DIR"] = cache_dir
    t = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", SNIPPET], env=env, capture_output=True, text=True, check=True
    )
    wall = time.perf_counter() - t
    del out
    return wall


def main() -> None:
    from cryoneuro.physics import Axisymmetric, LayeredTissue, probe_preset, simulate, tissue_preset
    from cryoneuro.physics.model import build_model
    from cryoneuro.physics.solver import explicit_dt

    simulate("16g", "n2o", "muscle", "2x120/60")  # compile / load the cache
    walls = []
    res = None
    for _ in range(7):
        t = time.perf_counter()
        res = simulate("16g", "n2o", "muscle", "2x120/60")
        walls.append(time.perf_counter() - t)
    warm = statistics.median(walls)
    assert res is not None
    cells = int(res.tissue_mask.sum())
    steps = len(res.step_times) - 1

    t = time.perf_counter()
    simulate("16g", "n2o", "muscle", "10", scheme="explicit", output_interval=10)
    explicit_10 = time.perf_counter() - t
    probe = probe_preset("16g")
    model = build_model(
        Axisymmetric(),
        LayeredTissue.uniform(tissue_preset("muscle")),
        probe.radius,
        probe.active_length,
        37.0,
    )
    dt_exp = explicit_dt(model)
    explicit_300 = explicit_10 * 30.0
    t = time.perf_counter()
    simulate("16g", "n2o", "muscle", "2x120/60", scheme="coupled")
    coupled = time.perf_counter() - t

    with tempfile.TemporaryDirectory() as empty:
        first_ever = fresh_process(empty)
        cached = fresh_process(empty)
    print("axisymmetric single probe, 16 G N2O in muscle, 2x120/60, h_min 0.1 mm")
    print(
        "path timed: simulate() -> solver._loop, scheme 'implicit' (Strang-split line sweeps, "
        "kernels.make_line_solver): what `cryoneuro freeze` and the planner run"
    )
    print(
        f"grid: {cells} tissue cells, {steps} implicit steps of 1 s (explicit stable step {dt_exp * 1e3:.2f} ms)"
    )
    print(f"{'figure':<48} {'seconds':>9} {'ratio':>22}")
    print(
        f"{'warm run (median of 7)':<48} {warm:>9.3f} {warm / TARGET_S:>10.2f} of the 0.5 s target"
    )
    print(
        f"{'cold start, fresh process, cache filled':<48} {cached:>9.3f} {cached / warm:>10.1f} x warm"
    )
    print(
        f"{'first run ever, fresh process, empty cache':<48} {first_ever:>9.3f} {first_ever / warm:>10.1f} x warm"
    )
    print(
        f"{'explicit scheme, same grid (extrapolated)':<48} {explicit_300:>9.1f} {explicit_300 / warm:>10.0f} x slower"
    )
    print(
        f"{'coupled (unsplit) scheme, same grid, one run':<48} {coupled:>9.2f} {coupled / warm:>10.0f} x slower"
        "  (used near the segment ends)"
    )


if __name__ == "__main__":
    main()
