"""Calibrate the Joule-Thomson probe model on a training set, test it on held-out data.

Run: ``PYTHONPATH=src python examples/probe_model_calibration.py [--quick] [--out DIR]``
(writes probe_model_metrics.json and probe_model.png; docs/physics/probe-model.md quotes them).

Training set (the only data the free parameter sees): IceSphere (argon, 1.5 mm) in
saline, measured ice front at 1, 2 and 3 min of the first freeze of the 2x6 protocol
(Sarshoghi 2026, Fig1g crossings, cycle 1). Free parameter: ``orifice_fraction``
and ``h_wall`` (boiling coefficient at the inner wall), on a small grid.

Test set (never used in the fit):
- IceSphere clinical protocol, 7-min freeze, measured front at 1-3 min (Fig1h crossings,
  other runs);
- Littrup et al. 2009 (PMC2762356): one 2.4 mm argon probe, 15 min, 39 degC phantom:
  -30 degC isotherm diameter about 12 mm;
- tip temperatures: N2O about -88 degC, CO2 about -78 degC (physics.md; AccessAnesthesiology);
- gauge effect, Said et al. (meat, 2 min, N2O): 18 G -> 14 G width +70 %, length +113 %.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
from pathlib import Path

import numpy as np

from cryoneuro.physics import Axisymmetric, Probe, gauge_to_diameter, simulate, tissue_preset
from cryoneuro.physics import probe_model as pm
from cryoneuro.physics.probe_model import JouleThomsonProbe

DATA = (
    Path(os.environ.get("CRYONEURO_VALIDATION_DATA", "/work/shared/validation")) / "sarshoghi2026"
)
ARGON_SUPPLY = 200e5  # assumption, as in the device library (icesphere)


def crossings(name: str, series: str) -> list[tuple[float, float]]:
    with open(DATA / name, newline="") as f:
        return [
            (float(r["time_min"]), float(r["measured_front_mm"]))
            for r in csv.DictReader(f)
            if r["series"] == series
        ]


def front_from_surface(res, r_probe: float, times_min: list[float], z: float) -> list[float]:
    """Ice-front distance (mm) from the probe surface at mid active length ``z``: the
    outermost crossing of the freezing point (-0.52 degC, the data README's T_phase),
    interpolated linearly between cell centres."""
    out = []
    j = int(np.argmin(np.abs(res.z - z)))
    r = res.r
    for tm in times_min:
        i = int(np.argmin(np.abs(res.times - 60.0 * tm)))
        row = res.temperature[i][j]
        ok = r > r_probe
        rr, tt = r[ok], row[ok]
        frozen = np.nonzero(tt < -0.52)[0]
        if not len(frozen):
            out.append(0.0)
            continue
        k = int(frozen.max())
        if k + 1 < len(rr):
            w = (-0.52 - tt[k]) / (tt[k + 1] - tt[k])
            rf = rr[k] + w * (rr[k + 1] - rr[k])
        else:
            rf = rr[k]
        out.append(1e3 * (rf - r_probe))
    return out


def run_icesphere(
    frac: float, times: list[float], t0: float, h: float, quick: bool, h_wall: float
) -> list[float]:
    pm.CALIBRATION["orifice_fraction"] = frac
    pm.CALIBRATION["h_wall"] = h_wall
    probe = Probe("icesphere", 1.5e-3, 15e-3)
    b = JouleThomsonProbe("argon", probe.diameter, ARGON_SUPPLY, shaft_h=0.0)
    g = Axisymmetric(h_min=h, r_max=0.012, below_tip=0.01, above_active=0.01)
    res = simulate(
        probe,
        "argon",
        "water",
        f"{60 * max(times):g}",
        boundary=b,
        geometry=g,
        initial_temperature=t0,
        dt=1.0 if not quick else 2.0,
        output_interval=10.0,
    )
    return front_from_surface(res, probe.radius, times, 7.5e-3)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", type=Path, default=Path("docs/physics"))
    a = ap.parse_args()
    h = 2e-4 if a.quick else 1e-4
    train = crossings("Fig1g_iceball_front_2x6_crossings.csv", "Cycle 1")
    tt = [t for t, _ in train]
    meas = np.array([m for _, m in train])
    fracs = np.geomspace(1e-4, 1e-2, 3 if a.quick else 17)
    hws = (8000.0, 30000.0) if a.quick else (4000.0, 8000.0, 30000.0)
    scan = []
    for f in fracs:
        for hw in hws:
            pred = np.array(run_icesphere(float(f), tt, 27.14, h, a.quick, hw))
            rmse = float(np.sqrt(np.mean((pred - meas) ** 2)))
            scan.append((float(f), rmse, pred.tolist(), hw))
    # the argon training runs are flow-limited: h_wall barely moves the front (ties), so
    # among near-ties keep h_wall at its prior assumption (8000 W/m2 K)
    best = min(scan, key=lambda x: (round(x[1], 3), abs(math.log(x[3] / 8000.0))))
    pm.CALIBRATION["orifice_fraction"] = best[0]
    pm.CALIBRATION["h_wall"] = best[3]
    out: dict[str, object] = {
        "training": {
            "data": "Fig1g crossings, cycle 1",
            "times_min": tt,
            "measured_mm": meas.tolist(),
            "scan": scan,
            "orifice_fraction": best[0],
            "rmse_mm": best[1],
            "predicted_mm": best[2],
            "h_wall": best[3],
        },
    }
    tests: dict[str, object] = {}
    # 1. IceSphere, clinical protocol, 7-min freeze (other runs)
    held = crossings("Fig1h_iceball_front_clinical_crossings.csv", "7 min")
    pred = run_icesphere(best[0], [t for t, _ in held], 27.14, h, a.quick, best[3])
    tests["icesphere_7min_front"] = [
        {"t_min": t, "measured_mm": m, "predicted_mm": p, "error_pct": 100 * (p - m) / m}
        for (t, m), p in zip(held, pred, strict=True)
    ]
    # 2. Littrup 2009: 2.4 mm argon, 15 min, 39 degC phantom, -30 degC diameter ~12 mm
    probe = Probe("littrup_2p4", 2.4e-3, 20e-3)
    b = JouleThomsonProbe("argon", probe.diameter, ARGON_SUPPLY, shaft_h=0.0)
    g = Axisymmetric(h_min=2 * h, r_max=0.03, below_tip=0.02, above_active=0.02)
    res = simulate(
        probe,
        "argon",
        "water",
        "900",
        boundary=b,
        geometry=g,
        initial_temperature=39.0,
        dt=2.0,
        output_interval=60.0,
    )
    d30 = 2e3 * float(res.isotherm_radius(-30.0).max()) if -30.0 in res.thresholds else math.nan
    if math.isnan(d30):
        res = simulate(
            probe,
            "argon",
            "water",
            "900",
            boundary=b,
            geometry=g,
            initial_temperature=39.0,
            dt=2.0,
            output_interval=60.0,
            thresholds=(0.0, -30.0),
        )
        d30 = 2e3 * float(res.isotherm_radius(-30.0).max())
    tests["littrup_2009_minus30_diameter_mm"] = {
        "measured": 12.0,
        "predicted": d30,
        "error_pct": 100 * (d30 - 12.0) / 12.0,
        "ice_ball_diameter_mm": 2e3 * float(res.iceball_radius.max()),
    }
    # 3. tip temperatures (16 G probe, muscle 37 degC, 2 min) and 4. gauge effect (meat)
    meat = tissue_preset("muscle").with_(perfusion=0.0, metabolic_heat=0.0, t_arterial=20.0)
    tips = {}
    for gas_name, ps, ref in (("n2o", 50e5, -88.0), ("co2", 57e5, -78.0)):
        p16 = Probe("16g", gauge_to_diameter(16), 8e-3)
        b = JouleThomsonProbe(gas_name, p16.diameter, ps, shaft_h=200.0)
        r = simulate(
            p16,
            gas_name,
            "muscle",
            "120",
            boundary=b,
            geometry=Axisymmetric(h_min=h, r_max=0.015),
            output_interval=10.0,
        )
        tips[gas_name] = {
            "published_C": ref,
            "gas_C": b.point.gas_temperature,
            "coldest_tissue_C": float(r.min_temperature[r.tissue_mask].min()),
            "flow_mg_s": 1e6 * b.point.mass_flow,
            "capacity_W": b.point.max_power,
        }
    tests["tip_temperature"] = tips
    dims = {}
    for gg, la in ((18, 6e-3), (14, 10e-3)):
        p = Probe(f"{gg}g", gauge_to_diameter(gg), la)
        b = JouleThomsonProbe("n2o", p.diameter, 50e5, shaft_h=200.0)
        r = simulate(
            p,
            "n2o",
            meat,
            "120",
            boundary=b,
            geometry=Axisymmetric(h_min=h, r_max=0.015),
            initial_temperature=20.0,
            output_interval=10.0,
        )
        dims[gg] = {
            "width_mm": 2e3 * float(r.iceball_radius.max()),
            "length_mm": 1e3 * float(r.iceball_length.max()),
            "coldest_C": float(r.min_temperature[r.tissue_mask].min()),
            "capacity_W": b.point.max_power,
        }
    w = dims[14]["width_mm"] / dims[18]["width_mm"] - 1
    ln = dims[14]["length_mm"] / dims[18]["length_mm"] - 1
    tests["said_gauge_effect"] = {
        "dims": dims,
        "width_pct": 100 * w,
        "length_pct": 100 * ln,
        "published_width_pct": 70,
        "published_length_pct": 113,
    }
    # time scaling: IceSphere front at 1..6 min
    tt6 = [1, 2, 3, 4, 5, 6]
    tests["icesphere_time_scaling_mm"] = dict(
        zip(map(str, tt6), run_icesphere(best[0], tt6, 27.14, h, a.quick, best[3]), strict=True)
    )
    out["test"] = tests
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "probe_model_metrics.json").write_text(json.dumps(out, indent=2))
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(1, 2, figsize=(10, 4))
        for hw in hws:
            sel = [s for s in scan if s[3] == hw]
            ax[0].semilogx([s[0] for s in sel], [s[1] for s in sel], "o-", label=f"h_wall {hw:g}")
        ax[0].legend()
        ax[0].set_xlabel("orifice fraction (training scan)")
        ax[0].set_ylabel("front RMSE (mm), IceSphere cycle 1")
        ax[1].plot(tt, meas, "ks", label="train: measured (cycle 1)")
        ax[1].plot(tt, best[2], "k--", label="train: model")
        ax[1].plot(
            [t for t, _ in held], [m for _, m in held], "ro", label="test: measured (7-min runs)"
        )
        ax[1].plot([t for t, _ in held], pred, "r-", label="test: predicted")
        ax[1].set_xlabel("time (min)")
        ax[1].set_ylabel("ice front from probe surface (mm)")
        ax[1].legend()
        fig.tight_layout()
        fig.savefig(a.out / "probe_model.png", dpi=110)
    except ImportError:
        pass
    print(json.dumps(out, indent=1)[:4000])


if __name__ == "__main__":
    main()
