"""Observers called by the time loop (the loop itself does no I/O).

Each observer gets ``start(model, t, T, H)`` once (the model, the start time, the
temperature and enthalpy fields), ``step(state)`` after every time step and ``finish()``
at the end. ``state`` is a :class:`StepState` for the step ``[state.t - state.dt,
state.t]``; its arrays, like those given to ``start``, are owned by the loop and must not
be kept (copy what you need).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from cryoneuro.physics.model import Model

FloatArray = NDArray[np.float64]

__all__ = [
    "CYCLE_THAW_C",
    "EnergyLedger",
    "FreezeThawCycles",
    "MinTemperature",
    "Observer",
    "Progress",
    "Snapshots",
    "StepState",
    "Thermocouples",
    "TimeBelow",
]


@dataclass
class StepState:
    t: float
    dt: float
    T: FloatArray  # canonical temperature field, probe cells filled
    H: FloatArray
    probe_heat: float  # heat into the tissue through the probe during this step (J)
    boundary_heat: float  # through the other boundaries (J)
    source_heat: float  # perfusion + metabolic (J)
    probe_power_w: float  # heat removed by the probe (W, positive when cooling)


class Observer:
    def start(self, model: Model, t: float, T: FloatArray, H: FloatArray) -> None:
        pass

    def step(self, s: StepState) -> None:
        pass

    def finish(self) -> None:
        pass


class MinTemperature(Observer):
    def start(self, model: Model, t: float, T: FloatArray, H: FloatArray) -> None:
        self.value = T.copy()

    def step(self, s: StepState) -> None:
        np.minimum(self.value, s.T, out=self.value)


class TimeBelow(Observer):
    """Seconds each cell spent below each threshold (backward rectangle rule)."""

    def __init__(self, thresholds: Sequence[float]) -> None:
        self.thresholds = tuple(float(x) for x in thresholds)

    def start(self, model: Model, t: float, T: FloatArray, H: FloatArray) -> None:
        self.value = np.zeros((len(self.thresholds), *T.shape))

    def step(self, s: StepState) -> None:
        for i, thr in enumerate(self.thresholds):
            self.value[i] += s.dt * (thr > s.T)


#: A freeze-thaw cycle is complete when the tissue has thawed: back above 0 degC (above
#: the liquidus of every tissue preset; :mod:`cryoneuro.physics.injury`).
CYCLE_THAW_C = 0.0


class FreezeThawCycles(Observer):
    """Complete freeze-thaw cycles each cell went through below each threshold: a cell
    counts one cycle when it gets colder than the threshold, and can count the next one
    only after it has thawed (warmer than ``thaw_c``) in between."""

    def __init__(self, thresholds: Sequence[float], thaw_c: float = CYCLE_THAW_C) -> None:
        self.thresholds = tuple(float(x) for x in thresholds)
        self.thaw_c = float(thaw_c)

    def start(self, model: Model, t: float, T: FloatArray, H: FloatArray) -> None:
        self.value = np.zeros((len(self.thresholds), *T.shape))
        self.armed = np.zeros((len(self.thresholds), *T.shape), bool)
        self.step_field(T)

    def step_field(self, T: FloatArray) -> None:
        levels = np.asarray(self.thresholds).reshape(-1, *([1] * T.ndim))
        new = (levels > T) & ~self.armed
        self.value += new
        # armed: below a threshold since the last thaw (a thaw disarms every threshold)
        self.armed = (self.armed | new) & (self.thaw_c >= T)

    def step(self, s: StepState) -> None:
        self.step_field(s.T)


class Thermocouples(Observer):
    """Temperatures at points ``(r, z)`` after every step, bilinear between cell centres."""

    def __init__(self, points: Sequence[tuple[float, float]]) -> None:
        self.points = [(float(r), float(z)) for r, z in points]

    def start(self, model: Model, t: float, T: FloatArray, H: FloatArray) -> None:
        from cryoneuro.physics.result import bilinear_weights

        self.idx, self.w = bilinear_weights(
            model.rc, model.zc, np.array(self.points).reshape(-1, 2)
        )
        self.times = [t]
        self.values = [self._sample(T)]

    def _sample(self, T: FloatArray) -> FloatArray:
        flat = T.reshape(-1)
        out: FloatArray = np.sum(flat[self.idx] * self.w, axis=1)
        return out

    def step(self, s: StepState) -> None:
        self.times.append(s.t)
        self.values.append(self._sample(s.T))


class Snapshots(Observer):
    """Temperature fields every ``interval`` seconds (and at the end)."""

    def __init__(self, interval: float, t_end: float) -> None:
        self.interval = float(interval)
        self.t_end = float(t_end)

    def start(self, model: Model, t: float, T: FloatArray, H: FloatArray) -> None:
        self.times = [t]
        self.fields = [T.copy()]
        self.next = t + self.interval

    def step(self, s: StepState) -> None:
        if s.t >= self.next - 1e-9 or s.t >= self.t_end - 1e-9:
            self.times.append(s.t)
            self.fields.append(s.T.copy())
            while self.next <= s.t + 1e-9:
                self.next += self.interval


class EnergyLedger(Observer):
    """Integrates the heat flows and compares them with the enthalpy change."""

    def start(self, model: Model, t: float, T: FloatArray, H: FloatArray) -> None:
        self.model = model
        self.e0 = model.total_enthalpy(H)
        self.probe = 0.0
        self.boundary = 0.0
        self.source = 0.0
        self.e1 = self.e0
        self.power: list[float] = []
        self.times: list[float] = []

    def step(self, s: StepState) -> None:
        self.probe += s.probe_heat
        self.boundary += s.boundary_heat
        self.source += s.source_heat
        self.power.append(s.probe_power_w)
        self.times.append(s.t)
        self.last_H = s.H

    def finish(self) -> None:
        if hasattr(self, "last_H"):
            self.e1 = self.model.total_enthalpy(self.last_H)


class Progress(Observer):
    """Calls ``callback(fraction_done)`` at most ``every`` steps apart."""

    def __init__(self, callback: Callable[[float], None], t_end: float, every: int = 10) -> None:
        self.callback = callback
        self.t_end = t_end
        self.every = every
        self.n = 0

    def step(self, s: StepState) -> None:
        self.n += 1
        if self.n % self.every == 0:
            self.callback(min(1.0, s.t / self.t_end))

    def finish(self) -> None:
        self.callback(1.0)
