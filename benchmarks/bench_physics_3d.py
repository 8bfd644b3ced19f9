"""3-D explicit enthalpy kernel throughput against this machine's memory bandwidth.

Baseline measured in the same run: a large array copy (``np.copyto`` of 256 MiB, best
of 5), giving bytes/s = 2 x size / time (read + write). The fused kernel
(:func:`cryoneuro.physics.kernels.make_explicit_3d`) makes two passes per step; its
minimum memory traffic per cell update is 57 bytes (pass 1: read H, write T and k =
24 B; pass 2: read H, T, k, the fixed mask, write H' = 33 B), so the bandwidth bound is
bandwidth / 57 cell updates per second. The implicit 3-D solver (Strang-split Newton
line solves, 5 sweeps per step) is reported too. Run: ``python benchmarks/bench_physics_3d.py``.
"""

from __future__ import annotations

import time

import numba
import numpy as np

from cryoneuro.physics import TISSUES
from cryoneuro.physics.kernels import enthalpy_np, make_explicit_3d, tissue_vector

BYTES_PER_UPDATE = 57


def copy_bandwidth(mib: int = 256, repeats: int = 5) -> float:
    src = np.ones(mib * 2**20 // 8)
    dst = np.empty_like(src)
    best = np.inf
    for _ in range(repeats):
        t = time.perf_counter()
        np.copyto(dst, src)
        best = min(best, time.perf_counter() - t)
    return 2.0 * src.nbytes / best


def kernel_rate(n: int = 160, steps: int = 10, parallel: bool = False) -> float:
    tissue = TISSUES["soft_tissue"]
    shape = (n, n, n)
    p = tissue_vector(tissue)[:, None, None, None] * np.ones((1, 1, 1, 1))
    rng = np.random.default_rng(0)
    H = np.ascontiguousarray(enthalpy_np(rng.uniform(-80.0, 37.0, size=shape), p))
    out, T, K = np.empty(shape), np.empty(shape), np.empty(shape)
    fixed = np.zeros(shape, bool)
    h = 5e-4
    dt = 0.2 * h * h * 1.796e6 / (6 * 2.0)
    step = make_explicit_3d(tissue, h, dt, parallel=parallel)
    step(H, out, T, K, fixed)  # compile / load
    best = np.inf
    for _ in range(3):
        t = time.perf_counter()
        for _ in range(steps // 2):
            step(H, out, T, K, fixed)
            step(out, H, T, K, fixed)
        best = min(best, time.perf_counter() - t)
    return H.size * steps / best


def implicit_rate() -> tuple[float, int]:
    from cryoneuro.physics import probe_preset
    from cryoneuro.physics.solver3d import Cartesian3D, ProbePlacement, simulate_3d

    geom = Cartesian3D(half_width=0.01, z_min=-0.01, z_max=0.018, h=4e-4)
    simulate_3d([ProbePlacement(probe_preset("16g"))], protocol="2", geometry=geom)
    t = time.perf_counter()
    res = simulate_3d([ProbePlacement(probe_preset("16g"))], protocol="20", geometry=geom)
    el = time.perf_counter() - t
    cells = res.min_temperature.size
    return cells * 20 / el, cells


def main() -> None:
    bw = copy_bandwidth()
    rate = kernel_rate()
    rate_par = kernel_rate(parallel=True)
    bound = bw / BYTES_PER_UPDATE
    imp, cells = implicit_rate()
    print("3-D kernel throughput vs memory bandwidth (same run)")
    print(f"{'figure':<52} {'value':>14} {'ratio':>16}")
    print(f"{'array copy bandwidth (GB/s, read + write)':<52} {bw / 1e9:>14.2f}")
    print(f"{'bandwidth bound (cell updates/s at 57 B/update)':<52} {bound:>14.3e} {'1.00':>16}")
    print(
        f"{'explicit fused kernel, 160^3 cells (updates/s)':<52} {rate:>14.3e} {rate / bound:>10.2f} of bound"
    )
    threads = numba.get_num_threads()
    print(
        f"{f'same, numba parallel ({threads} threads)':<52} {rate_par:>14.3e} {rate_par / bound:>10.2f} of bound"
    )
    print(f"{'(vs the 16 B/update one-pass ideal: serial, parallel)':<52} {'':>14} "
          f"{rate * 16 / bw:>6.2f}, {rate_par * 16 / bw:.2f}")  # fmt: skip
    print(
        f"{f'implicit 3-D solver, {cells} cells (steps x cells/s)':<52} {imp:>14.3e} {imp / bound:>10.2f} of bound"
    )
    print("goal: explicit kernel >= 0.5 of the bound")


if __name__ == "__main__":
    main()
