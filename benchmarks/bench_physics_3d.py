"""3-D explicit enthalpy kernel throughput against this machine's memory bandwidth.

Baseline measured in the same run: a large array copy (``np.copyto`` of 256 MiB, best
of 5), giving bytes/s = 2 x size / time (read + write). The fused kernel
(:func:`cryoneuro.physics.kernels.make_explicit_3d`) makes two passes per step; its
minimum memory traffic per cell update, counted as the copy counts it (bytes read +
bytes written, no write-allocate), is 57 bytes (pass 1: read H, write T and k = 24 B;
pass 2: read H, T, k, the fixed mask, write H' = 33 B), so the bandwidth bound is
bandwidth / 57 cell updates per second. Each round measures the copy and the kernel
back to back (best of 5 copies, best of 3 ten-step runs) and takes their ratio; the
table gives the median over ``ROUNDS`` rounds (the machine is shared, timings are noisy)
and the range. The 160^3 arrays (7 x 31 MiB) fit in the last-level cache of this
machine (lscpu: 480 MiB L3) while the 256 MiB copy does not, so the 160^3 ratio is
flattered; the 320^3 rows (arrays of 262 MiB) give the out-of-cache figure. The implicit 3-D solver (Strang-split Newton line solves, 5 sweeps per
step) is reported too. Run: ``python benchmarks/bench_physics_3d.py``.
"""

from __future__ import annotations

import time

import numba
import numpy as np

from cryoneuro.physics import TISSUES
from cryoneuro.physics.kernels import enthalpy_np, make_explicit_3d, tissue_vector

BYTES_PER_UPDATE = 57
ROUNDS = 7
BIG_ROUNDS = 3


def copy_bandwidth(mib: int = 256, repeats: int = 5) -> float:
    src = np.ones(mib * 2**20 // 8)
    dst = np.empty_like(src)
    best = np.inf
    for _ in range(repeats):
        t = time.perf_counter()
        np.copyto(dst, src)
        best = min(best, time.perf_counter() - t)
    return 2.0 * src.nbytes / best


def kernel_rate(
    n: int = 160, steps: int = 10, parallel: bool = False, float32_faces: bool = True
) -> float:
    tissue = TISSUES["soft_tissue"]
    shape = (n, n, n)
    p = tissue_vector(tissue)[:, None, None, None] * np.ones((1, 1, 1, 1))
    rng = np.random.default_rng(0)
    H = np.ascontiguousarray(enthalpy_np(rng.uniform(-80.0, 37.0, size=shape), p))
    out, T, K = np.empty(shape), np.empty(shape), np.empty(shape)
    fixed = np.zeros(shape, bool)
    h = 5e-4
    dt = 0.2 * h * h * 1.796e6 / (6 * 2.0)
    step = make_explicit_3d(tissue, h, dt, parallel=parallel, float32_faces=float32_faces)
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
    variants = {
        "explicit kernel, float32 face conductances": {},
        "explicit kernel, all float64": {"float32_faces": False},
        f"float32 faces, numba parallel ({numba.get_num_threads()} threads)": {"parallel": True},
    }
    bws: list[float] = []
    rates: dict[str, list[float]] = {k: [] for k in variants}
    ratios: dict[str, list[float]] = {k: [] for k in variants}
    for _ in range(ROUNDS):
        for name, kw in variants.items():
            bw = copy_bandwidth()
            r = kernel_rate(**kw)
            bws.append(bw)
            rates[name].append(r)
            ratios[name].append(r * BYTES_PER_UPDATE / bw)
    # a grid whose arrays (5 x 262 MiB) cannot stay in the last-level cache
    big: dict[str, list[float]] = {"serial": [], "parallel": []}
    for _ in range(BIG_ROUNDS):
        for name in big:
            b = copy_bandwidth()
            r = kernel_rate(n=320, steps=4, parallel=name == "parallel")
            big[name].append(r * BYTES_PER_UPDATE / b)
    imp, cells = implicit_rate()
    bw = float(np.median(bws))
    print(f"3-D kernel throughput vs memory bandwidth (same run, median of {ROUNDS} rounds)")
    print(
        f"bound = copy bandwidth (bytes read + written) / {BYTES_PER_UPDATE} B per cell update "
        "(two passes: read H, write T, k; read H, T, k, mask, write H)"
    )
    print(f"{'figure':<56} {'median':>11} {'ratio to bound (min-max)':>28}")
    print(
        f"{'array copy bandwidth (GB/s, read + write, 256 MiB)':<56} {bw / 1e9:>11.2f}"
        f"  ({min(bws) / 1e9:.1f}-{max(bws) / 1e9:.1f})"
    )
    print(
        f"{f'bandwidth bound (cell updates/s at {BYTES_PER_UPDATE} B/update)':<56} "
        f"{bw / BYTES_PER_UPDATE:>11.3e} {'1.00':>10}"
    )
    for name in variants:
        q = ratios[name]
        print(
            f"{name + ', 160^3':<56} {np.median(rates[name]):>11.3e} "
            f"{np.median(q):>10.2f} ({min(q):.2f}-{max(q):.2f})"
        )
    for name, q in big.items():
        label = f"float32 faces, {name}, 320^3 (out of cache: 1.3 GiB)"
        print(f"{label:<56} {'':>11} {np.median(q):>10.2f} ({min(q):.2f}-{max(q):.2f})")
    print(
        f"{f'implicit 3-D solver, {cells} cells (steps x cells/s)':<56} {imp:>11.3e} "
        f"{imp * BYTES_PER_UPDATE / bw:>10.3f}"
    )
    print("goal: explicit kernel >= 0.5 of the bound")


if __name__ == "__main__":
    main()
