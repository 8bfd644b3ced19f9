"""Expected relief window after cryoneurolysis, from nerve regeneration (model 2026.12.5).

The model, from its parts (docs/clinical/relief-window.md gives the derivation, the
calibration table and the sources):

* **onset** = Wallerian degeneration of the frozen segment, 0-3 days: the distal axon
  stays excitable 24-48 h and fragments after about 72 h (J Cell Biol 2012;196:7; Open
  Biol 2019); the seed page: relief "often in the following days, sometimes at once".
* **end of relief** = delay + distance / rate, where
  - *distance* is lesion -> end organ, the catalog's per-nerve anatomical default
    (:mod:`cryoneuro.clinical.nerves`) or the distance measured for the patient;
  - *rate* is the **human** regrowth rate, 1.0-2.0 mm/day: 1.0 mm/day (95 % CI 0.57-1.48)
    for human motor nerves after cryoablation (SIR abstract 401, physics.md) and
    1.5-2.0 mm/day for human sensory fibres after median-nerve suture (Buchthal & Kühl,
    J Neurol Neurosurg Psychiatry 1979;42:436); the 1-2 mm/day of the first model was an
    animal figure;
  - *delay* = the latent period before regrowth starts (degeneration, debris clearance)
    plus the time for regrown axons to reinnervate and mature before sensation and pain
    return. Only their sum is identifiable from end-of-relief times, so it is **one free
    parameter**, calibrated on the calibration subset of published human relief durations
    (:mod:`cryoneuro.clinical.relief_calibration`) and tested on the held-out subset.

A patient's own observed relief updates their next prediction
(:func:`personalised_relief_window`, a normal-normal rule on log-duration).

The result is always a range, never a single date.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Any

__all__ = [
    "DEFAULT_ONSET_DAYS",
    "DEFAULT_REGROWTH_MM_PER_DAY",
    "MAX_OBSERVED_RELIEF_DAYS",
    "REGENERATION_SOURCES",
    "RELIEF_MODEL_VERSION",
    "WINDOW_Z",
    "WITHIN_PATIENT_VARIANCE_SHARE",
    "Calibration",
    "ReliefWindow",
    "calibrated_delay",
    "calibration_table",
    "expected_relief_window",
    "personalised_relief_window",
    "relief_window_for_nerve",
]

RELIEF_MODEL_VERSION = "2026.12.5"
"""Version of the relief model (delay + distance / human rate, calibrated; issue 10 part 5).
Stored with each window so that an old plan keeps the model that made it."""

DEFAULT_REGROWTH_MM_PER_DAY: tuple[float, float] = (1.0, 2.0)
"""Human regrowth 1.0-2.0 mm/day: 1.0 mm/day after cryoablation (SIR abstract 401, human
motor nerves, 95 % CI 0.57-1.48; physics.md) to 2.0 mm/day (Buchthal & Kühl, J Neurol
Neurosurg Psychiatry 1979;42:436: human sensory fibres, 1.5-2.0 mm/day)."""

DEFAULT_ONSET_DAYS: tuple[float, float] = (0.0, 3.0)
"""Onset of relief 0-3 days: Wallerian degeneration 24-72 h (J Cell Biol 2012;196:7)."""

WINDOW_Z = 1.2816
"""The end-of-relief window is read as a central 80 % interval (z = 1.2816) when the
patient's own observations update it: a documented choice, not a published figure."""

WITHIN_PATIENT_VARIANCE_SHARE = 0.5
"""Share of the population window's (log-duration) variance that is session-to-session
variation within one patient; the rest is between patients. ASSUMPTION: no published
repeat-session figure for cryoneurolysis was found; 0.5 makes one observation move the
prediction half-way (docs/clinical/relief-window.md)."""

MAX_OBSERVED_RELIEF_DAYS = 3650.0
"""An observed relief longer than 10 years is refused as a data error (plausibility bound)."""

REGENERATION_SOURCES = (
    f"relief model {RELIEF_MODEL_VERSION}: end = delay + distance / human rate; rate 1.0-2.0 "
    "mm/day (SIR abstract 401; Buchthal & Kühl, JNNP 1979;42:436); delay calibrated on "
    "Radnovich 2017, DiFiore 2024, Matelich 2022 (docs/clinical/relief-window.md); onset: "
    "J Cell Biol 2012;196:7, Open Biol 2019 (Wallerian degeneration 24-72 h)"
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

    ``end_days`` is ``(delay low + distance / fastest rate, delay high + distance /
    slowest rate)``; after :func:`personalised_relief_window` it is the patient's
    updated window (``observed_end_days`` are the observations used, ``population_end_days``
    the window before them).
    """

    onset_days: tuple[float, float]
    end_days: tuple[float, float]
    distance_to_end_organ_mm: float
    regrowth_mm_per_day: tuple[float, float]
    source: str = REGENERATION_SOURCES
    delay_days: tuple[float, float] | None = None
    calibration: str = "pooled"
    observed_end_days: tuple[float, ...] = field(default=())
    population_end_days: tuple[float, float] | None = None
    model_version: str = RELIEF_MODEL_VERSION

    @property
    def personalised(self) -> bool:
        return bool(self.observed_end_days)

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
            "delay_days": list(self.delay_days) if self.delay_days else None,
            "calibration": self.calibration,
            "model_version": self.model_version,
            "source": self.source,
        }
        if self.observed_end_days:
            out["observed_end_days"] = list(self.observed_end_days)
            out["population_end_days"] = (
                list(self.population_end_days) if self.population_end_days else None
            )
        if procedure_date is not None:
            out["onset_dates"] = [d.isoformat() for d in self.onset_dates(procedure_date)]
            out["end_dates"] = [d.isoformat() for d in self.end_dates(procedure_date)]
        return out


# ------------------------------------------------------------------ calibration
@dataclass(frozen=True, slots=True)
class Calibration:
    """The fitted delay (days) and, per published row, the delay it implies."""

    delay_days: tuple[float, float]
    central_delay_days: float
    implied: tuple[tuple[str, float], ...]
    regrowth_mm_per_day: tuple[float, float]


def _published_centre(low: float, high: float | None) -> float:
    """Geometric mid of a published range (a lower bound is its own centre)."""
    return math.sqrt(low * high) if high else low


def fit_delay(
    rows: Sequence[Any],
    distances_mm: dict[str, float],
    regrowth_mm_per_day: tuple[float, float] = DEFAULT_REGROWTH_MM_PER_DAY,
) -> Calibration:
    """The delay each calibration row implies: published centre minus the regrowth time
    at the mean of 1/rate (``distance * (1/slow + 1/fast) / 2``); the model's delay range
    is the range of these, its centre their mean. Rows whose nerve has no distance are
    skipped; at least one row is needed."""
    r_low, r_high = _check_range("regrowth rate (mm/day)", regrowth_mm_per_day, allow_zero=False)
    implied = []
    for row in rows:
        d = distances_mm.get(row.nerve_code)
        if d is None:
            continue
        regrowth = d * (1 / r_low + 1 / r_high) / 2
        implied.append((row.nerve_code, _published_centre(row.low_days, row.high_days) - regrowth))
    if not implied:
        raise ValueError("no calibration row has a nerve with a distance to the end organ")
    values = [max(0.0, t) for _, t in implied]
    return Calibration(
        (min(values), max(values)),
        sum(values) / len(values),
        tuple(implied),
        (r_low, r_high),
    )


def _catalog_distances() -> dict[str, float]:
    from cryoneuro.clinical.nerves import NERVES

    return {code: n.distance_to_end_organ_mm for code, n in NERVES.items()}


@cache
def _calibration() -> Calibration:
    from cryoneuro.clinical.relief_calibration import calibration_rows

    return fit_delay(calibration_rows(), _catalog_distances())


def calibrated_delay() -> tuple[float, float]:
    """Delay before regrowth + reinnervation/maturation (days), fitted on the calibration
    subset with the catalog's distances."""
    return _calibration().delay_days


def expected_relief_window(
    distance_to_end_organ_mm: float,
    regrowth_mm_per_day: tuple[float, float] = DEFAULT_REGROWTH_MM_PER_DAY,
    onset_days: tuple[float, float] = DEFAULT_ONSET_DAYS,
    delay_days: tuple[float, float] | None = None,
) -> ReliefWindow:
    """Expected relief window for a lesion ``distance_to_end_organ_mm`` from the end organ:
    end = (delay low + distance / fast rate, delay high + distance / slow rate).

    >>> w = expected_relief_window(100.0, delay_days=(40.0, 80.0))
    >>> w.end_days
    (90.0, 180.0)
    """
    d = distance_to_end_organ_mm
    if isinstance(d, bool) or not isinstance(d, int | float) or not math.isfinite(d) or d <= 0:
        raise ValueError(f"distance to the end organ must be a finite number > 0 mm, got {d!r}")
    r_low, r_high = _check_range("regrowth rate (mm/day)", regrowth_mm_per_day, allow_zero=False)
    o_low, o_high = _check_range("onset (days)", onset_days, allow_zero=True)
    if delay_days is None:
        delay_days = calibrated_delay()
    t_low, t_high = _check_range("delay (days)", delay_days, allow_zero=True)
    end = (t_low + float(d) / r_high, t_high + float(d) / r_low)
    return ReliefWindow((o_low, o_high), end, float(d), (r_low, r_high), delay_days=(t_low, t_high))


def relief_window_for_nerve(
    nerve_code: str,
    regrowth_mm_per_day: tuple[float, float] = DEFAULT_REGROWTH_MM_PER_DAY,
    onset_days: tuple[float, float] = DEFAULT_ONSET_DAYS,
) -> ReliefWindow:
    """:func:`expected_relief_window` with the catalog's default distance for a nerve
    (an unverified, configurable figure: prefer a distance measured for the patient), and
    the nerve's calibration status (``calibrated`` / ``validated`` / ``uncalibrated``)."""
    from cryoneuro.clinical.nerves import nerve
    from cryoneuro.clinical.relief_calibration import nerve_calibration_status

    target = nerve(nerve_code)
    window = expected_relief_window(
        target.distance_to_end_organ_mm, regrowth_mm_per_day, onset_days
    )
    status = nerve_calibration_status(nerve_code)
    note = CATALOG_DISTANCE_NOTE.format(
        distance=target.distance_to_end_organ_mm, note=target.figures_note
    )
    if status == "uncalibrated":
        note += UNCALIBRATED_NOTE
    return ReliefWindow(
        window.onset_days,
        window.end_days,
        window.distance_to_end_organ_mm,
        window.regrowth_mm_per_day,
        window.source + note,
        delay_days=window.delay_days,
        calibration=status,
    )


CATALOG_DISTANCE_NOTE = "; distance {distance:g} mm is a catalog default ({note})"
"""Appended to the source note when the distance is the catalog's default (the pages
translate it: ``core.labels.relief_source`` reads it back)."""

UNCALIBRATED_NOTE = "; no published relief duration for this nerve: pooled model, uncalibrated"
"""Appended to the source note of a nerve without a published relief duration."""


# ------------------------------------------------------- the patient's own relief
def personalised_relief_window(
    population: ReliefWindow,
    observed_end_days: Sequence[float],
    *,
    within_share: float = WITHIN_PATIENT_VARIANCE_SHARE,
    z: float = WINDOW_Z,
) -> ReliefWindow:
    """The next end-of-relief window for a patient whose earlier sessions on this nerve
    ended on ``observed_end_days`` (days after each procedure).

    Rule (normal-normal on log-duration): the population window is the central interval
    ``mu0 +/- z * tau`` of log end day, ``tau^2 = b^2 + s^2`` with the between-patient part
    ``b^2 = (1 - within_share) * tau^2`` and the session-to-session part
    ``s^2 = within_share * tau^2``. After ``n`` observations ``y`` (log days), the
    patient's mean is ``mu_n = mu0 + w * (mean(y) - mu0)`` with
    ``w = n b^2 / (n b^2 + s^2)`` and variance ``v_n = b^2 s^2 / (n b^2 + s^2)``; the next
    session's window is ``exp(mu_n +/- z * sqrt(v_n + s^2))``. No observation -> the
    population window; one moves the centre ``w`` of the way (half with the default
    share); many converge on their geometric mean; the width never exceeds the
    population's and never falls below ``sqrt(within_share)`` of it (log scale).
    """
    obs = []
    for value in observed_end_days:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"observed relief must be a number of days, got {value!r}")
        if not math.isfinite(value) or value <= 0 or value > MAX_OBSERVED_RELIEF_DAYS:
            raise ValueError(
                f"observed relief must be > 0 and <= {MAX_OBSERVED_RELIEF_DAYS:g} days, got {value!r}"
            )
        obs.append(float(value))
    if not obs:
        return population
    if not (0 < within_share < 1):
        raise ValueError(f"within-patient share must be in (0, 1), got {within_share!r}")
    if not (math.isfinite(z) and z > 0):
        raise ValueError(f"z must be > 0, got {z!r}")
    low, high = population.end_days
    low = max(low, 1.0)
    high = max(high, low)
    mu0 = (math.log(low) + math.log(high)) / 2
    tau = max((math.log(high) - math.log(low)) / (2 * z), 0.05)
    b2 = (1 - within_share) * tau**2
    s2 = within_share * tau**2
    n = len(obs)
    y = sum(math.log(v) for v in obs) / n
    w = n * b2 / (n * b2 + s2)
    mu_n = mu0 + w * (y - mu0)
    v_n = b2 * s2 / (n * b2 + s2)
    half = z * math.sqrt(v_n + s2)
    end = (math.exp(mu_n - half), math.exp(mu_n + half))
    last = obs[-1]
    return ReliefWindow(
        population.onset_days,
        end,
        population.distance_to_end_organ_mm,
        population.regrowth_mm_per_day,
        population.source
        + f"; updated with {n} observed session(s) of this patient (last: relief lasted "
        f"{last:g} days), normal-normal rule on log-duration, weight {w:.2f}",
        delay_days=population.delay_days,
        calibration=population.calibration,
        observed_end_days=tuple(obs),
        population_end_days=population.end_days,
        model_version=population.model_version,
    )


# ------------------------------------------------------------ calibration table
def calibration_table() -> list[dict[str, Any]]:
    """Every published row against the model's predicted window for its nerve (catalog
    distance), with its role (calibration / validation) and whether they overlap:
    the data of docs/clinical/relief-window.md's table."""
    from cryoneuro.clinical.nerves import NERVES
    from cryoneuro.clinical.relief_calibration import PUBLISHED_RELIEF

    rows = []
    for r in PUBLISHED_RELIEF:
        if r.nerve_code not in NERVES:
            continue
        w = relief_window_for_nerve(r.nerve_code)
        lo, hi = w.end_days
        pub_hi = r.high_days if r.high_days is not None else math.inf
        overlap = lo <= pub_hi and r.low_days <= hi
        centre = _published_centre(r.low_days, r.high_days)
        log_error = math.log(math.sqrt(lo * hi) / centre)
        rows.append(
            {
                "nerve": r.nerve_code,
                "distance_mm": w.distance_to_end_organ_mm,
                "role": r.role,
                "predicted_end_days": (round(lo), round(hi)),
                "published_days": (round(r.low_days), round(r.high_days) if r.high_days else None),
                "overlap": overlap,
                "log_error": round(log_error, 2),
                "source": r.source,
                "verified": r.verified,
            }
        )
    return rows


def _markdown_table() -> str:  # pragma: no cover - a helper to regenerate the docs
    lines = [
        "| nerve | distance (mm) | role | predicted end (days) | published (days) | agree | source |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in calibration_table():
        pub = r["published_days"]
        pub_s = f"{pub[0]}-{pub[1]}" if pub[1] else f">= {pub[0]}"
        src = r["source"] + ("" if r["verified"] else " (mapping unverified)")
        lines.append(
            f"| {r['nerve']} | {r['distance_mm']:g} | {r['role']} | "
            f"{r['predicted_end_days'][0]}-{r['predicted_end_days'][1]} | {pub_s} | "
            f"{'yes' if r['overlap'] else 'NO'} | {src} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    print(_markdown_table())
