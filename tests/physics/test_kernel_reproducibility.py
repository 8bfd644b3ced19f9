"""Bit-reproducibility of the physics kernels (issue 9; claims in docs/physics/design.md).

The same inputs must give the same bits serial or parallel, at any thread count and
plane blocking (in this process), and under every numba code-generation target this CPU
can execute: the x86-64 baseline (SSE2, no FMA), AVX2 + FMA (256-bit vectors: the ISA on
which the fastmath build broke conservation) tuned for Intel (haswell) and for AMD
(znver3), and AVX-512 with 512-bit vectors, each compiled afresh in a subprocess with
its own cache directory (numba's cache is also keyed by the target). Inputs are small:
compile time dominates (a subprocess takes about 8 s, they run concurrently).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from kernel_fingerprints import fingerprints

import cryoneuro

PROBE = Path(__file__).with_name("kernel_fingerprints.py")
# the /proc/cpuinfo flags of the extensions a target's numeric code can use (not the
# target's full feature list: these loops use only vector, FMA and bit-manipulation
# instructions)
_AVX2 = {"sse4_2", "popcnt", "avx", "avx2", "fma", "f16c", "bmi1", "bmi2", "movbe", "abm"}
_AVX512 = _AVX2 | {"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl", "adx"}
#: (NUMBA_CPU_NAME, NUMBA_CPU_FEATURES, required CPU flags, widest vector registers):
#: an explicit feature string (even empty) replaces the host's, so each target gets only
#: its own instruction set; "-prefer-256-bit" lets the AVX-512 target use zmm registers.
TARGETS = [
    ("generic", "", set(), "x"),
    ("haswell", "", _AVX2, "y"),
    # AMD Zen 3 code generation (its own instruction scheduling and vectorisation cost
    # model): the failing CI machine was an AMD EPYC
    ("znver3", "", _AVX2, "y"),
    ("skylake-avx512", "-prefer-256-bit", _AVX512, "z"),
]


def _cpu_flags() -> set[str] | None:
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return None
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return None


@pytest.fixture(scope="module")
def targets(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[list[tuple[str, str, subprocess.Popen]]]:
    """The probe started under every target this CPU can execute (name, widest vector
    registers, process); empty where the host is not x86-64 Linux."""
    flags = _cpu_flags()
    if flags is None:
        yield []
        return
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_")}
    src = str(Path(cryoneuro.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join([src, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    cache = tmp_path_factory.mktemp("numba-targets")
    started = []
    for name, features, needs, widest in TARGETS:
        if not needs <= flags:
            continue
        target_env = dict(
            env,
            NUMBA_CPU_NAME=name,
            NUMBA_CPU_FEATURES=features,
            NUMBA_CACHE_DIR=str(cache / name),
            NUMBA_NUM_THREADS="1",
        )
        proc = subprocess.Popen(
            [sys.executable, str(PROBE)],
            env=target_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append((name, widest, proc))
    yield started
    for _, _, proc in started:  # a failed or interrupted test leaves none running
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


@pytest.fixture(scope="module")
def here(targets: list) -> dict:
    """This process's fingerprints, every variant (serial, parallel, threads, blocking);
    computed while the target subprocesses (started first) compile."""
    return fingerprints(variants=True, asm=False)


def _single(prints: dict) -> dict[str, str]:
    return {kernel: next(iter(runs.values())) for kernel, runs in prints.items()}


def test_it_gives_the_same_bits_serial_parallel_at_any_thread_count_and_blocking(
    here: dict,
) -> None:
    prints = here["fingerprints"]
    assert len(prints["lines/solve"]) >= 2  # serial and parallel
    assert len(prints["3d/soft_tissue/float32 faces"]) >= 3  # two blockings, parallel
    for kernel, runs in prints.items():
        assert len(set(runs.values())) == 1, (kernel, runs)


def test_it_gives_the_same_bits_on_every_cpu_target(here: dict, targets: list) -> None:
    if not targets:
        pytest.skip("needs an x86-64 Linux host (/proc/cpuinfo) to choose numba targets")
    assert targets[0][0] == "generic"
    expected = _single(here["fingerprints"])
    for name, widest, proc in targets:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        result = json.loads(out)
        # the target took effect: its widest vector registers are the expected ones
        registers = result["vector_registers"]
        assert registers == ["x", "y", "z"][: "xyz".index(widest) + 1], (name, registers)
        assert _single(result["fingerprints"]) == expected, name
