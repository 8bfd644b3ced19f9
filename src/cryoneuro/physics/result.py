"""The result of a run: fields, thermocouples, isotherms, ice ball, nerve injury."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from cryoneuro.physics.injury import InjuryClass, InjuryThresholds, classify

FloatArray = NDArray[np.float64]

__all__ = ["FreezeResult", "Nerve", "NerveInjury", "bilinear_weights"]


def bilinear_weights(
    rc: FloatArray, zc: FloatArray, points: FloatArray
) -> tuple[NDArray[np.int64], FloatArray]:
    """Flat indices ``(npts, 4)`` and weights ``(npts, 4)`` of the bilinear interpolation
    between cell centres (clamped at the outermost centres) of a ``(nz, nr)`` field."""
    pts = np.asarray(points, float).reshape(-1, 2)
    nr, nz = len(rc), len(zc)

    def axis(
        c: FloatArray, x: FloatArray
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], FloatArray]:
        if len(c) == 1:
            z = np.zeros(len(x), np.int64)
            return z, z, np.zeros(len(x))
        xc = np.clip(x, c[0], c[-1])
        i0 = np.clip(np.searchsorted(c, xc, side="right") - 1, 0, len(c) - 2)
        w = (xc - c[i0]) / (c[i0 + 1] - c[i0])
        return i0, i0 + 1, w

    i0, i1, wr = axis(rc, pts[:, 0])
    j0, j1, wz = axis(zc, pts[:, 1])
    idx = np.stack([j0 * nr + i0, j0 * nr + i1, j1 * nr + i0, j1 * nr + i1], axis=1)
    w = np.stack([(1 - wr) * (1 - wz), wr * (1 - wz), (1 - wr) * wz, wr * wz], axis=1)
    del nz
    return idx.astype(np.int64), w


@dataclass(frozen=True)
class Nerve:
    """A nerve as a straight segment from ``start`` to ``end`` (x, y, z in m; the probe
    axis is the z axis, tip at z = 0) with a ``diameter`` (m; 0 = a line)."""

    start: tuple[float, float, float]
    end: tuple[float, float, float]
    diameter: float = 0.0
    samples: int = 41

    def __post_init__(self) -> None:
        if not self.diameter >= 0.0:
            raise ValueError(f"nerve diameter must be >= 0, got {self.diameter!r}")
        if np.allclose(self.start, self.end):
            raise ValueError("nerve start and end must differ")
        if self.samples < 2:
            raise ValueError(f"nerve samples must be >= 2, got {self.samples!r}")

    def cross_section_points(self) -> tuple[FloatArray, FloatArray]:
        """Arc-length positions ``(ns,)`` and sample points ``(ns, nc, 3)`` covering each
        cross-section (centre, ring at d/4, ring at d/2; 12 angles per ring)."""
        a = np.asarray(self.start, float)
        b = np.asarray(self.end, float)
        d = b - a
        length = float(np.linalg.norm(d))
        u = d / length
        helper = np.array([1.0, 0.0, 0.0]) if abs(u[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
        e1 = np.cross(u, helper)
        e1 /= np.linalg.norm(e1)
        e2 = np.cross(u, e1)
        s = np.linspace(0.0, 1.0, self.samples)
        centres = a[None, :] + s[:, None] * d[None, :]
        offs = [np.zeros(3)]
        if self.diameter > 0.0:
            ang = np.linspace(0.0, 2 * np.pi, 12, endpoint=False)
            for rad in (0.25 * self.diameter, 0.5 * self.diameter):
                offs.extend(rad * (np.cos(t) * e1 + np.sin(t) * e2) for t in ang)
        off = np.array(offs)
        return s * length, centres[:, None, :] + off[None, :, :]


@dataclass(frozen=True)
class NerveInjury:
    """Per position along the nerve: arc length (m), coldest and warmest minimum
    temperature over the cross-section (degC), fraction of the cross-section samples
    below the axonotmesis threshold, the class, and the dose below the target: the least
    time any sample of the cross-section spent below ``thresholds.axonotmesis``
    (``time_below_target_s``, s) and the fewest complete freeze-thaw cycles below it of
    any sample (``cycles_below_target``); see :mod:`cryoneuro.physics.injury`."""

    position: FloatArray
    coldest: FloatArray
    warmest: FloatArray
    fraction_target: FloatArray
    classes: tuple[InjuryClass, ...]
    thresholds: InjuryThresholds
    time_below_target_s: FloatArray = field(default_factory=lambda: _ro(np.zeros(0)))
    cycles_below_target: FloatArray = field(default_factory=lambda: _ro(np.zeros(0)))

    @property
    def worst(self) -> InjuryClass:
        return max(self.classes)

    @property
    def unverified(self) -> list[str]:
        """The thresholds behind these classes that have no primary source for nerve
        (shown with every output that uses them)."""
        return [k for k, ok in self.thresholds.verified.items() if not ok]

    @property
    def target_length(self) -> float:
        """Length (m) of nerve whose whole cross-section reached the target class."""
        ok = np.array([c == InjuryClass.AXONOTMESIS for c in self.classes], float)
        if len(self.position) < 2:
            return 0.0
        ds = np.diff(self.position)
        return float(np.sum(0.5 * (ok[1:] + ok[:-1]) * ds))


def _ro(a: ArrayLike) -> FloatArray:
    out = np.array(a, dtype=float)
    out.setflags(write=False)
    return out


@dataclass(frozen=True)
class FreezeResult:
    """Everything a run produces, with its fully resolved setup (``setup``).

    Fields are on the cell centres ``r`` (radius, or depth x in 1-D planar) and ``z``
    (1-D: a single row). Temperatures in degC, times in s, lengths in m. Cells inside
    the probe carry the temperature of the tissue next to the probe wall.
    """

    setup: Any
    geometry_kind: str
    r: FloatArray
    z: FloatArray
    r_faces: FloatArray
    z_faces: FloatArray
    tissue_mask: NDArray[np.bool_]
    times: FloatArray
    temperature: FloatArray  # (nt, nz, nr)
    min_temperature: FloatArray  # (nz, nr)
    thresholds: tuple[float, ...]
    time_below: FloatArray  # (nthr, nz, nr)
    step_times: FloatArray
    probe_power_w: FloatArray  # per step, positive = heat removed
    thermocouple_points: tuple[tuple[float, float], ...]
    thermocouple_times: FloatArray
    thermocouple_temperatures: FloatArray  # (ntc, nsteps + 1)
    energy: dict[str, float] = field(default_factory=dict)
    newton_max_iterations: int = 0
    newton_step_halvings: int = 0
    """Sweeps redone as two half steps because Newton stopped at its cap (0: none); a
    step that cannot converge even halved raises ``NewtonNotConverged`` instead."""
    freeze_thaw_cycles: FloatArray = field(default_factory=lambda: _ro(np.zeros((0, 0, 0))))
    """``(nthr, nz, nr)``: complete freeze-thaw cycles of each cell below each threshold
    (:class:`~cryoneuro.physics.observers.FreezeThawCycles`, thawed = above
    ``cycle_thaw_c``)."""
    cycle_thaw_c: float = 0.0

    # ------------------------------------------------------------ construction
    @classmethod
    def from_run(
        cls,
        setup: Any,
        model: Any,
        mins: Any,
        below: Any,
        snaps: Any,
        ledger: Any,
        tcs: Any,
        newton_max: int,
        newton_step_halvings: int = 0,
        cycles: Any = None,
    ) -> FreezeResult:
        e_change = ledger.e1 - ledger.e0
        flows = ledger.probe + ledger.boundary + ledger.source
        scale = max(abs(ledger.probe), 1e-300)
        energy = {
            "enthalpy_change_j": e_change,
            "probe_heat_j": ledger.probe,
            "boundary_heat_j": ledger.boundary,
            "source_heat_j": ledger.source,
            "imbalance_j": e_change - flows,
            "relative_imbalance": abs(e_change - flows) / scale,
        }
        step_t = np.concatenate([[0.0], np.asarray(ledger.times)])
        if tcs is not None:
            tc_t = _ro(tcs.times)
            tc_v = _ro(np.array(tcs.values).T)
        else:
            tc_t = _ro(np.zeros(0))
            tc_v = _ro(np.zeros((0, 0)))
        res = cls(
            setup=setup,
            geometry_kind=model.kind,
            r=_ro(model.rc),
            z=_ro(model.zc) if model.kind == "axisymmetric" else _ro([0.0]),
            r_faces=_ro(model.rf),
            z_faces=_ro(model.zf),
            tissue_mask=np.array(model.tissue_mask),
            times=_ro(snaps.times),
            temperature=_ro(np.array(snaps.fields)),
            min_temperature=_ro(mins.value),
            thresholds=tuple(below.thresholds),
            time_below=_ro(below.value),
            step_times=_ro(step_t),
            probe_power_w=_ro(ledger.power),
            thermocouple_points=tuple(setup.thermocouples),
            thermocouple_times=tc_t,
            thermocouple_temperatures=tc_v,
            energy=energy,
            newton_max_iterations=int(newton_max),
            newton_step_halvings=int(newton_step_halvings),
            freeze_thaw_cycles=_ro(cycles.value if cycles is not None else np.zeros((0, 0, 0))),
            cycle_thaw_c=float(cycles.thaw_c) if cycles is not None else 0.0,
        )
        for name in ("temperature", "min_temperature", "time_below", "thermocouple_temperatures"):
            arr = getattr(res, name)
            if arr.size and not np.all(np.isfinite(arr)):
                raise FloatingPointError(f"non-finite values in {name}: please report this bug")
        return res

    # ------------------------------------------------------------ point queries
    def _points(self, points: ArrayLike) -> FloatArray:
        pts = np.asarray(points, float)
        if pts.ndim == 1:
            pts = pts.reshape(1, -1)
        if pts.shape[1] != 2 or not np.all(np.isfinite(pts)):
            raise ValueError("points must be finite (r, z) pairs in m")
        return pts

    def temperature_at(self, points: ArrayLike, times: ArrayLike | None = None) -> FloatArray:
        """Temperature ``(ntimes, npts)`` at points ``(r, z)`` (m) and times (s; default:
        the stored times), bilinear in space, linear in time between stored fields."""
        pts = self._points(points)
        idx, w = bilinear_weights(self.r, self.z, pts)
        flat = self.temperature.reshape(len(self.times), -1)
        series = np.sum(flat[:, idx] * w[None], axis=2)  # (nt, npts)
        if times is None:
            return series
        tt = np.atleast_1d(np.asarray(times, float))
        if np.any(tt < 0) or not np.all(np.isfinite(tt)):
            raise ValueError(f"times must be finite and >= 0, got {tt!r}")
        return np.stack(
            [np.interp(tt, self.times, series[:, k]) for k in range(pts.shape[0])], axis=1
        )

    def min_temperature_at(self, points: ArrayLike) -> FloatArray:
        """Minimum temperature reached at points ``(r, z)`` (m)."""
        pts = self._points(points)
        idx, w = bilinear_weights(self.r, self.z, pts)
        out: FloatArray = np.sum(self.min_temperature.reshape(-1)[idx] * w, axis=1)
        return out

    def time_below_at(self, threshold: float, points: ArrayLike) -> FloatArray:
        """Seconds spent below one of the run's thresholds at points ``(r, z)``."""
        k = self._threshold_index(threshold)
        pts = self._points(points)
        idx, w = bilinear_weights(self.r, self.z, pts)
        out: FloatArray = np.sum(self.time_below[k].reshape(-1)[idx] * w, axis=1)
        return out

    def _threshold_index(self, threshold: float) -> int:
        try:
            return self.thresholds.index(float(threshold))
        except ValueError:
            raise ValueError(
                f"threshold {threshold!r} was not tracked; tracked: {list(self.thresholds)} "
                "(pass it in simulate(thresholds=...))"
            ) from None

    def cycles_below_at(self, threshold: float, points: ArrayLike) -> FloatArray:
        """Complete freeze-thaw cycles below one of the run's thresholds at points
        ``(r, z)`` (m): the fewest of the cells the bilinear interpolation uses (a count
        is not interpolated; the fewest is the conservative choice for a dose)."""
        k = self._threshold_index(threshold)
        pts = self._points(points)
        idx, w = bilinear_weights(self.r, self.z, pts)
        vals = self.freeze_thaw_cycles[k].reshape(-1)[idx]
        out: FloatArray = np.min(np.where(w > 0.0, vals, np.inf), axis=1)
        return out

    def probe_heat_by_phase(self) -> FloatArray:
        """Heat removed by the probe during each phase of ``setup.protocol`` (J, positive
        when cooling; a run longer than the protocol counts its tail in the last phase).
        Each step is counted in the phase that it belongs to
        (:meth:`~cryoneuro.physics.protocol.Protocol.phase_index`)."""
        prot = self.setup.protocol
        t = self.step_times
        out = np.zeros(len(prot.phases))
        for t0, t1, power in zip(t[:-1], t[1:], self.probe_power_w, strict=True):
            out[prot.phase_index(float(t0), float(t1))] += float(power) * float(t1 - t0)
        return out

    # ------------------------------------------------------------ isotherms
    def _radius(self, T: FloatArray, level: float) -> float:
        best = 0.0
        rc = self.r
        for j in range(T.shape[0]):
            row = T[j]
            cold = np.nonzero((row <= level) & self.tissue_mask[j])[0]
            if len(cold) == 0:
                continue
            i = int(cold[-1])
            if i + 1 < len(rc):
                t0, t1 = row[i], row[i + 1]
                x = rc[i] + (rc[i + 1] - rc[i]) * (level - t0) / (t1 - t0) if t1 != t0 else rc[i]
            else:
                x = self.r_faces[-1]
            best = max(best, float(x))
        return best

    def isotherm_radius(self, level: float = 0.0) -> FloatArray:
        """Largest distance from the axis (1-D planar: depth) of the ``level`` isotherm at
        each stored time; 0 where nothing is that cold."""
        return np.array([self._radius(T, level) for T in self.temperature])

    def isotherm_length(self, level: float = 0.0) -> FloatArray:
        """Axial extent (m) of the region colder than ``level`` at each stored time."""
        zc = self.z
        if len(zc) == 1:
            return np.zeros(len(self.times))
        out = []
        for T in self.temperature:
            cold = (level >= T) & self.tissue_mask
            if not cold.any():
                out.append(0.0)
                continue
            rows = np.nonzero(cold.any(axis=1))[0]
            lo, hi = int(rows[0]), int(rows[-1])
            col_lo = T[lo]
            z_lo = zc[lo]
            if lo > 0:
                i = int(np.argmin(np.where(cold[lo], col_lo, np.inf)))
                t0, t1 = T[lo, i], T[lo - 1, i]
                z_lo = (
                    zc[lo] - (zc[lo] - zc[lo - 1]) * (level - t0) / (t1 - t0)
                    if t1 != t0
                    else zc[lo]
                )
            z_hi = zc[hi]
            if hi < len(zc) - 1:
                i = int(np.argmin(np.where(cold[hi], T[hi], np.inf)))
                t0, t1 = T[hi, i], T[hi + 1, i]
                z_hi = (
                    zc[hi] + (zc[hi + 1] - zc[hi]) * (level - t0) / (t1 - t0)
                    if t1 != t0
                    else zc[hi]
                )
            out.append(float(z_hi - z_lo))
        return np.array(out)

    @property
    def iceball_radius(self) -> FloatArray:
        """Radius (m from the axis) of the 0 degC isotherm at each stored time."""
        return self.isotherm_radius(0.0)

    @property
    def iceball_length(self) -> FloatArray:
        return self.isotherm_length(0.0)

    def contours(self, level: float, time: float | None = None) -> list[FloatArray]:
        """Isotherm polylines ``(N, 2)`` in ``(r, z)`` (m) of the field at ``time`` (the
        nearest stored time) or, when ``time`` is None, of the minimum temperature."""
        import contourpy

        if len(self.z) == 1:
            raise ValueError("contours need a 2-D geometry")
        if time is None:
            F = self.min_temperature
        else:
            F = self.temperature[int(np.argmin(np.abs(self.times - time)))]
        gen = contourpy.contour_generator(self.r, self.z, F)
        return [np.asarray(x) for x in gen.lines(level)]

    # ------------------------------------------------------------ nerves and skin
    def nerve_cross_section_min(self, r: float, z: float, diameter: float) -> tuple[float, float]:
        """(coldest, warmest) minimum temperature over the cross-section of a nerve of
        ``diameter`` centred at ``(r, z)`` and running perpendicular to the r-z plane
        (around the probe). Cheap: 25 interpolations of the minimum-temperature field."""
        if not diameter >= 0.0 or not math.isfinite(r) or not math.isfinite(z):
            raise ValueError(
                f"bad nerve position/diameter: r={r!r}, z={z!r}, diameter={diameter!r}"
            )
        ang = np.linspace(0.0, 2 * np.pi, 12, endpoint=False)
        pts = [(r, z)]
        for rad in (0.25 * diameter, 0.5 * diameter):
            pts.extend((r + rad * math.cos(a), z + rad * math.sin(a)) for a in ang)
        vals = self.min_temperature_at(np.array(pts))
        return float(vals.min()), float(vals.max())

    def nerve_cross_section_dose(
        self, r: float, z: float, diameter: float, threshold: float
    ) -> tuple[float, float]:
        """(least seconds below ``threshold``, fewest complete freeze-thaw cycles below it)
        over the 25 samples of the cross-section of :meth:`nerve_cross_section_min`."""
        ang = np.linspace(0.0, 2 * np.pi, 12, endpoint=False)
        pts = [(r, z)]
        for rad in (0.25 * diameter, 0.5 * diameter):
            pts.extend((r + rad * math.cos(a), z + rad * math.sin(a)) for a in ang)
        arr = np.array(pts)
        hold = self.time_below_at(threshold, arr)
        cycles = self.cycles_below_at(threshold, arr)
        return float(hold.min()), float(cycles.min())

    def classify_nerve(
        self, nerve: Nerve, thresholds: InjuryThresholds | None = None
    ) -> NerveInjury:
        """Injury class along a nerve from the minimum temperature, the time below the
        target and the freeze-thaw cycles of each cross-section (see
        :mod:`cryoneuro.physics.injury`). The run must have tracked
        ``thresholds.axonotmesis`` (``simulate(thresholds=...)``; the default does)."""
        th = thresholds or InjuryThresholds()
        if self.freeze_thaw_cycles.size and th.thaw_c != self.cycle_thaw_c:
            raise ValueError(
                f"this run counted freeze-thaw cycles with thaw at {self.cycle_thaw_c:g} degC, "
                f"not {th.thaw_c:g} degC"
            )
        s, pts = nerve.cross_section_points()
        ns, nc, _ = pts.shape
        rz = np.stack([np.hypot(pts[..., 0], pts[..., 1]).ravel(), pts[..., 2].ravel()], axis=1)
        if self.geometry_kind != "axisymmetric":
            rz[:, 1] = 0.0
        m = self.min_temperature_at(rz).reshape(ns, nc)
        hold = self.time_below_at(th.axonotmesis, rz).reshape(ns, nc).min(axis=1)
        cycles = self.cycles_below_at(th.axonotmesis, rz).reshape(ns, nc).min(axis=1)
        cold = m.min(axis=1)
        warm = m.max(axis=1)
        frac = (m <= th.axonotmesis).mean(axis=1)
        classes = tuple(
            classify(float(c), float(w), float(t), int(n), th)
            for c, w, t, n in zip(cold, warm, hold, cycles, strict=True)
        )
        return NerveInjury(
            _ro(s), _ro(cold), _ro(warm), _ro(frac), classes, th, _ro(hold), _ro(cycles)
        )

    def skin_min_temperature(self) -> float:
        """Lowest temperature reached in the top row of cells (the skin surface when the
        geometry has ``tip_depth``; otherwise the far top boundary)."""
        row = self.min_temperature[-1][self.tissue_mask[-1]]
        return float(row.min())

    def skin_stays_above(self, limit: float) -> bool:
        return self.skin_min_temperature() > limit

    # ------------------------------------------------------------ export
    def summary(self) -> dict[str, Any]:
        """A JSON-ready summary (no full fields)."""
        out: dict[str, Any] = {
            "setup": self.setup.to_dict(),
            "geometry": self.geometry_kind,
            "cells": int(self.tissue_mask.sum()),
            "times_s": self.times.tolist(),
            "iceball_radius_mm": (1e3 * self.iceball_radius).tolist(),
            "iceball_length_mm": (1e3 * self.iceball_length).tolist(),
            "isotherm_radius_mm": {
                f"{lvl:g}": (1e3 * self.isotherm_radius(lvl)).tolist() for lvl in self.thresholds
            },
            "min_temperature_c": float(self.min_temperature[self.tissue_mask].min()),
            "probe_power_w_max": float(self.probe_power_w.max())
            if len(self.probe_power_w)
            else 0.0,
            "energy": self.energy,
            "newton": {
                "max_iterations": self.newton_max_iterations,
                "step_halvings": self.newton_step_halvings,
            },
        }
        if self.thermocouple_points:
            out["thermocouples"] = [
                {"r_m": p[0], "z_m": p[1], "min_c": float(v.min()), "final_c": float(v[-1])}
                for p, v in zip(
                    self.thermocouple_points, self.thermocouple_temperatures, strict=True
                )
            ]
        return out
