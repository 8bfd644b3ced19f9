"""What the pages and the PDF show of a stored plan (shared by views and report)."""

from __future__ import annotations

from typing import Any

from cryoneuro.clinical.nerves import NERVES


def plan_context(plan: Any) -> dict[str, Any]:
    r = plan.result or {}
    inputs = plan.inputs or {}
    nerve = NERVES.get(plan.nerve_code)
    overlay = r.get("overlay")
    iso = []
    if overlay:
        classes = {"0": "iso-0"}
        limits = (inputs.get("limits") or {})
        target = f"{limits.get('target_c', -20.0):g}"
        permanent = f"{limits.get('permanent_c', -140.0):g}"
        classes[target] = "iso-target"
        classes[permanent] = "iso-permanent"
        for level, lines in (overlay.get("isotherms") or {}).items():
            for pts in lines:
                iso.append({"level": level, "cls": classes.get(level, "iso-0"), "points": pts})
    layers = [{"tissue": n, "mm": (None if th == "inf" else 1e3 * float(th))}
              for n, th in inputs.get("layers", [])]
    return {
        "plan": plan,
        "patient": plan.patient,
        "r": r,
        "inputs": inputs,
        "layers": layers,
        "depth_mm": 1e3 * float(inputs.get("depth_m", 0.0)),
        "catalog_nerve": nerve,
        "overlay": overlay,
        "iso_lines": iso,
        "image": plan.image,
        "relief": r.get("relief_window"),
        "errors": list(r.get("reasons", [])),
        "warnings": [w for w in r.get("warnings", []) if w.get("severity") != "info"],
        "notes": [w for w in r.get("warnings", []) if w.get("severity") == "info"],
    }
