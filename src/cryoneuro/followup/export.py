from .selectors import followup_export

SECTION = "followup"


def export(patient):
    return followup_export(patient=patient)
