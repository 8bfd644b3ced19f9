"""The planner: the shortest freeze protocol within clinical limits that brings the whole
nerve cross-section below the target temperature while sparing the skin and the
structures to spare; placement tolerance, ice ball, warnings, sensitivity.

Search (fast because one run gives the temperature history of every point):

1. One run of the longest protocol (``cycles_max x freeze_max / thaw_min``), stopped as
   soon as every sample of the nerve cross-section has crossed the target: the crossing
   time inside the first freeze *is* the shortest single freeze; a crossing in a later
   cycle says how many cycles that freeze length needs.
2. For ``n >= 2`` cycles, equal freezes: bisection over the freeze grid (10 s steps), each
   probe run stopped at the crossing, results cached (one run answers every ``n``).
3. Candidates sorted by total duration (freezes + thaws between), fewer cycles first on a
   tie; the first one whose full run keeps the skin and every structure to spare within
   limits is the plan.

The thaw between freezes is the shortest allowed: a shorter passive thaw leaves colder
tissue for the next freeze, so it is both shorter and reaches further (checked in the
tests). A trailing thaw is not simulated (after-cooling of the nerve is ignored: safe for
the target).

Solver grid: ``grid="coarse"`` (0.2 mm cells at the probe growing x1.15 to 2 mm, a
smaller domain, dt 2 s) is what keeps a plan under a second; it is within about 0.5 degC
of a converged reference (0.05 mm cells, dt 0.25 s) at the nerve, on the warm (safe) side,
and the tests check it against ``"fine"`` (the physics default, 0.1 mm x1.15, dt 1 s).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cryoneuro.physics import (
    Axisymmetric,
    CryogenLimited,
    FreezeResult,
    LayeredTissue,
    Nerve,
    Observer,
    Phase,
    Protocol,
    StepState,
    cryogen_preset,
    simulate,
    tissue_preset,
)
from cryoneuro.physics.kernels import NewtonNotConverged
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

GRID_DT: dict[str, float] = {"coarse": 2.0, "fine": 1.0}
"""Solver time step (s) per grid (tests measure the accuracy of the coarse setting)."""

SENSITIVITY_FACTOR = 0.20
"""+/-20 % on tissue properties and probe cooling (issue 4)."""

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
    """Records when each point first gets colder than ``level``; optionally stops the run
    (raises) once all points have."""

    def __init__(self, points: FloatArray, level: float, stop: bool = True) -> None:
        self.points = np.asarray(points, float)
        self.level = float(level)
        self.stop = stop

    def start(self, model: Any, t: float, T: FloatArray, H: FloatArray) -> None:
        self.idx, self.w = bilinear_weights(model.rc, model.zc, self.points)
        self.first = np.full(len(self.points), np.inf)
        self.tmin = np.full(len(self.points), np.inf)

    def step(self, s: StepState) -> None:
        v = np.sum(s.T.reshape(-1)[self.idx] * self.w, axis=1)
        np.minimum(self.tmin, v, out=self.tmin)
        new = (v <= self.level) & ~np.isfinite(self.first)
        if new.any():
            self.first[new] = s.t
            if self.stop and np.isfinite(self.first).all():
                raise _Reached

    @property
    def all_time(self) -> float:
        return float(self.first.max())


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


# ---------------------------------------------------------------- analysis helpers
def _warmest_map(res: FreezeResult, rs: FloatArray, zs: FloatArray, d: float) -> FloatArray:
    """Warmest minimum temperature over a nerve cross-section centred at each (r, z)."""
    R, Z = np.meshgrid(rs, zs, indexing="ij")
    centres = np.stack([R.ravel(), Z.ravel()], axis=1)
    offs = cross_section(0.0, 0.0, d)
    pts = (centres[:, None, :] + offs[None, :, :]).reshape(-1, 2)
    pts[:, 0] = np.abs(pts[:, 0])
    v = res.min_temperature_at(pts).reshape(len(centres), len(offs))
    return v.max(axis=1).reshape(R.shape)


def _tolerance(res: FreezeResult, inp: PlanInputs, r0: float, z0: float) -> dict[str, Any]:
    """How far the probe may lie from the planned position and still freeze the whole
    cross-section below the target: radially (further away from the nerve) and along
    the probe axis."""
    d = inp.diameter
    target = inp.limits.target_c
    r_min = inp.probe_obj.radius + 0.5 * d
    step = 5e-5
    rs = np.arange(r_min, r0 + 0.015, step)
    w = _warmest_map(res, rs, np.array([z0]), d)[:, 0]
    i0 = int(np.clip(np.searchsorted(rs, r0), 0, len(rs) - 1))
    radial = 0.0
    if w[i0] <= target:
        j = i0
        while j + 1 < len(rs) and w[j + 1] <= target:
            j += 1
        if j + 1 < len(rs):
            # linear interpolation of the crossing between rs[j] and rs[j+1]
            a, b = w[j], w[j + 1]
            rc = rs[j] + (rs[j + 1] - rs[j]) * (target - a) / (b - a) if b != a else rs[j]
        else:
            rc = rs[j]
        radial = max(0.0, float(rc - r0))
    zs = np.arange(z0 - 0.015, z0 + 0.015, 1e-4)
    wz = _warmest_map(res, np.array([r0]), zs, d)[0]
    ok = wz <= target
    k0 = int(np.argmin(np.abs(zs - z0)))
    axial = [0.0, 0.0]
    if ok[k0]:
        lo = k0
        while lo - 1 >= 0 and ok[lo - 1]:
            lo -= 1
        hi = k0
        while hi + 1 < len(zs) and ok[hi + 1]:
            hi += 1
        axial = [float(zs[lo] - z0), float(zs[hi] - z0)]
    return {
        "radial_mm": 1e3 * radial,
        "max_offset_mm": 1e3 * (r0 + radial),
        "axial_mm": [1e3 * axial[0], 1e3 * axial[1]],
        "meaning": "the probe axis may lie up to radial_mm further from the nerve than planned, "
        "and the nerve may sit within axial_mm along the probe, and the whole cross-section "
        "still reaches the target",
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

    n_lo, n_hi = lim.cycles
    thaw = lim.thaw_s[0]
    grid = lim.freeze_grid()
    # F -> (cycles simulated, crossing time, warmest nerve temperature reached)
    crossing: dict[float, tuple[int, float, float]] = {}

    def probe_run(f: float, n: int) -> tuple[float, float]:
        """Run n cycles of f (stopped at the crossing); a cached longer run answers too."""
        if f not in crossing or (crossing[f][0] < n and not math.isfinite(crossing[f][1])):
            obs = CrossingObserver(pts, lim.target_c)
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
            obs = CrossingObserver(pts, lim.target_c)
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
        reasons.append(
            _msg(
                "target_not_reached",
                f"no protocol within the limits brings the whole nerve below {lim.target_c:g} degC: the "
                f"longest ({longest.compact}) reaches only {warm_best:.1f} degC at the nerve's warmest "
                f"point ({1e3 * (r0 + inp.placement_margin + inp.diameter / 2):.1f} mm from the probe axis)",
                "place the probe closer to the nerve (touching it), use a larger probe or a colder "
                "cryogen, or treat a thick nerve with two passes on either side",
                "error",
                target_c=lim.target_c,
                longest=longest.compact,
                warmest_c=warm_best,
                distance_mm=1e3 * (r0 + inp.placement_margin + inp.diameter / 2),
            )
        )
        res_longest = runner.run(longest)
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
    for c in cands:
        cand = Candidate(c)
        r = runner.run(c)
        assert r is not None
        cand.reasons = _violations(r, inp, frame, struct_rz)
        cand.ok = not cand.reasons
        evaluated.append(cand)
        if cand.ok:
            chosen, res = cand, r
            break
        if res is None:
            res = r
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
    )


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
) -> Plan:
    lim = inp.limits
    r0, z0, d = frame.offset, frame.along, inp.diameter
    assert res is not None
    t_an = time.perf_counter()
    cold, warm = res.nerve_cross_section_min(r0, z0, d)
    inj = res.classify_nerve(
        Nerve((r0, -0.5 * d, z0), (r0, 0.5 * d, z0), diameter=d, samples=3), lim.thresholds
    )
    nerve = {
        "coldest_c": cold,
        "warmest_c": warm,
        "target_c": lim.target_c,
        "margin_c": lim.target_c - warm,
        "class": inj.worst.label,
        "offset_mm": 1e3 * r0,
        "along_mm": 1e3 * z0,
        "diameter_mm": 1e3 * d,
    }
    tol = (
        _tolerance(res, inp, r0, z0)
        if feasible
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
    sens = _sensitivity(inp, runner, choice, frame, res) if (inp.sensitivity and choice) else []
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
    inp: PlanInputs, runner: _Runner, choice: ProtocolChoice, frame: ProbeFrame, full: FreezeResult
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

    def figures(res: FreezeResult) -> tuple[float, float, float]:
        _, warm = res.nerve_cross_section_min(r0, z0, d)
        return warm, _tolerance(res, inp, r0, z0)["radial_mm"], res.skin_min_temperature()

    base0 = runner.run(choice, cheap=True)
    assert base0 is not None
    warm_f, tol_f, skin_f = figures(full)
    warm_0, tol_0, skin_0 = figures(base0)
    out = []
    for name, change, tk, bk in cases:
        r = runner.run(
            choice, tissue=runner.tissue_scaled(**tk), boundary=runner.boundary(**bk), cheap=True
        )
        assert r is not None
        warm, tol, skin = figures(r)
        warm_est = warm_f + (warm - warm_0)
        out.append(
            {
                "parameter": name,
                "change": change,
                "margin_c": lim.target_c - warm_est,
                "reaches_target": warm_est <= lim.target_c,
                "tolerance_mm": max(0.0, tol_f + (tol - tol_0)),
                "skin_min_c": skin_f + (skin - skin_0),
            }
        )
    out.sort(key=lambda x: (x["parameter"], x["change"]))
    return out
