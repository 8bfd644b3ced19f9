"""Freeze protocols and probe boundary conditions.

A :class:`Protocol` is an ordered tuple of :class:`Phase` (freeze, passive thaw, active
thaw). The compact form ``"2x120/60"`` means two 120 s freezes with a 60 s passive thaw
between; ``"3x120/60+60"`` adds a final 60 s passive thaw; ``"120"`` is one freeze; an
explicit list ``"freeze:90,active:20,freeze:90"`` is accepted too (``thaw`` or
``passive`` = passive thaw, ``active`` = heated thaw).

Probe boundaries:

- :class:`PrescribedSurfaceTemperature`: the probe surface follows a temperature history
  (for example a measured thermocouple trace) during the whole run, whatever the phase.
- :class:`CryogenLimited`: during a freeze the gas at ``gas_temperature`` cools the
  probe wall through ``h`` (W/m2 K, in series with conduction in the first tissue cell),
  and the total heat removed is capped at ``max_power_w``; during a passive thaw the
  probe is adiabatic (its own heat capacity neglected: assumption); during an active thaw
  it is heated towards ``thaw_temperature`` through ``thaw_h``, capped at ``thaw_power_w``.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np

__all__ = ["CryogenLimited", "Phase", "PrescribedSurfaceTemperature", "ProbeBoundary", "Protocol"]

PhaseKind = Literal["freeze", "passive_thaw", "active_thaw"]
_KINDS: dict[str, PhaseKind] = {
    "freeze": "freeze",
    "f": "freeze",
    "thaw": "passive_thaw",
    "passive": "passive_thaw",
    "passive_thaw": "passive_thaw",
    "p": "passive_thaw",
    "active": "active_thaw",
    "active_thaw": "active_thaw",
    "a": "active_thaw",
}


@dataclass(frozen=True)
class Phase:
    kind: PhaseKind
    duration: float  # s

    def __post_init__(self) -> None:
        if self.kind not in ("freeze", "passive_thaw", "active_thaw"):
            raise ValueError(
                f"unknown phase kind {self.kind!r}; valid choices: active_thaw, freeze, passive_thaw"
            )
        if not (math.isfinite(self.duration) and self.duration > 0.0):
            raise ValueError(
                f"phase duration must be a positive number of seconds, got {self.duration!r}"
            )


@dataclass(frozen=True)
class Protocol:
    phases: tuple[Phase, ...]

    def __post_init__(self) -> None:
        if not self.phases:
            raise ValueError("a protocol needs at least one phase")

    @property
    def duration(self) -> float:
        return float(sum(p.duration for p in self.phases))

    @cached_property
    def boundaries(self) -> tuple[float, ...]:
        """Phase start times followed by the end time."""
        out = [0.0]
        for p in self.phases:
            out.append(out[-1] + p.duration)
        return tuple(out)

    def phase_at(self, t: float) -> Phase:
        b = self.boundaries
        for i, p in enumerate(self.phases):
            if t < b[i + 1]:
                return p
        return self.phases[-1]

    @property
    def compact(self) -> str:
        return ",".join(f"{p.kind}:{p.duration:g}" for p in self.phases)

    @classmethod
    def freeze(cls, seconds: float) -> Protocol:
        return cls((Phase("freeze", float(seconds)),))

    @classmethod
    def parse(cls, text: str) -> Protocol:
        """Parse ``"2x120/60"``, ``"2x120/60+60"``, ``"120"`` or ``"freeze:90,thaw:30,..."``."""
        s = text.strip().lower().replace(" ", "")
        m = re.fullmatch(r"(?:(\d+)x)?([0-9.]+)(?:/([0-9.]+))?(?:\+([0-9.]+))?", s)
        try:
            if m:
                n = int(m.group(1) or 1)
                if n < 1:
                    raise ValueError(f"number of cycles must be >= 1 in protocol {text!r}")
                f = float(m.group(2))
                thaw = float(m.group(3)) if m.group(3) else None
                if n > 1 and thaw is None:
                    raise ValueError(
                        f"protocol {text!r}: give the thaw between freezes, e.g. 2x120/60"
                    )
                phases: list[Phase] = []
                for i in range(n):
                    phases.append(Phase("freeze", f))
                    if thaw is not None and i < n - 1:
                        phases.append(Phase("passive_thaw", thaw))
                if n == 1 and thaw is not None:
                    phases.append(Phase("passive_thaw", thaw))
                if m.group(4):
                    phases.append(Phase("passive_thaw", float(m.group(4))))
                return cls(tuple(phases))
            items = []
            for part in s.split(","):
                kind, _, dur = part.partition(":")
                if kind not in _KINDS:
                    raise ValueError(
                        f"unknown phase {kind!r} in protocol {text!r}; valid choices: "
                        "freeze, thaw (passive), active, or the compact form NxF/T"
                    )
                items.append(Phase(_KINDS[kind], float(dur)))
            return cls(tuple(items))
        except ValueError as exc:
            if "protocol" in str(exc) or "phase" in str(exc):
                raise
            raise ValueError(f"cannot parse protocol {text!r}: {exc}") from None


@dataclass(frozen=True)
class PrescribedSurfaceTemperature:
    """Probe surface temperature history, linear between samples, constant outside."""

    times: tuple[float, ...]
    temperatures: tuple[float, ...]
    source: str = ""

    def __init__(self, times: object, temperatures: object, source: str = "") -> None:
        t = tuple(float(x) for x in np.atleast_1d(np.asarray(times, dtype=float)))
        T = tuple(float(x) for x in np.atleast_1d(np.asarray(temperatures, dtype=float)))
        if len(t) != len(T) or not t:
            raise ValueError(
                f"times ({len(t)}) and temperatures ({len(T)}) must have the same non-zero length"
            )
        if not all(math.isfinite(x) for x in t + T):
            raise ValueError("prescribed surface temperature contains a NaN or infinite value")
        if any(b <= a for a, b in itertools.pairwise(t)):
            raise ValueError("prescribed surface temperature times must increase strictly")
        if min(t) < 0.0:
            raise ValueError(f"negative time {min(t)!r} in the prescribed surface temperature")
        if min(T) < -273.15:
            raise ValueError(f"temperature {min(T)!r} degC is below absolute zero")
        object.__setattr__(self, "times", t)
        object.__setattr__(self, "temperatures", T)
        object.__setattr__(self, "source", source)

    @classmethod
    def constant(cls, temperature: float) -> PrescribedSurfaceTemperature:
        return cls((0.0,), (float(temperature),), "constant")

    def at(self, t: float) -> float:
        return float(np.interp(t, self.times, self.temperatures))

    @property
    def coldest(self) -> float:
        return min(self.temperatures)


@dataclass(frozen=True)
class CryogenLimited:
    """Gas temperature + wall heat-transfer coefficient + cooling-power ceiling.

    Defaults for ``h`` and ``max_power_w`` are *assumptions* (see ``Probe``); they are
    normally taken from the probe preset by :func:`~cryoneuro.physics.simulate`.
    """

    gas_temperature: float
    h: float
    max_power_w: float
    thaw_temperature: float = 30.0
    thaw_h: float = 3000.0
    thaw_power_w: float = 20.0
    source: str = "assumption: thaw +30 degC, 3000 W/m2 K, 20 W (heated-tip consoles)"

    def __post_init__(self) -> None:
        for name in ("h", "max_power_w", "thaw_h", "thaw_power_w"):
            v = getattr(self, name)
            if not (math.isfinite(v) and v > 0.0):
                raise ValueError(f"CryogenLimited.{name} must be a positive number, got {v!r}")
        if not math.isfinite(self.gas_temperature) or self.gas_temperature < -273.15:
            raise ValueError(f"gas_temperature {self.gas_temperature!r} is not a valid temperature")

    @property
    def coldest(self) -> float:
        return self.gas_temperature


ProbeBoundary = PrescribedSurfaceTemperature | CryogenLimited


def probe_drive(
    boundary: ProbeBoundary, protocol: Protocol, t: float
) -> tuple[float, float, float]:
    """(driving temperature, surface resistance 1/h, power ceiling) at time t.

    Resistance 0 means a prescribed surface temperature, ``inf`` an adiabatic probe.
    """
    if isinstance(boundary, PrescribedSurfaceTemperature):
        return boundary.at(t), 0.0, math.inf
    kind = protocol.phase_at(t).kind
    if kind == "freeze":
        return boundary.gas_temperature, 1.0 / boundary.h, boundary.max_power_w
    if kind == "active_thaw":
        return boundary.thaw_temperature, 1.0 / boundary.thaw_h, boundary.thaw_power_w
    return 0.0, math.inf, math.inf
