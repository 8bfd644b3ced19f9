"""Reading uploaded placement images: DICOM (pydicom, PixelSpacing) or PNG/JPEG (Pillow).

Everything is re-encoded as a PNG for display (no metadata leaves the server). Bad files
raise :class:`ImageError` with a message for the user.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_PIXELS = 4096 * 4096


class ImageError(ValueError):
    pass


@dataclass
class ReadImage:
    kind: str
    png: bytes
    width: int
    height: int
    row_spacing_mm: float | None
    column_spacing_mm: float | None
    modality: str = ""


def _to_png(img) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def _read_dicom(data: bytes) -> ReadImage:
    # Lazy on purpose (no import cycle): numpy, pydicom and Pillow load on the first image read, not at start.
    import numpy as np
    import pydicom
    from PIL import Image

    try:
        ds = pydicom.dcmread(io.BytesIO(data), force=True)
        arr = ds.pixel_array
    except Exception:
        raise ImageError(
            _("This DICOM file has no image that can be read (compressed or damaged).")
        ) from None
    arr = np.asarray(arr)
    if arr.ndim == 3 and arr.shape[-1] not in (3, 4):
        arr = arr[arr.shape[0] // 2]  # a multi-frame series: the middle frame
    if arr.ndim == 3:
        arr = arr[..., :3].mean(axis=-1)
    if arr.ndim != 2 or arr.size == 0:
        raise ImageError(_("This DICOM file has no two-dimensional image."))
    arr = arr.astype(float)
    slope = float(getattr(ds, "RescaleSlope", 1) or 1)
    intercept = float(getattr(ds, "RescaleIntercept", 0) or 0)
    arr = arr * slope + intercept
    lo, hi = np.percentile(arr, [0.5, 99.5])
    if hi <= lo:
        hi = lo + 1.0
    img8 = np.clip((arr - lo) / (hi - lo) * 255.0, 0, 255).astype(np.uint8)
    if getattr(ds, "PhotometricInterpretation", "") == "MONOCHROME1":
        img8 = 255 - img8
    spacing = getattr(ds, "PixelSpacing", None) or getattr(ds, "ImagerPixelSpacing", None)
    row = col = None
    if spacing is not None:
        try:
            row, col = float(spacing[0]), float(spacing[1])
        except (TypeError, ValueError, IndexError):
            row = col = None
        if row is not None and not (0 < row < 10 and col is not None and 0 < col < 10):
            row = col = None
    if row is None:
        # Ultrasound stores the spacing in cm per pixel in its calibration regions.
        regions = getattr(ds, "SequenceOfUltrasoundRegions", None)
        if regions:
            try:
                dx = float(regions[0].PhysicalDeltaX) * 10.0
                dy = float(regions[0].PhysicalDeltaY) * 10.0
                if 0 < dx < 10 and 0 < dy < 10:
                    row, col = dy, dx
            except (AttributeError, TypeError, ValueError):
                pass
    image = Image.fromarray(img8)
    return ReadImage(
        "dicom",
        _to_png(image),
        image.width,
        image.height,
        row,
        col,
        str(getattr(ds, "Modality", "") or ""),
    )


def read_image(data: bytes, filename: str = "") -> ReadImage:
    if not data:
        raise ImageError(_("The file is empty."))
    if (len(data) > 132 and data[128:132] == b"DICM") or filename.lower().endswith(
        (".dcm", ".dicom")
    ):
        return _read_dicom(data)
    # Lazy on purpose (no import cycle): Pillow loads on the first image read, not at start.
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = (probe.format or "").upper()
            probe.verify()
        if fmt not in ("PNG", "JPEG"):
            raise ImageError(_("Only DICOM, PNG or JPEG images can be used."))
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            clean = img.convert("L") if img.mode not in ("L", "RGB") else img.copy()
    except ImageError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ImageError(_("This file is not an image (DICOM, PNG or JPEG).")) from None
    return ReadImage(
        "png" if fmt == "PNG" else "jpeg", _to_png(clean), clean.width, clean.height, None, None
    )
