"""3-D solver: several probes, or a probe at an angle to a nerve.

Uniform Cartesian grid of spacing ``h`` (``Cartesian3D``). Probes are *immersed*: a cell
whose centre lies within the active segment of a probe (distance to the axis at most
the probe radius, ``0 <= s <= active_length`` along the axis from the tip) is a probe
cell, given stainless-steel properties without phase change (k 16 W/m K, rho c
3.9e6 J/m3 K: standard tables, *unverified* here) and coupled to the cryogen by a
linear source ``G (T_drive - T)``:

- prescribed surface temperature: ``G = V C / 1e-3 s`` (pins the cell within ~1 ms);
- cryogen-limited: ``G = h x (probe surface area / number of probe cells of that
  probe)``, scaled by a common factor so the total stays under each probe's ceiling.

The shaft beyond the active length is not represented (assumption: thin, insulated).
The staircase representation of a probe makes the 3-D solver less accurate than the
axisymmetric one next to the probe; a test compares the two on a single probe.

Time scheme: the implicit line solver of :mod:`~cryoneuro.physics.kernels` with
Strang splitting x/2, y/2, z, y/2, x/2 (sources, including the probe coupling, in the
x sweeps), by the numba kernel ``kernels.make_line_solver``: this is what
``benchmarks/bench_physics_3d.py`` times. ``kernels.make_explicit_3d`` (a fused explicit
stencil) is not called here; it is kept for the kernel-reproducibility tests and is a
labelled secondary line of that benchmark.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from cryoneuro.physics.injury import InjuryThresholds, classify
from cryoneuro.physics.kernels import (
    P_QM,
    P_TA,
    P_WCB,
    NewtonNotConverged,
    enthalpy_np,
    make_line_solver,
    make_temperature,
    pack_properties,
    temperature_np,
)
from cryoneuro.physics.materials import (
    Cryogen,
    LayeredTissue,
    Probe,
    Tissue,
    cryogen_preset,
)
from cryoneuro.physics.observers import CYCLE_THAW_C
from cryoneuro.physics.protocol import (
    CryogenLimited,
    PrescribedSurfaceTemperature,
    ProbeBoundary,
    Protocol,
    probe_drive,
)
from cryoneuro.physics.result import Nerve, NerveInjury, _ro

FloatArray = NDArray[np.float64]

__all__ = ["Cartesian3D", "FreezeResult3D", "ProbePlacement", "simulate_3d"]

#: Stainless steel (AISI 304) k 16 W/m K, rho 7900 kg/m3, c 500 J/kg K: standard tables
#: (unverified here); no phase change (solidus/liquidus set at -273 degC).
PROBE_MATERIAL = Tissue(
    "probe_steel",
    16.0,
    16.0,
    7900.0 * 500.0,
    7900.0 * 500.0,
    0.0,
    -273.0,
    -273.0,
    perfusion=0.0,
    metabolic_heat=0.0,
    source="AISI 304 standard tables (unverified)",
    verified=False,
)
PIN_TIME = 1e-3  # s, relaxation time of a pinned (prescribed-temperature) probe cell


@dataclass(frozen=True)
class Cartesian3D:
    """Box ``[-half_width, half_width]^2 x [z_min, z_max]`` (m), uniform spacing ``h``;
    faces are Dirichlet at the far-field temperature (``far="dirichlet"``) or adiabatic."""

    half_width: float = 0.012
    z_min: float = -0.012
    z_max: float = 0.02
    h: float = 5e-4
    far: str = "dirichlet"

    def axes(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        if (
            not self.h > 0
            or not self.half_width > 2 * self.h
            or not self.z_max > self.z_min + 4 * self.h
        ):
            raise ValueError(f"bad 3-D box: {self!r}")
        n = round(2 * self.half_width / self.h)
        nz = round((self.z_max - self.z_min) / self.h)
        if n**2 * nz > 20_000_000:
            raise ValueError(
                f"3-D grid of {n}x{n}x{nz} cells is too large; increase h ({self.h!r} m)"
            )
        x = np.asarray(
            -self.half_width + (np.arange(n) + 0.5) * (2 * self.half_width / n), np.float64
        )
        z = np.asarray(
            self.z_min + (np.arange(nz) + 0.5) * ((self.z_max - self.z_min) / nz), np.float64
        )
        return x, x.copy(), z


@dataclass(frozen=True)
class ProbePlacement:
    """A probe with its tip at ``tip`` (m) pointing back along ``direction`` (the shaft
    runs from the tip towards ``tip + s * direction``, s > 0)."""

    probe: Probe
    tip: tuple[float, float, float] = (0.0, 0.0, 0.0)
    direction: tuple[float, float, float] = (0.0, 0.0, 1.0)

    def unit(self) -> FloatArray:
        d = np.asarray(self.direction, float)
        n = float(np.linalg.norm(d))
        if not n > 0:
            raise ValueError(f"probe direction must be non-zero, got {self.direction!r}")
        return d / n


@dataclass(frozen=True)
class FreezeResult3D:
    """3-D result: axes (cell centres, m), minimum temperature field, stored fields."""

    setup: dict[str, Any]
    x: FloatArray
    y: FloatArray
    z: FloatArray
    probe_mask: NDArray[np.bool_]
    times: FloatArray
    temperature: FloatArray  # (nt, nx, ny, nz)
    min_temperature: FloatArray
    probe_power_w: FloatArray
    energy: dict[str, float] = field(default_factory=dict)
    thresholds: tuple[float, ...] = ()
    time_below: FloatArray = field(default_factory=lambda: _ro(np.zeros((0, 0, 0, 0))))
    """``(nthr, nx, ny, nz)``: seconds each cell spent below each threshold."""
    freeze_thaw_cycles: FloatArray = field(default_factory=lambda: _ro(np.zeros((0, 0, 0, 0))))
    """``(nthr, nx, ny, nz)``: complete freeze-thaw cycles below each threshold (thawed =
    above :data:`~cryoneuro.physics.observers.CYCLE_THAW_C`)."""

    def _interp(self, field_: FloatArray, points: ArrayLike) -> FloatArray:
        from scipy.interpolate import RegularGridInterpolator

        pts = np.asarray(points, float).reshape(-1, 3)
        f = RegularGridInterpolator(
            (self.x, self.y, self.z), field_, bounds_error=False, fill_value=None
        )
        lo = np.array([self.x[0], self.y[0], self.z[0]])
        hi = np.array([self.x[-1], self.y[-1], self.z[-1]])
        out: FloatArray = f(np.clip(pts, lo, hi))
        return out

    def min_temperature_at(self, points: ArrayLike) -> FloatArray:
        """Minimum temperature at points (x, y, z) (m), trilinear between cell centres."""
        return self._interp(self.min_temperature, points)

    def _index(self, threshold: float) -> int:
        try:
            return self.thresholds.index(float(threshold))
        except ValueError:
            raise ValueError(
                f"threshold {threshold!r} was not tracked; tracked: {list(self.thresholds)} "
                "(pass it in simulate_3d(thresholds=...))"
            ) from None

    def time_below_at(self, threshold: float, points: ArrayLike) -> FloatArray:
        """Seconds below one of the run's thresholds at points (x, y, z), trilinear."""
        return self._interp(self.time_below[self._index(threshold)], points)

    def cycles_below_at(self, threshold: float, points: ArrayLike) -> FloatArray:
        """Complete freeze-thaw cycles below a threshold at points (x, y, z): the fewest
        of the 8 cells around each point (a count is not interpolated)."""
        c = self.freeze_thaw_cycles[self._index(threshold)]
        pts = np.asarray(points, float).reshape(-1, 3)
        idx = []
        for ax, axis in enumerate((self.x, self.y, self.z)):
            p = np.clip(pts[:, ax], axis[0], axis[-1])
            i0 = np.clip(np.searchsorted(axis, p, side="right") - 1, 0, len(axis) - 2)
            exact = p <= axis[i0]  # on a cell centre: only that cell counts
            idx.append((i0, np.where(exact, i0, i0 + 1)))
        out = np.full(len(pts), np.inf)
        for a in idx[0]:
            for b in idx[1]:
                for d in idx[2]:
                    out = np.minimum(out, c[a, b, d])
        return out

    def iceball_volume(self, level: float = 0.0) -> float:
        """Volume (m3) of tissue that reached ``level`` (probe cells excluded)."""
        h3 = (self.x[1] - self.x[0]) * (self.y[1] - self.y[0]) * (self.z[1] - self.z[0])
        return float(np.sum((self.min_temperature <= level) & ~self.probe_mask) * h3)

    def isotherm_extent(self, level: float = 0.0, axis: int = 0) -> float:
        """Largest |coordinate| along ``axis`` reached by the ``level`` isotherm of the
        minimum-temperature field (m), cell-centred."""
        cold = (self.min_temperature <= level) & ~self.probe_mask
        if not cold.any():
            return 0.0
        coord = (self.x, self.y, self.z)[axis]
        idx = np.nonzero(cold.any(axis=tuple(a for a in range(3) if a != axis)))[0]
        return float(np.max(np.abs(coord[idx])))

    def classify_nerve(
        self, nerve: Nerve, thresholds: InjuryThresholds | None = None
    ) -> NerveInjury:
        th = thresholds or InjuryThresholds()
        s, pts = nerve.cross_section_points()
        ns, nc, _ = pts.shape
        flat = pts.reshape(-1, 3)
        m = self.min_temperature_at(flat).reshape(ns, nc)
        hold = self.time_below_at(th.axonotmesis, flat).reshape(ns, nc).min(axis=1)
        cycles = self.cycles_below_at(th.axonotmesis, flat).reshape(ns, nc).min(axis=1)
        cold, warm = m.min(axis=1), m.max(axis=1)
        frac = (m <= th.axonotmesis).mean(axis=1)
        classes = tuple(
            classify(float(c), float(w), float(t), int(n), th)
            for c, w, t, n in zip(cold, warm, hold, cycles, strict=True)
        )
        return NerveInjury(
            _ro(s), _ro(cold), _ro(warm), _ro(frac), classes, th, _ro(hold), _ro(cycles)
        )


def _lines(arr: FloatArray, axis: int) -> FloatArray:
    return np.ascontiguousarray(np.moveaxis(arr, axis, -1).reshape(-1, arr.shape[axis]))


def _unlines(lines: FloatArray, axis: int, shape: tuple[int, int, int]) -> FloatArray:
    moved = (*(s for i, s in enumerate(shape) if i != axis), shape[axis])
    return np.ascontiguousarray(np.moveaxis(lines.reshape(moved), -1, axis))


_SOLVERS: dict[tuple[float, int], Any] = {}


def simulate_3d(
    placements: Sequence[ProbePlacement],
    cryogen: Cryogen | str = "n2o",
    tissue: Tissue | str = "soft_tissue",
    protocol: Protocol | str = "2x120/60",
    *,
    boundary: ProbeBoundary | None = None,
    geometry: Cartesian3D | None = None,
    initial_temperature: float | None = None,
    dt: float = 1.0,
    output_interval: float = 30.0,
    newton_tol: float = 1e-3,
    max_newton: int = 60,
    thresholds: Sequence[float] = (0.0, -20.0),
) -> FreezeResult3D:
    """Run a 3-D freeze with one or several probes (all on the same console/protocol).
    ``thresholds`` (degC): the levels whose time below and freeze-thaw cycles are
    tracked per cell (the injury classes need the axonotmesis threshold)."""
    from cryoneuro.physics.materials import tissue_preset

    if not placements:
        raise ValueError("give at least one ProbePlacement")
    cryo = cryogen_preset(cryogen) if isinstance(cryogen, str) else cryogen
    tis = tissue_preset(tissue) if isinstance(tissue, str) else tissue
    if isinstance(tis, LayeredTissue):
        raise ValueError("the 3-D solver takes a single tissue")
    prot = Protocol.parse(protocol) if isinstance(protocol, str) else protocol
    geom = geometry or Cartesian3D()
    t0 = tis.t_arterial if initial_temperature is None else float(initial_temperature)
    tis = tis.resolved(t0)  # optional natural convection (liquid phantoms)
    if not (math.isfinite(dt) and dt > 0):
        raise ValueError(f"dt must be > 0, got {dt!r}")
    x, y, z = geom.axes()
    h = geom.h
    shape = (len(x), len(y), len(z))
    X, Y, Z = np.meshgrid(x, y, z, indexing="ij")
    P = np.stack([X, Y, Z], axis=-1)
    owner = np.full(shape, -1, np.int64)
    for k, pl in enumerate(placements):
        u = pl.unit()
        rel = P - np.asarray(pl.tip, float)
        s = rel @ u
        d = np.linalg.norm(rel - s[..., None] * u, axis=-1)
        inside = (d <= pl.probe.radius) & (s >= 0.0) & (s <= pl.probe.active_length)
        if not inside.any():
            raise ValueError(
                f"grid too coarse for the probe: no cell centre inside probe {k} "
                f"(radius {pl.probe.radius!r} m, h {h!r} m)"
            )
        owner[inside] = k
    probe_mask = owner >= 0
    index = np.where(probe_mask, 1, 0)
    props = pack_properties([tis, PROBE_MATERIAL], index)  # (NPROP, nx, ny, nz)
    bnd: ProbeBoundary = boundary or CryogenLimited(
        cryo.gas_temperature, placements[0].probe.h, placements[0].probe.max_power_w
    )
    if bnd.coldest >= t0:
        raise ValueError(
            f"probe temperature {bnd.coldest!r} degC is not colder than the tissue ({t0!r} degC)"
        )
    V = h**3
    C_probe = PROBE_MATERIAL.c_unfrozen
    counts = np.array([np.sum(owner == k) for k in range(len(placements))])
    areas = np.array(
        [
            2 * np.pi * pl.probe.radius * pl.probe.active_length + np.pi * pl.probe.radius**2
            for pl in placements
        ]
    )
    caps = np.array([pl.probe.max_power_w for pl in placements])

    # line sets along x, y, z
    far_r = 0.0 if geom.far == "dirichlet" else math.inf
    sets: list[dict[str, Any]] = []
    for axis in range(3):
        n = shape[axis]
        nl = int(np.prod(shape) // n)
        bc = np.tile(np.array([far_r, t0, 1.0, far_r, t0, 1.0]), (nl, 1))
        sets.append(
            {
                "axis": axis,
                "V": np.full((nl, n), V),
                "A": np.full((nl, n + 1), h * h),
                "hl": np.full(n, 0.5 * h),
                "hr": np.full(n, 0.5 * h),
                "start": np.zeros(nl, np.int64),
                "end": np.full(nl, n, np.int64),
                "bc": bc,
                "Q": np.zeros((nl, 3)),
                "F": np.zeros((nl, n)),
            }
        )
    solve = _SOLVERS.setdefault((newton_tol, max_newton), make_line_solver(max_newton, newton_tol))
    temperature = make_temperature()

    H = enthalpy_np(np.full(shape, t0), props)
    times = prot.step_times(dt)
    Tf = np.empty((1, H.size))
    flf = np.empty((1, H.size))
    pflat = props.reshape(props.shape[0], 1, -1)
    temperature(H.reshape(1, -1), pflat, Tf, flf)
    T = Tf.reshape(shape).copy()
    tmin = T.copy()
    thr = tuple(float(v) for v in thresholds)
    time_below = np.zeros((len(thr), *shape))
    cycles = np.zeros((len(thr), *shape))
    armed = np.zeros((len(thr), *shape), bool)

    def count_cycles(field_: FloatArray) -> None:
        thawed = field_ > CYCLE_THAW_C
        for i, level in enumerate(thr):
            new = (level > field_) & ~armed[i]
            cycles[i] += new
            armed[i] |= new
            armed[i] &= ~thawed

    count_cycles(T)
    snaps_t, snaps = [0.0], [T.copy()]
    next_out = output_interval
    power: list[float] = []
    e0 = float(np.sum(V * H))
    heat = {"probe": 0.0, "boundary": 0.0, "source": 0.0}
    props_lines = [
        np.ascontiguousarray(np.stack([_lines(props[i], a) for i in range(props.shape[0])]))
        for a in range(3)
    ]
    # sources (perfusion, metabolic heat and the probe coupling) are shared evenly by the
    # three directions: each of the five Strang sweeps applies a third of them, so the
    # stiff probe pinning acts in every direction (total weight 3 x 1/3 = 1 per step)
    probe_lines = [_lines(probe_mask.astype(float), a) > 0 for a in range(3)]
    tissue_wcb = [pa[P_WCB].copy() / 3.0 for pa in props_lines]
    for pa in props_lines:
        pa[P_QM] /= 3.0
    t_prev = 0.0
    sequence = [(0, 0.5), (1, 0.5), (2, 1.0), (1, 0.5), (0, 0.5)]
    for t in times:
        step = t - t_prev
        drive, res, pmax = probe_drive(bnd, prot, t_prev, t)
        # probe coupling conductances (W/K per cell)
        if isinstance(bnd, PrescribedSurfaceTemperature):
            G = np.full(len(placements), V * C_probe / PIN_TIME)
        elif math.isinf(res):
            G = np.zeros(len(placements))
        else:
            G = (1.0 / res) * areas / counts
            p_est = (
                G
                * counts
                * (np.array([T[owner == k].mean() for k in range(len(placements))]) - drive)
            )
            cap = np.minimum(caps, pmax)
            G = G * np.where(p_est > cap, cap / np.maximum(p_est, 1e-300), 1.0)
        gcell = np.where(probe_mask, G[np.maximum(owner, 0)] / V, 0.0)
        for a in range(3):
            pa = props_lines[a]
            pa[P_WCB] = np.where(probe_lines[a], _lines(gcell, a) / 3.0, tissue_wcb[a])
            pa[P_TA] = np.where(probe_lines[a], drive, pa[P_TA])
        probe_heat_step = 0.0
        for axis, frac in sequence:
            ls = sets[axis]
            sub = step * frac
            Hl = _lines(H, axis)
            H0 = Hl.copy()
            iterations = solve(
                Hl,
                H0,
                ls["V"],
                ls["A"],
                ls["hl"],
                ls["hr"],
                props_lines[axis],
                ls["start"],
                ls["end"],
                ls["bc"],
                sub,
                True,
                ls["Q"],
                ls["F"],
            )
            if iterations > max_newton:
                raise NewtonNotConverged(
                    f"the 3-D implicit solve did not converge in {max_newton} Newton "
                    f"iterations at t = {t:g} s: raise max_newton or lower dt"
                )
            H = _unlines(Hl, axis, shape)
            heat["boundary"] += sub * float(ls["Q"][:, :2].sum())
            Tl, _, _ = temperature_np(Hl, props_lines[axis])
            wcb = props_lines[axis][P_WCB]
            pc = float(np.sum(np.where(probe_lines[axis], V * wcb * (drive - Tl), 0.0)))
            probe_heat_step += sub * pc
            heat["source"] += sub * float(ls["Q"][:, 2].sum()) - sub * pc
        heat["probe"] += probe_heat_step
        power.append(-probe_heat_step / step)
        temperature(H.reshape(1, -1), pflat, Tf, flf)
        T = Tf.reshape(shape)
        np.minimum(tmin, T, out=tmin)
        for i, level in enumerate(thr):
            time_below[i] += step * (level > T)
        count_cycles(T)
        if t >= next_out - 1e-9 or t == times[-1]:
            snaps_t.append(t)
            snaps.append(T.copy())
            next_out += output_interval
        t_prev = t
    e1 = float(np.sum(V * H))
    flows = heat["probe"] + heat["boundary"] + heat["source"]
    energy = {
        "enthalpy_change_j": e1 - e0,
        "probe_heat_j": heat["probe"],
        "boundary_heat_j": heat["boundary"],
        "source_heat_j": heat["source"],
        "imbalance_j": e1 - e0 - flows,
        "relative_imbalance": abs(e1 - e0 - flows) / max(abs(heat["probe"]), 1e-300),
    }
    tmin_tissue = np.where(probe_mask, T, tmin)
    for arr in (tmin_tissue, *snaps):
        if not np.all(np.isfinite(arr)):
            raise FloatingPointError(
                "non-finite values in the 3-D solution: please report this bug"
            )
    setup = {
        "placements": [(pl.probe.name, pl.tip, pl.direction) for pl in placements],
        "cryogen": cryo.name,
        "tissue": tis.name,
        "protocol": prot.compact,
        "boundary": repr(bnd),
        "geometry": repr(geom),
        "initial_temperature": t0,
        "dt": dt,
    }
    return FreezeResult3D(
        setup,
        _ro(x),
        _ro(y),
        _ro(z),
        probe_mask,
        _ro(snaps_t),
        _ro(np.array(snaps)),
        _ro(tmin),
        _ro(power),
        energy,
        thr,
        _ro(time_below),
        _ro(cycles),
    )
