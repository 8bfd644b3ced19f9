"""Issue 4's image-guided path: a physician uploads a DICOM made by the test, marks the
nerve and the probe trajectory (mouse, then keyboard), computes the plan and sees the
predicted isotherms drawn over the image."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def _dicom(path, rows=200, cols=300, spacing=0.1):
    from pydicom.dataset import FileDataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, SecondaryCaptureImageStorage, generate_uid

    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = SecondaryCaptureImageStorage
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(str(path), {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = SecondaryCaptureImageStorage
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = "US"
    ds.Rows, ds.Columns = rows, cols
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = ds.BitsStored = 8
    ds.HighBit = 7
    ds.PixelRepresentation = 0
    ds.PixelSpacing = [spacing, spacing]
    yy, xx = np.mgrid[0:rows, 0:cols]
    img = (30 + 80 * np.exp(-((xx - 150) ** 2 + (yy - 100) ** 2) / 60.0)).astype(np.uint8)
    img[:6] = 220
    ds.PixelData = img.tobytes()
    buf = io.BytesIO()
    ds.save_as(buf, enforce_file_format=True)
    path.write_bytes(buf.getvalue())
    return path


def _click_image(page, x, y, w=300, h=200):
    box = page.locator("#placement-svg").bounding_box()
    page.mouse.click(box["x"] + x / w * box["width"], box["y"] + y / h * box["height"])


def test_it_uploads_a_dicom_marks_the_nerve_and_shows_the_overlay(
    page, physician, staff_login, make_patient, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    patient = make_patient()
    staff_login("dr.house")
    page.goto(f"/patients/{patient.pk}/plans/new/")
    page.set_input_files("#id_file", str(_dicom(tmp_path / "us.dcm")))
    page.locator("form[enctype] button[type=submit]").click()
    expect(page.locator("#placement-svg")).to_be_visible()
    expect(page.locator(".placement")).to_contain_text(re.compile(r"0[.,]100"))

    # typed values that the marks will replace in the form as they are placed
    page.fill("#id_depth_mm", "25")
    page.fill("#id_approach_angle", "45")
    # the nerve with the mouse: its centre is at pixel (150, 100), i.e. 10 mm deep
    page.locator('[data-mode="nerve"]').click()
    _click_image(page, 150, 100)
    expect(page.locator("#mark-nerve")).to_have_count(1)
    expect(page.locator("#id_depth_mm")).to_have_value("10.0")  # the form follows the marks
    # the trajectory with the keyboard: cursor from the nerve to (135, 0), Enter; then the tip
    svg = page.locator("#placement-svg")
    svg.focus()
    svg.press("4")
    for _ in range(10):
        svg.press("Shift+ArrowUp")
    svg.press("Shift+ArrowLeft")
    for _ in range(5):
        svg.press("ArrowLeft")
    svg.press("Enter")
    for _ in range(14):
        svg.press("Shift+ArrowDown")
    svg.press("Enter")
    expect(page.locator("#placement-status")).to_contain_text("(135, 140)")
    marks = page.locator("#id_marks").input_value()
    assert '"trajectory":[[135,0],[135,140]]' in marks and '"nerve":[150,100]' in marks
    expect(page.locator("#id_approach_angle")).to_have_value("90")  # perpendicular needle

    # the isotherms over the image before saving (htmx), then the stored plan
    page.locator("#preview-plan").click()
    expect(page.locator("#plan-preview polyline.iso-target").first).to_be_attached()
    assert page.url.endswith("/plans/new/?image=" + page.url.split("image=")[-1])
    # progress while it computes: hold the submission to see it, then let it go
    page.evaluate(
        "window.holdPlan = (ev) => ev.preventDefault();"
        "document.getElementById('plan-form').addEventListener('submit', window.holdPlan)"
    )
    page.locator("#compute-plan").click()
    expect(page.locator("#compute-progress")).to_be_visible()
    expect(page.locator("#compute-plan")).to_be_disabled()
    page.evaluate("document.getElementById('plan-form').submit()")
    page.wait_for_url(re.compile(r"/plans/\d+/#plan-result$"))  # lands on the result
    overlay = page.locator("#plan-overlay")
    expect(overlay).to_be_visible()
    expect(overlay.locator("polyline.iso-target").first).to_be_attached()
    expect(overlay.locator("polyline.iso-0").first).to_be_attached()
    expect(page.locator("#protocol-words")).to_contain_text(re.compile(r"\d+ cycles? de \d+ s"))
    # the -20 degC isotherm is drawn at true scale: a few mm around the nerve
    box = overlay.locator("polyline.iso-target").first.bounding_box()
    svg_box = overlay.bounding_box()
    width_px = box["width"] / svg_box["width"] * 300
    assert 20 < width_px < 120  # 2-12 mm at 0.1 mm per pixel

    # replanning starts from this plan: the image, its marks and the inputs come back
    page.locator("#replan").click()
    expect(page.locator("#replan-source")).to_be_visible()
    expect(page.locator("#mark-nerve")).to_have_count(1)
    expect(page.locator("#id_depth_mm")).to_have_value("10.0")
    assert '"nerve":[150,100]' in page.locator("#id_marks").input_value()
