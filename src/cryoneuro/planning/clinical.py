"""The clinical side of a plan: catalog defaults for a nerve and the relief window.

Uses :mod:`cryoneuro.clinical.nerves` (target-nerve catalog) and
:mod:`cryoneuro.clinical.regeneration` (relief window = distance to the end organ /
axon regrowth 1-2 mm/day, Shah et al. RAPM 2020; onset 0-3 days).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from cryoneuro.clinical.nerves import NERVES, TargetNerve
from cryoneuro.clinical.regeneration import expected_relief_window, relief_window_for_nerve
from cryoneuro.planning.inputs import PlanInputError, PlanInputs

__all__ = ["catalog_nerve", "inputs_for_nerve", "relief_window"]


def catalog_nerve(code: str) -> TargetNerve | None:
    return NERVES.get(code) if code else None


def inputs_for_nerve(
    nerve_code: str, *, depth: float, diameter: float, lang: str = "en", **kw: Any
) -> PlanInputs:
    """:class:`PlanInputs` for a catalog nerve (type and label filled from the catalog;
    an unknown code is a custom nerve, sensory unless ``nerve_type`` says otherwise)."""
    target = catalog_nerve(nerve_code)
    if target is not None:
        kw.setdefault("nerve_type", target.nerve_type)
        kw.setdefault("nerve_label", target.name(lang))
    elif nerve_code and not kw.get("nerve_label"):
        kw["nerve_label"] = nerve_code
    return PlanInputs(nerve_code=nerve_code, depth=depth, diameter=diameter, **kw)


def relief_window(inp: PlanInputs, procedure_date: date | None = None) -> dict[str, Any] | None:
    """Expected relief window (ranges in days, and dates when ``procedure_date`` is given):
    from the measured distance to the end organ when given, else the catalog default."""
    try:
        if inp.distance_to_end_organ is not None:
            w = expected_relief_window(1e3 * inp.distance_to_end_organ, inp.regrowth_mm_per_day)
            basis = "measured distance"
        elif catalog_nerve(inp.nerve_code) is not None:
            w = relief_window_for_nerve(inp.nerve_code, inp.regrowth_mm_per_day)
            basis = "catalog default distance (unverified)"
        else:
            return None
    except ValueError as exc:
        raise PlanInputError("relief window", str(exc)) from None
    out = w.to_dict(procedure_date)
    out["basis"] = basis
    out["seed_page_check"] = "the seed page quotes 3-6 months on average, sometimes longer"
    return out
