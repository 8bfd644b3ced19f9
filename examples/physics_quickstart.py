"""Quick start: one freeze, the ice ball, a nerve, the skin.

Run: ``python examples/physics_quickstart.py`` (about a second after compilation).
"""

from __future__ import annotations

import math

from cryoneuro.physics import (
    Axisymmetric,
    InjuryThresholds,
    LayeredTissue,
    Nerve,
    simulate,
)


def main() -> None:
    # a 16 G N2O probe inserted perpendicular to the skin, tip 20 mm deep,
    # through 2 mm of skin and 8 mm of fat into muscle
    tissue = LayeredTissue.of(("skin", 2e-3), ("fat", 8e-3), ("muscle", math.inf))
    res = simulate("16g", "n2o", tissue, "2x120/60", geometry=Axisymmetric(tip_depth=20e-3))
    print(f"ice-ball radius at the end: {1e3 * res.iceball_radius[-1]:.1f} mm from the probe axis")
    print(f"-20 degC radius at the end: {1e3 * res.isotherm_radius(-20.0)[-1]:.1f} mm")
    # a 1.5 mm nerve crossing beside the active segment, 2.5 mm from the probe axis
    cold, warm = res.nerve_cross_section_min(2.5e-3, 4e-3, 1.5e-3)
    print(f"nerve cross-section minimum temperatures: {cold:.1f} to {warm:.1f} degC")
    nerve = Nerve((2.5e-3, -15e-3, 4e-3), (2.5e-3, 15e-3, 4e-3), diameter=1.5e-3)
    injury = res.classify_nerve(nerve, InjuryThresholds(permanent=-140.0))
    print(f"worst class along the nerve: {injury.worst.label}; "
          f"length in the target class: {1e3 * injury.target_length:.1f} mm")  # fmt: skip
    # the class needs the whole cross-section held below -20 degC for 60 s (or two
    # complete freeze-thaw cycles); the permanent-injury limit is unverified
    print(f"longest time below -20 degC of a whole cross-section: "
          f"{injury.time_below_target_s.max():.0f} s (unverified thresholds: "
          f"{', '.join(injury.unverified)})")  # fmt: skip
    print(f"skin stays above 0 degC: {res.skin_stays_above(0.0)} "
          f"(coldest {res.skin_min_temperature():.1f} degC)")  # fmt: skip


if __name__ == "__main__":
    main()
