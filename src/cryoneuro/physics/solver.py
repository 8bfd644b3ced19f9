"""The time loop and :func:`simulate`.

Time scheme (see docs/physics/design.md)
----------------------------------------
Default ``scheme="implicit"``: backward Euler in enthalpy form with Strang
directional splitting: each step solves the r lines (with the perfusion and metabolic
sources) over half a step, the z lines over a whole step, the r lines over the second
half, each as a batch of independent tridiagonal
Newton problems (:func:`~cryoneuro.physics.kernels.make_line_solver`). Each sub-step is
itself conservative, so the whole step conserves energy exactly up to the Newton
tolerance; it is unconditionally stable, and its cost is linear in the number of cells
(no sparse factorisation), which is what makes a 300 s protocol at 0.1 mm near the probe
run in about a tenth of a second. (First-order Lie splitting was tried first: at the
corner of the probe tip it left errors of ~15 degC at dt = 1 s; Strang splitting
brings them down markedly for 50 % more work.) Backward Euler remains first order in
dt; the default dt (1 s) is checked against dt/4 and against the explicit scheme in the
tests. In 1-D there is no splitting: it is plain backward Euler.

``scheme="coupled"``: the same backward Euler without splitting (all directions in one
sparse Newton solve, :mod:`~cryoneuro.physics.coupled`): no splitting error, ~10x slower.

``scheme="explicit"``: forward Euler on the same fluxes, with a step limited by the
stability bound (``V / sum(K) * C_min``, times a safety factor 0.45). Slow at fine
resolution (dt ~ ms at 0.1 mm), kept as an independent check.

The probe's power ceiling is applied per step with the state at the start of the step
(the conductances of all probe faces are scaled by a common factor).

Every phase boundary of the protocol is a step edge (:meth:`Protocol.step_times`), and
each step takes its phase (freeze, passive or active thaw) from the interval it covers
(:meth:`Protocol.phase_for_interval`), in every scheme, the 3-D solver included (issue 9:
the implicit schemes used to take it at the end of the step, one step late).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

import numpy as np

from cryoneuro.physics.devices import Device
from cryoneuro.physics.devices import device as device_preset
from cryoneuro.physics.grid import Axisymmetric, Planar1D, Radial1D
from cryoneuro.physics.kernels import (
    NewtonNotConverged,
    make_divergence,
    make_line_solver,
    make_temperature,
)
from cryoneuro.physics.materials import (
    Cryogen,
    LayeredTissue,
    Probe,
    Tissue,
    cryogen_preset,
    probe_preset,
    tissue_preset,
)
from cryoneuro.physics.model import Geometry, Model, build_model
from cryoneuro.physics.observers import (
    EnergyLedger,
    FreezeThawCycles,
    MinTemperature,
    Observer,
    Snapshots,
    StepState,
    Thermocouples,
    TimeBelow,
)
from cryoneuro.physics.probe_model import JouleThomsonProbe
from cryoneuro.physics.protocol import (
    CryogenLimited,
    PrescribedSurfaceTemperature,
    ProbeBoundary,
    Protocol,
    probe_drive,
)
from cryoneuro.physics.result import FreezeResult

__all__ = [
    "CORNER_DISTANCE",
    "DEFAULT_THRESHOLDS",
    "SimulationSetup",
    "near_probe_corners",
    "simulate",
]

#: Isotherms reported by default (degC): freezing, the axonotmesis target (-20,
#: Evans 1981), -40 (a lethal isotherm often quoted in cryoablation; unverified here)
#: and -100 (the lower end of the axonotmesis band in physics.md). Issue 3 asks for these.
DEFAULT_THRESHOLDS = (0.0, -20.0, -40.0, -100.0)

Scheme = Literal["implicit", "explicit", "coupled"]
#: ``"auto"``: ``"coupled"`` when a thermocouple or a ``critical_points`` entry lies
#: within :data:`CORNER_DISTANCE` of a corner of the active segment (axisymmetric only),
#: else ``"implicit"``; the resolved scheme is what ``SimulationSetup.scheme`` records.
SchemeChoice = Literal["implicit", "explicit", "coupled", "auto"]
#: Distance (m) from a corner of the active segment within which the Strang-split
#: scheme's corner error matters (docs/physics/design.md: up to 9-17 degC next to the
#: corners at dt = 1 s, < 4.5 degC beyond 1 mm).
CORNER_DISTANCE = 1e-3

#: Spread the grid lines of each sweep over numba threads (bit-for-bit identical results).
PARALLEL = False

_KERNELS: dict[tuple[str, float, int], Any] = {}


def _kernel(name: str, tol: float = 0.0, max_iter: int = 0) -> Any:
    key = (name, tol, max_iter)
    if key not in _KERNELS:
        if name == "solve":
            _KERNELS[key] = make_line_solver(max_iter, tol, parallel=PARALLEL)
        elif name == "div":
            _KERNELS[key] = make_divergence()
        else:
            _KERNELS[key] = make_temperature()
    return _KERNELS[key]


@dataclass(frozen=True)
class SimulationSetup:
    """Every resolved input of a run (enough to reproduce it bit for bit)."""

    probe: Probe
    cryogen: Cryogen
    tissue: LayeredTissue
    protocol: Protocol
    boundary: ProbeBoundary
    geometry: Geometry
    initial_temperature: float
    far_temperature: float
    scheme: Scheme
    dt: float
    output_interval: float
    thresholds: tuple[float, ...]
    newton_tol: float
    max_newton: int
    t_end: float
    thermocouples: tuple[tuple[float, float], ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["boundary"]["type"] = type(self.boundary).__name__
        d["geometry"]["type"] = type(self.geometry).__name__
        d["probe"].pop("extra", None)
        out: dict[str, Any] = _jsonable(d)
        return out


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_jsonable(v) for v in x]
    if isinstance(x, float) and not math.isfinite(x):
        return "inf" if x > 0 else "-inf"
    return x


def _resolve_tissue(tissue: Tissue | LayeredTissue | str) -> LayeredTissue:
    if isinstance(tissue, str):
        return LayeredTissue.uniform(tissue_preset(tissue))
    if isinstance(tissue, Tissue):
        return LayeredTissue.uniform(tissue)
    if isinstance(tissue, LayeredTissue):
        return tissue
    raise ValueError(f"tissue must be a preset name, a Tissue or a LayeredTissue, got {tissue!r}")


def _check_finite(name: str, v: float, positive: bool = False) -> None:
    if not isinstance(v, int | float) or not math.isfinite(v):
        raise ValueError(f"{name} must be a finite number, got {v!r}")
    if positive and not v > 0.0:
        raise ValueError(f"{name} must be > 0, got {v!r}")


def near_probe_corners(
    probe: Probe, points: Sequence[tuple[float, float]], distance: float = CORNER_DISTANCE
) -> bool:
    """Whether any point ``(r, z)`` (m, axisymmetric coordinates: tip at z = 0, active
    segment up to ``z = active_length``) lies within ``distance`` of an end of the active
    segment: of the flat tip face (the disc ``z = 0``, ``r <= R``, its edge ``(R, 0)``
    included) or of the end of the segment (``z = active_length``), where the split
    scheme's error is largest. (Issue 12: measured under the tip on the axis, the error is
    as large as at the tip edge, so the whole face counts, not only its corner.)"""
    for r, z in points:
        off = max(float(r) - probe.radius, 0.0)
        for zc in (0.0, probe.active_length):
            if math.hypot(off, float(z) - zc) <= distance:
                return True
    return False


def simulate(
    probe: Probe | str = "16g",
    cryogen: Cryogen | str = "n2o",
    tissue: Tissue | LayeredTissue | str = "soft_tissue",
    protocol: Protocol | str = "2x120/60",
    *,
    boundary: ProbeBoundary | None = None,
    geometry: Geometry | None = None,
    initial_temperature: float | None = None,
    far_temperature: float | None = None,
    scheme: SchemeChoice = "implicit",
    dt: float = 1.0,
    output_interval: float = 5.0,
    thresholds: Sequence[float] = DEFAULT_THRESHOLDS,
    thermocouples: Sequence[tuple[float, float]] = (),
    observers: Sequence[Observer] = (),
    t_end: float | None = None,
    newton_tol: float = 1e-3,
    max_newton: int = 60,
    critical_points: Sequence[tuple[float, float]] = (),
    device: Device | str | None = None,
) -> FreezeResult:
    """Run one freeze and return a :class:`~cryoneuro.physics.result.FreezeResult`.

    ``probe``/``cryogen``/``tissue`` accept preset names. ``boundary`` defaults to
    ``CryogenLimited(cryogen.gas_temperature, probe.h, probe.max_power_w)``.
    ``geometry`` defaults to :class:`Axisymmetric` (0.1 mm cells at the probe).
    ``initial_temperature`` (and the far-field temperature) default to the arterial
    temperature of the tissue. ``thermocouples``: points ``(r, z)`` in m (1-D: ``(x, 0)``)
    sampled after every step. ``t_end`` defaults to the protocol duration.
    ``newton_tol`` is in J/m3 (1e-3 J/m3 ~ 3e-10 K in tissue).
    ``scheme="auto"`` uses the unsplit ``"coupled"`` scheme (about 20x slower, no corner
    splitting error) when a thermocouple or one of ``critical_points`` (``(r, z)``, m:
    for example the nearest points of a nerve) lies within :data:`CORNER_DISTANCE` of a
    corner of the active segment, and the split ``"implicit"`` scheme otherwise.
    ``device`` (a :data:`~cryoneuro.physics.devices.DEVICES` id or a ``Device``) replaces
    ``probe`` and ``cryogen`` by the device's needle and gas, and the default boundary by
    its :class:`~cryoneuro.physics.probe_model.JouleThomsonProbe`.
    """
    if device is not None:
        dev = device_preset(device) if isinstance(device, str) else device
        probe, cryogen = dev.probe(), dev.cryogen
        if boundary is None:
            boundary = dev.boundary()
    probe_o = probe_preset(probe) if isinstance(probe, str) else probe
    cryo_o = cryogen_preset(cryogen) if isinstance(cryogen, str) else cryogen
    tis = _resolve_tissue(tissue)
    prot = Protocol.parse(protocol) if isinstance(protocol, str) else protocol
    geom: Geometry = geometry if geometry is not None else Axisymmetric()
    if not isinstance(geom, Planar1D | Radial1D | Axisymmetric):
        raise ValueError(f"unknown geometry {geom!r}; valid: Planar1D, Radial1D, Axisymmetric")
    if scheme not in ("implicit", "explicit", "coupled", "auto"):
        raise ValueError(
            f"unknown scheme {scheme!r}; valid choices: auto, coupled, explicit, implicit"
        )
    resolved: Scheme
    if scheme == "auto":
        pts = [*thermocouples, *critical_points]
        near = isinstance(geom, Axisymmetric) and near_probe_corners(probe_o, pts)
        resolved = "coupled" if near else "implicit"
    else:
        resolved = scheme
    bnd: ProbeBoundary = (
        boundary
        if boundary is not None
        else CryogenLimited(cryo_o.gas_temperature, probe_o.h, probe_o.max_power_w)
    )
    if not isinstance(bnd, PrescribedSurfaceTemperature | CryogenLimited | JouleThomsonProbe):
        raise ValueError(
            "boundary must be PrescribedSurfaceTemperature, CryogenLimited or "
            f"JouleThomsonProbe, got {bnd!r}"
        )
    t0 = tis.layers[0].tissue.t_arterial if initial_temperature is None else initial_temperature
    tfar = t0 if far_temperature is None else far_temperature
    _check_finite("initial_temperature", t0)
    _check_finite("far_temperature", tfar)
    _check_finite("dt", dt, positive=True)
    _check_finite("output_interval", output_interval, positive=True)
    if t0 < -273.15:
        raise ValueError(f"initial_temperature {t0!r} degC is below absolute zero")
    if bnd.coldest >= t0:
        raise ValueError(
            f"probe temperature {bnd.coldest!r} degC is not colder than the tissue ({t0!r} degC)"
        )
    # optional natural convection (liquid phantoms): resolved once, at the bulk temperature
    tis = LayeredTissue(
        tuple(replace(layer, tissue=layer.tissue.resolved(float(t0))) for layer in tis.layers)
    )
    end = prot.duration if t_end is None else t_end
    _check_finite("t_end", end, positive=True)
    thr = tuple(float(x) for x in thresholds)
    for x in thr:
        _check_finite("threshold", x)
    setup = SimulationSetup(
        probe_o,
        cryo_o,
        tis,
        prot,
        bnd,
        geom,
        float(t0),
        float(tfar),
        resolved,
        float(dt),
        float(output_interval),
        thr,
        float(newton_tol),
        int(max_newton),
        float(end),
        tuple((float(r), float(z)) for r, z in thermocouples),
    )
    return run(setup, observers)


def run(setup: SimulationSetup, extra_observers: Sequence[Observer] = ()) -> FreezeResult:
    """Run a resolved setup (what :func:`simulate` does after validation)."""
    model = build_model(
        setup.geometry,
        setup.tissue,
        setup.probe.radius,
        setup.probe.active_length,
        setup.far_temperature,
    )
    mins = MinTemperature()
    below = TimeBelow(setup.thresholds)
    cycles = FreezeThawCycles(setup.thresholds)
    tcs = Thermocouples(setup.thermocouples) if setup.thermocouples else None
    snaps = Snapshots(setup.output_interval, setup.t_end)
    ledger = EnergyLedger()
    obs: list[Observer] = [mins, below, cycles, snaps, ledger, *extra_observers]
    if tcs is not None:
        obs.append(tcs)
    newton_max, retries = _loop(model, setup, obs)
    return FreezeResult.from_run(
        setup,
        model,
        mins,
        below,
        snaps,
        ledger,
        tcs,
        newton_max,
        newton_step_halvings=retries,
        cycles=cycles,
    )


def _step_times(setup: SimulationSetup, dt: float) -> tuple[float, ...]:
    """Step end times: uniform within each protocol phase, hitting every phase boundary."""
    return setup.protocol.step_times(dt, setup.t_end)


def explicit_dt(model: Model, safety: float = 0.45) -> float:
    """Stable forward-Euler step: V C_min / sum of the largest face conductances."""
    from cryoneuro.physics.kernels import P_CF, P_CU, P_KF, P_KU, P_PICE

    p = model.props
    # the ice conductance grows as it cools: bound it at -200 degC
    kmax = np.maximum(p[P_KU], p[P_KF] * (273.15 / 73.15) ** p[P_PICE])
    cmin = np.minimum(p[P_CF], p[P_CU])
    total = np.zeros(model.shape)
    for ls in model.sets:
        g = ls.A[:, 1:-1] / (ls.hr[None, :-1] + ls.hl[None, 1:])
        s = np.zeros(ls.V.shape)
        s[:, :-1] += g
        s[:, 1:] += g
        s[:, 0] += ls.A[:, 0] / ls.hl[0]
        s[:, -1] += ls.A[:, -1] / ls.hr[-1]
        total += s.T if ls.transpose else s
    kk = kmax
    with np.errstate(divide="ignore"):
        lim = np.where(model.tissue_mask, model.V * cmin / (total * kk), np.inf)
    return float(safety * lim.min())


def _loop(model: Model, setup: SimulationSetup, observers: Sequence[Observer]) -> tuple[int, int]:
    """Run the steps; (most Newton iterations of any step, step halvings done)."""
    T = np.full(model.shape, setup.initial_temperature)
    H = np.ascontiguousarray(model.enthalpy_from_temperature(T))
    Tf = np.empty(model.shape)
    fl = np.empty(model.shape)
    temperature = _kernel("temp")
    temperature(H, model.props, Tf, fl)
    model.fill_probe(Tf)
    for o in observers:
        o.start(model, 0.0, Tf, H)

    implicit = setup.scheme in ("implicit", "coupled")
    coupled_sys = None
    if setup.scheme == "coupled":
        from cryoneuro.physics import coupled

        coupled_sys = coupled.build(model)
    if implicit:
        solve = _kernel("solve", setup.newton_tol, setup.max_newton)
        times = _step_times(setup, setup.dt)
    else:
        div = _kernel("div")
        times = _step_times(setup, min(setup.dt, explicit_dt(model)))
        acc = np.zeros(model.shape)
        acc_t = np.zeros(model.shape[::-1])
    probe_sets = [ls for ls in model.sets if len(ls.probe_lines)]
    zero = np.zeros(model.shape)
    zero_t = np.zeros(model.shape[::-1])
    # Strang splitting: r half step, z full step, r half step
    if len(model.sets) == 1:
        sweeps = [(model.sets[0], 1.0)]
    else:
        sweeps = [(model.sets[0], 0.5), (model.sets[1], 1.0), (model.sets[0], 0.5)]
    worst = retries = 0
    t_prev = 0.0
    shaft_rows = _shaft_rows(model, setup)
    for t in times:
        dt = t - t_prev
        # the phase of the whole step [t_prev, t] (a boundary is always a step edge)
        drive, res, pmax = probe_drive(
            setup.boundary, setup.protocol, t_prev, t, explicit=not implicit
        )
        if len(shaft_rows):
            _set_shaft(model, setup, shaft_rows, t_prev, t)
        scale = 1.0
        if math.isfinite(pmax) and math.isfinite(res):
            g = model.probe_conductance(H, res)
            p_est = float(np.sum(g * (_cell_T(Tf, model) - drive)))
            if p_est > pmax:
                scale = pmax / p_est
        for ls in probe_sets:
            c = 3 * ls.probe_side
            ls.bc[ls.probe_lines, c] = res
            ls.bc[ls.probe_lines, c + 1] = drive
            ls.bc[ls.probe_lines, c + 2] = scale
        probe_q = bnd_q = src_q = 0.0
        if coupled_sys is not None:
            H, it, probe_q, bnd_q, src_q = coupled.step(
                coupled_sys, model, H, dt, setup.newton_tol, setup.max_newton
            )
            H = np.ascontiguousarray(H)
            if it > setup.max_newton:
                raise NewtonNotConverged(
                    f"the coupled implicit solve did not converge in {setup.max_newton} "
                    f"Newton iterations at t = {t:g} s: raise max_newton or lower dt"
                )
            worst = max(worst, it)
        elif implicit:
            for ls, frac in sweeps:
                sub = dt * frac
                # a transposed line set solves along the other axis: on a contiguous copy
                lines = np.ascontiguousarray(H.T) if ls.transpose else H
                it, p, b, s, r = _solve_sweep(
                    solve,
                    ls,
                    lines,
                    sub,
                    zero_t if ls.transpose else zero,
                    setup.max_newton,
                    t,
                )
                if ls.transpose:
                    H = np.ascontiguousarray(lines.T)
                worst = max(worst, it)
                retries += r
                probe_q += p
                bnd_q += b
                src_q += s
        else:
            acc[:] = 0.0
            Ht = np.ascontiguousarray(H.T)
            for ls in model.sets:
                if ls.transpose:
                    acc_t[:] = 0.0
                    div(
                        Ht,
                        ls.V,
                        ls.A,
                        ls.hl,
                        ls.hr,
                        ls.props,
                        ls.start,
                        ls.end,
                        ls.bc,
                        ls.sources,
                        acc_t,
                        ls.Q,
                    )
                    acc += acc_t.T
                else:
                    div(
                        H,
                        ls.V,
                        ls.A,
                        ls.hl,
                        ls.hr,
                        ls.props,
                        ls.start,
                        ls.end,
                        ls.bc,
                        ls.sources,
                        acc,
                        ls.Q,
                    )
                p, b, s = _split_q(ls)
                probe_q += p * dt
                bnd_q += b * dt
                src_q += s * dt
            with np.errstate(divide="ignore", invalid="ignore"):
                H = H + np.where(
                    model.tissue_mask, dt * acc / np.where(model.V > 0, model.V, 1.0), 0.0
                )
        temperature(H, model.props, Tf, fl)
        model.fill_probe(Tf)
        state = StepState(t, dt, Tf, H, probe_q, bnd_q, src_q, -probe_q / dt)
        for o in observers:
            o.step(state)
        t_prev = t
    for o in observers:
        o.finish()
    return worst, retries


def _shaft_rows(model: Model, setup: SimulationSetup) -> np.ndarray:
    """Rows of the r lines along the shaft that exchange heat with the exhaust gas (a
    :class:`JouleThomsonProbe` with ``shaft_h > 0``, axisymmetric geometry only)."""
    b = setup.boundary
    if model.kind != "axisymmetric" or not isinstance(b, JouleThomsonProbe) or b.shaft_h <= 0:
        return np.zeros(0, np.int64)
    la = setup.probe.active_length
    rows = np.nonzero(
        (np.arange(len(model.zc)) >= model.j_tip)
        & (model.zc >= la)
        & (model.zc < la + b.shaft_length)
    )[0]
    return rows.astype(np.int64)


def _set_shaft(
    model: Model, setup: SimulationSetup, rows: np.ndarray, t0: float, t1: float
) -> None:
    """During a freeze the shaft wall sees the exhaust gas through ``shaft_h``; otherwise
    it is adiabatic (the r lines' left end on those rows)."""
    b = setup.boundary
    assert isinstance(b, JouleThomsonProbe)
    ls = model.sets[0]
    freezing = setup.protocol.phase_for_interval(t0, t1).kind == "freeze"
    flowing = b.point.mass_flow > 0.0
    ls.bc[rows, 0] = 1.0 / b.shaft_h if (freezing and flowing) else math.inf
    ls.bc[rows, 1] = b.point.exhaust_temperature
    ls.bc[rows, 2] = 1.0


def _cell_T(Tf: np.ndarray, model: Model) -> np.ndarray:
    return Tf.reshape(-1)[model.probe_cell]


MAX_STEP_HALVINGS = 6
"""A sweep whose Newton iteration stops at its cap is redone as two half steps, down to
1/64 of the step (software choice: a step the solver cannot converge at 1/64 of its
length is refused rather than taken unconverged)."""


def _solve_sweep(
    solve: Any,
    ls: Any,
    lines: Any,
    sub: float,
    forcing: Any,
    max_newton: int,
    t: float,
    halvings: int = 0,
) -> tuple[int, float, float, float, int]:
    """One backward-Euler sweep of ``sub`` seconds on the line set ``ls``, in place on
    ``lines``. Unconverged at the cap: restored and redone as two halves. Returns (most
    Newton iterations, probe, boundary and source heat in J, number of halvings done)."""
    start = lines.copy()
    it = solve(
        lines,
        start,
        ls.V,
        ls.A,
        ls.hl,
        ls.hr,
        ls.props,
        ls.start,
        ls.end,
        ls.bc,
        sub,
        ls.sources,
        ls.Q,
        forcing,
    )
    if it <= max_newton:
        p, b, s = _split_q(ls)
        return it, p * sub, b * sub, s * sub, 0
    if halvings >= MAX_STEP_HALVINGS:
        raise NewtonNotConverged(
            f"the implicit solve did not converge in {max_newton} Newton iterations at "
            f"t = {t:g} s, even with the step cut to {sub:g} s: raise max_newton or lower dt"
        )
    lines[...] = start
    worst, heat, retries = 0, np.zeros(3), 1
    for _ in range(2):
        it, p, b, s, r = _solve_sweep(
            solve, ls, lines, 0.5 * sub, forcing, max_newton, t, halvings + 1
        )
        worst, heat, retries = max(worst, it), heat + np.array((p, b, s)), retries + r
    return worst, float(heat[0]), float(heat[1]), float(heat[2]), retries


def _split_q(ls: Any) -> tuple[float, float, float]:
    total_ends = float(ls.Q[:, 0].sum() + ls.Q[:, 1].sum())
    probe = float(ls.Q[ls.probe_lines, ls.probe_side].sum()) if len(ls.probe_lines) else 0.0
    return probe, total_ends - probe, float(ls.Q[:, 2].sum())
