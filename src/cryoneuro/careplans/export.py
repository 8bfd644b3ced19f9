from .selectors import careplan_export

SECTION = "care_plan"


def export(patient):
    return careplan_export(patient=patient)
