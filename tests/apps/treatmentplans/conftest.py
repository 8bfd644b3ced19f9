from __future__ import annotations

import io

import numpy as np
import pytest


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def dicom_bytes():
    """A small ultrasound-like DICOM written by pydicom, with PixelSpacing 0.1 mm."""

    def make(
        rows: int = 200, cols: int = 300, spacing: float = 0.1, with_spacing: bool = True
    ) -> bytes:
        from pydicom.dataset import FileDataset, FileMetaDataset
        from pydicom.uid import ExplicitVRLittleEndian, SecondaryCaptureImageStorage, generate_uid

        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = SecondaryCaptureImageStorage
        meta.MediaStorageSOPInstanceUID = generate_uid()
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds = FileDataset("test.dcm", {}, file_meta=meta, preamble=b"\0" * 128)
        ds.SOPClassUID = SecondaryCaptureImageStorage
        ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
        ds.Modality = "US"
        ds.Rows, ds.Columns = rows, cols
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = "MONOCHROME2"
        ds.BitsAllocated = ds.BitsStored = 8
        ds.HighBit = 7
        ds.PixelRepresentation = 0
        if with_spacing:
            ds.PixelSpacing = [spacing, spacing]
        yy, xx = np.mgrid[0:rows, 0:cols]
        img = (40 + 60 * np.exp(-((xx - cols / 2) ** 2 + (yy - rows / 2) ** 2) / 200.0)).astype(
            np.uint8
        )
        img[:8] = 200  # the skin line at the top
        ds.PixelData = img.tobytes()
        buf = io.BytesIO()
        ds.save_as(buf, enforce_file_format=True)
        return buf.getvalue()

    return make


@pytest.fixture
def png_bytes():
    def make(w: int = 120, h: int = 80) -> bytes:
        from PIL import Image

        buf = io.BytesIO()
        Image.new("L", (w, h), 90).save(buf, format="PNG")
        return buf.getvalue()

    return make


PLAN_FORM = {
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
    "procedure_date": "2026-12-01",
    "motor_diameter_mm": "1",
    "vessel_diameter_mm": "3",
}
