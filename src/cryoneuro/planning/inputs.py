"""Planner inputs: the target nerve, the tissue above it, the probe, the approach, the
structures to spare, and the clinical limits of the search. Frozen dataclasses, SI units.

Every number that is not measured on the patient is a parameter with its source; the
ones without a solid source are flagged ``*_verified = False`` and shown as such.

Frame of the image plane ("nerve frame"): ``x`` lateral (m) with the target nerve at
``x = 0``, ``y`` = depth below the skin surface (m, positive downwards), the skin is the
line ``y = 0``. The probe trajectory is a straight line in that plane.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from cryoneuro.physics import CRYOGENS, PROBES, TISSUES, InjuryThresholds
from cryoneuro.physics.devices import DEVICES, Device

__all__ = [
    "DEFAULT_LIMITS",
    "LIMIT_SOURCES",
    "PROBE_REACH_M",
    "ClinicalLimits",
    "PlanInputError",
    "PlanInputs",
    "Structure",
    "single_needle_devices",
]


class PlanInputError(ValueError):
    """Bad planner input: the message names the value and says what to change."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def single_needle_devices() -> list[Device]:
    """The library devices the axisymmetric planner can model: one needle (multi-needle
    tips need the 3-D planner, issue 14), in the library's order."""
    return [d for d in DEVICES.values() if round(d.needle_count.value) == 1]


PROBE_REACH_M: dict[str, float] = dict.fromkeys(PROBES, 0.09)
"""Longest insertion (skin to tip, m) per probe preset. 90 mm: iovera "1x90" Smart Tip,
one 90 mm needle (FDA 510(k) K173763, physics.md). Using it for every gauge preset is an
*assumption* (unverified): set ``probe_reach`` to the needle actually used."""

LIMIT_SOURCES: dict[str, str] = {
    "freeze_s": "60-180 s: Rizk & Balasubramanian (1.0-1.5 min), Medicina 2025 review (2-3 min), "
    "pain-practice literature (2-3 cycles of 3 min) (physics.md)",
    "cycles": "1-3: Guitron 2024 (one 2-min freeze per intercostal nerve), NCT03449667 (3 x 2 min) "
    "(physics.md)",
    "thaw_s": "30-120 s: Rizk (20-30 s), NCT03449667 (1 min), Medicina 2025 (0.5-2 min) (physics.md)",
    "target_c": "-20 degC over the whole cross-section: Evans et al., Br J Anaesth 1981;53:1121 "
    "(physics.md)",
    "permanent_c": "-140 degC: risk of neurotmesis, UNVERIFIED (widely repeated, no primary source)",
    "skin_limit_c": "0 degC at the skin surface (no skin freezing): UNVERIFIED assumption, no "
    "sourced skin threshold in physics.md/clinical.md; configure to the clinic's practice",
    "spare_limit_c": "-20 degC: a structure to spare must stay warmer than the axonotmesis "
    "threshold (Evans 1981); colder than 0 degC gives a transient-block warning",
    "freeze_step_s": "10 s search resolution (software choice)",
    "target_hold_s": "60 s below the target: -20 degC held >= 1 min for necrosis (Cooper, as "
    "reported by Rukstalis & Katz; Gage & Baust, Cryobiology 1998;37:171): general tissue, "
    "UNVERIFIED for nerve (docs/physics/injury.md)",
    "target_cycles": "2 complete freeze-thaw cycles instead of the hold: repeated cycles destroy "
    "more (Gage & Baust 1998): UNVERIFIED for nerve (docs/physics/injury.md)",
}


@dataclass(frozen=True)
class ClinicalLimits:
    """Bounds of the protocol search and the temperature limits (degC, s)."""

    freeze_s: tuple[float, float] = (60.0, 180.0)
    cycles: tuple[int, int] = (1, 3)
    thaw_s: tuple[float, float] = (30.0, 120.0)
    freeze_step_s: float = 10.0
    target_c: float = -20.0
    permanent_c: float = -140.0
    permanent_verified: bool = False
    skin_limit_c: float = 0.0
    skin_limit_verified: bool = False
    spare_limit_c: float = -20.0
    transient_warning_c: float = 0.0
    target_hold_s: float = 60.0
    """Seconds every sample of the nerve cross-section must spend below ``target_c``
    (or ``target_cycles`` complete freeze-thaw cycles there): the injury rule of
    :mod:`cryoneuro.physics.injury` (Cooper via Rukstalis & Katz, Gage & Baust 1998;
    unverified for nerve)."""
    target_cycles: int = 2

    def __post_init__(self) -> None:
        lo, hi = self.freeze_s
        if not (math.isfinite(lo) and math.isfinite(hi) and 0 < lo <= hi <= 1800):
            raise PlanInputError(
                "freeze_s", f"need 0 < min <= max <= 1800 s, got {self.freeze_s!r}"
            )
        clo, chi = self.cycles
        if not (1 <= clo <= chi <= 5):
            raise PlanInputError("cycles", f"need 1 <= min <= max <= 5, got {self.cycles!r}")
        tlo, thi = self.thaw_s
        if not (math.isfinite(tlo) and math.isfinite(thi) and 0 < tlo <= thi <= 1800):
            raise PlanInputError("thaw_s", f"need 0 < min <= max <= 1800 s, got {self.thaw_s!r}")
        if not (math.isfinite(self.freeze_step_s) and 1 <= self.freeze_step_s <= 60):
            raise PlanInputError("freeze_step_s", f"need 1-60 s, got {self.freeze_step_s!r}")
        for name in (
            "target_c",
            "permanent_c",
            "skin_limit_c",
            "spare_limit_c",
            "transient_warning_c",
        ):
            v = getattr(self, name)
            if not (math.isfinite(v) and -273.15 < v < 37.0):
                raise PlanInputError(
                    name, f"need a temperature between -273 and 37 degC, got {v!r}"
                )
        if not (math.isfinite(self.target_hold_s) and 0.0 <= self.target_hold_s <= 600.0):
            raise PlanInputError("target_hold_s", f"need 0-600 s, got {self.target_hold_s!r}")
        if not (isinstance(self.target_cycles, int) and 1 <= self.target_cycles <= 5):
            raise PlanInputError(
                "target_cycles", f"need an integer 1-5, got {self.target_cycles!r}"
            )
        if not self.permanent_c < self.target_c < 0.0:
            raise PlanInputError(
                "target_c",
                f"need permanent limit < target < 0 degC, got {self.permanent_c!r} and {self.target_c!r}",
            )

    @property
    def thresholds(self) -> InjuryThresholds:
        return InjuryThresholds(
            neurapraxia=10.0,
            axonotmesis=self.target_c,
            permanent=self.permanent_c,
            permanent_verified=self.permanent_verified,
            min_hold_s=self.target_hold_s,
            min_cycles=self.target_cycles,
        )

    def freeze_grid(self) -> list[float]:
        lo, hi = self.freeze_s
        out = []
        f = lo
        while f < hi - 1e-9:
            out.append(round(f, 6))
            f += self.freeze_step_s
        out.append(hi)
        return out

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["sources"] = dict(LIMIT_SOURCES)
        return d


DEFAULT_LIMITS = ClinicalLimits()

StructureKind = Literal["motor_nerve", "vessel", "other"]


@dataclass(frozen=True)
class Structure:
    """A structure to spare, in the nerve frame: ``x`` lateral (m, target nerve at 0),
    ``depth`` below the skin (m), ``diameter`` (m). A ``vessel`` is a heat source."""

    kind: StructureKind
    x: float
    depth: float
    diameter: float = 1e-3
    label: str = ""

    def __post_init__(self) -> None:
        if self.kind not in ("motor_nerve", "vessel", "other"):
            raise PlanInputError(
                "structure kind", f"unknown {self.kind!r}; valid: motor_nerve, vessel, other"
            )
        for name in ("x", "depth", "diameter"):
            v = getattr(self, name)
            if not math.isfinite(v):
                raise PlanInputError(f"structure {name}", f"must be a finite number, got {v!r}")
        if not 0 < self.depth <= 0.2:
            raise PlanInputError(
                "structure depth", f"must be between 0 and 200 mm, got {self.depth * 1e3:g} mm"
            )
        if not 0 <= self.diameter <= 0.03:
            raise PlanInputError(
                "structure diameter", f"must be 0-30 mm, got {self.diameter * 1e3:g} mm"
            )

    @property
    def name(self) -> str:
        return self.label or self.kind.replace("_", " ")


@dataclass(frozen=True)
class PlanInputs:
    """Everything the planner needs (SI units; angles in degrees).

    - ``depth``, ``diameter``: the target nerve's centre depth below the skin and its
      diameter, measured on the patient's image.
    - ``layers``: ``(tissue preset, thickness m)`` from the skin down; the last tissue
      continues below (``float("inf")`` thickness allowed for the last one).
    - ``approach_angle``: angle between the skin surface (+x) and the direction of
      insertion, 0-180 degrees; 90 = perpendicular to the skin.
    - ``offset``: distance from the probe axis to the nerve centre (m). ``None``: the
      probe touches the nerve (probe radius + nerve radius + ``gap``).
    - ``along``: position of the nerve along the probe axis, from the tip (m). ``None``:
      the middle of the active (freezing) segment.
    - ``probe_reach``: longest insertion of the needle (m), ``None``: :data:`PROBE_REACH_M`.
    - ``placement_margin``: the protocol must still reach the target with the probe this
      much further from the nerve (m; 0 = the shortest protocol for the planned position).
    """

    depth: float
    diameter: float
    nerve_code: str = ""
    nerve_label: str = ""
    nerve_type: Literal["sensory", "mixed"] = "sensory"
    layers: tuple[tuple[str, float], ...] = (("skin", 2e-3), ("fat", 5e-3), ("muscle", math.inf))
    probe: str = "16g"
    cryogen: str = "n2o"
    approach_angle: float = 90.0
    offset: float | None = None
    offset_side: float = 1.0
    gap: float = 0.0
    placement_margin: float = 0.0
    along: float | None = None
    structures: tuple[Structure, ...] = ()
    probe_reach: float | None = None
    limits: ClinicalLimits = field(default_factory=ClinicalLimits)
    grid: Literal["coarse", "fine"] = "coarse"
    sensitivity: bool = True
    distance_to_end_organ: float | None = None
    regrowth_mm_per_day: tuple[float, float] = (1.0, 2.0)

    def __post_init__(self) -> None:
        if not (math.isfinite(self.depth) and 0 < self.depth <= 0.2):
            raise PlanInputError(
                "depth", f"nerve depth must be between 0 and 200 mm, got {self.depth * 1e3:g} mm"
            )
        if not (math.isfinite(self.diameter) and 0 < self.diameter <= 0.015):
            raise PlanInputError(
                "diameter",
                f"nerve diameter must be between 0 and 15 mm, got {self.diameter * 1e3:g} mm",
            )
        if self.probe not in PROBES and self.probe not in DEVICES:
            raise PlanInputError(
                "probe",
                f"unknown probe or device {self.probe!r}; valid: "
                f"{', '.join(sorted([*PROBES, *DEVICES]))}",
            )
        if self.cryogen not in CRYOGENS:
            raise PlanInputError(
                "cryogen", f"unknown cryogen {self.cryogen!r}; valid: {', '.join(sorted(CRYOGENS))}"
            )
        if not self.layers:
            raise PlanInputError("layers", "give at least one tissue layer")
        for i, (name, th) in enumerate(self.layers):
            if name not in TISSUES:
                raise PlanInputError(
                    "layers", f"unknown tissue {name!r}; valid: {', '.join(sorted(TISSUES))}"
                )
            last = i == len(self.layers) - 1
            if not (th > 0 and (math.isfinite(th) or last)):
                raise PlanInputError("layers", f"thickness of {name!r} must be > 0 mm, got {th!r}")
        if not (math.isfinite(self.approach_angle) and 10.0 <= self.approach_angle <= 170.0):
            raise PlanInputError(
                "approach_angle", f"must be between 10 and 170 degrees, got {self.approach_angle!r}"
            )
        for name in ("offset", "along", "probe_reach"):
            v = getattr(self, name)
            if v is not None and not (math.isfinite(v) and 0 <= v <= 0.2):
                raise PlanInputError(name, f"must be between 0 and 200 mm, got {v!r}")
        if self.offset_side not in (1.0, -1.0):
            raise PlanInputError("offset_side", f"must be 1 or -1, got {self.offset_side!r}")
        if not (math.isfinite(self.placement_margin) and 0 <= self.placement_margin <= 0.005):
            raise PlanInputError(
                "placement_margin", f"must be between 0 and 5 mm, got {self.placement_margin!r}"
            )
        if not (math.isfinite(self.gap) and 0 <= self.gap <= 0.02):
            raise PlanInputError("gap", f"must be between 0 and 20 mm, got {self.gap!r}")
        d = self.distance_to_end_organ
        if d is not None and not (math.isfinite(d) and 0 < d <= 2.0):
            raise PlanInputError(
                "distance_to_end_organ", f"must be between 0 and 2000 mm, got {d!r}"
            )
        if self.nerve_type not in ("sensory", "mixed"):
            raise PlanInputError("nerve_type", f"must be sensory or mixed, got {self.nerve_type!r}")
        if self.grid not in ("coarse", "fine"):
            raise PlanInputError("grid", f"must be coarse or fine, got {self.grid!r}")
        probe = self.probe_obj
        if self.offset is not None and self.offset < probe.radius + 0.5 * self.diameter - 1e-9:
            raise PlanInputError(
                "offset",
                f"{self.offset * 1e3:.2f} mm puts the probe inside the nerve: at least "
                f"{(probe.radius + 0.5 * self.diameter) * 1e3:.2f} mm (probe radius + nerve radius)",
            )

    # ------------------------------------------------------------ resolved values
    @property
    def device(self) -> Device | None:
        """The library device when ``probe`` names one (issue 12), else ``None`` (a raw
        gauge preset driven by the cryogen-limited boundary)."""
        return DEVICES.get(self.probe)

    @property
    def resolved_cryogen(self) -> str:
        return self.device.cryogen if self.device is not None else self.cryogen

    @property
    def probe_obj(self) -> Any:
        return self.device.probe() if self.device is not None else PROBES[self.probe]

    @property
    def resolved_offset(self) -> float:
        if self.offset is not None:
            return self.offset
        return self.probe_obj.radius + 0.5 * self.diameter + self.gap

    @property
    def resolved_along(self) -> float:
        return 0.5 * self.probe_obj.active_length if self.along is None else self.along

    @property
    def resolved_reach(self) -> float:
        if self.probe_reach is not None:
            return self.probe_reach
        dev = self.device
        if dev is not None and dev.needle_length is not None:
            return dev.needle_length.value
        return PROBE_REACH_M.get(self.probe, 0.09)

    def with_(self, **changes: Any) -> PlanInputs:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Every parameter, resolved (SI units), JSON-ready."""
        return {
            "nerve_code": self.nerve_code,
            "nerve_label": self.nerve_label,
            "nerve_type": self.nerve_type,
            "depth_m": self.depth,
            "diameter_m": self.diameter,
            "layers": [[n, th if math.isfinite(th) else "inf"] for n, th in self.layers],
            "probe": self.probe,
            "probe_details": {k: v for k, v in asdict(self.probe_obj).items() if k != "extra"},
            "cryogen": self.resolved_cryogen,
            "approach_angle_deg": self.approach_angle,
            "offset_m": self.resolved_offset,
            "offset_given": self.offset is not None,
            "offset_side": self.offset_side,
            "gap_m": self.gap,
            "placement_margin_m": self.placement_margin,
            "along_m": self.resolved_along,
            "probe_reach_m": self.resolved_reach,
            "probe_reach_source": ""
            if self.probe_reach is not None
            else ("90 mm needle (iovera 1x90, FDA K173763), assumption for this preset"),
            "structures": [asdict(s) for s in self.structures],
            "limits": self.limits.to_dict(),
            "grid": self.grid,
            "sensitivity": self.sensitivity,
            "distance_to_end_organ_m": self.distance_to_end_organ,
            "regrowth_mm_per_day": list(self.regrowth_mm_per_day),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PlanInputs:
        """Inverse of :meth:`to_dict` (raises :class:`PlanInputError`)."""
        try:
            lim = dict(d.get("limits") or {})
            lim.pop("sources", None)
            for k in ("freeze_s", "thaw_s", "cycles"):
                if k in lim:
                    lim[k] = tuple(lim[k])
            layers = tuple(
                (str(n), math.inf if th == "inf" else float(th)) for n, th in d["layers"]
            )
            return cls(
                depth=float(d["depth_m"]),
                diameter=float(d["diameter_m"]),
                nerve_code=str(d.get("nerve_code", "")),
                nerve_label=str(d.get("nerve_label", "")),
                nerve_type=d.get("nerve_type", "sensory"),
                layers=layers,
                probe=str(d.get("probe", "16g")),
                cryogen=str(d.get("cryogen", "n2o")),
                approach_angle=float(d.get("approach_angle_deg", 90.0)),
                offset=float(d["offset_m"]) if d.get("offset_given") else None,
                offset_side=float(d.get("offset_side", 1.0)),
                gap=float(d.get("gap_m", 0.0)),
                placement_margin=float(d.get("placement_margin_m", 0.0)),
                along=float(d["along_m"]) if d.get("along_m") is not None else None,
                structures=tuple(Structure(**s) for s in d.get("structures", ())),
                probe_reach=float(d["probe_reach_m"])
                if d.get("probe_reach_m") is not None
                else None,
                limits=ClinicalLimits(**lim),
                grid=d.get("grid", "coarse"),
                sensitivity=bool(d.get("sensitivity", True)),
                distance_to_end_organ=(
                    float(d["distance_to_end_organ_m"])
                    if d.get("distance_to_end_organ_m") is not None
                    else None
                ),
                regrowth_mm_per_day=tuple(d.get("regrowth_mm_per_day", (1.0, 2.0))),
            )
        except PlanInputError:
            raise
        except (KeyError, TypeError, ValueError) as exc:
            raise PlanInputError("inputs", f"cannot read the stored inputs: {exc}") from None
