"""The printable plan (WeasyPrint): image with the isotherm overlay, the isotherm plot,
the protocol, warnings, relief window and every parameter. French or English (the caller
activates the language)."""

from __future__ import annotations

import base64

from django.template.loader import render_to_string
from django.utils import timezone

from .presenters import overlay_stroke, plan_context
from .services import plan_plot_missing


def _data_url(data: bytes | memoryview | None) -> str:
    if not data:
        return ""
    return "data:image/png;base64," + base64.b64encode(bytes(data)).decode("ascii")


def plan_pdf(plan, *, lang: str) -> bytes:
    # Lazy on purpose (no import cycle): WeasyPrint (and its system libraries) load on the first PDF only.
    from weasyprint import HTML

    ctx = plan_context(plan)
    ctx["lang"] = lang
    ctx["plot_url"] = _data_url(
        plan.plot_for(lang)
        or plan_plot_missing(plan=plan, lang=lang)
        or plan.plot_for("en")
        or plan.plot_for("fr")
    )
    image_url = ""
    if plan.image is not None:
        with plan.image.display.open("rb") as fh:
            image_url = _data_url(fh.read())
    ctx["image_url"] = image_url
    ctx["stroke"] = overlay_stroke(plan.image)
    ctx["printed_at"] = timezone.localtime()
    ctx["nerve_name"] = (
        ctx["catalog_nerve"].name(lang)
        if ctx["catalog_nerve"]
        else plan.inputs.get("nerve_label") or plan.nerve_code
    )
    html = render_to_string("treatmentplans/report.html", ctx)
    return HTML(string=html).write_pdf()
