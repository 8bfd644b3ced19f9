from .selectors import evaluations_export

SECTION = "evaluations"


def export(patient):
    return evaluations_export(patient=patient)
