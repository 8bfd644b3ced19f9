"""Reading uploaded placement images: DICOM (pydicom, PixelSpacing) or PNG/JPEG (Pillow).

Everything is re-encoded as a PNG for display (no metadata leaves the server). Bad files
raise :class:`ImageError` with a message for the user.

An upload cannot exhaust the server (issue 13, docs/security/uploads.md): the file's size
is checked before it is read (:func:`check_upload_size`); the header's rows x columns x
frames x samples per pixel against ``TREATMENTPLANS_MAX_IMAGE_PIXELS`` before anything is
decoded; a deflated DICOM dataset is inflated only up to a bound; one DICOM frame is decoded,
and turned into 8-bit grey in bands of rows (float32, never a float64 copy of the image).
"""

from __future__ import annotations

import io
import math
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    import numpy as np

#: Inflating a deflated DICOM dataset may give this much more than its decoded pixel data:
#: the other elements of an ultrasound or CT file (patient, study, calibration) are a few
#: kB; 1 MiB leaves room for an embedded icon or an overlay plane.
DEFLATE_HEADER_ALLOWANCE = 1024 * 1024

#: What one step of measuring an inflated dataset holds: small next to the bound, large
#: enough that a 33 MiB dataset is measured in a few dozen steps.
INFLATE_CHUNK = 1024 * 1024

#: Bytes per pixel value that the decoded-size bound allows: 16-bit grey is what CT and
#: ultrasound store; 32- or 64-bit data must then have proportionally fewer pixels.
MAX_BYTES_PER_VALUE = 2

#: Rows of pixels turned into 8-bit grey at a time: 256 rows of 4096 columns are 4 MiB of
#: float32, so the working copy stays small whatever the image.
BAND_ROWS = 256

#: Pixels sampled to find the display window (0.5 and 99.5 percentiles): 2**20 (a 1024 x
#: 1024 grid) gives percentiles within a grey level of the whole image's, at a few MiB.
WINDOW_SAMPLE_PIXELS = 2**20

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SIGNATURE = b"\xff\xd8\xff"
_J2K_SIGNATURES = (b"\xff\x4f\xff\x51", b"\x00\x00\x00\x0cjP  \r\n\x87\n")


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


def max_pixels() -> int:
    return int(settings.TREATMENTPLANS_MAX_IMAGE_PIXELS)


def max_decoded_bytes() -> int:
    return max_pixels() * MAX_BYTES_PER_VALUE


def _megapixels(n: int) -> str:
    return number_format(round(n / 1e6, 1), 1)


def check_upload_size(size: int) -> None:
    """Refuse a file larger than ``TREATMENTPLANS_MAX_IMAGE_BYTES`` (before reading it)."""
    limit = int(settings.TREATMENTPLANS_MAX_IMAGE_BYTES)
    if size > limit:
        raise ImageError(_("The file is larger than %(size)s.") % {"size": filesizeformat(limit)})


def check_pixel_count(rows: int, columns: int, frames: int = 1, samples: int = 1) -> None:
    """Refuse an image whose header declares more pixel values than the limit."""
    values = max(rows, 0) * max(columns, 0) * max(frames, 1) * max(samples, 1)
    limit = max_pixels()
    if values > limit:
        raise ImageError(
            _(
                "This image is too large to be read: %(size)s million pixel values "
                "(every frame and colour counted); the limit is %(limit)s million."
            )
            % {"size": _megapixels(values), "limit": _megapixels(limit)}
        )


def _to_png(img) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def _int(value: Any, default: int) -> int:
    try:
        return int(str(value).strip() or default)
    except (TypeError, ValueError):
        return default


def _dicom_unreadable() -> ImageError:
    return ImageError(_("This DICOM file has no image that can be read (compressed or damaged)."))


def _inflate_bounded(zipped: bytes, bound: int) -> bytes:
    """A raw deflate stream (PS3.5 A.5) inflated to at most ``bound`` bytes, or ImageError.

    Measured first, a chunk at a time and thrown away, so that a bomb is refused holding
    one chunk, not ``bound`` bytes; a stream within the bound is then inflated for use."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    size = 0
    try:
        pending = zipped
        while size <= bound and not inflater.eof:
            out = inflater.decompress(pending, INFLATE_CHUNK)
            pending = inflater.unconsumed_tail
            if not out and not pending:
                break  # a truncated stream: refused as damaged below
            size += len(out)
        if size > bound:
            raise ImageError(
                _("This DICOM file inflates to more than %(mb)d MB; it cannot be read.")
                % {"mb": max(1, bound // (1024 * 1024))}
            )
        return zlib.decompress(zipped, -zlib.MAX_WBITS)
    except zlib.error:
        raise _dicom_unreadable() from None


def _parse_dicom(data: bytes):
    """The dataset, its pixel data not decoded; a deflated dataset inflated within bounds."""
    import pydicom
    from pydicom.dataset import FileDataset
    from pydicom.filereader import _read_file_meta_info, read_dataset, read_preamble
    from pydicom.uid import DeflatedExplicitVRLittleEndian

    try:
        fp = io.BytesIO(data)
        preamble = read_preamble(fp, True)
        # pydicom's own reader of the file meta group (what dcmread runs first): the
        # transfer syntax must be known before pydicom would inflate the whole dataset.
        meta = _read_file_meta_info(fp)
        if meta.get("TransferSyntaxUID") != DeflatedExplicitVRLittleEndian:
            return pydicom.dcmread(io.BytesIO(data), force=True)
        inflated = _inflate_bounded(
            data[fp.tell() :], max_decoded_bytes() + DEFLATE_HEADER_ALLOWANCE
        )
        dataset = read_dataset(io.BytesIO(inflated), False, True)
        ds = FileDataset("upload", dataset, preamble, meta, False, True)
        ds.set_original_encoding(False, True, dataset._character_set)
        return ds
    except ImageError:
        raise
    except Exception:
        raise _dicom_unreadable() from None


def _window(arr: np.ndarray) -> tuple[float, float]:
    """The 0.5 and 99.5 percentiles of the stored values (the grey of a colour image), from
    a strided sample."""
    import numpy as np

    step = max(1, math.ceil(math.sqrt(arr.shape[0] * arr.shape[1] / WINDOW_SAMPLE_PIXELS)))
    sample = arr[::step, ::step]
    if sample.ndim == 3:
        sample = sample[..., :3].mean(axis=-1, dtype=np.float32)
    lo, hi = (float(v) for v in np.percentile(sample, [0.5, 99.5]))
    if hi <= lo:
        hi = lo + 1.0
    return lo, hi


def _to_grey8(arr: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Stored values windowed to 0-255, a band of rows at a time in float32."""
    import numpy as np

    out = np.empty(arr.shape[:2], dtype=np.uint8)
    scale = np.float32(255.0 / (hi - lo))
    for start in range(0, arr.shape[0], BAND_ROWS):
        band = arr[start : start + BAND_ROWS]
        if band.ndim == 3:  # colour: the mean of the first three samples
            grey = band[..., :3].mean(axis=-1, dtype=np.float32)
        else:
            grey = band.astype(np.float32)
        grey -= np.float32(lo)
        grey *= scale
        np.clip(grey, 0, 255, out=grey)
        out[start : start + BAND_ROWS] = grey
    return out


def _read_dicom(data: bytes) -> ReadImage:
    # Lazy on purpose (no import cycle): numpy, pydicom and Pillow load on the first image read, not at start.
    import numpy as np
    from PIL import Image
    from pydicom.pixels import pixel_array

    ds = _parse_dicom(data)
    if "PixelData" not in ds:
        raise _dicom_unreadable()
    rows, columns = _int(ds.get("Rows"), 0), _int(ds.get("Columns"), 0)
    frames = max(1, _int(ds.get("NumberOfFrames"), 1))
    samples = max(1, _int(ds.get("SamplesPerPixel"), 1))
    bits = max(1, _int(ds.get("BitsAllocated"), 8))
    if rows <= 0 or columns <= 0:
        raise ImageError(_("This DICOM file has no two-dimensional image."))
    check_pixel_count(rows, columns, frames, samples)
    decoded = rows * columns * frames * samples * math.ceil(bits / 8)
    if decoded > max_decoded_bytes():
        raise ImageError(
            _("This image would take %(mb)d MB once decoded; the limit is %(limit)d MB.")
            % {"mb": decoded // (1024 * 1024), "limit": max_decoded_bytes() // (1024 * 1024)}
        )
    index = frames // 2  # one frame only: the middle one of a multi-frame series
    _check_compressed_frame(ds, index, frames, rows, columns)
    try:
        arr = np.asarray(pixel_array(ds, index=index if frames > 1 else None))
    except Exception:
        raise _dicom_unreadable() from None
    if arr.ndim == 3 and arr.shape[-1] not in (3, 4):
        arr = arr[arr.shape[0] // 2]
    if arr.ndim not in (2, 3) or arr.size == 0:
        raise ImageError(_("This DICOM file has no two-dimensional image."))
    lo, hi = _window(arr)
    img8 = _to_grey8(arr, lo, hi)
    del arr
    # The rescale (slope, intercept) is linear: the window of the stored values is the
    # window of the rescaled ones, mirrored when the slope is negative.
    slope = float(getattr(ds, "RescaleSlope", 1) or 1)
    inverted = slope < 0
    if getattr(ds, "PhotometricInterpretation", "") == "MONOCHROME1":
        inverted = not inverted
    if inverted:
        np.subtract(255, img8, out=img8)
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


def _bitmap_header(data: bytes) -> tuple[int, int, int] | None:
    """(width, height, bands) from a PNG, JPEG or JPEG 2000 header, without decoding; None
    for another format. A damaged header: ImageError."""
    from PIL import Jpeg2KImagePlugin, JpegImagePlugin, PngImagePlugin

    plugin: Any
    if data.startswith(_PNG_SIGNATURE):
        plugin = PngImagePlugin.PngImageFile
    elif data.startswith(_JPEG_SIGNATURE):
        plugin = JpegImagePlugin.JpegImageFile
    elif data.startswith(_J2K_SIGNATURES):
        plugin = Jpeg2KImagePlugin.Jpeg2KImageFile
    else:
        return None
    try:
        # The plugin's constructor parses the header only (Image.open adds nothing else
        # but its bomb check, which would warn, not refuse, up to twice its limit).
        with plugin(io.BytesIO(data)) as header:
            return header.width, header.height, len(header.getbands())
    except Exception:
        raise ImageError(_("This file is not an image (DICOM, PNG or JPEG).")) from None


def _check_compressed_frame(ds: Any, index: int, frames: int, rows: int, columns: int) -> None:
    """An encapsulated DICOM frame (JPEG, JPEG 2000) declares its own size: it must be the
    dataset's, so that the pixel limit checked on Rows and Columns holds when it is decoded."""
    from pydicom.encaps import get_frame
    from pydicom.uid import RLELossless

    syntax = ds.file_meta.get("TransferSyntaxUID") if hasattr(ds, "file_meta") else None
    if syntax is None or not syntax.is_compressed or syntax == RLELossless:
        return  # native data, or RLE: decoded to Rows x Columns by pydicom itself
    try:
        frame = get_frame(ds.PixelData, index, number_of_frames=frames)
        size = _bitmap_header(frame)
    except Exception:
        raise _dicom_unreadable() from None
    if size is not None and (size[0], size[1]) != (columns, rows):
        check_pixel_count(size[1], size[0], 1, size[2])
        raise _dicom_unreadable()


def read_image(data: bytes, filename: str = "") -> ReadImage:
    if not data:
        raise ImageError(_("The file is empty."))
    check_upload_size(len(data))
    # Lazy on purpose (no import cycle): Pillow loads on the first image read, not at start.
    from PIL import Image, UnidentifiedImageError

    # The same limit for Pillow: its own bomb check is the last guard of what it decodes.
    Image.MAX_IMAGE_PIXELS = max_pixels()
    if (len(data) > 132 and data[128:132] == b"DICM") or filename.lower().endswith(
        (".dcm", ".dicom")
    ):
        return _read_dicom(data)
    size = _bitmap_header(data) if data.startswith((_PNG_SIGNATURE, _JPEG_SIGNATURE)) else None
    if size is not None:
        check_pixel_count(size[1], size[0], 1, size[2])
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = (probe.format or "").upper()
            if fmt in ("PNG", "JPEG"):
                check_pixel_count(probe.height, probe.width, 1, len(probe.getbands()))
            probe.verify()
        if fmt not in ("PNG", "JPEG"):
            raise ImageError(_("Only DICOM, PNG or JPEG images can be used."))
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            clean = img.convert("L") if img.mode not in ("L", "RGB") else img.copy()
    except ImageError:
        raise
    except Image.DecompressionBombError:
        # Only for a format other than PNG/JPEG (those were measured above).
        raise ImageError(_("Only DICOM, PNG or JPEG images can be used.")) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ImageError(_("This file is not an image (DICOM, PNG or JPEG).")) from None
    return ReadImage(
        "png" if fmt == "PNG" else "jpeg", _to_png(clean), clean.width, clean.height, None, None
    )
