"""Material data: tissues, layered tissue, cryogens and probes.

Every figure carries its source (``source`` field). Sources are abbreviated; the full
references are in ``/work/shared/reference/physics.md`` (copied into docs/physics/design.md):

- ``CRYO-SET``: the classic cryosurgery property set (Micromachines 2025;16:1321 Table 1;
  Rabin & Shitzer): k 0.5/2.0 W/m K, c 3600/1800 J/kg K, rho 1000/998 kg/m3,
  L 250 MJ/m3, phase change -8 to -1 degC, perfusion 0.0005 1/s, blood c 3600 J/kg K.
- ``ITIS``: IT'IS-derived unfrozen values (muscle, fat, cortical bone).
- ``WATER``: standard water/ice tables (k 0.60/2.22, c 4180/2090, rho 1000/917,
  latent heat 334 kJ/kg, ice k ~ 2.22 * 273.15 / T[K]).

Frozen-state values for tissues other than the generic set are *assumptions*: most
sub-zero tissue data stop near -40 degC (Choi & Bischof, Cryobiology 2010), so frozen
properties are scaled from the unfrozen ones with the ratios of the generic set and
flagged ``verified=False``.

All values are SI: W/(m K), J/(m3 K), J/m3, degC, 1/s, W/m3.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from cryoneuro.physics.convection import NaturalConvection

__all__ = [
    "CRYOGENS",
    "PROBES",
    "TISSUES",
    "Cryogen",
    "Layer",
    "LayeredTissue",
    "Probe",
    "Tissue",
    "cryogen_preset",
    "gauge_to_diameter",
    "probe_preset",
    "tissue_preset",
]

#: Blood volumetric heat capacity rho_b c_b (J/m3 K): 1000 kg/m3 x 3600 J/kg K (CRYO-SET).
BLOOD_VOLUMETRIC_HEAT_CAPACITY = 1000.0 * 3600.0


def _unknown(kind: str, name: str, valid: list[str]) -> ValueError:
    return ValueError(f"unknown {kind} {name!r}; valid choices: {', '.join(sorted(valid))}")


@dataclass(frozen=True)
class Tissue:
    """Thermal model of one tissue (frozen dataclass, SI units).

    Enthalpy per unit volume, zero at the solidus ``t_solidus``:
    ``H = C_f (T - Ts)`` below the solidus, ``H = (C_mush (T - Ts) + L) * (T - Ts)/(Tl - Ts)``
    across the mushy range (linear liquid fraction), ``H = H_l + C_u (T - Tl)`` above the
    liquidus; ``C_mush = (C_f + C_u)/2``. Perfusion (Pennes) and metabolic heat are
    multiplied by the liquid fraction, so they stop when frozen.

    ``ice_k_exponent`` p makes the frozen conductivity ``k_f * (273.15/(T + 273.15))**p``
    (p = 1 for ice, WATER; 0 = constant).
    """

    name: str
    k_unfrozen: float
    k_frozen: float
    c_unfrozen: float  # volumetric heat capacity J/(m3 K)
    c_frozen: float
    latent_heat: float  # J/m3
    t_solidus: float = -8.0
    t_liquidus: float = -1.0
    perfusion: float = 0.0005  # 1/s, blood volume flow per tissue volume
    metabolic_heat: float = 0.0  # W/m3
    t_arterial: float = 37.0
    blood_heat_capacity: float = BLOOD_VOLUMETRIC_HEAT_CAPACITY
    ice_k_exponent: float = 0.0
    source: str = ""
    verified: bool = True
    #: optional natural convection in the liquid (``None``: off, as in perfused tissue)
    convection: NaturalConvection | None = None

    def __post_init__(self) -> None:
        for attr in ("k_unfrozen", "k_frozen", "c_unfrozen", "c_frozen"):
            v = getattr(self, attr)
            if not v > 0.0:
                raise ValueError(f"tissue {self.name!r}: {attr} must be > 0, got {v!r}")
        for attr in ("latent_heat", "perfusion", "metabolic_heat", "blood_heat_capacity"):
            v = getattr(self, attr)
            if not v >= 0.0:
                raise ValueError(f"tissue {self.name!r}: {attr} must be >= 0, got {v!r}")
        if not self.t_liquidus >= self.t_solidus:
            raise ValueError(
                f"tissue {self.name!r}: t_liquidus {self.t_liquidus!r} below "
                f"t_solidus {self.t_solidus!r}"
            )
        if self.t_solidus < -273.15:
            raise ValueError(f"tissue {self.name!r}: t_solidus {self.t_solidus!r} below 0 K")

    @property
    def t_freeze(self) -> float:
        """Representative freezing temperature: the middle of the mushy range."""
        return 0.5 * (self.t_solidus + self.t_liquidus)

    def resolved(self, t_bulk: float) -> Tissue:
        """This tissue with its natural-convection model (if any) resolved for a liquid at
        ``t_bulk`` degC: ``k_unfrozen`` multiplied by the Nusselt number of
        :class:`~cryoneuro.physics.convection.NaturalConvection`, ``convection`` cleared
        and the figures appended to ``source``. Without a model: ``self``."""
        if self.convection is None:
            return self
        est = self.convection.estimate(t_bulk, self.t_liquidus)
        note = (
            f"; natural convection resolved at {t_bulk:g} degC: k_unfrozen "
            f"{self.k_unfrozen:g} x Nu {est.nusselt:.4g} (Ra {est.rayleigh:.3g}, Pr "
            f"{est.prandtl:.3g}, H/L {est.aspect:.3g}, {est.correlation}"
            f"{'' if est.in_range else ', OUTSIDE its validity range'}; height "
            f"{self.convection.height:g} m, gap {self.convection.gap:g} m: "
            f"{self.convection.source})"
        )
        return replace(
            self,
            k_unfrozen=self.k_unfrozen * est.nusselt,
            convection=None,
            source=self.source + note,
        )

    def with_(self, **changes: object) -> Tissue:
        """A copy with some fields changed (``dataclasses.replace``)."""
        return replace(self, **changes)  # type: ignore[arg-type]


def _scaled(name: str, k: float, rho: float, c: float, **kw: object) -> Tissue:
    """A tissue from IT'IS unfrozen k, rho, c; frozen values scaled with the CRYO-SET
    ratios (k x4, c x0.5, rho x0.998) and latent heat scaled with density (assumption)."""
    return Tissue(
        name=name,
        k_unfrozen=k,
        k_frozen=4.0 * k,
        c_unfrozen=rho * c,
        c_frozen=0.998 * rho * 0.5 * c,
        latent_heat=250e6 * rho / 1000.0,
        **kw,  # type: ignore[arg-type]
    )


#: Tissue presets. Keys are the valid names for :func:`tissue_preset`.
TISSUES: dict[str, Tissue] = {
    "soft_tissue": Tissue(
        name="soft_tissue",
        k_unfrozen=0.5,
        k_frozen=2.0,
        c_unfrozen=1000.0 * 3600.0,
        c_frozen=998.0 * 1800.0,
        latent_heat=250e6,
        metabolic_heat=420.0,
        source="CRYO-SET (Micromachines 2025;16:1321 Table 1; Rabin & Shitzer); "
        "metabolic heat 420 W/m3 = low end of 420-4200 (sources differ 10x)",
    ),
    "muscle": _scaled(
        "muscle",
        0.49,
        1090.0,
        3421.0,
        metabolic_heat=420.0,
        source="ITIS unfrozen k, rho, c; frozen values and latent heat scaled from CRYO-SET "
        "(assumption); perfusion 0.0005 1/s CRYO-SET",
        verified=False,
    ),
    "fat": _scaled(
        "fat",
        0.21,
        911.0,
        2348.0,
        perfusion=0.0003,
        metabolic_heat=420.0,
        source="ITIS unfrozen k, rho, c; frozen scaled (assumption); perfusion 0.0003 1/s "
        "= low end of the CRYO-SET range (assumption)",
        verified=False,
    ),
    "skin": _scaled(
        "skin",
        0.37,
        1109.0,
        3391.0,
        perfusion=0.001,
        metabolic_heat=420.0,
        source="dermis k 0.37, rho 1109, c 3391: IT'IS database values (unverified, not in "
        "physics.md); frozen scaled (assumption); perfusion 0.001 1/s = high end of CRYO-SET",
        verified=False,
    ),
    "tendon": _scaled(
        "tendon",
        0.46,
        1142.0,
        3432.0,
        perfusion=0.0003,
        metabolic_heat=420.0,
        source="tendon/ligament k 0.46, rho 1142, c 3432: IT'IS database values (unverified, "
        "not in physics.md); frozen scaled (assumption); perfusion 0.0003 (assumption)",
        verified=False,
    ),
    "bone": Tissue(
        name="bone",
        k_unfrozen=0.32,
        k_frozen=0.32 * 1.5,
        c_unfrozen=1908.0 * 1313.0,
        c_frozen=1908.0 * 1313.0 * 0.7,
        latent_heat=250e6 * 0.3,
        perfusion=0.0001,
        metabolic_heat=0.0,
        source="ITIS cortical bone unfrozen; little water: frozen k x1.5, c x0.7, latent heat "
        "30 % of CRYO-SET, perfusion 0.0001 (all assumptions)",
        verified=False,
    ),
    "water": Tissue(
        name="water",
        k_unfrozen=0.60,
        k_frozen=2.22,
        c_unfrozen=1000.0 * 4180.0,
        c_frozen=917.0 * 2090.0,
        latent_heat=917.0 * 334e3,
        t_solidus=-1.02,
        t_liquidus=-0.02,
        perfusion=0.0,
        metabolic_heat=0.0,
        t_arterial=37.0,
        ice_k_exponent=1.0,
        source="WATER tables; saline freezing -0.52 degC with a 1 degC mushy range as in "
        "Sarshoghi et al. 2026 (cryo_thermal.py); latent heat per volume of ice",
    ),
    "saline_phantom": Tissue(
        name="saline_phantom",
        k_unfrozen=0.60,
        k_frozen=2.22,
        c_unfrozen=1000.0 * 4180.0,
        c_frozen=917.0 * 2090.0,
        latent_heat=917.0 * 334e3,
        t_solidus=-1.02,
        t_liquidus=-0.02,
        perfusion=0.0,
        metabolic_heat=0.0,
        t_arterial=37.0,
        ice_k_exponent=1.0,
        source="as 'water' (WATER tables, Sarshoghi 2026 freezing range), plus natural "
        "convection in the liquid (convection.py: Catton 1978 / MacGregor & Emery 1969 "
        "enclosure correlations); bath geometry height 10 mm, gap 9 mm (assumption: the "
        "Sarshoghi 2026 reference domain, 10.8 mm far field minus the 1.8 mm cylinder)",
        verified=False,
        convection=NaturalConvection(
            height=0.01,
            gap=0.009,
            source="assumption: 10 mm cold-surface height, 9 mm liquid gap",
        ),
    ),
    "gel_phantom": Tissue(
        name="gel_phantom",
        k_unfrozen=0.58,
        k_frozen=2.1,
        c_unfrozen=1000.0 * 4100.0,
        c_frozen=917.0 * 2090.0,
        latent_heat=917.0 * 284e3,
        t_solidus=-3.3,
        t_liquidus=-2.3,
        perfusion=0.0,
        metabolic_heat=0.0,
        ice_k_exponent=1.0,
        source="GelMA phantom: latent heat 284 kJ/kg and freezing -2.8 degC from Sarshoghi "
        "2026 (3-D runs); k and c close to water (assumption)",
        verified=False,
    ),
}


def tissue_preset(name: str) -> Tissue:
    """The preset tissue called ``name`` (see :data:`TISSUES`)."""
    try:
        return TISSUES[name]
    except KeyError:
        raise _unknown("tissue", name, list(TISSUES)) from None


@dataclass(frozen=True)
class Layer:
    """One tissue layer along depth: ``thickness`` in m (``inf`` for the last one)."""

    tissue: Tissue
    thickness: float

    def __post_init__(self) -> None:
        if not self.thickness > 0.0:
            raise ValueError(
                f"layer {self.tissue.name!r}: thickness must be > 0, got {self.thickness!r}"
            )


@dataclass(frozen=True)
class LayeredTissue:
    """Layers stacked along depth from the skin surface (depth 0) downwards.

    Example: ``LayeredTissue.of(("skin", 2e-3), ("fat", 8e-3), ("muscle", float("inf")))``.
    Below the last layer the last tissue continues.
    """

    layers: tuple[Layer, ...]

    def __post_init__(self) -> None:
        if not self.layers:
            raise ValueError("a layered tissue needs at least one layer")

    @classmethod
    def of(cls, *items: tuple[str | Tissue, float]) -> LayeredTissue:
        return cls(
            tuple(
                Layer(tissue_preset(t) if isinstance(t, str) else t, float(th)) for t, th in items
            )
        )

    @classmethod
    def uniform(cls, tissue: Tissue) -> LayeredTissue:
        return cls((Layer(tissue, float("inf")),))

    def tissue_at(self, depth: float) -> Tissue:
        """The tissue at ``depth`` (m below the skin; negative depth = first layer)."""
        top = 0.0
        for layer in self.layers:
            if depth < top + layer.thickness:
                return layer.tissue
            top += layer.thickness
        return self.layers[-1].tissue

    @property
    def is_uniform(self) -> bool:
        return len({layer.tissue for layer in self.layers}) == 1


@dataclass(frozen=True)
class Cryogen:
    """A cryogen: normal boiling/sublimation point (degC), latent heat (J/kg), supply
    pressure at 20 degC (Pa), usable cooling per kg, default gas temperature at the tip."""

    name: str
    boiling_point: float
    latent_heat: float
    supply_pressure: float
    usable_cooling: float
    gas_temperature: float
    source: str
    verified: bool = True


CRYOGENS: dict[str, Cryogen] = {
    "n2o": Cryogen(
        name="n2o",
        boiling_point=-88.5,
        latent_heat=374e3,
        supply_pressure=50e5,
        usable_cooling=160e3,
        gas_temperature=-88.5,
        source="physics.md: boiling point -88.5 degC (CoolProp -88.47), latent heat ~374 kJ/kg "
        "(CoolProp), supply ~50 bar (saturation at 20 degC), usable cooling ~160 kJ/kg when "
        "liquid flashes from 20 degC (CoolProp energy balance)",
    ),
    "co2": Cryogen(
        name="co2",
        boiling_point=-78.5,
        latent_heat=571e3,
        supply_pressure=57e5,
        usable_cooling=140e3,
        gas_temperature=-78.5,
        source="physics.md: sublimation -78.5 degC at 1 atm, triple point -56.6 degC at 5.11 "
        "atm, supply ~57 bar; latent heat of sublimation 571 kJ/kg (standard tables, "
        "unverified here); usable cooling 140 kJ/kg (assumption, by analogy with N2O)",
        verified=False,
    ),
    "argon": Cryogen(
        name="argon",
        boiling_point=-185.8,
        latent_heat=161e3,
        supply_pressure=200e5,
        usable_cooling=50e3,
        gas_temperature=-184.0,
        source="argon normal boiling point -185.8 degC, latent heat 161 kJ/kg (standard "
        "tables, unverified here); Joule-Thomson gas -184 degC as used by Sarshoghi 2026; "
        "200 bar supply and 50 kJ/kg usable cooling are assumptions",
        verified=False,
    ),
}


def cryogen_preset(name: str) -> Cryogen:
    try:
        return CRYOGENS[name]
    except KeyError:
        raise _unknown("cryogen", name, list(CRYOGENS)) from None


#: Outer diameters of needle gauges (m), Stubs/ISO 9626 nominal values.
_GAUGE_DIAMETER_MM = {
    13: 2.413,
    14: 2.108,
    15: 1.829,
    16: 1.651,
    17: 1.473,
    18: 1.270,
    19: 1.067,
    20: 0.908,
}


def gauge_to_diameter(gauge: int) -> float:
    """Nominal outer diameter (m) of a needle of the given Birmingham gauge (ISO 9626)."""
    try:
        return _GAUGE_DIAMETER_MM[gauge] * 1e-3
    except KeyError:
        raise _unknown("gauge", str(gauge), [str(g) for g in _GAUGE_DIAMETER_MM]) from None


@dataclass(frozen=True)
class Probe:
    """A closed-tip cryoprobe: outer diameter (m), active (freezing) length from the tip (m).

    Default cooling: ``h`` (W/m2 K) between the expanding gas and the inner wall, and a
    cooling-power ceiling ``max_power_w`` (W). These are *assumptions*: h = 6000 W/m2 K
    gives a coldest tissue temperature of about -70 degC next to a 16 G N2O probe in muscle
    (the seed page quotes -70 to -100 degC at the tip), and 8-15 W corresponds to
    50-95 mg/s of N2O at ~0.16 W per mg/s (physics.md).
    """

    name: str
    diameter: float
    active_length: float
    h: float = 6000.0
    max_power_w: float = 12.0
    source: str = ""
    verified: bool = False
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        if not self.diameter > 0.0:
            raise ValueError(f"probe {self.name!r}: diameter must be > 0, got {self.diameter!r}")
        if not self.active_length > 0.0:
            raise ValueError(
                f"probe {self.name!r}: active_length must be > 0, got {self.active_length!r}"
            )
        if not self.h > 0.0:
            raise ValueError(f"probe {self.name!r}: h must be > 0, got {self.h!r}")
        if not self.max_power_w > 0.0:
            raise ValueError(
                f"probe {self.name!r}: max_power_w must be > 0, got {self.max_power_w!r}"
            )

    @property
    def radius(self) -> float:
        return 0.5 * self.diameter


_GAUGE_NOTE = "diameter: nominal gauge (ISO 9626); active length, h and power ceiling: assumptions"

PROBES: dict[str, Probe] = {
    "14g": Probe("14g", gauge_to_diameter(14), 10e-3, max_power_w=15.0, source=_GAUGE_NOTE),
    "16g": Probe("16g", gauge_to_diameter(16), 8e-3, max_power_w=12.0, source=_GAUGE_NOTE),
    "18g": Probe("18g", gauge_to_diameter(18), 6e-3, max_power_w=8.0, source=_GAUGE_NOTE),
    "celsio": Probe(
        "celsio",
        1.7e-3,
        10e-3,
        source="Sarshoghi 2026: 1.7 mm diameter, liquid CO2; active length assumption",
    ),
    "icesphere": Probe(
        "icesphere",
        1.5e-3,
        15e-3,
        h=10000.0,
        max_power_w=30.0,
        source="Sarshoghi 2026: 1.5 mm diameter, JT argon; active length assumption",
    ),
}


def probe_preset(name: str) -> Probe:
    try:
        return PROBES[name]
    except KeyError:
        raise _unknown("probe", name, list(PROBES)) from None
