"""3-D solver: several probes, or a probe at an angle to a nerve.

Grid: a tensor product of three 1-D face sequences. :class:`Cartesian3D` is the uniform
special case (spacing ``h``); :class:`GradedGrid3D` is refined around the probes and the
nerve (fine spacing there, growing geometrically, at most by a factor ``ratio`` from one
cell to the next, up to ``h_max`` far away). :meth:`GradedGrid3D.around` builds one from
the placements.

Probes are *immersed*: the active segment of a probe (distance to the axis at most the
probe radius, ``0 <= s <= active_length`` along the axis from the tip) is stainless
steel without phase change (k 16 W/m K, rho c 3.9e6 J/m3 K: standard tables,
*unverified* here) coupled to the cryogen by a linear source ``g (T_drive - T)``
(W/m3). With ``probe_fraction="volume"`` (the default) each cell carries the volume
fraction ``phi`` of probe it contains (sampled on a 6 x 6 x 6 sub-grid, exact for cells
wholly inside or outside) and is a mixture: heat capacities and latent heat weighted by
``phi``, the conductivity their harmonic mean (in series across the probe wall), the
tissue fraction keeping its phase change and its perfusion; a cryogen-limited probe
gives each cell the share ``phi V / sum(phi V)`` of its coupling, so the probe's heat
capacity, volume and coupling are those of the true cylinder on any grid (the staircase
of ``probe_fraction="centre"``, a cell is probe when its centre is inside, changes them
by tens of per cent from one grid to the next); a prescribed temperature pins the cells
at least half inside:

- prescribed surface temperature: ``g = C_steel / 1e-3 s`` (pins the probe within ~1 ms);
- cryogen-limited: ``g = h x probe surface area / probe volume`` (so the probe takes
  ``h A (T_gas - T_probe)``); a probe that would draw more than its ceiling at the
  start of a step draws exactly the ceiling through the step (a fixed sink).

The shaft beyond the active length is not represented (assumption: thin, insulated).

Time scheme: backward Euler in enthalpy with Strang splitting x/2, y/2, z, y/2, x/2;
every sweep solves all the grid lines along its axis implicitly (Newton on H, kernels
:func:`~cryoneuro.physics.kernels.make_axis_solver`, numba-parallel over lines) and
applies a third of the sources (perfusion, metabolic heat, the probe coupling), so the
stiff probe pinning acts in every direction (3 x 1/3 = 1 per step). The step is ``dt``,
or with ``adaptive=True`` chosen between ``dt_min`` and ``dt`` so that the ice volume
changes by at most ``ice_tol`` (relative) per step, and every phase boundary of the
protocol is a step edge. Energy is accounted for every sweep (probe, outer faces,
sources) and the balance is returned. ``kernels.make_explicit_3d`` (a fused explicit
stencil) is not called here; it is kept for the kernel-reproducibility tests and is a
labelled secondary line of ``benchmarks/bench_physics_3d.py``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numba
import numpy as np
from numpy.typing import ArrayLike, NDArray

from cryoneuro.physics.injury import InjuryThresholds, classify
from cryoneuro.physics.kernels import (
    NTAB,
    P_CF,
    P_CM,
    P_CU,
    P_HL,
    P_KF,
    P_KU,
    P_L,
    P_QM,
    P_TL,
    P_TS,
    P_WCB,
    T_OWNER,
    T_PHI,
    NewtonNotConverged,
    make_axis_solver,
    make_temperature_3d,
    table_row_extras,
    tissue_vector,
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

__all__ = [
    "Cartesian3D",
    "FreezeResult3D",
    "GradedGrid3D",
    "ProbePlacement",
    "graded_faces",
    "simulate_3d",
]

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
#: Largest grid accepted (cells): memory and run time stay bounded.
MAX_CELLS = 20_000_000
#: Sub-samples per axis used to measure a cell's probe volume fraction.
FRACTION_SAMPLES = 6


def _check_faces(f: FloatArray, name: str) -> FloatArray:
    if f.ndim != 1 or len(f) < 4 or not np.all(np.isfinite(f)) or not np.all(np.diff(f) > 0):
        raise ValueError(f"{name} faces must be at least 4 increasing finite values")
    return f


@dataclass(frozen=True)
class Cartesian3D:
    """Box ``[-half_width, half_width]^2 x [z_min, z_max]`` (m), uniform spacing ``h``;
    faces are Dirichlet at the far-field temperature (``far="dirichlet"``) or adiabatic."""

    half_width: float = 0.012
    z_min: float = -0.012
    z_max: float = 0.02
    h: float = 5e-4
    far: str = "dirichlet"

    def faces(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        if (
            not self.h > 0
            or not self.half_width > 2 * self.h
            or not self.z_max > self.z_min + 4 * self.h
        ):
            raise ValueError(f"bad 3-D box: {self!r}")
        n = round(2 * self.half_width / self.h)
        nz = round((self.z_max - self.z_min) / self.h)
        if n**2 * nz > MAX_CELLS:
            raise ValueError(
                f"3-D grid of {n}x{n}x{nz} cells is too large; increase h ({self.h!r} m)"
            )
        x = np.asarray(-self.half_width + np.arange(n + 1) * (2 * self.half_width / n))
        z = np.asarray(self.z_min + np.arange(nz + 1) * ((self.z_max - self.z_min) / nz))
        return x, x.copy(), z

    def axes(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Cell centres along x, y, z (m)."""
        return _centres(self.faces())


def _centres(
    faces: tuple[FloatArray, FloatArray, FloatArray],
) -> tuple[FloatArray, FloatArray, FloatArray]:
    x, y, z = (0.5 * (f[1:] + f[:-1]) for f in faces)
    return x, y, z


def graded_faces(
    lo: float,
    hi: float,
    features: Sequence[tuple[float, float, float]],
    h_max: float,
    ratio: float = 1.15,
) -> FloatArray:
    """Faces of a 1-D grid on ``[lo, hi]`` (m): spacing ``h`` inside each feature
    interval ``(a, b, h)``, growing geometrically away from it (cell sizes grow by at most
    ``ratio`` per cell: the local spacing is ``min(h_max, h + (ratio - 1) d)`` at a
    distance ``d`` from the interval), ``h_max`` far from every feature. The cells are
    then stretched uniformly (by less than one cell over the interval) to end on ``hi``."""
    if not (hi > lo and h_max > 0 and ratio >= 1.0):
        raise ValueError(f"bad graded grid: [{lo!r}, {hi!r}], h_max {h_max!r}, ratio {ratio!r}")
    feats = [(float(a), float(b), float(h)) for a, b, h in features]
    for a, b, h in feats:
        if not (h > 0 and b >= a):
            raise ValueError(f"bad grid feature ({a!r}, {b!r}, {h!r})")

    def spacing(x: float) -> float:
        s = h_max
        for a, b, h in feats:
            d = max(a - x, 0.0, x - b)
            s = min(s, h + (ratio - 1.0) * d)
        return s

    out = [lo]
    x = lo
    while x < hi - 1e-12 * (hi - lo):
        s = spacing(x)
        for _ in range(4):  # the spacing at the cell's own middle
            s = min(spacing(x), spacing(x + 0.5 * s), spacing(x + s))
        x += s
        out.append(x)
        if len(out) > 100_000:
            raise ValueError("graded grid too fine (over 100 000 cells on one axis)")
    f = np.asarray(out)
    if len(f) > 2 and (f[-1] - hi) > 0.5 * (f[-1] - f[-2]):
        f = f[:-1]  # end on the nearer face, then stretch
    f = lo + (f - lo) * ((hi - lo) / (f[-1] - lo))
    f[-1] = hi
    return f


@dataclass(frozen=True)
class GradedGrid3D:
    """A tensor-product grid from its face coordinates (m) along x, y, z; the outer faces
    are Dirichlet at the far-field temperature (``far="dirichlet"``) or adiabatic."""

    x_faces: tuple[float, ...]
    y_faces: tuple[float, ...]
    z_faces: tuple[float, ...]
    far: str = "dirichlet"

    def faces(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        fx, fy, fz = (
            _check_faces(np.asarray(f, float), name)
            for f, name in zip((self.x_faces, self.y_faces, self.z_faces), "xyz", strict=True)
        )
        if (len(fx) - 1) * (len(fy) - 1) * (len(fz) - 1) > MAX_CELLS:
            raise ValueError("3-D graded grid too large: coarsen it")
        return fx, fy, fz

    def axes(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Cell centres along x, y, z (m)."""
        return _centres(self.faces())

    @property
    def shape(self) -> tuple[int, int, int]:
        return (len(self.x_faces) - 1, len(self.y_faces) - 1, len(self.z_faces) - 1)

    @classmethod
    def around(
        cls,
        placements: Sequence[ProbePlacement],
        nerves: Sequence[Nerve] = (),
        *,
        half_width: float = 0.015,
        z_min: float = -0.012,
        z_max: float = 0.02,
        h_fine: float = 1.5e-4,
        h_along: float = 5e-4,
        h_nerve: float = 3e-4,
        h_max: float = 1.2e-3,
        ratio: float = 1.15,
        margin: float = 5e-4,
        far: str = "dirichlet",
    ) -> GradedGrid3D:
        """A grid on the box ``[-half_width, half_width]^2 x [z_min, z_max]`` refined
        around every probe (spacing ``h_fine`` across its radius plus ``margin``; along
        an axis the probe nearly follows, ``h_fine`` near its tip and the end of its
        active length and ``h_along`` in between) and every nerve (``h_nerve`` across
        its diameter plus ``margin``), graded by ``ratio`` up to ``h_max``."""
        lo = np.array([-half_width, -half_width, z_min])
        hi = np.array([half_width, half_width, z_max])
        feats: list[list[tuple[float, float, float]]] = [[], [], []]
        for pl in placements:
            u = pl.unit()
            a = np.asarray(pl.tip, float)
            b = a + pl.probe.active_length * u
            r = pl.probe.radius
            for ax in range(3):
                across = r * math.sqrt(max(0.0, 1.0 - u[ax] ** 2)) + margin
                if abs(u[ax]) > 0.9:  # nearly along the probe: fine at its two ends
                    for e in (a[ax], b[ax]):
                        feats[ax].append((e - across - r, e + across + r, h_fine))
                    feats[ax].append((min(a[ax], b[ax]), max(a[ax], b[ax]), h_along))
                else:
                    feats[ax].append(
                        (min(a[ax], b[ax]) - across, max(a[ax], b[ax]) + across, h_fine)
                    )
        for nv in nerves:
            a, b = np.asarray(nv.start, float), np.asarray(nv.end, float)
            u = (b - a) / np.linalg.norm(b - a)
            for ax in range(3):
                across = 0.5 * nv.diameter * math.sqrt(max(0.0, 1.0 - u[ax] ** 2)) + margin
                feats[ax].append((min(a[ax], b[ax]) - across, max(a[ax], b[ax]) + across, h_nerve))
        fx, fy, fz = (
            graded_faces(float(lo[ax]), float(hi[ax]), feats[ax], h_max, ratio) for ax in range(3)
        )
        return cls(tuple(fx), tuple(fy), tuple(fz), far)


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

    def contains(self, points: FloatArray) -> NDArray[np.bool_]:
        """Whether points ``(..., 3)`` (m) lie in the probe's active segment."""
        u = self.unit()
        rel = points - np.asarray(self.tip, float)
        s = rel @ u
        d2 = np.einsum("...i,...i->...", rel, rel) - s * s
        r = self.probe.radius
        out: NDArray[np.bool_] = (d2 <= r * r) & (s >= 0.0) & (s <= self.probe.active_length)
        return out


def probe_fractions(
    placements: Sequence[ProbePlacement],
    faces: tuple[FloatArray, FloatArray, FloatArray],
    mode: str = "volume",
) -> tuple[FloatArray, NDArray[np.int64]]:
    """Per cell: the probe volume fraction ``phi`` and the probe index (-1 none).

    ``mode="volume"``: the fraction of the cell inside the probe, exact (0 or 1) for a
    cell whose bounding sphere is wholly outside or inside, else the midpoint rule on a
    ``FRACTION_SAMPLES^3`` sub-grid. ``mode="centre"``: 1 where the cell centre is inside
    (the staircase). Where probes overlap a cell, the later one owns it."""
    if mode not in ("volume", "centre"):
        raise ValueError(f"probe_fraction must be 'volume' or 'centre', got {mode!r}")
    cx, cy, cz = _centres(faces)
    dx, dy, dz = (np.diff(f) for f in faces)
    shape = (len(cx), len(cy), len(cz))
    phi = np.zeros(shape)
    owner = np.full(shape, -1, np.int64)
    m = FRACTION_SAMPLES
    sub = (np.arange(m) + 0.5) / m - 0.5
    for k, pl in enumerate(placements):
        u = pl.unit()
        tip = np.asarray(pl.tip, float)
        end = tip + pl.probe.active_length * u
        r = pl.probe.radius
        # candidate box: the segment's bounding box grown by the radius and one cell
        bl = np.minimum(tip, end) - r
        bh = np.maximum(tip, end) + r
        idx = []
        for c, d, lo_, hi_ in zip((cx, cy, cz), (dx, dy, dz), bl, bh, strict=True):
            idx.append(np.nonzero((c + d >= lo_) & (c - d <= hi_))[0])
        if any(len(i) == 0 for i in idx):
            raise ValueError(f"probe {k} lies outside the grid")
        gi, gj, gk = np.meshgrid(*idx, indexing="ij")
        P = np.stack([cx[gi], cy[gj], cz[gk]], axis=-1)
        if mode == "centre":
            f = pl.contains(P).astype(float)
        else:
            half = 0.5 * np.sqrt(dx[gi] ** 2 + dy[gj] ** 2 + dz[gk] ** 2)
            rel = P - tip
            s = rel @ u
            dist = np.sqrt(np.maximum(np.einsum("...i,...i->...", rel, rel) - s * s, 0.0))
            inside = (dist + half <= r) & (s - half >= 0) & (s + half <= pl.probe.active_length)
            outside = (dist - half > r) | (s + half < 0) | (s - half > pl.probe.active_length)
            f = inside.astype(float)
            amb = np.nonzero(~inside & ~outside)
            if len(amb[0]):
                ii, jj, kk = gi[amb], gj[amb], gk[amb]
                ox, oy, oz = np.meshgrid(sub, sub, sub, indexing="ij")
                pts = np.stack(
                    [
                        cx[ii, None] + dx[ii, None] * ox.ravel()[None, :],
                        cy[jj, None] + dy[jj, None] * oy.ravel()[None, :],
                        cz[kk, None] + dz[kk, None] * oz.ravel()[None, :],
                    ],
                    axis=-1,
                )
                f[amb] = pl.contains(pts).mean(axis=1)
        sel = f > 0
        phi[gi[sel], gj[sel], gk[sel]] = f[sel]
        owner[gi[sel], gj[sel], gk[sel]] = k
        if not sel.any():
            raise ValueError(
                f"grid too coarse for the probe: no cell centre inside probe {k} "
                f"(radius {pl.probe.radius!r} m)"
            )
    return phi, owner


def _material_table(
    tissue: Tissue, phi: FloatArray, owner: NDArray[np.int64]
) -> tuple[FloatArray, NDArray[np.int32]]:
    """``(table (nrows, NTAB), row index per cell)``: row 0 the tissue, row 1 + k pure
    probe k, then one row per mixed cell (tissue fraction ``1 - phi``)."""
    tv = tissue_vector(tissue)
    sv = tissue_vector(PROBE_MATERIAL)
    nprobe = int(owner.max()) + 1 if owner.size else 0
    mixed = np.nonzero((phi > 0) & (phi < 1))
    pm = phi[mixed]
    nrows = 1 + nprobe + len(pm)
    tab = np.zeros((nrows, NTAB))
    tab[0, : len(tv)] = tv
    tab[0, T_OWNER] = -1
    for k in range(nprobe):
        tab[1 + k, : len(sv)] = sv
        tab[1 + k, T_PHI] = 1.0
        tab[1 + k, T_OWNER] = k
    w = 1.0 - pm
    mix = np.tile(tv, (len(pm), 1))
    cs = PROBE_MATERIAL.c_unfrozen
    ks = PROBE_MATERIAL.k_unfrozen
    mix[:, P_CF] = w * tv[P_CF] + pm * cs
    mix[:, P_CU] = w * tv[P_CU] + pm * cs
    mix[:, P_CM] = w * tv[P_CM] + pm * cs
    mix[:, P_L] = w * tv[P_L]
    # in series across the probe wall (the heat leaving the probe crosses the tissue part
    # of a cut cell): the volume-weighted harmonic mean
    mix[:, P_KF] = 1.0 / (w / tv[P_KF] + pm / ks)
    mix[:, P_KU] = 1.0 / (w / tv[P_KU] + pm / ks)
    mix[:, P_WCB] = w * tv[P_WCB]
    mix[:, P_QM] = w * tv[P_QM]
    mix[:, P_HL] = mix[:, P_CM] * (tv[P_TL] - tv[P_TS]) + mix[:, P_L]
    tab[1 + nprobe :, : len(tv)] = mix
    tab[1 + nprobe :, T_PHI] = pm
    tab[1 + nprobe :, T_OWNER] = owner[mixed]
    table_row_extras(tab)
    row = np.zeros(phi.shape, np.int32)
    full = phi >= 1.0
    row[full] = 1 + owner[full]
    row[mixed] = 1 + nprobe + np.arange(len(pm))
    return tab, row


def _enthalpy_rows(T: float, tab: FloatArray) -> FloatArray:
    """Enthalpy (J/m3) of every table row at temperature T."""
    ts, tl = tab[:, P_TS], tab[:, P_TL]
    dT = np.where(tl - ts > 0, tl - ts, 1.0)
    mushy = (T - ts) * (tab[:, P_CM] + tab[:, P_L] / dT)
    out: FloatArray = np.where(
        ts >= T,
        tab[:, P_CF] * (T - ts),
        np.where(tl <= T, tab[:, P_HL] + tab[:, P_CU] * (T - tl), mushy),
    )
    return out


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
    #: probe volume fraction per cell (None: ``probe_mask`` as 0/1)
    probe_fraction: FloatArray | None = None
    #: step end times (s) and the Newton iterations of each step's worst line
    step_times: FloatArray | None = None
    newton_iterations: NDArray[np.int64] | None = None
    #: the grid's face coordinates along x, y, z (m)
    faces: tuple[FloatArray, FloatArray, FloatArray] | None = None
    thresholds: tuple[float, ...] = ()
    time_below: FloatArray = field(default_factory=lambda: _ro(np.zeros((0, 0, 0, 0))))
    """``(nthr, nx, ny, nz)``: seconds each cell spent below each threshold."""
    freeze_thaw_cycles: FloatArray = field(default_factory=lambda: _ro(np.zeros((0, 0, 0, 0))))
    """``(nthr, nx, ny, nz)``: complete freeze-thaw cycles below each threshold (thawed =
    above :data:`~cryoneuro.physics.observers.CYCLE_THAW_C`)."""

    def cell_volumes(self) -> FloatArray:
        """Cell volumes (m3): from the grid's faces when stored, else faces midway
        between the cell centres (a uniform grid)."""
        dx, dy, dz = (np.diff(f) for f in self._faces_or_mid())
        out: FloatArray = dx[:, None, None] * dy[None, :, None] * dz[None, None, :]
        return out

    def tissue_fraction(self) -> FloatArray:
        if self.probe_fraction is None:
            return np.where(self.probe_mask, 0.0, 1.0)
        return 1.0 - self.probe_fraction

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

    def iceball_volume(self, level: float = 0.0, samples: int = 4) -> float:
        """Volume (m3) of tissue whose minimum temperature reached ``level`` (the probe's
        volume excluded).

        A cell wholly on one side of the isotherm (its 27-cell neighbourhood is) counts
        whole or not at all; a cell the isotherm may cross counts the fraction of its
        ``samples^3`` sub-cell midpoints where the trilinear interpolant of the minimum
        temperature (between cell centres) is at most ``level``, so the volume converges
        with the field instead of carrying the half-cell staircase error of a cell count
        (``samples=0``: the cell count)."""
        from scipy.interpolate import RegularGridInterpolator
        from scipy.ndimage import maximum_filter, minimum_filter

        tm = self.min_temperature
        cold = (tm <= level).astype(float)
        if samples > 0 and min(tm.shape) >= 2:
            near = (minimum_filter(tm, 3, mode="nearest") <= level) & (
                maximum_filter(tm, 3, mode="nearest") > level
            )
            idx = np.nonzero(near)
            if len(idx[0]):
                fx, fy, fz = self._faces_or_mid()
                sub = (np.arange(samples) + 0.5) / samples
                ox, oy, oz = (o.ravel() for o in np.meshgrid(sub, sub, sub, indexing="ij"))
                i, j, k = idx
                pts = np.stack(
                    [
                        fx[i, None] + (fx[i + 1] - fx[i])[:, None] * ox[None, :],
                        fy[j, None] + (fy[j + 1] - fy[j])[:, None] * oy[None, :],
                        fz[k, None] + (fz[k + 1] - fz[k])[:, None] * oz[None, :],
                    ],
                    axis=-1,
                ).reshape(-1, 3)
                f = RegularGridInterpolator(
                    (self.x, self.y, self.z), tm, bounds_error=False, fill_value=None
                )
                lo = np.array([self.x[0], self.y[0], self.z[0]])
                hi = np.array([self.x[-1], self.y[-1], self.z[-1]])
                vals = f(np.clip(pts, lo, hi)).reshape(len(i), -1)
                cold[idx] = (vals <= level).mean(axis=1)
        return float(np.sum(cold * self.cell_volumes() * self.tissue_fraction()))

    def _faces_or_mid(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        if self.faces is not None:
            return self.faces

        def mid(c: FloatArray) -> FloatArray:
            f = np.concatenate([[1.5 * c[0] - 0.5 * c[1]], 0.5 * (c[1:] + c[:-1])])
            return np.concatenate([f, [1.5 * c[-1] - 0.5 * c[-2]]])

        return mid(self.x), mid(self.y), mid(self.z)

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


_SOLVERS: dict[tuple[float, int, int], Any] = {}
_TEMPERATURE: list[Any] = []


def _step_plan(prot: Protocol, dt: float) -> list[float]:
    """Phase boundaries (and the end) that steps must land on."""
    end = prot.duration
    return sorted({*(x for x in prot.boundaries if 0.0 < x < end), end})


def simulate_3d(
    placements: Sequence[ProbePlacement],
    cryogen: Cryogen | str = "n2o",
    tissue: Tissue | str = "soft_tissue",
    protocol: Protocol | str = "2x120/60",
    *,
    boundary: ProbeBoundary | None = None,
    geometry: Cartesian3D | GradedGrid3D | None = None,
    initial_temperature: float | None = None,
    dt: float = 1.0,
    output_interval: float = 30.0,
    newton_tol: float = 1e-3,
    max_newton: int = 60,
    probe_fraction: str = "volume",
    adaptive: bool = False,
    dt_min: float = 0.5,
    ice_tol: float = 0.02,
    probe_split: str = "even",
    conductivity_refresh: int = 0,
    thresholds: Sequence[float] = (0.0, -20.0),
) -> FreezeResult3D:
    """Run a 3-D freeze with one or several probes (all on the same console/protocol).

    ``dt`` is the time step (s), or with ``adaptive=True`` the longest one: each step is
    then the previous one scaled so that the ice volume changes by about ``ice_tol``
    (relative) per step, at least ``dt_min``, restarting from ``dt_min`` at every phase
    boundary (all phase boundaries are step edges). ``probe_split``: the probe coupling
    in every sweep (``"even"``, a third per direction) or only in the sweeps across each
    probe (``"across"``; it changed the issue-14 volumes by 0.3-2 %, much less than
    their time-step error: see docs/physics/design.md). ``probe_fraction``: ``"volume"``
    (mixed cells weighted by their probe volume fraction) or ``"centre"`` (staircase).
    ``conductivity_refresh``: Picard passes on the conductivities after the lagged solve
    (:func:`~cryoneuro.physics.kernels.make_axis_solver`; 0 lags k through the step as
    the 1-D solver does). ``thresholds`` (degC): the levels whose time below and
    freeze-thaw cycles are tracked per cell (the injury classes need the axonotmesis
    threshold); the time below accumulates each step's own length (adaptive steps
    included).
    """
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
    if adaptive and not (math.isfinite(dt_min) and 0 < dt_min <= dt and ice_tol > 0):
        raise ValueError(f"adaptive steps need 0 < dt_min <= dt and ice_tol > 0 ({dt_min!r})")
    if geom.far not in ("dirichlet", "adiabatic"):
        raise ValueError(f"far must be 'dirichlet' or 'adiabatic', got {geom.far!r}")
    faces = geom.faces()
    x, y, z = _centres(faces)
    d0, d1, d2 = (np.ascontiguousarray(np.diff(f)) for f in faces)
    shape = (len(x), len(y), len(z))
    Vc = d0[:, None, None] * d1[None, :, None] * d2[None, None, :]
    phi, owner = probe_fractions(placements, faces, probe_fraction)
    probe_mask = phi >= 0.5
    tab, row = _material_table(tis, phi, owner)
    if isinstance(boundary, PrescribedSurfaceTemperature):
        # a prescribed probe pins the cells at least half inside it (pinning a cut cell
        # pins all of it: weighting the pin by phi would grow the probe by ~h/2)
        tab[:, T_PHI] = np.where(tab[:, T_PHI] >= 0.5, 1.0, 0.0)
    coupling = tab[row, T_PHI]
    bnd: ProbeBoundary = boundary or CryogenLimited(
        cryo.gas_temperature, placements[0].probe.h, placements[0].probe.max_power_w
    )
    if bnd.coldest >= t0:
        raise ValueError(
            f"probe temperature {bnd.coldest!r} degC is not colder than the tissue ({t0!r} degC)"
        )
    nprobe = len(placements)
    cells = [np.nonzero(owner.ravel() == k)[0] for k in range(nprobe)]
    weights = [(coupling.ravel()[c] * Vc.ravel()[c]) for c in cells]
    pvol = np.array([w.sum() for w in weights])
    areas = np.array(
        [
            2 * np.pi * pl.probe.radius * pl.probe.active_length + np.pi * pl.probe.radius**2
            for pl in placements
        ]
    )
    caps = np.array([pl.probe.max_power_w for pl in placements])
    r_far = 0.0 if geom.far == "dirichlet" else math.inf
    key = (newton_tol, max_newton, int(conductivity_refresh))
    if key not in _SOLVERS:
        _SOLVERS[key] = make_axis_solver(
            max_newton, newton_tol, parallel=True, k_refresh=int(conductivity_refresh)
        )
    solve = _SOLVERS[key]
    if not _TEMPERATURE:
        _TEMPERATURE.append(make_temperature_3d(parallel=True))
    temperature = _TEMPERATURE[0]

    H = np.ascontiguousarray(_enthalpy_rows(t0, tab)[row])
    T = np.empty(shape)
    temperature(H, row, tab, T)
    tmin = T.copy()
    tissue_frac = 1.0 - phi
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
    steps: list[float] = []
    newton: list[int] = []
    e0 = float(np.sum(Vc * H))
    heat = {"probe": 0.0, "boundary": 0.0, "source": 0.0}
    accs = [np.zeros((n, 4)) for n in (shape[1], shape[0], shape[0])]
    sequence = ((0, 0.5), (1, 0.5), (2, 1.0), (1, 0.5), (0, 0.5))
    C_probe = PROBE_MATERIAL.c_unfrozen
    if probe_split == "across":
        across = np.array([(1.0 - pl.unit() ** 2) / 2.0 for pl in placements])
    elif probe_split == "even":
        across = np.full((nprobe, 3), 1.0 / 3.0)
    else:
        raise ValueError(f"probe_split must be 'across' or 'even', got {probe_split!r}")
    marks = _step_plan(prot, dt)

    def ice_volume(Tf: FloatArray) -> float:
        return float(np.sum(np.where(Tf <= 0.0, Vc * tissue_frac, 0.0)))

    ice_floor = max(float(pvol.sum()), 1e-12)
    t_prev = 0.0
    end = marks[-1]
    mi = 0
    h_step = dt_min if adaptive else dt
    ice_prev = 0.0
    while t_prev < end - 1e-9:
        m = marks[mi]
        n_left = max(1, math.ceil((m - t_prev) / h_step - 1e-9))
        t = m if n_left == 1 else t_prev + (m - t_prev) / n_left
        step = t - t_prev
        drive, res, pmax = probe_drive(bnd, prot, t_prev, t)
        qp = np.zeros(nprobe)
        if isinstance(bnd, PrescribedSurfaceTemperature):
            g = np.full(nprobe, C_probe / PIN_TIME)
        elif math.isinf(res):
            g = np.zeros(nprobe)
        else:
            g = (1.0 / res) * areas / pvol
            Tflat = T.ravel()
            p_est = g * np.array(
                [np.dot(weights[k], Tflat[cells[k]] - drive) for k in range(nprobe)]
            )
            cap = np.minimum(caps, pmax)
            # a probe that would draw more than its ceiling at the start of the step
            # draws exactly the ceiling through the step (a fixed sink): scaling the
            # linear coupling instead lets the power fall below the ceiling as the probe
            # cools within the step, an error that grows with dt
            capped = p_est > cap
            qp = np.where(capped, -cap / pvol, 0.0)
            g = np.where(capped, 0.0, g)
        g = np.asarray(g, dtype=np.float64)
        qp = np.asarray(qp, dtype=np.float64)
        probe_heat_step = 0.0
        worst = 0
        for axis, frac in sequence:
            sub = step * frac
            acc = accs[axis]
            # the probe coupling's share in this sweep (probe_split): even thirds, or
            # only the sweeps across each probe, weights (1 - u_axis^2) / 2
            wa = across[:, axis] * 3.0
            iterations = solve(
                H,
                row,
                tab,
                d0,
                d1,
                d2,
                axis,
                sub,
                1.0 / 3.0,
                np.ascontiguousarray(g * wa),
                np.ascontiguousarray(qp * wa),
                drive,
                r_far,
                t0,
                acc,
            )
            worst = max(worst, int(iterations))
            if iterations > max_newton:
                raise NewtonNotConverged(
                    f"the 3-D implicit solve did not converge in {max_newton} Newton "
                    f"iterations at t = {t:g} s: raise max_newton or lower dt"
                )
            tot = acc.sum(axis=0)
            heat["boundary"] += sub * float(tot[0] + tot[1])
            heat["source"] += sub * float(tot[2])
            probe_heat_step += sub * float(tot[3])
        heat["probe"] += probe_heat_step
        power.append(-probe_heat_step / step)
        steps.append(t)
        newton.append(worst)
        temperature(H, row, tab, T)
        np.minimum(tmin, T, out=tmin)
        for i, level in enumerate(thr):
            time_below[i] += step * (level > T)
        count_cycles(T)
        if t >= next_out - 1e-9 or t >= end - 1e-9:
            snaps_t.append(t)
            snaps.append(T.copy())
            next_out += output_interval
        if adaptive:
            ice = ice_volume(T)
            change = abs(ice - ice_prev) / max(ice, ice_prev, ice_floor)
            ice_prev = ice
            grow = 2.0 if change <= 0.0 else min(2.0, max(0.5, 0.9 * ice_tol / change))
            h_step = min(dt, max(dt_min, step * grow))
        if abs(t - m) <= 1e-9:
            mi += 1
            t = m
            if adaptive:
                h_step = dt_min  # a new phase starts gently
        t_prev = t
    e1 = float(np.sum(Vc * H))
    flows = heat["probe"] + heat["boundary"] + heat["source"]
    energy = {
        "enthalpy_change_j": e1 - e0,
        "probe_heat_j": heat["probe"],
        "boundary_heat_j": heat["boundary"],
        "source_heat_j": heat["source"],
        "imbalance_j": e1 - e0 - flows,
        "relative_imbalance": abs(e1 - e0 - flows) / max(abs(heat["probe"]), 1e-300),
    }
    for arr in (tmin, *snaps):
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
        "geometry": repr(geom) if isinstance(geom, Cartesian3D) else f"GradedGrid3D{shape}",
        "initial_temperature": t0,
        "dt": dt,
        "adaptive": adaptive,
        "dt_min": dt_min,
        "ice_tol": ice_tol,
        "probe_fraction": probe_fraction,
        "newton_tol": newton_tol,
        "conductivity_refresh": int(conductivity_refresh),
        "threads": numba.get_num_threads(),
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
        _ro(phi),
        _ro(steps),
        np.asarray(newton, np.int64),
        (_ro(faces[0]), _ro(faces[1]), _ro(faces[2])),
        thr,
        _ro(time_below),
        _ro(cycles),
    )
