from cryoneuro.accounts.access import can_access_patient
from cryoneuro.accounts.roles import Perm
from cryoneuro.core.audit import audit_read
from cryoneuro.core.plugins import Section

from .selectors import plans_for_patient


def patient_section(request, patient):
    if not can_access_patient(request.user, Perm.PLAN_VIEW, patient):
        return None
    plans = list(plans_for_patient(patient=patient).filter(archived_at__isnull=True)[:10])
    if plans:
        audit_read(
            request,
            object_type="treatmentplans.treatmentplan",
            patient_id=patient.pk,
            detail={"section": "patient page", "count": len(plans)},
        )
    return Section(
        template="treatmentplans/_patient_section.html",
        context={
            "plans": plans,
            "can_plan": can_access_patient(request.user, Perm.PLAN_CREATE, patient),
        },
        order=20,
    )
