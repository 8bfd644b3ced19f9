"""Device library: real cryoneurolysis devices as data (issue 12, section 1).

Every figure is a :class:`Figure` carrying either its ``source`` or, when no published
figure could be verified, an ``assumption`` with the reason. Sources are abbreviated;
docs/physics/probe-model.md lists them in full. Nothing here is fitted: the free
parameters of the probe model are in :data:`~cryoneuro.physics.probe_model.CALIBRATION`.

``Device.probe()`` gives the :class:`~cryoneuro.physics.materials.Probe` geometry of one
needle and ``Device.boundary()`` the :class:`~cryoneuro.physics.probe_model.JouleThomsonProbe`
that drives it; ``simulate(device=...)`` / ``cryoneuro freeze --device <id>`` use both.
Multi-needle tips (iovera 3x6.9) are simulated needle by needle in the axisymmetric
solver (the needles' spacing is given for the 3-D solver and the planner).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from cryoneuro.physics.gas import ATM
from cryoneuro.physics.materials import Probe, gauge_to_diameter
from cryoneuro.physics.probe_model import JouleThomsonProbe

__all__ = ["DEVICES", "Device", "Figure", "device"]

_BAR = 1e5
_PSI = 6894.757


@dataclass(frozen=True)
class Figure:
    """A number with its provenance: a ``source`` or an ``assumption`` (reason), not both."""

    value: float
    unit: str
    source: str = ""
    assumption: str = ""

    def __post_init__(self) -> None:
        if bool(self.source) == bool(self.assumption):
            raise ValueError(
                f"a device figure needs exactly one of source or assumption (value {self.value!r})"
            )
        if not math.isfinite(self.value):
            raise ValueError(f"device figure must be finite, got {self.value!r}")

    @property
    def verified(self) -> bool:
        return bool(self.source)


def _a(value: float, unit: str, why: str) -> Figure:
    return Figure(value, unit, assumption=why)


def _s(value: float, unit: str, src: str) -> Figure:
    return Figure(value, unit, source=src)


@dataclass(frozen=True)
class Device:
    """One device (or one tip of a device). Lengths in m, pressures in Pa, times in s."""

    id: str
    name: str
    maker: str
    cryogen: str
    cryogen_source: str
    needle_count: Figure
    outer_diameter: Figure
    active_length: Figure
    supply_pressure: Figure
    back_pressure: Figure
    protocol: str
    protocol_source: str
    needle_length: Figure | None = None
    needle_spacing: Figure | None = None
    gauge: int | None = None
    shaft_h: Figure = field(
        default_factory=lambda: _a(
            200.0,
            "W/m2 K",
            "no published value; gas returning up an uninsulated shaft, low-flow forced "
            "convection, order 10^2 W/m2 K",
        )
    )
    notes: str = ""

    def figures(self) -> dict[str, Figure]:
        out = {
            "needle_count": self.needle_count,
            "outer_diameter": self.outer_diameter,
            "active_length": self.active_length,
            "supply_pressure": self.supply_pressure,
            "back_pressure": self.back_pressure,
            "shaft_h": self.shaft_h,
        }
        if self.needle_length is not None:
            out["needle_length"] = self.needle_length
        if self.needle_spacing is not None:
            out["needle_spacing"] = self.needle_spacing
        return out

    def probe(self) -> Probe:
        verified = all(f.verified for f in (self.outer_diameter, self.active_length))
        return Probe(
            self.id,
            self.outer_diameter.value,
            self.active_length.value,
            source=f"device library: {self.name}",
            verified=verified,
        )

    def boundary(self, supply_pressure: float | None = None) -> JouleThomsonProbe:
        return JouleThomsonProbe(
            self.cryogen,
            self.outer_diameter.value,
            self.supply_pressure.value if supply_pressure is None else supply_pressure,
            back_pressure=self.back_pressure.value,
            shaft_h=self.shaft_h.value,
        )

    def summary(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "maker": self.maker,
            "cryogen": self.cryogen,
            "protocol": self.protocol,
            "figures": {
                k: {
                    "value": f.value,
                    "unit": f.unit,
                    "source": f.source,
                    "assumption": f.assumption,
                }
                for k, f in self.figures().items()
            },
        }


# --- shared figures ---------------------------------------------------------------------
_N2O_SUPPLY = _s(
    50 * _BAR,
    "Pa",
    "N2O saturation pressure at 20 degC, ~50 bar (physics.md, CoolProp); consoles quote "
    "600-800 psi (AccessAnesthesiology, cryoneuroablation chapter)",
)
_CO2_SUPPLY = _s(
    57 * _BAR,
    "Pa",
    "CO2 saturation pressure at 20 degC, ~57 bar (physics.md); consoles quote 600-800 psi "
    "(AccessAnesthesiology, cryoneuroablation chapter)",
)
_BACK_1ATM = _a(
    ATM,
    "Pa",
    "exhaust vented to the room; the AccessAnesthesiology chapter quotes 10-15 psi in the "
    "return tube without saying gauge or absolute: 1 atm taken (gives the -88.5 / -78.5 degC "
    "tip gas the same chapter and the iovera literature quote)",
)
_CONSOLE_BACK = _s(
    ATM + 12.5 * _PSI,
    "Pa",
    "10-15 psi in the outer (return) tube (AccessAnesthesiology, cryoneuroablation "
    "chapter), read as gauge pressure above 1 atm (reading: assumption)",
)
_IOVERA_SRC = (
    "iovera: N2O cartridge, Joule-Thomson closed-end Smart Tips (FDA 510(k) K243677, K173763)"
)
_GUITRON = "2 min per intercostal nerve (Guitron et al., J Clin Med 2024;13:3304)"
_TRIAL = "3 x 2 min freezes, 1 min thaw between (NCT03449667, phantom limb trial)"
_CONSOLE_PROTO = (
    "freeze 2-3 min, thaw 0.5-2 min (Medicina 2025 review; pain-practice literature, physics.md)"
)


def _gauge(g: int, why: str) -> Figure:
    return _s(gauge_to_diameter(g), "m", f"{g} G nominal outer diameter (ISO 9626); {why}")


DEVICES: dict[str, Device] = {
    "iovera_1x90": Device(
        id="iovera_1x90",
        name="iovera° Smart Tip 1x90",
        maker="Pacira (Myoscience)",
        cryogen="n2o",
        cryogen_source=_IOVERA_SRC,
        needle_count=_s(1, "", "'1x90' tip is one 90 mm needle (FDA 510(k) K173763, physics.md)"),
        needle_length=_s(0.09, "m", "one 90 mm closed-end needle (FDA 510(k) K173763, physics.md)"),
        gauge=20,
        outer_diameter=_a(
            gauge_to_diameter(20),
            "m",
            "gauge not found in the sources available here; 20 G taken for a 90 mm "
            "percutaneous needle (ISO 9626 20 G = 0.908 mm)",
        ),
        active_length=_a(
            0.01,
            "m",
            "freezing segment length not published in the sources available here; 10 mm",
        ),
        supply_pressure=_N2O_SUPPLY,
        back_pressure=_BACK_1ATM,
        protocol="2x120/60",
        protocol_source=_TRIAL + "; iovera's fixed cycles not found in the sources available "
        "here (the console runs a tip-specific cycle)",
    ),
    "iovera_3x69": Device(
        id="iovera_3x69",
        name="iovera° Smart Tip 3x6.9 (27 G)",
        maker="Pacira (Myoscience)",
        cryogen="n2o",
        cryogen_source=_IOVERA_SRC,
        needle_count=_a(
            3, "", "'3x6.9' read as three 6.9 mm needles (maker's naming, as for 1x90)"
        ),
        needle_length=_a(6.9e-3, "m", "'3x6.9' read as 6.9 mm needles (maker's naming)"),
        needle_spacing=_a(
            2.5e-3,
            "m",
            "spacing not found in the sources available here; 2.5 mm (needles in a row, "
            "ice balls meant to merge)",
        ),
        gauge=27,
        outer_diameter=_a(
            0.41e-3,
            "m",
            "27 G (the issue: iovera Smart Tips are 27 G); ISO 9626 27 G nominal 0.41 mm, "
            "not in this project's gauge table",
        ),
        active_length=_a(
            5e-3,
            "m",
            "freezing length of a 6.9 mm needle not published here; 5 mm (most of it)",
        ),
        supply_pressure=_N2O_SUPPLY,
        back_pressure=_BACK_1ATM,
        protocol="3x60/30",
        protocol_source="assumption: iovera's fixed treatment cycle not verified here; "
        "1.0-1.5 min at -60 to -80 degC, 20-30 s thaw, refreeze (Rizk & Balasubramanian)",
    ),
    "metrum_cryoflex": Device(
        id="metrum_cryoflex",
        name="Metrum Cryoflex console probe",
        maker="Metrum Cryoflex (Poland)",
        cryogen="n2o",
        cryogen_source="CO2 or N2O consoles (AccessAnesthesiology chapter); N2O taken (assumption)",
        needle_count=_a(1, "", "single percutaneous probe"),
        gauge=16,
        outer_diameter=_a(
            gauge_to_diameter(16),
            "m",
            "probe diameter not found in the sources available here; 16 G (1.65 mm), "
            "mid-range of the 14-18 G console probes (physics.md)",
        ),
        active_length=_a(8e-3, "m", "not published here; 8 mm"),
        supply_pressure=_N2O_SUPPLY,
        back_pressure=_CONSOLE_BACK,
        protocol="2x180/60",
        protocol_source=_CONSOLE_PROTO,
    ),
    "epimed_painblocker": Device(
        id="epimed_painblocker",
        name="Epimed PainBlocker cryo probe",
        maker="Epimed",
        cryogen="n2o",
        cryogen_source="CO2 or N2O consoles (AccessAnesthesiology chapter); N2O taken (assumption)",
        needle_count=_a(1, "", "single percutaneous probe"),
        gauge=14,
        outer_diameter=_a(
            gauge_to_diameter(14),
            "m",
            "probe diameter not found in the sources available here; 14 G (2.1 mm), "
            "the upper end of 14-18 G (physics.md)",
        ),
        active_length=_a(10e-3, "m", "not published here; 10 mm"),
        supply_pressure=_N2O_SUPPLY,
        back_pressure=_CONSOLE_BACK,
        protocol="2x120/30",
        protocol_source=_CONSOLE_PROTO,
    ),
    "neurotherm_nt2000": Device(
        id="neurotherm_nt2000",
        name="Neurotherm cryo console probe",
        maker="Neurotherm",
        cryogen="co2",
        cryogen_source="CO2 or N2O consoles (AccessAnesthesiology chapter); CO2 taken (assumption)",
        needle_count=_a(1, "", "single percutaneous probe"),
        gauge=16,
        outer_diameter=_a(
            gauge_to_diameter(16),
            "m",
            "probe diameter not found in the sources available here; 16 G (1.65 mm)",
        ),
        active_length=_a(8e-3, "m", "not published here; 8 mm"),
        supply_pressure=_CO2_SUPPLY,
        back_pressure=_CONSOLE_BACK,
        protocol="2x120/60",
        protocol_source=_CONSOLE_PROTO,
    ),
    "atricure_cryosphere": Device(
        id="atricure_cryosphere",
        name="AtriCure cryoSPHERE (intercostal cryoanalgesia)",
        maker="AtriCure",
        cryogen="n2o",
        cryogen_source="N2O console (assumption: not verified in the sources available here)",
        needle_count=_s(1, "", "one probe applied to each intercostal nerve (Guitron 2024)"),
        outer_diameter=_a(
            8e-3,
            "m",
            "spherical tip size not published here; 8 mm, modelled as a short cylinder",
        ),
        active_length=_a(8e-3, "m", "spherical tip modelled as an 8 mm long cylinder"),
        supply_pressure=_N2O_SUPPLY,
        back_pressure=_CONSOLE_BACK,
        protocol="120",
        protocol_source=_GUITRON + "; about -60 degC at the probe (issue 12)",
    ),
    "atricure_cryoice": Device(
        id="atricure_cryoice",
        name="AtriCure cryoICE linear probe",
        maker="AtriCure",
        cryogen="n2o",
        cryogen_source="N2O console (assumption: not verified in the sources available here)",
        needle_count=_a(1, "", "one malleable linear probe"),
        outer_diameter=_a(4e-3, "m", "not published here; 4 mm"),
        active_length=_a(
            0.035,
            "m",
            "3.5 cm linear cryoprobe of the same maker's family (Weimar et al., Innovations "
            "2012: '3.5-cm copper linear probe'); taken for cryoICE (assumption)",
        ),
        supply_pressure=_N2O_SUPPLY,
        back_pressure=_CONSOLE_BACK,
        protocol="120",
        protocol_source="2 min at -40 degC lines (Weimar et al., Innovations 2012, cardiac); "
        + _GUITRON,
    ),
    "icesphere": Device(
        id="icesphere",
        name="Boston Scientific IceSphere (argon, cryoablation)",
        maker="Boston Scientific (Galil)",
        cryogen="argon",
        cryogen_source="Joule-Thomson argon (Sarshoghi 2026 data README)",
        needle_count=_s(1, "", "one probe (Sarshoghi 2026)"),
        outer_diameter=_s(1.5e-3, "m", "1.5 mm (Sarshoghi 2026 data README)"),
        active_length=_a(15e-3, "m", "not given in the data README; 15 mm (existing preset)"),
        supply_pressure=_a(
            200 * _BAR,
            "Pa",
            "argon cylinder supply of argon cryoablation consoles not published here; 200 bar",
        ),
        back_pressure=_BACK_1ATM,
        protocol="2x360/60",
        protocol_source="2x6 min protocol (Sarshoghi 2026 data, Fig 1g)",
    ),
}


def device(name: str) -> Device:
    try:
        return DEVICES[name]
    except KeyError:
        raise ValueError(
            f"unknown device {name!r}; valid choices: {', '.join(sorted(DEVICES))}"
        ) from None
