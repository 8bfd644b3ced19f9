"""A physical closed-tip cryoprobe: Joule-Thomson expansion, flow-limited cooling, warm shaft.

The gas enters at the supply pressure ``p_s`` and temperature ``T_s`` through an orifice
into the closed tip, expands to the exhaust (back) pressure ``p_b`` and returns up the
shaft. Per step (the gas has no heat capacity of its own: quasi-steady):

- **flow**: liquid-fed cryogens (N2O, CO2 cartridges and cylinders deliver liquid) pass
  the orifice as a liquid, ``m = C_d A_o sqrt(2 rho_l (p_s - p_b))``; gas-fed argon is
  choked, ``m = C_d A_o p_s sqrt(gamma / (Z R T_s)) (2 / (gamma + 1))^((gamma + 1) / (2 (gamma - 1)))``
  (textbook orifice equations; rho_l and Z from Peng-Robinson, :mod:`~cryoneuro.physics.gas`).
  No flow (``p_s <= p_b`` or ``A_o = 0``) gives no cooling.
  A supply below the vapour pressure (e.g. a nearly empty N2O cartridge) is a gas: it is
  choked like argon and reaches only its isenthalpic (Joule-Thomson) outlet temperature,
  with the isothermal Joule-Thomson effect as its cooling per kg.
- **tip gas temperature**: the boiling (N2O) or sublimation (CO2) temperature at ``p_b``
  (the liquid that survives the flash boils at the exhaust pressure); argon probes reach
  the argon boiling point through a recuperative (Linde-Hampson) heat exchanger in the
  shaft (assumption: the recuperator is ideal).
- **cooling capacity** ``P_max = m q``: liquid-fed, ``q = h_vapour(T_gas, p_b) - h_liquid(T_s, p_s)``
  (what the liquid can absorb until it is all vapour at the tip temperature); argon with
  an ideal recuperator, ``q = h(T_s, p_b) - h(T_s, p_s)`` (the isothermal Joule-Thomson
  effect at the warm end: Barron, Cryogenic Systems, Linde-Hampson cycle).
- **wall**: the boiling spray cools the inner wall through ``h_wall`` (W/m2 K) in series with
  the tissue; the total power is capped at ``P_max`` (flow-limited): a probe that cannot
  remove the heat load warms, one that can sits near the gas temperature.
- **shaft**: the cold exhaust returns up the shaft and exchanges heat with the tissue
  along it through ``shaft_h`` (W/m2 K, 0 = insulated) towards the exhaust temperature,
  over ``shaft_length`` above the active segment (beyond it: adiabatic). The shaft load is
  not subtracted from ``P_max`` (assumption: small beside it; reported in the energy
  ledger as boundary heat).

Free parameters (calibrated once, for all devices: docs/physics/probe-model.md): the
orifice area as a fraction of the probe's outer cross-section (``orifice_fraction``,
the supply capillary scaling with the probe), the discharge coefficient being folded into
it, and ``h_wall``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

from cryoneuro.physics.gas import ATM, Gas, gas

__all__ = ["CALIBRATION", "JouleThomsonProbe", "OperatingPoint"]

#: Calibrated free parameters (see docs/physics/probe-model.md for the training set and
#: the fit). ``orifice_fraction``: orifice area / probe outer cross-section (C_d folded
#: in); ``h_wall``: boiling heat-transfer coefficient at the inner wall (W/m2 K).
CALIBRATION: dict[str, float] = {"orifice_fraction": 1.0e-3, "h_wall": 8000.0}


@dataclass(frozen=True)
class OperatingPoint:
    mass_flow: float  # kg/s
    gas_temperature: float  # degC
    specific_cooling: float  # J/kg
    max_power: float  # W
    exhaust_temperature: float  # degC

    def as_dict(self) -> dict[str, float]:
        return {
            "mass_flow_mg_s": 1e6 * self.mass_flow,
            "gas_temperature_C": self.gas_temperature,
            "specific_cooling_kJ_kg": 1e-3 * self.specific_cooling,
            "max_power_W": self.max_power,
            "exhaust_temperature_C": self.exhaust_temperature,
        }


@dataclass(frozen=True)
class JouleThomsonProbe:
    """Probe boundary computed from the gas, pressures and geometry (SI; degC)."""

    cryogen: str
    diameter: float
    supply_pressure: float
    supply_temperature: float = 20.0
    back_pressure: float = ATM
    orifice_area: float | None = None  # m2; default: orifice_fraction x outer cross-section
    h_wall: float | None = None  # W/m2 K; default: CALIBRATION["h_wall"]
    shaft_h: float = 200.0
    shaft_length: float = 0.01
    thaw_temperature: float = 30.0
    thaw_h: float = 3000.0
    thaw_power_w: float = 20.0
    source: str = "physical Joule-Thomson model (probe_model.py), calibrated free parameters"

    def __post_init__(self) -> None:
        gas(self.cryogen)  # validates the name
        for name in ("diameter", "back_pressure", "thaw_h", "thaw_power_w"):
            v = getattr(self, name)
            if not (math.isfinite(v) and v > 0.0):
                raise ValueError(f"JouleThomsonProbe.{name} must be a positive number, got {v!r}")
        for name in ("supply_pressure", "shaft_h", "shaft_length"):
            v = getattr(self, name)
            if not (math.isfinite(v) and v >= 0.0):
                raise ValueError(f"JouleThomsonProbe.{name} must be >= 0, got {v!r}")
        if self.orifice_area is not None and not self.orifice_area >= 0.0:
            raise ValueError(f"orifice_area must be >= 0, got {self.orifice_area!r}")
        if self.h_wall is not None and not self.h_wall > 0.0:
            raise ValueError(f"h_wall must be > 0, got {self.h_wall!r}")
        if not -60.0 <= self.supply_temperature <= 60.0:
            raise ValueError(
                f"supply_temperature {self.supply_temperature!r} degC is outside -60..60 degC"
            )

    @property
    def gas(self) -> Gas:
        return gas(self.cryogen)

    @property
    def wall_h(self) -> float:
        return CALIBRATION["h_wall"] if self.h_wall is None else self.h_wall

    @property
    def orifice(self) -> float:
        if self.orifice_area is not None:
            return self.orifice_area
        return CALIBRATION["orifice_fraction"] * math.pi * (0.5 * self.diameter) ** 2

    @cached_property
    def point(self) -> OperatingPoint:
        """The operating point (computed once per probe)."""
        return self.operating_point()

    def operating_point(self) -> OperatingPoint:
        g = self.gas
        ts = self.supply_temperature + 273.15
        ps, pb = self.supply_pressure, self.back_pressure
        t_gas = g.saturation_temperature(pb)
        if ps <= pb or self.orifice <= 0.0:
            return OperatingPoint(0.0, t_gas - 273.15, 0.0, 0.0, self.supply_temperature)
        if self.cryogen == "argon" or not g.liquid_supply(ts, ps):
            z = g.compressibility(ts, ps, "vapour")
            gam = g.gamma_ideal
            m = (
                self.orifice
                * ps
                * math.sqrt(gam / (z * g.r_specific * ts))
                * (2.0 / (gam + 1.0)) ** ((gam + 1.0) / (2.0 * (gam - 1.0)))
            )
            h_in = g.enthalpy(ts, ps, "vapour")
            q = g.enthalpy(ts, pb, "vapour") - h_in
            if self.cryogen != "argon":
                # gas-fed N2O/CO2 (no recuperator): the isenthalpic outlet temperature
                t_gas = g.isenthalpic_temperature(h_in, pb)
        else:
            rho = g.density(ts, ps, "liquid")
            m = self.orifice * math.sqrt(2.0 * rho * (ps - pb))
            q = g.enthalpy(t_gas, pb, "vapour") - g.enthalpy(ts, ps, "liquid")
        q = max(q, 0.0)
        return OperatingPoint(m, t_gas - 273.15, q, m * q, t_gas - 273.15)

    @property
    def coldest(self) -> float:
        return self.gas.saturation_temperature(self.back_pressure) - 273.15
