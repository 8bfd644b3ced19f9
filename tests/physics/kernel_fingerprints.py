"""Fingerprints (SHA-256 of the output bytes) of the physics kernels on fixed inputs.

Printed as JSON. ``test_kernel_reproducibility.py`` runs this script in fresh processes
under several numba code-generation targets (``NUMBA_CPU_NAME`` / ``NUMBA_CPU_FEATURES``,
each with its own ``NUMBA_CACHE_DIR``) and asserts the fingerprints are identical. To
compare two real machines (say the Intel and the AMD CI runners), run it on both and
diff the output::

    PYTHONPATH=src python tests/physics/kernel_fingerprints.py [--variants]

Inputs are small (compile time dominates) but the 3-D rows (nz = 19) are long enough to
run both the vectorised body and the scalar remainder of every inner loop at any vector
width. The line kernels mix tissues whose ice-conductivity exponent is 0 or 1 (water);
other exponents go through the C library's ``pow``, which is not part of the claim (see
the design note).
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

import numba
import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from test_kernels import _random_lines

from cryoneuro.physics import TISSUES
from cryoneuro.physics.kernels import (
    enthalpy_np,
    make_divergence,
    make_explicit_3d,
    make_line_solver,
    make_temperature,
    tissue_vector,
)


def _digest(*arrays: np.ndarray) -> str:
    h = hashlib.sha256()
    for a in arrays:
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()[:24]


def _vector_registers(asm: str) -> list[str]:
    return sorted(set(re.findall(r"%([xyz])mm\d", asm)))


def fingerprints(variants: bool = False, asm: bool = True) -> dict[str, object]:
    """``{"fingerprints": {kernel: {variant: digest}}, "vector_registers": [...]}``.

    Each kernel is run serial on one blocking; with ``variants`` the line solver also in
    parallel at one thread and at ``NUMBA_NUM_THREADS`` threads, and the 3-D
    kernel (float32 faces) on another plane blocking and in parallel: all of a kernel's
    variants are meant to give the same digest. With ``asm``, ``vector_registers`` lists
    the SIMD register kinds (x: 128-bit, y: 256-bit, z: 512-bit) in the serial 3-D
    kernels (numba cannot show the assembly of code loaded from its cache: use a fresh
    ``NUMBA_CACHE_DIR``).
    """
    out: dict[str, dict[str, str]] = {}
    threads = numba.config.NUMBA_NUM_THREADS
    thread_counts = sorted({1, threads})
    # line kernels: mixed tissues (water: ice exponent 1), all end conditions, an empty line
    H0, V, A, hl, hr, props, start, end, bc = _random_lines(3)
    F = np.random.default_rng(3).normal(0.0, 1e-3, size=H0.shape)
    runs = out["lines/solve"] = {}
    for parallel in (False, True) if variants else (False,):
        solve = make_line_solver(max_iter=80, tol=1e-6, parallel=parallel)
        for nt in thread_counts if parallel else [1]:
            numba.set_num_threads(nt)
            res = []
            for dt in (0.01, 50.0):
                H, Q = H0.copy(), np.zeros((H0.shape[0], 3))
                solve(H, H0, V, A, hl, hr, props, start, end, bc, dt, True, Q, F)
                res += [H, Q]
            runs[f"parallel, {nt} threads" if parallel else "serial"] = _digest(*res)
    numba.set_num_threads(threads)
    d, Q = np.zeros(H0.shape), np.zeros((H0.shape[0], 3))
    make_divergence()(H0, V, A, hl, hr, props, start, end, bc, True, d, Q)
    out["lines/divergence"] = {"serial": _digest(d, Q)}
    T, fl = np.empty(H0.shape), np.empty(H0.shape)
    make_temperature()(H0, props, T, fl)
    out["lines/temperature"] = {"serial": _digest(T, fl)}

    # 3-D explicit stencil: four steps, random fixed cells
    shape = (7, 5, 19)
    rng = np.random.default_rng(11)
    T0 = rng.uniform(-90.0, 37.0, size=shape)
    fixed = rng.random(shape) < 0.1
    h, dt = 5e-4, 0.02
    cases = [("soft_tissue", True), ("soft_tissue", False)]
    isa: set[str] = set()
    for name, f32 in cases:
        tissue = TISSUES[name]
        p = tissue_vector(tissue)[:, None, None, None]
        H3 = np.ascontiguousarray(enthalpy_np(T0, p))
        runs = out[f"3d/{name}/{'float32' if f32 else 'float64'} faces"] = {}
        builds = [(False, 3)]
        if variants and f32:
            # one block instead of blocks of 3 planes, and parallel on blocks of 2 (once
            # only: the float64 kernel differs in the face arithmetic, not in the blocking)
            builds += [(False, 0), (True, 2)]
        for parallel, block in builds:
            step = make_explicit_3d(
                tissue, h, dt, parallel=parallel, block=block, float32_faces=f32
            )
            for nt in thread_counts if parallel else [1]:
                numba.set_num_threads(nt)
                a, b = H3.copy(), np.empty(shape)
                T3, K3 = np.empty(shape), np.empty(shape)
                for _ in range(2):
                    step(a, b, T3, K3, fixed)
                    step(b, a, T3, K3, fixed)
                how = f"parallel, {nt} threads" if parallel else "serial"
                runs[f"{how}, block {block}"] = _digest(a, T3, K3)
            numba.set_num_threads(threads)
            if asm and not parallel and block == 3:
                isa.update(_vector_registers("".join(step.inspect_asm().values())))
    return {"fingerprints": out, "vector_registers": sorted(isa)}


if __name__ == "__main__":
    print(json.dumps(fingerprints(variants="--variants" in sys.argv), indent=1, sort_keys=True))
