"""Nerve injury by temperature: thresholds (sourced, configurable) and classes.

Sources (physics.md, "Nerve injury by temperature"):

- neurapraxia: +10 to -5 degC slows conduction only, fully reversible within hours
  (reviews of cryoanalgesia; secondary sources).
- axonotmesis, the reversible target: the whole cross-section below -20 degC
  (Evans et al., Br J Anaesth 1981;53:1121; Guitron 2024; Trescot, Pain Physician
  2003;6:345). Above -20 degC the block is unpredictable (Evans 1981).
- risk of permanent injury (neurotmesis): below about -140 degC, *unverified*
  (widely repeated, no primary source found).

Classification of a nerve cross-section from the minimum temperature reached over it
(coldest point ``t_cold``, warmest point ``t_warm``):

1. ``t_cold <= permanent`` -> ``RISK_PERMANENT``
2. ``t_warm <= axonotmesis`` -> ``AXONOTMESIS`` (whole cross-section in the target)
3. ``t_cold <= neurapraxia`` -> ``NEURAPRAXIA`` (includes a partial freeze below -20 degC
   that does not cover the whole cross-section: block unpredictable)
4. otherwise ``NO_EFFECT``.
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class InjuryThresholds:
    """Temperature thresholds (degC); see the module docstring for sources."""

    neurapraxia: float = 10.0
    axonotmesis: float = -20.0
    permanent: float = -140.0
    permanent_verified: bool = False
    source: str = (
        "neurapraxia +10 degC: cryoanalgesia reviews (secondary); axonotmesis -20 degC: "
        "Evans 1981, Guitron 2024, Trescot 2003; permanent -140 degC: unverified"
    )

    def __post_init__(self) -> None:
        if not self.neurapraxia > self.axonotmesis > self.permanent:
            raise ValueError(
                "thresholds must satisfy neurapraxia > axonotmesis > permanent, got "
                f"{self.neurapraxia!r}, {self.axonotmesis!r}, {self.permanent!r}"
            )


def classify(t_cold: float, t_warm: float, th: InjuryThresholds) -> InjuryClass:
    """Injury class of a cross-section whose coldest/warmest minimum temperatures are given."""
    if t_cold <= th.permanent:
        return InjuryClass.RISK_PERMANENT
    if t_warm <= th.axonotmesis:
        return InjuryClass.AXONOTMESIS
    if t_cold <= th.neurapraxia:
        return InjuryClass.NEURAPRAXIA
    return InjuryClass.NO_EFFECT
