"""The planner: the shortest freeze protocol within clinical limits that gives the whole
nerve cross-section the target dose (below the target temperature, held there
``target_hold_s`` or taken there in ``target_cycles`` complete freeze-thaw cycles:
docs/physics/injury.md) while sparing the skin and the structures to spare; placement
tolerance, ice ball, warnings, sensitivity.

Search (fast because one run gives the temperature history of every point):

1. One run of the longest protocol (``cycles_max x freeze_max / thaw_min``), stopped as
   soon as every sample of the nerve cross-section has had its dose: that time inside
   the first freeze *is* the shortest single freeze; in a later cycle it says how many
   cycles that freeze length needs.
2. For ``n >= 2`` cycles, equal freezes: bisection over the freeze grid (10 s steps), each
   probe run stopped at the dose, results cached (one run answers every ``n``).
3. Candidates sorted by total duration (freezes + thaws between), fewer cycles first on a
   tie; the first one whose full ("decision") run gives the nerve its dose and keeps the
   skin and every structure to spare within limits is the plan.

Near the ends of the active segment the split scheme is several degrees warm (issue 12
§4): when a sample of the nerve, of a structure or the skin above the probe lies there
(:func:`split_error_points`), the decision runs use the unsplit ``"coupled"`` scheme
(and the search too, for the nerve); see docs/physics/design.md.

The thaw between freezes is the shortest allowed: a shorter passive thaw leaves colder
tissue for the next freeze, so it is both shorter and reaches further (checked in the
tests). A trailing thaw is not simulated (after-cooling of the nerve, and its time below
the target after the last freeze, are ignored: safe for the target).

Solver grid: ``grid="coarse"`` (0.2 mm cells at the probe growing x1.15 to 2 mm, a
smaller domain, dt 2 s) is what keeps a plan under a second; it is within about 0.5 degC
of a converged reference (0.05 mm cells, dt 0.25 s) at the nerve, on the warm (safe) side,
and the tests check it against ``"fine"`` (the physics default, 0.1 mm x1.15, dt 1 s).
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cryoneuro.physics import (
    CORNER_DISTANCE,
    Axisymmetric,
    CryogenLimited,
    FreezeResult,
    InjuryClass,
    LayeredTissue,
    Observer,
    Phase,
    Protocol,
    StepState,
    classify,
    cryogen_preset,
    simulate,
    tissue_preset,
)
from cryoneuro.physics.kernels import NewtonNotConverged
from cryoneuro.physics.observers import CYCLE_THAW_C
from cryoneuro.physics.result import bilinear_weights
from cryoneuro.planning.geometry import ProbeFrame
from cryoneuro.planning.inputs import PlanInputError, PlanInputs

FloatArray = NDArray[np.float64]

__all__ = [
    "Candidate",
    "Plan",
    "PlanComputationError",
    "ProtocolChoice",
    "make_plan",
    "software_version",
]


class PlanComputationError(RuntimeError):
    """The solver returned something physically impossible: the plan is not usable."""


MIN_SKIN_CLEARANCE_M = 1e-3
"""The freezing segment must stay at least 1 mm under the skin (software choice)."""

VESSEL_WARNING_MARGIN_M = 2e-3
"""A vessel whose wall lies within 2 mm of the ice ball (or in it) gets the heat-sink
warning (software choice: the model cannot represent the vessel)."""

SKIN_CLOSE_MARGIN_C = 10.0
"""Warn when the skin cools to within 10 degC of its limit (software choice)."""

TIGHT_TOLERANCE_M = 0.5e-3
"""Warn when the placement tolerance is under 0.5 mm, about what ultrasound-guided needle
placement can be trusted to (software choice, unverified)."""

RECOMMENDED_PLACEMENT_MARGIN_M = TIGHT_TOLERANCE_M
"""The placement margin the clinic's pages propose (the plan form's default, the demo's
plans): the protocol must still reach the target with the probe this much further from the
nerve, so the plan's tolerance is at least the one under which the planner warns. Since the
target needs a hold below it (``ClinicalLimits.target_hold_s``), the shortest protocol for
the exact position leaves only a few tenths of a millimetre (software choice)."""

GRID_DT: dict[str, float] = {"coarse": 2.0, "fine": 1.0}
"""Solver time step (s) per grid (tests measure the accuracy of the coarse setting)."""

SENSITIVITY_FACTOR = 0.20
"""+/-20 % on tissue properties and probe cooling (issue 4)."""

END_ZONE_M = 5e-3
"""The split scheme's error near and beyond the ends of the active segment (measured on
the planner's coarse grid at dt 2 s, 16 G / N2O / muscle, against the unsplit scheme:
up to +26 degC within 1 mm of the tip face or the segment's end, +8 degC at 1-2 mm,
+5 degC at 2-5 mm, <= 2.7 degC beyond 5 mm; within the lateral band, more than
``CORNER_DISTANCE`` from both ends, <= 1.6 degC at any distance; docs/physics/design.md).
A decision point (a nerve or structure sample, the skin above the probe) that lies
outside that band and within this distance of an end face makes the planner use the
unsplit ``"coupled"`` scheme for the runs that decide: see :func:`split_error_points`."""

SENSITIVITY_DT = 3.0
"""The sensitivity runs use a cheaper grid (0.2 mm x1.3 to 3 mm, dt 3 s): each change is
the difference between a perturbed and an unperturbed run on that grid, added to the
plan's own figures (grid errors largely cancel in the difference; tested)."""


def software_version() -> str:
    try:
        from importlib.metadata import version

        return version("cryoneuro")
    except Exception:  # pragma: no cover - not installed
        return "0+unknown"


# ---------------------------------------------------------------- nerve samples
def cross_section(r: float, z: float, d: float) -> FloatArray:
    """The 25 sample points of a nerve cross-section (as FreezeResult.nerve_cross_section_min)."""
    ang = np.linspace(0.0, 2 * np.pi, 12, endpoint=False)
    pts = [(r, z)]
    for rad in (0.25 * d, 0.5 * d):
        pts.extend((r + rad * math.cos(a), z + rad * math.sin(a)) for a in ang)
    return np.array(pts)


class _Reached(Exception):
    pass


class CrossingObserver(Observer):
    """Records, for each point, when it has had its dose below ``level``: it has crossed
    ``level`` and either spent ``hold_s`` seconds below it in all or been taken below it
    in ``min_cycles`` complete freeze-thaw cycles (thawed above ``thaw_c`` in between;
    the injury rule of :mod:`cryoneuro.physics.injury`); optionally stops the run
    (raises) once every point has. ``hold_s=0``: the first crossing. The time below is
    counted per step (backward rectangle, like the solver's ``TimeBelow``)."""

    def __init__(
        self,
        points: FloatArray,
        level: float,
        stop: bool = True,
        hold_s: float = 0.0,
        min_cycles: int = 1,
        thaw_c: float = CYCLE_THAW_C,
    ) -> None:
        self.points = np.asarray(points, float)
        self.level = float(level)
        self.stop = stop
        self.hold_s = float(hold_s)
        self.min_cycles = int(min_cycles)
        self.thaw_c = float(thaw_c)

    def start(self, model: Any, t: float, T: FloatArray, H: FloatArray) -> None:
        self.idx, self.w = bilinear_weights(model.rc, model.zc, self.points)
        n = len(self.points)
        self.first = np.full(n, np.inf)
        self.done = np.full(n, np.inf)
        self.tmin = np.full(n, np.inf)
        self.time_below = np.zeros(n)
        self.cycles = np.zeros(n)
        self._armed = np.zeros(n, bool)

    def step(self, s: StepState) -> None:
        v = np.sum(s.T.reshape(-1)[self.idx] * self.w, axis=1)
        np.minimum(self.tmin, v, out=self.tmin)
        below = v <= self.level
        self.time_below += s.dt * below
        new_cycle = below & ~self._armed
        self.cycles += new_cycle
        self._armed |= new_cycle
        self._armed &= ~(v > self.thaw_c)
        self.first[below & ~np.isfinite(self.first)] = s.t
        held = np.isfinite(self.first) & (
            (self.time_below >= self.hold_s - 1e-9) | (self.cycles >= self.min_cycles)
        )
        new = held & ~np.isfinite(self.done)
        if new.any():
            self.done[new] = s.t
            if self.stop and np.isfinite(self.done).all():
                raise _Reached

    @property
    def all_time(self) -> float:
        """When the last point had its dose (inf: not within the run)."""
        return float(self.done.max())

    def dose(self, part: slice = slice(None)) -> dict[str, float]:
        """The figures of a cross-section (the points ``part``) for
        :func:`~cryoneuro.physics.injury.classify`: coldest and warmest minimum
        temperature, least time below ``level``, fewest complete freeze-thaw cycles."""
        return {
            "coldest_c": float(self.tmin[part].min()),
            "warmest_c": float(self.tmin[part].max()),
            "time_below_s": float(self.time_below[part].min()),
            "cycles": float(self.cycles[part].min()),
        }


def split_error_points(
    probe: Any, points: FloatArray, distance: float = END_ZONE_M
) -> NDArray[np.bool_]:
    """Which probe-frame points ``(r, z)`` lie where the split scheme's error is large:
    outside the lateral band ``CORNER_DISTANCE <= z <= L - CORNER_DISTANCE`` and within
    ``distance`` of the tip face (``z = 0``, ``r <= R``) or of the end of the active
    segment (``z = L``) (see :data:`END_ZONE_M`)."""
    pts = np.atleast_2d(np.asarray(points, float))
    r, z = pts[:, 0], pts[:, 1]
    radius, length = probe.radius, probe.active_length
    off = np.maximum(r - radius, 0.0)
    d_end = np.minimum(np.hypot(off, z), np.hypot(off, z - length))
    band = (z >= CORNER_DISTANCE) & (z <= length - CORNER_DISTANCE)
    out: NDArray[np.bool_] = ~band & (d_end <= distance)
    return out


# ---------------------------------------------------------------- results
@dataclass(frozen=True)
class ProtocolChoice:
    cycles: int
    freeze_s: float
    thaw_s: float

    @property
    def total_s(self) -> float:
        return self.cycles * self.freeze_s + (self.cycles - 1) * self.thaw_s

    @property
    def compact(self) -> str:
        if self.cycles == 1:
            return f"{self.freeze_s:g}"
        return f"{self.cycles}x{self.freeze_s:g}/{self.thaw_s:g}"

    def protocol(self) -> Protocol:
        return Protocol.parse(self.compact)

    def to_dict(self) -> dict[str, Any]:
        return {
            "cycles": self.cycles,
            "freeze_s": self.freeze_s,
            "thaw_s": self.thaw_s,
            "total_s": self.total_s,
            "compact": self.compact,
        }


@dataclass
class Candidate:
    choice: ProtocolChoice
    ok: bool = False
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {**self.choice.to_dict(), "ok": self.ok, "reasons": list(self.reasons)}


@dataclass
class Plan:
    """The planner's answer. ``to_dict()`` is what is stored and shown."""

    inputs: PlanInputs
    feasible: bool
    protocol: ProtocolChoice | None
    reasons: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    nerve: dict[str, Any]
    tolerance: dict[str, Any]
    iceball: dict[str, Any]
    skin: dict[str, Any]
    structures: list[dict[str, Any]]
    sensitivity: list[dict[str, Any]]
    candidates: list[Candidate]
    geometry: dict[str, Any]
    isotherms: dict[str, list[list[list[float]]]]
    setup: dict[str, Any]
    timings: dict[str, float]
    software_version: str
    result: FreezeResult | None = None
    frame: ProbeFrame | None = None

    @property
    def status(self) -> str:
        return "feasible" if self.feasible else "infeasible"

    def to_dict(self, procedure_date: date | None = None) -> dict[str, Any]:
        from cryoneuro.planning.clinical import relief_window

        return _finite(
            {
                "status": self.status,
                "relief_window": relief_window(self.inputs, procedure_date),
                "feasible": self.feasible,
                "protocol": self.protocol.to_dict() if self.protocol else None,
                "reasons": self.reasons,
                "warnings": self.warnings,
                "nerve": self.nerve,
                "tolerance": self.tolerance,
                "iceball": self.iceball,
                "skin": self.skin,
                "structures": self.structures,
                "sensitivity": self.sensitivity,
                "candidates": [c.to_dict() for c in self.candidates],
                "geometry": self.geometry,
                "isotherms_mm": self.isotherms,
                "setup": self.setup,
                "inputs": self.inputs.to_dict(),
                "timings_s": self.timings,
                "software_version": self.software_version,
            }
        )


def _finite(x: Any) -> Any:
    """JSON-safe: numpy scalars to floats, non-finite floats to None (strict JSON)."""
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_finite(v) for v in x]
    if isinstance(x, np.floating | float):
        v = float(x)
        return v if math.isfinite(v) else None
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.bool_):
        return bool(x)
    return x


def _msg(
    code: str, message: str, advice: str, severity: str = "warning", **params: Any
) -> dict[str, Any]:
    """A reason or warning: English text, plus its code and numbers (``params``) so that
    an interface can say it in another language."""
    return {
        "code": code,
        "message": message,
        "advice": advice,
        "severity": severity,
        "params": params,
    }


# ---------------------------------------------------------------- the model
class _Runner:
    """Builds and runs the solver for one set of inputs (with optional perturbations)."""

    def __init__(self, inp: PlanInputs, frame: ProbeFrame, extra_r: float, extra_below: float):
        self.inp = inp
        self.frame = frame
        self.probe = inp.probe_obj
        self.cryogen = cryogen_preset(inp.resolved_cryogen)
        self.device = inp.device
        scale = frame.layer_scale
        layers = []
        for name, th in inp.layers:
            layers.append((tissue_preset(name), th * scale if math.isfinite(th) else math.inf))
        self.tissue = LayeredTissue.of(*layers)
        r_max = max(0.02, extra_r + 6e-3)
        below = max(0.012, extra_below + 6e-3)
        if inp.grid == "coarse":
            self.geometry = Axisymmetric(
                r_max=r_max,
                below_tip=below,
                h_min=2e-4,
                stretch=1.15,
                h_max=2e-3,
                tip_depth=frame.model_tip_depth,
            )
        else:
            self.geometry = Axisymmetric(
                r_max=max(0.025, r_max), below_tip=max(0.02, below), tip_depth=frame.model_tip_depth
            )
        self.dt = GRID_DT[inp.grid]
        self.cheap_geometry = Axisymmetric(
            r_max=r_max,
            below_tip=below,
            h_min=2e-4,
            stretch=1.3,
            h_max=3e-3,
            tip_depth=frame.model_tip_depth,
        )
        self.runs = 0
        self.scheme = "implicit"  # of the search runs
        self.decision_scheme = "implicit"  # of the runs whose figures are the plan's

    def boundary(self, power: float = 1.0, gas_shift: float = 1.0) -> CryogenLimited:
        if self.device is not None:
            # a library device: gas temperature, wall coefficient and power ceiling from the
            # Joule-Thomson probe model (issue 12), scaled like the presets for sensitivity
            jt = self.device.boundary()
            op = jt.point
            return CryogenLimited(
                op.gas_temperature * gas_shift, jt.wall_h * power, op.max_power * power
            )
        return CryogenLimited(
            self.cryogen.gas_temperature * gas_shift,
            self.probe.h * power,
            self.probe.max_power_w * power,
        )

    def tissue_scaled(self, k: float = 1.0, c: float = 1.0, perf: float = 1.0) -> LayeredTissue:
        if k == c == perf == 1.0:
            return self.tissue
        from cryoneuro.physics import Layer

        return LayeredTissue(
            tuple(
                Layer(
                    layer.tissue.with_(
                        k_unfrozen=layer.tissue.k_unfrozen * k,
                        k_frozen=layer.tissue.k_frozen * k,
                        c_unfrozen=layer.tissue.c_unfrozen * c,
                        c_frozen=layer.tissue.c_frozen * c,
                        latent_heat=layer.tissue.latent_heat * c,
                        perfusion=layer.tissue.perfusion * perf,
                    ),
                    layer.thickness,
                )
                for layer in self.tissue.layers
            )
        )

    def run(
        self,
        choice: ProtocolChoice | Protocol,
        observers: Sequence[Observer] = (),
        tissue: LayeredTissue | None = None,
        boundary: CryogenLimited | None = None,
        cheap: bool = False,
        scheme: str | None = None,
    ) -> FreezeResult | None:
        self.runs += 1
        protocol = choice if isinstance(choice, Protocol) else choice.protocol()
        try:
            res: FreezeResult = simulate(
                probe=self.probe,
                cryogen=self.cryogen,
                tissue=tissue or self.tissue,
                protocol=protocol,
                boundary=boundary or self.boundary(),
                geometry=self.cheap_geometry if cheap else self.geometry,
                output_interval=1e6,
                observers=observers,
                dt=SENSITIVITY_DT if cheap else self.dt,
                thresholds=(0.0, self.inp.limits.target_c, self.inp.limits.permanent_c),
                scheme="implicit" if cheap else (scheme or self.scheme),  # type: ignore[arg-type]
            )
        except _Reached:
            return None
        except NewtonNotConverged as exc:
            raise PlanComputationError(
                f"the freeze simulation did not converge ({exc}); the plan was not made: "
                "please report this with the inputs"
            ) from exc
        coldest = float(res.min_temperature[res.tissue_mask].min())
        bnd = boundary or self.boundary()
        if not (bnd.gas_temperature - 5.0 <= coldest <= 60.0):
            raise PlanComputationError(
                f"the freeze simulation returned {coldest:.3g} degC, colder than the probe's gas "
                f"({bnd.gas_temperature:g} degC): the result is not physical, the plan was not made; "
                "please report this with the inputs"
            )
        return res

    def decision_run(
        self, choice: ProtocolChoice | Protocol, *point_sets: FloatArray
    ) -> tuple[FreezeResult, list[dict[str, float]], CrossingObserver]:
        """The run whose figures become the plan's (skin, structures, nerve class), with
        the dose below the target of each nerve cross-section in ``point_sets``
        (:meth:`CrossingObserver.dose`); in the unsplit scheme when a decision point lies
        where the split error is large (``decision_scheme``)."""
        lim = self.inp.limits
        sizes = [len(p) for p in point_sets]
        obs = CrossingObserver(
            np.concatenate(point_sets),
            lim.target_c,
            stop=False,
            hold_s=lim.target_hold_s,
            min_cycles=lim.target_cycles,
        )
        res = self.run(choice, [obs], scheme=self.decision_scheme)
        assert res is not None
        edges = np.cumsum([0, *sizes])
        doses = [obs.dose(slice(int(a), int(b))) for a, b in itertools.pairwise(edges)]
        return res, doses, obs


# ---------------------------------------------------------------- analysis helpers
def _tolerance_centres(
    inp: PlanInputs, r0: float, z0: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Nerve centres the tolerance is scanned over: radially at ``z0`` (from the probe
    wall out to 15 mm beyond ``r0``, 0.05 mm apart) and axially at ``r0`` (+/-15 mm,
    0.1 mm apart); returns (rs, zs, centres ``(len(rs) + len(zs), 2)``)."""
    r_min = inp.probe_obj.radius + 0.5 * inp.diameter
    rs = np.arange(r_min, r0 + 0.015, 5e-5)
    zs = np.arange(z0 - 0.015, z0 + 0.015, 1e-4)
    centres = np.concatenate(
        [np.stack([rs, np.full(len(rs), z0)], 1), np.stack([np.full(len(zs), r0), zs], 1)]
    )
    return rs, zs, centres


def _cross_sections(centres: FloatArray, d: float) -> FloatArray:
    """The 25 samples of the cross-section around each centre, ``(ncentres * 25, 2)``."""
    offs = cross_section(0.0, 0.0, d)
    pts = (centres[:, None, :] + offs[None, :, :]).reshape(-1, 2)
    pts[:, 0] = np.abs(pts[:, 0])
    return pts


def _values_from_field(
    res: FreezeResult, inp: PlanInputs, centres: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(warmest minimum temperature, least time below the target, fewest freeze-thaw
    cycles) over the cross-section at each centre, from the result's cell fields."""
    pts = _cross_sections(centres, inp.diameter)
    n = len(centres)
    target = inp.limits.target_c
    warm = res.min_temperature_at(pts).reshape(n, -1).max(axis=1)
    hold = res.time_below_at(target, pts).reshape(n, -1).min(axis=1)
    cycles = res.cycles_below_at(target, pts).reshape(n, -1).min(axis=1)
    return warm, hold, cycles


def _values_from_observer(
    obs: CrossingObserver, part: slice, n: int
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The same figures from a :class:`CrossingObserver` that sampled the cross-sections
    of ``n`` centres (its points ``part``): the temperature history at the points
    themselves, as the search sees it."""
    return (
        obs.tmin[part].reshape(n, -1).max(axis=1),
        obs.time_below[part].reshape(n, -1).min(axis=1),
        obs.cycles[part].reshape(n, -1).min(axis=1),
    )


def _tolerance(
    inp: PlanInputs,
    r0: float,
    z0: float,
    values: tuple[FloatArray, FloatArray, FloatArray],
) -> dict[str, Any]:
    """How far the probe may lie from the planned position and the whole cross-section
    still gets the target dose (below the target, held long enough or for enough
    cycles: :mod:`cryoneuro.physics.injury`): radially (further from the nerve) and
    along the probe axis. ``values``: (warmest, hold, cycles) at
    :func:`_tolerance_centres`' centres."""
    lim = inp.limits
    target, need = lim.target_c, lim.target_hold_s
    rs, zs, _ = _tolerance_centres(inp, r0, z0)
    warm_all, hold_all, cyc_all = values
    nr = len(rs)
    w, hold, cyc = warm_all[:nr], hold_all[:nr], cyc_all[:nr]
    ok = (w <= target) & ((hold >= need - 1e-9) | (cyc >= lim.target_cycles))
    # the centre nearest r0 (np.arange accumulates: r0 itself may sit a hair above rs[k])
    i0 = int(np.argmin(np.abs(rs - r0)))
    radial = 0.0
    if ok[i0]:
        j = i0
        while j + 1 < len(rs) and ok[j + 1]:
            j += 1
        rc = rs[j]
        if j + 1 < len(rs):
            # linear interpolation of the crossing of whichever criterion fails first
            if w[j + 1] > target:
                a, b, lvl = w[j], w[j + 1], target
            else:
                a, b, lvl = hold[j], hold[j + 1], need
            if b != a:
                rc = rs[j] + (rs[j + 1] - rs[j]) * float(np.clip((lvl - a) / (b - a), 0.0, 1.0))
        radial = max(0.0, float(rc - r0))
    wz, hz, cz = warm_all[nr:], hold_all[nr:], cyc_all[nr:]
    okz = (wz <= target) & ((hz >= need - 1e-9) | (cz >= lim.target_cycles))
    k0 = int(np.argmin(np.abs(zs - z0)))
    axial = [0.0, 0.0]
    if okz[k0]:
        lo = k0
        while lo - 1 >= 0 and okz[lo - 1]:
            lo -= 1
        hi = k0
        while hi + 1 < len(zs) and okz[hi + 1]:
            hi += 1
        axial = [float(zs[lo] - z0), float(zs[hi] - z0)]
    return {
        "radial_mm": 1e3 * radial,
        "max_offset_mm": 1e3 * (r0 + radial),
        "axial_mm": [1e3 * axial[0], 1e3 * axial[1]],
        "meaning": "the probe axis may lie up to radial_mm further from the nerve than planned, "
        "and the nerve may sit within axial_mm along the probe, and the whole cross-section "
        f"still reaches the target ({target:g} degC, held {need:g} s or "
        f"{lim.target_cycles} freeze-thaw cycles)",
    }


def _contours(res: FreezeResult, frame: ProbeFrame, level: float) -> list[list[list[float]]]:
    """Isotherm polylines of the minimum-temperature field in the nerve frame (mm), both
    sides of the axis."""
    out: list[list[list[float]]] = []
    try:
        lines = res.contours(level)
    except Exception:
        return out
    for line in lines:
        if len(line) < 2:
            continue
        for side in (1.0, -1.0):
            pts = frame.to_nerve_frame(line, side)
            out.append([[round(1e3 * float(x), 3), round(1e3 * float(y), 3)] for x, y in pts])
    return out


# ---------------------------------------------------------------- the planner
def make_plan(inp: PlanInputs) -> Plan:
    """Plan one probe position for one nerve (see the module docstring)."""
    t_start = time.perf_counter()
    lim = inp.limits
    probe = inp.probe_obj
    frame = ProbeFrame(
        inp.depth,
        inp.approach_angle,
        inp.resolved_offset,
        inp.resolved_along,
        probe.active_length,
        inp.offset_side,
    )
    warnings: list[dict[str, Any]] = []
    reasons: list[dict[str, Any]] = []
    geometry = {
        "tip_mm": (1e3 * frame.tip).tolist(),
        "entry_mm": (1e3 * frame.entry).tolist(),
        "axis_u": frame.u.tolist(),
        "insertion_mm": 1e3 * frame.insertion_length,
        "active_top_depth_mm": 1e3 * frame.active_top_depth,
        "offset_mm": 1e3 * frame.offset,
        "along_mm": 1e3 * frame.along,
        "active_length_mm": 1e3 * probe.active_length,
        "probe_radius_mm": 1e3 * probe.radius,
        "model_tip_depth_mm": 1e3 * frame.model_tip_depth,
        "layer_scale": frame.layer_scale,
        "approximation": "axisymmetric solver about the probe; oblique needles: skin at the true "
        "clearance of the freezing segment, layers scaled (see planning.geometry)",
    }
    empty: dict[str, Any] = {
        "nerve": {},
        "tolerance": {},
        "iceball": {},
        "skin": {},
        "structures": [],
        "sensitivity": [],
        "candidates": [],
        "isotherms": {},
        "setup": {},
    }

    def infeasible(**kw: Any) -> Plan:
        data = {**empty, **kw}
        return Plan(
            inp,
            False,
            None,
            reasons,
            warnings,
            geometry=geometry,
            timings={"total": time.perf_counter() - t_start},
            software_version=software_version(),
            frame=frame,
            **data,
        )

    # ---- reach and clearance
    if frame.insertion_length > inp.resolved_reach:
        reasons.append(
            _msg(
                "too_deep",
                f"the nerve is too deep for this probe: the tip would be {1e3 * frame.insertion_length:.0f} mm "
                f"along the needle, which reaches {1e3 * inp.resolved_reach:.0f} mm",
                "use a steeper approach (closer to 90 degrees), a longer needle, or another route",
                "error",
                insertion_mm=1e3 * frame.insertion_length,
                reach_mm=1e3 * inp.resolved_reach,
            )
        )
        return infeasible()
    if frame.active_top_depth < MIN_SKIN_CLEARANCE_M:
        reasons.append(
            _msg(
                "too_shallow",
                f"the freezing segment would come within {1e3 * max(frame.active_top_depth, 0):.1f} mm "
                "of the skin (or out of it) at this angle",
                "use a flatter approach along the nerve, a probe with a shorter freezing segment, or place "
                "the nerve nearer the tip (smaller 'along')",
                "error",
                clearance_mm=1e3 * max(frame.active_top_depth, 0),
            )
        )
        return infeasible()

    r0, z0 = frame.offset, frame.along
    struct_rz = frame.to_probe(np.array([[s.x, s.depth] for s in inp.structures]).reshape(-1, 2))
    extra_r = max(
        [
            r0 + inp.diameter,
            *(
                float(rz[0]) + 0.5 * s.diameter
                for rz, s in zip(struct_rz, inp.structures, strict=True)
            ),
        ]
    )
    extra_below = max(
        [
            0.0,
            *(
                -float(rz[1]) + 0.5 * s.diameter
                for rz, s in zip(struct_rz, inp.structures, strict=True)
            ),
            -(z0 - inp.diameter),
        ]
    )
    try:
        runner = _Runner(inp, frame, extra_r, extra_below)
    except ValueError as exc:
        raise PlanInputError("geometry", str(exc)) from None
    # the search aims at the nerve moved away by the required placement margin
    pts = cross_section(r0 + inp.placement_margin, z0, inp.diameter)
    pts[:, 0] = np.abs(pts[:, 0])
    planned = cross_section(r0, z0, inp.diameter)
    planned[:, 0] = np.abs(planned[:, 0])
    # where the split scheme's error is large (ends of the active segment), the runs that
    # decide use the unsplit scheme: the search when the nerve lies there, the decision
    # runs when the nerve, a structure to spare or the skin above the probe does
    decision_points = {
        "nerve": np.concatenate([pts, planned]),
        "skin": np.array([[probe.radius, frame.model_tip_depth]]),
    }
    for s, rz in zip(inp.structures, struct_rz, strict=True):
        section = cross_section(float(rz[0]), float(rz[1]), s.diameter)
        section[:, 0] = np.abs(section[:, 0])
        decision_points[f"structure {s.name}"] = section
    near_ends = [k for k, v in decision_points.items() if split_error_points(probe, v).any()]
    runner.scheme = "coupled" if "nerve" in near_ends else "implicit"
    runner.decision_scheme = "coupled" if near_ends else "implicit"
    geometry["numerics"] = {
        "search_scheme": runner.scheme,
        "decision_scheme": runner.decision_scheme,
        "points_near_segment_ends": near_ends,
        "note": "the split scheme's error is large near and beyond the ends of the active "
        "segment; there the unsplit 'coupled' scheme decides (planning.planner.END_ZONE_M)",
    }

    n_lo, n_hi = lim.cycles
    thaw = lim.thaw_s[0]
    grid = lim.freeze_grid()
    # F -> (cycles simulated, crossing time, warmest nerve temperature reached)
    crossing: dict[float, tuple[int, float, float]] = {}

    def probe_run(f: float, n: int) -> tuple[float, float]:
        """Run n cycles of f (stopped at the crossing); a cached longer run answers too."""
        if f not in crossing or (crossing[f][0] < n and not math.isfinite(crossing[f][1])):
            obs = CrossingObserver(
                pts, lim.target_c, hold_s=lim.target_hold_s, min_cycles=lim.target_cycles
            )
            runner.run(ProtocolChoice(n, f, thaw), [obs])
            crossing[f] = (n, obs.all_time, float(obs.tmin.max()))
        return crossing[f][1], crossing[f][2]

    def cycles_needed(f: float, n: int) -> float:
        """Cycles of f needed to reach the target (inf when more than n)."""
        t, _ = probe_run(f, n)
        if not math.isfinite(t):
            return math.inf
        period = f + thaw
        k = int(t // period)
        within = t - k * period
        return float(k + 1 if within <= f + 1e-9 else k + 2)

    # n >= 2 cycles of f: w(f) = when the nerve crosses inside freeze n after n - 1 cycles
    # of f (that last freeze run up to f_max, stopped at the crossing); f works iff
    # w(f) <= f, and w grows as f shrinks (less pre-cooling), so the search is a root find.
    last_crossing: dict[tuple[float, int], float] = {}

    def last_freeze_crossing(f: float, n: int) -> float:
        if (f, n) not in last_crossing:
            phases: list[Phase] = []
            for _ in range(n - 1):
                phases += [Phase("freeze", f), Phase("passive_thaw", thaw)]
            phases.append(Phase("freeze", max(f, f_max)))
            obs = CrossingObserver(
                pts, lim.target_c, hold_s=lim.target_hold_s, min_cycles=lim.target_cycles
            )
            runner.run(Protocol(tuple(phases)), [obs])
            t = obs.all_time
            start = (n - 1) * (f + thaw)
            last_crossing[(f, n)] = max(0.0, t - start) if math.isfinite(t) else math.inf
        return last_crossing[(f, n)]

    def works(f: float, n: int) -> bool:
        return last_freeze_crossing(f, n) <= f + 1e-9

    t_search = time.perf_counter()
    f_max = grid[-1]
    t_star, warm_best = probe_run(f_max, n_hi)
    if not math.isfinite(t_star) or cycles_needed(f_max, n_hi) > n_hi:
        longest = ProtocolChoice(n_hi, f_max, thaw)
        res_longest, (dose_margin, dose_planned), _ = runner.decision_run(longest, pts, planned)
        dist = 1e3 * (r0 + inp.placement_margin + inp.diameter / 2)
        reasons.append(
            _msg(
                "target_not_reached",
                f"no protocol within the limits brings the whole nerve below {lim.target_c:g} degC "
                f"for {lim.target_hold_s:g} s (or {lim.target_cycles} complete freeze-thaw cycles): "
                f"the longest ({longest.compact}) reaches only {warm_best:.1f} degC at the nerve's "
                f"warmest point ({dist:.1f} mm from the probe axis), which spends "
                f"{dose_margin['time_below_s']:.0f} s below {lim.target_c:g} degC",
                "place the probe closer to the nerve (touching it), use a larger probe or a colder "
                "cryogen, or treat a thick nerve with two passes on either side",
                "error",
                target_c=lim.target_c,
                longest=longest.compact,
                warmest_c=warm_best,
                distance_mm=dist,
                hold_s=lim.target_hold_s,
                cycles=lim.target_cycles,
                time_below_s=dose_margin["time_below_s"],
            )
        )
        return _finish(
            inp,
            frame,
            runner,
            res_longest,
            None,
            [Candidate(longest, False, ["target not reached"])],
            reasons,
            warnings,
            geometry,
            t_start,
            t_search,
            feasible=False,
            dose=dose_planned,
        )

    # shortest freeze per number of cycles
    best: dict[int, float] = {}
    for n in range(n_lo, n_hi + 1):
        if n == 1:
            if cycles_needed(f_max, n_hi) <= 1:
                f1 = next(f for f in grid if f >= t_star - 1e-9)
                best[1] = f1
            continue
        # only freezes that can beat the shortest protocol found so far are worth trying
        known = min((ProtocolChoice(m, f, thaw).total_s for m, f in best.items()), default=math.inf)
        usable = [f for f in grid if ProtocolChoice(n, f, thaw).total_s < known]
        if not usable:
            continue
        k = cycles_needed(f_max, n_hi)
        if k <= n_hi:
            last_crossing[(f_max, n)] = 0.0 if k < n else t_star - (n - 1) * (f_max + thaw)
        if not works(usable[-1], n):
            continue
        lo, hi = -1, len(usable) - 1  # usable[hi] works, usable[lo] fails (-1: none known)
        while hi - lo > 1:
            w_hi = last_freeze_crossing(usable[hi], n)
            w_lo = last_freeze_crossing(usable[lo], n) if lo >= 0 else math.nan
            if lo >= 0 and math.isfinite(w_lo):
                # secant on g(f) = w(f) - f: g(lo) > 0 >= g(hi)
                g_lo, g_hi = w_lo - usable[lo], w_hi - usable[hi]
                guess = usable[lo] + g_lo * (usable[hi] - usable[lo]) / (g_lo - g_hi)
            elif lo >= 0:
                guess = usable[(lo + hi) // 2]
            else:
                guess = w_hi  # as if freeze n took as long whatever the earlier freezes
            j = next((i for i, f in enumerate(usable) if f >= guess - 1e-9), hi)
            j = min(max(j, lo + 1), hi - 1)
            if works(usable[j], n):
                hi = j
            else:
                lo = j
        best[n] = usable[hi]
    t_search = time.perf_counter() - t_search

    cands = sorted(
        (ProtocolChoice(n, f, thaw) for n, f in best.items()), key=lambda c: (c.total_s, c.cycles)
    )
    evaluated: list[Candidate] = []
    chosen: Candidate | None = None
    res: FreezeResult | None = None
    dose: dict[str, float] = {}
    _, _, centres = _tolerance_centres(inp, r0, z0)
    tol_pts = _cross_sections(centres, inp.diameter)
    tol_part = slice(len(pts) + len(planned), None)
    tol_values: tuple[FloatArray, FloatArray, FloatArray] | None = None
    queue = list(cands)
    while queue:
        c = queue.pop(0)
        cand = Candidate(c)
        r, (d_margin, d_planned, _), obs = runner.decision_run(c, pts, planned, tol_pts)
        target_miss = _target_violations(inp, d_margin, runner.decision_scheme)
        cand.reasons = target_miss + _violations(r, inp, frame, struct_rz)
        cand.ok = not cand.reasons
        evaluated.append(cand)
        if target_miss and len(cand.reasons) == 1 and c.freeze_s < f_max:
            # the search ran on the split scheme, the check on the unsplit one, and the
            # nerve just misses: the next freeze on the grid joins the candidates
            longer = ProtocolChoice(c.cycles, next(f for f in grid if f > c.freeze_s), thaw)
            if longer not in queue:
                queue.append(longer)
                queue.sort(key=lambda x: (x.total_s, x.cycles))
        if cand.ok:
            chosen, res, dose = cand, r, d_planned
            tol_values = _values_from_observer(obs, tol_part, len(centres))
            break
        if res is None:
            res, dose = r, d_planned
    if chosen is None:
        first = evaluated[0] if evaluated else None
        detail = "; ".join(first.reasons) if first else "no candidate"
        reasons.append(
            _msg(
                "constraints",
                f"the shortest protocols that reach the nerve ({', '.join(c.choice.compact for c in evaluated)}) "
                f"harm a structure to spare: {detail}",
                "move the probe away from the structure (see the tolerance), change the approach angle, "
                "protect the skin (warming, saline), or accept the risk after review",
                "error",
                protocols=", ".join(c.choice.compact for c in evaluated),
            )
        )
        return _finish(
            inp,
            frame,
            runner,
            res,
            None,
            evaluated,
            reasons,
            warnings,
            geometry,
            t_start,
            t_search,
            feasible=False,
            dose=dose,
        )
    return _finish(
        inp,
        frame,
        runner,
        res,
        chosen.choice,
        evaluated,
        reasons,
        warnings,
        geometry,
        t_start,
        t_search,
        feasible=True,
        dose=dose,
        tol_values=tol_values,
    )


def _nerve_class(inp: PlanInputs, dose: dict[str, float]) -> InjuryClass:
    """The injury class of a nerve cross-section from its dose (minimum temperatures,
    time below the target, freeze-thaw cycles: :func:`cryoneuro.physics.classify`)."""
    return classify(
        dose["coldest_c"],
        dose["warmest_c"],
        dose["time_below_s"],
        int(dose["cycles"]),
        inp.limits.thresholds,
    )


def _target_violations(inp: PlanInputs, dose: dict[str, float], scheme: str) -> list[str]:
    """The search found this protocol on the split scheme; the decision run (unsplit near
    the segment's ends) must confirm that the nerve (at the placement margin) is in the
    target class."""
    lim = inp.limits
    if _nerve_class(inp, dose) >= InjuryClass.AXONOTMESIS:
        return []
    return [
        f"the nerve's warmest point reaches {dose['warmest_c']:.1f} degC and spends "
        f"{dose['time_below_s']:.0f} s ({dose['cycles']:.0f} freeze-thaw cycles) below "
        f"{lim.target_c:g} degC in the {scheme} check run (needs {lim.target_hold_s:g} s or "
        f"{lim.target_cycles} cycles)"
    ]


def _violations(
    res: FreezeResult, inp: PlanInputs, frame: ProbeFrame, struct_rz: FloatArray
) -> list[str]:
    lim = inp.limits
    out = []
    skin = res.skin_min_temperature()
    if skin <= lim.skin_limit_c:
        out.append(f"skin surface reaches {skin:.1f} degC (limit {lim.skin_limit_c:g} degC)")
    cold, _ = res.nerve_cross_section_min(frame.offset, frame.along, inp.diameter)
    if cold <= lim.permanent_c:
        out.append(
            f"part of the nerve reaches {cold:.0f} degC, below the permanent-injury limit "
            f"{lim.permanent_c:g} degC"
        )
    for s, rz in zip(inp.structures, struct_rz, strict=True):
        if s.kind == "vessel":
            continue
        c, _ = res.nerve_cross_section_min(float(rz[0]), float(rz[1]), s.diameter)
        if c <= lim.spare_limit_c:
            out.append(f"{s.name} reaches {c:.1f} degC (limit {lim.spare_limit_c:g} degC)")
    return out


def _finish(
    inp: PlanInputs,
    frame: ProbeFrame,
    runner: _Runner,
    res: FreezeResult | None,
    choice: ProtocolChoice | None,
    candidates: list[Candidate],
    reasons: list[dict[str, Any]],
    warnings: list[dict[str, Any]],
    geometry: dict[str, Any],
    t_start: float,
    t_search: float,
    *,
    feasible: bool,
    dose: dict[str, float],
    tol_values: tuple[FloatArray, FloatArray, FloatArray] | None = None,
) -> Plan:
    lim = inp.limits
    r0, z0, d = frame.offset, frame.along, inp.diameter
    assert res is not None
    t_an = time.perf_counter()
    cold, warm = res.nerve_cross_section_min(r0, z0, d)
    th = lim.thresholds
    nerve = {
        "coldest_c": cold,
        "warmest_c": warm,
        "target_c": lim.target_c,
        "margin_c": lim.target_c - warm,
        "class": _nerve_class(inp, dose).label,
        "time_below_target_s": dose["time_below_s"],
        "freeze_thaw_cycles": dose["cycles"],
        "hold_required_s": lim.target_hold_s,
        "cycles_required": lim.target_cycles,
        "permanent_c": lim.permanent_c,
        "permanent_verified": lim.permanent_verified,
        "unverified_thresholds": [k for k, ok in th.verified.items() if not ok],
        "injury_rule": th.to_dict(),
        "solver_scheme": runner.decision_scheme,
        "offset_mm": 1e3 * r0,
        "along_mm": 1e3 * z0,
        "diameter_mm": 1e3 * d,
    }
    tol = (
        _tolerance(inp, r0, z0, tol_values)
        if feasible and tol_values is not None
        else {"radial_mm": 0.0, "max_offset_mm": 1e3 * r0, "axial_mm": [0.0, 0.0]}
    )
    ice: dict[str, Any] = {
        "radius_mm": 1e3 * float(res.isotherm_radius(0.0).max()),
        "length_mm": 1e3 * float(res.isotherm_length(0.0).max()),
        "target_radius_mm": 1e3 * float(res.isotherm_radius(lim.target_c).max()),
        "target_length_mm": 1e3 * float(res.isotherm_length(lim.target_c).max()),
        "permanent_radius_mm": 1e3 * float(res.isotherm_radius(lim.permanent_c).max()),
        "note": "radius from the probe axis, length along it; largest over the protocol",
    }
    skin_min = res.skin_min_temperature()
    skin = {
        "min_c": skin_min,
        "limit_c": lim.skin_limit_c,
        "ok": skin_min > lim.skin_limit_c,
        "limit_verified": lim.skin_limit_verified,
        "clearance_mm": 1e3 * frame.active_top_depth,
    }
    struct_rz = frame.to_probe(np.array([[s.x, s.depth] for s in inp.structures]).reshape(-1, 2))
    structures = []
    for s, rz in zip(inp.structures, struct_rz, strict=True):
        c, _ = res.nerve_cross_section_min(float(rz[0]), float(rz[1]), s.diameter)
        gap = float(rz[0]) - 0.5 * s.diameter
        status = "ok"
        if s.kind == "vessel":
            ice_here = res.min_temperature_at(np.array([[max(gap, 0.0), float(rz[1])]]))[0]
            near = gap < 1e-3 * ice["radius_mm"] + VESSEL_WARNING_MARGIN_M
            status = "heat_sink" if ice_here <= 0.0 or near else "ok"
        elif c <= lim.spare_limit_c:
            status = "injury"
        elif c <= lim.transient_warning_c:
            status = "transient"
        structures.append(
            {
                "kind": s.kind,
                "label": s.name,
                "x_mm": 1e3 * s.x,
                "depth_mm": 1e3 * s.depth,
                "diameter_mm": 1e3 * s.diameter,
                "r_mm": 1e3 * float(rz[0]),
                "z_mm": 1e3 * float(rz[1]),
                "coldest_c": c,
                "status": status,
            }
        )
    _warn(inp, frame, nerve, skin, structures, tol, warnings, feasible)
    sens = (
        _sensitivity(inp, runner, choice, frame, res, tol, dose)
        if (inp.sensitivity and choice)
        else []
    )
    iso = {f"{lvl:g}": _contours(res, frame, lvl) for lvl in (0.0, lim.target_c, lim.permanent_c)}
    t_total = time.perf_counter() - t_start
    return Plan(
        inputs=inp,
        feasible=feasible,
        protocol=choice,
        reasons=reasons,
        warnings=warnings,
        nerve=nerve,
        tolerance=tol,
        iceball=ice,
        skin=skin,
        structures=structures,
        sensitivity=sens,
        candidates=candidates,
        geometry=geometry,
        isotherms=iso,
        setup=res.setup.to_dict(),
        timings={
            "total": t_total,
            "search": t_search,
            "analysis": time.perf_counter() - t_an,
            "solver_runs": float(runner.runs),
        },
        software_version=software_version(),
        result=res,
        frame=frame,
    )


def _warn(
    inp: PlanInputs,
    frame: ProbeFrame,
    nerve: dict[str, Any],
    skin: dict[str, Any],
    structures: list[dict[str, Any]],
    tol: dict[str, Any],
    warnings: list[dict[str, Any]],
    feasible: bool,
) -> None:
    lim = inp.limits
    if inp.nerve_type == "mixed":
        warnings.append(
            _msg(
                "mixed_target",
                "the target is a mixed nerve: a motor block lasting weeks to months is possible",
                "tell the patient; prefer a more distal, purely sensory branch when one exists",
            )
        )
    if not skin["ok"]:
        warnings.append(
            _msg(
                "skin_at_risk",
                f"the skin surface reaches {skin['min_c']:.1f} degC (limit {skin['limit_c']:g} degC)",
                "use a skin-warming device or warm saline, or a deeper or flatter trajectory so the freezing "
                "segment stays further from the skin",
                "error",
                min_c=skin["min_c"],
                limit_c=skin["limit_c"],
            )
        )
    elif skin["min_c"] < skin["limit_c"] + SKIN_CLOSE_MARGIN_C:
        warnings.append(
            _msg(
                "skin_close",
                f"the skin surface cools to {skin['min_c']:.1f} degC, within 10 degC of its limit",
                "watch the skin during the freeze; consider skin warming",
                min_c=skin["min_c"],
            )
        )
    if not lim.skin_limit_verified:
        warnings.append(
            _msg(
                "skin_limit_unverified",
                f"the skin limit {lim.skin_limit_c:g} degC is an unverified default",
                "set it to your clinic's practice",
                "info",
                limit_c=lim.skin_limit_c,
            )
        )
    for s in structures:
        if s["status"] == "injury":
            warnings.append(
                _msg(
                    "structure_in_zone",
                    f"{s['label']} lies in the injury zone ({s['coldest_c']:.1f} degC, "
                    f"{s['r_mm']:.1f} mm from the probe axis)",
                    "move or angle the probe away from it (the target allows "
                    f"{tol.get('radial_mm', 0):.1f} mm of offset), or choose another target level",
                    "error",
                    label=s["label"],
                    coldest_c=s["coldest_c"],
                    r_mm=s["r_mm"],
                    tolerance_mm=tol.get("radial_mm", 0.0),
                )
            )
        elif s["status"] == "transient":
            warnings.append(
                _msg(
                    "structure_cooled",
                    f"{s['label']} cools to {s['coldest_c']:.1f} degC: transient block possible",
                    "warn the patient of temporary weakness or numbness; move the probe away if possible",
                    label=s["label"],
                    coldest_c=s["coldest_c"],
                )
            )
        elif s["status"] == "heat_sink":
            warnings.append(
                _msg(
                    "vessel_heat_sink",
                    f"{s['label']} ({s['r_mm']:.1f} mm from the probe axis) warms the tissue "
                    "near it; the axisymmetric model does not include it, so the freeze on that side may fall short",
                    "place the probe on the side of the nerve away from the vessel, or add a cycle; check "
                    "with Doppler",
                    label=s["label"],
                    r_mm=s["r_mm"],
                )
            )
    if feasible and tol.get("radial_mm", 0.0) < 1e3 * TIGHT_TOLERANCE_M:
        warnings.append(
            _msg(
                "tight_tolerance",
                f"the placement tolerance is only {tol.get('radial_mm', 0.0):.2f} mm",
                "the probe must touch the nerve; consider a longer protocol or a larger probe",
                tolerance_mm=tol.get("radial_mm", 0.0),
            )
        )
    if nerve and nerve.get("coldest_c", 0.0) <= lim.permanent_c:
        warnings.append(
            _msg(
                "permanent_risk",
                f"part of the nerve reaches {nerve['coldest_c']:.0f} degC, below the "
                f"permanent-injury limit {lim.permanent_c:g} degC"
                + ("" if lim.permanent_verified else " (unverified limit)"),
                "move the probe slightly away from the nerve (within the tolerance)",
                "error",
                coldest_c=nerve["coldest_c"],
                limit_c=lim.permanent_c,
            )
        )


def _sensitivity(
    inp: PlanInputs,
    runner: _Runner,
    choice: ProtocolChoice,
    frame: ProbeFrame,
    full: FreezeResult,
    tol: dict[str, Any],
    dose: dict[str, float],
) -> list[dict[str, Any]]:
    f = SENSITIVITY_FACTOR
    cases: list[tuple[str, float, dict[str, float], dict[str, float]]] = []
    for sign in (-1.0, 1.0):
        m = 1.0 + sign * f
        cases += [
            ("tissue conductivity", sign * f, {"k": m}, {}),
            ("tissue heat capacity and latent heat", sign * f, {"c": m}, {}),
            ("blood perfusion", sign * f, {"perf": m}, {}),
            ("probe cooling power", sign * f, {}, {"power": m}),
            ("probe gas temperature", sign * f, {}, {"gas_shift": m}),
        ]
    lim = inp.limits
    r0, z0, d = frame.offset, frame.along, inp.diameter
    _, _, centres = _tolerance_centres(inp, r0, z0)

    def figures(res: FreezeResult) -> tuple[float, float, float, float, float]:
        _, warm = res.nerve_cross_section_min(r0, z0, d)
        hold, cycles = res.nerve_cross_section_dose(r0, z0, d, lim.target_c)
        tol_mm = _tolerance(inp, r0, z0, _values_from_field(res, inp, centres))["radial_mm"]
        return warm, hold, cycles, tol_mm, res.skin_min_temperature()

    base0 = runner.run(choice, cheap=True)
    assert base0 is not None
    _, warm_f = full.nerve_cross_section_min(r0, z0, d)
    hold_f, tol_f, skin_f = dose["time_below_s"], tol["radial_mm"], full.skin_min_temperature()
    warm_0, hold_0, _, tol_0, skin_0 = figures(base0)
    out = []
    for name, change, tk, bk in cases:
        r = runner.run(
            choice, tissue=runner.tissue_scaled(**tk), boundary=runner.boundary(**bk), cheap=True
        )
        assert r is not None
        warm, hold, cycles, tol_mm, skin = figures(r)
        warm_est = warm_f + (warm - warm_0)
        hold_est = max(0.0, hold_f + (hold - hold_0))
        held = hold_est >= lim.target_hold_s - 1e-9 or cycles >= lim.target_cycles
        out.append(
            {
                "parameter": name,
                "change": change,
                "margin_c": lim.target_c - warm_est,
                "time_below_target_s": hold_est,
                "reaches_target": bool(warm_est <= lim.target_c and held),
                "tolerance_mm": max(0.0, tol_f + (tol_mm - tol_0)),
                "skin_min_c": skin_f + (skin - skin_0),
            }
        )
    out.sort(key=lambda x: (x["parameter"], x["change"]))
    return out
