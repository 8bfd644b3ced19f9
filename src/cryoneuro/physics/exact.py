"""Exact solutions used for verification (formulas in physics.md).

- :func:`neumann_stefan`: planar two-phase Stefan problem (Neumann solution;
  Alexiades & Solomon, "Mathematical Modeling of Melting and Freezing Processes", ch. 2).
- :func:`steady_frozen_radius`: steady frozen radius around a cold cylinder in perfused
  tissue (Pennes, no metabolic heat): ``k_f (T_f - T_p) / (R ln(R / r_p)) =
  k_u m (T_a - T_f) K1(m R) / K0(m R)``, ``m = sqrt(w_b rho_b c_b / k_u)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["NeumannSolution", "neumann_stefan", "steady_frozen_radius"]


@dataclass(frozen=True)
class NeumannSolution:
    """Frozen layer ``0 < x < X(t) = 2 lam sqrt(alpha_s t)`` at surface temperature ``t_surface``."""

    lam: float
    alpha_s: float
    alpha_l: float
    t_surface: float
    t_melt: float
    t_initial: float

    def front(self, t: ArrayLike) -> NDArray[np.float64]:
        return 2.0 * self.lam * np.sqrt(self.alpha_s * np.asarray(t, float))

    def temperature(self, x: ArrayLike, t: float) -> NDArray[np.float64]:
        from scipy.special import erf, erfc

        x = np.asarray(x, float)
        X = float(self.front(t))
        lam, nu = self.lam, math.sqrt(self.alpha_s / self.alpha_l)
        sol = self.t_surface + (self.t_melt - self.t_surface) * erf(
            x / (2 * math.sqrt(self.alpha_s * t))
        ) / erf(lam)
        liq = self.t_initial - (self.t_initial - self.t_melt) * erfc(
            x / (2 * math.sqrt(self.alpha_l * t))
        ) / erfc(nu * lam)
        out: NDArray[np.float64] = np.where(x < X, sol, liq)
        return out


def neumann_stefan(
    k_s: float,
    c_s: float,
    k_l: float,
    c_l: float,
    latent: float,
    t_melt: float,
    t_surface: float,
    t_initial: float,
) -> NeumannSolution:
    """Solve ``St_s/(exp(l^2) erf(l)) - St_l/(nu exp(nu^2 l^2) erfc(nu l)) = l sqrt(pi)``.

    ``c_*`` are volumetric heat capacities (J/m3 K), ``latent`` volumetric (J/m3).
    """
    from scipy.optimize import brentq
    from scipy.special import erfcx

    if not t_surface < t_melt < t_initial:
        raise ValueError("need t_surface < t_melt < t_initial")
    a_s, a_l = k_s / c_s, k_l / c_l
    st_s = c_s * (t_melt - t_surface) / latent
    st_l = c_l * (t_initial - t_melt) / latent
    nu = math.sqrt(a_s / a_l)

    def f(lam: float) -> float:
        return (
            st_s / (math.exp(lam**2) * math.erf(lam))
            - st_l / (nu * erfcx(nu * lam))
            - lam * math.sqrt(math.pi)
        )

    lam = brentq(f, 1e-9, 5.0, xtol=1e-15)
    return NeumannSolution(lam, a_s, a_l, t_surface, t_melt, t_initial)


def steady_frozen_radius(
    k_f: float,
    k_u: float,
    perfusion_heat: float,
    r_probe: float,
    t_probe: float,
    t_freeze: float,
    t_arterial: float,
) -> float:
    """Steady frozen radius (m) around a cylinder of radius ``r_probe`` at ``t_probe``.

    ``perfusion_heat`` is ``w_b rho_b c_b`` (W/m3 K).
    """
    from scipy.optimize import brentq
    from scipy.special import k0e, k1e

    m = math.sqrt(perfusion_heat / k_u)

    def g(R: float) -> float:
        lhs = k_f * (t_freeze - t_probe) / (R * math.log(R / r_probe))
        rhs = k_u * m * (t_arterial - t_freeze) * k1e(m * R) / k0e(m * R)
        return lhs - rhs

    return float(brentq(g, r_probe * (1 + 1e-9), r_probe + 50.0 / m, xtol=1e-14))
