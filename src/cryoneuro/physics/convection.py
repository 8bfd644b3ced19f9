"""Natural convection in a liquid region as an effective conductivity (optional).

A cold probe (and its ice ball) standing vertically in warm liquid water or saline
drives a descending cold boundary layer: heat reaches the ice front faster than by
conduction in still liquid. Perfused *tissue* has no free convection, so this model is
off by default for every tissue; the ``saline_phantom`` preset turns it on.

Model: the "effective thermal conductivity" approach used for phase change with
natural convection (the liquid region keeps a conduction model, its conductivity is
multiplied by the Nusselt number of the liquid layer, ``k_eff = k Nu``). The liquid
layer is treated as a vertical enclosure of height ``height`` (the height of the cold
surface) and width ``gap`` (from the cold surface to the warm far field), hot side at
the bulk (initial) temperature, cold side at the liquidus. Correlations for vertical
rectangular enclosures (as collected in Incropera, DeWitt, Bergman & Lavine,
*Fundamentals of Heat and Mass Transfer*, free convection in enclosures; equation
numbers not checked here; ``Ra`` on the gap width ``L``):

- ``1 <= H/L < 2``: Catton (1978), ``Nu = 0.18 (Pr Ra / (0.2 + Pr))**0.29``,
  valid ``1e-3 < Pr < 1e5``, ``1e3 < Ra Pr / (0.2 + Pr)``;
- ``2 <= H/L <= 10``: Catton (1978), ``Nu = 0.22 (Pr Ra / (0.2 + Pr))**0.28 (H/L)**-0.25``,
  valid ``Pr < 1e5``, ``1e3 < Ra < 1e10``;
- ``10 < H/L <= 40``: MacGregor & Emery (1969), ``Nu = 0.42 Ra**0.25 Pr**0.012
  (H/L)**-0.3``, valid ``1 < Pr < 2e4``, ``1e4 < Ra < 1e7``.

Outside these ranges the nearest formula is extrapolated and
:attr:`ConvectionEstimate.in_range` is false. ``Nu`` is never taken below 1
(conduction regime).

Buoyancy: water has its density maximum near 4 degC, so a linear expansion
coefficient is poor between 0 and 30 degC; the Rayleigh number uses the density
difference directly, ``Ra = g |rho(T_cold) - rho(T_bulk)| / rho L^3 / (nu alpha)``,
with the density of pure water from Kell (1975), J. Chem. Eng. Data 20:97 (saline at
0.9 % is assumed to behave the same: an *assumption*), and nu, alpha, Pr of saturated
water at the film temperature (mean of the two sides) interpolated from Incropera Table
A.6 (values transcribed here, *unverified* against the printed table).

Assumptions (not sourced, configurable): the enclosure picture itself (the cold
cylinder is not a flat wall, and a freely growing ice front is not a fixed wall),
convection established from t = 0 (no onset delay: matters for very short freezes),
the effective conductivity raising the diffusivity in every direction (it also carries
cold outwards during the first seconds, which the real flow does not),
one effective factor for the whole liquid region and the whole run, and the geometry
(``height``, ``gap``), which the caller must give.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["ConvectionEstimate", "NaturalConvection", "water_density"]

#: Standard gravity (m/s2), definition.
GRAVITY = 9.80665

# Saturated water, Incropera Table A.6 (transcribed, unverified): T (K), dynamic
# viscosity (N s/m2), Prandtl number.
_T_K = np.array([273.15, 275.0, 280.0, 285.0, 290.0, 295.0, 300.0, 305.0, 310.0, 315.0])
_MU = 1e-6 * np.array([1750.0, 1652.0, 1422.0, 1225.0, 1080.0, 959.0, 855.0, 769.0, 695.0, 631.0])
_PR = np.array([12.99, 12.22, 10.26, 8.81, 7.56, 6.62, 5.83, 5.20, 4.62, 4.16])


def water_density(t: float) -> float:
    """Density of air-free pure water (kg/m3) at ``t`` degC, Kell (1975) (0-150 degC;
    used down to the freezing point of saline, a small extrapolation)."""
    num = (
        999.83952
        + 16.945176 * t
        - 7.9870401e-3 * t**2
        - 46.170461e-6 * t**3
        + 105.56302e-9 * t**4
        - 280.54253e-12 * t**5
    )
    return num / (1.0 + 16.879850e-3 * t)


def _water_props(t: float) -> tuple[float, float, float]:
    """(kinematic viscosity m2/s, thermal diffusivity m2/s, Pr) at ``t`` degC."""
    tk = min(max(t + 273.15, float(_T_K[0])), float(_T_K[-1]))
    mu = float(np.interp(tk, _T_K, _MU))
    pr = float(np.interp(tk, _T_K, _PR))
    nu = mu / water_density(t)
    return nu, nu / pr, pr


@dataclass(frozen=True)
class ConvectionEstimate:
    """The resolved effective-conductivity factor and how it was obtained."""

    nusselt: float
    rayleigh: float
    prandtl: float
    aspect: float  # H / L
    correlation: str
    in_range: bool


@dataclass(frozen=True)
class NaturalConvection:
    """Effective conductivity of a liquid layer with natural convection (see the module
    docstring): ``height`` of the cold surface and ``gap`` from it to the warm far field,
    both in m (geometry assumptions of the caller)."""

    height: float
    gap: float
    source: str = "geometry: assumption of the caller"

    def __post_init__(self) -> None:
        for name in ("height", "gap"):
            v = getattr(self, name)
            if not (isinstance(v, int | float) and math.isfinite(v) and v > 0):
                raise ValueError(f"natural convection: {name} must be > 0 m, got {v!r}")

    def estimate(self, t_bulk: float, t_cold: float) -> ConvectionEstimate:
        """Nusselt number of the layer between ``t_cold`` and ``t_bulk`` (degC)."""
        film = 0.5 * (t_bulk + t_cold)
        nu, alpha, pr = _water_props(film)
        rho = water_density(film)
        drho = abs(water_density(t_cold) - water_density(t_bulk))
        ra = GRAVITY * drho / rho * self.gap**3 / (nu * alpha)
        a = self.height / self.gap
        x = pr * ra / (0.2 + pr)
        if a < 2.0:
            nuss = 0.18 * x**0.29
            name = "Catton 1978, 1 <= H/L < 2"
            ok = a >= 1.0 and 1e-3 < pr < 1e5 and x > 1e3
        elif a <= 10.0:
            nuss = 0.22 * x**0.28 * a**-0.25
            name = "Catton 1978, 2 <= H/L <= 10"
            ok = pr < 1e5 and 1e3 < ra < 1e10
        else:
            nuss = 0.42 * ra**0.25 * pr**0.012 * a**-0.3
            name = "MacGregor & Emery 1969, 10 < H/L <= 40"
            ok = a <= 40.0 and 1.0 < pr < 2e4 and 1e4 < ra < 1e7
        return ConvectionEstimate(max(1.0, float(nuss)), float(ra), pr, a, name, bool(ok))
