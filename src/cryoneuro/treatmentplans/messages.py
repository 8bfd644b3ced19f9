"""The planner's reasons and warnings in the reader's language.

The pure planner writes English text plus a ``code`` and its numbers (``params``); here
each code has a translatable message and advice (English msgids, French in the project
catalogue). Unknown codes fall back to the planner's English text."""

from __future__ import annotations

from typing import Any

from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MESSAGES: dict[str, tuple[Any, Any]] = {
    "too_deep": (
        _(
            "The nerve is too deep for this probe: the tip would be %(insertion_mm)s mm along the needle, which reaches %(reach_mm)s mm."
        ),
        _("Use a steeper approach (closer to 90 degrees), a longer needle, or another route."),
    ),
    "too_shallow": (
        _(
            "The freezing segment would come within %(clearance_mm)s mm of the skin (or out of it) at this angle."
        ),
        _(
            "Use a flatter approach along the nerve, a probe with a shorter freezing segment, or place the nerve nearer the tip."
        ),
    ),
    "target_not_reached": (
        _(
            "No protocol within the limits brings the whole nerve below %(target_c)s °C for %(hold_s)s s (or %(cycles)s complete freeze-thaw cycles): the longest (%(longest)s) reaches only %(warmest_c)s °C at the nerve's warmest point, %(distance_mm)s mm from the probe axis, which spends %(time_below_s)s s below %(target_c)s °C."
        ),
        _(
            "Place the probe closer to the nerve (touching it), use a larger probe or a colder cryogen, or treat a thick nerve with two passes on either side."
        ),
    ),
    "constraints": (
        _(
            "The shortest protocols that reach the nerve (%(protocols)s) harm the skin or a structure to spare (see the warnings)."
        ),
        _(
            "Move the probe away from the structure (see the tolerance), change the approach angle, protect the skin (warming, saline), or accept the risk after review."
        ),
    ),
    "mixed_target": (
        _("The target is a mixed nerve: a motor block lasting weeks to months is possible."),
        _("Tell the patient; prefer a more distal, purely sensory branch when one exists."),
    ),
    "skin_at_risk": (
        _("The skin surface reaches %(min_c)s °C (limit %(limit_c)s °C)."),
        _(
            "Use a skin-warming device or warm saline, or a deeper or flatter trajectory so that the freezing segment stays further from the skin."
        ),
    ),
    "skin_close": (
        _("The skin surface cools to %(min_c)s °C, within 10 °C of its limit."),
        _("Watch the skin during the freeze; consider skin warming."),
    ),
    "skin_limit_unverified": (
        _("The skin limit %(limit_c)s °C is an unverified default."),
        _("Set it to your clinic's practice."),
    ),
    "structure_in_zone": (
        _("%(label)s lies in the injury zone (%(coldest_c)s °C, %(r_mm)s mm from the probe axis)."),
        _(
            "Move or angle the probe away from it (the target allows %(tolerance_mm)s mm of offset), or choose another target level."
        ),
    ),
    "structure_cooled": (
        _("%(label)s cools to %(coldest_c)s °C: a transient block is possible."),
        _("Warn the patient of temporary weakness or numbness; move the probe away if possible."),
    ),
    "vessel_heat_sink": (
        _(
            "%(label)s (%(r_mm)s mm from the probe axis) warms the tissue near it; the model does not include it, so the freeze on that side may fall short."
        ),
        _(
            "Place the probe on the side of the nerve away from the vessel, or add a cycle; check with Doppler."
        ),
    ),
    "tight_tolerance": (
        _("The placement tolerance is only %(tolerance_mm)s mm."),
        _("The probe must touch the nerve; consider a longer protocol or a larger probe."),
    ),
    "permanent_risk": (
        _(
            "Part of the nerve reaches %(coldest_c)s °C, below the permanent-injury limit %(limit_c)s °C (unverified)."
        ),
        _("Move the probe slightly away from the nerve (within the tolerance)."),
    ),
}

DECIMALS = {
    "insertion_mm": 0,
    "reach_mm": 0,
    "coldest_c": 1,
    "warmest_c": 1,
    "min_c": 1,
    "limit_c": 1,
    "target_c": 1,
    "r_mm": 1,
    "distance_mm": 1,
    "clearance_mm": 1,
    "tolerance_mm": 2,
    "hold_s": 0,
    "time_below_s": 0,
    "cycles": 0,
}

LEGACY_MESSAGES: dict[str, tuple[tuple[Any, Any], ...]] = {
    "target_not_reached": (
        (
            _(
                "No protocol within the limits brings the whole nerve below %(target_c)s °C: the longest (%(longest)s) reaches only %(warmest_c)s °C at the nerve's warmest point, %(distance_mm)s mm from the probe axis."
            ),
            MESSAGES["target_not_reached"][1],
        ),
    ),
}
"""Earlier wordings of a code, tried in turn when a plan stored before the current wording
lacks one of its numbers (plans made before the hold rule have no ``hold_s``)."""

SENSITIVITY_LABELS = {
    "tissue conductivity": _("tissue conductivity"),
    "tissue heat capacity and latent heat": _("tissue heat capacity and latent heat"),
    "blood perfusion": _("blood perfusion"),
    "probe cooling power": _("probe cooling power"),
    "probe gas temperature": _("probe gas temperature"),
}

STRUCTURE_STATUS = {
    "ok": _("spared"),
    "injury": _("in the injury zone"),
    "transient": _("transient block possible"),
    "heat_sink": _("heat sink near the freeze"),
}

STRUCTURE_KINDS = {"motor_nerve": _("motor nerve"), "vessel": _("vessel"), "other": _("structure")}


def _label(value: Any) -> str:
    text = str(value)
    for kind, label in STRUCTURE_KINDS.items():
        if text in (kind, kind.replace("_", " ")):
            return str(label)
    return text


MAX_DECIMALS = 3


def decimals_against(value: float, limit: float, decimals: int = 1) -> int:
    """Decimals that keep a value on its own side of the limit it is compared with: the
    decision compares the unrounded numbers, so -0.04 against 0 must not print as -0.0
    (which reads as "at the limit", a pass). Up to :data:`MAX_DECIMALS`; a value that
    still rounds onto the limit is within 0.0005 of it."""
    try:
        v, lim = float(value), float(limit)
    except (TypeError, ValueError):
        return decimals
    if v == lim:
        return decimals
    d = decimals
    while d < MAX_DECIMALS and (round(v, d) == round(lim, d) or (round(v, d) < lim) != (v < lim)):
        d += 1
    return d


def render(item: dict[str, Any]) -> dict[str, Any]:
    """A reason/warning with ``text`` and ``todo`` in the active language."""
    out = dict(item)
    code = item.get("code")
    params = item.get("params")
    if code in MESSAGES and isinstance(params, dict):
        values: dict[str, str] = {}
        for key, value in params.items():
            if key == "label":
                values[key] = _label(value)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                places = DECIMALS.get(key, 1)
                if key == "min_c" and isinstance(params.get("limit_c"), int | float):
                    places = decimals_against(value, params["limit_c"], places)
                values[key] = formats.number_format(value, places)
            else:
                values[key] = str(value)
        for message, advice in (MESSAGES[code], *LEGACY_MESSAGES.get(code, ())):
            try:
                out["text"] = gettext(str(message)) % values
                out["todo"] = gettext(str(advice)) % values
                return out
            except (KeyError, TypeError, ValueError):
                continue
    out["text"] = item.get("message", "")
    out["todo"] = item.get("advice", "")
    return out
