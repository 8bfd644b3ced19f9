"""Real-gas properties of the cryogens (N2O, CO2, argon) for the Joule-Thomson probe model.

Enthalpy: Peng-Robinson equation of state (Peng & Robinson, Ind. Eng. Chem. Fundam.
1976;15:59) with the critical constants and acentric factors below, plus an ideal-gas
heat capacity. Saturation (boiling or, for CO2 below its triple point, sublimation)
temperature at a given pressure: Clausius-Clapeyron, ``ln p = A - B / T``, through two
sourced points per gas. The equation of state is used only for single-phase states
(compressed liquid at the supply, vapour at the exhaust), where Peng-Robinson is usually
within a few % on enthalpy differences; this is checked against the one sourced
two-phase figure (N2O usable cooling ~160 kJ/kg, physics.md) in the tests.

Every constant carries its source in :data:`GASES`; the ideal-gas heat capacities are
constants (assumption: the temperature dependence of cp over -90..+20 degC is a few %).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["GASES", "Gas", "gas"]

#: Universal gas constant (J/mol K), CODATA exact value.
R_GAS = 8.314462618
#: A supply at or above this fraction of the fitted vapour pressure is taken as liquid
#: (the Clausius-Clapeyron fit's error near 20 degC, about 10 %: see ``liquid_supply``).
LIQUID_TOLERANCE = 0.9
#: Standard atmosphere (Pa).
ATM = 101325.0


@dataclass(frozen=True)
class Gas:
    """Constants of one cryogen (SI: K, Pa, kg/mol, J/mol K)."""

    name: str
    molar_mass: float
    t_crit: float
    p_crit: float
    acentric: float
    cp_ideal: float  # J/mol K, constant (assumption)
    sat_points: tuple[tuple[float, float], tuple[float, float]]  # ((T K, p Pa), (T K, p Pa))
    source: str

    @property
    def r_specific(self) -> float:
        return R_GAS / self.molar_mass

    @property
    def gamma_ideal(self) -> float:
        return self.cp_ideal / (self.cp_ideal - R_GAS)

    # --- saturation ---------------------------------------------------------------
    def _cc(self) -> tuple[float, float]:
        (t1, p1), (t2, p2) = self.sat_points
        b = math.log(p2 / p1) / (1.0 / t1 - 1.0 / t2)
        a = math.log(p1) + b / t1
        return a, b

    def saturation_temperature(self, p: float) -> float:
        """Boiling (or sublimation) temperature (K) at pressure ``p`` (Pa)."""
        if not p > 0.0:
            raise ValueError(f"pressure must be > 0 Pa, got {p!r}")
        a, b = self._cc()
        return b / (a - math.log(p))

    def saturation_pressure(self, t: float) -> float:
        a, b = self._cc()
        return math.exp(a - b / t)

    def liquid_supply(self, t: float, p: float) -> bool:
        """Whether the supply at ``t`` (K), ``p`` (Pa) is a (compressed) liquid: below the
        critical temperature and above the vapour pressure, the vapour pressure taken by
        Clausius-Clapeyron between the first saturation point (for CO2: the triple point,
        the bottom of the liquid branch) and the critical point."""
        if t >= self.t_crit:
            return False
        t1, p1 = self.liquid_low
        b = math.log(self.p_crit / p1) / (1.0 / t1 - 1.0 / self.t_crit)
        # the two-point fit is within about 10 % of the vapour pressure at room temperature
        # (N2O: 54.8 vs 50.6 bar at 20 degC, CoolProp/physics.md ~50 bar), so a supply at
        # the tabulated saturation pressure (a cartridge) counts as liquid
        return p >= LIQUID_TOLERANCE * p1 * math.exp(-b * (1.0 / t - 1.0 / t1))

    @property
    def liquid_low(self) -> tuple[float, float]:
        return self.sat_points[1] if self.name == "co2" else self.sat_points[0]

    def isenthalpic_temperature(self, h: float, p: float) -> float:
        """Vapour temperature (K) at pressure ``p`` with enthalpy ``h`` (bisection, not
        below the saturation temperature: below it the gas condenses)."""
        lo, hi = self.saturation_temperature(p), 400.0
        if self.enthalpy(lo, p, "vapour") >= h:
            return lo
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            if self.enthalpy(mid, p, "vapour") < h:
                lo = mid
            else:
                hi = mid
        return 0.5 * (lo + hi)

    # --- Peng-Robinson -----------------------------------------------------------
    def _ab(self, t: float) -> tuple[float, float, float]:
        tc, pc, w = self.t_crit, self.p_crit, self.acentric
        kappa = 0.37464 + 1.54226 * w - 0.26992 * w * w
        sq = 1.0 + kappa * (1.0 - math.sqrt(t / tc))
        a = 0.45724 * R_GAS**2 * tc**2 / pc * sq * sq
        b = 0.07780 * R_GAS * tc / pc
        dadt = -0.45724 * R_GAS**2 * tc**2 / pc * sq * kappa / math.sqrt(t * tc)
        return a, b, dadt

    def compressibility(self, t: float, p: float, phase: str) -> float:
        """Z of the ``"liquid"`` (smallest root) or ``"vapour"`` (largest root) state."""
        a, b, _ = self._ab(t)
        A = a * p / (R_GAS * t) ** 2
        B = b * p / (R_GAS * t)
        roots = np.roots([1.0, -(1.0 - B), A - 3 * B * B - 2 * B, -(A * B - B * B - B**3)])
        real = sorted(float(r.real) for r in roots if abs(r.imag) < 1e-9 and r.real > B)
        if not real:
            raise ValueError(f"{self.name}: no physical state at {t:.1f} K, {p:.3g} Pa")
        return real[0] if phase == "liquid" else real[-1]

    def molar_volume(self, t: float, p: float, phase: str) -> float:
        return self.compressibility(t, p, phase) * R_GAS * t / p

    def density(self, t: float, p: float, phase: str) -> float:
        return self.molar_mass / self.molar_volume(t, p, phase)

    def enthalpy(self, t: float, p: float, phase: str) -> float:
        """Specific enthalpy (J/kg), zero for the ideal gas at 293.15 K."""
        a, b, dadt = self._ab(t)
        z = self.compressibility(t, p, phase)
        B = b * p / (R_GAS * t)
        s2 = math.sqrt(2.0)
        dep = R_GAS * t * (z - 1.0) + (t * dadt - a) / (2.0 * s2 * b) * math.log(
            (z + (1.0 + s2) * B) / (z + (1.0 - s2) * B)
        )
        return (self.cp_ideal * (t - 293.15) + dep) / self.molar_mass


_CRIT = "critical constants and acentric factor: standard tables (Poling, Prausnitz & O'Connell, The Properties of Gases and Liquids, 5th ed., App. A)"

GASES: dict[str, Gas] = {
    "n2o": Gas(
        "n2o",
        44.013e-3,
        309.52,
        72.45e5,
        0.142,
        38.6,
        ((184.68, ATM), (205.35, 3.0e5)),
        f"{_CRIT}; saturation -88.47 degC at 1 atm and -68 degC at 3 bar (physics.md, "
        "CoolProp); cp 38.6 J/mol K ideal gas near 298 K (standard tables; constant: assumption)",
    ),
    "co2": Gas(
        "co2",
        44.010e-3,
        304.13,
        73.77e5,
        0.225,
        37.1,
        ((194.65, ATM), (216.55, 5.11 * ATM)),
        f"{_CRIT}; sublimation -78.5 degC at 1 atm and triple point -56.6 degC at 5.11 atm "
        "(physics.md, standard tables); cp 37.1 J/mol K ideal gas near 298 K (standard "
        "tables; constant: assumption)",
    ),
    "argon": Gas(
        "argon",
        39.948e-3,
        150.69,
        48.63e5,
        -0.002,
        20.786,
        ((87.30, ATM), (150.69, 48.63e5)),
        f"{_CRIT}; normal boiling point -185.85 degC (standard tables) and the critical point "
        "as the second saturation point; cp 5/2 R (monatomic ideal gas, exact)",
    ),
}


def gas(name: str) -> Gas:
    try:
        return GASES[name]
    except KeyError:
        raise ValueError(
            f"unknown cryogen gas {name!r}; valid choices: {', '.join(sorted(GASES))}"
        ) from None
