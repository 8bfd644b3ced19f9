"""Validation against the Sarshoghi et al. (2026) cryoprobe thermocouple data.

Follows /work/shared/validation/sarshoghi2026/README.md ("Validating a solver on these
files"): the innermost measured trace (1.80 mm from the probe axis) is imposed as the
boundary temperature, the medium (saline) starts uniform at the reference model's t = 0
value, and the outer thermocouples are predicted. Two geometries:

- 1-D radial (infinitely long freezing zone), far field at 10.8 mm (as the reference
  model) and at 30 mm;
- axisymmetric with a finite length L of the 1.80 mm "boundary cylinder" (the
  thermocouple plane at its middle), L scanned, far field at 30 mm.

Writes PNG plots and a JSON of the metrics into ``docs/physics/`` (or ``--out``) and
prints the tables of docs/physics/validation.md. Run:
``python examples/physics_validation_sarshoghi.py [--data DIR] [--out DIR] [--quick]``.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
from pathlib import Path

import numpy as np

from cryoneuro.physics import (
    Axisymmetric,
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
#: the natural-convection model of the ``saline_phantom`` preset: cold surface 10 mm high,
#: liquid gap 9 mm (the reference model's far field, 10.8 mm, minus the 1.8 mm
#: boundary cylinder). Both are assumptions (the bath is not described in the data);
#: nothing here is fitted to the thermocouples.
CONVECTION = NaturalConvection(height=0.01, gap=0.009, source="assumption (bath not described)")
R_BC = 1.80e-3  # m, innermost validation thermocouple (both probes), from the axis
CASES = {
    # name: (file, column prefixes, radii from the axis (m), initial temperature, probe radius)
    "celsio": ("Fig1c_Celsio_thermal_traces.csv", ["0.95mm", "1.25mm", "1.55mm", "1.95mm"],
               [1.80e-3, 2.10e-3, 2.40e-3, 2.80e-3], 30.74, 0.85e-3),
    "icesphere": ("Fig1d_IceSphere_thermal_traces.csv", ["1.1mm", "2.0mm", "4.0mm", "6.0mm"],
                  [1.80e-3, 2.80e-3, 4.80e-3, 6.80e-3], 27.14, 0.75e-3),
}  # fmt: skip


def load(data: Path, case: str) -> dict[str, np.ndarray]:
    fname, cols, _, _, _ = CASES[case]
    with open(data / fname, newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = {"t": np.array([float(r["time_s"]) for r in rows])}
    for c in cols:
        for kind in ("measured_mean", "measured_sem", "model"):
            out[f"{c}_{kind}"] = np.array([float(r[f"{c}_{kind}_C"]) for r in rows])
    return out


def metrics(pred: np.ndarray, meas: np.ndarray) -> dict[str, float]:
    err = pred - meas
    ss_tot = float(np.sum((meas - meas.mean()) ** 2))
    return {
        "rmse": float(np.sqrt(np.mean(err**2))),
        "mae": float(np.mean(np.abs(err))),
        "bias": float(np.mean(err)),
        "r2": 1.0 - float(np.sum(err**2)) / ss_tot if ss_tot > 0 else math.nan,
    }


def run(
    case: str,
    d: dict[str, np.ndarray],
    geometry: str,
    r_max: float,
    length: float | None,
    k_liquid_factor: float = 1.0,
    tc_offset: float = 0.0,
    convection: NaturalConvection | None = None,
) -> np.ndarray:
    """Predicted traces (n_tc - 1, nt) at the outer thermocouples.

    ``k_liquid_factor`` multiplies the conductivity of liquid saline (a crude stand-in for
    natural convection); ``tc_offset`` (m) moves the outer thermocouples outwards
    relative to the imposed one. Both are *fitted* sensitivity knobs, not predictions.
    ``convection`` switches on the natural-convection model of the liquid (a
    prediction: a published correlation and an assumed bath geometry, nothing fitted).
    """
    _, cols, radii, t0, _ = CASES[case]
    radii = [radii[0]] + [r + tc_offset for r in radii[1:]]
    t = d["t"]
    trace = PrescribedSurfaceTemperature(t, d[f"{cols[0]}_measured_mean"], source="Sarshoghi 2026")
    water = tissue_preset("water")
    water = water.with_(k_unfrozen=water.k_unfrozen * k_liquid_factor, convection=convection)
    t_end = float(t[-1])
    if geometry == "radial":
        probe = Probe("tc-cylinder", 2 * R_BC, 0.01, source="validation boundary at 1.80 mm")
        geom = Radial1D(r_max=r_max, h_min=2.5e-5, stretch=1.03, h_max=2e-4)
        z = 0.0
    else:
        assert length is not None
        probe = Probe("tc-cylinder", 2 * R_BC, length, source="validation boundary at 1.80 mm")
        geom = Axisymmetric(r_max=r_max, h_min=5e-5, stretch=1.12, h_max=1.5e-3,
                            below_tip=0.02, above_active=0.02)  # fmt: skip
        z = 0.5 * length
    res = simulate(probe, "argon", water, Protocol.freeze(t_end), boundary=trace, geometry=geom,
                   initial_temperature=t0, dt=0.25, output_interval=t_end,
                   thermocouples=[(r, z) for r in radii[1:]])  # fmt: skip
    tt = res.thermocouple_times
    out: np.ndarray = np.array([np.interp(t, tt, v) for v in res.thermocouple_temperatures])
    return out


def table(case: str, d: dict[str, np.ndarray], preds: dict[str, np.ndarray]) -> tuple[str, dict]:
    _, cols, radii, _, _ = CASES[case]
    lines = ["| TC (mm from axis) | " + " | ".join(f"{k} RMSE / MAE / R²" for k in preds) + " |",
             "|---|" + "---|" * len(preds)]  # fmt: skip
    out: dict = {}
    pooled: dict[str, list[np.ndarray]] = {k: [[], []] for k in preds}  # type: ignore[misc]
    for i, (c, r) in enumerate(zip(cols[1:], radii[1:], strict=True)):
        meas = d[f"{c}_measured_mean"]
        cells = []
        for k, p in preds.items():
            m = metrics(p[i], meas)
            out.setdefault(k, {})[f"{1e3 * r:.2f}"] = m
            pooled[k][0].append(p[i])
            pooled[k][1].append(meas)
            cells.append(f"{m['rmse']:.2f} / {m['mae']:.2f} / {m['r2']:.2f}")
        lines.append(f"| {1e3 * r:.2f} | " + " | ".join(cells) + " |")
    cells = []
    for k in preds:
        m = metrics(np.concatenate(pooled[k][0]), np.concatenate(pooled[k][1]))
        out[k]["pooled"] = m
        cells.append(f"**{m['rmse']:.2f}** / {m['mae']:.2f} / {m['r2']:.2f}")
    lines.append("| pooled | " + " | ".join(cells) + " |")
    return "\n".join(lines), out


def front_check(data: Path, d: dict[str, np.ndarray], lengths: list[float]) -> str:
    """IceSphere: -0.52 degC front (mm from the probe surface) at 1, 2, 3 min vs the
    measured 2x6 Cycle 1 crossings (tentative pairing, see the README)."""
    with open(data / "Fig1g_iceball_front_2x6_crossings.csv", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["series"] == "Cycle 1"]
    meas = {int(r["time_min"]): float(r["measured_front_mm"]) for r in rows}
    _, cols, _, t0, rp = CASES["icesphere"]
    t = d["t"]
    trace = PrescribedSurfaceTemperature(t, d[f"{cols[0]}_measured_mean"])
    lines = ["| model | 1 min | 2 min | 3 min |", "|---|---|---|---|"]
    lines.append("| measured (2x6 Cycle 1, mean ± SEM over 3 runs) | "
                 + " | ".join(f"{meas[m]:.2f}" for m in (1, 2, 3)) + " |")  # fmt: skip
    items: list[tuple[float | None, NaturalConvection | None]] = [(None, None)]
    items += [(length, None) for length in lengths] + [(None, CONVECTION)]
    for length, conv in items:
        water = tissue_preset("water").with_(convection=conv)
        if length is None:
            probe = Probe("tc", 2 * R_BC, 0.01)
            geom: Radial1D | Axisymmetric = Radial1D(
                r_max=0.03, h_min=2.5e-5, stretch=1.03, h_max=2e-4
            )
            name = "1-D radial, far field 30 mm" + (
                "" if conv is None else ", natural convection H 10 / gap 9 mm"
            )
        else:
            probe = Probe("tc", 2 * R_BC, length)
            geom = Axisymmetric(r_max=0.03, h_min=5e-5, stretch=1.12, h_max=1.5e-3)
            name = f"axisymmetric L = {1e3 * length:g} mm"
        res = simulate(probe, "argon", water, Protocol.freeze(float(t[-1])), boundary=trace,
                       geometry=geom, initial_temperature=t0, dt=0.25, output_interval=60.0)  # fmt: skip
        zc = 0.0 if length is None else 0.5 * length
        xs = np.linspace(R_BC, 0.012, 2000)
        fronts = []
        for minute in (1, 2, 3):
            T = res.temperature_at(
                np.stack([xs, np.full_like(xs, zc)], axis=1), times=[60.0 * minute]
            )[0]
            cold = np.nonzero(T <= -0.52)[0]
            fronts.append((xs[cold[-1]] - rp) * 1e3 if len(cold) else 0.0)
        lines.append(f"| {name} | " + " | ".join(f"{f:.2f}" for f in fronts) + " |")
    return "\n".join(lines)


def pooled_rmse(case: str, d: dict[str, np.ndarray], pred: np.ndarray) -> float:
    cols = CASES[case][1]
    meas = np.concatenate([d[f"{c}_measured_mean"] for c in cols[1:]])
    return metrics(np.concatenate(pred), meas)["rmse"]


def sensitivity(data: Path) -> tuple[str, dict]:
    """Pooled RMSE (outer TCs) under each candidate explanation of the 1-D gap."""
    variants: list[tuple[str, dict]] = [
        (
            "1-D radial, far field 10.8 mm (README protocol)",
            {"geometry": "radial", "r_max": 10.8e-3, "length": None},
        ),
        ("1-D radial, far field 30 mm", {"geometry": "radial", "r_max": 30e-3, "length": None}),
    ]
    for length in (0.005, 0.01, 0.02, 0.04):
        variants.append((f"axisymmetric, finite length L = {1e3 * length:g} mm",
                         {"geometry": "axisymmetric", "r_max": 30e-3, "length": length}))  # fmt: skip
    for f in (3.0, 5.0, 8.0):
        variants.append((f"1-D radial 10.8 mm, liquid k x{f:g} (convection stand-in, fitted)",
                         {"geometry": "radial", "r_max": 10.8e-3, "length": None, "k_liquid_factor": f}))  # fmt: skip
        variants.append((f"axisym. L = 10 mm, 30 mm, liquid k x{f:g} (fitted)",
                         {"geometry": "axisymmetric", "r_max": 30e-3, "length": 0.01, "k_liquid_factor": f}))  # fmt: skip
    for hh, gg in ((0.01, 0.009), (0.005, 0.009), (0.02, 0.009), (0.01, 0.005), (0.01, 0.015)):
        variants.append((f"1-D radial 10.8 mm, natural convection H {1e3 * hh:g} mm, gap "
                         f"{1e3 * gg:g} mm (predicted, geometry assumed)",
                         {"geometry": "radial", "r_max": 10.8e-3, "length": None,
                          "convection": NaturalConvection(hh, gg)}))  # fmt: skip
    variants.append(("axisym. L = 10 mm, 30 mm, natural convection H 10, gap 9 mm (predicted)",
                     {"geometry": "axisymmetric", "r_max": 30e-3, "length": 0.01,
                      "convection": CONVECTION}))  # fmt: skip
    variants.append(("1-D radial 10.8 mm, convection H 10 / gap 9 mm + outer TCs +0.4 mm (offset fitted on Celsio)",
                     {"geometry": "radial", "r_max": 10.8e-3, "length": None,
                      "convection": CONVECTION, "tc_offset": 0.4e-3}))  # fmt: skip
    for off in (0.2e-3, 0.4e-3, 0.6e-3):
        variants.append((f"1-D radial 10.8 mm, outer TCs +{1e3 * off:.1f} mm (fitted)",
                         {"geometry": "radial", "r_max": 10.8e-3, "length": None, "tc_offset": off}))  # fmt: skip
    data_c = {c: load(data, c) for c in CASES}
    lines = ["| variant | Celsio pooled RMSE (°C) | IceSphere pooled RMSE (°C) |", "|---|---|---|"]
    ref = [pooled_rmse(c, data_c[c], np.array([data_c[c][f"{k}_model"] for k in CASES[c][1][1:]]))
           for c in CASES]  # fmt: skip
    lines.append(f"| reference model (shipped predictions) | {ref[0]:.2f} | {ref[1]:.2f} |")
    out: dict = {"reference": ref}
    for name, kw in variants:
        vals = [pooled_rmse(c, data_c[c], run(c, data_c[c], **kw)) for c in CASES]
        out[name] = vals
        lines.append(f"| {name} | {vals[0]:.2f} | {vals[1]:.2f} |")
    return "\n".join(lines), out


def plot(case: str, d: dict[str, np.ndarray], preds: dict[str, np.ndarray], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    _, cols, radii, _, _ = CASES[case]
    fig, ax = plt.subplots(figsize=(9, 5.5), constrained_layout=True)
    t = d["t"]
    colours = ["tab:blue", "tab:orange", "tab:green"]
    ax.plot(t, d[f"{cols[0]}_measured_mean"], "k-", lw=2, label="imposed: measured at 1.80 mm")
    styles = dict(zip(preds, ["--", ":", "-.", (0, (5, 1))], strict=False))
    for i, (c, r) in enumerate(zip(cols[1:], radii[1:], strict=True)):
        m, s = d[f"{c}_measured_mean"], d[f"{c}_measured_sem"]
        ax.fill_between(t, m - s, m + s, color=colours[i], alpha=0.25, lw=0)
        ax.plot(t, m, "-", color=colours[i], lw=1.5, label=f"measured {1e3 * r:.2f} mm (± SEM)")
        for k, p in preds.items():
            ax.plot(t, p[i], linestyle=styles[k], color=colours[i], lw=1.2,
                    label=k if i == 0 else None)  # fmt: skip
    ax.set_xlabel("time (s)")
    ax.set_ylabel("°C")
    ax.set_title(f"Sarshoghi 2026, {case}: outer thermocouples (line style = model)")
    ax.legend(fontsize=8, ncol=2)
    ax.grid(alpha=0.3)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parents[1] / "docs" / "physics"
    )
    ap.add_argument("--quick", action="store_true", help="fewer runs (used by the test suite)")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    lengths = [0.01] if args.quick else [0.005, 0.01, 0.02, 0.04]
    report: dict = {}
    for case in CASES:
        d = load(args.data, case)
        preds: dict[str, np.ndarray] = {
            "reference model (shipped)": np.array([d[f"{c}_model"] for c in CASES[case][1][1:]]),
            "1-D radial, 10.8 mm": run(case, d, "radial", 10.8e-3, None),
        }
        preds["1-D radial, 10.8 mm + convection"] = run(
            case, d, "radial", 10.8e-3, None, convection=CONVECTION
        )
        if not args.quick:
            preds["1-D radial, 30 mm"] = run(case, d, "radial", 30e-3, None)
            preds["axisym. L=10 mm + convection"] = run(
                case, d, "axisymmetric", 30e-3, 0.01, convection=CONVECTION
            )
        for length in lengths:
            preds[f"axisym. L={1e3 * length:g} mm"] = run(case, d, "axisymmetric", 30e-3, length)
        text, out = table(case, d, preds)
        report[case] = out
        print(f"\n### {case}\n\n{text}")
        if not args.quick:
            keep = [
                "reference model (shipped)",
                "1-D radial, 10.8 mm",
                "1-D radial, 10.8 mm + convection",
                "axisym. L=10 mm + convection",
            ]
            plot(case, d, {k: preds[k] for k in keep}, args.out / f"validation_{case}.png")
    if not args.quick:
        print("\n### IceSphere front (mm from the probe surface)\n")
        print(front_check(args.data, load(args.data, "icesphere"), [0.01, 0.02]))
        text, sens = sensitivity(args.data)
        report["sensitivity"] = sens
        print("\n### What explains the gap (pooled RMSE over the outer thermocouples)\n")
        print(text)
    (
        args.out / ("validation_metrics_quick.json" if args.quick else "validation_metrics.json")
    ).write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
