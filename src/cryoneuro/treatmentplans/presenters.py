"""What the pages and the PDF show of a stored plan (shared by views and report)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cryoneuro.clinical.nerves import NERVES
from cryoneuro.core.labels import label, relief_source
from cryoneuro.planning.inputs import LIMIT_SOURCES

from .messages import SENSITIVITY_LABELS, STRUCTURE_STATUS, _label, decimals_against, render
from .selectors import plan_relief_window
from .wording import protocol_words


def number_against(value: Any, limit: Any, decimals: int = 1) -> str:
    """A temperature printed with the precision the decision uses against its limit
    (messages.decimals_against): -0.04 against 0 prints -0,04, never -0,0."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return ""
    places = decimals_against(value, limit, decimals) if isinstance(limit, int | float) else 1
    return formats.number_format(value, places)


def _figures(r: dict[str, Any]) -> dict[str, str]:
    """Numbers of the result that are compared with a limit, at the decision's precision."""
    nerve, skin = r.get("nerve") or {}, r.get("skin") or {}
    return {
        "margin": number_against(nerve.get("margin_c"), 0.0),
        "warmest": number_against(nerve.get("warmest_c"), nerve.get("target_c")),
        "skin_min": number_against(skin.get("min_c"), skin.get("limit_c")),
        "skin_limit": number_against(skin.get("limit_c"), None),
    }


def _relief(window: dict[str, Any] | None) -> dict[str, Any] | None:
    if not window:
        return None

    basis = {
        "measured distance": _("measured distance to the end organ"),
        "catalog default distance (unverified)": _("catalog default distance (unverified)"),
    }
    out = {**window, "basis": basis.get(window.get("basis", ""), window.get("basis", ""))}
    out["source"] = relief_source(str(window.get("source", "")))
    # the stored window's dates are ISO strings: shown in the reader's date format
    for key in ("onset_dates", "end_dates"):
        out[key] = [_local_date(v) for v in window.get(key) or []]
    return out


def _local_date(value: Any) -> str:
    """An ISO date of the stored result in the locale's short date format (as stored when
    it does not parse)."""
    try:
        return formats.date_format(dt.date.fromisoformat(str(value)), "SHORT_DATE_FORMAT")
    except ValueError:
        return str(value)


def overlay_lines(result: dict[str, Any], inputs: dict[str, Any]) -> list[dict[str, Any]]:
    """SVG polylines of the isotherms over the image, with their CSS class."""
    overlay = result.get("overlay")
    iso: list[dict[str, Any]] = []
    if overlay:
        classes = {"0": "iso-0"}
        limits = inputs.get("limits") or {}
        target = f"{limits.get('target_c', -20.0):g}"
        permanent = f"{limits.get('permanent_c', -140.0):g}"
        classes[target] = "iso-target"
        classes[permanent] = "iso-permanent"
        for level, lines in (overlay.get("isotherms") or {}).items():
            for pts in lines:
                iso.append({"level": level, "cls": classes.get(level, "iso-0"), "points": pts})
    return iso


# Line width of the overlay as a share of the image's larger side, so that the printed
# lines keep the page's weight whatever the image's size (display only).
OVERLAY_LINE_SHARE = 1 / 150


def overlay_stroke(image: Any) -> dict[str, str]:
    """Stroke widths (image pixels) written as SVG attributes on the overlay. The page's
    CSS overrides them (non-scaling strokes); the PDF renderer (WeasyPrint) does not apply
    the page's CSS classes to inline SVG, so the attributes are what prints."""
    side = max(int(getattr(image, "width", 0) or 0), int(getattr(image, "height", 0) or 0))
    w = max(1.0, side * OVERLAY_LINE_SHARE)
    return {"iso": f"{w:.2f}", "probe": f"{1.5 * w:.2f}", "dash": f"{2 * w:.2f} {1.5 * w:.2f}"}


def preview_context(result: dict[str, Any]) -> dict[str, Any]:
    """What the form shows of a plan computed but not saved."""
    inputs = result.get("inputs") or {}
    return {
        "r": result,
        "protocol_words": protocol_words(result.get("protocol")),
        "inputs": inputs,
        "overlay": result.get("overlay"),
        "iso_lines": overlay_lines(result, inputs),
        "errors": [render(m) for m in result.get("reasons", [])],
        "warnings": [render(w) for w in result.get("warnings", []) if w.get("severity") != "info"],
    }


def limit_sources(inputs: dict[str, Any]) -> list[tuple[str, str]]:
    """(limit's name, source note) in the reader's language. A note stored with an older
    plan that no longer matches the planner's text is shown as it was stored."""
    stored = ((inputs.get("limits") or {}).get("sources")) or {}
    out = []
    for key, note in stored.items():
        current = LIMIT_SOURCES.get(key)
        translated = label("plan_limit_source", key) if note == current else str(note)
        out.append((label("plan_limit", key), translated))
    return out


def plan_context(plan: Any) -> dict[str, Any]:
    r = plan.result or {}
    inputs = plan.inputs or {}
    nerve = NERVES.get(plan.nerve_code)
    overlay = r.get("overlay")
    iso = overlay_lines(r, inputs)
    layers = [
        {"tissue": n, "mm": (None if th == "inf" else 1e3 * float(th))}
        for n, th in inputs.get("layers", [])
    ]
    return {
        "plan": plan,
        "patient": plan.patient,
        "r": r,
        "protocol_words": protocol_words(r.get("protocol")),
        "figures": _figures(r),
        "inputs": inputs,
        "limit_sources": limit_sources(inputs),
        "layers": layers,
        "depth_mm": 1e3 * float(inputs.get("depth_m", 0.0)),
        "catalog_nerve": nerve,
        "nerve_name": (
            nerve.name((get_language() or "fr")[:2])
            if nerve is not None
            else inputs.get("nerve_label") or plan.nerve_code
        ),
        "overlay": overlay,
        "iso_lines": iso,
        "image": plan.image,
        # the patient's own prediction (earlier sessions' relief); an infeasible plan has
        # no protocol, so no relief window to expect
        "relief": _relief(plan_relief_window(plan)) if plan.feasible else None,
        "errors": [render(m) for m in r.get("reasons", [])],
        "warnings": [render(w) for w in r.get("warnings", []) if w.get("severity") != "info"],
        "notes": [render(w) for w in r.get("warnings", []) if w.get("severity") == "info"],
        "sensitivity": [
            {**x, "label": str(SENSITIVITY_LABELS.get(x.get("parameter"), x.get("parameter")))}
            for x in r.get("sensitivity", [])
        ],
        "structures": [
            {
                **x,
                "label": _label(x.get("label", "")),
                "status_label": str(STRUCTURE_STATUS.get(x.get("status"), x.get("status"))),
            }
            for x in r.get("structures", [])
        ],
    }
