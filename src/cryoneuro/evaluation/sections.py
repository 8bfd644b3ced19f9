from cryoneuro.accounts.access import can_access_patient
from cryoneuro.accounts.roles import Perm
from cryoneuro.core.plugins import Section

from .selectors import evaluations_for_patient


def patient_section(request, patient):
    if not can_access_patient(request.user, Perm.EVALUATION_VIEW, patient):
        return None
    return Section(
        template="evaluation/_patient_section.html",
        context={
            "evaluations": list(evaluations_for_patient(patient=patient)),
            "can_evaluate": can_access_patient(request.user, Perm.EVALUATION_CREATE, patient),
        },
        order=10,
    )
