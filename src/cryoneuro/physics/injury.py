"""Nerve injury by temperature history: thresholds (sourced, configurable) and classes.

A class depends on more than the coldest temperature reached (issue 12 §4): on the
minimum temperature, on how long the nerve was held below the target temperature, and on
the number of complete freeze-thaw cycles it went through. Sources (docs/physics/injury.md
gives the details and what each says):

- neurapraxia: +10 to -5 degC slows conduction only, fully reversible within hours
  (reviews of cryoanalgesia; secondary sources, physics.md).
- axonotmesis, the reversible target: the whole cross-section below -20 degC (Evans et
  al., Br J Anaesth 1981;53:1121: above -20 degC the result is unpredictable, below it
  the interruption is prolonged and "uninfluenced by greater reductions in temperature";
  Guitron 2024; Trescot, Pain Physician 2003;6:345).
- time held below the target: ``min_hold_s`` = 60 s, Cooper's dose for tissue necrosis,
  "-20 degC or colder, held for 1 minute or longer" (as reported by Rukstalis & Katz,
  *Principles of cryosurgical technique*), with Gage & Baust, Cryobiology 1998;37:171
  ("prolonged freezing increases tissue destruction"). General tissue, not measured on
  nerve: *unverified for nerve* (``hold_verified=False``). Nerve-specific bounds: Evans
  1981 found the regeneration time independent of the freeze duration and of a repeat
  freeze (so no rule makes a longer hold or more cycles *worse* than axonotmesis), and
  the 2-min freezes of Guitron 2024 degenerated 38 of 40 lesions.
- freeze-thaw cycles: ``min_cycles`` = 2 complete freeze-thaw cycles, each taking the
  whole cross-section below the target, count as a sufficient dose whatever the hold
  (Gage & Baust 1998: "repetition of the freeze-thaw cycle is well known to be an
  important factor in effective therapy"; multiple short freezes damage more than one
  long freeze). A cycle is complete only when the tissue thaws between the freezes: the
  sample rewarms above ``thaw_c`` = 0 degC (above the tissues' liquidus, -1 degC for the
  CRYO-SET set: the ice has melted). A short passive thaw that leaves the nerve frozen
  does not start a second cycle. Unverified for nerve (``cycles_verified=False``).
- risk of permanent injury (neurotmesis): below about -140 degC, *unverified* (widely
  repeated in reviews of cryoneurolysis, no primary source found; ``permanent_verified``
  stays False and every output that uses it says so).

Classification of a nerve cross-section (``t_cold``/``t_warm``: the coldest and the
warmest of the minimum temperatures over its samples; ``hold_s``: the least time any
sample spent below ``axonotmesis``; ``cycles``: the fewest complete freeze-thaw cycles
below ``axonotmesis`` of any sample):

1. ``t_cold <= permanent`` -> ``RISK_PERMANENT``
2. ``t_warm <= axonotmesis`` and (``hold_s >= min_hold_s`` or ``cycles >= min_cycles``)
   -> ``AXONOTMESIS`` (the whole cross-section in the target, for long enough)
3. ``t_cold <= neurapraxia`` -> ``NEURAPRAXIA`` (includes a partial freeze below -20 degC
   that does not cover the whole cross-section, and a whole cross-section below -20 degC
   held too briefly: block unpredictable)
4. otherwise ``NO_EFFECT``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import IntEnum

__all__ = ["InjuryClass", "InjuryThresholds", "classify"]


class InjuryClass(IntEnum):
    NO_EFFECT = 0
    NEURAPRAXIA = 1
    AXONOTMESIS = 2
    RISK_PERMANENT = 3

    @property
    def label(self) -> str:
        return {
            0: "no effect",
            1: "neurapraxia",
            2: "axonotmesis (target)",
            3: "risk of permanent injury",
        }[int(self)]


#: Where each threshold of :class:`InjuryThresholds` comes from (docs/physics/injury.md).
THRESHOLD_SOURCES: dict[str, str] = {
    "neurapraxia": "+10 degC: cryoanalgesia reviews (secondary, physics.md)",
    "axonotmesis": "-20 degC over the whole cross-section: Evans et al., Br J Anaesth "
    "1981;53:1121; Guitron 2024; Trescot 2003",
    "permanent": "-140 degC: risk of neurotmesis, UNVERIFIED (widely repeated, no primary "
    "source found)",
    "min_hold_s": "60 s below the target: Cooper's -20 degC held >= 1 min for tissue "
    "necrosis (via Rukstalis & Katz), Gage & Baust, Cryobiology 1998;37:171; general "
    "tissue, UNVERIFIED for nerve (Evans 1981: regeneration time independent of the "
    "freeze duration)",
    "min_cycles": "2 complete freeze-thaw cycles below the target: Gage & Baust 1998 "
    "(repetition of the freeze-thaw cycle; multiple short freezes damage more than one "
    "long one); UNVERIFIED for nerve (Evans 1981: a repeat freeze did not change the "
    "regeneration time)",
    "thaw_c": "0 degC: a cycle is complete when the tissue has thawed (above the "
    "liquidus, -1 degC for the CRYO-SET tissue set): definition",
}


@dataclass(frozen=True)
class InjuryThresholds:
    """Thresholds (degC, s, cycles); see the module docstring and
    :data:`THRESHOLD_SOURCES` for their sources."""

    neurapraxia: float = 10.0
    axonotmesis: float = -20.0
    permanent: float = -140.0
    permanent_verified: bool = False
    min_hold_s: float = 60.0
    hold_verified: bool = False
    min_cycles: int = 2
    cycles_verified: bool = False
    thaw_c: float = 0.0
    source: str = (
        "neurapraxia +10 degC: cryoanalgesia reviews (secondary); axonotmesis -20 degC: "
        "Evans 1981, Guitron 2024, Trescot 2003; held >= 60 s below it (Cooper via "
        "Rukstalis & Katz, Gage & Baust 1998; unverified for nerve) or >= 2 complete "
        "freeze-thaw cycles (Gage & Baust 1998; unverified for nerve); permanent -140 degC: "
        "unverified"
    )

    def __post_init__(self) -> None:
        if not self.neurapraxia > self.axonotmesis > self.permanent:
            raise ValueError(
                "thresholds must satisfy neurapraxia > axonotmesis > permanent, got "
                f"{self.neurapraxia!r}, {self.axonotmesis!r}, {self.permanent!r}"
            )
        if not (math.isfinite(self.min_hold_s) and self.min_hold_s >= 0.0):
            raise ValueError(f"min_hold_s must be >= 0 s, got {self.min_hold_s!r}")
        if not (isinstance(self.min_cycles, int) and self.min_cycles >= 1):
            raise ValueError(f"min_cycles must be an integer >= 1, got {self.min_cycles!r}")
        if not (math.isfinite(self.thaw_c) and self.thaw_c > self.axonotmesis):
            raise ValueError(
                f"thaw_c must be warmer than the axonotmesis threshold, got {self.thaw_c!r}"
            )

    @property
    def verified(self) -> dict[str, bool]:
        """Which thresholds have a primary source for nerve (False: say so on outputs)."""
        return {
            "neurapraxia": False,
            "axonotmesis": True,
            "permanent": self.permanent_verified,
            "min_hold_s": self.hold_verified,
            "min_cycles": self.cycles_verified,
        }

    def held(self, hold_s: float, cycles: int) -> bool:
        """Whether a sample below the target got enough of it: held ``min_hold_s`` in
        all, or taken there in ``min_cycles`` complete freeze-thaw cycles."""
        return hold_s >= self.min_hold_s or cycles >= self.min_cycles

    def to_dict(self) -> dict[str, object]:
        return {
            "neurapraxia_c": self.neurapraxia,
            "axonotmesis_c": self.axonotmesis,
            "permanent_c": self.permanent,
            "min_hold_s": self.min_hold_s,
            "min_cycles": self.min_cycles,
            "thaw_c": self.thaw_c,
            "verified": self.verified,
            "sources": dict(THRESHOLD_SOURCES),
        }


def classify(
    t_cold: float, t_warm: float, hold_s: float, cycles: int, th: InjuryThresholds
) -> InjuryClass:
    """Injury class of a cross-section: coldest/warmest minimum temperatures over its
    samples (degC), the least time any sample spent below ``th.axonotmesis`` (s) and the
    fewest complete freeze-thaw cycles below it of any sample (rules in the module
    docstring)."""
    if t_cold <= th.permanent:
        return InjuryClass.RISK_PERMANENT
    if t_warm <= th.axonotmesis and th.held(hold_s, cycles):
        return InjuryClass.AXONOTMESIS
    if t_cold <= th.neurapraxia:
        return InjuryClass.NEURAPRAXIA
    return InjuryClass.NO_EFFECT
