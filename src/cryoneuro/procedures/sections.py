from cryoneuro.accounts.access import can_access_patient
from cryoneuro.accounts.roles import Perm
from cryoneuro.core.plugins import Section

from . import selectors
from .selectors import adverse_events_for_patient, procedures_for_patient


def patient_section(request, patient):
    if not can_access_patient(request.user, Perm.PROCEDURE_VIEW, patient):
        return None
    procedures = list(procedures_for_patient(patient=patient))
    return Section(
        template="procedures/_patient_section.html",
        context={
            "procedures": [
                {"procedure": p, "duration": selectors.procedure_duration(p)} for p in procedures
            ],
            "events": list(adverse_events_for_patient(patient=patient)),
            "flags": selectors.motor_deficit_flags(patient=patient),
            "can_record": can_access_patient(request.user, Perm.PROCEDURE_RECORD, patient),
            "can_record_event": can_access_patient(
                request.user, Perm.ADVERSE_EVENT_RECORD, patient
            ),
        },
        order=30,
    )
