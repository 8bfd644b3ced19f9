"""Held-out validation against the Sarshoghi et al. (2026) cryoprobe thermocouple data.

Protocol (docs/physics/validation.md; data README: /work/shared/validation/sarshoghi2026):

- Geometry from the paper's methods: 1-D radial around the probe axis; the innermost
  measured mean trace (1.80 mm from the axis) is imposed as the boundary temperature;
  thermocouples at 2.80 / 4.80 / 6.80 mm (IceSphere) and 2.10 / 2.40 / 2.80 mm (Celsio);
  water/ice properties; uniform initial field at the reference model's t = 0 value. The
  far field is at 30 mm (converged: 40 mm changes nothing), *not* at the reference
  model's deliberately truncated 10.8 mm.
- The liquid medium gets two free parameters (:class:`LiquidModel`): a conductivity
  factor (in-plane mixing by natural convection) and an exchange rate with the
  surroundings at the bath temperature (the non-radial heat inflow through the dish and
  the air that the 1-D model otherwise lacks, the reason the source gives for truncating
  its domain). Both are calibrated on a **training split** only (:func:`training_view`
  removes everything else before :func:`calibrate` sees the data): IceSphere 2x6 cycle 1
  (Fig1d), all three outer thermocouples, ``t <= 120 s``. The test split is the rest of
  that record (``121-367 s``), the Celsio record (transfer, nothing calibrated on it) and
  the ice front (Fig1g crossings).
- A thermocouple model turns each prediction into a 95 % interval
  (:func:`interval_components`): position (+-0.2 mm read as a 95 % bound, sigma 0.1 mm,
  for the predicted and for the imposed thermocouple), a first-order response lag
  (tau uniform in [0, 1 s]) and the measured SEM of the mean of the runs.

Writes PNG plots and the metrics JSON into ``docs/physics/`` (or ``--out``) and prints
the tables of docs/physics/validation.md. Run:
``python examples/physics_validation_sarshoghi.py [--data DIR] [--out DIR] [--quick]``
(``--quick``: coarse calibration grid, no sensitivity runs, no plots; the test suite runs
it).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cryoneuro.physics import (
    NaturalConvection,
    PrescribedSurfaceTemperature,
    Probe,
    Protocol,
    Radial1D,
    simulate,
    tissue_preset,
)


def default_data_dir() -> Path:
    """The measured traces: $CRYONEURO_VALIDATION_DATA, else ``shared/`` beside the
    repository (where CI lays it), else the development machines' /work/shared."""
    if os.environ.get("CRYONEURO_VALIDATION_DATA"):
        return Path(os.environ["CRYONEURO_VALIDATION_DATA"])
    beside = Path(__file__).resolve().parents[2] / "shared" / "validation" / "sarshoghi2026"
    return beside if beside.exists() else Path("/work/shared/validation/sarshoghi2026")


DATA = default_data_dir()
R_BC = 1.80e-3  # m, innermost validation thermocouple (both probes), from the axis
#: far field (m): 30 mm, converged for these durations (40 mm: same figures); the
#: reference model's 10.8 mm is a deliberate truncation (data README), not the bath.
R_MAX = 30e-3
#: end of the training window (s from the freeze start) of the primary split
TRAIN_END_S = 120.0
#: thermocouple position: +-0.2 mm (issue 12 §3) read as a 95 % bound, sigma 0.1 mm,
#: independently for the imposed (1.80 mm) and each predicted thermocouple. Assumption:
#: the source gives no placement tolerance.
SIGMA_R = 0.1e-3
#: the alternative reading (+-0.2 mm as one standard uncertainty), reported beside it
SIGMA_R_WIDE = 0.2e-3
#: first-order thermocouple lag, tau uniform in [0, TAU_MAX]. Assumption: the sensors are
#: not specified; sheathed thermocouples of 1.0-1.5 mm in water at 0.2 m/s reach 90 % of
#: a step in 0.5-0.6 s (tau ~ 0.2-0.3 s; SAB Broeckskes, response-time table) and a
#: 1.6 mm ungrounded one has tau ~ 0.4 s (Temprel); 1 s allows for still water and ice.
TAU_MAX = 1.0
Z95 = 1.959963984540054  # two-sided 95 % normal quantile
T_PHASE = -0.52  # degC, freezing point used for the front (data README)
CASES = {
    # name: (file, column prefixes, radii from the axis (m), initial temperature, probe radius)
    "celsio": ("Fig1c_Celsio_thermal_traces.csv", ["0.95mm", "1.25mm", "1.55mm", "1.95mm"],
               [1.80e-3, 2.10e-3, 2.40e-3, 2.80e-3], 30.74, 0.85e-3),
    "icesphere": ("Fig1d_IceSphere_thermal_traces.csv", ["1.1mm", "2.0mm", "4.0mm", "6.0mm"],
                  [1.80e-3, 2.80e-3, 4.80e-3, 6.80e-3], 27.14, 0.75e-3),
}  # fmt: skip


@dataclass(frozen=True)
class LiquidModel:
    """The liquid medium's two free parameters: ``k_factor`` multiplies the conductivity
    of liquid water (natural-convection mixing as an effective conductivity) and
    ``exchange`` (1/s) relaxes liquid towards the bath temperature, ``dT/dt += -exchange
    (T - T_bath)`` times the liquid fraction (heat inflow through the dish and the air
    above; the solver's Pennes term with the water's own heat capacity, so it stops in
    ice: an assumption)."""

    k_factor: float = 1.0
    exchange: float = 0.0


def load(data: Path, case: str) -> dict[str, np.ndarray]:
    fname, cols, _, _, _ = CASES[case]
    with open(data / fname, newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = {"t": np.array([float(r["time_s"]) for r in rows])}
    for c in cols:
        for kind in ("measured_mean", "measured_sem", "model"):
            out[f"{c}_{kind}"] = np.array([float(r[f"{c}_{kind}_C"]) for r in rows])
    return out


def training_view(
    d: dict[str, np.ndarray], case: str, t_end: float | None = None, tcs: list[int] | None = None
) -> dict[str, np.ndarray]:
    """The training split as a new dict: rows with ``t <= t_end`` (all if None) and, of
    the outer thermocouples (1-based index into the case's columns), only ``tcs`` (all if
    None). Nothing else is copied, so a calibration given this view cannot see the test."""
    cols = CASES[case][1]
    keep = np.ones_like(d["t"], dtype=bool) if t_end is None else d["t"] <= t_end
    out = {"t": d["t"][keep].copy()}
    chosen = [0] + (list(range(1, len(cols))) if tcs is None else list(tcs))
    for i in chosen:
        for kind in ("measured_mean", "measured_sem"):
            out[f"{cols[i]}_{kind}"] = d[f"{cols[i]}_{kind}"][keep].copy()
    return out


def metrics(pred: np.ndarray, meas: np.ndarray) -> dict[str, float]:
    err = pred - meas
    ss_tot = float(np.sum((meas - meas.mean()) ** 2))
    return {
        "rmse": float(np.sqrt(np.mean(err**2))),
        "mae": float(np.mean(np.abs(err))),
        "bias": float(np.mean(err)),
        "r2": 1.0 - float(np.sum(err**2)) / ss_tot if ss_tot > 0 else math.nan,
        "n": int(err.size),
    }


def medium(model: LiquidModel, t_bath: float, convection: NaturalConvection | None = None):
    w = tissue_preset("water")
    return w.with_(
        k_unfrozen=w.k_unfrozen * model.k_factor,
        perfusion=model.exchange,
        t_arterial=t_bath,
        blood_heat_capacity=w.c_unfrozen,
        convection=convection,
    )


def solve(
    case: str,
    t: np.ndarray,
    bc: np.ndarray,
    model: LiquidModel,
    radii: list[float],
    *,
    r_bc: float = R_BC,
    r_max: float = R_MAX,
    field_interval: float | None = None,
    convection: NaturalConvection | None = None,
) -> tuple[np.ndarray, Any]:
    """Predicted temperature (len(radii), len(t)) at ``radii`` (m from the axis) with
    ``bc`` imposed at ``r_bc``; also the solver result (fields every ``field_interval``)."""
    t0 = CASES[case][3]
    trace = PrescribedSurfaceTemperature(t, bc, source="Sarshoghi 2026, measured mean")
    probe = Probe("tc-cylinder", 2 * r_bc, 0.01, source="validation boundary (a thermocouple)")
    geom = Radial1D(r_max=r_max, h_min=2.5e-5, stretch=1.03, h_max=2e-4)
    t_end = float(t[-1])
    res = simulate(probe, "argon", medium(model, t0, convection), Protocol.freeze(t_end),
                   boundary=trace, geometry=geom, initial_temperature=t0, dt=0.25,
                   output_interval=field_interval or t_end,
                   thermocouples=[(r, 0.0) for r in radii])  # fmt: skip
    tt = res.thermocouple_times
    out = np.array([np.interp(t, tt, v) for v in res.thermocouple_temperatures])
    return out, res


def predict(case: str, d: dict[str, np.ndarray], model: LiquidModel, **kw: Any) -> np.ndarray:
    """Nominal prediction at the outer thermocouples whose columns ``d`` holds."""
    cols, radii = CASES[case][1], CASES[case][2]
    idx = [i for i in range(1, len(cols)) if f"{cols[i]}_measured_mean" in d]
    pred, _ = solve(case, d["t"], d[f"{cols[0]}_measured_mean"], model,
                    [radii[i] for i in idx], **kw)  # fmt: skip
    return pred


def _rmse_on(case: str, d: dict[str, np.ndarray], pred: np.ndarray) -> float:
    cols = CASES[case][1]
    meas = [d[f"{c}_measured_mean"] for c in cols[1:] if f"{c}_measured_mean" in d]
    return float(np.sqrt(np.mean((pred - np.array(meas)) ** 2)))


K_GRID = (1.0, 1.5, 2.0, 3.0, 4.0, 6.0)
EX_GRID = (0.0, 0.02, 0.04, 0.06, 0.08, 0.10, 0.13, 0.17, 0.22)


def calibrate(
    case: str,
    train: dict[str, np.ndarray],
    *,
    free: tuple[str, ...] = ("k_factor", "exchange"),
    quick: bool = False,
) -> tuple[LiquidModel, dict[str, Any]]:
    """Least-squares fit of the free parameters of :class:`LiquidModel` to the training
    view ``train`` (from :func:`training_view`): RMSE over its outer thermocouples, grid
    search (``K_GRID`` x ``EX_GRID``; a 3 x 3 subset with ``quick``) then Nelder-Mead from
    the best node (not with ``quick``)."""
    from scipy.optimize import minimize

    kg: tuple[float, ...] = (1.0, 2.0, 3.0) if quick else K_GRID
    eg: tuple[float, ...] = (0.0, 0.05, 0.1) if quick else EX_GRID
    kg = kg if "k_factor" in free else (1.0,)
    eg = eg if "exchange" in free else (0.0,)
    evals = 0

    def cost(m: LiquidModel) -> float:
        nonlocal evals
        evals += 1
        return _rmse_on(case, train, predict(case, train, m))

    best = min(
        ((cost(LiquidModel(k, e)), LiquidModel(k, e)) for k in kg for e in eg),
        key=lambda x: x[0],
    )
    rmse, model = best
    if not quick:

        def unpack(x: np.ndarray) -> LiquidModel:
            it = iter(x)
            k = math.exp(float(next(it))) if "k_factor" in free else 1.0
            e = abs(float(next(it))) if "exchange" in free else 0.0
            return LiquidModel(min(k, 20.0), e)

        x0 = ([math.log(model.k_factor)] if "k_factor" in free else []) + (
            [model.exchange] if "exchange" in free else []
        )
        opt = minimize(lambda x: cost(unpack(x)), np.array(x0), method="Nelder-Mead",
                       options={"xatol": 1e-3, "fatol": 1e-3, "maxfev": 60})  # fmt: skip
        if opt.fun < rmse:
            rmse, model = float(opt.fun), unpack(opt.x)
    info = {"train_rmse": rmse, "evaluations": evals, "train_points": int(
        sum(v.size for k, v in train.items() if k.endswith("measured_mean")) - train["t"].size
    )}  # fmt: skip
    return model, info


# --- thermocouple model -------------------------------------------------------------


def first_order_lag(t: np.ndarray, y: np.ndarray, tau: float) -> np.ndarray:
    """Reading of a first-order sensor (``tau dy/dt = x - y``, ``y(0) = x(0)``) for an
    input ``y`` linear between the samples (exact for that input)."""
    if tau <= 0.0:
        return y.copy()
    out = np.empty_like(y)
    out[0] = y[0]
    for i in range(1, len(t)):
        h = t[i] - t[i - 1]
        a = math.exp(-h / tau)
        slope = (y[i] - y[i - 1]) / h
        # exact response to x(s) = y[i-1] + slope s over one step
        out[i] = y[i] - slope * tau + (out[i - 1] - y[i - 1] + slope * tau) * a
    return out


def delag(t: np.ndarray, y: np.ndarray, tau: float) -> np.ndarray:
    """The input that a first-order sensor with ``tau`` read as ``y``: ``y + tau dy/dt``."""
    return y + tau * np.gradient(y, t)


def interval_components(
    case: str,
    d: dict[str, np.ndarray],
    model: LiquidModel,
    *,
    sigma_r: float = SIGMA_R,
    tau_max: float = TAU_MAX,
) -> dict[str, np.ndarray]:
    """Nominal prediction and the standard deviations (degC) of each thermocouple error
    source, all (n_outer, nt):

    - ``pos_tc``: the predicted thermocouple +-sigma_r (field evaluated at r +- sigma_r);
    - ``pos_bc``: the imposed thermocouple +-sigma_r (two runs with the boundary moved);
    - ``lag``: tau uniform in [0, tau_max] for every thermocouple (the imposed trace
      de-lagged, the predicted one lagged; the effect taken linear in tau, so its second
      moment about the ideal sensor is Delta^2 / 3);
    - ``sem``: the SEM of the measured mean (measurement uncertainty of the target).
    """
    cols, radii = CASES[case][1], CASES[case][2]
    t, bc = d["t"], d[f"{cols[0]}_measured_mean"]
    outer = radii[1:]
    pts = [r + s for r in outer for s in (0.0, -sigma_r, sigma_r)]
    allp, _ = solve(case, t, bc, model, pts)
    nominal, lo_r, hi_r = allp[0::3], allp[1::3], allp[2::3]
    bc_in, _ = solve(case, t, bc, model, outer, r_bc=R_BC - sigma_r)
    bc_out, _ = solve(case, t, bc, model, outer, r_bc=R_BC + sigma_r)
    lagged, _ = solve(case, t, delag(t, bc, tau_max), model, outer)
    lagged = np.array([first_order_lag(t, p, tau_max) for p in lagged])
    sem = np.array([d[f"{c}_measured_sem"] for c in cols[1:]])
    return {
        "nominal": nominal,
        "pos_tc": 0.5 * np.abs(hi_r - lo_r),
        "pos_bc": 0.5 * np.abs(bc_out - bc_in),
        "lag": np.abs(lagged - nominal) / math.sqrt(3.0),
        "sem": sem,
    }


def prediction_interval(
    nominal: np.ndarray, sds: list[np.ndarray], z: float = Z95
) -> tuple[np.ndarray, np.ndarray]:
    """``nominal -+ z sqrt(sum sd^2)`` (independent sources, normal)."""
    s = np.sqrt(np.sum([np.asarray(x, float) ** 2 for x in sds], axis=0))
    return nominal - z * s, nominal + z * s


def coverage(meas: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> float:
    """Share of measured points inside ``[lo, hi]`` (bounds included)."""
    meas, lo, hi = (np.asarray(x, float).ravel() for x in (meas, lo, hi))
    if meas.size == 0:
        return math.nan
    return float(np.mean((meas >= lo) & (meas <= hi)))


# --- fronts --------------------------------------------------------------------------


def front_series(res: Any, rp: float, r_to: float = 0.015) -> tuple[np.ndarray, np.ndarray]:
    """Radius (mm from the probe surface, i.e. minus ``rp``) of the outermost crossing of
    T_PHASE at every stored field, linear between nodes; 0 where nothing is frozen."""
    xs = np.linspace(R_BC, r_to, 2500)
    field = res.temperature_at(np.stack([xs, np.zeros_like(xs)], axis=1))
    out = np.zeros(len(res.times))
    for j, T in enumerate(field):
        cold = np.nonzero(T <= T_PHASE)[0]
        if not len(cold):
            continue
        i = cold[-1]
        r = xs[i]
        if i + 1 < len(xs) and T[i + 1] != T[i]:
            r = xs[i] + (T_PHASE - T[i]) / (T[i + 1] - T[i]) * (xs[i + 1] - xs[i])
        out[j] = (r - rp) * 1e3
    return np.asarray(res.times, float), out


def load_fronts(data: Path) -> tuple[dict[int, tuple[float, float]], np.ndarray, np.ndarray]:
    """Measured 2x6 cycle 1 crossings {minute: (mm, SEM)} and the reference model's front
    (time s, mm from the surface)."""
    with open(data / "Fig1g_iceball_front_2x6_crossings.csv", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["series"] == "Cycle 1"]
    meas = {int(r["time_min"]): (float(r["measured_front_mm"]),
                                 float(r["measured_front_sem_mm"])) for r in rows}  # fmt: skip
    with open(data / "Fig1g_iceball_front_2x6.csv", newline="") as fh:
        ref = [r for r in csv.DictReader(fh) if r["series"] == "Cycle 1"]
    tr = np.array([60.0 * float(r["time_min"]) for r in ref])
    fr = np.array([float(r["front_radius_mm"]) for r in ref])
    return meas, tr, fr


def front_check(data: Path, d: dict[str, np.ndarray], model: LiquidModel) -> dict[str, Any]:
    """Predicted -0.52 degC front (with the position part of its uncertainty: the imposed
    thermocouple +-SIGMA_R) against the measured crossings and the reference model."""
    cols, rp = CASES["icesphere"][1], CASES["icesphere"][4]
    t, bc = d["t"], d[f"{cols[0]}_measured_mean"]
    series = {}
    for name, r_bc in (("nominal", R_BC), ("in", R_BC - SIGMA_R), ("out", R_BC + SIGMA_R)):
        _, res = solve("icesphere", t, bc, model, [], r_bc=r_bc, field_interval=5.0)
        series[name] = front_series(res, rp)
    ts, nominal = series["nominal"]
    sd = 0.5 * np.abs(series["out"][1] - series["in"][1])
    meas, tr, fr = load_fronts(data)
    rows = {}
    for minute, (m, sem) in meas.items():
        p = float(np.interp(60.0 * minute, ts, nominal))
        s = float(np.interp(60.0 * minute, ts, sd))
        ref = float(np.interp(60.0 * minute, tr, fr))
        rows[str(minute)] = {
            "measured": m, "measured_sem": sem, "predicted": p, "predicted_95": Z95 * s,
            "reference": ref, "distance": abs(p - m), "reference_distance": abs(ref - m),
        }  # fmt: skip
    return {
        "per_minute": rows,
        "mean_distance": float(np.mean([r["distance"] for r in rows.values()])),
        "reference_mean_distance": float(np.mean([r["reference_distance"] for r in rows.values()])),
        "mean_distance_to_reference_front": float(
            np.mean(np.abs(np.interp(ts[ts <= tr[-1]], tr, fr) - nominal[ts <= tr[-1]]))
        ),
        "_series": (ts, nominal, Z95 * sd, tr, fr),
    }


# --- evaluation ----------------------------------------------------------------------


def evaluate(
    case: str,
    d: dict[str, np.ndarray],
    comps: dict[str, np.ndarray],
    mask: np.ndarray,
    discrepancy: float = 0.0,
) -> dict[str, Any]:
    """Per-thermocouple and pooled metrics on the points ``mask``, the reference model's
    on the same points, and the interval coverage (both readings of +-0.2 mm; and with a
    model-discrepancy sd ``discrepancy``, degC, added in quadrature: the training RMSE)."""
    cols, radii = CASES[case][1], CASES[case][2]
    meas = np.array([d[f"{c}_measured_mean"] for c in cols[1:]])
    ref = np.array([d[f"{c}_model"] for c in cols[1:]])
    lo, hi = prediction_interval(comps["nominal"], [comps[k] for k in SOURCES])
    wide = [comps[k] * (SIGMA_R_WIDE / SIGMA_R if k.startswith("pos") else 1.0) for k in SOURCES]
    lo_w, hi_w = prediction_interval(comps["nominal"], wide)
    disc = np.full_like(comps["nominal"], discrepancy)
    lo_d, hi_d = prediction_interval(comps["nominal"], [comps[k] for k in SOURCES] + [disc])
    out: dict[str, Any] = {}
    keys = [f"{1e3 * r:.2f}" for r in radii[1:]] + ["pooled"]
    for j, key in enumerate(keys):
        sl = slice(None) if key == "pooled" else slice(j, j + 1)
        m = mask[None, :].repeat(len(radii) - 1, axis=0)[sl]
        row = {
            "model": metrics(comps["nominal"][sl][m], meas[sl][m]),
            "reference": metrics(ref[sl][m], meas[sl][m]),
            "coverage_95": coverage(meas[sl][m], lo[sl][m], hi[sl][m]),
            "coverage_95_sigma_0.2mm": coverage(meas[sl][m], lo_w[sl][m], hi_w[sl][m]),
            "coverage_95_with_discrepancy": coverage(meas[sl][m], lo_d[sl][m], hi_d[sl][m]),
            "mean_halfwidth_95": float(np.mean((hi - lo)[sl][m]) / 2),
            "rms_sd_by_source": {k: float(np.sqrt(np.mean(comps[k][sl][m] ** 2))) for k in SOURCES},
        }
        out[key] = row
    return out


SOURCES = ("pos_tc", "pos_bc", "lag", "sem")


def table(res: dict[str, Any]) -> str:
    cols = ["reference", "model"]
    head = " | ".join(f"{c} RMSE / MAE / R²" for c in cols)
    lines = [f"| TC (mm from axis) | {head} | 95 % coverage (σ 0.1 / 0.2 mm / 0.1 mm + "
             "discrepancy) | mean 95 % half-width (°C) |",
             "|---|" + "---|" * (len(cols) + 2)]  # fmt: skip
    for key, row in res.items():
        cells = []
        for c in cols:
            m = row[c]
            bold = "**" if key == "pooled" else ""
            cells.append(f"{bold}{m['rmse']:.2f}{bold} / {m['mae']:.2f} / {m['r2']:.2f}")
        lines.append(f"| {key} | " + " | ".join(cells)
                     + f" | {100 * row['coverage_95']:.0f} % / "
                     f"{100 * row['coverage_95_sigma_0.2mm']:.0f} % / "
                     f"{100 * row['coverage_95_with_discrepancy']:.0f} % | "
                     f"{row['mean_halfwidth_95']:.1f} |")  # fmt: skip
    return "\n".join(lines)


def strip_private(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: strip_private(v) for k, v in x.items() if not str(k).startswith("_")}
    return x


# --- plots ---------------------------------------------------------------------------


def plot_case(case: str, d: dict[str, np.ndarray], comps: dict[str, np.ndarray],
              path: Path, t_train: float | None, front: dict[str, Any] | None = None) -> None:  # fmt: skip
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    cols, radii = CASES[case][1], CASES[case][2]
    t = d["t"]
    ncols = 2 if front is not None else 1
    fig, axes = plt.subplots(1, ncols, figsize=(7.5 * ncols, 5.5), constrained_layout=True,
                             squeeze=False)  # fmt: skip
    ax = axes[0, 0]
    lo, hi = prediction_interval(comps["nominal"], [comps[k] for k in SOURCES])
    colours = ["tab:blue", "tab:orange", "tab:green"]
    ax.plot(t, d[f"{cols[0]}_measured_mean"], "k-", lw=2, label="imposed: measured at 1.80 mm")
    for i, (c, r) in enumerate(zip(cols[1:], radii[1:], strict=True)):
        ax.fill_between(t, lo[i], hi[i], color=colours[i], alpha=0.2, lw=0,
                        label="95 % prediction interval" if i == 0 else None)  # fmt: skip
        ax.plot(t, d[f"{c}_measured_mean"], "-", color=colours[i], lw=1.6,
                label=f"measured {1e3 * r:.2f} mm")  # fmt: skip
        ax.plot(t, comps["nominal"][i], "--", color=colours[i], lw=1.3,
                label="predicted (this model)" if i == 0 else None)  # fmt: skip
        ax.plot(t, d[f"{c}_model"], ":", color=colours[i], lw=1.3,
                label="reference model (shipped)" if i == 0 else None)  # fmt: skip
    if t_train is not None:
        ax.axvspan(0, t_train, color="0.85", alpha=0.5, lw=0, label="training window")
    ax.set_xlabel("time (s)")
    ax.set_ylabel("°C")
    title = "calibrated on the shaded window only" if t_train else "transfer: nothing fitted here"
    ax.set_title(f"Sarshoghi 2026, {case}: {title}")
    ax.legend(fontsize=7, ncol=2)
    ax.grid(alpha=0.3)
    if front is not None:
        ax2 = axes[0, 1]
        ts, nom, half, tr, fr = front["_series"]
        ax2.fill_between(ts, nom - half, nom + half, color="tab:red", alpha=0.2, lw=0)
        ax2.plot(ts, nom, "--", color="tab:red", label="predicted -0.52 °C front (± 95 %)")
        ax2.plot(tr, fr, ":", color="k", label="reference model front (Fig1g, cycle 1)")
        mins = sorted(front["per_minute"])
        ax2.errorbar([60 * int(m) for m in mins],
                     [front["per_minute"][m]["measured"] for m in mins],
                     yerr=[front["per_minute"][m]["measured_sem"] for m in mins],
                     fmt="ko", capsize=3, label="measured crossings (± SEM)")  # fmt: skip
        if t_train is not None:
            ax2.axvspan(0, t_train, color="0.85", alpha=0.5, lw=0)
        ax2.set_xlim(0, float(t[-1]))
        ax2.set_xlabel("time (s)")
        ax2.set_ylabel("front, mm from the probe surface")
        ax2.set_title("ice front (2x6 cycle 1; tentative pairing with Fig1d)")
        ax2.legend(fontsize=7)
        ax2.grid(alpha=0.3)
    fig.savefig(path, dpi=110)
    plt.close(fig)


# --- driver --------------------------------------------------------------------------


def split_sensitivity(data: Path, d: dict[str, np.ndarray]) -> dict[str, Any]:
    """Other splits and model variants, each calibrated on its own training data only and
    scored on its own test points (pooled RMSE, reference on the same points)."""
    cols = CASES["icesphere"][1]
    meas = np.array([d[f"{c}_measured_mean"] for c in cols[1:]])
    ref = np.array([d[f"{c}_model"] for c in cols[1:]])
    out: dict[str, Any] = {}

    def score(name: str, model: LiquidModel, mask: np.ndarray, info: dict | None, **kw: Any):
        p = predict("icesphere", d, model, **kw)
        out[name] = {"params": asdict(model), "train_rmse": (info or {}).get("train_rmse"),
                     "test": metrics(p[mask], meas[mask]),
                     "reference_test": metrics(ref[mask], meas[mask])}  # fmt: skip

    t = d["t"]
    for t_end in (60.0, 90.0, 180.0):
        m, info = calibrate("icesphere", training_view(d, "icesphere", t_end))
        score(f"temporal, train t <= {t_end:g} s", m, np.tile(t > t_end, (3, 1)), info)
    m, info = calibrate("icesphere", training_view(d, "icesphere", None, [1]))
    mask = np.zeros((3, len(t)), bool)
    mask[1:] = True
    score("spatial, train on 2.80 mm (all t), test 4.80 + 6.80 mm", m, mask, info)
    primary = np.tile(t > TRAIN_END_S, (3, 1))
    train = training_view(d, "icesphere", TRAIN_END_S)
    for free, label in ((("k_factor",), "conductivity factor only"),
                        (("exchange",), "exchange only")):  # fmt: skip
        m, info = calibrate("icesphere", train, free=free)
        score(f"primary split, {label}", m, primary, info)
    score("primary split, conduction (nothing fitted), 30 mm", LiquidModel(), primary, None)
    score("primary split, conduction, far field 10.8 mm (README protocol)", LiquidModel(),
          primary, None, r_max=10.8e-3)  # fmt: skip
    score("primary split, former default: Nu 5.6 from an assumed 9 mm gap, 10.8 mm",
          LiquidModel(), primary, None, r_max=10.8e-3,
          convection=NaturalConvection(0.01, 0.009))  # fmt: skip
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parents[1] / "docs" / "physics"
    )
    ap.add_argument("--quick", action="store_true", help="coarse grid, no sensitivity/plots")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"protocol": {
        "training": f"IceSphere Fig1d, outer TCs 2.80/4.80/6.80 mm, t <= {TRAIN_END_S:g} s",
        "test": f"IceSphere Fig1d t > {TRAIN_END_S:g} s; Celsio Fig1c (all); Fig1g crossings",
        "far_field_m": R_MAX, "sigma_r_m": SIGMA_R, "tau_max_s": TAU_MAX,
    }}  # fmt: skip
    ice = load(args.data, "icesphere")
    train = training_view(ice, "icesphere", TRAIN_END_S)
    model, info = calibrate("icesphere", train, quick=args.quick)
    report["calibration"] = {"params": asdict(model), **info}
    print(f"calibrated on the training split: {model} (train RMSE {info['train_rmse']:.2f} °C, "
          f"{info['train_points']} points, {info['evaluations']} solver runs)")  # fmt: skip

    comps = interval_components("icesphere", ice, model)
    t = ice["t"]
    disc = info["train_rmse"]
    test_ice = evaluate("icesphere", ice, comps, t > TRAIN_END_S, disc)
    train_ice = evaluate("icesphere", ice, comps, t <= TRAIN_END_S, disc)
    report["icesphere"] = {"test": test_ice, "train": train_ice,
                           "all": evaluate("icesphere", ice, comps, t >= 0, disc)}  # fmt: skip
    print(f"\n### IceSphere, test split (t > {TRAIN_END_S:g} s)\n\n{table(test_ice)}")
    print(f"\n### IceSphere, training split (t <= {TRAIN_END_S:g} s)\n\n{table(train_ice)}")

    cel = load(args.data, "celsio")
    comps_c = interval_components("celsio", cel, model)
    test_cel = evaluate("celsio", cel, comps_c, cel["t"] >= 0, disc)
    report["celsio"] = {"test": test_cel}
    print(f"\n### Celsio, transfer test (all 25 s)\n\n{table(test_cel)}")

    front = front_check(args.data, ice, model)
    report["front"] = front
    print("\n### Ice front, mm from the probe surface (2x6 cycle 1)\n")
    print("| minute | measured ± SEM | predicted ± 95 % | distance | reference | ref. distance |")
    print("|---|---|---|---|---|---|")
    for mnt, r in front["per_minute"].items():
        print(f"| {mnt} | {r['measured']:.2f} ± {r['measured_sem']:.2f} | {r['predicted']:.2f} "
              f"± {r['predicted_95']:.2f} | {r['distance']:.2f} | {r['reference']:.2f} | "
              f"{r['reference_distance']:.2f} |")  # fmt: skip
    print(f"mean distance {front['mean_distance']:.2f} mm (reference "
          f"{front['reference_mean_distance']:.2f} mm; bar 2.3 mm); to the reference front "
          f"over 0-{t[-1]:g} s: {front['mean_distance_to_reference_front']:.2f} mm")  # fmt: skip

    if not args.quick:
        sens = split_sensitivity(args.data, ice)
        report["sensitivity"] = sens
        print("\n### Other splits and variants (pooled RMSE on each one's test points, °C)\n")
        print("| split / variant | parameters (k factor, exchange 1/s) | train | test | "
              "reference, same points |\n|---|---|---|---|---|")  # fmt: skip
        for name, r in sens.items():
            p, tr = r["params"], r["train_rmse"]
            print(f"| {name} | {p['k_factor']:.2f}, {p['exchange']:.3f} | "
                  f"{'-' if tr is None else f'{tr:.2f}'} | {r['test']['rmse']:.2f} | "
                  f"{r['reference_test']['rmse']:.2f} |")  # fmt: skip
        plot_case("icesphere", ice, comps, args.out / "validation_icesphere.png", TRAIN_END_S,
                  front)  # fmt: skip
        plot_case("celsio", cel, comps_c, args.out / "validation_celsio.png", None)
    name = "validation_metrics_quick.json" if args.quick else "validation_metrics.json"
    (args.out / name).write_text(json.dumps(strip_private(report), indent=1))


if __name__ == "__main__":
    main()
