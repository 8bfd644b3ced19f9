"""The isotherm plot of a plan (matplotlib, Agg backend; PNG bytes). No Django."""

from __future__ import annotations

import io

import numpy as np

from cryoneuro.planning.planner import Plan

__all__ = ["plot_png"]

LABELS = {
    "en": {
        "depth": "depth below the skin (mm)",
        "lateral": "lateral (mm, nerve at 0)",
        "temp": "coldest temperature reached (°C)",
        "skin": "skin",
        "nerve": "target nerve",
        "probe": "probe",
        "title": "Predicted coldest temperature",
        "motor_nerve": "motor nerve",
        "vessel": "vessel",
        "other": "structure",
    },
    "fr": {
        "depth": "profondeur sous la peau (mm)",
        "lateral": "latéral (mm, nerf en 0)",
        "temp": "température la plus froide atteinte (°C)",
        "skin": "peau",
        "nerve": "nerf cible",
        "probe": "sonde",
        "title": "Température la plus froide prévue",
        "motor_nerve": "nerf moteur",
        "vessel": "vaisseau",
        "other": "structure",
    },
}


def plot_png(plan: Plan, lang: str = "en", dpi: int = 110) -> bytes:
    """Coldest-temperature field around the probe in the image plane (both sides of the
    axis), with the 0 degC, target and permanent-injury isotherms, the nerve, the probe,
    the skin and the structures to spare."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.patches import Circle

    lab = LABELS.get(lang, LABELS["en"])
    fig = Figure(figsize=(6.4, 4.8), dpi=dpi)
    ax = fig.add_subplot(1, 1, 1)
    res, frame = plan.result, plan.frame
    lim = plan.inputs.limits
    if res is not None and frame is not None:
        r = np.asarray(res.r)
        z = np.asarray(res.z)
        T = np.asarray(res.min_temperature)
        rs = np.concatenate([-r[::-1], r])
        Tf = np.concatenate([T[:, ::-1], T], axis=1)
        R, Z = np.meshgrid(rs, z)
        tip, u, n = frame.tip, frame.u, frame.n * frame.side
        X = 1e3 * (tip[0] + Z * u[0] + R * n[0])
        Y = 1e3 * (tip[1] + Z * u[1] + R * n[1])
        keep = Y >= -0.01
        Tm = np.ma.masked_where(~keep, Tf)
        levels = np.linspace(-90, 37, 28)
        cf = ax.contourf(X, Y, Tm, levels=levels, cmap="coolwarm", extend="both")
        fig.colorbar(cf, ax=ax, label=lab["temp"])
        styles = {
            0.0: ("#1f4e79", "-"),
            lim.target_c: ("#000000", "-"),
            lim.permanent_c: ("#7a0000", "--"),
        }
        for level, (color, ls) in styles.items():
            cs = ax.contour(
                X, Y, Tm, levels=[level], colors=[color], linestyles=[ls], linewidths=1.6
            )
            ax.clabel(cs, fmt=f"{level:g} °C", fontsize=8)
        entry = 1e3 * frame.entry
        tip_mm = 1e3 * tip
        ax.plot(
            [entry[0], tip_mm[0]],
            [entry[1], tip_mm[1]],
            color="#555555",
            lw=2.5,
            label=lab["probe"],
        )
        top = 1e3 * (tip + frame.active_length * u)
        ax.plot([top[0], tip_mm[0]], [top[1], tip_mm[1]], color="#00a0c0", lw=3.5)
        span = max(12.0, 1e3 * plan.inputs.depth * 1.6)
        xs = np.array([-span, span])
    else:
        span = max(12.0, 1e3 * plan.inputs.depth * 1.6)
        xs = np.array([-span, span])
    ax.plot(xs, [0, 0], color="#a0522d", lw=2, label=lab["skin"])
    d_mm = 1e3 * plan.inputs.diameter
    ax.add_patch(
        Circle(
            (0.0, 1e3 * plan.inputs.depth),
            d_mm / 2,
            fill=False,
            ec="#ffd700",
            lw=2,
            label=lab["nerve"],
        )
    )
    for s in plan.inputs.structures:
        ax.add_patch(
            Circle(
                (1e3 * s.x, 1e3 * s.depth),
                max(1e3 * s.diameter / 2, 0.3),
                fill=False,
                ec="#2e8b57" if s.kind == "motor_nerve" else "#8b0000",
                lw=1.8,
                label=lab.get(s.kind, s.kind),
            )
        )
    ax.set_xlim(-span, span)
    ax.set_ylim(1e3 * plan.inputs.depth * 1.6 + 6, -1.0)
    ax.set_aspect("equal")
    ax.set_xlabel(lab["lateral"])
    ax.set_ylabel(lab["depth"])
    title = lab["title"]
    if plan.protocol is not None:
        title += f" · {plan.protocol.compact}"
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize=7)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return buf.getvalue()
