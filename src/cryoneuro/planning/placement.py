"""Image-guided placement: from points marked on the patient's image to planner inputs,
and from the plan's isotherms back to image pixels (the overlay at true scale).

Marks are in image pixels (``x`` to the right, ``y`` down), as JSON::

    {"skin": [[x, y], [x, y]],            # two points on the skin line
     "nerve": [x, y],                     # the target nerve's centre
     "trajectory": [[x, y], [x, y]],      # needle entry, then tip
     "motor": [[x, y], ...], "vessel": [[x, y], ...],   # optional structures
     "calibration": {"points": [[x, y], [x, y]], "mm": 10.0}}   # PNG/JPEG only

Spacing is (row, column) in mm per pixel (DICOM PixelSpacing order). Bad marks raise
:class:`PlacementError` with a message saying what to change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cryoneuro.physics import PROBES
from cryoneuro.physics.devices import DEVICES

FloatArray = NDArray[np.float64]

__all__ = ["Placement", "PlacementError", "calibration_spacing", "placement_from_marks"]

MISS_MARGIN_M = 5e-3
"""A trajectory passing more than 5 mm (beyond contact) from the nerve misses it."""


class PlacementError(ValueError):
    """Marks that cannot make a placement; the message says what to change."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _point(marks: dict[str, Any], key: str, what: str) -> FloatArray:
    p = marks.get(key)
    try:
        arr = np.asarray(p, float).reshape(2)
    except (TypeError, ValueError):
        raise PlacementError(key, f"mark {what} on the image") from None
    if not np.all(np.isfinite(arr)):
        raise PlacementError(key, f"mark {what} on the image")
    return arr


def _pair(marks: dict[str, Any], key: str, what: str) -> tuple[FloatArray, FloatArray]:
    p = marks.get(key)
    try:
        arr = np.asarray(p, float).reshape(2, 2)
    except (TypeError, ValueError):
        raise PlacementError(key, f"mark {what} on the image (two points)") from None
    if not np.all(np.isfinite(arr)):
        raise PlacementError(key, f"mark {what} on the image (two points)")
    if np.allclose(arr[0], arr[1]):
        raise PlacementError(
            key, f"the two points of {what} are the same: mark two distinct points"
        )
    return arr[0], arr[1]


def calibration_spacing(marks: dict[str, Any]) -> float:
    """mm per pixel from a known distance marked on a PNG/JPEG."""
    cal = marks.get("calibration") or {}
    if not isinstance(cal, dict) or not cal.get("points"):
        raise PlacementError(
            "calibration",
            "this image has no pixel spacing: mark a known distance (e.g. the "
            "depth scale) and give its length in mm",
        )
    a, b = _pair({"c": cal.get("points")}, "c", "the calibration distance")
    try:
        # a missing or non-numeric length raises, and becomes the PlacementError below
        mm = float(cal.get("mm"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise PlacementError("calibration", "give the calibration length in mm") from None
    if not (math.isfinite(mm) and 0 < mm <= 500):
        raise PlacementError("calibration", f"calibration length must be 0-500 mm, got {mm:g}")
    return mm / float(np.hypot(*(b - a)))


@dataclass(frozen=True)
class Placement:
    """The geometry read off the image (SI units) and the image <-> nerve-frame mapping."""

    depth: float
    approach_angle: float
    offset: float
    offset_side: float
    along: float
    insertion_length: float
    structures: tuple[tuple[str, float, float], ...]  # (kind, x, depth) in m
    origin_mm: tuple[float, float]  # nerve-frame origin in image mm
    t: tuple[float, float]  # nerve-frame x axis in image mm coordinates
    n_in: tuple[float, float]  # nerve-frame y axis (into the body)
    spacing: tuple[float, float]  # (row, column) mm per pixel

    def to_pixels(self, pts_mm: Any) -> FloatArray:
        """Nerve-frame points (mm) -> image pixels."""
        p = np.atleast_2d(np.asarray(pts_mm, float))
        img_mm = (
            np.asarray(self.origin_mm)[None, :]
            + p[:, 0:1] * np.asarray(self.t)[None, :]
            + p[:, 1:2] * np.asarray(self.n_in)[None, :]
        )
        out: FloatArray = img_mm / np.array([self.spacing[1], self.spacing[0]])[None, :]
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "depth_mm": 1e3 * self.depth,
            "approach_angle_deg": self.approach_angle,
            "offset_mm": 1e3 * self.offset,
            "offset_side": self.offset_side,
            "along_mm": 1e3 * self.along,
            "insertion_mm": 1e3 * self.insertion_length,
            "structures": [
                {"kind": k, "x_mm": 1e3 * x, "depth_mm": 1e3 * d} for k, x, d in self.structures
            ],
            "origin_mm": list(self.origin_mm),
            "t": list(self.t),
            "n_in": list(self.n_in),
            "spacing_mm": list(self.spacing),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Placement:
        return cls(
            depth=d["depth_mm"] / 1e3,
            approach_angle=d["approach_angle_deg"],
            offset=d["offset_mm"] / 1e3,
            offset_side=d["offset_side"],
            along=d["along_mm"] / 1e3,
            insertion_length=d["insertion_mm"] / 1e3,
            structures=tuple(
                (s["kind"], s["x_mm"] / 1e3, s["depth_mm"] / 1e3) for s in d["structures"]
            ),
            origin_mm=tuple(d["origin_mm"]),
            t=tuple(d["t"]),
            n_in=tuple(d["n_in"]),
            spacing=tuple(d["spacing_mm"]),
        )


def placement_from_marks(
    marks: dict[str, Any],
    spacing: tuple[float, float] | None,
    *,
    probe: str,
    diameter: float,
    reach: float | None = None,
) -> Placement:
    """Read depth, approach angle, offset and position along the probe off the marks.

    ``spacing``: (row, column) mm per pixel, or None to use the marked calibration.
    """
    if not isinstance(marks, dict):
        raise PlacementError(
            "marks", "mark the skin line, the nerve and the trajectory on the image"
        )
    if spacing is None:
        s = calibration_spacing(marks)
        spacing = (s, s)
    if not all(math.isfinite(v) and v > 0 for v in spacing):
        raise PlacementError(
            "calibration", "the pixel spacing is missing or invalid: calibrate the image"
        )
    scale = np.array([spacing[1], spacing[0]])  # x uses the column spacing, y the row spacing

    def mm(p: FloatArray) -> FloatArray:
        out: FloatArray = p * scale
        return out

    a, b = (mm(p) for p in _pair(marks, "skin", "the skin line"))
    nerve = mm(_point(marks, "nerve", "the nerve (its centre)"))
    entry, tip = (
        mm(p) for p in _pair(marks, "trajectory", "the probe trajectory (entry, then tip)")
    )
    t = (b - a) / np.linalg.norm(b - a)
    n_in = np.array([-t[1], t[0]])
    if (nerve - a) @ n_in < 0:
        n_in = -n_in
    depth_mm = float((nerve - a) @ n_in)
    if depth_mm <= 0.2:
        raise PlacementError(
            "nerve", "the nerve is on the skin line: mark its centre under the skin"
        )
    origin = a + ((nerve - a) @ t) * t

    def frame(p: FloatArray) -> FloatArray:
        return np.array([(p - origin) @ t, (p - a) @ n_in])

    e_f, p_f, n_f = frame(entry), frame(tip), frame(nerve)
    d = p_f - e_f
    if d[1] <= 0:
        raise PlacementError(
            "trajectory",
            "the trajectory must go into the body: mark the entry on the skin first, then the tip",
        )
    d = d / np.linalg.norm(d)
    angle = math.degrees(math.atan2(d[1], d[0]))
    if not 10.0 <= angle <= 170.0:
        raise PlacementError(
            "trajectory", f"the trajectory is {angle:.0f} degrees from the skin: use 10-170 degrees"
        )
    u = -d
    w = n_f - p_f
    along = float(w @ u)
    perp = w - along * u
    offset = float(np.hypot(*perp))
    nvec = np.array([math.sin(math.radians(angle)), -math.cos(math.radians(angle))])
    side = 1.0 if perp @ nvec >= 0 else -1.0
    pr = DEVICES[probe].probe() if probe in DEVICES else PROBES[probe]
    contact = 1e3 * (pr.radius + 0.5 * diameter)
    if offset > contact + 1e3 * MISS_MARGIN_M:
        raise PlacementError(
            "trajectory",
            f"the trajectory misses the nerve: it passes {offset - contact:.1f} mm "
            "from its surface; redraw it so that the needle runs next to the nerve",
        )
    if along < -1.0:
        raise PlacementError(
            "trajectory",
            f"the tip stops {-along:.1f} mm short of the nerve: extend the trajectory past it",
        )
    if along > 1e3 * pr.active_length + 2.0:
        raise PlacementError(
            "trajectory",
            f"the tip goes {along - 1e3 * pr.active_length:.1f} mm too far "
            "past the nerve for the freezing segment: pull it back",
        )
    offset = max(offset, contact)  # drawn through the nerve: the needle lies against it
    insertion = float(p_f[1] / d[1])  # skin to tip along the needle (mm)
    from cryoneuro.planning.inputs import PROBE_REACH_M

    longest = max(PROBE_REACH_M.values()) if reach is None else reach
    if insertion > 1e3 * longest:
        raise PlacementError(
            "trajectory",
            f"the nerve is deeper than any probe can reach: the tip is "
            f"{insertion:.0f} mm along the needle, the longest needle reaches "
            f"{1e3 * longest:.0f} mm; use a steeper approach or another route",
        )
    structures = []
    for kind, key in (("motor_nerve", "motor"), ("vessel", "vessel")):
        items = marks.get(key) or []
        if not isinstance(items, list):
            raise PlacementError(
                key, f"the {kind.replace('_', ' ')} marks could not be read: mark them again"
            )
        for p in items:
            q = frame(mm(_point({"p": p}, "p", f"the {kind.replace('_', ' ')}")))
            if q[1] <= 0:
                raise PlacementError(key, f"the {kind.replace('_', ' ')} is above the skin line")
            structures.append((kind, float(q[0]) / 1e3, float(q[1]) / 1e3))
    return Placement(
        depth=depth_mm / 1e3,
        approach_angle=angle,
        offset=offset / 1e3,
        offset_side=side,
        along=min(max(along, 0.0), 1e3 * pr.active_length) / 1e3,
        insertion_length=insertion / 1e3,
        structures=tuple(structures),
        origin_mm=(float(origin[0]), float(origin[1])),
        t=(float(t[0]), float(t[1])),
        n_in=(float(n_in[0]), float(n_in[1])),
        spacing=(float(spacing[0]), float(spacing[1])),
    )


def overlay(plan_dict: dict[str, Any], placement: Placement) -> dict[str, Any]:
    """Isotherms, probe and nerve of a stored plan in image pixels (SVG-ready strings)."""
    lines: dict[str, list[str]] = {}
    for level, polys in (plan_dict.get("isotherms_mm") or {}).items():
        out = []
        for poly in polys:
            px = placement.to_pixels(poly)
            out.append(" ".join(f"{x:.1f},{y:.1f}" for x, y in px))
        lines[level] = out
    geom = plan_dict.get("geometry") or {}
    result: dict[str, Any] = {"isotherms": lines}
    if geom.get("tip_mm") and geom.get("entry_mm"):
        tip = placement.to_pixels(geom["tip_mm"])[0]
        entry = placement.to_pixels(geom["entry_mm"])[0]
        result["probe"] = [float(entry[0]), float(entry[1]), float(tip[0]), float(tip[1])]
    nerve = placement.to_pixels([0.0, 1e3 * placement.depth])[0]
    inputs = plan_dict.get("inputs") or {}
    diam_mm = 1e3 * float(inputs.get("diameter_m", 0.0))
    result["nerve"] = [float(nerve[0]), float(nerve[1]), 0.5 * diam_mm / placement.spacing[1]]
    return result
