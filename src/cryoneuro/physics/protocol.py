"""Freeze protocols and probe boundary conditions.

A :class:`Protocol` is an ordered tuple of :class:`Phase` (freeze, passive thaw, active
thaw). The compact form ``"2x120/60"`` means two 120 s freezes with a 60 s passive thaw
between; ``"3x120/60+60"`` adds a final 60 s passive thaw; ``"120"`` is one freeze; an
explicit list ``"freeze:90,active:20,freeze:90"`` is accepted too (``thaw`` or
``passive`` = passive thaw, ``active`` = heated thaw).

Probe boundaries:

- :class:`PrescribedSurfaceTemperature`: the probe surface follows a temperature history
  (for example a measured thermocouple trace) during the whole run, whatever the phase.
- :class:`~cryoneuro.physics.probe_model.JouleThomsonProbe`: gas temperature, wall
  coefficient and power ceiling computed from the gas, pressures and geometry (flow-limited
  Joule-Thomson model), with a non-adiabatic shaft; thaws as :class:`CryogenLimited`.
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

from cryoneuro.physics.probe_model import JouleThomsonProbe

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
        """The phase in force just after time ``t`` (phases are half-open ``[start, end)``;
        after the end, the last phase).

        A time step must not take its phase from one instant: use
        :meth:`phase_for_interval` (the step ending at a boundary belongs to the phase
        before it, the step starting there to the phase after it).
        """
        b = self.boundaries
        for i, p in enumerate(self.phases):
            if t < b[i + 1]:
                return p
        return self.phases[-1]

    def phase_index(self, t0: float, t1: float) -> int:
        """Index of the phase that the time step ``[t0, t1]`` belongs to.

        The phase is the one that contains the step's midpoint, and the step must lie
        inside it: a step that straddles a phase boundary raises ``ValueError`` (build
        the steps with :meth:`step_times`, which makes every boundary a step edge).
        Before 0 the first phase applies, after the end the last one (a run longer than
        the protocol keeps its last phase). This is the one phase lookup that every time
        scheme uses (issue 9: the implicit schemes took the phase at the end of the step,
        which at a boundary is already the next phase).
        """
        if not t1 > t0:
            raise ValueError(f"a time step needs t1 > t0, got [{t0!r}, {t1!r}]")
        b = self.boundaries
        for x in b[1:-1]:
            eps = 1e-9 * max(1.0, abs(x))
            if t0 < x - eps and t1 > x + eps:
                raise ValueError(
                    f"the step [{t0:g}, {t1:g}] s straddles the phase boundary at {x:g} s; "
                    "every phase boundary must be a step edge (Protocol.step_times)"
                )
        mid = 0.5 * (t0 + t1)
        for i in range(len(self.phases)):
            if mid < b[i + 1]:
                return i
        return len(self.phases) - 1

    def phase_for_interval(self, t0: float, t1: float) -> Phase:
        """The phase of the time step ``[t0, t1]`` (see :meth:`phase_index`)."""
        return self.phases[self.phase_index(t0, t1)]

    def step_times(self, dt: float, t_end: float | None = None) -> tuple[float, ...]:
        """Step end times from 0 to ``t_end`` (default: the protocol's end): uniform within
        each phase, no longer than ``dt``, with every phase boundary (and ``t_end``) hit
        exactly, so that no step straddles a boundary."""
        end = self.duration if t_end is None else float(t_end)
        if not (math.isfinite(dt) and dt > 0.0):
            raise ValueError(f"dt must be a positive number of seconds, got {dt!r}")
        if not (math.isfinite(end) and end > 0.0):
            raise ValueError(f"t_end must be a positive number of seconds, got {t_end!r}")
        marks = sorted({*(x for x in self.boundaries if 0.0 < x < end), end})
        times: list[float] = []
        prev = 0.0
        for m in marks:
            n = max(1, math.ceil((m - prev) / dt - 1e-9))
            times.extend(prev + (m - prev) * (i + 1) / n for i in range(n - 1))
            times.append(m)
            prev = m
        return tuple(times)

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
        signed = re.fullmatch(r"(?:(-?\d+)x)?(-?[0-9.]+)(?:/(-?[0-9.]+))?(?:\+(-?[0-9.]+))?", s)
        if m is None and signed is not None:
            # the compact form with a minus sign: name the negative number, not "unknown phase"
            names = ("number of cycles", "freeze time", "thaw time", "final thaw time")
            for name, value in zip(names, signed.groups(), strict=True):
                if value is not None and value.startswith("-"):
                    unit = "" if name == "number of cycles" else " s"
                    raise ValueError(
                        f"protocol {text!r}: the {name} is negative ({value}{unit}); "
                        "times and counts must be positive, e.g. 2x120/60"
                    )
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


ProbeBoundary = PrescribedSurfaceTemperature | CryogenLimited | JouleThomsonProbe


def probe_drive(
    boundary: ProbeBoundary, protocol: Protocol, t0: float, t1: float, *, explicit: bool = False
) -> tuple[float, float, float]:
    """(driving temperature, surface resistance 1/h, power ceiling) for the step [t0, t1].

    Resistance 0 means a prescribed surface temperature, ``inf`` an adiabatic probe. The
    phase (freeze, passive or active thaw) is that of the whole step
    (:meth:`Protocol.phase_for_interval`); a prescribed surface temperature is taken at
    the end of the step (backward Euler) or, with ``explicit=True``, at its start
    (forward Euler).
    """
    if isinstance(boundary, PrescribedSurfaceTemperature):
        return boundary.at(t0 if explicit else t1), 0.0, math.inf
    kind = protocol.phase_for_interval(t0, t1).kind
    if isinstance(boundary, JouleThomsonProbe):
        if kind == "freeze":
            op = boundary.point
            return op.gas_temperature, 1.0 / boundary.wall_h, op.max_power
    elif kind == "freeze":
        return boundary.gas_temperature, 1.0 / boundary.h, boundary.max_power_w
    if kind == "active_thaw":
        return boundary.thaw_temperature, 1.0 / boundary.thaw_h, boundary.thaw_power_w
    return 0.0, math.inf, math.inf
