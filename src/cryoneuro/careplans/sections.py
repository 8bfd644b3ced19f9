from cryoneuro.accounts.access import can_access_patient
from cryoneuro.accounts.roles import Perm
from cryoneuro.core.plugins import Section

from .selectors import careplan_for


def patient_section(request, patient):
    if not can_access_patient(request.user, Perm.CAREPLAN_VIEW, patient):
        return None
    plan = careplan_for(patient=patient)
    can_edit = can_access_patient(request.user, Perm.CAREPLAN_EDIT, patient)
    if plan is None and not can_edit:
        return None
    return Section(
        template="careplans/_patient_section.html",
        context={"plan": plan, "can_edit": can_edit},
        order=50,
    )
