"""Demo plans: one or two stored plans for the lead's demo patients (skipped quietly when
there are none), the first one placed on a synthetic ultrasound DICOM. Idempotent through
ctx.first_time."""

from __future__ import annotations

import datetime as dt
import io

from cryoneuro.patients.models import Patient
from cryoneuro.planning import Structure, inputs_for_nerve
from cryoneuro.planning.placement import placement_from_marks
from cryoneuro.planning.planner import RECOMMENDED_PLACEMENT_MARGIN_M

from .services import image_upload, plan_create

LAYERS = (("skin", 2e-3), ("fat", 6e-3), ("muscle", float("inf")))
# synthetic image: 400 x 300 pixels of 0.1 mm; nerve centre at (200, 80) px = 8 mm deep;
# a 60-degree needle passing 1.4 mm superficial to it (computed in docs/planning.md terms)
MARKS = {"skin": [[0, 0], [400, 0]], "nerve": [200, 80], "trajectory": [[138, 0], [208, 122]]}


def synthetic_ultrasound_dicom() -> bytes:
    """A speckled, ultrasound-like DICOM with PixelSpacing 0.1 mm (no real patient data)."""
    # Lazy on purpose (no import cycle): numpy and pydicom are heavy, loaded only when the demo makes an image.
    import numpy as np
    from pydicom.dataset import FileDataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, UltrasoundImageStorage, generate_uid

    rows, cols = 300, 400
    rng = np.random.default_rng(4)
    yy, xx = np.mgrid[0:rows, 0:cols]
    img = 35 + 25 * rng.rayleigh(1.0, (rows, cols))
    img[yy < 6] = 230  # transducer / skin interface
    img += 60 * np.exp(-((yy - 20) ** 2) / 4.0)  # dermis
    img += 80 * np.exp(-((yy - 70) ** 2) / 3.0) * (xx > 0)  # fascia over muscle
    nerve = ((xx - 200) / 9.0) ** 2 + ((yy - 80) / 6.0) ** 2
    img[nerve < 1] = 25 + 10 * rng.random(int((nerve < 1).sum()))
    img[(nerve >= 1) & (nerve < 1.6)] += 90  # epineurium
    pixels = np.clip(img, 0, 255).astype(np.uint8)

    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = UltrasoundImageStorage
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset("demo.dcm", {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = UltrasoundImageStorage
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = "US"
    ds.Rows, ds.Columns = rows, cols
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = ds.BitsStored = 8
    ds.HighBit = 7
    ds.PixelRepresentation = 0
    ds.PixelSpacing = [0.1, 0.1]
    ds.PixelData = pixels.tobytes()
    buf = io.BytesIO()
    ds.save_as(buf, enforce_file_format=True)
    return buf.getvalue()


def load(ctx) -> None:

    if not ctx.first_time("treatmentplans.demo.v1"):
        return
    try:
        physician = ctx.physician
    except Exception:
        return
    knee = Patient.objects.filter(
        evaluations__indication="knee_arthrosis", evaluations__outcome="eligible"
    ).distinct()
    patients = list(knee[:2]) or list(
        Patient.objects.filter(evaluations__isnull=False).distinct()[:1]
    )
    when = dt.date.today() + dt.timedelta(days=14)
    for i, patient in enumerate(patients):
        evaluation = (
            patient.evaluations.filter(indication="knee_arthrosis").first()
            or patient.evaluations.first()
        )
        if i == 0:
            image = image_upload(
                patient=patient,
                uploaded_by=physician,
                data=synthetic_ultrasound_dicom(),
                filename="demo.dcm",
            )
            placement = placement_from_marks(MARKS, (0.1, 0.1), probe="16g", diameter=1.5e-3)
            inputs = inputs_for_nerve(
                "ipbsn",
                depth=placement.depth,
                diameter=1.5e-3,
                layers=LAYERS,
                approach_angle=placement.approach_angle,
                offset=placement.offset,
                offset_side=placement.offset_side,
                along=placement.along,
                placement_margin=RECOMMENDED_PLACEMENT_MARGIN_M,
            )
            plan_create(
                patient=patient,
                created_by=physician,
                inputs=inputs,
                evaluation=evaluation,
                image=image,
                placement=placement,
                marks=MARKS,
                procedure_date=when,
            )
            code = "ipbsn (on a synthetic ultrasound image)"
        else:
            inputs = inputs_for_nerve(
                "genicular_superomedial",
                depth=14e-3,
                diameter=1.0e-3,
                layers=LAYERS,
                structures=(
                    Structure("vessel", -3e-3, 14e-3, 2e-3, "superior medial genicular artery"),
                ),
                placement_margin=RECOMMENDED_PLACEMENT_MARGIN_M,
            )
            plan_create(
                patient=patient,
                created_by=physician,
                inputs=inputs,
                evaluation=evaluation,
                procedure_date=when,
            )
            code = "genicular_superomedial"
        ctx.log.append(f"treatment plan for {patient.identifier}: {code}")
