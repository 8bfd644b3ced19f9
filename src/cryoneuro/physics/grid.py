"""Geometries and their finite-volume grids.

Grids are cell-centred, non-uniform, refined near the probe by geometric stretching:
the first cell next to the probe has size ``h_min`` and each next cell is ``stretch``
times larger (capped at ``h_max``). The probe is not meshed: its surfaces are the ends
of grid lines (see :mod:`cryoneuro.physics.kernels`), so every probe face is exact.

Axisymmetric coordinates: ``r`` from the probe axis, ``z`` along the axis with ``z = 0``
at the (closed, flat) tip and ``z > 0`` towards the shaft; the active (cooling) segment
is ``0 <= z <= active_length``; the shaft above is adiabatic (assumption). With a skin
surface (``tip_depth``), the domain ends at ``z = tip_depth`` (the skin, convective to
air); depth below the skin is ``tip_depth - z``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
FarField = Literal["dirichlet", "adiabatic"]

__all__ = ["Axisymmetric", "Planar1D", "Radial1D", "stretched"]


def stretched(length: float, h_min: float, stretch: float, h_max: float = math.inf) -> FloatArray:
    """Face offsets ``0 = x_0 < ... < x_n = length``, sizes growing from ``h_min``.

    The last cell absorbs the remainder (merged into its neighbour when too small).
    """
    if not length > 0.0:
        raise ValueError(f"grid length must be > 0, got {length!r}")
    if not h_min > 0.0:
        raise ValueError(f"h_min must be > 0, got {h_min!r}")
    if not stretch >= 1.0:
        raise ValueError(f"stretch must be >= 1, got {stretch!r}")
    faces = [0.0]
    h = h_min
    while faces[-1] + h < length * (1.0 - 1e-12):
        faces.append(faces[-1] + h)
        h = min(h * stretch, h_max)
        if len(faces) > 100_000:
            raise ValueError(f"grid too large: h_min {h_min!r} over {length!r} m")
    if len(faces) > 1 and length - faces[-1] < 0.5 * (faces[-1] - faces[-2]):
        faces.pop()
    faces.append(length)
    return np.asarray(faces)


def _two_sided(length: float, h_min: float, stretch: float, h_max: float) -> FloatArray:
    half = stretched(0.5 * length, h_min, stretch, h_max)
    return np.concatenate([half, length - half[-2::-1]])


@dataclass(frozen=True)
class Planar1D:
    """A slab: the probe is the plane x = 0, tissue up to ``length``."""

    length: float = 0.04
    h_min: float = 1e-4
    stretch: float = 1.0
    h_max: float = math.inf
    far: FarField = "dirichlet"

    def faces(self) -> FloatArray:
        return stretched(self.length, self.h_min, self.stretch, self.h_max)


@dataclass(frozen=True)
class Radial1D:
    """An infinitely long cylindrical probe: tissue from the probe radius to ``r_max``."""

    r_max: float = 0.03
    h_min: float = 1e-4
    stretch: float = 1.05
    h_max: float = math.inf
    far: FarField = "dirichlet"

    def faces(self, r_probe: float) -> FloatArray:
        if not self.r_max > r_probe:
            raise ValueError(f"r_max {self.r_max!r} must exceed the probe radius {r_probe!r}")
        return r_probe + stretched(self.r_max - r_probe, self.h_min, self.stretch, self.h_max)


@dataclass(frozen=True)
class Axisymmetric:
    """One probe along the z axis (the default geometry).

    ``r_max``: lateral extent from the axis; ``below_tip`` / ``above_active``: extents
    beyond the tip and beyond the active segment (ignored above when ``tip_depth`` puts
    a skin surface there). ``h_min``: cell size at the probe surface; ``stretch``:
    geometric growth; ``h_max``: largest cell. ``skin_h`` (W/m2 K) and
    ``skin_temperature`` (degC): natural convection to room air, *assumption*
    (textbook range 5-25 W/m2 K).
    """

    r_max: float = 0.025
    below_tip: float = 0.02
    above_active: float = 0.02
    h_min: float = 1e-4
    stretch: float = 1.15
    h_max: float = 2e-3
    tip_depth: float | None = None
    skin_h: float = 10.0
    skin_temperature: float = 20.0
    far: FarField = "dirichlet"

    def faces(
        self, r_probe: float, active_length: float
    ) -> tuple[FloatArray, FloatArray, int, int]:
        """(r faces, z faces, number of r cells inside the probe radius, index of the
        first z cell above the tip)."""
        if self.h_min > 0.5 * r_probe:
            raise ValueError(
                f"grid too coarse for the probe: h_min {self.h_min!r} m must be at most half "
                f"the probe radius ({0.5 * r_probe!r} m)"
            )
        if self.h_min > 0.25 * active_length:
            raise ValueError(
                f"grid too coarse for the probe: h_min {self.h_min!r} m must be at most a quarter "
                f"of the active length ({0.25 * active_length!r} m)"
            )
        if self.r_max <= r_probe + 4 * self.h_min:
            raise ValueError(f"r_max {self.r_max!r} is too close to the probe radius {r_probe!r}")
        n_core = max(2, math.ceil(r_probe / max(self.h_min, 0.25 * r_probe)))
        r_in = np.linspace(0.0, r_probe, n_core + 1)
        r_out = r_probe + stretched(self.r_max - r_probe, self.h_min, self.stretch, self.h_max)
        rf = np.concatenate([r_in, r_out[1:]])
        below = stretched(self.below_tip, self.h_min, self.stretch, self.h_max)
        zb = -below[::-1]
        za = _two_sided(active_length, self.h_min, self.stretch, self.h_max)
        if self.tip_depth is not None:
            if not self.tip_depth > active_length + 2 * self.h_min:
                raise ValueError(
                    f"tip_depth {self.tip_depth!r} m must exceed the active length {active_length!r} m"
                )
            top = self.tip_depth - active_length
        else:
            top = self.above_active
        zt = active_length + stretched(top, self.h_min, self.stretch, self.h_max)
        zf = np.concatenate([zb, za[1:], zt[1:]])
        j_tip = len(zb) - 1
        return rf, zf, n_core, j_tip
