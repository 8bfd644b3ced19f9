"""Every page and API read of a patient's data leaves an audit entry naming the patient.

Walks the permission table: each GET of a patient-scoped endpoint, by a user allowed to
make it, must add an audit entry for that patient when it shows data (200)."""

from __future__ import annotations

import io

import pytest

from cryoneuro.accounts.roles import Role, scope
from cryoneuro.audit.models import AuditEntry

from .permission_table import API, PAGES
from .test_permission_matrix import world  # noqa: F401  (the same objects as the matrix)

READS = [e for e in PAGES + API if e.method == "GET" and e.scoped]


def _plan_and_image(patient_id: int, user) -> None:
    from PIL import Image

    from cryoneuro.patients.models import Patient
    from cryoneuro.planning import inputs_for_nerve
    from cryoneuro.treatmentplans.services import image_upload, plan_create

    patient = Patient.objects.get(pk=patient_id)
    buffer = io.BytesIO()
    Image.new("L", (120, 80), 90).save(buffer, format="PNG")
    image_upload(patient=patient, uploaded_by=user, data=buffer.getvalue(), filename="us.png")
    plan_create(
        patient=patient,
        created_by=user,
        inputs=inputs_for_nerve("ipbsn", depth=6e-3, diameter=1.5e-3),
    )


@pytest.mark.parametrize("endpoint", READS, ids=lambda e: e.name)
def test_it_audits_each_read_of_patient_data(
    client,
    world,  # noqa: F811  (the fixture imported above)
    endpoint,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    users, objects = world
    if scope(Role.PHYSICIAN, endpoint.perm) is not None:
        user, which = users[Role.PHYSICIAN], "other"
    else:  # a patient-only endpoint (e.g. asking for an appointment): their own record
        user, which = users[Role.PATIENT], "own"
    patient_id = objects[which]["patient"]
    if "plan" in endpoint.name:
        _plan_and_image(patient_id, users[Role.PHYSICIAN])
    client.force_login(user)
    before = AuditEntry.objects.filter(patient_id=patient_id).count()
    response = client.get(endpoint.path.format(**objects[which]))
    assert response.status_code in (200, 302), response.status_code
    if "plan" in endpoint.name:
        assert response.status_code == 200  # a plan and an image exist: they are shown
    if response.status_code == 200:
        assert AuditEntry.objects.filter(patient_id=patient_id).count() > before, (
            f"{endpoint.name}: shows data of patient {patient_id} without an audit entry"
        )
