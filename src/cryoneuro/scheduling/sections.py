from cryoneuro.accounts.access import can_access_patient
from cryoneuro.accounts.roles import Perm
from cryoneuro.core.plugins import Section

from .selectors import appointments_for_patient


def patient_section(request, patient):
    if not can_access_patient(request.user, Perm.APPOINTMENT_VIEW, patient):
        return None
    return Section(
        template="scheduling/_patient_section.html",
        context={
            "appointments": list(appointments_for_patient(user=request.user, patient=patient)),
            "can_book": can_access_patient(request.user, Perm.APPOINTMENT_BOOK, patient),
            "can_request": can_access_patient(request.user, Perm.APPOINTMENT_REQUEST, patient),
        },
        order=20,
    )
