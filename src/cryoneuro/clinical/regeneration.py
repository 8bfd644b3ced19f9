"""Expected relief window after cryoneurolysis, from nerve regeneration.

Model (../shared/reference/physics.md, "Regeneration and duration of relief"): relief
begins once Wallerian degeneration of the frozen segment is complete, and lasts until
the regrowing axons reach the end organ again, i.e. about
``distance from the lesion to the end organ / regrowth rate``.

Defaults and sources:

* regrowth rate 1-2 mm/day (Shah et al., Reg Anesth Pain Med 2020; human motor nerves
  after cryoablation 1.0 mm/day, 95 % CI 0.57-1.48, SIR abstract 401);
* onset 0-3 days: the distal axon stays excitable 24-48 h and fragments after about
  72 h (J Cell Biol 2012;196:7; Open Biol 2019); the seed page says relief comes "often
  in the following days, sometimes at once".

The result is always a range, never a single date. The seed page's "3 to 6 months on
average, sometimes longer" is a sanity check, not an input.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

__all__ = [
    "DEFAULT_ONSET_DAYS",
    "DEFAULT_REGROWTH_MM_PER_DAY",
    "REGENERATION_SOURCES",
    "ReliefWindow",
    "expected_relief_window",
    "relief_window_for_nerve",
]

DEFAULT_REGROWTH_MM_PER_DAY: tuple[float, float] = (1.0, 2.0)
"""Axon regrowth 1-2 mm/day (Shah et al., RAPM 2020; physics.md)."""

DEFAULT_ONSET_DAYS: tuple[float, float] = (0.0, 3.0)
"""Onset of relief 0-3 days: Wallerian degeneration 24-72 h (J Cell Biol 2012;196:7)."""

REGENERATION_SOURCES = (
    "Shah et al., Reg Anesth Pain Med 2020 (1-2 mm/day); SIR abstract 401 (1.0 mm/day, 95 % CI "
    "0.57-1.48); J Cell Biol 2012;196:7 and Open Biol 2019 (Wallerian degeneration 24-72 h, "
    "debris cleared in 3-5 days); physics.md"
)


def _check_range(name: str, value: tuple[float, float], *, allow_zero: bool) -> tuple[float, float]:
    try:
        low, high = (float(value[0]), float(value[1]))
    except (TypeError, ValueError, IndexError):
        raise ValueError(f"{name} must be a (low, high) pair of numbers, got {value!r}") from None
    if len(value) != 2:
        raise ValueError(f"{name} must be a (low, high) pair of numbers, got {value!r}")
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if (low < 0) if allow_zero else (low <= 0):
        sign = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {sign}, got {value!r}")
    if low > high:
        raise ValueError(f"{name}: low must be <= high, got {value!r}")
    return low, high


@dataclass(frozen=True, slots=True)
class ReliefWindow:
    """Onset and end of relief, in days after the procedure, each as a (low, high) range.

    ``end_days`` is ``(distance / fastest rate, distance / slowest rate)``.
    """

    onset_days: tuple[float, float]
    end_days: tuple[float, float]
    distance_to_end_organ_mm: float
    regrowth_mm_per_day: tuple[float, float]
    source: str = REGENERATION_SOURCES

    def onset_dates(self, procedure_date: date) -> tuple[date, date]:
        """Earliest and latest expected onset dates (days rounded outwards)."""
        return (
            procedure_date + timedelta(days=math.floor(self.onset_days[0])),
            procedure_date + timedelta(days=math.ceil(self.onset_days[1])),
        )

    def end_dates(self, procedure_date: date) -> tuple[date, date]:
        """Earliest and latest expected end-of-relief dates (days rounded outwards)."""
        return (
            procedure_date + timedelta(days=math.floor(self.end_days[0])),
            procedure_date + timedelta(days=math.ceil(self.end_days[1])),
        )

    def to_dict(self, procedure_date: date | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "onset_days": list(self.onset_days),
            "end_days": list(self.end_days),
            "distance_to_end_organ_mm": self.distance_to_end_organ_mm,
            "regrowth_mm_per_day": list(self.regrowth_mm_per_day),
            "source": self.source,
        }
        if procedure_date is not None:
            out["onset_dates"] = [d.isoformat() for d in self.onset_dates(procedure_date)]
            out["end_dates"] = [d.isoformat() for d in self.end_dates(procedure_date)]
        return out


def expected_relief_window(
    distance_to_end_organ_mm: float,
    regrowth_mm_per_day: tuple[float, float] = DEFAULT_REGROWTH_MM_PER_DAY,
    onset_days: tuple[float, float] = DEFAULT_ONSET_DAYS,
) -> ReliefWindow:
    """Expected relief window for a lesion ``distance_to_end_organ_mm`` from the end organ.

    >>> w = expected_relief_window(100.0)
    >>> w.end_days
    (50.0, 100.0)
    """
    d = distance_to_end_organ_mm
    if isinstance(d, bool) or not isinstance(d, int | float) or not math.isfinite(d) or d <= 0:
        raise ValueError(f"distance to the end organ must be a finite number > 0 mm, got {d!r}")
    r_low, r_high = _check_range("regrowth rate (mm/day)", regrowth_mm_per_day, allow_zero=False)
    o_low, o_high = _check_range("onset (days)", onset_days, allow_zero=True)
    end = (float(d) / r_high, float(d) / r_low)
    return ReliefWindow((o_low, o_high), end, float(d), (r_low, r_high))


def relief_window_for_nerve(
    nerve_code: str,
    regrowth_mm_per_day: tuple[float, float] = DEFAULT_REGROWTH_MM_PER_DAY,
    onset_days: tuple[float, float] = DEFAULT_ONSET_DAYS,
) -> ReliefWindow:
    """:func:`expected_relief_window` with the catalog's default distance for a nerve
    (an unverified, configurable figure: prefer a distance measured for the patient)."""
    from cryoneuro.clinical.nerves import nerve

    target = nerve(nerve_code)
    window = expected_relief_window(
        target.distance_to_end_organ_mm, regrowth_mm_per_day, onset_days
    )
    note = f"; distance {target.distance_to_end_organ_mm:g} mm is a catalog default ({target.figures_note})"
    return ReliefWindow(
        window.onset_days,
        window.end_days,
        window.distance_to_end_organ_mm,
        window.regrowth_mm_per_day,
        window.source + note,
    )
