"""Plots of a :class:`~cryoneuro.physics.result.FreezeResult` (matplotlib, Agg backend)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["plot_result"]

_COLOURS = {0.0: "white", -20.0: "tab:cyan", -40.0: "tab:blue", -100.0: "navy"}


def plot_result(result: Any, path: str | Path, *, time: float | None = None) -> Path:
    """Write a two-panel figure: (left) the minimum temperature reached in the r-z plane
    (mirrored about the probe axis) with isotherms, or the field at ``time``; (right)
    ice-ball (0 degC) and -20/-40 degC isotherm radii over time with the protocol phases."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    out = Path(path)
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(12, 5), constrained_layout=True)
    s = result.setup
    if len(result.z) > 1:
        F = (
            result.min_temperature
            if time is None
            else result.temperature[int(np.argmin(np.abs(result.times - time)))]
        )
        r_mm = 1e3 * result.r
        z_mm = 1e3 * result.z
        R = np.concatenate([-r_mm[::-1], r_mm])
        FF = np.concatenate([F[:, ::-1], F], axis=1)
        lim_r = min(r_mm[-1], 1e3 * max(3 * result.iceball_radius.max(), 5e-3))
        keep = np.abs(R) <= lim_r
        zmin = -lim_r
        zmax = 1e3 * s.probe.active_length + lim_r
        kz = (z_mm >= zmin) & (z_mm <= zmax)
        m = ax0.pcolormesh(
            R[keep],
            z_mm[kz],
            FF[np.ix_(kz, keep)],
            cmap="coolwarm",
            shading="nearest",
            vmin=min(-100.0, float(F.min())),
            vmax=40.0,
        )
        levels = sorted(result.thresholds)
        cs = ax0.contour(
            R[keep],
            z_mm[kz],
            FF[np.ix_(kz, keep)],
            levels=levels,
            colors=[_COLOURS.get(lv, "k") for lv in levels],
            linewidths=1.2,
        )
        ax0.clabel(cs, fmt="%g °C", fontsize=8)
        rp = 1e3 * s.probe.radius
        top = z_mm[kz][-1]
        ax0.fill_betweenx([0.0, top], -rp, rp, color="0.4", zorder=3)
        ax0.fill_betweenx([0.0, 1e3 * s.probe.active_length], -rp, rp, color="0.15", zorder=4)
        ax0.set_aspect("equal")
        ax0.set_xlabel("r (mm)")
        ax0.set_ylabel("z along the probe (mm, tip at 0)")
        what = "minimum temperature reached" if time is None else f"temperature at t = {time:g} s"
        ax0.set_title(f"{what}\n{s.probe.name}, {s.cryogen.name}, {s.protocol.compact}")
        fig.colorbar(m, ax=ax0, label="°C")
    else:
        ax0.plot(1e3 * result.r, result.min_temperature[0], label="minimum reached")
        ax0.plot(1e3 * result.r, result.temperature[-1, 0], label="final")
        for lv in result.thresholds:
            ax0.axhline(lv, color=_COLOURS.get(lv, "k"), lw=0.8, ls="--")
        ax0.set_xlabel("r (mm)" if result.geometry_kind == "radial" else "x (mm)")
        ax0.set_ylabel("°C")
        ax0.legend()
    t = result.times
    for lv, style in ((0.0, "-"), (-20.0, "--"), (-40.0, ":")):
        if lv in result.thresholds:
            ax1.plot(t, 1e3 * result.isotherm_radius(lv), style, label=f"{lv:g} °C isotherm")
    b = s.protocol.boundaries
    for i, ph in enumerate(s.protocol.phases):
        colour = {"freeze": "tab:blue", "passive_thaw": "0.85", "active_thaw": "tab:red"}[ph.kind]
        ax1.axvspan(b[i], b[i + 1], color=colour, alpha=0.12, lw=0)
    ax1.set_xlabel("time (s)")
    ax1.set_ylabel("radius from the probe axis (mm)")
    ax1.set_title("ice-ball radius over time (shaded: freeze / thaw)")
    ax1.legend()
    ax1.grid(alpha=0.3)
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out
