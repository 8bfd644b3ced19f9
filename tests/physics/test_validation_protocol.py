"""The held-out validation protocol (examples/physics_validation_sarshoghi.py): the
calibration sees only its training split, the interval coverage is counted right, and the
thermocouple lag model is exact. Runs on synthetic data (no shared data needed)."""

from __future__ import annotations

import math
import runpy
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
V = runpy.run_path(str(ROOT / "examples" / "physics_validation_sarshoghi.py"))
COLS = V["CASES"]["icesphere"][1]


def test_coverage_counts_points_inside_with_bounds_included() -> None:
    meas = np.array([0.0, 1.0, 2.0, 3.0, np.float64(-0.5)])
    lo = np.zeros(5)
    hi = np.full(5, 2.0)
    # 0 and 2 are on the bounds (inside), 1 inside, 3 and -0.5 outside
    assert V["coverage"](meas, lo, hi) == pytest.approx(3 / 5)
    assert math.isnan(V["coverage"](np.array([]), np.array([]), np.array([])))


def test_a_95_percent_interval_covers_95_percent_of_a_synthetic_normal_case() -> None:
    rng = np.random.default_rng(7)
    n = 40_000
    truth = np.linspace(-40.0, 25.0, n)
    sd_a = np.full(n, 1.0)  # e.g. position
    sd_b = np.abs(np.sin(truth)) * 2.0 + 0.5  # varying, e.g. SEM
    meas = truth + rng.normal(0.0, sd_a) + rng.normal(0.0, sd_b)
    lo, hi = V["prediction_interval"](truth, [sd_a, sd_b])
    assert V["coverage"](meas, lo, hi) == pytest.approx(0.95, abs=0.006)
    # leaving a source out must show as under-coverage (the figure can fail)
    lo1, hi1 = V["prediction_interval"](truth, [sd_a])
    assert V["coverage"](meas, lo1, hi1) < 0.75
    # the half-width is z * sqrt(sum of variances)
    assert (hi - lo)[0] / 2 == pytest.approx(1.959964 * math.hypot(sd_a[0], sd_b[0]), rel=1e-6)


def test_first_order_lag_is_exact_for_a_ramp_and_delag_inverts_it() -> None:
    t = np.arange(0.0, 30.0, 0.5)
    tau = 1.5
    y = V["first_order_lag"](t, -3.0 * t, tau)
    exact = -3.0 * (t - tau * (1.0 - np.exp(-t / tau)))
    np.testing.assert_allclose(y, exact, atol=1e-12)
    smooth = 20.0 * np.exp(-t / 8.0)
    back = V["first_order_lag"](t, V["delag"](t, smooth, 0.3), 0.3)
    assert np.max(np.abs(back[4:] - smooth[4:])) < 0.05
    np.testing.assert_array_equal(V["first_order_lag"](t, smooth, 0.0), smooth)


def _synthetic_case(truth) -> dict[str, np.ndarray]:
    """An 'IceSphere' record made by the solver itself with known liquid parameters."""
    t = np.arange(0.0, 61.0)
    bc = 27.14 - 70.0 * (1.0 - np.exp(-t / 12.0))
    radii = V["CASES"]["icesphere"][2]
    outer, _ = V["solve"]("icesphere", t, bc, truth, radii[1:])
    d = {"t": t, f"{COLS[0]}_measured_mean": bc, f"{COLS[0]}_measured_sem": np.full_like(t, 1.0)}
    for c, p in zip(COLS[1:], outer, strict=True):
        d[f"{c}_measured_mean"] = p
        d[f"{c}_measured_sem"] = np.full_like(t, 0.5)
        d[f"{c}_model"] = p
    return d


def test_training_view_holds_only_the_training_split() -> None:
    d = _synthetic_case(V["LiquidModel"]())
    view = V["training_view"](d, "icesphere", 30.0)
    assert view["t"].max() == 30.0 and len(view["t"]) == 31
    assert all(len(v) == 31 for v in view.values())
    assert not any(k.endswith("_model") for k in view)  # no reference predictions either
    spatial = V["training_view"](d, "icesphere", None, [1])
    assert set(spatial) == {"t"} | {f"{c}_{k}" for c in COLS[:2]
                                    for k in ("measured_mean", "measured_sem")}  # fmt: skip


def test_calibration_recovers_known_parameters_and_never_sees_the_test_split() -> None:
    truth = V["LiquidModel"](2.0, 0.05)  # a node of the quick grid
    d = _synthetic_case(truth)
    model, info = V["calibrate"]("icesphere", V["training_view"](d, "icesphere", 30.0), quick=True)
    assert model == truth and info["train_rmse"] < 1e-9
    assert info["train_points"] == 3 * 31
    # rewrite everything after the training window (targets and the imposed trace)
    spoiled = {k: v.copy() for k, v in d.items()}
    late = spoiled["t"] > 30.0
    for k in spoiled:
        if k != "t":
            spoiled[k][late] += 40.0
    again, info2 = V["calibrate"]("icesphere", V["training_view"](spoiled, "icesphere", 30.0),
                                  quick=True)  # fmt: skip
    assert again == model and info2["train_rmse"] == info["train_rmse"]
    # ...while changing the training targets does change the fit (the check can fail)
    early = {k: v.copy() for k, v in d.items()}
    for c in COLS[1:]:
        early[f"{c}_measured_mean"][:31] += 4.0
    _, info3 = V["calibrate"]("icesphere", V["training_view"](early, "icesphere", 30.0),
                                  quick=True)  # fmt: skip
    assert info3["train_rmse"] > 1.0
