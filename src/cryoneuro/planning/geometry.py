"""From the image plane (nerve frame) to the solver's axisymmetric probe frame.

Nerve frame: ``x`` lateral, ``y`` depth below the skin (both m), target nerve centre at
``(0, depth)``. The probe is a straight needle inserted at ``approach_angle`` degrees from
the skin surface; ``u`` is the unit vector along its axis from the tip towards the skin
and ``n = (sin a, -cos a)`` the in-plane normal. The nerve lies at ``offset`` from the
axis (on the ``n`` side when ``side = 1``, the other when ``-1``) and at ``along`` from
the tip along the axis.

The solver is axisymmetric about the probe with the skin perpendicular to the axis
(``Axisymmetric(tip_depth=...)``). For an oblique needle the planner approximates:

- the skin plane is put at the *true* perpendicular clearance of the top of the freezing
  segment (the closest the cold gets to the skin), which is conservative for the skin;
- the layer thicknesses are scaled so that the nerve lies in the layer it is measured in.

At 90 degrees both approximations are exact.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

__all__ = ["ProbeFrame"]


@dataclass(frozen=True)
class ProbeFrame:
    depth: float  # nerve centre depth (m)
    angle_deg: float
    offset: float
    along: float
    active_length: float
    side: float = 1.0  # +1: nerve on the n side of the axis, -1: on the other side

    @property
    def u(self) -> FloatArray:
        a = math.radians(self.angle_deg)
        return np.array([-math.cos(a), -math.sin(a)])

    @property
    def n(self) -> FloatArray:
        a = math.radians(self.angle_deg)
        return np.array([math.sin(a), -math.cos(a)])

    @property
    def tip(self) -> FloatArray:
        nerve = np.array([0.0, self.depth])
        out: FloatArray = nerve - self.along * self.u - self.side * self.offset * self.n
        return out

    @property
    def entry(self) -> FloatArray:
        """Where the axis crosses the skin line ``y = 0``."""
        t = self.tip
        s = t[1] / math.sin(math.radians(self.angle_deg))
        out: FloatArray = t + s * self.u
        return out

    @property
    def insertion_length(self) -> float:
        """Needle length in tissue, skin to tip (m)."""
        return float(self.tip[1] / math.sin(math.radians(self.angle_deg)))

    @property
    def active_top_depth(self) -> float:
        """Depth of the top of the freezing segment (m): its clearance from the skin."""
        return float((self.tip + self.active_length * self.u)[1])

    @property
    def model_tip_depth(self) -> float:
        """``tip_depth`` of the axisymmetric model: skin at the true clearance of the active
        segment's top (exact at 90 degrees)."""
        return self.active_length + self.active_top_depth

    @property
    def layer_scale(self) -> float:
        """Factor on layer thicknesses so the nerve's model depth maps to its true depth."""
        model_depth = self.model_tip_depth - self.along
        return model_depth / self.depth if self.depth > 0 else 1.0

    def to_probe(self, points: FloatArray) -> FloatArray:
        """Nerve-frame points ``(n, 2)`` -> probe-frame ``(r, z)``."""
        p = np.atleast_2d(np.asarray(points, float)) - self.tip[None, :]
        z = p @ self.u
        perp = p - z[:, None] * self.u[None, :]
        r = np.hypot(perp[:, 0], perp[:, 1])
        return np.stack([r, z], axis=1)

    def to_nerve_frame(self, rz: FloatArray, side: float = 1.0) -> FloatArray:
        """Probe-frame ``(r, z)`` (on the ``side`` of the axis: +1 the ``n`` side) -> nerve frame."""
        q = np.atleast_2d(np.asarray(rz, float))
        out: FloatArray = (
            self.tip[None, :] + q[:, 1:2] * self.u[None, :] + side * q[:, 0:1] * self.n[None, :]
        )
        return out
