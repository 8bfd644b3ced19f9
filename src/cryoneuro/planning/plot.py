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


# The plot's sampling of the image plane: points across the width (the depth axis gets
# as many per mm). Display only: the decision is made on the solver's own grid.
PLOT_SAMPLES = 321


def _number(lang: str):
    """Tick/label formatter: decimal comma and a true minus sign in French."""

    def fmt(value: float, _pos: int | None = None) -> str:
        text = f"{value:g}"
        if lang == "fr":
            text = text.replace(".", ",")
        return text.replace("-", "\u2212")

    return fmt


def _image_plane(plan: Plan, span: float, bottom: float):
    """The coldest temperature on a regular grid of the image plane (lateral x, depth y in
    mm, y from the skin down), read off the axisymmetric field around the tilted probe.

    Resampling (rather than contouring the solver mesh mapped into the plane) is what keeps
    the skin line clean: the mesh is aligned with the probe, so at any angle its cells
    cross the skin, and masking the cells above it left a saw-tooth edge and gaps there.
    The field is continuous across tissue layers (only its gradient changes), so linear
    interpolation is exact enough for a display. Outside the computed domain the
    temperature is the solver's far-field (Dirichlet) value: the warmest of the field."""
    from scipy.interpolate import RegularGridInterpolator

    res, frame = plan.result, plan.frame
    assert res is not None and frame is not None  # the caller checks
    r = np.asarray(res.r)
    z = np.asarray(res.z)
    T = np.asarray(res.min_temperature)
    far = float(np.max(T))
    # the axis (r = 0) is a symmetry line: the value there is the first cell's
    rr = np.concatenate([[0.0], r])
    TT = np.concatenate([T[:, :1], T], axis=1)
    field = RegularGridInterpolator((z, rr), TT, bounds_error=False, fill_value=far)
    n_x = PLOT_SAMPLES
    n_y = max(2, round(PLOT_SAMPLES * bottom / (2 * span)))
    xs = np.linspace(-span, span, n_x)
    ys = np.linspace(0.0, bottom, n_y)
    X, Y = np.meshgrid(xs, ys)
    tip, u, n = 1e3 * frame.tip, frame.u, frame.n * frame.side
    dx, dy = X - tip[0], Y - tip[1]
    zz = 1e-3 * (dx * u[0] + dy * u[1])
    radial = 1e-3 * np.abs(dx * n[0] + dy * n[1])
    return X, Y, field(np.stack([zz, radial], axis=-1))


def plot_png(plan: Plan, lang: str = "en", dpi: int = 110, protocol_text: str = "") -> bytes:
    """Coldest-temperature field around the probe in the image plane (both sides of the
    axis), with the 0 degC, target and permanent-injury isotherms, the nerve, the probe,
    the skin and the structures to spare. ``lang``: "fr" or "en" (labels, legend, decimal
    commas); ``protocol_text``: the protocol in words for the title (the caller's
    translation; the compact form when empty)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.patches import Circle
    from matplotlib.ticker import FuncFormatter

    lab = LABELS.get(lang, LABELS["en"])
    number = _number(lang)
    fig = Figure(figsize=(6.4, 4.8), dpi=dpi)
    ax = fig.add_subplot(1, 1, 1)
    res, frame = plan.result, plan.frame
    lim = plan.inputs.limits
    span = max(12.0, 1e3 * plan.inputs.depth * 1.6)
    bottom = 1e3 * plan.inputs.depth * 1.6 + 6
    xs = np.array([-span, span])
    if res is not None and frame is not None:
        X, Y, Tm = _image_plane(plan, span, bottom)
        levels = np.arange(-90.0, 40.1, 5.0)
        cf = ax.contourf(X, Y, Tm, levels=levels, cmap="coolwarm", extend="both")
        bar = fig.colorbar(cf, ax=ax, label=lab["temp"], ticks=np.arange(-90.0, 40.1, 10.0))
        bar.ax.yaxis.set_major_formatter(FuncFormatter(number))
        styles = {
            0.0: ("#1f4e79", "-"),
            lim.target_c: ("#000000", "-"),
            lim.permanent_c: ("#7a0000", "--"),
        }
        for level, (color, ls) in styles.items():
            if not float(np.min(Tm)) < level < float(np.max(Tm)):
                continue  # not reached: no line to draw (and no warning from contour)
            cs = ax.contour(
                X, Y, Tm, levels=[level], colors=[color], linestyles=[ls], linewidths=1.6
            )
            ax.clabel(cs, fmt=f"{number(level)} °C", fontsize=8)
        entry = 1e3 * frame.entry
        tip_mm = 1e3 * frame.tip
        ax.plot(
            [entry[0], tip_mm[0]],
            [entry[1], tip_mm[1]],
            color="#555555",
            lw=2.5,
            label=lab["probe"],
        )
        top = 1e3 * (frame.tip + frame.active_length * frame.u)
        ax.plot([top[0], tip_mm[0]], [top[1], tip_mm[1]], color="#00a0c0", lw=3.5)
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
    ax.set_ylim(bottom, -1.0)
    ax.xaxis.set_major_formatter(FuncFormatter(number))
    ax.yaxis.set_major_formatter(FuncFormatter(number))
    ax.set_aspect("equal")
    ax.set_xlabel(lab["lateral"])
    ax.set_ylabel(lab["depth"])
    title = lab["title"]
    compact = plan.protocol.compact if plan.protocol is not None else ""
    if protocol_text or compact:
        title += f" · {protocol_text or compact}"
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize=7)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return buf.getvalue()
