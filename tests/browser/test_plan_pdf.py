"""Issue 11 §2: the printed plan shows what the page shows. The plan's PDF (WeasyPrint)
is rendered to pixels by Chromium's own PDF viewer (PDFium: the one PDF renderer on this
machine; no poppler, mupdf or pypdfium2 here) and the placement image is checked: the
isotherms and the nerve mark are drawn as lines, not filled black shapes."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest

pytestmark = pytest.mark.django_db(transaction=True)

GREY = 128  # the test image: one flat grey, so any dark pixel on it is the overlay's
MARKS = {"skin": [[0, 0], [300, 0]], "nerve": [150, 100], "trajectory": [[135, 0], [135, 140]]}


def _plan_with_image(patient, physician):
    from PIL import Image

    from cryoneuro.treatmentplans import services
    from cryoneuro.treatmentplans.forms import PlanForm

    buf = io.BytesIO()
    Image.new("L", (300, 200), GREY).save(buf, format="PNG")
    image = services.image_upload(patient=patient, uploaded_by=physician, data=buf.getvalue())
    services.image_calibrate(image=image, mm_per_pixel=0.1, calibration={}, by=physician)
    data = {
        "nerve": "ipbsn",
        "depth_mm": "10",
        "diameter_mm": "1",
        "skin_mm": "2",
        "fat_mm": "5",
        "deep_tissue": "muscle",
        "probe": "16g",
        "cryogen": "n2o",
        "approach_angle": "90",
        "gap_mm": "0",
        "target_c": "-20",
        "skin_limit_c": "0",
        "image": str(image.pk),
        "marks": json.dumps(MARKS),
    }
    form = PlanForm(data, patient=patient, image=image)
    assert form.is_valid(), form.errors
    inputs = form.to_inputs()
    assert inputs is not None, form.errors
    return services.plan_create(
        patient=patient,
        created_by=physician,
        inputs=inputs,
        image=image,
        placement=form.placement,
        marks=MARKS,
    )


def _render(page, pdf_path, png_path):
    page.set_viewport_size({"width": 1100, "height": 2400})
    page.goto(pdf_path.as_uri() + "#toolbar=0&navpanes=0")  # the pages alone
    page.wait_for_timeout(3000)  # the viewer draws the pages after the load event
    page.screenshot(path=str(png_path))
    from PIL import Image

    return np.asarray(Image.open(png_path).convert("RGB")).astype(int)


def test_it_prints_the_overlay_as_outlines(page, physician, make_patient, tmp_path, settings):
    from django.utils import translation

    from cryoneuro.treatmentplans.report import plan_pdf

    settings.MEDIA_ROOT = tmp_path / "media"
    plan = _plan_with_image(make_patient(), physician)
    assert plan.result.get("overlay"), "the plan has an overlay to print"
    with translation.override("fr"):
        pdf = plan_pdf(plan, lang="fr")
    pdf_path = tmp_path / "plan.pdf"
    pdf_path.write_bytes(pdf)
    px = _render(page, pdf_path, tmp_path / "plan.png")

    grey = np.all(np.abs(px - GREY) <= 4, axis=-1)
    assert grey.sum() > 5000, "the placement image is on the rendered page"
    # the image: the rows and columns that are mostly its grey
    rows = np.nonzero(grey.sum(axis=1) > 0.3 * grey.sum(axis=1).max())[0]
    cols = np.nonzero(grey.sum(axis=0) > 0.3 * grey.sum(axis=0).max())[0]
    ys, xs = (rows.min(), rows.max()), (cols.min(), cols.max())
    assert ys[1] - ys[0] > 50 and xs[1] - xs[0] > 80, (ys, xs)
    box = px[ys[0] : ys[1] + 1, xs[0] : xs[1] + 1]
    # the image's own share of dark pixels is 0 (flat grey); a filled overlay made the ice
    # ball and the nerve a black blob, tens of per cent of the image
    dark = np.all(box < 60, axis=-1).mean()
    assert dark < 0.01, f"{dark:.1%} of the image prints dark: the overlay is filled"
    # and the lines are there: the 0 degC isotherm's blue, the nerve's yellow
    blue = ((box[..., 2] - box[..., 0]) > 60).mean()
    yellow = ((box[..., 0] > 170) & (box[..., 1] > 140) & (box[..., 2] < 90)).mean()
    assert blue > 0.001 and yellow > 0.0002, (blue, yellow)
    # the lines are outlines: the grey shows through inside the ice ball
    assert grey[ys[0] : ys[1] + 1, xs[0] : xs[1] + 1].mean() > 0.6
