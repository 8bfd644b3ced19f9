"""Uploads cannot exhaust the server (issue 13 §1): real bomb files, built here, are refused
from their headers, with a clear message on the form and a 422 from the API, nothing saved
and the reader's memory bounded; legitimate images are still read."""

from __future__ import annotations

import io
import struct
import tracemalloc
import zlib

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cryoneuro.treatmentplans.images import ImageError, read_image
from cryoneuro.treatmentplans.models import PlacementImage

pytestmark = pytest.mark.django_db

MiB = 1024 * 1024
#: What reading a refused file may allocate at its peak: the parsed copy of the upload and
#: pydicom's bookkeeping (a 1.5 MB bomb), far below the gigabytes that decoding would take.
REFUSAL_PEAK_BYTES = 16 * MiB
#: The default limit (settings.base: TREATMENTPLANS_MAX_IMAGE_PIXELS, 4096 x 4096).
DEFAULT_LIMIT = 4096 * 4096


@pytest.fixture(autouse=True)
def _english():
    """Messages read directly from read_image in English (the pages ask for their language)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def _dataset(transfer_syntax, rows: int, cols: int, frames: int = 1):
    from pydicom.dataset import FileDataset, FileMetaDataset
    from pydicom.uid import SecondaryCaptureImageStorage, generate_uid

    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = SecondaryCaptureImageStorage
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = transfer_syntax
    ds = FileDataset("bomb.dcm", {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = SecondaryCaptureImageStorage
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = "US"
    ds.Rows, ds.Columns = rows, cols
    if frames > 1:
        ds.NumberOfFrames = frames
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = ds.BitsStored = 8
    ds.HighBit = 7
    ds.PixelRepresentation = 0
    ds.PixelSpacing = [0.1, 0.1]
    return ds


def _save(ds) -> bytes:
    buf = io.BytesIO()
    ds.save_as(buf, enforce_file_format=True)
    return buf.getvalue()


def rle_bomb(rows: int = 10_000, cols: int = 10_000, frames: int = 1) -> bytes:
    """An RLE Lossless DICOM whose frames are runs of zeros: 2 bytes of RLE per 128 pixels
    (PS3.5 G.3.1: a control byte of -127 repeats the next byte 128 times), so 10000 x 10000
    is a 1.5 MB file that decodes to 100 MB a frame (pydicom's RLE decoder: 2.4 GB)."""
    from pydicom.encaps import encapsulate
    from pydicom.uid import RLELossless

    assert (rows * cols) % 128 == 0
    header = struct.pack("<16L", 1, 64, *([0] * 14))  # one segment, at offset 64
    frame = header + b"\x81\x00" * (rows * cols // 128)
    ds = _dataset(RLELossless, rows, cols, frames)
    ds.PixelData = encapsulate([frame] * frames)
    ds["PixelData"].VR = "OB"
    return _save(ds)


def deflate_bomb(inflated_bytes: int = 512 * MiB) -> bytes:
    """A Deflated Explicit VR Little Endian DICOM (PS3.5 A.5) declaring a small image, whose
    dataset carries an OB element of ``inflated_bytes`` zeros: 512 MiB deflate to ~510 kB."""
    from pydicom.filebase import DicomBytesIO
    from pydicom.filewriter import write_dataset, write_file_meta_info
    from pydicom.uid import DeflatedExplicitVRLittleEndian

    ds = _dataset(DeflatedExplicitVRLittleEndian, 200, 300)
    out = DicomBytesIO()
    out.is_little_endian, out.is_implicit_VR = True, False
    out.write(b"\0" * 128 + b"DICM")
    write_file_meta_info(out, ds.file_meta)
    body = DicomBytesIO()
    body.is_little_endian, body.is_implicit_VR = True, False
    write_dataset(body, ds)
    # (7FE0,0010) PixelData, OB, reserved, a 32-bit length; then the zeros.
    element = struct.pack("<HH2sHL", 0x7FE0, 0x0010, b"OB", 0, inflated_bytes)
    deflater = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    parts = [deflater.compress(body.getvalue() + element)]
    chunk = bytes(16 * MiB)
    for _ in range(inflated_bytes // len(chunk)):
        parts.append(deflater.compress(chunk))
    parts.append(deflater.compress(bytes(inflated_bytes % len(chunk))))
    parts.append(deflater.flush())
    return out.getvalue() + b"".join(parts)


def jpeg_dicom(rows: int, cols: int, jpeg_size: tuple[int, int]) -> bytes:
    """A JPEG Baseline DICOM declaring rows x cols whose frame is a JPEG of jpeg_size:
    12000 x 12000 is 1.7 MB, and decoding it took 279 MiB (Pillow's default bomb limit,
    89 million pixels, only warns below twice that)."""
    from PIL import Image
    from pydicom.encaps import encapsulate
    from pydicom.uid import JPEGBaseline8Bit

    buf = io.BytesIO()
    Image.new("L", jpeg_size, 90).save(buf, format="JPEG")
    ds = _dataset(JPEGBaseline8Bit, rows, cols)
    ds.PixelData = encapsulate([buf.getvalue()])
    ds["PixelData"].VR = "OB"
    return _save(ds)


def blank_png(width: int, height: int, mode: str = "L") -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new(mode, (width, height)).save(buf, format="PNG")
    return buf.getvalue()


def _peak_of_reading(data: bytes, filename: str) -> tuple[ImageError | None, int]:
    tracemalloc.start()
    try:
        read_image(data, filename)
    except ImageError as exc:
        error: ImageError | None = exc
    else:
        error = None
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return error, peak


@pytest.fixture(scope="module")
def bombs():
    return {
        "rle": rle_bomb(),
        "frames": rle_bomb(1024, 1024, frames=50),
        "deflate": deflate_bomb(),
        "png": blank_png(2 * 4096, 4096),  # exactly 2x the limit: Pillow only warned
        "jpeg-frame": jpeg_dicom(64, 64, (12_000, 12_000)),
    }


@pytest.mark.parametrize(
    ("bomb", "filename", "message"),
    [
        ("rle", "bomb.dcm", "100.0 million pixel values"),
        ("frames", "cine.dcm", "52.4 million pixel values"),
        ("deflate", "bomb.dcm", "inflates to more than 33 MB"),
        ("png", "bomb.png", "33.6 million pixel values"),
        ("jpeg-frame", "bomb.dcm", "144.0 million pixel values"),
    ],
)
def test_a_bomb_is_refused_from_its_header_in_bounded_memory(
    settings, bombs, bomb, filename, message
):
    assert settings.TREATMENTPLANS_MAX_IMAGE_PIXELS == DEFAULT_LIMIT
    data = bombs[bomb]
    assert len(data) < 2 * MiB  # a small upload, under every byte limit
    error, peak = _peak_of_reading(data, filename)
    assert error is not None, "the bomb was accepted"
    assert message in str(error)
    assert peak < REFUSAL_PEAK_BYTES, f"peak {peak / MiB:.1f} MiB"


def _upload(client, patient, data: bytes, name: str, language: str = "en"):
    return client.post(
        f"/patients/{patient.pk}/plans/images/",
        {"file": SimpleUploadedFile(name, data)},
        HTTP_ACCEPT_LANGUAGE=language,
    )


def _api_upload(client, patient, data: bytes, name: str, language: str = "en"):
    return client.post(
        f"/api/patients/{patient.pk}/plans/images",
        {"file": SimpleUploadedFile(name, data)},
        HTTP_ACCEPT_LANGUAGE=language,
    )


def _nothing_saved(settings) -> bool:
    media = settings.MEDIA_ROOT
    return PlacementImage.objects.count() == 0 and not (
        media.exists() and any(p.is_file() for p in media.rglob("*"))
    )


@pytest.mark.parametrize(
    ("bomb", "filename", "fragment"),
    [
        ("rle", "bomb.dcm", "too large"),
        ("deflate", "bomb.dcm", "inflates to more than"),
        ("png", "bomb.png", "too large"),
    ],
)
def test_the_form_and_the_api_refuse_a_bomb_and_save_nothing(
    login, physician, make_patient, settings, bombs, bomb, filename, fragment
):
    patient = make_patient()
    client = login(physician)
    page = _upload(client, patient, bombs[bomb], filename)
    assert page.status_code == 400
    html = page.content.decode()
    assert 'class="field has-error"' in html and fragment in html
    api = _api_upload(client, patient, bombs[bomb], filename)
    assert api.status_code == 422, api.content
    body = api.json()
    assert fragment in body["errors"]["file"][0] and fragment in body["detail"]
    assert _nothing_saved(settings)


def test_the_refusal_is_in_the_readers_language(login, physician, make_patient, bombs):
    patient = make_patient()
    client = login(physician)
    page = _upload(client, patient, bombs["rle"], "bomb.dcm", language="fr")
    assert "trop grande" in page.content.decode()
    api = _api_upload(client, patient, bombs["deflate"], "bomb.dcm", language="fr")
    assert api.status_code == 422 and "décompressé" in api.json()["errors"]["file"][0]


def test_a_file_over_the_byte_limit_is_refused_before_it_is_read(
    login, physician, make_patient, settings, png_bytes
):
    settings.TREATMENTPLANS_MAX_IMAGE_BYTES = 1024
    patient = make_patient()
    client = login(physician)
    data = png_bytes() + bytes(2048)
    page = _upload(client, patient, data, "big.png")
    assert page.status_code == 400 and "larger than 1.0\xa0KB" in page.content.decode()
    api = _api_upload(client, patient, data, "big.png")
    assert api.status_code == 422 and "larger than" in api.json()["errors"]["file"][0]
    assert _nothing_saved(settings)


def test_the_limit_is_the_setting_for_png_and_jpeg(settings, bombs):
    from PIL import Image

    settings.TREATMENTPLANS_MAX_IMAGE_PIXELS = 100 * 100
    assert isinstance(_peak_of_reading(blank_png(100, 100), "ok.png")[0], type(None))
    for data, name in [
        (blank_png(101, 100), "wide.png"),
        (blank_png(60, 60, "RGB"), "colour.png"),  # 3 samples: 10800 values
    ]:
        error, _ = _peak_of_reading(data, name)
        assert error is not None and "too large" in str(error), name
    buf = io.BytesIO()
    Image.new("L", (150, 100)).save(buf, format="JPEG")
    error, _ = _peak_of_reading(buf.getvalue(), "photo.jpg")
    assert error is not None and "too large" in str(error)


def test_legitimate_images_are_still_read(settings, dicom_bytes, png_bytes):
    from pydicom import dcmread
    from pydicom.uid import DeflatedExplicitVRLittleEndian, RLELossless

    native = dicom_bytes()
    read = read_image(native, "us.dcm")
    assert (read.width, read.height, read.row_spacing_mm) == (300, 200, pytest.approx(0.1))
    ds = dcmread(io.BytesIO(native))
    ds.compress(RLELossless)
    rle = read_image(_save(ds), "us.dcm")
    assert (rle.width, rle.height) == (300, 200) and rle.png == read.png
    ds = dcmread(io.BytesIO(native))
    ds.file_meta.TransferSyntaxUID = DeflatedExplicitVRLittleEndian
    deflated_file = _save(ds)
    deflated = read_image(deflated_file, "us.dcm")
    assert (deflated.width, deflated.height) == (300, 200) and deflated.png == read.png
    with pytest.raises(ImageError, match="no image that can be read"):
        read_image(deflated_file[: len(deflated_file) // 2], "us.dcm")  # a truncated stream
    assert read_image(png_bytes(), "us.png").kind == "png"
    jpeg = read_image(jpeg_dicom(200, 300, (300, 200)), "us.dcm")
    assert (jpeg.width, jpeg.height, jpeg.kind) == (300, 200, "dicom")
    with pytest.raises(ImageError, match="no image that can be read"):
        read_image(jpeg_dicom(200, 300, (200, 300)), "us.dcm")  # a frame of another size
    # A 16-bit CT with a rescale: windowed to 8-bit grey without a float64 copy.
    ct = dcmread(io.BytesIO(dicom_bytes(rows=512, cols=512)))
    ct.BitsAllocated, ct.BitsStored, ct.HighBit, ct.PixelRepresentation = 16, 12, 11, 0
    ct.RescaleSlope, ct.RescaleIntercept = 1, -1024
    ramp = np.tile(np.arange(512, dtype=np.uint16) * 8, (512, 1))
    ct.PixelData = ramp.tobytes()
    image = read_image(_save(ct), "ct.dcm")
    from PIL import Image

    grey = np.asarray(Image.open(io.BytesIO(image.png)))
    assert grey.dtype == np.uint8 and grey[0, 0] == 0 and grey[0, -1] == 255
    assert np.all(np.diff(grey[0].astype(int)) >= 0)  # the ramp stays a ramp


def test_a_legitimate_upload_through_the_api(login, physician, make_patient, dicom_bytes):
    patient = make_patient()
    client = login(physician)
    response = _api_upload(client, patient, dicom_bytes(), "us.dcm")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (
        body["kind"] == "dicom"
        and body["calibrated"]
        and (body["width"], body["height"])
        == (
            300,
            200,
        )
    )
    assert PlacementImage.objects.get().pk == body["id"]
    missing = client.post(f"/api/patients/{patient.pk}/plans/images", {})
    assert missing.status_code == 422 and "file" in missing.json()["errors"]


def test_a_file_over_the_upload_limit_is_dropped_while_it_is_received(
    login, physician, make_patient, settings, png_bytes, tmp_path
):
    settings.FILE_UPLOAD_MAX_BYTES = 64 * 1024
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # what is kept goes to a temporary file
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "incoming")
    (tmp_path / "incoming").mkdir()
    patient = make_patient()
    client = login(physician)
    data = png_bytes() + bytes(256 * 1024)  # 4x the limit
    page = _upload(client, patient, data, "huge.png")
    assert page.status_code == 400
    assert "larger than 64.0\xa0KB" in page.content.decode()
    api = _api_upload(client, patient, data, "huge.png")
    assert api.status_code == 422 and "larger than 64.0" in api.json()["errors"]["file"][0]
    assert not any((tmp_path / "incoming").iterdir())  # nothing left on disk
    assert _nothing_saved(settings)
    ok = _api_upload(client, patient, png_bytes(), "ok.png")
    assert ok.status_code == 201, ok.content
