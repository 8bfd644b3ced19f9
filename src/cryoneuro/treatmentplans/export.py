from .selectors import plans_export

SECTION = "treatment_plans"


def export(patient):
    return plans_export(patient=patient)
